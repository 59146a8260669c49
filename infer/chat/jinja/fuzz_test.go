package jinja

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hfctl/hfctl/internal/testdata"
)

// fuzzSeeds adds the shared chat templates (when the test data is
// present) and a few inline templates covering the syntax.
func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		"{{ x }}",
		"{% for a in b %}{{ loop.index }}{% else %}-{% endfor %}",
		"{% if a is defined and a.b %}{{ a.b|tojson(indent=2) }}{% elif c %}c{% endif %}",
		"{% set ns = namespace(x=1) %}{% set ns.x = ns.x + 1 %}{{ ns.x }}",
		"{% macro m(a, b=2) %}{{ a }}{{ caller() }}{% endmacro %}{% call m(1) %}c{% endcall %}",
		"{{ 'a'[::-1] ~ [1,2][0] ~ {'k': (1, 2.5e3)}['k'][1] }}",
		"{%- raw -%} {{ }} {%- endraw -%}",
		"{{ '%s %05.1f' % (x, 3.14) }}{{ '{:>8}|{0!r}'.format(y) }}",
		"{# c #}{{ x|default('d')|upper|replace('A', 'b') }}",
		"{% for k, v in d|dictsort %}{{ k }}={{ v }}{% endfor %}{{ messages|selectattr('role', 'eq', 'user')|map(attribute='content')|list }}",
		"{% filter upper %}{% set y %}z{% endset %}{{ y }}{% endfilter %}{% with a = 1 %}{{ a }}{% endwith %}",
		"{% for n in tree recursive %}{{ n }}{{ loop(n.c) if n.c }}{% endfor %}",
		"{{ raise_exception('x') if false }}{{ strftime_now('%Y') }}{{ range(3)|batch(2)|list }}",
		"{{ 2 ** 100 // 3 }}{{ -7 // 2 }}{{ 1e308 * 10 }}{{ 'x' * 3 }}",
	} {
		f.Add(s)
	}
	if dir := testdata.Dir(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "templates", "*.jinja"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
}

func init() {
	if testing.Testing() {
		recoverPanics = false
	}
}

// FuzzParse: parsing never panics, and errors are *SyntaxError.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		err := withDeadline(t, src, func() error { _, err := Parse(src); return err })
		if err == nil {
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("Parse(%q): %T %v", src, err, err)
		}
	})
}

// FuzzRender: rendering any template that parses never panics and ends
// within the limits.
func FuzzRender(f *testing.F) {
	fuzzSeeds(f)
	vars, _ := FromJSON([]byte(`{"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"},
		{"role": "assistant", "content": "a", "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]}],
		"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
		"add_generation_prompt": true, "x": "v", "y": 2, "d": {"b": 1, "a": [1.5, null]}, "tree": [{"c": [{"c": []}]}]}`))
	m := map[string]any{}
	for i, k := range vars.(*Dict).keys {
		m[k.(string)] = vars.(*Dict).vals[i]
	}
	opt := &Options{Now: func() time.Time { return time.Date(2024, 7, 26, 0, 0, 0, 0, time.UTC) }, MaxSteps: 200_000, MaxOutput: 1 << 20}
	f.Fuzz(func(t *testing.T, src string) {
		tm, err := Parse(src)
		if err != nil {
			return
		}
		withDeadline(t, src, func() error { _, err := tm.Render(m, opt); return err })
	})
}

// withDeadline runs fn and fails the test if it takes more than 10s (a
// hang, which the fuzzer would otherwise not report).
func withDeadline(t *testing.T, src string, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		panic(fmt.Sprintf("hang on %q", src))
	}
}
