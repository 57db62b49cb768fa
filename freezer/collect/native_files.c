/* native_files.c - extension modules and bundled libraries read for
 * packing; see native_files.h. */
#include "native_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

/* add_file: appends one file record (taking over path) and reads its data. */
static int add_file(pfz_native_files *set, char *path, uint32_t kind, const char *source,
                    size_t module, pf_error *err)
{
    pfz_native_file *f = &set->files[set->count];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->kind = kind;
    f->module = module;
    f->source = source;
    set->count++;
    return read_file(source, &f->data, &f->size, err);
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
            rc = add_file(out, member, PF_KIND_NATIVE, m->origin, modules[k], err);
        }
    }
    for (size_t i = 0; rc == PF_OK && i < out->deps.lib_count; i++) {
        char *member = NULL;
        if (asprintf(&member, PF_LIBS_DIR "%s", out->deps.libs[i].soname) < 0) {
            rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        } else {
            rc = add_file(out, member, PF_KIND_LIBRARY, out->deps.libs[i].path, SIZE_MAX, err);
        }
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
