/* extra_imports.c - the imports of a module that its import statements do
 * not show, handed to the walk's import callback as if they were
 * statements (so the walk's edge policy applies to them): the rules'
 * hidden imports (package_rules.c; those made at use after the start-up
 * walk, pfz_import.at_use), constant names given to import_module,
 * __import__, find_spec and the like (dynamic_imports.h), the real modules
 * behind six-style lazy names (`from six.moves import queue` -> queue),
 * the modules an extension module imports from C (native_imports.h), and
 * the codecs packed on demand that its string constants name
 * (codec_names.c).
 * Contract: pfz_mg_extra_imports in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <string.h>

#include "dynamic_imports.h"
#include "native_imports.h"

typedef struct extra_ctx {
    resolver *r;
    size_t idx;
    pfz_import_fn fn;
    void *ctx;
    PyCodeObject *code;
} extra_ctx;

/* What found each kind of import, for the build report (pfz_module.via). */
static const char via_rules[] = "hidden import (rules file or the package's PyInstaller hook)";
static const char via_dynamic[] = "import by a constant name (importlib.import_module, __import__)";
static const char via_lazy[] = "six-style lazy module";
static const char via_codec[] = "a codec named in a string constant";
static const char via_alias[] = "the rules' submodules_from (a vendored module's alias)";
static const char via_native[] = "import made from C by an extension module";

/* emit: name (a str) as a plain absolute import at line, found by via. */
static int emit(extra_ctx *x, PyObject *name, int line, int in_function, int on_exception,
                const char *via, pf_error *err)
{
    pfz_import imp = {.name = name,
                      .level = 0,
                      .fromlist = NULL,
                      .line = line,
                      .in_function = in_function,
                      .on_exception = on_exception,
                      .code = x->code,
                      .via = via};
    return x->fn(x->ctx, &imp, err);
}

/* emit_list: emit for each str of a list (a new reference, consumed). */
static int emit_list(extra_ctx *x, PyObject *list, int line, int in_function, int on_exception,
                     const char *via, pf_error *err)
{
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(list); i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        if (PyUnicode_Check(item)) {
            status = emit(x, item, line, in_function, on_exception, via, err);
        }
    }
    Py_DECREF(list);
    return status;
}

/* emit_at_use: each str of list (a new reference, consumed), a rules
 * file's hidden import made only when something is used
 * (pfz_import.at_use). */
static int emit_at_use(extra_ctx *x, PyObject *list, pf_error *err)
{
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(list); i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        if (PyUnicode_Check(item)) {
            pfz_import imp = {.name = item, .code = x->code, .via = via_rules, .at_use = 1};
            status = x->fn(x->ctx, &imp, err);
        }
    }
    Py_DECREF(list);
    return status;
}

static int on_dynamic(void *ctx, const pfz_dynamic_import *d, pf_error *err);

/* What the lookups below found for names read from extension modules (and
 * the dynamic imports findable checks),
 * remembered in r->native_found under (kind, name): each kind looks on a
 * path that depends on the name alone while the walk runs (the top-level
 * search path; the parents' __path__ from it; the packed parent's
 * __path__), and the same strings recur in module after module (scipy's
 * 200 extension modules made about 0.1 s of repeated PathFinder calls). */
enum { FOUND_TOP, FOUND_ON_PATH, FOUND_IN_PARENT };

/* found_get: 1 or 0 when (kind, name) was looked up before, else -1. */
static int found_get(resolver *r, int kind, PyObject *name)
{
    PyObject *key = r->native_found != NULL ? Py_BuildValue("(iO)", kind, name) : NULL;
    PyObject *v = key != NULL ? PyDict_GetItemWithError(r->native_found, key) : NULL;
    Py_XDECREF(key);
    PyErr_Clear();
    return v == NULL ? -1 : v == Py_True;
}

