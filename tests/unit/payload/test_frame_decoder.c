/* test_frame_decoder.c - payload/frame_decoder.c: frames from the writer
 * checked and decompressed to their bytes, their compressed bytes released
 * once each; each header check failing on its own (frames made here with
 * chosen zstd flags, and one header forged); a damaged body or checksum
 * refused; the reads' sweeps; decoders made and shrunk; a frame checked
 * in a mapped file has all its pages mapped by the check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "frame_decoder.h"
#include "payload.h"
#include "pf_le.h"
#include "seek_table_writer.h"

#define SRC_SIZE 6000

/* source: bytes that compress, the same every call. */
static const uint8_t *source(void)
{
    static uint8_t src[SRC_SIZE];
    for (size_t i = 0; i < sizeof src; i++) {
        src[i] = (uint8_t)("frame decoder "[i % 14] + i / 700);
    }
    return src;
}

static const size_t bounds[] = {0, 1000, 4000, SRC_SIZE};

/* written: 3 frames of source() and their seek table. */
static void written(pfz_buffer *out)
{
    out->size = 0;
    assert_int_equal(pfz_frames_compress(source(), SRC_SIZE, bounds, 3, 3, out, NULL), PF_OK);
}

/* What the release function was told, in order. */
static struct {
    const uint8_t *data[16];
    size_t size[16];
    int count;
} released;

static void count_release(const uint8_t *data, size_t size)
{
    assert_true(released.count < 16);
    released.data[released.count] = data;
    released.size[released.count++] = size;
}

static void test_frames_decompress(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_frames frames;
    pf_error err;
    ZSTD_DCtx *dctx;
    written(&b);
    assert_int_equal(pf_frames_open(&frames, b.data, b.size, &err), PF_OK);
    assert_int_equal(frames.table.frame_count, 3);
    assert_int_equal(pf_decoder_new(&dctx, &err), PF_OK);
    frames.release = count_release;
    released.count = 0;
    for (uint32_t i = 0; i < 3; i++) {
        const pf_frame *f = &frames.table.frames[i];
        assert_int_equal(f->decompressed_size, bounds[i + 1] - bounds[i]);
        assert_int_equal(pf_frame_check(&frames, i, &err), PF_OK);
        uint8_t *dst = malloc(f->decompressed_size); /* exact: ASan sees an overrun */
        assert_non_null(dst);
        assert_int_equal(pf_frame_decompress(&frames, dctx, i, dst, &err), PF_OK);
        assert_memory_equal(dst, source() + bounds[i], f->decompressed_size);
        free(dst);
        assert_int_equal(released.count, i + 1); /* its compressed bytes, once */
        assert_ptr_equal(released.data[i], b.data + f->compressed_offset);
        assert_int_equal(released.size[i], f->compressed_size);
    }
    pf_frame_release(&frames, 1);
    assert_int_equal(released.count, 4);
    frames.release = NULL;
    pf_frame_release(&frames, 1); /* none installed: nothing */
    assert_int_equal(released.count, 4);
    ZSTD_freeDCtx(dctx);
    pf_frames_close(&frames);
    pf_frames_close(&frames); /* twice is harmless: the table is emptied */
    pfz_buffer_free(&b);
}

/* The seek table's errors come through; the frames close all the same. */
static void test_open_errors(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_frames frames;
    pf_error err;
    written(&b);
    assert_int_equal(pf_frames_open(&frames, b.data, 3, &err), PF_ERR_TRUNCATED);
    pf_frames_close(&frames);
    b.data[b.size - 1] ^= 0x40; /* footer magic */
    assert_int_equal(pf_frames_open(&frames, b.data, b.size, &err), PF_ERR_CORRUPT);
    assert_null(frames.table.frames);
    pf_frames_close(&frames);
    pfz_buffer_free(&b);
}

/* one_frame: frames over bytes[0..size) as one frame of decompressedSize. */
static void one_frame(pf_frames *frames, pf_frame *f, const uint8_t *bytes, size_t size,
                      uint32_t decompressedSize)
{
    *f = (pf_frame){.compressed_offset = 0,
                    .compressed_size = (uint32_t)size,
                    .decompressed_size = decompressedSize};
    *frames = (pf_frames){.src = bytes, .src_size = size, .table = {f, 1, size}};
}

