package jinja

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token kinds.
const (
	tData = iota
	tVarBegin
	tVarEnd
	tBlockBegin
	tBlockEnd
	tName
	tString
	tInt
	tFloat
	tOp
	tEOF
)

type token struct {
	kind int
	val  string // text of names, operators, data; decoded value of strings
	num  Value  // value of int and float literals
	line int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of template"
	case tData:
		return "template data"
	case tVarBegin:
		return "begin of print statement"
	case tVarEnd:
		return "end of print statement"
	case tBlockBegin:
		return "begin of statement block"
	case tBlockEnd:
		return "end of statement block"
	case tString:
		return "string"
	case tInt:
		return "integer"
	case tFloat:
		return "float"
	}
	return fmt.Sprintf("'%s'", t.val)
}

// operators, longest first so that "**" wins over "*".
var operators = []string{"**", "//", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"}

// lex splits a template into tokens the way jinja2's lexer does with the
// options transformers uses:
//
//   - newlines (\r\n, \r, \n) are normalised to \n, and one trailing
//     newline of the source is dropped (keep_trailing_newline=False);
//   - trim_blocks: the first newline after a block or comment tag is
//     removed;
//   - lstrip_blocks: whitespace between the start of a line and a block
//     or comment tag is removed;
//   - "-" next to a delimiter strips all whitespace on that side, "+"
//     at the start of a block or comment tag disables lstrip_blocks and
//     "+%}" disables trim_blocks;
//   - a "}}" or "%}" inside open brackets is an operator, not the end of
//     the tag;
//   - {% raw %}…{% endraw %} is data.
func lex(src string) ([]token, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	src = strings.TrimSuffix(src, "\n")
	lx := &lexer{src: src, line: 1, lineStarting: true}
	if err := lx.run(); err != nil {
		return nil, err
	}
	lx.toks = append(lx.toks, token{kind: tEOF, line: lx.line})
	return lx.toks, nil
}

type lexer struct {
	src          string
	pos, line    int
	lineStarting bool // the last match ended with a newline
	toks         []token
}

func (lx *lexer) emit(kind int, val string, line int) {
	lx.toks = append(lx.toks, token{kind: kind, val: val, line: line})
}

func (lx *lexer) errorf(format string, args ...any) error {
	return &SyntaxError{lx.line, fmt.Sprintf(format, args...)}
}

// advance moves to p, counting lines.
func (lx *lexer) advance(p int) {
	lx.line += strings.Count(lx.src[lx.pos:p], "\n")
	lx.pos = p
}

func (lx *lexer) run() error {
	for lx.pos < len(lx.src) {
		i := indexTagStart(lx.src, lx.pos)
		if i < 0 {
			lx.emit(tData, lx.src[lx.pos:], lx.line)
			lx.advance(len(lx.src))
			return nil
		}
		kind := lx.src[i+1]
		j := i + 2
		sign := byte(0)
		if j < len(lx.src) && (lx.src[j] == '-' || lx.src[j] == '+') {
			sign = lx.src[j]
			j++
		}
		rawEnd := -1
		if kind == '%' {
			rawEnd = matchRawBegin(lx.src, j)
		}
		text := lx.stripText(lx.src[lx.pos:i], sign, kind != '{')
		if text != "" {
			lx.emit(tData, text, lx.line)
		}
		lx.advance(j)
		switch {
		case rawEnd >= 0:
			lx.lineStarting = strings.HasSuffix(lx.src[i:rawEnd], "\n")
			lx.advance(rawEnd)
			if err := lx.raw(); err != nil {
				return err
			}
		case kind == '#':
			if err := lx.comment(); err != nil {
				return err
			}
		default:
			if err := lx.tag(kind == '%'); err != nil {
				return err
			}
		}
	}
	return nil
}

// stripText applies "-" and lstrip_blocks to the data before a tag.
func (lx *lexer) stripText(text string, sign byte, isBlock bool) string {
	if sign == '-' {
		return strings.TrimRightFunc(text, isPySpace)
	}
	if sign != '+' && isBlock {
		l := strings.LastIndexByte(text, '\n') + 1
		if l > 0 || lx.lineStarting {
			if rest := text[l:]; rest != "" && strings.TrimLeftFunc(rest, isPySpace) == "" {
				return text[:l]
			}
		}
	}
	return text
}

func indexTagStart(s string, from int) int {
	for {
		i := strings.IndexByte(s[from:], '{')
		if i < 0 {
			return -1
		}
		i += from
		if i+1 < len(s) && (s[i+1] == '{' || s[i+1] == '%' || s[i+1] == '#') {
			return i
		}
		from = i + 1
	}
}

// skipSpace returns the position after Python whitespace from p.
func skipSpace(s string, p int) int {
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !isPySpace(r) {
			break
		}
		p += n
	}
	return p
}

