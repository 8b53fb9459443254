/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* whatif.c: xvirt-agent --what-if: the policies on a simulated copy of a host, fast-forwarded. */
#include "config.h"

#include "whatif.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "agent.h"
#include "clock.h"
#include "event_impl.h"
#include "src/conf/conf_value.h"
#include "src/policy/engine.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvclock.h"
#include "util/xvevent.h"
#include "util/xvhash.h"
#include "util/xvlog.h"
#include "util/xvmacros.h"
#include "worker.h"

#define NS_PER_MS 1000000ULL
#define WHATIF_STOP_TIMEOUT_MS 10000

/* ---- the test driver's hooks (test/test_driverpriv.h) ------------------ */

typedef struct {
    int (*advance)(virConnectPtr conn, unsigned long long ns);
    int (*timeNs)(virConnectPtr conn, unsigned long long *ns);
    int (*freeze)(virConnectPtr conn);
    int (*nextDue)(virConnectPtr conn, unsigned long long *ns);
    int (*addEvents)(virConnectPtr conn, const char *path);
} whatIfHooks;

/* Looks the hooks up in the library the agent runs with; false (said) when
 * it is not libxvirt. */
static bool
whatIfFindHooks(whatIfHooks *h)
{
    /* dlsym returns void *: a function pointer's bytes through memcpy, the
     * way POSIX means it */
    static const char *const names[] = {
        "xvTestDriverAdvanceClock", "xvTestDriverGetTimeNs", "xvTestDriverFreezeClock",
        "xvTestDriverNextDueNs", "xvTestDriverAddEvents",
    };
    void (**slots[])(void) = {
        (void (**)(void))&h->advance, (void (**)(void))&h->timeNs,
        (void (**)(void))&h->freeze, (void (**)(void))&h->nextDue,
        (void (**)(void))&h->addEvents,
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(names); i++) {
        void *sym = dlsym(RTLD_DEFAULT, names[i]);

        if (!sym) {
            fprintf(stderr, "xvirt-agent: --what-if needs libxvirt's test driver (%s is "
                    "missing: this agent runs with another libvirt)\n", names[i]);
            return false;
        }
        memcpy(slots[i], &sym, sizeof(sym));
    }
    return true;
}

/* ---- the timeline ------------------------------------------------------- */

typedef enum {
    WHATIF_ACTION = 0,      /* a policy's outcome */
    WHATIF_EVENT,           /* a lifecycle event of the copy */
    WHATIF_WAIT,            /* a crashed domain a restart policy leaves for its back-off */
} whatIfKind;

typedef struct {
    uint64_t atNs;          /* simulated time since the start */
    whatIfKind kind;
    char *domain;
    char uuid[37];
    /* WHATIF_ACTION */
    char *policy;
    xvPolicyActionKind action;
    xvPolicyResult result;
    int vcpu;               /* -1: the whole domain */
    char *reason;
    char *before;
    char *after;
    char *detail;           /* NULL: nothing more */
    /* WHATIF_EVENT */
    int event;              /* virDomainEventType */
    int eventDetail;
    /* WHATIF_WAIT (with policy, domain, uuid) */
    uint64_t untilNs;       /* the next attempt, since the start */
} whatIfEntry;

/* How one domain's memory went, from the samples. */
typedef struct {
    char *name;
    uint64_t firstKiB, lastKiB, minKiB, maxKiB;
    uint64_t lastSeq;       /* the last sample that showed it active */
} whatIfMemory;

typedef struct {
    const xvWhatIfOptions *opts;
    whatIfHooks hooks;
    virConnectPtr ctl;      /* the run's own connection: clock, events */
    int callbackID;         /* its lifecycle callback; -1: none */
    xvAgentClock *clock;
    uint64_t startMonoNs;
    uint64_t startRealMs;
    uint64_t eventGapNs;    /* sampling.event_min_gap */
    xvWorker *worker;
    xvPolicyEngine *engine;
    size_t dryRunIgnored;
    /* this thread only: the time of the events being dispatched, and
     * whether one was (the sampler is asked for a sample once the clock is
     * there, as the agent's listener does: xvWorkerKickSoon) */
    uint64_t eventAtNs;
    bool eventSeen;

    pthread_mutex_t lock;   /* the fields below: the sampler writes them */
    pthread_cond_t idleCond;
    uint64_t idleGen;       /* bumped each time the sampler goes idle */
    whatIfEntry *entries;
    size_t nentries, entriesCap;
    uint64_t samples;
    bool haveFree;
    uint64_t freeMinBytes, freeMaxBytes, freeLastBytes;
    uint64_t freeMinAtNs, freeMaxAtNs;
    xvHash *memIndex;       /* name -> position + 1 in mem */
    xvHash *waits;          /* uuid -> the next attempt last reported (ms since the
                             * epoch, as a pointer): a back-off is said once */
    whatIfMemory *mem;
    size_t nmem;
    const xvSnapshot *last; /* the last sample (a reference) */
    xvPolicyReportPolicy *policies;  /* as the first report listed them */
    size_t npolicies;
    uint64_t failedSamples;
} whatIfRun;

static uint64_t
whatIfNowNs(const whatIfRun *run)
{
    return xvAgentClockMonoNs(run->clock) - run->startMonoNs;
}

