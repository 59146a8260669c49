package jinja

import (
	"fmt"
	"html"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The built-in filters of jinja2 3.1.2, with transformers' tojson.

type filterFunc func(r *renderer, v Value, a *args) (Value, error)

var (
	filters     map[string]filterFunc
	filterNames map[string]struct{}
)

func init() {
	filters = map[string]filterFunc{
		"abs":            fAbs,
		"attr":           fAttr,
		"batch":          fBatch,
		"capitalize":     strFilter(pyCapitalize),
		"center":         fCenter,
		"count":          fLength,
		"d":              fDefault,
		"default":        fDefault,
		"dictsort":       fDictsort,
		"e":              fEscape,
		"escape":         fEscape,
		"filesizeformat": fFilesizeformat,
		"first":          fFirst,
		"float":          fFloat,
		"forceescape":    fForceescape,
		"format":         fFormat,
		"groupby":        fGroupby,
		"indent":         fIndent,
		"int":            fInt,
		"items":          fItems,
		"join":           fJoin,
		"last":           fLast,
		"length":         fLength,
		"list":           fList,
		"lower":          strFilter(pyLower),
		"map":            fMap,
		"max":            fMinMax(false),
		"min":            fMinMax(true),
		"pprint":         fPprint,
		"random":         fRandom,
		"reject":         fSelect(false, false),
		"rejectattr":     fSelect(false, true),
		"replace":        fReplace,
		"reverse":        fReverse,
		"round":          fRound,
		"safe":           fSafe,
		"select":         fSelect(true, false),
		"selectattr":     fSelect(true, true),
		"slice":          fSlice,
		"sort":           fSort,
		"string":         fString,
		"striptags":      fStriptags,
		"sum":            fSum,
		"title":          strFilter(jinjaTitle),
		"tojson":         fTojson,
		"trim":           fTrim,
		"truncate":       fTruncate,
		"unique":         fUnique,
		"upper":          strFilter(pyUpper),
		"urlencode":      fUrlencode,
		"urlize":         fUrlize,
		"wordcount":      fWordcount,
		"wordwrap":       fWordwrap,
		"xmlattr":        fXmlattr,
	}
	filterNames = map[string]struct{}{}
	for k := range filters {
		filterNames[k] = struct{}{}
	}
	initTests()
}

func (r *renderer) applyFilter(f *filterExpr, v Value, sc *scope) (Value, error) {
	pos, kw, err := r.evalArgs(f.callArgs, sc)
	if err != nil {
		return nil, err
	}
	return r.filter(f.name, v, &args{pos: pos, kw: kw})
}

// filterChain applies a {% filter %} or {% set x | f %} chain to v.
func (r *renderer) filterChain(f *filterExpr, v Value, sc *scope) (Value, error) {
	if inner, ok := f.operand.(*filterExpr); ok {
		var err error
		if v, err = r.filterChain(inner, v, sc); err != nil {
			return nil, err
		}
	}
	return r.applyFilter(f, v, sc)
}

func (r *renderer) filter(name string, v Value, a *args) (Value, error) {
	if err := r.step(); err != nil {
		return nil, err
	}
	if r.folding && contextFilters[name] {
		return nil, errNotConstant
	}
	f, ok := filters[name]
	if !ok {
		return nil, runtimeErrorf("No filter named '%s' found.", name)
	}
	return f(r, v, a)
}

// softStr is markupsafe's soft_str: Markup stays Markup, anything else
// becomes str().
func softStr(v Value) Value {
	if m, ok := v.(Markup); ok {
		return m
	}
	return toStr(v)
}

// sameKind returns s as the string type of like (Markup or str).
func sameKind(like Value, s string) Value {
	if _, ok := like.(Markup); ok {
		return Markup(s)
	}
	return s
}

func strFilter(fn func(string) string) filterFunc {
	return func(r *renderer, v Value, a *args) (Value, error) {
		if _, err := a.bind("filter"); err != nil {
			return nil, err
		}
		s := softStr(v)
		str, _ := isStr(s)
		return sameKind(s, fn(str)), nil
	}
}

func fAbs(r *renderer, v Value, a *args) (Value, error) {
	switch x := v.(type) {
	case bool, int64:
		n, _ := asInt(x)
		if n < 0 {
			return numArith("-", int64(0), n)
		}
		return n, nil
	case *big.Int:
		return normInt(new(big.Int).Abs(x)), nil
	case float64:
		return math.Abs(x), nil
	}
	return nil, typeErrorf("bad operand type for abs(): '%s'", typeName(v))
}

func fAttr(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_attr", "name")
	if err != nil {
		return nil, err
	}
	if err := need("do_attr", p, []string{"name"}, 1); err != nil {
		return nil, err
	}
	if u, ok := v.(*Undefined); ok {
		return nil, u.err()
	}
	name := toStr(p[0])
	if x, ok := attribute(v, name); ok {
		return x, nil
	}
	return undefinedAttr(v, name), nil
}

func fBatch(r *renderer, v Value, a *args) (Value, error) {
	names := []string{"linecount", "fill_with"}
	p, err := a.bind("do_batch", names...)
	if err != nil {
		return nil, err
	}
	if err := need("do_batch", p, names, 1); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	n, err := intArg(p[0], "")
	if err != nil {
		return nil, err
	}
	fill := or(p[1], nil)
	var out []Value
	var tmp []Value
	for _, it := range items {
		if int64(len(tmp)) == n {
			out = append(out, tmp)
			tmp = nil
		}
		tmp = append(tmp, it)
	}
	if len(tmp) > 0 {
		if fill != nil && int64(len(tmp)) < n {
			if n > maxItems {
				return nil, &LimitError{"batch too large"}
			}
			for int64(len(tmp)) < n {
				tmp = append(tmp, fill)
			}
		}
		out = append(out, tmp)
	}
	return newGen(out), nil
}

func fCenter(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_center", "width")
	if err != nil {
		return nil, err
	}
	w, err := intArg(or(p[0], int64(80)), "")
	if err != nil {
		return nil, err
	}
	s := softStr(v)
	str, _ := isStr(s)
	out, err := pyJustify(str, w, " ", "center", r.maxOutput)
	if err != nil {
		return nil, err
	}
	return sameKind(s, out), nil
}

// pyJustify is str.center/ljust/rjust.
func pyJustify(s string, width int64, fill, how string, limit int) (string, error) {
	n := width - int64(runeLen(s))
	if n <= 0 {
		return s, nil
	}
	if n*int64(len(fill)) > int64(limit) {
		return "", &LimitError{"string too large"}
	}
	switch how {
	case "ljust":
		return s + strings.Repeat(fill, int(n)), nil
	case "rjust":
		return strings.Repeat(fill, int(n)) + s, nil
	}
	left := n/2 + (n & width & 1)
	return strings.Repeat(fill, int(left)) + s + strings.Repeat(fill, int(n-left)), nil
}

func fLength(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("len"); err != nil {
		return nil, err
	}
	n, err := length(v)
	return int64(n), err
}

func fDefault(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_default", "default_value", "boolean")
	if err != nil {
		return nil, err
	}
	if _, undef := v.(*Undefined); undef || truthy(or(p[1], false)) && !truthy(v) {
		return or(p[0], ""), nil
	}
	return v, nil
}

// ignoreCase is jinja2's ignore_case postprocessor.
func ignoreCase(v Value) Value {
	if s, ok := isStr(v); ok {
		return pyLower(s)
	}
	return v
}

func fDictsort(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_dictsort", "case_sensitive", "by", "reverse")
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		if u, ok := v.(*Undefined); ok {
			return nil, u.err()
		}
		return nil, &RuntimeError{fmt.Sprintf("'%s' object has no attribute 'items'", typeName(v))}
	}
	pos := 0
	switch toStr(or(p[1], "key")) {
	case "key":
	case "value":
		pos = 1
	default:
		return nil, &RuntimeError{`You can only sort by either "key" or "value"`}
	}
	cs := truthy(or(p[0], false))
	items := d.items()
	err = sortValues(items, func(x Value) (Value, error) {
		k := x.(Tuple)[pos]
		if !cs {
			k = ignoreCase(k)
		}
		return k, nil
	}, truthy(or(p[2], false)))
	return items, err
}

