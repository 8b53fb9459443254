/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain.c: the domain collector. Lists every active domain (by ID) and
 * every defined, inactive one (by name) -- with no cap on their number --
 * and records identity, state, memory, vcpu count, CPU time and OS type.
 * A domain that vanishes mid-sample is dropped; a failing call on one
 * domain drops or marks that domain only.
 */
#include "collector.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "util/xvalloc.h"
#include "util/xvhash.h"

#define DOMAIN_CACHE_KEYLEN (16 + sizeof(int))

/* The OS type of an active domain cannot change while it runs: it is kept
 * across samples, keyed by (uuid, id), so a steady host does not ask again.
 * Entries stay in the order the domains are listed, which changes little
 * between samples, so the next one is usually where the last hit left off
 * (read in sequence, cache-friendly); when it is not, a hash index finds it
 * (a first sample, or one after many restarts, used to scan the whole cache
 * per domain: quadratic in the number of domains). */
typedef struct {
    unsigned char key[DOMAIN_CACHE_KEYLEN];   /* uuid, then the int id */
    char *osType;
    uint64_t seenSeq;          /* last sample that used the entry */
} domainOSTypeEntry;

typedef struct {
    domainOSTypeEntry *entries;
    size_t nentries;
    size_t cap;
    size_t hint;               /* where the next search starts */
    xvHash *index;             /* key -> position + 1 */
    int definedHint;           /* inactive domains listed last time */
} domainState;

static void
domainStateFree(void *opaque)
{
    domainState *st = opaque;
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->nentries; i++)
        free(st->entries[i].osType);
    free(st->entries);
    xvHashFree(st->index);
    free(st);
}

static void
domainCacheKey(unsigned char *key, const unsigned char *uuid, int id)
{
    memcpy(key, uuid, 16);
    memcpy(key + 16, &id, sizeof(id));
}

static void
domainCacheIndex(domainState *st, size_t pos)
{
    xvHashAdd(st->index, st->entries[pos].key, DOMAIN_CACHE_KEYLEN, (void *)(uintptr_t)(pos + 1));
}

static domainOSTypeEntry *
domainCacheFind(domainState *st, const unsigned char *uuid, int id)
{
    unsigned char key[DOMAIN_CACHE_KEYLEN];
    uintptr_t pos;

    domainCacheKey(key, uuid, id);
    if (st->hint < st->nentries && memcmp(st->entries[st->hint].key, key, sizeof(key)) == 0)
        return &st->entries[st->hint++];
    if (!(pos = (uintptr_t)xvHashLookup(st->index, key, sizeof(key))))
        return NULL;
    st->hint = pos;
    return &st->entries[pos - 1];
}

static void
domainCacheAdd(domainState *st, const unsigned char *uuid, int id, const char *osType,
               uint64_t seq)
{
    domainOSTypeEntry *e;

    if (st->nentries == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->entries = xvReallocN(st->entries, st->cap, sizeof(*st->entries));
    }
    e = &st->entries[st->nentries];
    domainCacheKey(e->key, uuid, id);
    if (xvHashHas(st->index, e->key, sizeof(e->key)))
        return;             /* listed twice in one sample: the first is kept */
    e->osType = xvStrdup(osType);
    e->seenSeq = seq;
    domainCacheIndex(st, st->nentries++);
}

/* Drops entries of domains not seen in the sample @seq. */
static void
domainCachePrune(domainState *st, uint64_t seq)
{
    size_t i, kept = 0;

    for (i = 0; i < st->nentries; i++) {
        domainOSTypeEntry *e = &st->entries[i];

        if (e->seenSeq != seq) {
            xvHashRemove(st->index, e->key, sizeof(e->key));
            free(e->osType);
            continue;
        }
        if (kept != i) {
            /* moved: its index entry follows */
            xvHashRemove(st->index, e->key, sizeof(e->key));
            st->entries[kept] = *e;
            domainCacheIndex(st, kept);
        }
        kept++;
    }
    st->nentries = kept;
    st->hint = 0;
}

/* The OS type of @dom as a new string, from the cache when possible;
 * NULL if the call failed (counted). */
static char *
domainGetOSType(xvCollectContext *ctx, domainState *st, virDomainPtr dom,
                const xvSnapDomain *sd)
{
    domainOSTypeEntry *e = NULL;
    char *os;

    if (sd->id >= 0 && (e = domainCacheFind(st, sd->uuid, sd->id))) {
        e->seenSeq = ctx->snap->seq;
        return xvStrdup(e->osType);
    }
    if (!(os = virDomainGetOSType(dom))) {
        xvCollectNoteFailure(ctx, XV_CALL_GET_OS_TYPE);
        return NULL;
    }
    if (sd->id >= 0)
        domainCacheAdd(st, sd->uuid, sd->id, os, ctx->snap->seq);
    return os;
}

/*
 * Adds @dom to the snapshot and runs the per-domain collectors on it.
 * Returns 0, or -1 if the domain had to be dropped (vanished or unreadable).
 */
