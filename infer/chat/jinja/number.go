package jinja

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// Python numbers: bool is an int, ints have no size limit (int64, then
// *big.Int), floats are float64 and print as Python's repr.

// maxIntBits bounds the size of a computed int (2**N with a huge N
// would otherwise take the process's memory).
const maxIntBits = 1 << 16

func isNumber(v Value) bool {
	switch v.(type) {
	case bool, int64, *big.Int, float64:
		return true
	}
	return false
}

func isIntegral(v Value) bool {
	switch v.(type) {
	case bool, int64, *big.Int:
		return true
	}
	return false
}

// asInt returns a bool or int64 as int64 (big ints do not fit).
func asInt(v Value) (int64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return x, true
	}
	return 0, false
}

func toBig(v Value) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return x
	default:
		n, _ := asInt(v)
		return big.NewInt(n)
	}
}

// normInt returns a big int as int64 when it fits.
func normInt(x *big.Int) Value {
	if x.IsInt64() {
		return x.Int64()
	}
	return x
}

// toFloat is Python's float() of a number.
func toFloat(v Value) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		if math.IsInf(f, 0) {
			return 0, &RuntimeError{"int too large to convert to float"}
		}
		return f, nil
	}
	n, _ := asInt(v)
	return float64(n), nil
}

// numCompare compares two numbers exactly (as Python does for int and
// float); ok is false when a NaN is involved.
func numCompare(a, b Value) (int, bool) {
	ai, aInt := asInt(a)
	bi, bInt := asInt(b)
	if aInt && bInt {
		return cmpInt(ai, bi), true
	}
	af, aFloat := a.(float64)
	bf, bFloat := b.(float64)
	if aFloat && bFloat {
		switch {
		case math.IsNaN(af) || math.IsNaN(bf):
			return 0, false
		case af < bf:
			return -1, true
		case af > bf:
			return 1, true
		}
		return 0, true
	}
	if (aFloat && math.IsNaN(af)) || (bFloat && math.IsNaN(bf)) {
		return 0, false
	}
	return bigFloatOf(a).Cmp(bigFloatOf(b)), true
}

func bigFloatOf(v Value) *big.Float {
	if f, ok := v.(float64); ok {
		return new(big.Float).SetFloat64(f) // ±Inf are fine
	}
	return new(big.Float).SetInt(toBig(v))
}

// numArith applies a binary operator to two numbers.
func numArith(op string, a, b Value) (Value, error) {
	_, af := a.(float64)
	_, bf := b.(float64)
	if af || bf || op == "/" {
		return floatArith(op, a, b)
	}
	x, xok := asInt(a)
	y, yok := asInt(b)
	if xok && yok {
		switch op {
		case "+":
			if s := x + y; (s > x) == (y > 0) {
				return s, nil
			}
		case "-":
			if s := x - y; (s < x) == (y > 0) {
				return s, nil
			}
		case "*":
			if x == 0 || y == 0 {
				return int64(0), nil
			}
			if p := x * y; p/y == x && !(x == -1 && y == math.MinInt64) && !(y == -1 && x == math.MinInt64) {
				return p, nil
			}
		case "//", "%":
			if y == 0 {
				return nil, &RuntimeError{"integer division or modulo by zero"}
			}
			if !(x == math.MinInt64 && y == -1) {
				q, m := x/y, x%y
				if m != 0 && (m < 0) != (y < 0) {
					q--
					m += y
				}
				if op == "//" {
					return q, nil
				}
				return m, nil
			}
		}
	}
	return bigArith(op, toBig(a), toBig(b))
}

func bigArith(op string, x, y *big.Int) (Value, error) {
	r := new(big.Int)
	switch op {
	case "+":
		r.Add(x, y)
	case "-":
		r.Sub(x, y)
	case "*":
		if x.BitLen()+y.BitLen() > maxIntBits {
			return nil, &LimitError{"integer too large"}
		}
		r.Mul(x, y)
	case "//", "%":
		if y.Sign() == 0 {
			return nil, &RuntimeError{"integer division or modulo by zero"}
		}
		m := new(big.Int)
		r.DivMod(x, y, m) // Euclidean: m >= 0
		if m.Sign() != 0 && y.Sign() < 0 {
			r.Add(r, big.NewInt(1))
			m.Add(m, y)
		}
		if op == "%" {
			return normInt(m), nil
		}
	case "**":
		if y.Sign() < 0 {
			return floatArith(op, normInt(x), normInt(y))
		}
		if x.BitLen() > 1 {
			if !y.IsInt64() || int64(x.BitLen())*y.Int64() > maxIntBits {
				return nil, &LimitError{"integer too large"}
			}
		}
		r.Exp(x, y, nil)
	default:
		return nil, typeErrorf("unsupported operand type(s) for %s: 'int' and 'int'", op)
	}
	return normInt(r), nil
}

