/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * event.c: the event loop the library delivers events through (libvirt.h,
 * "Events"): the six hooks a program registers with virEventRegisterImpl(),
 * and the library's own loop on poll(2) for programs without one
 * (virEventRegisterDefaultImpl() + virEventRunDefaultImpl(), e.g. xvirsh
 * event).
 *
 * The default loop may be given handles and timers from any thread while
 * another one runs it: a self-pipe wakes the poll() so that a change is
 * seen at once. Callbacks run with the loop's lock released, so they may
 * add, change or remove handles and timers, their own included; a removed
 * entry is only marked, and its free callback runs at the end of the
 * iteration, never from inside virEventRemove*() (libvirt's rule: the
 * caller may hold locks the free callback takes).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "debug.h"
#include "internal.h"
#include "util/xvclock.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_NONE

/* ---- the registered hooks ------------------------------------------------ */

typedef struct {
    virEventAddHandleFunc addHandle;
    virEventUpdateHandleFunc updateHandle;
    virEventRemoveHandleFunc removeHandle;
    virEventAddTimeoutFunc addTimeout;
    virEventUpdateTimeoutFunc updateTimeout;
    virEventRemoveTimeoutFunc removeTimeout;
} xvEventImpl;

static pthread_mutex_t implLock = PTHREAD_MUTEX_INITIALIZER;
static xvEventImpl impl;

static xvEventImpl
eventImplGet(void)
{
    xvEventImpl copy;

    pthread_mutex_lock(&implLock);
    copy = impl;
    pthread_mutex_unlock(&implLock);
    return copy;
}

static void
eventImplSet(xvEventImpl with)
{
    pthread_mutex_lock(&implLock);
    impl = with;
    pthread_mutex_unlock(&implLock);
}

XV_EXPORT void
virEventRegisterImpl(virEventAddHandleFunc addHandle, virEventUpdateHandleFunc updateHandle,
                     virEventRemoveHandleFunc removeHandle, virEventAddTimeoutFunc addTimeout,
                     virEventUpdateTimeoutFunc updateTimeout,
                     virEventRemoveTimeoutFunc removeTimeout)
{
    XV_TRACE_CALL("addHandle=%s", addHandle ? "set" : "NULL");
    eventImplSet((xvEventImpl){ addHandle, updateHandle, removeHandle,
                                addTimeout, updateTimeout, removeTimeout });
}

XV_EXPORT int
virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque,
                  virFreeCallback ff)
{
    xvEventImpl i = eventImplGet();

    XV_TRACE_CALL("fd=%d, events=%d", fd, events);
    return i.addHandle ? i.addHandle(fd, events, cb, opaque, ff) : -1;
}

XV_EXPORT void
virEventUpdateHandle(int watch, int events)
{
    xvEventImpl i = eventImplGet();

    XV_TRACE_CALL("watch=%d, events=%d", watch, events);
    if (i.updateHandle)
        i.updateHandle(watch, events);
}

XV_EXPORT int
virEventRemoveHandle(int watch)
{
    xvEventImpl i = eventImplGet();

    XV_TRACE_CALL("watch=%d", watch);
    return i.removeHandle ? i.removeHandle(watch) : -1;
}

XV_EXPORT int
virEventAddTimeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    xvEventImpl i = eventImplGet();

    XV_TRACE_CALL("timeout=%d", timeout);
    return i.addTimeout ? i.addTimeout(timeout, cb, opaque, ff) : -1;
}

XV_EXPORT void
virEventUpdateTimeout(int timer, int timeout)
{
    xvEventImpl i = eventImplGet();

    XV_TRACE_CALL("timer=%d, timeout=%d", timer, timeout);
    if (i.updateTimeout)
        i.updateTimeout(timer, timeout);
}

XV_EXPORT int
virEventRemoveTimeout(int timer)
{
    xvEventImpl i = eventImplGet();

    XV_TRACE_CALL("timer=%d", timer);
    return i.removeTimeout ? i.removeTimeout(timer) : -1;
}

