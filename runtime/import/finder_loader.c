/* finder_loader.c - the importer's PEP 451 meta path finder and loader
 * methods: find_spec, create_module, exec_module, plus the optional loader
 * methods that importlib, runpy, pkgutil, linecache and inspect call:
 * get_code, get_source, is_package, get_filename, get_data. Extension
 * modules are loaded from memory (native_loader.h) through
 * _imp.create_dynamic, as ExtensionFileLoader does. See importer.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include <errno.h>
#include <string.h>

#include "cpython311.h"
#include "payload.h"
#include "tcl_file_system.h"

/* redirected(fullname, path): 1 when `path` (the parent package's
 * __path__) no longer holds the parent's own payload directory but holds
 * another directory under the executable, 0 otherwise, -1 with an exception.
 * A package that points its __path__ elsewhere (setuptools' _distutils_hack
 * makes `distutils` setuptools._distutils) has its submodules found there,
 * as importlib's PathFinder finds them in the __path__ it is given (PEP 451):
 * the path hook's finder (support.py PathEntry) answers for that directory. */
static int redirected(pf_importer *self, PyObject *fullname, PyObject *path)
{
    Py_ssize_t dot = PyUnicode_FindChar(fullname, '.', 0, PY_SSIZE_T_MAX, -1);
    if (path == Py_None || dot < 0) {
        return dot == -2 ? -1 : 0;
    }
    PyObject *parent = PyUnicode_Substring(fullname, 0, dot);
    PyObject *own = parent != NULL ? pf_importer_package_dir(self, parent) : NULL;
    Py_XDECREF(parent);
    int has_own = own != NULL ? PySequence_Contains(path, own) : -1;
    Py_XDECREF(own);
    if (has_own != 0) {
        PyErr_Clear(); /* an odd __path__ (no sequence): look the name up as before */
        return 0;
    }
    PyObject *iter = PyObject_GetIter(path);
    int elsewhere = 0;
    for (PyObject *entry; iter != NULL && !elsewhere && (entry = PyIter_Next(iter)) != NULL;) {
        elsewhere = PyUnicode_Check(entry) &&
                    PyUnicode_Tailmatch(entry, self->root, 0, PY_SSIZE_T_MAX, -1) == 1;
        Py_DECREF(entry);
    }
    Py_XDECREF(iter);
    PyErr_Clear();
    return elsewhere;
}

/* find_spec(fullname, path=None, target=None): a ModuleSpec for a module the
 * payload holds, else None so the next finder is asked. Payload modules are
 * known by their full names; `path` only matters when a package redirected
 * its __path__ (redirected()). */
PyObject *pf_importer_find_spec(pf_importer *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"fullname", "path", "target", NULL};
    PyObject *fullname, *path = Py_None, *target = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U|OO:find_spec", keywords, &fullname, &path,
                                     &target)) {
        return NULL;
    }
    /* "__main__" is the running program, not something to import: the boot
     * runs the packed script itself (and children import it under its own
     * name), and runpy.run_path(dir) must find that directory's __main__. */
    if (PyUnicode_CompareWithASCIIString(fullname, "__main__") == 0) {
        Py_RETURN_NONE;
    }
    int away = redirected(self, fullname, path);
    if (away != 0) {
        return away < 0 ? NULL : Py_NewRef(Py_None);
    }
    pf_entry module;
    int found = pf_importer_find_module(self, fullname, &module);
    if (found <= 0) {
        /* libpython's frozen modules, when a program turned them off */
        return found < 0 ? NULL : pf_importer_frozen_spec(self, fullname);
    }
    if (pf_importer_fetch_attr(&self->module_spec_type, PF_PY_BOOTSTRAP, "ModuleSpec") < 0) {
        return NULL;
    }
    int is_package = pf_importer_entry_is_package(self, &module);
    PyObject *loader = module.kind == PF_KIND_NAMESPACE ? Py_None : (PyObject *)self;
    PyObject *origin = pf_importer_module_origin(self, &module);
    if (origin == NULL) {
        return NULL;
    }
    PyObject *spec_args = Py_BuildValue("(OO)", fullname, loader);
    PyObject *spec_kwargs =
        Py_BuildValue("{sOsO}", "origin", origin, "is_package", is_package ? Py_True : Py_False);
    PyObject *spec = NULL;
    if (spec_args != NULL && spec_kwargs != NULL) {
        spec = PyObject_Call(self->module_spec_type, spec_args, spec_kwargs);
    }
    Py_XDECREF(spec_args);
    Py_XDECREF(spec_kwargs);
    if (spec != NULL && origin != Py_None &&
        PyObject_SetAttrString(spec, "has_location", Py_True) < 0) {
        Py_CLEAR(spec);
    }
    if (spec != NULL && is_package) {
        PyObject *dir = pf_importer_package_dir(self, fullname);
        PyObject *locations = dir != NULL ? PyList_New(1) : NULL;
        if (locations != NULL) {
            PyList_SET_ITEM(locations, 0, dir);
            dir = NULL;
        }
        if (locations == NULL ||
            PyObject_SetAttrString(spec, "submodule_search_locations", locations) < 0) {
            Py_CLEAR(spec);
        }
        Py_XDECREF(dir);
        Py_XDECREF(locations);
    }
    Py_DECREF(origin);
    return spec;
}

