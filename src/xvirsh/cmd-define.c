/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-define.c: domains from XML files: "create" (start now) and "define" (keep). */
#include "config.h"

#include "xvirsh.h"

#include <stdlib.h>

static const xvshOptDef defineOpts[] = {
    { .name = "file", .type = XVSH_OT_DATA, .required = true, .valueName = "string",
      .help = "file with the XML description of the domain" },
    { .name = NULL }
};

static bool
cmdCreate(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *file = xvshOptString(cmd, "file");
    virDomainPtr dom;
    char *xml;

    if (!(xml = xvshReadFile(file)))
        return false;
    dom = virDomainCreateLinux(ctl->conn, xml, 0);
    free(xml);
    if (!dom) {
        xvshError("Failed to create domain from %s", file);
        return false;
    }
    xvshPrintExtra("Domain '%s' created from %s\n", virDomainGetName(dom), file);
    virDomainFree(dom);
    return true;
}

const xvshCmdDef xvshCmdCreate = {
    .name = "create",
    .usage = "<file>",
    .help = "start a transient domain from an XML file",
    .desc = "Starts a new domain from an XML description; it vanishes when it stops.",
    .opts = defineOpts,
    .run = cmdCreate,
};

static bool
cmdDefine(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *file = xvshOptString(cmd, "file");
    virDomainPtr dom;
    char *xml;

    if (!(xml = xvshReadFile(file)))
        return false;
    dom = virDomainDefineXML(ctl->conn, xml);
    free(xml);
    if (!dom) {
        xvshError("Failed to define domain from %s", file);
        return false;
    }
    xvshPrintExtra("Domain '%s' defined from %s\n", virDomainGetName(dom), file);
    virDomainFree(dom);
    return true;
}

const xvshCmdDef xvshCmdDefine = {
    .name = "define",
    .usage = "<file>",
    .help = "define a domain from an XML file without starting it",
    .desc = "Defines a persistent domain from an XML description, or updates the "
            "definition of an existing one.",
    .opts = defineOpts,
    .run = cmdDefine,
};
