/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snapshot.h: one immutable picture of the hypervisor, built by the sampler
 * thread through the public API and read by the exporter and the policy
 * engine. A snapshot holds plain values (no virDomainPtr), so it is
 * self-contained; once published it never changes. Readers take a
 * reference; the last xvSnapshotUnref() frees it.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

/*
 * Life cycle
 *
 * 1. The sampler calls xvSnapshotNew() (one reference, all fields zero),
 *    fills the scalar fields, sets maplen before adding any vcpu, adds
 *    domains and their vcpus with the calls below, then xvSnapshotFinish().
 * 2. It publishes the snapshot; from then on nobody writes to it, and every
 *    thread may read it without locking while it holds a reference.
 * 3. Readers xvSnapshotRef() it while they use it; xvSnapshotUnref() drops a
 *    reference (atomically), and the last one frees everything.
 *
 * Ordering (relied on by the exporter's deterministic output): after
 * xvSnapshotFinish() the domains are sorted by name (strcmp order) and the
 * vcpus of each domain by vcpu number.
 *
 * Allocation failures abort, as everywhere in xvirt.
 */

/* Calls whose failures are counted (xvirt_sample_errors_total{call}). */
typedef enum {
    XV_CALL_NODE_GET_INFO = 0,
    XV_CALL_CONNECT_GET_VERSION,
    XV_CALL_NUM_OF_DOMAINS,
    XV_CALL_LIST_DOMAINS,
    XV_CALL_LIST_DEFINED_DOMAINS,
    XV_CALL_LOOKUP_BY_ID,
    XV_CALL_LOOKUP_BY_NAME,
    XV_CALL_GET_INFO,
    XV_CALL_GET_UUID,
    XV_CALL_GET_OS_TYPE,
    XV_CALL_GET_VCPUS,
    XV_CALL_OPEN,
    XV_CALL_NODE_GET_FREE_MEMORY,
    XV_CALL_MEMORY_STATS,
    XV_CALL_GET_XML_DESC,
    XV_CALL_BLOCK_STATS,
    XV_CALL_INTERFACE_STATS,
    XV_CALL_NODE_GET_CPU_STATS,
    XV_CALL_LAST
} xvSampleCall;

/* The public API name of @call ("virDomainGetInfo"); NULL if out of range. */
const char *xvSampleCallName(xvSampleCall call);

/*
 * Most collectors there can be: the registry (collectors/collectors.c)
 * holds at most this many, a sampler runs at most this many, and one
 * snapshot records a result for each.
 */
#define XV_COLLECTORS_MAX 8

typedef struct _xvSnapVcpu xvSnapVcpu;
struct _xvSnapVcpu {
    unsigned int number;
    int state;                   /* virVcpuState */
    uint64_t cpuTimeNs;
    int cpu;                     /* physical CPU, -1 if offline */
    unsigned int affinityCount;  /* CPUs set in the affinity map */
};

/*
 * The counters of one disk (virDomainBlockStats), indexed by
 * xvSnapDiskField; -1 where the hypervisor cannot tell.
 */
typedef enum {
    XV_SNAP_DISK_RD_BYTES = 0,
    XV_SNAP_DISK_WR_BYTES,
    XV_SNAP_DISK_RD_REQ,
    XV_SNAP_DISK_WR_REQ,
    XV_SNAP_DISK_ERRS,
    XV_SNAP_DISK_LAST
} xvSnapDiskField;

typedef struct _xvSnapDisk xvSnapDisk;
struct _xvSnapDisk {
    char *device;                /* owned: the <target dev>, never NULL once added */
    char *source;                /* owned: the <source> file or device; NULL: unknown */
    int64_t stats[XV_SNAP_DISK_LAST];
};

/* The counters of one interface (virDomainInterfaceStats), in the guest's
 * view, indexed by xvSnapNicField; -1 where the hypervisor cannot tell. */
typedef enum {
    XV_SNAP_NIC_RX_BYTES = 0,
    XV_SNAP_NIC_RX_PACKETS,
    XV_SNAP_NIC_RX_ERRS,
    XV_SNAP_NIC_RX_DROP,
    XV_SNAP_NIC_TX_BYTES,
    XV_SNAP_NIC_TX_PACKETS,
    XV_SNAP_NIC_TX_ERRS,
    XV_SNAP_NIC_TX_DROP,
    XV_SNAP_NIC_LAST
} xvSnapNicField;

