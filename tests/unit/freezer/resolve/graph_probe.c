/* graph_probe.c - for the resolver's tests: the module graph of a one-file
 * script, and what it packed or left out. */
#include "graph_probe.h"
#include "render_report.h"
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

int rt_has_module(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++) {
        if (strcmp(g->modules[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

int rt_is_left_out(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->left_out_count; i++) {
        if (strcmp(g->left_out[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

void rt_build_script(const char *app, const char *const *roots, size_t root_count, int follow_all,
                     pfz_graph *g, char **verbose)
{
    char *dir = rt_mkdtemp();
    rt_write(dir, "app.py", app, (size_t)-1);
    char script[4096];
    snprintf(script, sizeof script, "%s/app.py", dir);
    pfz_report report = {0};
    pfz_resolve_options opts = {.script = script,
                                .report = &report,
                                .extra_roots = roots,
                                .extra_root_count = root_count,
                                .follow_all_imports = follow_all};
    pf_error err = {0};
    if (pfz_graph_build(g, &opts, &err) != PF_OK) {
        fail_msg("build failed: %s", err.message);
    }
    *verbose = rt_render_notes(&report, 1);
    pfz_report_free(&report);
    rt_rmtree(dir);
}
