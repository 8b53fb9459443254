/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_driver.c: the Xen driver: the seed API on Xen 4.17 (dom0), through
 * the seam of xen_hv.h, at the cost floor of the hypercall interface.
 *
 * What a call costs, and why it is correct:
 *
 * - The batch. virConnectNumOfDomains and virConnectListDomains take one
 *   xc_domain_getinfolist batch of every domain (in chunks of 512 until a
 *   chunk comes back short: no cap on the count, floor(N / 512) + 1
 *   calls). That batch then serves the rest of the same sample, if it is
 *   younger than one second and this connection made no write since: a
 *   ListDomains right after NumOfDomains (one list per batch; the next one
 *   takes a new batch), any number of virDomainLookupByID, and one
 *   virDomainGetInfo per domain (a second GetInfo of the same domain asks
 *   Xen again, for that domain only: xc_domain_getinfolist(id, 1)). So a
 *   GetInfo is never older than the sample it belongs to, and a program
 *   that polls GetInfo sees fresh state on each call. Batches taken for
 *   the driver's own needs (syncing the cache) serve no later call.
 * - The cache. Per domain id: its UUID (the domain handle from
 *   getinfolist, no xenstore read), name and memory/static-max (xenstore),
 *   HVM flag and vcpu count (fixed for a domain's life). Entries are read
 *   when a domain is first seen, dropped when a batch no longer has it, and
 *   nothing else is re-read: xenstore's @introduceDomain/@releaseDomain
 *   watches (drained with xs_check_watch, never blocking, at the start of
 *   each call) only mark the cache stale, and the next call that relies on
 *   the cache alone syncs it with one batch, reading xenstore for new
 *   domains only (2 reads each) and for names still missing. A sample of an
 *   unchanged host does no xenstore read at all.
 * - virDomainGetVcpus: one xc_vcpu_getinfo per vcpu, plus one
 *   xc_vcpu_getaffinity per vcpu when maps are asked for.
 * - Writes ask Xen for the domain's current state first (one
 *   getinfolist(id, 1)) and invalidate the batch.
 * - virDomainBlockStats / virDomainInterfaceStats: no hypercall (the
 *   cache finds the domain), 5 / 8 pread(2) of the backend's counter files,
 *   and xenstore only when a watch on the backend folders fired for that
 *   domain (xen_iostats.c). virNodeGetCPUStats: one xc_getcpuinfo.
 *
 * A domain is identified by its handle's id, checked against its UUID; a
 * domain that changed id (`xl reboot` keeps the UUID) is found again by
 * UUID with one batch, and the handle's id follows it.
 *
 * Defined domains live in a store of our own (xen_state.h: Xen 4.17 keeps
 * none), read from disk only by the calls about defined domains and by the
 * lookups and domain calls that do not find a running domain. Creating,
 * saving, restoring and the live XML go through the toolstack (libxl), so
 * that `xl` sees and manages what we start, and we what it starts.
 */
#include "config.h"

#include "xen/xen_driverpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "conf/domain_conf.h"
#include "datatypes.h"
#include "domain_event.h"
#include "driver.h"
#include "util/xvclock.h"
#include "util/xvloopref.h"
#include "util/xvuuid.h"
#include "virerror.h"
#include "xen/xen_conf.h"
#include "xen/xen_ctrl.h"
#include "xen/xen_events.h"
#include "xen/xen_iostats.h"
#include "xen/xen_memory.h"
#include "xen/xen_monitor.h"
#include "xen/xen_state.h"
#include "xen/xen_store.h"

#define XV_FROM_THIS VIR_FROM_XEN

#define XEN_BATCH_CHUNK_DEFAULT 512u
#define XEN_BATCH_TTL_MS_DEFAULT 1000L
/* xenstore transactions are retried this often on a conflict (EAGAIN). */
#define XEN_XS_RETRIES 16
/* libxl refuses to balloon dom0 below this (LIBXL_MIN_DOM0_MEM). */
#define XEN_MIN_DOM0_KIB (128ul * 1024)
#define XEN_PATH_MAX 128
/* Without a descriptor for the watches (xs_fileno failed), the event loop
 * looks at them this often: xs_check_watch only reads libxenstore's queue. */
#define XEN_EVENT_POLL_MS 250
/* A batch that failed in the event loop is tried again after this. */
#define XEN_EVENT_RETRY_MS 1000

const xvXenHypervisor xvXenHypervisorReal = {
    .name = "xen",
    .ctrl = &xvXenCtrlReal,
    .store = &xvXenStoreReal,
};

/* Test hooks (xen_driverpriv.h): read once by each connectOpen. */
static const xvXenHypervisor *xenHypervisor = &xvXenHypervisorReal;
static unsigned int xenBatchChunk = XEN_BATCH_CHUNK_DEFAULT;
static pthread_mutex_t xenSysRootLock = PTHREAD_MUTEX_INITIALIZER;
static char *xenSysRoot;        /* under xenSysRootLock; NULL: "/" */
static long xenBatchTtlMs = XEN_BATCH_TTL_MS_DEFAULT;

void
xvXenDriverSetHypervisor(const xvXenHypervisor *hv)
{
    __atomic_store_n(&xenHypervisor, hv ? hv : &xvXenHypervisorReal, __ATOMIC_RELEASE);
}

void
xvXenDriverSetBatchTuning(unsigned int chunk, long ttlMs)
{
    __atomic_store_n(&xenBatchChunk, chunk ? chunk : XEN_BATCH_CHUNK_DEFAULT,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&xenBatchTtlMs, ttlMs < 0 ? XEN_BATCH_TTL_MS_DEFAULT : ttlMs,
                     __ATOMIC_RELEASE);
}

void
xvXenDriverSetSysRoot(const char *root)
{
    pthread_mutex_lock(&xenSysRootLock);
    free(xenSysRoot);
    xenSysRoot = root && root[0] ? xvStrdup(root) : NULL;
    pthread_mutex_unlock(&xenSysRootLock);
}

/* ---- Private data -------------------------------------------------------- */

typedef struct _xenDom xenDom;
struct _xenDom {
    uint32_t domid;
    unsigned char uuid[XV_UUID_BUFLEN];
    char *name;                 /* "Domain-<id>" while xenstore has none */
    bool nameMissing;           /* name is that stand-in: re-read when stale */
    bool hvm;
    bool dying;                 /* destroyed, its pages not yet released */
    unsigned int maxVcpus;      /* max_vcpu_id + 1 */
    unsigned long staticMaxKiB; /* memory/static-max; 0 when absent */
};

typedef struct _xenPriv xenPriv;
struct _xenPriv {
    /* Immutable after connectOpen. */
    const xvXenHypervisor *hv;
    void *xc;
    void *xs;
    unsigned int chunk;
    uint64_t ttlNs;
    char token[48];             /* our watch token */
    char *stateDir;             /* the store of defined domains (xen_state.h) */
    char *sysRoot;              /* prefix of the sysfs paths ("" in production) */
    xvXenStateIndex *stateIndex; /* its names and UUIDs (under the lock) */

    pthread_mutex_t lock;       /* guards the rest; held for each call */
    unsigned int nodeMaxCpus;   /* VIR_NODEINFO_MAXCPUS of the last node info */
    xenDom *doms;               /* the cache, sorted by domid */
    size_t ndoms;
    bool stale;                 /* a domain watch fired since the last sync */
    bool primed[2];             /* the first event of each watch came (xenstored
                                 * fires a new watch once at once) */
    xvXenDomInfo *batch;        /* the last batch, in domid order */
    size_t nbatch;
    size_t batchCap;
    bool *batchUsed;            /* entry already served a GetInfo */
    uint64_t batchNs;           /* when it was taken; 0: no usable batch */
    bool batchListed;           /* it already served a ListDomains */
    xvXenMemCache *mem;         /* guest memory facts (xen_memory.h), made by
                                 * the first virDomainMemoryStats */
    xvXenIoCache *io;           /* backend devices and their counter files
                                 * (xen_iostats.h), made by the first
                                 * virDomainBlockStats/InterfaceStats */
    unsigned int cpuSlots;      /* max_cpu_id + 1 of the last node info */
    /* Lifecycle events, while the program listens (xenConnectEvents): */
    virConnectPtr eventConn;    /* NULL: off */
    xvXenEventView *events;     /* what each batch is compared with */
    xvLoopRef *eventWatch;      /* the connection, for the loop's callbacks */
    int eventHandle;            /* the loop's watch of xs_fileno, -1: none */
    int eventTimer;             /* the loop's timer, -1: none */
    int eventIdleMs;            /* the timer's period when nothing is due:
                                 * -1, or XEN_EVENT_POLL_MS without a descriptor */
};

static const char *const xenWatchPaths[] = { "@introduceDomain", "@releaseDomain" };

static void
xenDomClear(xenDom *dom)
{
    free(dom->name);
    dom->name = NULL;
}

static void
xenCacheClear(xenPriv *priv)
{
    size_t i;

    for (i = 0; i < priv->ndoms; i++)
        xenDomClear(&priv->doms[i]);
    free(priv->doms);
    priv->doms = NULL;
    priv->ndoms = 0;
}

static void
xenPrivFree(xenPriv *priv)
{
    if (!priv)
        return;
    xenCacheClear(priv);
    xvXenMemCacheFree(priv->mem);
    xvXenIoCacheFree(priv->io);
    xvXenEventViewFree(priv->events);
    free(priv->sysRoot);
    free(priv->batch);
    free(priv->batchUsed);
    free(priv->stateDir);
    xvXenStateIndexFree(priv->stateIndex);
    pthread_mutex_destroy(&priv->lock);
    free(priv);
}

/* ---- xenstore facts of one domain ------------------------------------------ */

/* Reads /local/domain/<id>/<key> into *@ret (NULL when absent). */
static int
xenStoreReadDomKey(xenPriv *priv, xvXenXbt t, uint32_t domid, const char *key,
                   char **ret)
{
    char path[XEN_PATH_MAX];

    snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/%s", domid, key);
    errno = 0;
    if (!(*ret = priv->hv->store->read(priv->xs, t, path)) && errno != ENOENT)
        return -1;
    return 0;
}

static int
xenStoreWriteDomKey(xenPriv *priv, xvXenXbt t, uint32_t domid, const char *key,
                    const char *value)
{
    char path[XEN_PATH_MAX];

    snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/%s", domid, key);
    return priv->hv->store->write(priv->xs, t, path, value);
}

/* A KiB count kept in xenstore: *@ret = 0 when absent. */
static int
xenStoreReadDomKiB(xenPriv *priv, xvXenXbt t, uint32_t domid, const char *key,
                   unsigned long *ret)
{
    XV_AUTOFREE(char *) value = NULL;
    char *end;

    *ret = 0;
    if (xenStoreReadDomKey(priv, t, domid, key, &value) < 0)
        return -1;
    if (!value)
        return 0;
    errno = 0;
    *ret = strtoul(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0') {
        xvReportError(VIR_ERR_INTERNAL_ERROR,
                      "invalid value '%s' in /local/domain/%" PRIu32 "/%s", value, domid,
                      key);
        return -1;
    }
    return 0;
}

