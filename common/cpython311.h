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

/* The fields the boot sets that are private or new in 3.11, and the
 * functions that go with them. The public, long-standing fields (isolated,
 * use_environment, site_import, ...) are set directly
 * (runtime/boot/boot_config.c). Each macro expands to CPython code: include
 * Python.h before using one. */

/* PF_PY_CONFIG_STOP_AFTER_CORE(config): two-phase initialisation:
 * Py_InitializeFromConfig stops once the core is up (builtins, sys, the
 * frozen importlib), before main initialisation imports `encodings`; the
 * boot puts its importer on sys.meta_path in between. A private field in
 * 3.11 (PEP 587, "Multi-Phase Initialization Private Provisional API"). */
#define PF_PY_CONFIG_STOP_AFTER_CORE(config) ((config)->_init_main = 0)

/* PF_PY_INITIALIZE_MAIN(): the second phase; a PyStatus. Private in 3.11
 * (Python/pylifecycle.c: _Py_InitializeMain). */
#define PF_PY_INITIALIZE_MAIN() _Py_InitializeMain()

/* PF_PY_CONFIG_SET_SAFE_PATH(config, on): python3 -P, new in 3.11: no
 * script directory or current directory first on sys.path. */
#define PF_PY_CONFIG_SET_SAFE_PATH(config, on) ((config)->safe_path = (on))

/* PF_PY_CONFIG_USE_FROZEN_MODULES(config): import the stdlib modules
 * libpython carries frozen (-X frozen_modules=on), new in 3.11. */
#define PF_PY_CONFIG_USE_FROZEN_MODULES(config) ((config)->use_frozen_modules = 1)

/* PF_PY_SET_INSPECT(on): python3 -i's switch in the running main
 * interpreter, as Modules/main.c's pymain_set_inspect does in 3.11: the
 * interpreter's own config (read-only through the public API, changed in
 * place as CPython does) and the global Py_InspectFlag, which PyErr_Print
 * reads (Python/pythonrun.c: _Py_HandleSystemExit). A statement. */
#define PF_PY_SET_INSPECT(on)                                                                      \
    do {                                                                                           \
        ((PyConfig *)_PyInterpreterState_GetConfig(PyInterpreterState_Get()))->inspect = (on);     \
        Py_InspectFlag = (on);                                                                     \
    } while (0)

/* PF_PY_NORMPATH(path): normalises the NUL-terminated wide string path in
 * place as getpath does before making a PYTHONPATH entry absolute
 * (Modules/getpath.c: getpath_abspath): `.` components, repeated and
 * trailing separators go, `..` stays; returns a pointer into path (a
 * leading "./" is skipped). Python/fileutils.c's _Py_normpath, declared in
 * 3.11's internal header only (Include/internal/pycore_fileutils.h), and
 * exported (PyAPI_FUNC). Needs Python.h. */
#ifdef Py_PYTHON_H
PyAPI_FUNC(wchar_t *) _Py_normpath(wchar_t *path, Py_ssize_t size);
#define PF_PY_NORMPATH(path) _Py_normpath((path), -1)
#endif

/* ---- audit events (Doc/library/audit_events.rst, Python/sysmodule.c) ---- */

/* "import" (Python/import.c: import_find_and_load), raised by every import
 * of a module not yet in sys.modules, with the arguments (module, filename,
 * sys.path, sys.meta_path, sys.path_hooks); PF_AUDIT_IMPORT_META_PATH is
 * sys.meta_path's index among them. */
#define PF_AUDIT_IMPORT "import"
#define PF_AUDIT_IMPORT_META_PATH 3

/* "exec" (Python/pythonrun.c: run_mod; Python/bltinmodule.c: exec), raised
 * before code given to PyRun_String* or exec() runs: (code_object,). */
#define PF_AUDIT_EXEC "exec"

