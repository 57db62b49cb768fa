/* boot_mode.h - what a process of a frozen program runs, read from the
 * payload index's flags and the command line: the program itself, a
 * python3 command line that multiprocessing, concurrent.futures or
 * subprocess gave a child started with sys.executable, a multiprocessing
 * spawn child, or a standalone Python. Plain C over argv and a few
 * questions to the system (pf_boot_probe), no CPython, so the rule is unit-tested
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
        1, /* a python3 command line: [flags] -c CODE | -m MODULE | - | SCRIPT, or flags alone */
    PF_BOOT_SPAWNED = 2, /* a multiprocessing spawn child: --multiprocessing-fork k=v... */
    PF_BOOT_PYTHON = 3,  /* a standalone Python: python3.11's whole command line */
};

/* The mode and what the command line says beside it. */
typedef struct pf_boot_mode {
    int run;            /* PF_BOOT_* above */
    int inspect;        /* PF_BOOT_PROGRAM: 1 to enter the interactive session after the
                           main module (argv[1] is that `-i`, which sys.argv leaves out) */
    int no_site;        /* sys.flags.no_site to show: 1 only for PF_BOOT_INTERPRETER given -S */
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

/* What script_kind answers: what python3 would be given as SCRIPT in
 * `python3 [flags] SCRIPT` (pf_boot_probe). */
enum {
    PF_SCRIPT_NONE = 0,   /* no script: no such file, not a regular file, a name with another
                             extension (data.txt), or this executable itself */
    PF_SCRIPT_PY = 1,     /* an existing regular file named *.py */
    PF_SCRIPT_PLAIN = 2,  /* an existing regular file named without an extension (the
                             name's last component has no '.' but a leading one) */
    PF_SCRIPT_PACKED = 3, /* a path inside this executable (EXE/pkg/mod.py): one of the
                             program's packed files, as the importer shows them */
};

/* The environment variable a program sets in a child's environment to have
 * its command line taken as the program's own, whatever it looks like
 * (value PF_BOOT_OWN_ARGS_VALUE; docs/user-guide.md). */
#define PF_BOOT_OWN_ARGS_VARIABLE "PYFREEZE_ARGS"
#define PF_BOOT_OWN_ARGS_VALUE "program"

/* What choosing the mode asks of the system, only when the command line
 * looks like one a child is given (so a program's own start asks nothing
 * but own_arguments). Tests give answers of their own. */
typedef struct pf_boot_probe {
    /* PF_PARENT_* above: whether the parent process runs this same
     * executable, or the one this one replaced */
    int (*started_by_self)(void);
    /* PF_SCRIPT_* above for path, a child's would-be script */
    int (*script_kind)(const char *path);
    /* 1 when standard input is a terminal (python3 would then start its
     * interactive session rather than read code from it), else 0 */
    int (*stdin_is_terminal)(void);
    /* 1 when word is one of the parent's own arguments (its argv[1..]),
     * or when they cannot be read; else 0 */
    int (*parent_has_argument)(const char *word);
    /* 1 when the parent's own arguments (its argv[1..]) are exactly
     * words[0..count), or when they cannot be read; else 0 */
    int (*parent_has_arguments)(int count, char *const *words);
    /* 1 when the parent asked for the program (PF_BOOT_OWN_ARGS_VARIABLE
     * is PF_BOOT_OWN_ARGS_VALUE), else 0. Asked on every start but a
     * standalone Python's; the system's answer also removes the variable,
     * whatever its value, from this process's environment, so that its own
     * children do not inherit the request. */
    int (*own_arguments)(void);
} pf_boot_probe;

/* pf_boot_system_probe: the answers of the running system: the parent's
 * /proc/PID/exe is the same file (device and inode) as /proc/self/exe (an
 * unreadable one, a parent of another user, means no: it cannot make us
 * interpret its command line); PF_PARENT_REPLACED when instead its link
 * reads exactly "<our path> (deleted)": the kernel's name for a file that
 * was at our path when the parent started and has been unlinked or renamed
 * over since, which only an earlier version of this same program can be;
 * the script: its path against /proc/self/exe's link (relative paths from
 * the working directory, compared as text), then stat(2) (symbolic links
 * followed, as python3 opens it); isatty(0); the parent's arguments from
 * /proc/PPID/cmdline; getenv(3) and unsetenv(3). */
extern const pf_boot_probe pf_boot_system_probe;

/* pf_boot_choose_mode: the mode of a process started with argv[0..argc)
 * (read, not changed; argc 0 is allowed) from a payload whose index has
 * flags indexFlags (payload.h, PF_INDEX_FLAG_*).
 *  - PF_INDEX_FLAG_PYTHON: always PF_BOOT_PYTHON (CPython parses argv).
 *  - probe->own_arguments(): PF_BOOT_PROGRAM (the parent's request).
 *  - Else PF_BOOT_SPAWNED for `--multiprocessing-fork ...` and
 *    PF_BOOT_INTERPRETER for `[flags] -c CODE ...`, `[flags] -m MODULE ...`,
 *    `[flags] - ...` and `[flags] SCRIPT ...` with SCRIPT PF_SCRIPT_PY or
 *    PF_SCRIPT_PACKED, each only when probe->started_by_self() is not
 *    PF_PARENT_OTHER (with reexec_parent set when it is PF_PARENT_REPLACED).
 *    Also PF_BOOT_INTERPRETER, from such a parent, for `[flags] SCRIPT ...`
 *    with SCRIPT PF_SCRIPT_PLAIN that is not one of the parent's own
 *    arguments (a program passing on a file name it was given), and for
 *    `flags` alone (at least one) when stdin is not a terminal and they are
 *    not exactly the parent's own arguments (a program starting itself again
 *    with the options it was given): python3 reads the code from stdin.
 *    The flags are the options subprocess._args_from_interpreter_flags()
 *    gives a child, joined or not (-I -E -s -S -B -b -d -O -q -u -v -P -R,
 *    -X and -W with a value), as CPython's own parser reads them
 *    (Python/getopt.c).
 *  - Anything else is PF_BOOT_PROGRAM with the arguments untouched: no
 *    arguments, a long option or `--`, any other option, a word that is not
 *    such a script, a command line from any other parent. With
 *    PF_INDEX_FLAG_ALLOW_INTERACTIVE, a first argument `-i` sets inspect
 *    (only the first; PYTHONINSPECT never does).
 * probe is consulted only for a command line of the forms above, but for
 * own_arguments. Returns PF_OK with *mode filled, or PF_ERR_CORRUPT
 * (message in err, which may be NULL; *mode unchanged) when indexFlags
 * name an optimisation level above 2, which no freezer writes. */
int pf_boot_choose_mode(uint32_t indexFlags, int argc, char *const *argv,
                        const pf_boot_probe *probe, pf_boot_mode *mode, pf_error *err);

#endif
