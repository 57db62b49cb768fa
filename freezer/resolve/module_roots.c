/* module_roots.c - the modules the resolver's walk starts from, which no
 * import statement reaches: the entry (a script as "__main__", or the -m
 * module and a package's __main__), the encodings package (but the codecs
 * the rules pack on demand, codec_names.c), runpy for
 * -m, the modules the stdlib imports by a name it computes, and for --python
 * every module of the host's stdlib (a standalone Python); then, once the
 * graph is complete, the check that the script's member path is its own.
 * pfz_graph_build (module_graph.c) calls them in that order; each
 * function's contract is in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "payload.h"

/* ---- the entry ---- */

static int ensure_root(resolver *r, const char *module, int warn, size_t *idx, pf_error *err);

/* find_wrapped_module: the module a console-script wrapper runs
 * (opts->entry_module), found before the wrapper so that a missing one is
 * this error, as for -m, rather than a warning about the wrapper's import.
 * Nothing is followed yet: the wrapper's walk reaches it. */
static int find_wrapped_module(resolver *r, pf_error *err)
{
    const char *mod = r->opts->entry_module;
    size_t idx = PFZ_NO_IMPORTER;
    r->defer_visits = 1;
    int status = ensure_root(r, mod, 0, &idx, err);
    r->defer_visits = 0;
    if (status == PF_OK && idx == PFZ_NO_IMPORTER) {
        status = pf_error_set(err, PF_ERR_NOT_FOUND,
                              "no module named '%s' in the -p directories (or the current "
                              "directory) and python3.11's sys.path",
                              mod);
    }
    return status;
}

int pfz_mg_add_script(resolver *r, pf_error *err)
{
    const char *script = r->opts->script;
    size_t wrapped = r->g->count; /* the wrapped module and its parents, if any */
    if (r->opts->entry_module != NULL) {
        int status = find_wrapped_module(r, err);
        if (status != PF_OK) {
            return status;
        }
    }
    size_t wrapped_end = r->g->count;
    struct stat st;
    if (stat(script, &st) < 0) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "cannot open the script: %s", strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "cannot open the script: not a regular file");
    }
    char *origin = pfz_mg_absolute_path(r, script);
    if (origin == NULL) {
        return pfz_mg_nomem(err);
    }
    const char *base = strrchr(origin, '/') + 1;
    size_t blen = strlen(base);
    if (blen > 3 && strcmp(base + blen - 3, ".py") == 0) {
        blen -= 3;
    }
    char *member = malloc(PF_LIB_DIR_SIZE + blen + 5);
    PyObject *name = PyUnicode_FromString("__main__");
    if (member == NULL || name == NULL) {
        free(member);
        free(origin);
        Py_XDECREF(name);
        return pfz_mg_nomem(err);
    }
    memcpy(member, PF_LIB_DIR, PF_LIB_DIR_SIZE);
    memcpy(member + PF_LIB_DIR_SIZE, base, blen);
    memcpy(member + PF_LIB_DIR_SIZE + blen, ".pyc", 5);
    size_t idx;
    int status =
        pfz_mg_add_module(r, name, PFZ_MODULE_SOURCE, origin, NULL, PFZ_NO_IMPORTER, 0, &idx, err);
    Py_DECREF(name);
    if (status != PF_OK) {
        free(member);
        return status;
    }
    free(r->g->modules[idx].member_path);
    r->g->modules[idx].member_path = member;
    r->g->modules[idx].is_stdlib = 0;
    r->g->main = idx;
    r->entry_known = 1;
    status = pfz_mg_visit(r, idx, err);
    for (size_t i = wrapped; status == PF_OK && i < wrapped_end; i++) {
        r->depth++;
        status = pfz_mg_visit(r, i, err); /* a no-op for those the wrapper's walk visited */
        r->depth--;
    }
    return status;
}