/* "cpython.run_interactivehook" (Modules/main.c:
 * pymain_run_interactive_hook), raised before sys.__interactivehook__ is
 * called: (hook,), i.e. PySys_Audit(PF_AUDIT_RUN_INTERACTIVEHOOK,
 * PF_AUDIT_RUN_INTERACTIVEHOOK_ARGS, hook). */
#define PF_AUDIT_RUN_INTERACTIVEHOOK "cpython.run_interactivehook"
#define PF_AUDIT_RUN_INTERACTIVEHOOK_ARGS "O"

/* ---- private C API the runtime calls (Include/cpython/, Python/) ----
 * Each macro expands to CPython code: include Python.h before using one. */

/* PF_PY_THREAD_STATE_OR_NULL(): the thread state current in the calling
 * thread, or NULL when there is none (before CPython starts), where
 * PyThreadState_Get() would be a fatal error (Include/cpython/pystate.h;
 * public as PyThreadState_GetUnchecked() from 3.13). */
#define PF_PY_THREAD_STATE_OR_NULL() _PyThreadState_UncheckedGet()

/* PF_PY_COMPILER_FLAGS_INIT: a PyCompilerFlags' initial value
 * (Include/cpython/compile.h). */
#define PF_PY_COMPILER_FLAGS_INIT _PyCompilerFlags_INIT

/* PF_PY_CFUNCTION_DOC(fn): the doc string (a static C string) of built-in
 * function fn, read from 3.11's PyCFunctionObject layout
 * (Include/cpython/methodobject.h). */
#define PF_PY_CFUNCTION_DOC(fn) (((PyCFunctionObject *)(fn))->m_ml->ml_doc)

/* PF_PY_INTERPRETER_CREATORS: the exported functions that start a
 * sub-interpreter in 3.11 (Include/cpython/pylifecycle.h): an extension
 * module importing one of them can create interpreters. An initializer of
 * an array of C strings (no Python.h needed). */
#define PF_PY_INTERPRETER_CREATORS                                                                 \
    {                                                                                              \
        "Py_NewInterpreter", "_Py_NewInterpreter"                                                  \
    }

/* ---- private names of the stdlib the runtime relies on (Lib/, Python/) ---- */

/* The import system's frozen modules (Lib/importlib/_bootstrap.py,
 * _bootstrap_external.py) and the private functions the importer calls in
 * them and in _imp (Python/import.c). CPython trims the frames of
 * functions named _call_with_frames_removed from import tracebacks
 * (Python/import.c: remove_importlib_frames). */
#define PF_PY_BOOTSTRAP "_frozen_importlib"
#define PF_PY_BOOTSTRAP_EXTERNAL "_frozen_importlib_external"
#define PF_PY_CALL_WITH_FRAMES_REMOVED "_call_with_frames_removed"
#define PF_PY_IMP_FIX_CO_FILENAME "_fix_co_filename"
#define PF_PY_IMP_CREATE_DYNAMIC "create_dynamic"
#define PF_PY_IMP_EXEC_DYNAMIC "exec_dynamic"

/* A frozen stdlib module's spec as FrozenImporter makes it in 3.11
 * (Lib/importlib/_bootstrap.py: FrozenImporter.find_spec,
 * _resolve_filename): origin "frozen", and loader_state with the module's
 * original name and its filename under sys._stdlib_dir (new in 3.11). */
#define PF_PY_FROZEN_ORIGIN "frozen"
#define PF_PY_FROZEN_STATE_ORIGNAME "origname"
#define PF_PY_FROZEN_STATE_FILENAME "filename"
#define PF_PY_SYS_STDLIB_DIR "_stdlib_dir"

/* _sitebuiltins._Printer's attributes as its __init__ sets them in 3.11
 * (Lib/_sitebuiltins.py), private names mangled. */
