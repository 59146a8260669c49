package jinja

import (
	"fmt"
	"strconv"
)

// Nodes of the template tree.
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
		targets   []string
		iter      expr
		cond      expr
		body, els []node
		recursive bool
	}
	setNode struct {
		targets []string // one name, or several for unpacking
		attrOf  string   // set ns.attr = …: the namespace variable
		attr    string
		value   expr
		body    []node // block set
	}
	macroNode struct {
		name     string
		params   []string
		defaults []expr // aligned with params, nil when none
		body     []node
	}
	callBlockNode struct {
		call   *callExpr
		params []string
		defs   []expr
		body   []node
	}
	filterBlockNode struct {
		filters []*filterExpr
		body    []node
	}
	breakNode    struct{}
	continueNode struct{}
)

// Expressions.
type expr interface{}

type (
	constExpr struct{ v Value }
	nameExpr  struct {
		name string
		line int
	}
	listExpr  struct{ items []expr }
	tupleExpr struct{ items []expr }
	dictExpr  struct{ keys, vals []expr }
	attrExpr  struct {
		obj  expr
		name string
	}
	itemExpr  struct{ obj, key expr }
	sliceExpr struct {
		obj              expr
		start, stop, stp expr
	}
	callExpr struct {
		fn     expr
		args   []expr
		kwargs []kwArg
		star   expr // *args
		dstar  expr // **kwargs
	}
	filterExpr struct {
		operand expr // nil inside a filter block
		name    string
		args    []expr
		kwargs  []kwArg
		line    int
	}
	testExpr struct {
		operand expr
		name    string
		args    []expr
		negate  bool
		line    int
	}
	binExpr struct {
		op   string
		l, r expr
	}
	unaryExpr struct {
		op string
		e  expr
	}
	compareExpr struct {
		first expr
		ops   []string
		rest  []expr
	}
	condExpr struct{ cond, a, b expr }
)

type kwArg struct {
	name string
	val  expr
}

type parser struct {
	toks []token
	p    int
}

func (p *parser) peek() token { return p.toks[p.p] }
func (p *parser) next() token {
	t := p.toks[p.p]
	if p.p < len(p.toks)-1 {
		p.p++
	}
	return t
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{p.peek().line, fmt.Sprintf(format, args...)}
}

func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.val == s
}

func (p *parser) isName(s string) bool {
	t := p.peek()
	return t.kind == tName && t.val == s
}

func (p *parser) expectOp(s string) error {
	if !p.isOp(s) {
		return p.errf("expected '%s', got %s", s, p.peek())
	}
	p.next()
	return nil
}

func (p *parser) expectName() (string, error) {
	t := p.peek()
	if t.kind != tName {
		return "", p.errf("expected a name, got %s", t)
	}
	p.next()
	return t.val, nil
}

func (p *parser) expectBlockEnd() error {
	if p.peek().kind != tBlockEnd {
		return p.errf("expected end of statement block, got %s", p.peek())
	}
	p.next()
	return nil
}

// parseBody parses nodes until one of the end keywords at a block start;
// it returns the keyword found (the block start and keyword consumed).
func (p *parser) parseBody(ends ...string) ([]node, string, error) {
	var out []node
	for {
		t := p.peek()
		switch t.kind {
		case tEOF:
			if len(ends) > 0 {
				return nil, "", p.errf("unexpected end of template, expected '%s'", ends[0])
			}
			return out, "", nil
		case tData:
			p.next()
			out = append(out, &textNode{t.val})
		case tVarBegin:
			p.next()
			e, err := p.parseExpr()
			if err != nil {
				return nil, "", err
			}
			if p.peek().kind != tVarEnd {
				return nil, "", p.errf("expected '}}', got %s", p.peek())
			}
			p.next()
			out = append(out, &outputNode{e})
		case tBlockBegin:
			kw := p.toks[p.p+1]
			if kw.kind != tName {
				return nil, "", &SyntaxError{kw.line, "expected a statement name"}
			}
			for _, e := range ends {
				if kw.val == e {
					p.next()
					p.next()
					return out, e, nil
				}
			}
			p.next()
			n, err := p.parseStatement()
			if err != nil {
				return nil, "", err
			}
			if n != nil {
				out = append(out, n)
			}
		default:
			return nil, "", p.errf("unexpected %s", t)
		}
	}
}

