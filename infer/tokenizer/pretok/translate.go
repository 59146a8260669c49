package pretok

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Translation of llama.cpp's regexes (ECMAScript, as libstdc++'s std::regex
// reads them) to github.com/dlclark/regexp2 syntax (.NET), for the runes of
// one alphabet (see alphabet). Every class is spelled out as explicit
// ranges, so nothing depends on regexp2's Unicode tables: in the C locale
// llama.cpp runs in, \s is [\t\n\v\f\r ], \d is [0-9] and \w is
// [0-9A-Za-z_], for wide and collapsed text alike.

// needsCollapse reports whether llama.cpp runs expr on the collapsed text:
// it does when expr contains one of the \p{..} names it knows
// (unicode_regex_split's k_ucat_enum), anywhere.
func needsCollapse(expr string) bool {
	for _, k := range []string{`\p{N}`, `\p{L}`, `\p{P}`, `\p{M}`, `\p{S}`, `\p{Lu}`, `\p{Ll}`, `\p{Lt}`, `\p{Lm}`, `\p{Lo}`} {
		if strings.Contains(expr, k) {
			return true
		}
	}
	return false
}

// runeSet is a set of runes as sorted, non-overlapping, non-adjacent ranges.
type runeSet [][2]rune

func (s runeSet) add(lo, hi rune) runeSet { return append(s, [2]rune{lo, hi}) }

func (s runeSet) addSet(t runeSet) runeSet { return append(s, t...) }

