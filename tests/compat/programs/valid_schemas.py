import cerberus, voluptuous as vol, schema
v = cerberus.Validator({"name": {"type": "string", "minlength": 2}, "age": {"type": "integer", "min": 0}, "tags": {"type": "list", "schema": {"type": "string"}}})
print(v.validate({"name": "A", "age": -1, "tags": ["x", 2]}), v.errors)
print(v.validate({"name": "Ann", "age": 3}), v.document)
s = vol.Schema({vol.Required("host"): str, vol.Optional("port", default=80): vol.All(int, vol.Range(min=1, max=65535))})
print(s({"host": "h"}))
try:
    s({"host": 1, "port": 0})
except vol.MultipleInvalid as e:
    print(sorted(str(x) for x in e.errors))
sc = schema.Schema({"a": schema.And(int, lambda n: n > 0), schema.Optional("b"): schema.Or(str, None)})
print(sc.validate({"a": 2, "b": None}))
try:
    sc.validate({"a": -1})
except schema.SchemaError as e:
    print(e.code.splitlines()[0])
