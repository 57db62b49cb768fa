/* boot_mode.c - what a process of a frozen program runs (the BOOT_* modes of
 * boot_internal.h), read from the payload's index flags and the command
 * line; see pf_boot_read_flags.
 *
 * A process started by this same executable with a python3 command line
 * (multiprocessing, concurrent.futures and subprocess give their children
 * one, with sys.executable) runs that command line; every other command
 * line is the program's own (choose_mode; docs/user-guide.md). Nothing here
 * calls CPython: Python.h is included for struct boot only. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "boot_internal.h"
#include "damaged.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "payload.h"

/* started_by_self: whether the parent process runs this same executable
 * (same file: device and inode of /proc/PID/exe). Unreadable means no: a
 * parent of another user cannot make us interpret its command line. */
static int started_by_self(void)
{
    char parent[64];
    struct stat mine, theirs;
    snprintf(parent, sizeof parent, "/proc/%ld/exe", (long)getppid());
    return stat("/proc/self/exe", &mine) == 0 && stat(parent, &theirs) == 0 &&
           mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

/* What follows the options of a python3 command line (scan_command_line). */
enum {
    RUN_NONE = 0,    /* not a python3 command line a child is given */
    RUN_COMMAND = 1, /* -c CODE or -m MODULE */
    RUN_STDIN = 2,   /* `-`: the code is read from stdin */
    RUN_SCRIPT = 3,  /* a word: python3 would run it as a script file */
};

/* What the options of a python3 command line say (scan_command_line). */
struct interpreter_flags {
    int run;       /* RUN_* above */
    int script;    /* RUN_SCRIPT: the index in argv of the script's path */
    int no_site;   /* -S is among them */
    int safe_path; /* -I or -P is among them: no script directory on sys.path */
    int optimize;  /* -O adds 1, -OO 2 (Modules/main.c counts them so) */
};

/* scan_command_line: reads argv[1..argc) as CPython's own parser does
 * (Python/getopt.c, Python/initconfig.c: config_parse_cmdline): options
 * that take no argument may be joined (-IS, -bb, -OO) — the ones
 * subprocess._args_from_interpreter_flags() passes a child, -I -E -s -S -B
 * -b -d -O -q -u -v -P -R; -X and -W take a value, joined or next. The
 * options end at -c or -m (RUN_COMMAND, their argument joined, -cCODE,
 * -mjson.tool, or next), at `-` (RUN_STDIN) or at the first word that is
 * not an option (RUN_SCRIPT: argv[script] is a script's path, the words
 * after it its arguments; whether it is a script file is choose_mode's
 * question). Anything else (no arguments, a long option or `--`, an option
 * python3 has but a child is never given, -c or -m without an argument)
 * means "not a python3 command line": run stays RUN_NONE. */
static struct interpreter_flags scan_command_line(int argc, char **argv)
{
    static const char no_argument[] = "IEsSBbdOquvPR";
    struct interpreter_flags f = {RUN_NONE, 0, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') {
            f.run = RUN_SCRIPT;
            f.script = i;
            return f;
        }
        if (a[1] == '\0') {
            f.run = RUN_STDIN;
            return f;
        }
        if (a[1] == '-') {
            return f;
        }
        for (int k = 1; a[k] != '\0'; k++) {
            char c = a[k];
            if (c == 'c' || c == 'm') {
                f.run = a[k + 1] != '\0' || i + 1 < argc ? RUN_COMMAND : RUN_NONE;
                return f;
            }
            if (c == 'X' || c == 'W') {
                i += a[k + 1] == '\0'; /* the value is the next argument */
                break;
            }
            if (strchr(no_argument, c) == NULL) {
                return f;
            }
            f.no_site |= c == 'S';
            f.safe_path |= c == 'I' || c == 'P';
            f.optimize += c == 'O';
        }
    }
    return f; /* options only: python3 would read stdin, interactively on a terminal */
}

/* is_script_file: whether path names what a child's script must be: a
 * regular file (symbolic links followed, as python3 opens it) whose name
 * ends in ".py". A path under the executable, such as the frozen main's own
 * __file__ (EXE/app.py), does not exist on disk and is not one. */
static int is_script_file(const char *path)
{
    size_t n = strlen(path);
    struct stat st;
    return n >= 3 && strcmp(path + n - 3, ".py") == 0 && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

/* choose_mode: the rule that tells a python3 command line, which
 * multiprocessing, concurrent.futures and subprocess give a child they start
 * with sys.executable, from the program's own arguments: the process must
 * have been started by this same executable AND its arguments must be
 * exactly `--multiprocessing-fork ...`, `[python flags] -c CODE ...`,
 * `[python flags] -m MODULE ...`, `[python flags] -` (code from stdin) or
 * `[python flags] SCRIPT ...` where SCRIPT is an existing regular file
 * named *.py (is_script_file). Anything else goes to the program untouched
 * (docs/user-guide.md): `./app -c x` or `./app notes.py` typed in a shell;
 * a self-relaunch with no arguments, or with arguments that are not such a
 * command line (`[sys.executable, "data.txt"]`, `[sys.executable,
 * __file__]`, whose path is inside the executable). */
static int choose_mode(int argc, char **argv, const struct interpreter_flags *f)
{
    if (argc < 2) {
        return BOOT_PROGRAM;
    }
    if (strcmp(argv[1], "--multiprocessing-fork") == 0) {
        return started_by_self() ? BOOT_SPAWNED : BOOT_PROGRAM;
    }
    if (f->run == RUN_NONE || !started_by_self() ||
        (f->run == RUN_SCRIPT && !is_script_file(argv[f->script]))) {
        return BOOT_PROGRAM;
    }
    return BOOT_INTERPRETER;
}

int pf_boot_read_flags(struct boot *b, int argc, char **argv)
{
    b->flags = pf_payload_index(b->payload)->flags;
    if (PF_INDEX_FLAG_OPTIMIZE_LEVEL(b->flags) > 2) {
        pf_damaged_exit(b->executable, NULL, 0, "its index names an optimisation level above 2");
    }
    if (b->flags & PF_INDEX_FLAG_PYTHON) {
        b->mode = BOOT_PYTHON;
        return 0;
    }
    struct interpreter_flags f = scan_command_line(argc, argv);
    b->mode = choose_mode(argc, argv, &f);
    b->no_site = b->mode == BOOT_INTERPRETER && f.no_site;
    b->path0 = b->mode == BOOT_INTERPRETER && !f.safe_path;
    b->child_optimize = b->mode == BOOT_INTERPRETER ? f.optimize : 0;
    b->inspect = b->mode == BOOT_PROGRAM && (b->flags & PF_INDEX_FLAG_ALLOW_INTERACTIVE) &&
                 argc >= 2 && strcmp(argv[1], "-i") == 0;
    return 0;
}
