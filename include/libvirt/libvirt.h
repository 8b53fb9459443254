/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt.h: the public hypervisor API of libxvirt.
 *
 * Names, signatures, struct layouts, enum values and macro behaviour are
 * those of the early libvirt API (see shared/seed/libvirt-api.txt), which
 * libvirt still ships, so a program written for that API compiles unchanged
 * against this header and links with -lxvirt.
 *
 * Ownership rules, stated once: a virConnectPtr is released with
 * virConnectClose(), a virDomainPtr with virDomainFree() (or, once it
 * succeeded, virDomainDestroy()); a returned "char *" is released by the
 * caller with free(); a returned "const char *" is borrowed and its lifetime
 * is given in the call's comment.
 *
 * Debugging: with XVIRT_DEBUG=1 in the environment, the library writes one
 * line per call of this header (its name and arguments) and one per error it
 * reports (code, origin, message, and the source file:line and function that
 * reported it) to standard error, or appended to the file XVIRT_DEBUG_FILE
 * names. Both variables are read once per process, at the first call; they
 * are ignored in set-user-ID programs. Off by default, and the library
 * writes nothing else. The error calls of virterror.h are not traced.
 *
 * This header is C89/C99/C++ clean and includes nothing project-internal.
 */
#ifndef LIBVIRT_H
#define LIBVIRT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * LIBVIR_VERSION_NUMBER:
 *
 * The version of this library as major * 1,000,000 + minor * 1,000 + micro.
 */
#define LIBVIR_VERSION_NUMBER 1000

/**
 * virConnect: private connection object; virConnectPtr is the handle used
 * to reference a connection to a hypervisor in the API.
 */
typedef struct _virConnect virConnect;
typedef virConnect *virConnectPtr;

/**
 * virDomain: private domain object; virDomainPtr references one domain of
 * a connection.
 */
typedef struct _virDomain virDomain;
typedef virDomain *virDomainPtr;

/**
 * virDomainState: the running state of a domain (virDomainInfo.state).
 */
typedef enum {
    VIR_DOMAIN_NOSTATE = 0,  /* no state */
    VIR_DOMAIN_RUNNING = 1,  /* the domain is running */
    VIR_DOMAIN_BLOCKED = 2,  /* the domain is blocked on resource */
    VIR_DOMAIN_PAUSED = 3,   /* the domain is paused by user */
    VIR_DOMAIN_SHUTDOWN = 4, /* the domain is being shut down */
    VIR_DOMAIN_SHUTOFF = 5,  /* the domain is shut off */
    VIR_DOMAIN_CRASHED = 6   /* the domain is crashed */
} virDomainState;

/**
 * virDomainInfo: what virDomainGetInfo() reports about a domain.
 */
typedef struct _virDomainInfo virDomainInfo;
struct _virDomainInfo {
    unsigned char state;        /* the running state, one of virDomainState */
    unsigned long maxMem;       /* the maximum memory in KBytes allowed */
    unsigned long memory;       /* the memory in KBytes used by the domain */
    unsigned short nrVirtCpu;   /* the number of virtual CPUs for the domain */
    unsigned long long cpuTime; /* the CPU time used in nanoseconds */
};
typedef virDomainInfo *virDomainInfoPtr;

/**
 * virDomainCreateFlags: flags for virDomainCreateLinux().
 */
typedef enum {
    VIR_DOMAIN_NONE = 0
} virDomainCreateFlags;

/**
 * virNodeInfo: hardware information about the node (virNodeGetInfo()).
 */
typedef struct _virNodeInfo virNodeInfo;
struct _virNodeInfo {
    char model[32];       /* string indicating the CPU model */
    unsigned long memory; /* memory size in kilobytes */
    unsigned int cpus;    /* the number of active CPUs */
    unsigned int mhz;     /* expected CPU frequency */
    unsigned int nodes;   /* the number of NUMA cells, 1 for uniform */
    unsigned int sockets; /* number of CPU sockets per node */
    unsigned int cores;   /* number of cores per socket */
    unsigned int threads; /* number of threads per core */
};
typedef virNodeInfo *virNodeInfoPtr;

/**
 * virDomainKernel: kernel boot information of a Linux guest.
 */
typedef struct _virDomainKernel virDomainKernel;
struct _virDomainKernel {
    const char *kernel;  /* filename pointing to the kernel image */
    const char *ramdisk; /* an optional init ramdisk */
    const char *root;    /* an optional root block device */
    const char *extra;   /* optional kernel command line parameters */
};
typedef virDomainKernel *virDomainKernelPtr;

/**
 * virDomainRestart: what to do when a domain stops.
 */
typedef enum {
    VIR_DOMAIN_DESTROY = 1,       /* destroy the domain */
    VIR_DOMAIN_RESTART = 2,       /* restart the domain */
    VIR_DOMAIN_PRESERVE = 3,      /* keep as is, need manual destroy, for debug */
    VIR_DOMAIN_RENAME_RESTART = 4 /* restart under a new unique name */
} virDomainRestart;

/**
 * virDeviceMode: access mode of a device.
 */
typedef enum {
    VIR_DEVICE_DEFAULT = 0,  /* default mode */
    VIR_DEVICE_RO = 1,       /* access read-only */
    VIR_DEVICE_RW = 2,       /* access read-write */
    VIR_DEVICE_RW_FORCE = 3  /* forced read-write even if already used */
} virDeviceMode;

/**
 * virVcpuState: state of one virtual CPU (virVcpuInfo.state).
 */
