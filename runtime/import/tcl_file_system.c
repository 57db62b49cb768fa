/* tcl_file_system.c - Tcl's script library served from the payload: a Tcl
 * virtual file system over paths under the executable, registered when an
 * extension module brings Tcl in; see tcl_file_system.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "tcl_file_system.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "damaged.h"
#include "pf_io.h"
#include "payload.h"

/* ---- The part of Tcl 8's C ABI used here (tcl/generic/tcl.h, unchanged
 * from 8.4 to 8.6). Tcl is not linked: its functions are looked up in the
 * loaded libtcl (dlsym), so no Tcl header is needed to build the stub. */
typedef struct tcl_obj tcl_obj;       /* Tcl_Obj, opaque here */
typedef struct tcl_interp tcl_interp; /* Tcl_Interp, opaque here */
typedef void *tcl_channel;            /* Tcl_Channel */
typedef struct {
    int type; /* TCL_GLOB_TYPE_* wanted, 0 for any */
    int perm; /* TCL_GLOB_PERM_* wanted */
    tcl_obj *mac_type, *mac_creator;
} tcl_glob_types; /* Tcl_GlobTypeData */
#define TCL_OK 0
#define TCL_READABLE 2
#define TCL_GLOB_TYPE_DIR (1 << 2)
#define TCL_GLOB_TYPE_FILE (1 << 4)
#define TCL_GLOB_PERM_HIDDEN (1 << 1)
#define TCL_GLOB_PERM_W (1 << 3)
#define TCL_GLOB_PERM_X (1 << 4)
/* Tcl_StatBuf on Linux is struct stat64, the same as struct stat on x86-64. */
typedef struct stat tcl_stat_buf;
typedef void (*tcl_unused)(void); /* a slot this file system leaves NULL */
/* Tcl_Filesystem, version 1 (TCL_FILESYSTEM_VERSION_1): the slots in order. */
typedef struct {
    const char *type_name;
    int structure_length;
    void *version;
    int (*path_in_filesystem)(tcl_obj *path, void **clientData);
    tcl_unused dup_internal_rep, free_internal_rep, internal_to_normalized, create_internal_rep,
        normalize_path, path_type, separator;
    int (*stat)(tcl_obj *path, tcl_stat_buf *buf);
    int (*access)(tcl_obj *path, int mode);
    tcl_channel (*open_file_channel)(tcl_interp *interp, tcl_obj *path, int mode, int permissions);
    int (*match_in_directory)(tcl_interp *interp, tcl_obj *result, tcl_obj *path,
                              const char *pattern, tcl_glob_types *types);
    tcl_unused utime, link, list_volumes, file_attr_strings, file_attrs_get, file_attrs_set,
        create_directory, remove_directory, delete_file, copy_file, rename_file, copy_directory,
        lstat, load_file, get_cwd, chdir;
} tcl_filesystem;

/* The Tcl functions used, from the loaded libtcl. */
static struct {
    int (*FSRegister)(void *clientData, const tcl_filesystem *fs);
    tcl_obj *(*FSGetNormalizedPath)(tcl_interp *interp, tcl_obj *path);
    char *(*GetStringFromObj)(tcl_obj *obj, int *length);
    tcl_obj *(*NewStringObj)(const char *bytes, int length);
    tcl_obj *(*FSJoinToPath)(tcl_obj *base, int objc, tcl_obj *const objv[]);
    int (*ListObjAppendElement)(tcl_interp *interp, tcl_obj *list, tcl_obj *obj);
    tcl_channel (*MakeFileChannel)(void *handle, int mode);
    int (*StringCaseMatch)(const char *text, const char *pattern, int nocase);
    void (*DbIncrRefCount)(tcl_obj *obj, const char *file, int line);
    void (*DbDecrRefCount)(tcl_obj *obj, const char *file, int line);
    void (*GetVersion)(int *major, int *minor, int *patchLevel, int *type);
    void (*AppendResult)(tcl_interp *interp, ...);
    const char *(*PosixError)(tcl_interp *interp);
} tcl;

