/* third_party.h - what the resolver needs to know about third-party
 * packages, asked of the embedded python3.11 (python_host.h) through its own
 * importlib.metadata, site and os: which installed distribution owns a
 * top-level name, the files of its *.dist-info / *.egg-info metadata, the
 * modules and data files under a package directory, and the search
 * directories of a virtual environment. docs/third-party.md gives the rules
 * these serve. Include Python.h first. */
#ifndef PFZ_THIRD_PARTY_H
#define PFZ_THIRD_PARTY_H

#include "pf_error.h"

/* pfz_tp_helpers: a new reference to a dict of the Python helpers below
 * (compiled from source embedded in third_party.c; call it once per
 * interpreter, e.g. once per pfz_graph_build), or NULL with
 * err set to PF_ERR_PYTHON. Each helper raises ValueError for a bad input;
 * callers report it.
 *
 *   owner(directory, top) -> (name, version, metadata_path) or None
 *       the distribution installed in `directory` (a sys.path entry) whose
 *       top-level names include `top`: importlib.metadata.distributions
 *       (path=[directory]) (PEP 376 dist-info, egg-info); its top-level
 *       names are top_level.txt's lines, else the first parts of RECORD's
 *       paths, else its normalised name (PEP 503).
 *   requires_plainly(name, other) -> bool
 *       whether distribution `name` (as owner() returned it) requires
 *       distribution `other` (also one owner() returned) wherever it
 *       works: listed in its requirements (Requires-Dist, or an egg-info's
 *       requires.txt) with no marker (no extra, no platform test: PEP 508),
 *       names compared normalised (PEP 503); or, for a distribution in a
 *       dist-packages directory, the Debian package that installed its
 *       metadata (dpkg's /var/lib/dpkg/info/ *.list) Depends (a single
 *       alternative, /var/lib/dpkg/status) on the package that installed
 *       `other`'s. Debian's egg-info often lists no requirements.
 *   find_spec(name, path=None) -> ModuleSpec or None
 *       importlib.machinery.PathFinder.find_spec(name, path), except that a
 *       namespace package's submodule_search_locations is a plain list of
 *       its portions, not a _NamespacePath (which needs the parent package
 *       imported: 3.11 Lib/importlib/_bootstrap_external.py).
 *   metadata_files(metadata_path) -> [(absolute path, relative path)]
 *       every file of a .dist-info / .egg-info directory (or the file
 *       itself), relative paths starting with the directory's name; then
 *       the files its RECORD lists outside the site directory, under the
 *       prefix the site directory belongs to (`<prefix>/lib/python3.X/
 *       {site,dist}-packages`): a wheel's `<name>.data/data` files (PEP
 *       427), relative paths from the prefix (`share/<pkg>/...`, seen at
 *       sys.prefix/share/<pkg>/... frozen); not `bin/` (scripts), not
 *       `include/` (headers), nothing outside the prefix.
 *   named_metadata(dirs, names) -> [metadata paths]
 *       the .dist-info / .egg-info paths of the distributions called
 *       `names` installed in the search directories `dirs` (the first of
 *       each, as importlib.metadata.distribution(name) finds it, PEP 503
 *       names), and of those their Requires-Dist name, recursively (not
 *       those of an extra): what pkg_resources.require(name) also reads.
 *       Names not installed are skipped. A name ("group", G) stands for
 *       every installed distribution that declares an entry point in group
 *       G (the first of each name, as importlib.metadata.entry_points(
 *       group=G) lists them), without their requirements.
 *   metadata_ranks(dirs, members) -> [int]
 *       for each (member path "lib/<name>.dist-info/...", absolute origin)
 *       of a metadata file, the position of its distribution in the order
 *       importlib.metadata.distributions(path=dirs) lists them (the
 *       directories in order, each one's os.listdir order: CPython 3.11
 *       Lib/importlib/metadata/__init__.py FastPath.children, Lookup);
 *       files of no distribution found there (RECORD's prefix files) get
 *       the count of distributions, after all of them.
 *   walk(package, directory, include_tests) -> [dotted module names]
 *       every submodule, subpackage (regular or PEP 420) and extension
 *       module under a package directory, in name order; directories named
 *       tests or test are left out unless include_tests.
 *   package_data(directory, top_directory) -> [(absolute, relative)]
 *       the data files of one package: files in `directory` that are not
 *       modules or bytecode, and every file of its subdirectories that are
 *       not packages, recursively; relative paths are from top_directory
 *       (the directory holding the top-level package).
 *   entry_point_modules(dirs, groups) -> [module names]
 *       the modules of the entry points in `groups` that the distributions
 *       installed in the search directories `dirs` declare, the first of
 *       each name only, as importlib.metadata.entry_points() sees them
 *       (EntryPoint.module).
 *   add_data(src, dest) -> [(absolute, relative)]
 *       the files of --add-data SRC:DEST (a file goes into directory DEST,
 *       a directory's contents into DEST, recursively).
 *   venv_paths(venv) -> ([site directories], include_system_site_packages)
 *       a virtual environment's site-packages as site.addsitedir sees it
 *       (.pth files applied) and its pyvenv.cfg setting (PEP 405). */
PyObject *pfz_tp_helpers(pf_error *err);

#endif
