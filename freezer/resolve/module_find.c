/* module_find.c - finding one module by name as importlib's default
 * sys.meta_path would at run time (Lib/importlib/_bootstrap.py:
 * BuiltinImporter, then FrozenImporter, then PathFinder), with no module
 * executed: builtin modules by sys.builtin_module_names, frozen ones by
 * _imp.is_frozen, everything else by importlib.machinery.PathFinder.find_spec
 * over the parent's __path__ (the search directories for a top-level name).
 * A name that cannot be found is remembered with the reason, and warned
 * about. Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pfz_mg_look_up_seen(resolver *r, PyObject *name, size_t importer, int line, int warn,
                        size_t *idx, int *done, pf_error *err)
{
    *done = 1;
    PyObject *known = PyDict_GetItemWithError(r->index, name); /* borrowed */
    if (known != NULL) {
        *idx = PyLong_AsSize_t(known);
        return PF_OK;
    }
    PyObject *why = PyErr_Occurred() ? NULL : PyDict_GetItemWithError(r->missing, name);
    if (PyErr_Occurred()) {
        return pfz_py_fail(err, "cannot look up a module name");
    }
    if (why == NULL) {
        *done = 0;
        return PF_OK;
    }
    if (!warn) {
        return PF_OK;
    }
    const char *utf8, *reason;
    int status = pfz_mg_utf8(name, &utf8, "cannot read a module name", err);
    if (status == PF_OK) {
        status = pfz_mg_utf8(why, &reason, "cannot read a module name", err);
    }
    return status == PF_OK ? pfz_mg_warn_missing(r, utf8, reason, importer, line, err) : status;
}

/* missing: the one ending for a name that cannot be found: remembered with
 * why (NULL or "" when simply absent), warned about when warn is set. */
static int missing(resolver *r, PyObject *name, const char *why, int warn, size_t importer,
                   int line, pf_error *err)
{
    int status = pfz_mg_set_missing(r, name, why != NULL ? why : "", err);
    if (status != PF_OK || !warn) {
        return status;
    }
    const char *utf8;
    status = pfz_mg_utf8(name, &utf8, "cannot read a module name", err);
    return status == PF_OK ? pfz_mg_warn_missing(r, utf8, why, importer, line, err) : status;
}

/* spec_kind: the kind of module a spec's loader makes, 0 when the
 * freezer cannot pack it (a sourceless .pyc or a third-party loader). */
static pfz_module_kind spec_kind(const resolver *r, PyObject *loader, PyObject *search_path)
{
    int is_source = PyObject_IsInstance(loader, r->source_loader) == 1;
    int is_ext = !is_source && PyObject_IsInstance(loader, r->ext_loader) == 1;
    PyErr_Clear();
    if (loader == Py_None && search_path != NULL) {
        return PFZ_MODULE_NAMESPACE;
    }
    if (is_source) {
        return search_path != NULL ? PFZ_MODULE_PACKAGE : PFZ_MODULE_SOURCE;
    }
    return is_ext ? PFZ_MODULE_EXTENSION : 0;
}

/* spec_origin: spec.origin as a malloc'd file-system path in *path (NULL
 * when it has none). Returns PF_OK or PF_ERR_NOMEM. */
static int spec_origin(PyObject *origin, char **path, pf_error *err)
{
    *path = NULL;
    if (origin == Py_None || !PyUnicode_Check(origin)) {
        return PF_OK;
    }
    PyObject *encoded = PyUnicode_EncodeFSDefault(origin);
    *path = encoded != NULL ? strdup(PyBytes_AS_STRING(encoded)) : NULL;
    Py_XDECREF(encoded);
    if (*path == NULL) {
        PyErr_Clear();
        return pfz_mg_nomem(err);
    }
    return PF_OK;
}

/* spec_to_module: adds the module the ModuleSpec PathFinder returned for
 * name describes. *idx is its index, or PFZ_NO_IMPORTER when its loader
 * cannot be frozen: then *why (malloc'd, the caller frees it) says so.
 * Returns PF_OK or an error. */
static int spec_to_module(resolver *r, PyObject *name, PyObject *spec, size_t importer, int line,
                          size_t *idx, char **why, pf_error *err)
{
    *why = NULL;
    PyObject *loader = PyObject_GetAttrString(spec, "loader");
    PyObject *origin = loader != NULL ? PyObject_GetAttrString(spec, "origin") : NULL;
    PyObject *locations =
        origin != NULL ? PyObject_GetAttrString(spec, "submodule_search_locations") : NULL;
    if (locations == NULL) {
        Py_XDECREF(loader);
        Py_XDECREF(origin);
        return pfz_py_fail(err, "cannot read a module spec");
    }
    /* a list, or a _NamespacePath for PEP 420 */
    PyObject *search_path = locations != Py_None ? PySequence_List(locations) : NULL;
    char *origin_path = NULL;
    int status = spec_origin(origin, &origin_path, err);
    pfz_module_kind kind = status == PF_OK ? spec_kind(r, loader, search_path) : 0;
    if (status == PF_OK && search_path == NULL && locations != Py_None) {
        status = pfz_py_fail(err, "cannot read a package's search locations");
    }
    Py_DECREF(loader);
    Py_DECREF(origin);
    Py_DECREF(locations);
    if (status != PF_OK || kind == 0) {
        if (status == PF_OK &&
            asprintf(why,
                     "its loader cannot be frozen (found as %s: only .py sources, packages and "
                     "extension modules are supported)",
                     origin_path != NULL ? origin_path : "?") < 0) {
            *why = NULL;
            status = pfz_mg_nomem(err);
        }
        free(origin_path);
        Py_XDECREF(search_path);
        *idx = PFZ_NO_IMPORTER;
        return status;
    }
    if (kind == PFZ_MODULE_NAMESPACE) {
        free(origin_path); /* 3.11 sets no origin, older ones "namespace" */
        origin_path = NULL;
    }
    return pfz_mg_add_module(r, name, kind, origin_path, search_path, importer, line, idx, err);
}