typedef enum {
    VIR_VCPU_OFFLINE = 0, /* the virtual CPU is offline */
    VIR_VCPU_RUNNING = 1, /* the virtual CPU is running */
    VIR_VCPU_BLOCKED = 2  /* the virtual CPU is blocked on resource */
} virVcpuState;

/**
 * virVcpuInfo: what virDomainGetVcpus() reports about one virtual CPU.
 */
typedef struct _virVcpuInfo virVcpuInfo;
struct _virVcpuInfo {
    unsigned int number;        /* virtual CPU number */
    int state;                  /* value from virVcpuState */
    unsigned long long cpuTime; /* CPU time used, in nanoseconds */
    int cpu;                    /* real CPU number, or -1 if offline */
};
typedef virVcpuInfo *virVcpuInfoPtr;

/**
 * VIR_NODEINFO_MAXCPUS:
 * @nodeinfo: a virNodeInfo (not a pointer)
 *
 * The total number of CPUs supported, but not necessarily active, in the
 * host: nodes * sockets * cores * threads.
 */
#define VIR_NODEINFO_MAXCPUS(nodeinfo) \
    ((nodeinfo).nodes * (nodeinfo).sockets * (nodeinfo).cores * (nodeinfo).threads)

/**
 * VIR_CPU_MAPLEN:
 * @cpu: number of physical CPUs
 *
 * The length in bytes of a CPU map able to hold @cpu physical CPUs, as
 * virDomainPinVcpu() and virDomainGetVcpus() expect it.
 */
#define VIR_CPU_MAPLEN(cpu) (((cpu) + 7) / 8)

/**
 * VIR_USE_CPU:
 * @cpumap: CPU map (unsigned char *), as for virDomainPinVcpu()
 * @cpu: physical CPU number
 *
 * Sets the bit of @cpu in @cpumap: the CPU is usable.
 */
#define VIR_USE_CPU(cpumap, cpu) ((cpumap)[(cpu) / 8] |= (1 << ((cpu) % 8)))

/**
 * VIR_UNUSE_CPU:
 * @cpumap: CPU map (unsigned char *), as for virDomainPinVcpu()
 * @cpu: physical CPU number
 *
 * Clears the bit of @cpu in @cpumap: the CPU is not usable.
 */
#define VIR_UNUSE_CPU(cpumap, cpu) ((cpumap)[(cpu) / 8] &= ~(1 << ((cpu) % 8)))

/**
 * VIR_CPU_USABLE:
 * @cpumaps: the cpumaps array filled by virDomainGetVcpus()
 * @maplen: the length of one map, as passed to virDomainGetVcpus()
 * @vcpu: virtual CPU number
 * @cpu: physical CPU number
 *
 * Non-zero if @vcpu may run on @cpu, 0 otherwise.
 */
#define VIR_CPU_USABLE(cpumaps, maplen, vcpu, cpu) \
    ((cpumaps)[((vcpu) * (maplen)) + ((cpu) / 8)] & (1 << ((cpu) % 8)))

/**
 * VIR_COPY_CPUMAP:
 * @cpumaps: the cpumaps array filled by virDomainGetVcpus()
 * @maplen: the length of one map
 * @vcpu: virtual CPU number
 * @cpumap: destination of @maplen bytes
 *
 * Copies the map of @vcpu out of @cpumaps into @cpumap, ready for
 * virDomainPinVcpu().
 */
#define VIR_COPY_CPUMAP(cpumaps, maplen, vcpu, cpumap) \
    memcpy(cpumap, &((cpumaps)[(vcpu) * (maplen)]), (maplen))

/**
 * VIR_GET_CPUMAP:
 * @cpumaps: the cpumaps array filled by virDomainGetVcpus()
 * @maplen: the length of one map
 * @vcpu: virtual CPU number
 *
 * A pointer to the map of @vcpu inside @cpumaps.
 */
#define VIR_GET_CPUMAP(cpumaps, maplen, vcpu) (&((cpumaps)[(vcpu) * (maplen)]))

/* ---- Library and connections ---------------------------------------- */

/**
 * virInitialize:
 *
 * Initializes the library. Calling it first is recommended in threaded
 * programs; every other entry point also initializes on demand, and the
 * call may be repeated any number of times from any thread. The debug trace
 * (XVIRT_DEBUG, see the top of this file) is not part of it: the first
 * call of any kind reads its variables.
 *
 * Returns 0 in case of success, -1 in case of error.
 */
int virInitialize(void);

/**
 * virGetVersion:
 * @libVer: where to store the library version (OUT); required, as in libvirt
 * @type: the driver whose version is asked for ("Xen" when NULL; "Xen" or
 *        "Test", compared case-insensitively)
 * @typeVer: where to store the version of that driver (OUT), may be NULL
 *
 * Versions have the form major * 1,000,000 + minor * 1,000 + release. The
 * "Xen" version is that of the Xen headers libxvirt was built against; it
 * is an error (and *@typeVer is 0) when the Xen driver is not built, or
 * when @type names no driver.
 *
 * Returns -1 in case of failure, 0 otherwise.
 */
int virGetVersion(unsigned long *libVer, const char *type,
                  unsigned long *typeVer);

/**
 * virConnectOpen:
 * @name: the URI of the hypervisor: NULL, "xen" or "xen:///" for the local
 *        Xen hypervisor; "test:///default" for the built-in simulated node;
 *        "test:///ABSOLUTE/PATH.xml" for a simulated node read from a file.
 *
 * Opens a read-write connection. All connections of one process to the
 * same test URI share one simulated node.
 *
 * Returns a connection to release with virConnectClose(), or NULL on error.
 */
virConnectPtr virConnectOpen(const char *name);

