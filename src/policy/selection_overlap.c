/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * selection_overlap.c: may two `domains:` selections pick one domain? Name
 * globs are compared as fnmatch() reads them (a star, a set of bytes per
 * position), UUIDs exactly, and each side's exclude list is taken into
 * account where it surely applies (a literal name, a UUID).
 */
#include "selection_overlap.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xvalloc.h"
#include "util/xvhash.h"

/* One position of a glob: '*', or the set of bytes a single character may be. */
typedef struct {
    bool star;
    unsigned char set[32];
} overlapGlobToken;

static void
overlapSetAdd(unsigned char *set, unsigned int c)
{
    set[c / 8] |= (unsigned char)(1u << (c % 8));
}

/* Reads the bracket expression at @p ('['), as fnmatch() does; NULL if it
 * is not closed (then '[' is an ordinary character). Classes ([:alpha:]
 * and the like) count as any character: a wider set never hides a clash. */
static const char *
overlapGlobBracket(const char *p, unsigned char *set)
{
    const unsigned char *q = (const unsigned char *)p + 1;
    bool negate = *q == '!' || *q == '^';
    bool first = true;
    size_t i;

    if (negate)
        q++;
    for (; *q && (first || *q != ']'); first = false) {
        unsigned int lo, hi;

        if (q[0] == '[' && q[1] == ':') {
            const char *close = strstr((const char *)q + 2, ":]");

            if (!close)
                return NULL;
            memset(set, 0xff, 32);
            q = (const unsigned char *)close + 2;
            continue;
        }
        if (*q == '\\' && q[1])
            q++;
        lo = hi = *q++;
        if (q[0] == '-' && q[1] && q[1] != ']') {
            q++;
            if (*q == '\\' && q[1])
                q++;
            hi = *q++;
        }
        for (; lo <= hi; lo++)
            overlapSetAdd(set, lo);
    }
    if (*q != ']')
        return NULL;
    if (negate) {
        for (i = 0; i < 32; i++)
            set[i] = (unsigned char)~set[i];
    }
    return (const char *)q + 1;
}

/* The tokens of @glob into @out (strlen(@glob) of them at most). */
static size_t
overlapGlobParse(const char *glob, overlapGlobToken *out)
{
    const char *p = glob;
    size_t n = 0;

    while (*p) {
        overlapGlobToken *t = &out[n++];
        const char *next;

        memset(t, 0, sizeof(*t));
        if (*p == '*') {
            t->star = true;
            p++;
        } else if (*p == '?') {
            memset(t->set, 0xff, sizeof(t->set));
            p++;
        } else if (*p == '[' && (next = overlapGlobBracket(p, t->set))) {
            p = next;
        } else {
            if (*p == '\\' && p[1])
                p++;
            overlapSetAdd(t->set, (unsigned char)*p++);
        }
    }
    return n;
}

static bool
overlapSetsMeet(const unsigned char *a, const unsigned char *b)
{
    size_t i;

    for (i = 0; i < 32; i++) {
        if (a[i] & b[i])
            return true;
    }
    return false;
}

/*
 * Whether one name can match both globs. can[i][j]: some string matches
 * the tokens of @a from i and those of @b from j; filled from the ends.
 */
static bool
overlapGlobsMeet(const char *globA, const char *globB)
{
    overlapGlobToken *a = xvAllocN(strlen(globA) + 1, sizeof(*a));
    overlapGlobToken *b = xvAllocN(strlen(globB) + 1, sizeof(*b));
    size_t na = overlapGlobParse(globA, a), nb = overlapGlobParse(globB, b);
    size_t w = nb + 1, i, j;
    bool *can = xvAllocN((na + 1) * w, sizeof(*can));
    bool meet;

    for (i = na + 1; i-- > 0;) {
        for (j = nb + 1; j-- > 0;) {
            bool c;

            if (i == na && j == nb)
                c = true;
            else if (i < na && a[i].star)      /* the star stops here, or eats b's next */
                c = can[(i + 1) * w + j] || (j < nb && can[i * w + j + 1]);
            else if (j < nb && b[j].star)
                c = can[i * w + j + 1] || (i < na && can[(i + 1) * w + j]);
            else if (i == na || j == nb)
                c = false;
            else
                c = overlapSetsMeet(a[i].set, b[j].set) && can[(i + 1) * w + j + 1];
            can[i * w + j] = c;
        }
    }
    meet = can[0];
    free(can);
    free(a);
    free(b);
    return meet;
}

