package jinja

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// FromJSON decodes JSON into template values as Python's json.loads
// does: objects become *Dict with their key order, arrays []any,
// integers int64 (or *big.Int beyond int64), other numbers float64.
func FromJSON(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeJSON(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("json: extra data after the value")
	}
	return v, nil
}

func decodeJSON(dec *json.Decoder, depth int) (Value, error) {
	if depth > 1000 {
		return nil, errors.New("json: nested too deeply")
	}
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		switch x {
		case '[':
			out := []Value{}
			for dec.More() {
				v, err := decodeJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := dec.Token()
			return out, err
		case '{':
			d := NewDict()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				d.Set(k, v)
			}
			_, err := dec.Token()
			return d, err
		}
	case json.Number:
		return jsonNumber(x)
	case string, bool, nil:
		return x, nil
	}
	return nil, fmt.Errorf("json: unexpected token %v", t)
}

func jsonNumber(n json.Number) (Value, error) {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if b, ok := new(big.Int).SetString(s, 10); ok {
			return normInt(b), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return nil, err
	}
	return f, nil
}

// FromGo converts a Go value into a template value: the package's own
// values pass through; other ints, uints and floats are widened;
// []string and other slices become lists; map[string]any becomes a dict
// with sorted keys; json.RawMessage and json.Number are decoded; anything
// else goes through encoding/json.
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, Markup, *Dict, []Value, Tuple, *Undefined, *Namespace, *Func, *big.Int:
		return x
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		return normInt(new(big.Int).SetUint64(uint64(x)))
	case uint64:
		return normInt(new(big.Int).SetUint64(x))
	case float32:
		return float64(x)
	case []string:
		out := make([]Value, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := NewDict()
		for _, k := range keys {
			d.Set(k, FromGo(x[k]))
		}
		return d
	case json.RawMessage:
		val, err := FromJSON(x)
		if err != nil {
			return &Undefined{msg: "invalid JSON: " + err.Error()}
		}
		return val
	case json.Number:
		val, err := jsonNumber(x)
		if err != nil {
			return &Undefined{msg: "invalid JSON number: " + err.Error()}
		}
		return val
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
		out := make([]Value, rv.Len())
		for i := range out {
			out[i] = FromGo(rv.Index(i).Interface())
		}
		return out
	}
	data, err := json.Marshal(v)
	if err != nil {
		return &Undefined{msg: "cannot convert a Go value: " + err.Error()}
	}
	val, err := FromJSON(data)
	if err != nil {
		return &Undefined{msg: "cannot convert a Go value: " + err.Error()}
	}
	return val
}
