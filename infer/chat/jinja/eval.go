package jinja

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Errors a render can return (use errors.As).
type (
	// TemplateError is raised by the template itself (raise_exception).
	TemplateError struct{ Msg string }
	// UndefinedError: an undefined value was used where a value is needed.
	UndefinedError struct{ Msg string }
	// TypeError: an operation on values of the wrong type.
	TypeError struct{ Msg string }
	// SecurityError: the sandbox refused an attribute or method.
	SecurityError struct{ Msg string }
	// RuntimeError: anything else (unknown filter, limits …).
	RuntimeError struct{ Msg string }
)

func (e *TemplateError) Error() string  { return e.Msg }
func (e *UndefinedError) Error() string { return e.Msg }
func (e *TypeError) Error() string      { return e.Msg }
func (e *SecurityError) Error() string  { return e.Msg }
func (e *RuntimeError) Error() string   { return e.Msg }

// Limits against hostile templates.
const (
	maxDepth  = 200
	maxOutput = 64 << 20
	maxItems  = 1 << 22
)

// Template is a parsed template.
type Template struct {
	body []node
}

// Parse parses a template source.
func Parse(src string) (t *Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, &SyntaxError{0, fmt.Sprintf("internal parser error: %v", r)}
		}
	}()
	body, err := parse(src)
	if err != nil {
		return nil, err
	}
	return &Template{body: body}, nil
}

// Options of a render.
type Options struct {
	// Now is the clock of strftime_now (default time.Now).
	Now func() time.Time
}

// Render evaluates the template with the given variables (Go values:
// nil, bool, int/int64/float64, string, []any, map[string]any, *Dict, or
// values from FromJSON).
func (t *Template) Render(vars map[string]any, opt *Options) (out string, err error) {
	r := &renderer{}
	if opt != nil && opt.Now != nil {
		r.now = opt.Now
	} else {
		r.now = time.Now
	}
	root := &scope{vars: map[string]Value{}}
	for k, v := range globals(r) {
		root.vars[k] = v
	}
	for k, v := range vars {
		root.vars[k] = FromGo(v)
	}
	r.root = root
	defer func() {
		if rec := recover(); rec != nil {
			out, err = "", &RuntimeError{fmt.Sprintf("internal error: %v", rec)}
		}
	}()
	var b strings.Builder
	if err := r.exec(t.body, root, &b); err != nil {
		if errors.Is(err, errBreak) || errors.Is(err, errContinue) {
			return "", &RuntimeError{"break/continue outside a loop"}
		}
		return "", err
	}
	return b.String(), nil
}

var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
)

type scope struct {
	vars   map[string]Value
	parent *scope
}

