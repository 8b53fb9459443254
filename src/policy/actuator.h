/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * actuator.h: carries out what the policies decided. The only place of the
 * agent making write calls: it opens its own read-write connection the
 * first time a real (not dry-run) action needs one, and applies dry_run,
 * the per-policy cap on actions per interval and the minimum time between
 * actions on one domain. Every action and refusal is logged as
 *   policy=NAME domain=DOM action=restart reason=crashed result=RESULT BEFORE->AFTER
 * and counted by (policy, action, result). Used from the sampler thread only.
 */
#pragma once

#include <stdint.h>

#include "history.h"
#include "policy.h"
#include "state.h"

typedef struct _xvActuator xvActuator;

/* One (policy, action, result) counter of xvirt_policy_actions_total. */
typedef struct _xvPolicyCounter xvPolicyCounter;
struct _xvPolicyCounter {
    char *policy;
    xvPolicyActionKind action;
    xvPolicyResult result;
    uint64_t count;
};

/*
 * The last balloon target a policy set on a domain (a SETMEM action that
 * went through, or would have in dry_run), shown as current state.
 */
typedef struct _xvPolicyTarget xvPolicyTarget;
struct _xvPolicyTarget {
    char *policy;
    char *domain;
    unsigned char uuid[16];
    char uuidstr[37];
    int id;                     /* the boot it was set in */
    uint64_t targetKiB;
};

xvActuator *xvActuatorNew(void);
void xvActuatorFree(xvActuator *a);

/* The URI of the read-write connection (NULL: the library's default); a
 * different one closes the open connection. */
void xvActuatorSetURI(xvActuator *a, const char *uri);

/*
 * Carries out @actions of the policy @name for this interval, updating and
 * saving @state (attempts are recorded and saved BEFORE acting, so an agent
 * killed mid-action never repeats it at once; each write action is recorded
 * as an intent in @state, saved before each of its steps and dropped when
 * it ends, see xvActuatorRollForward()). @ro is the sampler's
 * read-only connection, used to capture configurations (may be NULL).
 */
struct _virConnect;
void xvActuatorApply(xvActuator *a, struct _virConnect *ro, const char *name,
                     const xvPolicyCommon *common, const xvPolicyActionList *actions,
                     xvPolicyState *state, uint64_t nowMs);

/*
 * Opens the read-write connection ahead of the first action, so that a
 * restart acting on a crash event does not wait for it (33 ms on Xen in
 * the lab). Tried once per URI; a failure is left for that first action
 * to report, as it opens the connection again.
 */
void xvActuatorWarmUp(xvActuator *a);

/*
 * The clock that tells when an action ended (realtime ms; the agent's,
 * stepped in tests): a restart's back-off counts from there. Without one,
 * an action ends at the time of its sample.
 */
void xvActuatorSetClock(xvActuator *a, uint64_t (*realMs)(void *opaque), void *opaque);

/* Called (sampler thread) with the domain of each action that was tried:
 * done, failed or dry run (the event->action latency, src/agent/events.h).
 * NULL: none. */
typedef void (*xvActuatorObserver)(const unsigned char *uuid, xvPolicyResult result,
                                   void *opaque);
void xvActuatorSetObserver(xvActuator *a, xvActuatorObserver fn, void *opaque);

/* One outcome, as it is logged, for whoever keeps them all (the agent's
 * what-if timeline); everything borrowed for the call only. */
typedef struct _xvPolicyOutcome xvPolicyOutcome;
struct _xvPolicyOutcome {
    uint64_t atMs;              /* realtime ms (the actuator's clock) */
    const char *policy;
    const xvPolicyAction *action;
    xvPolicyResult result;
    const char *before;         /* "crashed(id 3)", "cpus 0-7", "1048576KiB"... */
    const char *after;
    const char *detail;         /* why it failed or was refused; NULL: nothing more */
};

/* Called (sampler thread) with every outcome logged: actions, dry runs and
 * refusals. NULL: none. */
typedef void (*xvActuatorRecorder)(const xvPolicyOutcome *outcome, void *opaque);
void xvActuatorSetRecorder(xvActuator *a, xvActuatorRecorder fn, void *opaque);

/*
 * Restarts interrupted by a stop of the agent (the intents found in
 * @state, state.h) are finished, at most one create each, and every other
 * intent dropped (a pin or setmem: its policy decides afresh); see
 * actuator.c for what the domain's state decides. Each is logged and
 * counted (result rolled_forward when the domain was started again), the
 * attempt being counted already when it began; a restart's back-off counts
 * from the end of its rolling forward. Called before the policies decide,
 * on the first complete sample. Does nothing once stopping.
 */
void xvActuatorRollForward(xvActuator *a, xvPolicyState *state, uint64_t nowMs);

/*
 * Any thread (SIGTERM): no write action starts after this; returns whether
 * one is in progress (see xvActuatorActing()).
 */
bool xvActuatorStop(xvActuator *a);
/* Any thread: whether a write action is in progress now. */
bool xvActuatorActing(xvActuator *a);

/* Forgets the failure back-offs of pin and setmem actions (an operator's
 * SIGHUP); the minimum interval between actions still holds. Returns true
 * if one was pending. */
bool xvActuatorClearBackoffs(xvActuator *a);

/*
 * Adds, at 0, the counters of the policy @policy that do not exist yet: one
 * per result an action of @kind can end with (gave_up only if @givesUp,
 * rolled_forward only for a restart; dry_run and the real results both),
 * so that their series are exported before the first action and rate() or
 * increase() sees that one. Counts already made are kept.
 */
void xvActuatorDeclareCounters(xvActuator *a, const char *policy, xvPolicyActionKind kind,
                               bool givesUp);

/* The counters so far, in first-seen order (borrowed until the next Apply). */
const xvPolicyCounter *xvActuatorCounters(const xvActuator *a, size_t *retCount);

/* The balloon targets kept, in first-set order (borrowed until the next Apply or Prune). */
const xvPolicyTarget *xvActuatorTargets(const xvActuator *a, size_t *retCount);
/* The last outcomes, for the landing page (borrowed until the next Apply). */
const xvPolicyHistory *xvActuatorHistory(const xvActuator *a);

/*
 * After a run on @snap: forgets the targets of domains gone from @snap or
 * restarted since (another ID), and of policies that did not run (removed
 * or disabled). Does nothing for a failed sample (@snap not connected).
 */
void xvActuatorPruneTargets(xvActuator *a, const xvSnapshot *snap);
