/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-setmem.c: the "setmem" and "setmaxmem" commands: current and maximum memory. */
#include "config.h"

#include "xvirsh.h"

static const xvshOptDef setmemOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = "size", .type = XVSH_OT_DATA, .required = true, .valueName = "number",
      .help = "memory size: a number of KiB, or with a unit: 512M, 2G, 1GB..." },
    { .name = NULL }
};

static bool
cmdSetmem(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    unsigned long kib = 0;
    bool ok;

    if (xvshOptScaledKiB(cmd, "size", &kib) < 0)
        return false;
    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    ok = virDomainSetMemory(dom, kib) == 0;
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdSetmem = {
    .name = "setmem",
    .usage = "<domain> <size>",
    .help = "change the memory of a domain",
    .desc = "Sets the current memory of a domain (balloon target), at most its "
            "maximum memory. A bare number is KiB; units b, k, M, G, T (powers of "
            "1024, also KiB, MiB...) and KB, MB, GB, TB (powers of 1000) are accepted.",
    .opts = setmemOpts,
    .run = cmdSetmem,
};

static bool
cmdSetmaxmem(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    unsigned long kib = 0;
    bool ok = true;

    if (xvshOptScaledKiB(cmd, "size", &kib) < 0)
        return false;
    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    if (virDomainSetMaxMemory(dom, kib) < 0) {
        xvshError("Unable to change MaxMemorySize");
        ok = false;
    }
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdSetmaxmem = {
    .name = "setmaxmem",
    .usage = "<domain> <size>",
    .help = "change the maximum memory of a domain",
    .desc = "Sets the maximum memory of a domain; units as for setmem.",
    .opts = setmemOpts,
    .run = cmdSetmaxmem,
};
