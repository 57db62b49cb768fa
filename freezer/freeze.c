/* freeze.c - the freezer pipeline; see freeze.h. pfz_freeze reads top to
 * bottom: check inputs, locate stub, check output, resolve, collect, check
 * the glibc floor, pack, inject, publish. Each helper below it does one step and returns one
 * error; nothing here prints or reads the environment (the command passes
 * the environment's values in and prints the report). */
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

#include "entry_script.h"
#include "frame_store.h"
#include "inject.h"
#include "lib_policy.h"
#include "output.h"
#include "payload.h"
#include "python_host.h"
#include "unmatched_libraries.h"

/* What one freeze holds, so that teardown frees only what exists. */
typedef struct freeze_run {
    const pfz_options *opts;
    const pfz_environment *env;
    const pfz_freeze_hooks *hooks;
    pfz_report *report;
    char *stub;              /* the stub's path, malloc'd */
    char *stdlib;            /* the PVM's stdlib directory, malloc'd; NULL: the host's */
    int64_t mtime;           /* tar time of every member */
    int python_started;      /* pfz_python_start succeeded */
    pfz_cache *cache;        /* the build cache, or NULL */
    pfz_graph graph;         /* the resolved program */
    pfz_native_files native; /* its extension modules and shared libraries */
    pfz_glibc_floor floor;   /* the glibc it needs (borrows names from stub and native) */
    pfz_buffer payload;      /* the packed payload */
    pfz_entry_script entry;  /* for -m MODULE:FUNCTION, the wrapper script; else zeroed */
    pfz_build_report docs;   /* --report / --sbom texts (build_report.h) */
} freeze_run;

static int check_inputs(freeze_run *run, pf_error *err);
static int resolve(freeze_run *run, pf_error *err);
static int collect(freeze_run *run, pf_error *err);
static int check_glibc(freeze_run *run, pf_error *err);
static int pack_and_publish(freeze_run *run, pf_error *err);

