/* boot_internal.h - what the boot's files share: the boot's state and the
 * steps boot.c calls in boot_config.c and boot_site.c. Not for other files:
 * the public entry point is boot.h.
 *
 * Include Python.h before this header. */
#ifndef PF_BOOT_INTERNAL_H
#define PF_BOOT_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_mode.h"
#include "payload_reader.h"

struct boot {
    char executable[PATH_MAX]; /* real path of this program */
    char directory[PATH_MAX];  /* its directory */
    const uint8_t *image;      /* the whole executable file, mapped read-only */
    size_t image_size;         /* bytes */
    pf_payload *payload;       /* reader over the .pyfreeze section */
    int python_started;        /* Py_InitializeFromConfig succeeded */
    PyObject *importer;        /* the meta path finder (owned) */
    uint32_t flags;            /* the index's PF_INDEX_FLAG_* */
    pf_boot_mode mode;         /* what this process runs (boot_mode.h) */
};

/* ---- boot_config.c: CPython's configuration and start ---- */

/* pf_boot_start_core: pre-initialises CPython, registers the importer's
 * built-in module (PF_IMPORTER_MODULE_NAME), and initialises CPython's core
 * from the configuration b->mode asks for: a program's (python3 -I with
 * the payload as the only source of modules, sys.argv = [executable, user
 * arguments]; boot_config.c: configure_program says each difference and
 * why), a child's python3 command line (CPython parses it and reads the
 * PYTHON* variables unless it holds -I or -E, as python3.11 does) or a
 * standalone Python's (python3.11's command line and environment).
 * Initialisation stops after the core, before `encodings` is imported, so
 * the importer can go on sys.meta_path first; then
 * pf_boot_init_main. Takes b after choose_mode (reads executable,
 * directory, flags and mode; sets python_started on success) and the
 * process's argv[0..argc), whose argv[0] (and argv[1] for an `-i`) it
 * replaces with b->executable: the array must outlive CPython. Returns 0,
 * or -1 after printing CPython's message ("Fatal Python error: ..."); a
 * status CPython gives as an exit (`--version`, `-h`, a bad option of a
 * standalone Python) ends the process with that status, as python3 does. */
int pf_boot_start_core(struct boot *b, int argc, char **argv);

/* pf_boot_append_pythonpath: the PYTHONPATH entries CPython read into
 * config->pythonpath_env (NULL when use_environment is 0: then nothing),
 * separated by ':', appended to config->module_search_paths as python3.11
 * puts them on sys.path: each normalised (`.` components, repeated
 * separators) and a relative one, an empty one included, joined to the
 * current directory (Modules/getpath.py: abspath; Modules/getpath.c:
 * getpath_abspath), `..` kept. With site (a child that python3 would start
 * with `site`, which the boot does not import), also what
 * site.removeduppaths does (Lib/site.py): each normalised once more after
 * the join (os.path.abspath, so `CWD/../x` loses its `..`), and an entry
 * already in the list left out. Without a current directory (removed), a
 * relative entry stays as normalised, where python3.11 stops with "failed
 * to make path absolute". Takes a configuration before
 * Py_InitializeFromConfig; the list's strings are its own copies. Returns
 * CPython's status (PyStatus_NoMemory). */
PyStatus pf_boot_append_pythonpath(PyConfig *config, int site);

/* pf_boot_init_main: main initialisation of the interpreter whose core
 * pf_boot_start_core started (encodings, sys.std*, signal handlers,
 * __main__; Python/pylifecycle.c: init_interp_main). Returns 0, or -1
 * after printing CPython's message; ends the process on an exit status, as
 * pf_boot_start_core. */
int pf_boot_init_main(void);

/* ---- boot_site.c: what the boot sets in an initialised interpreter ----
 * Each works on the interpreter current in the calling thread, which holds
 * its GIL, once its main initialisation is complete. */

