/* test_support.c - the runtime's resource reader, the listing of its
 * paths and the path entry finder (runtime/import/support.py) over a fake importer that serves
 * an in-memory tree the way runtime/import/ serves the payload (_root,
 * _members, get_data, _member_size, _submodules, find_spec, is_package). The
 * checks are Python assertions run in the embedded interpreter; each test
 * fails with the Python traceback printed. */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char FAKE[] =
    "import sys, types\n"
    "class Fake:\n"
    "    _root = '/opt/app/app/'\n"
    "    files = {\n"
    "        'pkg/__init__.py': b'',\n"
    "        'pkg/data/a.txt': b'alpha\\n',\n"
    "        'pkg/data/b.bin': bytes(range(256)),\n"
    "        'pkg/data/deep/c.txt': b'gamma',\n"
    "        'pkg/sub/__init__.py': b'',\n"
    "        'pkg/sub/m.py': b'',\n"
    "        'demo-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: demo\\nVersion: "
    "1.0\\n',\n"
    "        'demo-1.0.dist-info/entry_points.txt': b'[demo.plugins]\\nx = pkg.sub.m:f\\n',\n"
    "        'Other_Thing-3.egg-info/PKG-INFO': b'Metadata-Version: 1.0\\nName: Other-Thing\\n"
    "Version: 3\\n',\n"
    "    }\n"
    "    def _members(self):\n"
    "        return list(self.files)\n"
    "    def get_data(self, path):\n"
    "        rel = path[len(self._root):] if path.startswith(self._root) else None\n"
    "        if rel in self.files:\n"
    "            return self.files[rel]\n"
    "        raise FileNotFoundError(2, 'No such file or directory', path)\n"
    "    def _member_size(self, rel):\n"
    "        return len(self.files[rel]) if rel in self.files else None\n"
    "    def _submodules(self, package):\n"
    "        return {'pkg': ['sub'], 'pkg.sub': ['m'], '': ['pkg']}.get(package, [])\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        return None\n"
    "    def is_package(self, name):\n"
    "        return name in ('pkg', 'pkg.sub')\n"
    "support._importer = Fake()\n"
    "support._tree = None\n";

/* run: executes the Python checks `text` with `support` bound to the
 * module compiled from runtime/import/support.py; returns 0 when they pass. */
static int run(const char *text)
{
    FILE *fp = fopen(PF_SUPPORT_PY, "r");
    assert_non_null(fp);
    static char source[256 * 1024];
    size_t n = fread(source, 1, sizeof source - 1, fp);
    fclose(fp);
    source[n] = '\0';
    PyObject *code = Py_CompileString(source, PF_SUPPORT_PY, Py_file_input);
    PyObject *module = code != NULL ? PyModule_New("_pyfreeze_support") : NULL;
    PyObject *mdict = module != NULL ? PyModule_GetDict(module) : NULL;
    PyObject *r = NULL;
    if (mdict != NULL && PyDict_SetItemString(mdict, "__builtins__", PyEval_GetBuiltins()) == 0) {
        r = PyEval_EvalCode(code, mdict, mdict);
    }
    Py_XDECREF(r);
    Py_XDECREF(code);
    PyObject *globals = PyDict_New();
    int ok = module != NULL && globals != NULL &&
             PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0 &&
             PyDict_SetItemString(globals, "support", module) == 0;
    PyObject *res = ok ? PyRun_String(FAKE, Py_file_input, globals, globals) : NULL;
    Py_XDECREF(res);
    res = res != NULL ? PyRun_String(text, Py_file_input, globals, globals) : NULL;
    if (res == NULL) {
        PyErr_Print();
    }
    Py_XDECREF(res);
    Py_XDECREF(globals);
    Py_XDECREF(module);
    return res != NULL ? 0 : -1;
}

