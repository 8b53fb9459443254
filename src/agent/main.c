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
#include "collectors/collector.h"
#include "exporters/web.h"
#include "src/agent/version.h"
#include "src/policy/engine.h"
#include "src/conf/conf_value.h"
#include "whatif.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvlog.h"
#include "util/xvmacros.h"

/* The collector flags' lines of the help, from the registry. */
static void
mainUsageCollectors(FILE *out)
{
    size_t i;

    for (i = 0; xvCollectors[i]; i++) {
        char flag[64];

        snprintf(flag, sizeof(flag), "--[no-]collector.%s", xvCollectors[i]->name);
        fprintf(out, "      %-29s the %s collector (default: %s)\n", flag,
                xvCollectors[i]->name, xvCollectors[i]->defaultEnabled ? "enabled" : "disabled");
    }
}

static void
mainUsage(FILE *out)
{
    fprintf(out,
            "Usage: xvirt-agent [OPTION]...\n"
            "Samples the hypervisor's domains, vcpus and node and serves them as\n"
            "Prometheus metrics. A flag overrides the configuration file's key named\n"
            "beside it, at the start and on every reload. Both --flag=VALUE and\n"
            "--flag VALUE work.\n"
            "\n"
            "Configuration:\n"
            "  -c, --config=FILE                configuration file (YAML)\n"
            "                                   (default: built-in defaults)\n"
            "      --check-config=FILE          validate FILE, print the verdict, exit 0 if valid\n"
            "      --connect=URI                hypervisor URI (connection.uri; xen:///,\n"
            "                                   test:///default, test:///ABS/node.xml)\n"
            "\n"
            "Web:\n"
            "      --web.listen-address=ADDR:PORT  address to serve on, repeatable: one\n"
            "                                   listener each (listen.address/port; default\n"
            "                                   \":%u\"; also \"127.0.0.1:%u\", \"[::1]:%u\")\n"
            "      --listen=ADDR:PORT           the same as --web.listen-address\n"
            "      --web.telemetry-path=PATH    path of the metrics (listen.telemetry_path;\n"
            "                                   default \"%s\")\n"
            "      --web.config.file=FILE       exporter-toolkit web configuration file (TLS,\n"
            "                                   basic auth) (listen.web_config_file;\n"
            "                                   default: none, plain HTTP)\n"
            "\n"
            "Collectors (sampling.collectors.NAME):\n",
            XV_AGENT_DEFAULT_PORT, XV_AGENT_DEFAULT_PORT, XV_AGENT_DEFAULT_PORT,
            XV_AGENT_DEFAULT_TELEMETRY_PATH);
    mainUsageCollectors(out);
    fprintf(out,
            "\n"
            "Logging:\n"
            "      --log.level=LEVEL            debug, info, notice, warn or error\n"
            "                                   (logging.level; default: info)\n"
            "      --log.format=FORMAT          syslog (\"<6>message\", for journald), logfmt\n"
            "                                   or json (logging.format; default: syslog)\n"
            "\n"
            "What-if (no HTTP; prints a timeline of what the policies do, then exits):\n"
            "      --what-if                    run the configuration's policies against the\n"
            "                                   simulated copy --connect names (test:///ABS/\n"
            "                                   host.xml, e.g. from `xvirsh nodedump`), time\n"
            "                                   fast-forwarded; dry-run policies act too\n"
            "      --for=DURATION               how much simulated time to run (6h, 90m...)\n"
            "      --events=FILE                scripted events (<xvirt:events>, at= counted\n"
            "                                   from the start: crash, host-free, vcpu-load...)\n"
            "      --output=FORMAT              text (default) or json\n"
            "                                   exit 0, 1 if a policy gave up or an action\n"
            "                                   failed, 2 on wrong input, 3 if it cannot run\n"
            "\n"
            "Other:\n"
            "  -V, --version                    print the version and build details, and exit\n"
            "  -h, --help                       print this help and exit\n"
            "\n"
            "Signals: SIGHUP reloads the configuration (a bad file is rejected and the\n"
            "running configuration stays) and clears the restart policy's give-ups and\n"
            "back-offs; SIGTERM/SIGINT finish replies in progress and exit 0. Logs go\n"
            "to stderr.\n"
            "\n"
            "For end-to-end tests only: XVIRT_TEST_CONTROL=/ABS/PATH.sock runs the\n"
            "agent on a stepped clock, moved through a control socket at that path;\n"
            "XVIRT_TEST_CLOCK_START=MS starts its real time at MS ms since the epoch\n"
            "(see xvirt-agent(8)).\n");
}

