/* entry_script.c - the console-script wrapper a program frozen from an
 * entry point runs as its main module; see entry_script.h. */
#include "entry_script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pfz_entry_script_is_reference(const char *module)
{
    return module != NULL && strchr(module, ':') != NULL;
}

/* write_source: the wrapper's text into path. Like pip's wrapper, it
 * imports the attribute's first part and calls the whole dotted path, so
 * "mod:obj.run" runs `from mod import obj` and `sys.exit(obj.run())`.
 * __name__ is tested as in pip's, though a frozen main always is
 * "__main__". */
static int write_source(const char *path, const char *module, const char *attr, pf_error *err)
{
    size_t first = strcspn(attr, ".");
    FILE *f = fopen(path, "wx");
    if (f == NULL) {
        return pf_error_set(err, PF_ERR_IO, "cannot write the entry point's script '%s': %s", path,
                            strerror(errno));
    }
    fprintf(f,
            "# The console script pyfreeze made for %s:%s (as pip's wrapper)\n"
            "import sys\n"
            "from %s import %.*s\n"
            "if __name__ == '__main__':\n"
            "    sys.exit(%s())\n",
            module, attr, module, (int)first, attr, attr);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        return pf_error_set(err, PF_ERR_IO, "cannot write the entry point's script '%s'", path);
    }
    return PF_OK;
}

int pfz_entry_script_write(const char *reference, const char *tmpdir, pfz_entry_script *s,
                           pf_error *err)
{
    const char *colon = strchr(reference, ':');
    if (colon == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "'%s' is not MODULE:FUNCTION", reference);
    }
    const char *base = tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp";
    if (asprintf(&s->dir, "%s/pyfreeze-entry-XXXXXX", base) < 0) {
        s->dir = NULL;
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    if (mkdtemp(s->dir) == NULL) {
        int rc = pf_error_set(err, PF_ERR_IO,
                              "cannot make a temporary directory in '%s' for the entry point's "
                              "script: %s (set TMPDIR to a writable directory)",
                              base, strerror(errno));
        free(s->dir);
        s->dir = NULL;
        return rc;
    }
    s->module = strndup(reference, (size_t)(colon - reference));
    if (s->module == NULL || asprintf(&s->path, "%s/__main__.py", s->dir) < 0) {
        s->path = NULL;
        pfz_entry_script_remove(s);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    int rc = write_source(s->path, s->module, colon + 1, err);
    if (rc != PF_OK) {
        pfz_entry_script_remove(s);
    }
    return rc;
}

void pfz_entry_script_remove(pfz_entry_script *s)
{
    if (s == NULL) {
        return;
    }
    if (s->path != NULL) {
        (void)unlink(s->path);
    }
    if (s->dir != NULL) {
        (void)rmdir(s->dir);
    }
    free(s->dir);
    free(s->path);
    free(s->module);
    memset(s, 0, sizeof *s);
}
