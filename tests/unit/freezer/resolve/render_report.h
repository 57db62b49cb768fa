/* render_report.h - for the resolver's tests: the text the command
 * (cli/messages.h) prints for the records a build returns (report.h). */
#ifndef RENDER_REPORT_H
#define RENDER_REPORT_H

#include "report.h"

/* rt_render_notes: what the command prints on stderr for r's records
 * (cli/messages.h), with verbose as -v; listing lines are left out.
 * Returns a malloc'd NUL-terminated string. */
char *rt_render_notes(const pfz_report *r, int verbose);

/* rt_render_python_error: what the command prints on stderr for r's Python
 * error (cli/messages.h), "" when it has none. Malloc'd. */
char *rt_render_python_error(const pfz_report *r);

#endif