func (s *scope) lookup(name string) (Value, bool) {
	for c := s; c != nil; c = c.parent {
		if v, ok := c.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

type renderer struct {
	root  *scope
	now   func() time.Time
	depth int
	out   int
}

func (r *renderer) exec(nodes []node, sc *scope, b *strings.Builder) error {
	for _, n := range nodes {
		if err := r.execNode(n, sc, b); err != nil {
			return err
		}
		if b.Len() > maxOutput {
			return &RuntimeError{"template output too large"}
		}
	}
	return nil
}

func (r *renderer) execNode(n node, sc *scope, b *strings.Builder) error {
	switch n := n.(type) {
	case *textNode:
		b.WriteString(n.s)
	case *outputNode:
		v, err := r.eval(n.e, sc)
		if err != nil {
			return err
		}
		if g, ok := v.(*Gen); ok {
			_ = g
		}
		b.WriteString(toStr(v))
	case *ifNode:
		for i, c := range n.conds {
			v, err := r.eval(c, sc)
			if err != nil {
				return err
			}
			if truthy(v) {
				return r.exec(n.bodies[i], sc, b)
			}
		}
		return r.exec(n.els, sc, b)
	case *forNode:
		return r.execFor(n, sc, b)
	case *setNode:
		return r.execSet(n, sc)
	case *macroNode:
		sc.vars[n.name] = &Macro{node: n, r: r, name: n.name}
	case *callBlockNode:
		caller := &Macro{node: &macroNode{name: "caller", params: n.params, defaults: n.defs, body: n.body}, r: r, name: "caller", closure: sc}
		fn, err := r.eval(n.call.fn, sc)
		if err != nil {
			return err
		}
		args, kw, err := r.evalArgs(n.call, sc)
		if err != nil {
			return err
		}
		m, ok := fn.(*Macro)
		if !ok {
			return &TypeError{"{% call %} needs a macro"}
		}
		v, err := m.callWith(args, kw, caller)
		if err != nil {
			return err
		}
		b.WriteString(toStr(v))
	case *filterBlockNode:
		var inner strings.Builder
		if err := r.exec(n.body, sc, &inner); err != nil {
			return err
		}
		var v Value = inner.String()
		for _, f := range n.filters {
			var err error
			if v, err = r.applyFilter(f, v, sc); err != nil {
				return err
			}
		}
		b.WriteString(toStr(v))
	case *breakNode:
		return errBreak
	case *continueNode:
		return errContinue
	}
	return nil
}

func (r *renderer) execSet(n *setNode, sc *scope) error {
	var v Value
	if n.body != nil {
		var inner strings.Builder
		if err := r.exec(n.body, sc, &inner); err != nil {
			return err
		}
		v = inner.String()
	} else {
		var err error
		if v, err = r.eval(n.value, sc); err != nil {
			return err
		}
	}
	if n.attrOf != "" {
		obj, _ := sc.lookup(n.attrOf)
		ns, ok := obj.(*Namespace)
		if !ok {
			return &TypeError{"cannot assign attribute on non-namespace object"}
		}
		ns.d.Set(n.attr, v)
		return nil
	}
	if len(n.targets) == 1 {
		sc.vars[n.targets[0]] = v
		return nil
	}
	items, err := iterate(v)
	if err != nil {
		return err
	}
	if len(items) != len(n.targets) {
		return &RuntimeError{fmt.Sprintf("cannot unpack %d values into %d names", len(items), len(n.targets))}
	}
	for i, t := range n.targets {
		sc.vars[t] = items[i]
	}
	return nil
}

// LoopInfo is the loop variable.
type LoopInfo struct {
	index, length int
	items         []Value
	depth         int
	recurse       func(Value) (Value, error)
}

func (l *LoopInfo) attr(name string) (Value, bool) {
	i := l.index
	switch name {
	case "index":
		return int64(i + 1), true
	case "index0":
		return int64(i), true
	case "revindex":
		return int64(l.length - i), true
	case "revindex0":
		return int64(l.length - i - 1), true
	case "first":
		return i == 0, true
	case "last":
		return i == l.length-1, true
	case "length":
		return int64(l.length), true
	case "depth":
		return int64(l.depth), true
	case "depth0":
		return int64(l.depth - 1), true
	case "previtem":
		if i > 0 {
			return l.items[i-1], true
		}
		return &Undefined{"there is no previous item"}, true
	case "nextitem":
		if i+1 < l.length {
			return l.items[i+1], true
		}
		return &Undefined{"there is no next item"}, true
	case "cycle":
		return &Func{name: "cycle", fn: func(args []Value, _ *Dict) (Value, error) {
			if len(args) == 0 {
				return nil, &TypeError{"no items for cycling given"}
			}
			return args[i%len(args)], nil
		}}, true
	case "changed":
		return &Func{name: "changed", fn: func(args []Value, _ *Dict) (Value, error) { return true, nil }}, true
	}
	return nil, false
}

func (r *renderer) execFor(n *forNode, sc *scope, b *strings.Builder) error {
	it, err := r.eval(n.iter, sc)
	if err != nil {
		return err
	}
	return r.loop(n, it, sc, b, 1)
}

func (r *renderer) loop(n *forNode, it Value, sc *scope, b *strings.Builder, depth int) error {
	items, err := iterate(it)
	if err != nil {
		return err
	}
	ls := &scope{vars: map[string]Value{}, parent: sc}
	if n.cond != nil {
		var kept []Value
		for _, item := range items {
			if err := bindTargets(ls, n.targets, item); err != nil {
				return err
			}
			c, err := r.eval(n.cond, ls)
			if err != nil {
				return err
			}
			if truthy(c) {
				kept = append(kept, item)
			}
		}
		items = kept
		ls = &scope{vars: map[string]Value{}, parent: sc}
	}
	if len(items) == 0 {
		return r.exec(n.els, sc, b)
	}
	info := &LoopInfo{length: len(items), items: items, depth: depth}
	if n.recursive {
		info.recurse = func(v Value) (Value, error) {
			var inner strings.Builder
			r.depth++
			defer func() { r.depth-- }()
			if r.depth > maxDepth {
				return nil, &RuntimeError{"recursion too deep"}
			}
			if err := r.loop(n, v, sc, &inner, depth+1); err != nil {
				return nil, err
			}
			return inner.String(), nil
		}
	}
	ls.vars["loop"] = info
	for i, item := range items {
		info.index = i
		if err := bindTargets(ls, n.targets, item); err != nil {
			return err
		}
		err := r.exec(n.body, ls, b)
		if errors.Is(err, errBreak) {
			break
		}
		if err != nil && !errors.Is(err, errContinue) {
			return err
		}
	}
	return nil
}

func bindTargets(sc *scope, targets []string, item Value) error {
	if len(targets) == 1 {
		sc.vars[targets[0]] = item
		return nil
	}
	parts, err := iterate(item)
	if err != nil {
		return err
	}
	if len(parts) != len(targets) {
		return &RuntimeError{fmt.Sprintf("cannot unpack %d values into %d names", len(parts), len(targets))}
	}
	for i, t := range targets {
		sc.vars[t] = parts[i]
	}
	return nil
}

// Macro is a {% macro %} (or a {% call %} body as caller()).
type Macro struct {
	node    *macroNode
	r       *renderer
	name    string
	closure *scope
}

func (m *Macro) callWith(args []Value, kw *Dict, caller *Macro) (Value, error) {
	r := m.r
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxDepth {
		return nil, &RuntimeError{"maximum recursion depth exceeded"}
	}
	parent := r.root
	if m.closure != nil {
		parent = m.closure
	}
	sc := &scope{vars: map[string]Value{}, parent: parent}
	n := m.node
	var varargs []Value
	for i, p := range n.params {
		switch {
		case i < len(args):
			sc.vars[p] = args[i]
		default:
			if kw != nil {
				if v, ok := kw.Get(p); ok {
					sc.vars[p] = v
					continue
				}
			}
			if n.defaults[i] != nil {
				v, err := r.eval(n.defaults[i], sc)
				if err != nil {
					return nil, err
				}
				sc.vars[p] = v
			} else {
				sc.vars[p] = &Undefined{fmt.Sprintf("parameter '%s' was not provided", p)}
			}
		}
	}
	if len(args) > len(n.params) {
		varargs = args[len(n.params):]
	}
	sc.vars["varargs"] = append([]Value{}, varargs...)
	extra := NewDict()
	if kw != nil {
		for i, k := range kw.keys {
			ks, _ := k.(string)
			found := false
			for _, p := range n.params {
				if p == ks {
					found = true
				}
			}
			if !found {
				extra.Set(k, kw.vals[i])
			}
		}
	}
	sc.vars["kwargs"] = extra
	if caller != nil {
		sc.vars["caller"] = caller
	}
	var b strings.Builder
	if err := r.exec(n.body, sc, &b); err != nil {
		return nil, err
	}
	return b.String(), nil
}

// Func is a built-in callable.
type Func struct {
	name string
	fn   func(args []Value, kw *Dict) (Value, error)
}

func (r *renderer) evalArgs(c *callExpr, sc *scope) ([]Value, *Dict, error) {
	var args []Value
	for _, a := range c.args {
		v, err := r.eval(a, sc)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, v)
	}
	if c.star != nil {
		v, err := r.eval(c.star, sc)
		if err != nil {
			return nil, nil, err
		}
		more, err := iterate(v)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, more...)
	}
	var kw *Dict
	if len(c.kwargs) > 0 || c.dstar != nil {
		kw = NewDict()
		for _, k := range c.kwargs {
			v, err := r.eval(k.val, sc)
			if err != nil {
				return nil, nil, err
			}
			kw.Set(k.name, v)
		}
		if c.dstar != nil {
			v, err := r.eval(c.dstar, sc)
			if err != nil {
				return nil, nil, err
			}
			d, ok := v.(*Dict)
			if !ok {
				return nil, nil, &TypeError{"argument after ** must be a mapping"}
			}
			for i, k := range d.keys {
				kw.Set(k, d.vals[i])
			}
		}
	}
	return args, kw, nil
}

