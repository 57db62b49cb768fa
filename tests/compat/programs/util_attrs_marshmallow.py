import attrs
from marshmallow import Schema, fields, validate, ValidationError, post_load
@attrs.define
class Pt:
    x: int = attrs.field(validator=attrs.validators.ge(0))
    y: int = 0
    tags: list = attrs.Factory(list)
p = Pt(1, 2); print(p, attrs.asdict(p), attrs.evolve(p, y=5), attrs.fields(Pt).x.name)
try:
    Pt(-1)
except ValueError as e:
    print("ValueError", e.args[0])
class PtSchema(Schema):
    x = fields.Int(required=True, validate=validate.Range(min=0))
    y = fields.Int(load_default=0)
    when = fields.Date()
    @post_load
    def make(self, d, **kw): return d
s = PtSchema()
print(sorted(s.load({"x": "3", "when": "2024-01-02"}).items()), s.dumps({"x": 1, "y": 2}, sort_keys=True))
try:
    s.load({"x": -1, "z": 1})
except ValidationError as e:
    print(e.messages)