/**
 * virConnectOpenReadOnly:
 * @name: the URI of the hypervisor, as for virConnectOpen()
 *
 * Opens a read-only connection: every call that changes a domain fails on
 * it with VIR_ERR_OPERATION_DENIED.
 *
 * Returns a connection to release with virConnectClose(), or NULL on error.
 */
virConnectPtr virConnectOpenReadOnly(const char *name);

/**
 * virConnectClose:
 * @conn: pointer to the hypervisor connection
 *
 * Closes the connection. Domain objects obtained from it stay valid until
 * they are freed, and keep the underlying connection alive until then.
 *
 * Returns 0 in case of success or -1 in case of error.
 */
int virConnectClose(virConnectPtr conn);

/**
 * virConnectGetType:
 * @conn: pointer to the hypervisor connection
 *
 * Returns the name of the hypervisor driver ("Xen", "TEST"), a static
 * string, or NULL in case of error.
 */
const char *virConnectGetType(virConnectPtr conn);

/**
 * virConnectGetVersion:
 * @conn: pointer to the hypervisor connection
 * @hvVer: where to store the version of the running hypervisor (OUT)
 *
 * Returns -1 in case of error, 0 otherwise; @hvVer is major * 1,000,000 +
 * minor * 1,000 + release, or 0 when the version cannot be extracted.
 */
int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);

/**
 * virNodeGetInfo:
 * @conn: pointer to the hypervisor connection
 * @info: structure to fill, allocated by the caller (OUT)
 *
 * Extracts hardware information about the node. @info is zeroed first.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);

/**
 * virConnectNumOfDomains:
 * @conn: pointer to the hypervisor connection
 *
 * Returns the number of active domains, or -1 in case of error.
 */
int virConnectNumOfDomains(virConnectPtr conn);

/**
 * virConnectListDomains:
 * @conn: pointer to the hypervisor connection
 * @ids: array to fill with the IDs of active domains (OUT)
 * @maxids: size of @ids (>= 0; @ids may be NULL only when it is 0)
 *
 * Returns the number of IDs stored (at most @maxids), or -1 in case of
 * error. There is no cap: size @ids from virConnectNumOfDomains().
 */
int virConnectListDomains(virConnectPtr conn, int *ids, int maxids);

/**
 * virConnectListDefinedDomains:
 * @conn: pointer to the hypervisor connection
 * @names: array to fill with the names of the defined, inactive domains (OUT)
 * @maxnames: size of @names (>= 0; @names may be NULL only when it is 0)
 *
 * Each stored name is a new string that the caller releases with
 * free((char *) names[i]).
 *
 * Returns the number of names stored, or -1 in case of error.
 */
int virConnectListDefinedDomains(virConnectPtr conn, const char **names,
                                 int maxnames);

/* ---- Domains --------------------------------------------------------- */

/**
 * virDomainCreateLinux:
 * @conn: pointer to the hypervisor connection
 * @xmlDesc: an XML description of the domain (as virDomainGetXMLDesc() gives)
 * @flags: VIR_DOMAIN_NONE
 *
 * Starts a new, transient domain: it vanishes when it stops.
 *
 * Returns a new domain object (release with virDomainFree()) or NULL.
 */
virDomainPtr virDomainCreateLinux(virConnectPtr conn, const char *xmlDesc,
                                  unsigned int flags);

/**
 * virDomainDefineXML:
 * @conn: pointer to the hypervisor connection
 * @xml: the XML description of the domain, UTF-8
 *
 * Defines a persistent domain without starting it, or replaces the
 * definition of the existing domain with the same name and UUID.
 *
 * Returns a new domain object (release with virDomainFree()) or NULL.
 */
virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml);

/**
 * virDomainUndefine:
 * @domain: a defined domain
 *
 * Removes the persistent definition; a running domain keeps running and
 * becomes transient.
 *
 * Returns 0 in case of success, -1 in case of error.
 */
int virDomainUndefine(virDomainPtr domain);

/**
 * virDomainCreate:
 * @domain: a defined, inactive domain
 *
 * Starts the domain; it gets a new ID.
 *
 * Returns 0 in case of success, -1 in case of error.
 */
int virDomainCreate(virDomainPtr domain);

/**
 * virDomainLookupByID:
 * @conn: pointer to the hypervisor connection
 * @id: the ID of an active domain
 *
 * Returns a new domain object (release with virDomainFree()) or NULL.
 */
virDomainPtr virDomainLookupByID(virConnectPtr conn, int id);

/**
 * virDomainLookupByName:
 * @conn: pointer to the hypervisor connection
 * @name: name of the domain
 *
 * Returns a new domain object (release with virDomainFree()) or NULL.
 */
virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name);

/**
 * virDomainLookupByUUID:
 * @conn: pointer to the hypervisor connection
 * @uuid: the raw 16-byte UUID of the domain
 *
 * Returns a new domain object (release with virDomainFree()) or NULL.
 */
virDomainPtr virDomainLookupByUUID(virConnectPtr conn,
                                   const unsigned char *uuid);

/**
 * virDomainLookupByUUIDString:
 * @conn: pointer to the hypervisor connection
 * @uuidstr: the UUID as a string, RFC 4122 form (dashes optional)
 *
 * Returns a new domain object (release with virDomainFree()) or NULL.
 */
virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn,
                                         const char *uuidstr);