/* found_put: remembers found for (kind, name); returns found. */
static int found_put(resolver *r, int kind, PyObject *name, int found)
{
    if (r->native_found == NULL) {
        r->native_found = PyDict_New();
    }
    PyObject *key = r->native_found != NULL ? Py_BuildValue("(iO)", kind, name) : NULL;
    if (key == NULL || PyDict_SetItem(r->native_found, key, found ? Py_True : Py_False) < 0) {
        PyErr_Clear(); /* not remembered: looked up again next time */
    }
    Py_XDECREF(key);
    return found;
}

/* findable: 1 when the top-level part of name is in the graph, builtin,
 * frozen or found by PathFinder on the search path; 0 when not (a name
 * only a call's text gives is not warned about when nothing has it). */
static int findable(resolver *r, PyObject *name)
{
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, PyUnicode_GET_LENGTH(name), 1);
    PyObject *top = dot >= 0 ? PyUnicode_Substring(name, 0, dot) : Py_NewRef(name);
    if (top == NULL) {
        PyErr_Clear();
        return 0;
    }
    int found = PyDict_Contains(r->index, top) == 1 || PySet_Contains(r->builtins, top) == 1;
    if (!found && PyDict_Contains(r->missing, top) != 1 &&
        (found = found_get(r, FOUND_TOP, top)) < 0) {
        PyObject *frozen = PyObject_CallOneArg(r->is_frozen, top);
        found = frozen == Py_True;
        Py_XDECREF(frozen);
        if (!found) {
            PyObject *spec = PyObject_CallFunctionObjArgs(r->find_spec, top, r->top_path, NULL);
            found = spec != NULL && spec != Py_None;
            Py_XDECREF(spec);
        }
        PyErr_Clear();
        found_put(r, FOUND_TOP, top, found);
    }
    PyErr_Clear();
    Py_DECREF(top);
    return found;
}

/* resolves_on_path: 1 when PathFinder finds each part of the dotted name
 * in turn from the search path, each parent a package (collections, then
 * collections.abc in its __path__); 0 when not. For a parent that is not
 * in the graph yet: the walk's order decides what is known when an
 * extension module is read (_decimal imports collections.abc from C). */
static int resolves_on_path(resolver *r, PyObject *name)
{
    int known = found_get(r, FOUND_ON_PATH, name);
    if (known >= 0) {
        return known;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(name);
    PyObject *path = Py_NewRef(r->top_path);
    int found = 0;
    for (Py_ssize_t start = 0; path != NULL && !found;) {
        Py_ssize_t dot = PyUnicode_FindChar(name, '.', start, len, 1);
        PyObject *part = PyUnicode_Substring(name, 0, dot >= 0 ? dot : len);
        PyObject *spec =
            part != NULL ? PyObject_CallFunctionObjArgs(r->find_spec, part, path, NULL) : NULL;
        Py_XDECREF(part);
        Py_CLEAR(path);
        if (spec != NULL && spec != Py_None) {
            found = dot < 0;
            path = dot < 0 ? NULL : PyObject_GetAttrString(spec, "submodule_search_locations");
            if (path == Py_None) {
                Py_CLEAR(path);
            }
            start = dot + 1;
        }
        Py_XDECREF(spec);
    }
    Py_XDECREF(path);
    PyErr_Clear();
    return found_put(r, FOUND_ON_PATH, name, found);
}

/* resolves: for a name read from an extension module's data: a top-level
 * name that can be found, or a dotted name whose parent is a package in the
 * graph (or on the search path: resolves_on_path) and that PathFinder finds
 * in it (a class's qualified name such as "numpy.ndarray" is not a module
 * and does not count). */
static int resolves(resolver *r, PyObject *name)
{
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, PyUnicode_GET_LENGTH(name), -1);
    if (dot == -1) {
        return findable(r, name);
    }
    if (PyDict_Contains(r->index, name) == 1) {
        PyErr_Clear();
        return 1;
    }
    PyObject *parent = dot >= 0 ? PyUnicode_Substring(name, 0, dot) : NULL;
    PyObject *known = parent != NULL ? PyDict_GetItemWithError(r->index, parent) : NULL;
    Py_XDECREF(parent);
    if (known == NULL) {
        PyErr_Clear();
        return resolves_on_path(r, name);
    }
    int found = found_get(r, FOUND_IN_PARENT, name);
    if (found >= 0) {
        return found;
    }
    PyObject *path = known != NULL ? r->state[PyLong_AsSize_t(known)].search_path : NULL;
    PyObject *spec =
        path != NULL ? PyObject_CallFunctionObjArgs(r->find_spec, name, path, NULL) : NULL;
    found = spec != NULL && spec != Py_None;
    Py_XDECREF(spec);
    PyErr_Clear();
    return found_put(r, FOUND_IN_PARENT, name, found);
}

