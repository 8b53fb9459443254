/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-host.c: host commands: "nodeinfo" and "version". */
#include "config.h"

#include "xvirsh.h"

static const xvshOptDef hostOpts[] = {
    { .name = NULL }
};

static bool
cmdNodeinfo(xvshControl *ctl, const xvshCmd *cmd)
{
    virNodeInfo info;

    (void)cmd;
    if (virNodeGetInfo(ctl->conn, &info) < 0) {
        xvshError("failed to get node information");
        return false;
    }
    xvshPrint("%-20s %s\n", "CPU model:", info.model);
    xvshPrint("%-20s %u\n", "CPU(s):", info.cpus);
    xvshPrint("%-20s %u MHz\n", "CPU frequency:", info.mhz);
    xvshPrint("%-20s %u\n", "CPU socket(s):", info.sockets);
    xvshPrint("%-20s %u\n", "Core(s) per socket:", info.cores);
    xvshPrint("%-20s %u\n", "Thread(s) per core:", info.threads);
    xvshPrint("%-20s %u\n", "NUMA cell(s):", info.nodes);
    xvshPrint("%-20s %lu KiB\n", "Memory size:", info.memory);
    return true;
}

const xvshCmdDef xvshCmdNodeinfo = {
    .name = "nodeinfo",
    .usage = "",
    .help = "show the host's CPUs and memory",
    .desc = "Shows the CPU model, count, frequency and topology, and the memory of "
            "the host.",
    .opts = hostOpts,
    .run = cmdNodeinfo,
};

/* major * 1,000,000 + minor * 1,000 + release, printed as major.minor.release */
static void
hostPrintVersion(const char *label, const char *what, unsigned long version)
{
    xvshPrint("%s: %s %lu.%lu.%lu\n", label, what,
              version / 1000000, version / 1000 % 1000, version % 1000);
}

static bool
cmdVersion(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *hvType;
    unsigned long libVersion;
    unsigned long apiVersion;
    unsigned long hvVersion;

    (void)cmd;
    if (!(hvType = virConnectGetType(ctl->conn))) {
        xvshError("failed to get hypervisor type");
        return false;
    }
    hostPrintVersion("Compiled against library", "libvirt", LIBVIR_VERSION_NUMBER);
    if (virGetVersion(&libVersion, hvType, &apiVersion) < 0) {
        xvshError("failed to get the library version");
        return false;
    }
    hostPrintVersion("Using library", "libvirt", libVersion);
    hostPrintVersion("Using API", hvType, apiVersion);
    if (virConnectGetVersion(ctl->conn, &hvVersion) < 0) {
        xvshError("failed to get the hypervisor version");
        return false;
    }
    if (hvVersion == 0)
        xvshPrint("Cannot extract running %s hypervisor version\n", hvType);
    else
        hostPrintVersion("Running hypervisor", hvType, hvVersion);
    return true;
}

const xvshCmdDef xvshCmdVersion = {
    .name = "version",
    .usage = "",
    .help = "show the library and hypervisor versions",
    .desc = "Shows the API version xvirsh was built against, the library in use, "
            "and the hypervisor's type and version.",
    .opts = hostOpts,
    .run = cmdVersion,
};
