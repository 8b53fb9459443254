/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* actuator.c: the write calls of the policies, with dry-run, rate limits, logs and counters. */
#include "actuator.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util/xvalloc.h"
#include "util/xvhash.h"
#include "util/xvlog.h"

/*
 * Per (policy, domain, vcpu): when the last action was taken
 * (min_action_interval) and how its failures back it off.
 */
typedef struct {
    char *policy;
    unsigned char uuid[16];
    int vcpu;                   /* -1: a domain-wide action */
    uint64_t atMs;
    unsigned int failures;      /* in a row */
    uint64_t retryAtMs;         /* after a failure: no new try before */
} actuatorLast;

/* A failed pin or setmem waits 10 s, doubled per failure in a row, at most 10 min. */
#define ACTUATOR_RETRY_MS 10000
#define ACTUATOR_RETRY_MAX_MS (10 * 60 * 1000)

struct _xvActuator {
    char *uri;
    virConnectPtr conn;         /* read-write, opened on first need */
    bool warmTried;             /* xvActuatorWarmUp() tried this URI */
    xvPolicyCounter *counters;
    size_t ncounters;
    actuatorLast *last;
    size_t nlast, lastCap;
    xvHash *lastIndex;          /* actuatorKey() -> position + 1 in last */
    xvPolicyTarget *targets;    /* balloon targets set */
    size_t ntargets, targetsCap;
    xvHash *targetIndex;        /* actuatorKey(vcpu -1) -> position + 1; NULL: to rebuild */
    xvPolicyHistory history;    /* the last outcomes (landing page) */
    uint64_t runMs;             /* the time of the sample being acted on */
    char **applied;             /* policies applied since the last prune */
    size_t napplied;
    uint64_t (*clockMs)(void *opaque);  /* realtime ms; NULL: time stands still */
    void *clockOpaque;
    xvActuatorObserver observer;        /* NULL: none */
    void *observerOpaque;
    xvActuatorRecorder recorder;        /* NULL: none */
    void *recorderOpaque;
    /* read by the loop thread while the sampler acts */
    atomic_bool stopping;       /* no new action starts */
    atomic_bool acting;         /* a write action is in progress */
};

static const char *const actuatorStateNames[] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
};

static const char *
actuatorStateName(unsigned char state)
{
    return state < XV_N_ELEMENTS(actuatorStateNames) ?
           actuatorStateNames[state] : "unknown";
}

xvActuator *
xvActuatorNew(void)
{
    return xvAlloc(sizeof(xvActuator));
}

void
xvActuatorFree(xvActuator *a)
{
    size_t i;

    if (!a)
        return;
    if (a->conn)
        virConnectClose(a->conn);
    for (i = 0; i < a->ncounters; i++)
        free(a->counters[i].policy);
    for (i = 0; i < a->nlast; i++)
        free(a->last[i].policy);
    for (i = 0; i < a->ntargets; i++) {
        free(a->targets[i].policy);
        free(a->targets[i].domain);
    }
    for (i = 0; i < a->napplied; i++)
        free(a->applied[i]);
    free(a->counters);
    free(a->last);
    xvHashFree(a->lastIndex);
    free(a->targets);
    xvHashFree(a->targetIndex);
    free(a->applied);
    xvPolicyHistoryClear(&a->history);
    free(a->uri);
    free(a);
}

void
xvActuatorSetURI(xvActuator *a, const char *uri)
{
    bool same = a->uri == uri || (a->uri && uri && strcmp(a->uri, uri) == 0);

    if (same)
        return;
    if (a->conn) {
        virConnectClose(a->conn);
        a->conn = NULL;
    }
    free(a->uri);
    a->uri = uri ? xvStrdup(uri) : NULL;
    a->warmTried = false;
}

void
xvActuatorSetClock(xvActuator *a, uint64_t (*realMs)(void *opaque), void *opaque)
{
    a->clockMs = realMs;
    a->clockOpaque = opaque;
}

/* The time now, for the end of an action; @sampleMs without a clock. */
static uint64_t
actuatorNow(const xvActuator *a, uint64_t sampleMs)
{
    uint64_t now = a->clockMs ? a->clockMs(a->clockOpaque) : sampleMs;

    /* a clock stepped back: the action did not end before it began */
    return now > sampleMs ? now : sampleMs;
}

bool
xvActuatorStop(xvActuator *a)
{
    atomic_store(&a->stopping, true);
    return atomic_load(&a->acting);
}

bool
xvActuatorActing(xvActuator *a)
{
    return atomic_load(&a->acting);
}

/*
 * Marks a write action as in progress, unless the agent is stopping.
 * The loop sets stopping then reads acting, this sets acting then reads
 * stopping (both sequentially consistent): either the loop sees the action
 * and waits for it, or the action sees the stop and does not start.
 */
static bool
actuatorBeginActing(xvActuator *a)
{
    atomic_store(&a->acting, true);
    if (atomic_load(&a->stopping)) {
        atomic_store(&a->acting, false);
        return false;
    }
    return true;
}

static void
actuatorEndActing(xvActuator *a)
{
    atomic_store(&a->acting, false);
}

bool
xvActuatorClearBackoffs(xvActuator *a)
{
    bool any = false;
    size_t i;

    for (i = 0; i < a->nlast; i++) {
        any = any || a->last[i].failures > 0;
        a->last[i].failures = 0;
        a->last[i].retryAtMs = 0;
    }
    return any;
}

