/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snapshot.c: the immutable, reference-counted picture of the hypervisor. */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

static const char *const snapshotCallNames[] = {
    [XV_CALL_NODE_GET_INFO] = "virNodeGetInfo",
    [XV_CALL_CONNECT_GET_VERSION] = "virConnectGetVersion",
    [XV_CALL_NUM_OF_DOMAINS] = "virConnectNumOfDomains",
    [XV_CALL_LIST_DOMAINS] = "virConnectListDomains",
    [XV_CALL_LOOKUP_BY_ID] = "virDomainLookupByID",
    [XV_CALL_GET_INFO] = "virDomainGetInfo",
    [XV_CALL_GET_UUID] = "virDomainGetUUID",
    [XV_CALL_GET_OS_TYPE] = "virDomainGetOSType",
    [XV_CALL_GET_VCPUS] = "virDomainGetVcpus",
    [XV_CALL_OPEN] = "virConnectOpenReadOnly",
    [XV_CALL_NODE_GET_FREE_MEMORY] = "virNodeGetFreeMemory",
    [XV_CALL_MEMORY_STATS] = "virDomainMemoryStats",
    [XV_CALL_LIST_DEFINED_DOMAINS] = "virConnectListDefinedDomains",
    [XV_CALL_LOOKUP_BY_NAME] = "virDomainLookupByName",
    [XV_CALL_GET_XML_DESC] = "virDomainGetXMLDesc",
    [XV_CALL_BLOCK_STATS] = "virDomainBlockStats",
    [XV_CALL_INTERFACE_STATS] = "virDomainInterfaceStats",
    [XV_CALL_NODE_GET_CPU_STATS] = "virNodeGetCPUStats",
};
_Static_assert(XV_N_ELEMENTS(snapshotCallNames) == XV_CALL_LAST,
               "snapshotCallNames must name every xvSampleCall");

const char *
xvSampleCallName(xvSampleCall call)
{
    if ((unsigned int)call >= XV_CALL_LAST)
        return NULL;
    return snapshotCallNames[call];
}

static const char *const snapshotCpuModeNames[] = {
    [XV_SNAP_CPU_USER] = "user",
    [XV_SNAP_CPU_KERNEL] = "kernel",
    [XV_SNAP_CPU_IDLE] = "idle",
    [XV_SNAP_CPU_IOWAIT] = "iowait",
    [XV_SNAP_CPU_INTR] = "intr",
};
_Static_assert(XV_N_ELEMENTS(snapshotCpuModeNames) == XV_SNAP_CPU_MODE_LAST,
               "snapshotCpuModeNames must name every xvSnapCpuMode");

const char *
xvSnapCpuModeName(xvSnapCpuMode mode)
{
    if ((unsigned int)mode >= XV_SNAP_CPU_MODE_LAST)
        return NULL;
    return snapshotCpuModeNames[mode];
}

/* A change to a published snapshot is a bug in the caller, never a runtime condition. */
static void
snapshotCheckOpen(const xvSnapshot *snap)
{
    if (snap->finished) {
        fprintf(stderr, "xvSnapshot: changed after xvSnapshotFinish()\n");
        abort();
    }
}

xvSnapshot *
xvSnapshotNew(void)
{
    xvSnapshot *snap = xvAlloc(sizeof(*snap));

    atomic_init(&snap->refs, 1);
    return snap;
}

/* The reference count of @snap: the one field a reader changes (atomically).
 * Every snapshot is allocated by xvSnapshotNew(), never const itself. */
static atomic_int *
snapshotRefs(const xvSnapshot *snap)
{
    return &((xvSnapshot *)snap)->refs;
}

const xvSnapshot *
xvSnapshotRef(const xvSnapshot *snap)
{
    if (snap)
        atomic_fetch_add_explicit(snapshotRefs(snap), 1, memory_order_relaxed);
    return snap;
}

static void
snapshotFreeDisks(xvSnapDisk *disks, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(disks[i].device);
        free(disks[i].source);
    }
}

static void
snapshotFreeNics(xvSnapNic *nics, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(nics[i].device);
        free(nics[i].source);
        free(nics[i].mac);
    }
}

static void
snapshotFree(xvSnapshot *snap)
{
    size_t i;

    for (i = 0; i < snap->ndomains; i++) {
        free(snap->domains[i].name);
        free(snap->domains[i].osType);
    }
    snapshotFreeDisks(snap->disks, snap->ndisks);
    snapshotFreeNics(snap->nics, snap->nnics);
    free(snap->disks);
    free(snap->nics);
    free(snap->pcpus);
    free(snap->domains);
    free(snap->vcpus);
    free(snap->cpumaps);
    free(snap->hvType);
    free(snap);
}

xvSnapshot *
xvSnapshotUnref(const xvSnapshot *snap)
{
    if (!snap)
        return NULL;
    /* release: our writes happen before the free; acquire: the freeing thread sees them all */
    if (atomic_fetch_sub_explicit(snapshotRefs(snap), 1, memory_order_acq_rel) == 1)
        snapshotFree((xvSnapshot *)snap);
    return NULL;
}

