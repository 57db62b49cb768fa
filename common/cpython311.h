/* cpython311.h - everything pyfreeze knows about CPython 3.11 in particular:
 * the interpreter configuration fields the boot sets, the audit-event
 * argument layouts the importer reads, the opcode numbers the import scan
 * decodes, and the modules libpython carries frozen. A later Python version
 * is one more file like this one plus build logic; nothing else in the tree
 * names a 3.11 detail.
 *
 * Rule sources are cited per section (CPython 3.11's Include/, Python/ and
 * Lib/opcode.py). */
#ifndef PF_CPYTHON311_H
#define PF_CPYTHON311_H

/* ---- the interpreter configuration (Include/cpython/initconfig.h) ---- */

/* ---- audit events (Doc/library/audit_events.rst, Python/sysmodule.c) ---- */

/* ---- private C API the runtime calls (Include/cpython/, Python/) ----
 * Each macro expands to CPython code: include Python.h before using one. */

/* PF_PY_THREAD_STATE_OR_NULL(): the thread state current in the calling
 * thread, or NULL when there is none (before CPython starts), where
 * PyThreadState_Get() would be a fatal error (Include/cpython/pystate.h;
 * public as PyThreadState_GetUnchecked() from 3.13). */
#define PF_PY_THREAD_STATE_OR_NULL() _PyThreadState_UncheckedGet()

/* ---- bytecode (Lib/opcode.py, Include/opcode.h) ---- */

/* ---- modules libpython carries frozen (Python/frozen.c) ---- */

#endif
