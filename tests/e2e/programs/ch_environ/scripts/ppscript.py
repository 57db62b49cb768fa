"""A script whose import is found through PYTHONPATH (ch_environ.py)."""
import os
import sys

import ppmod

print("ppscript", sys.argv[1:], ppmod.where(), sys.path[0] == os.path.dirname(__file__))