const xvPolicyCounter *
xvActuatorCounters(const xvActuator *a, size_t *retCount)
{
    *retCount = a->ncounters;
    return a->counters;
}

/* The counter of (@policy, @action, @result), added at 0 if missing. */
static xvPolicyCounter *
actuatorCounter(xvActuator *a, const char *policy, xvPolicyActionKind action,
                xvPolicyResult result)
{
    xvPolicyCounter *c;
    size_t i;

    for (i = 0; i < a->ncounters; i++) {
        c = &a->counters[i];
        if (c->action == action && c->result == result && strcmp(c->policy, policy) == 0)
            return c;
    }
    a->counters = xvReallocN(a->counters, a->ncounters + 1, sizeof(*a->counters));
    c = &a->counters[a->ncounters++];
    c->policy = xvStrdup(policy);
    c->action = action;
    c->result = result;
    c->count = 0;
    return c;
}

static void
actuatorCount(xvActuator *a, const char *policy, xvPolicyActionKind action,
              xvPolicyResult result)
{
    actuatorCounter(a, policy, action, result)->count++;
}

/*
 * Whether an action of @kind can end with @result here: gave_up only for a
 * type that gives up, rolled_forward only for a restart (the one action
 * finished after a stop), nothing for a capture (read-only, not counted).
 * dry_run and the real results both: a reload may turn dry_run off.
 */
static bool
actuatorResultPossible(xvPolicyActionKind kind, bool givesUp, xvPolicyResult result)
{
    if (kind == XV_POLICY_ACTION_CAPTURE || kind >= XV_POLICY_ACTION_LAST)
        return false;
    if (result == XV_POLICY_RESULT_GAVE_UP)
        return givesUp;
    if (result == XV_POLICY_RESULT_ROLLED_FORWARD)
        return kind == XV_POLICY_ACTION_RESTART;
    return true;
}

void
xvActuatorDeclareCounters(xvActuator *a, const char *policy, xvPolicyActionKind kind,
                          bool givesUp)
{
    int r;

    for (r = 0; r < XV_POLICY_RESULT_LAST; r++) {
        if (actuatorResultPossible(kind, givesUp, (xvPolicyResult)r))
            actuatorCounter(a, policy, kind, (xvPolicyResult)r);
    }
}

/*
 * The key of (policy, domain, vcpu) in the indexes, to free(), and its
 * length: a policy acts on every domain of a sample, so a search through
 * all it ever acted on, per action, made a sample quadratic.
 */
static char *
actuatorKey(const char *policy, const unsigned char *uuid, int vcpu, size_t *keylen)
{
    size_t len = strlen(policy);
    char *key = xvAlloc(16 + sizeof(int) + len);

    memcpy(key, uuid, 16);
    memcpy(key + 16, &vcpu, sizeof(int));
    memcpy(key + 16 + sizeof(int), policy, len);
    *keylen = 16 + sizeof(int) + len;
    return key;
}

static actuatorLast *
actuatorFindLast(xvActuator *a, const char *policy, const xvPolicyAction *act, bool add)
{
    size_t keylen;
    XV_AUTOFREE(char *) key = actuatorKey(policy, act->uuid, act->vcpu, &keylen);
    uintptr_t pos;
    actuatorLast *l;

    if (!a->lastIndex)
        a->lastIndex = xvHashNew();
    if ((pos = (uintptr_t)xvHashLookup(a->lastIndex, key, keylen)))
        return &a->last[pos - 1];
    if (!add)
        return NULL;
    if (a->nlast == a->lastCap) {
        a->lastCap = a->lastCap ? a->lastCap * 2 : 16;
        a->last = xvReallocN(a->last, a->lastCap, sizeof(*a->last));
    }
    l = &a->last[a->nlast++];
    memset(l, 0, sizeof(*l));
    l->policy = xvStrdup(policy);
    memcpy(l->uuid, act->uuid, 16);
    l->vcpu = act->vcpu;
    xvHashAdd(a->lastIndex, key, keylen, (void *)(uintptr_t)a->nlast);
    return l;
}

/* " vcpu=N[ load=L%]" for a PIN (the load the decision saw), "" otherwise. */
static void
actuatorVcpuField(const xvPolicyAction *act, char *buf, size_t size)
{
    int n = 0;

    buf[0] = '\0';
    if (act->vcpu < 0)
        return;
    n = snprintf(buf, size, " vcpu=%d", act->vcpu);
    if (act->loadPermille >= 0 && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " load=%d.%d%%", act->loadPermille / 10,
                 act->loadPermille % 10);
}

/* Keeps one outcome in the history of the last actions. */
static void
actuatorRemember(xvActuator *a, const char *policy, const xvPolicyAction *act,
                 xvPolicyResult result, const char *before, const char *after,
                 const char *detail)
{
    XV_AUTOFREE(char *) text = NULL;
    char vcpu[48] = "";
    xvPolicyRecord rec = {
        .atMs = actuatorNow(a, a->runMs),
        .policy = (char *)policy,
        .domain = act->domain,
        .action = act->kind,
        .result = result,
    };

    if (a->recorder) {
        xvPolicyOutcome outcome = {
            .atMs = rec.atMs, .policy = policy, .action = act, .result = result,
            .before = before, .after = after, .detail = detail,
        };

        a->recorder(&outcome, a->recorderOpaque);
    }
    actuatorVcpuField(act, vcpu, sizeof(vcpu));
    text = xvAsprintf("%s%sreason=%s %s->%s%s%s", vcpu + (vcpu[0] == ' '), vcpu[0] ? " " : "", act->reason, before, after,
                      detail ? ": " : "", detail ? detail : "");
    rec.detail = text;
    xvPolicyHistoryAdd(&a->history, &rec);
}

