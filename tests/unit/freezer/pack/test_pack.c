/* test_pack.c - pfz_pack: every member read back with the runtime's reader
 * gives the same bytes, frames follow the layout rules of payload.h, the
 * output is deterministic, and bad input is refused; native code above
 * stored_min_size goes page-aligned into the stored frame, read back and
 * verified, its damage found; each frame, written and compressed as the
 * stream goes, is what compressing the whole stream at the frame's level
 * (native or not) gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "pack.h"
#include "payload.h"
#include "payload_reader.h"
#include "payload_verify.h"
#include "seek_table.h"

#define FILE_COUNT 12

/* A sample program: files of varied sizes (0 bytes to 300 KiB, some
 * incompressible) with modules, a package and a namespace package. */
typedef struct sample {
    pfz_pack_file files[FILE_COUNT];
    pfz_pack_module modules[FILE_COUNT + 1];
    char paths[FILE_COUNT][64];
    char names[FILE_COUNT][32];
    uint8_t *data[FILE_COUNT];
    pfz_pack_input in;
} sample;

static const size_t sizes[FILE_COUNT] = {16,    100,   0,    511,    512,   513,
                                         70000, 40000, 1000, 300000, 20000, 131072};

static void sample_init(sample *s)
{
    memset(s, 0, sizeof *s);
    uint32_t seed = 12345;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        s->data[i] = malloc(sizes[i] + 1);
        assert_non_null(s->data[i]);
        for (size_t j = 0; j < sizes[i]; j++) {
            seed = seed * 1103515245u + 12345u;
            /* half the files repetitive, half random-looking */
            s->data[i][j] = (i % 2) ? (uint8_t)(seed >> 16) : (uint8_t)("pyfreeze"[j % 8]);
        }
        if (i == 0) {
            memcpy(s->data[0], "\xa7\x0d\x0d\x0a", 4);
        }
        snprintf(s->names[i], sizeof s->names[i], "pkg.mod%zu", i);
        snprintf(s->paths[i], sizeof s->paths[i], "lib/pkg/mod%zu.pyc", i);
        s->files[i] = (pfz_pack_file){s->paths[i], PF_KIND_BYTECODE, s->data[i], sizes[i], 0644};
        s->modules[i] = (pfz_pack_module){s->names[i], PF_KIND_MODULE, i};
    }
    /* file 0 is the package's __init__ */
    snprintf(s->paths[0], sizeof s->paths[0], "lib/pkg/__init__.pyc");
    s->modules[0] = (pfz_pack_module){"pkg", PF_KIND_PACKAGE, 0};
    s->modules[FILE_COUNT] = (pfz_pack_module){"nspkg", PF_KIND_NAMESPACE, SIZE_MAX};
    s->in = (pfz_pack_input){
        .files = s->files,
        .file_count = FILE_COUNT,
        .modules = s->modules,
        .module_count = FILE_COUNT + 1,
        .main_module = 1,
        .flags = PF_INDEX_FLAG_MAIN_IS_MODULE,
        .python_magic = {0xa7, 0x0d, 0x0d, 0x0a},
        .level = 3,
        .frame_target = 64 * 1024,
        .mtime = 1700000000,
    };
}

static void sample_free(sample *s)
{
    for (size_t i = 0; i < FILE_COUNT; i++) {
        free(s->data[i]);
    }
}

/* find: the entry called name; fails the test when absent. */
static pf_entry find(const pf_index *index, const char *name)
{
    pf_entry e;
    if (!pf_index_find(index, name, strlen(name), &e)) {
        fail_msg("entry '%s' not found", name);
    }
    return e;
}

/* copy_sink: a pf_payload_sink appending at the cursor *context. */
static int copy_sink(void *context, const uint8_t *data, size_t size)
{
    uint8_t **cursor = context;
    memcpy(*cursor, data, size);
    *cursor += size;
    return 0;
}

