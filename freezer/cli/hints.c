/* hints.c - hints after a freeze that could not find a module: the
 * package is under ./src, or in a virtual environment in the working
 * directory that is not in use; see hints.h. */
#include "hints.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* exists: 1 when path names a file or directory (stat: through links);
 * dir 1 asks for a directory. */
static int exists(const char *path, int dir)
{
    struct stat st;
    return stat(path, &st) == 0 && (!dir || S_ISDIR(st.st_mode));
}

/* missing_top: the top-level name of the module in err's "no module named
 * 'NAME'" into top (size bytes); 0 when err says no such thing. */
static int missing_top(const pf_error *err, char *top, size_t size)
{
    static const char lead[] = "no module named '";
    const char *p = err != NULL ? strstr(err->message, lead) : NULL;
    if (p == NULL) {
        return 0;
    }
    p += sizeof lead - 1;
    size_t n = strcspn(p, ".'");
    if (n == 0 || n >= size || p[n] == '\0') {
        return 0;
    }
    memcpy(top, p, n);
    top[n] = '\0';
    return 1;
}

/* has_module: 1 when directory dir holds top-level module top: a package
 * directory, top.py, or an extension module top.*.so. */
static int has_module(const char *dir, const char *top)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, top);
    if (exists(path, 1)) {
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s.py", dir, top);
    if (exists(path, 0)) {
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s.cpython-311-x86_64-linux-gnu.so", dir, top);
    return exists(path, 0);
}

void pfz_hint_src_layout(const pfz_options *opts, pf_error *err)
{
    char top[256], src[PATH_MAX];
    if (!missing_top(err, top, sizeof top) || !has_module("src", top) ||
        realpath("src", src) == NULL) {
        return;
    }
    for (size_t i = 0; i < opts->path_count; i++) {
        char p[PATH_MAX];
        if (realpath(opts->paths[i], p) != NULL && strcmp(p, src) == 0) {
            return; /* searched already: something else is wrong */
        }
    }
    size_t n = strlen(err->message);
    snprintf(err->message + n, sizeof err->message - n,
             "; '%s' is under ./src (a src layout): add -p src (or path = [\"src\"] in "
             "pyproject.toml's [tool.pyfreeze])",
             top);
}

/* venv_hint: the hint for one environment dir, when it has top. */
static int venv_hint(const char *dir, const char *top, FILE *diag)
{
    char cfg[PATH_MAX], site[PATH_MAX];
    snprintf(cfg, sizeof cfg, "%s/pyvenv.cfg", dir);
    snprintf(site, sizeof site, "%s/lib/python3.11/site-packages", dir);
    if (!exists(cfg, 0) || !has_module(site, top)) {
        return 0;
    }
    fprintf(diag,
            "pyfreeze: hint: '%s' is installed in the virtual environment ./%s, which this "
            "freeze did not search: activate it (. %s/bin/activate) or pass --venv %s\n",
            top, dir, dir, dir);
    return 1;
}

void pfz_hint_venv(const pfz_options *opts, const char *virtual_env, const pfz_report *report,
                   const pf_error *err, FILE *diag)
{
    if (opts->venv != NULL || (virtual_env != NULL && virtual_env[0] != '\0')) {
        return;
    }
    static const char *const dirs[] = {".venv", "venv"};
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        int told = 0;
        char top[256];
        if (missing_top(err, top, sizeof top)) {
            told = venv_hint(dirs[d], top, diag);
        }
        for (size_t i = 0; !told && report != NULL && i < report->note_count; i++) {
            const pfz_note *n = &report->notes[i];
            if (n->kind != PFZ_NOTE_MODULE_NOT_FOUND || n->verbose_only || n->module == NULL) {
                continue;
            }
            size_t len = strcspn(n->module, ".");
            if (len == 0 || len >= sizeof top) {
                continue;
            }
            memcpy(top, n->module, len);
            top[len] = '\0';
            told = venv_hint(dirs[d], top, diag); /* one hint per environment */
        }
    }
}
