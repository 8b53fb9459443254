/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine.c: parses the policies, runs them on each snapshot, reports their metrics. */
#include "engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actuator.h"
#include "policy.h"
#include "report.h"
#include "selection_overlap.h"
#include "state.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvlog.h"

typedef struct {
    char *name;
    const xvPolicyType *type;
    xvPolicyCommon common;
    void *config;
} enginePolicy;

struct _xvPolicySet {
    enginePolicy *policies;
    size_t n;
    uint64_t retentionMs;           /* state_retention */
};

struct _xvPolicyEngine {
    pthread_mutex_t lock;           /* guards the pending fields */
    bool havePending;
    xvPolicySet *pending;
    char *pendingURI;
    bool pendingClear;
    /* sampler thread only */
    char *stateDir;
    xvPolicySet *set;
    xvPolicyState *state;           /* loaded with the first policy */
    /*
     * The dry-run policies' own bookkeeping, in memory: their simulated
     * attempts pace them like real ones, but never hold back, count against
     * or give up on a domain for a real policy. Dropped at each SIGHUP.
     */
    xvPolicyState *dryState;
    xvActuator *actuator;
    const xvSnapshot *prev;         /* the snapshot of the last run (a reference) */
};

static void
enginePolicyClear(enginePolicy *p)
{
    if (p->type && p->config)
        p->type->free(p->config);
    xvPolicyDomainsClear(&p->common.domains);
    free(p->name);
}

static int
engineParsePolicy(const xvPolicyEntry *entry, enginePolicy *p, xvConfError *err)
{
    int rc;

    p->name = xvStrdup(entry->name);
    p->type = entry->type;
    if ((rc = xvPolicyCommonParse(entry->node, entry->file, p->type, &p->common, err)) < 0)
        return rc;
    return p->type->parse(entry->node, entry->file, &p->config, err);
}

/* The overlap index of each policy type met so far (engineCheckDisjoint). */
typedef struct {
    const xvPolicyType **types;
    xvOverlapIndex **indexes;
    size_t n;
} engineOverlapIndexes;

static xvOverlapIndex *
engineOverlapIndexOf(engineOverlapIndexes *ix, const xvPolicyType *type, size_t max)
{
    size_t i;

    for (i = 0; i < ix->n; i++) {
        if (ix->types[i] == type)
            return ix->indexes[i];
    }
    if (!ix->types) {
        ix->types = xvAllocN(max, sizeof(*ix->types));
        ix->indexes = xvAllocN(max, sizeof(*ix->indexes));
    }
    ix->types[ix->n] = type;
    return ix->indexes[ix->n++] = xvOverlapIndexNew();
}

static void
engineOverlapIndexesClear(engineOverlapIndexes *ix)
{
    size_t i;

    for (i = 0; i < ix->n; i++)
        xvOverlapIndexFree(ix->indexes[i]);
    free(ix->types);
    free(ix->indexes);
}

/*
 * Enabled policies of one type must select disjoint domains: two restart
 * policies would pace one domain with two back-offs, two balloon or autopin
 * policies would undo each other's changes at every interval. Disjoint
 * means provably so: name globs that no name can match both of, distinct
 * UUIDs, or what one picks left out by the other's exclude (a literal name
 * or a UUID). Anything else (every domain, a UUID against a name) may
 * overlap and is refused, at the later policy's domains (or type), naming
 * the first earlier policy it may overlap. The policies before @i are in
 * @ix (an index per type: about one comparison per policy, not one per
 * earlier policy); @i is added.
 */
