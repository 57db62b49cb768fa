/* listing.c - the -v listing of a freeze: packed modules with the import
 * that pulled each in, bundled shared libraries with what needs each; see
 * listing.h. */
#include "listing.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "layout.h"
#include "lib_policy.h"
#include "payload.h"

/* base_name: the part of path after its last '/'. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* shown_path: how the -v listing names a module's file: its tar path
 * without "lib/" and with ".pyc" shown as ".py" ("json/decoder.py"). */
static void shown_path(const pfz_module *m, char *dst, size_t dstCapacity)
{
    const char *p = m->member_path != NULL ? m->member_path : m->origin;
    if (p == NULL) {
        snprintf(dst, dstCapacity, "?");
        return;
    }
    if (m->member_path != NULL && strncmp(p, PF_LIB_DIR, PF_LIB_DIR_SIZE) == 0) {
        p += PF_LIB_DIR_SIZE;
    }
    size_t n = strlen(p);
    if (n >= 4 && strcmp(p + n - 4, ".pyc") == 0) {
        snprintf(dst, dstCapacity, "%.*s.py", (int)(n - 4), p);
    } else {
        snprintf(dst, dstCapacity, "%s", p);
    }
}

/* shown_name: "__main__" of a script is shown as the script's stem ("app"). */
static void shown_name(const pfz_module *m, const char *script, char *dst, size_t dstCapacity)
{
    if (script != NULL && strcmp(m->name, "__main__") == 0) {
        const char *base = strrchr(script, '/');
        base = base != NULL ? base + 1 : script;
        size_t n = strlen(base);
        if (n > 3 && strcmp(base + n - 3, ".py") == 0) {
            n -= 3;
        }
        snprintf(dst, dstCapacity, "%.*s", (int)n, base);
    } else {
        snprintf(dst, dstCapacity, "%s", m->name);
    }
}

void pfz_print_graph(const pfz_graph *g, const char *script, FILE *out)
{
    char name[256], importer[256], file[PATH_MAX];
    for (size_t i = 0; i < g->count; i++) {
        const pfz_module *m = &g->modules[i];
        if (!(m->kind == PFZ_MODULE_EXTENSION && m->origin != NULL) &&
            pfz_layout_pack_kind(g, i, NULL) == 0) {
            continue;
        }
        shown_name(m, script, name, sizeof name);
        if (m->importer == PFZ_NO_IMPORTER || m->importer >= g->count) {
            fprintf(out, "%-30s (%s)\n", name, i == g->main ? "entry point" : "root");
            continue;
        }
        const pfz_module *by = &g->modules[m->importer];
        shown_name(by, script, importer, sizeof importer);
        shown_path(by, file, sizeof file);
        fprintf(out, "%-30s <- %s (%s:%d)\n", name, importer, file, m->import_line);
    }
}

/* contains_index: 1 when v is in arr[0..count). */
static int contains_index(const size_t *arr, size_t count, size_t v)
{
    for (size_t i = 0; i < count; i++) {
        if (arr[i] == v) {
            return 1;
        }
    }
    return 0;
}

void pfz_native_print(const pfz_native_result *r, FILE *out)
{
    uint64_t total = 0;
    for (size_t i = 0; i < r->lib_count; i++) {
        const pfz_native_lib *lib = &r->libs[i];
        total += lib->size;
        fprintf(out, PF_LIBS_DIR "%-28s (%.1f KiB, %s) <-", lib->soname, (double)lib->size / 1024.0,
                lib->path);
        const char *sep = " ";
        for (size_t o = 0; o < r->object_count; o++) {
            if (contains_index(r->objects[o].needs, r->objects[o].need_count, i)) {
                fprintf(out, "%s%s", sep, base_name(r->objects[o].path));
                sep = ", ";
            }
        }
        for (size_t k = 0; k < r->lib_count; k++) {
            if (contains_index(r->libs[k].needs, r->libs[k].need_count, i)) {
                fprintf(out, "%s%s", sep, r->libs[k].soname);
                sep = ", ";
            }
        }
        if (sep[0] == ' ') {
            fputs(" --add-binary or --include-library", out); /* needed by no packed object */
        }
        fputc('\n', out);
    }
    fprintf(out, "%zu shared %s bundled, %.1f KiB\n", r->lib_count,
            r->lib_count == 1 ? "library" : "libraries", (double)total / 1024.0);
    if (r->skipped_count > 0) {
        fputs("left to the target:", out);
        for (size_t i = 0; i < r->skipped_count; i++) {
            const pfz_native_skipped *k = &r->skipped[i];
            fprintf(out, "%s %s (%s%s%s)", i > 0 ? "," : "", k->soname,
                    pfz_lib_policy_reason(k->decision), k->rule_module != NULL ? " for " : "",
                    k->rule_module != NULL ? k->rule_module : "");
        }
        fputc('\n', out);
    }
}
