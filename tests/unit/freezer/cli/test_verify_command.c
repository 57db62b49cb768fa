/* test_verify_command.c - the words of `pyfreeze verify`
 * (freezer/cli/verify_command.c): damage named by part, frame and member,
 * member names from the file escaped, a file that is no frozen program told
 * so, and the command on files that are not frozen programs. The checks
 * themselves are tested in tests/unit/payload/test_payload_verify.c and on
 * real frozen programs in tests/e2e/verify.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "verify_command.h"

static void expect_text(const pf_error *err, const char *text)
{
    if (strstr(err->message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err->message, text);
    }
}

static void test_describe(void **state)
{
    (void)state;
    pf_verify_result *r = calloc(1, sizeof *r);
    pf_error err;
    r->status = PF_ERR_CORRUPT;
    r->part = PF_VERIFY_FRAME;
    r->frame = 3;
    r->entry = 7;
    memcpy(r->member, "lib/a\nb\\c.pyc", 14);
    r->member_size = 13;
    pf_error_set(&r->error, PF_ERR_CORRUPT, "frame 3 does not decompress");
    assert_int_equal(pfz_verify_describe(r, "app", &err), PF_ERR_CORRUPT);
    assert_string_equal(err.message,
                        "'app' is damaged: compressed frame 3, member lib/a\\x0ab\\x5cc.pyc: frame "
                        "3 does not decompress; freeze the program again to replace it");

    r->part = PF_VERIFY_MEMBER_HEADER;
    r->member_size = 0;
    assert_int_equal(pfz_verify_describe(r, "app", &err), PF_ERR_CORRUPT);
    expect_text(&err, "'app' is damaged: member's tar header, frame 3: frame 3");

    r->part = PF_VERIFY_SEEK_TABLE;
    r->frame = PF_NONE;
    r->status = PF_ERR_TRUNCATED;
    assert_int_equal(pfz_verify_describe(r, "app", &err), PF_ERR_TRUNCATED);
    expect_text(&err, "'app' is damaged: seek table: ");

    /* a long member name is cut, and the line stays one line */
    r->part = PF_VERIFY_MEMBER;
    r->frame = 9;
    memset(r->member, 'x', 4000);
    r->member_size = 4000;
    assert_int_equal(pfz_verify_describe(r, "app", &err), PF_ERR_TRUNCATED);
    expect_text(&err, "xxx...");
    assert_null(strchr(err.message, '\n'));

    r->status = PF_ERR_NOT_FOUND;
    r->part = PF_VERIFY_NOT_PROGRAM;
    pf_error_set(&r->error, PF_ERR_NOT_FOUND, "not an ELF file");
    assert_int_equal(pfz_verify_describe(r, "notes.txt", &err), PF_ERR_NOT_FOUND);
    assert_string_equal(err.message, "'notes.txt' is not a frozen program: not an ELF file");

    r->status = PF_ERR_VERSION;
    r->part = PF_VERIFY_INDEX;
    r->frame = 0;
    assert_int_equal(pfz_verify_describe(r, "old", &err), PF_ERR_VERSION);
    expect_text(&err, "'old' was made by another pyfreeze version");
    free(r);
}

static void test_files(void **state)
{
    (void)state;
    pf_error err;
    char path[] = "/tmp/pf-verify-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(pfz_verify_file(path, out, &err), PF_ERR_NOT_FOUND);
    expect_text(&err, "is not a frozen program: it is empty");
    assert_int_equal(write(fd, "print(1)\n", 9), 9);
    assert_int_equal(pfz_verify_file(path, out, &err), PF_ERR_NOT_FOUND);
    expect_text(&err, "is not a frozen program: not an ELF file");
    assert_int_equal(pfz_verify_file("/proc/self/exe", out, &err), PF_ERR_NOT_FOUND);
    expect_text(&err, "without a .pyfreeze section");
    assert_int_equal(pfz_verify_file("/", out, &err), PF_ERR_IO);
    expect_text(&err, "is not a regular file");
    assert_int_equal(pfz_verify_file("/nonexistent/x", out, &err), PF_ERR_IO);
    expect_text(&err, "cannot open '/nonexistent/x'");
    assert_int_equal(ftell(out), 0); /* nothing printed for any of them */
    fclose(out);
    close(fd);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
