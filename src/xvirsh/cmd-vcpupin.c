/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-vcpupin.c: the "vcpupin" command: set or show which host CPUs a vCPU may use. */
#include "config.h"

#include "xvirsh.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/xvcpulist.h"

/* Without a CPU list: a table of the current affinity of one or all vCPUs. */
static bool
vcpupinQuery(virDomainPtr dom, unsigned int maxcpu, bool oneVcpu, unsigned int vcpu)
{
    static const char *const headers[] = { "VCPU", "CPU Affinity" };
    virDomainInfo dinfo;
    virVcpuInfoPtr info = NULL;
    unsigned char *maps = NULL;
    int maplen = VIR_CPU_MAPLEN(maxcpu);
    xvshTable *table = NULL;
    int n;
    int i;
    bool ok = false;

    if (virDomainGetInfo(dom, &dinfo) < 0)
        return false;
    if ((n = xvApiDomainGetVcpus(dom, dinfo.nrVirtCpu, maplen, &info, &maps)) < 0)
        return false;
    if (oneVcpu && vcpu >= (unsigned int)n) {
        xvshError("vcpu %u is out of range of live cpu count %d", vcpu, n);
        goto cleanup;
    }

    table = xvshTableNew(2, headers);
    for (i = 0; i < n; i++) {
        char num[16];
        char *cpus;
        const char *cells[2];

        if (oneVcpu && info[i].number != vcpu)
            continue;
        snprintf(num, sizeof(num), "%u", info[i].number);
        cpus = xvCpuListFormat(VIR_GET_CPUMAP(maps, maplen, i), maxcpu);
        cells[0] = num;
        cells[1] = cpus;
        xvshTableAddRow(table, cells);
        free(cpus);
    }
    xvshTablePrint(table);
    ok = true;

 cleanup:
    xvshTableFree(table);
    free(info);
    free(maps);
    return ok;
}

static bool
cmdVcpupin(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *cpulist = xvshOptString(cmd, "cpulist");
    virDomainPtr dom;
    virNodeInfo node;
    unsigned int vcpu = 0;
    unsigned int maxcpu;
    unsigned char *cpumap = NULL;
    int maplen;
    int hasVcpu;
    bool ok = false;

    if ((hasVcpu = xvshOptUInt(cmd, "vcpu", &vcpu)) < 0)
        return false;
    if (cpulist && hasVcpu == 0) {
        xvshError("vcpupin: Missing vCPU number in pin mode.");
        return false;
    }
    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    if (virNodeGetInfo(ctl->conn, &node) < 0)
        goto cleanup;
    maxcpu = VIR_NODEINFO_MAXCPUS(node);

    if (!cpulist) {
        ok = vcpupinQuery(dom, maxcpu, hasVcpu > 0, vcpu);
        goto cleanup;
    }

    maplen = VIR_CPU_MAPLEN(maxcpu);
    cpumap = xvAllocN(maplen, 1);
    if (xvshParseCpulist(cpulist, maxcpu, cpumap, maplen) < 0)
        goto cleanup;
    if (virDomainPinVcpu(dom, vcpu, cpumap, maplen) < 0)
        goto cleanup;
    ok = true;

 cleanup:
    free(cpumap);
    virDomainFree(dom);
    return ok;
}

static const xvshOptDef vcpupinOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = "vcpu", .type = XVSH_OT_DATA, .valueName = "number",
      .help = "virtual CPU number" },
    { .name = "cpulist", .type = XVSH_OT_DATA, .valueName = "string",
      .help = "host CPUs to allow, e.g. 0-3,^2,5 or r for all; omit to show the affinity" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdVcpupin = {
    .name = "vcpupin",
    .usage = "<domain> [<vcpu>] [<cpulist>]",
    .help = "set or show the host CPUs of a virtual CPU",
    .desc = "Pins a virtual CPU of a running domain to a set of host CPUs; without a "
            "CPU list, shows the current affinity.",
    .opts = vcpupinOpts,
    .run = cmdVcpupin,
};
