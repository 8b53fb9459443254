/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node_events.c: the lifecycle events of the simulated node: the
 * connections listening to it, the events queued for them (domain_event.h),
 * and what makes time pass while nobody calls: a timer of the registered
 * event loop set to the next scripted event or shutdown timer due, and, in
 * shared mode, an inotify watch on the journal that replays what other
 * processes append.
 *
 * Locking: node->listen and what it points to are guarded by node->lock.
 * The loop's callbacks reach the node through an xvLoopRef (util/), whose
 * lock is taken before node->lock: turning events off clears it, so no
 * callback touches a node once that returned.
 */
#include "config.h"

#include "test/test_node.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "domain_event.h"
#include "test/test_node_private.h"
#include "util/xvloopref.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

struct _xvTestNodeListen {
    virConnectPtr *conns;       /* the connections with events on */
    size_t nconns, cap;
    xvLoopRef *watch;           /* the node, for the loop's callbacks */
    int timer;                  /* the loop's timer, -1 when none */
    int timerMs;                /* its period as last set (-1: disabled) */
    int handle;                 /* the loop's watch of inotifyFd, -1 when none */
};

/* ---- Emitting ------------------------------------------------------------- */

void
xvTestNodeEmit(xvTestNode *node, const xvTestDom *dom, int id, int event, int detail)
{
    xvTestNodeListen *listen = node->listen;
    size_t i;

    if (!listen)
        return;
    for (i = 0; i < listen->nconns; i++)
        xvDomainEventQueue(listen->conns[i], dom->def->name, dom->def->uuid, id, event,
                           detail);
}

/* The ID is libvirt's test driver's: a domain that has had a persistent
 * config while running drops its ID when it stops (the persistent config,
 * whose ID is -1, becomes its definition again); a transient one keeps the
 * definition it ran with, ID included, in its last event. */
void
xvTestNodeEmitStopped(xvTestNode *node, const xvTestDom *dom, int detail)
{
    xvTestNodeEmit(node, dom, dom->persistentLive ? -1 : dom->id, VIR_DOMAIN_EVENT_STOPPED,
                   detail);
}

/* ---- The loop's callbacks ------------------------------------------------- */

/* The last reference to the watch went: the journal's descriptor too. */
static void
testNodeCloseInotify(void *arg)
{
    close((int)(intptr_t)arg);
}

/* Brings the node of @watch to now, which fires (and queues the events of)
 * what became due and replays the journal; the node's end re-arms the timer. */
static void
testNodeWatchCatchUp(xvLoopRef *watch)
{
    xvTestNode *node;

    if ((node = xvLoopRefLock(watch))) {
        if (xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) == 0)
            xvTestNodeEnd(node);
        /* nobody to report a failed journal read to: the next call will */
        virResetLastError();
    }
    xvLoopRefUnlock(watch);
}

static void
testNodeTimerFired(int timer XV_UNUSED, void *opaque)
{
    testNodeWatchCatchUp(opaque);
}

/* The journal changed: empties the inotify queue, then replays. */
static void
testNodeJournalChanged(int handle XV_UNUSED, int fd, int events XV_UNUSED, void *opaque)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    testNodeWatchCatchUp(opaque);
}

/* ---- The timer ------------------------------------------------------------ */

/* The real milliseconds until the next scripted event or shutdown timer is
 * due, rounded up; -1 when nothing is scheduled or the clock is frozen. */
static int
testNodeNextDueMs(xvTestNode *node)
{
    uint64_t due, now;
    double ms;

    if (node->clockRate <= 0 || !xvTestNodeNextDue(node, &due))
        return -1;
    now = xvTestNodeClockNow(node);
    if (due <= now)
        return 0;
    ms = (double)(due - now) / node->clockRate / 1e6;
    if (ms >= (double)INT_MAX)
        return INT_MAX;
    return (int)ms + ((double)(int)ms < ms ? 1 : 0);
}

void
xvTestNodeEventsRearm(xvTestNode *node)
{
    xvTestNodeListen *listen = node->listen;
    int ms;

    if (!listen || listen->timer < 0)
        return;
    ms = testNodeNextDueMs(node);
    /* a period still running to the same due time is left alone; one that
     * fired is set again, which restarts it from now */
    if (ms == listen->timerMs && ms < 0)
        return;
    listen->timerMs = ms;
    virEventUpdateTimeout(listen->timer, ms);
}

