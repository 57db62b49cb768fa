from typing import List, Optional
from datetime import date
from pydantic import BaseModel, Field, ValidationError, validator
class Item(BaseModel):
    name: str
    price: float = Field(gt=0)
    tags: List[str] = []
class Order(BaseModel):
    id: int
    when: date
    items: List[Item]
    note: Optional[str] = None
    @validator("items")
    def nonempty(cls, v):
        if not v:
            raise ValueError("no items")
        return v
o = Order(id="7", when="2024-02-29", items=[{"name": "a", "price": "1.5", "tags": ["x"]}])
print(o, o.json(), o.dict()["when"])
for bad in ({"id": "x", "when": "2024-13-01", "items": []}, {"id": 1, "when": "2024-01-01", "items": [{"name": "b", "price": -1}]}):
    try:
        Order(**bad)
    except ValidationError as e:
        print(e)
print(Order.schema_json()[:120])
