/* module_graph.c - the resolver's driver (stage 1 of the freezer; see
 * module_graph.h): sets the resolver up, runs its steps in order (the
 * entry, runpy for -m, encodings, the extra roots, the whole stdlib for
 * --python, the deferred imports, computed imports, the third-party
 * rules, the sweep of chains left by the depth limit, the held-back
 * feature imports, the codecs left out, the script-name
 * check) and tears it down. Each step is in the file
 * module_graph_internal.h names; calls go from here down, never back. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "third_party.h"

/* ---- setup, the steps in order, teardown ---- */

/* attr_of: module.attr as a new reference, or NULL with an exception. */
static PyObject *attr_of(const char *module, const char *attr)
{
    PyObject *m = PyImport_ImportModule(module);
    if (m == NULL) {
        return NULL;
    }
    PyObject *a = PyObject_GetAttrString(m, attr);
    Py_DECREF(m);
    return a;
}

/* pvm_builtins: a new frozenset of the names in builtin_module_names (the
 * host's sys.builtin_module_names) less those with an extension module in
 * stdlib_dir's lib-dynload (one file NAME + an EXTENSION_SUFFIXES entry),
 * which the PVM builds as extension modules rather than into the stub
 * (unicodedata, pvm/build-cpython.sh): those are found and packed as any
 * extension module. With the host's stdlib nothing is taken away (Debian
 * ships no lib-dynload file for a built-in). NULL with an exception on
 * failure. */
static PyObject *pvm_builtins(PyObject *builtin_module_names, const char *stdlib_dir)
{
    PyObject *suffixes = attr_of("importlib.machinery", "EXTENSION_SUFFIXES");
    PyObject *names = builtin_module_names != NULL ? PySet_New(builtin_module_names) : NULL;
    PyObject *list = names != NULL ? PySequence_List(names) : NULL;
    if (suffixes == NULL || list == NULL) {
        Py_XDECREF(suffixes);
        Py_XDECREF(names);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i));
        for (Py_ssize_t k = 0; name != NULL && k < PySequence_Size(suffixes); k++) {
            PyObject *suffix = PySequence_GetItem(suffixes, k);
            const char *sfx = suffix != NULL ? PyUnicode_AsUTF8(suffix) : NULL;
            char path[PATH_MAX];
            int n = sfx != NULL
                        ? snprintf(path, sizeof path, "%s/lib-dynload/%s%s", stdlib_dir, name, sfx)
                        : -1;
            Py_XDECREF(suffix);
            if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0) {
                PySet_Discard(names, PyList_GET_ITEM(list, i));
                break;
            }
        }
    }
    Py_DECREF(list);
    Py_DECREF(suffixes);
    PyErr_Clear(); /* a name or suffix that is not text: kept as built in */
    PyObject *frozen = PyFrozenSet_New(names);
    Py_DECREF(names);
    return frozen;
}

