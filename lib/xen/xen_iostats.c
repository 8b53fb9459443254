/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_iostats.c: disk and network counters of Xen domains, read in dom0
 * from the backends (virDomainBlockStats, virDomainInterfaceStats).
 *
 * What a call costs:
 *
 * - Steady state: virDomainBlockStats is 5 pread(2) (blkback's rd_req,
 *   wr_req, rd_sect, wr_sect, oo_req under /sys/bus/xen-backend/devices/
 *   vbd-DOMID-DEVID/statistics), virDomainInterfaceStats 8 pread(2)
 *   (/sys/class/net/vifDOMID.N/statistics/{rx,tx}_{bytes,packets,errors,
 *   dropped}), on files opened once. No hypercall (the driver's domain
 *   cache finds the domain) and no xenstore access.
 * - xenstore: two watches per connection, on /local/domain/0/backend/vbd
 *   and .../vif, set by the first call. A domain's device list is read
 *   (1 xs_directory + 2 xs_read per device: vbd "dev" and "params", vif
 *   "mac" and "vifname") when it is first asked about, and again only
 *   after an event of those watches under its own directory (a device
 *   added or removed, a backend changing state). The first event of each
 *   watch, which xenstored sends when it is set, is expected and ignored.
 *   If a watch cannot be set, the lists are read at every call instead and
 *   the watches tried again.
 * - Files: opened at the first read after a (re)scan and kept open while
 *   the cache holds fewer than RLIMIT_NOFILE (soft) - 1024 of them (half the
 *   limit when it is 2048 or less), as read by the first call; past that a
 *   counter costs open + pread + close. 1,000 domains with a disk and a vif
 *   keep 13,000 files open: the agent raises its soft limit to the hard one. A device whose counter files do not exist
 *   (a backend still connecting, or not blkback/netback) reports -1
 *   (unknown) for them and is looked at again after its next watch event.
 *
 * The counters belong to the backend device: a new domain (also after a
 * reboot, a restore or a crash restart: new domid) has new devices that
 * start from zero, and a domid reused by another domain (other UUID) gets a
 * fresh entry.
 */
#include "config.h"

#include "xen/xen_iostats.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_XEN

#define XEN_IO_BACKEND "/local/domain/0/backend/"
#define XEN_IO_PATH_MAX 256
#define XEN_IO_MAX_FILES 8
#define XEN_IO_SECTOR_BYTES 512

typedef enum {
    XEN_IO_VBD = 0,
    XEN_IO_VIF,
    XEN_IO_KIND_LAST
} xenIoKind;

static const char *const xenIoKindNames[] = {
    [XEN_IO_VBD] = "vbd",
    [XEN_IO_VIF] = "vif",
};
_Static_assert(XV_N_ELEMENTS(xenIoKindNames) == XEN_IO_KIND_LAST,
               "xenIoKindNames must name every xenIoKind");

typedef enum {
    XEN_VBD_RD_REQ = 0,
    XEN_VBD_WR_REQ,
    XEN_VBD_RD_SECT,
    XEN_VBD_WR_SECT,
    XEN_VBD_OO_REQ,
    XEN_VBD_STAT_LAST
} xenVbdStat;

static const char *const xenVbdStatFiles[] = {
    [XEN_VBD_RD_REQ] = "rd_req",
    [XEN_VBD_WR_REQ] = "wr_req",
    [XEN_VBD_RD_SECT] = "rd_sect",
    [XEN_VBD_WR_SECT] = "wr_sect",
    [XEN_VBD_OO_REQ] = "oo_req",
};
_Static_assert(XV_N_ELEMENTS(xenVbdStatFiles) == XEN_VBD_STAT_LAST,
               "xenVbdStatFiles must name every xenVbdStat");

/* The vif's own view: rx is what the guest sent. */
typedef enum {
    XEN_VIF_RX_BYTES = 0,
    XEN_VIF_RX_PACKETS,
    XEN_VIF_RX_ERRORS,
    XEN_VIF_RX_DROPPED,
    XEN_VIF_TX_BYTES,
    XEN_VIF_TX_PACKETS,
    XEN_VIF_TX_ERRORS,
    XEN_VIF_TX_DROPPED,
    XEN_VIF_STAT_LAST
} xenVifStat;

