package jinja

import (
	"fmt"
	"strings"
)

// maxNesting bounds the nesting of expressions and blocks, so that a
// hostile template cannot exhaust the stack.
const maxNesting = 250

type parser struct {
	toks  []token
	p     int
	depth int
	tags  []string // open block tags, for error messages
}

// parse builds the tree of a template.
func parse(src string) ([]node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	body, err := p.subparse(nil)
	if err != nil {
		return nil, err
	}
	if err := check(body); err != nil {
		return nil, err
	}
	return fold(body), nil
}

func (p *parser) cur() token { return p.toks[p.p] }
func (p *parser) look() token {
	if p.p+1 < len(p.toks) {
		return p.toks[p.p+1]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.p]
	if p.p < len(p.toks)-1 {
		p.p++
	}
	return t
}

func (p *parser) fail(format string, args ...any) error {
	return &SyntaxError{p.cur().line, fmt.Sprintf(format, args...)}
}

func (p *parser) isOp(s string) bool {
	t := p.cur()
	return t.kind == tOp && t.val == s
}

func (p *parser) isName(s string) bool {
	t := p.cur()
	return t.kind == tName && t.val == s
}

func (p *parser) skipOp(s string) bool {
	if p.isOp(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) skipName(s string) bool {
	if p.isName(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectOp(s string) error {
	if !p.isOp(s) {
		return p.unexpected(fmt.Sprintf("'%s'", s))
	}
	p.next()
	return nil
}

func (p *parser) expectName() (string, error) {
	t := p.cur()
	if t.kind != tName {
		return "", p.unexpected("name")
	}
	p.next()
	return t.val, nil
}

func (p *parser) expectBlockEnd() error {
	if p.cur().kind != tBlockEnd {
		return p.unexpected("end of statement block")
	}
	p.next()
	return nil
}

func (p *parser) unexpected(want string) error {
	t := p.cur()
	if t.kind == tEOF {
		return p.eofError()
	}
	return p.fail("expected token %s, got %s", want, t)
}

func (p *parser) eofError() error {
	msg := "Unexpected end of template."
	if len(p.tags) > 0 {
		msg += fmt.Sprintf(" The innermost block that needs to be closed is '%s'.", p.tags[len(p.tags)-1])
	}
	return p.fail("%s", msg)
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return p.fail("template nested too deeply")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// subparse parses nodes until a block tag whose name is one of ends
// (which is left as the current token) or the end of the template.
func (p *parser) subparse(ends []string) ([]node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var out []node
	for {
		t := p.cur()
		switch t.kind {
		case tEOF:
			if ends != nil {
				return nil, p.eofError()
			}
			return out, nil
		case tData:
			p.next()
			out = append(out, &textNode{t.val})
		case tVarBegin:
			p.next()
			e, err := p.parseTuple(tupleOpts{condexpr: true})
			if err != nil {
				return nil, err
			}
			if p.cur().kind != tVarEnd {
				return nil, p.unexpected("end of print statement")
			}
			p.next()
			out = append(out, &outputNode{e})
		case tBlockBegin:
			p.next()
			kw := p.cur()
			if kw.kind == tName {
				for _, e := range ends {
					if kw.val == e {
						return out, nil
					}
				}
			}
			n, err := p.parseStatement()
			if err != nil {
				return nil, err
			}
			if err := p.expectBlockEnd(); err != nil {
				return nil, err
			}
			if n != nil {
				out = append(out, n)
			}
		default:
			return nil, p.fail("unexpected %s", t)
		}
	}
}

// parseStatements parses the body of a block statement: the end of the
// opening tag, then nodes up to one of ends; it returns the end tag's
// name and leaves the parser after it (its %} still to be read).
func (p *parser) parseStatements(ends ...string) ([]node, string, error) {
	p.skipOp(":")
	if err := p.expectBlockEnd(); err != nil {
		return nil, "", err
	}
	body, err := p.subparse(ends)
	if err != nil {
		return nil, "", err
	}
	return body, p.next().val, nil
}

func (p *parser) parseStatement() (node, error) {
	t := p.cur()
	if t.kind != tName {
		return nil, p.fail("tag name expected")
	}
	p.tags = append(p.tags, t.val)
	defer func() { p.tags = p.tags[:len(p.tags)-1] }()
	switch t.val {
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
	case "with":
		return p.parseWith()
	case "block":
		return p.parseBlock()
	case "print":
		p.next()
		var items []expr
		for p.cur().kind != tBlockEnd {
			if len(items) > 0 {
				if err := p.expectOp(","); err != nil {
					return nil, err
				}
			}
			e, err := p.parseExpr(true)
			if err != nil {
				return nil, err
			}
			items = append(items, e)
		}
		body := make([]node, len(items))
		for i, e := range items {
			body[i] = &outputNode{e}
		}
		return &ifNode{conds: []expr{&constExpr{true}}, bodies: [][]node{body}}, nil
	case "autoescape":
		p.next()
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		body, _, err := p.parseStatements("endautoescape")
		if err != nil {
			return nil, err
		}
		return &autoescapeNode{e, body}, nil
	case "generation": // transformers' extension: the body unchanged
		p.next()
		body, _, err := p.parseStatements("endgeneration")
		if err != nil {
			return nil, err
		}
		return &ifNode{conds: []expr{&constExpr{true}}, bodies: [][]node{body}}, nil
	case "break":
		p.next()
		return &breakNode{t.line}, nil
	case "continue":
		p.next()
		return &contNode{t.line}, nil
	case "include", "import", "from", "extends":
		return p.parseLoaderStatement()
	}
	return nil, &SyntaxError{t.line, fmt.Sprintf("Encountered unknown tag '%s'.", t.val)}
}

func (p *parser) parseIf() (node, error) {
	p.next()
	n := &ifNode{}
	for {
		c, err := p.parseTuple(tupleOpts{})
		if err != nil {
			return nil, err
		}
		body, end, err := p.parseStatements("elif", "else", "endif")
		if err != nil {
			return nil, err
		}
		n.conds = append(n.conds, c)
		n.bodies = append(n.bodies, body)
		switch end {
		case "elif":
			continue
		case "else":
			if n.els, _, err = p.parseStatements("endif"); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
}

func (p *parser) parseFor() (node, error) {
	p.next()
	n := &forNode{}
	var err error
	if n.target, err = p.parseAssignTarget([]string{"in"}, false); err != nil {
		return nil, err
	}
	if !p.skipName("in") {
		return nil, p.unexpected("'in'")
	}
	if n.iter, err = p.parseTuple(tupleOpts{extraEnd: []string{"recursive"}}); err != nil {
		return nil, err
	}
	if p.skipName("if") {
		if n.cond, err = p.parseExpr(true); err != nil {
			return nil, err
		}
	}
	n.recursive = p.skipName("recursive")
	body, end, err := p.parseStatements("endfor", "else")
	if err != nil {
		return nil, err
	}
	n.body = body
	if end == "else" {
		if n.els, _, err = p.parseStatements("endfor"); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (p *parser) parseSet() (node, error) {
	p.next()
	tg, err := p.parseAssignTarget(nil, true)
	if err != nil {
		return nil, err
	}
	if p.skipOp("=") {
		v, err := p.parseTuple(tupleOpts{condexpr: true})
		if err != nil {
			return nil, err
		}
		return &setNode{tg, v}, nil
	}
	n := &setBlockNode{target: tg}
	if p.isOp("|") {
		if n.filter, err = p.parseFilterChain(nil, false); err != nil {
			return nil, err
		}
	}
	if n.body, _, err = p.parseStatements("endset"); err != nil {
		return nil, err
	}
	return n, nil
}

// parseAssignTarget parses a name, a tuple of targets (for loops and set)
// or, with namespace, ns.attr.
func (p *parser) parseAssignTarget(extraEnd []string, namespace bool) (target, error) {
	if namespace && p.cur().kind == tName && p.look().kind == tOp && p.look().val == "." {
		name := p.next().val
		p.next()
		attr, err := p.expectName()
		if err != nil {
			return nil, err
		}
		return &nsTarget{name, attr}, nil
	}
	e, err := p.parseTuple(tupleOpts{simplified: true, extraEnd: extraEnd})
	if err != nil {
		return nil, err
	}
	return p.toTarget(e)
}

func (p *parser) toTarget(e expr) (target, error) {
	switch x := e.(type) {
	case *nameExpr:
		return &nameTarget{x.name}, nil
	case *tupleExpr:
		t := &tupleTarget{}
		for _, it := range x.items {
			sub, err := p.toTarget(it)
			if err != nil {
				return nil, err
			}
			t.items = append(t.items, sub)
		}
		return t, nil
	case *constExpr:
		return nil, p.fail("can't assign to 'const'")
	}
	return nil, p.fail("can't assign to this expression")
}

func (p *parser) parseSignature() ([]string, []expr, error) {
	var names []string
	var defs []expr
	if err := p.expectOp("("); err != nil {
		return nil, nil, err
	}
	for !p.isOp(")") {
		if len(names) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, nil, err
			}
		}
		name, err := p.expectName()
		if err != nil {
			return nil, nil, err
		}
		if isConstName(name) {
			return nil, nil, p.fail("can't assign to 'const'")
		}
		if p.skipOp("=") {
			d, err := p.parseExpr(true)
			if err != nil {
				return nil, nil, err
			}
			defs = append(defs, d)
		} else if len(defs) > 0 {
			return nil, nil, p.fail("non-default argument follows default argument")
		}
		names = append(names, name)
	}
	return names, defs, p.expectOp(")")
}

func isConstName(s string) bool {
	switch s {
	case "true", "false", "none", "True", "False", "None":
		return true
	}
	return false
}

func (p *parser) parseMacro() (node, error) {
	line := p.next().line
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	if isConstName(name) {
		return nil, p.fail("can't assign to 'const'")
	}
	m := &macroNode{name: name, line: line}
	if m.params, m.defaults, err = p.parseSignature(); err != nil {
		return nil, err
	}
	if m.body, _, err = p.parseStatements("endmacro"); err != nil {
		return nil, err
	}
	return m, nil
}

func (p *parser) parseCallBlock() (node, error) {
	line := p.next().line
	caller := &macroNode{name: "caller", line: line}
	if p.isOp("(") {
		var err error
		if caller.params, caller.defaults, err = p.parseSignature(); err != nil {
			return nil, err
		}
	}
	e, err := p.parseExpr(true)
	if err != nil {
		return nil, err
	}
	c, ok := e.(*callExpr)
	if !ok {
		return nil, &SyntaxError{line, "expected call"}
	}
	if caller.body, _, err = p.parseStatements("endcall"); err != nil {
		return nil, err
	}
	return &callBlockNode{call: c, caller: caller}, nil
}

func (p *parser) parseFilterBlock() (node, error) {
	p.next()
	f, err := p.parseFilterChain(nil, true)
	if err != nil {
		return nil, err
	}
	body, _, err := p.parseStatements("endfilter")
	if err != nil {
		return nil, err
	}
	return &filterBlockNode{f, body}, nil
}

func (p *parser) parseWith() (node, error) {
	p.next()
	n := &withNode{}
	for p.cur().kind != tBlockEnd {
		if len(n.targets) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
		}
		tg, err := p.parseAssignTarget(nil, false)
		if err != nil {
			return nil, err
		}
		if err := p.expectOp("="); err != nil {
			return nil, err
		}
		v, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		n.targets = append(n.targets, tg)
		n.values = append(n.values, v)
	}
	var err error
	if n.body, _, err = p.parseStatements("endwith"); err != nil {
		return nil, err
	}
	return n, nil
}

func (p *parser) parseBlock() (node, error) {
	p.next()
	name, err := p.expectName()
	if err != nil {
		return nil, err
	}
	p.skipName("scoped")
	p.skipName("required")
	if p.isOp("-") {
		return nil, p.fail("Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.")
	}
	body, _, err := p.parseStatements("endblock")
	if err != nil {
		return nil, err
	}
	p.skipName(name)
	return &blockNode{name, body}, nil
}

// parseLoaderStatement parses include/import/from/extends; rendering them
// fails, as there is no template loader.
func (p *parser) parseLoaderStatement() (node, error) {
	what := p.next().val
	if _, err := p.parseExpr(true); err != nil {
		return nil, err
	}
	for p.cur().kind != tBlockEnd && p.cur().kind != tEOF {
		p.next()
	}
	return &loaderNode{what}, nil
}

// ---- expressions ----

type tupleOpts struct {
	simplified bool // only primaries (assignment targets)
	condexpr   bool // allow "a if b else c"
	extraEnd   []string
	explicit   bool // inside parentheses: () is the empty tuple
}

func (p *parser) isTupleEnd(extra []string) bool {
	t := p.cur()
	if t.kind == tVarEnd || t.kind == tBlockEnd || t.kind == tOp && t.val == ")" {
		return true
	}
	for _, e := range extra {
		if t.kind == tName && t.val == e {
			return true
		}
	}
	return false
}

func (p *parser) parseTuple(o tupleOpts) (expr, error) {
	var items []expr
	isTuple := false
	for {
		if len(items) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
		}
		if p.isTupleEnd(o.extraEnd) {
			break
		}
		var e expr
		var err error
		if o.simplified {
			e, err = p.parsePrimary()
		} else {
			e, err = p.parseExpr(o.condexpr)
		}
		if err != nil {
			return nil, err
		}
		items = append(items, e)
		if !p.isOp(",") {
			break
		}
		isTuple = true
	}
	if !isTuple {
		if len(items) > 0 {
			return items[0], nil
		}
		if !o.explicit {
			if p.cur().kind == tEOF {
				return nil, p.eofError()
			}
			return nil, p.fail("Expected an expression, got '%s'", p.cur())
		}
	}
	return &tupleExpr{items}, nil
}

func (p *parser) parseExpr(condexpr bool) (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if !condexpr {
		return p.parseOr()
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	for p.skipName("if") {
		c, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		var b expr
		if p.skipName("else") {
			if b, err = p.parseExpr(true); err != nil {
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
	for p.skipName("or") {
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
	for p.skipName("and") {
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = &binExpr{"and", l, r}
	}
	return l, nil
}

func (p *parser) parseNot() (expr, error) {
	if p.skipName("not") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
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
		t := p.cur()
		var op string
		switch {
		case t.kind == tOp && (t.val == "==" || t.val == "!=" || t.val == "<" || t.val == ">" || t.val == "<=" || t.val == ">="):
			op = t.val
			p.next()
		case t.kind == tName && t.val == "in":
			op = "in"
			p.next()
		case t.kind == tName && t.val == "not" && p.look().kind == tName && p.look().val == "in":
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
	first, err := p.parseMath2()
	if err != nil {
		return nil, err
	}
	items := []expr{first}
	for p.skipOp("~") {
		e, err := p.parseMath2()
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	if len(items) == 1 {
		return first, nil
	}
	return &concatExpr{items}, nil
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
	for p.skipOp("**") { // left-associative, as in jinja2
		r, err := p.parseUnary(true)
		if err != nil {
			return nil, err
		}
		l = &binExpr{"**", l, r}
	}
	return l, nil
}

func (p *parser) parseUnary(withFilter bool) (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var e expr
	var err error
	switch {
	case p.isOp("-") || p.isOp("+"):
		op := p.next().val
		if e, err = p.parseUnary(false); err != nil {
			return nil, err
		}
		e = &unaryExpr{op, e}
	default:
		if e, err = p.parsePrimary(); err != nil {
			return nil, err
		}
	}
	if e, err = p.parsePostfix(e); err != nil {
		return nil, err
	}
	if withFilter {
		return p.parseFilterExpr(e)
	}
	return e, nil
}

func (p *parser) parsePrimary() (expr, error) {
	t := p.cur()
	switch t.kind {
	case tName:
		p.next()
		switch t.val {
		case "true", "True":
			return &constExpr{true}, nil
		case "false", "False":
			return &constExpr{false}, nil
		case "none", "None":
			return &constExpr{nil}, nil
		}
		return &nameExpr{t.val}, nil
	case tString:
		p.next()
		var b strings.Builder
		b.WriteString(t.val)
		for p.cur().kind == tString { // adjacent literals concatenate
			b.WriteString(p.next().val)
		}
		return &constExpr{b.String()}, nil
	case tInt, tFloat:
		p.next()
		return &constExpr{t.num}, nil
	case tOp:
		switch t.val {
		case "(":
			p.next()
			e, err := p.parseTuple(tupleOpts{condexpr: true, explicit: true})
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		case "[":
			p.next()
			var items []expr
			for !p.isOp("]") {
				if len(items) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
					if p.isOp("]") {
						break
					}
				}
				e, err := p.parseExpr(true)
				if err != nil {
					return nil, err
				}
				items = append(items, e)
			}
			return &listExpr{items}, p.expectOp("]")
		case "{":
			p.next()
			d := &dictExpr{}
			for !p.isOp("}") {
				if len(d.keys) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
					if p.isOp("}") {
						break
					}
				}
				k, err := p.parseExpr(true)
				if err != nil {
					return nil, err
				}
				if err := p.expectOp(":"); err != nil {
					return nil, err
				}
				v, err := p.parseExpr(true)
				if err != nil {
					return nil, err
				}
				d.keys = append(d.keys, k)
				d.vals = append(d.vals, v)
			}
			return d, p.expectOp("}")
		}
	case tEOF:
		return nil, p.eofError()
	}
	return nil, p.fail("unexpected '%s'", t)
}

func (p *parser) parsePostfix(e expr) (expr, error) {
	for {
		switch {
		case p.isOp("."):
			p.next()
			t := p.next()
			switch t.kind {
			case tName:
				e = &attrExpr{e, t.val}
			case tInt:
				e = &itemExpr{e, &constExpr{t.num}}
			default:
				return nil, &SyntaxError{t.line, "expected name or number"}
			}
		case p.isOp("["):
			p.next()
			var keys []expr
			for !p.isOp("]") {
				if len(keys) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
				}
				k, err := p.parseSubscribed()
				if err != nil {
					return nil, err
				}
				keys = append(keys, k)
			}
			if err := p.expectOp("]"); err != nil {
				return nil, err
			}
			switch len(keys) {
			case 1:
				e = &itemExpr{e, keys[0]}
			default:
				e = &itemExpr{e, &tupleExpr{keys}}
			}
		case p.isOp("("):
			c, err := p.parseCallArgs()
			if err != nil {
				return nil, err
			}
			e = &callExpr{e, c}
		default:
			return e, nil
		}
	}
}

func (p *parser) parseSubscribed() (expr, error) {
	var parts [3]expr
	if p.isOp(":") {
		p.next()
	} else {
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		if !p.isOp(":") {
			return e, nil
		}
		p.next()
		parts[0] = e
	}
	if !p.isOp(":") && !p.isOp("]") && !p.isOp(",") {
		e, err := p.parseExpr(true)
		if err != nil {
			return nil, err
		}
		parts[1] = e
	}
	if p.skipOp(":") {
		if !p.isOp("]") && !p.isOp(",") {
			e, err := p.parseExpr(true)
			if err != nil {
				return nil, err
			}
			parts[2] = e
		}
	}
	return &sliceExpr{parts[0], parts[1], parts[2]}, nil
}

func (p *parser) parseCallArgs() (callArgs, error) {
	var c callArgs
	line := p.cur().line
	if err := p.expectOp("("); err != nil {
		return c, err
	}
	bad := func() error { return &SyntaxError{line, "invalid syntax for function call expression"} }
	requireComma := false
	for !p.isOp(")") {
		if requireComma {
			if err := p.expectOp(","); err != nil {
				return c, err
			}
			if p.isOp(")") {
				break
			}
		}
		switch {
		case p.isOp("*"):
			if c.star != nil || c.dstar != nil {
				return c, bad()
			}
			p.next()
			e, err := p.parseExpr(true)
			if err != nil {
				return c, err
			}
			c.star = e
		case p.isOp("**"):
			if c.dstar != nil {
				return c, bad()
			}
			p.next()
			e, err := p.parseExpr(true)
			if err != nil {
				return c, err
			}
			c.dstar = e
		case p.cur().kind == tName && p.look().kind == tOp && p.look().val == "=":
			if c.dstar != nil {
				return c, bad()
			}
			name := p.next().val
			p.next()
			e, err := p.parseExpr(true)
			if err != nil {
				return c, err
			}
			c.kwargs = append(c.kwargs, kwArg{name, e})
		default:
			if c.star != nil || c.dstar != nil || len(c.kwargs) > 0 {
				return c, bad()
			}
			e, err := p.parseExpr(true)
			if err != nil {
				return c, err
			}
			c.args = append(c.args, e)
		}
		requireComma = true
	}
	return c, p.expectOp(")")
}

// parseFilterChain parses "| name(args) | name …" (or, inline, the first
// filter without its pipe, as {% filter %} does).
func (p *parser) parseFilterChain(operand expr, inline bool) (*filterExpr, error) {
	var f *filterExpr
	for inline || p.isOp("|") {
		if !inline {
			p.next()
		}
		inline = false
		line := p.cur().line
		name, err := p.dottedName()
		if err != nil {
			return nil, err
		}
		f = &filterExpr{operand: operand, name: name, line: line}
		if p.isOp("(") {
			if f.callArgs, err = p.parseCallArgs(); err != nil {
				return nil, err
			}
		}
		operand = f
	}
	return f, nil
}

func (p *parser) dottedName() (string, error) {
	name, err := p.expectName()
	if err != nil {
		return "", err
	}
	for p.skipOp(".") {
		n2, err := p.expectName()
		if err != nil {
			return "", err
		}
		name += "." + n2
	}
	return name, nil
}

func (p *parser) parseFilterExpr(e expr) (expr, error) {
	for {
		switch {
		case p.isOp("|"):
			f, err := p.parseFilterChain(e, false)
			if err != nil {
				return nil, err
			}
			e = f
		case p.isName("is"):
			t, err := p.parseTest(e)
			if err != nil {
				return nil, err
			}
			e = t
		case p.isOp("("):
			c, err := p.parseCallArgs()
			if err != nil {
				return nil, err
			}
			e = &callExpr{e, c}
		default:
			return e, nil
		}
	}
}

func (p *parser) parseTest(e expr) (expr, error) {
	line := p.next().line // "is"
	negate := p.skipName("not")
	name, err := p.dottedName()
	if err != nil {
		return nil, err
	}
	t := &testExpr{operand: e, name: name, line: line}
	cur := p.cur()
	switch {
	case p.isOp("("):
		if t.callArgs, err = p.parseCallArgs(); err != nil {
			return nil, err
		}
	case (cur.kind == tName || cur.kind == tString || cur.kind == tInt || cur.kind == tFloat ||
		cur.kind == tOp && (cur.val == "[" || cur.val == "{")) &&
		!(cur.kind == tName && (cur.val == "else" || cur.val == "or" || cur.val == "and")):
		// one argument without parentheses: "is divisibleby 3"
		if cur.kind == tName && cur.val == "is" {
			return nil, p.fail("You cannot chain multiple tests with is")
		}
		a, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		if a, err = p.parsePostfix(a); err != nil {
			return nil, err
		}
		t.args = []expr{a}
	}
	if negate {
		return &unaryExpr{"not", t}, nil
	}
	return t, nil
}