// sortValues sorts in place as Python's sorted(key=…, reverse=…).
func sortValues(vs []Value, key func(Value) (Value, error), reverse bool) error {
	keys := make([]Value, len(vs))
	for i, v := range vs {
		k, err := key(v)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	idx := make([]int, len(vs))
	for i := range idx {
		idx[i] = i
	}
	var err error
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := keys[idx[i]], keys[idx[j]]
		if reverse {
			a, b = b, a
		}
		c, e := compare("<", a, b)
		if e != nil && err == nil {
			err = e
		}
		return c == -1
	})
	if err != nil {
		return err
	}
	sorted := make([]Value, len(vs))
	for i, j := range idx {
		sorted[i] = vs[j]
	}
	copy(vs, sorted)
	return nil
}

func fEscape(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("escape"); err != nil {
		return nil, err
	}
	return escape(v), nil
}

func fForceescape(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_forceescape"); err != nil {
		return nil, err
	}
	return Markup(escapeHTML(toStr(v))), nil
}

func fFilesizeformat(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_filesizeformat", "binary")
	if err != nil {
		return nil, err
	}
	f, err := pyFloatOf(v)
	if err != nil {
		return nil, err
	}
	binary := truthy(or(p[0], false))
	base := 1000.0
	prefixes := []string{"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	if binary {
		base = 1024
		prefixes = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
	}
	switch {
	case f == 1:
		return "1 Byte", nil
	case f < base:
		return fmt.Sprintf("%d Bytes", int64(f)), nil
	}
	unit := 0.0
	for i, prefix := range prefixes {
		unit = math.Pow(base, float64(i+2))
		if f < unit || i == len(prefixes)-1 {
			return formatFloatSpec(base*f/unit, 'f', 1) + " " + prefix, nil
		}
	}
	return "", nil
}

