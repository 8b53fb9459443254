/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands.c: the table of xvirsh commands, grouped as virsh groups them. */
#include "config.h"

#include "xvirsh.h"

#include <string.h>

/* Each command lives in its own cmd-*.c file. */
extern const xvshCmdDef xvshCmdComplete;
extern const xvshCmdDef xvshCmdCreate;
extern const xvshCmdDef xvshCmdDefine;
extern const xvshCmdDef xvshCmdDomblklist;
extern const xvshCmdDef xvshCmdDomblkstat;
extern const xvshCmdDef xvshCmdDomiflist;
extern const xvshCmdDef xvshCmdDomifstat;
extern const xvshCmdDef xvshCmdDestroy;
extern const xvshCmdDef xvshCmdDomid;
extern const xvshCmdDef xvshCmdDominfo;
extern const xvshCmdDef xvshCmdDommemstat;
extern const xvshCmdDef xvshCmdDomname;
extern const xvshCmdDef xvshCmdDomstate;
extern const xvshCmdDef xvshCmdDomuuid;
extern const xvshCmdDef xvshCmdDumpxml;
extern const xvshCmdDef xvshCmdEvent;
extern const xvshCmdDef xvshCmdExit;
extern const xvshCmdDef xvshCmdFreecell;
extern const xvshCmdDef xvshCmdHelp;
extern const xvshCmdDef xvshCmdList;
extern const xvshCmdDef xvshCmdNodecpustats;
extern const xvshCmdDef xvshCmdNodedump;
extern const xvshCmdDef xvshCmdNodeinfo;
extern const xvshCmdDef xvshCmdQuit;
extern const xvshCmdDef xvshCmdReboot;
extern const xvshCmdDef xvshCmdRestore;
extern const xvshCmdDef xvshCmdResume;
extern const xvshCmdDef xvshCmdSave;
extern const xvshCmdDef xvshCmdSetmaxmem;
extern const xvshCmdDef xvshCmdSetmem;
extern const xvshCmdDef xvshCmdSetvcpus;
extern const xvshCmdDef xvshCmdShutdown;
extern const xvshCmdDef xvshCmdStart;
extern const xvshCmdDef xvshCmdSuspend;
extern const xvshCmdDef xvshCmdUndefine;
extern const xvshCmdDef xvshCmdVcpuinfo;
extern const xvshCmdDef xvshCmdVcpupin;
extern const xvshCmdDef xvshCmdVersion;

static const xvshCmdDef *const commandsDomain[] = {
    &xvshCmdCreate,
    &xvshCmdDefine,
    &xvshCmdDestroy,
    &xvshCmdDomid,
    &xvshCmdDomname,
    &xvshCmdDomuuid,
    &xvshCmdDumpxml,
    &xvshCmdEvent,
    &xvshCmdReboot,
    &xvshCmdRestore,
    &xvshCmdResume,
    &xvshCmdSave,
    &xvshCmdSetmaxmem,
    &xvshCmdSetmem,
    &xvshCmdSetvcpus,
    &xvshCmdShutdown,
    &xvshCmdStart,
    &xvshCmdSuspend,
    &xvshCmdUndefine,
    &xvshCmdVcpuinfo,
    &xvshCmdVcpupin,
    NULL
};

static const xvshCmdDef *const commandsMonitor[] = {
    &xvshCmdDomblklist,
    &xvshCmdDomblkstat,
    &xvshCmdDomiflist,
    &xvshCmdDomifstat,
    &xvshCmdDominfo,
    &xvshCmdDommemstat,
    &xvshCmdDomstate,
    &xvshCmdList,
    NULL
};

static const xvshCmdDef *const commandsHost[] = {
    &xvshCmdFreecell,
    &xvshCmdNodecpustats,
    &xvshCmdNodedump,
    &xvshCmdNodeinfo,
    &xvshCmdVersion,
    NULL
};

static const xvshCmdDef *const commandsShell[] = {
    &xvshCmdComplete,
    &xvshCmdExit,
    &xvshCmdHelp,
    &xvshCmdQuit,
    NULL
};

const xvshCmdGroup xvshCmdGroups[] = {
    { .name = "Domain Management", .keyword = "domain", .cmds = commandsDomain },
    { .name = "Domain Monitoring", .keyword = "monitor", .cmds = commandsMonitor },
    { .name = "Host and Hypervisor", .keyword = "host", .cmds = commandsHost },
    { .name = "Xvirsh itself", .keyword = "xvirsh", .cmds = commandsShell },
    { .name = NULL }
};

const xvshCmdDef *
xvshCmdDefLookup(const char *name)
{
    const xvshCmdGroup *grp;
    size_t i;

    for (grp = xvshCmdGroups; grp->name; grp++) {
        for (i = 0; grp->cmds[i]; i++) {
            if (XV_STREQ(grp->cmds[i]->name, name))
                return grp->cmds[i];
        }
    }
    return NULL;
}

const xvshCmdGroup *
xvshCmdGroupLookup(const char *keyword)
{
    const xvshCmdGroup *grp;

    for (grp = xvshCmdGroups; grp->name; grp++) {
        if (XV_STREQ(grp->keyword, keyword))
            return grp;
    }
    return NULL;
}
