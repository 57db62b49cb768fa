/* test_elf_dynamic.c - reading an ELF shared object's dynamic section
 * (elf_dynamic.c) from tiny objects built here with the C compiler:
 * DT_SONAME, DT_NEEDED, DT_RPATH, DT_RUNPATH and DF_1_NODEFLIB; objects
 * of another class or machine (PF_ERR_VERSION, which ld.so passes over);
 * files that are not shared objects, and ones cut short (PF_ERR_CORRUPT,
 * never a crash). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_dynamic.h"
#include "freezer/test_util.h"

TU_TMPDIR_FIXTURE("pf-test-elf-dynamic")

static const char *const leaf_c = "int leaf(void) { return 1; }\n";

/* tmp: tmpdir/rel in a static buffer (one of two). */
static const char *tmp(const char *rel)
{
    static char bufs[2][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 2];
    snprintf(b, PATH_MAX, "%s/%s", tmpdir, rel);
    return b;
}

/* build: compiles C code into tmpdir/out with the compiler's flags (run
 * through sh: quote '$ORIGIN'). Every DT_NEEDED asked for is kept
 * (--no-as-needed). */
static void build(const char *out, const char *code, const char *flags)
{
    char src[PATH_MAX], cmd[4 * PATH_MAX];
    snprintf(src, sizeof src, "%s/src.c", tmpdir);
    assert_int_equal(tu_write_file(src, code, strlen(code), 0644), 0);
    snprintf(cmd, sizeof cmd, "%s -o '%s/%s' '%s' -Wl,--no-as-needed %s", NATIVE_TEST_CC, tmpdir,
             out, src, flags);
    if (system(cmd) != 0) {
        fail_msg("could not build a fixture: %s", cmd);
    }
}

/* read_at: pfz_elf_dynamic_read on the file tmpdir/rel. */
static int read_at(const char *rel, pfz_elf_dynamic *d, pf_error *err)
{
    int fd = open(tmp(rel), O_RDONLY);
    assert_true(fd >= 0);
    int rc = pfz_elf_dynamic_read(fd, d, err);
    close(fd);
    return rc;
}

static void test_soname_needed_rpath(void **state)
{
    (void)state;
    build("libe.so.7", leaf_c,
          "-shared -fPIC -Wl,-soname,libe.so.7 -Wl,--disable-new-dtags "
          "-Wl,-rpath,'/x:$ORIGIN/y' -lm");
    pfz_elf_dynamic d;
    pf_error err;
    if (read_at("libe.so.7", &d, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_string_equal(d.soname, "libe.so.7");
    assert_string_equal(d.rpath, "/x:$ORIGIN/y"); /* tokens as written */
    assert_null(d.runpath);
    assert_int_equal(d.nodeflib, 0);
    assert_true(pfz_strlist_contains(&d.needed, "libm.so.6"));
    assert_true(pfz_strlist_contains(&d.needed, "libc.so.6"));
    pfz_elf_dynamic_free(&d);
    assert_null(d.soname);
    assert_int_equal(d.needed.count, 0);
    pfz_elf_dynamic_free(NULL);
}

static void test_runpath_and_nodeflib(void **state)
{
    (void)state;
    build("libr.so", leaf_c,
          "-shared -fPIC -Wl,--enable-new-dtags -Wl,-rpath,/r1:/r2 -Wl,-z,nodefaultlib");
    pfz_elf_dynamic d;
    pf_error err;
    if (read_at("libr.so", &d, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_null(d.soname); /* none given */
    assert_null(d.rpath);
    assert_string_equal(d.runpath, "/r1:/r2");
    assert_int_equal(d.nodeflib, 1);
    pfz_elf_dynamic_free(&d);
}

/* rewrite: copies tmpdir/from to tmpdir/to with the byte at offset set to
 * value. */
static void rewrite(const char *from, const char *to, size_t offset, uint8_t value)
{
    size_t size;
    uint8_t *bytes = tu_read_file(tmp(from), &size);
    assert_non_null(bytes);
    assert_true(offset < size);
    bytes[offset] = value;
    assert_int_equal(tu_write_file(tmp(to), bytes, size, 0644), 0);
    free(bytes);
}

/* A valid ELF file of another class, byte order or machine is
 * PF_ERR_VERSION: ld.so skips such a candidate and keeps searching. */
static void test_other_class_or_machine(void **state)
{
    (void)state;
    build("libv.so", leaf_c, "-shared -fPIC");
    static const struct {
        size_t offset;
        uint8_t value;
        const char *says;
    } cases[] = {
        {EI_CLASS, ELFCLASS32, "32-bit"},
        {EI_DATA, ELFDATA2MSB, "big-endian"},
        {offsetof(Elf64_Ehdr, e_machine), EM_AARCH64, "machine 183"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rewrite("libv.so", "other.so", cases[i].offset, cases[i].value);
        pfz_elf_dynamic d;
        pf_error err;
        int rc = read_at("other.so", &d, &err);
        if (rc != PF_ERR_VERSION || strstr(err.message, cases[i].says) == NULL) {
            fail_msg("case %zu: status %d, '%s'", i, rc, err.message);
        }
        assert_null(d.soname);
    }
}

/* Not ELF, not a shared object, or cut short at a few lengths: an error
 * (ld.so stops there), never a crash. */
static void test_not_a_shared_object(void **state)
{
    (void)state;
    pfz_elf_dynamic d;
    pf_error err;
    assert_int_equal(tu_write_file(tmp("text.so"), "not ELF at all\n", 15, 0644), 0);
    assert_int_equal(read_at("text.so", &d, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "not an ELF file"));
    build("exe", "int main(void) { return 0; }\n", "-no-pie");
    assert_int_equal(read_at("exe", &d, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "not a shared object"));

    build("libe.so", leaf_c, "-shared -fPIC -Wl,-soname,libe.so -lm");
    size_t size;
    uint8_t *bytes = tu_read_file(tmp("libe.so"), &size);
    assert_non_null(bytes);
    const size_t cuts[] = {0, 4, 16, 63, 64, 200, size / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        assert_int_equal(tu_write_file(tmp("cut.so"), bytes, cuts[i], 0644), 0);
        int rc = read_at("cut.so", &d, &err);
        if (rc == PF_OK) {
            pfz_elf_dynamic_free(&d); /* a cut past the dynamic data may still read */
        } else {
            assert_int_equal(rc, PF_ERR_CORRUPT);
        }
    }
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soname_needed_rpath),
        cmocka_unit_test(test_runpath_and_nodeflib),
        cmocka_unit_test(test_other_class_or_machine),
        cmocka_unit_test(test_not_a_shared_object),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
