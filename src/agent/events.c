/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * events.c: the lifecycle event listener and its statistics (events.h).
 */
#include "config.h"

#include "events.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "event_impl.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"
#include "util/xvlog.h"

/* ---- statistics ------------------------------------------------------------ */

static const char *const eventTypeLabels[XV_EVENT_TYPES] = {
    "defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown",
    "pmsuspended", "crashed",
};

const char *
xvEventTypeLabel(int type)
{
    return type >= 0 && type < XV_EVENT_TYPES ? eventTypeLabels[type] : "unknown";
}

const double xvEventLatencyBounds[XV_EVENT_LATENCY_BUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
};

/* A domain with an event not acted on yet: since when. */
typedef struct {
    unsigned char uuid[16];
    uint64_t sinceNs;
} eventPending;

/* How many domains may wait at once; past that the oldest is forgotten
 * (an event storm over thousands of domains must not grow memory). */
#define EVENT_PENDING_MAX 4096

struct _xvEventStats {
    const xvAgentClock *clock;
    pthread_mutex_t lock;
    bool listening;
    uint64_t byType[XV_EVENT_TYPES];
    uint64_t buckets[XV_EVENT_LATENCY_BUCKETS];
    uint64_t count;
    double sum;
    eventPending *pending;      /* a ring, oldest first from pendingHead */
    size_t npending, pendingHead;
};

xvEventStats *
xvEventStatsNew(const xvAgentClock *clock)
{
    xvEventStats *s = xvAlloc(sizeof(*s));

    s->clock = clock;
    pthread_mutex_init(&s->lock, NULL);
    s->pending = xvAllocN(EVENT_PENDING_MAX, sizeof(*s->pending));
    return s;
}

void
xvEventStatsFree(xvEventStats *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s->pending);
    free(s);
}

void
xvEventStatsGet(xvEventStats *s, xvEventStatsView *view)
{
    pthread_mutex_lock(&s->lock);
    view->listening = s->listening;
    memcpy(view->byType, s->byType, sizeof(view->byType));
    memcpy(view->latencyBuckets, s->buckets, sizeof(view->latencyBuckets));
    view->latencyCount = s->count;
    view->latencySum = s->sum;
    pthread_mutex_unlock(&s->lock);
}

/* Locked: the ring position of @uuid's pending event, or -1. */
static long
statsFindPending(const xvEventStats *s, const unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < s->npending; i++) {
        size_t at = (s->pendingHead + i) % EVENT_PENDING_MAX;

        if (memcmp(s->pending[at].uuid, uuid, 16) == 0)
            return (long)at;
    }
    return -1;
}

/* An event of @uuid arrived: counted, and pending unless one already is. */
static void
statsEvent(xvEventStats *s, int type, const unsigned char *uuid)
{
    uint64_t now = xvAgentClockMonoNs(s->clock);

    pthread_mutex_lock(&s->lock);
    if (type >= 0 && type < XV_EVENT_TYPES)
        s->byType[type]++;
    if (statsFindPending(s, uuid) < 0) {
        if (s->npending == EVENT_PENDING_MAX) {
            s->pendingHead = (s->pendingHead + 1) % EVENT_PENDING_MAX;
            s->npending--;
        }
        eventPending *p = &s->pending[(s->pendingHead + s->npending++) % EVENT_PENDING_MAX];

        memcpy(p->uuid, uuid, 16);
        p->sinceNs = now;
    }
    pthread_mutex_unlock(&s->lock);
}

