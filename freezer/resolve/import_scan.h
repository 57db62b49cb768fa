/* import_scan.h - finds the import statements in a compiled code object.
 *
 * Every `import` and `from ... import` statement compiles to
 *     LOAD_CONST level; LOAD_CONST fromlist; IMPORT_NAME name
 * (CPython 3.11 Python/compile.c, compiler_import and compiler_from_import),
 * so the imports of a module are read from its bytecode rather than guessed
 * from its text: code in functions, classes, conditionals and try blocks is
 * included, and nothing is executed. Needs the embedded interpreter
 * (python_host.h). */
#ifndef PFZ_IMPORT_SCAN_H
#define PFZ_IMPORT_SCAN_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pf_error.h"

/* Nested code objects (functions in functions) deeper than this are refused;
 * CPython's compiler stops far earlier (its recursion limit). */
#define PFZ_SCAN_MAX_DEPTH 1000

/* Where an import sits, as far as its code object's bytecode shows
 * (import_flow.h), in order from least to most guarded. */
typedef enum pfz_import_guard {
    PFZ_GUARD_NONE = 0,      /* on the code's normal path */
    PFZ_GUARD_HANDLER,       /* reached only through an exception handler that does not
                                catch a failed import (`except KeyError:`, the exception
                                path of `finally`), in code no path reaches, or in code
                                defined only there */
    PFZ_GUARD_FALLBACK,      /* in a handler that catches a failed import (`except
                                ImportError:`, ModuleNotFoundError, Exception,
                                BaseException, bare `except:`): runs only when its try body
                                failed; try_imports lists that body's imports */
    PFZ_GUARD_TYPE_CHECKING, /* under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`:
                                never runs */
    PFZ_GUARD_OTHER_OS,      /* under a test of sys.platform or os.name false on Linux
                                (`if sys.platform == "win32":`, the else of `if os.name ==
                                "posix":`): never runs here */
} pfz_import_guard;

/* One IMPORT_NAME instruction. Every pointer is borrowed from the code
 * object (or the scan) and valid only during the callback. */
typedef struct pfz_import {
    PyObject *name;         /* str: the dotted name as written, "" for `from . import x` */
    int level;              /* 0 for an absolute import, n for n leading dots (PEP 328) */
    PyObject *fromlist;     /* tuple of str (`from m import a, b`; ('*',) for `import *`),
                               or NULL for a plain `import m` */
    int line;               /* source line of the instruction, 0 if the code has no line table */
    int in_function;        /* 1: runs only when a function (or lambda, comprehension) is
                               called, being in its code or in code nested in it; 0: runs as
                               the module runs (module level, class bodies) */
    int on_exception;       /* 1: off the normal path on Linux (guard is not
                               PFZ_GUARD_NONE); 0: otherwise */
    pfz_import_guard guard; /* where it sits; a code object defined under a guard passes
                               it on to its imports (a fallback's as PFZ_GUARD_HANDLER) */
    PyObject *try_imports;  /* PFZ_GUARD_FALLBACK: tuple of (name, level) for each import
                               in the try body the handler protects (possibly empty);
                               NULL otherwise */
    int in_try;             /* 1: in the try body of a handler that catches a failed
                               import, so its failure is handled; 2: the same, and that
                               handler imports a fallback (import_flow.h) */
    PyCodeObject *code;     /* the code object holding the instruction */
    const char *via;        /* NULL for a statement; for an import no statement shows
                               (extra_imports.c) static text naming what found it */
    int at_use;             /* 1: a rules file's hidden import made only when something
                               is used (hidden_imports_at_use): followed after what runs
                               as modules load, as an import in a function is, but never
                               left out as optional; 0: otherwise (the scan's own) */
} pfz_import;

/* pfz_import_fn: called once per import found. Returns PF_OK to go on, or a
 * pf_status that stops the scan and is returned by pfz_scan_imports
 * unchanged (err then belongs to the callback). */
typedef int (*pfz_import_fn)(void *ctx, const pfz_import *imp, pf_error *err);

/* Flags of pfz_scan_imports. */
#define PFZ_SCAN_SKIP_MAIN_GUARD 0x1u /* ignore the module-level `if __name__ == "__main__":` */
#define PFZ_SCAN_SKIP_MAIN_NAMED                                                                   \
    0x2u /* with it, a function named `main` only that block                                       \
            calls is skipped too (see below) */

/* pfz_scan_imports: calls fn for every IMPORT_NAME in code and, after those,
 * in each code object found in its co_consts (recursively, in co_consts
 * order), so a module's top-level imports come first in the order they run.
 *
 * code: a code object (PyCode_Check). Its bytecode is read unquickened
 * (PyCode_GetCode) as 2-byte units (opcode, argument byte), with EXTENDED_ARG
 * prefixes widening the argument and the inline CACHE entries (opcode 0)
 * skipped (CPython 3.11 Include/opcode.h; the cache sizes are
 * _PyOpcode_Caches in Include/internal/pycore_opcode.h). When
 * the two instructions before an IMPORT_NAME are not the LOAD_CONSTs the
 * compiler emits (hand-made code objects), the import is reported as
 * absolute with no fromlist.
 *
 * guard, in_try, on_exception: every code object's flow is read by
 * import_flow.h (pfz_flow_build): its normal path, its exception handlers
 * and the try bodies they protect (co_exceptiontable), and the blocks
 * behind a test whose value is known on Linux (TYPE_CHECKING, sys.platform,
 * os.name). The flags order nothing themselves; the resolver lays out the
 * frames with them and decides which imports to follow (module_walk.c).
 *
 * flags: 0 or PFZ_SCAN_SKIP_MAIN_GUARD, for a module imported by name: the
 * import system sets its __name__ to that name (importlib._bootstrap
 * _init_module_attrs), so the body of a module-level
 * `if __name__ == "__main__":` never runs and its imports (often test and
 * demo tools: doctest, pdb) are not reported, nor those of functions and
 * classes defined in it. Only that exact form is recognised: LOAD_NAME
 * __name__, LOAD_CONST '__main__', COMPARE_OP ==, POP_JUMP_FORWARD_IF_FALSE.
 * Nor are those of a module-level function only that block can call: one
 * with a private name (`_test`), or named `main` with
 * PFZ_SCAN_SKIP_MAIN_NAMED (for the stdlib, whose `main` functions serve
 * `python3 -m MODULE`; elsewhere another module may import a `main`, e.g.
 * a package's __main__.py), defined by a plain `def`,
 * that the rest of the module body never loads by name and no other code
 * object of the module names in its co_names, except functions so skipped
 * (random._test calls _test_generator, which imports statistics).
 *
 * Returns PF_OK; PF_ERR_USAGE (code is not a code object); PF_ERR_CORRUPT (an
 * argument indexes past co_names, or nesting exceeds PFZ_SCAN_MAX_DEPTH);
 * PF_ERR_PYTHON (the interpreter failed, e.g. out of memory; the exception is
 * cleared and its text put in err); or whatever fn returned. */
int pfz_scan_imports(PyObject *code, unsigned flags, pfz_import_fn fn, void *ctx, pf_error *err);

/* pfz_scan_python_error: clears the pending Python exception and records
 * its text in err ("python error while reading bytecode: ..."), for the
 * readers of bytecode (this file, dynamic_imports.c). Returns
 * PF_ERR_PYTHON. */
int pfz_scan_python_error(pf_error *err);

#endif
