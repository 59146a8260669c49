package jinja

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// method returns a bound method of a str, dict or list value. The
// sandbox's mutating methods come back as unsafe.
func method(obj Value, name string) (Value, bool) {
	bind := func(fn func(a args) (Value, error)) Value {
		return &Func{name: name, fn: func(pos []Value, kw *Dict) (Value, error) { return fn(args{pos, kw}) }}
	}
	if s, ok := isStr(obj); ok {
		if f := strMethod(s, name); f != nil {
			return bind(f), true
		}
		return nil, false
	}
	switch o := obj.(type) {
	case *Dict:
		switch name {
		case "get":
			return bind(func(a args) (Value, error) {
				if v, ok := o.Get(a.get(0, "key", nil)); ok {
					return v, nil
				}
				return a.get(1, "default", nil), nil
			}), true
		case "items":
			return bind(func(a args) (Value, error) {
				out := make([]Value, o.Len())
				for i, k := range o.keys {
					out[i] = Tuple{k, o.vals[i]}
				}
				return out, nil
			}), true
		case "keys":
			return bind(func(a args) (Value, error) { return append([]Value{}, o.keys...), nil }), true
		case "values":
			return bind(func(a args) (Value, error) { return append([]Value{}, o.vals...), nil }), true
		case "copy":
			return bind(func(a args) (Value, error) { return o.copy(), nil }), true
		case "pop", "popitem", "update", "clear", "setdefault", "__setitem__", "__delitem__":
			return &unsafeMethod{name, "dict"}, true
		}
	case []Value:
		switch name {
		case "index":
			return bind(func(a args) (Value, error) {
				x := a.get(0, "", nil)
				for i, v := range o {
					if equal(v, x) {
						return int64(i), nil
					}
				}
				return nil, &RuntimeError{fmt.Sprintf("%s is not in list", repr(x))}
			}), true
		case "count":
			return bind(func(a args) (Value, error) {
				n := int64(0)
				for _, v := range o {
					if equal(v, a.get(0, "", nil)) {
						n++
					}
				}
				return n, nil
			}), true
		case "copy":
			return bind(func(a args) (Value, error) { return append([]Value{}, o...), nil }), true
		case "append", "pop", "extend", "insert", "remove", "sort", "reverse", "clear":
			return &unsafeMethod{name, "list"}, true
		}
	}
	return nil, false
}

