/* module_walk.c - the resolver's walk over a program's import graph:
 * ensuring a module (its parents first, then finding and visiting it),
 * visiting one (its code compiled, its imports scanned), following one
 * import statement, and replaying the imports deferred from functions and
 * exception handlers. Contracts in module_graph_internal.h.
 *
 * The walk is depth-first in the order imports run: when an import names a
 * module not seen yet, that module is compiled and its own imports followed
 * before the importer's next import. The packer groups frames in this order,
 * so the modules a program imports together are decompressed together.
 *
 * Module-level import statements are followed; those in functions, handlers
 * and guarded blocks as import_policy.c decides (docs/third-party.md). Left
 * out besides: the module-level `if __name__ == "__main__":` block of every
 * module but the entry, and the edges import_filters.c names. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <stdlib.h>
#include <string.h>

/* Import chains deeper than this are finished by the sweep in
 * pfz_graph_build instead of by recursion, bounding the C stack. */
#define PFZ_MAX_VISIT_DEPTH 200

/* ensure_module: pfz_mg_ensure_module but for the rule_only bookkeeping. */
static int ensure_module(resolver *r, PyObject *name, size_t importer, int line, int warn,
                         size_t *idx, pf_error *err)
{
    *idx = PFZ_NO_IMPORTER;
    int done;
    if (pfz_mg_is_excluded(r, name)) {
        return PF_OK; /* --exclude-module: as if it did not exist, silently */
    }
    int status = pfz_mg_look_up_seen(r, name, importer, line, warn, idx, &done, err);
    if (status != PF_OK || done) {
        return status;
    }
    const char *utf8;
    status = pfz_mg_utf8(name, &utf8, "cannot look up a module name", err);
    if (status != PF_OK) {
        return status;
    }
    /* The parent package first: its __path__ is where the submodule is. */
    PyObject *path = r->top_path;
    const char *dot = strrchr(utf8, '.');
    if (dot != NULL) {
        PyObject *parent = PyUnicode_FromStringAndSize(utf8, dot - utf8);
        if (parent == NULL) {
            return pfz_py_fail(err, "cannot split a module name");
        }
        size_t pidx;
        status = pfz_mg_ensure_module(r, parent, importer, line, warn, &pidx, err);
        Py_DECREF(parent);
        if (status != PF_OK || pidx == PFZ_NO_IMPORTER) {
            return status; /* the missing parent was reported */
        }
        path = r->state[pidx].search_path;
        /* Running the parent may have imported this module already. */
        status = pfz_mg_look_up_seen(r, name, importer, line, warn, idx, &done, err);
        if (status != PF_OK || done) {
            return status;
        }
    }
    status = pfz_mg_find_module(r, name, path, importer, line, warn, idx, err);
    if (status != PF_OK || *idx == PFZ_NO_IMPORTER) {
        return status;
    }
    if (r->depth < PFZ_MAX_VISIT_DEPTH && !r->defer_visits) {
        r->depth++;
        status = pfz_mg_visit(r, *idx, err);
        r->depth--;
    }
    return status;
}

int pfz_mg_ensure_module(resolver *r, PyObject *name, size_t importer, int line, int warn,
                         size_t *idx, pf_error *err)
{
    int status = ensure_module(r, name, importer, line, warn, idx, err);
    return status == PF_OK ? pfz_mg_edge_reached(r, importer, *idx, err) : status;
}

typedef struct scan_ctx {
    resolver *r;
    size_t importer;
} scan_ctx;

/* package_of: the __package__ importlib gives module idx
 * (_bootstrap._calc___package__): its own name for a package, else its
 * parent's name; "" for a script run as __main__. Borrowed from the graph;
 * *len is its length in bytes. */
static const char *package_of(const resolver *r, size_t idx, size_t *len)
{
    const pfz_module *m = &r->g->modules[idx];
    if (r->state[idx].search_path != NULL) {
        *len = strlen(m->name);
        return m->name;
    }
    const char *dot = strrchr(m->name, '.');
    *len = dot != NULL ? (size_t)(dot - m->name) : 0;
    return m->name;
}

/* queue_on: appends imp (of module sc->importer; its absolute name full,
 * or NULL) to list: r->deferred, to be followed after everything that runs
 * at import time, or r->gated (gated_imports.c). */