func (p *parser) parseStatement() (node, error) {
	kw := p.next()
	switch kw.val {
	case "if":
		return p.parseIf()
	case "for":
		return p.parseFor()
	case "set":
		return p.parseSet()
	case "macro":
		return p.parseMacro()
	case "call":
		return p.parseCallBlock()
	case "filter":
		return p.parseFilterBlock()
	case "generation":
		if err := p.expectBlockEnd(); err != nil {
			return nil, err
		}
		body, _, err := p.parseBody("endgeneration")
		if err != nil {
			return nil, err
		}
		if err := p.expectBlockEnd(); err != nil {
			return nil, err
		}
		return &ifNode{conds: []expr{&constExpr{true}}, bodies: [][]node{body}}, nil
	case "break", "continue":
		if err := p.expectBlockEnd(); err != nil {
			return nil, err
		}
		if kw.val == "break" {
			return &breakNode{}, nil
		}
		return &continueNode{}, nil
	}
	return nil, &SyntaxError{kw.line, fmt.Sprintf("encountered unknown tag '%s'", kw.val)}
}

func (p *parser) parseIf() (node, error) {
	n := &ifNode{}
	for {
		c, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expectBlockEnd(); err != nil {
			return nil, err
		}
		body, end, err := p.parseBody("elif", "else", "endif")
		if err != nil {
			return nil, err
		}
		n.conds = append(n.conds, c)
		n.bodies = append(n.bodies, body)
		switch end {
		case "elif":
			continue
		case "else":
			if err := p.expectBlockEnd(); err != nil {
				return nil, err
			}
			if n.els, _, err = p.parseBody("endif"); err != nil {
				return nil, err
			}
		}
		return n, p.expectBlockEnd()
	}
}

