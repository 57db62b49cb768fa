/* module_graph.c - the resolver's walk over a program's import graph; see
 * module_graph.h. This file holds the module table, finding one module by
 * name (with the warning when it cannot be found), following one import
 * statement, visiting a module, and pfz_graph_build, which runs the steps in
 * order; compiling, the roots, the search path and the third-party rules are
 * the files module_graph_internal.h lists.
 *
 * The walk is depth-first in the order imports run: when an import names a
 * module not seen yet, that module is compiled and its own imports followed
 * before the importer's next import. The packer groups frames in this order,
 * so the modules a program imports together are decompressed together.
 *
 * Names are looked up as importlib's default sys.meta_path would at run time
 * (Lib/importlib/_bootstrap.py: BuiltinImporter, then FrozenImporter, then
 * PathFinder), with no module executed: builtin modules by
 * sys.builtin_module_names, frozen ones by _imp.is_frozen, everything else by
 * importlib.machinery.PathFinder.find_spec over the search directories.
 *
 * Every import statement is followed, in functions and try blocks too, with
 * two exceptions that keep out code no program runs: the module-level
 * `if __name__ == "__main__":` block of every module but the entry, and a
 * stdlib function's import of a development tool (DEV_TOOLS below). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"
#include "payload.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_scan.h"
#include "third_party.h"

/* Import chains deeper than this are finished by the sweep in
 * pfz_graph_build instead of by recursion, bounding the C stack. */
#define PFZ_MAX_VISIT_DEPTH 200

/* ---- small helpers ---- */

int pfz_mg_py_fail(pf_error *err, const char *what)
{
    int nomem = PyErr_ExceptionMatches(PyExc_MemoryError);
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *msg = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    pf_error_set(err, nomem ? PF_ERR_NOMEM : PF_ERR_PYTHON, "%s: %s", what,
                 msg != NULL ? msg : "unknown python error");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return nomem ? PF_ERR_NOMEM : PF_ERR_PYTHON;
}

int pfz_mg_usage_error(pf_error *err, const char *prefix, const char *fallback, const char *what)
{
    if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
        return pfz_mg_py_fail(err, what);
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    int rc = pf_error_set(err, PF_ERR_USAGE, "%s%s", prefix,
                          text != NULL ? PyUnicode_AsUTF8(text) : fallback);
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return rc;
}

int pfz_mg_nomem(pf_error *err)
{
    return pf_error_set(err, PF_ERR_NOMEM, "out of memory while resolving imports");
}

char *pfz_mg_str_concat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb);
        memcpy(s + la + lb, c, lc + 1);
    }
    return s;
}

char *pfz_mg_absolute_path(const resolver *r, const char *path)
{
    if (path[0] == '/') {
        return strdup(path);
    }
    while (path[0] == '.' && path[1] == '/') { /* "./app.py" is "<cwd>/app.py" */
        path += 2;
        while (path[0] == '/') {
            path++;
        }
    }
    return pfz_mg_str_concat3(r->cwd, "/", path);
}

/* display_path: path shortened for a message: relative to the working
 * directory when below it, else unchanged. Borrowed from path. */
static const char *display_path(const resolver *r, const char *path)
{
    size_t n = strlen(r->cwd);
    if (n > 1 && strncmp(path, r->cwd, n) == 0 && path[n] == '/') {
        return path + n + 1;
    }
    return path;
}

/* is_stdlib_path: 1 when path lies in the host's standard library (not in
 * its site-packages or dist-packages). */
static int is_stdlib_path(const resolver *r, const char *path)
{
    size_t n = strlen(r->stdlib_dir);
    if (n == 0 || strncmp(path, r->stdlib_dir, n) != 0 || path[n] != '/') {
        return 0;
    }
    return strstr(path + n, "/site-packages/") == NULL &&
           strstr(path + n, "/dist-packages/") == NULL;
}

/* member_path_for: "lib/" + dotted name as a path + ".pyc" (or
 * "/__init__.pyc" for a package): the tar path of payload.h. Malloc'd. */
static char *member_path_for(const char *name, int package)
{
    char *s = pfz_mg_str_concat3(PF_LIB_DIR, name, package ? "/__init__.pyc" : ".pyc");
    if (s != NULL) {
        size_t n = 4 + strlen(name);
        for (char *p = s + 4; p < s + n; p++) {
            if (*p == '.') {
                *p = '/';
            }
        }
    }
    return s;
}

