/* boot.c - the frozen program's boot; see boot.h.
 *
 * pf_boot_main, first below, reads top to bottom: fault in the writable
 * data (prefault.c) -> locate self -> map the executable -> open and
 * validate the payload -> choose the mode -> turn prefetch on -> configure
 * CPython and start its core -> install the importer -> main
 * initialisation -> check the bytecode's Python -> move the start-up's
 * objects out of the collector's way (a program only) -> run __main__ (or
 * the python3 command line) -> finalise. Each live resource
 * has a field in struct boot, so a failure part-way releases only what
 * exists. The steps follow it in the same order. Five jobs live in files of
 * their own: choosing what the process runs from the index flags and the
 * command line (boot_mode.c), CPython's configuration and its two-phase
 * start (boot_config.c), what is set in an initialised interpreter where
 * python3 has it from `site`, with python3 -i's interactive session
 * (boot_site.c), the start-up's objects frozen for the garbage collector
 * (boot_gc.c), and the report of a damaged executable (damaged.c).
 *
 * Exit statuses mirror Py_RunMain's (Modules/main.c: pymain_run_python,
 * exit_sigint); tracebacks go through Lib/traceback.py when the payload has
 * sources (pf_boot_install_source_hooks). Sub-interpreters get their
 * importer from runtime/import/ and, once initialised, what finish_init
 * adds (finish_subinterpreter).
 *
 * The index flags (payload.h) choose what the executable is: a program
 * (optionally with sources, an optimisation level and `-i`), or a
 * standalone Python whose whole command line CPython parses
 * (PF_BOOT_PYTHON). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "boot.h"
#include "boot_internal.h"
#include "damaged.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_section.h"
#include "importer.h"
#include "native_loader.h"
#include "native_share.h"
#include "payload.h"
#include "payload_reader.h"
#include "prefault.h"

/* The steps, in the order pf_boot_main takes them (pf_boot_start_core is
 * boot_config.c's); each returns 0, or -1 after printing why (the boot then
 * releases what exists and returns); a damaged executable ends the process
 * instead (pf_damaged_exit). Defined below in the same order, each followed
 * by its helpers. */
static int locate_self(struct boot *b);
static int map_image(struct boot *b);
static int open_payload(struct boot *b);
static int choose_mode(struct boot *b, int argc, char **argv);
static void run_parent_file(char **argv);
static int start_prefetch(struct boot *b);
static int install_importer(struct boot *b);
static int finish_init(struct boot *b);
static int check_magic(struct boot *b);
static int run_main(struct boot *b, int *keyboard_interrupt);
static int exit_sigint(void);
static int finish_subinterpreter(void);
static PyObject *run_script(struct boot *b);
static PyObject *script_spec(struct boot *b);
static PyObject *run_module(struct boot *b);

/* The boot of this process, for finish_subinterpreter (a callback without
 * arguments); set by pf_boot_main, whose frame outlives CPython. */
static struct boot *process_boot;

/* Set to 1, Py_FinalizeEx leaves out the teardown that only lets
 * Py_Initialize run again (the deep-frozen code objects, static types,
 * interned strings and free lists: about 1.0 M instructions of a hello
 * world's 16.8 M), once everything a program can observe is done; this
 * process ends as soon as it returns. The PVM's own patch
 * (pvm/patches/python3.11/finalize-exit-after.patch) defines it; weak, so
 * a stub linked with a libpython without it (Debian's, for
 * -DPYFREEZE_PVM=OFF) finalises in full. */
extern int _Py_pyfreeze_exit_after_finalize __attribute__((weak));

