/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* actuator.c: the write calls of the policies, with dry-run, rate limits, logs and counters. */
#include "actuator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "log.h"

/* When the last action of a policy on a domain was taken (min_action_interval). */
typedef struct {
    char *policy;
    unsigned char uuid[16];
    uint64_t atMs;
} actuatorLast;

struct _xvActuator {
    char *uri;
    virConnectPtr conn;         /* read-write, opened on first need */
    xvPolicyCounter *counters;
    size_t ncounters;
    actuatorLast *last;
    size_t nlast;
};

static const char *const actuatorStateNames[] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
};

static const char *
actuatorStateName(unsigned char state)
{
    return state < sizeof(actuatorStateNames) / sizeof(actuatorStateNames[0]) ?
           actuatorStateNames[state] : "unknown";
}

xvActuator *
xvActuatorNew(void)
{
    return xvPolicyAlloc(1, sizeof(xvActuator));
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
    free(a->counters);
    free(a->last);
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
    a->uri = uri ? xvPolicyStrdup(uri) : NULL;
}

const xvPolicyCounter *
xvActuatorCounters(const xvActuator *a, size_t *retCount)
{
    *retCount = a->ncounters;
    return a->counters;
}

static void
actuatorCount(xvActuator *a, const char *policy, xvPolicyActionKind action,
              xvPolicyResult result)
{
    xvPolicyCounter *c;
    size_t i;

    for (i = 0; i < a->ncounters; i++) {
        c = &a->counters[i];
        if (c->action == action && c->result == result && strcmp(c->policy, policy) == 0) {
            c->count++;
            return;
        }
    }
    a->counters = xvPolicyReallocN(a->counters, a->ncounters + 1, sizeof(*a->counters));
    c = &a->counters[a->ncounters++];
    c->policy = xvPolicyStrdup(policy);
    c->action = action;
    c->result = result;
    c->count = 1;
}

static actuatorLast *
actuatorFindLast(xvActuator *a, const char *policy, const unsigned char *uuid, bool add)
{
    size_t i;

    for (i = 0; i < a->nlast; i++) {
        if (memcmp(a->last[i].uuid, uuid, 16) == 0 && strcmp(a->last[i].policy, policy) == 0)
            return &a->last[i];
    }
    if (!add)
        return NULL;
    a->last = xvPolicyReallocN(a->last, a->nlast + 1, sizeof(*a->last));
    a->last[a->nlast].policy = xvPolicyStrdup(policy);
    memcpy(a->last[a->nlast].uuid, uuid, 16);
    a->last[a->nlast].atMs = 0;
    return &a->last[a->nlast++];
}

/* Logs and counts one outcome. */
static void
actuatorReport(xvActuator *a, const char *policy, const xvPolicyAction *act,
               xvPolicyResult result, const char *after, const char *detail)
{
    static const int levels[XV_POLICY_RESULT_LAST] = {
        [XV_POLICY_RESULT_OK] = XV_LOG_NOTICE,
        [XV_POLICY_RESULT_FAILED] = XV_LOG_WARNING,
        [XV_POLICY_RESULT_DRY_RUN] = XV_LOG_NOTICE,
        [XV_POLICY_RESULT_RATE_LIMITED] = XV_LOG_INFO,
        [XV_POLICY_RESULT_GAVE_UP] = XV_LOG_ERR,
        [XV_POLICY_RESULT_SKIPPED] = XV_LOG_INFO,
    };

    xvLog(levels[result], "policy=%s domain=%s uuid=%s action=%s reason=%s result=%s "
          "%s(id %d)->%s%s%s", policy, act->domain, act->uuidstr,
          xvPolicyActionKindName(act->kind), act->reason, xvPolicyResultName(result),
          actuatorStateName(act->state), act->id, after, detail ? ": " : "",
          detail ? detail : "");
    actuatorCount(a, policy, act->kind, result);
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
            if (asprintf(detail, "cannot open a read-write connection to '%s': %s",
                         a->uri ? a->uri : "xen:///", virGetLastErrorMessage()) < 0)
                abort();
            return NULL;
        }
        virConnSetErrorFunc(a->conn, NULL, actuatorQuietErrors);
    }
    return a->conn;
}

static xvPolicyResult
actuatorFail(char **detail, const char *call)
{
    if (asprintf(detail, "%s: %s", call, virGetLastErrorMessage()) < 0)
        abort();
    return XV_POLICY_RESULT_FAILED;
}

/* Starts the destroyed domain again: defined ones by virDomainCreate, the
 * others from the captured XML. */
static xvPolicyResult
actuatorStart(virConnectPtr conn, const xvPolicyAction *act, const char *xml, int *newId,
              char **detail)
{
    virDomainPtr dom = virDomainLookupByUUID(conn, act->uuid);

    if (dom) {
        if (virDomainCreate(dom) < 0) {
            virDomainFree(dom);
            return actuatorFail(detail, "virDomainCreate");
        }
    } else if (!xml) {
        if (asprintf(detail, "transient domain destroyed, no configuration was captured "
                     "to start it again") < 0)
            abort();
        return XV_POLICY_RESULT_FAILED;
    } else if (!(dom = virDomainCreateLinux(conn, xml, 0))) {
        return actuatorFail(detail, "virDomainCreateLinux");
    }
    *newId = (int)virDomainGetID(dom);
    virDomainFree(dom);
    return XV_POLICY_RESULT_OK;
}

