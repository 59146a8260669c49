package jinja

import (
	"strings"
	"unicode"
)

// Python's str operations that Go's strings package does differently:
// full Unicode case mappings, Python's whitespace and line boundaries,
// and split semantics.

// upperSpecial and friends are the unconditional multi-character case
// mappings of Unicode's SpecialCasing.txt that are not single runes.
var upperSpecial = map[rune]string{
	'ß': "SS", 'ŉ': "ʼN", 'ǰ': "J̌", 'ΐ': "Ϊ́", 'ΰ': "Ϋ́", 'և': "ԵՒ",
	'ẖ': "H̱", 'ẗ': "T̈", 'ẘ': "W̊", 'ẙ': "Y̊", 'ẚ': "Aʾ",
	'ﬀ': "FF", 'ﬁ': "FI", 'ﬂ': "FL", 'ﬃ': "FFI", 'ﬄ': "FFL", 'ﬅ': "ST", 'ﬆ': "ST",
	'ﬓ': "ՄՆ", 'ﬔ': "ՄԵ", 'ﬕ': "ՄԻ", 'ﬖ': "ՎՆ", 'ﬗ': "ՄԽ",
}

var titleSpecial = map[rune]string{
	'ß': "Ss", 'ŉ': "ʼN", 'ǰ': "J̌", 'և': "Եւ",
	'ﬀ': "Ff", 'ﬁ': "Fi", 'ﬂ': "Fl", 'ﬃ': "Ffi", 'ﬄ': "Ffl", 'ﬅ': "St", 'ﬆ': "St",
	'ﬓ': "Մն", 'ﬔ': "Մե", 'ﬕ': "Մի", 'ﬖ': "Վն", 'ﬗ': "Մխ",
}