/* Lock held. */
static whatIfEntry *
whatIfAddEntry(whatIfRun *run, whatIfKind kind, uint64_t atNs)
{
    whatIfEntry *e;

    if (run->nentries == run->entriesCap) {
        run->entriesCap = run->entriesCap ? run->entriesCap * 2 : 64;
        run->entries = xvReallocN(run->entries, run->entriesCap, sizeof(*run->entries));
    }
    e = &run->entries[run->nentries++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->atNs = atNs;
    e->vcpu = -1;
    return e;
}

static void
whatIfEntryClear(whatIfEntry *e)
{
    free(e->domain);
    free(e->policy);
    free(e->reason);
    free(e->before);
    free(e->after);
    free(e->detail);
}

/* Sampler thread: every outcome of the policies. */
static void
whatIfRecord(const xvPolicyOutcome *o, void *opaque)
{
    whatIfRun *run = opaque;
    uint64_t atMs = o->atMs > run->startRealMs ? o->atMs - run->startRealMs : 0;
    whatIfEntry *e;

    pthread_mutex_lock(&run->lock);
    e = whatIfAddEntry(run, WHATIF_ACTION, atMs * NS_PER_MS);
    e->domain = xvStrdup(o->action->domain);
    snprintf(e->uuid, sizeof(e->uuid), "%s", o->action->uuidstr);
    e->policy = xvStrdup(o->policy);
    e->action = o->action->kind;
    e->result = o->result;
    e->vcpu = o->action->vcpu;
    e->reason = xvStrdup(o->action->reason);
    e->before = xvStrdup(o->before);
    e->after = xvStrdup(o->after);
    e->detail = o->detail ? xvStrdup(o->detail) : NULL;
    pthread_mutex_unlock(&run->lock);
}

/* This thread (the event dispatch): a lifecycle event of the copy. */
static int
whatIfOnEvent(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    whatIfRun *run = opaque;
    const char *name = virDomainGetName(dom);
    whatIfEntry *e;

    (void)conn;
    pthread_mutex_lock(&run->lock);
    e = whatIfAddEntry(run, WHATIF_EVENT, run->eventAtNs);
    e->domain = xvStrdup(name ? name : "?");
    if (virDomainGetUUIDString(dom, e->uuid) < 0)
        e->uuid[0] = '\0';
    e->event = event;
    e->eventDetail = detail;
    pthread_mutex_unlock(&run->lock);
    run->eventSeen = true;
    return 0;
}

/* ---- the samples ----------------------------------------------------------- */

static void
whatIfNoteMemory(whatIfRun *run, const xvSnapshot *snap)
{
    size_t i;

    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *d = &snap->domains[i];
        uintptr_t pos;
        whatIfMemory *m;

        if (d->id < 0)
            continue;
        if (!(pos = (uintptr_t)xvHashLookupStr(run->memIndex, d->name))) {
            run->mem = xvReallocN(run->mem, run->nmem + 1, sizeof(*run->mem));
            m = &run->mem[run->nmem++];
            m->name = xvStrdup(d->name);
            m->firstKiB = m->minKiB = m->maxKiB = d->memKiB;
            xvHashAddStr(run->memIndex, m->name, (void *)(uintptr_t)run->nmem);
        } else {
            m = &run->mem[pos - 1];
        }
        m->lastKiB = d->memKiB;
        m->lastSeq = snap->seq;
        if (d->memKiB < m->minKiB)
            m->minKiB = d->memKiB;
        if (d->memKiB > m->maxKiB)
            m->maxKiB = d->memKiB;
    }
}

static void
whatIfNoteFree(whatIfRun *run, const xvSnapshot *snap, uint64_t atNs)
{
    if (!snap->nodeFreeOk)
        return;
    if (!run->haveFree || snap->nodeFreeBytes < run->freeMinBytes) {
        run->freeMinBytes = snap->nodeFreeBytes;
        run->freeMinAtNs = atNs;
    }
    if (!run->haveFree || snap->nodeFreeBytes > run->freeMaxBytes) {
        run->freeMaxBytes = snap->nodeFreeBytes;
        run->freeMaxAtNs = atNs;
    }
    run->freeLastBytes = snap->nodeFreeBytes;
    run->haveFree = true;
}

/* The restart policy's name, when the configuration has one (the
 * bookkeeping of restarts is the domain's, whichever policy made them). */
static const char *
whatIfRestartPolicy(const whatIfRun *run)
{
    const char *name = NULL;
    size_t i;

    for (i = 0; i < run->npolicies; i++) {
        if (run->policies[i].enabled && strcmp(run->policies[i].type, "restart") == 0) {
            if (name)
                return "restart";
            name = run->policies[i].name;
        }
    }
    return name ? name : "restart";
}

/* Whether the policies acted on @uuid in the sample of @atNs (their
 * outcomes are the last entries). Lock held. */
static bool
whatIfActedOn(const whatIfRun *run, const char *uuid, uint64_t atNs)
{
    size_t i;

    for (i = run->nentries; i > 0; i--) {
        const whatIfEntry *e = &run->entries[i - 1];

        if (e->atNs / NS_PER_MS < atNs / NS_PER_MS)
            break;
        if (e->kind == WHATIF_ACTION && strcmp(e->uuid, uuid) == 0)
            return true;
    }
    return false;
}

/* A crashed domain in a restart back-off: said once per back-off, with
 * when the next attempt comes (the policy acts then, or gives up). Lock held. */