typedef struct _xvSnapNic xvSnapNic;
struct _xvSnapNic {
    char *device;                /* owned: the <target dev> (or the MAC when it has none) */
    char *source;                /* owned: bridge or network; NULL: unknown */
    char *mac;                   /* owned: "aa:bb:..", NULL: unknown */
    int64_t stats[XV_SNAP_NIC_LAST];
};

/* The CPU modes of virNodeGetCPUStats, in the order they are exported. */
typedef enum {
    XV_SNAP_CPU_USER = 0,
    XV_SNAP_CPU_KERNEL,
    XV_SNAP_CPU_IDLE,
    XV_SNAP_CPU_IOWAIT,
    XV_SNAP_CPU_INTR,
    XV_SNAP_CPU_MODE_LAST
} xvSnapCpuMode;

/* The mode label of @mode ("user", "kernel", "idle", "iowait", "intr"); NULL if out of range. */
const char *xvSnapCpuModeName(xvSnapCpuMode mode);

/* One physical CPU's cumulative times (virNodeGetCPUStats). */
typedef struct _xvSnapPcpu xvSnapPcpu;
struct _xvSnapPcpu {
    unsigned int cpu;
    int64_t ns[XV_SNAP_CPU_MODE_LAST];   /* nanoseconds; -1: the driver has no such field */
};

/* The agent's own process, as the Prometheus client libraries report it. */
typedef struct _xvSnapProcess xvSnapProcess;
struct _xvSnapProcess {
    bool ok;                     /* false: the process collector did not run or failed */
    uint64_t cpuNs;              /* user + system time */
    uint64_t residentBytes;
    uint64_t virtualBytes;
    uint64_t openFds;
    uint64_t maxFds;             /* the soft RLIMIT_NOFILE */
    uint64_t startTimeNs;        /* since the epoch */
};

typedef struct _xvSnapDomain xvSnapDomain;
struct _xvSnapDomain {
    int id;
    char *name;                  /* owned (malloc), never NULL once added */
    unsigned char uuid[16];
    char uuidstr[37];
    char *osType;                /* owned; NULL if virDomainGetOSType failed */
    unsigned char state;         /* virDomainState */
    uint64_t maxMemKiB;
    uint64_t memKiB;
    unsigned int nrVirtCpu;
    uint64_t cpuTimeNs;
    /*
     * Memory as the guest reports it (virDomainMemoryStats AVAILABLE and
     * UNUSED): guestMemOk only when both were reported. Its demand is
     * guestTotalKiB - guestFreeKiB.
     */
    bool guestMemOk;
    uint64_t guestTotalKiB;
    uint64_t guestFreeKiB;
    bool vcpusOk;                /* false: virDomainGetVcpus failed, no vcpus */
    size_t firstVcpu;            /* index into xvSnapshot.vcpus */
    size_t nvcpus;
    size_t firstDisk;            /* index into xvSnapshot.disks */
    size_t ndisks;
    size_t firstNic;             /* index into xvSnapshot.nics */
    size_t nnics;
};

typedef struct _xvCollectorResult xvCollectorResult;
struct _xvCollectorResult {
    const char *name;            /* static: the collector's name */
    uint64_t durationNs;
    bool success;
};

