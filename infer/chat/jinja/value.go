package jinja

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Value is a template value with Python semantics. The dynamic types are:
//
//	nil            None
//	bool           True / False
//	int64          int (values beyond int64 become *big.Int, as Python
//	               ints have no size limit)
//	*big.Int       int outside the int64 range
//	float64        float
//	string         str
//	Markup         markupsafe.Markup (a str marked safe, from |safe)
//	[]Value        list
//	Tuple          tuple
//	*Dict          dict (insertion-ordered)
//	*Undefined     jinja2.Undefined (a missing variable, attribute or item)
//
// and a few internal ones (generators, range objects, dict views,
// namespace(), loop, macros and built-in functions) that templates can
// create but not pass in.
type Value = any

// Markup is a string marked safe (|safe, |escape): adding a plain string
// to it HTML-escapes that string, as markupsafe does.
type Markup string

// Tuple is an immutable sequence (printed with parentheses).
type Tuple []Value

// Undefined is a missing variable, attribute or item. It prints as "",
// is false, iterates as empty and has length 0; arithmetic, comparison,
// indexing, attribute access, calling it or serializing it fail with
// an UndefinedError (or a SecurityError for an attribute the sandbox
// refused).
type Undefined struct {
	msg      string
	security bool
}

func (u *Undefined) err() error {
	if u.security {
		return &SecurityError{u.msg}
	}
	return &UndefinedError{u.msg}
}

func undefinedName(name string) *Undefined {
	return &Undefined{msg: fmt.Sprintf("'%s' is undefined", name)}
}

// undefinedAttr is the Undefined for obj.name (name a str) or obj[name].
func undefinedAttr(obj Value, name Value) *Undefined {
	if s, ok := name.(string); ok {
		return &Undefined{msg: fmt.Sprintf("%s has no attribute %s", pyQuote(objectTypeRepr(obj)), pyQuote(s))}
	}
	return &Undefined{msg: fmt.Sprintf("%s has no element %s", objectTypeRepr(obj), repr(name))}
}

// unsafeUndefined is what the sandbox returns for a refused attribute.
func unsafeUndefined(obj Value, name string) *Undefined {
	return &Undefined{msg: fmt.Sprintf("access to attribute '%s' of '%s' object is unsafe.", name, typeName(obj)), security: true}
}

// objectTypeRepr is jinja2.utils.object_type_repr.
func objectTypeRepr(v Value) string {
	if v == nil {
		return "None"
	}
	switch v.(type) {
	case Markup:
		return "markupsafe.Markup object"
	case *Namespace:
		return "jinja2.utils.Namespace object"
	case *LoopInfo:
		return "jinja2.runtime.LoopContext object"
	case *Macro:
		return "jinja2.runtime.Macro object"
	case *Undefined:
		return "jinja2.runtime.Undefined object"
	case *cycler:
		return "jinja2.utils.Cycler object"
	case *joiner:
		return "jinja2.utils.Joiner object"
	case groupTuple:
		return "jinja2.filters._GroupTuple object"
	}
	return typeName(v) + " object"
}

// Dict is an insertion-ordered mapping with Python key semantics
// (1, 1.0 and True are the same key).
type Dict struct {
	keys []Value
	vals []Value
	idx  map[any]int
}

// NewDict makes an empty dict.
func NewDict() *Dict { return &Dict{idx: map[any]int{}} }

// hashKey normalises a key as Python hashing does; ok is false for an
// unhashable value (list, dict).
func hashKey(k Value) (any, bool) { return hashKeyD(k, 0) }

// maxValueDepth bounds the recursion into nested values (repr, ==, <,
// hashing): values nested deeper compare as different, print as "...",
// and are unhashable; jinja2 would hit Python's recursion limit there.
const maxValueDepth = 500

