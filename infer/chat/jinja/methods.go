package jinja

import (
	"math"
	"strings"
	"unicode"
)

// Python methods of str, dict, list and tuple values. The sandbox
// (ImmutableSandboxedEnvironment) refuses the methods that mutate a list
// or a dict: they come back as an Undefined that raises a SecurityError
// when called. (jinja2 3.1.2 itself still allowed list.pop and
// list.clear; 3.1.5 and later refuse them too, as we do.)

var unsafeMethods = map[string]map[string]bool{
	"list": {"append": true, "extend": true, "insert": true, "pop": true, "remove": true, "reverse": true, "sort": true, "clear": true},
	"dict": {"clear": true, "pop": true, "popitem": true, "setdefault": true, "update": true},
}

// method returns the bound method name of obj, if obj has one.
func method(obj Value, name string) (Value, bool) {
	bind := func(fn func(a *args) (Value, error)) Value {
		return &Func{name: name, self: typeName(obj), fn: fn}
	}
	switch o := obj.(type) {
	case string:
		if f := strMethod(o, name); f != nil {
			return bind(f), true
		}
	case Markup:
		if f := strMethod(string(o), name); f != nil {
			return bind(markupMethod(name, f)), true
		}
	case *Dict:
		if unsafeMethods["dict"][name] {
			return unsafeUndefined(obj, name), true
		}
		if f := dictMethod(o, name); f != nil {
			return bind(f), true
		}
	case []Value:
		if unsafeMethods["list"][name] {
			return unsafeUndefined(obj, name), true
		}
		if f := seqMethod(o, name, true); f != nil {
			return bind(f), true
		}
	case Tuple:
		if f := seqMethod(o, name, false); f != nil {
			return bind(f), true
		}
	case groupTuple:
		if f := seqMethod(o, name, false); f != nil {
			return bind(f), true
		}
	case *Range:
		if f := seqMethod(o.items(), name, false); f != nil && name != "copy" {
			return bind(f), true
		}
	case float64:
		if name == "is_integer" {
			return bind(func(a *args) (Value, error) { return !math.IsInf(o, 0) && o == math.Trunc(o), nil }), true
		}
	}
	return nil, false
}

// markupMethod: Markup's string methods return Markup and escape their
// string arguments.
func markupMethod(name string, f func(*args) (Value, error)) func(*args) (Value, error) {
	return func(a *args) (Value, error) {
		switch name {
		case "replace", "ljust", "rjust", "center", "strip", "lstrip", "rstrip", "join", "format", "partition", "rpartition", "split", "rsplit":
			esc := make([]Value, len(a.pos))
			for i, p := range a.pos {
				if s, ok := p.(string); ok && name != "join" {
					esc[i] = string(escape(s))
				} else {
					esc[i] = p
				}
			}
			if name == "join" && len(a.pos) == 1 {
				items, err := iterate(a.pos[0])
				if err != nil {
					return nil, err
				}
				escItems := make([]Value, len(items))
				for i, it := range items {
					escItems[i] = string(escape(it))
				}
				esc[0] = escItems
			}
			a = &args{pos: esc, kw: a.kw}
		}
		v, err := f(a)
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case string:
			return Markup(x), nil
		case []Value:
			out := make([]Value, len(x))
			for i, s := range x {
				out[i] = Markup(toStr(s))
			}
			return out, nil
		case Tuple:
			out := make(Tuple, len(x))
			for i, s := range x {
				out[i] = Markup(toStr(s))
			}
			return out, nil
		}
		return v, nil
	}
}

func dictMethod(d *Dict, name string) func(*args) (Value, error) {
	switch name {
	case "get":
		return func(a *args) (Value, error) {
			p, err := a.bind("get", "key", "default")
			if err != nil {
				return nil, err
			}
			if p[0] == missing {
				return nil, &TypeError{"get expected at least 1 argument, got 0"}
			}
			if _, ok := hashKey(p[0]); !ok {
				return nil, typeErrorf("unhashable type: '%s'", typeName(p[0]))
			}
			if v, ok := d.Get(p[0]); ok {
				return v, nil
			}
			return or(p[1], nil), nil
		}
	case "items", "keys", "values":
		return func(a *args) (Value, error) {
			if _, err := a.bind(name); err != nil {
				return nil, err
			}
			return &dictView{d: d, kind: name}, nil
		}
	case "copy":
		return func(a *args) (Value, error) { return d.copy(), nil }
	}
	return nil
}

