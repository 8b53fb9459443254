/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memory.c: the memory collector: the node's free memory
 * (virNodeGetFreeMemory) and, per active domain, the memory its guest
 * reports (virDomainMemoryStats: AVAILABLE and UNUSED) -- the inputs of
 * the balloon policy. Guests that report nothing are not an error: most
 * drivers only know the balloon size, which the domain collector has.
 */
#include "collector.h"

#include <libvirt/virterror.h>

static int
memoryCollect(xvCollectContext *ctx)
{
    unsigned long long bytes = virNodeGetFreeMemory(ctx->conn);

    /* 0 is the call's error value; a node with no free byte at all is not
     * a case worth telling apart from it */
    if (bytes == 0) {
        xvCollectNoteFailure(ctx, XV_CALL_NODE_GET_FREE_MEMORY);
        return -1;
    }
    ctx->snap->nodeFreeOk = true;
    ctx->snap->nodeFreeBytes = bytes;
    return 0;
}

static int
memoryCollectDomain(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    bool haveTotal = false, haveFree = false;
    int n, i;

    n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    if (n < 0) {
        /* a domain stopping between the listing and this call is no failure */
        if (virGetLastErrorCode() == VIR_ERR_OPERATION_INVALID)
            return 0;
        xvCollectNoteFailure(ctx, XV_CALL_MEMORY_STATS);
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (stats[i].tag == VIR_DOMAIN_MEMORY_STAT_AVAILABLE) {
            sd->guestTotalKiB = stats[i].val;
            haveTotal = true;
        } else if (stats[i].tag == VIR_DOMAIN_MEMORY_STAT_UNUSED) {
            sd->guestFreeKiB = stats[i].val;
            haveFree = true;
        }
    }
    sd->guestMemOk = haveTotal && haveFree && sd->guestFreeKiB <= sd->guestTotalKiB;
    if (!sd->guestMemOk)
        sd->guestTotalKiB = sd->guestFreeKiB = 0;
    return 0;
}

const xvCollector xvCollectorMemory = {
    .name = "memory",
    .defaultEnabled = true,
    .collect = memoryCollect,
    .collectDomain = memoryCollectDomain,
};