#define PF_PY_PRINTER_NAME "_Printer__name"
#define PF_PY_PRINTER_DATA "_Printer__data"
#define PF_PY_PRINTER_LINES "_Printer__lines"
#define PF_PY_PRINTER_FILENAMES "_Printer__filenames"

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
/* the import guards (resolve/import_flow.c) read these too */
#define PF_PY_OP_POP_TOP 1
#define PF_PY_OP_PUSH_EXC_INFO 35   /* first instruction of an exception handler */
#define PF_PY_OP_CHECK_EXC_MATCH 36 /* an `except X:` clause's test */
#define PF_PY_OP_BUILD_TUPLE 102
#define PF_PY_OP_LOAD_GLOBAL 116 /* names co_names[arg >> 1] */
#define PF_PY_OP_CONTAINS_OP 118 /* arg 1: `not in` */
#define PF_PY_OP_LOAD_METHOD 160
#define PF_PY_OP_PRECALL 166
#define PF_PY_OP_CALL 171
#define PF_PY_OP_STORE_NAME 90     /* `def f` at module level: LOAD_CONST code, */
#define PF_PY_OP_MAKE_FUNCTION 132 /* MAKE_FUNCTION, STORE_NAME f */
/* The calls the dynamic-import scan reads (resolve/dynamic_imports.c):
 * `f("name", ...)` compiles to a load of f (LOAD_NAME, LOAD_GLOBAL whose
 * arg>>1 indexes co_names, or LOAD_ATTR / LOAD_METHOD after its object),
 * the arguments, KW_NAMES for keywords, then PRECALL and CALL. */
#define PF_PY_OP_PUSH_NULL 2
#define PF_PY_OP_BUILD_LIST 103
#define PF_PY_OP_LOAD_FAST 124
#define PF_PY_OP_LOAD_DEREF 137
#define PF_PY_OP_LIST_EXTEND 162
#define PF_PY_OP_KW_NAMES 172

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
_Static_assert(PF_PY_OP_POP_TOP == POP_TOP, "opcode POP_TOP");
_Static_assert(PF_PY_OP_PUSH_EXC_INFO == PUSH_EXC_INFO, "opcode PUSH_EXC_INFO");
_Static_assert(PF_PY_OP_CHECK_EXC_MATCH == CHECK_EXC_MATCH, "opcode CHECK_EXC_MATCH");
_Static_assert(PF_PY_OP_BUILD_TUPLE == BUILD_TUPLE, "opcode BUILD_TUPLE");
_Static_assert(PF_PY_OP_LOAD_GLOBAL == LOAD_GLOBAL, "opcode LOAD_GLOBAL");
_Static_assert(PF_PY_OP_CONTAINS_OP == CONTAINS_OP, "opcode CONTAINS_OP");
_Static_assert(PF_PY_OP_LOAD_METHOD == LOAD_METHOD, "opcode LOAD_METHOD");
_Static_assert(PF_PY_OP_PRECALL == PRECALL, "opcode PRECALL");
_Static_assert(PF_PY_OP_CALL == CALL, "opcode CALL");
_Static_assert(PF_PY_OP_STORE_NAME == STORE_NAME, "opcode STORE_NAME");
_Static_assert(PF_PY_OP_MAKE_FUNCTION == MAKE_FUNCTION, "opcode MAKE_FUNCTION");
_Static_assert(PF_PY_OP_PUSH_NULL == PUSH_NULL, "opcode PUSH_NULL");
_Static_assert(PF_PY_OP_BUILD_LIST == BUILD_LIST, "opcode BUILD_LIST");
_Static_assert(PF_PY_OP_LOAD_FAST == LOAD_FAST, "opcode LOAD_FAST");
_Static_assert(PF_PY_OP_LOAD_DEREF == LOAD_DEREF, "opcode LOAD_DEREF");
_Static_assert(PF_PY_OP_LIST_EXTEND == LIST_EXTEND, "opcode LIST_EXTEND");
_Static_assert(PF_PY_OP_KW_NAMES == KW_NAMES, "opcode KW_NAMES");
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
