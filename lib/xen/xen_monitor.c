/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_monitor.c: the lifecycle monitor of the domains the Xen driver starts
 * (xen_monitor.h): the decision, the watch loop, the lock, the log, and the
 * driver's spawn of xvirt-xen-monitor.
 *
 * How the monitor learns that its domain shut down: a xenstore watch on
 * @releaseDomain, then one xc_domain_getinfolist of that domain. xenstored
 * fires @releaseDomain when a domain shuts down (Xen raises VIRQ_DOM_EXC)
 * and again when it dies, and libxl's own domain-death events are built on
 * exactly this watch and this call; libxl's event loop is not used because
 * going through the driver's seam (xen_hv.h) lets the unit tests run this
 * loop on the simulated Xen, and the monitor holds no libxl context until
 * it has to destroy or create a domain. The state Xen reports is the one
 * source of truth: a missed event costs nothing, since every step reads it
 * afresh (and the program also steps on a timer).
 */
#include "config.h"

#include "xen/xen_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "util/xvuuid.h"
#include "virerror.h"
#include "xen/xen_state.h"

#define XV_FROM_THIS VIR_FROM_XEN

#ifndef XV_XEN_MONITOR_PATH
# define XV_XEN_MONITOR_PATH "/usr/local/libexec/xvirt/xvirt-xen-monitor"
#endif

#define XEN_MONITOR_WATCH_PATH "@releaseDomain"
#define XEN_MONITOR_WATCH_TOKEN "xvirt-xen-monitor"
#define XEN_MONITOR_LOCK_RETRY_MS 100u

static const char *const xenMonitorActionNames[] = {
    [XV_XEN_MONITOR_ACTION_NONE] = "none",
    [XV_XEN_MONITOR_ACTION_DESTROY] = "destroy",
    [XV_XEN_MONITOR_ACTION_RESTART] = "restart",
    [XV_XEN_MONITOR_ACTION_PRESERVE] = "preserve",
};
_Static_assert(XV_N_ELEMENTS(xenMonitorActionNames) == XV_XEN_MONITOR_ACTION_LAST,
               "one name per monitor action");

/* What happened to the domain, and which setting says what to do then. */
static const struct {
    const char *what;
    const char *setting;
} xenMonitorReasons[] = {
    [XV_XEN_SHUTDOWN_POWEROFF] = { "powered off", "on_poweroff" },
    [XV_XEN_SHUTDOWN_REBOOT] = { "rebooted", "on_reboot" },
    [XV_XEN_SHUTDOWN_SUSPEND] = { "suspended", "a suspend" },
    [XV_XEN_SHUTDOWN_CRASH] = { "crashed", "on_crash" },
    [XV_XEN_SHUTDOWN_WATCHDOG] = { "was stopped by its watchdog", "on_watchdog" },
    [XV_XEN_SHUTDOWN_SOFT_RESET] = { "asked for a soft reset", "on_soft_reset" },
};
_Static_assert(XV_N_ELEMENTS(xenMonitorReasons) == XV_XEN_SHUTDOWN_LAST,
               "one description per shutdown reason");

const char *
xvXenMonitorActionToString(xvXenMonitorAction act)
{
    if ((unsigned int)act >= XV_XEN_MONITOR_ACTION_LAST)
        return "unknown";
    return xenMonitorActionNames[act];
}

static xvXenMonitorAction
xenMonitorActionOf(xvDomainLifecycleAction act)
{
    switch (act) {
    case XV_DOMAIN_LIFECYCLE_DESTROY:
        return XV_XEN_MONITOR_ACTION_DESTROY;
    case XV_DOMAIN_LIFECYCLE_RESTART:
    case XV_DOMAIN_LIFECYCLE_RENAME_RESTART:
        return XV_XEN_MONITOR_ACTION_RESTART;
    case XV_DOMAIN_LIFECYCLE_PRESERVE:
        return XV_XEN_MONITOR_ACTION_PRESERVE;
    case XV_DOMAIN_LIFECYCLE_LAST:
        break;
    }
    return XV_XEN_MONITOR_ACTION_NONE;
}

