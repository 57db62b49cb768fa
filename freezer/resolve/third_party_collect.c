/* third_party_collect.c - the collection rules for third-party packages
 * (docs/third-party.md), applied once the program's own imports are
 * followed: --hidden-import and --collect roots, whole distributions with
 * their metadata, every non-stdlib package's data files, --add-data files.
 * Which distribution owns a name and which files a package holds are asked
 * of third_party.c's Python helpers (third_party.h); this file adds the
 * answers to the graph. Contract: pfz_mg_add_third_party in
 * module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"
#include "payload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- third-party packages (docs/third-party.md) ---- */

/* tp_call: calls helper `fn` of third_party.h with Py_BuildValue(fmt, ...)
 * arguments. Returns a new reference, or NULL with the exception set. */
static PyObject *tp_call(resolver *r, const char *fn, const char *fmt, ...)
{
    PyObject *f = PyDict_GetItemString(r->tp, fn); /* borrowed */
    if (f == NULL) {
        PyErr_Format(PyExc_KeyError, "no helper %s", fn);
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    PyObject *args = Py_VaBuildValue(fmt, ap);
    va_end(ap);
    if (args == NULL) {
        return NULL;
    }
    if (!PyTuple_Check(args)) {
        PyObject *t = PyTuple_Pack(1, args);
        Py_DECREF(args);
        if ((args = t) == NULL) {
            return NULL;
        }
    }
    PyObject *res = PyObject_Call(f, args, NULL);
    Py_DECREF(args);
    return res;
}

/* add_data_file: packs the file at origin as member "lib/" + rel
 * (PF_KIND_DATA) unless that member is already packed. Returns PF_OK,
 * PF_ERR_IO (unreadable: the message names it), PF_ERR_NOMEM. */
static int add_data_file(resolver *r, const char *origin, const char *rel, pf_error *err)
{
    pfz_graph *g = r->g;
    char *member = pfz_mg_str_concat3(PF_LIB_DIR, rel, "");
    if (member == NULL) {
        return pfz_mg_nomem(err);
    }
    for (size_t i = 0; i < g->data_count; i++) {
        if (strcmp(g->data[i].member_path, member) == 0) {
            free(member);
            return PF_OK;
        }
    }
    if (g->data_count == g->data_capacity) {
        size_t cap = g->data_capacity ? g->data_capacity * 2 : 64;
        pfz_data_file *grown = realloc(g->data, cap * sizeof *grown);
        if (grown == NULL) {
            free(member);
            return pfz_mg_nomem(err);
        }
        g->data = grown;
        g->data_capacity = cap;
    }
    char *bytes = NULL;
    size_t size = 0;
    int64_t mtime;
    int status = pfz_read_source(origin, &bytes, &size, &mtime, err);
    char *copy = status == PF_OK ? strdup(origin) : NULL;
    if (status == PF_OK && copy == NULL) {
        status = pfz_mg_nomem(err);
    }
    if (status != PF_OK) {
        free(member);
        free(bytes);
        return status;
    }
    g->data[g->data_count++] = (pfz_data_file){
        .member_path = member, .origin = copy, .data = (uint8_t *)bytes, .size = size};
    return PF_OK;
}

/* add_file_list: add_data_file for each (absolute, relative) pair of a
 * helper's list result (a new reference, consumed). */
static int add_file_list(resolver *r, PyObject *list, pf_error *err)
{
    if (list == NULL) {
        return pfz_py_fail(err, "cannot list data files");
    }
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_Size(list); i++) {
        const char *abs = NULL, *rel = NULL;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(list, i), "ss", &abs, &rel)) {
            status = pfz_py_fail(err, "cannot read a data file's name");
            break;
        }
        status = add_data_file(r, abs, rel, err);
    }
    Py_DECREF(list);
    return status;
}

/* add_rule_data: the rules' data directories of package idx, packed at
 * lib/<package path>/<to>. */
