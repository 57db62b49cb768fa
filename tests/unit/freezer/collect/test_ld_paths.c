/* test_ld_paths.c - the loader's search directories (ld_paths.c): dynamic
 * string token expansion, DT_RPATH/DT_RUNPATH splitting, ld.so.conf
 * parsing and the built-in default directories. */
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
#include "ld_paths.h"

TU_TMPDIR_FIXTURE("pf-test-ld-paths")

/* expand: pfz_ld_expand_tokens(path, origin) as a static string. */
static const char *expand(const char *path, const char *origin)
{
    static char buf[512];
    char *out = NULL;
    pf_error err;
    assert_int_equal(pfz_ld_expand_tokens(path, origin, &out, &err), PF_OK);
    snprintf(buf, sizeof buf, "%s", out);
    free(out);
    return buf;
}

static void test_expand_tokens(void **state)
{
    (void)state;
    assert_string_equal(expand("$ORIGIN/../lib", "/opt/a"), "/opt/a/../lib");
    assert_string_equal(expand("${ORIGIN}x", "/o"), "/ox");
    assert_string_equal(expand("$ORIGINx/y", "/o"), "$ORIGINx/y"); /* not a token */
    assert_string_equal(expand("/usr/$LIB/foo", "/o"), "/usr/lib/x86_64-linux-gnu/foo");
    assert_string_equal(expand("/p/${PLATFORM}/$PLATFORM", "/o"), "/p/x86_64/x86_64");
    assert_string_equal(expand("$ORIGIN$ORIGIN", "/ab"), "/ab/ab");
    assert_string_equal(expand("/a/$/b$", "/o"), "/a/$/b$");
    assert_string_equal(expand("$UNKNOWN/${ORIGIN", "/o"), "$UNKNOWN/${ORIGIN");
    assert_string_equal(expand("", "/o"), "");
}

static void test_split_path_list(void **state)
{
    (void)state;
    pfz_strlist dirs = {0};
    pf_error err;
    assert_int_equal(
        pfz_ld_split_path_list("$ORIGIN/x::rel/dir:/abs/:/usr/$LIB:$ORIGIN", "/o/d", &dirs, &err),
        PF_OK);
    assert_int_equal(dirs.count, 4); /* the empty and the relative entries are dropped */
    assert_string_equal(dirs.items[0], "/o/d/x");
    assert_string_equal(dirs.items[1], "/abs");
    assert_string_equal(dirs.items[2], "/usr/lib/x86_64-linux-gnu");
    assert_string_equal(dirs.items[3], "/o/d");
    pfz_strlist_free(&dirs);
    assert_int_equal(dirs.count, 0);
    pfz_strlist_free(NULL);
}

/* write_text: creates tmpdir/name with text. */
static void write_text(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(tu_write_file(path, text, strlen(text), 0644), 0);
}

static void test_conf_dirs(void **state)
{
    (void)state;
    char path[512], dir[512], text[2048];
    snprintf(dir, sizeof dir, "%s/conf.d", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    /* the main file: comments, blanks, an absolute and a relative include,
     * an old hwcap line, a libc5 "=TYPE" suffix, trailing slashes */
    snprintf(text, sizeof text,
             "# ld.so configuration\n"
             "\n"
             "   /first/dir   # a comment\n"
             "include conf.d/*.conf\n"
             "hwcap 1 nosegneg\n"
             "/typed/dir=libc6\n"
             "/slashed/dir//\n"
             "relative/dir\n"
             "include %s/none/*.conf\n"
             "/first/dir\n"
             "include\t%s/loop.conf\n",
             tmpdir, tmpdir);
    write_text("ld.so.conf", text);
    write_text("conf.d/b.conf", "/from/b\r\n/usr/lib/x86_64-linux-gnu\n");
    write_text("conf.d/a.conf", "/from/a\n");
    write_text("conf.d/skip.txt", "/not/read\n");
    snprintf(text, sizeof text, "/from/loop\ninclude %s/loop.conf\n", tmpdir);
    write_text("loop.conf", text); /* includes itself: read a bounded number of times */

    pfz_strlist dirs = {0};
    pf_error err;
    snprintf(path, sizeof path, "%s/ld.so.conf", tmpdir);
    assert_int_equal(pfz_ld_conf_dirs(path, &dirs, &err), PF_OK);
    const char *want[] = {"/first/dir", "/from/a",      "/from/b",   "/usr/lib/x86_64-linux-gnu",
                          "/typed/dir", "/slashed/dir", "/from/loop"};
    assert_int_equal(dirs.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < dirs.count; i++) {
        assert_string_equal(dirs.items[i], want[i]);
    }
    pfz_strlist_free(&dirs);

    /* no configuration file: no directories, no error */
    snprintf(path, sizeof path, "%s/absent.conf", tmpdir);
    assert_int_equal(pfz_ld_conf_dirs(path, &dirs, &err), PF_OK);
    assert_int_equal(dirs.count, 0);

    /* a directory where the file should be cannot be read */
    assert_int_equal(pfz_ld_conf_dirs(dir, &dirs, &err), PF_ERR_IO);
    assert_non_null(strstr(err.message, dir));
    pfz_strlist_free(&dirs);

    /* this machine's own configuration reads and holds the multiarch directory */
    assert_int_equal(pfz_ld_conf_dirs(PFZ_LD_SO_CONF, &dirs, &err), PF_OK);
    assert_true(pfz_strlist_contains(&dirs, "/usr/lib/x86_64-linux-gnu"));
    pfz_strlist_free(&dirs);
}

/* The built-in search path, as ld.so --help prints it on Debian bookworm. */
static void test_default_dirs(void **state)
{
    (void)state;
    size_t n;
    const char *const *defaults = pfz_ld_default_dirs(&n);
    assert_int_equal(n, 4);
    assert_string_equal(defaults[0], "/lib/x86_64-linux-gnu");
    assert_string_equal(defaults[1], "/usr/lib/x86_64-linux-gnu");
    assert_string_equal(defaults[2], "/lib");
    assert_string_equal(defaults[3], "/usr/lib");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand_tokens),
        cmocka_unit_test(test_split_path_list),
        cmocka_unit_test(test_conf_dirs),
        cmocka_unit_test(test_default_dirs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