void
xvActuatorSetObserver(xvActuator *a, xvActuatorObserver fn, void *opaque)
{
    a->observer = fn;
    a->observerOpaque = opaque;
}

void
xvActuatorSetRecorder(xvActuator *a, xvActuatorRecorder fn, void *opaque)
{
    a->recorder = fn;
    a->recorderOpaque = opaque;
}

const xvPolicyHistory *
xvActuatorHistory(const xvActuator *a)
{
    return &a->history;
}

/*
 * Logs and counts one outcome, at @level (< 0: the result's own level):
 *   policy=P domain=D uuid=U action=A [vcpu=N] reason=R result=X BEFORE->AFTER[: detail]
 */
static void
actuatorReportAt(xvActuator *a, int level, const char *policy, const xvPolicyAction *act,
                 xvPolicyResult result, const char *before, const char *after,
                 const char *detail)
{
    static const int levels[XV_POLICY_RESULT_LAST] = {
        [XV_POLICY_RESULT_OK] = XV_LOG_NOTICE,
        [XV_POLICY_RESULT_FAILED] = XV_LOG_WARNING,
        [XV_POLICY_RESULT_DRY_RUN] = XV_LOG_NOTICE,
        [XV_POLICY_RESULT_RATE_LIMITED] = XV_LOG_INFO,
        [XV_POLICY_RESULT_GAVE_UP] = XV_LOG_ERR,
        [XV_POLICY_RESULT_SKIPPED] = XV_LOG_INFO,
        [XV_POLICY_RESULT_ROLLED_FORWARD] = XV_LOG_NOTICE,
    };
    char vcpu[48] = "";

    actuatorVcpuField(act, vcpu, sizeof(vcpu));
    xvLog(level >= 0 ? level : levels[result], "policy=%s domain=%s uuid=%s action=%s%s reason=%s result=%s "
          "%s->%s%s%s", policy, act->domain, act->uuidstr, xvPolicyActionKindName(act->kind),
          vcpu, act->reason, xvPolicyResultName(result), before, after, detail ? ": " : "",
          detail ? detail : "");
    actuatorCount(a, policy, act->kind, result);
    actuatorRemember(a, policy, act, result, before, after, detail);
    if (a->observer && (result == XV_POLICY_RESULT_OK || result == XV_POLICY_RESULT_FAILED ||
                        result == XV_POLICY_RESULT_DRY_RUN))
        a->observer(act->uuid, result, a->observerOpaque);
}

static void
actuatorReport(xvActuator *a, const char *policy, const xvPolicyAction *act,
               xvPolicyResult result, const char *before, const char *after,
               const char *detail)
{
    actuatorReportAt(a, -1, policy, act, result, before, after, detail);
}

/* A give-up: gave_up at error level, or for a dry run (which never acted)
 * dry_run at warning level, "would give up", so that no gave-up alert
 * fires for it. */
static void
actuatorReportGiveUp(xvActuator *a, const char *policy, const xvPolicyCommon *common,
                     const xvPolicyAction *act, const char *before, const char *after,
                     const char *detail)
{
    char *would;

    if (!common->dryRun) {
        actuatorReport(a, policy, act, XV_POLICY_RESULT_GAVE_UP, before, after, detail);
        return;
    }
    would = xvAsprintf("would give up%s%s", detail ? ": " : "", detail ? detail : "");
    actuatorReportAt(a, XV_LOG_WARNING, policy, act, XV_POLICY_RESULT_DRY_RUN, before, after,
                     would);
    free(would);
}

/* Library errors are read where they happen, never printed. */
static void
actuatorQuietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static virConnectPtr
actuatorConnect(xvActuator *a, char **detail)
{
    if (!a->conn) {
        if (!(a->conn = virConnectOpen(a->uri))) {
            *detail = xvAsprintf("cannot open a read-write connection to '%s': %s",
                                 a->uri ? a->uri : "xen:///", virGetLastErrorMessage());
            return NULL;
        }
        virConnSetErrorFunc(a->conn, NULL, actuatorQuietErrors);
    }
    return a->conn;
}

void
xvActuatorWarmUp(xvActuator *a)
{
    char *detail = NULL;

    if (a->conn || a->warmTried)
        return;
    a->warmTried = true;
    /* a failure is the first action's to report (it tries again) */
    actuatorConnect(a, &detail);
    free(detail);
    virResetLastError();
}

static xvPolicyResult
actuatorFail(char **detail, const char *call)
{
    *detail = xvAsprintf("%s: %s", call, virGetLastErrorMessage());
    return XV_POLICY_RESULT_FAILED;
}

/* actuatorFail() for a call on @dom, which is released after its error
 * was read (releasing a handle resets the thread's last error). */
static xvPolicyResult
actuatorFailFree(virDomainPtr dom, char **detail, const char *call)
{
    xvPolicyResult result = actuatorFail(detail, call);

    virDomainFree(dom);
    return result;
}

/* Starts the destroyed domain again: defined ones by virDomainCreate, the
 * others from the captured XML. */