/**
 * virDomainFree:
 * @domain: a domain object
 *
 * Releases the object; the domain itself is left as it is.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainFree(virDomainPtr domain);

/**
 * virDomainDestroy:
 * @domain: an active domain
 *
 * Stops the domain at once and gives its resources back. On success the
 * object is also released and must not be used again.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainDestroy(virDomainPtr domain);

/**
 * virDomainSuspend:
 * @domain: a running domain
 *
 * Pauses the domain; its memory stays allocated.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainSuspend(virDomainPtr domain);

/**
 * virDomainResume:
 * @domain: a paused domain
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainResume(virDomainPtr domain);

/**
 * virDomainShutdown:
 * @domain: an active domain
 *
 * Asks the guest to shut down; the guest may ignore the request.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainShutdown(virDomainPtr domain);

/**
 * virDomainReboot:
 * @domain: an active domain
 * @flags: 0
 *
 * Asks the guest to reboot; the guest may ignore the request.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainReboot(virDomainPtr domain, unsigned int flags);

/**
 * virDomainSave:
 * @domain: an active domain
 * @to: path of the file to write
 *
 * Saves the domain's state to @to and stops it.
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainSave(virDomainPtr domain, const char *to);

/**
 * virDomainRestore:
 * @conn: pointer to the hypervisor connection
 * @from: path of a file written by virDomainSave()
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainRestore(virConnectPtr conn, const char *from);

/**
 * virDomainGetName:
 * @domain: a domain object
 *
 * Returns the name, borrowed: it lives as long as @domain; NULL on error.
 */
const char *virDomainGetName(virDomainPtr domain);

/**
 * virDomainGetID:
 * @domain: a domain object
 *
 * Returns the hypervisor ID of the domain, (unsigned int) -1 for an
 * inactive domain, and (unsigned int) -1 in case of error.
 */
unsigned int virDomainGetID(virDomainPtr domain);

/**
 * virDomainGetUUID:
 * @domain: a domain object
 * @uuid: a 16-byte array (OUT)
 *
 * Returns -1 in case of error, 0 in case of success.
 */
int virDomainGetUUID(virDomainPtr domain, unsigned char *uuid);

/**
 * virDomainGetUUIDString:
 * @domain: a domain object
 * @buf: a 37-byte array (OUT), filled with the RFC 4122 form
 *
 * Returns -1 in case of error, 0 in case of success.
 */
int virDomainGetUUIDString(virDomainPtr domain, char *buf);

/**
 * virDomainGetOSType:
 * @domain: a domain object
 *
 * Returns the OS type ("linux" for a paravirtualized guest, "hvm" for a
 * fully virtualized one) as a new string to free(), or NULL on error.
 */
char *virDomainGetOSType(virDomainPtr domain);

/**
 * virDomainGetMaxMemory:
 * @domain: a domain object
 *
 * Returns the maximum memory of the domain in KiB, or 0 in case of error
 * (a NULL @domain is an error: there is no connection to ask).
 */
unsigned long virDomainGetMaxMemory(virDomainPtr domain);

/**
 * virDomainSetMaxMemory:
 * @domain: a domain object
 * @memory: the new maximum in KiB (> 0); the current memory is lowered to
 *          it when above
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainSetMaxMemory(virDomainPtr domain, unsigned long memory);

/**
 * virDomainSetMemory:
 * @domain: a domain object
 * @memory: the new target in KiB, 0 < @memory <= the maximum memory
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainSetMemory(virDomainPtr domain, unsigned long memory);

/**
 * virDomainGetInfo:
 * @domain: a domain object
 * @info: structure to fill, allocated by the caller (OUT); zeroed first
 *
 * Returns 0 in case of success and -1 in case of failure.
 */
int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info);

/**
 * virDomainGetXMLDesc:
 * @domain: a domain object
 * @flags: 0
 *
 * Returns the XML description as a new UTF-8 string to free(), or NULL.
 * Fed to virDomainDefineXML() it defines the same domain.
 */
char *virDomainGetXMLDesc(virDomainPtr domain, int flags);

/**
 * virDomainSetVcpus:
 * @domain: an active domain
 * @nvcpus: the new number of online virtual CPUs, 1 up to the domain's
 *          maximum (its <vcpu> count)
 *
 * Returns 0 in case of success, -1 in case of failure.
 */
int virDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus);

/**
 * virDomainPinVcpu:
 * @domain: an active domain
 * @vcpu: virtual CPU number
 * @cpumap: bit map of usable physical CPUs (IN): byte 0 holds CPUs 0-7,
 *          byte 1 CPUs 8-15...; in each byte the lowest CPU is the least
 *          significant bit
 * @maplen: bytes in @cpumap, 1 up to VIR_CPU_MAPLEN(VIR_NODEINFO_MAXCPUS());
 *          missing bytes count as zero, a longer map is an error, and the map
 *          must name at least one CPU of the node
 *
 * Returns 0 in case of success, -1 in case of failure.
 */
int virDomainPinVcpu(virDomainPtr domain, unsigned int vcpu,
                     unsigned char *cpumap, int maplen);

/**
 * virDomainGetVcpus:
 * @domain: an active domain
 * @info: array of @maxinfo structures to fill (OUT)
 * @maxinfo: size of @info, >= 1
 * @cpumaps: NULL, or @maxinfo * @maplen bytes to receive one CPU map per
 *           virtual CPU (OUT), in the format of virDomainPinVcpu(); bytes
 *           past the node's CPUs are zeroed
 * @maplen: bytes in one map, >= 1 when @cpumaps is given
 *
 * Every virtual CPU up to the domain's maximum is reported; an offline one
 * has state VIR_VCPU_OFFLINE and cpu -1.
 *
 * Returns the number of entries filled, or -1 in case of failure.
 */
int virDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                      unsigned char *cpumaps, int maplen);

/* ---- Beyond the seed: later libvirt calls, same names, signatures and
 * values as libvirt ------------------------------------------------------
 *
 * Calls libvirt added after the seed (0.3.2 to 0.9.3), declared exactly as
 * libvirt 9 declares them, so that a program using them builds unchanged
 * against either library. */

/**
 * virNodeGetFreeMemory:
 * @conn: pointer to the hypervisor connection
 *
 * The memory of the node that no domain and no host service holds: what a
 * domain could still be given. The test driver's simulated node has
 * node memory - the current memory of every active domain - the memory
 * the host itself uses (scripted by <xvirt:host-used>/<xvirt:host-free>);
 * Xen reports its free pages.
 *
 * Returns the free memory in bytes, or 0 in case of error (as in libvirt,
 * a node with no free memory at all cannot be told from an error: the call
 * then fails with VIR_ERR_OPERATION_FAILED).
 */
unsigned long long virNodeGetFreeMemory(virConnectPtr conn);

/**
 * virDomainMemoryStatTags:
 *
 * The statistics virDomainMemoryStats() can report (libvirt 9's values).
 * Amounts are in KiB; the faults are counts; LAST_UPDATE is in seconds.
 */
typedef enum {
    VIR_DOMAIN_MEMORY_STAT_SWAP_IN = 0,         /* data read from swap */
    VIR_DOMAIN_MEMORY_STAT_SWAP_OUT = 1,        /* memory written out to swap */
    VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT = 2,     /* page faults that needed disk IO */
    VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT = 3,     /* page faults served from memory */
    VIR_DOMAIN_MEMORY_STAT_UNUSED = 4,          /* memory the guest leaves unused */
    VIR_DOMAIN_MEMORY_STAT_AVAILABLE = 5,       /* memory the guest sees in all */
    VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON = 6,  /* the current balloon size */
    VIR_DOMAIN_MEMORY_STAT_RSS = 7,             /* resident set of the domain's process */
    VIR_DOMAIN_MEMORY_STAT_USABLE = 8,          /* reclaimable without guest swapping */
    VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE = 9,     /* when the guest last reported */
    VIR_DOMAIN_MEMORY_STAT_DISK_CACHES = 10,    /* quickly reclaimable caches */
    VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC = 11, /* huge page allocations */
    VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL = 12, /* failed huge page allocations */

    /* The number of statistics of this version of the API. */
    VIR_DOMAIN_MEMORY_STAT_NR = 13

#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_MEMORY_STAT_LAST = VIR_DOMAIN_MEMORY_STAT_NR
#endif
} virDomainMemoryStatTags;

/**
 * virDomainMemoryStatStruct: one statistic (virDomainMemoryStats()).
 */
typedef struct _virDomainMemoryStat virDomainMemoryStatStruct;
struct _virDomainMemoryStat {
    int tag;                    /* one of virDomainMemoryStatTags */
    unsigned long long val;     /* its value, in the tag's unit */
};
typedef virDomainMemoryStatStruct *virDomainMemoryStatPtr;

/**
 * virDomainMemoryStats:
 * @dom: an active domain
 * @stats: array of @nr_stats structures to fill (OUT)
 * @nr_stats: size of @stats; more than VIR_DOMAIN_MEMORY_STAT_NR counts as
 *            VIR_DOMAIN_MEMORY_STAT_NR
 * @flags: 0
 *
 * Fills @stats with the statistics the hypervisor has for @dom, one entry
 * per tag it knows, in increasing tag order, at most @nr_stats of them. A
 * tag the hypervisor does not know is left out, not reported as 0. With a
 * NULL @stats or a @nr_stats of 0 the call does nothing and returns 0, as
 * libvirt's does.
 *
 * The test driver reports ACTUAL_BALLOON (the current memory) and, once
 * the guest reports a memory demand (<xvirt:memory-demand>), UNUSED and
 * USABLE (current - demand, at least 0) and AVAILABLE (the current memory).
 * Xen reports ACTUAL_BALLOON (the balloon target, xenstore memory/target,
 * plus the video RAM of an HVM guest: what virDomainSetMemory() sets) and,
 * when the guest writes them to xenstore, AVAILABLE (data/meminfo_total) and
 * UNUSED and USABLE (data/meminfo_free).
 *
 * Returns the number of statistics stored, or -1 in case of error
 * (VIR_ERR_OPERATION_INVALID when @dom is not running).
 */
int virDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                         unsigned int nr_stats, unsigned int flags);

/**
 * virDomainBlockStatsStruct: the I/O counters of one disk of a domain
 * (virDomainBlockStats()), as libvirt 0.3.2 defined them. A field the
 * hypervisor cannot tell is -1.
 */
typedef struct _virDomainBlockStats virDomainBlockStatsStruct;
struct _virDomainBlockStats {
    long long rd_req;   /* read requests completed */
    long long rd_bytes; /* bytes read */
    long long wr_req;   /* write requests completed */
    long long wr_bytes; /* bytes written */
    long long errs;     /* failed requests; on Xen blkback's oo_req (requests
                         * that waited for a free slot in the ring) */
};
typedef virDomainBlockStatsStruct *virDomainBlockStatsPtr;