/* compressed: source()[0..n) as one zstd frame with the given flags, in a
 * buffer of exactly its size (room more bytes after it, zero). */
static uint8_t *compressed(size_t n, int checksum, int contentSize, size_t room, size_t *size)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    assert_non_null(cctx);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, contentSize);
    size_t bound = ZSTD_compressBound(n);
    uint8_t *tmp = malloc(bound);
    assert_non_null(tmp);
    size_t r = ZSTD_compress2(cctx, tmp, bound, source(), n);
    assert_false(ZSTD_isError(r));
    ZSTD_freeCCtx(cctx);
    uint8_t *out = calloc(1, r + room);
    assert_non_null(out);
    memcpy(out, tmp, r);
    free(tmp);
    *size = r + room;
    return out;
}

/* expect_check: pf_frame_check's status and a piece of its message. */
static void expect_status(const pf_frames *frames, int status, const char *text)
{
    pf_error err;
    pf_error_clear(&err);
    assert_int_equal(pf_frame_check(frames, 0, &err), status);
    if (strstr(err.message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err.message, text);
    }
}

/* Each check of pf_frame_check on its own. */
static void test_check_errors(void **state)
{
    (void)state;
    pf_frames frames;
    pf_frame f;
    size_t size;

    uint8_t *good = compressed(3000, 1, 1, 0, &size);
    one_frame(&frames, &f, good, size, 3000);
    expect_status(&frames, PF_OK, "");
    f.decompressed_size = 2999;
    expect_status(&frames, PF_ERR_CORRUPT, "the seek table says 2999");
    f.decompressed_size = 3000;
    good[0] ^= 1;
    expect_status(&frames, PF_ERR_CORRUPT, "not a zstd frame");
    good[0] ^= 1;
    one_frame(&frames, &f, good, 4, 3000); /* shorter than a frame header can be */
    expect_status(&frames, PF_ERR_CORRUPT, "not a zstd frame");
    free(good);

    uint8_t *noSum = compressed(3000, 0, 1, 0, &size);
    one_frame(&frames, &f, noSum, size, 3000);
    expect_status(&frames, PF_ERR_CORRUPT, "no content checksum");
    free(noSum);

    uint8_t *noSize = compressed(3000, 1, 0, 0, &size);
    one_frame(&frames, &f, noSize, size, 3000);
    expect_status(&frames, PF_ERR_CORRUPT, "bad or no content size");
    free(noSize);

    uint8_t *padded = compressed(3000, 1, 1, 3, &size); /* 3 bytes past the frame */
    one_frame(&frames, &f, padded, size, 3000);
    expect_status(&frames, PF_ERR_CORRUPT, "does not fill");
    one_frame(&frames, &f, padded, size - 6, 3000); /* the table cuts the frame */
    expect_status(&frames, PF_ERR_CORRUPT, "does not fill");
    free(padded);

    /* A header claiming 512 MiB from 16 bytes: more than any zstd frame
     * expands (RFC 8878), refused before anything is allocated for it.
     * Magic, descriptor (8-byte content size, single segment, checksum),
     * content size, then bytes that are no block at all. */
    uint8_t forged[16] = {0x28, 0xB5, 0x2F, 0xFD, 0xE4};
    pf_le32_store(forged + 5, 1u << 29);
    one_frame(&frames, &f, forged, sizeof forged, 1u << 29);
    expect_status(&frames, PF_ERR_CORRUPT, "impossible for zstd");
}

/* A damaged body or checksum fails the decompression, which still
 * releases the frame's bytes. */
