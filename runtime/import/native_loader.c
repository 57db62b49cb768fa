/* native_loader.c - native code from memfds; see native_loader.h. */
#include "native_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cpython311.h"
#include "elf_needed.h"
#include "glibc_dlopen.h"
#include "native_share.h"
#include "payload.h"
#include "pf_io.h"

#ifndef MFD_EXEC /* Linux 6.3: ask for an executable memfd explicitly */
#define MFD_EXEC 0x0010U
#endif

/* Bundled libraries needing bundled libraries: a chain deeper than this is
 * a damaged or hostile payload, not a real program. */
#define MAX_DEPTH 64

/* SONAMEs of the bundled libraries loaded (or being loaded) so far. */
static char **loaded_names;
static size_t loaded_count, loaded_capacity;

static int is_loaded(const char *name, size_t nameSize)
{
    for (size_t i = 0; i < loaded_count; i++) {
        if (strlen(loaded_names[i]) == nameSize && memcmp(loaded_names[i], name, nameSize) == 0) {
            return 1;
        }
    }
    return 0;
}

static int mark_loaded(const char *name, size_t nameSize, pf_error *err)
{
    if (loaded_count == loaded_capacity) {
        size_t capacity = loaded_capacity ? loaded_capacity * 2 : 16;
        char **names = realloc(loaded_names, capacity * sizeof *names);
        if (names == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory loading native libraries");
        }
        loaded_names = names;
        loaded_capacity = capacity;
    }
    char *copy = strndup(name, nameSize);
    if (copy == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory loading native libraries");
    }
    loaded_names[loaded_count++] = copy;
    return PF_OK;
}

/* sink_write: a pf_payload_sink appending to the file descriptor *context
 * with write(2). */
static int sink_write(void *context, const uint8_t *data, size_t size)
{
    return pf_write_all(*(int *)context, data, size);
}

/* sink_memcpy: a pf_payload_sink appending to the buffer cursor *context. */
static int sink_memcpy(void *context, const uint8_t *data, size_t size)
{
    uint8_t **cursor = context;
    memcpy(*cursor, data, size);
    *cursor += size;
    return 0;
}

/* The numbers of the descriptors given to dlopen() so far, as
 * "/proc/self/fd/N": glibc knows a loaded object by the path it was given,
 * so a path used once names that object for the life of the process, even
 * after the program closed the descriptor and the number went to another
 * file. A new object never gets a number used before (unique_number). */
static int *used_numbers;
static size_t used_count, used_capacity;
static int used_max = 2;

static int number_used(int fd)
{
    for (size_t i = 0; i < used_count; i++) {
        if (used_numbers[i] == fd) {
            return 1;
        }
    }
    return 0;
}

/* use_number: records fd as given to dlopen(). Returns PF_OK or
 * PF_ERR_NOMEM (then the object must not be loaded: its path could be
 * given again to another). */
static int use_number(int fd, pf_error *err)
{
    if (used_count == used_capacity) {
        size_t capacity = used_capacity ? used_capacity * 2 : 32;
        int *grown = realloc(used_numbers, capacity * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory loading native code");
        }
        used_numbers = grown;
        used_capacity = capacity;
    }
    used_numbers[used_count++] = fd;
    used_max = fd > used_max ? fd : used_max;
    return PF_OK;
}

/* move_fd: fd moved to the lowest free number >= floor (close-on-exec);
 * the old number is closed. Returns the new descriptor, or -1 with errno
 * set (fd closed then too). */
static int move_fd(int fd, int floor)
{
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, floor);
    int saved = errno;
    close(fd);
    errno = saved;
    return moved;
}

/* above_stdio: fd, moved to 3 or above if it took one of 0-2 (a program
 * started with stdin, stdout or stderr closed must find them closed, as
 * under python3). Returns it, or -1 with errno set. */
static int above_stdio(int fd)
{
    return fd >= 0 && fd < 3 ? move_fd(fd, 3) : fd;
}

/* unique_number: fd, moved to a number never given to dlopen() before
 * (see used_numbers), or -1 with errno set. */
static int unique_number(int fd)
{
    return fd >= 0 && number_used(fd) ? move_fd(fd, used_max + 1) : fd;
}

