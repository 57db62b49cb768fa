"""package_rules.py - what the freezer knows about particular packages, as
data: the rules file (freezer/rules/packages.toml, read with tomllib),
packages' own PyInstaller hooks (their literal `hiddenimports` and
`excludedimports`, read with ast and never executed) and six-style
lazy-module tables (six.py's MovedModule / MovedAttribute lists, read with
ast). It runs in the freezer's embedded python3.11 (package_rules.c
compiles it) and imports none of the packages it reads about.
docs/third-party.md ("The rules file") gives the format and the rules."""

import ast
import os
import re
import tomllib

FORMAT = 1
_ENTRY_KEYS = {
    "why": str,
    "hidden_imports": list,
    "hidden_imports_at_use": list,
    "excluded_imports": list,
    "data": list,
    "plugin_groups": list,
    "submodules_from": str,
    "target_libraries": list,
}
# A shared library's SONAME (libfoo.so.1) or an fnmatch glob of one
# (libfoo*.so.*), as --exclude-library takes them: a file name, no '/'.
_LIBRARY_NAME = re.compile(r"lib[\w.+*?\[\]-]*\.so[\w.*?\[\]-]*")
# Where packages keep the hooks their pyinstaller40 entry point names:
# directories directly in the top-level package whose name says so
# (numpy/_pyinstaller, pkg/__pyinstaller, pkg/_pyinstaller_hooks).
_HOOK_DIR = re.compile(r"_*pyinstaller\w*")
_HOOK_LISTS = {"hiddenimports": "hidden_imports", "excludedimports": "excluded_imports"}
_SIX_LIST = re.compile(r"_(?:urllib_(\w+)_)?moved_attributes")


class RulesError(ValueError):
    """A rules file that breaks the format; the text names the file and key."""


def is_module_name(name):
    """Whether name is a dotted module name that CPython can import: parts
    of letters, digits and underscores, digits first included (mypyc's
    runtime modules are named <hex hash>__mypyc)."""
    return (
        isinstance(name, str)
        and name != ""
        and all(p != "" and ("_" + p).isidentifier() for p in name.split("."))
    )


def _within(name, prefixes):
    """Whether name is one of prefixes or a submodule of one."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _is_fragment(text):
    """A gate name that is not an identifier: a piece of a string constant
    (2 to 40 characters, no whitespace), e.g. a regular expression's escape."""
    return 2 <= len(text) <= 40 and not any(c.isspace() for c in text)


def _names(value, where):
    if not isinstance(value, list) or not all(is_module_name(v) for v in value):
        raise RulesError(f"{where}: give a list of module names, e.g. [\"pkg.sub\"]")
    return list(value)