func (r *renderer) call(fn Value, args []Value, kw *Dict) (Value, error) {
	switch f := fn.(type) {
	case *Func:
		return f.fn(args, kw)
	case *Macro:
		var caller *Macro
		if kw != nil {
			if c, ok := kw.Get("caller"); ok {
				caller, _ = c.(*Macro)
			}
		}
		return f.callWith(args, kw, caller)
	case *Undefined:
		return nil, f.err()
	case *unsafeMethod:
		return nil, &SecurityError{fmt.Sprintf("access to attribute '%s' of '%s' object is unsafe.", f.name, f.typ)}
	}
	return nil, &TypeError{fmt.Sprintf("'%s' object is not callable", typeName(fn))}
}

func (r *renderer) eval(e expr, sc *scope) (Value, error) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxDepth {
		return nil, &RuntimeError{"expression too deeply nested"}
	}
	switch e := e.(type) {
	case *constExpr:
		return e.v, nil
	case *nameExpr:
		if v, ok := sc.lookup(e.name); ok {
			return v, nil
		}
		return &Undefined{fmt.Sprintf("'%s' is undefined", e.name)}, nil
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
			if _, ok := hashKey(k); !ok {
				return nil, &TypeError{fmt.Sprintf("unhashable type: '%s'", typeName(k))}
			}
			v, err := r.eval(e.vals[i], sc)
			if err != nil {
				return nil, err
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
		return getItem(obj, k)
	case *sliceExpr:
		return r.evalSlice(e, sc)
	case *callExpr:
		fn, err := r.eval(e.fn, sc)
		if err != nil {
			return nil, err
		}
		args, kw, err := r.evalArgs(e, sc)
		if err != nil {
			return nil, err
		}
		if li, ok := e.fn.(*nameExpr); ok && li.name == "loop" {
			if l, ok := fn.(*LoopInfo); ok && l.recurse != nil && len(args) == 1 {
				return l.recurse(args[0])
			}
		}
		return r.call(fn, args, kw)
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
		ok, err := r.applyTest(e, v, sc)
		if err != nil {
			return nil, err
		}
		return ok != e.negate, nil
	case *unaryExpr:
		v, err := r.eval(e.e, sc)
		if err != nil {
			return nil, err
		}
		switch e.op {
		case "not":
			return !truthy(v), nil
		case "-":
			switch x := v.(type) {
			case int64:
				return -x, nil
			case float64:
				return -x, nil
			case bool:
				if x {
					return int64(-1), nil
				}
				return int64(0), nil
			case *Undefined:
				return nil, x.err()
			}
			return nil, &TypeError{fmt.Sprintf("bad operand type for unary -: '%s'", typeName(v))}
		case "+":
			if _, ok := number(v); !ok {
				if u, ok := v.(*Undefined); ok {
					return nil, u.err()
				}
				return nil, &TypeError{fmt.Sprintf("bad operand type for unary +: '%s'", typeName(v))}
			}
			return v, nil
		}
	case *binExpr:
		return r.evalBin(e, sc)
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
		c, err := r.eval(e.cond, sc)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return r.eval(e.a, sc)
		}
		if e.b == nil {
			return &Undefined{"the inline if-expression evaluated to false and no else section was defined."}, nil
		}
		return r.eval(e.b, sc)
	}
	return nil, &RuntimeError{fmt.Sprintf("cannot evaluate %T", e)}
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
	if u, ok := a.(*Undefined); ok {
		return false, u.err()
	}
	if u, ok := b.(*Undefined); ok {
		return false, u.err()
	}
	c, err := compare(a, b)
	if err != nil {
		return false, &TypeError{fmt.Sprintf("'%s' not supported between instances of '%s' and '%s'", op, typeName(a), typeName(b))}
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
			if u, ok := item.(*Undefined); ok {
				return false, u.err()
			}
			return false, &TypeError{fmt.Sprintf("'in <string>' requires string as left operand, not %s", typeName(item))}
		}
		return strings.Contains(cs, s), nil
	case *Dict:
		_, ok := c.Get(item)
		return ok, nil
	case *Undefined:
		return false, nil
	case nil:
		return false, &TypeError{"argument of type 'NoneType' is not iterable"}
	}
	items, err := iterate(container)
	if err != nil {
		return false, err
	}
	for _, x := range items {
		if equal(x, item) {
			return true, nil
		}
	}
	return false, nil
}

