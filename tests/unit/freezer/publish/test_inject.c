/* test_inject.c - pfz_inject on a real executable built by the test suite
 * (tiny_elf.c): the result still runs, the payload is found back with the
 * stub's own section finder, nothing the loader uses moved, strip keeps the
 * section; bad stubs are refused. (pfz_inspect on injected files is tested
 * in tests/unit/freezer/cli/test_inspect.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>

#include "elf_section.h"
#include "inject.h"
#include "payload.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-inject")

/* inject_to: injects payload into a copy of stub at tmpdir/name and makes
 * it executable. Returns pfz_inject's status; path receives the file name. */
static int inject_to(const char *stub, const uint8_t *payload, size_t size, const char *name,
                     char *path, size_t pathCapacity, pf_error *err)
{
    snprintf(path, pathCapacity, "%s/%s", tmpdir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
    assert_true(fd >= 0);
    int rc = pfz_inject(stub, payload, size, fd, path, err);
    assert_int_equal(close(fd), 0);
    return rc;
}

/* sample_payload: deterministic bytes standing in for a payload. */
static uint8_t *sample_payload(size_t size)
{
    uint8_t *p = malloc(size);
    assert_non_null(p);
    uint32_t x = 99;
    for (size_t i = 0; i < size; i++) {
        x = x * 1664525u + 1013904223u;
        p[i] = (uint8_t)(x >> 24);
    }
    return p;
}

static void test_inject_runs_and_keeps_layout(void **state)
{
    (void)state;
    size_t psize = 100003;
    uint8_t *payload = sample_payload(psize);
    char path[512];
    pf_error err;
    if (inject_to(TINY_ELF_PATH, payload, psize, "out", path, sizeof path, &err) != PF_OK) {
        fail_msg("inject: %s", err.message);
    }

    size_t osize, nsize;
    uint8_t *orig = tu_read_file(TINY_ELF_PATH, &osize);
    uint8_t *out = tu_read_file(path, &nsize);
    assert_non_null(orig);
    assert_non_null(out);

    /* the stub's own finder sees the payload, byte for byte */
    uint64_t off, size;
    if (pf_elf_find_section(out, nsize, PF_SECTION_NAME, &off, &size, &err) != PF_OK) {
        fail_msg("find: %s", err.message);
    }
    assert_int_equal(size, psize);
    assert_memory_equal(out + off, payload, psize);
    assert_int_equal(pf_elf_find_section(orig, osize, PF_SECTION_NAME, &off, &size, &err),
                     PF_ERR_NOT_FOUND);

    /* nothing the loader or the old sections use moved: every byte before
     * the old section name table is as it was, except e_shoff and e_shnum */
    const Elf64_Ehdr *oe = (const Elf64_Ehdr *)orig;
    const Elf64_Ehdr *ne = (const Elf64_Ehdr *)out;
    assert_int_equal(ne->e_shnum, oe->e_shnum + 1);
    assert_int_equal(ne->e_phoff, oe->e_phoff);
    assert_int_equal(ne->e_phnum, oe->e_phnum);
    assert_int_equal(ne->e_entry, oe->e_entry);
    const Elf64_Shdr *nsh = (const Elf64_Shdr *)(out + ne->e_shoff);
    const Elf64_Shdr *osh = (const Elf64_Shdr *)(orig + oe->e_shoff);
    uint64_t strtab_off = osh[oe->e_shstrndx].sh_offset;
    assert_true(strtab_off <= osize);
    assert_true(nsh[ne->e_shstrndx].sh_offset >= strtab_off + osh[oe->e_shstrndx].sh_size);
    for (int i = 0; i < oe->e_shnum; i++) {
        if (i != oe->e_shstrndx) {
            assert_memory_equal(&nsh[i], &osh[i], sizeof nsh[i]);
        }
    }
    Elf64_Ehdr fixed = *ne;
    fixed.e_shoff = oe->e_shoff;
    fixed.e_shnum = oe->e_shnum;
    assert_memory_equal(&fixed, oe, sizeof fixed);
    assert_memory_equal(out + sizeof fixed, orig + sizeof fixed, strtab_off - sizeof fixed);
    /* every PT_LOAD segment lies in that unchanged prefix */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(orig + oe->e_phoff);
    for (int i = 0; i < oe->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD) {
            assert_true(ph[i].p_offset + ph[i].p_filesz <= strtab_off);
        }
    }
    /* the new section is not loaded */
    const Elf64_Shdr *pf = &nsh[ne->e_shnum - 1];
    assert_int_equal(pf->sh_type, SHT_PROGBITS);
    assert_int_equal(pf->sh_flags & SHF_ALLOC, 0);

    /* and it still runs */
    char stdout_text[256];
    assert_int_equal(tu_run(path, stdout_text, sizeof stdout_text), 7);
    assert_string_equal(stdout_text, "tiny elf ran\n");

    /* same input, same bytes */
    char path2[512];
    assert_int_equal(inject_to(TINY_ELF_PATH, payload, psize, "out2", path2, sizeof path2, &err),
                     PF_OK);
    size_t n2;
    uint8_t *out2 = tu_read_file(path2, &n2);
    assert_int_equal(n2, nsize);
    assert_memory_equal(out2, out, nsize);
    free(out2);
    free(orig);
    free(out);
    free(payload);
}

