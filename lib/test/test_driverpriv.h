/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_driverpriv.h: test-only hooks into the test driver's simulated node,
 * for the white-box unit tests. Those marked XV_PRIVATE are exported in
 * libxvirt's private version node for the agent's what-if runs, which look
 * them up at run time (a build against another libvirt has none).
 *
 * Each hook fails with VIR_ERR_INVALID_ARG (and returns -1) when @conn or
 * @domain does not belong to the test driver.
 */
#pragma once

#include <libvirt/libvirt.h>

#include "internal.h"

/* Moves the simulated clock of @conn's node forward by @ns and fires the
 * events that became due; in shared mode (?journal=) it is journaled, so
 * every process on the journal moves its clock too. Returns 0 or -1. */
XV_PRIVATE int xvTestDriverAdvanceClock(virConnectPtr conn, unsigned long long ns);

/* The simulated time of @conn's node, in ns (after firing due events). */
XV_PRIVATE int xvTestDriverGetTimeNs(virConnectPtr conn, unsigned long long *ns);

/* Stops the clock of @conn's node where it is (rate 0), so that only
 * xvTestDriverAdvanceClock() moves it (the agent's what-if runs). Fails
 * with VIR_ERR_OPERATION_INVALID on a shared node (?journal=) whose clock
 * runs. Returns 0 or -1. */
XV_PRIVATE int xvTestDriverFreezeClock(virConnectPtr conn);

/* When the next scripted event or guest timer (a shutdown in progress) of
 * @conn's node falls due, in simulated ns: returns 1 with *@ns, 0 when
 * nothing is scheduled, -1 on error. */
XV_PRIVATE int xvTestDriverNextDueNs(virConnectPtr conn, unsigned long long *ns);

/* Adds the events of the events file at the absolute @path (a root
 * <xvirt:events>, the children a node file's <xvirt:events> takes) to
 * @conn's node, each at='T' counted from the node's time now. Nothing is
 * added if one is wrong (VIR_ERR_XML_ERROR with the line). Not journaled:
 * as faults, events stay with the process. Returns 0 or -1. */
XV_PRIVATE int xvTestDriverAddEvents(virConnectPtr conn, const char *path);

/* The memory demand the guest reported (<xvirt:memory-demand>), in KiB, or
 * -1 when it reported none (or is not running). Returns 0 or -1. */
int xvTestDriverGetMemoryDemand(virDomainPtr domain, long long *kib);

/* The memory the simulated host uses outside the domains, in KiB: 0 until
 * an <xvirt:host-used> or <xvirt:host-free> event sets it. (The free memory
 * it leaves is what virNodeGetFreeMemory() reports.) Returns 0 or -1. */
int xvTestDriverGetHostUsed(virConnectPtr conn, unsigned long long *kib);
