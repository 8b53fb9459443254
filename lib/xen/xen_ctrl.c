/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_ctrl.c: the real privileged side of the seam: thin wrappers, one
 * xenctrl (or libxl) call each, errno turned into one reported error. */
#include "config.h"

#include "xen/xen_ctrl.h"
#include "xen/xen_store.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The Xen headers refuse strict ISO C for their anonymous unions, which C11
 * has; __align8__ and friends need the GNU spelling too. */
#undef __STRICT_ANSI__
#include <libxl.h>
#include <xenctrl.h>
#include <xentoollog.h>

#include "internal.h"
#include "virerror.h"
#include "xen/xen_conf.h"

#define XV_FROM_THIS VIR_FROM_XEN

_Static_assert(XV_XEN_SHUTDOWN_POWEROFF == SHUTDOWN_poweroff &&
               XV_XEN_SHUTDOWN_REBOOT == SHUTDOWN_reboot &&
               XV_XEN_SHUTDOWN_SUSPEND == SHUTDOWN_suspend &&
               XV_XEN_SHUTDOWN_CRASH == SHUTDOWN_crash &&
               XV_XEN_SHUTDOWN_WATCHDOG == SHUTDOWN_watchdog &&
               XV_XEN_SHUTDOWN_SOFT_RESET == SHUTDOWN_soft_reset &&
               XV_XEN_SHUTDOWN_LAST == SHUTDOWN_MAX + 1,
               "xvXenShutdownReason mirrors Xen's SHUTDOWN_*");
_Static_assert(XV_XEN_PAGE_KIB * 1024 == XC_PAGE_SIZE, "4 KiB pages");
_Static_assert(XV_XEN_TOPO_INVALID == XEN_INVALID_CORE_ID &&
               XV_XEN_TOPO_INVALID == XEN_INVALID_SOCKET_ID &&
               XV_XEN_TOPO_INVALID == XEN_INVALID_NODE_ID,
               "one invalid topology id");
_Static_assert(XV_XEN_NO_VCPU == XEN_INVALID_MAX_VCPU_ID, "no vcpu id");

/*
 * The handle behind the seam's "void *xc". Used under the driver's
 * connection lock only. The logger keeps libxc and libxl quiet (the library
 * never prints) and keeps their last error for our messages.
 */
typedef struct _xenCtrlHandle xenCtrlHandle;
struct _xenCtrlHandle {
    xentoollog_logger logger;   /* first: the callbacks get its address */
    char lastError[256];        /* last message at XTL_ERROR or above */
    int lastErrno;              /* its errno, or 0 */
    xc_interface *xch;
    libxl_ctx *ctx;             /* created by the first toolstack call */
};

static void
xenCtrlLogMessage(xentoollog_logger *logger, xentoollog_level level, int errnoval,
                  const char *context, const char *format, va_list ap)
{
    xenCtrlHandle *h = (xenCtrlHandle *)logger;
    char msg[200];
    char ebuf[64];

    if (level < XTL_ERROR)
        return;
    vsnprintf(msg, sizeof(msg), format, ap);
    snprintf(h->lastError, sizeof(h->lastError), "%s%s%s%s%s", context ? context : "",
             context ? ": " : "", msg, errnoval > 0 ? ": " : "",
             errnoval > 0 ? strerror_r(errnoval, ebuf, sizeof(ebuf)) : "");
    h->lastErrno = errnoval > 0 ? errnoval : 0;
}

static void
xenCtrlLogDestroy(xentoollog_logger *logger XV_UNUSED)
{
    /* The logger lives in the handle: freed with it. */
}

static xvXenHostKind
xenCtrlHostProbe(void)
{
    char buf[256];
    size_t n;
    FILE *fp;

    if ((fp = fopen("/proc/xen/capabilities", "re"))) {
        n = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
        buf[n] = '\0';
        return strstr(buf, "control_d") ? XV_XEN_HOST_DOM0 : XV_XEN_HOST_DOMU;
    }
    if (access("/dev/xen/privcmd", F_OK) == 0 || access("/proc/xen", F_OK) == 0)
        return XV_XEN_HOST_UNKNOWN;
    return XV_XEN_HOST_NOT_XEN;
}

