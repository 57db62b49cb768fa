/* test_inspect.c - `pyfreeze inspect` (freezer/cli/inspect.c) on frozen
 * programs made here: a small payload from pfz_pack injected into a real
 * executable (tiny_elf.c). The table and totals, the kind of executable,
 * a plain executable, damaged and cut payloads (an error, never a crash),
 * and files that are not programs at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <zstd.h>

#include "elf_section.h"
#include "inject.h"
#include "inspect.h"
#include "pack.h"
#include "payload.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-inspect")

/* A small real payload from pfz_pack: a module, a package, a namespace. */
static void build_payload(pfz_buffer *out)
{
    static uint8_t code_a[2000], code_b[300];
    memset(code_a, 'a', sizeof code_a);
    memset(code_b, 'b', sizeof code_b);
    static const pfz_pack_file files[] = {
        {"lib/app.pyc", PF_KIND_BYTECODE, code_a, sizeof code_a, 0644},
        {"lib/pkg/__init__.pyc", PF_KIND_BYTECODE, code_b, sizeof code_b, 0644},
    };
    static const pfz_pack_module modules[] = {
        {"__main__", PF_KIND_MODULE, 0},
        {"pkg", PF_KIND_PACKAGE, 1},
        {"ns", PF_KIND_NAMESPACE, SIZE_MAX},
    };
    pfz_pack_input in = {.files = files,
                         .file_count = 2,
                         .modules = modules,
                         .module_count = 3,
                         .level = 3,
                         .frame_target = 1024,
                         .glibc_floor = {2, 31, 0}};
    pf_error err;
    if (pfz_pack(&in, out, &err) != PF_OK) {
        fail_msg("pack: %s", err.message);
    }
}

/* A frozen program: tiny_elf with build_payload's payload, at path. */
typedef struct frozen {
    char path[512];
    uint8_t *file; /* its bytes, malloc'd */
    size_t size;
    size_t payload_size;
} frozen;

static void frozen_make(frozen *f)
{
    pfz_buffer payload = {0};
    build_payload(&payload);
    snprintf(f->path, sizeof f->path, "%s/frozen", tmpdir);
    int fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC, 0755);
    assert_true(fd >= 0);
    pf_error err;
    if (pfz_inject(TINY_ELF_PATH, payload.data, payload.size, fd, f->path, &err) != PF_OK) {
        fail_msg("inject: %s", err.message);
    }
    assert_int_equal(close(fd), 0);
    f->payload_size = payload.size;
    pfz_buffer_free(&payload);
    f->file = tu_read_file(f->path, &f->size);
    assert_non_null(f->file);
}

/* inspect: runs pfz_inspect_image on file[0..size) into *text (malloc'd,
 * the caller frees). */
static int inspect(const uint8_t *file, size_t size, char **text, pf_error *err)
{
    size_t text_size;
    *text = NULL;
    FILE *mem = open_memstream(text, &text_size);
    assert_non_null(mem);
    int rc = pfz_inspect_image(file, size, "app", mem, err);
    fclose(mem);
    return rc;
}

/* expect_in: needle is in text. */
static void expect_in(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        fail_msg("no '%s' in:\n%s", needle, text);
    }
}

static void test_table_and_totals(void **state)
{
    (void)state;
    frozen f;
    frozen_make(&f);
    char *text = NULL;
    pf_error err;
    if (inspect(f.file, f.size, &text, &err) != PF_OK) {
        fail_msg("inspect: %s", err.message);
    }
    expect_in(text, "\nglibc: needs glibc >= 2.31\n");
    expect_in(text, "module             ");
    expect_in(text, "2000  __main__  (main)\n");
    expect_in(text, "300  pkg\n");
    expect_in(text, "-  ns\n");
    expect_in(text, "2000  lib/app.pyc\n");
    char totals[256];
    snprintf(totals, sizeof totals,
             "total: 5 entries (3 modules, 2 files of 2300 bytes), 3 frames, payload %zu bytes",
             f.payload_size);
    expect_in(text, totals);
    free(text);
    free(f.file);
}

/* The first line says how the executable is linked, by its ELF header's
 * e_type (tiny_elf is built as this compiler builds executables by
 * default; the other kinds are made by changing e_type). */
