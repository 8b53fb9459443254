/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_sim.c: the simulated Xen of xen_sim.h: hypervisor, xenstore and
 * watches in memory, reporting failures exactly as the real wrappers do. */
#include "config.h"

#include "xen_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/domain_conf.h"
#include "internal.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_XEN

#define SIM_MAX_CPUS 64

typedef struct _simKey simKey;
struct _simKey {
    char *path;
    char *value;
};

typedef struct _simTxnWrite simTxnWrite;
struct _simTxnWrite {
    xvXenXbt t;
    char *path;
    char *value;
};

typedef struct _simEvent simEvent;
struct _simEvent {
    char *path;
    char *token;
};

static struct {
    xvXenHostKind host;
    int ctrlOpenErrno;
    int storeOpenErrno;
    xvXenPhysInfo phys;
    xvXenCpuTopo topo[SIM_MAX_CPUS];
    uint64_t idleNs[SIM_MAX_CPUS];
    unsigned int major, minor;
    char extra[16];
    xvSimDom *doms;             /* sorted by domid */
    size_t ndoms;
    uint32_t nextDomid;
    simKey *keys;
    size_t nkeys;
    simEvent *watches;          /* path + token */
    size_t nwatches;
    simEvent *events;           /* pending, FIFO */
    size_t nevents;
    simTxnWrite *txnWrites;
    size_t ntxnWrites;
    xvXenXbt nextTxn;
    int conflicts;
    unsigned long counts[XV_SIM_CALL_LAST];
    int failErrno[XV_SIM_CALL_LAST];
    int failCount[XV_SIM_CALL_LAST];
    int failSkip[XV_SIM_CALL_LAST];    /* calls to let through first */
    int openHandles;
    bool destroyLingers;        /* destroy leaves the domain dying */
} sim;

/* The descriptor of the watch events (xs_fileno), made by the first
 * fileno and kept for the process (a reset empties it): as libxenstore's
 * pipe, it holds one byte while events are pending. */
static int simWatchPipe[2] = { -1, -1 };

/* ---- counters and faults ------------------------------------------------ */

/* Counts a call; returns the errno it must fail with, or 0. */
static int
simEnter(xvSimCall call)
{
    sim.counts[call]++;
    if (sim.failCount[call] == 0)
        return 0;
    if (sim.failSkip[call] > 0) {
        sim.failSkip[call]--;
        return 0;
    }
    if (sim.failCount[call] > 0)
        sim.failCount[call]--;
    return sim.failErrno[call];
}

void
xvSimFail(xvSimCall call, int errnum, int count)
{
    sim.failErrno[call] = errnum;
    sim.failCount[call] = count;
    sim.failSkip[call] = 0;
}

void
xvSimFailNth(xvSimCall call, int errnum, int nth)
{
    sim.failErrno[call] = errnum;
    sim.failCount[call] = 1;
    sim.failSkip[call] = nth - 1;
}

void
xvSimConflict(int count)
{
    sim.conflicts = count;
}

unsigned long
xvSimCount(xvSimCall call)
{
    return sim.counts[call];
}

void
xvSimResetCounts(void)
{
    memset(sim.counts, 0, sizeof(sim.counts));
}

int
xvSimOpenHandles(void)
{
    return sim.openHandles;
}

/* ---- xenstore ------------------------------------------------------------- */

/* The pipe's byte: written when the queue stops being empty, read when it
 * is emptied. */
static void
simWatchPipeToken(bool pending)
{
    char c = 0;

    if (simWatchPipe[0] < 0)
        return;
    if (pending) {
        if (write(simWatchPipe[1], &c, 1) != 1)
            abort();
    } else {
        while (read(simWatchPipe[0], &c, 1) == 1)
            ;
    }
}

static void
simEventQueue(const char *path, const char *token)
{
    if (sim.nevents == 0)
        simWatchPipeToken(true);
    sim.events = xvReallocN(sim.events, sim.nevents + 1, sizeof(*sim.events));
    sim.events[sim.nevents].path = xvStrdup(path);
    sim.events[sim.nevents].token = xvStrdup(token);
    sim.nevents++;
}

/* xenstored fires a watch for a change of its path or of a path below. */
void
xvSimFireWatch(const char *path)
{
    size_t i;

    for (i = 0; i < sim.nwatches; i++) {
        const char *w = sim.watches[i].path;
        size_t len = strlen(w);

        if (XV_STREQ(w, path) || (strncmp(w, path, len) == 0 && path[len] == '/'))
            simEventQueue(path, sim.watches[i].token);
    }
}

unsigned int
xvSimPendingEvents(void)
{
    return (unsigned int)sim.nevents;
}

static simKey *
simKeyFind(const char *path)
{
    size_t i;

    for (i = 0; i < sim.nkeys; i++) {
        if (XV_STREQ(sim.keys[i].path, path))
            return &sim.keys[i];
    }
    return NULL;
}

const char *
xvSimStoreGet(const char *path)
{
    simKey *key = simKeyFind(path);

    return key ? key->value : NULL;
}

