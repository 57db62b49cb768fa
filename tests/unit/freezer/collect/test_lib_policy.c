/* test_lib_policy.c - the base-system library policy (lib_policy.c) with
 * the --include-library / --exclude-library rules, and the documentation
 * of its lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "freezer/test_util.h"
#include "lib_policy.h"

static void test_decide_builtin_lists(void **state)
{
    (void)state;
    /* glibc's own and libpython: never bundled */
    const char *glibc[] = {"libc.so.6",         "libm.so.6",
                           "libdl.so.2",        "librt.so.1",
                           "libpthread.so.0",   "libutil.so.1",
                           "libresolv.so.2",    "libnsl.so.1",
                           "libanl.so.1",       "ld-linux-x86-64.so.2",
                           "libmvec.so.1",      "libBrokenLocale.so.1",
                           "libnss_files.so.2", "libpython3.11.so.1.0"};
    for (size_t i = 0; i < sizeof glibc / sizeof glibc[0]; i++) {
        assert_int_equal(pfz_lib_policy_decide(NULL, glibc[i]), PFZ_LIB_GLIBC);
    }
    /* the rest of the manylinux policy */
    const char *manylinux[] = {"libgcc_s.so.1",    "libstdc++.so.6", "libz.so.1",
                               "libexpat.so.1",    "libGL.so.1",     "libX11.so.6",
                               "libglib-2.0.so.0", "libatomic.so.1"};
    for (size_t i = 0; i < sizeof manylinux / sizeof manylinux[0]; i++) {
        assert_int_equal(pfz_lib_policy_decide(NULL, manylinux[i]), PFZ_LIB_MANYLINUX);
    }
    /* everything else is bundled, libcrypt.so.1 included (it left the policy) */
    const char *bundled[] = {"libssl.so.3",      "libcrypto.so.3", "libffi.so.8", "libcrypt.so.1",
                             "libgfortran.so.5", "libc.so.7",      "libz.so.2",   "libmylib.so"};
    for (size_t i = 0; i < sizeof bundled / sizeof bundled[0]; i++) {
        assert_int_equal(pfz_lib_policy_decide(NULL, bundled[i]), PFZ_LIB_BUNDLE);
    }
    assert_string_equal(pfz_lib_policy_reason(PFZ_LIB_GLIBC), "part of glibc");
    assert_string_equal(pfz_lib_policy_reason(PFZ_LIB_MANYLINUX), "in the manylinux policy");
    assert_string_equal(pfz_lib_policy_reason(PFZ_LIB_EXCLUDED), "--exclude-library");
    assert_string_equal(pfz_lib_policy_reason(PFZ_LIB_BUNDLE), "bundled");
}

static void test_decide_options(void **state)
{
    (void)state;
    const char *excludes[] = {"libssl*", "libffi.so.8"};
    const char *includes[] = {"libstdc++.so.6", "libssl.so.3", "lib*"};
    pfz_lib_policy p = {.excludes = excludes, .exclude_count = 2};
    assert_int_equal(pfz_lib_policy_decide(&p, "libssl.so.3"), PFZ_LIB_EXCLUDED);
    assert_int_equal(pfz_lib_policy_decide(&p, "libssl.so.1.1"), PFZ_LIB_EXCLUDED);
    assert_int_equal(pfz_lib_policy_decide(&p, "libffi.so.8"), PFZ_LIB_EXCLUDED);
    assert_int_equal(pfz_lib_policy_decide(&p, "libffi.so.7"), PFZ_LIB_BUNDLE);
    assert_int_equal(pfz_lib_policy_decide(&p, "libcrypto.so.3"), PFZ_LIB_BUNDLE);
    /* include beats the manylinux list and --exclude-library */
    p = (pfz_lib_policy){
        .excludes = excludes, .exclude_count = 2, .includes = includes, .include_count = 2};
    assert_int_equal(pfz_lib_policy_decide(&p, "libstdc++.so.6"), PFZ_LIB_BUNDLE);
    assert_int_equal(pfz_lib_policy_decide(&p, "libssl.so.3"), PFZ_LIB_BUNDLE);
    assert_int_equal(pfz_lib_policy_decide(&p, "libssl.so.1.1"), PFZ_LIB_EXCLUDED);
    assert_int_equal(pfz_lib_policy_decide(&p, "libgcc_s.so.1"), PFZ_LIB_MANYLINUX);
    /* but never glibc's tier, not even through a glob */
    p = (pfz_lib_policy){.includes = includes, .include_count = 3};
    assert_int_equal(pfz_lib_policy_decide(&p, "libc.so.6"), PFZ_LIB_GLIBC);
    assert_int_equal(pfz_lib_policy_decide(&p, "libpthread.so.0"), PFZ_LIB_GLIBC);
    assert_int_equal(pfz_lib_policy_decide(&p, "libz.so.1"), PFZ_LIB_BUNDLE);
}

