/* package_rules.c - the resolver's questions to the package rules
 * (package_rules.py over freezer/rules/packages.toml and packages' own
 * PyInstaller hooks; docs/third-party.md, "The rules file"): loading them,
 * the tool lists, a module's hidden and excluded imports, its data
 * directories and plugin groups, the shared libraries left to the target
 * (target_libraries), and six-style lazy names. The knowledge
 * is data; this file is only the mechanism. Contracts in
 * module_graph_internal.h and package_rules.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"
#include "package_rules.h"

#include <string.h>

/* Embedded at build time (cmake/embed_source.cmake). */
extern const char pfz_package_rules_py[];
extern const size_t pfz_package_rules_py_size;
extern const char pfz_packages_toml[];
extern const size_t pfz_packages_toml_size;

/* rules_fail: the pending exception as an error: PF_ERR_USAGE naming the
 * rules file for a RulesError (its text says the file and key), else
 * PF_ERR_PYTHON. The exception is cleared. */
static int rules_fail(PyObject *ns, pf_error *err, const char *what)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *cls = ns != NULL ? PyDict_GetItemString(ns, "RulesError") : NULL; /* borrowed */
    int usage = cls != NULL && type != NULL && PyErr_GivenExceptionMatches(type, cls);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *msg = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    int status =
        usage
            ? pf_error_set(err, PF_ERR_USAGE, "package rules: %s", msg != NULL ? msg : "invalid")
            : pf_error_set(err, PF_ERR_PYTHON, "%s: %s", what, msg != NULL ? msg : "unknown error");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return status;
}

PyObject *pfz_rules_load(const char *text, const char *origin, pf_error *err)
{
    PyObject *ns = PyDict_New();
    PyObject *name = PyUnicode_FromString("_pyfreeze_rules");
    if (ns == NULL || name == NULL ||
        PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) < 0 ||
        PyDict_SetItemString(ns, "__name__", name) < 0) {
        Py_XDECREF(ns);
        Py_XDECREF(name);
        PyErr_Clear();
        pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    Py_DECREF(name);
    PyObject *code =
        Py_CompileString(pfz_package_rules_py, "<pyfreeze package_rules.py>", Py_file_input);
    PyObject *done = code != NULL ? PyEval_EvalCode(code, ns, ns) : NULL;
    Py_XDECREF(code);
    PyObject *cls = done != NULL ? PyDict_GetItemString(ns, "Rules") : NULL; /* borrowed */
    PyObject *rules =
        cls != NULL ? PyObject_CallFunction(cls, "ss", text != NULL ? text : "", origin) : NULL;
    Py_XDECREF(done);
    if (rules == NULL) {
        rules_fail(ns, err, "cannot read the package rules");
    }
    Py_DECREF(ns);
    return rules;
}

/* codec_rules_init: the rules' [codecs] as codec_names.c reads them. */
static int codec_rules_init(resolver *r, pf_error *err)
{
    PyObject *on_demand = PyObject_GetAttrString(r->rules, "codecs_on_demand");
    r->codec_ignored_in = PyObject_GetAttrString(r->rules, "codec_names_ignored_in");
    r->codec_aliases = PyObject_CallMethod(r->rules, "codec_aliases", NULL);
    r->codec_short_names = PyFrozenSet_New(NULL);
    PyObject *names =
        r->codec_short_names != NULL && on_demand != NULL ? PySequence_List(on_demand) : NULL;
    Py_XDECREF(on_demand);
    if (names == NULL || r->codec_ignored_in == NULL || r->codec_aliases == NULL ||
        !PyDict_Check(r->codec_aliases)) {
        Py_XDECREF(names);
        return pfz_py_fail(err, "cannot read the package rules' codecs");
    }
    r->codec_name_max = 0;
    int failed = 0;
    for (Py_ssize_t i = 0; !failed && i < PyList_GET_SIZE(names); i++) {
        const char *full = PyUnicode_AsUTF8(PyList_GET_ITEM(names, i));
        const char *dot = full != NULL ? strchr(full, '.') : NULL;
        PyObject *name = dot != NULL ? PyUnicode_FromString(dot + 1) : NULL;
        failed = name == NULL || PySet_Add(r->codec_short_names, name) < 0;
        r->codec_name_max = dot != NULL && strlen(dot + 1) > r->codec_name_max ? strlen(dot + 1)
                                                                               : r->codec_name_max;
        Py_XDECREF(name);
    }
    Py_DECREF(names);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (!failed && PyDict_Next(r->codec_aliases, &pos, &key, &value)) {
        Py_ssize_t len = PyUnicode_Check(key) ? PyUnicode_GET_LENGTH(key) : 0;
        r->codec_name_max = (size_t)len > r->codec_name_max ? (size_t)len : r->codec_name_max;
    }
    return failed ? pfz_py_fail(err, "cannot read the package rules' codecs") : PF_OK;
}

