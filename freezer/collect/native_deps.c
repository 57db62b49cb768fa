/* native_deps.c - resolving extension modules' shared libraries as ld.so
 * does; see native_deps.h.
 *
 * Two passes over a graph of nodes (one per distinct real file):
 *   1. load: breadth first in ld.so's order, each node's DT_NEEDED names are
 *      decided by the policy, then matched against nodes found already, then
 *      searched in the node's directory list; new nodes join the queue;
 *   2. order: depth first from each input, a node after all it needs. */
#include "native_deps.h"
#include "payload.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_dynamic.h"
#include "ld_paths.h"

#define NO_NODE SIZE_MAX

typedef enum visit_state { UNSEEN = 0, VISITING, DONE } visit_state;

typedef struct node {
    char *found_path;    /* absolute path as opened: $ORIGIN is its directory */
    char *real_path;     /* symlinks followed: identity of the file */
    char *soname;        /* DT_SONAME or file name of found_path */
    pfz_strlist names;   /* every DT_NEEDED name it was found under */
    pfz_elf_dynamic dyn; /* its dynamic section */
    pfz_strlist rpath;   /* DT_RPATH expanded; empty when it has DT_RUNPATH */
    pfz_strlist runpath; /* DT_RUNPATH expanded */
    size_t loader;       /* node whose DT_NEEDED loaded it first, NO_NODE for inputs */
    uint64_t size;       /* bytes */
    size_t *edges;       /* bundled nodes it needs, DT_NEEDED order, no repeats */
    size_t edge_count;
    int needed; /* 1 when some node needs it: it is a library to pack */
    visit_state state;
    size_t lib_index; /* index in the result's libs once ordered */
} node;

typedef struct resolver {
    const pfz_native_config *cfg;
    pfz_strlist conf_dirs; /* /etc/ld.so.conf's directories */
    const char *const *defaults;
    size_t default_count;
    node *nodes;
    size_t count;
    size_t capacity;
    pfz_native_result *out;
} resolver;

/* ---- small helpers ---- */

/* base_name: the part of path after its last '/'. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* absolute_path: path, prefixed with the current directory when relative
 * (no symlinks resolved: ld.so's l_origin keeps them). Malloc'd or NULL. */
static char *absolute_path(const char *path)
{
    if (path[0] == '/') {
        return strdup(path);
    }
    char cwd[PATH_MAX];
    char *abs = NULL;
    if (getcwd(cwd, sizeof cwd) == NULL || asprintf(&abs, "%s/%s", cwd, path) < 0) {
        return NULL;
    }
    return abs;
}

