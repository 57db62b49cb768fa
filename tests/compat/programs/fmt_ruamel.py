import sys, io
from ruamel.yaml import YAML
import ruamel.yaml
src = """# config
name: demo   # the name
items:
  - a
  - b: [1, 2]
anchors:
  base: &b {x: 1, y: 2}
  derived:
    <<: *b
    y: 3
"""
y = YAML()
d = y.load(src)
d["items"].append("c"); d["name"] = "demo2"
y.dump(d, sys.stdout)
print(d["anchors"]["derived"]["x"], type(d).__name__)
safe = YAML(typ="safe")
print(safe.load("a: [1, 2.5, true, null, 2026-12-07]"), type(safe.Parser).__name__ if hasattr(safe, "Parser") else "")
out = io.StringIO(); YAML(typ="safe", pure=True).dump({"k": [1, {"z": None}]}, out); print(out.getvalue())
try:
    import _ruamel_yaml; print("c ext", _ruamel_yaml.__name__)
except ImportError:
    print("no c ext")
