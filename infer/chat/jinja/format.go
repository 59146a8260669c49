package jinja

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Python's string formatting: str.format (with the sandbox's attribute
// rules for {0.attr} and {0[key]}) and printf-style "…" % args.

// pyFormat is str.format(*pos, **kw).
func pyFormat(s string, pos []Value, kw *Dict) (Value, error) {
	f := &formatter{pos: pos, kw: kw}
	out, err := f.format(s, 0)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type formatter struct {
	pos         []Value
	kw          *Dict
	auto        int
	manual, aut bool
}

func (f *formatter) format(s string, depth int) (string, error) {
	if depth > 2 {
		return "", &RuntimeError{"Max string recursion exceeded"}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '}':
			return "", &RuntimeError{"Single '}' encountered in format string"}
		case c == '{':
			// find the matching close brace (specs may nest one level)
			level, j := 1, i+1
			for ; j < len(s); j++ {
				if s[j] == '{' {
					level++
				} else if s[j] == '}' {
					level--
					if level == 0 {
						break
					}
				}
			}
			if j >= len(s) {
				if strings.IndexByte(s[i+1:], '}') < 0 {
					return "", &RuntimeError{"Single '{' encountered in format string"}
				}
				return "", &RuntimeError{"expected '}' before end of string"}
			}
			out, err := f.field(s[i+1:j], depth)
			if err != nil {
				return "", err
			}
			if b.Len()+len(out) > DefaultMaxOutput {
				return "", &LimitError{"string too large"}
			}
			b.WriteString(out)
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func (f *formatter) field(field string, depth int) (string, error) {
	// split name, !conversion, :spec (the name may contain [..] with ! or :)
	name, conv, spec := field, "", ""
	inBracket := false
	for k := 0; k < len(field); k++ {
		switch field[k] {
		case '[':
			inBracket = true
		case ']':
			inBracket = false
		case '!', ':':
			if inBracket {
				continue
			}
			name = field[:k]
			rest := field[k:]
			if rest[0] == '!' {
				if len(rest) < 2 {
					return "", &RuntimeError{"end of string while looking for conversion specifier"}
				}
				conv = rest[1:2]
				rest = rest[2:]
				if rest != "" && rest[0] != ':' {
					return "", &RuntimeError{"expected ':' after conversion specifier"}
				}
			}
			if rest != "" {
				spec = rest[1:]
			}
			k = len(field)
		}
	}
	v, err := f.lookup(name)
	if err != nil {
		return "", err
	}
	switch conv {
	case "":
	case "s":
		v = toStr(v)
	case "r":
		v = repr(v)
	case "a":
		v = asciiRepr(v)
	default:
		return "", runtimeErrorf("Unknown conversion specifier %s", conv)
	}
	if strings.Contains(spec, "{") {
		if spec, err = f.format(spec, depth+1); err != nil {
			return "", err
		}
	}
	return formatValue(v, spec)
}

func (f *formatter) lookup(name string) (Value, error) {
	first := name
	k := strings.IndexAny(name, ".[")
	if k >= 0 {
		first = name[:k]
	}
	var v Value
	switch {
	case first == "":
		if f.manual {
			return nil, &RuntimeError{"cannot switch from manual field specification to automatic field numbering"}
		}
		f.aut = true
		if f.auto >= len(f.pos) {
			return nil, runtimeErrorf("Replacement index %d out of range for positional args tuple", f.auto)
		}
		v = f.pos[f.auto]
		f.auto++
	case isASCIIDigits(first):
		if f.aut {
			return nil, &RuntimeError{"cannot switch from automatic field numbering to manual field specification"}
		}
		f.manual = true
		n, _ := strconv.Atoi(first)
		if n >= len(f.pos) {
			return nil, runtimeErrorf("Replacement index %d out of range for positional args tuple", n)
		}
		v = f.pos[n]
	default:
		x, ok := f.kw.getOK(first)
		if !ok {
			return nil, runtimeErrorf("KeyError: %s", pyQuote(first))
		}
		v = x
	}
	rest := ""
	if k >= 0 {
		rest = name[k:]
	}
	for rest != "" {
		var err error
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			attr := rest[1:]
			if end >= 0 {
				attr = rest[1 : end+1]
				rest = rest[end+1:]
			} else {
				rest = ""
			}
			if attr == "" {
				return nil, &RuntimeError{"Empty attribute in format string"}
			}
			if v, err = getAttr(v, attr); err != nil {
				return nil, err
			}
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, &RuntimeError{"Missing ']' in format string"}
			}
			key := rest[1:end]
			rest = rest[end+1:]
			var kv Value = key
			if isASCIIDigits(key) {
				kv, _ = parsePyInt(key, 10)
			}
			if v, err = getItem(v, kv); err != nil {
				return nil, err
			}
		default:
			return nil, &RuntimeError{"Only '.' or '[' may follow ']' in format field specifier"}
		}
	}
	return v, nil
}

func asciiRepr(v Value) string {
	var b strings.Builder
	for _, r := range repr(v) {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}

// spec is a parsed format specification.
type spec struct {
	fill      rune
	align     byte // < > ^ = or 0
	sign      byte // + - space or 0
	alt, zero bool
	width     int
	grouping  byte // , _ or 0
	prec      int  // -1: none
	typ       byte
}

func parseSpec(s string) (spec, error) {
	sp := spec{fill: ' ', prec: -1}
	rs := []rune(s)
	i := 0
	isAlign := func(r rune) bool { return r == '<' || r == '>' || r == '^' || r == '=' }
	if len(rs) >= 2 && isAlign(rs[1]) {
		sp.fill, sp.align = rs[0], byte(rs[1])
		i = 2
	} else if len(rs) >= 1 && isAlign(rs[0]) {
		sp.align = byte(rs[0])
		i = 1
	}
	if i < len(rs) && (rs[i] == '+' || rs[i] == '-' || rs[i] == ' ') {
		sp.sign = byte(rs[i])
		i++
	}
	if i < len(rs) && rs[i] == '#' {
		sp.alt = true
		i++
	}
	if i < len(rs) && rs[i] == '0' {
		sp.zero = true
		i++
	}
	start := i
	for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
		i++
	}
	if i > start {
		w, err := strconv.Atoi(string(rs[start:i]))
		if err != nil || w > DefaultMaxOutput {
			return sp, &LimitError{"format width too large"}
		}
		sp.width = w
	}
	if i < len(rs) && (rs[i] == ',' || rs[i] == '_') {
		sp.grouping = byte(rs[i])
		i++
	}
	if i < len(rs) && rs[i] == '.' {
		i++
		start = i
		for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
			i++
		}
		if i == start {
			return sp, &RuntimeError{"Format specifier missing precision"}
		}
		p, err := strconv.Atoi(string(rs[start:i]))
		if err != nil || p > 10000 {
			return sp, &LimitError{"format precision too large"}
		}
		sp.prec = p
	}
	if i < len(rs) {
		sp.typ = byte(rs[i])
		i++
	}
	if i < len(rs) || sp.typ >= utf8.RuneSelf {
		return sp, &RuntimeError{"Invalid format specifier"}
	}
	return sp, nil
}

