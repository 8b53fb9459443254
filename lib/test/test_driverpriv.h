/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_driverpriv.h: test-only hooks into the test driver's simulated node,
 * for the white-box unit tests (not exported from libxvirt).
 *
 * Each hook fails with VIR_ERR_INVALID_ARG (and returns -1) when @conn or
 * @domain does not belong to the test driver.
 */
#pragma once

#include <libvirt/libvirt.h>

/* Moves the simulated clock of @conn's node forward by @ns and fires the
 * events that became due; in shared mode (?journal=) it is journaled, so
 * every process on the journal moves its clock too. Returns 0 or -1. */
int xvTestDriverAdvanceClock(virConnectPtr conn, unsigned long long ns);

/* The simulated time of @conn's node, in ns (after firing due events). */
int xvTestDriverGetTimeNs(virConnectPtr conn, unsigned long long *ns);

/* The memory demand the guest reported (<xvirt:memory-demand>), in KiB, or
 * -1 when it reported none (or is not running). Returns 0 or -1. */
int xvTestDriverGetMemoryDemand(virDomainPtr domain, long long *kib);

/* The memory the simulated host uses outside the domains, in KiB: 0 until
 * an <xvirt:host-used> or <xvirt:host-free> event sets it. (The free memory
 * it leaves is what virNodeGetFreeMemory() reports.) Returns 0 or -1. */
int xvTestDriverGetHostUsed(virConnectPtr conn, unsigned long long *kib);
