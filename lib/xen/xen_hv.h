/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_hv.h: the seam between the Xen driver and Xen. Every hypercall and
 * xenstore operation the driver makes goes through one table of functions
 * with neutral types (no Xen header here), so that unit tests run the
 * driver against a simulated Xen (tests/lib/xen_sim.c) and count its calls.
 *
 * The real tables (xen_ctrl.c, xen_store.c) are thin: one Xen call each,
 * the handle passed in, no caching or policy.
 *
 * Error contract: a call that fails reports one error naming the Xen call
 * and errno ("xc_domain_getinfolist failed: Operation not permitted",
 * VIR_ERR_SYSTEM_ERROR) and returns -1/NULL. The exceptions are spelled out
 * at each member: the open calls (the driver words those errors),
 * storeRead of a missing key, storeDirectory of a missing directory and
 * storeCheckWatch with nothing pending.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The domain description (conf/domain_conf.h): the toolstack calls take
 * and give domain configurations in this neutral form. */
typedef struct _xvDomainDef xvDomainDef;

/* Xen pages are 4 KiB on x86 (XC_PAGE_SIZE). */
#define XV_XEN_PAGE_KIB 4

/* The toolstack's slack on top of a domain's memory in the hypervisor's
 * limit (LIBXL_MAXMEM_CONSTANT, x86): xc max = static max + 1 MiB. */
#define XV_XEN_MAXMEM_SLACK_KIB 1024

/* What the host is, as far as Xen goes (hostProbe). */
typedef enum {
    XV_XEN_HOST_NOT_XEN = 0,   /* no /proc/xen, no /dev/xen/privcmd */
    XV_XEN_HOST_DOMU,          /* /proc/xen/capabilities lacks control_d */
    XV_XEN_HOST_DOM0,          /* /proc/xen/capabilities has control_d */
    XV_XEN_HOST_UNKNOWN,       /* privcmd exists, capabilities unreadable */
    XV_XEN_HOST_LAST
} xvXenHostKind;

/* Why a domain shut down: the values of Xen's SHUTDOWN_* (sched.h). */
typedef enum {
    XV_XEN_SHUTDOWN_POWEROFF = 0,
    XV_XEN_SHUTDOWN_REBOOT = 1,
    XV_XEN_SHUTDOWN_SUSPEND = 2,
    XV_XEN_SHUTDOWN_CRASH = 3,
    XV_XEN_SHUTDOWN_WATCHDOG = 4,
    XV_XEN_SHUTDOWN_SOFT_RESET = 5,
    XV_XEN_SHUTDOWN_LAST
} xvXenShutdownReason;

/* One domain as xc_domain_getinfolist reports it. */
typedef struct _xvXenDomInfo xvXenDomInfo;
struct _xvXenDomInfo {
    uint32_t domid;
    unsigned char handle[16];   /* the UUID the toolstack gave the domain */
    bool dying;
    bool shutdown;
    unsigned int shutdownReason; /* xvXenShutdownReason, when shutdown */
    bool paused;
    bool blocked;
    bool running;
    bool hvm;
    uint64_t totPages;          /* pages the domain holds now */
    uint64_t maxPages;          /* the hypervisor's limit, in pages */
    uint64_t cpuTimeNs;
    unsigned int onlineVcpus;
    unsigned int maxVcpuId;     /* XV_XEN_NO_VCPU when the domain has none */
};
#define XV_XEN_NO_VCPU UINT32_MAX

/* One virtual CPU (xc_vcpu_getinfo). */
typedef struct _xvXenVcpuInfo xvXenVcpuInfo;
struct _xvXenVcpuInfo {
    bool online;
    bool blocked;
    bool running;
    uint64_t cpuTimeNs;
    uint32_t cpu;               /* the physical CPU it is (last) placed on */
};

/* The host (xc_physinfo). */
typedef struct _xvXenPhysInfo xvXenPhysInfo;
struct _xvXenPhysInfo {
    unsigned int threadsPerCore;
    unsigned int coresPerSocket;
    unsigned int nrCpus;        /* online CPUs */
    unsigned int maxCpuId;      /* largest possible CPU id */
    unsigned int nrNodes;       /* online NUMA nodes */
    unsigned int cpuKHz;
    uint64_t totalPages;
    uint64_t freePages;
};

/* Where one CPU sits (xc_cputopoinfo); XV_XEN_TOPO_INVALID when offline. */
typedef struct _xvXenCpuTopo xvXenCpuTopo;
struct _xvXenCpuTopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
#define XV_XEN_TOPO_INVALID UINT32_MAX

/* xenstore transaction id; XV_XEN_XBT_NULL is "no transaction". */
typedef uint32_t xvXenXbt;
#define XV_XEN_XBT_NULL 0

/* The privileged interface: xenctrl, plus the toolstack calls (libxl) that
 * need it. @xc is what ctrlOpen returned. */