static const char *const xenVifStatFiles[] = {
    [XEN_VIF_RX_BYTES] = "rx_bytes",
    [XEN_VIF_RX_PACKETS] = "rx_packets",
    [XEN_VIF_RX_ERRORS] = "rx_errors",
    [XEN_VIF_RX_DROPPED] = "rx_dropped",
    [XEN_VIF_TX_BYTES] = "tx_bytes",
    [XEN_VIF_TX_PACKETS] = "tx_packets",
    [XEN_VIF_TX_ERRORS] = "tx_errors",
    [XEN_VIF_TX_DROPPED] = "tx_dropped",
};
_Static_assert(XV_N_ELEMENTS(xenVifStatFiles) == XEN_VIF_STAT_LAST,
               "xenVifStatFiles must name every xenVifStat");
_Static_assert(XEN_VBD_STAT_LAST <= XEN_IO_MAX_FILES &&
               XEN_VIF_STAT_LAST <= XEN_IO_MAX_FILES, "XEN_IO_MAX_FILES");

typedef struct _xenIoDev xenIoDev;
struct _xenIoDev {
    unsigned int devid;
    char *name;             /* vbd: target ("xvda"); vif: device ("vif3.0") */
    char *alias;            /* vbd: source path; vif: MAC; NULL if absent */
    char *dir;              /* the folder of its counter files */
    int fd[XEN_IO_MAX_FILES]; /* -1: not open */
    bool absent;            /* no counter files: wait for a watch event */
};

typedef struct _xenIoDom xenIoDom;
struct _xenIoDom {
    uint32_t domid;
    unsigned char uuid[16];
    bool dirty[XEN_IO_KIND_LAST];   /* the device list must be read */
    xenIoDev *devs[XEN_IO_KIND_LAST];
    size_t ndevs[XEN_IO_KIND_LAST];
};

/* Guarded by the driver's connection lock, like the rest of its state. */
struct _xvXenIoCache {
    char *token;
    char *sysRoot;
    bool watched[XEN_IO_KIND_LAST];
    bool primed[XEN_IO_KIND_LAST];  /* the watch's first (setup) event came */
    xenIoDom *doms;                 /* sorted by domid */
    size_t ndoms;
    size_t openFiles;
    size_t maxOpenFiles;
    xvXenIoCounts counts;
};

static const char *const *
xenIoStatFiles(xenIoKind kind, size_t *n)
{
    *n = kind == XEN_IO_VBD ? XEN_VBD_STAT_LAST : XEN_VIF_STAT_LAST;
    return kind == XEN_IO_VBD ? xenVbdStatFiles : xenVifStatFiles;
}

/* ---- The cache ----------------------------------------------------------- */

xvXenIoCache *
xvXenIoCacheNew(const char *driverToken, const char *sysRoot)
{
    xvXenIoCache *cache = xvAlloc(sizeof(*cache));
    struct rlimit rl;

    cache->token = xvAsprintf("%s/io", driverToken);
    cache->sysRoot = xvStrdup(sysRoot ? sysRoot : "");
    /* Counter files may hold all descriptors but 1024 (the program's
     * connections, its other files), and at least half of them. */
    cache->maxOpenFiles = 512;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > SIZE_MAX)
            cache->maxOpenFiles = SIZE_MAX;
        else if (rl.rlim_cur > 2048)
            cache->maxOpenFiles = (size_t)rl.rlim_cur - 1024;
        else
            cache->maxOpenFiles = (size_t)(rl.rlim_cur / 2);
    }
    return cache;
}

static void
xenIoDevClose(xvXenIoCache *cache, xenIoDev *dev)
{
    size_t k;

    for (k = 0; k < XEN_IO_MAX_FILES; k++) {
        if (dev->fd[k] >= 0) {
            close(dev->fd[k]);
            cache->openFiles--;
        }
        dev->fd[k] = -1;
    }
}