static int queue_on(PyObject *list, scan_ctx *sc, const pfz_import *imp, PyObject *full,
                    pf_error *err)
{
    PyObject *item =
        Py_BuildValue("(nOiOiiiOiOi)", (Py_ssize_t)sc->importer, imp->name, imp->level,
                      imp->fromlist != NULL ? imp->fromlist : Py_None, imp->line, imp->in_function,
                      (int)imp->guard, imp->try_imports != NULL ? imp->try_imports : Py_None,
                      imp->in_try, full != NULL ? full : Py_None, imp->at_use);
    int rc = item != NULL ? PyList_Append(list, item) : -1;
    Py_XDECREF(item);
    return rc < 0 ? pfz_py_fail(err, "cannot queue an import") : PF_OK;
}

/* absolute_name: the module imp names, relative names resolved as
 * _bootstrap._resolve_name does against module importer's package, as a
 * new reference in *full; NULL (with PF_OK) when a relative import has no
 * package to be relative to: then it is warned about. */
static int absolute_name(resolver *r, size_t importer, const pfz_import *imp, PyObject **full,
                         pf_error *err)
{
    *full = NULL;
    Py_ssize_t name_len;
    const char *name = PyUnicode_AsUTF8AndSize(imp->name, &name_len);
    if (name == NULL) {
        return pfz_py_fail(err, "cannot read an import's name");
    }
    if (imp->level == 0) {
        *full = Py_NewRef(imp->name);
        return PF_OK;
    }
    size_t plen;
    const char *pkg = package_of(r, importer, &plen);
    const char *problem =
        plen == 0 ? "attempted relative import with no known parent package" : NULL;
    for (int up = 1; problem == NULL && up < imp->level; up++) {
        const char *dot = memrchr(pkg, '.', plen);
        if (dot == NULL) {
            problem = "attempted relative import beyond top-level package";
        } else {
            plen = (size_t)(dot - pkg);
        }
    }
    if (problem != NULL) {
        return pfz_mg_warn_relative(r, imp, problem, importer, err);
    }
    /* base + "." + name; PyUnicode_FromFormat has no "%.*s" before 3.12. */
    char *joined = malloc(plen + 1 + (size_t)name_len + 1);
    if (joined == NULL) {
        return pfz_mg_nomem(err);
    }
    memcpy(joined, pkg, plen);
    joined[plen] = '.';
    memcpy(joined + plen + 1, name, (size_t)name_len + 1);
    *full = PyUnicode_FromStringAndSize(
        joined, (Py_ssize_t)(plen + (name_len > 0 ? 1 + (size_t)name_len : 0)));
    free(joined);
    return *full != NULL ? PF_OK : pfz_py_fail(err, "cannot build a module name");
}

/* not_followed: 1 (after noting why) when the walk leaves this edge out
 * (import_filters.c): a stdlib function's import of a development tool
 * outside the tool itself, or a collected module's import of a build or
 * test tool; else 0. */
static int not_followed(resolver *r, size_t importer, const pfz_import *imp, const char *full,
                        int *status, pf_error *err)
{
    const pfz_module *m = &r->g->modules[importer];
    pfz_note_kind kind = 0;
    if (imp->in_function && m->is_stdlib && importer != r->g->main && pfz_mg_is_dev_tool(r, full) &&
        !pfz_mg_same_top_package(m->name, full)) {
        kind = PFZ_NOTE_DEV_TOOL_NOT_FOLLOWED;
    } else if (r->state[importer].collected && pfz_mg_is_build_tool(r, full)) {
        kind = PFZ_NOTE_BUILD_TOOL_NOT_FOLLOWED;
    } else if (pfz_mg_rule_excludes(r, importer, full)) {
        kind = PFZ_NOTE_RULE_NOT_FOLLOWED;
    } else {
        return 0;
    }
    *status = pfz_mg_note_skipped(r, kind, full, importer, imp->line, NULL, err);
    return 1;
}

/* follow_fromlist: for `from M import a, b` with M (module idx, named
 * full) a package, the submodules M.a and M.b where they exist
 * (_bootstrap._handle_fromlist; else they are attributes: no warning). */
static int follow_fromlist(resolver *r, size_t importer, const pfz_import *imp, PyObject *full,
                           pf_error *err)
{
    int status = PF_OK;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(imp->fromlist) && status == PF_OK; i++) {
        PyObject *item = PyTuple_GET_ITEM(imp->fromlist, i);
        if (!PyUnicode_Check(item) || PyUnicode_CompareWithASCIIString(item, "*") == 0) {
            continue; /* `import *` follows __all__, known only at run time */
        }
        PyObject *sub = PyUnicode_FromFormat("%U.%U", full, item);
        if (sub == NULL) {
            return pfz_py_fail(err, "cannot build a module name");
        }
        size_t sub_idx;
        status = pfz_mg_ensure_module(r, sub, importer, imp->line, 0, &sub_idx, err);
        Py_DECREF(sub);
    }
    return status;
}