typedef struct _xvXenCtrlOps xvXenCtrlOps;
struct _xvXenCtrlOps {
    /* Reports nothing: the driver words the "not Xen / domU" errors. */
    xvXenHostKind (*hostProbe)(void);
    /* xc_interface_open; NULL with errno set and nothing reported. */
    void *(*open)(void);
    void (*close)(void *xc);    /* NULL ok */
    /* xc_version: XENVER_version and XENVER_extraversion (e.g. ".7"). */
    int (*version)(void *xc, unsigned int *major, unsigned int *minor,
                   char *extra, size_t extralen);
    int (*physinfo)(void *xc, xvXenPhysInfo *info);
    /* xc_cputopoinfo: fills up to *@ncpus entries, sets *@ncpus to the
     * number of CPU slots the host has. */
    int (*cpuTopology)(void *xc, xvXenCpuTopo *topo, unsigned int *ncpus);
    /* xc_getcpuinfo: the idle time (ns since boot) of up to *@ncpus CPUs
     * from CPU 0 into @idleNs; sets *@ncpus to how many it stored (the
     * host's CPU slots, at most the request). */
    int (*cpuIdle)(void *xc, uint64_t *idleNs, unsigned int *ncpus);
    /* xc_domain_getinfolist: up to @max domains with id >= @first, in id
     * order. Returns how many were stored, or -1. */
    int (*domainGetInfoList)(void *xc, uint32_t first, unsigned int max,
                             xvXenDomInfo *info);
    int (*vcpuGetInfo)(void *xc, uint32_t domid, unsigned int vcpu,
                       xvXenVcpuInfo *info);
    /* Hard affinity; @map has @maplen bytes (CPU 0 = bit 0 of byte 0);
     * bytes past the host's map are zeroed / ignored. */
    int (*vcpuGetAffinity)(void *xc, uint32_t domid, unsigned int vcpu,
                           unsigned char *map, size_t maplen);
    int (*vcpuSetAffinity)(void *xc, uint32_t domid, unsigned int vcpu,
                           const unsigned char *map, size_t maplen);
    int (*domainSetMaxMem)(void *xc, uint32_t domid, uint64_t maxMemKiB);
    int (*domainPause)(void *xc, uint32_t domid);
    int (*domainUnpause)(void *xc, uint32_t domid);
    /* Through the toolstack (libxl_domain_destroy): devices, xenstore
     * entries and the domain itself go, as with `xl destroy`. */
    int (*domainDestroy)(void *xc, uint32_t domid);
    /* libxl_domain_create_new from @def, then unpaused (as `xl create`);
     * *@domid is the new domain's id. */
    int (*domainCreate)(void *xc, const xvDomainDef *def, uint32_t *domid);
    /* libxl_retrieve_domain_configuration: *@def (new) is the domain's
     * live configuration. Fails for domains libxl did not create. */
    int (*domainGetConfig)(void *xc, uint32_t domid, xvDomainDef **def);
    /* `xl save`: to @fd, xl's save-file header with the domain's
     * configuration (JSON), then its state (libxl_domain_suspend). The
     * domain is left suspended, for the caller to destroy; on failure it
     * is resumed. */
    int (*domainSave)(void *xc, uint32_t domid, int fd);
    /* `xl restore`: such a file from @fd, restored and unpaused; *@domid
     * and *@def (new) describe the domain. */
    int (*domainRestore)(void *xc, int fd, uint32_t *domid, xvDomainDef **def);
};

/* xenstore. @xs is what open returned. */
typedef struct _xvXenStoreOps xvXenStoreOps;
struct _xvXenStoreOps {
    /* xs_open; NULL with errno set and nothing reported (ENOENT or
     * ECONNREFUSED: no xenstored to talk to). */
    void *(*open)(void);
    void (*close)(void *xs);    /* NULL ok */
    /* xs_read: a new string to free(). A missing key is no error: NULL
     * with errno ENOENT and nothing reported. */
    char *(*read)(void *xs, xvXenXbt t, const char *path);
    int (*write)(void *xs, xvXenXbt t, const char *path, const char *value);
    /* xs_directory: a single allocation to free(), *@num entries. A
     * missing directory is no error: NULL with errno ENOENT and nothing
     * reported. */
    char **(*directory)(void *xs, xvXenXbt t, const char *path, unsigned int *num);
    int (*watch)(void *xs, const char *path, const char *token);
    int (*unwatch)(void *xs, const char *path, const char *token);
    /* xs_check_watch: one pending event as { path, token } in a single
     * allocation to free(), or NULL: errno EAGAIN (none pending, nothing
     * reported) or another errno (reported). Never blocks. */
    char **(*checkWatch)(void *xs);
    /* xs_fileno: a descriptor that turns readable when a watch event may
     * be pending, for poll(); then checkWatch until EAGAIN. -1 (reported)
     * when there is none: the caller polls on a timer instead. */
    int (*fileno)(void *xs);
    int (*transactionStart)(void *xs, xvXenXbt *t);
    /* Returns 0, 1 when the transaction must be retried (EAGAIN, nothing
     * reported), or -1. */
    int (*transactionEnd)(void *xs, xvXenXbt t, bool abort);
};

typedef struct _xvXenHypervisor xvXenHypervisor;
struct _xvXenHypervisor {
    const char *name;           /* "xen", or the simulator's name */
    const xvXenCtrlOps *ctrl;
    const xvXenStoreOps *store;
};

/* The real Xen (xen_driver.c): xvXenCtrlReal + xvXenStoreReal. */
extern const xvXenHypervisor xvXenHypervisorReal;