static xvPolicyResult
actuatorStart(virConnectPtr conn, const unsigned char *uuid, const char *xml, int *newId,
              char **detail)
{
    virDomainPtr dom = virDomainLookupByUUID(conn, uuid);

    if (dom) {
        if (virDomainCreate(dom) < 0)
            return actuatorFailFree(dom, detail, "virDomainCreate");
    } else if (!xml) {
        *detail = xvAsprintf("transient domain destroyed, no configuration was captured "
                             "to start it again");
        return XV_POLICY_RESULT_FAILED;
    } else if (!(dom = virDomainCreateLinux(conn, xml, 0))) {
        return actuatorFail(detail, "virDomainCreateLinux");
    }
    *newId = (int)virDomainGetID(dom);
    virDomainFree(dom);
    return XV_POLICY_RESULT_OK;
}

/* A failure is counted and logged, rate-limited, by xvPolicyStateCommit(). */
static void
actuatorSave(xvPolicyState *state, uint64_t nowMs)
{
    xvPolicyStateCommit(state, nowMs);
}

/*
 * Records in the intent @id that its step @index begins (and those before
 * it ended), and saves: the next start knows how far the action went.
 */
static void
actuatorBeginStep(xvPolicyState *state, uint64_t id, size_t index, uint64_t nowMs)
{
    xvPolicyIntent *in = xvPolicyStateFindIntent(state, id);

    while (in && in->begun <= index && xvPolicyIntentBeginStep(in) != XV_POLICY_STEP_LAST) {
    }
    actuatorSave(state, nowMs);
}

/* The configuration captured for @uuid (NULL: none). */
static const char *
actuatorCapturedXML(const xvPolicyState *state, const unsigned char *uuid)
{
    const xvRestartEntry *e = xvPolicyStateFind(state, uuid);

    return e ? e->xml : NULL;
}

/* The create step of the restart @id: started again (see actuatorStart). */
static xvPolicyResult
actuatorCreateStep(virConnectPtr conn, const unsigned char *uuid, xvPolicyState *state,
                   uint64_t id, uint64_t nowMs, int *newId, char **detail)
{
    actuatorBeginStep(state, id, 1, nowMs);
    return actuatorStart(conn, uuid, actuatorCapturedXML(state, uuid), newId, detail);
}

/* Both steps of the restart @id on @dom (taken): destroy, then create. */
static xvPolicyResult
actuatorDestroyAndCreate(virConnectPtr conn, virDomainPtr dom, const unsigned char *uuid,
                         xvPolicyState *state, uint64_t id, uint64_t nowMs, int *newId,
                         char **detail)
{
    actuatorBeginStep(state, id, 0, nowMs);
    /* on success virDomainDestroy also releases the object */
    if (virDomainDestroy(dom) < 0)
        return actuatorFailFree(dom, detail, "virDomainDestroy");
    return actuatorCreateStep(conn, uuid, state, id, nowMs, newId, detail);
}

static xvPolicyResult
actuatorRestart(xvActuator *a, const xvPolicyAction *act, xvPolicyState *state, uint64_t id,
                uint64_t nowMs, int *newId, char **detail)
{
    virConnectPtr conn = actuatorConnect(a, detail);
    virDomainInfo info;
    virDomainPtr dom;

    if (!conn)
        return XV_POLICY_RESULT_FAILED;
    if (!(dom = virDomainLookupByUUID(conn, act->uuid))) {
        *detail = xvAsprintf("the domain vanished");
        return XV_POLICY_RESULT_SKIPPED;
    }
    /* an operator may have acted since the sample: only crashed remains go */
    if (virDomainGetInfo(dom, &info) < 0)
        return actuatorFailFree(dom, detail, "virDomainGetInfo");
    if (info.state != VIR_DOMAIN_CRASHED) {
        virDomainFree(dom);
        *detail = xvAsprintf("the domain is no longer crashed (%s)",
                             actuatorStateName(info.state));
        return XV_POLICY_RESULT_SKIPPED;
    }
    return actuatorDestroyAndCreate(conn, dom, act->uuid, state, id, nowMs, newId, detail);
}

/*
 * A restart is over (its intent @id, begun at @startedMs): the intent is
 * dropped and the back-off set before the action (retryAtMs) moved so that
 * it counts from now, the end of the action: a slow create does not eat
 * into the wait before the next attempt. Saved.
 */
static void
actuatorRestartOver(xvActuator *a, xvPolicyState *state, const unsigned char *uuid,
                    uint64_t id, uint64_t startedMs, uint64_t nowMs)
{
    xvRestartEntry *e = xvPolicyStateFind(state, uuid);
    uint64_t endMs = actuatorNow(a, nowMs);

    xvPolicyStateEndIntent(state, id);
    if (e) {
        e->inProgressMs = 0;
        if (e->retryAtMs > startedMs && endMs > startedMs)
            e->retryAtMs = endMs + (e->retryAtMs - startedMs);
    }
    actuatorSave(state, nowMs);
}

/* Reads a running domain's configuration through the read-only connection.
 * Returns whether the bookkeeping changed; the caller saves once for all
 * the captures of a sample (one save each made the first sample of a host
 * quadratic: N saves of a file holding up to N configurations). */
