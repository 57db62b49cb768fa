"""Naval Fate.

Usage:
  naval_fate ship new <name>...
  naval_fate ship <name> move <x> <y> [--speed=<kn>]
  naval_fate (-h | --help)

Options:
  -h --help     Show this screen.
  --speed=<kn>  Speed in knots [default: 10].
"""
import sys
from docopt import docopt
for argv in (["ship", "new", "a", "b"], ["ship", "x", "move", "1", "2", "--speed=5"]):
    print(sorted(docopt(__doc__, argv).items()))
sys.argv = ["naval_fate", "bogus"]
docopt(__doc__)