func (s runeSet) norm() runeSet {
	slices.SortFunc(s, func(a, b [2]rune) int { return int(a[0] - b[0]) })
	out := s[:0]
	for _, r := range s {
		if n := len(out); n > 0 && r[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// complement over U+0000..U+10FFFF (the alphabets never hold larger runes).
func (s runeSet) complement() runeSet {
	s = s.norm()
	var out runeSet
	next := rune(0)
	for _, r := range s {
		if r[0] > next {
			out = append(out, [2]rune{next, r[0] - 1})
		}
		next = r[1] + 1
	}
	if next <= utf8.MaxRune {
		out = append(out, [2]rune{next, utf8.MaxRune})
	}
	return out
}

var (
	setSpace = runeSet{{'\t', '\r'}, {' ', ' '}}
	setDigit = runeSet{{'0', '9'}}
	setWord  = runeSet{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
)

// categorySet is what llama.cpp's collapsed regex has for \p{name}: the
// category's stand-in byte plus the category's ASCII members as listed in
// unicode_regex_split's k_ucat_map. Two quirks follow: \p{S} lacks '~'
// (U+007E is Sm), and \p{Lu}, \p{Ll}, \p{Lt}, \p{Lm}, \p{Lo} are all \p{L}.
func categorySet(name string) (runeSet, bool) {
	switch name {
	case "N":
		return runeSet{{colNumber, colNumber}, {'0', '9'}}, true
	case "L", "Lu", "Ll", "Lt", "Lm", "Lo":
		return runeSet{{colLetter, colLetter}, {'A', 'Z'}, {'a', 'z'}}, true
	case "P":
		return runeSet{{colPunct, colPunct}, {'!', '#'}, {'%', '*'}, {',', '/'}, {':', ';'}, {'?', '@'}, {'[', ']'}, {'_', '_'}, {'{', '{'}, {'}', '}'}}, true
	case "M":
		return runeSet{{colMark, colMark}}, true
	case "S":
		return runeSet{{colSymbol, colSymbol}, {'$', '$'}, {'+', '+'}, {'<', '>'}, {'^', '^'}, {'`', '`'}, {'|', '|'}}, true
	}
	return nil, false
}

// wordBoundary is \b over [0-9A-Za-z_] (only ASCII is a word character in
// the C locale); notWordBoundary is \B.
const (
	wordBoundary    = `(?:(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])|(?<![0-9A-Za-z_])(?=[0-9A-Za-z_]))`
	notWordBoundary = `(?:(?<=[0-9A-Za-z_])(?=[0-9A-Za-z_])|(?<![0-9A-Za-z_])(?![0-9A-Za-z_]))`
)

type translator struct {
	src   []rune
	i     int
	alpha alphabet
	out   strings.Builder
}

// translate rewrites a llama.cpp regex for regexp2 over alphabet a.
func translate(expr string, a alphabet) (string, error) {
	t := &translator{src: []rune(expr), alpha: a}
	if a != alphaWide {
		for _, r := range t.src {
			if r >= 0x80 {
				// llama.cpp throws here too ("Regex includes both
				// unicode categories and non-ASCII characters").
				return "", fmt.Errorf("non-ASCII character in a regex with \\p{..} classes")
			}
		}
	}
	for t.i < len(t.src) {
		if err := t.atom(); err != nil {
			return "", fmt.Errorf("at %d: %w", t.i, err)
		}
	}
	return t.out.String(), nil
}

func (t *translator) more() bool { return t.i < len(t.src) }

func (t *translator) peek(k int) rune {
	if t.i+k < len(t.src) {
		return t.src[t.i+k]
	}
	return -1
}

// atom translates one element outside a class.
func (t *translator) atom() error {
	c := t.src[t.i]
	t.i++
	switch c {
	case '\\':
		return t.escape()
	case '[':
		set, neg, err := t.class()
		if err != nil {
			return err
		}
		writeClass(&t.out, set, neg)
	case '(':
		if t.peek(0) == '?' {
			switch t.peek(1) {
			case ':', '=', '!':
				t.out.WriteString("(?")
				t.out.WriteRune(t.peek(1))
				t.i += 2
				return nil
			}
			return fmt.Errorf("unsupported group (?%c", t.peek(1))
		}
		// std::regex runs with nosubs: every group is non-capturing.
		t.out.WriteString("(?:")
	case ')', '|', '*', '+', '?':
		t.out.WriteRune(c)
	case '{':
		j := t.i
		for j < len(t.src) && (t.src[j] >= '0' && t.src[j] <= '9' || t.src[j] == ',') {
			j++
		}
		if j == t.i || j >= len(t.src) || t.src[j] != '}' {
			return fmt.Errorf("bad quantifier")
		}
		t.out.WriteString("{" + string(t.src[t.i:j]) + "}")
		t.i = j + 1
	case '.':
		t.out.WriteString(`[^\n\r\x{2028}\x{2029}]`)
	case '^':
		t.out.WriteString(`\A`)
	case '$':
		// ECMAScript $ without multiline: the end of the piece only.
		t.out.WriteString(`\z`)
	default:
		writeLiteral(&t.out, c)
	}
	return nil
}

// escape translates the escape after a backslash outside a class.
func (t *translator) escape() error {
	if !t.more() {
		return fmt.Errorf("trailing backslash")
	}
	c := t.src[t.i]
	switch c {
	case 'b':
		t.i++
		t.out.WriteString(wordBoundary)
		return nil
	case 'B':
		t.i++
		t.out.WriteString(notWordBoundary)
		return nil
	}
	set, neg, single, err := t.classEscape()
	if err != nil {
		return err
	}
	if set != nil {
		writeClass(&t.out, set, neg)
	} else {
		writeLiteral(&t.out, single)
	}
	return nil
}

// classEscape reads an escape (t.i just past the backslash): a class escape
// gives a set (negated for \S, \D, \W), anything else one rune.
func (t *translator) classEscape() (set runeSet, neg bool, single rune, err error) {
	c := t.src[t.i]
	t.i++
	switch c {
	case 's', 'S':
		return slices.Clone(setSpace), c == 'S', 0, nil
	case 'd', 'D':
		return slices.Clone(setDigit), c == 'D', 0, nil
	case 'w', 'W':
		return slices.Clone(setWord), c == 'W', 0, nil
	case 'p':
		if t.alpha == alphaWide || t.peek(0) != '{' {
			return nil, false, 0, fmt.Errorf(`unsupported \p`)
		}
		end := slices.Index(t.src[t.i:], '}')
		if end < 0 {
			return nil, false, 0, fmt.Errorf(`unterminated \p{`)
		}
		name := string(t.src[t.i+1 : t.i+end])
		s, ok := categorySet(name)
		if !ok {
			return nil, false, 0, fmt.Errorf(`unknown class \p{%s}`, name)
		}
		t.i += end + 1
		return s, false, 0, nil
	case 'r':
		return nil, false, '\r', nil
	case 'n':
		return nil, false, '\n', nil
	case 't':
		return nil, false, '\t', nil
	case 'v':
		return nil, false, '\v', nil
	case 'f':
		return nil, false, '\f', nil
	case '0':
		return nil, false, 0, nil
	case 'x', 'u':
		n := 2
		if c == 'u' {
			n = 4
		}
		if t.i+n > len(t.src) {
			return nil, false, 0, fmt.Errorf("short \\%c escape", c)
		}
		v, perr := strconv.ParseUint(string(t.src[t.i:t.i+n]), 16, 32)
		if perr != nil {
			return nil, false, 0, fmt.Errorf("bad \\%c escape", c)
		}
		t.i += n
		return nil, false, rune(v), nil
	}
	if c < 0x80 && (c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return nil, false, 0, fmt.Errorf("unsupported escape \\%c", c)
	}
	return nil, false, c, nil // identity escape
}

// class reads a bracket expression (t.i just past '[').
func (t *translator) class() (runeSet, bool, error) {
	neg := false
	if t.peek(0) == '^' {
		neg = true
		t.i++
	}
	var set runeSet
	first := true
	for {
		if !t.more() {
			return nil, false, fmt.Errorf("unterminated class")
		}
		c := t.src[t.i]
		if c == ']' && !first {
			t.i++
			break
		}
		if c == ']' {
			return nil, false, fmt.Errorf("empty class")
		}
		first = false
		lo, sub, err := t.classAtom()
		if err != nil {
			return nil, false, err
		}
		if sub != nil {
			set = set.addSet(sub)
			continue
		}
		// A range lo-hi, unless '-' is the last member.
		if t.peek(0) == '-' && t.peek(1) != ']' && t.peek(1) != -1 {
			t.i++
			hi, sub2, err := t.classAtom()
			if err != nil {
				return nil, false, err
			}
			if sub2 != nil {
				return nil, false, fmt.Errorf("class escape as range end")
			}
			if hi < lo {
				return nil, false, fmt.Errorf("reversed range")
			}
			set = set.add(lo, hi)
			continue
		}
		set = set.add(lo, lo)
	}
	return set.norm(), neg, nil
}

// classAtom reads one member of a class: a rune, or a set for a class
// escape (negated escapes are complemented).
func (t *translator) classAtom() (rune, runeSet, error) {
	c := t.src[t.i]
	t.i++
	if c != '\\' {
		return c, nil, nil
	}
	if !t.more() {
		return 0, nil, fmt.Errorf("trailing backslash")
	}
	if t.src[t.i] == 'b' { // backspace inside a class
		t.i++
		return '\b', nil, nil
	}
	set, neg, single, err := t.classEscape()
	if err != nil {
		return 0, nil, err
	}
	if set != nil {
		if neg {
			set = set.complement()
		}
		return 0, set, nil
	}
	return single, nil, nil
}

// writeClass writes a class of explicit ranges.
func writeClass(b *strings.Builder, set runeSet, neg bool) {
	set = set.norm()
	b.WriteByte('[')
	if neg {
		b.WriteByte('^')
	}
	for _, r := range set {
		writeClassRune(b, r[0])
		if r[1] != r[0] {
			b.WriteByte('-')
			writeClassRune(b, r[1])
		}
	}
	b.WriteByte(']')
}

func writeClassRune(b *strings.Builder, r rune) {
	if r < 0x80 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
		b.WriteRune(r)
		return
	}
	fmt.Fprintf(b, `\x{%X}`, r)
}

// writeLiteral writes a rune that must match itself.
func writeLiteral(b *strings.Builder, r rune) { writeClassRune(b, r) }