static int add_rule_data(resolver *r, size_t idx, pf_error *err)
{
    PyObject *list;
    int status = pfz_mg_rule_call(r, "data", idx, &list, err);
    char *prefix = status == PF_OK ? strdup(r->g->modules[idx].name) : NULL;
    if (status == PF_OK && prefix == NULL) {
        Py_DECREF(list);
        return pfz_mg_nomem(err);
    }
    for (char *p = prefix; p != NULL && *p; p++) {
        *p = *p == '.' ? '/' : *p;
    }
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(list); i++) {
        const char *abs = NULL, *rel = NULL;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(list, i), "ss", &abs, &rel)) {
            status = pfz_py_fail(err, "cannot read a data file's name");
            break;
        }
        char *member = pfz_mg_str_concat3(prefix, "/", rel);
        status = member != NULL ? add_data_file(r, abs, member, err) : pfz_mg_nomem(err);
        free(member);
    }
    free(prefix);
    Py_XDECREF(list);
    return status;
}

/* first_dir_of: module idx's first search location (a package's
 * directory) as UTF-8, borrowed; NULL when it has none. */
static const char *first_dir_of(const resolver *r, size_t idx)
{
    PyObject *sp = r->state[idx].search_path;
    if (sp == NULL || PyList_GET_SIZE(sp) == 0) {
        return NULL;
    }
    const char *dir = PyUnicode_AsUTF8(PyList_GET_ITEM(sp, 0));
    if (dir == NULL) {
        PyErr_Clear();
    }
    return dir;
}

/* top_dir_of: into dst, the search directory top-level module idx was
 * found in: the parent of a package's directory, else its file's
 * directory. Returns 0 when it has neither. */
static int top_dir_of(const resolver *r, size_t idx, char *dst, size_t dstCapacity)
{
    const char *dir = first_dir_of(r, idx);
    const char *path = dir != NULL ? dir : r->g->modules[idx].origin;
    if (path == NULL || snprintf(dst, dstCapacity, "%s", path) >= (int)dstCapacity) {
        return 0;
    }
    char *slash = strrchr(dst, '/');
    if (slash == NULL || slash == dst) {
        return 0;
    }
    *slash = '\0';
    return 1;
}

/* collect_whole: every submodule of package idx (third_party.h walk),
 * added as imported by it and followed, with warnings only under verbose.
 * Sets *added to the number of modules the graph gained. */
static int collect_whole(resolver *r, size_t idx, int include_tests, size_t *added, pf_error *err)
{
    size_t before = r->g->count;
    const char *dir = first_dir_of(r, idx);
    *added = 0;
    if (dir == NULL) {
        return PF_OK; /* a plain module: nothing below it */
    }
    PyObject *names = tp_call(r, "walk", "(ssi)", r->g->modules[idx].name, dir, include_tests);
    if (names == NULL) {
        return pfz_py_fail(err, "cannot list a package's modules");
    }
    int saved = r->collecting;
    const char *saved_via = r->via;
    r->collecting = 1;
    r->via =
        include_tests ? "--collect" : "packed whole with its distribution (docs/third-party.md)";
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_Size(names); i++) {
        size_t sub;
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(names, i));
        if (name == NULL) {
            status = pfz_py_fail(err, "cannot read a module name");
        } else if (include_tests || !pfz_mg_rule_excludes(r, idx, name)) {
            /* what the package's rules or hook leave out is not packed whole */
            status = pfz_mg_ensure_module(r, PyList_GET_ITEM(names, i), idx, 0, 0, &sub, err);
        }
    }
    r->collecting = saved;
    r->via = saved_via;
    Py_DECREF(names);
    *added = r->g->count - before;
    return status;
}

/* collect_distribution: when an installed distribution owns top-level
 * module idx, packs the distribution's metadata files and, when whole is
 * set, the module whole (include_tests for --collect), recorded in
 * opts->report (PFZ_NOTE_DISTRIBUTION_PACKED). `seen` (a set) holds
 * metadata paths already packed. */