void
xvSimStoreSet(const char *path, const char *value)
{
    simKey *key = simKeyFind(path);

    if (key) {
        free(key->value);
        key->value = xvStrdup(value);
    } else {
        sim.keys = xvReallocN(sim.keys, sim.nkeys + 1, sizeof(*sim.keys));
        sim.keys[sim.nkeys].path = xvStrdup(path);
        sim.keys[sim.nkeys].value = xvStrdup(value);
        sim.nkeys++;
    }
    xvSimFireWatch(path);
}

/* Is @path @base or below it? */
static bool
simPathWithin(const char *path, const char *base)
{
    size_t len = strlen(base);

    return strncmp(path, base, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* Removes @path and everything below it. As xenstored, fires the watches on
 * @path and above it, and each watch below it on a node that went. */
void
xvSimStoreRemove(const char *path)
{
    size_t i = 0, w;
    bool *gone = xvAllocN(sim.nwatches + 1, sizeof(bool));

    while (i < sim.nkeys) {
        const char *p = sim.keys[i].path;

        if (simPathWithin(p, path)) {
            for (w = 0; w < sim.nwatches; w++) {
                if (!XV_STREQ(sim.watches[w].path, path) &&
                    simPathWithin(sim.watches[w].path, path) &&
                    simPathWithin(p, sim.watches[w].path))
                    gone[w] = true;
            }
            free(sim.keys[i].path);
            free(sim.keys[i].value);
            sim.keys[i] = sim.keys[--sim.nkeys];
        } else {
            i++;
        }
    }
    xvSimFireWatch(path);
    for (w = 0; w < sim.nwatches; w++) {
        if (gone[w])
            simEventQueue(sim.watches[w].path, sim.watches[w].token);
    }
    free(gone);
}

unsigned int
xvSimWatchCount(const char *token)
{
    unsigned int n = 0;
    size_t i;

    for (i = 0; i < sim.nwatches; i++) {
        if (!token || XV_STREQ(sim.watches[i].token, token))
            n++;
    }
    return n;
}

void
xvSimSetMeminfo(uint32_t domid, unsigned long totalKiB, unsigned long freeKiB)
{
    char path[128], value[32];

    snprintf(path, sizeof(path), "/local/domain/%u/data/meminfo_total", domid);
    snprintf(value, sizeof(value), "%lu", totalKiB);
    xvSimStoreSet(path, value);
    snprintf(path, sizeof(path), "/local/domain/%u/data/meminfo_free", domid);
    snprintf(value, sizeof(value), "%lu", freeKiB);
    xvSimStoreSet(path, value);
}

/* ---- domains ---------------------------------------------------------------- */

void
xvSimUUID(uint32_t domid, unsigned char *uuid)
{
    static const unsigned char base[16] = {
        0x5a, 0x17, 0x00, 0x00, 0xc0, 0xde, 0x40, 0x00,
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };

    memcpy(uuid, base, 16);
    uuid[12] = (unsigned char)(domid >> 24);
    uuid[13] = (unsigned char)(domid >> 16);
    uuid[14] = (unsigned char)(domid >> 8);
    uuid[15] = (unsigned char)domid;
}

xvSimDom *
xvSimGetDomain(uint32_t domid)
{
    size_t i;

    for (i = 0; i < sim.ndoms; i++) {
        if (sim.doms[i].domid == domid)
            return &sim.doms[i];
    }
    return NULL;
}

static xvSimDom *
simDomainNew(uint32_t domid, unsigned int vcpus, unsigned long memKiB)
{
    xvSimDom *dom;
    size_t pos;
    unsigned int i;

    for (pos = 0; pos < sim.ndoms && sim.doms[pos].domid < domid; pos++)
        ;
    sim.doms = xvReallocN(sim.doms, sim.ndoms + 1, sizeof(*sim.doms));
    memmove(&sim.doms[pos + 1], &sim.doms[pos], (sim.ndoms - pos) * sizeof(*sim.doms));
    sim.ndoms++;
    dom = &sim.doms[pos];
    memset(dom, 0, sizeof(*dom));
    dom->domid = domid;
    xvSimUUID(domid, dom->uuid);
    dom->blocked = true;
    dom->totPages = memKiB / XV_XEN_PAGE_KIB;
    dom->maxPages = (memKiB + XV_XEN_MAXMEM_SLACK_KIB) / XV_XEN_PAGE_KIB;
    dom->cpuTimeNs = 1000000000ull * (domid + 1);
    dom->nvcpus = vcpus;
    for (i = 0; i < vcpus; i++) {
        dom->vcpus[i].online = true;
        dom->vcpus[i].blocked = true;
        dom->vcpus[i].cpuTimeNs = 500000000ull * (i + 1);
        dom->vcpus[i].cpu = i % 4;
        memset(dom->vcpus[i].affinity, 0xff, XV_SIM_MAPLEN);
    }
    return dom;
}

/* xenstore keys of a new domain, then @introduceDomain. */
static void
simIntroduce(uint32_t domid, const char *name, unsigned long maxKiB, unsigned long memKiB)
{
    char path[128], value[32];

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    xvSimStoreSet(path, name);
    snprintf(value, sizeof(value), "%lu", maxKiB);
    snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
    xvSimStoreSet(path, value);
    snprintf(value, sizeof(value), "%lu", memKiB);
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
    xvSimStoreSet(path, value);
    xvSimFireWatch("@introduceDomain");
}

uint32_t
xvSimAddDomain(const char *name, unsigned int vcpus, unsigned long memKiB)
{
    uint32_t domid = sim.nextDomid++;
    xvSimDom *dom = simDomainNew(domid, vcpus, memKiB);
    xvDomainDef *def = xvAlloc(sizeof(*def));

    def->type = xvStrdup("xen");
    def->id = -1;
    def->graphicsPort = -1;
    def->name = xvStrdup(name);
    memcpy(def->uuid, dom->uuid, 16);
    def->maxMemKiB = def->memKiB = memKiB;
    def->maxVcpus = def->vcpus = vcpus;
    def->os.type = xvStrdup("linux");
    def->os.kernel = xvStrdup("/xenlab/vmlinux");
    def->onReboot = XV_DOMAIN_LIFECYCLE_RESTART;
    dom->config = def;
    simIntroduce(domid, name, memKiB, memKiB);
    return domid;
}

void
xvSimRemoveDomain(uint32_t domid)
{
    xvSimDom *dom = xvSimGetDomain(domid);
    char path[64];
    size_t pos;

    if (!dom)
        return;
    pos = (size_t)(dom - sim.doms);
    xvDomainDefFree(dom->config);
    memmove(&sim.doms[pos], &sim.doms[pos + 1], (sim.ndoms - pos - 1) * sizeof(*sim.doms));
    sim.ndoms--;
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    xvSimStoreRemove(path);
    xvSimFireWatch("@releaseDomain");
}

/* ---- host ------------------------------------------------------------------- */

xvXenPhysInfo *
xvSimPhysInfo(void)
{
    return &sim.phys;
}

void
xvSimSetCpuTopo(unsigned int cpu, uint32_t core, uint32_t socket, uint32_t node)
{
    sim.topo[cpu].core = core;
    sim.topo[cpu].socket = socket;
    sim.topo[cpu].node = node;
}

void
xvSimSetHost(xvXenHostKind kind)
{
    sim.host = kind;
}

void
xvSimSetOpenErrno(int ctrlErrno, int storeErrno)
{
    sim.ctrlOpenErrno = ctrlErrno;
    sim.storeOpenErrno = storeErrno;
}

void
xvSimSetVersion(unsigned int major, unsigned int minor, const char *extra)
{
    sim.major = major;
    sim.minor = minor;
    snprintf(sim.extra, sizeof(sim.extra), "%s", extra);
}

static void
simClearEvents(simEvent *events, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(events[i].path);
        free(events[i].token);
    }
    free(events);
}

void
xvSimReset(void)
{
    size_t i;
    unsigned int cpu;
    xvSimDom *dom0;

    for (i = 0; i < sim.nkeys; i++) {
        free(sim.keys[i].path);
        free(sim.keys[i].value);
    }
    free(sim.keys);
    for (i = 0; i < sim.ntxnWrites; i++) {
        free(sim.txnWrites[i].path);
        free(sim.txnWrites[i].value);
    }
    free(sim.txnWrites);
    simClearEvents(sim.watches, sim.nwatches);
    simClearEvents(sim.events, sim.nevents);
    simWatchPipeToken(false);
    for (i = 0; i < sim.ndoms; i++)
        xvDomainDefFree(sim.doms[i].config);
    free(sim.doms);
    memset(&sim, 0, sizeof(sim));

    sim.host = XV_XEN_HOST_DOM0;
    sim.phys.threadsPerCore = 2;
    sim.phys.coresPerSocket = 2;
    sim.phys.nrCpus = 4;
    sim.phys.maxCpuId = 7;
    sim.phys.nrNodes = 1;
    sim.phys.cpuKHz = 2400000;
    sim.phys.totalPages = 4ull * 1024 * 1024 / XV_XEN_PAGE_KIB;
    sim.phys.freePages = sim.phys.totalPages / 2;
    for (cpu = 0; cpu < SIM_MAX_CPUS; cpu++) {
        if (cpu < 4)
            xvSimSetCpuTopo(cpu, cpu / 2, 0, 0);
        else
            xvSimSetCpuTopo(cpu, XV_XEN_TOPO_INVALID, XV_XEN_TOPO_INVALID,
                            XV_XEN_TOPO_INVALID);
    }
    xvSimSetVersion(4, 17, ".7");
    sim.nextTxn = 1;

    dom0 = simDomainNew(0, 2, 512 * 1024);
    memset(dom0->uuid, 0, sizeof(dom0->uuid));
    dom0->running = true;
    dom0->blocked = false;
    dom0->maxPages = dom0->totPages;
    xvSimStoreSet("/local/domain/0/name", "Domain-0");
    sim.nextDomid = 1;
}

/* ---- the privileged interface ---------------------------------------------- */

static xvXenHostKind
simHostProbe(void)
{
    simEnter(XV_SIM_CALL_HOST_PROBE);
    return sim.host;
}

static void *
simCtrlOpen(void)
{
    int err = simEnter(XV_SIM_CALL_CTRL_OPEN);

    if (err || sim.ctrlOpenErrno) {
        errno = err ? err : sim.ctrlOpenErrno;
        return NULL;
    }
    sim.openHandles++;
    return xvAlloc(1);
}

static void
simCtrlClose(void *xc)
{
    simEnter(XV_SIM_CALL_CTRL_CLOSE);
    if (!xc)
        return;
    sim.openHandles--;
    free(xc);
}

/* Reports like the real wrapper and returns -1. */
static int
simFailed(int err, const char *call)
{
    xvReportSystemError(err, "%s failed", call);
    errno = err;
    return -1;
}

static int
simVersion(void *xc XV_UNUSED, unsigned int *major, unsigned int *minor, char *extra,
           size_t extralen)
{
    int err = simEnter(XV_SIM_CALL_VERSION);

    if (err)
        return simFailed(err, "xc_version");
    *major = sim.major;
    *minor = sim.minor;
    snprintf(extra, extralen, "%s", sim.extra);
    return 0;
}

static int
simPhysinfo(void *xc XV_UNUSED, xvXenPhysInfo *info)
{
    int err = simEnter(XV_SIM_CALL_PHYSINFO);

    if (err)
        return simFailed(err, "xc_physinfo");
    *info = sim.phys;
    return 0;
}

static int
simCpuTopology(void *xc XV_UNUSED, xvXenCpuTopo *topo, unsigned int *ncpus)
{
    int err = simEnter(XV_SIM_CALL_CPU_TOPOLOGY);
    unsigned int i, slots = sim.phys.maxCpuId + 1;

    if (err)
        return simFailed(err, "xc_cputopoinfo");
    for (i = 0; i < slots && i < *ncpus; i++)
        topo[i] = sim.topo[i];
    *ncpus = slots;
    return 0;
}

void
xvSimSetCpuIdle(unsigned int cpu, uint64_t idleNs)
{
    if (cpu < SIM_MAX_CPUS)
        sim.idleNs[cpu] = idleNs;
}

/* As Xen: one entry per CPU slot (max_cpu_id + 1), up to the request. */
static int
simCpuIdle(void *xc XV_UNUSED, uint64_t *idleNs, unsigned int *ncpus)
{
    int err = simEnter(XV_SIM_CALL_CPU_IDLE);
    unsigned int i, slots = sim.phys.maxCpuId + 1;

    if (err)
        return simFailed(err, "xc_getcpuinfo");
    for (i = 0; i < slots && i < *ncpus; i++)
        idleNs[i] = sim.idleNs[i];
    *ncpus = i;
    return 0;
}

static int
simGetInfoList(void *xc XV_UNUSED, uint32_t first, unsigned int max, xvXenDomInfo *info)
{
    int err = simEnter(XV_SIM_CALL_GETINFOLIST);
    unsigned int n = 0, v;
    size_t i;

    if (err)
        return simFailed(err, "xc_domain_getinfolist");
    for (i = 0; i < sim.ndoms && n < max; i++) {
        const xvSimDom *d = &sim.doms[i];
        xvXenDomInfo *o;

        if (d->domid < first)
            continue;
        o = &info[n++];
        memset(o, 0, sizeof(*o));
        o->domid = d->domid;
        memcpy(o->handle, d->uuid, 16);
        o->dying = d->dying;
        o->shutdown = d->shutdown;
        o->shutdownReason = d->shutdownReason;
        o->paused = d->paused;
        o->blocked = d->blocked;
        o->running = d->running;
        o->hvm = d->hvm;
        o->totPages = d->totPages;
        o->maxPages = d->maxPages;
        o->cpuTimeNs = d->cpuTimeNs;
        o->maxVcpuId = d->nvcpus ? d->nvcpus - 1 : XV_XEN_NO_VCPU;
        for (v = 0; v < d->nvcpus; v++)
            o->onlineVcpus += d->vcpus[v].online;
    }
    return (int)n;
}

/* The domain and vcpu a call names, or the errno Xen gives. */
static int
simFindVcpu(uint32_t domid, unsigned int vcpu, xvSimDom **dom)
{
    if (!(*dom = xvSimGetDomain(domid)))
        return ESRCH;
    if (vcpu >= (*dom)->nvcpus)
        return EINVAL;
    return 0;
}

static int
simVcpuGetInfo(void *xc XV_UNUSED, uint32_t domid, unsigned int vcpu, xvXenVcpuInfo *info)
{
    int err = simEnter(XV_SIM_CALL_VCPU_GETINFO);
    xvSimDom *dom;

    if (err || (err = simFindVcpu(domid, vcpu, &dom)))
        return simFailed(err, "xc_vcpu_getinfo");
    info->online = dom->vcpus[vcpu].online;
    info->blocked = dom->vcpus[vcpu].blocked;
    info->running = dom->vcpus[vcpu].running;
    info->cpuTimeNs = dom->vcpus[vcpu].cpuTimeNs;
    info->cpu = dom->vcpus[vcpu].cpu;
    return 0;
}

/* libxc's map covers every CPU slot: (maxCpuId + 8) / 8 bytes. */
static size_t
simMapLen(void)
{
    return (sim.phys.maxCpuId + 8) / 8;
}

static int
simVcpuGetAffinity(void *xc XV_UNUSED, uint32_t domid, unsigned int vcpu,
                   unsigned char *map, size_t maplen)
{
    int err = simEnter(XV_SIM_CALL_VCPU_GETAFFINITY);
    size_t len = simMapLen();
    xvSimDom *dom;

    if (err || (err = simFindVcpu(domid, vcpu, &dom)))
        return simFailed(err, "xc_vcpu_getaffinity");
    memset(map, 0, maplen);
    memcpy(map, dom->vcpus[vcpu].affinity, maplen < len ? maplen : len);
    return 0;
}

static int
simVcpuSetAffinity(void *xc XV_UNUSED, uint32_t domid, unsigned int vcpu,
                   const unsigned char *map, size_t maplen)
{
    int err = simEnter(XV_SIM_CALL_VCPU_SETAFFINITY);
    size_t len = simMapLen();
    xvSimDom *dom;

    if (err || (err = simFindVcpu(domid, vcpu, &dom)))
        return simFailed(err, "xc_vcpu_setaffinity");
    memset(dom->vcpus[vcpu].affinity, 0, XV_SIM_MAPLEN);
    memcpy(dom->vcpus[vcpu].affinity, map, maplen < len ? maplen : len);
    return 0;
}

static int
simSetMaxMem(void *xc XV_UNUSED, uint32_t domid, uint64_t maxMemKiB)
{
    int err = simEnter(XV_SIM_CALL_SETMAXMEM);
    xvSimDom *dom = xvSimGetDomain(domid);

    if (!err && !dom)
        err = ESRCH;
    if (err)
        return simFailed(err, "xc_domain_setmaxmem");
    dom->maxPages = maxMemKiB / XV_XEN_PAGE_KIB;
    return 0;
}

static int
simPause(void *xc XV_UNUSED, uint32_t domid)
{
    int err = simEnter(XV_SIM_CALL_PAUSE);
    xvSimDom *dom = xvSimGetDomain(domid);

    if (!err && !dom)
        err = ESRCH;
    if (!err && dom->dying)
        err = EINVAL;
    if (err)
        return simFailed(err, "xc_domain_pause");
    dom->pauseCount++;
    dom->paused = true;
    return 0;
}

static int
simUnpause(void *xc XV_UNUSED, uint32_t domid)
{
    int err = simEnter(XV_SIM_CALL_UNPAUSE);
    xvSimDom *dom = xvSimGetDomain(domid);

    if (!err && !dom)
        err = ESRCH;
    if (!err && dom->pauseCount == 0)
        err = EINVAL;
    if (err)
        return simFailed(err, "xc_domain_unpause");
    dom->paused = --dom->pauseCount > 0;
    return 0;
}

static int
simDestroy(void *xc XV_UNUSED, uint32_t domid)
{
    int err = simEnter(XV_SIM_CALL_DESTROY);

    if (!err && !xvSimGetDomain(domid))
        err = ESRCH;
    if (err) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "libxl_domain_destroy failed (libxl error -3): %s", strerror(err));
        return -1;
    }
    if (sim.destroyLingers) {
        char path[64];

        /* as on real Xen: the toolstack's entries go at once, the domain
         * lingers as dying until its pages are released */
        xvSimGetDomain(domid)->dying = true;
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        xvSimStoreRemove(path);
        xvSimFireWatch("@releaseDomain");
        return 0;
    }
    xvSimRemoveDomain(domid);
    return 0;
}

