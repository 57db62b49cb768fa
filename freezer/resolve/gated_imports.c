/* gated_imports.c - the stdlib features imported on use (the rules file's
 * [gated_imports], docs/third-party.md "Features imported on use"): whether
 * an import inside a function of a listed module is held back until a
 * packed module that imports the importer's top-level package names one of
 * the feature's names, the names such modules use, and the left-out
 * records of the edges never opened. The walk (module_walk.c) holds the
 * closed edges in r->gated and replays them once the graph is otherwise
 * complete. Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <string.h>

/* Short string constants count as names too (serializer="xmlrpclib"). */
#define GATE_MAX_CONSTANT 40

/* in_gated_top: 1 when the dotted name is, or is inside, a top-level
 * package of an importer with gated imports. */
static int in_gated_top(const resolver *r, const char *name)
{
    return PySet_GET_SIZE(r->gate_tops) > 0 &&
           pfz_mg_top_in(r->gate_tops, name, strcspn(name, "."));
}

/* gate_of: the rules' names that open importer's import of full, as a new
 * list, or NULL (no error) when the edge is not gated. */
static PyObject *gate_of(const resolver *r, const char *importer, const char *full)
{
    PyObject *names = PyObject_CallMethod(r->rules, "gate", "ss", importer, full);
    if (names == NULL || !PyList_Check(names)) {
        Py_XDECREF(names);
        PyErr_Clear();
        return NULL;
    }
    return names;
}

int pfz_mg_gate_closed(const resolver *r, size_t importer, const pfz_import *imp, const char *full)
{
    const pfz_module *m = &r->g->modules[importer];
    if (r->opts->follow_all_imports || !imp->in_function || !m->is_stdlib ||
        !in_gated_top(r, m->name)) {
        return 0;
    }
    PyObject *names = gate_of(r, m->name, full);
    if (names == NULL) {
        return 0;
    }
    PyObject *top = PyUnicode_FromStringAndSize(m->name, (Py_ssize_t)strcspn(m->name, "."));
    PyObject *used = top != NULL ? PyDict_GetItemWithError(r->gate_names, top) : NULL;
    Py_XDECREF(top);
    PyErr_Clear(); /* no memory: the gate stays closed, as for no use */
    int open = 0;
    for (Py_ssize_t i = 0; used != NULL && !open && i < PyList_GET_SIZE(names); i++) {
        open = PySet_Contains(used, PyList_GET_ITEM(names, i)) == 1;
    }
    Py_DECREF(names);
    PyErr_Clear();
    return !open;
}

/* add_fragments: adds to names each of the rules' gate fragments (names
 * that are no identifier, such as a regular expression's "\\N{") that the
 * string constant text contains. -1 on a Python error. */
static int add_fragments(const resolver *r, PyObject *text, PyObject *names)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(r->gate_fragments); i++) {
        PyObject *fragment = PyTuple_GET_ITEM(r->gate_fragments, i);
        Py_ssize_t at = PyUnicode_Find(text, fragment, 0, PyUnicode_GET_LENGTH(text), 1);
        if (at == -2 || (at >= 0 && PySet_Add(names, fragment) < 0)) {
            return -1;
        }
    }
    return 0;
}

/* collect: adds to names (a set) the co_names of code and of the code
 * objects nested in it, its short identifier-like string constants and
 * the gate fragments its string constants contain;
 * adds to tops each gated top-level package one of the co_names is or is
 * inside (`import multiprocessing`, `from
 * multiprocessing.pool import Pool`). -1 on a Python error. */
