/* support_module.c - the importer's Python half, runtime/import/support.py,
 * embedded compiled (marshal data) and made into module _pyfreeze_support only when
 * a program first uses one of the richer protocols it answers:
 * importlib.resources' get_resource_reader and a sys.path_hooks entry
 * for pkgutil.iter_modules of a package (the path hook). This file has those methods, and the index
 * listings support.py reads (_members, _submodules, _member_size); see importer_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include "importer_internal.h"

#include <string.h>

#include "cpython311.h"
#include "importer.h"
#include "payload.h"

/* runtime/import/support.py compiled at build time (cmake/embed_bytecode.py):
 * marshal data, and the magic number of the Python that compiled it */
extern const unsigned char pf_support_code[];
extern const size_t pf_support_code_size;
extern const unsigned char pf_support_code_magic[4];
#define SUPPORT_MODULE_NAME "_pyfreeze_support"

/* support_code: the code object of support.py, unmarshalled from the
 * embedded bytecode (a new reference), or NULL with an ImportError when it
 * was compiled by another Python than the one running (PEP 3147's magic
 * number; a build mistake, not the user's). Unmarshalling costs well under a
 * tenth of compiling the source (docs/performance.md). */
static PyObject *support_code(void)
{
    long magic = PyImport_GetMagicNumber();
    const unsigned char *m = pf_support_code_magic;
    if (magic == -1 ||
        (m[0] | m[1] << 8 | m[2] << 16 | (unsigned long)m[3] << 24) != (unsigned long)magic) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ImportError,
                        "pyfreeze's support module was compiled by another Python version "
                        "(rebuild pyfreeze against the same CPython 3.11)");
        return NULL;
    }
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)pf_support_code,
                                                    (Py_ssize_t)pf_support_code_size);
    if (code != NULL && !PyCode_Check(code)) {
        Py_DECREF(code);
        PyErr_SetString(PyExc_ImportError, "pyfreeze's support module holds no code object");
        return NULL;
    }
    return code;
}

/* pf_importer_support: the _pyfreeze_support module (support.py), made from
 * the embedded bytecode on first use, with _importer set to self and put in
 * sys.modules. Returns a borrowed reference, or NULL with an exception. */
PyObject *pf_importer_support(pf_importer *self)
{
    if (self->support_module != NULL) {
        return self->support_module;
    }
    PyObject *code = support_code();
    PyObject *module = code != NULL ? PyModule_New(SUPPORT_MODULE_NAME) : NULL;
    PyObject *dict = module != NULL ? PyModule_GetDict(module) : NULL; /* borrowed */
    PyObject *r = NULL;
    if (dict != NULL && PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins()) == 0) {
        r = PyEval_EvalCode(code, dict, dict);
    }
    Py_XDECREF(code);
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
    if (r == NULL || PyObject_SetAttrString(module, "_importer", (PyObject *)self) < 0 ||
        PyDict_SetItemString(modules, SUPPORT_MODULE_NAME, module) < 0) {
        Py_XDECREF(r);
        Py_XDECREF(module);
        return NULL;
    }
    Py_DECREF(r);
    self->support_module = module;
    return self->support_module;
}

/* call_support: pf_importer_support(self).fn(arg): a new reference or NULL. */
static PyObject *call_support(pf_importer *self, const char *fn, PyObject *arg)
{
    PyObject *mod = pf_importer_support(self);
    return mod != NULL ? PyObject_CallMethod(mod, fn, "O", arg) : NULL;
}

/* get_resource_reader(fullname): for a package, an
 * importlib.resources.abc.TraversableResources over its payload directory
 * (support.py resource_reader; importlib.resources docs, "Loaders"); None
 * for a plain module, as the protocol allows. */
PyObject *pf_importer_get_resource_reader(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_resource_reader() argument must be str");
        return NULL;
    }
    pf_entry module;
    if (pf_importer_require_module(self, fullname, &module) < 0) {
        return NULL;
    }
    if (!pf_importer_entry_is_package(self, &module)) {
        Py_RETURN_NONE;
    }
    return call_support(self, "resource_reader", fullname);
}

