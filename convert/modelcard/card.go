package modelcard

// The model card: the YAML front matter of README.md, read as PyYAML's
// safe_load reads it (YAML 1.1 typing included) into Python values
// (pyvalue.go).

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// isFile is Path.is_file(): an existing regular file, links followed.
func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// readText reads a file as Python's open(path, encoding="utf-8").read()
// does: the bytes must be UTF-8, and \r\n and \r become \n.
func readText(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%s: not valid UTF-8", path)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}

// loadModelCard ports Metadata.load_model_card: the YAML front matter of
// README.md as a dict, or an empty dict when there is none or it is not a
// mapping. YAML that PyYAML rejects is an error, as it aborts llama.cpp.
func loadModelCard(dir string) (*pyDict, error) {
	path := filepath.Join(dir, "README.md")
	if !isFile(path) {
		return newDict(), nil
	}
	text, err := readText(path)
	if err != nil {
		return nil, err
	}
	src, ok := frontMatter(text)
	if !ok {
		return newDict(), nil
	}
	v, err := parseYAML(src)
	if err != nil {
		return nil, fmt.Errorf("%s: YAML front matter: %w", path, err)
	}
	d, ok := v.(*pyDict)
	if !ok {
		// llama.cpp logs this and goes on without a model card.
		return newDict(), nil
	}
	return d, nil
}

// frontMatter returns the lines between a first line "---" and the next
// "---" line (or the end), joined with "\n" and ending in "\n", after the two
// textual fixes llama.cpp applies: "- no" list items are quoted so that the
// Norwegian language code stays a string, and tabs become two spaces.
func frontMatter(text string) (string, bool) {
	lines := pySplitLines(text)
	if len(lines) == 0 || lines[0] != "---" {
		return "", false
	}
	var body []string
	for _, l := range lines[1:] {
		if l == "---" {
			break
		}
		body = append(body, l)
	}
	src := strings.Join(body, "\n") + "\n"
	src = strings.ReplaceAll(src, "- no\n", "- \"no\"\n")
	return strings.ReplaceAll(src, "\t", "  "), true
}

// pyYAMLNonPrintable is what PyYAML's reader refuses anywhere in a stream.
var pyYAMLNonPrintable = regexp.MustCompile("[^\t\n\r\x20-\x7e\u0085\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

// parseYAML is yaml.safe_load for one document: nil for an empty stream.
func parseYAML(src string) (any, error) {
	if loc := pyYAMLNonPrintable.FindStringIndex(src); loc != nil {
		return nil, fmt.Errorf("special character %q is not allowed", src[loc[0]:loc[1]])
	}
	src, err := yamlDirectives(src)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(strings.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, errors.New("expected a single document in the stream")
	}
	if err := checkAnchors(&doc, map[string]bool{}, 0); err != nil {
		return nil, err
	}
	c := constructor{memo: map[*yaml.Node]any{}, busy: map[*yaml.Node]bool{},
		merged: map[*yaml.Node][][2]*yaml.Node{}, merging: map[*yaml.Node]bool{}}
	return c.construct(&doc, 0)
}

var reYAMLDirective = regexp.MustCompile(`^%YAML[ \t]+([0-9]+)\.([0-9]+)`)

// yamlDirectives adapts the directive lines at the start of a stream to
// yaml.v3, which refuses what PyYAML accepts: any %YAML 1.x version (PyYAML
// only warns about x > 1) and unknown directives (PyYAML ignores them).
func yamlDirectives(src string) (string, error) {
	lines := strings.SplitAfter(src, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "" || t[0] == '#':
			continue
		case l[0] != '%':
			return strings.Join(lines, ""), nil
		case reYAMLDirective.MatchString(l):
			if m := reYAMLDirective.FindStringSubmatch(l); m[1] != "1" {
				return "", fmt.Errorf("found incompatible YAML document (version 1.* is required)")
			}
			lines[i] = "%YAML 1.1\n"
		case strings.HasPrefix(l, "%TAG ") || strings.HasPrefix(l, "%TAG\t"):
		default:
			lines[i] = "\n"
		}
	}
	return strings.Join(lines, ""), nil
}

// checkAnchors refuses an anchor defined twice, as PyYAML's composer does
// (yaml.v3 lets the second definition win).
func checkAnchors(n *yaml.Node, seen map[string]bool, depth int) error {
	if depth > maxDepth {
		return errors.New("document nested too deeply")
	}
	if n.Kind != yaml.AliasNode && n.Anchor != "" {
		if seen[n.Anchor] {
			return fmt.Errorf("line %d: found duplicate anchor %q", n.Line, n.Anchor)
		}
		seen[n.Anchor] = true
	}
	for _, c := range n.Content {
		if err := checkAnchors(c, seen, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// constructor builds Python values from a yaml.v3 node tree the way PyYAML's
// SafeConstructor does. Plain scalars are typed by PyYAML's (YAML 1.1)
// implicit resolvers, not by yaml.v3's own.
type constructor struct {
	memo    map[*yaml.Node]any             // collections already built: aliases share them
	busy    map[*yaml.Node]bool            // collections being built (a cycle)
	merged  map[*yaml.Node][][2]*yaml.Node // mappings' pairs with merge keys expanded
	merging map[*yaml.Node]bool            // mappings being expanded
}

// maxDepth bounds nesting (PyYAML runs into Python's recursion limit).
const maxDepth = 512

func (c *constructor) construct(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("document nested too deeply")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.construct(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unknown alias %q", n.Line, n.Value)
		}
		return c.construct(n.Alias, depth+1)
	case yaml.ScalarNode:
		return constructScalar(scalarTag(n), n.Value, n.Line)
	}
	if v, ok := c.memo[n]; ok {
		return v, nil
	}
	if c.busy[n] {
		// A collection that contains itself. Python builds it; nothing here
		// looks into it, so a stand-in of the right truthiness will do.
		kind := map[yaml.Kind]string{yaml.SequenceNode: "list", yaml.MappingNode: "dict"}[n.Kind]
		return pyOther{kind: kind, truthy: true}, nil
	}
	c.busy[n] = true
	defer delete(c.busy, n)
	v, err := c.collection(n, depth)
	if err != nil {
		return nil, err
	}
	c.memo[n] = v
	return v, nil
}

func (c *constructor) collection(n *yaml.Node, depth int) (any, error) {
	tag := n.ShortTag()
	if n.Style&yaml.TaggedStyle == 0 {
		tag = map[yaml.Kind]string{yaml.SequenceNode: "!!seq", yaml.MappingNode: "!!map"}[n.Kind]
	}
	switch {
	case tag == "!!seq" && n.Kind == yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := c.construct(item, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case (tag == "!!omap" || tag == "!!pairs") && n.Kind == yaml.SequenceNode:
		// A list of (key, value) tuples, one per single-pair mapping.
		list := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			item = resolveAlias(item)
			if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
				return nil, fmt.Errorf("line %d: %s expects single-pair mappings", item.Line, tag)
			}
			for _, kv := range item.Content {
				if _, err := c.construct(kv, depth+1); err != nil {
					return nil, err
				}
			}
			list = append(list, pyOther{kind: "tuple", truthy: true})
		}
		return list, nil
	case (tag == "!!map" || tag == "!!set") && n.Kind == yaml.MappingNode:
		d := newDict()
		pairs, err := c.mergedPairs(n, depth)
		if err != nil {
			return nil, err
		}
		for _, kv := range pairs {
			var key any = "=" // a plain "=" key is a string, not the value tag
			if !(isPlain(kv[0]) && kv[0].Value == "=") {
				if key, err = c.construct(kv[0], depth+1); err != nil {
					return nil, err
				}
			}
			if !hashable(key) {
				return nil, fmt.Errorf("line %d: found unhashable key", kv[0].Line)
			}
			val, err := c.construct(kv[1], depth+1)
			if err != nil {
				return nil, err
			}
			if s, ok := key.(string); ok {
				d.set(s, val)
			} else {
				d.size++
			}
		}
		if tag == "!!set" {
			return pyOther{kind: "set", truthy: d.size > 0}, nil
		}
		return d, nil
	}
	return nil, fmt.Errorf("line %d: could not determine a constructor for the tag %q", n.Line, tag)
}

// hashable says whether a value can be a dict key in Python.
func hashable(v any) bool {
	switch x := v.(type) {
	case []any, *pyDict:
		return false
	case pyOther:
		return x.kind != "set" && x.kind != "list" && x.kind != "dict"
	}
	return true
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isPlain(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
}

// mergedPairs is a mapping's key/value pairs with PyYAML's "<<" merge keys
// expanded: merged pairs come first (so the mapping's own keys win), and of a
// list of merged mappings, the earlier ones win. A key node that occurs more
// than once (merged in along several paths) is kept at its last occurrence
// only, which yields the same dict and keeps repeated merges from growing
// exponentially.
func (c *constructor) mergedPairs(n *yaml.Node, depth int) ([][2]*yaml.Node, error) {
	if p, ok := c.merged[n]; ok {
		return p, nil
	}
	if depth > maxDepth {
		return nil, errors.New("merge keys nested too deeply")
	}
	if c.merging[n] {
		// A mapping merged into itself: PyYAML has removed the merge key
		// before it gets there, and the keys it then adds are the
		// mapping's own ones, which are there anyway.
		return nil, nil
	}
	c.merging[n] = true
	defer delete(c.merging, n)
	var merged, own [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !(isPlain(k) && k.Value == "<<") {
			own = append(own, [2]*yaml.Node{k, v})
			continue
		}
		v = resolveAlias(v)
		var sources []*yaml.Node
		switch v.Kind {
		case yaml.MappingNode:
			sources = []*yaml.Node{v}
		case yaml.SequenceNode:
			for j := len(v.Content) - 1; j >= 0; j-- {
				s := resolveAlias(v.Content[j])
				if s.Kind != yaml.MappingNode {
					return nil, fmt.Errorf("line %d: expected a mapping for merging", s.Line)
				}
				sources = append(sources, s)
			}
		default:
			return nil, fmt.Errorf("line %d: expected a mapping or list of mappings for merging", v.Line)
		}
		for _, s := range sources {
			p, err := c.mergedPairs(s, depth+1)
			if err != nil {
				return nil, err
			}
			merged = append(merged, p...)
		}
	}
	all := append(merged, own...)
	last := map[*yaml.Node]int{}
	for i, kv := range all {
		last[kv[0]] = i
	}
	pairs := all[:0:0]
	for i, kv := range all {
		if last[kv[0]] == i {
			pairs = append(pairs, kv)
		}
	}
	c.merged[n] = pairs
	return pairs, nil
}

// PyYAML's implicit resolvers for plain scalars, in the order it tries them.
var yaml11Resolvers = []struct {
	tag string
	re  *regexp.Regexp
}{
	{"!!bool", regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)},
	{"!!float", regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)},
	{"!!int", regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)},
	{"!!merge", regexp.MustCompile(`^<<$`)},
	{"!!null", regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)},
	{"!!timestamp", regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)},
	{"!!value", regexp.MustCompile(`^=$`)},
}

