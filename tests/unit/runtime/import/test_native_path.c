/* test_native_path.c - runtime/import/native_path.c: the member a path
 * under the executable names (pf_native_path_member), and its dlopen, which
 * gives every other name to glibc's unchanged (no payload here). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <string.h>

#include "native_path.h"

#define EXE "/opt/app/app"

/* member: pf_native_path_member's answer as a C string ("" for 0). */
static const char *member(const char *file)
{
    static char name[64];
    size_t size = pf_native_path_member(EXE, file, name, sizeof name - 1);
    name[size] = '\0';
    return name;
}

static void test_member_names(void **state)
{
    (void)state;
    assert_string_equal(member(EXE "/pkg/_x.abi3.so"), "lib/pkg/_x.abi3.so");
    assert_string_equal(member(EXE "/Cryptodome/Util/../Cipher/_raw_ecb.abi3.so"),
                        "lib/Cryptodome/Cipher/_raw_ecb.abi3.so");
    assert_string_equal(member(EXE "//a/./b//c.so"), "lib/a/b/c.so");
    assert_string_equal(member(EXE "/a/b/../../c.so"), "lib/c.so");
}

static void test_not_members(void **state)
{
    (void)state;
    assert_string_equal(member(EXE), "");                /* the executable itself */
    assert_string_equal(member(EXE "/"), "");            /* its root */
    assert_string_equal(member(EXE "x/a.so"), "");       /* another file */
    assert_string_equal(member("/opt/app/a.so"), "");    /* beside it */
    assert_string_equal(member(EXE "/../app/a.so"), ""); /* above its root */
    assert_string_equal(member(EXE "/a/../.."), "");     /* above it again */
    assert_string_equal(member("libm.so.6"), "");        /* a SONAME */
    char small[8];                                       /* too long to fit */
    assert_int_equal(pf_native_path_member(EXE, EXE "/long/name.so", small, sizeof small), 0);
}

/* With no payload (pf_importer_set_process never ran), every name reaches
 * glibc's dlopen: loaded objects, errors and dlerror() as glibc gives. */
static void test_dlopen_passes_through(void **state)
{
    (void)state;
    void *self = dlopen(NULL, RTLD_NOW);
    assert_non_null(self);
    void *m = dlopen("libm.so.6", RTLD_NOW);
    assert_non_null(m);
    assert_non_null(dlsym(m, "cos"));
    dlclose(m);
    assert_null(dlopen(EXE "/pkg/_x.abi3.so", RTLD_NOW));
    const char *e = dlerror();
    assert_non_null(e);
    assert_non_null(strstr(e, "_x.abi3.so"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_member_names),
        cmocka_unit_test(test_not_members),
        cmocka_unit_test(test_dlopen_passes_through),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
