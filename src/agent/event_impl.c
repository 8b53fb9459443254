/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * event_impl.c: libvirt's six event loop hooks on a libevent base
 * (event_impl.h). Every entry, handle or timer, is a struct event whose
 * callback runs in the base's loop thread; the table maps the library's
 * watch and timer numbers to them.
 */
#include "config.h"

#include "event_impl.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <event2/event.h>
#include <libvirt/libvirt.h>

#include "util/xvalloc.h"

typedef struct {
    int id;                     /* watch or timer number, > 0 */
    bool isTimer;
    int fd;
    struct event *ev;
    virEventHandleCallback handleCb;
    virEventTimeoutCallback timerCb;
    void *opaque;
    virFreeCallback ff;
} implEntry;

static pthread_mutex_t implLock = PTHREAD_MUTEX_INITIALIZER;
static struct event_base *implBase;
static implEntry **implEntries;
static size_t implCount, implCap;
static int implLastId;

/* Locked: the live entry @id of that kind, and its index in *@pos. */
static implEntry *
implFind(int id, bool isTimer, size_t *pos)
{
    size_t i;

    for (i = 0; i < implCount; i++) {
        if (implEntries[i]->id == id && implEntries[i]->isTimer == isTimer) {
            if (pos)
                *pos = i;
            return implEntries[i];
        }
    }
    return NULL;
}

static implEntry *
implAdd(implEntry *e)
{
    if (implCount == implCap) {
        implCap = implCap ? implCap * 2 : 8;
        implEntries = xvReallocN(implEntries, implCap, sizeof(*implEntries));
    }
    e->id = ++implLastId;
    implEntries[implCount++] = e;
    return e;
}

/* In the loop, after the removal: the free callback, then the entry. */
static void
implFreeLater(evutil_socket_t fd, short what, void *arg)
{
    implEntry *e = arg;

    (void)fd;
    (void)what;
    if (e->ff)
        e->ff(e->opaque);
    event_free(e->ev);
    free(e);
}

/* Locked: takes @id out of the table, stops its event and frees it from
 * the loop. -1 when there is no such entry. */
static int
implRemove(int id, bool isTimer)
{
    static const struct timeval now = { 0, 0 };
    size_t pos;
    implEntry *e = implFind(id, isTimer, &pos);

    if (!e)
        return -1;
    implEntries[pos] = implEntries[--implCount];
    event_del_noblock(e->ev);
    if (event_base_once(implBase, -1, EV_TIMEOUT, implFreeLater, e, &now) < 0)
        implFreeLater(-1, 0, e);    /* (the base is going away: nothing runs any more) */
    return 0;
}

/* ---- handles --------------------------------------------------------------- */

static short
implEvFlags(int events)
{
    return (short)(((events & VIR_EVENT_HANDLE_READABLE) ? EV_READ : 0) |
                   ((events & VIR_EVENT_HANDLE_WRITABLE) ? EV_WRITE : 0));
}

static void
implOnHandle(evutil_socket_t fd, short what, void *arg)
{
    implEntry *e = arg;
    int events = ((what & EV_READ) ? VIR_EVENT_HANDLE_READABLE : 0) |
                 ((what & EV_WRITE) ? VIR_EVENT_HANDLE_WRITABLE : 0);

    e->handleCb(e->id, (int)fd, events, e->opaque);
}

/* Locked: (re)arms @e for @events (0: stopped for now). */
static void
implArmHandle(implEntry *e, int events)
{
    event_del(e->ev);
    event_assign(e->ev, implBase, e->fd, (short)(EV_PERSIST | implEvFlags(events)),
                 implOnHandle, e);
    if (events & (VIR_EVENT_HANDLE_READABLE | VIR_EVENT_HANDLE_WRITABLE))
        event_add(e->ev, NULL);
}

static int
implAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    implEntry *e;
    int id = -1;

    if (fd < 0 || !cb)
        return -1;
    pthread_mutex_lock(&implLock);
    if (implBase) {
        e = xvAlloc(sizeof(*e));
        *e = (implEntry){ .fd = fd, .handleCb = cb, .opaque = opaque, .ff = ff };
        e->ev = event_new(implBase, fd, EV_PERSIST, implOnHandle, e);
        id = implAdd(e)->id;
        implArmHandle(e, events);
    }
    pthread_mutex_unlock(&implLock);
    return id;
}

static void
implUpdateHandle(int watch, int events)
{
    implEntry *e;

    pthread_mutex_lock(&implLock);
    if ((e = implFind(watch, false, NULL)))
        implArmHandle(e, events);
    pthread_mutex_unlock(&implLock);
}

static int
implRemoveHandle(int watch)
{
    int rc;

    pthread_mutex_lock(&implLock);
    rc = implRemove(watch, false);
    pthread_mutex_unlock(&implLock);
    return rc;
}

/* ---- timers ----------------------------------------------------------------- */

static void
implOnTimer(evutil_socket_t fd, short what, void *arg)
{
    implEntry *e = arg;

    (void)fd;
    (void)what;
    e->timerCb(e->id, e->opaque);
}

/* Locked: (re)arms @e to fire every @frequency ms (-1: disabled). */
static void
implArmTimer(implEntry *e, int frequency)
{
    struct timeval tv = { frequency / 1000, (frequency % 1000) * 1000 };

    event_del(e->ev);
    if (frequency >= 0)
        event_add(e->ev, &tv);
}

static int
implAddTimeout(int frequency, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    implEntry *e;
    int id = -1;

    if (!cb)
        return -1;
    pthread_mutex_lock(&implLock);
    if (implBase) {
        e = xvAlloc(sizeof(*e));
        *e = (implEntry){ .isTimer = true, .fd = -1, .timerCb = cb, .opaque = opaque, .ff = ff };
        e->ev = event_new(implBase, -1, EV_PERSIST, implOnTimer, e);
        id = implAdd(e)->id;
        implArmTimer(e, frequency);
    }
    pthread_mutex_unlock(&implLock);
    return id;
}

static void
implUpdateTimeout(int timer, int frequency)
{
    implEntry *e;

    pthread_mutex_lock(&implLock);
    if ((e = implFind(timer, true, NULL)))
        implArmTimer(e, frequency);
    pthread_mutex_unlock(&implLock);
}

static int
implRemoveTimeout(int timer)
{
    int rc;

    pthread_mutex_lock(&implLock);
    rc = implRemove(timer, true);
    pthread_mutex_unlock(&implLock);
    return rc;
}

/* ---- registration ------------------------------------------------------------- */

void
xvEventImplRegister(struct event_base *base)
{
    static bool registered;     /* (under implLock) */
    bool first;

    pthread_mutex_lock(&implLock);
    implBase = base;
    first = !registered;
    registered = true;
    pthread_mutex_unlock(&implLock);
    /* once per process: libvirt refuses (and logs) a second registration;
     * the hooks stay and follow implBase */
    if (first)
        virEventRegisterImpl(implAddHandle, implUpdateHandle, implRemoveHandle,
                             implAddTimeout, implUpdateTimeout, implRemoveTimeout);
}

void
xvEventImplUnregister(void)
{
    size_t i;

    /* the hooks stay registered (libvirt cannot unregister them); without
     * a base they refuse every new entry */
    pthread_mutex_lock(&implLock);
    /* entries nobody removed: their free callbacks still run, once */
    for (i = 0; i < implCount; i++)
        implFreeLater(-1, 0, implEntries[i]);
    free(implEntries);
    implEntries = NULL;
    implCount = implCap = 0;
    implBase = NULL;
    pthread_mutex_unlock(&implLock);
}
