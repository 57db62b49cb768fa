/* messages.c - the wording of the freezer's warnings and notes; see
 * messages.h. The texts are what users and the e2e tests
 * (tests/e2e/freezer_errors.sh) read: change them knowingly. */
#include "messages.h"

#include <string.h>

/* The end of every unresolved-import warning. */
#define PFZ_IMPORT_WARNING_TAIL                                                                    \
    "the frozen program will raise ImportError there if it runs this import\n"

/* or_empty: s, or "" for NULL. */
static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* is_unresolved: 1 for the records of imports that cannot be resolved. */
static int is_unresolved(const pfz_note *n)
{
    return n->kind == PFZ_NOTE_MODULE_NOT_FOUND || n->kind == PFZ_NOTE_BAD_RELATIVE_IMPORT;
}

int pfz_note_shown(const pfz_note *n, int show)
{
    if (show & PFZ_SHOW_QUIET) {
        return 0;
    }
    return !n->verbose_only || (show & PFZ_SHOW_VERBOSE) ||
           ((show & PFZ_SHOW_STRICT) && is_unresolved(n) && n->own_code && !n->guarded);
}

void pfz_print_note(const pfz_note *n, int show, FILE *diag, FILE *listing)
{
    if (!pfz_note_shown(n, show)) {
        return;
    }
    const char *reason = or_empty(n->reason);
    switch (n->kind) {
    case PFZ_NOTE_MODULE_NOT_FOUND:
        fprintf(diag,
                "pyfreeze: warning: %s:%d: cannot find module '%s'%s%s (imported by "
                "%s); " PFZ_IMPORT_WARNING_TAIL,
                or_empty(n->file), n->line, or_empty(n->module), reason[0] ? ": " : "", reason,
                or_empty(n->importer));
        break;
    case PFZ_NOTE_BAD_RELATIVE_IMPORT:
        fprintf(diag,
                "pyfreeze: warning: %s:%d: cannot resolve 'from %s import %s': %s (in "
                "%s); " PFZ_IMPORT_WARNING_TAIL,
                or_empty(n->file), n->line, or_empty(n->module), or_empty(n->names), reason,
                or_empty(n->importer));
        break;
    case PFZ_NOTE_DEV_TOOL_NOT_FOLLOWED:
        fprintf(diag,
                "pyfreeze: note: not following %s's import of %s in a function at line %d "
                "(a development tool); name it with --hidden-import if the program needs it\n",
                or_empty(n->importer), or_empty(n->module), n->line);
        break;
    case PFZ_NOTE_BUILD_TOOL_NOT_FOLLOWED:
        fprintf(diag,
                "pyfreeze: note: not following %s's import of %s at line %d (a build or test "
                "tool; %s was packed by a collection rule); name it with --hidden-import if "
                "the program needs it\n",
                or_empty(n->importer), or_empty(n->module), n->line, or_empty(n->importer));
        break;
    case PFZ_NOTE_RULE_NOT_FOLLOWED:
        fprintf(diag,
                "pyfreeze: note: not following %s's import of %s at line %d (left out by the "
                "package rules or the package's hook); name it with --hidden-import if the "
                "program needs it\n",
                or_empty(n->importer), or_empty(n->module), n->line);
        break;
    case PFZ_NOTE_IMPORT_LEFT_OUT:
        fprintf(diag,
                "pyfreeze: note: not following %s's import of %s at line %d (%s); name it with "
                "--hidden-import if the program needs it, or use --follow-all-imports\n",
                or_empty(n->importer), or_empty(n->module), n->line, reason);
        break;
    case PFZ_NOTE_DISTRIBUTION_PACKED:
        fprintf(listing,
                "distribution %s %s (%s): %s packed whole: %llu more modules; %llu metadata "
                "files\n",
                or_empty(n->distribution), or_empty(n->version), or_empty(n->file),
                or_empty(n->module), n->count[0], n->count[1]);
        break;
    case PFZ_NOTE_NO_CACHE:
        fprintf(diag, "pyfreeze: warning: %s; freezing without a cache\n", reason);
        break;
    case PFZ_NOTE_BAD_SOURCE_DATE_EPOCH:
        fprintf(diag,
                "pyfreeze: warning: ignoring SOURCE_DATE_EPOCH='%s' (not a number of seconds up "
                "to %llu); using 0\n",
                or_empty(n->names), n->count[0]);
        break;
    case PFZ_NOTE_LIBRARY_SONAME_DIFFERS:
        fprintf(diag,
                "pyfreeze: warning: %s needs '%s', found as %s whose SONAME is '%s': it is "
                "bundled as libs/%s, and a loader matches DT_NEEDED names to SONAMEs\n",
                or_empty(n->importer), or_empty(n->names), or_empty(n->file), or_empty(n->library),
                or_empty(n->library));
        break;
    case PFZ_NOTE_LIBRARY_CYCLE:
        fprintf(diag,
                "pyfreeze: warning: %s and %s need each other (a dependency cycle): %s is loaded "
                "first, and its need for %s may then be met from the target's disk\n",
                or_empty(n->names), or_empty(n->library), or_empty(n->library), or_empty(n->names));
        break;
    case PFZ_NOTE_OPTION_MATCHED_NOTHING:
        fprintf(diag, "pyfreeze: warning: %s '%s' matched nothing: %s\n", or_empty(n->names),
                or_empty(n->module), reason);
        break;
    }
}

