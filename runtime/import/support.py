"""_pyfreeze_support: the Python half of pyfreeze's importer.

runtime/import/*.c (the C meta path finder and loader) stays thin: it
finds, reads and runs payload members. What the import system's richer
protocols need is here, in Python, built on CPython's own abstract classes,
and compiled from source embedded in the stub only when a program first uses
one of them (docs/third-party.md):

- importlib.resources (docs "importlib.resources.abc"): the loader's
  get_resource_reader(name) returns a TraversableResources whose files() is
  a Traversable over the payload members under the package's directory.
- importlib.resources.as_file: a payload file becomes /proc/self/fd/N of a
  memfd holding its bytes (nothing is written to disk), else CPython's
  temporary file.
- importlib.metadata needs nothing here: sys.path's "<executable>" entry
  lists as a directory (os_listdir), so CPython's own MetadataPathFinder
  finds the packed *.dist-info / *.egg-info directories there, as
  pkg_resources' working set does.
- pkgutil.iter_modules / walk_packages (PEP 302 path entry finders): a
  sys.path_hooks entry for paths under the executable lists the payload's
  modules.
- python3 SCRIPT for a packed module's file (a child given
  `sys.executable EXE/pkg/tool.py`): the same hook gives CPython a path
  entry whose "__main__" is that module (ScriptEntry).
- os.stat, os.lstat, os.listdir, os.scandir, os.access, os.statvfs,
  os.readlink (and so os.path.exists/isfile/isdir/getsize, pathlib's
  exists/is_file/is_dir/iterdir/glob, glob, os.walk, shutil.disk_usage) on
  paths under the executable, str or bytes: os_stat, os_listdir, os_scandir,
  os_access, os_statvfs, os_readlink, called by file_system.c's replacements
  only for such paths.

(The read-only open() and os.open() of payload files are in C,
file_system.c: a Python wrapper would add a frame to every traceback of a
failed open().)

Nothing here is imported before it is used: each function imports what it
needs from the modules the program has already loaded.
"""

import sys

_importer = None  # the PayloadImporter; set by importer.c
_tree = None  # {directory: {name: is_dir}} over the payload, built once
_exe_stat = None  # os.stat_result of the executable, read once (os_stat)


def _build_tree():
    global _tree
    if _tree is None:
        tree = {"": {}}
        for rel in _importer._members() + _frozen_files():
            parts = rel.split("/")
            for i in range(len(parts)):
                d = "/".join(parts[:i])
                tree.setdefault(d, {})[parts[i]] = i < len(parts) - 1
        _tree = tree
    return _tree


def _frozen_files():
    """The files, relative to the executable, of the stdlib modules
    libpython carries frozen (os, stat, codecs, ...), which the payload
    does not hold: their __file__ is under the executable (sys._stdlib_dir
    is the executable; CPython's FrozenImporter sets __file__ from it), so
    that, as for a packed module's bytecode, os.path.exists(os.__file__) is
    True, as it is for python3's source file."""
    import _imp
    from _frozen_importlib import FrozenImporter

    root = _importer._root
    files = []
    for name in _imp._frozen_module_names() or ():
        try:
            spec = FrozenImporter.find_spec(name)
        except ImportError:
            continue
        state = getattr(spec, "loader_state", None) if spec is not None else None
        filename = getattr(state, "filename", None)
        if isinstance(filename, str) and filename.startswith(root):
            files.append(filename[len(root):])
    return files


def _relative(path):
    """The payload-relative form of an absolute path (str, bytes or
    os.PathLike) under the executable, or None."""
    import os

    root = _importer._root
    path = os.fsdecode(path)
    if path == root[:-1]:
        return ""
    if not path.startswith(root):
        return None
    parts = []
    for p in path[len(root):].split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(p)
    return "/".join(parts)


