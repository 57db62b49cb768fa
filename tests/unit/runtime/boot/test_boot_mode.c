/* test_boot_mode.c - runtime/boot/boot_mode.c: what a process of a frozen
 * program runs, for every command line the stdlib and CPython's own tests
 * give a child started with sys.executable (multiprocessing's spawn,
 * forkserver and resource tracker, subprocess with -c, -m, `-`, a script
 * named *.py, without an extension or packed, flags alone with code on
 * stdin), for command lines that only look like one (typed in a shell,
 * unknown options, `--`, -c without code, the program's own arguments
 * passed on, PYFREEZE_ARGS=program) and for the index flags that change
 * the rule (a standalone Python, --allow-interactive's -i, the
 * optimisation level). The system's answers come from a fake probe, which
 * also counts the questions: a program's own start must ask none but
 * own_arguments. boot_probe.c's answers for this process are tested at the
 * end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "boot_mode.h"
#include "payload.h"

#define MAX_ARGS 8
#define EXE "/opt/app/app"

/* ---- the fake system ---- */

static int parent_is_self;             /* what started_by_self answers */
static int questions;                  /* how often the system was asked (own_arguments
                                          aside) */
static int own_questions;              /* how often own_arguments was asked */
static int terminal;                   /* what stdin_is_terminal answers */
static int own_request;                /* what own_arguments answers */
static const char *const *parent_argv; /* the parent's arguments, NULL-terminated */

static int fake_started_by_self(void)
{
    questions++;
    return parent_is_self;
}

/* The files of the fake system: *.py scripts, files named without an
 * extension, and paths inside EXE (packed); anything else is none. */
static int fake_script_kind(const char *path)
{
    static const char *const py[] = {"child.py", "/tmp/work/job.py", NULL};
    static const char *const plain[] = {"job", "/tmp/@test_1_tmp\xc3\xa6", NULL};
    questions++;
    for (size_t i = 0; py[i] != NULL; i++) {
        if (strcmp(py[i], path) == 0) {
            return PF_SCRIPT_PY;
        }
    }
    for (size_t i = 0; plain[i] != NULL; i++) {
        if (strcmp(plain[i], path) == 0) {
            return PF_SCRIPT_PLAIN;
        }
    }
    if (strncmp(path, EXE "/", sizeof EXE) == 0 && path[sizeof EXE] != '\0') {
        return PF_SCRIPT_PACKED;
    }
    return PF_SCRIPT_NONE;
}

static int fake_stdin_is_terminal(void)
{
    questions++;
    return terminal;
}

static int fake_parent_has_argument(const char *word)
{
    questions++;
    for (size_t i = 0; parent_argv[i] != NULL; i++) {
        if (strcmp(parent_argv[i], word) == 0) {
            return 1;
        }
    }
    return 0;
}

static int fake_parent_has_arguments(int count, char *const *words)
{
    questions++;
    int i = 0;
    while (i < count && parent_argv[i] != NULL && strcmp(parent_argv[i], words[i]) == 0) {
        i++;
    }
    return i == count && parent_argv[i] == NULL;
}

static int fake_own_arguments(void)
{
    own_questions++;
    return own_request;
}

static const pf_boot_probe fake_probe = {
    fake_started_by_self,     fake_script_kind,          fake_stdin_is_terminal,
    fake_parent_has_argument, fake_parent_has_arguments, fake_own_arguments,
};

/* ---- the table ---- */

#define SELF 1                      /* started by this same executable */
#define OTHER 0                     /* started by anything else (a shell) */
#define REPLACED PF_PARENT_REPLACED /* by the file this one replaced at its path */
#define ASKS 1                      /* the parent question is asked */
#define QUIET 0                     /* no question to the system */

