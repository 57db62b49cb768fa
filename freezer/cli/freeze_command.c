/* freeze_command.c - the freeze command: the environment in, the
 * pipeline's records and listing out; see freeze_command.h. The only
 * place the freezer reads the environment. */
#include "freeze_command.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depfile.h"
#include "freeze.h"
#include "hints.h"
#include "listing.h"
#include "messages.h"
#include "project_config.h"

/* What the hooks need to print as the pipeline goes on. */
typedef struct command_ctx {
    const pfz_options *opts;
    FILE *listing;
    FILE *diag;
    size_t printed;   /* records of the report printed so far */
    int rc;           /* PF_OK, or the error of writing --report / --sbom */
    pf_error *err;    /* where that error goes */
    pfz_strlist deps; /* with --depfile: the files read so far (depfile.h) */
    int deps_rc;      /* PF_OK, or the first error collecting deps (in deps_err) */
    pf_error deps_err;
} command_ctx;

/* show_of: what the options ask to be shown (messages.h PFZ_SHOW_*). */
static int show_of(const pfz_options *opts)
{
    return (opts->verbose ? PFZ_SHOW_VERBOSE : 0) | (opts->quiet ? PFZ_SHOW_QUIET : 0) |
           (opts->strict ? PFZ_SHOW_STRICT : 0);
}

/* on_resolved: the records so far and the summary of those not shown,
 * then with -v the module listing. */
static void on_resolved(void *ctx, const pfz_report *report, const pfz_graph *g)
{
    command_ctx *c = ctx;
    pfz_print_notes(report, &c->printed, show_of(c->opts), c->diag, c->listing);
    pfz_print_summary(report, show_of(c->opts), c->diag);
    if (c->opts->verbose) {
        pfz_print_graph(g, c->opts->script, c->listing);
    }
    if (c->opts->depfile != NULL && c->deps_rc == PF_OK) {
        c->deps_rc = pfz_depfile_add_graph(&c->deps, g, &c->deps_err);
    }
}

/* on_collected: the records so far, then with -v the bundled shared
 * libraries. */
static void on_collected(void *ctx, const pfz_report *report, const pfz_native_files *native)
{
    command_ctx *c = ctx;
    pfz_print_notes(report, &c->printed, show_of(c->opts), c->diag, c->listing);
    if (c->opts->verbose && native->count > 0) {
        pfz_native_print(&native->deps, c->listing);
    }
    if (c->opts->depfile != NULL && c->deps_rc == PF_OK) {
        c->deps_rc = pfz_depfile_add_native(&c->deps, native, &c->deps_err);
    }
}

/* write_text: writes text[0..size) to path whole or not at all: into a
 * temporary file beside it, then renamed over it. Returns PF_OK or
 * PF_ERR_IO naming the option, the file and why. */
static int write_text(const char *option, const char *path, const char *text, size_t size,
                      pf_error *err)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL && fwrite(text, 1, size, f) == size;
    int saved = errno;
    if (f != NULL && fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok && f != NULL) {
        unlink(tmp);
    }
    free(tmp);
    return ok ? PF_OK
              : pf_error_set(err, PF_ERR_IO,
                             "%s '%s': cannot write it: %s (the program itself was written; "
                             "give a writable path)",
                             option, path, strerror(saved));
}

/* write_documents: the --report and --sbom files the freeze made. */
static int write_documents(const pfz_options *opts, const pfz_build_report *d, pf_error *err)
{
    int rc = PF_OK;
    if (opts->report != NULL) {
        const char *text = d->html != NULL ? d->html : d->json;
        size_t size = d->html != NULL ? d->html_size : d->json_size;
        rc = text != NULL ? write_text("--report", opts->report, text, size, err) : PF_OK;
    }
    if (rc == PF_OK && opts->sbom != NULL && d->sbom != NULL) {
        rc = write_text("--sbom", opts->sbom, d->sbom, d->sbom_size, err);
    }
    return rc;
}

/* on_written: the one line of a freeze that worked (not with -q); with
 * -v, what was written and what the caches saved. */
