/* messages.c - the wording of the freezer's warnings and notes; see
 * messages.h. The texts are what users and the e2e tests
 * (tests/e2e/freezer_errors.sh) read: change them knowingly. */
#include "messages.h"

/* The end of every unresolved-import warning. */
#define PFZ_IMPORT_WARNING_TAIL                                                                    \
    "the frozen program will raise ImportError there if it runs this import\n"

/* or_empty: s, or "" for NULL. */
static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

void pfz_print_note(const pfz_note *n, int verbose, FILE *diag, FILE *listing)
{
    if (n->verbose_only && !verbose) {
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
    }
}

void pfz_print_notes(const pfz_report *r, size_t *printed, int verbose, FILE *diag, FILE *listing)
{
    for (size_t i = *printed; i < r->note_count; i++) {
        pfz_print_note(&r->notes[i], verbose, diag, listing);
    }
    *printed = r->note_count;
}

void pfz_print_glibc_floor(const pfz_glibc_floor *floor, FILE *out)
{
    if (floor->file == NULL) {
        fputs("needs no versioned glibc symbol", out);
        return;
    }
    char version[32];
    pfz_glibc_version_format(floor->need.version, version, sizeof version);
    fprintf(out, "needs glibc >= %s (", version);
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
