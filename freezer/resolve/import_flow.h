/* import_flow.h - the control flow of one code object, as the import scan
 * (import_scan.c) needs it to classify each import: on the normal path, in
 * an exception handler (and which try body that handler protects), or in a
 * block that never runs on Linux (`if TYPE_CHECKING:`, a test of
 * sys.platform or os.name for another OS). Read from the bytecode and its
 * exception table alone; nothing is executed. Include Python.h first. */
#ifndef PFZ_IMPORT_FLOW_H
#define PFZ_IMPORT_FLOW_H

#include <stddef.h>

#include "import_scan.h"
#include "pf_error.h"

typedef struct pfz_flow pfz_flow;

/* Where one instruction sits. */
typedef struct pfz_flow_place {
    pfz_import_guard guard; /* PFZ_GUARD_NONE, _HANDLER, _FALLBACK, _TYPE_CHECKING or
                               _OTHER_OS (import_scan.h) */
    size_t try_start;       /* PFZ_GUARD_FALLBACK: the try body the handler protects, */
    size_t try_end;         /* as 2-byte units [try_start, try_end); else 0, 0 */
    int in_try;             /* 1: inside the try body of a handler that catches
                               ImportError (ModuleNotFoundError, Exception, BaseException,
                               or a bare except), so a failed import there is handled;
                               2: the same, and such a handler imports a fallback (`try:
                               from _decimal import *` `except ImportError: from
                               _pydecimal import *`); 0: neither */
} pfz_flow_place;

/* pfz_flow_build: the flow of code, whose unquickened bytecode is insns
 * (`units` 2-byte units, borrowed: it must outlive *out).
 *
 * The normal path is followed from unit 0 (fall-through, and the jumps of
 * CPython 3.11 Include/opcode.h; RETURN_VALUE, RAISE_VARARGS, RERAISE and
 * unconditional jumps end a path) without the exception table's edges. A
 * POP_JUMP_FORWARD_IF_FALSE/TRUE whose condition is known on Linux is taken
 * always or never: `TYPE_CHECKING` or `X.TYPE_CHECKING` (false at run time,
 * typing docs); `sys.platform` (also `_sys`) compared with == or != to a
 * string, tested with `in`/`not in` against a tuple of strings, or
 * `.startswith(S)`; `os.name` (also `_os`) the same; evaluated with
 * sys.platform "linux" and os.name "posix". The block the known jump skips
 * is a region of its own (TYPE_CHECKING or other OS). Each handler of the
 * exception table (co_exceptiontable, parsed as Lib/dis.py
 * _parse_exception_table; Objects/exception_handling_notes.txt) is a region
 * reached from its target, and protects the span of the entries that name
 * it; regions nest in the region their guard or try body sits in.
 *
 * Returns PF_OK, PF_ERR_CORRUPT (the exception table points outside the
 * code), PF_ERR_NOMEM. *out is freed with pfz_flow_free. */
int pfz_flow_build(PyCodeObject *code, const unsigned char *insns, size_t units, pfz_flow **out,
                   pf_error *err);

/* pfz_flow_place_of: where unit (< units) sits. A never-run guard anywhere
 * around it wins over a handler; an instruction no path reaches (dead code)
 * is PFZ_GUARD_HANDLER. A handler is PFZ_GUARD_FALLBACK when one of its
 * `except` clauses catches ImportError or its subclass ModuleNotFoundError,
 * Exception or BaseException, or is bare. */
void pfz_flow_place_of(const pfz_flow *f, size_t unit, pfz_flow_place *place);

/* pfz_flow_free: frees f; accepts NULL. */
void pfz_flow_free(pfz_flow *f);

#endif
