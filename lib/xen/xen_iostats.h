/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_iostats.h: the Xen driver's disk and network counters
 * (virDomainBlockStats, virDomainInterfaceStats), read in dom0 from the
 * backends: blkback's statistics in sysfs and netback's vif devices.
 *
 * xen_driver.c owns the connection: it locks it, finds the domain (from its
 * cache, no hypercall), hands the watch events of our token to
 * xvXenIoCacheWatchEvent, and calls these with the lock held.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "xen/xen_hv.h"

/*
 * The devices of the domains asked about: per domain, its vbds (devid,
 * target name, source path) and vifs (devid, device name, MAC), read from
 * the backend directories in xenstore (/local/domain/0/backend/{vbd,vif}/
 * DOMID) when the domain is first asked about and again only after a watch
 * on those directories fired for that domain; and per device its counter
 * files, opened once and re-read with pread(2).
 */
typedef struct _xvXenIoCache xvXenIoCache;

/* The work done so far, for tests and benchmarks. */
typedef struct _xvXenIoCounts xvXenIoCounts;
struct _xvXenIoCounts {
    unsigned long opens;        /* open(2) of counter files, failed ones too */
    unsigned long reads;        /* pread(2) of counter files */
    unsigned long rescans;      /* device lists read from xenstore */
};

/*
 * A new, empty cache. Its two watches (token "@driverToken/io") are set by
 * the first call. @sysRoot is prefixed to the sysfs paths ("" in
 * production; a directory of fake counter files in tests and benchmarks).
 */
xvXenIoCache *xvXenIoCacheNew(const char *driverToken, const char *sysRoot);
/* NULL ok. Closes the files; the watches are left to the xenstore handle,
 * which drops them when it is closed. */
void xvXenIoCacheFree(xvXenIoCache *cache);

/* A watch event the driver drained: true if it carries the cache's token
 * (then it is the cache's, consumed), false if it is someone else's. */
bool xvXenIoCacheWatchEvent(xvXenIoCache *cache, const char *path, const char *token);

/*
 * virDomainBlockStats of the running domain @domid (@uuid): the vbd whose
 * target (backend key "dev", e.g. "xvda") or source path (backend key
 * "params") is @disk. rd/wr_req from rd_req/wr_req, rd/wr_bytes from
 * rd_sect/wr_sect x 512, errs from oo_req. VIR_ERR_INVALID_ARG ("invalid
 * path: DISK") when the domain has no such disk. Returns 0 or -1.
 */
int xvXenBlockStats(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs,
                    uint32_t domid, const unsigned char *uuid, const char *disk,
                    virDomainBlockStatsPtr stats);

/*
 * virDomainInterfaceStats of the running domain @domid (@uuid): the vif
 * named @device (vifDOMID.DEVID, or the backend's "vifname") or with the
 * MAC @device, in the guest's view (the vif's transmit counters are the
 * guest's rx). VIR_ERR_INVALID_ARG ("'DEVICE' is not a known interface")
 * when the domain has no such interface. Returns 0 or -1.
 */
int xvXenInterfaceStats(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs,
                        uint32_t domid, const unsigned char *uuid, const char *device,
                        virDomainInterfaceStatsPtr stats);

/* Drops the entries of the domains @alive says are gone (closing their
 * files). Called by the driver when its domain cache changed. */
typedef bool (*xvXenIoAliveFunc)(void *opaque, uint32_t domid, const unsigned char *uuid);
void xvXenIoCachePrune(xvXenIoCache *cache, xvXenIoAliveFunc alive, void *opaque);

void xvXenIoCacheGetCounts(const xvXenIoCache *cache, xvXenIoCounts *ret);
