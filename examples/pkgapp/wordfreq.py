"""wordfreq: word statistics for text on stdin or in files.

A script that imports its own package (textkit/, beside it) which uses
relative imports and a subpackage (textkit.formats). Freeze it with

    pyfreeze wordfreq.py -o wordfreq

and compare with `python3.11 -E -s wordfreq.py` (not -I: the script's own
directory must be on sys.path for `import textkit` to work).
"""

import argparse
import sys

import textkit
from textkit.formats import render


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="text files (default: stdin)")
    parser.add_argument("-n", "--top", type=int, default=5, help="show the N most common words")
    parser.add_argument("--format", choices=sorted(render.FORMATS), default="table")
    parser.add_argument("--stop-words", action="store_true", help="drop common English words")
    args = parser.parse_args(argv)

    texts = []
    for name in args.files or ["-"]:
        if name == "-":
            texts.append(sys.stdin.read())
        else:
            with open(name, encoding="utf-8") as f:
                texts.append(f.read())
    report = textkit.analyse("\n".join(texts), top=args.top, drop_stop_words=args.stop_words)
    sys.stdout.write(render.render(report, args.format))
    print(f"(textkit {textkit.__version__}, package {textkit.__name__}, "
          f"formats from {render.__name__})")
    return 0 if report.words else 1


if __name__ == "__main__":
    sys.exit(main())