/* ---- the module table ---- */

int pfz_mg_add_module(resolver *r, PyObject *name, pfz_module_kind kind, char *origin,
                      PyObject *search_path, size_t importer, int line, size_t *idx, pf_error *err)
{
    pfz_graph *g = r->g;
    if (g->count == g->capacity) {
        size_t cap = g->capacity ? g->capacity * 2 : 256;
        pfz_module *m = realloc(g->modules, cap * sizeof *m);
        if (m != NULL) {
            g->modules = m;
        }
        mod_state *s = m != NULL ? realloc(r->state, cap * sizeof *s) : NULL;
        if (s == NULL) {
            free(origin);
            Py_XDECREF(search_path);
            return pfz_mg_nomem(err);
        }
        r->state = s;
        g->capacity = cap;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    char *copy = utf8 != NULL ? strdup(utf8) : NULL;
    char *member = NULL;
    if (copy != NULL && (kind == PFZ_MODULE_SOURCE || kind == PFZ_MODULE_PACKAGE)) {
        member = member_path_for(copy, kind == PFZ_MODULE_PACKAGE);
    }
    PyObject *number = PyLong_FromSize_t(g->count);
    if (copy == NULL || number == NULL || PyDict_SetItem(r->index, name, number) < 0 ||
        ((kind == PFZ_MODULE_SOURCE || kind == PFZ_MODULE_PACKAGE) && member == NULL)) {
        PyErr_Clear();
        Py_XDECREF(number);
        free(copy);
        free(member);
        free(origin);
        Py_XDECREF(search_path);
        return pfz_mg_nomem(err);
    }
    Py_DECREF(number);
    int stdlib = kind == PFZ_MODULE_BUILTIN || kind == PFZ_MODULE_FROZEN;
    if (origin != NULL) {
        stdlib = is_stdlib_path(r, origin);
    } else if (search_path != NULL && PyList_GET_SIZE(search_path) > 0) {
        const char *dir = PyUnicode_AsUTF8(PyList_GET_ITEM(search_path, 0));
        stdlib = dir != NULL && is_stdlib_path(r, dir);
        PyErr_Clear();
    }
    g->modules[g->count] = (pfz_module){
        .name = copy,
        .kind = kind,
        .origin = origin,
        .member_path = member,
        .importer = importer,
        .import_line = line,
        .is_stdlib = stdlib,
    };
    r->state[g->count] =
        (mod_state){.search_path = search_path, .scanned = 0, .collected = r->collecting};
    *idx = g->count++;
    return PF_OK;
}

/* ---- finding one module ---- */

/* spec_to_module: records the ModuleSpec PathFinder returned for name.
 * Returns PF_OK (*idx set) or an error. */
static int spec_to_module(resolver *r, PyObject *name, PyObject *spec, size_t importer, int line,
                          size_t *idx, pf_error *err)
{
    PyObject *loader = PyObject_GetAttrString(spec, "loader");
    PyObject *origin = loader != NULL ? PyObject_GetAttrString(spec, "origin") : NULL;
    PyObject *locations =
        origin != NULL ? PyObject_GetAttrString(spec, "submodule_search_locations") : NULL;
    if (locations == NULL) {
        Py_XDECREF(loader);
        Py_XDECREF(origin);
        return pfz_mg_py_fail(err, "cannot read a module spec");
    }
    PyObject *search_path = NULL;
    if (locations != Py_None) {
        search_path = PySequence_List(locations); /* _NamespacePath for PEP 420 */
    }
    char *origin_path = NULL;
    if (origin != Py_None && PyUnicode_Check(origin)) {
        PyObject *encoded = PyUnicode_EncodeFSDefault(origin);
        origin_path = encoded != NULL ? strdup(PyBytes_AS_STRING(encoded)) : NULL;
        Py_XDECREF(encoded);
        if (origin_path == NULL) {
            PyErr_Clear();
            Py_DECREF(loader);
            Py_DECREF(origin);
            Py_DECREF(locations);
            Py_XDECREF(search_path);
            return pfz_mg_nomem(err);
        }
    }
    int is_source = PyObject_IsInstance(loader, r->source_loader) == 1;
    int is_ext = !is_source && PyObject_IsInstance(loader, r->ext_loader) == 1;
    PyErr_Clear();
    pfz_module_kind kind;
    if (loader == Py_None && search_path != NULL) {
        kind = PFZ_MODULE_NAMESPACE;
        free(origin_path); /* 3.11 sets no origin, older ones "namespace" */
        origin_path = NULL;
    } else if (is_source) {
        kind = search_path != NULL ? PFZ_MODULE_PACKAGE : PFZ_MODULE_SOURCE;
    } else if (is_ext) {
        kind = PFZ_MODULE_EXTENSION;
    } else {
        kind = 0; /* sourceless .pyc or a third-party loader: not frozen */
    }
    Py_DECREF(loader);
    Py_DECREF(origin);
    Py_DECREF(locations);
    if (search_path == NULL && locations != Py_None) {
        free(origin_path);
        return pfz_mg_py_fail(err, "cannot read a package's search locations");
    }
    if (kind == 0) {
        PyObject *reason = PyUnicode_FromFormat(
            "its loader cannot be frozen (found as %s: only .py sources, packages and "
            "extension modules are supported)",
            origin_path != NULL ? origin_path : "?");
        free(origin_path);
        Py_XDECREF(search_path);
        if (reason == NULL || PyDict_SetItem(r->missing, name, reason) < 0) {
            Py_XDECREF(reason);
            return pfz_mg_py_fail(err, "cannot record a missing module");
        }
        Py_DECREF(reason);
        *idx = PFZ_NO_IMPORTER;
        return PF_OK;
    }
    return pfz_mg_add_module(r, name, kind, origin_path, search_path, importer, line, idx, err);
}

/* set_missing: remembers that name cannot be found and why. */
static int set_missing(resolver *r, PyObject *name, const char *why, pf_error *err)
{
    PyObject *reason = PyUnicode_FromString(why);
    if (reason == NULL || PyDict_SetItem(r->missing, name, reason) < 0) {
        Py_XDECREF(reason);
        return pfz_mg_py_fail(err, "cannot record a missing module");
    }
    Py_DECREF(reason);
    return PF_OK;
}

/* importer_file: how warnings name module idx's file: the script as the
 * user gave it, a path (relative to the working directory when below it),
 * or "<frozen NAME>" as CPython's tracebacks name frozen modules. */
static const char *importer_file(const resolver *r, size_t idx, char *buf, size_t size)
{
    const pfz_module *m = &r->g->modules[idx];
    if (idx == r->g->main && r->opts->script != NULL) {
        return r->opts->script;
    }
    if (m->origin != NULL) {
        return display_path(r, m->origin);
    }
    snprintf(buf, size, "<frozen %s>", m->name);
    return buf;
}

/* wants_warning: counts an unresolved import and says whether to print it:
 * always for the program's own modules, for the stdlib's only if verbose. */
static int wants_warning(resolver *r, size_t importer)
{
    r->g->unresolved++;
    if (importer == PFZ_NO_IMPORTER || r->opts->diag == NULL) {
        return 0;
    }
    const pfz_module *m = &r->g->modules[importer];
    return (!m->is_stdlib && !r->state[importer].collected) || r->opts->verbose;
}

/* warn_missing: the warning for an import of `name` by module `importer` at
 * `line` that cannot be found; why is NULL, "" or the reason. */
static void warn_missing(resolver *r, const char *name, const char *why, size_t importer, int line)
{
    if (!wants_warning(r, importer)) {
        return;
    }
    char frozen[256];
    fprintf(r->opts->diag,
            "pyfreeze: warning: %s:%d: cannot find module '%s'%s%s (imported by %s); the frozen "
            "program will raise ImportError there if it runs this import\n",
            importer_file(r, importer, frozen, sizeof frozen), line, name,
            why != NULL && why[0] ? ": " : "", why != NULL ? why : "",
            r->g->modules[importer].name);
}

/* warn_relative: the warning for a relative import that has no package to
 * be relative to (importlib._bootstrap._sanity_check, _resolve_name). */
static void warn_relative(resolver *r, const pfz_import *imp, const char *why, size_t importer)
{
    if (!wants_warning(r, importer)) {
        return;
    }
    char frozen[256];
    int dots = imp->level < 64 ? imp->level : 64;
    const char *first = "";
    if (imp->fromlist != NULL && PyTuple_GET_SIZE(imp->fromlist) > 0 &&
        PyUnicode_Check(PyTuple_GET_ITEM(imp->fromlist, 0))) {
        first = PyUnicode_AsUTF8(PyTuple_GET_ITEM(imp->fromlist, 0));
        PyErr_Clear();
    }
    fprintf(r->opts->diag,
            "pyfreeze: warning: %s:%d: cannot resolve 'from %.*s%s import %s%s': %s (in %s); the "
            "frozen program will raise ImportError there if it runs this import\n",
            importer_file(r, importer, frozen, sizeof frozen), imp->line, dots,
            "................................................................",
            PyUnicode_AsUTF8(imp->name), first != NULL ? first : "",
            imp->fromlist != NULL && PyTuple_GET_SIZE(imp->fromlist) > 1 ? ", ..." : "", why,
            r->g->modules[importer].name);
}

/* look_up_seen: sets *done when name was met before: *idx is its index, or
 * PFZ_NO_IMPORTER (then warned about again for this importer when warn is
 * set) when it was found missing. */
static int look_up_seen(resolver *r, PyObject *name, size_t importer, int line, int warn,
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
        return pfz_mg_py_fail(err, "cannot look up a module name");
    }
    if (why != NULL) {
        if (warn) {
            warn_missing(r, PyUnicode_AsUTF8(name), PyUnicode_AsUTF8(why), importer, line);
            PyErr_Clear();
        }
        return PF_OK;
    }
    *done = 0;
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
            return 1;
        }
    }
    return 0;
}