/* --version: the version, then how this binary was built, as Prometheus'
 * exporters print it. */
static void
mainVersion(void)
{
    printf("xvirt-agent, version %s (branch: %s, revision: %s)\n", PACKAGE_VERSION,
           xvBuildBranch, xvBuildRevision);
    printf("  build date:       %s\n", xvBuildDate);
    printf("  compiler:         %s\n", xvBuildCompiler);
    printf("  hypervisor API:   %s\n", XV_API_NAME);
    printf("  features:         %cxen-driver %csd-notify %ctls %czlib\n",
           xvBuildXen ? '+' : '-', xvBuildSystemd ? '+' : '-',
           xvBuildTLS ? '+' : '-', xvBuildZlib ? '+' : '-');
}

/* "name1, name2, ...": the registry's collector names, to free(). */
static char *
mainCollectorNames(void)
{
    xvBuf buf = XV_BUF_INIT;
    size_t i;

    for (i = 0; xvCollectors[i]; i++)
        xvBufAsprintf(&buf, "%s%s", i ? ", " : "", xvCollectors[i]->name);
    return xvBufSteal(&buf, NULL);
}

/*
 * Checks every --collector.NAME and --no-collector.NAME before getopt_long
 * sees them, so an unknown NAME is told as such, with the valid ones
 * (getopt would only say "unrecognized option"). Returns 0 or -1 (said).
 */
static int
mainCheckCollectorFlags(int argc, char **argv)
{
    static const char *const prefixes[] = { "--collector.", "--no-collector.", NULL };
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        for (size_t k = 0; prefixes[k]; k++) {
            const char *name = argv[i] + strlen(prefixes[k]);
            char *names;

            if (strncmp(argv[i], prefixes[k], strlen(prefixes[k])) != 0 ||
                xvCollectorIndex(name) >= 0)
                continue;
            names = mainCollectorNames();
            if (strchr(name, '='))
                fprintf(stderr, "xvirt-agent: %s takes no value: use --collector.NAME to "
                        "enable a collector, --no-collector.NAME to disable it\n", argv[i]);
            else
                fprintf(stderr, "xvirt-agent: unknown collector '%s' in %s (collectors: %s)\n",
                        name, argv[i], names);
            free(names);
            return -1;
        }
    }
    return 0;
}

/* The web configuration @conf names, read as the agent would: certificates,
 * keys and hashes included. Returns 0, or -1 after saying what is wrong. */