int pfz_freeze(const pfz_options *opts, const pfz_environment *env, const pfz_freeze_hooks *hooks,
               pfz_report *report, pf_error *err)
{
    static const pfz_freeze_hooks no_hooks = {0};
    static const pfz_environment no_env = {0};
    freeze_run run = {.opts = opts,
                      .env = env != NULL ? env : &no_env,
                      .hooks = hooks != NULL ? hooks : &no_hooks,
                      .report = report};

    /* 1. inputs, stub and output, all checked before any work is done */
    int rc = check_inputs(&run, err);
    /* 2. resolve and compile with the embedded interpreter */
    if (rc == PF_OK) {
        rc = resolve(&run, err);
    }
    /* 3. collect extension modules and the shared libraries they need */
    if (rc == PF_OK) {
        rc = collect(&run, err);
    }
    /* 4. the glibc it needs, within --max-glibc */
    if (rc == PF_OK) {
        rc = check_glibc(&run, err);
    }
    /* 5. pack, inject, publish */
    if (rc == PF_OK) {
        rc = pack_and_publish(&run, err);
    }

    pfz_cache_close(run.cache);
    pfz_buffer_free(&run.payload);
    pfz_build_report_free(&run.docs);
    pfz_native_files_free(&run.native);
    pfz_graph_free(&run.graph);
    if (run.python_started) {
        pfz_python_stop();
    }
    free(run.stub);
    free(run.stdlib);
    pfz_entry_script_remove(&run.entry);
    return rc;
}

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
        if (stat(given, &st) != 0) {
            return pf_error_set(err, PF_ERR_NOT_FOUND, "cannot use stub '%s': %s", given,
                                strerror(errno));
        }
        if (!S_ISREG(st.st_mode)) {
            return pf_error_set(err, PF_ERR_NOT_FOUND, "cannot use stub '%s': not a regular file",
                                given);
        }
        *path = strdup(given);
        return *path != NULL ? PF_OK : pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    const char *name = pie ? PFZ_STUB_PIE_NAME : PFZ_STUB_NAME;
    char *copy = strdup(self_exe);
    if (copy == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    const char *dir = dirname(copy);
    char *beside = NULL, *installed = NULL;
    if (asprintf(&beside, "%s/%s", dir, name) < 0) {
        beside = NULL;
    }
    if (asprintf(&installed, "%s/%s/%s", dir, PYFREEZE_STUB_INSTALL_RELDIR, name) < 0) {
        installed = NULL;
    }
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

int pfz_locate_stdlib(const char *self_exe, char **path, pf_error *err)
{
    *path = NULL;
#ifdef PYFREEZE_PVM_STDLIB_BUILD_DIR
    char *copy = strdup(self_exe);
    char *installed = NULL;
    if (copy == NULL ||
        asprintf(&installed, "%s/%s", dirname(copy), PYFREEZE_PVM_STDLIB_INSTALL_RELDIR) < 0) {
        free(copy);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    free(copy);
    const char *places[] = {installed, PYFREEZE_PVM_STDLIB_BUILD_DIR};
    for (size_t i = 0; i < 2 && *path == NULL; i++) {
        /* os.py marks a standard library (CPython's getpath.py does the same) */
        char *landmark = NULL;
        if (asprintf(&landmark, "%s/os.py", places[i]) < 0) {
            free(installed);
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
        if (is_regular_file(landmark)) {
            *path = realpath(places[i], NULL);
        }
        free(landmark);
    }
    int rc = *path != NULL ? PF_OK
                           : pf_error_set(err, PF_ERR_NOT_FOUND,
                                          "the PVM's standard library is missing: looked for "
                                          "'%s/os.py' and '%s/os.py'; build the pvm target "
                                          "(cmake --build BUILD --target pvm) or reinstall "
                                          "pyfreeze",
                                          installed, PYFREEZE_PVM_STDLIB_BUILD_DIR);
    free(installed);
    return rc;
#else
    (void)self_exe;
    (void)err;
    return PF_OK; /* a build without the PVM (PYFREEZE_PVM=OFF) packs the host's */
#endif
}

int64_t pfz_source_date_epoch(const char *value, int *valid)
{
    *valid = 1;
    if (value == NULL || value[0] == '\0') {
        return 0;
    }
    int64_t t = 0;
    for (const char *p = value; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || t > (PFZ_MAX_TAR_TIME - (*p - '0')) / 10) {
            *valid = 0;
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
    if (fd < 0) {
        return pf_error_set(err, errno == ENOENT ? PF_ERR_NOT_FOUND : PF_ERR_IO,
                            "cannot read script '%s': %s", script, strerror(errno));
    }
    struct stat st;
    int ok = fstat(fd, &st) == 0;
    close(fd);
    if (!ok || !S_ISREG(st.st_mode)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "script '%s' is not a regular file: give a .py file, or -m for a "
                            "package",
                            script);
    }
    return PF_OK;
}

/* check_libraries: the --exclude-library / --include-library names. */
static int check_libraries(const pfz_options *opts, pf_error *err)
{
    pfz_lib_policy policy = {.excludes = opts->exclude_libraries,
                             .exclude_count = opts->exclude_library_count,
                             .includes = opts->include_libraries,
                             .include_count = opts->include_library_count};
    return pfz_lib_policy_check(&policy, err);
}

/* check_paths: every -p directory exists and is a directory. */
static int check_paths(const pfz_options *opts, pf_error *err)
{
    for (size_t i = 0; i < opts->path_count; i++) {
        struct stat st;
        if (stat(opts->paths[i], &st) != 0) {
            return pf_error_set(err, PF_ERR_USAGE, "-p '%s': %s", opts->paths[i], strerror(errno));
        }
        if (!S_ISDIR(st.st_mode)) {
            return pf_error_set(err, PF_ERR_USAGE, "-p '%s': not a directory", opts->paths[i]);
        }
    }
    return PF_OK;
}

/* note: appends *n to the run's report, when there is one. */
static int note(freeze_run *run, const pfz_note *n, pf_error *err)
{
    return run->report != NULL ? pfz_report_add(run->report, n, err) : PF_OK;
}

/* check_inputs: the script, the -p directories and the library names; the
 * stub; the output path (not one of the inputs); SOURCE_DATE_EPOCH, an
 * invalid value being a warning (PFZ_NOTE_BAD_SOURCE_DATE_EPOCH). */
static int check_inputs(freeze_run *run, pf_error *err)
{
    const pfz_options *opts = run->opts;
    int rc = opts->script != NULL ? check_script(opts->script, err) : PF_OK;
    if (rc == PF_OK) {
        rc = check_paths(opts, err);
    }
    if (rc == PF_OK) {
        rc = check_libraries(opts, err);
    }
    if (rc == PF_OK) {
        /* no /proc: --stub still works */
        const char *self = run->env->self_exe != NULL ? run->env->self_exe : "./pyfreeze";
        rc = pfz_locate_stub(opts->stub, opts->pie, self, &run->stub, err);
    }
    if (rc == PF_OK) {
        const char *self = run->env->self_exe != NULL ? run->env->self_exe : "./pyfreeze";
        rc = pfz_locate_stdlib(self, &run->stdlib, err);
    }
    if (rc == PF_OK) {
        const char *inputs[] = {opts->script, run->stub};
        rc = pfz_output_check(opts->output, inputs, 2, err);
    }
    if (rc == PF_OK && pfz_entry_script_is_reference(opts->module)) {
        rc = pfz_entry_script_write(opts->module, run->env->tmpdir, &run->entry, err);
    }
    if (rc != PF_OK) {
        return rc;
    }
    int valid;
    run->mtime = pfz_source_date_epoch(run->env->source_date_epoch, &valid);
    pfz_note n = {.kind = PFZ_NOTE_BAD_SOURCE_DATE_EPOCH,
                  .names = (char *)run->env->source_date_epoch,
                  .count = {PFZ_MAX_TAR_TIME}};
    return valid ? PF_OK : note(run, &n, err);
}

/* open_cache: the build cache for opts (cache_dir.h), or NULL with
 * --no-cache or when it cannot be used: then a warning record
 * (PFZ_NOTE_NO_CACHE) says why and the freeze goes on without it (a cache
 * only saves time). */
static int open_cache(freeze_run *run, pf_error *err)
{
    if (run->opts->no_cache) {
        return PF_OK;
    }
    pf_error cerr = {0};
    if (pfz_cache_open(&run->cache, run->opts->cache_dir, run->env->xdg_cache_home, run->env->home,
                       &cerr) == PF_OK) {
        return PF_OK;
    }
    pfz_note n = {.kind = PFZ_NOTE_NO_CACHE, .reason = cerr.message};
    return note(run, &n, err);
}

/* nonempty: value, or NULL when it is NULL or "" (an unset variable). */
static const char *nonempty(const char *value)
{
    return value != NULL && value[0] != '\0' ? value : NULL;
}

/* resolve: starts the embedded interpreter and resolves the program's
 * graph (module_graph.h), then calls the resolved hook. A standalone Python
 * packs the whole stdlib; its nominal main module (the index needs one) is
 * `code`, which the runtime never runs (PF_INDEX_FLAG_PYTHON).
 * --allow-interactive brings what the interactive session imports
 * (site.enablerlcompleter). */
static int resolve(freeze_run *run, pf_error *err)
{
    const pfz_options *opts = run->opts;
    int rc = pfz_python_start(err);
    if (rc != PF_OK) {
        return rc;
    }
    run->python_started = 1;
    rc = open_cache(run, err);
    if (rc != PF_OK) {
        return rc;
    }
    static const char *const interactive_roots[] = {"readline", "rlcompleter"};
    const char *venv = opts->venv != NULL ? opts->venv : nonempty(run->env->virtual_env);
    pfz_resolve_options ropts = {
        .script = run->entry.path != NULL ? run->entry.path : opts->script,
        .entry_module = run->entry.module,
        .module = opts->python              ? "code"
                  : run->entry.path != NULL ? NULL
                                            : opts->module,
        .include_source = opts->include_source,
        .whole_stdlib = opts->python,
        .follow_all_imports = opts->follow_all_imports,
        .stdlib_dir = run->stdlib,
        .extra_roots = opts->allow_interactive ? interactive_roots : NULL,
        .extra_root_count = opts->allow_interactive ? 2 : 0,
        .paths = opts->paths,
        .path_count = opts->path_count,
        .optimize = opts->optimize,
        .report = run->report,
        .cache = run->cache,
        .venv = venv,
        .venv_from_environment = venv != NULL && opts->venv == NULL,
        .hidden_imports = opts->hidden_imports,
        .hidden_import_count = opts->hidden_import_count,
        .collects = opts->collects,
        .collect_count = opts->collect_count,
        .excludes = opts->exclude_modules,
        .exclude_count = opts->exclude_module_count,
        .add_data = opts->add_data,
        .add_data_count = opts->add_data_count,
    };
    rc = pfz_graph_build(&run->graph, &ropts, err);
    pfz_entry_script_remove(&run->entry); /* compiled: no longer needed on disk */
    if (rc != PF_OK) {
        return rc;
    }
    run->graph.main_flags |= PF_INDEX_FLAG_OPTIMIZE(opts->optimize) |
                             (opts->include_source ? PF_INDEX_FLAG_HAS_SOURCE : 0) |
                             (opts->allow_interactive ? PF_INDEX_FLAG_ALLOW_INTERACTIVE : 0) |
                             (opts->python ? PF_INDEX_FLAG_PYTHON : 0);
    if (run->hooks->resolved != NULL) {
        run->hooks->resolved(run->hooks->ctx, run->report, &run->graph);
    }
    if (opts->strict && run->graph.unresolved_own > 0) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "--strict: %zu import%s in the program's own code cannot be found "
                            "(warned about above): nothing written; install what %s, add its "
                            "directory with -p, or guard the import with try/except ImportError",
                            run->graph.unresolved_own, run->graph.unresolved_own == 1 ? "" : "s",
                            run->graph.unresolved_own == 1 ? "it names" : "they name");
    }
    return PF_OK;
}

/* extra_libraries: the libraries bundled though no extension module needs
 * them (native_deps.h pfz_native_config.extra_libraries): each --add-binary
 * SRC (the part before the last ':'), then each --include-library name
 * that is a SONAME rather than a glob. *out is a malloc'd array of
 * malloc'd strings, *count long (free each and the array). */
static int extra_libraries(const pfz_options *opts, char ***out, size_t *count, pf_error *err)
{
    *count = 0;
    *out = calloc(opts->add_binary_count + opts->include_library_count + 1, sizeof **out);
    if (*out == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < opts->add_binary_count; i++) {
        const char *value = opts->add_binaries[i];
        const char *colon = strrchr(value, ':'); /* options.c checked there is one */
        (*out)[*count] = strndup(value, colon != NULL ? (size_t)(colon - value) : strlen(value));
        if ((*out)[(*count)++] == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < opts->include_library_count; i++) {
        const char *name = opts->include_libraries[i];
        if (strpbrk(name, "*?[") != NULL) {
            continue; /* a glob widens the policy (lib_policy.h) and names no one file */
        }
        if (((*out)[(*count)++] = strdup(name)) == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
    }
    return PF_OK;
}

/* collect: the extension modules the graph reaches, the shared libraries
 * they need and the extra libraries (native_files.h), under the library
 * options and the rules' target_libraries of the packed modules, a warning
 * for each library option that matched none of them
 * (unmatched_libraries.h), then the collected hook. */
static int collect(freeze_run *run, pf_error *err)
{
    const pfz_options *opts = run->opts;
    size_t rule_count = run->graph.target_library_count;
    const char **rules = calloc(2 * rule_count + 1, sizeof *rules); /* names, then modules */
    for (size_t i = 0; rules != NULL && i < rule_count; i++) {
        rules[i] = run->graph.target_libraries[i].name;
        rules[rule_count + i] = run->graph.target_libraries[i].module;
    }
    pfz_lib_policy policy = {.excludes = opts->exclude_libraries,
                             .exclude_count = opts->exclude_library_count,
                             .includes = opts->include_libraries,
                             .include_count = opts->include_library_count,
                             .rule_names = rules,
                             .rule_modules = rules + rule_count,
                             .rule_count = rule_count};
    char **extras = NULL;
    size_t extra_count = 0;
    int rc = rules != NULL ? extra_libraries(opts, &extras, &extra_count, err)
                           : pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    pfz_native_config ncfg = {.policy = &policy,
                              .report = run->report,
                              .extra_libraries = (const char *const *)extras,
                              .extra_library_count = extra_count};
    if (rc == PF_OK) {
        rc = pfz_native_files_collect(&run->graph, &ncfg, &run->native, err);
    }
    for (size_t i = 0; extras != NULL && i < extra_count; i++) {
        free(extras[i]);
    }
    free(extras);
    if (rc == PF_OK) { /* a library option that matched nothing: a warning */
        rc = pfz_lib_report_unmatched(&policy, &run->native.deps, run->report, err);
    }
    free(rules);
    if (rc == PF_OK && run->hooks->collected != NULL) {
        run->hooks->collected(run->hooks->ctx, run->report, &run->native);
    }
    return rc;
}

/* check_glibc: the glibc the program needs over the stub and the
 * collected native files (program_floor.h), kept for the index, refused
 * when over --max-glibc (options.c has checked the text). */
static int check_glibc(freeze_run *run, pf_error *err)
{
    pfz_glibc_version limit;
    const char *max = run->opts->max_glibc;
    if (max != NULL) {
        int rc = pfz_glibc_version_parse(max, &limit, err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    int rc = pfz_glibc_floor_of_program(run->stub, &run->native, max != NULL ? &limit : NULL,
                                        &run->floor, err);
    if (rc == PF_OK) {
        rc = pfz_glibc_floor_check(&run->floor, max != NULL ? &limit : NULL, max, err);
    }
    run->native.glibc_floor = run->floor.need.version;
    return rc;
}

/* python_magic: the running interpreter's .pyc magic as the 4 bytes a .pyc
 * starts with (PyImport_GetMagicNumber gives them as a little-endian long). */
static void python_magic(uint8_t magic[4])
{
    unsigned long v = (unsigned long)PyImport_GetMagicNumber();
    for (int i = 0; i < 4; i++) {
        magic[i] = (uint8_t)(v >> (8 * i));
    }
}

/* publish: injects payload into a copy of stub and puts it at output. */
static int publish(const char *stub, const pfz_buffer *payload, const char *output, pf_error *err)
{
    pfz_output out;
    int rc = pfz_output_begin(&out, output, err);
    if (rc != PF_OK) {
        return rc;
    }
    rc = pfz_inject(stub, payload->data, payload->size, out.fd, output, err);
    if (rc != PF_OK) {
        pfz_output_abort(&out);
        return rc;
    }
    return pfz_output_commit(&out, err);
}

/* pvm_versions: the PVM's pvm-versions.json beside the packed stdlib
 * (installed: lib/pyfreeze/pvm/, two levels above lib/python3.11), else the
 * build tree's; NULL without the PVM or when neither exists. Malloc'd. */
static char *pvm_versions(const char *stdlib)
{
    char *path = NULL;
    if (stdlib != NULL && asprintf(&path, "%s/../../pvm-versions.json", stdlib) >= 0 &&
        is_regular_file(path)) {
        return path;
    }
    free(path);
#ifdef PYFREEZE_PVM_VERSIONS_BUILD
    if (stdlib != NULL && is_regular_file(PYFREEZE_PVM_VERSIONS_BUILD)) {
        return strdup(PYFREEZE_PVM_VERSIONS_BUILD);
    }
#endif
    return NULL;
}

/* make_documents: the --report and --sbom texts (build_report.h), made
 * before anything is published so a failure leaves no output. */
static int make_documents(freeze_run *run, pf_error *err)
{
    const pfz_options *opts = run->opts;
    unsigned which = 0;
    if (opts->report != NULL) {
        size_t n = strlen(opts->report);
        which |= n >= 5 && strcmp(opts->report + n - 5, ".html") == 0 ? PFZ_REPORT_HTML
                                                                      : PFZ_REPORT_JSON;
    }
    which |= opts->sbom != NULL ? PFZ_REPORT_SBOM : 0;
    if (which == 0) {
        return PF_OK;
    }
    char *versions = pvm_versions(run->stdlib);
    pfz_build_facts facts = {.output = opts->output,
                             .script = opts->script,
                             .module = opts->module,
                             .stub = run->stub,
                             .pvm_versions = versions,
                             .graph = &run->graph,
                             .native = &run->native,
                             .floor = &run->floor,
                             .notes = run->report,
                             .payload = run->payload.data,
                             .payload_size = run->payload.size};
    int rc = pfz_build_report_make(&facts, which, &run->docs, err);
    free(versions);
    return rc;
}

/* pack_and_publish: the payload (layout.h), the --report and --sbom texts,
 * the payload injected into a copy of the stub and published at the
 * output, then the written hook. */
static int pack_and_publish(freeze_run *run, pf_error *err)
{
    uint8_t magic[4];
    python_magic(magic);
    pfz_frame_store frames = pfz_cache_frame_store(run->cache);
    size_t stored_min = run->opts->store_native_code ? PFZ_FREEZE_STORED_MIN_SIZE : 0;
    int rc =
        pfz_payload_from_graph_cached(&run->graph, &run->native, magic, run->mtime,
                                      run->cache ? &frames : NULL, stored_min, &run->payload, err);
    if (rc == PF_OK) {
        rc = make_documents(run, err);
    }
    if (rc == PF_OK) {
        rc = publish(run->stub, &run->payload, run->opts->output, err);
    }
    if (rc != PF_OK || run->hooks->written == NULL) {
        return rc;
    }
    pfz_freeze_summary summary = {
        .output = run->opts->output,
        .stub = run->stub,
        .payload_size = run->payload.size,
        .cache_used = run->cache != NULL,
        .from_pycache = run->graph.from_pycache,
        .glibc_floor = &run->floor,
        .documents = run->opts->report != NULL || run->opts->sbom != NULL ? &run->docs : NULL};
    for (size_t i = 0; i < run->graph.count; i++) {
        pfz_module_kind kind = run->graph.modules[i].kind;
        summary.module_count += kind != PFZ_MODULE_BUILTIN && kind != PFZ_MODULE_FROZEN;
    }
    for (size_t i = 0; i < run->native.count; i++) {
        summary.library_count += run->native.files[i].kind == PF_KIND_LIBRARY;
    }
    struct stat st;
    if (stat(run->opts->output, &st) == 0) {
        summary.output_size = (unsigned long long)st.st_size;
    }
    if (run->cache != NULL) {
        summary.cache = pfz_cache_stats_get(run->cache);
    }
    run->hooks->written(run->hooks->ctx, &summary);
    return PF_OK;
}
