/* module_search_path.c - the directories the resolver searches for
 * top-level module names (r->top_path), in this order: the -p directories,
 * or without them (and without --python) the script's directory, for -m the
 * working directory; a virtual environment's site directories; the host
 * python3.11's sys.path, without its site directories when the venv leaves
 * them out (PEP 405), its stdlib and lib-dynload replaced by the PVM's when
 * the freezer packs the PVM's (pfz_resolve_options.stdlib_dir). Submodules
 * are searched in their package's __path__ instead. Contract:
 * pfz_mg_top_search_path in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* venv_search_path: appends the site directories of the virtual
 * environment opts->venv to list (third_party.h venv_paths: site-packages
 * with its .pth files applied, as site.py does in a venv's python) and sets
 * *host_site to its include-system-site-packages (PEP 405). */
static int venv_search_path(resolver *r, PyObject *list, int *host_site, pf_error *err)
{
    PyObject *fn = PyDict_GetItemString(r->tp, "venv_paths"); /* borrowed */
    PyObject *res = fn != NULL ? PyObject_CallFunction(fn, "s", r->opts->venv) : NULL;
    if (res == NULL && r->opts->venv_from_environment) {
        /* the user never gave --venv: name what they did set */
        int rc = pfz_py_usage_error(err, "VIRTUAL_ENV (an activated virtual environment): ",
                                    "not a venv", "cannot read the virtual environment");
        size_t n = err != NULL ? strlen(err->message) : 0;
        if (err != NULL) {
            snprintf(err->message + n, sizeof err->message - n,
                     "; deactivate it, or pass --venv DIR naming a python3.11 one");
        }
        return rc;
    }
    if (res == NULL) {
        return pfz_py_usage_error(err, "--venv: ", "not a venv",
                                  "cannot read the virtual environment");
    }
    PyObject *dirs = PyTuple_GetItem(res, 0); /* borrowed */
    PyObject *include = PyTuple_GetItem(res, 1);
    int status = PF_OK;
    for (Py_ssize_t i = 0; dirs != NULL && i < PyList_Size(dirs) && status == PF_OK; i++) {
        if (PyList_Append(list, PyList_GET_ITEM(dirs, i)) < 0) {
            status = pfz_py_fail(err, "cannot build the search path");
        }
    }
    if (status == PF_OK && (dirs == NULL || include == NULL)) {
        status = pfz_py_fail(err, "cannot read the virtual environment");
    }
    *host_site = include == Py_True;
    Py_DECREF(res);
    return status;
}

/* stdlib_entry: the search path entry that stands for the host's sys.path
 * entry dir when the packed stdlib is not the host's (r->stdlib_dir, the
 * PVM's): the host's stdlib directory and its lib-dynload become the PVM's,
 * the host's zipped stdlib (python311.zip, absent on Debian) is dropped
 * (*entry NULL), everything else (dist-packages) stays. Sets *entry to a new
 * reference; returns PF_OK or PF_ERR_PYTHON (no memory). */
static int stdlib_entry(const resolver *r, const char *dir, PyObject **entry, pf_error *err)
{
    size_t n = strlen(r->host_stdlib_dir);
    const char *zip = strrchr(dir, '/');
    *entry = NULL;
    if (zip != NULL && strcmp(zip, "/python311.zip") == 0) {
        return PF_OK;
    }
    if (strcmp(dir, r->host_stdlib_dir) == 0) {
        *entry = PyUnicode_DecodeFSDefault(r->stdlib_dir);
    } else if (strncmp(dir, r->host_stdlib_dir, n) == 0 && strcmp(dir + n, "/lib-dynload") == 0) {
        *entry = PyUnicode_FromFormat("%s/lib-dynload", r->stdlib_dir);
    } else {
        *entry = PyUnicode_DecodeFSDefault(dir);
    }
    return *entry != NULL ? PF_OK : pfz_py_fail(err, "cannot build the search path");
}

int pfz_mg_top_search_path(resolver *r, pf_error *err)
{
    const pfz_resolve_options *o = r->opts;
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        return pfz_py_fail(err, "out of memory");
    }
    int status = PF_OK;
    for (size_t i = 0; i < o->path_count && status == PF_OK; i++) {
        char *abs = pfz_mg_absolute_path(r, o->paths[i]);
        PyObject *s = abs != NULL ? PyUnicode_DecodeFSDefault(abs) : NULL;
        free(abs);
        if (s == NULL || PyList_Append(list, s) < 0) {
            status = pfz_py_fail(err, "cannot build the search path");
        }
        Py_XDECREF(s);
    }
    if (o->path_count == 0 && !o->whole_stdlib && status == PF_OK) {
        char dir[PATH_MAX];
        if (o->script != NULL && o->entry_module == NULL) {
            if (realpath(o->script, dir) == NULL) {
                status = pf_error_set(err, PF_ERR_NOT_FOUND, "cannot open the script: %s",
                                      strerror(errno));
            } else {
                *strrchr(dir, '/') = '\0';
                if (dir[0] == '\0') {
                    strcpy(dir, "/");
                }
            }
        } else {
            strcpy(dir, r->cwd);
        }
        PyObject *s = status == PF_OK ? PyUnicode_DecodeFSDefault(dir) : NULL;
        if (status == PF_OK && (s == NULL || PyList_Append(list, s) < 0)) {
            status = pfz_py_fail(err, "cannot build the search path");
        }
        Py_XDECREF(s);
    }
    int host_site = 1; /* the host's site directories are searched */
    if (status == PF_OK && o->venv != NULL) {
        status = venv_search_path(r, list, &host_site, err);
    }
    PyObject *sys_path = PySys_GetObject("path"); /* borrowed */
    if (status == PF_OK && (sys_path == NULL || !PyList_Check(sys_path))) {
        status = pf_error_set(err, PF_ERR_PYTHON, "the embedded python has no sys.path");
    }
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(sys_path); i++) {
        const char *dir = PyUnicode_AsUTF8(PyList_GET_ITEM(sys_path, i));
        if (dir == NULL) {
            PyErr_Clear(); /* not text as UTF-8: kept, but never a site directory */
        }
        if (!host_site && (dir == NULL || strstr(dir, "/site-packages") != NULL ||
                           strstr(dir, "/dist-packages") != NULL)) {
            continue; /* a venv without include-system-site-packages */
        }
        PyObject *entry = PyList_GET_ITEM(sys_path, i); /* borrowed */
        PyObject *mapped = NULL;
        if (dir != NULL && strcmp(r->stdlib_dir, r->host_stdlib_dir) != 0) {
            status = stdlib_entry(r, dir, &mapped, err);
            if (status != PF_OK || mapped == NULL) {
                continue; /* failed, or the host's python311.zip (no PVM counterpart) */
            }
            entry = mapped;
        }
        if (PyList_Append(list, entry) < 0) {
            status = pfz_py_fail(err, "cannot build the search path");
        }
        Py_XDECREF(mapped);
    }
    if (status != PF_OK) {
        Py_DECREF(list);
        return status;
    }
    r->top_path = list;
    return PF_OK;
}
