/* listing.h - the -v listing of a freeze: each packed module with the
 * import that first pulled it in, and each bundled shared library with what
 * needs it. Part of the command (freezer/cli/), the only code that prints. */
#ifndef PFZ_LISTING_H
#define PFZ_LISTING_H

#include <stdio.h>

#include "module_graph.h"
#include "native_deps.h"

/* pfz_print_graph: the -v listing: one line per packed module (extension
 * modules included),
 * "json  <- app (app.py:3)", naming the module that first imported it and
 * the file and line of that import; script names the entry script (its stem
 * stands for "__main__"), NULL for -m. */
void pfz_print_graph(const pfz_graph *g, const char *script, FILE *out);

/* pfz_native_print: the -v listing of r on out: one line per bundled
 * library, "libs/libssl.so.3  (673.2 KiB, /usr/lib/.../libssl.so.3) <-
 * _ssl.cpython-311-x86_64-linux-gnu.so", naming every object (by file name)
 * that needs it directly; then the total, then the names left to the target
 * with the reason. */
void pfz_native_print(const pfz_native_result *r, FILE *out);

#endif