// scalarTag is the tag PyYAML gives a scalar: an explicit one, !!str for a
// quoted or block scalar, else the first implicit resolver that matches.
func scalarTag(n *yaml.Node) string {
	if n.Style&yaml.TaggedStyle != 0 {
		return n.ShortTag()
	}
	if !isPlain(n) {
		return "!!str"
	}
	for _, r := range yaml11Resolvers {
		if r.re.MatchString(n.Value) {
			return r.tag
		}
	}
	return "!!str"
}

func constructScalar(tag, value string, line int) (any, error) {
	bad := func(what string) error { return fmt.Errorf("line %d: %s %q", line, what, value) }
	switch tag {
	case "!!str":
		return value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		switch strings.ToLower(value) {
		case "yes", "true", "on":
			return true, nil
		case "no", "false", "off":
			return false, nil
		}
		return nil, bad("invalid boolean")
	case "!!int":
		if n, ok := yamlInt(value); ok {
			return n, nil
		}
		return nil, bad("invalid integer")
	case "!!float":
		if f, ok := yamlFloat(value); ok {
			return f, nil
		}
		return nil, bad("invalid float")
	case "!!timestamp":
		if kind, ok := yamlTimestamp(value); ok {
			return pyOther{kind: kind, truthy: true}, nil
		}
		return nil, bad("invalid timestamp")
	case "!!binary":
		keep := strings.Map(func(r rune) rune {
			if r < 0x80 && (r == '+' || r == '/' || r == '=' || r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z') {
				return r
			}
			return -1
		}, value)
		b, err := base64.StdEncoding.DecodeString(keep)
		if err != nil {
			return nil, bad("invalid base64 data")
		}
		return pyBytes(b), nil
	}
	return nil, fmt.Errorf("line %d: could not determine a constructor for the tag %q", line, tag)
}

