"""colorize: highlights source code with Pygments (Debian's python3-pygments),
which finds its lexers, formatters and styles by name at run time
(pygments.lexers._mapping, importlib.import_module, entry-point plugins), so
no import statement in the program names the modules it will use."""
import importlib.metadata
import sys

import pygments
from pygments import highlight
from pygments.formatters import get_formatter_by_name
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename, guess_lexer
from pygments.styles import get_style_by_name

SAMPLES = {
    "python": "def add(a, b):\n    return a + b  # sum\n",
    "c": "int main(void) { return 0; }\n",
    "json": '{"a": [1, 2.5, null]}\n',
    "yaml": "key: [1, two]\n",
    "rust": "fn main() { println!(\"hi\"); }\n",
}


def main(argv):
    fmt = argv[1] if len(argv) > 1 else "html"
    print("Pygments", importlib.metadata.version("Pygments"), pygments.__version__)
    scripts = importlib.metadata.entry_points(group="console_scripts")
    print("pygmentize entry point:", [ep.value for ep in scripts if ep.name == "pygmentize"])
    for lang, code in SAMPLES.items():
        lexer = get_lexer_by_name(lang)
        print(f"--- {lang}: {lexer.name} ({type(lexer).__module__})")
        formatter = get_formatter_by_name(fmt, style="monokai") if fmt != "html" else \
            get_formatter_by_name("html", nowrap=True)
        sys.stdout.write(highlight(code, lexer, formatter))
    print("for filename:", get_lexer_for_filename("setup.cfg").name,
          get_lexer_for_filename("Makefile").name)
    print("guess:", guess_lexer("#!/bin/bash\necho hi\n").name)
    style = get_style_by_name("solarized-dark")
    print("style:", style.__name__, style.background_color)
    try:
        get_lexer_by_name("no-such-language")
    except pygments.util.ClassNotFound as e:
        print("ClassNotFound:", e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