class Rules:
    """The rules of one rules file plus the hooks found beside packages."""

    def __init__(self, text, origin):
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise RulesError(f"{origin}: not valid TOML: {e}") from None
        if doc.get("format") != FORMAT:
            raise RulesError(f"{origin}: format: must be {FORMAT}")
        unknown = set(doc) - {"format", "tools", "standalone", "modules", "codecs",
                              "gated_imports"}
        if unknown:
            raise RulesError(f"{origin}: unknown key {sorted(unknown)[0]!r}")
        tools = doc.get("tools", {})
        self.development = frozenset(_names(tools.get("development", []), f"{origin}: tools.development"))
        self.build = frozenset(_names(tools.get("build", []), f"{origin}: tools.build"))
        standalone = doc.get("standalone", {})
        self.left_out = frozenset(_names(standalone.get("left_out", []), f"{origin}: standalone.left_out"))
        self._read_codecs(doc.get("codecs", {}), f"{origin}: codecs")
        self._read_gated(doc.get("gated_imports", {}), f"{origin}: gated_imports")
        self.modules = {}
        for name, entry in doc.get("modules", {}).items():
            where = f"{origin}: modules.{name}"
            if not is_module_name(name) or not isinstance(entry, dict):
                raise RulesError(f"{where}: a table named by a module name")
            for key, value in entry.items():
                if key not in _ENTRY_KEYS or not isinstance(value, _ENTRY_KEYS[key]):
                    raise RulesError(f"{where}.{key}: unknown key or wrong type")
            for key in ("hidden_imports", "hidden_imports_at_use", "excluded_imports"):
                _names(entry.get(key, []), f"{where}.{key}")
            if "submodules_from" in entry and not is_module_name(entry["submodules_from"]):
                raise RulesError(f"{where}.submodules_from: give a module name")
            for lib in entry.get("target_libraries", []):
                if not isinstance(lib, str) or not _LIBRARY_NAME.fullmatch(lib):
                    raise RulesError(f"{where}.target_libraries: give a list of library SONAMEs, "
                                     f"e.g. [\"libfoo.so.1\"]")
            for group in entry.get("plugin_groups", []):
                if not isinstance(group, str) or not group:
                    raise RulesError(f"{where}.plugin_groups: give a list of group names")
            for d in entry.get("data", []):
                to = d.get("to") if isinstance(d, dict) else None
                if (not isinstance(d, dict) or set(d) != {"from", "to"}
                        or not isinstance(d["from"], str) or not isinstance(to, str)
                        or os.path.isabs(to) or ".." in to.split("/")):
                    raise RulesError(f"{where}.data: give {{ from = PATH, to = RELATIVE PATH "
                                     f"inside the package }} tables")
            self.modules[name] = entry
        self._dpkg = DpkgData()
        self._hooks = {}  # top-level package directory -> {module: entry}
        self._lazy = {}  # module file -> lazy-module table or None

    def _read_codecs(self, codecs, where):
        """The [codecs] table: codec modules packed only when named."""
        if (not isinstance(codecs, dict) or set(codecs) - {"why", "on_demand", "names_ignored_in"}
                or not isinstance(codecs.get("why", ""), str)):
            raise RulesError(f"{where}: a table of why, on_demand and names_ignored_in")
        on_demand = _names(codecs.get("on_demand", []), f"{where}.on_demand")
        if not all(n.count(".") == 1 and n.startswith("encodings.") for n in on_demand):
            raise RulesError(f"{where}.on_demand: give modules of the encodings package, "
                             f"e.g. \"encodings.shift_jis\"")
        self.codecs_on_demand = frozenset(on_demand)
        self.codec_names_ignored_in = frozenset(
            _names(codecs.get("names_ignored_in", []), f"{where}.names_ignored_in"))

    def _read_gated(self, table, where):
        """The [gated_imports] tables: {importer: {target: [names]}}."""
        self.gated = {}
        for importer, targets in table.items():
            if not is_module_name(importer) or not isinstance(targets, dict):
                raise RulesError(f"{where}: tables named by a module name, e.g. "
                                 f"[gated_imports.\"pkg.mod\"]")
            for target, names in targets.items():
                if (not is_module_name(target) or not isinstance(names, list) or not names
                        or not all(isinstance(n, str) and (n.isidentifier() or _is_fragment(n))
                                   for n in names)):
                    raise RulesError(f"{where}.{importer}.{target}: give a module name = a list "
                                     f"of names, e.g. \"pkg.feature\" = [\"Feature\"]")
            self.gated[importer] = {t: list(n) for t, n in targets.items()}
        self.gated_tops = frozenset(i.partition(".")[0] for i in self.gated)
        # Names that are no identifier ("\\N{") open their gate when a
        # string constant of the module contains them.
        self.gate_fragments = tuple(sorted({n for targets in self.gated.values()
                                            for names in targets.values() for n in names
                                            if not n.isidentifier()}))

    def gate(self, importer, target):
        """The names that open importer's import of target (a list), or
        None when that edge is not gated."""
        return self.gated.get(importer, {}).get(target)

    def codec_aliases(self):
        """encodings.aliases.aliases (normalized alias -> codec module name
        inside encodings), which encodings.search_function consults before
        taking a normalized name as the module's own: the freezer's
        python3.11 has the same table as the packed stdlib's."""
        from encodings import aliases
        return dict(aliases.aliases)

    # ---- PyInstaller hooks ----

    def hooks(self, top_dir):
        """{module: {"hidden_imports": [...], "excluded_imports": [...]}} from
        the hook-<module>.py files a package keeps in top_dir's pyinstaller
        directories: only module-level `hiddenimports = [...]` /
        `excludedimports = [...]` (and `+=`) whose value ast.literal_eval
        reads; anything computed is ignored, nothing is executed."""
        if top_dir in self._hooks:
            return self._hooks[top_dir]
        found = {}
        try:
            subdirs = sorted(e.path for e in os.scandir(top_dir)
                             if e.is_dir() and _HOOK_DIR.fullmatch(e.name))
        except OSError:
            subdirs = []
        for d in subdirs:
            try:
                files = sorted(n for n in os.listdir(d)
                               if n.startswith("hook-") and n.endswith(".py"))
            except OSError:
                continue
            for n in files:
                module = n[len("hook-"):-len(".py")]
                if is_module_name(module):
                    entry = read_hook(os.path.join(d, n))
                    if entry:
                        found.setdefault(module, {}).update(entry)
        self._hooks[top_dir] = found
        return found

    def _entries(self, module, top_dir):
        """The rules-file and hook entries for module (either may be absent)."""
        out = []
        if module in self.modules:
            out.append(self.modules[module])
        if top_dir:
            hook = self.hooks(top_dir).get(module)
            if hook:
                out.append(hook)
        return out

    # ---- the questions the resolver asks ----

    def hidden_imports(self, module, top_dir):
        """The modules the rules and hooks say module imports unseen."""
        names = []
        for e in self._entries(module, top_dir):
            names += [n for n in e.get("hidden_imports", ()) if n not in names]
        return names

    def hidden_imports_at_use(self, module, top_dir):
        """The modules the rules say module imports unseen and only when
        something of it is used, not as it loads: packed, but outside the
        start-up walk. A name also in hidden_imports is left to it."""
        plain = self.hidden_imports(module, top_dir)
        names = []
        for e in self._entries(module, top_dir):
            for n in e.get("hidden_imports_at_use", ()):
                if n not in names and n not in plain:
                    names.append(n)
        return names

    def excludes(self, importer, name, top_dir):
        """Whether the import of name by importer is left out: an entry for
        importer or a package above it excludes name or a package above it."""
        parts = importer.split(".")
        for i in range(len(parts), 0, -1):
            for e in self._entries(".".join(parts[:i]), top_dir):
                if _within(name, e.get("excluded_imports", ())):
                    return True
        return False

    def data(self, module, package_dir):
        """[(absolute file, path relative to the package's directory)] of
        the data directories the rules give module, in name order, then of
        the data Debian moved out of the package (DpkgData)."""
        out = []
        for d in self.modules.get(module, {}).get("data", ()):
            src = os.path.join(package_dir, d["from"])
            if os.path.isfile(src):
                out.append((src, os.path.normpath(d["to"])))
                continue
            for dirpath, dirnames, filenames in os.walk(src, followlinks=True):
                dirnames[:] = sorted(n for n in dirnames if n != "__pycache__")
                for n in sorted(filenames):
                    p = os.path.join(dirpath, n)
                    out.append((p, os.path.normpath(os.path.join(d["to"], os.path.relpath(p, src)))))
        taken = {rel for _, rel in out}
        out += [(p, rel) for p, rel in self._dpkg.beside_data(package_dir) if rel not in taken]
        return out

    def alias_targets(self, name):
        """For a name below a package whose entry gives `submodules_from`
        (pkg_resources.extern.packaging.version, when pkg_resources.extern
        takes its submodules from pkg_resources._vendor): the list of the
        one real module it stands for; None for any other name. The
        longest such package above name wins."""
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            source = self.modules.get(".".join(parts[:i]), {}).get("submodules_from")
            if source is not None:
                return [".".join([source] + parts[i:])]
        return None

    def target_libraries(self, modules):
        """[(library name, module)] for the packed modules (an iterable of
        names) whose entries leave shared libraries to the target machine
        (`target_libraries`), in module-name order, each name once (the
        first module that names it)."""
        out, seen = [], set()
        for module in sorted(set(modules) & set(self.modules)):
            for lib in self.modules[module].get("target_libraries", ()):
                if lib not in seen:
                    seen.add(lib)
                    out.append((lib, module))
        return out

    def plugin_groups(self, module):
        return list(self.modules.get(module, {}).get("plugin_groups", ()))

    # ---- six-style lazy modules ----

    def lazy_targets(self, origin, rest):
        """For a module whose source at origin is six (or a vendored copy)
        and a name `rest` below it ("moves", "moves.queue",
        "moves.urllib.parse"): the list of real modules that name stands
        for ([] for the container "moves" itself); None when origin is no
        such module or rest is not one of its lazy names."""
        if origin not in self._lazy:
            self._lazy[origin] = six_table(origin)
        table = self._lazy[origin]
        return None if table is None else table.get(rest)