static void *
xenCtrlOpen(void)
{
    xenCtrlHandle *h = xvAlloc(sizeof(*h));
    int saved;

    h->logger.vmessage = xenCtrlLogMessage;
    h->logger.destroy = xenCtrlLogDestroy;
    errno = 0;
    if ((h->xch = xc_interface_open(&h->logger, &h->logger, 0)))
        return h;
    /* Cleanup inside libxc may clobber errno: the log line kept it. */
    saved = h->lastErrno ? h->lastErrno : errno;
    free(h);
    errno = saved ? saved : ENODEV;
    return NULL;
}

static void
xenCtrlClose(void *xc)
{
    xenCtrlHandle *h = xc;

    if (!h)
        return;
    libxl_ctx_free(h->ctx);
    xc_interface_close(h->xch);
    free(h);
}

static int
xenCtrlVersion(void *xc, unsigned int *major, unsigned int *minor, char *extra,
               size_t extralen)
{
    xenCtrlHandle *h = xc;
    xen_extraversion_t ev;
    int v;

    if ((v = xc_version(h->xch, XENVER_version, NULL)) < 0) {
        xvReportSystemError(errno, "%s", "xc_version failed");
        return -1;
    }
    memset(ev, 0, sizeof(ev));
    if (xc_version(h->xch, XENVER_extraversion, &ev) < 0) {
        xvReportSystemError(errno, "%s", "xc_version(XENVER_extraversion) failed");
        return -1;
    }
    *major = (unsigned int)v >> 16;
    *minor = (unsigned int)v & 0xffff;
    snprintf(extra, extralen, "%.*s", (int)sizeof(ev), ev);
    return 0;
}

static int
xenCtrlPhysinfo(void *xc, xvXenPhysInfo *info)
{
    xenCtrlHandle *h = xc;
    xc_physinfo_t pi;

    memset(&pi, 0, sizeof(pi));
    if (xc_physinfo(h->xch, &pi) < 0) {
        xvReportSystemError(errno, "%s", "xc_physinfo failed");
        return -1;
    }
    info->threadsPerCore = pi.threads_per_core;
    info->coresPerSocket = pi.cores_per_socket;
    info->nrCpus = pi.nr_cpus;
    info->maxCpuId = pi.max_cpu_id;
    info->nrNodes = pi.nr_nodes;
    info->cpuKHz = pi.cpu_khz;
    info->totalPages = pi.total_pages;
    info->freePages = pi.free_pages;
    return 0;
}

static int
xenCtrlCpuTopology(void *xc, xvXenCpuTopo *topo, unsigned int *ncpus)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(xc_cputopo_t *) raw = xvAllocN(*ncpus ? *ncpus : 1, sizeof(*raw));
    unsigned int n = *ncpus;
    unsigned int i;

    if (xc_cputopoinfo(h->xch, &n, raw) < 0) {
        xvReportSystemError(errno, "%s", "xc_cputopoinfo failed");
        return -1;
    }
    for (i = 0; i < n && i < *ncpus; i++) {
        topo[i].core = raw[i].core;
        topo[i].socket = raw[i].socket;
        topo[i].node = raw[i].node;
    }
    *ncpus = n;
    return 0;
}

static int
xenCtrlCpuIdle(void *xc, uint64_t *idleNs, unsigned int *ncpus)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(xc_cpuinfo_t *) raw = xvAllocN(*ncpus ? *ncpus : 1, sizeof(*raw));
    int got = 0;
    unsigned int i;

    if (*ncpus > INT_MAX)
        *ncpus = INT_MAX;
    if (xc_getcpuinfo(h->xch, (int)*ncpus, raw, &got) < 0) {
        xvReportSystemError(errno, "%s", "xc_getcpuinfo failed");
        return -1;
    }
    for (i = 0; i < (unsigned int)got && i < *ncpus; i++)
        idleNs[i] = raw[i].idletime;
    *ncpus = i;
    return 0;
}

