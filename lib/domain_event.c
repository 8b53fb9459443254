/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_event.c: lifecycle event callbacks, queue and dispatch of a
 * connection (domain_event.h), and the public calls that register them.
 *
 * Each connection with callbacks owns one timer in the registered event
 * loop, disabled while the queue is empty; xvDomainEventQueue() enables it
 * (period 0), and its callback takes the whole queue and calls every
 * matching callback for each event, in order. The timer holds a reference
 * to the connection, released by its free callback, so a connection closed
 * by the user stays alive until the loop is done with it.
 *
 * A callback is reference counted: the list holds one, a dispatch in
 * progress holds one, so that deregistering a callback from inside another
 * (or another thread) is safe; the last reference runs its virFreeCallback,
 * never with a lock held.
 */
#include "config.h"

#include "domain_event.h"

#include <pthread.h>

#include "checks.h"
#include "datatypes.h"

#define XV_FROM_THIS VIR_FROM_NONE

typedef struct {
    int refs;                   /* under the state lock */
    int id;                     /* virConnectDomainEventRegisterAny()'s */
    bool legacy;                /* virConnectDomainEventRegister() */
    bool deleted;
    virConnectDomainEventGenericCallback cb;
    bool hasDomain;
    unsigned char uuid[16];     /* with hasDomain: that domain's events only */
    void *opaque;
    virFreeCallback freecb;
} xvEventCallback;

typedef struct {
    char *name;
    unsigned char uuid[16];
    int id;
    int event;
    int detail;
} xvQueuedEvent;

struct _xvDomainEventState {
    pthread_mutex_t regLock;    /* serializes (de)registrations and the driver's on/off */
    pthread_mutex_t lock;       /* the rest; never held while calling out */
    xvEventCallback **cbs;
    size_t ncbs, cbsCap;
    int nextId;
    xvQueuedEvent *queue;
    size_t nqueue, queueCap;
    int timer;                  /* in the event loop; -1: none */
    bool armed;                 /* the timer is enabled */
    bool driverOn;              /* the driver's connectEvents(true) succeeded */
};

/* ---- names ------------------------------------------------------------------- */

static const char *const eventNames[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown",
    "PMSuspended", "Crashed",
};

static const char *const definedDetails[] = { "Added", "Updated", "Renamed", "Snapshot" };
static const char *const undefinedDetails[] = { "Removed", "Renamed" };
static const char *const startedDetails[] = { "Booted", "Migrated", "Restored", "Snapshot",
                                              "Event wakeup" };
static const char *const suspendedDetails[] = { "Paused", "Migrated", "I/O Error",
                                                "Watchdog", "Restored", "Snapshot",
                                                "API error", "Post-copy",
                                                "Post-copy Error" };
static const char *const resumedDetails[] = { "Unpaused", "Migrated", "Snapshot",
                                              "Post-copy", "Post-copy Error" };
static const char *const stoppedDetails[] = { "Shutdown", "Destroyed", "Crashed", "Migrated",
                                              "Saved", "Failed", "Snapshot" };
static const char *const shutdownDetails[] = { "Finished", "Finished after guest request",
                                               "Finished after host request" };
static const char *const pmsuspendedDetails[] = { "Memory", "Disk" };
static const char *const crashedDetails[] = { "Panicked", "Crashloaded" };

const char *
xvDomainEventTypeName(int event)
{
    if (event < 0 || (size_t)event >= XV_N_ELEMENTS(eventNames))
        return "unknown";
    return eventNames[event];
}

const char *
xvDomainEventDetailName(int event, int detail)
{
    static const struct {
        const char *const *names;
        size_t n;
    } details[] = {
        { definedDetails, XV_N_ELEMENTS(definedDetails) },
        { undefinedDetails, XV_N_ELEMENTS(undefinedDetails) },
        { startedDetails, XV_N_ELEMENTS(startedDetails) },
        { suspendedDetails, XV_N_ELEMENTS(suspendedDetails) },
        { resumedDetails, XV_N_ELEMENTS(resumedDetails) },
        { stoppedDetails, XV_N_ELEMENTS(stoppedDetails) },
        { shutdownDetails, XV_N_ELEMENTS(shutdownDetails) },
        { pmsuspendedDetails, XV_N_ELEMENTS(pmsuspendedDetails) },
        { crashedDetails, XV_N_ELEMENTS(crashedDetails) },
    };

    if (event < 0 || (size_t)event >= XV_N_ELEMENTS(details) || detail < 0 ||
        (size_t)detail >= details[event].n)
        return "unknown";
    return details[event].names[detail];
}

