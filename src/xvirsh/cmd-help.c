/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-help.c: the "help", "quit" and "exit" commands of xvirsh. */
#include "config.h"

#include "xvirsh.h"

#include <stdlib.h>
#include <string.h>

void
xvshPrintCommandList(const xvshCmdGroup *only)
{
    const xvshCmdGroup *grp;
    size_t i;

    for (grp = xvshCmdGroups; grp->name; grp++) {
        if (only && only != grp)
            continue;
        xvshPrint(" %s (help keyword '%s'):\n", grp->name, grp->keyword);
        for (i = 0; grp->cmds[i]; i++) {
            if (!grp->cmds[i]->hidden)
                xvshPrint("    %-30s %s\n", grp->cmds[i]->name, grp->cmds[i]->help);
        }
        xvshPrint("\n");
    }
}

/* One line of the OPTIONS section: "[--domain] <string>", "--all"... */
static void
helpPrintOpt(const xvshOptDef *opt)
{
    char *left;

    switch (opt->type) {
    case XVSH_OT_BOOL:
        left = xvAsprintf("--%s", opt->name);
        break;
    case XVSH_OT_DATA:
        left = xvAsprintf("[--%s] <%s>", opt->name, opt->valueName);
        break;
    case XVSH_OT_ARGV:
        left = xvAsprintf("[--%s] <%s>...", opt->name, opt->valueName);
        break;
    case XVSH_OT_STRING:
    case XVSH_OT_LAST:
    default:
        left = xvAsprintf("--%s <%s>", opt->name, opt->valueName);
        break;
    }
    xvshPrint("    %-15s  %s\n", left, opt->help);
    free(left);
}

static void
helpPrintCommand(const xvshCmdDef *def)
{
    size_t i;

    xvshPrint("  NAME\n    %s - %s\n\n", def->name, def->help);
    xvshPrint("  SYNOPSIS\n    %s%s%s\n\n", def->name, *def->usage ? " " : "", def->usage);
    xvshPrint("  DESCRIPTION\n    %s\n\n", def->desc);
    if (def->opts && def->opts[0].name) {
        xvshPrint("  OPTIONS\n");
        for (i = 0; def->opts[i].name; i++)
            helpPrintOpt(&def->opts[i]);
        xvshPrint("\n");
    }
}

static bool
cmdHelp(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *name = xvshOptString(cmd, "command");
    const xvshCmdDef *def;
    const xvshCmdGroup *grp;

    (void)ctl;
    if (!name) {
        xvshPrint("Grouped commands:\n\n");
        xvshPrintCommandList(NULL);
        return true;
    }
    if ((def = xvshCmdDefLookup(name))) {
        helpPrintCommand(def);
        return true;
    }
    if ((grp = xvshCmdGroupLookup(name))) {
        xvshPrintCommandList(grp);
        return true;
    }
    xvshError("command or command group '%s' doesn't exist", name);
    return false;
}

static const xvshOptDef helpOpts[] = {
    { .name = "command", .type = XVSH_OT_DATA, .valueName = "string",
      .help = "a command or a command group keyword", .completer = XVSH_COMPLETE_COMMAND },
    { .name = NULL }
};

const xvshCmdDef xvshCmdHelp = {
    .name = "help",
    .usage = "[<command>]",
    .help = "print help",
    .desc = "Lists the commands, or describes one command or command group.",
    .opts = helpOpts,
    .noConnect = true,
    .run = cmdHelp,
};

static bool
cmdQuit(xvshControl *ctl, const xvshCmd *cmd)
{
    (void)cmd;
    ctl->quit = true;
    return true;
}

static const xvshOptDef quitOpts[] = {
    { .name = NULL }
};

const xvshCmdDef xvshCmdQuit = {
    .name = "quit",
    .usage = "",
    .help = "quit this interactive terminal",
    .desc = "Ends xvirsh; later commands are not run.",
    .opts = quitOpts,
    .noConnect = true,
    .run = cmdQuit,
};

const xvshCmdDef xvshCmdExit = {
    .name = "exit",
    .usage = "",
    .help = "quit this interactive terminal",
    .desc = "Ends xvirsh; later commands are not run.",
    .opts = quitOpts,
    .noConnect = true,
    .run = cmdQuit,
};
