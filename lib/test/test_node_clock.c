/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node_clock.c: the simulated clock of the test node and what it
 * drives: the scripted events, the shutdown timers and the injected faults,
 * run at the start of every call (xvTestNodeBegin), after the journal's
 * entries of other processes in shared mode.
 */
#include "config.h"

#include "test/test_node.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <libvirt/libvirt.h>

#include "test/test_node_private.h"
#include "util/xvclock.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

/* ---- Shutdown timers: a min-heap by time ------------------------------- */

void
xvTestNodeTimerPush(xvTestNode *node, const xvTestTimer *timer)
{
    size_t i;

    if (node->ntimers == node->timersCap) {
        node->timersCap = node->timersCap ? node->timersCap * 2 : 16;
        node->timers = xvReallocN(node->timers, node->timersCap, sizeof(*node->timers));
    }
    i = node->ntimers++;
    node->timers[i] = *timer;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        xvTestTimer tmp;

        if (node->timers[parent].atNs < node->timers[i].atNs ||
            (node->timers[parent].atNs == node->timers[i].atNs &&
             node->timers[parent].seq < node->timers[i].seq))
            break;
        tmp = node->timers[parent];
        node->timers[parent] = node->timers[i];
        node->timers[i] = tmp;
        i = parent;
    }
}

static bool
testTimerLess(const xvTestTimer *a, const xvTestTimer *b)
{
    return a->atNs < b->atNs || (a->atNs == b->atNs && a->seq < b->seq);
}

static xvTestTimer
testTimerPop(xvTestNode *node)
{
    xvTestTimer top = node->timers[0];
    size_t i = 0;

    node->timers[0] = node->timers[--node->ntimers];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        xvTestTimer tmp;

        if (l < node->ntimers && testTimerLess(&node->timers[l], &node->timers[m]))
            m = l;
        if (r < node->ntimers && testTimerLess(&node->timers[r], &node->timers[m]))
            m = r;
        if (m == i)
            break;
        tmp = node->timers[m];
        node->timers[m] = node->timers[i];
        node->timers[i] = tmp;
        i = m;
    }
    return top;
}

/* ---- Clock, events, faults --------------------------------------------- */

/* Real time elapsed since simulated time 0: since the load, or since the
 * journal's epoch when shared. */
static uint64_t
testNodeElapsedNs(const xvTestNode *node)
{
    uint64_t real;

    if (!node->journal)
        return xvClockMonoNs() - node->loadMonoNs;
    /* the monotonic clock is one for every process of the machine, and
     * unlike the wall clock never steps back */
    real = xvClockMonoNs();
    return real > node->epochNs ? real - node->epochNs : 0;
}

/* a + b, saturated at XV_TEST_MAX_NS: simulated time never wraps, however
 * fast the clock or large the advances of a (hostile) journal. */
static uint64_t
testTimeAdd(uint64_t a, uint64_t b)
{
    if (a >= XV_TEST_MAX_NS || b >= XV_TEST_MAX_NS - a)
        return XV_TEST_MAX_NS;
    return a + b;
}

static uint64_t
testNodeClock(const xvTestNode *node)
{
    uint64_t elapsed = testNodeElapsedNs(node);

    if (node->clockRate != 1.0) {
        double scaled = node->clockRate * (double)elapsed;

        elapsed = scaled < (double)XV_TEST_MAX_NS ? (uint64_t)scaled : XV_TEST_MAX_NS;
    }
    return testTimeAdd(testTimeAdd(node->clockStartNs, elapsed), node->clockOffsetNs);
}

/* New rates for a device of the running @dom; a device it does not have
 * (or of the other kind) is left alone, as events for missing domains are. */
static void
testNodeFireIo(const xvTestNode *node, xvTestDom *dom, const xvTestIoRates *rates)
{
    xvTestIoDev *dev = xvTestDomFindIoDev(dom, rates->device);

    if (!dev || (rates->kind != XV_TEST_IO_ANY && rates->kind != dev->kind))
        return;
    xvTestIoDevSetRates(node, dom, dev, rates);
}