/* A name pattern without any special character: the one name it matches. */
static bool
overlapGlobIsLiteral(const char *glob)
{
    return !strpbrk(glob, "*?[\\");
}

/* Whether @sel's exclude list surely leaves out what the selector @name or @uuid picks. */
static bool
overlapExcludes(const xvPolicyDomains *sel, const char *name, const char *uuid)
{
    size_t i;

    for (i = 0; i < sel->nexclude; i++) {
        if (name && overlapGlobIsLiteral(name) && fnmatch(sel->exclude[i], name, 0) == 0)
            return true;
        if (uuid && strcasecmp(sel->exclude[i], uuid) == 0)
            return true;
    }
    return false;
}

/* One selector of a policy: a name glob, a UUID, or every domain (both NULL). */
typedef struct {
    const char *name;
    const char *uuid;
} overlapSelector;

static char *
overlapDescribeSelector(const overlapSelector *s)
{
    /* a selector has a name or a UUID, or neither: every domain */
    if (s->uuid)
        return xvAsprintf("uuid %s", s->uuid);
    if (s->name)
        return xvAsprintf("name '%s'", s->name);
    return xvStrdup("every domain");
}

/* Whether @s of the selection @p and @t of @q can pick one domain. */
static bool
overlapSelectorsMeet(const overlapSelector *s, const xvPolicyDomains *p,
                     const overlapSelector *t, const xvPolicyDomains *q)
{
    if (overlapExcludes(q, s->name, s->uuid) || overlapExcludes(p, t->name, t->uuid))
        return false;
    if (s->name && t->name)
        return overlapGlobsMeet(s->name, t->name);
    if (s->uuid && t->uuid)
        return strcmp(s->uuid, t->uuid) == 0;
    /* every domain, or a UUID against a name: the domain may be the same */
    return true;
}

static size_t
overlapSelectors(const xvPolicyDomains *d, overlapSelector **ret)
{
    size_t n = 0, i;

    *ret = xvAllocN(d->nnames + d->nuuids + 1, sizeof(**ret));
    for (i = 0; i < d->nnames; i++)
        (*ret)[n++].name = d->names[i];
    for (i = 0; i < d->nuuids; i++)
        (*ret)[n++].uuid = d->uuids[i];
    return n > 0 ? n : 1;       /* none: the one selector "every domain" */
}

char *
xvPolicyDomainsOverlap(const xvPolicyDomains *p, const char *pName, const xvPolicyDomains *q,
                       const char *qName)
{
    overlapSelector *ps, *qs;
    size_t np = overlapSelectors(p, &ps), nq = overlapSelectors(q, &qs), i, j;
    char *why = NULL;

    for (i = 0; i < np && !why; i++) {
        for (j = 0; j < nq && !why; j++) {
            char *a, *b;

            if (!overlapSelectorsMeet(&ps[i], p, &qs[j], q))
                continue;
            a = overlapDescribeSelector(&ps[i]);
            b = overlapDescribeSelector(&qs[j]);
            why = xvAsprintf("%s of '%s' and %s of '%s' can be the same domain", a, pName,
                             b, qName);
            free(a);
            free(b);
        }
    }
    free(ps);
    free(qs);
    return why;
}

/* ---- the index: which earlier selections to compare a new one with ------ */

/* Positions of the index's entries, ascending. */
typedef struct {
    size_t *v;
    size_t n, cap;
} overlapList;