/* follow: follows imp, module importer's import of full: the module and,
 * for a package, the submodules its fromlist names. */
static int follow(resolver *r, size_t importer, const pfz_import *imp, PyObject *full,
                  pf_error *err)
{
    size_t idx;
    const pfz_import *outer = r->following; /* the visit below follows its own */
    const char *outer_via = r->via;
    r->following = imp;
    r->via = imp->via;
    int status = pfz_mg_ensure_module(r, full, importer, imp->line, 1, &idx, err);
    r->following = outer;
    if (status == PF_OK && idx != PFZ_NO_IMPORTER && imp->fromlist != NULL &&
        r->state[idx].search_path != NULL) {
        status = follow_fromlist(r, importer, imp, full, err);
    }
    r->via = outer_via;
    return status;
}

/* on_import: the pfz_import_fn that resolves one import statement: the
 * module it names and, for a package, the submodules its fromlist names.
 * An import inside a function runs when (if ever) the function is called,
 * after the imports that run while modules load; one in an exception
 * handler only when something failed (`except ImportError: from _pydecimal
 * import *`). Following them later keeps the discovery order, which is the
 * payload's frame order, close to the order a run reads modules in: a start
 * then decompresses frames of modules it loads rather than of modules it
 * never reaches. */
static int on_import(void *ctx, const pfz_import *imp, pf_error *err)
{
    scan_ctx *sc = ctx;
    resolver *r = sc->r;
    int replay = r->replaying;
    r->replaying = 0;
    if ((imp->in_function || imp->on_exception || imp->at_use ||
         pfz_mg_is_installed_alias(imp, r->g->modules[sc->importer].name)) &&
        !replay) {
        return queue_on(r->deferred, sc, imp, NULL, err);
    }
    PyObject *full;
    int status = absolute_name(r, sc->importer, imp, &full, err);
    if (status != PF_OK || full == NULL) {
        return status;
    }
    if (PyUnicode_GET_LENGTH(full) == 0) {
        Py_DECREF(full); /* `__import__('')` style: nothing to find */
        return PF_OK;
    }
    const char *utf8;
    status = pfz_mg_utf8(full, &utf8, "cannot read an import's name", err);
    int skip = status != PF_OK || not_followed(r, sc->importer, imp, utf8, &status, err);
    if (!skip && pfz_mg_gate_closed(r, sc->importer, imp, utf8)) {
        status = queue_on(r->gated, sc, imp, full, err); /* replayed by pfz_mg_follow_gated */
    } else if (!skip && !pfz_mg_edge_left_out(r, sc->importer, imp, utf8, &status, err)) {
        if (pfz_mg_rule_only_held(r, sc->importer, imp, full)) {
            status = queue_on(r->held, sc, imp, full, err); /* replayed as r->gated */
        } else {
            status = follow(r, sc->importer, imp, full, err);
        }
    }
    Py_DECREF(full);
    return status;
}

/* compile_source: module idx's code through module_compile.h, its .pyc
 * bytes (and with include_source its source) kept in the module; a compile
 * error's text goes to opts->report. */
static int compile_source(resolver *r, size_t idx, PyObject **code, pf_error *err)
{
    pfz_module *m = &r->g->modules[idx];
    pfz_compile_input in = {.origin = m->origin,
                            .member_path = m->member_path,
                            .is_stdlib = m->is_stdlib,
                            .keep_source = r->opts->include_source};
    pfz_compiled out;
    pfz_python_error *pyerr = NULL;
    if (r->opts->report != NULL) {
        pfz_python_error_free(&r->opts->report->python_error);
        pyerr = &r->opts->report->python_error;
    }
    int status = pfz_compile_module(&r->compiler, &in, &out, pyerr, err);
    if (status != PF_OK) {
        return status;
    }
    *code = out.code;
    free(m->pyc);
    m->pyc = out.pyc;
    m->pyc_size = out.pyc_size;
    free(m->source);
    m->source = out.source;
    m->source_size = out.source_size;
    r->g->from_pycache += (size_t)out.from_pycache;
    return PF_OK;
}