// pyFloatOf is Python's float(v).
func pyFloatOf(v Value) (float64, error) {
	switch x := v.(type) {
	case string, Markup:
		s, _ := isStr(x)
		if f, ok := parsePyFloat(s); ok {
			return f, nil
		}
		return 0, &RuntimeError{fmt.Sprintf("could not convert string to float: %s", pyQuote(s))}
	case *Undefined:
		return 0, x.err()
	}
	if isNumber(v) {
		return toFloat(v)
	}
	return 0, typeErrorf("float() argument must be a string or a real number, not '%s'", typeName(v))
}

func fFirst(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_first"); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &Undefined{msg: "No first item, sequence was empty."}, nil
	}
	return items[0], nil
}

func fLast(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_last"); err != nil {
		return nil, err
	}
	items, err := reversedItems(v)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &Undefined{msg: "No last item, sequence was empty."}, nil
	}
	return items[0], nil
}

// reversedItems is Python's reversed(v).
func reversedItems(v Value) ([]Value, error) {
	switch v.(type) {
	case *Gen, *Namespace, nil, bool, int64, *big.Int, float64:
		return nil, typeErrorf("'%s' object is not reversible", typeName(v))
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	out := make([]Value, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it
	}
	return out, nil
}

func fFloat(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_float", "default")
	if err != nil {
		return nil, err
	}
	f, err := pyFloatOf(v)
	if err != nil {
		if _, ok := err.(*UndefinedError); ok {
			return nil, err
		}
		return or(p[0], 0.0), nil
	}
	return f, nil
}

func fFormat(r *renderer, v Value, a *args) (Value, error) {
	if len(a.pos) > 0 && a.kw != nil && a.kw.Len() > 0 {
		return nil, &RuntimeError{"can't handle positional and keyword arguments at the same time"}
	}
	var arg Value = Tuple(a.pos)
	if a.kw != nil && a.kw.Len() > 0 {
		arg = a.kw
	}
	s := softStr(v)
	str, _ := isStr(s)
	out, err := percentFormat(str, arg, s)
	if err != nil {
		return nil, err
	}
	return sameKind(s, out), nil
}

// attrGetter is jinja2's make_attrgetter: a dotted path of items (digit
// parts are integers), looked up with the sandbox's getitem.
func attrGetter(attr Value, dflt Value, post func(Value) Value) func(Value) (Value, error) {
	var parts []Value
	if s, ok := isStr(attr); ok {
		for _, p := range strings.Split(s, ".") {
			if isASCIIDigits(p) {
				n, _ := parsePyInt(p, 10)
				parts = append(parts, n)
			} else {
				parts = append(parts, p)
			}
		}
	} else if attr != nil && attr != missing {
		parts = []Value{attr}
	}
	return func(item Value) (Value, error) {
		var err error
		for _, part := range parts {
			if item, err = getItem(item, part); err != nil {
				return nil, err
			}
			if _, undef := item.(*Undefined); undef && dflt != nil && dflt != missing {
				item = dflt
			}
		}
		if post != nil {
			item = post(item)
		}
		return item, nil
	}
}

func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// multiAttrGetter is make_multi_attrgetter ("a,b" gives a list of both).
func multiAttrGetter(attr Value, post func(Value) Value) func(Value) (Value, error) {
	s, ok := isStr(attr)
	if !ok {
		g := attrGetter(attr, nil, post)
		return func(v Value) (Value, error) {
			x, err := g(v)
			return []Value{x}, err
		}
	}
	var getters []func(Value) (Value, error)
	for _, part := range strings.Split(s, ",") {
		getters = append(getters, attrGetter(part, nil, post))
	}
	return func(v Value) (Value, error) {
		out := make([]Value, len(getters))
		for i, g := range getters {
			x, err := g(v)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
}

func fGroupby(r *renderer, v Value, a *args) (Value, error) {
	names := []string{"attribute", "default", "case_sensitive"}
	p, err := a.bind("do_groupby", names...)
	if err != nil {
		return nil, err
	}
	if err := need("do_groupby", p, names, 1); err != nil {
		return nil, err
	}
	var post func(Value) Value
	if !truthy(or(p[2], false)) {
		post = ignoreCase
	}
	key := attrGetter(p[0], or(p[1], nil), post)
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	sorted := append([]Value(nil), items...)
	if err := sortValues(sorted, key, false); err != nil {
		return nil, err
	}
	var out []Value
	var curKey Value
	var cur []Value
	for i, it := range sorted {
		k, err := key(it)
		if err != nil {
			return nil, err
		}
		if i > 0 && !equal(k, curKey) {
			out = append(out, groupTuple{curKey, cur})
			cur = nil
		}
		curKey = k
		cur = append(cur, it)
	}
	if len(cur) > 0 {
		out = append(out, groupTuple{curKey, cur})
	}
	if post != nil {
		real := attrGetter(p[0], or(p[1], nil), nil)
		for i, g := range out {
			grp := g.(groupTuple)
			k, err := real(grp[1].([]Value)[0])
			if err != nil {
				return nil, err
			}
			out[i] = groupTuple{k, grp[1]}
		}
	}
	if out == nil {
		out = []Value{}
	}
	return out, nil
}

func fIndent(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_indent", "width", "first", "blank")
	if err != nil {
		return nil, err
	}
	if u, ok := v.(*Undefined); ok {
		return nil, u.err()
	}
	s, ok := isStr(v)
	if !ok {
		if _, isList := v.([]Value); isList {
			return nil, &RuntimeError{"'list' object has no attribute 'splitlines'"}
		}
		return nil, typeErrorf("unsupported operand type(s) for +=: '%s' and 'str'", typeName(v))
	}
	width := or(p[0], int64(4))
	var ind string
	if ws, ok := isStr(width); ok {
		ind = ws
	} else {
		n, err := intArg(width, "")
		if err != nil {
			return nil, typeErrorf("can't multiply sequence by non-int of type '%s'", typeName(width))
		}
		if n > int64(r.maxOutput) {
			return nil, &LimitError{"string too large"}
		}
		ind = strings.Repeat(" ", int(max(n, 0)))
	}
	lines := pySplitlines(s + "\n")
	var b strings.Builder
	if truthy(or(p[2], false)) {
		b.WriteString(strings.Join(lines, "\n"+ind))
	} else {
		b.WriteString(lines[0])
		for _, l := range lines[1:] {
			b.WriteString("\n")
			if l != "" {
				b.WriteString(ind)
			}
			b.WriteString(l)
			if b.Len() > r.maxOutput {
				return nil, &LimitError{"string too large"}
			}
		}
	}
	out := b.String()
	if truthy(or(p[1], false)) {
		out = ind + out
	}
	return sameKind(v, out), nil
}

func fInt(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_int", "default", "base")
	if err != nil {
		return nil, err
	}
	dflt := or(p[0], int64(0))
	switch x := v.(type) {
	case string, Markup:
		s, _ := isStr(x)
		base, ok := asInt(or(p[1], int64(10)))
		if ok && (base == 0 || base >= 2 && base <= 36) {
			if n, ok := parsePyInt(s, int(base)); ok {
				return n, nil
			}
		}
		if f, ok := parsePyFloat(s); ok {
			return floatToInt(f, dflt)
		}
		return dflt, nil
	case bool, int64, *big.Int:
		return normInt(toBig(x)), nil
	case float64:
		return floatToInt(x, dflt)
	case *Undefined:
		return nil, x.err()
	}
	return dflt, nil
}

// floatToInt is Python's int(float) (default on inf/nan as do_int's
// ValueError/OverflowError path would give… OverflowError is not caught
// by jinja2 3.1.2, so it is an error).
func floatToInt(f float64, dflt Value) (Value, error) {
	if math.IsNaN(f) {
		return dflt, nil
	}
	if math.IsInf(f, 0) {
		return nil, &RuntimeError{"cannot convert float infinity to integer"}
	}
	bf := new(big.Float).SetFloat64(math.Trunc(f))
	n, _ := bf.Int(nil)
	return normInt(n), nil
}

func fItems(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_items"); err != nil {
		return nil, err
	}
	switch d := v.(type) {
	case *Dict:
		return newGen(d.items()), nil
	case *Undefined:
		return newGen(nil), nil
	}
	return nil, &TypeError{"Can only get item pairs from a mapping."}
}

func fJoin(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_join", "d", "attribute")
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	if attr := or(p[1], nil); attr != nil {
		g := attrGetter(attr, nil, nil)
		mapped := make([]Value, len(items)) // items may be the list itself
		for i, it := range items {
			if mapped[i], err = g(it); err != nil {
				return nil, err
			}
		}
		items = mapped
	}
	sep := or(p[0], "")
	var b strings.Builder
	if r.autoescape {
		for i, it := range items {
			if i > 0 {
				b.WriteString(string(escape(sep)))
			}
			b.WriteString(string(escape(it)))
		}
		return Markup(b.String()), nil
	}
	seps := toStr(sep)
	for i, it := range items {
		if i > 0 {
			b.WriteString(seps)
		}
		b.WriteString(toStr(it))
		if b.Len() > r.maxOutput {
			return nil, &LimitError{"string too large"}
		}
	}
	return b.String(), nil
}

func fList(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_list"); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	return append([]Value{}, items...), nil
}

func fMap(r *renderer, v Value, a *args) (Value, error) {
	if !truthy(v) {
		return newGen(nil), nil
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	var fn func(Value) (Value, error)
	if attr, ok := a.kw.getOK("attribute"); len(a.pos) == 0 && ok {
		dflt, _ := a.kw.getOK("default")
		for _, k := range a.kw.keys {
			if k != "attribute" && k != "default" {
				return nil, runtimeErrorf("Unexpected keyword argument %s", repr(k))
			}
		}
		fn = attrGetter(attr, dflt, nil)
	} else {
		if len(a.pos) == 0 {
			return nil, &RuntimeError{"map requires a filter argument"}
		}
		name := toStr(a.pos[0])
		rest := &args{pos: a.pos[1:], kw: a.kw}
		fn = func(x Value) (Value, error) { return r.filter(name, x, rest) }
	}
	out := make([]Value, 0, len(items))
	for _, it := range items {
		x, err := fn(it)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return newGen(out), nil
}

func (d *Dict) getOK(k string) (Value, bool) {
	if d == nil {
		return nil, false
	}
	return d.Get(k)
}

func fMinMax(isMin bool) filterFunc {
	return func(r *renderer, v Value, a *args) (Value, error) {
		p, err := a.bind("do_min", "case_sensitive", "attribute")
		if err != nil {
			return nil, err
		}
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{msg: "No aggregated item, sequence was empty."}, nil
		}
		var post func(Value) Value
		if !truthy(or(p[0], false)) {
			post = ignoreCase
		}
		key := attrGetter(or(p[1], nil), nil, post)
		best := items[0]
		bk, err := key(best)
		if err != nil {
			return nil, err
		}
		for _, it := range items[1:] {
			k, err := key(it)
			if err != nil {
				return nil, err
			}
			op := ">"
			if isMin {
				op = "<"
			}
			c, err := compare(op, k, bk)
			if err != nil {
				return nil, err
			}
			if isMin && c == -1 || !isMin && c == 1 {
				best, bk = it, k
			}
		}
		return best, nil
	}
}

func fPprint(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_pprint"); err != nil {
		return nil, err
	}
	return pformat(v), nil
}

func fRandom(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_random"); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &Undefined{msg: "No random item, sequence was empty."}, nil
	}
	return items[rand.IntN(len(items))], nil
}

func fSelect(keep, byAttr bool) filterFunc {
	return func(r *renderer, v Value, a *args) (Value, error) {
		if !truthy(v) {
			return newGen(nil), nil
		}
		items, err := iterate(v)
		if err != nil {
			return nil, err
		}
		rest := a.pos
		trans := func(x Value) (Value, error) { return x, nil }
		if byAttr {
			if len(rest) == 0 {
				return nil, &RuntimeError{"Missing parameter for attribute name"}
			}
			trans = attrGetter(rest[0], nil, nil)
			rest = rest[1:]
		}
		var out []Value
		for _, it := range items {
			subject, err := trans(it)
			if err != nil {
				return nil, err
			}
			var ok bool
			if len(rest) == 0 {
				ok = truthy(subject)
			} else {
				res, err := r.test(toStr(rest[0]), subject, &args{pos: rest[1:], kw: a.kw})
				if err != nil {
					return nil, err
				}
				ok = truthy(res)
			}
			if ok == keep {
				out = append(out, it)
			}
		}
		return newGen(out), nil
	}
}

func fReplace(r *renderer, v Value, a *args) (Value, error) {
	names := []string{"old", "new", "count"}
	p, err := a.bind("do_replace", names...)
	if err != nil {
		return nil, err
	}
	if err := need("do_replace", p, names, 2); err != nil {
		return nil, err
	}
	n := int64(-1)
	if c := or(p[2], nil); c != nil {
		if n, err = intArg(c, ""); err != nil {
			return nil, err
		}
	}
	return pyReplace(toStr(v), toStr(p[0]), toStr(p[1]), n, r.maxOutput)
}

func pyReplace(s, old, nw string, n int64, limit int) (Value, error) {
	if n < 0 || n > int64(len(s))+1 {
		n = -1
	}
	count := strings.Count(s, old)
	if old == "" {
		count = runeLen(s) + 1
	}
	if n >= 0 && int64(count) > n {
		count = int(n)
	}
	if len(s)+count*(len(nw)-len(old)) > limit {
		return nil, &LimitError{"string too large"}
	}
	return strings.Replace(s, old, nw, int(n)), nil
}

func fReverse(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_reverse"); err != nil {
		return nil, err
	}
	if s, ok := isStr(v); ok {
		rs := []rune(s)
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		return sameKind(v, string(rs)), nil
	}
	if g, ok := v.(*Gen); ok { // not reversible: list(value), reversed
		items := g.take()
		out := make([]Value, len(items))
		for i, it := range items {
			out[len(items)-1-i] = it
		}
		return out, nil
	}
	items, err := reversedItems(v)
	if err != nil {
		return nil, &RuntimeError{"argument must be iterable"}
	}
	kind := "reversed"
	switch v.(type) {
	case []Value:
		kind = "list_reverseiterator"
	case *Dict:
		kind = "dict_reversekeyiterator"
	case *Range:
		kind = "range_iterator"
	}
	return &Gen{items: items, kind: kind}, nil
}