/* The rules' target_libraries leave a library out as --exclude-library
 * does, naming the module; --include-library and the user's own
 * --exclude-library are decided first. */
static void test_decide_rules(void **state)
{
    (void)state;
    const char *names[] = {"libfontconfig.so.1", "libfree*", "libgcc_s.so.1", "libc.so.6"};
    const char *modules[] = {"tkinter", "tkinter", "tkinter", "tkinter"};
    const char *includes[] = {"libfreetype.so.6"};
    const char *excludes[] = {"libfontconfig.so.1"};
    pfz_lib_policy p = {.rule_names = names, .rule_modules = modules, .rule_count = 4};
    assert_int_equal(pfz_lib_policy_decide(&p, "libfontconfig.so.1"), PFZ_LIB_RULE);
    assert_string_equal(pfz_lib_policy_rule_module(&p, "libfontconfig.so.1"), "tkinter");
    assert_int_equal(pfz_lib_policy_decide(&p, "libfreetype.so.6"), PFZ_LIB_RULE);
    assert_int_equal(pfz_lib_policy_decide(&p, "libpng16.so.16"), PFZ_LIB_BUNDLE);
    assert_null(pfz_lib_policy_rule_module(&p, "libpng16.so.16"));
    assert_int_equal(pfz_lib_policy_decide(&p, "libgcc_s.so.1"), PFZ_LIB_RULE);
    assert_int_equal(pfz_lib_policy_decide(&p, "libc.so.6"), PFZ_LIB_GLIBC);
    assert_null(pfz_lib_policy_rule_module(&p, "libc.so.6"));
    assert_string_equal(pfz_lib_policy_reason(PFZ_LIB_RULE), "the package rules");
    p.includes = includes;
    p.include_count = 1;
    p.excludes = excludes;
    p.exclude_count = 1;
    assert_int_equal(pfz_lib_policy_decide(&p, "libfreetype.so.6"), PFZ_LIB_BUNDLE);
    assert_null(pfz_lib_policy_rule_module(&p, "libfreetype.so.6"));
    assert_int_equal(pfz_lib_policy_decide(&p, "libfontconfig.so.1"), PFZ_LIB_EXCLUDED);
    assert_null(pfz_lib_policy_rule_module(&p, "libfontconfig.so.1"));
}

static void test_check(void **state)
{
    (void)state;
    pf_error err;
    assert_int_equal(pfz_lib_policy_check(NULL, &err), PF_OK);
    const char *ok[] = {"libfoo.so.1", "lib*", "libstdc++.so.6"};
    pfz_lib_policy p = {.excludes = ok, .exclude_count = 3, .includes = ok, .include_count = 3};
    assert_int_equal(pfz_lib_policy_check(&p, &err), PF_OK);

    const char *glibc[] = {"libm.so.6"};
    p = (pfz_lib_policy){.includes = glibc, .include_count = 1};
    assert_int_equal(pfz_lib_policy_check(&p, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "--include-library 'libm.so.6'"));
    assert_non_null(strstr(err.message, "glibc"));
    p = (pfz_lib_policy){.excludes = glibc,
                         .exclude_count = 1}; /* excluding it is merely redundant */
    assert_int_equal(pfz_lib_policy_check(&p, &err), PF_OK);

    const char *path[] = {"/usr/lib/libfoo.so.1"};
    p = (pfz_lib_policy){.excludes = path, .exclude_count = 1};
    assert_int_equal(pfz_lib_policy_check(&p, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "--exclude-library '/usr/lib/libfoo.so.1'"));
    const char *empty[] = {""};
    p = (pfz_lib_policy){.includes = empty, .include_count = 1};
    assert_int_equal(pfz_lib_policy_check(&p, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "--include-library"));
}

/* The documentation lists every name of the built-in lists. */
static void test_documented(void **state)
{
    (void)state;
    size_t size;
    char *doc = (char *)tu_read_file(NATIVE_DOC_PATH, &size);
    assert_non_null(doc);
    char *text = realloc(doc, size + 1);
    assert_non_null(text);
    text[size] = '\0';
    size_t n;
    const char *const *lists[2];
    size_t counts[2];
    lists[0] = pfz_lib_policy_glibc(&counts[0]);
    lists[1] = pfz_lib_policy_manylinux(&counts[1]);
    for (int l = 0; l < 2; l++) {
        for (n = 0; n < counts[l]; n++) {
            char quoted[128];
            snprintf(quoted, sizeof quoted, "`%s`", lists[l][n]);
            if (strstr(text, quoted) == NULL) {
                fail_msg("%s does not list %s", NATIVE_DOC_PATH, quoted);
            }
        }
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide_builtin_lists), cmocka_unit_test(test_decide_options),
        cmocka_unit_test(test_decide_rules),         cmocka_unit_test(test_check),
        cmocka_unit_test(test_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
