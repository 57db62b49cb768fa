/* test_payload_prefetch.c - the payload reader with its prefetch thread
 * (payload_reader.h, "prefetch"): every member read with prefetch on, in
 * order, backwards and shuffled, under several windows and budgets, gives
 * exactly what it gives with prefetch off; native code comes out of the
 * thread's descriptors; bundled libraries named by DT_NEEDED are done before
 * they are asked for; the window holds; forks at many points leave a child
 * that reads everything right; damage is reported as without prefetch; the
 * thread blocks signals, ends when idle, freeing what the reads did not
 * take, stops on request, and keeps off the CPU the reads run on. Run under ASan and UBSan (and,
 * optionally, TSan: see tests/unit/runtime/CMakeLists). */
#include <dlfcn.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "payload_builder.h"
#include "payload_reader.h"

/* Under ThreadSanitizer (see CMakeLists.txt): a fork child, which never
 * joins the parent's prefetch thread (it does not exist there), would end
 * with a "thread leak" report and TSan's exit status. */
__attribute__((used)) const char *__tsan_default_options(void);
__attribute__((used)) const char *__tsan_default_options(void)
{
    return "report_thread_leaks=0";
}

/* ---- a payload of many frames: one member per frame ---- */

enum { FILES = 40, BIG = 25 }; /* BIG: a 3 MB native member */

static tb_file files[FILES];
static uint8_t *file_data[FILES];
static char file_paths[FILES][64];

/* fill: text-like bytes (they compress and take time to decompress) with
 * some noise, all different from one file to the next. */
static void fill(uint8_t *p, size_t size, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1u;
    for (size_t k = 0; k < size; k++) {
        x = x * 1103515245u + 12345u;
        p[k] =
            (x >> 28) == 0 ? (uint8_t)(x >> 16) : (uint8_t)("pyfreeze prefetch\n"[k % 18] + seed);
    }
}

/* sample: FILES members, one per frame: lib/app.pyc (frame 1), bytecode,
 * data and sources, extension modules every 7th, a big extension (BIG),
 * and two bundled libraries last; sizes from 0 to 3 MB. */
static void sample(void)
{
    for (size_t i = 0; i < FILES; i++) {
        size_t size = i == BIG ? 3u << 20 : (i * 7919u) % 150000u + (i % 5 == 3 ? 0 : 100);
        if (i == 4) {
            size = 0;
        }
        uint32_t kind = i % 7 == 5 || i == BIG ? PF_KIND_NATIVE
                        : i % 9 == 8           ? PF_KIND_DATA
                        : i % 11 == 10         ? PF_KIND_SOURCE
                                               : PF_KIND_BYTECODE;
        if (i == 0) {
            snprintf(file_paths[i], sizeof file_paths[i], "lib/app.pyc");
        } else if (i >= FILES - 2) {
            kind = PF_KIND_LIBRARY;
            snprintf(file_paths[i], sizeof file_paths[i], "libs/libdep%zu.so.1", i);
        } else {
            snprintf(file_paths[i], sizeof file_paths[i], "lib/m%zu.%s", i,
                     kind == PF_KIND_NATIVE ? "so" : "pyc");
        }
        free(file_data[i]);
        file_data[i] = malloc(size + 1);
        assert_non_null(file_data[i]);
        fill(file_data[i], size, (uint32_t)i);
        files[i] = (tb_file){file_paths[i], kind, file_data[i], size};
    }
}

/* build_grouped: a payload of the count files f, perFrame to a frame. */
static void build_grouped(const tb_file *f, size_t count, size_t perFrame, pfz_buffer *out)
{
    static const tb_module modules[] = {{"app", PF_KIND_MODULE, 0}};
    tb_options opt = {.files_per_frame = perFrame, .pax_index = 0, .level = 3};
    out->size = 0;
    assert_int_equal(tb_build_payload(f, count, modules, 1, &opt, out), 0);
}

static void build(const tb_file *f, size_t count, pfz_buffer *out)
{
    build_grouped(f, count, 1, out);
}

#define TEST_MEMFD_NAME "pf-test-native"

/* open_memfd: the tests' pf_payload_native_open; *context counts calls and,
 * when negative, makes them fail. */
static int open_memfd(void *context, const pf_entry *file)
{
    int *calls = context;
    (void)file;
    if (calls != NULL && *calls < 0) {
        errno = EMFILE;
        return -1;
    }
    if (calls != NULL) {
        __atomic_add_fetch(calls, 1, __ATOMIC_RELAXED);
    }
    return memfd_create(TEST_MEMFD_NAME, MFD_CLOEXEC);
}

/* open_test_memfds: how many descriptors of this process are memfds made
 * by open_memfd. */
static int open_test_memfds(void)
{
    int count = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        return -1;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        char path[320], target[256];
        snprintf(path, sizeof path, "/proc/self/fd/%.255s", de->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            count += strncmp(target, "/memfd:" TEST_MEMFD_NAME, 7 + strlen(TEST_MEMFD_NAME)) == 0;
        }
    }
    closedir(d);
    return count;
}

/* ---- reading as the runtime reads ---- */

/* fd_bytes: the whole content of fd (read with pread), or NULL. */
static uint8_t *fd_bytes(int fd, size_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return NULL;
    }
    uint8_t *p = malloc((size_t)st.st_size + 1);
    size_t at = 0;
    while (p != NULL && at < (size_t)st.st_size) {
        ssize_t n = pread(fd, p + at, (size_t)st.st_size - at, (off_t)at);
        if (n <= 0) {
            free(p);
            return NULL;
        }
        at += (size_t)n;
    }
    *size = at;
    return p;
}

/* fetch: member `path` as the runtime reads it: native code from the
 * thread's descriptor when it has one (*fromFd then 1), else by
 * pf_payload_copy; anything else by pf_payload_read. Returns the status;
 * on PF_OK *out (malloc'd) and *size. No cmocka asserts: children use it. */
