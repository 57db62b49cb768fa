/* import_policy.c - which import edges the walk follows, from where each
 * import sits (import_scan.h: pfz_import_guard), which distribution the
 * importer and the imported module belong to, and whether the importer is
 * reached only through the whole-distribution rule (rule_only: the edges
 * between such modules, kept to clear the mark when a followed import
 * reaches one) (docs/third-party.md, "Which imports are followed").
 * Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpython311.h"

/* Distribution keys besides a distribution's own name. */
#define DIST_STDLIB ":stdlib"   /* the standard library, builtin and frozen modules */
#define DIST_PROGRAM ":program" /* no distribution: the script, -p and script-dir modules */
#define DIST_MISSING ":missing" /* cannot be found: the walk warns as for any import */

/* top_of: into dst, the first part of the dotted name. 0 when too long. */
static int top_of(const char *name, char *dst, size_t dstCapacity)
{
    size_t n = strcspn(name, ".");
    if (n >= dstCapacity) {
        return 0;
    }
    memcpy(dst, name, n);
    dst[n] = '\0';
    return 1;
}

/* dir_of_spec: the directory a top-level module was found in (a sys.path
 * entry), from its spec: the parent of a package's directory, else its
 * file's directory. A new reference, Py_None when it has neither. */
static PyObject *dir_of_spec(PyObject *spec)
{
    PyObject *os_path = PyImport_ImportModule("os.path");
    PyObject *locs = PyObject_GetAttrString(spec, "submodule_search_locations");
    PyObject *origin = PyObject_GetAttrString(spec, "origin");
    PyObject *dir = NULL;
    if (os_path != NULL && locs != NULL && origin != NULL) {
        PyObject *first = NULL;
        if (locs != Py_None && PySequence_Check(locs) && PySequence_Size(locs) > 0) {
            first = PySequence_GetItem(locs, 0);
        } else if (PyUnicode_Check(origin)) {
            first = PyObject_CallMethod(os_path, "dirname", "O", origin);
        }
        if (first != NULL && locs != Py_None && PyUnicode_Check(first)) {
            Py_SETREF(first, PyObject_CallMethod(os_path, "dirname", "O", first));
        }
        dir = first != NULL ? first : Py_NewRef(Py_None);
    }
    PyErr_Clear();
    Py_XDECREF(os_path);
    Py_XDECREF(locs);
    Py_XDECREF(origin);
    return dir != NULL ? dir : Py_NewRef(Py_None);
}

/* find_dist: the distribution key of top-level name `top` (not cached):
 * found as the walk would (PathFinder on r->top_path), then asked of
 * third_party.h's owner(). A new reference, or NULL with an exception. */
static PyObject *find_dist(resolver *r, PyObject *top)
{
    if (PySet_Contains(r->builtins, top) == 1) {
        return PyUnicode_FromString(DIST_STDLIB);
    }
    PyObject *frozen = PyObject_CallOneArg(r->is_frozen, top);
    int is_frozen = frozen != NULL && PyObject_IsTrue(frozen) == 1;
    Py_XDECREF(frozen);
    PyErr_Clear();
    if (is_frozen) {
        return PyUnicode_FromString(DIST_STDLIB);
    }
    PyObject *spec = PyObject_CallFunctionObjArgs(r->find_spec, top, r->top_path, NULL);
    if (spec == NULL || spec == Py_None) {
        PyErr_Clear(); /* e.g. a bad .pth: the walk reports it when it gets there */
        Py_XDECREF(spec);
        return PyUnicode_FromString(DIST_MISSING);
    }
    PyObject *dir = dir_of_spec(spec);
    Py_DECREF(spec);
    const char *d = PyUnicode_Check(dir) ? PyUnicode_AsUTF8(dir) : NULL;
    PyObject *key = NULL;
    if (d == NULL) {
        PyErr_Clear();
        key = PyUnicode_FromString(DIST_PROGRAM);
    } else if (pfz_mg_is_stdlib_path(r, d) || (strcmp(d, r->stdlib_dir) == 0)) {
        key = PyUnicode_FromString(DIST_STDLIB);
    } else {
        PyObject *owner = PyDict_GetItemString(r->tp, "owner"); /* borrowed */
        PyObject *found = owner != NULL ? PyObject_CallFunction(owner, "OO", dir, top) : NULL;
        if (found != NULL && PyTuple_Check(found) && PyTuple_GET_SIZE(found) > 0) {
            key = Py_NewRef(PyTuple_GET_ITEM(found, 0));
        } else {
            PyErr_Clear(); /* unreadable metadata: as if it had none */
            key = PyUnicode_FromString(DIST_PROGRAM);
        }
        Py_XDECREF(found);
    }
    Py_DECREF(dir);
    return key;
}

