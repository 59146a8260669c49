package jinja

import "fmt"

// args are the arguments of a call to a filter, test, method or global.
type args struct {
	pos []Value
	kw  *Dict
}

// missing marks a parameter that was not passed.
type missingT struct{}

var missing Value = missingT{}

// bind matches the arguments to the parameters of a Python function
// named fn, as Python does: positional ones first, then keywords; too
// many or unknown arguments are a TypeError. Parameters that were not
// passed are missing (see or).
func (a *args) bind(fn string, names ...string) ([]Value, error) {
	out := make([]Value, len(names))
	for i := range out {
		out[i] = missing
	}
	if len(a.pos) > len(names) {
		return nil, typeErrorf("%s() takes at most %d arguments (%d given)", fn, len(names), len(a.pos))
	}
	copy(out, a.pos)
	if a.kw != nil {
		for i, k := range a.kw.keys {
			name, _ := k.(string)
			idx := -1
			for j, n := range names {
				if n == name {
					idx = j
				}
			}
			if idx < 0 {
				return nil, typeErrorf("%s() got an unexpected keyword argument '%s'", fn, name)
			}
			if out[idx] != missing {
				return nil, typeErrorf("%s() got multiple values for argument '%s'", fn, name)
			}
			out[idx] = a.kw.vals[i]
		}
	}
	return out, nil
}

// need checks that the first n parameters were passed.
func need(fn string, vals []Value, names []string, n int) error {
	for i := 0; i < n; i++ {
		if vals[i] == missing {
			return typeErrorf("%s() missing required argument '%s'", fn, names[i])
		}
	}
	return nil
}

// or returns v, or def when v is missing.
func or(v, def Value) Value {
	if v == missing {
		return def
	}
	return v
}

// intArg converts an argument that must be an integer.
func intArg(v Value, what string) (int64, error) {
	if n, ok := asInt(v); ok {
		return n, nil
	}
	if u, ok := v.(*Undefined); ok {
		return 0, u.err()
	}
	return 0, typeErrorf("'%s' object cannot be interpreted as an integer%s", typeName(v), what)
}

func (a *args) String() string { return fmt.Sprintf("%v %v", a.pos, a.kw) }
