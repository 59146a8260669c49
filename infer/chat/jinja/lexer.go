package jinja

import (
	"fmt"
	"strings"
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
	val  string
	line int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of template"
	case tData:
		return "template data"
	case tVarEnd:
		return "'}}'"
	case tBlockEnd:
		return "'%}'"
	}
	return fmt.Sprintf("'%s'", t.val)
}

// SyntaxError is a template that does not parse.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("template syntax error (line %d): %s", e.Line, e.Msg)
}

// lex splits a template into tokens with Jinja's whitespace rules as
// transformers configures them: trim_blocks (the newline after a block or
// comment tag is dropped), lstrip_blocks (spaces and tabs before a block or
// comment tag on its line are dropped), "-" and "+" modifiers, and
// keep_trailing_newline off (one final newline of the source is dropped).
func lex(src string) ([]token, error) {
	src = strings.TrimSuffix(src, "\n")
	var toks []token
	line := 1
	pos := 0
	stripNext := false // the previous tag ended with "-": strip leading whitespace
	trimNL := false    // the previous tag was a block/comment: drop one newline
	lineStart := true  // what precedes the data stretch ends a line
	for pos < len(src) {
		i := indexTagStart(src, pos)
		data := src
		if i < 0 {
			data = src[pos:]
		} else {
			data = src[pos:i]
		}
		if stripNext {
			t := strings.TrimLeft(data, " \t\n\r\f\v")
			if consumed := data[:len(data)-len(t)]; consumed != "" {
				lineStart = strings.HasSuffix(consumed, "\n")
			}
			data = t
		} else if trimNL {
			if strings.HasPrefix(data, "\n") {
				data = data[1:]
				lineStart = true
			} else if strings.HasPrefix(data, "\r\n") {
				data = data[2:]
				lineStart = true
			}
		}
		stripNext, trimNL = false, false
		if i < 0 {
			if data != "" {
				toks = append(toks, token{tData, data, line})
			}
			break
		}
		kind := src[i+1] // '{', '%' or '#'
		mod := byte(0)
		if i+2 < len(src) && (src[i+2] == '-' || src[i+2] == '+') {
			mod = src[i+2]
		}
		if mod == '-' {
			data = strings.TrimRight(data, " \t\n\r\f\v")
		} else if mod != '+' && (kind == '%' || kind == '#') {
			// lstrip_blocks: only whitespace between the line start and the tag
			j := strings.LastIndexByte(data, '\n')
			tail := data[j+1:]
			if strings.Trim(tail, " \t") == "" && (j >= 0 || lineStart) {
				data = data[:j+1]
			}
		}
		if data != "" {
			toks = append(toks, token{tData, data, line})
		}
		line += strings.Count(src[pos:i], "\n")
		lineStart = false
		start := i + 2
		if mod != 0 {
			start++
		}
		switch kind {
		case '#':
			end := strings.Index(src[start:], "#}")
			if end < 0 {
				return nil, &SyntaxError{line, "unclosed comment"}
			}
			body := src[start : start+end]
			line += strings.Count(body, "\n")
			if strings.HasSuffix(body, "-") {
				stripNext = true
			} else if !strings.HasSuffix(body, "+") {
				trimNL = true
			}
			pos = start + end + 2
		case '{', '%':
			closer := "}}"
			if kind == '%' {
				closer = "%}"
			}
			if kind == '%' {
				toks = append(toks, token{tBlockBegin, "{%", line})
			} else {
				toks = append(toks, token{tVarBegin, "{{", line})
			}
			p, inner, err := lexExpr(src, start, closer, &line)
			if err != nil {
				return nil, err
			}
			toks = append(toks, inner...)
			// p points at the closer (possibly preceded by - or +)
			endMod := byte(0)
			if p > start && (src[p-1] == '-' || src[p-1] == '+') {
				endMod = src[p-1]
			}
			if kind == '%' {
				toks = append(toks, token{tBlockEnd, "%}", line})
			} else {
				toks = append(toks, token{tVarEnd, "}}", line})
			}
			pos = p + 2
			if endMod == '-' {
				stripNext = true
			} else if kind == '%' && endMod != '+' {
				trimNL = true
			}
			// raw block: take the body verbatim up to {% endraw %}
			if kind == '%' && len(inner) == 1 && inner[0].kind == tName && inner[0].val == "raw" {
				body, after, err := rawBody(src, pos, &line)
				if err != nil {
					return nil, err
				}
				toks = toks[:len(toks)-3]
				if trimNL && strings.HasPrefix(body, "\n") {
					body = body[1:]
				}
				if stripNext {
					body = strings.TrimLeft(body, " \t\n\r\f\v")
				}
				if body != "" {
					toks = append(toks, token{tData, body, line})
				}
				pos = after.pos
				stripNext, trimNL = after.strip, after.trim
			}
		}
	}
	toks = append(toks, token{tEOF, "", line})
	return toks, nil
}

func indexTagStart(s string, from int) int {
	for i := from; i+1 < len(s); i++ {
		if s[i] == '{' && (s[i+1] == '{' || s[i+1] == '%' || s[i+1] == '#') {
			return i
		}
	}
	return -1
}

type rawAfter struct {
	pos         int
	strip, trim bool
}

