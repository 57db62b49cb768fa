/* bytecode_cache.c - the freezer's build cache of compiled modules and
 * compressed frames; rules and layout in bytecode_cache.h.
 *
 * Every entry is one file: a fixed 56-byte header (below), then its body.
 * All integers little-endian.
 *
 *   offset size  field
 *   0      8     "PFZCACHE"
 *   8      4     PFZ_CACHE_FORMAT_VERSION
 *   12     4     kind: ENTRY_PYC or ENTRY_FRAME
 *   16     8     pyc: source size in bytes; frame: uncompressed size in bytes
 *   24     4     pyc: .pyc magic number; frame: ZSTD_versionNumber()
 *   28     4     pyc: optimisation level; frame: zstd level (two's complement)
 *   32     4     pyc: 0; frame: PFZ_FRAME_FORMAT_TAG
 *   36     4     key size in bytes (pyc: the key text; frame: 0)
 *   40     8     body size in bytes (everything after the header)
 *   48     4     crc32 of the body (zlib)
 *   52     4     crc32 of bytes 0..52 of this header
 *
 *   pyc body:   key text ("<source path>\0<co_filename>\0<pyfreeze version>\0")
 *               then the .pyc bytes (16-byte PEP 552 header + marshal data)
 *   frame body: one zstd frame
 *
 * crc32 guards against damage (a torn or bit-flipped file), not against an
 * attacker: the directory's ownership check in pfz_cache_open is what keeps
 * other users out. */
#include "bytecode_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "payload.h"
#include "pf_io.h"

#ifndef PYFREEZE_VERSION
#error "PYFREEZE_VERSION must be defined (the pyfreeze version: part of every pyc key)"
#endif

#define ENTRY_MAGIC "PFZCACHE"
#define ENTRY_HEADER_SIZE 56u
#define ENTRY_PYC 1u
#define ENTRY_FRAME 2u
/* The largest entry read: a .pyc of the largest source the freezer reads
 * (64 MiB) compiles to far less than this; a frame is at most
 * PF_MAX_FRAME_SIZE before compression. Anything larger is not ours. */
#define ENTRY_MAX_SIZE (256u * 1024u * 1024u)
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
    char *pyc_dir;   /* <root>/v1/pyc */
    char *frame_dir; /* <root>/v1/frames */
    ZSTD_DCtx *dctx; /* verifies frames before they are reused */
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

/* ---- little helpers ---- */