xvXenMonitorAction
xvXenMonitorDecide(unsigned int reason, const xvDomainDef *def)
{
    switch ((xvXenShutdownReason)reason) {
    case XV_XEN_SHUTDOWN_POWEROFF:
        return xenMonitorActionOf(def->onPoweroff);
    case XV_XEN_SHUTDOWN_REBOOT:
        return xenMonitorActionOf(def->onReboot);
    case XV_XEN_SHUTDOWN_CRASH:
        return xenMonitorActionOf(def->onCrash);
    case XV_XEN_SHUTDOWN_WATCHDOG:
        return XV_XEN_MONITOR_ACTION_DESTROY;
    case XV_XEN_SHUTDOWN_SOFT_RESET:
        return XV_XEN_MONITOR_ACTION_RESTART;
    case XV_XEN_SHUTDOWN_SUSPEND:
    case XV_XEN_SHUTDOWN_LAST:
        break;
    }
    return XV_XEN_MONITOR_ACTION_NONE;
}

/* ---- The log ------------------------------------------------------------------ */

/* Best-effort work (a log line, a cleanup) leaves the last error as it was:
 * the one being logged, or none. */
static virErrorPtr
xenMonitorErrorSave(bool *had)
{
    *had = xvErrorIsSet();
    return xvErrorPreserveLast();
}

static void
xenMonitorErrorRestore(bool had, virErrorPtr *saved)
{
    if (had)
        xvErrorRestore(saved);
    else
        virResetLastError();
}

static void
xenMonitorLogV(const char *stateDir, const char *fmt, va_list ap)
{
    XV_AUTOFREE(char *) path = xvAsprintf("%s/%s", stateDir, XV_XEN_MONITOR_LOG);
    char stamp[32], msg[1024], line[1200];
    struct tm tm;
    time_t now = time(NULL);
    int fd, len;
    int saved = errno;

    if (!localtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    len = snprintf(line, sizeof(line), "%s %s[%ld]: %s\n", stamp,
                   program_invocation_short_name, (long)getpid(), msg);
    if (len < 0)
        goto cleanup;
    if ((size_t)len >= sizeof(line))
        len = (int)sizeof(line) - 1;
    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0 &&
        errno == ENOENT) {
        /* The first writer makes the state directory. */
        bool had;
        virErrorPtr err = xenMonitorErrorSave(&had);

        if (xvXenStateMakeDir(stateDir) == 0)
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        xenMonitorErrorRestore(had, &err);
    }
    if (fd >= 0) {
        /* One write(): lines of concurrent writers do not interleave. */
        if (write(fd, line, (size_t)len) < 0) {
            /* best effort */
        }
        close(fd);
    }

 cleanup:
    errno = saved;
}

void
xvXenMonitorLog(const char *stateDir, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xenMonitorLogV(stateDir, fmt, ap);
    va_end(ap);
}

/* The message of the error just reported, for the log. */
static const char *
xenMonitorLastError(void)
{
    virErrorPtr err = virGetLastError();

    return err && err->message ? err->message : "unknown error";
}

/* ---- The monitor ---------------------------------------------------------------- */

struct _xvXenMonitor {
    const xvXenHypervisor *hv;
    void *xc;
    void *xs;
    bool watching;
    char *stateDir;
    xvDomainDef *def;
    uint32_t domid;
    bool acted;                 /* the current shutdown was handled */
    unsigned int restarts;
};

