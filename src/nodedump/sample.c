/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodedump-sample.c: the samples of "nodedump": each domain's state,
 * memory, vcpus (CPU time and affinity), memory statistics and I/O
 * counters, per incarnation, and the host's free memory (nodedump.h).
 */
#include "config.h"

#include "nodedump.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "src/apiutil/apiutil.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"

/* A call whose failure costs a measure only: its error is not the dump's. */
static void
ndResetError(nodedumpState *st)
{
    if (st->hooks && st->hooks->resetError)
        st->hooks->resetError(st->hooks->opaque);
    else
        virResetLastError();
}

void
ndFail(nodedumpState *st, const char *fmt, ...)
{
    va_list ap;

    if (st->error)
        return;
    va_start(ap, fmt);
    st->error = xvVasprintf(fmt, ap);
    va_end(ap);
}

/* ---- Clocks ------------------------------------------------------------ */

/* The fields of a pCPU's times that add up to the node's uptime; the
 * first three must be there (Xen's idle alone is not the uptime). */
static const char *const ndUptimeFields[] = {
    VIR_NODE_CPU_STATS_USER, VIR_NODE_CPU_STATS_KERNEL, VIR_NODE_CPU_STATS_IDLE,
    VIR_NODE_CPU_STATS_IOWAIT,
};
#define ND_UPTIME_NEEDED 0x7u

/* pCPU 0's uptime fields, summed into *@ret; false if the call fails or
 * lacks one of the needed fields. */
static bool
ndNodeUptime(nodedumpState *st, uint64_t *ret)
{
    int n = st->ncpuStats;
    unsigned int seen = 0;
    uint64_t sum = 0;
    size_t f;
    int i;

    if (virNodeGetCPUStats(st->conn, 0, st->cpuStats, &n, 0) != 0)
        return false;
    for (i = 0; i < n; i++) {
        for (f = 0; f < XV_N_ELEMENTS(ndUptimeFields); f++) {
            if (strcmp(st->cpuStats[i].field, ndUptimeFields[f]) == 0) {
                sum += st->cpuStats[i].value;
                seen |= 1u << f;
            }
        }
    }
    if ((seen & ND_UPTIME_NEEDED) != ND_UPTIME_NEEDED)
        return false;
    *ret = sum;
    return true;
}

/* Whether the hypervisor's clock can be read: st->nodeClock. */
static void
ndClockProbe(nodedumpState *st)
{
    uint64_t uptime;
    int n = 0;

    if (virNodeGetCPUStats(st->conn, 0, NULL, &n, 0) == 0 && n > 0) {
        st->cpuStats = xvAllocN((size_t)n, sizeof(*st->cpuStats));
        st->ncpuStats = n;
        st->nodeClock = ndNodeUptime(st, &uptime);
    }
    ndResetError(st);
}

/* Both clocks now; a failed reading of the hypervisor's leaves the
 * monotonic clock alone in charge. */
static ndTime
ndClockRead(nodedumpState *st)
{
    ndTime t = { 0, 0 };

    if (st->nodeClock && !ndNodeUptime(st, &t.node)) {
        st->nodeClock = false;
        ndResetError(st);
    }
    t.mono = xvClockMonoNs();
    return t;
}

/* The middle of the bracket [@a, @b]. */
static ndTime
ndTimeMid(ndTime a, ndTime b)
{
    ndTime t = {
        .node = a.node + (b.node > a.node ? (b.node - a.node) / 2 : 0),
        .mono = a.mono + (b.mono > a.mono ? (b.mono - a.mono) / 2 : 0),
    };

    return t;
}

/* ---- Tracks -------------------------------------------------------------- */

/* The increase of @to over @from, 0 if it went back. */
static uint64_t
ndIncrease(uint64_t from, uint64_t to)
{
    return to > from ? to - from : 0;
}

/* Adds the reading @value at @at of sample @sample to @track. */
static void
ndTrackRead(ndTrack *track, unsigned int sample, ndTime at, uint64_t value)
{
    /* a counter that went back restarted: nothing to add from before */
    if (track->sample != 0 && track->sample + 1 == sample && value >= track->value) {
        track->sumValue += value - track->value;
        track->sumTime.node += ndIncrease(track->at.node, at.node);
        track->sumTime.mono += ndIncrease(track->at.mono, at.mono);
    }
    track->sample = sample;
    track->at = at;
    track->value = value;
}

