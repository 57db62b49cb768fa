/* tcl_file_system.h - Tcl's script library served from the payload: a
 * Tcl virtual file system (Tcl_FSRegister, public since Tcl 8.4) that
 * answers paths under the executable ("<executable>/X", the names Python
 * sees payload member "lib/X" by) with the payload's members, read-only,
 * so that Tcl and Tk find init.tcl, tk.tcl, their encodings and message
 * catalogues with nothing on disk (Tcl 8.6 has no zipfs of its own).
 *
 * Tcl is not linked into the stub: it arrives as a bundled library that an
 * extension module (_tkinter) needs, loaded RTLD_GLOBAL by the native
 * loader. pf_tcl_serve is called after each extension module's libraries
 * are loaded and before its init function runs, and acts once: when a
 * loaded Tcl 8 is found (dlsym of its public API) and the payload holds a
 * Tcl library (a member ".../tcl<major>.<minor>/init.tcl", put there by the
 * rules file), it registers the file system and sets TCL_LIBRARY to that
 * directory, and TK_LIBRARY to the directory of ".../tk<major>.<minor>/tk.tcl"
 * when there is one, each unless the program set it already (Tcl reads them
 * in Tcl_FindExecutable and Tcl_Init: tcl/unix/tclUnixInit.c
 * TclpInitLibraryPath, tcl/library/init.tcl tcl_findLibrary). Child
 * processes inherit the two variables, as Python's own tkinter/_fix.py does
 * on Windows. */
#ifndef PF_TCL_FILE_SYSTEM_H
#define PF_TCL_FILE_SYSTEM_H

#include "payload_reader.h"

/* pf_tcl_serve: as described above. payload is borrowed and must live as
 * long as the process (Tcl keeps calling the file system); executable is
 * the executable's path as sys.executable shows it (copied). Call with the
 * GIL held. Does nothing when Tcl is not loaded, is not Tcl 8, the payload
 * has no Tcl library, or it already ran to the end once. No errors: a file
 * system that cannot be registered leaves Tcl reading its compiled-in
 * paths, and Tcl's own message says what it did not find. */
void pf_tcl_serve(pf_payload *payload, const char *executable);

#endif
