/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * collector.h: what the sampler runs to fill a snapshot. One file per
 * collector, each exposing one const xvCollector, listed in collectors.c.
 * Collectors use only the public libvirt API, on the sampler's own
 * read-only connection, from the sampler thread.
 *
 * A sample runs the "collect" step of each enabled collector in table
 * order. The domain collector enumerates the domains; for each domain it
 * adds to the snapshot it runs the "collectDomain" step of the other
 * enabled collectors (vcpu, memory), so per-domain data lands next to its domain.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "src/snapshot/snapshot.h"

typedef struct _xvCollector xvCollector;
typedef struct _xvCollectContext xvCollectContext;

struct _xvCollector {
    const char *name;        /* "node", "domain", "vcpu", "memory": the config's keys */
    bool defaultEnabled;
    /* Once per sample; NULL if the collector only works per domain.
     * Returns 0, or -1 when its data is missing from the snapshot. */
    int (*collect)(xvCollectContext *ctx);
    /* Once per active domain just added to the snapshot (@sd is the last
     * domain added); NULL if not per domain. Returns 0 or -1 (data missing
     * for this domain only). */
    int (*collectDomain)(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd);
    /* Frees what the collector keeps across samples (NULL-safe state). */
    void (*freeState)(void *state);
};

/* What one sample hands to the collectors. */
struct _xvCollectContext {
    virConnectPtr conn;
    xvSnapshot *snap;
    /* Enabled collectors in run order, their timing and outcome. */
    const xvCollector *const *collectors;
    size_t ncollectors;
    uint64_t durationNs[XV_COLLECTORS_MAX];
    bool failed[XV_COLLECTORS_MAX];
    /* Per-collector state kept across samples, indexed as the registry
     * xvCollectors (not as collectors[], which skips the disabled ones):
     * reach it with xvCollectStateSlot. */
    void **state;
};

/*
 * The registry: the built-in collectors in run order, NULL-terminated, at
 * most XV_COLLECTORS_MAX. The one place their names live: the agent's
 * sampling.collectors keys are checked against it, and settings indexed
 * by collector (xvAgentConf, xvWorkerSettings) use its indexes.
 */
extern const xvCollector *const xvCollectors[];
/* How many collectors xvCollectors holds. */
size_t xvCollectorCount(void);
/* The index in xvCollectors of the collector named @name, or -1. */
int xvCollectorIndex(const char *name);
extern const xvCollector xvCollectorNode;
extern const xvCollector xvCollectorDomain;
extern const xvCollector xvCollectorVcpu;
extern const xvCollector xvCollectorMemory;
extern const xvCollector xvCollectorBlock;
extern const xvCollector xvCollectorNet;
extern const xvCollector xvCollectorCpu;
extern const xvCollector xvCollectorProcess;

/* The slot of @self's kept state in @ctx (NULL until the collector sets
 * it; freed by its freeState when the sampler stops). */
void **xvCollectStateSlot(xvCollectContext *ctx, const xvCollector *self);

/* Runs the per-domain step of every enabled collector for @dom/@sd and
 * charges the time to each. Called by the domain collector. */
void xvCollectDomainHooks(xvCollectContext *ctx, virDomainPtr dom, xvSnapDomain *sd);

/* Counts a failed call in the snapshot; returns true if the failure means
 * the domain vanished (VIR_ERR_NO_DOMAIN), which is not counted. */
bool xvCollectNoteFailure(xvCollectContext *ctx, xvSampleCall call);