func (p *parser) parseFor() (node, error) {
	n := &forNode{}
	for {
		name, err := p.expectName()
		if err != nil {
			return nil, err
		}
		n.targets = append(n.targets, name)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	if !p.isName("in") {
		return nil, p.errf("expected 'in' in for loop")
	}
	p.next()
	var err error
	if n.iter, err = p.parseOr(); err != nil { // no conditional: "if" filters the loop
		return nil, err
	}
	if p.isName("if") {
		p.next()
		if n.cond, err = p.parseOr(); err != nil {
			return nil, err
		}
	}
	if p.isName("recursive") {
		p.next()
		n.recursive = true
	}
	if err := p.expectBlockEnd(); err != nil {
		return nil, err
	}
	body, end, err := p.parseBody("else", "endfor")
	if err != nil {
		return nil, err
	}
	n.body = body
	if end == "else" {
		if err := p.expectBlockEnd(); err != nil {
			return nil, err
		}
		if n.els, _, err = p.parseBody("endfor"); err != nil {
			return nil, err
		}
	}
	return n, p.expectBlockEnd()
}

func (p *parser) parseSet() (node, error) {
	n := &setNode{}
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	if p.isOp(".") {
		p.next()
		attr, err := p.expectName()
		if err != nil {
			return nil, err
		}
		n.attrOf, n.attr = name, attr
	} else {
		n.targets = []string{name}
		for p.isOp(",") {
			p.next()
			nm, err := p.expectName()
			if err != nil {
				return nil, err
			}
			n.targets = append(n.targets, nm)
		}
	}
	if p.peek().kind == tBlockEnd && n.attrOf == "" && len(n.targets) == 1 {
		p.next()
		body, _, err := p.parseBody("endset")
		if err != nil {
			return nil, err
		}
		n.body = body
		return n, p.expectBlockEnd()
	}
	if err := p.expectOp("="); err != nil {
		return nil, err
	}
	if n.value, err = p.parseTuple(); err != nil {
		return nil, err
	}
	return n, p.expectBlockEnd()
}

func (p *parser) parseParams() ([]string, []expr, error) {
	var names []string
	var defs []expr
	if err := p.expectOp("("); err != nil {
		return nil, nil, err
	}
	for !p.isOp(")") {
		name, err := p.expectName()
		if err != nil {
			return nil, nil, err
		}
		var def expr
		if p.isOp("=") {
			p.next()
			if def, err = p.parseExpr(); err != nil {
				return nil, nil, err
			}
		}
		names = append(names, name)
		defs = append(defs, def)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return names, defs, p.expectOp(")")
}

func (p *parser) parseMacro() (node, error) {
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	params, defs, err := p.parseParams()
	if err != nil {
		return nil, err
	}
	if err := p.expectBlockEnd(); err != nil {
		return nil, err
	}
	body, _, err := p.parseBody("endmacro")
	if err != nil {
		return nil, err
	}
	return &macroNode{name, params, defs, body}, p.expectBlockEnd()
}

func (p *parser) parseCallBlock() (node, error) {
	n := &callBlockNode{}
	if p.isOp("(") {
		var err error
		if n.params, n.defs, err = p.parseParams(); err != nil {
			return nil, err
		}
	}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	c, ok := e.(*callExpr)
	if !ok {
		return nil, p.errf("expected a call in {%% call %%}")
	}
	n.call = c
	if err := p.expectBlockEnd(); err != nil {
		return nil, err
	}
	if n.body, _, err = p.parseBody("endcall"); err != nil {
		return nil, err
	}
	return n, p.expectBlockEnd()
}

func (p *parser) parseFilterBlock() (node, error) {
	n := &filterBlockNode{}
	for {
		f, err := p.parseFilterCall(nil)
		if err != nil {
			return nil, err
		}
		n.filters = append(n.filters, f)
		if !p.isOp("|") {
			break
		}
		p.next()
	}
	if err := p.expectBlockEnd(); err != nil {
		return nil, err
	}
	var err error
	if n.body, _, err = p.parseBody("endfilter"); err != nil {
		return nil, err
	}
	return n, p.expectBlockEnd()
}

// parseTuple: an expression, or a tuple without parentheses (a, b).
func (p *parser) parseTuple() (expr, error) {
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if !p.isOp(",") {
		return e, nil
	}
	items := []expr{e}
	for p.isOp(",") {
		p.next()
		if p.peek().kind == tBlockEnd || p.peek().kind == tVarEnd {
			break
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	return &tupleExpr{items}, nil
}

func (p *parser) parseExpr() (expr, error) {
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	for p.isName("if") {
		p.next()
		c, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		var b expr
		if p.isName("else") {
			p.next()
			if b, err = p.parseExpr(); err != nil {
				return nil, err
			}
		}
		e = &condExpr{c, e, b}
	}
	return e, nil
}

func (p *parser) parseOr() (expr, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isName("or") {
		p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &binExpr{"or", l, r}
	}
	return l, nil
}

func (p *parser) parseAnd() (expr, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isName("and") {
		p.next()
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = &binExpr{"and", l, r}
	}
	return l, nil
}

func (p *parser) parseNot() (expr, error) {
	if p.isName("not") {
		p.next()
		e, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &unaryExpr{"not", e}, nil
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() (expr, error) {
	first, err := p.parseMath1()
	if err != nil {
		return nil, err
	}
	c := &compareExpr{first: first}
	for {
		t := p.peek()
		var op string
		switch {
		case t.kind == tOp && (t.val == "==" || t.val == "!=" || t.val == "<" || t.val == ">" || t.val == "<=" || t.val == ">="):
			op = t.val
			p.next()
		case t.kind == tName && t.val == "in":
			op = "in"
			p.next()
		case t.kind == tName && t.val == "not" && p.toks[p.p+1].kind == tName && p.toks[p.p+1].val == "in":
			op = "notin"
			p.next()
			p.next()
		}
		if op == "" {
			break
		}
		r, err := p.parseMath1()
		if err != nil {
			return nil, err
		}
		c.ops = append(c.ops, op)
		c.rest = append(c.rest, r)
	}
	if len(c.ops) == 0 {
		return first, nil
	}
	return c, nil
}

func (p *parser) parseMath1() (expr, error) {
	l, err := p.parseConcat()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.next().val
		r, err := p.parseConcat()
		if err != nil {
			return nil, err
		}
		l = &binExpr{op, l, r}
	}
	return l, nil
}

func (p *parser) parseConcat() (expr, error) {
	l, err := p.parseMath2()
	if err != nil {
		return nil, err
	}
	for p.isOp("~") {
		p.next()
		r, err := p.parseMath2()
		if err != nil {
			return nil, err
		}
		l = &binExpr{"~", l, r}
	}
	return l, nil
}

func (p *parser) parseMath2() (expr, error) {
	l, err := p.parsePow()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%") {
		op := p.next().val
		r, err := p.parsePow()
		if err != nil {
			return nil, err
		}
		l = &binExpr{op, l, r}
	}
	return l, nil
}

func (p *parser) parsePow() (expr, error) {
	l, err := p.parseUnary(true)
	if err != nil {
		return nil, err
	}
	for p.isOp("**") {
		p.next()
		r, err := p.parseUnary(true)
		if err != nil {
			return nil, err
		}
		l = &binExpr{"**", l, r}
	}
	return l, nil
}

func (p *parser) parseUnary(withFilter bool) (expr, error) {
	var e expr
	var err error
	switch {
	case p.isOp("-"):
		p.next()
		if e, err = p.parseUnary(false); err != nil {
			return nil, err
		}
		e = &unaryExpr{"-", e}
	case p.isOp("+"):
		p.next()
		if e, err = p.parseUnary(false); err != nil {
			return nil, err
		}
		e = &unaryExpr{"+", e}
	default:
		if e, err = p.parsePrimary(); err != nil {
			return nil, err
		}
		if e, err = p.parsePostfix(e); err != nil {
			return nil, err
		}
	}
	if withFilter {
		return p.parseFilterExpr(e)
	}
	return e, nil
}

func (p *parser) parsePrimary() (expr, error) {
	t := p.next()
	switch t.kind {
	case tName:
		switch t.val {
		case "true", "True":
			return &constExpr{true}, nil
		case "false", "False":
			return &constExpr{false}, nil
		case "none", "None":
			return &constExpr{nil}, nil
		}
		return &nameExpr{t.val, t.line}, nil
	case tString:
		s := t.val
		for p.peek().kind == tString { // adjacent literals concatenate
			s += p.next().val
		}
		return &constExpr{s}, nil
	case tInt:
		n, err := strconv.ParseInt(t.val, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(t.val, 64)
			return &constExpr{f}, nil
		}
		return &constExpr{n}, nil
	case tFloat:
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil {
			return nil, &SyntaxError{t.line, "bad number " + t.val}
		}
		return &constExpr{f}, nil
	case tOp:
		switch t.val {
		case "(":
			if p.isOp(")") {
				p.next()
				return &tupleExpr{}, nil
			}
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if p.isOp(",") {
				items := []expr{e}
				for p.isOp(",") {
					p.next()
					if p.isOp(")") {
						break
					}
					e, err := p.parseExpr()
					if err != nil {
						return nil, err
					}
					items = append(items, e)
				}
				e = &tupleExpr{items}
			}
			return e, p.expectOp(")")
		case "[":
			var items []expr
			for !p.isOp("]") {
				e, err := p.parseExpr()
				if err != nil {
					return nil, err
				}
				items = append(items, e)
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			return &listExpr{items}, p.expectOp("]")
		case "{":
			d := &dictExpr{}
			for !p.isOp("}") {
				k, err := p.parseExpr()
				if err != nil {
					return nil, err
				}
				if err := p.expectOp(":"); err != nil {
					return nil, err
				}
				v, err := p.parseExpr()
				if err != nil {
					return nil, err
				}
				d.keys = append(d.keys, k)
				d.vals = append(d.vals, v)
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			return d, p.expectOp("}")
		}
	}
	p.p--
	return nil, p.errf("unexpected %s", t)
}

func (p *parser) parsePostfix(e expr) (expr, error) {
	for {
		switch {
		case p.isOp("."):
			p.next()
			t := p.next()
			if t.kind == tName {
				e = &attrExpr{e, t.val}
			} else if t.kind == tInt {
				n, _ := strconv.ParseInt(t.val, 10, 64)
				e = &itemExpr{e, &constExpr{n}}
			} else {
				return nil, &SyntaxError{t.line, "expected a name after '.'"}
			}
		case p.isOp("["):
			p.next()
			var parts [3]expr
			isSlice := false
			for i := 0; i < 3; i++ {
				if !p.isOp(":") && !p.isOp("]") {
					x, err := p.parseExpr()
					if err != nil {
						return nil, err
					}
					parts[i] = x
				}
				if p.isOp(":") && i < 2 {
					p.next()
					isSlice = true
					continue
				}
				break
			}
			if err := p.expectOp("]"); err != nil {
				return nil, err
			}
			if isSlice {
				e = &sliceExpr{e, parts[0], parts[1], parts[2]}
			} else {
				if parts[0] == nil {
					return nil, p.errf("expected an index")
				}
				e = &itemExpr{e, parts[0]}
			}
		case p.isOp("("):
			c, err := p.parseCallArgs(e)
			if err != nil {
				return nil, err
			}
			e = c
		default:
			return e, nil
		}
	}
}

func (p *parser) parseCallArgs(fn expr) (*callExpr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	c := &callExpr{fn: fn}
	for !p.isOp(")") {
		switch {
		case p.isOp("**"):
			p.next()
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			c.dstar = e
		case p.isOp("*"):
			p.next()
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			c.star = e
		case p.peek().kind == tName && p.toks[p.p+1].kind == tOp && p.toks[p.p+1].val == "=":
			name := p.next().val
			p.next()
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			c.kwargs = append(c.kwargs, kwArg{name, e})
		default:
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, e)
		}
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return c, p.expectOp(")")
}

func (p *parser) parseFilterCall(operand expr) (*filterExpr, error) {
	line := p.peek().line
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	for p.isOp(".") { // dotted filter names
		p.next()
		n2, err := p.expectName()
		if err != nil {
			return nil, err
		}
		name += "." + n2
	}
	f := &filterExpr{operand: operand, name: name, line: line}
	if p.isOp("(") {
		c, err := p.parseCallArgs(nil)
		if err != nil {
			return nil, err
		}
		f.args, f.kwargs = c.args, c.kwargs
	}
	return f, nil
}

func (p *parser) parseFilterExpr(e expr) (expr, error) {
	for {
		switch {
		case p.isOp("|"):
			p.next()
			f, err := p.parseFilterCall(e)
			if err != nil {
				return nil, err
			}
			e = f
		case p.isName("is"):
			p.next()
			t := &testExpr{operand: e, line: p.peek().line}
			if p.isName("not") {
				p.next()
				t.negate = true
			}
			name, err := p.expectName()
			if err != nil {
				return nil, err
			}
			t.name = name
			switch {
			case p.isOp("("):
				c, err := p.parseCallArgs(nil)
				if err != nil {
					return nil, err
				}
				t.args = c.args
			default:
				// a single argument without parentheses: "is divisibleby 3",
				// "is sameas false", "is equalto 'x'"
				nt := p.peek()
				if nt.kind == tString || nt.kind == tInt || nt.kind == tFloat ||
					(nt.kind == tName && nt.val != "and" && nt.val != "or" && nt.val != "else" && nt.val != "if" && nt.val != "is" && nt.val != "in" && nt.val != "not") ||
					(nt.kind == tOp && (nt.val == "[" || nt.val == "{" || nt.val == "(" || nt.val == "-")) {
					a, err := p.parsePrimary()
					if err != nil {
						return nil, err
					}
					if a, err = p.parsePostfix(a); err != nil {
						return nil, err
					}
					t.args = []expr{a}
				}
			}
			e = t
		default:
			return e, nil
		}
	}
}

// parse builds the tree of a template.
func parse(src string) ([]node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	body, _, err := p.parseBody()
	if err != nil {
		return nil, err
	}
	return body, nil
}