static void
xenIoDomClearKind(xvXenIoCache *cache, xenIoDom *dom, xenIoKind kind)
{
    size_t i;

    for (i = 0; i < dom->ndevs[kind]; i++) {
        xenIoDev *dev = &dom->devs[kind][i];

        xenIoDevClose(cache, dev);
        free(dev->name);
        free(dev->alias);
        free(dev->dir);
    }
    free(dom->devs[kind]);
    dom->devs[kind] = NULL;
    dom->ndevs[kind] = 0;
}

static void
xenIoDomClear(xvXenIoCache *cache, xenIoDom *dom)
{
    size_t kind;

    for (kind = 0; kind < XEN_IO_KIND_LAST; kind++) {
        xenIoDomClearKind(cache, dom, (xenIoKind)kind);
        dom->dirty[kind] = true;
    }
}

void
xvXenIoCacheFree(xvXenIoCache *cache)
{
    size_t i;

    if (!cache)
        return;
    for (i = 0; i < cache->ndoms; i++)
        xenIoDomClear(cache, &cache->doms[i]);
    free(cache->doms);
    free(cache->token);
    free(cache->sysRoot);
    free(cache);
}

/* The index of @domid in the sorted array, or where it would go. */
static size_t
xenIoDomPos(const xvXenIoCache *cache, uint32_t domid)
{
    size_t lo = 0, hi = cache->ndoms;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cache->doms[mid].domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static xenIoDom *
xenIoDomFind(xvXenIoCache *cache, uint32_t domid)
{
    size_t pos = xenIoDomPos(cache, domid);

    return pos < cache->ndoms && cache->doms[pos].domid == domid ? &cache->doms[pos] : NULL;
}

/* The entry of @domid, made if new; a domain under a reused id starts over. */
static xenIoDom *
xenIoDomEnsure(xvXenIoCache *cache, uint32_t domid, const unsigned char *uuid)
{
    size_t pos = xenIoDomPos(cache, domid);
    xenIoDom *dom;

    if (pos < cache->ndoms && cache->doms[pos].domid == domid) {
        dom = &cache->doms[pos];
        if (memcmp(dom->uuid, uuid, sizeof(dom->uuid)) != 0) {
            xenIoDomClear(cache, dom);
            memcpy(dom->uuid, uuid, sizeof(dom->uuid));
        }
        return dom;
    }
    cache->doms = xvReallocN(cache->doms, cache->ndoms + 1, sizeof(*cache->doms));
    memmove(&cache->doms[pos + 1], &cache->doms[pos],
            (cache->ndoms - pos) * sizeof(*cache->doms));
    cache->ndoms++;
    dom = &cache->doms[pos];
    memset(dom, 0, sizeof(*dom));
    dom->domid = domid;
    memcpy(dom->uuid, uuid, sizeof(dom->uuid));
    dom->dirty[XEN_IO_VBD] = dom->dirty[XEN_IO_VIF] = true;
    return dom;
}

void
xvXenIoCachePrune(xvXenIoCache *cache, xvXenIoAliveFunc alive, void *opaque)
{
    size_t i, kept = 0;

    if (!cache)
        return;
    for (i = 0; i < cache->ndoms; i++) {
        xenIoDom *dom = &cache->doms[i];

        if (alive(opaque, dom->domid, dom->uuid)) {
            cache->doms[kept++] = *dom;
            continue;
        }
        xenIoDomClear(cache, dom);
    }
    cache->ndoms = kept;
}

void
xvXenIoCacheGetCounts(const xvXenIoCache *cache, xvXenIoCounts *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (cache)
        *ret = cache->counts;
}

/* ---- Watches --------------------------------------------------------------- */

static void
xenIoMarkAll(xvXenIoCache *cache, xenIoKind kind)
{
    size_t i;

    for (i = 0; i < cache->ndoms; i++)
        cache->doms[i].dirty[kind] = true;
}

bool
xvXenIoCacheWatchEvent(xvXenIoCache *cache, const char *path, const char *token)
{
    unsigned long domid;
    const char *rest;
    xenIoDom *dom;
    char *end;
    size_t kind, len;

    if (!cache || !XV_STREQ(token, cache->token))
        return false;
    if (strncmp(path, XEN_IO_BACKEND, strlen(XEN_IO_BACKEND)) != 0)
        return true;
    path += strlen(XEN_IO_BACKEND);
    for (kind = 0; kind < XEN_IO_KIND_LAST; kind++) {
        len = strlen(xenIoKindNames[kind]);
        if (strncmp(path, xenIoKindNames[kind], len) == 0 &&
            (path[len] == '\0' || path[len] == '/'))
            break;
    }
    if (kind == XEN_IO_KIND_LAST)
        return true;
    rest = path + len;
    if (*rest == '\0') {
        /* The watched folder itself: its setup event, or all of it changed. */
        if (!cache->primed[kind])
            cache->primed[kind] = true;
        else
            xenIoMarkAll(cache, (xenIoKind)kind);
        return true;
    }
    errno = 0;
    domid = strtoul(rest + 1, &end, 10);
    if (errno != 0 || end == rest + 1 || (*end != '\0' && *end != '/') || domid > UINT32_MAX)
        return true;
    if ((dom = xenIoDomFind(cache, (uint32_t)domid)))
        dom->dirty[kind] = true;
    return true;
}

/* Sets the watches not set yet; one that fails leaves no error: the lists
 * are then read at every call. */
static void
xenIoWatch(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs)
{
    char path[XEN_IO_PATH_MAX];
    size_t kind;

    for (kind = 0; kind < XEN_IO_KIND_LAST; kind++) {
        if (cache->watched[kind])
            continue;
        snprintf(path, sizeof(path), XEN_IO_BACKEND "%s", xenIoKindNames[kind]);
        cache->primed[kind] = false;
        if (hv->store->watch(xs, path, cache->token) < 0) {
            virResetLastError();
            continue;
        }
        /* What changed before the watch was set is read now. */
        cache->watched[kind] = true;
        xenIoMarkAll(cache, (xenIoKind)kind);
    }
}

/* ---- Device lists from xenstore ------------------------------------------------ */

/* Reads backend key @key of a device (NULL when absent, not an error). */
static int
xenIoReadKey(const xvXenHypervisor *hv, void *xs, const char *devPath, const char *key,
             char **ret)
{
    char path[XEN_IO_PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", devPath, key);
    errno = 0;
    if (!(*ret = hv->store->read(xs, XV_XEN_XBT_NULL, path)) && errno != ENOENT)
        return -1;
    return 0;
}

/* Names and counter folder of device @devid of @dom, from its backend keys. */
static int
xenIoDevRead(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs, const xenIoDom *dom,
             xenIoKind kind, unsigned int devid, xenIoDev *dev)
{
    char devPath[XEN_IO_PATH_MAX];
    char *vifname = NULL;
    size_t k;

    memset(dev, 0, sizeof(*dev));
    for (k = 0; k < XEN_IO_MAX_FILES; k++)
        dev->fd[k] = -1;
    dev->devid = devid;
    snprintf(devPath, sizeof(devPath), XEN_IO_BACKEND "%s/%" PRIu32 "/%u",
             xenIoKindNames[kind], dom->domid, devid);
    if (kind == XEN_IO_VBD) {
        if (xenIoReadKey(hv, xs, devPath, "dev", &dev->name) < 0 ||
            xenIoReadKey(hv, xs, devPath, "params", &dev->alias) < 0)
            return -1;
        dev->dir = xvAsprintf("%s/sys/bus/xen-backend/devices/vbd-%" PRIu32 "-%u/statistics",
                              cache->sysRoot, dom->domid, devid);
        return 0;
    }
    /* netback names it vifDOMID.DEVID; a hotplug script may rename it to
     * the backend's "vifname". */
    if (xenIoReadKey(hv, xs, devPath, "mac", &dev->alias) < 0 ||
        xenIoReadKey(hv, xs, devPath, "vifname", &vifname) < 0)
        return -1;
    dev->name = vifname ? vifname : xvAsprintf("vif%" PRIu32 ".%u", dom->domid, devid);
    dev->dir = xvAsprintf("%s/sys/class/net/%s/statistics", cache->sysRoot, dev->name);
    return 0;
}

/* Reads the device list of one kind of @dom from its backend folder. */
static int
xenIoDomScan(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs, xenIoDom *dom,
             xenIoKind kind)
{
    char path[XEN_IO_PATH_MAX];
    XV_AUTOFREE(char **) list = NULL;
    unsigned int num = 0, i;
    xenIoDev *devs;
    size_t n = 0;

    xenIoDomClearKind(cache, dom, kind);
    cache->counts.rescans++;
    snprintf(path, sizeof(path), XEN_IO_BACKEND "%s/%" PRIu32, xenIoKindNames[kind],
             dom->domid);
    errno = 0;
    if (!(list = hv->store->directory(xs, XV_XEN_XBT_NULL, path, &num))) {
        if (errno != ENOENT)
            return -1;
        num = 0;
    }
    devs = xvAllocN(num + 1, sizeof(*devs));
    for (i = 0; i < num; i++) {
        unsigned long devid;
        char *end;

        errno = 0;
        devid = strtoul(list[i], &end, 10);
        if (errno != 0 || end == list[i] || *end != '\0' || devid > UINT32_MAX)
            continue;
        if (xenIoDevRead(cache, hv, xs, dom, kind, (unsigned int)devid, &devs[n]) < 0) {
            free(devs[n].name);
            free(devs[n].alias);
            free(devs[n].dir);
            dom->devs[kind] = devs;
            dom->ndevs[kind] = n;
            xenIoDomClearKind(cache, dom, kind);
            return -1;
        }
        n++;
    }
    dom->devs[kind] = devs;
    dom->ndevs[kind] = n;
    dom->dirty[kind] = false;
    return 0;
}

/* The entry of @domid with its @kind devices current. */
static xenIoDom *
xenIoDomGet(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs, uint32_t domid,
            const unsigned char *uuid, xenIoKind kind)
{
    xenIoDom *dom;

    xenIoWatch(cache, hv, xs);
    dom = xenIoDomEnsure(cache, domid, uuid);
    if ((dom->dirty[kind] || !cache->watched[kind]) &&
        xenIoDomScan(cache, hv, xs, dom, kind) < 0) {
        dom->dirty[kind] = true;
        return NULL;
    }
    return dom;
}

/* ---- Counter files ----------------------------------------------------------- */

/*
 * Reads counter @k (file @file) of @dev into *@ret. A missing file leaves
 * *@ret alone (unknown) and marks the device absent. Returns 0, 1 when
 * the files are missing, or -1 (reported).
 */
static int
xenIoReadCounter(xvXenIoCache *cache, xenIoDev *dev, size_t k, const char *file,
                 long long *ret)
{
    char path[XEN_IO_PATH_MAX];
    char buf[32], *end;
    unsigned long long value;
    ssize_t n;
    int fd = dev->fd[k];

    snprintf(path, sizeof(path), "%s/%s", dev->dir, file);
    if (fd < 0) {
        cache->counts.opens++;
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
            if (errno == ENOENT || errno == ENODEV) {
                dev->absent = true;
                return 1;
            }
            xvReportSystemError(errno, "cannot open '%s'", path);
            return -1;
        }
        if (cache->openFiles < cache->maxOpenFiles) {
            dev->fd[k] = fd;
            cache->openFiles++;
        }
    }
    cache->counts.reads++;
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n < 0) {
        int err = errno;

        /* A device removed under us: its files are dead, look again. */
        xvReportSystemError(err, "cannot read '%s'", path);
        if (dev->fd[k] != fd)
            close(fd);
        xenIoDevClose(cache, dev);
        return -1;
    }
    if (dev->fd[k] != fd)
        close(fd);
    buf[n] = '\0';
    errno = 0;
    value = strtoull(buf, &end, 10);
    if (errno != 0 || end == buf || (*end != '\0' && *end != '\n') || value > LLONG_MAX) {
        xvReportError(VIR_ERR_INTERNAL_ERROR, "invalid counter '%.*s' in '%s'",
                      (int)strcspn(buf, "\n"), buf, path);
        return -1;
    }
    *ret = (long long)value;
    return 0;
}