func floatArith(op string, a, b Value) (Value, error) {
	if op == "/" && isIntegral(a) && isIntegral(b) {
		return intTrueDiv(a, b)
	}
	x, err := toFloat(a)
	if err != nil {
		return nil, err
	}
	y, err := toFloat(b)
	if err != nil {
		return nil, err
	}
	switch op {
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/":
		if y == 0 {
			return nil, &RuntimeError{"float division by zero"}
		}
		return x / y, nil
	case "//", "%":
		if y == 0 {
			if op == "%" {
				return nil, &RuntimeError{"float modulo"}
			}
			return nil, &RuntimeError{"float floor division by zero"}
		}
		div, mod := pyFloatDivmod(x, y)
		if op == "//" {
			return div, nil
		}
		return mod, nil
	case "**":
		if x == 0 && y < 0 {
			return nil, &RuntimeError{"0.0 cannot be raised to a negative power"}
		}
		if x < 0 && y != math.Trunc(y) && !math.IsInf(y, 0) {
			return nil, &RuntimeError{"complex numbers are not supported"}
		}
		r := math.Pow(x, y)
		if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
			return nil, &RuntimeError{"(34, 'Numerical result out of range')"}
		}
		return r, nil
	}
	return nil, typeErrorf("unsupported operand type(s) for %s: 'float' and 'float'", op)
}

// intTrueDiv is int / int, correctly rounded as Python does.
func intTrueDiv(a, b Value) (Value, error) {
	x, xok := asInt(a)
	y, yok := asInt(b)
	if toBig(b).Sign() == 0 {
		return nil, &RuntimeError{"division by zero"}
	}
	if xok && yok && x > -1<<53 && x < 1<<53 && y > -1<<53 && y < 1<<53 {
		return float64(x) / float64(y), nil
	}
	f, _ := new(big.Rat).SetFrac(toBig(a), toBig(b)).Float64()
	if math.IsInf(f, 0) {
		return nil, &RuntimeError{"integer division result too large for a float"}
	}
	return f, nil
}

// pyFloatDivmod is Python's float divmod (y != 0).
func pyFloatDivmod(x, y float64) (float64, float64) {
	mod := math.Mod(x, y)
	div := (x - mod) / y
	if mod != 0 {
		if (y < 0) != (mod < 0) {
			mod += y
			div -= 1
		}
	} else {
		mod = math.Copysign(0, y)
	}
	var floordiv float64
	if div != 0 {
		floordiv = math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv++
		}
	} else {
		floordiv = math.Copysign(0, x/y)
	}
	return floordiv, mod
}

// pyFloat formats a float as Python's repr.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX, shortest
	mant, expS, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expS)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		if exp < 10 {
			return sign + m + "e" + es + "0" + strconv.Itoa(exp)
		}
		return sign + m + "e" + es + strconv.Itoa(exp)
	}
	if exp >= 0 {
		if len(digits) <= exp+1 {
			return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		}
		return sign + digits[:exp+1] + "." + digits[exp+1:]
	}
	return sign + "0." + strings.Repeat("0", -exp-1) + digits
}

// parsePyInt is Python's int(s, base) for a string.
func parsePyInt(s string, base int) (Value, bool) {
	s = strings.TrimFunc(s, isPySpace)
	neg := false
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		neg = s[0] == '-'
		s = s[1:]
	}
	lower := strings.ToLower(s)
	prefixBase := map[string]int{"0x": 16, "0o": 8, "0b": 2}
	if len(lower) >= 2 {
		if pb, ok := prefixBase[lower[:2]]; ok && (base == 0 || base == pb) {
			base = pb
			s = s[2:]
			if strings.HasPrefix(s, "_") {
				s = s[1:]
			}
		}
	}
	if base == 0 {
		base = 10
		if len(s) > 1 && strings.Trim(s, "0_") != "" && s[0] == '0' {
			return nil, false // "012" is not a base-0 literal
		}
	}
	if s == "" || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return nil, false
	}
	s = strings.ReplaceAll(s, "_", "")
	for _, r := range s {
		if r > unicode.MaxASCII {
			return nil, false
		}
	}
	n, ok := new(big.Int).SetString(s, base)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return normInt(n), true
}

// parsePyFloat is Python's float(s) for a string.
func parsePyFloat(s string) (float64, bool) {
	s = strings.TrimFunc(s, isPySpace)
	t := strings.ToLower(strings.TrimLeft(s, "+-"))
	switch t {
	case "inf", "infinity", "nan":
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	if t == "" || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") || strings.Contains(t, "x") ||
		strings.Contains(t, "_.") || strings.Contains(t, "._") || strings.Contains(t, "_e") || strings.Contains(t, "e_") {
		return 0, false
	}
	for _, r := range t {
		if !(r >= '0' && r <= '9' || r == '.' || r == 'e' || r == '_' || r == '+' || r == '-') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // Python gives inf or 0.0
		}
		return 0, false
	}
	return f, true
}

// isPySpace is Python's str.isspace for one character.
func isPySpace(r rune) bool {
	switch {
	case r == ' ' || r >= '\t' && r <= '\r' || r >= 0x1c && r <= 0x1f:
		return true
	case r < 0x80:
		return false
	}
	return unicode.IsSpace(r)
}