def _make_traversable():
    from importlib.resources.abc import Traversable

    class PayloadPath(Traversable):
        """A file or directory of the frozen program's payload, seen at
        <executable>/<rel> (a path that does not exist on disk)."""

        def __init__(self, rel):
            self._rel = rel

        def __repr__(self):
            return f"PayloadPath({str(self)!r})"

        def __str__(self):
            return _importer._root + self._rel if self._rel else _importer._root[:-1]

        def __fspath__(self):
            return str(self)

        def __eq__(self, other):
            return isinstance(other, PayloadPath) and other._rel == self._rel

        def __hash__(self):
            return hash(self._rel)

        @property
        def name(self):
            return self._rel.rsplit("/", 1)[-1]

        def _parent_entry(self):
            d, _, n = self._rel.rpartition("/")
            return _build_tree().get(d, {}).get(n)

        def is_dir(self):
            return self._rel == "" or self._parent_entry() is True

        def is_file(self):
            return self._parent_entry() is False

        def iterdir(self):
            if not self.is_dir():
                raise NotADirectoryError(f"not a directory: {str(self)!r}")
            base = self._rel + "/" if self._rel else ""
            for n in sorted(_build_tree().get(self._rel, {})):
                yield PayloadPath(base + n)

        def joinpath(self, *descendants):
            rel = self._rel
            for d in descendants:
                for part in str(d).split("/"):
                    if part in ("", "."):
                        continue
                    if part == "..":
                        rel = rel.rpartition("/")[0]
                    else:
                        rel = rel + "/" + part if rel else part
            return PayloadPath(rel)

        __truediv__ = joinpath

        def read_bytes(self):
            if self.is_dir():
                raise IsADirectoryError(f"is a directory: {str(self)!r}")
            return _importer.get_data(str(self))

        def read_text(self, encoding=None, errors=None):
            with self.open("r", encoding=encoding, errors=errors) as f:
                return f.read()

        def open(self, mode="r", *args, **kwargs):
            import io

            if mode not in ("r", "rb", "rt"):
                raise ValueError(f"payload files are read-only: mode {mode!r}")
            data = io.BytesIO(self.read_bytes())
            if mode == "rb":
                return data
            return io.TextIOWrapper(data, *args, **kwargs)

    return PayloadPath


_path_type = None


def _path(rel):
    global _path_type
    if _path_type is None:
        _path_type = _make_traversable()
        _register_as_file(_path_type)
    return _path_type(rel)


def _register_as_file(cls):
    """importlib.resources.as_file(PayloadPath): a memfd's /proc/self/fd
    path, so a library that needs a real file name reads the bytes without
    anything written to disk; where memfd_create is refused, CPython's own
    temporary-file fallback."""
    common = sys.modules.get("importlib.resources._common")
    if common is None:
        return
    import contextlib

    fallback = common.as_file.dispatch(object)

    @common.as_file.register(cls)
    @contextlib.contextmanager
    def _as_file(path):
        import os

        try:
            fd = os.memfd_create(path.name or "resource", os.MFD_CLOEXEC)
        except (AttributeError, OSError):
            with fallback(path) as p:
                yield p
            return
        try:
            os.write(fd, path.read_bytes())
            yield common.pathlib.Path(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)


def resource_reader(fullname):
    """importlib.resources.abc.TraversableResources for package fullname."""
    from importlib.resources.abc import TraversableResources

    class PayloadResources(TraversableResources):
        def files(self):
            return _path(fullname.replace(".", "/"))

    return PayloadResources()


class _AliasLoader:
    """Loads the packed module `real` under another name: the name a
    package with a redirected __path__ gives it (PathEntry.find_spec)."""

    def __init__(self, real):
        self.real = real

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = _importer.get_code(self.real)
        if code is not None:
            exec(code, module.__dict__)

    def is_package(self, fullname):
        return _importer.is_package(self.real)

    def get_code(self, fullname):
        return _importer.get_code(self.real)

    def get_source(self, fullname):
        return None


class PathEntry:
    """A PEP 302 path entry finder for a package directory under the
    executable: pkgutil.iter_modules() lists the payload's modules there;
    find_spec() answers for the module of that name in that directory,
    through the meta path importer. A package that points its __path__ to
    another package's directory (setuptools' _distutils_hack makes
    `distutils` setuptools._distutils) gets that package's modules under
    its own names, as importlib's PathFinder gives them from a directory."""

    def __init__(self, path):
        rel = _relative(path)
        if rel is None or not (rel == "" or _build_tree().get(rel) is not None):
            raise ImportError("not a directory of this frozen program", path=path)
        self.path = path
        self._package = rel.replace("/", ".")

    def find_spec(self, fullname, target=None):
        last = fullname.rpartition(".")[2]
        real = self._package + "." + last if self._package else last
        spec = _importer.find_spec(real)
        if spec is None or real == fullname:
            return spec
        if spec.loader is None or spec.origin.endswith(".so"):
            return None  # a namespace package or an extension: not served by alias
        # the bootstrap's own class (importlib.machinery re-exports it): the
        # importlib package itself may not be packed
        from _frozen_importlib import ModuleSpec

        alias = ModuleSpec(fullname, _AliasLoader(real), origin=spec.origin,
                           is_package=spec.submodule_search_locations is not None)
        alias.submodule_search_locations = spec.submodule_search_locations
        alias.has_location = spec.has_location
        return alias

    def invalidate_caches(self):
        pass

    def iter_modules(self, prefix=""):
        seen = set()
        base = self._package + "." if self._package else ""
        for name in _importer._submodules(self._package):
            if name in seen or not name.isidentifier():
                continue
            seen.add(name)
            yield prefix + name, _importer.is_package(base + name)


