/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* collectors.c: the table of collectors and the helpers they share. */
#include "collector.h"

#include <time.h>

#include <libvirt/virterror.h>

const xvCollector *const xvCollectors[] = {
    &xvCollectorNode,
    &xvCollectorDomain,
    &xvCollectorVcpu,
    &xvCollectorMemory,
    NULL,
};

uint64_t
xvCollectNowNs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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
    size_t i;

    for (i = 0; i < ctx->ncollectors; i++) {
        const xvCollector *c = ctx->collectors[i];
        uint64_t start;

        if (!c->collectDomain)
            continue;
        start = xvCollectNowNs();
        if (c->collectDomain(ctx, dom, sd) < 0)
            ctx->failed[i] = true;
        ctx->durationNs[i] += xvCollectNowNs() - start;
    }
}