/* get_code(fullname): the module's code object (None for a namespace
 * package). Used by exec_module and by runpy for -m. */
PyObject *pf_importer_get_code(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_code() argument must be str");
        return NULL;
    }
    pf_entry module, file;
    if (pf_importer_require_module(self, fullname, &module) < 0) {
        return NULL;
    }
    if (!pf_importer_member_of(self, &module, &file) || module.kind == PF_KIND_EXTENSION) {
        Py_RETURN_NONE; /* namespace package or extension module: no bytecode */
    }
    if (file.kind != PF_KIND_BYTECODE) {
        PyErr_Format(PyExc_ImportError, "module %R has no bytecode in this frozen program",
                     fullname);
        return NULL;
    }
    PyObject *path = pf_importer_member_path(self, &file);
    if (path == NULL) {
        return NULL;
    }
    PyObject *code = pf_importer_code_of_member(self, &file, path);
    Py_DECREF(path);
    return code;
}

/* create_extension: loads an extension module from memory (see
 * native_loader.h) through _imp.create_dynamic, as ExtensionFileLoader does,
 * with a spec whose origin is the /proc/self/fd path dlopen() maps. The init
 * function is found from spec.name (PyInit_<last part>), which is right for
 * modules that register under another name, such as _decimal. */
static PyObject *create_extension(pf_importer *self, PyObject *spec, PyObject *name,
                                  const pf_entry *module)
{
    pf_entry file;
    pf_error err;
    char path[64];
    if (!pf_importer_member_of(self, module, &file)) {
        PyErr_Format(PyExc_ImportError, "extension module %U has no native code", name);
        return NULL;
    }
    int status =
        pf_importer_place_native(self->payload, self->executable, &file, path, sizeof path, &err);
    if (status != PF_OK) {
        PyErr_Format(PyExc_ImportError, "cannot load extension module %U: %s", name, err.message);
        return NULL;
    }
    /* Its libraries are loaded and its init function has not run: if they
     * brought Tcl in, Tcl finds its script library in the payload. */
    pf_tcl_serve(self->payload, self->executable);
    if (pf_importer_fetch_attr(&self->create_dynamic, "_imp", PF_PY_IMP_CREATE_DYNAMIC) < 0 ||
        pf_importer_fetch_attr(&self->module_spec_type, PF_PY_BOOTSTRAP, "ModuleSpec") < 0) {
        return NULL;
    }
    PyObject *loader = PyObject_GetAttrString(spec, "loader");
    PyObject *args = loader ? Py_BuildValue("(OO)", name, loader) : NULL;
    PyObject *kwargs = args ? Py_BuildValue("{ss}", "origin", path) : NULL;
    PyObject *load_spec = kwargs ? PyObject_Call(self->module_spec_type, args, kwargs) : NULL;
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    Py_XDECREF(loader);
    if (load_spec == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallOneArg(self->create_dynamic, load_spec);
    Py_DECREF(load_spec);
    if (result == NULL) {
        return NULL;
    }
    /* Single-phase modules got __file__ = the fd path: show the payload
     * path instead, as python3 shows the .so's path. */
    PyObject *origin = PyObject_GetAttrString(spec, "origin");
    if (origin == NULL ||
        (PyModule_Check(result) && PyObject_SetAttrString(result, "__file__", origin) < 0)) {
        PyErr_Clear();
    }
    Py_XDECREF(origin);
    return result;
}

/* create_module(spec): an extension module loaded from memory, or None for
 * the default module object (PEP 451). */
PyObject *pf_importer_create_module(pf_importer *self, PyObject *spec)
{
    PyObject *name = PyObject_GetAttrString(spec, "name");
    if (name == NULL || !PyUnicode_Check(name)) {
        Py_XDECREF(name);
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    }
    pf_entry module;
    int found = pf_importer_find_module(self, name, &module);
    PyObject *result = NULL;
    if (found > 0 && module.kind == PF_KIND_EXTENSION) {
        result = create_extension(self, spec, name, &module);
    } else if (found >= 0) {
        result = Py_NewRef(Py_None);
    }
    Py_DECREF(name);
    return result;
}

/* exec_module_code: exec_module's work. */
static PyObject *exec_module_code(pf_importer *self, PyObject *module)
{
    PyObject *spec = PyObject_GetAttrString(module, "__spec__");
    if (spec == NULL) {
        return NULL;
    }
    PyObject *name = PyObject_GetAttrString(spec, "name");
    pf_entry entry;
    int found = name != NULL ? pf_importer_find_module(self, name, &entry) : -1;
    /* a spec of pf_importer_frozen_spec: the payload does not hold it */
    PyObject *frozen = found == 0 ? pf_importer_frozen_code(spec) : NULL;
    Py_DECREF(spec);
    if (name == NULL || (found == 0 && frozen == NULL)) {
        Py_XDECREF(name);
        return NULL;
    }
    if (found > 0 && entry.kind == PF_KIND_EXTENSION) {
        Py_DECREF(name);
        if (pf_importer_fetch_attr(&self->exec_dynamic, "_imp", PF_PY_IMP_EXEC_DYNAMIC) < 0) {
            return NULL;
        }
        PyObject *r = PyObject_CallOneArg(self->exec_dynamic, module);
        if (r == NULL) {
            return NULL;
        }
        Py_DECREF(r);
        Py_RETURN_NONE;
    }
    PyObject *code = frozen != NULL && frozen != Py_None ? frozen
                     : found < 0                         ? NULL
                                                         : pf_importer_get_code(self, name);
    if (code != frozen) {
        Py_XDECREF(frozen);
    }
    if (code == NULL || code == Py_None) {
        Py_DECREF(name);
        return code; /* NULL: an exception; None: a namespace package, nothing to run */
    }
    PyObject *dict = PyModule_GetDict(module); /* borrowed */
    PyObject *result = NULL;
    if (dict != NULL &&
        pf_importer_fetch_attr(&self->call_with_frames_removed, PF_PY_BOOTSTRAP,
                               PF_PY_CALL_WITH_FRAMES_REMOVED) == 0 &&
        pf_importer_fetch_attr(&self->builtin_exec, "builtins", "exec") == 0) {
        result = PyObject_CallFunctionObjArgs(self->call_with_frames_removed, self->builtin_exec,
                                              code, dict, dict, NULL);
    }
    Py_DECREF(code);
    if (result != NULL) {
        Py_DECREF(result);
        result = pf_importer_patch_loaded(self, name, module);
    }
    Py_DECREF(name);
    return result;
}

/* Modules executing: incremented and decremented with the GIL held, by every
 * interpreter's importer (they share the payload). */
static unsigned exec_depth;

/* Frames kept at the end of an import: that of the last frame read, if
 * members of it are unread. The freezer lays modules out in first-import
 * order, so a program's next import most likely reads on from where the
 * last one stopped. The benchmark's stdlib-heavy program decompressed 37
 * frames on one CPU with one kept, 36-37 with two or no trim, 64 with none
 * kept; two kept left a 135 KiB frame in every copy of the ssl+sqlite3
 * program (docs/performance.md, "Memory of concurrent copies"). */
#define PF_IMPORT_KEEP_FRAMES 1u

/* exec_module(module): runs the module's code in its namespace through
 * importlib._bootstrap._call_with_frames_removed, so that CPython trims the
 * importlib frames from tracebacks exactly as it does for source modules.
 * When no other module is executing, the import is over: what the payload
 * reader keeps for further reads goes (pf_payload_trim). */
PyObject *pf_importer_exec_module(pf_importer *self, PyObject *module)
{
    exec_depth++;
    PyObject *result = exec_module_code(self, module);
    if (--exec_depth == 0) {
        pf_payload_trim(self->payload, PF_IMPORT_KEEP_FRAMES);
    }
    return result;
}

/* is_package(fullname): True for regular and namespace packages. */
PyObject *pf_importer_is_package(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "is_package() argument must be str");
        return NULL;
    }
    pf_entry module;
    if (pf_importer_require_module(self, fullname, &module) < 0) {
        return NULL;
    }
    return PyBool_FromLong(pf_importer_entry_is_package(self, &module));
}