/* sibling_source: the code object of the Python source beside extension
 * module idx with the same name (mypyc compiles NAME.py into
 * NAME.cpython-311-...so and ships both; __init__.py for a package), as a
 * new reference, or NULL (no error) when there is none or it does not
 * compile. Its imports are the extension's. */
static PyObject *sibling_source(const resolver *r, size_t idx)
{
    const char *origin = r->g->modules[idx].origin;
    const char *slash = strrchr(origin, '/');
    const char *stem_end = slash != NULL ? strchr(slash + 1, '.') : NULL;
    if (stem_end == NULL) {
        return NULL;
    }
    /* PyUnicode_FromFormat has no "%.*s" before 3.12 */
    PyObject *stem = PyUnicode_DecodeFSDefaultAndSize(origin, stem_end - origin);
    PyObject *path = stem != NULL ? PyUnicode_FromFormat("%U.py", stem) : NULL;
    Py_XDECREF(stem);
    PyObject *io = path != NULL ? PyImport_ImportModule("io") : NULL;
    PyObject *file = io != NULL ? PyObject_CallMethod(io, "open", "Os", path, "rb") : NULL;
    PyObject *bytes = file != NULL ? PyObject_CallMethod(file, "read", NULL) : NULL;
    if (file != NULL) {
        Py_XDECREF(PyObject_CallMethod(file, "close", NULL));
    }
    PyObject *code = NULL;
    if (bytes != NULL && PyBytes_Check(bytes)) {
        PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
        PyObject *compile = PyDict_GetItemString(builtins, "compile");
        code = compile != NULL ? PyObject_CallFunction(compile, "OOs", bytes, path, "exec") : NULL;
    }
    Py_XDECREF(bytes);
    Py_XDECREF(file);
    Py_XDECREF(io);
    Py_XDECREF(path);
    PyErr_Clear();
    return code;
}

/* native: the imports of extension module idx: its sibling source's, and
 * the names in its read-only data that resolve. */
static int native(extra_ctx *x, unsigned flags, pf_error *err)
{
    resolver *r = x->r;
    const pfz_module *m = &r->g->modules[x->idx];
    PyObject *code = sibling_source(r, x->idx);
    int status = PF_OK;
    if (code != NULL) {
        x->code = (PyCodeObject *)code;
        status = pfz_scan_imports(code, flags, x->fn, x->ctx, err);
        if (status == PF_OK) {
            status = pfz_scan_dynamic_imports(code, on_dynamic, x, err);
        }
        x->code = NULL;
        Py_DECREF(code);
    }
    PyObject *names = NULL;
    m = &r->g->modules[x->idx]; /* the scan may have grown (moved) the table */
    if (status == PF_OK) {
        status = pfz_native_imports(m->origin, m->name, &names, err);
    }
    for (Py_ssize_t i = 0; status == PF_OK && names != NULL && i < PyList_GET_SIZE(names); i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        if (resolves(r, name)) {
            status = emit(x, name, 0, 0, 0, via_native, err);
        }
    }
    Py_XDECREF(names);
    return status;
}

/* absolute: importlib._bootstrap._resolve_name of a dynamic import's name
 * against its package, as a new reference; NULL (no error) when it is
 * relative with nothing known to be relative to. */
