/* importer_internal.h - what the importer's files share: the importer
 * object's layout and the functions one file gives the files after it. Not
 * for other files: the public interface is importer.h.
 *
 * The files, each using only the ones listed before it (no calls back up):
 *   importer_object.c  the object itself: its lifecycle, the process data
 *                      every interpreter's importer is made from
 *   members.c          the payload's members as the importer shows them
 *                      (module entries, paths under the executable, bytes,
 *                      code objects)
 *   support_module.c   support.py (the Python half: resources,
 *                      path entry finder), compiled on first use, and the
 *                      methods that answer those protocols
 *   libraries.c        the bundled libraries a program loads itself
 *                      (ctypes), and the patches that find them
 *   left_out.c         the ModuleNotFoundError of a module the freezer left
 *                      out names the option that packs it
 *   file_system.c      open(), os.open and os.stat/lstat/listdir/scandir/
 *                      access/statvfs/readlink over paths under the
 *                      executable (member_fd.h: a member as a descriptor);
 *                      installs the path hook
 *   subinterpreters.c  an importer for each sub-interpreter, through a
 *                      process-wide audit hook
 *   finder_loader.c    the PEP 451 meta path finder and loader methods
 *   importer.c         the _pyfreeze module, the type's method table,
 *                      pf_importer_install
 *
 * Every function here takes an importer of the interpreter current in the
 * calling thread, whose GIL it holds; "an exception" means a Python
 * exception set. A damaged member ends the process (damaged.h) in any
 * function that reads one (said at each).
 *
 * Include Python.h before this header. */
#ifndef PF_IMPORTER_INTERNAL_H
#define PF_IMPORTER_INTERNAL_H

#include <stddef.h>

#include "payload.h"
#include "payload_reader.h"

/* One importer per interpreter: the main one (pf_importer_install) and one
 * in each sub-interpreter (subinterpreters.c). Every object it holds
 * belongs to its own interpreter, fetched there on first use; only the type
 * (static, as CPython's own types are in 3.11) and the payload are shared. */
typedef struct pf_importer {
    PyObject_HEAD pf_payload *payload; /* borrowed, lives for the whole process */
    const char *executable;            /* its path (process_executable), for pf_damaged_exit */
    PyObject *root;                    /* str: "<executable>/" */
    int hooks_done;                    /* payload_open and the path hook are installed */
    int ready;                         /* sub-interpreters: finish_ready_subinterpreter ran */
    PyObject *original_open;           /* builtins.open before payload_open replaced it */
    PyObject *support_module;          /* _pyfreeze_support once compiled */
    PyObject *root_finder_type;        /* the "<executable>" path entry finder's class */
    /* from importlib and builtins, fetched on first use (they exist as soon
     * as CPython's core initialisation has run) */
    PyObject *module_spec_type;         /* importlib.machinery.ModuleSpec */
    PyObject *call_with_frames_removed; /* importlib._bootstrap._call_with_frames_removed */
    PyObject *builtin_exec;             /* builtins.exec */
    PyObject *fix_co_filename;          /* _imp._fix_co_filename */
    PyObject *decode_source;            /* importlib._bootstrap_external.decode_source */
    PyObject *create_dynamic;           /* _imp.create_dynamic */
    PyObject *exec_dynamic;             /* _imp.exec_dynamic */
} pf_importer;

/* ---- importer_object.c ---- */

/* pf_importer_type: the importer's type, static as CPython 3.11's own
 * types are; its method table is set by pf_importer_module_init
 * (importer.c) before PyType_Ready, so this file needs none of the files
 * that define the methods. */
extern PyTypeObject pf_importer_type;

/* pf_importer_set_process: records what every interpreter's importer is
 * made from: payload (borrowed: it must outlive CPython) and the
 * executable's path (copied). Returns 0, or -1 with OSError when the path
 * is PATH_MAX bytes or longer. */
int pf_importer_set_process(pf_payload *payload, const char *executable);

/* pf_importer_process: the payload pf_importer_set_process recorded
 * (borrowed; NULL before it ran), with *executable set to the executable's
 * path it recorded ("" before). For native_path.c. */
pf_payload *pf_importer_process(const char **executable);

/* pf_importer_new: an importer for the current interpreter over the
 * process's payload, not yet on sys.meta_path: a new reference, or NULL
 * with an exception. Needs pf_importer_set_process and the type ready
 * (pf_importer_module_init has run). */
pf_importer *pf_importer_new(void);

/* pf_importer_fetch_attr: when *slot is NULL, sets it to a new reference
 * to module.name (imported as needed); a slot already set is left as is.
 * Returns 0, or -1 with an exception. */
int pf_importer_fetch_attr(PyObject **slot, const char *module, const char *name);

/* ---- members.c: the payload's members as the importer shows them ---- */

/* pf_importer_find_module: the module entry called name (a str). Returns
 * 1 and fills *entry when the payload has it, 0 when not, -1 with an
 * exception (name not encodable). */
int pf_importer_find_module(pf_importer *self, PyObject *name, pf_entry *entry);