static void test_traversable(void **state)
{
    (void)state;
    assert_int_equal(
        run("import importlib.resources, importlib.resources.abc as abc\n"
            "files = support.resource_reader('pkg').files()\n"
            "assert isinstance(files, abc.Traversable)\n"
            "assert str(files) == '/opt/app/app/pkg', str(files)\n"
            "assert files.is_dir() and not files.is_file()\n"
            "a = files / 'data' / 'a.txt'\n"
            "assert a.name == 'a.txt' and a.is_file() and not a.is_dir()\n"
            "assert a.read_text() == 'alpha\\n'\n"
            "assert a.read_text(encoding='ascii') == 'alpha\\n'\n"
            "assert files.joinpath('data', 'b.bin').read_bytes() == bytes(range(256))\n"
            "assert files.joinpath('data/../data/deep/c.txt').read_text() == 'gamma'\n"
            "assert [p.name for p in files.iterdir()] == "
            "['__init__.py', 'data', 'sub']\n"
            "assert [p.name for p in (files / 'data').iterdir()] == "
            "['a.txt', 'b.bin', 'deep']\n"
            "with a.open('rb') as f: assert f.read() == b'alpha\\n'\n"
            "with a.open() as f: assert f.readline() == 'alpha\\n'\n"
            "missing = files / 'nope.txt'\n"
            "assert not missing.is_file() and not missing.is_dir()\n"
            "try: missing.read_bytes()\n"
            "except FileNotFoundError: pass\n"
            "else: raise AssertionError('read of a missing file')\n"
            "for bad in (lambda: a.open('w'), lambda: list(a.iterdir()),\n"
            "            lambda: (files / 'data').read_bytes()):\n"
            "    try: bad()\n"
            "    except (ValueError, NotADirectoryError, IsADirectoryError): pass\n"
            "    else: raise AssertionError('accepted')\n"
            "r = support.resource_reader('pkg')\n"
            "assert r.open_resource('__init__.py').read() == b''\n"
            "with importlib.resources.as_file(a) as p:\n"
            "    assert str(p).startswith('/proc/self/fd/'), p\n"
            "    assert p.read_bytes() == b'alpha\\n'\n"),
        0);
}

/* The executable's listing (sys.path's entry: importlib.metadata's
 * MetadataPathFinder and pkg_resources list it) and "<executable>/" as the
 * payload's top directory; the executable itself stays what the original
 * os function says. */
static void test_listing(void **state)
{
    (void)state;
    assert_int_equal(
        run("import os, stat\n"
            "def original(path, **kw): return ('original', path)\n"
            "# the metadata keeps the payload's order (python3.11's at freeze\n"
            "# time), the rest is sorted: 'demo' is packed before 'Other_Thing'\n"
            "top = ['demo-1.0.dist-info', 'Other_Thing-3.egg-info', 'pkg']\n"
            "assert support.os_listdir(original, '/opt/app/app') == top\n"
            "assert support.os_listdir(original, '/opt/app/app/') == top\n"
            "assert [e.name for e in support.os_scandir(original, '/opt/app/app')] == top\n"
            "assert [e.is_dir() for e in support.os_scandir(original, '/opt/app/app')] == "
            "[True] * 3\n"
            "assert support.os_listdir(original, '/opt/app/app/demo-1.0.dist-info') == "
            "['METADATA', 'entry_points.txt']\n"
            "assert support.os_stat(original, '/opt/app/app') == ('original', '/opt/app/app')\n"
            "support._exe_stat = os.stat('/')\n"
            "for p in ('/opt/app/app/', '/opt/app/app/demo-1.0.dist-info'):\n"
            "    assert stat.S_ISDIR(support.os_stat(original, p).st_mode), p\n"
            "assert stat.S_ISREG(support.os_stat(original, "
            "'/opt/app/app/demo-1.0.dist-info/METADATA').st_mode)\n"
            "assert support.os_listdir(original, '/elsewhere') == ('original', '/elsewhere')\n"),
        0);
}

/* bytes and os.PathLike paths answer as str ones do (bytes names for a
 * bytes listing); os.access, os.statvfs and os.readlink of payload paths. */
