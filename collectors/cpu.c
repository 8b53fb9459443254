/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu.c: the cpu collector: the cumulative times of each physical CPU of
 * the node (virNodeGetCPUStats, one call per CPU), only the fields the
 * driver reports (Xen: idle; the test driver: user, kernel, idle, iowait).
 */
#include "collector.h"

#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "util/xvalloc.h"

/* The mode a virNodeGetCPUStats field is exported as; -1: not a time. */
static int
cpuMode(const char *field)
{
    static const struct { const char *field; xvSnapCpuMode mode; } modes[] = {
        { VIR_NODE_CPU_STATS_USER, XV_SNAP_CPU_USER },
        { VIR_NODE_CPU_STATS_KERNEL, XV_SNAP_CPU_KERNEL },
        { VIR_NODE_CPU_STATS_IDLE, XV_SNAP_CPU_IDLE },
        { VIR_NODE_CPU_STATS_IOWAIT, XV_SNAP_CPU_IOWAIT },
        { VIR_NODE_CPU_STATS_INTR, XV_SNAP_CPU_INTR },
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(modes); i++) {
        if (strncmp(field, modes[i].field, VIR_NODE_CPU_STATS_FIELD_LENGTH) == 0)
            return (int)modes[i].mode;
    }
    return -1;
}

/* How many CPUs to ask about at most: the node's possible CPUs. */
static int
cpuCount(xvCollectContext *ctx)
{
    virNodeInfo node;

    if (ctx->snap->nodeOk)
        return (int)VIR_NODEINFO_MAXCPUS(ctx->snap->node);
    if (virNodeGetInfo(ctx->conn, &node) < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_NODE_GET_INFO);
        return -1;
    }
    return (int)VIR_NODEINFO_MAXCPUS(node);
}

static void
cpuStore(xvCollectContext *ctx, int cpu, const virNodeCPUStats *params, int n)
{
    xvSnapPcpu *p = xvSnapshotAddPcpus(ctx->snap, 1);
    int i, mode;

    p->cpu = (unsigned int)cpu;
    for (mode = 0; mode < XV_SNAP_CPU_MODE_LAST; mode++)
        p->ns[mode] = -1;
    for (i = 0; i < n; i++) {
        if ((mode = cpuMode(params[i].field)) >= 0)
            p->ns[mode] = (int64_t)params[i].value;
    }
}

static int
cpuCollect(xvCollectContext *ctx)
{
    virNodeCPUStats *params;
    int ncpus, nparams = 0, cpu, ret = 0;

    if ((ncpus = cpuCount(ctx)) < 0)
        return -1;
    if (virNodeGetCPUStats(ctx->conn, 0, NULL, &nparams, 0) < 0 || nparams <= 0) {
        xvCollectNoteFailure(ctx, XV_CALL_NODE_GET_CPU_STATS);
        return -1;
    }
    params = xvAllocN((size_t)nparams, sizeof(*params));
    for (cpu = 0; cpu < ncpus; cpu++) {
        int n = nparams;

        if (virNodeGetCPUStats(ctx->conn, cpu, params, &n, 0) < 0) {
            /* fewer CPUs present than possible: the list ends here */
            if (cpu > 0 && virGetLastErrorCode() == VIR_ERR_INVALID_ARG)
                break;
            xvCollectNoteFailure(ctx, XV_CALL_NODE_GET_CPU_STATS);
            ret = -1;
            continue;
        }
        cpuStore(ctx, cpu, params, n);
    }
    free(params);
    return ret;
}

const xvCollector xvCollectorCpu = {
    .name = "cpu",
    .defaultEnabled = true,
    .collect = cpuCollect,
};
