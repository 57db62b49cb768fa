/* test_project_options.c - the options issue 18 added to pfz_options_parse:
 * -o's default dist/NAME (default_output.c), -m MODULE:FUNCTION,
 * --entry-point, and arguments standing in for missing options
 * (pfz_options_parse_with_defaults, as pyproject.toml's table gives them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define ARGV(...) ((char *[]){"pyfreeze", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"pyfreeze", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(opts, err, ...) pfz_options_parse((opts), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (err))

/* expect_output: parsing args gives output out, marked as the default. */
static void expect_output(int rc, pfz_options *o, const char *out)
{
    assert_int_equal(rc, PF_OK);
    assert_string_equal(o->output, out);
    assert_int_equal(o->output_is_default, 1);
    pfz_options_free(o);
}

static void test_default_output(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    expect_output(PARSE(&o, &err, "app.py"), &o, "dist/app");
    expect_output(PARSE(&o, &err, "some/dir/tool.py"), &o, "dist/tool");
    expect_output(PARSE(&o, &err, "runme"), &o, "dist/runme");
    expect_output(PARSE(&o, &err, "-m", "pkg.sub"), &o, "dist/sub");
    expect_output(PARSE(&o, &err, "-m", "pkg"), &o, "dist/pkg");
    expect_output(PARSE(&o, &err, "-m", "pkg.__main__"), &o, "dist/pkg");
    expect_output(PARSE(&o, &err, "-m", "greeter.cli:main"), &o, "dist/cli");
    expect_output(PARSE(&o, &err, "--entry-point", "greeter"), &o, "dist/greeter");
    expect_output(PARSE(&o, &err, "--python"), &o, "dist/python3.11");
    /* -o given: kept, not marked */
    assert_int_equal(PARSE(&o, &err, "app.py", "-o", "x"), PF_OK);
    assert_string_equal(o.output, "x");
    assert_int_equal(o.output_is_default, 0);
    assert_null(o.output_default);
    pfz_options_free(&o);
    /* no name to make one from */
    assert_int_equal(PARSE(&o, &err, "dir/"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "missing -o"));
    pfz_options_free(&o);
}

static void test_entry_points(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    assert_int_equal(PARSE(&o, &err, "-m", "greeter.cli:main", "-o", "g"), PF_OK);
    assert_string_equal(o.module, "greeter.cli:main");
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "-m", "a:obj.run", "-o", "g"), PF_OK);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--entry-point", "flake8", "-o", "f"), PF_OK);
    assert_string_equal(o.entry_point, "flake8");
    assert_null(o.module);
    pfz_options_free(&o);
    static const char *const bad_refs[] = {"a:", ":f", "a:b:c", "a-b:f", "a:f()", "a:b..c"};
    for (size_t i = 0; i < sizeof bad_refs / sizeof bad_refs[0]; i++) {
        assert_int_equal(PARSE(&o, &err, "-m", (char *)bad_refs[i]), PF_ERR_USAGE);
        assert_non_null(strstr(err.message, "MODULE:FUNCTION"));
        pfz_options_free(&o);
    }
    assert_int_equal(PARSE(&o, &err, "--entry-point", "a/b"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "not a path"));
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--entry-point", "a", "-m", "m"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "not both"));
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--entry-point", "a", "app.py"), PF_ERR_USAGE);
    pfz_options_free(&o);
    assert_int_equal(PARSE(&o, &err, "--entry-point", "a", "--python"), PF_ERR_USAGE);
    pfz_options_free(&o);
}

/* A defaults source that hands out fixed arguments and counts its calls. */
typedef struct fake_defaults {
    char **argv;
    int argc;
    int calls;
    int fail;
    const char *dir;    /* the file's directory as a prefix, or NULL */
    const char *config; /* the --config the read was given */
} fake_defaults;

static int fake_read(void *ctx, pfz_defaults_read *r, pf_error *err)
{
    fake_defaults *f = ctx;
    f->calls++;
    r->origin = "pyproject.toml [tool.pyfreeze]";
    r->file = "pyproject.toml";
    r->dir = f->dir;
    f->config = r->config;
    if (f->fail) {
        return pf_error_set(err, PF_ERR_USAGE, "broken file");
    }
    r->argc = f->argc;
    r->argv = f->argv;
    return PF_OK;
}

#define DEFAULTS(...)                                                                              \
    {                                                                                              \
        (char *[]){__VA_ARGS__}, (int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), 0, 0,    \
            NULL, NULL                                                                             \
    }
#define PARSE_D(opts, d, err, ...)                                                                 \
    pfz_options_parse_with_defaults((opts), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__),                  \
                                    &(pfz_options_defaults){fake_read, (d)}, (err))

