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

#include "snapshot.h"

typedef struct _xvWorker xvWorker;

/* Collectors a sampler can run (the size of the table in collectors.c). */
#define XV_WORKER_MAX_COLLECTORS 8

/*
 * Called in the sampler thread after each sample and before it is
 * published, with the sampler's read-only connection (NULL when the
 * hypervisor could not be reached) and the finished snapshot, which it may
 * still annotate (the policy engine attaches its report). Same rules as the
 * publish callback: it runs between samples, so it delays the next one.
 */
struct _virConnect;
typedef void (*xvWorkerHookFunc)(struct _virConnect *conn, xvSnapshot *snap, void *opaque);

/* What the sampler does; copied in, so the caller keeps ownership. */
typedef struct _xvWorkerSettings xvWorkerSettings;
struct _xvWorkerSettings {
    const char *uri;                  /* NULL: the library's default (Xen) */
    uint64_t intervalMs;
    /* enabled[i] for xvCollectors[i] (collectors/collector.h) */
    bool enabled[XV_WORKER_MAX_COLLECTORS];
    xvWorkerHookFunc afterSample;     /* NULL: none */
    void *afterSampleOpaque;
};

/*
 * Called in the sampler thread with each finished snapshot (the callee
 * takes over the reference). It must not block for long: render, hand off
 * to the event loop, return.
 */
typedef void (*xvWorkerPublishFunc)(xvSnapshot *snap, void *opaque);

/* Starts the thread; the first sample is taken at once. NULL on failure
 * (errno set). */
xvWorker *xvWorkerStart(const xvWorkerSettings *settings,
                        xvWorkerPublishFunc publish, void *opaque);

/* New settings, taken at the next sample (a new URI reconnects). */
void xvWorkerReconfigure(xvWorker *w, const xvWorkerSettings *settings);

/* Asks for a sample now instead of at the next tick. */
void xvWorkerKick(xvWorker *w);

/*
 * Stops the thread and frees @w. Waits up to @timeoutMs for a sample in
 * progress to finish; a thread stuck in a hypervisor call past that is
 * left behind (detached) and reported by the return value -ETIMEDOUT, so
 * shutdown never hangs on a hung hypervisor. Returns 0 otherwise.
 */
int xvWorkerStop(xvWorker *w, uint64_t timeoutMs);

/* Takes one sample on @conn with the enabled collectors; exposed for tests.
 * @prev (may be NULL) provides cumulative counters; @state is the
 * collectors' kept state (an array of XV_SNAPSHOT_MAX_COLLECTORS). */
xvSnapshot *xvWorkerSample(struct _virConnect *conn, const bool *enabled,
                           const xvSnapshot *prev, uint64_t seq, void **state);
void xvWorkerFreeState(void **state);
