/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_sim.h: a simulated Xen for the Xen driver's unit tests: an in-memory
 * hypervisor and xenstore behind the seam of lib/xen/xen_hv.h, counting
 * every call, with errors to inject.
 *
 * One simulated host per process (tests run one after another); handles
 * opened through the seam all see it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "xen/xen_hv.h"

#define XV_SIM_MAX_VCPUS 16
#define XV_SIM_MAPLEN 16        /* bytes of a simulated affinity map */

/* Every function of the seam, for counters and faults. */
typedef enum {
    XV_SIM_CALL_HOST_PROBE = 0,
    XV_SIM_CALL_CTRL_OPEN,
    XV_SIM_CALL_CTRL_CLOSE,
    XV_SIM_CALL_VERSION,
    XV_SIM_CALL_PHYSINFO,
    XV_SIM_CALL_CPU_TOPOLOGY,
    XV_SIM_CALL_CPU_IDLE,
    XV_SIM_CALL_GETINFOLIST,
    XV_SIM_CALL_VCPU_GETINFO,
    XV_SIM_CALL_VCPU_GETAFFINITY,
    XV_SIM_CALL_VCPU_SETAFFINITY,
    XV_SIM_CALL_SETMAXMEM,
    XV_SIM_CALL_PAUSE,
    XV_SIM_CALL_UNPAUSE,
    XV_SIM_CALL_DESTROY,
    XV_SIM_CALL_CREATE,
    XV_SIM_CALL_GET_CONFIG,
    XV_SIM_CALL_SAVE,
    XV_SIM_CALL_RESTORE,
    XV_SIM_CALL_STORE_OPEN,
    XV_SIM_CALL_STORE_CLOSE,
    XV_SIM_CALL_STORE_READ,
    XV_SIM_CALL_STORE_WRITE,
    XV_SIM_CALL_STORE_DIRECTORY,
    XV_SIM_CALL_STORE_WATCH,
    XV_SIM_CALL_STORE_UNWATCH,
    XV_SIM_CALL_STORE_CHECK_WATCH,
    XV_SIM_CALL_STORE_FILENO,
    XV_SIM_CALL_STORE_TXN_START,
    XV_SIM_CALL_STORE_TXN_END,
    XV_SIM_CALL_LAST
} xvSimCall;

typedef struct _xvSimVcpu xvSimVcpu;
struct _xvSimVcpu {
    bool online;
    bool blocked;
    bool running;
    uint64_t cpuTimeNs;
    uint32_t cpu;
    unsigned char affinity[XV_SIM_MAPLEN];
};

/* A simulated domain: tests change its fields directly. */
typedef struct _xvSimDom xvSimDom;
struct _xvSimDom {
    uint32_t domid;
    unsigned char uuid[16];
    bool dying;
    bool shutdown;
    unsigned int shutdownReason;
    bool paused;
    bool blocked;
    bool running;
    bool hvm;
    uint64_t totPages;
    uint64_t maxPages;
    uint64_t cpuTimeNs;
    unsigned int nvcpus;        /* max vcpus; nr online counted from vcpus[] */
    unsigned int pauseCount;
    xvSimVcpu vcpus[XV_SIM_MAX_VCPUS];
    xvDomainDef *config;        /* what libxl keeps of it; NULL for dom0 */
};

extern const xvXenHypervisor xvSimHypervisor;

/*
 * Back to the default host: dom0 (Domain-0, 2 vcpus, 512 MiB, no memory
 * keys in xenstore) on a 1-node, 1-socket, 2-core, 2-thread host with 8 CPU
 * slots of which 4 online, 4 GiB, 2400 MHz, Xen 4.17.7; no other domain,
 * no watch, counters at 0, no fault.
 */
void xvSimReset(void);

/* A running PV domain (uuid from xvSimUUID(domid)) as `xl create` makes
 * it: xenstore name, memory/static-max and memory/target, vcpus all online
 * with affinity to every CPU slot, a libxl config (kernel
 * /xenlab/vmlinux); fires @introduceDomain. Returns its id. */
uint32_t xvSimAddDomain(const char *name, unsigned int vcpus, unsigned long memKiB);
/* The domain, or NULL. */
xvSimDom *xvSimGetDomain(uint32_t domid);
/* Removes it and its xenstore entries; fires @releaseDomain. */
void xvSimRemoveDomain(uint32_t domid);
/* Whether a destroy leaves the domain in the list as dying (its xenstore
 * entries removed, @releaseDomain fired) instead of removing it. */
void xvSimSetDestroyLingers(bool lingers);
/* The uuid xvSimAddDomain gives @domid. */
void xvSimUUID(uint32_t domid, unsigned char *uuid);

xvXenPhysInfo *xvSimPhysInfo(void);
/* The idle time Xen reports for CPU slot @cpu (xc_getcpuinfo), in ns;
 * 0 at reset. */
void xvSimSetCpuIdle(unsigned int cpu, uint64_t idleNs);
/* CPU @cpu's place; XV_XEN_TOPO_INVALID for an offline CPU. */
void xvSimSetCpuTopo(unsigned int cpu, uint32_t core, uint32_t socket, uint32_t node);
void xvSimSetHost(xvXenHostKind kind);
/* errno of the next ctrl / store opens (0: they succeed). */
void xvSimSetOpenErrno(int ctrlErrno, int storeErrno);
void xvSimSetVersion(unsigned int major, unsigned int minor, const char *extra);

/* The toolstack calls (create, save, restore...) fail like libxl: "<libxl
 * call> failed (libxl error -3): <strerror(errnum)>". */
/* The next @count calls of @call fail with @errnum (count -1: all). */
void xvSimFail(xvSimCall call, int errnum, int count);
/* Only the @nth call of @call from now on fails, with @errnum. */
void xvSimFailNth(xvSimCall call, int errnum, int nth);
/* The next @count commits of a transaction conflict (EAGAIN). */
void xvSimConflict(int count);

unsigned long xvSimCount(xvSimCall call);
void xvSimResetCounts(void);
/* Handles opened and not closed (ctrl + store). */
int xvSimOpenHandles(void);

/* xenstore, committed state. Get returns NULL when absent. Set and Remove
 * fire the watches on the path and above it, as xenstored does; Remove also
 * fires the watches below the path on the nodes it removed. */
const char *xvSimStoreGet(const char *path);
void xvSimStoreSet(const char *path, const char *value);
void xvSimStoreRemove(const char *path);
/* Fires the watches on @path (e.g. "@introduceDomain"). */
void xvSimFireWatch(const char *path);
/* Watch events queued and not yet read. */
unsigned int xvSimPendingEvents(void);
/* Watches set with @token (NULL: all). */
unsigned int xvSimWatchCount(const char *token);
/* What a guest agent (xenlab's --domu-meminfo) writes: data/meminfo_total
 * and data/meminfo_free of @domid, in KiB, one write (and event) each. */
void xvSimSetMeminfo(uint32_t domid, unsigned long totalKiB, unsigned long freeKiB);
