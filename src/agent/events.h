/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * events.h: the agent's lifecycle event listener. A thread of its own runs
 * a libevent loop, gives it to the library (event_impl.h), opens its own
 * read-only connection and registers for the lifecycle events of every
 * domain. Each event asks the sampler for a sample at once (xvWorkerKick,
 * through the kick callback), coalesced: at most one kick per minimum gap,
 * the events of a storm inside the gap sharing the one kick at its end. So
 * a crash reaches the restart policy within milliseconds, while policies
 * still decide from snapshots only, and a storm costs at most one extra
 * sample per gap.
 *
 * The thread is the only one that runs the driver's event work (a xenstore
 * watch read and one batched domain list per burst on Xen): a hung
 * hypervisor stalls it, never the HTTP loop or the sampler.
 *
 * It counts the events by type and measures, for each domain, the time
 * from its first event not yet acted on to the end of the first policy
 * action on it (xvEventStatsActed), for /metrics.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/* The lifecycle event types the library knows (virDomainEventType, 0..8). */
#define XV_EVENT_TYPES 9

/* "defined", "undefined", "started"...: the type label of xvirt_events_total. */
const char *xvEventTypeLabel(int type);

/* The upper bounds (seconds) of the event->action latency histogram. */
#define XV_EVENT_LATENCY_BUCKETS 12
extern const double xvEventLatencyBounds[XV_EVENT_LATENCY_BUCKETS];

/* What /metrics shows of the events; counters since the agent started. */
typedef struct _xvEventStatsView xvEventStatsView;
struct _xvEventStatsView {
    bool listening;                         /* registered on a connection now */
    uint64_t byType[XV_EVENT_TYPES];        /* events received */
    uint64_t kicks;                         /* samples asked for */
    uint64_t latencyBuckets[XV_EVENT_LATENCY_BUCKETS];  /* cumulative, le bound */
    uint64_t latencyCount;
    double latencySum;                      /* seconds */
};

/* The counters and the latencies, shared by the listener (events), the
 * sampler (actions) and the loop (scrapes); thread safe. */
typedef struct _xvEventStats xvEventStats;

xvEventStats *xvEventStatsNew(const xvAgentClock *clock);
void xvEventStatsFree(xvEventStats *stats);
void xvEventStatsGet(xvEventStats *stats, xvEventStatsView *view);

/* The sampler finished a policy action on the domain @uuid: if an event of
 * that domain is waiting, its latency is observed and it is done. */
void xvEventStatsActed(xvEventStats *stats, const unsigned char *uuid);

typedef struct _xvAgentEvents xvAgentEvents;

/*
 * Starts the listener on @uri (NULL: the library's default) with @stats and
 * @clock (both outlive it), asking for samples with @kick(@opaque) at most
 * once every @minGapMs. A connection that cannot be opened is tried again
 * every @retryMs; a driver without events is logged once and left alone.
 * NULL when the thread cannot start (errno set).
 */
xvAgentEvents *xvAgentEventsStart(const char *uri, uint64_t minGapMs, uint64_t retryMs,
                                  xvEventStats *stats, void (*kick)(void *opaque),
                                  void *opaque);

/* Stops the listener and frees it; a thread stuck in a hypervisor call for
 * longer than @timeoutMs is left behind (detached, its memory with it). */
void xvAgentEventsStop(xvAgentEvents *ev, uint64_t timeoutMs);
