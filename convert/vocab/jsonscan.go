package vocab

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small hand-written scanner for the two large parts of tokenizer.json —
// the vocabulary object and the merges array — which keeps entry order and
// avoids reflection. Everything else in the file is decoded with
// encoding/json.

type jscan struct {
	b []byte
	i int
}

func (s *jscan) errf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *jscan) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

func (s *jscan) expect(c byte) error {
	if s.peek() != c {
		if s.i >= len(s.b) {
			return s.errf("unexpected end, want %q", c)
		}
		return s.errf("unexpected %q, want %q", s.b[s.i], c)
	}
	s.i++
	return nil
}

// str parses a JSON string. Lone UTF-16 surrogates are rejected: the Python
// converter could not write them to a GGUF either.
func (s *jscan) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start := s.i
	// Fast path: no escapes.
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			out := s.b[start:s.i]
			s.i++
			if !utf8.Valid(out) {
				return "", s.errf("invalid UTF-8 in string")
			}
			return string(out), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", s.errf("control character in string")
		}
		s.i++
	}
	buf := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(buf) {
				return "", s.errf("invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return "", s.errf("control character in string")
		case c != '\\':
			buf = append(buf, c)
			s.i++
			continue
		}
		s.i++
		if s.i >= len(s.b) {
			break
		}
		e := s.b[s.i]
		s.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := s.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 || s.i+1 >= len(s.b) || s.b[s.i] != '\\' || s.b[s.i+1] != 'u' {
					return "", s.errf("lone UTF-16 surrogate in string")
				}
				s.i += 2
				r2, err := s.hex4()
				if err != nil {
					return "", err
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return "", s.errf("invalid UTF-16 surrogate pair in string")
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", s.errf("invalid escape \\%c", e)
		}
	}
	return "", s.errf("unterminated string")
}

func (s *jscan) hex4() (rune, error) {
	if s.i+4 > len(s.b) {
		return 0, s.errf("short \\u escape")
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, s.errf("bad \\u escape")
	}
	s.i += 4
	return rune(v), nil
}

// num returns the raw text of a JSON number.
func (s *jscan) num() (string, error) {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if start == s.i {
		return "", s.errf("expected a number")
	}
	return string(s.b[start:s.i]), nil
}

// integer parses a non-fractional JSON number that fits in int64.
func (s *jscan) integer() (int64, error) {
	t, err := s.num()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, s.errf("expected an integer, got %q", t)
	}
	return n, nil
}

func (s *jscan) end() error {
	s.ws()
	if s.i != len(s.b) {
		return s.errf("trailing data")
	}
	return nil
}

// vocabEntry is one "token": id pair of a vocabulary object, in file order.
type vocabEntry struct {
	tok string
	id  int64
}

// scanVocabObject parses {"tok": id, ...}.
func scanVocabObject(b []byte) ([]vocabEntry, error) {
	s := &jscan{b: b}
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	var out []vocabEntry
	if s.peek() == '}' {
		s.i++
		return out, s.end()
	}
	for {
		k, err := s.str()
		if err != nil {
			return nil, err
		}
		if err := s.expect(':'); err != nil {
			return nil, err
		}
		id, err := s.integer()
		if err != nil {
			return nil, err
		}
		if id < 0 || id > 1<<32-1 {
			return nil, s.errf("token id %d out of range", id)
		}
		out = append(out, vocabEntry{k, id})
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return out, s.end()
		default:
			return nil, s.errf("expected ',' or '}' in vocabulary")
		}
	}
}

