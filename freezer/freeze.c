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

#include "inject.h"
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

int pfz_locate_stub(const char *given, const char *self_exe, char **path, pf_error *err)
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
    char *copy = strdup(self_exe);
    if (copy == NULL)
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    const char *dir = dirname(copy);
    char *beside = NULL, *installed = NULL;
    if (asprintf(&beside, "%s/%s", dir, PFZ_STUB_NAME) < 0)
        beside = NULL;
    if (asprintf(&installed, "%s/%s/%s", dir, PYFREEZE_STUB_INSTALL_RELDIR, PFZ_STUB_NAME) < 0)
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
    } else {
        rc = pf_error_set(err, PF_ERR_NOT_FOUND,
                          "stub not found: looked for '%s' and '%s'; build the pyfreeze-stub "
                          "target or pass --stub PATH",
                          beside, installed);
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

/* pack_kind: the payload kind of a graph module, 0 when it is not packed. */
static uint32_t pack_kind(const pfz_module *m)
{
    switch (m->kind) {
    case PFZ_MODULE_SOURCE:
        return m->pyc != NULL && m->member_path != NULL ? PF_KIND_MODULE : 0;
    case PFZ_MODULE_PACKAGE:
        return m->pyc != NULL && m->member_path != NULL ? PF_KIND_PACKAGE : 0;
    case PFZ_MODULE_NAMESPACE:
        return PF_KIND_NAMESPACE;
    default:
        return 0; /* builtin and frozen: in libpython; extensions: not yet */
    }
}

int pfz_payload_from_graph(const pfz_graph *g, const uint8_t magic[4], int64_t mtime,
                           pfz_buffer *out, pf_error *err)
{
    if (g->count == 0 || g->main >= g->count || pack_kind(&g->modules[g->main]) == 0 ||
        pack_kind(&g->modules[g->main]) == PF_KIND_NAMESPACE)
        return pf_error_set(err, PF_ERR_USAGE,
                            "the main module '%s' has no Python code to freeze (it is built "
                            "in, an extension or a namespace package)",
                            g->count > 0 && g->main < g->count ? g->modules[g->main].name : "?");
    pfz_pack_file *files = calloc(g->count, sizeof *files);
    pfz_pack_module *modules = calloc(g->count, sizeof *modules);
    int rc = PF_OK;
    if (files == NULL || modules == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t file_count = 0, module_count = 0, main_module = 0;
    for (size_t i = 0; i < g->count; i++) {
        const pfz_module *m = &g->modules[i];
        uint32_t kind = pack_kind(m);
        if (kind == 0)
            continue;
        size_t file = SIZE_MAX;
        if (kind != PF_KIND_NAMESPACE) {
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
        if (i == g->main)
            main_module = module_count;
        modules[module_count++] = (pfz_pack_module){m->name, kind, file};
    }
    pfz_pack_input in = {
        .files = files,
        .file_count = file_count,
        .modules = modules,
        .module_count = module_count,
        .main_module = main_module,
        .flags = g->main_flags,
        .level = PFZ_FREEZE_ZSTD_LEVEL,
        .frame_target = PFZ_FREEZE_FRAME_TARGET,
        .mtime = mtime,
    };
    memcpy(in.python_magic, magic, 4);
    rc = pfz_pack(&in, out, err);
done:
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
    if (m->member_path != NULL && strncmp(p, "lib/", 4) == 0)
        p += 4;
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
        if (pack_kind(m) == 0)
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
    memset(&graph, 0, sizeof graph);
    int python_started = 0;
    int rc;

    /* 1. inputs, stub and output, all checked before any work is done */
    rc = opts->script != NULL ? check_script(opts->script, err) : PF_OK;
    if (rc == PF_OK)
        rc = check_paths(opts, err);
    if (rc == PF_OK) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n < 0)
            snprintf(self, sizeof self, "./pyfreeze"); /* no /proc: --stub still works */
        else
            self[n] = '\0';
        rc = pfz_locate_stub(opts->stub, self, &stub, err);
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
    pfz_resolve_options ropts = {
        .script = opts->script,
        .module = opts->module,
        .paths = opts->paths,
        .path_count = opts->path_count,
        .optimize = 0,
        .verbose = opts->verbose,
        .diag = diag,
    };
    rc = pfz_graph_build(&graph, &ropts, err);
    if (rc == PF_ERR_PYTHON)
        pf_error_clear(err); /* already printed as python3 prints it: say nothing more */
    if (rc != PF_OK)
        goto done;
    if (opts->verbose)
        pfz_print_graph(&graph, opts->script, listing);

    /* 3. pack, inject, publish */
    uint8_t magic[4];
    python_magic(magic);
    rc = pfz_payload_from_graph(&graph, magic, mtime, &payload, err);
    if (rc != PF_OK)
        goto done;
    rc = publish(stub, &payload, opts->output, err);
    if (rc == PF_OK && opts->verbose)
        fprintf(listing, "wrote %s: payload %zu bytes, stub %s\n", opts->output, payload.size,
                stub);
done:
    pfz_buffer_free(&payload);
    pfz_graph_free(&graph);
    if (python_started)
        pfz_python_stop();
    free(stub);
    return rc;
}