/* lookup: *slot = the address of Tcl's function name; 0 when missing. */
static int lookup(void *slot, const char *name)
{
    void *address = dlsym(RTLD_DEFAULT, name);
    memcpy(slot, &address, sizeof address); /* POSIX: dlsym gives functions too */
    return address != NULL;
}

static int resolve_tcl(void)
{
    return lookup(&tcl.FSRegister, "Tcl_FSRegister") &&
           lookup(&tcl.FSGetNormalizedPath, "Tcl_FSGetNormalizedPath") &&
           lookup(&tcl.GetStringFromObj, "Tcl_GetStringFromObj") &&
           lookup(&tcl.NewStringObj, "Tcl_NewStringObj") &&
           lookup(&tcl.FSJoinToPath, "Tcl_FSJoinToPath") &&
           lookup(&tcl.ListObjAppendElement, "Tcl_ListObjAppendElement") &&
           lookup(&tcl.MakeFileChannel, "Tcl_MakeFileChannel") &&
           lookup(&tcl.StringCaseMatch, "Tcl_StringCaseMatch") &&
           lookup(&tcl.DbIncrRefCount, "Tcl_DbIncrRefCount") &&
           lookup(&tcl.DbDecrRefCount, "Tcl_DbDecrRefCount") &&
           lookup(&tcl.GetVersion, "Tcl_GetVersion") &&
           lookup(&tcl.AppendResult, "Tcl_AppendResult") &&
           lookup(&tcl.PosixError, "Tcl_PosixError");
}

/* What is served: set once by pf_tcl_serve, then only read (Tcl may call
 * the file system from any of its threads; index lookups only read). */
static struct {
    int done;            /* pf_tcl_serve ran to its end once */
    pf_payload *payload; /* borrowed, for the life of the process */
    char executable[PATH_MAX];
    char root[PATH_MAX + 1]; /* "<executable>/" */
    size_t root_size;
} served;

/* Room for "lib/" and a member name. */
#define NAME_CAPACITY (PF_LIB_DIR_SIZE + PF_MAX_NAME_SIZE + 1)

enum { NONE, FILE_NODE, DIR_NODE };

/* member_of: the member name "lib/X" of Tcl path "<executable>/X" (after
 * Tcl's normalisation: absolute, no "." or ".."), NUL-terminated in
 * name[NAME_CAPACITY]; returns its size, or 0 for a path elsewhere. */
static size_t member_of(tcl_obj *path, char *name)
{
    tcl_obj *normal = tcl.FSGetNormalizedPath(NULL, path); /* owned by path */
    int size = 0;
    const char *text = normal != NULL ? tcl.GetStringFromObj(normal, &size) : NULL;
    if (text == NULL || size < 0 || (size_t)size <= served.root_size ||
        memcmp(text, served.root, served.root_size) != 0) {
        return 0;
    }
    size_t rel = (size_t)size - served.root_size;
    if (PF_LIB_DIR_SIZE + rel >= NAME_CAPACITY) {
        return 0;
    }
    memcpy(name, PF_LIB_DIR, PF_LIB_DIR_SIZE);
    memcpy(name + PF_LIB_DIR_SIZE, text + served.root_size, rel);
    name[PF_LIB_DIR_SIZE + rel] = '\0';
    return PF_LIB_DIR_SIZE + rel;
}

/* is_below: 1 when file entry e's name is name[0..size) + "/" + more. */
static int is_below(const pf_entry *e, const char *name, size_t size)
{
    return PF_KIND_IS_FILE(e->kind) && e->name_size > size + 1 && e->name[size] == '/' &&
           memcmp(e->name, name, size) == 0;
}

/* node_of: FILE_NODE (filling *file) when member name[0..size) is a file,
 * DIR_NODE when files lie below it, else NONE. */
static int node_of(const char *name, size_t size, pf_entry *file)
{
    const pf_index *index = pf_payload_index(served.payload);
    if (pf_index_find(index, name, size, file)) {
        return PF_KIND_IS_FILE(file->kind) ? FILE_NODE : NONE;
    }
    pf_entry e;
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_index_entry(index, n, &e);
        if (is_below(&e, name, size)) {
            return DIR_NODE;
        }
    }
    return NONE;
}

