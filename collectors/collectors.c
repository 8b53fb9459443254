/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* collectors.c: the registry of collectors and the helpers they share. */
#include "collector.h"

#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "util/xvclock.h"
#include "util/xvmacros.h"

const xvCollector *const xvCollectors[] = {
    &xvCollectorNode,
    &xvCollectorDomain,
    &xvCollectorVcpu,
    &xvCollectorMemory,
    &xvCollectorBlock,
    &xvCollectorNet,
    &xvCollectorCpu,
    &xvCollectorProcess,
    NULL,
};
_Static_assert(XV_N_ELEMENTS(xvCollectors) - 1 <= XV_COLLECTORS_MAX,
               "a snapshot records at most XV_COLLECTORS_MAX collectors");

size_t
xvCollectorCount(void)
{
    return XV_N_ELEMENTS(xvCollectors) - 1;
}

int
xvCollectorIndex(const char *name)
{
    size_t i;

    for (i = 0; xvCollectors[i]; i++) {
        if (strcmp(xvCollectors[i]->name, name) == 0)
            return (int)i;
    }
    return -1;
}

void **
xvCollectStateSlot(xvCollectContext *ctx, const xvCollector *self)
{
    size_t i;

    for (i = 0; xvCollectors[i] != self; i++) {
        if (!xvCollectors[i])
            abort();  /* not a registered collector: a bug */
    }
    return &ctx->state[i];
}

bool
xvCollectNoteFailure(xvCollectContext *ctx, xvSampleCall call)
{
    if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
        return true;
    ctx->snap->errorsTotal[call]++;
    return false;
}

void
xvCollectDomainHooks(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd)
{
    uint64_t last = 0, now;
    size_t i;

    /* one clock read per hook: the end of one is the start of the next */
    for (i = 0; i < ctx->ncollectors; i++) {
        const xvCollector *c = ctx->collectors[i];

        if (!c->collectDomain)
            continue;
        if (last == 0)
            last = xvClockMonoNs();
        if (c->collectDomain(ctx, dom, sd) < 0)
            ctx->failed[i] = true;
        now = xvClockMonoNs();
        ctx->durationNs[i] += now - last;
        last = now;
    }
}