static int collect_distribution(resolver *r, size_t idx, int include_tests, int whole,
                                PyObject *seen, pf_error *err)
{
    char dir[PATH_MAX];
    if (!top_dir_of(r, idx, dir, sizeof dir)) {
        return PF_OK;
    }
    PyObject *owner = tp_call(r, "owner", "(ss)", dir, r->g->modules[idx].name);
    if (owner == NULL) {
        return pfz_py_fail(err, "cannot read distribution metadata");
    }
    const char *name, *version, *meta;
    if (owner == Py_None || !PyArg_ParseTuple(owner, "sss", &name, &version, &meta)) {
        PyErr_Clear();
        Py_DECREF(owner);
        if (!include_tests) {
            return PF_OK; /* no distribution: tree-shaken like the program's own code */
        }
        size_t added;
        return collect_whole(r, idx, include_tests, &added, err);
    }
    size_t added = 0;
    int status = whole ? collect_whole(r, idx, include_tests, &added, err) : PF_OK;
    PyObject *key = PyUnicode_FromString(meta);
    int known = key != NULL ? PySet_Contains(seen, key) : -1;
    if (status == PF_OK && known == 0) {
        size_t data_before = r->g->data_count;
        if (PySet_Add(seen, key) < 0) {
            status = pfz_py_fail(err, "out of memory");
        } else {
            status = add_file_list(r, tp_call(r, "metadata_files", "(s)", meta), err);
        }
        if (status == PF_OK && whole && r->opts->report != NULL) {
            const char *base = strrchr(meta, '/');
            pfz_note n = {.kind = PFZ_NOTE_DISTRIBUTION_PACKED,
                          .verbose_only = 1,
                          .distribution = (char *)name,
                          .version = (char *)version,
                          .file = (char *)(base != NULL ? base + 1 : meta),
                          .module = r->g->modules[idx].name,
                          .count = {added, r->g->data_count - data_before}};
            status = pfz_report_add(r->opts->report, &n, err);
        }
    } else if (status == PF_OK && known < 0) {
        status = pfz_py_fail(err, "out of memory");
    }
    Py_XDECREF(key);
    Py_DECREF(owner);
    return status;
}

/* collect_plugins: when the rules name plugin groups for module idx
 * (flake8.extension for flake8), the modules the distributions on the
 * search path declare in those groups, added as imported by it: the
 * program loads what python3.11 would find installed (flake8's mccabe
 * checker is a distribution of its own). Their distributions are then
 * packed as any imported one. */
static int collect_plugins(resolver *r, size_t idx, pf_error *err)
{
    PyObject *groups;
    int status = pfz_mg_rule_call(r, "plugin_groups", idx, &groups, err);
    if (status != PF_OK || PyList_GET_SIZE(groups) == 0) {
        Py_XDECREF(groups);
        return status;
    }
    PyObject *names = tp_call(r, "entry_point_modules", "(OO)", r->top_path, groups);
    Py_DECREF(groups);
    if (names == NULL) {
        return pfz_py_fail(err, "cannot read entry points");
    }
    const char *saved_via = r->via;
    r->via = "plugin entry point (a rules file plugin group)";
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(names); i++) {
        size_t sub;
        status = pfz_mg_ensure_module(r, PyList_GET_ITEM(names, i), idx, 0, 1, &sub, err);
    }
    r->via = saved_via;
    Py_DECREF(names);
    return status;
}

/* collect_named_metadata: the metadata of the distributions the program's
 * modules name in importlib.metadata / pkg_resources calls (r->named_dists,
 * dynamic_imports.h) and of their requirements, as python3.11 finds them
 * installed: `metadata.version("numpy")` works frozen without importing
 * numpy. Paths in `seen` (a set) are already packed. */
static int collect_named_metadata(resolver *r, PyObject *seen, pf_error *err)
{
    if (r->named_dists == NULL || PyList_GET_SIZE(r->named_dists) == 0) {
        return PF_OK;
    }
    PyObject *paths = tp_call(r, "named_metadata", "(OO)", r->top_path, r->named_dists);
    if (paths == NULL || !PyList_Check(paths)) {
        Py_XDECREF(paths);
        return pfz_py_fail(err, "cannot read distribution metadata");
    }
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(paths); i++) {
        PyObject *path = PyList_GET_ITEM(paths, i);
        int known = PySet_Contains(seen, path);
        if (known < 0 || (known == 0 && PySet_Add(seen, path) < 0)) {
            status = pfz_py_fail(err, "out of memory");
        } else if (known == 0) {
            const char *meta = PyUnicode_AsUTF8(path);
            status = meta == NULL
                         ? pfz_py_fail(err, "cannot read distribution metadata")
                         : add_file_list(r, tp_call(r, "metadata_files", "(s)", meta), err);
        }
    }
    Py_DECREF(paths);
    return status;
}