/* fs_in: Tcl_FSPathInFilesystemProc: TCL_OK for paths under the executable. */
static int fs_in(tcl_obj *path, void **clientData)
{
    char name[NAME_CAPACITY];
    *clientData = NULL;
    return member_of(path, name) != 0 ? TCL_OK : -1;
}

/* fs_stat: Tcl_FSStatProc: a read-only file or directory, or -1 (ENOENT). */
static int fs_stat(tcl_obj *path, tcl_stat_buf *buf)
{
    char name[NAME_CAPACITY];
    pf_entry file;
    size_t size = member_of(path, name);
    int node = size != 0 ? node_of(name, size, &file) : NONE;
    if (node == NONE) {
        errno = ENOENT;
        return -1;
    }
    memset(buf, 0, sizeof *buf);
    buf->st_mode = node == FILE_NODE ? S_IFREG | 0444 : S_IFDIR | 0555;
    buf->st_nlink = 1;
    buf->st_ino = node == FILE_NODE ? (ino_t)file.number + 1 : 0;
    buf->st_size = node == FILE_NODE ? (off_t)file.size : 0;
    buf->st_blksize = 4096;
    return 0;
}

/* fs_access: Tcl_FSAccessProc: readable; directories searchable; nothing
 * writable (EROFS) or executable (EACCES). */
static int fs_access(tcl_obj *path, int mode)
{
    char name[NAME_CAPACITY];
    pf_entry file;
    size_t size = member_of(path, name);
    int node = size != 0 ? node_of(name, size, &file) : NONE;
    errno = node == NONE ? ENOENT : (mode & W_OK) ? EROFS : EACCES;
    return node == NONE || (mode & W_OK) || (node == FILE_NODE && (mode & X_OK)) ? -1 : 0;
}

/* member_fd: a memfd holding file's bytes, at offset 0, or -1 with errno.
 * The payload is read with the GIL held (one reader at a time:
 * payload_reader.h); Tcl calls this with the GIL released by _tkinter. A
 * damaged member ends the process, as for Python's reads (damaged.h). */