static void test_round_trip(void **state)
{
    (void)state;
    sample s;
    sample_init(&s);
    pfz_buffer out = {0};
    pf_error err;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_OK);

    pf_payload *p = NULL;
    if (pf_payload_open(&p, out.data, out.size, &err) != PF_OK) {
        fail_msg("pf_payload_open: %s", err.message);
    }
    const pf_index *index = pf_payload_index(p);
    const pf_seek_table *table = pf_payload_seek_table(p);
    assert_int_equal(index->entry_count, 2 * FILE_COUNT + 1);
    assert_int_equal(index->flags, PF_INDEX_FLAG_MAIN_IS_MODULE);
    assert_memory_equal(index->python_magic, s.in.python_magic, 4);
    /* At a 64 KiB target a frame is cut at the first member header past
     * 64 KiB: files 0-6 (the 70000-byte file 6 crosses it), 7-9, 10-11. */
    static const uint32_t expected_frame[FILE_COUNT] = {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3};
    assert_int_equal(table->frame_count, 4);
    assert_int_equal(index->walk_end, 4); /* no walk_files: every frame */

    pf_entry main_entry;
    pf_index_entry(index, index->main_entry, &main_entry);
    assert_int_equal(main_entry.name_size, strlen("pkg.mod1"));
    assert_memory_equal(main_entry.name, "pkg.mod1", main_entry.name_size);

    uint32_t last_frame = 0;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        pf_entry m = find(index, s.modules[i].name);
        assert_int_equal(m.kind, s.modules[i].kind);
        pf_entry f = find(index, s.paths[i]);
        assert_int_equal(m.member, f.number);
        assert_int_equal(f.kind, PF_KIND_BYTECODE);
        assert_int_equal(f.size, sizes[i]);
        assert_int_equal(f.frame, expected_frame[i]); /* frame 0 is the index alone */
        last_frame = f.frame;
        const uint8_t *data;
        size_t size;
        if (pf_payload_read(p, &f, &data, &size, &err) != PF_OK) {
            fail_msg("read %s: %s", s.paths[i], err.message);
        }
        assert_int_equal(size, sizes[i]);
        if (size > 0) {
            assert_memory_equal(data, s.data[i], size);
        }
    }
    pf_entry ns = find(index, "nspkg");
    assert_int_equal(ns.kind, PF_KIND_NAMESPACE);
    assert_int_equal(ns.member, PF_NONE);
    assert_int_equal(last_frame, table->frame_count - 1);
    pf_payload_close(p);
    pfz_buffer_free(&out);
    sample_free(&s);
}

/* startup_files and walk_files each start a new frame; the first frame of
 * files[walk_files ..] is the index's walk_end, also when it is the frame
 * right after the start-up frame; from it on frames are cut at
 * late_frame_target when one is given. */
static void test_startup_and_walk_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t startup, walk, late;
        uint32_t walk_end, frame_count;
        uint32_t frame[FILE_COUNT];
    } cases[] = {
        {2, 4, 0, 3, 6, {1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5}},
        {2, 2, 0, 2, 5, {1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4}},
        {0, 9, 0, 3, 5, {1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4}},
        {2, 4, 1000, 3, 11, {1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sample s;
        sample_init(&s);
        s.in.startup_files = cases[c].startup;
        s.in.walk_files = cases[c].walk;
        s.in.late_frame_target = cases[c].late;
        pfz_buffer out = {0};
        pf_error err;
        assert_int_equal(pfz_pack(&s.in, &out, &err), PF_OK);
        pf_payload *p = NULL;
        assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
        const pf_index *index = pf_payload_index(p);
        assert_int_equal(pf_payload_seek_table(p)->frame_count, cases[c].frame_count);
        assert_int_equal(index->walk_end, cases[c].walk_end);
        for (size_t i = 0; i < FILE_COUNT; i++) {
            pf_entry f = find(index, s.paths[i]);
            if (f.frame != cases[c].frame[i]) {
                fail_msg("case %zu: file %zu in frame %u, not %u", c, i, f.frame,
                         cases[c].frame[i]);
            }
        }
        pf_payload_close(p);
        pfz_buffer_free(&out);
        sample_free(&s);
    }
}

/* A frame starts at a member boundary: the first 512 bytes of every frame
 * after frame 0 decompress to a ustar header ("ustar" at offset 257). */
static void test_frames_start_at_headers(void **state)
{
    (void)state;
    sample s;
    sample_init(&s);
    pfz_buffer out = {0};
    pf_error err;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_OK);
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    const pf_index *index = pf_payload_index(p);
    /* the first file of each frame has its data right after one header */
    uint32_t seen = PF_NONE;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        pf_entry f = find(index, s.paths[i]);
        if (f.frame != seen) {
            assert_int_equal(f.offset, 512);
            seen = f.frame;
        }
    }
    pf_payload_close(p);
    pfz_buffer_free(&out);
    sample_free(&s);
}