static void test_defaults(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    fake_defaults d = DEFAULTS("--output=dist/x", "-p", "src", "--hidden-import=json", "--verbose",
                               "-O2", "--", "app.py");
    /* the command line's single values win; lists add up, the command line's first */
    assert_int_equal(PARSE_D(&o, &d, &err, "-o", "mine", "-p", "lib", "-O1", "-q"), PF_OK);
    assert_int_equal(d.calls, 1);
    assert_string_equal(o.script, "app.py");
    assert_string_equal(o.output, "mine");
    assert_int_equal(o.output_is_default, 0);
    assert_int_equal(o.path_count, 2);
    assert_string_equal(o.paths[0], "lib");
    assert_string_equal(o.paths[1], "src");
    assert_int_equal(o.hidden_import_count, 1);
    assert_int_equal(o.optimize, 1);
    assert_int_equal(o.verbose, 1);
    assert_int_equal(o.quiet, 1);
    pfz_options_free(&o);
    /* many repeatable values: the lists grow past the command line's size */
    fake_defaults many =
        DEFAULTS("-pa", "-pb", "-pc", "-pd", "-pe", "-pf", "-pg", "-ph", "-m", "pkg");
    assert_int_equal(PARSE_D(&o, &many, &err, "-p", "z"), PF_OK);
    assert_int_equal(o.path_count, 9);
    assert_string_equal(o.paths[8], "h");
    assert_string_equal(o.output, "dist/pkg");
    pfz_options_free(&o);
    /* the command line names something to freeze: the file is not read */
    d.calls = 0;
    assert_int_equal(PARSE_D(&o, &d, &err, "other.py"), PF_OK);
    assert_int_equal(d.calls, 0);
    assert_string_equal(o.output, "dist/other");
    pfz_options_free(&o);
    assert_int_equal(PARSE_D(&o, &d, &err, "--python"), PF_OK);
    assert_int_equal(d.calls, 0);
    pfz_options_free(&o);
    assert_int_equal(PARSE_D(&o, &d, &err, "inspect", "f"), PF_OK);
    assert_int_equal(d.calls, 0);
    pfz_options_free(&o);
    /* an error in the defaults names where they come from */
    fake_defaults bad = DEFAULTS("--optimize=7", "-m", "m");
    assert_int_equal(PARSE_D(&o, &bad, &err, "-q"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "pyproject.toml [tool.pyfreeze]: option --optimize"));
    pfz_options_free(&o);
    bad.fail = 1;
    assert_int_equal(PARSE_D(&o, &bad, &err, "-v"), PF_ERR_USAGE);
    assert_string_equal(err.message, "broken file");
    pfz_options_free(&o);
    /* nothing in the defaults either */
    fake_defaults none = {NULL, 0, 0, 0, NULL, NULL};
    assert_int_equal(PARSE_D(&o, &none, &err, "-v"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "nothing to freeze"));
    assert_non_null(strstr(err.message, "pyproject.toml"));
    pfz_options_free(&o);
}

/* --config FILE: read even when the command line names what to freeze,
 * whose choice then wins over the file's; dist/ is the file's directory's. */
static void test_config(void **state)
{
    (void)state;
    pfz_options o;
    pf_error err;
    fake_defaults d = DEFAULTS("--path=../src", "--verbose", "-m", "pkg");
    d.dir = "../";
    assert_int_equal(PARSE_D(&o, &d, &err, "--config", "../pyproject.toml", "mine.py"), PF_OK);
    assert_int_equal(d.calls, 1);
    assert_string_equal(d.config, "../pyproject.toml");
    assert_string_equal(o.script, "mine.py");
    assert_null(o.module);
    assert_int_equal(o.verbose, 1);
    assert_int_equal(o.path_count, 1);
    assert_string_equal(o.output, "../dist/mine");
    pfz_options_free(&o);
    /* without --config, nothing named: the file's script, under its dist/ */
    d.calls = 0;
    assert_int_equal(PARSE_D(&o, &d, &err, "-q"), PF_OK);
    assert_null(d.config);
    assert_string_equal(o.module, "pkg");
    assert_null(o.script);
    assert_string_equal(o.output, "../dist/pkg");
    pfz_options_free(&o);
    fake_defaults s = DEFAULTS("--", "../app.py");
    s.dir = "../";
    assert_int_equal(PARSE_D(&o, &s, &err, "-q"), PF_OK);
    assert_string_equal(o.script, "../app.py");
    assert_string_equal(o.output, "../dist/app");
    assert_string_equal(o.project_dir, "../");
    pfz_options_free(&o);
    /* a file without the table: the error says to add one there */
    fake_defaults none = {NULL, 0, 0, 0, NULL, NULL};
    assert_int_equal(PARSE_D(&o, &none, &err, "-v"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "name one in pyproject.toml's [tool.pyfreeze]"));
    pfz_options_free(&o);
    assert_int_equal(PARSE_D(&o, &d, &err, "--config", "a", "--config", "b"), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "--config given more than once"));
    pfz_options_free(&o);
    assert_int_equal(pfz_option_kind("config"), -1);
}

static void test_option_kind(void **state)
{
    (void)state;
    assert_int_equal(pfz_option_kind("verbose"), 0);
    assert_int_equal(pfz_option_kind("output"), 1);
    assert_int_equal(pfz_option_kind("entry-point"), 1);
    assert_int_equal(pfz_option_kind("path"), 2);
    assert_int_equal(pfz_option_kind("add-data"), 2);
    assert_int_equal(pfz_option_kind("help"), -1);
    assert_int_equal(pfz_option_kind("version"), -1);
    assert_int_equal(pfz_option_kind("outputs"), -1);
    assert_int_equal(pfz_option_kind(""), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_output), cmocka_unit_test(test_entry_points),
        cmocka_unit_test(test_defaults),       cmocka_unit_test(test_option_kind),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
