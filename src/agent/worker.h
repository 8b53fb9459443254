/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * worker.h: the sampler thread. It alone calls the hypervisor: it owns a
 * read-only connection, runs the enabled collectors every interval into a
 * new snapshot, and hands each finished snapshot to its publish callback.
 * A hung hypervisor call stalls only this thread.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "src/snapshot/snapshot.h"

typedef struct _xvWorker xvWorker;

/*
 * Called in the sampler thread after each sample and before it is
 * published, with the sampler's read-only connection (NULL when the
 * hypervisor could not be reached), the finished snapshot (immutable: the
 * hook only reads it) and the sampler's real time in ms since the epoch
 * (its clock's). What it returns (NULL: nothing), e.g. the policies'
 * report, is published beside the snapshot, never inside it. Same rules as
 * the publish callback: it runs between samples, so it delays the next one.
 * With @conn NULL the thread's last library error (virGetLastErrorMessage)
 * is still the failed open's: a sample without a connection calls nothing.
 */
struct _virConnect;
typedef void *(*xvWorkerHookFunc)(struct _virConnect *conn, const xvSnapshot *snap,
                                  uint64_t realNowMs, void *opaque);

/* What the sampler does; copied in, so the caller keeps ownership. */
typedef struct _xvWorkerSettings xvWorkerSettings;
struct _xvWorkerSettings {
    const char *uri;                  /* NULL: the library's default (Xen) */
    uint64_t intervalMs;
    /* enabled[i] for xvCollectors[i] (collectors/collector.h) */
    bool enabled[XV_COLLECTORS_MAX];
    xvWorkerHookFunc afterSample;     /* NULL: none */
    void (*afterSampleFree)(void *report);  /* frees what afterSample made; NULL: free() */
    void *afterSampleOpaque;
};

/*
 * Called in the sampler thread with each finished snapshot and what the
 * after-sample hook made of it (@report, NULL if nothing): the callee takes
 * over the reference and @report (to free with the afterSampleFree of the
 * settings it was made under). It must not block for long: render, hand off
 * to the event loop, return.
 */
typedef void (*xvWorkerPublishFunc)(const xvSnapshot *snap, void *report, void *opaque);

/*
 * Starts the thread on @clock (NULL: the real clocks; the caller keeps it
 * alive as long as the thread, see xvWorkerStop); the first sample is taken
 * at once. NULL on failure (errno set).
 *
 * On a stepped clock (the test control) the sampler keeps the same
 * schedule, read on that clock: a sample falls due every interval from the
 * start of the one before, and at once at the start, after new settings
 * and after a kick. It is taken when the clock reaches its due time, and
 * the clock moves only by xvWorkerAdvance() and xvWorkerPass().
 */
xvWorker *xvWorkerStart(const xvWorkerSettings *settings, xvAgentClock *clock,
                        xvWorkerPublishFunc publish, void *opaque);

/* New settings, taken at the next sample, which is due at once (a new URI
 * reconnects). */
void xvWorkerReconfigure(xvWorker *w, const xvWorkerSettings *settings);

/* Asks for a sample now instead of at the next tick. Returns the sequence
 * number that sample will have. */
uint64_t xvWorkerKick(xvWorker *w);

/*
 * Asks for a sample soon, for an event (src/agent/events.h): at once, or
 * @gapNs after the start of the last sample if that is later, so that
 * however many events ask, at most one sample in each gap is theirs. A
 * sample in progress does not count as the one asked for (it may have read
 * the hypervisor before the event); any sample begun later does. On the
 * stepped clock, a sample due later waits for the clock to get there.
 */
void xvWorkerKickSoon(xvWorker *w, uint64_t gapNs);

/* ---- the stepped clock (test control) ---------------------------------------- */

/* Where the sampler stands, read at once (the test control; the agent's
 * watchdog, on either clock). */
typedef struct _xvWorkerProgress xvWorkerProgress;
struct _xvWorkerProgress {
    uint64_t published;     /* seq of the last sample handed to publish (0: none) */
    uint64_t nextNs;        /* when the next sample is due (monotonic ns; the tick
                             * or an earlier xvWorkerKickSoon()) */
    uint64_t soonSamples;   /* samples taken early for xvWorkerKickSoon() */
    bool sampling;          /* a sample is in progress (or about to start) */
    bool idle;              /* caught up: waits for the clock, nothing due */
};
void xvWorkerGetProgress(xvWorker *w, xvWorkerProgress *progress);

/*
 * Runs time forward by @byNs from the clock's time (or from the time an
 * earlier advance still runs to): the sampler takes every sample falling
 * due on the way, each with the clock set to its due time, then leaves the
 * clock at the end and is idle again. Returns at once; watch for idle.
 */
void xvWorkerAdvance(xvWorker *w, uint64_t byNs);

/*
 * Moves the clock forward by @byNs at once: the time passes during
 * whatever the sampler does (a hung hypervisor call). A sample that falls
 * due meanwhile is taken late, once, as after a stall on the real clock.
 */
void xvWorkerPass(xvWorker *w, uint64_t byNs);

/* Called in the sampler thread (lock held: it must only wake someone, e.g.
 * event_active()) each time the sampler starts waiting. NULL: none. */
void xvWorkerSetIdleHook(xvWorker *w, void (*idle)(void *opaque), void *opaque);

/*
 * Stops the thread and frees @w. Waits up to @timeoutMs for a sample in
 * progress to finish; a thread stuck in a hypervisor call past that is
 * left behind (detached) and reported by the return value -ETIMEDOUT, so
 * shutdown never hangs on a hung hypervisor. Returns 0 otherwise.
 */
int xvWorkerStop(xvWorker *w, uint64_t timeoutMs);

/* Takes one sample on @conn with the enabled collectors, on the real
 * clocks; exposed for tests. @prev (may be NULL) provides cumulative
 * counters; @state is the collectors' kept state (an array of
 * XV_COLLECTORS_MAX). */
xvSnapshot *xvWorkerSample(struct _virConnect *conn, const bool *enabled,
                           const xvSnapshot *prev, uint64_t seq, void **state);
void xvWorkerFreeState(void **state);
