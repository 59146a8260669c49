package jinja

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Value is a template value with Python semantics: nil (None), bool,
// int64, float64, string, Markup, []Value (list), Tuple, *Dict,
// *Undefined, *Namespace, *Gen (a one-shot iterator from map/select),
// or something callable.
type Value = any

// Markup is a string marked safe (|safe): adding a plain string to it
// HTML-escapes that string, as markupsafe does.
type Markup string

// Tuple is an immutable sequence (printed with parentheses).
type Tuple []Value

// Undefined is a missing variable, attribute or item. It prints as "",
// is false, iterates as empty; arithmetic, indexing or calling it fail.
type Undefined struct{ hint string }

func (u *Undefined) err() error {
	if u.hint == "" {
		return &UndefinedError{"value is undefined"}
	}
	return &UndefinedError{u.hint}
}

// Gen is the generator returned by map/select/reject filters: it can be
// iterated once and has no length.
type Gen struct {
	items []Value
	used  bool
}

func (g *Gen) take() []Value {
	if g.used {
		return nil
	}
	g.used = true
	return g.items
}

// Namespace is the mutable object of namespace().
type Namespace struct{ d *Dict }

// Dict is an insertion-ordered mapping.
type Dict struct {
	keys []Value
	vals []Value
	idx  map[any]int
}

// NewDict makes an empty dict.
func NewDict() *Dict { return &Dict{idx: map[any]int{}} }

// hashKey normalises a key as Python hashing does (1 == 1.0 == True).
func hashKey(k Value) (any, bool) {
	switch x := k.(type) {
	case nil:
		return nil, true
	case bool:
		if x {
			return int64(1), true
		}
		return int64(0), true
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
		return x, true
	case string:
		return x, true
	case Markup:
		return string(x), true
	case Tuple:
		parts := make([]string, len(x))
		for i, v := range x {
			h, ok := hashKey(v)
			if !ok {
				return nil, false
			}
			parts[i] = fmt.Sprintf("%T:%v", h, h)
		}
		return "\x00tuple:" + strings.Join(parts, "\x00"), true
	}
	return nil, false
}

// Set stores k = v (keeping the first insertion position).
func (d *Dict) Set(k, v Value) {
	h, ok := hashKey(k)
	if !ok {
		h = fmt.Sprintf("%p", k)
	}
	if i, ok := d.idx[h]; ok {
		d.vals[i] = v
		return
	}
	d.idx[h] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// Get looks k up.
func (d *Dict) Get(k Value) (Value, bool) {
	h, ok := hashKey(k)
	if !ok {
		return nil, false
	}
	i, ok := d.idx[h]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// Len is the number of entries.
func (d *Dict) Len() int { return len(d.keys) }

// Keys returns the keys in insertion order.
func (d *Dict) Keys() []Value { return d.keys }

func (d *Dict) copy() *Dict {
	n := NewDict()
	for i, k := range d.keys {
		n.Set(k, d.vals[i])
	}
	return n
}

// ---- Python conversions ----

// toStr is Python's str().
func toStr(v Value) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case *Undefined:
		return ""
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloat(x)
	case string:
		return x
	case Markup:
		return string(x)
	}
	return repr(v)
}

// repr is Python's repr().
func repr(v Value) string {
	switch x := v.(type) {
	case string:
		return pyQuote(x)
	case Markup:
		return "Markup(" + pyQuote(string(x)) + ")"
	case []Value:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = repr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Tuple:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = repr(e)
		}
		if len(x) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case *Dict:
		parts := make([]string, len(x.keys))
		for i, k := range x.keys {
			parts[i] = repr(k) + ": " + repr(x.vals[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *Undefined:
		return "Undefined"
	case *Gen:
		return "<generator object at 0x7f0000000000>"
	case *Namespace:
		return "<Namespace " + repr(x.d) + ">"
	case nil, bool, int64, float64:
		return toStr(v)
	case *LoopInfo:
		return "<LoopContext>"
	}
	return fmt.Sprintf("<%T>", v)
}

// pyQuote quotes like Python's repr of a str.
func pyQuote(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyFloat formats a float as Python's repr.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX, shortest
	mant, expS, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expS)
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	digits := strings.Replace(mant, ".", "", 1)
	sign := ""
	if neg {
		sign = "-"
	}
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es = "-"
			exp = -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
	}
	if exp >= 0 {
		if len(digits) <= exp+1 {
			return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		}
		return sign + digits[:exp+1] + "." + digits[exp+1:]
	}
	return sign + "0." + strings.Repeat("0", -exp-1) + digits
}

