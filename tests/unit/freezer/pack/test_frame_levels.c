/* test_frame_levels.c - pfz_frame_level (pack/frame_levels.c): a frame at
 * least half native code gets native_level, or native_code_level when
 * code-heavy objects hold at least half its native bytes; others level; no
 * native_level means level for all. pfz_native_is_code: the share of an
 * object in executable PT_LOAD segments, and anything malformed is not
 * code. That pfz_pack counts each frame's native bytes and compresses each
 * frame at its level is test_pack.c's test_pack_levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <string.h>

#include "frame_levels.h"
#include "seek_table_writer.h"

static void test_levels(void **state)
{
    (void)state;
    pfz_pack_input in = {.level = 6, .native_level = 4};
    assert_int_equal(pfz_frame_level(&in, 0, 0, 1024), 6);          /* the index */
    assert_int_equal(pfz_frame_level(&in, 60000, 0, 63000), 4);     /* mostly native */
    assert_int_equal(pfz_frame_level(&in, 20000, 0, 62000), 6);     /* a third */
    assert_int_equal(pfz_frame_level(&in, 31000, 0, 62000), 4);     /* exactly half */
    assert_int_equal(pfz_frame_level(&in, 30999, 0, 62000), 6);     /* just under */
    assert_int_equal(pfz_frame_level(&in, 1ull << 40, 0, 1000), 4); /* no overflow */
    /* no native_code_level: code-heavy objects take native_level */
    assert_int_equal(pfz_frame_level(&in, 60000, 60000, 63000), 4);
    in.native_level = 0;
    assert_int_equal(pfz_frame_level(&in, 60000, 0, 63000), 6);
    in.native_code_level = 4 | PFZ_LEVEL_RAW_LITERALS;
    assert_int_equal(pfz_frame_level(&in, 60000, 60000, 63000), 6); /* native_level 0: off */
    in.native_level = 6;
    assert_int_equal(pfz_frame_level(&in, 60000, 0, 63000), 6);
    in.native_level = 4;
    assert_int_equal(pfz_frame_level(&in, 60000, 60000, 63000), 4 | PFZ_LEVEL_RAW_LITERALS);
    assert_int_equal(pfz_frame_level(&in, 60000, 30000, 63000), 4 | PFZ_LEVEL_RAW_LITERALS);
    assert_int_equal(pfz_frame_level(&in, 60000, 29999, 63000), 4); /* mostly tables */
    assert_int_equal(pfz_frame_level(&in, 20000, 20000, 62000), 6); /* mostly bytecode */
}

/* object: an ELF64 object of `size` bytes (<= 4096) in buf whose program
 * headers are a PT_LOAD r-x segment of `code` file bytes and a PT_LOAD r--
 * one of the rest. */
static void object(uint8_t *buf, size_t size, uint64_t code)
{
    memset(buf, 0, size);
    Elf64_Ehdr h = {.e_type = ET_DYN,
                    .e_machine = EM_X86_64,
                    .e_version = EV_CURRENT,
                    .e_phoff = sizeof h,
                    .e_ehsize = sizeof h,
                    .e_phentsize = sizeof(Elf64_Phdr),
                    .e_phnum = 3};
    memcpy(h.e_ident, ELFMAG, SELFMAG);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    h.e_ident[EI_DATA] = ELFDATA2LSB;
    h.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(buf, &h, sizeof h);
    Elf64_Phdr ph[3] = {
        {.p_type = PT_LOAD, .p_flags = PF_R, .p_filesz = size - code},
        {.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = size - code, .p_filesz = code},
        {.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W | PF_X, .p_filesz = size}, /* not load */
    };
    memcpy(buf + sizeof h, ph, sizeof ph);
}

static void test_is_code(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    object(buf, 4000, 400);
    assert_int_equal(pfz_native_is_code(buf, 4000), 1); /* a tenth */
    object(buf, 4000, 399);
    assert_int_equal(pfz_native_is_code(buf, 4000), 0); /* under a tenth */
    object(buf, 4000, 3000);
    assert_int_equal(pfz_native_is_code(buf, 4000), 1);
    /* malformed or not ELF64 little-endian: not code */
    assert_int_equal(pfz_native_is_code(NULL, 0), 0);
    assert_int_equal(pfz_native_is_code(buf, 63), 0);  /* shorter than its header */
    assert_int_equal(pfz_native_is_code(buf, 200), 0); /* the headers cut */
    object(buf, 4000, 3000);
    buf[EI_CLASS] = ELFCLASS32;
    assert_int_equal(pfz_native_is_code(buf, 4000), 0);
    object(buf, 4000, 3000);
    buf[EI_DATA] = ELFDATA2MSB;
    assert_int_equal(pfz_native_is_code(buf, 4000), 0);
    object(buf, 4000, 3000);
    buf[0] = 'x';
    assert_int_equal(pfz_native_is_code(buf, 4000), 0);
    object(buf, 4000, 3000);
    uint64_t far = 1ull << 62;
    memcpy(buf + offsetof(Elf64_Ehdr, e_phoff), &far, sizeof far);
    assert_int_equal(pfz_native_is_code(buf, 4000), 0);
    object(buf, 4000, 3000);
    uint16_t many = 0xffff;
    memcpy(buf + offsetof(Elf64_Ehdr, e_phnum), &many, sizeof many);
    assert_int_equal(pfz_native_is_code(buf, 4000), 0);
    /* a segment larger than the object counts for nothing */
    object(buf, 4000, 3000);
    uint64_t huge = 1ull << 40;
    memcpy(buf + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, p_filesz), &huge,
           sizeof huge);
    assert_int_equal(pfz_native_is_code(buf, 4000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_is_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