void
xvSimSetDestroyLingers(bool lingers)
{
    sim.destroyLingers = lingers;
}

static int
simToolstackFailed(const char *call, int err)
{
    xvReportError(VIR_ERR_OPERATION_FAILED, "%s failed (libxl error -3): %s", call,
                  strerror(err));
    return -1;
}

static xvSimDom *
simFindName(const char *name)
{
    char path[64];
    size_t i;

    for (i = 0; i < sim.ndoms; i++) {
        const char *n;

        snprintf(path, sizeof(path), "/local/domain/%u/name", sim.doms[i].domid);
        if ((n = xvSimStoreGet(path)) && XV_STREQ(n, name))
            return &sim.doms[i];
    }
    return NULL;
}

/* What libxl_domain_create_new does, in the simulation. */
static int
simCreateFrom(const char *call, const xvDomainDef *def, uint32_t *domid)
{
    xvSimDom *dom;
    unsigned int i;

    if (simFindName(def->name)) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "%s failed (libxl error -6): domain with name '%s' already exists",
                      call, def->name);
        return -1;
    }
    *domid = sim.nextDomid++;
    dom = simDomainNew(*domid, def->maxVcpus, def->memKiB);
    memcpy(dom->uuid, def->uuid, 16);
    dom->hvm = XV_STREQ_NULLABLE(def->os.type, "hvm");
    for (i = def->vcpus; i < def->maxVcpus && i < XV_SIM_MAX_VCPUS; i++)
        dom->vcpus[i].online = false;
    dom->config = xvDomainDefCopy(def);
    simIntroduce(*domid, def->name, def->maxMemKiB, def->memKiB);
    return 0;
}

