package modelcard

import (
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// show prints a Python value the way the tests spell them.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case *big.Int:
		return x.String()
	case float64:
		return pyFloatRepr(x)
	case string:
		return fmt.Sprintf("%q", x)
	case pyBytes:
		return fmt.Sprintf("b%q", string(x))
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = show(e)
		}
		return "[" + strings.Join(s, ", ") + "]"
	case *pyDict:
		keys := make([]string, 0, len(x.m))
		for k := range x.m {
			keys = append(keys, k)
		}
		// sorted for a stable spelling
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if keys[j] < keys[i] {
					keys[i], keys[j] = keys[j], keys[i]
				}
			}
		}
		s := make([]string, len(keys))
		for i, k := range keys {
			s[i] = fmt.Sprintf("%q: %s", k, show(x.m[k]))
		}
		return "{" + strings.Join(s, ", ") + "}"
	case pyOther:
		return "<" + x.kind + ">"
	}
	return fmt.Sprintf("?%T", v)
}

func TestFrontMatter(t *testing.T) {
	for _, c := range []struct {
		text, want string
		ok         bool
	}{
		{"---\na: 1\n---\nbody\n", "a: 1\n", true},
		{"---\na: 1\n", "a: 1\n", true}, // no closing line: to the end
		{"---\n---\n", "\n", true},      // empty
		{"---\nlang:\n- no\n- en\n---", "lang:\n- \"no\"\n- en\n", true},
		{"---\nlang: [no]\n---", "lang: [no]\n", true}, // only "- no" lines are fixed
		{"---\na:\tb\n---", "a:  b\n", true},           // tabs become two spaces
		{"---\na: 1\n--- \nb: 2\n---\n", "a: 1\n--- \nb: 2\n", true},
		{"---\u2028a: 1\u2029---", "a: 1\n", true}, // Python's line boundaries
		{"---\u0085a: 1\x0b---", "a: 1\n", true},
		{"# title\n---\na: 1\n---\n", "", false},
		{"--- \na: 1\n", "", false},
		{"\ufeff---\na: 1\n", "", false},
		{"", "", false},
	} {
		got, ok := frontMatter(c.text)
		if got != c.want || ok != c.ok {
			t.Errorf("frontMatter(%q) = %q, %v; want %q, %v", c.text, got, ok, c.want, c.ok)
		}
	}
}

