"""A module only PYTHONPATH makes importable (ch_environ.py)."""
import sys


def where():
    return f"ppmod {__name__} from {__file__}"


if __name__ == "__main__":
    print("ppmod run as __main__", sys.argv[1:], where())
