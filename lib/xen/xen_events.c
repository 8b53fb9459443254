/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_events.c: lifecycle events from successive domain lists (xen_events.h). */
#include "config.h"

#include "xen/xen_events.h"

#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "internal.h"

typedef struct {
    uint32_t domid;
    unsigned char uuid[16];
    char *name;
    xvXenEvState state;
    uint64_t startingNs;        /* seen new and paused then; 0: not starting */
} xenEvDom;

struct _xvXenEventView {
    xenEvDom *doms;             /* sorted by domid; no GONE entry */
    size_t ndoms, cap;
    size_t nstarting;           /* entries with startingNs */
};

/* What a step of the comparison needs to give events. */
typedef struct {
    xvXenEventEmitFunc emit;
    void *opaque;
    uint64_t nowNs;
} xenEvOut;

xvXenEventView *
xvXenEventViewNew(void)
{
    return xvAlloc(sizeof(xvXenEventView));
}

static void
xenEvDomsFree(xenEvDom *doms, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(doms[i].name);
    free(doms);
}

void
xvXenEventViewFree(xvXenEventView *view)
{
    if (!view)
        return;
    xenEvDomsFree(view->doms, view->ndoms);
    free(view);
}

size_t
xvXenEventViewCount(const xvXenEventView *view)
{
    return view->ndoms;
}

bool
xvXenEventViewStarting(const xvXenEventView *view)
{
    return view->nstarting > 0;
}

xvXenEvState
xvXenEvStateOf(const xvXenDomInfo *info)
{
    if (info->dying)
        return XV_XEN_EV_GONE;
    if (info->shutdown) {
        switch (info->shutdownReason) {
        case XV_XEN_SHUTDOWN_CRASH:
            return XV_XEN_EV_CRASHED;
        case XV_XEN_SHUTDOWN_SOFT_RESET:
            /* the toolstack resets it and it runs on */
            return XV_XEN_EV_RUNNING;
        default:
            return XV_XEN_EV_SHUTOFF;
        }
    }
    return info->paused ? XV_XEN_EV_PAUSED : XV_XEN_EV_RUNNING;
}

/* The STOPPED detail of a domain that shut down (or went) for @reason. */
static int
xenEvStoppedDetail(unsigned int reason)
{
    switch (reason) {
    case XV_XEN_SHUTDOWN_SUSPEND:
        return VIR_DOMAIN_EVENT_STOPPED_SAVED;
    case XV_XEN_SHUTDOWN_CRASH:
        return VIR_DOMAIN_EVENT_STOPPED_CRASHED;
    case XV_XEN_SHUTDOWN_WATCHDOG:
        return VIR_DOMAIN_EVENT_STOPPED_FAILED;
    default:
        return VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    }
}

/* The id an event gives: none once the domain is not running any more. */
static int
xenEvId(uint32_t domid, xvXenEvState state)
{
    return state == XV_XEN_EV_GONE || state == XV_XEN_EV_SHUTOFF ? -1 : (int)domid;
}

static void
xenEvGive(const xenEvOut *out, const xenEvDom *dom, xvXenEvState state, int event, int detail)
{
    if (out->emit)
        out->emit(out->opaque, dom->name, dom->uuid, xenEvId(dom->domid, state), event,
                  detail);
}

/*
 * The events of @dom going from @from to @to; @info is what Xen reported
 * (NULL when the domain is not in the list at all).
 */
static void
xenEvTransition(const xenEvOut *out, const xenEvDom *dom, xvXenEvState from, xvXenEvState to,
                const xvXenDomInfo *info)
{
    if (from == to)
        return;
    switch (to) {
    case XV_XEN_EV_RUNNING:
    case XV_XEN_EV_PAUSED:
        if (from == XV_XEN_EV_PAUSED) {
            xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_RESUMED,
                      VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
            return;
        }
        if (from != XV_XEN_EV_RUNNING)
            xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
        if (to == XV_XEN_EV_PAUSED)
            xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_SUSPENDED,
                      VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        return;
    case XV_XEN_EV_CRASHED:
        if (from == XV_XEN_EV_GONE)
            xenEvGive(out, dom, XV_XEN_EV_RUNNING, VIR_DOMAIN_EVENT_STARTED,
                      VIR_DOMAIN_EVENT_STARTED_BOOTED);
        xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED);
        return;
    case XV_XEN_EV_SHUTOFF:
        if (from == XV_XEN_EV_RUNNING || from == XV_XEN_EV_PAUSED)
            xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_STOPPED,
                      xenEvStoppedDetail(info->shutdownReason));
        return;
    case XV_XEN_EV_GONE:
        if (from == XV_XEN_EV_CRASHED)
            xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        else if (from != XV_XEN_EV_SHUTOFF)
            xenEvGive(out, dom, to, VIR_DOMAIN_EVENT_STOPPED,
                      info && info->shutdown ? xenEvStoppedDetail(info->shutdownReason)
                                             : VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
        return;
    case XV_XEN_EV_LAST:
        break;
    }
}

/* A domain of the batch the view did not have under that id and UUID. */
static void
xenEvArrive(const xenEvOut *out, xenEvDom *dst, const xvXenDomInfo *info,
            xvXenEventNameFunc nameOf)
{
    const char *name = nameOf(out->opaque, info->domid);

    dst->domid = info->domid;
    memcpy(dst->uuid, info->handle, 16);
    dst->name = xvStrdup(name ? name : "");
    dst->state = xvXenEvStateOf(info);
    dst->startingNs = 0;
    if (dst->state == XV_XEN_EV_PAUSED && out->emit) {
        /* being built, most likely: wait for its unpause */
        dst->startingNs = out->nowNs ? out->nowNs : 1;
        return;
    }
    xenEvTransition(out, dst, XV_XEN_EV_GONE, dst->state, info);
}