static int
xenCtrlDomainGetInfoList(void *xc, uint32_t first, unsigned int max,
                         xvXenDomInfo *info)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(xc_domaininfo_t *) raw = xvAllocN(max ? max : 1, sizeof(*raw));
    int n, i;

    if ((n = xc_domain_getinfolist(h->xch, first, max, raw)) < 0) {
        xvReportSystemError(errno, "%s", "xc_domain_getinfolist failed");
        return -1;
    }
    for (i = 0; i < n; i++) {
        const xc_domaininfo_t *r = &raw[i];
        xvXenDomInfo *d = &info[i];

        memset(d, 0, sizeof(*d));
        d->domid = r->domain;
        memcpy(d->handle, r->handle, sizeof(d->handle));
        d->dying = r->flags & XEN_DOMINF_dying;
        d->shutdown = r->flags & XEN_DOMINF_shutdown;
        d->shutdownReason = (r->flags >> XEN_DOMINF_shutdownshift) &
                            XEN_DOMINF_shutdownmask;
        d->paused = r->flags & XEN_DOMINF_paused;
        d->blocked = r->flags & XEN_DOMINF_blocked;
        d->running = r->flags & XEN_DOMINF_running;
        d->hvm = r->flags & XEN_DOMINF_hvm_guest;
        d->totPages = r->tot_pages;
        d->maxPages = r->max_pages;
        d->cpuTimeNs = r->cpu_time;
        d->onlineVcpus = r->nr_online_vcpus;
        d->maxVcpuId = r->max_vcpu_id;
    }
    return n;
}

static int
xenCtrlVcpuGetInfo(void *xc, uint32_t domid, unsigned int vcpu, xvXenVcpuInfo *info)
{
    xenCtrlHandle *h = xc;
    xc_vcpuinfo_t vi;

    memset(&vi, 0, sizeof(vi));
    if (xc_vcpu_getinfo(h->xch, domid, vcpu, &vi) < 0) {
        xvReportSystemError(errno, "%s", "xc_vcpu_getinfo failed");
        return -1;
    }
    info->online = vi.online;
    info->blocked = vi.blocked;
    info->running = vi.running;
    info->cpuTimeNs = vi.cpu_time;
    info->cpu = vi.cpu;
    return 0;
}

/* libxc's own map size (max CPUs / 8, queried once per process). */
static int
xenCtrlCpumapSize(xenCtrlHandle *h)
{
    int size = xc_get_cpumap_size(h->xch);

    if (size <= 0)
        xvReportSystemError(errno ? errno : EINVAL, "%s", "xc_get_cpumap_size failed");
    return size;
}

static int
xenCtrlVcpuGetAffinity(void *xc, uint32_t domid, unsigned int vcpu, unsigned char *map,
                       size_t maplen)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(uint8_t *) hard = NULL;
    int size;

    if ((size = xenCtrlCpumapSize(h)) <= 0)
        return -1;
    hard = xvAllocN((size_t)size, 1);
    if (xc_vcpu_getaffinity(h->xch, domid, (int)vcpu, hard, NULL,
                            XEN_VCPUAFFINITY_HARD) < 0) {
        xvReportSystemError(errno, "%s", "xc_vcpu_getaffinity failed");
        return -1;
    }
    memset(map, 0, maplen);
    memcpy(map, hard, maplen < (size_t)size ? maplen : (size_t)size);
    return 0;
}

static int
xenCtrlVcpuSetAffinity(void *xc, uint32_t domid, unsigned int vcpu,
                       const unsigned char *map, size_t maplen)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(uint8_t *) hard = NULL;
    int size;

    if ((size = xenCtrlCpumapSize(h)) <= 0)
        return -1;
    hard = xvAllocN((size_t)size, 1);
    memcpy(hard, map, maplen < (size_t)size ? maplen : (size_t)size);
    if (xc_vcpu_setaffinity(h->xch, domid, (int)vcpu, hard, NULL,
                            XEN_VCPUAFFINITY_HARD) < 0) {
        xvReportSystemError(errno, "%s", "xc_vcpu_setaffinity failed");
        return -1;
    }
    return 0;
}

