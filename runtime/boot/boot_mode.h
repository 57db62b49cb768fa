/* boot_mode.h - what a process of a frozen program runs, read from the
 * payload index's flags and the command line: the program itself, a
 * python3 command line that multiprocessing, concurrent.futures or
 * subprocess gave a child started with sys.executable, a multiprocessing
 * spawn child, or a standalone Python. Plain C over argv and two questions
 * to the system (pf_boot_probe), no CPython, so the rule is unit-tested
 * (tests/unit/runtime/boot/test_boot_mode.c). The user-visible rule is in
 * docs/user-guide.md. */
#ifndef PF_BOOT_MODE_H
#define PF_BOOT_MODE_H

#include <stdint.h>

#include "pf_error.h"

/* What a process runs (pf_boot_mode.run). */
enum {
    PF_BOOT_PROGRAM = 0, /* the program's main module with the user's arguments */
    PF_BOOT_INTERPRETER =
        1,               /* a python3 command line: [flags] -c CODE | -m MODULE | - | SCRIPT.py */
    PF_BOOT_SPAWNED = 2, /* a multiprocessing spawn child: --multiprocessing-fork k=v... */
    PF_BOOT_PYTHON = 3,  /* a standalone Python: python3.11's whole command line */
};

/* The mode and what the command line says beside it. */
typedef struct pf_boot_mode {
    int run;            /* PF_BOOT_* above */
    int inspect;        /* PF_BOOT_PROGRAM: 1 to enter the interactive session after the
                           main module (argv[1] is that `-i`, which sys.argv leaves out) */
    int no_site;        /* sys.flags.no_site to show: 1 only for PF_BOOT_INTERPRETER given -S */
    int path0;          /* PF_BOOT_INTERPRETER without -I/-P: CPython puts the script's
                           directory, or the current one, first on sys.path */
    int child_optimize; /* PF_BOOT_INTERPRETER: the number of O's among its -O options */
    int reexec_parent;  /* PF_BOOT_INTERPRETER or PF_BOOT_SPAWNED started by an earlier file at
                           this executable's path, replaced since (PF_PARENT_REPLACED): run
                           the parent's bytes instead (/proc/PPID/exe), as the boot does */
} pf_boot_mode;

/* What started_by_self answers (pf_boot_probe). */
enum {
    PF_PARENT_OTHER = 0,    /* the parent runs another file, or cannot be seen */
    PF_PARENT_SELF = 1,     /* the parent runs this very file (device and inode) */
    PF_PARENT_REPLACED = 2, /* the parent runs the file that was at this executable's path
                               when it started, since replaced (renamed over, as pyfreeze -o
                               and package managers do): an older copy of this program */
};

/* What choosing the mode asks of the system, only when the command line
 * looks like one a child is given (so a program's own start asks nothing).
 * Tests give answers of their own. */
typedef struct pf_boot_probe {
    /* PF_PARENT_* below: whether the parent process runs this same
     * executable, or the one this one replaced */
    int (*started_by_self)(void);
    /* 1 when path names an existing regular file (symbolic links followed)
     * whose name ends in ".py", else 0 */
    int (*is_script_file)(const char *path);
} pf_boot_probe;

/* pf_boot_system_probe: the answers of the running system: the parent's
 * /proc/PID/exe is the same file (device and inode) as /proc/self/exe (an
 * unreadable one, a parent of another user, means no: it cannot make us
 * interpret its command line); PF_PARENT_REPLACED when instead its link
 * reads exactly "<our path> (deleted)": the kernel's name for a file that
 * was at our path when the parent started and has been unlinked or renamed
 * over since, which only an earlier version of this same program can be;
 * stat(2) for the script. */
extern const pf_boot_probe pf_boot_system_probe;

/* pf_boot_choose_mode: the mode of a process started with argv[0..argc)
 * (read, not changed; argc 0 is allowed) from a payload whose index has
 * flags indexFlags (payload.h, PF_INDEX_FLAG_*).
 *  - PF_INDEX_FLAG_PYTHON: always PF_BOOT_PYTHON (CPython parses argv).
 *  - Else PF_BOOT_SPAWNED for `--multiprocessing-fork ...` and
 *    PF_BOOT_INTERPRETER for `[flags] -c CODE ...`, `[flags] -m MODULE ...`,
 *    `[flags] -` and `[flags] SCRIPT ...` (SCRIPT a *.py regular file), each
 *    only when probe->started_by_self() is not PF_PARENT_OTHER (with
 *    reexec_parent set when it is PF_PARENT_REPLACED). The flags are the options
 *    subprocess._args_from_interpreter_flags() gives a child, joined or not
 *    (-I -E -s -S -B -b -d -O -q -u -v -P -R, -X and -W with a value), as
 *    CPython's own parser reads them (Python/getopt.c).
 *  - Anything else is PF_BOOT_PROGRAM with the arguments untouched: no
 *    arguments, a long option or `--`, any other option, a word that is not
 *    such a script, a command line from any other parent. With
 *    PF_INDEX_FLAG_ALLOW_INTERACTIVE, a first argument `-i` sets inspect
 *    (only the first; PYTHONINSPECT never does).
 * probe is consulted only for a command line of the forms above.
 * Returns PF_OK with *mode filled, or PF_ERR_CORRUPT (message in err, which
 * may be NULL; *mode unchanged) when indexFlags name an optimisation level
 * above 2, which no freezer writes. */
int pf_boot_choose_mode(uint32_t indexFlags, int argc, char *const *argv,
                        const pf_boot_probe *probe, pf_boot_mode *mode, pf_error *err);

#endif