/* Reads every counter file of @dev into @values (-1 where unknown). */
static int
xenIoReadDev(xvXenIoCache *cache, xenIoDom *dom, xenIoKind kind, xenIoDev *dev,
             long long *values)
{
    size_t n, k;
    const char *const *files = xenIoStatFiles(kind, &n);
    int r;

    for (k = 0; k < n; k++)
        values[k] = -1;
    if (dev->absent)
        return 0;
    for (k = 0; k < n; k++) {
        if ((r = xenIoReadCounter(cache, dev, k, files[k], &values[k])) < 0) {
            dom->dirty[kind] = true;
            return -1;
        }
        if (r > 0) {
            for (k = 0; k < n; k++)
                values[k] = -1;
            return 0;
        }
    }
    return 0;
}

static xenIoDev *
xenIoDevFind(xenIoDom *dom, xenIoKind kind, const char *what)
{
    size_t i;

    for (i = 0; i < dom->ndevs[kind]; i++) {
        xenIoDev *dev = &dom->devs[kind][i];

        if ((dev->name && XV_STREQ(dev->name, what)) ||
            (dev->alias && (kind == XEN_IO_VBD ? XV_STREQ(dev->alias, what)
                                                : strcasecmp(dev->alias, what) == 0)))
            return dev;
    }
    return NULL;
}

