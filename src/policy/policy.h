/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policy.h: what a policy type is (parse, decide, free) and what it decides (actions). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/conf/conf.h"
#include "src/snapshot/snapshot.h"

/*
 * A policy type is one file exposing one const xvPolicyType, listed in the
 * registry xvPolicyTypes (policy.c). Its decide() is PURE: a function of the snapshot, the
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
    XV_POLICY_ACTION_PIN,           /* virDomainPinVcpu: one vcpu onto a new CPU set */
    XV_POLICY_ACTION_SETMEM,        /* virDomainSetMemory: a new balloon target */
    XV_POLICY_ACTION_LAST
} xvPolicyActionKind;

/* "restart", "capture", "pin", "setmem"; NULL out of range. */
const char *xvPolicyActionKindName(xvPolicyActionKind kind);

/* What became of an action (the result label of xvirt_policy_actions_total). */
typedef enum {
    XV_POLICY_RESULT_OK = 0,
    XV_POLICY_RESULT_FAILED,        /* the hypervisor refused; retried after back-off */
    XV_POLICY_RESULT_DRY_RUN,       /* dry_run: logged and counted, nothing touched */
    XV_POLICY_RESULT_RATE_LIMITED,  /* max_actions_per_interval or min_action_interval */
    XV_POLICY_RESULT_GAVE_UP,       /* the burst is spent: no more attempts */
    XV_POLICY_RESULT_SKIPPED,       /* the domain changed or vanished before the action */
    XV_POLICY_RESULT_ROLLED_FORWARD,  /* interrupted by a stop, finished by the next start */
    XV_POLICY_RESULT_LAST
} xvPolicyResult;

/* "ok", "failed", "dry_run", "rate_limited", "gave_up", "skipped", "rolled_forward";
 * NULL out of range. */
const char *xvPolicyResultName(xvPolicyResult result);

typedef struct _xvPolicyAction xvPolicyAction;
struct _xvPolicyAction {
    xvPolicyActionKind kind;
    bool giveUp;                /* not an attempt, the policy gives up (RESTART: burst
                                 * spent; PIN: the domain cannot be placed) */
    char *domain;               /* owned copy of the name */
    unsigned char uuid[16];
    char uuidstr[37];
    int id;                     /* as seen in the snapshot (before) */
    unsigned char state;        /* virDomainState as seen (before) */
    const char *reason;         /* static text: "crashed", "imbalance", "host_low"... */
    uint64_t retryAtMs;         /* RESTART: earliest next attempt if this one is made */
    int vcpu;                   /* PIN: the vcpu number; -1 for domain-wide actions */
    int loadPermille;           /* PIN: the vcpu's load over the last interval, in
                                 * thousandths of one pCPU; -1 when not measured */
    int maplen;                 /* PIN: bytes of both maps */
    unsigned char *oldMap;      /* PIN: the affinity seen (owned copy; may be NULL) */
    unsigned char *newMap;      /* PIN: the affinity wanted (owned copy) */
    uint64_t oldKiB;            /* SETMEM: the memory seen */
    uint64_t newKiB;            /* SETMEM: the target wanted */
};

typedef struct _xvPolicyActionList xvPolicyActionList;
struct _xvPolicyActionList {
    xvPolicyAction *actions;
    size_t n;
    size_t cap;
};

/* Appends a copy of @action (its domain string and maps are duplicated). */
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
/* Reads a `domains:` mapping (names, uuids, exclude) into @d; errors carry
 * the file, line and column. Returns 0 or a negative errno. */
int xvPolicyDomainsParse(const xvConfNode *map, const char *file, xvPolicyDomains *d,
                         xvConfError *err);
void xvPolicyDomainsClear(xvPolicyDomains *d);

/* The options every policy type has. */
typedef struct _xvPolicyCommon xvPolicyCommon;
struct _xvPolicyCommon {
    bool enabled;                   /* default true */
    bool dryRun;                    /* default false */
    xvPolicyDomains domains;
    unsigned int maxActionsPerInterval;  /* 0: no cap */
    uint64_t minActionIntervalMs;        /* between actions on one domain; 0: none */
};

/* What a policy decides from: all of it immutable during decide(). */
typedef struct _xvPolicyInput xvPolicyInput;
struct _xvPolicyInput {
    const xvSnapshot *snap;         /* this interval's picture (connected) */
    /*
     * The picture the engine ran on before (NULL at the first run, after a
     * failed sample, or after a reload). Deltas of counters (cpu time) are
     * taken between the two, over snap->timestampNs - prev->timestampNs.
     */
    const xvSnapshot *prev;
    const xvPolicyState *state;     /* the persisted bookkeeping; may be NULL */
    uint64_t nowMs;                 /* realtime ms since the epoch */
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
     * arguments.
     */
    void (*decide)(const xvPolicyInput *in, const xvPolicyCommon *common, const void *config,
                   xvPolicyActionList *out);
    void (*free)(void *config);
    /*
     * The write action the type takes (the action label of its
     * xvirt_policy_actions_total series) and whether it can give up on a
     * domain: the engine exports the type's counters at 0 from the start
     * (xvActuatorDeclareCounters()).
     */
    xvPolicyActionKind action;
    bool givesUp;
};

/*
 * Reads the keys every policy entry has into @common (zeroed by the caller;
 * enabled defaults to true): enabled, dry_run, domains,
 * max_actions_per_interval and min_action_interval. `name` and `type` are
 * the loader's; a key neither common nor in @type->keys is refused, listing
 * both. Returns 0, or -EINVAL with @err filled at the offending node.
 * Free what it read with xvPolicyDomainsClear(&common->domains).
 */
int xvPolicyCommonParse(const xvConfNode *entry, const char *file, const xvPolicyType *type,
                        xvPolicyCommon *common, xvConfError *err);

extern const xvPolicyType xvPolicyRestart;
extern const xvPolicyType xvPolicyAutopin;
extern const xvPolicyType xvPolicyBalloon;

/*
 * The registry: every policy type, NULL-terminated, in the order the
 * configuration's "expected one of:" lists them. The one place their names
 * live: the agent's loader checks `type:` against it.
 */
extern const xvPolicyType *const xvPolicyTypes[];
/* The type whose name is @name, or NULL. */
const xvPolicyType *xvPolicyTypeFind(const char *name);

/*
 * One entry of `policies:` as a configuration file gave it. The loader
 * checked that @name is non-empty and unique and that `type:` names a
 * registered type; the other keys are left, with their marks, in @node for
 * the engine (xvPolicySetParse(), engine.h) and the type to read.
 */
typedef struct _xvPolicyEntry xvPolicyEntry;
struct _xvPolicyEntry {
    char *name;
    const xvPolicyType *type;
    xvConfNode *node;           /* the whole entry (a mapping, incl. name and type) */
    char *file;                 /* the file it was read from, as named in errors */
};

/* Frees what @entry holds and zeroes it. */
void xvPolicyEntryClear(xvPolicyEntry *entry);

/*
 * The same domain in @in->prev (same UUID and ID, i.e. the same boot), or
 * NULL: there is no earlier picture of it to take deltas from.
 */
const xvSnapDomain *xvPolicyPrevDomain(const xvPolicyInput *in, const xvSnapDomain *dom);
