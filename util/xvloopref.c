/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvloopref.c: a reference-counted, locked pointer for event-loop callbacks. */
#include "config.h"

#include "util/xvloopref.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/xvalloc.h"

struct _xvLoopRef {
    pthread_mutex_t lock;
    void *target;               /* NULL once cleared */
    int refs;                   /* under lock */
    void (*dispose)(void *arg);
    void *arg;
};

xvLoopRef *
xvLoopRefNew(void *target, void (*dispose)(void *arg), void *arg)
{
    xvLoopRef *ref = xvAlloc(sizeof(*ref));

    pthread_mutex_init(&ref->lock, NULL);
    ref->target = target;
    ref->refs = 1;
    ref->dispose = dispose;
    ref->arg = arg;
    return ref;
}

xvLoopRef *
xvLoopRefAcquire(xvLoopRef *ref)
{
    pthread_mutex_lock(&ref->lock);
    ref->refs++;
    pthread_mutex_unlock(&ref->lock);
    return ref;
}

void
xvLoopRefRelease(void *opaque)
{
    xvLoopRef *ref = opaque;
    int refs;

    pthread_mutex_lock(&ref->lock);
    refs = --ref->refs;
    pthread_mutex_unlock(&ref->lock);
    if (refs > 0)
        return;
    if (ref->dispose)
        ref->dispose(ref->arg);
    pthread_mutex_destroy(&ref->lock);
    free(ref);
}

void *
xvLoopRefLock(xvLoopRef *ref)
{
    pthread_mutex_lock(&ref->lock);
    return ref->target;
}

void
xvLoopRefUnlock(xvLoopRef *ref)
{
    pthread_mutex_unlock(&ref->lock);
}

void
xvLoopRefClear(xvLoopRef *ref)
{
    pthread_mutex_lock(&ref->lock);
    ref->target = NULL;
    pthread_mutex_unlock(&ref->lock);
}