/* new_memfd: an empty memfd that can be sealed and mapped executable, on 3
 * or above, or -1 with errno set. */
static int new_memfd(const char *name)
{
    unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    int m = memfd_create(name, flags | MFD_EXEC);
    if (m < 0 && errno == EINVAL) {
        m = memfd_create(name, flags); /* kernel older than 6.3 */
    }
    return above_stdio(m);
}

/* member_base_name: the member's base name ("libssl.so.3" for
 * "libs/libssl.so.3"), cut to 255 bytes, as the memfd's name, which
 * /proc/PID/maps readers see. */
static void member_base_name(const pf_entry *file, char name[256])
{
    const char *base = memrchr(file->name, '/', file->name_size);
    base = base != NULL ? base + 1 : file->name;
    size_t nameSize = file->name_size - (size_t)(base - file->name);
    snprintf(name, 256, "%.*s", (int)(nameSize < 255 ? nameSize : 255), base);
}

int pf_native_open_memfd(void *context, const pf_entry *file)
{
    (void)context;
    char name[256];
    member_base_name(file, name);
    unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    int m = memfd_create(name, flags | MFD_EXEC);
    if (m < 0 && errno == EINVAL) {
        m = memfd_create(name, flags); /* kernel older than 6.3 */
    }
    return m; /* in the prefetch thread's own table: 0-2 are not the program's there */
}

/* A stored member's source (payload.h, the stored frame): the executable
 * opened again (native_share.h) and the member's file offset; exe is -1 for
 * a compressed member, or when the executable cannot be had. */
struct stored_source {
    int exe;
    uint64_t offset;
};

/* stored_open: *s for member `file`. */
static void stored_open(pf_payload *payload, const pf_entry *file, struct stored_source *s)
{
    uint64_t inPayload, payloadOffset;
    s->exe = -1;
    if (pf_payload_stored(payload, file, &inPayload, NULL) == PF_OK) {
        s->exe = pf_native_open_executable(&payloadOffset);
        s->offset = payloadOffset + inPayload;
    }
}

/* seal: the code can no longer change under the mapping, through any fd. */
static void seal(int m)
{
    (void)fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}

/* share_stored: once the object from memfd m is loaded (handle): its
 * read-only segments mapped from the executable, the memfd's copies of
 * them punched out (native_share.h), then m sealed, as every memfd. */
static void share_stored(int m, void *handle, const pf_entry *file, const struct stored_source *s)
{
    void *map = mmap(NULL, file->size, PROT_READ, MAP_PRIVATE, m, 0);
    if (map != MAP_FAILED) {
        (void)pf_native_share(m, handle, s->exe, s->offset, map, file->size);
        munmap(map, file->size);
    }
    seal(m);
}

/* memfd_place: a sealed memfd holding member `file`: the one the payload's
 * prefetch thread filled, if it did; else decompressed here in small pieces
 * written straight to the memfd: no frame-sized buffer, and the pages never
 * mapped in this process while they are filled (so they count in its
 * resident set only as far as the loaded code is used). On PF_OK *fd is the
 * memfd. PF_ERR_IO means no memfd could be had (the caller falls back);
 * other statuses are the payload's (damage, memory). */
static int memfd_place(pf_payload *payload, const pf_entry *file, const char *name, int *fd,
                       const struct stored_source *stored, pf_error *err)
{
    int m;
    if (stored->exe < 0 && pf_payload_take_native(payload, file, &m, NULL) == PF_OK) {
        *fd = m; /* reopened read-only, its identity and seals checked (payload_prefetch.c) */
        return PF_OK;
    }
    m = new_memfd(name);
    if (m < 0) {
        return pf_error_set(err, PF_ERR_IO, "no memfd (%s)", strerror(errno));
    }
    if (stored->exe >= 0 &&
        pf_native_fill_stored(m, stored->exe, stored->offset, file->size) == 0) {
        *fd = m; /* sealed once its pages are shared (share_stored) */
        return PF_OK;
    }
    if (stored->exe >= 0 && ftruncate(m, 0) != 0) {
        close(m);
        return pf_error_set(err, PF_ERR_IO, "cannot empty a memfd (%s)", strerror(errno));
    }
    int status = pf_payload_copy(payload, file, sink_write, &m, err);
    if (status != PF_OK) {
        close(m);
        return status == PF_ERR_IO
                   ? pf_error_set(err, PF_ERR_IO, "cannot fill a memfd (%s)", strerror(errno))
                   : status;
    }
    seal(m);
    *fd = m;
    return PF_OK;
}