static int
domainAdd(xvCollectContext *ctx, domainState *st, virDomainPtr dom)
{
    xvSnapshot *snap = ctx->snap;
    xvSnapDomain *sd;
    virDomainInfo info;
    const char *name;

    if (virDomainGetInfo(dom, &info) < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_GET_INFO);
        return -1;
    }
    name = virDomainGetName(dom);
    sd = xvSnapshotAddDomain(snap);
    sd->name = xvStrdup(name ? name : "");
    sd->id = (int)virDomainGetID(dom);
    if (virDomainGetUUID(dom, sd->uuid) < 0 ||
        virDomainGetUUIDString(dom, sd->uuidstr) < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_GET_UUID);
        xvSnapshotDropLastDomain(snap);
        return -1;
    }
    sd->state = info.state;
    sd->maxMemKiB = info.maxMem;
    sd->memKiB = info.memory;
    sd->nrVirtCpu = info.nrVirtCpu;
    sd->cpuTimeNs = info.cpuTime;
    sd->osType = domainGetOSType(ctx, st, dom, sd);
    if (sd->id >= 0)
        xvCollectDomainHooks(ctx, dom, sd);
    return 0;
}

/* The IDs of the active domains, sized as needed: NULL on failure. */
static int *
domainListIDs(xvCollectContext *ctx, int *retn)
{
    int *ids = NULL;
    int cap, n;

    if ((n = virConnectNumOfDomains(ctx->conn)) < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_NUM_OF_DOMAINS);
        return NULL;
    }
    /* Domains may start between the two calls: a full array means the
     * list may be cut, so grow and ask again. */
    for (cap = n + 16;; cap *= 2) {
        ids = xvReallocN(ids, (size_t)cap, sizeof(*ids));
        if ((n = virConnectListDomains(ctx->conn, ids, cap)) < 0) {
            xvCollectNoteFailure(ctx, XV_CALL_LIST_DOMAINS);
            free(ids);
            return NULL;
        }
        if (n < cap)
            break;
    }
    *retn = n;
    return ids;
}

/* The names of the defined, inactive domains (caller frees each): NULL on
 * failure. The API has no count call for them, so the array grows until
 * the list fits; it starts a little over the last sample's count, so a
 * steady host lists them once, not once per doubling. */
static char **
domainListDefined(xvCollectContext *ctx, domainState *st, int *retn)
{
    char **names = NULL;
    int cap, n;

    cap = st->definedHint < INT_MAX / 4 ? st->definedHint + st->definedHint / 8 + 64 : INT_MAX / 2;
    for (;; cap *= 2) {
        names = xvReallocN(names, (size_t)cap, sizeof(*names));
        /* (void *): the seed's const char ** and libvirt's char **const (README) */
        if ((n = virConnectListDefinedDomains(ctx->conn, (void *)names, cap)) < 0) {
            xvCollectNoteFailure(ctx, XV_CALL_LIST_DEFINED_DOMAINS);
            free(names);
            return NULL;
        }
        if (n < cap)
            break;
        while (n > 0)
            free(names[--n]);
    }
    st->definedHint = n;
    *retn = n;
    return names;
}

static int
domainCollectActive(xvCollectContext *ctx, domainState *st)
{
    int *ids;
    int n, i;

    if (!(ids = domainListIDs(ctx, &n)))
        return -1;
    for (i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByID(ctx->conn, ids[i]);

        if (!dom) {
            xvCollectNoteFailure(ctx, XV_CALL_LOOKUP_BY_ID);
            continue;
        }
        domainAdd(ctx, st, dom);
        virDomainFree(dom);
    }
    free(ids);
    return 0;
}

static int
domainCompareName(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
domainCollectDefined(xvCollectContext *ctx, domainState *st)
{
    const xvSnapshot *snap = ctx->snap;
    const char **seen;
    size_t nseen = snap->ndomains, j;
    char **names;
    int n, i;

    if (!(names = domainListDefined(ctx, st, &n)))
        return -1;
    /* A domain that stopped after the active ones were listed is in the
     * snapshot already, read after it stopped; the inactive list names it
     * again: a domain must appear once. Names are unique on a host. */
    seen = xvAllocN(nseen, sizeof(*seen));
    for (j = 0; j < nseen; j++)
        seen[j] = snap->domains[j].name;
    qsort(seen, nseen, sizeof(*seen), domainCompareName);
    for (i = 0; i < n; i++) {
        virDomainPtr dom = NULL;

        if (bsearch(&names[i], seen, nseen, sizeof(*seen), domainCompareName))
            ; /* read in the active pass */
        else if (!(dom = virDomainLookupByName(ctx->conn, names[i])))
            xvCollectNoteFailure(ctx, XV_CALL_LOOKUP_BY_NAME);
        /* skip one started since it was listed: it is no longer inactive */
        else if ((int)virDomainGetID(dom) == -1)
            domainAdd(ctx, st, dom);
        if (dom)
            virDomainFree(dom);
        free(names[i]);
    }
    free(seen);
    free(names);
    return 0;
}

static int
domainCollect(xvCollectContext *ctx)
{
    void **slot = xvCollectStateSlot(ctx, &xvCollectorDomain);
    domainState *st;
    int ret = 0;

    if (!(st = *slot)) {
        st = xvAlloc(sizeof(*st));
        st->index = xvHashNew();
        *slot = st;
    }
    if (domainCollectActive(ctx, st) < 0)
        ret = -1;
    if (domainCollectDefined(ctx, st) < 0)
        ret = -1;
    domainCachePrune(st, ctx->snap->seq);
    ctx->snap->domainsComplete = ret == 0;
    return ret;
}

const xvCollector xvCollectorDomain = {
    .name = "domain",
    .defaultEnabled = true,
    .collect = domainCollect,
    .freeState = domainStateFree,
};
