package jinja

// The template tree. Statements are nodes, expressions are exprs.

type node interface{}

type (
	textNode   struct{ s string }
	outputNode struct{ e expr }
	ifNode     struct {
		conds  []expr
		bodies [][]node
		els    []node
	}
	forNode struct {
		target    target
		iter      expr
		cond      expr // {% for x in y if cond %}
		body, els []node
		recursive bool
	}
	setNode struct {
		target target
		value  expr
	}
	// {% set x %}…{% endset %}, optionally {% set x | filter %}
	setBlockNode struct {
		target target
		filter *filterExpr // chain with a nil operand at its root, or nil
		body   []node
	}
	macroNode struct {
		name     string
		params   []string
		defaults []expr // the defaults of the last len(defaults) params
		body     []node
		// what the body refers to (jinja2 decides at compile time)
		catchVarargs, catchKwargs, usesCaller bool
		line                                  int
	}
	callBlockNode struct {
		call   *callExpr
		caller *macroNode
	}
	filterBlockNode struct {
		filter *filterExpr // chain with a nil operand at its root
		body   []node
	}
	withNode struct {
		targets []target
		values  []expr
		body    []node
	}
	blockNode struct {
		name string
		body []node
	}
	autoescapeNode struct {
		on   expr
		body []node
	}
	// include, import, from … import, extends: there is no loader, so
	// they fail when they run (as jinja2 does without a loader).
	loaderNode struct{ what string }
	breakNode  struct{ line int }
	contNode   struct{ line int }
)

// Assignment targets.
type target interface{}

type (
	nameTarget  struct{ name string }
	tupleTarget struct{ items []target }
	nsTarget    struct{ name, attr string } // {% set ns.attr = … %}
)

type expr interface{}

type (
	constExpr struct{ v Value }
	nameExpr  struct{ name string }
	listExpr  struct{ items []expr }
	tupleExpr struct{ items []expr }
	dictExpr  struct{ keys, vals []expr }
	attrExpr  struct {
		obj  expr
		name string
	}
	itemExpr  struct{ obj, key expr }
	sliceExpr struct{ start, stop, step expr } // only as an itemExpr key
	callExpr  struct {
		fn expr
		callArgs
	}
	filterExpr struct {
		operand expr // nil at the root of a filter block chain
		name    string
		callArgs
		line int
	}
	testExpr struct {
		operand expr
		name    string
		callArgs
		line int
	}
	binExpr struct {
		op   string // + - * / // % ** and or
		l, r expr
	}
	concatExpr struct{ items []expr } // a ~ b ~ c
	unaryExpr  struct {
		op string // not - +
		e  expr
	}
	compareExpr struct {
		first expr
		ops   []string // == != < > <= >= in notin
		rest  []expr
	}
	condExpr struct{ test, a, b expr } // a if test else b (b may be nil)
)

type callArgs struct {
	args   []expr
	kwargs []kwArg
	star   expr // *args
	dstar  expr // **kwargs
}

type kwArg struct {
	name string
	val  expr
}
