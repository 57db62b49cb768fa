/* prefetch_sample.c - the prefetch tests' shared sample and helpers;
 * see prefetch_sample.h. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "prefetch_sample.h"

/* Under ThreadSanitizer (see CMakeLists.txt): a fork child, which never
 * joins the parent's prefetch thread (it does not exist there), would end
 * with a "thread leak" report and TSan's exit status. */
__attribute__((used)) const char *__tsan_default_options(void);
__attribute__((used)) const char *__tsan_default_options(void)
{
    return "report_thread_leaks=0";
}

tb_file files[FILES];
static uint8_t *file_data[FILES];
static char file_paths[FILES][64];

struct prefetch_hold hold = {.lock = PTHREAD_MUTEX_INITIALIZER,
                             .changed = PTHREAD_COND_INITIALIZER};

const pf_prefetch_options all_ahead = {.start_on_read = 1,
                                       .ahead_frames = 64,
                                       .max_buffered = 64u << 20,
                                       .idle_ms = 5000,
                                       .open_native = open_memfd};

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

void sample(void)
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

void build_grouped(const tb_file *f, size_t count, size_t perFrame, pfz_buffer *out)
{
    static const tb_module modules[] = {{"app", PF_KIND_MODULE, 0}};
    tb_options opt = {.files_per_frame = perFrame, .pax_index = 0, .level = 3};
    out->size = 0;
    assert_int_equal(tb_build_payload(f, count, modules, 1, &opt, out), 0);
}

void build(const tb_file *f, size_t count, pfz_buffer *out)
{
    build_grouped(f, count, 1, out);
}

int open_memfd(void *context, const pf_entry *file)
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
    return memfd_create(TEST_MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING); /* sealed when filled */
}

int open_test_memfds(void)
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

uint8_t *fd_bytes(int fd, size_t *size)
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

int fetch(pf_payload *p, const char *path, uint8_t **out, size_t *size, int *fromFd)
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

int check_one(pf_payload *p, size_t i, int *fromFd)
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

int check_order(pf_payload *p, const size_t *order, size_t count, int *fromFd)
{
    int bad = 0;
    for (size_t k = 0; k < count; k++) {
        bad += check_one(p, order[k], fromFd);
    }
    return bad;
}

void make_order(size_t *order, int how, uint32_t seed)
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

int wait_for(pf_payload *p, int (*done)(const pf_prefetch_stats *, void *), void *context)
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

int frames_at_least(const pf_prefetch_stats *st, void *context)
{
    return st->frames_done >= *(uint32_t *)context;
}

int ended(const pf_prefetch_stats *st, void *context)
{
    (void)context;
    return !st->running;
}

int natives_at_least(const pf_prefetch_stats *st, void *context)
{
    return st->natives_done >= *(uint32_t *)context;
}

const char *library_path(void)
{
    Dl_info info;
    if (dladdr((void *)ZSTD_versionNumber, &info) == 0 || info.dli_fname == NULL) {
        return NULL;
    }
    return info.dli_fname;
}

uint8_t *read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    uint8_t *p = fd_bytes(fd, size);
    close(fd);
    return p;
}

void hold_release(const uint8_t *data, size_t size)
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

int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < FILES; i++) {
        free(file_data[i]);
        file_data[i] = NULL;
    }
    return 0;
}