static int
xenDomReadName(xenPriv *priv, xenDom *dom)
{
    char *name;

    if (xenStoreReadDomKey(priv, XV_XEN_XBT_NULL, dom->domid, "name", &name) < 0)
        return -1;
    if (name) {
        free(dom->name);
        dom->name = name;
        dom->nameMissing = false;
    } else if (!dom->name) {
        dom->name = xvAsprintf("Domain-%" PRIu32, dom->domid);
        dom->nameMissing = true;
    }
    return 0;
}

/* A cache entry for a domain seen for the first time: 2 xenstore reads. */
static int
xenDomInit(xenPriv *priv, xenDom *dom, const xvXenDomInfo *info)
{
    memset(dom, 0, sizeof(*dom));
    dom->domid = info->domid;
    memcpy(dom->uuid, info->handle, XV_UUID_BUFLEN);
    dom->hvm = info->hvm;
    dom->dying = info->dying;
    dom->maxVcpus = info->maxVcpuId == XV_XEN_NO_VCPU ? 0 : info->maxVcpuId + 1;
    if (xenDomReadName(priv, dom) < 0 ||
        xenStoreReadDomKiB(priv, XV_XEN_XBT_NULL, dom->domid, "memory/static-max",
                           &dom->staticMaxKiB) < 0) {
        xenDomClear(dom);
        return -1;
    }
    return 0;
}

/* ---- The cache ------------------------------------------------------------- */

static xenDom *
xenCacheFindID(xenPriv *priv, uint32_t domid)
{
    size_t lo = 0, hi = priv->ndoms;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (priv->doms[mid].domid == domid)
            return &priv->doms[mid];
        if (priv->doms[mid].domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The newest (highest id) live domain with that name or UUID. A dying
 * domain is destroyed already (it only waits for its pages to be freed):
 * as for libvirt, a destroyed domain is gone, or shut off if defined. */
static xenDom *
xenCacheFindName(xenPriv *priv, const char *name)
{
    size_t i = priv->ndoms;

    while (i-- > 0) {
        if (!priv->doms[i].dying && XV_STREQ(priv->doms[i].name, name))
            return &priv->doms[i];
    }
    return NULL;
}

static xenDom *
xenCacheFindUUID(xenPriv *priv, const unsigned char *uuid)
{
    size_t i = priv->ndoms;

    while (i-- > 0) {
        if (!priv->doms[i].dying && memcmp(priv->doms[i].uuid, uuid, XV_UUID_BUFLEN) == 0)
            return &priv->doms[i];
    }
    return NULL;
}

/* Is @domid, with @uuid, in the cache (@opaque: the connection)? */
static bool
xenDomIsAlive(void *opaque, uint32_t domid, const unsigned char *uuid)
{
    xenDom *dom = xenCacheFindID(opaque, domid);

    return dom && memcmp(dom->uuid, uuid, XV_UUID_BUFLEN) == 0;
}

/* Makes the cache hold exactly the domains of the batch. */
static int
xenCacheSync(xenPriv *priv)
{
    xenDom *doms = xvAllocN(priv->nbatch + 1, sizeof(*doms));
    bool stale = priv->stale;
    size_t i, j = 0;

    for (i = 0; i < priv->nbatch; i++) {
        const xvXenDomInfo *info = &priv->batch[i];

        while (j < priv->ndoms && priv->doms[j].domid < info->domid)
            j++;
        if (j < priv->ndoms && priv->doms[j].domid == info->domid &&
            memcmp(priv->doms[j].uuid, info->handle, XV_UUID_BUFLEN) == 0) {
            doms[i] = priv->doms[j];
            doms[i].dying = info->dying;
            priv->doms[j].name = NULL;    /* moved */
            j++;
            if (doms[i].nameMissing && stale && xenDomReadName(priv, &doms[i]) < 0)
                goto error;
        } else if (xenDomInit(priv, &doms[i], info) < 0) {
            goto error;
        }
    }
    xenCacheClear(priv);
    priv->doms = doms;
    priv->ndoms = priv->nbatch;
    priv->stale = false;
    /* Close the counter files of the domains that went. */
    xvXenIoCachePrune(priv->io, xenDomIsAlive, priv);
    return 0;

 error:
    /* Start afresh next time: the old entries may have been moved out. */
    while (i-- > 0)
        xenDomClear(&doms[i]);
    free(doms);
    xenCacheClear(priv);
    priv->stale = true;
    return -1;
}

/* The cache entry of a domain Xen just reported, made if new. */
static xenDom *
xenCacheEnsure(xenPriv *priv, const xvXenDomInfo *info)
{
    xenDom *dom = xenCacheFindID(priv, info->domid);
    xenDom fresh;
    size_t pos;

    if (dom && memcmp(dom->uuid, info->handle, XV_UUID_BUFLEN) == 0) {
        dom->dying = info->dying;
        return dom;
    }
    if (xenDomInit(priv, &fresh, info) < 0)
        return NULL;
    if (dom) {
        xenDomClear(dom);
        *dom = fresh;
        return dom;
    }
    for (pos = 0; pos < priv->ndoms && priv->doms[pos].domid < info->domid; pos++)
        ;
    priv->doms = xvReallocN(priv->doms, priv->ndoms + 1, sizeof(*priv->doms));
    memmove(&priv->doms[pos + 1], &priv->doms[pos],
            (priv->ndoms - pos) * sizeof(*priv->doms));
    priv->doms[pos] = fresh;
    priv->ndoms++;
    return &priv->doms[pos];
}

/* ---- Lifecycle events: what a batch or a call tells (xen_events.h) ---------- */

static void
xenEventEmit(void *opaque, const char *name, const unsigned char *uuid, int id, int event,
             int detail)
{
    xenPriv *priv = opaque;

    xvDomainEventQueue(priv->eventConn, name, uuid, id, event, detail);
}

static const char *
xenEventNameOf(void *opaque, uint32_t domid)
{
    xenDom *dom = xenCacheFindID(opaque, domid);

    return dom ? dom->name : NULL;
}

/* A call of ours changed @dom (id @domid) to @state: its event, now. */
static void
xenEventNote(xenPriv *priv, uint32_t domid, const unsigned char *uuid, const char *name,
             xvXenEvState state, int event, int detail)
{
    if (priv->events)
        xvXenEventViewNote(priv->events, domid, uuid, name, state, event, detail,
                           xenEventEmit, priv);
}

/* A domain watch fired: the loop's timer takes a batch soon, unless a call
 * takes one first (the timer then finds nothing to do). */
static void
xenEventDue(xenPriv *priv)
{
    if (priv->eventTimer >= 0)
        virEventUpdateTimeout(priv->eventTimer, 0);
}

/* ---- Watches and batches ----------------------------------------------------- */

/* Consumes the pending watch events; ours mark the cache stale. */
static int
xenDrainWatches(xenPriv *priv)
{
    char **event;

    for (;;) {
        errno = 0;
        if (!(event = priv->hv->store->checkWatch(priv->xs)))
            return errno == EAGAIN ? 0 : -1;
        if (XV_STREQ(event[1], priv->token)) {
            size_t i;

            for (i = 0; i < XV_N_ELEMENTS(xenWatchPaths); i++) {
                if (XV_STREQ(event[0], xenWatchPaths[i]) && !priv->primed[i])
                    break;
            }
            if (i < XV_N_ELEMENTS(xenWatchPaths)) {
                priv->primed[i] = true;
            } else {
                if (!priv->stale)
                    xenEventDue(priv);
                priv->stale = true;
            }
        } else if (!xvXenIoCacheWatchEvent(priv->io, event[0], event[1])) {
            xvXenMemCacheWatchEvent(priv->mem, event[0], event[1]);
        }
        free(event);
    }
}

static void
xenBatchInvalidate(xenPriv *priv)
{
    priv->batchNs = 0;
}

static bool
xenBatchFresh(xenPriv *priv)
{
    return priv->batchNs != 0 && xvClockMonoNs() - priv->batchNs <= priv->ttlNs;
}

/* One batch of every domain (chunked, no cap), then a cache sync. Only the
 * batches of NumOfDomains and ListDomains (@sample) serve later calls. */
static int
xenBatchTake(xenPriv *priv, bool sample)
{
    size_t n = 0;
    uint32_t first = 0;
    int got;

    xenBatchInvalidate(priv);
    for (;;) {
        if (priv->batchCap < n + priv->chunk) {
            priv->batchCap = n + priv->chunk;
            priv->batch = xvReallocN(priv->batch, priv->batchCap, sizeof(*priv->batch));
        }
        got = priv->hv->ctrl->domainGetInfoList(priv->xc, first, priv->chunk,
                                                priv->batch + n);
        if (got < 0) {
            priv->nbatch = 0;
            return -1;
        }
        n += (size_t)got;
        if ((unsigned int)got < priv->chunk || priv->batch[n - 1].domid == UINT32_MAX)
            break;
        first = priv->batch[n - 1].domid + 1;
    }
    priv->nbatch = n;
    free(priv->batchUsed);
    priv->batchUsed = xvAllocN(n + 1, sizeof(bool));
    priv->batchListed = false;
    if (xenCacheSync(priv) < 0)
        return -1;
    if (priv->events) {
        xvXenEventViewUpdate(priv->events, priv->batch, priv->nbatch, xvClockMonoNs(),
                             xenEventNameOf, xenEventEmit, priv);
        /* a domain being built: look again soon (xen_events.h) */
        if (xvXenEventViewStarting(priv->events) && priv->eventTimer >= 0)
            virEventUpdateTimeout(priv->eventTimer, XV_XEN_EV_START_POLL_MS);
    }
    if (sample) {
        priv->batchNs = xvClockMonoNs();
        if (priv->batchNs == 0)
            priv->batchNs = 1;
    }
    return 0;
}

/* The batch entry of @domid, or -1. */
static ssize_t
xenBatchFind(xenPriv *priv, uint32_t domid)
{
    size_t lo = 0, hi = priv->nbatch;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (priv->batch[mid].domid == domid)
            return (ssize_t)mid;
        if (priv->batch[mid].domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* ---- Finding the domain of a handle ---------------------------------------- */

typedef enum {
    XEN_FIND_CACHED,   /* the cache entry is enough */
    XEN_FIND_SAMPLE,   /* current info; an unused entry of a fresh batch will do */
    XEN_FIND_FRESH,    /* current info, asked from Xen now (writes) */
} xenFindMode;

static int
xenDomainNotFound(virDomainPtr domain)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];

    xvUUIDFormat(domain->uuid, uuidstr);
    xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' ('%s')", uuidstr,
                  domain->name);
    xvDomainSetIDCached(domain, -1);
    return -1;
}

/* The domain moved (new id) or is not running: one batch, searched by UUID.
 * Returns 1 (found), 0 (not running: the handle's id becomes -1) or -1. */
static int
xenDomainFindByUUID(xenPriv *priv, virDomainPtr domain, xvXenDomInfo *info,
                    xenDom **ret)
{
    size_t i;

    if (xenBatchTake(priv, false) < 0)
        return -1;
    for (i = priv->nbatch; i-- > 0;) {
        if (priv->batch[i].dying ||
            memcmp(priv->batch[i].handle, domain->uuid, XV_UUID_BUFLEN) != 0)
            continue;
        if (info) {
            *info = priv->batch[i];
            priv->batchUsed[i] = true;
        }
        *ret = xenCacheFindID(priv, priv->batch[i].domid);
        xvDomainSetIDCached(domain, (int)priv->batch[i].domid);
        return 1;
    }
    xvDomainSetIDCached(domain, -1);
    return 0;
}

/*
 * Finds the running domain of @domain (see xenFindMode); *@ret is its cache
 * entry and, unless @mode is XEN_FIND_CACHED, *@info its current state.
 * Drains the watches first: every domain call starts here. Returns 1, 0
 * when the domain is not running (nothing reported), or -1.
 */
static int
xenDomainLocate(xenPriv *priv, virDomainPtr domain, xenFindMode mode, xvXenDomInfo *info,
                xenDom **ret)
{
    int id = xvDomainGetIDCached(domain);
    xvXenDomInfo one;
    xenDom *dom;
    ssize_t idx;
    int got;

    if (xenDrainWatches(priv) < 0)
        return -1;
    if (mode == XEN_FIND_CACHED && priv->stale && xenBatchTake(priv, false) < 0)
        return -1;
    if (id < 0 || (mode == XEN_FIND_CACHED &&
                   (!(dom = xenCacheFindID(priv, (uint32_t)id)) ||
                    memcmp(dom->uuid, domain->uuid, XV_UUID_BUFLEN) != 0))) {
        /* Not running, or under another id: a cache no watch called stale
         * knows which, without asking Xen. */
        if (priv->stale)
            return xenDomainFindByUUID(priv, domain, mode == XEN_FIND_CACHED ? NULL : info,
                                       ret);
        if (!(dom = xenCacheFindUUID(priv, domain->uuid))) {
            xvDomainSetIDCached(domain, -1);
            return 0;
        }
        id = (int)dom->domid;
        xvDomainSetIDCached(domain, id);
    }
    if (mode == XEN_FIND_CACHED) {
        *ret = xenCacheFindID(priv, (uint32_t)id);
        return 1;
    }
    if (mode == XEN_FIND_SAMPLE && xenBatchFresh(priv) &&
        (idx = xenBatchFind(priv, (uint32_t)id)) >= 0 && !priv->batchUsed[idx] &&
        memcmp(priv->batch[idx].handle, domain->uuid, XV_UUID_BUFLEN) == 0) {
        priv->batchUsed[idx] = true;
        *info = priv->batch[idx];
    } else {
        if ((got = priv->hv->ctrl->domainGetInfoList(priv->xc, (uint32_t)id, 1, &one)) < 0)
            return -1;
        if (got != 1 || one.domid != (uint32_t)id ||
            memcmp(one.handle, domain->uuid, XV_UUID_BUFLEN) != 0)
            return xenDomainFindByUUID(priv, domain, info, ret);
        *info = one;
    }
    if (!(*ret = xenCacheEnsure(priv, info)))
        return -1;
    return 1;
}

/* Why @domain cannot be acted on: defined but not running, or gone. */
static int
xenDomainNotRunning(xenPriv *priv, virDomainPtr domain)
{
    xvDomainDef *def = NULL;
    int r;

    if ((r = xvXenStateLoad(priv->stateDir, domain->uuid, &def)) < 0)
        return -1;
    if (r == 0)
        return xenDomainNotFound(domain);
    xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", def->name);
    xvDomainDefFree(def);
    return -1;
}

/* The running domain of @domain, or an error. */
static int
xenDomainFind(xenPriv *priv, virDomainPtr domain, xenFindMode mode, xvXenDomInfo *info,
              xenDom **ret)
{
    int r = xenDomainLocate(priv, domain, mode, info, ret);

    if (r == 0)
        return xenDomainNotRunning(priv, domain);
    return r < 0 ? -1 : 0;
}

/* Like xenDomainFind, but a defined domain that is not running is found
 * too: *@ret is then NULL and *@def its stored config (new). */
static int
xenDomainFindAny(xenPriv *priv, virDomainPtr domain, xenFindMode mode, xvXenDomInfo *info,
                 xenDom **ret, xvDomainDef **def)
{
    int r = xenDomainLocate(priv, domain, mode, info, ret);

    *def = NULL;
    if (r != 0)
        return r < 0 ? -1 : 0;
    *ret = NULL;
    if ((r = xvXenStateLoad(priv->stateDir, domain->uuid, def)) < 0)
        return -1;
    return r == 0 ? xenDomainNotFound(domain) : 0;
}

/* Locks the connection of @domain and finds it; unlocks on failure. */
static xenPriv *
xenDomainBegin(virDomainPtr domain, xenFindMode mode, xvXenDomInfo *info, xenDom **ret)
{
    xenPriv *priv = domain->conn->privateData;

    pthread_mutex_lock(&priv->lock);
    if (xenDomainFind(priv, domain, mode, info, ret) < 0) {
        pthread_mutex_unlock(&priv->lock);
        return NULL;
    }
    return priv;
}

/* Same, for calls that also work on a defined domain that is not running
 * (*@ret NULL, *@def its config, for the caller to free). */
static xenPriv *
xenDomainBeginAny(virDomainPtr domain, xenFindMode mode, xvXenDomInfo *info, xenDom **ret,
                  xvDomainDef **def)
{
    xenPriv *priv = domain->conn->privateData;

    pthread_mutex_lock(&priv->lock);
    if (xenDomainFindAny(priv, domain, mode, info, ret, def) < 0) {
        pthread_mutex_unlock(&priv->lock);
        return NULL;
    }
    return priv;
}

static void
xenDomainEnd(xenPriv *priv)
{
    pthread_mutex_unlock(&priv->lock);
}

/* ---- Node ------------------------------------------------------------------------ */

static unsigned int
xenCountDistinct(const uint32_t *ids, size_t n)
{
    unsigned int count = 0;
    size_t i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < i && ids[j] != ids[i]; j++)
            ;
        if (j == i)
            count++;
    }
    return count;
}