int pf_boot_main(int argc, char **argv)
{
    struct boot b;
    memset(&b, 0, sizeof b);
    process_boot = &b;
    int status = PF_BOOT_EXIT_DAMAGED;
    int keyboard_interrupt = 0;

    pf_prefault_data(); /* first: no other thread yet, nothing of CPython's written */
    if (&_Py_pyfreeze_exit_after_finalize != NULL) {
        _Py_pyfreeze_exit_after_finalize = 1; /* every path below ends the process */
    }
    if (locate_self(&b) < 0 || map_image(&b) < 0 || open_payload(&b) < 0 ||
        choose_mode(&b, argc, argv) < 0 || start_prefetch(&b) < 0 ||
        pf_boot_start_core(&b, argc, argv) < 0 || install_importer(&b) < 0 || finish_init(&b) < 0 ||
        check_magic(&b) < 0) {
        goto done;
    }
    if (b.mode.run != PF_BOOT_PROGRAM) {
        /* CPython runs the command as python3 would, with its exit status
         * rules, and finalises. */
        b.python_started = 0;
        Py_CLEAR(b.importer);
        status = Py_RunMain();
        goto done;
    }
    if (pf_boot_freeze_startup() < 0) {
        PyErr_Print();
        status = 1;
        goto done;
    }
    status = run_main(&b, &keyboard_interrupt);
    if (b.mode.inspect) {
        /* each statement of the session clears an earlier unhandled
         * KeyboardInterrupt (Python/pythonrun.c: run_eval_code_obj) */
        keyboard_interrupt = 0;
        status = pf_boot_run_interactive();
    }

done:
    Py_CLEAR(b.importer);
    if (b.python_started && Py_FinalizeEx() < 0) {
        status = 120; /* flushing stdout failed: python3's status (Py_RunMain) */
    }
    pf_payload_close(b.payload); /* stops and joins the prefetch thread first */
    if (b.image != NULL) {
        munmap((void *)b.image, b.image_size);
    }
    if (keyboard_interrupt) {
        status = exit_sigint();
    }
    return status;
}

/* ---- the steps ---- */

/* locate_self: the real path of the running executable (not argv[0], which
 * the caller chooses) and its directory. */
static int locate_self(struct boot *b)
{
    ssize_t n = readlink("/proc/self/exe", b->executable, sizeof b->executable - 1);
    if (n <= 0 || (size_t)n >= sizeof b->executable - 1) {
        fprintf(stderr, "pyfreeze program: cannot find its own executable through "
                        "/proc/self/exe (is /proc mounted?)\n");
        b->executable[0] = '\0';
        return -1;
    }
    b->executable[n] = '\0';
    /* A child that runs its parent's replaced file (choose_mode) sees it as
     * "PATH (deleted)": its sys.executable stays PATH, the path its own
     * children are started with (python3 keeps the path it was started
     * as, too). */
    static const char deleted[] = " (deleted)";
    struct stat st;
    size_t d = sizeof deleted - 1;
    if ((size_t)n > d && strcmp(b->executable + n - d, deleted) == 0 &&
        stat("/proc/self/exe", &st) == 0 && st.st_nlink == 0) {
        n -= (ssize_t)d;
        b->executable[n] = '\0';
    }
    memcpy(b->directory, b->executable, (size_t)n + 1);
    char *slash = strrchr(b->directory, '/');
    if (slash == b->directory) {
        slash[1] = '\0';
    } else if (slash != NULL) {
        *slash = '\0';
    }
    return 0;
}

/* The kernel's fault-around window (mm/memory.c, fault_around_bytes: 64
 * KiB by default): a read fault on a file mapping also maps the cached
 * pages around it, within the aligned window. */
#define FAULT_AROUND_BYTES ((uintptr_t)64 * 1024)
/* How far the reads go between sweeps of the payload's pages
 * (pf_payload_set_release): a few sweeps per program (the stdlib-heavy
 * benchmark program's payload is 6 MB), which drop nearly all the pages
 * sweeping at every read dropped, at a tenth of the cost. */
#define PAYLOAD_SWEEP_BYTES ((size_t)1024 * 1024)

/* cannot_open_self: ends the process when its own file cannot be opened
 * for reading (error: open(2)'s errno), naming the cause: another user
 * running an execute-only file (the kernel runs it, but the runtime must
 * read its payload from it), /proc missing, anything else. */
