/* test_options.c - pfz_options_parse: every accepted form and every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "option_docs.h"
#include "options.h"

#define ARGV(...) ((char *[]){"pyfreeze", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"pyfreeze", __VA_ARGS__}) / sizeof(char *)))
/* PARSE(opts, err, args...): parses "pyfreeze args..." and returns the status. */
#define PARSE(opts, err, ...) pfz_options_parse((opts), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (err))

/* expect_usage: parsing fails with PF_ERR_USAGE and a message containing
 * needle (the option or argument it must name). */
static void expect_usage(int rc, pfz_options *opts, const pf_error *err, const char *needle)
{
    assert_int_equal(rc, PF_ERR_USAGE);
    if (strstr(err->message, needle) == NULL) {
        fail_msg("message '%s' does not name '%s'", err->message, needle);
    }
    assert_null(strchr(err->message, '\n'));
    pfz_options_free(opts);
}

static void test_script_form(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "app"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_FREEZE);
    assert_string_equal(o.script, "app.py");
    assert_null(o.module);
    assert_string_equal(o.output, "app");
    assert_null(o.stub);
    assert_int_equal(o.path_count, 0);
    assert_int_equal(o.verbose, 0);
    pfz_options_free(&o);
}

static void test_module_form_and_all_options(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "-m", "pkg.sub", "--output=out", "-p", "a", "--path", "b",
                           "--path=c", "-pd", "-v", "--stub", "s"),
                     PF_OK);
    assert_null(o.script);
    assert_string_equal(o.module, "pkg.sub");
    assert_string_equal(o.output, "out");
    assert_string_equal(o.stub, "s");
    assert_int_equal(o.verbose, 1);
    assert_int_equal(o.path_count, 4);
    assert_string_equal(o.paths[0], "a");
    assert_string_equal(o.paths[1], "b");
    assert_string_equal(o.paths[2], "c");
    assert_string_equal(o.paths[3], "d");
    pfz_options_free(&o);
    assert_null(o.paths);

    /* a name with a digit first imports (mypyc's runtime <hash>__mypyc) */
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "x", "--hidden-import", "0a1b__mypyc"), PF_OK);
    assert_int_equal(o.hidden_import_count, 1);
    assert_string_equal(o.hidden_imports[0], "0a1b__mypyc");
    pfz_options_free(&o);

    assert_int_equal(PARSE(&o, &err, "-oout", "--verbose", "--", "-dash.py"), PF_OK);
    assert_string_equal(o.script, "-dash.py");
    assert_string_equal(o.output, "out");
    assert_int_equal(o.verbose, 1);
    pfz_options_free(&o);
}

static void test_help_version_inspect(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "-h"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_HELP);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "app.py", "--help"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_HELP);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--version"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_VERSION);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "inspect", "app"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_INSPECT);
    assert_string_equal(o.output, "app");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "inspect", "--", "-app"), PF_OK);
    assert_string_equal(o.output, "-app");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "verify", "app"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_VERIFY);
    assert_string_equal(o.output, "app");
    assert_null(o.help_command);
    pfz_options_free(&o);
}

/* `pyfreeze inspect --help`: the command's own help, wherever -h or --help
 * stands before a "--"; after "--" it is the FILE. */
static void test_command_help(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "inspect", "--help"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_HELP);
    assert_string_equal(o.help_command, "inspect");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "verify", "app", "-h"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_HELP);
    assert_string_equal(o.help_command, "verify");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "inspect", "--", "--help"), PF_OK);
    assert_int_equal(o.command, PFZ_COMMAND_INSPECT);
    assert_string_equal(o.output, "--help");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--help"), PF_OK);
    assert_null(o.help_command);
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "verify", "--hepl", "x"), &o, &err, "pyfreeze verify --help");
}