func strMethod(s, name string) func(a args) (Value, error) {
	str := func(f func(string) string) func(args) (Value, error) {
		return func(args) (Value, error) { return f(s), nil }
	}
	charsArg := func(a args) (string, bool) {
		c := a.get(0, "chars", nil)
		if c == nil {
			return "", false
		}
		return toStr(c), true
	}
	switch name {
	case "strip":
		return func(a args) (Value, error) {
			if c, ok := charsArg(a); ok {
				return strings.Trim(s, c), nil
			}
			return strings.TrimFunc(s, unicode.IsSpace), nil
		}
	case "lstrip":
		return func(a args) (Value, error) {
			if c, ok := charsArg(a); ok {
				return strings.TrimLeft(s, c), nil
			}
			return strings.TrimLeftFunc(s, unicode.IsSpace), nil
		}
	case "rstrip":
		return func(a args) (Value, error) {
			if c, ok := charsArg(a); ok {
				return strings.TrimRight(s, c), nil
			}
			return strings.TrimRightFunc(s, unicode.IsSpace), nil
		}
	case "upper":
		return str(strings.ToUpper)
	case "lower":
		return str(strings.ToLower)
	case "title":
		return str(pyTitle)
	case "capitalize":
		return str(pyCapitalize)
	case "swapcase":
		return str(func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsUpper(r) {
					return unicode.ToLower(r)
				}
				return unicode.ToUpper(r)
			}, s)
		})
	case "split", "rsplit":
		return func(a args) (Value, error) {
			sep := a.get(0, "sep", nil)
			maxsplit := int64(-1)
			if m, ok := asInt(a.get(1, "maxsplit", int64(-1))); ok {
				maxsplit = m
			}
			var parts []string
			if sep == nil {
				parts = splitWhitespace(s, int(maxsplit), name == "rsplit")
			} else {
				sp := toStr(sep)
				if sp == "" {
					return nil, &RuntimeError{"empty separator"}
				}
				if name == "rsplit" && maxsplit >= 0 {
					parts = rsplitN(s, sp, int(maxsplit))
				} else {
					n := -1
					if maxsplit >= 0 {
						n = int(maxsplit) + 1
					}
					parts = strings.SplitN(s, sp, n)
				}
			}
			out := make([]Value, len(parts))
			for i, p := range parts {
				out[i] = p
			}
			return out, nil
		}
	case "splitlines":
		return func(a args) (Value, error) {
			lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
			if len(lines) > 0 && lines[len(lines)-1] == "" {
				lines = lines[:len(lines)-1]
			}
			out := make([]Value, len(lines))
			for i, l := range lines {
				out[i] = l
			}
			return out, nil
		}
	case "startswith", "endswith":
		return func(a args) (Value, error) {
			p := a.get(0, "prefix", "")
			var cands []string
			if t, ok := p.(Tuple); ok {
				for _, x := range t {
					cands = append(cands, toStr(x))
				}
			} else if ps, ok := isStr(p); ok {
				cands = []string{ps}
			} else {
				return nil, &TypeError{fmt.Sprintf("%s first arg must be str or a tuple of str, not %s", name, typeName(p))}
			}
			sub := s
			if st, ok := asInt(a.get(1, "start", nil)); ok {
				rs := []rune(sub)
				if st < 0 {
					st += int64(len(rs))
				}
				sub = string(rs[max(0, min(int64(len(rs)), st)):])
			}
			for _, c := range cands {
				if (name == "startswith" && strings.HasPrefix(sub, c)) || (name == "endswith" && strings.HasSuffix(sub, c)) {
					return true, nil
				}
			}
			return false, nil
		}
	case "replace":
		return func(a args) (Value, error) {
			n := -1
			if c, ok := asInt(a.get(2, "count", nil)); ok {
				n = int(c)
			}
			return strings.Replace(s, toStr(a.get(0, "old", "")), toStr(a.get(1, "new", "")), n), nil
		}
	case "find", "rfind", "index", "rindex":
		return func(a args) (Value, error) {
			sub := toStr(a.get(0, "sub", ""))
			var i int
			if strings.HasPrefix(name, "r") {
				i = strings.LastIndex(s, sub)
			} else {
				i = strings.Index(s, sub)
			}
			if i < 0 {
				if strings.HasSuffix(name, "index") {
					return nil, &RuntimeError{"substring not found"}
				}
				return int64(-1), nil
			}
			return int64(len([]rune(s[:i]))), nil
		}
	case "count":
		return func(a args) (Value, error) { return int64(strings.Count(s, toStr(a.get(0, "sub", "")))), nil }
	case "join":
		return func(a args) (Value, error) {
			items, err := iterate(a.get(0, "iterable", nil))
			if err != nil {
				return nil, err
			}
			parts := make([]string, len(items))
			for i, it := range items {
				str, ok := isStr(it)
				if !ok {
					return nil, &TypeError{fmt.Sprintf("sequence item %d: expected str instance, %s found", i, typeName(it))}
				}
				parts[i] = str
			}
			return strings.Join(parts, s), nil
		}
	case "format":
		return func(a args) (Value, error) { return pyFormat(s, a) }
	case "isdigit", "isnumeric", "isdecimal":
		return func(args) (Value, error) {
			return s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0, nil
		}
	case "isalpha":
		return func(args) (Value, error) {
			return s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) < 0, nil
		}
	case "isalnum":
		return func(args) (Value, error) {
			return s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) < 0, nil
		}
	case "isspace":
		return func(args) (Value, error) {
			return s != "" && strings.TrimSpace(s) == "", nil
		}
	case "islower":
		return func(args) (Value, error) { return strings.ToLower(s) == s && strings.ToUpper(s) != s, nil }
	case "isupper":
		return func(args) (Value, error) { return strings.ToUpper(s) == s && strings.ToLower(s) != s, nil }
	case "removeprefix":
		return func(a args) (Value, error) { return strings.TrimPrefix(s, toStr(a.get(0, "prefix", ""))), nil }
	case "removesuffix":
		return func(a args) (Value, error) { return strings.TrimSuffix(s, toStr(a.get(0, "suffix", ""))), nil }
	case "partition", "rpartition":
		return func(a args) (Value, error) {
			sep := toStr(a.get(0, "sep", ""))
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
		return func(a args) (Value, error) {
			w, _ := asInt(a.get(0, "width", int64(0)))
			n := int(w) - len([]rune(s))
			if n <= 0 {
				return s, nil
			}
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				return s[:1] + strings.Repeat("0", n) + s[1:], nil
			}
			return strings.Repeat("0", n) + s, nil
		}
	case "ljust", "rjust", "center":
		return func(a args) (Value, error) {
			w, _ := asInt(a.get(0, "width", int64(0)))
			fill := toStr(a.get(1, "fillchar", " "))
			n := int(w) - len([]rune(s))
			if n <= 0 {
				return s, nil
			}
			switch name {
			case "ljust":
				return s + strings.Repeat(fill, n), nil
			case "rjust":
				return strings.Repeat(fill, n) + s, nil
			}
			left := n / 2
			if n%2 == 1 && int(w)%2 == 1 {
				left++
			}
			return strings.Repeat(fill, left) + s + strings.Repeat(fill, n-left), nil
		}
	case "encode", "decode":
		return func(args) (Value, error) { return s, nil }
	}
	return nil
}