struct row {
    const char *what;
    uint32_t flags;                    /* the index's PF_INDEX_FLAG_* */
    int parent;                        /* SELF, OTHER or REPLACED */
    const char *argv[MAX_ARGS];        /* NULL-terminated; argv[0] NULL for argc 0 */
    pf_boot_mode want;                 /* the expected mode: run, inspect, no_site, optimize,
                                          reexec_parent */
    int asks;                          /* ASKS or QUIET */
    int terminal;                      /* TTY: stdin is a terminal; else a pipe or a file */
    int own;                           /* OWN: the environment asks for the program */
    const char *parent_argv[MAX_ARGS]; /* the parent's own arguments, argv[1..] */
};

#define TTY 1
#define OWN 1
/* the usual system: stdin not a terminal, no request, a parent without arguments */
#define CALM                                                                                       \
    0, 0,                                                                                          \
    {                                                                                              \
        NULL                                                                                       \
    }
#define A PF_INDEX_FLAG_ALLOW_INTERACTIVE
#define P PF_BOOT_PROGRAM
#define I PF_BOOT_INTERPRETER
#define S PF_BOOT_SPAWNED
#define PY PF_BOOT_PYTHON

/* The command lines CPython 3.11's stdlib builds for a child, with the
 * options subprocess._args_from_interpreter_flags() adds for a frozen
 * program (sys.flags: isolated, dont_write_bytecode; optimize for -O/-OO
 * builds). */
#define FORKSERVER "from multiprocessing.forkserver import main; main(5, 6, ['__main__'], **{})"
#define TRACKER "from multiprocessing.resource_tracker import main;main(7)"
#define SPAWN_MAIN                                                                                 \
    "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)"

