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

/* ---- bytecode (Lib/opcode.py, Include/opcode.h) ---- */

/* The opcodes the freezer's import scan decodes (resolve/import_scan.c):
 * every instruction is 2 bytes (opcode, argument) followed by its inline
 * CACHE entries; jump arguments count 2-byte units from the next
 * instruction (Python/ceval.c: JUMPBY). Numbers from CPython 3.11's
 * Include/opcode.h. */
#define PF_PY_OP_CACHE 0         /* an inline cache entry: skipped */
#define PF_PY_OP_RETURN_VALUE 83 /* ends a block */
#define PF_PY_OP_FOR_ITER 93     /* jumps forward when exhausted */
#define PF_PY_OP_LOAD_CONST 100  /* pushes co_consts[arg]: an import's level and fromlist */
#define PF_PY_OP_LOAD_NAME 101   /* the __name__ of `if __name__ == "__main__"` */
#define PF_PY_OP_LOAD_ATTR 106
#define PF_PY_OP_COMPARE_OP 107  /* arg 2 is ==, in that test */
#define PF_PY_OP_IMPORT_NAME 108 /* imports co_names[arg] */
#define PF_PY_OP_JUMP_FORWARD 110
#define PF_PY_OP_JUMP_IF_FALSE_OR_POP 111
#define PF_PY_OP_JUMP_IF_TRUE_OR_POP 112
#define PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE 114
#define PF_PY_OP_POP_JUMP_FORWARD_IF_TRUE 115
#define PF_PY_OP_RERAISE 119 /* ends a block */
#define PF_PY_OP_SEND 123
#define PF_PY_OP_POP_JUMP_FORWARD_IF_NOT_NONE 128
#define PF_PY_OP_POP_JUMP_FORWARD_IF_NONE 129
#define PF_PY_OP_RAISE_VARARGS 130 /* ends a block */
#define PF_PY_OP_JUMP_BACKWARD_NO_INTERRUPT 134
#define PF_PY_OP_JUMP_BACKWARD 140
#define PF_PY_OP_EXTENDED_ARG 144 /* prefixes the next argument with 8 more bits */
#define PF_PY_OP_POP_JUMP_BACKWARD_IF_NOT_NONE 173
#define PF_PY_OP_POP_JUMP_BACKWARD_IF_NONE 174
#define PF_PY_OP_POP_JUMP_BACKWARD_IF_FALSE 175
#define PF_PY_OP_POP_JUMP_BACKWARD_IF_TRUE 176

/* Built against CPython's own header (included before this one), the
 * numbers must agree: a different Python fails here, not at run time. */
#ifdef Py_OPCODE_H
_Static_assert(PF_PY_OP_CACHE == CACHE, "opcode CACHE");
_Static_assert(PF_PY_OP_RETURN_VALUE == RETURN_VALUE, "opcode RETURN_VALUE");
_Static_assert(PF_PY_OP_FOR_ITER == FOR_ITER, "opcode FOR_ITER");
_Static_assert(PF_PY_OP_LOAD_CONST == LOAD_CONST, "opcode LOAD_CONST");
_Static_assert(PF_PY_OP_LOAD_NAME == LOAD_NAME, "opcode LOAD_NAME");
_Static_assert(PF_PY_OP_LOAD_ATTR == LOAD_ATTR, "opcode LOAD_ATTR");
_Static_assert(PF_PY_OP_COMPARE_OP == COMPARE_OP, "opcode COMPARE_OP");
_Static_assert(PF_PY_OP_IMPORT_NAME == IMPORT_NAME, "opcode IMPORT_NAME");
_Static_assert(PF_PY_OP_JUMP_FORWARD == JUMP_FORWARD, "opcode JUMP_FORWARD");
_Static_assert(PF_PY_OP_JUMP_IF_FALSE_OR_POP == JUMP_IF_FALSE_OR_POP,
               "opcode JUMP_IF_FALSE_OR_POP");
