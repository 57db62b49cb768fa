/* test_boot_mode.c - runtime/boot/boot_mode.c: what a process of a frozen
 * program runs, for every command line the stdlib gives a child started
 * with sys.executable (multiprocessing's spawn, forkserver and resource
 * tracker, subprocess with -c, -m, `-` and a script), for command lines
 * that only look like one (typed in a shell, unknown options, `--`, -c
 * without code) and for the index flags that change the rule (a standalone
 * Python, --allow-interactive's -i, the optimisation level). The system's
 * two answers (is the parent this executable, is this a script file) come
 * from a fake probe, which also counts the questions: a program's own start
 * must ask none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "boot_mode.h"
#include "payload.h"

/* ---- the fake system ---- */

static int parent_is_self;         /* what started_by_self answers */
static int parent_questions;       /* how often it was asked */
static const char *const *scripts; /* the *.py files that exist, NULL-terminated */

static int fake_started_by_self(void)
{
    parent_questions++;
    return parent_is_self;
}

static int fake_is_script_file(const char *path)
{
    size_t n = strlen(path);
    if (n < 3 || strcmp(path + n - 3, ".py") != 0) {
        return 0;
    }
    for (size_t i = 0; scripts != NULL && scripts[i] != NULL; i++) {
        if (strcmp(scripts[i], path) == 0) {
            return 1;
        }
    }
    return 0;
}

static const pf_boot_probe fake_probe = {fake_started_by_self, fake_is_script_file};

static const char *const existing_scripts[] = {"child.py", "/tmp/work/job.py", NULL};

/* ---- the table ---- */

#define MAX_ARGS 8
#define SELF 1                      /* started by this same executable */
#define OTHER 0                     /* started by anything else (a shell) */
#define REPLACED PF_PARENT_REPLACED /* by the file this one replaced at its path */
#define ASKS 1                      /* the parent question is asked */
#define QUIET 0                     /* no question to the system */

struct row {
    const char *what;
    uint32_t flags;             /* the index's PF_INDEX_FLAG_* */
    int parent;                 /* SELF, OTHER or REPLACED */
    const char *argv[MAX_ARGS]; /* NULL-terminated; argv[0] NULL for argc 0 */
    pf_boot_mode want;          /* the expected mode: run, inspect, no_site, path0, optimize,
                                   reexec_parent */
    int asks;                   /* ASKS or QUIET */
};