/* ---- the default loop ---------------------------------------------------- */

typedef struct {
    int watch;
    int fd;
    int events;                 /* virEventHandleType */
    virEventHandleCallback cb;
    void *opaque;
    virFreeCallback ff;
    bool deleted;
} xvLoopHandle;

typedef struct {
    int timer;
    int frequency;              /* ms; -1 disabled, 0 every iteration */
    uint64_t dueMs;             /* monotonic */
    virEventTimeoutCallback cb;
    void *opaque;
    virFreeCallback ff;
    bool deleted;
} xvLoopTimer;

static struct {
    pthread_mutex_t lock;
    bool registered;
    int wakeup[2];              /* the self-pipe: [0] polled, [1] written */
    xvLoopHandle *handles;
    size_t nhandles, handlesCap;
    xvLoopTimer *timers;
    size_t ntimers, timersCap;
    int lastWatch, lastTimer;
    bool running;               /* a thread is in poll() */
} loop = { .lock = PTHREAD_MUTEX_INITIALIZER, .wakeup = { -1, -1 } };

/* Loop locked: makes a poll() in progress return, to see a change. */
static void
loopWake(void)
{
    char c = 0;

    if (loop.running && write(loop.wakeup[1], &c, 1) < 0 && errno != EAGAIN)
        return;     /* nothing better to do: the next iteration sees it */
}

static int
loopAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    int watch;

    if (fd < 0 || !cb)
        return -1;
    pthread_mutex_lock(&loop.lock);
    if (loop.nhandles == loop.handlesCap) {
        loop.handlesCap = loop.handlesCap ? loop.handlesCap * 2 : 8;
        loop.handles = xvReallocN(loop.handles, loop.handlesCap, sizeof(*loop.handles));
    }
    watch = ++loop.lastWatch;
    loop.handles[loop.nhandles++] = (xvLoopHandle){ watch, fd, events, cb, opaque, ff, false };
    loopWake();
    pthread_mutex_unlock(&loop.lock);
    return watch;
}

/* Loop locked: the live handle @watch, or NULL. */
static xvLoopHandle *
loopFindHandle(int watch)
{
    size_t i;

    for (i = 0; i < loop.nhandles; i++) {
        if (loop.handles[i].watch == watch && !loop.handles[i].deleted)
            return &loop.handles[i];
    }
    return NULL;
}

static void
loopUpdateHandle(int watch, int events)
{
    xvLoopHandle *h;

    pthread_mutex_lock(&loop.lock);
    if ((h = loopFindHandle(watch))) {
        h->events = events;
        loopWake();
    }
    pthread_mutex_unlock(&loop.lock);
}

static int
loopRemoveHandle(int watch)
{
    xvLoopHandle *h;

    pthread_mutex_lock(&loop.lock);
    if ((h = loopFindHandle(watch))) {
        h->deleted = true;
        loopWake();
    }
    pthread_mutex_unlock(&loop.lock);
    return h ? 0 : -1;
}

static int
loopAddTimeout(int frequency, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    int timer;

    if (!cb)
        return -1;
    pthread_mutex_lock(&loop.lock);
    if (loop.ntimers == loop.timersCap) {
        loop.timersCap = loop.timersCap ? loop.timersCap * 2 : 8;
        loop.timers = xvReallocN(loop.timers, loop.timersCap, sizeof(*loop.timers));
    }
    timer = ++loop.lastTimer;
    loop.timers[loop.ntimers++] = (xvLoopTimer){
        timer, frequency, frequency >= 0 ? xvClockMonoMs() + (uint64_t)frequency : 0,
        cb, opaque, ff, false
    };
    loopWake();
    pthread_mutex_unlock(&loop.lock);
    return timer;
}