bool
ndTrackRate(const nodedumpState *st, const ndTrack *track, double *perSec)
{
    uint64_t ns = st->nodeClock ? track->sumTime.node : track->sumTime.mono;

    if (ns == 0)
        return false;
    *perSec = (double)track->sumValue * 1e9 / (double)ns;
    return true;
}

/* ---- Records ------------------------------------------------------------- */

static void
ndDomFree(ndDom *rec)
{
    free(rec->name);
    free(rec->xml);
    free(rec->vcpus);
    free(rec->maps);
    free(rec->mapVcpus);
    ndDevsFree(rec->devs, rec->ndevs);
    free(rec);
}

/* The record of the domain @uuid (@name), made if new. */
static ndDom *
ndDomGet(nodedumpState *st, const unsigned char *uuid, const char *name)
{
    ndDom *rec = xvHashLookup(st->byUUID, uuid, XV_UUID_BUFLEN);

    if (rec)
        return rec;
    rec = xvAlloc(sizeof(*rec));
    memcpy(rec->uuid, uuid, XV_UUID_BUFLEN);
    rec->name = xvStrdup(name ? name : "");
    rec->id = -1;
    rec->demandKiB = -1;
    xvHashAdd(st->byUUID, rec->uuid, XV_UUID_BUFLEN, rec);
    st->doms = xvReallocN(st->doms, st->ndoms + 1, sizeof(*st->doms));
    st->doms[st->ndoms++] = rec;
    return rec;
}

/* Forgets what @rec measured of its incarnation before: it now follows
 * ID @id (-1: it is inactive). */
static void
ndDomRestart(ndDom *rec, int id)
{
    free(rec->vcpus);
    rec->vcpus = NULL;
    rec->nvcpus = 0;
    free(rec->maps);
    free(rec->mapVcpus);
    rec->maps = NULL;
    rec->mapVcpus = NULL;
    rec->nmaps = 0;
    ndDevsFree(rec->devs, rec->ndevs);
    rec->devs = NULL;
    rec->ndevs = 0;
    rec->demandKiB = -1;
    rec->id = id;
}

/* Appends @rec to the list *@list of *@n records. */
static void
ndListAdd(ndDom ***list, size_t *n, ndDom *rec)
{
    *list = xvReallocN(*list, *n + 1, sizeof(**list));
    (*list)[(*n)++] = rec;
}

/* A failed call on @rec's domain: 0 when the domain has just gone (it is
 * skipped), else -1 with the error reported. */
static int
ndVanished(nodedumpState *st, const char *name)
{
    virErrorPtr err = virGetLastError();

    if (err && err->code == VIR_ERR_NO_DOMAIN) {
        ndResetError(st);
        return 0;
    }
    ndFail(st, "failed to read domain '%s'", name);
    return -1;
}

/* ---- One domain's reading ------------------------------------------------- */

/* What one sample read of a domain, before it is timed. */
typedef struct _ndReading ndReading;
struct _ndReading {
    virDomainInfo info;
    virVcpuInfoPtr vcpus;   /* NULL: virDomainGetVcpus failed */
    unsigned char *maps;
    int nvcpus;
    ndTime vcpusAt;         /* when virDomainGetVcpus read them */
    long long demandKiB;    /* -1: the statistics do not tell */
    long long *io;          /* ND_NET_FIELDS per device; -1: unknown */
    ndTime *ioAt;           /* when each device was read */
};

static void
ndReadingClear(ndReading *r)
{
    free(r->vcpus);
    free(r->maps);
    free(r->io);
    free(r->ioAt);
}

/* Whether a domain in @state runs its vcpus (virsh's "running", "idle",
 * "no state", and "in shutdown" until it is off). */
static bool
ndStateRuns(int state)
{
    return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED ||
           state == VIR_DOMAIN_NOSTATE || state == VIR_DOMAIN_SHUTDOWN;
}