// truthy is Python's bool().
func truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case *Undefined:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case Markup:
		return x != ""
	case []Value:
		return len(x) > 0
	case Tuple:
		return len(x) > 0
	case *Dict:
		return x.Len() > 0
	}
	return true
}

// typeName is Python's type(v).__name__ as Jinja's messages show it.
func typeName(v Value) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case Markup:
		return "Markup"
	case []Value:
		return "list"
	case Tuple:
		return "tuple"
	case *Dict:
		return "dict"
	case *Undefined:
		return "Undefined"
	case *Gen:
		return "generator"
	case *Namespace:
		return "Namespace"
	}
	return "object"
}

// number returns v as a float and whether it is numeric (bool counts).
func number(v Value) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func asInt(v Value) (int64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return x, true
	}
	return 0, false
}

func isStr(v Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case Markup:
		return string(x), true
	}
	return "", false
}

// equal is Python's ==.
func equal(a, b Value) bool {
	if ua, ok := a.(*Undefined); ok {
		_, ub := b.(*Undefined)
		return ub && ua != nil
	}
	if _, ok := b.(*Undefined); ok {
		return false
	}
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x == y
		}
		return false
	}
	if x, ok := isStr(a); ok {
		y, ok := isStr(b)
		return ok && x == y
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case []Value:
		y, ok := b.([]Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case Tuple:
		y, ok := b.(Tuple)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			v, ok := y.Get(k)
			if !ok || !equal(x.vals[i], v) {
				return false
			}
		}
		return true
	}
	return a == b
}

// compare orders a and b (-1, 0, 1) for <, >, sort.
func compare(a, b Value) (int, error) {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			switch {
			case x < y:
				return -1, nil
			case x > y:
				return 1, nil
			}
			return 0, nil
		}
	}
	if x, ok := isStr(a); ok {
		if y, ok := isStr(b); ok {
			return strings.Compare(x, y), nil
		}
	}
	la, oka := asSeq(a)
	lb, okb := asSeq(b)
	if oka && okb {
		for i := 0; i < len(la) && i < len(lb); i++ {
			if equal(la[i], lb[i]) {
				continue
			}
			return compare(la[i], lb[i])
		}
		return compareInts(len(la), len(lb)), nil
	}
	return 0, &TypeError{fmt.Sprintf("'<' not supported between instances of '%s' and '%s'", typeName(a), typeName(b))}
}

func compareInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func asSeq(v Value) ([]Value, bool) {
	switch x := v.(type) {
	case []Value:
		return x, true
	case Tuple:
		return x, true
	}
	return nil, false
}

// iterate returns the items a for loop over v sees.
func iterate(v Value) ([]Value, error) {
	switch x := v.(type) {
	case []Value:
		return x, nil
	case Tuple:
		return x, nil
	case *Dict:
		return append([]Value(nil), x.keys...), nil
	case string:
		return chars(x), nil
	case Markup:
		return chars(string(x)), nil
	case *Undefined:
		return nil, nil
	case *Gen:
		return x.take(), nil
	case nil:
		return nil, &TypeError{"'NoneType' object is not iterable"}
	}
	return nil, &TypeError{fmt.Sprintf("'%s' object is not iterable", typeName(v))}
}

func chars(s string) []Value {
	out := make([]Value, 0, len(s))
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

// length is Python's len().
func length(v Value) (int, error) {
	switch x := v.(type) {
	case string:
		return len([]rune(x)), nil
	case Markup:
		return len([]rune(string(x))), nil
	case []Value:
		return len(x), nil
	case Tuple:
		return len(x), nil
	case *Dict:
		return x.Len(), nil
	case *Undefined:
		return 0, nil
	}
	return 0, &TypeError{fmt.Sprintf("object of type '%s' has no len()", typeName(v))}
}

// sortValues sorts in place with compare (stable).
func sortValues(vs []Value, key func(Value) Value, reverse bool) error {
	var err error
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if key != nil {
			a, b = key(a), key(b)
		}
		c, e := compare(a, b)
		if e != nil && err == nil {
			err = e
		}
		if reverse {
			return c > 0
		}
		return c < 0
	})
	return err
}

// escapeHTML is markupsafe.escape.
func escapeHTML(s string) string {
	r := strings.NewReplacer("&", "&amp;", ">", "&gt;", "<", "&lt;", "'", "&#39;", "\"", "&#34;")
	return r.Replace(s)
}