static bool
actuatorCapture(virConnectPtr ro, const xvPolicyAction *act, xvPolicyState *state)
{
    xvRestartEntry *e;
    virDomainPtr dom;
    char *xml;

    if (!ro || !(dom = virDomainLookupByUUID(ro, act->uuid)))
        return false;
    xml = virDomainGetXMLDesc(dom, 0);
    virDomainFree(dom);
    if (!xml) {
        xvLogDebug("policy: cannot capture the configuration of '%s': %s", act->domain,
                   virGetLastErrorMessage());
        return false;
    }
    e = xvPolicyStateGet(state, act->uuid, act->domain);
    free(e->xml);
    e->xml = xml;
    e->xmlId = act->id;
    xvLogDebug("policy: captured the configuration of '%s' (id %d)", act->domain, act->id);
    return true;
}

/*
 * The refusals common to every action: the per-interval cap, the minimum
 * time between actions on one domain (or vcpu), and the back-off after a
 * failure. Returns NULL if the action may go ahead, else why not.
 */
static const char *
actuatorRefusal(const xvActuator *a, const char *name, const xvPolicyCommon *common,
                const xvPolicyAction *act, uint64_t nowMs, unsigned int taken)
{
    const actuatorLast *last = actuatorFindLast((xvActuator *)a, name, act, false);

    if (common->maxActionsPerInterval && taken >= common->maxActionsPerInterval)
        return "max_actions_per_interval";
    if (last && common->minActionIntervalMs && last->atMs &&
        nowMs < last->atMs + common->minActionIntervalMs)
        return "min_action_interval";
    if (last && nowMs < last->retryAtMs)
        return "backing off after a failure";
    return NULL;
}

/* Records that an action was taken now (for min_action_interval). */
static actuatorLast *
actuatorTaken(xvActuator *a, const char *name, const xvPolicyAction *act, uint64_t nowMs,
              unsigned int *taken)
{
    actuatorLast *last = actuatorFindLast(a, name, act, true);

    (*taken)++;
    last->atMs = nowMs;
    return last;
}

/* Records the outcome of a pin or setmem for the back-off of the next one. */
static void
actuatorOutcome(actuatorLast *last, xvPolicyResult result, uint64_t nowMs)
{
    uint64_t wait = ACTUATOR_RETRY_MS;
    unsigned int i;

    if (result != XV_POLICY_RESULT_FAILED) {
        last->failures = 0;
        last->retryAtMs = 0;
        return;
    }
    last->failures++;
    for (i = 1; i < last->failures && wait < ACTUATOR_RETRY_MAX_MS; i++)
        wait *= 2;
    last->retryAtMs = nowMs + (wait < ACTUATOR_RETRY_MAX_MS ? wait : ACTUATOR_RETRY_MAX_MS);
}

/* One restart action: refusals, dry run, or the real thing. */
static void
actuatorRestartAction(xvActuator *a, const char *name, const xvPolicyCommon *common,
                      const xvPolicyAction *act, xvPolicyState *state, uint64_t nowMs,
                      unsigned int *taken)
{
    xvRestartEntry *e;
    xvPolicyResult result;
    const char *refusal;
    char *detail = NULL;
    char before[48], after[64];
    int newId = -1;
    uint64_t id;

    snprintf(before, sizeof(before), "%s(id %d)", actuatorStateName(act->state), act->id);
    if (act->giveUp) {
        e = xvPolicyStateGet(state, act->uuid, act->domain);
        e->gaveUp = true;
        actuatorSave(state, nowMs);
        actuatorReportGiveUp(a, name, common, act, before, "crashed",
                             "burst limit reached; cleared by SIGHUP");
        return;
    }
    if ((refusal = actuatorRefusal(a, name, common, act, nowMs, *taken))) {
        actuatorReport(a, name, act, XV_POLICY_RESULT_RATE_LIMITED, before, "crashed",
                       refusal);
        return;
    }
    actuatorTaken(a, name, act, nowMs, taken);
    /* recorded and saved first: if the agent dies during the action, the
     * attempt and its back-off survive, so it is not repeated at once */
    e = xvPolicyStateGet(state, act->uuid, act->domain);
    xvRestartEntryAddAttempt(e, nowMs);
    e->retryAtMs = act->retryAtMs;
    if (common->dryRun) {
        actuatorSave(state, nowMs);
        actuatorReport(a, name, act, XV_POLICY_RESULT_DRY_RUN, before, "running(dry run)",
                       NULL);
        return;
    }
    /* the intent too: a next start finishes what a stop interrupted */
    e->inProgressMs = nowMs;
    id = xvPolicyStateAddIntent(state, name, XV_POLICY_ACTION_RESTART, act->uuid, act->domain,
                                -1, nowMs);
    actuatorSave(state, nowMs);
    result = actuatorRestart(a, act, state, id, nowMs, &newId, &detail);
    actuatorRestartOver(a, state, act->uuid, id, nowMs, nowMs);
    if (result == XV_POLICY_RESULT_OK)
        snprintf(after, sizeof(after), "running(id %d)", newId);
    else
        snprintf(after, sizeof(after), "%s", result == XV_POLICY_RESULT_SKIPPED ?
                 "unchanged" : "crashed");
    actuatorReport(a, name, act, result, before, after, detail);
    free(detail);
}

/* The domain of @act on the read-write connection, if it is still the same
 * boot (same ID) and running; else SKIPPED with *detail set. */
