package jinja

import "time"

// Constant folding, as jinja2's optimizer and code generator do it at
// compile time. It matters for one observable reason: a constant
// expression is evaluated through the sandbox's lenient getitem, so a
// constant slice of something that cannot be sliced (2[:1]) gives
// Undefined, where the same slice of a variable raises a TypeError.
//
//   - An expression made only of constants, literals, operators,
//     attribute/item access and filters or tests that do not need the
//     render context is evaluated once; if that succeeds and the value is
//     a plain literal (None, bool, number, str, range, and lists, tuples
//     and dicts of those) it replaces the expression.
//   - A {{ … }} whose expression is constant is evaluated and printed
//     once, whatever its value.
//
// A failure leaves the expression to be evaluated (and fail) when
// rendering.

// contextFilters need the render context; jinja2 never folds them.
var contextFilters = map[string]bool{"map": true, "select": true, "reject": true, "selectattr": true, "rejectattr": true, "random": true}

func fold(body []node) []node {
	f := &folder{r: &renderer{folding: true, now: time.Now, maxOutput: DefaultMaxOutput, root: &scope{vars: map[string]Value{}}}}
	return f.nodes(body, false)
}

type folder struct{ r *renderer }

// eval evaluates a constant expression; ok is false if it fails.
func (f *folder) eval(e expr) (v Value, ok bool) {
	f.r.steps, f.r.maxSteps, f.r.depth = 0, 100_000, 0
	v, err := f.r.eval(e, f.r.root)
	return v, err == nil
}

func (f *folder) nodes(ns []node, autoescape bool) []node {
	for i, n := range ns {
		ns[i] = f.node(n, autoescape)
	}
	return ns
}

func (f *folder) node(n node, ae bool) node {
	switch n := n.(type) {
	case *outputNode:
		if !ae && constant(n.e) {
			if v, ok := f.eval(n.e); ok {
				return &textNode{toStr(v)}
			}
		}
		n.e = f.expr(n.e)
	case *ifNode:
		for i := range n.conds {
			n.conds[i] = f.expr(n.conds[i])
			f.nodes(n.bodies[i], ae)
		}
		f.nodes(n.els, ae)
	case *forNode:
		n.iter = f.expr(n.iter)
		n.cond = f.expr(n.cond)
		f.nodes(n.body, ae)
		f.nodes(n.els, ae)
	case *setNode:
		n.value = f.expr(n.value)
	case *setBlockNode:
		f.filterChain(n.filter)
		f.nodes(n.body, ae)
	case *macroNode:
		f.exprs(n.defaults)
		f.nodes(n.body, ae)
	case *callBlockNode:
		f.args(&n.call.callArgs)
		f.exprs(n.caller.defaults)
		f.nodes(n.caller.body, ae)
	case *filterBlockNode:
		f.filterChain(n.filter)
		f.nodes(n.body, ae)
	case *withNode:
		f.exprs(n.values)
		f.nodes(n.body, ae)
	case *blockNode:
		f.nodes(n.body, ae)
	case *autoescapeNode:
		n.on = f.expr(n.on)
		f.nodes(n.body, true)
	}
	return n
}

func (f *folder) filterChain(fe *filterExpr) {
	for fe != nil {
		f.args(&fe.callArgs)
		next, _ := fe.operand.(*filterExpr)
		fe = next
	}
}

func (f *folder) exprs(es []expr) {
	for i := range es {
		es[i] = f.expr(es[i])
	}
}

func (f *folder) args(a *callArgs) {
	f.exprs(a.args)
	for i := range a.kwargs {
		a.kwargs[i].val = f.expr(a.kwargs[i].val)
	}
	a.star = f.expr(a.star)
	a.dstar = f.expr(a.dstar)
}