/* ---- the state ----------------------------------------------------------------- */

/* The state of @conn, made on first use (conn->lock guards the pointer). */
static xvDomainEventState *
eventState(virConnectPtr conn)
{
    xvDomainEventState *st;

    pthread_mutex_lock(&conn->lock);
    if (!(st = conn->events)) {
        st = xvAlloc(sizeof(*st));
        pthread_mutex_init(&st->regLock, NULL);
        pthread_mutex_init(&st->lock, NULL);
        st->timer = -1;
        conn->events = st;
    }
    pthread_mutex_unlock(&conn->lock);
    return st;
}

/* The state if it exists, without making it. */
static xvDomainEventState *
eventStatePeek(virConnectPtr conn)
{
    xvDomainEventState *st;

    pthread_mutex_lock(&conn->lock);
    st = conn->events;
    pthread_mutex_unlock(&conn->lock);
    return st;
}

/* Drops a reference to @cb taken under the state lock; call unlocked. */
static void
eventCallbackUnref(xvDomainEventState *st, xvEventCallback *cb)
{
    bool last;

    pthread_mutex_lock(&st->lock);
    last = --cb->refs == 0;
    pthread_mutex_unlock(&st->lock);
    if (!last)
        return;
    if (cb->freecb)
        cb->freecb(cb->opaque);
    free(cb);
}

static void
queuedEventClear(xvQueuedEvent *ev)
{
    free(ev->name);
    ev->name = NULL;
}

/* ---- dispatch ------------------------------------------------------------------ */

static bool
eventCallbackMatches(const xvEventCallback *cb, const xvQueuedEvent *ev)
{
    return !cb->deleted && (!cb->hasDomain || memcmp(cb->uuid, ev->uuid, 16) == 0);
}

/* Calls every live callback of @cbs (each referenced) matching @ev. */
static void
eventDispatchOne(virConnectPtr conn, xvDomainEventState *st, xvEventCallback **cbs,
                 size_t ncbs, const xvQueuedEvent *ev)
{
    virDomainPtr dom = xvDomainNew(conn, ev->name, ev->uuid, ev->id);
    size_t i;

    for (i = 0; i < ncbs; i++) {
        bool match;

        pthread_mutex_lock(&st->lock);
        match = eventCallbackMatches(cbs[i], ev);
        pthread_mutex_unlock(&st->lock);
        if (!match)
            continue;
        ((virConnectDomainEventCallback)(void (*)(void))cbs[i]->cb)(conn, dom, ev->event,
                                                                    ev->detail,
                                                                    cbs[i]->opaque);
    }
    xvDomainUnref(dom);
}

/* The timer's callback, in the event loop: delivers the whole queue. */
static void
eventDispatch(int timer, void *opaque)
{
    virConnectPtr conn = opaque;
    xvDomainEventState *st = eventStatePeek(conn);
    XV_AUTOFREE(xvEventCallback **) cbs = NULL;
    xvQueuedEvent *queue;
    size_t nqueue, ncbs, i;

    (void)timer;
    if (!st)
        return;
    pthread_mutex_lock(&st->lock);
    queue = st->queue;
    nqueue = st->nqueue;
    st->queue = NULL;
    st->nqueue = st->queueCap = 0;
    st->armed = false;
    if (st->timer >= 0)
        virEventUpdateTimeout(st->timer, -1);
    ncbs = st->ncbs;
    cbs = xvAllocN(ncbs ? ncbs : 1, sizeof(*cbs));
    for (i = 0; i < ncbs; i++) {
        cbs[i] = st->cbs[i];
        cbs[i]->refs++;
    }
    pthread_mutex_unlock(&st->lock);

    for (i = 0; i < nqueue; i++) {
        eventDispatchOne(conn, st, cbs, ncbs, &queue[i]);
        queuedEventClear(&queue[i]);
    }
    free(queue);
    for (i = 0; i < ncbs; i++)
        eventCallbackUnref(st, cbs[i]);
}

static void
eventTimerFree(void *opaque)
{
    xvConnectUnref(opaque);
}

/* ---- the driver's side ----------------------------------------------------------- */