/* A stub whose program header table is not right after the ELF header, as
 * post-link tools leave it when they add segments (BOLT, patchelf): here a
 * copy of the table appended to the file. Every byte of that stub stays as
 * it was but e_shoff and e_shnum. (libelf's elf_update, which the freezer
 * used to write with, filled everything between the ELF header and such a
 * table with zeros: .interp, .dynsym, code.) */
static void test_moved_program_headers(void **state)
{
    (void)state;
    size_t osize;
    uint8_t *orig = tu_read_file(TINY_ELF_PATH, &osize);
    assert_non_null(orig);
    const Elf64_Ehdr *oe = (const Elf64_Ehdr *)orig;
    size_t tableSize = (size_t)oe->e_phnum * oe->e_phentsize;
    size_t at = (osize + 4095) / 4096 * 4096;
    size_t msize = at + tableSize;
    uint8_t *moved = calloc(1, msize);
    assert_non_null(moved);
    memcpy(moved, orig, osize);
    memcpy(moved + at, orig + oe->e_phoff, tableSize);
    ((Elf64_Ehdr *)moved)->e_phoff = at;
    char stub[512], path[512];
    snprintf(stub, sizeof stub, "%s/moved-phdrs", tmpdir);
    assert_int_equal(tu_write_file(stub, moved, msize, 0755), 0);

    size_t psize = 7001;
    uint8_t *payload = sample_payload(psize);
    pf_error err;
    if (inject_to(stub, payload, psize, "out-moved", path, sizeof path, &err) != PF_OK) {
        fail_msg("inject: %s", err.message);
    }
    size_t nsize;
    uint8_t *out = tu_read_file(path, &nsize);
    assert_non_null(out);
    assert_true(nsize > msize);
    Elf64_Ehdr fixed = *(const Elf64_Ehdr *)out;
    assert_int_equal(fixed.e_shnum, oe->e_shnum + 1);
    fixed.e_shoff = oe->e_shoff;
    fixed.e_shnum = oe->e_shnum;
    assert_memory_equal(&fixed, moved, sizeof fixed);
    assert_memory_equal(out + sizeof fixed, moved + sizeof fixed, msize - sizeof fixed);
    uint64_t off, size;
    if (pf_elf_find_section(out, nsize, PF_SECTION_NAME, &off, &size, &err) != PF_OK) {
        fail_msg("find: %s", err.message);
    }
    assert_int_equal(size, psize);
    assert_memory_equal(out + off, payload, psize);
    free(out);
    free(payload);
    free(moved);
    free(orig);
}

