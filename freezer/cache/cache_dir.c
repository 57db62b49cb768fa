/* cache_dir.c - the build cache's directory: finding, creating and
 * trusting it, and the background writer that puts entries into it; see
 * cache_dir.h. */
#include "cache_dir.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Directory names under the cache root: a new layout gets a new v<N>. */
#define LAYOUT_DIR "v1"

/* An entry waiting to be written by the writer thread. */
typedef struct write_job {
    struct write_job *next;
    const char *dir; /* the cache's pyc_dir or frame_dir */
    char name[64];   /* file name in dir */
    uint8_t *bytes;  /* the whole entry: header, key, body */
    size_t size;
} write_job;

struct pfz_cache {
    char *area_dir[2]; /* by pfz_cache_area: <root>/v1/pyc, <root>/v1/frames */
    pfz_cache_stats stats;
    /* Entries are written by one background thread, so the freezer's main
     * thread compiles while the file system works (a cold freeze writes
     * hundreds of entries). Guarded by lock: */
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* a job was queued or finished, or closing */
    write_job *head, *tail;  /* queued, oldest first */
    const write_job *active; /* being written, or NULL */
    int closing;             /* the writer finishes the queue and exits */
    int writer_started;
    pthread_t writer;
};

/* join: malloc'd a + "/" + b, or NULL when out of memory. */
static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + 1 + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        s[la] = '/';
        memcpy(s + la + 1, b, lb + 1);
    }
    return s;
}

/* ---- the directory ---- */

int pfz_cache_default_dir(char *dst, size_t dstCapacity, const char *xdg_cache_home,
                          const char *home, pf_error *err)
{
    const char *xdg = xdg_cache_home;
    const char *suffix = "/pyfreeze";
    const char *base = NULL;
    if (xdg != NULL && xdg[0] == '/') {
        base = xdg;
    } else if (home != NULL && home[0] == '/') {
        base = home;
        suffix = "/.cache/pyfreeze";
    } else {
        struct passwd *pw = getpwuid(geteuid());
        if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/') {
            base = pw->pw_dir;
            suffix = "/.cache/pyfreeze";
        }
    }
    if (base == NULL) {
        return pf_error_set(err, PF_ERR_NOT_FOUND,
                            "no cache directory: XDG_CACHE_HOME and HOME are unset and the user "
                            "has no home directory; give --cache-dir DIR or --no-cache");
    }
    int n = snprintf(dst, dstCapacity, "%s%s", base, strcmp(base, "/") == 0 ? suffix + 1 : suffix);
    if (n < 0 || (size_t)n >= dstCapacity) {
        return pf_error_set(err, PF_ERR_USAGE, "the cache directory path is too long");
    }
    return PF_OK;
}

/* make_dirs: creates path and its missing parents with mode 0700 (as
 * mkdir -p; existing directories are left as they are). */
static int make_dirs(const char *path, pf_error *err)
{
    char buf[PATH_MAX];
    int n = snprintf(buf, sizeof buf, "%s", path);
    if (n < 0 || (size_t)n >= sizeof buf) {
        return pf_error_set(err, PF_ERR_USAGE, "cache directory path too long: %s", path);
    }
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char saved = *p;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            return pf_error_set(err, PF_ERR_IO, "cannot create cache directory %s: %s", buf,
                                strerror(errno));
        }
        *p = saved;
        if (saved == '\0') {
            return PF_OK;
        }
    }
}

/* check_private: path is a directory (not a symlink to one), owned by the
 * effective user and not writable by group or others. */
static int check_private(const char *path, pf_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot use cache directory %s: %s", path,
                            strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return pf_error_set(err, PF_ERR_USAGE, "cannot use cache directory %s: not a directory",
                            path);
    }
    if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "not using cache directory %s: it must belong to you and not be "
                            "writable by others (it holds code your programs will run)",
                            path);
    }
    return PF_OK;
}

/* cache_new: a cache object for root with its area paths, no directory
 * created yet; *layout receives root/v1 (malloc'd). NULL when out of
 * memory. */