/* ranked: a data file's place in the order order_metadata gives. */
typedef struct ranked {
    long rank;
    size_t index;
    pfz_data_file file;
} ranked;

static int compare_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->rank != y->rank) {
        return x->rank < y->rank ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* order_metadata: puts the data files from g->data[first] on (the
 * distributions' metadata) in the order python3.11 finds their
 * distributions on r->top_path (third_party.h metadata_ranks), files of
 * one distribution and the others keeping their order. The payload keeps
 * member order and the runtime lists the executable's directory with the
 * metadata directories in that order (runtime/import/support.py
 * os_listdir), so importlib.metadata.distributions() and entry_points()
 * come out as python3.11's do, not in name order. */
static int order_metadata(resolver *r, size_t first, pf_error *err)
{
    pfz_graph *g = r->g;
    size_t n = g->data_count - first;
    if (n < 2) {
        return PF_OK;
    }
    PyObject *members = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; members != NULL && i < n; i++) {
        PyObject *pair =
            Py_BuildValue("(ss)", g->data[first + i].member_path, g->data[first + i].origin);
        if (pair == NULL) {
            Py_CLEAR(members);
            break;
        }
        PyList_SET_ITEM(members, (Py_ssize_t)i, pair);
    }
    PyObject *ranks =
        members != NULL ? tp_call(r, "metadata_ranks", "(OO)", r->top_path, members) : NULL;
    Py_XDECREF(members);
    if (ranks == NULL || !PyList_Check(ranks) || (size_t)PyList_GET_SIZE(ranks) != n) {
        Py_XDECREF(ranks);
        return pfz_py_fail(err, "cannot order distribution metadata");
    }
    ranked *sorted = calloc(n, sizeof *sorted);
    if (sorted == NULL) {
        Py_DECREF(ranks);
        return pfz_mg_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i] =
            (ranked){PyLong_AsLong(PyList_GET_ITEM(ranks, (Py_ssize_t)i)), i, g->data[first + i]};
    }
    Py_DECREF(ranks);
    if (PyErr_Occurred() != NULL) { /* a rank that is not an int */
        free(sorted);
        return pfz_py_fail(err, "cannot order distribution metadata");
    }
    qsort(sorted, n, sizeof *sorted, compare_ranked);
    for (size_t i = 0; i < n; i++) {
        g->data[first + i] = sorted[i].file;
    }
    free(sorted);
    return PF_OK;
}

/* add_named_root: --hidden-import / --collect NAME, which must be found. */
static int add_named_root(resolver *r, const char *option, const char *module, size_t *idx,
                          pf_error *err)
{
    PyObject *name = PyUnicode_FromString(module);
    if (name == NULL) {
        return pfz_py_fail(err, "out of memory");
    }
    int excluded = pfz_mg_is_excluded(r, name);
    const char *saved_via = r->via;
    r->via = option;
    int status = pfz_mg_ensure_module(r, name, PFZ_NO_IMPORTER, 0, 0, idx, err);
    r->via = saved_via;
    Py_DECREF(name);
    if (status == PF_OK && *idx == PFZ_NO_IMPORTER) {
        status = pf_error_set(err, PF_ERR_NOT_FOUND,
                              "%s %s: no module named '%s' in the -p directories (or the "
                              "script's), the virtual environment or python3.11's sys.path%s",
                              option, module, module, excluded ? " (it is excluded)" : "");
    }
    return status;
}

/* add_data_options: the files of each --add-data SRC:DEST (third_party.h
 * add_data). Returns PF_OK, PF_ERR_USAGE (a value without SRC:DEST, or
 * SRC not a file or directory: the message names it), PF_ERR_IO,
 * PF_ERR_NOMEM. */