static int
mainCheckWebConfig(const xvAgentConf *conf)
{
    xvWebConfig *web;
    char *msg = NULL;

    if (!conf->webConfigFile)
        return 0;
    if (!(web = xvWebOpen(conf->webConfigFile, &msg))) {
        fprintf(stderr, "%s\n", msg);
        free(msg);
        return -1;
    }
    xvWebFree(web);
    return 0;
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
    if (mainCheckWebConfig(conf) < 0) {
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

/* getopt_long's values of the long options without a short one. */
enum {
    OPT_CONNECT = 256,
    OPT_LISTEN,
    OPT_CHECK,
    OPT_WEB_CONFIG,
    OPT_TELEMETRY_PATH,
    OPT_LOG_LEVEL,
    OPT_LOG_FORMAT,
    OPT_WHAT_IF,
    OPT_WHAT_IF_FOR,
    OPT_WHAT_IF_EVENTS,
    OPT_WHAT_IF_OUTPUT,
    OPT_COLLECTOR,           /* OPT_COLLECTOR + 2 * index (+ 1: --no-) */
};

/* The fixed options; the collectors' are added by mainLongOptions(). */
static const struct option mainFixedOptions[] = {
    { "config", required_argument, NULL, 'c' },
    { "check-config", required_argument, NULL, OPT_CHECK },
    { "connect", required_argument, NULL, OPT_CONNECT },
    { "web.listen-address", required_argument, NULL, OPT_LISTEN },
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "web.telemetry-path", required_argument, NULL, OPT_TELEMETRY_PATH },
    { "web.config.file", required_argument, NULL, OPT_WEB_CONFIG },
    { "log.level", required_argument, NULL, OPT_LOG_LEVEL },
    { "log.format", required_argument, NULL, OPT_LOG_FORMAT },
    { "what-if", no_argument, NULL, OPT_WHAT_IF },
    { "for", required_argument, NULL, OPT_WHAT_IF_FOR },
    { "events", required_argument, NULL, OPT_WHAT_IF_EVENTS },
    { "output", required_argument, NULL, OPT_WHAT_IF_OUTPUT },
    { "version", no_argument, NULL, 'V' },
    { "help", no_argument, NULL, 'h' },
};

/* The option table: the fixed options, then --collector.NAME and
 * --no-collector.NAME of each collector of the registry. To free(), with
 * the names (from index XV_N_ELEMENTS(mainFixedOptions), *names). */
static struct option *
mainLongOptions(char ***names)
{
    size_t nfixed = XV_N_ELEMENTS(mainFixedOptions);
    size_t ncoll = xvCollectorCount();
    struct option *opts = xvAllocN(nfixed + 2 * ncoll + 1, sizeof(*opts));
    size_t i;

    memcpy(opts, mainFixedOptions, sizeof(mainFixedOptions));
    *names = xvAllocN(2 * ncoll + 1, sizeof(**names));
    for (i = 0; i < 2 * ncoll; i++) {
        (*names)[i] = xvAsprintf("%scollector.%s", i % 2 ? "no-" : "",
                                 xvCollectors[i / 2]->name);
        opts[nfixed + i].name = (*names)[i];
        opts[nfixed + i].has_arg = no_argument;
        opts[nfixed + i].val = OPT_COLLECTOR + (int)i;
    }
    return opts;
}

/* A flag's value that is wrong: says so; the exit status 2. */
static int
mainBadValue(const char *flag, const char *msg)
{
    fprintf(stderr, "xvirt-agent: %s: %s\n", flag, msg);
    fprintf(stderr, "Try 'xvirt-agent --help' for more information.\n");
    return 2;
}

/*
 * Checks and stores the value of option @opt. Returns 0, or the exit
 * status 2 after saying what is wrong.
 */
static int
mainSetOption(xvAgentOptions *opts, int opt, const char *arg)
{
    char *msg = NULL;
    char *addr = NULL;
    unsigned int port;
    int rc = 0;

    switch (opt) {
    case 'c': opts->configPath = arg; break;
    case OPT_CONNECT: opts->connectURI = arg; break;
    case OPT_LISTEN:
        if (xvAgentConfParseListen(arg, &addr, &port, &msg) < 0)
            rc = mainBadValue("--web.listen-address", msg ? msg : "invalid address");
        free(addr);
        opts->listen = xvReallocN(opts->listen, opts->nlisten + 1, sizeof(*opts->listen));
        opts->listen[opts->nlisten++] = arg;
        break;
    case OPT_WEB_CONFIG:
        if (xvAgentConfCheckWebConfigFile(arg, &msg) < 0)
            rc = mainBadValue("--web.config.file", msg);
        opts->webConfigFile = arg;
        break;
    case OPT_TELEMETRY_PATH:
        if (xvAgentConfCheckTelemetryPath(arg, &msg) < 0)
            rc = mainBadValue("--web.telemetry-path", msg);
        opts->telemetryPath = arg;
        break;
    case OPT_LOG_LEVEL:
        if ((opts->logLevel = xvAgentConfLogLevelFromName(arg)) < 0)
            rc = mainBadValue("--log.level", "expected debug, info, notice, warn or error");
        break;
    case OPT_LOG_FORMAT:
        if ((opts->logFormat = xvLogFormatFromName(arg)) < 0)
            rc = mainBadValue("--log.format", "expected logfmt, json or syslog");
        break;
    case OPT_WHAT_IF: opts->whatIf = true; break;
    case OPT_WHAT_IF_FOR:
        if (xvConfParseDuration(arg, &opts->whatIfForMs) < 0 || opts->whatIfForMs == 0)
            rc = mainBadValue("--for", "expected a duration such as 90m or 6h");
        break;
    case OPT_WHAT_IF_EVENTS: opts->whatIfEvents = arg; break;
    case OPT_WHAT_IF_OUTPUT:
        if (strcmp(arg, "json") == 0 || strcmp(arg, "text") == 0)
            opts->whatIfJSON = strcmp(arg, "json") == 0;
        else
            rc = mainBadValue("--output", "expected text or json");
        break;
    default:
        /* --collector.NAME / --no-collector.NAME, the last one wins */
        opts->collector[(opt - OPT_COLLECTOR) / 2] = (opt - OPT_COLLECTOR) % 2 ? 0 : 1;
        break;
    }
    free(msg);
    return rc;
}

/* --for, --events and --output go with --what-if, which needs --for.
 * Returns -1 to go on, or the exit status 2 after saying what is wrong. */
static int
mainCheckWhatIf(const xvAgentOptions *opts)
{
    if (opts->whatIf && opts->whatIfForMs == 0)
        return mainBadValue("--what-if", "needs --for=DURATION (how much simulated time)");
    if (!opts->whatIf && (opts->whatIfForMs || opts->whatIfEvents || opts->whatIfJSON >= 0))
        return mainBadValue(opts->whatIfForMs ? "--for" : opts->whatIfEvents ? "--events"
                                                                            : "--output",
                            "only goes with --what-if");
    if (opts->whatIf && (opts->nlisten || opts->webConfigFile || opts->telemetryPath))
        return mainBadValue("--what-if", "serves nothing: it takes no --web.* flag");
    return -1;
}

/* xvirt-agent --what-if: the policies on a copy, then the exit status. */
static int
mainWhatIf(const xvAgentOptions *opts)
{
    xvWhatIfOptions w = {
        .forMs = opts->whatIfForMs,
        .eventsPath = opts->whatIfEvents,
        .json = opts->whatIfJSON == 1,
    };
    xvAgentConf *conf = NULL;
    int status;

    if (opts->testControl) {
        fprintf(stderr, "xvirt-agent: --what-if steps its own clock: unset XVIRT_TEST_CONTROL\n");
        return XV_WHATIF_EXIT_USAGE;
    }
    /* the configuration's warnings and errors; the run itself is quiet
     * unless --log.level says otherwise (whatif.h) */
    w.quiet = opts->logLevel == 0;
    if (opts->logLevel == 0)
        xvLogSetLevel(XV_LOG_WARNING);
    if (xvAgentLoadConf(opts, &conf) < 0)
        return XV_WHATIF_EXIT_USAGE;
    w.conf = conf;
    status = xvWhatIfRun(&w, stdout);
    xvAgentConfFree(conf);
    return status;
}

/*
 * Parses the command line into @opts. Returns -1 to go on, else the exit
 * status (--help, --version, --check-config, or 2 for a wrong flag).
 */
static int
mainParseArgs(int argc, char **argv, xvAgentOptions *opts)
{
    char **names = NULL;
    struct option *longopts = mainLongOptions(&names);
    int status = -1;
    int opt, rc;

    if (mainCheckCollectorFlags(argc, argv) < 0) {
        status = 2;
        goto cleanup;
    }
    while (status < 0 && (opt = getopt_long(argc, argv, "c:Vh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_CHECK: status = mainCheckConfig(optarg); break;
        case 'V': mainVersion(); status = 0; break;
        case 'h': mainUsage(stdout); status = 0; break;
        case '?':
        case ':':
            fprintf(stderr, "Try 'xvirt-agent --help' for more information.\n");
            status = 2;
            break;
        default:
            if ((rc = mainSetOption(opts, opt, optarg)) != 0)
                status = rc;
            break;
        }
    }
    if (status < 0 && optind < argc) {
        fprintf(stderr, "xvirt-agent: unexpected argument '%s'\n", argv[optind]);
        fprintf(stderr, "Try 'xvirt-agent --help' for more information.\n");
        status = 2;
    }
    if (status < 0)
        status = mainCheckWhatIf(opts);

 cleanup:
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
    free(longopts);
    return status;
}

int
main(int argc, char **argv)
{
    xvAgentOptions opts;
    xvAgent *agent;
    int status;

    xvAgentOptionsInit(&opts);
    if ((status = mainParseArgs(argc, argv, &opts)) >= 0)
        goto out;
    status = 2;
    if (mainTestEnv(&opts) < 0)
        goto out;
    xvLogSetPlain(isatty(STDERR_FILENO));
    /* the flag's format from the first line on (the file's once loaded) */
    if (opts.logFormat >= 0)
        xvLogSetFormat(opts.logFormat);
    /* Each snapshot's rendered body is megabytes at a thousand domains and
     * lives for one interval: give such blocks their own mappings, so a
     * freed body goes back to the system at once instead of staying in a
     * heap arena (RSS 19 -> 14 MiB at 1000 domains x 4 vcpus). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    signal(SIGPIPE, SIG_IGN);
    status = 1;
    if (virInitialize() < 0) {
        xvLogError("cannot initialize the hypervisor library");
        goto out;
    }
    virSetErrorFunc(NULL, mainQuietErrors);
    if (opts.whatIf) {
        status = mainWhatIf(&opts);
        goto out;
    }
    if (!(agent = xvAgentNew(&opts)))
        goto out;
    xvLogNotice("xvirt-agent %s started", PACKAGE_VERSION);
    status = xvAgentRun(agent);
    xvAgentFree(agent);
    xvLogNotice("xvirt-agent stopped");

 out:
    free(opts.listen);
    return status;
}
