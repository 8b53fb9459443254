/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * history.h: the last actions of the policies, for the agent's landing
 * page: a bounded ring of the most recent outcomes (every action and
 * refusal the actuator logs), and the last outcome of each policy. Written
 * by the actuator in the sampler thread only; the engine copies it into
 * each report (report.h), which is published beside the snapshot, so
 * readers never touch the ring itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* How many outcomes the ring keeps. */
#define XV_POLICY_HISTORY_MAX 20

/* Longest detail kept, in bytes (a hypervisor's error message can be long). */
#define XV_POLICY_RECORD_DETAIL_MAX 240

/* One outcome, as the actuator logged it. */
typedef struct _xvPolicyRecord xvPolicyRecord;
struct _xvPolicyRecord {
    uint64_t atMs;              /* realtime ms since the epoch (the agent's clock) */
    char *policy;               /* owned */
    char *domain;               /* owned */
    xvPolicyActionKind action;
    xvPolicyResult result;
    char *detail;               /* owned: "reason=crashed crashed(id 1)->running(id 4)..." */
};

typedef struct _xvPolicyHistory xvPolicyHistory;
struct _xvPolicyHistory {
    xvPolicyRecord *ring;       /* cap entries */
    size_t cap;                 /* 0 until the first add: XV_POLICY_HISTORY_MAX */
    size_t next;                /* where the next outcome goes */
    size_t n;                   /* outcomes held, at most cap */
    xvPolicyRecord *lastOf;     /* the last outcome of each policy, first-seen order */
    size_t nlastOf;
};

/* An empty history keeping the last @n outcomes (0: XV_POLICY_HISTORY_MAX). */
#define XV_POLICY_HISTORY_INIT(n) { .cap = (n) }

/* Copies @rec in (its strings too; the detail cut to
 * XV_POLICY_RECORD_DETAIL_MAX bytes at a UTF-8 character boundary),
 * dropping the oldest outcome when the ring is full. */
void xvPolicyHistoryAdd(xvPolicyHistory *h, const xvPolicyRecord *rec);

/* The outcomes held, newest first, copied into a new array of *@count
 * records (NULL when none) to free with xvPolicyRecordsFree(). */
xvPolicyRecord *xvPolicyHistoryCopy(const xvPolicyHistory *h, size_t *count);

/* The last outcome of @policy, or NULL (borrowed until the next add). */
const xvPolicyRecord *xvPolicyHistoryLastOf(const xvPolicyHistory *h, const char *policy);

/* Frees what @h holds and leaves it empty (same capacity). */
void xvPolicyHistoryClear(xvPolicyHistory *h);

/* @dst becomes a deep copy of @src. */
void xvPolicyRecordCopy(xvPolicyRecord *dst, const xvPolicyRecord *src);
/* Frees the strings of @rec and zeroes it. */
void xvPolicyRecordClear(xvPolicyRecord *rec);
/* Frees @n records and the array; NULL is fine. */
void xvPolicyRecordsFree(xvPolicyRecord *recs, size_t n);
