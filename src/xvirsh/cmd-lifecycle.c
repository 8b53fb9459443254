/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-lifecycle.c: state changes of one domain: "start", "suspend", "resume",
 * "shutdown", "reboot", "destroy" and "undefine".
 */
#include "config.h"

#include "xvirsh.h"

/* The domain each command can act on is what completion offers, as virsh
 * does: start an inactive one, suspend a running one, resume a paused one,
 * shut down, reboot or destroy an active one, undefine any. */
static const xvshOptDef lifecycleOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = NULL }
};
static const xvshOptDef startOpts[] = {
    XVSH_OPT_DOMAIN_OF(XVSH_COMPLETE_DOMAIN_INACTIVE),
    { .name = NULL }
};
static const xvshOptDef suspendOpts[] = {
    XVSH_OPT_DOMAIN_OF(XVSH_COMPLETE_DOMAIN_RUNNING),
    { .name = NULL }
};
static const xvshOptDef resumeOpts[] = {
    XVSH_OPT_DOMAIN_OF(XVSH_COMPLETE_DOMAIN_PAUSED),
    { .name = NULL }
};
static const xvshOptDef activeOpts[] = {
    XVSH_OPT_DOMAIN_OF(XVSH_COMPLETE_DOMAIN_ACTIVE),
    { .name = NULL }
};

/* lifecycleCall() results besides 0 (done) */
#define LIFECYCLE_FAILED -1     /* the call failed: the command says what it tried */
#define LIFECYCLE_NO_DOMAIN -2  /* lookup failed, already reported */

/*
 * The common shape: look the domain up and make one call. The commands
 * print virsh's messages, which name the domain as it was given.
 */
static int
lifecycleCall(xvshControl *ctl, const xvshCmd *cmd, int (*action)(virDomainPtr),
              const char **name)
{
    virDomainPtr dom;
    int rc;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, name)))
        return LIFECYCLE_NO_DOMAIN;
    rc = action(dom) < 0 ? LIFECYCLE_FAILED : 0;
    virDomainFree(dom);
    return rc;
}

static bool
cmdStart(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    const char *name;
    bool ok = false;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_NAME | XVSH_BY_UUID, &name)))
        return false;
    if (virDomainGetID(dom) != (unsigned int)-1) {
        xvshError("Domain is already active");
    } else if (virDomainCreate(dom) == 0) {
        xvshPrintExtra("Domain '%s' started\n", name);
        ok = true;
    } else {
        xvshError("Failed to start domain '%s'", name);
    }
    virDomainFree(dom);
    return ok;
}

const xvshCmdDef xvshCmdStart = {
    .name = "start",
    .usage = "<domain>",
    .help = "start a defined, inactive domain",
    .desc = "Boots a domain that is defined but not running.",
    .opts = startOpts,
    .run = cmdStart,
};

static bool
cmdSuspend(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *name;
    int rc = lifecycleCall(ctl, cmd, virDomainSuspend, &name);

    if (rc == 0)
        xvshPrintExtra("Domain '%s' suspended\n", name);
    else if (rc == LIFECYCLE_FAILED)
        xvshError("Failed to suspend domain '%s'", name);
    return rc == 0;
}

const xvshCmdDef xvshCmdSuspend = {
    .name = "suspend",
    .usage = "<domain>",
    .help = "pause a domain",
    .desc = "Pauses a running domain; its memory stays allocated.",
    .opts = suspendOpts,
    .run = cmdSuspend,
};

static bool
cmdResume(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *name;
    int rc = lifecycleCall(ctl, cmd, virDomainResume, &name);

    if (rc == 0)
        xvshPrintExtra("Domain '%s' resumed\n", name);
    else if (rc == LIFECYCLE_FAILED)
        xvshError("Failed to resume domain '%s'", name);
    return rc == 0;
}

const xvshCmdDef xvshCmdResume = {
    .name = "resume",
    .usage = "<domain>",
    .help = "resume a paused domain",
    .desc = "Lets a domain paused by suspend run again.",
    .opts = resumeOpts,
    .run = cmdResume,
};

static bool
cmdShutdown(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *name;
    int rc = lifecycleCall(ctl, cmd, virDomainShutdown, &name);

    if (rc == 0)
        xvshPrintExtra("Domain '%s' is being shutdown\n", name);
    else if (rc == LIFECYCLE_FAILED)
        xvshError("Failed to shutdown domain '%s'", name);
    return rc == 0;
}

const xvshCmdDef xvshCmdShutdown = {
    .name = "shutdown",
    .usage = "<domain>",
    .help = "ask a domain to shut down",
    .desc = "Asks the guest to shut down; the guest may take time, or ignore it.",
    .opts = activeOpts,
    .run = cmdShutdown,
};

static int
lifecycleReboot(virDomainPtr dom)
{
    return virDomainReboot(dom, 0);
}

static bool
cmdReboot(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *name;
    int rc = lifecycleCall(ctl, cmd, lifecycleReboot, &name);

    if (rc == 0)
        xvshPrintExtra("Domain '%s' is being rebooted\n", name);
    else if (rc == LIFECYCLE_FAILED)
        xvshError("Failed to reboot domain '%s'", name);
    return rc == 0;
}

const xvshCmdDef xvshCmdReboot = {
    .name = "reboot",
    .usage = "<domain>",
    .help = "ask a domain to reboot",
    .desc = "Asks the guest to reboot; the guest may take time, or ignore it.",
    .opts = activeOpts,
    .run = cmdReboot,
};

/* Not lifecycleCall(): a successful destroy may release the object itself. */
static bool
cmdDestroy(xvshControl *ctl, const xvshCmd *cmd)
{
    virDomainPtr dom;
    const char *name;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, &name)))
        return false;
    if (virDomainDestroy(dom) < 0) {
        xvshError("Failed to destroy domain '%s'", name);
        virDomainFree(dom);
        return false;
    }
    if (!XVSH_DESTROY_RELEASES_DOMAIN)
        virDomainFree(dom);
    xvshPrintExtra("Domain '%s' destroyed\n", name);
    return true;
}

const xvshCmdDef xvshCmdDestroy = {
    .name = "destroy",
    .usage = "<domain>",
    .help = "stop a domain at once",
    .desc = "Stops a domain immediately, like pulling the power cord.",
    .opts = activeOpts,
    .run = cmdDestroy,
};

static bool
cmdUndefine(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *name;
    int rc = lifecycleCall(ctl, cmd, virDomainUndefine, &name);

    if (rc == 0)
        xvshPrintExtra("Domain '%s' has been undefined\n", name);
    else if (rc == LIFECYCLE_FAILED)
        xvshError("Failed to undefine domain '%s'", name);
    return rc == 0;
}

const xvshCmdDef xvshCmdUndefine = {
    .name = "undefine",
    .usage = "<domain>",
    .help = "remove the definition of a domain",
    .desc = "Removes a domain's persistent definition; a running domain keeps running "
            "until it stops.",
    .opts = lifecycleOpts,
    .run = cmdUndefine,
};
