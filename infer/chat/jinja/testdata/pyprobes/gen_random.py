import random, json, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
V = {"s": "Hello World", "e": "", "n": 3, "f": 2.5, "z": 0, "neg": -4, "t": True, "fa": False, "none": None, "l": [3, 1, 2], "el": [], "sl": ["b", "A", "c"],
     "d": {"b": 1, "a": 2}, "ed": {}, "m": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": None, "x": [1, 2]}], "u": "Ça ☕ 🥞", "big": 12345678901234567890,
     "ws": "  a b\n c  ", "num": "42", "fnum": "3.50"}
atoms = ["s", "e", "n", "f", "z", "neg", "t", "fa", "none", "l", "el", "sl", "d", "ed", "m", "u", "big", "ws", "num", "fnum", "undef", "m[0]", "m[1]", "d.a", "d['b']", "l[0]", "l[-1]", "m[0].role",
         "1", "0", "-1", "2.5", "1e3", "'x'", "'ab c'", "\"q'\"", "''", "[]", "[1, 'a']", "{}", "{'k': 1}", "(1, 2)", "true", "false", "none", "range(3)", "0.1", "10", "'%s'", "'{}'", "'A-b c'"]
filters0 = ["length", "count", "string", "trim", "upper", "lower", "title", "capitalize", "first", "last", "list", "sort", "unique|list", "reverse|list", "min", "max", "sum", "abs", "int", "float",
            "round", "tojson", "items|list", "dictsort", "escape", "safe", "wordcount", "center(7)", "truncate(4)", "default('D')", "default('D', true)", "join(',')", "join",
            "map('string')|list", "map(attribute='role')|list", "select|list", "reject|list", "selectattr('role')|list", "batch(2)|list", "slice(2)|list", "indent(2)", "indent(2, true)",
            "replace('a', 'X')", "int(7)", "float(1.5)", "tojson(indent=2)", "tojson(sort_keys=true)", "pprint", "format(1)", "striptags", "urlencode", "xmlattr", "dictsort(by='value')",
            "sort(reverse=true)", "groupby('role')|list", "attr('upper')", "e", "d", "forceescape", "list|length", "trim('a')", "round(1, 'floor')", "first|string"]
tests = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "iterable", "sequence", "boolean", "true", "false", "odd", "even", "divisibleby 2", "eq 3",
         "ne 3", "lt 2", "gt 2", "in [1, 3, 'x']", "callable", "lower", "upper", "sameas none", "escaped"]
methods = ["upper()", "lower()", "strip()", "split()", "split(' ')", "split(',', 1)", "rsplit(' ', 1)", "startswith('H')", "endswith(('d', 'x'))", "replace('l', 'L')", "find('o')",
           "count('l')", "title()", "capitalize()", "isdigit()", "isalpha()", "lstrip('H')", "rstrip('d')", "format(1, 2)", "join(['a', 'b'])", "zfill(5)", "center(9, '*')",
           "partition(' ')", "splitlines()", "swapcase()", "get('a')", "get('zz', 0)", "items()|list", "keys()|list", "values()|list", "index(1)", "count(1)", "copy()"]
binops = ["+", "-", "*", "/", "//", "%", "**", "~", "==", "!=", "<", ">", "<=", ">=", "in", "not in", "and", "or"]
def expr(d=0):
    r = random.random()
    if d > 2 or r < 0.3:
        return random.choice(atoms)
    if r < 0.5:
        return "%s|%s" % (expr(d + 1), random.choice(filters0))
    if r < 0.6:
        return "%s is %s%s" % (expr(d + 1), random.choice(["", "not "]), random.choice(tests))
    if r < 0.7:
        return "%s.%s" % (random.choice(atoms), random.choice(methods))
    if r < 0.85:
        return "(%s %s %s)" % (expr(d + 1), random.choice(binops), expr(d + 1))
    if r < 0.9:
        return "(%s if %s else %s)" % (expr(d + 1), expr(d + 1), expr(d + 1))
    if r < 0.95:
        return "not %s" % expr(d + 1)
    return "%s[%s]" % (expr(d + 1), random.choice(["0", "1:", ":-1", "::-1", "'a'", "-1", "1:3", "'role'"]))
def stmt():
    r = random.random()
    if r < 0.6:
        return "{{ %s }}" % expr()
    if r < 0.75:
        return "{%% for x in %s %%}[{{ x }}|{{ loop.index }}]{%% else %%}E{%% endfor %%}" % expr()
    if r < 0.9:
        return "{%% if %s %%}Y{%% else %%}N{%% endif %%}" % expr()
    return "{%% set v = %s %%}{{ v }}" % expr()
probes = [{"src": "".join(stmt() for _ in range(random.randint(1, 3))), "vars": V} for _ in range(N)]
json.dump(probes, open("rand.json", "w"))