int pfz_mg_check_script_name(resolver *r, pf_error *err)
{
    pfz_graph *g = r->g;
    if (r->opts->script == NULL) {
        return PF_OK;
    }
    const pfz_module *main = &g->modules[g->main];
    for (size_t i = 0; i < g->count; i++) {
        pfz_module *m = &g->modules[i];
        if (i == g->main || m->member_path == NULL ||
            strcmp(m->member_path, main->member_path) != 0) {
            continue;
        }
        char a[PATH_MAX], b[PATH_MAX];
        if (realpath(main->origin, a) == NULL || realpath(m->origin, b) == NULL ||
            strcmp(a, b) != 0) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "the script %s is packed as %s, where module '%s' (%s), which "
                                "the program imports, belongs too; rename the script",
                                r->opts->script, main->member_path, m->name, m->origin);
        }
        uint8_t *copy = malloc(main->pyc_size);
        if (copy == NULL) {
            return pfz_mg_nomem(err);
        }
        memcpy(copy, main->pyc, main->pyc_size);
        free(m->pyc);
        m->pyc = copy;
        m->pyc_size = main->pyc_size;
    }
    return PF_OK;
}

static int find_entry_module(resolver *r, pf_error *err);

int pfz_mg_add_entry_module(resolver *r, pf_error *err)
{
    /* Nothing is followed until "__main__" names the entry below. */
    r->defer_visits = 1;
    size_t first = r->g->count;
    int status = find_entry_module(r, err);
    r->defer_visits = 0;
    for (size_t i = first; status == PF_OK && i < r->g->count; i++) {
        r->depth++;
        status = pfz_mg_visit(r, i, err);
        r->depth--;
    }
    return status;
}

/* ensure_root: pfz_mg_ensure_module for a module named by a C string that no
 * import statement reaches (a root: -m's module, runpy, encodings...);
 * warn as pfz_mg_ensure_module's. *idx is its index, PFZ_NO_IMPORTER if not found. */
static int ensure_root(resolver *r, const char *module, int warn, size_t *idx, pf_error *err)
{
    PyObject *name = PyUnicode_FromString(module);
    if (name == NULL) {
        return pfz_py_fail(err, "out of memory");
    }
    int status = pfz_mg_ensure_module(r, name, PFZ_NO_IMPORTER, 0, warn, idx, err);
    Py_DECREF(name);
    return status;
}

/* find_entry_module: the -m module's index as g->main, or an error. */
static int find_entry_module(resolver *r, pf_error *err)
{
    const char *mod = r->opts->module;
    size_t idx;
    int status = ensure_root(r, mod, 0, &idx, err);
    if (status != PF_OK) {
        return status;
    }
    if (idx == PFZ_NO_IMPORTER) {
        return pf_error_set(err, PF_ERR_NOT_FOUND,
                            "no module named '%s' in the -p directories (or the current "
                            "directory) and python3.11's sys.path",
                            mod);
    }
    pfz_module_kind kind = r->g->modules[idx].kind;
    /* a package may have an extension module as its __init__ (mypyc's) */
    if (kind == PFZ_MODULE_PACKAGE || kind == PFZ_MODULE_NAMESPACE ||
        r->state[idx].search_path != NULL) {
        PyObject *main = PyUnicode_FromFormat("%s.__main__", mod);
        if (main == NULL) {
            return pfz_py_fail(err, "cannot build a module name");
        }
        status = pfz_mg_ensure_module(r, main, PFZ_NO_IMPORTER, 0, 0, &idx, err);
        Py_DECREF(main);
        if (status != PF_OK) {
            return status;
        }
        if (idx == PFZ_NO_IMPORTER) {
            return pf_error_set(err, PF_ERR_NOT_FOUND,
                                "'%s' is a package with no __main__ module, so it cannot be "
                                "run with -m; name a module or add %s/__main__.py",
                                mod, mod);
        }
        kind = r->g->modules[idx].kind;
    }
    if (kind != PFZ_MODULE_SOURCE) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "'%s' is a builtin, frozen or extension module with no Python "
                            "source, so it cannot be the frozen program's main module",
                            r->g->modules[idx].name);
    }
    r->g->main = idx;
    r->entry_known = 1;
    r->g->main_flags = PF_INDEX_FLAG_MAIN_IS_MODULE;
    /* `import __main__` at run time gives this module (runpy puts it in
     * sys.modules under that name). */
    PyObject *alias = PyLong_FromSize_t(idx);
    if (alias == NULL || PyDict_SetItemString(r->index, "__main__", alias) < 0) {
        Py_XDECREF(alias);
        return pfz_py_fail(err, "cannot record __main__");
    }
    Py_DECREF(alias);
    return PF_OK;
}

/* ---- the roots every program needs ---- */

int pfz_mg_add_root(resolver *r, const char *module, pf_error *err)
{
    size_t idx;
    return ensure_root(r, module, 1, &idx, err);
}

