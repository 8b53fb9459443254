/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vcpu.c: the vcpu collector: state, CPU time, physical CPU and affinity of
 * every virtual CPU of each active domain, in one virDomainGetVcpus call. */
#include "collector.h"

#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

/* Largest vcpu count asked for: the info struct's count is an unsigned short. */
#define VCPU_MAX 65535

static unsigned int
vcpuCountBits(const unsigned char *map, int maplen)
{
    unsigned int n = 0;
    int i;

    for (i = 0; i < maplen; i++)
        n += (unsigned int)__builtin_popcount(map[i]);
    return n;
}

/* Makes sure the snapshot has a map length, asking the node if the node
 * collector did not run. Returns 0 or -1. */
static int
vcpuEnsureMaplen(xvCollectContext *ctx)
{
    virNodeInfo node;

    if (ctx->snap->maplen > 0)
        return 0;
    if (virNodeGetInfo(ctx->conn, &node) < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_NODE_GET_INFO);
        return -1;
    }
    ctx->snap->maplen = VIR_CPU_MAPLEN(VIR_NODEINFO_MAXCPUS(node));
    return 0;
}

static int
vcpuCollectDomain(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd)
{
    xvSnapshot *snap = ctx->snap;
    /* Offline vcpus are reported too (up to the domain's maximum), so room
     * for twice the online count makes one call enough in all but odd
     * cases; a full array is asked again, larger. */
    int maxinfo = sd->nrVirtCpu > 0 ? 2 * (int)sd->nrVirtCpu : 2;
    virVcpuInfo *info = NULL;
    unsigned char *maps = NULL;
    xvSnapVcpu *v;
    int n, i;

    if (vcpuEnsureMaplen(ctx) < 0)
        return -1;
    for (;;) {
        info = xvReallocN(info, (size_t)maxinfo, sizeof(*info));
        maps = xvReallocN(maps, (size_t)maxinfo, (size_t)snap->maplen);
        n = virDomainGetVcpus(dom, info, maxinfo, maps, snap->maplen);
        if (n < maxinfo || maxinfo >= VCPU_MAX)
            break;
        /* a full array may hide offline vcpus past the online count */
        maxinfo = maxinfo * 2 > VCPU_MAX ? VCPU_MAX : maxinfo * 2;
    }
    if (n < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_GET_VCPUS);
        free(info);
        free(maps);
        return -1;
    }
    sd->vcpusOk = true;
    v = xvSnapshotAddVcpus(snap, sd, (size_t)n);
    for (i = 0; i < n; i++) {
        const unsigned char *map = VIR_GET_CPUMAP(maps, snap->maplen, i);

        v[i].number = info[i].number;
        v[i].state = info[i].state;
        v[i].cpuTimeNs = info[i].cpuTime;
        v[i].cpu = info[i].cpu;
        v[i].affinityCount = vcpuCountBits(map, snap->maplen);
        memcpy(xvSnapshotVcpuMap(snap, sd->firstVcpu + (size_t)i), map,
               (size_t)snap->maplen);
    }
    free(info);
    free(maps);
    return 0;
}

const xvCollector xvCollectorVcpu = {
    .name = "vcpu",
    .defaultEnabled = true,
    .collectDomain = vcpuCollectDomain,
};