/**
 * virDomainBlockStats:
 * @dom: an active domain
 * @disk: the disk, by its target name in the domain XML (<target dev>,
 *        e.g. "xvda") or by its <source file|dev> path
 * @stats: where the counters go (OUT)
 * @size: sizeof(virDomainBlockStatsStruct), or less for a program built
 *        against an older, shorter structure: only @size bytes are written
 *
 * The counters of one disk since the domain started: they start from zero
 * when the domain boots again (Xen's backends are new devices then). The
 * test driver simulates them from the rates its node file scripts
 * (<xvirt:io>); Xen reads them from blkback's statistics in dom0.
 *
 * Returns 0, or -1 in case of error: VIR_ERR_INVALID_ARG for a @disk the
 * domain does not have or a @size larger than the structure,
 * VIR_ERR_OPERATION_INVALID when @dom is not running.
 */
int virDomainBlockStats(virDomainPtr dom, const char *disk,
                        virDomainBlockStatsPtr stats, size_t size);

/**
 * virDomainInterfaceStatsStruct: the counters of one network interface of
 * a domain (virDomainInterfaceStats()), as libvirt 0.3.2 defined them, in
 * the guest's view: rx is what the guest received. A field the hypervisor
 * cannot tell is -1.
 */
typedef struct _virDomainInterfaceStats virDomainInterfaceStatsStruct;
struct _virDomainInterfaceStats {
    long long rx_bytes;
    long long rx_packets;
    long long rx_errs;
    long long rx_drop;
    long long tx_bytes;
    long long tx_packets;
    long long tx_errs;
    long long tx_drop;
};
typedef virDomainInterfaceStatsStruct *virDomainInterfaceStatsPtr;

/**
 * virDomainInterfaceStats:
 * @dom: an active domain
 * @device: the interface, by its host-side name (<target dev> in the domain
 *          XML, e.g. "vif3.0" on Xen) or by its MAC address
 * @stats: where the counters go (OUT)
 * @size: sizeof(virDomainInterfaceStatsStruct), or less (see
 *        virDomainBlockStats())
 *
 * The counters of one interface since the domain started, in the guest's
 * view: on Xen, netback's vif device in dom0 counts the other way round,
 * so its transmit counters are the guest's rx and its receive counters the
 * guest's tx.
 *
 * Returns 0, or -1 in case of error: VIR_ERR_INVALID_ARG for a @device the
 * domain does not have or a @size larger than the structure,
 * VIR_ERR_OPERATION_INVALID when @dom is not running.
 */
int virDomainInterfaceStats(virDomainPtr dom, const char *device,
                            virDomainInterfaceStatsPtr stats, size_t size);

/* The size of virNodeCPUStats' field name, with its terminating NUL. */
#define VIR_NODE_CPU_STATS_FIELD_LENGTH 80

/**
 * virNodeGetCPUStatsAllCPUs: the @cpuNum of virNodeGetCPUStats() that asks
 * for the sum over every physical CPU.
 */
typedef enum {
    VIR_NODE_CPU_STATS_ALL_CPUS = -1
} virNodeGetCPUStatsAllCPUs;

/* The fields virNodeGetCPUStats() can report. The times are cumulative,
 * in nanoseconds since the node booted; "utilization" is a percentage of
 * every CPU, reported by hypervisors that have no cumulative times. */
#define VIR_NODE_CPU_STATS_KERNEL "kernel"
#define VIR_NODE_CPU_STATS_USER "user"
#define VIR_NODE_CPU_STATS_IDLE "idle"
#define VIR_NODE_CPU_STATS_IOWAIT "iowait"
#define VIR_NODE_CPU_STATS_INTR "intr"
#define VIR_NODE_CPU_STATS_UTILIZATION "utilization"

/**
 * virNodeCPUStats: one statistic of virNodeGetCPUStats().
 */
typedef struct _virNodeCPUStats virNodeCPUStats;
struct _virNodeCPUStats {
    char field[VIR_NODE_CPU_STATS_FIELD_LENGTH]; /* a VIR_NODE_CPU_STATS_* name */
    unsigned long long value;
};
typedef virNodeCPUStats *virNodeCPUStatsPtr;

/**
 * virNodeGetCPUStats:
 * @conn: pointer to the hypervisor connection
 * @cpuNum: a physical CPU, from 0, or VIR_NODE_CPU_STATS_ALL_CPUS for the
 *          sum over all of them
 * @params: array of *@nparams statistics to fill (OUT), or NULL
 * @nparams: in: the size of @params; out: the number of statistics the
 *           hypervisor has (with a NULL @params) or the number filled
 * @flags: 0
 *
 * The CPU times of a physical CPU of the node. Called with a NULL @params
 * and *@nparams 0, it only stores in *@nparams how many statistics there
 * are, so that the caller can allocate them; otherwise it fills the first
 * *@nparams of them, in the hypervisor's order. The hypervisor decides which
 * fields it has: Xen knows each physical CPU's idle time only; the test
 * driver simulates user, kernel, idle and iowait (libvirt's test driver's
 * fields, in its order) from its domains' vCPU loads.
 *
 * Returns 0, or -1 in case of error: VIR_ERR_INVALID_ARG for a NULL
 * @nparams, a negative *@nparams, a @cpuNum below -1 or a @cpuNum past the
 * node's CPUs (libvirt's own test driver accepts any @cpuNum; its Linux
 * driver refuses one past the host's CPUs, as ours do).
 */
int virNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                       int *nparams, unsigned int flags);

/* ---- Events (libvirt 0.5.0 and later) ---------------------------------------------
 *
 * A program that wants lifecycle events gives the library an event loop
 * first: its own, through virEventRegisterImpl() (a libevent program maps the
 * six hooks onto event_new()/event_add(): see xvirt-agent), or the library's
 * poll(2) loop, virEventRegisterDefaultImpl() + virEventRunDefaultImpl(). The
 * drivers watch their file descriptors (xenstore's watch socket, the test
 * driver's journal) and queue events through that loop, and each event
 * reaches the callbacks from it, in the order the hypervisor reported them.
 */