/* get_filename(fullname): the module's __file__. */
PyObject *pf_importer_get_filename(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_filename() argument must be str");
        return NULL;
    }
    pf_entry module;
    if (pf_importer_require_module(self, fullname, &module) < 0) {
        return NULL;
    }
    return pf_importer_module_origin(self, &module);
}

/* get_source(fullname): the module's source text when it was packed
 * (--include-source), else None: tracebacks then show file and line only. */
PyObject *pf_importer_get_source(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_source() argument must be str");
        return NULL;
    }
    pf_entry module, file, source;
    if (pf_importer_require_module(self, fullname, &module) < 0) {
        return NULL;
    }
    if (!pf_importer_member_of(self, &module, &file) || file.kind != PF_KIND_BYTECODE ||
        file.name_size <= PF_LIB_DIR_SIZE + 1) {
        Py_RETURN_NONE;
    }
    /* "lib/a/b.pyc" -> "lib/a/b.py" */
    if (!pf_importer_lookup_path(self, file.name + PF_LIB_DIR_SIZE,
                                 file.name_size - PF_LIB_DIR_SIZE - 1, "", &source)) {
        Py_RETURN_NONE;
    }
    PyObject *bytes = pf_importer_read_member(self, &source);
    if (bytes == NULL) {
        return NULL;
    }
    PyObject *text = NULL;
    if (pf_importer_fetch_attr(&self->decode_source, PF_PY_BOOTSTRAP_EXTERNAL, "decode_source") ==
        0) {
        text = PyObject_CallOneArg(self->decode_source, bytes);
    }
    Py_DECREF(bytes);
    return text;
}

/* get_data(path): the bytes of the member seen at path "<executable>/X"
 * (a str; "." and ".." resolved as pf_importer_payload_rel does: doctest
 * and pkgutil join module-relative names to the package's directory).
 * Anything else raises FileNotFoundError, as reading a missing file would. */
PyObject *pf_importer_get_data(pf_importer *self, PyObject *path)
{
    if (!PyUnicode_Check(path)) {
        PyErr_SetString(PyExc_TypeError, "get_data() argument must be str");
        return NULL;
    }
    char rel[PF_PAYLOAD_REL_CAPACITY];
    size_t relSize;
    pf_entry file;
    if (pf_importer_payload_rel(self, path, rel, sizeof rel, &relSize) &&
        pf_importer_lookup_path(self, rel, relSize, "", &file)) {
        return pf_importer_read_member(self, &file);
    }
    errno = ENOENT;
    return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
}

/* invalidate_caches(): nothing is cached that could go stale. */
PyObject *pf_importer_invalidate_caches(pf_importer *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    Py_RETURN_NONE;
}