/* ACTUAL_BALLOON - UNUSED of @dom's memory statistics, or -1. */
static long long
ndReadDemand(nodedumpState *st, virDomainPtr dom)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    long long actual = -1, unused = -1;
    int n, i;

    if ((n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0)) < 0) {
        ndResetError(st);    /* not running: no statistics */
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (stats[i].tag == VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON)
            actual = (long long)stats[i].val;
        else if (stats[i].tag == VIR_DOMAIN_MEMORY_STAT_UNUSED)
            unused = (long long)stats[i].val;
    }
    if (actual < 0 || unused < 0)
        return -1;
    return actual > unused ? actual - unused : 0;
}

/* The counters of @dev into @out (ND_NET_FIELDS values, -1 where unknown);
 * false when the call fails. */
static bool
ndReadDev(nodedumpState *st, virDomainPtr dom, const ndDev *dev, long long *out)
{
    virDomainInterfaceStatsStruct net;
    virDomainBlockStatsStruct disk;
    int rc;

    if (dev->net)
        rc = virDomainInterfaceStats(dom, dev->target, &net, sizeof(net));
    else
        rc = virDomainBlockStats(dom, dev->target, &disk, sizeof(disk));
    if (rc < 0) {
        ndResetError(st);
        return false;
    }
    if (dev->net) {
        const long long v[ND_NET_FIELDS] = {
            net.rx_bytes, net.rx_packets, net.rx_errs, net.rx_drop,
            net.tx_bytes, net.tx_packets, net.tx_errs, net.tx_drop,
        };

        memcpy(out, v, sizeof(v));
    } else {
        const long long v[ND_DISK_FIELDS] = {
            disk.rd_req, disk.rd_bytes, disk.wr_req, disk.wr_bytes, disk.errs,
        };

        memcpy(out, v, sizeof(v));
    }
    return true;
}

/*
 * Everything a sample reads of the active @dom. Each counter is timed by
 * the clock readings just before and after its call: whatever else the
 * sample does, and however long a loaded machine stalls between two
 * domains, a counter and its time go together.
 */
static void
ndRead(nodedumpState *st, virDomainPtr dom, const ndDom *rec, ndReading *r)
{
    ndTime before, after;
    size_t d, f;

    r->demandKiB = ndReadDemand(st, dom);
    before = ndClockRead(st);
    if ((r->nvcpus = xvApiDomainGetVcpus(dom, r->info.nrVirtCpu, st->maplen, &r->vcpus,
                                        &r->maps)) < 0) {
        r->vcpus = NULL;
        ndResetError(st);
    }
    after = ndClockRead(st);
    r->vcpusAt = ndTimeMid(before, after);
    r->io = xvAllocN(rec->ndevs ? rec->ndevs : 1, ND_NET_FIELDS * sizeof(long long));
    r->ioAt = xvAllocN(rec->ndevs ? rec->ndevs : 1, sizeof(ndTime));
    for (d = 0; d < rec->ndevs; d++) {
        long long *out = r->io + d * ND_NET_FIELDS;

        for (f = 0; f < ND_NET_FIELDS; f++)
            out[f] = -1;
        before = after;
        ndReadDev(st, dom, &rec->devs[d], out);
        after = ndClockRead(st);
        r->ioAt[d] = ndTimeMid(before, after);
    }
}

/* The vcpus of @r into @rec: the CPU time of the online ones while the
 * domain runs, and every affinity. */
static void
ndApplyVcpus(const nodedumpState *st, ndDom *rec, ndReading *r)
{
    bool runs = ndStateRuns(r->info.state);
    int i;

    free(rec->maps);
    free(rec->mapVcpus);
    rec->maps = XV_STEAL_PTR(r->maps);
    rec->mapVcpus = xvAllocN(r->nvcpus > 0 ? (size_t)r->nvcpus : 1, sizeof(unsigned int));
    rec->nmaps = r->vcpus ? (size_t)r->nvcpus : 0;
    for (i = 0; r->vcpus && i < r->nvcpus; i++) {
        const virVcpuInfo *v = &r->vcpus[i];

        rec->mapVcpus[i] = v->number;
        if (v->number >= rec->nvcpus) {
            rec->vcpus = xvReallocN(rec->vcpus, v->number + 1, sizeof(*rec->vcpus));
            memset(rec->vcpus + rec->nvcpus, 0,
                   (v->number + 1 - rec->nvcpus) * sizeof(*rec->vcpus));
            rec->nvcpus = v->number + 1;
        }
        if (runs && v->state != VIR_VCPU_OFFLINE)
            ndTrackRead(&rec->vcpus[v->number], st->sample, r->vcpusAt, v->cpuTime);
    }
}

