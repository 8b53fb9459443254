/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-nodecpu.c: the "nodecpustats" command: the CPU times of one physical
 * CPU of the host, or of all of them (virNodeGetCPUStats), as virsh prints
 * them: cumulative nanoseconds, or percentages over one second.
 */
#include "config.h"

#include "xvirsh.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The times virsh shows, in its order; "usage" only comes from a
 * hypervisor that reports a utilization instead of times. */
typedef enum {
    NODECPU_USAGE = 0,
    NODECPU_USER,
    NODECPU_SYSTEM,
    NODECPU_IDLE,
    NODECPU_IOWAIT,
    NODECPU_LAST
} nodecpuKind;

static const char *const nodecpuLabels[] = {
    [NODECPU_USAGE] = "usage:",
    [NODECPU_USER] = "user:",
    [NODECPU_SYSTEM] = "system:",
    [NODECPU_IDLE] = "idle:",
    [NODECPU_IOWAIT] = "iowait:",
};
_Static_assert(XV_N_ELEMENTS(nodecpuLabels) == NODECPU_LAST,
               "nodecpuLabels must name every kind");

/* The API's field of each kind. */
static const char *const nodecpuFields[] = {
    [NODECPU_USAGE] = VIR_NODE_CPU_STATS_UTILIZATION,
    [NODECPU_USER] = VIR_NODE_CPU_STATS_USER,
    [NODECPU_SYSTEM] = VIR_NODE_CPU_STATS_KERNEL,
    [NODECPU_IDLE] = VIR_NODE_CPU_STATS_IDLE,
    [NODECPU_IOWAIT] = VIR_NODE_CPU_STATS_IOWAIT,
};
_Static_assert(XV_N_ELEMENTS(nodecpuFields) == NODECPU_LAST,
               "nodecpuFields must name every kind");

/* One reading: the value of each kind, and which kinds the hypervisor has
 * (fields it has that virsh does not show, such as "intr", are ignored). */
typedef struct _nodecpuSample nodecpuSample;
struct _nodecpuSample {
    unsigned long long value[NODECPU_LAST];
    bool present[NODECPU_LAST];
};

static bool
nodecpuRead(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params, int nparams,
            nodecpuSample *ret)
{
    int n = nparams;
    int i;
    int kind;

    if (virNodeGetCPUStats(conn, cpuNum, params, &n, 0) != 0) {
        xvshError("Unable to get node cpu stats");
        return false;
    }
    memset(ret, 0, sizeof(*ret));
    for (i = 0; i < n; i++) {
        for (kind = 0; kind < NODECPU_LAST; kind++) {
            if (strcmp(params[i].field, nodecpuFields[kind]) == 0) {
                ret->value[kind] = params[i].value;
                ret->present[kind] = true;
            }
        }
    }
    return true;
}

static void
nodecpuPrintTimes(const nodecpuSample *s)
{
    int kind;

    for (kind = 0; kind < NODECPU_LAST; kind++) {
        if (s->present[kind])
            xvshPrint("%-15s %20llu\n", nodecpuLabels[kind], s->value[kind]);
    }
}

/* Each time's share of the time that passed between @a and @b; "usage"
 * is user + system. */
static void
nodecpuPrintPercent(const nodecpuSample *a, const nodecpuSample *b)
{
    double total = 0;
    double delta[NODECPU_LAST];
    int kind;

    for (kind = NODECPU_USER; kind < NODECPU_LAST; kind++) {
        delta[kind] = (double)(b->value[kind] - a->value[kind]);
        total += delta[kind];
    }
    xvshPrint("%-15s %5.1lf%%\n", nodecpuLabels[NODECPU_USAGE],
              (delta[NODECPU_USER] + delta[NODECPU_SYSTEM]) / total * 100);
    for (kind = NODECPU_USER; kind < NODECPU_LAST; kind++) {
        if (b->present[kind])
            xvshPrint("%-15s %5.1lf%%\n", nodecpuLabels[kind], delta[kind] / total * 100);
    }
}

static bool
cmdNodecpustats(xvshControl *ctl, const xvshCmd *cmd)
{
    virNodeCPUStatsPtr params = NULL;
    nodecpuSample samples[2];
    bool percent = xvshOptBool(cmd, "percent");
    int cpuNum = VIR_NODE_CPU_STATS_ALL_CPUS;
    int nparams = 0;
    bool ok = false;

    if (xvshOptInt(cmd, "cpu", &cpuNum) < 0)
        return false;
    if (virNodeGetCPUStats(ctl->conn, cpuNum, NULL, &nparams, 0) != 0) {
        xvshError("Unable to get number of cpu stats");
        return false;
    }
    if (nparams == 0)
        return true;
    params = xvAllocN((size_t)nparams, sizeof(*params));
    if (!nodecpuRead(ctl->conn, cpuNum, params, nparams, &samples[0]))
        goto cleanup;
    /* A utilization is already a percentage: there is nothing to sample. */
    if (samples[0].present[NODECPU_USAGE]) {
        if (percent) {
            xvshPrint("%-15s %5.1llu%%\n", nodecpuLabels[NODECPU_USAGE],
                      samples[0].value[NODECPU_USAGE]);
            xvshPrint("%-15s %5.1llu%%\n", nodecpuLabels[NODECPU_IDLE],
                      100 - samples[0].value[NODECPU_USAGE]);
        } else {
            nodecpuPrintTimes(&samples[0]);
        }
        ok = true;
        goto cleanup;
    }
    if (!percent) {
        nodecpuPrintTimes(&samples[0]);
        ok = true;
        goto cleanup;
    }
    /* As virsh: one wall-clock second between the two readings. */
    sleep(1);
    if (!nodecpuRead(ctl->conn, cpuNum, params, nparams, &samples[1]))
        goto cleanup;
    nodecpuPrintPercent(&samples[0], &samples[1]);
    ok = true;

 cleanup:
    free(params);
    return ok;
}

static const xvshOptDef nodecpustatsOpts[] = {
    { .name = "cpu", .type = XVSH_OT_STRING, .valueName = "number",
      .help = "prints specified cpu statistics only." },
    { .name = "percent", .type = XVSH_OT_BOOL,
      .help = "prints by percentage during 1 second." },
    { .name = NULL }
};

const xvshCmdDef xvshCmdNodecpustats = {
    .name = "nodecpustats",
    .usage = "[--cpu <number>] [--percent]",
    .help = "Prints cpu stats of the node.",
    .desc = "Shows the CPU times of the host since it booted, in nanoseconds: of "
            "physical CPU --cpu N, or summed over all of them. Only the times the "
            "hypervisor has are shown (Xen: idle only; the test driver: user, "
            "system, idle and iowait). --percent reads them twice, one second apart, "
            "and shows each time's share of that second, and usage = user + system.",
    .opts = nodecpustatsOpts,
    .run = cmdNodecpustats,
};
