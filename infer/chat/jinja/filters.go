package jinja

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// args holds a filter's, test's or method's arguments.
type args struct {
	pos []Value
	kw  *Dict
}

// get returns argument i (or keyword name), or def.
func (a args) get(i int, name string, def Value) Value {
	if i >= 0 && i < len(a.pos) {
		return a.pos[i]
	}
	if a.kw != nil && name != "" {
		if v, ok := a.kw.Get(name); ok {
			return v
		}
	}
	return def
}

func (r *renderer) applyFilter(f *filterExpr, v Value, sc *scope) (Value, error) {
	c := &callExpr{args: f.args, kwargs: f.kwargs}
	pos, kw, err := r.evalArgs(c, sc)
	if err != nil {
		return nil, err
	}
	return r.filter(f.name, v, args{pos, kw})
}

func (r *renderer) filter(name string, v Value, a args) (Value, error) {
	switch name {
	case "tojson":
		return tojson(v, a)
	case "length", "count":
		if g, ok := v.(*Gen); ok {
			_ = g
			return nil, &TypeError{"object of type 'generator' has no len()"}
		}
		n, err := length(v)
		return int64(n), err
	case "string":
		if m, ok := v.(Markup); ok {
			return m, nil
		}
		return toStr(v), nil
	case "trim":
		s := toStr(v)
		if chars := a.get(0, "chars", nil); chars != nil {
			return strings.Trim(s, toStr(chars)), nil
		}
		return strings.TrimFunc(s, unicode.IsSpace), nil
	case "default", "d":
		def := a.get(0, "default_value", "")
		boolean := truthy(a.get(1, "boolean", false))
		if _, undef := v.(*Undefined); undef || (boolean && !truthy(v)) {
			return def, nil
		}
		return v, nil
	case "join":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		if attr := a.get(1, "attribute", nil); attr != nil {
			for i, it := range items {
				if items[i], err = getAttrPath(it, attr); err != nil {
					return nil, err
				}
			}
		}
		sep := toStr(a.get(0, "d", ""))
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = toStr(it)
		}
		return strings.Join(parts, sep), nil
	case "items":
		switch d := v.(type) {
		case *Dict:
			out := make([]Value, d.Len())
			for i, k := range d.keys {
				out[i] = Tuple{k, d.vals[i]}
			}
			return out, nil
		case *Undefined:
			return []Value{}, nil
		}
		return nil, &TypeError{fmt.Sprintf("can only get item pairs from a mapping, not %s", typeName(v))}
	case "upper":
		return strings.ToUpper(toStr(v)), nil
	case "lower":
		return strings.ToLower(toStr(v)), nil
	case "title":
		return pyTitle(toStr(v)), nil
	case "capitalize":
		return pyCapitalize(toStr(v)), nil
	case "safe":
		return Markup(toStr(v)), nil
	case "escape", "e":
		if m, ok := v.(Markup); ok {
			return m, nil
		}
		return Markup(escapeHTML(toStr(v))), nil
	case "list":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		return append([]Value{}, items...), nil
	case "first":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{"No first item, sequence was empty."}, nil
		}
		return items[0], nil
	case "last":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{"No last item, sequence was empty."}, nil
		}
		return items[len(items)-1], nil
	case "reverse":
		if s, ok := isStr(v); ok {
			rs := []rune(s)
			for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
				rs[i], rs[j] = rs[j], rs[i]
			}
			return string(rs), nil
		}
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		out := make([]Value, len(items))
		for i, it := range items {
			out[len(items)-1-i] = it
		}
		return &Gen{items: out}, nil
	case "replace":
		s := toStr(v)
		old, nw := toStr(a.get(0, "old", "")), toStr(a.get(1, "new", ""))
		n := -1
		if c, ok := asInt(a.get(2, "count", nil)); ok {
			n = int(c)
		}
		return strings.Replace(s, old, nw, n), nil
	case "indent":
		return indentFilter(v, a)
	case "dictsort":
		d, ok := v.(*Dict)
		if !ok {
			return nil, &TypeError{"dictsort: a dict is needed"}
		}
		cs := truthy(a.get(0, "case_sensitive", false))
		by := toStr(a.get(1, "by", "key"))
		rev := truthy(a.get(2, "reverse", false))
		out := make([]Value, d.Len())
		for i, k := range d.keys {
			out[i] = Tuple{k, d.vals[i]}
		}
		idx := 0
		if by == "value" {
			idx = 1
		}
		err := sortValues(out, func(x Value) Value {
			k := x.(Tuple)[idx]
			if s, ok := k.(string); ok && !cs {
				return strings.ToLower(s)
			}
			return k
		}, rev)
		return out, err
	case "sort":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		out := append([]Value{}, items...)
		rev := truthy(a.get(0, "reverse", false))
		cs := truthy(a.get(1, "case_sensitive", false))
		attr := a.get(2, "attribute", nil)
		err = sortValues(out, func(x Value) Value {
			if attr != nil {
				x, _ = getAttrPath(x, attr)
			}
			if s, ok := x.(string); ok && !cs {
				return strings.ToLower(s)
			}
			return x
		}, rev)
		return out, err
	case "unique":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		var out []Value
		seen := map[any]bool{}
		for _, it := range items {
			k := it
			if s, ok := it.(string); ok && !truthy(a.get(0, "case_sensitive", false)) {
				k = strings.ToLower(s)
			}
			h, _ := hashKey(k)
			if seen[h] {
				continue
			}
			seen[h] = true
			out = append(out, it)
		}
		return &Gen{items: out}, nil
	case "min", "max":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{"No aggregated item, sequence was empty."}, nil
		}
		best := items[0]
		for _, it := range items[1:] {
			c, err := compare(it, best)
			if err != nil {
				return nil, err
			}
			if (name == "min" && c < 0) || (name == "max" && c > 0) {
				best = it
			}
		}
		return best, nil
	case "sum":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		var total Value = a.get(1, "start", int64(0))
		for _, it := range items {
			if attr := a.get(0, "attribute", nil); attr != nil {
				it, _ = getAttrPath(it, attr)
			}
			if total, err = arith("+", total, it); err != nil {
				return nil, err
			}
		}
		return total, nil
	case "int":
		def := a.get(0, "default", int64(0))
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			n, _ := asInt(x)
			return n, nil
		case float64:
			return int64(x), nil
		case string:
			s := strings.TrimSpace(x)
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, nil
			}
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return int64(f), nil
			}
		}
		return def, nil
	case "float":
		def := a.get(0, "default", 0.0)
		if f, ok := number(v); ok {
			return f, nil
		}
		if s, ok := isStr(v); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
				return f, nil
			}
		}
		return def, nil
	case "abs":
		switch x := v.(type) {
		case int64:
			if x < 0 {
				return -x, nil
			}
			return x, nil
		case float64:
			return math.Abs(x), nil
		}
		return nil, &TypeError{fmt.Sprintf("bad operand type for abs(): '%s'", typeName(v))}
	case "round":
		f, ok := number(v)
		if !ok {
			return nil, &TypeError{"round: a number is needed"}
		}
		prec, _ := asInt(a.get(0, "precision", int64(0)))
		method := toStr(a.get(1, "method", "common"))
		p := math.Pow(10, float64(prec))
		switch method {
		case "ceil":
			return math.Ceil(f*p) / p, nil
		case "floor":
			return math.Floor(f*p) / p, nil
		}
		return math.Round(f*p) / p, nil
	case "map":
		return r.mapFilter(v, a)
	case "select", "reject", "selectattr", "rejectattr":
		return r.selectFilter(name, v, a)
	case "batch":
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		n, _ := asInt(a.get(0, "linecount", int64(1)))
		if n <= 0 {
			return nil, &RuntimeError{"batch size must be positive"}
		}
		var out []Value
		for i := 0; i < len(items); i += int(n) {
			out = append(out, append([]Value{}, items[i:min(len(items), i+int(n))]...))
		}
		return out, nil
	case "wordcount":
		return int64(len(strings.Fields(toStr(v)))), nil
	case "center":
		w, _ := asInt(a.get(0, "width", int64(80)))
		s := toStr(v)
		n := int(w) - len([]rune(s))
		if n <= 0 {
			return s, nil
		}
		left := n / 2
		if n%2 == 1 && int(w)%2 == 1 {
			left++
		}
		return strings.Repeat(" ", left) + s + strings.Repeat(" ", n-left), nil
	case "truncate":
		s := toStr(v)
		n, _ := asInt(a.get(0, "length", int64(255)))
		rs := []rune(s)
		if len(rs) <= int(n) {
			return s, nil
		}
		return string(rs[:max(0, int(n)-3)]) + "...", nil
	case "attr":
		return getAttr(v, toStr(a.get(0, "name", "")))
	case "pprint":
		return repr(v), nil
	case "urlencode", "xmlattr", "striptags", "filesizeformat", "format", "wordwrap", "groupby", "random", "forceescape", "urlize":
		if name == "format" {
			return percentFormat(toStr(v), Tuple(a.pos))
		}
	}
	return nil, &RuntimeError{fmt.Sprintf("No filter named '%s'.", name)}
}

