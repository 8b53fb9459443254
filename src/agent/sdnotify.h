/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdnotify.h: what the agent tells its service manager (the sd_notify(3)
 * protocol, spoken by sdnotify.c without libsystemd; every function is a
 * no-op in a build without it (-Dsystemd=disabled), or when the agent was
 * not started by systemd, i.e. NOTIFY_SOCKET is unset):
 *
 *   READY=1       once /metrics serves a first sample (/-/ready answers 200)
 *                 and again when a reload is over, accepted or rejected
 *   RELOADING=1   on SIGHUP, with MONOTONIC_USEC= (what systemd >= 253
 *                 asks of Type=notify-reload; older ones ignore it)
 *   STOPPING=1    on SIGTERM/SIGINT
 *   STATUS=...    what `systemctl status` shows, sent when its text changes
 *   WATCHDOG=1    from the event loop, while the loop and the sampler live
 *                 (agent.c, agentWatchdog, says what that means)
 *
 * Called from the event loop thread only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* READY=1 (with the current status, if any). */
void xvNotifyReady(void);

/* RELOADING=1 and MONOTONIC_USEC= of CLOCK_MONOTONIC now. */
void xvNotifyReloading(void);

/* STOPPING=1. */
void xvNotifyStopping(void);

/* STATUS=@text, unless it is what was sent last (cheap to call per sample). */
void xvNotifyStatus(const char *text);

/* The watchdog interval systemd asks for (WATCHDOG_USEC, for this process),
 * in microseconds; 0 when there is none. */
uint64_t xvNotifyWatchdogUsec(void);

/* WATCHDOG=1. */
void xvNotifyWatchdog(void);

/* Forgets the last status sent (and frees it): when the agent is freed. */
void xvNotifyReset(void);
