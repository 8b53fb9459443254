/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.h: the policies' bookkeeping per domain UUID, persisted atomically in the state dir. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Attempts remembered per domain: the largest `burst` accepted. */
#define XV_POLICY_MAX_BURST 100

/* The file in the state directory. */
#define XV_POLICY_STATE_FILE "policy-state"

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
};

typedef struct _xvPolicyState xvPolicyState;
struct _xvPolicyState {
    char *dir;                  /* NULL: kept in memory only (tests) */
    xvRestartEntry *entries;
    size_t n;
};

/* An empty bookkeeping kept in @dir (NULL: never written). */
xvPolicyState *xvPolicyStateNew(const char *dir);
void xvPolicyStateFree(xvPolicyState *st);

/*
 * Loads the bookkeeping of @dir. A missing file gives an empty one. A file
 * that cannot be read as bookkeeping is moved aside (to
 * "policy-state.corrupt-<seconds>") and an empty one is returned; then
 * *retWarning (if not NULL) says what happened (to free()). An attempt
 * found in progress (the agent died during it) stays counted; it is
 * cleared and reported in *retWarning too. Never fails.
 */
xvPolicyState *xvPolicyStateLoad(const char *dir, char **retWarning);

/*
 * Writes the bookkeeping atomically: a temporary file, fsync, rename over
 * the old one, fsync of the directory (created if missing, mode 0700).
 * Returns 0 or -errno; a no-op without a directory.
 */
int xvPolicyStateSave(const xvPolicyState *st);

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
