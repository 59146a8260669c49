package pretok

import (
	"slices"
	"testing"

	"github.com/dlclark/regexp2"
)

// regexPieces splits text with one llama.cpp regex on the generic path.
func regexPieces(t *testing.T, expr, text string) []string {
	t.Helper()
	initTables()
	st := step{expr: expr, alpha: alphaWide}
	if needsCollapse(expr) {
		st.alpha = alphaCollapsed
	}
	tr, err := translate(expr, st.alpha)
	if err != nil {
		t.Fatal(err)
	}
	if st.re, err = regexp2.Compile(tr, regexp2.None); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range st.regexSplit(text, 0, len(text), nil, new(scratch)) {
		out = append(out, text[p[0]:p[1]])
	}
	return out
}

// TestCollapseQuirks checks the collapsed-regex behaviour of llama.cpp
// that a Unicode-aware engine would not have.
func TestCollapseQuirks(t *testing.T) {
	for _, c := range []struct {
		expr, text string
		want       []string
	}{
		// \p{S} lacks '~' (k_ucat_map), has the other ASCII symbols.
		{`\p{S}+`, "a~$+<=>^`|b€", []string{"a~", "$+<=>^`|", "b", "€"}},
		// \p{Lu} is \p{L}.
		{`\p{Lu}+`, "abcDEF déf", []string{"abcDEF", " ", "déf"}},
		// \s is ASCII white space plus every non-ASCII White_Space code
		// point (collapsed to \v); U+200B and U+180E are not white space.
		{`\s+`, "a\u00a0\u3000\u0085b\u200bc\u180e", []string{"a", "\u00a0\u3000\u0085", "b\u200bc\u180e"}},
		// \d is 0-9 only.
		{`\d+`, "12٣4", []string{"12", "٣", "4"}},
		// $ is the end of the piece, not before a final newline.
		{`\s+$`, "a \n", []string{"a", " \n"}},
		// Without \p{..} the regex sees code points.
		{`[一-龥]+`, "x中文y", []string{"x", "中文", "y"}},
		// An invalid byte is U+FFFD, a symbol.
		{`\p{S}`, "a\xffb", []string{"a", "\xff", "b"}},
	} {
		if got := regexPieces(t, c.expr, c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s on %q: %q, want %q", c.expr, c.text, got, c.want)
		}
	}
}

func TestTranslateErrors(t *testing.T) {
	for _, c := range []struct {
		expr string
		a    alphabet
	}{
		{`\p{L}é`, alphaCollapsed}, // llama.cpp refuses this too
		{`\p{Han}+`, alphaWide},
		{`\p{Xx}`, alphaCollapsed},
		{`(?<=a)b`, alphaWide},
		{`[a-`, alphaWide},
		{`[z-a]`, alphaWide},
		{`a{x}`, alphaWide},
		{`\q`, alphaWide},
	} {
		if _, err := translate(c.expr, c.a); err == nil {
			t.Errorf("%q: no error", c.expr)
		}
	}
}