/* The reading @r into @rec. */
static void
ndApply(const nodedumpState *st, ndDom *rec, ndReading *r)
{
    size_t d, f;

    rec->state = r->info.state;
    rec->memKiB = r->info.memory;
    rec->sample = st->sample;
    ndApplyVcpus(st, rec, r);
    if (r->demandKiB > rec->demandKiB)
        rec->demandKiB = r->demandKiB;
    if (!ndStateRuns(r->info.state))
        return;
    for (d = 0; d < rec->ndevs; d++) {
        const long long *v = r->io + d * ND_NET_FIELDS;

        for (f = 0; f < ND_NET_FIELDS; f++) {
            if (v[f] >= 0)
                ndTrackRead(&rec->devs[d].fields[f], st->sample, r->ioAt[d], (uint64_t)v[f]);
        }
    }
}

/*
 * Makes @rec follow @dom, running with @id: a new ID starts afresh, with
 * the XML and its devices; the last sample takes the XML again. Returns
 * 1, 0 if the domain vanished, -1 on error (reported).
 */
static int
ndFollow(nodedumpState *st, ndDom *rec, virDomainPtr dom, int id)
{
    bool fresh = rec->id != id;
    char *xml;
    int n;

    if (fresh)
        ndDomRestart(rec, id);
    if (!fresh && st->sample < st->samples)
        return 1;
    if (!(xml = virDomainGetXMLDesc(dom, 0))) {
        rec->id = -1;       /* the next sample starts it afresh */
        return ndVanished(st, rec->name);
    }
    free(rec->xml);
    rec->xml = xml;
    if (fresh) {
        if ((n = ndDomainDevices(xml, &rec->devs)) < 0) {
            ndFail(st, "failed to read domain '%s'", rec->name);
            return -1;
        }
        rec->ndevs = (size_t)n;
    }
    return 1;
}

/*
 * Reads the active @dom (ID @id) into its record, *@ret. Returns 1, 0 when
 * it vanished meanwhile, -1 on error (reported).
 */
static int
ndReadActive(nodedumpState *st, virDomainPtr dom, int id, ndDom **ret)
{
    unsigned char uuid[XV_UUID_BUFLEN];
    const char *name = virDomainGetName(dom);
    ndReading r = { .demandKiB = -1 };
    ndDom *rec;
    int rc;

    if (virDomainGetUUID(dom, uuid) < 0 || virDomainGetInfo(dom, &r.info) < 0)
        return ndVanished(st, name ? name : "?");
    rec = ndDomGet(st, uuid, name);
    if ((rc = ndFollow(st, rec, dom, id)) <= 0)
        return rc;
    ndRead(st, dom, rec, &r);
    ndApply(st, rec, &r);
    ndReadingClear(&r);
    *ret = rec;
    return 1;
}

/* Reads the active domain @id; 0 if it vanished, -1 on error (reported). */
static int
ndSampleID(nodedumpState *st, int id)
{
    virDomainPtr dom = virDomainLookupByID(st->conn, id);
    ndDom *rec = NULL;
    char name[32];
    int rc;

    if (!dom) {
        snprintf(name, sizeof(name), "%d", id);
        return ndVanished(st, name);
    }
    rc = ndReadActive(st, dom, id, &rec);
    virDomainFree(dom);
    if (rc > 0 && st->sample == st->samples)
        ndListAdd(&st->active, &st->nactive, rec);
    return rc;
}

/* ---- The last sample: inactive domains and free memory -------------------- */

/* Reads the defined, inactive domain @name; 0 if it vanished or started
 * (it was read as active this sample), -1 on error (reported). */