static int
simCreate(void *xc XV_UNUSED, const xvDomainDef *def, uint32_t *domid)
{
    int err = simEnter(XV_SIM_CALL_CREATE);

    if (err)
        return simToolstackFailed("libxl_domain_create_new", err);
    return simCreateFrom("libxl_domain_create_new", def, domid);
}

/* The live config: the stored one with the current target and vcpus. */
static int
simGetConfig(void *xc XV_UNUSED, uint32_t domid, xvDomainDef **def)
{
    int err = simEnter(XV_SIM_CALL_GET_CONFIG);
    xvSimDom *dom = xvSimGetDomain(domid);
    char path[64];
    const char *target;
    unsigned int i;

    if (!err && (!dom || !dom->config))
        err = ENOENT;
    if (err)
        return simToolstackFailed("libxl_retrieve_domain_configuration", err);
    *def = xvDomainDefCopy(dom->config);
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
    if ((target = xvSimStoreGet(path)))
        (*def)->memKiB = strtoul(target, NULL, 10);
    (*def)->vcpus = 0;
    for (i = 0; i < dom->nvcpus; i++)
        (*def)->vcpus += dom->vcpus[i].online;
    return 0;
}

#define SIM_SAVE_MAGIC "xvsim-save\n"

/* The file: the magic and the config's XML. The domain is left
 * suspended, as libxl_domain_suspend leaves it. */
