/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver.h: the hypervisor driver table. One table per backend, filled with
 * const designated initializers. Only name, connectOpen and connectClose are
 * required; a NULL slot makes the public call fail with VIR_ERR_NO_SUPPORT.
 *
 * The public layer (libvirt.c, libvirt-domain.c) has already checked every
 * handle and argument, refused writes on read-only connections, and zeroed
 * output structures, so drivers see only valid input. A driver reports its
 * own errors with xvReportError() and returns -1/NULL.
 */
#pragma once

#include <stdbool.h>

#include <libvirt/libvirt.h>

typedef enum {
    XV_DRV_OPEN_SUCCESS = 0,   /* the URI is ours and the connection is open */
    XV_DRV_OPEN_DECLINED = -2, /* not our URI: try the next driver */
    XV_DRV_OPEN_ERROR = -1     /* our URI, but opening failed (error reported) */
} xvDrvOpenStatus;

/* @uri is never NULL here: NULL is mapped to "xen:///" before. */
typedef xvDrvOpenStatus (*xvDrvConnectOpen)(virConnectPtr conn, const char *uri,
                                            bool readOnly);
typedef int (*xvDrvConnectClose)(virConnectPtr conn);
typedef int (*xvDrvConnectGetVersion)(virConnectPtr conn, unsigned long *hvVer);
typedef int (*xvDrvNodeGetInfo)(virConnectPtr conn, virNodeInfoPtr info);
typedef int (*xvDrvConnectNumOfDomains)(virConnectPtr conn);
typedef int (*xvDrvConnectListDomains)(virConnectPtr conn, int *ids, int maxids);
/* Stores new strings; on error frees what it stored. */
typedef int (*xvDrvConnectListDefinedDomains)(virConnectPtr conn, char **names,
                                              int maxnames);
/* Lookups return a new handle made with xvDomainNew(). */
typedef virDomainPtr (*xvDrvDomainCreateLinux)(virConnectPtr conn,
                                               const char *xmlDesc,
                                               unsigned int flags);
typedef virDomainPtr (*xvDrvDomainDefineXML)(virConnectPtr conn, const char *xml);
typedef virDomainPtr (*xvDrvDomainLookupByID)(virConnectPtr conn, int id);
typedef virDomainPtr (*xvDrvDomainLookupByName)(virConnectPtr conn,
                                                const char *name);
typedef virDomainPtr (*xvDrvDomainLookupByUUID)(virConnectPtr conn,
                                                const unsigned char *uuid);
typedef int (*xvDrvDomainRestore)(virConnectPtr conn, const char *from);
/* Domain calls: the handle's uuid identifies the domain. Calls that change
 * the domain's ID update the handle with xvDomainSetIDCached(). */
typedef int (*xvDrvDomainOp)(virDomainPtr dom);
typedef int (*xvDrvDomainOpFlags)(virDomainPtr dom, unsigned int flags);
typedef int (*xvDrvDomainSave)(virDomainPtr dom, const char *to);
typedef int (*xvDrvDomainGetInfo)(virDomainPtr dom, virDomainInfoPtr info);
typedef char *(*xvDrvDomainGetOSType)(virDomainPtr dom);
/* 0 on error (with the error reported). */
typedef unsigned long (*xvDrvDomainGetMaxMemory)(virDomainPtr dom);
typedef int (*xvDrvDomainSetMemory)(virDomainPtr dom, unsigned long memKiB);
typedef char *(*xvDrvDomainGetXMLDesc)(virDomainPtr dom, int flags);
typedef int (*xvDrvDomainSetVcpus)(virDomainPtr dom, unsigned int nvcpus);
/* @cpumap has exactly @maplen = VIR_CPU_MAPLEN(node max CPUs) bytes, with no
 * bit set past the node's CPUs and at least one bit set. */
typedef int (*xvDrvDomainPinVcpu)(virDomainPtr dom, unsigned int vcpu,
                                  const unsigned char *cpumap, int maplen);
/* @cpumaps (maxinfo * maplen bytes, already zeroed) may be NULL; a driver
 * writes at most min(maplen, its own map length) bytes per map. */
typedef int (*xvDrvDomainGetVcpus)(virDomainPtr dom, virVcpuInfoPtr info,
                                   int maxinfo, unsigned char *cpumaps,
                                   int maplen);
/* Beyond the seed. Free memory in bytes; 0 on error (reported). */
typedef unsigned long long (*xvDrvNodeGetFreeMemory)(virConnectPtr conn);
/* @stats has 1 <= @nr_stats <= VIR_DOMAIN_MEMORY_STAT_NR entries, @flags is
 * 0; returns the entries filled, in increasing tag order, or -1. */
typedef int (*xvDrvDomainMemoryStats)(virDomainPtr dom, virDomainMemoryStatPtr stats,
                                      unsigned int nr_stats, unsigned int flags);
/* @disk / @device are not NULL (maybe empty); @stats is all -1 (the libvirt value for
 * "unknown"): a driver sets the counters it has. The public call copies
 * the caller's size of it out. */
typedef int (*xvDrvDomainBlockStats)(virDomainPtr dom, const char *disk,
                                     virDomainBlockStatsPtr stats);
typedef int (*xvDrvDomainInterfaceStats)(virDomainPtr dom, const char *device,
                                         virDomainInterfaceStatsPtr stats);
/* @cpuNum is >= 0 or VIR_NODE_CPU_STATS_ALL_CPUS (the driver checks it
 * against its CPUs); *@nparams >= 0; @params NULL asks for the count only. */