/* push_index: appends v to (*arr)[0..*count) unless present. */
static int push_index(size_t **arr, size_t *count, size_t v, pf_error *err)
{
    for (size_t i = 0; i < *count; i++) {
        if ((*arr)[i] == v) {
            return PF_OK;
        }
    }
    size_t *grown = realloc(*arr, (*count + 1) * sizeof *grown);
    if (grown == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    grown[(*count)++] = v;
    *arr = grown;
    return PF_OK;
}

static void node_free(node *n)
{
    free(n->found_path);
    free(n->real_path);
    free(n->soname);
    pfz_strlist_free(&n->names);
    pfz_elf_dynamic_free(&n->dyn);
    pfz_strlist_free(&n->rpath);
    pfz_strlist_free(&n->runpath);
    free(n->edges);
}

/* note_skipped: records name as left to the target (once). */
static int note_skipped(resolver *r, const char *name, pfz_lib_decision d, pf_error *err)
{
    pfz_native_result *out = r->out;
    for (size_t i = 0; i < out->skipped_count; i++) {
        if (strcmp(out->skipped[i].soname, name) == 0) {
            return PF_OK;
        }
    }
    pfz_native_skipped *grown = realloc(out->skipped, (out->skipped_count + 1) * sizeof *grown);
    if (grown == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    out->skipped = grown;
    const char *module = pfz_lib_policy_rule_module(r->cfg->policy, name);
    char *copy = strdup(name);
    char *rule = module != NULL ? strdup(module) : NULL;
    if (copy == NULL || (module != NULL && rule == NULL)) {
        free(copy);
        free(rule);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    out->skipped[out->skipped_count++] = (pfz_native_skipped){copy, d, rule};
    return PF_OK;
}

/* ---- pass 1: finding files ---- */

/* open_object: opens path and reads its dynamic section into *dyn, its size
 * into *size. Returns PF_OK; PF_ERR_NOT_FOUND when it cannot be opened or is
 * not a regular file (errno text in the message); the codes of
 * pfz_elf_dynamic_read otherwise. */
static int open_object(const char *path, pfz_elf_dynamic *dyn, uint64_t *size, pf_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(
            err,
            errno == ENOENT || errno == ENOTDIR || errno == EACCES ? PF_ERR_NOT_FOUND : PF_ERR_IO,
            "%s", strerror(errno));
    }
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0) {
        rc = pf_error_set(err, PF_ERR_IO, "%s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = pf_error_set(err, PF_ERR_NOT_FOUND, "not a regular file");
    } else {
        rc = pfz_elf_dynamic_read(fd, dyn, err);
    }
    *size = rc == PF_OK ? (uint64_t)st.st_size : 0;
    close(fd);
    return rc;
}

/* find_by_name: the node already found under name or with SONAME name. */
static size_t find_by_name(const resolver *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->nodes[i].soname, name) == 0 ||
            pfz_strlist_contains(&r->nodes[i].names, name)) {
            return i;
        }
    }
    return NO_NODE;
}

/* find_by_file: the node whose real file is real_path. */
static size_t find_by_file(const resolver *r, const char *real_path)
{
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->nodes[i].real_path, real_path) == 0) {
            return i;
        }
    }
    return NO_NODE;
}

/* add_node: a new node for the file opened at found_path (absolute) with
 * its dynamic section dyn (taken over). *index receives its number; when
 * the same real file is a node already, dyn is freed and that node's number
 * is returned with PF_OK. */