int pfz_mg_ensure_module(resolver *r, PyObject *name, size_t importer, int line, int warn,
                         size_t *idx, pf_error *err)
{
    *idx = PFZ_NO_IMPORTER;
    int done;
    if (pfz_mg_is_excluded(r, name)) {
        return PF_OK; /* --exclude-module: as if it did not exist, silently */
    }
    int status = look_up_seen(r, name, importer, line, warn, idx, &done, err);
    if (status != PF_OK || done) {
        return status;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    if (utf8 == NULL) {
        return pfz_mg_py_fail(err, "cannot look up a module name");
    }

    /* The parent package first: its __path__ is where the submodule is. */
    PyObject *path = r->top_path;
    const char *dot = strrchr(utf8, '.');
    if (dot != NULL) {
        PyObject *parent = PyUnicode_FromStringAndSize(utf8, dot - utf8);
        if (parent == NULL) {
            return pfz_mg_py_fail(err, "cannot split a module name");
        }
        size_t pidx;
        status = pfz_mg_ensure_module(r, parent, importer, line, warn, &pidx, err);
        Py_DECREF(parent);
        if (status != PF_OK || pidx == PFZ_NO_IMPORTER) {
            return status; /* the missing parent was reported */
        }
        path = r->state[pidx].search_path;
        /* Running the parent may have imported this module already. */
        status = look_up_seen(r, name, importer, line, warn, idx, &done, err);
        if (status != PF_OK || done) {
            return status;
        }
    }

    pfz_module_kind kind = 0;
    if (dot == NULL && PySet_Contains(r->builtins, name) == 1) {
        kind = PFZ_MODULE_BUILTIN;
    } else {
        /* FrozenImporter ignores the parent's path: it also finds "os.path",
         * which "os" puts in sys.modules though it is not a package. */
        PyObject *frozen = PyObject_CallOneArg(r->is_frozen, name);
        if (frozen == NULL) {
            return pfz_mg_py_fail(err, "_imp.is_frozen failed");
        }
        if (frozen == Py_True) {
            kind = PFZ_MODULE_FROZEN;
        }
        Py_DECREF(frozen);
    }
    if (kind != 0) {
        PyObject *search_path = NULL;
        if (kind == PFZ_MODULE_FROZEN) {
            /* A frozen package's submodules are frozen too: FrozenImporter
             * finds them whatever __path__ says, so an empty one does. */
            PyObject *pkg = PyObject_CallOneArg(r->is_frozen_package, name);
            if (pkg == NULL) {
                return pfz_mg_py_fail(err, "_imp.is_frozen_package failed");
            }
            if (pkg == Py_True && (search_path = PyList_New(0)) == NULL) {
                Py_DECREF(pkg);
                return pfz_mg_py_fail(err, "out of memory");
            }
            Py_DECREF(pkg);
        }
        status = pfz_mg_add_module(r, name, kind, NULL, search_path, importer, line, idx, err);
    } else if (path == NULL) {
        char why[PF_ERROR_MESSAGE_SIZE];
        snprintf(why, sizeof why, "'%.*s' is not a package", (int)(dot - utf8), utf8);
        status = set_missing(r, name, why, err);
        if (status == PF_OK && warn) {
            warn_missing(r, utf8, why, importer, line);
        }
        return status;
    } else {
        PyObject *spec = PyObject_CallFunctionObjArgs(r->find_spec, name, path, NULL);
        if (spec == NULL) {
            /* A broken path entry or finder: the import would fail the same
             * way at run time, so it is an unresolved import, not an error. */
            PyObject *type, *value, *tb;
            PyErr_Fetch(&type, &value, &tb);
            PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
            const char *msg = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
            PyErr_Clear();
            char why[PF_ERROR_MESSAGE_SIZE];
            snprintf(why, sizeof why, "the import system raised %s",
                     msg != NULL ? msg : "an exception");
            Py_XDECREF(text);
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
            status = set_missing(r, name, why, err);
            if (status == PF_OK && warn) {
                warn_missing(r, utf8, why, importer, line);
            }
            return status;
        }
        if (spec == Py_None) {
            Py_DECREF(spec);
            status = set_missing(r, name, "", err);
            if (status == PF_OK && warn) {
                warn_missing(r, utf8, NULL, importer, line);
            }
            return status;
        }
        status = spec_to_module(r, name, spec, importer, line, idx, err);
        Py_DECREF(spec);
        if (status == PF_OK && *idx == PFZ_NO_IMPORTER && warn) {
            PyObject *why = PyDict_GetItemWithError(r->missing, name);
            warn_missing(r, utf8, why != NULL ? PyUnicode_AsUTF8(why) : NULL, importer, line);
            PyErr_Clear();
        }
    }
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

/* ---- following one import statement ---- */

/* Standard library packages that serve developing and testing programs, not
 * running them. The stdlib reaches them only from helper functions (e.g.
 * pickle._test imports doctest, which pulls in pdb, pydoc, unittest and
 * asyncio: half the stdlib), so an import of one of these inside a function
 * of a stdlib module is not followed. Imports from the program itself, and
 * module-level imports anywhere, still are. (PyInstaller's hooks exclude the
 * same edges one by one.) */
static const char *const DEV_TOOLS[] = {
    "doctest",   "pdb",     "pydoc",   "pydoc_data", "unittest",   "test",      "lib2to3",
    "distutils", "tkinter", "idlelib", "turtle",     "turtledemo", "ensurepip", "venv",
};

/* same_top_package: whether two dotted names share their first part
 * ("unittest.case", "unittest._log"). */
static int same_top_package(const char *a, const char *b)
{
    size_t top = strcspn(a, ".");
    return strcspn(b, ".") == top && strncmp(a, b, top) == 0;
}

/* top_package_in: 1 when the dotted name's first part is one of
 * list[0..count). */
static int top_package_in(const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (same_top_package(name, list[i])) {
            return 1;
        }
    }
    return 0;
}

/* is_dev_tool: 1 when the dotted name is in one of DEV_TOOLS. A tool's own
 * modules import each other (unittest.case imports unittest._log in a
 * function), and a program that imports the tool needs them: the caller
 * follows those (same_top_package). */
static int is_dev_tool(const char *name)
{
    return top_package_in(name, DEV_TOOLS, sizeof DEV_TOOLS / sizeof DEV_TOOLS[0]);
}

/* Build, packaging and test tools that third-party packages import from
 * modules a program rarely runs (numpy.distutils imports setuptools,
 * pytest plugins import pytest). An import of one of these by a module that
 * a collection rule added (mod_state.collected, docs/third-party.md) is not
 * followed; the program's own imports of them still are. */
static const char *const BUILD_TOOLS[] = {
    "setuptools", "pkg_resources", "pip",     "wheel",  "pytest",   "_pytest",    "nose",
    "distutils",  "Cython",        "IPython", "sphinx", "docutils", "hypothesis",
};

int pfz_mg_is_build_tool(const char *name)
{
    return top_package_in(name, BUILD_TOOLS, sizeof BUILD_TOOLS / sizeof BUILD_TOOLS[0]);
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

/* is_installed_alias: whether imp, in module `importer`, imports
 * importlib._bootstrap or importlib._bootstrap_external (absolutely, or
 * relatively from importlib or a module directly in it): importlib's
 * __init__ puts the interpreter's frozen _frozen_importlib and
 * _frozen_importlib_external in sys.modules under those names
 * (Lib/importlib/__init__.py), so their files are read only where those are
 * missing. They are packed all the same, with what is followed later. */
static int is_installed_alias(const pfz_import *imp, const char *importer)
{
    static const char *const names[] = {"importlib._bootstrap", "importlib._bootstrap_external"};
    const char *name = PyUnicode_AsUTF8(imp->name);
    if (name == NULL) {
        PyErr_Clear();
        return 0;
    }
    /* a relative import names them only from importlib or a module in it */
    if (imp->level == 1 && strcmp(importer, "importlib") != 0 &&
        (strncmp(importer, "importlib.", 10) != 0 || strchr(importer + 10, '.') != NULL)) {
        return 0;
    }
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        const char *tail = names[k] + strlen("importlib.");
        if ((imp->level == 0 && strcmp(name, names[k]) == 0) ||
            (imp->level == 1 && strcmp(name, tail) == 0)) {
            return 1;
        }
    }
    if (imp->level == 1 && name[0] == '\0' && imp->fromlist != NULL) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(imp->fromlist); i++) {
            PyObject *item = PyTuple_GET_ITEM(imp->fromlist, i);
            if (PyUnicode_Check(item) &&
                (PyUnicode_CompareWithASCIIString(item, "_bootstrap") == 0 ||
                 PyUnicode_CompareWithASCIIString(item, "_bootstrap_external") == 0)) {
                return 1;
            }
        }
    }
    return 0;
}