/* root_finder: the path entry finder of sys.path's "<executable>" entry
 * (boot_config.c): an instance of a subclass of importlib.machinery.FileFinder
 * made here (no support.py: a program whose import misses the payload asks
 * this finder, and making support.py's module would cost instructions), whose
 * find_spec, invalidate_caches and iter_modules are the importer's own C
 * methods. A FileFinder, because that is the path entry finder type tools
 * dispatch on for a directory of modules: pkg_resources' finder and
 * namespace-handler registries (register_finder), pkgutil's
 * iter_importer_modules. Its .path is "<executable>/", the directory
 * file_system.c serves (os.stat, os.listdir), so pkgutil lists it; FileFinder's
 * __init__ is not run (its caches would read the real file system). A new
 * reference, or NULL with an exception. */
static PyObject *root_finder(pf_importer *self)
{
    if (self->root_finder_type == NULL) {
        PyObject *external = PyImport_ImportModule(PF_PY_BOOTSTRAP_EXTERNAL);
        PyObject *base = external ? PyObject_GetAttrString(external, "FileFinder") : NULL;
        PyObject *dict = base ? PyDict_New() : NULL;
        static const char *const methods[] = {"find_spec", "invalidate_caches", "iter_modules"};
        int ok = dict != NULL &&
                 PyDict_SetItemString(dict, "__module__",
                                      PyUnicode_FromString(PF_IMPORTER_MODULE_NAME)) == 0;
        for (size_t i = 0; ok && i < sizeof methods / sizeof *methods; i++) {
            /* bound methods are no descriptors: finder.find_spec(name, target)
             * calls the importer's find_spec(name, target) */
            PyObject *m = PyObject_GetAttrString((PyObject *)self, methods[i]);
            ok = m != NULL && PyDict_SetItemString(dict, methods[i], m) == 0;
            Py_XDECREF(m);
        }
        if (ok) {
            self->root_finder_type = PyObject_CallFunction((PyObject *)&PyType_Type, "s(O)O",
                                                           "PayloadPathFinder", base, dict);
        }
        Py_XDECREF(dict);
        Py_XDECREF(base);
        Py_XDECREF(external);
        if (self->root_finder_type == NULL) {
            return NULL;
        }
    }
    PyObject *finder =
        PyObject_CallMethod((PyObject *)&PyBaseObject_Type, "__new__", "O", self->root_finder_type);
    if (finder != NULL && PyObject_SetAttrString(finder, "path", self->root) < 0) {
        Py_CLEAR(finder);
    }
    return finder;
}

/* _path_hook(path): the sys.path_hooks entry (PEP 302): for the executable's
 * own path, sys.path's entry, root_finder's path entry finder; for a
 * directory under it, support.py's PathEntry, so that
 * pkgutil.iter_modules(pkg.__path__) lists payload modules; ImportError for
 * any other path, so the next hook is asked. */
PyObject *pf_importer_path_hook(pf_importer *self, PyObject *path)
{
    Py_ssize_t pathSize, rootSize;
    const char *p = PyUnicode_Check(path) ? PyUnicode_AsUTF8AndSize(path, &pathSize) : NULL;
    const char *root = PyUnicode_AsUTF8AndSize(self->root, &rootSize);
    if (p == NULL || root == NULL || pathSize < rootSize - 1 ||
        memcmp(p, root, (size_t)rootSize - 1) != 0 ||
        (pathSize >= rootSize && p[rootSize - 1] != '/')) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ImportError, "not a path of this frozen program");
        return NULL;
    }
    if (pathSize == rootSize - 1) {
        return root_finder(self);
    }
    return call_support(self, "path_hook", path);
}

/* iter_modules(prefix=''): (prefix + name, is_package) for every top-level
 * module of the payload, in index order: what pkgutil.iter_modules() (no
 * path: sys.meta_path's finders and sys.path's) and the "<executable>"
 * entry's finder list (pkgutil's iter_importer_modules protocol). */
