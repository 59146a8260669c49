package jinja

import "fmt"

// check does what jinja2's compiler decides at compile time:
//
//   - an unknown filter or test is a syntax error, unless it sits in an
//     {% if %} (its test or bodies) or in a conditional expression, where
//     it only fails if it runs;
//   - {% break %} and {% continue %} must be inside a for loop of the same
//     macro;
//   - the loop variable of a for loop cannot be assigned to;
//   - a macro accepts extra positional arguments (varargs), extra keyword
//     arguments (kwargs) or a caller only when its body refers to them.
func check(body []node) error {
	c := &checker{}
	return c.nodes(body, frame{})
}

type frame struct {
	soft   bool // inside an if or a conditional expression
	inLoop bool
}

type checker struct{}

func (c *checker) nodes(ns []node, f frame) error {
	for _, n := range ns {
		if err := c.node(n, f); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) node(n node, f frame) error {
	inner := frame{inLoop: f.inLoop}
	switch n := n.(type) {
	case *outputNode:
		return c.expr(n.e, f)
	case *ifNode:
		sf := frame{soft: true, inLoop: f.inLoop}
		for i, cond := range n.conds {
			if err := c.expr(cond, sf); err != nil {
				return err
			}
			if err := c.nodes(n.bodies[i], sf); err != nil {
				return err
			}
		}
		return c.nodes(n.els, sf)
	case *forNode:
		if err := c.expr(n.iter, f); err != nil {
			return err
		}
		if assignsLoop(n) {
			return &SyntaxError{0, "Can't assign to special loop variable in for-loop target"}
		}
		if n.cond != nil {
			if err := c.expr(n.cond, inner); err != nil {
				return err
			}
		}
		if err := c.nodes(n.body, frame{inLoop: true}); err != nil {
			return err
		}
		return c.nodes(n.els, inner)
	case *setNode:
		return c.expr(n.value, f)
	case *setBlockNode:
		if n.filter != nil {
			if err := c.expr(n.filter, inner); err != nil {
				return err
			}
		}
		return c.nodes(n.body, inner)
	case *macroNode:
		return c.macro(n)
	case *callBlockNode:
		if err := c.expr(n.call, f); err != nil {
			return err
		}
		return c.macro(n.caller)
	case *filterBlockNode:
		if err := c.expr(n.filter, inner); err != nil {
			return err
		}
		return c.nodes(n.body, inner)
	case *withNode:
		for _, v := range n.values {
			if err := c.expr(v, f); err != nil {
				return err
			}
		}
		return c.nodes(n.body, inner)
	case *blockNode:
		return c.nodes(n.body, frame{})
	case *autoescapeNode:
		if err := c.expr(n.on, f); err != nil {
			return err
		}
		return c.nodes(n.body, f)
	case *breakNode:
		if !f.inLoop {
			return &SyntaxError{n.line, "'break' outside loop"}
		}
	case *contNode:
		if !f.inLoop {
			return &SyntaxError{n.line, "'continue' not properly in loop"}
		}
	}
	return nil
}

func (c *checker) macro(m *macroNode) error {
	for _, d := range m.defaults {
		if err := c.expr(d, frame{}); err != nil {
			return err
		}
	}
	explicitCaller := -1
	for i, p := range m.params {
		if p == "caller" {
			explicitCaller = i
		}
	}
	refs := undeclared(m.body, map[string]bool{"caller": true, "kwargs": true, "varargs": true})
	if refs["caller"] {
		if explicitCaller >= 0 && explicitCaller < len(m.params)-len(m.defaults) {
			return &SyntaxError{m.line, `When defining macros or call blocks the special "caller" argument must be omitted or be given a default.`}
		}
		m.usesCaller = explicitCaller < 0
	}
	m.catchKwargs = refs["kwargs"] && !hasString(m.params, "kwargs")
	m.catchVarargs = refs["varargs"] && !hasString(m.params, "varargs")
	return c.nodes(m.body, frame{})
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *checker) expr(e expr, f frame) error {
	switch e := e.(type) {
	case nil, *constExpr, *nameExpr:
	case *listExpr:
		return c.exprs(e.items, f)
	case *tupleExpr:
		return c.exprs(e.items, f)
	case *dictExpr:
		if err := c.exprs(e.keys, f); err != nil {
			return err
		}
		return c.exprs(e.vals, f)
	case *attrExpr:
		return c.expr(e.obj, f)
	case *itemExpr:
		if err := c.expr(e.obj, f); err != nil {
			return err
		}
		return c.expr(e.key, f)
	case *sliceExpr:
		return c.exprs([]expr{e.start, e.stop, e.step}, f)
	case *callExpr:
		if err := c.expr(e.fn, f); err != nil {
			return err
		}
		return c.args(e.callArgs, f)
	case *filterExpr:
		if _, ok := filterNames[e.name]; !ok && !f.soft {
			return &SyntaxError{e.line, fmt.Sprintf("No filter named '%s'.", e.name)}
		}
		if err := c.expr(e.operand, f); err != nil {
			return err
		}
		return c.args(e.callArgs, f)
	case *testExpr:
		if _, ok := testNames[e.name]; !ok && !f.soft {
			return &SyntaxError{e.line, fmt.Sprintf("No test named '%s'.", e.name)}
		}
		if err := c.expr(e.operand, f); err != nil {
			return err
		}
		return c.args(e.callArgs, f)
	case *binExpr:
		return c.exprs([]expr{e.l, e.r}, f)
	case *concatExpr:
		return c.exprs(e.items, f)
	case *unaryExpr:
		return c.expr(e.e, f)
	case *compareExpr:
		if err := c.expr(e.first, f); err != nil {
			return err
		}
		return c.exprs(e.rest, f)
	case *condExpr:
		sf := frame{soft: true, inLoop: f.inLoop}
		return c.exprs([]expr{e.test, e.a, e.b}, sf)
	}
	return nil
}

func (c *checker) exprs(es []expr, f frame) error {
	for _, e := range es {
		if err := c.expr(e, f); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) args(a callArgs, f frame) error {
	if err := c.exprs(a.args, f); err != nil {
		return err
	}
	for _, k := range a.kwargs {
		if err := c.expr(k.val, f); err != nil {
			return err
		}
	}
	return c.exprs([]expr{a.star, a.dstar}, f)
}

// assignsLoop: the for loop stores to a name "loop" somewhere (its
// target, or a set inside it).
func assignsLoop(n *forNode) bool {
	found := false
	var tgt func(t target)
	tgt = func(t target) {
		switch t := t.(type) {
		case *nameTarget:
			found = found || t.name == "loop"
		case *tupleTarget:
			for _, it := range t.items {
				tgt(it)
			}
		}
	}
	tgt(n.target)
	walkNodes(n.body, func(x node) {
		switch x := x.(type) {
		case *setNode:
			tgt(x.target)
		case *setBlockNode:
			tgt(x.target)
		case *forNode:
			tgt(x.target)
		}
	})
	walkNodes(n.els, func(x node) {
		if s, ok := x.(*setNode); ok {
			tgt(s.target)
		}
	})
	return found
}

// walkNodes calls fn on every statement, depth first.
func walkNodes(ns []node, fn func(node)) {
	for _, n := range ns {
		fn(n)
		switch n := n.(type) {
		case *ifNode:
			for _, b := range n.bodies {
				walkNodes(b, fn)
			}
			walkNodes(n.els, fn)
		case *forNode:
			walkNodes(n.body, fn)
			walkNodes(n.els, fn)
		case *setBlockNode:
			walkNodes(n.body, fn)
		case *macroNode:
			walkNodes(n.body, fn)
		case *callBlockNode:
			walkNodes(n.caller.body, fn)
		case *filterBlockNode:
			walkNodes(n.body, fn)
		case *withNode:
			walkNodes(n.body, fn)
		case *blockNode:
			walkNodes(n.body, fn)
		case *autoescapeNode:
			walkNodes(n.body, fn)
		}
	}
}

// undeclared reports which of names the body loads before any store to
// them (jinja2's find_undeclared, in visiting order).
func undeclared(body []node, names map[string]bool) map[string]bool {
	u := &undecl{names: map[string]bool{}, found: map[string]bool{}}
	for k := range names {
		u.names[k] = true
	}
	u.nodes(body)
	return u.found
}

type undecl struct{ names, found map[string]bool }

func (u *undecl) load(name string) {
	if u.names[name] {
		u.found[name] = true
	}
}

func (u *undecl) store(t target) {
	switch t := t.(type) {
	case *nameTarget:
		if !u.found[t.name] {
			delete(u.names, t.name)
		}
	case *tupleTarget:
		for _, it := range t.items {
			u.store(it)
		}
	case *nsTarget:
		u.load(t.name)
	}
}

func (u *undecl) nodes(ns []node) {
	for _, n := range ns {
		switch n := n.(type) {
		case *outputNode:
			u.expr(n.e)
		case *ifNode:
			for i, c := range n.conds {
				u.expr(c)
				u.nodes(n.bodies[i])
			}
			u.nodes(n.els)
		case *forNode:
			u.store(n.target)
			u.expr(n.iter)
			u.nodes(n.body)
			u.nodes(n.els)
			u.expr(n.cond)
		case *setNode:
			u.store(n.target)
			u.expr(n.value)
		case *setBlockNode:
			u.store(n.target)
			if n.filter != nil {
				u.expr(n.filter)
			}
			u.nodes(n.body)
		case *macroNode:
			u.store(&nameTarget{n.name})
			u.exprs(n.defaults)
			u.nodes(n.body)
		case *callBlockNode:
			u.expr(n.call)
			u.exprs(n.caller.defaults)
			u.nodes(n.caller.body)
		case *filterBlockNode:
			u.expr(n.filter)
			u.nodes(n.body)
		case *withNode:
			for i, t := range n.targets {
				u.store(t)
				u.expr(n.values[i])
			}
			u.nodes(n.body)
		case *autoescapeNode:
			u.expr(n.on)
			u.nodes(n.body)
		}
	}
}

func (u *undecl) exprs(es []expr) {
	for _, e := range es {
		u.expr(e)
	}
}

func (u *undecl) expr(e expr) {
	switch e := e.(type) {
	case *nameExpr:
		u.load(e.name)
	case *listExpr:
		u.exprs(e.items)
	case *tupleExpr:
		u.exprs(e.items)
	case *dictExpr:
		for i := range e.keys {
			u.expr(e.keys[i])
			u.expr(e.vals[i])
		}
	case *attrExpr:
		u.expr(e.obj)
	case *itemExpr:
		u.expr(e.obj)
		u.expr(e.key)
	case *sliceExpr:
		u.exprs([]expr{e.start, e.stop, e.step})
	case *callExpr:
		u.expr(e.fn)
		u.args(e.callArgs)
	case *filterExpr:
		u.expr(e.operand)
		u.args(e.callArgs)
	case *testExpr:
		u.expr(e.operand)
		u.args(e.callArgs)
	case *binExpr:
		u.expr(e.l)
		u.expr(e.r)
	case *concatExpr:
		u.exprs(e.items)
	case *unaryExpr:
		u.expr(e.e)
	case *compareExpr:
		u.expr(e.first)
		u.exprs(e.rest)
	case *condExpr:
		u.expr(e.test)
		u.expr(e.a)
		u.expr(e.b)
	}
}

func (u *undecl) args(a callArgs) {
	u.exprs(a.args)
	for _, k := range a.kwargs {
		u.expr(k.val)
	}
	u.expr(a.star)
	u.expr(a.dstar)
}
