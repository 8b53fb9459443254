/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.h: the policies' bookkeeping per domain UUID, persisted atomically in the state dir. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "util/xvhash.h"

/* Attempts remembered per domain: the largest `burst` accepted. */
#define XV_POLICY_MAX_BURST 100

/* The file in the state directory. */
#define XV_POLICY_STATE_FILE "policy-state"

/*
 * lastSeenMs moves on in steps of this much, so that a domain seen at every
 * interval does not rewrite the file at every interval; an entry is pruned
 * once unseen for the retention plus one step (so never early).
 */
#define XV_POLICY_SEEN_STEP_MS (60 * 60 * 1000)

/* At most one log line per this period while saves keep failing. */
#define XV_POLICY_SAVE_LOG_INTERVAL_MS (60 * 1000)

typedef struct _xvRestartEntry xvRestartEntry;
struct _xvRestartEntry {
    unsigned char uuid[16];
    char uuidstr[37];
    char *name;                 /* last name seen */
    char *xml;                  /* last configuration captured while it ran; NULL: none */
    int xmlId;                  /* the domain ID it was captured from */
    uint64_t attemptsMs[XV_POLICY_MAX_BURST];  /* latest attempts, oldest first */
    size_t nattempts;
    uint64_t total;             /* restart attempts ever made */
    uint64_t retryAtMs;         /* no attempt before (realtime ms); 0: none */
    bool gaveUp;                /* until an operator clears it (SIGHUP) */
    uint64_t inProgressMs;      /* an attempt started then and did not finish; 0: none */
    uint64_t lastSeenMs;        /* a complete snapshot last showed the domain (realtime
                                 * ms, at most XV_POLICY_SEEN_STEP_MS behind); 0: not yet */
};

/* The write calls an action is made of, in the order it makes them. */
typedef enum {
    XV_POLICY_STEP_DESTROY = 0,     /* virDomainDestroy */
    XV_POLICY_STEP_CREATE,          /* virDomainCreate, or CreateLinux from the captured XML */
    XV_POLICY_STEP_PIN,             /* virDomainPinVcpu */
    XV_POLICY_STEP_SETMEM,          /* virDomainSetMemory */
    XV_POLICY_STEP_LAST
} xvPolicyStep;

/* "destroy", "create", "pin", "setmem"; NULL out of range. */
const char *xvPolicyStepName(xvPolicyStep step);

#define XV_POLICY_INTENT_MAX_STEPS 2

/*
 * An action in progress, recorded (and saved) before its first write call
 * and dropped when it is over, so that an agent stopped or killed in the
 * middle finds it on its next start (see xvActuatorRollForward()). Its
 * steps run in order: the first @done ended (successfully: a failed step
 * ends the action), and @begun (done or done + 1) were started, so
 * begun > done means steps[done] may or may not have taken effect.
 */
typedef struct _xvPolicyIntent xvPolicyIntent;
struct _xvPolicyIntent {
    uint64_t id;                /* unique in the file, > 0 */
    char *policy;               /* the policy that decided it */
    xvPolicyActionKind kind;    /* RESTART, PIN or SETMEM */
    unsigned char uuid[16];
    char uuidstr[37];
    char *name;                 /* the domain's name then; may be NULL */
    int vcpu;                   /* PIN: the vcpu; -1 otherwise */
    uint64_t startedMs;         /* realtime ms */
    xvPolicyStep steps[XV_POLICY_INTENT_MAX_STEPS];
    size_t nsteps;
    size_t begun;
    size_t done;
};

typedef struct _xvPolicyState xvPolicyState;
struct _xvPolicyState {
    char *dir;                  /* NULL: kept in memory only (tests, dry runs) */
    xvRestartEntry *entries;
    size_t n;
    size_t cap;                 /* room in entries (grown by doubling) */
    xvHash *byUUID;             /* uuid -> position + 1 in entries: a policy
                                 * looks up each domain of every sample */
    xvPolicyIntent *intents;    /* actions in progress, oldest first */
    size_t nintents;
    uint64_t lastIntentId;
    /* xvPolicyStateCommit(): failed saves, and the rate limit of their log */
    uint64_t saveErrorsTotal;   /* xvirt_policy_state_save_errors_total */
    uint64_t saveFailures;      /* failed saves in a row; 0: the last one worked */
    uint64_t saveUnlogged;      /* failures since the last line logged about them */
    uint64_t saveLoggedMs;      /* when that line was logged */
};

/* An empty bookkeeping kept in @dir (NULL: never written). */
xvPolicyState *xvPolicyStateNew(const char *dir);
void xvPolicyStateFree(xvPolicyState *st);