static void test_decompress_errors(void **state)
{
    (void)state;
    pf_frames frames;
    pf_frame f;
    size_t size;
    pf_error err;
    ZSTD_DCtx *dctx;
    assert_int_equal(pf_decoder_new(&dctx, &err), PF_OK);
    uint8_t *frame = compressed(3000, 1, 1, 0, &size);
    one_frame(&frames, &f, frame, size, 3000);
    frames.release = count_release;
    released.count = 0;
    uint8_t dst[3000];
    frame[size - 1] ^= 1;                                      /* the content checksum */
    assert_int_equal(pf_frame_check(&frames, 0, &err), PF_OK); /* the header is fine */
    assert_int_equal(pf_frame_decompress(&frames, dctx, 0, dst, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "does not decompress"));
    assert_int_equal(released.count, 1);
    frame[size - 1] ^= 1;
    assert_int_equal(pf_frame_decompress(&frames, dctx, 0, dst, &err), PF_OK);
    assert_memory_equal(dst, source(), sizeof dst);
    ZSTD_freeDCtx(dctx);
    free(frame);
}

/* A read's frame sweeps from the payload's start through its end once it
 * ends sweep_bytes past the last sweep; never backwards; never without a
 * release function. */
static void test_sweep(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_frames frames;
    written(&b);
    assert_int_equal(pf_frames_open(&frames, b.data, b.size, NULL), PF_OK);
    const pf_frame *f = frames.table.frames;
    size_t end0 = f[0].compressed_size, end1 = end0 + f[1].compressed_size;
    size_t end2 = end1 + f[2].compressed_size;

    assert_int_equal(pf_frames_sweep(&frames, 2), 0); /* no release function */
    frames.release = count_release;
    released.count = 0;
    assert_int_equal(pf_frames_sweep(&frames, 1), 1); /* sweep_bytes 0: every read */
    assert_int_equal(released.count, 1);
    assert_ptr_equal(released.data[0], b.data);
    assert_int_equal(released.size[0], end1);
    assert_int_equal(pf_frames_sweep(&frames, 0), 0); /* behind the last sweep */
    assert_int_equal(pf_frames_sweep(&frames, 1), 1); /* at it: 0 bytes past, 0 wanted */

    frames.sweep_bytes = end2 - end1 + 1;
    assert_int_equal(pf_frames_sweep(&frames, 2), 0); /* not far enough */
    frames.sweep_bytes = end2 - end1;
    assert_int_equal(pf_frames_sweep(&frames, 2), 1);
    assert_int_equal(released.size[released.count - 1], end2);
    assert_int_equal(frames.swept, end2);
    pf_frames_close(&frames);
    pfz_buffer_free(&b);
}

/* A decoder that streamed a big frame holds its window; shrinking replaces
 * it by a small one; a small one is kept. */
static void test_decoder_shrink(void **state)
{
    (void)state;
    enum { BIG = 3 << 20 };
    uint8_t *big = malloc(BIG);
    assert_non_null(big);
    uint32_t x = 1;
    for (size_t i = 0; i < BIG; i++) {
        x = x * 1103515245u + 12345u;
        big[i] = (uint8_t)(x >> 24); /* incompressible: the window is needed */
    }
    size_t bound = ZSTD_compressBound(BIG);
    uint8_t *frame = malloc(bound);
    assert_non_null(frame);
    size_t frameSize = ZSTD_compress(frame, bound, big, BIG, 1);
    assert_false(ZSTD_isError(frameSize));

    ZSTD_DCtx *dctx;
    assert_int_equal(pf_decoder_new(&dctx, NULL), PF_OK);
    ZSTD_DCtx *before = dctx;
    pf_decoder_shrink(&dctx);
    assert_ptr_equal(dctx, before); /* small: kept */

    uint8_t piece[4096];
    ZSTD_inBuffer in = {frame, frameSize, 0};
    size_t left;
    do {
        ZSTD_outBuffer out = {piece, sizeof piece, 0};
        left = ZSTD_decompressStream(dctx, &out, &in);
        assert_false(ZSTD_isError(left));
    } while (left != 0);
    assert_true(ZSTD_sizeof_DCtx(dctx) > PF_DECODER_KEEP);
    pf_decoder_shrink(&dctx);
    assert_ptr_not_equal(dctx, before);
    assert_true(ZSTD_sizeof_DCtx(dctx) <= PF_DECODER_KEEP);
    ZSTD_freeDCtx(dctx);
    free(frame);
    free(big);
}

