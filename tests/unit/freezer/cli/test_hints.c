/* test_hints.c - hints.c: the src-layout and unused-venv hints, in a
 * working directory the test lays out, including every case that must give
 * no hint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hints.h"

static char dir[64];
static char old_cwd[PATH_MAX];

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pf-test-hints-XXXXXX");
    if (mkdtemp(dir) == NULL || getcwd(old_cwd, sizeof old_cwd) == NULL || chdir(dir) != 0) {
        return -1;
    }
    /* ./src/greeter (a package), ./.venv with venvonly, ./venv without it */
    mkdir("src", 0755);
    mkdir("src/greeter", 0755);
    mkdir(".venv", 0755);
    touch(".venv/pyvenv.cfg");
    mkdir(".venv/lib", 0755);
    mkdir(".venv/lib/python3.11", 0755);
    mkdir(".venv/lib/python3.11/site-packages", 0755);
    touch(".venv/lib/python3.11/site-packages/venvonly.py");
    mkdir("venv", 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return chdir(old_cwd) == 0 && system(cmd) == 0 ? 0 : -1;
}

/* src_hint: err's message after pfz_hint_src_layout over message. */
static const char *src_hint(pfz_options *o, const char *message, pf_error *err)
{
    pf_error_set(err, PF_ERR_NOT_FOUND, "%s", message);
    pfz_hint_src_layout(o, err);
    return err->message;
}

static void test_src_layout(void **state)
{
    (void)state;
    pfz_options o = {0};
    pf_error err;
    assert_non_null(
        strstr(src_hint(&o, "no module named 'greeter.cli' in the -p directories", &err),
               "; 'greeter' is under ./src (a src layout): add -p src"));
    /* not under src, not this message, or src searched already: unchanged */
    assert_string_equal(src_hint(&o, "no module named 'other' in x", &err),
                        "no module named 'other' in x");
    assert_string_equal(src_hint(&o, "stub not found: greeter", &err), "stub not found: greeter");
    const char *paths[] = {"./src/"};
    o.paths = paths;
    o.path_count = 1;
    assert_string_equal(src_hint(&o, "no module named 'greeter' in x", &err),
                        "no module named 'greeter' in x");
}

/* venv_hint: what pfz_hint_venv prints for report and err into buf. */
static const char *venv_hint(const pfz_options *o, const char *virtual_env,
                             const pfz_report *report, const pf_error *err, char *buf, size_t size)
{
    memset(buf, 0, size); /* fmemopen leaves buf as it was when nothing is written */
    FILE *f = fmemopen(buf, size, "w");
    assert_non_null(f);
    pfz_hint_venv(o, virtual_env, report, err, f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_unused_venv(void **state)
{
    (void)state;
    pfz_options o = {0};
    char buf[512];
    pfz_note notes[] = {
        {.kind = PFZ_NOTE_MODULE_NOT_FOUND, .module = "venvonly.sub"},
    };
    pfz_report report = {.notes = notes, .note_count = 1};
    const char *out = venv_hint(&o, NULL, &report, NULL, buf, sizeof buf);
    assert_non_null(strstr(out, "pyfreeze: hint: 'venvonly' is installed in the virtual "
                                "environment ./.venv"));
    assert_non_null(strstr(out, "or pass --venv .venv\n"));
    assert_null(strstr(out, "./venv,")); /* ./venv has no pyvenv.cfg */
    /* from a failed freeze's error too */
    pf_error err;
    pf_error_set(&err, PF_ERR_NOT_FOUND, "--hidden-import venvonly: no module named 'venvonly'");
    assert_non_null(strstr(venv_hint(&o, NULL, NULL, &err, buf, sizeof buf), "'venvonly'"));
    /* no hint: a venv in use, a verbose-only record, a module not in it */
    assert_string_equal(venv_hint(&o, "/some/venv", &report, NULL, buf, sizeof buf), "");
    o.venv = "elsewhere";
    assert_string_equal(venv_hint(&o, "", &report, NULL, buf, sizeof buf), "");
    o.venv = NULL;
    notes[0].verbose_only = 1;
    assert_string_equal(venv_hint(&o, "", &report, NULL, buf, sizeof buf), "");
    notes[0].verbose_only = 0;
    notes[0].module = "requests";
    assert_string_equal(venv_hint(&o, NULL, &report, NULL, buf, sizeof buf), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_src_layout),
        cmocka_unit_test(test_unused_venv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
