/* graph_probe.h - for the resolver's tests: build the module graph of a
 * one-file script and ask what it packed and what it left out. */
#ifndef GRAPH_PROBE_H
#define GRAPH_PROBE_H

#include "module_graph.h"

#include <stddef.h>

/* rt_has_module: 1 when g packs a module named name, else 0. */
int rt_has_module(const pfz_graph *g, const char *name);

/* rt_is_left_out: 1 when g records name among the modules it left out
 * (module_graph.h's left_out), else 0. */
int rt_is_left_out(const pfz_graph *g, const char *name);

/* rt_build_script: builds into g (the caller frees it with pfz_graph_free)
 * the graph of a script whose text is app, written to a temporary
 * directory, with root_count extra roots (--hidden-import) and
 * --follow-all-imports when follow_all is set; *verbose receives what -v
 * prints for the build's records (malloc'd, the caller frees it). Fails the
 * test when the build fails. */
void rt_build_script(const char *app, const char *const *roots, size_t root_count, int follow_all,
                     pfz_graph *g, char **verbose);

#endif