static int add_node(resolver *r, const char *found_path, pfz_elf_dynamic *dyn, uint64_t size,
                    size_t loader, size_t *index, pf_error *err)
{
    char *real = realpath(found_path, NULL);
    if (real == NULL) {
        pfz_elf_dynamic_free(dyn);
        return pf_error_set(err, PF_ERR_IO, "cannot resolve '%s': %s", found_path, strerror(errno));
    }
    size_t same = find_by_file(r, real);
    if (same != NO_NODE) {
        free(real);
        pfz_elf_dynamic_free(dyn);
        *index = same;
        return PF_OK;
    }
    if (r->count == r->capacity) {
        size_t cap = r->capacity ? r->capacity * 2 : 16;
        node *grown = realloc(r->nodes, cap * sizeof *grown);
        if (grown == NULL) {
            free(real);
            pfz_elf_dynamic_free(dyn);
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
        r->nodes = grown;
        r->capacity = cap;
    }
    node *n = &r->nodes[r->count];
    memset(n, 0, sizeof *n);
    n->real_path = real;
    n->dyn = *dyn;
    memset(dyn, 0, sizeof *dyn);
    n->loader = loader;
    n->size = size;
    n->found_path = strdup(found_path);
    n->soname = strdup(n->dyn.soname != NULL ? n->dyn.soname : base_name(found_path));
    r->count++; /* owned from here: freed with the resolver on any error */
    if (n->found_path == NULL || n->soname == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    /* $ORIGIN: the directory of the path as opened */
    const char *slash = strrchr(n->found_path, '/');
    char *origin =
        strndup(n->found_path, slash == n->found_path ? 1 : (size_t)(slash - n->found_path));
    if (origin == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    int rc = PF_OK;
    if (n->dyn.runpath != NULL) {
        rc = pfz_ld_split_path_list(n->dyn.runpath, origin, &n->runpath, err);
    } else if (n->dyn.rpath != NULL) {
        rc = pfz_ld_split_path_list(n->dyn.rpath, origin, &n->rpath, err);
    }
    free(origin);
    *index = r->count - 1;
    return rc;
}

/* try_dirs: looks for name in dirs[0..count). *found is set to the
 * malloc'd path of the first usable candidate (NULL when none) with its
 * dynamic section in *dyn. Wrong-class files are passed over; a file that is
 * not ELF stops the search with an error naming it and who needed it. */
static int try_dirs(const char *const *dirs, size_t count, const char *name, const node *needer,
                    char **found, pfz_elf_dynamic *dyn, uint64_t *size, pf_error *err)
{
    for (size_t i = 0; i < count && *found == NULL; i++) {
        char *candidate = NULL;
        if (asprintf(&candidate, "%s/%s", dirs[i], name) < 0) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
        pf_error why;
        int rc = open_object(candidate, dyn, size, &why);
        if (rc == PF_OK) {
            *found = candidate;
            return PF_OK;
        }
        if (rc == PF_ERR_CORRUPT || rc == PF_ERR_IO || rc == PF_ERR_NOMEM) {
            rc = pf_error_set(err, rc, "%s needs %s, found as '%s', which is unusable: %s",
                              needer->real_path, name, candidate, why.message);
            free(candidate);
            return rc;
        }
        free(candidate); /* not there, not a file, or another ELF class: go on */
    }
    return PF_OK;
}

/* search: the ld.so search for name needed by node x (see native_deps.h). */
static int search(resolver *r, size_t x, const char *name, char **found, pfz_elf_dynamic *dyn,
                  uint64_t *size, pf_error *err)
{
    *found = NULL;
    const node *needer = &r->nodes[x];
    int rc = PF_OK;
    if (needer->dyn.runpath == NULL) {
        for (size_t l = x; l != NO_NODE && rc == PF_OK && *found == NULL; l = r->nodes[l].loader) {
            rc = try_dirs((const char *const *)r->nodes[l].rpath.items, r->nodes[l].rpath.count,
                          name, needer, found, dyn, size, err);
        }
    }
    if (rc == PF_OK && *found == NULL) {
        rc = try_dirs((const char *const *)needer->runpath.items, needer->runpath.count, name,
                      needer, found, dyn, size, err);
    }
    if (needer->dyn.nodeflib) {
        return rc;
    }
    if (rc == PF_OK && *found == NULL) {
        rc = try_dirs((const char *const *)r->conf_dirs.items, r->conf_dirs.count, name, needer,
                      found, dyn, size, err);
    }
    if (rc == PF_OK && *found == NULL) {
        rc = try_dirs(r->defaults, r->default_count, name, needer, found, dyn, size, err);
    }
    return rc;
}

/* resolve_needed: one DT_NEEDED name of node x: decide, match, search, and
 * link x to the result when it is bundled. */
static int resolve_needed(resolver *r, size_t x, const char *name, pf_error *err)
{
    const pfz_lib_policy *policy = r->cfg->policy;
    pfz_lib_decision d = pfz_lib_policy_decide(policy, name);
    if (d != PFZ_LIB_BUNDLE) {
        return note_skipped(r, name, d, err);
    }
    size_t target = find_by_name(r, name);
    if (target == NO_NODE) {
        if (strchr(name, '/') != NULL) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "%s needs the library '%s' by its path, which a frozen program "
                                "cannot carry: relink it against the library's SONAME, or "
                                "--exclude-library '%s'",
                                r->nodes[x].real_path, name, name);
        }
        char *found = NULL;
        pfz_elf_dynamic dyn;
        memset(&dyn, 0, sizeof dyn);
        uint64_t size = 0;
        int rc = search(r, x, name, &found, &dyn, &size, err);
        if (rc != PF_OK) {
            return rc;
        }
        if (found == NULL) {
            return pf_error_set(err, PF_ERR_NOT_FOUND,
                                "%s needs %s, which is not installed on this machine: install it "
                                "or --exclude-library %s",
                                r->nodes[x].real_path, name, name);
        }
        rc = add_node(r, found, &dyn, size, x, &target, err);
        free(found);
        if (rc != PF_OK) {
            return rc;
        }
        if (!pfz_strlist_contains(&r->nodes[target].names, name)) {
            rc = pfz_strlist_push(&r->nodes[target].names, name, strlen(name), err);
            if (rc != PF_OK) {
                return rc;
            }
        }
    }
    node *t = &r->nodes[target];
    if (strcmp(t->soname, name) != 0) {
        /* found under another name: the SONAME decides what it is packed as */
        pfz_lib_decision ds = pfz_lib_policy_decide(policy, t->soname);
        if (ds != PFZ_LIB_BUNDLE) {
            return note_skipped(r, t->soname, ds, err);
        }
        if (r->cfg->report != NULL) {
            pfz_note n = {.kind = PFZ_NOTE_LIBRARY_SONAME_DIFFERS,
                          .importer = (char *)base_name(r->nodes[x].real_path),
                          .names = (char *)name,
                          .file = t->real_path,
                          .library = t->soname};
            int rc = pfz_report_add(r->cfg->report, &n, err);
            if (rc != PF_OK) {
                return rc;
            }
        }
    }
    t->needed = 1;
    return push_index(&r->nodes[x].edges, &r->nodes[x].edge_count, target, err);
}

/* load_object: adds the object at path as a node (or finds it already
 * there); a file that is no usable object is an error that reads
 * "<before>'<path>': <why><after>". */
static int load_object(resolver *r, const char *path, const char *before, const char *after,
                       size_t *index, pf_error *err)
{
    char *abs = absolute_path(path);
    if (abs == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    pfz_elf_dynamic dyn;
    uint64_t size = 0;
    pf_error why;
    int rc = open_object(abs, &dyn, &size, &why);
    if (rc != PF_OK) {
        rc = pf_error_set(err, rc, "%s'%s': %s%s", before, path, why.message, after);
        free(abs);
        return rc;
    }
    rc = add_node(r, abs, &dyn, size, NO_NODE, index, err);
    free(abs);
    return rc;
}

/* load_input: adds input object path as a node (or finds it already there). */
static int load_input(resolver *r, const char *path, size_t *index, pf_error *err)
{
    return load_object(r, path, "cannot use extension module ", "", index, err);
}

/* resolve_pending: resolves the DT_NEEDED names of nodes *next.. (breadth
 * first: the nodes found are appended and visited in turn). */
static int resolve_pending(resolver *r, size_t *next, pf_error *err)
{
    int rc = PF_OK;
    for (; rc == PF_OK && *next < r->count; (*next)++) {
        for (size_t k = 0; rc == PF_OK && k < r->nodes[*next].dyn.needed.count; k++) {
            rc = resolve_needed(r, *next, r->nodes[*next].dyn.needed.items[k], err);
        }
    }
    return rc;
}

/* find_extra_by_name: the library named name (a SONAME asked for by
 * --include-library), found as ld.so finds a name dlopen()ed by an
 * executable without DT_RPATH, added as a node. */
static int find_extra_by_name(resolver *r, const char *name, size_t *index, pf_error *err)
{
    *index = find_by_name(r, name);
    if (*index != NO_NODE) {
        return PF_OK;
    }
    node asker;
    memset(&asker, 0, sizeof asker);
    asker.real_path = "--include-library";
    char *found = NULL;
    pfz_elf_dynamic dyn;
    memset(&dyn, 0, sizeof dyn);
    uint64_t size = 0;
    int rc = try_dirs((const char *const *)r->conf_dirs.items, r->conf_dirs.count, name, &asker,
                      &found, &dyn, &size, err);
    if (rc == PF_OK && found == NULL) {
        rc = try_dirs(r->defaults, r->default_count, name, &asker, &found, &dyn, &size, err);
    }
    if (rc == PF_OK && found == NULL) {
        return pf_error_set(
            err, PF_ERR_NOT_FOUND,
            "--include-library %s: no library of that name is installed in the "
            "directories ld.so searches (those of %s, then %s ...): install it, or give "
            "its SONAME as `objdump -p FILE | grep SONAME` shows it",
            name, PFZ_LD_SO_CONF, r->default_count > 0 ? r->defaults[0] : "");
    }
    if (rc == PF_OK) {
        rc = add_node(r, found, &dyn, size, NO_NODE, index, err);
    }
    if (rc == PF_OK && !pfz_strlist_contains(&r->nodes[*index].names, name)) {
        rc = pfz_strlist_push(&r->nodes[*index].names, name, strlen(name), err);
    }
    free(found);
    return rc;
}

/* load_extra: an extra library (pfz_native_config.extra_libraries) as a
 * node to bundle. */
static int load_extra(resolver *r, const char *extra, size_t *index, pf_error *err)
{
    int rc = strchr(extra, '/') != NULL
                 ? load_object(r, extra, "--add-binary ",
                               " (give an ELF shared library for x86-64)", index, err)
                 : find_extra_by_name(r, extra, index, err);
    if (rc != PF_OK) {
        return rc;
    }
    node *n = &r->nodes[*index];
    if (pfz_lib_policy_decide(NULL, n->soname) == PFZ_LIB_GLIBC) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "'%s' is %s, part of glibc (or the stub's libpython): a frozen "
                            "program always uses the target's own copy, so it cannot be bundled",
                            extra, n->soname);
    }
    n->needed = 1;
    return PF_OK;
}

