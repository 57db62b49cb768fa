/* freeze.c - the freezer pipeline; see freeze.h. pfz_freeze reads top to
 * bottom: check inputs, locate stub, check output, resolve, pack, inject,
 * publish. Each helper below it does one step and reports one error. */
#include <Python.h> /* first, as CPython requires: PyImport_GetMagicNumber */

#include "freeze.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frame_store.h"
#include "inject.h"
#include "lib_policy.h"
#include "output.h"
#include "pack.h"
#include "payload.h"
#include "python_host.h"

/* ustar's 11 octal digits of seconds (pack.c refuses later times). */
#define PFZ_MAX_TAR_TIME 077777777777LL

/* is_regular_file: 1 when path names (through symlinks) a regular file. */
static int is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int pfz_locate_stub(const char *given, int pie, const char *self_exe, char **path, pf_error *err)
{
    *path = NULL;
    if (given != NULL) {
        struct stat st;
        if (stat(given, &st) != 0)
            return pf_error_set(err, PF_ERR_NOT_FOUND, "cannot use stub '%s': %s", given,
                                strerror(errno));
        if (!S_ISREG(st.st_mode))
            return pf_error_set(err, PF_ERR_NOT_FOUND, "cannot use stub '%s': not a regular file",
                                given);
        *path = strdup(given);
        return *path != NULL ? PF_OK : pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    const char *name = pie ? PFZ_STUB_PIE_NAME : PFZ_STUB_NAME;
    char *copy = strdup(self_exe);
    if (copy == NULL)
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    const char *dir = dirname(copy);
    char *beside = NULL, *installed = NULL;
    if (asprintf(&beside, "%s/%s", dir, name) < 0)
        beside = NULL;
    if (asprintf(&installed, "%s/%s/%s", dir, PYFREEZE_STUB_INSTALL_RELDIR, name) < 0)
        installed = NULL;
    free(copy);
    int rc = PF_OK;
    if (beside == NULL || installed == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    } else if (is_regular_file(beside)) {
        *path = beside;
        beside = NULL;
    } else if (is_regular_file(installed)) {
        *path = installed;
        installed = NULL;
    } else if (pie) {
        rc = pf_error_set(err, PF_ERR_NOT_FOUND,
                          "--pie: the position-independent stub is missing: looked for '%s' "
                          "and '%s'; build the %s target, or give --stub PATH instead of --pie",
                          beside, installed, name);
    } else {
        rc = pf_error_set(err, PF_ERR_NOT_FOUND,
                          "stub not found: looked for '%s' and '%s'; build the %s target or "
                          "pass --stub PATH",
                          beside, installed, name);
    }
    free(beside);
    free(installed);
    return rc;
}

int64_t pfz_source_date_epoch(const char *value, FILE *diag)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    int64_t t = 0;
    for (const char *p = value; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || t > (PFZ_MAX_TAR_TIME - (*p - '0')) / 10) {
            if (diag != NULL)
                fprintf(diag,
                        "pyfreeze: warning: ignoring SOURCE_DATE_EPOCH='%s' (not a number of "
                        "seconds up to %lld); using 0\n",
                        value, PFZ_MAX_TAR_TIME);
            return 0;
        }
        t = t * 10 + (*p - '0');
    }
    return t;
}

/* pack_kind: the payload kind of graph module i, 0 when it is not packed:
 * an extension module is packed when native holds its .so. */
static uint32_t pack_kind(const pfz_graph *g, size_t i, const pfz_native_files *native)
{
    const pfz_module *m = &g->modules[i];
    switch (m->kind) {
    case PFZ_MODULE_SOURCE:
        return m->pyc != NULL && m->member_path != NULL ? PF_KIND_MODULE : 0;
    case PFZ_MODULE_PACKAGE:
        return m->pyc != NULL && m->member_path != NULL ? PF_KIND_PACKAGE : 0;
    case PFZ_MODULE_NAMESPACE:
        return PF_KIND_NAMESPACE;
    case PFZ_MODULE_EXTENSION:
        return pfz_native_files_for_module(native, i) != SIZE_MAX ? PF_KIND_EXTENSION : 0;
    default:
        return 0; /* builtin and frozen: in libpython */
    }
}

/* is_startup_module: whether module i is imported by every start of the
 * program: the main module, and the codecs CPython's initialisation
 * imports (Python/pylifecycle.c: init_fs_encoding, init_sys_streams). */