static int
engineCheckDisjoint(const xvPolicyEntry *entries, const xvPolicySet *set, size_t i,
                    size_t n, engineOverlapIndexes *ix, xvConfError *err)
{
    const xvPolicyEntry *cp = &entries[i];
    const enginePolicy *p = &set->policies[i];
    const xvPolicyEntry *first;
    const xvConfNode *at, *name;
    xvOverlapIndex *idx;
    char *why;
    size_t j;
    int rc;

    if (!p->common.enabled)
        return 0;
    idx = engineOverlapIndexOf(ix, cp->type, n);
    if (!xvOverlapIndexFind(idx, &p->common.domains, p->name, &j, &why)) {
        xvOverlapIndexAdd(idx, &p->common.domains, p->name, i);
        return 0;
    }
    first = &entries[j];
    if (!(at = xvConfNodeFind(cp->node, "domains")) || xvConfNodeIsNull(at))
        at = xvConfNodeFind(cp->node, "type");
    name = xvConfNodeFind(first->node, "name");
    rc = xvConfErrorSetAt(err, cp->file, at->line, at->column,
                          "policy '%s' may act on the domains of the %s policy '%s' "
                          "(%s:%d:%d): %s; enabled policies of one type must select "
                          "disjoint domains (name globs no name matches both of, other "
                          "uuids, or exclude), or they act against each other",
                          cp->name, cp->type->name, first->name, first->file, name->line,
                          name->column, why);
    free(why);
    return rc;
}

int
xvPolicySetParse(const xvPolicyEntry *entries, size_t n, uint64_t retentionMs,
                 xvPolicySet **ret, xvConfError *err)
{
    xvPolicySet *set = xvAlloc(sizeof(*set));
    engineOverlapIndexes ix = { NULL, NULL, 0 };
    size_t i;
    int rc;

    set->retentionMs = retentionMs;
    set->policies = xvAllocN(n, sizeof(*set->policies));
    for (i = 0; i < n; i++) {
        set->n++;
        if ((rc = engineParsePolicy(&entries[i], &set->policies[i], err)) < 0 ||
            (rc = engineCheckDisjoint(entries, set, i, n, &ix, err)) < 0) {
            engineOverlapIndexesClear(&ix);
            xvPolicySetFree(set);
            return rc;
        }
    }
    engineOverlapIndexesClear(&ix);
    *ret = set;
    return 0;
}

void
xvPolicySetFree(xvPolicySet *set)
{
    size_t i;

    if (!set)
        return;
    for (i = 0; i < set->n; i++)
        enginePolicyClear(&set->policies[i]);
    free(set->policies);
    free(set);
}

size_t
xvPolicySetCount(const xvPolicySet *set)
{
    return set ? set->n : 0;
}

int
xvPolicyEngineValidate(const xvPolicyEntry *entries, size_t n, xvConfError *err)
{
    xvPolicySet *set = NULL;
    int rc = xvPolicySetParse(entries, n, 0, &set, err);

    xvPolicySetFree(set);
    return rc;
}

/* ---- the engine --------------------------------------------------------------- */

xvPolicyEngine *
xvPolicyEngineNew(const char *stateDir)
{
    xvPolicyEngine *engine = xvAlloc(sizeof(*engine));

    pthread_mutex_init(&engine->lock, NULL);
    engine->stateDir = stateDir ? xvStrdup(stateDir) : NULL;
    engine->actuator = xvActuatorNew();
    return engine;
}

void
xvPolicyEngineFree(xvPolicyEngine *engine)
{
    if (!engine)
        return;
    xvPolicySetFree(engine->pending);
    xvPolicySetFree(engine->set);
    xvPolicyStateFree(engine->state);
    xvPolicyStateFree(engine->dryState);
    xvActuatorFree(engine->actuator);
    xvSnapshotUnref(engine->prev);
    free(engine->pendingURI);
    free(engine->stateDir);
    pthread_mutex_destroy(&engine->lock);
    free(engine);
}

void
xvPolicyEngineConfigure(xvPolicyEngine *engine, xvPolicySet *set, const char *uri,
                        bool clearGiveUps)
{
    xvPolicySet *old;

    pthread_mutex_lock(&engine->lock);
    old = engine->pending;
    engine->pending = set;
    free(engine->pendingURI);
    engine->pendingURI = uri ? xvStrdup(uri) : NULL;
    engine->pendingClear = engine->pendingClear || clearGiveUps;
    engine->havePending = true;
    pthread_mutex_unlock(&engine->lock);
    xvPolicySetFree(old);
}

