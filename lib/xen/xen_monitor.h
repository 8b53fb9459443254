/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_monitor.h: what applies on_poweroff, on_reboot and on_crash to the
 * domains the Xen driver starts. `xl create` leaves one background process
 * per domain for this; the driver leaves one xvirt-xen-monitor
 * (xen_monitor_main.c) per domain it creates, starts or restores. Here: the
 * decision (a pure function), the monitor's watch loop, its lock and log,
 * and how the driver starts it.
 *
 * Files, under the driver's state directory (xen_state.h):
 *   monitor.log           what the monitors did, and the driver's failures to
 *                         start one (appended, one line each)
 *   monitor/<uuid>.lock   held (flock) by the one monitor of that domain
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "conf/domain_conf.h"
#include "internal.h"
#include "xen/xen_hv.h"

/* Where the driver finds the monitor: this variable, else the installed
 * program (XV_XEN_MONITOR_PATH, <libexecdir>/xvirt/xvirt-xen-monitor). */
#define XV_XEN_MONITOR_ENV "XVIRT_XEN_MONITOR"
#define XV_XEN_MONITOR_LOG "monitor.log"
#define XV_XEN_MONITOR_LOCK_DIR "monitor"

/* What the monitor does with a domain in the state Xen reports. */
typedef enum {
    XV_XEN_MONITOR_ACTION_NONE = 0,     /* keep watching (running, suspended) */
    XV_XEN_MONITOR_ACTION_DESTROY,      /* destroy it; the monitor exits */
    XV_XEN_MONITOR_ACTION_RESTART,      /* destroy it, create it again from its config */
    XV_XEN_MONITOR_ACTION_PRESERVE,     /* leave it as it is, keep watching */
    XV_XEN_MONITOR_ACTION_LAST
} xvXenMonitorAction;

const char *xvXenMonitorActionToString(xvXenMonitorAction act);

/*
 * The action for a domain that shut down with @reason (xvXenShutdownReason)
 * under config @def, as libvirt's libxl driver and xl decide it: poweroff,
 * reboot and crash take on_poweroff, on_reboot and on_crash (rename-restart
 * restarts, as libvirt does); a watchdog destroys (libxl's on_watchdog
 * default); a soft reset restarts; a suspend is left to whoever suspended
 * it (a save destroys the domain, a failed one resumes it). An unknown
 * reason changes nothing.
 */
xvXenMonitorAction xvXenMonitorDecide(unsigned int reason, const xvDomainDef *def);

/* ---- The monitor ---------------------------------------------------------- */

typedef struct _xvXenMonitor xvXenMonitor;

/*
 * A monitor of domain @domid, which runs config @def (taken: freed by
 * xvXenMonitorFree), through @hv: opens its handles and watches
 * @releaseDomain (which xenstored fires when a domain shuts down or dies).
 * Actions are logged to the monitor log of @stateDir. NULL (reported) when
 * Xen cannot be reached; @def is freed then too.
 */
xvXenMonitor *xvXenMonitorNew(const xvXenHypervisor *hv, const char *stateDir,
                              xvDomainDef *def, uint32_t domid);
void xvXenMonitorFree(xvXenMonitor *mon);   /* NULL ok; unwatches, closes */

/* The descriptor to poll for watch events, or -1 (reported): poll on a
 * timer then. */
int xvXenMonitorFd(xvXenMonitor *mon);

/*
 * Consumes the pending watch events, asks Xen for the domain's state and
 * applies its lifecycle action once per shutdown. Returns 1 (keep
 * watching: running, restarted under a new id, preserved, suspended), 0
 * (gone for good: destroyed by anyone, shut off with action destroy, or a
 * restart that failed; logged) or -1 (Xen did not answer: reported; try
 * again later).
 */
int xvXenMonitorStep(xvXenMonitor *mon);

/* The id of the domain watched now (it changes with each restart). */
uint32_t xvXenMonitorDomid(const xvXenMonitor *mon);

/*
 * The lock of the one monitor of domain @uuid: tries for up to @waitMs
 * (a monitor of an earlier run of the domain exits once it sees that run
 * gone). Returns 1 with *@fd held, 0 when another monitor kept it, or -1
 * (reported).
 */
int xvXenMonitorLock(const char *stateDir, const unsigned char *uuid, unsigned int waitMs,
                     int *fd);
/* Removes the lock file, then releases it. */
void xvXenMonitorUnlock(const char *stateDir, const unsigned char *uuid, int fd);

/* Appends "<time> <program>[<pid>]: <message>" to the monitor log of
 * @stateDir (made if needed). Best effort: a log that cannot be written is
 * skipped. */
void xvXenMonitorLog(const char *stateDir, const char *fmt, ...) XV_PRINTF(2, 3);

/* ---- The driver's side ------------------------------------------------------- */

/* The monitor program to start: $XVIRT_XEN_MONITOR, else the installed one. */
char *xvXenMonitorPath(void);

/*
 * Starts the monitor of domain @domid, just created from @def: posix_spawn
 * of `<monitor> --state-dir DIR --domid ID --uuid UUID` in a new session,
 * stdin a socket that carries @def's XML, stdout and stderr /dev/null. The
 * program reads the config, forks the monitor proper and exits: this call
 * waits for that (a few milliseconds) and leaves no child behind.
 *
 * A monitor that cannot be started does not fail the start of the domain
 * (as a libvirt warning would not): the failure is appended to the monitor
 * log, the domain runs without its lifecycle actions, and nothing is
 * reported. Returns true when the monitor started.
 */
bool xvXenMonitorSpawn(const char *stateDir, const xvDomainDef *def, uint32_t domid);