/* The capacity to grow an array of @cap to hold @need: at least double. */
static size_t
snapshotGrowCap(size_t cap, size_t need)
{
    size_t grown = cap < 16 ? 16 : cap;

    while (grown < need) {
        if (grown > SIZE_MAX / 2)
            abort();
        grown *= 2;
    }
    return grown;
}

/* Makes room for @need elements of @size in *@array, of capacity *@cap. */
static void
snapshotReserve(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    *cap = snapshotGrowCap(*cap, need);
    *array = xvReallocN(*array, *cap, size);
}

xvSnapDomain *
xvSnapshotAddDomain(xvSnapshot *snap)
{
    xvSnapDomain *dom;

    snapshotCheckOpen(snap);
    snapshotReserve((void **)&snap->domains, &snap->domainsCap, snap->ndomains + 1,
                    sizeof(*dom));
    dom = &snap->domains[snap->ndomains++];
    memset(dom, 0, sizeof(*dom));
    dom->firstVcpu = snap->nvcpus;
    dom->firstDisk = snap->ndisks;
    dom->firstNic = snap->nnics;
    return dom;
}

void
xvSnapshotDropLastDomain(xvSnapshot *snap)
{
    xvSnapDomain *dom;

    snapshotCheckOpen(snap);
    if (snap->ndomains == 0)
        return;
    dom = &snap->domains[--snap->ndomains];
    /* its vcpus, if any, are the last ones added */
    if (dom->nvcpus > 0 && dom->firstVcpu + dom->nvcpus == snap->nvcpus)
        snap->nvcpus = dom->firstVcpu;
    /* so are its disks and interfaces */
    if (dom->ndisks > 0 && dom->firstDisk + dom->ndisks == snap->ndisks) {
        snapshotFreeDisks(&snap->disks[dom->firstDisk], dom->ndisks);
        snap->ndisks = dom->firstDisk;
    }
    if (dom->nnics > 0 && dom->firstNic + dom->nnics == snap->nnics) {
        snapshotFreeNics(&snap->nics[dom->firstNic], dom->nnics);
        snap->nnics = dom->firstNic;
    }
    free(dom->name);
    free(dom->osType);
    memset(dom, 0, sizeof(*dom));
}

/*
 * Checks that @dom is the domain last added and that its range
 * [*@first, *@first + *@count) of some array of @total elements is the
 * last one, then grows the range by @n; returns where the new elements
 * start. The one rule of xvSnapshotAddVcpus/Disks/Nics.
 */
static size_t
snapshotGrowRange(const xvSnapshot *snap, const xvSnapDomain *dom, size_t *first,
                  size_t *count, size_t *total, size_t n, const char *what)
{
    size_t start = *total;

    snapshotCheckOpen(snap);
    if (snap->ndomains == 0 || dom != &snap->domains[snap->ndomains - 1] ||
        (*count > 0 && *first + *count != *total)) {
        fprintf(stderr, "xvSnapshotAdd%s: not the domain last added\n", what);
        abort();
    }
    if (n > SIZE_MAX - start)
        abort();
    if (*count == 0)
        *first = start;
    *count += n;
    *total = start + n;
    return start;
}

xvSnapVcpu *
xvSnapshotAddVcpus(xvSnapshot *snap, xvSnapDomain *dom, size_t n)
{
    size_t maplen, first;

    if (snap->maplen < 0) {
        fprintf(stderr, "xvSnapshotAddVcpus: negative maplen\n");
        abort();
    }
    maplen = (size_t)snap->maplen;
    first = snapshotGrowRange(snap, dom, &dom->firstVcpu, &dom->nvcpus, &snap->nvcpus, n,
                              "Vcpus");
    if (first + n > snap->vcpusCap) {
        snap->vcpusCap = snapshotGrowCap(snap->vcpusCap, first + n);
        snap->vcpus = xvReallocN(snap->vcpus, snap->vcpusCap, sizeof(xvSnapVcpu));
        if (maplen > 0)
            snap->cpumaps = xvReallocN(snap->cpumaps, snap->vcpusCap, maplen);
    } else if (maplen > 0 && !snap->cpumaps) {
        /* maps asked for after vcpus without them were added */
        snap->cpumaps = xvAllocN(snap->vcpusCap, maplen);
    }
    memset(&snap->vcpus[first], 0, n * sizeof(xvSnapVcpu));
    if (maplen > 0)
        memset(snap->cpumaps + first * maplen, 0, n * maplen);
    return &snap->vcpus[first];
}

xvSnapDisk *
xvSnapshotAddDisks(xvSnapshot *snap, xvSnapDomain *dom, size_t n)
{
    size_t start = snapshotGrowRange(snap, dom, &dom->firstDisk, &dom->ndisks, &snap->ndisks,
                                     n, "Disks");

    snapshotReserve((void **)&snap->disks, &snap->disksCap, snap->ndisks, sizeof(xvSnapDisk));
    memset(&snap->disks[start], 0, n * sizeof(xvSnapDisk));
    return &snap->disks[start];
}