void
xvEventStatsActed(xvEventStats *s, const unsigned char *uuid)
{
    uint64_t now = xvAgentClockMonoNs(s->clock);
    double seconds;
    long at;
    size_t i, last;

    pthread_mutex_lock(&s->lock);
    if ((at = statsFindPending(s, uuid)) >= 0) {
        seconds = now > s->pending[at].sinceNs ? (double)(now - s->pending[at].sinceNs) / 1e9 : 0;
        for (i = 0; i < XV_EVENT_LATENCY_BUCKETS; i++) {
            if (seconds <= xvEventLatencyBounds[i])
                s->buckets[i]++;
        }
        s->count++;
        s->sum += seconds;
        /* the last of the ring takes its place */
        last = (s->pendingHead + s->npending - 1) % EVENT_PENDING_MAX;
        s->pending[at] = s->pending[last];
        s->npending--;
    }
    pthread_mutex_unlock(&s->lock);
}

static void
statsListening(xvEventStats *s, bool on)
{
    pthread_mutex_lock(&s->lock);
    s->listening = on;
    pthread_mutex_unlock(&s->lock);
}

/* ---- the listener ---------------------------------------------------------------- */

struct _xvAgentEvents {
    char *uri;
    uint64_t retryMs;
    xvEventStats *stats;
    void (*kick)(void *opaque);
    void *kickOpaque;
    pthread_t thread;
    struct event_base *base;
    struct event *retryTimer;   /* the next attempt to open and register */
    struct event *stopEvent;    /* made active by xvAgentEventsStop() */
    virConnectPtr conn;
    bool registered;
    atomic_bool stopping;
    atomic_bool done;           /* the thread has returned */
    pthread_mutex_t doneLock;
    pthread_cond_t doneCond;
};

static struct timeval
eventsTv(uint64_t ms)
{
    return (struct timeval){ (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
}

/* A sample soon (the sampler coalesces: xvWorkerKickSoon). */
static void
eventsAskSample(xvAgentEvents *ev)
{
    if (!atomic_load(&ev->stopping))
        ev->kick(ev->kickOpaque);
}

static int
eventsOnLifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    xvAgentEvents *ev = opaque;
    unsigned char uuid[16];

    (void)conn;
    if (virDomainGetUUID(dom, uuid) < 0)
        memset(uuid, 0, sizeof(uuid));
    xvLogDebug("event: domain=%s type=%s detail=%d", virDomainGetName(dom),
               xvEventTypeLabel(event), detail);
    statsEvent(ev->stats, event, uuid);
    eventsAskSample(ev);
    return 0;
}

static void
eventsQuietErrors(void *userData, virErrorPtr err)
{
    (void)userData;
    (void)err;
}

/* Opens the connection and registers; false to try again later. */
static bool
eventsListen(xvAgentEvents *ev)
{
    const char *uri = ev->uri ? ev->uri : "xen:///";

    if (!ev->conn && !(ev->conn = virConnectOpenReadOnly(ev->uri))) {
        xvLogLimited("events-open", XV_LOG_WARNING,
                     "events: cannot open %s: %s; sampling every interval only until it opens",
                     uri, virGetLastErrorMessage());
        return false;
    }
    if (virConnectDomainEventRegister(ev->conn, eventsOnLifecycle, ev, NULL) < 0) {
        if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT) {
            xvLogNotice("events: the driver of %s has no lifecycle events; sampling every "
                        "interval only", uri);
            return true;    /* (nothing to try again) */
        }
        xvLogLimited("events-register", XV_LOG_WARNING,
                     "events: cannot register for lifecycle events on %s: %s", uri,
                     virGetLastErrorMessage());
        virConnectClose(ev->conn);
        ev->conn = NULL;
        return false;
    }
    ev->registered = true;
    statsListening(ev->stats, true);
    xvLogInfo("events: listening to the lifecycle events of %s", uri);
    /* whatever happened while nobody listened: one sample to catch up */
    eventsAskSample(ev);
    return true;
}

static void
eventsOnRetry(evutil_socket_t fd, short what, void *opaque)
{
    xvAgentEvents *ev = opaque;
    struct timeval tv = eventsTv(ev->retryMs);

    (void)fd;
    (void)what;
    if (!atomic_load(&ev->stopping) && !eventsListen(ev))
        evtimer_add(ev->retryTimer, &tv);
}

