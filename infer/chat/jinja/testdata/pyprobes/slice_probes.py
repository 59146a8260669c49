import json
P = ["{{ 'A-b c' is divisibleby 2[:-1] }}", "{{ 2[:-1] }}", "{{ 'a' % 2[:-1] }}"]
json.dump([{"src": p} for p in P], open("slice_probes.json", "w"))
