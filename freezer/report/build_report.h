/* build_report.h - the build report and the SBOM of one freeze, as text the
 * command writes (--report FILE.json or FILE.html, --sbom FILE.cdx.json):
 * what was packed and why, its sizes, the bundled libraries with their
 * Debian package, version and licence, what was left out and why, and the
 * glibc floor. The records come from the pipeline's own structures (the
 * module graph, the native files, the glibc floor, the report's notes) and
 * the packed payload itself (each member's sizes, read back with the
 * runtime's reader); build_report.py, run in the embedded interpreter, adds
 * what dpkg and distribution metadata say and renders the documents.
 * Formats: docs/report-format.md.
 *
 * Library code: it returns text, never writes or prints. Needs the embedded
 * interpreter started (python_host.h). */
#ifndef PFZ_BUILD_REPORT_H
#define PFZ_BUILD_REPORT_H

#include <stddef.h>

#include "module_graph.h"
#include "native_files.h"
#include "pf_error.h"
#include "program_floor.h"
#include "report.h"

/* The version of the JSON report's schema (its "schema" field):
 * docs/report-format.md says what changes it. */
#define PFZ_REPORT_SCHEMA "pyfreeze-report/1"

/* What one freeze knows, all borrowed for the call. */
typedef struct pfz_build_facts {
    const char *output;       /* the executable written */
    const char *script;       /* the entry script as given, or NULL */
    const char *module;       /* the -m entry, or NULL */
    const char *stub;         /* the stub's path */
    const char *pvm_versions; /* the PVM's pvm-versions.json (pvm/record-versions.sh), or
                                 NULL: then CPython is described from the interpreter */
    const pfz_graph *graph;   /* the resolved program */
    const pfz_native_files *native;
    const pfz_glibc_floor *floor;
    const pfz_report *notes; /* the freeze's records (left-out edges, distributions); may
                                be NULL */
    const char *system_root; /* where dpkg's database and /usr/share/doc are read from:
                                NULL for "/" (the tests give a made-up root) */
    const uint8_t *payload;  /* the packed payload (payload.h), payload_size bytes */
    size_t payload_size;
} pfz_build_facts;

/* Which documents to make. */
enum {
    PFZ_REPORT_JSON = 1, /* the JSON report */
    PFZ_REPORT_HTML = 2, /* the self-contained HTML page */
    PFZ_REPORT_SBOM = 4, /* the CycloneDX 1.5 JSON SBOM */
};

/* The documents made; each malloc'd UTF-8 text (NUL-terminated, size
 * bytes without the NUL) or NULL when not asked for. */
typedef struct pfz_build_report {
    char *json;
    size_t json_size;
    char *html;
    size_t html_size;
    char *sbom;
    size_t sbom_size;
} pfz_build_report;

/* pfz_build_report_make: makes the documents `which` (PFZ_REPORT_* bits)
 * asks for from facts into *out (zeroed by the callee). Dpkg's database
 * (/var/lib/dpkg/info/NAME.list and status) and /usr/share/doc/PKG/copyright
 * (DEP-5 machine-readable License fields) are read for the libraries;
 * importlib.metadata for the distributions (License, License-Expression,
 * classifiers). Errors: PF_ERR_CORRUPT (the payload cannot be read back: a
 * defect), PF_ERR_PYTHON (build_report.py raised: the message says what),
 * PF_ERR_NOMEM. Free with pfz_build_report_free in every case. */
int pfz_build_report_make(const pfz_build_facts *facts, unsigned which, pfz_build_report *out,
                          pf_error *err);

/* pfz_build_report_free: frees what r holds and zeroes it; accepts NULL. */
void pfz_build_report_free(pfz_build_report *r);

#endif