static void test_deterministic(void **state)
{
    (void)state;
    sample s;
    sample_init(&s);
    pfz_buffer a = {0}, b = {0};
    pf_error err;
    assert_int_equal(pfz_pack(&s.in, &a, &err), PF_OK);
    assert_int_equal(pfz_pack(&s.in, &b, &err), PF_OK);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size);
    /* and the time really is used: another mtime gives other bytes */
    s.in.mtime = 0;
    pfz_buffer c = {0};
    assert_int_equal(pfz_pack(&s.in, &c, &err), PF_OK);
    assert_true(c.size != a.size || memcmp(c.data, a.data, a.size) != 0);
    pfz_buffer_free(&a);
    pfz_buffer_free(&b);
    pfz_buffer_free(&c);
    sample_free(&s);
}

/* A long path needs a pax header; it must still round-trip. */
static void test_long_path(void **state)
{
    (void)state;
    char path[300];
    memset(path, 'd', sizeof path);
    memcpy(path, "lib/", 4);
    path[150] = '/';
    strcpy(path + 280, "/long_mod.pyc");
    static const uint8_t data[] = "bytecode";
    pfz_pack_file f = {path, PF_KIND_BYTECODE, data, sizeof data, 0644};
    pfz_pack_module m = {"long_mod", PF_KIND_MODULE, 0};
    pfz_pack_input in = {.files = &f,
                         .file_count = 1,
                         .modules = &m,
                         .module_count = 1,
                         .level = 1,
                         .frame_target = 1000};
    pfz_buffer out = {0};
    pf_error err;
    assert_int_equal(pfz_pack(&in, &out, &err), PF_OK);
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    pf_entry e = find(pf_payload_index(p), path);
    const uint8_t *got;
    size_t size;
    assert_int_equal(pf_payload_read(p, &e, &got, &size, &err), PF_OK);
    assert_int_equal(size, sizeof data);
    assert_memory_equal(got, data, size);
    pf_payload_close(p);
    pfz_buffer_free(&out);
}

static void test_bad_input(void **state)
{
    (void)state;
    sample s;
    pfz_buffer out = {0};
    pf_error err;

    sample_init(&s);
    s.files[3].path = s.files[2].path;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "lib/pkg/mod2.pyc"));
    sample_free(&s);

    sample_init(&s);
    s.modules[2].file = FILE_COUNT;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "pkg.mod2"));
    s.modules[2].file = 2;
    s.modules[FILE_COUNT].file = 0; /* namespace with a file */
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    s.modules[FILE_COUNT].file = SIZE_MAX;
    s.in.main_module = FILE_COUNT + 1;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    s.in.main_module = 0;
    s.in.frame_target = 0;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    s.in.frame_target = 1000;
    s.in.startup_files = 3;
    s.in.walk_files = 2; /* inside the start-up files */
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    s.in.walk_files = FILE_COUNT + 1;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    s.in.walk_files = 0;
    s.in.startup_files = 0;
    s.in.mtime = -1;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    s.in.mtime = 0;
    s.files[4].path = "no_slash.pyc";
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_ERR_USAGE);
    assert_int_equal(out.size, 0); /* nothing appended on failure */
    sample_free(&s);
}

/* stored_sample: files 6, 7, 9 and 11 made extension modules (70000,
 * 40000, 300000 and 131072 bytes); those of 64 KiB or more are stored. */
static void stored_sample(sample *s)
{
    sample_init(s);
    static const size_t natives[] = {6, 7, 9, 11};
    for (size_t k = 0; k < sizeof natives / sizeof *natives; k++) {
        size_t i = natives[k];
        snprintf(s->paths[i], sizeof s->paths[i], "lib/pkg/mod%zu.so", i);
        s->files[i].kind = PF_KIND_NATIVE;
        s->modules[i].kind = PF_KIND_EXTENSION;
        /* an ELF header (no tables) for `pyfreeze verify`'s check */
        Elf64_Ehdr h = {.e_type = ET_DYN,
                        .e_machine = EM_X86_64,
                        .e_version = EV_CURRENT,
                        .e_ehsize = sizeof h};
        memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = ELFCLASS64;
        h.e_ident[EI_DATA] = ELFDATA2LSB;
        h.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(s->data[i], &h, sizeof h);
    }
    s->in.stored_min_size = 64 * 1024;
}