/*
 * The counters of every configured policy (disabled ones too), at 0 until
 * it acts: a series that appeared only with the first action would hide
 * that action from increase() and from the alerts built on it.
 */
static void
engineDeclareCounters(xvPolicyEngine *engine)
{
    size_t i;

    for (i = 0; engine->set && i < engine->set->n; i++) {
        const enginePolicy *p = &engine->set->policies[i];

        xvActuatorDeclareCounters(engine->actuator, p->name, p->type->action, p->type->givesUp);
    }
}

/* Takes the configuration handed over by the loop, if any. */
static void
engineTakePending(xvPolicyEngine *engine, uint64_t nowMs)
{
    xvPolicySet *set;
    char *uri;
    bool clear;

    pthread_mutex_lock(&engine->lock);
    if (!engine->havePending) {
        pthread_mutex_unlock(&engine->lock);
        return;
    }
    set = engine->pending;
    uri = engine->pendingURI;
    clear = engine->pendingClear;
    engine->pending = NULL;
    engine->pendingURI = NULL;
    engine->pendingClear = false;
    engine->havePending = false;
    pthread_mutex_unlock(&engine->lock);

    xvPolicySetFree(engine->set);
    engine->set = set;
    engineDeclareCounters(engine);
    /* deltas across a reload could span a change of policies: start afresh */
    engine->prev = xvSnapshotUnref(engine->prev);
    xvActuatorSetURI(engine->actuator, uri);
    free(uri);
    if (!clear)
        return;
    xvPolicyStateFree(engine->dryState);
    engine->dryState = NULL;
    if (xvActuatorClearBackoffs(engine->actuator))
        xvLogNotice("policy: back-offs after failed pin and setmem actions cleared by the reload");
    if (engine->state && xvPolicyStateClearGiveUps(engine->state)) {
        xvLogNotice("policy: give-ups and back-offs cleared by the reload");
        xvPolicyStateCommit(engine->state, nowMs);
    }
}

static void
engineLoadState(xvPolicyEngine *engine)
{
    char *warning = NULL;

    if (engine->state)
        return;
    if (!engine->stateDir) {
        engine->state = xvPolicyStateNew(NULL);
        return;
    }
    engine->state = xvPolicyStateLoad(engine->stateDir, &warning);
    if (warning) {
        xvLogWarning("policy: %s", warning);
        free(warning);
    }
    xvLogInfo("policy: bookkeeping in '%s' (%zu %s)", engine->stateDir, engine->state->n,
              engine->state->n == 1 ? "domain" : "domains");
}

/* The bookkeeping a policy decides from and records into. */
static xvPolicyState *
enginePolicyState(xvPolicyEngine *engine, const enginePolicy *p)
{
    if (!p->common.dryRun)
        return engine->state;
    if (!engine->dryState)
        engine->dryState = xvPolicyStateNew(NULL);
    return engine->dryState;
}

/* Whether @snap shows every domain: connected, and the domains all listed. */
static bool
engineSnapshotComplete(const xvSnapshot *snap)
{
    return snap->connected && snap->domainsComplete;
}