// matchRawBegin matches `\s*raw\s*(-%}\s*|%})` at p and returns the
// position after it, or -1.
func matchRawBegin(s string, p int) int {
	p = skipSpace(s, p)
	if !strings.HasPrefix(s[p:], "raw") {
		return -1
	}
	p = skipSpace(s, p+3)
	switch {
	case strings.HasPrefix(s[p:], "-%}"):
		return skipSpace(s, p+3)
	case strings.HasPrefix(s[p:], "%}"):
		return p + 2
	}
	return -1
}

// raw reads the body of {% raw %} up to {% endraw %}.
func (lx *lexer) raw() error {
	s := lx.src
	for from := lx.pos; ; {
		k := strings.Index(s[from:], "{%")
		if k < 0 {
			return lx.errorf("Missing end of raw directive")
		}
		k += from
		p := k + 2
		sign := byte(0)
		if p < len(s) && (s[p] == '-' || s[p] == '+') {
			sign = s[p]
			p++
		}
		p = skipSpace(s, p)
		if strings.HasPrefix(s[p:], "endraw") {
			q := skipSpace(s, p+6)
			end := -1
			switch {
			case strings.HasPrefix(s[q:], "+%}"):
				end = q + 3
			case strings.HasPrefix(s[q:], "-%}"):
				end = skipSpace(s, q+3)
			case strings.HasPrefix(s[q:], "%}"):
				end = q + 2
				if end < len(s) && s[end] == '\n' {
					end++
				}
			}
			if end >= 0 {
				text := lx.stripText(s[lx.pos:k], sign, true)
				if text != "" {
					lx.emit(tData, text, lx.line)
				}
				lx.lineStarting = strings.HasSuffix(s[k:end], "\n")
				lx.advance(end)
				return nil
			}
		}
		from = k + 2
	}
}

func (lx *lexer) comment() error {
	s := lx.src
	for p := lx.pos; p < len(s); p++ {
		end := -1
		switch {
		case strings.HasPrefix(s[p:], "+#}"):
			end = p + 3
		case strings.HasPrefix(s[p:], "-#}"):
			end = skipSpace(s, p+3)
		case strings.HasPrefix(s[p:], "#}"):
			end = p + 2
			if end < len(s) && s[end] == '\n' {
				end++
			}
		}
		if end >= 0 {
			lx.lineStarting = strings.HasSuffix(s[p:end], "\n")
			lx.advance(end)
			return nil
		}
	}
	return lx.errorf("Missing end of comment tag")
}

