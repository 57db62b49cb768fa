import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
          "properties": {"name": {"type": "string", "minLength": 2}, "age": {"type": "integer", "minimum": 0},
                         "email": {"type": "string", "format": "email"}, "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": True}},
          "required": ["name"], "additionalProperties": False}
v = Draft202012Validator(schema, format_checker=FormatChecker())
for inst in ({"name": "ann", "age": 3}, {"name": "x", "age": -1, "email": "nope", "tags": ["a", "a", "c"], "extra": 1}):
    print(sorted((list(e.absolute_path), e.message) for e in v.iter_errors(inst)))
try:
    jsonschema.validate([1], {"type": "object"})
except jsonschema.ValidationError as e:
    print(e.message, e.validator)
print(Draft202012Validator.check_schema(schema), jsonschema.validators.validator_for({"$schema": "http://json-schema.org/draft-07/schema#"}).__name__)