/* check_stored: payload[0..size) holds s's files, the stored ones in the
 * stored frame (the last), page-aligned from the payload's start, zeros to
 * their pages' end, read back whole by pf_payload_read and pf_payload_copy. */
static void check_stored(const sample *s, const uint8_t *payload, size_t size)
{
    pf_payload *p = NULL;
    pf_error err;
    if (pf_payload_open(&p, payload, size, &err) != PF_OK) {
        fail_msg("pf_payload_open: %s", err.message);
    }
    const pf_seek_table *table = pf_payload_seek_table(p);
    uint32_t last = table->frame_count - 1;
    assert_true(pf_frame_is_stored(table, last));
    assert_int_equal(pf_payload_index(p)->walk_end, table->frame_count);
    for (size_t i = 0; i < FILE_COUNT; i++) {
        pf_entry f = find(pf_payload_index(p), s->paths[i]);
        int stored = s->files[i].kind == PF_KIND_NATIVE && s->files[i].size >= 64 * 1024;
        uint64_t at = 0;
        assert_int_equal(pf_payload_stored(p, &f, &at, &err), stored ? PF_OK : PF_ERR_NOT_FOUND);
        assert_int_equal(f.frame == last, stored);
        const uint8_t *data;
        size_t dataSize;
        assert_int_equal(pf_payload_read(p, &f, &data, &dataSize, &err), PF_OK);
        assert_int_equal(dataSize, s->files[i].size);
        if (dataSize > 0) {
            assert_memory_equal(data, s->files[i].data, dataSize);
        }
        if (stored) {
            assert_int_equal(at % PF_STORED_ALIGN, 0);
            assert_ptr_equal(data, payload + at);
            for (size_t k = dataSize; k % PF_STORED_ALIGN != 0; k++) {
                assert_int_equal(payload[at + k], 0);
            }
            struct {
                uint8_t bytes[300000];
                size_t size;
            } *copy = calloc(1, sizeof *copy);
            uint8_t *cursor = copy->bytes;
            assert_int_equal(pf_payload_copy(p, &f, copy_sink, &cursor, &err), PF_OK);
            assert_int_equal(cursor - copy->bytes, (ptrdiff_t)dataSize);
            assert_memory_equal(copy->bytes, s->files[i].data, dataSize);
            free(copy);
        }
    }
    pf_payload_close(p);
    pf_verify_result r;
    if (pf_verify_payload(payload, size, PF_VERIFY_FULL, &r) != PF_OK) {
        fail_msg("verify: %s (%s)", r.error.message, r.member);
    }
    assert_int_equal(r.member_count, FILE_COUNT);
}

static void test_stored_native(void **state)
{
    (void)state;
    sample s;
    stored_sample(&s);
    pf_error err;
    /* twice: from an empty buffer, and after 100 bytes of something else
     * (the alignment is the payload's own, not the buffer's) */
    for (size_t before = 0; before <= 100; before += 100) {
        pfz_buffer out = {0};
        for (size_t k = 0; k < before; k++) {
            assert_int_equal(pfz_buffer_append(&out, "x", 1, &err), PF_OK);
        }
        if (pfz_pack(&s.in, &out, &err) != PF_OK) {
            fail_msg("pfz_pack: %s", err.message);
        }
        check_stored(&s, out.data + before, out.size - before);
        pfz_buffer_free(&out);
    }
    /* the same input gives the same bytes; without a threshold nothing is
     * stored and no frame has decompressed size 0 */
    pfz_buffer a = {0}, b = {0};
    assert_int_equal(pfz_pack(&s.in, &a, &err), PF_OK);
    assert_int_equal(pfz_pack(&s.in, &b, &err), PF_OK);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size);
    pfz_buffer_free(&b);
    s.in.stored_min_size = 0;
    assert_int_equal(pfz_pack(&s.in, &b, &err), PF_OK);
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    for (uint32_t i = 0; i < pf_payload_seek_table(p)->frame_count; i++) {
        assert_false(pf_frame_is_stored(pf_payload_seek_table(p), i));
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
    pfz_buffer_free(&a);
    sample_free(&s);
}

/* Damage in the stored frame: its magic (the payload no longer opens),
 * a padding byte after a member, a member's ELF header (verify finds
 * both). */
