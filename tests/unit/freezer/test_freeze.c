/* test_freeze.c - the pipeline driver's steps that need no interpreter:
 * locating the stub and the PVM's stdlib, and reading SOURCE_DATE_EPOCH. (The frame layout is
 * tested in pack/test_layout.c, the -v listing in cli/test_listing.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "freeze.h"
#include "payload.h"
#include "payload_reader.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-freeze")

static void test_locate_stub(void **state)
{
    (void)state;
    char self[512], beside[512], installed[600], dir[600];
    char *path = NULL;
    pf_error err;
    snprintf(self, sizeof self, "%s/bin/pyfreeze", tmpdir);
    snprintf(beside, sizeof beside, "%s/bin/" PFZ_STUB_NAME, tmpdir);
    snprintf(installed, sizeof installed, "%s/bin/%s/" PFZ_STUB_NAME, tmpdir,
             PYFREEZE_STUB_INSTALL_RELDIR);

    /* nothing anywhere: one message naming both places and the fixes */
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_null(path);
    assert_non_null(strstr(err.message, beside));
    assert_non_null(strstr(err.message, installed));
    assert_non_null(strstr(err.message, "--stub"));

    /* the installed location */
    snprintf(dir, sizeof dir, "%s/bin", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof dir, "%s/bin/%s", tmpdir, PYFREEZE_STUB_INSTALL_RELDIR);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(tu_write_file(installed, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, installed);
    free(path);

    /* beside pyfreeze wins over the installed one */
    assert_int_equal(tu_write_file(beside, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, beside);
    free(path);

    /* --stub wins over both, and must exist as a regular file */
    assert_int_equal(pfz_locate_stub(installed, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, installed);
    free(path);
    assert_int_equal(pfz_locate_stub("/nonexistent/stub", 0, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "/nonexistent/stub"));
    assert_int_equal(pfz_locate_stub(tmpdir, 0, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "not a regular file"));
    /* a directory called pyfreeze-stub beside pyfreeze is skipped */
    unlink(beside);
    assert_int_equal(mkdir(beside, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, installed);
    free(path);
}

/* The PVM's stdlib: the installed one beside pyfreeze first (resolved),
 * else the build tree's; neither is one error naming both. A build without
 * the PVM packs the host's (NULL). */
static void test_locate_stdlib(void **state)
{
    (void)state;
    char self[512], installed[700], cmd[1600];
    char *path = NULL;
    pf_error err;
    snprintf(self, sizeof self, "%s/bin/pyfreeze", tmpdir);
#ifdef PYFREEZE_PVM_STDLIB_INSTALL_RELDIR
    snprintf(installed, sizeof installed, "%s/bin/%s", tmpdir, PYFREEZE_PVM_STDLIB_INSTALL_RELDIR);
    int rc = pfz_locate_stdlib(self, &path, &err);
    if (rc == PF_OK) { /* the build tree's PVM is built */
        char *build = realpath(PYFREEZE_PVM_STDLIB_BUILD_DIR, NULL);
        assert_non_null(build);
        assert_string_equal(path, build);
        free(build);
        free(path);
    } else {
        assert_int_equal(rc, PF_ERR_NOT_FOUND);
        assert_null(path);
        assert_non_null(strstr(err.message, installed));
        assert_non_null(strstr(err.message, PYFREEZE_PVM_STDLIB_BUILD_DIR));
    }
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && touch '%s/os.py'", installed, installed);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(pfz_locate_stdlib(self, &path, &err), PF_OK);
    char *want = realpath(installed, NULL);
    assert_non_null(want);
    assert_string_equal(path, want);
    free(want);
    free(path);
#else
    (void)installed;
    (void)cmd;
    assert_int_equal(pfz_locate_stdlib(self, &path, &err), PF_OK);
    assert_null(path);
#endif
}

/* pie: the position-independent stub is looked for by its own name in the
 * same two places, and the default stub never stands in for it. */
static void test_locate_stub_pie(void **state)
{
    (void)state;
    char self[512], beside[512], beside_pie[512], installed_pie[600], cmd[800];
    char *path = NULL;
    pf_error err;
    snprintf(self, sizeof self, "%s/pie/bin/pyfreeze", tmpdir);
    snprintf(beside, sizeof beside, "%s/pie/bin/" PFZ_STUB_NAME, tmpdir);
    snprintf(beside_pie, sizeof beside_pie, "%s/pie/bin/" PFZ_STUB_PIE_NAME, tmpdir);
    snprintf(installed_pie, sizeof installed_pie, "%s/pie/bin/%s/" PFZ_STUB_PIE_NAME, tmpdir,
             PYFREEZE_STUB_INSTALL_RELDIR);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/pie/bin/%s'", tmpdir, PYFREEZE_STUB_INSTALL_RELDIR);
    assert_int_equal(system(cmd), 0);

    /* only the default stub is there: --pie does not fall back to it */
    assert_int_equal(tu_write_file(beside, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 1, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_null(path);
    assert_non_null(strstr(err.message, "--pie"));
    assert_non_null(strstr(err.message, beside_pie));
    assert_non_null(strstr(err.message, installed_pie));
    assert_non_null(strstr(err.message, "build the " PFZ_STUB_PIE_NAME " target"));
    assert_non_null(strstr(err.message, "--stub PATH instead of --pie"));
    assert_null(strchr(err.message, '\n'));

    /* the installed one, then the one beside pyfreeze, which wins */
    assert_int_equal(tu_write_file(installed_pie, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 1, self, &path, &err), PF_OK);
    assert_string_equal(path, installed_pie);
    free(path);
    assert_int_equal(tu_write_file(beside_pie, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 1, self, &path, &err), PF_OK);
    assert_string_equal(path, beside_pie);
    free(path);

    /* without pie the default stub is chosen though the PIE one is there */
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, beside);
    free(path);

    /* a given stub is used as it is */
    assert_int_equal(pfz_locate_stub(beside, 1, self, &path, &err), PF_OK);
    assert_string_equal(path, beside);
    free(path);
}

static void test_source_date_epoch(void **state)
{
    (void)state;
    int valid = -1;
    assert_int_equal(pfz_source_date_epoch(NULL, &valid), 0);
    assert_int_equal(valid, 1); /* unset is not a mistake */
    assert_int_equal(pfz_source_date_epoch("", &valid), 0);
    assert_int_equal(valid, 1);
    assert_int_equal(pfz_source_date_epoch("1700000000", &valid), 1700000000);
    assert_int_equal(valid, 1);
    assert_int_equal(pfz_source_date_epoch("8589934591", &valid), PFZ_MAX_TAR_TIME);
    assert_int_equal(valid, 1);
    const char *bad[] = {"8589934592", "99999999999999999999999", "-5", "12a"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        valid = -1;
        assert_int_equal(pfz_source_date_epoch(bad[i], &valid), 0);
        assert_int_equal(valid, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate_stub),
        cmocka_unit_test(test_locate_stub_pie),
        cmocka_unit_test(test_locate_stdlib),
        cmocka_unit_test(test_source_date_epoch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