static void
whatIfNoteWaits(whatIfRun *run, const xvSnapshot *snap, const xvPolicyReport *report,
                uint64_t atNs)
{
    size_t i, d;

    for (i = 0; report && i < report->nrestarts; i++) {
        const xvPolicyReportRestart *x = &report->restarts[i];
        uint64_t until = atNs + x->backoffMs * NS_PER_MS;
        whatIfEntry *e;

        if (x->backoffMs == 0 || x->gaveUp)
            continue;
        for (d = 0; d < snap->ndomains; d++) {
            if (strcmp(snap->domains[d].uuidstr, x->uuidstr) == 0)
                break;
        }
        if (d == snap->ndomains || snap->domains[d].state != VIR_DOMAIN_CRASHED ||
            whatIfActedOn(run, x->uuidstr, atNs))
            continue;
        /* the same back-off, seen again at a later sample: said already */
        if ((uintptr_t)xvHashLookupStr(run->waits, x->uuidstr) == (uintptr_t)(until / NS_PER_MS))
            continue;
        xvHashRemoveStr(run->waits, x->uuidstr);
        xvHashAddStr(run->waits, x->uuidstr, (void *)(uintptr_t)(until / NS_PER_MS));
        e = whatIfAddEntry(run, WHATIF_WAIT, atNs);
        e->domain = xvStrdup(x->domain);
        snprintf(e->uuid, sizeof(e->uuid), "%s", x->uuidstr);
        e->policy = xvStrdup(whatIfRestartPolicy(run));
        e->action = XV_POLICY_ACTION_RESTART;
        e->untilNs = until;
    }
}

/* The policies of the first report, for the summary. */
static void
whatIfNotePolicies(whatIfRun *run, const xvPolicyReport *report)
{
    size_t i;

    if (run->policies || !report || report->npolicies == 0)
        return;
    run->policies = xvAllocN(report->npolicies, sizeof(*run->policies));
    for (i = 0; i < report->npolicies; i++) {
        run->policies[i].name = xvStrdup(report->policies[i].name);
        run->policies[i].type = report->policies[i].type;
        run->policies[i].enabled = report->policies[i].enabled;
        run->policies[i].dryRun = report->policies[i].dryRun;
    }
    run->npolicies = report->npolicies;
}

/* Sampler thread: the policies on each sample, on the stepped clock. */
static void *
whatIfRunPolicies(struct _virConnect *conn, const xvSnapshot *snap, uint64_t realNowMs,
                  void *opaque)
{
    whatIfRun *run = opaque;

    return xvPolicyEngineRunAt(run->engine, conn, snap, realNowMs);
}

static void
whatIfReportFree(void *report)
{
    xvPolicyReportFree(report);
}

/* Sampler thread: what the summary needs of each sample. */
static void
whatIfPublish(const xvSnapshot *snap, void *report, void *opaque)
{
    whatIfRun *run = opaque;
    uint64_t atNs = snap->startedMonoNs - run->startMonoNs;

    pthread_mutex_lock(&run->lock);
    run->samples++;
    if (!snap->connected)
        run->failedSamples++;
    whatIfNoteMemory(run, snap);
    whatIfNoteFree(run, snap, atNs);
    whatIfNotePolicies(run, report);
    whatIfNoteWaits(run, snap, report, atNs);
    xvSnapshotUnref(run->last);
    run->last = snap;
    pthread_mutex_unlock(&run->lock);
    xvPolicyReportFree(report);
}

/* Sampler thread, its lock held: it waits for the clock. */
static void
whatIfIdle(void *opaque)
{
    whatIfRun *run = opaque;

    pthread_mutex_lock(&run->lock);
    run->idleGen++;
    pthread_cond_broadcast(&run->idleCond);
    pthread_mutex_unlock(&run->lock);
}

/* Waits until the sampler has taken every sample due and waits for the
 * clock. (Never with run->lock held while asking the sampler: the idle
 * hook takes run->lock under the sampler's.) */
static void
whatIfWaitIdle(whatIfRun *run)
{
    for (;;) {
        xvWorkerProgress progress;
        uint64_t gen;

        pthread_mutex_lock(&run->lock);
        gen = run->idleGen;
        pthread_mutex_unlock(&run->lock);
        xvWorkerGetProgress(run->worker, &progress);
        if (progress.idle)
            return;
        pthread_mutex_lock(&run->lock);
        while (run->idleGen == gen)
            pthread_cond_wait(&run->idleCond, &run->lock);
        pthread_mutex_unlock(&run->lock);
    }
}

/* Dispatches the lifecycle events the copy queued, as happening @atNs
 * after the start. */
