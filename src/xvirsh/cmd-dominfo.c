/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-dominfo.c: the "dominfo" command: identity, state, CPU and memory of a domain.
 *
 * The layout is virsh's, less the lines the early API has no call for:
 *   Persistent:      (virDomainIsPersistent)
 *   Autostart:       (virDomainGetAutostart)
 *   Managed save:    (virDomainHasManagedSaveImage)
 *   Security model:  (virNodeGetSecurityModel)
 *   Security DOI:    (virNodeGetSecurityModel)
 *   Security label:  (virDomainGetSecurityLabel)
 *   Messages:        (virDomainGetMessages)
 * These lines are omitted, not printed as "unknown".
 */
#include "config.h"

#include "xvirsh.h"

#include <limits.h>
#include <stdlib.h>

static bool
cmdDominfo(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    virDomainInfo info;
    unsigned int id;
    char uuid[37];
    char *ostype;
    bool ok = true;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;

    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        xvshPrint("%-15s %s\n", "Id:", "-");
    else
        xvshPrint("%-15s %u\n", "Id:", id);
    xvshPrint("%-15s %s\n", "Name:", virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        xvshPrint("%-15s %s\n", "UUID:", uuid);
    if ((ostype = virDomainGetOSType(dom))) {
        xvshPrint("%-15s %s\n", "OS Type:", ostype);
        free(ostype);
    }

    if (virDomainGetInfo(dom, &info) == 0) {
        xvshPrint("%-15s %s\n", "State:", xvshDomainStateToString(info.state));
        xvshPrint("%-15s %u\n", "CPU(s):", info.nrVirtCpu);
        if (info.cpuTime != 0)
            xvshPrint("%-15s %.1lfs\n", "CPU time:", info.cpuTime / 1000000000.0);
        if (info.maxMem != UINT_MAX)
            xvshPrint("%-15s %lu KiB\n", "Max memory:", info.maxMem);
        else
            xvshPrint("%-15s %s\n", "Max memory:", "no limit");
        xvshPrint("%-15s %lu KiB\n", "Used memory:", info.memory);
    } else {
        ok = false;
    }

    virDomainFree(dom);
    return ok;
}

static const xvshOptDef dominfoOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = NULL }
};

const xvshCmdDef xvshCmdDominfo = {
    .name = "dominfo",
    .usage = "<domain>",
    .help = "show the basic information of a domain",
    .desc = "Shows the ID, name, UUID, OS type, state, CPUs and memory of a domain.",
    .opts = dominfoOpts,
    .run = cmdDominfo,
};