static virDomainPtr
actuatorSameBoot(xvActuator *a, const xvPolicyAction *act, xvPolicyResult *result,
                 char **detail)
{
    virConnectPtr conn = actuatorConnect(a, detail);
    virDomainPtr dom;

    *result = XV_POLICY_RESULT_FAILED;
    if (!conn)
        return NULL;
    *result = XV_POLICY_RESULT_SKIPPED;
    if (!(dom = virDomainLookupByUUID(conn, act->uuid))) {
        *detail = xvAsprintf("the domain vanished");
        return NULL;
    }
    if ((int)virDomainGetID(dom) != act->id) {
        *detail = xvAsprintf("the domain was restarted or stopped (id %d, was %d)",
                             (int)virDomainGetID(dom), act->id);
        virDomainFree(dom);
        return NULL;
    }
    return dom;
}

static xvPolicyResult
actuatorPin(xvActuator *a, const xvPolicyAction *act, char **detail)
{
    xvPolicyResult result;
    virDomainPtr dom = actuatorSameBoot(a, act, &result, detail);

    if (!dom)
        return result;
    if (virDomainPinVcpu(dom, (unsigned int)act->vcpu, act->newMap, act->maplen) < 0)
        return actuatorFailFree(dom, detail, "virDomainPinVcpu");
    virDomainFree(dom);
    return XV_POLICY_RESULT_OK;
}

static xvPolicyResult
actuatorSetMemory(xvActuator *a, const xvPolicyAction *act, char **detail)
{
    xvPolicyResult result;
    virDomainPtr dom = actuatorSameBoot(a, act, &result, detail);

    if (!dom)
        return result;
    if (virDomainSetMemory(dom, (unsigned long)act->newKiB) < 0)
        return actuatorFailFree(dom, detail, "virDomainSetMemory");
    virDomainFree(dom);
    return XV_POLICY_RESULT_OK;
}

/* "0-3,6" for the CPUs set in @map. */
static void
actuatorFormatMap(const unsigned char *map, int maplen, char *out, size_t size)
{
    size_t len = 0;
    int cpu, first = -1, ncpus = maplen * 8;

    out[0] = '\0';
    if (!map) {
        snprintf(out, size, "?");
        return;
    }
    for (cpu = 0; cpu <= ncpus && len < size; cpu++) {
        bool set = cpu < ncpus && (map[cpu / 8] & (1u << (cpu % 8)));

        if (set && first < 0)
            first = cpu;
        if (set || first < 0)
            continue;
        len += (size_t)snprintf(out + len, size - len, "%s%d", len ? "," : "", first);
        if (cpu - 1 > first && len < size)
            len += (size_t)snprintf(out + len, size - len, "-%d", cpu - 1);
        first = -1;
    }
    if (!out[0])
        snprintf(out, size, "none");
}

/* ---- balloon targets ------------------------------------------------------ */

static xvPolicyTarget *
actuatorFindTarget(xvActuator *a, const char *policy, const unsigned char *uuid)
{
    size_t keylen, i;
    XV_AUTOFREE(char *) key = actuatorKey(policy, uuid, -1, &keylen);
    uintptr_t pos;

    if (!a->targetIndex) {
        /* rebuilt after targets went (positions moved) */
        a->targetIndex = xvHashNew();
        for (i = 0; i < a->ntargets; i++) {
            size_t klen;
            XV_AUTOFREE(char *) k = actuatorKey(a->targets[i].policy, a->targets[i].uuid, -1,
                                                &klen);

            xvHashAdd(a->targetIndex, k, klen, (void *)(uintptr_t)(i + 1));
        }
    }
    pos = (uintptr_t)xvHashLookup(a->targetIndex, key, keylen);
    return pos ? &a->targets[pos - 1] : NULL;
}

static void
actuatorDropTarget(xvActuator *a, size_t i)
{
    free(a->targets[i].policy);
    free(a->targets[i].domain);
    memmove(&a->targets[i], &a->targets[i + 1], (a->ntargets - i - 1) * sizeof(*a->targets));
    a->ntargets--;
    xvHashFree(a->targetIndex);
    a->targetIndex = NULL;
}

/* What a setmem action did to the target shown for its domain. */
static void
actuatorSetTarget(xvActuator *a, const char *policy, const xvPolicyAction *act,
                  xvPolicyResult result)
{
    xvPolicyTarget *t = actuatorFindTarget(a, policy, act->uuid);

    if (result == XV_POLICY_RESULT_SKIPPED && t) {
        actuatorDropTarget(a, (size_t)(t - a->targets));
        return;
    }
    if (result != XV_POLICY_RESULT_OK && result != XV_POLICY_RESULT_DRY_RUN)
        return;
    if (!t) {
        size_t keylen;
        XV_AUTOFREE(char *) key = actuatorKey(policy, act->uuid, -1, &keylen);

        if (a->ntargets == a->targetsCap) {
            a->targetsCap = a->targetsCap ? a->targetsCap * 2 : 16;
            a->targets = xvReallocN(a->targets, a->targetsCap, sizeof(*a->targets));
        }
        t = &a->targets[a->ntargets++];
        memset(t, 0, sizeof(*t));
        t->policy = xvStrdup(policy);
        memcpy(t->uuid, act->uuid, 16);
        /* (the index exists: actuatorFindTarget just ran) */
        xvHashAdd(a->targetIndex, key, keylen, (void *)(uintptr_t)a->ntargets);
    }
    free(t->domain);
    t->domain = xvStrdup(act->domain);
    memcpy(t->uuidstr, act->uuidstr, sizeof(t->uuidstr));
    t->id = act->id;
    t->targetKiB = act->newKiB;
}

