/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvevent.c: virsh's names of the lifecycle events and their details. */
#include "util/xvevent.h"

#include <stddef.h>

#include "util/xvmacros.h"

/* In the API's order (VIR_DOMAIN_EVENT_DEFINED = 0 ... CRASHED = 8; the
 * values are ABI, so util needs no libvirt header). */
static const char *const eventNames[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown",
    "PMSuspended", "Crashed",
};

static const char *const eventDefinedNames[] = { "Added", "Updated", "Renamed", "Snapshot" };
static const char *const eventUndefinedNames[] = { "Removed", "Renamed" };
static const char *const eventStartedNames[] = {
    "Booted", "Migrated", "Restored", "Snapshot", "Event wakeup",
};
static const char *const eventSuspendedNames[] = {
    "Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot", "API error",
    "Post-copy", "Post-copy Error",
};
static const char *const eventResumedNames[] = {
    "Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error",
};
static const char *const eventStoppedNames[] = {
    "Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed", "Snapshot",
};
static const char *const eventShutdownNames[] = {
    "Finished", "Finished after guest request", "Finished after host request",
};
static const char *const eventPMSuspendedNames[] = { "Memory", "Disk" };
static const char *const eventCrashedNames[] = { "Panicked", "Crashloaded" };

typedef struct {
    const char *const *names;
    size_t n;
} eventDetailTable;

#define EVENT_DETAILS(a) { a, XV_N_ELEMENTS(a) }
static const eventDetailTable eventDetails[] = {
    EVENT_DETAILS(eventDefinedNames),
    EVENT_DETAILS(eventUndefinedNames),
    EVENT_DETAILS(eventStartedNames),
    EVENT_DETAILS(eventSuspendedNames),
    EVENT_DETAILS(eventResumedNames),
    EVENT_DETAILS(eventStoppedNames),
    EVENT_DETAILS(eventShutdownNames),
    EVENT_DETAILS(eventPMSuspendedNames),
    EVENT_DETAILS(eventCrashedNames),
};
_Static_assert(XV_N_ELEMENTS(eventDetails) == XV_N_ELEMENTS(eventNames),
               "every event needs its details");

const char *
xvEventName(int event)
{
    if (event < 0 || (size_t)event >= XV_N_ELEMENTS(eventNames))
        return "unknown";
    return eventNames[event];
}

const char *
xvEventDetailName(int event, int detail)
{
    if (event < 0 || (size_t)event >= XV_N_ELEMENTS(eventDetails) || detail < 0 ||
        (size_t)detail >= eventDetails[event].n)
        return "unknown";
    return eventDetails[event].names[detail];
}
