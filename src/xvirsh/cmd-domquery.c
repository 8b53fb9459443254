/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-domquery.c: one-value queries: "domstate", "domid", "domname", "domuuid", "dumpxml". */
#include "config.h"

#include "xvirsh.h"

#include <stdlib.h>

static const xvshOptDef domqueryOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = NULL }
};

static bool
cmdDomstate(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    virDomainInfo info;
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    if (virDomainGetInfo(dom, &info) == 0) {
        xvshPrint("%s\n", xvshDomainStateToString(info.state));
        ok = true;
    }
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdDomstate = {
    .name = "domstate",
    .usage = "<domain>",
    .help = "print the state of a domain",
    .desc = "Prints the state of a domain: running, idle, paused, in shutdown, "
            "shut off or crashed.",
    .opts = domqueryOpts,
    .run = cmdDomstate,
};

static bool
cmdDomid(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    unsigned int id;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_NAME | XVSH_BY_UUID, NULL)))
        return false;
    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        xvshPrint("%s\n", "-");
    else
        xvshPrint("%u\n", id);
    virDomainFree(dom);
    return true;
}

const xvshCmdDef xvshCmdDomid = {
    .name = "domid",
    .usage = "<domain>",
    .help = "print the ID of a domain",
    .desc = "Prints the ID of a domain, or '-' when it is not running.",
    .opts = domqueryOpts,
    .run = cmdDomid,
};

static bool
cmdDomname(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    const char *name;
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ID | XVSH_BY_UUID, NULL)))
        return false;
    if ((name = virDomainGetName(dom))) {
        xvshPrint("%s\n", name);
        ok = true;
    }
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdDomname = {
    .name = "domname",
    .usage = "<domain>",
    .help = "print the name of a domain given by ID or UUID",
    .desc = "Prints the name of the domain with the given ID or UUID.",
    .opts = domqueryOpts,
    .run = cmdDomname,
};

static bool
cmdDomuuid(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    char uuid[37];
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ID | XVSH_BY_NAME, NULL)))
        return false;
    if (virDomainGetUUIDString(dom, uuid) == 0) {
        xvshPrint("%s\n", uuid);
        ok = true;
    } else {
        xvshError("failed to get domain UUID");
    }
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdDomuuid = {
    .name = "domuuid",
    .usage = "<domain>",
    .help = "print the UUID of a domain given by name or ID",
    .desc = "Prints the UUID of the domain with the given name or ID.",
    .opts = domqueryOpts,
    .run = cmdDomuuid,
};

static bool
cmdDumpxml(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    char *xml;
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    if ((xml = virDomainGetXMLDesc(dom, 0))) {
        xvshPrint("%s", xml);
        free(xml);
        ok = true;
    }
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdDumpxml = {
    .name = "dumpxml",
    .usage = "<domain>",
    .help = "print the XML description of a domain",
    .desc = "Prints the XML description of a domain, as define and create accept it.",
    .opts = domqueryOpts,
    .run = cmdDumpxml,
};