/* dist_of: the distribution key (borrowed from r->dists) of the top-level
 * package of the dotted name; a module's own kind decides first when it is
 * in the graph. NULL (with err set) on failure. */
static PyObject *dist_of(resolver *r, const char *name, pf_error *err)
{
    char top[256];
    if (!top_of(name, top, sizeof top)) {
        top[0] = '\0';
    }
    if (r->dists == NULL && (r->dists = PyDict_New()) == NULL) {
        pfz_py_fail(err, "out of memory");
        return NULL;
    }
    PyObject *key = PyDict_GetItemString(r->dists, top); /* borrowed */
    if (key != NULL) {
        return key;
    }
    PyObject *top_name = PyUnicode_FromString(top);
    PyObject *number = top_name != NULL ? PyDict_GetItem(r->index, top_name) : NULL;
    PyObject *made = NULL;
    if (number != NULL && r->g->modules[PyLong_AsSize_t(number)].is_stdlib) {
        made = PyUnicode_FromString(DIST_STDLIB);
    } else if (top_name != NULL) {
        made = find_dist(r, top_name);
    }
    Py_XDECREF(top_name);
    if (made == NULL || PyDict_SetItemString(r->dists, top, made) < 0) {
        Py_XDECREF(made);
        pfz_py_fail(err, "cannot tell which distribution a module belongs to");
        return NULL;
    }
    Py_DECREF(made);
    return PyDict_GetItemString(r->dists, top);
}

/* is_key: 1 when the distribution key is the text. */
static int is_key(PyObject *key, const char *text)
{
    return PyUnicode_CompareWithASCIIString(key, text) == 0;
}

/* try_body_packed: 1 when every import of a fallback's try body names a
 * module the walk has packed and can read (not an extension module), so the
 * fallback never runs: into first the
 * first one's name. Relative names are resolved against module importer's
 * package as _bootstrap._resolve_name does. */
static int try_body_packed(resolver *r, size_t importer, const pfz_import *imp, char *first,
                           size_t firstCapacity)
{
    Py_ssize_t n = imp->try_imports != NULL ? PyTuple_GET_SIZE(imp->try_imports) : 0;
    const char *self = r->g->modules[importer].name;
    size_t plen = r->state[importer].search_path != NULL ? strlen(self) : 0;
    if (plen == 0 && strrchr(self, '.') != NULL) {
        plen = (size_t)(strrchr(self, '.') - self);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *name = NULL;
        long level = 0;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(imp->try_imports, i), "sl", &name, &level)) {
            PyErr_Clear();
            return 0;
        }
        size_t base = plen;
        for (long up = 1; up < level && base > 0; up++) {
            const char *dot = memrchr(self, '.', base);
            base = dot != NULL ? (size_t)(dot - self) : 0;
        }
        char full[512];
        int len = level == 0  ? snprintf(full, sizeof full, "%s", name)
                  : base == 0 ? -1
                              : snprintf(full, sizeof full, "%.*s%s%s", (int)base, self,
                                         name[0] != '\0' ? "." : "", name);
        PyObject *number = len < 0 || (size_t)len >= sizeof full
                               ? NULL
                               : PyDict_GetItemString(r->index, full); /* borrowed */
        /* an extension module imports from C what no bytecode shows
         * (_decimal imports numbers, which only its fallback _pydecimal
         * names): its fallback is followed */
        if (number == NULL || r->g->modules[PyLong_AsSize_t(number)].kind == PFZ_MODULE_EXTENSION) {
            PyErr_Clear();
            return 0;
        }
        if (i == 0) {
            snprintf(first, firstCapacity, "%s", full);
        }
    }
    return n > 0;
}

