"""A module of ch_scripts.py that it also runs as a script,
[sys.executable, ch_packed.__file__, ARGS...]: packed in the frozen program,
so the child runs the packed module as python3 runs the file."""
import sys

if __name__ == "__main__":
    print("packed", __name__, sys.argv[1:], __file__, "path0",
          sys.path[0] + "/" if sys.path and not sys.flags.safe_path else "(safe path)")
    if sys.argv[1:] == ["boom"]:
        raise ValueError("boom")