typedef struct {
    const xvPolicyDomains *domains;
    const char *name;
    size_t id;
} overlapEntry;

struct _xvOverlapIndex {
    overlapEntry *entries;
    size_t nentries, capEntries;
    xvHash *byName;             /* literal name -> list */
    xvHash *byUUID;             /* uuid -> list */
    xvHash *globByPrefix;       /* a glob's literal prefix -> list */
    xvHash *nameByPrefix;       /* every prefix of a name's literal part -> list */
    overlapList withName, withUUID, every;
    overlapList **lists;        /* every list in the tables, to free */
    size_t nlists, capLists;
    size_t comparisons;
};

xvOverlapIndex *
xvOverlapIndexNew(void)
{
    xvOverlapIndex *idx = xvAlloc(sizeof(*idx));

    idx->byName = xvHashNew();
    idx->byUUID = xvHashNew();
    idx->globByPrefix = xvHashNew();
    idx->nameByPrefix = xvHashNew();
    return idx;
}

void
xvOverlapIndexFree(xvOverlapIndex *idx)
{
    size_t i;

    if (!idx)
        return;
    for (i = 0; i < idx->nlists; i++) {
        free(idx->lists[i]->v);
        free(idx->lists[i]);
    }
    free(idx->lists);
    free(idx->withName.v);
    free(idx->withUUID.v);
    free(idx->every.v);
    xvHashFree(idx->byName);
    xvHashFree(idx->byUUID);
    xvHashFree(idx->globByPrefix);
    xvHashFree(idx->nameByPrefix);
    free(idx->entries);
    free(idx);
}

size_t
xvOverlapIndexComparisons(const xvOverlapIndex *idx)
{
    return idx->comparisons;
}

/* Appends @pos once: an entry's selectors are added one after another. */
static void
overlapListAdd(overlapList *l, size_t pos)
{
    if (l->n > 0 && l->v[l->n - 1] == pos)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xvReallocN(l->v, l->cap, sizeof(*l->v));
    }
    l->v[l->n++] = pos;
}

/* The list of @key (@len bytes) in @table, made if @create. */
static overlapList *
overlapTableList(xvOverlapIndex *idx, xvHash *table, const char *key, size_t len, bool create)
{
    overlapList *l = xvHashLookup(table, key, len);

    if (l || !create)
        return l;
    l = xvAlloc(sizeof(*l));
    xvHashAdd(table, key, len, l);
    if (idx->nlists == idx->capLists) {
        idx->capLists = idx->capLists ? idx->capLists * 2 : 16;
        idx->lists = xvReallocN(idx->lists, idx->capLists, sizeof(*idx->lists));
    }
    idx->lists[idx->nlists++] = l;
    return l;
}

/* The length of the literal start of a glob: every name it matches starts
 * with these bytes (a special character or an escape ends it). */
static size_t
overlapLiteralPrefix(const char *glob)
{
    return strcspn(glob, "*?[\\");
}

static void
overlapIndexAddName(xvOverlapIndex *idx, const char *name, size_t pos)
{
    size_t len = strlen(name), plen = overlapLiteralPrefix(name), k;

    if (plen == len)
        overlapListAdd(overlapTableList(idx, idx->byName, name, len, true), pos);
    else
        overlapListAdd(overlapTableList(idx, idx->globByPrefix, name, plen, true), pos);
    for (k = 0; k <= plen; k++)
        overlapListAdd(overlapTableList(idx, idx->nameByPrefix, name, k, true), pos);
    overlapListAdd(&idx->withName, pos);
}