static int
xenCtrlDomainSetMaxMem(void *xc, uint32_t domid, uint64_t maxMemKiB)
{
    xenCtrlHandle *h = xc;

    if (xc_domain_setmaxmem(h->xch, domid, maxMemKiB) < 0) {
        xvReportSystemError(errno, "%s", "xc_domain_setmaxmem failed");
        return -1;
    }
    return 0;
}

static int
xenCtrlDomainPause(void *xc, uint32_t domid)
{
    xenCtrlHandle *h = xc;

    if (xc_domain_pause(h->xch, domid) < 0) {
        xvReportSystemError(errno, "%s", "xc_domain_pause failed");
        return -1;
    }
    return 0;
}

static int
xenCtrlDomainUnpause(void *xc, uint32_t domid)
{
    xenCtrlHandle *h = xc;

    if (xc_domain_unpause(h->xch, domid) < 0) {
        xvReportSystemError(errno, "%s", "xc_domain_unpause failed");
        return -1;
    }
    return 0;
}

/* The libxl context, made on first use: read-only connections and the
 * read path never pay for it. */
static libxl_ctx *
xenCtrlToolstack(xenCtrlHandle *h)
{
    int rc;

    if (h->ctx)
        return h->ctx;
    h->lastError[0] = '\0';
    xvXenStoreOpenLock();       /* it opens xenstore (xen_store.h) */
    rc = libxl_ctx_alloc(&h->ctx, LIBXL_VERSION, 0, &h->logger);
    xvXenStoreOpenUnlock();
    if (rc != 0) {
        h->ctx = NULL;
        xvReportError(VIR_ERR_OPERATION_FAILED, "libxl_ctx_alloc failed (libxl error %d)%s%s",
                      rc, h->lastError[0] ? ": " : "", h->lastError);
        return NULL;
    }
    return h->ctx;
}

static void xenCtrlToolstackFailed(xenCtrlHandle *h, const char *call, int rc);

