"""greet: prints greetings from the phrasebook package's data files, found
the ways real programs find them: importlib.resources, pkgutil.get_data,
the loader's get_data, plain open() beside __file__, os.path, os.listdir,
glob and os.walk beside __file__, importlib.metadata (version and entry
points) and plugins looked up by name at run time."""
import glob
import importlib.metadata
import importlib.resources
import os
import pathlib
import pkgutil
import sys

import phrasebook


def main(argv):
    lang = argv[1] if len(argv) > 1 else "en"
    style = argv[2] if len(argv) > 2 else "plain"
    print("phrasebook", importlib.metadata.version("phrasebook"))
    meta = importlib.metadata.metadata("phrasebook")
    print("summary:", meta["Summary"])
    eps = importlib.metadata.entry_points(group="phrasebook.styles")
    print("styles (entry points):", sorted(ep.name for ep in eps))
    print("plugins (pkgutil):", phrasebook.plugin_names())
    print("languages:", phrasebook.languages())
    root = importlib.resources.files("phrasebook")
    print("is_dir data:", root.joinpath("data").is_dir(), "is_file en:",
          (root / "data" / "en.json").is_file(), "missing:", (root / "nope.txt").is_file())
    print("iterdir:", sorted(p.name for p in root.iterdir() if not p.name.startswith("__")))
    with importlib.resources.as_file(root / "templates" / "banner.txt") as path:
        with open(path, encoding="utf-8") as f:
            print("as_file:", f.read().strip())
    with (root / "data" / "fr.json").open("rb") as f:
        print("open rb:", len(f.read()), "bytes")
    print("get_data:", pkgutil.get_data("phrasebook", "templates/banner.txt").decode().strip())
    print("config (open beside __file__):", phrasebook.config())
    beside = pathlib.Path(phrasebook.__file__).parent / "config.json"
    print("config (pathlib beside __file__):", len(beside.read_text(encoding="utf-8")), "chars,",
          len(beside.read_bytes()), "bytes")
    pkg_dir = os.path.dirname(phrasebook.__file__)
    data_dir = os.path.join(pkg_dir, "data")
    print("os.path beside __file__:", os.path.isdir(data_dir),
          os.path.isfile(os.path.join(data_dir, "en.json")),
          os.path.exists(os.path.join(pkg_dir, "nope.txt")),
          os.path.getsize(os.path.join(pkg_dir, "config.json")), "bytes")
    print("os.listdir:", sorted(n for n in os.listdir(data_dir) if n.endswith(".json")))
    print("pathlib iterdir, files:", sorted(p.name for p in pathlib.Path(data_dir).iterdir()
                                            if p.is_file()))
    print("glob:", sorted(os.path.basename(p) for p in glob.glob(os.path.join(data_dir, "*.json"))))
    walked = [(os.path.relpath(top, pkg_dir), sorted(d for d in dirs if not d.startswith("__")),
               len([f for f in files if not f.endswith((".py", ".pyc"))]))
              for top, dirs, files in os.walk(pkg_dir) if "__pycache__" not in top]
    print("os.walk:", sorted(walked))
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "motd.txt"), encoding="utf-8") as f:
        print("motd (--add-data):", f.read().strip())
    try:
        text = phrasebook.greet(lang, style)
    except KeyError as e:
        print(f"greet: unknown language or style: {e}", file=sys.stderr)
        return 2
    print(text)
    try:
        open(os.path.join(os.path.dirname(phrasebook.__file__), "no-such.json"))
    except FileNotFoundError as e:
        print("missing file:", type(e).__name__, os.path.basename(e.filename))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
