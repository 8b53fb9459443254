/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_events.h: the lifecycle events of the Xen driver, worked out by
 * comparing what Xen reports with what was seen before.
 *
 * Xen tells a toolstack that "some domain came or went" (xenstore's
 * @introduceDomain and @releaseDomain watches; @releaseDomain also fires
 * when a domain shuts down or crashes, which is how `xl` notices), never
 * what changed. So the driver keeps a view: per domain id its UUID, name
 * and lifecycle state as last seen, and compares each full
 * xc_domain_getinfolist batch with it. A change gives libvirt's event:
 *
 *   not seen -> seen                  STARTED BOOTED (see below for one
 *                                     seen paused)
 *   running <-> paused                SUSPENDED PAUSED / RESUMED UNPAUSED
 *   -> shut down (crash reason)       CRASHED PANICKED (Xen keeps the domain,
 *                                     `on_crash = "preserve"`)
 *   -> shut down (other reasons)      STOPPED: SHUTDOWN for poweroff and
 *                                     reboot, SAVED for suspend, FAILED for
 *                                     the watchdog
 *   seen -> gone (or dying)           STOPPED: from the reason Xen gave when
 *                                     it has one (CRASHED when it crashed),
 *                                     else DESTROYED; nothing more when a
 *                                     STOPPED was already given
 *
 * The driver's own calls tell the view what they did
 * (xvXenEventViewNote): their event is given at once with the detail only
 * the caller knows (a restore is STARTED RESTORED, a save STOPPED SAVED),
 * and the next batch finds nothing new to say about it.
 *
 * A toolstack builds a new domain paused and unpauses it when it is ready
 * (`xl create` takes seconds under emulation). So a new domain seen paused
 * is "starting": no event yet, and the driver looks again (one batch every
 * XV_XEN_EV_START_POLL_MS) while xvXenEventViewStarting() says so; when it
 * runs it is STARTED BOOTED, once; still paused after XV_XEN_EV_START_WAIT_NS
 * (`xl create -p`) it is STARTED BOOTED then SUSPENDED PAUSED; gone before
 * either, it never started.
 *
 * Otherwise pausing and unpausing fire no xenstore watch: such a change
 * done by another toolstack is seen at the next batch the driver takes (a
 * domain coming or going, or a call that lists the domains).
 *
 * Not thread-safe: the driver calls it under its connection lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/xen_hv.h"

/* What the view keeps of a domain's lifecycle. */
typedef enum {
    XV_XEN_EV_GONE = 0,         /* not there (or dying) */
    XV_XEN_EV_RUNNING,          /* running or blocked */
    XV_XEN_EV_PAUSED,
    XV_XEN_EV_SHUTOFF,          /* shut itself down, waits for the toolstack */
    XV_XEN_EV_CRASHED,          /* shut down by a crash, kept by Xen */
    XV_XEN_EV_LAST
} xvXenEvState;

typedef struct _xvXenEventView xvXenEventView;

/* How often a starting domain is looked at, and how long it may stay
 * paused before it is reported started and paused. */
#define XV_XEN_EV_START_POLL_MS 250
#define XV_XEN_EV_START_WAIT_NS (10ull * 1000000000ull)

/* Gives one event: @name and @uuid of the domain, @id its id after the
 * change (-1 once it is not running). */
typedef void (*xvXenEventEmitFunc)(void *opaque, const char *name, const unsigned char *uuid,
                                   int id, int event, int detail);
/* The name of the domain @domid Xen just reported (the driver's cache). */
typedef const char *(*xvXenEventNameFunc)(void *opaque, uint32_t domid);

xvXenEventView *xvXenEventViewNew(void);
void xvXenEventViewFree(xvXenEventView *view);      /* NULL ok */

/* The state a domain of a batch is in, for the view. */
xvXenEvState xvXenEvStateOf(const xvXenDomInfo *info);

/*
 * Compares the @n domains of @batch (in id order, as getinfolist gives
 * them, taken at monotonic time @nowNs) with the view, gives the events of
 * what changed through @emit, in id order, and makes the view hold @batch.
 * With @emit NULL the view is only set (the baseline when events are turned
 * on: a paused domain there is paused, not starting).
 */
void xvXenEventViewUpdate(xvXenEventView *view, const xvXenDomInfo *batch, size_t n,
                          uint64_t nowNs, xvXenEventNameFunc nameOf, xvXenEventEmitFunc emit,
                          void *opaque);

/* Is a new domain waiting to be reported started (seen paused)? */
bool xvXenEventViewStarting(const xvXenEventView *view);

/*
 * A call of the driver changed domain @domid (@uuid, @name) to @state:
 * gives @event/@detail through @emit and records the new state, so that
 * the next batch does not report the change again. @state GONE forgets
 * the domain.
 */
void xvXenEventViewNote(xvXenEventView *view, uint32_t domid, const unsigned char *uuid,
                        const char *name, xvXenEvState state, int event, int detail,
                        xvXenEventEmitFunc emit, void *opaque);

/* How many domains the view holds (tests). */
size_t xvXenEventViewCount(const xvXenEventView *view);