/* name_cmp: qsort order of C strings (byte order: deterministic). */
static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pfz_mg_add_encodings(resolver *r, pf_error *err)
{
    size_t idx;
    int status = ensure_root(r, "encodings", 0, &idx, err);
    if (status != PF_OK) {
        return status;
    }
    if (idx == PFZ_NO_IMPORTER || r->state[idx].search_path == NULL ||
        PyList_GET_SIZE(r->state[idx].search_path) == 0) {
        return pf_error_set(err, PF_ERR_NOT_FOUND,
                            "the encodings package is missing from python3.11's stdlib; "
                            "reinstall libpython3.11-stdlib");
    }
    PyObject *dir_obj = PyUnicode_EncodeFSDefault(PyList_GET_ITEM(r->state[idx].search_path, 0));
    if (dir_obj == NULL) {
        return pfz_py_fail(err, "cannot read the encodings directory");
    }
    DIR *dir = opendir(PyBytes_AS_STRING(dir_obj));
    if (dir == NULL) {
        status = pf_error_set(err, PF_ERR_IO, "cannot list %s: %s", PyBytes_AS_STRING(dir_obj),
                              strerror(errno));
        Py_DECREF(dir_obj);
        return status;
    }
    Py_DECREF(dir_obj);
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while (status == PF_OK && (de = readdir(dir)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n <= 3 || strcmp(de->d_name + n - 3, ".py") != 0 ||
            strcmp(de->d_name, "__init__.py") == 0 ||
            strchr(de->d_name, '.') != de->d_name + n - 3) {
            continue;
        }
        char module[300];
        snprintf(module, sizeof module, "encodings.%.*s", (int)(n - 3), de->d_name);
        if (!r->opts->follow_all_imports && pfz_mg_is_codec_on_demand(r, module)) {
            continue; /* packed when named (codec_names.c) */
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 128;
            char **grown = realloc(names, cap * sizeof *grown);
            if (grown == NULL) {
                status = pfz_mg_nomem(err);
                break;
            }
            names = grown;
        }
        if ((names[count] = strndup(de->d_name, n - 3)) == NULL) {
            status = pfz_mg_nomem(err);
            break;
        }
        count++;
    }
    closedir(dir);
    if (names != NULL) {
        qsort(names, count, sizeof *names, name_cmp);
    }
    for (size_t i = 0; i < count && status == PF_OK; i++) {
        PyObject *sub = PyUnicode_FromFormat("encodings.%s", names[i]);
        size_t sub_idx;
        status = sub != NULL ? pfz_mg_ensure_module(r, sub, idx, 0, 1, &sub_idx, err)
                             : pfz_py_fail(err, "out of memory");
        Py_XDECREF(sub);
    }
    for (size_t i = 0; i < count; i++) {
        free(names[i]);
    }
    free(names);
    return status;
}

int pfz_mg_add_computed_imports(resolver *r, pf_error *err)
{
    PyObject *key = PyUnicode_FromString("sysconfig");
    if (key == NULL) {
        return pfz_py_fail(err, "out of memory");
    }
    int present = PyDict_Contains(r->index, key);
    Py_DECREF(key);
    if (present <= 0) {
        return present < 0 ? pfz_py_fail(err, "cannot look up sysconfig") : PF_OK;
    }
    PyObject *sysconfig = PyImport_ImportModule("sysconfig");
    PyObject *name =
        sysconfig != NULL ? PyObject_CallMethod(sysconfig, "_get_sysconfigdata_name", NULL) : NULL;
    Py_XDECREF(sysconfig);
    if (name == NULL || !PyUnicode_Check(name)) {
        Py_XDECREF(name);
        return pfz_py_fail(err, "cannot name sysconfig's data module");
    }
    size_t idx;
    int status = pfz_mg_ensure_module(r, name, PFZ_NO_IMPORTER, 0, 1, &idx, err);
    Py_DECREF(name);
    return status;
}

/* ---- the whole standard library (a standalone Python) ---- */

/* What a standalone Python leaves out of the stdlib, by top-level name, is
 * the rules file's standalone.left_out (freezer/rules/packages.toml, with
 * the reasons: tests, IDLE and Tk, tools that read files beside their
 * modules, test-only extension modules), in r->left_out. */

/* is_test_dir: a package's test suite (ctypes/test, unittest/test,
 * distutils/tests, ...): never imported by the package itself. */
