import sys, json, datetime
import jinja2, jinja2.ext, jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

class GenerationBlock(jinja2.ext.Extension):
    tags = {"generation"}
    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        call = self.call_method("_emit_body")
        return jinja2.nodes.CallBlock(call, [], [], body).set_lineno(lineno)
    def _emit_body(self, caller):
        return caller()

now = datetime.datetime(2024, 7, 26, 0, 0, 0)
def make_env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)
    def strftime_now(fmt):
        return now.strftime(fmt)
    def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env

out = []

for line in sys.stdin:
    if not line.strip(): continue
    req = json.loads(line)
    env = make_env()
    try:
        t = env.from_string(req["src"])
        r = {"ok": True, "out": t.render(**req.get("vars", {}))}
    except Exception as e:
        r = {"ok": False, "exc": type(e).__module__ + "." + type(e).__qualname__, "msg": str(e)}
    sys.stdout.write(json.dumps(r) + "\n")