static PyObject *absolute(const extra_ctx *x, const pfz_dynamic_import *d)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(d->name);
    Py_ssize_t level = 0;
    while (level < len && PyUnicode_READ_CHAR(d->name, level) == '.') {
        level++;
    }
    if (level == 0) {
        return Py_NewRef(d->name);
    }
    const pfz_module *m = &x->r->g->modules[x->idx];
    PyObject *base = NULL;
    if (d->base == PFZ_DYN_CONST) {
        base = Py_NewRef(d->package);
    } else if (d->base == PFZ_DYN_NAME && x->idx != x->r->g->main) {
        base = PyUnicode_FromString(m->name);
    } else if (d->base == PFZ_DYN_PACKAGE && x->idx != x->r->g->main) {
        const char *dot = strrchr(m->name, '.');
        base = x->r->state[x->idx].search_path != NULL || dot == NULL
                   ? PyUnicode_FromString(m->name)
                   : PyUnicode_FromStringAndSize(m->name, dot - m->name);
    }
    for (Py_ssize_t up = 1; base != NULL && up < level; up++) {
        Py_ssize_t dot = PyUnicode_FindChar(base, '.', 0, PyUnicode_GET_LENGTH(base), -1);
        Py_SETREF(base, dot >= 0 ? PyUnicode_Substring(base, 0, dot) : NULL);
    }
    if (base == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *rest = PyUnicode_Substring(d->name, level, len);
    PyObject *full = rest == NULL                      ? NULL
                     : PyUnicode_GET_LENGTH(rest) == 0 ? Py_NewRef(base)
                                                       : PyUnicode_FromFormat("%U.%U", base, rest);
    Py_XDECREF(rest);
    Py_DECREF(base);
    PyErr_Clear();
    return full;
}

/* on_dynamic: one constant name from dynamic_imports.h: a distribution's
 * name is kept in r->named_dists, an entry-point group's as ("group", name); a module is followed
 * when its top-level module can be found, with the real modules behind it when it is a lazy or
 * vendored name (`__import__('pkg_resources.extern.packaging .version')`). */
static int on_dynamic(void *ctx, const pfz_dynamic_import *d, pf_error *err)
{
    extra_ctx *x = ctx;
    if (d->distribution || d->group) { /* metadata to pack, third_party_collect.c */
        resolver *r = x->r;
        if (r->named_dists == NULL && (r->named_dists = PyList_New(0)) == NULL) {
            return pfz_py_fail(err, "out of memory");
        }
        /* a group as ("group", name): third_party.c's named_metadata */
        PyObject *item = d->group ? Py_BuildValue("(sO)", "group", d->name) : Py_NewRef(d->name);
        int known = item != NULL ? PySequence_Contains(r->named_dists, item) : -1;
        if (known < 0 || (known == 0 && PyList_Append(r->named_dists, item) < 0)) {
            Py_XDECREF(item);
            return pfz_py_fail(err, "out of memory");
        }
        Py_DECREF(item);
        return PF_OK;
    }
    PyObject *full = absolute(x, d);
    if (full == NULL) {
        return PF_OK;
    }
    int status = PF_OK;
    if (findable(x->r, full)) {
        status = emit(x, full, d->line, d->in_function, 0, via_dynamic, err);
        PyObject *targets = NULL;
        if (status == PF_OK) {
            status = pfz_mg_lazy_targets(x->r, full, &targets, err);
        }
        if (status == PF_OK && targets != NULL) {
            status = emit_list(x, targets, d->line, d->in_function, 0, via_dynamic, err);
        }
    }
    Py_DECREF(full);
    return status;
}

/* lazy_for: emits the real modules behind lazy name `name` (a str), if it
 * is one. */
static int lazy_for(extra_ctx *x, PyObject *name, const pfz_import *imp, pf_error *err)
{
    PyObject *targets;
    int status = pfz_mg_lazy_targets(x->r, name, &targets, err);
    if (status != PF_OK || targets == NULL) {
        return status;
    }
    return emit_list(x, targets, imp->line, imp->in_function, imp->on_exception, via_lazy, err);
}