static int is_startup_module(const pfz_graph *g, size_t i)
{
    static const char *const startup[] = {"encodings", "encodings.aliases", "encodings.utf_8"};
    if (i == g->main)
        return 1;
    for (size_t k = 0; k < sizeof startup / sizeof *startup; k++)
        if (strcmp(g->modules[i].name, startup[k]) == 0)
            return 1;
    return 0;
}

/* script_module_name: for a script entry ("__main__" packed as
 * "lib/app.pyc"), writes its own module name ("app") into dst. Returns 0
 * for a -m entry or a name that does not fit. */
static int script_module_name(const pfz_graph *g, char *dst, size_t dstCapacity)
{
    if (g->main >= g->count || (g->main_flags & PF_INDEX_FLAG_MAIN_IS_MODULE) != 0)
        return 0;
    const pfz_module *m = &g->modules[g->main];
    if (strcmp(m->name, "__main__") != 0 || m->member_path == NULL ||
        strncmp(m->member_path, PF_LIB_DIR, PF_LIB_DIR_SIZE) != 0)
        return 0;
    const char *stem = m->member_path + PF_LIB_DIR_SIZE;
    size_t n = strlen(stem);
    if (n <= 4 || strcmp(stem + n - 4, ".pyc") != 0 || memchr(stem, '/', n) != NULL ||
        n - 4 >= dstCapacity)
        return 0;
    memcpy(dst, stem, n - 4);
    dst[n - 4] = '\0';
    return 1;
}

/* graph_has_module: whether the graph already holds a module of that name. */
static int graph_has_module(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->modules[i].name, name) == 0)
            return 1;
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
            (m->kind != PFZ_MODULE_SOURCE && m->kind != PFZ_MODULE_PACKAGE))
            continue;
        char *path = strndup(m->member_path, n - 1);
        if (path == NULL)
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        int seen = 0;
        for (size_t f = first; f < *file_count && !seen; f++)
            seen = strcmp(files[f].path, path) == 0;
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
    return pfz_payload_from_graph_cached(g, native, magic, mtime, NULL, out, err);
}