/* ASan's shadow memory faults in on the first check of any new address
 * range, so under it this thread's faults are not the frame's. */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#ifndef ASAN
#define ASAN 0
#endif

/* fault_counter: a counter of the page faults this thread takes one by
 * one (perf_event_open(2)'s PERF_COUNT_SW_PAGE_FAULTS: pages a madvise
 * populates are not in it), disabled; -1 if perf events are not allowed. */
static int fault_counter(void)
{
    struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE,
                                   .size = sizeof attr,
                                   .config = PERF_COUNT_SW_PAGE_FAULTS,
                                   .disabled = 1,
                                   .exclude_kernel = 0};
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

/* A frame's pages in a payload mapped from a file: the check maps them all
 * at once (MADV_POPULATE_READ, Linux 5.14) instead of faulting on them as
 * it reads its block headers (ZSTD_findFrameCompressedSize), so it takes
 * no page fault; the frame still checks and decompresses to its bytes. */
static void test_check_maps_frame(void **state)
{
    (void)state;
    enum { PART = 256 * 1024 };
    static uint8_t data[3 * PART];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 24); /* incompressible: frames as big as their bytes */
    }
    const size_t parts[] = {0, PART, 2 * PART, 3 * PART};
    pfz_buffer b = {0};
    assert_int_equal(pfz_frames_compress(data, sizeof data, parts, 3, 3, &b, NULL), PF_OK);
    char path[] = "/tmp/test_frame_decoder.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, b.data, b.size), (ssize_t)b.size);
    uint8_t *map = mmap(NULL, b.size, PROT_READ, MAP_PRIVATE, fd, 0);
    assert_true(map != MAP_FAILED);
    close(fd);

    void *probe = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(probe != MAP_FAILED);
    int supported = madvise(probe, 4096, 22 /* MADV_POPULATE_READ */) == 0;
    munmap(probe, 4096);

    pf_frames frames;
    assert_int_equal(pf_frames_open(&frames, map, b.size, NULL), PF_OK);
    assert_int_equal(pf_frame_check(&frames, 0, NULL), PF_OK); /* the code's pages, in */
    int counter = fault_counter();
    if (counter < 0 || !supported || ASAN) {
        pf_frames_close(&frames);
        munmap(map, b.size);
        pfz_buffer_free(&b);
        if (counter >= 0) {
            close(counter);
        }
        skip(); /* perf events not allowed, a kernel before 5.14, or ASan */
    }
    ioctl(counter, PERF_EVENT_IOC_RESET, 0);
    ioctl(counter, PERF_EVENT_IOC_ENABLE, 0);
    assert_int_equal(pf_frame_check(&frames, 1, NULL), PF_OK);
    ioctl(counter, PERF_EVENT_IOC_DISABLE, 0);
    uint64_t faults = UINT64_MAX;
    assert_int_equal(read(counter, &faults, sizeof faults), (ssize_t)sizeof faults);
    /* the same reads' faults without the check's madvise: frame 2's pages
     * read one per 64 KiB, as the block headers are; none means this
     * kernel maps the whole file at a fault anyway and cannot tell */
    const pf_frame *f2 = &frames.table.frames[2];
    volatile uint8_t sink = 0;
    uint64_t plain = UINT64_MAX;
    ioctl(counter, PERF_EVENT_IOC_RESET, 0);
    ioctl(counter, PERF_EVENT_IOC_ENABLE, 0);
    for (size_t at = 0; at < f2->compressed_size; at += 65536) {
        sink ^= map[f2->compressed_offset + at];
    }
    ioctl(counter, PERF_EVENT_IOC_DISABLE, 0);
    assert_int_equal(read(counter, &plain, sizeof plain), (ssize_t)sizeof plain);
    close(counter);
    (void)sink;
    pf_frames_close(&frames);
    munmap(map, b.size);
    pfz_buffer_free(&b);
    if (plain == 0) {
        skip();
    }
    assert_int_equal(faults, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_decompress),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_check_errors),
        cmocka_unit_test(test_decompress_errors),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_decoder_shrink),
        cmocka_unit_test(test_check_maps_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