func hashKeyD(k Value, depth int) (any, bool) {
	if depth > maxValueDepth {
		return nil, false
	}
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
	case *big.Int:
		return "\x00int:" + x.String(), true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
		return x, true
	case string:
		return x, true
	case Markup:
		return string(x), true
	case Tuple:
		var b strings.Builder
		b.WriteString("\x00tuple")
		for _, v := range x {
			h, ok := hashKeyD(v, depth+1)
			if !ok {
				return nil, false
			}
			fmt.Fprintf(&b, "\x00%T:%v", h, h)
		}
		return b.String(), true
	case *Undefined:
		return "\x00undefined", true
	case []Value, *Dict, *dictView, *Namespace:
		return nil, false
	}
	return k, true // identity for functions, macros …
}

// Set stores k = v (a new key goes last; an existing key keeps its
// position). An unhashable key is ignored; callers check with hashKey.
func (d *Dict) Set(k, v Value) {
	h, ok := hashKey(k)
	if !ok {
		return
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

// Keys returns the keys in insertion order (the caller must not modify
// the slice).
func (d *Dict) Keys() []Value { return d.keys }

func (d *Dict) copy() *Dict {
	n := NewDict()
	for i, k := range d.keys {
		n.Set(k, d.vals[i])
	}
	return n
}

func (d *Dict) items() []Value {
	out := make([]Value, len(d.keys))
	for i, k := range d.keys {
		out[i] = Tuple{k, d.vals[i]}
	}
	return out
}

// Namespace is the mutable object namespace() returns.
type Namespace struct{ d *Dict }

// Gen is a one-shot iterator: the generator that map, select, reject,
// unique, batch … return, or a reversed() iterator. It can be iterated
// once, is always true, and has no length.
type Gen struct {
	items []Value
	used  bool
	kind  string // Python type name: "generator", "list_reverseiterator" …
}

func newGen(items []Value) *Gen { return &Gen{items: items, kind: "generator"} }

func (g *Gen) take() []Value {
	if g.used {
		return nil
	}
	g.used = true
	return g.items
}

// Range is a range() object.
type Range struct{ start, stop, step int64 }

func (r *Range) len() int64 {
	var n int64
	if r.step > 0 && r.start < r.stop {
		n = (r.stop - r.start + r.step - 1) / r.step
	} else if r.step < 0 && r.start > r.stop {
		n = (r.start - r.stop - r.step - 1) / (-r.step)
	}
	return n
}

func (r *Range) items() []Value {
	n := r.len()
	out := make([]Value, n)
	for i := int64(0); i < n; i++ {
		out[i] = r.start + i*r.step
	}
	return out
}

// dictView is dict.keys(), dict.values() or dict.items().
type dictView struct {
	d    *Dict
	kind string // "keys", "values", "items"
}

func (v *dictView) items() []Value {
	switch v.kind {
	case "keys":
		return append([]Value(nil), v.d.keys...)
	case "values":
		return append([]Value(nil), v.d.vals...)
	}
	return v.d.items()
}

// groupTuple is an item of |groupby: a (grouper, list) tuple whose fields
// are also attributes.
type groupTuple Tuple

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
	case *big.Int:
		return x.String()
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
func repr(v Value) string { return reprD(v, 0) }

func reprD(v Value, depth int) string {
	if depth > maxValueDepth {
		return "..."
	}
	switch x := v.(type) {
	case string:
		return pyQuote(x)
	case Markup:
		return "Markup(" + pyQuote(string(x)) + ")"
	case []Value:
		return "[" + joinRepr(x, depth) + "]"
	case Tuple:
		return tupleRepr(x, depth)
	case groupTuple:
		return tupleRepr(Tuple(x), depth)
	case *Dict:
		parts := make([]string, len(x.keys))
		for i, k := range x.keys {
			parts[i] = reprD(k, depth+1) + ": " + reprD(x.vals[i], depth+1)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *Undefined:
		return "Undefined"
	case *Gen:
		return "<" + x.kind + " object at 0x7f0000000000>"
	case *Range:
		if x.step == 1 {
			return fmt.Sprintf("range(%d, %d)", x.start, x.stop)
		}
		return fmt.Sprintf("range(%d, %d, %d)", x.start, x.stop, x.step)
	case *dictView:
		return "dict_" + x.kind + "([" + joinRepr(x.items(), depth) + "])"
	case *Namespace:
		return "<Namespace " + reprD(x.d, depth+1) + ">"
	case nil, bool, int64, *big.Int, float64:
		return toStr(v)
	case *LoopInfo:
		return fmt.Sprintf("<LoopContext %d/%d>", x.index+1, x.length)
	case *Func:
		if x.self != "" {
			return fmt.Sprintf("<built-in method %s of %s object at 0x7f0000000000>", x.name, x.self)
		}
		return fmt.Sprintf("<built-in function %s>", x.name)
	case *Macro:
		return fmt.Sprintf("<Macro '%s'>", x.node.name)
	case *cycler:
		return "<jinja2.utils.Cycler object at 0x7f0000000000>"
	case *joiner:
		return "<jinja2.utils.Joiner object at 0x7f0000000000>"
	}
	return fmt.Sprintf("<%T>", v)
}

func joinRepr(items []Value, depth int) string {
	parts := make([]string, len(items))
	for i, e := range items {
		parts[i] = reprD(e, depth+1)
	}
	return strings.Join(parts, ", ")
}

func tupleRepr(x Tuple, depth int) string {
	if len(x) == 1 {
		return "(" + reprD(x[0], depth+1) + ",)"
	}
	return "(" + joinRepr(x, depth) + ")"
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
		case r >= 0x80 && !isPrintable(r):
			switch {
			case r <= 0xff:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
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
	case *big.Int:
		return x.Sign() != 0
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
	case *Range:
		return x.len() > 0
	case *dictView:
		return x.d.Len() > 0
	}
	return true
}

// typeName is Python's type(v).__name__.
func typeName(v Value) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, *big.Int:
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
	case groupTuple:
		return "_GroupTuple"
	case *Dict:
		return "dict"
	case *Undefined:
		return "Undefined"
	case *Gen:
		return v.(*Gen).kind
	case *Range:
		return "range"
	case *dictView:
		return "dict_" + v.(*dictView).kind
	case *Namespace:
		return "Namespace"
	case *LoopInfo:
		return "LoopContext"
	case *Func:
		if v.(*Func).self != "" {
			return "builtin_function_or_method"
		}
		return "function"
	case *Macro:
		return "Macro"
	case *cycler:
		return "Cycler"
	case *joiner:
		return "Joiner"
	}
	return "object"
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

// asSeq returns the items of a list-like value (list, tuple, range).
func asSeq(v Value) ([]Value, bool) {
	switch x := v.(type) {
	case []Value:
		return x, true
	case Tuple:
		return x, true
	case groupTuple:
		return x, true
	case *Range:
		return x.items(), true
	}
	return nil, false
}

// iterate returns the items a for loop over v sees (Python's iter()).
func iterate(v Value) ([]Value, error) {
	switch x := v.(type) {
	case []Value:
		return x, nil
	case Tuple:
		return x, nil
	case groupTuple:
		return x, nil
	case *Dict:
		return append([]Value(nil), x.keys...), nil
	case string:
		return chars(x), nil
	case Markup: // iterating a Markup gives plain strings
		return chars(string(x)), nil
	case *Undefined:
		return nil, nil
	case *Gen:
		return x.take(), nil
	case *Range:
		return x.items(), nil
	case *dictView:
		return x.items(), nil
	}
	return nil, typeErrorf("'%s' object is not iterable", typeName(v))
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
		return runeLen(x), nil
	case Markup:
		return runeLen(string(x)), nil
	case []Value:
		return len(x), nil
	case Tuple:
		return len(x), nil
	case groupTuple:
		return len(x), nil
	case *Dict:
		return x.Len(), nil
	case *Undefined:
		return 0, nil
	case *Range:
		return int(x.len()), nil
	case *dictView:
		return x.d.Len(), nil
	}
	return 0, typeErrorf("object of type '%s' has no len()", typeName(v))
}

func runeLen(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// equal is Python's ==.
func equal(a, b Value) bool { return equalD(a, b, 0) }

func equalD(a, b Value, depth int) bool {
	if depth > maxValueDepth {
		return false
	}
	if _, ok := a.(*Undefined); ok {
		_, ok := b.(*Undefined)
		return ok
	}
	if _, ok := b.(*Undefined); ok {
		return false
	}
	if isNumber(a) {
		if isNumber(b) {
			c, ok := numCompare(a, b)
			return ok && c == 0
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
		return ok && seqEqualD(x, y, depth)
	case Tuple:
		switch y := b.(type) {
		case Tuple:
			return seqEqualD(x, y, depth)
		case groupTuple:
			return seqEqualD(x, y, depth)
		}
		return false
	case groupTuple:
		switch y := b.(type) {
		case Tuple:
			return seqEqualD(x, y, depth)
		case groupTuple:
			return seqEqualD(x, y, depth)
		}
		return false
	case *Range:
		y, ok := b.(*Range)
		return ok && seqEqual(x.items(), y.items())
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			v, ok := y.Get(k)
			if !ok || !equalD(x.vals[i], v, depth+1) {
				return false
			}
		}
		return true
	case *dictView:
		y, ok := b.(*dictView)
		if !ok || x.kind != y.kind || x.kind == "values" {
			return ok && x == y
		}
		return equalD(dictFromItems(x), dictFromItems(y), depth+1)
	}
	return a == b
}

func dictFromItems(v *dictView) *Dict {
	d := NewDict()
	for _, it := range v.items() {
		if t, ok := it.(Tuple); ok {
			d.Set(t[0], t[1])
		} else {
			d.Set(it, nil)
		}
	}
	return d
}

func seqEqual(x, y []Value) bool { return seqEqualD(x, y, 0) }

func seqEqualD(x, y []Value, depth int) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !equalD(x[i], y[i], depth+1) {
			return false
		}
	}
	return true
}