class ScriptEntry:
    """The path entry of a packed module's file run as a script: a child
    given `sys.executable [flags] EXE/pkg/tool.py` runs as `python3
    pkg/tool.py` would. CPython asks sys.path_hooks for the script's path
    before it opens it (Modules/main.c: pymain_run_python, as for a
    zipapp), puts that path first on sys.path and calls
    runpy._run_module_as_main("__main__"); path_hook has put _ScriptRunner
    in runpy's place for that one call, so the script runs as python3 runs
    a file (run_as_main), with no need of runpy's own modules (the
    importlib package), which a program seldom packs. Other names are
    looked up as in the script's directory, which python3 puts first on
    sys.path for a script."""

    def __init__(self, path, rel):
        name = rel[:-3] if rel.endswith(".py") else None
        if name is not None and (name == "__init__" or name.endswith("/__init__")):
            name = name[:-len("__init__")].rstrip("/")
        spec = _importer.find_spec(name.replace("/", ".")) if name else None
        if spec is None or spec.loader is None or spec.origin != _importer._root + rel:
            raise ImportError("not a packed module's file", path=path)
        self.path = path
        self._real = spec.name
        self._origin = spec.origin
        self._directory = None

    def _neighbours(self):
        if self._directory is None:
            self._directory = PathEntry(self._origin.rpartition("/")[0])
        return self._directory

    def _set_path0(self):
        # CPython put the script's own path first on sys.path (as for a
        # zipapp); python3 SCRIPT puts its directory there, or nothing
        # with -I/-P (sys.flags.safe_path)
        if sys.path and sys.path[0] == self.path:
            if sys.flags.safe_path:
                del sys.path[0]
            else:
                sys.path[0] = self._origin.rpartition("/")[0]

    def find_spec(self, fullname, target=None):
        if fullname != "__main__":
            return self._neighbours().find_spec(fullname, target)
        self._set_path0()
        from _frozen_importlib import ModuleSpec

        spec = ModuleSpec("__main__", _AliasLoader(self._real), origin=self._origin)
        spec.has_location = True
        return spec

    def invalidate_caches(self):
        pass

    def iter_modules(self, prefix=""):
        return self._neighbours().iter_modules(prefix)

    def run_as_main(self):
        """Runs the module's code in __main__ as python3 runs a script file
        (Python/pythonrun.c: _PyRun_SimpleFileObject): __file__ the path,
        __spec__ None, sys.path[0] the script's directory. An exception
        other than SystemExit and KeyboardInterrupt is reported as python3
        reports it, without this function's frame, and ends the process
        with status 1."""
        self._set_path0()
        main = sys.modules["__main__"].__dict__
        main.update(__file__=self._origin, __cached__=None, __loader__=_AliasLoader(self._real))
        code = _importer.get_code(self._real)
        try:
            exec(code, main)
        except Exception as e:
            # PyErr_Display prints the exception's own __traceback__
            tb = e.__traceback__.tb_next
            sys.excepthook(type(e), e.with_traceback(tb), tb)
            raise SystemExit(1) from None


class _ScriptRunner:
    """Stands in sys.modules for runpy while CPython runs a packed script
    (ScriptEntry): its _run_module_as_main takes itself out again first."""

    def __init__(self, entry):
        self._entry = entry

    def _run_module_as_main(self, mod_name, alter_argv=True):
        if sys.modules.get("runpy") is self:
            del sys.modules["runpy"]
        self._entry.run_as_main()


def _script_being_run(rel):
    """True when this process is a child about to run the packed file rel
    as its script: sys.argv[0] names it, __main__ has not run anything yet
    and runpy is not imported."""
    main = sys.modules.get("__main__")
    if not sys.argv or "runpy" in sys.modules or hasattr(main, "__file__"):
        return False
    arg = sys.argv[0]
    if not arg.startswith("/"):
        import os

        arg = os.getcwd() + "/" + arg
    return _relative(arg) == rel


def path_hook(path):
    rel = _relative(path)
    if rel and _kind(rel) is False:  # a packed file
        entry = ScriptEntry(path, rel)
        if _script_being_run(rel):
            sys.modules["runpy"] = _ScriptRunner(entry)
        return entry
    return PathEntry(path)


def _kind(rel):
    """True for a payload directory, False for a packed file, None if rel
    names neither."""
    tree = _build_tree()
    if rel in tree:
        return True
    parent, _, name = rel.rpartition("/")
    entries = tree.get(parent)
    return False if entries is not None and entries.get(name) is False else None