// scanMerges parses a merges array in either form: ["a b", ...] (legacy) or
// [["a", "b"], ...]. pairs reports which form was found. Mixing the forms is
// an error.
func scanMerges(b []byte) (merges [][2]string, legacy []string, pairs bool, err error) {
	s := &jscan{b: b}
	if err := s.expect('['); err != nil {
		return nil, nil, false, err
	}
	if s.peek() == ']' {
		s.i++
		return nil, nil, false, s.end()
	}
	pairs = s.peek() == '['
	for {
		if pairs {
			if err := s.expect('['); err != nil {
				return nil, nil, false, errors.New("merges mix [a, b] pairs and strings")
			}
			a, err := s.str()
			if err != nil {
				return nil, nil, false, err
			}
			if err := s.expect(','); err != nil {
				return nil, nil, false, errors.New("merge pair does not have two elements")
			}
			c, err := s.str()
			if err != nil {
				return nil, nil, false, err
			}
			if err := s.expect(']'); err != nil {
				return nil, nil, false, errors.New("merge pair does not have two elements")
			}
			merges = append(merges, [2]string{a, c})
		} else {
			if s.peek() != '"' {
				return nil, nil, false, errors.New("merges mix strings and other values")
			}
			m, err := s.str()
			if err != nil {
				return nil, nil, false, err
			}
			legacy = append(legacy, m)
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return merges, legacy, pairs, s.end()
		default:
			return nil, nil, false, s.errf("expected ',' or ']' in merges")
		}
	}
}

// skipString skips a JSON string without decoding it.
func (s *jscan) skipString() error {
	if err := s.expect('"'); err != nil {
		return err
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return nil
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return s.errf("unterminated string")
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				s.i += 2
				if _, err := s.hex4(); err != nil {
					return err
				}
			default:
				return s.errf("invalid escape")
			}
		case c < 0x20:
			return s.errf("control character in string")
		default:
			s.i++
		}
	}
	return s.errf("unterminated string")
}

// skipValue skips one JSON value, checking its syntax.
func (s *jscan) skipValue(depth int) error {
	if depth > maxJSONDepth {
		return s.errf("nested too deeply")
	}
	switch c := s.peek(); c {
	case '"':
		return s.skipString()
	case '{':
		s.i++
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			if err := s.skipString(); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return nil
			default:
				return s.errf("expected ',' or '}'")
			}
		}
	case '[':
		s.i++
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return nil
			default:
				return s.errf("expected ',' or ']'")
			}
		}
	case 't', 'f', 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				return nil
			}
		}
		return s.errf("invalid literal")
	case 0:
		return s.errf("unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			t, err := s.num()
			if err != nil {
				return err
			}
			if !validJSONNumber(t) {
				return s.errf("invalid number %q", t)
			}
			return nil
		}
		return s.errf("unexpected %q", c)
	}
}

// validJSONNumber checks the JSON number grammar.
func validJSONNumber(t string) bool {
	i := 0
	if i < len(t) && t[i] == '-' {
		i++
	}
	if i >= len(t) {
		return false
	}
	if t[i] == '0' {
		i++
	} else if t[i] >= '1' && t[i] <= '9' {
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(t) && t[i] == '.' {
		i++
		j := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		j := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(t)
}

// splitObject splits a JSON object into its members (raw value bytes),
// checking the syntax of the whole object. A repeated key keeps the last
// value. ok is false if b is not an object (e.g. null).
func splitObject(b []byte) (members map[string][]byte, ok bool, err error) {
	s := &jscan{b: b}
	if s.peek() != '{' {
		if err := s.skipValue(0); err != nil {
			return nil, false, err
		}
		return nil, false, s.end()
	}
	s.i++
	members = map[string][]byte{}
	if s.peek() == '}' {
		s.i++
		return members, true, s.end()
	}
	for {
		k, err := s.str()
		if err != nil {
			return nil, false, err
		}
		if err := s.expect(':'); err != nil {
			return nil, false, err
		}
		s.ws()
		start := s.i
		if err := s.skipValue(1); err != nil {
			return nil, false, err
		}
		members[k] = b[start:s.i]
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return members, true, s.end()
		default:
			return nil, false, s.errf("expected ',' or '}'")
		}
	}
}