static xvLoopTimer *
loopFindTimer(int timer)
{
    size_t i;

    for (i = 0; i < loop.ntimers; i++) {
        if (loop.timers[i].timer == timer && !loop.timers[i].deleted)
            return &loop.timers[i];
    }
    return NULL;
}

static void
loopUpdateTimeout(int timer, int frequency)
{
    xvLoopTimer *t;

    pthread_mutex_lock(&loop.lock);
    if ((t = loopFindTimer(timer))) {
        t->frequency = frequency;
        t->dueMs = frequency >= 0 ? xvClockMonoMs() + (uint64_t)frequency : 0;
        loopWake();
    }
    pthread_mutex_unlock(&loop.lock);
}

static int
loopRemoveTimeout(int timer)
{
    xvLoopTimer *t;

    pthread_mutex_lock(&loop.lock);
    if ((t = loopFindTimer(timer))) {
        t->deleted = true;
        loopWake();
    }
    pthread_mutex_unlock(&loop.lock);
    return t ? 0 : -1;
}

XV_EXPORT int
virEventRegisterDefaultImpl(void)
{
    virResetLastError();
    XV_TRACE_CALL("%s", "");
    pthread_mutex_lock(&loop.lock);
    if (!loop.registered) {
        if (pipe2(loop.wakeup, O_CLOEXEC | O_NONBLOCK) < 0) {
            pthread_mutex_unlock(&loop.lock);
            xvReportSystemError(errno, "%s", "cannot create the event loop's wakeup pipe");
            xvDispatchError(NULL);
            return -1;
        }
        loop.registered = true;
    }
    pthread_mutex_unlock(&loop.lock);
    eventImplSet((xvEventImpl){ loopAddHandle, loopUpdateHandle, loopRemoveHandle,
                                loopAddTimeout, loopUpdateTimeout, loopRemoveTimeout });
    return 0;
}

/* Loop locked: the poll() timeout in ms to the first timer due (-1: none). */
static int
loopPollTimeout(uint64_t nowMs)
{
    int64_t best = -1;
    size_t i;

    for (i = 0; i < loop.ntimers; i++) {
        const xvLoopTimer *t = &loop.timers[i];
        int64_t wait;

        if (t->deleted || t->frequency < 0)
            continue;
        wait = t->dueMs > nowMs ? (int64_t)(t->dueMs - nowMs) : 0;
        if (best < 0 || wait < best)
            best = wait;
    }
    return best > INT32_MAX ? INT32_MAX : (int)best;
}

static short
loopToPoll(int events)
{
    return (short)(((events & VIR_EVENT_HANDLE_READABLE) ? POLLIN : 0) |
                   ((events & VIR_EVENT_HANDLE_WRITABLE) ? POLLOUT : 0));
}

static int
loopFromPoll(short revents)
{
    return ((revents & POLLIN) ? VIR_EVENT_HANDLE_READABLE : 0) |
           ((revents & POLLOUT) ? VIR_EVENT_HANDLE_WRITABLE : 0) |
           ((revents & (POLLERR | POLLNVAL)) ? VIR_EVENT_HANDLE_ERROR : 0) |
           ((revents & POLLHUP) ? VIR_EVENT_HANDLE_HANGUP : 0);
}

/* Loop locked: runs every timer due, each once (unlocked during its callback). */
static void
loopRunTimers(void)
{
    uint64_t now = xvClockMonoMs();
    size_t i;

    for (i = 0; i < loop.ntimers; i++) {
        xvLoopTimer *t = &loop.timers[i];
        virEventTimeoutCallback cb;
        void *opaque;
        int timer;

        if (t->deleted || t->frequency < 0 || t->dueMs > now)
            continue;
        t->dueMs = now + (uint64_t)t->frequency;
        cb = t->cb;
        opaque = t->opaque;
        timer = t->timer;
        pthread_mutex_unlock(&loop.lock);
        cb(timer, opaque);
        pthread_mutex_lock(&loop.lock);
    }
}