/* is_file_loader_module: 1 for the import system's path-based finders and
 * loaders (the frozen _frozen_importlib_external, also importable as
 * importlib._bootstrap_external). Their methods import importlib.readers
 * (FileLoader.get_resource_reader) and importlib.metadata
 * (PathFinder.find_distributions) for modules found in sys.path
 * directories; a frozen program's modules come from its own importer, and
 * importlib.metadata's callers have imported it already. */
static int is_file_loader_module(const char *name)
{
    static const char *const aliases[] = PF_PY_FROZEN_ALIASES;
    return strcmp(name, PF_PY_BOOTSTRAP_EXTERNAL) == 0 || strcmp(name, aliases[1]) == 0;
}

/* is_carried_frozen: 1 when libpython carries module `full` frozen
 * (_imp.is_frozen, Python/frozen.c: importlib.util, runpy ...), other than
 * the importlib aliases import_filters.c follows late. Such a module is
 * importable whether or not an edge to it is followed, so leaving the edge
 * out saves nothing, and would leave out what the module itself imports
 * (importlib.util's importlib._abc: zmq's fallback `from importlib.util
 * import find_spec` then fails with ModuleNotFoundError). */
static int is_carried_frozen(resolver *r, const char *full)
{
    static const char *const aliases[] = PF_PY_FROZEN_ALIASES;
    if (full == NULL || strcmp(full, aliases[0]) == 0 || strcmp(full, aliases[1]) == 0) {
        return 0;
    }
    PyObject *frozen = PyObject_CallFunction(r->is_frozen, "s", full);
    int is_frozen = frozen != NULL && PyObject_IsTrue(frozen) == 1;
    Py_XDECREF(frozen);
    PyErr_Clear();
    return is_frozen;
}

/* requires_plainly: 1 when distribution key `from` requires distribution
 * `to` wherever it works (third_party.h requires_plainly: its plain
 * requirements, or its Debian package's Depends). A module-level import of
 * it from a module packed whole, which runs when imported by a name no
 * analysis sees (boto3.s3.inject, loaded from a string by
 * boto3.utils.lazy_call, imports s3transfer; rdflib's SPARQL plugin, named
 * in rdflib.plugin's table, imports pyparsing), is one its packagers
 * promise works: followed. 0 otherwise. */
static int requires_plainly(resolver *r, PyObject *from, PyObject *to)
{
    PyObject *fn = PyDict_GetItemString(r->tp, "requires_plainly"); /* borrowed */
    PyObject *yes = fn != NULL ? PyObject_CallFunctionObjArgs(fn, from, to, NULL) : NULL;
    int plain = yes != NULL && PyObject_IsTrue(yes) == 1;
    Py_XDECREF(yes);
    PyErr_Clear(); /* unreadable metadata: as if it required nothing */
    return plain;
}