/* read_native: member `file` copied into a fresh private anonymous mapping
 * of file->size bytes (the fallback writes it to a file from there), or
 * NULL with err set. Unmap with munmap(map, file->size). */
static uint8_t *read_native(pf_payload *payload, const pf_entry *file, pf_error *err)
{
    void *map = mmap(NULL, file->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        pf_error_set(err, PF_ERR_NOMEM, "out of memory for %u bytes of native code", file->size);
        return NULL;
    }
    uint8_t *cursor = map;
    if (pf_payload_copy(payload, file, sink_memcpy, &cursor, err) != PF_OK) {
        munmap(map, file->size);
        return NULL;
    }
    return map;
}

static int private_place(const char *name, const uint8_t *data, size_t size, pf_error *err);

/* fallback_place: the member in a verified, unlinked private file (see
 * private_place). Returns an fd, or -1 with err set. */
static int fallback_place(pf_payload *payload, const pf_entry *file, const char *name,
                          pf_error *err)
{
    uint8_t *data = read_native(payload, file, err);
    if (data == NULL) {
        return -1;
    }
    int fd = private_place(name, data, file->size, err);
    munmap(data, file->size);
    return fd;
}

/* same_bytes: whether fd holds exactly data[0..size), read back through it. */
static int same_bytes(int fd, const uint8_t *data, size_t size)
{
    uint8_t buffer[65536];
    size_t at = 0;
    while (at < size) {
        size_t want = size - at < sizeof buffer ? size - at : sizeof buffer;
        ssize_t n = pread(fd, buffer, want, (off_t)at);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || memcmp(buffer, data + at, (size_t)n) != 0) {
            return 0;
        }
        at += (size_t)n;
    }
    struct stat st;
    return fstat(fd, &st) == 0 && (uint64_t)st.st_size == (uint64_t)size;
}

static const char *private_dir_base(void);

/* read_only: fd's file, written, reopened read-only and its mode made 0500
 * (the program cannot write it through the descriptor the runtime keeps,
 * nor, but as root, reopen it for writing); fd is closed. Returns the new
 * descriptor, or -1 with errno set. */
static int read_only(int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int ro = above_stdio(open(path, O_RDONLY | O_CLOEXEC));
    int saved = errno;
    (void)fchmod(fd, 0500);
    close(fd);
    errno = saved;
    return ro;
}

/* noexec_note: ", DIR is on a noexec mount ..." when the fallback's
 * directory base is mounted noexec (the usual reason its files cannot be
 * mapped executable), else "". */
