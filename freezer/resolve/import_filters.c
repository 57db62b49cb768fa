/* import_filters.c - which import edges the walk does not follow, or
 * follows late: a stdlib function's import of a development tool, a
 * collected package's import of a build or test tool, and importlib's
 * imports of its own bootstrap modules, which the interpreter replaces by
 * frozen ones. Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <string.h>

#include "cpython311.h"

/* The lists are the rules file's (freezer/rules/packages.toml, [tools]),
 * read by package_rules.c; the reasons are written there. */

int pfz_mg_same_top_package(const char *a, const char *b)
{
    size_t top = strcspn(a, ".");
    return strcspn(b, ".") == top && strncmp(a, b, top) == 0;
}

/* A tool's own modules import each other (unittest.case imports
 * unittest._log in a function), and a program that imports the tool needs
 * them: the walk follows those (pfz_mg_same_top_package). */
int pfz_mg_is_dev_tool(const resolver *r, const char *name)
{
    return pfz_mg_top_in(r->dev_tools, name, strcspn(name, "."));
}

int pfz_mg_is_build_tool(const resolver *r, const char *name)
{
    return pfz_mg_top_in(r->build_tools, name, strcspn(name, "."));
}

/* importlib's __init__ puts the interpreter's frozen _frozen_importlib and
 * _frozen_importlib_external in sys.modules under the names
 * importlib._bootstrap and importlib._bootstrap_external
 * (Lib/importlib/__init__.py), so their files are read only where those are
 * missing. An import of them (absolutely, or relatively from importlib or a
 * module directly in it) is followed late; they are packed all the same. */
int pfz_mg_is_installed_alias(const pfz_import *imp, const char *importer)
{
    static const char *const names[] = PF_PY_FROZEN_ALIASES;
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
            for (size_t k = 0; PyUnicode_Check(item) && k < sizeof names / sizeof *names; k++) {
                const char *tail = names[k] + strlen("importlib.");
                if (PyUnicode_CompareWithASCIIString(item, tail) == 0) {
                    return 1;
                }
            }
        }
    }
    return 0;
}