/* ---- pass 2: ordering ---- */

/* place: depth-first post-order from node i: appends every needed node
 * after the nodes it needs. */
static int place(resolver *r, size_t i, pf_error *err)
{
    node *n = &r->nodes[i];
    n->state = VISITING;
    for (size_t e = 0; e < n->edge_count; e++) {
        node *t = &r->nodes[n->edges[e]];
        if (t->state == VISITING) {
            if (r->cfg->report != NULL) {
                pfz_note note = {
                    .kind = PFZ_NOTE_LIBRARY_CYCLE, .library = n->soname, .names = t->soname};
                int rc = pfz_report_add(r->cfg->report, &note, err);
                if (rc != PF_OK) {
                    return rc;
                }
            }
            continue;
        }
        if (t->state == UNSEEN) {
            int rc = place(r, n->edges[e], err);
            if (rc != PF_OK) {
                return rc;
            }
        }
    }
    n->state = DONE;
    if (!n->needed) {
        return PF_OK;
    }
    pfz_native_result *out = r->out;
    for (size_t k = 0; k < out->lib_count; k++) {
        if (strcmp(out->libs[k].soname, n->soname) == 0) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "two different libraries are both named %s: %s and %s; only one "
                                "can be bundled (--exclude-library %s leaves it to the target)",
                                n->soname, out->libs[k].path, n->real_path, n->soname);
        }
    }
    pfz_native_lib *lib = &out->libs[out->lib_count];
    memset(lib, 0, sizeof *lib);
    lib->soname = strdup(n->soname);
    lib->path = strdup(n->real_path);
    lib->size = n->size;
    n->lib_index = out->lib_count++;
    if (lib->soname == NULL || lib->path == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    return PF_OK;
}