int pfz_mg_edge_left_out(resolver *r, size_t importer, const pfz_import *imp, const char *full,
                         int *status, pf_error *err)
{
    *status = PF_OK;
    if (r->opts->follow_all_imports || is_carried_frozen(r, full)) {
        return 0;
    }
    char reason[600], first[512];
    const char *why = NULL;
    const char *into = NULL; /* the other distribution an optional edge leads into */
    if (imp->guard == PFZ_GUARD_TYPE_CHECKING) {
        why = "under `if TYPE_CHECKING:`, which never runs";
    } else if (imp->guard == PFZ_GUARD_OTHER_OS) {
        why = "under a test for another operating system";
    } else if (imp->guard == PFZ_GUARD_FALLBACK &&
               try_body_packed(r, importer, imp, first, sizeof first)) {
        snprintf(reason, sizeof reason, "the fallback of an import of %s, which is packed", first);
        why = reason;
    }
    const pfz_module *m = &r->g->modules[importer];
    /* an edge that runs only sometimes: in a function, an exception
     * handler, a fallback, or a stdlib try body that handles its failure */
    int optional = imp->in_function || imp->guard == PFZ_GUARD_HANDLER ||
                   (imp->guard == PFZ_GUARD_FALLBACK && imp->in_function) ||
                   (imp->in_try && m->is_stdlib);
    /* a module only the whole-distribution rule packed may never run: none
     * of its imports leaves its distribution unless something else that
     * runs needs the target too */
    int collected = r->state[importer].collected && !m->is_stdlib;
    char top[256];
    int top_packed = top_of(full, top, sizeof top) && PyDict_GetItemString(r->index, top) != NULL;
    int user = importer == r->g->main && r->opts->script != NULL;
    if (why == NULL && imp->in_function && is_file_loader_module(m->name)) {
        why = "in the import system's loaders for files on disk, which a frozen program's "
              "packed modules do not use";
    }
    if (why == NULL && collected && !top_packed) {
        PyObject *from = dist_of(r, m->name, err);
        PyObject *to = from != NULL ? dist_of(r, full, err) : NULL;
        if (to == NULL) {
            *status = PF_ERR_PYTHON;
            return 1;
        }
        /* the stdlib is followed: a module packed whole may be imported by
         * a name no analysis sees (plugins, vendoring importers such as
         * pkg_resources.extern), and then needs what it imports */
        if (!is_key(to, DIST_MISSING) && !is_key(to, DIST_PROGRAM) && !is_key(to, DIST_STDLIB) &&
            PyUnicode_Compare(from, to) != 0 &&
            !(imp->guard == PFZ_GUARD_NONE && !imp->in_function && !imp->in_try &&
              requires_plainly(r, from, to))) {
            snprintf(reason, sizeof reason,
                     "%s was packed only as part of distribution %s, and nothing that runs "
                     "imports %s",
                     m->name, PyUnicode_AsUTF8(from), PyUnicode_AsUTF8(to));
            why = reason;
            into = PyUnicode_AsUTF8(to);
        }
    }
    if (why == NULL && optional && !top_packed && !user) {
        PyObject *from = m->is_stdlib ? NULL : dist_of(r, m->name, err);
        PyObject *to = from != NULL || m->is_stdlib ? dist_of(r, full, err) : NULL;
        if (to == NULL || (from == NULL && !m->is_stdlib)) {
            *status = PF_ERR_PYTHON;
            return 1;
        }
        int third_party =
            !is_key(to, DIST_STDLIB) && !is_key(to, DIST_PROGRAM) && !is_key(to, DIST_MISSING);
        user = from != NULL && is_key(from, DIST_PROGRAM);
        if (third_party && !user && (from == NULL || PyUnicode_Compare(from, to) != 0)) {
            snprintf(reason, sizeof reason,
                     "%s, into distribution %s, which nothing else here imports",
                     imp->in_function ? "in a function" : "optional", PyUnicode_AsUTF8(to));
            why = reason;
            into = PyUnicode_AsUTF8(to);
        }
    }
    if (why == NULL) {
        return 0;
    }
    *status = pfz_mg_note_skipped(r, PFZ_NOTE_IMPORT_LEFT_OUT, full, importer, imp->line, why, err);
    pfz_report *report = r->opts->report;
    if (*status == PF_OK && into != NULL && report != NULL && report->note_count > 0) {
        /* the summary counts what was left out of other distributions */
        pfz_note *n = &report->notes[report->note_count - 1];
        n->distribution = strdup(into);
        *status = n->distribution != NULL ? PF_OK : pfz_mg_nomem(err);
    }
    return 1;
}

/* held_targets: the modules an import of full (a str) with fromlist (a
 * tuple, or NULL) would add to the graph: [full] when it is not packed and
 * its top-level name can be found; else the submodules of the packed
 * package full that the fromlist names, can be found (PathFinder.find_spec
 * on its __path__) and are not packed. A new list, or NULL (no memory); no
 * exception is left set. */
