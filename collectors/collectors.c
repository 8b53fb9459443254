/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* collectors.c: the table of collectors and the helpers they share. */
#include "collector.h"

#include <libvirt/virterror.h>

#include "util/xvclock.h"

const xvCollector *const xvCollectors[] = {
    &xvCollectorNode,
    &xvCollectorDomain,
    &xvCollectorVcpu,
    &xvCollectorMemory,
    NULL,
};

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
    size_t i;

    for (i = 0; i < ctx->ncollectors; i++) {
        const xvCollector *c = ctx->collectors[i];
        uint64_t start;

        if (!c->collectDomain)
            continue;
        start = xvClockMonoNs();
        if (c->collectDomain(ctx, dom, sd) < 0)
            ctx->failed[i] = true;
        ctx->durationNs[i] += xvClockMonoNs() - start;
    }
}
