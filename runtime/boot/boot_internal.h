/* boot_internal.h - what boot.c, boot_mode.c and boot_site.c share: the
 * boot's state and the steps one of them does for another. Not for other
 * files: the public entry point is boot.h.
 *
 * Include Python.h before this header. */
#ifndef PF_BOOT_INTERNAL_H
#define PF_BOOT_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "payload_reader.h"

struct boot {
    char executable[PATH_MAX]; /* real path of this program */
    char directory[PATH_MAX];  /* its directory */
    const uint8_t *image;      /* the whole executable file, mapped read-only */
    size_t image_size;         /* bytes */
    pf_payload *payload;       /* reader over the .pyfreeze section */
    int python_started;        /* Py_InitializeFromConfig succeeded */
    PyObject *importer;        /* the meta path finder (owned) */
    int mode;                  /* BOOT_* below: what this process runs */
    uint32_t flags;            /* the index's PF_INDEX_FLAG_* */
    int inspect;               /* BOOT_PROGRAM: enter the interactive session after main */
    int no_site;               /* sys.flags.no_site to show: 1 only for a child given -S */
    int path0;                 /* a python3 command line without -I/-P: CPython puts the
                                  script's directory, or the current one, first on sys.path */
    int child_optimize;        /* BOOT_INTERPRETER: the -O count of its command line */
};

/* What a process of a frozen program runs (boot_mode.c: choose_mode). */
enum {
    BOOT_PROGRAM = 0,     /* the program's main module with the user's arguments */
    BOOT_INTERPRETER = 1, /* a python3 command line: [flags] -c CODE | -m MODULE | - | SCRIPT.py */
    BOOT_SPAWNED = 2,     /* a multiprocessing spawn child: --multiprocessing-fork k=v... */
    BOOT_PYTHON = 3,      /* a standalone Python: python3.11's whole command line */
};

/* ---- boot_mode.c: the mode, from the index and the command line ---- */

/* pf_boot_read_flags: the index flags that shape the boot, checked: the
 * optimise level must be 0, 1 or 2. Then the mode: a standalone Python
 * always takes python3.11's command line (BOOT_PYTHON); a program built with
 * --allow-interactive takes `-i` as its first argument to mean "enter the
 * interactive session after the main module" (python3 -i), and the `-i` is
 * not in sys.argv. Only the first argument, and only in such builds: any
 * other `-i` is the program's own. Environment variables (PYTHONINSPECT)
 * never ask for it.
 * Takes the open b->payload and the process's argv[0..argc) (read, not
 * changed); sets b->flags, b->mode, b->no_site, b->path0, b->child_optimize
 * and b->inspect. Returns 0; when the index names an optimisation level
 * above 2, ends the process through pf_damaged_exit (damaged.h). */
int pf_boot_read_flags(struct boot *b, int argc, char **argv);

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

#endif