static void on_written(void *ctx, const pfz_freeze_summary *s)
{
    command_ctx *c = ctx;
    if (c->opts->depfile != NULL && c->deps_rc == PF_OK) {
        c->deps_rc = pfz_strlist_push(&c->deps, s->stub, strlen(s->stub), &c->deps_err);
    }
    if (s->documents != NULL) {
        c->rc = write_documents(c->opts, s->documents, c->err);
    }
    if (!c->opts->quiet) {
        fprintf(c->diag, "pyfreeze: wrote %s: %.1f MB, %zu modules, %zu shared librar%s; ",
                s->output, (double)s->output_size / 1e6, s->module_count, s->library_count,
                s->library_count == 1 ? "y" : "ies");
        pfz_print_glibc_floor_short(s->glibc_floor, c->diag);
        fputc('\n', c->diag);
    }
    if (!c->opts->verbose) {
        return;
    }
    fprintf(c->listing, "wrote %s: payload %zu bytes, stub %s, ", s->output, s->payload_size,
            s->stub);
    pfz_print_glibc_floor(s->glibc_floor, c->listing);
    fputc('\n', c->listing);
    if (s->cache_used) {
        fprintf(c->listing, "cache: %zu of %zu modules and %zu of %zu frames reused\n",
                s->cache.pyc_hits, s->cache.pyc_hits + s->cache.pyc_misses, s->cache.frame_hits,
                s->cache.frame_hits + s->cache.frame_misses);
    }
    fprintf(c->listing, "bytecode of %zu installed modules read from their __pycache__\n",
            s->from_pycache);
}

/* prepare: what the command settles before the pipeline runs: an
 * --entry-point looked up (project_config.h) and made the -m
 * MODULE:FUNCTION of *run (*reference owns it), and the default output's
 * dist/ directory made. */
static int prepare(pfz_options *run, char **reference, FILE *listing, pf_error *err)
{
    if (run->entry_point != NULL) {
        char *found_in = NULL;
        const char *venv = run->venv != NULL ? run->venv : getenv("VIRTUAL_ENV");
        const char *pyproject = run->project_file != NULL ? run->project_file : "pyproject.toml";
        int rc = pfz_project_entry_point(run->entry_point, pyproject, run->paths, run->path_count,
                                         venv, reference, &found_in, err);
        if (rc != PF_OK) {
            return rc;
        }
        if (run->verbose) {
            fprintf(listing, "entry point %s: %s (from %s)\n", run->entry_point, *reference,
                    found_in);
        }
        free(found_in);
        run->module = *reference;
    }
    /* dist/NAME's directory: the output less its last component */
    const char *slash = run->output_is_default ? strrchr(run->output, '/') : NULL;
    if (slash != NULL) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - run->output), run->output);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            return pf_error_set(err, PF_ERR_IO, "cannot make the output directory '%s': %s", dir,
                                strerror(errno));
        }
    }
    return PF_OK;
}

int pfz_command_freeze(const pfz_options *given, FILE *listing, FILE *diag, pf_error *err)
{
    pfz_options run = *given;
    const pfz_options *opts = &run;
    char *reference = NULL;
    int prc = prepare(&run, &reference, listing, err);
    if (prc != PF_OK) {
        free(reference);
        return prc;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n >= 0) {
        self[n] = '\0';
    }
    pfz_environment env = {.self_exe = n >= 0 ? self : NULL,
                           .source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
                           .virtual_env = getenv("VIRTUAL_ENV"),
                           .xdg_cache_home = getenv("XDG_CACHE_HOME"),
                           .home = getenv("HOME"),
                           .tmpdir = getenv("TMPDIR")};
    command_ctx ctx = {.opts = opts, .listing = listing, .diag = diag, .err = err};
    pfz_freeze_hooks hooks = {
        .ctx = &ctx, .resolved = on_resolved, .collected = on_collected, .written = on_written};
    pfz_report report = {0};
    int rc = pfz_freeze(opts, &env, &hooks, &report, err);
    if (rc == PF_OK && opts->depfile != NULL && ctx.deps_rc != PF_OK) {
        *err = ctx.deps_err;
        rc = ctx.deps_rc;
    } else if (rc == PF_OK && opts->depfile != NULL) {
        rc = pfz_depfile_write(opts->depfile, opts->output, &ctx.deps, err);
    }
    pfz_strlist_free(&ctx.deps);
    /* what a failed step recorded before it failed, then its error */
    pfz_print_notes(&report, &ctx.printed, show_of(opts), diag, listing);
    if (rc == PF_ERR_PYTHON && report.python_error.text != NULL) {
        pfz_print_python_error(&report.python_error, diag);
        pf_error_clear(err); /* python3's own words said it all */
    }
    if (rc == PF_ERR_NOT_FOUND) {
        pfz_hint_src_layout(opts, err);
    }
    if (!opts->quiet || rc != PF_OK) {
        pfz_hint_venv(opts, env.virtual_env, &report, rc != PF_OK ? err : NULL, diag);
    }
    pfz_report_free(&report);
    free(reference);
    return rc == PF_OK ? ctx.rc : rc;
}