static xvPolicyResult
actuatorRestart(xvActuator *a, const xvPolicyAction *act, const char *xml, int *newId,
                char **detail)
{
    virConnectPtr conn = actuatorConnect(a, detail);
    virDomainInfo info;
    virDomainPtr dom;

    if (!conn)
        return XV_POLICY_RESULT_FAILED;
    if (!(dom = virDomainLookupByUUID(conn, act->uuid))) {
        if (asprintf(detail, "the domain vanished") < 0)
            abort();
        return XV_POLICY_RESULT_SKIPPED;
    }
    /* an operator may have acted since the sample: only crashed remains go */
    if (virDomainGetInfo(dom, &info) < 0) {
        virDomainFree(dom);
        return actuatorFail(detail, "virDomainGetInfo");
    }
    if (info.state != VIR_DOMAIN_CRASHED) {
        virDomainFree(dom);
        if (asprintf(detail, "the domain is no longer crashed (%s)",
                     actuatorStateName(info.state)) < 0)
            abort();
        return XV_POLICY_RESULT_SKIPPED;
    }
    /* on success virDomainDestroy also releases the object */
    if (virDomainDestroy(dom) < 0) {
        virDomainFree(dom);
        return actuatorFail(detail, "virDomainDestroy");
    }
    return actuatorStart(conn, act, xml, newId, detail);
}

static void
actuatorSave(const xvPolicyState *state)
{
    int rc = xvPolicyStateSave(state);

    if (rc < 0)
        xvLogError("policy: cannot save the bookkeeping in '%s': %s", state->dir,
                   strerror(-rc));
}

/* Reads a running domain's configuration through the read-only connection. */
static void
actuatorCapture(virConnectPtr ro, const xvPolicyAction *act, xvPolicyState *state)
{
    xvRestartEntry *e;
    virDomainPtr dom;
    char *xml;

    if (!ro || !(dom = virDomainLookupByUUID(ro, act->uuid)))
        return;
    xml = virDomainGetXMLDesc(dom, 0);
    virDomainFree(dom);
    if (!xml) {
        xvLogDebug("policy: cannot capture the configuration of '%s': %s", act->domain,
                   virGetLastErrorMessage());
        return;
    }
    e = xvPolicyStateGet(state, act->uuid, act->domain);
    free(e->xml);
    e->xml = xml;
    e->xmlId = act->id;
    xvLogDebug("policy: captured the configuration of '%s' (id %d)", act->domain, act->id);
    actuatorSave(state);
}

/* One restart action: refusals, dry run, or the real thing. */
static void
actuatorRestartAction(xvActuator *a, const char *name, const xvPolicyCommon *common,
                      const xvPolicyAction *act, xvPolicyState *state, uint64_t nowMs,
                      unsigned int *taken)
{
    actuatorLast *last = actuatorFindLast(a, name, act->uuid, false);
    xvRestartEntry *e;
    xvPolicyResult result;
    char *detail = NULL;
    char after[64];
    int newId = -1;

    if (act->giveUp) {
        e = xvPolicyStateGet(state, act->uuid, act->domain);
        e->gaveUp = true;
        actuatorSave(state);
        actuatorReport(a, name, act, XV_POLICY_RESULT_GAVE_UP, "crashed",
                       "burst limit reached; cleared by SIGHUP");
        return;
    }
    if ((common->maxActionsPerInterval && *taken >= common->maxActionsPerInterval) ||
        (last && common->minActionIntervalMs && nowMs < last->atMs + common->minActionIntervalMs)) {
        actuatorReport(a, name, act, XV_POLICY_RESULT_RATE_LIMITED, "crashed",
                       *taken >= common->maxActionsPerInterval && common->maxActionsPerInterval ?
                       "max_actions_per_interval" : "min_action_interval");
        return;
    }
    (*taken)++;
    actuatorFindLast(a, name, act->uuid, true)->atMs = nowMs;
    /* recorded and saved first: if the agent dies during the action, the
     * attempt and its back-off survive, so it is not repeated at once */
    e = xvPolicyStateGet(state, act->uuid, act->domain);
    xvRestartEntryAddAttempt(e, nowMs);
    e->retryAtMs = act->retryAtMs;
    if (common->dryRun) {
        actuatorSave(state);
        actuatorReport(a, name, act, XV_POLICY_RESULT_DRY_RUN, "running(dry run)", NULL);
        return;
    }
    e->inProgressMs = nowMs;
    actuatorSave(state);
    result = actuatorRestart(a, act, e->xml, &newId, &detail);
    e = xvPolicyStateFind(state, act->uuid);
    e->inProgressMs = 0;
    actuatorSave(state);
    if (result == XV_POLICY_RESULT_OK)
        snprintf(after, sizeof(after), "running(id %d)", newId);
    else
        snprintf(after, sizeof(after), "%s", result == XV_POLICY_RESULT_SKIPPED ?
                 "unchanged" : "crashed");
    actuatorReport(a, name, act, result, after, detail);
    free(detail);
}

void
xvActuatorApply(xvActuator *a, virConnectPtr ro, const char *name,
                const xvPolicyCommon *common, const xvPolicyActionList *actions,
                xvPolicyState *state, uint64_t nowMs)
{
    unsigned int taken = 0;
    size_t i;

    for (i = 0; i < actions->n; i++) {
        const xvPolicyAction *act = &actions->actions[i];

        switch (act->kind) {
        case XV_POLICY_ACTION_CAPTURE:
            actuatorCapture(ro, act, state);
            break;
        case XV_POLICY_ACTION_RESTART:
            actuatorRestartAction(a, name, common, act, state, nowMs, &taken);
            break;
        case XV_POLICY_ACTION_LAST:
        default:
            break;
        }
    }
}