static void test_errors(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    expect_usage(PARSE(&o, &err, "app.py", "-x", "-o", "a"), &o, &err, "'-x'");
    expect_usage(PARSE(&o, &err, "app.py", "--bogus=1", "-o", "a"), &o, &err, "'--bogus'");
    expect_usage(PARSE(&o, &err, "app.py", "-vx", "-o", "a"), &o, &err, "'-vx'");
    expect_usage(PARSE(&o, &err, "app.py", "-o"), &o, &err, "-o needs a value");
    expect_usage(PARSE(&o, &err, "app.py", "--output"), &o, &err, "--output needs a value");
    expect_usage(PARSE(&o, &err, "app.py", "-o", ""), &o, &err, "-o needs a non-empty");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "-o", "b"), &o, &err,
                 "-o given more than once");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "-p"), &o, &err, "-p needs a value");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--path="), &o, &err, "--path needs a");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--stub"), &o, &err, "--stub needs");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--stub", "x", "--stub=y"), &o, &err,
                 "--stub given more than once");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--verbose=1"), &o, &err,
                 "--verbose takes no value");
    expect_usage(PARSE(&o, &err, "-m", "a-b", "-o", "a"), &o, &err, "'a-b' is not a module");
    expect_usage(PARSE(&o, &err, "-m", "a..b", "-o", "a"), &o, &err, "'a..b'");
    expect_usage(PARSE(&o, &err, "-m", "1 a", "-o", "a"), &o, &err, "'1 a'");
    expect_usage(PARSE(&o, &err, "-m", "a.", "-o", "a"), &o, &err, "'a.'");
    expect_usage(PARSE(&o, &err, "-m", "a", "-m", "b", "-o", "x"), &o, &err, "-m given more");
    expect_usage(PARSE(&o, &err, "app.py", "-m", "a", "-o", "x"), &o, &err, "not both");
    expect_usage(PARSE(&o, &err, "-o", "x"), &o, &err, "nothing to freeze");
    expect_usage(PARSE(&o, &err, "-v"), &o, &err, "nothing to freeze");
    assert_int_equal(PARSE(&o, &err, "app.py"), PF_OK); /* -o defaults: test_project_options.c */
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "app.py", "b.py", "-o", "x"), &o, &err, "'b.py'");
    expect_usage(PARSE(&o, &err, "", "-o", "x"), &o, &err, "SCRIPT is an empty");
    expect_usage(PARSE(&o, &err, "inspect"), &o, &err, "inspect needs a FILE");
    expect_usage(PARSE(&o, &err, "inspect", ""), &o, &err, "non-empty FILE");
    expect_usage(PARSE(&o, &err, "inspect", "-v", "x"), &o, &err, "'-v'");
    expect_usage(PARSE(&o, &err, "inspect", "a", "b"), &o, &err, "'b'");
    expect_usage(PARSE(&o, &err, "verify"), &o, &err, "verify needs a FILE");
    expect_usage(PARSE(&o, &err, "verify", "-v", "x"), &o, &err, "verify takes no option '-v'");
    expect_usage(PARSE(&o, &err, "verify", "a", "b"), &o, &err, "after verify FILE");
}

/* --report FILE.json|FILE.html and --sbom FILE: once each, never the
 * output itself; --report's name says which document it is. */
static void test_report_sbom(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(
        PARSE(&o, &err, "app.py", "-o", "a", "--report", "r.json", "--sbom=s.cdx.json"), PF_OK);
    assert_string_equal(o.report, "r.json");
    assert_string_equal(o.sbom, "s.cdx.json");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "a", "--report=d/r.html"), PF_OK);
    assert_string_equal(o.report, "d/r.html");
    assert_null(o.sbom);
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--report", "r.txt"), &o, &err,
                 "option --report 'r.txt': give FILE.json (the JSON report) or FILE.html");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--report", "d.json/r"), &o, &err,
                 "--report 'd.json/r'");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--report", "a.json", "--report", "b.json"),
                 &o, &err, "--report given more than once");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a.html", "--report", "a.html"), &o, &err,
                 "'a.html' is both the output (-o) and the --report file");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--sbom", "a"), &o, &err,
                 "'a' is both the output (-o) and the --sbom file");
}

/* --include-source, --allow-interactive and --python (issue 4). */
/* --max-glibc VERSION: a glibc version, once; a bad one names the option. */
static void test_max_glibc(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "a"), PF_OK);
    assert_null(o.max_glibc);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc", "2.31"), PF_OK);
    assert_string_equal(o.max_glibc, "2.31");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "app.py", "--max-glibc=2.2.5", "-o", "a"), PF_OK);
    assert_string_equal(o.max_glibc, "2.2.5");
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc", "2.x"), &o, &err,
                 "option --max-glibc '2.x': give a glibc version such as 2.31");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc", "2"), &o, &err,
                 "--max-glibc '2'");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc=2.31 "), &o, &err,
                 "--max-glibc '2.31 '");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc="), &o, &err,
                 "--max-glibc needs a non-empty");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc"), &o, &err,
                 "--max-glibc needs a value");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--max-glibc", "2.31", "--max-glibc=2.34"),
                 &o, &err, "--max-glibc given more than once");
}

static void test_pymode_options(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(
        PARSE(&o, &err, "--include-source", "--allow-interactive", "app.py", "-o", "a"), PF_OK);
    assert_int_equal(o.include_source, 1);
    assert_int_equal(o.allow_interactive, 1);
    assert_int_equal(o.python, 0);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--python", "-o", "py", "-O2"), PF_OK);
    assert_int_equal(o.python, 1);
    assert_null(o.script);
    assert_null(o.module);
    assert_int_equal(o.optimize, 2);
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "--python", "app.py", "-o", "a"), &o, &err, "'app.py'");
    expect_usage(PARSE(&o, &err, "--python", "-m", "m", "-o", "a"), &o, &err, "give no SCRIPT");
    expect_usage(PARSE(&o, &err, "--python", "--allow-interactive", "-o", "a"), &o, &err,
                 "--allow-interactive is for programs");
    assert_int_equal(PARSE(&o, &err, "--python"), PF_OK);
    assert_string_equal(o.output, "dist/python3.11");
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--include-source=1"), &o, &err,
                 "takes no value");
}

