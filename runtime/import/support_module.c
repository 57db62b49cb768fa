/* support_module.c - the importer's Python half, runtime/import/support.py,
 * embedded as source and compiled into module _pyfreeze_support only when
 * a program first uses one of the richer protocols it answers:
 * importlib.resources' get_resource_reader, importlib.metadata's
 * find_distributions and a sys.path_hooks entry for pkgutil.iter_modules
 * (the path hook). This file has those methods, and the index listings
 * support.py reads (_members, _submodules, _member_size); see
 * importer_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include <string.h>

#include "payload.h"

/* runtime/import/support.py, embedded by cmake/embed_source.cmake */
extern const char pf_support_source[];
extern const size_t pf_support_source_size;
#define SUPPORT_MODULE_NAME "_pyfreeze_support"

/* pf_importer_support: the _pyfreeze_support module (support.py), compiled from
 * the embedded source on first use, with _importer set to self and put in
 * sys.modules. Returns a borrowed reference, or NULL with an exception. */
PyObject *pf_importer_support(pf_importer *self)
{
    if (self->support_module != NULL) {
        return self->support_module;
    }
    PyObject *code = Py_CompileString(pf_support_source, "<pyfreeze>/support.py", Py_file_input);
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

/* find_distributions(context=None): the importlib.metadata.Distribution of
 * each *.dist-info / *.egg-info directory packed at the payload's top
 * (support.py distributions; importlib.metadata docs, "Extending the
 * search algorithm"; PEP 566 / PEP 376 files). An iterator. */
PyObject *pf_importer_find_distributions(pf_importer *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"context", NULL};
    PyObject *context = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:find_distributions", keywords, &context)) {
        return NULL;
    }
    return call_support(self, "distributions", context);
}

/* _path_hook(path): the sys.path_hooks entry (PEP 302): a path entry finder
 * (support.py PathEntry) for a directory under the executable, so that
 * pkgutil.iter_modules() lists payload modules; ImportError for any other
 * path, so the next hook is asked. */
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
    return call_support(self, "path_hook", path);
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
