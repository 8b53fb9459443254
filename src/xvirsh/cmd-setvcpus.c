/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-setvcpus.c: the "setvcpus" command: change the number of online vCPUs. */
#include "config.h"

#include "xvirsh.h"

static bool
cmdSetvcpus(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    unsigned int count = 0;
    bool ok;

    if (xvshOptUInt(cmd, "count", &count) < 0)
        return false;
    if (count == 0) {
        xvshError("Can't set 0 processors for a VM");
        return false;
    }
    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    ok = virDomainSetVcpus(dom, count) == 0;
    virDomainFree(dom);
    return ok;
}

static const xvshOptDef setvcpusOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = "count", .type = XVSH_OT_DATA, .required = true, .valueName = "number",
      .help = "the new number of online virtual CPUs" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdSetvcpus = {
    .name = "setvcpus",
    .usage = "<domain> <count>",
    .help = "change the number of virtual CPUs",
    .desc = "Sets how many virtual CPUs of a running domain are online, up to its "
            "maximum.",
    .opts = setvcpusOpts,
    .run = cmdSetvcpus,
};