func fRound(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_round", "precision", "method")
	if err != nil {
		return nil, err
	}
	method := toStr(or(p[1], "common"))
	if method != "common" && method != "ceil" && method != "floor" {
		return nil, &RuntimeError{"method must be common, ceil or floor"}
	}
	prec, err := intArg(or(p[0], int64(0)), "")
	if err != nil {
		return nil, err
	}
	if !isNumber(v) {
		if u, ok := v.(*Undefined); ok && method != "common" {
			return nil, u.err()
		}
		return nil, typeErrorf("type %s doesn't define __round__ method", typeName(v))
	}
	if method == "common" {
		return pyRound(v, prec)
	}
	scale, err := numArith("**", int64(10), prec)
	if err != nil {
		return nil, err
	}
	x, err := numArith("*", v, scale)
	if err != nil {
		return nil, err
	}
	f, err := toFloat(x)
	if err != nil {
		return nil, err
	}
	if method == "ceil" {
		f = math.Ceil(f)
	} else {
		f = math.Floor(f)
	}
	return floatArith("/", normFloatInt(f), scale)
}

func normFloatInt(f float64) Value {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	n, _ := new(big.Float).SetFloat64(f).Int(nil)
	return normInt(n)
}

// pyRound is Python's round(x, n): ints stay ints, floats round half to
// even on their exact decimal value.
func pyRound(v Value, prec int64) (Value, error) {
	if isIntegral(v) {
		if prec >= 0 {
			return normInt(toBig(v)), nil
		}
		x := toBig(v)
		if -prec > 4000 {
			return int64(0), nil
		}
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(-prec), nil)
		q, m := new(big.Int).DivMod(x, p, new(big.Int))
		twice := new(big.Int).Mul(m, big.NewInt(2))
		if c := twice.Cmp(p); c > 0 || c == 0 && q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
		return normInt(q.Mul(q, p)), nil
	}
	f, _ := toFloat(v)
	if math.IsInf(f, 0) || math.IsNaN(f) || f == 0 {
		return f, nil
	}
	if prec > 330 {
		return f, nil
	}
	if prec < -330 {
		return math.Copysign(0, f), nil
	}
	if prec >= 0 {
		out, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', int(prec), 64), 64)
		return out, nil
	}
	// negative precision: round to a multiple of 10**-prec, half to even
	bf := new(big.Float).SetPrec(2000).SetFloat64(f)
	p := new(big.Float).SetPrec(2000).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(-prec), nil))
	q := new(big.Float).SetPrec(2000).Quo(bf, p)
	qi, _ := q.Int(nil)
	rem := new(big.Float).SetPrec(2000).Sub(q, new(big.Float).SetInt(qi))
	half := big.NewFloat(0.5)
	ar := new(big.Float).Abs(rem)
	if c := ar.Cmp(half); c > 0 || c == 0 && qi.Bit(0) == 1 {
		if f > 0 {
			qi.Add(qi, big.NewInt(1))
		} else {
			qi.Sub(qi, big.NewInt(1))
		}
	}
	res := new(big.Float).SetPrec(2000).Mul(new(big.Float).SetInt(qi), p)
	out, _ := res.Float64()
	if out == 0 {
		out = math.Copysign(0, f)
	}
	return out, nil
}