static void le32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void le64_put(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64_get(const uint8_t *p)
{
    return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

/* crc: zlib's crc32 of p[0..size) (size in bytes; any size_t). */
static uint32_t crc(const uint8_t *p, size_t size)
{
    return (uint32_t)crc32_z(crc32_z(0L, Z_NULL, 0), p, size);
}

/* fnv1a: 64-bit FNV-1a of p[0..size) continuing from h (start with
 * 0xcbf29ce484222325). Only names entries: the key inside is compared. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t size)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < size; i++) {
        h = (h ^ b[i]) * 0x100000001b3ull;
    }
    return h;
}

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

int pfz_cache_default_dir(char *dst, size_t dstCapacity, pf_error *err)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
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

int pfz_cache_open(pfz_cache **out, const char *dir, pf_error *err)
{
    *out = NULL;
    char root[PATH_MAX];
    int rc = PF_OK;
    if (dir == NULL) {
        rc = pfz_cache_default_dir(root, sizeof root, err);
    } else if (dir[0] == '\0') {
        rc = pf_error_set(err, PF_ERR_USAGE, "the cache directory is an empty string");
    } else if ((size_t)snprintf(root, sizeof root, "%s", dir) >= sizeof root) {
        rc = pf_error_set(err, PF_ERR_USAGE, "cache directory path too long: %s", dir);
    }
    if (rc != PF_OK) {
        return rc;
    }
    pfz_cache *c = calloc(1, sizeof *c);
    if (c != NULL) {
        pthread_mutex_init(&c->lock, NULL);
        pthread_cond_init(&c->changed, NULL);
    }
    char *layout = c != NULL ? join(root, LAYOUT_DIR) : NULL;
    if (layout != NULL) {
        c->pyc_dir = join(layout, "pyc");
        c->frame_dir = join(layout, "frames");
        c->dctx = ZSTD_createDCtx();
    }
    if (layout == NULL || c->pyc_dir == NULL || c->frame_dir == NULL || c->dctx == NULL) {
        free(layout);
        pfz_cache_close(c);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory opening the cache");
    }
    rc = make_dirs(c->pyc_dir, err);
    if (rc == PF_OK) {
        rc = make_dirs(c->frame_dir, err);
    }
    const char *checked[] = {root, layout, c->pyc_dir, c->frame_dir};
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
    free(c->pyc_dir);
    free(c->frame_dir);
    ZSTD_freeDCtx(c->dctx);
    free(c);
}

pfz_cache_stats pfz_cache_stats_get(const pfz_cache *c)
{
    pfz_cache_stats none = {0};
    return c != NULL ? c->stats : none;
}

/* ---- entries ---- */

/* What an entry's header says besides the body checks. */
typedef struct entry_header {
    uint32_t kind;
    uint64_t size; /* source or uncompressed size */
    uint32_t p1;   /* magic / zstd version */
    uint32_t p2;   /* optimize / level */
    uint32_t p3;   /* 0 / frame format tag */
    uint32_t key_size;
} entry_header;

/* header_write: the 56-byte header for h and body[0..body_size). */
static void header_write(uint8_t out[ENTRY_HEADER_SIZE], const entry_header *h, const uint8_t *key,
                         size_t key_size, const uint8_t *body, size_t body_size)
{
    memcpy(out, ENTRY_MAGIC, 8);
    le32_put(out + 8, PFZ_CACHE_FORMAT_VERSION);
    le32_put(out + 12, h->kind);
    le64_put(out + 16, h->size);
    le32_put(out + 24, h->p1);
    le32_put(out + 28, h->p2);
    le32_put(out + 32, h->p3);
    le32_put(out + 36, h->key_size);
    le64_put(out + 40, (uint64_t)key_size + body_size);
    uint32_t body_crc = key_size > 0 ? crc(key, key_size) : 0;
    body_crc = (uint32_t)crc32_z(body_crc, body, body_size);
    le32_put(out + 48, body_crc);
    le32_put(out + 52, crc(out, 52));
}

/* entry_read: reads the whole entry file at path into *buf (malloc'd) of
 * *size bytes. Returns 1, or 0 when it is absent, not a regular file (a
 * symlink is not followed), empty or too large. */
static int entry_read(const char *path, uint8_t **buf, size_t *size)
{
    *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)ENTRY_HEADER_SIZE ||
        (uint64_t)st.st_size > ENTRY_MAX_SIZE) {
        close(fd);
        return 0;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *b = malloc(want);
    size_t got = 0;
    while (b != NULL && got < want) {
        ssize_t n = read(fd, b + got, want - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (b == NULL || got != want) {
        free(b);
        return 0;
    }
    *buf = b;
    *size = want;
    return 1;
}

/* entry_check: 1 when buf[0..size) is a whole, undamaged entry of the
 * header fields in want (all compared); *body and *body_size then give
 * what follows the header (key text first). Counts a damaged entry. */
static int entry_check(pfz_cache *c, const uint8_t *buf, size_t size, const entry_header *want,
                       const uint8_t **body, size_t *body_size)
{
    if (size < ENTRY_HEADER_SIZE || memcmp(buf, ENTRY_MAGIC, 8) != 0 ||
        le32_get(buf + 52) != crc(buf, 52)) {
        c->stats.rejected++;
        return 0;
    }
    if (le32_get(buf + 8) != PFZ_CACHE_FORMAT_VERSION) {
        return 0; /* another pyfreeze's entry: stale, not damaged */
    }
    uint64_t declared = le64_get(buf + 40);
    if (declared != size - ENTRY_HEADER_SIZE ||
        le32_get(buf + 48) != crc(buf + ENTRY_HEADER_SIZE, size - ENTRY_HEADER_SIZE) ||
        le32_get(buf + 36) > declared) {
        c->stats.rejected++;
        return 0;
    }
    if (le32_get(buf + 12) != want->kind || le64_get(buf + 16) != want->size ||
        le32_get(buf + 24) != want->p1 || le32_get(buf + 28) != want->p2 ||
        le32_get(buf + 32) != want->p3 || le32_get(buf + 36) != want->key_size) {
        return 0; /* stale: the source or the settings changed */
    }
    *body = buf + ENTRY_HEADER_SIZE;
    *body_size = size - ENTRY_HEADER_SIZE;
    return 1;
}

/* file_write: writes bytes[0..size) as dir/name, atomically: into a
 * temporary file in dir (mkstemp: mode 0600, a name no one else uses),
 * then rename(2) over name. No fsync: a cache entry torn by a crash fails
 * its crc and is rebuilt, so durability is not worth a disk flush per
 * module. On any failure the temporary file is removed; nothing is
 * reported. */
static void file_write(const char *dir, const char *name, const uint8_t *bytes, size_t size)
{
    char tmp[PATH_MAX], final[PATH_MAX];
    int n1 = snprintf(tmp, sizeof tmp, "%s/.tmp-%s-XXXXXX", dir, name);
    int n2 = snprintf(final, sizeof final, "%s/%s", dir, name);
    if (n1 < 0 || (size_t)n1 >= sizeof tmp || n2 < 0 || (size_t)n2 >= sizeof final) {
        return;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        return;
    }
    int bad = pf_write_all(fd, bytes, size) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, final) != 0) {
        unlink(tmp);
    }
}

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
        file_write(j->dir, j->name, j->bytes, j->size);
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

/* entry_write: queues header h with key and body as dir/name for the
 * writer thread (started on first use; when it cannot start, the entry is
 * written at once). The bytes are copied: the caller's may go. */
static void entry_write(pfz_cache *c, const char *dir, const char *name, const entry_header *h,
                        const uint8_t *key, size_t key_size, const uint8_t *body, size_t body_size)
{
    if (key_size > ENTRY_MAX_SIZE || body_size > ENTRY_MAX_SIZE - key_size ||
        strlen(name) >= sizeof((write_job *)0)->name) {
        return;
    }
    size_t size = ENTRY_HEADER_SIZE + key_size + body_size;
    write_job *j = calloc(1, sizeof *j);
    uint8_t *bytes = j != NULL ? malloc(size) : NULL;
    if (bytes == NULL) {
        free(j);
        return;
    }
    header_write(bytes, h, key, key_size, body, body_size);
    if (key_size > 0) {
        memcpy(bytes + ENTRY_HEADER_SIZE, key, key_size);
    }
    if (body_size > 0) {
        memcpy(bytes + ENTRY_HEADER_SIZE + key_size, body, body_size);
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
        file_write(dir, name, bytes, size);
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

/* ---- compiled modules ---- */

/* pyc_key_text: the key text of k, malloc'd, *size bytes (NULs included);
 * NULL when out of memory. */
static uint8_t *pyc_key_text(const pfz_pyc_key *k, size_t *size)
{
    size_t a = strlen(k->source_path) + 1, b = strlen(k->code_filename) + 1;
    size_t v = sizeof PYFREEZE_VERSION;
    uint8_t *t = malloc(a + b + v);
    if (t != NULL) {
        memcpy(t, k->source_path, a);
        memcpy(t + a, k->code_filename, b);
        memcpy(t + a + b, PYFREEZE_VERSION, v);
        *size = a + b + v;
    }
    return t;
}

/* pyc_name: the entry's file name: 16 hex digits of FNV-1a over the key
 * text, magic and level, then "-o<level>". */
static void pyc_name(char name[32], const uint8_t *key, size_t key_size, const pfz_pyc_key *k)
{
    uint8_t extra[8];
    le32_put(extra, k->magic);
    le32_put(extra + 4, (uint32_t)k->optimize);
    uint64_t h = fnv1a(0xcbf29ce484222325ull, key, key_size);
    h = fnv1a(h, extra, sizeof extra);
    snprintf(name, 32, "%016llx-o%d", (unsigned long long)h, k->optimize);
}

/* pyc_header_of: the entry header fields for k. */
static entry_header pyc_header_of(const pfz_pyc_key *k, uint64_t source_size, size_t key_size)
{
    return (entry_header){.kind = ENTRY_PYC,
                          .size = source_size,
                          .p1 = k->magic,
                          .p2 = (uint32_t)k->optimize,
                          .p3 = 0,
                          .key_size = (uint32_t)key_size};
}

/* pyc_key_ok: the key is complete and its level is one python accepts. */
static int pyc_key_ok(const pfz_pyc_key *k)
{
    return k != NULL && k->source_path != NULL && k->code_filename != NULL && k->optimize >= 0 &&
           k->optimize <= 2;
}

int pfz_cache_pyc_get(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                      const uint8_t source_hash[8], uint8_t **pyc, size_t *pycSize)
{
    *pyc = NULL;
    *pycSize = 0;
    if (c == NULL || !pyc_key_ok(key)) {
        return 0;
    }
    size_t key_size = 0;
    uint8_t *key_text = pyc_key_text(key, &key_size);
    if (key_text == NULL) {
        return 0;
    }
    char name[32], path[PATH_MAX];
    pyc_name(name, key_text, key_size, key);
    uint8_t *buf = NULL;
    size_t size = 0, body_size = 0;
    const uint8_t *body = NULL;
    int hit = 0;
    entry_header want = pyc_header_of(key, source_size, key_size);
    wait_written(c, c->pyc_dir, name);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", c->pyc_dir, name) < sizeof path &&
        entry_read(path, &buf, &size) && entry_check(c, buf, size, &want, &body, &body_size) &&
        memcmp(body, key_text, key_size) == 0) {
        const uint8_t *p = body + key_size;
        size_t n = body_size - key_size;
        /* PEP 552 header: this magic, flags = hash-based and unchecked (what
         * module_compile.c writes), and the hash of the source as it is now. */
        if (n >= PF_PYC_HEADER_SIZE && le32_get(p) == key->magic &&
            le32_get(p + 4) == PF_PYC_FLAG_HASH_BASED && memcmp(p + 8, source_hash, 8) == 0) {
            *pyc = malloc(n);
            if (*pyc != NULL) {
                memcpy(*pyc, p, n);
                *pycSize = n;
                hit = 1;
            }
        }
    }
    free(buf);
    free(key_text);
    if (hit) {
        c->stats.pyc_hits++;
    } else {
        c->stats.pyc_misses++;
    }
    return hit;
}

void pfz_cache_pyc_put(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                       const uint8_t *pyc, size_t pycSize)
{
    if (c == NULL || !pyc_key_ok(key) || pyc == NULL || pycSize < PF_PYC_HEADER_SIZE) {
        return;
    }
    size_t key_size = 0;
    uint8_t *key_text = pyc_key_text(key, &key_size);
    if (key_text == NULL) {
        return;
    }
    char name[32];
    pyc_name(name, key_text, key_size, key);
    entry_header h = pyc_header_of(key, source_size, key_size);
    entry_write(c, c->pyc_dir, name, &h, key_text, key_size, pyc, pycSize);
    free(key_text);
}

/* ---- compressed frames ---- */

/* frame_name: "<crc32>-<size>-l<level>" in hex/decimal; the zstd version
 * and format tag are checked in the header. */
static void frame_name(char name[64], const uint8_t *src, size_t srcSize, int level)
{
    snprintf(name, 64, "%08x-%zu-l%d", (unsigned)crc(src, srcSize), srcSize, level);
}

static entry_header frame_header_of(size_t srcSize, int level)
{
    return (entry_header){.kind = ENTRY_FRAME,
                          .size = srcSize,
                          .p1 = ZSTD_versionNumber(),
                          .p2 = (uint32_t)level,
                          .p3 = PFZ_FRAME_FORMAT_TAG,
                          .key_size = 0};
}

/* frame_get: the pfz_frame_store get over a pfz_cache. A candidate is
 * reused only when it is exactly one zstd frame that declares srcSize bytes
 * and decompresses (its XXH64 content checksum verified by zstd) to bytes
 * equal to src. */
static int frame_get(void *ctx, const uint8_t *src, size_t srcSize, int level, uint8_t **frame,
                     size_t *frameSize)
{
    pfz_cache *c = ctx;
    *frame = NULL;
    *frameSize = 0;
    if (c == NULL) {
        return 0;
    }
    char name[64], path[PATH_MAX];
    frame_name(name, src, srcSize, level);
    uint8_t *buf = NULL, *plain = NULL;
    size_t size = 0, body_size = 0;
    const uint8_t *body = NULL;
    int hit = 0;
    entry_header want = frame_header_of(srcSize, level);
    wait_written(c, c->frame_dir, name);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", c->frame_dir, name) < sizeof path &&
        entry_read(path, &buf, &size) && entry_check(c, buf, size, &want, &body, &body_size) &&
        ZSTD_findFrameCompressedSize(body, body_size) == body_size &&
        ZSTD_getFrameContentSize(body, body_size) == (unsigned long long)srcSize &&
        (plain = malloc(srcSize > 0 ? srcSize : 1)) != NULL) {
        size_t r = ZSTD_decompressDCtx(c->dctx, plain, srcSize, body, body_size);
        if (!ZSTD_isError(r) && r == srcSize && memcmp(plain, src, srcSize) == 0) {
            /* the body is at the end of buf: move it to the front and keep it */
            memmove(buf, body, body_size);
            *frame = buf;
            *frameSize = body_size;
            buf = NULL;
            hit = 1;
        } else {
            c->stats.rejected++;
        }
    }
    free(plain);
    free(buf);
    if (hit) {
        c->stats.frame_hits++;
    } else {
        c->stats.frame_misses++;
    }
    return hit;
}

/* frame_put: the pfz_frame_store put over a pfz_cache. */
static void frame_put(void *ctx, const uint8_t *src, size_t srcSize, int level,
                      const uint8_t *frame, size_t frameSize)
{
    pfz_cache *c = ctx;
    if (c == NULL || frame == NULL) {
        return;
    }
    char name[64];
    frame_name(name, src, srcSize, level);
    entry_header h = frame_header_of(srcSize, level);
    entry_write(c, c->frame_dir, name, &h, NULL, 0, frame, frameSize);
}

pfz_frame_store pfz_cache_frame_store(pfz_cache *c)
{
    return (pfz_frame_store){.ctx = c, .get = frame_get, .put = frame_put};
}
