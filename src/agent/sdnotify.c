/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdnotify.c: the agent's notifications to systemd, spoken directly.
 *
 * The notification protocol (sd_notify(3), "Notes"; systemd's
 * docs/NOTIFY_SOCKET.md) is small and stable: each message is one datagram
 * of "KEY=VALUE" lines sent over an AF_UNIX datagram socket to the address
 * in $NOTIFY_SOCKET, an absolute path or, when it starts with '@', a name
 * in the abstract namespace. The watchdog's interval is $WATCHDOG_USEC,
 * meant for the process $WATCHDOG_PID when that is set.
 *
 * Why not libsystemd: linking it mapped libsystemd and what it needs
 * (libgcrypt, libgpg-error, lz4, zstd, lzma, libcap), ~0.9 MiB of RSS, from
 * the start, for five kinds of one-line messages (bench/RESULTS.md, "RSS at
 * 1,000 domains"). Loading it with dlopen() only under systemd would save
 * the memory too, but would add a run-time dependency that can be missing,
 * symbol lookups and their failure paths; these ~60 lines have none of
 * that, and need no library at build time either. The sender's credentials
 * systemd checks (NotifyAccess=) come from the kernel (SO_PASSCRED on its
 * side), as with sd_notify(0, ...). vsock addresses (systemd 254 and later,
 * for virtual machines) are not spoken: a NOTIFY_SOCKET the agent cannot
 * use is logged once and otherwise ignored, as sd_notify() ignores it.
 */
#include "config.h"

#include "sdnotify.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/xvclock.h"
#include "util/xvlog.h"

/* The last STATUS= sent (NULL: none): systemd gets a datagram only when the
 * text changes. */
static char *lastStatus;

#if WITH_SYSTEMD

/* A NOTIFY_SOCKET that cannot be used was logged (once per process). */
static bool notifyWarned;

static void
notifyWarnOnce(const char *addr, const char *why)
{
    if (notifyWarned)
        return;
    notifyWarned = true;
    xvLogWarning("sd_notify: NOTIFY_SOCKET=%s: %s; systemd is not told of readiness, "
                 "reloads, stops or liveness", addr, why);
}

/* $NOTIFY_SOCKET's address into @sa, its length into *@len. False when
 * unset (nothing to do) or unusable (logged once). */
static bool
notifyAddress(struct sockaddr_un *sa, socklen_t *len)
{
    const char *addr = getenv("NOTIFY_SOCKET");
    size_t n;

    if (!addr || !*addr)
        return false;
    n = strlen(addr);
    if (addr[0] != '/' && addr[0] != '@') {
        notifyWarnOnce(addr, "not an absolute path nor an abstract socket name "
                       "(vsock addresses are not supported)");
        return false;
    }
    if (n >= sizeof(sa->sun_path)) {
        notifyWarnOnce(addr, "too long for a unix socket address");
        return false;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, addr, n);
    if (addr[0] == '@')
        sa->sun_path[0] = '\0';         /* the abstract namespace: no NUL at the end */
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
                       (addr[0] == '@' ? 0 : 1));
    return true;
}

/* Sends @msg as one datagram. A failure to deliver is not the agent's to
 * report beyond a debug line: systemd, if it waits for READY=1, times the
 * start out and says so. */
static void
notifySend(const char *msg)
{
    struct sockaddr_un sa;
    socklen_t len;
    int fd;

    if (!notifyAddress(&sa, &len))
        return;
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
        xvLogDebug("sd_notify: socket: %s", strerror(errno));
        return;
    }
    if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
        xvLogDebug("sd_notify: cannot send to %s: %s", getenv("NOTIFY_SOCKET"),
                   strerror(errno));
    close(fd);
}

void
xvNotifyReady(void)
{
    notifySend("READY=1");
}

void
xvNotifyReloading(void)
{
    char msg[64];

    snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
             xvClockMonoNs() / 1000u);
    notifySend(msg);
}

void
xvNotifyStopping(void)
{
    notifySend("STOPPING=1");
}

void
xvNotifyStatus(const char *text)
{
    char *msg;

    if (lastStatus && strcmp(lastStatus, text) == 0)
        return;
    free(lastStatus);
    lastStatus = strdup(text);
    if (asprintf(&msg, "STATUS=%s", text) < 0)
        return;
    notifySend(msg);
    free(msg);
}

/* A decimal number filling all of @s, into *@out. */
static bool
notifyParseU64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* As sd_watchdog_enabled(0, ...): WATCHDOG_USEC, a positive number, for
 * this process unless WATCHDOG_PID names another. */
uint64_t
xvNotifyWatchdogUsec(void)
{
    const char *pidText = getenv("WATCHDOG_PID");
    uint64_t usec, pid;

    if (!notifyParseU64(getenv("WATCHDOG_USEC"), &usec) || usec == 0)
        return 0;
    if (pidText && (!notifyParseU64(pidText, &pid) || pid != (uint64_t)getpid()))
        return 0;
    return usec;
}

void
xvNotifyWatchdog(void)
{
    notifySend("WATCHDOG=1");
}

#else /* !WITH_SYSTEMD */

void xvNotifyReady(void) { }
void xvNotifyReloading(void) { }
void xvNotifyStopping(void) { }
void xvNotifyStatus(const char *text) { (void)text; }
uint64_t xvNotifyWatchdogUsec(void) { return 0; }
void xvNotifyWatchdog(void) { }

#endif

void
xvNotifyReset(void)
{
    free(lastStatus);
    lastStatus = NULL;
}