void
xvOverlapIndexAdd(xvOverlapIndex *idx, const xvPolicyDomains *d, const char *name, size_t id)
{
    size_t pos = idx->nentries, i;

    if (idx->nentries == idx->capEntries) {
        idx->capEntries = idx->capEntries ? idx->capEntries * 2 : 16;
        idx->entries = xvReallocN(idx->entries, idx->capEntries, sizeof(*idx->entries));
    }
    idx->entries[idx->nentries++] = (overlapEntry){ d, name, id };
    for (i = 0; i < d->nnames; i++)
        overlapIndexAddName(idx, d->names[i], pos);
    for (i = 0; i < d->nuuids; i++) {
        overlapListAdd(overlapTableList(idx, idx->byUUID, d->uuids[i], strlen(d->uuids[i]),
                                        true), pos);
        overlapListAdd(&idx->withUUID, pos);
    }
    if (d->nnames == 0 && d->nuuids == 0)
        overlapListAdd(&idx->every, pos);
}

/* The positions a query gathers (with repeats). */
typedef struct {
    size_t *v;
    size_t n, cap;
} overlapCandidates;

static void
overlapGather(overlapCandidates *c, const overlapList *l)
{
    if (!l || l->n == 0)
        return;
    if (c->cap - c->n < l->n) {
        c->cap = c->n + l->n + c->cap;
        c->v = xvReallocN(c->v, c->cap, sizeof(*c->v));
    }
    memcpy(c->v + c->n, l->v, l->n * sizeof(*l->v));
    c->n += l->n;
}

/*
 * What one name selector of a query may meet: a literal name meets the same
 * name and the globs whose literal prefix starts it; a glob meets the
 * names (literal or glob) whose literal part starts with its prefix and the
 * globs whose prefix starts its prefix. Any name may meet a UUID or every
 * domain.
 */
static void
overlapGatherName(const xvOverlapIndex *idx, const char *name, overlapCandidates *c)
{
    size_t len = strlen(name), plen = overlapLiteralPrefix(name), k;

    if (plen == len)
        overlapGather(c, xvHashLookup(idx->byName, name, len));
    else
        overlapGather(c, xvHashLookup(idx->nameByPrefix, name, plen));
    for (k = 0; k <= plen; k++)
        overlapGather(c, xvHashLookup(idx->globByPrefix, name, k));
    overlapGather(c, &idx->withUUID);
    overlapGather(c, &idx->every);
}

static int
overlapComparePos(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* Every entry that may overlap @d (a superset), ascending, without repeats. */
static void
overlapGatherAll(const xvOverlapIndex *idx, const xvPolicyDomains *d, overlapCandidates *c)
{
    size_t i, n = 0;

    if (d->nnames == 0 && d->nuuids == 0) {
        c->cap = c->n = idx->nentries;
        c->v = xvAllocN(c->cap ? c->cap : 1, sizeof(*c->v));
        for (i = 0; i < idx->nentries; i++)
            c->v[i] = i;
        return;
    }
    for (i = 0; i < d->nnames; i++)
        overlapGatherName(idx, d->names[i], c);
    for (i = 0; i < d->nuuids; i++) {
        overlapGather(c, xvHashLookup(idx->byUUID, d->uuids[i], strlen(d->uuids[i])));
        overlapGather(c, &idx->withName);
        overlapGather(c, &idx->every);
    }
    if (c->n < 2)
        return;
    qsort(c->v, c->n, sizeof(*c->v), overlapComparePos);
    for (i = 0; i < c->n; i++) {
        if (n == 0 || c->v[n - 1] != c->v[i])
            c->v[n++] = c->v[i];
    }
    c->n = n;
}

bool
xvOverlapIndexFind(xvOverlapIndex *idx, const xvPolicyDomains *d, const char *name,
                   size_t *retId, char **retWhy)
{
    overlapCandidates c = { NULL, 0, 0 };
    size_t i;
    bool found = false;

    overlapGatherAll(idx, d, &c);
    for (i = 0; i < c.n && !found; i++) {
        const overlapEntry *e = &idx->entries[c.v[i]];

        idx->comparisons++;
        if ((*retWhy = xvPolicyDomainsOverlap(d, name, e->domains, e->name))) {
            *retId = e->id;
            found = true;
        }
    }
    free(c.v);
    return found;
}
