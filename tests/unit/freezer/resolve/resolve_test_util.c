/* resolve_test_util.c - see resolve_test_util.h. */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "python_host.h"

int rt_start_python(void **state)
{
    (void)state;
    pf_error err = {0};
    if (pfz_python_start(&err) != PF_OK) {
        fprintf(stderr, "pfz_python_start: %s\n", err.message);
        return -1;
    }
    return 0;
}

int rt_stop_python(void **state)
{
    (void)state;
    pfz_python_stop();
    return 0;
}

PyObject *rt_compile(const char *source, const char *filename)
{
    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    PyObject *name = PyUnicode_FromString(filename);
    assert_non_null(name);
    PyObject *code = Py_CompileStringObject(source, name, Py_file_input, &flags, 0);
    Py_DECREF(name);
    if (code == NULL) {
        PyErr_Print();
    }
    assert_non_null(code);
    return code;
}

char *rt_mkdtemp(void)
{
    char *dir = strdup("/tmp/pfz-resolve-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

void rt_write(const char *dir, const char *rel, const char *text, size_t size)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, rel);
    assert_true(n > 0 && (size_t)n < sizeof path);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        assert_true(mkdir(path, 0700) == 0 || access(path, F_OK) == 0);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    size_t len = size == (size_t)-1 ? strlen(text) : size;
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void rt_rmtree(char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static int saved_fd = -1;
static FILE *capture;

static void flush_python_stderr(void)
{
    PyObject *err = PySys_GetObject("stderr");
    if (err != NULL && err != Py_None) {
        PyObject *r = PyObject_CallMethod(err, "flush", NULL);
        Py_XDECREF(r);
        PyErr_Clear();
    }
    fflush(stderr);
}

void rt_stderr_begin(void)
{
    flush_python_stderr();
    capture = tmpfile();
    assert_non_null(capture);
    saved_fd = dup(2);
    assert_true(saved_fd >= 0);
    assert_true(dup2(fileno(capture), 2) == 2);
}

/* read_all: the rest of f as a malloc'd string. */
static char *read_all(FILE *f)
{
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + used, 1, cap - used - 1, f)) > 0) {
        used += n;
        if (cap - used < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[used] = '\0';
    return buf;
}

char *rt_stderr_end(void)
{
    flush_python_stderr();
    assert_true(dup2(saved_fd, 2) == 2);
    close(saved_fd);
    rewind(capture);
    char *text = read_all(capture);
    fclose(capture);
    return text;
}

char *rt_run(const char *command)
{
    FILE *p = popen(command, "r");
    assert_non_null(p);
    char *text = read_all(p);
    pclose(p);
    return text;
}