static int fetch(pf_payload *p, const char *path, uint8_t **out, size_t *size, int *fromFd)
{
    pf_entry e;
    pf_error err;
    *out = NULL;
    *size = 0;
    if (!pf_index_find(pf_payload_index(p), path, strlen(path), &e)) {
        return PF_ERR_NOT_FOUND;
    }
    if (e.kind == PF_KIND_NATIVE || e.kind == PF_KIND_LIBRARY) {
        int fd = -1;
        int status = pf_payload_take_native(p, &e, &fd, &err);
        if (status == PF_OK) {
            *out = fd_bytes(fd, size);
            close(fd);
            if (fromFd != NULL) {
                *fromFd += 1;
            }
            return *out != NULL ? PF_OK : PF_ERR_IO;
        }
        if (status != PF_ERR_NOT_FOUND) {
            return status;
        }
        tb_collected c = {NULL, 0};
        status = pf_payload_copy(p, &e, tb_collect, &c, &err);
        *out = c.data;
        *size = c.size;
        return status;
    }
    const uint8_t *data;
    size_t dataSize;
    int status = pf_payload_read(p, &e, &data, &dataSize, &err);
    if (status != PF_OK) {
        return status;
    }
    *out = malloc(dataSize + 1);
    if (*out == NULL) {
        return PF_ERR_NOMEM;
    }
    memcpy(*out, data, dataSize);
    *size = dataSize;
    return PF_OK;
}

/* check_one: member i read from p equals the file it was made from.
 * Returns 0 or 1. */
static int check_one(pf_payload *p, size_t i, int *fromFd)
{
    uint8_t *data;
    size_t size;
    int status = fetch(p, files[i].path, &data, &size, fromFd);
    int bad = status != PF_OK || size != files[i].size ||
              (size > 0 && memcmp(data, files[i].data, size) != 0);
    if (bad) {
        fprintf(stderr, "member %zu (%s): status %d, %zu bytes, want %zu\n", i, files[i].path,
                status, size, files[i].size);
    }
    free(data);
    return bad;
}

/* check_order: reads the members in the given order; returns the number
 * of wrong ones. */
static int check_order(pf_payload *p, const size_t *order, size_t count, int *fromFd)
{
    int bad = 0;
    for (size_t k = 0; k < count; k++) {
        bad += check_one(p, order[k], fromFd);
    }
    return bad;
}

enum { IN_ORDER, BACKWARDS, SHUFFLED };

static void make_order(size_t *order, int how, uint32_t seed)
{
    for (size_t k = 0; k < FILES; k++) {
        order[k] = how == BACKWARDS ? FILES - 1 - k : k;
    }
    if (how == SHUFFLED) {
        uint32_t x = seed;
        for (size_t k = FILES - 1; k > 0; k--) {
            x = x * 1103515245u + 12345u;
            size_t j = (x >> 8) % (k + 1);
            size_t t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
    }
}

/* wait_for: polls stats until done(stats) or 10 s pass. Returns 1 if done. */
static int wait_for(pf_payload *p, int (*done)(const pf_prefetch_stats *, void *), void *context)
{
    for (int k = 0; k < 2000; k++) {
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        if (done(&st, context)) {
            return 1;
        }
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    return 0;
}

static int frames_at_least(const pf_prefetch_stats *st, void *context)
{
    return st->frames_done >= *(uint32_t *)context;
}

static int ended(const pf_prefetch_stats *st, void *context)
{
    (void)context;
    return !st->running;
}

/* ---- the tests ---- */

/* Every member, every order, several windows and budgets: same bytes as
 * with prefetch off, and native code taken from the thread's descriptors. */
static void test_reads_match_without_prefetch(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    sample();
    build(files, FILES, &b);
    /* idle_ms: long, so that the thread's work waits for the reads however
     * slowly they come (a loaded machine) */
    static const pf_prefetch_options windows[] = {
        {.ahead_frames = 1, .behind_frames = 1, .idle_ms = 60000},
        {.first_frame = 1, .ahead_frames = 4, .idle_ms = 60000},
        {.ahead_frames = 64, .behind_frames = 64, .idle_ms = 60000},
        {.ahead_frames = 3, .max_buffered = 160000, .idle_ms = 60000}, /* about one buffer */
    };
    pf_payload *off;
    pf_error err;
    assert_int_equal(pf_payload_open(&off, b.data, b.size, &err), PF_OK);
    for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
        for (int how = IN_ORDER; how <= SHUFFLED; how++) {
            size_t order[FILES];
            make_order(order, how, (uint32_t)(w * 3 + (size_t)how));
            pf_payload *on;
            int calls = 0, fromFd = 0;
            pf_prefetch_options options = windows[w];
            options.open_native = open_memfd;
            options.native_context = &calls;
            assert_int_equal(pf_payload_open(&on, b.data, b.size, &err), PF_OK);
            assert_int_equal(pf_payload_prefetch_start(on, &options, &err), PF_OK);
            assert_int_equal(pf_payload_prefetch_start(on, &options, &err), PF_ERR_USAGE);
            uint32_t one = 1;
            if (how == IN_ORDER) {
                /* the first read past the start-up frame starts the thread;
                 * let it get ahead, so the reads find its work */
                assert_int_equal(check_order(on, order, 2, &fromFd), 0);
                assert_true(wait_for(on, frames_at_least, &one));
            }
            assert_int_equal(check_order(on, order, FILES, &fromFd), 0);
            assert_int_equal(check_order(off, order, FILES, NULL), 0);
            /* and again: frames left the cache, buffers were taken */
            assert_int_equal(check_order(on, order, FILES, &fromFd), 0);
            pf_prefetch_stats st;
            pf_payload_prefetch_stats(on, &st);
            assert_true(st.frames_done + st.frames_by_reader > 0);
            assert_true(st.natives_taken <= st.natives_done);
            assert_int_equal(st.natives_taken, (uint32_t)fromFd);
            if (how == IN_ORDER) {
                assert_true(st.buffers_taken + st.natives_taken >= 1);
            }
            pf_payload_close(on);
        }
    }
    pf_payload_close(off);
    pfz_buffer_free(&b);
}

/* A stopped prefetch, and one whose descriptors cannot be made: reads go
 * on unchanged. */
static void test_stop_and_no_descriptors(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    size_t order[FILES];
    make_order(order, IN_ORDER, 0);

    pf_payload *p;
    int calls = -1; /* open_memfd fails */
    pf_prefetch_options options = {.open_native = open_memfd, .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    int fromFd = 0;
    assert_int_equal(check_order(p, order, FILES, &fromFd), 0);
    assert_int_equal(fromFd, 0);
    pf_payload_close(p);

    calls = 0;
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_order(p, order, FILES / 2, NULL), 0);
    pf_payload_prefetch_stop(p);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 0);
    assert_int_equal(st.frames_done, 0); /* zeros: no prefetch any more */
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_prefetch_stop(p); /* twice is fine */
    /* and it can start again */
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

static int natives_at_least(const pf_prefetch_stats *st, void *context)
{
    return st->natives_done >= *(uint32_t *)context;
}

/* library_path: the file the test's own libzstd was loaded from. */
static const char *library_path(void)
{
    Dl_info info;
    if (dladdr((void *)ZSTD_versionNumber, &info) == 0 || info.dli_fname == NULL) {
        return NULL;
    }
    return info.dli_fname;
}

/* read_file: a whole file, malloc'd. */
static uint8_t *read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    uint8_t *p = fd_bytes(fd, size);
    close(fd);
    return p;
}