static PyObject *held_targets(resolver *r, PyObject *full, PyObject *fromlist)
{
    PyObject *known = PyDict_GetItemWithError(r->index, full); /* borrowed */
    if (known == NULL) {
        /* a module that cannot be found is followed, to be warned about as
         * before (verbose only): it is no left-out name the payload records */
        pf_error ignored = {0};
        const char *name = PyErr_Occurred() ? NULL : PyUnicode_AsUTF8(full);
        PyObject *to = name != NULL ? dist_of(r, name, &ignored) : NULL;
        PyErr_Clear();
        return to != NULL && !is_key(to, DIST_MISSING) ? Py_BuildValue("[O]", full) : PyList_New(0);
    }
    /* `from . import shared_memory`: the package is packed, the submodules
     * its fromlist names that can be found are what the import would add */
    PyObject *path = r->state[PyLong_AsSize_t(known)].search_path;
    PyObject *found = PyList_New(0);
    Py_ssize_t n = fromlist != NULL && path != NULL ? PyTuple_GET_SIZE(fromlist) : 0;
    for (Py_ssize_t i = 0; found != NULL && i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(fromlist, i);
        if (!PyUnicode_Check(item) || PyUnicode_CompareWithASCIIString(item, "*") == 0) {
            continue;
        }
        PyObject *sub = PyUnicode_FromFormat("%U.%U", full, item);
        int packed = sub != NULL ? PyDict_Contains(r->index, sub) : -1;
        PyObject *spec =
            packed == 0 ? PyObject_CallFunctionObjArgs(r->find_spec, sub, path, NULL) : NULL;
        PyErr_Clear(); /* cannot be found: as if absent */
        if (spec != NULL && spec != Py_None && PyList_Append(found, sub) < 0) {
            Py_CLEAR(found);
        }
        Py_XDECREF(spec);
        Py_XDECREF(sub);
    }
    PyErr_Clear();
    return found;
}

int pfz_mg_rule_only_held(resolver *r, size_t importer, const pfz_import *imp, PyObject *full)
{
    /* a stdlib module's module-level accelerator with a fallback (`try:
     * from _decimal import *` `except ImportError: from _pydecimal
     * import *`) runs whenever the module does: holding both left decimal
     * packed but unimportable (faker's providers, imported by computed
     * names, import it). An optional feature's `try: import ssl` `except
     * ImportError: ssl = None` (in_try 1) stays held. */
    int shim = r->g->modules[importer].is_stdlib && !imp->in_function &&
               imp->guard == PFZ_GUARD_NONE && imp->in_try == 2;
    if (!r->state[importer].rule_only ||
        !(imp->in_function || imp->guard != PFZ_GUARD_NONE || imp->in_try) || shim ||
        is_carried_frozen(r, PyUnicode_AsUTF8(full))) {
        PyErr_Clear();
        return 0;
    }
    PyObject *targets = held_targets(r, full, imp->fromlist);
    int held = targets != NULL && PyList_GET_SIZE(targets) > 0;
    Py_XDECREF(targets);
    PyErr_Clear();
    return held;
}

/* promote: module idx and the rule_only modules it reaches through
 * r->rule_children are no longer rule_only: a followed import reached
 * them, so they run; their held-back imports are followed when replayed. */
static int promote(resolver *r, size_t idx, pf_error *err)
{
    PyObject *todo = Py_BuildValue("[n]", (Py_ssize_t)idx);
    int rc = todo != NULL ? 0 : -1;
    while (rc == 0 && PyList_GET_SIZE(todo) > 0) {
        Py_ssize_t last = PyList_GET_SIZE(todo) - 1;
        PyObject *item = Py_NewRef(PyList_GET_ITEM(todo, last));
        size_t i = PyLong_AsSize_t(item);
        PyObject *children = r->state[i].rule_only ? PyDict_GetItem(r->rule_children, item) : NULL;
        Py_XINCREF(children);
        Py_DECREF(item);
        rc = PyList_SetSlice(todo, last, last + 1, NULL);
        if (rc == 0 && r->state[i].rule_only) {
            r->state[i].rule_only = 0;
            r->promotions++;
            rc = children != NULL ? PyList_SetSlice(todo, last, last, children) : 0;
        }
        Py_XDECREF(children);
    }
    Py_XDECREF(todo);
    return rc < 0 ? pfz_py_fail(err, "cannot follow what a module imports") : PF_OK;
}

