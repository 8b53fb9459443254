/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-vcpuinfo.c: the "vcpuinfo" command: state, placement and affinity of each vCPU. */
#include "config.h"

#include "xvirsh.h"

#include <stdlib.h>

static bool
cmdVcpuinfo(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    virNodeInfo node;
    virDomainInfo dinfo;
    virVcpuInfoPtr info = NULL;
    unsigned char *maps = NULL;
    unsigned int maxcpu;
    int maplen;
    int n;
    int i;
    unsigned int cpu;
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    if (virNodeGetInfo(ctl->conn, &node) < 0 || virDomainGetInfo(dom, &dinfo) < 0)
        goto cleanup;
    if (dinfo.state == VIR_DOMAIN_SHUTOFF) {
        xvshError("Domain shut off, virtual CPUs not present.");
        goto cleanup;
    }
    maxcpu = VIR_NODEINFO_MAXCPUS(node);
    maplen = VIR_CPU_MAPLEN(maxcpu);
    if ((n = xvApiDomainGetVcpus(dom, dinfo.nrVirtCpu, maplen, &info, &maps)) < 0)
        goto cleanup;

    for (i = 0; i < n; i++) {
        xvshPrint("%-15s %u\n", "VCPU:", info[i].number);
        xvshPrint("%-15s %d\n", "CPU:", info[i].cpu);
        xvshPrint("%-15s %s\n", "State:", xvshVcpuStateToString(info[i].state));
        if (info[i].cpuTime != 0)
            xvshPrint("%-15s %.1lfs\n", "CPU time:", info[i].cpuTime / 1000000000.0);
        xvshPrint("%-15s ", "CPU Affinity:");
        for (cpu = 0; cpu < maxcpu; cpu++)
            xvshPrint("%c", VIR_CPU_USABLE(maps, maplen, i, cpu) ? 'y' : '-');
        xvshPrint("\n");
        if (i + 1 < n)
            xvshPrint("\n");
    }
    ok = true;

 cleanup:
    free(info);
    free(maps);
    virDomainFree(dom);
    return ok;
}

static const xvshOptDef vcpuinfoOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = NULL }
};

const xvshCmdDef xvshCmdVcpuinfo = {
    .name = "vcpuinfo",
    .usage = "<domain>",
    .help = "show the virtual CPUs of a domain",
    .desc = "For each virtual CPU of a running domain: the host CPU it runs on, its "
            "state, its CPU time and the host CPUs it may use (y) or not (-).",
    .opts = vcpuinfoOpts,
    .run = cmdVcpuinfo,
};
