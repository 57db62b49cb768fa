/* test_program_floor.c - the glibc floor of a whole program
 * (freezer/collect/program_floor.c): real system objects stand in for the
 * stub and the packed files; the floor must be the highest of their own
 * needs (glibc_floor.c, itself checked against objdump -T), name the file
 * that has it, count the files over a limit, and the --max-glibc check must
 * fail with one message naming the file, where it came from and the
 * symbol@GLIBC_version. Unreadable stubs and damaged members fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "program_floor.h"
#include "test_util.h"

/* Objects every bookworm machine with the build dependencies has; the
 * first plays the stub (it needs an old glibc: zlib needs 2.14). */
#define STUB "/usr/lib/x86_64-linux-gnu/libz.so.1"
static const char *const members[] = {
    "/usr/lib/x86_64-linux-gnu/libelf.so.1",
    "/usr/lib/x86_64-linux-gnu/libzstd.so.1",
    "/usr/lib/x86_64-linux-gnu/libarchive.so.13",
};
#define MEMBER_COUNT (sizeof members / sizeof members[0])

/* The members as the collect stage holds them: libs/<n> read into memory. */
typedef struct fixture {
    pfz_native_files set;
    pfz_native_file files[MEMBER_COUNT];
    char paths[MEMBER_COUNT][64];
} fixture;

static void load(fixture *f)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < MEMBER_COUNT; i++) {
        snprintf(f->paths[i], sizeof f->paths[i], "libs/member%zu.so", i);
        f->files[i].path = f->paths[i];
        f->files[i].kind = i == 0 ? PF_KIND_NATIVE : PF_KIND_LIBRARY;
        f->files[i].source = members[i];
        f->files[i].module = SIZE_MAX;
        f->files[i].data = tu_read_file(members[i], &f->files[i].size);
        assert_non_null(f->files[i].data);
    }
    f->set.files = f->files;
    f->set.count = MEMBER_COUNT;
}

static void unload(fixture *f)
{
    for (size_t i = 0; i < MEMBER_COUNT; i++) {
        free(f->files[i].data);
    }
}

/* need_of: what glibc_floor.c says one file needs. */
static pfz_glibc_need need_of(const char *path)
{
    pfz_glibc_need n;
    assert_int_equal(pfz_glibc_need_of_file(path, &n, NULL), PF_OK);
    return n;
}

static void test_highest_over_stub_and_members(void **state)
{
    (void)state;
    fixture f;
    load(&f);
    /* expected: the highest of each file's own need, the first of equals */
    pfz_glibc_need best = need_of(STUB);
    const char *best_file = STUB;
    for (size_t i = 0; i < MEMBER_COUNT; i++) {
        pfz_glibc_need n = need_of(members[i]);
        if (pfz_glibc_version_cmp(n.version, best.version) > 0) {
            best = n;
            best_file = f.paths[i];
        }
    }
    pfz_glibc_floor floor;
    assert_int_equal(pfz_glibc_floor_of_program(STUB, &f.set, NULL, &floor, NULL), PF_OK);
    assert_int_equal(pfz_glibc_version_cmp(floor.need.version, best.version), 0);
    assert_string_equal(floor.need.symbol, best.symbol);
    assert_string_equal(floor.file, best_file);
    assert_int_equal(floor.over_limit, 0);
    /* the stub alone is an old floor, so a member raised it */
    assert_true(pfz_glibc_version_cmp(floor.need.version, need_of(STUB).version) > 0);
    assert_non_null(floor.source);
    assert_int_not_equal(floor.kind, 0);
    unload(&f);
}

static void test_stub_only(void **state)
{
    (void)state;
    pfz_glibc_floor floor;
    assert_int_equal(pfz_glibc_floor_of_program(STUB, NULL, NULL, &floor, NULL), PF_OK);
    pfz_glibc_need n = need_of(STUB);
    assert_int_equal(pfz_glibc_version_cmp(floor.need.version, n.version), 0);
    assert_string_equal(floor.file, STUB);
    assert_null(floor.source);
    assert_int_equal(floor.kind, 0);
    /* a limit at the stub's own need passes; one below it names the stub */
    assert_int_equal(pfz_glibc_floor_check(&floor, &n.version, "x", NULL), PF_OK);
    pfz_glibc_version low = {2, 2, 5};
    pfz_glibc_floor counted;
    assert_int_equal(pfz_glibc_floor_of_program(STUB, NULL, &low, &counted, NULL), PF_OK);
    pf_error err = {0};
    assert_int_equal(pfz_glibc_floor_check(&counted, &low, "2.2.5", &err), PF_ERR_VERSION);
    assert_non_null(strstr(err.message, "the stub '" STUB "'"));
    assert_non_null(strstr(err.message, "--max-glibc 2.2.5"));
    assert_non_null(strstr(err.message, "--stub"));
    assert_null(strstr(err.message, "more file"));
}

