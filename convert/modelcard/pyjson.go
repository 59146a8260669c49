package modelcard

// A JSON reader with the semantics of Python's json.load (the C scanner,
// strict mode), because encoding/json differs where it matters here: Python
// accepts NaN, Infinity and -Infinity, keeps integers exact (*big.Int) and
// makes floats only of numbers with a fraction or an exponent.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
)

// jsonSyntaxError is Python's JSONDecodeError.
type jsonSyntaxError struct {
	path string
	msg  string
	pos  int
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("%s: %s (char %d)", e.path, e.msg, e.pos)
}

// readJSONFile parses a JSON file as json.load(open(path, encoding="utf-8"))
// does. A path that is not a regular file gives nil, nil. Invalid JSON is a
// *jsonSyntaxError; bytes that are not UTF-8 are another error (Python's
// UnicodeDecodeError).
func readJSONFile(path string) (any, error) {
	if !isFile(path) {
		return nil, nil
	}
	s, err := readText(path)
	if err != nil {
		return nil, err
	}
	p := &jsonParser{s: s, path: path}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, p.fail("Extra data")
	}
	return v, nil
}

type jsonParser struct {
	s    string
	i    int
	path string
}

// maxJSONDepth stands in for Python's recursion limit.
const maxJSONDepth = 900

var errJSONDepth = errors.New("JSON nested too deeply")

func (p *jsonParser) fail(msg string) error { return &jsonSyntaxError{p.path, msg, p.i} }

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *jsonParser) value(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errJSONDepth
	}
	if p.i >= len(p.s) {
		return nil, p.fail("Expecting value")
	}
	rest := p.s[p.i:]
	for _, lit := range []struct {
		text string
		v    any
	}{{"null", nil}, {"true", true}, {"false", false}, {"NaN", math.NaN()}, {"Infinity", math.Inf(1)}, {"-Infinity", math.Inf(-1)}} {
		if strings.HasPrefix(rest, lit.text) {
			p.i += len(lit.text)
			return lit.v, nil
		}
	}
	switch c := rest[0]; {
	case c == '"':
		return p.str()
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.fail("Expecting value")
}

func (p *jsonParser) object(depth int) (any, error) {
	d := newDict()
	p.i++ // {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return d, nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.fail("Expecting property name enclosed in double quotes")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.fail("Expecting ':' delimiter")
		}
		p.i++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.set(k, v)
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d, nil
		}
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return nil, p.fail("Expecting ',' delimiter")
		}
		p.i++
		p.skipSpace()
	}
}

func (p *jsonParser) array(depth int) (any, error) {
	list := []any{}
	p.i++ // [
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return list, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return list, nil
		}
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return nil, p.fail("Expecting ',' delimiter")
		}
		p.i++
		p.skipSpace()
	}
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?: an int
// unless it has a fraction or an exponent.
func (p *jsonParser) number() (any, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		p.i = start
		return nil, p.fail("Expecting value")
	}
	isFloat := false
	if p.i+1 < len(p.s) && p.s[p.i] == '.' && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9' {
		p.i++
		digits()
		isFloat = true
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		save := p.i
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			p.i = save // not an exponent: the number ends before the 'e'
		} else {
			isFloat = true
		}
	}
	text := p.s[start:p.i]
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRangeErr(err) {
			return nil, p.fail("Expecting value")
		}
		return f, nil // out of range: ±Inf or 0, as Python gives
	}
	n, _ := new(big.Int).SetString(text, 10)
	return n, nil
}

// str reads a string; control characters must be escaped. A lone UTF-16
// surrogate (which Python keeps, and then fails to write) becomes U+FFFD.
func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", p.fail("Unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.fail("Invalid control character")
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		p.i++ // backslash
		if p.i >= len(p.s) {
			return "", p.fail("Unterminated string")
		}
		e := p.s[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("Invalid \\uXXXX escape")
			}
			if utf16.IsSurrogate(r) && r < 0xdc00 && strings.HasPrefix(p.s[p.i:], "\\u") {
				save := p.i
				p.i += 2
				if r2, ok := p.hex4(); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
					r = utf16.DecodeRune(r, r2)
				} else {
					p.i = save
				}
			}
			b.WriteRune(r) // a lone surrogate is written as U+FFFD
		default:
			p.i--
			return "", p.fail("Invalid \\escape")
		}
	}
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	h := p.s[p.i : p.i+4]
	if strings.IndexFunc(h, func(r rune) bool { return !strings.ContainsRune("0123456789abcdefABCDEF", r) }) >= 0 {
		return 0, false
	}
	n, _ := strconv.ParseUint(h, 16, 32)
	p.i += 4
	return rune(n), true
}
