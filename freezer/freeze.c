/* freeze.c - the freezer pipeline; see freeze.h. pfz_freeze reads top to
 * bottom: check inputs, locate stub, check output, resolve, pack (the frame
 * layout is pack/layout.h's), inject, publish. Each helper below it does
 * one step and reports one error. */
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

#include "inject.h"
#include "lib_policy.h"
#include "listing.h"
#include "output.h"
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
    if (pfz_cache_open(&cache, opts->cache_dir, &cerr) != PF_OK && diag != NULL)
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
