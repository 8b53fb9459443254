/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-save.c: the "save" and "restore" commands: domain state to and from a file. */
#include "config.h"

#include "xvirsh.h"

static bool
cmdSave(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *file = xvshOptString(cmd, "file");
    virDomainPtr dom;
    const char *name;
    bool ok;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, &name)))
        return false;
    if ((ok = virDomainSave(dom, file) == 0))
        xvshPrintExtra("Domain '%s' saved to %s\n", name, file);
    else
        xvshError("Failed to save domain '%s' to %s", name, file);
    virDomainFree(dom);
    return ok;
}

static const xvshOptDef saveOpts[] = {
    XVSH_OPT_DOMAIN_OF(XVSH_COMPLETE_DOMAIN_ACTIVE),     /* only an active one saves */
    { .name = "file", .type = XVSH_OT_DATA, .required = true, .valueName = "string",
      .help = "the file to write the state to" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdSave = {
    .name = "save",
    .usage = "<domain> <file>",
    .help = "save the state of a domain to a file",
    .desc = "Writes the state of a running domain to a file and stops the domain; "
            "restore starts it again from there.",
    .opts = saveOpts,
    .run = cmdSave,
};

static bool
cmdRestore(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *file = xvshOptString(cmd, "file");

    if (virDomainRestore(ctl->conn, file) < 0) {
        xvshError("Failed to restore domain from %s", file);
        return false;
    }
    xvshPrintExtra("Domain restored from %s\n", file);
    return true;
}

static const xvshOptDef restoreOpts[] = {
    { .name = "file", .type = XVSH_OT_DATA, .required = true, .valueName = "string",
      .help = "a file written by save" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdRestore = {
    .name = "restore",
    .usage = "<file>",
    .help = "restore a domain from a saved state file",
    .desc = "Starts a domain again from the state that save wrote.",
    .opts = restoreOpts,
    .run = cmdRestore,
};
