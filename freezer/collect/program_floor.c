/* program_floor.c - the glibc floor of a whole frozen program and the
 * --max-glibc check; see program_floor.h. */
#include "program_floor.h"

#include <stdio.h>
#include <string.h>

#include "payload.h"

/* take: counts need against limit and keeps it in out when it is the
 * highest so far (the first of equal needs stays). */
static void take(pfz_glibc_floor *out, const pfz_glibc_need *need, const char *file,
                 const char *source, uint32_t kind, const pfz_glibc_version *limit)
{
    if (limit != NULL && pfz_glibc_version_cmp(need->version, *limit) > 0) {
        out->over_limit++;
    }
    pfz_glibc_version none = {0, 0, 0};
    if (pfz_glibc_version_cmp(need->version, none) == 0 ||
        (out->file != NULL && pfz_glibc_version_cmp(need->version, out->need.version) <= 0)) {
        return;
    }
    out->need = *need;
    out->file = file;
    out->source = source;
    out->kind = kind;
}

int pfz_glibc_floor_of_program(const char *stub, const pfz_native_files *native,
                               const pfz_glibc_version *limit, pfz_glibc_floor *out, pf_error *err)
{
    memset(out, 0, sizeof *out);
    pfz_glibc_need need;
    pf_error why = {0};
    int rc = pfz_glibc_need_of_file(stub, &need, &why);
    if (rc != PF_OK) {
        return pf_error_set(err, (pf_status)rc, "cannot read the glibc needs of stub '%s': %s",
                            stub, why.message);
    }
    take(out, &need, stub, NULL, 0, limit);
    size_t count = native != NULL ? native->count : 0;
    for (size_t i = 0; i < count; i++) {
        const pfz_native_file *f = &native->files[i];
        rc = pfz_glibc_need_of_image(f->data, f->size, &need, &why);
        if (rc != PF_OK) {
            return pf_error_set(err, (pf_status)rc, "cannot read the glibc needs of %s (%s): %s",
                                f->path, f->source != NULL ? f->source : "?", why.message);
        }
        take(out, &need, f->path, f->source, f->kind, limit);
    }
    return PF_OK;
}

/* remedy: what the user can do about the file that raises the floor, of
 * kind kind, into dst (dstCapacity bytes); a library's member path is
 * libs/<SONAME> (native_files.h), the name --exclude-library takes. */
static const char *remedy(uint32_t kind, const char *file, char *dst, size_t dstCapacity)
{
    switch (kind) {
    case PF_KIND_LIBRARY:
        snprintf(dst, dstCapacity,
                 "leave the library to the target with --exclude-library %s, install a build "
                 "of it made for an older glibc, or raise --max-glibc",
                 strncmp(file, PF_LIBS_DIR, PF_LIBS_DIR_SIZE) == 0 ? file + PF_LIBS_DIR_SIZE
                                                                   : "SONAME");
        return dst;
    case PF_KIND_NATIVE:
        return "install a build of that package made for an older glibc (e.g. a manylinux "
               "wheel), leave the module out with --exclude-module, or raise --max-glibc";
    default:
        return "give --stub a stub built for an older glibc (docs/user-guide.md, \"Which "
               "systems\"), or raise --max-glibc";
    }
}

int pfz_glibc_floor_check(const pfz_glibc_floor *floor, const pfz_glibc_version *limit,
                          const char *option, pf_error *err)
{
    if (limit == NULL || floor->file == NULL ||
        pfz_glibc_version_cmp(floor->need.version, *limit) <= 0) {
        return PF_OK;
    }
    char need[32];
    pfz_glibc_version_format(floor->need.version, need, sizeof need);
    char symbol[200];
    if (floor->need.symbol[0] != '\0') {
        snprintf(symbol, sizeof symbol, "%s@GLIBC_%s", floor->need.symbol, need);
    } else {
        snprintf(symbol, sizeof symbol, "a GLIBC_%s version need", need);
    }
    char others[64] = "";
    if (floor->over_limit > 1) {
        snprintf(others, sizeof others, "; %zu more file%s need more too", floor->over_limit - 1,
                 floor->over_limit > 2 ? "s" : "");
    }
    char room[256];
    const char *what = remedy(floor->kind, floor->file, room, sizeof room);
    if (floor->kind == 0) {
        return pf_error_set(err, PF_ERR_VERSION,
                            "the stub '%s' needs glibc %s (%s), newer than --max-glibc %s%s: "
                            "nothing written; %s",
                            floor->file, need, symbol, option, others, what);
    }
    return pf_error_set(err, PF_ERR_VERSION,
                        "%s (from '%s') needs glibc %s (%s), newer than --max-glibc %s%s: "
                        "nothing written; %s",
                        floor->file, floor->source != NULL ? floor->source : "?", need, symbol,
                        option, others, what);
}