static int member_fd(const pf_entry *file)
{
    if (!Py_IsInitialized()) {
        errno = EIO;
        return -1;
    }
    int fd = memfd_create("tcl-library", MFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    const uint8_t *data;
    size_t size;
    pf_error err;
    PyGILState_STATE gil = PyGILState_Ensure();
    int status = pf_payload_read(served.payload, file, &data, &size, &err);
    if (status != PF_OK) {
        pf_read_failed_exit(served.executable, file->name, file->name_size, status, err.message);
    }
    int written = pf_write_all(fd, data, size);
    int saved = errno;
    PyGILState_Release(gil);
    if (written != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        saved = written != 0 ? saved : errno;
        close(fd);
        errno = saved != 0 ? saved : EIO;
        return -1;
    }
    return fd;
}

/* fs_open: Tcl_FSOpenFileChannelProc: a read-only channel over a memfd of
 * the member; else NULL with errno and, given an interpreter, the message
 * Tcl's native file system gives (unix/tclUnixChan.c TclpOpenFileChannel). */
static tcl_channel fs_open(tcl_interp *interp, tcl_obj *path, int mode, int permissions)
{
    (void)permissions;
    char name[NAME_CAPACITY];
    pf_entry file;
    size_t size = member_of(path, name);
    int node = size != 0 ? node_of(name, size, &file) : NONE;
    tcl_channel channel = NULL;
    if ((mode & O_ACCMODE) != O_RDONLY || (mode & (O_CREAT | O_TRUNC | O_APPEND))) {
        errno = node == NONE ? ENOENT : EROFS;
    } else if (node != FILE_NODE) {
        errno = node == NONE ? ENOENT : EISDIR;
    } else {
        int fd = member_fd(&file);
        channel = fd >= 0 ? tcl.MakeFileChannel((void *)(intptr_t)fd, TCL_READABLE) : NULL;
        if (fd >= 0 && channel == NULL) {
            close(fd);
            errno = EIO;
        }
    }
    if (channel == NULL && interp != NULL) {
        tcl.AppendResult(interp, "couldn't open \"", tcl.GetStringFromObj(path, NULL),
                         "\": ", tcl.PosixError(interp), (char *)NULL);
    }
    return channel;
}

/* wanted: whether a child (node, hidden) passes glob's -types. Nothing is
 * writable; only directories are "executable" (searchable). */
static int wanted(int node, int hidden, const char *pattern, const tcl_glob_types *types)
{
    int type = types != NULL ? types->type : 0;
    int perm = types != NULL ? types->perm : 0;
    if (type != 0 && !(type & (node == DIR_NODE ? TCL_GLOB_TYPE_DIR : TCL_GLOB_TYPE_FILE))) {
        return 0;
    }
    if ((perm & TCL_GLOB_PERM_W) || ((perm & TCL_GLOB_PERM_X) && node != DIR_NODE)) {
        return 0;
    }
    /* hidden names only for -types hidden or a pattern starting with "." */
    int show_hidden = (perm & TCL_GLOB_PERM_HIDDEN) || (pattern != NULL && pattern[0] == '.');
    return hidden ? show_hidden : !(perm & TCL_GLOB_PERM_HIDDEN);
}

/* append_path: appends base joined with leaf[0..size) to list result. */
static void append_path(tcl_obj *result, tcl_obj *base, const char *leaf, size_t size)
{
    tcl_obj *name = tcl.NewStringObj(leaf, (int)size);
    tcl.DbIncrRefCount(name, __FILE__, __LINE__);
    tcl_obj *joined = tcl.FSJoinToPath(base, 1, &name);
    if (joined != NULL) {
        tcl.ListObjAppendElement(NULL, result, joined);
    }
    tcl.DbDecrRefCount(name, __FILE__, __LINE__);
}

/* seen_before: whether directory child[0..size) is in dirs[0..*count),
 * adding it when not (a directory shows once, however many files it has;
 * members are in packing order, not sorted). */
static int seen_before(const char ***dirs, size_t **sizes, size_t *count, const char *child,
                       size_t size)
{
    for (size_t i = 0; i < *count; i++) {
        if ((*sizes)[i] == size && memcmp((*dirs)[i], child, size) == 0) {
            return 1;
        }
    }
    const char **grownDirs = realloc(*dirs, (*count + 1) * sizeof **dirs);
    *dirs = grownDirs != NULL ? grownDirs : *dirs;
    size_t *grownSizes = grownDirs != NULL ? realloc(*sizes, (*count + 1) * sizeof **sizes) : NULL;
    *sizes = grownSizes != NULL ? grownSizes : *sizes;
    if (grownSizes != NULL) {
        (*dirs)[*count] = child;
        (*sizes)[(*count)++] = size;
    }
    return 0;
}

/* fs_match: Tcl_FSMatchInDirectoryProc (glob): with no pattern, path itself
 * if it exists and passes types; else the children of directory path whose
 * names match pattern (Tcl_StringCaseMatch) and pass types. */
static int fs_match(tcl_interp *interp, tcl_obj *result, tcl_obj *path, const char *pattern,
                    tcl_glob_types *types)
{
    (void)interp;
    char name[NAME_CAPACITY];
    pf_entry file;
    size_t size = member_of(path, name);
    int node = size != 0 ? node_of(name, size, &file) : NONE;
    if (pattern == NULL || pattern[0] == '\0') {
        if (node != NONE && wanted(node, 0, NULL, types)) {
            tcl.ListObjAppendElement(NULL, result, path);
        }
        return TCL_OK;
    }
    if (node != DIR_NODE) {
        return TCL_OK;
    }
    const pf_index *index = pf_payload_index(served.payload);
    const char **dirs = NULL;
    size_t *dirSizes = NULL, dirCount = 0;
    pf_entry e;
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_index_entry(index, n, &e);
        if (!is_below(&e, name, size)) {
            continue;
        }
        const char *child = e.name + size + 1;
        size_t left = e.name_size - size - 1;
        const char *slash = memchr(child, '/', left);
        size_t childSize = slash != NULL ? (size_t)(slash - child) : left;
        int childNode = slash != NULL ? DIR_NODE : FILE_NODE;
        char leaf[NAME_CAPACITY];
        if ((childNode == DIR_NODE && seen_before(&dirs, &dirSizes, &dirCount, child, childSize)) ||
            !wanted(childNode, child[0] == '.', pattern, types)) {
            continue;
        }
        memcpy(leaf, child, childSize);
        leaf[childSize] = '\0';
        if (tcl.StringCaseMatch(leaf, pattern, 0)) {
            append_path(result, path, leaf, childSize);
        }
    }
    free(dirs);
    free(dirSizes);
    return TCL_OK;
}