static pfz_cache *cache_new(const char *root, char **layout)
{
    pfz_cache *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->changed, NULL);
    *layout = join(root, LAYOUT_DIR);
    if (*layout != NULL) {
        c->area_dir[PFZ_CACHE_AREA_PYC] = join(*layout, "pyc");
        c->area_dir[PFZ_CACHE_AREA_FRAMES] = join(*layout, "frames");
    }
    if (*layout == NULL || c->area_dir[0] == NULL || c->area_dir[1] == NULL) {
        free(*layout);
        *layout = NULL;
        pfz_cache_close(c);
        return NULL;
    }
    return c;
}

int pfz_cache_open(pfz_cache **out, const char *dir, const char *xdg_cache_home, const char *home,
                   pf_error *err)
{
    *out = NULL;
    char root[PATH_MAX];
    int rc = PF_OK;
    if (dir == NULL) {
        rc = pfz_cache_default_dir(root, sizeof root, xdg_cache_home, home, err);
    } else if (dir[0] == '\0') {
        rc = pf_error_set(err, PF_ERR_USAGE, "the cache directory is an empty string");
    } else if ((size_t)snprintf(root, sizeof root, "%s", dir) >= sizeof root) {
        rc = pf_error_set(err, PF_ERR_USAGE, "cache directory path too long: %s", dir);
    }
    if (rc != PF_OK) {
        return rc;
    }
    char *layout = NULL;
    pfz_cache *c = cache_new(root, &layout);
    if (c == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory opening the cache");
    }
    const char *pyc_dir = c->area_dir[PFZ_CACHE_AREA_PYC];
    const char *frame_dir = c->area_dir[PFZ_CACHE_AREA_FRAMES];
    rc = make_dirs(pyc_dir, err);
    if (rc == PF_OK) {
        rc = make_dirs(frame_dir, err);
    }
    const char *checked[] = {root, layout, pyc_dir, frame_dir};
    for (size_t i = 0; rc == PF_OK && i < sizeof checked / sizeof checked[0]; i++) {
        rc = check_private(checked[i], err);
    }
    free(layout);
    if (rc != PF_OK) {
        pfz_cache_close(c);
        return rc;
    }
    *out = c;
    return PF_OK;
}

void pfz_cache_close(pfz_cache *c)
{
    if (c == NULL) {
        return;
    }
    pthread_mutex_lock(&c->lock);
    c->closing = 1;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
    if (c->writer_started) {
        pthread_join(c->writer, NULL);
    }
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->changed);
    free(c->area_dir[0]);
    free(c->area_dir[1]);
    free(c);
}

pfz_cache_stats pfz_cache_stats_get(const pfz_cache *c)
{
    pfz_cache_stats stats = {0};
    if (c != NULL) {
        pthread_mutex_lock((pthread_mutex_t *)&c->lock);
        stats = c->stats;
        pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
    }
    return stats;
}

void pfz_cache_count(pfz_cache *c, pfz_cache_event event)
{
    /* under the lock: the frame store counts from the compressing threads */
    pthread_mutex_lock(&c->lock);
    switch (event) {
    case PFZ_CACHE_PYC_HIT:
        c->stats.pyc_hits++;
        break;
    case PFZ_CACHE_PYC_MISS:
        c->stats.pyc_misses++;
        break;
    case PFZ_CACHE_FRAME_HIT:
        c->stats.frame_hits++;
        break;
    case PFZ_CACHE_FRAME_MISS:
        c->stats.frame_misses++;
        break;
    case PFZ_CACHE_REJECTED:
        c->stats.rejected++;
        break;
    }
    pthread_mutex_unlock(&c->lock);
}

/* ---- the writer ---- */

/* writer_main: the writer thread: writes queued entries in order until
 * the cache closes and the queue is empty. */