/* alias_statement: when the statement's module is below a package whose
 * rules give `submodules_from`, the same statement of the module it
 * stands for (its fromlist may name attributes: the walk treats them as
 * for any `from m import a`); *done is then 1. */
static int alias_statement(extra_ctx *x, const pfz_import *imp, int *done, pf_error *err)
{
    PyObject *alias = PyObject_CallMethod(x->r->rules, "alias_targets", "O", imp->name);
    *done = alias != NULL && alias != Py_None;
    if (alias == NULL) {
        return pfz_py_fail(err, "cannot read the rules' submodules_from");
    }
    int status = PF_OK;
    if (*done && PyList_Check(alias) && PyList_GET_SIZE(alias) == 1) {
        pfz_import copy = *imp;
        copy.name = PyList_GET_ITEM(alias, 0);
        copy.code = x->code;
        copy.via = via_alias;
        status = x->fn(x->ctx, &copy, err);
    }
    Py_DECREF(alias);
    return status;
}

/* on_statement: for an import statement whose module is a six-style lazy
 * name, the modules it and its fromlist stand for. Relative statements
 * are left to the walk: six is imported absolutely. */
static int on_statement(void *ctx, const pfz_import *imp, pf_error *err)
{
    extra_ctx *x = ctx;
    if (imp->level != 0 || PyUnicode_FindChar(imp->name, '.', 0, PY_SSIZE_T_MAX, 1) < 0) {
        return PF_OK; /* a lazy name is below a module: it has a dot */
    }
    int done;
    int status = alias_statement(x, imp, &done, err);
    if (status != PF_OK || done) {
        return status;
    }
    status = lazy_for(x, imp->name, imp, err);
    for (Py_ssize_t i = 0;
         status == PF_OK && imp->fromlist != NULL && i < PyTuple_GET_SIZE(imp->fromlist); i++) {
        PyObject *item = PyTuple_GET_ITEM(imp->fromlist, i);
        if (!PyUnicode_Check(item)) {
            continue;
        }
        PyObject *sub = PyUnicode_FromFormat("%U.%U", imp->name, item);
        if (sub == NULL) {
            return pfz_py_fail(err, "cannot build a module name");
        }
        status = lazy_for(x, sub, imp, err);
        Py_DECREF(sub);
    }
    return status;
}

int pfz_mg_extra_imports(resolver *r, size_t idx, PyObject *code, unsigned flags, pfz_import_fn fn,
                         void *ctx, pf_error *err)
{
    extra_ctx x = {r, idx, fn, ctx, code != NULL ? (PyCodeObject *)code : NULL};
    PyObject *hidden;
    int status = pfz_mg_rule_call(r, "hidden_imports", idx, &hidden, err);
    if (status == PF_OK) {
        status = emit_list(&x, hidden, 0, 0, 0, via_rules, err);
    }
    if (status == PF_OK) { /* made when something is used: after the start-up walk */
        status = pfz_mg_rule_call(r, "hidden_imports_at_use", idx, &hidden, err);
    }
    if (status == PF_OK) {
        status = emit_at_use(&x, hidden, err);
    }
    if (status == PF_OK && code != NULL) {
        status = pfz_scan_dynamic_imports(code, on_dynamic, &x, err);
    }
    if (status == PF_OK && code != NULL) {
        status = pfz_scan_imports(code, flags, on_statement, &x, err);
    }
    PyObject *codecs = NULL;
    if (status == PF_OK) { /* a codec named in a constant is looked up where it is used */
        status = pfz_mg_codec_names(r, idx, code, &codecs, err);
    }
    if (status == PF_OK && codecs != NULL) {
        status = emit_list(&x, codecs, 0, 1, 0, via_codec, err);
    }
    const pfz_module *m = &r->g->modules[idx];
    if (status == PF_OK && m->kind == PFZ_MODULE_EXTENSION && m->origin != NULL) {
        status = native(&x, flags, err);
    }
    return status;
}