int pfz_mg_visit(resolver *r, size_t idx, pf_error *err)
{
    if (r->state[idx].scanned) {
        return PF_OK;
    }
    r->state[idx].scanned = 1;
    PyObject *code = NULL;
    int status = PF_OK;
    switch (r->g->modules[idx].kind) {
    case PFZ_MODULE_SOURCE:
    case PFZ_MODULE_PACKAGE:
        status = compile_source(r, idx, &code, err);
        break;
    case PFZ_MODULE_FROZEN: {
        PyObject *name = PyUnicode_FromString(r->g->modules[idx].name);
        code = name != NULL ? PyObject_CallOneArg(r->get_frozen_object, name) : NULL;
        Py_XDECREF(name);
        if (code == NULL) {
            status = pfz_py_fail(err, "_imp.get_frozen_object failed");
        }
        break;
    }
    default:
        break; /* builtin, extension, namespace: no code to read */
    }
    scan_ctx sc = {r, idx};
    /* Only the entry runs as "__main__"; everything else is imported. A
     * console script's module (entry_script.h) is scanned whole: its entry
     * function may be one the skip would drop as only its `if __name__ ==
     * "__main__":` block's (tabulate's `tabulate:_main`). */
    const char *entry_module = r->opts->script != NULL ? r->opts->entry_module : NULL;
    unsigned flags =
        (idx == r->g->main && r->entry_known) ||
                (entry_module != NULL && strcmp(r->g->modules[idx].name, entry_module) == 0)
            ? 0
            : PFZ_SCAN_SKIP_MAIN_GUARD;
    if (r->g->modules[idx].is_stdlib) {
        flags |= PFZ_SCAN_SKIP_MAIN_NAMED; /* its `main`s serve python3 -m */
    }
    if (status == PF_OK && code != NULL) {
        status = pfz_scan_imports(code, flags, on_import, &sc, err);
    }
    if (status == PF_OK) { /* imports no statement shows (extra_imports.c) */
        status = pfz_mg_extra_imports(r, idx, code, flags, on_import, &sc, err);
    }
    if (status == PF_OK) { /* the names that open held-back features */
        status = pfz_mg_gate_names_add(r, idx, code, err);
    }
    Py_XDECREF(code);
    return status;
}

int pfz_mg_follow_deferred(resolver *r, pf_error *err)
{
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(r->deferred); i++) {
        PyObject *item = PyList_GET_ITEM(r->deferred, i);
        PyObject *fromlist = PyTuple_GET_ITEM(item, 3);
        pfz_import imp = {
            .name = PyTuple_GET_ITEM(item, 1),
            .level = (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 2)),
            .fromlist = fromlist == Py_None ? NULL : fromlist,
            .line = (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 4)),
            .in_function = (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 5)),
            .guard = (pfz_import_guard)PyLong_AsLong(PyTuple_GET_ITEM(item, 6)),
            .try_imports = PyTuple_GET_ITEM(item, 7) == Py_None ? NULL : PyTuple_GET_ITEM(item, 7),
            .in_try = (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 8)),
            .at_use = (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 10)),
        };
        imp.on_exception = imp.guard != PFZ_GUARD_NONE;
        scan_ctx sc = {r, (size_t)PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0))};
        r->replaying = 1;
        status = on_import(&sc, &imp, err);
    }
    if (status == PF_OK && PyList_SetSlice(r->deferred, 0, PY_SSIZE_T_MAX, NULL) < 0) {
        status = pfz_py_fail(err, "cannot clear the queued imports");
    }
    return status;
}

/* take: moves the items of *list (r->gated or r->held) to the front of
 * r->deferred, in found order, leaving *list empty. */
static int take(resolver *r, PyObject **list, pf_error *err)
{
    PyObject *items = *list;
    *list = PyList_New(0);
    if (*list == NULL) {
        *list = items;
        return pfz_py_fail(err, "cannot queue an import");
    }
    int saved = PyList_SetSlice(r->deferred, 0, 0, items);
    Py_DECREF(items);
    return saved < 0 ? pfz_py_fail(err, "cannot queue an import") : PF_OK;
}

int pfz_mg_follow_gated(resolver *r, pf_error *err)
{
    int status = PF_OK;
    Py_ssize_t before = -1;
    size_t promoted = (size_t)-1;
    /* each round may pack modules that open more gates, or reach rule_only
     * modules whose imports were held back: until nothing changes */
    while (status == PF_OK && (PyList_GET_SIZE(r->gated) + PyList_GET_SIZE(r->held) != before ||
                               r->promotions != promoted)) {
        before = PyList_GET_SIZE(r->gated) + PyList_GET_SIZE(r->held);
        promoted = r->promotions;
        status = take(r, &r->held, err);
        if (status == PF_OK) {
            status = take(r, &r->gated, err);
        }
        if (status == PF_OK) {
            status = pfz_mg_follow_deferred(r, err);
        }
    }
    return status;
}