static void test_stored_damage(void **state)
{
    (void)state;
    sample s;
    stored_sample(&s);
    pf_error err;
    pfz_buffer out = {0};
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_OK);
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    const pf_frame *f =
        &pf_payload_seek_table(p)->frames[pf_payload_seek_table(p)->frame_count - 1];
    uint64_t frameAt = f->compressed_offset;
    pf_entry e = find(pf_payload_index(p), "lib/pkg/mod6.so");
    uint64_t at = 0;
    assert_int_equal(pf_payload_stored(p, &e, &at, &err), PF_OK);
    pf_payload_close(p);

    pf_verify_result r;
    out.data[at + 70000 + 5] ^= 1; /* padding after mod6's 70000 bytes */
    assert_int_equal(pf_verify_payload(out.data, out.size, PF_VERIFY_FULL, &r), PF_ERR_CORRUPT);
    assert_int_equal(r.part, PF_VERIFY_MEMBER);
    assert_string_equal(r.member, "lib/pkg/mod6.so");
    out.data[at + 70000 + 5] ^= 1;
    assert_int_equal(pf_verify_payload(out.data, out.size, PF_VERIFY_FULL, &r), PF_OK);

    out.data[at + 1] ^= 1; /* mod6's ELF magic */
    assert_int_equal(pf_verify_payload(out.data, out.size, PF_VERIFY_FULL, &r), PF_ERR_CORRUPT);
    assert_int_equal(r.part, PF_VERIFY_MEMBER);
    assert_string_equal(r.member, "lib/pkg/mod6.so");
    out.data[at + 1] ^= 1;
    assert_int_equal(pf_verify_payload(out.data, out.size, PF_VERIFY_FULL, &r), PF_OK);

    out.data[frameAt] ^= 1; /* the stored frame's magic */
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_ERR_CORRUPT);
    assert_int_equal(pf_verify_payload(out.data, out.size, PF_VERIFY_FULL, &r), PF_ERR_CORRUPT);
    assert_int_equal(r.part, PF_VERIFY_SEEK_TABLE);
    pfz_buffer_free(&out);
    sample_free(&s);
}

/* pack_frames: packs s and fills frame[i] with file i's frame; returns the
 * frame count (the stored frame included). */
static uint32_t pack_frames(sample *s, uint32_t frame[FILE_COUNT])
{
    pfz_buffer out = {0};
    pf_error err;
    assert_int_equal(pfz_pack(&s->in, &out, &err), PF_OK);
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    for (size_t i = 0; i < FILE_COUNT; i++) {
        frame[i] = find(pf_payload_index(p), s->paths[i]).frame;
    }
    uint32_t count = pf_payload_seek_table(p)->frame_count;
    pf_payload_close(p);
    pfz_buffer_free(&out);
    return count;
}

/* Native code of own_frame_min bytes or more is alone in its frame (pack.h),
 * smaller native code and bytecode are not; stored native code is in the
 * stored frame, and leaves the tar's frames as without own_frame_min. */
static void test_own_frame(void **state)
{
    (void)state;
    sample s;
    uint32_t frame[FILE_COUNT], plain[FILE_COUNT];
    /* natives 6 (70000 bytes), 7 (40000), 9 (300000), 11 (131072) */
    static const uint32_t want[FILE_COUNT] = {1, 1, 1, 1, 1, 1, 2, 3, 3, 4, 5, 6};
    stored_sample(&s);
    s.in.stored_min_size = 0;
    s.in.own_frame_min = 64 * 1024;
    assert_int_equal(pack_frames(&s, frame), 7);
    for (size_t i = 0; i < FILE_COUNT; i++) {
        if (frame[i] != want[i]) {
            fail_msg("file %zu in frame %u, not %u", i, frame[i], want[i]);
        }
    }
    /* bytecode of the same sizes shares frames as before */
    sample_free(&s);
    sample_init(&s);
    s.in.own_frame_min = 64 * 1024;
    uint32_t count = pack_frames(&s, frame);
    s.in.own_frame_min = 0;
    assert_int_equal(pack_frames(&s, plain), count);
    assert_memory_equal(frame, plain, sizeof frame);
    /* stored: the same frames with and without own_frame_min */
    sample_free(&s);
    stored_sample(&s);
    s.in.own_frame_min = 64 * 1024;
    count = pack_frames(&s, frame);
    s.in.own_frame_min = 0;
    assert_int_equal(pack_frames(&s, plain), count);
    assert_memory_equal(frame, plain, sizeof frame);
    sample_free(&s);
}