// yamlInt is SafeConstructor.construct_yaml_int: underscores dropped, then
// 0b binary, 0x hex, leading-zero octal, a:b:c base 60, or decimal.
func yamlInt(value string) (*big.Int, bool) {
	v := strings.ReplaceAll(value, "_", "")
	if v == "" {
		return nil, false
	}
	neg := v[0] == '-'
	if v[0] == '+' || v[0] == '-' {
		v = v[1:]
	}
	var n *big.Int
	ok := true
	switch {
	case v == "0":
		n = new(big.Int)
	case strings.HasPrefix(v, "0b"):
		n, ok = pyIntFromString(v[2:], 2)
	case strings.HasPrefix(v, "0x"):
		n, ok = pyIntFromString(v[2:], 16)
	case strings.HasPrefix(v, "0"):
		n, ok = pyIntFromString(v, 8)
	case strings.Contains(v, ":"):
		n = new(big.Int)
		base := big.NewInt(1)
		parts := strings.Split(v, ":")
		for i := len(parts) - 1; i >= 0; i-- {
			d, dok := pyIntFromString(parts[i], 10)
			if !dok {
				return nil, false
			}
			n.Add(n, d.Mul(d, base))
			base.Mul(base, big.NewInt(60))
		}
	case v == "":
		return nil, false
	default:
		n, ok = pyIntFromString(v, 10)
	}
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}