func seqMethod(items []Value, name string, isList bool) func(*args) (Value, error) {
	switch name {
	case "index":
		return func(a *args) (Value, error) {
			p, err := a.bind("index", "value", "start", "stop")
			if err != nil {
				return nil, err
			}
			if p[0] == missing {
				return nil, &TypeError{"index expected at least 1 argument, got 0"}
			}
			start, stop, err := spanArgs(int64(len(items)), p[1], p[2])
			if err != nil {
				return nil, err
			}
			for i := start; i < stop; i++ {
				if equal(items[i], p[0]) {
					return i, nil
				}
			}
			if isList {
				return nil, runtimeErrorf("%s is not in list", repr(p[0]))
			}
			return nil, &RuntimeError{"tuple.index(x): x not in tuple"}
		}
	case "count":
		return func(a *args) (Value, error) {
			p, err := a.bind("count", "value")
			if err != nil {
				return nil, err
			}
			n := int64(0)
			for _, v := range items {
				if equal(v, p[0]) {
					n++
				}
			}
			return n, nil
		}
	case "copy":
		if isList {
			return func(a *args) (Value, error) { return append([]Value{}, items...), nil }
		}
	}
	return nil
}

// spanArgs normalises optional start/end arguments (Python slice rules)
// for a sequence of n items.
func spanArgs(n int64, startV, endV Value) (int64, int64, error) {
	start, end := int64(0), n
	if s := or(startV, nil); s != nil {
		v, err := intArg(s, "")
		if err != nil {
			return 0, 0, typeErrorf("slice indices must be integers or None or have an __index__ method")
		}
		start = v
	}
	if e := or(endV, nil); e != nil {
		v, err := intArg(e, "")
		if err != nil {
			return 0, 0, typeErrorf("slice indices must be integers or None or have an __index__ method")
		}
		end = v
	}
	if start < 0 {
		start = max(start+n, 0)
	}
	if end < 0 {
		end = max(end+n, 0)
	}
	return min(start, n), min(end, n), nil
}

func strArg(v Value, fn string) (string, error) {
	if s, ok := isStr(v); ok {
		return s, nil
	}
	if v == missing {
		return "", typeErrorf("%s() takes at least 1 argument (0 given)", fn)
	}
	return "", typeErrorf("must be str, not %s", typeName(v))
}

