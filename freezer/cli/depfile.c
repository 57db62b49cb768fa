/* depfile.c - the --depfile rule of the files a freeze read; see depfile.h. */
#include "depfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pfz_depfile_add_graph(pfz_strlist *deps, const pfz_graph *g, pf_error *err)
{
    int rc = PF_OK;
    for (size_t i = 0; rc == PF_OK && i < g->count; i++) {
        const char *origin = g->modules[i].origin;
        if (origin != NULL) {
            rc = pfz_strlist_push(deps, origin, strlen(origin), err);
        }
    }
    for (size_t i = 0; rc == PF_OK && i < g->data_count; i++) {
        const char *origin = g->data[i].origin;
        if (origin != NULL) {
            rc = pfz_strlist_push(deps, origin, strlen(origin), err);
        }
    }
    return rc;
}

int pfz_depfile_add_native(pfz_strlist *deps, const pfz_native_files *native, pf_error *err)
{
    int rc = PF_OK;
    for (size_t i = 0; rc == PF_OK && i < native->deps.lib_count; i++) {
        const char *path = native->deps.libs[i].path;
        rc = pfz_strlist_push(deps, path, strlen(path), err);
    }
    return rc;
}

/* put_escaped: path with make's escapes, as gcc's mkdeps.c writes them. */
static void put_escaped(const char *path, FILE *f)
{
    for (const char *p = path; *p != '\0'; p++) {
        if (*p == ' ' || *p == '#') {
            fputc('\\', f);
        } else if (*p == '$') {
            fputc('$', f);
        }
        fputc(*p, f);
    }
}

int pfz_depfile_write(const char *file, const char *target, const pfz_strlist *deps, pf_error *err)
{
    for (size_t i = 0; i < deps->count; i++) {
        if (strchr(deps->items[i], '\n') != NULL) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "--depfile %s: the file '%s' has a newline in its name, which a "
                                "Makefile rule cannot hold: rename it",
                                file, deps->items[i]);
        }
    }
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp%ld", file, (long)getpid()) < 0) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        int rc =
            pf_error_set(err, PF_ERR_IO, "cannot write --depfile %s: %s", file, strerror(errno));
        free(tmp);
        return rc;
    }
    put_escaped(target, f);
    fputc(':', f);
    for (size_t i = 0; i < deps->count; i++) {
        fputs(" \\\n  ", f);
        put_escaped(deps->items[i], f);
    }
    fputc('\n', f);
    int failed = ferror(f);
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, file) != 0) {
        int rc =
            pf_error_set(err, PF_ERR_IO, "cannot write --depfile %s: %s", file, strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return PF_OK;
}