def _not_found(path):
    import errno
    import os

    return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)


def os_stat(original, path, **kwargs):
    """os.stat / os.lstat of a path under the executable ("<executable>/"
    is the payload's top directory; "<executable>" stays the file): a packed file is
    a read-only regular file of its packed size (a module's bytecode for its
    .py path), a directory of packed files a read-only directory, both with
    the executable's owner, device and times (as first read); nothing else
    exists there. A
    path that leaves the executable with '..' goes to original."""
    import os

    rel = _relative(path)
    if rel is None or os.fsdecode(path) == _importer._root[:-1]:
        return original(path, **kwargs)  # the executable is the file it is
    is_dir = _kind(rel)
    if is_dir is None:
        raise _not_found(path)
    import stat

    global _exe_stat
    if _exe_stat is None:  # once: os.walk over a packed tree stats every entry
        _exe_stat = original(_importer._root[:-1])
    exe = _exe_stat
    if is_dir:
        mode, size = stat.S_IFDIR | 0o555, 0
    else:
        mode, size = stat.S_IFREG | 0o444, _importer._member_size(rel) or 0
    # stat_result's 10 visible fields, then the float and nanosecond times
    return os.stat_result(
        (mode, exe.st_ino, exe.st_dev, 1, exe.st_uid, exe.st_gid, size,
         int(exe.st_atime), int(exe.st_mtime), int(exe.st_ctime),
         exe.st_atime, exe.st_mtime, exe.st_ctime,
         exe.st_atime_ns, exe.st_mtime_ns, exe.st_ctime_ns))


def os_listdir(original, path):
    """os.listdir of a directory under the executable, or of the executable
    itself (sys.path's entry, listed as zipimport's archive is): the names packed in
    it (a module's as its .py name), sorted but for the executable's
    distribution metadata, which keeps the payload's order, as bytes for a bytes path (as
    os.listdir gives them); NotADirectoryError for a packed file,
    FileNotFoundError for nothing. '..' out of the executable goes to
    original."""
    import errno
    import os

    rel = _relative(path)
    if rel is None:
        return original(path)
    is_dir = _kind(rel)
    if is_dir is None:
        raise _not_found(path)
    if not is_dir:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
    entries = _build_tree()[rel]
    names = sorted(entries)
    if rel == "":
        # the distributions' metadata keeps the payload's order, the order
        # python3.11 found them in at freeze time (sys.path, then each
        # directory's os.listdir): importlib.metadata lists them so
        # (FastPath.children), and entry_points() and pytest's plugins follow
        metadata = iter([n for n in entries if _is_metadata(n)])
        names = [next(metadata) if _is_metadata(n) else n for n in names]
    return [os.fsencode(n) for n in names] if isinstance(os.fspath(path), bytes) else names


def _is_metadata(name):
    """Whether name is a distribution's metadata directory or file as
    importlib.metadata's Lookup tells them (CPython 3.11
    Lib/importlib/metadata/__init__.py)."""
    return name.lower().endswith((".dist-info", ".egg-info"))


class _DirEntry:
    """What os.scandir yields for a payload directory: os.DirEntry's
    attributes and methods (name, path, is_dir, is_file, is_symlink,
    stat, inode, __fspath__), answered from the payload."""

    __slots__ = ("name", "path", "_is_dir", "_stat")

    def __init__(self, name, path, is_dir, stat):
        self.name, self.path, self._is_dir, self._stat = name, path, is_dir, stat

    def __repr__(self):
        return f"<DirEntry {self.name!r}>"

    def __fspath__(self):
        return self.path

    def is_dir(self, *, follow_symlinks=True):
        return self._is_dir

    def is_file(self, *, follow_symlinks=True):
        return not self._is_dir

    def is_symlink(self):
        return False

    def stat(self, *, follow_symlinks=True):
        return self._stat(self.path)

    def inode(self):
        return self._stat(self.path).st_ino


class _ScandirIterator:
    """os.scandir's iterator (also a context manager) over _DirEntry."""

    def __init__(self, entries):
        self._it = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._it = iter(())


def os_scandir(original, path=None):
    """os.scandir of a directory under the executable: a _DirEntry per name
    os_listdir gives, its path joined as os.scandir joins it. '..' out of
    the executable goes to original."""
    rel = _relative(path)
    if rel is None:
        return original(path)
    import os

    names = os_listdir(original, path)  # raises as os.scandir would; bytes for bytes
    kinds = _build_tree()[rel]
    top = os.fspath(path)
    sep = os.sep if isinstance(top, str) else os.sep.encode()
    sep = top[:0] if top.endswith(sep) else sep

    def stat_of(p):
        return os_stat(os.lstat, p)

    return _ScandirIterator(
        _DirEntry(n, top + sep + n, kinds[os.fsdecode(n)], stat_of) for n in names)


