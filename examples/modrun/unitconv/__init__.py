"""unitconv: convert between units of length, mass and time (run as `-m unitconv`)."""

from .units import UNITS, Quantity, convert

__all__ = ["UNITS", "Quantity", "convert"]