// formatValue is Python's format(v, spec).
func formatValue(v Value, s string) (string, error) {
	if s == "" {
		return toStr(v), nil
	}
	sp, err := parseSpec(s)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case string, Markup:
		str, _ := isStr(x)
		if sp.typ != 0 && sp.typ != 's' {
			return "", runtimeErrorf("Unknown format code '%c' for object of type 'str'", sp.typ)
		}
		if sp.sign != 0 {
			return "", &RuntimeError{"Sign not allowed in string format specifier"}
		}
		if sp.align == '=' {
			return "", &RuntimeError{"'=' alignment not allowed in string format specifier"}
		}
		if sp.prec >= 0 && sp.prec < runeLen(str) {
			str = string([]rune(str)[:sp.prec])
		}
		return pad(str, sp, '<'), nil
	case bool, int64, *big.Int:
		switch sp.typ {
		case 'e', 'E', 'f', 'F', 'g', 'G', '%':
			fv, err := toFloat(x)
			if err != nil {
				return "", err
			}
			return formatFloat(fv, sp)
		}
		return formatInt(toBig(x), sp)
	case float64:
		return formatFloat(x, sp)
	}
	return "", typeErrorf("unsupported format string passed to %s.__format__", typeName(v))
}

func pad(s string, sp spec, defAlign byte) string {
	n := sp.width - runeLen(s)
	if n <= 0 {
		return s
	}
	align := sp.align
	if align == 0 {
		align = defAlign
	}
	fill := string(sp.fill)
	switch align {
	case '>':
		return strings.Repeat(fill, n) + s
	case '^':
		return strings.Repeat(fill, n/2) + s + strings.Repeat(fill, n-n/2)
	}
	return s + strings.Repeat(fill, n)
}

