/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policy.h: what a policy type is (parse, decide, free) and what it decides (actions). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "snapshot.h"

/*
 * A policy type is one file exposing one const xvPolicyType, listed in the
 * table of engine.c. Its decide() is PURE: a function of the snapshot, the
 * bookkeeping, its configuration and the clock it is given, so it can be
 * tested on hand-built snapshots with a fake clock. It never calls the
 * hypervisor: the actuator (actuator.c) carries the actions out.
 *
 * Times handed to policies are CLOCK_REALTIME milliseconds since the epoch,
 * because deadlines are persisted and must survive a restart of the agent.
 */

typedef struct _xvPolicyState xvPolicyState;

typedef enum {
    XV_POLICY_ACTION_RESTART = 0,   /* destroy the crashed remains, start again */
    XV_POLICY_ACTION_CAPTURE,       /* keep the XML of a running domain (read only) */
    XV_POLICY_ACTION_LAST
} xvPolicyActionKind;

/* "restart", "capture"; NULL out of range. */
const char *xvPolicyActionKindName(xvPolicyActionKind kind);

/* What became of an action (the result label of xvirt_policy_actions_total). */
typedef enum {
    XV_POLICY_RESULT_OK = 0,
    XV_POLICY_RESULT_FAILED,        /* the hypervisor refused; retried after back-off */
    XV_POLICY_RESULT_DRY_RUN,       /* dry_run: logged and counted, nothing touched */
    XV_POLICY_RESULT_RATE_LIMITED,  /* max_actions_per_interval or min_action_interval */
    XV_POLICY_RESULT_GAVE_UP,       /* the burst is spent: no more attempts */
    XV_POLICY_RESULT_SKIPPED,       /* the domain changed or vanished before the action */
    XV_POLICY_RESULT_LAST
} xvPolicyResult;

/* "ok", "failed", "dry_run", "rate_limited", "gave_up", "skipped"; NULL out of range. */
const char *xvPolicyResultName(xvPolicyResult result);

typedef struct _xvPolicyAction xvPolicyAction;
struct _xvPolicyAction {
    xvPolicyActionKind kind;
    bool giveUp;                /* RESTART: not an attempt, the policy gives up */
    char *domain;               /* owned copy of the name */
    unsigned char uuid[16];
    char uuidstr[37];
    int id;                     /* as seen in the snapshot (before) */
    unsigned char state;        /* virDomainState as seen (before) */
    const char *reason;         /* static text: "crashed" */
    uint64_t retryAtMs;         /* RESTART: earliest next attempt if this one is made */
};

typedef struct _xvPolicyActionList xvPolicyActionList;
struct _xvPolicyActionList {
    xvPolicyAction *actions;
    size_t n;
    size_t cap;
};

/* Appends a copy of @action (its domain string is duplicated). */
void xvPolicyActionListAdd(xvPolicyActionList *list, const xvPolicyAction *action);
/* Frees the actions and leaves @list empty. */
void xvPolicyActionListClear(xvPolicyActionList *list);

/* Which domains a policy acts on (the `domains:` key). */
typedef struct _xvPolicyDomains xvPolicyDomains;
struct _xvPolicyDomains {
    char **names;               /* fnmatch() globs; none and no uuids: every domain */
    size_t nnames;
    char **uuids;               /* canonical lowercase strings */
    size_t nuuids;
    char **exclude;             /* globs on the name, or UUID strings */
    size_t nexclude;
};

/*
 * True if @dom is selected: by a name glob or UUID (everything when neither
 * is given), and not by an exclude entry. Domain-0 (id 0) is selected only
 * when listed explicitly, by its exact name or its UUID.
 */
bool xvPolicyDomainsMatch(const xvPolicyDomains *sel, const xvSnapDomain *dom);

/* The options every policy type has. */
typedef struct _xvPolicyCommon xvPolicyCommon;
struct _xvPolicyCommon {
    bool enabled;                   /* default true */
    bool dryRun;                    /* default false */
    xvPolicyDomains domains;
    unsigned int maxActionsPerInterval;  /* 0: no cap */
    uint64_t minActionIntervalMs;        /* between actions on one domain; 0: none */
};

typedef struct _xvPolicyType xvPolicyType;
struct _xvPolicyType {
    const char *name;               /* the `type:` value */
    /* The type's own keys, NULL-terminated (for the unknown-key message). */
    const char *const *keys;
    /*
     * Reads the type's own keys of @entry (a mapping; the common keys are
     * read by the engine) into a new configuration. Returns 0, or -EINVAL
     * with @err filled at the offending node (file:line:col).
     */
    int (*parse)(const xvConfNode *entry, const char *file, void **retConfig, xvConfError *err);
    /*
     * Appends to @out what should be done now. Pure: reads only its
     * arguments. @state may be NULL (no bookkeeping yet).
     */
    void (*decide)(const xvSnapshot *snap, const xvPolicyState *state,
                   const xvPolicyCommon *common, const void *config, uint64_t nowMs,
                   xvPolicyActionList *out);
    void (*free)(void *config);
};

extern const xvPolicyType xvPolicyRestart;

/* Allocation helpers of src/policy/: they abort on failure, never NULL. */
void *xvPolicyAlloc(size_t count, size_t size);
void *xvPolicyReallocN(void *ptr, size_t count, size_t size);
char *xvPolicyStrdup(const char *s);
