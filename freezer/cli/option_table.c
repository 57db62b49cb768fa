/* option_table.c - the rows of the option table and of the command table
 * (options.h, option_table.h): the one place an option is declared, read by
 * the parser (options.c), --help, the man page and the completion
 * (option_docs.c) and pyproject.toml's keys (project_config.c). */
#include "option_table.h"

#include <string.h>

/* One row per option: what parses it, and what --help, the man page, the
 * bash completion and the docs check say of it (option_docs.c). A new
 * option is an OPT_ id (option_table.h), a row here and its case in apply_option.
 * Row: {id, short ('\0' for none), "long-name", takes_value, "VALUE-NAME",
 * section, "help"}. Fields left out are zero: value_name NULL shows as
 * VALUE, section 0 is PFZ_SECTION_GENERAL, help NULL fails the docs test.
 * The help is one sentence or more, wrapped when printed; end it with
 * "(repeatable)" when the option may be given more than once. The value
 * name also picks the completion: DIR completes directories, a name with
 * FILE, PATH, OUT, SRC or a '.' completes files, others nothing. A row
 * may stop after any field (-Wextra would call that a mistake: not here). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const pfz_option_spec option_table[] = {
    {OPT_MODULE, 'm', "module", 1, "NAME", PFZ_SECTION_INPUT,
     "freeze module or package NAME (run as python3 -m NAME); NAME:FUNCTION runs "
     "sys.exit(FUNCTION()) as a console script does"},
    {OPT_ENTRY_POINT, '\0', "entry-point", 1, "NAME", PFZ_SECTION_INPUT,
     "freeze console script NAME, found in ./pyproject.toml's [project.scripts] or an "
     "installed distribution's console_scripts entry points"},
    {OPT_PATH, 'p', "path", 1, "DIR", PFZ_SECTION_INPUT,
     "search DIR for imports before the standard library (default: the script's "
     "directory) (repeatable)"},
    {OPT_VENV, '\0', "venv", 1, "DIR", PFZ_SECTION_INPUT,
     "search the virtual environment DIR for packages (default: $VIRTUAL_ENV when set)"},
    {OPT_CONFIG, '\0', "config", 1, "FILE", PFZ_SECTION_INPUT,
     "read [tool.pyfreeze] from FILE (a pyproject.toml; relative paths in it are relative to "
     "its directory), also when the command line names what to freeze (default: the nearest "
     "pyproject.toml in this directory or a parent, read when nothing to freeze is named)"},
    {OPT_PYTHON, '\0', "python", 0, NULL, PFZ_SECTION_INPUT,
     "build a standalone Python 3.11 (the whole standard library; OUT takes python3.11's "
     "command line)"},
    {OPT_OUTPUT, 'o', "output", 1, "OUT", PFZ_SECTION_OUTPUT,
     "write the executable to OUT (replaced atomically; default: dist/NAME, NAME the "
     "script's, module's or entry point's)"},
    {OPT_STUB, '\0', "stub", 1, "PATH", PFZ_SECTION_OUTPUT, "use the stub executable at PATH"},
    {OPT_PIE, '\0', "pie", 0, NULL, PFZ_SECTION_OUTPUT,
     "use the position-independent stub: the program's own code is address-randomized too, "
     "start-up about 4-5% slower; recommended for programs that parse untrusted input with "
     "native extensions (default: a stub whose code sits at a fixed address, as python3.11's "
     "does)"},
    {OPT_MAX_GLIBC, '\0', "max-glibc", 1, "VERSION", PFZ_SECTION_OUTPUT,
     "fail, writing nothing, if the program needs a glibc newer than VERSION (e.g. 2.31: "
     "Debian 11, Ubuntu 20.04)"},
    {OPT_REPORT, '\0', "report", 1, "FILE", PFZ_SECTION_OUTPUT,
     "write the build report: every packed member and why, its sizes, the bundled libraries "
     "with their Debian package and licence, what was left out, the glibc floor; JSON, or one "
     "HTML page with a size map when FILE ends in .html (docs/report-format.md)"},
    {OPT_DEPFILE, '\0', "depfile", 1, "FILE", PFZ_SECTION_OUTPUT,
     "also write FILE, a Makefile rule naming every file the freeze read (make, ninja, CMake)"},
    {OPT_SBOM, '\0', "sbom", 1, "FILE", PFZ_SECTION_OUTPUT,
     "write a CycloneDX 1.5 JSON SBOM of the program"},
    {OPT_HIDDEN_IMPORT, '\0', "hidden-import", 1, "MODULE", PFZ_SECTION_IMPORTS,
     "pack MODULE (and what it imports) though no import statement names it (repeatable)"},
    {OPT_COLLECT, '\0', "collect", 1, "PACKAGE", PFZ_SECTION_IMPORTS,
     "pack PACKAGE whole: every submodule (tests too), its data files and its distribution "
     "metadata (repeatable)"},
    {OPT_EXCLUDE_MODULE, '\0', "exclude-module", 1, "MODULE", PFZ_SECTION_IMPORTS,
     "never pack MODULE or its submodules; importing them raises ImportError (repeatable)"},
    {OPT_ADD_DATA, '\0', "add-data", 1, "SRC:DEST", PFZ_SECTION_IMPORTS,
     "pack file or directory SRC into directory DEST of the program (seen at EXE/DEST/..., "
     "read with open() or importlib.resources) (repeatable)"},
    {OPT_ADD_BINARY, '\0', "add-binary", 1, "SRC:DEST", PFZ_SECTION_LIBRARIES,
     "pack shared library SRC for ctypes: CDLL and find_library find it by SONAME (or at "
     "EXE/DEST/SONAME), with the libraries it needs (repeatable)"},
    {OPT_FOLLOW_ALL_IMPORTS, '\0', "follow-all-imports", 0, NULL, PFZ_SECTION_IMPORTS,
     "follow every import statement: also those under `if TYPE_CHECKING:` or a test for "
     "another OS, fallbacks of packed modules, and another distribution's imports in "
     "functions (bigger; -v lists what is left out otherwise)"},
    {OPT_STRICT, '\0', "strict", 0, NULL, PFZ_SECTION_IMPORTS,
     "an import in the program's own code that cannot be found (outside a try that handles "
     "it) is an error: nothing is written"},
    {OPT_EXCLUDE_LIBRARY, '\0', "exclude-library", 1, "NAME", PFZ_SECTION_LIBRARIES,
     "never bundle the shared library NAME (a SONAME such as libfoo.so.1, or a glob such as "
     "'libfoo*'): the target machine must have it (repeatable)"},
    {OPT_INCLUDE_LIBRARY, '\0', "include-library", 1, "NAME", PFZ_SECTION_LIBRARIES,
     "bundle NAME even though the base-system policy or the package rules leave it to the "
     "target (e.g. libstdc++.so.6), a SONAME even if nothing needs it; glibc's cannot be "
     "(repeatable)"},
    {OPT_OPTIMIZE, 'O', "optimize", 1, "LEVEL", PFZ_SECTION_BUILD,
     "compile with optimisation LEVEL: 0 (default), 1 (as python -O: asserts removed) or 2 "
     "(as python -OO: docstrings removed too)"},
    {OPT_INCLUDE_SOURCE, '\0', "include-source", 0, NULL, PFZ_SECTION_BUILD,
     "pack each module's source too: tracebacks show the offending lines and "
     "inspect.getsource works (bigger)"},
    {OPT_STORE_NATIVE_CODE, '\0', "store-native-code", 0, NULL, PFZ_SECTION_BUILD,
     "keep extension modules and shared libraries of 128 KiB or more uncompressed and "
     "page-aligned: concurrent copies of the program share their pages and start without "
     "decompressing them (a bigger file)"},
    {OPT_ALLOW_INTERACTIVE, '\0', "allow-interactive", 0, NULL, PFZ_SECTION_BUILD,
     "let `OUT -i ARGS...` enter the interactive session after the program's main module, as "
     "python3 -i does"},
    {OPT_CACHE_DIR, '\0', "cache-dir", 1, "DIR", PFZ_SECTION_BUILD,
     "keep compiled modules and compressed frames in DIR (default: $XDG_CACHE_HOME/pyfreeze "
     "or ~/.cache/pyfreeze)"},
    {OPT_NO_CACHE, '\0', "no-cache", 0, NULL, PFZ_SECTION_BUILD, "neither use nor fill the cache"},
    {OPT_VERBOSE, 'v', "verbose", 0, NULL, PFZ_SECTION_MESSAGES,
     "list each included module and the import that pulled it in, and every import that "
     "cannot be found or is left out"},
    {OPT_QUIET, 'q', "quiet", 0, NULL, PFZ_SECTION_MESSAGES, "print only errors"},
    {OPT_HELP, 'h', "help", 0, NULL, PFZ_SECTION_GENERAL, "show this help and exit"},
    {OPT_VERSION, '\0', "version", 0, NULL, PFZ_SECTION_GENERAL,
     "show pyfreeze's version, the CPython version and the glibc its programs need, and exit"},
};
#pragma GCC diagnostic pop
#define OPTION_COUNT (sizeof option_table / sizeof option_table[0])

static const pfz_command_spec command_table[] = {
    {"inspect", "FILE", "list what a frozen program contains and how big it is",
     "FILE is an executable pyfreeze made; inspect reads it without running it"},
    {"verify", "FILE",
     "check a whole frozen program (every frame's checksum, the index, every member's place): "
     "exit 0 only when it is intact, else name the first damaged part",
     "FILE is an executable pyfreeze made; verify reads all of it without running it (exit "
     "status 1 when it is damaged or is no frozen program)"},
};
#define COMMAND_COUNT (sizeof command_table / sizeof command_table[0])

const pfz_command_spec *pfz_command_table(size_t *count)
{
    *count = COMMAND_COUNT;
    return command_table;
}

const pfz_option_spec *pfz_option_table(size_t *count)
{
    *count = OPTION_COUNT;
    return option_table;
}

const pfz_option_spec *pfz_option_find(const char *arg, size_t name_len, int is_long)
{
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const pfz_option_spec *o = &option_table[i];
        if (is_long) {
            if (strlen(o->long_name) == name_len && strncmp(o->long_name, arg, name_len) == 0) {
                return o;
            }
        } else if (o->short_name != '\0' && o->short_name == arg[0]) {
            return o;
        }
    }
    return NULL;
}
