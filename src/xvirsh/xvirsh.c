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

/* getopt_long's value for --version[=TYPE], past every short option. */
#define XVIRSH_OPT_VERSION 256

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
              "    -q | --quiet            no informational messages\n"
              "    -r | --readonly         connect readonly\n"
              "    -v                      the version number\n"
              "    -V                      the version and the features built in\n"
              "         --version[=TYPE]   TYPE short (as -v, the default) or long (as -V)\n"
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
        xvshPrintExtra("\n");
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

/*
 * No command on the command line: read command lines from stdin, with the
 * line editor on a terminal (interactive.c).
 */
static bool
xvirshInteractive(xvshControl *ctl)
{
    bool tty = isatty(STDIN_FILENO);
    const char *prompt = ctl->readonly ? "xvirsh > " : "xvirsh # ";
    char *line;
    bool ok = true;

    if (tty && !ctl->quiet) {
        xvshPrint("Welcome to xvirsh, the xvirt interactive terminal.\n\n"
                  "Type:  'help' for help with commands\n"
                  "       'quit' to quit\n\n");
    }
    xvshLineInit(ctl, tty);
    while (!ctl->quit && (line = xvshLineRead(ctl, tty ? prompt : NULL))) {
        xvshCmd *cmds = NULL;

        if (xvshParseString(line, &cmds) < 0)
            ok = false;
        else if (cmds)
            ok = xvirshRunList(ctl, cmds);
        xvshCmdFree(cmds);
        free(line);
    }
    if (tty && !ctl->quit)
        xvshPrint("\n");
    xvshLineEnd(ctl);
    return ok;
}

/* config.h defines WITH_XEN only when the Xen driver is built */
#ifdef WITH_XEN
# define XVSH_WITH_XEN 1
#else
# define XVSH_WITH_XEN 0
#endif

/* -V: the version and what this xvirsh was built with, as virsh -V. */
static void
xvirshPrintLongVersion(void)
{
    xvshPrint("Xvirsh command line tool of xvirt %s\n\n", PACKAGE_VERSION);
    xvshPrint("Compiled against library: %s %d.%d.%d\n",
              XVSH_WITH_LIBXVIRT ? "libxvirt" : "libvirt",
              LIBVIR_VERSION_NUMBER / 1000000, LIBVIR_VERSION_NUMBER / 1000 % 1000,
              LIBVIR_VERSION_NUMBER % 1000);
    xvshPrint("Compiled with support for:\n");
    if (XVSH_WITH_LIBXVIRT)
        xvshPrint(" Hypervisors: Test%s\n", XVSH_WITH_XEN ? " Xen" : "");
    else
        xvshPrint(" Hypervisors: those of the system libvirt\n");
    xvshPrint(" Miscellaneous: Completion%s\n", WITH_LIBEDIT ? " Editline" : "");
}

int
main(int argc, char **argv)
{
    static const struct option longOpts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "quiet", no_argument, NULL, 'q' },
        { "readonly", no_argument, NULL, 'r' },
        { "version", optional_argument, NULL, XVIRSH_OPT_VERSION },
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
    while ((c = getopt_long(argc, argv, "+:c:hqrvV", longOpts, NULL)) != -1) {
        switch (c) {
        case 'c':
            ctl.uri = optarg;
            break;
        case 'h':
            xvirshUsage();
            return EXIT_SUCCESS;
        case 'q':
            ctl.quiet = true;
            xvshSetQuiet(true);
            break;
        case 'r':
            ctl.readonly = true;
            break;
        case 'v':
            xvshPrint("%s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        case 'V':
            xvirshPrintLongVersion();
            return EXIT_SUCCESS;
        case XVIRSH_OPT_VERSION:
            /* --version[=TYPE]: as virsh, any TYPE but "long" is short */
            if (optarg && XV_STREQ(optarg, "long"))
                xvirshPrintLongVersion();
            else
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
    /* the loop of "event", before any connection opens (virsh's order) */
    if (!xvshEventLoopInit()) {
        xvshError("failed to initialize the event loop");
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