/* pf_importer_require_module: as pf_importer_find_module, but a module the
 * payload does not hold is -1 with ImportError naming it (as zipimport's
 * loader raises). Returns 1 or -1. */
int pf_importer_require_module(pf_importer *self, PyObject *name, pf_entry *entry);

/* pf_importer_entry_is_package: 1 when module entry `module` is a package: a
 * regular or namespace package, or an extension module whose file is
 * NAME/__init__.<suffix> (mypyc compiles a package's __init__), as
 * importlib's FileFinder makes it one; else 0. */
int pf_importer_entry_is_package(pf_importer *self, const pf_entry *module);

/* pf_importer_member_of: the file entry holding module entry `module`'s
 * data into *file. Returns 1, or 0 for a namespace package (no file). */
int pf_importer_member_of(pf_importer *self, const pf_entry *module, pf_entry *file);

/* pf_importer_member_path: "<executable>/X" for file member "lib/X", a
 * ".pyc" shown as ".py": a new str, or NULL with an exception. */
PyObject *pf_importer_member_path(pf_importer *self, const pf_entry *file);

/* pf_importer_package_dir: "<executable>/a/b" for package name a.b (a
 * str), its __path__ entry: a new str, or NULL with an exception. */
PyObject *pf_importer_package_dir(pf_importer *self, PyObject *fullname);

/* pf_importer_module_origin: module entry `module`'s __file__ (a new
 * reference; Py_None for a namespace package), or NULL with an exception. */
PyObject *pf_importer_module_origin(pf_importer *self, const pf_entry *module);

/* pf_importer_lookup_path: finds the file entry "lib/" + rel + suffix,
 * where rel[0..relSize) is UTF-8 and suffix a C string (may be ""). Returns
 * 1 with *file filled when found, else 0 (also for a name too long to be in
 * the payload). No exception. */
int pf_importer_lookup_path(pf_importer *self, const char *rel, size_t relSize, const char *suffix,
                            pf_entry *file);

/* PF_PAYLOAD_REL_CAPACITY: room for any payload-relative path a member can
 * have (the index rejects longer names). */
#define PF_PAYLOAD_REL_CAPACITY (PF_MAX_NAME_SIZE + 16)

/* pf_importer_path_text: path (a str, bytes or os.PathLike giving one) as
 * a str, bytes decoded as os.fsdecode does (PEP 383: the file system
 * encoding with surrogateescape). Returns a new reference, or NULL with an
 * exception (TypeError for anything else). */
PyObject *pf_importer_path_text(PyObject *path);

/* pf_importer_payload_rel: when path (a str, bytes or os.PathLike giving
 * one; bytes decoded as os.fsdecode does) names "<executable>/X", writes
 * X, its "." and ".." parts resolved and repeated slashes dropped (as
 * os.path.normpath does: the kernel never sees these paths, since the
 * executable is a file), as UTF-8 into rel[0..*relSize) (no NUL; "" for
 * "<executable>/" itself) and returns 1. Returns 0 for anything else: a
 * descriptor, another path, one whose ".." leaves "<executable>/", one with
 * a NUL, one longer than capacity bytes, or an argument of a wrong type
 * (left to the original function to report). Sets no exception. */
int pf_importer_payload_rel(pf_importer *self, PyObject *path, char *rel, size_t capacity,
                            size_t *relSize);

/* pf_importer_read_member: the bytes of file entry `file`: a new bytes
 * object, or NULL with an exception (no memory). A damaged frame ends the
 * process. */
PyObject *pf_importer_read_member(pf_importer *self, const pf_entry *file);

/* pf_importer_code_of_member: the code object of .pyc member `file`, with
 * co_filename `path` (a str): a new reference, or NULL with an exception.
 * A damaged frame, a header of another Python or data that is no code
 * object ends the process. */
PyObject *pf_importer_code_of_member(pf_importer *self, const pf_entry *file, PyObject *path);

/* ---- support_module.c: support.py and the protocols it answers ---- */

/* pf_importer_support: the _pyfreeze_support module (support.py),
 * compiled on first use, its _importer set to self and put in
 * sys.modules: a borrowed reference (self keeps it), or NULL with an
 * exception. */
PyObject *pf_importer_support(pf_importer *self);

/* The importer's methods that support.py answers or uses; each a
 * PyCFunction of the method table (importer.c), documented at its
 * definition: get_resource_reader, _path_hook, iter_modules,
 * _member_size, _members, _submodules. */
PyObject *pf_importer_get_resource_reader(pf_importer *self, PyObject *fullname);
PyObject *pf_importer_path_hook(pf_importer *self, PyObject *path);
PyObject *pf_importer_iter_modules(pf_importer *self, PyObject *args, PyObject *kwargs);
PyObject *pf_importer_member_size(pf_importer *self, PyObject *rel);
PyObject *pf_importer_members(pf_importer *self, PyObject *unused);
PyObject *pf_importer_submodules(pf_importer *self, PyObject *package);

/* ---- frozen_fresh.c: libpython's frozen modules imported afresh ---- */

