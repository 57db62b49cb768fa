/* dynamic_imports.h - finds the modules a compiled code object imports by
 * name through a call with constant arguments, which no import statement
 * shows:
 *   importlib.import_module("x") and import_module(".sub", "pkg" |
 *   __name__ | __package__)                  (Lib/importlib/__init__.py)
 *   __import__("x")                          (Python/bltinmodule.c)
 *   importlib.util.find_spec("x"[, pkg])     (Lib/importlib/util.py)
 *   test.support.import_helper.import_module("x") and
 *   import_fresh_module("x", fresh=[...], blocked=[...])
 *                                            (Lib/test/support/import_helper.py)
 *   pkgutil.get_loader / find_loader / get_data ("pkg", ...) and
 *   pkgutil.resolve_name("pkg.mod:attr")     (Lib/pkgutil.py)
 *   importlib.resources.files / read_text / read_binary / open_text /
 *   open_binary / contents / is_resource / path ("pkg", ...)
 *                                            (Lib/importlib/resources/)
 * and the distributions named by a constant given to
 *   importlib.metadata.version / metadata / distribution / requires /
 *   files ("dist")                           (Lib/importlib/metadata/)
 *   pkg_resources.get_distribution / require ("dist")
 *                                            (pkg_resources/__init__.py)
 * (reported with `distribution` set: a name of a distribution, not a module);
 * and the entry-point groups named by a constant given to
 *   pkg_resources.iter_entry_points("group"), importlib.metadata
 *   .entry_points(group="group") and EntryPoints.select(group="group", ...)
 * (reported with `group` set).
 * A call compiles (CPython 3.11 Python/compile.c) to a load of the
 * function (LOAD_NAME, LOAD_GLOBAL, or LOAD_ATTR / LOAD_METHOD after its
 * object), its arguments, KW_NAMES for keywords, PRECALL and CALL; this
 * reads that shape, nothing is executed. Needs the embedded interpreter. */
#ifndef PFZ_DYNAMIC_IMPORTS_H
#define PFZ_DYNAMIC_IMPORTS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pf_error.h"

/* What a relative name (".sub") is relative to. */
typedef enum pfz_dynamic_package {
    PFZ_DYN_NO_PACKAGE = 0, /* no second argument, or one that is not known */
    PFZ_DYN_CONST,          /* a constant str: package */
    PFZ_DYN_NAME,           /* the calling module's __name__ */
    PFZ_DYN_PACKAGE,        /* the calling module's __package__ */
} pfz_dynamic_package;

/* One module imported by a constant name. Pointers are borrowed from the
 * code object and valid only during the callback. */
typedef struct pfz_dynamic_import {
    PyObject *name;           /* str: the module name as given, "." first when relative */
    pfz_dynamic_package base; /* what a relative name is relative to */
    PyObject *package;        /* str for PFZ_DYN_CONST, else NULL */
    const char *call;         /* the function's name, e.g. "import_module" (static) */
    int line;                 /* source line of the call, 0 if unknown */
    int in_function;          /* 1: in a function's code (runs when called), 0: module or
                                 class body */
    int distribution;         /* 1: `name` is a distribution's name (importlib.metadata,
                                 pkg_resources), whose metadata the call reads */
    int group;                /* 1: `name` is an entry-point group's name, which the call
                                 lists in every installed distribution's metadata */
} pfz_dynamic_import;

/* pfz_dynamic_fn: called once per name found. Returns PF_OK to go on, or a
 * status that stops the scan and is returned unchanged. */
typedef int (*pfz_dynamic_fn)(void *ctx, const pfz_dynamic_import *imp, pf_error *err);

/* pfz_scan_dynamic_imports: calls fn for each constant module name given
 * to one of the calls above in code and, recursively, in the code objects
 * in its co_consts. import_fresh_module's fresh= and blocked= names (a
 * constant list or tuple of str) are reported as absolute names of their
 * own; pkgutil.resolve_name's argument up to its ':'. A call whose first
 * argument is not a constant str is not reported: only constants are
 * visible. Bytecode is read unquickened (PyCode_GetCode), EXTENDED_ARG and
 * CACHE handled as import_scan.h says. Returns PF_OK, PF_ERR_USAGE (not a
 * code object), PF_ERR_CORRUPT (an argument past co_names / co_consts, or
 * nesting deeper than PFZ_SCAN_MAX_DEPTH of import_scan.h), PF_ERR_PYTHON,
 * PF_ERR_NOMEM, or what fn returned. */
int pfz_scan_dynamic_imports(PyObject *code, pfz_dynamic_fn fn, void *ctx, pf_error *err);

#endif
