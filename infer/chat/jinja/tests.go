package jinja

import (
	"math/big"
)

// The built-in tests of jinja2 3.1.2 ("x is name").

type testFunc func(r *renderer, v Value, a *args) (bool, error)

var (
	tests     map[string]testFunc
	testNames map[string]struct{}
)

func initTests() {
	cmp := func(op string) testFunc {
		return func(r *renderer, v Value, a *args) (bool, error) {
			p, err := oneArg(a, "other")
			if err != nil {
				return false, err
			}
			return compareOp(op, v, p)
		}
	}
	tests = map[string]testFunc{
		"odd":         tMod(1),
		"even":        tMod(0),
		"divisibleby": tDivisibleby,
		"defined": typeTest(func(v Value) bool {
			_, u := v.(*Undefined)
			return !u
		}),
		"undefined": typeTest(func(v Value) bool {
			_, u := v.(*Undefined)
			return u
		}),
		"filter": typeTest(func(v Value) bool {
			_, ok := filters[toStr(v)]
			return ok
		}),
		"test": typeTest(func(v Value) bool {
			_, ok := tests[toStr(v)]
			return ok
		}),
		"none": typeTest(func(v Value) bool { return v == nil }),
		"boolean": typeTest(func(v Value) bool {
			_, ok := v.(bool)
			return ok
		}),
		"false": typeTest(func(v Value) bool { return v == false }),
		"true":  typeTest(func(v Value) bool { return v == true }),
		"integer": typeTest(func(v Value) bool {
			switch v.(type) {
			case int64, *big.Int:
				return true
			}
			return false
		}),
		"float": typeTest(func(v Value) bool {
			_, ok := v.(float64)
			return ok
		}),
		"lower": typeTest(func(v Value) bool { return pyIsCased(toStr(v), false) }),
		"upper": typeTest(func(v Value) bool { return pyIsCased(toStr(v), true) }),
		"string": typeTest(func(v Value) bool {
			_, ok := isStr(v)
			return ok
		}),
		"mapping": typeTest(func(v Value) bool {
			_, ok := v.(*Dict)
			return ok
		}),
		"number": typeTest(isNumber),
		"sequence": typeTest(func(v Value) bool {
			switch v.(type) {
			case string, Markup, []Value, Tuple, groupTuple, *Dict, *Undefined, *Range:
				return true
			}
			return false
		}),
		"iterable": typeTest(func(v Value) bool {
			switch v.(type) {
			case string, Markup, []Value, Tuple, groupTuple, *Dict, *Undefined, *Gen, *Range, *dictView:
				return true
			}
			return false
		}),
		"callable": typeTest(func(v Value) bool {
			switch x := v.(type) {
			case *Func, *Macro, *joiner, *Undefined:
				return true
			case *LoopInfo:
				return x != nil
			}
			return false
		}),
		"sameas": func(r *renderer, v Value, a *args) (bool, error) {
			o, err := oneArg(a, "other")
			if err != nil {
				return false, err
			}
			return sameAs(v, o), nil
		},
		"escaped": typeTest(func(v Value) bool {
			_, ok := v.(Markup)
			return ok
		}),
		"in": func(r *renderer, v Value, a *args) (bool, error) {
			seq, err := oneArg(a, "seq")
			if err != nil {
				return false, err
			}
			return contains(seq, v)
		},
		"==": cmp("=="), "eq": cmp("=="), "equalto": cmp("=="),
		"!=": cmp("!="), "ne": cmp("!="),
		">": cmp(">"), "gt": cmp(">"), "greaterthan": cmp(">"),
		">=": cmp(">="), "ge": cmp(">="),
		"<": cmp("<"), "lt": cmp("<"), "lessthan": cmp("<"),
		"<=": cmp("<="), "le": cmp("<="),
	}
	testNames = map[string]struct{}{}
	for k := range tests {
		testNames[k] = struct{}{}
	}
}

func (r *renderer) test(name string, v Value, a *args) (Value, error) {
	if err := r.step(); err != nil {
		return nil, err
	}
	t, ok := tests[name]
	if !ok {
		return nil, runtimeErrorf("No test named '%s' found.", name)
	}
	ok, err := t(r, v, a)
	if err != nil {
		return nil, err
	}
	return ok, nil
}

func typeTest(fn func(Value) bool) testFunc {
	return func(r *renderer, v Value, a *args) (bool, error) {
		if _, err := a.bind("test"); err != nil {
			return false, err
		}
		return fn(v), nil
	}
}

func oneArg(a *args, name string) (Value, error) {
	p, err := a.bind("test", name)
	if err != nil {
		return nil, err
	}
	if p[0] == missing {
		return nil, typeErrorf("test() missing 1 required positional argument: '%s'", name)
	}
	return p[0], nil
}

// tMod is "value % 2 == want" (odd, even).
func tMod(want int64) testFunc {
	return func(r *renderer, v Value, a *args) (bool, error) {
		if _, err := a.bind("test"); err != nil {
			return false, err
		}
		m, err := r.binop("%", v, int64(2))
		if err != nil {
			return false, err
		}
		return equal(m, want), nil
	}
}

func tDivisibleby(r *renderer, v Value, a *args) (bool, error) {
	n, err := oneArg(a, "num")
	if err != nil {
		return false, err
	}
	m, err := r.binop("%", v, n)
	if err != nil {
		return false, err
	}
	return equal(m, int64(0)), nil
}

// sameAs approximates Python's "is": singletons and small ints are
// identical when equal, containers only to themselves.
func sameAs(a, b Value) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y && x >= -5 && x <= 256
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []Value:
		y, ok := b.([]Value)
		return ok && len(x) == len(y) && len(x) > 0 && &x[0] == &y[0]
	case *Dict, *Namespace, *Undefined, *Gen, *Macro, *Func, *LoopInfo, *Range:
		return a == b
	}
	return false
}
