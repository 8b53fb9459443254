/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_monitor_main.c: xvirt-xen-monitor, the program the Xen driver leaves
 * behind each domain it starts, to apply its on_poweroff, on_reboot and
 * on_crash (xen_monitor.h):
 *
 *   xvirt-xen-monitor --state-dir DIR --domid ID --uuid UUID  < domain.xml
 *
 * The first process reads and checks the domain's config from stdin, forks
 * the monitor proper and exits 0 (1 on bad usage or config): the driver
 * waits for that and so leaves no child behind, and the monitor is
 * reparented to init. The monitor takes the domain's lock (waiting for the
 * monitor of an earlier run of the domain to see it gone), then steps on
 * each xenstore event and every few seconds until the domain is gone for
 * good. It logs to DIR/monitor.log; SIGTERM stops it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "conf/domain_conf.h"
#include "internal.h"
#include "util/xvuuid.h"
#include "xen/xen_monitor.h"

/* How long a new monitor waits for the one of the domain's last run. */
#define XEN_MONITOR_LOCK_WAIT_MS 30000u
/* Steps without an event, in case one was missed. */
#define XEN_MONITOR_TICK_MS 5000
/* Consecutive failed steps (Xen not answering) before giving up. */
#define XEN_MONITOR_MAX_ERRORS 60
#define XEN_MONITOR_MAX_CONFIG (16u << 20)

typedef struct _xenMonitorArgs xenMonitorArgs;
struct _xenMonitorArgs {
    const char *stateDir;
    uint32_t domid;
    unsigned char uuid[XV_UUID_BUFLEN];
};

static volatile sig_atomic_t xenMonitorStop;

static void
xenMonitorOnSignal(int sig XV_UNUSED)
{
    xenMonitorStop = 1;
}

static int
xenMonitorParseArgs(int argc, char **argv, xenMonitorArgs *args)
{
    bool haveID = false, haveUUID = false;
    int i;

    memset(args, 0, sizeof(*args));
    for (i = 1; i + 1 < argc; i += 2) {
        const char *val = argv[i + 1];
        char *end;

        if (XV_STREQ(argv[i], "--state-dir") && *val == '/') {
            args->stateDir = val;
        } else if (XV_STREQ(argv[i], "--domid")) {
            unsigned long id;

            errno = 0;
            id = strtoul(val, &end, 10);
            if (errno != 0 || end == val || *end != '\0' || id > UINT32_MAX)
                return -1;
            args->domid = (uint32_t)id;
            haveID = true;
        } else if (XV_STREQ(argv[i], "--uuid") && xvUUIDParse(val, args->uuid) == 0) {
            haveUUID = true;
        } else {
            return -1;
        }
    }
    return i == argc && args->stateDir && haveID && haveUUID ? 0 : -1;
}

