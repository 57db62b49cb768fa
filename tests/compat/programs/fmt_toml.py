import toml, tomllib
d = toml.loads('[tool.x]\nname = "a"\nv = [1, 2]\n[tool.x.sub]\nq = 1979-05-27T07:32:00Z\n')
print(d["tool"]["x"]["v"], d["tool"]["x"]["sub"]["q"].isoformat())
print(toml.dumps(d), end="")
print(tomllib.loads(toml.dumps(d)) == d)
