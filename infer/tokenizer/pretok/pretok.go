// Package pretok is the pre-tokenizer of byte-level BPE vocabularies: the
// regex split that cuts text into words before the merges, exactly as
// llama.cpp (b10470) does for each tokenizer.ggml.pre value.
//
// llama.cpp applies a type's regexes one after the other: each regex
// re-splits every current piece, and both the matches and the stretches
// between them become pieces. Its engine runs std::regex on a "collapsed"
// text (a code point's Unicode category standing for it), which gives the
// same matches as a Unicode-aware engine; here the regexes run on
// github.com/dlclark/regexp2 (they need look-ahead), translated where
// ECMAScript and .NET syntax differ ($, \d, \b, class intersection).
package pretok

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/dlclark/regexp2"
)

// ErrUnknown: llama.cpp does not know the pre-tokenizer name.
var ErrUnknown = errors.New("unknown pre-tokenizer")

type typeDef struct {
	raw   bool
	exprs []string
}

// Splitter splits text for one pre-tokenizer type. It is safe for
// concurrent use.
type Splitter struct {
	name  string
	raw   bool
	steps []step
}

// step is one regex (or llama.cpp's hand-written digit splitter).
type step struct {
	re     *regexp2.Regexp
	custom func(cps []rune, lo, hi int, out []int) []int
}

var (
	mu    sync.Mutex
	cache = map[string]*Splitter{}
)

// Lookup returns the splitter for a tokenizer.ggml.pre value ("" and
// "default" give llama.cpp's default regexes).
func Lookup(pre string) (*Splitter, error) {
	if pre == "" {
		pre = "default"
	}
	typ, ok := aliases[pre]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknown, pre)
	}
	mu.Lock()
	defer mu.Unlock()
	if s := cache[typ]; s != nil {
		return s, nil
	}
	def := typeTable[typ]
	s := &Splitter{name: typ, raw: def.raw}
	for _, e := range def.exprs {
		if e == `\p{AFMoE_digits}` {
			s.steps = append(s.steps, step{custom: splitDigitsMod3})
			continue
		}
		re, err := regexp2.Compile(translate(e), regexp2.None)
		if err != nil {
			return nil, fmt.Errorf("pretok: %s: regex %q: %w", typ, e, err)
		}
		s.steps = append(s.steps, step{re: re})
	}
	cache[typ] = s
	return s, nil
}

// Names lists every accepted tokenizer.ggml.pre value.
func Names() []string {
	out := make([]string, 0, len(aliases))
	for k := range aliases {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Name is the canonical type (llama.cpp's LLAMA_VOCAB_PRE_TYPE_* in lower
// case, e.g. "llama3" for "llama-bpe").
func (s *Splitter) Name() string { return s.name }

// Raw reports whether the pieces stay raw UTF-8 (SPM-style vocabularies)
// instead of being GPT-2 byte-encoded.
func (s *Splitter) Raw() bool { return s.raw }

// translate rewrites an ECMAScript regex of llama.cpp for regexp2.
func translate(e string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(e); i++ {
		c := e[i]
		switch {
		case c == '\\' && i+1 < len(e):
			n := e[i+1]
			switch {
			case n == 'd':
				b.WriteString("[0-9]")
			case n == 'b' && !inClass:
				b.WriteString(`(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))`)
			default:
				b.WriteByte(c)
				b.WriteByte(n)
			}
			i++
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case c == '&' && inClass && strings.HasPrefix(e[i:], "&&[^"):
			// [A&&[^B]] (intersection with a negation) is .NET's [A-[B]]
			b.WriteString("-[")
			i += 3
			inClass = true
			depth := 1
			for i+1 < len(e) && depth > 0 {
				i++
				switch e[i] {
				case '[':
					depth++
				case ']':
					depth--
				}
				b.WriteByte(e[i])
			}
		case c == '$' && !inClass:
			b.WriteString(`\z`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Split appends the pieces of text as byte ranges [start, end) to dst.
// Bytes that are not UTF-8 (as llama.cpp decodes it: lead-byte length,
// continuation bits) count as one code point each.
func (s *Splitter) Split(text string, dst [][2]int) [][2]int {
	if text == "" {
		return dst
	}
	cps, offs := decode(text)
	bounds := []int{0, len(cps)} // piece boundaries in code points
	var next []int
	for _, st := range s.steps {
		next = next[:0]
		next = append(next, 0)
		for i := 0; i+1 < len(bounds); i++ {
			lo, hi := bounds[i], bounds[i+1]
			if st.custom != nil {
				next = st.custom(cps, lo, hi, next)
			} else {
				next = splitRegex(st.re, cps, lo, hi, next)
			}
			if next[len(next)-1] != hi {
				next = append(next, hi)
			}
		}
		bounds, next = next, bounds
	}
	for i := 0; i+1 < len(bounds); i++ {
		if bounds[i] < bounds[i+1] {
			dst = append(dst, [2]int{offs[bounds[i]], offs[bounds[i+1]]})
		}
	}
	return dst
}

// splitRegex appends the boundaries of the matches of re in cps[lo:hi]
// (and of the gaps between them).
func splitRegex(re *regexp2.Regexp, cps []rune, lo, hi int, out []int) []int {
	m, err := re.FindRunesMatch(cps[lo:hi])
	for err == nil && m != nil {
		start, end := lo+m.Index, lo+m.Index+m.Length
		if start > out[len(out)-1] {
			out = append(out, start)
		}
		if end > out[len(out)-1] {
			out = append(out, end)
		}
		m, err = re.FindNextMatch(m)
	}
	return out
}

// splitDigitsMod3 is llama.cpp's AFMoE digit splitter: each run of digits
// is cut into a leading 1–2 digits (length mod 3) and groups of three; the
// text before a run stays attached to its first group.
func splitDigitsMod3(cps []rune, lo, hi int, out []int) []int {
	add := func(end int) {
		if end > out[len(out)-1] {
			out = append(out, end)
		}
	}
	for pos := lo; pos < hi; {
		if !unicode.IsNumber(cps[pos]) {
			pos++
			continue
		}
		start := pos
		for pos < hi && unicode.IsNumber(cps[pos]) {
			pos++
		}
		cur := start
		if r := (pos - start) % 3; r > 0 {
			add(cur + r)
			cur += r
		}
		for cur < pos {
			add(cur + 3)
			cur += 3
		}
	}
	return out
}

// decode splits text into code points as llama.cpp's unicode_cpts_from_utf8
// (an invalid byte is one U+FFFD), with the byte offset of each and the end.
func decode(s string) ([]rune, []int) {
	cps := make([]rune, 0, len(s))
	offs := make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		offs = append(offs, i)
		c := s[i]
		n := 0
		var cp rune
		switch {
		case c < 0x80:
			cp, n = rune(c), 1
		case c&0xE0 == 0xC0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			cp, n = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
		case c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			cp, n = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		case c&0xF8 == 0xF0 && i+3 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && s[i+3]&0xC0 == 0x80:
			cp, n = rune(c&0x07)<<18|rune(s[i+1]&0x3F)<<12|rune(s[i+2]&0x3F)<<6|rune(s[i+3]&0x3F), 4
		default:
			cp, n = 0xFFFD, 1
		}
		cps = append(cps, cp)
		i += n
	}
	offs = append(offs, len(s))
	return cps, offs
}