static int add_data_options(resolver *r, pf_error *err)
{
    const pfz_resolve_options *o = r->opts;
    int status = PF_OK;
    for (size_t i = 0; status == PF_OK && i < o->add_data_count; i++) {
        const char *spec = o->add_data[i];
        const char *colon = strrchr(spec, ':');
        if (colon == NULL || colon == spec || colon[1] == '\0') {
            return pf_error_set(err, PF_ERR_USAGE,
                                "--add-data '%s': give SRC:DEST, e.g. assets:mypkg/assets", spec);
        }
        char *src = strndup(spec, (size_t)(colon - spec));
        if (src == NULL) {
            return pfz_mg_nomem(err);
        }
        PyObject *files = tp_call(r, "add_data", "(ss)", src, colon + 1);
        free(src);
        if (files == NULL) {
            return pfz_py_usage_error(err, "", "cannot read --add-data files",
                                      "cannot read --add-data files");
        }
        status = add_file_list(r, files, err);
    }
    return status;
}

int pfz_mg_add_third_party(resolver *r, pf_error *err)
{
    const pfz_resolve_options *o = r->opts;
    pfz_graph *g = r->g;
    int status = PF_OK;
    for (size_t i = 0; status == PF_OK && i < o->hidden_import_count; i++) {
        size_t idx;
        status = add_named_root(r, "--hidden-import", o->hidden_imports[i], &idx, err);
    }
    PyObject *seen = PySet_New(NULL);
    if (seen == NULL) {
        return pfz_py_fail(err, "out of memory");
    }
    size_t metadata_first = g->data_count; /* metadata is all that is added until ordered */
    for (size_t i = 0; status == PF_OK && i < o->collect_count; i++) {
        size_t idx;
        status = add_named_root(r, "--collect", o->collects[i], &idx, err);
        if (status == PF_OK) {
            status = collect_distribution(r, idx, 1, 1, seen, err);
        }
    }
    /* g->count grows as distributions and plugins are packed: those they
     * import are looked at too. A distribution reached only from one packed
     * whole, or a build tool, has its metadata packed, not its every module
     * (importlib.metadata finds it: flake8 asks for pyflakes'). */
    size_t done = 0, plugins_done = 0;
    while (status == PF_OK && done < g->count) {
        /* plugins first: a plugin module runs, so it is visited as imported,
         * not as one the whole-distribution rule packed (whose imports into
         * other distributions are left out) */
        for (; status == PF_OK && plugins_done < g->count; plugins_done++) {
            status = collect_plugins(r, plugins_done, err);
        }
        for (; status == PF_OK && done < g->count; done++) {
            const pfz_module *m = &g->modules[done];
            if (m->is_stdlib || strchr(m->name, '.') != NULL || strcmp(m->name, "__main__") == 0 ||
                m->kind == PFZ_MODULE_BUILTIN || m->kind == PFZ_MODULE_FROZEN) {
                continue;
            }
            int whole = !r->state[done].collected && !pfz_mg_is_build_tool(r, m->name);
            status = collect_distribution(r, done, 0, whole, seen, err);
        }
    }
    if (status == PF_OK) {
        status = collect_named_metadata(r, seen, err);
    }
    if (status == PF_OK) {
        status = order_metadata(r, metadata_first, err);
    }
    Py_DECREF(seen);
    /* every package's data files, the stdlib's too, and the data
     * directories the rules give it (found where the package looks) */
    for (size_t i = 0; status == PF_OK && i < g->count; i++) {
        const pfz_module *m = &g->modules[i];
        PyObject *sp = r->state[i].search_path;
        if (sp == NULL || m->kind == PFZ_MODULE_BUILTIN || m->kind == PFZ_MODULE_FROZEN) {
            continue;
        }
        status = add_rule_data(r, i, err);
        size_t depth = 1;
        for (const char *p = m->name; *p; p++) {
            depth += *p == '.';
        }
        for (Py_ssize_t k = 0; status == PF_OK && k < PyList_GET_SIZE(sp); k++) {
            const char *dir = PyUnicode_AsUTF8(PyList_GET_ITEM(sp, k));
            char top[PATH_MAX];
            if (dir == NULL || snprintf(top, sizeof top, "%s", dir) >= (int)sizeof top) {
                PyErr_Clear();
                continue;
            }
            for (size_t d = 0; d < depth; d++) { /* up to the directory holding the top level */
                char *slash = strrchr(top, '/');
                if (slash != NULL && slash != top) {
                    *slash = '\0';
                }
            }
            status = add_file_list(r, tp_call(r, "package_data", "(ss)", dir, top), err);
        }
    }
    return status == PF_OK ? add_data_options(r, err) : status;
}
