"""textkit: the package behind wordfreq.py."""

from .analysis import Report, analyse
from . import tokens

__version__ = "1.2"
__all__ = ["Report", "analyse", "tokens"]