/* resolver_init: everything the walk looks up once. */
static int resolver_init(resolver *r, pfz_graph *g, const pfz_resolve_options *opts, pf_error *err)
{
    memset(r, 0, sizeof *r);
    r->g = g;
    r->opts = opts;
    if (!Py_IsInitialized()) {
        return pf_error_set(err, PF_ERR_USAGE, "pfz_graph_build needs pfz_python_start first");
    }
    r->deferred = PyList_New(0);
    if (r->deferred == NULL) {
        return pfz_py_fail(err, "cannot start the import queue");
    }
    if (getcwd(r->cwd, sizeof r->cwd) == NULL) {
        return pf_error_set(err, PF_ERR_IO, "cannot get the working directory: %s",
                            strerror(errno));
    }
    PyObject *stdlib = PySys_GetObject("_stdlib_dir"); /* borrowed; 3.11+ */
    const char *dir = stdlib != NULL && PyUnicode_Check(stdlib) ? PyUnicode_AsUTF8(stdlib) : NULL;
    snprintf(r->host_stdlib_dir, sizeof r->host_stdlib_dir, "%s",
             dir != NULL ? dir : PYFREEZE_PYTHON_HOME "/lib/python3.11");
    PyErr_Clear();
    /* The PVM's stdlib replaces the host's in the search path
     * (module_search_path.c); the interpreter itself keeps running on the
     * host's: same CPython 3.11.2, so the same bytecode. */
    snprintf(r->stdlib_dir, sizeof r->stdlib_dir, "%s",
             opts->stdlib_dir != NULL ? opts->stdlib_dir : r->host_stdlib_dir);

    PyObject *names = PySys_GetObject("builtin_module_names"); /* borrowed */
    r->index = PyDict_New();
    r->missing = PyDict_New();
    r->builtins = pvm_builtins(names, r->stdlib_dir);
    r->find_spec = attr_of("importlib.machinery", "PathFinder");
    if (r->find_spec != NULL) {
        PyObject *finder = r->find_spec;
        r->find_spec = PyObject_GetAttrString(finder, "find_spec");
        Py_DECREF(finder);
    }
    r->ext_loader = attr_of("importlib.machinery", "ExtensionFileLoader");
    r->source_loader = attr_of("importlib.machinery", "SourceFileLoader");
    r->is_frozen = attr_of("_imp", "is_frozen");
    r->is_frozen_package = attr_of("_imp", "is_frozen_package");
    r->get_frozen_object = attr_of("_imp", "get_frozen_object");
    r->source_hash = attr_of("_imp", "source_hash");
    r->fix_co_filename = attr_of("_imp", "_fix_co_filename");
    r->magic = PyImport_GetMagicNumber(); /* == importlib.util._RAW_MAGIC_NUMBER */
    if (r->index == NULL || r->missing == NULL || r->builtins == NULL || r->find_spec == NULL ||
        r->ext_loader == NULL || r->source_loader == NULL || r->is_frozen == NULL ||
        r->is_frozen_package == NULL || r->get_frozen_object == NULL || r->source_hash == NULL ||
        r->fix_co_filename == NULL || r->magic == -1) {
        return pfz_py_fail(err, "cannot set up the import machinery");
    }
    PyObject *tag = attr_of("sys", "implementation");
    if (tag != NULL) {
        Py_SETREF(tag, PyObject_GetAttrString(tag, "cache_tag"));
    }
    const char *tag_text = tag != NULL && PyUnicode_Check(tag) ? PyUnicode_AsUTF8(tag) : NULL;
    if (tag_text == NULL || strlen(tag_text) >= sizeof r->cache_tag) {
        Py_XDECREF(tag);
        return pfz_py_fail(err, "cannot read sys.implementation.cache_tag");
    }
    strcpy(r->cache_tag, tag_text);
    Py_DECREF(tag);
    r->compiler = (pfz_compiler){.magic = r->magic,
                                 .cache_tag = r->cache_tag,
                                 .optimize = opts->optimize,
                                 .cache = opts->cache,
                                 .source_hash = r->source_hash,
                                 .fix_co_filename = r->fix_co_filename,
                                 .stdlib_dir = r->stdlib_dir,
                                 .host_stdlib_dir = r->host_stdlib_dir};
    r->tp = pfz_tp_helpers(err);
    if (r->tp == NULL) {
        return PF_ERR_PYTHON;
    }
    /* its namespace packages need no parent imported (third_party.h) */
    PyObject *find_spec = PyDict_GetItemString(r->tp, "find_spec"); /* borrowed */
    if (find_spec != NULL) {
        Py_SETREF(r->find_spec, Py_NewRef(find_spec));
    }
    int status = pfz_mg_rules_init(r, err);
    if (status != PF_OK) {
        return status;
    }
    return pfz_mg_top_search_path(r, err);
}

/* resolver_free: releases what resolver_init and the walk hold; the graph
 * is the caller's. */
static void resolver_free(resolver *r)
{
    Py_XDECREF(r->deferred);
    free(r->exclude_hit);
    Py_XDECREF(r->tp);
    pfz_mg_rules_free(r);
    Py_XDECREF(r->dists);
    Py_XDECREF(r->named_dists);
    Py_XDECREF(r->native_found);
    if (r->state != NULL) {
        for (size_t i = 0; i < r->g->count; i++) {
            Py_XDECREF(r->state[i].search_path);
        }
        free(r->state);
    }
    Py_XDECREF(r->index);
    Py_XDECREF(r->missing);
    Py_XDECREF(r->top_path);
    Py_XDECREF(r->find_spec);
    Py_XDECREF(r->ext_loader);
    Py_XDECREF(r->source_loader);
    Py_XDECREF(r->builtins);
    Py_XDECREF(r->is_frozen);
    Py_XDECREF(r->is_frozen_package);
    Py_XDECREF(r->get_frozen_object);
    Py_XDECREF(r->source_hash);
    Py_XDECREF(r->fix_co_filename);
}

