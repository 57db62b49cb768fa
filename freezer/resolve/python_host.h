/* python_host.h - the CPython interpreter embedded in the freezer. It is the
 * same static libpython the stub links, so bytecode always matches the PVM
 * that runs it. Configured isolated (no PYTHON* variables, no user site) with
 * home set to Debian python3.11's prefix, so sys.path is the host's:
 * /usr/lib/python3.11, lib-dynload, and the dist-packages directories. */
#ifndef PFZ_PYTHON_HOST_H
#define PFZ_PYTHON_HOST_H

#include "pf_error.h"

/* pfz_python_start: initialises the interpreter once. Errors: PF_ERR_PYTHON
 * (initialisation failed; message says why). */
int pfz_python_start(pf_error *err);

/* pfz_python_stop: finalises it; safe to call when not started. */
void pfz_python_stop(void);

#endif