// compare orders a and b (-1, 0, 1) as Python's < does, or fails with
// Python's TypeError for types that have no order.
func compare(op string, a, b Value) (int, error) { return compareD(op, a, b, 0) }

func compareD(op string, a, b Value, depth int) (int, error) {
	if depth > maxValueDepth {
		return 0, &RuntimeError{"maximum recursion depth exceeded in comparison"}
	}
	if u, ok := a.(*Undefined); ok {
		return 0, u.err()
	}
	if u, ok := b.(*Undefined); ok {
		return 0, u.err()
	}
	if isNumber(a) && isNumber(b) {
		c, ok := numCompare(a, b)
		if !ok {
			return 2, nil // NaN: every comparison is false
		}
		return c, nil
	}
	if x, ok := isStr(a); ok {
		if y, ok := isStr(b); ok {
			return strings.Compare(x, y), nil
		}
	}
	sameKind := false
	switch a.(type) {
	case []Value:
		_, sameKind = b.([]Value)
	case Tuple, groupTuple:
		switch b.(type) {
		case Tuple, groupTuple:
			sameKind = true
		}
	}
	if sameKind {
		la, _ := asSeq(a)
		lb, _ := asSeq(b)
		for i := 0; i < len(la) && i < len(lb); i++ {
			if equalD(la[i], lb[i], depth+1) {
				continue
			}
			return compareD(op, la[i], lb[i], depth+1)
		}
		return cmpInt(int64(len(la)), int64(len(lb))), nil
	}
	return 0, typeErrorf("'%s' not supported between instances of '%s' and '%s'", op, typeName(a), typeName(b))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// escapeHTML is markupsafe.escape on a plain string.
func escapeHTML(s string) string {
	return htmlEscaper.Replace(s)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", ">", "&gt;", "<", "&lt;", "'", "&#39;", "\"", "&#34;")

// escape is markupsafe.escape: Markup stays as it is, anything else is
// converted with str() and escaped.
func escape(v Value) Markup {
	if m, ok := v.(Markup); ok {
		return m
	}
	return Markup(escapeHTML(toStr(v)))
}