static void
testNodeFireEvent(xvTestNode *node, const xvTestEvent *ev)
{
    xvTestDom *dom = NULL;
    size_t i;

    if (ev->domain) {
        dom = xvTestNodeFindByName(node, ev->domain);
        if (!dom)
            return;
        /* a start only touches an inactive domain, the others running ones */
        if (xvTestDomIsActive(dom) != (ev->type != XV_TEST_EVENT_START))
            return;
    }
    switch (ev->type) {
    case XV_TEST_EVENT_START:
        if (xvTestNodeDomainStart(node, dom, NULL) == 0)
            xvTestNodeEmit(node, dom, dom->id, VIR_DOMAIN_EVENT_STARTED,
                           VIR_DOMAIN_EVENT_STARTED_BOOTED);
        break;
    case XV_TEST_EVENT_DESTROY:
        /* libxl's view of a domain destroyed behind its back */
        xvTestNodeEmitStopped(node, dom, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
        xvTestNodeDomainStop(node, dom);
        break;
    case XV_TEST_EVENT_CRASH:
        if (xvTestDomVcpusRun(dom))
            xvTestDomCrash(node, dom);
        break;
    case XV_TEST_EVENT_SHUTDOWN:
    case XV_TEST_EVENT_REBOOT:
        if (dom->state == VIR_DOMAIN_RUNNING)
            xvTestDomShutdown(node, dom, ev->type == XV_TEST_EVENT_REBOOT, true);
        break;
    case XV_TEST_EVENT_VCPU_LOAD:
        xvTestDomFold(node, dom);
        for (i = 0; i < dom->nvcpus; i++) {
            if (ev->vcpu < 0 || (size_t)ev->vcpu == i)
                dom->vcpus[i].load = ev->load;
        }
        break;
    case XV_TEST_EVENT_MEMORY_DEMAND:
        dom->memDemandKiB = ev->kib;
        break;
    case XV_TEST_EVENT_IO:
        testNodeFireIo(node, dom, &ev->io);
        break;
    case XV_TEST_EVENT_HOST_FREE:
        if (ev->drop)   /* the free memory never goes below 0 anyway */
            node->hostUsedKiB = node->hostUsedKiB > node->memoryKiB
                                    ? node->hostUsedKiB
                                    : node->hostUsedKiB + (unsigned long long)ev->kib;
        else
            xvTestNodeSetHostFree(node, (unsigned long long)ev->kib);
        break;
    case XV_TEST_EVENT_HOST_USED:
        node->hostUsedKiB = (unsigned long long)ev->kib;
        break;
    case XV_TEST_EVENT_FAULT:
    case XV_TEST_EVENT_LAST:
    default:
        break;
    }
}

static void
testNodeFireTimer(xvTestNode *node, const xvTestTimer *timer)
{
    xvTestDom *dom = xvTestNodeFindByUUID(node, timer->uuid);

    if (!dom || dom->state != VIR_DOMAIN_SHUTDOWN || dom->shutdownToken != timer->token)
        return;
    xvTestDomGuestStopped(node, dom, timer->reboot, timer->guest);
}

bool
xvTestNodeNextDue(const xvTestNode *node, uint64_t *due)
{
    bool event = node->nextEvent < node->nevents;

    if (!event && node->ntimers == 0)
        return false;
    if (event && (node->ntimers == 0 || node->events[node->nextEvent].atNs <= node->timers[0].atNs))
        *due = node->events[node->nextEvent].atNs;
    else
        *due = node->timers[0].atNs;
    return true;
}

/* Fires, in time order and each at its own time, what is due by @now. */
static void
testNodeRunUntil(xvTestNode *node, uint64_t now)
{
    for (;;) {
        bool eventDue = node->nextEvent < node->nevents &&
                        node->events[node->nextEvent].atNs <= now;
        bool timerDue = node->ntimers > 0 && node->timers[0].atNs <= now;

        if (!eventDue && !timerDue)
            break;
        /* the earlier of the two; the event first on a tie */
        if (timerDue &&
            (!eventDue || node->timers[0].atNs < node->events[node->nextEvent].atNs)) {
            xvTestTimer timer = testTimerPop(node);

            if (timer.atNs > node->nowNs)
                node->nowNs = timer.atNs;
            testNodeFireTimer(node, &timer);
        } else {
            const xvTestEvent *ev = &node->events[node->nextEvent++];

            if (ev->atNs > node->nowNs)
                node->nowNs = ev->atNs;
            testNodeFireEvent(node, ev);
        }
    }
    if (now > node->nowNs)
        node->nowNs = now;
}

static const xvTestFault *
testNodeFaultMatch(xvTestNode *node, xvTestCall call, const char *domName)
{
    size_t i;

    for (i = 0; i < node->nfaults[call]; i++) {
        xvTestFault *f = &node->faults[call][i];

        if (node->nowNs < f->fromNs || node->nowNs >= f->untilNs || f->remaining == 0)
            continue;
        if (f->domain && !XV_STREQ_NULLABLE(f->domain, domName))
            continue;
        if (f->remaining > 0)
            f->remaining--;
        return f;
    }
    return NULL;
}

static void
testSleepSeconds(double seconds)
{
    struct timespec ts;

    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* Replays one journal entry: the node runs up to the entry's time, then
 * applies it. Errors of the replay are not the caller's. */
static void
testNodeReplay(void *opaque, const xvTestJournalEntry *entry)
{
    xvTestNode *node = opaque;

    testNodeRunUntil(node, entry->atNs);
    node->apply(node, entry);
    virResetLastError();
}

/* Locks the node and brings it to now: when shared, takes the journal's
 * flock and replays what other processes appended. On failure the node is
 * unlocked. */
static int
testNodeLock(xvTestNode *node)
{
    pthread_mutex_lock(&node->lock);
    if (node->journal) {
        if (xvTestJournalLock(node->journal) < 0) {
            pthread_mutex_unlock(&node->lock);
            return -1;
        }
        if (xvTestJournalRead(node->journal, testNodeReplay, node) < 0) {
            xvTestJournalUnlock(node->journal);
            pthread_mutex_unlock(&node->lock);
            return -1;
        }
    }
    testNodeRunUntil(node, testNodeClock(node));
    return 0;
}

static void
testNodeUnlock(xvTestNode *node)
{
    if (node->listen)
        xvTestNodeEventsRearm(node);
    if (node->journal)
        xvTestJournalUnlock(node->journal);
    pthread_mutex_unlock(&node->lock);
}

int
xvTestNodeBegin(xvTestNode *node, xvTestCall call, const char *domName)
{
    const xvTestFault *fault;
    double hang;

    if (testNodeLock(node) < 0)
        return -1;
    if ((unsigned int)call >= XV_TEST_CALL_LAST || node->nfaults[call] == 0 ||
        !(fault = testNodeFaultMatch(node, call, domName)))
        return 0;
    if (fault->mode == XV_TEST_FAULT_FAIL) {
        if (domName)
            xvReportError(VIR_ERR_OPERATION_FAILED, "injected fault: %s failed for domain '%s'",
                          xvTestCallToString(call), domName);
        else
            xvReportError(VIR_ERR_OPERATION_FAILED, "injected fault: %s failed",
                          xvTestCallToString(call));
        testNodeUnlock(node);
        return -1;
    }
    hang = fault->hangSeconds;
    testNodeUnlock(node);
    testSleepSeconds(hang);
    return testNodeLock(node);
}

void
xvTestNodeEnd(xvTestNode *node)
{
    testNodeUnlock(node);
}

int
xvTestNodeShare(xvTestNode *node, const char *journalPath, xvTestNodeApplyFn apply)
{
    double rate;

    node->journal = xvTestJournalOpen(journalPath, node->path ? node->path : "default",
                                      node->clockRate, &node->epochNs, &rate);
    if (!node->journal)
        return -1;
    node->clockRate = rate;
    node->apply = apply;
    return 0;
}

int
xvTestNodeRecord(xvTestNode *node, const xvTestJournalEntry *entry)
{
    xvTestJournalEntry timed;

    if (!node->journal)
        return 0;
    timed = *entry;
    timed.atNs = node->nowNs;
    return xvTestJournalAppend(node->journal, &timed);
}

void
xvTestNodeAddClockOffset(xvTestNode *node, uint64_t ns)
{
    node->clockOffsetNs = testTimeAdd(node->clockOffsetNs, ns);
}

uint64_t
xvTestNodeClockNow(const xvTestNode *node)
{
    return testNodeClock(node);
}

void
xvTestNodeRunToNow(xvTestNode *node)
{
    testNodeRunUntil(node, testNodeClock(node));
}

int
xvTestNodeFreezeClock(xvTestNode *node)
{
    uint64_t now;

    if (node->clockRate == 0)
        return 0;
    if (node->journal)
        return -1;
    now = testNodeClock(node);
    node->clockRate = 0;
    /* the same reading from now on: start + 0 + offset */
    node->clockStartNs = now >= node->clockOffsetNs ? now - node->clockOffsetNs : 0;
    return 0;
}

void
xvTestNodeAdvanceClock(xvTestNode *node, uint64_t ns)
{
    pthread_mutex_lock(&node->lock);
    node->clockOffsetNs = testTimeAdd(node->clockOffsetNs, ns);
    testNodeRunUntil(node, testNodeClock(node));
    if (node->listen)
        xvTestNodeEventsRearm(node);
    pthread_mutex_unlock(&node->lock);
}