/**
 * virFreeCallback: frees the opaque data of a callback, called once when
 * the callback is removed and no dispatch can use it any more.
 */
typedef void (*virFreeCallback)(void *opaque);

/**
 * virEventHandleType: what an event loop watches a file descriptor for, and
 * what it saw.
 */
typedef enum {
    VIR_EVENT_HANDLE_READABLE = (1 << 0),
    VIR_EVENT_HANDLE_WRITABLE = (1 << 1),
    VIR_EVENT_HANDLE_ERROR = (1 << 2),
    VIR_EVENT_HANDLE_HANGUP = (1 << 3)
} virEventHandleType;

/* Called by the loop when the file descriptor of @watch is ready (@events). */
typedef void (*virEventHandleCallback)(int watch, int fd, int events, void *opaque);
/* Watches @fd for @event (virEventHandleType); returns a watch number > 0, or -1. */
typedef int (*virEventAddHandleFunc)(int fd, int event, virEventHandleCallback cb,
                                     void *opaque, virFreeCallback ff);
/* Changes what @watch waits for (0: nothing, for now). */
typedef void (*virEventUpdateHandleFunc)(int watch, int event);
/* Stops @watch; its free callback runs later, never from inside this call. */
typedef int (*virEventRemoveHandleFunc)(int watch);
/* Called by the loop when @timer fires. */
typedef void (*virEventTimeoutCallback)(int timer, void *opaque);
/* A timer firing every @timeout ms (0: at every loop iteration, -1: disabled);
 * returns a timer number > 0, or -1. */
typedef int (*virEventAddTimeoutFunc)(int timeout, virEventTimeoutCallback cb,
                                      void *opaque, virFreeCallback ff);
/* Changes the period of @timer (same values as when added). */
typedef void (*virEventUpdateTimeoutFunc)(int timer, int timeout);
/* Stops @timer; its free callback runs later, never from inside this call. */
typedef int (*virEventRemoveTimeoutFunc)(int timer);

/**
 * virEventRegisterImpl:
 *
 * Gives the library the caller's event loop, as six hooks it calls from any
 * thread. Call it once, before opening the connections that will deliver
 * events. The hooks must be thread safe, and a removal's free callback must
 * run after the removal returned (from the loop), as libvirt requires.
 */
void virEventRegisterImpl(virEventAddHandleFunc addHandle,
                          virEventUpdateHandleFunc updateHandle,
                          virEventRemoveHandleFunc removeHandle,
                          virEventAddTimeoutFunc addTimeout,
                          virEventUpdateTimeoutFunc updateTimeout,
                          virEventRemoveTimeoutFunc removeTimeout);

/**
 * virEventRunDefaultImpl:
 *
 * One iteration of the library's own loop: waits for the first file
 * descriptor or timer due, then dispatches what is ready. Returns 0, or -1
 * in case of error (the default loop not registered, poll failed).
 */
int virEventRunDefaultImpl(void);

/**
 * virEventRegisterDefaultImpl:
 *
 * Registers the library's own event loop (poll(2)), to be run by
 * virEventRunDefaultImpl(). Returns 0, or -1 in case of error.
 */
int virEventRegisterDefaultImpl(void);

/* The registered loop's hooks, for code that only has the library: each
 * returns -1 (or does nothing) when no loop was registered. */
int virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque,
                      virFreeCallback ff);
void virEventUpdateHandle(int watch, int events);
int virEventRemoveHandle(int watch);
int virEventAddTimeout(int timeout, virEventTimeoutCallback cb, void *opaque,
                       virFreeCallback ff);
void virEventUpdateTimeout(int timer, int timeout);
int virEventRemoveTimeout(int timer);

/**
 * virDomainEventType: the lifecycle events (the @event of a
 * virConnectDomainEventCallback).
 */
typedef enum {
    VIR_DOMAIN_EVENT_DEFINED = 0,
    VIR_DOMAIN_EVENT_UNDEFINED = 1,
    VIR_DOMAIN_EVENT_STARTED = 2,
    VIR_DOMAIN_EVENT_SUSPENDED = 3,
    VIR_DOMAIN_EVENT_RESUMED = 4,
    VIR_DOMAIN_EVENT_STOPPED = 5,
    VIR_DOMAIN_EVENT_SHUTDOWN = 6,
    VIR_DOMAIN_EVENT_PMSUSPENDED = 7,
    VIR_DOMAIN_EVENT_CRASHED = 8
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_LAST
#endif
} virDomainEventType;

