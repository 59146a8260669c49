package jinja

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// jsonDumps is transformers' tojson filter:
// json.dumps(v, ensure_ascii=False, indent=None, separators=None,
// sort_keys=False), with each keyword overridable from the template.
// The result is a plain str (not Markup).
func jsonDumps(v Value, ensureASCII, indent, separators, sortKeys Value, limit int) (string, error) {
	e := &jsonEnc{ascii: truthy(ensureASCII), sortKeys: truthy(sortKeys), itemSep: ", ", keySep: ": ", limit: limit}
	if indent != nil {
		e.hasIndent = true
		e.itemSep = ","
		switch x := indent.(type) {
		case string:
			e.indent = x
		case Markup:
			e.indent = string(x)
		default:
			n, ok := asInt(x)
			if !ok {
				return "", typeErrorf("can't multiply sequence by non-int of type '%s'", typeName(x))
			}
			if n > 1<<16 {
				return "", &LimitError{"indent too large"}
			}
			e.indent = strings.Repeat(" ", int(max(n, 0)))
		}
	}
	if separators != nil {
		seps, err := unpack(separators, 2)
		if err != nil {
			return "", err
		}
		var ok1, ok2 bool
		e.itemSep, ok1 = isStr(seps[0])
		e.keySep, ok2 = isStr(seps[1])
		if !ok1 || !ok2 {
			return "", typeErrorf("separators must be strings")
		}
	}
	if err := e.write(v, 0); err != nil {
		return "", err
	}
	return e.b.String(), nil
}

type jsonEnc struct {
	b               strings.Builder
	ascii, sortKeys bool
	hasIndent       bool
	indent          string
	itemSep, keySep string
	limit           int
}

func (e *jsonEnc) newline(depth int) {
	if e.hasIndent {
		e.b.WriteByte('\n')
		for range depth {
			e.b.WriteString(e.indent)
		}
	}
}

func (e *jsonEnc) write(v Value, depth int) error {
	if depth > maxNesting {
		return &RuntimeError{"maximum recursion depth exceeded while encoding a JSON object"}
	}
	if e.b.Len() > e.limit {
		return &LimitError{"JSON output too large"}
	}
	switch x := v.(type) {
	case nil:
		e.b.WriteString("null")
	case bool:
		if x {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
	case int64:
		e.b.WriteString(strconv.FormatInt(x, 10))
	case *big.Int:
		e.b.WriteString(x.String())
	case float64:
		e.b.WriteString(jsonFloat(x))
	case string:
		writeJSONString(&e.b, x, e.ascii)
	case Markup:
		writeJSONString(&e.b, string(x), e.ascii)
	case []Value, Tuple, groupTuple:
		items, _ := asSeq(x)
		if len(items) == 0 {
			e.b.WriteString("[]")
			return nil
		}
		e.b.WriteByte('[')
		e.newline(depth + 1)
		for i, it := range items {
			if i > 0 {
				e.b.WriteString(e.itemSep)
				e.newline(depth + 1)
			}
			if err := e.write(it, depth+1); err != nil {
				return err
			}
		}
		e.newline(depth)
		e.b.WriteByte(']')
	case *Dict:
		if x.Len() == 0 {
			e.b.WriteString("{}")
			return nil
		}
		idx := make([]int, x.Len())
		for i := range idx {
			idx[i] = i
		}
		if e.sortKeys {
			var err error
			sort.SliceStable(idx, func(i, j int) bool {
				c, cerr := compare("<", x.keys[idx[i]], x.keys[idx[j]])
				if cerr != nil && err == nil {
					err = cerr
				}
				return c == -1
			})
			if err != nil {
				return err
			}
		}
		e.b.WriteByte('{')
		e.newline(depth + 1)
		for n, i := range idx {
			if n > 0 {
				e.b.WriteString(e.itemSep)
				e.newline(depth + 1)
			}
			var ks string
			switch k := x.keys[i].(type) {
			case string:
				ks = k
			case Markup:
				ks = string(k)
			case bool:
				ks = "false"
				if k {
					ks = "true"
				}
			case nil:
				ks = "null"
			case int64, *big.Int:
				ks = toStr(k)
			case float64:
				ks = jsonFloat(k)
			default:
				return typeErrorf("keys must be str, int, float, bool or None, not %s", typeName(k))
			}
			writeJSONString(&e.b, ks, e.ascii)
			e.b.WriteString(e.keySep)
			if err := e.write(x.vals[i], depth+1); err != nil {
				return err
			}
		}
		e.newline(depth)
		e.b.WriteByte('}')
	default:
		return typeErrorf("Object of type %s is not JSON serializable", typeName(v))
	}
	return nil
}

func jsonFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return pyFloat(f)
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