static int
simSave(void *xc XV_UNUSED, uint32_t domid, int fd)
{
    int err = simEnter(XV_SIM_CALL_SAVE);
    xvSimDom *dom = xvSimGetDomain(domid);
    XV_AUTOFREE(char *) xml = NULL;
    XV_AUTOFREE(char *) data = NULL;
    size_t len;

    if (!err && (!dom || !dom->config))
        err = ESRCH;
    if (err)
        return simToolstackFailed("libxl_domain_suspend", err);
    xml = xvDomainDefFormat(dom->config, -1);
    data = xvAsprintf("%s%s", SIM_SAVE_MAGIC, xml);
    len = strlen(data);
    if (write(fd, data, len) != (ssize_t)len) {
        xvReportSystemError(errno, "%s", "cannot write the save file");
        return -1;
    }
    dom->shutdown = true;
    dom->shutdownReason = XV_XEN_SHUTDOWN_SUSPEND;
    return 0;
}

static int
simRestore(void *xc XV_UNUSED, int fd, uint32_t *domid, xvDomainDef **def)
{
    static const char *const types[] = { "xen", NULL };
    int err = simEnter(XV_SIM_CALL_RESTORE);
    char buf[65536];
    ssize_t n;

    if (err)
        return simToolstackFailed("libxl_domain_create_restore", err);
    n = read(fd, buf, sizeof(buf) - 1);
    if (n < (ssize_t)strlen(SIM_SAVE_MAGIC) ||
        strncmp(buf, SIM_SAVE_MAGIC, strlen(SIM_SAVE_MAGIC)) != 0) {
        xvReportError(VIR_ERR_READ_FAILED, "%s", "not a save file of xl or xvirt");
        return -1;
    }
    buf[n] = '\0';
    if (!(*def = xvDomainDefParseString(buf + strlen(SIM_SAVE_MAGIC), types)))
        return -1;
    if (simCreateFrom("libxl_domain_create_restore", *def, domid) < 0) {
        xvDomainDefFree(*def);
        *def = NULL;
        return -1;
    }
    return 0;
}