func strList(parts []string) []Value {
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

// strMethod returns str.name bound to s, or nil.
func strMethod(s, name string) func(*args) (Value, error) {
	simple := func(f func(string) Value) func(*args) (Value, error) {
		return func(a *args) (Value, error) {
			if _, err := a.bind(name); err != nil {
				return nil, err
			}
			return f(s), nil
		}
	}
	pred := func(f func(rune) bool) func(*args) (Value, error) {
		return simple(func(s string) Value { return allRunes(s, f) })
	}
	switch name {
	case "upper":
		return simple(func(s string) Value { return pyUpper(s) })
	case "lower":
		return simple(func(s string) Value { return pyLower(s) })
	case "casefold":
		return simple(func(s string) Value { return strings.ReplaceAll(pyLower(s), "ß", "ss") })
	case "title":
		return simple(func(s string) Value { return pyTitle(s) })
	case "capitalize":
		return simple(func(s string) Value { return pyCapitalize(s) })
	case "swapcase":
		return simple(func(s string) Value { return pySwapcase(s) })
	case "isdigit":
		return pred(isPyDigit)
	case "isdecimal":
		return pred(isPyDecimal)
	case "isnumeric":
		return pred(isPyNumeric)
	case "isalpha":
		return pred(unicode.IsLetter)
	case "isalnum":
		return pred(func(r rune) bool { return unicode.IsLetter(r) || isPyNumeric(r) })
	case "isspace":
		return pred(isPySpace)
	case "isascii":
		return simple(func(s string) Value {
			for _, r := range s {
				if r >= 0x80 {
					return false
				}
			}
			return true
		})
	case "isprintable":
		return simple(func(s string) Value {
			for _, r := range s {
				if !isPrintable(r) {
					return false
				}
			}
			return true
		})
	case "isidentifier":
		return simple(func(s string) Value {
			for i, r := range []rune(s) {
				if i == 0 && !isIdentStart(r) || !isIdentPart(r) {
					return false
				}
			}
			return s != ""
		})
	case "islower":
		return simple(func(s string) Value { return pyIsCased(s, false) })
	case "isupper":
		return simple(func(s string) Value { return pyIsCased(s, true) })
	case "istitle":
		return simple(func(s string) Value { return pyIsTitle(s) })
	case "strip", "lstrip", "rstrip":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "chars")
			if err != nil {
				return nil, err
			}
			return pyStrip(s, or(p[0], nil), name != "rstrip", name != "lstrip")
		}
	case "split", "rsplit":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "sep", "maxsplit")
			if err != nil {
				return nil, err
			}
			maxsplit, err := intArg(or(p[1], int64(-1)), "")
			if err != nil {
				return nil, err
			}
			if maxsplit < 0 || maxsplit > int64(len(s)) {
				maxsplit = -1
			}
			sep := or(p[0], nil)
			if sep == nil {
				if name == "rsplit" {
					return strList(pyRsplitWhitespace(s, int(maxsplit))), nil
				}
				return strList(pySplitWhitespace(s, int(maxsplit))), nil
			}
			sp, err := strArg(sep, name)
			if err != nil {
				return nil, err
			}
			if sp == "" {
				return nil, &RuntimeError{"empty separator"}
			}
			if name == "rsplit" {
				return strList(pyRsplit(s, sp, int(maxsplit))), nil
			}
			return strList(pySplit(s, sp, int(maxsplit))), nil
		}
	case "splitlines":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "keepends")
			if err != nil {
				return nil, err
			}
			lines, _ := splitlinesKeep(s, truthy(or(p[0], false)))
			return strList(lines), nil
		}
	case "startswith", "endswith":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "prefix", "start", "end")
			if err != nil {
				return nil, err
			}
			var cands []string
			switch x := p[0].(type) {
			case Tuple:
				for _, c := range x {
					cs, ok := isStr(c)
					if !ok {
						return nil, typeErrorf("tuple for %s must only contain str, not %s", name, typeName(c))
					}
					cands = append(cands, cs)
				}
			default:
				cs, ok := isStr(x)
				if !ok {
					if x == missing {
						return nil, typeErrorf("%s() takes at least 1 argument (0 given)", name)
					}
					return nil, typeErrorf("%s first arg must be str or a tuple of str, not %s", name, typeName(x))
				}
				cands = []string{cs}
			}
			rs := []rune(s)
			start, end, err := spanArgs(int64(len(rs)), p[1], p[2])
			if err != nil {
				return nil, err
			}
			if start > end {
				return false, nil
			}
			sub := string(rs[start:end])
			for _, c := range cands {
				if name == "startswith" && strings.HasPrefix(sub, c) || name == "endswith" && strings.HasSuffix(sub, c) {
					return true, nil
				}
			}
			return false, nil
		}
	case "replace":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "old", "new", "count")
			if err != nil {
				return nil, err
			}
			old, err := strArg(p[0], name)
			if err != nil {
				return nil, err
			}
			nw, err := strArg(p[1], name)
			if err != nil {
				return nil, err
			}
			n, err := intArg(or(p[2], int64(-1)), "")
			if err != nil {
				return nil, err
			}
			return pyReplace(s, old, nw, n, DefaultMaxOutput)
		}
	case "find", "rfind", "index", "rindex", "count":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "sub", "start", "end")
			if err != nil {
				return nil, err
			}
			sub, err := strArg(p[0], name)
			if err != nil {
				return nil, err
			}
			rs := []rune(s)
			start, end, err := spanArgs(int64(len(rs)), p[1], p[2])
			if err != nil {
				return nil, err
			}
			if start > end {
				if name == "count" {
					return int64(0), nil
				}
				if strings.HasSuffix(name, "index") {
					return nil, &RuntimeError{"substring not found"}
				}
				return int64(-1), nil
			}
			hay := string(rs[start:end])
			if name == "count" {
				if sub == "" {
					return int64(len(rs[start:end]) + 1), nil
				}
				return int64(strings.Count(hay, sub)), nil
			}
			var i int
			if strings.HasPrefix(name, "r") {
				i = strings.LastIndex(hay, sub)
			} else {
				i = strings.Index(hay, sub)
			}
			if i < 0 {
				if strings.HasSuffix(name, "index") {
					return nil, &RuntimeError{"substring not found"}
				}
				return int64(-1), nil
			}
			return start + int64(runeLen(hay[:i])), nil
		}
	case "join":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "iterable")
			if err != nil {
				return nil, err
			}
			items, err := iterate(p[0])
			if err != nil {
				return nil, typeErrorf("can only join an iterable")
			}
			parts := make([]string, len(items))
			for i, it := range items {
				str, ok := isStr(it)
				if !ok {
					return nil, typeErrorf("sequence item %d: expected str instance, %s found", i, typeName(it))
				}
				parts[i] = str
			}
			return strings.Join(parts, s), nil
		}
	case "format":
		return func(a *args) (Value, error) { return pyFormat(s, a.pos, a.kw) }
	case "format_map":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "mapping")
			if err != nil {
				return nil, err
			}
			d, ok := p[0].(*Dict)
			if !ok {
				return nil, typeErrorf("format_map() argument must be a mapping")
			}
			return pyFormat(s, nil, d)
		}
	case "removeprefix", "removesuffix":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "fix")
			if err != nil {
				return nil, err
			}
			fix, err := strArg(p[0], name)
			if err != nil {
				return nil, err
			}
			if name == "removeprefix" {
				return strings.TrimPrefix(s, fix), nil
			}
			return strings.TrimSuffix(s, fix), nil
		}
	case "partition", "rpartition":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "sep")
			if err != nil {
				return nil, err
			}
			sep, err := strArg(p[0], name)
			if err != nil {
				return nil, err
			}
			if sep == "" {
				return nil, &RuntimeError{"empty separator"}
			}
			var i int
			if name == "partition" {
				i = strings.Index(s, sep)
			} else {
				i = strings.LastIndex(s, sep)
			}
			if i < 0 {
				if name == "partition" {
					return Tuple{s, "", ""}, nil
				}
				return Tuple{"", "", s}, nil
			}
			return Tuple{s[:i], sep, s[i+len(sep):]}, nil
		}
	case "zfill":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "width")
			if err != nil {
				return nil, err
			}
			w, err := intArg(p[0], "")
			if err != nil {
				return nil, err
			}
			n := w - int64(runeLen(s))
			if n <= 0 {
				return s, nil
			}
			if n > DefaultMaxOutput {
				return nil, &LimitError{"string too large"}
			}
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				return s[:1] + strings.Repeat("0", int(n)) + s[1:], nil
			}
			return strings.Repeat("0", int(n)) + s, nil
		}
	case "ljust", "rjust", "center":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "width", "fillchar")
			if err != nil {
				return nil, err
			}
			w, err := intArg(p[0], "")
			if err != nil {
				return nil, err
			}
			fill, err := strArg(or(p[1], " "), name)
			if err != nil {
				return nil, err
			}
			if runeLen(fill) != 1 {
				return nil, &TypeError{"The fill character must be exactly one character long"}
			}
			if name == "center" { // str.center pads the left side less
				n := w - int64(runeLen(s))
				if n <= 0 {
					return s, nil
				}
				if n*int64(len(fill)) > DefaultMaxOutput {
					return nil, &LimitError{"string too large"}
				}
				left := n/2 + (n & w & 1)
				return strings.Repeat(fill, int(left)) + s + strings.Repeat(fill, int(n-left)), nil
			}
			return pyJustify(s, w, fill, name, DefaultMaxOutput)
		}
	case "expandtabs":
		return func(a *args) (Value, error) {
			p, err := a.bind(name, "tabsize")
			if err != nil {
				return nil, err
			}
			ts, err := intArg(or(p[0], int64(8)), "")
			if err != nil {
				return nil, err
			}
			var b strings.Builder
			col := int64(0)
			for _, r := range s {
				switch {
				case r == '\t':
					if ts > 0 {
						n := ts - col%ts
						if int64(b.Len())+n > DefaultMaxOutput {
							return nil, &LimitError{"string too large"}
						}
						b.WriteString(strings.Repeat(" ", int(n)))
						col += n
					}
				case r == '\n' || r == '\r':
					b.WriteRune(r)
					col = 0
				default:
					b.WriteRune(r)
					col++
				}
			}
			return b.String(), nil
		}
	}
	return nil
}