func fSafe(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_mark_safe"); err != nil {
		return nil, err
	}
	return Markup(toStr(v)), nil
}

func fSlice(r *renderer, v Value, a *args) (Value, error) {
	names := []string{"slices", "fill_with"}
	p, err := a.bind("do_slice", names...)
	if err != nil {
		return nil, err
	}
	if err := need("do_slice", p, names, 1); err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	slices, err := intArg(p[0], "")
	if err != nil {
		return nil, err
	}
	if slices <= 0 {
		if slices == 0 {
			return nil, &RuntimeError{"integer division or modulo by zero"}
		}
		return newGen(nil), nil
	}
	if slices > maxItems {
		return nil, &LimitError{"too many slices"}
	}
	fill := or(p[1], nil)
	n := int64(len(items))
	per, extra := n/slices, n%slices
	var out []Value
	offset := int64(0)
	for i := int64(0); i < slices; i++ {
		start := offset + i*per
		if i < extra {
			offset++
		}
		end := offset + (i+1)*per
		tmp := append([]Value{}, items[start:end]...)
		if fill != nil && i >= extra {
			tmp = append(tmp, fill)
		}
		out = append(out, tmp)
	}
	return newGen(out), nil
}

func fSort(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_sort", "reverse", "case_sensitive", "attribute")
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	out := append([]Value{}, items...)
	var post func(Value) Value
	if !truthy(or(p[1], false)) {
		post = ignoreCase
	}
	key := multiAttrGetter(or(p[2], nil), post)
	if or(p[2], nil) == nil {
		key = func(x Value) (Value, error) {
			if post != nil {
				return []Value{post(x)}, nil
			}
			return []Value{x}, nil
		}
	}
	return out, sortValues(out, key, truthy(or(p[0], false)))
}

