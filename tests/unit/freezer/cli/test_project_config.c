/* test_project_config.c - pyproject.toml's [tool.pyfreeze] as arguments and
 * console-script look-ups (project_config.c), on files the test writes, read
 * by the embedded interpreter's tomllib and importlib.metadata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project_config.h"
#include "python_host.h"

static char dir[64];
static char path[128];

/* write_file: text into p. */
static void write_file(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* read_args: the arguments read by a pfz_project_config of path (NULL:
 * the nearest pyproject.toml) with --config config (or NULL), joined by ' '
 * in out; the status is returned. */
static int read_args(const char *file, const char *config, char *out, size_t size, pf_error *err)
{
    pfz_project_config cfg = {.path = file};
    pfz_defaults_read r = {.config = config, .argc = -1};
    int rc = pfz_project_config_defaults(&cfg, &r, err);
    out[0] = '\0';
    for (int i = 0; rc == PF_OK && i < r.argc; i++) {
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i > 0 ? " " : "", r.argv[i]);
    }
    if (rc == PF_OK && r.argc > 0) {
        assert_non_null(strstr(r.origin, "[tool.pyfreeze]"));
        assert_non_null(strstr(r.origin, r.file));
    }
    pfz_project_config_free(&cfg);
    return rc;
}

/* read_table: the arguments for a pyproject.toml of text; rc is returned,
 * the arguments joined by ' ' in out. */
static int read_table(const char *text, char *out, size_t size, pf_error *err)
{
    write_file(path, text);
    return read_args(path, NULL, out, size, err);
}

static void expect_args(const char *text, const char *args)
{
    char out[1024];
    pf_error err;
    assert_int_equal(read_table(text, out, sizeof out, &err), PF_OK);
    assert_string_equal(out, args);
}