static int
ndReadInactiveOne(nodedumpState *st, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(st->conn, name);
    unsigned char uuid[XV_UUID_BUFLEN];
    ndDom *rec;
    char *xml;

    if (!dom)
        return ndVanished(st, name);
    if (virDomainGetUUID(dom, uuid) < 0 || !(xml = virDomainGetXMLDesc(dom, 0))) {
        virDomainFree(dom);
        return ndVanished(st, name);
    }
    virDomainFree(dom);
    rec = ndDomGet(st, uuid, name);
    /* listed as active in this sample, then stopped: keep one of the two */
    if (rec->sample == st->sample && rec->id >= 0) {
        free(xml);
        return 0;
    }
    ndDomRestart(rec, -1);
    free(rec->xml);
    rec->xml = xml;
    rec->state = VIR_DOMAIN_SHUTOFF;
    rec->sample = st->sample;
    ndListAdd(&st->inactive, &st->ninactive, rec);
    return 1;
}

static int
ndCompareName(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The defined, inactive domains, by name, into st->inactive. */
static bool
ndReadInactive(nodedumpState *st)
{
    char **names = NULL;
    bool ok = true;
    int n, i;

    if ((n = xvApiListInactiveNames(st->conn, &names)) < 0) {
        ndFail(st, "Failed to list inactive domains");
        return false;
    }
    qsort(names, (size_t)n, sizeof(*names), ndCompareName);
    for (i = 0; i < n; i++) {
        if (ok && ndReadInactiveOne(st, names[i]) < 0)
            ok = false;
        free(names[i]);
    }
    free(names);
    return ok;
}

static bool
ndReadFreeMemory(nodedumpState *st)
{
    unsigned long long bytes = virNodeGetFreeMemory(st->conn);

    /* 0 is the call's error value */
    if (bytes == 0) {
        ndFail(st, "failed to get the free memory of the host");
        return false;
    }
    st->freeKiB = bytes / 1024;
    return true;
}

/* ---- Samples -------------------------------------------------------------- */

static int
ndCompareID(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

bool
ndSample(nodedumpState *st)
{
    bool last = st->sample == st->samples;
    int *ids = NULL;
    bool ok = false;
    int n, i;

    if ((n = xvApiListActiveIds(st->conn, &ids)) < 0) {
        ndFail(st, "Failed to list active domains");
        return false;
    }
    qsort(ids, (size_t)n, sizeof(*ids), ndCompareID);
    for (i = 0; i < n; i++) {
        if (ndSampleID(st, ids[i]) < 0)
            goto cleanup;
    }
    ok = !last || (ndReadInactive(st) && ndReadFreeMemory(st));

 cleanup:
    free(ids);
    return ok;
}

bool
ndStateInit(nodedumpState *st, virConnectPtr conn, const xvNodeDumpHooks *hooks,
            unsigned int samples, uint64_t intervalMs)
{
    const char *type;

    memset(st, 0, sizeof(*st));
    st->hooks = hooks;
    st->conn = conn;
    st->samples = samples;
    st->intervalMs = intervalMs;
    st->byUUID = xvHashNew();
    if (virNodeGetInfo(st->conn, &st->info) < 0) {
        ndFail(st, "failed to get node information");
        return false;
    }
    if (!(type = virConnectGetType(st->conn)) ||
        virConnectGetVersion(st->conn, &st->hvVersion) < 0) {
        ndFail(st, "failed to get the hypervisor type and version");
        return false;
    }
    st->hvType = xvStrdup(type);
    st->maxcpu = VIR_NODEINFO_MAXCPUS(st->info);
    st->maplen = VIR_CPU_MAPLEN(st->maxcpu > 0 ? st->maxcpu : 1);
    ndClockProbe(st);
    return true;
}

void
ndStateFree(nodedumpState *st)
{
    size_t i;

    for (i = 0; i < st->ndoms; i++)
        ndDomFree(st->doms[i]);
    free(st->doms);
    free(st->active);
    free(st->inactive);
    free(st->cpuStats);
    free(st->hvType);
    free(st->error);
    xvHashFree(st->byUUID);
    memset(st, 0, sizeof(*st));
}