static void test_strip_keeps_section(void **state)
{
    (void)state;
    if (access("/usr/bin/strip", X_OK) != 0) {
        skip();
    }
    size_t psize = 5000;
    uint8_t *payload = sample_payload(psize);
    char path[512], cmd[1200];
    pf_error err;
    assert_int_equal(inject_to(TINY_ELF_PATH, payload, psize, "stripped", path, sizeof path, &err),
                     PF_OK);
    snprintf(cmd, sizeof cmd, "/usr/bin/strip '%s'", path);
    assert_int_equal(system(cmd), 0);
    size_t nsize;
    uint8_t *out = tu_read_file(path, &nsize);
    uint64_t off, size;
    assert_int_equal(pf_elf_find_section(out, nsize, PF_SECTION_NAME, &off, &size, &err), PF_OK);
    assert_int_equal(size, psize);
    assert_memory_equal(out + off, payload, psize);
    char text[256];
    assert_int_equal(tu_run(path, text, sizeof text), 7);
    free(out);
    free(payload);
}

static void test_bad_stubs(void **state)
{
    (void)state;
    static const uint8_t payload[] = "payload";
    char path[512], bad[512];
    pf_error err;

    /* a frozen program is not a stub */
    assert_int_equal(
        inject_to(TINY_ELF_PATH, payload, sizeof payload, "once", path, sizeof path, &err), PF_OK);
    char twice[512];
    assert_int_equal(inject_to(path, payload, sizeof payload, "twice", twice, sizeof twice, &err),
                     PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "already has a .pyfreeze section"));
    assert_non_null(strstr(err.message, path));

    /* not ELF at all */
    snprintf(bad, sizeof bad, "%s/text", tmpdir);
    assert_int_equal(tu_write_file(bad,
                                   "#!/bin/sh\necho hi\n"
                                   "0123456789012345678901234567890"
                                   "123456789012345678901234567890",
                                   80, 0755),
                     0);
    assert_int_equal(inject_to(bad, payload, sizeof payload, "o1", path, sizeof path, &err),
                     PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "not an ELF64 x86-64 executable"));
    assert_non_null(strstr(err.message, bad));

    /* ELF, but for another machine, another class, or an object file */
    size_t size;
    uint8_t *elf = tu_read_file(TINY_ELF_PATH, &size);
    assert_non_null(elf);
    struct {
        size_t offset;
        uint8_t value;
    } mutations[] = {
        {offsetof(Elf64_Ehdr, e_machine), EM_AARCH64},
        {EI_CLASS, ELFCLASS32},
        {EI_DATA, ELFDATA2MSB},
        {offsetof(Elf64_Ehdr, e_type), ET_REL},
    };
    for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
        uint8_t saved = elf[mutations[i].offset];
        elf[mutations[i].offset] = mutations[i].value;
        snprintf(bad, sizeof bad, "%s/bad%zu", tmpdir, i);
        assert_int_equal(tu_write_file(bad, elf, size, 0755), 0);
        elf[mutations[i].offset] = saved;
        int rc = inject_to(bad, payload, sizeof payload, "o2", path, sizeof path, &err);
        if (rc != PF_ERR_USAGE) {
            fail_msg("mutation %zu: status %d, %s", i, rc, err.message);
        }
        assert_non_null(strstr(err.message, "not an ELF64 x86-64 executable"));
    }
    free(elf);

    /* missing stub */
    snprintf(bad, sizeof bad, "%s/missing", tmpdir);
    assert_int_equal(inject_to(bad, payload, sizeof payload, "o3", path, sizeof path, &err),
                     PF_ERR_IO);
    assert_non_null(strstr(err.message, bad));
    assert_non_null(strstr(err.message, "No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inject_runs_and_keeps_layout),
        cmocka_unit_test(test_moved_program_headers),
        cmocka_unit_test(test_strip_keeps_section),
        cmocka_unit_test(test_bad_stubs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
