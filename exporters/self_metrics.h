/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * self_metrics.h: the agent's own metrics (build info, snapshot age,
 * scrapes, configuration reloads), rendered for each scrape after the
 * snapshot's body (prometheus.h says how a scrape answer is put together).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "prom_writer.h"

/* The per-scrape values, filled by the HTTP layer's source for each scrape. */
typedef struct _xvPromSelf xvPromSelf;
struct _xvPromSelf {
    const char *version;          /* xvirt's version ("0.1.0"); NULL: "" */
    const char *api;              /* "libxvirt 0.1.0" or "libvirt 9.0.0"; NULL: "" */
    bool haveSnapshot;            /* false: no snapshot yet, age left out */
    uint64_t snapshotAgeNs;       /* now - the snapshot's end, monotonic */
    uint64_t scrapes;             /* scrapes served, this one included */
    bool reloadOk;                /* the last configuration (re)load succeeded */
    uint64_t reloadSuccessNs;     /* CLOCK_REALTIME of the last successful load; 0: none */
    uint64_t reloadsSucceeded;    /* SIGHUP reloads since start, by result */
    uint64_t reloadsFailed;
    /* the lifecycle event listener (src/agent/events.h); haveEvents false: none */
    bool haveEvents;
    bool eventsListening;             /* registered for events now */
    size_t eventTypes;                /* entries of eventNames and eventCounts */
    const char *const *eventNames;    /* the type labels */
    const uint64_t *eventCounts;      /* events received, by type */
    uint64_t eventSamples;            /* samples the events asked for */
    size_t latencyBuckets;            /* entries of latencyBounds and latencyCumulative */
    const double *latencyBounds;      /* seconds, increasing */
    const uint64_t *latencyCumulative;
    uint64_t latencyCount;
    double latencySum;                /* seconds */
};

/* Writes the per-scrape families of @self through @w. */
void xvPromWriteSelf(xvPromWriter *w, const xvPromSelf *self);
/* Appends the per-scrape families to @buf in @fmt (a few hundred bytes). Pure. */
void xvPromRenderSelf(const xvPromSelf *self, xvPromFormat fmt, xvBuf *buf);