static const xvXenCtrlOps simCtrl = {
    .hostProbe = simHostProbe,
    .open = simCtrlOpen,
    .close = simCtrlClose,
    .version = simVersion,
    .physinfo = simPhysinfo,
    .cpuTopology = simCpuTopology,
    .cpuIdle = simCpuIdle,
    .domainGetInfoList = simGetInfoList,
    .vcpuGetInfo = simVcpuGetInfo,
    .vcpuGetAffinity = simVcpuGetAffinity,
    .vcpuSetAffinity = simVcpuSetAffinity,
    .domainSetMaxMem = simSetMaxMem,
    .domainPause = simPause,
    .domainUnpause = simUnpause,
    .domainDestroy = simDestroy,
    .domainCreate = simCreate,
    .domainGetConfig = simGetConfig,
    .domainSave = simSave,
    .domainRestore = simRestore,
};

/* ---- xenstore through the seam ----------------------------------------------- */

#undef XV_FROM_THIS
#define XV_FROM_THIS VIR_FROM_XENSTORE

static void *
simStoreOpen(void)
{
    int err = simEnter(XV_SIM_CALL_STORE_OPEN);

    if (err || sim.storeOpenErrno) {
        errno = err ? err : sim.storeOpenErrno;
        return NULL;
    }
    sim.openHandles++;
    return xvAlloc(1);
}

