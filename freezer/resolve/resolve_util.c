/* resolve_util.c - the resolver's small helpers: the no-memory error,
 * string joining, and how paths are made absolute, shown and told apart
 * (stdlib or not). Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <stdlib.h>
#include <string.h>

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

const char *pfz_mg_display_path(const resolver *r, const char *path)
{
    size_t n = strlen(r->cwd);
    if (n > 1 && strncmp(path, r->cwd, n) == 0 && path[n] == '/') {
        return path + n + 1;
    }
    return path;
}

int pfz_mg_is_stdlib_path(const resolver *r, const char *path)
{
    size_t n = strlen(r->stdlib_dir);
    if (n == 0 || strncmp(path, r->stdlib_dir, n) != 0 || path[n] != '/') {
        return 0;
    }
    return strstr(path + n, "/site-packages/") == NULL &&
           strstr(path + n, "/dist-packages/") == NULL;
}

int pfz_mg_utf8(PyObject *name, const char **utf8, const char *what, pf_error *err)
{
    *utf8 = PyUnicode_AsUTF8(name);
    return *utf8 != NULL ? PF_OK : pfz_py_fail(err, what);
}
