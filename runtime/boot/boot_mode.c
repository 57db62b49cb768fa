/* boot_mode.c - what a process of a frozen program runs, from the index
 * flags and the command line; see boot_mode.h.
 *
 * A process started by this same executable with a python3 command line
 * (multiprocessing, concurrent.futures and subprocess give their children
 * one, with sys.executable) runs that command line; every other command
 * line is the program's own (choose_run; docs/user-guide.md). Nothing here
 * calls CPython or the system: the questions go to a pf_boot_probe
 * (boot_probe.c answers them for the running system). */
#include "boot_mode.h"

#include <string.h>

#include "payload.h"

/* What follows the options of a python3 command line (scan_command_line). */
enum {
    RUN_NONE = 0,    /* not a python3 command line a child is given */
    RUN_COMMAND = 1, /* -c CODE or -m MODULE */
    RUN_STDIN = 2,   /* `-`: the code is read from stdin */
    RUN_SCRIPT = 3,  /* a word: python3 would run it as a script file */
    RUN_FLAGS = 4,   /* options alone: python3 reads the code from stdin */
};

/* What the options of a python3 command line say (scan_command_line). */
struct interpreter_flags {
    int run;      /* RUN_* above */
    int script;   /* RUN_SCRIPT: the index in argv of the script's path */
    int no_site;  /* -S is among them */
    int optimize; /* -O adds 1, -OO 2 (Modules/main.c counts them so) */
};

/* scan_command_line: reads argv[1..argc) as CPython's own parser does
 * (Python/getopt.c, Python/initconfig.c: config_parse_cmdline): options
 * that take no argument may be joined (-IS, -bb, -OO) — the ones
 * subprocess._args_from_interpreter_flags() passes a child, -I -E -s -S -B
 * -b -d -O -q -u -v -P -R; -X and -W take a value, joined or next. The
 * options end at -c or -m (RUN_COMMAND, their argument joined, -cCODE,
 * -mjson.tool, or next), at `-` (RUN_STDIN), at the first word that is
 * not an option (RUN_SCRIPT: argv[script] is a script's path, the words
 * after it its arguments; whether it is a script is choose_run's
 * question) or at the end (RUN_FLAGS: at least one option, all of them
 * complete). Anything else (no arguments, a long option or `--`, an option
 * python3 has but a child is never given, -c, -m, -X or -W without its
 * argument) means "not a python3 command line": run stays RUN_NONE. */
static struct interpreter_flags scan_command_line(int argc, char *const *argv)
{
    static const char no_argument[] = "IEsSBbdOquvPR";
    struct interpreter_flags f = {RUN_NONE, 0, 0, 0};
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
                if (a[k + 1] == '\0' && ++i >= argc) {
                    return f; /* the value is the next argument, and there is none */
                }
                break;
            }
            if (strchr(no_argument, c) == NULL) {
                return f;
            }
            f.no_site |= c == 'S';
            f.optimize += c == 'O';
        }
    }
    f.run = argc >= 2 ? RUN_FLAGS : RUN_NONE;
    return f;
}

/* script_run: what `[flags] SCRIPT ...` from this executable runs: the
 * interpreter for a *.py file or a packed file; for a file named without
 * an extension, the interpreter unless the parent was itself given that
 * word (a program passing on its own arguments, `[sys.executable] +
 * sys.argv[1:]`); else the program. */
static int script_run(const char *script, const pf_boot_probe *probe)
{
    switch (probe->script_kind(script)) {
    case PF_SCRIPT_PY:
    case PF_SCRIPT_PACKED:
        return PF_BOOT_INTERPRETER;
    case PF_SCRIPT_PLAIN:
        return probe->parent_has_argument(script) ? PF_BOOT_PROGRAM : PF_BOOT_INTERPRETER;
    default:
        return PF_BOOT_PROGRAM;
    }
}

/* choose_run: the rule that tells a python3 command line, which
 * multiprocessing, concurrent.futures and subprocess give a child they start
 * with sys.executable, from the program's own arguments: the process must
 * have been started by this same executable (or by the file it replaced at
 * its path: an upgrade in place, see boot_probe.c) AND its arguments must be
 * exactly `--multiprocessing-fork ...`, `[python flags] -c CODE ...`,
 * `[python flags] -m MODULE ...`, `[python flags] -` (code from stdin),
 * `[python flags] SCRIPT ...` where SCRIPT is a script (script_run), or
 * python flags alone while stdin is not a terminal (python3 reads the code
 * from it) and the parent was not itself given exactly these arguments.
 * Anything else goes to the program untouched (docs/user-guide.md): `./app
 * -c x` or `./app notes.py` typed in a shell; a self-relaunch with no
 * arguments, or with arguments that are not such a command line
 * (`[sys.executable, "data.txt"]`, `[sys.executable] + sys.argv`). */
static int choose_run(int argc, char *const *argv, const struct interpreter_flags *f,
                      const pf_boot_probe *probe, int *parent)
{
    *parent = PF_PARENT_OTHER;
    if (argc < 2) {
        return PF_BOOT_PROGRAM;
    }
    if (strcmp(argv[1], "--multiprocessing-fork") == 0) {
        *parent = probe->started_by_self();
        return *parent != PF_PARENT_OTHER ? PF_BOOT_SPAWNED : PF_BOOT_PROGRAM;
    }
    if (f->run == RUN_NONE || (*parent = probe->started_by_self()) == PF_PARENT_OTHER) {
        return PF_BOOT_PROGRAM;
    }
    if (f->run == RUN_SCRIPT) {
        return script_run(argv[f->script], probe);
    }
    if (f->run == RUN_FLAGS &&
        (probe->stdin_is_terminal() || probe->parent_has_arguments(argc - 1, argv + 1))) {
        return PF_BOOT_PROGRAM;
    }
    return PF_BOOT_INTERPRETER;
}

int pf_boot_choose_mode(uint32_t indexFlags, int argc, char *const *argv,
                        const pf_boot_probe *probe, pf_boot_mode *mode, pf_error *err)
{
    if (PF_INDEX_FLAG_OPTIMIZE_LEVEL(indexFlags) > 2) {
        return pf_error_set(err, PF_ERR_CORRUPT, "its index names an optimisation level above 2");
    }
    pf_boot_mode m = {PF_BOOT_PROGRAM, 0, 0, 0, 0};
    if (indexFlags & PF_INDEX_FLAG_PYTHON) {
        m.run = PF_BOOT_PYTHON;
        *mode = m;
        return PF_OK;
    }
    struct interpreter_flags f = scan_command_line(argc, argv);
    int parent = PF_PARENT_OTHER;
    if (!probe->own_arguments()) {
        m.run = choose_run(argc, argv, &f, probe, &parent);
    }
    m.reexec_parent = m.run != PF_BOOT_PROGRAM && parent == PF_PARENT_REPLACED;
    m.no_site = m.run == PF_BOOT_INTERPRETER && f.no_site;
    m.child_optimize = m.run == PF_BOOT_INTERPRETER ? f.optimize : 0;
    m.inspect = m.run == PF_BOOT_PROGRAM && (indexFlags & PF_INDEX_FLAG_ALLOW_INTERACTIVE) &&
                argc >= 2 && strcmp(argv[1], "-i") == 0;
    *mode = m;
    return PF_OK;
}