/* on_import: the pfz_import_fn that resolves one import statement: the
 * module it names (relative names resolved as _bootstrap._resolve_name
 * does), and, for `from M import a, b` with M a package, the submodules
 * M.a and M.b where they exist (else they are attributes: no warning). */
static int on_import(void *ctx, const pfz_import *imp, pf_error *err)
{
    scan_ctx *sc = ctx;
    resolver *r = sc->r;
    /* An import inside a function runs when (if ever) the function is
     * called, after the imports that run while modules load; one in an
     * exception handler only when something failed (`except ImportError:
     * from _pydecimal import *`). Following them later keeps the discovery
     * order, which is the payload's frame order, close to the order a run
     * reads modules in: a start then decompresses frames of modules it loads
     * rather than of modules it never reaches. */
    int replay = r->replaying;
    r->replaying = 0;
    if ((imp->in_function || imp->on_exception ||
         is_installed_alias(imp, r->g->modules[sc->importer].name)) &&
        !replay) {
        PyObject *item = Py_BuildValue("(nOiOii)", (Py_ssize_t)sc->importer, imp->name, imp->level,
                                       imp->fromlist != NULL ? imp->fromlist : Py_None, imp->line,
                                       imp->in_function);
        int rc = item != NULL ? PyList_Append(r->deferred, item) : -1;
        Py_XDECREF(item);
        return rc < 0 ? pfz_mg_py_fail(err, "cannot queue an import") : PF_OK;
    }
    Py_ssize_t name_len;
    const char *name = PyUnicode_AsUTF8AndSize(imp->name, &name_len);
    if (name == NULL) {
        return pfz_mg_py_fail(err, "cannot read an import's name");
    }
    PyObject *full;
    if (imp->level > 0) {
        size_t plen;
        const char *pkg = package_of(r, sc->importer, &plen);
        const char *problem = NULL;
        if (plen == 0) {
            problem = "attempted relative import with no known parent package";
        }
        for (int up = 1; problem == NULL && up < imp->level; up++) {
            const char *dot = memrchr(pkg, '.', plen);
            if (dot == NULL) {
                problem = "attempted relative import beyond top-level package";
            } else {
                plen = (size_t)(dot - pkg);
            }
        }
        if (problem != NULL) {
            warn_relative(r, imp, problem, sc->importer);
            return PF_OK;
        }
        /* base + "." + name; PyUnicode_FromFormat has no "%.*s" before 3.12. */
        char *joined = malloc(plen + 1 + (size_t)name_len + 1);
        if (joined == NULL) {
            return pfz_mg_nomem(err);
        }
        memcpy(joined, pkg, plen);
        joined[plen] = '.';
        memcpy(joined + plen + 1, name, (size_t)name_len + 1);
        full = PyUnicode_FromStringAndSize(
            joined, (Py_ssize_t)(plen + (name_len > 0 ? 1 + (size_t)name_len : 0)));
        free(joined);
    } else {
        full = Py_NewRef(imp->name);
    }
    if (full == NULL) {
        return pfz_mg_py_fail(err, "cannot build a module name");
    }
    if (PyUnicode_GET_LENGTH(full) == 0) {
        Py_DECREF(full); /* `__import__('')` style: nothing to find */
        return PF_OK;
    }

    const pfz_module *importer = &r->g->modules[sc->importer];
    if (imp->in_function && importer->is_stdlib && sc->importer != r->g->main &&
        is_dev_tool(PyUnicode_AsUTF8(full)) &&
        !same_top_package(importer->name, PyUnicode_AsUTF8(full))) {
        if (r->opts->verbose && r->opts->diag != NULL) {
            fprintf(r->opts->diag,
                    "pyfreeze: note: not following %s's import of %s in a function at line %d "
                    "(a development tool); name it with --hidden-import if the program needs "
                    "it\n",
                    importer->name, PyUnicode_AsUTF8(full), imp->line);
        }
        Py_DECREF(full);
        return PF_OK;
    }
    if (r->state[sc->importer].collected && pfz_mg_is_build_tool(PyUnicode_AsUTF8(full))) {
        if (r->opts->verbose && r->opts->diag != NULL) {
            fprintf(r->opts->diag,
                    "pyfreeze: note: not following %s's import of %s at line %d (a build or test "
                    "tool; %s was packed by a collection rule); name it with --hidden-import if "
                    "the program needs it\n",
                    importer->name, PyUnicode_AsUTF8(full), imp->line, importer->name);
        }
        Py_DECREF(full);
        return PF_OK;
    }
    size_t idx;
    int status = pfz_mg_ensure_module(r, full, sc->importer, imp->line, 1, &idx, err);
    if (status == PF_OK && idx != PFZ_NO_IMPORTER && imp->fromlist != NULL &&
        r->state[idx].search_path != NULL) {
        /* _bootstrap._handle_fromlist: each name may be a submodule. */
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(imp->fromlist) && status == PF_OK; i++) {
            PyObject *item = PyTuple_GET_ITEM(imp->fromlist, i);
            if (!PyUnicode_Check(item) || PyUnicode_CompareWithASCIIString(item, "*") == 0) {
                continue; /* `import *` follows __all__, known only at run time */
            }
            PyObject *sub = PyUnicode_FromFormat("%U.%U", full, item);
            if (sub == NULL) {
                status = pfz_mg_py_fail(err, "cannot build a module name");
                break;
            }
            size_t sub_idx;
            status = pfz_mg_ensure_module(r, sub, sc->importer, imp->line, 0, &sub_idx, err);
            Py_DECREF(sub);
        }
    }
    Py_DECREF(full);
    return status;
}

