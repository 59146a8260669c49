package jinja

import (
	"math/big"
	"strings"
)

// errNotConstant stops constant folding (jinja2's Impossible).
var errNotConstant = &RuntimeError{"not a constant"}

// sliceVal is the key of x[a:b:c] (nil parts are None).
type sliceVal struct{ start, stop, step Value }

func (r *renderer) eval(e expr, sc *scope) (Value, error) {
	if err := r.step(); err != nil {
		return nil, err
	}
	switch e := e.(type) {
	case *constExpr:
		return e.v, nil
	case *nameExpr:
		if r.folding {
			return nil, errNotConstant
		}
		if v, ok := sc.lookup(e.name); ok {
			return v, nil
		}
		return undefinedName(e.name), nil
	case *listExpr:
		out := make([]Value, 0, len(e.items))
		for _, it := range e.items {
			v, err := r.eval(it, sc)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *tupleExpr:
		out := make(Tuple, 0, len(e.items))
		for _, it := range e.items {
			v, err := r.eval(it, sc)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *dictExpr:
		d := NewDict()
		for i := range e.keys {
			k, err := r.eval(e.keys[i], sc)
			if err != nil {
				return nil, err
			}
			v, err := r.eval(e.vals[i], sc)
			if err != nil {
				return nil, err
			}
			if _, ok := hashKey(k); !ok {
				return nil, typeErrorf("unhashable type: '%s'", typeName(k))
			}
			d.Set(k, v)
		}
		return d, nil
	case *attrExpr:
		obj, err := r.eval(e.obj, sc)
		if err != nil {
			return nil, err
		}
		return getAttr(obj, e.name)
	case *itemExpr:
		obj, err := r.eval(e.obj, sc)
		if err != nil {
			return nil, err
		}
		k, err := r.eval(e.key, sc)
		if err != nil {
			return nil, err
		}
		if sl, ok := k.(*sliceVal); ok && !r.folding {
			// jinja2 compiles x[a:b] to a plain Python subscript (only
			// constant folding goes through the lenient getitem)
			return sliceStrict(obj, sl)
		}
		return getItem(obj, k)
	case *sliceExpr:
		var s sliceVal
		for i, x := range []expr{e.start, e.stop, e.step} {
			if x == nil {
				continue
			}
			v, err := r.eval(x, sc)
			if err != nil {
				return nil, err
			}
			*[]*Value{&s.start, &s.stop, &s.step}[i] = v
		}
		return &s, nil
	case *callExpr:
		if r.folding {
			return nil, errNotConstant
		}
		fn, err := r.eval(e.fn, sc)
		if err != nil {
			return nil, err
		}
		pos, kw, err := r.evalArgs(e.callArgs, sc)
		if err != nil {
			return nil, err
		}
		return r.call(fn, pos, kw)
	case *filterExpr:
		v, err := r.eval(e.operand, sc)
		if err != nil {
			return nil, err
		}
		return r.applyFilter(e, v, sc)
	case *testExpr:
		v, err := r.eval(e.operand, sc)
		if err != nil {
			return nil, err
		}
		pos, kw, err := r.evalArgs(e.callArgs, sc)
		if err != nil {
			return nil, err
		}
		return r.test(e.name, v, &args{pos: pos, kw: kw})
	case *unaryExpr:
		v, err := r.eval(e.e, sc)
		if err != nil {
			return nil, err
		}
		return unary(e.op, v)
	case *binExpr:
		l, err := r.eval(e.l, sc)
		if err != nil {
			return nil, err
		}
		switch e.op {
		case "and":
			if !truthy(l) {
				return l, nil
			}
			return r.eval(e.r, sc)
		case "or":
			if truthy(l) {
				return l, nil
			}
			return r.eval(e.r, sc)
		}
		rv, err := r.eval(e.r, sc)
		if err != nil {
			return nil, err
		}
		return r.binop(e.op, l, rv)
	case *concatExpr:
		var b strings.Builder
		for _, it := range e.items {
			v, err := r.eval(it, sc)
			if err != nil {
				return nil, err
			}
			if b.Len() > r.maxOutput {
				return nil, &LimitError{"string too large"}
			}
			b.WriteString(r.output(v))
		}
		if r.autoescape {
			return Markup(b.String()), nil
		}
		return b.String(), nil
	case *compareExpr:
		l, err := r.eval(e.first, sc)
		if err != nil {
			return nil, err
		}
		for i, op := range e.ops {
			rv, err := r.eval(e.rest[i], sc)
			if err != nil {
				return nil, err
			}
			ok, err := compareOp(op, l, rv)
			if err != nil {
				return nil, err
			}
			if !ok {
				return false, nil
			}
			l = rv
		}
		return true, nil
	case *condExpr:
		c, err := r.eval(e.test, sc)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return r.eval(e.a, sc)
		}
		if e.b == nil {
			if r.folding {
				return nil, errNotConstant
			}
			return &Undefined{msg: "the inline if-expression evaluated to false and no else section was defined."}, nil
		}
		return r.eval(e.b, sc)
	}
	return nil, runtimeErrorf("cannot evaluate %T", e)
}

func unary(op string, v Value) (Value, error) {
	if op == "not" {
		return !truthy(v), nil
	}
	if u, ok := v.(*Undefined); ok {
		return nil, u.err()
	}
	switch x := v.(type) {
	case bool:
		n, _ := asInt(x)
		if op == "-" {
			n = -n
		}
		return n, nil
	case int64:
		if op == "+" {
			return x, nil
		}
		return numArith("-", int64(0), x)
	case *big.Int:
		if op == "+" {
			return x, nil
		}
		return normInt(new(big.Int).Neg(x)), nil
	case float64:
		if op == "-" {
			return -x, nil
		}
		return x, nil
	}
	return nil, typeErrorf("bad operand type for unary %s: '%s'", op, typeName(v))
}

func compareOp(op string, a, b Value) (bool, error) {
	switch op {
	case "==":
		return equal(a, b), nil
	case "!=":
		return !equal(a, b), nil
	case "in", "notin":
		ok, err := contains(b, a)
		if err != nil {
			return false, err
		}
		return ok == (op == "in"), nil
	}
	c, err := compare(op, a, b)
	if err != nil {
		return false, err
	}
	if c == 2 { // NaN
		return false, nil
	}
	switch op {
	case "<":
		return c < 0, nil
	case ">":
		return c > 0, nil
	case "<=":
		return c <= 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, nil
}

// contains is Python's "item in container".
func contains(container, item Value) (bool, error) {
	switch c := container.(type) {
	case string, Markup:
		cs, _ := isStr(c)
		s, ok := isStr(item)
		if !ok {
			return false, typeErrorf("'in <string>' requires string as left operand, not %s", typeName(item))
		}
		return strings.Contains(cs, s), nil
	case *Dict:
		if _, ok := hashKey(item); !ok {
			return false, typeErrorf("unhashable type: '%s'", typeName(item))
		}
		_, ok := c.Get(item)
		return ok, nil
	case *dictView:
		if c.kind == "keys" {
			return contains(c.d, item)
		}
	case *Range:
		if !isIntegral(item) {
			if !isNumber(item) {
				return false, nil
			}
		}
		for _, x := range c.items() {
			if equal(x, item) {
				return true, nil
			}
		}
		return false, nil
	case *Undefined:
		return false, nil
	case *Gen:
		for _, x := range c.take() {
			if equal(x, item) {
				return true, nil
			}
		}
		return false, nil
	}
	items, ok := asSeq(container)
	if !ok {
		if v, isView := container.(*dictView); isView {
			items = v.items()
		} else {
			return false, typeErrorf("argument of type '%s' is not iterable", typeName(container))
		}
	}
	for _, x := range items {
		if equal(x, item) {
			return true, nil
		}
	}
	return false, nil
}

// binop applies an arithmetic operator with Python's rules.
func (r *renderer) binop(op string, l, rv Value) (Value, error) {
	if ls, ok := isStr(l); ok && op == "%" { // str.__mod__ takes anything, even Undefined
		out, err := percentFormat(ls, rv, l)
		if err != nil {
			return nil, err
		}
		if len(out) > r.maxOutput {
			return nil, &LimitError{"string too large"}
		}
		return sameKind(l, out), nil
	}
	if u, ok := l.(*Undefined); ok {
		return nil, u.err()
	}
	if u, ok := rv.(*Undefined); ok {
		return nil, u.err()
	}
	if isNumber(l) && isNumber(rv) {
		return numArith(op, l, rv)
	}
	ls, lStr := isStr(l)
	rs, rStr := isStr(rv)
	switch op {
	case "+":
		if lStr && rStr {
			if len(ls)+len(rs) > r.maxOutput {
				return nil, &LimitError{"string too large"}
			}
			lm, lMark := l.(Markup)
			rm, rMark := rv.(Markup)
			switch {
			case lMark && rMark:
				return lm + rm, nil
			case lMark:
				return lm + Markup(escapeHTML(rs)), nil
			case rMark:
				return Markup(escapeHTML(ls)) + rm, nil
			}
			return ls + rs, nil
		}
		switch x := l.(type) {
		case []Value:
			y, ok := rv.([]Value)
			if !ok {
				return nil, typeErrorf("can only concatenate list (not \"%s\") to list", typeName(rv))
			}
			if len(x)+len(y) > maxItems {
				return nil, &LimitError{"list too large"}
			}
			out := make([]Value, 0, len(x)+len(y))
			return append(append(out, x...), y...), nil
		case Tuple:
			y, ok := rv.(Tuple)
			if !ok {
				return nil, typeErrorf("can only concatenate tuple (not \"%s\") to tuple", typeName(rv))
			}
			if len(x)+len(y) > maxItems {
				return nil, &LimitError{"tuple too large"}
			}
			out := make(Tuple, 0, len(x)+len(y))
			return append(append(out, x...), y...), nil
		case string:
			return nil, typeErrorf("can only concatenate str (not \"%s\") to str", typeName(rv))
		}
	case "*":
		if isIntegral(l) && !isIntegral(rv) {
			l, rv = rv, l
		}
		if isIntegral(rv) {
			n, ok := asInt(rv)
			if !ok { // a big int
				if toBig(rv).Sign() > 0 {
					return nil, &RuntimeError{"cannot fit 'int' into an index-sized integer"}
				}
				n = 0
			}
			n = max(n, 0)
			switch x := l.(type) {
			case string, Markup:
				s, _ := isStr(x)
				if n > 0 && int64(len(s)) > int64(r.maxOutput)/n {
					return nil, &LimitError{"string too large"}
				}
				out := strings.Repeat(s, int(n))
				if _, ok := x.(Markup); ok {
					return Markup(out), nil
				}
				return out, nil
			case []Value, Tuple:
				items, _ := asSeq(x)
				if n > 0 && int64(len(items)) > maxItems/n {
					return nil, &LimitError{"list too large"}
				}
				out := make([]Value, 0, len(items)*int(n))
				for i := int64(0); i < n; i++ {
					out = append(out, items...)
				}
				if _, ok := x.(Tuple); ok {
					return Tuple(out), nil
				}
				return out, nil
			}
		}
		switch l.(type) {
		case string, Markup, []Value, Tuple:
			return nil, typeErrorf("can't multiply sequence by non-int of type '%s'", typeName(rv))
		}
	}
	if op == "**" {
		return nil, typeErrorf("unsupported operand type(s) for ** or pow(): '%s' and '%s'", typeName(l), typeName(rv))
	}
	return nil, typeErrorf("unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(l), typeName(rv))
}

// ---- attributes and items (jinja2's sandboxed getattr and getitem) ----

// getAttr is obj.name: a Python attribute (a method) first, then an
// item; names the sandbox refuses give an Undefined that raises a
// SecurityError when used.
func getAttr(obj Value, name string) (Value, error) {
	if u, ok := obj.(*Undefined); ok {
		if isDunder(name) { // attributes of the Undefined object itself
			return unsafeUndefined(obj, name), nil
		}
		return nil, u.err()
	}
	if v, ok := attribute(obj, name); ok {
		return v, nil
	}
	if v, ok := itemLookup(obj, name); ok {
		return v, nil
	}
	return undefinedAttr(obj, name), nil
}

// getItem is obj[key]: an item first, then (for a string key) an attribute.
func getItem(obj, key Value) (Value, error) {
	if u, ok := obj.(*Undefined); ok {
		return nil, u.err()
	}
	if s, ok := key.(*sliceVal); ok {
		return sliceValue(obj, s)
	}
	if v, ok := itemLookup(obj, key); ok {
		return v, nil
	}
	if s, ok := key.(string); ok {
		if v, ok := attribute(obj, s); ok {
			return v, nil
		}
	}
	return undefinedAttr(obj, key), nil
}

// itemLookup is a successful obj[key].
func itemLookup(obj, key Value) (Value, bool) {
	switch o := obj.(type) {
	case *Dict:
		return o.Get(key)
	case string, Markup:
		i, ok := asInt(key)
		if !ok {
			return nil, false
		}
		s, _ := isStr(o)
		rs := []rune(s)
		if i < 0 {
			i += int64(len(rs))
		}
		if i < 0 || i >= int64(len(rs)) {
			return nil, false
		}
		if _, ok := o.(Markup); ok {
			return Markup(rs[i]), true
		}
		return string(rs[i]), true
	case *Range:
		i, ok := asInt(key)
		if !ok {
			return nil, false
		}
		n := o.len()
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return nil, false
		}
		return o.start + i*o.step, true
	}
	if seq, ok := asSeq(obj); ok {
		i, ok := asInt(key)
		if !ok {
			return nil, false
		}
		if i < 0 {
			i += int64(len(seq))
		}
		if i < 0 || i >= int64(len(seq)) {
			return nil, false
		}
		return seq[i], true
	}
	return nil, false
}

// attribute looks up a Python attribute of obj (a method, or the fields
// of the special objects); ok is false when there is none.
func attribute(obj Value, name string) (Value, bool) {
	if strings.HasPrefix(name, "_") {
		if isDunder(name) {
			return unsafeUndefined(obj, name), true
		}
		return nil, false
	}
	switch o := obj.(type) {
	case *Namespace:
		return o.d.Get(name)
	case *LoopInfo:
		return o.attr(name)
	case *Macro:
		return o.attr(name)
	case *cycler:
		return o.attr(name)
	case *joiner:
		if name == "sep" {
			return o.sep, true
		}
		return nil, false
	case groupTuple:
		switch name {
		case "grouper":
			return o[0], true
		case "list":
			return o[1], true
		}
	case *Range:
		switch name {
		case "start":
			return o.start, true
		case "stop":
			return o.stop, true
		case "step":
			return o.step, true
		}
	}
	return method(obj, name)
}

func (m *Macro) attr(name string) (Value, bool) {
	n := m.node
	switch name {
	case "name":
		return n.name, true
	case "arguments":
		t := make(Tuple, len(n.params))
		for i, p := range n.params {
			t[i] = p
		}
		return t, true
	case "catch_kwargs":
		return n.catchKwargs, true
	case "catch_varargs":
		return n.catchVarargs, true
	case "caller":
		return n.usesCaller, true
	}
	return nil, false
}

// sliceStrict is Python's obj[start:stop:step]: errors are errors.
func sliceStrict(obj Value, s *sliceVal) (Value, error) {
	switch o := obj.(type) {
	case *Undefined:
		return nil, o.err()
	case string, Markup, []Value, Tuple, groupTuple, *Range:
	case *Dict:
		return nil, &TypeError{"unhashable type: 'slice'"}
	default:
		return nil, typeErrorf("'%s' object is not subscriptable", typeName(obj))
	}
	for _, v := range []Value{s.start, s.stop, s.step} {
		if v != nil && !isIntegral(v) {
			if u, ok := v.(*Undefined); ok {
				return nil, u.err()
			}
			return nil, &TypeError{"slice indices must be integers or None or have an __index__ method"}
		}
	}
	return sliceValue(obj, s)
}

// sliceValue is obj[start:stop:step] through the sandbox's getitem (a
// failure gives Undefined).
func sliceValue(obj Value, s *sliceVal) (Value, error) {
	var idx [3]*int64
	for i, v := range []Value{s.start, s.stop, s.step} {
		if v == nil {
			continue
		}
		n, ok := asInt(v)
		if !ok {
			if b, isBig := v.(*big.Int); isBig {
				n = int64(b.Sign()) * (1 << 62)
			} else {
				// a TypeError inside obj[…], which jinja2 turns into Undefined
				return undefinedAttr(obj, Tuple{s.start, s.stop, s.step}), nil
			}
		}
		idx[i] = &n
	}
	if idx[2] != nil && *idx[2] == 0 {
		return nil, &RuntimeError{"slice step cannot be zero"}
	}
	switch o := obj.(type) {
	case string, Markup:
		str, _ := isStr(o)
		rs := []rune(str)
		pick := sliceIndices(int64(len(rs)), idx)
		out := make([]rune, len(pick))
		for i, j := range pick {
			out[i] = rs[j]
		}
		if _, ok := o.(Markup); ok {
			return Markup(out), nil
		}
		return string(out), nil
	case *Range:
		start, stop, step, _ := sliceBounds(o.len(), idx)
		return &Range{o.start + start*o.step, o.start + stop*o.step, o.step * step}, nil
	case []Value, Tuple, groupTuple:
		seq, _ := asSeq(o)
		pick := sliceIndices(int64(len(seq)), idx)
		out := make([]Value, len(pick))
		for i, j := range pick {
			out[i] = seq[j]
		}
		if _, ok := o.([]Value); ok {
			return out, nil
		}
		return Tuple(out), nil
	}
	return undefinedAttr(obj, Tuple{s.start, s.stop, s.step}), nil
}

// sliceBounds is Python's slice.indices plus the number of items.
func sliceBounds(n int64, idx [3]*int64) (start, stop, step, count int64) {
	step = 1
	if idx[2] != nil {
		step = *idx[2]
	}
	clamp := func(p *int64, def, lo, hi int64) int64 {
		if p == nil {
			return def
		}
		v := *p
		if v < 0 {
			v += n
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	if step > 0 {
		start, stop = clamp(idx[0], 0, 0, n), clamp(idx[1], n, 0, n)
		if stop > start {
			count = (stop - start + step - 1) / step
		}
	} else {
		start, stop = clamp(idx[0], n-1, -1, n-1), clamp(idx[1], -1, -1, n-1)
		if start > stop {
			count = (start - stop - step - 1) / (-step)
		}
	}
	return
}

func sliceIndices(n int64, idx [3]*int64) []int64 {
	start, _, step, count := sliceBounds(n, idx)
	out := make([]int64, count)
	for i := range out {
		out[i] = start + int64(i)*step
	}
	return out
}

// isDunder: name is one of the special attributes every Python object
// has (the sandbox refuses them).
func isDunder(name string) bool {
	return instanceDunders[name]
}

var instanceDunders = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`class doc dict init str repr len iter eq ne hash module getattr
		getitem call bool add slots reduce reduce_ex format sizeof dir init_subclass subclasshook
		new setattr delattr getattribute lt le gt ge contains mul rmul mod rmod radd sub contains
		globals builtins code func self weakref`) {
		instanceDunders["__"+n+"__"] = true
	}
}