def os_access(original, path, mode, **kwargs):
    """os.access of a path under the executable: a packed file can be read
    (R_OK), a payload directory read and searched (R_OK, X_OK); nothing
    there can be written (W_OK: the payload is read-only) and nothing else
    exists (F_OK False). '..' out of the executable goes to original."""
    import os

    rel = _relative(path)
    if rel is None or os.fsdecode(path) == _importer._root[:-1]:
        return original(path, mode, **kwargs)
    is_dir = _kind(rel)
    if is_dir is None or mode & os.W_OK:
        return False
    return not (mode & os.X_OK) or is_dir


def os_statvfs(original, path):
    """os.statvfs of a path under the executable: that of the file system
    holding the executable, where the payload's bytes are (shutil.disk_usage
    of a package's directory); FileNotFoundError for nothing. '..' out of
    the executable goes to original."""
    rel = _relative(path)
    if rel is None:
        return original(path)
    if _kind(rel) is None:
        raise _not_found(path)
    return original(_importer._root[:-1])


def os_readlink(original, path, **kwargs):
    """os.readlink of a path under the executable: nothing in the payload is
    a symbolic link, so EINVAL (what readlink(2) says of a file or
    directory), FileNotFoundError for nothing. '..' out of the executable
    goes to original."""
    import errno
    import os

    rel = _relative(path)
    if rel is None:
        return original(path, **kwargs)
    if _kind(rel) is None:
        raise _not_found(path)
    raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), path)


# ---- shared libraries the program loads itself (ctypes) ----------------------
# The payload's libs/<SONAME> members (--add-binary, --include-library and the
# libraries extension modules need) are loaded from memory by the native
# loader (runtime/import/native_loader.h). A program that loads one itself
# goes through ctypes: CDLL(name) calls ctypes._dlopen (Lib/ctypes/__init__.py)
# and ctypes.util.find_library(name) asks ldconfig for "lib<name>.so...".
# patch_module, called by libraries.c when either module has run in a
# program that bundles libraries or extension modules, makes both answer with
# the bundled copies first, as the extension loader does for DT_NEEDED, and
# CDLL(path of a packed extension module) load the importer's copy.

_bundled = None  # frozenset of the bundled libraries' SONAMEs, read once


def _bundled_libraries():
    global _bundled
    if _bundled is None:
        _bundled = frozenset(_importer._libraries())
    return _bundled


def _bundled_name(name):
    """The SONAME of the bundled library a CDLL name asks for: the name
    itself, or the last part of a path under the executable (where
    --add-binary's DEST shows the library); else None."""
    if not isinstance(name, str):
        return None
    if "/" in name:
        rel = _relative(name)
        if rel is None:
            return None
        name = rel.rsplit("/", 1)[-1]
    return name if name in _bundled_libraries() else None


def _patch_dlopen(original):
    def _dlopen(name, *args):
        # Loaded from memory first, glibc's dlopen(SONAME) then returns that
        # copy (a loaded object answers to its DT_SONAME) and reads no disk.
        soname = _bundled_name(name)
        if soname is not None and _importer._load_library(soname):
            name = soname
        elif isinstance(name, str) and "/" in name:
            # a packed extension module given by its path (__file__), which
            # cannot exist on disk: the memfd path the importer loads it from
            rel = _relative(name)
            native = _importer._native_path(rel) if rel else None
            if native is not None:
                name = native
        return original(name, *args)

    _dlopen.__doc__ = original.__doc__
    return _dlopen


def _patch_find_library(original):
    def find_library(name):
        # ldconfig's answer for name is "lib<name>.so" plus a version
        # (Lib/ctypes/util.py _findSoname_ldconfig).
        prefix = "lib%s.so" % name
        found = sorted(
            so for so in _bundled_libraries()
            if so == prefix
            or (so.startswith(prefix + ".") and so[len(prefix) + 1:].replace(".", "").isdigit()))
        return found[0] if found else original(name)

    find_library.__doc__ = original.__doc__
    return find_library


def patch_module(name, module):
    """Adapts ctypes (name "ctypes") or ctypes.util to the bundled
    libraries: see above."""
    if name == "ctypes":
        module._dlopen = _patch_dlopen(module._dlopen)
    elif name == "ctypes.util":
        module.find_library = _patch_find_library(module.find_library)
