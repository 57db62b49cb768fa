"""embed_bytecode: writes OUT, a C file defining the compiled code of IN (a
Python source) as marshal data, so that a frozen program unmarshals it
instead of compiling the source at run time (docs/performance.md, "Start-up
work cut", support.py: 13 M instructions to compile, under 1 M to
unmarshal).

    python3.11 embed_bytecode.py IN OUT NAME FILENAME

Defines `const unsigned char NAME[]` (marshal.dumps of the code object,
compiled with co_filename FILENAME at optimisation level 2: no docstrings,
which nothing reads, and 4 KB less stub; support.py has no assert),
`const size_t NAME_size` (bytes) and `const unsigned char NAME_magic[4]`
(importlib.util.MAGIC_NUMBER's first four bytes: the bytecode's Python,
which the runtime checks against its own). Must run on a CPython 3.11, the
version the stub links (PEP 3147's magic number says so at run time).
"""

import importlib.util
import marshal
import sys

src, out, name, filename = sys.argv[1:5]
with open(src, "rb") as f:
    code = compile(f.read(), filename, "exec", dont_inherit=True, optimize=2)
data = marshal.dumps(code)


def array(b):
    return ",".join(str(x) for x in b)


with open(out, "w", encoding="ascii") as f:
    f.write(f"/* generated from {src} by embed_bytecode.py: do not edit */\n"
            "#include <stddef.h>\n"
            f"extern const unsigned char {name}[];\n"
            f"extern const size_t {name}_size;\n"
            f"extern const unsigned char {name}_magic[4];\n"
            f"const unsigned char {name}[] = {{{array(data)}}};\n"
            f"const size_t {name}_size = sizeof {name};\n"
            f"const unsigned char {name}_magic[4] = {{{array(importlib.util.MAGIC_NUMBER[:4])}}};\n")