/* Loop locked: runs the callbacks of the handles @fds says are ready. */
static void
loopRunHandles(const struct pollfd *fds, const int *watches, size_t nfds)
{
    size_t i;

    for (i = 0; i < nfds; i++) {
        xvLoopHandle *h;
        virEventHandleCallback cb;
        void *opaque;
        int fd, events;

        if (!fds[i].revents || !(h = loopFindHandle(watches[i])))
            continue;
        cb = h->cb;
        opaque = h->opaque;
        fd = h->fd;
        events = loopFromPoll(fds[i].revents);
        pthread_mutex_unlock(&loop.lock);
        cb(watches[i], fd, events, opaque);
        pthread_mutex_lock(&loop.lock);
    }
}

/* Loop locked: drops the removed entries; their free callbacks run unlocked. */
static void
loopPurge(void)
{
    size_t i, j;

    for (i = 0, j = 0; i < loop.nhandles; i++) {
        xvLoopHandle h = loop.handles[i];

        if (!h.deleted) {
            loop.handles[j++] = h;
            continue;
        }
        if (h.ff) {
            pthread_mutex_unlock(&loop.lock);
            h.ff(h.opaque);
            pthread_mutex_lock(&loop.lock);
        }
    }
    /* (entries a free callback added went through the same loop: i re-reads
     * nhandles, so every live entry is below j now) */
    loop.nhandles = j;
    for (i = 0, j = 0; i < loop.ntimers; i++) {
        xvLoopTimer t = loop.timers[i];

        if (!t.deleted) {
            loop.timers[j++] = t;
            continue;
        }
        if (t.ff) {
            pthread_mutex_unlock(&loop.lock);
            t.ff(t.opaque);
            pthread_mutex_lock(&loop.lock);
        }
    }
    loop.ntimers = j;
}

XV_EXPORT int
virEventRunDefaultImpl(void)
{
    XV_AUTOFREE(struct pollfd *) fds = NULL;
    XV_AUTOFREE(int *) watches = NULL;
    size_t nfds = 0, i;
    char drain[64];
    int timeout, rc;

    virResetLastError();
    XV_TRACE_CALL("%s", "");
    pthread_mutex_lock(&loop.lock);
    if (!loop.registered) {
        pthread_mutex_unlock(&loop.lock);
        xvReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "the default event loop is not registered (virEventRegisterDefaultImpl)");
        xvDispatchError(NULL);
        return -1;
    }
    loopPurge();
    fds = xvAllocN(loop.nhandles + 1, sizeof(*fds));
    watches = xvAllocN(loop.nhandles + 1, sizeof(*watches));
    fds[nfds++] = (struct pollfd){ .fd = loop.wakeup[0], .events = POLLIN };
    for (i = 0; i < loop.nhandles; i++) {
        if (loop.handles[i].deleted || !loop.handles[i].events)
            continue;
        watches[nfds] = loop.handles[i].watch;
        fds[nfds++] = (struct pollfd){ .fd = loop.handles[i].fd,
                                       .events = loopToPoll(loop.handles[i].events) };
    }
    timeout = loopPollTimeout(xvClockMonoMs());
    loop.running = true;
    pthread_mutex_unlock(&loop.lock);

    rc = poll(fds, nfds, timeout);

    pthread_mutex_lock(&loop.lock);
    loop.running = false;
    if (rc < 0) {
        int err = errno;

        pthread_mutex_unlock(&loop.lock);
        if (err == EINTR)
            return 0;   /* a signal: the caller decides whether to go on */
        xvReportSystemError(err, "%s", "poll() in the event loop failed");
        xvDispatchError(NULL);
        return -1;
    }
    if (fds[0].revents & POLLIN) {
        while (read(loop.wakeup[0], drain, sizeof(drain)) > 0)
            ;
    }
    loopRunTimers();
    loopRunHandles(fds + 1, watches + 1, nfds - 1);
    loopPurge();
    pthread_mutex_unlock(&loop.lock);
    return 0;
}
