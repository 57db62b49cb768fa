"""pvm_libraries.py LIB-DIR ROOT VERSIONS OUT: which PVM source package
built each shared library lib*.so.* in LIB-DIR, written to OUT as JSON
({"libcrypto.so.3": "openssl", ...}) and installed beside pvm-versions.json,
so that the build report (freezer/report/build_report.py pvm_source) can
name the package of a library packed from an installed PVM, where the
source tree ROOT/pvm/src/ it finds them in is not. A library is a package's
when a file of its name is in ROOT/pvm/src/PACKAGE/ or two levels below (where
the PVM's builds leave them, pvm/README.md); one found in none is left out.
"""
import json
import os
import sys


def main(lib_dir, root, versions, out):
    with open(versions, encoding="utf-8") as f:
        packages = [p["source_package"] for p in json.load(f).get("packages", [])]
    names = sorted(n for n in os.listdir(lib_dir) if n.startswith("lib") and ".so." in n)
    found = {}
    for package in packages:
        top = os.path.join(root, "pvm", "src", package)
        for directory, subdirs, files in os.walk(top):
            for name in set(names) & set(files):
                found.setdefault(name, package)
            if directory.count("/") - top.count("/") >= 2:
                subdirs[:] = []
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        json.dump(found, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
