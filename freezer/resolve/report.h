/* report.h - what a freeze has to tell the user besides its result, as
 * data: warnings and notes as structured records, in the order they
 * arose, and the text of a Python error about the program's code. The
 * library only fills it; the command (freezer/cli/) prints it, so library
 * code never prints, and a later summary can group the records (e.g. by
 * distribution) without parsing text.
 *
 * The resolver fills it while it walks the import graph (module_graph.h),
 * the pipeline driver (freeze.h) with its own warnings. */
#ifndef PFZ_REPORT_H
#define PFZ_REPORT_H

#include <stddef.h>

#include "pf_error.h"
#include "py_error.h"

typedef enum pfz_note_kind {
    /* an import names a module that cannot be found: module, importer,
     * file, line, reason (why, or NULL / "" when simply absent) */
    PFZ_NOTE_MODULE_NOT_FOUND = 1,
    /* a relative import with no package to be relative to: module (the
     * statement's module part with its leading dots, "..x"), names (what
     * it imports: the first name, ", ..." when more), importer, file, line,
     * reason (importlib's words) */
    PFZ_NOTE_BAD_RELATIVE_IMPORT,
    /* a stdlib function's import of a development tool, not followed
     * (verbose_only): module, importer, line */
    PFZ_NOTE_DEV_TOOL_NOT_FOLLOWED,
    /* a collected module's import of a build or test tool, not followed
     * (verbose_only): module, importer, line */
    PFZ_NOTE_BUILD_TOOL_NOT_FOLLOWED,
    /* an import the walk leaves out (verbose_only; import_policy.c): module,
     * importer, line, reason (why: under TYPE_CHECKING, another OS, a
     * fallback of a packed module, into another distribution) */
    PFZ_NOTE_IMPORT_LEFT_OUT,
    /* an installed distribution packed whole (verbose_only): distribution,
     * version, file (its metadata directory's name), module (its top-level
     * module), count[0] modules added, count[1] metadata files */
    PFZ_NOTE_DISTRIBUTION_PACKED,
    /* the build cache cannot be used, the freeze goes on without it:
     * reason */
    PFZ_NOTE_NO_CACHE,
    /* SOURCE_DATE_EPOCH is not a number of seconds in the tar range, 0 is
     * used: names (the value as given), count[0] (the largest accepted) */
    PFZ_NOTE_BAD_SOURCE_DATE_EPOCH,
    /* a shared library found under a name that is not its SONAME, so it is
     * bundled as libs/<SONAME>: importer (the file name of the object that
     * needs it), names (the DT_NEEDED name), file (the path it was found
     * at), library (its SONAME) */
    PFZ_NOTE_LIBRARY_SONAME_DIFFERS,
    /* two bundled libraries need each other: library (the one loaded
     * first), names (the other) */
    PFZ_NOTE_LIBRARY_CYCLE,
    /* an import the package rules or the package's own PyInstaller hook
     * leave out (excluded_imports), not followed (verbose_only): module,
     * importer, line */
    PFZ_NOTE_RULE_NOT_FOLLOWED,
    /* an option's value matched nothing, most likely a typo: names (the
     * option, "--exclude-module"), module (the value as given: a module
     * name, or a library's SONAME or glob), reason (what matched nothing) */
    PFZ_NOTE_OPTION_MATCHED_NOTHING,
} pfz_note_kind;

/* One warning or note. Every string is owned by the record (malloc'd) or
 * NULL when the kind has no such field. */
typedef struct pfz_note {
    pfz_note_kind kind;
    int verbose_only;            /* 1: of interest only with -v (e.g. an unresolved import inside
                                    the stdlib or a package a collection rule packed) */
    char *module;                /* dotted module name the record is about */
    char *importer;              /* dotted name of the importing module ("__main__" for a script) */
    char *file;                  /* the importer's file as a user reads it: the script as given, a
                                    path relative to the working directory when below it, or
                                    "<frozen NAME>"; for a distribution its metadata directory */
    int line;                    /* line of the import statement, 0 when none */
    char *reason;                /* why, in a few words */
    char *names;                 /* kind-specific text (see pfz_note_kind) */
    char *distribution;          /* distribution name */
    char *version;               /* distribution version */
    char *library;               /* a shared library's SONAME */
    unsigned long long count[2]; /* kind-specific counts (see pfz_note_kind) */
    /* for PFZ_NOTE_MODULE_NOT_FOUND and PFZ_NOTE_BAD_RELATIVE_IMPORT: */
    int own_code;    /* 1: the importer is the program's own code (the script, or a
                        module of no installed distribution and not the stdlib) */
    int in_function; /* 1: the import runs only when a function is called */
    int guarded;     /* 1: its failure is handled (a try body whose handler catches
                        it, or code in an exception handler) */
    int in_stdlib;   /* 1: the importer is in the standard library; else distribution
                        names the importer's installed distribution (NULL for the
                        program's own code) */
} pfz_note;

typedef struct pfz_report {
    pfz_note *notes; /* in the order they arose */
    size_t note_count;
    size_t note_capacity;
    pfz_python_error python_error; /* set (text != NULL) when the freeze failed with
                                      PF_ERR_PYTHON over the program's code */
} pfz_report;

/* pfz_report_add: appends a copy of *note (its strings copied) to r.
 * Returns PF_OK or PF_ERR_NOMEM (recorded in err; r unchanged). */
int pfz_report_add(pfz_report *r, const pfz_note *note, pf_error *err);

/* pfz_report_free: frees everything r holds and zeroes it; accepts NULL. */
void pfz_report_free(pfz_report *r);

#endif
