"""greeter: says hello, as a console script (greeter.cli:main)."""

__version__ = "1.0"