int pfz_mg_rules_init(resolver *r, pf_error *err)
{
    r->rules = pfz_rules_load(pfz_packages_toml, "freezer/rules/packages.toml (built in)", err);
    if (r->rules == NULL) {
        return err != NULL ? err->status : PF_ERR_PYTHON;
    }
    r->dev_tools = PyObject_GetAttrString(r->rules, "development");
    r->build_tools = PyObject_GetAttrString(r->rules, "build");
    r->left_out = PyObject_GetAttrString(r->rules, "left_out");
    if (r->dev_tools == NULL || r->build_tools == NULL || r->left_out == NULL) {
        return pfz_py_fail(err, "cannot read the package rules");
    }
    r->gate_tops = PyObject_GetAttrString(r->rules, "gated_tops");
    r->gate_fragments = PyObject_GetAttrString(r->rules, "gate_fragments");
    r->gate_names = PyDict_New();
    r->gated = PyList_New(0);
    r->rule_children = PyDict_New();
    r->held = PyList_New(0);
    if (r->gate_tops == NULL || r->gate_fragments == NULL || !PyTuple_Check(r->gate_fragments) ||
        r->gate_names == NULL || r->gated == NULL || r->rule_children == NULL || r->held == NULL) {
        return pfz_py_fail(err, "cannot read the package rules' gated imports");
    }
    return codec_rules_init(r, err);
}

void pfz_mg_rules_free(resolver *r)
{
    Py_CLEAR(r->rules);
    Py_CLEAR(r->dev_tools);
    Py_CLEAR(r->build_tools);
    Py_CLEAR(r->left_out);
    Py_CLEAR(r->codec_aliases);
    Py_CLEAR(r->codec_short_names);
    Py_CLEAR(r->codec_ignored_in);
    Py_CLEAR(r->gate_tops);
    Py_CLEAR(r->gate_fragments);
    Py_CLEAR(r->gate_names);
    Py_CLEAR(r->gated);
    Py_CLEAR(r->rule_children);
    Py_CLEAR(r->held);
}

int pfz_mg_top_in(PyObject *set, const char *name, size_t len)
{
    if (set == NULL) {
        return 0;
    }
    PyObject *top = PyUnicode_FromStringAndSize(name, (Py_ssize_t)len);
    int in = top != NULL ? PySet_Contains(set, top) : -1;
    Py_XDECREF(top);
    if (in < 0) {
        PyErr_Clear();
        return 0;
    }
    return in;
}

/* top_dir: the directory of the top-level package of module `name` (a
 * package's first search location) when it is in the graph, else None.
 * Borrowed. */
static PyObject *top_dir(const resolver *r, const char *name)
{
    PyObject *top = PyUnicode_FromStringAndSize(name, (Py_ssize_t)strcspn(name, "."));
    PyObject *known = top != NULL ? PyDict_GetItemWithError(r->index, top) : NULL;
    Py_XDECREF(top);
    PyErr_Clear();
    if (known == NULL) {
        return Py_None;
    }
    PyObject *sp = r->state[PyLong_AsSize_t(known)].search_path;
    return sp != NULL && PyList_GET_SIZE(sp) > 0 ? PyList_GET_ITEM(sp, 0) : Py_None;
}

int pfz_mg_rule_excludes(const resolver *r, size_t importer, const char *name)
{
    const char *from = r->g->modules[importer].name;
    PyObject *res = PyObject_CallMethod(r->rules, "excludes", "ssO", from, name, top_dir(r, from));
    int yes = res == Py_True;
    Py_XDECREF(res);
    PyErr_Clear();
    return yes;
}

int pfz_mg_rule_call(const resolver *r, const char *method, size_t idx, PyObject **list,
                     pf_error *err)
{
    const pfz_module *m = &r->g->modules[idx];
    PyObject *dir = top_dir(r, m->name);
    if (strcmp(method, "data") == 0) {
        PyObject *sp = r->state[idx].search_path;
        dir = sp != NULL && PyList_GET_SIZE(sp) > 0 ? PyList_GET_ITEM(sp, 0) : Py_None;
        if (dir == Py_None) {
            *list = PyList_New(0);
            return *list != NULL ? PF_OK : pfz_py_fail(err, "out of memory");
        }
    }
    *list = strcmp(method, "plugin_groups") == 0
                ? PyObject_CallMethod(r->rules, method, "s", m->name)
                : PyObject_CallMethod(r->rules, method, "sO", m->name, dir);
    if (*list == NULL || !PyList_Check(*list)) {
        Py_CLEAR(*list);
        return pfz_py_fail(err, "cannot apply the package rules");
    }
    return PF_OK;
}