func pyUpper(s string) string {
	var b strings.Builder
	for _, r := range s {
		if sp, ok := upperSpecial[r]; ok {
			b.WriteString(sp)
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

func pyLower(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r == 'İ':
			b.WriteString("i̇")
		case r == 'Σ':
			// final sigma: after a cased letter and not before one
			before := i > 0 && isCased(rs[i-1])
			after := i+1 < len(rs) && isCased(rs[i+1])
			if before && !after {
				b.WriteRune('ς')
			} else {
				b.WriteRune('σ')
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func titleRune(b *strings.Builder, r rune) {
	if sp, ok := titleSpecial[r]; ok {
		b.WriteString(sp)
	} else {
		b.WriteRune(unicode.ToTitle(r))
	}
}

func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
}

// pyTitle is str.title(): a cased character after an uncased one is
// title-cased, the others lower-cased.
func pyTitle(s string) string {
	var b strings.Builder
	prev := false
	for _, r := range s {
		if prev {
			b.WriteString(pyLower(string(r)))
		} else {
			titleRune(&b, r)
		}
		prev = isCased(r)
	}
	return b.String()
}

// jinjaTitle is the |title filter: words start after "-", whitespace or
// one of ({[< ; the first character of a word is upper-cased, the rest
// lower-cased.
func jinjaTitle(s string) string {
	isSep := func(r rune) bool { return r == '-' || r == '(' || r == '{' || r == '[' || r == '<' || isPySpace(r) }
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i
		if isSep(rs[i]) {
			for j < len(rs) && isSep(rs[j]) {
				j++
			}
			b.WriteString(string(rs[i:j]))
		} else {
			for j < len(rs) && !isSep(rs[j]) {
				j++
			}
			b.WriteString(pyUpper(string(rs[i])))
			b.WriteString(pyLower(string(rs[i+1 : j])))
		}
		i = j
	}
	return b.String()
}

func pyCapitalize(s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	var b strings.Builder
	titleRune(&b, rs[0])
	b.WriteString(pyLower(string(rs[1:])))
	return b.String()
}

func pySwapcase(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			b.WriteString(pyLower(string(r)))
		case unicode.IsLower(r):
			b.WriteString(pyUpper(string(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pyIsCased is str.isupper (upper) or str.islower: at least one cased
// character, and none of the other case.
func pyIsCased(s string, upper bool) bool {
	cased := false
	for _, r := range s {
		switch {
		case unicode.IsTitle(r):
			return false
		case unicode.IsUpper(r):
			if !upper {
				return false
			}
			cased = true
		case unicode.IsLower(r):
			if upper {
				return false
			}
			cased = true
		}
	}
	return cased
}

func pyIsTitle(s string) bool {
	cased, prev := false, false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r) || unicode.IsTitle(r):
			if prev {
				return false
			}
			prev, cased = true, true
		case unicode.IsLower(r):
			if !prev {
				return false
			}
			prev, cased = true, true
		default:
			prev = false
		}
	}
	return cased
}

func isPyDecimal(r rune) bool { return unicode.Is(unicode.Nd, r) }

func isPyDigit(r rune) bool {
	return isPyDecimal(r) || r == '²' || r == '³' || r == '¹' || r >= 0x2070 && r <= 0x2079 && r != 0x2071 && r != 0x2072 && r != 0x2073 ||
		r >= 0x2080 && r <= 0x2089 || r >= 0x2460 && r <= 0x2468 || r >= 0x2474 && r <= 0x247c || r >= 0x2488 && r <= 0x2490 ||
		r >= 0x24f5 && r <= 0x24fd || r == 0x24ea || r == 0x24ff || r >= 0x2776 && r <= 0x277e || r >= 0x2780 && r <= 0x2788 || r >= 0x278a && r <= 0x2792
}

func isPyNumeric(r rune) bool {
	return isPyDigit(r) || unicode.In(r, unicode.Nl, unicode.No) || strings.ContainsRune("〇一二三四五六七八九十百千万億兆零壱弐参拾", r)
}

func allRunes(s string, fn func(rune) bool) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !fn(r) {
			return false
		}
	}
	return true
}

// isPrintable is str.isprintable for one character.
func isPrintable(r rune) bool {
	return r == ' ' || unicode.IsPrint(r) && !unicode.Is(unicode.Zs, r)
}

// pyStrip is str.strip/lstrip/rstrip(chars) (chars nil: whitespace).
func pyStrip(s string, chars Value, left, right bool) (string, error) {
	var f func(rune) bool
	switch c := chars.(type) {
	case nil:
		f = isPySpace
	case string, Markup:
		set, _ := isStr(c)
		f = func(r rune) bool { return strings.ContainsRune(set, r) }
	default:
		return "", typeErrorf("strip arg must be None or str")
	}
	if left {
		s = strings.TrimLeftFunc(s, f)
	}
	if right {
		s = strings.TrimRightFunc(s, f)
	}
	return s, nil
}

// pySplitWhitespace is str.split() / str.split(None, maxsplit).
func pySplitWhitespace(s string, maxsplit int) []string {
	out := []string{}
	t := strings.TrimLeftFunc(s, isPySpace)
	for t != "" {
		if maxsplit >= 0 && len(out) == maxsplit {
			out = append(out, t)
			break
		}
		i := strings.IndexFunc(t, isPySpace)
		if i < 0 {
			out = append(out, t)
			break
		}
		out = append(out, t[:i])
		t = strings.TrimLeftFunc(t[i:], isPySpace)
	}
	return out
}

// pyRsplitWhitespace is str.rsplit(None, maxsplit).
func pyRsplitWhitespace(s string, maxsplit int) []string {
	var rev []string
	t := strings.TrimRightFunc(s, isPySpace)
	for t != "" {
		if maxsplit >= 0 && len(rev) == maxsplit {
			rev = append(rev, t)
			break
		}
		i := strings.LastIndexFunc(t, isPySpace)
		if i < 0 {
			rev = append(rev, t)
			break
		}
		_, n := decodeLastRune(t[:i+1])
		rev = append(rev, t[i+n:])
		t = strings.TrimRightFunc(t[:i], isPySpace)
	}
	out := make([]string, len(rev))
	for i, p := range rev {
		out[len(rev)-1-i] = p
	}
	return out
}

func decodeLastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0x80 || s[i] >= 0xc0 {
			rs := []rune(s[i:])
			return rs[0], len(s) - i
		}
	}
	return 0, 1
}

// pySplit is str.split(sep, maxsplit) for a non-empty sep.
func pySplit(s, sep string, maxsplit int) []string {
	if maxsplit < 0 {
		return strings.Split(s, sep)
	}
	return strings.SplitN(s, sep, maxsplit+1)
}

// pyRsplit is str.rsplit(sep, maxsplit) for a non-empty sep.
func pyRsplit(s, sep string, maxsplit int) []string {
	if maxsplit < 0 {
		return strings.Split(s, sep)
	}
	var rev []string
	for len(rev) < maxsplit {
		i := strings.LastIndex(s, sep)
		if i < 0 {
			break
		}
		rev = append(rev, s[i+len(sep):])
		s = s[:i]
	}
	rev = append(rev, s)
	out := make([]string, len(rev))
	for i, p := range rev {
		out[len(rev)-1-i] = p
	}
	return out
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// pySplitlines is str.splitlines() (keepends false).
func pySplitlines(s string) []string {
	lines, _ := splitlinesKeep(s, false)
	return lines
}

func splitlinesKeep(s string, keep bool) ([]string, error) {
	var out []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		if !isLineBreak(rs[i]) {
			continue
		}
		end := i + 1
		if rs[i] == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
			end++
		}
		if keep {
			out = append(out, string(rs[start:end]))
		} else {
			out = append(out, string(rs[start:i]))
		}
		start = end
		i = end - 1
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out, nil
}