/* An extension module's bundled libraries (its DT_NEEDED, and theirs) are
 * done right after it, before anything asks, although they sit at the
 * payload's end; frames past the window are not. The "extension" is this
 * test program (it needs libzstd.so.1 and libc.so.6), libzstd.so.1 is the
 * real one (it needs libc.so.6), libc.so.6 is any bytes. */
static void test_bundled_libraries_pulled(void **state)
{
    (void)state;
    const char *zstdPath = library_path();
    size_t exeSize = 0, zstdSize = 0;
    uint8_t *exe = read_file("/proc/self/exe", &exeSize);
    uint8_t *zstd = zstdPath != NULL ? read_file(zstdPath, &zstdSize) : NULL;
    if (exe == NULL || zstd == NULL || strstr(zstdPath, "libzstd.so.1") == NULL) {
        free(exe);
        free(zstd);
        skip();
    }
    sample();
    /* frames 1..16 hold f[0..15]: code and data, the extension in frame 7,
     * more code, then the libraries */
    static char paths[16][32];
    tb_file f[16];
    for (size_t i = 0; i < 13; i++) {
        snprintf(paths[i], sizeof paths[i], i == 0 ? "lib/app.pyc" : "lib/p%zu.pyc", i);
        f[i] = (tb_file){paths[i], PF_KIND_BYTECODE, files[i].data, files[i].size};
    }
    f[6] = (tb_file){"lib/ext.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, exe, exeSize};
    f[13] = (tb_file){"libs/libzstd.so.1", PF_KIND_LIBRARY, zstd, zstdSize};
    f[14] = (tb_file){"libs/libc.so.6", PF_KIND_LIBRARY, files[BIG].data, files[BIG].size};
    f[15] = (tb_file){"libs/libunused.so.1", PF_KIND_LIBRARY, files[3].data, files[3].size};
    pfz_buffer b = {0};
    build(f, 16, &b);
    pf_payload *p;
    pf_error err;
    int calls = 0;
    pf_prefetch_options options = {.ahead_frames = 1,
                                   .behind_frames = 64,
                                   .idle_ms = 60000, /* its work waits for the reads */
                                   .open_native = open_memfd,
                                   .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    /* frames 1..6 read: the window (1 ahead) lets the thread do frame 7,
     * the extension, and then the frames of the libraries it needs
     * (libzstd, and libc for both), not libunused nor frames 8.. */
    pf_entry e;
    const uint8_t *data;
    size_t size;
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(pf_index_find(pf_payload_index(p), f[i].path, strlen(f[i].path), &e), 1);
        assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK);
    }
    uint32_t want = 3; /* ext, libzstd, libc */
    assert_true(wait_for(p, natives_at_least, &want));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_done, 3); /* not libunused */
    /* at most frames 2..6 (if the thread was ahead of the reads), 7, 14
     * and 15 */
    assert_true(st.frames_done <= 8);
    int fromFd = 0;
    uint8_t *got;
    assert_int_equal(fetch(p, "libs/libzstd.so.1", &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 1);
    assert_int_equal(size, zstdSize);
    assert_memory_equal(got, zstd, size);
    free(got);
    assert_int_equal(fetch(p, "libs/libc.so.6", &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 2);
    assert_int_equal(size, files[BIG].size);
    assert_memory_equal(got, files[BIG].data, size);
    free(got);
    assert_int_equal(fetch(p, "lib/ext.cpython-311-x86_64-linux-gnu.so", &got, &size, &fromFd),
                     PF_OK);
    assert_int_equal(fromFd, 3);
    assert_int_equal(size, exeSize);
    assert_memory_equal(got, exe, size);
    free(got);
    /* a second take finds nothing: the loader copies it itself */
    assert_int_equal(pf_index_find(pf_payload_index(p), "libs/libc.so.6", 14, &e), 1);
    int fd;
    assert_int_equal(pf_payload_take_native(p, &e, &fd, &err), PF_ERR_NOT_FOUND);
    assert_int_equal(pf_index_find(pf_payload_index(p), "lib/p1.pyc", 10, &e), 1);
    assert_int_equal(pf_payload_take_native(p, &e, &fd, &err), PF_ERR_USAGE);
    /* the rest reads right */
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        assert_int_equal(size, f[i].size);
        if (size > 0) {
            assert_memory_equal(got, f[i].data, size);
        }
        free(got);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
    free(exe);
    free(zstd);
}

/* A bundled library pulled for an extension module stays placed however
 * long the reads take to ask for it: objects of frames far apart can need
 * one library frame (the stdlib-heavy benchmark program's _bz2, _lzma and
 * _sqlite3 pull one frame of libbz2, liblzma and libsqlite3; lzma and
 * sqlite3 are imported long after bz2), and an unmapped memfd costs no
 * resident memory. Before, the libraries aged with the extension's frame
 * and were dropped once the reads had consumed behind_frames frames, and
 * the loader placed them again itself. */
static void test_pulled_library_kept(void **state)
{
    (void)state;
    const char *zstdPath = library_path();
    size_t exeSize = 0, zstdSize = 0;
    uint8_t *exe = read_file("/proc/self/exe", &exeSize);
    uint8_t *zstd = zstdPath != NULL ? read_file(zstdPath, &zstdSize) : NULL;
    if (exe == NULL || zstd == NULL || strstr(zstdPath, "libzstd.so.1") == NULL) {
        free(exe);
        free(zstd);
        skip();
    }
    sample();
    /* frames 1..15 hold f[0..14]: the extension in frame 4, code, then
     * the libraries it needs */
    enum { COUNT = 15 };
    static char paths[COUNT][32];
    tb_file f[COUNT];
    for (size_t i = 0; i < COUNT - 2; i++) {
        snprintf(paths[i], sizeof paths[i], i == 0 ? "lib/app.pyc" : "lib/p%zu.pyc", i);
        f[i] = (tb_file){paths[i], PF_KIND_BYTECODE, files[i].data, files[i].size};
    }
    f[3] = (tb_file){"lib/ext.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, exe, exeSize};
    f[13] = (tb_file){"libs/libzstd.so.1", PF_KIND_LIBRARY, zstd, zstdSize};
    f[14] = (tb_file){"libs/libc.so.6", PF_KIND_LIBRARY, files[BIG].data, files[BIG].size};
    pfz_buffer b = {0};
    build(f, COUNT, &b);
    pf_payload *p;
    pf_error err;
    int calls = 0;
    pf_prefetch_options options = {.ahead_frames = 1,
                                   .behind_frames = 2,
                                   .idle_ms = 60000,
                                   .open_native = open_memfd,
                                   .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    uint8_t *got;
    size_t size;
    int fromFd = 0;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        free(got);
    }
    uint32_t want = 3; /* ext, libzstd, libc */
    assert_true(wait_for(p, natives_at_least, &want));
    assert_int_equal(fetch(p, f[3].path, &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 1);
    free(got);
    /* the reads go on far past behind_frames before asking for the
     * libraries */
    for (size_t i = 4; i < COUNT - 2; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        free(got);
    }
    for (size_t i = COUNT - 2; i < COUNT; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, &fromFd), PF_OK);
        assert_int_equal(size, f[i].size);
        assert_memory_equal(got, f[i].data, size);
        free(got);
    }
    assert_int_equal(fromFd, 3);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_taken, 3);
    pf_payload_close(p);
    pfz_buffer_free(&b);
    free(exe);
    free(zstd);
}

