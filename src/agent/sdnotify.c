/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sdnotify.c: the agent's notifications to systemd (sd_notify). */
#include "config.h"

#include "sdnotify.h"

#include <stdlib.h>
#include <string.h>

#if WITH_SYSTEMD
# include <systemd/sd-daemon.h>
#endif

#include "util/xvclock.h"

/* The last STATUS= sent (NULL: none): systemd gets a datagram only when the
 * text changes. */
static char *lastStatus;

#if WITH_SYSTEMD

/* A failure to notify is not the agent's to report: systemd, if it waits
 * for READY=1, times the start out and says so. */
static void
notifySend(const char *msg)
{
    (void)sd_notify(0, msg);
}

void
xvNotifyReady(void)
{
    notifySend("READY=1");
}

void
xvNotifyReloading(void)
{
    (void)sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
                     (unsigned long long)(xvClockMonoNs() / 1000u));
}

void
xvNotifyStopping(void)
{
    notifySend("STOPPING=1");
}

void
xvNotifyStatus(const char *text)
{
    if (lastStatus && strcmp(lastStatus, text) == 0)
        return;
    free(lastStatus);
    lastStatus = strdup(text);
    (void)sd_notifyf(0, "STATUS=%s", text);
}

uint64_t
xvNotifyWatchdogUsec(void)
{
    uint64_t usec = 0;

    if (sd_watchdog_enabled(0, &usec) <= 0)
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