class DpkgData:
    """Data a Debian package keeps outside the Python package that reads
    it, found generically (docs/third-party.md, "Data outside the
    package"). Debian moves an upstream package's data directory out of
    dist-packages into /usr/share (matplotlib's mpl-data into
    python-matplotlib-data) and patches the code to look there when the
    directory beside the package is missing. A directory or file D is
    packed beside the package, at <package dir>/<basename of D>, when a
    module directly in the package names D as a string constant, an
    absolute path under /usr/share/ (never /usr/share/doc, man, info,
    locale), and also names D's basename (the upstream lookup beside
    itself, Path(__file__).with_name("mpl-data")); and when dpkg's file
    lists say that D belongs to a Debian package built from the same source
    package as the module's file (data of the package, not of the system:
    /usr/share/zoneinfo, which pytz names, is tzdata's). Only the files
    that package's list holds under D are packed. The lists are read once,
    only when some module passes the first tests."""

    ROOT = "/usr/share/"
    NEVER = ("/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/locale/")
    INFO = "/var/lib/dpkg/info"
    STATUS = "/var/lib/dpkg/status"

    def __init__(self, share=ROOT, info=INFO, status=STATUS):
        # other places than Debian's, for tests
        self.share, self.info, self.status = share, info, status
        self.never = tuple(share + n[len(self.ROOT):] for n in self.NEVER)
        self._lists = None  # {Debian package: [paths]} of the lists read
        self._sources = None  # {Debian package: source package}

    def _candidates(self, path):
        """(D, basename) pairs that the module at path names, by the first
        tests (no dpkg needed)."""
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError:
            return []
        if self.share.encode() not in source:
            return []
        try:
            tree = ast.parse(source, path)
        except (SyntaxError, ValueError):
            return []
        strings = {n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        out = []
        for s in sorted(strings):
            d = s.rstrip("/")
            base = os.path.basename(d)
            if (d.startswith(self.share) and os.path.normpath(d) == d and base in strings
                    and not (d + "/").startswith(self.never) and os.path.exists(d)):
                out.append((d, base))
        return out

    def _read_dpkg(self):
        self._lists, self._sources = {}, {}
        try:
            names = sorted(n for n in os.listdir(self.info) if n.endswith(".list"))
            with open(self.status, encoding="utf-8", errors="replace") as f:
                status = f.read()
        except OSError:
            return
        for para in status.split("\n\n"):
            fields = dict(line.split(": ", 1) for line in para.splitlines()
                          if ": " in line and not line.startswith(" "))
            if "Package" in fields:
                self._sources[fields["Package"]] = fields.get("Source", fields["Package"]).split(" ")[0]
        for n in names:
            try:
                with open(os.path.join(self.info, n), encoding="utf-8", errors="replace") as f:
                    self._lists[n[:-len(".list")].split(":")[0]] = f.read().splitlines()
            except OSError:
                continue

    def _owner(self, path):
        return next((p for p, files in self._lists.items() if path in files), None)

    def beside_data(self, package_dir):
        """[(absolute file, path relative to package_dir)] of the data found
        for the modules directly in package_dir, in name order. Only
        Debian's packages are looked at: a package in a dist-packages
        directory (never the stdlib, whose 1,400 modules would cost half a
        second of reading for nothing)."""
        if "/dist-packages/" not in package_dir + "/":
            return []
        try:
            modules = sorted(n for n in os.listdir(package_dir) if n.endswith(".py"))
        except OSError:
            return []
        out = []
        for n in modules:
            module = os.path.join(package_dir, n)
            for d, base in self._candidates(module):
                if self._lists is None:
                    self._read_dpkg()
                owner, mine = self._owner(d), self._owner(module)
                if owner is None or mine is None or self._sources.get(owner) != self._sources.get(mine):
                    continue
                for f in sorted(self._lists[owner]):
                    if (f.startswith(d + "/") or f == d) and os.path.isfile(f):
                        out.append((f, os.path.normpath(os.path.join(base, os.path.relpath(f, d)))))
        return out


def read_hook(path):
    """The literal hiddenimports / excludedimports of one hook file, as
    {"hidden_imports": [...], "excluded_imports": [...]} (keys present only
    when found); {} when the file cannot be read or parsed."""
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), path)
    except (OSError, SyntaxError, ValueError):
        return {}
    entry = {}
    for node in tree.body:  # module level only: a conditional one is not sure
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, augment = node.targets[0], False
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            target, augment = node.target, True
        else:
            continue
        if not isinstance(target, ast.Name) or target.id not in _HOOK_LISTS:
            continue
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if not isinstance(value, (list, tuple, set)) or not all(is_module_name(v) for v in value):
            continue
        key = _HOOK_LISTS[target.id]
        items = sorted(value) if isinstance(value, set) else list(value)
        entry[key] = (entry.get(key, []) if augment else []) + items
    return entry


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def six_table(origin):
    """six's lazy names read from its source: {"moves": [], "moves.queue":
    ["queue"], "moves.urllib": [...], "moves.urllib.parse": ["urllib.parse"],
    ...}. On Python 3 MovedModule(name, old, new=None) stands for module
    `new or name`, MovedAttribute(name, old_mod, new_mod, ...) for an
    attribute of module `new_mod or name` (six.py). None when the file is not
    a six: no `_moved_attributes` list of those calls."""
    try:
        with open(origin, "rb") as f:
            source = f.read()
    except (OSError, TypeError):
        return None
    if b"MovedModule" not in source or b"_SixMetaPathImporter" not in source:
        return None
    try:
        tree = ast.parse(source, origin)
    except (SyntaxError, ValueError):
        return None
    table = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, (ast.List, ast.Tuple))):
            continue
        m = _SIX_LIST.fullmatch(node.targets[0].id)
        if m is None:
            continue
        prefix = "moves" if m.group(1) is None else "moves.urllib." + m.group(1)
        targets = table.setdefault(prefix, [])
        for call in node.value.elts:
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                    and call.func.id in ("MovedModule", "MovedAttribute") and call.args):
                continue
            args = [_literal(a) for a in call.args[:3]]
            name = args[0]
            target = args[2] if len(args) > 2 and args[2] else name
            if not isinstance(name, str) or not is_module_name(target):
                continue
            table[prefix + "." + name] = [target]
            if prefix != "moves" and target not in targets:
                targets.append(target)
    if "moves" not in table:
        return None
    urllib = table.setdefault("moves.urllib", [])
    for key in sorted(table):
        if key.startswith("moves.urllib.") and key.count(".") == 2:
            urllib += [t for t in table[key] if t not in urllib]
    return table
