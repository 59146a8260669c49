import random, json, sys
random.seed(int(sys.argv[1])); N = int(sys.argv[2])
V = {"messages": [{"role": "system", "content": "S\n"}, {"role": "user", "content": " U1 "}, {"role": "assistant", "content": "A1", "tool_calls": [{"function": {"name": "f", "arguments": {"a": 1}}}]}, {"role": "user", "content": "U2"}],
     "tools": [{"type": "function", "function": {"name": "f"}}], "flag": True, "n": 2, "s": "x y", "none": None}
ws = ["", " ", "\n", "  \n", "\n  ", "\t", " \n \n"]
def lt(): return random.choice(["{%", "{%-", "{%+", "{%", "{%"])
def rt(): return random.choice(["%}", "-%}", "+%}", "%}", "%}"])
def vl(): return random.choice(["{{", "{{-", "{{"])
def vr(): return random.choice(["}}", "-}}", "}}"])
exprs = ["m.role", "m['content']|trim", "loop.index", "loop.first", "ns.x", "n", "s|upper", "m.content is defined", "none", "flag", "x", "tools|length", "messages|length", "loop.revindex0", "loop.previtem.role if loop.previtem else 'none'", "v", "caller() if caller is defined else 'nocaller'", "varargs|length", "kwargs"]
def body(d):
    parts = []
    for _ in range(random.randint(1, 4)):
        r = random.random()
        w = random.choice(ws)
        if r < 0.35 or d > 3:
            parts.append(w + vl() + " " + random.choice(exprs) + " " + vr() + random.choice(ws))
        elif r < 0.5:
            parts.append(w + lt() + " for m in messages" + random.choice(["", " if m.role != 'system'", "[1:]"]) + " " + rt() + body(d + 1) + random.choice(["", lt() + " else " + rt() + "E"]) + w + lt() + " endfor " + rt())
        elif r < 0.65:
            parts.append(w + lt() + " if " + random.choice(exprs) + " " + rt() + body(d + 1) + random.choice(["", lt() + " elif n " + rt() + "EL", lt() + " else " + rt() + body(d+1)]) + lt() + " endif " + rt())
        elif r < 0.72:
            parts.append(w + lt() + " set x = " + random.choice(exprs) + " " + rt())
        elif r < 0.78:
            parts.append(w + lt() + " set ns.x = " + random.choice(exprs) + " " + rt())
        elif r < 0.83:
            parts.append(w + lt() + " macro mac(v, w=2) " + rt() + body(d + 1) + lt() + " endmacro " + rt() + vl() + " mac(" + random.choice(["1", "n, 3", "v=4", "1, 2, 3", "1, q=2"]) + ") " + vr())
        elif r < 0.87:
            parts.append(w + lt() + " macro mac2() " + rt() + "[" + vl() + " caller() " + vr() + "]" + lt() + " endmacro " + rt() + lt() + " call mac2() " + rt() + body(d + 1) + lt() + " endcall " + rt())
        elif r < 0.9:
            parts.append(w + "{# c #}" + random.choice(ws))
        elif r < 0.93:
            parts.append(w + lt() + " raw " + rt() + "{{ raw }}" + w + lt() + " endraw " + rt())
        elif r < 0.96:
            parts.append(w + lt() + " filter upper " + rt() + body(d + 1) + lt() + " endfilter " + rt())
        else:
            parts.append(w + lt() + " set blk " + rt() + body(d + 1) + lt() + " endset " + rt() + vl() + " blk|length " + vr())
    return "".join(parts)
probes = []
for _ in range(N):
    src = "{% set ns = namespace(x=0) %}" + body(0) + random.choice(["", "\n", "\n\n"])
    probes.append({"src": src, "vars": V})
json.dump(probes, open("tpl.json", "w"))