func TestSplitLines(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"\n", []string{""}},
		{"a\n\nb", []string{"a", "", "b"}},
		{"a\r\nb\rc", []string{"a", "b", "c"}},
		{"a\x1cb\x1dc\x1ed\x1ff", []string{"a", "b", "c", "d\x1ff"}},
	} {
		if got := pySplitLines(c.in); fmt.Sprint(got) != fmt.Sprint(c.want) || len(got) != len(c.want) {
			t.Errorf("pySplitLines(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestYAMLTypes checks that plain scalars get PyYAML's YAML 1.1 types.
func TestYAMLTypes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"abc", `"abc"`},
		{"yes", "True"}, {"No", "False"}, {"ON", "True"}, {"off", "False"}, {"y", `"y"`},
		{"True", "True"}, {"FALSE", "False"}, {"tRue", `"tRue"`},
		{"~", "None"}, {"null", "None"}, {"Null", "None"}, {"", "None"}, {"nUll", `"nUll"`},
		{"12", "12"}, {"-0", "0"}, {"+7", "7"}, {"1_000", "1000"},
		{"010", "8"}, {"08", `"08"`}, {"0o17", `"0o17"`}, {"0x1F", "31"}, {"0X1F", `"0X1F"`}, {"0b101", "5"},
		{"1:30", "90"}, {"-1:00:00", "-3600"}, {"1:60", `"1:60"`},
		{"12345678901234567890", "12345678901234567890"},
		{"1.5", "1.5"}, {"1.", "1.0"}, {".5", "0.5"}, {"-.5", `"-.5"`}, {"+1.5", "1.5"},
		{"1.5e+3", "1500.0"}, {"1.5e3", `"1.5e3"`}, {"1e5", `"1e5"`}, {"1_0.5", "10.5"},
		{"1:30.5", "90.5"}, {".inf", "inf"}, {"-.Inf", "-inf"}, {".NaN", "nan"}, {".nan", "nan"}, {"-.nan", `"-.nan"`},
		{"2024-01-31", "<date>"}, {"2024-1-31", `"2024-1-31"`}, {"2024-01-31 10:20:30", "<datetime>"},
		{"2024-01-31T10:20:30.5Z", "<datetime>"}, {"2001-12-14 21:59:43.10 -5", "<datetime>"},
		{"v1.0", `"v1.0"`}, {"1.0.0", `"1.0.0"`}, {"7B", `"7B"`},
		{"'yes'", `"yes"`}, {`"12"`, `"12"`}, {"!!str 12", `"12"`}, {"!!int '12'", "12"},
		{"!!float 1", "1.0"}, {"!!float 1e5", "100000.0"}, {"!!int 0o17", "15"},
		{"!!binary aGVsbG8=", `b"hello"`}, {"!!null x", "None"}, {"!!bool ON", "True"},
		{"|\n  a\n  b", `"a\nb\n"`}, {">-\n  a\n  b", `"a b"`},
		{"[1, a, yes]", `[1, "a", True]`}, {"{a: 1}", `{"a": 1}`}, {"[]", "[]"},
		{"!!set {a, b}", "<set>"}, {"!!omap [a: 1]", "[<tuple>]"}, {"!!pairs [a: 1, a: 2]", "[<tuple>, <tuple>]"},
	} {
		v, err := parseYAML("v: " + c.in + "\n")
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := show(v.(*pyDict).get("v")); got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
	v, _ := parseYAML("v: .nan\n")
	if bits := math.Float64bits(v.(*pyDict).get("v").(float64)); bits != 0xfff8000000000000 {
		t.Errorf("PyYAML's NaN is -inf/inf (0xfff8000000000000), got %#x", bits)
	}
}

func TestYAMLStructure(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a: 1\na: 2\n", `{"a": 2}`}, // last wins
		{"1: a\ntrue: b\nnull: c\nk: d\n", `{"k": "d"}`},
		{"=: x\n", `{"=": "x"}`},
		{"x: &a {b: 1}\ny: *a\n", `{"x": {"b": 1}, "y": {"b": 1}}`},
		{"x: &a [1]\n<<: {x: 2, z: 3}\n", `{"x": [1], "z": 3}`}, // own keys win
		{"a: &a {k: 1, j: 1}\nb: &b {k: 2}\nc:\n  <<: [*b, *a]\n", `{"a": {"j": 1, "k": 1}, "b": {"k": 2}, "c": {"j": 1, "k": 2}}`},
		{"x: &a [*a]\n", `{"x": [<list>]}`}, // a list that contains itself
		{"a: &a {<<: *a}\n", `{"a": {}}`},   // a mapping merged into itself
		{"a: &a {x: 1, <<: [*a, {z: 3}], y: 2}\n", `{"a": {"x": 1, "y": 2, "z": 3}}`},
		{"- a\n", `["a"]`},
		{"# only a comment\n", "None"},
		{"\n", "None"},
	} {
		v, err := parseYAML(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := show(v); got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
}

// TestYAMLErrors has documents PyYAML's safe_load rejects.
func TestYAMLErrors(t *testing.T) {
	for _, in := range []string{
		"a: [b\n",
		"a: b\n  c: d\n",
		"a: 1\n--- \nb: 2\n",
		"a: &x 1\nb: &x 2\n",
		"a: *nope\n",
		"a: !foo bar\n",
		"a: !!python/tuple [1]\n",
		"a: !!int abc\n",
		"a: !!bool maybe\n",
		"a: !!str [1]\n",
		"a: !!timestamp 2020\n",
		"a: 2023-02-29\n",
		"a: 2020-01-01 24:00:00\n",
		"a: 2020-01-01 10:00:00 +24\n",
		"a: 0000-01-01\n",
		"a: 0x_\n",
		"a: =\n",
		"a: <<\n",
		"<<: 5\n",
		"<<: [5]\n",
		"? [a]\n: b\n",
		"? {a: b}\n: c\n",
		"a: \"\x01\"\n",
		"a: `x\n",
		"a: !!omap {a: 1}\n",
		"a: !!omap [a: 1, {b: 1, c: 2}]\n",
		strings.Repeat("[", maxDepth+10) + strings.Repeat("]", maxDepth+10) + "\n",
	} {
		if v, err := parseYAML(in); err == nil {
			t.Errorf("%q: no error, got %s", in, show(v))
		}
	}
}

func TestJSON(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ in, want string }{
		{`{"a": 1, "b": 1.0, "c": 1e2, "d": -0, "e": 12345678901234567890}`, `{"a": 1, "b": 1.0, "c": 100.0, "d": 0, "e": 12345678901234567890}`},
		{`{"a": NaN, "b": Infinity, "c": -Infinity, "d": 1e400}`, `{"a": nan, "b": inf, "c": -inf, "d": inf}`},
		{`{"a": 1, "a": 2}`, `{"a": 2}`},
		{`  [true, false, null, "x\u00e9\ud83d\ude00\n"]  ` + "\n", `[True, False, None, "xé😀\n"]`},
		{`"\ud800"`, `"�"`},
		{`null`, "None"},
		{`{"a": 1,}`, "error"},
		{`[1,]`, "error"},
		{`{"a": 01}`, "error"},
		{`{"a": 1.}`, "error"},
		{`{"a": .5}`, "error"},
		{`{"a": "tab	here"}`, "error"},
		{`{"a": "\x"}`, "error"},
		{`{} {}`, "error"},
		{"\ufeff{}", "error"},
		{``, "error"},
		{`{'a': 1}`, "error"},
	} {
		path := filepath.Join(dir, "x.json")
		if err := os.WriteFile(path, []byte(c.in), 0o644); err != nil {
			t.Fatal(err)
		}
		v, err := readJSONFile(path)
		got := show(v)
		if err != nil {
			if _, ok := err.(*jsonSyntaxError); !ok {
				t.Errorf("%q: error %v is not a syntax error", c.in, err)
			}
			got = "error"
		}
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
	if v, err := readJSONFile(filepath.Join(dir, "missing.json")); v != nil || err != nil {
		t.Errorf("missing file: %v, %v", v, err)
	}
	deep := filepath.Join(dir, "deep.json")
	os.WriteFile(deep, []byte(strings.Repeat("[", 5000)+strings.Repeat("]", 5000)), 0o644)
	if _, err := readJSONFile(deep); err == nil {
		t.Error("no error for JSON nested 5000 deep")
	}
}

func TestPathName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"models/tiny-llama-h256", "tiny-llama-h256"},
		{"/abs/x/", "x"},
		{"x/./", "x"},
		{"x/..", ".."},
		{".", ""},
		{"./", ""},
		{"/", ""},
		{"", ""},
	} {
		if got := pathName(c.in); got != c.want {
			t.Errorf("pathName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPyStrings(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{1, "1.0"}, {0.5, "0.5"}, {1e16, "1e+16"}, {1.5e-5, "1.5e-05"}, {0.0001, "0.0001"},
		{123456789012345.6, "123456789012345.6"}, {math.Copysign(0, -1), "-0.0"}, {math.Inf(1), "inf"},
	} {
		if got := pyFloatRepr(c.f); got != c.want {
			t.Errorf("pyFloatRepr(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	if got := pyUpper("q4_ßﬁ"); got != "Q4_SSFI" {
		t.Errorf("pyUpper = %q", got)
	}
	for _, c := range []struct {
		in    string
		lower bool
	}{{"abc", true}, {"abc1", true}, {"aBc", false}, {"123", false}, {"ǆ", true}, {"ǅ", false}, {"ª", true}} {
		if got := pyIsLower(c.in); got != c.lower {
			t.Errorf("pyIsLower(%q) = %v", c.in, got)
		}
	}
	for _, c := range []struct {
		in   string
		f    float64
		okay bool
	}{{"1.5", 1.5, true}, {" 7 ", 7, true}, {"٣", 3, true}, {"1_0", 10, true}, {"1__0", 0, false}, {"8x7", 0, false}, {"7.5.1", 0, false}, {"1e400", math.Inf(1), true}} {
		f, ok := pyFloat(c.in)
		if ok != c.okay || (ok && f != c.f) {
			t.Errorf("pyFloat(%q) = %v, %v", c.in, f, ok)
		}
	}
}

// FuzzModelCard feeds arbitrary README.md front matter through Read and
// KVs: errors are fine, panics are not.
func FuzzModelCard(f *testing.F) {
	for _, s := range []string{
		"license: mit\ntags: [a, b]\n",
		"base_model: [a/b, {name: x}, 1, 2020-01-01]\ndatasets: https://huggingface.co/a/b\n",
		"x: &a [*a]\ntags: *a\n",
		"<<: [{license: mit}]\nlanguage: [no, yes]\n",
		"tags: [[1], [2.5], [yes]]\nsize_label: 0\nversion: ''\n",
		"a: !!binary aGVsbG8=\nlicense: !!set {a}\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, front string) {
		model := filepath.Join(dir, "Fuzz-7B-v1")
		os.MkdirAll(model, 0o755)
		os.WriteFile(filepath.Join(model, "README.md"), []byte("---\n"+front+"\n---\n"), 0o644)
		m, err := Read(model, "", Params{Total: 7e9})
		if err != nil {
			return
		}
		m.KVs()
		m.FileStem("F16")
	})
}

// TestYAMLBombs checks that repeated merges and aliases stay cheap.
func TestYAMLBombs(t *testing.T) {
	var b strings.Builder
	b.WriteString("l0: &l0 {license: mit}\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "l%d: &l%d {<<: [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]}\n")
	}
	b.WriteString("<<: *l30\n")
	v, err := parseYAML(b.String())
	if err != nil || show(v.(*pyDict).get("license")) != `"mit"` {
		t.Errorf("merge chain: %v", err)
	}

	b.Reset()
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 8)+fmt.Sprintf("*a%d", i-1))
	}
	b.WriteString("tags: *a12\n")
	dir := filepath.Join(t.TempDir(), "m")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\n"+b.String()+"---\n"), 0o644)
	m, err := Read(dir, "", Params{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.KVs(); err == nil {
		t.Error("no error for a 9^13-item tags array")
	}
}

func TestYAMLDirectives(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"%YAML 1.2\n--- \nlicense: mit\n", `{"license": "mit"}`},
		{"# c\n%FOO bar\n--- \nlicense: mit\n", `{"license": "mit"}`},
		{"%TAG ! tag:example.com,2000:\n--- \nlicense: mit\n", `{"license": "mit"}`},
		{"%YAML 2.0\n--- \nlicense: mit\n", "error"},
	} {
		v, err := parseYAML(c.in)
		got := show(v)
		if err != nil {
			got = "error"
		}
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
}