static void
actuatorMarkApplied(xvActuator *a, const char *policy)
{
    size_t i;

    for (i = 0; i < a->napplied; i++) {
        if (strcmp(a->applied[i], policy) == 0)
            return;
    }
    a->applied = xvReallocN(a->applied, a->napplied + 1, sizeof(*a->applied));
    a->applied[a->napplied++] = xvStrdup(policy);
}

const xvPolicyTarget *
xvActuatorTargets(const xvActuator *a, size_t *retCount)
{
    *retCount = a->ntargets;
    return a->targets;
}

/* True if the target's policy ran and its domain is still in the same boot. */
static bool
actuatorTargetLive(const xvActuator *a, const xvPolicyTarget *t, const xvSnapshot *snap)
{
    const xvSnapDomain *dom = xvSnapshotFindDomain(snap, t->domain);
    size_t i;

    if (!dom || memcmp(dom->uuid, t->uuid, 16) != 0 || dom->id != t->id)
        return false;
    for (i = 0; i < a->napplied; i++) {
        if (strcmp(a->applied[i], t->policy) == 0)
            return true;
    }
    return false;
}

void
xvActuatorPruneTargets(xvActuator *a, const xvSnapshot *snap)
{
    size_t i;

    if (!snap->connected)
        return;
    for (i = a->ntargets; i-- > 0;) {
        if (!actuatorTargetLive(a, &a->targets[i], snap))
            actuatorDropTarget(a, i);
    }
    for (i = 0; i < a->napplied; i++)
        free(a->applied[i]);
    a->napplied = 0;
}

/* One pin or setmem action: refusals, dry run, or the real thing. */
static void
actuatorChangeAction(xvActuator *a, const char *name, const xvPolicyCommon *common,
                     const xvPolicyAction *act, xvPolicyState *state, uint64_t nowMs,
                     unsigned int *taken)
{
    xvPolicyResult result;
    const char *refusal;
    char *detail = NULL;
    char before[256], after[256];
    uint64_t id;

    if (act->kind == XV_POLICY_ACTION_PIN) {
        actuatorFormatMap(act->oldMap, act->maplen, before, sizeof(before));
        actuatorFormatMap(act->newMap, act->maplen, after, sizeof(after));
    } else {
        snprintf(before, sizeof(before), "%" PRIu64 "KiB", act->oldKiB);
        snprintf(after, sizeof(after), "%" PRIu64 "KiB", act->newKiB);
    }
    /* not an attempt: the policy cannot act on the domain (it says so once) */
    if (act->giveUp) {
        actuatorReportGiveUp(a, name, common, act, before, after, NULL);
        return;
    }
    if ((refusal = actuatorRefusal(a, name, common, act, nowMs, *taken))) {
        actuatorReport(a, name, act, XV_POLICY_RESULT_RATE_LIMITED, before, after, refusal);
        return;
    }
    if (common->dryRun) {
        actuatorTaken(a, name, act, nowMs, taken);
        if (act->kind == XV_POLICY_ACTION_SETMEM)
            actuatorSetTarget(a, name, act, XV_POLICY_RESULT_DRY_RUN);
        actuatorReport(a, name, act, XV_POLICY_RESULT_DRY_RUN, before, after, NULL);
        return;
    }
    /* one step, recorded like a restart's (a next start drops it: the
     * policy decides afresh there) */
    id = xvPolicyStateAddIntent(state, name, act->kind, act->uuid, act->domain, act->vcpu,
                                nowMs);
    actuatorBeginStep(state, id, 0, nowMs);
    if (act->kind == XV_POLICY_ACTION_PIN)
        result = actuatorPin(a, act, &detail);
    else
        result = actuatorSetMemory(a, act, &detail);
    xvPolicyStateEndIntent(state, id);
    actuatorSave(state, nowMs);
    actuatorOutcome(actuatorTaken(a, name, act, nowMs, taken), result, nowMs);
    if (act->kind == XV_POLICY_ACTION_SETMEM)
        actuatorSetTarget(a, name, act, result);
    actuatorReport(a, name, act, result, before, after, detail);
    free(detail);
}

void
xvActuatorApply(xvActuator *a, virConnectPtr ro, const char *name,
                const xvPolicyCommon *common, const xvPolicyActionList *actions,
                xvPolicyState *state, uint64_t nowMs)
{
    unsigned int taken = 0;
    bool captured = false;
    size_t i;

    a->runMs = nowMs;
    actuatorMarkApplied(a, name);
    for (i = 0; i < actions->n; i++) {
        const xvPolicyAction *act = &actions->actions[i];

        switch (act->kind) {
        case XV_POLICY_ACTION_CAPTURE:
            if (actuatorCapture(ro, act, state))
                captured = true;
            break;
        case XV_POLICY_ACTION_RESTART:
            if (!actuatorBeginActing(a))
                break;
            actuatorRestartAction(a, name, common, act, state, nowMs, &taken);
            actuatorEndActing(a);
            break;
        case XV_POLICY_ACTION_PIN:
        case XV_POLICY_ACTION_SETMEM:
            if (!actuatorBeginActing(a))
                break;
            actuatorChangeAction(a, name, common, act, state, nowMs, &taken);
            actuatorEndActing(a);
            break;
        case XV_POLICY_ACTION_LAST:
        default:
            break;
        }
    }
    if (captured)
        actuatorSave(state, nowMs);
}

