/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* worker.c: the sampler thread: connection, schedule, collectors. */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "collectors/collector.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"
#include "util/xvlog.h"

struct _xvWorker {
    pthread_t thread;
    pthread_mutex_t lock;       /* guards everything below */
    pthread_cond_t wake;        /* settings changed, kick, or stop */
    pthread_cond_t done;        /* the thread has finished */
    bool stop;
    bool kick;
    bool finished;
    bool detached;              /* Stop gave up waiting: the thread frees */
    bool settingsChanged;
    char *uri;
    uint64_t intervalMs;
    bool enabled[XV_COLLECTORS_MAX];
    xvWorkerHookFunc afterSample;
    void (*afterSampleFree)(void *report);
    void *afterSampleOpaque;
    xvWorkerPublishFunc publish;
    void *opaque;
    xvAgentClock *clock;        /* immutable; NULL: the real clocks */
    uint64_t started;           /* seq of the last sample begun */
    uint64_t published;         /* seq of the last sample published */
    uint64_t nextNs;            /* when the next sample is due */
    uint64_t soonNs;            /* xvWorkerKickSoon(): a sample due then; 0: none */
    uint64_t startNs;           /* when the last sample began */
    uint64_t soonSamples;       /* samples begun for xvWorkerKickSoon() alone */
    /* the stepped clock only */
    uint64_t targetNs;          /* xvWorkerAdvance() runs time up to here */
    bool waiting;               /* in workerWait() or workerWaitStepped() */
    void (*idle)(void *opaque);
    void *idleOpaque;
};

static void workerFree(xvWorker *w);

/* Library errors are read where they happen; never printed by libxvirt. */
static void
workerQuietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

/* One sample; its start, duration and timestamp on @clock, what each
 * collector cost on the real monotonic clock. @openFailed: there is no
 * connection because opening it failed (counted before the snapshot is
 * finished, as everything in it). */
