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