#define EXE "/opt/app/app"
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
     {EXE, "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"}, {S, 0, 0, 0, 0, 0}, ASKS},
    {"spawn child, no arguments after", 0, SELF,
     {EXE, "--multiprocessing-fork"}, {S, 0, 0, 0, 0, 0}, ASKS},
    {"spawn child (not frozen form)", 0, SELF,
     {EXE, "-B", "-I", "-c", SPAWN_MAIN, "--multiprocessing-fork"}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"forkserver", 0, SELF,
     {EXE, "-B", "-I", "-c", FORKSERVER}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"resource tracker", 0, SELF,
     {EXE, "-B", "-I", "-c", TRACKER}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"resource tracker of an -OO build", 0, SELF,
     {EXE, "-OO", "-B", "-I", "-c", TRACKER}, {I, 0, 0, 0, 2, 0}, ASKS},
    {"-O given twice", 0, SELF,
     {EXE, "-O", "-O", "-c", "x"}, {I, 0, 0, 1, 2, 0}, ASKS},
    {"-O joined with others", 0, SELF,
     {EXE, "-OBI", "-c", "x"}, {I, 0, 0, 0, 1, 0}, ASKS},
    {"subprocess -c", 0, SELF,
     {EXE, "-c", "print(1)", "a"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"-c with the code joined", 0, SELF,
     {EXE, "-cprint(1)"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"-c joined after flags", 0, SELF,
     {EXE, "-Icprint(1)"}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"subprocess -m", 0, SELF,
     {EXE, "-m", "json.tool", "in.json"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"-m with the module joined", 0, SELF,
     {EXE, "-mjson.tool"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"code from stdin", 0, SELF,
     {EXE, "-"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"code from stdin, isolated", 0, SELF,
     {EXE, "-I", "-"}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"a script", 0, SELF,
     {EXE, "child.py", "arg"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"a script by absolute path, -P", 0, SELF,
     {EXE, "-P", "/tmp/work/job.py"}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"-S", 0, SELF,
     {EXE, "-S", "-c", "x"}, {I, 0, 1, 1, 0, 0}, ASKS},
    {"-S joined with -I", 0, SELF,
     {EXE, "-IS", "-c", "x"}, {I, 0, 1, 0, 0, 0}, ASKS},
    {"-E and -s do not make a safe path", 0, SELF,
     {EXE, "-E", "-s", "-c", "x"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"every flag without a value", 0, SELF,
     {EXE, "-IEsSBbdOquvPR", "-c", "x"}, {I, 0, 1, 0, 1, 0}, ASKS},
    {"-X with its value next", 0, SELF,
     {EXE, "-X", "dev", "-c", "x"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"-X with its value joined", 0, SELF,
     {EXE, "-Xutf8", "-c", "x"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"-W with its value next", 0, SELF,
     {EXE, "-W", "error", "-m", "x"}, {I, 0, 0, 1, 0, 0}, ASKS},
    {"-W with its value joined", 0, SELF,
     {EXE, "-Werror", "-I", "-m", "x"}, {I, 0, 0, 0, 0, 0}, ASKS},
    {"-X's value is not an option", 0, SELF,
     {EXE, "-X", "-c", "-c", "x"}, {I, 0, 0, 1, 0, 0}, ASKS},

    /* the same command lines from another parent are the program's */
    {"-c typed in a shell", 0, OTHER,
     {EXE, "-c", "x"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"--multiprocessing-fork typed in a shell", 0, OTHER,
     {EXE, "--multiprocessing-fork"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"a script typed in a shell", 0, OTHER,
     {EXE, "child.py"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"-O -S -c typed in a shell: no child's flags", 0, OTHER,
     {EXE, "-O", "-S", "-c", "x"}, {P, 0, 0, 0, 0, 0}, ASKS},

    /* not a python3 command line, whoever the parent is */
    {"no arguments at all (argc 0)", 0, SELF,
     {NULL}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"no arguments (a self-relaunch)", 0, SELF,
     {EXE}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"a word that is no script", 0, SELF,
     {EXE, "data.txt"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"a *.py that does not exist", 0, SELF,
     {EXE, "missing.py"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"the frozen main's own __file__", 0, SELF,
     {EXE, EXE "/app.py"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"an unknown flag", 0, SELF,
     {EXE, "-Z", "-c", "x"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"an unknown flag joined after a known one", 0, SELF,
     {EXE, "-Ih", "-c", "x"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-h", 0, SELF,
     {EXE, "-h"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-i is not a child's flag", 0, SELF,
     {EXE, "-i", "-c", "x"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"--", 0, SELF,
     {EXE, "--", "-c", "x"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-- after flags", 0, SELF,
     {EXE, "-I", "--", "child.py"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"a long option", 0, SELF,
     {EXE, "--version"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-c without code", 0, SELF,
     {EXE, "-I", "-c"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-m without a module", 0, SELF,
     {EXE, "-m"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"flags only", 0, SELF,
     {EXE, "-I", "-S", "-O"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-X without its value", 0, SELF,
     {EXE, "-X"}, {P, 0, 0, 0, 0, 0}, QUIET},

    /* --allow-interactive: only a first -i, only in such builds */
    {"-i in an interactive build", A, OTHER,
     {EXE, "-i"}, {P, 1, 0, 0, 0, 0}, QUIET},
    {"-i and the program's arguments", A, OTHER,
     {EXE, "-i", "x", "-v"}, {P, 1, 0, 0, 0, 0}, QUIET},
    {"-i from its own parent too", A, SELF,
     {EXE, "-i"}, {P, 1, 0, 0, 0, 0}, QUIET},
    {"-i without --allow-interactive", 0, OTHER,
     {EXE, "-i"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"-i not first", A, OTHER,
     {EXE, "x", "-i"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"-i joined to something", A, OTHER,
     {EXE, "-iq"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"a child's command line in an interactive build", A, SELF,
     {EXE, "-c", "x"}, {I, 0, 0, 1, 0, 0}, ASKS},

    /* a standalone Python: CPython parses everything */
    {"standalone Python, -c", PF_INDEX_FLAG_PYTHON, SELF,
     {EXE, "-c", "x"}, {PY, 0, 0, 0, 0, 0}, QUIET},
    {"standalone Python, -i", PF_INDEX_FLAG_PYTHON | A, OTHER,
     {EXE, "-i"}, {PY, 0, 0, 0, 0, 0}, QUIET},
    {"standalone Python, spawn child", PF_INDEX_FLAG_PYTHON, SELF,
     {EXE, "--multiprocessing-fork"}, {PY, 0, 0, 0, 0, 0}, QUIET},
    {"standalone Python, no arguments", PF_INDEX_FLAG_PYTHON, SELF,
     {NULL}, {PY, 0, 0, 0, 0, 0}, QUIET},

    /* the optimisation level the payload was built with changes nothing here */
    {"-OO build's own start", PF_INDEX_FLAG_OPTIMIZE(2), OTHER,
     {EXE, "-c", "x"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"-OO build's child", PF_INDEX_FLAG_OPTIMIZE(2), SELF,
     {EXE, "-O", "-c", "x"}, {I, 0, 0, 1, 1, 0}, ASKS},

    /* started by an earlier file at this path, replaced since (an upgrade
     * in place): a child's command line runs with the parent's file */
    {"spawn child of a replaced executable", 0, REPLACED,
     {EXE, "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"}, {S, 0, 0, 0, 0, 1}, ASKS},
    {"forkserver of a replaced executable", 0, REPLACED,
     {EXE, "-I", "-B", "-c", FORKSERVER}, {I, 0, 0, 0, 0, 1}, ASKS},
    {"-m child of a replaced executable", 0, REPLACED,
     {EXE, "-m", "json.tool"}, {I, 0, 0, 1, 0, 1}, ASKS},
    {"the user's own arguments, parent replaced: the program", 0, REPLACED,
     {EXE, "data.txt"}, {P, 0, 0, 0, 0, 0}, ASKS},
    {"the user's own options, parent replaced: the program", 0, REPLACED,
     {EXE, "--verbose"}, {P, 0, 0, 0, 0, 0}, QUIET},
    {"a self-relaunch with no arguments, parent replaced: the program", 0, REPLACED,
     {EXE}, {P, 0, 0, 0, 0, 0}, QUIET},
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
    scripts = existing_scripts;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        print_message("%s\n", r->what);
        parent_is_self = r->parent;
        parent_questions = 0;
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
        assert_int_equal(mode.path0, r->want.path0);
        assert_int_equal(mode.child_optimize, r->want.child_optimize);
        assert_int_equal(mode.reexec_parent, r->want.reexec_parent);
        assert_int_equal(parent_questions > 0, r->asks);
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
        pf_boot_mode mode = {42, 42, 42, 42, 42, 42};
        pf_error err;
        parent_is_self = SELF;
        parent_questions = 0;
        assert_int_equal(pf_boot_choose_mode(bad[i], 3, argv, &fake_probe, &mode, &err),
                         PF_ERR_CORRUPT);
        assert_non_null(strstr(err.message, "optimisation level"));
        assert_int_equal(mode.run, 42); /* untouched */
        assert_int_equal(mode.child_optimize, 42);
        assert_int_equal(parent_questions, 0);
        assert_int_equal(pf_boot_choose_mode(bad[i], 0, argv, &fake_probe, &mode, NULL),
                         PF_ERR_CORRUPT);
    }
    char *argv[] = {EXE, NULL};
    pf_boot_mode mode;
    assert_int_equal(
        pf_boot_choose_mode(PF_INDEX_FLAG_OPTIMIZE(2), 1, argv, &fake_probe, &mode, NULL), PF_OK);
}

/* The system's probe answers for this process: the test was not started by
 * itself, and a script is a regular file named *.py, reached through a
 * symbolic link too; a directory named *.py is not one. */
static void test_system_probe(void **state)
{
    (void)state;
    assert_int_equal(pf_boot_system_probe.started_by_self(), 0);
    char dir[] = "/tmp/test_boot_mode.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[sizeof dir + 16], link[sizeof dir + 16], notpy[sizeof dir + 16],
        folder[sizeof dir + 16];
    snprintf(script, sizeof script, "%s/job.py", dir);
    snprintf(link, sizeof link, "%s/link.py", dir);
    snprintf(notpy, sizeof notpy, "%s/job.txt", dir);
    snprintf(folder, sizeof folder, "%s/pkg.py", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fclose(f);
    f = fopen(notpy, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(symlink(script, link), 0);
    assert_int_equal(mkdir(folder, 0700), 0);

    assert_int_equal(pf_boot_system_probe.is_script_file(script), 1);
    assert_int_equal(pf_boot_system_probe.is_script_file(link), 1);
    assert_int_equal(pf_boot_system_probe.is_script_file(notpy), 0);
    assert_int_equal(pf_boot_system_probe.is_script_file(folder), 0);
    assert_int_equal(pf_boot_system_probe.is_script_file("/nonexistent/x.py"), 0);
    assert_int_equal(pf_boot_system_probe.is_script_file(".py"), 0);

    unlink(link);
    unlink(script);
    unlink(notpy);
    rmdir(folder);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_optimize_level_above_two),
        cmocka_unit_test(test_system_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
