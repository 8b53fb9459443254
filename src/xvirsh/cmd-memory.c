/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-memory.c: memory for balloon decisions: "freecell" (the host's free
 * memory) and "dommemstat" (a domain's memory statistics), as virsh prints
 * them. Both use calls that postdate the seed (virNodeGetFreeMemory,
 * virDomainMemoryStats).
 */
#include "config.h"

#include "xvirsh.h"

static const xvshOptDef freecellOpts[] = {
    { .name = NULL }
};

static bool
cmdFreecell(xvshControl *ctl, const xvshCmd *cmd)
{
    unsigned long long bytes;

    (void)cmd;
    /* virsh's rule: 0 is the API's error value, reported as the error */
    if ((bytes = virNodeGetFreeMemory(ctl->conn)) == 0)
        return false;
    xvshPrint("%s: %llu KiB\n", "Total", bytes / 1024);
    return true;
}

const xvshCmdDef xvshCmdFreecell = {
    .name = "freecell",
    .usage = "",
    .help = "show the free memory of the host",
    .desc = "Shows the memory of the host that no domain holds, in KiB. (virsh's "
            "--cellno and --all, per NUMA cell, have no call in this API.)",
    .opts = freecellOpts,
    .run = cmdFreecell,
};

/* virsh's names of the statistics, by tag. */
static const char *const dommemstatNames[] = {
    [VIR_DOMAIN_MEMORY_STAT_SWAP_IN] = "swap_in",
    [VIR_DOMAIN_MEMORY_STAT_SWAP_OUT] = "swap_out",
    [VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT] = "major_fault",
    [VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT] = "minor_fault",
    [VIR_DOMAIN_MEMORY_STAT_UNUSED] = "unused",
    [VIR_DOMAIN_MEMORY_STAT_AVAILABLE] = "available",
    [VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON] = "actual",
    [VIR_DOMAIN_MEMORY_STAT_RSS] = "rss",
    [VIR_DOMAIN_MEMORY_STAT_USABLE] = "usable",
    [VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE] = "last_update",
    [VIR_DOMAIN_MEMORY_STAT_DISK_CACHES] = "disk_caches",
    [VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC] = "hugetlb_pgalloc",
    [VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL] = "hugetlb_pgfail",
};
_Static_assert(XV_N_ELEMENTS(dommemstatNames) == VIR_DOMAIN_MEMORY_STAT_NR,
               "dommemstatNames must name every memory statistic");

static const xvshOptDef dommemstatOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = NULL }
};

static bool
cmdDommemstat(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    virDomainPtr dom;
    const char *name = NULL;
    int n, i;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, &name)))
        return false;
    n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    if (n < 0) {
        xvshError("Failed to get memory statistics for domain %s", name);
        virDomainFree(dom);
        return false;
    }
    /* In the driver's order, as virsh; a tag it has no name for is skipped. */
    for (i = 0; i < n; i++) {
        if (stats[i].tag >= 0 && stats[i].tag < VIR_DOMAIN_MEMORY_STAT_NR)
            xvshPrint("%s %llu\n", dommemstatNames[stats[i].tag], stats[i].val);
    }
    virDomainFree(dom);
    return true;
}

const xvshCmdDef xvshCmdDommemstat = {
    .name = "dommemstat",
    .usage = "<domain>",
    .help = "show the memory statistics of a domain",
    .desc = "Shows the memory statistics the hypervisor has for a running domain, one "
            "\"name value\" line each, in KiB: actual (the balloon size) always; "
            "available, unused and usable once the guest reports its memory. (virsh's "
            "--period, --config, --live and --current have no call in this API.)",
    .opts = dommemstatOpts,
    .run = cmdDommemstat,
};