/* ---- The calls ------------------------------------------------------------------ */

/* A scaled counter: -1 stays unknown. */
static long long
xenIoTimes(long long value, long long factor)
{
    return value < 0 ? -1 : value * factor;
}

int
xvXenBlockStats(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs,
                uint32_t domid, const unsigned char *uuid, const char *disk,
                virDomainBlockStatsPtr stats)
{
    long long v[XEN_IO_MAX_FILES];
    xenIoDom *dom;
    xenIoDev *dev;

    if (!(dom = xenIoDomGet(cache, hv, xs, domid, uuid, XEN_IO_VBD)))
        return -1;
    if (!disk[0] || !(dev = xenIoDevFind(dom, XEN_IO_VBD, disk))) {
        xvReportError(VIR_ERR_INVALID_ARG, "invalid path: %s", disk);
        return -1;
    }
    if (xenIoReadDev(cache, dom, XEN_IO_VBD, dev, v) < 0)
        return -1;
    stats->rd_req = v[XEN_VBD_RD_REQ];
    stats->wr_req = v[XEN_VBD_WR_REQ];
    stats->rd_bytes = xenIoTimes(v[XEN_VBD_RD_SECT], XEN_IO_SECTOR_BYTES);
    stats->wr_bytes = xenIoTimes(v[XEN_VBD_WR_SECT], XEN_IO_SECTOR_BYTES);
    stats->errs = v[XEN_VBD_OO_REQ];
    return 0;
}

