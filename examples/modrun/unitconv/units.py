"""The unit table and conversion; exact arithmetic with fractions."""

from dataclasses import dataclass
from fractions import Fraction

# unit -> (dimension, size in the dimension's base unit)
UNITS = {
    "m": ("length", Fraction(1)),
    "km": ("length", Fraction(1000)),
    "cm": ("length", Fraction(1, 100)),
    "in": ("length", Fraction(254, 10000)),
    "ft": ("length", Fraction(3048, 10000)),
    "mi": ("length", Fraction(1609344, 1000)),
    "g": ("mass", Fraction(1)),
    "kg": ("mass", Fraction(1000)),
    "lb": ("mass", Fraction(45359237, 100000)),
    "s": ("time", Fraction(1)),
    "min": ("time", Fraction(60)),
    "h": ("time", Fraction(3600)),
}


class UnitError(ValueError):
    pass


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    unit: str

    def __str__(self):
        return f"{float(self.value):.6g} {self.unit}"


def convert(quantity, target):
    try:
        dim_from, size_from = UNITS[quantity.unit]
        dim_to, size_to = UNITS[target]
    except KeyError as exc:
        raise UnitError(f"unknown unit {exc.args[0]!r}") from None
    if dim_from != dim_to:
        raise UnitError(f"cannot convert {dim_from} ({quantity.unit}) to {dim_to} ({target})")
    return Quantity(quantity.value * size_from / size_to, target)
