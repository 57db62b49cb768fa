/* damaged.c - the reports that end a frozen program that cannot run: the
 * one report of damage, and the causes that are not damage (permission,
 * memory, the system); see damaged.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "damaged.h"

#include <stdio.h>
#include <stdlib.h>

#include "boot.h"
#include "cpython311.h"
#include "pf_error.h"

/* flush_python_streams: sys.stdout then sys.stderr, when the calling thread
 * runs Python; errors are ignored (the report follows anyway). The pending
 * exception is fetched and never restored nor released: releasing it could
 * run finalizers, which may print or import, while the process ends. */
static void flush_python_streams(void)
{
    if (PF_PY_THREAD_STATE_OR_NULL() == NULL) {
        return;
    }
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    const char *streams[] = {"stdout", "stderr"};
    for (size_t i = 0; i < sizeof streams / sizeof *streams; i++) {
        PyObject *stream = PySys_GetObject(streams[i]); /* borrowed */
        PyObject *r =
            stream != NULL && stream != Py_None ? PyObject_CallMethod(stream, "flush", NULL) : NULL;
        Py_XDECREF(r);
        PyErr_Clear();
    }
}

/* program_name: what the reports call the program. */
static const char *program_name(const char *executable)
{
    return executable != NULL && executable[0] != '\0' ? executable : "pyfreeze program";
}

_Noreturn void pf_cannot_run_exit(const char *executable, const char *what)
{
    flush_python_streams();
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", program_name(executable), what);
    fflush(stderr);
    exit(PF_BOOT_EXIT_DAMAGED);
}

_Noreturn void pf_read_failed_exit(const char *executable, const char *member, size_t memberSize,
                                   int status, const char *what)
{
    if (status != PF_ERR_NOMEM) {
        pf_damaged_exit(executable, member, memberSize, what);
    }
    char line[1024];
    snprintf(line, sizeof line,
             "out of memory%s%.*s: %s (is its address space limited? see ulimit -v, prlimit --as)",
             member != NULL ? " reading " : "", member != NULL ? (int)memberSize : 0,
             member != NULL ? member : "", what);
    pf_cannot_run_exit(executable, line);
}

_Noreturn void pf_damaged_exit(const char *executable, const char *member, size_t memberSize,
                               const char *what)
{
    flush_python_streams();
    fflush(stdout);
    const char *file = program_name(executable);
    if (member != NULL) {
        fprintf(stderr, "%s: this frozen program is damaged: %.*s: %s; rebuild it with pyfreeze\n",
                file, (int)memberSize, member, what);
    } else {
        fprintf(stderr, "%s: this frozen program is damaged: %s; rebuild it with pyfreeze\n", file,
                what);
    }
    fflush(stderr);
    exit(PF_BOOT_EXIT_DAMAGED);
}
