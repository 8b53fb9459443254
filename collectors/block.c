/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * block.c: the block collector: the I/O counters of every disk of each
 * active domain (virDomainBlockStats, one call per disk), the disks found
 * in the domain XML and kept across samples (devices.h).
 */
#include "collector.h"

#include <string.h>

#include "devices.h"
#include "util/xvalloc.h"

static int
blockStats(virDomainPtr dom, const char *name, int64_t *v)
{
    virDomainBlockStatsStruct s;

    if (virDomainBlockStats(dom, name, &s, sizeof(s)) < 0)
        return -1;
    v[XV_SNAP_DISK_RD_BYTES] = s.rd_bytes;
    v[XV_SNAP_DISK_WR_BYTES] = s.wr_bytes;
    v[XV_SNAP_DISK_RD_REQ] = s.rd_req;
    v[XV_SNAP_DISK_WR_REQ] = s.wr_req;
    v[XV_SNAP_DISK_ERRS] = s.errs;
    return 0;
}

static int
blockCollectDomain(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd)
{
    xvDeviceCache *cache = xvDeviceCacheOf(ctx, &xvCollectorBlock, XV_DEVICES_DISKS);
    xvDeviceSample ds;
    xvSnapDisk *disk;
    size_t i, n;
    int rc;

    rc = xvDevicesCollect(ctx, cache, dom, sd, XV_CALL_BLOCK_STATS, blockStats,
                          XV_SNAP_DISK_LAST, &ds);
    if ((n = xvDeviceSampleCountOk(&ds)) == 0)
        return rc;
    disk = xvSnapshotAddDisks(ctx->snap, sd, n);
    for (i = 0; i < ds.ndevs; i++) {
        if (!ds.ok[i])
            continue;
        disk->device = xvStrdup(ds.devs[i].name);
        disk->source = ds.devs[i].source ? xvStrdup(ds.devs[i].source) : NULL;
        memcpy(disk->stats, &ds.values[i * XV_SNAP_DISK_LAST], sizeof(disk->stats));
        disk++;
    }
    return rc;
}

/* Runs after the domain collector: forgets the disks of domains gone. */
static int
blockCollect(xvCollectContext *ctx)
{
    xvDevicesPruneGone(ctx, &xvCollectorBlock, XV_DEVICES_DISKS);
    return 0;
}

const xvCollector xvCollectorBlock = {
    .name = "block",
    .defaultEnabled = true,
    .collect = blockCollect,
    .collectDomain = blockCollectDomain,
    .freeState = xvDeviceCacheFree,
};