static void test_executable_kind(void **state)
{
    (void)state;
    frozen f;
    frozen_make(&f);
    static const struct {
        uint8_t e_type;
        const char *first_line;
    } kinds[] = {
        {ET_DYN, "app: frozen program, position-independent executable (ET_DYN)\n"},
        {ET_EXEC, "app: frozen program, fixed-address executable (ET_EXEC, not "
                  "position-independent)\n"},
        {0x7f, "app: frozen program, neither ET_EXEC nor ET_DYN\n"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        f.file[16] = kinds[i].e_type;
        char *text = NULL;
        pf_error err;
        if (inspect(f.file, f.size, &text, &err) != PF_OK) {
            fail_msg("inspect: %s", err.message);
        }
        if (strncmp(text, kinds[i].first_line, strlen(kinds[i].first_line)) != 0) {
            fail_msg("inspect's first line is not '%s':\n%s", kinds[i].first_line, text);
        }
        free(text);
    }
    free(f.file);
}

static void test_plain_executable(void **state)
{
    (void)state;
    size_t size;
    uint8_t *tiny = tu_read_file(TINY_ELF_PATH, &size);
    assert_non_null(tiny);
    char *text = NULL;
    pf_error err;
    assert_int_equal(inspect(tiny, size, &text, &err), PF_ERR_NOT_FOUND);
    expect_in(err.message, "'app' is not a frozen program");
    free(text);
    free(tiny);
}

/* tar_of: the payload's frames decompressed by zstd itself (content
 * checksums verified), malloc'd; NULL when they do not decompress. */
static uint8_t *tar_of(const uint8_t *payload, size_t size, size_t *out_size)
{
    size_t capacity = 1u << 20;
    uint8_t *out = malloc(capacity);
    assert_non_null(out);
    size_t n = ZSTD_decompress(out, capacity, payload, size);
    if (ZSTD_isError(n)) {
        free(out);
        return NULL;
    }
    *out_size = n;
    return out;
}

/* Damaged payloads: every error is a message, never a crash (ASan). */
static void test_damaged_payload(void **state)
{
    (void)state;
    frozen f;
    frozen_make(&f);
    uint64_t off, psize;
    pf_error err;
    assert_int_equal(pf_elf_find_section(f.file, f.size, PF_SECTION_NAME, &off, &psize, &err),
                     PF_OK);
    char *text = NULL;
    size_t want_size = 0;
    uint8_t *want = tar_of(f.file + off, psize, &want_size);
    assert_non_null(want);
    for (uint64_t i = 0; i < psize; i += 7) {
        f.file[off + i] ^= 0x40;
        int rc = inspect(f.file, f.size, &text, &err);
        size_t got_size = 0;
        uint8_t *got = rc == PF_OK ? tar_of(f.file + off, psize, &got_size) : NULL;
        f.file[off + i] ^= 0x40;
        free(text);
        /* every frame is checked: damage anywhere is refused, unless the
         * flipped bit is one zstd's decoder does not use (the frames still
         * give the same bytes, checksum and all) */
        if (rc == PF_OK &&
            (got == NULL || got_size != want_size || memcmp(got, want, want_size) != 0)) {
            fail_msg("a flipped byte at payload offset %llu went unnoticed", (unsigned long long)i);
        }
        free(got);
        if (rc != PF_OK) {
            expect_in(err.message, "'app'");
        }
    }
    free(want);
    for (uint64_t cut = 0; cut < f.size; cut += (cut < 64 ? 1 : 997)) {
        int rc = inspect(f.file, (size_t)cut, &text, &err);
        free(text);
        assert_int_not_equal(rc, PF_OK);
    }
    free(f.file);
}

/* Damage in a frame a run may never read (not frame 0): the listing is
 * still printed, then an error names the frame and what it holds. */
static void test_damaged_frame(void **state)
{
    (void)state;
    frozen f;
    frozen_make(&f);
    uint64_t off, psize;
    pf_error err;
    assert_int_equal(pf_elf_find_section(f.file, f.size, PF_SECTION_NAME, &off, &psize, &err),
                     PF_OK);
    /* frames: 0 the index, 1 lib/app.pyc (2000 bytes over the 1024-byte
     * target), 2 lib/pkg/__init__.pyc and the tar end */
    const uint8_t *p = f.file + off;
    size_t frame0 = 0;
    /* find frame 1's start: the second zstd magic (28 b5 2f fd) */
    for (size_t i = 4; i + 4 <= psize; i++) {
        if (p[i] == 0x28 && p[i + 1] == 0xb5 && p[i + 2] == 0x2f && p[i + 3] == 0xfd) {
            frame0 = i;
            break;
        }
    }
    assert_true(frame0 > 0);
    f.file[off + frame0 + 20] ^= 0x01;
    char *text = NULL;
    assert_int_equal(inspect(f.file, f.size, &text, &err), PF_ERR_CORRUPT);
    expect_in(text, "2000  lib/app.pyc\n"); /* the listing came first */
    expect_in(err.message, "'app' is damaged: frame 1 of 3 (holding lib/app.pyc)");
    expect_in(err.message, "1 of 3 frames are damaged");
    expect_in(err.message, "rebuild it");
    free(text);
    free(f.file);
}

/* pfz_inspect_file: a frozen program, then files that are not ELF, empty
 * or directories (the message names the file). */
static void test_inspect_file(void **state)
{
    (void)state;
    frozen f;
    frozen_make(&f);
    free(f.file);
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    pf_error err;
    assert_int_equal(pfz_inspect_file(f.path, devnull, &err), PF_OK);

    char other[512];
    snprintf(other, sizeof other, "%s/empty", tmpdir);
    assert_int_equal(tu_write_file(other, "", 0, 0644), 0);
    assert_int_not_equal(pfz_inspect_file(other, devnull, &err), PF_OK);
    expect_in(err.message, other);
    assert_int_not_equal(pfz_inspect_file(tmpdir, devnull, &err), PF_OK);
    expect_in(err.message, tmpdir);
    snprintf(other, sizeof other, "%s/text", tmpdir);
    assert_int_equal(tu_write_file(other, "hello, not an ELF file at all\n", 30, 0644), 0);
    assert_int_not_equal(pfz_inspect_file(other, devnull, &err), PF_OK);
    expect_in(err.message, "not a frozen program");
    fclose(devnull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_and_totals), cmocka_unit_test(test_executable_kind),
        cmocka_unit_test(test_plain_executable), cmocka_unit_test(test_damaged_payload),
        cmocka_unit_test(test_inspect_file),     cmocka_unit_test(test_damaged_frame),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
