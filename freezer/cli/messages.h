/* messages.h - the text of the warnings and notes a freeze returns as
 * records (report.h), printed by the command as they were always worded:
 * warnings and notes on diag (stderr), the -v listing's lines on listing
 * (stdout), a Python error's text as python3 prints it. */
#ifndef PFZ_MESSAGES_H
#define PFZ_MESSAGES_H

#include <stddef.h>
#include <stdio.h>

#include "program_floor.h"
#include "report.h"

/* What the command shows, the `show` argument below: 0 (the default: the
 * program's own unresolved imports that run as it loads, a summary of the
 * rest, the result), or these bits. */
#define PFZ_SHOW_VERBOSE 1 /* -v: every record */
#define PFZ_SHOW_QUIET 2   /* -q: no record at all, only errors */
#define PFZ_SHOW_STRICT 4  /* --strict: also the own code's unguarded imports in functions */

/* pfz_note_shown: 1 when the command prints record n in full with `show`;
 * the others (verbose_only) are summed up by pfz_print_summary. */
int pfz_note_shown(const pfz_note *n, int show);

/* pfz_print_note: prints one record: a warning or note on diag, a listing
 * line (PFZ_NOTE_DISTRIBUTION_PACKED) on listing; nothing when
 * pfz_note_shown says no. */
void pfz_print_note(const pfz_note *n, int show, FILE *diag, FILE *listing);

/* pfz_print_notes: pfz_print_note for r's records from *printed on, then
 * sets *printed to their count, so records are printed once as a freeze
 * goes on. */
void pfz_print_notes(const pfz_report *r, size_t *printed, int show, FILE *diag, FILE *listing);

/* pfz_print_summary: at most two lines on diag summing up the records not
 * shown in full (show without PFZ_SHOW_VERBOSE or PFZ_SHOW_QUIET): the
 * unresolved imports in code that may never run, counted for the program's
 * own code, the two distributions with most and the other distributions;
 * and the imports of other distributions left out (import_policy.c).
 * Each line ends by naming -v (and --follow-all-imports). The stdlib's own
 * misses (modules of other systems) and the edges left out because they
 * cannot run here are -v's only. Nothing when there is nothing to sum up. */
void pfz_print_summary(const pfz_report *r, int show, FILE *diag);

/* pfz_print_glibc_floor: writes to out what the freeze summary says of
 * the glibc the program needs (program_floor.h), without a newline:
 * "needs glibc >= 2.36 (arc4random_buf@GLIBC_2.36 in FILE)", or "needs no
 * versioned glibc symbol" when nothing does. */
void pfz_print_glibc_floor(const pfz_glibc_floor *floor, FILE *out);

/* pfz_print_glibc_floor_short: the same without naming the file and
 * symbol: "needs glibc >= 2.31" (the success line). */
void pfz_print_glibc_floor_short(const pfz_glibc_floor *floor, FILE *out);

/* pfz_print_python_error: prints e (a compile error) on diag as python3
 * would: for an error that is not a SyntaxError a line naming the file
 * first ("pyfreeze: error: cannot compile FILE:"), then the exception's
 * text as the interpreter formatted it. Nothing when e holds no text. */
void pfz_print_python_error(const pfz_python_error *e, FILE *diag);

#endif