typedef int (*xvDrvNodeGetCPUStats)(virConnectPtr conn, int cpuNum,
                                    virNodeCPUStatsPtr params, int *nparams,
                                    unsigned int flags);

/* Turns the driver's lifecycle events for @conn on (@on true: the first
 * callback was registered) or off (the last one went, or the connection
 * closes); domain_event.h says how events are then queued. 0 or -1 (error
 * reported; the registration then fails). */
typedef int (*xvDrvConnectEvents)(virConnectPtr conn, bool on);

typedef struct _xvHypervisorDriver xvHypervisorDriver;
struct _xvHypervisorDriver {
    const char *name;     /* what virConnectGetType() returns */
    const char *typeName; /* what virGetVersion()'s @type matches, e.g. "Test" */
    unsigned long version;                            /* for virGetVersion() */
    xvDrvConnectOpen connectOpen;                     /* required */
    xvDrvConnectClose connectClose;                   /* required */
    xvDrvConnectGetVersion connectGetVersion;
    xvDrvNodeGetInfo nodeGetInfo;
    xvDrvConnectNumOfDomains connectNumOfDomains;
    xvDrvConnectListDomains connectListDomains;
    xvDrvConnectListDefinedDomains connectListDefinedDomains;
    xvDrvDomainCreateLinux domainCreateLinux;
    xvDrvDomainDefineXML domainDefineXML;
    xvDrvDomainOp domainUndefine;
    xvDrvDomainOp domainCreate;
    xvDrvDomainLookupByID domainLookupByID;
    xvDrvDomainLookupByName domainLookupByName;
    xvDrvDomainLookupByUUID domainLookupByUUID;
    xvDrvDomainOp domainDestroy;
    xvDrvDomainOp domainSuspend;
    xvDrvDomainOp domainResume;
    xvDrvDomainOp domainShutdown;
    xvDrvDomainOpFlags domainReboot;
    xvDrvDomainSave domainSave;
    xvDrvDomainRestore domainRestore;
    xvDrvDomainGetOSType domainGetOSType;
    xvDrvDomainGetMaxMemory domainGetMaxMemory;
    xvDrvDomainSetMemory domainSetMaxMemory;
    xvDrvDomainSetMemory domainSetMemory;
    xvDrvDomainGetInfo domainGetInfo;
    xvDrvDomainGetXMLDesc domainGetXMLDesc;
    xvDrvDomainSetVcpus domainSetVcpus;
    xvDrvDomainPinVcpu domainPinVcpu;
    xvDrvDomainGetVcpus domainGetVcpus;
    /* Beyond the seed: later libvirt calls (libvirt.h) */
    xvDrvNodeGetFreeMemory nodeGetFreeMemory;
    xvDrvDomainMemoryStats domainMemoryStats;
    xvDrvDomainBlockStats domainBlockStats;
    xvDrvDomainInterfaceStats domainInterfaceStats;
    xvDrvNodeGetCPUStats nodeGetCPUStats;
    xvDrvConnectEvents connectEvents;  /* NULL: no events (VIR_ERR_NO_SUPPORT) */
};

/* The drivers, in the order xvDriverOpen() tries them. The test driver is
 * always built in; the Xen driver is built in to the internal archive (the
 * white-box tests, xvirt-xen-monitor) and is a loadable module for
 * libxvirt.so (XV_DRIVER_MODULES, below). */
extern const xvHypervisorDriver xvTestDriver; /* lib/test/test_driver.c */
#ifdef WITH_XEN
extern const xvHypervisorDriver xvXenDriver;  /* lib/xen/xen_driver.c */
#endif

/*
 * A connection-driver module, as libvirt has them: the Xen driver and the
 * Xen libraries it links live in $libdir/xvirt/connection-driver/
 * libxvirt_driver_xen.so, which libxvirt.so opens on the first xen: URI or
 * virGetVersion("Xen"). A program that only opens test:/// never maps the
 * fifteen Xen libraries (0.9 MiB of RSS), and the library runs on a host
 * without them.
 *
 * The module exports one symbol, XV_DRIVER_MODULE_SYMBOL, an xvDriverModule.
 * It calls back into libxvirt.so for the few private functions marked
 * XV_PRIVATE (exported under the XVIRT_PRIVATE_0.1 version node) and shares
 * its private structures, so a module is only accepted from the very same
 * build: the version and the layouts it was compiled with must match.
 */
typedef struct {
    const char *version;                /* PACKAGE_VERSION */
    unsigned int layout[5];             /* XV_DRIVER_MODULE_LAYOUT */
    const xvHypervisorDriver *driver;
} xvDriverModule;

#define XV_DRIVER_MODULE_SYMBOL "xvDriverModuleXen"
#define XV_DRIVER_MODULE_FILE "libxvirt_driver_xen.so"
/* (needs datatypes.h and conf/domain_conf.h) */
#define XV_DRIVER_MODULE_LAYOUT \
    { sizeof(xvHypervisorDriver), sizeof(struct _virConnect), \
      sizeof(struct _virDomain), sizeof(virError), sizeof(xvDomainDef) }

/* Binds @conn to the first driver accepting @uri; reports an error naming
 * the URI when none does (or why the driver module for it could not be
 * loaded). Returns 0 or -1. */
int xvDriverOpen(virConnectPtr conn, const char *uri, bool readOnly);

/* The driver virGetVersion() means by @type (case-insensitive); NULL with
 * an error reported (VIR_ERR_NO_SUPPORT) when there is none. */
const xvHypervisorDriver *xvDriverFindByType(const char *type);