int
xvXenInterfaceStats(xvXenIoCache *cache, const xvXenHypervisor *hv, void *xs,
                    uint32_t domid, const unsigned char *uuid, const char *device,
                    virDomainInterfaceStatsPtr stats)
{
    long long v[XEN_IO_MAX_FILES];
    xenIoDom *dom;
    xenIoDev *dev;

    if (!(dom = xenIoDomGet(cache, hv, xs, domid, uuid, XEN_IO_VIF)))
        return -1;
    if (!device[0] || !(dev = xenIoDevFind(dom, XEN_IO_VIF, device))) {
        xvReportError(VIR_ERR_INVALID_ARG, "'%s' is not a known interface", device);
        return -1;
    }
    if (xenIoReadDev(cache, dom, XEN_IO_VIF, dev, v) < 0)
        return -1;
    /* What the vif sends, the guest receives. */
    stats->rx_bytes = v[XEN_VIF_TX_BYTES];
    stats->rx_packets = v[XEN_VIF_TX_PACKETS];
    stats->rx_errs = v[XEN_VIF_TX_ERRORS];
    stats->rx_drop = v[XEN_VIF_TX_DROPPED];
    stats->tx_bytes = v[XEN_VIF_RX_BYTES];
    stats->tx_packets = v[XEN_VIF_RX_PACKETS];
    stats->tx_errs = v[XEN_VIF_RX_ERRORS];
    stats->tx_drop = v[XEN_VIF_RX_DROPPED];
    return 0;
}