// rawBody finds {% endraw %} and returns the text before it.
func rawBody(src string, pos int, line *int) (string, rawAfter, error) {
	for i := pos; ; {
		j := strings.Index(src[i:], "{%")
		if j < 0 {
			return "", rawAfter{}, &SyntaxError{*line, "missing {% endraw %}"}
		}
		j += i
		k := j + 2
		mod := byte(0)
		if k < len(src) && (src[k] == '-' || src[k] == '+') {
			mod = src[k]
			k++
		}
		rest := strings.TrimLeft(src[k:], " \t\n\r")
		if strings.HasPrefix(rest, "endraw") {
			r2 := strings.TrimLeft(rest[6:], " \t\n\r")
			endMod := byte(0)
			if strings.HasPrefix(r2, "-") || strings.HasPrefix(r2, "+") {
				endMod = r2[0]
				r2 = r2[1:]
			}
			if strings.HasPrefix(r2, "%}") {
				body := src[pos:j]
				if mod == '-' {
					body = strings.TrimRight(body, " \t\n\r\f\v")
				} else if mod != '+' {
					n := strings.LastIndexByte(body, '\n')
					if strings.Trim(body[n+1:], " \t") == "" {
						body = body[:n+1]
					}
				}
				*line += strings.Count(src[pos:j], "\n")
				after := len(src) - len(r2) + 2
				return body, rawAfter{after, endMod == '-', endMod != '-' && endMod != '+'}, nil
			}
		}
		i = j + 2
	}
}

// lexExpr tokenizes the inside of a {{ }} or {% %} tag starting at p; it
// returns the index of the closer.
func lexExpr(src string, p int, closer string, line *int) (int, []token, error) {
	var out []token
	for {
		for p < len(src) && strings.IndexByte(" \t\r\n", src[p]) >= 0 {
			if src[p] == '\n' {
				*line++
			}
			p++
		}
		if p >= len(src) {
			return 0, nil, &SyntaxError{*line, fmt.Sprintf("unexpected end of template, expected '%s'", closer)}
		}
		if strings.HasPrefix(src[p:], closer) {
			return p, out, nil
		}
		if (src[p] == '-' || src[p] == '+') && strings.HasPrefix(src[p+1:], closer) {
			return p + 1, out, nil
		}
		c := src[p]
		switch {
		case c == '_' || isLetter(c):
			q := p
			for q < len(src) && (src[q] == '_' || isLetter(src[q]) || isDigit(src[q])) {
				q++
			}
			out = append(out, token{tName, src[p:q], *line})
			p = q
		case isDigit(c):
			q := p
			isFloat := false
			for q < len(src) && (isDigit(src[q]) || src[q] == '_') {
				q++
			}
			if q+1 < len(src) && src[q] == '.' && isDigit(src[q+1]) {
				isFloat = true
				q++
				for q < len(src) && (isDigit(src[q]) || src[q] == '_') {
					q++
				}
			}
			if q < len(src) && (src[q] == 'e' || src[q] == 'E') {
				r := q + 1
				if r < len(src) && (src[r] == '+' || src[r] == '-') {
					r++
				}
				if r < len(src) && isDigit(src[r]) {
					isFloat = true
					q = r
					for q < len(src) && isDigit(src[q]) {
						q++
					}
				}
			}
			kind := tInt
			if isFloat {
				kind = tFloat
			}
			out = append(out, token{kind, strings.ReplaceAll(src[p:q], "_", ""), *line})
			p = q
		case c == '\'' || c == '"':
			s, q, err := lexString(src, p, line)
			if err != nil {
				return 0, nil, err
			}
			out = append(out, token{tString, s, *line})
			p = q
		default:
			op := ""
			for _, cand := range []string{"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"} {
				if strings.HasPrefix(src[p:], cand) {
					op = cand
					break
				}
			}
			if op == "" {
				return 0, nil, &SyntaxError{*line, fmt.Sprintf("unexpected char %q", c)}
			}
			out = append(out, token{tOp, op, *line})
			p += len(op)
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// lexString reads a Python string literal (with its escapes).
func lexString(src string, p int, line *int) (string, int, error) {
	q := src[p]
	var b strings.Builder
	i := p + 1
	for i < len(src) {
		c := src[i]
		switch {
		case c == q:
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(src):
			n := src[i+1]
			i += 2
			switch n {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '\'', '"':
				b.WriteByte(n)
			case '0':
				b.WriteByte(0)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'v':
				b.WriteByte('\v')
			case 'a':
				b.WriteByte('\a')
			case '\n':
				*line++
			case 'x', 'u', 'U':
				w := map[byte]int{'x': 2, 'u': 4, 'U': 8}[n]
				if i+w > len(src) {
					return "", 0, &SyntaxError{*line, "truncated escape in string"}
				}
				var v rune
				for _, h := range src[i : i+w] {
					d := hexVal(byte(h))
					if d < 0 {
						return "", 0, &SyntaxError{*line, "bad escape in string"}
					}
					v = v<<4 | rune(d)
				}
				b.WriteRune(v)
				i += w
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
		default:
			if c == '\n' {
				*line++
			}
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, &SyntaxError{*line, "unterminated string"}
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