PyObject *pf_importer_iter_modules(pf_importer *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"prefix", NULL};
    PyObject *prefix = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|U:iter_modules", keywords, &prefix)) {
        return NULL;
    }
    PyObject *empty = PyUnicode_FromString("");
    PyObject *names = empty != NULL ? pf_importer_submodules(self, empty) : NULL;
    Py_XDECREF(empty);
    PyObject *list = names != NULL ? PyList_New(0) : NULL;
    for (Py_ssize_t i = 0; list != NULL && i < PyList_GET_SIZE(names); i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        pf_entry module;
        if (!PyUnicode_IsIdentifier(name) || pf_importer_find_module(self, name, &module) <= 0) {
            PyErr_Clear();
            continue;
        }
        int is_package = module.kind == PF_KIND_PACKAGE || module.kind == PF_KIND_NAMESPACE;
        PyObject *shown = prefix != NULL ? PyUnicode_Concat(prefix, name) : Py_NewRef(name);
        PyObject *item =
            shown != NULL ? Py_BuildValue("(NO)", shown, is_package ? Py_True : Py_False) : NULL;
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(item);
    }
    Py_XDECREF(names);
    return list;
}

/* _member_size(rel): the size in bytes of the file member at rel (a path
 * relative to the executable, as _members() lists it), or None. For
 * support.py's os_stat. */
PyObject *pf_importer_member_size(pf_importer *self, PyObject *rel)
{
    Py_ssize_t relSize;
    const char *utf8 = PyUnicode_Check(rel) ? PyUnicode_AsUTF8AndSize(rel, &relSize) : NULL;
    if (utf8 == NULL) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "_member_size() argument must be str");
        return NULL;
    }
    pf_entry file;
    if (pf_importer_lookup_path(self, utf8, (size_t)relSize, "", &file)) {
        return PyLong_FromUnsignedLongLong((unsigned long long)file.size);
    }
    Py_RETURN_NONE;
}

/* _members(): the path relative to the executable of every file member
 * under lib/ ("json/decoder.py" for lib/json/decoder.pyc, as pf_importer_member_path
 * shows it), in index order: what support.py's Traversable lists. */
PyObject *pf_importer_members(pf_importer *self, PyObject *unused)
{
    (void)unused;
    const pf_index *index = pf_payload_index(self->payload);
    PyObject *list = PyList_New(0);
    for (uint32_t n = 0; list != NULL && n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (!PF_KIND_IS_FILE(e.kind) || e.name_size <= PF_LIB_DIR_SIZE ||
            memcmp(e.name, PF_LIB_DIR, PF_LIB_DIR_SIZE) != 0) {
            continue;
        }
        PyObject *path = pf_importer_member_path(self, &e);
        PyObject *rel = path != NULL ? PyUnicode_Substring(path, PyUnicode_GET_LENGTH(self->root),
                                                           PyUnicode_GET_LENGTH(path))
                                     : NULL;
        Py_XDECREF(path);
        if (rel == NULL || PyList_Append(list, rel) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(rel);
    }
    return list;
}

/* _submodules(package): the last name part of every payload module directly
 * inside package (a dotted name; "" for top-level modules), in index order. */
PyObject *pf_importer_submodules(pf_importer *self, PyObject *package)
{
    Py_ssize_t pkgSize;
    const char *pkg = PyUnicode_Check(package) ? PyUnicode_AsUTF8AndSize(package, &pkgSize) : NULL;
    if (pkg == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "_submodules() argument must be str");
        }
        return NULL;
    }
    size_t prefix = pkgSize > 0 ? (size_t)pkgSize + 1 : 0;
    const pf_index *index = pf_payload_index(self->payload);
    PyObject *list = PyList_New(0);
    for (uint32_t n = 0; list != NULL && n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (!PF_KIND_IS_MODULE(e.kind) || e.name_size <= prefix ||
            (prefix > 0 && (memcmp(e.name, pkg, (size_t)pkgSize) != 0 || e.name[pkgSize] != '.')) ||
            memchr(e.name + prefix, '.', e.name_size - prefix) != NULL) {
            continue;
        }
        PyObject *name = PyUnicode_DecodeUTF8(e.name + prefix, (Py_ssize_t)(e.name_size - prefix),
                                              "surrogateescape");
        if (name == NULL || PyList_Append(list, name) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(name);
    }
    return list;
}