/*
 * Nodes and sockets per node from the CPU topology, cores and threads from
 * physinfo. When the product does not give the online CPUs (offline CPUs,
 * an asymmetric host), libvirt's fallback: 1 node, 1 socket, 1 thread and
 * one core per CPU.
 */
static int
xenNodeGetInfoLocked(xenPriv *priv, virNodeInfoPtr info)
{
    XV_AUTOFREE(xvXenCpuTopo *) topo = NULL;
    XV_AUTOFREE(uint32_t *) nodes = NULL;
    XV_AUTOFREE(uint32_t *) sockets = NULL;
    xvXenPhysInfo phys;
    struct utsname un;
    unsigned int ncpus, i, n = 0, nnodes, nsockets = 0;

    memset(&phys, 0, sizeof(phys));
    if (priv->hv->ctrl->physinfo(priv->xc, &phys) < 0)
        return -1;
    ncpus = phys.maxCpuId + 1;
    topo = xvAllocN(ncpus, sizeof(*topo));
    if (priv->hv->ctrl->cpuTopology(priv->xc, topo, &ncpus) < 0)
        return -1;
    if (ncpus > phys.maxCpuId + 1)
        ncpus = phys.maxCpuId + 1;
    nodes = xvAllocN(ncpus + 1, sizeof(uint32_t));
    sockets = xvAllocN(ncpus + 1, sizeof(uint32_t));
    for (i = 0; i < ncpus; i++) {
        if (topo[i].node != XV_XEN_TOPO_INVALID && topo[i].socket != XV_XEN_TOPO_INVALID)
            nodes[n++] = topo[i].node;
    }
    nnodes = xenCountDistinct(nodes, n);
    for (i = 0; i < n; i++) {
        unsigned int k, m = 0, s;

        /* the sockets of node nodes[i] */
        for (k = 0; k < ncpus; k++) {
            if (topo[k].node == nodes[i] && topo[k].socket != XV_XEN_TOPO_INVALID)
                sockets[m++] = topo[k].socket;
        }
        s = xenCountDistinct(sockets, m);
        if (s > nsockets)
            nsockets = s;
    }

    if (uname(&un) < 0 || !un.machine[0] ||
        snprintf(info->model, sizeof(info->model), "%s", un.machine) < 0)
        snprintf(info->model, sizeof(info->model), "%s", "x86_64");
    info->memory = (unsigned long)(phys.totalPages * XV_XEN_PAGE_KIB);
    info->cpus = phys.nrCpus;
    info->mhz = phys.cpuKHz / 1000;
    info->nodes = nnodes;
    info->sockets = nsockets;
    info->cores = phys.coresPerSocket;
    info->threads = phys.threadsPerCore;
    if (info->nodes == 0 || info->sockets == 0 || info->cores == 0 || info->threads == 0 ||
        VIR_NODEINFO_MAXCPUS(*info) != info->cpus) {
        info->nodes = 1;
        info->sockets = 1;
        info->threads = 1;
        info->cores = info->cpus ? info->cpus : 1;
    }
    priv->nodeMaxCpus = VIR_NODEINFO_MAXCPUS(*info);
    priv->cpuSlots = phys.maxCpuId + 1;
    return 0;
}

static int
xenNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    xenPriv *priv = conn->privateData;
    int ret;

    pthread_mutex_lock(&priv->lock);
    ret = xenNodeGetInfoLocked(priv, info);
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

static int
xenConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    xenPriv *priv = conn->privateData;
    unsigned int major = 0, minor = 0;
    unsigned long micro = 0;
    char extra[32] = "";
    int ret;

    pthread_mutex_lock(&priv->lock);
    ret = priv->hv->ctrl->version(priv->xc, &major, &minor, extra, sizeof(extra));
    pthread_mutex_unlock(&priv->lock);
    if (ret < 0)
        return -1;
    /* The extra version is ".7", ".7-pre", "-rc" ...: its leading number. */
    if (extra[0] == '.')
        micro = strtoul(extra + 1, NULL, 10);
    if (micro > 999)
        micro = 999;
    *hvVer = major * 1000000ul + minor * 1000ul + micro;
    return 0;
}

/* ---- Connections ---------------------------------------------------------------- */

static bool
xenURIIsOurs(const char *uri)
{
    return strcasecmp(uri, "xen") == 0 || strncasecmp(uri, "xen:", 4) == 0;
}

static bool
xenURIIsLocal(const char *uri)
{
    return strcasecmp(uri, "xen") == 0 || strcasecmp(uri, "xen:") == 0 ||
           strcasecmp(uri, "xen:///") == 0 || strcasecmp(uri, "xen:///system") == 0;
}