typedef struct _xvSnapshot xvSnapshot;
struct _xvSnapshot {
    atomic_int refs;             /* only through xvSnapshotRef/Unref */
    bool finished;               /* set by xvSnapshotFinish(): no more changes */
    uint64_t seq;                /* 1, 2, 3... per sampler */
    uint64_t startedMonoNs;      /* CLOCK_MONOTONIC when sampling began */
    uint64_t durationNs;         /* how long the sample took */
    uint64_t timestampNs;        /* CLOCK_REALTIME (ns since the epoch) at the end */
    bool connected;              /* false: the hypervisor could not be reached */
    /*
     * Every domain of the hypervisor is in the snapshot: the domain
     * collector listed them all (it sets this). The policies forget the
     * bookkeeping of a domain only when such a picture no longer shows it.
     */
    bool domainsComplete;
    bool nodeOk;                 /* node holds a virNodeGetInfo() result */
    virNodeInfo node;
    bool nodeFreeOk;             /* nodeFreeBytes holds a virNodeGetFreeMemory() result */
    uint64_t nodeFreeBytes;
    unsigned long hvVersion;     /* virConnectGetVersion, 0 if unknown */
    char *hvType;                /* owned; virConnectGetType, NULL if unknown */
    xvSnapDomain *domains;       /* sorted by name after xvSnapshotFinish() */
    size_t ndomains;
    xvSnapVcpu *vcpus;           /* each domain's vcpus are contiguous */
    size_t nvcpus;
    unsigned char *cpumaps;      /* nvcpus maps of maplen bytes, vcpu order */
    int maplen;                  /* set before the first xvSnapshotAddVcpus(); 0: no maps */
    xvSnapDisk *disks;           /* each domain's disks are contiguous, in XML order */
    size_t ndisks;
    xvSnapNic *nics;             /* each domain's interfaces are contiguous, in XML order */
    size_t nnics;
    xvSnapPcpu *pcpus;           /* by CPU number */
    size_t npcpus;
    xvSnapProcess process;
    /* room allocated in each array: they grow by doubling, so adding
     * N domains costs O(N) however large N is */
    size_t domainsCap, vcpusCap, disksCap, nicsCap, pcpusCap;
    /*
     * Failed calls by call, CUMULATIVE since the agent started (a counter):
     * the sampler starts each snapshot from the previous one's totals
     * (xvSnapshotCarryTotals) and adds this sample's failures.
     */
    uint64_t errorsTotal[XV_CALL_LAST];
    xvCollectorResult collectors[XV_COLLECTORS_MAX];  /* run order */
    size_t ncollectors;
};

/* A new, empty snapshot holding one reference. */
xvSnapshot *xvSnapshotNew(void);
/*
 * Takes one more reference on @snap (NULL-safe); returns @snap. The count
 * is not part of the picture: a reader holding a const snapshot may take
 * and drop references.
 */
const xvSnapshot *xvSnapshotRef(const xvSnapshot *snap);
/* Drops one reference (NULL-safe); the last one frees. Returns NULL. */
xvSnapshot *xvSnapshotUnref(const xvSnapshot *snap);

/*
 * Adds a zeroed domain and returns it for the caller to fill; name and
 * osType must be malloc'd strings, owned by the snapshot from then on. The
 * pointer is valid until the next xvSnapshotAddDomain()/DropLastDomain().
 */
xvSnapDomain *xvSnapshotAddDomain(xvSnapshot *snap);
/* Drops the domain last added, with its vcpus, disks and interfaces (it
 * vanished mid-sample). */
void xvSnapshotDropLastDomain(xvSnapshot *snap);
/*
 * Reserves @n zeroed vcpus (and zeroed maps) for @dom, which must be the
 * domain last added; calling it again for the same domain extends its
 * range. Returns the first new vcpu, valid until the next call.
 */
xvSnapVcpu *xvSnapshotAddVcpus(xvSnapshot *snap, xvSnapDomain *dom, size_t n);
/*
 * Reserves @n zeroed disks (interfaces) for @dom, which must be the domain
 * last added, as xvSnapshotAddVcpus(); the strings set in them are owned by
 * the snapshot. Returns the first new one, valid until the next call.
 */
xvSnapDisk *xvSnapshotAddDisks(xvSnapshot *snap, xvSnapDomain *dom, size_t n);
xvSnapNic *xvSnapshotAddNics(xvSnapshot *snap, xvSnapDomain *dom, size_t n);
/* Reserves @n zeroed physical CPUs; returns the first new one. */
xvSnapPcpu *xvSnapshotAddPcpus(xvSnapshot *snap, size_t n);
/* The affinity map (maplen bytes) of vcpu @vcpuIndex; NULL if maplen is 0. */
unsigned char *xvSnapshotVcpuMap(const xvSnapshot *snap, size_t vcpuIndex);
/* Records a collector's result; returns 0, or -ENOSPC if the table is full. */
int xvSnapshotAddCollector(xvSnapshot *snap, const char *name, uint64_t durationNs,
                           bool success);
/* Copies the cumulative counters (errorsTotal) of @prev (NULL: zeros). */
void xvSnapshotCarryTotals(xvSnapshot *snap, const xvSnapshot *prev);
/* Sorts domains by name and vcpus by number; called once when sampling is done. */
void xvSnapshotFinish(xvSnapshot *snap);
/* The domain named @name, or NULL; binary search once finished. */
const xvSnapDomain *xvSnapshotFindDomain(const xvSnapshot *snap, const char *name);