void
xvDomainEventQueue(virConnectPtr conn, const char *name, const unsigned char *uuid, int id,
                   int event, int detail)
{
    xvDomainEventState *st;

    if (!conn || !(st = eventStatePeek(conn)))
        return;
    pthread_mutex_lock(&st->lock);
    if (st->ncbs > 0 && st->timer >= 0) {
        xvQueuedEvent *ev;

        if (st->nqueue == st->queueCap) {
            st->queueCap = st->queueCap ? st->queueCap * 2 : 16;
            st->queue = xvReallocN(st->queue, st->queueCap, sizeof(*st->queue));
        }
        ev = &st->queue[st->nqueue++];
        ev->name = xvStrdup(name ? name : "");
        memcpy(ev->uuid, uuid, 16);
        ev->id = id;
        ev->event = event;
        ev->detail = detail;
        if (!st->armed) {
            st->armed = true;
            virEventUpdateTimeout(st->timer, 0);
        }
    }
    pthread_mutex_unlock(&st->lock);
}

bool
xvDomainEventWanted(virConnectPtr conn)
{
    xvDomainEventState *st;
    bool wanted;

    if (!conn || !(st = eventStatePeek(conn)))
        return false;
    pthread_mutex_lock(&st->lock);
    wanted = st->ncbs > 0;
    pthread_mutex_unlock(&st->lock);
    return wanted;
}

/* ---- registration ------------------------------------------------------------------ */

/*
 * Adds @cb to @conn's list: on the first callback, makes the dispatch timer
 * and turns the driver's events on. Returns its ID, or -1 (error reported;
 * @cb freed without its free callback, as libvirt does on failure).
 */
static int eventAddCallbackLocked(virConnectPtr conn, xvDomainEventState *st,
                                  xvEventCallback *cb);

static int
eventAddCallback(virConnectPtr conn, xvEventCallback *cb)
{
    xvDomainEventState *st = eventState(conn);
    int id;

    pthread_mutex_lock(&st->regLock);
    id = eventAddCallbackLocked(conn, st, cb);
    pthread_mutex_unlock(&st->regLock);
    return id;
}

static int
eventAddCallbackLocked(virConnectPtr conn, xvDomainEventState *st, xvEventCallback *cb)
{
    bool first;
    int timer = -1, id;

    pthread_mutex_lock(&st->lock);
    first = st->ncbs == 0 && !st->driverOn;
    if (st->timer < 0) {
        xvConnectRef(conn);
        if ((timer = virEventAddTimeout(-1, eventDispatch, conn, eventTimerFree)) < 0) {
            pthread_mutex_unlock(&st->lock);
            xvConnectUnref(conn);
            xvReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "could not add the event timer: no event loop is registered "
                          "(virEventRegisterImpl or virEventRegisterDefaultImpl)");
            free(cb);
            return -1;
        }
        st->timer = timer;
    }
    pthread_mutex_unlock(&st->lock);

    /* the driver may call xvDomainEventWanted() or queue: not under our lock */
    if (first && conn->driver->connectEvents(conn, true) < 0) {
        free(cb);
        return -1;
    }
    pthread_mutex_lock(&st->lock);
    st->driverOn = true;
    if (st->ncbs == st->cbsCap) {
        st->cbsCap = st->cbsCap ? st->cbsCap * 2 : 4;
        st->cbs = xvReallocN(st->cbs, st->cbsCap, sizeof(*st->cbs));
    }
    cb->id = id = st->nextId++;
    cb->refs = 1;
    st->cbs[st->ncbs++] = cb;
    pthread_mutex_unlock(&st->lock);
    return id;
}

/* Removes the callback @match says is the one; on the last, turns the
 * driver's events off. -1 when none matched (not reported). */
static int
eventRemoveCallback(virConnectPtr conn, bool (*match)(const xvEventCallback *, const void *),
                    const void *key)
{
    xvDomainEventState *st = eventStatePeek(conn);
    xvEventCallback *found = NULL;
    bool last = false;
    size_t i;

    if (!st)
        return -1;
    pthread_mutex_lock(&st->regLock);
    pthread_mutex_lock(&st->lock);
    for (i = 0; i < st->ncbs; i++) {
        if (match(st->cbs[i], key)) {
            found = st->cbs[i];
            found->deleted = true;
            memmove(&st->cbs[i], &st->cbs[i + 1], (st->ncbs - i - 1) * sizeof(*st->cbs));
            st->ncbs--;
            break;
        }
    }
    last = found && st->ncbs == 0 && st->driverOn;
    if (last)
        st->driverOn = false;
    pthread_mutex_unlock(&st->lock);
    if (last)
        conn->driver->connectEvents(conn, false);
    pthread_mutex_unlock(&st->regLock);
    if (!found)
        return -1;
    eventCallbackUnref(st, found);
    return 0;
}

static bool
eventMatchLegacy(const xvEventCallback *cb, const void *key)
{
    return cb->legacy && (const void *)(void (*)(void))cb->cb ==
                         *(const void *const *)key;
}

