/* test_glibc_floor.c - the glibc floor of real system objects checked
 * against what binutils' `objdump -T` shows for them, version text parsing
 * and ordering, and damaged images (cut short, bytes flipped in the version
 * sections, another ELF class) failing cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glibc_floor.h"

/* Objects every bookworm machine with the build dependencies has. */
static const char *const real_objects[] = {
    "/usr/lib/x86_64-linux-gnu/libzstd.so.1",
    "/usr/lib/x86_64-linux-gnu/libelf.so.1",
    "/usr/lib/x86_64-linux-gnu/libarchive.so.13",
    "/usr/bin/python3.11",
};

/* objdump_floor: the highest "(GLIBC_x.y)" / "GLIBC_x.y" version objdump -T
 * prints for path, and whether sym is shown with that version. */
static pfz_glibc_version objdump_floor(const char *path, const char *sym, int *sym_seen)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "objdump -T '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    pfz_glibc_version best = {0, 0, 0};
    char line[1024];
    *sym_seen = 0;
    char lines[64][1024];
    int nlines = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        char *g = strstr(line, "GLIBC_");
        if (g == NULL) {
            continue;
        }
        char ver[64];
        size_t n = strcspn(g, ") \t\n");
        if (n >= sizeof ver) {
            continue;
        }
        memcpy(ver, g, n);
        ver[n] = '\0';
        pfz_glibc_version v;
        if (pfz_glibc_version_parse(ver, &v, NULL) != PF_OK) {
            continue; /* GLIBC_PRIVATE */
        }
        if (pfz_glibc_version_cmp(v, best) > 0) {
            best = v;
            nlines = 0;
        }
        if (pfz_glibc_version_cmp(v, best) == 0 && nlines < 64) {
            snprintf(lines[nlines++], sizeof lines[0], "%s", line);
        }
    }
    assert_int_equal(pclose(p), 0);
    for (int i = 0; i < nlines; i++) {
        size_t len = strcspn(lines[i], "\n");
        lines[i][len] = '\0';
        const char *last = strrchr(lines[i], ' ');
        if (last != NULL && strcmp(last + 1, sym) == 0) {
            *sym_seen = 1;
        }
    }
    return best;
}

static void test_real_objects_match_objdump(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof real_objects / sizeof real_objects[0]; i++) {
        pfz_glibc_need need;
        pf_error err = {0};
        assert_int_equal(pfz_glibc_need_of_file(real_objects[i], &need, &err), PF_OK);
        int seen = 0;
        pfz_glibc_version expect = objdump_floor(real_objects[i], need.symbol, &seen);
        char a[32], b[32];
        print_message("%s: %s (%s), objdump %s\n", real_objects[i],
                      pfz_glibc_version_format(need.version, a, sizeof a), need.symbol,
                      pfz_glibc_version_format(expect, b, sizeof b));
        assert_int_equal(pfz_glibc_version_cmp(need.version, expect), 0);
        assert_true(expect.major == 2 && expect.minor >= 2); /* each needs some glibc */
        assert_true(seen);                                   /* the symbol really needs it */
    }
}

static void test_version_text(void **state)
{
    (void)state;
    pfz_glibc_version v;
    char buf[32];
    assert_int_equal(pfz_glibc_version_parse("2.31", &v, NULL), PF_OK);
    assert_string_equal(pfz_glibc_version_format(v, buf, sizeof buf), "2.31");
    assert_int_equal(pfz_glibc_version_parse("GLIBC_2.2.5", &v, NULL), PF_OK);
    assert_int_equal(v.major, 2);
    assert_int_equal(v.minor, 2);
    assert_int_equal(v.patch, 5);
    assert_string_equal(pfz_glibc_version_format(v, buf, sizeof buf), "2.2.5");
    static const char *const bad[] = {
        "", "2", "2.", ".31", "2.31.", "2.31x", "GLIBC_PRIVATE", "2.99999", "-2.31", "2..31"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pf_error err = {0};
        assert_int_equal(pfz_glibc_version_parse(bad[i], &v, &err), PF_ERR_USAGE);
        assert_non_null(strstr(err.message, "not a glibc version"));
    }
}

static void test_version_order(void **state)
{
    (void)state;
    pfz_glibc_version a, b, c;
    assert_int_equal(pfz_glibc_version_parse("2.2.5", &a, NULL), PF_OK);
    assert_int_equal(pfz_glibc_version_parse("2.17", &b, NULL), PF_OK);
    assert_int_equal(pfz_glibc_version_parse("2.3", &c, NULL), PF_OK);
    assert_true(pfz_glibc_version_cmp(a, b) < 0); /* 2.2.5 < 2.17: numeric, not text */
    assert_true(pfz_glibc_version_cmp(c, b) < 0); /* 2.3 < 2.17 */
    assert_true(pfz_glibc_version_cmp(a, c) < 0); /* 2.2.5 < 2.3 */
    assert_true(pfz_glibc_version_cmp(b, b) == 0);
}

/* read_file: the whole file; *size its length. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

static void test_damaged_images(void **state)
{
    (void)state;
    size_t size;
    uint8_t *good = read_file(real_objects[0], &size);
    pfz_glibc_need ref, need;
    assert_int_equal(pfz_glibc_need_of_image(good, size, &ref, NULL), PF_OK);
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    /* Not ELF at all. */
    memcpy(copy, good, size);
    copy[1] = 'X';
    pf_error err = {0};
    assert_int_equal(pfz_glibc_need_of_image(copy, size, &need, &err), PF_ERR_CORRUPT);
    /* Another class. */
    memcpy(copy, good, size);
    copy[4] = 1; /* ELFCLASS32 */
    int st = pfz_glibc_need_of_image(copy, size, &need, &err);
    assert_true(st == PF_ERR_VERSION || st == PF_ERR_CORRUPT);
    /* Cut short anywhere, and every byte of the first 4 KiB flipped: never
     * a crash, and a success is never a newer floor than the real one. */
    for (size_t cut = 0; cut < size; cut += size / 97 + 1) {
        st = pfz_glibc_need_of_image(good, cut, &need, NULL);
        assert_true(st == PF_OK || st == PF_ERR_CORRUPT || st == PF_ERR_VERSION);
    }
    srand(7);
    for (int round = 0; round < 300; round++) {
        memcpy(copy, good, size);
        for (int k = 0; k < 8; k++) {
            copy[(size_t)rand() % size] ^= (uint8_t)(1u << (rand() % 8));
        }
        st = pfz_glibc_need_of_image(copy, size, &need, NULL);
        assert_true(st == PF_OK || st == PF_ERR_CORRUPT || st == PF_ERR_VERSION);
    }
    free(copy);
    free(good);
}

static void test_missing_file(void **state)
{
    (void)state;
    pfz_glibc_need need;
    pf_error err = {0};
    assert_int_equal(pfz_glibc_need_of_file("/nonexistent/libx.so", &need, &err), PF_ERR_IO);
    assert_non_null(strstr(err.message, "No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_objects_match_objdump),
        cmocka_unit_test(test_version_text),
        cmocka_unit_test(test_version_order),
        cmocka_unit_test(test_damaged_images),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