static void *writer_main(void *arg)
{
    pfz_cache *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (c->head == NULL && !c->closing) {
            pthread_cond_wait(&c->changed, &c->lock);
        }
        write_job *j = c->head;
        if (j == NULL) {
            break; /* closing, nothing left */
        }
        c->head = j->next;
        if (c->head == NULL) {
            c->tail = NULL;
        }
        c->active = j;
        pthread_mutex_unlock(&c->lock);
        pfz_cache_entry_write(j->dir, j->name, j->bytes, j->size);
        pthread_mutex_lock(&c->lock);
        c->active = NULL;
        pthread_cond_broadcast(&c->changed);
        free(j->bytes);
        free(j);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* is_pending: dir/name is queued or being written. Called with lock held. */
static int is_pending(const pfz_cache *c, const char *dir, const char *name)
{
    if (c->active != NULL && c->active->dir == dir && strcmp(c->active->name, name) == 0) {
        return 1;
    }
    for (const write_job *j = c->head; j != NULL; j = j->next) {
        if (j->dir == dir && strcmp(j->name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* wait_written: returns once dir/name is neither queued nor being
 * written, so a get after a put in the same process sees the entry. */
static void wait_written(pfz_cache *c, const char *dir, const char *name)
{
    pthread_mutex_lock(&c->lock);
    while (is_pending(c, dir, name)) {
        pthread_cond_wait(&c->changed, &c->lock);
    }
    pthread_mutex_unlock(&c->lock);
}

void pfz_cache_flush(pfz_cache *c)
{
    if (c == NULL) {
        return;
    }
    pthread_mutex_lock(&c->lock);
    while (c->head != NULL || c->active != NULL) {
        pthread_cond_wait(&c->changed, &c->lock);
    }
    pthread_mutex_unlock(&c->lock);
}

/* ---- entries ---- */

int pfz_cache_get(pfz_cache *c, pfz_cache_area area, const char *name,
                  const pfz_cache_entry_header *want, uint8_t **entry, const uint8_t **body,
                  size_t *bodySize)
{
    *entry = NULL;
    const char *dir = c->area_dir[area];
    char path[PATH_MAX];
    wait_written(c, dir, name);
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    uint8_t *buf = NULL;
    size_t size = 0;
    if (n < 0 || (size_t)n >= sizeof path || !pfz_cache_entry_read(path, &buf, &size)) {
        return 0;
    }
    pfz_cache_entry_status s = pfz_cache_entry_check(buf, size, want, body, bodySize);
    if (s != PFZ_CACHE_ENTRY_OK) {
        if (s == PFZ_CACHE_ENTRY_DAMAGED) {
            pfz_cache_count(c, PFZ_CACHE_REJECTED);
        }
        free(buf);
        return 0;
    }
    *entry = buf;
    return 1;
}

void pfz_cache_put(pfz_cache *c, pfz_cache_area area, const char *name,
                   const pfz_cache_entry_header *h, const uint8_t *key, size_t keySize,
                   const uint8_t *body, size_t bodySize)
{
    const char *dir = c->area_dir[area];
    if (strlen(name) >= sizeof((write_job *)0)->name) {
        return;
    }
    size_t size = 0;
    uint8_t *bytes = pfz_cache_entry_encode(h, key, keySize, body, bodySize, &size);
    write_job *j = bytes != NULL ? calloc(1, sizeof *j) : NULL;
    if (j == NULL) {
        free(bytes);
        return;
    }
    j->dir = dir;
    snprintf(j->name, sizeof j->name, "%s", name);
    j->bytes = bytes;
    j->size = size;
    pthread_mutex_lock(&c->lock);
    if (!c->writer_started && !c->closing) {
        c->writer_started = pthread_create(&c->writer, NULL, writer_main, c) == 0;
    }
    if (!c->writer_started) {
        pthread_mutex_unlock(&c->lock);
        pfz_cache_entry_write(dir, name, bytes, size);
        free(bytes);
        free(j);
        return;
    }
    if (c->tail != NULL) {
        c->tail->next = j;
    } else {
        c->head = j;
    }
    c->tail = j;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
}