/* An extension module sharing its frame with other members, past the walk
 * (held back by ahead_frames = 1): the thread places its native code early
 * and leaves the frame's other members for later; everything reads right.
 * The sample (tb_sample) packs 2 files per frame: frame 3 holds
 * lib/json/scanner.py and lib/_json...so. */
static void test_early_native_code(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    const tb_file *sf;
    const tb_module *sm;
    size_t sfCount, smCount;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    tb_sample(&sf, &sfCount, &sm, &smCount);
    pf_payload *p;
    int calls = 0;
    pf_prefetch_options options = {.first_frame = 1,
                                   .ahead_frames = 1,
                                   .idle_ms = 60000, /* its work waits for the reads */
                                   .open_native = open_memfd,
                                   .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    pf_entry e;
    const uint8_t *data;
    size_t size;
    assert_int_equal(pf_index_find(pf_payload_index(p), sf[0].path, strlen(sf[0].path), &e), 1);
    assert_int_equal(e.frame, 1);
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK); /* starts it */
    uint32_t one = 1;
    assert_true(wait_for(p, natives_at_least, &one));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_done, 1);
    /* the native code first, then the source in the same frame */
    for (size_t k = 5; k >= 4; k--) {
        uint8_t *got;
        int fromFd = 0;
        assert_int_equal(fetch(p, sf[k].path, &got, &size, &fromFd), PF_OK);
        assert_int_equal(fromFd, k == 5);
        assert_int_equal(size, sf[k].size);
        assert_memory_equal(got, sf[k].data, size);
        free(got);
    }
    for (size_t k = 0; k < sfCount; k++) {
        uint8_t *got;
        assert_int_equal(fetch(p, sf[k].path, &got, &size, NULL), PF_OK);
        assert_int_equal(size, sf[k].size);
        if (size > 0) {
            assert_memory_equal(got, sf[k].data, size);
        }
        free(got);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* ---- holding the thread in the middle of a frame ---- */

/* hold_release: a pf_payload_release that, once armed, stops the prefetch
 * thread when it releases the compressed bytes at hold.at (it does so
 * after decompressing a buffered frame, before writing its native code)
 * until the test lets it go. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t reads;   /* the test's thread, never held */
    const uint8_t *at; /* armed: the frame's compressed bytes; else NULL */
    int holding;       /* the thread is held */
    int go;            /* let it go */
} hold = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static void hold_release(const uint8_t *data, size_t size)
{
    (void)size;
    pthread_mutex_lock(&hold.lock);
    if (data == hold.at && !pthread_equal(pthread_self(), hold.reads)) {
        hold.at = NULL;
        hold.holding = 1;
        pthread_cond_broadcast(&hold.changed);
        while (!hold.go) {
            pthread_cond_wait(&hold.changed, &hold.lock);
        }
        hold.holding = 0;
    }
    pthread_mutex_unlock(&hold.lock);
}

/* open_failing_once: the tests' memfds, but for the first call for
 * "lib/ext.so" a descriptor that refuses writes (read-only /dev/null), as
 * a memfd refuses them when memory runs out. */