xvXenMonitor *
xvXenMonitorNew(const xvXenHypervisor *hv, const char *stateDir, xvDomainDef *def,
                uint32_t domid)
{
    xvXenMonitor *mon = xvAlloc(sizeof(*mon));

    mon->hv = hv;
    mon->stateDir = xvStrdup(stateDir);
    mon->def = def;
    mon->domid = domid;
    errno = 0;
    if (!(mon->xc = hv->ctrl->open())) {
        xvReportSystemError(errno ? errno : ENODEV, "%s", "xc_interface_open failed");
        goto error;
    }
    errno = 0;
    if (!(mon->xs = hv->store->open())) {
        xvReportSystemError(errno ? errno : ECONNREFUSED, "%s", "xs_open failed");
        goto error;
    }
    if (hv->store->watch(mon->xs, XEN_MONITOR_WATCH_PATH, XEN_MONITOR_WATCH_TOKEN) < 0)
        goto error;
    mon->watching = true;
    return mon;

 error:
    xvXenMonitorFree(mon);
    return NULL;
}

void
xvXenMonitorFree(xvXenMonitor *mon)
{
    if (!mon)
        return;
    if (mon->watching) {
        bool had;
        virErrorPtr err = xenMonitorErrorSave(&had);

        mon->hv->store->unwatch(mon->xs, XEN_MONITOR_WATCH_PATH, XEN_MONITOR_WATCH_TOKEN);
        xenMonitorErrorRestore(had, &err);
    }
    if (mon->xs)
        mon->hv->store->close(mon->xs);
    if (mon->xc)
        mon->hv->ctrl->close(mon->xc);
    xvDomainDefFree(mon->def);
    free(mon->stateDir);
    free(mon);
}

int
xvXenMonitorFd(xvXenMonitor *mon)
{
    return mon->hv->store->fileno(mon->xs);
}

uint32_t
xvXenMonitorDomid(const xvXenMonitor *mon)
{
    return mon->domid;
}

/* Reads the pending events: whatever they say, the step asks Xen. */
static int
xenMonitorDrain(xvXenMonitor *mon)
{
    char **event;

    for (;;) {
        errno = 0;
        if (!(event = mon->hv->store->checkWatch(mon->xs)))
            return errno == EAGAIN ? 0 : -1;
        free(event);
    }
}

/* Destroys the shut-down domain: 0 done (the monitor exits either way). */
static int
xenMonitorDestroy(xvXenMonitor *mon, const char *what, const char *setting)
{
    const char *name = mon->def->name;

    if (mon->hv->ctrl->domainDestroy(mon->xc, mon->domid) < 0) {
        xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s; %s is destroy, "
                        "but it cannot be destroyed: %s", name, mon->domid, what, setting,
                        xenMonitorLastError());
        return 0;
    }
    xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s; %s is destroy: destroyed",
                    name, mon->domid, what, setting);
    return 0;
}

/* Destroys the domain and creates it again from its config, as `xl` does on
 * a reboot: the same name and UUID under a new id. 1 when it runs again. */
static int
xenMonitorRestart(xvXenMonitor *mon, const char *what, const char *setting)
{
    const char *name = mon->def->name;
    uint32_t newid = 0;

    if (mon->hv->ctrl->domainDestroy(mon->xc, mon->domid) < 0) {
        xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s; %s is restart, "
                        "but it cannot be destroyed: %s", name, mon->domid, what, setting,
                        xenMonitorLastError());
        return 0;
    }
    if (mon->hv->ctrl->domainCreate(mon->xc, mon->def, &newid) < 0) {
        xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s; %s is restart: "
                        "destroyed, but it cannot be started again: %s", name, mon->domid,
                        what, setting, xenMonitorLastError());
        return 0;
    }
    mon->restarts++;
    xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s; %s is restart: "
                    "restarted as id %" PRIu32 " (restart %u)", name, mon->domid, what,
                    setting, newid, mon->restarts);
    mon->domid = newid;
    mon->acted = false;
    return 1;
}