func fString(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("soft_str"); err != nil {
		return nil, err
	}
	return softStr(v), nil
}

var (
	commentRe = regexp.MustCompile(`(?s)<!--.*?-->`)
	tagRe     = regexp.MustCompile(`(?s)<.*?>`)
)

func fStriptags(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_striptags"); err != nil {
		return nil, err
	}
	s := toStr(v)
	s = commentRe.ReplaceAllString(s, "")
	s = tagRe.ReplaceAllString(s, "")
	s = strings.Join(pySplitWhitespace(s, -1), " ")
	return html.UnescapeString(s), nil
}

func fSum(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_sum", "attribute", "start")
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	total := or(p[1], int64(0))
	if _, ok := isStr(total); ok {
		return nil, &TypeError{"sum() can't sum strings [use ''.join(seq) instead]"}
	}
	var g func(Value) (Value, error)
	if attr := or(p[0], nil); attr != nil {
		g = attrGetter(attr, nil, nil)
	}
	for _, it := range items {
		if g != nil {
			if it, err = g(it); err != nil {
				return nil, err
			}
		}
		if total, err = r.binop("+", total, it); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func fTrim(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_trim", "chars")
	if err != nil {
		return nil, err
	}
	s := softStr(v)
	str, _ := isStr(s)
	out, err := pyStrip(str, or(p[0], nil), true, true)
	if err != nil {
		return nil, err
	}
	return sameKind(s, out), nil
}

func fTruncate(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_truncate", "length", "killwords", "end", "leeway")
	if err != nil {
		return nil, err
	}
	n, err := intArg(or(p[0], int64(255)), "")
	if err != nil {
		return nil, err
	}
	end := toStr(or(p[2], "..."))
	leeway := int64(5)
	if lv := or(p[3], nil); lv != nil {
		if leeway, err = intArg(lv, ""); err != nil {
			return nil, err
		}
	}
	if n < int64(runeLen(end)) {
		return nil, runtimeErrorf("expected length >= %d, got %d", runeLen(end), n)
	}
	if leeway < 0 {
		return nil, runtimeErrorf("expected leeway >= 0, got %d", leeway)
	}
	if u, ok := v.(*Undefined); ok {
		return u, nil
	}
	s, ok := isStr(v)
	if !ok {
		ln, err := length(v)
		if err != nil {
			return nil, err
		}
		if int64(ln) <= n+leeway {
			return v, nil
		}
		return nil, typeErrorf("unsupported operand type(s) for +: '%s' and 'str'", typeName(v))
	}
	rs := []rune(s)
	if int64(len(rs)) <= n+leeway {
		return v, nil
	}
	cut := string(rs[:n-int64(runeLen(end))])
	if truthy(or(p[1], false)) {
		return cut + end, nil
	}
	if i := strings.LastIndex(cut, " "); i >= 0 {
		cut = cut[:i]
	}
	return cut + end, nil
}

func fUnique(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_unique", "case_sensitive", "attribute")
	if err != nil {
		return nil, err
	}
	items, err := iterate(v)
	if err != nil {
		return nil, err
	}
	var post func(Value) Value
	if !truthy(or(p[0], false)) {
		post = ignoreCase
	}
	key := attrGetter(or(p[1], nil), nil, post)
	seen := map[any]bool{}
	var out []Value
	for _, it := range items {
		k, err := key(it)
		if err != nil {
			return nil, err
		}
		h, ok := hashKey(k)
		if !ok {
			return nil, typeErrorf("unhashable type: '%s'", typeName(k))
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, it)
		}
	}
	return newGen(out), nil
}

func urlQuote(s string, forQS bool) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~", c) >= 0,
			c == '/' && !forQS:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if forQS {
		return strings.ReplaceAll(b.String(), "%20", "+")
	}
	return b.String()
}