static xvSnapshot *
workerSample(xvAgentClock *clock, virConnectPtr conn, bool openFailed, const bool *enabled,
             const xvSnapshot *prev, uint64_t seq, void **state)
{
    const xvCollector *run[XV_COLLECTORS_MAX];
    xvCollectContext ctx;
    xvSnapshot *snap = xvSnapshotNew();
    size_t i, n = 0;

    snap->seq = seq;
    snap->startedMonoNs = xvAgentClockMonoNs(clock);
    xvSnapshotCarryTotals(snap, prev);
    for (i = 0; xvCollectors[i] && n < XV_COLLECTORS_MAX; i++) {
        if (enabled[i])
            run[n++] = xvCollectors[i];
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.conn = conn;
    ctx.snap = snap;
    ctx.collectors = run;
    ctx.ncollectors = n;
    ctx.state = state;
    snap->connected = conn != NULL;
    for (i = 0; conn && i < n; i++) {
        uint64_t start;

        if (!run[i]->collect)
            continue;
        start = xvClockMonoNs();
        if (run[i]->collect(&ctx) < 0)
            ctx.failed[i] = true;
        /* per-domain hooks of other collectors already charged themselves */
        ctx.durationNs[i] += xvClockMonoNs() - start;
    }
    for (i = 0; i < n; i++) {
        uint64_t own = ctx.durationNs[i];

        xvSnapshotAddCollector(snap, run[i]->name, own, conn && !ctx.failed[i]);
    }
    if (openFailed)
        snap->errorsTotal[XV_CALL_OPEN]++;
    snap->durationNs = xvAgentClockMonoNs(clock) - snap->startedMonoNs;
    snap->timestampNs = xvAgentClockRealNs(clock);
    xvSnapshotFinish(snap);
    return snap;
}

xvSnapshot *
xvWorkerSample(virConnectPtr conn, const bool *enabled, const xvSnapshot *prev,
               uint64_t seq, void **state)
{
    return workerSample(NULL, conn, false, enabled, prev, seq, state);
}

void
xvWorkerFreeState(void **state)
{
    size_t i;

    for (i = 0; xvCollectors[i] && i < XV_COLLECTORS_MAX; i++) {
        if (xvCollectors[i]->freeState)
            xvCollectors[i]->freeState(state[i]);
        state[i] = NULL;
    }
}

static void
workerApplySettings(xvWorker *w, const xvWorkerSettings *s)
{
    free(w->uri);
    w->uri = xvStrdup(s->uri);
    w->intervalMs = s->intervalMs;
    memcpy(w->enabled, s->enabled, sizeof(w->enabled));
    w->afterSample = s->afterSample;
    w->afterSampleFree = s->afterSampleFree ? s->afterSampleFree : free;
    w->afterSampleOpaque = s->afterSampleOpaque;
}

/* Opens the read-only connection, or returns NULL (logged, counted by the
 * caller). */
static virConnectPtr
workerConnect(const char *uri)
{
    virConnectPtr conn = virConnectOpenReadOnly(uri);

    if (!conn) {
        char key[128];

        /* tried again at every sample while the hypervisor is away */
        snprintf(key, sizeof(key), "connect:%s", uri ? uri : "xen:///");
        xvLogLimited(key, XV_LOG_ERR, "sampler: cannot connect to '%s': %s",
                     uri ? uri : "xen:///", virGetLastErrorMessage());
        return NULL;
    }
    virConnSetErrorFunc(conn, NULL, workerQuietErrors);
    xvLogInfo("sampler: connected to '%s' (%s)", uri ? uri : "xen:///",
              virConnectGetType(conn));
    return conn;
}

/* When the sampler must wake next: the next tick, or an earlier
 * xvWorkerKickSoon(). Lock held. */
static uint64_t
workerWakeAt(const xvWorker *w)
{
    return w->soonNs && w->soonNs < w->nextNs ? w->soonNs : w->nextNs;
}

/* True when the sampler has a reason to sample now. Lock held. */
static bool
workerDue(const xvWorker *w, uint64_t now)
{
    return w->stop || w->kick || w->settingsChanged || now >= workerWakeAt(w);
}

/* Sleeps until the next sample is due, a kick, new settings or stop.
 * Called with the lock held. */
static void
workerWait(xvWorker *w)
{
    struct timespec ts;

    /* not sampling (xvWorkerGetProgress, the agent's watchdog) */
    w->waiting = true;
    while (!workerDue(w, xvClockMonoNs())) {
        ts = xvClockTimespec(workerWakeAt(w));
        pthread_cond_timedwait(&w->wake, &w->lock, &ts);
    }
    w->waiting = false;
    w->kick = false;
}

/* The same wait on the stepped clock: runs it towards the target of
 * xvWorkerAdvance(), stopping at each due time; once there, it is idle
 * until someone moves the clock or asks for something. Lock held. */
static void
workerWaitStepped(xvWorker *w)
{
    for (;;) {
        uint64_t now = xvAgentClockMonoNs(w->clock);

        if (workerDue(w, now))
            break;
        if (w->targetNs > now) {
            if (workerWakeAt(w) <= w->targetNs) {
                xvAgentClockSetMono(w->clock, workerWakeAt(w));
                break;
            }
            xvAgentClockSetMono(w->clock, w->targetNs);
        }
        w->waiting = true;
        if (w->idle)
            w->idle(w->idleOpaque);
        pthread_cond_wait(&w->wake, &w->lock);
        w->waiting = false;
    }
    w->kick = false;
}

static bool
workerSameURI(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The after-sample hook of one sample, as the settings gave it. */
typedef struct {
    xvWorkerHookFunc run;
    void (*free)(void *report);
    void *opaque;
} workerHook;

/* Takes the settings for the next sample; closes the connection when the
 * URI changed. Called with the lock held. */
static void
workerTakeSettings(xvWorker *w, char **uri, bool *enabled, virConnectPtr *conn,
                   workerHook *hook)
{
    if (w->settingsChanged) {
        if (*conn && !workerSameURI(*uri, w->uri)) {
            virConnectClose(*conn);
            *conn = NULL;
        }
        free(*uri);
        *uri = xvStrdup(w->uri);
        w->settingsChanged = false;
    }
    memcpy(enabled, w->enabled, sizeof(w->enabled));
    hook->run = w->afterSample;
    hook->free = w->afterSampleFree;
    hook->opaque = w->afterSampleOpaque;
}

static void *
workerMain(void *opaque)
{
    xvWorker *w = opaque;
    void *state[XV_COLLECTORS_MAX] = { 0 };
    virConnectPtr conn = NULL;
    const xvSnapshot *prev = NULL;
    char *uri = NULL;
    bool enabled[XV_COLLECTORS_MAX];
    workerHook hook = { 0 };
    uint64_t seq;
    bool detached, connected;

    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        const xvSnapshot *snap;
        void *report = NULL;

        workerTakeSettings(w, &uri, enabled, &conn, &hook);
        w->startNs = xvAgentClockMonoNs(w->clock);
        /* a sample before the tick, for an event: counted; any sample
         * serves the events that asked before it began */
        if (w->soonNs && w->startNs >= w->soonNs && w->startNs < w->nextNs)
            w->soonSamples++;
        w->soonNs = 0;
        /* fixed rate: the next tick counts from this sample's start */
        w->nextNs = w->startNs + w->intervalMs * 1000000u;
        seq = ++w->started;
        pthread_mutex_unlock(&w->lock);

        connected = !conn && (conn = workerConnect(uri));
        snap = workerSample(w->clock, conn, !conn, enabled, prev, seq, state);
        if (hook.run)
            report = hook.run(conn, snap, xvAgentClockRealNs(w->clock) / 1000000u,
                              hook.opaque);
        xvSnapshotUnref(prev);
        prev = xvSnapshotRef(snap);

        pthread_mutex_lock(&w->lock);
        /* once stopping, the publisher may be gone (a hung call outlived
         * xvWorkerStop's wait): drop the sample */
        if (w->stop) {
            xvSnapshotUnref(snap);
            if (report)
                hook.free(report);
            break;
        }
        pthread_mutex_unlock(&w->lock);
        w->publish(snap, report, w->opaque);
        /* Opening a connection and its first sample parse megabytes that
         * are freed at once (the test driver's node file, every domain's
         * XML): hand the pages back rather than keep them for months
         * (1,000 domains: 0.4 MiB) */
        if (connected)
            xvMallocTrim();
        pthread_mutex_lock(&w->lock);
        w->published = seq;
        if (w->clock)
            workerWaitStepped(w);
        else
            workerWait(w);
    }
    w->finished = true;
    detached = w->detached;
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->lock);

    xvSnapshotUnref(prev);
    xvWorkerFreeState(state);
    if (conn)
        virConnectClose(conn);
    free(uri);
    if (detached)
        workerFree(w);
    return NULL;
}

