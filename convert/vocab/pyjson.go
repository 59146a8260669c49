package vocab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The converter being mirrored is Python: it reads JSON into dicts that keep
// key order, distinguishes ints from floats, and tests values for truthiness.
// The helpers below decode small JSON files into a form that keeps those
// distinctions: nil, bool, json.Number, string, []any and *pyDict.

// pyDict is a JSON object that remembers key order (first occurrence; a
// repeated key keeps its first position and takes the last value, as a
// Python dict built by json.load does).
type pyDict struct {
	keys []string
	m    map[string]any
}

func (d *pyDict) get(k string) (any, bool) {
	if d == nil {
		return nil, false
	}
	v, ok := d.m[k]
	return v, ok
}

// val returns d[k] or nil.
func (d *pyDict) val(k string) any {
	v, _ := d.get(k)
	return v
}

func (d *pyDict) set(k string, v any) {
	if _, ok := d.m[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.m[k] = v
}

func (d *pyDict) len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 512

// decodePy decodes one JSON document. Trailing data is an error, as with
// Python's json.loads.
func decodePy(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodePyValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data after the JSON value")
	}
	return v, nil
}

func decodePyValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			d := &pyDict{m: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				v, err := decodePyValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				d.set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return d, nil
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodePyValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return l, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// readPyJSON reads and decodes a JSON file; the error names the file.
func readPyJSON(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := decodePy(data)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed JSON: %w", path, err)
	}
	return v, nil
}

// readPyJSONDict reads a JSON file whose top level must be an object.
func readPyJSONDict(path string) (*pyDict, error) {
	v, err := readPyJSON(path)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("%s: expected a JSON object at the top level", path)
	}
	return d, nil
}

// isFile reports whether path names an existing regular file (or a link to
// one), as pathlib's is_file does.
func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// pyTruthy is Python's bool(v) for JSON values.
func pyTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return err != nil || f != 0
	case []any:
		return len(x) > 0
	case *pyDict:
		return x.len() > 0
	}
	return true
}

// pyEqual is Python's == for JSON values (1 == 1.0 == True).
func pyEqual(a, b any) bool {
	if fa, ok := pyNumber(a); ok {
		fb, ok := pyNumber(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *pyDict:
		y, ok := b.(*pyDict)
		if !ok || x.len() != y.len() {
			return false
		}
		for _, k := range x.keys {
			yv, ok := y.get(k)
			if !ok || !pyEqual(x.m[k], yv) {
				return false
			}
		}
		return true
	}
	return false
}

// pyNumber returns numeric JSON values (and bools, which Python treats as
// ints) as float64.
func pyNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return math.NaN(), true
		}
		return f, true
	}
	return 0, false
}

// pyInt reports whether v is a Python int after json.load (an integer
// literal, or a bool, which is an int subclass) and returns its value.
// Integers beyond int64 report ok with big=true.
func pyInt(v any) (n int64, ok, big bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true, false
		}
		return 0, true, false
	case json.Number:
		s := string(x)
		if strings.ContainsAny(s, ".eE") {
			return 0, false, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, true, true
		}
		return n, true, false
	}
	return 0, false, false
}

// pyStr returns v if it is a string.
func pyStr(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

// pyRepr renders a value roughly as Python's repr, for messages.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return strconv.Quote(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case json.Number:
		return string(x)
	}
	return fmt.Sprintf("%v", v)
}