/* ---- visiting a module: its code, then its imports ---- */

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
        status = pfz_mg_compile_module(r, idx, &code, err);
        break;
    case PFZ_MODULE_FROZEN: {
        PyObject *name = PyUnicode_FromString(r->g->modules[idx].name);
        code = name != NULL ? PyObject_CallOneArg(r->get_frozen_object, name) : NULL;
        Py_XDECREF(name);
        if (code == NULL) {
            status = pfz_mg_py_fail(err, "_imp.get_frozen_object failed");
        }
        break;
    }
    default:
        return PF_OK; /* builtin, extension, namespace: no code to read */
    }
    if (status == PF_OK) {
        scan_ctx sc = {r, idx};
        /* Only the entry runs as "__main__"; everything else is imported. */
        unsigned flags = idx == r->g->main && r->entry_known ? 0 : PFZ_SCAN_SKIP_MAIN_GUARD;
        status = pfz_scan_imports(code, flags, on_import, &sc, err);
    }
    Py_XDECREF(code);
    return status;
}

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
        return pfz_mg_py_fail(err, "cannot start the import queue");
    }
    if (getcwd(r->cwd, sizeof r->cwd) == NULL) {
        return pf_error_set(err, PF_ERR_IO, "cannot get the working directory: %s",
                            strerror(errno));
    }
    PyObject *stdlib = PySys_GetObject("_stdlib_dir"); /* borrowed; 3.11+ */
    const char *dir = stdlib != NULL && PyUnicode_Check(stdlib) ? PyUnicode_AsUTF8(stdlib) : NULL;
    snprintf(r->stdlib_dir, sizeof r->stdlib_dir, "%s",
             dir != NULL ? dir : PYFREEZE_PYTHON_HOME "/lib/python3.11");
    PyErr_Clear();

    PyObject *names = PySys_GetObject("builtin_module_names"); /* borrowed */
    r->index = PyDict_New();
    r->missing = PyDict_New();
    r->builtins = names != NULL ? PyFrozenSet_New(names) : NULL;
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
        return pfz_mg_py_fail(err, "cannot set up the import machinery");
    }
    PyObject *tag = attr_of("sys", "implementation");
    if (tag != NULL) {
        Py_SETREF(tag, PyObject_GetAttrString(tag, "cache_tag"));
    }
    const char *tag_text = tag != NULL && PyUnicode_Check(tag) ? PyUnicode_AsUTF8(tag) : NULL;
    if (tag_text == NULL || strlen(tag_text) >= sizeof r->cache_tag) {
        Py_XDECREF(tag);
        return pfz_mg_py_fail(err, "cannot read sys.implementation.cache_tag");
    }
    strcpy(r->cache_tag, tag_text);
    Py_DECREF(tag);
    r->tp = pfz_tp_helpers(err);
    if (r->tp == NULL) {
        return PF_ERR_PYTHON;
    }
    return pfz_mg_top_search_path(r, err);
}