int pfz_mg_edge_reached(resolver *r, size_t importer, size_t target, pf_error *err)
{
    if (target == PFZ_NO_IMPORTER || !r->state[target].rule_only || importer == target) {
        return PF_OK;
    }
    int from_rule = r->collecting || (importer != PFZ_NO_IMPORTER && r->state[importer].rule_only);
    if (!from_rule) {
        return promote(r, target, err);
    }
    if (importer == PFZ_NO_IMPORTER) {
        return PF_OK;
    }
    PyObject *key = PyLong_FromSize_t(importer);
    PyObject *value = PyLong_FromSize_t(target);
    PyObject *list = key != NULL ? PyDict_GetItemWithError(r->rule_children, key) : NULL;
    int rc = -1;
    if (list == NULL && key != NULL && value != NULL && !PyErr_Occurred()) {
        list = PyList_New(0);
        rc = list != NULL ? PyDict_SetItem(r->rule_children, key, list) : -1;
        Py_XDECREF(list); /* the dict holds it */
    } else {
        rc = list != NULL && value != NULL ? 0 : -1;
    }
    if (rc == 0) {
        rc = PyList_Append(list, value);
    }
    Py_XDECREF(key);
    Py_XDECREF(value);
    return rc < 0 ? pfz_py_fail(err, "cannot record an import") : PF_OK;
}

int pfz_mg_note_held_left_out(resolver *r, pf_error *err)
{
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(r->held); i++) {
        PyObject *item = PyList_GET_ITEM(r->held, i); /* module_walk.c queue_on's */
        size_t importer = PyLong_AsSize_t(PyTuple_GET_ITEM(item, 0));
        PyObject *fromlist = PyTuple_GET_ITEM(item, 3);
        PyObject *targets =
            held_targets(r, PyTuple_GET_ITEM(item, 9), fromlist == Py_None ? NULL : fromlist);
        if (targets == NULL) {
            return pfz_mg_nomem(err);
        }
        char reason[1024];
        snprintf(reason, sizeof reason,
                 "optional (in a function or a try), in %s, which only modules packed whole "
                 "with their distribution import: nothing that surely runs reaches it",
                 r->g->modules[importer].name);
        for (Py_ssize_t k = 0; status == PF_OK && k < PyList_GET_SIZE(targets); k++) {
            const char *to = PyUnicode_AsUTF8(PyList_GET_ITEM(targets, k));
            status = to == NULL ? pfz_py_fail(err, "cannot read a module name")
                                : pfz_mg_note_skipped(r, PFZ_NOTE_IMPORT_LEFT_OUT, to, importer,
                                                      (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 4)),
                                                      reason, err);
        }
        Py_DECREF(targets);
    }
    return status;
}

int pfz_mg_classify_warnings(resolver *r, size_t first, pf_error *err)
{
    pfz_report *report = r->opts->report;
    const char *main_name = r->entry_known ? r->g->modules[r->g->main].name : NULL;
    for (size_t i = first; report != NULL && i < report->note_count; i++) {
        pfz_note *n = &report->notes[i];
        if ((n->kind != PFZ_NOTE_MODULE_NOT_FOUND && n->kind != PFZ_NOTE_BAD_RELATIVE_IMPORT) ||
            n->importer == NULL) {
            continue;
        }
        PyObject *key = NULL;
        if (main_name == NULL || strcmp(n->importer, main_name) != 0) {
            key = dist_of(r, n->importer, err);
            if (key == NULL) {
                return PF_ERR_PYTHON;
            }
        }
        n->own_code = key == NULL || is_key(key, DIST_PROGRAM) || is_key(key, DIST_MISSING);
        n->in_stdlib = key != NULL && is_key(key, DIST_STDLIB);
        if (!n->own_code && !n->in_stdlib) {
            free(n->distribution);
            n->distribution = strdup(PyUnicode_AsUTF8(key));
            if (n->distribution == NULL) {
                return pfz_mg_nomem(err);
            }
        }
        /* what the user must see: their own code's imports that run as it
         * loads (a try around one is shown too: the user may not know the
         * module is missing); the rest may never run and is summed up */
        n->verbose_only = !(n->own_code && !n->in_function);
        r->g->unresolved_own += (size_t)(n->own_code && !n->guarded);
    }
    return PF_OK;
}
