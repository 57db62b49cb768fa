/* member_kind.c - the payload kind a module of the graph is packed as, or
 * that it is not packed at all; shared by the frame layout (layout.c) and
 * the -v listing (cli/listing.c), which lists what is packed. Contract in
 * layout.h. */
#include "layout.h"

#include "payload.h"

uint32_t pfz_layout_pack_kind(const pfz_graph *g, size_t i, const pfz_native_files *native)
{
    const pfz_module *m = &g->modules[i];
    switch (m->kind) {
    case PFZ_MODULE_SOURCE:
        return m->pyc != NULL && m->member_path != NULL ? PF_KIND_MODULE : 0;
    case PFZ_MODULE_PACKAGE:
        return m->pyc != NULL && m->member_path != NULL ? PF_KIND_PACKAGE : 0;
    case PFZ_MODULE_NAMESPACE:
        return PF_KIND_NAMESPACE;
    case PFZ_MODULE_EXTENSION:
        return pfz_native_files_for_module(native, i) != SIZE_MAX ? PF_KIND_EXTENSION : 0;
    default:
        return 0; /* builtin and frozen: in libpython */
    }
}