/* Opens xenctrl and xenstore, with one message per way it can fail. */
static int
xenOpenHandles(xenPriv *priv)
{
    char ebuf[128];
    int err;

    switch (priv->hv->ctrl->hostProbe()) {
    case XV_XEN_HOST_NOT_XEN:
        xvReportError(VIR_ERR_NO_XEN, "%s",
                      "not running on Xen: there is no /proc/xen and no /dev/xen/privcmd "
                      "(the Xen driver works in dom0)");
        return -1;
    case XV_XEN_HOST_DOMU:
        xvReportError(VIR_ERR_NO_XEN, "%s",
                      "not running in Xen dom0: /proc/xen/capabilities lacks control_d "
                      "(this is a domU)");
        return -1;
    case XV_XEN_HOST_DOM0:
    case XV_XEN_HOST_UNKNOWN:
    case XV_XEN_HOST_LAST:
        break;
    }
    errno = 0;
    if (!(priv->xc = priv->hv->ctrl->open())) {
        err = errno;
        if (err == EACCES || err == EPERM)
            xvReportError(VIR_ERR_NO_XEN,
                          "no privilege to use the Xen control interface "
                          "(xc_interface_open: %s): run as root",
                          strerror_r(err, ebuf, sizeof(ebuf)));
        else if (err == ENOENT || err == ENODEV || err == ENXIO)
            xvReportError(VIR_ERR_NO_XEN, "not running on Xen (xc_interface_open: %s)",
                          strerror_r(err, ebuf, sizeof(ebuf)));
        else
            xvReportError(VIR_ERR_NO_XEN, "xc_interface_open failed: %s",
                          strerror_r(err, ebuf, sizeof(ebuf)));
        return -1;
    }
    errno = 0;
    if (!(priv->xs = priv->hv->store->open())) {
        err = errno ? errno : ECONNREFUSED;
        if (err == EACCES || err == EPERM)
            xvReportErrorFull(VIR_FROM_XENSTORE, VIR_ERR_NO_XENSTORE, __FILE__, __func__,
                              __LINE__, "no privilege to talk to xenstored (%s): run as root",
                              strerror_r(err, ebuf, sizeof(ebuf)));
        else
            xvReportErrorFull(VIR_FROM_XENSTORE, VIR_ERR_NO_XENSTORE, __FILE__, __func__,
                              __LINE__, "xenstored is not running (cannot connect to it: %s)",
                              strerror_r(err, ebuf, sizeof(ebuf)));
        return -1;
    }
    return 0;
}

/* Removes the first @n domain watches, keeping the error (if any). */
static void
xenUnwatch(xenPriv *priv, size_t n)
{
    bool hadError = xvErrorIsSet();
    virErrorPtr saved = xvErrorPreserveLast();

    while (n-- > 0)
        priv->hv->store->unwatch(priv->xs, xenWatchPaths[n], priv->token);
    if (hadError)
        xvErrorRestore(&saved);
    else
        virResetLastError();
}

/* The first privileged calls: physinfo (a domU gets EPERM from Xen), the
 * first batch (fills the cache) and the domain watches. */
static int
xenOpenProbe(xenPriv *priv)
{
    virNodeInfo node;
    char ebuf[128];
    size_t i;

    memset(&node, 0, sizeof(node));
    if (xenNodeGetInfoLocked(priv, &node) < 0) {
        if (errno == EPERM || errno == EACCES)
            xvReportError(VIR_ERR_NO_XEN,
                          "not running in Xen dom0: the hypervisor refused xc_physinfo (%s)",
                          strerror_r(errno, ebuf, sizeof(ebuf)));
        return -1;
    }
    /* Watch first: a domain that comes or goes after the batch marks the
     * cache stale. */
    for (i = 0; i < XV_N_ELEMENTS(xenWatchPaths); i++) {
        if (priv->hv->store->watch(priv->xs, xenWatchPaths[i], priv->token) < 0)
            goto error;
    }
    if (xenBatchTake(priv, false) < 0)
        goto error;
    return 0;

 error:
    xenUnwatch(priv, i);
    return -1;
}

static void
xenCloseHandles(xenPriv *priv, bool watching)
{
    if (watching)
        xenUnwatch(priv, XV_N_ELEMENTS(xenWatchPaths));
    priv->hv->store->close(priv->xs);
    priv->hv->ctrl->close(priv->xc);
    priv->xs = priv->xc = NULL;
}

static xvDrvOpenStatus
xenConnectOpen(virConnectPtr conn, const char *uri, bool readOnly XV_UNUSED)
{
    xenPriv *priv;
    long ttlMs;

    if (!xenURIIsOurs(uri))
        return XV_DRV_OPEN_DECLINED;
    if (!xenURIIsLocal(uri)) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "Xen driver URI '%s' must be xen:/// (there are no remote connections)",
                      uri);
        return XV_DRV_OPEN_ERROR;
    }
    /* Read-only connections need exactly what read-write ones need to read:
     * the toolstack (libxl) is only set up by the first write that uses it. */
    priv = xvAlloc(sizeof(*priv));
    pthread_mutex_init(&priv->lock, NULL);
    priv->eventHandle = priv->eventTimer = -1;
    priv->hv = __atomic_load_n(&xenHypervisor, __ATOMIC_ACQUIRE);
    priv->chunk = __atomic_load_n(&xenBatchChunk, __ATOMIC_ACQUIRE);
    ttlMs = __atomic_load_n(&xenBatchTtlMs, __ATOMIC_ACQUIRE);
    priv->ttlNs = (uint64_t)ttlMs * 1000000ull;
    snprintf(priv->token, sizeof(priv->token), "xvirt-%p", (void *)priv);
    priv->stateDir = xvXenStateDir();
    pthread_mutex_lock(&xenSysRootLock);
    priv->sysRoot = xvStrdup(xenSysRoot ? xenSysRoot : "");
    pthread_mutex_unlock(&xenSysRootLock);
    priv->stateIndex = xvXenStateIndexNew(priv->stateDir);
    if (xenOpenHandles(priv) < 0) {
        xenCloseHandles(priv, false);
        xenPrivFree(priv);
        return XV_DRV_OPEN_ERROR;
    }
    if (xenOpenProbe(priv) < 0) {
        xenCloseHandles(priv, false);
        xenPrivFree(priv);
        return XV_DRV_OPEN_ERROR;
    }
    conn->privateData = priv;
    return XV_DRV_OPEN_SUCCESS;
}

static void xenEventsStop(xenPriv *priv);

static int
xenConnectClose(virConnectPtr conn)
{
    xenPriv *priv = conn->privateData;

    if (!priv)
        return 0;
    /* (virConnectClose turned them off already; this is for safety) */
    xenEventsStop(priv);
    xenCloseHandles(priv, true);
    xenPrivFree(priv);
    conn->privateData = NULL;
    return 0;
}

/* ---- Lifecycle events: the event loop's side ----------------------------------------- */

/*
 * The watches' descriptor turned readable, or the timer fired: drains the
 * watches and, if a domain came or went (or one is being built), takes one
 * batch, whose comparison with the view queues the events. Nothing fired:
 * no hypercall.
 */
static void
xenEventWake(xvLoopRef *watch)
{
    xenPriv *priv;
    int next;

    if ((priv = xvLoopRefLock(watch))) {
        pthread_mutex_lock(&priv->lock);
        next = priv->eventIdleMs;
        if (xenDrainWatches(priv) < 0 ||
            ((priv->stale || xvXenEventViewStarting(priv->events)) &&
             xenBatchTake(priv, false) < 0))
            next = XEN_EVENT_RETRY_MS;
        else if (xvXenEventViewStarting(priv->events))
            next = XV_XEN_EV_START_POLL_MS;
        /* nobody to report to: the program's next call will see it too */
        virResetLastError();
        if (priv->eventTimer >= 0)
            virEventUpdateTimeout(priv->eventTimer, next);
        pthread_mutex_unlock(&priv->lock);
    }
    xvLoopRefUnlock(watch);
}

static void
xenEventHandleFired(int handle XV_UNUSED, int fd XV_UNUSED, int events XV_UNUSED, void *opaque)
{
    xenEventWake(opaque);
}

static void
xenEventTimerFired(int timer XV_UNUSED, void *opaque)
{
    xenEventWake(opaque);
}

/*
 * Events on: the view starts from one batch (no event for what is there
 * already), then the loop watches xenstore's descriptor (xs_fileno) and
 * has a timer for the work a call left due. Without a descriptor the
 * timer looks at the watches every XEN_EVENT_POLL_MS instead.
 */
static int
xenEventsStart(virConnectPtr conn, xenPriv *priv)
{
    xvLoopRef *watch = xvLoopRefNew(priv, NULL, NULL);
    int fd, timer, handle = -1;

    pthread_mutex_lock(&priv->lock);
    if ((fd = priv->hv->store->fileno(priv->xs)) < 0)
        virResetLastError();
    /* events queued before the descriptor existed never made it readable */
    if (xenDrainWatches(priv) < 0 || xenBatchTake(priv, false) < 0) {
        pthread_mutex_unlock(&priv->lock);
        xvLoopRefRelease(watch);
        return -1;
    }
    priv->events = xvXenEventViewNew();
    xvXenEventViewUpdate(priv->events, priv->batch, priv->nbatch, 0, xenEventNameOf, NULL,
                         priv);
    priv->eventConn = conn;
    priv->eventWatch = watch;
    priv->eventIdleMs = fd < 0 ? XEN_EVENT_POLL_MS : -1;
    pthread_mutex_unlock(&priv->lock);

    /* the loop may run our callbacks at once: not under our lock */
    timer = virEventAddTimeout(priv->eventIdleMs, xenEventTimerFired, xvLoopRefAcquire(watch),
                               xvLoopRefRelease);
    if (timer >= 0 && fd >= 0)
        handle = virEventAddHandle(fd, VIR_EVENT_HANDLE_READABLE, xenEventHandleFired,
                                   xvLoopRefAcquire(watch), xvLoopRefRelease);
    pthread_mutex_lock(&priv->lock);
    priv->eventTimer = timer;
    priv->eventHandle = handle;
    pthread_mutex_unlock(&priv->lock);
    if (timer < 0 || (fd >= 0 && handle < 0)) {
        xvLoopRefRelease(watch);    /* the failed registration's reference */
        xenEventsStop(priv);
        xvReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "could not watch xenstore from the event loop");
        return -1;
    }
    return 0;
}

/* Events off: the callbacks no longer reach @priv once this returns. */
static void
xenEventsStop(xenPriv *priv)
{
    xvLoopRef *watch;
    int timer, handle;

    pthread_mutex_lock(&priv->lock);
    watch = priv->eventWatch;
    priv->eventWatch = NULL;
    pthread_mutex_unlock(&priv->lock);
    if (!watch)
        return;
    xvLoopRefClear(watch);

    pthread_mutex_lock(&priv->lock);
    timer = priv->eventTimer;
    handle = priv->eventHandle;
    priv->eventTimer = priv->eventHandle = -1;
    xvXenEventViewFree(priv->events);
    priv->events = NULL;
    priv->eventConn = NULL;
    pthread_mutex_unlock(&priv->lock);
    if (handle >= 0)
        virEventRemoveHandle(handle);
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    xvLoopRefRelease(watch);
}