func splitWhitespace(s string, maxsplit int, fromRight bool) []string {
	if maxsplit < 0 {
		return strings.Fields(s)
	}
	if fromRight {
		var out []string
		t := strings.TrimRightFunc(s, unicode.IsSpace)
		for len(out) < maxsplit {
			i := strings.LastIndexFunc(t, unicode.IsSpace)
			if i < 0 {
				break
			}
			out = append([]string{t[i+1:]}, out...)
			t = strings.TrimRightFunc(t[:i], unicode.IsSpace)
		}
		if t != "" {
			out = append([]string{t}, out...)
		}
		return out
	}
	var out []string
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	for len(out) < maxsplit && t != "" {
		i := strings.IndexFunc(t, unicode.IsSpace)
		if i < 0 {
			break
		}
		out = append(out, t[:i])
		t = strings.TrimLeftFunc(t[i:], unicode.IsSpace)
	}
	if t != "" {
		out = append(out, t)
	}
	return out
}

func rsplitN(s, sep string, maxsplit int) []string {
	var out []string
	for len(out) < maxsplit {
		i := strings.LastIndex(s, sep)
		if i < 0 {
			break
		}
		out = append([]string{s[i+len(sep):]}, out...)
		s = s[:i]
	}
	return append([]string{s}, out...)
}

// pyFormat is str.format with positional and named fields (format specs
// for padding and precision are not interpreted beyond ! conversions).
func pyFormat(s string, a args) (Value, error) {
	var b strings.Builder
	auto := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '{' {
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte('{')
				i++
				continue
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, &RuntimeError{"Single '{' encountered in format string"}
			}
			field := s[i+1 : i+j]
			i += j
			conv := ""
			if k := strings.IndexByte(field, '!'); k >= 0 {
				conv = field[k+1:]
				field = field[:k]
			}
			spec := ""
			if k := strings.IndexByte(field, ':'); k >= 0 {
				spec = field[k+1:]
				field = field[:k]
			}
			var v Value
			switch {
			case field == "":
				v = a.get(auto, "", &Undefined{})
				auto++
			default:
				if n, err := strconv.Atoi(field); err == nil {
					v = a.get(n, "", nil)
					if n >= len(a.pos) {
						return nil, &RuntimeError{"Replacement index out of range"}
					}
				} else {
					name, rest, _ := strings.Cut(field, ".")
					var ok bool
					if a.kw != nil {
						v, ok = a.kw.Get(name)
					}
					if !ok {
						return nil, &RuntimeError{fmt.Sprintf("KeyError: '%s'", name)}
					}
					if rest != "" {
						var err error
						if v, err = getAttrPath(v, rest); err != nil {
							return nil, err
						}
					}
				}
			}
			out := toStr(v)
			if conv == "r" {
				out = repr(v)
			}
			if spec != "" {
				out = applySpec(v, out, spec)
			}
			b.WriteString(out)
			continue
		}
		if c == '}' && i+1 < len(s) && s[i+1] == '}' {
			i++
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// applySpec handles the common format specs: width/alignment and .Nf.
func applySpec(v Value, s, spec string) string {
	if strings.HasSuffix(spec, "f") {
		if f, ok := number(v); ok {
			p, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(spec, "."), "f"))
			return strconv.FormatFloat(f, 'f', p, 64)
		}
	}
	if strings.HasSuffix(spec, "d") {
		spec = strings.TrimSuffix(spec, "d")
	}
	align := byte('<')
	if _, ok := number(v); ok {
		align = '>'
	}
	if len(spec) > 0 && (spec[0] == '<' || spec[0] == '>' || spec[0] == '^') {
		align = spec[0]
		spec = spec[1:]
	}
	w, err := strconv.Atoi(spec)
	if err != nil {
		return s
	}
	n := w - len([]rune(s))
	if n <= 0 {
		return s
	}
	switch align {
	case '>':
		return strings.Repeat(" ", n) + s
	case '^':
		return strings.Repeat(" ", n/2) + s + strings.Repeat(" ", n-n/2)
	}
	return s + strings.Repeat(" ", n)
}

