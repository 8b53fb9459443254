/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_event.h: the lifecycle events of a connection: the callbacks the
 * program registered (virConnectDomainEventRegister[Any]), the queue the
 * driver fills, and the dispatch of that queue from the registered event
 * loop (libvirt.h, "Events"; the loop itself is event.c).
 *
 * How a driver delivers events: its xvDrvConnectEvents hook is called with
 * @on true when the first callback of a connection is registered and with
 * false after the last one went (or the connection is closed); between the
 * two it calls xvDomainEventQueue() for each change it sees, from any thread
 * and with its own locks held if it likes (the queue has its own lock and
 * never calls back into the driver). The events reach the callbacks later,
 * from the event loop, in queue order. A driver that watches a file
 * descriptor or needs a timer uses virEventAddHandle()/virEventAddTimeout().
 *
 * Locking: the connection's event state has its own mutex, taken after any
 * driver lock and never held while a callback or a driver hook runs.
 */
#pragma once

#include <libvirt/libvirt.h>

#include "internal.h"

typedef struct _xvDomainEventState xvDomainEventState;

/*
 * Queues a lifecycle event of the domain @name/@uuid (@id: its ID after the
 * change, -1 when inactive) for the callbacks of @conn, and wakes the
 * dispatch. Does nothing when @conn has no callback. Any thread.
 */
XV_PRIVATE void xvDomainEventQueue(virConnectPtr conn, const char *name,
                                   const unsigned char *uuid, int id, int event, int detail);

/* True while @conn has at least one callback (the driver's events are on). */
bool xvDomainEventWanted(virConnectPtr conn);

/* virConnectClose(): removes every callback left (their free callbacks run
 * from the loop, or at once when none is registered) and turns the driver's
 * events off. */
void xvDomainEventCloseConnect(virConnectPtr conn);

/* Frees what is left of @conn's event state when the connection is freed. */
void xvDomainEventFreeConnect(virConnectPtr conn);

/* "started", "stopped"...: a virDomainEventType's name (xvirsh, logs, the
 * agent's metric labels); "unknown" out of range. */
const char *xvDomainEventTypeName(int event);
/* "booted", "crashed"...: a detail's name for @event, as virsh prints it;
 * "unknown" out of range. */
const char *xvDomainEventDetailName(int event, int detail);
