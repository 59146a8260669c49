import json
V={"m": [{"role": "user", "content": "hi " * 30, "z": 1, "a": [1, 2, {"k": "v" * 50}]}, {"b": None}], "s": "word " * 40, "l": list(range(40))}
P=["{{ m|pprint }}", "{{ s|pprint }}", "{{ l|pprint }}", "{{ (l, s)|pprint }}", "{{ {'b': 1, 'a': 2, 1: 3}|pprint }}", "{{ m[0]|pprint }}", "{{ 'a\\nb ' * 30|pprint }}"]
json.dump([{"src": p, "vars": V} for p in P], open("pprint_probes.json", "w"))
