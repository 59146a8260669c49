package jinja

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{"{{ x }}", "{% for a in b %}{{ loop.index }}{% endfor %}", "{% if a is defined and a.b %}{{ a.b|tojson }}{% endif %}",
		"{% set ns = namespace(x=1) %}{% set ns.x = ns.x + 1 %}{{ ns.x }}", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1) }}", "{{ 'a'[::-1] ~ [1,2][0] }}",
		"{%- raw -%} {{ }} {%- endraw -%}", "{{ '%s' % x }}{{ '{}'.format(y) }}", "{# c #}{{ x|default('d')|upper }}"} {
		f.Add(s)
	}
	if dir := os.Getenv("HFCTL_TESTDATA"); dir != "" || true {
		if dir == "" {
			dir = "../../../../shared/testdata"
		}
		files, _ := filepath.Glob(filepath.Join(dir, "templates", "*.jinja"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
}

// FuzzParse: parsing never panics; errors are *SyntaxError.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse(src)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}

// FuzzRender: rendering any template never panics and stays bounded.
func FuzzRender(f *testing.F) {
	fuzzSeeds(f)
	msgs, _ := FromJSON([]byte(`[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a","tool_calls":[{"function":{"name":"f","arguments":{"x":1}}}]}]`))
	f.Fuzz(func(t *testing.T, src string) {
		tm, err := Parse(src)
		if err != nil {
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			tm.Render(map[string]any{"messages": msgs, "add_generation_prompt": true, "x": "v", "y": 2}, &Options{Now: time.Now})
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("render did not finish: %q", src)
		}
	})
}
