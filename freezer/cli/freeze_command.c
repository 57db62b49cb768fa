/* freeze_command.c - the freeze command: the environment in, the
 * pipeline's records and listing out; see freeze_command.h. The only
 * place the freezer reads the environment. */
#include "freeze_command.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depfile.h"
#include "freeze.h"
#include "listing.h"
#include "messages.h"

/* What the hooks need to print as the pipeline goes on. */
typedef struct command_ctx {
    const pfz_options *opts;
    FILE *listing;
    FILE *diag;
    size_t printed;   /* records of the report printed so far */
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

/* on_written: the one line of a freeze that worked (not with -q); with
 * -v, what was written and what the caches saved. */
static void on_written(void *ctx, const pfz_freeze_summary *s)
{
    command_ctx *c = ctx;
    if (c->opts->depfile != NULL && c->deps_rc == PF_OK) {
        c->deps_rc = pfz_strlist_push(&c->deps, s->stub, strlen(s->stub), &c->deps_err);
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

int pfz_command_freeze(const pfz_options *opts, FILE *listing, FILE *diag, pf_error *err)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n >= 0) {
        self[n] = '\0';
    }
    pfz_environment env = {.self_exe = n >= 0 ? self : NULL,
                           .source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
                           .virtual_env = getenv("VIRTUAL_ENV"),
                           .xdg_cache_home = getenv("XDG_CACHE_HOME"),
                           .home = getenv("HOME")};
    command_ctx ctx = {.opts = opts, .listing = listing, .diag = diag};
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
    pfz_report_free(&report);
    return rc;
}