/* A starting domain in a later batch: started when it no longer is paused,
 * or when it stayed paused too long; gone, it never started. */
static void
xenEvStarting(const xenEvOut *out, xenEvDom *dom, const xvXenDomInfo *info)
{
    if (dom->state == XV_XEN_EV_GONE)
        return;
    if (dom->state == XV_XEN_EV_PAUSED &&
        out->nowNs - dom->startingNs < XV_XEN_EV_START_WAIT_NS)
        return;
    dom->startingNs = 0;
    xenEvTransition(out, dom, XV_XEN_EV_GONE, dom->state, info);
}

/* A domain the view had, under the same id and UUID, in the batch again. */
static void
xenEvStay(const xenEvOut *out, xenEvDom *dst, xenEvDom *old, const xvXenDomInfo *info,
          xvXenEventNameFunc nameOf)
{
    const char *name = nameOf(out->opaque, info->domid);

    *dst = *old;
    old->name = NULL;           /* moved */
    if (name && !XV_STREQ(name, dst->name)) {
        free(dst->name);
        dst->name = xvStrdup(name);
    }
    dst->state = xvXenEvStateOf(info);
    if (dst->startingNs)
        xenEvStarting(out, dst, info);
    else
        xenEvTransition(out, dst, old->state, dst->state, info);
}

/* A domain the view had is not in the batch (or is another one now). */
static void
xenEvLeave(const xenEvOut *out, const xenEvDom *old)
{
    if (!old->startingNs)
        xenEvTransition(out, old, old->state, XV_XEN_EV_GONE, NULL);
}

void
xvXenEventViewUpdate(xvXenEventView *view, const xvXenDomInfo *batch, size_t n,
                     uint64_t nowNs, xvXenEventNameFunc nameOf, xvXenEventEmitFunc emit,
                     void *opaque)
{
    xenEvOut out = { emit, opaque, nowNs };
    xenEvDom *doms = xvAllocN(n + 1, sizeof(*doms));
    size_t i = 0, j = 0, k = 0, starting = 0;

    while (i < view->ndoms || j < n) {
        xenEvDom *old = i < view->ndoms ? &view->doms[i] : NULL;
        const xvXenDomInfo *info = j < n ? &batch[j] : NULL;

        if (old && (!info || old->domid < info->domid)) {
            xenEvLeave(&out, old);
            i++;
            continue;
        }
        if (old && old->domid == info->domid && memcmp(old->uuid, info->handle, 16) == 0) {
            xenEvStay(&out, &doms[k], old, info, nameOf);
            i++;
        } else {
            if (old && old->domid == info->domid) {
                /* another domain under a reused id */
                xenEvLeave(&out, old);
                i++;
            }
            xenEvArrive(&out, &doms[k], info, nameOf);
        }
        j++;
        if (doms[k].state == XV_XEN_EV_GONE) {
            free(doms[k].name);
        } else {
            starting += doms[k].startingNs != 0;
            k++;
        }
    }
    xenEvDomsFree(view->doms, view->ndoms);
    view->doms = doms;
    view->ndoms = k;
    view->cap = n + 1;
    view->nstarting = starting;
}

/* The index of @domid in the view, or where it would go (*@found false). */
static size_t
xenEvFind(const xvXenEventView *view, uint32_t domid, bool *found)
{
    size_t lo = 0, hi = view->ndoms;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (view->doms[mid].domid == domid) {
            *found = true;
            return mid;
        }
        if (view->doms[mid].domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

void
xvXenEventViewNote(xvXenEventView *view, uint32_t domid, const unsigned char *uuid,
                   const char *name, xvXenEvState state, int event, int detail,
                   xvXenEventEmitFunc emit, void *opaque)
{
    xenEvOut out = { emit, opaque, 0 };
    xenEvDom note = { .domid = domid, .name = (char *)(name ? name : ""), .state = state };
    bool found;
    size_t pos = xenEvFind(view, domid, &found);

    memcpy(note.uuid, uuid, 16);
    xenEvGive(&out, &note, state, event, detail);
    if (found && view->doms[pos].startingNs) {
        view->doms[pos].startingNs = 0;
        view->nstarting--;
    }
    if (found && state == XV_XEN_EV_GONE) {
        free(view->doms[pos].name);
        memmove(&view->doms[pos], &view->doms[pos + 1],
                (view->ndoms - pos - 1) * sizeof(*view->doms));
        view->ndoms--;
        return;
    }
    if (state == XV_XEN_EV_GONE)
        return;
    if (found) {
        xenEvDom *dom = &view->doms[pos];

        if (!XV_STREQ(dom->name, note.name)) {
            free(dom->name);
            dom->name = xvStrdup(note.name);
        }
        memcpy(dom->uuid, uuid, 16);
        dom->state = state;
        return;
    }
    if (view->ndoms == view->cap) {
        view->cap = view->cap ? view->cap * 2 : 16;
        view->doms = xvReallocN(view->doms, view->cap, sizeof(*view->doms));
    }
    memmove(&view->doms[pos + 1], &view->doms[pos], (view->ndoms - pos) * sizeof(*view->doms));
    note.name = xvStrdup(note.name);
    view->doms[pos] = note;
    view->ndoms++;
}