static void
whatIfPumpEvents(whatIfRun *run, struct event_base *base, uint64_t atNs)
{
    run->eventAtNs = atNs;
    /* the dispatch is a zero timeout, which one pass runs; a second one
     * catches what the first pass's callbacks queued */
    event_base_loop(base, EVLOOP_NONBLOCK);
    event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Once the sampler's clock is where the events were: a sample soon for
 * them, coalesced by sampling.event_min_gap (sampling.events), then waits
 * for it. */
static void
whatIfKickForEvents(whatIfRun *run)
{
    if (run->eventSeen && run->opts->conf->events)
        xvWorkerKickSoon(run->worker, run->eventGapNs);
    run->eventSeen = false;
    whatIfWaitIdle(run);
}

/* ---- stepping ---------------------------------------------------------------- */

/* The copy and the agent forward together to the next sample due, the next
 * scripted event of the copy or the end, whichever comes first. Returns
 * false at the end, or when the copy's clock cannot be moved (said). */
static int
whatIfStep(whatIfRun *run, struct event_base *base, uint64_t endNs)
{
    unsigned long long nodeNow, due;
    xvWorkerProgress progress;
    uint64_t target = endNs, chunk, now;
    int rc;

    /* what the last sample's actions caused */
    whatIfWaitIdle(run);
    now = whatIfNowNs(run);
    whatIfPumpEvents(run, base, now);
    whatIfKickForEvents(run);
    if (now >= endNs)
        return 0;
    xvWorkerGetProgress(run->worker, &progress);
    if (progress.nextNs - run->startMonoNs < target)
        target = progress.nextNs - run->startMonoNs;
    if (run->hooks.timeNs(run->ctl, &nodeNow) < 0 ||
        (rc = run->hooks.nextDue(run->ctl, &due)) < 0)
        goto failed;
    if (rc == 1 && due > nodeNow && due - nodeNow < target - now)
        target = now + (due - nodeNow);
    chunk = target > now ? target - now : 0;
    if (chunk > 0 && run->hooks.advance(run->ctl, chunk) < 0)
        goto failed;
    /* what happened on the copy on the way, each at its own time: the
     * stops are at the scripted times, so that is @target */
    whatIfPumpEvents(run, base, target);
    xvWorkerAdvance(run->worker, chunk);
    whatIfWaitIdle(run);        /* the clock is at @target: the kick counts from there */
    whatIfKickForEvents(run);
    return 1;

 failed:
    fprintf(stderr, "xvirt-agent: cannot move the copy's clock: %s\n",
            virGetLastErrorMessage());
    return -1;
}

/* ---- output ---------------------------------------------------------------- */

/* "01:02:03.250": simulated time since the start. */
static void
whatIfFormatTime(uint64_t ns, char *buf, size_t size)
{
    uint64_t ms = ns / NS_PER_MS;

    snprintf(buf, size, "%02llu:%02llu:%02llu.%03llu", (unsigned long long)(ms / 3600000),
             (unsigned long long)(ms / 60000 % 60), (unsigned long long)(ms / 1000 % 60),
             (unsigned long long)(ms % 1000));
}

/* "6.0 GiB", "512.0 MiB": a memory size for people. */
static void
whatIfFormatBytes(uint64_t bytes, char *buf, size_t size)
{
    if (bytes >= (1ULL << 30))
        snprintf(buf, size, "%.1f GiB", (double)bytes / (double)(1ULL << 30));
    else
        snprintf(buf, size, "%.1f MiB", (double)bytes / (double)(1ULL << 20));
}

static bool
whatIfBad(const whatIfEntry *e)
{
    return e->kind == WHATIF_ACTION &&
           (e->result == XV_POLICY_RESULT_GAVE_UP || e->result == XV_POLICY_RESULT_FAILED);
}

/* How many outcomes of @policy had @action and @result. */
static size_t
whatIfCount(const whatIfRun *run, const char *policy, xvPolicyActionKind action,
            xvPolicyResult result)
{
    size_t i, n = 0;

    for (i = 0; i < run->nentries; i++) {
        const whatIfEntry *e = &run->entries[i];

        if (e->kind == WHATIF_ACTION && e->action == action && e->result == result &&
            strcmp(e->policy, policy) == 0)
            n++;
    }
    return n;
}

/* The vcpus pinned to the one pCPU @cpu at the end: "web01/0 db01/3". */
static size_t
whatIfPinnedTo(const xvSnapshot *snap, unsigned int cpu, xvBuf *names, bool json)
{
    size_t d, v, n = 0;

    if (snap->maplen <= 0 || (int)(cpu / 8) >= snap->maplen)
        return 0;
    for (d = 0; d < snap->ndomains; d++) {
        const xvSnapDomain *dom = &snap->domains[d];

        for (v = 0; dom->vcpusOk && v < dom->nvcpus; v++) {
            size_t k = dom->firstVcpu + v;
            const unsigned char *map = snap->cpumaps + k * (size_t)snap->maplen;

            if (snap->vcpus[k].affinityCount != 1 || !(map[cpu / 8] & (1u << (cpu % 8))))
                continue;
            if (json) {
                xvBufAddStr(names, n ? ",\"" : "\"");
                xvBufEscapeJSON(names, dom->name);
                xvBufAsprintf(names, "/%u\"", snap->vcpus[k].number);
            } else {
                xvBufAsprintf(names, " %s/%u", dom->name, snap->vcpus[k].number);
            }
            n++;
        }
    }
    return n;
}

static void
whatIfTextTimeline(const whatIfRun *run, xvBuf *out)
{
    int width = (int)strlen("(event)");
    size_t i;

    for (i = 0; i < run->nentries; i++) {
        if (run->entries[i].policy && (int)strlen(run->entries[i].policy) > width)
            width = (int)strlen(run->entries[i].policy);
    }

    xvBufAddStr(out, "\nTimeline (simulated time since the start):\n");
    if (run->nentries == 0)
        xvBufAddStr(out, "  nothing happened: no policy acted, no domain changed state\n");
    for (i = 0; i < run->nentries; i++) {
        const whatIfEntry *e = &run->entries[i];
        char at[32];

        whatIfFormatTime(e->atNs, at, sizeof(at));
        if (e->kind == WHATIF_EVENT) {
            xvBufAsprintf(out, "  %s  %-*s  %-16s %s %s\n", at, width, "(event)", e->domain,
                          xvEventName(e->event), xvEventDetailName(e->event, e->eventDetail));
            continue;
        }
        if (e->kind == WHATIF_WAIT) {
            char until[32];

            whatIfFormatTime(e->untilNs, until, sizeof(until));
            xvBufAsprintf(out, "  %s  %-*s  %-16s restart waits: crashed, back-off until %s\n",
                          at, width, e->policy, e->domain, until);
            continue;
        }
        xvBufAsprintf(out, "  %s  %-*s  %-16s %s", at, width, e->policy, e->domain,
                      xvPolicyActionKindName(e->action));
        if (e->vcpu >= 0)
            xvBufAsprintf(out, " vcpu %d", e->vcpu);
        xvBufAsprintf(out, " %s: %s -> %s (%s)%s%s\n", xvPolicyResultName(e->result),
                      e->before, e->after, e->reason, e->detail ? ": " : "",
                      e->detail ? e->detail : "");
    }
}

static void
whatIfTextSummary(const whatIfRun *run, xvBuf *out)
{
    const xvSnapshot *snap = run->last;
    char a[32], b[32], c[32], ta[32], tb[32];
    size_t i, n;

    xvBufAddStr(out, "\nSummary:\n  Actions per policy:\n");
    if (run->npolicies == 0)
        xvBufAddStr(out, "    no policy is configured\n");
    for (i = 0; i < run->npolicies; i++) {
        const xvPolicyReportPolicy *p = &run->policies[i];
        bool any = false;

        xvBufAsprintf(out, "    %s (%s%s):", p->name, p->type, p->enabled ? "" : ", disabled");
        for (int k = 0; k < XV_POLICY_ACTION_LAST; k++) {
            for (int r = 0; r < XV_POLICY_RESULT_LAST; r++) {
                if ((n = whatIfCount(run, p->name, k, r)) == 0)
                    continue;
                xvBufAsprintf(out, "%s %zu %s %s", any ? "," : "", n,
                              xvPolicyActionKindName(k), xvPolicyResultName(r));
                any = true;
            }
        }
        xvBufAddStr(out, any ? "\n" : " nothing\n");
    }
    xvBufAddStr(out, "  Restarts:");
    for (i = 0, n = 0; i < run->nentries; i++) {
        const whatIfEntry *e = &run->entries[i];

        if (e->kind == WHATIF_ACTION && e->action == XV_POLICY_ACTION_RESTART &&
            e->result == XV_POLICY_RESULT_OK) {
            whatIfFormatTime(e->atNs, a, sizeof(a));
            xvBufAsprintf(out, " %s at %s;", e->domain, a);
            n++;
        }
    }
    xvBufAddStr(out, n ? "\n" : " none\n");
    xvBufAddStr(out, "  Gave up or failed:");
    for (i = 0, n = 0; i < run->nentries; i++) {
        const whatIfEntry *e = &run->entries[i];

        if (whatIfBad(e)) {
            whatIfFormatTime(e->atNs, a, sizeof(a));
            xvBufAsprintf(out, " %s %s %s on %s at %s;", e->policy,
                          xvPolicyActionKindName(e->action), xvPolicyResultName(e->result),
                          e->domain, a);
            n++;
        }
    }
    xvBufAddStr(out, n ? "\n" : " none\n");
    if (run->haveFree) {
        whatIfFormatBytes(run->freeMinBytes, a, sizeof(a));
        whatIfFormatBytes(run->freeMaxBytes, b, sizeof(b));
        whatIfFormatBytes(run->freeLastBytes, c, sizeof(c));
        whatIfFormatTime(run->freeMinAtNs, ta, sizeof(ta));
        whatIfFormatTime(run->freeMaxAtNs, tb, sizeof(tb));
        xvBufAsprintf(out, "  Free memory of the host: min %s at %s, max %s at %s, "
                      "at the end %s\n", a, ta, b, tb, c);
    }
    xvBufAddStr(out, "  Memory per domain, KiB (start -> end, min..max over the samples):\n");
    for (i = 0; i < run->nmem; i++) {
        const whatIfMemory *m = &run->mem[i];

        xvBufAsprintf(out, "    %-16s %llu -> %llu (%llu..%llu)%s\n", m->name,
                      (unsigned long long)m->firstKiB, (unsigned long long)m->lastKiB,
                      (unsigned long long)m->minKiB, (unsigned long long)m->maxKiB,
                      snap && m->lastSeq != snap->seq ? ", not running at the end" : "");
    }
    if (snap && snap->nodeOk) {
        size_t pinned = 0;

        xvBufAddStr(out, "  vcpus pinned to one pCPU at the end:\n");
        for (unsigned int cpu = 0; cpu < snap->node.cpus; cpu++) {
            xvBuf names;

            xvBufInit(&names);
            if ((n = whatIfPinnedTo(snap, cpu, &names, false)) > 0)
                xvBufAsprintf(out, "    pCPU %-3u %zu:%s\n", cpu, n, names.data);
            pinned += n;
            xvBufFree(&names);
        }
        xvBufAsprintf(out, "    %s%zu of %zu vcpus may run on more than one pCPU\n",
                      pinned ? "" : "none; ", snap->nvcpus - pinned, snap->nvcpus);
    }
}

static void
whatIfText(const whatIfRun *run, uint64_t realNs, xvBuf *out)
{
    const xvAgentConf *conf = run->opts->conf;
    char dur[32], iv[32];

    xvConfFormatDuration(run->opts->forMs, dur, sizeof(dur));
    xvConfFormatDuration(conf->intervalMs, iv, sizeof(iv));
    xvBufAsprintf(out, "What-if on %s: %zu %s, %s of simulated time, a sample every %s%s; "
                  "%llu samples in %.2f s\n",
                  conf->uri, run->npolicies, run->npolicies == 1 ? "policy" : "policies", dur,
                  iv, conf->events ? " and at each lifecycle event" : "",
                  (unsigned long long)run->samples, (double)realNs / 1e9);
    if (run->opts->eventsPath)
        xvBufAsprintf(out, "Scripted events: %s\n", run->opts->eventsPath);
    if (run->dryRunIgnored)
        xvBufAsprintf(out, "dry_run is ignored: %zu dry-run %s act on the copy\n",
                      run->dryRunIgnored, run->dryRunIgnored == 1 ? "policy" : "policies");
    if (run->failedSamples)
        xvBufAsprintf(out, "%llu samples could not reach the copy\n",
                      (unsigned long long)run->failedSamples);
    whatIfTextTimeline(run, out);
    whatIfTextSummary(run, out);
}

/* "key":"escaped value" (NULL: null), with a leading comma unless @first. */
static void
whatIfJSONString(xvBuf *out, const char *key, const char *value, bool first)
{
    xvBufAsprintf(out, "%s\"%s\":", first ? "" : ",", key);
    if (!value) {
        xvBufAddStr(out, "null");
        return;
    }
    xvBufAddStr(out, "\"");
    xvBufEscapeJSON(out, value);
    xvBufAddStr(out, "\"");
}

static void
whatIfJSONEntry(const whatIfEntry *e, xvBuf *out)
{
    xvBufAsprintf(out, "{\"t\":%.3f", (double)e->atNs / 1e9);
    whatIfJSONString(out, "kind", e->kind == WHATIF_EVENT ? "event" :
                                  e->kind == WHATIF_WAIT ? "wait" : "action", false);
    whatIfJSONString(out, "domain", e->domain, false);
    whatIfJSONString(out, "uuid", e->uuid, false);
    if (e->kind == WHATIF_EVENT) {
        whatIfJSONString(out, "event", xvEventName(e->event), false);
        whatIfJSONString(out, "detail", xvEventDetailName(e->event, e->eventDetail), false);
        xvBufAddStr(out, "}");
        return;
    }
    whatIfJSONString(out, "policy", e->policy, false);
    whatIfJSONString(out, "action", xvPolicyActionKindName(e->action), false);
    if (e->kind == WHATIF_WAIT) {
        xvBufAsprintf(out, ",\"until\":%.3f}", (double)e->untilNs / 1e9);
        return;
    }
    if (e->vcpu >= 0)
        xvBufAsprintf(out, ",\"vcpu\":%d", e->vcpu);
    else
        xvBufAddStr(out, ",\"vcpu\":null");
    whatIfJSONString(out, "result", xvPolicyResultName(e->result), false);
    whatIfJSONString(out, "reason", e->reason, false);
    whatIfJSONString(out, "before", e->before, false);
    whatIfJSONString(out, "after", e->after, false);
    whatIfJSONString(out, "detail", e->detail, false);
    xvBufAddStr(out, "}");
}

static void
whatIfJSONPolicies(const whatIfRun *run, xvBuf *out)
{
    size_t i;

    xvBufAddStr(out, ",\"policies\":[");
    for (i = 0; i < run->npolicies; i++) {
        const xvPolicyReportPolicy *p = &run->policies[i];
        bool first = true;

        xvBufAddStr(out, i ? ",{" : "{");
        whatIfJSONString(out, "name", p->name, true);
        whatIfJSONString(out, "type", p->type, false);
        xvBufAsprintf(out, ",\"enabled\":%s,\"actions\":{", p->enabled ? "true" : "false");
        for (int k = 0; k < XV_POLICY_ACTION_LAST; k++) {
            for (int r = 0; r < XV_POLICY_RESULT_LAST; r++) {
                size_t n = whatIfCount(run, p->name, k, r);

                if (n == 0)
                    continue;
                xvBufAsprintf(out, "%s\"%s/%s\":%zu", first ? "" : ",",
                              xvPolicyActionKindName(k), xvPolicyResultName(r), n);
                first = false;
            }
        }
        xvBufAddStr(out, "}}");
    }
    xvBufAddStr(out, "]");
}

static void
whatIfJSONSummary(const whatIfRun *run, xvBuf *out)
{
    const xvSnapshot *snap = run->last;
    size_t i;

    xvBufAddStr(out, ",\"memory\":[");
    for (i = 0; i < run->nmem; i++) {
        const whatIfMemory *m = &run->mem[i];

        xvBufAddStr(out, i ? ",{" : "{");
        whatIfJSONString(out, "domain", m->name, true);
        xvBufAsprintf(out, ",\"start_kib\":%llu,\"end_kib\":%llu,\"min_kib\":%llu,"
                      "\"max_kib\":%llu,\"running_at_end\":%s}",
                      (unsigned long long)m->firstKiB, (unsigned long long)m->lastKiB,
                      (unsigned long long)m->minKiB, (unsigned long long)m->maxKiB,
                      snap && m->lastSeq == snap->seq ? "true" : "false");
    }
    xvBufAddStr(out, "]");
    if (run->haveFree)
        xvBufAsprintf(out, ",\"free_memory\":{\"min_bytes\":%llu,\"min_at\":%.3f,"
                      "\"max_bytes\":%llu,\"max_at\":%.3f,\"end_bytes\":%llu}",
                      (unsigned long long)run->freeMinBytes, (double)run->freeMinAtNs / 1e9,
                      (unsigned long long)run->freeMaxBytes, (double)run->freeMaxAtNs / 1e9,
                      (unsigned long long)run->freeLastBytes);
    else
        xvBufAddStr(out, ",\"free_memory\":null");
    xvBufAddStr(out, ",\"pinned\":[");
    for (unsigned int cpu = 0; snap && snap->nodeOk && cpu < snap->node.cpus; cpu++) {
        xvBuf names;

        xvBufInit(&names);
        whatIfPinnedTo(snap, cpu, &names, true);
        xvBufAsprintf(out, "%s{\"cpu\":%u,\"vcpus\":[%s]}", cpu ? "," : "", cpu,
                      names.len ? names.data : "");
        xvBufFree(&names);
    }
    xvBufAddStr(out, "]");
}

static void
whatIfJSON(const whatIfRun *run, int status, uint64_t realNs, xvBuf *out)
{
    const xvAgentConf *conf = run->opts->conf;
    size_t i;

    xvBufAddStr(out, "{");
    whatIfJSONString(out, "uri", conf->uri, true);
    whatIfJSONString(out, "events_file", run->opts->eventsPath, false);
    xvBufAsprintf(out, ",\"for_seconds\":%.3f,\"interval_seconds\":%.3f,"
                  "\"sample_on_events\":%s,\"samples\":%llu,\"failed_samples\":%llu,"
                  "\"dry_run_ignored\":%zu,\"real_seconds\":%.3f,\"exit_status\":%d",
                  (double)run->opts->forMs / 1e3, (double)conf->intervalMs / 1e3,
                  conf->events ? "true" : "false", (unsigned long long)run->samples,
                  (unsigned long long)run->failedSamples, run->dryRunIgnored,
                  (double)realNs / 1e9, status);
    whatIfJSONPolicies(run, out);
    xvBufAddStr(out, ",\"timeline\":[");
    for (i = 0; i < run->nentries; i++) {
        if (i)
            xvBufAddStr(out, ",");
        whatIfJSONEntry(&run->entries[i], out);
    }
    xvBufAddStr(out, "]");
    whatIfJSONSummary(run, out);
    xvBufAddStr(out, "}\n");
}

/* ---- the run ------------------------------------------------------------------ */

/* The copy's connection: the test driver, its clock stopped, the scripted
 * events added. Returns an exit status (XV_WHATIF_EXIT_OK to go on). */
static int
whatIfOpenCopy(whatIfRun *run)
{
    const char *uri = run->opts->conf->uri;
    char *abs = NULL;

    if (!uri || strncmp(uri, "test:///", 8) != 0) {
        fprintf(stderr, "xvirt-agent: --what-if runs on a simulated copy of a host: "
                "--connect test:///ABSOLUTE/PATH.xml (a node file, e.g. from `xvirsh "
                "nodedump`), not '%s'\n", uri ? uri : "xen:///");
        return XV_WHATIF_EXIT_USAGE;
    }
    if (!whatIfFindHooks(&run->hooks))
        return XV_WHATIF_EXIT_CANNOT_RUN;
    if (!(run->ctl = virConnectOpenReadOnly(uri))) {
        fprintf(stderr, "xvirt-agent: cannot open the copy '%s': %s\n", uri,
                virGetLastErrorMessage());
        return XV_WHATIF_EXIT_CANNOT_RUN;
    }
    if (run->hooks.freeze(run->ctl) < 0) {
        fprintf(stderr, "xvirt-agent: cannot stop the copy's clock: %s (a shared node "
                "needs <xvirt:clock rate='0'/>)\n", virGetLastErrorMessage());
        return XV_WHATIF_EXIT_USAGE;
    }
    if (!run->opts->eventsPath)
        return XV_WHATIF_EXIT_OK;
    /* each connection to a shared node has its own copy of it: events
     * added to this one would never reach the sampler's */
    if (strstr(uri, "journal=")) {
        fprintf(stderr, "xvirt-agent: --events cannot go with a shared copy (?journal=): "
                "put the events in the node file's <xvirt:events>\n");
        return XV_WHATIF_EXIT_USAGE;
    }
    if (!(abs = realpath(run->opts->eventsPath, NULL))) {
        fprintf(stderr, "xvirt-agent: --events: cannot read '%s': %s\n",
                run->opts->eventsPath, strerror(errno));
        return XV_WHATIF_EXIT_USAGE;
    }
    if (run->hooks.addEvents(run->ctl, abs) < 0) {
        fprintf(stderr, "xvirt-agent: --events: %s\n", virGetLastErrorMessage());
        free(abs);
        return XV_WHATIF_EXIT_USAGE;
    }
    free(abs);
    return XV_WHATIF_EXIT_OK;
}

static uint64_t
whatIfPolicyClockMs(void *opaque)
{
    return xvAgentClockRealNs(opaque) / NS_PER_MS;
}

/* The engine with the configuration's policies, dry runs made real, its
 * bookkeeping in memory. Returns an exit status. */
static int
whatIfMakeEngine(whatIfRun *run)
{
    xvPolicySet *set = NULL;

    if (xvAgentParsePolicies(run->opts->conf, &set) < 0)
        return XV_WHATIF_EXIT_USAGE;
    run->dryRunIgnored = xvPolicySetIgnoreDryRun(set);
    run->engine = xvPolicyEngineNew(NULL);
    xvPolicyEngineConfigure(run->engine, set, run->opts->conf->uri, false);
    xvPolicyEngineSetClock(run->engine, whatIfPolicyClockMs, run->clock);
    xvPolicyEngineSetRecorder(run->engine, whatIfRecord, run);
    return XV_WHATIF_EXIT_OK;
}

static bool
whatIfStartSampler(whatIfRun *run)
{
    xvWorkerSettings s;

    memset(&s, 0, sizeof(s));
    s.uri = run->opts->conf->uri;
    s.intervalMs = run->opts->conf->intervalMs;
    xvAgentCollectorsEnabled(run->opts->conf, s.enabled);
    s.afterSample = whatIfRunPolicies;
    s.afterSampleFree = whatIfReportFree;
    s.afterSampleOpaque = run;
    if (!(run->worker = xvWorkerStart(&s, run->clock, whatIfPublish, run))) {
        fprintf(stderr, "xvirt-agent: cannot start the sampler: %s\n", strerror(errno));
        return false;
    }
    xvWorkerSetIdleHook(run->worker, whatIfIdle, run);
    return true;
}

static void
whatIfFree(whatIfRun *run)
{
    size_t i;

    for (i = 0; i < run->nentries; i++)
        whatIfEntryClear(&run->entries[i]);
    free(run->entries);
    for (i = 0; i < run->nmem; i++)
        free(run->mem[i].name);
    free(run->mem);
    xvHashFree(run->memIndex);
    xvHashFree(run->waits);
    for (i = 0; i < run->npolicies; i++)
        free(run->policies[i].name);
    free(run->policies);
    xvSnapshotUnref(run->last);
    if (run->engine)
        xvPolicyEngineFree(run->engine);
    if (run->ctl)
        virConnectClose(run->ctl);
    xvAgentClockFree(run->clock);
    pthread_cond_destroy(&run->idleCond);
    pthread_mutex_destroy(&run->lock);
}

/* Steps to the end; returns an exit status. */
static int
whatIfDrive(whatIfRun *run, struct event_base *base)
{
    uint64_t endNs = run->opts->forMs * NS_PER_MS;
    int rc;

    if ((run->callbackID = virConnectDomainEventRegisterAny(
             run->ctl, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
             VIR_DOMAIN_EVENT_CALLBACK(whatIfOnEvent), run, NULL)) < 0) {
        fprintf(stderr, "xvirt-agent: cannot follow the copy's events: %s\n",
                virGetLastErrorMessage());
        return XV_WHATIF_EXIT_CANNOT_RUN;
    }
    if (!whatIfStartSampler(run))
        return XV_WHATIF_EXIT_CANNOT_RUN;
    while ((rc = whatIfStep(run, base, endNs)) > 0)
        ;
    xvWorkerStop(run->worker, WHATIF_STOP_TIMEOUT_MS);
    run->worker = NULL;
    return rc < 0 ? XV_WHATIF_EXIT_CANNOT_RUN : XV_WHATIF_EXIT_OK;
}

int
xvWhatIfRun(const xvWhatIfOptions *opts, FILE *out)
{
    whatIfRun run = { .opts = opts, .callbackID = -1 };
    struct event_base *base = NULL;
    uint64_t realStart = xvClockMonoNs();
    int status;
    size_t i;

    pthread_mutex_init(&run.lock, NULL);
    pthread_cond_init(&run.idleCond, NULL);
    run.memIndex = xvHashNew();
    run.waits = xvHashNew();
    run.eventGapNs = opts->conf->eventMinGapMs * NS_PER_MS;
    /* the stepped clock starts at the real time now: the policies' deadlines
     * are real times, and the timeline counts from here */
    run.clock = xvAgentClockNewStepped(0);
    run.startMonoNs = xvAgentClockStartNs(run.clock);
    run.startRealMs = xvAgentClockRealNs(run.clock) / NS_PER_MS;
    if (evthread_use_pthreads() < 0 || !(base = event_base_new())) {
        fprintf(stderr, "xvirt-agent: cannot make an event loop\n");
        status = XV_WHATIF_EXIT_CANNOT_RUN;
        goto cleanup;
    }
    xvEventImplRegister(base);
    if ((status = whatIfOpenCopy(&run)) != XV_WHATIF_EXIT_OK ||
        (status = whatIfMakeEngine(&run)) != XV_WHATIF_EXIT_OK)
        goto cleanup;
    if (opts->quiet)
        xvLogSetLevel(XV_LOG_ERR - 1);
    if ((status = whatIfDrive(&run, base)) != XV_WHATIF_EXIT_OK)
        goto cleanup;
    for (i = 0; i < run.nentries; i++) {
        if (whatIfBad(&run.entries[i]))
            status = XV_WHATIF_EXIT_ACTED_BADLY;
    }
    {
        xvBuf text;

        xvBufInit(&text);
        if (opts->json)
            whatIfJSON(&run, status, xvClockMonoNs() - realStart, &text);
        else
            whatIfText(&run, xvClockMonoNs() - realStart, &text);
        fwrite(text.data, 1, text.len, out);
        fflush(out);
        xvBufFree(&text);
    }

 cleanup:
    /* the callback and its dispatch timer hold the connection: they go,
     * and the loop runs their removals (the last reference), before the
     * loop does */
    if (run.ctl && run.callbackID >= 0)
        virConnectDomainEventDeregisterAny(run.ctl, run.callbackID);
    if (run.ctl)
        virConnectClose(run.ctl);
    run.ctl = NULL;
    if (base) {
        whatIfPumpEvents(&run, base, 0);
        xvEventImplUnregister();
        event_base_free(base);
    }
    whatIfFree(&run);
    return status;
}
