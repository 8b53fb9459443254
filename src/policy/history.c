/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* history.c: the ring of the policies' last actions (landing page). */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

/* At most @max bytes of @s, not cutting a UTF-8 character in two. */
static char *
historyCut(const char *s, size_t max)
{
    size_t len = strlen(s);

    if (len <= max)
        return xvStrdup(s);
    len = max;
    /* back off continuation bytes (10xxxxxx) to the start of a character */
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    return xvStrndup(s, len);
}

void
xvPolicyRecordCopy(xvPolicyRecord *dst, const xvPolicyRecord *src)
{
    *dst = *src;
    dst->policy = xvStrdup(src->policy ? src->policy : "");
    dst->domain = xvStrdup(src->domain ? src->domain : "");
    dst->detail = historyCut(src->detail ? src->detail : "", XV_POLICY_RECORD_DETAIL_MAX);
}

void
xvPolicyRecordClear(xvPolicyRecord *rec)
{
    free(rec->policy);
    free(rec->domain);
    free(rec->detail);
    memset(rec, 0, sizeof(*rec));
}

void
xvPolicyRecordsFree(xvPolicyRecord *recs, size_t n)
{
    size_t i;

    for (i = 0; recs && i < n; i++)
        xvPolicyRecordClear(&recs[i]);
    free(recs);
}

static void
historySetLastOf(xvPolicyHistory *h, const xvPolicyRecord *rec)
{
    size_t i;

    for (i = 0; i < h->nlastOf; i++) {
        if (strcmp(h->lastOf[i].policy, rec->policy) == 0) {
            xvPolicyRecordClear(&h->lastOf[i]);
            xvPolicyRecordCopy(&h->lastOf[i], rec);
            return;
        }
    }
    h->lastOf = xvReallocN(h->lastOf, h->nlastOf + 1, sizeof(*h->lastOf));
    xvPolicyRecordCopy(&h->lastOf[h->nlastOf++], rec);
}

void
xvPolicyHistoryAdd(xvPolicyHistory *h, const xvPolicyRecord *rec)
{
    if (h->cap == 0)
        h->cap = XV_POLICY_HISTORY_MAX;
    if (!h->ring)
        h->ring = xvAllocN(h->cap, sizeof(*h->ring));
    /* full: the slot of the oldest is reused */
    xvPolicyRecordClear(&h->ring[h->next]);
    xvPolicyRecordCopy(&h->ring[h->next], rec);
    h->next = (h->next + 1) % h->cap;
    if (h->n < h->cap)
        h->n++;
    historySetLastOf(h, rec);
}

xvPolicyRecord *
xvPolicyHistoryCopy(const xvPolicyHistory *h, size_t *count)
{
    xvPolicyRecord *out;
    size_t i;

    *count = h->n;
    if (h->n == 0)
        return NULL;
    out = xvAllocN(h->n, sizeof(*out));
    for (i = 0; i < h->n; i++) {
        /* newest first: the one just before next, going back */
        size_t at = (h->next + h->cap - 1 - i) % h->cap;

        xvPolicyRecordCopy(&out[i], &h->ring[at]);
    }
    return out;
}

const xvPolicyRecord *
xvPolicyHistoryLastOf(const xvPolicyHistory *h, const char *policy)
{
    size_t i;

    for (i = 0; i < h->nlastOf; i++) {
        if (strcmp(h->lastOf[i].policy, policy) == 0)
            return &h->lastOf[i];
    }
    return NULL;
}

void
xvPolicyHistoryClear(xvPolicyHistory *h)
{
    size_t i;

    for (i = 0; h->ring && i < h->cap; i++)
        xvPolicyRecordClear(&h->ring[i]);
    free(h->ring);
    xvPolicyRecordsFree(h->lastOf, h->nlastOf);
    h->ring = NULL;
    h->lastOf = NULL;
    h->nlastOf = 0;
    h->next = 0;
    h->n = 0;
}