static void
workerFree(xvWorker *w)
{
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->done);
    free(w->uri);
    free(w);
}

xvWorker *
xvWorkerStart(const xvWorkerSettings *settings, xvAgentClock *clock,
              xvWorkerPublishFunc publish, void *opaque)
{
    xvWorker *w = xvAlloc(sizeof(*w));
    pthread_condattr_t attr;
    int rc;

    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &attr);
    pthread_cond_init(&w->done, &attr);
    pthread_condattr_destroy(&attr);
    w->publish = publish;
    w->opaque = opaque;
    w->clock = clock;
    w->targetNs = xvAgentClockMonoNs(clock);
    workerApplySettings(w, settings);
    w->settingsChanged = true;
    if ((rc = pthread_create(&w->thread, NULL, workerMain, w)) != 0) {
        workerFree(w);
        errno = rc;
        return NULL;
    }
    return w;
}

void
xvWorkerReconfigure(xvWorker *w, const xvWorkerSettings *settings)
{
    pthread_mutex_lock(&w->lock);
    workerApplySettings(w, settings);
    w->settingsChanged = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

uint64_t
xvWorkerKick(xvWorker *w)
{
    uint64_t seq;

    pthread_mutex_lock(&w->lock);
    w->kick = true;
    /* the next sample to begin, the one in progress aside */
    seq = w->started + 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    return seq;
}

void
xvWorkerKickSoon(xvWorker *w, uint64_t gapNs)
{
    uint64_t now, due;

    pthread_mutex_lock(&w->lock);
    now = xvAgentClockMonoNs(w->clock);
    due = w->startNs + gapNs > now ? w->startNs + gapNs : now;
    if (!w->soonNs || due < w->soonNs)
        w->soonNs = due;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void
xvWorkerGetProgress(xvWorker *w, xvWorkerProgress *progress)
{
    uint64_t now;

    pthread_mutex_lock(&w->lock);
    now = xvAgentClockMonoNs(w->clock);
    progress->published = w->published;
    progress->nextNs = workerWakeAt(w);
    progress->soonSamples = w->soonSamples;
    progress->sampling = !w->waiting;
    progress->idle = w->waiting && !workerDue(w, now) && w->targetNs <= now;
    pthread_mutex_unlock(&w->lock);
}

void
xvWorkerAdvance(xvWorker *w, uint64_t byNs)
{
    uint64_t now;

    pthread_mutex_lock(&w->lock);
    now = xvAgentClockMonoNs(w->clock);
    w->targetNs = (w->targetNs > now ? w->targetNs : now) + byNs;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void
xvWorkerPass(xvWorker *w, uint64_t byNs)
{
    pthread_mutex_lock(&w->lock);
    xvAgentClockSetMono(w->clock, xvAgentClockMonoNs(w->clock) + byNs);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void
xvWorkerSetIdleHook(xvWorker *w, void (*idle)(void *opaque), void *opaque)
{
    pthread_mutex_lock(&w->lock);
    w->idle = idle;
    w->idleOpaque = opaque;
    pthread_mutex_unlock(&w->lock);
}

int
xvWorkerStop(xvWorker *w, uint64_t timeoutMs)
{
    uint64_t deadline = xvClockMonoNs() + timeoutMs * 1000000u;
    struct timespec ts;

    if (!w)
        return 0;
    ts = xvClockTimespec(deadline);
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    while (!w->finished) {
        if (pthread_cond_timedwait(&w->done, &w->lock, &ts) == ETIMEDOUT)
            break;
    }
    if (!w->finished) {
        /* stuck in a hypervisor call: leave it; it frees itself if the
         * call ever returns before the process exits */
        w->detached = true;
        pthread_mutex_unlock(&w->lock);
        pthread_detach(w->thread);
        return -ETIMEDOUT;
    }
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    workerFree(w);
    return 0;
}
