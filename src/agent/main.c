/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c: xvirt-agent's command line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "agent.h"
#include "agent_conf.h"
#include "src/policy/engine.h"
#include "util/xvlog.h"

static void
mainUsage(FILE *out)
{
    fprintf(out,
            "Usage: xvirt-agent [OPTION]...\n"
            "Samples the hypervisor's domains, vcpus and node and serves them as\n"
            "Prometheus metrics.\n"
            "\n"
            "  -c, --config FILE        configuration file (YAML); default: built-in defaults\n"
            "      --connect URI        hypervisor URI, overrides connection.uri\n"
            "                           (xen:///, test:///default, test:///ABS/node.xml)\n"
            "      --listen ADDR:PORT   HTTP listen address, overrides listen.address/port\n"
            "                           (\":%u\", \"127.0.0.1:%u\", \"[::1]:%u\")\n"
            "      --check-config FILE  validate FILE, print the verdict, exit 0 if valid\n"
            "  -V, --version            print the version and exit\n"
            "  -h, --help               print this help and exit\n"
            "\n"
            "Signals: SIGHUP reloads the configuration (a bad file is rejected and the\n"
            "running configuration stays) and clears the restart policy's give-ups and\n"
            "back-offs; SIGTERM/SIGINT finish replies in progress and exit 0. Logs go\n"
            "to stderr with syslog priority prefixes.\n"
            "\n"
            "For end-to-end tests only: XVIRT_TEST_CONTROL=/ABS/PATH.sock runs the\n"
            "agent on a stepped clock, moved through a control socket at that path;\n"
            "XVIRT_TEST_CLOCK_START=MS starts its real time at MS ms since the epoch\n"
            "(see xvirt-agent(8)).\n",
            XV_AGENT_DEFAULT_PORT, XV_AGENT_DEFAULT_PORT, XV_AGENT_DEFAULT_PORT);
}

static int
mainCheckConfig(const char *path)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    size_t i;

    if (xvAgentConfLoadFile(path, &conf, &err) == 0) {
        for (i = 0; i < conf->nwarnings; i++)
            fprintf(stderr, "warning: %s\n", conf->warnings[i]);
    }
    if (!conf ||
        xvPolicyEngineValidate(conf->policies, conf->npolicies, &err) < 0) {
        char *msg = xvConfErrorFormat(&err);

        fprintf(stderr, "%s\n", msg);
        free(msg);
        xvConfErrorClear(&err);
        xvAgentConfFree(conf);
        return 1;
    }
    printf("%s: configuration is valid (%zu %s)\n", path, conf->npolicies,
           conf->npolicies == 1 ? "policy" : "policies");
    xvAgentConfFree(conf);
    return 0;
}

/* The test control's environment (xvirt-agent(8), ENVIRONMENT). Returns 0,
 * or -1 after saying what is wrong. */
static int
mainTestEnv(xvAgentOptions *opts)
{
    const char *start = getenv("XVIRT_TEST_CLOCK_START");
    char *end = NULL;

    opts->testControl = getenv("XVIRT_TEST_CONTROL");
    if (opts->testControl && !*opts->testControl)
        opts->testControl = NULL;
    if (!start || !*start)
        return 0;
    if (!opts->testControl) {
        fprintf(stderr, "xvirt-agent: XVIRT_TEST_CLOCK_START needs XVIRT_TEST_CONTROL\n");
        return -1;
    }
    errno = 0;
    opts->testClockStartMs = strtoull(start, &end, 10);
    if (*start < '1' || *start > '9' || *end || errno ||
        opts->testClockStartMs > UINT64_MAX / 1000000u) {
        fprintf(stderr, "xvirt-agent: XVIRT_TEST_CLOCK_START '%s' is not a time in ms "
                "since the epoch\n", start);
        return -1;
    }
    return 0;
}

/* libxvirt (and libvirt) print errors unless told otherwise; the agent
 * reads them where they happen and logs what matters. */
static void
mainQuietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

int
main(int argc, char **argv)
{
    enum { OPT_CONNECT = 256, OPT_LISTEN, OPT_CHECK };
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "connect", required_argument, NULL, OPT_CONNECT },
        { "listen", required_argument, NULL, OPT_LISTEN },
        { "check-config", required_argument, NULL, OPT_CHECK },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    xvAgentOptions opts = { 0 };
    xvAgent *agent;
    int opt, status;

    while ((opt = getopt_long(argc, argv, "c:Vh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': opts.configPath = optarg; break;
        case OPT_CONNECT: opts.connectURI = optarg; break;
        case OPT_LISTEN: opts.listen = optarg; break;
        case OPT_CHECK: return mainCheckConfig(optarg);
        case 'V': printf("xvirt-agent %s\n", PACKAGE_VERSION); return 0;
        case 'h': mainUsage(stdout); return 0;
        default: mainUsage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xvirt-agent: unexpected argument '%s'\n", argv[optind]);
        mainUsage(stderr);
        return 2;
    }
    if (mainTestEnv(&opts) < 0)
        return 2;
    xvLogSetPlain(isatty(STDERR_FILENO));
    /* Each snapshot's rendered body is megabytes at a thousand domains and
     * lives for one interval: give such blocks their own mappings, so a
     * freed body goes back to the system at once instead of staying in a
     * heap arena (RSS 19 -> 14 MiB at 1000 domains x 4 vcpus). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    signal(SIGPIPE, SIG_IGN);
    if (virInitialize() < 0) {
        xvLogError("cannot initialize the hypervisor library");
        return 1;
    }
    virSetErrorFunc(NULL, mainQuietErrors);
    if (!(agent = xvAgentNew(&opts)))
        return 1;
    xvLogNotice("xvirt-agent %s started", PACKAGE_VERSION);
    status = xvAgentRun(agent);
    xvAgentFree(agent);
    xvLogNotice("xvirt-agent stopped");
    return status;
}
