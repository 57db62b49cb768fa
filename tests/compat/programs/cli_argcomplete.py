import argparse, sys
import argcomplete
p = argparse.ArgumentParser(prog="tool", description="demo")
p.add_argument("--color", choices=["red", "green"]).completer = argcomplete.completers.ChoicesCompleter(["red", "green"])
p.add_argument("files", nargs="*")
argcomplete.autocomplete(p)
a = p.parse_args(sys.argv[1:] or ["--color", "red", "x"])
print(a)
p.print_help()
