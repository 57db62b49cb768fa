/* layout.c - the frame-layout policy: a module graph and its native files
 * turned into pfz_pack's members in the order a start reads them; see
 * layout.h. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "cpython311.h"
#include "payload.h"

/* is_startup_module: whether module i is imported by every start of the
 * program: the main module, and the codecs CPython's initialisation
 * imports (Python/pylifecycle.c: init_fs_encoding, init_sys_streams). */
static int is_startup_module(const pfz_graph *g, size_t i)
{
    static const char *const startup[] = PF_PY_STARTUP_MODULES;
    if (i == g->main) {
        return 1;
    }
    for (size_t k = 0; k < sizeof startup / sizeof *startup; k++) {
        if (strcmp(g->modules[i].name, startup[k]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* script_module_name: for a script entry ("__main__" packed as
 * "lib/app.pyc"), writes its own module name ("app") into dst. Returns 0
 * for a -m entry or a name that does not fit. */
static int script_module_name(const pfz_graph *g, char *dst, size_t dstCapacity)
{
    if (g->main >= g->count || (g->main_flags & PF_INDEX_FLAG_MAIN_IS_MODULE) != 0) {
        return 0;
    }
    const pfz_module *m = &g->modules[g->main];
    if (strcmp(m->name, "__main__") != 0 || m->member_path == NULL ||
        strncmp(m->member_path, PF_LIB_DIR, PF_LIB_DIR_SIZE) != 0) {
        return 0;
    }
    const char *stem = m->member_path + PF_LIB_DIR_SIZE;
    size_t n = strlen(stem);
    if (n <= 4 || strcmp(stem + n - 4, ".pyc") != 0 || memchr(stem, '/', n) != NULL ||
        n - 4 >= dstCapacity) {
        return 0;
    }
    memcpy(dst, stem, n - 4);
    dst[n - 4] = '\0';
    return 1;
}

/* graph_has_module: whether the graph already holds a module of that name. */
static int graph_has_module(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++) {
        if (strcmp(g->modules[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* add_sources: a PF_KIND_SOURCE file at "lib/X.py" for each module packed
 * as "lib/X.pyc" that kept its source (pfz_resolve_options.include_source),
 * once per path (a script imported under its own name shares its file),
 * appended to files; the paths are malloc'd into paths[k] (the caller frees
 * them). Errors: PF_ERR_NOMEM. */
static int add_sources(const pfz_graph *g, pfz_pack_file *files, size_t *file_count, char **paths,
                       pf_error *err)
{
    size_t first = *file_count, k = 0;
    for (size_t i = 0; i < g->count; i++) {
        const pfz_module *m = &g->modules[i];
        size_t n = m->member_path != NULL ? strlen(m->member_path) : 0;
        if (m->source == NULL || n < 5 || strcmp(m->member_path + n - 4, ".pyc") != 0 ||
            (m->kind != PFZ_MODULE_SOURCE && m->kind != PFZ_MODULE_PACKAGE)) {
            continue;
        }
        char *path = strndup(m->member_path, n - 1);
        if (path == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
        int seen = 0;
        for (size_t f = first; f < *file_count && !seen; f++) {
            seen = strcmp(files[f].path, path) == 0;
        }
        if (seen) {
            free(path);
            continue;
        }
        paths[k++] = path;
        files[(*file_count)++] =
            (pfz_pack_file){path, PF_KIND_SOURCE, (const uint8_t *)m->source, m->source_size, 0644};
    }
    return PF_OK;
}

int pfz_payload_from_graph(const pfz_graph *g, const uint8_t magic[4], int64_t mtime,
                           pfz_buffer *out, pf_error *err)
{
    return pfz_payload_from_graph_native(g, NULL, magic, mtime, out, err);
}

int pfz_payload_from_graph_native(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime, pfz_buffer *out,
                                  pf_error *err)
{
    return pfz_payload_from_graph_cached(g, native, magic, mtime, NULL, 0, out, err);
}

/* The members being laid out, with the frame boundaries pfz_pack needs. */
typedef struct layout {
    pfz_pack_file *files; /* room for 2 * modules + data files + native files */
    size_t file_count;
    pfz_pack_module *modules; /* room for modules + 1 (the script's own name) */
    size_t module_count;
    size_t main_module;        /* index in modules of the main module */
    size_t main_file;          /* index in files of its bytecode, SIZE_MAX until placed */
    size_t startup_files;      /* files[0 .. startup_files): what every start imports */
    size_t walk_files;         /* files[0 .. walk_files): what the start-up walk reads */
    pfz_pack_module *left_out; /* room for g->left_out_count */
    size_t left_out_count;
} layout;

/* shared_init_file: for a package or a module named "pkg.__init__" (an
 * import of `pkg.__init__` by name makes a second module from the same
 * file, as in CPython), the file already placed at its member path, else
 * SIZE_MAX. Only those kinds are looked up: their paths are the only ones
 * two modules can share. */
static size_t shared_init_file(const pfz_module *m, uint32_t kind, const layout *l)
{
    size_t n = strlen(m->name);
    if (kind != PF_KIND_PACKAGE && (n < 9 || strcmp(m->name + n - 9, ".__init__") != 0)) {
        return SIZE_MAX;
    }
    for (size_t f = 0; f < l->file_count; f++) {
        if (strcmp(l->files[f].path, m->member_path) == 0) {
            return f;
        }
    }
    return SIZE_MAX;
}

/* place_module: module i (payload kind `kind`) into l: its member file
 * (none for a namespace package; the script's for the script imported
 * under its own name) and its index entry. Errors: PF_ERR_USAGE (bytecode
 * without this python's magic). */
static int place_module(const pfz_graph *g, size_t i, uint32_t kind, const pfz_native_files *native,
                        const uint8_t magic[4], layout *l, pf_error *err)
{
    const pfz_module *m = &g->modules[i];
    size_t file = SIZE_MAX;
    if (kind == PF_KIND_EXTENSION) {
        const pfz_native_file *so = &native->files[pfz_native_files_for_module(native, i)];
        file = l->file_count++;
        l->files[file] =
            (pfz_pack_file){so->path, so->kind, so->data, so->size, PFZ_NATIVE_FILE_MODE};
    } else if (kind != PF_KIND_NAMESPACE && l->main_file != SIZE_MAX &&
               strcmp(m->member_path, l->files[l->main_file].path) == 0) {
        file = l->main_file; /* the script imported under its own name */
    } else if (kind != PF_KIND_NAMESPACE && (file = shared_init_file(m, kind, l)) != SIZE_MAX) {
        /* pkg and pkg.__init__ share pkg/__init__.pyc */
    } else if (kind != PF_KIND_NAMESPACE) {
        if (m->pyc_size < PF_PYC_HEADER_SIZE || memcmp(m->pyc, magic, 4) != 0) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "internal error: bytecode of '%s' lacks the .pyc magic of "
                                "this python",
                                m->name);
        }
        file = l->file_count++;
        l->files[file] =
            (pfz_pack_file){m->member_path, PF_KIND_BYTECODE, m->pyc, m->pyc_size, 0644};
    }
    if (i == g->main) {
        l->main_module = l->module_count;
        l->main_file = file;
    }
    l->modules[l->module_count++] = (pfz_pack_module){m->name, kind, file};
    return PF_OK;
}

/* place_modules: every packed module of g into l in two passes: what every
 * start of the program imports (the main module and the codecs CPython
 * loads during initialisation) first, so that it gets a small frame of its
 * own; then everything in discovery order, where what the modules import
 * as they load comes first (walk_count) and the prefetch thread's walk
 * ends. */
static int place_modules(const pfz_graph *g, const pfz_native_files *native, const uint8_t magic[4],
                         layout *l, pf_error *err)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < g->count; i++) {
            if (pass == 1 && i == g->walk_count) {
                l->walk_files = l->file_count;
            }
            if (is_startup_module(g, i) != (pass == 0)) {
                continue;
            }
            uint32_t kind = pfz_layout_pack_kind(g, i, native);
            int rc = kind != 0 ? place_module(g, i, kind, native, magic, l, err) : PF_OK;
            if (rc != PF_OK) {
                return rc;
            }
        }
        if (pass == 0) {
            l->startup_files = l->file_count;
        } else if (l->walk_files == 0) {
            l->walk_files = l->file_count;
        }
    }
    return PF_OK;
}

/* place_data_and_libraries: package data, distribution metadata and
 * --add-data files, then the bundled libraries last, in dependency order. */
static void place_data_and_libraries(const pfz_graph *g, const pfz_native_files *native, layout *l)
{
    for (size_t i = 0; i < g->data_count; i++) {
        l->files[l->file_count++] = (pfz_pack_file){g->data[i].member_path, PF_KIND_DATA,
                                                    g->data[i].data, g->data[i].size, 0644};
    }
    size_t native_count = native != NULL ? native->count : 0;
    for (size_t i = 0; i < native_count; i++) {
        if (native->files[i].kind == PF_KIND_LIBRARY) {
            l->files[l->file_count++] =
                (pfz_pack_file){native->files[i].path, PF_KIND_LIBRARY, native->files[i].data,
                                native->files[i].size, PFZ_NATIVE_FILE_MODE};
        }
    }
}

/* place_left_out: g's left-out names (module_graph.h) into l, but for
 * those l holds as modules (reached through another import; the script's
 * own name): the index's names are unique, and a packed module is found. */
static void place_left_out(const pfz_graph *g, layout *l)
{
    for (size_t i = 0; i < g->left_out_count; i++) {
        const pfz_left_out *n = &g->left_out[i];
        int packed = 0;
        for (size_t k = 0; k < l->module_count && !packed; k++) {
            packed = strcmp(l->modules[k].name, n->name) == 0;
        }
        if (!packed && !graph_has_module(g, n->name)) {
            l->left_out[l->left_out_count++] = (pfz_pack_module){
                n->name, n->excluded ? PF_KIND_EXCLUDED : PF_KIND_NOT_FOLLOWED, SIZE_MAX};
        }
    }
}

/* pack_layout: pfz_pack over the members of l. */
static int pack_layout(const pfz_graph *g, const pfz_native_files *native, const layout *l,
                       const uint8_t magic[4], int64_t mtime, const pfz_frame_store *frames,
                       size_t stored_min_size, pfz_buffer *out, pf_error *err)
{
    pfz_pack_input in = {
        .files = l->files,
        .file_count = l->file_count,
        .modules = l->modules,
        .module_count = l->module_count,
        .main_module = l->main_module,
        .flags = g->main_flags,
        .level = PFZ_FREEZE_ZSTD_LEVEL,
        .native_level = PFZ_FREEZE_NATIVE_ZSTD_LEVEL,
        .native_code_level = PFZ_FREEZE_NATIVE_CODE_ZSTD_LEVEL,
        .frame_target = PFZ_FREEZE_FRAME_TARGET,
        .late_frame_target = PFZ_FREEZE_LATE_FRAME_TARGET,
        .left_out = l->left_out,
        .left_out_count = l->left_out_count,
        .startup_files = l->startup_files,
        .walk_files = l->walk_files,
        .mtime = mtime,
        .frame_store = frames,
        .stored_min_size = stored_min_size,
        .own_frame_min = PFZ_FREEZE_OWN_FRAME_MIN,
    };
    memcpy(in.python_magic, magic, 4);
    if (native != NULL) {
        in.glibc_floor[0] = native->glibc_floor.major;
        in.glibc_floor[1] = native->glibc_floor.minor;
        in.glibc_floor[2] = native->glibc_floor.patch;
    }
    return pfz_pack(&in, out, err);
}

int pfz_payload_from_graph_cached(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime,
                                  const pfz_frame_store *frames, size_t stored_min_size,
                                  pfz_buffer *out, pf_error *err)
{
    int has_main = g->count > 0 && g->main < g->count;
    uint32_t main_kind = has_main ? pfz_layout_pack_kind(g, g->main, native) : 0;
    if (main_kind == 0 || main_kind == PF_KIND_NAMESPACE || main_kind == PF_KIND_EXTENSION) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "the main module '%s' has no Python code to freeze (it is built "
                            "in, an extension or a namespace package)",
                            has_main ? g->modules[g->main].name : "?");
    }
    size_t native_count = native != NULL ? native->count : 0;
    /* room for each module's .pyc or .so, its .py (--include-source), the
     * data files (module_graph.h: pfz_data_file) and the libraries */
    layout l = {.files = calloc(2 * g->count + g->data_count + native_count, sizeof *l.files),
                .modules = calloc(g->count + 1, sizeof *l.modules),
                .left_out = calloc(g->left_out_count + 1, sizeof *l.left_out),
                .main_file = SIZE_MAX};
    char **source_paths = calloc(g->count + 1, sizeof *source_paths);
    int rc = PF_OK;
    if (l.files == NULL || l.modules == NULL || l.left_out == NULL || source_paths == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    if (rc == PF_OK) {
        rc = place_modules(g, native, magic, &l, err);
    }
    /* A script is also importable under its own name ("app" for app.py), as
     * `python3 -m app` would import it: multiprocessing's spawned children
     * import the main module by that name (runtime/boot/boot.c: run_script). */
    char script_name[PF_MAX_NAME_SIZE + 1];
    if (rc == PF_OK && script_module_name(g, script_name, sizeof script_name) &&
        !graph_has_module(g, script_name)) {
        l.modules[l.module_count++] = (pfz_pack_module){script_name, PF_KIND_MODULE, l.main_file};
    }
    if (rc == PF_OK) {
        place_left_out(g, &l);
    }
    /* the sources (--include-source) after all code: read only for
     * tracebacks and inspect, so they never share a frame with start-up */
    if (rc == PF_OK) {
        rc = add_sources(g, l.files, &l.file_count, source_paths, err);
    }
    if (rc == PF_OK) {
        place_data_and_libraries(g, native, &l);
        rc = pack_layout(g, native, &l, magic, mtime, frames, stored_min_size, out, err);
    }
    for (size_t i = 0; source_paths != NULL && i < g->count; i++) {
        free(source_paths[i]);
    }
    free(source_paths);
    free(l.files);
    free(l.modules);
    free(l.left_out);
    return rc;
}