static const tcl_filesystem payload_fs = {
    .type_name = "pyfreeze",
    .structure_length = sizeof(tcl_filesystem),
    .version = (void *)0x1, /* TCL_FILESYSTEM_VERSION_1 */
    .path_in_filesystem = fs_in,
    .stat = fs_stat,
    .access = fs_access,
    .open_file_channel = fs_open,
    .match_in_directory = fs_match,
};

/* library_dir: "<executable>/D" in out[PATH_MAX], where member
 * "lib/D/<script>" is the first in the index whose D ends with "/<dir>" or
 * is <dir>. Returns 1 when there is one. */
static int library_dir(const char *dir, const char *script, char *out)
{
    char tail[64];
    int tailSize = snprintf(tail, sizeof tail, "%s/%s", dir, script);
    const pf_index *index = pf_payload_index(served.payload);
    pf_entry e;
    for (uint32_t n = 0; tailSize > 0 && (size_t)tailSize < sizeof tail && n < index->entry_count;
         n++) {
        pf_index_entry(index, n, &e);
        size_t size = e.name_size, t = (size_t)tailSize;
        if (!PF_KIND_IS_FILE(e.kind) || size < PF_LIB_DIR_SIZE + t ||
            memcmp(e.name, PF_LIB_DIR, PF_LIB_DIR_SIZE) != 0 ||
            memcmp(e.name + size - t, tail, t) != 0 ||
            (size > PF_LIB_DIR_SIZE + t && e.name[size - t - 1] != '/')) {
            continue;
        }
        size_t dirEnd = size - strlen(script) - 1; /* the name up to D's end */
        int written = snprintf(out, PATH_MAX, "%s%.*s", served.root,
                               (int)(dirEnd - PF_LIB_DIR_SIZE), e.name + PF_LIB_DIR_SIZE);
        return written > 0 && written < PATH_MAX;
    }
    return 0;
}

void pf_tcl_serve(pf_payload *payload, const char *executable)
{
    if (served.done || dlsym(RTLD_DEFAULT, "Tcl_FSRegister") == NULL) {
        return; /* no Tcl loaded yet: a later extension module may bring it */
    }
    served.done = 1;
    int major = 0, minor = 0, patch, type;
    if (!resolve_tcl() || (tcl.GetVersion(&major, &minor, &patch, &type), major != 8)) {
        return; /* not the Tcl 8 whose ABI is written above */
    }
    int rootSize = snprintf(served.root, sizeof served.root, "%s/", executable);
    if (rootSize <= 1 || (size_t)rootSize >= sizeof served.root) {
        return;
    }
    served.root_size = (size_t)rootSize;
    snprintf(served.executable, sizeof served.executable, "%s", executable);
    served.payload = payload;
    char name[32], tclLibrary[PATH_MAX], tkLibrary[PATH_MAX];
    snprintf(name, sizeof name, "tcl%d.%d", major, minor);
    if (!library_dir(name, "init.tcl", tclLibrary) || tcl.FSRegister(NULL, &payload_fs) != TCL_OK) {
        return; /* no Tcl library packed: Tcl reads its compiled-in paths */
    }
    setenv("TCL_LIBRARY", tclLibrary, 0); /* 0: a value the program set stays */
    snprintf(name, sizeof name, "tk%d.%d", major, minor);
    if (library_dir(name, "tk.tcl", tkLibrary)) {
        setenv("TK_LIBRARY", tkLibrary, 0);
    }
}