static int
xenCtrlDomainDestroy(void *xc, uint32_t domid)
{
    xenCtrlHandle *h = xc;
    libxl_ctx *ctx;
    int rc;

    if (!(ctx = xenCtrlToolstack(h)))
        return -1;
    h->lastError[0] = '\0';
    if ((rc = libxl_domain_destroy(ctx, domid, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_destroy", rc);
        return -1;
    }
    return 0;
}

/* A failed libxl call: its return code and the last thing libxl logged. */
static void
xenCtrlToolstackFailed(xenCtrlHandle *h, const char *call, int rc)
{
    xvReportError(VIR_ERR_OPERATION_FAILED, "%s failed (libxl error %d)%s%s", call, rc,
                  h->lastError[0] ? ": " : "", h->lastError);
}

static int
xenCtrlDomainCreate(void *xc, const xvDomainDef *def, uint32_t *domid)
{
    xenCtrlHandle *h = xc;
    libxl_domain_config cfg;
    libxl_ctx *ctx;
    uint32_t id = 0;
    int rc, ret = -1;

    if (!(ctx = xenCtrlToolstack(h)))
        return -1;
    libxl_domain_config_init(&cfg);
    if (xvXenConfFromDef(def, &cfg) < 0)
        goto cleanup;
    h->lastError[0] = '\0';
    if ((rc = libxl_domain_create_new(ctx, &cfg, &id, NULL, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_create_new", rc);
        goto cleanup;
    }
    if ((rc = libxl_domain_unpause(ctx, id, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_unpause", rc);
        libxl_domain_destroy(ctx, id, NULL);
        goto cleanup;
    }
    *domid = id;
    ret = 0;

 cleanup:
    libxl_domain_config_dispose(&cfg);
    return ret;
}

static int
xenCtrlDomainGetConfig(void *xc, uint32_t domid, xvDomainDef **def)
{
    xenCtrlHandle *h = xc;
    libxl_domain_config cfg;
    libxl_ctx *ctx;
    int rc;

    if (!(ctx = xenCtrlToolstack(h)))
        return -1;
    libxl_domain_config_init(&cfg);
    h->lastError[0] = '\0';
    if ((rc = libxl_retrieve_domain_configuration(ctx, domid, &cfg, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_retrieve_domain_configuration", rc);
        libxl_domain_config_dispose(&cfg);
        return -1;
    }
    *def = xvXenConfToDef(&cfg);
    libxl_domain_config_dispose(&cfg);
    return 0;
}

/* xl's save file (tools/xl/xl.h): this header, then "optional data" (a
 * 32-bit length and the JSON configuration with its NUL), then the libxl
 * stream. Written in the host's byte order, as xl does. */
static const char xenSaveMagic[32] = "Xen saved domain, xl format\n \0 \r";
#define XEN_SAVE_BYTEORDER 0x01020304u
#define XEN_SAVE_FLAG_JSON (1u << 0)
#define XEN_SAVE_FLAG_STREAMV2 (1u << 1)

typedef struct _xenSaveHeader xenSaveHeader;
struct _xenSaveHeader {
    char magic[32];
    uint32_t byteorder;
    uint32_t mandatoryFlags;
    uint32_t optionalFlags;
    uint32_t optionalDataLen;
};
_Static_assert(sizeof(xenSaveHeader) == 48, "xl's save-file header");

static int
xenCtrlWriteAll(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            xvReportSystemError(n < 0 ? errno : EIO, "%s", "cannot write the save file");
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
xenCtrlReadAll(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            xvReportSystemError(errno, "%s", "cannot read the save file");
            return -1;
        }
        if (n == 0) {
            xvReportError(VIR_ERR_READ_FAILED, "%s", "the save file is truncated");
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
xenCtrlDomainSave(void *xc, uint32_t domid, int fd)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(char *) json = NULL;
    libxl_domain_config cfg;
    xenSaveHeader hdr;
    libxl_ctx *ctx;
    uint32_t len;
    int rc;

    if (!(ctx = xenCtrlToolstack(h)))
        return -1;
    libxl_domain_config_init(&cfg);
    h->lastError[0] = '\0';
    if ((rc = libxl_retrieve_domain_configuration(ctx, domid, &cfg, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_retrieve_domain_configuration", rc);
        libxl_domain_config_dispose(&cfg);
        return -1;
    }
    json = libxl_domain_config_to_json(ctx, &cfg);
    libxl_domain_config_dispose(&cfg);
    if (!json) {
        xenCtrlToolstackFailed(h, "libxl_domain_config_to_json", -1);
        return -1;
    }
    len = (uint32_t)strlen(json) + 1;
    memset(&hdr, 0, sizeof(hdr));
    memcpy(hdr.magic, xenSaveMagic, sizeof(hdr.magic));
    hdr.byteorder = XEN_SAVE_BYTEORDER;
    hdr.mandatoryFlags = XEN_SAVE_FLAG_JSON | XEN_SAVE_FLAG_STREAMV2;
    hdr.optionalDataLen = (uint32_t)sizeof(len) + len;
    if (xenCtrlWriteAll(fd, &hdr, sizeof(hdr)) < 0 ||
        xenCtrlWriteAll(fd, &len, sizeof(len)) < 0 || xenCtrlWriteAll(fd, json, len) < 0)
        return -1;
    h->lastError[0] = '\0';
    if ((rc = libxl_domain_suspend(ctx, domid, fd, 0, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_suspend", rc);
        libxl_domain_resume(ctx, domid, 1, NULL);
        return -1;
    }
    return 0;
}

/* The JSON configuration of an xl save file, leaving @fd at the stream. */
static char *
xenCtrlReadSaveHeader(int fd, uint32_t *flags)
{
    XV_AUTOFREE(char *) data = NULL;
    xenSaveHeader hdr;
    uint32_t len;

    if (xenCtrlReadAll(fd, &hdr, sizeof(hdr)) < 0)
        return NULL;
    if (memcmp(hdr.magic, xenSaveMagic, sizeof(hdr.magic)) != 0) {
        xvReportError(VIR_ERR_READ_FAILED, "%s", "not a save file of xl or xvirt");
        return NULL;
    }
    if (hdr.byteorder != XEN_SAVE_BYTEORDER) {
        xvReportError(VIR_ERR_READ_FAILED, "%s", "the save file has another byte order");
        return NULL;
    }
    if (!(hdr.mandatoryFlags & XEN_SAVE_FLAG_JSON) ||
        (hdr.mandatoryFlags & ~(XEN_SAVE_FLAG_JSON | XEN_SAVE_FLAG_STREAMV2))) {
        xvReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "unsupported save file (flags 0x%" PRIx32 "): only JSON configurations",
                      hdr.mandatoryFlags);
        return NULL;
    }
    if (hdr.optionalDataLen < sizeof(len) || hdr.optionalDataLen > (64u << 20)) {
        xvReportError(VIR_ERR_READ_FAILED, "%s", "the save file has a bad header");
        return NULL;
    }
    data = xvAlloc((size_t)hdr.optionalDataLen + 1);
    if (xenCtrlReadAll(fd, data, hdr.optionalDataLen) < 0)
        return NULL;
    memcpy(&len, data, sizeof(len));
    if (len == 0 || len > hdr.optionalDataLen - sizeof(len)) {
        xvReportError(VIR_ERR_READ_FAILED, "%s", "the save file has a bad configuration");
        return NULL;
    }
    *flags = hdr.mandatoryFlags;
    return xvStrndup(data + sizeof(len), len);
}

static int
xenCtrlDomainRestore(void *xc, int fd, uint32_t *domid, xvDomainDef **def)
{
    xenCtrlHandle *h = xc;
    XV_AUTOFREE(char *) json = NULL;
    libxl_domain_restore_params params;
    libxl_domain_config cfg;
    libxl_ctx *ctx;
    uint32_t flags = 0, id = 0;
    int rc, ret = -1;

    if (!(ctx = xenCtrlToolstack(h)) || !(json = xenCtrlReadSaveHeader(fd, &flags)))
        return -1;
    libxl_domain_config_init(&cfg);
    libxl_domain_restore_params_init(&params);
    h->lastError[0] = '\0';
    if ((rc = libxl_domain_config_from_json(ctx, &cfg, json)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_config_from_json", rc);
        goto cleanup;
    }
    params.checkpointed_stream = 0;
    params.stream_version = (flags & XEN_SAVE_FLAG_STREAMV2) ? 2 : 1;
    if ((rc = libxl_domain_create_restore(ctx, &cfg, &id, fd, -1, &params, NULL, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_create_restore", rc);
        goto cleanup;
    }
    if ((rc = libxl_domain_unpause(ctx, id, NULL)) != 0) {
        xenCtrlToolstackFailed(h, "libxl_domain_unpause", rc);
        libxl_domain_destroy(ctx, id, NULL);
        goto cleanup;
    }
    *domid = id;
    *def = xvXenConfToDef(&cfg);
    ret = 0;

 cleanup:
    libxl_domain_restore_params_dispose(&params);
    libxl_domain_config_dispose(&cfg);
    return ret;
}

const xvXenCtrlOps xvXenCtrlReal = {
    .hostProbe = xenCtrlHostProbe,
    .open = xenCtrlOpen,
    .close = xenCtrlClose,
    .version = xenCtrlVersion,
    .physinfo = xenCtrlPhysinfo,
    .cpuTopology = xenCtrlCpuTopology,
    .cpuIdle = xenCtrlCpuIdle,
    .domainGetInfoList = xenCtrlDomainGetInfoList,
    .vcpuGetInfo = xenCtrlVcpuGetInfo,
    .vcpuGetAffinity = xenCtrlVcpuGetAffinity,
    .vcpuSetAffinity = xenCtrlVcpuSetAffinity,
    .domainSetMaxMem = xenCtrlDomainSetMaxMem,
    .domainPause = xenCtrlDomainPause,
    .domainUnpause = xenCtrlDomainUnpause,
    .domainDestroy = xenCtrlDomainDestroy,
    .domainCreate = xenCtrlDomainCreate,
    .domainGetConfig = xenCtrlDomainGetConfig,
    .domainSave = xenCtrlDomainSave,
    .domainRestore = xenCtrlDomainRestore,
};