// expr folds e or, failing that, its parts.
func (f *folder) expr(e expr) expr {
	if e == nil {
		return nil
	}
	if _, ok := e.(*constExpr); ok {
		return e
	}
	if constant(e) {
		if v, ok := f.eval(e); ok && safeRepr(v, 0) {
			return &constExpr{v}
		}
	}
	switch x := e.(type) {
	case *listExpr:
		f.exprs(x.items)
	case *tupleExpr:
		f.exprs(x.items)
	case *dictExpr:
		f.exprs(x.keys)
		f.exprs(x.vals)
	case *attrExpr:
		x.obj = f.expr(x.obj)
	case *itemExpr:
		x.obj = f.expr(x.obj)
		x.key = f.expr(x.key)
	case *sliceExpr:
		x.start, x.stop, x.step = f.expr(x.start), f.expr(x.stop), f.expr(x.step)
	case *callExpr:
		x.fn = f.expr(x.fn)
		f.args(&x.callArgs)
	case *filterExpr:
		x.operand = f.expr(x.operand)
		f.args(&x.callArgs)
	case *testExpr:
		x.operand = f.expr(x.operand)
		f.args(&x.callArgs)
	case *binExpr:
		x.l, x.r = f.expr(x.l), f.expr(x.r)
	case *concatExpr:
		f.exprs(x.items)
	case *unaryExpr:
		x.e = f.expr(x.e)
	case *compareExpr:
		x.first = f.expr(x.first)
		f.exprs(x.rest)
	case *condExpr:
		x.test, x.a, x.b = f.expr(x.test), f.expr(x.a), f.expr(x.b)
	}
	return e
}

// constant: e can be evaluated without the render context.
func constant(e expr) bool {
	switch x := e.(type) {
	case nil:
		return true
	case *constExpr:
		return true
	case *listExpr:
		return allConstant(x.items)
	case *tupleExpr:
		return allConstant(x.items)
	case *dictExpr:
		return allConstant(x.keys) && allConstant(x.vals)
	case *attrExpr:
		return constant(x.obj)
	case *itemExpr:
		return constant(x.obj) && constant(x.key)
	case *sliceExpr:
		return constant(x.start) && constant(x.stop) && constant(x.step)
	case *filterExpr:
		_, known := filters[x.name]
		return x.operand != nil && known && !contextFilters[x.name] && constant(x.operand) && constantArgs(x.callArgs)
	case *testExpr:
		_, known := tests[x.name]
		return known && constant(x.operand) && constantArgs(x.callArgs)
	case *binExpr:
		return constant(x.l) && constant(x.r)
	case *concatExpr:
		return allConstant(x.items)
	case *unaryExpr:
		return constant(x.e)
	case *compareExpr:
		return constant(x.first) && allConstant(x.rest)
	case *condExpr: // only the branch taken needs to be constant
		return constant(x.test) && (constant(x.a) || constant(x.b))
	}
	return false // names, calls
}

func allConstant(es []expr) bool {
	for _, e := range es {
		if !constant(e) {
			return false
		}
	}
	return true
}

func constantArgs(a callArgs) bool {
	for _, k := range a.kwargs {
		if !constant(k.val) {
			return false
		}
	}
	return allConstant(a.args) && constant(a.star) && constant(a.dstar)
}

// safeRepr is jinja2's has_safe_repr: values a constant may hold.
func safeRepr(v Value, depth int) bool {
	if depth > maxValueDepth {
		return false
	}
	switch x := v.(type) {
	case nil, bool, int64, float64, string, Markup, *Range:
		return true
	case []Value:
		for _, it := range x {
			if !safeRepr(it, depth+1) {
				return false
			}
		}
		return true
	case Tuple:
		for _, it := range x {
			if !safeRepr(it, depth+1) {
				return false
			}
		}
		return true
	case *Dict:
		for i, k := range x.keys {
			if !safeRepr(k, depth+1) || !safeRepr(x.vals[i], depth+1) {
				return false
			}
		}
		return true
	}
	return isNumber(v)
}