/* add_target_library: appends (name, module) to g->target_libraries. */
static int add_target_library(pfz_graph *g, const char *name, const char *module, pf_error *err)
{
    pfz_target_library *grown =
        realloc(g->target_libraries, (g->target_library_count + 1) * sizeof *grown);
    if (grown == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    g->target_libraries = grown;
    pfz_target_library *t = &g->target_libraries[g->target_library_count];
    t->name = strdup(name);
    t->module = strdup(module);
    if (t->name == NULL || t->module == NULL) {
        free(t->name);
        free(t->module);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    g->target_library_count++;
    return PF_OK;
}

int pfz_mg_rules_target_libraries(resolver *r, pf_error *err)
{
    PyObject *names = PyList_New(0);
    for (size_t i = 0; names != NULL && i < r->g->count; i++) {
        PyObject *name = PyUnicode_FromString(r->g->modules[i].name);
        if (name == NULL || PyList_Append(names, name) < 0) {
            Py_CLEAR(names);
        }
        Py_XDECREF(name);
    }
    PyObject *pairs =
        names != NULL ? PyObject_CallMethod(r->rules, "target_libraries", "O", names) : NULL;
    Py_XDECREF(names);
    if (pairs == NULL || !PyList_Check(pairs)) {
        Py_XDECREF(pairs);
        return pfz_py_fail(err, "cannot read the package rules' target_libraries");
    }
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(pairs); i++) {
        const char *lib = NULL, *module = NULL;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(pairs, i), "ss", &lib, &module)) {
            status = pfz_py_fail(err, "cannot read the package rules' target_libraries");
        } else {
            status = add_target_library(r->g, lib, module, err);
        }
    }
    Py_DECREF(pairs);
    return status;
}

/* unseen_top_origin: for a top-level name not in the graph yet (an import
 * in a function, replayed later), the file PathFinder finds for it when it
 * is a plain .py module, as a new str; NULL (no error) otherwise. */
static PyObject *unseen_top_origin(const resolver *r, PyObject *top)
{
    PyObject *spec = PyObject_CallFunctionObjArgs(r->find_spec, top, r->top_path, NULL);
    PyObject *origin = NULL;
    if (spec != NULL && spec != Py_None) {
        PyObject *locations = PyObject_GetAttrString(spec, "submodule_search_locations");
        if (locations == Py_None) {
            origin = PyObject_GetAttrString(spec, "origin");
        }
        Py_XDECREF(locations);
    }
    Py_XDECREF(spec);
    if (origin != NULL && !PyUnicode_Check(origin)) {
        Py_CLEAR(origin);
    }
    PyErr_Clear();
    return origin;
}

int pfz_mg_lazy_targets(resolver *r, PyObject *name, PyObject **targets, pf_error *err)
{
    *targets = NULL;
    /* a package whose rules entry names where its submodules come from
     * (pkg_resources.extern: a vendoring importer) */
    PyObject *alias = PyObject_CallMethod(r->rules, "alias_targets", "O", name);
    if (alias == NULL) {
        return pfz_py_fail(err, "cannot read the rules' submodules_from");
    }
    if (alias != Py_None) {
        *targets = alias;
        return PF_OK;
    }
    Py_DECREF(alias);
    const char *utf8;
    int status = pfz_mg_utf8(name, &utf8, "cannot read a module name", err);
    /* a prefix that is a plain module (no __path__ in the freezer's view)
     * with a file: six.py, or a vendored copy */
    for (const char *dot = utf8; status == PF_OK && (dot = strchr(dot, '.')) != NULL; dot++) {
        PyObject *prefix = PyUnicode_FromStringAndSize(utf8, dot - utf8);
        PyObject *known = prefix != NULL ? PyDict_GetItemWithError(r->index, prefix) : NULL;
        PyObject *origin = NULL;
        if (prefix != NULL && known == NULL && !PyErr_Occurred() && strchr(utf8, '.') == dot) {
            origin = unseen_top_origin(r, prefix);
        }
        Py_XDECREF(prefix);
        if (PyErr_Occurred()) {
            Py_XDECREF(origin);
            return pfz_py_fail(err, "cannot look up a module name");
        }
        if (known != NULL) {
            size_t idx = PyLong_AsSize_t(known);
            const pfz_module *m = &r->g->modules[idx];
            if (r->state[idx].search_path != NULL) {
                continue;
            }
            if (m->kind == PFZ_MODULE_SOURCE && m->origin != NULL) {
                origin = PyUnicode_DecodeFSDefault(m->origin);
            }
        }
        if (origin == NULL) {
            PyErr_Clear();
            return PF_OK; /* not a plain module with a file: nothing lazy below it */
        }
        PyObject *res = PyObject_CallMethod(r->rules, "lazy_targets", "Os", origin, dot + 1);
        Py_DECREF(origin);
        if (res == NULL) {
            return pfz_py_fail(err, "cannot read a lazy-module table");
        }
        if (res == Py_None) {
            Py_DECREF(res);
            return PF_OK;
        }
        *targets = res;
        return PF_OK;
    }
    return status;
}