static void
eventsOnStop(evutil_socket_t fd, short what, void *opaque)
{
    xvAgentEvents *ev = opaque;

    (void)fd;
    (void)what;
    event_base_loopbreak(ev->base);
}

static void
eventsUnlisten(xvAgentEvents *ev)
{
    if (ev->registered)
        virConnectDomainEventDeregister(ev->conn, eventsOnLifecycle);
    ev->registered = false;
    statsListening(ev->stats, false);
    if (ev->conn)
        virConnectClose(ev->conn);
    ev->conn = NULL;
}

static void *
eventsMain(void *opaque)
{
    xvAgentEvents *ev = opaque;

    virSetErrorFunc(NULL, eventsQuietErrors);
    eventsOnRetry(-1, 0, ev);
    /* (a driver may have no descriptor to watch: libvirt's test driver) */
    event_base_loop(ev->base, EVLOOP_NO_EXIT_ON_EMPTY);
    eventsUnlisten(ev);
    /* the removals' free callbacks, queued in the loop, run now */
    event_base_loop(ev->base, EVLOOP_NONBLOCK);
    pthread_mutex_lock(&ev->doneLock);
    atomic_store(&ev->done, true);
    pthread_cond_signal(&ev->doneCond);
    pthread_mutex_unlock(&ev->doneLock);
    return NULL;
}

static void
eventsFree(xvAgentEvents *ev)
{
    if (ev->retryTimer)
        event_free(ev->retryTimer);
    if (ev->stopEvent)
        event_free(ev->stopEvent);
    xvEventImplUnregister();
    if (ev->base)
        event_base_free(ev->base);
    pthread_mutex_destroy(&ev->doneLock);
    pthread_cond_destroy(&ev->doneCond);
    free(ev->uri);
    free(ev);
}

xvAgentEvents *
xvAgentEventsStart(const char *uri, uint64_t retryMs, xvEventStats *stats,
                   void (*kick)(void *opaque), void *opaque)
{
    xvAgentEvents *ev = xvAlloc(sizeof(*ev));
    pthread_condattr_t attr;
    int rc;

    ev->uri = uri ? xvStrdup(uri) : NULL;
    ev->retryMs = retryMs ? retryMs : 1000;
    ev->stats = stats;
    ev->kick = kick;
    ev->kickOpaque = opaque;
    pthread_mutex_init(&ev->doneLock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ev->doneCond, &attr);
    pthread_condattr_destroy(&attr);
    if (!(ev->base = event_base_new())) {
        eventsFree(ev);
        errno = ENOMEM;
        return NULL;
    }
    ev->retryTimer = evtimer_new(ev->base, eventsOnRetry, ev);
    ev->stopEvent = event_new(ev->base, -1, 0, eventsOnStop, ev);
    xvEventImplRegister(ev->base);
    if ((rc = pthread_create(&ev->thread, NULL, eventsMain, ev)) != 0) {
        eventsFree(ev);
        errno = rc;
        return NULL;
    }
    return ev;
}

void
xvAgentEventsStop(xvAgentEvents *ev, uint64_t timeoutMs)
{
    struct timespec deadline;
    bool done;

    if (!ev)
        return;
    atomic_store(&ev->stopping, true);
    event_active(ev->stopEvent, EV_READ, 0);
    deadline = xvClockTimespec(xvClockMonoNs() + timeoutMs * XV_NS_PER_MS);
    pthread_mutex_lock(&ev->doneLock);
    while (!atomic_load(&ev->done) &&
           pthread_cond_timedwait(&ev->doneCond, &ev->doneLock, &deadline) == 0)
        ;
    done = atomic_load(&ev->done);
    pthread_mutex_unlock(&ev->doneLock);
    if (!done) {
        xvLogWarning("events: the listener is stuck in a hypervisor call; leaving it behind");
        pthread_detach(ev->thread);
        return;
    }
    pthread_join(ev->thread, NULL);
    eventsFree(ev);
}