// percentFormat is "…" % args.
func percentFormat(s string, arg Value) (Value, error) {
	var items []Value
	if t, ok := arg.(Tuple); ok {
		items = t
	} else {
		items = []Value{arg}
	}
	var b strings.Builder
	k := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == '%' {
			b.WriteByte('%')
			continue
		}
		if k >= len(items) {
			return nil, &TypeError{"not enough arguments for format string"}
		}
		v := items[k]
		k++
		switch s[i] {
		case 's':
			b.WriteString(toStr(v))
		case 'r':
			b.WriteString(repr(v))
		case 'd', 'i':
			f, ok := number(v)
			if !ok {
				return nil, &TypeError{"%d format: a number is required"}
			}
			b.WriteString(strconv.FormatInt(int64(f), 10))
		case 'f':
			f, _ := number(v)
			b.WriteString(strconv.FormatFloat(f, 'f', 6, 64))
		default:
			return nil, &RuntimeError{"unsupported format character"}
		}
	}
	return b.String(), nil
}

// globals are the functions every template sees.
func globals(r *renderer) map[string]Value {
	fn := func(name string, f func(a args) (Value, error)) *Func {
		return &Func{name: name, fn: func(pos []Value, kw *Dict) (Value, error) { return f(args{pos, kw}) }}
	}
	return map[string]Value{
		"range": fn("range", func(a args) (Value, error) {
			var start, stop, step int64 = 0, 0, 1
			nums := make([]int64, len(a.pos))
			for i, v := range a.pos {
				n, ok := asInt(v)
				if !ok {
					return nil, &TypeError{fmt.Sprintf("'%s' object cannot be interpreted as an integer", typeName(v))}
				}
				nums[i] = n
			}
			switch len(nums) {
			case 1:
				stop = nums[0]
			case 2:
				start, stop = nums[0], nums[1]
			case 3:
				start, stop, step = nums[0], nums[1], nums[2]
			default:
				return nil, &TypeError{"range expected 1 to 3 arguments"}
			}
			if step == 0 {
				return nil, &RuntimeError{"range() arg 3 must not be zero"}
			}
			var out []Value
			for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
				if len(out) >= maxItems {
					return nil, &RuntimeError{"range too large"}
				}
				out = append(out, i)
			}
			if out == nil {
				out = []Value{}
			}
			return out, nil
		}),
		"dict": fn("dict", func(a args) (Value, error) {
			d := NewDict()
			if len(a.pos) > 0 {
				if src, ok := a.pos[0].(*Dict); ok {
					d = src.copy()
				}
			}
			if a.kw != nil {
				for i, k := range a.kw.keys {
					d.Set(k, a.kw.vals[i])
				}
			}
			return d, nil
		}),
		"namespace": fn("namespace", func(a args) (Value, error) {
			d := NewDict()
			if len(a.pos) > 0 {
				if src, ok := a.pos[0].(*Dict); ok {
					d = src.copy()
				}
			}
			if a.kw != nil {
				for i, k := range a.kw.keys {
					d.Set(k, a.kw.vals[i])
				}
			}
			return &Namespace{d}, nil
		}),
		"raise_exception": fn("raise_exception", func(a args) (Value, error) {
			return nil, &TemplateError{toStr(a.get(0, "message", ""))}
		}),
		"strftime_now": fn("strftime_now", func(a args) (Value, error) {
			return strftime(r.now(), toStr(a.get(0, "format", ""))), nil
		}),
		"lipsum": fn("lipsum", func(a args) (Value, error) { return "", nil }),
	}
}

// strftime formats t with Python's (C locale) directives.
func strftime(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}