// padNumber pads a number made of sign+body ('=' puts the fill between).
func padNumber(sign, body string, sp spec) string {
	if sp.zero && sp.align == 0 {
		sp.fill, sp.align = '0', '='
	}
	if sp.align == '=' {
		n := sp.width - runeLen(sign) - runeLen(body)
		if n > 0 {
			body = strings.Repeat(string(sp.fill), n) + body
		}
		return sign + body
	}
	return pad(sign+body, sp, '>')
}

func signOf(neg bool, sp spec) string {
	switch {
	case neg:
		return "-"
	case sp.sign == '+':
		return "+"
	case sp.sign == ' ':
		return " "
	}
	return ""
}

func group(digits string, sep byte, every int) string {
	if sep == 0 || len(digits) <= every {
		return digits
	}
	var b strings.Builder
	first := len(digits) % every
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += every {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(digits[i : i+every])
	}
	return b.String()
}

func formatInt(n *big.Int, sp spec) (string, error) {
	if sp.prec >= 0 {
		return "", &RuntimeError{"Precision not allowed in integer format specifier"}
	}
	neg := n.Sign() < 0
	a := new(big.Int).Abs(n)
	var body, prefix string
	switch sp.typ {
	case 0, 'd', 'n':
		body = group(a.String(), sp.grouping, 3)
	case 'x', 'X':
		body = group(a.Text(16), sp.grouping, 4)
		prefix = "0x"
		if sp.typ == 'X' {
			body, prefix = strings.ToUpper(body), "0X"
		}
	case 'o':
		body, prefix = group(a.Text(8), sp.grouping, 4), "0o"
	case 'b':
		body, prefix = group(a.Text(2), sp.grouping, 4), "0b"
	case 'c':
		if !n.IsInt64() || n.Int64() < 0 || n.Int64() > 0x10ffff {
			return "", &RuntimeError{"%c arg not in range(0x110000)"}
		}
		return pad(string(rune(n.Int64())), sp, '<'), nil
	default:
		return "", runtimeErrorf("Unknown format code '%c' for object of type 'int'", sp.typ)
	}
	if !sp.alt {
		prefix = ""
	}
	return padNumber(signOf(neg, sp)+prefix, body, sp), nil
}

func formatFloat(f float64, sp spec) (string, error) {
	neg := math.Signbit(f) && !math.IsNaN(f)
	a := math.Abs(f)
	var body string
	prec := sp.prec
	switch sp.typ {
	case 'f', 'F', '%':
		if prec < 0 {
			prec = 6
		}
		if sp.typ == '%' {
			a *= 100
		}
		body = formatFloatSpec(a, 'f', prec)
		if sp.typ == '%' {
			body += "%"
		}
	case 'e', 'E':
		if prec < 0 {
			prec = 6
		}
		body = formatFloatSpec(a, 'e', prec)
	case 'g', 'G', 'n':
		if prec < 0 {
			prec = 6
		}
		body = formatG(a, prec, sp.alt, false)
	case 0:
		if prec < 0 {
			body = pyFloat(a)
		} else {
			body = formatG(a, prec, sp.alt, true)
			if !strings.ContainsAny(body, ".e") && !math.IsInf(a, 0) && !math.IsNaN(a) {
				body += ".0"
			}
		}
	default:
		return "", runtimeErrorf("Unknown format code '%c' for object of type 'float'", sp.typ)
	}
	if sp.typ == 'E' || sp.typ == 'G' || sp.typ == 'F' {
		body = strings.ToUpper(body)
	}
	if sp.grouping != 0 && !math.IsInf(a, 0) && !math.IsNaN(a) {
		intPart, frac, _ := strings.Cut(body, ".")
		if strings.ContainsAny(intPart, "e") {
			intPart, frac = body, ""
		} else if frac != "" {
			frac = "." + frac
		}
		body = group(intPart, sp.grouping, 3) + frac
	}
	if sp.alt && !strings.Contains(body, ".") && sp.typ != 'g' && sp.typ != 'G' && !math.IsInf(a, 0) {
		if i := strings.IndexAny(body, "eE%"); i >= 0 {
			body = body[:i] + "." + body[i:]
		} else {
			body += "."
		}
	}
	return padNumber(signOf(neg, sp), body, sp), nil
}

