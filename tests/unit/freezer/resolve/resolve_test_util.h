/* resolve_test_util.h - helpers shared by the resolver's unit tests: the
 * interpreter, temporary source trees, captured stderr. */
#ifndef RESOLVE_TEST_UTIL_H
#define RESOLVE_TEST_UTIL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>

/* rt_start_python: cmocka group setup: starts the embedded interpreter with
 * pfz_python_start (the code under test) and fails the group if it cannot. */
int rt_start_python(void **state);

/* rt_stop_python: cmocka group teardown. */
int rt_stop_python(void **state);

/* rt_compile: compiles source as a module named filename; fails the test on
 * error. Returns a new reference to the code object. */
PyObject *rt_compile(const char *source, const char *filename);

/* rt_mkdtemp: a new empty directory under /tmp; the path is static storage
 * owned by the caller until rt_rmtree. */
char *rt_mkdtemp(void);

/* rt_write: writes size bytes (or strlen(text) when size is (size_t)-1) to
 * dir/rel, creating the directories in rel. */
void rt_write(const char *dir, const char *rel, const char *text, size_t size);

/* rt_rmtree: removes dir and everything in it, then frees dir. */
void rt_rmtree(char *dir);

/* rt_stderr_begin / rt_stderr_end: capture what is written to fd 2 (by C
 * or by Python's sys.stderr) between the two calls; rt_stderr_end returns it
 * as a malloc'd NUL-terminated string. */
void rt_stderr_begin(void);
char *rt_stderr_end(void);

/* rt_run: runs a shell command and returns its stdout+stderr (malloc'd). */
char *rt_run(const char *command);

#endif