static const char *noexec_note(void)
{
    static char note[3200];
    struct statvfs vfs;
    const char *base = private_dir_base();
    note[0] = '\0';
    if (statvfs(base, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) {
        snprintf(note, sizeof note,
                 " (%s is mounted noexec and executable memfds are refused: set TMPDIR to a "
                 "directory on a mount that allows execution)",
                 base);
    }
    return note;
}

/* private_dir_base: where the fallback directory goes. */
static const char *private_dir_base(void)
{
    const char *names[] = {"XDG_RUNTIME_DIR", "TMPDIR"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *dir = getenv(names[i]);
        struct stat st;
        if (dir != NULL && dir[0] == '/' && strlen(dir) < 3000 && stat(dir, &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            return dir;
        }
    }
    return "/tmp";
}

/* private_place: the fallback; see native_loader.h. Returns an fd on the
 * verified, already unlinked file, or -1 with a message in err. */
static int private_place(const char *name, const uint8_t *data, size_t size, pf_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/pyfreeze-XXXXXX", private_dir_base());
    if (mkdtemp(dir) == NULL) {
        pf_error_set(err, PF_ERR_IO, "cannot create a private directory in %s (%s)",
                     private_dir_base(), strerror(errno));
        return -1;
    }
    int fd = -1;
    int dirfd = above_stdio(open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st;
    if (dirfd < 0 || fstat(dirfd, &st) != 0 || st.st_uid != geteuid() ||
        (st.st_mode & 07777) != 0700) {
        pf_error_set(err, PF_ERR_IO, "private directory %s is not ours with mode 0700", dir);
    } else {
        fd = above_stdio(
            openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700));
        if (fd < 0 || pf_write_all(fd, data, size) < 0 || !same_bytes(fd, data, size) ||
            (fd = read_only(fd)) < 0) {
            pf_error_set(err, PF_ERR_IO, "cannot write %s/%s (%s)", dir, name,
                         errno ? strerror(errno) : "content differs when read back");
            if (fd >= 0) {
                close(fd);
                fd = -1;
            }
        }
        (void)unlinkat(dirfd, name, 0);
    }
    if (dirfd >= 0) {
        close(dirfd);
    }
    (void)rmdir(dir);
    return fd;
}

static int load_object(pf_payload *payload, const pf_entry *file, const char *name, int flags,
                       int depth, char *path, size_t pathCapacity, int *createsInterpreters,
                       pf_error *err);

/* same_file: whether fd is still the file st describes. */
static int same_file(int fd, const struct stat *st)
{
    struct stat now;
    return fstat(fd, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

/* open_placed: dlopen()s placed descriptor *fd (its number first made
 * unique, unique_number: *fd may change) as "/proc/self/fd/N" written to
 * path. The file is identified (fstat) before, and checked to be the same
 * file right before and right after dlopen(): nothing runs Python code in
 * between, but another thread may close descriptors; were it changed, the
 * object mapped may not be ours and this is an error. Returns PF_OK (the
 * number is recorded, fd stays open, *loaded is dlopen()'s handle); else
 * *why is the dlerror() text (or
 * NULL, then err says why: PF_ERR_IO, PF_ERR_NOMEM) and *fd is closed. */
static int open_placed(int *fd, int flags, char *path, size_t pathCapacity, const char **why,
                       void **loaded, pf_error *err)
{
    *why = NULL;
    struct stat st;
    *fd = unique_number(*fd);
    if (*fd < 0 || fstat(*fd, &st) != 0) {
        int status = pf_error_set(err, PF_ERR_IO, "no descriptor for it (%s)", strerror(errno));
        if (*fd >= 0) {
            close(*fd);
        }
        return status;
    }
    int status = use_number(*fd, err);
    if (status != PF_OK) {
        close(*fd);
        return status;
    }
    snprintf(path, pathCapacity, "/proc/self/fd/%d", *fd);
    void *handle = same_file(*fd, &st) ? pf_glibc_dlopen(path, flags) : NULL;
    if (handle == NULL) {
        *why = dlerror();
        status = pf_error_set(err, PF_ERR_IO, "%s",
                              *why ? *why : "its descriptor was closed while it was loaded");
        close(*fd);
        return status;
    }
    if (!same_file(*fd, &st)) {
        /* the path named another file when glibc opened it: leave that one
         * loaded (it may be in use) and say so */
        return pf_error_set(err, PF_ERR_IO,
                            "its descriptor was replaced while it was loaded (a thread closing "
                            "descriptors during an import)");
    }
    *loaded = handle;
    return PF_OK;
}

struct needed_walk {
    pf_payload *payload;
    int depth;
    pf_error *err;
};

/* load_needed: the DT_NEEDED visitor: loads name if the payload bundles it
 * and it is not loaded yet; a library the payload does not bundle is a
 * system library that ld.so finds as usual. */
static int load_needed(const char *name, size_t nameSize, void *context)
{
    struct needed_walk *walk = context;
    char member[PF_LIBS_DIR_SIZE + PF_MAX_NAME_SIZE + 1];
    if (nameSize == 0 || nameSize > PF_MAX_NAME_SIZE || is_loaded(name, nameSize)) {
        return 0;
    }
    memcpy(member, PF_LIBS_DIR, PF_LIBS_DIR_SIZE);
    memcpy(member + PF_LIBS_DIR_SIZE, name, nameSize);
    member[PF_LIBS_DIR_SIZE + nameSize] = '\0';
    pf_entry library;
    if (!pf_index_find(pf_payload_index(walk->payload), member, PF_LIBS_DIR_SIZE + nameSize,
                       &library) ||
        library.kind != PF_KIND_LIBRARY) {
        return 0;
    }
    int status = mark_loaded(name, nameSize, walk->err);
    if (status != PF_OK) {
        return status;
    }
    char path[64];
    return load_object(walk->payload, &library, member + PF_LIBS_DIR_SIZE, RTLD_NOW | RTLD_GLOBAL,
                       walk->depth + 1, path, sizeof path, NULL, walk->err);
}

/* The functions that start a sub-interpreter (cpython311.h). */
static const char *const interpreter_creators[] = PF_PY_INTERPRETER_CREATORS;

/* load_placed: load_object's work, with the member's stored source (exe
 * -1: none). */
static int load_placed(pf_payload *payload, const pf_entry *file, const char *name, int flags,
                       int depth, char *path, size_t pathCapacity, int *createsInterpreters,
                       const struct stored_source *stored, pf_error *err)
{
    if (depth > MAX_DEPTH) {
        return pf_error_set(err, PF_ERR_CORRUPT, "bundled libraries nest deeper than %d",
                            MAX_DEPTH);
    }
    size_t size = file->size;
    if (size == 0) {
        return pf_error_set(err, PF_ERR_CORRUPT, "native code member %s is empty", name);
    }
    pf_error memfdError;
    int memfd = 1, fd = -1;
    int status = memfd_place(payload, file, name, &fd, stored, &memfdError);
    if (status != PF_OK && status != PF_ERR_IO) {
        *err = memfdError;
        return status;
    }
    if (status == PF_ERR_IO) {
        memfd = 0;
        pf_error placeError;
        fd = fallback_place(payload, file, name, &placeError);
        if (fd < 0) {
            return pf_error_set(err, placeError.status == PF_ERR_IO ? PF_ERR_IO : placeError.status,
                                "cannot load %s: %s and %s", name, memfdError.message,
                                placeError.message);
        }
    }
    /* Walk the dependencies over a private mapping of the placed copy. */
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        close(fd);
        return pf_error_set(err, PF_ERR_IO, "cannot map %s (%s)", name, strerror(errno));
    }
    struct needed_walk walk = {payload, depth, err};
    status = pf_elf_for_each_needed(map, size, load_needed, &walk, err);
    if (status == PF_OK && createsInterpreters != NULL) {
        status = pf_elf_imports_any(map, size, interpreter_creators,
                                    sizeof interpreter_creators / sizeof *interpreter_creators,
                                    createsInterpreters, err);
    }
    munmap(map, size);
    if (status != PF_OK) {
        close(fd);
        return status;
    }
    const char *why = NULL;
    void *handle = NULL;
    if (open_placed(&fd, flags, path, pathCapacity, &why, &handle, err) == PF_OK) {
        if (memfd && stored->exe >= 0) {
            share_stored(fd, handle, file, stored);
        }
        return PF_OK; /* fd stays open for the life of the process */
    }
    char first[512];
    snprintf(first, sizeof first, "%s", why ? why : err->message);
    if (!memfd) {
        return pf_error_set(err, PF_ERR_IO, "cannot load %s: %s%s", name, first, noexec_note());
    }
    /* A memfd that cannot be mapped executable: try the private file (its
     * number is another: used_numbers). */
    pf_error placeError;
    int fallback = fallback_place(payload, file, name, &placeError);
    if (fallback < 0) {
        return pf_error_set(err, placeError.status == PF_ERR_IO ? PF_ERR_IO : placeError.status,
                            "cannot load %s: %s; and %s", name, first, placeError.message);
    }
    if (open_placed(&fallback, flags, path, pathCapacity, &why, &handle, err) != PF_OK) {
        return pf_error_set(err, PF_ERR_IO, "cannot load %s: %s%s", name, why ? why : err->message,
                            noexec_note());
    }
    return PF_OK;
}

/* load_object: places a native member, loads its bundled dependencies, and
 * dlopen()s it with flags. When createsInterpreters is not NULL, sets it to
 * whether the object imports one of interpreter_creators. A member of the
 * stored frame is copied from the executable by the kernel and its
 * read-only segments shared (native_share.h). */
static int load_object(pf_payload *payload, const pf_entry *file, const char *name, int flags,
                       int depth, char *path, size_t pathCapacity, int *createsInterpreters,
                       pf_error *err)
{
    struct stored_source stored;
    stored_open(payload, file, &stored);
    int status = load_placed(payload, file, name, flags, depth, path, pathCapacity,
                             createsInterpreters, &stored, err);
    if (stored.exe >= 0) {
        close(stored.exe); /* the shared mappings hold the file */
    }
    return status;
}

int pf_native_load_library(pf_payload *payload, const char *name, size_t nameSize, int *bundled,
                           pf_error *err)
{
    char member[PF_LIBS_DIR_SIZE + PF_MAX_NAME_SIZE + 1];
    pf_entry library;
    *bundled = 0;
    if (nameSize == 0 || nameSize > PF_MAX_NAME_SIZE || memchr(name, '/', nameSize) != NULL) {
        return PF_OK;
    }
    memcpy(member, PF_LIBS_DIR, PF_LIBS_DIR_SIZE);
    memcpy(member + PF_LIBS_DIR_SIZE, name, nameSize);
    if (!pf_index_find(pf_payload_index(payload), member, PF_LIBS_DIR_SIZE + nameSize, &library) ||
        library.kind != PF_KIND_LIBRARY) {
        return PF_OK;
    }
    *bundled = 1;
    struct needed_walk walk = {payload, 0, err};
    return load_needed(name, nameSize, &walk);
}

/* Extension modules placed so far (entry number -> the path dlopen() was
 * given), so that loading one again (in a sub-interpreter, or after it left
 * sys.modules) gives CPython the same path: as for python3's one .so file,
 * CPython then finds a single-phase module in its extension cache and
 * dlopen() returns the same handle, and no second copy of the code is
 * placed. */
struct placed_module {
    uint32_t number;
    int creates_interpreters;
    char path[32];
};
static struct placed_module *placed;
static size_t placed_count, placed_capacity;

/* remember_placed: adds entry `number` at path to `placed`; on no memory it
 * is only not remembered (a later load places another copy). */
static void remember_placed(uint32_t number, const char *path, int createsInterpreters)
{
    if (placed_count == placed_capacity) {
        size_t capacity = placed_capacity ? placed_capacity * 2 : 16;
        struct placed_module *grown = realloc(placed, capacity * sizeof *grown);
        if (grown == NULL) {
            return;
        }
        placed = grown;
        placed_capacity = capacity;
    }
    placed[placed_count].number = number;
    placed[placed_count].creates_interpreters = createsInterpreters;
    snprintf(placed[placed_count].path, sizeof placed[placed_count].path, "%s", path);
    placed_count++;
}

int pf_native_prepare(pf_payload *payload, const pf_entry *file, char *path, size_t pathCapacity,
                      int *createsInterpreters, pf_error *err)
{
    *createsInterpreters = 0;
    if (file->kind != PF_KIND_NATIVE) {
        return pf_error_set(err, PF_ERR_USAGE, "not a native code member");
    }
    if (pathCapacity < sizeof placed->path) {
        return pf_error_set(err, PF_ERR_USAGE, "path buffer of %zu bytes is too small",
                            pathCapacity);
    }
    for (size_t i = 0; i < placed_count; i++) {
        if (placed[i].number == file->number) {
            snprintf(path, pathCapacity, "%s", placed[i].path);
            *createsInterpreters = placed[i].creates_interpreters;
            return PF_OK;
        }
    }
    char name[256];
    member_base_name(file, name);
    int status = load_object(payload, file, name, RTLD_NOW | RTLD_LOCAL, 0, path, pathCapacity,
                             createsInterpreters, err);
    if (status == PF_OK && strlen(path) < sizeof placed->path) {
        remember_placed(file->number, path, *createsInterpreters);
    }
    return status;
}
