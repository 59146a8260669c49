package jinja

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func render(t *testing.T, src string, vars map[string]any) (string, error) {
	t.Helper()
	tm, err := Parse(src)
	if err != nil {
		return "", err
	}
	return tm.Render(vars, &Options{Now: func() time.Time { return time.Date(2024, 7, 26, 0, 0, 0, 0, time.UTC) }})
}

func TestFeatures(t *testing.T) {
	msgs, _ := FromJSON([]byte(`[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":{"b":1,"a":"x"}}}]}]`))
	vars := map[string]any{"messages": msgs, "n": 3, "s": "  Hello World  ", "none": nil}
	for _, c := range []struct{ src, want string }{
		{"{{ 1 + 2 * 3 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 % 3 }}|{{ 2 ** 10 }}|{{ 7 / 2 }}", "7|3|-4|1|1024|3.5"},
		{"{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e-5 }} {{ 3 / 1 }}", "1.0 0.30000000000000004 1e+20 1e-05 3.0"},
		{"{{ none }} {{ true }} {{ [1, 'a', none] }} {{ {'a': 1} }} {{ (1,) }}", "None True [1, 'a', None] {'a': 1} (1,)"},
		{"{{ s.strip() }}|{{ s|trim|upper }}|{{ s.split() }}|{{ 'a,b,c'.split(',', 1) }}", "Hello World|HELLO WORLD|['Hello', 'World']|['a', 'b,c']"},
		{"{{ 'abc'[1:] }}{{ 'abc'[::-1] }}{{ [1,2,3][-1] }}{{ [1,2,3,4][1:3] }}", "bccba3[2, 3]"},
		{"{% for m in messages %}{{ loop.index }}{{ m.role }}{% if not loop.last %},{% endif %}{% endfor %}", "1user,2assistant"},
		{"{% for x in [1,2,3] if x != 2 %}{{ x }}{{ loop.length }}{% else %}none{% endfor %}", "1232"},
		{"{% for x in [] %}{{ x }}{% else %}empty{% endfor %}", "empty"},
		{"{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", "13"},
		{"{% set ns = namespace(c=0) %}{% for x in [1,2] %}{% set ns.c = ns.c + x %}{% set y = x %}{% endfor %}{{ ns.c }}{{ y is defined }}", "3False"},
		{"{% macro m(a, b='d') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, b=2) }}", "[1d][12]"},
		{"{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}", "<in>"},
		{"{{ messages[1].tool_calls[0].function.arguments|tojson }}", `{"b": 1, "a": "x"}`},
		{"{{ {'k': [1, 'é']}|tojson(indent=2) }}", "{\n  \"k\": [\n    1,\n    \"é\"\n  ]\n}"},
		{"{{ 'x'|tojson(ensure_ascii=True) }}{{ 'é'|tojson(ensure_ascii=True) }}", `"x""\u00e9"`},
		{"{{ messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|list }}", "['Hi']"},
		{"{{ messages|map(attribute='role')|join(', ') }}", "user, assistant"},
		{"{{ x is defined }}{{ none is none }}{{ 's' is string }}{{ 3 is number }}{{ {} is mapping }}{{ 4 is divisibleby 2 }}", "FalseTrueTrueTrueTrueTrue"},
		{"{{ 'a' in 'cat' }}{{ 2 in [1,2] }}{{ 'k' in {'k':1} }}{{ 'z' not in 'cat' }}", "TrueTrueTrueTrue"},
		{"{{ 'x' if n > 2 else 'y' }}{{ n|string + '!' }}{{ n ~ '!' }}", "x3!3!"},
		{"{{ '{} and {name}'.format(1, name='n') }}|{{ 'a-%s-%d' % ('b', 3) }}", "1 and n|a-b-3"},
		{"{{ \"line1\nline2\"|indent(2) }}|{{ 'ab'|indent(2, true) }}", "line1\n  line2|  ab"},
		{"{{ {'b':1,'a':2}|dictsort }}{{ [3,1,2]|sort }}{{ [1,1,2]|unique|list }}{{ [3,1]|min }}", "[('a', 2), ('b', 1)][1, 2, 3][1, 2]1"},
		{"{{ strftime_now('%Y-%m-%d %b %B') }}", "2024-07-26 Jul July"},
		{"{{ undefined_var }}{{ undefined_var|default('d') }}{{ ''|default('e', true) }}{{ undefined_var|length }}", "de0"},
		{"{% raw %}{{ not parsed }}{% endraw %}", "{{ not parsed }}"},
		{"{% filter upper %}ab{% endfilter %}", "AB"},
		{"{% set x %}blk{% endset %}{{ x }}", "blk"},
		{"{{ 'a'|safe + '<b>' }}", "a&lt;b&gt;"},
		{"{{ range(3)|list }}{{ range(1, 7, 2)|list }}", "[0, 1, 2][1, 3, 5]"},
		{"{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}", "a=1"},
		{"{{ messages[0]['role'] }}{{ messages[0].get('nope', 'dflt') }}", "userdflt"},
	} {
		got, err := render(t, c.src, vars)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

func TestWhitespace(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		// trim_blocks + lstrip_blocks
		{"a\n  {% if true %}\n  x\n  {% endif %}\nb", "a\n  x\nb"},
		{"a {% if true %}x{% endif %} b", "a x b"},
		{"a\n{{- 'x' -}}\nb", "axb"},
		{"  {%+ if true %}x{% endif %}", "  x"},
		{"{# comment #}\nline", "line"},
		{"x\n", "x"}, // keep_trailing_newline off
	} {
		got, err := render(t, c.src, nil)
		if err != nil || got != c.want {
			t.Errorf("%q:\n got %q (%v)\nwant %q", c.src, got, err, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		src    string
		target any
	}{
		{"{{ raise_exception('boom') }}", new(*TemplateError)},
		{"{{ x + 1 }}", new(*UndefinedError)},
		{"{{ x.y }}", new(*UndefinedError)},
		{"{{ 'a' + 1 }}", new(*TypeError)},
		{"{% for t in none %}{% endfor %}", new(*TypeError)},
		{"{{ [1].append(2) }}", new(*SecurityError)},
		{"{{ {}.pop('a') }}", new(*SecurityError)},
		{"{{ x|tojson }}", new(*TypeError)},
		{"{{ [1]|map('string')|tojson }}", new(*TypeError)},
		{"{{ 1|nosuchfilter }}", new(*SyntaxError)},
		{"{% if true %}{{ 1|nosuchfilter }}{% endif %}", new(*RuntimeError)},
		{"{% if %}", new(*SyntaxError)},
		{"{{ 'unterminated }}", new(*SyntaxError)},
		{"{% for %}", new(*SyntaxError)},
		{"{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", new(*LimitError)},
		{"{{ range(100000000)|length }}", new(*RuntimeError)},
	} {
		_, err := render(t, c.src, map[string]any{"none": nil})
		if err == nil {
			t.Errorf("%s: no error", c.src)
			continue
		}
		switch target := c.target.(type) {
		case **TemplateError:
			if !errors.As(err, target) || (*target).Msg != "boom" {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		case **UndefinedError:
			if !errors.As(err, target) {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		case **TypeError:
			if !errors.As(err, target) {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		case **SecurityError:
			if !errors.As(err, target) || !strings.Contains(err.Error(), "unsafe") {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		case **LimitError:
			if !errors.As(err, target) {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		case **RuntimeError:
			if !errors.As(err, target) {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		case **SyntaxError:
			if !errors.As(err, target) {
				t.Errorf("%s: %T %v", c.src, err, err)
			}
		}
	}
}