// getAttrPath looks up a dotted attribute path ("a.b" or an integer).
func getAttrPath(v Value, attr Value) (Value, error) {
	if n, ok := asInt(attr); ok {
		return getItem(v, n)
	}
	for _, part := range strings.Split(toStr(attr), ".") {
		var err error
		if n, e := strconv.Atoi(part); e == nil {
			v, err = getItem(v, int64(n))
		} else {
			v, err = getItem(v, part)
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (r *renderer) mapFilter(v Value, a args) (Value, error) {
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	var out []Value
	if a.kw != nil {
		if attr, ok := a.kw.Get("attribute"); ok {
			def, hasDef := a.kw.Get("default")
			for _, it := range items {
				x, err := getAttrPath(it, attr)
				if err != nil {
					return nil, err
				}
				if _, undef := x.(*Undefined); undef && hasDef {
					x = def
				}
				out = append(out, x)
			}
			return &Gen{items: out}, nil
		}
	}
	if len(a.pos) == 0 {
		return &Gen{items: items}, nil
	}
	fname := toStr(a.pos[0])
	for _, it := range items {
		x, err := r.filter(fname, it, args{a.pos[1:], a.kw})
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return &Gen{items: out}, nil
}

func (r *renderer) selectFilter(name string, v Value, a args) (Value, error) {
	if v == nil || !truthy(v) {
		if _, ok := v.(*Undefined); ok || v == nil {
			return &Gen{}, nil
		}
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	byAttr := strings.HasSuffix(name, "attr")
	keep := name == "select" || name == "selectattr"
	var out []Value
	for _, it := range items {
		subject := it
		rest := a.pos
		if byAttr {
			if len(rest) == 0 {
				return nil, &RuntimeError{"Missing parameter for attribute name"}
			}
			if subject, err = getAttrPath(it, rest[0]); err != nil {
				return nil, err
			}
			rest = rest[1:]
		}
		var ok bool
		if len(rest) == 0 {
			ok = truthy(subject)
		} else {
			ok, err = r.test(toStr(rest[0]), subject, rest[1:])
			if err != nil {
				return nil, err
			}
		}
		if ok == keep {
			out = append(out, it)
		}
	}
	return &Gen{items: out}, nil
}

func indentFilter(v Value, a args) (Value, error) {
	s := toStr(v)
	width := a.get(0, "width", int64(4))
	var ind string
	if ws, ok := width.(string); ok {
		ind = ws
	} else {
		n, _ := asInt(width)
		ind = strings.Repeat(" ", int(n))
	}
	first := truthy(a.get(1, "first", false))
	blank := truthy(a.get(2, "blank", false))
	nl := "\n"
	s += nl // jinja2 3.1 appends a newline and removes it at the end
	lines := strings.Split(s, "\n")
	lines = lines[:len(lines)-1]
	for i, l := range lines {
		if i == 0 && !first {
			continue
		}
		if blank || strings.TrimSpace(l) != "" {
			lines[i] = ind + l
		}
	}
	return strings.Join(lines, "\n"), nil
}

func pyTitle(s string) string {
	var b strings.Builder
	prevLetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevLetter {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToTitle(r))
			}
			prevLetter = true
		} else {
			b.WriteRune(r)
			prevLetter = false
		}
	}
	return b.String()
}

func pyCapitalize(s string) string {
	rs := []rune(strings.ToLower(s))
	if len(rs) > 0 {
		rs[0] = unicode.ToTitle(rs[0])
	}
	return string(rs)
}

// ---- tests ----

func (r *renderer) applyTest(t *testExpr, v Value, sc *scope) (bool, error) {
	var as []Value
	for _, x := range t.args {
		a, err := r.eval(x, sc)
		if err != nil {
			return false, err
		}
		as = append(as, a)
	}
	return r.test(t.name, v, as)
}

func (r *renderer) test(name string, v Value, as []Value) (bool, error) {
	arg := func() Value {
		if len(as) > 0 {
			return as[0]
		}
		return &Undefined{}
	}
	_, undef := v.(*Undefined)
	switch name {
	case "defined":
		return !undef, nil
	case "undefined":
		return undef, nil
	case "none":
		return v == nil, nil
	case "string":
		_, ok := isStr(v)
		return ok, nil
	case "number":
		_, ok := number(v)
		return ok, nil
	case "integer":
		_, ok := v.(int64)
		return ok, nil
	case "float":
		_, ok := v.(float64)
		return ok, nil
	case "boolean":
		_, ok := v.(bool)
		return ok, nil
	case "true":
		b, ok := v.(bool)
		return ok && b, nil
	case "false":
		b, ok := v.(bool)
		return ok && !b, nil
	case "mapping":
		_, ok := v.(*Dict)
		return ok, nil
	case "iterable":
		switch v.(type) {
		case string, Markup, []Value, Tuple, *Dict, *Undefined, *Gen:
			return true, nil
		}
		return false, nil
	case "sequence":
		switch v.(type) {
		case string, Markup, []Value, Tuple, *Dict, *Undefined:
			return true, nil
		}
		return false, nil
	case "callable":
		switch v.(type) {
		case *Func, *Macro:
			return true, nil
		}
		return false, nil
	case "odd", "even":
		n, ok := asInt(v)
		if !ok {
			return false, &TypeError{"odd/even: an integer is needed"}
		}
		return (n%2 != 0) == (name == "odd"), nil
	case "divisibleby":
		n, ok1 := asInt(v)
		d, ok2 := asInt(arg())
		if !ok1 || !ok2 || d == 0 {
			return false, &TypeError{"divisibleby: integers are needed"}
		}
		return n%d == 0, nil
	case "eq", "equalto", "==":
		return equal(v, arg()), nil
	case "ne", "!=":
		return !equal(v, arg()), nil
	case "lt", "lessthan", "<", "gt", "greaterthan", ">", "le", "<=", "ge", ">=":
		op := map[string]string{"lt": "<", "lessthan": "<", "gt": ">", "greaterthan": ">", "le": "<=", "ge": ">="}[name]
		if op == "" {
			op = name
		}
		return compareOp(op, v, arg())
	case "in":
		return contains(arg(), v)
	case "sameas":
		a := arg()
		switch x := v.(type) {
		case nil:
			return a == nil, nil
		case bool:
			y, ok := a.(bool)
			return ok && x == y, nil
		}
		return equal(v, a) && typeName(v) == typeName(a), nil
	case "lower":
		s := toStr(v)
		return strings.ToLower(s) == s, nil
	case "upper":
		s := toStr(v)
		return strings.ToUpper(s) == s, nil
	case "escaped":
		_, ok := v.(Markup)
		return ok, nil
	}
	return false, &RuntimeError{fmt.Sprintf("No test named '%s'.", name)}
}
