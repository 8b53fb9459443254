/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvevent.h: the names virsh prints for the lifecycle events and their
 * details ("Stopped", "Crashed"), by the API's values (virDomainEventType
 * and its detail enums, libvirt.h), for xvirsh's `event` and the agent's
 * what-if timeline.
 */
#pragma once

/* "Started"...; "unknown" out of range. */
const char *xvEventName(int event);
/* "Booted"... of @event's details; "unknown" out of range. */
const char *xvEventDetailName(int event, int detail);