// tag tokenizes the inside of a {{ }} or {% %} tag and its end.
func (lx *lexer) tag(block bool) error {
	s := lx.src
	if block {
		lx.emit(tBlockBegin, "{%", lx.line)
	} else {
		lx.emit(tVarBegin, "{{", lx.line)
	}
	var balance []byte
	for lx.pos < len(s) {
		p := lx.pos
		if len(balance) == 0 {
			end := -1
			if block {
				switch {
				case strings.HasPrefix(s[p:], "+%}"):
					end = p + 3
				case strings.HasPrefix(s[p:], "-%}"):
					end = skipSpace(s, p+3)
				case strings.HasPrefix(s[p:], "%}"):
					end = p + 2
					if end < len(s) && s[end] == '\n' {
						end++
					}
				}
			} else {
				switch {
				case strings.HasPrefix(s[p:], "-}}"):
					end = skipSpace(s, p+3)
				case strings.HasPrefix(s[p:], "}}"):
					end = p + 2
				}
			}
			if end >= 0 {
				if block {
					lx.emit(tBlockEnd, "%}", lx.line)
				} else {
					lx.emit(tVarEnd, "}}", lx.line)
				}
				lx.lineStarting = strings.HasSuffix(s[p:end], "\n")
				lx.advance(end)
				return nil
			}
		}
		r, n := utf8.DecodeRuneInString(s[p:])
		switch {
		case isPySpace(r):
			lx.advance(skipSpace(s, p))
		case r >= '0' && r <= '9':
			if err := lx.number(); err != nil {
				return err
			}
		case r == '_' || unicode.IsLetter(r) || r >= 0x80 && isIdentStart(r):
			q := p + n
			for q < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[q:])
				if !isIdentPart(r2) {
					break
				}
				q += n2
			}
			lx.emit(tName, s[p:q], lx.line)
			lx.advance(q)
		case r == '\'' || r == '"':
			if err := lx.str(); err != nil {
				return err
			}
		default:
			op := ""
			for _, cand := range operators {
				if strings.HasPrefix(s[p:], cand) {
					op = cand
					break
				}
			}
			if op == "" {
				return lx.errorf("unexpected char %s at %d", pyQuote(string(r)), utf8.RuneCountInString(s[:p]))
			}
			switch op {
			case "(", "[", "{":
				balance = append(balance, op[0])
			case ")", "]", "}":
				if len(balance) == 0 {
					return lx.errorf("unexpected '%s'", op)
				}
				want := map[byte]byte{'(': ')', '[': ']', '{': '}'}[balance[len(balance)-1]]
				if op[0] != want {
					return lx.errorf("unexpected '%s', expected '%c'", op, want)
				}
				balance = balance[:len(balance)-1]
			}
			lx.emit(tOp, op, lx.line)
			lx.advance(p + len(op))
		}
	}
	return nil // end of source inside a tag: the parser reports it
}

func isIdentStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' || r >= 0x80 && (unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc) || unicode.Is(unicode.Other_ID_Continue, r))
}

