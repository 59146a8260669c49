package pretok

import (
	"fmt"
	"sync"

	"github.com/dlclark/regexp2"
)

// fastFunc is a hand-written splitter: it appends the pieces of
// text[lo:hi] (one current piece, starting and ending on code point
// boundaries) to dst.
type fastFunc func(text string, lo, hi int, dst [][2]int) [][2]int

// step is one of a type's regexes.
type step struct {
	expr  string          // the regex as llama.cpp lists it
	fast  fastFunc        // a hand-written splitter for expr (llama.cpp's, or one of ours), if any
	re    *regexp2.Regexp // expr for regexp2; for a fast step, the regex the splitter implements
	alpha alphabet        // what re runs on
}

// Splitter splits text for one pre-tokenizer type. It is safe for
// concurrent use.
type Splitter struct {
	name  string
	raw   bool
	steps []step
}

// Name returns the canonical type name: llama.cpp's LLAMA_VOCAB_PRE_TYPE_*
// in lower case without the prefix ("llama3" for "llama-bpe", "llama3",
// "llama-v3", ...; "default" for "" and "default").
func (s *Splitter) Name() string { return s.name }

// Raw reports whether llama.cpp keeps the pieces as raw UTF-8 (its
// byte_encode = false: gemma4, sarvam_moe, whitespace) instead of mapping
// their bytes to GPT-2's byte alphabet.
func (s *Splitter) Raw() bool { return s.raw }

// Regexes returns the type's regexes as llama.cpp lists them.
func (s *Splitter) Regexes() []string {
	out := make([]string, len(s.steps))
	for i, st := range s.steps {
		out[i] = st.expr
	}
	return out
}

// fastSplitters maps the regexes llama.cpp recognises by their exact text
// (unicode_regex_split_custom) to our versions of its hand-written
// splitters, with the regex (and alphabet) each one implements; and a few
// simple regexes llama.cpp runs on std::regex to splitters of ours.
var fastSplitters = map[string]struct {
	fn    fastFunc
	regex string
	alpha alphabet
}{
	exprGPT2:                  {splitGPT2, exprGPT2, alphaCollapsed},
	exprLlama3:                {splitLlama3, exprLlama3, alphaCollapsed},
	exprLlama3CaseInsensitive: {splitLlama3, exprLlama3, alphaCollapsed},
	exprQwen2:                 {splitQwen2, exprQwen2, alphaCollapsed},
	exprQwen35:                {splitQwen35, exprQwen35, alphaCollapsed},
	exprKimiK2:                {splitKimiK2, regexKimiK2, alphaHan},
	exprAFMoEDigits:           {splitDigitGroups, regexDigitGroups, alphaCollapsed},
	exprTinyAyaDigits:         {splitDigitGroups, regexDigitGroups, alphaCollapsed},
	exprNewlines:              {splitNewlines, exprNewlines, alphaWide},

	// Ours.
	"\\p{N}":      {numberRuns(1), "\\p{N}", alphaCollapsed},
	"\\p{N}{1,3}": {numberRuns(3), "\\p{N}{1,3}", alphaCollapsed},
	"\\p{N}+":     {numberRuns(0), "\\p{N}+", alphaCollapsed},
}

func newSplitter(t *preType) (*Splitter, error) {
	initTables()
	s := &Splitter{name: t.name, raw: t.raw}
	for _, e := range t.exprs {
		st := step{expr: e}
		regex := e
		st.alpha = alphaWide
		if needsCollapse(e) {
			st.alpha = alphaCollapsed
		}
		if f, ok := fastSplitters[e]; ok {
			st.fast, regex, st.alpha = f.fn, f.regex, f.alpha
		}
		tr, err := translate(regex, st.alpha)
		if err != nil {
			return nil, fmt.Errorf("pretok: %s: regex %q: %w", t.name, regex, err)
		}
		st.re, err = regexp2.Compile(tr, regexp2.None)
		if err != nil {
			return nil, fmt.Errorf("pretok: %s: regex %q (as %q): %w", t.name, regex, tr, err)
		}
		s.steps = append(s.steps, st)
	}
	return s, nil
}

// scratch holds the buffers of one multi-step Split call.
type scratch struct {
	a, b  [][2]int
	runes []rune
	offs  []int
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Split appends the pieces of text to dst as byte ranges [start, end) and
// returns dst. The pieces are what llama.cpp's unicode_regex_split makes of
// text for this type, in order, empty ones left out; together they cover
// text. text need not be valid UTF-8: bytes are decoded as llama.cpp decodes
// them (see the package documentation), and pieces start and end on the
// boundaries of that decoding.
func (s *Splitter) Split(text string, dst [][2]int) [][2]int {
	return s.split(text, dst, false)
}

// splitGeneric is Split with every step run as a regex (hand-written
// splitters replaced by the regexes they implement).
func (s *Splitter) splitGeneric(text string, dst [][2]int) [][2]int {
	return s.split(text, dst, true)
}

func (s *Splitter) split(text string, dst [][2]int, generic bool) [][2]int {
	if text == "" {
		return dst
	}
	if len(s.steps) == 1 && s.steps[0].fast != nil && !generic {
		return s.steps[0].fast(text, 0, len(text), dst)
	}
	sc := scratchPool.Get().(*scratch)
	cur := append(sc.a[:0], [2]int{0, len(text)})
	spare := sc.b[:0]
	for i := range s.steps {
		st := &s.steps[i]
		last := i == len(s.steps)-1
		out := spare[:0]
		if last {
			out = dst
		}
		for _, p := range cur {
			if st.fast != nil && !generic {
				out = st.fast(text, p[0], p[1], out)
			} else {
				out = st.regexSplit(text, p[0], p[1], out, sc)
			}
		}
		if last {
			dst = out
			break
		}
		cur, spare = out, cur
	}
	sc.a, sc.b = cur[:0], spare[:0]
	scratchPool.Put(sc)
	return dst
}

// regexSplit splits one piece with the step's regex the way llama.cpp's
// unicode_regex_split_stl does: every match is a piece, and so is every
// non-empty stretch between matches (and before the first and after the
// last). llama.cpp also keeps empty matches as empty pieces; they make no
// tokens, and we leave them out.
//
// After an empty match regexp2 looks for the next match one position on,
// while libstdc++'s regex_iterator first tries a non-empty match at the same
// position; the only regex in the table that can match empty (superbpe's
// (?=(\d{3})+(?!\d))) never matches non-empty, so the two agree.
func (st *step) regexSplit(text string, lo, hi int, dst [][2]int, sc *scratch) [][2]int {
	runes, offs := sc.runes[:0], sc.offs[:0]
	for i := lo; i < hi; {
		r, n := cpAt(text, i)
		runes = append(runes, st.alpha.symbol(r))
		offs = append(offs, i)
		i += n
	}
	offs = append(offs, hi)
	sc.runes, sc.offs = runes, offs

	prev := 0
	m, err := st.re.FindRunesMatch(runes)
	for err == nil && m != nil {
		a, b := m.Index, m.Index+m.Length
		if a > prev {
			dst = append(dst, [2]int{offs[prev], offs[a]})
		}
		if b > a {
			dst = append(dst, [2]int{offs[a], offs[b]})
		}
		prev = b
		m, err = st.re.FindNextMatch(m)
	}
	if err != nil {
		// regexp2 only fails on a match timeout, and we set none.
		panic("pretok: " + err.Error())
	}
	if prev < len(runes) {
		dst = append(dst, [2]int{offs[prev], hi})
	}
	return dst
}
