/* graph_fixture.h - a small module graph as the resolver gives it (a
 * script importing a package, a namespace package, a builtin and a frozen
 * module), for the tests of what consumes a graph: the frame layout
 * (pack/) and the -v listing (cli/). No interpreter needed. */
#ifndef PF_TEST_GRAPH_FIXTURE_H
#define PF_TEST_GRAPH_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "module_graph.h"

static const uint8_t magic[4] = {0xa7, 0x0d, 0x0d, 0x0a};

/* A graph as the resolver gives it: a script importing a package, a
 * namespace package, a builtin and a frozen module. */
typedef struct graph_fixture {
    pfz_module modules[5];
    uint8_t pyc_main[40], pyc_pkg[30];
    pfz_graph g;
} graph_fixture;

static inline void fixture_init(graph_fixture *f)
{
    memset(f, 0, sizeof *f);
    memset(f->pyc_main, 'm', sizeof f->pyc_main);
    memset(f->pyc_pkg, 'p', sizeof f->pyc_pkg);
    memcpy(f->pyc_main, magic, 4);
    memcpy(f->pyc_pkg, magic, 4);
    f->modules[0] = (pfz_module){"__main__",
                                 PFZ_MODULE_SOURCE,
                                 "/src/app.py",
                                 "lib/app.pyc",
                                 f->pyc_main,
                                 sizeof f->pyc_main,
                                 PFZ_NO_IMPORTER,
                                 0,
                                 0,
                                 NULL,
                                 0,
                                 NULL};
    f->modules[1] = (pfz_module){"pkg",
                                 PFZ_MODULE_PACKAGE,
                                 "/src/pkg/__init__.py",
                                 "lib/pkg/__init__.pyc",
                                 f->pyc_pkg,
                                 sizeof f->pyc_pkg,
                                 0,
                                 3,
                                 0,
                                 NULL,
                                 0,
                                 NULL};
    f->modules[2] =
        (pfz_module){"pkg.ns", PFZ_MODULE_NAMESPACE, NULL, NULL, NULL, 0, 1, 7, 0, NULL, 0, NULL};
    f->modules[3] =
        (pfz_module){"sys", PFZ_MODULE_BUILTIN, NULL, NULL, NULL, 0, 0, 1, 1, NULL, 0, NULL};
    f->modules[4] =
        (pfz_module){"os", PFZ_MODULE_FROZEN, NULL, NULL, NULL, 0, 0, 2, 1, NULL, 0, NULL};
    f->g = (pfz_graph){.modules = f->modules, .count = 5, .capacity = 5};
}

#endif
