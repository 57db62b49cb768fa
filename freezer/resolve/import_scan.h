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

/* One IMPORT_NAME instruction. Every pointer is borrowed from the code
 * object and valid only during the callback. */
typedef struct pfz_import {
    PyObject *name;     /* str: the dotted name as written, "" for `from . import x` */
    int level;          /* 0 for an absolute import, n for n leading dots (PEP 328) */
    PyObject *fromlist; /* tuple of str (`from m import a, b`; ('*',) for `import *`),
                           or NULL for a plain `import m` */
    int line;           /* source line of the instruction, 0 if the code has no line table */
    int in_function;    /* 1: runs only when a function (or lambda, comprehension) is
                           called, being in its code or in code nested in it; 0: runs as
                           the module runs (module level, class bodies) */
    int on_exception;   /* 1: off the normal path on Linux: a module or class body
                           reaches it only through an exception handler (an `except`
                           block, the exception path of `finally` or `with`) or in the
                           block of an `if sys.platform == "win32":` or `if os.name ==
                           "nt":`, or it is in code defined only there; 0: otherwise
                           (a function's own flow is not followed: it runs late anyway) */
    PyCodeObject *code; /* the code object holding the instruction */
} pfz_import;

/* pfz_import_fn: called once per import found. Returns PF_OK to go on, or a
 * pf_status that stops the scan and is returned by pfz_scan_imports
 * unchanged (err then belongs to the callback). */
typedef int (*pfz_import_fn)(void *ctx, const pfz_import *imp, pf_error *err);

/* Flags of pfz_scan_imports. */
#define PFZ_SCAN_SKIP_MAIN_GUARD 0x1u /* ignore the module-level `if __name__ == "__main__":` */

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
 * on_exception: each code object's normal control flow is followed from
 * its first instruction (fall-through, and the targets of the jump
 * instructions of CPython 3.11 Include/opcode.h; RETURN_VALUE, RAISE_VARARGS,
 * RERAISE and unconditional jumps end a path) without the edges of its
 * exception table (co_exceptiontable): what that does not reach is
 * exception-handling code (Objects/exception_handling_notes.txt). The
 * compiler copies a `finally` body onto the normal path, so only its
 * exception path counts. A POP_JUMP_FORWARD_IF_FALSE right after
 * LOAD_NAME sys, LOAD_ATTR platform, LOAD_CONST 'win32', COMPARE_OP ==
 * (or os/_os, name, 'nt') is taken as always jumping: the block it skips is
 * Windows code. The flag orders nothing itself; the resolver uses
 * it to lay out the frames (module_graph.c: on_import).
 *
 * flags: 0 or PFZ_SCAN_SKIP_MAIN_GUARD, for a module imported by name: the
 * import system sets its __name__ to that name (importlib._bootstrap
 * _init_module_attrs), so the body of a module-level
 * `if __name__ == "__main__":` never runs and its imports (often test and
 * demo tools: doctest, pdb) are not reported, nor those of functions and
 * classes defined in it. Only that exact form is recognised: LOAD_NAME
 * __name__, LOAD_CONST '__main__', COMPARE_OP ==, POP_JUMP_FORWARD_IF_FALSE.
 *
 * Returns PF_OK; PF_ERR_USAGE (code is not a code object); PF_ERR_CORRUPT (an
 * argument indexes past co_names, or nesting exceeds PFZ_SCAN_MAX_DEPTH);
 * PF_ERR_PYTHON (the interpreter failed, e.g. out of memory; the exception is
 * cleared and its text put in err); or whatever fn returned. */
int pfz_scan_imports(PyObject *code, unsigned flags, pfz_import_fn fn, void *ctx, pf_error *err);

#endif