_Static_assert(PF_PY_OP_JUMP_IF_TRUE_OR_POP == JUMP_IF_TRUE_OR_POP, "opcode JUMP_IF_TRUE_OR_POP");
_Static_assert(PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE == POP_JUMP_FORWARD_IF_FALSE,
               "opcode POP_JUMP_FORWARD_IF_FALSE");
_Static_assert(PF_PY_OP_POP_JUMP_FORWARD_IF_TRUE == POP_JUMP_FORWARD_IF_TRUE,
               "opcode POP_JUMP_FORWARD_IF_TRUE");
_Static_assert(PF_PY_OP_RERAISE == RERAISE, "opcode RERAISE");
_Static_assert(PF_PY_OP_SEND == SEND, "opcode SEND");
_Static_assert(PF_PY_OP_POP_JUMP_FORWARD_IF_NOT_NONE == POP_JUMP_FORWARD_IF_NOT_NONE,
               "opcode POP_JUMP_FORWARD_IF_NOT_NONE");
_Static_assert(PF_PY_OP_POP_JUMP_FORWARD_IF_NONE == POP_JUMP_FORWARD_IF_NONE,
               "opcode POP_JUMP_FORWARD_IF_NONE");
_Static_assert(PF_PY_OP_RAISE_VARARGS == RAISE_VARARGS, "opcode RAISE_VARARGS");
_Static_assert(PF_PY_OP_JUMP_BACKWARD_NO_INTERRUPT == JUMP_BACKWARD_NO_INTERRUPT,
               "opcode JUMP_BACKWARD_NO_INTERRUPT");
_Static_assert(PF_PY_OP_JUMP_BACKWARD == JUMP_BACKWARD, "opcode JUMP_BACKWARD");
_Static_assert(PF_PY_OP_EXTENDED_ARG == EXTENDED_ARG, "opcode EXTENDED_ARG");
_Static_assert(PF_PY_OP_POP_JUMP_BACKWARD_IF_NOT_NONE == POP_JUMP_BACKWARD_IF_NOT_NONE,
               "opcode POP_JUMP_BACKWARD_IF_NOT_NONE");
_Static_assert(PF_PY_OP_POP_JUMP_BACKWARD_IF_NONE == POP_JUMP_BACKWARD_IF_NONE,
               "opcode POP_JUMP_BACKWARD_IF_NONE");
_Static_assert(PF_PY_OP_POP_JUMP_BACKWARD_IF_FALSE == POP_JUMP_BACKWARD_IF_FALSE,
               "opcode POP_JUMP_BACKWARD_IF_FALSE");
_Static_assert(PF_PY_OP_POP_JUMP_BACKWARD_IF_TRUE == POP_JUMP_BACKWARD_IF_TRUE,
               "opcode POP_JUMP_BACKWARD_IF_TRUE");
#endif

/* ---- modules libpython carries frozen (Python/frozen.c) ---- */

/* The freezer keeps no list of them: it asks the embedded libpython, the
 * one the stub links, with _imp.is_frozen, _imp.is_frozen_package and
 * _imp.get_frozen_object (resolve/module_find.c), so the answer always
 * matches the interpreter that runs the program. What it must know by
 * name: */

/* Modules importlib's __init__ replaces by the frozen _frozen_importlib and
 * _frozen_importlib_external (Lib/importlib/__init__.py): their own files
 * are read only where those are missing, so imports of them are followed
 * late (resolve/import_filters.c). */
#define PF_PY_FROZEN_ALIASES                                                                       \
    {                                                                                              \
        "importlib._bootstrap", "importlib._bootstrap_external"                                    \
    }

/* Modules CPython's initialisation imports that libpython does not carry
 * frozen (Python/pylifecycle.c: init_fs_encoding, init_sys_streams): every
 * start of a program reads them, so the payload's first frame holds them
 * (pack/layout.c). */
#define PF_PY_STARTUP_MODULES                                                                      \
    {                                                                                              \
        "encodings", "encodings.aliases", "encodings.utf_8"                                        \
    }

#endif