int
xvXenMonitorStep(xvXenMonitor *mon)
{
    const char *name = mon->def->name;
    const char *what, *setting;
    xvXenMonitorAction act;
    xvXenDomInfo info;
    int got;

    if (xenMonitorDrain(mon) < 0)
        return -1;
    memset(&info, 0, sizeof(info));
    if ((got = mon->hv->ctrl->domainGetInfoList(mon->xc, mon->domid, 1, &info)) < 0)
        return -1;
    if (got == 0 || info.domid != mon->domid ||
        memcmp(info.handle, mon->def->uuid, XV_UUID_BUFLEN) != 0) {
        xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") is gone: the monitor exits",
                        name, mon->domid);
        return 0;
    }
    if (info.dying) {
        /* Destroyed by someone (xl destroy, virDomainDestroy, a save): never
         * restarted, whatever it was doing. */
        xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") is being destroyed: "
                        "the monitor exits", name, mon->domid);
        return 0;
    }
    if (!info.shutdown) {
        mon->acted = false;
        return 1;
    }
    if (mon->acted)
        return 1;
    mon->acted = true;
    act = xvXenMonitorDecide(info.shutdownReason, mon->def);
    if (info.shutdownReason < XV_XEN_SHUTDOWN_LAST) {
        what = xenMonitorReasons[info.shutdownReason].what;
        setting = xenMonitorReasons[info.shutdownReason].setting;
    } else {
        what = "shut down for an unknown reason";
        setting = "an unknown reason";
    }
    switch (act) {
    case XV_XEN_MONITOR_ACTION_DESTROY:
        return xenMonitorDestroy(mon, what, setting);
    case XV_XEN_MONITOR_ACTION_RESTART:
        return xenMonitorRestart(mon, what, setting);
    case XV_XEN_MONITOR_ACTION_PRESERVE:
        xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s; %s is preserve: "
                        "left as it is", name, mon->domid, what, setting);
        return 1;
    case XV_XEN_MONITOR_ACTION_NONE:
    case XV_XEN_MONITOR_ACTION_LAST:
        break;
    }
    xvXenMonitorLog(mon->stateDir, "domain '%s' (id %" PRIu32 ") %s: left to whoever did it",
                    name, mon->domid, what);
    return 1;
}

/* ---- The lock -------------------------------------------------------------------- */

static char *
xenMonitorLockPath(const char *stateDir, const unsigned char *uuid)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];

    xvUUIDFormat(uuid, uuidstr);
    return xvAsprintf("%s/%s/%s.lock", stateDir, XV_XEN_MONITOR_LOCK_DIR, uuidstr);
}

/*
 * One attempt: 1 locked, 0 busy or lost a race with an unlock (try again),
 * -1 error. A holder removes the file before it releases it, so a lock
 * taken on a file that is no longer the one at @path is worthless.
 */
static int
xenMonitorLockOnce(const char *path, int *ret)
{
    struct stat held, now;
    char pid[32];
    int fd, len;

    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        xvReportSystemError(errno, "cannot open the monitor lock '%s'", path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;

        close(fd);
        if (err == EWOULDBLOCK || err == EINTR)
            return 0;
        xvReportSystemError(err, "cannot lock '%s'", path);
        return -1;
    }
    if (fstat(fd, &held) < 0 || stat(path, &now) < 0 || held.st_ino != now.st_ino ||
        held.st_dev != now.st_dev) {
        close(fd);
        return 0;
    }
    /* For people: who holds it. */
    len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)len) < 0) {
        /* informative only */
    }
    *ret = fd;
    return 1;
}

int
xvXenMonitorLock(const char *stateDir, const unsigned char *uuid, unsigned int waitMs, int *fd)
{
    XV_AUTOFREE(char *) dir = xvAsprintf("%s/%s", stateDir, XV_XEN_MONITOR_LOCK_DIR);
    XV_AUTOFREE(char *) path = xenMonitorLockPath(stateDir, uuid);
    struct timespec pause = { 0, XEN_MONITOR_LOCK_RETRY_MS * 1000000L };
    unsigned int waited = 0;
    int r;

    if (xvXenStateMakeDir(dir) < 0)
        return -1;
    for (;;) {
        if ((r = xenMonitorLockOnce(path, fd)) != 0)
            return r;
        if (waited >= waitMs)
            return 0;
        nanosleep(&pause, NULL);
        waited += XEN_MONITOR_LOCK_RETRY_MS;
    }
}

