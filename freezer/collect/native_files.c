/* native_files.c - extension modules and bundled libraries read for
 * packing; see native_files.h. */
#include "native_files.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "payload.h"

/* pack.c's limit for one member (PF_MAX_FRAME_SIZE / 2): checked here
 * first so the message names the file on disk. */
#define NATIVE_MAX_FILE_SIZE (PF_MAX_FRAME_SIZE / 2u)

int pfz_extension_member_path(const char *name, const char *origin, char **path, pf_error *err)
{
    *path = NULL;
    const char *slash = strrchr(origin, '/');
    const char *file = slash != NULL ? slash + 1 : origin;
    if (name[0] == '\0' || file[0] == '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "extension module '%s' has no file name ('%s')",
                            name, origin);
    }
    /* the package: every dotted part but the last, or all of them for an
     * __init__ extension */
    const char *last_dot = strrchr(name, '.');
    size_t pkg_len = strncmp(file, "__init__.", 9) == 0 ? strlen(name)
                     : last_dot != NULL                 ? (size_t)(last_dot - name)
                                                        : 0;
    size_t size = PF_LIB_DIR_SIZE + pkg_len + 1 + strlen(file) + 1;
    char *p = malloc(size);
    if (p == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    memcpy(p, PF_LIB_DIR, PF_LIB_DIR_SIZE);
    size_t n = PF_LIB_DIR_SIZE;
    for (size_t i = 0; i < pkg_len; i++) {
        p[n++] = name[i] == '.' ? '/' : name[i];
    }
    if (pkg_len > 0) {
        p[n++] = '/';
    }
    strcpy(p + n, file);
    *path = p;
    return PF_OK;
}

/* A buffer of at least this many bytes has its pages faulted in with one
 * madvise(MADV_POPULATE_WRITE) (Linux 5.14; an older kernel refuses it and
 * the pages fault in as before) before the file is read into it: the read's
 * copy otherwise takes one page fault per 4 KiB page, which on the virtual
 * machines builds run on was half the time of reading scipy's 66 MB of
 * native code (docs/performance.md, "Freeze time"). */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PREFAULT_MIN_SIZE (1u << 20)

/* prefault: faults in the whole pages of buf[0..size). */
static void prefault(uint8_t *buf, size_t size)
{
    const uintptr_t page = 4096u;
    uintptr_t from = ((uintptr_t)buf + page - 1u) & ~(page - 1u);
    uintptr_t to = ((uintptr_t)buf + size) & ~(page - 1u);
    if (size >= PREFAULT_MIN_SIZE && to > from) {
        (void)madvise((void *)from, (size_t)(to - from), MADV_POPULATE_WRITE);
    }
}

/* read_file: the whole of path into *data (malloc'd) and *size. */
static int read_file(const char *path, uint8_t **data, size_t *size, pf_error *err)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    }
    struct stat st;
    int rc = PF_OK;
    if (fstat(fd, &st) != 0) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot read '%s': not a regular file", path);
    } else if ((uint64_t)st.st_size > NATIVE_MAX_FILE_SIZE) {
        rc = pf_error_set(err, PF_ERR_USAGE,
                          "'%s' is too large to pack (%lld bytes; the limit is %u)", path,
                          (long long)st.st_size, NATIVE_MAX_FILE_SIZE);
    } else {
        size_t want = (size_t)st.st_size;
        uint8_t *buf = malloc(want > 0 ? want : 1);
        size_t got = 0;
        if (buf == NULL) {
            rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        } else {
            prefault(buf, want);
        }
        while (rc == PF_OK && got < want) {
            ssize_t n = read(fd, buf + got, want - got);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                rc = pf_error_set(err, PF_ERR_IO, "cannot read '%s': %s", path,
                                  n < 0 ? strerror(errno) : "it shrank while being read");
            } else {
                got += (size_t)n;
            }
        }
        if (rc == PF_OK) {
            *data = buf;
            *size = got;
        } else {
            free(buf);
        }
    }
    close(fd);
    return rc;
}

/* add_file: appends one file record (taking over path), its data not yet
 * read (read_all). */
static void add_file(pfz_native_files *set, char *path, uint32_t kind, const char *source,
                     size_t module)
{
    pfz_native_file *f = &set->files[set->count];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->kind = kind;
    f->module = module;
    f->source = source;
    set->count++;
}

/* The files being read by read_all's threads. */
typedef struct read_work {
    pfz_native_files *set;
    atomic_size_t next; /* the next file to claim */
} read_work;

/* One thread's part: the first file (lowest index) it failed to read. */
typedef struct read_part {
    read_work *work;
    size_t failed; /* SIZE_MAX: none */
    pf_error err;
} read_part;

