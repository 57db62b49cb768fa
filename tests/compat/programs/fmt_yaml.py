import yaml
doc = yaml.safe_load("a: 1\nb: [x, y]\nc: {d: 2.5, e: null}\nwhen: 2026-12-07\n")
print(doc)
print(yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=True), end="")
print(yaml.__with_libyaml__, list(yaml.load_all("---\n1\n---\n2\n", Loader=yaml.CSafeLoader)))