static int collect(const resolver *r, PyCodeObject *code, PyObject *names, PyObject *tops)
{
    PyObject *co_names = code->co_names;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(co_names); i++) {
        PyObject *name = PyTuple_GET_ITEM(co_names, i);
        const char *text = PyUnicode_AsUTF8(name);
        if (text == NULL || PySet_Add(names, name) < 0) {
            return -1;
        }
        if (in_gated_top(r, text)) {
            PyObject *top = PyUnicode_FromStringAndSize(text, (Py_ssize_t)strcspn(text, "."));
            int rc = top != NULL ? PySet_Add(tops, top) : -1;
            Py_XDECREF(top);
            if (rc < 0) {
                return -1;
            }
        }
    }
    PyObject *consts = code->co_consts;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++) {
        PyObject *item = PyTuple_GET_ITEM(consts, i);
        if (PyCode_Check(item)) {
            if (collect(r, (PyCodeObject *)item, names, tops) < 0) {
                return -1;
            }
        } else if (PyUnicode_Check(item)) {
            if (PyUnicode_GET_LENGTH(item) <= GATE_MAX_CONSTANT && PyUnicode_IsIdentifier(item) &&
                PySet_Add(names, item) < 0) {
                return -1;
            }
            if (add_fragments(r, item, names) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

int pfz_mg_gate_names_add(resolver *r, size_t idx, PyObject *code, pf_error *err)
{
    const char *name = r->g->modules[idx].name;
    if (code == NULL || !PyCode_Check(code) || PySet_GET_SIZE(r->gate_tops) == 0 ||
        in_gated_top(r, name)) {
        return PF_OK; /* a package's own modules import their features directly */
    }
    PyObject *names = PySet_New(NULL);
    PyObject *tops = PySet_New(NULL);
    int rc = names != NULL && tops != NULL ? collect(r, (PyCodeObject *)code, names, tops) : -1;
    /* each gated top-level package the module imports: the names it uses */
    PyObject *list = rc == 0 ? PySequence_List(tops) : NULL;
    rc = list != NULL ? 0 : -1;
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(list); i++) {
        PyObject *top = PyList_GET_ITEM(list, i);
        PyObject *used = PyDict_GetItemWithError(r->gate_names, top);
        if (used == NULL && !PyErr_Occurred()) {
            used = PySet_New(NULL);
            rc = used != NULL && PyDict_SetItem(r->gate_names, top, used) == 0 ? 0 : -1;
            Py_XDECREF(used); /* the dict holds it */
        }
        PyObject *updated =
            rc == 0 && used != NULL ? PyObject_CallMethod(used, "update", "O", names) : NULL;
        rc = updated != NULL ? 0 : -1;
        Py_XDECREF(updated);
    }
    Py_XDECREF(list);
    Py_XDECREF(names);
    Py_XDECREF(tops);
    if (rc < 0) {
        return pfz_py_fail(err, "cannot read the names a module uses");
    }
    return PF_OK;
}

int pfz_mg_note_gated_left_out(resolver *r, pf_error *err)
{
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(r->gated); i++) {
        PyObject *item = PyList_GET_ITEM(r->gated, i);
        size_t importer = PyLong_AsSize_t(PyTuple_GET_ITEM(item, 0));
        PyObject *full = PyTuple_GET_ITEM(item, 9);
        if (PyDict_GetItem(r->index, full) != NULL) {
            continue; /* packed by another import: nothing is missing */
        }
        const char *from = r->g->modules[importer].name;
        const char *to = PyUnicode_AsUTF8(full);
        PyObject *names = to != NULL ? gate_of(r, from, to) : NULL;
        PyObject *sep = PyUnicode_FromString(", ");
        PyObject *joined = names != NULL && sep != NULL ? PyUnicode_Join(sep, names) : NULL;
        Py_XDECREF(sep);
        Py_XDECREF(names);
        if (joined == NULL) {
            PyErr_Clear();
            return pf_error_set(err, PF_ERR_PYTHON, "cannot describe a held-back import");
        }
        char top[256], reason[1024];
        snprintf(top, sizeof top, "%.*s", (int)strcspn(from, "."), from);
        snprintf(reason, sizeof reason,
                 "a feature's import, followed only when a module that imports %s uses one of: "
                 "%s",
                 top, PyUnicode_AsUTF8(joined));
        Py_DECREF(joined);
        status = pfz_mg_note_skipped(r, PFZ_NOTE_IMPORT_LEFT_OUT, to, importer,
                                     (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 4)), reason, err);
    }
    return status;
}
