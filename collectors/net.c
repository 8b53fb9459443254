/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net.c: the net collector: the counters of every network interface of
 * each active domain, in the guest's view (virDomainInterfaceStats, one
 * call per interface), the interfaces found in the domain XML and kept
 * across samples (devices.h).
 */
#include "collector.h"

#include <string.h>

#include "devices.h"
#include "util/xvalloc.h"

static int
netStats(virDomainPtr dom, const char *name, int64_t *v)
{
    virDomainInterfaceStatsStruct s;

    if (virDomainInterfaceStats(dom, name, &s, sizeof(s)) < 0)
        return -1;
    v[XV_SNAP_NIC_RX_BYTES] = s.rx_bytes;
    v[XV_SNAP_NIC_RX_PACKETS] = s.rx_packets;
    v[XV_SNAP_NIC_RX_ERRS] = s.rx_errs;
    v[XV_SNAP_NIC_RX_DROP] = s.rx_drop;
    v[XV_SNAP_NIC_TX_BYTES] = s.tx_bytes;
    v[XV_SNAP_NIC_TX_PACKETS] = s.tx_packets;
    v[XV_SNAP_NIC_TX_ERRS] = s.tx_errs;
    v[XV_SNAP_NIC_TX_DROP] = s.tx_drop;
    return 0;
}

static int
netCollectDomain(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd)
{
    xvDeviceCache *cache = xvDeviceCacheOf(ctx, &xvCollectorNet, XV_DEVICES_NICS);
    xvDeviceSample ds;
    xvSnapNic *nic;
    size_t i, n;
    int rc;

    rc = xvDevicesCollect(ctx, cache, dom, sd, XV_CALL_INTERFACE_STATS, netStats,
                          XV_SNAP_NIC_LAST, &ds);
    if ((n = xvDeviceSampleCountOk(&ds)) == 0)
        return rc;
    nic = xvSnapshotAddNics(ctx->snap, sd, n);
    for (i = 0; i < ds.ndevs; i++) {
        if (!ds.ok[i])
            continue;
        nic->device = xvStrdup(ds.devs[i].name);
        nic->source = ds.devs[i].source ? xvStrdup(ds.devs[i].source) : NULL;
        nic->mac = ds.devs[i].mac ? xvStrdup(ds.devs[i].mac) : NULL;
        memcpy(nic->stats, &ds.values[i * XV_SNAP_NIC_LAST], sizeof(nic->stats));
        nic++;
    }
    return rc;
}

/* Runs after the domain collector: forgets the interfaces of domains gone. */
static int
netCollect(xvCollectContext *ctx)
{
    xvDevicesPruneGone(ctx, &xvCollectorNet, XV_DEVICES_NICS);
    return 0;
}

const xvCollector xvCollectorNet = {
    .name = "net",
    .defaultEnabled = true,
    .collect = netCollect,
    .collectDomain = netCollectDomain,
    .freeState = xvDeviceCacheFree,
};
