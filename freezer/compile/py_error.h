/* py_error.h - a pending Python exception turned into data: the one-line
 * pf_error record the freezer's Python-using stages return, and, for an
 * exception about the program's own code, its full text as python3 prints
 * it, for the command to print (library code never prints).
 *
 * PF_ERR_PYTHON has one meaning in the freezer: the embedded interpreter
 * raised an exception; the record's message says in one line what failed.
 * Its text as python3 shows it travels beside the record in a
 * pfz_python_error when the user must see it (a syntax error). Include
 * Python.h first (or this header first): CPython wants it before any
 * system header. */
#ifndef PFZ_PY_ERROR_H
#define PFZ_PY_ERROR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pf_error.h"

/* A Python exception about the program's code, as python3 reports it. */
typedef struct pfz_python_error {
    char *file;          /* malloc'd path of the source file it is about */
    int is_syntax_error; /* 1: a SyntaxError, whose text names the file and line itself */
    char *text;          /* malloc'd: the bytes python3 writes to stderr for it
                            (PyErr_Print's format, in stderr's encoding), NUL-terminated */
    size_t text_size;    /* bytes of text, the NUL not counted */
} pfz_python_error;

/* pfz_py_fail: clears the pending Python exception and records what failed
 * (what) and the exception's str() in err. Returns PF_ERR_NOMEM for a
 * MemoryError, else PF_ERR_PYTHON. */
int pfz_py_fail(pf_error *err, const char *what);

/* pfz_py_usage_error: for a failed call into Python helpers that raise
 * ValueError for a bad option value (its text names the option): records
 * PF_ERR_USAGE with message prefix + the exception's text (fallback when it
 * has none) and clears it; any other exception goes to pfz_py_fail(err,
 * what). Returns the status set. */
int pfz_py_usage_error(pf_error *err, const char *prefix, const char *fallback, const char *what);

/* pfz_py_error_capture: takes the pending exception (the caller checked
 * one is set), with file as the file it is about, and fills *out with the
 * text PyErr_PrintEx(0) would write to sys.stderr for it, written into a
 * buffer instead and encoded as sys.stderr encodes. The exception is
 * cleared. Returns PF_OK or PF_ERR_NOMEM (*out then empty). */
int pfz_py_error_capture(const char *file, int is_syntax_error, pfz_python_error *out);

/* pfz_python_error_free: frees what e holds and zeroes it; accepts NULL. */
void pfz_python_error_free(pfz_python_error *e);

#endif