int pfz_graph_build(pfz_graph *g, const pfz_resolve_options *opts, pf_error *err)
{
    if (g == NULL || opts == NULL || (opts->script == NULL) == (opts->module == NULL) ||
        opts->optimize < 0 || opts->optimize > 2 || (opts->path_count > 0 && opts->paths == NULL)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "pfz_graph_build needs exactly one of a script or a module, and an "
                            "optimize level of 0, 1 or 2");
    }
    resolver r;
    size_t first_note = opts->report != NULL ? opts->report->note_count : 0;
    int status = resolver_init(&r, g, opts, err);
    if (status == PF_OK) {
        status = pfz_mg_excludes_init(&r, err);
    }
    for (size_t i = 0; status == PF_OK && i < opts->exclude_count; i++) {
        status = pfz_graph_add_left_out(g, opts->excludes[i], 1, err);
    }
    /* The entry first: its warnings come first and `import __main__` finds it. */
    /* r.via names each root's rule for the build report (pfz_module.via) */
    r.via = "entry point";
    if (status == PF_OK) {
        status =
            opts->script != NULL ? pfz_mg_add_script(&r, err) : pfz_mg_add_entry_module(&r, err);
    }
    r.via = "runpy runs a -m entry";
    if (status == PF_OK && opts->module != NULL) {
        status = pfz_mg_add_root(&r, "runpy", err); /* runs the entry module */
    }
    g->walk_count = g->count;
    r.via = "the codec machinery imports encodings by name";
    if (status == PF_OK) {
        status = pfz_mg_add_encodings(&r, err);
    }
    r.via = "--allow-interactive";
    for (size_t i = 0; status == PF_OK && i < opts->extra_root_count; i++) {
        status = pfz_mg_add_root(&r, opts->extra_roots[i], err);
    }
    r.via = "--python: the whole standard library";
    if (status == PF_OK && opts->whole_stdlib) {
        status = pfz_mg_add_stdlib(&r, err);
    }
    r.via = NULL;
    if (status == PF_OK) {
        status = pfz_mg_follow_deferred(&r, err);
    }
    r.via = "a name the standard library computes (sysconfig's data module)";
    if (status == PF_OK) {
        status = pfz_mg_add_computed_imports(&r, err);
    }
    r.via = NULL;
    if (status == PF_OK) {
        status = pfz_mg_add_third_party(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_follow_deferred(&r, err);
    }
    /* Chains deeper than PFZ_MAX_VISIT_DEPTH were left for this sweep. */
    for (size_t i = 0; status == PF_OK && i < g->count; i++) {
        status = pfz_mg_visit(&r, i, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_follow_gated(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_note_gated_left_out(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_note_held_left_out(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_note_codecs_left_out(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_classify_warnings(&r, first_note, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_check_script_name(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_report_unmatched_excludes(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_rules_target_libraries(&r, err);
    }
    resolver_free(&r);
    if (status != PF_OK) {
        pfz_graph_free(g);
    }
    return status;
}

void pfz_graph_free(pfz_graph *g)
{
    if (g == NULL) {
        return;
    }
    for (size_t i = 0; i < g->count; i++) {
        free(g->modules[i].name);
        free(g->modules[i].origin);
        free(g->modules[i].member_path);
        free(g->modules[i].pyc);
        free(g->modules[i].source);
    }
    free(g->modules);
    for (size_t i = 0; i < g->data_count; i++) {
        free(g->data[i].member_path);
        free(g->data[i].origin);
        free(g->data[i].data);
    }
    free(g->data);
    pfz_graph_free_left_out(g);
    for (size_t i = 0; i < g->target_library_count; i++) {
        free(g->target_libraries[i].name);
        free(g->target_libraries[i].module);
    }
    free(g->target_libraries);
    memset(g, 0, sizeof *g);
}
