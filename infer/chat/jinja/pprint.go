package jinja

import (
	"regexp"
	"sort"
	"strings"
)

// pformat is Python's pprint.pformat (width 80, dict keys sorted): the
// |pprint filter.
func pformat(v Value) string {
	var b strings.Builder
	pp := &pprinter{b: &b, width: 80}
	pp.format(v, 0, 0, 0)
	return b.String()
}

type pprinter struct {
	b     *strings.Builder
	width int
}

// prepr is repr with dicts sorted by key.
func prepr(v Value, depth int) string {
	if depth > maxValueDepth {
		return "..."
	}
	switch x := v.(type) {
	case *Dict:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			val, _ := x.Get(k)
			parts[i] = prepr(k, depth+1) + ": " + prepr(val, depth+1)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []Value:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = prepr(it, depth+1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Tuple, groupTuple:
		items, _ := asSeq(x)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = prepr(it, depth+1)
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return repr(v)
}

// sortedKeys orders dict keys as pprint does (by value, or by type name
// when they cannot be compared).
func sortedKeys(d *Dict) []Value {
	keys := append([]Value(nil), d.keys...)
	sort.SliceStable(keys, func(i, j int) bool {
		c, err := compare("<", keys[i], keys[j])
		if err != nil {
			return typeName(keys[i]) < typeName(keys[j])
		}
		return c == -1
	})
	return keys
}

func (p *pprinter) format(v Value, indent, allowance, level int) {
	rep := prepr(v, 0)
	if runeLen(rep) <= p.width-indent-allowance || level > maxValueDepth {
		p.b.WriteString(rep)
		return
	}
	switch x := v.(type) {
	case *Dict:
		p.b.WriteString("{")
		keys := sortedKeys(x)
		ind := indent + 1
		for i, k := range keys {
			last := i == len(keys)-1
			kr := prepr(k, 0)
			p.b.WriteString(kr + ": ")
			val, _ := x.Get(k)
			a := 1
			if last {
				a = allowance + 1
			}
			p.format(val, ind+runeLen(kr)+2, a, level+1)
			if !last {
				p.b.WriteString(",\n" + strings.Repeat(" ", ind))
			}
		}
		p.b.WriteString("}")
	case []Value:
		p.b.WriteString("[")
		p.items(x, indent, allowance+1, level)
		p.b.WriteString("]")
	case Tuple, groupTuple:
		items, _ := asSeq(x)
		end := ")"
		if len(items) == 1 {
			end = ",)"
		}
		p.b.WriteString("(")
		p.items(items, indent, allowance+len(end), level)
		p.b.WriteString(end)
	case string:
		p.str(x, indent, allowance, level+1)
	default:
		p.b.WriteString(rep)
	}
}

func (p *pprinter) items(items []Value, indent, allowance, level int) {
	ind := indent + 1
	for i, it := range items {
		if i > 0 {
			p.b.WriteString(",\n" + strings.Repeat(" ", ind))
		}
		a := 1
		if i == len(items)-1 {
			a = allowance
		}
		p.format(it, ind, a, level+1)
	}
}

var wordSpaceRe = regexp.MustCompile(`\S*\s*`)

// str splits a long string into adjacent literals, as pprint does.
func (p *pprinter) str(s string, indent, allowance, level int) {
	if s == "" {
		p.b.WriteString(repr(s))
		return
	}
	lines, _ := splitlinesKeep(s, true)
	if level == 1 {
		indent++
		allowance++
	}
	maxWidth1, maxWidth := p.width-indent, p.width-indent
	var chunks []string
	rep := ""
	for i, line := range lines {
		rep = repr(line)
		if i == len(lines)-1 {
			maxWidth1 -= allowance
		}
		if runeLen(rep) <= maxWidth1 {
			chunks = append(chunks, rep)
			continue
		}
		parts := wordSpaceRe.FindAllString(line, -1)
		if len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		maxWidth2 := maxWidth
		current := ""
		for j, part := range parts {
			candidate := current + part
			if j == len(parts)-1 && i == len(lines)-1 {
				maxWidth2 -= allowance
			}
			if runeLen(repr(candidate)) > maxWidth2 {
				if current != "" {
					chunks = append(chunks, repr(current))
				}
				current = part
			} else {
				current = candidate
			}
		}
		if current != "" {
			chunks = append(chunks, repr(current))
		}
	}
	if len(chunks) == 1 {
		p.b.WriteString(rep)
		return
	}
	if level == 1 {
		p.b.WriteString("(")
	}
	for i, c := range chunks {
		if i > 0 {
			p.b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		p.b.WriteString(c)
	}
	if level == 1 {
		p.b.WriteString(")")
	}
}