/* The @detail of each event. */
typedef enum {
    VIR_DOMAIN_EVENT_DEFINED_ADDED = 0,          /* a new configuration */
    VIR_DOMAIN_EVENT_DEFINED_UPDATED = 1,        /* a changed configuration */
    VIR_DOMAIN_EVENT_DEFINED_RENAMED = 2,
    VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT = 3
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_DEFINED_LAST
#endif
} virDomainEventDefinedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_UNDEFINED_REMOVED = 0,      /* the configuration is gone */
    VIR_DOMAIN_EVENT_UNDEFINED_RENAMED = 1
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_UNDEFINED_LAST
#endif
} virDomainEventUndefinedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_STARTED_BOOTED = 0,         /* a normal start */
    VIR_DOMAIN_EVENT_STARTED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_STARTED_RESTORED = 2,       /* from a save file */
    VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT = 3,
    VIR_DOMAIN_EVENT_STARTED_WAKEUP = 4
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_STARTED_LAST
#endif
} virDomainEventStartedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED = 0,       /* paused by the management */
    VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_SUSPENDED_IOERROR = 2,
    VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG = 3,
    VIR_DOMAIN_EVENT_SUSPENDED_RESTORED = 4,
    VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT = 5,
    VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR = 6,
    VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY = 7,
    VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED = 8
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_SUSPENDED_LAST
#endif
} virDomainEventSuspendedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_RESUMED_UNPAUSED = 0,       /* resumed by the management */
    VIR_DOMAIN_EVENT_RESUMED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT = 2,
    VIR_DOMAIN_EVENT_RESUMED_POSTCOPY = 3,
    VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED = 4
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_RESUMED_LAST
#endif
} virDomainEventResumedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,       /* the guest shut down */
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED = 1,      /* destroyed by the management */
    VIR_DOMAIN_EVENT_STOPPED_CRASHED = 2,        /* the guest crashed */
    VIR_DOMAIN_EVENT_STOPPED_MIGRATED = 3,
    VIR_DOMAIN_EVENT_STOPPED_SAVED = 4,          /* saved to a file */
    VIR_DOMAIN_EVENT_STOPPED_FAILED = 5,         /* the hypervisor failed */
    VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT = 6
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_STOPPED_LAST
#endif
} virDomainEventStoppedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0,      /* the guest finished shutting down */
    VIR_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
    VIR_DOMAIN_EVENT_SHUTDOWN_HOST = 2
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_SHUTDOWN_LAST
#endif
} virDomainEventShutdownDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY = 0,
    VIR_DOMAIN_EVENT_PMSUSPENDED_DISK = 1
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_PMSUSPENDED_LAST
#endif
} virDomainEventPMSuspendedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_CRASHED_PANICKED = 0,       /* the guest panicked (kept crashed) */
    VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED = 1
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_CRASHED_LAST
#endif
} virDomainEventCrashedDetailType;

/**
 * virConnectDomainEventCallback: receives a lifecycle event of @dom (a
 * virDomainEventType and its detail). @dom is valid during the call only:
 * virDomainRef() it to keep it. The return value is ignored.
 */
typedef int (*virConnectDomainEventCallback)(virConnectPtr conn, virDomainPtr dom,
                                             int event, int detail, void *opaque);

/**
 * virConnectDomainEventRegister:
 * @conn: pointer to the hypervisor connection
 * @cb: the callback, called from the registered event loop
 * @opaque: passed to @cb
 * @freecb: frees @opaque once @cb is deregistered (may be NULL)
 *
 * Delivers the lifecycle events of every domain of @conn to @cb. An event
 * loop must be registered first (virEventRegisterImpl()). A callback can be
 * registered once per connection.
 *
 * Returns 0, or -1 in case of error: VIR_ERR_INVALID_ARG for a NULL @cb or
 * one already registered, VIR_ERR_INTERNAL_ERROR when no event loop is
 * registered, VIR_ERR_NO_SUPPORT when the driver has no events.
 */
int virConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                                  void *opaque, virFreeCallback freecb);

/**
 * virConnectDomainEventDeregister:
 *
 * Stops delivering events to @cb; its free callback runs once no dispatch
 * uses it. Returns 0, or -1 in case of error (VIR_ERR_INVALID_ARG for a @cb
 * not registered).
 */
int virConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb);

/* The events of virConnectDomainEventRegisterAny() (lifecycle only here). */
typedef enum {
    VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0   /* virConnectDomainEventCallback */
#ifdef VIR_ENUM_SENTINELS
    , VIR_DOMAIN_EVENT_ID_LAST
#endif
} virDomainEventID;

/* The type-less form of every event callback, cast with VIR_DOMAIN_EVENT_CALLBACK()
 * (through void (*)(void), so that -Wcast-function-type stays quiet). */
typedef void (*virConnectDomainEventGenericCallback)(virConnectPtr conn, virDomainPtr dom,
                                                     void *opaque);
#define VIR_DOMAIN_EVENT_CALLBACK(cb) \
    ((virConnectDomainEventGenericCallback)(void (*)(void))(cb))

/**
 * virConnectDomainEventRegisterAny:
 * @conn: pointer to the hypervisor connection
 * @dom: only this domain's events (NULL: every domain)
 * @eventID: a virDomainEventID
 * @cb: its callback, cast with VIR_DOMAIN_EVENT_CALLBACK()
 * @opaque: passed to @cb
 * @freecb: frees @opaque once @cb is deregistered (may be NULL)
 *
 * As virConnectDomainEventRegister(), for one event type and optionally one
 * domain; the same callback can be registered several times.
 *
 * Returns a callback ID >= 0 for virConnectDomainEventDeregisterAny(), or -1
 * in case of error (VIR_ERR_INVALID_ARG for an unknown @eventID).
 */
int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                     virConnectDomainEventGenericCallback cb, void *opaque,
                                     virFreeCallback freecb);

/**
 * virConnectDomainEventDeregisterAny:
 *
 * Removes the callback @callbackID. Returns 0, or -1 in case of error
 * (VIR_ERR_INVALID_ARG for an unknown ID).
 */
int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

/**
 * virDomainRef:
 *
 * Takes one more reference to @domain, released by virDomainFree(): a
 * callback keeps the domain of an event this way. Returns 0, or -1 for an
 * invalid @domain.
 */
int virDomainRef(virDomainPtr domain);

#ifdef __cplusplus
}
#endif

#include <libvirt/virterror.h>

#endif /* LIBVIRT_H */
