"""Output formats for textkit reports (a subpackage)."""

from . import render

__all__ = ["render"]