static int open_failing_once(void *context, const pf_entry *file)
{
    int *extCalls = context;
    if (file->name_size == 10 && memcmp(file->name, "lib/ext.so", 10) == 0 && (*extCalls)++ == 0) {
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    return memfd_create(TEST_MEMFD_NAME, MFD_CLOEXEC);
}

/* A frame the thread is working on is not the reads' to drop, even when
 * its time is up: here frame 5 (an extension module, a bundled library, a
 * module) has its native code placed early, but the extension's write
 * fails; frame 4's libzstd then pulls frame 5's library, so frame 5 ages
 * with frame 4, and the thread does frame 5 again, opening a new descriptor
 * for the extension. While it decompresses, the reads consume two more
 * frames (behind_frames 1): frame 4 is dropped, but frame 5's descriptors,
 * one of which the thread is about to fill, must stay (before: closed under
 * the thread, which then wrote to a closed, possibly reused, descriptor). */
static void test_working_frame_not_dropped(void **state)
{
    (void)state;
    const char *zstdPath = library_path();
    size_t zstdSize = 0;
    uint8_t *zstd = zstdPath != NULL ? read_file(zstdPath, &zstdSize) : NULL;
    if (zstd == NULL || strstr(zstdPath, "libzstd.so.1") == NULL) {
        free(zstd);
        skip();
    }
    sample();
    /* 3 members a frame: frame 1 holds f[0..2], frame k f[3k-3 .. 3k-1] */
    enum { COUNT = 24 };
    static char paths[COUNT][32];
    tb_file f[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        snprintf(paths[i], sizeof paths[i], i == 0 ? "lib/app.pyc" : "lib/p%zu.pyc", i);
        f[i] = (tb_file){paths[i], PF_KIND_BYTECODE, files[i].data, files[i].size};
    }
    f[9] = (tb_file){"libs/libzstd.so.1", PF_KIND_LIBRARY, zstd, zstdSize};
    f[12] = (tb_file){"lib/ext.so", PF_KIND_NATIVE, files[12].data, files[12].size};
    f[13] = (tb_file){"libs/libc.so.6", PF_KIND_LIBRARY, files[13].data, files[13].size};
    pfz_buffer b = {0};
    build_grouped(f, COUNT, 3, &b);
    pf_payload *p;
    pf_error err;
    int extCalls = 0;
    pf_prefetch_options options = {.ahead_frames = 1,
                                   .behind_frames = 1,
                                   .idle_ms = 60000,
                                   .open_native = open_failing_once,
                                   .native_context = &extCalls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    pf_payload_set_release(p, hold_release, 0);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    hold.reads = pthread_self();
    hold.go = 0;
    uint8_t *got;
    size_t size;
    /* frame 1, then frame 2: starts the thread, which does frame 3 and
     * places frame 5's native code early (the library only) */
    assert_int_equal(fetch(p, f[0].path, &got, &size, NULL), PF_OK);
    free(got);
    assert_int_equal(fetch(p, f[3].path, &got, &size, NULL), PF_OK);
    free(got);
    uint32_t want = 1;
    assert_true(wait_for(p, natives_at_least, &want));
    /* taking frame 3 lets the thread do frame 4 (libzstd, which pulls
     * frame 5), then frame 5 again: hold it there */
    pthread_mutex_lock(&hold.lock);
    hold.at = b.data + pf_payload_seek_table(p)->frames[5].compressed_offset;
    pthread_mutex_unlock(&hold.lock);
    assert_int_equal(fetch(p, f[6].path, &got, &size, NULL), PF_OK);
    free(got);
    pthread_mutex_lock(&hold.lock);
    for (int k = 0; k < 1000 && !hold.holding; k++) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 10 * 1000 * 1000;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&hold.changed, &hold.lock, &t);
    }
    int held = hold.holding;
    pthread_mutex_unlock(&hold.lock);
    assert_true(held);
    /* two frames the reads decompress themselves: frames 4 and 5 are due */
    for (size_t i = 15; i <= 18; i += 3) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        free(got);
    }
    pthread_mutex_lock(&hold.lock);
    hold.go = 1;
    pthread_cond_broadcast(&hold.changed);
    pthread_mutex_unlock(&hold.lock);
    want = 4; /* frame 3, frame 5 early, frame 4, frame 5 */
    assert_true(wait_for(p, frames_at_least, &want));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_done, 3); /* libc early, libzstd, the extension */
    int fromFd = 0;
    assert_int_equal(fetch(p, "lib/ext.so", &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 1);
    assert_int_equal(size, f[12].size);
    assert_memory_equal(got, f[12].data, size);
    free(got);
    for (size_t i = 0; i < COUNT; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        assert_int_equal(size, f[i].size);
        if (size > 0) {
            assert_memory_equal(got, f[i].data, size);
        }
        free(got);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
    free(zstd);
}

/* fork_and_check: forks; the child reads every member (order `how`) from
 * p and exits 0 when all are right; the parent reads them all too, then
 * checks the child's status. */
static void fork_and_check(pf_payload *p, int how, uint32_t seed)
{
    size_t order[FILES];
    make_order(order, how, seed);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int bad = check_order(p, order, FILES, NULL);
        /* the thread does not exist here: it is not running, and nothing
         * was left WORKING */
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        bad += st.running != 0;
        pf_payload_close(p);
        _exit(bad == 0 ? 0 : 1);
    }
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Forks at every few members read, and while the thread streams a big
 * native member: the child reads everything right, and so does the parent,
 * whose thread goes on. */
static void test_fork_in_the_middle(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    for (size_t cut = 0; cut <= FILES; cut += 4) {
        pf_payload *p;
        int calls = 0;
        pf_prefetch_options options = {
            .ahead_frames = 8, .open_native = open_memfd, .native_context = &calls};
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
        size_t order[FILES];
        make_order(order, IN_ORDER, 0);
        assert_int_equal(check_order(p, order, cut, NULL), 0);
        fork_and_check(p, (int)(cut % 3), (uint32_t)cut);
        pf_payload_close(p);
    }
    /* many forks in a row right after the read that lets the thread start
     * the big member: some land while it is being streamed */
    for (int round = 0; round < 3; round++) {
        pf_payload *p;
        pf_prefetch_options options = {.ahead_frames = 1, .open_native = open_memfd};
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
        size_t order[FILES];
        make_order(order, IN_ORDER, 0);
        assert_int_equal(check_order(p, order, BIG, NULL), 0);
        for (int k = 0; k < 8; k++) {
            fflush(NULL);
            pid_t pid = fork();
            assert_true(pid >= 0);
            if (pid == 0) {
                int bad = check_one(p, BIG, NULL) + check_order(p, order, FILES, NULL);
                pf_payload_close(p);
                _exit(bad == 0 ? 0 : 1);
            }
            int status;
            assert_int_equal(waitpid(pid, &status, 0), pid);
            assert_true(WIFEXITED(status));
            assert_int_equal(WEXITSTATUS(status), 0);
        }
        assert_int_equal(check_order(p, order, FILES, NULL), 0);
        pf_payload_close(p);
    }
    pfz_buffer_free(&b);
}

/* In a fork child no thread walks on, so what it had done ages from the
 * fork: the child's reads drop it as they go on, as they drop what the walk
 * has passed (before: the extension modules placed early, which the walk
 * had not reached, stayed open in the child until it ended). */
static void test_fork_child_drops_as_it_reads(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    int before = open_test_memfds();
    pf_payload *p;
    pf_prefetch_options options = {.ahead_frames = 2, .idle_ms = 60000, .open_native = open_memfd};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
    /* frames 3 and 4, and early the extension modules of frames 6 and 13 */
    uint32_t want = 2;
    assert_true(wait_for(p, natives_at_least, &want));
    assert_true(wait_for(p, frames_at_least, &want));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int inherited = open_test_memfds() - before;
        /* members 20..29 (frames 21..30), which the thread did not do:
         * more than behind_frames (8) frames consumed */
        int bad = 0;
        for (size_t i = 20; i < 30; i++) {
            bad += check_one(p, i, NULL);
        }
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        int left = open_test_memfds() - before;
        if (inherited != 2 || left != 0 || st.buffers_dropped < 2) {
            fprintf(stderr, "child: %d memfds inherited, %d left, %u buffers dropped\n", inherited,
                    left, st.buffers_dropped);
            bad++;
        }
        /* and the rest reads right */
        size_t order[FILES];
        make_order(order, SHUFFLED, 5);
        bad += check_order(p, order, FILES, NULL);
        pf_payload_close(p);
        _exit(bad == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* A damaged frame: the thread gives it up silently; reads report the same
 * status as without prefetch, and every other member reads right. */
static void test_damage_reported_as_without(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    pf_payload *off;
    assert_int_equal(pf_payload_open(&off, b.data, b.size, &err), PF_OK);
    const pf_seek_table *t = pf_payload_seek_table(off);
    /* frames of: bytecode, an extension, the big extension, a library */
    uint32_t damaged[] = {3, 6, BIG + 1, FILES - 1};
    for (size_t d = 0; d < sizeof damaged / sizeof *damaged; d++) {
        const pf_frame *fr = &t->frames[damaged[d]];
        b.data[fr->compressed_offset + fr->compressed_size / 2] ^= 0x40;
    }
    pf_payload_close(off);
    assert_int_equal(pf_payload_open(&off, b.data, b.size, &err), PF_OK);
    pf_payload *on;
    pf_prefetch_options options = {.ahead_frames = 64, .open_native = open_memfd};
    assert_int_equal(pf_payload_open(&on, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(on, &options, &err), PF_OK);
    uint8_t *first;
    size_t firstSize;
    assert_int_equal(fetch(on, files[1].path, &first, &firstSize, NULL), PF_OK); /* starts it */
    free(first);
    assert_true(wait_for(on, ended, NULL));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(on, &st);
    assert_true(st.frames_failed >= 3);
    for (size_t i = 0; i < FILES; i++) {
        uint8_t *a, *c;
        size_t aSize, cSize;
        int sa = fetch(off, files[i].path, &a, &aSize, NULL);
        int sc = fetch(on, files[i].path, &c, &cSize, NULL);
        assert_int_equal(sa, sc);
        int hit = 0;
        for (size_t d = 0; d < sizeof damaged / sizeof *damaged; d++) {
            hit |= i + 1 == damaged[d];
        }
        assert_int_equal(sa, hit ? PF_ERR_CORRUPT : PF_OK);
        if (sa == PF_OK) {
            assert_int_equal(aSize, cSize);
            if (aSize > 0) {
                assert_memory_equal(a, c, aSize);
            }
        }
        free(a);
        free(c);
    }
    pf_payload_close(on);
    pf_payload_close(off);
    pfz_buffer_free(&b);
}

/* sig_blocked: the SigBlk mask of thread tid of this process. */
static unsigned long long sig_blocked(const char *tid)
{
    char path[320], line[256];
    unsigned long long mask = 0;
    snprintf(path, sizeof path, "/proc/self/task/%.255s/status", tid);
    FILE *f = fopen(path, "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "SigBlk:", 7) == 0) {
            mask = strtoull(line + 7, NULL, 16);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return mask;
}

/* The thread blocks the signals a program handles, is named, and ends by
 * itself once the reads stay still for idle_ms. */
static void test_thread_signals_and_idle_end(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    pf_payload *p;
    pf_prefetch_options options = {.ahead_frames = 2, .idle_ms = 50};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    /* no thread until a read past the start-up frame (frame 1) */
    assert_int_equal(check_one(p, 0, NULL), 0);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 0);
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
    int found = 0;
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        char path[320], name[64] = "";
        snprintf(path, sizeof path, "/proc/self/task/%.255s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            continue;
        }
        if (fgets(name, sizeof name, f) != NULL && strncmp(name, "pyfreeze-fetch", 14) == 0) {
            unsigned long long mask = sig_blocked(de->d_name);
            for (int sig = 1; sig < 32; sig++) {
                if (sig != SIGKILL && sig != SIGSTOP && sig != 32 && sig != 33) {
                    assert_true(mask >> (sig - 1) & 1u);
                }
            }
            found = 1;
        }
        fclose(f);
    }
    closedir(d);
    pf_payload_prefetch_stats(p, &st);
    assert_true(found || !st.running);
    assert_true(wait_for(p, ended, NULL));
    pf_payload_prefetch_stats(p, &st);
    /* frames 3 and 4 (2 ahead; the read took frame 2), no more; their
     * buffers went with the thread */
    assert_int_equal(st.frames_done, 2);
    assert_int_equal(st.frames_by_reader, 1);
    assert_int_equal(st.buffers_dropped, 2);
    size_t order[FILES];
    make_order(order, SHUFFLED, 7);
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* fetch_tid: the prefetch thread's thread id, or 0 when there is none. */
static pid_t fetch_tid(void)
{
    pid_t tid = 0;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;) {
        char path[320], name[64] = "";
        snprintf(path, sizeof path, "/proc/self/task/%.255s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            continue;
        }
        if (fgets(name, sizeof name, f) != NULL && strncmp(name, "pyfreeze-fetch", 14) == 0) {
            tid = (pid_t)atoi(de->d_name);
        }
        fclose(f);
    }
    if (d != NULL) {
        closedir(d);
    }
    return tid;
}

/* widen_watch: run beside a read that waits for a frame the thread is held
 * in (hold_release): notes whether the thread got all its CPUs back within
 * 2 s, then lets it go. */
static struct {
    pid_t tid;
    cpu_set_t all;
    int widened;
} watch;

static void *widen_watch(void *arg)
{
    (void)arg;
    for (int k = 0; k < 400 && !watch.widened; k++) {
        cpu_set_t now;
        watch.widened =
            sched_getaffinity(watch.tid, sizeof now, &now) == 0 && CPU_EQUAL(&now, &watch.all);
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    pthread_mutex_lock(&hold.lock);
    hold.go = 1;
    pthread_cond_broadcast(&hold.changed);
    pthread_mutex_unlock(&hold.lock);
    return NULL;
}

/* A thread the scheduler put on the CPU the reads run on keeps off that CPU
 * from its next piece of work on (the two would otherwise share it until
 * the thread's time slice ends), and only the thread changes: the reads'
 * thread keeps its CPUs. The test puts both on one CPU, a, by hand. A read
 * that must wait for the thread gives it all its CPUs back first (the CPU
 * the read leaves idle may be the one free). */
static void test_steps_aside_from_the_reads_cpu(void **state)
{
    (void)state;
    cpu_set_t all, onlyA, want, now;
    assert_int_equal(sched_getaffinity(0, sizeof all, &all), 0);
    if (CPU_COUNT(&all) < 2) {
        skip(); /* nowhere to step aside to */
    }
    int a = 0;
    while (!CPU_ISSET(a, &all)) {
        a++;
    }
    CPU_ZERO(&onlyA);
    CPU_SET(a, &onlyA);
    want = all;
    CPU_CLR(a, &want);
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    pf_payload *p;
    pf_prefetch_options options = {.ahead_frames = 1, .idle_ms = 10000};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    hold.reads = pthread_self();
    hold.at = NULL;
    hold.go = 0;
    pf_payload_set_release(p, hold_release, 0);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts the thread */
    uint32_t done = 1;                          /* frame 3, ahead */
    assert_true(wait_for(p, frames_at_least, &done));
    pid_t tid = fetch_tid();
    assert_true(tid > 0);
    assert_int_equal(sched_setaffinity(0, sizeof onlyA, &onlyA), 0);
    assert_int_equal(sched_setaffinity(tid, sizeof onlyA, &onlyA), 0);
    /* each read takes a finished frame (no read waits for the thread, which
     * would give it all its CPUs back) and lets it start the next one */
    int apart = 0;
    size_t i = 2;
    for (; i < 12 && !apart; i++) {
        /* member i is frame i + 1, done by the thread as its (i - 1)th */
        assert_int_equal(check_one(p, i, NULL), 0);
        done = (uint32_t)i;
        assert_true(wait_for(p, frames_at_least, &done));
        assert_int_equal(sched_getaffinity(tid, sizeof now, &now), 0);
        apart = CPU_EQUAL(&now, &want);
    }
    assert_true(apart);
    assert_int_equal(sched_getaffinity(0, sizeof now, &now), 0);
    assert_true(CPU_EQUAL(&now, &onlyA));
    /* the thread has done member i's frame (i + 1); reading it lets the
     * thread start frame i + 2, where it is held; the read of member i + 1
     * waits for it */
    const pf_seek_table *table = pf_payload_seek_table(p);
    pthread_mutex_lock(&hold.lock);
    hold.at = b.data + table->frames[i + 2].compressed_offset;
    pthread_mutex_unlock(&hold.lock);
    assert_int_equal(check_one(p, i, NULL), 0);
    pthread_mutex_lock(&hold.lock);
    while (!hold.holding) {
        pthread_cond_wait(&hold.changed, &hold.lock);
    }
    pthread_mutex_unlock(&hold.lock);
    watch.tid = tid;
    watch.all = all;
    watch.widened = 0;
    pthread_t watcher;
    assert_int_equal(pthread_create(&watcher, NULL, widen_watch, NULL), 0);
    assert_int_equal(check_one(p, i + 1, NULL), 0);
    pthread_join(watcher, NULL);
    assert_true(watch.widened);
    assert_int_equal(sched_setaffinity(0, sizeof all, &all), 0);
    size_t order[FILES];
    make_order(order, SHUFFLED, 11);
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* When the thread ends, what the reads did not take goes with it: held back
 * by its window (the reads stop after frame 2, and it has done frames 3
 * and 4 and placed the extension modules of frames 6 and 13 early), or at
 * the end of its walk (ahead_frames 64), it waits for the reads, and once
 * they have been still for idle_ms frees its buffers and closes its
 * descriptors, rather than keeping them to the end of the process. Reads
 * then go on as without prefetch. */
static void test_end_frees_what_was_not_taken(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    int before = open_test_memfds();
    assert_true(before >= 0);
    static const uint32_t aheads[] = {2, 64};
    for (size_t a = 0; a < sizeof aheads / sizeof *aheads; a++) {
        pf_payload *p;
        pf_prefetch_options options = {
            .ahead_frames = aheads[a], .idle_ms = 50, .open_native = open_memfd};
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
        assert_int_equal(check_one(p, 0, NULL), 0);
        assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
        assert_true(wait_for(p, ended, NULL));
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        assert_true(st.natives_done >= 2);
        assert_int_equal(st.natives_taken, 0);
        assert_int_equal(st.buffers_taken, 0);
        assert_int_equal(open_test_memfds(), before);
        assert_true(st.buffers_dropped >= 2);
        /* nothing is left to take */
        size_t order[FILES];
        make_order(order, SHUFFLED, 3);
        int fromFd = 0;
        assert_int_equal(check_order(p, order, FILES, &fromFd), 0);
        assert_int_equal(fromFd, 0);
        pf_payload_prefetch_stats(p, &st);
        assert_int_equal(st.buffers_taken, 0);
        pf_payload_close(p);
    }
    pfz_buffer_free(&b);
}

/* Room for every frame ahead, and no end for idleness within a test. */
static const pf_prefetch_options all_ahead = {
    .ahead_frames = 64, .max_buffered = 64u << 20, .idle_ms = 5000, .open_native = open_memfd};

/* The walk stops before the index's walk_end: with room for every frame
 * ahead, the thread does frames 3 to 11 of a payload whose walk ends at 12
 * and leaves frame 21 to the reads, which it does ahead without a walk end.
 * With nothing to walk (walk_end 2), reads past the walk start no thread. */
static void test_walk_stops_at_walk_end(void **state)
{
    (void)state;
    sample();
    static const tb_module modules[] = {{"app", PF_KIND_MODULE, 0}};
    for (int limited = 0; limited < 2; limited++) {
        pfz_buffer b = {0};
        pf_error err;
        pf_payload *p;
        tb_options opt = {.files_per_frame = 1, .level = 3, .walk_end = limited ? 12 : 0};
        assert_int_equal(tb_build_payload(files, FILES, modules, 1, &opt, &b), 0);
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_index(p)->walk_end, limited ? 12 : FILES + 1);
        assert_int_equal(pf_payload_prefetch_start(p, &all_ahead, &err), PF_OK);
        assert_int_equal(check_one(p, 0, NULL), 0);
        assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
        uint32_t want = limited ? 9 : 20;
        assert_true(wait_for(p, frames_at_least, &want));
        struct timespec pause = {0, 100 * 1000 * 1000}; /* time to go further, if it would */
        nanosleep(&pause, NULL);
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        if (limited) {
            assert_int_equal(st.frames_done, 9);
        }
        uint32_t byReader = st.frames_by_reader, taken = st.buffers_taken;
        assert_int_equal(check_one(p, 20, NULL), 0); /* frame 21 */
        pf_payload_prefetch_stats(p, &st);
        assert_int_equal(st.frames_by_reader, byReader + (limited ? 1 : 0));
        assert_int_equal(st.buffers_taken, taken + (limited ? 0 : 1));
        pf_payload_close(p);
        pfz_buffer_free(&b);
    }
    pfz_buffer b = {0};
    pf_error err;
    pf_payload *p;
    tb_options opt = {.files_per_frame = 1, .level = 3, .walk_end = 2};
    assert_int_equal(tb_build_payload(files, FILES, modules, 1, &opt, &b), 0);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, NULL, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 6, NULL), 0); /* frame 7 */
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 3 */
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.frames_by_reader, 0); /* counted only once a thread started */
    assert_int_equal(st.running, 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* A native member taken from the thread's descriptor counts as read: once
 * the other member of its frame is read too, the frame leaves the cache at
 * the next read (it stayed for good, all but one member read). */
static void test_taken_native_counts_as_read(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    pf_payload *p;
    sample();
    build_grouped(files, FILES, 2, &b); /* files 12 (native) and 13 share frame 7 */
    assert_int_equal(files[12].kind, PF_KIND_NATIVE);
    assert_int_equal(files[13].kind, PF_KIND_BYTECODE);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &all_ahead, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 2: starts it */
    uint32_t want = 8;
    assert_true(wait_for(p, frames_at_least, &want));
    int fromFd = 0;
    assert_int_equal(check_one(p, 12, &fromFd), 0);
    assert_int_equal(fromFd, 1);
    assert_int_equal(check_one(p, 13, NULL), 0);
    assert_true(pf_payload_frame_cached(p, 7));
    assert_int_equal(check_one(p, 14, NULL), 0); /* frame 8: frame 7 goes now */
    assert_false(pf_payload_frame_cached(p, 7));
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* A sink that collects a member once the prefetch thread has ended. */
struct collect_after_end {
    pf_payload *payload;
    int running; /* the thread ran when the sink was called */
    int ended;   /* and had ended when it collected */
    tb_collected collected;
};

static int collect_after_end(void *context, const uint8_t *data, size_t size)
{
    struct collect_after_end *c = context;
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(c->payload, &st);
    c->running = st.running;
    c->ended = wait_for(c->payload, ended, NULL);
    return tb_collect(&c->collected, data, size);
}

/* pf_payload_copy gives a member from a buffer of the thread's: if the
 * thread ends meanwhile, that buffer stays until the copy is over (ASan
 * sees a use after free otherwise), and is freed then. */
static void test_end_during_copy(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build_grouped(files, FILES, 2, &b); /* member 5, native code, in frame 3 with member 4 */
    pf_payload *p;
    /* no open_native: native code stays in the buffers; idle_ms: the copy
     * below starts well within it */
    pf_prefetch_options options = {.ahead_frames = 64, .idle_ms = 300};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 2: starts it */
    uint32_t walked = 1;                        /* frame 3 */
    assert_true(wait_for(p, frames_at_least, &walked));
    pf_entry e;
    assert_int_equal(pf_index_find(pf_payload_index(p), files[5].path, strlen(files[5].path), &e),
                     1);
    assert_int_equal(e.kind, PF_KIND_NATIVE);
    struct collect_after_end c = {.payload = p};
    assert_int_equal(pf_payload_copy(p, &e, collect_after_end, &c, &err), PF_OK);
    assert_true(c.running);
    assert_true(c.ended);
    assert_int_equal(c.collected.size, files[5].size);
    assert_memory_equal(c.collected.data, files[5].data, c.collected.size);
    free(c.collected.data);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.buffers_taken, 0);
    assert_int_equal(st.buffers_dropped, st.frames_done); /* frame 6's too, after the copy */
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < FILES; i++) {
        free(file_data[i]);
        file_data[i] = NULL;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_match_without_prefetch),
        cmocka_unit_test(test_stop_and_no_descriptors),
        cmocka_unit_test(test_bundled_libraries_pulled),
        cmocka_unit_test(test_pulled_library_kept),
        cmocka_unit_test(test_early_native_code),
        cmocka_unit_test(test_working_frame_not_dropped),
        cmocka_unit_test(test_fork_in_the_middle),
        cmocka_unit_test(test_fork_child_drops_as_it_reads),
        cmocka_unit_test(test_damage_reported_as_without),
        cmocka_unit_test(test_thread_signals_and_idle_end),
        cmocka_unit_test(test_walk_stops_at_walk_end),
        cmocka_unit_test(test_taken_native_counts_as_read),
        cmocka_unit_test(test_end_frees_what_was_not_taken),
        cmocka_unit_test(test_end_during_copy),
        cmocka_unit_test(test_steps_aside_from_the_reads_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
