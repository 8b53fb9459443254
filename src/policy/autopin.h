/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* autopin.h: the autopin policy's configuration and pure helpers (exposed for the unit tests). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "policy.h"

/* CPU numbers accepted in reserved_cpus, and pCPUs considered: 0..4095. */
#define XV_AUTOPIN_MAX_CPUS 4096

/* One physical CPU kept fully busy, in the load unit of this module. */
#define XV_AUTOPIN_LOAD_ONE INT64_C(1000000)

#define XV_AUTOPIN_DEFAULT_HYSTERESIS 100    /* per mille of one pCPU: "10%" */
#define XV_AUTOPIN_DEFAULT_PACK_LIMIT 800    /* per mille: "80%" */

typedef enum {
    XV_AUTOPIN_SPREAD = 0,      /* balance the load, one domain's vcpus on different cores */
    XV_AUTOPIN_PACK,            /* fill the lowest pCPUs up to pack_limit */
    XV_AUTOPIN_NUMA,            /* each domain inside one NUMA node, nodes balanced */
    XV_AUTOPIN_DEDICATED,       /* each vcpu its own pCPU, no other vcpu of the policy there */
    XV_AUTOPIN_LAST
} xvAutopinStrategy;

/* "spread", "pack", "numa", "dedicated"; NULL out of range. */
const char *xvAutopinStrategyName(xvAutopinStrategy strategy);

typedef struct _xvAutopinConfig xvAutopinConfig;
struct _xvAutopinConfig {
    xvAutopinStrategy strategy;             /* strategy: (spread) */
    unsigned char reserved[XV_AUTOPIN_MAX_CPUS / 8];  /* reserved_cpus: as a CPU map */
    /*
     * hysteresis (10%), per mille of one pCPU: a move (or swap) is made only
     * if it lowers the busier pCPU it involves by more than this, so loads
     * that differ by less are left alone and small changes of load move
     * nothing back.
     */
    unsigned int hysteresis;
    unsigned int packLimit;                 /* pack_limit (80%), per mille of one pCPU */
};

/*
 * Parses a CPU list ("0-3,8,10-11": numbers and ascending ranges, commas
 * between, no spaces) into @map (XV_AUTOPIN_MAX_CPUS bits, cleared first).
 * Returns 0, or -EINVAL with *retOffset the byte of @text at fault and
 * *retMessage a message to free() (CPUs past 4095, ranges going backwards,
 * anything else: "expected a CPU list like 0-1,4, got '…'").
 */
int xvAutopinParseCpuList(const char *text, unsigned char *map, size_t *retOffset,
                          char **retMessage);

/* Parses "10%" or "12.5%" (one decimal at most) into per mille: 0 or -EINVAL. */
int xvAutopinParsePercent(const char *text, unsigned int *retPermille);

/*
 * Where pCPU @cpu sits, under the numbering libvirt and Xen use on the
 * usual hosts: cpu = ((node * sockets + socket) * cores + core) * threads
 * + thread, with sockets, cores and threads as virNodeGetInfo() reports
 * them (per node, per socket, per core; 0 counts as 1). A CPU past
 * nodes * sockets * cores * threads falls in the last node. coreId numbers
 * the cores of the host: the pCPUs with the same coreId are threads of one
 * core.
 */
typedef struct _xvAutopinCpuTopo xvAutopinCpuTopo;
struct _xvAutopinCpuTopo {
    unsigned int node;
    unsigned int socket;
    unsigned int core;          /* within the socket */
    unsigned int thread;        /* within the core */
    unsigned int coreId;        /* within the host */
};

void xvAutopinCpuTopology(const virNodeInfo *node, unsigned int cpu, xvAutopinCpuTopo *ret);

/*
 * The pCPUs a decision may use: 0 .. n-1 with n the least of the active
 * CPUs (snap->node.cpus), the CPUs the maps can hold (maplen * 8) and
 * XV_AUTOPIN_MAX_CPUS. 0 without a node picture or maps.
 */
unsigned int xvAutopinUsableCpus(const xvSnapshot *snap);

/*
 * The load of the @k-th vcpu of @dom (a domain of in->snap): its CPU time
 * since in->prev over the time between the two snapshots, in units of
 * XV_AUTOPIN_LOAD_ONE (one busy pCPU), at most one. False when there is
 * nothing to compare with: no earlier picture of the same boot, no such
 * vcpu in it, or no time between the two.
 */
bool xvAutopinVcpuLoad(const xvPolicyInput *in, const xvSnapDomain *dom, size_t k,
                       int64_t *retLoad);
