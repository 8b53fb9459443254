/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-devstats.c: I/O counters of one device of a running domain:
 * "domblkstat" (a disk, virDomainBlockStats) and "domifstat" (a network
 * interface, virDomainInterfaceStats), in virsh's layouts.
 */
#include "config.h"

#include "xvirsh.h"

/* virsh's names of the block counters, and its labels for --human. */
static const char *const blkstatNames[] = {
    "rd_req", "rd_bytes", "wr_req", "wr_bytes", "errs",
};
static const char *const blkstatLabels[] = {
    "number of read operations:", "number of bytes read:", "number of write operations:",
    "number of bytes written:", "error count:",
};

/* virsh's human labels are left-aligned in this many columns. */
#define DEVSTATS_HUMAN_WIDTH 31

static const xvshOptDef domblkstatOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = "device", .type = XVSH_OT_DATA, .valueName = "string",
      .help = "block device" },
    { .name = "human", .type = XVSH_OT_BOOL,
      .help = "print a more human readable output" },
    { .name = NULL }
};

/* virsh's "DEVICE NAME VALUE" lines, one per counter the hypervisor can
 * tell (a -1 is left out). */
static void
devstatsPrintLines(const char *device, const char *const *names, const long long *values,
                   size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (values[i] >= 0)
            xvshPrint("%s %s %lld\n", device, names[i], values[i]);
    }
}

/*
 * virsh prints "DEVICE NAME VALUE" per counter, or, with --human, a
 * "Device: DEVICE" heading and " LABEL VALUE" lines; a counter the
 * hypervisor cannot tell (-1) is left out.
 */
static void
domblkstatPrint(const char *device, const virDomainBlockStatsStruct *stats, bool human)
{
    const long long values[] = {
        stats->rd_req, stats->rd_bytes, stats->wr_req, stats->wr_bytes, stats->errs,
    };
    size_t i;

    _Static_assert(XV_N_ELEMENTS(values) == XV_N_ELEMENTS(blkstatNames),
                   "blkstatNames must name every block counter");
    _Static_assert(XV_N_ELEMENTS(values) == XV_N_ELEMENTS(blkstatLabels),
                   "blkstatLabels must label every block counter");
    if (!human) {
        devstatsPrintLines(device, blkstatNames, values, XV_N_ELEMENTS(values));
        return;
    }
    xvshPrint("Device: %s\n", device);
    for (i = 0; i < XV_N_ELEMENTS(values); i++) {
        if (values[i] >= 0)
            xvshPrint(" %-*s %lld\n", DEVSTATS_HUMAN_WIDTH, blkstatLabels[i], values[i]);
    }
}

static bool
cmdDomblkstat(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainBlockStatsStruct stats;
    virDomainPtr dom;
    const char *name = NULL;
    const char *device = xvshOptString(cmd, "device");
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, &name)))
        return false;
    /* As virsh: no device asks for the sum over all disks (""), which the
     * hypervisor may refuse. */
    if (!device)
        device = "";
    if (virDomainBlockStats(dom, device, &stats, sizeof(stats)) < 0) {
        xvshError("Failed to get block stats %s %s", name, device);
        goto cleanup;
    }
    domblkstatPrint(device, &stats, xvshOptBool(cmd, "human"));
    ok = true;

 cleanup:
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdDomblkstat = {
    .name = "domblkstat",
    .usage = "<domain> [<device>] [--human]",
    .help = "get device block stats for a domain",
    .desc = "Shows the I/O counters of one disk of a running domain since it booted, "
            "named by its target (\"xvda\", as domblklist lists them) or its source "
            "path: read and write requests and bytes, and errors (on Xen, blkback's "
            "requests that waited for a free ring slot). A counter the hypervisor "
            "cannot tell is left out. (virsh's extended statistics of "
            "virDomainBlockStatsFlags have no call in this API.)",
    .opts = domblkstatOpts,
    .run = cmdDomblkstat,
};

static const char *const ifstatNames[] = {
    "rx_bytes", "rx_packets", "rx_errs", "rx_drop",
    "tx_bytes", "tx_packets", "tx_errs", "tx_drop",
};

static const xvshOptDef domifstatOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = "interface", .type = XVSH_OT_DATA, .required = true, .valueName = "string",
      .help = "interface device specified by name or MAC Address" },
    { .name = NULL }
};

static bool
cmdDomifstat(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainInterfaceStatsStruct stats;
    virDomainPtr dom;
    const char *name = NULL;
    const char *device = xvshOptString(cmd, "interface");

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, &name)))
        return false;
    if (virDomainInterfaceStats(dom, device, &stats, sizeof(stats)) < 0) {
        xvshError("Failed to get interface stats %s %s", name, device);
        virDomainFree(dom);
        return false;
    }
    const long long values[] = {
        stats.rx_bytes, stats.rx_packets, stats.rx_errs, stats.rx_drop,
        stats.tx_bytes, stats.tx_packets, stats.tx_errs, stats.tx_drop,
    };
    _Static_assert(XV_N_ELEMENTS(values) == XV_N_ELEMENTS(ifstatNames),
                   "ifstatNames must name every interface counter");
    devstatsPrintLines(device, ifstatNames, values, XV_N_ELEMENTS(values));
    virDomainFree(dom);
    return true;
}

const xvshCmdDef xvshCmdDomifstat = {
    .name = "domifstat",
    .usage = "<domain> <interface>",
    .help = "get network interface stats for a domain",
    .desc = "Shows the counters of one network interface of a running domain since it "
            "booted, named by its host-side device (\"vif3.0\" on Xen, as domiflist "
            "lists them) or its MAC address, in the guest's view (rx is what the "
            "guest received): bytes, packets, errors and drops each way. A counter "
            "the hypervisor cannot tell is left out.",
    .opts = domifstatOpts,
    .run = cmdDomifstat,
};