/* ---- rolling forward ------------------------------------------------------- */

/*
 * The rest of the restart @in (its copy; the intent itself is @id in
 * @state), on the domain as it is now. The state of the domain tells what
 * the steps recorded cannot: whether a destroy begun took effect.
 *   crashed            the destroy never took effect (or never began): the
 *                      whole restart is made now, the attempt recorded
 *   shut off, or gone  the destroy did (a transient domain is gone once
 *   after the destroy  destroyed): the create is made, from the captured
 *   began              configuration for a transient one
 *   shut off before    the restart never touched it: someone else stopped
 *   the destroy began  it on purpose, so it is left alone (skipped)
 *   running, paused... someone started it (or our create took effect just
 *                      before the stop): nothing to do (skipped)
 * So a create is made at most once per restart.
 */
static xvPolicyResult
actuatorRollRestart(xvActuator *a, const xvPolicyIntent *in, xvPolicyState *state,
                    uint64_t nowMs, char *before, size_t beforeSize, int *newId, char **detail)
{
    virConnectPtr conn = actuatorConnect(a, detail);
    virDomainInfo info;
    virDomainPtr dom;

    snprintf(before, beforeSize, "unknown");
    if (!conn)
        return XV_POLICY_RESULT_FAILED;
    if (!(dom = virDomainLookupByUUID(conn, in->uuid))) {
        snprintf(before, beforeSize, "gone");
        if (in->begun == 0) {
            *detail = xvAsprintf("the domain vanished before the restart began");
            return XV_POLICY_RESULT_SKIPPED;
        }
        return actuatorCreateStep(conn, in->uuid, state, in->id, nowMs, newId, detail);
    }
    if (virDomainGetInfo(dom, &info) < 0)
        return actuatorFailFree(dom, detail, "virDomainGetInfo");
    snprintf(before, beforeSize, "%s(id %d)", actuatorStateName(info.state),
             (int)virDomainGetID(dom));
    if (info.state == VIR_DOMAIN_CRASHED)
        return actuatorDestroyAndCreate(conn, dom, in->uuid, state, in->id, nowMs, newId, detail);
    virDomainFree(dom);
    if (info.state != VIR_DOMAIN_SHUTOFF) {
        *detail = xvAsprintf("the domain is %s already", actuatorStateName(info.state));
        return XV_POLICY_RESULT_SKIPPED;
    }
    if (in->begun == 0) {
        *detail = xvAsprintf("shut off by someone else before the restart began");
        return XV_POLICY_RESULT_SKIPPED;
    }
    return actuatorCreateStep(conn, in->uuid, state, in->id, nowMs, newId, detail);
}

/* Finishes or drops the first intent of @state; it is gone afterwards. */
static void
actuatorRollOne(xvActuator *a, xvPolicyState *state, uint64_t nowMs)
{
    xvPolicyIntent *in = &state->intents[0];
    char *policy = xvStrdup(in->policy);
    xvPolicyAction act = {
        .kind = in->kind,
        .domain = xvStrdup(in->name ? in->name : "?"),
        .id = -1,
        .vcpu = in->vcpu,
        .loadPermille = -1,
        .reason = "interrupted",
    };
    xvPolicyIntent copy = *in;
    xvPolicyResult result;
    char before[64], after[64];
    char *detail = NULL;
    int newId = -1;

    memcpy(act.uuid, in->uuid, 16);
    memcpy(act.uuidstr, in->uuidstr, sizeof(act.uuidstr));
    if (in->kind != XV_POLICY_ACTION_RESTART) {
        detail = xvAsprintf("interrupted by a stop of the agent (%zu of %zu steps begun); "
                            "not repeated, the policy decides afresh", in->begun, in->nsteps);
        xvPolicyStateEndIntent(state, in->id);
        actuatorSave(state, nowMs);
        actuatorReport(a, policy, &act, XV_POLICY_RESULT_SKIPPED, "-", "-", detail);
    } else {
        result = actuatorRollRestart(a, &copy, state, nowMs, before, sizeof(before), &newId,
                                     &detail);
        if (result == XV_POLICY_RESULT_OK)
            result = XV_POLICY_RESULT_ROLLED_FORWARD;
        if (result == XV_POLICY_RESULT_ROLLED_FORWARD)
            snprintf(after, sizeof(after), "running(id %d)", newId);
        else
            snprintf(after, sizeof(after), "unchanged");
        /* the attempt was counted when it began: not again */
        actuatorRestartOver(a, state, copy.uuid, copy.id, copy.startedMs, nowMs);
        actuatorReport(a, policy, &act, result, before, after, detail);
    }
    free(detail);
    free(act.domain);
    free(policy);
}

void
xvActuatorRollForward(xvActuator *a, xvPolicyState *state, uint64_t nowMs)
{
    if (!state || state->nintents == 0 || !actuatorBeginActing(a))
        return;
    a->runMs = nowMs;
    xvLogNotice("policy: %zu %s interrupted by a stop of the agent: finishing %s",
                state->nintents, state->nintents == 1 ? "action was" : "actions were",
                state->nintents == 1 ? "it" : "them");
    while (state->nintents > 0)
        actuatorRollOne(a, state, nowMs);
    actuatorEndActing(a);
}