func fUrlencode(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_urlencode"); err != nil {
		return nil, err
	}
	if s, ok := isStr(v); ok {
		return urlQuote(s, false), nil
	}
	var pairs []Value
	if d, ok := v.(*Dict); ok {
		pairs = d.items()
	} else {
		items, err := iterate(v)
		if err != nil {
			return urlQuote(toStr(v), false), nil
		}
		pairs = items
	}
	parts := make([]string, 0, len(pairs))
	for _, pr := range pairs {
		kv, err := unpack(pr, 2)
		if err != nil {
			return nil, err
		}
		parts = append(parts, urlQuote(toStr(kv[0]), true)+"="+urlQuote(toStr(kv[1]), true))
	}
	return strings.Join(parts, "&"), nil
}

func fUrlize(r *renderer, v Value, a *args) (Value, error) {
	return nil, &RuntimeError{"the urlize filter is not supported"}
}

func fWordcount(r *renderer, v Value, a *args) (Value, error) {
	if _, err := a.bind("do_wordcount"); err != nil {
		return nil, err
	}
	n, in := 0, false
	for _, c := range toStr(v) {
		w := c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.In(c, unicode.Nl, unicode.No, unicode.Mn, unicode.Mc)
		if w && !in {
			n++
		}
		in = w
	}
	return int64(n), nil
}