/* pf_boot_set_stdlib_dir: modules CPython carries frozen (os, codecs, io,
 * ...) get a __file__ under sys._stdlib_dir, which python3 has and some
 * programs use (os.path.dirname(os.__file__)). The frozen program's stdlib
 * directory is the executable (b->executable), as for the payload's
 * modules. Main initialisation sets sys._stdlib_dir from the path
 * configuration (empty here), so this runs after it, and gives the frozen
 * modules imported during initialisation the __file__ python3 gives them.
 * Returns 0, or -1 with a Python exception set. */
int pf_boot_set_stdlib_dir(const struct boot *b);

/* pf_boot_add_site_builtins: the builtins python3's `site` adds
 * (Lib/site.py: setquit, setcopyright, sethelper) — exit, quit, help,
 * copyright, credits, license — made from the frozen _sitebuiltins module
 * directly. Importing site itself would also run site.main()'s search of the
 * disk for .pth files, which a frozen program must not do, and costs a fifth
 * of the start-up time of a small program. Returns 0, or -1 with a Python
 * exception set (none when sys.copyright is missing). */
int pf_boot_add_site_builtins(void);

/* pf_boot_set_no_site_flag: sys.flags.no_site as python3 -I shows it (0),
 * or 1 for a child started with -S (no_site). The frozen program provides
 * what `site` would (pf_boot_add_site_builtins) without importing it, and
 * programs read sys.flags: subprocess._args_from_interpreter_flags() passes
 * -S to children when no_site is set. sys.flags is a read-only struct
 * sequence, so a copy with that one field changed replaces it; CPython
 * itself reads its config, not sys.flags. Returns 0 (also when sys.flags has
 * no such field: nothing to mend), or -1 with a Python exception set. */
int pf_boot_set_no_site_flag(int no_site);

/* pf_boot_install_source_hooks: with sources packed, uncaught exceptions of
 * the main thread (sys.excepthook) and of threads (_thread._excepthook,
 * which Lib/threading.py takes as threading.excepthook when it is imported)
 * are printed by Lib/traceback.py. sys.__excepthook__ stays CPython's.
 * Returns 0, or -1 with a Python exception set. */
int pf_boot_install_source_hooks(void);

/* pf_boot_set_interactive_hook: sys.__interactivehook__ as `site` sets it
 * (Lib/site.py: enablerlcompleter): at the start of an interactive session
 * it imports readline (line editing where the terminal allows), binds tab
 * completion and keeps ~/.python_history. Importing site runs nothing else
 * here: site.main() runs only when sys.flags.no_site is 0. Returns 0, or -1
 * with a Python exception set. */
int pf_boot_set_interactive_hook(void);

/* pf_boot_run_interactive: the interactive session after the main module,
 * as python3 -i starts it (Modules/main.c: pymain_repl): inspect is turned
 * off first, so that from now on SystemExit ends the process; then
 * sys.__interactivehook__ runs (a failure is reported and the session still
 * starts, unless it was SystemExit); then the read-eval-print loop on stdin
 * with the >>> and ... prompts. The runtime configuration is changed in
 * place as Modules/main.c does (pymain_set_inspect on the interpreter's
 * config). Main interpreter only. Returns the exit status: 0, or 1 when the
 * loop ended on an error; SystemExit ends the process instead. */
int pf_boot_run_interactive(void);

/* ---- boot_gc.c: the start-up's objects out of the collector's way ---- */

/* pf_boot_freeze_startup: moves every object the start-up made to the
 * collector's permanent generation (gc.freeze(), Modules/gcmodule.c), but
 * for the __main__ module and its namespace, so that no collection, those
 * at finalisation included, traverses them again; gc.get_objects,
 * get_referrers, get_freeze_count, freeze and unfreeze undo it on their
 * first call (see boot_gc.c). Main interpreter, once main initialisation is
 * done and before the program runs. Returns 0, or -1 with a Python
 * exception set (gc's functions then may be wrapped or not; the boot
 * stops). */
int pf_boot_freeze_startup(void);

#endif