// yamlFloat is SafeConstructor.construct_yaml_float.
func yamlFloat(value string) (float64, bool) {
	v := strings.ToLower(strings.ReplaceAll(value, "_", ""))
	if v == "" {
		return 0, false
	}
	sign := 1.0
	if v[0] == '-' {
		sign = -1
	}
	if v[0] == '+' || v[0] == '-' {
		v = v[1:]
	}
	switch {
	case v == ".inf":
		return sign * math.Inf(1), true
	case v == ".nan":
		// PyYAML computes its NaN as -inf/inf: the x86 default NaN, sign set.
		return math.Float64frombits(0xfff8000000000000), true
	case strings.Contains(v, ":"):
		sum := 0.0
		base := big.NewInt(1)
		parts := strings.Split(v, ":")
		for i := len(parts) - 1; i >= 0; i-- {
			d, ok := pyFloat(parts[i])
			if !ok {
				return 0, false
			}
			b, _ := new(big.Float).SetInt(base).Float64()
			sum += d * b
			base.Mul(base, big.NewInt(60))
		}
		return sign * sum, true
	}
	f, ok := pyFloat(v)
	return sign * f, ok
}

var yamlTimestampParts = regexp.MustCompile(`^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.[0-9]*)?(?:[ \t]*(?:Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$`)

// yamlTimestamp checks what construct_yaml_timestamp checks (through
// Python's datetime) and says whether it builds a date or a datetime.
func yamlTimestamp(value string) (kind string, ok bool) {
	m := yamlTimestampParts.FindStringSubmatch(value)
	if m == nil {
		return "", false
	}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	year, month, day := num(m[1]), num(m[2]), num(m[3])
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return "", false
	}
	if m[4] == "" {
		return "date", true
	}
	if num(m[4]) > 23 || num(m[5]) > 59 || num(m[6]) > 59 {
		return "", false
	}
	if m[7] != "" && num(m[8])*60+num(m[9]) >= 24*60 {
		return "", false // datetime.timezone needs an offset under 24 hours
	}
	return "datetime", true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