/* builtin_or_frozen: *kind PFZ_MODULE_BUILTIN or PFZ_MODULE_FROZEN when
 * name is one, else 0; for a frozen package *search_path is an empty list
 * (a frozen package's submodules are frozen too: FrozenImporter finds them
 * whatever __path__ says). Returns PF_OK or an error. */
static int builtin_or_frozen(resolver *r, PyObject *name, int top_level, pfz_module_kind *kind,
                             PyObject **search_path, pf_error *err)
{
    *kind = 0;
    *search_path = NULL;
    if (top_level && PySet_Contains(r->builtins, name) == 1) {
        *kind = PFZ_MODULE_BUILTIN;
        return PF_OK;
    }
    /* FrozenImporter ignores the parent's path: it also finds "os.path",
     * which "os" puts in sys.modules though it is not a package. */
    PyObject *frozen = PyObject_CallOneArg(r->is_frozen, name);
    if (frozen == NULL) {
        return pfz_py_fail(err, "_imp.is_frozen failed");
    }
    int is_frozen = frozen == Py_True;
    Py_DECREF(frozen);
    if (!is_frozen) {
        return PF_OK;
    }
    *kind = PFZ_MODULE_FROZEN;
    PyObject *pkg = PyObject_CallOneArg(r->is_frozen_package, name);
    if (pkg == NULL) {
        return pfz_py_fail(err, "_imp.is_frozen_package failed");
    }
    int is_pkg = pkg == Py_True;
    Py_DECREF(pkg);
    if (is_pkg && (*search_path = PyList_New(0)) == NULL) {
        return pfz_py_fail(err, "out of memory");
    }
    return PF_OK;
}

/* find_spec_failed: the reason for a name whose PathFinder.find_spec call
 * raised (a broken path entry or finder: the import would fail the same
 * way at run time, so it is an unresolved import, not an error), into
 * why; the exception is cleared. */
static void find_spec_failed(char *why, size_t size)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *msg = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    PyErr_Clear();
    snprintf(why, size, "the import system raised %s", msg != NULL ? msg : "an exception");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

int pfz_mg_find_module(resolver *r, PyObject *name, PyObject *path, size_t importer, int line,
                       int warn, size_t *idx, pf_error *err)
{
    *idx = PFZ_NO_IMPORTER;
    const char *utf8;
    int status = pfz_mg_utf8(name, &utf8, "cannot look up a module name", err);
    if (status != PF_OK) {
        return status;
    }
    const char *dot = strrchr(utf8, '.');
    pfz_module_kind kind;
    PyObject *search_path;
    status = builtin_or_frozen(r, name, dot == NULL, &kind, &search_path, err);
    if (status != PF_OK || kind != 0) {
        return status != PF_OK
                   ? status
                   : pfz_mg_add_module(r, name, kind, NULL, search_path, importer, line, idx, err);
    }
    char why[PF_ERROR_MESSAGE_SIZE];
    if (path == NULL) {
        /* six.moves and its kin: made at run time by the module's own
         * finder, not a file; their real modules are followed by
         * extra_imports.c. Not missing: nothing to warn about or record. */
        PyObject *targets;
        status = pfz_mg_lazy_targets(r, name, &targets, err);
        if (status != PF_OK || targets != NULL) {
            Py_XDECREF(targets);
            return status;
        }
        snprintf(why, sizeof why, "'%.*s' is not a package", (int)(dot - utf8), utf8);
        return missing(r, name, why, warn, importer, line, err);
    }
    PyObject *spec = PyObject_CallFunctionObjArgs(r->find_spec, name, path, NULL);
    if (spec == NULL) {
        find_spec_failed(why, sizeof why);
        return missing(r, name, why, warn, importer, line, err);
    }
    if (spec == Py_None) {
        Py_DECREF(spec);
        /* a name a package's own importer serves from another package
         * (the rules' submodules_from): followed by extra_imports.c */
        PyObject *targets;
        status = pfz_mg_lazy_targets(r, name, &targets, err);
        if (status != PF_OK || targets != NULL) {
            Py_XDECREF(targets);
            return status;
        }
        return missing(r, name, NULL, warn, importer, line, err);
    }
    char *unfreezable = NULL;
    status = spec_to_module(r, name, spec, importer, line, idx, &unfreezable, err);
    Py_DECREF(spec);
    if (status == PF_OK && *idx == PFZ_NO_IMPORTER) {
        status = missing(r, name, unfreezable, warn, importer, line, err);
    }
    free(unfreezable);
    return status;
}