static int
xenConnectEvents(virConnectPtr conn, bool on)
{
    xenPriv *priv = conn->privateData;

    if (!on) {
        xenEventsStop(priv);
        return 0;
    }
    return xenEventsStart(conn, priv);
}

/* ---- Listing and looking up -------------------------------------------------------- */

static int
xenConnectNumOfDomains(virConnectPtr conn)
{
    xenPriv *priv = conn->privateData;
    int ret = -1;

    pthread_mutex_lock(&priv->lock);
    if (xenDrainWatches(priv) == 0 && xenBatchTake(priv, true) == 0)
        ret = (int)priv->nbatch;
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

static int
xenConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    xenPriv *priv = conn->privateData;
    size_t i, n;
    int ret = -1;

    pthread_mutex_lock(&priv->lock);
    if (xenDrainWatches(priv) < 0)
        goto cleanup;
    if ((!xenBatchFresh(priv) || priv->batchListed) && xenBatchTake(priv, true) < 0)
        goto cleanup;
    priv->batchListed = true;
    n = priv->nbatch < (size_t)maxids ? priv->nbatch : (size_t)maxids;
    for (i = 0; i < n; i++)
        ids[i] = (int)priv->batch[i].domid;
    ret = (int)n;

 cleanup:
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

static virDomainPtr
xenDomainLookupByID(virConnectPtr conn, int id)
{
    xenPriv *priv = conn->privateData;
    virDomainPtr ret = NULL;
    xvXenDomInfo one;
    const xvXenDomInfo *info = NULL;
    xenDom *dom;
    ssize_t idx;
    int got;

    pthread_mutex_lock(&priv->lock);
    if (xenDrainWatches(priv) < 0)
        goto cleanup;
    if (xenBatchFresh(priv) && (idx = xenBatchFind(priv, (uint32_t)id)) >= 0) {
        info = &priv->batch[idx];
    } else {
        if ((got = priv->hv->ctrl->domainGetInfoList(priv->xc, (uint32_t)id, 1, &one)) < 0)
            goto cleanup;
        if (got == 1 && one.domid == (uint32_t)id)
            info = &one;
    }
    if (!info) {
        xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
        goto cleanup;
    }
    if ((dom = xenCacheEnsure(priv, info)))
        ret = xvDomainNew(conn, dom->name, dom->uuid, id);

 cleanup:
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

/* The stored config named @name or with @uuid: 1 (*@def), 0 or -1. */
static int
xenStateFind(xenPriv *priv, const char *name, const unsigned char *uuid, xvDomainDef **def)
{
    const xvXenStateEntry *entries;
    size_t n, i;

    *def = NULL;
    if (!name)
        return xvXenStateLoad(priv->stateDir, uuid, def);
    if (xvXenStateIndexGet(priv->stateIndex, &entries, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (XV_STREQ(entries[i].name, name))
            return xvXenStateLoad(priv->stateDir, entries[i].uuid, def);
    }
    return 0;
}

/* Does the store hold a config of @uuid? 1, 0 or -1. */
static int
xenStateKnows(xenPriv *priv, const unsigned char *uuid)
{
    const xvXenStateEntry *entries;
    size_t n, i;

    if (xvXenStateIndexGet(priv->stateIndex, &entries, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (memcmp(entries[i].uuid, uuid, XV_UUID_BUFLEN) == 0)
            return 1;
    }
    return 0;
}

/* Our writes to the store, which the index must not miss. */
static int
xenStateSave(xenPriv *priv, const xvDomainDef *def)
{
    xvXenStateIndexInvalidate(priv->stateIndex);
    return xvXenStateSave(priv->stateDir, def);
}

static int
xenStateDelete(xenPriv *priv, const unsigned char *uuid)
{
    xvXenStateIndexInvalidate(priv->stateIndex);
    return xvXenStateDelete(priv->stateDir, uuid);
}

/*
 * Lookups by name or UUID: the cache (synced first if a watch fired), then
 * the store of defined domains (the handle's id is -1 unless it runs), and
 * only on a miss of both, one batch (a domain may run before xenstore
 * announces it).
 */
static virDomainPtr
xenDomainLookupCached(virConnectPtr conn, const char *name, const unsigned char *uuid)
{
    xenPriv *priv = conn->privateData;
    virDomainPtr ret = NULL;
    xvDomainDef *def = NULL;
    bool synced = false;
    xenDom *dom;
    int found;

    pthread_mutex_lock(&priv->lock);
    if (xenDrainWatches(priv) < 0)
        goto cleanup;
    if (priv->stale) {
        if (xenBatchTake(priv, false) < 0)
            goto cleanup;
        synced = true;
    }
    for (;;) {
        if ((dom = name ? xenCacheFindName(priv, name) : xenCacheFindUUID(priv, uuid))) {
            ret = xvDomainNew(conn, dom->name, dom->uuid, (int)dom->domid);
            goto cleanup;
        }
        if ((found = xenStateFind(priv, name, uuid, &def)) < 0)
            goto cleanup;
        if (found) {
            dom = xenCacheFindUUID(priv, def->uuid);
            ret = xvDomainNew(conn, def->name, def->uuid, dom ? (int)dom->domid : -1);
            xvDomainDefFree(def);
            goto cleanup;
        }
        if (synced)
            break;
        if (xenBatchTake(priv, false) < 0)
            goto cleanup;
        synced = true;
    }
    if (name) {
        xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    } else {
        char uuidstr[XV_UUID_STRING_BUFLEN];

        xvUUIDFormat(uuid, uuidstr);
        xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", uuidstr);
    }

 cleanup:
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

static virDomainPtr
xenDomainLookupByName(virConnectPtr conn, const char *name)
{
    return xenDomainLookupCached(conn, name, NULL);
}

static virDomainPtr
xenDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return xenDomainLookupCached(conn, NULL, uuid);
}

/* ---- Reading a domain ------------------------------------------------------------ */

/*
 * The state from the domain flags. A domain that crashed is crashed (as
 * `xl list` shows its 'c' first, even while it is torn down); one being
 * torn down is "being shut down"; one that shut itself down (and waits
 * for the toolstack) is shut off; a runnable domain that is not on a CPU
 * right now is still running.
 */
static unsigned char
xenDomainState(const xvXenDomInfo *info)
{
    if (info->shutdown && info->shutdownReason == XV_XEN_SHUTDOWN_CRASH)
        return VIR_DOMAIN_CRASHED;
    if (info->dying)
        return VIR_DOMAIN_SHUTDOWN;
    if (info->shutdown)
        return VIR_DOMAIN_SHUTOFF;
    if (info->paused)
        return VIR_DOMAIN_PAUSED;
    if (info->blocked && !info->running)
        return VIR_DOMAIN_BLOCKED;
    return VIR_DOMAIN_RUNNING;
}

/* The maximum memory: the toolstack's memory/static-max, else the
 * hypervisor's limit. */
static unsigned long
xenDomainMaxMemKiB(const xenDom *dom, const xvXenDomInfo *info)
{
    if (dom->staticMaxKiB)
        return dom->staticMaxKiB;
    return (unsigned long)(info->maxPages * XV_XEN_PAGE_KIB);
}

/* A defined domain that is not running is shut off, with its config's
 * memory and vcpus. */
static int
xenDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)
{
    xvDomainDef *def;
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_SAMPLE, &di, &dom, &def)))
        return -1;
    if (def) {
        info->state = VIR_DOMAIN_SHUTOFF;
        info->maxMem = def->maxMemKiB;
        info->memory = def->memKiB;
        info->nrVirtCpu = (unsigned short)def->vcpus;
    } else {
        info->state = xenDomainState(&di);
        info->maxMem = xenDomainMaxMemKiB(dom, &di);
        info->memory = (unsigned long)(di.totPages * XV_XEN_PAGE_KIB);
        info->nrVirtCpu = (unsigned short)di.onlineVcpus;
        info->cpuTime = di.cpuTimeNs;
    }
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return 0;
}

static char *
xenDomainGetOSType(virDomainPtr domain)
{
    xvDomainDef *def;
    xenPriv *priv;
    xenDom *dom;
    bool hvm;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_CACHED, NULL, &dom, &def)))
        return NULL;
    hvm = def ? XV_STREQ_NULLABLE(def->os.type, "hvm") : dom->hvm;
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return xvStrdup(hvm ? "hvm" : "linux");
}

/* Reads memory/static-max afresh (`xl mem-max` may have changed it). */
static unsigned long
xenDomainGetMaxMemory(virDomainPtr domain)
{
    xvDomainDef *def;
    xvXenDomInfo di;
    unsigned long ret = 0;
    xenPriv *priv;
    xenDom *dom;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_FRESH, &di, &dom, &def)))
        return 0;
    if (def) {
        ret = def->maxMemKiB;
    } else if (xenStoreReadDomKiB(priv, XV_XEN_XBT_NULL, dom->domid, "memory/static-max",
                                  &dom->staticMaxKiB) == 0) {
        ret = xenDomainMaxMemKiB(dom, &di);
    }
    if (ret == 0 && !xvErrorIsSet())
        xvReportError(VIR_ERR_INTERNAL_ERROR, "domain '%s' has no maximum memory",
                      domain->name);
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return ret;
}

static int
xenDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                  unsigned char *cpumaps, int maplen)
{
    xvXenVcpuInfo vi;
    xenPriv *priv;
    xenDom *dom;
    size_t hostlen, copylen;
    unsigned int i, n;
    int ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_CACHED, NULL, &dom)))
        return -1;
    hostlen = VIR_CPU_MAPLEN(priv->nodeMaxCpus);
    copylen = (size_t)maplen < hostlen ? (size_t)maplen : hostlen;
    n = dom->maxVcpus < (unsigned int)maxinfo ? dom->maxVcpus : (unsigned int)maxinfo;
    for (i = 0; i < n; i++) {
        memset(&vi, 0, sizeof(vi));
        if (priv->hv->ctrl->vcpuGetInfo(priv->xc, dom->domid, i, &vi) < 0)
            goto cleanup;
        info[i].number = i;
        info[i].cpuTime = vi.cpuTimeNs;
        if (!vi.online) {
            info[i].state = VIR_VCPU_OFFLINE;
            info[i].cpu = -1;
        } else {
            info[i].state = vi.blocked && !vi.running ? VIR_VCPU_BLOCKED : VIR_VCPU_RUNNING;
            info[i].cpu = (int)vi.cpu;
        }
        if (cpumaps) {
            unsigned char *map = cpumaps + (size_t)i * (size_t)maplen;

            if (priv->hv->ctrl->vcpuGetAffinity(priv->xc, dom->domid, i, map, copylen) < 0)
                goto cleanup;
            /* Xen's map spans every possible CPU: keep the node's. */
            if (copylen == hostlen && priv->nodeMaxCpus % 8)
                map[hostlen - 1] &= (unsigned char)((1u << (priv->nodeMaxCpus % 8)) - 1);
        }
    }
    ret = (int)n;

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

/* ---- Writing a domain ------------------------------------------------------------ */