xvSnapNic *
xvSnapshotAddNics(xvSnapshot *snap, xvSnapDomain *dom, size_t n)
{
    size_t start = snapshotGrowRange(snap, dom, &dom->firstNic, &dom->nnics, &snap->nnics, n,
                                     "Nics");

    snapshotReserve((void **)&snap->nics, &snap->nicsCap, snap->nnics, sizeof(xvSnapNic));
    memset(&snap->nics[start], 0, n * sizeof(xvSnapNic));
    return &snap->nics[start];
}

xvSnapPcpu *
xvSnapshotAddPcpus(xvSnapshot *snap, size_t n)
{
    size_t start = snap->npcpus;

    snapshotCheckOpen(snap);
    if (n > SIZE_MAX - start)
        abort();
    snapshotReserve((void **)&snap->pcpus, &snap->pcpusCap, start + n, sizeof(xvSnapPcpu));
    memset(&snap->pcpus[start], 0, n * sizeof(xvSnapPcpu));
    snap->npcpus = start + n;
    return &snap->pcpus[start];
}

unsigned char *
xvSnapshotVcpuMap(const xvSnapshot *snap, size_t vcpuIndex)
{
    if (snap->maplen <= 0 || !snap->cpumaps || vcpuIndex >= snap->nvcpus)
        return NULL;
    return snap->cpumaps + vcpuIndex * (size_t)snap->maplen;
}

int
xvSnapshotAddCollector(xvSnapshot *snap, const char *name, uint64_t durationNs, bool success)
{
    xvCollectorResult *res;

    snapshotCheckOpen(snap);
    if (snap->ncollectors >= XV_COLLECTORS_MAX)
        return -ENOSPC;
    res = &snap->collectors[snap->ncollectors++];
    res->name = name;
    res->durationNs = durationNs;
    res->success = success;
    return 0;
}

void
xvSnapshotCarryTotals(xvSnapshot *snap, const xvSnapshot *prev)
{
    snapshotCheckOpen(snap);
    if (prev)
        memcpy(snap->errorsTotal, prev->errorsTotal, sizeof(snap->errorsTotal));
    else
        memset(snap->errorsTotal, 0, sizeof(snap->errorsTotal));
}

static int
snapshotCompareDomains(const void *a, const void *b)
{
    const xvSnapDomain *da = a;
    const xvSnapDomain *db = b;
    int cmp = strcmp(da->name ? da->name : "", db->name ? db->name : "");

    if (cmp != 0)
        return cmp;
    /* names are unique per hypervisor; ids keep qsort deterministic anyway */
    return (da->id > db->id) - (da->id < db->id);
}

/*
 * Sorts one domain's vcpus by number, moving their maps along. Insertion
 * sort: GetVcpus already returns them in order, so this is one linear check.
 */
static void
snapshotSortVcpus(xvSnapshot *snap, const xvSnapDomain *dom, unsigned char *tmpmap)
{
    size_t maplen = snap->maplen > 0 && snap->cpumaps ? (size_t)snap->maplen : 0;
    xvSnapVcpu *v = &snap->vcpus[dom->firstVcpu];
    size_t i, j;

    for (i = 1; i < dom->nvcpus; i++) {
        xvSnapVcpu key;

        if (v[i - 1].number <= v[i].number)
            continue;
        key = v[i];
        if (maplen > 0)
            memcpy(tmpmap, snap->cpumaps + (dom->firstVcpu + i) * maplen, maplen);
        for (j = i; j > 0 && v[j - 1].number > key.number; j--)
            v[j] = v[j - 1];
        if (maplen > 0) {
            unsigned char *base = snap->cpumaps + dom->firstVcpu * maplen;

            memmove(base + (j + 1) * maplen, base + j * maplen, (i - j) * maplen);
            memcpy(base + j * maplen, tmpmap, maplen);
        }
        v[j] = key;
    }
}

void
xvSnapshotFinish(xvSnapshot *snap)
{
    unsigned char *tmpmap;
    size_t i;

    snapshotCheckOpen(snap);
    tmpmap = xvAlloc(snap->maplen > 0 ? (size_t)snap->maplen : 1);
    for (i = 0; i < snap->ndomains; i++)
        snapshotSortVcpus(snap, &snap->domains[i], tmpmap);
    free(tmpmap);
    if (snap->ndomains > 1)
        qsort(snap->domains, snap->ndomains, sizeof(xvSnapDomain), snapshotCompareDomains);
    snap->finished = true;
}

const xvSnapDomain *
xvSnapshotFindDomain(const xvSnapshot *snap, const char *name)
{
    size_t lo = 0, hi = snap->ndomains, i;

    if (!name)
        return NULL;
    if (!snap->finished) {
        for (i = 0; i < snap->ndomains; i++) {
            if (snap->domains[i].name && strcmp(snap->domains[i].name, name) == 0)
                return &snap->domains[i];
        }
        return NULL;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(snap->domains[mid].name ? snap->domains[mid].name : "", name);

        if (cmp == 0)
            return &snap->domains[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
