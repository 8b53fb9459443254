/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvirsh.c: main of xvirsh: options, connection, error callback and command dispatch. */
#include "config.h"

#include "xvirsh.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
xvshErrorHandler(void *opaque, virErrorPtr err)
{
    xvshControl *ctl = opaque;

    (void)err;
    virFreeError(ctl->lastError);
    ctl->lastError = virSaveLastError();
}

void
xvshResetError(xvshControl *ctl)
{
    virFreeError(ctl->lastError);
    ctl->lastError = NULL;
    virResetLastError();
}

void
xvshReportLastError(xvshControl *ctl)
{
    virErrorPtr err = ctl->lastError;

    if (err && err->code != VIR_ERR_OK)
        xvshError("%s", err->message ? err->message : "unknown error");
    xvshResetError(ctl);
}

virConnectPtr
xvshConnection(xvshControl *ctl)
{
    if (ctl->conn)
        return ctl->conn;
    if (ctl->readonly)
        ctl->conn = virConnectOpenReadOnly(ctl->uri);
    else
        ctl->conn = virConnectOpen(ctl->uri);
    if (!ctl->conn)
        xvshError("failed to connect to the hypervisor");
    return ctl->conn;
}

static void
xvirshUsage(void)
{
    xvshPrint("\n"
              "xvirsh [options]... [<command_string>]\n"
              "xvirsh [options]... <command> [args...]\n"
              "\n"
              "  options:\n"
              "    -c | --connect=URI      hypervisor connection URI\n"
              "    -h | --help             this help\n"
              "    -r | --readonly         connect readonly\n"
              "    -v | --version          program version\n"
              "\n"
              "  commands (non interactive mode):\n"
              "\n");
    xvshPrintCommandList(NULL);
    xvshPrint("\n"
              "  (specify help <group> for details about the commands in the group)\n"
              "\n"
              "  (specify help <command> for details about the command)\n"
              "\n");
}

/*
 * Runs one command as virsh does: the library's reason for a failure is
 * printed after the command's own message, and an empty line follows the
 * output of every command but "quit". The connection is opened by the
 * first command that needs one.
 */
static bool
xvirshRunOne(xvshControl *ctl, const xvshCmd *cmd)
{
    bool ok;

    xvshResetError(ctl);
    if (!cmd->def->noConnect && !xvshConnection(ctl)) {
        /* As virsh: without a connection, stop here. */
        xvshReportLastError(ctl);
        ctl->quit = true;
        return false;
    }
    ok = cmd->def->run(ctl, cmd);
    if (!ok)
        xvshReportLastError(ctl);
    if (!ctl->quit)
        xvshPrint("\n");
    fflush(stdout);
    return ok;
}

/* Runs a list of commands; the status is that of the last one run. */
static bool
xvirshRunList(xvshControl *ctl, const xvshCmd *cmds)
{
    bool ok = true;

    for (; cmds && !ctl->quit; cmds = cmds->next)
        ok = xvirshRunOne(ctl, cmds);
    return ok;
}

/* No command on the command line: read command lines from stdin. */
static bool
xvirshInteractive(xvshControl *ctl)
{
    bool tty = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    bool ok = true;

    if (tty) {
        xvshPrint("Welcome to xvirsh, the xvirt interactive terminal.\n\n"
                  "Type:  'help' for help with commands\n"
                  "       'quit' to quit\n\n");
    }
    while (!ctl->quit) {
        xvshCmd *cmds = NULL;

        if (tty) {
            xvshPrint("xvirsh %c ", ctl->readonly ? '>' : '#');
            fflush(stdout);
        }
        if (getline(&line, &cap, stdin) < 0)
            break;
        if (xvshParseString(line, &cmds) < 0) {
            ok = false;
            continue;
        }
        if (cmds)
            ok = xvirshRunList(ctl, cmds);
        xvshCmdFree(cmds);
    }
    if (tty && !ctl->quit)
        xvshPrint("\n");
    free(line);
    return ok;
}

int
main(int argc, char **argv)
{
    static const struct option longOpts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "readonly", no_argument, NULL, 'r' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 },
    };
    xvshControl ctl = { 0 };
    xvshCmd *cmds = NULL;
    bool ok = false;
    int c;

    ctl.uri = getenv("XVIRSH_DEFAULT_CONNECT_URI");
    if (!ctl.uri || !*ctl.uri)
        ctl.uri = getenv("LIBVIRT_DEFAULT_URI");
    if (ctl.uri && !*ctl.uri)
        ctl.uri = NULL;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:hrv", longOpts, NULL)) != -1) {
        switch (c) {
        case 'c':
            ctl.uri = optarg;
            break;
        case 'h':
            xvirshUsage();
            return EXIT_SUCCESS;
        case 'r':
            ctl.readonly = true;
            break;
        case 'v':
            xvshPrint("%s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        case ':':
            xvshError("option '%s' requires an argument", argv[optind - 1]);
            return EXIT_FAILURE;
        default:
            if (optopt)
                xvshError("unsupported option '-%c'. See --help.", optopt);
            else
                xvshError("unsupported option '%s'. See --help.", argv[optind - 1]);
            return EXIT_FAILURE;
        }
    }

    /* The library's default handler prints every error to stderr; xvirsh
     * reports errors itself, once, in virsh's "error: ..." form. */
    virSetErrorFunc(&ctl, xvshErrorHandler);
    if (virInitialize() < 0) {
        xvshError("failed to initialize the library");
        return EXIT_FAILURE;
    }

    if (optind == argc) {
        ok = xvirshInteractive(&ctl);
    } else if (argc - optind == 1) {
        if (xvshParseString(argv[optind], &cmds) == 0)
            ok = xvirshRunList(&ctl, cmds);
    } else if (xvshParseArgv(argc - optind, argv + optind, &cmds) == 0) {
        ok = xvirshRunList(&ctl, cmds);
    }

    xvshCmdFree(cmds);
    if (ctl.conn && virConnectClose(ctl.conn) < 0) {
        xvshError("failed to disconnect from the hypervisor");
        ok = false;
    }
    xvshResetError(&ctl);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