static _Noreturn void cannot_open_self(const struct boot *b, int error)
{
    char what[5000];
    if (error == EACCES || error == EPERM) {
        snprintf(what, sizeof what,
                 "cannot read this program's own file (%s): a frozen program reads its payload "
                 "from itself, so the user running it must be allowed to read it, not only to "
                 "execute it (chmod a+r %s)",
                 strerror(error), b->executable);
    } else if (access("/proc/self", F_OK) != 0) {
        snprintf(what, sizeof what,
                 "cannot open /proc/self/exe (%s): /proc is not mounted; a frozen program "
                 "finds itself there, mount it",
                 strerror(error));
    } else {
        snprintf(what, sizeof what, "cannot open its own file through /proc/self/exe (%s)",
                 strerror(error));
    }
    pf_cannot_run_exit(b->executable, what);
}

/* The start of the executable's mapping (map_image), below which
 * release_pages never reaches. Set before the prefetch thread starts. */
static const uint8_t *image_start;
/* The file map_image mapped, for the native loader's stored members
 * (native_share.h: it opens the executable again and checks it is this). */
static struct stat image_file;

/* map_image: maps the executable file read-only. Mapping is lazy: only the
 * pages read (ELF headers, the frames a run needs) are ever loaded. */
static int map_image(struct boot *b)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd < 3) {
        /* started with 0-2 closed: they stay closed, as under python3 */
        int above = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        fd = above;
    }
    if (fd < 0) {
        cannot_open_self(b, errno);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        pf_damaged_exit(b->executable, NULL, 0, "cannot read its size");
    }
    void *image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int mapError = errno;
    close(fd);
    if (image == MAP_FAILED) {
        char what[512];
        snprintf(what, sizeof what, "cannot map its own file (%s)%s", strerror(mapError),
                 mapError == ENOMEM ? ": out of memory (is its address space limited? see "
                                      "ulimit -v, prlimit --as)"
                                    : "");
        pf_cannot_run_exit(b->executable, what);
    }
    b->image = image;
    image_start = image;
    image_file = st;
    b->image_size = (size_t)st.st_size;
    return 0;
}

/* release_pages: drops the pages of compressed frames already decompressed
 * from the process's resident set; they stay in the page cache and are read
 * again (unchanged: a private read-only file mapping) if needed. Python
 * itself reads each .pyc into a short-lived buffer; without this a frozen
 * program would keep every compressed byte it used mapped. The range starts
 * at its fault-around window: reading a frame maps the tail of the frame
 * before it, already released, again (1.5 MB of 6 MB stayed resident for
 * the benchmark's stdlib-heavy program). Releasing a page another thread is
 * reading only makes it fault again. Called on the payload's prefetch
 * thread too. */