static bool
eventMatchId(const xvEventCallback *cb, const void *key)
{
    return !cb->legacy && cb->id == *(const int *)key;
}

static bool
eventHasLegacy(virConnectPtr conn, virConnectDomainEventGenericCallback fn)
{
    xvDomainEventState *st = eventStatePeek(conn);
    bool has = false;
    size_t i;

    if (!st)
        return false;
    pthread_mutex_lock(&st->lock);
    for (i = 0; i < st->ncbs && !has; i++)
        has = st->cbs[i]->legacy && st->cbs[i]->cb == fn;
    pthread_mutex_unlock(&st->lock);
    return has;
}

XV_EXPORT int
virConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                              void *opaque, virFreeCallback freecb)
{
    xvEventCallback *entry;
    virConnectDomainEventGenericCallback generic =
        (virConnectDomainEventGenericCallback)(void (*)(void))cb;

    virResetLastError();
    XV_TRACE_CALL("conn=%s", XV_TRACE_CONN(conn));
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(cb, error);
    xvCheckDriverSlotGoto(conn, connectEvents, error);
    if (eventHasLegacy(conn, generic)) {
        xvReportError(VIR_ERR_INVALID_ARG, "%s",
                      "this callback is already registered on the connection");
        goto error;
    }
    entry = xvAlloc(sizeof(*entry));
    entry->legacy = true;
    entry->cb = generic;
    entry->opaque = opaque;
    entry->freecb = freecb;
    if (eventAddCallback(conn, entry) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    virConnectDomainEventGenericCallback generic =
        (virConnectDomainEventGenericCallback)(void (*)(void))cb;
    const void *key = (const void *)(void (*)(void))generic;

    virResetLastError();
    XV_TRACE_CALL("conn=%s", XV_TRACE_CONN(conn));
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(cb, error);
    if (eventRemoveCallback(conn, eventMatchLegacy, &key) < 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "%s",
                      "this callback is not registered on the connection");
        goto error;
    }
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                 virConnectDomainEventGenericCallback cb, void *opaque,
                                 virFreeCallback freecb)
{
    xvEventCallback *entry;
    int id;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, eventID=%d", XV_TRACE_CONN(conn), eventID);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(cb, error);
    if (dom) {
        xvCheckDomainGoto(dom, error);
        if (dom->conn != conn) {
            xvReportError(VIR_ERR_INVALID_ARG, "%s",
                          "the domain does not belong to the connection");
            goto error;
        }
    }
    if (eventID != VIR_DOMAIN_EVENT_ID_LIFECYCLE) {
        xvReportError(VIR_ERR_INVALID_ARG, "unsupported event ID %d", eventID);
        goto error;
    }
    xvCheckDriverSlotGoto(conn, connectEvents, error);
    entry = xvAlloc(sizeof(*entry));
    entry->cb = cb;
    entry->opaque = opaque;
    entry->freecb = freecb;
    if (dom) {
        entry->hasDomain = true;
        memcpy(entry->uuid, dom->uuid, 16);
    }
    if ((id = eventAddCallback(conn, entry)) < 0)
        goto error;
    return id;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s, callbackID=%d", XV_TRACE_CONN(conn), callbackID);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNegativeArgGoto(callbackID, error);
    if (eventRemoveCallback(conn, eventMatchId, &callbackID) < 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "no callback with ID %d", callbackID);
        goto error;
    }
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

/* ---- the connection's end ------------------------------------------------------------ */

static bool
eventMatchAny(const xvEventCallback *cb, const void *key)
{
    (void)cb;
    (void)key;
    return true;
}

void
xvDomainEventCloseConnect(virConnectPtr conn)
{
    xvDomainEventState *st = eventStatePeek(conn);
    int timer;

    if (!st)
        return;
    while (eventRemoveCallback(conn, eventMatchAny, NULL) == 0)
        ;
    pthread_mutex_lock(&st->lock);
    timer = st->timer;
    st->timer = -1;
    pthread_mutex_unlock(&st->lock);
    /* the loop drops the timer's reference to the connection later */
    if (timer >= 0)
        virEventRemoveTimeout(timer);
}

void
xvDomainEventFreeConnect(virConnectPtr conn)
{
    xvDomainEventState *st = conn->events;
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->nqueue; i++)
        queuedEventClear(&st->queue[i]);
    free(st->queue);
    free(st->cbs);
    pthread_mutex_destroy(&st->lock);
    pthread_mutex_destroy(&st->regLock);
    free(st);
    conn->events = NULL;
}