/* The domain config from stdin; NULL (logged) if bad. */
static xvDomainDef *
xenMonitorReadConfig(const xenMonitorArgs *args)
{
    static const char *const types[] = { "xen", NULL };
    XV_AUTOFREE(char *) xml = NULL;
    size_t len = 0, cap = 4096;
    xvDomainDef *def;
    ssize_t n;

    xml = xvAlloc(cap + 1);
    for (;;) {
        if (len == cap) {
            if (cap >= XEN_MONITOR_MAX_CONFIG) {
                xvXenMonitorLog(args->stateDir, "the domain config on stdin is too large");
                return NULL;
            }
            cap *= 2;
            xml = xvReallocN(xml, cap + 1, 1);
        }
        if ((n = read(STDIN_FILENO, xml + len, cap - len)) < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            xvXenMonitorLog(args->stateDir, "cannot read the domain config: %s",
                            strerror(errno));
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    xml[len] = '\0';
    if (!(def = xvDomainDefParseString(xml, types))) {
        xvXenMonitorLog(args->stateDir, "invalid domain config on stdin: %s",
                        virGetLastErrorMessage());
        return NULL;
    }
    if (memcmp(def->uuid, args->uuid, XV_UUID_BUFLEN) != 0) {
        xvXenMonitorLog(args->stateDir, "the config of domain '%s' on stdin is not the one "
                        "of --uuid", def->name);
        xvDomainDefFree(def);
        return NULL;
    }
    return def;
}

/* The monitor proper: stdio away from the caller, signals, its own
 * session (the driver started the first process as a session leader, so
 * this one can never get a terminal). */
static void
xenMonitorDetach(const xenMonitorArgs *args)
{
    XV_AUTOFREE(char *) logPath = xvAsprintf("%s/%s", args->stateDir, XV_XEN_MONITOR_LOG);
    struct sigaction sa;
    int fd;

    setsid();
    if (chdir("/") < 0) {
        /* "/" is always there */
    }
    umask(077);
    if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
        dup2(fd, STDIN_FILENO);
        close(fd);
    }
    /* Anything a library prints lands in the log, not on a terminal. */
    if ((fd = open(logPath, O_WRONLY | O_APPEND | O_CREAT, 0600)) >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = xenMonitorOnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
}

/* Steps until the domain is gone for good; returns the exit status. */
static int
xenMonitorLoop(xvXenMonitor *mon, const char *stateDir, const char *name)
{
    struct pollfd pfd;
    int errors = 0, r;

    pfd.fd = xvXenMonitorFd(mon);
    pfd.events = POLLIN;
    if (pfd.fd < 0)
        xvXenMonitorLog(stateDir, "domain '%s': no xenstore descriptor to poll (%s): "
                        "checking every %d ms", name, virGetLastErrorMessage(),
                        XEN_MONITOR_TICK_MS);
    while (!xenMonitorStop) {
        if ((r = xvXenMonitorStep(mon)) == 0)
            return EXIT_SUCCESS;
        if (r < 0) {
            xvXenMonitorLog(stateDir, "domain '%s' (id %" PRIu32 "): %s", name,
                            xvXenMonitorDomid(mon), virGetLastErrorMessage());
            if (++errors >= XEN_MONITOR_MAX_ERRORS) {
                xvXenMonitorLog(stateDir, "domain '%s': giving up after %d failures",
                                name, errors);
                return EXIT_FAILURE;
            }
            /* Xen or xenstored in trouble: no busy loop on a dead fd. */
            sleep(1);
        } else {
            errors = 0;
        }
        if (poll(&pfd, pfd.fd < 0 ? 0 : 1, XEN_MONITOR_TICK_MS) < 0 && errno != EINTR)
            sleep(1);
    }
    xvXenMonitorLog(stateDir, "domain '%s' (id %" PRIu32 "): stopped by a signal", name,
                    xvXenMonitorDomid(mon));
    return EXIT_SUCCESS;
}

static int
xenMonitorRun(const xenMonitorArgs *args, xvDomainDef *def)
{
    XV_AUTOFREE(char *) name = xvStrdup(def->name);
    xvXenMonitor *mon;
    int lockfd = -1, r, ret;

    r = xvXenMonitorLock(args->stateDir, args->uuid, XEN_MONITOR_LOCK_WAIT_MS, &lockfd);
    if (r <= 0) {
        if (r == 0)
            xvXenMonitorLog(args->stateDir, "domain '%s' (id %" PRIu32 ") has a monitor "
                            "already: this one exits", name, args->domid);
        else
            xvXenMonitorLog(args->stateDir, "domain '%s': %s", name, virGetLastErrorMessage());
        xvDomainDefFree(def);
        return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    if (!(mon = xvXenMonitorNew(&xvXenHypervisorReal, args->stateDir, def, args->domid))) {
        xvXenMonitorLog(args->stateDir, "domain '%s' (id %" PRIu32 ") cannot be monitored: %s",
                        name, args->domid, virGetLastErrorMessage());
        xvXenMonitorUnlock(args->stateDir, args->uuid, lockfd);
        return EXIT_FAILURE;
    }
    xvXenMonitorLog(args->stateDir, "domain '%s' (id %" PRIu32 "): monitoring", name,
                    args->domid);
    ret = xenMonitorLoop(mon, args->stateDir, name);
    xvXenMonitorFree(mon);
    xvXenMonitorUnlock(args->stateDir, args->uuid, lockfd);
    return ret;
}

int
main(int argc, char **argv)
{
    xenMonitorArgs args;
    xvDomainDef *def;
    pid_t pid;

    /* Nothing of the caller's (sockets, xenstore handles) stays open. */
    closefrom(STDERR_FILENO + 1);
    if (xenMonitorParseArgs(argc, argv, &args) < 0) {
        fprintf(stderr, "usage: %s --state-dir DIR --domid ID --uuid UUID < domain.xml\n",
                argv[0]);
        return 2;
    }
    if (!(def = xenMonitorReadConfig(&args)))
        return 1;
    if ((pid = fork()) < 0) {
        xvXenMonitorLog(args.stateDir, "domain '%s': cannot fork the monitor: %s", def->name,
                        strerror(errno));
        xvDomainDefFree(def);
        return 1;
    }
    if (pid > 0) {
        xvDomainDefFree(def);
        return EXIT_SUCCESS;
    }
    xenMonitorDetach(&args);
    return xenMonitorRun(&args, def);
}
