import json
V = {"messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello!"},
      {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "n": 2}}}]},
      {"role": "tool", "content": "{\"temp\": 21}"}],
     "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
     "none": None, "t": True, "f": False, "n": 3, "fl": 2.5, "s": "  Hello World  ", "e": "", "lst": [3, 1, 2], "d": {"b": 1, "a": 2}, "big": 12345678901234, "u": "Ça va ☕ 🥞", "nested": {"x": {"y": [1, {"z": "deep"}]}}}
P = r'''
{{ 1 + 2 * 3 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 % 3 }}|{{ -7 % 3 }}|{{ 2 ** 10 }}|{{ 7 / 2 }}|{{ 2 ** -1 }}|{{ 2 ** 3 ** 2 }}
{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e-5 }} {{ 3 / 1 }} {{ 1e16 }} {{ 1e15 }} {{ 123456789012345678.0 }} {{ 0.0001 }} {{ -0.0 }} {{ 1.5e300 * 1e10 }}
{{ 7.5 // 2 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }} {{ 2 ** 0.5 }} {{ 10 / 4 }} {{ 3 * 1.0 }} {{ true + 1 }} {{ 1_000 }} {{ 0x10 if false else 5 }}
{{ none }} {{ true }} {{ [1, 'a', none] }} {{ {'a': 1} }} {{ (1,) }} {{ () }} {{ (1, 'b') }} {{ [] }} {{ {} }}
{{ "it's" }} {{ ["it's", 'say "hi"', 'both \' "'] }} {{ ['a\nb', 'tab\t', '\\'] }} {{ [u] }}
{{ d }} {{ d|string }} {{ lst|string }} {{ nested }} {{ [1.0, 2.5, true, none] }}
{{ s.strip() }}|{{ s|trim|upper }}|{{ s.split() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}|{{ 'a b  c'.split(' ') }}
{{ 'xxhixx'.strip('x') }}|{{ 'xxhixx'.lstrip('x') }}|{{ 'xxhixx'.rstrip('x') }}|{{ '  a  '.lstrip() }}|{{ '  a  '.rstrip() }}|
{{ 'hello'.startswith('he') }}{{ 'hello'.startswith(('x', 'h')) }}{{ 'hello'.endswith('lo') }}{{ 'hello'.endswith(('a','b')) }}{{ 'hello'.startswith('l', 2) }}
{{ 'Hello World'.upper() }} {{ 'Hello World'.lower() }} {{ 'hello world'.title() }} {{ 'hELLO wORLD'.capitalize() }} {{ "they're bill's" | title }} {{ 'hello-world foo_bar'.title() }}
{{ 'a-b-c'.replace('-', '+') }} {{ 'a-b-c'.replace('-', '+', 1) }} {{ 'abcabc'.find('c') }} {{ 'abcabc'.find('z') }} {{ 'abcabc'.rfind('c') }} {{ 'abcabc'.count('b') }}
{{ '123'.isdigit() }} {{ '12a'.isdigit() }} {{ ''.isdigit() }} {{ 'abc'.isalpha() }} {{ ' '.isspace() }} {{ 'abc'.islower() }} {{ 'ABC'.isupper() }}
{{ ', '.join(['a', 'b']) }} {{ '-'.join('abc') }}
{{ '{} and {}'.format(1, 2) }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{name}!'.format(name='x') }} {{ '{:>5}|{:<5}|{:^5}'.format('a', 'b', 'c') }} {{ '{:.2f}'.format(3.14159) }} {{ '{:05d}'.format(42) }} {{ '{!r}'.format('a') }}
{{ '%s-%d-%r' % ('a', 3, 'b') }} {{ '%05.1f' % 3.14159 }} {{ '%s' % none }} {{ '%(a)s' % {'a': 1} }} {{ '%x %o %e' % (255, 8, 1.5) }} {{ '%5s|%-5s|' % ('a', 'b') }} {{ '%.3s' % 'abcdef' }}
{{ 'abc'[1:] }}{{ 'abc'[::-1] }}{{ [1,2,3][-1] }}{{ [1,2,3,4][1:3] }}{{ [1,2,3,4][::2] }}{{ [1,2,3,4][-2:] }}{{ [1,2,3,4][:-1] }}{{ [1,2,3,4][3:0:-1] }}{{ 'héllo'[1:3] }}
{{ [1,2,3][5] }}|{{ [1,2,3][5] is defined }}|{{ d['zz'] is defined }}|{{ d.zz }}|{{ d.a }}|{{ d['a'] }}
{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ m.role }};{% endfor %}
{% for x in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('a', 'b') }};{% endfor %}
{% for x in [1,2,3] if x != 2 %}{{ x }}{{ loop.length }}{% else %}none{% endfor %}
{% for x in [] %}{{ x }}{% else %}empty{% endfor %}{% for x in none_undefined %}{{ x }}{% else %}empty2{% endfor %}
{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}
{% set ns = namespace(c=0) %}{% for x in [1,2] %}{% set ns.c = ns.c + x %}{% set y = x %}{% endfor %}{{ ns.c }}{{ y is defined }}
{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}
{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}
{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c, e2 = [3, 4] %}{{ c }}{{ e2 }}
{% set x %}blk {{ n }}{% endset %}{{ x }}|{{ x|length }}
{% macro m(a, b='d') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, b=2) }}{{ m() }}
{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k=4) }}
{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}
{% macro w() %}<{{ caller(5) }}>{% endmacro %}{% call(x) w() %}in{{ x }}{% endcall %}
{% filter upper %}ab{{ n }}{% endfilter %}
{% raw %}{{ not parsed }}{% endraw %}
{{ messages[2].tool_calls[0].function.arguments|tojson }}
{{ {'k': [1, 'é']}|tojson(indent=2) }}
{{ 'x'|tojson(ensure_ascii=True) }}{{ 'é😀'|tojson(ensure_ascii=True) }}{{ {'b': 1, 'a': [1, 2]}|tojson(separators=(',', ':')) }}{{ {'b': 1, 'a': 2}|tojson(sort_keys=True) }}
{{ tools|tojson }}
{{ [1.0, 1e20, -0.5, none, true]|tojson }} {{ "<a href='x'>&"|tojson }} {{ '\u2028\x01'|tojson }}
{{ messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|list }}
{{ messages|map(attribute='role')|join(', ') }}
{{ messages|rejectattr('role', 'eq', 'system')|list|length }}
{{ [1,2,3,4]|select('odd')|list }} {{ [1,2,3,4]|reject('even')|list }} {{ [0, 1, '', 'a']|select|list }}
{{ ['a', 'b']|map('upper')|list }} {{ [1.5, 2.5]|map('int')|list }} {{ messages|map(attribute='missing', default='D')|list }}
{{ x is defined }}{{ none is none }}{{ 's' is string }}{{ 3 is number }}{{ {} is mapping }}{{ 4 is divisibleby 2 }}{{ 3 is odd }}{{ 3 is even }}
{{ 3 is integer }}{{ 3.0 is float }}{{ true is boolean }}{{ true is true }}{{ false is false }}{{ [] is iterable }}{{ 'a' is sequence }}{{ d is sequence }}{{ 3 is sequence }}
{{ 3 is eq 3 }}{{ 3 is ne 3 }}{{ 3 is lt 4 }}{{ 3 is gt 4 }}{{ 3 is ge 3 }}{{ 3 is le 2 }}{{ 3 is in [1,3] }}{{ range is callable }}{{ 3 is callable }}{{ none is sameas none }}
{{ 'a' in 'cat' }}{{ 2 in [1,2] }}{{ 'k' in {'k':1} }}{{ 'z' not in 'cat' }}{{ undefinedvar in [1] }}{{ undefinedvar not in [1] }}
{{ 'x' if n > 2 else 'y' }}{{ n|string + '!' }}{{ n ~ '!' }}{{ 'z' if false }}|
{{ "line1\nline2\n\nline4"|indent(2) }}|{{ 'ab\ncd'|indent(2, true) }}|{{ 'a\n\nb'|indent(2, blank=true) }}|{{ 'a\nb'|indent('>>') }}|{{ 'a\nb\n'|indent(first=true) }}
{{ {'b':1,'a':2}|dictsort }}{{ {'b':1,'a':2}|dictsort(by='value') }}{{ {'b':1,'a':2}|dictsort(reverse=true) }}{{ [3,1,2]|sort }}{{ [3,1,2]|sort(reverse=true) }}{{ ['b','A','c']|sort }}{{ ['b','A','c']|sort(case_sensitive=true) }}
{{ [1,1,2]|unique|list }}{{ ['a','A','b']|unique|list }}{{ [3,1]|min }}{{ [3,1]|max }}{{ ['b','A']|min }}{{ []|min }}|{{ [1,2,3]|sum }}{{ [1.5,2]|sum }}{{ [1,2]|sum(start=10) }}
{{ strftime_now('%Y-%m-%d %b %B %d %A %a %H:%M:%S %j %p %I %y') }}
{{ undefined_var }}{{ undefined_var|default('d') }}{{ ''|default('e', true) }}{{ ''|default('e') }}{{ none|default('n') }}{{ none|d('n', true) }}{{ undefined_var|length }}{{ undefined_var|trim }}|
{{ 'a'|safe + '<b>' }} {{ '<b>' + 'a'|safe }} {{ ('<' ~ 'a'|safe) }} {{ '<x>'|escape }} {{ '<x>'|e|safe }} {{ '<x>'|safe|escape }} {{ ('a'|safe).upper() }} {{ '%s' % ('<'|safe) }}
{{ range(3)|list }}{{ range(1, 7, 2)|list }}{{ range(5, 0, -2)|list }}{{ range(0)|list }}{{ range(3) }}
{% for k, v in {'a': 1, 'b': [2]}.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}{% for k in d.keys() %}{{ k }}{% endfor %}{% for v in d.values() %}{{ v }}{% endfor %}
{{ messages[0]['role'] }}{{ messages[0].get('nope', 'dflt') }}{{ messages[0].get('nope') }}{{ d.get('a') }}
{{ [1,2,3]|first }}{{ [1,2,3]|last }}{{ 'abc'|first }}{{ []|first }}|{{ d|first }}{{ 'abc'|list }}{{ d|list }}{{ d|items|list }}
{{ 'hello world'|replace('o', '0') }}{{ 'aaa'|replace('a', 'b', 2) }}{{ 'Hello'|upper }}{{ 'Hello'|lower }}{{ 'hello world'|title }}{{ 'hello World'|capitalize }}
{{ -3|abs }}{{ (-3.5)|abs }}{{ 2.567|round }}{{ 2.567|round(2) }}{{ 2.5|round }}{{ 3.5|round }}{{ 2.567|round(1, 'floor') }}{{ 2.1|round(0, 'ceil') }}{{ 42|round }}
{{ '42'|int }}{{ '4.9'|int }}{{ 'x'|int }}{{ 'x'|int(7) }}{{ 4.9|int }}{{ '0x1A'|int(0, 16) }}{{ '3.5'|float }}{{ 'x'|float }}{{ 3|float }}{{ true|int }}{{ '  12 '|int }}
{{ [1,2,3,4,5]|batch(2)|list }}{{ [1,2,3]|batch(2, 'x')|list }}{{ 'one two  three'|wordcount }}{{ 'ab'|center(6) }}|{{ 'abc'|center(6) }}|{{ 'hello world foo'|truncate(9) }}|{{ 'hello'|truncate(9) }}
{{ [1,2,3]|reverse|list }}{{ 'abc'|reverse }}{{ [1,2]|reverse }}|{{ lst|length }}{{ lst|count }}{{ 'héllo'|length }}{{ d|length }}
{{ [1, 2] + [3] }} {{ (1, 2) + (3,) }} {{ 'ab' * 3 }} {{ [0] * 3 }} {{ 3 * 'x' }}
{{ 1 < 2 < 3 }}{{ 1 < 3 < 2 }}{{ 1 == 1.0 }}{{ 'a' < 'b' }}{{ [1, 2] < [1, 3] }}{{ none == none }}{{ 1 != 2 }}{{ (1, 2) == (1, 2) }}{{ [1,2] == (1,2) }}
{{ not true }}{{ not none }}{{ true and 'x' }}{{ false or 'y' }}{{ 0 or '' }}{{ none and 1 }}{{ 1 and 2 and 3 }}
{{ messages|length > 1 and messages[0].role == 'system' }}
{{ dict(a=1, b='x') }}{{ dict({'a': 1}, b=2) }}{{ namespace(a=1).a }}{{ {1: 'a', 512: 128}[512] }}{{ {0: 0, 512: 128} }}{{ {'a': 1, 'a': 2} }}
{{ lipsum is defined }}{{ cycler is defined }}{{ joiner is defined }}{{ range is defined }}{{ dict is defined }}
{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}|{% set j = joiner(', ') %}{% for x in [1,2,3] %}{{ j() }}{{ x }}{% endfor %}
{{ big }} {{ big * big }} {{ 2 ** 64 }} {{ 10 ** 20 }} {{ -big }} {{ 9223372036854775807 + 1 }}
{{ u|upper }} {{ u|length }} {{ u[0] }} {{ u[-1] }} {{ u|tojson }} {{ u|tojson(ensure_ascii=true) }}
{{ nested.x.y[1].z }} {{ nested['x']['y'][0] }} {{ nested.x.y.1.z }}
{{ 'a' ~ 1 ~ none ~ true ~ 1.5 ~ [1] }}
{{ [1, [2, 3]]|tojson }}{{ ((1, 2), 3)|tojson }}{{ {'a': none}|tojson }}{{ 3.0|tojson }}{{ -1e-7|tojson }}
{{ "a\tb"|trim }}|{{ "\n a \n"|trim }}|{{ "xxaxx"|trim('x') }}|
{{ 'A'|lower is lower }}{{ 'a' is upper }}{{ 'a'|escape is escaped }}
{{ messages | selectattr('content', 'defined') | list | length }} {{ messages|selectattr('tool_calls')|list|length }}
{{ none|selectattr('x')|list }}{{ undefined_var|select|list }}{{ none|map('upper')|list }}
{{ [3,1,2]|sort|first }} {{ messages|sort(attribute='role')|map(attribute='role')|join(',') }} {{ [{'a': 2}, {'a': 1}]|sort(attribute='a') }}
{{ [{'a': 2}, {'a': 1}]|map(attribute='a')|sum }} {{ [{'a': 2}, {'a': 1}]|sum(attribute='a') }} {{ [{'a': 2}, {'a': 1}]|max(attribute='a') }} {{ [{'a': 2}, {'a': 1}]|unique(attribute='a')|list }}
{{ [1,2]|join }}{{ [1,2]|join('-') }}{{ messages|join(',', attribute='role') }}{{ ['a', none]|join('|') }}
{{ "a" "b" }} {{ 'single' ~ "double" }} {{ '\x41\u00e9\N{BULLET}' }}
{{ loop is defined }} {% for x in [[1, 2], [3, 4]] %}{% for y in x %}{{ loop.index }}{{ y }}{% endfor %}{{ loop.index }};{% endfor %}
{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %} {% for a, b in {'x': 1}|dictsort %}{{ a }}{{ b }}{% endfor %}
{% for i in range(3) %}{% set ns2 = i %}{% endfor %}{{ ns2 is defined }}
{% if messages[0].role == 'system' %}{% set sys = messages[0].content %}{% set rest = messages[1:] %}{% else %}{% set sys = '' %}{% endif %}{{ sys }}|{{ rest|length }}
{% macro r(n) %}{% if n > 0 %}{{ n }}{{ r(n - 1) }}{% endif %}{% endmacro %}{{ r(3) }}
{% macro outer() %}{% set v = 'inner' %}{{ v }}{% endmacro %}{% set v = 'outer' %}{{ outer() }}{{ v }}
{% set v = 'glob' %}{% macro show() %}{{ v }}{% endmacro %}{{ show() }}{% set v = 'changed' %}{{ show() }}
{{ m2 }}{% macro m2() %}x{% endmacro %}|{{ m2() }}
{{ tools is none }}{{ tools is not none }}{{ none_var is not defined }}{{ not messages }}
{{ messages[-1].content|from_json if false else 'skip' }}
{% if false %}{{ x|nosuchfilter }}{% endif %}ok
{{ x|nosuchfilter }}
{% if x is nosuchtest %}a{% endif %}
{{ 'abc'.nosuch() }}
{{ 'abc'.upper }}
{{ d.items }}
{{ d.__class__ }}
{{ lst.append(1) }}
{{ lst.pop() }}
{{ d.update({}) }}
{{ d.setdefault('x', 1) }}
{{ lst.clear() }}
{{ lst.sort() }}
{{ lst.index(1) }}{{ lst.count(1) }}
{{ ''.join }}{{ lst._x }}{{ d._x }}
{{ raise_exception('boom ' ~ n) }}
{{ undefined_var + 1 }}
{{ undefined_var.attr }}
{{ undefined_var['x'] }}
{{ undefined_var() }}
{{ undefined_var|tojson }}
{{ [1]|map('string')|tojson }}
{{ 'a' + 1 }}
{{ 1 + 'a' }}
{{ 'a' - 'b' }}
{{ [1] + none }}
{% for x in none %}{% endfor %}
{% for x in 5 %}{% endfor %}
{{ none.x }}
{{ none['x'] }}
{{ 1 / 0 }}
{{ 1 // 0 }}
{{ 1 % 0 }}
{{ 1 < 'a' }}
{{ [3, 'a']|sort }}
{{ {'a': 1}|tojson(indent=1, sort_keys=true) }}
{{ undefined_var.x is defined }}
{{ undefined_var is defined and undefined_var.x }}
{{ (undefined_var or {}).get('x', 'dd') }}
{{ messages[5] }}|
{{ messages[5].role }}
{{ 'abc'[10] }}|
{{ d[none] }}|
{{ -undefined_var }}
{{ undefined_var > 1 }}
{{ undefined_var == none }}{{ undefined_var != 1 }}
{{ undefined_var ~ 'x' }}
{{ undefined_var|string }}{{ undefined_var|upper }}{{ undefined_var|list }}{{ undefined_var|join(',') }}{{ undefined_var|first }}|
{{ undefined_var|int }}{{ undefined_var|float }}{{ undefined_var|replace('a', 'b') }}
{{ undefined_var|items }}
{{ undefined_var|dictsort }}
{{ undefined_var|sort }}
{{ 'x'|indent }}{{ undefined_var|indent }}
{{ undefined_var|map(attribute='x')|list }}
{{ undefined_var|selectattr('x')|list }}
{{ undefined_var|unique|list }}
{{ undefined_var|reverse }}
{{ undefined_var|escape }}
{{ undefined_var|safe }}
{{ undefined_var|capitalize }}
{{ undefined_var|wordcount }}
{{ undefined_var|sum }}
{{ undefined_var|batch(2)|list }}
{{ undefined_var is string }}{{ undefined_var is mapping }}{{ undefined_var is iterable }}{{ undefined_var is none }}
{{ undefined_var|abs }}
{{ undefined_var|round }}
{{ undefined_var|center(4) }}|
'''
probes = [{"src": line, "vars": V} for line in P.strip("\n").split("\n")]
json.dump(probes, open("probes1.json", "w"))
print(len(probes))
