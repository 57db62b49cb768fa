/* version.h - what pyfreeze --version prints: pyfreeze's version, the
 * version of the CPython the stub links (which every frozen program runs),
 * and the glibc the stub needs (the oldest a frozen program can run on,
 * before its extension modules' own needs). */
#ifndef PFZ_VERSION_H
#define PFZ_VERSION_H

#include <stdio.h>

/* pfz_print_version: writes to out
 *   pyfreeze VERSION
 *   CPython X.Y.Z (linked into the stub: frozen programs run it)
 *   stub PATH: a frozen program needs glibc >= 2.30 (...)
 * locating the installed stub from the running pyfreeze (/proc/self/exe)
 * as a freeze would (freeze.h pfz_locate_stub), and reading its
 * glibc floor (program_floor.h). When the stub cannot be found or read
 * the last line says why instead: --version itself does not fail. */
void pfz_print_version(FILE *out);

#endif