/* One case per row, as a table: clang-format would put a field per line. */
// clang-format off
static const struct row rows[] = {
    /* what a frozen program's own children are given */
    {"spawn child (sys.frozen)", 0, SELF,
     {EXE, "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"}, {S, 0, 0, 0, 0}, ASKS, CALM},
    {"spawn child, no arguments after", 0, SELF,
     {EXE, "--multiprocessing-fork"}, {S, 0, 0, 0, 0}, ASKS, CALM},
    {"spawn child (not frozen form)", 0, SELF,
     {EXE, "-B", "-I", "-c", SPAWN_MAIN, "--multiprocessing-fork"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"forkserver", 0, SELF,
     {EXE, "-B", "-I", "-c", FORKSERVER}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"resource tracker", 0, SELF,
     {EXE, "-B", "-I", "-c", TRACKER}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"resource tracker of an -OO build", 0, SELF,
     {EXE, "-OO", "-B", "-I", "-c", TRACKER}, {I, 0, 0, 2, 0}, ASKS, CALM},
    {"-O given twice", 0, SELF,
     {EXE, "-O", "-O", "-c", "x"}, {I, 0, 0, 2, 0}, ASKS, CALM},
    {"-O joined with others", 0, SELF,
     {EXE, "-OBI", "-c", "x"}, {I, 0, 0, 1, 0}, ASKS, CALM},
    {"subprocess -c", 0, SELF,
     {EXE, "-c", "print(1)", "a"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-c with the code joined", 0, SELF,
     {EXE, "-cprint(1)"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-c joined after flags", 0, SELF,
     {EXE, "-Icprint(1)"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"subprocess -m", 0, SELF,
     {EXE, "-m", "json.tool", "in.json"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-m with the module joined", 0, SELF,
     {EXE, "-mjson.tool"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"code from stdin", 0, SELF,
     {EXE, "-"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"code from stdin, isolated", 0, SELF,
     {EXE, "-I", "-"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"a script", 0, SELF,
     {EXE, "child.py", "arg"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"a script by absolute path, -P", 0, SELF,
     {EXE, "-P", "/tmp/work/job.py"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-S", 0, SELF,
     {EXE, "-S", "-c", "x"}, {I, 0, 1, 0, 0}, ASKS, CALM},
    {"-S joined with -I", 0, SELF,
     {EXE, "-IS", "-c", "x"}, {I, 0, 1, 0, 0}, ASKS, CALM},
    {"-E and -s", 0, SELF,
     {EXE, "-E", "-s", "-c", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"every flag without a value", 0, SELF,
     {EXE, "-IEsSBbdOquvPR", "-c", "x"}, {I, 0, 1, 1, 0}, ASKS, CALM},
    {"-X with its value next", 0, SELF,
     {EXE, "-X", "dev", "-c", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-X with its value joined", 0, SELF,
     {EXE, "-Xutf8", "-c", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-W with its value next", 0, SELF,
     {EXE, "-W", "error", "-m", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-W with its value joined", 0, SELF,
     {EXE, "-Werror", "-I", "-m", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"-X's value is not an option", 0, SELF,
     {EXE, "-X", "-c", "-c", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},

    /* the same command lines from another parent are the program's */
    {"-c typed in a shell", 0, OTHER,
     {EXE, "-c", "x"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"--multiprocessing-fork typed in a shell", 0, OTHER,
     {EXE, "--multiprocessing-fork"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"a script typed in a shell", 0, OTHER,
     {EXE, "child.py"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"-O -S -c typed in a shell: no child's flags", 0, OTHER,
     {EXE, "-O", "-S", "-c", "x"}, {P, 0, 0, 0, 0}, ASKS, CALM},

    /* not a python3 command line, whoever the parent is */
    {"no arguments at all (argc 0)", 0, SELF,
     {NULL}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"no arguments (a self-relaunch)", 0, SELF,
     {EXE}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"a word that is no script", 0, SELF,
     {EXE, "data.txt"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"a *.py that does not exist", 0, SELF,
     {EXE, "missing.py"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"a file with another extension", 0, SELF,
     {EXE, "notes.txt", "a"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"the executable itself ([sys.executable] + sys.argv)", 0, SELF,
     {EXE, EXE, "x"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"an unknown flag", 0, SELF,
     {EXE, "-Z", "-c", "x"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"an unknown flag joined after a known one", 0, SELF,
     {EXE, "-Ih", "-c", "x"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-h", 0, SELF,
     {EXE, "-h"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-i is not a child's flag", 0, SELF,
     {EXE, "-i", "-c", "x"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"--", 0, SELF,
     {EXE, "--", "-c", "x"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-- after flags", 0, SELF,
     {EXE, "-I", "--", "child.py"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"a long option", 0, SELF,
     {EXE, "--version"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-c without code", 0, SELF,
     {EXE, "-I", "-c"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-m without a module", 0, SELF,
     {EXE, "-m"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-X without its value", 0, SELF,
     {EXE, "-X"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-X without its value after flags", 0, SELF,
     {EXE, "-I", "-X"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-W without its value, joined after a flag", 0, SELF,
     {EXE, "-EW"}, {P, 0, 0, 0, 0}, QUIET, CALM},

    /* scripts python3 runs that are not named *.py: a file named without
     * an extension (os_helper.TESTFN), a packed file (the frozen main's own
     * __file__, a test package's helper script) */
    {"a script named without an extension", 0, SELF,
     {EXE, "/tmp/@test_1_tmp\xc3\xa6"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"a script without an extension, after flags", 0, SELF,
     {EXE, "-X", "no_debug_ranges", "job", "a"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"a packed script", 0, SELF,
     {EXE, "-X", "faulthandler", "-I", "-u", EXE "/test/_test_atexit.py", "-v"},
     {I, 0, 0, 0, 0}, ASKS, CALM},
    {"the frozen main's own __file__", 0, SELF,
     {EXE, EXE "/app.py", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"the executable as a directory is not a packed file", 0, SELF,
     {EXE, EXE "/"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"a script without an extension typed in a shell", 0, OTHER,
     {EXE, "job"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"a packed script typed in a shell", 0, OTHER,
     {EXE, EXE "/app.py"}, {P, 0, 0, 0, 0}, ASKS, CALM},

    /* the program passing on its own arguments (`[sys.executable] +
     * sys.argv[1:]`): a file name without an extension it was given */
    {"the parent's own argument, no extension", 0, SELF,
     {EXE, "job"}, {P, 0, 0, 0, 0}, ASKS, 0, 0, {"job"}},
    {"the parent's own argument among others", 0, SELF,
     {EXE, "job", "--fast"}, {P, 0, 0, 0, 0}, ASKS, 0, 0, {"-v", "job"}},
    {"another word of the parent's does not matter", 0, SELF,
     {EXE, "job", "-v"}, {I, 0, 0, 0, 0}, ASKS, 0, 0, {"-v"}},
    {"a *.py script runs even when the parent was given it", 0, SELF,
     {EXE, "child.py"}, {I, 0, 0, 0, 0}, ASKS, 0, 0, {"child.py"}},

    /* flags alone: python3 reads the code from stdin, unless it is a
     * terminal (its interactive session) */
    {"flags alone, code on stdin", 0, SELF,
     {EXE, "-E"}, {I, 0, 0, 0, 0}, ASKS, CALM},
    {"flags alone, joined, code on stdin", 0, SELF,
     {EXE, "-IS", "-X", "dev", "-O"}, {I, 0, 1, 1, 0}, ASKS, CALM},
    {"flags alone, stdin a terminal", 0, SELF,
     {EXE, "-I", "-S", "-O"}, {P, 0, 0, 0, 0}, ASKS, TTY, 0, {NULL}},
    {"flags alone typed in a shell", 0, OTHER,
     {EXE, "-E"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"flags alone that are the parent's own arguments (a restart)", 0, SELF,
     {EXE, "-v", "-q"}, {P, 0, 0, 0, 0}, ASKS, 0, 0, {"-v", "-q"}},
    {"flags alone, the parent had more arguments", 0, SELF,
     {EXE, "-v"}, {I, 0, 0, 0, 0}, ASKS, 0, 0, {"-v", "-q"}},
    {"flags alone, the parent had fewer arguments", 0, SELF,
     {EXE, "-v", "-q"}, {I, 0, 0, 0, 0}, ASKS, 0, 0, {"-v"}},

    /* PYFREEZE_ARGS=program: the parent asks for the program */
    {"asked for the program: -c", 0, SELF,
     {EXE, "-c", "x"}, {P, 0, 0, 0, 0}, QUIET, 0, OWN, {NULL}},
    {"asked for the program: a spawn child's arguments", 0, SELF,
     {EXE, "--multiprocessing-fork"}, {P, 0, 0, 0, 0}, QUIET, 0, OWN, {NULL}},
    {"asked for the program: a script", 0, SELF,
     {EXE, "child.py"}, {P, 0, 0, 0, 0}, QUIET, 0, OWN, {NULL}},
    {"asked for the program: flags alone", 0, SELF,
     {EXE, "-v"}, {P, 0, 0, 0, 0}, QUIET, 0, OWN, {NULL}},
    {"asked for the program: -i still opens the session", A, SELF,
     {EXE, "-i"}, {P, 1, 0, 0, 0}, QUIET, 0, OWN, {NULL}},

    /* --allow-interactive: only a first -i, only in such builds */
    {"-i in an interactive build", A, OTHER,
     {EXE, "-i"}, {P, 1, 0, 0, 0}, QUIET, CALM},
    {"-i and the program's arguments", A, OTHER,
     {EXE, "-i", "x", "-v"}, {P, 1, 0, 0, 0}, QUIET, CALM},
    {"-i from its own parent too", A, SELF,
     {EXE, "-i"}, {P, 1, 0, 0, 0}, QUIET, CALM},
    {"-i without --allow-interactive", 0, OTHER,
     {EXE, "-i"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"-i not first", A, OTHER,
     {EXE, "x", "-i"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"-i joined to something", A, OTHER,
     {EXE, "-iq"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"a child's command line in an interactive build", A, SELF,
     {EXE, "-c", "x"}, {I, 0, 0, 0, 0}, ASKS, CALM},

    /* a standalone Python: CPython parses everything */
    {"standalone Python, -c", PF_INDEX_FLAG_PYTHON, SELF,
     {EXE, "-c", "x"}, {PY, 0, 0, 0, 0}, QUIET, CALM},
    {"standalone Python, -i", PF_INDEX_FLAG_PYTHON | A, OTHER,
     {EXE, "-i"}, {PY, 0, 0, 0, 0}, QUIET, CALM},
    {"standalone Python, spawn child", PF_INDEX_FLAG_PYTHON, SELF,
     {EXE, "--multiprocessing-fork"}, {PY, 0, 0, 0, 0}, QUIET, CALM},
    {"standalone Python, no arguments", PF_INDEX_FLAG_PYTHON, SELF,
     {NULL}, {PY, 0, 0, 0, 0}, QUIET, CALM},

    /* the optimisation level the payload was built with changes nothing here */
    {"-OO build's own start", PF_INDEX_FLAG_OPTIMIZE(2), OTHER,
     {EXE, "-c", "x"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"-OO build's child", PF_INDEX_FLAG_OPTIMIZE(2), SELF,
     {EXE, "-O", "-c", "x"}, {I, 0, 0, 1, 0}, ASKS, CALM},

    /* started by an earlier file at this path, replaced since (an upgrade
     * in place): a child's command line runs with the parent's file */
    {"spawn child of a replaced executable", 0, REPLACED,
     {EXE, "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"}, {S, 0, 0, 0, 1}, ASKS, CALM},
    {"forkserver of a replaced executable", 0, REPLACED,
     {EXE, "-I", "-B", "-c", FORKSERVER}, {I, 0, 0, 0, 1}, ASKS, CALM},
    {"-m child of a replaced executable", 0, REPLACED,
     {EXE, "-m", "json.tool"}, {I, 0, 0, 0, 1}, ASKS, CALM},
    {"the user's own arguments, parent replaced: the program", 0, REPLACED,
     {EXE, "data.txt"}, {P, 0, 0, 0, 0}, ASKS, CALM},
    {"the user's own options, parent replaced: the program", 0, REPLACED,
     {EXE, "--verbose"}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"a self-relaunch with no arguments, parent replaced: the program", 0, REPLACED,
     {EXE}, {P, 0, 0, 0, 0}, QUIET, CALM},
    {"flags alone, code on stdin, parent replaced", 0, REPLACED,
     {EXE, "-I"}, {I, 0, 0, 0, 1}, ASKS, CALM},
    {"a packed script, parent replaced", 0, REPLACED,
     {EXE, EXE "/job.py"}, {I, 0, 0, 0, 1}, ASKS, CALM},
};
// clang-format on

static int count_args(const char *const *argv)
{
    int n = 0;
    while (n < MAX_ARGS && argv[n] != NULL) {
        n++;
    }
    return n;
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        print_message("%s\n", r->what);
        parent_is_self = r->parent;
        terminal = r->terminal;
        own_request = r->own;
        parent_argv = r->parent_argv;
        questions = 0;
        own_questions = 0;
        char *argv[MAX_ARGS + 1];
        int argc = count_args(r->argv);
        memcpy(argv, r->argv, sizeof r->argv);
        argv[MAX_ARGS] = NULL;
        pf_boot_mode mode;
        memset(&mode, 0x5A, sizeof mode);
        pf_error err;
        assert_int_equal(pf_boot_choose_mode(r->flags, argc, argv, &fake_probe, &mode, &err),
                         PF_OK);
        assert_int_equal(mode.run, r->want.run);
        assert_int_equal(mode.inspect, r->want.inspect);
        assert_int_equal(mode.no_site, r->want.no_site);
        assert_int_equal(mode.child_optimize, r->want.child_optimize);
        assert_int_equal(mode.reexec_parent, r->want.reexec_parent);
        assert_int_equal(questions > 0, r->asks);
        /* asked on every start but a standalone Python's */
        assert_int_equal(own_questions, (r->flags & PF_INDEX_FLAG_PYTHON) ? 0 : 1);
        /* argv is read, never changed */
        for (int k = 0; k < argc; k++) {
            assert_ptr_equal(argv[k], r->argv[k]);
        }
    }
}

/* An optimisation level above 2 is damage (no freezer writes one), seen
 * before anything else: also in a standalone Python, also for argc 0. */
static void test_optimize_level_above_two(void **state)
{
    (void)state;
    const uint32_t bad[] = {PF_INDEX_FLAG_OPTIMIZE(3),
                            PF_INDEX_FLAG_OPTIMIZE(3) | PF_INDEX_FLAG_PYTHON};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = {EXE, "-c", "x", NULL};
        pf_boot_mode mode = {42, 42, 42, 42, 42};
        pf_error err;
        parent_is_self = SELF;
        own_request = 0;
        questions = 0;
        assert_int_equal(pf_boot_choose_mode(bad[i], 3, argv, &fake_probe, &mode, &err),
                         PF_ERR_CORRUPT);
        assert_non_null(strstr(err.message, "optimisation level"));
        assert_int_equal(mode.run, 42); /* untouched */
        assert_int_equal(mode.child_optimize, 42);
        assert_int_equal(questions, 0);
        assert_int_equal(pf_boot_choose_mode(bad[i], 0, argv, &fake_probe, &mode, NULL),
                         PF_ERR_CORRUPT);
    }
    char *argv[] = {EXE, NULL};
    pf_boot_mode mode;
    assert_int_equal(
        pf_boot_choose_mode(PF_INDEX_FLAG_OPTIMIZE(2), 1, argv, &fake_probe, &mode, NULL), PF_OK);
}

/* make_file: an empty file at path. */
static void make_file(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
}

/* The system's probe answers for this process: the test was not started by
 * itself; a script is a regular file named *.py or named without an
 * extension, reached through a symbolic link too, or a path inside this
 * executable (absolute, or relative to the working directory); a
 * directory, a file with another extension, a missing file and the
 * executable itself are none. */
static void test_system_probe_scripts(void **state)
{
    (void)state;
    const pf_boot_probe *p = &pf_boot_system_probe;
    assert_int_equal(p->started_by_self(), PF_PARENT_OTHER);
    char dir[] = "/tmp/test_boot_mode.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[64], link[64], notpy[64], folder[64], plain[64], hidden[64];
    snprintf(script, sizeof script, "%s/job.py", dir);
    snprintf(link, sizeof link, "%s/link.py", dir);
    snprintf(notpy, sizeof notpy, "%s/job.txt", dir);
    snprintf(folder, sizeof folder, "%s/pkg.py", dir);
    snprintf(plain, sizeof plain, "%s/@test_1_tmp\xc3\xa6", dir);
    snprintf(hidden, sizeof hidden, "%s/.job", dir);
    make_file(script);
    make_file(notpy);
    make_file(plain);
    make_file(hidden);
    assert_int_equal(symlink(script, link), 0);
    assert_int_equal(mkdir(folder, 0700), 0);

    assert_int_equal(p->script_kind(script), PF_SCRIPT_PY);
    assert_int_equal(p->script_kind(link), PF_SCRIPT_PY);
    assert_int_equal(p->script_kind(plain), PF_SCRIPT_PLAIN);
    assert_int_equal(p->script_kind(hidden), PF_SCRIPT_PLAIN);
    assert_int_equal(p->script_kind(notpy), PF_SCRIPT_NONE);
    assert_int_equal(p->script_kind(folder), PF_SCRIPT_NONE);
    assert_int_equal(p->script_kind("/nonexistent/x.py"), PF_SCRIPT_NONE);
    assert_int_equal(p->script_kind("/nonexistent/x"), PF_SCRIPT_NONE);
    assert_int_equal(p->script_kind(".py"), PF_SCRIPT_NONE);

    /* this executable: never a script itself; paths inside it are packed */
    char self[4096], inside[4200], relative[4200], cwd[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    assert_int_equal(p->script_kind(self), PF_SCRIPT_NONE);
    snprintf(inside, sizeof inside, "%s/test/_test_atexit.py", self);
    assert_int_equal(p->script_kind(inside), PF_SCRIPT_PACKED);
    snprintf(inside, sizeof inside, "%s/", self);
    assert_int_equal(p->script_kind(inside), PF_SCRIPT_NONE);
    snprintf(inside, sizeof inside, "%sx/y.py", self); /* a longer name, not inside */
    assert_int_equal(p->script_kind(inside), PF_SCRIPT_NONE);
    char *slash = strrchr(self, '/');
    assert_non_null(getcwd(cwd, sizeof cwd));
    *slash = '\0';
    assert_int_equal(chdir(self[0] != '\0' ? self : "/"), 0);
    snprintf(relative, sizeof relative, "%s/app.py", slash + 1);
    assert_int_equal(p->script_kind(relative), PF_SCRIPT_PACKED);
    assert_int_equal(p->script_kind(slash + 1), PF_SCRIPT_NONE);
    assert_int_equal(chdir(cwd), 0);

    assert_int_equal(p->stdin_is_terminal(), isatty(0) == 1);
    unlink(link);
    unlink(script);
    unlink(notpy);
    unlink(plain);
    unlink(hidden);
    rmdir(folder);
    rmdir(dir);
}

/* The parent's arguments, as a child of this test sees them: main started
 * this process again with known ones (WORDS), so a forked child compares
 * with those. The child's answers come back as its exit status. */
#define WORDS "--with-arguments", "two words", "", "last"
static void test_system_probe_parent(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const pf_boot_probe *p = &pf_boot_system_probe;
        char *const all[] = {WORDS};
        char *const fewer[] = {"--with-arguments", "two words", ""};
        char *const more[] = {WORDS, "x"};
        char *const other[] = {"--with-arguments", "two words", "", "lasT"};
        int failures = !p->parent_has_arguments(4, all) + p->parent_has_arguments(3, fewer) +
                       p->parent_has_arguments(5, more) + p->parent_has_arguments(4, other) +
                       !p->parent_has_argument("two words") + !p->parent_has_argument("") +
                       !p->parent_has_argument("last") + p->parent_has_argument("two") +
                       p->parent_has_argument("lastx") + p->parent_has_argument("words");
        _exit(failures);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* PYFREEZE_ARGS: "program" asks for the program; any value is removed. */
static void test_system_probe_own_arguments(void **state)
{
    (void)state;
    const pf_boot_probe *p = &pf_boot_system_probe;
    unsetenv(PF_BOOT_OWN_ARGS_VARIABLE);
    assert_int_equal(p->own_arguments(), 0);
    setenv(PF_BOOT_OWN_ARGS_VARIABLE, "program", 1);
    assert_int_equal(p->own_arguments(), 1);
    assert_null(getenv(PF_BOOT_OWN_ARGS_VARIABLE));
    assert_int_equal(p->own_arguments(), 0);
    setenv(PF_BOOT_OWN_ARGS_VARIABLE, "1", 1);
    assert_int_equal(p->own_arguments(), 0);
    assert_null(getenv(PF_BOOT_OWN_ARGS_VARIABLE));
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--with-arguments") != 0) {
        /* again, with the arguments test_system_probe_parent knows */
        char *again[] = {argv[0], WORDS, NULL};
        execv("/proc/self/exe", again);
        perror("execv /proc/self/exe");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_optimize_level_above_two),
        cmocka_unit_test(test_system_probe_scripts),
        cmocka_unit_test(test_system_probe_parent),
        cmocka_unit_test(test_system_probe_own_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