/* follow_deferred: follows the queued imports from inside functions and
 * exception handlers, in the order found; the modules they reach queue their own, which are
 * followed in turn. */
static int follow_deferred(resolver *r, pf_error *err)
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
        };
        scan_ctx sc = {r, (size_t)PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0))};
        r->replaying = 1;
        status = on_import(&sc, &imp, err);
    }
    if (status == PF_OK && PyList_SetSlice(r->deferred, 0, PY_SSIZE_T_MAX, NULL) < 0) {
        status = pfz_mg_py_fail(err, "cannot clear the queued imports");
    }
    return status;
}

/* resolver_free: releases what resolver_init and the walk hold; the graph
 * is the caller's. */
static void resolver_free(resolver *r)
{
    Py_XDECREF(r->deferred);
    Py_XDECREF(r->tp);
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
    int status = resolver_init(&r, g, opts, err);
    /* The entry first: its warnings come first and `import __main__` finds it. */
    if (status == PF_OK) {
        status =
            opts->script != NULL ? pfz_mg_add_script(&r, err) : pfz_mg_add_entry_module(&r, err);
    }
    if (status == PF_OK && opts->module != NULL) {
        status = pfz_mg_add_root(&r, "runpy", err); /* runs the entry module */
    }
    g->walk_count = g->count;
    if (status == PF_OK) {
        status = pfz_mg_add_encodings(&r, err);
    }
    for (size_t i = 0; status == PF_OK && i < opts->extra_root_count; i++) {
        status = pfz_mg_add_root(&r, opts->extra_roots[i], err);
    }
    if (status == PF_OK && opts->whole_stdlib) {
        status = pfz_mg_add_stdlib(&r, err);
    }
    if (status == PF_OK) {
        status = follow_deferred(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_add_computed_imports(&r, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_add_third_party(&r, err);
    }
    if (status == PF_OK) {
        status = follow_deferred(&r, err);
    }
    /* Chains deeper than PFZ_MAX_VISIT_DEPTH were left for this sweep. */
    for (size_t i = 0; status == PF_OK && i < g->count; i++) {
        status = pfz_mg_visit(&r, i, err);
    }
    if (status == PF_OK) {
        status = pfz_mg_check_script_name(&r, err);
    }
    resolver_free(&r);
    if (status == PF_ERR_PYTHON && !r.printed) {
        /* PF_ERR_PYTHON means "already reported" to callers (module_graph.h):
         * a failure of the interpreter itself is reported here. */
        fprintf(stderr, "pyfreeze: error: %s\n",
                err != NULL ? err->message : "the embedded python3.11 failed");
    }
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
    memset(g, 0, sizeof *g);
}
