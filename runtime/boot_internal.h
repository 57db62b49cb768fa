/* boot_internal.h - what boot.c and boot_mode.c share: the
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

/* ---- boot.c ---- */

/* pf_boot_report_damaged: prints the one line a user sees when the
 * executable is unusable, naming b->executable (or "pyfreeze program" when
 * it is not known yet) and `what` is wrong, after flushing stdout. Returns
 * PF_BOOT_EXIT_DAMAGED; never fails. */
int pf_boot_report_damaged(const struct boot *b, const char *what);

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
 * and b->inspect. Returns 0, or -1 after pf_boot_report_damaged when the
 * index names an optimisation level above 2. */
int pf_boot_read_flags(struct boot *b, int argc, char **argv);

#endif