// formatFloatSpec is Python's %.{prec}{f|e} of a non-negative float.
func formatFloatSpec(f float64, verb byte, prec int) string {
	switch {
	case math.IsInf(f, 0):
		return "inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, verb, prec, 64)
}

// formatG is Python's "g" presentation of a non-negative float (dot0:
// the variant of a spec without a type, which keeps room for ".0").
func formatG(f float64, prec int, alt, dot0 bool) string {
	switch {
	case math.IsInf(f, 0):
		return "inf"
	case math.IsNaN(f):
		return "nan"
	}
	if prec == 0 {
		prec = 1
	}
	e := strconv.FormatFloat(f, 'e', prec-1, 64)
	_, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	var out string
	limit := prec
	if dot0 {
		limit--
	}
	if exp >= -4 && exp < limit {
		out = strconv.FormatFloat(f, 'f', prec-1-exp, 64)
	} else {
		out = e
	}
	if !alt {
		mant, ex, hasE := strings.Cut(out, "e")
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		if hasE {
			out = mant + "e" + ex
		} else {
			out = mant
		}
	}
	return out
}

// percentFormat is fmt % arg; self is the format string value (a Markup
// escapes the arguments it formats).
func percentFormat(format string, arg Value, self Value) (string, error) {
	_, isMarkup := self.(Markup)
	var items []Value
	mapping, isDict := arg.(*Dict)
	// Python treats any argument with __getitem__ (other than a tuple or
	// a str) as a mapping: it is not "not all converted".
	isMap := isDict
	switch arg.(type) {
	case []Value, *Range, *Undefined:
		isMap = true
	}
	switch t := arg.(type) {
	case Tuple:
		items = t
	default:
		items = []Value{arg}
	}
	next := 0
	getArg := func() (Value, error) {
		if next >= len(items) {
			return nil, &TypeError{"not enough arguments for format string"}
		}
		v := items[next]
		next++
		return v, nil
	}
	usedMap := false
	var b strings.Builder
	rs := []rune(format)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '%' {
			b.WriteRune(rs[i])
			continue
		}
		start := i
		i++
		if i >= len(rs) {
			return "", &RuntimeError{"incomplete format"}
		}
		var v Value
		haveV := false
		if rs[i] == '(' {
			if !isDict {
				return "", &TypeError{"format requires a mapping"}
			}
			depth, j := 1, i+1
			for ; j < len(rs) && depth > 0; j++ {
				if rs[j] == '(' {
					depth++
				} else if rs[j] == ')' {
					depth--
				}
			}
			if depth > 0 {
				return "", &RuntimeError{"incomplete format key"}
			}
			key := string(rs[i+1 : j-1])
			x, ok := mapping.Get(key)
			if !ok {
				return "", runtimeErrorf("KeyError: %s", pyQuote(key))
			}
			v, haveV, usedMap = x, true, true
			i = j
		}
		sp := spec{fill: ' ', prec: -1}
		left := false
		for ; i < len(rs) && strings.ContainsRune("#0- +", rs[i]); i++ {
			switch rs[i] {
			case '#':
				sp.alt = true
			case '0':
				sp.zero = true
			case '-':
				left = true
			case '+', ' ':
				if sp.sign != '+' {
					sp.sign = byte(rs[i])
				}
			}
		}
		num := func() (int, error) {
			if i < len(rs) && rs[i] == '*' {
				i++
				x, err := getArg()
				if err != nil {
					return 0, err
				}
				n, ok := asInt(x)
				if !ok {
					return 0, &TypeError{"* wants int"}
				}
				return int(n), nil
			}
			st := i
			for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
				i++
			}
			if i == st {
				return -1, nil
			}
			n, err := strconv.Atoi(string(rs[st:i]))
			if err != nil || n > DefaultMaxOutput {
				return 0, &LimitError{"format width too large"}
			}
			return n, nil
		}
		w, err := num()
		if err != nil {
			return "", err
		}
		if w < 0 && w != -1 {
			left, w = true, -w
		}
		sp.width = max(w, 0)
		if i < len(rs) && rs[i] == '.' {
			i++
			p, err := num()
			if err != nil {
				return "", err
			}
			sp.prec = max(p, 0)
		}
		for i < len(rs) && (rs[i] == 'h' || rs[i] == 'l' || rs[i] == 'L') {
			i++
		}
		if i >= len(rs) {
			return "", &RuntimeError{"incomplete format"}
		}
		c := rs[i]
		if c == '%' {
			b.WriteByte('%')
			continue
		}
		if !haveV {
			if v, err = getArg(); err != nil {
				return "", err
			}
		}
		if left {
			sp.align, sp.zero = '<', false
		}
		var out string
		switch c {
		case 's', 'r', 'a':
			switch c {
			case 's':
				out = toStr(v)
			case 'r':
				out = repr(v)
			default:
				out = asciiRepr(v)
			}
			if isMarkup {
				out = string(escape(sameKind(v, out)))
			}
			if sp.prec >= 0 && sp.prec < runeLen(out) {
				out = string([]rune(out)[:sp.prec])
			}
			sp.zero = false
			out = pad(out, sp, '>')
		case 'd', 'i', 'u', 'x', 'X', 'o':
			if !isNumber(v) {
				return "", typeErrorf("%%%c format: a real number is required, not %s", c, typeName(v))
			}
			var n *big.Int
			if fv, ok := v.(float64); ok {
				if c != 'd' && c != 'i' && c != 'u' {
					return "", typeErrorf("%%%c format: an integer is required, not float", c)
				}
				if math.IsInf(fv, 0) || math.IsNaN(fv) {
					return "", &RuntimeError{"cannot convert float infinity to integer"}
				}
				n, _ = new(big.Float).SetFloat64(math.Trunc(fv)).Int(nil)
			} else {
				n = toBig(v)
			}
			typ := byte(c)
			if typ == 'i' || typ == 'u' {
				typ = 'd'
			}
			sp.typ = typ
			body, err := formatIntPrintf(n, sp)
			if err != nil {
				return "", err
			}
			out = body
		case 'e', 'E', 'f', 'F', 'g', 'G':
			fv, err := pyFloatOf(v)
			if err != nil {
				if _, ok := v.(string); ok {
					return "", typeErrorf("must be real number, not str")
				}
				return "", err
			}
			if sp.prec < 0 {
				sp.prec = 6
			}
			sp.typ = byte(c)
			out, err = formatFloat(fv, sp)
			if err != nil {
				return "", err
			}
		case 'c':
			switch x := v.(type) {
			case string:
				if runeLen(x) != 1 {
					return "", &TypeError{"%c requires int or char"}
				}
				out = x
			default:
				n, ok := asInt(v)
				if !ok || n < 0 || n > 0x10ffff {
					return "", &TypeError{"%c requires int or char"}
				}
				out = string(rune(n))
			}
			out = pad(out, sp, '>')
		default:
			return "", runtimeErrorf("unsupported format character '%c' (0x%x) at index %d", c, c, start+1)
		}
		if b.Len()+len(out) > DefaultMaxOutput {
			return "", &LimitError{"string too large"}
		}
		b.WriteString(out)
	}
	if next < len(items) && !usedMap && !isMap {
		return "", &TypeError{"not all arguments converted during string formatting"}
	}
	return b.String(), nil
}

// formatIntPrintf formats an int for %d/%x/%o (precision is a minimum
// number of digits).
func formatIntPrintf(n *big.Int, sp spec) (string, error) {
	neg := n.Sign() < 0
	a := new(big.Int).Abs(n)
	var body, prefix string
	switch sp.typ {
	case 'x':
		body, prefix = a.Text(16), "0x"
	case 'X':
		body, prefix = strings.ToUpper(a.Text(16)), "0X"
	case 'o':
		body, prefix = a.Text(8), "0o"
	default:
		body = a.String()
	}
	if sp.prec > len(body) {
		body = strings.Repeat("0", sp.prec-len(body)) + body
	}
	if !sp.alt {
		prefix = ""
	}
	sp.prec = -1
	return padNumber(signOf(neg, sp)+prefix, body, sp), nil
}