func fWordwrap(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_wordwrap", "width", "break_long_words", "wrapstring", "break_on_hyphens")
	if err != nil {
		return nil, err
	}
	width, err := intArg(or(p[0], int64(79)), "")
	if err != nil {
		return nil, err
	}
	if width <= 0 {
		return nil, runtimeErrorf("invalid width %d (must be > 0)", width)
	}
	wrap := "\n"
	if w := or(p[2], nil); w != nil {
		wrap = toStr(w)
	}
	var paras []string
	for _, line := range pySplitlines(toStr(v)) {
		paras = append(paras, strings.Join(textWrap(line, int(width), truthy(or(p[1], true)), truthy(or(p[3], true))), wrap))
	}
	return strings.Join(paras, wrap), nil
}

// textWrap is a simplified textwrap.wrap (expand_tabs and
// replace_whitespace off, drop_whitespace on).
func textWrap(text string, width int, breakLong, breakHyphens bool) []string {
	var chunks []string
	cur := []rune{}
	flush := func() {
		if len(cur) > 0 {
			chunks = append(chunks, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(text)
	for i, c := range rs {
		space := isPySpace(c)
		if len(cur) > 0 && isPySpace(cur[0]) != space {
			flush()
		}
		cur = append(cur, c)
		if breakHyphens && c == '-' && !space && i > 0 && unicode.IsLetter(rs[i-1]) && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
			flush()
		}
	}
	flush()
	var lines []string
	var line []string
	n := 0
	for len(chunks) > 0 {
		if len(line) == 0 && strings.TrimFunc(chunks[0], isPySpace) == "" {
			chunks = chunks[1:]
			continue
		}
		c := chunks[0]
		l := runeLen(c)
		if n+l <= width {
			line = append(line, c)
			n += l
			chunks = chunks[1:]
			continue
		}
		if l > width && breakLong {
			room := max(width-n, 1)
			if n > 0 && width-n < 1 {
				room = 0
			}
			if room > 0 {
				crs := []rune(c)
				line = append(line, string(crs[:room]))
				chunks[0] = string(crs[room:])
				n += room
			}
		} else if len(line) == 0 {
			line = append(line, c)
			chunks = chunks[1:]
		}
		for len(line) > 0 && strings.TrimFunc(line[len(line)-1], isPySpace) == "" {
			line = line[:len(line)-1]
		}
		if len(line) > 0 {
			lines = append(lines, strings.Join(line, ""))
		}
		line, n = nil, 0
	}
	for len(line) > 0 && strings.TrimFunc(line[len(line)-1], isPySpace) == "" {
		line = line[:len(line)-1]
	}
	if len(line) > 0 {
		lines = append(lines, strings.Join(line, ""))
	}
	return lines
}

func fXmlattr(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("do_xmlattr", "autospace")
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		if u, ok := v.(*Undefined); ok {
			return nil, u.err()
		}
		return nil, runtimeErrorf("'%s' object has no attribute 'items'", typeName(v))
	}
	var parts []string
	for i, k := range d.keys {
		val := d.vals[i]
		if _, undef := val.(*Undefined); undef || val == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf(`%s="%s"`, escape(k), escape(val)))
	}
	out := strings.Join(parts, " ")
	if out != "" && truthy(or(p[0], true)) {
		out = " " + out
	}
	if r.autoescape {
		return Markup(out), nil
	}
	return out, nil
}

func fTojson(r *renderer, v Value, a *args) (Value, error) {
	p, err := a.bind("tojson", "ensure_ascii", "indent", "separators", "sort_keys")
	if err != nil {
		return nil, err
	}
	out, err := jsonDumps(v, or(p[0], false), or(p[1], nil), or(p[2], nil), or(p[3], false), r.maxOutput)
	if err != nil {
		return nil, err
	}
	return out, nil
}
