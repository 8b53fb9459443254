/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_memory.h: the Xen driver's calls beyond the seed, for balloon
 * policies: virNodeGetFreeMemory (one xc_physinfo) and virDomainMemoryStats
 * (xenstore, read only when a watch says a key changed).
 *
 * xen_driver.c owns the connection: it locks it, finds the domain, hands
 * the watch events of our token to xvXenMemCacheWatchEvent, and calls
 * these with the lock held.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "xen/xen_hv.h"

/*
 * The guest memory facts of the domains asked about: per domain, the
 * xenstore keys memory/target, data/meminfo_total and data/meminfo_free
 * (KiB), each watched and read again only after its watch fired. Entries
 * are made by the first virDomainMemoryStats of a domain and dropped (their
 * watches removed) by the first call after the domain is gone.
 */
typedef struct _xvXenMemCache xvXenMemCache;

/* A new, empty cache; its watches use the token "@driverToken/mem". */
xvXenMemCache *xvXenMemCacheNew(const char *driverToken);
/* NULL ok. The watches are left to the xenstore handle, which drops them
 * when it is closed. */
void xvXenMemCacheFree(xvXenMemCache *cache);

/* A watch event the driver drained: true if it carries the cache's token
 * (then it is the cache's, consumed), false if it is someone else's. */
bool xvXenMemCacheWatchEvent(xvXenMemCache *cache, const char *path, const char *token);

/* Is domain @domid, with @uuid, still there? (The driver's domain cache.) */
typedef bool (*xvXenDomAliveFunc)(void *opaque, uint32_t domid, const unsigned char *uuid);

/*
 * virDomainMemoryStats of the running domain @domid (@uuid), into @stats
 * (1 <= @nr_stats <= VIR_DOMAIN_MEMORY_STAT_NR), in increasing tag order:
 * UNUSED and USABLE = data/meminfo_free, AVAILABLE = data/meminfo_total,
 * ACTUAL_BALLOON = memory/target + memory/videoram (the size
 * virDomainSetMemory sets); a key that is absent or not a number is left
 * out. First drops the entries of domains @alive says are gone.
 * Returns the count, or -1 (a xenstore read failed: reported).
 */
int xvXenMemoryStats(xvXenMemCache *cache, const xvXenHypervisor *hv, void *xs,
                     uint32_t domid, const unsigned char *uuid,
                     xvXenDomAliveFunc alive, void *opaque,
                     virDomainMemoryStatPtr stats, unsigned int nr_stats);

/* virNodeGetFreeMemory: Xen's free pages, in bytes, from one xc_physinfo.
 * 0 on error (reported), also when Xen has no free page at all. */
unsigned long long xvXenNodeFreeMemory(const xvXenHypervisor *hv, void *xc);