static void expect_error(const char *text, const char *needle)
{
    char out[1024];
    pf_error err;
    pf_error_clear(&err);
    assert_int_equal(read_table(text, out, sizeof out, &err), PF_ERR_USAGE);
    if (strstr(err.message, needle) == NULL || strstr(err.message, path) == NULL) {
        fail_msg("message '%s' does not name '%s' and the file", err.message, needle);
    }
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pf-test-project-XXXXXX");
    assert_non_null(mkdtemp(dir));
    /* the file is ./pyproject.toml, as pyfreeze reads it: no prefix */
    snprintf(path, sizeof path, "pyproject.toml");
    if (chdir(dir) != 0) {
        return -1;
    }
    pf_error err;
    return pfz_python_start(&err) == PF_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "cd / && rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_table_to_arguments(void **state)
{
    (void)state;
    expect_args("[project]\nname = 'x'\n", "");
    expect_args("[tool.other]\nx = 1\n", "");
    expect_args("[tool.pyfreeze]\n"
                "script = 'app.py'\n"
                "output = 'bin/app'\n"
                "path = ['src', 'lib']\n"
                "hidden-import = 'json'\n"
                "add-data = ['assets:assets']\n"
                "verbose = true\n"
                "strict = false\n"
                "optimize = 2\n",
                "--output=bin/app --path=src --path=lib --hidden-import=json "
                "--add-data=assets:assets --verbose --optimize=2 -- app.py");
    expect_args("[tool.pyfreeze]\nentry-point = 'greeter'\nmax-glibc = '2.31'\n",
                "--entry-point=greeter --max-glibc=2.31");
    /* a missing file gives nothing */
    unlink(path);
    char out[256];
    pf_error err;
    assert_int_equal(read_args(path, NULL, out, sizeof out, &err), PF_OK);
    assert_string_equal(out, "");
}

/* A pyproject.toml in a parent directory (or --config's FILE) is read with
 * its relative paths made relative to its directory: the values of options
 * that take a file or directory, and the script; not module names. The
 * search stops at a repository's root. */
static void test_parent_and_config(void **state)
{
    (void)state;
    char out[512];
    pf_error err;
    assert_int_equal(mkdir("a", 0755), 0);
    assert_int_equal(mkdir("a/b", 0755), 0);
    write_file("pyproject.toml", "[tool.pyfreeze]\n"
                                 "script = 'app.py'\n"
                                 "path = ['src', '/abs']\n"
                                 "add-data = 'assets:assets'\n"
                                 "hidden-import = 'json'\n"
                                 "exclude-library = 'libx.so.1'\n"
                                 "report = 'r.json'\n");
    assert_int_equal(chdir("a/b"), 0);
    assert_int_equal(read_args(NULL, NULL, out, sizeof out, &err), PF_OK);
    assert_string_equal(out, "--path=../../src --path=/abs --add-data=../../assets:assets "
                             "--hidden-import=json --exclude-library=libx.so.1 "
                             "--report=../../r.json -- ../../app.py");
    /* --config names the file: the same prefix rule */
    assert_int_equal(read_args(NULL, "../../pyproject.toml", out, sizeof out, &err), PF_OK);
    assert_non_null(strstr(out, "-- ../../app.py"));
    assert_int_equal(read_args(NULL, "nosuch.toml", out, sizeof out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "--config 'nosuch.toml': cannot read it"));
    write_file("other.toml", "[project]\nname = 'x'\n");
    assert_int_equal(read_args(NULL, "other.toml", out, sizeof out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "has no [tool.pyfreeze] table"));
    /* a repository's root ends the search: nothing above a/.git is read */
    assert_int_equal(mkdir("../.git", 0755), 0);
    assert_int_equal(read_args(NULL, NULL, out, sizeof out, &err), PF_OK);
    assert_string_equal(out, "");
    assert_int_equal(chdir(dir), 0);
    expect_error("[tool.pyfreeze]\nconfig = 'x.toml'\n", "cannot name another file");
}

static void test_table_errors(void **state)
{
    (void)state;
    expect_error("[tool.pyfreeze]\nhidden_import = ['x']\n",
                 "hidden_import: unknown key; did you mean 'hidden-import'?");
    expect_error("[tool.pyfreeze]\nhidden-imports = ['x']\n", "did you mean 'hidden-import'?");
    expect_error("[tool.pyfreeze]\nfrobnicate = 1\n", "frobnicate: unknown key");
    expect_error("[tool.pyfreeze]\nhelp = true\n", "help: unknown key");
    expect_error("[tool.pyfreeze]\noutput = ['a', 'b']\n",
                 "output: expected a string, not an array");
    expect_error("[tool.pyfreeze]\nverbose = 'yes'\n", "verbose: expected true or false");
    expect_error("[tool.pyfreeze]\npath = [1]\n", "path: expected an array of strings");
    expect_error("[tool.pyfreeze]\nmax-glibc = 2.31\n",
                 "max-glibc: expected a string, not a float");
    expect_error("[tool.pyfreeze]\nscript = 3\n", "script: expected a string");
    expect_error("[tool.pyfreeze]\nscript = 'a.py'\nmodule = 'm'\n", "not two");
    expect_error("[tool.pyfreeze\n", "is not valid TOML");
    expect_error("[tool]\npyfreeze = 3\n", "must be a table");
}

static void test_entry_point_lookup(void **state)
{
    (void)state;
    char *ref = NULL, *found = NULL;
    pf_error err;
    write_file(path, "[project.scripts]\ngreeter = 'greeter.cli:main'\nodd = 'a.b : c [x]'\n"
                     "bad = 'nocolon'\n");
    assert_int_equal(pfz_project_entry_point("greeter", path, NULL, 0, NULL, &ref, &found, &err),
                     PF_OK);
    assert_string_equal(ref, "greeter.cli:main");
    assert_non_null(strstr(found, "[project.scripts]"));
    free(ref);
    free(found);
    assert_int_equal(pfz_project_entry_point("odd", path, NULL, 0, NULL, &ref, &found, &err),
                     PF_OK);
    assert_string_equal(ref, "a.b:c");
    free(ref);
    free(found);
    assert_int_equal(pfz_project_entry_point("bad", path, NULL, 0, NULL, &ref, &found, &err),
                     PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "is not MODULE:FUNCTION"));
    /* an installed distribution's metadata in a -p directory */
    char dist[160], ep[200];
    snprintf(dist, sizeof dist, "%s/tool-1.2.dist-info", dir);
    assert_int_equal(mkdir(dist, 0755), 0);
    snprintf(ep, sizeof ep, "%s/METADATA", dist);
    write_file(ep, "Metadata-Version: 2.1\nName: tool\nVersion: 1.2\n");
    snprintf(ep, sizeof ep, "%s/entry_points.txt", dist);
    write_file(ep, "[console_scripts]\ntool-run = tool.main:run\n");
    const char *paths[] = {dir};
    assert_int_equal(pfz_project_entry_point("tool-run", path, paths, 1, NULL, &ref, &found, &err),
                     PF_OK);
    assert_string_equal(ref, "tool.main:run");
    assert_string_equal(found, "tool 1.2");
    free(ref);
    free(found);
    assert_int_equal(
        pfz_project_entry_point("no-such-tool", path, paths, 1, NULL, &ref, &found, &err),
        PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "--entry-point no-such-tool"));
    assert_null(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_to_arguments),
        cmocka_unit_test(test_table_errors),
        cmocka_unit_test(test_parent_and_config),
        cmocka_unit_test(test_entry_point_lookup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