static void release_pages(const uint8_t *data, size_t size)
{
    long page = sysconf(_SC_PAGESIZE); /* called from the prefetch thread too: no cache */
    uintptr_t start = (uintptr_t)data & ~(FAULT_AROUND_BYTES - 1);
    if (start < (uintptr_t)image_start) {
        start = (uintptr_t)image_start;
    }
    uintptr_t end = ((uintptr_t)data + size + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    (void)madvise((void *)start, end - start, MADV_DONTNEED);
}

/* open_payload: finds the .pyfreeze section and validates its seek table
 * and index. */
static int open_payload(struct boot *b)
{
    uint64_t offset, size;
    pf_error err;
    int rc = pf_elf_find_section(b->image, b->image_size, PF_SECTION_NAME, &offset, &size, &err);
    uint64_t textOffset, textSize;
    if (rc == PF_ERR_NOT_FOUND && pf_elf_find_section(b->image, b->image_size, ".text", &textOffset,
                                                      &textSize, &err) != PF_OK) {
        /* not even the stub's own code has its name: the names are gone */
        pf_damaged_exit(b->executable, NULL, 0,
                        "its section-name table is damaged (no section is called .text)");
    }
    if (rc == PF_ERR_NOT_FOUND) {
        fflush(stdout);
        fprintf(stderr,
                "%s: no program inside: this is the pyfreeze stub; make a program with "
                "`pyfreeze app.py -o app`\n",
                b->executable);
        return -1;
    }
    if (rc != PF_OK) {
        pf_damaged_exit(b->executable, NULL, 0, err.message);
    }
    rc = pf_payload_open(&b->payload, b->image + offset, (size_t)size, &err);
    if (rc != PF_OK) {
        pf_read_failed_exit(b->executable, NULL, 0, rc, err.message);
    }
    pf_payload_set_release(b->payload, release_pages, PAYLOAD_SWEEP_BYTES);
    pf_native_set_executable(image_file.st_dev, image_file.st_ino, offset);
    /* What finding and opening the payload read (section headers, seek
     * table, the index frame) now lives in the reader's own memory. */
    release_pages(b->image, b->image_size);
    return 0;
}

/* choose_mode: the index flags and what this process runs (boot_mode.h);
 * an impossible optimisation level ends the process (pf_damaged_exit). */
static int choose_mode(struct boot *b, int argc, char **argv)
{
    pf_error err;
    b->flags = pf_payload_index(b->payload)->flags;
    if (pf_boot_choose_mode(b->flags, argc, argv, &pf_boot_system_probe, &b->mode, &err) != PF_OK) {
        pf_damaged_exit(b->executable, NULL, 0, err.message);
    }
    if (b->mode.reexec_parent) {
        run_parent_file(argv);
    }
    return 0;
}

/* run_parent_file: this executable's file was replaced while the parent, an
 * earlier version of the program, ran (an upgrade in place), and the parent
 * started this process with a python3 command line (a multiprocessing
 * worker, the resource tracker, a forkserver, a sys.executable -c child):
 * the command line is the parent's, its pickles and module names are the
 * parent program's, so it runs with the parent's bytes, as a fork would:
 * execv() of /proc/PPID/exe, same arguments, environment and descriptors
 * (nothing of Python has started yet). That process then finds its parent
 * running its very file. If the parent is gone (or the exec fails), it goes
 * on here, with these bytes, as python3 does after an upgrade. */
static void run_parent_file(char **argv)
{
    char parent[64];
    snprintf(parent, sizeof parent, "/proc/%ld/exe", (long)getppid());
    fflush(NULL);
    execv(parent, argv);
}

/* start_prefetch: lets the payload decompress ahead of the importer on a
 * second thread (payload_reader.h, "prefetch"), with native code going
 * straight into the memfds the native loader then seals and maps; the
 * thread starts right away, before CPython's initialisation, when the
 * start-up walk goes past the start-up frame (hello world's does not, and
 * gets no thread). Only
 * where it can pay: at least two CPUs this process may run on, and a
 * program's own start (PF_BOOT_PROGRAM), whose imports follow the order the
 * freezer laid the frames out in. Not for a python3 command line of a
 * child process, a multiprocessing child or a standalone Python: they
 * import something else than the program's start-up, so the frames ahead
 * would mostly be decompressed for nothing, on a CPU their siblings may
 * need. If the thread cannot start (RLIMIT_NPROC), the program reads
 * without it: never an error, returns 0. */
static int start_prefetch(struct boot *b)
{
    cpu_set_t cpus;
    if (b->mode.run != PF_BOOT_PROGRAM || sched_getaffinity(0, sizeof cpus, &cpus) != 0 ||
        CPU_COUNT(&cpus) < 2) {
        return 0;
    }
    pf_prefetch_options options = {.open_native = pf_native_open_memfd};
    (void)pf_payload_prefetch_start(b->payload, &options, NULL);
    return 0;
}

/* install_importer: the payload's finder goes on sys.meta_path after the
 * builtin and frozen importers, before the path-based finder that main
 * initialisation appends; sub-interpreters get one of their own in the same
 * place, and finish_subinterpreter once initialised. */
static int install_importer(struct boot *b)
{
    b->importer = pf_importer_install(b->payload, b->executable);
    if (b->importer == NULL) {
        PyErr_Print();
        return -1;
    }
    pf_importer_serve_subinterpreters(finish_subinterpreter);
    return 0;
}

/* finish_subinterpreter: what finish_init adds to the main interpreter,
 * added to a sub-interpreter once its initialisation is complete (see
 * pf_importer_serve_subinterpreters): the __file__ of CPython's frozen
 * modules, sys.frozen, the site builtins and sys.flags.no_site, and the
 * traceback hooks when sources are packed. Not the interactive hook: a
 * session starts in the main interpreter only. */
static int finish_subinterpreter(void)
{
    const struct boot *b = process_boot;
    int python = b->mode.run == PF_BOOT_PYTHON;
    if (pf_boot_set_stdlib_dir(b) < 0 || (!python && PySys_SetObject("frozen", Py_True) < 0)) {
        return -1;
    }
    if (!python &&
        (pf_boot_add_site_builtins() < 0 || pf_boot_set_no_site_flag(b->mode.no_site) < 0)) {
        return -1;
    }
    if ((b->flags & PF_INDEX_FLAG_HAS_SOURCE) && pf_boot_install_source_hooks() < 0) {
        return -1;
    }
    return 0;
}

/* finish_init: main initialisation (encodings, sys.std*, signal handlers,
 * __main__), then what a frozen program adds: sys.frozen = True (the
 * convention programs test for; not in a standalone Python, which is
 * python3.11 and whose multiprocessing children are started as python3's),
 * the builtins `site` would add (a standalone Python imports site itself),
 * the interactive hook where a -i session may start, and the traceback
 * hooks when sources are packed. */
static int finish_init(struct boot *b)
{
    if (pf_boot_init_main() < 0) {
        return -1;
    }
    pf_importer_install_hooks(b->importer);
    int python = b->mode.run == PF_BOOT_PYTHON;
    if (pf_boot_set_stdlib_dir(b) < 0 || (!python && PySys_SetObject("frozen", Py_True) < 0)) {
        PyErr_Print();
        return -1;
    }
    if (!python &&
        (pf_boot_add_site_builtins() < 0 || pf_boot_set_no_site_flag(b->mode.no_site) < 0)) {
        PyErr_Print();
        return -1;
    }
    if (b->mode.inspect && pf_boot_set_interactive_hook() < 0) {
        PyErr_Print();
        return -1;
    }
    if ((b->flags & PF_INDEX_FLAG_HAS_SOURCE) && pf_boot_install_source_hooks() < 0) {
        PyErr_Print();
        return -1;
    }
    return 0;
}

/* check_magic: the payload's bytecode must come from this CPython's
 * compiler (same .pyc magic number). PyImport_GetMagicNumber needs main
 * initialisation; until then the importer checks each module's own .pyc
 * header, so no foreign bytecode ever reaches the PVM. */
static int check_magic(struct boot *b)
{
    long magic = PyImport_GetMagicNumber();
    const uint8_t *have = pf_payload_index(b->payload)->python_magic;
    uint8_t want[4] = {(uint8_t)magic, (uint8_t)(magic >> 8), (uint8_t)(magic >> 16),
                       (uint8_t)(magic >> 24)};
    if (magic == -1 || memcmp(have, want, sizeof want) != 0) {
        PyErr_Clear();
        pf_damaged_exit(b->executable, NULL, 0,
                        "its bytecode was compiled by another Python version");
    }
    return 0;
}

/* run_main: runs the program and returns python3's exit status for it:
 * 0, or 1 after printing an uncaught exception. SystemExit does not return:
 * PyErr_Print exits the process as python3 does (handle_system_exit). */
static int run_main(struct boot *b, int *keyboard_interrupt)
{
    int is_module = (pf_payload_index(b->payload)->flags & PF_INDEX_FLAG_MAIN_IS_MODULE) != 0;
    PyObject *result = is_module ? run_module(b) : run_script(b);
    /* The start-up is over: the prefetch thread would go on decompressing
     * frames ahead of imports that no longer come (and native code of
     * extension modules never imported) while CPython finalises, and with
     * it running each page the finaliser unmaps flushes the TLB of its CPU
     * too: the stdlib-heavy benchmark program took 3.6 ms longer from the
     * end of its main() to its exit than with one CPU (no thread). Later
     * imports (threads still running, atexit handlers) read as without
     * prefetch. Reads hold the GIL, as this does: none is under way. */
    pf_payload_prefetch_stop(b->payload);
    if (result == NULL) {
        *keyboard_interrupt = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
        PyErr_Print();
        return 1;
    }
    Py_DECREF(result);
    return 0;
}

/* run_script: runs the __main__ module's code in __main__'s namespace, with
 * __file__ and __loader__ set, as python3 runs a script
 * (Python/pythonrun.c: _PyRun_SimpleFileObject). One difference: __spec__
 * is the script's module spec under its own name (as with `python3 -m app`)
 * rather than None, so that multiprocessing's spawned children import the
 * main module from the payload by name instead of reading app.py from a
 * path that exists only inside the executable. */
static PyObject *run_script(struct boot *b)
{
    PyObject *main_module = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *dict = main_module != NULL ? PyModule_GetDict(main_module) : NULL;
    if (dict == NULL) {
        return NULL;
    }
    PyObject *name = PyUnicode_FromString("__main__");
    PyObject *code = name ? PyObject_CallMethod(b->importer, "get_code", "O", name) : NULL;
    PyObject *file = code ? PyObject_CallMethod(b->importer, "get_filename", "O", name) : NULL;
    Py_XDECREF(name);
    PyObject *spec = file ? script_spec(b) : NULL;
    PyObject *result = NULL;
    if (spec != NULL && PyDict_SetItemString(dict, "__spec__", spec) == 0 &&
        PyDict_SetItemString(dict, "__file__", file) == 0 &&
        PyDict_SetItemString(dict, "__cached__", Py_None) == 0 &&
        PyDict_SetItemString(dict, "__loader__", b->importer) == 0) {
        result = PyEval_EvalCode(code, dict, dict);
    }
    Py_XDECREF(spec);
    Py_XDECREF(code);
    Py_XDECREF(file);
    /* python3 removes these once the script has run; the script's own
     * exception, if any, is kept */
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    if (PyDict_DelItemString(dict, "__file__") < 0 ||
        PyDict_DelItemString(dict, "__cached__") < 0) {
        PyErr_Clear();
    }
    PyErr_Restore(type, value, traceback);
    return result;
}

/* script_spec: the module spec of the script under its own module name
 * ("app" for app.py), which the freezer also packs, or None. */
static PyObject *script_spec(struct boot *b)
{
    const pf_index *index = pf_payload_index(b->payload);
    pf_entry main_entry, file;
    pf_index_entry(index, index->main_entry, &main_entry);
    if (main_entry.member == PF_NONE) {
        Py_RETURN_NONE;
    }
    pf_index_entry(index, main_entry.member, &file);
    const char prefix[] = PF_LIB_DIR, suffix[] = ".pyc";
    size_t prefixSize = sizeof prefix - 1, suffixSize = sizeof suffix - 1;
    if (file.name_size <= prefixSize + suffixSize || memcmp(file.name, prefix, prefixSize) != 0 ||
        memcmp(file.name + file.name_size - suffixSize, suffix, suffixSize) != 0 ||
        memchr(file.name + prefixSize, '/', file.name_size - prefixSize) != NULL) {
        Py_RETURN_NONE;
    }
    return PyObject_CallMethod(b->importer, "find_spec", "s#", file.name + prefixSize,
                               (Py_ssize_t)(file.name_size - prefixSize - suffixSize));
}

/* run_module: runs a module as `python3 -m` does (runpy._run_module_as_main),
 * but leaves sys.argv[0] as the executable's path. */
static PyObject *run_module(struct boot *b)
{
    pf_entry entry;
    pf_index_entry(pf_payload_index(b->payload), pf_payload_index(b->payload)->main_entry, &entry);
    PyObject *runpy = PyImport_ImportModule("runpy");
    if (runpy == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallMethod(runpy, "_run_module_as_main", "s#i", entry.name,
                                           (Py_ssize_t)entry.name_size, 0);
    Py_DECREF(runpy);
    return result;
}

/* exit_sigint: ends the process by SIGINT so the parent (a shell) sees the
 * program was interrupted, as python3 does after an unhandled
 * KeyboardInterrupt (Modules/main.c: exit_sigint). */
static int exit_sigint(void)
{
    if (signal(SIGINT, SIG_DFL) != SIG_ERR) {
        kill(getpid(), SIGINT);
    }
    return 128 + SIGINT; /* if the signal did not end the process */
}