static void
simStoreClose(void *xs)
{
    simEnter(XV_SIM_CALL_STORE_CLOSE);
    if (!xs)
        return;
    sim.openHandles--;
    free(xs);
}

static int
simStoreFailed(int err, const char *call, const char *path)
{
    if (path)
        xvReportSystemError(err, "%s of '%s' failed", call, path);
    else
        xvReportSystemError(err, "%s failed", call);
    errno = err;
    return -1;
}

static simTxnWrite *
simTxnFind(xvXenXbt t, const char *path)
{
    size_t i;

    for (i = 0; i < sim.ntxnWrites; i++) {
        if (sim.txnWrites[i].t == t && XV_STREQ(sim.txnWrites[i].path, path))
            return &sim.txnWrites[i];
    }
    return NULL;
}

static char *
simStoreRead(void *xs XV_UNUSED, xvXenXbt t, const char *path)
{
    int err = simEnter(XV_SIM_CALL_STORE_READ);
    simTxnWrite *pending;
    const char *value;

    if (err) {
        if (err != ENOENT)
            simStoreFailed(err, "xs_read", path);
        errno = err;
        return NULL;
    }
    if (t != XV_XEN_XBT_NULL && (pending = simTxnFind(t, path)))
        return xvStrdup(pending->value);
    if (!(value = xvSimStoreGet(path))) {
        errno = ENOENT;
        return NULL;
    }
    return xvStrdup(value);
}

static int
simStoreWrite(void *xs XV_UNUSED, xvXenXbt t, const char *path, const char *value)
{
    int err = simEnter(XV_SIM_CALL_STORE_WRITE);
    simTxnWrite *pending;

    if (err)
        return simStoreFailed(err, "xs_write", path);
    if (t == XV_XEN_XBT_NULL) {
        xvSimStoreSet(path, value);
    } else if ((pending = simTxnFind(t, path))) {
        free(pending->value);
        pending->value = xvStrdup(value);
    } else {
        sim.txnWrites = xvReallocN(sim.txnWrites, sim.ntxnWrites + 1, sizeof(*sim.txnWrites));
        sim.txnWrites[sim.ntxnWrites].t = t;
        sim.txnWrites[sim.ntxnWrites].path = xvStrdup(path);
        sim.txnWrites[sim.ntxnWrites].value = xvStrdup(value);
        sim.ntxnWrites++;
    }
    return 0;
}

/* The names right below @path, as xs_directory gives them: one allocation
 * (the pointers, then the strings); ENOENT when nothing is at or below it. */
static char **
simDirectoryOf(const char *path, unsigned int *num)
{
    size_t plen = strlen(path), i, j, n = 0, bytes = 0;
    const char **names = xvAllocN(sim.nkeys + 1, sizeof(*names));
    size_t *lens = xvAllocN(sim.nkeys + 1, sizeof(*lens));
    bool exists = false;
    char **ret, *out;

    for (i = 0; i < sim.nkeys; i++) {
        const char *k = sim.keys[i].path, *name, *slash;
        size_t len;

        if (strncmp(k, path, plen) != 0 || (k[plen] != '/' && k[plen] != '\0'))
            continue;
        exists = true;
        if (k[plen] == '\0')
            continue;
        name = k + plen + 1;
        slash = strchr(name, '/');
        len = slash ? (size_t)(slash - name) : strlen(name);
        for (j = 0; j < n && !(lens[j] == len && strncmp(names[j], name, len) == 0); j++)
            ;
        if (j < n)
            continue;
        names[n] = name;
        lens[n++] = len;
        bytes += len + 1;
    }
    if (!exists) {
        free(names);
        free(lens);
        errno = ENOENT;
        return NULL;
    }
    ret = xvAlloc((n + 1) * sizeof(char *) + bytes);
    out = (char *)(ret + n + 1);
    for (j = 0; j < n; j++) {
        memcpy(out, names[j], lens[j]);
        out[lens[j]] = '\0';
        ret[j] = out;
        out += lens[j] + 1;
    }
    free(names);
    free(lens);
    *num = (unsigned int)n;
    return ret;
}

static char **
simStoreDirectory(void *xs XV_UNUSED, xvXenXbt t XV_UNUSED, const char *path,
                  unsigned int *num)
{
    int err = simEnter(XV_SIM_CALL_STORE_DIRECTORY);

    if (err) {
        simStoreFailed(err, "xs_directory", path);
        return NULL;
    }
    return simDirectoryOf(path, num);
}

