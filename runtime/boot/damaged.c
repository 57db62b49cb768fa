/* damaged.c - the one report of a damaged frozen program, which ends the
 * process; see damaged.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "damaged.h"

#include <stdio.h>
#include <stdlib.h>

#include "boot.h"
#include "cpython311.h"

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

_Noreturn void pf_damaged_exit(const char *executable, const char *member, size_t memberSize,
                               const char *what)
{
    flush_python_streams();
    fflush(stdout);
    const char *file =
        executable != NULL && executable[0] != '\0' ? executable : "pyfreeze program";
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