static int
xenDomainRefuseDom0(const xenDom *dom, const char *what)
{
    if (dom->domid != 0)
        return 0;
    xvReportError(VIR_ERR_OPERATION_INVALID, "refusing to %s '%s', the control domain",
                  what, dom->name);
    return -1;
}

static int
xenDomainRequireRunning(const xenDom *dom, const xvXenDomInfo *info)
{
    if (!info->dying && !info->shutdown)
        return 0;
    xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->name);
    return -1;
}

static int
xenDomainPinVcpu(virDomainPtr domain, unsigned int vcpu, const unsigned char *cpumap,
                 int maplen)
{
    xenPriv *priv;
    xenDom *dom;
    int ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_CACHED, NULL, &dom)))
        return -1;
    if (vcpu >= dom->maxVcpus) {
        xvReportError(VIR_ERR_INVALID_ARG, "vcpu %u is not within the %u vcpus of domain '%s'",
                      vcpu, dom->maxVcpus, dom->name);
        goto cleanup;
    }
    ret = priv->hv->ctrl->vcpuSetAffinity(priv->xc, dom->domid, vcpu, cpumap,
                                          (size_t)maplen);

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

/*
 * `xl mem-max` (libxl_domain_setmaxmem, Xen 4.17): the hypervisor's limit
 * is the new maximum plus the toolstack's slack, and memory/static-max
 * records it. The seed lowers the current memory when above: the balloon
 * target goes down first.
 */
static int
xenDomainSetMaxMemory(virDomainPtr domain, unsigned long memKiB)
{
    unsigned long target = 0;
    xvDomainDef *def;
    xvXenDomInfo di;
    char value[32];
    xenPriv *priv;
    xenDom *dom;
    int ret = -1;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_FRESH, &di, &dom, &def)))
        return -1;
    xenBatchInvalidate(priv);
    if (def) {
        def->maxMemKiB = memKiB;
        if (def->memKiB > memKiB)
            def->memKiB = memKiB;
        ret = xenStateSave(priv, def);
        goto cleanup;
    }
    if (xenStoreReadDomKiB(priv, XV_XEN_XBT_NULL, dom->domid, "memory/target", &target) < 0)
        goto cleanup;
    snprintf(value, sizeof(value), "%lu", memKiB);
    if (target > memKiB &&
        xenStoreWriteDomKey(priv, XV_XEN_XBT_NULL, dom->domid, "memory/target", value) < 0)
        goto cleanup;
    if (priv->hv->ctrl->domainSetMaxMem(priv->xc, dom->domid,
                                        (uint64_t)memKiB + XV_XEN_MAXMEM_SLACK_KIB) < 0 ||
        xenStoreWriteDomKey(priv, XV_XEN_XBT_NULL, dom->domid, "memory/static-max",
                            value) < 0)
        goto cleanup;
    dom->staticMaxKiB = memKiB;
    ret = 0;

 cleanup:
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return ret;
}

/* Ends transaction @t after a failure, keeping the first error. */
static void
xenStoreAbort(xenPriv *priv, xvXenXbt t)
{
    virErrorPtr saved = xvErrorPreserveLast();

    priv->hv->store->transactionEnd(priv->xs, t, true);
    xvErrorRestore(&saved);
}

/*
 * One attempt of `xl mem-set` (libxl_set_memory_target, enforcing): within
 * one xenstore transaction, check the target against memory/static-max
 * (less the video RAM), set the hypervisor's limit to target + video RAM +
 * the slack, and write memory/target for the guest's balloon driver.
 * Returns 0, 1 to retry (transaction conflict) or -1.
 */
static int
xenDomainSetMemoryOnce(xenPriv *priv, xenDom *dom, const xvXenDomInfo *info,
                       unsigned long memKiB)
{
    unsigned long keyMax, staticMax, videoram, target;
    char value[32];
    xvXenXbt t;

    if (priv->hv->store->transactionStart(priv->xs, &t) < 0)
        return -1;
    if (xenStoreReadDomKiB(priv, t, dom->domid, "memory/static-max", &keyMax) < 0 ||
        xenStoreReadDomKiB(priv, t, dom->domid, "memory/videoram", &videoram) < 0)
        goto error;
    staticMax = keyMax ? keyMax : (unsigned long)(info->maxPages * XV_XEN_PAGE_KIB);
    if (memKiB <= videoram) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "memory %lu KiB is not above the %lu KiB video RAM of domain '%s'",
                      memKiB, videoram, dom->name);
        goto error;
    }
    target = memKiB - videoram;
    if (target > staticMax) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "memory %lu KiB is above the maximum %lu KiB of domain '%s'",
                      memKiB, staticMax + videoram, dom->name);
        goto error;
    }
    if (dom->domid == 0 && target < XEN_MIN_DOM0_KIB) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "memory %lu KiB is below the %lu KiB minimum of '%s'",
                      memKiB, XEN_MIN_DOM0_KIB, dom->name);
        goto error;
    }
    snprintf(value, sizeof(value), "%lu", target);
    if (priv->hv->ctrl->domainSetMaxMem(priv->xc, dom->domid,
                                        (uint64_t)target + videoram +
                                        XV_XEN_MAXMEM_SLACK_KIB) < 0 ||
        xenStoreWriteDomKey(priv, t, dom->domid, "memory/target", value) < 0)
        goto error;
    dom->staticMaxKiB = keyMax;
    return priv->hv->store->transactionEnd(priv->xs, t, false);

 error:
    xenStoreAbort(priv, t);
    return -1;
}

static int
xenDomainSetMemory(virDomainPtr domain, unsigned long memKiB)
{
    xvDomainDef *def;
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    int ret = 1, attempt;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_FRESH, &di, &dom, &def)))
        return -1;
    xenBatchInvalidate(priv);
    if (def) {
        ret = -1;
        if (memKiB > def->maxMemKiB) {
            xvReportError(VIR_ERR_INVALID_ARG,
                          "memory %lu KiB is above the maximum %lu KiB of domain '%s'",
                          memKiB, def->maxMemKiB, def->name);
        } else {
            def->memKiB = memKiB;
            ret = xenStateSave(priv, def);
        }
        goto cleanup;
    }
    for (attempt = 0; attempt < XEN_XS_RETRIES && ret == 1; attempt++)
        ret = xenDomainSetMemoryOnce(priv, dom, &di, memKiB);
    if (ret == 1)
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "xenstore kept conflicting with the memory target of domain '%s'",
                      dom->name);

 cleanup:
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return ret == 0 ? 0 : -1;
}

/* `xl vcpu-set` for a PV domain: cpu/N/availability, in one transaction. */
static int
xenDomainSetVcpusOnce(xenPriv *priv, xenDom *dom, unsigned int nvcpus)
{
    char key[48];
    unsigned int i;
    xvXenXbt t;

    if (priv->hv->store->transactionStart(priv->xs, &t) < 0)
        return -1;
    for (i = 0; i < dom->maxVcpus; i++) {
        snprintf(key, sizeof(key), "cpu/%u/availability", i);
        if (xenStoreWriteDomKey(priv, t, dom->domid, key,
                                i < nvcpus ? "online" : "offline") < 0) {
            xenStoreAbort(priv, t);
            return -1;
        }
    }
    return priv->hv->store->transactionEnd(priv->xs, t, false);
}

static int
xenDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus)
{
    xvDomainDef *def;
    xenPriv *priv;
    xenDom *dom;
    int ret = -1, attempt;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_CACHED, NULL, &dom, &def)))
        return -1;
    xenBatchInvalidate(priv);
    if (def) {
        if (nvcpus > def->maxVcpus) {
            xvReportError(VIR_ERR_INVALID_ARG,
                          "%u vcpus are not within 1 to the %u vcpus of domain '%s'",
                          nvcpus, def->maxVcpus, def->name);
        } else {
            def->vcpus = nvcpus;
            ret = xenStateSave(priv, def);
        }
        goto cleanup;
    }
    if (nvcpus == 0 || nvcpus > dom->maxVcpus) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "%u vcpus are not within 1 to the %u vcpus of domain '%s'",
                      nvcpus, dom->maxVcpus, dom->name);
        goto cleanup;
    }
    if (dom->hvm) {
        xvReportError(VIR_ERR_NO_SUPPORT,
                      "changing the vcpus of HVM domain '%s' needs its device model",
                      dom->name);
        goto cleanup;
    }
    ret = 1;
    for (attempt = 0; attempt < XEN_XS_RETRIES && ret == 1; attempt++)
        ret = xenDomainSetVcpusOnce(priv, dom, nvcpus);
    if (ret == 1) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "xenstore kept conflicting with the vcpus of domain '%s'", dom->name);
        ret = -1;
    }

 cleanup:
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return ret;
}

static int
xenDomainSuspend(virDomainPtr domain)
{
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    int ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_FRESH, &di, &dom)))
        return -1;
    xenBatchInvalidate(priv);
    if (xenDomainRefuseDom0(dom, "pause") < 0 || xenDomainRequireRunning(dom, &di) < 0)
        goto cleanup;
    if (di.paused) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already paused", dom->name);
        goto cleanup;
    }
    if ((ret = priv->hv->ctrl->domainPause(priv->xc, dom->domid)) == 0)
        xenEventNote(priv, dom->domid, dom->uuid, dom->name, XV_XEN_EV_PAUSED,
                     VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

static int
xenDomainResume(virDomainPtr domain)
{
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    int ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_FRESH, &di, &dom)))
        return -1;
    xenBatchInvalidate(priv);
    if (!di.paused) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not paused", dom->name);
        goto cleanup;
    }
    if ((ret = priv->hv->ctrl->domainUnpause(priv->xc, dom->domid)) == 0)
        xenEventNote(priv, dom->domid, dom->uuid, dom->name, XV_XEN_EV_RUNNING,
                     VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

/* The PV control protocol: the guest watches control/shutdown. */
static int
xenDomainRequestShutdown(virDomainPtr domain, const char *request)
{
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    int ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_FRESH, &di, &dom)))
        return -1;
    xenBatchInvalidate(priv);
    if (xenDomainRefuseDom0(dom, XV_STREQ(request, "reboot") ? "reboot" : "shut down") < 0 ||
        xenDomainRequireRunning(dom, &di) < 0)
        goto cleanup;
    ret = xenStoreWriteDomKey(priv, XV_XEN_XBT_NULL, dom->domid, "control/shutdown", request);

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

static int
xenDomainShutdown(virDomainPtr domain)
{
    return xenDomainRequestShutdown(domain, "poweroff");
}

static int
xenDomainReboot(virDomainPtr domain, unsigned int flags XV_UNUSED)
{
    return xenDomainRequestShutdown(domain, "reboot");
}