/* pf_importer_frozen_spec: for a module the payload does not hold: when
 * fullname (a str) is one of the stdlib modules libpython carries frozen
 * and frozen modules are turned off (_imp._override_frozen_modules_for_tests(-1),
 * as test.support's import_fresh_module does, so that python3 imports
 * the module from its source), a new ModuleSpec whose loader is the
 * importer, origin "<executable>/a/b.py" (or "/__init__.py"), and
 * loader_state the frozen code object (read with frozen modules turned on
 * for the call); else None (a new reference). NULL with an exception. */
PyObject *pf_importer_frozen_spec(pf_importer *self, PyObject *fullname);

/* pf_importer_frozen_code: the code object a pf_importer_frozen_spec spec
 * carries (a new reference), None for any other spec, NULL with an
 * exception. */
PyObject *pf_importer_frozen_code(PyObject *spec);

/* ---- libraries.c: the bundled libraries a program loads itself ---- */

/* _libraries, _load_library and _native_path (importer.c's method table), documented at
 * their definitions. */
PyObject *pf_importer_libraries(pf_importer *self, PyObject *unused);
PyObject *pf_importer_load_library(pf_importer *self, PyObject *name);
PyObject *pf_importer_native_path(pf_importer *self, PyObject *rel);

/* pf_importer_patch_loaded: called by exec_module once module `name` (str)
 * has run: for ctypes and ctypes.util, when the payload bundles shared
 * libraries or extension modules, support.py's patch_module(name, module)
 * makes their loading by name or path find the bundled copies
 * (docs/native-libraries.md). Returns a new
 * reference (None), or NULL with an exception. */
PyObject *pf_importer_patch_loaded(pf_importer *self, PyObject *name, PyObject *module);

/* ---- left_out.c ---- */

/* pf_importer_install_left_out: wraps the current interpreter's
 * importlib._bootstrap._find_and_load so that python3's ModuleNotFoundError
 * ("No module named 'X'") for a name the payload index records as left out
 * (payload.h: PF_KIND_NOT_FOLLOWED, PF_KIND_EXCLUDED) says it was not
 * packed and which option packs it (--hidden-import X; for an
 * --exclude-module name, that option); its type, .name and traceback stay.
 * Once per interpreter, from pf_importer_install_hooks. Never fails: a
 * failure leaves python3's messages and is cleared. */
void pf_importer_install_left_out(pf_importer *self);

/* ---- codec_hint.c ---- */

/* pf_importer_install_codec_hint: registers a codec search function
 * (codecs.register) after encodings' own: a lookup that encodings'
 * function cannot serve, of a codec whose module encodings.X the payload
 * index records as left out (the codecs the freezer packs on demand),
 * raises LookupError("unknown encoding: NAME (... --hidden-import
 * encodings.X ...)"); any other name gives None, so python3's message
 * stays. Once per interpreter, from pf_importer_install_hooks, after
 * encodings is imported. Never fails: a failure is cleared. */
void pf_importer_install_codec_hint(pf_importer *self);

/* ---- file_system.c: pf_importer_install_hooks (importer.h) ---- */

/* ---- native_place.c ---- */

/* pf_importer_place_native: pf_native_prepare (native_loader.h) of native
 * member `file` of payload, its /proc/self/fd path in path[0..pathCapacity),
 * shared by the import, ctypes' _native_path and the stub's dlopen. A damaged
 * member ends the program naming executable (damaged.h); a member whose
 * libraries create sub-interpreters starts the watch below. Returns
 * pf_native_prepare's status, *err set when it is not PF_OK. */
int pf_importer_place_native(pf_payload *payload, const char *executable, const pf_entry *file,
                             char *path, size_t pathCapacity, pf_error *err);

/* ---- subinterpreters.c ---- */

/* pf_importer_watch_new_interpreters: from now on, sub-interpreters
 * started in this process get an importer of their own (registers the
 * audit hook, once, if pf_importer_serve_subinterpreters was called).
 * Called when an extension module able to start sub-interpreters is
 * loaded. Never fails: a refused hook is cleared. */
void pf_importer_watch_new_interpreters(void);

/* ---- finder_loader.c: the PEP 451 finder and loader methods ---- */

/* Each a PyCFunction of the method table (importer.c), documented at its
 * definition: find_spec, create_module, exec_module, get_code, get_source,
 * is_package, get_filename, get_data, invalidate_caches. The ones that read
 * a member (get_code, exec_module, get_source, get_data, create_module)
 * end the process when it is damaged. */
PyObject *pf_importer_find_spec(pf_importer *self, PyObject *args, PyObject *kwargs);
PyObject *pf_importer_create_module(pf_importer *self, PyObject *spec);
PyObject *pf_importer_exec_module(pf_importer *self, PyObject *module);
PyObject *pf_importer_get_code(pf_importer *self, PyObject *fullname);
PyObject *pf_importer_get_source(pf_importer *self, PyObject *fullname);
PyObject *pf_importer_is_package(pf_importer *self, PyObject *fullname);
PyObject *pf_importer_get_filename(pf_importer *self, PyObject *fullname);
PyObject *pf_importer_get_data(pf_importer *self, PyObject *path);
PyObject *pf_importer_invalidate_caches(pf_importer *self, PyObject *unused);

#endif