static void test_bytes_and_more(void **state)
{
    (void)state;
    assert_int_equal(
        run("import errno, os, stat\n"
            "def original(path, *a, **kw): return ('original', path)\n"
            "class P:\n"
            "    def __init__(self, p): self.p = p\n"
            "    def __fspath__(self): return self.p\n"
            "support._exe_stat = os.stat('/')\n"
            "d = b'/opt/app/app/pkg/data'\n"
            "assert support.os_listdir(original, d) == [b'a.txt', b'b.bin', b'deep']\n"
            "assert support.os_listdir(original, P(d)) == [b'a.txt', b'b.bin', b'deep']\n"
            "assert [(e.name, e.path) for e in support.os_scandir(original, d)][0] == "
            "(b'a.txt', b'/opt/app/app/pkg/data/a.txt')\n"
            "assert support.os_stat(original, P(d + b'/a.txt')).st_size == 6\n"
            "assert stat.S_ISDIR(support.os_stat(original, d + b'/deep/..').st_mode)\n"
            "try: support.os_stat(original, d + b'/none')\n"
            "except FileNotFoundError as e: assert e.filename == d + b'/none'\n"
            "else: raise AssertionError('no error')\n"
            "a = '/opt/app/app/pkg/data/a.txt'\n"
            "assert support.os_access(original, a, os.R_OK)\n"
            "assert not support.os_access(original, a, os.W_OK)\n"
            "assert not support.os_access(original, a, os.X_OK)\n"
            "assert support.os_access(original, os.path.dirname(a), os.R_OK | os.X_OK)\n"
            "assert not support.os_access(original, a + 'x', os.F_OK)\n"
            "assert support.os_access(original, '/elsewhere', os.R_OK) == "
            "('original', '/elsewhere')\n"
            "assert support.os_statvfs(original, d) == ('original', '/opt/app/app')\n"
            "for p, n in ((a, errno.EINVAL), (a + 'x', errno.ENOENT)):\n"
            "    try: support.os_readlink(original, p)\n"
            "    except OSError as e: assert e.errno == n and e.filename == p, e\n"
            "    else: raise AssertionError(p)\n"),
        0);
}

static void test_path_entry(void **state)
{
    (void)state;
    assert_int_equal(run("import pkgutil\n"
                         "e = support.path_hook('/opt/app/app/pkg')\n"
                         "assert list(e.iter_modules('pkg.')) == [('pkg.sub', True)]\n"
                         "assert list(support.path_hook('/opt/app/app/pkg/sub')"
                         ".iter_modules()) == [('m', False)]\n"
                         "for bad in ('/elsewhere', '/opt/app/app/nodir', '/opt/app/app/../x'):\n"
                         "    try: support.path_hook(bad)\n"
                         "    except ImportError: pass\n"
                         "    else: raise AssertionError(bad)\n"),
                     0);
}

/* ctypes' _dlopen, patched: a path under the executable naming a packed
 * extension module is given to dlopen as the importer's memfd path
 * (_native_path), a bundled SONAME is loaded first, anything else passes
 * unchanged. */
static void test_dlopen(void **state)
{
    (void)state;
    assert_int_equal(
        run("import types\n"
            "loaded = []\n"
            "support._importer._libraries = lambda: ['libz.so.1']\n"
            "support._importer._load_library = lambda n: loaded.append(n) or True\n"
            "support._importer._native_path = lambda rel: "
            "'/proc/self/fd/9' if rel == 'pkg/ext.so' else None\n"
            "support._bundled = None\n"
            "ctypes = types.SimpleNamespace(_dlopen=lambda name, *a: (name, a))\n"
            "support.patch_module('ctypes', ctypes)\n"
            "assert ctypes._dlopen('/opt/app/app/pkg/ext.so', 2) == ('/proc/self/fd/9', (2,))\n"
            "assert ctypes._dlopen('/opt/app/app/pkg/../pkg/ext.so')[0] == '/proc/self/fd/9'\n"
            "assert ctypes._dlopen('/opt/app/app/pkg/none.so')[0] == '/opt/app/app/pkg/none.so'\n"
            "assert ctypes._dlopen('/usr/lib/x.so')[0] == '/usr/lib/x.so'\n"
            "assert ctypes._dlopen('/opt/app/app/libs/libz.so.1')[0] == 'libz.so.1'\n"
            "assert ctypes._dlopen('libm.so.6')[0] == 'libm.so.6'\n"
            "assert ctypes._dlopen(None)[0] is None\n"
            "assert loaded == ['libz.so.1'], loaded\n"),
        0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traversable),    cmocka_unit_test(test_listing),
        cmocka_unit_test(test_bytes_and_more), cmocka_unit_test(test_path_entry),
        cmocka_unit_test(test_dlopen),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
