package modelcard

// Python str semantics that llama.cpp's metadata code relies on and that Go's
// strings/unicode packages define differently: what counts as whitespace,
// line breaks, decimal digits and letters, str.title/upper with their full
// (multi-character) case mappings, and float() of a string.

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyIsSpace is str.isspace for one character: Go's unicode.IsSpace plus the
// information separators U+001C..U+001F, which Python treats as whitespace.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip is str.strip() without arguments.
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// pyFields is str.split() without arguments.
func pyFields(s string) []string { return strings.FieldsFunc(s, pyIsSpace) }

// pySplitLines is str.splitlines(): it splits at every line boundary Python
// knows (\r\n counts as one) and drops the boundaries; a final boundary gives
// no empty last line.
func pySplitLines(s string) []string {
	var lines []string
	start, i := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, s[start:i])
			i += size
			if r == '\r' && i < len(s) && s[i] == '\n' {
				i++
			}
			start = i
		default:
			i += size
		}
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// isDecimal is str.isdecimal for one character (general category Nd).
func isDecimal(r rune) bool { return unicode.Is(unicode.Nd, r) }

// isAlpha is str.isalpha for one character (general category L).
func isAlpha(r rune) bool { return unicode.IsLetter(r) }

// decimalValue is the digit value of an Nd character. Unicode assigns decimal
// digits in contiguous runs that start at zero, so the value is the distance
// from the start of the run, modulo 10.
func decimalValue(r rune) int {
	start := r
	for isDecimal(start - 1) {
		start--
	}
	return int(r-start) % 10
}

// asciiDigits replaces every decimal digit by its ASCII form, as Python's
// int() and float() accept any Nd digit.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0x7f && isDecimal(r) {
			return rune('0' + decimalValue(r))
		}
		return r
	}, s)
}

// Python's case properties: "lowercase" and "uppercase" include the
// Other_Lowercase / Other_Uppercase characters; "cased" is either of them or
// a titlecase letter.
func pyIsLowerRune(r rune) bool { return unicode.IsLower(r) || unicode.Is(unicode.Other_Lowercase, r) }
func pyIsUpperRune(r rune) bool { return unicode.IsUpper(r) || unicode.Is(unicode.Other_Uppercase, r) }
func pyIsCased(r rune) bool     { return pyIsLowerRune(r) || pyIsUpperRune(r) || unicode.IsTitle(r) }

// pyIsLower is str.islower(): at least one cased character, and no uppercase
// or titlecase one.
func pyIsLower(s string) bool {
	cased := false
	for _, r := range s {
		if pyIsUpperRune(r) || unicode.IsTitle(r) {
			return false
		}
		if pyIsLowerRune(r) {
			cased = true
		}
	}
	return cased
}

// pyTitle is str.title(): a character that follows a cased character is
// lowercased, any other is titlecased, both with full case mappings.
func pyTitle(s string) string {
	var b strings.Builder
	prevCased := false
	for _, r := range s {
		switch {
		case prevCased && r == 0x130: // İ lowercases to i + combining dot above
			b.WriteString("i\u0307")
		case prevCased:
			b.WriteRune(unicode.ToLower(r))
		default:
			if sc, ok := specialCase[r]; ok && sc.title != "" {
				b.WriteString(sc.title)
			} else {
				b.WriteRune(unicode.ToTitle(r))
			}
		}
		prevCased = pyIsCased(r)
	}
	return b.String()
}

// pyUpper is str.upper() with full case mappings (ß -> SS).
func pyUpper(s string) string {
	var b strings.Builder
	for _, r := range s {
		if sc, ok := specialCase[r]; ok {
			b.WriteString(sc.upper)
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// pyFloatSyntax is the grammar of float(str) for finite numbers, after
// surrounding whitespace is stripped and digits are made ASCII.
var pyFloatSyntax = regexp.MustCompile(`^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$`)

// pyFloat is float(str); ok is false where Python raises ValueError.
func pyFloat(s string) (f float64, ok bool) {
	s = asciiDigits(pyStrip(s))
	body, neg := s, false
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body, neg = body[1:], body[0] == '-'
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	if !pyFloatSyntax.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, true // out of range: ±Inf or 0, as Python gives
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// pyIntFromString is int(str, base) for bases 2, 8, 10 and 16 (underscores
// already removed by the caller); ok is false where Python raises ValueError.
func pyIntFromString(s string, base int) (*big.Int, bool) {
	s = asciiDigits(pyStrip(s))
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) > 2 && s[0] == '0' {
		p := s[1] | 0x20
		if (base == 2 && p == 'b') || (base == 8 && p == 'o') || (base == 16 && p == 'x') {
			s = s[2:]
		}
	}
	if s == "" || strings.ContainsAny(s, "+-_") {
		return nil, false
	}
	n, ok := new(big.Int).SetString(s, base)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}

// pyFloatRepr is repr(float): the shortest round-tripping digits, fixed
// notation for decimal exponents in [-4, 16), scientific notation otherwise.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±XX
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	if x < -4 || x >= 16 {
		sign := "+"
		if x < 0 {
			sign, x = "-", -x
		}
		es := strconv.Itoa(x)
		if len(es) < 2 {
			es = "0" + es
		}
		return mant + "e" + sign + es
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