void
xvXenMonitorUnlock(const char *stateDir, const unsigned char *uuid, int fd)
{
    XV_AUTOFREE(char *) path = xenMonitorLockPath(stateDir, uuid);

    if (fd < 0)
        return;
    unlink(path);
    close(fd);
}

/* ---- The driver's side -------------------------------------------------------------- */

char *
xvXenMonitorPath(void)
{
    const char *path = getenv(XV_XEN_MONITOR_ENV);

    return xvStrdup(path && *path ? path : XV_XEN_MONITOR_PATH);
}

/* Sends all of @buf; a peer that went away is no signal (MSG_NOSIGNAL). */
static int
xenMonitorSendAll(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* posix_spawn of the monitor with stdin @in; returns 0 or an errno. */
static int
xenMonitorSpawnProcess(const char *path, char *const argv[], int in, pid_t *pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t none, dfl;
    int rc;

    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGCHLD);
    sigaddset(&dfl, SIGHUP);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGQUIT);
    sigaddset(&dfl, SIGUSR1);
    sigaddset(&dfl, SIGUSR2);
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    /* A session of its own: no terminal, and no signal meant for the
     * caller's process group (a ^C of xvirsh) reaches it. */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                    POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    rc = posix_spawn(pid, path, &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

bool
xvXenMonitorSpawn(const char *stateDir, const xvDomainDef *def, uint32_t domid)
{
    XV_AUTOFREE(char *) path = xvXenMonitorPath();
    XV_AUTOFREE(char *) xml = xvDomainDefFormat(def, -1);
    char uuidstr[XV_UUID_STRING_BUFLEN], idstr[16];
    char *argv[] = { path, (char *)"--state-dir", (char *)stateDir, (char *)"--domid", idstr,
                     (char *)"--uuid", uuidstr, NULL };
    const char *lost = "its on_poweroff, on_reboot and on_crash actions will not be applied";
    int sv[2], rc, status = 0;
    pid_t pid, got;

    xvUUIDFormat(def->uuid, uuidstr);
    snprintf(idstr, sizeof(idstr), "%" PRIu32, domid);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        rc = errno;
        xvXenMonitorLog(stateDir, "cannot start the monitor of domain '%s' (id %s): "
                        "socketpair: %s; %s", def->name, idstr, strerror(rc), lost);
        return false;
    }
    rc = xenMonitorSpawnProcess(path, argv, sv[1], &pid);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        xvXenMonitorLog(stateDir, "cannot start the monitor '%s' of domain '%s' (id %s): %s; %s",
                        path, def->name, idstr, strerror(rc), lost);
        return false;
    }
    /* A monitor that exits early makes this fail (EPIPE): its exit status
     * says why. */
    if (xenMonitorSendAll(sv[0], xml, strlen(xml)) == 0)
        shutdown(sv[0], SHUT_WR);
    close(sv[0]);
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (got < 0) {
        /* Reaped by someone else (SIGCHLD ignored, a reaper thread): the
         * outcome is unknown, and the monitor logs its own failures. */
        return true;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFEXITED(status))
        xvXenMonitorLog(stateDir, "the monitor '%s' of domain '%s' (id %s) exited with status "
                        "%d; %s", path, def->name, idstr, WEXITSTATUS(status), lost);
    else
        xvXenMonitorLog(stateDir, "the monitor '%s' of domain '%s' (id %s) was killed by "
                        "signal %d; %s", path, def->name, idstr,
                        WIFSIGNALED(status) ? WTERMSIG(status) : 0, lost);
    return false;
}