/* read_files: claims files until none is left and reads each (a pthread
 * start routine), keeping the error of the lowest index it failed on. */
static void *read_files(void *arg)
{
    read_part *part = arg;
    pfz_native_files *set = part->work->set;
    for (;;) {
        size_t i = atomic_fetch_add(&part->work->next, 1u);
        if (i >= set->count) {
            return NULL;
        }
        pfz_native_file *f = &set->files[i];
        pf_error e;
        if (read_file(f->source, &f->data, &f->size, &e) != PF_OK && i < part->failed) {
            part->failed = i;
            part->err = e;
        }
    }
}

/* read_all: every file's data, on two threads when there are two
 * processors (the reads are independent; a scipy program reads 66 MB).
 * The error is that of the first file that could not be read, as one
 * thread reading in order would report it. */
static int read_all(pfz_native_files *set, pf_error *err)
{
    read_work work = {.set = set};
    atomic_init(&work.next, 0u);
    read_part parts[2] = {{&work, SIZE_MAX, {0}}, {&work, SIZE_MAX, {0}}};
    pthread_t helper;
    int helped = set->count >= 2 && sysconf(_SC_NPROCESSORS_ONLN) >= 2 &&
                 pthread_create(&helper, NULL, read_files, &parts[1]) == 0;
    read_files(&parts[0]);
    if (helped) {
        pthread_join(helper, NULL);
    }
    const read_part *first = parts[1].failed < parts[0].failed ? &parts[1] : &parts[0];
    if (first->failed == SIZE_MAX) {
        return PF_OK;
    }
    if (err != NULL) {
        *err = first->err;
    }
    return first->err.status;
}

int pfz_native_files_collect(const pfz_graph *g, const pfz_native_config *cfg,
                             pfz_native_files *out, pf_error *err)
{
    memset(out, 0, sizeof *out);
    size_t ext_count = 0;
    for (size_t i = 0; i < g->count; i++) {
        if (g->modules[i].kind == PFZ_MODULE_EXTENSION && g->modules[i].origin != NULL) {
            ext_count++;
        }
    }
    if (ext_count == 0 && (cfg == NULL || cfg->extra_library_count == 0)) {
        return PF_OK;
    }
    const char **paths = calloc(ext_count + 1, sizeof *paths);
    size_t *modules = calloc(ext_count + 1, sizeof *modules);
    int rc = PF_OK;
    if (paths == NULL || modules == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0, k = 0; i < g->count; i++) {
        if (g->modules[i].kind == PFZ_MODULE_EXTENSION && g->modules[i].origin != NULL) {
            paths[k] = g->modules[i].origin;
            modules[k++] = i;
        }
    }
    rc = pfz_native_resolve(paths, ext_count, cfg, &out->deps, err);
    if (rc != PF_OK) {
        goto done;
    }
    out->files = calloc(ext_count + out->deps.lib_count + 1, sizeof *out->files);
    if (out->files == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; rc == PF_OK && k < ext_count; k++) {
        const pfz_module *m = &g->modules[modules[k]];
        char *member = NULL;
        rc = m->member_path != NULL ? ((member = strdup(m->member_path)) != NULL
                                           ? PF_OK
                                           : pf_error_set(err, PF_ERR_NOMEM, "out of memory"))
                                    : pfz_extension_member_path(m->name, m->origin, &member, err);
        if (rc == PF_OK) {
            add_file(out, member, PF_KIND_NATIVE, m->origin, modules[k]);
        }
    }
    for (size_t i = 0; rc == PF_OK && i < out->deps.lib_count; i++) {
        char *member = NULL;
        if (asprintf(&member, PF_LIBS_DIR "%s", out->deps.libs[i].soname) < 0) {
            rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        } else {
            add_file(out, member, PF_KIND_LIBRARY, out->deps.libs[i].path, SIZE_MAX);
        }
    }
    if (rc == PF_OK) {
        rc = read_all(out, err);
    }
done:
    free(paths);
    free(modules);
    if (rc != PF_OK) {
        pfz_native_files_free(out);
    }
    return rc;
}

size_t pfz_native_files_for_module(const pfz_native_files *set, size_t module)
{
    if (set == NULL) {
        return SIZE_MAX;
    }
    for (size_t i = 0; i < set->count; i++) {
        if (set->files[i].kind == PF_KIND_NATIVE && set->files[i].module == module) {
            return i;
        }
    }
    return SIZE_MAX;
}

void pfz_native_files_free(pfz_native_files *set)
{
    if (set == NULL) {
        return;
    }
    for (size_t i = 0; i < set->count; i++) {
        free(set->files[i].path);
        free(set->files[i].data);
    }
    free(set->files);
    pfz_native_result_free(&set->deps);
    memset(set, 0, sizeof *set);
}
