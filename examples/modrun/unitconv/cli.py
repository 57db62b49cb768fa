"""Command line of unitconv."""

import argparse
import sys
from fractions import Fraction

from . import __doc__ as package_doc
from .units import UNITS, Quantity, UnitError, convert


def build_parser():
    # prog is explicit: under `python -m unitconv` sys.argv[0] is the path of
    # __main__.py, for the frozen program it is the executable.
    parser = argparse.ArgumentParser(prog="unitconv", description=package_doc)
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("list", help="list known units")
    p.add_argument("--dimension")
    p = sub.add_parser("ratio", help="how many B fit in A (A/B, both numbers)")
    p.add_argument("a", type=Fraction)
    p.add_argument("b", type=Fraction)
    parser.add_argument("value", nargs="?", help="a number, e.g. 5 or 1/3")
    parser.add_argument("source", nargs="?", help="unit of VALUE")
    parser.add_argument("target", nargs="?", help="unit to convert to")
    parser.add_argument("--exact", action="store_true", help="print the exact fraction")
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("list", "ratio"):
        args = build_parser().parse_args(argv)
    else:
        parser = build_parser()
        # Without a subcommand: VALUE SOURCE TARGET.
        plain = argparse.ArgumentParser(prog="unitconv", parents=[], add_help=False)
        plain.add_argument("value")
        plain.add_argument("source")
        plain.add_argument("target")
        plain.add_argument("--exact", action="store_true")
        if not argv or argv[0] in ("-h", "--help"):
            parser.print_help()
            return 0 if argv else 2
        args = plain.parse_args(argv)
        args.command = None

    if args.command == "list":
        for name, (dim, size) in UNITS.items():
            if args.dimension in (None, dim):
                print(f"{name:<4} {dim:<7} {size}")
        return 0
    if args.command == "ratio":
        # Deliberately unguarded: `unitconv ratio 1 0` ends in a traceback.
        print(args.a / args.b)
        return 0
    try:
        quantity = Quantity(Fraction(args.value), args.source)
        result = convert(quantity, args.target)
    except (UnitError, ValueError) as exc:
        print(f"unitconv: {exc}", file=sys.stderr)
        return 1
    print(f"{quantity} = {result}" + (f" (exactly {result.value})" if args.exact else ""))
    return 0