void pfz_print_notes(const pfz_report *r, size_t *printed, int show, FILE *diag, FILE *listing)
{
    for (size_t i = *printed; i < r->note_count; i++) {
        pfz_print_note(&r->notes[i], show, diag, listing);
    }
    *printed = r->note_count;
}

/* One distribution's count of unresolved imports not shown. */
typedef struct dist_count {
    const char *name; /* borrowed from a record */
    size_t count;
} dist_count;

/* The summary's counts. */
typedef struct summary_counts {
    size_t own, dists_total, left_out;
    dist_count top[2]; /* the two distributions with the most, most first */
    size_t dist_names; /* distributions with any */
} summary_counts;

/* count_distribution: adds the count of distribution `name` over r's
 * unresolved records not shown (a quadratic pass: records are few
 * thousand at most) to s->top when it is among the two largest; counts each
 * distribution once, at its first record (index i). */
static void count_distribution(const pfz_report *r, size_t i, int show, summary_counts *s)
{
    const char *name = r->notes[i].distribution;
    for (size_t j = 0; j < i; j++) {
        const pfz_note *o = &r->notes[j];
        if (is_unresolved(o) && !pfz_note_shown(o, show) && o->distribution != NULL &&
            strcmp(o->distribution, name) == 0) {
            return; /* counted at its first record */
        }
    }
    size_t count = 0;
    for (size_t j = i; j < r->note_count; j++) {
        const pfz_note *o = &r->notes[j];
        count += is_unresolved(o) && !pfz_note_shown(o, show) && o->distribution != NULL &&
                 strcmp(o->distribution, name) == 0;
    }
    s->dist_names++;
    if (count > s->top[0].count) {
        s->top[1] = s->top[0];
        s->top[0] = (dist_count){name, count};
    } else if (count > s->top[1].count) {
        s->top[1] = (dist_count){name, count};
    }
}

void pfz_print_summary(const pfz_report *r, int show, FILE *diag)
{
    if (show & (PFZ_SHOW_VERBOSE | PFZ_SHOW_QUIET)) {
        return;
    }
    summary_counts s = {0};
    for (size_t i = 0; i < r->note_count; i++) {
        const pfz_note *n = &r->notes[i];
        if (pfz_note_shown(n, show)) {
            continue;
        }
        if (n->kind == PFZ_NOTE_IMPORT_LEFT_OUT && n->distribution != NULL) {
            s.left_out++;
        } else if (!is_unresolved(n) || n->in_stdlib) {
            continue; /* the stdlib's own misses (other systems' modules) are -v's */
        } else if (n->own_code) {
            s.own++;
        } else if (n->distribution != NULL) {
            s.dists_total++;
            count_distribution(r, i, show, &s);
        }
    }
    size_t total = s.own + s.dists_total;
    if (total > 0) {
        fprintf(diag,
                "pyfreeze: %zu more import%s cannot be found, in code that may never run:", total,
                total == 1 ? "" : "s");
        const char *sep = " ";
        if (s.own > 0) {
            fprintf(diag, "%s%zu in the program's own functions or try blocks", sep, s.own);
            sep = ", ";
        }
        size_t named = 0;
        for (int k = 0; k < 2 && s.top[k].name != NULL; k++) {
            fprintf(diag, "%s%zu in %s", sep, s.top[k].count, s.top[k].name);
            named += s.top[k].count;
            sep = ", ";
        }
        size_t others = s.dist_names > 2 ? s.dist_names - 2 : 0;
        if (others > 0) {
            fprintf(diag, "%s%zu in %zu other distribution%s", sep, s.dists_total - named, others,
                    others == 1 ? "" : "s");
        }
        fputs(" (pyfreeze -v lists them)\n", diag);
    }
    if (s.left_out > 0) {
        fprintf(diag,
                "pyfreeze: %zu import%s of other distributions left out: in functions or "
                "optional, and nothing else needs them (pyfreeze -v lists them; "
                "--follow-all-imports packs them)\n",
                s.left_out, s.left_out == 1 ? "" : "s");
    }
}

void pfz_print_glibc_floor_short(const pfz_glibc_floor *floor, FILE *out)
{
    if (floor->file == NULL) {
        fputs("needs no versioned glibc symbol", out);
        return;
    }
    char version[32];
    pfz_glibc_version_format(floor->need.version, version, sizeof version);
    fprintf(out, "needs glibc >= %s", version);
}

void pfz_print_glibc_floor(const pfz_glibc_floor *floor, FILE *out)
{
    pfz_print_glibc_floor_short(floor, out);
    if (floor->file == NULL) {
        return;
    }
    char version[32];
    pfz_glibc_version_format(floor->need.version, version, sizeof version);
    fputs(" (", out);
    if (floor->need.symbol[0] != '\0') {
        fprintf(out, "%s@", floor->need.symbol);
    }
    fprintf(out, "GLIBC_%s in %s)", version, floor->file);
}

void pfz_print_python_error(const pfz_python_error *e, FILE *diag)
{
    if (e->text == NULL) {
        return;
    }
    if (!e->is_syntax_error) {
        fprintf(diag, "pyfreeze: error: cannot compile %s:\n", e->file);
    }
    fwrite(e->text, 1, e->text_size, diag);
    fflush(diag);
}