static int
engineCompareUUID(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/*
 * After a run on a complete snapshot: notes which domains it shows, drops
 * the bookkeeping of those gone for longer than state_retention, and saves
 * if that changed anything.
 */
static void
engineTidyState(xvPolicyEngine *engine, const xvSnapshot *snap, uint64_t nowMs)
{
    uint64_t retentionMs = engine->set->retentionMs;
    size_t n = snap->ndomains, i;
    unsigned char *uuids;
    bool changed = false;

    if (!engineSnapshotComplete(snap))
        return;
    uuids = xvAllocN(n, 16);
    for (i = 0; i < n; i++)
        memcpy(uuids + 16 * i, snap->domains[i].uuid, 16);
    qsort(uuids, n, 16, engineCompareUUID);
    if (xvPolicyStateSeen(engine->state, uuids, n, nowMs) > 0)
        changed = true;
    xvPolicyStatePrune(engine->state, nowMs, retentionMs, &changed);
    if (changed)
        xvPolicyStateCommit(engine->state, nowMs);
    /* in memory: nothing to save */
    xvPolicyStateSeen(engine->dryState, uuids, n, nowMs);
    xvPolicyStatePrune(engine->dryState, nowMs, retentionMs, NULL);
    free(uuids);
}

static int
engineCompareRestart(const void *a, const void *b)
{
    const xvPolicyReportRestart *x = a, *y = b;
    int c = strcmp(x->domain, y->domain);

    return c ? c : strcmp(x->uuidstr, y->uuidstr);
}

/* Appends "@label: a, b" (with "; " before it unless first) when @n > 0. */
static void
engineSelectionList(xvBuf *buf, const char *label, char *const *items, size_t n)
{
    size_t i;

    if (n == 0)
        return;
    xvBufAsprintf(buf, "%s%s: ", buf->len ? "; " : "", label);
    for (i = 0; i < n; i++)
        xvBufAsprintf(buf, "%s%s", i ? ", " : "", items[i]);
}

/* A policy's `domains:` in words, to free(). */
static char *
engineSelectionText(const xvPolicyDomains *d)
{
    xvBuf buf = XV_BUF_INIT;

    if (d->nnames == 0 && d->nuuids == 0)
        xvBufAddStr(&buf, "all domains");
    engineSelectionList(&buf, "names", d->names, d->nnames);
    engineSelectionList(&buf, "uuids", d->uuids, d->nuuids);
    engineSelectionList(&buf, "exclude", d->exclude, d->nexclude);
    return xvBufSteal(&buf, NULL);
}

/* The policies in force and the last actions, for the landing page. */
static void
engineReportPolicies(const xvPolicyEngine *engine, xvPolicyReport *r)
{
    const xvPolicyHistory *history = xvActuatorHistory(engine->actuator);
    size_t i, n = xvPolicySetCount(engine->set);

    r->policies = xvAllocN(n, sizeof(*r->policies));
    r->npolicies = n;
    for (i = 0; i < n; i++) {
        const enginePolicy *p = &engine->set->policies[i];
        xvPolicyReportPolicy *x = &r->policies[i];
        const xvPolicyRecord *last = xvPolicyHistoryLastOf(history, p->name);

        x->name = xvStrdup(p->name);
        x->type = p->type->name;
        x->selection = engineSelectionText(&p->common.domains);
        x->enabled = p->common.enabled;
        x->dryRun = p->common.dryRun;
        if ((x->haveLast = last != NULL))
            xvPolicyRecordCopy(&x->last, last);
    }
    r->recent = xvPolicyHistoryCopy(history, &r->nrecent);
}

static xvPolicyReport *
engineReport(const xvPolicyEngine *engine, uint64_t nowMs)
{
    xvPolicyReport *r = xvAlloc(sizeof(*r));
    const xvPolicyCounter *counters = xvActuatorCounters(engine->actuator, &r->ncounters);
    const xvPolicyState *st = engine->state;
    size_t i;

    r->counters = xvAllocN(r->ncounters, sizeof(*r->counters));
    for (i = 0; i < r->ncounters; i++) {
        r->counters[i] = counters[i];
        r->counters[i].policy = xvStrdup(counters[i].policy);
    }
    r->restarts = xvAllocN(st ? st->n : 0, sizeof(*r->restarts));
    for (i = 0; st && i < st->n; i++) {
        const xvRestartEntry *e = &st->entries[i];
        xvPolicyReportRestart *x;

        if (e->total == 0 && !e->gaveUp)
            continue;
        x = &r->restarts[r->nrestarts++];
        x->domain = xvStrdup(e->name ? e->name : "");
        memcpy(x->uuidstr, e->uuidstr, sizeof(x->uuidstr));
        x->total = e->total;
        x->backoffMs = !e->gaveUp && e->retryAtMs > nowMs ? e->retryAtMs - nowMs : 0;
        x->gaveUp = e->gaveUp;
    }
    qsort(r->restarts, r->nrestarts, sizeof(*r->restarts), engineCompareRestart);
    r->haveState = st != NULL;
    r->stateSaveErrors = st ? st->saveErrorsTotal : 0;
    xvPolicyReportAddTargets(r, engine->actuator);
    engineReportPolicies(engine, r);
    return r;
}

xvPolicyReport *
xvPolicyEngineRunAt(xvPolicyEngine *engine, struct _virConnect *ro, const xvSnapshot *snap,
                    uint64_t nowMs)
{
    size_t i, ncounters = 0;
    bool live = false;          /* a policy that may write is in force */

    engineTakePending(engine, nowMs);
    if (xvPolicySetCount(engine->set) > 0) {
        xvPolicyInput in = { .snap = snap, .prev = engine->prev, .nowMs = nowMs };

        engineLoadState(engine);
        /* interrupted actions first: the policies then decide on their outcome */
        if (snap->connected)
            xvActuatorRollForward(engine->actuator, engine->state, nowMs);
        /* decisions need a complete picture: never act on a failed sample */
        for (i = 0; snap->connected && i < engine->set->n; i++) {
            const enginePolicy *p = &engine->set->policies[i];
            xvPolicyActionList actions = { 0 };
            xvPolicyState *st;

            if (!p->common.enabled)
                continue;
            in.state = st = enginePolicyState(engine, p);
            p->type->decide(&in, &p->common, p->config, &actions);
            xvActuatorApply(engine->actuator, ro, p->name, &p->common, &actions, st, nowMs);
            xvPolicyActionListClear(&actions);
            live = live || !p->common.dryRun;
        }
        /* after this sample's actions: the next one may be a crash to act on at once */
        if (live)
            xvActuatorWarmUp(engine->actuator);
        engineTidyState(engine, snap, nowMs);
        xvSnapshotUnref(engine->prev);
        engine->prev = snap->connected ? xvSnapshotRef(snap) : NULL;
    }
    xvActuatorPruneTargets(engine->actuator, snap);
    xvActuatorCounters(engine->actuator, &ncounters);
    if (!engine->state && ncounters == 0)
        return NULL;
    return engineReport(engine, nowMs);
}

void
xvPolicyEngineSetClock(xvPolicyEngine *engine, uint64_t (*realMs)(void *opaque), void *opaque)
{
    xvActuatorSetClock(engine->actuator, realMs, opaque);
}

void
xvPolicyEngineSetObserver(xvPolicyEngine *engine,
                          void (*fn)(const unsigned char *uuid, xvPolicyResult result,
                                     void *opaque),
                          void *opaque)
{
    xvActuatorSetObserver(engine->actuator, fn, opaque);
}

void
xvPolicyEngineSetRecorder(xvPolicyEngine *engine, xvActuatorRecorder fn, void *opaque)
{
    xvActuatorSetRecorder(engine->actuator, fn, opaque);
}

size_t
xvPolicySetIgnoreDryRun(xvPolicySet *set)
{
    size_t i, n = 0;

    for (i = 0; i < set->n; i++) {
        if (set->policies[i].common.enabled && set->policies[i].common.dryRun) {
            set->policies[i].common.dryRun = false;
            n++;
        }
    }
    return n;
}

bool
xvPolicyEngineStop(xvPolicyEngine *engine)
{
    return xvActuatorStop(engine->actuator);
}

bool
xvPolicyEngineActing(xvPolicyEngine *engine)
{
    return xvActuatorActing(engine->actuator);
}