int pfz_payload_from_graph_cached(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime,
                                  const pfz_frame_store *frames, pfz_buffer *out, pf_error *err)
{
    uint32_t main_kind = g->count > 0 && g->main < g->count ? pack_kind(g, g->main, native) : 0;
    if (main_kind == 0 || main_kind == PF_KIND_NAMESPACE || main_kind == PF_KIND_EXTENSION)
        return pf_error_set(err, PF_ERR_USAGE,
                            "the main module '%s' has no Python code to freeze (it is built "
                            "in, an extension or a namespace package)",
                            g->count > 0 && g->main < g->count ? g->modules[g->main].name : "?");
    size_t native_count = native != NULL ? native->count : 0;
    /* room for each module's .pyc or .so, its .py (--include-source), the
     * data files (module_graph.h: pfz_data_file) and the libraries */
    pfz_pack_file *files = calloc(2 * g->count + g->data_count + native_count, sizeof *files);
    pfz_pack_module *modules = calloc(g->count + 1, sizeof *modules);
    char **source_paths = calloc(g->count + 1, sizeof *source_paths);
    int rc = PF_OK;
    if (files == NULL || modules == NULL || source_paths == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t file_count = 0, module_count = 0, main_module = 0, startup_files = 0;
    size_t walk_files = 0, main_file = SIZE_MAX;
    /* Two passes: what every start of the program imports (the main module
     * and the codecs CPython loads during initialisation) first, so that it
     * gets a small frame of its own; then everything in discovery order,
     * where what the modules import as they load comes first (walk_count)
     * and the prefetch thread's walk ends. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < g->count; i++) {
            const pfz_module *m = &g->modules[i];
            if (pass == 1 && i == g->walk_count)
                walk_files = file_count;
            if (is_startup_module(g, i) != (pass == 0))
                continue;
            uint32_t kind = pack_kind(g, i, native);
            if (kind == 0)
                continue;
            size_t file = SIZE_MAX;
            if (kind == PF_KIND_EXTENSION) {
                const pfz_native_file *so = &native->files[pfz_native_files_for_module(native, i)];
                file = file_count++;
                files[file] =
                    (pfz_pack_file){so->path, so->kind, so->data, so->size, PFZ_NATIVE_FILE_MODE};
            } else if (kind != PF_KIND_NAMESPACE && main_file != SIZE_MAX &&
                       strcmp(m->member_path, files[main_file].path) == 0) {
                file = main_file; /* the script imported under its own name */
            } else if (kind != PF_KIND_NAMESPACE) {
                if (m->pyc_size < PF_PYC_HEADER_SIZE || memcmp(m->pyc, magic, 4) != 0) {
                    rc = pf_error_set(err, PF_ERR_USAGE,
                                      "internal error: bytecode of '%s' lacks the .pyc magic of "
                                      "this python",
                                      m->name);
                    goto done;
                }
                file = file_count++;
                files[file] =
                    (pfz_pack_file){m->member_path, PF_KIND_BYTECODE, m->pyc, m->pyc_size, 0644};
            }
            if (i == g->main) {
                main_module = module_count;
                main_file = file;
            }
            modules[module_count++] = (pfz_pack_module){m->name, kind, file};
        }
        if (pass == 0)
            startup_files = file_count;
        else if (walk_files == 0)
            walk_files = file_count;
    }
    /* A script is also importable under its own name ("app" for app.py), as
     * `python3 -m app` would import it: multiprocessing's spawned children
     * import the main module by that name (runtime/boot.c: run_script). */
    char script_name[PF_MAX_NAME_SIZE + 1];
    if (script_module_name(g, script_name, sizeof script_name) && !graph_has_module(g, script_name))
        modules[module_count++] = (pfz_pack_module){script_name, PF_KIND_MODULE, main_file};
    /* the sources (--include-source) after all code: read only for
     * tracebacks and inspect, so they never share a frame with start-up */
    rc = add_sources(g, files, &file_count, source_paths, err);
    if (rc != PF_OK)
        goto done;
    /* package data, distribution metadata and --add-data files */
    for (size_t i = 0; i < g->data_count; i++)
        files[file_count++] = (pfz_pack_file){g->data[i].member_path, PF_KIND_DATA, g->data[i].data,
                                              g->data[i].size, 0644};
    /* the bundled libraries last, in dependency order */
    for (size_t i = 0; i < native_count; i++)
        if (native->files[i].kind == PF_KIND_LIBRARY)
            files[file_count++] =
                (pfz_pack_file){native->files[i].path, PF_KIND_LIBRARY, native->files[i].data,
                                native->files[i].size, PFZ_NATIVE_FILE_MODE};
    pfz_pack_input in = {
        .files = files,
        .file_count = file_count,
        .modules = modules,
        .module_count = module_count,
        .main_module = main_module,
        .flags = g->main_flags,
        .level = PFZ_FREEZE_ZSTD_LEVEL,
        .frame_target = PFZ_FREEZE_FRAME_TARGET,
        .late_frame_target = PFZ_FREEZE_LATE_FRAME_TARGET,
        .startup_files = startup_files,
        .walk_files = walk_files,
        .mtime = mtime,
        .frame_store = frames,
    };
    memcpy(in.python_magic, magic, 4);
    rc = pfz_pack(&in, out, err);
done:
    for (size_t i = 0; source_paths != NULL && i < g->count; i++)
        free(source_paths[i]);
    free(source_paths);
    free(files);
    free(modules);
    return rc;
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
    if (m->member_path != NULL && strncmp(p, PF_LIB_DIR, PF_LIB_DIR_SIZE) == 0)
        p += PF_LIB_DIR_SIZE;
    size_t n = strlen(p);
    if (n >= 4 && strcmp(p + n - 4, ".pyc") == 0)
        snprintf(dst, dstCapacity, "%.*s.py", (int)(n - 4), p);
    else
        snprintf(dst, dstCapacity, "%s", p);
}

