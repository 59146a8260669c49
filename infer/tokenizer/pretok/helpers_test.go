package pretok

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// snippets are the material of random test text, by kind.
var snippets = [][]string{
	// ASCII words
	{"a", "b", "x", "hello", "World", "HTTP", "camelCase", "snake_case", "CONSTANT", "Ab", "aB", "s", "t", "re", "ve", "LL", "ll", "d", "m", "e", "l", "r", "v"},
	// digits
	{"0", "1", "12", "123", "1234", "12345", "1234567", "3.14", "1,000,000", "2024-01-01", "0x1F"},
	// ASCII punctuation and symbols
	{"!", "\"", "#", "$", "%", "&", "(", ")", "*", "+", ",", "-", ".", "/", ":", ";", "<", "=", ">", "?", "@", "[", "\\", "]", "^", "_", "`", "{", "|", "}", "~", "...", "->", "==", "//", "/*", "*/", "{}", "();", "<sentinel:12>", "IMGIMGABCZ", "IMGIMGIZ"},
	// apostrophes and contractions
	{"'", "''", "'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'lL", "'d", "'D", "'x", "'r", "'l", "'v", "'rE", "'é", "'1", "' ", "'\n"},
	// white space
	{" ", " ", " ", "  ", "   ", "    ", "        ", "\t", "\t\t", "\n", "\n\n", "\r", "\r\n", " \n", "\n ", " \r\n ", "\v", "\f", " \t ",
		strings.Repeat(" ", 16), strings.Repeat(" ", 37), strings.Repeat("\t", 9), strings.Repeat("\n", 5)},
	// letters beyond ASCII
	{"é", "ß", "ü", "Ünïcödé", "naïve", "Привет", "мир", "Ελληνικά", "中文", "字", "漢字", "ひらがな", "カタカナ", "한국어", "हिन्दी", "नमस्ते", "العربية", "עברית", "ภาษาไทย", "ǅ", "ǈ", "ʰ", "ª", "ſ", "İ", "K", "Å", "ｆｕｌｌ", "Ｆ"},
	// combining marks, alone and after letters
	{"\u0301", "e\u0301", "\u0300\u0301", "a\u0308", "\u093f", "\u0e31", "\u20dd", "\u0345"},
	// numbers beyond ASCII
	{"١٢٣", "٤", "०१२", "²", "³", "½", "Ⅻ", "ⅷ", "〇", "①", "𝟙", "፲"},
	// emoji and other symbols
	{"😀", "👍🏽", "👨\u200d👩\u200d👧", "🇺🇸", "❤️", "€", "©", "™", "→", "∑", "√", "°", "±", "…", "—", "“", "”", "«", "»", "。", "，", "、", "！", "।", "۔", "،"},
	// other white space and invisible code points
	{"\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\u0085", "\u1680", "\u200b", "\ufeff", "\u00ad", "\u180e", "\u202f", "\u205f"},
	// controls and odd code points
	{"\x00", "\x01", "\x1c", "\x1f", "\x7f", "\u0080", "\u009f", "\ue000", "\U000f0000", "\u0378", "\U0010fffe", "\ufffd", "\ufffe"},
	// invalid UTF-8 (llama.cpp's decoder: one U+FFFD per bad byte, no
	// overlong or surrogate checks)
	{"\x80", "\xbf", "\xc0", "\xc3", "\xe4\xb8", "\xf0\x9f", "\xf0\x9f\x98", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf8", "\xfe", "\xff", "\xc3(", "a\x80b",
		// overlong forms of ASCII, which the decoder accepts: ' s S l e ␠ \n \r \t 0 a
		"\xc0\xa7", "\xc1\xb3", "\xc1\x93", "\xc1\xac", "\xe0\x81\xa5", "\xc0\xa0", "\xc0\x8a", "\xc0\x8d", "\xe0\x80\x89", "\xf0\x80\x80\xb0", "\xc1\xa1"},
	// Han ranges and their edges (llama.cpp's unicode_cpt_is_han)
	{"\u4e00", "\u9fff", "\u3400", "\u4dbf", "\uf900", "\ufaff", "\U00020000", "\U0002a6df", "\U0002a6e0", "\U0002a700", "\U0002ebf0", "\U0002ee5d", "\U0002f800", "\U00030000", "\u2ffc", "\u31ef", "\u3005", "\u2f00"},
}

// randomText returns a random mix of snippets, with up to maxParts parts.
func randomText(rng *rand.Rand, maxParts int) string {
	var b strings.Builder
	n := 1 + rng.IntN(maxParts)
	// Favour a few kinds per text, so that runs of one kind happen.
	kinds := []int{rng.IntN(len(snippets)), rng.IntN(len(snippets)), 0, 4}
	for range n {
		var k int
		if rng.IntN(3) == 0 {
			k = rng.IntN(len(snippets))
		} else {
			k = kinds[rng.IntN(len(kinds))]
		}
		b.WriteString(snippets[k][rng.IntN(len(snippets[k]))])
	}
	return b.String()
}

// cpLens returns the length of every piece in code points, as llama.cpp
// decodes them.
func cpLens(text string, pieces [][2]int) []int {
	out := make([]int, 0, len(pieces))
	for _, p := range pieces {
		n := 0
		for i := p[0]; i < p[1]; {
			_, m := cpAt(text, i)
			i += m
			n++
		}
		out = append(out, n)
	}
	return out
}

// checkPieces fails unless pieces are non-empty, in order and cover text.
func checkPieces(text string, pieces [][2]int) error {
	pos := 0
	for i, p := range pieces {
		if p[0] != pos || p[1] <= p[0] {
			return fmt.Errorf("piece %d is %v, want a non-empty one from %d", i, p, pos)
		}
		pos = p[1]
	}
	if pos != len(text) {
		return fmt.Errorf("pieces end at %d, text at %d", pos, len(text))
	}
	return nil
}

// show renders pieces for error messages.
func show(text string, pieces [][2]int) string {
	parts := make([]string, len(pieces))
	for i, p := range pieces {
		parts[i] = fmt.Sprintf("%q", text[p[0]:p[1]])
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// allSplitters returns the splitter of every type.
func allSplitters(t testing.TB) []*Splitter {
	t.Helper()
	var out []*Splitter
	for _, name := range Types() {
		s, err := byType(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// hasFast reports whether a splitter has a hand-written step.
func (s *Splitter) hasFast() bool {
	for _, st := range s.steps {
		if st.fast != nil {
			return true
		}
	}
	return false
}
