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

/* pfz_print_note: prints one record: a warning or note on diag, a listing
 * line (PFZ_NOTE_DISTRIBUTION_PACKED) on listing; nothing for a
 * verbose_only record unless verbose is set. */
void pfz_print_note(const pfz_note *n, int verbose, FILE *diag, FILE *listing);

/* pfz_print_notes: pfz_print_note for r's records from *printed on, then
 * sets *printed to their count, so records are printed once as a freeze
 * goes on. */
void pfz_print_notes(const pfz_report *r, size_t *printed, int verbose, FILE *diag, FILE *listing);

/* pfz_print_glibc_floor: writes to out what the freeze summary says of
 * the glibc the program needs (program_floor.h), without a newline:
 * "needs glibc >= 2.36 (arc4random_buf@GLIBC_2.36 in FILE)", or "needs no
 * versioned glibc symbol" when nothing does. */
void pfz_print_glibc_floor(const pfz_glibc_floor *floor, FILE *out);

/* pfz_print_python_error: prints e (a compile error) on diag as python3
 * would: for an error that is not a SyntaxError a line naming the file
 * first ("pyfreeze: error: cannot compile FILE:"), then the exception's
 * text as the interpreter formatted it. Nothing when e holds no text. */
void pfz_print_python_error(const pfz_python_error *e, FILE *diag);

#endif