/* shown_name: "__main__" of a script is shown as the script's stem ("app"). */
static void shown_name(const pfz_module *m, const char *script, char *dst, size_t dstCapacity)
{
    if (script != NULL && strcmp(m->name, "__main__") == 0) {
        const char *base = strrchr(script, '/');
        base = base != NULL ? base + 1 : script;
        size_t n = strlen(base);
        if (n > 3 && strcmp(base + n - 3, ".py") == 0)
            n -= 3;
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
        if (!(m->kind == PFZ_MODULE_EXTENSION && m->origin != NULL) && pack_kind(g, i, NULL) == 0)
            continue;
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

/* check_script: the entry script exists and is a readable regular file. */
static int check_script(const char *script, pf_error *err)
{
    int fd = open(script, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pf_error_set(err, errno == ENOENT ? PF_ERR_NOT_FOUND : PF_ERR_IO,
                            "cannot read script '%s': %s", script, strerror(errno));
    struct stat st;
    int ok = fstat(fd, &st) == 0;
    close(fd);
    if (!ok || !S_ISREG(st.st_mode))
        return pf_error_set(err, PF_ERR_USAGE,
                            "script '%s' is not a regular file: give a .py file, or -m for a "
                            "package",
                            script);
    return PF_OK;
}

/* check_libraries: the --exclude-library / --include-library names. */
static int check_libraries(const pfz_options *opts, pf_error *err)
{
    pfz_lib_policy policy = {opts->exclude_libraries, opts->exclude_library_count,
                             opts->include_libraries, opts->include_library_count};
    return pfz_lib_policy_check(&policy, err);
}

/* check_paths: every -p directory exists and is a directory. */
static int check_paths(const pfz_options *opts, pf_error *err)
{
    for (size_t i = 0; i < opts->path_count; i++) {
        struct stat st;
        if (stat(opts->paths[i], &st) != 0)
            return pf_error_set(err, PF_ERR_USAGE, "-p '%s': %s", opts->paths[i], strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return pf_error_set(err, PF_ERR_USAGE, "-p '%s': not a directory", opts->paths[i]);
    }
    return PF_OK;
}

/* python_magic: the running interpreter's .pyc magic as the 4 bytes a .pyc
 * starts with (PyImport_GetMagicNumber gives them as a little-endian long). */
static void python_magic(uint8_t magic[4])
{
    unsigned long v = (unsigned long)PyImport_GetMagicNumber();
    for (int i = 0; i < 4; i++)
        magic[i] = (uint8_t)(v >> (8 * i));
}

/* open_cache: the build cache for opts (bytecode_cache.h), or NULL with
 * --no-cache or when it cannot be used: then a warning on diag says why and
 * the freeze goes on without it (a cache only saves time). */
static pfz_cache *open_cache(const pfz_options *opts, FILE *diag)
{
    if (opts->no_cache)
        return NULL;
    pfz_cache *cache = NULL;
    pf_error cerr = {0};
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"); /* to move to cli/ */
    if (pfz_cache_open(&cache, opts->cache_dir, xdg, home, &cerr) != PF_OK && diag != NULL)
        fprintf(diag, "pyfreeze: warning: %s; freezing without a cache\n", cerr.message);
    return cache;
}

/* nonempty: value, or NULL when it is NULL or "" (an unset variable). */
static const char *nonempty(const char *value)
{
    return value != NULL && value[0] != '\0' ? value : NULL;
}

/* publish: injects payload into a copy of stub and puts it at output. */
static int publish(const char *stub, const pfz_buffer *payload, const char *output, pf_error *err)
{
    pfz_output out;
    int rc = pfz_output_begin(&out, output, err);
    if (rc != PF_OK)
        return rc;
    rc = pfz_inject(stub, payload->data, payload->size, out.fd, output, err);
    if (rc != PF_OK) {
        pfz_output_abort(&out);
        return rc;
    }
    return pfz_output_commit(&out, err);
}

int pfz_freeze(const pfz_options *opts, FILE *listing, FILE *diag, pf_error *err)
{
    char *stub = NULL;
    pfz_graph graph;
    pfz_buffer payload = {0};
    pfz_native_files native;
    memset(&graph, 0, sizeof graph);
    memset(&native, 0, sizeof native);
    int python_started = 0;
    pfz_cache *cache = NULL;
    int rc;

    /* 1. inputs, stub and output, all checked before any work is done */
    rc = opts->script != NULL ? check_script(opts->script, err) : PF_OK;
    if (rc == PF_OK)
        rc = check_paths(opts, err);
    if (rc == PF_OK)
        rc = check_libraries(opts, err);
    if (rc == PF_OK) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n < 0)
            snprintf(self, sizeof self, "./pyfreeze"); /* no /proc: --stub still works */
        else
            self[n] = '\0';
        rc = pfz_locate_stub(opts->stub, opts->pie, self, &stub, err);
    }
    if (rc == PF_OK) {
        const char *inputs[] = {opts->script, stub};
        rc = pfz_output_check(opts->output, inputs, 2, err);
    }
    if (rc != PF_OK)
        goto done;
    int64_t mtime = pfz_source_date_epoch(getenv("SOURCE_DATE_EPOCH"), diag);

    /* 2. resolve and compile with the embedded interpreter */
    rc = pfz_python_start(err);
    if (rc != PF_OK)
        goto done;
    python_started = 1;
    /* A standalone Python packs the whole stdlib; its nominal main module
     * (the index needs one) is `code`, which the runtime never runs
     * (PF_INDEX_FLAG_PYTHON). --allow-interactive brings what the
     * interactive session imports (site.enablerlcompleter). */
    static const char *const interactive_roots[] = {"readline", "rlcompleter"};
    pfz_resolve_options ropts = {
        .script = opts->script,
        .module = opts->python ? "code" : opts->module,
        .include_source = opts->include_source,
        .whole_stdlib = opts->python,
        .extra_roots = opts->allow_interactive ? interactive_roots : NULL,
        .extra_root_count = opts->allow_interactive ? 2 : 0,
        .paths = opts->paths,
        .path_count = opts->path_count,
        .optimize = opts->optimize,
        .verbose = opts->verbose,
        .diag = diag,
        .cache = open_cache(opts, diag),
        .venv = opts->venv != NULL ? opts->venv : nonempty(getenv("VIRTUAL_ENV")),
        .hidden_imports = opts->hidden_imports,
        .hidden_import_count = opts->hidden_import_count,
        .collects = opts->collects,
        .collect_count = opts->collect_count,
        .excludes = opts->exclude_modules,
        .exclude_count = opts->exclude_module_count,
        .add_data = opts->add_data,
        .add_data_count = opts->add_data_count,
        .listing = listing,
    };
    cache = ropts.cache;
    rc = pfz_graph_build(&graph, &ropts, err);
    if (rc == PF_ERR_PYTHON)
        pf_error_clear(err); /* already printed as python3 prints it: say nothing more */
    if (rc != PF_OK)
        goto done;
    graph.main_flags |= PF_INDEX_FLAG_OPTIMIZE(opts->optimize) |
                        (opts->include_source ? PF_INDEX_FLAG_HAS_SOURCE : 0) |
                        (opts->allow_interactive ? PF_INDEX_FLAG_ALLOW_INTERACTIVE : 0) |
                        (opts->python ? PF_INDEX_FLAG_PYTHON : 0);
    if (opts->verbose)
        pfz_print_graph(&graph, opts->script, listing);

    /* 3. collect extension modules and the shared libraries they need */
    pfz_lib_policy policy = {opts->exclude_libraries, opts->exclude_library_count,
                             opts->include_libraries, opts->include_library_count};
    pfz_native_config ncfg = {.policy = &policy, .diag = diag};
    rc = pfz_native_files_collect(&graph, &ncfg, &native, err);
    if (rc != PF_OK)
        goto done;
    if (opts->verbose && native.count > 0)
        pfz_native_print(&native.deps, listing);

    /* 4. pack, inject, publish */
    uint8_t magic[4];
    python_magic(magic);
    pfz_frame_store frames = pfz_cache_frame_store(cache);
    rc = pfz_payload_from_graph_cached(&graph, &native, magic, mtime, cache ? &frames : NULL,
                                       &payload, err);
    if (rc != PF_OK)
        goto done;
    rc = publish(stub, &payload, opts->output, err);
    if (rc == PF_OK && opts->verbose)
        fprintf(listing, "wrote %s: payload %zu bytes, stub %s\n", opts->output, payload.size,
                stub);
    if (rc == PF_OK && opts->verbose && cache != NULL) {
        pfz_cache_stats st = pfz_cache_stats_get(cache);
        fprintf(listing, "cache: %zu of %zu modules and %zu of %zu frames reused\n", st.pyc_hits,
                st.pyc_hits + st.pyc_misses, st.frame_hits, st.frame_hits + st.frame_misses);
    }
    if (rc == PF_OK && opts->verbose)
        fprintf(listing, "bytecode of %zu installed modules read from their __pycache__\n",
                graph.from_pycache);
done:
    pfz_cache_close(cache);
    pfz_buffer_free(&payload);
    pfz_native_files_free(&native);
    pfz_graph_free(&graph);
    if (python_started)
        pfz_python_stop();
    free(stub);
    return rc;
}