static int
xenDomainDestroy(virDomainPtr domain)
{
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    int ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_FRESH, &di, &dom)))
        return -1;
    xenBatchInvalidate(priv);
    if (xenDomainRefuseDom0(dom, "destroy") < 0)
        goto cleanup;
    if (priv->hv->ctrl->domainDestroy(priv->xc, dom->domid) < 0)
        goto cleanup;
    xenEventNote(priv, dom->domid, dom->uuid, dom->name, XV_XEN_EV_GONE,
                 VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    /* The next call that relies on the cache syncs it. */
    priv->stale = true;
    xvDomainSetIDCached(domain, -1);
    ret = 0;

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

/* ---- Defined domains, creating, saving ------------------------------------------ */

static const char *const xenDomainTypes[] = { "xen", NULL };

static int
xenDomainClash(const xvDomainDef *def, const char *name, const unsigned char *uuid)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];
    bool sameUUID = memcmp(uuid, def->uuid, XV_UUID_BUFLEN) == 0;

    if (XV_STREQ(name, def->name) && !sameUUID) {
        xvUUIDFormat(uuid, uuidstr);
        xvReportError(VIR_ERR_DOM_EXIST, "domain '%s' already exists with uuid '%s'",
                      def->name, uuidstr);
        return -1;
    }
    if (sameUUID && !XV_STREQ(name, def->name)) {
        xvUUIDFormat(uuid, uuidstr);
        xvReportError(VIR_ERR_DOM_EXIST, "domain with uuid '%s' already exists as '%s'",
                      uuidstr, name);
        return -1;
    }
    return 0;
}

/*
 * DOM_EXIST unless @def may have its name and UUID: no other domain,
 * running or defined, has one of them without the other. Syncs the cache
 * with one batch first; *@running is the running domain with @def's UUID.
 */
static int
xenDomainCheckClash(xenPriv *priv, const xvDomainDef *def, xenDom **running)
{
    const xvXenStateEntry *entries;
    size_t n, i;

    *running = NULL;
    if (xenDrainWatches(priv) < 0 || xenBatchTake(priv, false) < 0)
        return -1;
    for (i = 0; i < priv->ndoms; i++) {
        /* destroyed already: its name and UUID are free again */
        if (priv->doms[i].dying)
            continue;
        if (xenDomainClash(def, priv->doms[i].name, priv->doms[i].uuid) < 0)
            return -1;
        if (memcmp(priv->doms[i].uuid, def->uuid, XV_UUID_BUFLEN) == 0)
            *running = &priv->doms[i];
    }
    if (xvXenStateIndexGet(priv->stateIndex, &entries, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (xenDomainClash(def, entries[i].name, entries[i].uuid) < 0)
            return -1;
    }
    return 0;
}

/* The defined domains that no running domain has the UUID of: the index
 * of the store against the cache (a batch only when a watch fired). */
static int
xenConnectListDefinedDomains(virConnectPtr conn, char **names, int maxnames)
{
    xenPriv *priv = conn->privateData;
    const xvXenStateEntry *entries;
    size_t nentries, i;
    int n = -1;

    pthread_mutex_lock(&priv->lock);
    if (xenDrainWatches(priv) < 0 || (priv->stale && xenBatchTake(priv, false) < 0) ||
        xvXenStateIndexGet(priv->stateIndex, &entries, &nentries) < 0)
        goto cleanup;
    n = 0;
    for (i = 0; i < nentries && n < maxnames; i++) {
        if (!xenCacheFindUUID(priv, entries[i].uuid))
            names[n++] = xvStrdup(entries[i].name);
    }

 cleanup:
    pthread_mutex_unlock(&priv->lock);
    return n;
}

static virDomainPtr
xenDomainDefineXML(virConnectPtr conn, const char *xml)
{
    xenPriv *priv = conn->privateData;
    virDomainPtr ret = NULL;
    xenDom *running;
    xvDomainDef *def;
    int known = 0;

    /* Refuse now what the toolstack could not start later. */
    if (!(def = xvDomainDefParseString(xml, xenDomainTypes)))
        return NULL;
    if (xvXenConfCheck(def, NULL) < 0) {
        xvDomainDefFree(def);
        return NULL;
    }
    pthread_mutex_lock(&priv->lock);
    if (xenDomainCheckClash(priv, def, &running) == 0 &&
        (!priv->events || (known = xenStateKnows(priv, def->uuid)) >= 0) &&
        xenStateSave(priv, def) == 0) {
        int id = running ? (int)running->domid : -1;

        if (priv->events)
            xenEventEmit(priv, def->name, def->uuid, id, VIR_DOMAIN_EVENT_DEFINED,
                         known ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
                               : VIR_DOMAIN_EVENT_DEFINED_ADDED);
        ret = xvDomainNew(conn, def->name, def->uuid, id);
    }
    pthread_mutex_unlock(&priv->lock);
    xvDomainDefFree(def);
    return ret;
}

/* A running domain stays, and becomes transient. */
static int
xenDomainUndefine(virDomainPtr domain)
{
    xenPriv *priv = domain->conn->privateData;
    xenDom *dom;
    int ret = -1, r;

    pthread_mutex_lock(&priv->lock);
    if ((r = xenStateDelete(priv, domain->uuid)) > 0) {
        if (priv->events) {
            xenDom *live = xenCacheFindUUID(priv, domain->uuid);

            xenEventEmit(priv, domain->name, domain->uuid, live ? (int)live->domid : -1,
                         VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
        }
        ret = 0;
    } else if (r == 0 && (r = xenDomainLocate(priv, domain, XEN_FIND_CACHED, NULL, &dom)) > 0) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                      domain->name);
    } else if (r == 0) {
        xenDomainNotFound(domain);
    }
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

/* Starts @def through the toolstack, with its lifecycle monitor; the
 * cache learns of it next time. */
static int
xenDomainStart(xenPriv *priv, const xvDomainDef *def, uint32_t *domid)
{
    xenBatchInvalidate(priv);
    if (priv->hv->ctrl->domainCreate(priv->xc, def, domid) < 0)
        return -1;
    xenEventNote(priv, *domid, def->uuid, def->name, XV_XEN_EV_RUNNING,
                 VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    priv->stale = true;
    xvXenMonitorSpawn(priv->stateDir, def, *domid);
    return 0;
}

static int
xenDomainCreate(virDomainPtr domain)
{
    xvDomainDef *def;
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom, *other;
    uint32_t domid;
    int ret = -1;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_FRESH, &di, &dom, &def)))
        return -1;
    if (!def) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already running",
                      dom->name);
        goto cleanup;
    }
    if (xenBatchTake(priv, false) < 0)
        goto cleanup;
    if ((other = xenCacheFindName(priv, def->name))) {
        xvReportError(VIR_ERR_DOM_EXIST, "domain '%s' is already active with id %" PRIu32,
                      def->name, other->domid);
        goto cleanup;
    }
    if (xenDomainStart(priv, def, &domid) < 0)
        goto cleanup;
    xvDomainSetIDCached(domain, (int)domid);
    ret = 0;

 cleanup:
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    return ret;
}

/* A transient domain; a defined one of the same name and UUID starts with
 * this description (its stored config stays as it is). */
static virDomainPtr
xenDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags XV_UNUSED)
{
    xenPriv *priv = conn->privateData;
    virDomainPtr ret = NULL;
    xenDom *running;
    xvDomainDef *def;
    uint32_t domid;

    if (!(def = xvDomainDefParseString(xmlDesc, xenDomainTypes)))
        return NULL;
    pthread_mutex_lock(&priv->lock);
    if (xenDomainCheckClash(priv, def, &running) < 0)
        goto cleanup;
    if (running) {
        xvReportError(VIR_ERR_DOM_EXIST, "domain '%s' is already active", def->name);
        goto cleanup;
    }
    if (xenDomainStart(priv, def, &domid) == 0)
        ret = xvDomainNew(conn, def->name, def->uuid, (int)domid);

 cleanup:
    pthread_mutex_unlock(&priv->lock);
    xvDomainDefFree(def);
    return ret;
}