/* code_heavy: file i of s (native, at least 4 KiB) made an object whose
 * r-x segment is its second half (frame_levels.h: pfz_native_is_code), its
 * bytes past the headers letters of skewed frequencies, which Huffman-coded
 * literals compress and raw ones do not. */
static void code_heavy(sample *s, size_t i)
{
    uint8_t *d = s->data[i];
    size_t size = s->files[i].size;
    uint32_t seed = 777;
    for (size_t j = 512; j < size; j++) {
        seed = seed * 1103515245u + 12345u;
        d[j] = (uint8_t) "aaaaaaaabbbbccde"[(seed >> 16) & 15];
    }
    Elf64_Ehdr h;
    memcpy(&h, d, sizeof h);
    h.e_phoff = sizeof h;
    h.e_phentsize = sizeof(Elf64_Phdr);
    h.e_phnum = 1;
    memcpy(d, &h, sizeof h);
    Elf64_Phdr ph = {.p_type = PT_LOAD,
                     .p_flags = PF_R | PF_X,
                     .p_offset = size / 2,
                     .p_filesz = size - size / 2};
    memcpy(d + sizeof h, &ph, sizeof ph);
}

/* pfz_pack compresses each frame while it writes the next ones: its
 * output is exactly pfz_frames_compress_levels' over the whole stream, with
 * native_level for the frames at least half native code and
 * native_code_level for those mostly of code-heavy objects
 * (frame_levels.h). */
static void test_pack_levels(void **state)
{
    (void)state;
    sample s;
    stored_sample(&s);
    s.in.stored_min_size = 0;
    s.in.own_frame_min = 64 * 1024; /* frames as test_own_frame's */
    s.in.native_level = 1;
    s.in.native_code_level = 1 | PFZ_LEVEL_RAW_LITERALS;
    code_heavy(&s, 9);
    pfz_buffer out = {0}, ref = {0}, flat = {0}, huff = {0};
    pf_error err;
    assert_int_equal(pfz_pack(&s.in, &out, &err), PF_OK);
    pf_seek_table table = {0};
    assert_int_equal(pf_seek_table_read(out.data, out.size, &table, &err), PF_OK);
    assert_int_equal(table.frame_count, 7);
    /* the stream back, frame by frame */
    size_t bounds[8] = {0};
    uint8_t *stream = malloc(1 << 21);
    assert_non_null(stream);
    for (uint32_t i = 0; i < table.frame_count; i++) {
        const pf_frame *f = &table.frames[i];
        assert_int_equal(f->decompressed_offset, bounds[i]);
        size_t n = ZSTD_decompress(stream + bounds[i], (1 << 21) - bounds[i],
                                   out.data + f->compressed_offset, f->compressed_size);
        assert_false(ZSTD_isError(n));
        assert_int_equal(n, f->decompressed_size);
        bounds[i + 1] = bounds[i] + n;
    }
    /* index, bytecode 0-5, native 6, native 7 + bytecode 8, native 9
     * (code-heavy), bytecode 10, native 11 */
    const int levels[7] = {3, 3, 1, 1, 1 | PFZ_LEVEL_RAW_LITERALS, 3, 1};
    assert_int_equal(
        pfz_frames_compress_levels(stream, bounds[7], bounds, 7, 3, levels, NULL, &ref, &err),
        PF_OK);
    assert_int_equal(ref.size, out.size);
    assert_memory_equal(ref.data, out.data, out.size);
    /* the levels matter: one level for all gives other bytes */
    assert_int_equal(pfz_frames_compress(stream, bounds[7], bounds, 7, 3, &flat, &err), PF_OK);
    assert_false(flat.size == out.size && memcmp(flat.data, out.data, out.size) == 0);
    /* raw literals cost the code-heavy frame bytes: Huffman-coded, smaller */
    s.in.native_code_level = 0;
    assert_int_equal(pfz_pack(&s.in, &huff, &err), PF_OK);
    assert_true(huff.size < out.size);
    pfz_buffer_free(&huff);
    free(stream);
    pf_seek_table_free(&table);
    pfz_buffer_free(&out);
    pfz_buffer_free(&ref);
    pfz_buffer_free(&flat);
    sample_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_and_walk_boundaries),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_stored_native),
        cmocka_unit_test(test_stored_damage),
        cmocka_unit_test(test_own_frame),
        cmocka_unit_test(test_pack_levels),
        cmocka_unit_test(test_frames_start_at_headers),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_long_path),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
