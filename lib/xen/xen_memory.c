/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_memory.c: free host memory and guest memory statistics on Xen, for
 * balloon policies (virNodeGetFreeMemory, virDomainMemoryStats).
 *
 * What a call costs:
 *
 * - virNodeGetFreeMemory: one xc_physinfo (free_pages x 4 KiB).
 * - virDomainMemoryStats: the first call for a domain sets three xenstore
 *   watches (memory/target, data/meminfo_total, data/meminfo_free) and reads
 *   the three keys, plus memory/videoram (fixed for the domain's life).
 *   After that a key is read again only when its watch fired: the guest
 *   agent rewrote it (xenlab's --domu-meminfo writes both meminfo keys every
 *   S seconds, one event each) or the toolstack moved the balloon target.
 *   Two calls with nothing changed in between read nothing, and no call
 *   makes a hypercall (the driver's domain cache finds the domain).
 *   xenstored fires every new watch once at once; that first event of each
 *   watch is expected and ignored (the key is read right after the watch is
 *   set, so a change in between is read then, or marks the key again).
 *   A domain whose watches cannot be set (xenstored's quota) is read on
 *   every call instead, and the watches are tried again each time.
 */
#include "config.h"

#include "xen/xen_memory.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_XEN

#define XEN_MEM_PATH_MAX 128
#define XEN_MEM_DOMAIN_PREFIX "/local/domain/"

typedef enum {
    XEN_MEM_KEY_TARGET = 0,     /* memory/target: the balloon target (toolstack) */
    XEN_MEM_KEY_TOTAL,          /* data/meminfo_total: MemTotal (guest agent) */
    XEN_MEM_KEY_FREE,           /* data/meminfo_free: MemAvailable (guest agent) */
    XEN_MEM_KEY_LAST
} xenMemKey;

static const char *const xenMemKeyPaths[] = {
    [XEN_MEM_KEY_TARGET] = "memory/target",
    [XEN_MEM_KEY_TOTAL] = "data/meminfo_total",
    [XEN_MEM_KEY_FREE] = "data/meminfo_free",
};
_Static_assert(XV_N_ELEMENTS(xenMemKeyPaths) == XEN_MEM_KEY_LAST,
               "xenMemKeyPaths must name every xenMemKey");

typedef struct _xenMemDom xenMemDom;
struct _xenMemDom {
    uint32_t domid;
    unsigned char uuid[16];
    bool watched;                   /* the three watches are set */
    bool primed[XEN_MEM_KEY_LAST];  /* the watch's first (setup) event came */
    bool dirty[XEN_MEM_KEY_LAST];   /* to read at the next call */
    bool have[XEN_MEM_KEY_LAST];    /* the key holds a number */
    unsigned long long kib[XEN_MEM_KEY_LAST];
    bool videoramRead;              /* videoramKiB is known */
    unsigned long long videoramKiB; /* memory/videoram: fixed for the domain's life */
};

/* Guarded by the driver's connection lock, like the rest of its state. */
struct _xvXenMemCache {
    char *token;
    xenMemDom *doms;
    size_t ndoms;
};

xvXenMemCache *
xvXenMemCacheNew(const char *driverToken)
{
    xvXenMemCache *cache = xvAlloc(sizeof(*cache));

    cache->token = xvAsprintf("%s/mem", driverToken);
    return cache;
}

void
xvXenMemCacheFree(xvXenMemCache *cache)
{
    if (!cache)
        return;
    free(cache->doms);
    free(cache->token);
    free(cache);
}

static xenMemDom *
xenMemFind(xvXenMemCache *cache, uint32_t domid)
{
    size_t i;

    for (i = 0; i < cache->ndoms; i++) {
        if (cache->doms[i].domid == domid)
            return &cache->doms[i];
    }
    return NULL;
}

static void
xenMemKeyPath(char *buf, size_t len, uint32_t domid, xenMemKey key)
{
    snprintf(buf, len, XEN_MEM_DOMAIN_PREFIX "%" PRIu32 "/%s", domid, xenMemKeyPaths[key]);
}

bool
xvXenMemCacheWatchEvent(xvXenMemCache *cache, const char *path, const char *token)
{
    const char *rest;
    unsigned long domid;
    char *end;
    xenMemDom *dom;
    size_t k;

    if (!cache || !XV_STREQ(token, cache->token))
        return false;
    if (strncmp(path, XEN_MEM_DOMAIN_PREFIX, strlen(XEN_MEM_DOMAIN_PREFIX)) != 0)
        return true;
    rest = path + strlen(XEN_MEM_DOMAIN_PREFIX);
    errno = 0;
    domid = strtoul(rest, &end, 10);
    if (errno != 0 || end == rest || *end != '/' || domid > UINT32_MAX ||
        !(dom = xenMemFind(cache, (uint32_t)domid)))
        return true;    /* an entry dropped since: nothing to do */
    for (k = 0; k < XEN_MEM_KEY_LAST; k++) {
        if (!XV_STREQ(end + 1, xenMemKeyPaths[k]))
            continue;
        if (!dom->primed[k])
            dom->primed[k] = true;
        else
            dom->dirty[k] = true;
    }
    return true;
}

/* Removes the first @n watches of @dom, keeping the caller's error state:
 * a watch that will not go only costs xenstored a little memory. */
static void
xenMemUnwatch(xvXenMemCache *cache, const xvXenHypervisor *hv, void *xs,
              const xenMemDom *dom, size_t n)
{
    bool hadError = xvErrorIsSet();
    virErrorPtr saved = xvErrorPreserveLast();
    char path[XEN_MEM_PATH_MAX];

    while (n-- > 0) {
        xenMemKeyPath(path, sizeof(path), dom->domid, (xenMemKey)n);
        hv->store->unwatch(xs, path, cache->token);
    }
    if (hadError)
        xvErrorRestore(&saved);
    else
        virResetLastError();
}

/* Sets the three watches of @dom; on failure none stays and no error is
 * left: the domain is then read at every call. */
static void
xenMemWatch(xvXenMemCache *cache, const xvXenHypervisor *hv, void *xs, xenMemDom *dom)
{
    char path[XEN_MEM_PATH_MAX];
    size_t k;

    for (k = 0; k < XEN_MEM_KEY_LAST; k++) {
        xenMemKeyPath(path, sizeof(path), dom->domid, (xenMemKey)k);
        if (hv->store->watch(xs, path, cache->token) < 0) {
            virResetLastError();
            xenMemUnwatch(cache, hv, xs, dom, k);
            return;
        }
        dom->primed[k] = false;
    }
    dom->watched = true;
}

/* Drops the entries of the domains that are gone, with their watches. */
static void
xenMemPrune(xvXenMemCache *cache, const xvXenHypervisor *hv, void *xs,
            xvXenDomAliveFunc alive, void *opaque)
{
    size_t i = 0;

    while (i < cache->ndoms) {
        xenMemDom *dom = &cache->doms[i];

        if (alive(opaque, dom->domid, dom->uuid)) {
            i++;
            continue;
        }
        if (dom->watched)
            xenMemUnwatch(cache, hv, xs, dom, XEN_MEM_KEY_LAST);
        cache->doms[i] = cache->doms[--cache->ndoms];
    }
}

/* The entry of @domid, made if new; a new domain under a reused id keeps
 * the watches (same paths) but nothing it knew. */
static xenMemDom *
xenMemEnsure(xvXenMemCache *cache, uint32_t domid, const unsigned char *uuid)
{
    xenMemDom *dom = xenMemFind(cache, domid);
    size_t k;

    if (!dom) {
        cache->doms = xvReallocN(cache->doms, cache->ndoms + 1, sizeof(*cache->doms));
        dom = &cache->doms[cache->ndoms++];
        memset(dom, 0, sizeof(*dom));
        dom->domid = domid;
    } else if (memcmp(dom->uuid, uuid, sizeof(dom->uuid)) == 0) {
        return dom;
    }
    memcpy(dom->uuid, uuid, sizeof(dom->uuid));
    for (k = 0; k < XEN_MEM_KEY_LAST; k++) {
        dom->have[k] = false;
        dom->dirty[k] = true;
    }
    dom->videoramRead = false;
    return dom;
}

/* A KiB count written by the toolstack or the guest: anything but a plain
 * decimal number counts as absent (the guest controls its data/ keys). */
static bool
xenMemParseKiB(const char *value, unsigned long long *ret)
{
    char *end;

    if (!value || value[0] < '0' || value[0] > '9')
        return false;
    errno = 0;
    *ret = strtoull(value, &end, 10);
    return errno == 0 && *end == '\0';
}

/* Reads /local/domain/<id>/@key: *@have tells whether it holds a number. */
static int
xenMemReadKiB(const xvXenHypervisor *hv, void *xs, uint32_t domid, const char *key,
              bool *have, unsigned long long *kib)
{
    char path[XEN_MEM_PATH_MAX];
    char *value;

    snprintf(path, sizeof(path), XEN_MEM_DOMAIN_PREFIX "%" PRIu32 "/%s", domid, key);
    errno = 0;
    if (!(value = hv->store->read(xs, XV_XEN_XBT_NULL, path)) && errno != ENOENT)
        return -1;
    *have = xenMemParseKiB(value, kib);
    free(value);
    return 0;
}

/* Reads what changed since the last call (all of it, the first time). */
static int
xenMemRefresh(const xvXenHypervisor *hv, void *xs, xenMemDom *dom)
{
    bool have;
    size_t k;

    if (!dom->videoramRead) {
        if (xenMemReadKiB(hv, xs, dom->domid, "memory/videoram", &have,
                          &dom->videoramKiB) < 0)
            return -1;
        if (!have)
            dom->videoramKiB = 0;
        dom->videoramRead = true;
    }
    for (k = 0; k < XEN_MEM_KEY_LAST; k++) {
        if (!dom->dirty[k])
            continue;
        if (xenMemReadKiB(hv, xs, dom->domid, xenMemKeyPaths[k], &dom->have[k],
                          &dom->kib[k]) < 0)
            return -1;
        dom->dirty[k] = false;
    }
    return 0;
}

static unsigned int
xenMemStatAdd(virDomainMemoryStatPtr stats, unsigned int n, unsigned int nr_stats,
              const xenMemDom *dom, int tag, xenMemKey key, unsigned long long plusKiB)
{
    if (n >= nr_stats || !dom->have[key])
        return n;
    stats[n].tag = tag;
    stats[n].val = dom->kib[key] + plusKiB;
    return n + 1;
}

int
xvXenMemoryStats(xvXenMemCache *cache, const xvXenHypervisor *hv, void *xs,
                 uint32_t domid, const unsigned char *uuid,
                 xvXenDomAliveFunc alive, void *opaque,
                 virDomainMemoryStatPtr stats, unsigned int nr_stats)
{
    xenMemDom *dom;
    unsigned int n = 0;
    size_t k;

    xenMemPrune(cache, hv, xs, alive, opaque);
    dom = xenMemEnsure(cache, domid, uuid);
    /* Watch before reading, so that no change after the read is lost. Not
     * watched until now: read everything. */
    if (!dom->watched) {
        xenMemWatch(cache, hv, xs, dom);
        for (k = 0; k < XEN_MEM_KEY_LAST; k++)
            dom->dirty[k] = true;
    }
    if (xenMemRefresh(hv, xs, dom) < 0)
        return -1;
    /* Increasing tag order: UNUSED 4, AVAILABLE 5, ACTUAL_BALLOON 6, USABLE 8.
     * The balloon counts the video RAM, as virDomainSetMemory's size does
     * (memory/target is what the guest's balloon driver sees, without it). */
    n = xenMemStatAdd(stats, n, nr_stats, dom, VIR_DOMAIN_MEMORY_STAT_UNUSED,
                      XEN_MEM_KEY_FREE, 0);
    n = xenMemStatAdd(stats, n, nr_stats, dom, VIR_DOMAIN_MEMORY_STAT_AVAILABLE,
                      XEN_MEM_KEY_TOTAL, 0);
    n = xenMemStatAdd(stats, n, nr_stats, dom, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON,
                      XEN_MEM_KEY_TARGET, dom->videoramKiB);
    n = xenMemStatAdd(stats, n, nr_stats, dom, VIR_DOMAIN_MEMORY_STAT_USABLE,
                      XEN_MEM_KEY_FREE, 0);
    return (int)n;
}

unsigned long long
xvXenNodeFreeMemory(const xvXenHypervisor *hv, void *xc)
{
    xvXenPhysInfo phys;

    memset(&phys, 0, sizeof(phys));
    if (hv->ctrl->physinfo(xc, &phys) < 0)
        return 0;
    if (phys.freePages == 0) {
        /* 0 is the API's error value: a full host cannot be told apart. */
        xvReportError(VIR_ERR_OPERATION_FAILED, "%s", "Xen has no free memory");
        return 0;
    }
    return phys.freePages * XV_XEN_PAGE_KIB * 1024ULL;
}
