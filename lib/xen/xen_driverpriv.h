/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_driverpriv.h: test-only hooks into the Xen driver (not exported from
 * libxvirt): run it on a simulated Xen and tune its batching, so that the
 * unit tests can count and assert its hypercalls and xenstore operations.
 */
#pragma once

#include <libvirt/libvirt.h>

#include "xen/xen_hv.h"

/* The connections opened from now on use @hv instead of the real Xen;
 * NULL goes back to the real one. Open connections keep theirs. */
void xvXenDriverSetHypervisor(const xvXenHypervisor *hv);

/*
 * Batching of the connections opened from now on: @chunk domains per
 * xc_domain_getinfolist call (0: the default, 512), and @ttlMs, how long a
 * batch may serve the calls of one sample (< 0: the default, 1000; 0: a
 * batch never serves a later call).
 */
void xvXenDriverSetBatchTuning(unsigned int chunk, long ttlMs);

/* The connections opened from now on read the backends' counter files under
 * @root (a fake sysfs: ROOT/sys/bus/xen-backend/devices/vbd-D-N/statistics/,
 * ROOT/sys/class/net/vifD.N/statistics/); NULL or "" goes back to "/". */
void xvXenDriverSetSysRoot(const char *root);

/* The counter-file work of @conn (a Xen connection) so far: opens and
 * preads of counter files, device lists read from xenstore. */
void xvXenDriverIoCounts(virConnectPtr conn, unsigned long *opens, unsigned long *reads,
                         unsigned long *rescans);
