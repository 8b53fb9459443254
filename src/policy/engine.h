/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.h: the policy engine. The loop thread parses the `policies:` of a
 * configuration into an xvPolicySet (rejecting a bad one with
 * file:line:col, so --check-config and SIGHUP validate policies too) and
 * hands it to the engine; the sampler thread runs the enabled policies on
 * each new snapshot, after sampling and before publishing, carries out
 * their actions (actuator.h) and returns an immutable report of the
 * policies' metrics (report.h), which the agent publishes beside the
 * snapshot. The engine only reads snapshots.
 *
 * The bookkeeping (state.h) lives in the engine, keyed by domain UUID, so a
 * reload keeps it; it is loaded from the state directory when the first
 * policy is configured, so an agent without policies never touches it.
 * On the first connected snapshot, actions a stop of the agent interrupted
 * (the intents of the bookkeeping) are finished before the policies decide.
 * After each run on a complete snapshot, the engine notes which domains it
 * shows and drops the bookkeeping of those gone for longer than
 * state_retention. Dry-run policies decide from and record into a separate
 * bookkeeping in memory, so they never hold back a real policy.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "actuator.h"
#include "policy.h"
#include "report.h"
#include "src/conf/conf.h"
#include "src/snapshot/snapshot.h"

typedef struct _xvPolicySet xvPolicySet;
typedef struct _xvPolicyEngine xvPolicyEngine;

/*
 * Parses and validates the @n policy entries @entries (as the agent's
 * loader read them): the common keys (enabled, dry_run, domains,
 * max_actions_per_interval, min_action_interval) and the type's own, each
 * in the file it came from; enabled policies of one type must select
 * provably disjoint domains. The set also carries @retentionMs (the
 * state_retention of the bookkeeping). Returns 0 with *ret to free with
 * xvPolicySetFree(), or -EINVAL with @err filled (see src/conf/conf.h for
 * the conventions).
 */
int xvPolicySetParse(const xvPolicyEntry *entries, size_t n, uint64_t retentionMs,
                     xvPolicySet **ret, xvConfError *err);
void xvPolicySetFree(xvPolicySet *set);
/* The policies of the set. */
size_t xvPolicySetCount(const xvPolicySet *set);

/* Same checks as xvPolicySetParse(), keeping nothing: for --check-config. */
int xvPolicyEngineValidate(const xvPolicyEntry *entries, size_t n, xvConfError *err);

/* An engine keeping its bookkeeping in @stateDir (NULL: in memory only). */
xvPolicyEngine *xvPolicyEngineNew(const char *stateDir);
void xvPolicyEngineFree(xvPolicyEngine *engine);

/*
 * Loop thread: the policies (taken; NULL: none) and the hypervisor URI of
 * the actions' read-write connection, applied at the next run. With
 * @clearGiveUps (a SIGHUP), the give-ups, attempt windows and back-offs
 * are cleared too: the operator's way to let the policy try again; the
 * dry runs' own bookkeeping (in memory) starts afresh as well.
 */
void xvPolicyEngineConfigure(xvPolicyEngine *engine, xvPolicySet *set, const char *uri,
                             bool clearGiveUps);

/*
 * Sampler thread: runs the policies on @snap at @nowMs (CLOCK_REALTIME
 * milliseconds; the sampler's clock) and carries out their actions, @ro
 * being the sampler's read-only connection (NULL if none). @snap is only
 * read; the engine keeps a reference to it, for the deltas of the next run.
 * Returns the report of the policies' metrics, to publish beside @snap and
 * free with xvPolicyReportFree(); NULL when there is nothing to report (no
 * policy ever configured). Every configured policy's counters are in it
 * from its first run, at 0 until it acts (xvActuatorDeclareCounters()).
 */
struct _virConnect;
xvPolicyReport *xvPolicyEngineRunAt(xvPolicyEngine *engine, struct _virConnect *ro,
                                    const xvSnapshot *snap, uint64_t nowMs);

/*
 * Loop thread, before the sampler starts: the clock that tells when an
 * action ended (realtime ms), see xvActuatorSetClock().
 */
void xvPolicyEngineSetClock(xvPolicyEngine *engine, uint64_t (*realMs)(void *opaque),
                            void *opaque);

/* Loop thread, before the sampler starts: told of each action tried, see
 * xvActuatorSetObserver(). */
void xvPolicyEngineSetObserver(xvPolicyEngine *engine,
                               void (*fn)(const unsigned char *uuid, xvPolicyResult result,
                                          void *opaque),
                               void *opaque);

/* Loop thread, before the sampler starts: told of every outcome, see
 * xvActuatorSetRecorder(). */
void xvPolicyEngineSetRecorder(xvPolicyEngine *engine, xvActuatorRecorder fn, void *opaque);

/* Makes the enabled dry-run policies of @set act (a what-if run on a copy
 * of the host shows what they would do). Returns how many it changed. */
size_t xvPolicySetIgnoreDryRun(xvPolicySet *set);

/*
 * Any thread (SIGTERM): no new action starts. Returns whether one is in
 * progress, worth waiting for (xvPolicyEngineActing() says when it ends).
 * An action cut short by the exit is finished by the next start (its
 * intent is saved in the state directory).
 */
bool xvPolicyEngineStop(xvPolicyEngine *engine);
bool xvPolicyEngineActing(xvPolicyEngine *engine);
