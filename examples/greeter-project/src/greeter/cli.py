"""The greeter command: greeter [--shout] [NAME...]; exit status 3 for
the name "nobody", 2 (argparse's) for a bad option."""
import argparse
import sys

from greeter import __version__


def main(argv=None):
    parser = argparse.ArgumentParser(prog="greeter", description="Say hello.")
    parser.add_argument("names", nargs="*", default=["world"])
    parser.add_argument("--shout", action="store_true")
    args = parser.parse_args(argv)
    for name in args.names:
        text = f"hello, {name} (greeter {__version__})"
        print(text.upper() if args.shout else text)
    if "nobody" in args.names:
        print("greeter: nobody to greet", file=sys.stderr)
        return 3
    return 0
