/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devices.h: the disks and interfaces of each domain, for the block and net
 * collectors: read from the domain XML (virDomainGetXMLDesc) and kept
 * across samples, so that a steady host never asks for the XML again.
 *
 * A domain's list is keyed by (uuid, id) and read again when:
 *   - the domain is new or its id changed (a new boot: on Xen the vif
 *     names carry the id);
 *   - a stats call says a listed device is unknown (VIR_ERR_INVALID_ARG):
 *     it was unplugged;
 *   - the slow refresh comes due: each list is read again every
 *     XV_DEVICES_REFRESH_SAMPLES samples, the domains spread over those
 *     samples, so a hot-plugged device shows up within that many samples
 *     (5 minutes at the default 5 s interval).
 * Lists of domains no longer seen are dropped at the end of the sample.
 */
#pragma once

#include "collector.h"

/* Samples between two reads of one domain's XML when nothing else asks. */
#define XV_DEVICES_REFRESH_SAMPLES 60

typedef enum {
    XV_DEVICES_DISKS = 0,     /* <disk> elements with a <target dev> and a <source> */
    XV_DEVICES_NICS,          /* <interface> elements with a <target dev> or a <mac> */
} xvDeviceKind;

/* One device of a domain, as its XML describes it. */
typedef struct _xvDevice xvDevice;
struct _xvDevice {
    char *name;     /* what the stats call takes: <target dev>, else (interfaces) the MAC */
    char *target;   /* <target dev>; NULL if absent */
    char *source;   /* disks: <source file|dev|name>; interfaces: <source bridge|network|dev>; NULL if absent */
    char *mac;      /* interfaces: <mac address>; NULL if absent */
};

/*
 * The devices of @kind of the domain XML @xml, in document order, only
 * direct children of <domain><devices> (a <source> inside a disk's
 * <backingStore> is not the disk's). Disks without a source (an empty
 * CD-ROM drive) have no counters and are left out. Returns the number
 * found and the array in *@retdevs (free with xvDevicesFree), or -1 when
 * @xml is not well-formed enough to read.
 */
int xvDevicesParse(const char *xml, xvDeviceKind kind, xvDevice **retdevs);
/* Frees @n devices of @devs and the array. */
void xvDevicesFree(xvDevice *devs, size_t n);

/* The kept lists of one collector. */
typedef struct _xvDeviceCache xvDeviceCache;

/* An empty cache for devices of @kind. */
xvDeviceCache *xvDeviceCacheNew(xvDeviceKind kind);
/* The cache kept in @self's state slot, made on first use. */
xvDeviceCache *xvDeviceCacheOf(xvCollectContext *ctx, const xvCollector *self,
                               xvDeviceKind kind);
/* Frees @cache (NULL-safe); a collector's freeState. */
void xvDeviceCacheFree(void *cache);
/* Drops the lists of the domains not asked for in the sample @seq. */
void xvDeviceCachePrune(xvDeviceCache *cache, uint64_t seq);
/* The number of lists kept (for tests). */
size_t xvDeviceCacheCount(const xvDeviceCache *cache);
/* The number of domain XML reads done so far (for tests and benches). */
uint64_t xvDeviceCacheReads(const xvDeviceCache *cache);

/*
 * How one device's counters are read: fills @values (the collector's
 * fields, -1 where unknown) and returns 0, or -1 with the libvirt error set.
 */
typedef int (*xvDeviceStatsFn)(virDomainPtr dom, const char *name, int64_t *values);

/* What xvDevicesCollect read for one domain: arrays of the cache, valid
 * until its next call. */
typedef struct _xvDeviceSample xvDeviceSample;
struct _xvDeviceSample {
    const xvDevice *devs;   /* the cached list */
    size_t ndevs;
    const bool *ok;         /* ok[i]: devs[i]'s counters were read */
    const int64_t *values;  /* ndevs x nvalues, row i for devs[i] */
};

/*
 * Reads the counters of every device of @dom (the snapshot's @sd, the
 * domain last added) with @stats, @nvalues values each, re-reading the
 * XML as the rules above say. A failed call is counted under @call (a
 * domain that stopped or vanished meanwhile is not a failure: no devices).
 * Returns 0, or -1 if some call failed (@out still holds what was read).
 */
int xvDevicesCollect(xvCollectContext *ctx, xvDeviceCache *cache, virDomainPtr dom,
                     const xvSnapDomain *sd, xvSampleCall call, xvDeviceStatsFn stats,
                     size_t nvalues, xvDeviceSample *out);

/* How many devices of @ds had their counters read (ok). */
size_t xvDeviceSampleCountOk(const xvDeviceSample *ds);

/* A block/net collector's collect(): after the domain collector, forgets
 * the devices of domains gone from the cache of @self (of @kind). */
void xvDevicesPruneGone(xvCollectContext *ctx, const xvCollector *self, xvDeviceKind kind);
