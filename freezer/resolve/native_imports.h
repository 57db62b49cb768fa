/* native_imports.h - the names of modules an extension module may import
 * from C, read from its read-only data with libelf (ELF gABI: section
 * headers, SHT_PROGBITS .rodata), never by loading it. A module imported
 * from C is named by a NUL-terminated string constant passed to
 * PyImport_ImportModule (Include/import.h): cffi's generated modules import
 * "_cffi_backend" (cffi/_cffi_include.h, _cffi_init), mypyc's per-module
 * shims "<hash>__mypyc" (mypyc/lib-rt/module_shim.tmpl), Cython modules
 * their dotted imports (__Pyx_ImportDottedModule). Which candidates count is
 * the caller's choice (extra_imports.c keeps only names that resolve).
 * Include Python.h first. */
#ifndef PFZ_NATIVE_IMPORTS_H
#define PFZ_NATIVE_IMPORTS_H

#include "pf_error.h"

/* pfz_native_imports: sets *names to a new list of str: each distinct
 * NUL-terminated string in the ELF file at path's .rodata sections
 * (strings longer than 200 bytes are skipped) that has the shape
 * pfz_native_is_candidate accepts, other than `module` itself, in the order
 * found. A file that is not ELF, or
 * has no .rodata, gives an empty list. Returns PF_OK, PF_ERR_IO (cannot
 * open or read path; message names it), PF_ERR_NOMEM. */
int pfz_native_imports(const char *path, const char *module, PyObject **names, pf_error *err);

/* pfz_native_is_candidate: 1 when the text (len bytes) is "_cffi_backend",
 * a top-level name ending in "__mypyc", or a dotted name of at least two
 * parts of ASCII letters, digits and '_' (each part not empty); else 0. */
int pfz_native_is_candidate(const char *text, size_t len);

#endif
