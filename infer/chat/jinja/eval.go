package jinja

import (
	"fmt"
	"strings"
	"time"
)

// Default limits against hostile templates (Options can change them).
const (
	DefaultMaxOutput = 32 << 20   // bytes of output, and of any string built
	DefaultMaxSteps  = 50_000_000 // statements and expressions evaluated
	maxCallDepth     = 200        // nested macro calls and recursive loops
	maxItems         = 1 << 22    // items of a list or string repetition built at once
	maxRange         = 100_000    // range() size, as jinja2's sandbox (MAX_RANGE)
)

// recoverPanics turns a panic (a bug) into an error; the fuzz tests turn
// it off to see the stack.
var recoverPanics = true

// Template is a parsed template; it is safe for concurrent renders.
type Template struct {
	body []node
}

// Parse parses a template source. A source that does not parse (or uses
// an unknown filter or test where jinja2 would reject it at compile time)
// gives a *SyntaxError.
func Parse(src string) (t *Template, err error) {
	defer func() {
		if !recoverPanics {
			return
		}
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

// Options of a render. The zero value (or nil) gives the defaults.
type Options struct {
	// Now is the clock of strftime_now (default time.Now).
	Now func() time.Time
	// MaxOutput bounds the output and every string the template builds
	// (default DefaultMaxOutput bytes).
	MaxOutput int
	// MaxSteps bounds the number of statements and expressions evaluated
	// (default DefaultMaxSteps).
	MaxSteps int
}

// Render evaluates the template with the given variables. Values may be
// the package's own (from FromJSON, or nil, bool, int64, float64, string,
// []any, *Dict) or other Go values, which FromGo converts (maps with
// string keys become dicts with sorted keys; structs go through
// encoding/json). It returns the rendered text, or an error of one of
// the types in errors.go.
func (t *Template) Render(vars map[string]any, opt *Options) (out string, err error) {
	r := &renderer{now: time.Now, maxOutput: DefaultMaxOutput, maxSteps: DefaultMaxSteps}
	if opt != nil {
		if opt.Now != nil {
			r.now = opt.Now
		}
		if opt.MaxOutput > 0 {
			r.maxOutput = opt.MaxOutput
		}
		if opt.MaxSteps > 0 {
			r.maxSteps = opt.MaxSteps
		}
	}
	root := &scope{vars: globals(r)}
	for k, v := range vars {
		root.vars[k] = FromGo(v)
	}
	r.root = root
	defer func() {
		if !recoverPanics {
			return
		}
		if rec := recover(); rec != nil {
			out, err = "", &RuntimeError{fmt.Sprintf("internal error: %v", rec)}
		}
	}()
	var b strings.Builder
	if err := r.exec(t.body, root, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// loopControl is how {% break %} and {% continue %} unwind to their loop.
type loopControl struct{ brk bool }

func (*loopControl) Error() string { return "break or continue outside a loop" }

var (
	errBreak    = &loopControl{true}
	errContinue = &loopControl{false}
)

type scope struct {
	vars   map[string]Value
	parent *scope
}

func newScope(parent *scope) *scope { return &scope{vars: map[string]Value{}, parent: parent} }

func (s *scope) lookup(name string) (Value, bool) {
	for c := s; c != nil; c = c.parent {
		if v, ok := c.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

type renderer struct {
	root       *scope
	now        func() time.Time
	depth      int // macro calls and recursive loops
	steps      int
	maxSteps   int
	maxOutput  int
	autoescape bool
	folding    bool // evaluating a constant expression at parse time
}

func (r *renderer) step() error {
	r.steps++
	if r.steps > r.maxSteps {
		return &LimitError{"too many evaluation steps"}
	}
	return nil
}

func (r *renderer) write(b *strings.Builder, s string) error {
	if b.Len()+len(s) > r.maxOutput {
		return &LimitError{"output too large"}
	}
	b.WriteString(s)
	return nil
}

// output converts a value for printing: str(), or escaping when
// autoescape is on.
func (r *renderer) output(v Value) string {
	if r.autoescape {
		return string(escape(v))
	}
	return toStr(v)
}

func (r *renderer) exec(nodes []node, sc *scope, b *strings.Builder) error {
	for _, n := range nodes {
		if err := r.step(); err != nil {
			return err
		}
		if err := r.execNode(n, sc, b); err != nil {
			return err
		}
	}
	return nil
}

func (r *renderer) execNode(n node, sc *scope, b *strings.Builder) error {
	switch n := n.(type) {
	case *textNode:
		return r.write(b, n.s)
	case *outputNode:
		v, err := r.eval(n.e, sc)
		if err != nil {
			return err
		}
		return r.write(b, r.output(v))
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
		it, err := r.eval(n.iter, sc)
		if err != nil {
			return err
		}
		return r.loop(n, it, sc, b, 0)
	case *setNode:
		v, err := r.eval(n.value, sc)
		if err != nil {
			return err
		}
		return r.assign(n.target, v, sc)
	case *setBlockNode:
		v, err := r.capture(n.body, newScope(sc))
		if err != nil {
			return err
		}
		if n.filter != nil {
			if v, err = r.filterChain(n.filter, v, sc); err != nil {
				return err
			}
		}
		return r.assign(n.target, v, sc)
	case *macroNode:
		sc.vars[n.name] = &Macro{node: n, closure: sc}
	case *callBlockNode:
		caller := &Macro{node: n.caller, closure: sc}
		fn, err := r.eval(n.call.fn, sc)
		if err != nil {
			return err
		}
		args, kw, err := r.evalArgs(n.call.callArgs, sc)
		if err != nil {
			return err
		}
		if kw == nil {
			kw = NewDict()
		}
		kw.Set("caller", caller)
		v, err := r.call(fn, args, kw)
		if err != nil {
			return err
		}
		return r.write(b, r.output(v))
	case *filterBlockNode:
		v, err := r.capture(n.body, newScope(sc))
		if err != nil {
			return err
		}
		if v, err = r.filterChain(n.filter, v, sc); err != nil {
			return err
		}
		return r.write(b, r.output(v))
	case *withNode:
		vals := make([]Value, len(n.values))
		for i, e := range n.values {
			v, err := r.eval(e, sc)
			if err != nil {
				return err
			}
			vals[i] = v
		}
		inner := newScope(sc)
		for i, t := range n.targets {
			if err := r.assign(t, vals[i], inner); err != nil {
				return err
			}
		}
		return r.exec(n.body, inner, b)
	case *blockNode:
		return r.exec(n.body, newScope(r.root), b)
	case *autoescapeNode:
		v, err := r.eval(n.on, sc)
		if err != nil {
			return err
		}
		saved := r.autoescape
		r.autoescape = truthy(v)
		defer func() { r.autoescape = saved }()
		return r.exec(n.body, sc, b)
	case *loaderNode:
		return &TypeError{"no loader for this environment specified"}
	case *breakNode:
		return errBreak
	case *contNode:
		return errContinue
	}
	return nil
}

// capture renders nodes into a string (Markup when autoescaping).
func (r *renderer) capture(nodes []node, sc *scope) (Value, error) {
	var b strings.Builder
	if err := r.exec(nodes, sc, &b); err != nil {
		return nil, err
	}
	if r.autoescape {
		return Markup(b.String()), nil
	}
	return b.String(), nil
}

// assign stores v into a target in scope sc.
func (r *renderer) assign(t target, v Value, sc *scope) error {
	switch t := t.(type) {
	case *nameTarget:
		sc.vars[t.name] = v
	case *nsTarget:
		obj, _ := sc.lookup(t.name)
		ns, ok := obj.(*Namespace)
		if !ok {
			return &RuntimeError{"cannot assign attribute on non-namespace object"}
		}
		ns.d.Set(t.attr, v)
	case *tupleTarget:
		items, err := unpack(v, len(t.items))
		if err != nil {
			return err
		}
		for i, sub := range t.items {
			if err := r.assign(sub, items[i], sc); err != nil {
				return err
			}
		}
	}
	return nil
}

// unpack is Python's "a, b = v".
func unpack(v Value, n int) ([]Value, error) {
	items, err := iterate(v)
	if err != nil {
		return nil, typeErrorf("cannot unpack non-iterable %s object", typeName(v))
	}
	if len(items) > n {
		return nil, runtimeErrorf("too many values to unpack (expected %d)", n)
	}
	if len(items) < n {
		return nil, runtimeErrorf("not enough values to unpack (expected %d, got %d)", n, len(items))
	}
	return items, nil
}

// LoopInfo is the loop variable of a for loop.
type LoopInfo struct {
	index, length int
	items         []Value
	depth0        int
	recurse       func(Value) (Value, error)
	lastChanged   []Value
	changedSet    bool
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
		return int64(l.depth0 + 1), true
	case "depth0":
		return int64(l.depth0), true
	case "previtem":
		if i > 0 {
			return l.items[i-1], true
		}
		return &Undefined{msg: "there is no previous item"}, true
	case "nextitem":
		if i+1 < l.length {
			return l.items[i+1], true
		}
		return &Undefined{msg: "there is no next item"}, true
	case "cycle":
		return &Func{name: "cycle", self: "LoopContext", fn: func(a *args) (Value, error) {
			if len(a.pos) == 0 {
				return nil, &TypeError{"no items for cycling given"}
			}
			return a.pos[i%len(a.pos)], nil
		}}, true
	case "changed":
		return &Func{name: "changed", self: "LoopContext", fn: func(a *args) (Value, error) {
			if !l.changedSet || !seqEqual(l.lastChanged, a.pos) {
				l.changedSet, l.lastChanged = true, a.pos
				return true, nil
			}
			return false, nil
		}}, true
	}
	return nil, false
}

func (r *renderer) loop(n *forNode, it Value, sc *scope, b *strings.Builder, depth0 int) error {
	items, err := iterate(it)
	if err != nil {
		return err
	}
	if n.cond != nil {
		var kept []Value
		for _, item := range items {
			if err := r.step(); err != nil {
				return err
			}
			ts := newScope(sc)
			if err := r.assign(n.target, item, ts); err != nil {
				return err
			}
			c, err := r.eval(n.cond, ts)
			if err != nil {
				return err
			}
			if truthy(c) {
				kept = append(kept, item)
			}
		}
		items = kept
	}
	if len(items) == 0 {
		return r.exec(n.els, newScope(sc), b)
	}
	info := &LoopInfo{length: len(items), items: items, depth0: depth0}
	if n.recursive {
		info.recurse = func(v Value) (Value, error) {
			r.depth++
			defer func() { r.depth-- }()
			if r.depth > maxCallDepth {
				return nil, &LimitError{"maximum recursion depth exceeded"}
			}
			return r.captureFn(func(inner *strings.Builder) error { return r.loop(n, v, sc, inner, depth0+1) })
		}
	}
	for i, item := range items {
		if err := r.step(); err != nil {
			return err
		}
		info.index = i
		ls := newScope(sc)
		ls.vars["loop"] = info
		if err := r.assign(n.target, item, ls); err != nil {
			return err
		}
		err := r.exec(n.body, ls, b)
		if err == errBreak {
			break
		}
		if err != nil && err != errContinue {
			return err
		}
	}
	return nil
}

func (r *renderer) captureFn(fn func(*strings.Builder) error) (Value, error) {
	var b strings.Builder
	if err := fn(&b); err != nil {
		return nil, err
	}
	if r.autoescape {
		return Markup(b.String()), nil
	}
	return b.String(), nil
}

// Macro is a {% macro %} (or the caller of a {% call %} block).
type Macro struct {
	node    *macroNode
	closure *scope
}

// callMacro binds arguments as jinja2's Macro.__call__ does.
func (r *renderer) callMacro(m *Macro, pos []Value, kw *Dict) (Value, error) {
	n := m.node
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxCallDepth {
		return nil, &LimitError{"maximum recursion depth exceeded"}
	}
	rest := NewDict()
	if kw != nil {
		rest = kw.copy()
	}
	sc := newScope(m.closure)
	nparams := len(n.params)
	firstDefault := nparams - len(n.defaults)
	for i, p := range n.params {
		if i < len(pos) {
			sc.vars[p] = pos[i]
			continue
		}
		if v, ok := rest.Get(p); ok {
			sc.vars[p] = v
			rest.delete(p)
			continue
		}
		if i >= firstDefault {
			v, err := r.eval(n.defaults[i-firstDefault], sc)
			if err != nil {
				return nil, err
			}
			sc.vars[p] = v
		} else {
			sc.vars[p] = &Undefined{msg: fmt.Sprintf("parameter '%s' was not provided", p)}
		}
	}
	if n.usesCaller {
		c, ok := rest.Get("caller")
		if ok && c != nil {
			rest.delete("caller")
		} else {
			c = &Undefined{msg: "No caller defined"}
		}
		sc.vars["caller"] = c
	}
	if n.catchKwargs {
		sc.vars["kwargs"] = rest
	} else if rest.Len() > 0 {
		if _, ok := rest.Get("caller"); ok {
			return nil, typeErrorf("macro '%s' was invoked with two values for the special caller argument. This is most likely a bug.", n.name)
		}
		return nil, typeErrorf("macro '%s' takes no keyword argument '%s'", n.name, toStr(rest.keys[0]))
	}
	if n.catchVarargs {
		var extra Tuple
		if len(pos) > nparams {
			extra = append(Tuple{}, pos[nparams:]...)
		}
		if extra == nil {
			extra = Tuple{}
		}
		sc.vars["varargs"] = extra
	} else if len(pos) > nparams {
		return nil, typeErrorf("macro '%s' takes not more than %d argument(s)", n.name, nparams)
	}
	return r.captureFn(func(b *strings.Builder) error {
		err := r.exec(n.body, sc, b)
		if _, ok := err.(*loopControl); ok {
			return &RuntimeError{"break or continue outside a loop"}
		}
		return err
	})
}

func (d *Dict) delete(k Value) {
	h, ok := hashKey(k)
	if !ok {
		return
	}
	i, ok := d.idx[h]
	if !ok {
		return
	}
	d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
	d.vals = append(d.vals[:i:i], d.vals[i+1:]...)
	delete(d.idx, h)
	for j := i; j < len(d.keys); j++ {
		hk, _ := hashKey(d.keys[j])
		d.idx[hk] = j
	}
}

// Func is a built-in function or bound method.
type Func struct {
	name string
	self string // type of the bound object, "" for a plain function
	fn   func(a *args) (Value, error)
}

func (r *renderer) call(fn Value, pos []Value, kw *Dict) (Value, error) {
	if err := r.step(); err != nil {
		return nil, err
	}
	switch f := fn.(type) {
	case *Func:
		return f.fn(&args{pos: pos, kw: kw})
	case *Macro:
		return r.callMacro(f, pos, kw)
	case *Undefined:
		return nil, f.err()
	case *LoopInfo:
		if f.recurse == nil {
			return nil, &TypeError{"Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier."}
		}
		if len(pos) != 1 || kw != nil && kw.Len() > 0 {
			return nil, &TypeError{"loop() takes exactly one argument"}
		}
		return f.recurse(pos[0])
	case *joiner:
		return f.call(), nil
	}
	return nil, typeErrorf("'%s' object is not callable", typeName(fn))
}

func (r *renderer) evalArgs(c callArgs, sc *scope) ([]Value, *Dict, error) {
	var pos []Value
	for _, a := range c.args {
		v, err := r.eval(a, sc)
		if err != nil {
			return nil, nil, err
		}
		pos = append(pos, v)
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
		pos = append(pos, more...)
	}
	if c.dstar != nil {
		v, err := r.eval(c.dstar, sc)
		if err != nil {
			return nil, nil, err
		}
		d, ok := v.(*Dict)
		if !ok {
			return nil, nil, typeErrorf("argument after ** must be a mapping, not %s", typeName(v))
		}
		for i, k := range d.keys {
			if _, ok := k.(string); !ok {
				return nil, nil, &TypeError{"keywords must be strings"}
			}
			if _, dup := kw.Get(k); dup {
				return nil, nil, typeErrorf("got multiple values for keyword argument '%s'", toStr(k))
			}
			kw.Set(k, d.vals[i])
		}
	}
	return pos, kw, nil
}