static int is_test_dir(const char *name)
{
    return strcmp(name, "test") == 0 || strcmp(name, "tests") == 0 ||
           strcmp(name, "idle_test") == 0;
}

/* is_identifier: a module name part: ASCII letters, digits and '_' (every
 * stdlib name), and '-' after the first character, for the modules imported
 * by a computed name such as _sysconfigdata__x86_64-linux-gnu (sysconfig). */
static int is_identifier(const char *s, size_t len)
{
    if (len == 0 || (s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

typedef struct name_list {
    char **names;
    size_t count;
    size_t cap;
} name_list;

/* name_list_add: appends prefix + part (len bytes) to l. PF_OK or NOMEM. */
static int name_list_add(name_list *l, const char *prefix, const char *part, size_t len,
                         pf_error *err)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 512;
        char **grown = realloc(l->names, cap * sizeof *grown);
        if (grown == NULL) {
            return pfz_mg_nomem(err);
        }
        l->names = grown;
        l->cap = cap;
    }
    size_t plen = strlen(prefix);
    char *name = malloc(plen + len + 1);
    if (name == NULL) {
        return pfz_mg_nomem(err);
    }
    memcpy(name, prefix, plen);
    memcpy(name + plen, part, len);
    name[plen + len] = '\0';
    l->names[l->count++] = name;
    return PF_OK;
}

/* list_package_tree: every module name under directory dir (prefix is the
 * dotted package name with its trailing dot, "" at the top): .py files and
 * packages (directories with __init__.py), recursively; at the top level
 * also extension modules (lib-dynload's NAME.cpython-...so). Left-out and
 * test packages are skipped. */
static int list_package_tree(const resolver *r, const char *dir, const char *prefix, name_list *l,
                             pf_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return pf_error_set(err, PF_ERR_IO, "cannot list %s: %s", dir, strerror(errno));
    }
    int status = PF_OK;
    struct dirent *de;
    while (status == PF_OK && (de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        size_t len = strlen(n);
        size_t stem = strcspn(n, ".");
        int top = prefix[0] == '\0';
        if (!is_identifier(n, stem) || (top && pfz_mg_top_in(r->left_out, n, stem))) {
            continue;
        }
        char *path = pfz_mg_str_concat3(dir, "/", n);
        if (path == NULL) {
            status = pfz_mg_nomem(err);
            break;
        }
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && stem == len && !is_test_dir(n)) {
            char *init = pfz_mg_str_concat3(path, "/", "__init__.py");
            char *sub = pfz_mg_str_concat3(prefix, n, ".");
            if (init == NULL || sub == NULL) {
                status = pfz_mg_nomem(err);
            } else if (access(init, F_OK) == 0) {
                status = name_list_add(l, prefix, n, len, err);
                if (status == PF_OK) {
                    status = list_package_tree(r, path, sub, l, err);
                }
            }
            free(init);
            free(sub);
        } else if (S_ISREG(st.st_mode) && len == stem + 3 && strcmp(n + stem, ".py") == 0 &&
                   strcmp(n, "__init__.py") != 0) {
            status = name_list_add(l, prefix, n, stem, err);
        } else if (S_ISREG(st.st_mode) && top && len > 3 && strcmp(n + len - 3, ".so") == 0) {
            status = name_list_add(l, prefix, n, stem, err);
        }
        free(path);
    }
    closedir(d);
    return status;
}

int pfz_mg_add_stdlib(resolver *r, pf_error *err)
{
    name_list l = {0};
    int status = list_package_tree(r, r->stdlib_dir, "", &l, err);
    char *dynload = status == PF_OK ? pfz_mg_str_concat3(r->stdlib_dir, "/", "lib-dynload") : NULL;
    if (status == PF_OK && dynload == NULL) {
        status = pfz_mg_nomem(err);
    }
    if (status == PF_OK) {
        status = list_package_tree(r, dynload, "", &l, err);
    }
    free(dynload);
    if (l.names != NULL) {
        qsort(l.names, l.count, sizeof *l.names, name_cmp);
    }
    for (size_t i = 0; status == PF_OK && i < l.count; i++) {
        if (i > 0 && strcmp(l.names[i], l.names[i - 1]) == 0) {
            continue;
        }
        status = pfz_mg_add_root(r, l.names[i], err);
    }
    for (size_t i = 0; i < l.count; i++) {
        free(l.names[i]);
    }
    free(l.names);
    return status;
}
