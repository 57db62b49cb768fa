"""Entry point for `python3.11 -m unitconv` and for the frozen program."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
