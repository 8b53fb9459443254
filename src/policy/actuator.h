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

xvActuator *xvActuatorNew(void);
void xvActuatorFree(xvActuator *a);

/* The URI of the read-write connection (NULL: the library's default); a
 * different one closes the open connection. */
void xvActuatorSetURI(xvActuator *a, const char *uri);

/*
 * Carries out @actions of the policy @name for this interval, updating and
 * saving @state (attempts are recorded and saved BEFORE acting, so an agent
 * killed mid-action never repeats it at once). @ro is the sampler's
 * read-only connection, used to capture configurations (may be NULL).
 */
struct _virConnect;
void xvActuatorApply(xvActuator *a, struct _virConnect *ro, const char *name,
                     const xvPolicyCommon *common, const xvPolicyActionList *actions,
                     xvPolicyState *state, uint64_t nowMs);

/* The counters so far, in first-seen order (borrowed until the next Apply). */
const xvPolicyCounter *xvActuatorCounters(const xvActuator *a, size_t *retCount);