/* --pie chooses the position-independent stub; with --stub it is refused,
 * since --stub names the very file to use. */
static void test_pie(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "a"), PF_OK);
    assert_int_equal(o.pie, 0);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--pie", "app.py", "-o", "a"), PF_OK);
    assert_int_equal(o.pie, 1);
    assert_null(o.stub);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "-m", "m", "-o", "a", "--pie"), PF_OK);
    assert_int_equal(o.pie, 1);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--python", "--pie", "-o", "py"), PF_OK);
    assert_int_equal(o.pie, 1);
    assert_int_equal(o.python, 1);
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--pie", "--stub", "s"), &o, &err,
                 "give --stub PATH or --pie, not both");
    expect_usage(PARSE(&o, &err, "app.py", "--stub=s", "-o", "a", "--pie"), &o, &err, "('s')");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--pie=1"), &o, &err, "--pie takes no value");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--pi"), &o, &err, "'--pi'");

    char *help = NULL;
    size_t size;
    FILE *out = open_memstream(&help, &size);
    assert_non_null(out);
    pfz_options_help(out);
    fclose(out);
    assert_non_null(strstr(help, "--pie "));
    assert_non_null(strstr(help, "position-independent"));
    free(help);
}

/* An unknown option or command names the one most likely meant. */
static void test_did_you_mean(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    expect_usage(PARSE(&o, &err, "app.py", "--ouput", "a"), &o, &err,
                 "unknown option '--ouput'; did you mean '--output'?");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--hidden-imports=x"), &o, &err,
                 "unknown option '--hidden-imports'; did you mean '--hidden-import'?");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--exclude-libary", "x"), &o, &err,
                 "did you mean '--exclude-library'?");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "-verbose"), &o, &err,
                 "unknown option '-verbose'; did you mean '--verbose'?");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "a", "--frobnicate"), &o, &err,
                 "unknown option '--frobnicate'");
    assert_null(strstr(err.message, "did you mean"));
    expect_usage(PARSE(&o, &err, "inspcet", "app"), &o, &err,
                 "unknown command 'inspcet'; did you mean 'inspect'?");
    expect_usage(PARSE(&o, &err, "verfiy", "app"), &o, &err, "did you mean 'verify'?");
    /* a name with a '.' or '/', or that exists, is a SCRIPT */
    assert_int_equal(PARSE(&o, &err, "inspcet.py", "-o", "a"), PF_OK);
    assert_string_equal(o.script, "inspcet.py");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "./verfiy", "-o", "a"), PF_OK);
    assert_string_equal(o.script, "./verfiy");
    pfz_options_free(&o);
}

static void test_no_arguments(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    char *argv[] = {"pyfreeze", NULL};
    expect_usage(pfz_options_parse(&o, 1, argv, &err), &o, &err, "nothing to freeze");
}

/* -O/--optimize, --cache-dir and --no-cache (moved here from the cache's
 * tests). */
static void test_optimize_and_cache_options(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "app"), PF_OK);
    assert_int_equal(o.optimize, 0);
    assert_null(o.cache_dir);
    assert_int_equal(o.no_cache, 0);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "app", "-O2", "--cache-dir", "/c"), PF_OK);
    assert_int_equal(o.optimize, 2);
    assert_string_equal(o.cache_dir, "/c");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "app", "--optimize=1", "--no-cache"), PF_OK);
    assert_int_equal(o.optimize, 1);
    assert_int_equal(o.no_cache, 1);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "-O", "1", "app.py", "-o", "app"), PF_OK);
    assert_int_equal(o.optimize, 1);
    pfz_options_free(&o);

    expect_usage(PARSE(&o, &err, "app.py", "-o", "app", "-O3"), &o, &err, "-O");
    expect_usage(PARSE(&o, &err, "app.py", "-o", "app", "-OO"), &o, &err, "python -OO");
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "app", "-O1", "--optimize", "1"),
                     PF_ERR_USAGE);
    pfz_options_free(&o);
    expect_usage(PARSE(&o, &err, "app.py", "-o", "app", "--no-cache", "--cache-dir=/c"), &o, &err,
                 "--no-cache");
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "app", "--cache-dir="), PF_ERR_USAGE);
    pfz_options_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script_form),
        cmocka_unit_test(test_module_form_and_all_options),
        cmocka_unit_test(test_help_version_inspect),
        cmocka_unit_test(test_command_help),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_max_glibc),
        cmocka_unit_test(test_report_sbom),
        cmocka_unit_test(test_pymode_options),
        cmocka_unit_test(test_pie),
        cmocka_unit_test(test_no_arguments),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_optimize_and_cache_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