static void test_limit(void **state)
{
    (void)state;
    fixture f;
    load(&f);
    pfz_glibc_floor floor;
    pf_error err = {0};

    /* no limit, and a limit above everything: fine */
    assert_int_equal(pfz_glibc_floor_of_program(STUB, &f.set, NULL, &floor, NULL), PF_OK);
    assert_int_equal(pfz_glibc_floor_check(&floor, NULL, NULL, &err), PF_OK);
    pfz_glibc_version high = {99, 0, 0};
    assert_int_equal(pfz_glibc_floor_of_program(STUB, &f.set, &high, &floor, NULL), PF_OK);
    assert_int_equal(floor.over_limit, 0);
    assert_int_equal(pfz_glibc_floor_check(&floor, &high, "99.0", &err), PF_OK);

    /* the limit at the stub's need: every member over it is counted, and
     * the message names the highest, its source and its symbol@version */
    pfz_glibc_version limit = need_of(STUB).version;
    size_t over = 0;
    for (size_t i = 0; i < MEMBER_COUNT; i++) {
        over += pfz_glibc_version_cmp(need_of(members[i]).version, limit) > 0;
    }
    assert_true(over >= 1);
    assert_int_equal(pfz_glibc_floor_of_program(STUB, &f.set, &limit, &floor, NULL), PF_OK);
    assert_int_equal(floor.over_limit, over);
    char text[32];
    pfz_glibc_version_format(limit, text, sizeof text);
    assert_int_equal(pfz_glibc_floor_check(&floor, &limit, text, &err), PF_ERR_VERSION);
    char want[256];
    snprintf(want, sizeof want, "%s (from '%s') needs glibc", floor.file, floor.source);
    assert_non_null(strstr(err.message, want));
    char version[32];
    pfz_glibc_version_format(floor.need.version, version, sizeof version);
    snprintf(want, sizeof want, "(%s@GLIBC_%s)", floor.need.symbol, version);
    assert_non_null(strstr(err.message, want));
    snprintf(want, sizeof want, "newer than --max-glibc %s", text);
    assert_non_null(strstr(err.message, want));
    assert_non_null(strstr(err.message, "nothing written"));
    /* the highest is a library (libs/member2.so): its name for the option */
    if (floor.kind == PF_KIND_LIBRARY) {
        snprintf(want, sizeof want, "--exclude-library %s,", floor.file + 5);
        assert_non_null(strstr(err.message, want));
    }
    if (over > 1) {
        snprintf(want, sizeof want, "%zu more file", over - 1);
        assert_non_null(strstr(err.message, want));
    }
    unload(&f);
}

static void test_unreadable_inputs(void **state)
{
    (void)state;
    pfz_glibc_floor floor;
    pf_error err = {0};
    assert_int_equal(pfz_glibc_floor_of_program("/nonexistent/stub", NULL, NULL, &floor, &err),
                     PF_ERR_IO);
    assert_non_null(strstr(err.message, "stub '/nonexistent/stub'"));

    /* a member that is not ELF: named by its member path and source */
    fixture f;
    load(&f);
    f.files[1].data[0] = 'X';
    assert_int_equal(pfz_glibc_floor_of_program(STUB, &f.set, NULL, &floor, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, f.paths[1]));
    assert_non_null(strstr(err.message, members[1]));
    /* cut short inside its headers */
    f.files[1].data[0] = 0x7f;
    f.files[1].size = 40;
    assert_int_not_equal(pfz_glibc_floor_of_program(STUB, &f.set, NULL, &floor, &err), PF_OK);
    unload(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_highest_over_stub_and_members),
        cmocka_unit_test(test_stub_only),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_unreadable_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
