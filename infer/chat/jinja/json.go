package jinja

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// tojson is transformers' filter: json.dumps(x, ensure_ascii=False,
// indent=None, separators=None, sort_keys=False), each overridable.
func tojson(v Value, a args) (Value, error) {
	o := jsonOpts{itemSep: ", ", keySep: ": "}
	if a.kw != nil {
		if x, ok := a.kw.Get("ensure_ascii"); ok {
			o.ascii = truthy(x)
		}
		if x, ok := a.kw.Get("sort_keys"); ok {
			o.sortKeys = truthy(x)
		}
	}
	indent := a.get(0, "indent", nil)
	if indent != nil {
		if n, ok := asInt(indent); ok {
			o.indent, o.hasIndent = strings.Repeat(" ", int(max(0, n))), true
		} else if s, ok := isStr(indent); ok {
			o.indent, o.hasIndent = s, true
		}
		o.itemSep = ","
	}
	if a.kw != nil {
		if x, ok := a.kw.Get("separators"); ok && x != nil {
			seq, ok := asSeq(x)
			if !ok || len(seq) != 2 {
				return nil, &TypeError{"separators must be a pair of strings"}
			}
			o.itemSep, o.keySep = toStr(seq[0]), toStr(seq[1])
		}
	}
	var b strings.Builder
	if err := o.write(&b, v, 0); err != nil {
		return nil, err
	}
	return b.String(), nil
}

type jsonOpts struct {
	ascii, sortKeys bool
	indent          string
	hasIndent       bool
	itemSep, keySep string
}

func (o *jsonOpts) nl(b *strings.Builder, depth int) {
	if o.hasIndent {
		b.WriteByte('\n')
		for range depth {
			b.WriteString(o.indent)
		}
	}
}

func (o *jsonOpts) write(b *strings.Builder, v Value, depth int) error {
	if depth > maxDepth {
		return &RuntimeError{"maximum recursion depth exceeded while encoding a JSON object"}
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString("NaN")
		case math.IsInf(x, 1):
			b.WriteString("Infinity")
		case math.IsInf(x, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(pyFloat(x))
		}
	case string:
		writeJSONString(b, x, o.ascii)
	case Markup:
		writeJSONString(b, string(x), o.ascii)
	case []Value, Tuple:
		items, _ := asSeq(x)
		if len(items) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteString(o.itemSep)
			}
			o.nl(b, depth+1)
			if err := o.write(b, it, depth+1); err != nil {
				return err
			}
		}
		o.nl(b, depth)
		b.WriteByte(']')
	case *Dict:
		if x.Len() == 0 {
			b.WriteString("{}")
			return nil
		}
		idx := make([]int, x.Len())
		for i := range idx {
			idx[i] = i
		}
		if o.sortKeys {
			var err error
			sort.SliceStable(idx, func(i, j int) bool {
				c, e := compare(x.keys[idx[i]], x.keys[idx[j]])
				if e != nil {
					err = e
				}
				return c < 0
			})
			if err != nil {
				return &TypeError{"'<' not supported between instances in sort_keys"}
			}
		}
		b.WriteByte('{')
		for n, i := range idx {
			if n > 0 {
				b.WriteString(o.itemSep)
			}
			o.nl(b, depth+1)
			var ks string
			switch k := x.keys[i].(type) {
			case string:
				ks = k
			case Markup:
				ks = string(k)
			case bool:
				ks = map[bool]string{true: "true", false: "false"}[k]
			case nil:
				ks = "null"
			case int64:
				ks = strconv.FormatInt(k, 10)
			case float64:
				ks = pyFloat(k)
			default:
				return &TypeError{fmt.Sprintf("keys must be str, int, float, bool or None, not %s", typeName(k))}
			}
			writeJSONString(b, ks, o.ascii)
			b.WriteString(o.keySep)
			if err := o.write(b, x.vals[i], depth+1); err != nil {
				return err
			}
		}
		o.nl(b, depth)
		b.WriteByte('}')
	default:
		name := typeName(v)
		if _, ok := v.(*Undefined); ok {
			name = "Undefined"
		}
		return &TypeError{fmt.Sprintf("Object of type %s is not JSON serializable", name)}
	}
	return nil
}

// writeJSONString writes s as Python's json module does.
func writeJSONString(b *strings.Builder, s string, ascii bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20:
				fmt.Fprintf(b, `\u%04x`, r)
			case ascii && r > 0x7e:
				if r > 0xffff {
					r -= 0x10000
					fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
				} else {
					fmt.Fprintf(b, `\u%04x`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// FromJSON decodes JSON into template values as Python's json.load does:
// objects keep their key order, integers stay integers.
func FromJSON(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeJSON(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("json: extra data after the value")
	}
	return v, nil
}

func decodeJSON(dec *json.Decoder, depth int) (Value, error) {
	if depth > 1000 {
		return nil, fmt.Errorf("json: nested too deeply")
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
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, err
		}
		return f, nil
	case string, bool, nil:
		return x, nil
	}
	return nil, fmt.Errorf("json: unexpected token %v", t)
}

// FromGo converts Go values (maps with sorted keys, slices, numbers,
// structs via encoding/json) into template values.
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, Markup, *Dict, []Value, Tuple, *Undefined, *Namespace, *Func:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
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
			return &Undefined{err.Error()}
		}
		return val
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		out := make([]Value, rv.Len())
		for i := range out {
			out[i] = FromGo(rv.Index(i).Interface())
		}
		return out
	}
	data, err := json.Marshal(v)
	if err != nil {
		return &Undefined{err.Error()}
	}
	val, err := FromJSON(data)
	if err != nil {
		return &Undefined{err.Error()}
	}
	return val
}