/*
 * Loads the bookkeeping of @dir. A missing file gives an empty one, and so
 * does an empty file (with a warning). The file must be a regular file,
 * and is read only if trusted strictly (util/xvfile.h: neither it nor a
 * directory above it writable by other users or its group, owned by root
 * or the agent's user); an untrusted one is left alone, to be replaced by
 * the next save. A file that cannot be read as bookkeeping is moved aside
 * (to "policy-state.corrupt-<seconds>") and an empty one is returned; in
 * all these cases *retWarning (if not NULL) says what happened (to free()),
 * with the line and, for an intent line, what is wrong with it. An attempt
 * found in progress (the agent died during it) stays counted; it is
 * cleared, and reported in *retWarning when no intent records it (a file
 * written before intents existed): one that has an intent is finished by
 * the actuator. The intents found are kept in st->intents. Never fails.
 */
xvPolicyState *xvPolicyStateLoad(const char *dir, char **retWarning);

/*
 * Writes the bookkeeping atomically: a temporary file, fsync, rename over
 * the old one, fsync of the directory (created if missing, mode 0700).
 * Returns 0 or -errno; a no-op without a directory.
 */
int xvPolicyStateSave(const xvPolicyState *st);

/*
 * xvPolicyStateSave() at @nowMs, for the sampler thread, which saves after
 * every change: a state dir that cannot be written (full, read-only) must
 * neither stop the policies nor flood the log. Each failure is counted in
 * saveErrorsTotal; the first of a run is logged at error level with its
 * reason, the next ones are summed up in one line at most every
 * XV_POLICY_SAVE_LOG_INTERVAL_MS, and the first success after failures is
 * logged at notice level with their number. Returns what Save returned.
 */
int xvPolicyStateCommit(xvPolicyState *st, uint64_t nowMs);

/*
 * Marks the entries of the domains @uuids (@n UUIDs of 16 bytes each, one
 * after the other, sorted by memcmp()) as seen at @nowMs, moving lastSeenMs
 * on in XV_POLICY_SEEN_STEP_MS steps. @st may be NULL. Returns how many
 * entries changed (worth saving).
 */
size_t xvPolicyStateSeen(xvPolicyState *st, const unsigned char *uuids, size_t n,
                         uint64_t nowMs);

/*
 * Drops the entries of the domains no snapshot showed for more than
 * @retentionMs (plus XV_POLICY_SEEN_STEP_MS), logging each, except those
 * given up on, in back-off or with an attempt in progress: those stay until
 * that is over. An entry never seen (from a file written before lastSeenMs
 * existed) starts its retention at @nowMs. Returns the number dropped; sets
 * *retChanged (if not NULL) to true when anything changed (worth saving).
 */
size_t xvPolicyStatePrune(xvPolicyState *st, uint64_t nowMs, uint64_t retentionMs,
                          bool *retChanged);

/* The entry of @uuid, or NULL. */
xvRestartEntry *xvPolicyStateFind(const xvPolicyState *st, const unsigned char *uuid);
/* The entry of @uuid, added (empty) if missing; @name replaces the one kept. */
xvRestartEntry *xvPolicyStateGet(xvPolicyState *st, const unsigned char *uuid,
                                 const char *name);

/* Records an attempt at @nowMs: counted in the window and the total. */
void xvRestartEntryAddAttempt(xvRestartEntry *e, uint64_t nowMs);
/* Attempts made after @sinceMs (within the burst window). */
size_t xvRestartEntryAttemptsSince(const xvRestartEntry *e, uint64_t sinceMs);
/* Clears the give-up flags, the attempts windows and back-offs; true if any was set. */
bool xvPolicyStateClearGiveUps(xvPolicyState *st);

/*
 * Records an action of @kind (RESTART, PIN or SETMEM) by @policy on the
 * domain @uuid (@name, may be NULL; @vcpu for PIN, else -1) as in progress
 * since @nowMs, with the steps of its kind planned and none begun (the
 * caller saves). Returns its id.
 */
uint64_t xvPolicyStateAddIntent(xvPolicyState *st, const char *policy, xvPolicyActionKind kind,
                                const unsigned char *uuid, const char *name, int vcpu,
                                uint64_t nowMs);
/* The intent @id, or NULL. Valid until the intents change. */
xvPolicyIntent *xvPolicyStateFindIntent(const xvPolicyState *st, uint64_t id);
/* Drops the intent @id (the action is over); false if there was none. */
bool xvPolicyStateEndIntent(xvPolicyState *st, uint64_t id);
/* Marks the next step of @in begun (the previous one, if begun, as done).
 * Returns the step, or XV_POLICY_STEP_LAST when all were begun. */
xvPolicyStep xvPolicyIntentBeginStep(xvPolicyIntent *in);