static int
simStoreWatch(void *xs XV_UNUSED, const char *path, const char *token)
{
    int err = simEnter(XV_SIM_CALL_STORE_WATCH);

    if (err)
        return simStoreFailed(err, "xs_watch", path);
    sim.watches = xvReallocN(sim.watches, sim.nwatches + 1, sizeof(*sim.watches));
    sim.watches[sim.nwatches].path = xvStrdup(path);
    sim.watches[sim.nwatches].token = xvStrdup(token);
    sim.nwatches++;
    /* xenstored fires a new watch once at once. */
    simEventQueue(path, token);
    return 0;
}

static int
simStoreUnwatch(void *xs XV_UNUSED, const char *path, const char *token)
{
    int err = simEnter(XV_SIM_CALL_STORE_UNWATCH);
    size_t i;

    if (err)
        return simStoreFailed(err, "xs_unwatch", path);
    for (i = 0; i < sim.nwatches; i++) {
        if (XV_STREQ(sim.watches[i].path, path) && XV_STREQ(sim.watches[i].token, token)) {
            free(sim.watches[i].path);
            free(sim.watches[i].token);
            sim.watches[i] = sim.watches[--sim.nwatches];
            return 0;
        }
    }
    return simStoreFailed(ENOENT, "xs_unwatch", path);
}

/* { path, token } in one allocation, as libxenstore returns it. */
static char **
simStoreCheckWatch(void *xs XV_UNUSED)
{
    int err = simEnter(XV_SIM_CALL_STORE_CHECK_WATCH);
    size_t plen, tlen;
    char **ret;

    if (err) {
        simStoreFailed(err, "xs_check_watch", NULL);
        return NULL;
    }
    if (sim.nevents == 0) {
        errno = EAGAIN;
        return NULL;
    }
    plen = strlen(sim.events[0].path) + 1;
    tlen = strlen(sim.events[0].token) + 1;
    ret = xvAlloc(2 * sizeof(char *) + plen + tlen);
    ret[0] = (char *)(ret + 2);
    ret[1] = ret[0] + plen;
    memcpy(ret[0], sim.events[0].path, plen);
    memcpy(ret[1], sim.events[0].token, tlen);
    free(sim.events[0].path);
    free(sim.events[0].token);
    memmove(&sim.events[0], &sim.events[1], (sim.nevents - 1) * sizeof(*sim.events));
    if (--sim.nevents == 0)
        simWatchPipeToken(false);
    return ret;
}

static int
simStoreFileno(void *xs XV_UNUSED)
{
    int err = simEnter(XV_SIM_CALL_STORE_FILENO);

    if (err)
        return simStoreFailed(err, "xs_fileno", NULL);
    if (simWatchPipe[0] < 0) {
        if (pipe2(simWatchPipe, O_NONBLOCK | O_CLOEXEC) < 0)
            abort();
        if (sim.nevents > 0)
            simWatchPipeToken(true);
    }
    return simWatchPipe[0];
}

static int
simStoreTransactionStart(void *xs XV_UNUSED, xvXenXbt *t)
{
    int err = simEnter(XV_SIM_CALL_STORE_TXN_START);

    if (err)
        return simStoreFailed(err, "xs_transaction_start", NULL);
    *t = sim.nextTxn++;
    return 0;
}

/* Commits (or drops) the writes of @t, in the order they were made. */
static void
simTxnFinish(xvXenXbt t, bool commit)
{
    size_t i = 0;

    while (i < sim.ntxnWrites) {
        if (sim.txnWrites[i].t != t) {
            i++;
            continue;
        }
        if (commit)
            xvSimStoreSet(sim.txnWrites[i].path, sim.txnWrites[i].value);
        free(sim.txnWrites[i].path);
        free(sim.txnWrites[i].value);
        memmove(&sim.txnWrites[i], &sim.txnWrites[i + 1],
                (sim.ntxnWrites - i - 1) * sizeof(*sim.txnWrites));
        sim.ntxnWrites--;
    }
}

static int
simStoreTransactionEnd(void *xs XV_UNUSED, xvXenXbt t, bool abort)
{
    int err = simEnter(XV_SIM_CALL_STORE_TXN_END);

    if (err) {
        simTxnFinish(t, false);
        return simStoreFailed(err, "xs_transaction_end", NULL);
    }
    if (!abort && sim.conflicts > 0) {
        sim.conflicts--;
        simTxnFinish(t, false);
        return 1;
    }
    simTxnFinish(t, !abort);
    return 0;
}

static const xvXenStoreOps simStore = {
    .open = simStoreOpen,
    .close = simStoreClose,
    .read = simStoreRead,
    .write = simStoreWrite,
    .directory = simStoreDirectory,
    .watch = simStoreWatch,
    .unwatch = simStoreUnwatch,
    .checkWatch = simStoreCheckWatch,
    .fileno = simStoreFileno,
    .transactionStart = simStoreTransactionStart,
    .transactionEnd = simStoreTransactionEnd,
};

const xvXenHypervisor xvSimHypervisor = {
    .name = "sim",
    .ctrl = &simCtrl,
    .store = &simStore,
};