// number reads an integer (decimal, 0x, 0o, 0b, with "_" separators) or
// a float literal as jinja2's float_re and integer_re define them.
func (lx *lexer) number() error {
	s, p := lx.src, lx.pos
	digits := func(q int, ok func(byte) bool) int { // (\d+_)*\d+ style run
		start := q
		for q < len(s) && ok(s[q]) {
			q++
			if q+1 < len(s) && s[q] == '_' && ok(s[q+1]) {
				q++
			}
		}
		if q == start {
			return -1
		}
		return q
	}
	dec := func(c byte) bool { return c >= '0' && c <= '9' }
	// float: digits ( (.digits)? e[+-]?digits | .digits ); not after a "."
	if p == 0 || s[p-1] != '.' {
		if q := digits(p, dec); q > 0 {
			end := -1
			frac := -1
			if q < len(s) && s[q] == '.' {
				frac = digits(q+1, dec)
			}
			e := q
			if frac > 0 {
				e = frac
			}
			if e < len(s) && (s[e] == 'e' || s[e] == 'E') {
				f := e + 1
				if f < len(s) && (s[f] == '+' || s[f] == '-') {
					f++
				}
				if x := digits(f, dec); x > 0 {
					end = x
				}
			}
			if end < 0 && frac > 0 {
				end = frac
			}
			if end > 0 {
				lit := strings.ReplaceAll(s[p:end], "_", "")
				f, err := strconv.ParseFloat(lit, 64)
				if err != nil && !isRangeErr(err) {
					return lx.errorf("bad float literal %s", lit)
				}
				lx.toks = append(lx.toks, token{kind: tFloat, val: lit, num: f, line: lx.line})
				lx.advance(end)
				return nil
			}
		}
	}
	// integer
	base, q := 10, p
	if s[p] == '0' && p+1 < len(s) {
		switch s[p+1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
	}
	ok := func(c byte) bool {
		switch base {
		case 16:
			return dec(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		case 8:
			return c >= '0' && c <= '7'
		case 2:
			return c == '0' || c == '1'
		}
		return dec(c)
	}
	if base != 10 {
		r := p + 2
		for r < len(s) {
			if s[r] == '_' && r+1 < len(s) && ok(s[r+1]) {
				r += 2
			} else if ok(s[r]) {
				r++
			} else {
				break
			}
		}
		if r > p+2 {
			q = r
		} else {
			base = 10 // "0x" without digits: the integer 0, then a name
		}
	}
	if base == 10 {
		if s[p] == '0' { // 0(_?0)*
			q = p + 1
			for q < len(s) {
				if s[q] == '0' {
					q++
				} else if s[q] == '_' && q+1 < len(s) && s[q+1] == '0' {
					q += 2
				} else {
					break
				}
			}
		} else {
			q = digits(p, dec)
		}
	}
	lit := strings.ReplaceAll(s[p:q], "_", "")
	digitsPart := lit
	if base != 10 {
		digitsPart = lit[2:]
	}
	n, okN := new(big.Int).SetString(digitsPart, base)
	if !okN {
		return lx.errorf("bad integer literal %s", lit)
	}
	lx.toks = append(lx.toks, token{kind: tInt, val: lit, num: normInt(n), line: lx.line})
	lx.advance(q)
	return nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// str reads a string literal and decodes it as jinja2 does: Python's
// "unicode-escape" codec applied to the literal (so \n, \t, \xhh, \uhhhh,
// \Uhhhhhhhh and octal escapes work, and unknown escapes stay as they are).
func (lx *lexer) str() error {
	s, p := lx.src, lx.pos
	q := s[p]
	i := p + 1
	for i < len(s) {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				_, n := utf8.DecodeRuneInString(s[i+1:])
				i += 1 + n
				continue
			}
			i++
			continue
		case q:
			val, err := decodeEscapes(s[p+1 : i])
			if err != nil {
				return lx.errorf("%s", err.Error())
			}
			lx.emit(tString, val, lx.line)
			lx.advance(i + 1)
			return nil
		}
		i++
	}
	// an unterminated quote is not a string token: jinja2 reports the
	// quote as an unexpected character
	return lx.errorf("unexpected char %s at %d", pyQuote(string(q)), utf8.RuneCountInString(s[:p]))
}

// decodeEscapes is s.encode("ascii", "backslashreplace").decode("unicode-escape").
func decodeEscapes(s string) (string, error) {
	if !strings.Contains(s, "\\") {
		return s, nil
	}
	// backslashreplace: non-ASCII characters become escapes first, so a
	// backslash before one of them escapes the backslash of the escape.
	var a strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			a.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&a, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&a, `\u%04x`, r)
		default:
			fmt.Fprintf(&a, `\U%08x`, r)
		}
	}
	in := a.String()
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(in) {
			return "", fmt.Errorf("\\ at end of string")
		}
		i++
		n := in[i]
		switch n {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(n)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := rune(n - '0')
			for k := 0; k < 2 && i+1 < len(in) && in[i+1] >= '0' && in[i+1] <= '7'; k++ {
				i++
				v = v*8 + rune(in[i]-'0')
			}
			b.WriteRune(v)
		case 'x', 'u', 'U':
			w := map[byte]int{'x': 2, 'u': 4, 'U': 8}[n]
			var v rune
			for k := 0; k < w; k++ {
				if i+1 >= len(in) || hexVal(in[i+1]) < 0 {
					return "", fmt.Errorf("truncated \\%c%s escape", n, strings.Repeat("X", w))
				}
				i++
				v = v<<4 | rune(hexVal(in[i]))
			}
			if v > unicode.MaxRune || v < 0 {
				return "", fmt.Errorf("illegal Unicode character")
			}
			b.WriteRune(v)
		case 'N':
			return "", fmt.Errorf("\\N{...} escapes are not supported")
		default:
			b.WriteByte('\\')
			b.WriteByte(n)
		}
	}
	return b.String(), nil
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