func (r *renderer) evalBin(e *binExpr, sc *scope) (Value, error) {
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
	if e.op == "~" {
		s := toStr(l) + toStr(rv)
		return s, nil
	}
	return arith(e.op, l, rv)
}

func arith(op string, l, r Value) (Value, error) {
	if u, ok := l.(*Undefined); ok {
		return nil, u.err()
	}
	if u, ok := r.(*Undefined); ok {
		return nil, u.err()
	}
	li, lInt := asInt(l)
	ri, rInt := asInt(r)
	lf, lNum := number(l)
	rf, rNum := number(r)
	if lNum && rNum {
		switch op {
		case "+":
			if lInt && rInt {
				return li + ri, nil
			}
			return lf + rf, nil
		case "-":
			if lInt && rInt {
				return li - ri, nil
			}
			return lf - rf, nil
		case "*":
			if lInt && rInt {
				return li * ri, nil
			}
			return lf * rf, nil
		case "/":
			if rf == 0 {
				return nil, &RuntimeError{"division by zero"}
			}
			return lf / rf, nil
		case "//":
			if rf == 0 {
				return nil, &RuntimeError{"integer division or modulo by zero"}
			}
			if lInt && rInt {
				q := li / ri
				if (li%ri != 0) && ((li < 0) != (ri < 0)) {
					q--
				}
				return q, nil
			}
			return math.Floor(lf / rf), nil
		case "%":
			if rf == 0 {
				return nil, &RuntimeError{"integer division or modulo by zero"}
			}
			if lInt && rInt {
				m := li % ri
				if m != 0 && (m < 0) != (ri < 0) {
					m += ri
				}
				return m, nil
			}
			m := math.Mod(lf, rf)
			if m != 0 && (m < 0) != (rf < 0) {
				m += rf
			}
			return m, nil
		case "**":
			if lInt && rInt && ri >= 0 {
				res := int64(1)
				for i := int64(0); i < ri && i < 64; i++ {
					res *= li
				}
				return res, nil
			}
			return math.Pow(lf, rf), nil
		}
	}
	ls, lStr := isStr(l)
	rs, rStr := isStr(r)
	switch op {
	case "+":
		if lStr && rStr {
			lm, lMark := l.(Markup)
			rm, rMark := r.(Markup)
			switch {
			case lMark && !rMark:
				return Markup(string(lm) + escapeHTML(rs)), nil
			case rMark && !lMark:
				return Markup(escapeHTML(ls) + string(rm)), nil
			case lMark && rMark:
				return Markup(string(lm) + string(rm)), nil
			}
			return ls + rs, nil
		}
		la, lok := l.([]Value)
		ra, rok := r.([]Value)
		if lok && rok {
			out := make([]Value, 0, len(la)+len(ra))
			return append(append(out, la...), ra...), nil
		}
		lt, lok := l.(Tuple)
		rt, rok := r.(Tuple)
		if lok && rok {
			out := make(Tuple, 0, len(lt)+len(rt))
			return append(append(out, lt...), rt...), nil
		}
		if lStr {
			return nil, &TypeError{fmt.Sprintf("can only concatenate str (not \"%s\") to str", typeName(r))}
		}
	case "*":
		if lStr && rInt {
			if ri < 0 {
				ri = 0
			}
			if int64(len(ls))*ri > maxOutput {
				return nil, &RuntimeError{"string too large"}
			}
			return strings.Repeat(ls, int(ri)), nil
		}
		if rStr && lInt {
			return arith(op, r, l)
		}
		if la, ok := l.([]Value); ok && rInt {
			if int64(len(la))*ri > maxItems {
				return nil, &RuntimeError{"list too large"}
			}
			var out []Value
			for i := int64(0); i < ri; i++ {
				out = append(out, la...)
			}
			return out, nil
		}
	case "%":
		if lStr {
			return percentFormat(ls, r)
		}
	}
	return nil, &TypeError{fmt.Sprintf("unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(l), typeName(r))}
}

func (r *renderer) evalSlice(e *sliceExpr, sc *scope) (Value, error) {
	obj, err := r.eval(e.obj, sc)
	if err != nil {
		return nil, err
	}
	if u, ok := obj.(*Undefined); ok {
		return nil, u.err()
	}
	var idx [3]*int64
	for i, x := range []expr{e.start, e.stop, e.stp} {
		if x == nil {
			continue
		}
		v, err := r.eval(x, sc)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		n, ok := asInt(v)
		if !ok {
			return nil, &TypeError{"slice indices must be integers or None"}
		}
		idx[i] = &n
	}
	var seq []Value
	str, isS := isStr(obj)
	if isS {
		seq = chars(str)
	} else {
		s, ok := asSeq(obj)
		if !ok {
			return nil, &TypeError{fmt.Sprintf("'%s' object is not subscriptable", typeName(obj))}
		}
		seq = s
	}
	out := pySlice(seq, idx)
	if isS {
		var b strings.Builder
		for _, c := range out {
			b.WriteString(c.(string))
		}
		return b.String(), nil
	}
	if _, ok := obj.(Tuple); ok {
		return Tuple(out), nil
	}
	return out, nil
}

func pySlice(seq []Value, idx [3]*int64) []Value {
	n := int64(len(seq))
	step := int64(1)
	if idx[2] != nil && *idx[2] != 0 {
		step = *idx[2]
	}
	norm := func(p *int64, def int64, lo, hi int64) int64 {
		if p == nil {
			return def
		}
		v := *p
		if v < 0 {
			v += n
		}
		return max(lo, min(hi, v))
	}
	var out []Value
	if step > 0 {
		start, stop := norm(idx[0], 0, 0, n), norm(idx[1], n, 0, n)
		for i := start; i < stop; i += step {
			out = append(out, seq[i])
		}
	} else {
		start, stop := norm(idx[0], n-1, -1, n-1), norm(idx[1], -1, -1, n-1)
		if idx[1] != nil && *idx[1] < 0 && *idx[1]+n < 0 {
			stop = -1
		}
		for i := start; i > stop; i += step {
			out = append(out, seq[i])
		}
	}
	if out == nil {
		out = []Value{}
	}
	return out
}

// getAttr is Jinja's getattr: an attribute (method) first, then an item.
func getAttr(obj Value, name string) (Value, error) {
	switch o := obj.(type) {
	case *Undefined:
		return nil, o.err()
	case *LoopInfo:
		if v, ok := o.attr(name); ok {
			return v, nil
		}
	case *Namespace:
		if v, ok := o.d.Get(name); ok {
			return v, nil
		}
		return &Undefined{fmt.Sprintf("'Namespace' object has no attribute '%s'", name)}, nil
	}
	if strings.HasPrefix(name, "_") {
		return &unsafeMethod{name, typeName(obj)}, nil
	}
	if m, ok := method(obj, name); ok {
		return m, nil
	}
	if d, ok := obj.(*Dict); ok {
		if v, ok := d.Get(name); ok {
			return v, nil
		}
		return &Undefined{fmt.Sprintf("'dict object' has no attribute '%s'", name)}, nil
	}
	if obj == nil {
		return &Undefined{fmt.Sprintf("'None' has no attribute '%s'", name)}, nil
	}
	return &Undefined{fmt.Sprintf("'%s object' has no attribute '%s'", typeName(obj), name)}, nil
}

// getItem is Jinja's getitem: an item first, then an attribute.
func getItem(obj, key Value) (Value, error) {
	switch o := obj.(type) {
	case *Undefined:
		return nil, o.err()
	case *Dict:
		if v, ok := o.Get(key); ok {
			return v, nil
		}
	case []Value, Tuple, string, Markup:
		seq, _ := asSeq(o)
		if s, ok := isStr(o); ok {
			seq = chars(s)
		}
		if i, ok := asInt(key); ok {
			if i < 0 {
				i += int64(len(seq))
			}
			if i >= 0 && i < int64(len(seq)) {
				return seq[i], nil
			}
			return &Undefined{fmt.Sprintf("%s object has no element %d", typeName(obj), i)}, nil
		}
	case nil:
		return &Undefined{fmt.Sprintf("'None' has no attribute '%s'", toStr(key))}, nil
	}
	if s, ok := key.(string); ok {
		if v, err := getAttr(obj, s); err == nil {
			if _, undef := v.(*Undefined); !undef {
				return v, nil
			}
		}
		if _, ok := obj.(*Dict); ok {
			return &Undefined{fmt.Sprintf("'dict object' has no attribute '%s'", s)}, nil
		}
	}
	return &Undefined{fmt.Sprintf("'%s object' has no attribute '%s'", typeName(obj), toStr(key))}, nil
}

// unsafeMethod is what the sandbox gives for a refused attribute; calling
// it raises SecurityError.
type unsafeMethod struct{ name, typ string }
