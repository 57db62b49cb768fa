/* version.c - pyfreeze --version; see version.h. Compiled with the path of
 * the patchlevel.h of the CPython the stub links (the PVM's, or Debian's
 * for a -DPYFREEZE_PVM=OFF build) in PF_STUB_PATCHLEVEL_H, so the version
 * printed is the stub's interpreter's, not the freezer's. */
#include "version.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include PF_STUB_PATCHLEVEL_H /* PY_VERSION */
#include "freeze.h"
#include "messages.h"
#include "program_floor.h"

void pfz_print_version(FILE *out)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n >= 0) {
        self[n] = '\0';
    }
    fprintf(out, "pyfreeze %s\n", PYFREEZE_VERSION);
    fprintf(out, "CPython %s (linked into the stub: frozen programs run it)\n", PY_VERSION);
    char *stub = NULL;
    pf_error err;
    pf_error_clear(&err);
    pfz_glibc_floor floor;
    int rc = pfz_locate_stub(NULL, 0, n >= 0 ? self : "./pyfreeze", &stub, &err);
    if (rc == PF_OK) {
        rc = pfz_glibc_floor_of_program(stub, NULL, NULL, &floor, &err);
    }
    if (rc != PF_OK) {
        fprintf(out, "stub: %s\n", err.message);
    } else {
        fprintf(out, "stub %s: a frozen program ", stub);
        pfz_print_glibc_floor_short(&floor, out);
        fputs(" (a newer one if an extension module it packs does)\n", out);
    }
    free(stub);
}
