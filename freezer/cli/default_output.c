/* default_output.c - the executable's path when -o is not given,
 * dist/NAME as PyInstaller's dist/ directory; see default_output.h. */
#include "default_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pfz_default_output(pfz_options *opts, pf_error *err)
{
    char name[256];
    const char *src = opts->entry_point;
    size_t n = src != NULL ? strlen(src) : 0;
    if (opts->python) {
        src = "python3.11";
        n = strlen(src);
    } else if (opts->script != NULL) {
        const char *slash = strrchr(opts->script, '/');
        src = slash != NULL ? slash + 1 : opts->script;
        n = strlen(src);
        if (n > 3 && strcmp(src + n - 3, ".py") == 0) {
            n -= 3;
        }
    } else if (opts->module != NULL) {
        /* the last component of the module part; a __main__ names its package */
        const char *colon = strchr(opts->module, ':');
        const char *end = colon != NULL ? colon : opts->module + strlen(opts->module);
        const char *start = end;
        while (start > opts->module && start[-1] != '.') {
            start--;
        }
        if (end - start == 8 && strncmp(start, "__main__", 8) == 0 && start > opts->module) {
            end = start - 1;
            for (start = end; start > opts->module && start[-1] != '.';) {
                start--;
            }
        }
        src = start;
        n = (size_t)(end - start);
    }
    if (n == 0 || n >= sizeof name || (n <= 2 && strncmp(src, "..", n) == 0)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "missing -o OUT: where to write the executable (no name to put "
                            "under dist/ could be made from '%.*s')",
                            (int)n, src != NULL ? src : "");
    }
    memcpy(name, src, n);
    name[n] = '\0';
    /* under the project's directory when its pyproject.toml is a parent's */
    const char *dir = opts->project_dir != NULL ? opts->project_dir : "";
    if (asprintf(&opts->output_default, "%sdist/%s", dir, name) < 0) {
        opts->output_default = NULL;
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    opts->output = opts->output_default;
    opts->output_is_default = 1;
    return PF_OK;
}