/* ---- Turning events on and off -------------------------------------------- */

/* The inotify descriptor watching the journal of a shared node, or -1 (not
 * shared). Returns -2 with the error reported. */
static int
testNodeJournalWatch(xvTestNode *node)
{
    const char *path;
    int fd;

    if (!node->journal)
        return -1;
    path = xvTestJournalPath(node->journal);
    if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
        xvReportSystemError(errno, "cannot watch journal '%s'", path);
        return -2;
    }
    if (inotify_add_watch(fd, path, IN_MODIFY) < 0) {
        xvReportSystemError(errno, "cannot watch journal '%s'", path);
        close(fd);
        return -2;
    }
    return fd;
}

/* The first listener: the watch, the timer and the journal's handle. */
static xvTestNodeListen *
testNodeListenNew(xvTestNode *node)
{
    xvTestNodeListen *listen;
    xvLoopRef *watch;
    int fd;

    if ((fd = testNodeJournalWatch(node)) == -2)
        return NULL;
    watch = xvLoopRefNew(node, fd >= 0 ? testNodeCloseInotify : NULL, (void *)(intptr_t)fd);
    listen = xvAlloc(sizeof(*listen));
    listen->watch = watch;
    listen->handle = -1;
    listen->timerMs = -1;

    if ((listen->timer = virEventAddTimeout(-1, testNodeTimerFired, xvLoopRefAcquire(watch),
                                            xvLoopRefRelease)) < 0) {
        xvLoopRefRelease(watch);
        goto error;
    }
    if (fd >= 0 &&
        (listen->handle = virEventAddHandle(fd, VIR_EVENT_HANDLE_READABLE,
                                            testNodeJournalChanged, xvLoopRefAcquire(watch),
                                            xvLoopRefRelease)) < 0) {
        xvLoopRefRelease(watch);
        goto error;
    }
    return listen;

 error:
    xvReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                  "cannot watch the test node: no event loop is registered");
    if (listen->timer >= 0)
        virEventRemoveTimeout(listen->timer);
    xvLoopRefClear(watch);
    xvLoopRefRelease(watch);
    free(listen);
    return NULL;
}

/* The last listener went: the loop's callbacks leave the node alone from
 * now on (node->lock not held: a callback running holds the watch's lock,
 * then wants the node's). */
static void
testNodeListenFree(xvTestNodeListen *listen)
{
    xvLoopRefClear(listen->watch);
    if (listen->timer >= 0)
        virEventRemoveTimeout(listen->timer);
    if (listen->handle >= 0)
        virEventRemoveHandle(listen->handle);
    xvLoopRefRelease(listen->watch);
    free(listen->conns);
    free(listen);
}

int
xvTestNodeEventsAdd(xvTestNode *node, virConnectPtr conn)
{
    xvTestNodeListen *listen;
    size_t i;

    pthread_mutex_lock(&node->lock);
    if (!(listen = node->listen)) {
        if (!(listen = testNodeListenNew(node))) {
            pthread_mutex_unlock(&node->lock);
            return -1;
        }
        node->listen = listen;
    }
    for (i = 0; i < listen->nconns; i++) {
        if (listen->conns[i] == conn)
            break;
    }
    if (i == listen->nconns) {
        if (listen->nconns == listen->cap) {
            listen->cap = listen->cap ? listen->cap * 2 : 4;
            listen->conns = xvReallocN(listen->conns, listen->cap, sizeof(conn));
        }
        listen->conns[listen->nconns++] = conn;
    }
    xvTestNodeEventsRearm(node);
    pthread_mutex_unlock(&node->lock);
    return 0;
}

void
xvTestNodeEventsRemove(xvTestNode *node, virConnectPtr conn)
{
    xvTestNodeListen *listen;
    size_t i;

    pthread_mutex_lock(&node->lock);
    if (!(listen = node->listen)) {
        pthread_mutex_unlock(&node->lock);
        return;
    }
    for (i = 0; i < listen->nconns; i++) {
        if (listen->conns[i] == conn) {
            listen->conns[i] = listen->conns[--listen->nconns];
            break;
        }
    }
    if (listen->nconns > 0) {
        pthread_mutex_unlock(&node->lock);
        return;
    }
    node->listen = NULL;
    pthread_mutex_unlock(&node->lock);
    testNodeListenFree(listen);
}