/* edges_to_libs: *dst = the lib indices of node n's edges. */
static int edges_to_libs(const resolver *r, const node *n, size_t **dst, size_t *count,
                         pf_error *err)
{
    *dst = NULL;
    *count = 0;
    if (n->edge_count == 0) {
        return PF_OK;
    }
    *dst = calloc(n->edge_count, sizeof **dst);
    if (*dst == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    for (size_t e = 0; e < n->edge_count; e++) {
        (*dst)[(*count)++] = r->nodes[n->edges[e]].lib_index;
    }
    return PF_OK;
}

int pfz_native_resolve(const char *const *objects, size_t count, const pfz_native_config *cfg,
                       pfz_native_result *out, pf_error *err)
{
    memset(out, 0, sizeof *out);
    pfz_native_config none = {0};
    resolver r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg != NULL ? cfg : &none;
    r.out = out;
    r.defaults = r.cfg->default_dirs;
    r.default_count = r.cfg->default_dir_count;
    if (r.defaults == NULL) {
        r.defaults = pfz_ld_default_dirs(&r.default_count);
    }
    size_t extra_count = r.cfg->extra_libraries != NULL ? r.cfg->extra_library_count : 0;
    size_t *roots = calloc(count + extra_count + 1, sizeof *roots);
    int rc = pfz_lib_policy_check(r.cfg->policy, err);
    if (rc == PF_OK && roots == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    if (rc == PF_OK) {
        rc = pfz_ld_conf_dirs(r.cfg->ld_so_conf != NULL ? r.cfg->ld_so_conf : PFZ_LD_SO_CONF,
                              &r.conf_dirs, err);
    }

    /* pass 1: inputs in order, each followed by what it loads, breadth first */
    size_t next = 0;
    for (size_t i = 0; rc == PF_OK && i < count; i++) {
        rc = load_input(&r, objects[i], &roots[i], err);
        if (rc == PF_OK) {
            rc = resolve_pending(&r, &next, err);
        }
    }
    for (size_t i = 0; rc == PF_OK && i < extra_count; i++) {
        rc = load_extra(&r, r.cfg->extra_libraries[i], &roots[count + i], err);
        if (rc == PF_OK) {
            rc = resolve_pending(&r, &next, err);
        }
    }

    /* pass 2: order the needed nodes, then give each input and library its needs */
    if (rc == PF_OK && r.count > 0) {
        out->libs = calloc(r.count, sizeof *out->libs);
        out->objects = count > 0 ? calloc(count, sizeof *out->objects) : NULL;
        if (out->libs == NULL || (count > 0 && out->objects == NULL)) {
            rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; rc == PF_OK && i < count + extra_count; i++) {
        if (r.nodes[roots[i]].state == UNSEEN) {
            rc = place(&r, roots[i], err);
        }
    }
    for (size_t i = 0; rc == PF_OK && i < count; i++) {
        out->objects[i].path = objects[i];
        out->object_count = i + 1;
        rc = edges_to_libs(&r, &r.nodes[roots[i]], &out->objects[i].needs,
                           &out->objects[i].need_count, err);
    }
    for (size_t i = 0; rc == PF_OK && i < r.count; i++) {
        if (r.nodes[i].needed) {
            rc = edges_to_libs(&r, &r.nodes[i], &out->libs[r.nodes[i].lib_index].needs,
                               &out->libs[r.nodes[i].lib_index].need_count, err);
        }
    }

    for (size_t i = 0; i < r.count; i++) {
        node_free(&r.nodes[i]);
    }
    free(r.nodes);
    free(roots);
    pfz_strlist_free(&r.conf_dirs);
    if (rc != PF_OK) {
        pfz_native_result_free(out);
    }
    return rc;
}

void pfz_native_result_free(pfz_native_result *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->lib_count; i++) {
        free(r->libs[i].soname);
        free(r->libs[i].path);
        free(r->libs[i].needs);
    }
    free(r->libs);
    for (size_t i = 0; i < r->object_count; i++) {
        free(r->objects[i].needs);
    }
    free(r->objects);
    for (size_t i = 0; i < r->skipped_count; i++) {
        free(r->skipped[i].soname);
        free(r->skipped[i].rule_module);
    }
    free(r->skipped);
    memset(r, 0, sizeof *r);
}

size_t pfz_native_find_lib(const pfz_native_result *r, const char *soname)
{
    for (size_t i = 0; i < r->lib_count; i++) {
        if (strcmp(r->libs[i].soname, soname) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}
