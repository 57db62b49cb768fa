/* module_table.c - the resolver's module table: the graph's modules with
 * the walk's state beside them, the name index, the names known to be
 * missing, and the --exclude-module names that are never looked up.
 * Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <stdlib.h>
#include <string.h>

#include "payload.h"

/* member_path_for: "lib/" + dotted name as a path + ".pyc" (or
 * "/__init__.pyc" for a package): the tar path of payload.h. Malloc'd. */
static char *member_path_for(const char *name, int package)
{
    char *s = pfz_mg_str_concat3(PF_LIB_DIR, name, package ? "/__init__.pyc" : ".pyc");
    if (s != NULL) {
        size_t n = PF_LIB_DIR_SIZE + strlen(name);
        for (char *p = s + PF_LIB_DIR_SIZE; p < s + n; p++) {
            if (*p == '.') {
                *p = '/';
            }
        }
    }
    return s;
}

/* grow: room for one more module in g->modules and r->state. Returns PF_OK
 * or PF_ERR_NOMEM. */
static int grow(resolver *r, pf_error *err)
{
    pfz_graph *g = r->g;
    if (g->count < g->capacity) {
        return PF_OK;
    }
    size_t cap = g->capacity ? g->capacity * 2 : 256;
    pfz_module *m = realloc(g->modules, cap * sizeof *m);
    if (m != NULL) {
        g->modules = m;
    }
    mod_state *s = m != NULL ? realloc(r->state, cap * sizeof *s) : NULL;
    if (s == NULL) {
        return pfz_mg_nomem(err);
    }
    r->state = s;
    g->capacity = cap;
    return PF_OK;
}

/* is_stdlib_module: whether a module of that kind found there lies in the
 * host's stdlib: builtin and frozen ones do; otherwise by its file, or by
 * its first search directory for a namespace package. */
static int is_stdlib_module(const resolver *r, pfz_module_kind kind, const char *origin,
                            PyObject *search_path)
{
    if (origin != NULL) {
        return pfz_mg_is_stdlib_path(r, origin);
    }
    if (search_path != NULL && PyList_GET_SIZE(search_path) > 0) {
        const char *dir = PyUnicode_AsUTF8(PyList_GET_ITEM(search_path, 0));
        PyErr_Clear();
        return dir != NULL && pfz_mg_is_stdlib_path(r, dir);
    }
    return kind == PFZ_MODULE_BUILTIN || kind == PFZ_MODULE_FROZEN;
}

int pfz_mg_add_module(resolver *r, PyObject *name, pfz_module_kind kind, char *origin,
                      PyObject *search_path, size_t importer, int line, size_t *idx, pf_error *err)
{
    pfz_graph *g = r->g;
    if (grow(r, err) != PF_OK) {
        free(origin);
        Py_XDECREF(search_path);
        return PF_ERR_NOMEM;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    char *copy = utf8 != NULL ? strdup(utf8) : NULL;
    int packed = kind == PFZ_MODULE_SOURCE || kind == PFZ_MODULE_PACKAGE;
    char *member =
        copy != NULL && packed ? member_path_for(copy, kind == PFZ_MODULE_PACKAGE) : NULL;
    PyObject *number = PyLong_FromSize_t(g->count);
    if (copy == NULL || number == NULL || PyDict_SetItem(r->index, name, number) < 0 ||
        (packed && member == NULL)) {
        PyErr_Clear();
        Py_XDECREF(number);
        free(copy);
        free(member);
        free(origin);
        Py_XDECREF(search_path);
        return pfz_mg_nomem(err);
    }
    Py_DECREF(number);
    g->modules[g->count] = (pfz_module){
        .name = copy,
        .kind = kind,
        .origin = origin,
        .member_path = member,
        .importer = importer,
        .import_line = line,
        .via = r->via,
        .is_stdlib = is_stdlib_module(r, kind, origin, search_path),
    };
    /* what a collection rule packs, and what only such modules import */
    int rule_only = r->collecting || (importer < g->count && r->state[importer].rule_only);
    r->state[g->count] = (mod_state){.search_path = search_path,
                                     .scanned = 0,
                                     .collected = r->collecting,
                                     .rule_only = rule_only && !r->opts->follow_all_imports};
    *idx = g->count++;
    return PF_OK;
}

int pfz_mg_set_missing(resolver *r, PyObject *name, const char *why, pf_error *err)
{
    PyObject *reason = PyUnicode_FromString(why);
    if (reason == NULL || PyDict_SetItem(r->missing, name, reason) < 0) {
        Py_XDECREF(reason);
        return pfz_py_fail(err, "cannot record a missing module");
    }
    Py_DECREF(reason);
    return PF_OK;
}

int pfz_mg_is_excluded(const resolver *r, PyObject *name)
{
    const char *utf8 = PyUnicode_AsUTF8(name);
    if (utf8 == NULL) {
        PyErr_Clear();
        return 0;
    }
    for (size_t i = 0; i < r->opts->exclude_count; i++) {
        size_t n = strlen(r->opts->excludes[i]);
        if (strncmp(utf8, r->opts->excludes[i], n) == 0 && (utf8[n] == '\0' || utf8[n] == '.')) {
            if (r->exclude_hit != NULL) {
                r->exclude_hit[i] = 1;
            }
            return 1;
        }
    }
    return 0;
}
