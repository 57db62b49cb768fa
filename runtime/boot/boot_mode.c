/* boot_mode.c - what a process of a frozen program runs, from the index
 * flags and the command line; see boot_mode.h.
 *
 * A process started by this same executable with a python3 command line
 * (multiprocessing, concurrent.futures and subprocess give their children
 * one, with sys.executable) runs that command line; every other command
 * line is the program's own (choose_run; docs/user-guide.md). Nothing here
 * calls CPython. */
#include "boot_mode.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "payload.h"

/* The suffix the kernel adds to /proc/PID/exe's link when the file was
 * unlinked or renamed over (fs/d_path.c). */
#define DELETED_SUFFIX " (deleted)"

/* started_by_self: pf_boot_system_probe's answer (boot_mode.h). */
static int started_by_self(void)
{
    char parent[64];
    struct stat mine, theirs;
    snprintf(parent, sizeof parent, "/proc/%ld/exe", (long)getppid());
    if (stat("/proc/self/exe", &mine) != 0 || stat(parent, &theirs) != 0) {
        return PF_PARENT_OTHER;
    }
    if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino) {
        return PF_PARENT_SELF;
    }
    /* an upgrade in place: the parent's file was at our path */
    char self[4096], link[4096 + sizeof DELETED_SUFFIX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ssize_t m = readlink(parent, link, sizeof link - 1);
    if (n <= 0 || m <= 0 || (size_t)n >= sizeof self - 1 || (size_t)m >= sizeof link - 1) {
        return PF_PARENT_OTHER;
    }
    self[n] = '\0';
    link[m] = '\0';
    size_t suffix = sizeof DELETED_SUFFIX - 1;
    int replaced = (size_t)m == (size_t)n + suffix && memcmp(link, self, (size_t)n) == 0 &&
                   strcmp(link + n, DELETED_SUFFIX) == 0 && strstr(self, DELETED_SUFFIX) == NULL;
    return replaced ? PF_PARENT_REPLACED : PF_PARENT_OTHER;
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
 * after it its arguments; whether it is a script file is choose_run's
 * question). Anything else (no arguments, a long option or `--`, an option
 * python3 has but a child is never given, -c or -m without an argument)
 * means "not a python3 command line": run stays RUN_NONE. */
static struct interpreter_flags scan_command_line(int argc, char *const *argv)
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

/* is_script_file: pf_boot_system_probe's answer (boot_mode.h): what a
 * child's script must be, a regular file (symbolic links followed, as
 * python3 opens it) whose name ends in ".py". A path under the executable,
 * such as the frozen main's own __file__ (EXE/app.py), does not exist on
 * disk and is not one. */
static int is_script_file(const char *path)
{
    size_t n = strlen(path);
    struct stat st;
    return n >= 3 && strcmp(path + n - 3, ".py") == 0 && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

const pf_boot_probe pf_boot_system_probe = {started_by_self, is_script_file};

/* choose_run: the rule that tells a python3 command line, which
 * multiprocessing, concurrent.futures and subprocess give a child they start
 * with sys.executable, from the program's own arguments: the process must
 * have been started by this same executable (or by the file it replaced at
 * its path: an upgrade in place, see started_by_self) AND its arguments must be
 * exactly `--multiprocessing-fork ...`, `[python flags] -c CODE ...`,
 * `[python flags] -m MODULE ...`, `[python flags] -` (code from stdin) or
 * `[python flags] SCRIPT ...` where SCRIPT is an existing regular file
 * named *.py (probe->is_script_file). Anything else goes to the program untouched
 * (docs/user-guide.md): `./app -c x` or `./app notes.py` typed in a shell;
 * a self-relaunch with no arguments, or with arguments that are not such a
 * command line (`[sys.executable, "data.txt"]`, `[sys.executable,
 * __file__]`, whose path is inside the executable). */
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
    if (f->run == RUN_NONE || (*parent = probe->started_by_self()) == PF_PARENT_OTHER ||
        (f->run == RUN_SCRIPT && !probe->is_script_file(argv[f->script]))) {
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
    pf_boot_mode m = {PF_BOOT_PROGRAM, 0, 0, 0, 0, 0};
    if (indexFlags & PF_INDEX_FLAG_PYTHON) {
        m.run = PF_BOOT_PYTHON;
        *mode = m;
        return PF_OK;
    }
    struct interpreter_flags f = scan_command_line(argc, argv);
    int parent;
    m.run = choose_run(argc, argv, &f, probe, &parent);
    m.reexec_parent = m.run != PF_BOOT_PROGRAM && parent == PF_PARENT_REPLACED;
    m.no_site = m.run == PF_BOOT_INTERPRETER && f.no_site;
    m.path0 = m.run == PF_BOOT_INTERPRETER && !f.safe_path;
    m.child_optimize = m.run == PF_BOOT_INTERPRETER ? f.optimize : 0;
    m.inspect = m.run == PF_BOOT_PROGRAM && (indexFlags & PF_INDEX_FLAG_ALLOW_INTERACTIVE) &&
                argc >= 2 && strcmp(argv[1], "-i") == 0;
    *mode = m;
    return PF_OK;
}
