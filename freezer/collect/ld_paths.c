/* ld_paths.c - search directories as ld.so builds them; see ld_paths.h. */
#include "ld_paths.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ldconfig's include nesting is unbounded; 16 is far beyond any real
 * configuration and stops a file that includes itself. */
#define LD_CONF_MAX_DEPTH 16

static const char *const default_dirs[] = {
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib",
    "/usr/lib",
};

const char *const *pfz_ld_default_dirs(size_t *count)
{
    *count = sizeof default_dirs / sizeof default_dirs[0];
    return default_dirs;
}

/* is_name_char: a character that continues an unbraced token name. */
static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* token_at: when s (just after a '$') starts the token name, braced or not,
 * returns the bytes it spans after the '$'; else 0. */
static size_t token_at(const char *s, const char *name)
{
    size_t n = strlen(name);
    if (s[0] == '{') {
        return strncmp(s + 1, name, n) == 0 && s[1 + n] == '}' ? n + 2 : 0;
    }
    return strncmp(s, name, n) == 0 && !is_name_char(s[n]) ? n : 0;
}

int pfz_ld_expand_tokens(const char *path, const char *origin, char **out, pf_error *err)
{
    *out = NULL;
    static const char *const names[] = {"ORIGIN", "LIB", "PLATFORM"};
    const char *values[] = {origin, PFZ_LD_LIB, PFZ_LD_PLATFORM};
    /* the result is at most the path with every byte replaced by the
     * longest value: size it in a first pass */
    size_t need = 1;
    for (const char *p = path; *p != '\0';) {
        size_t used = 0, i = 0;
        if (*p == '$') {
            for (i = 0; i < 3 && (used = token_at(p + 1, names[i])) == 0; i++)
                ;
        }
        if (used != 0) {
            need += strlen(values[i]);
            p += 1 + used;
        } else {
            need++;
            p++;
        }
    }
    char *dst = malloc(need);
    if (dst == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    size_t n = 0;
    for (const char *p = path; *p != '\0';) {
        size_t used = 0, i = 0;
        if (*p == '$') {
            for (i = 0; i < 3 && (used = token_at(p + 1, names[i])) == 0; i++)
                ;
        }
        if (used != 0) {
            size_t len = strlen(values[i]);
            memcpy(dst + n, values[i], len);
            n += len;
            p += 1 + used;
        } else {
            dst[n++] = *p++;
        }
    }
    dst[n] = '\0';
    *out = dst;
    return PF_OK;
}

int pfz_ld_split_path_list(const char *value, const char *origin, pfz_strlist *dirs, pf_error *err)
{
    const char *p = value;
    for (;;) {
        const char *end = strchr(p, ':');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len > 0) {
            char *raw = strndup(p, len);
            char *expanded = NULL;
            if (raw == NULL) {
                return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
            }
            int rc = pfz_ld_expand_tokens(raw, origin, &expanded, err);
            free(raw);
            if (rc != PF_OK) {
                return rc;
            }
            size_t n = strlen(expanded);
            while (n > 1 && expanded[n - 1] == '/') {
                n--;
            }
            if (expanded[0] == '/') {
                rc = pfz_strlist_push(dirs, expanded, n, err);
            }
            free(expanded);
            if (rc != PF_OK) {
                return rc;
            }
        }
        if (end == NULL) {
            return PF_OK;
        }
        p = end + 1;
    }
}

static int parse_conf(const char *path, int depth, pfz_strlist *dirs, pf_error *err);

/* include_glob: reads every file matching pattern (relative to the directory
 * of the including file conf_path when not absolute), in glob's sorted
 * order. */
static int include_glob(const char *conf_path, const char *pattern, int depth, pfz_strlist *dirs,
                        pf_error *err)
{
    char *full = NULL;
    if (pattern[0] == '/') {
        full = strdup(pattern);
    } else {
        const char *slash = strrchr(conf_path, '/');
        int dir_len = slash != NULL ? (int)(slash - conf_path) : 1;
        const char *dir = slash != NULL ? conf_path : ".";
        if (asprintf(&full, "%.*s/%s", dir_len, dir, pattern) < 0) {
            full = NULL;
        }
    }
    if (full == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    glob_t g;
    memset(&g, 0, sizeof g);
    int grc = glob(full, 0, NULL, &g);
    free(full);
    int rc = PF_OK;
    if (grc == GLOB_NOSPACE) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; grc == 0 && rc == PF_OK && i < g.gl_pathc; i++) {
        rc = parse_conf(g.gl_pathv[i], depth + 1, dirs, err);
    }
    globfree(&g);
    return rc;
}

/* add_dir: one directory line: cut "=TYPE", trailing blanks and '/', keep
 * absolute ones not seen before. */
static int add_dir(char *line, pfz_strlist *dirs, pf_error *err)
{
    char *eq = strchr(line, '=');
    if (eq != NULL) {
        *eq = '\0';
    }
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) {
        n--;
    }
    while (n > 1 && line[n - 1] == '/') {
        n--;
    }
    line[n] = '\0';
    if (line[0] != '/' || pfz_strlist_contains(dirs, line)) {
        return PF_OK;
    }
    return pfz_strlist_push(dirs, line, n, err);
}

/* starts_word: 1 when line starts with word followed by a blank. */
static int starts_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    return strncmp(line, word, n) == 0 && (line[n] == ' ' || line[n] == '\t');
}

/* parse_conf: one configuration file, as ldconfig's parse_conf reads it. */
static int parse_conf(const char *path, int depth, pfz_strlist *dirs, pf_error *err)
{
    if (depth > LD_CONF_MAX_DEPTH) {
        return PF_OK;
    }
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        if (errno == ENOENT) {
            return PF_OK;
        }
        return pf_error_set(err, PF_ERR_IO, "cannot read loader configuration '%s': %s", path,
                            strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = PF_OK;
    while (rc == PF_OK && getline(&line, &cap, f) != -1) {
        char *hash = strchr(line, '#');
        if (hash != NULL) {
            *hash = '\0';
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line + strspn(line, " \t");
        if (*p == '\0') {
            continue;
        }
        if (starts_word(p, "include")) {
            char *save = NULL;
            for (char *tok = strtok_r(p + 7, " \t", &save); tok != NULL && rc == PF_OK;
                 tok = strtok_r(NULL, " \t", &save)) {
                rc = include_glob(path, tok, depth, dirs, err);
            }
        } else if (!starts_word(p, "hwcap")) {
            rc = add_dir(p, dirs, err);
        }
    }
    if (rc == PF_OK && ferror(f)) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot read loader configuration '%s'", path);
    }
    free(line);
    fclose(f);
    return rc;
}

int pfz_ld_conf_dirs(const char *conf_path, pfz_strlist *dirs, pf_error *err)
{
    return parse_conf(conf_path, 0, dirs, err);
}
