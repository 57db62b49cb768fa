/* importer.h - the in-memory meta path finder and loader (PEP 451) that
 * imports every module of a frozen program from its payload.
 *
 * Modules look as zipimport shows archive members: a payload member
 * "lib/json/__init__.pyc" is module json with __file__
 * "<executable>/json/__init__.py" and __path__ ["<executable>/json"]; the
 * loader's get_data() accepts such paths, so pkgutil.get_data() works. The
 * code objects' co_filename is rewritten to the same path, so tracebacks name
 * files the way python3 names the source tree.
 *
 * A payload member found damaged while the importer reads it (a frame
 * failing its checksum, a .pyc with a foreign header or no code object, an
 * extension module's broken ELF headers) ends the process through
 * pf_damaged_exit (damaged.h), from whichever method read it: get_code,
 * exec_module, get_source, get_data, create_module, or the open() and os.*
 * replacements of pf_importer_install_hooks. No exception is raised for it.
 *
 * The importer's files, one per job, are listed in importer_internal.h.
 *
 * Include Python.h before this header. */
#ifndef PF_IMPORTER_H
#define PF_IMPORTER_H

#include "payload_reader.h"

/* The built-in module holding the importer type, registered with
 * PyImport_AppendInittab before the interpreter starts. */
#define PF_IMPORTER_MODULE_NAME "_pyfreeze"

/* pf_importer_module_init: the PyInit function of PF_IMPORTER_MODULE_NAME
 * (importer.c): readies the importer type and returns a new module holding
 * it as PayloadImporter, or NULL with a Python exception. */
PyObject *pf_importer_module_init(void);

/* pf_importer_install: creates the main interpreter's importer over payload
 * (borrowed: it must live until CPython is finalised) for the executable at
 * path `executable` (a file system path, copied) and appends it to
 * sys.meta_path. Called between CPython's core and main initialisation, so
 * that `encodings` and everything after it come from the payload. Returns a
 * new reference to the importer, or NULL with a Python exception set. */
PyObject *pf_importer_install(pf_payload *payload, const char *executable);

/* pf_importer_serve_subinterpreters: after pf_importer_install, makes the
 * sub-interpreters started later (Py_NewInterpreter: through
 * _xxsubinterpreters.create(), _testcapi.run_in_subinterp() or any other
 * extension module importing it) import from the payload as the main
 * interpreter does: each gets an importer of its own on its sys.meta_path
 * before it imports `encodings`, and once initialised the open() and path
 * hooks (pf_importer_install_hooks) and then `finish` (if not NULL), which
 * returns 0, or -1 with a Python exception that fails the import or the run
 * that was starting. This works through a process-wide audit hook, which
 * costs every audited event of the process some time: it is registered only
 * when the first extension module importing Py_NewInterpreter is loaded.
 * Not covered: an interpreter started without one (ctypes.pythonapi). */
void pf_importer_serve_subinterpreters(int (*finish)(void));

/* pf_importer_install_hooks: called with an interpreter's importer once
 * that interpreter's initialisation has set builtins.open: replaces it and
 * io.open with a function that reads paths under the executable from the
 * payload (docs/third-party.md), puts the importer's path hook first on
 * sys.path_hooks (it serves sys.path's "<executable>" entry and pkgutil
 * lists the payload's modules through it), and makes the ModuleNotFoundError
 * of a module the freezer left out name the option that packs it. Before
 * the program's code runs; failures leave Python's behaviour unchanged and
 * are cleared. */
void pf_importer_install_hooks(PyObject *importer);

#endif