/* `xl save`: the file, then the domain is destroyed. */
static int
xenDomainSave(virDomainPtr domain, const char *to)
{
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    int fd, ret = -1;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_FRESH, &di, &dom)))
        return -1;
    xenBatchInvalidate(priv);
    if (xenDomainRefuseDom0(dom, "save") < 0)
        goto cleanup;
    if (di.shutdown && di.shutdownReason == XV_XEN_SHUTDOWN_CRASH) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' has crashed", dom->name);
        goto cleanup;
    }
    if (xenDomainRequireRunning(dom, &di) < 0)
        goto cleanup;
    if ((fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        xvReportSystemError(errno, "cannot create the save file '%s'", to);
        goto cleanup;
    }
    if (priv->hv->ctrl->domainSave(priv->xc, dom->domid, fd) < 0) {
        close(fd);
        unlink(to);
        goto cleanup;
    }
    if (close(fd) < 0) {
        xvReportSystemError(errno, "cannot write the save file '%s'", to);
        goto cleanup;
    }
    if (priv->hv->ctrl->domainDestroy(priv->xc, dom->domid) < 0)
        goto cleanup;
    xenEventNote(priv, dom->domid, dom->uuid, dom->name, XV_XEN_EV_GONE,
                 VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    priv->stale = true;
    xvDomainSetIDCached(domain, -1);
    ret = 0;

 cleanup:
    xenDomainEnd(priv);
    return ret;
}

/* `xl restore` of a file of virDomainSave (or of `xl save`). */
static int
xenDomainRestore(virConnectPtr conn, const char *from)
{
    xenPriv *priv = conn->privateData;
    xvDomainDef *def = NULL;
    uint32_t domid;
    int fd, ret;

    if ((fd = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
        xvReportSystemError(errno, "cannot open the save file '%s'", from);
        return -1;
    }
    pthread_mutex_lock(&priv->lock);
    xenBatchInvalidate(priv);
    ret = priv->hv->ctrl->domainRestore(priv->xc, fd, &domid, &def);
    if (ret == 0) {
        xenEventNote(priv, domid, def->uuid, def->name, XV_XEN_EV_RUNNING,
                     VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
        priv->stale = true;
        xvXenMonitorSpawn(priv->stateDir, def, domid);
    }
    pthread_mutex_unlock(&priv->lock);
    close(fd);
    xvDomainDefFree(def);
    return ret;
}

/* What Xen alone tells of a domain the toolstack has no config for
 * (Domain-0): name, UUID, memory, vcpus and OS type. */
static xvDomainDef *
xenDomainMinimalDef(const xenDom *dom, const xvXenDomInfo *info)
{
    xvDomainDef *def = xvAlloc(sizeof(*def));

    def->type = xvStrdup("xen");
    def->id = -1;
    def->graphicsPort = -1;
    def->name = xvStrdup(dom->name);
    memcpy(def->uuid, dom->uuid, XV_UUID_BUFLEN);
    def->maxMemKiB = xenDomainMaxMemKiB(dom, info);
    def->memKiB = (unsigned long)(info->totPages * XV_XEN_PAGE_KIB);
    if (def->memKiB > def->maxMemKiB)
        def->memKiB = def->maxMemKiB;
    def->maxVcpus = dom->maxVcpus ? dom->maxVcpus : 1;
    def->vcpus = info->onlineVcpus ? info->onlineVcpus : def->maxVcpus;
    def->os.type = xvStrdup(dom->hvm ? "hvm" : "linux");
    def->onReboot = XV_DOMAIN_LIFECYCLE_RESTART;
    return def;
}

/*
 * What libvirt writes of each interface of a running domain that the
 * config leaves out: <target dev>, netback's vifDOMID.DEVID (libxl numbers
 * the devices of a config from 0, in order), and <source bridge>, the
 * backend's "bridge" key (libxl writes its default, xenbr0, there). One
 * xenstore read per interface without a bridge.
 */
static void
xenDomainFillVifs(xenPriv *priv, xvDomainDef *def, uint32_t domid)
{
    char path[XEN_PATH_MAX];
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        xvDomainNetDef *net = &def->nets[i];

        if (!net->target)
            net->target = xvAsprintf("vif%" PRIu32 ".%zu", domid, i);
        if (net->source)
            continue;
        snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%" PRIu32 "/%zu/bridge",
                 domid, i);
        errno = 0;
        if ((net->source = priv->hv->store->read(priv->xs, XV_XEN_XBT_NULL, path)))
            net->type = XV_DOMAIN_NET_TYPE_BRIDGE;
        else if (errno != ENOENT)
            virResetLastError();    /* the XML goes without it */
    }
}

/* A running domain's vcpus as Xen runs them: libxl's configuration of
 * Domain-0 says one vcpu, whatever Xen gave it (seen in the lab: the
 * XML said 1 where dominfo said 2). */
static void
xenDomainLiveVcpus(xvDomainDef *live, const xenDom *dom, const xvXenDomInfo *info)
{
    if (dom->maxVcpus > 0)
        live->maxVcpus = dom->maxVcpus;
    if (info->onlineVcpus > 0 && info->onlineVcpus <= live->maxVcpus)
        live->vcpus = info->onlineVcpus;
    if (live->vcpus == 0 || live->vcpus > live->maxVcpus)
        live->vcpus = live->maxVcpus;
}

/* A running domain: its live configuration from the toolstack; a defined
 * one that is not running: its stored config. */
static char *
xenDomainGetXMLDesc(virDomainPtr domain, int flags XV_UNUSED)
{
    xvDomainDef *def, *live = NULL;
    xvXenDomInfo di;
    xenPriv *priv;
    xenDom *dom;
    char *ret;

    if (!(priv = xenDomainBeginAny(domain, XEN_FIND_FRESH, &di, &dom, &def)))
        return NULL;
    if (def) {
        ret = xvDomainDefFormat(def, -1);
    } else {
        if (priv->hv->ctrl->domainGetConfig(priv->xc, dom->domid, &live) < 0) {
            virResetLastError();
            live = xenDomainMinimalDef(dom, &di);
        }
        xenDomainLiveVcpus(live, dom, &di);
        xenDomainFillVifs(priv, live, dom->domid);
        ret = xvDomainDefFormat(live, (int)dom->domid);
    }
    xenDomainEnd(priv);
    xvDomainDefFree(def);
    xvDomainDefFree(live);
    return ret;
}

/* ---- Beyond the seed: memory for balloon policies (xen_memory.c) ------------------- */

static unsigned long long
xenNodeGetFreeMemory(virConnectPtr conn)
{
    xenPriv *priv = conn->privateData;
    unsigned long long ret;

    pthread_mutex_lock(&priv->lock);
    ret = xvXenNodeFreeMemory(priv->hv, priv->xc);
    pthread_mutex_unlock(&priv->lock);
    return ret;
}

/* The cache entry is enough (no hypercall): the watches keep it current. */
static int
xenDomainMemoryStats(virDomainPtr domain, virDomainMemoryStatPtr stats,
                     unsigned int nr_stats, unsigned int flags XV_UNUSED)
{
    xenPriv *priv;
    xenDom *dom;
    int ret;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_CACHED, NULL, &dom)))
        return -1;
    if (!priv->mem)
        priv->mem = xvXenMemCacheNew(priv->token);
    ret = xvXenMemoryStats(priv->mem, priv->hv, priv->xs, dom->domid, dom->uuid,
                           xenDomIsAlive, priv, stats, nr_stats);
    xenDomainEnd(priv);
    return ret;
}

/* ---- Beyond the seed: I/O counters (xen_iostats.c) and pCPU times ------------ */

/* The connection's device cache, made by the first call that needs it. */
static xvXenIoCache *
xenIoCache(xenPriv *priv)
{
    if (!priv->io)
        priv->io = xvXenIoCacheNew(priv->token, priv->sysRoot);
    return priv->io;
}

/* The cache entry is enough (no hypercall): the watches keep it current. */
static int
xenDomainBlockStats(virDomainPtr domain, const char *disk, virDomainBlockStatsPtr stats)
{
    xenPriv *priv;
    xenDom *dom;
    int ret;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_CACHED, NULL, &dom)))
        return -1;
    ret = xvXenBlockStats(xenIoCache(priv), priv->hv, priv->xs, dom->domid, dom->uuid, disk,
                          stats);
    xenDomainEnd(priv);
    return ret;
}

static int
xenDomainInterfaceStats(virDomainPtr domain, const char *device,
                        virDomainInterfaceStatsPtr stats)
{
    xenPriv *priv;
    xenDom *dom;
    int ret;

    if (!(priv = xenDomainBegin(domain, XEN_FIND_CACHED, NULL, &dom)))
        return -1;
    ret = xvXenInterfaceStats(xenIoCache(priv), priv->hv, priv->xs, dom->domid, dom->uuid,
                              device, stats);
    xenDomainEnd(priv);
    return ret;
}

void
xvXenDriverIoCounts(virConnectPtr conn, unsigned long *opens, unsigned long *reads,
                    unsigned long *rescans)
{
    xenPriv *priv = conn->privateData;
    xvXenIoCounts counts;

    pthread_mutex_lock(&priv->lock);
    xvXenIoCacheGetCounts(priv->io, &counts);
    pthread_mutex_unlock(&priv->lock);
    *opens = counts.opens;
    *reads = counts.reads;
    *rescans = counts.rescans;
}

/*
 * Xen knows one time per physical CPU: how long it ran its idle vCPU
 * (xc_getcpuinfo, one hypercall for every CPU), so "idle" is the only
 * field. ALL_CPUS sums it over the CPU slots Xen reports.
 */
static int
xenNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params, int *nparams,
                   unsigned int flags)
{
    xenPriv *priv = conn->privateData;
    XV_AUTOFREE(uint64_t *) idle = NULL;
    unsigned long long sum = 0;
    unsigned int n, i;

    if (flags != 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in %s", flags, __func__);
        return -1;
    }
    if (!params || *nparams == 0) {
        *nparams = 1;
        return 0;
    }
    pthread_mutex_lock(&priv->lock);
    n = priv->cpuSlots ? priv->cpuSlots : 1;
    idle = xvAllocN(n, sizeof(*idle));
    if (priv->hv->ctrl->cpuIdle(priv->xc, idle, &n) < 0) {
        pthread_mutex_unlock(&priv->lock);
        return -1;
    }
    pthread_mutex_unlock(&priv->lock);
    if (cpuNum != VIR_NODE_CPU_STATS_ALL_CPUS && (unsigned int)cpuNum >= n) {
        xvReportError(VIR_ERR_INVALID_ARG, "Invalid cpuNum in %s: %d (the host has %u CPUs)",
                      __func__, cpuNum, n);
        return -1;
    }
    for (i = 0; i < n; i++)
        sum += idle[i];
    snprintf(params[0].field, sizeof(params[0].field), "%s", VIR_NODE_CPU_STATS_IDLE);
    params[0].value = cpuNum == VIR_NODE_CPU_STATS_ALL_CPUS ? sum : idle[cpuNum];
    *nparams = 1;
    return 0;
}

/* ---- The driver table ------------------------------------------------------------ */

/*
 * Domains started here (virDomainCreate, virDomainCreateLinux,
 * virDomainRestore) get an xvirt-xen-monitor in place of the process `xl`
 * leaves (xen_monitor.h): it carries out their on_poweroff, on_reboot and
 * on_crash actions until they are gone.
 */
const xvHypervisorDriver xvXenDriver = {
    .name = "Xen",
    .typeName = "Xen",
    .version = XV_XEN_HEADERS_VERSION,
    .connectOpen = xenConnectOpen,                             /* 0.1.0 */
    .connectClose = xenConnectClose,                           /* 0.1.0 */
    .connectGetVersion = xenConnectGetVersion,                 /* 0.1.0 */
    .nodeGetInfo = xenNodeGetInfo,                             /* 0.1.0 */
    .connectNumOfDomains = xenConnectNumOfDomains,             /* 0.1.0 */
    .connectListDomains = xenConnectListDomains,               /* 0.1.0 */
    .connectListDefinedDomains = xenConnectListDefinedDomains, /* 0.1.0 */
    .domainCreateLinux = xenDomainCreateLinux,                 /* 0.1.0 */
    .domainDefineXML = xenDomainDefineXML,                     /* 0.1.0 */
    .domainUndefine = xenDomainUndefine,                       /* 0.1.0 */
    .domainCreate = xenDomainCreate,                           /* 0.1.0 */
    .domainLookupByID = xenDomainLookupByID,                   /* 0.1.0 */
    .domainLookupByName = xenDomainLookupByName,               /* 0.1.0 */
    .domainLookupByUUID = xenDomainLookupByUUID,               /* 0.1.0 */
    .domainDestroy = xenDomainDestroy,                         /* 0.1.0 */
    .domainSuspend = xenDomainSuspend,                         /* 0.1.0 */
    .domainResume = xenDomainResume,                           /* 0.1.0 */
    .domainShutdown = xenDomainShutdown,                       /* 0.1.0 */
    .domainReboot = xenDomainReboot,                           /* 0.1.0 */
    .domainSave = xenDomainSave,                               /* 0.1.0 */
    .domainRestore = xenDomainRestore,                         /* 0.1.0 */
    .domainGetOSType = xenDomainGetOSType,                     /* 0.1.0 */
    .domainGetMaxMemory = xenDomainGetMaxMemory,               /* 0.1.0 */
    .domainSetMaxMemory = xenDomainSetMaxMemory,               /* 0.1.0 */
    .domainSetMemory = xenDomainSetMemory,                     /* 0.1.0 */
    .domainGetInfo = xenDomainGetInfo,                         /* 0.1.0 */
    .domainGetXMLDesc = xenDomainGetXMLDesc,                   /* 0.1.0 */
    .domainSetVcpus = xenDomainSetVcpus,                       /* 0.1.0 */
    .domainPinVcpu = xenDomainPinVcpu,                         /* 0.1.0 */
    .domainGetVcpus = xenDomainGetVcpus,                       /* 0.1.0 */
    .nodeGetFreeMemory = xenNodeGetFreeMemory,                 /* 0.1.0 */
    .domainMemoryStats = xenDomainMemoryStats,                 /* 0.1.0 */
    .domainBlockStats = xenDomainBlockStats,                   /* 0.1.0 */
    .domainInterfaceStats = xenDomainInterfaceStats,           /* 0.1.0 */
    .nodeGetCPUStats = xenNodeGetCPUStats,                     /* 0.1.0 */
    .connectEvents = xenConnectEvents,                         /* 0.1.0 */
};
