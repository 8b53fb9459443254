/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine.c: parses the policies, runs them on each snapshot, reports their metrics. */
#include "engine.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actuator.h"
#include "policy.h"
#include "report.h"
#include "state.h"
#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"
#include "util/xvlog.h"

/* The policy types, indexed by xvAgentPolicyType: one for each. */
static const xvPolicyType *const enginePolicyTypes[] = {
    [XV_AGENT_POLICY_AUTOPIN] = &xvPolicyAutopin,
    [XV_AGENT_POLICY_BALLOON] = &xvPolicyBalloon,
    [XV_AGENT_POLICY_RESTART] = &xvPolicyRestart,
};
_Static_assert(XV_N_ELEMENTS(enginePolicyTypes) == XV_AGENT_POLICY_LAST,
               "one entry per policy type");

static const char *const engineCommonKeys[] = {
    "name", "type", "enabled", "dry_run", "domains", "max_actions_per_interval",
    "min_action_interval", NULL,
};

typedef struct {
    char *name;
    const xvPolicyType *type;
    xvPolicyCommon common;
    void *config;
} enginePolicy;

struct _xvPolicySet {
    enginePolicy *policies;
    size_t n;
    uint64_t retentionMs;           /* state_retention */
};

struct _xvPolicyEngine {
    pthread_mutex_t lock;           /* guards the pending fields */
    bool havePending;
    xvPolicySet *pending;
    char *pendingURI;
    bool pendingClear;
    /* sampler thread only */
    char *stateDir;
    xvPolicySet *set;
    xvPolicyState *state;           /* loaded with the first policy */
    /*
     * The dry-run policies' own bookkeeping, in memory: their simulated
     * attempts pace them like real ones, but never hold back, count against
     * or give up on a domain for a real policy. Dropped at each SIGHUP.
     */
    xvPolicyState *dryState;
    xvActuator *actuator;
    xvSnapshot *prev;               /* the snapshot of the last run (a reference) */
};

/* ---- helpers shared by src/policy/ ---------------------------------------- */

const char *
xvPolicyActionKindName(xvPolicyActionKind kind)
{
    static const char *const names[] = { "restart", "capture", "pin", "setmem" };

    _Static_assert(XV_N_ELEMENTS(names) == XV_POLICY_ACTION_LAST, "names");
    return (unsigned int)kind < XV_POLICY_ACTION_LAST ? names[kind] : NULL;
}

const char *
xvPolicyResultName(xvPolicyResult result)
{
    static const char *const names[] = {
        "ok", "failed", "dry_run", "rate_limited", "gave_up", "skipped",
    };

    _Static_assert(XV_N_ELEMENTS(names) == XV_POLICY_RESULT_LAST, "names");
    return (unsigned int)result < XV_POLICY_RESULT_LAST ? names[result] : NULL;
}

static unsigned char *
engineMapDup(const unsigned char *map, int maplen)
{
    unsigned char *copy;

    if (!map || maplen <= 0)
        return NULL;
    copy = xvAllocN((size_t)maplen, 1);
    memcpy(copy, map, (size_t)maplen);
    return copy;
}

void
xvPolicyActionListAdd(xvPolicyActionList *list, const xvPolicyAction *action)
{
    xvPolicyAction *copy;

    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 8;
        list->actions = xvReallocN(list->actions, list->cap, sizeof(*list->actions));
    }
    copy = &list->actions[list->n++];
    *copy = *action;
    copy->domain = xvStrdup(action->domain);
    copy->oldMap = engineMapDup(action->oldMap, action->maplen);
    copy->newMap = engineMapDup(action->newMap, action->maplen);
}

void
xvPolicyActionListClear(xvPolicyActionList *list)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        free(list->actions[i].domain);
        free(list->actions[i].oldMap);
        free(list->actions[i].newMap);
    }
    free(list->actions);
    memset(list, 0, sizeof(*list));
}

const xvSnapDomain *
xvPolicyPrevDomain(const xvPolicyInput *in, const xvSnapDomain *dom)
{
    const xvSnapDomain *old;

    if (!in->prev || !(old = xvSnapshotFindDomain(in->prev, dom->name)))
        return NULL;
    if (memcmp(old->uuid, dom->uuid, 16) != 0 || old->id != dom->id)
        return NULL;
    return old;
}

bool
xvPolicyDomainsMatch(const xvPolicyDomains *sel, const xvSnapDomain *dom)
{
    bool selected = sel->nnames == 0 && sel->nuuids == 0;
    bool explicit = false;
    size_t i;

    for (i = 0; i < sel->nnames; i++) {
        if (strcmp(sel->names[i], dom->name) == 0)
            explicit = true;
        if (fnmatch(sel->names[i], dom->name, 0) == 0)
            selected = true;
    }
    for (i = 0; i < sel->nuuids; i++) {
        if (strcmp(sel->uuids[i], dom->uuidstr) == 0)
            selected = explicit = true;
    }
    for (i = 0; i < sel->nexclude; i++) {
        if (fnmatch(sel->exclude[i], dom->name, 0) == 0 ||
            strcasecmp(sel->exclude[i], dom->uuidstr) == 0)
            return false;
    }
    if (dom->id == 0 && !explicit)
        return false;
    return selected;
}

/* ---- parsing --------------------------------------------------------------- */

#define POLICY_QUOTE_MAX 64

/* @text for a message: control characters as '?', cut at POLICY_QUOTE_MAX. */
char *
xvPolicyQuote(const char *text)
{
    size_t n = strlen(text), i;
    char *s;

    if (n > POLICY_QUOTE_MAX) {
        n = POLICY_QUOTE_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    s = xvAllocN(n + 4, 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        s[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (n < strlen(text))
        memcpy(s + n, "...", 3);
    return s;
}

void
xvPolicyDomainsClear(xvPolicyDomains *d)
{
    size_t i;

    for (i = 0; i < d->nnames; i++)
        free(d->names[i]);
    for (i = 0; i < d->nuuids; i++)
        free(d->uuids[i]);
    for (i = 0; i < d->nexclude; i++)
        free(d->exclude[i]);
    free(d->names);
    free(d->uuids);
    free(d->exclude);
    memset(d, 0, sizeof(*d));
}

/* A UUID in its canonical lowercase form (36 chars), or -EINVAL. */
static int
engineCanonicalUUID(const char *text, char *out)
{
    size_t i, n = 0;

    for (i = 0; text[i] && n < 32; i++) {
        char c = text[i];

        if (c == '-')
            continue;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return -EINVAL;
        if (n == 8 || n == 12 || n == 16 || n == 20)
            *out++ = '-';
        *out++ = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
        n++;
    }
    *out = '\0';
    return n == 32 && text[i] == '\0' ? 0 : -EINVAL;
}

static int
engineStringList(const xvConfNode *seq, const char *file, bool uuids, char ***ret,
                 size_t *retn, xvConfError *err)
{
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(seq, file, XV_CONF_NODE_SEQUENCE, err)) < 0)
        return rc;
    *ret = xvAllocN(seq->nchildren, sizeof(char *));
    for (i = 0; i < seq->nchildren; i++) {
        const xvConfNode *item = &seq->children[i];
        char *s = NULL;
        char uuid[37];

        if ((rc = xvConfNodeGetString(item, file, &s, err)) < 0)
            return rc;
        if (uuids) {
            if (engineCanonicalUUID(s, uuid) < 0) {
                char *q = xvPolicyQuote(s);

                rc = xvConfErrorSetAt(err, file, item->line, item->column,
                                      "expected a UUID, got '%s'", q);
                free(q);
                free(s);
                return rc;
            }
            free(s);
            s = xvStrdup(uuid);
        }
        (*ret)[(*retn)++] = s;
    }
    return 0;
}

int
xvPolicyDomainsParse(const xvConfNode *map, const char *file, xvPolicyDomains *d,
                     xvConfError *err)
{
    static const char *const keys[] = { "names", "uuids", "exclude", NULL };
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(map, file, XV_CONF_NODE_MAPPING, err)) < 0)
        return rc;
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "names") == 0)
            rc = engineStringList(child, file, false, &d->names, &d->nnames, err);
        else if (strcmp(child->key, "uuids") == 0)
            rc = engineStringList(child, file, true, &d->uuids, &d->nuuids, err);
        else if (strcmp(child->key, "exclude") == 0)
            rc = engineStringList(child, file, false, &d->exclude, &d->nexclude, err);
        else
            rc = xvConfNodeUnknownKey(child, file, "domains", keys, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static bool
engineKeyIn(const char *const *keys, const char *key)
{
    for (; keys && *keys; keys++) {
        if (strcmp(*keys, key) == 0)
            return true;
    }
    return false;
}

static int
engineUnknownKey(const xvConfNode *child, const char *file, const xvPolicyType *type,
                 xvConfError *err)
{
    const char *all[32];
    size_t n = 0, i;

    for (i = 0; engineCommonKeys[i] && n < 31; i++)
        all[n++] = engineCommonKeys[i];
    for (i = 0; type->keys && type->keys[i] && n < 31; i++)
        all[n++] = type->keys[i];
    all[n] = NULL;
    return xvConfNodeUnknownKey(child, file, "policies", all, err);
}

static int
engineParseCommonKey(const xvConfNode *child, const char *file, xvPolicyCommon *c,
                     xvConfError *err)
{
    long long v;
    int rc;

    if (strcmp(child->key, "enabled") == 0)
        return xvConfNodeGetBool(child, file, &c->enabled, err);
    if (strcmp(child->key, "dry_run") == 0)
        return xvConfNodeGetBool(child, file, &c->dryRun, err);
    if (strcmp(child->key, "domains") == 0)
        return xvPolicyDomainsParse(child, file, &c->domains, err);
    if (strcmp(child->key, "max_actions_per_interval") == 0) {
        if ((rc = xvConfNodeGetInt(child, file, 1, 1000000, &v, err)) < 0)
            return rc;
        c->maxActionsPerInterval = (unsigned int)v;
        return 0;
    }
    return xvConfNodeGetDuration(child, file, 0, UINT64_C(7) * 24 * 3600 * 1000,
                                 &c->minActionIntervalMs, err);
}

static void
enginePolicyClear(enginePolicy *p)
{
    if (p->type && p->config)
        p->type->free(p->config);
    xvPolicyDomainsClear(&p->common.domains);
    free(p->name);
}

static int
engineParsePolicy(const xvAgentConfPolicy *cp, const char *file, enginePolicy *p,
                  xvConfError *err)
{
    const xvConfNode *entry = cp->node;
    size_t i;
    int rc;

    p->name = xvStrdup(cp->name);
    p->common.enabled = true;
    p->type = enginePolicyTypes[cp->type];
    for (i = 0; i < entry->nchildren; i++) {
        const xvConfNode *child = &entry->children[i];

        if (engineKeyIn(p->type->keys, child->key))
            continue;
        if (!engineKeyIn(engineCommonKeys, child->key))
            return engineUnknownKey(child, file, p->type, err);
        if (strcmp(child->key, "name") == 0 || strcmp(child->key, "type") == 0 ||
            xvConfNodeIsNull(child))
            continue;
        if ((rc = engineParseCommonKey(child, file, &p->common, err)) < 0)
            return rc;
    }
    return p->type->parse(entry, file, &p->config, err);
}

/* The file the marks of @cp point into. */
static const char *
enginePolicyFile(const xvAgentConf *conf, const xvAgentConfPolicy *cp)
{
    return cp->file ? cp->file : conf->file;
}

/* ---- may two domain selections overlap? ------------------------------------ */

/* One position of a glob: '*', or the set of bytes a single character may be. */
typedef struct {
    bool star;
    unsigned char set[32];
} engineGlobToken;

static void
engineSetAdd(unsigned char *set, unsigned int c)
{
    set[c / 8] |= (unsigned char)(1u << (c % 8));
}

/* Reads the bracket expression at @p ('['), as fnmatch() does; NULL if it
 * is not closed (then '[' is an ordinary character). Classes ([:alpha:]
 * and the like) count as any character: a wider set never hides a clash. */
static const char *
engineGlobBracket(const char *p, unsigned char *set)
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
            engineSetAdd(set, lo);
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
engineGlobParse(const char *glob, engineGlobToken *out)
{
    const char *p = glob;
    size_t n = 0;

    while (*p) {
        engineGlobToken *t = &out[n++];
        const char *next;

        memset(t, 0, sizeof(*t));
        if (*p == '*') {
            t->star = true;
            p++;
        } else if (*p == '?') {
            memset(t->set, 0xff, sizeof(t->set));
            p++;
        } else if (*p == '[' && (next = engineGlobBracket(p, t->set))) {
            p = next;
        } else {
            if (*p == '\\' && p[1])
                p++;
            engineSetAdd(t->set, (unsigned char)*p++);
        }
    }
    return n;
}

static bool
engineSetsMeet(const unsigned char *a, const unsigned char *b)
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
engineGlobsMeet(const char *globA, const char *globB)
{
    engineGlobToken *a = xvAllocN(strlen(globA) + 1, sizeof(*a));
    engineGlobToken *b = xvAllocN(strlen(globB) + 1, sizeof(*b));
    size_t na = engineGlobParse(globA, a), nb = engineGlobParse(globB, b);
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
                c = engineSetsMeet(a[i].set, b[j].set) && can[(i + 1) * w + j + 1];
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
engineGlobIsLiteral(const char *glob)
{
    return !strpbrk(glob, "*?[\\");
}

/* Whether @sel's exclude list surely leaves out what the selector @name or @uuid picks. */
static bool
engineExcludes(const xvPolicyDomains *sel, const char *name, const char *uuid)
{
    size_t i;

    for (i = 0; i < sel->nexclude; i++) {
        if (name && engineGlobIsLiteral(name) && fnmatch(sel->exclude[i], name, 0) == 0)
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
} engineSelector;

static char *
engineDescribeSelector(const engineSelector *s)
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
engineSelectorsMeet(const engineSelector *s, const xvPolicyDomains *p,
                    const engineSelector *t, const xvPolicyDomains *q)
{
    if (engineExcludes(q, s->name, s->uuid) || engineExcludes(p, t->name, t->uuid))
        return false;
    if (s->name && t->name)
        return engineGlobsMeet(s->name, t->name);
    if (s->uuid && t->uuid)
        return strcmp(s->uuid, t->uuid) == 0;
    /* every domain, or a UUID against a name: the domain may be the same */
    return true;
}

static size_t
engineSelectors(const xvPolicyDomains *d, engineSelector **ret)
{
    size_t n = 0, i;

    *ret = xvAllocN(d->nnames + d->nuuids + 1, sizeof(**ret));
    for (i = 0; i < d->nnames; i++)
        (*ret)[n++].name = d->names[i];
    for (i = 0; i < d->nuuids; i++)
        (*ret)[n++].uuid = d->uuids[i];
    return n > 0 ? n : 1;       /* none: the one selector "every domain" */
}

/*
 * Why the selections @p (of @pName) and @q (of @qName) may pick one domain,
 * or NULL if they cannot. To free().
 */
static char *
engineSelectionsMeet(const xvPolicyDomains *p, const char *pName, const xvPolicyDomains *q,
                     const char *qName)
{
    engineSelector *ps, *qs;
    size_t np = engineSelectors(p, &ps), nq = engineSelectors(q, &qs), i, j;
    char *why = NULL;

    for (i = 0; i < np && !why; i++) {
        for (j = 0; j < nq && !why; j++) {
            char *a, *b;

            if (!engineSelectorsMeet(&ps[i], p, &qs[j], q))
                continue;
            a = engineDescribeSelector(&ps[i]);
            b = engineDescribeSelector(&qs[j]);
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

/*
 * Enabled policies of one type must select disjoint domains: two restart
 * policies would pace one domain with two back-offs, two balloon or autopin
 * policies would undo each other's changes at every interval. Disjoint
 * means provably so: name globs that no name can match both of, distinct
 * UUIDs, or what one picks left out by the other's exclude (a literal name
 * or a UUID). Anything else (every domain, a UUID against a name) may
 * overlap and is refused, at the later policy's domains (or type).
 */
static int
engineCheckDisjoint(const xvAgentConf *conf, const xvPolicySet *set, size_t i,
                    xvConfError *err)
{
    const xvAgentConfPolicy *cp = &conf->policies[i];
    const enginePolicy *p = &set->policies[i];
    size_t j;

    if (!p->common.enabled)
        return 0;
    for (j = 0; j < i; j++) {
        const xvAgentConfPolicy *first = &conf->policies[j];
        const enginePolicy *q = &set->policies[j];
        const xvConfNode *at, *name;
        char *why;
        int rc;

        if (first->type != cp->type || !q->common.enabled ||
            !(why = engineSelectionsMeet(&p->common.domains, p->name, &q->common.domains,
                                         q->name)))
            continue;
        if (!(at = xvConfNodeFind(cp->node, "domains")) || xvConfNodeIsNull(at))
            at = xvConfNodeFind(cp->node, "type");
        name = xvConfNodeFind(first->node, "name");
        rc = xvConfErrorSetAt(err, enginePolicyFile(conf, cp), at->line, at->column,
                              "policy '%s' may act on the domains of the %s policy '%s' "
                              "(%s:%d:%d): %s; enabled policies of one type must select "
                              "disjoint domains (name globs no name matches both of, other "
                              "uuids, or exclude), or they act against each other",
                              cp->name, xvAgentPolicyTypeName(cp->type), first->name,
                              enginePolicyFile(conf, first), name->line, name->column, why);
        free(why);
        return rc;
    }
    return 0;
}

int
xvPolicySetParse(const xvAgentConf *conf, xvPolicySet **ret, xvConfError *err)
{
    xvPolicySet *set = xvAlloc(sizeof(*set));
    size_t i;
    int rc;

    set->retentionMs = conf->stateRetentionMs;
    set->policies = xvAllocN(conf->npolicies, sizeof(*set->policies));
    for (i = 0; i < conf->npolicies; i++) {
        const xvAgentConfPolicy *cp = &conf->policies[i];

        set->n++;
        if ((rc = engineParsePolicy(cp, enginePolicyFile(conf, cp), &set->policies[i],
                                    err)) < 0 ||
            (rc = engineCheckDisjoint(conf, set, i, err)) < 0) {
            xvPolicySetFree(set);
            return rc;
        }
    }
    *ret = set;
    return 0;
}

void
xvPolicySetFree(xvPolicySet *set)
{
    size_t i;

    if (!set)
        return;
    for (i = 0; i < set->n; i++)
        enginePolicyClear(&set->policies[i]);
    free(set->policies);
    free(set);
}

size_t
xvPolicySetCount(const xvPolicySet *set)
{
    return set ? set->n : 0;
}

int
xvPolicyEngineValidate(const xvAgentConf *conf, xvConfError *err)
{
    xvPolicySet *set = NULL;
    int rc = xvPolicySetParse(conf, &set, err);

    xvPolicySetFree(set);
    return rc;
}

/* ---- the engine --------------------------------------------------------------- */

xvPolicyEngine *
xvPolicyEngineNew(const char *stateDir)
{
    xvPolicyEngine *engine = xvAlloc(sizeof(*engine));

    pthread_mutex_init(&engine->lock, NULL);
    engine->stateDir = stateDir ? xvStrdup(stateDir) : NULL;
    engine->actuator = xvActuatorNew();
    return engine;
}

void
xvPolicyEngineFree(xvPolicyEngine *engine)
{
    if (!engine)
        return;
    xvPolicySetFree(engine->pending);
    xvPolicySetFree(engine->set);
    xvPolicyStateFree(engine->state);
    xvPolicyStateFree(engine->dryState);
    xvActuatorFree(engine->actuator);
    xvSnapshotUnref(engine->prev);
    free(engine->pendingURI);
    free(engine->stateDir);
    pthread_mutex_destroy(&engine->lock);
    free(engine);
}

void
xvPolicyEngineConfigure(xvPolicyEngine *engine, xvPolicySet *set, const char *uri,
                        bool clearGiveUps)
{
    xvPolicySet *old;

    pthread_mutex_lock(&engine->lock);
    old = engine->pending;
    engine->pending = set;
    free(engine->pendingURI);
    engine->pendingURI = uri ? xvStrdup(uri) : NULL;
    engine->pendingClear = engine->pendingClear || clearGiveUps;
    engine->havePending = true;
    pthread_mutex_unlock(&engine->lock);
    xvPolicySetFree(old);
}

/* Takes the configuration handed over by the loop, if any. */
static void
engineTakePending(xvPolicyEngine *engine, uint64_t nowMs)
{
    xvPolicySet *set;
    char *uri;
    bool clear;

    pthread_mutex_lock(&engine->lock);
    if (!engine->havePending) {
        pthread_mutex_unlock(&engine->lock);
        return;
    }
    set = engine->pending;
    uri = engine->pendingURI;
    clear = engine->pendingClear;
    engine->pending = NULL;
    engine->pendingURI = NULL;
    engine->pendingClear = false;
    engine->havePending = false;
    pthread_mutex_unlock(&engine->lock);

    xvPolicySetFree(engine->set);
    engine->set = set;
    /* deltas across a reload could span a change of policies: start afresh */
    engine->prev = xvSnapshotUnref(engine->prev);
    xvActuatorSetURI(engine->actuator, uri);
    free(uri);
    if (!clear)
        return;
    xvPolicyStateFree(engine->dryState);
    engine->dryState = NULL;
    if (xvActuatorClearBackoffs(engine->actuator))
        xvLogNotice("policy: back-offs after failed pin and setmem actions cleared by the reload");
    if (engine->state && xvPolicyStateClearGiveUps(engine->state)) {
        xvLogNotice("policy: give-ups and back-offs cleared by the reload");
        xvPolicyStateCommit(engine->state, nowMs);
    }
}

static void
engineLoadState(xvPolicyEngine *engine)
{
    char *warning = NULL;

    if (engine->state)
        return;
    if (!engine->stateDir) {
        engine->state = xvPolicyStateNew(NULL);
        return;
    }
    engine->state = xvPolicyStateLoad(engine->stateDir, &warning);
    if (warning) {
        xvLogWarning("policy: %s", warning);
        free(warning);
    }
    xvLogInfo("policy: bookkeeping in '%s' (%zu %s)", engine->stateDir, engine->state->n,
              engine->state->n == 1 ? "domain" : "domains");
}

/* The bookkeeping a policy decides from and records into. */
static xvPolicyState *
enginePolicyState(xvPolicyEngine *engine, const enginePolicy *p)
{
    if (!p->common.dryRun)
        return engine->state;
    if (!engine->dryState)
        engine->dryState = xvPolicyStateNew(NULL);
    return engine->dryState;
}

/* Whether @snap shows every domain: connected, and the domain collector worked. */
static bool
engineSnapshotComplete(const xvSnapshot *snap)
{
    size_t i;

    if (!snap->connected)
        return false;
    for (i = 0; i < snap->ncollectors; i++) {
        if (strcmp(snap->collectors[i].name, "domain") == 0)
            return snap->collectors[i].success;
    }
    return false;
}

static int
engineCompareUUID(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/*
 * After a run on a complete snapshot: notes which domains it shows, drops
 * the bookkeeping of those gone for longer than state_retention, and saves
 * if that changed anything.
 */
static void
engineTidyState(xvPolicyEngine *engine, const xvSnapshot *snap, uint64_t nowMs)
{
    uint64_t retentionMs = engine->set->retentionMs;
    size_t n = snap->ndomains, i;
    unsigned char *uuids;
    bool changed = false;

    if (!engineSnapshotComplete(snap))
        return;
    uuids = xvAllocN(n, 16);
    for (i = 0; i < n; i++)
        memcpy(uuids + 16 * i, snap->domains[i].uuid, 16);
    qsort(uuids, n, 16, engineCompareUUID);
    if (xvPolicyStateSeen(engine->state, uuids, n, nowMs) > 0)
        changed = true;
    xvPolicyStatePrune(engine->state, nowMs, retentionMs, &changed);
    if (changed)
        xvPolicyStateCommit(engine->state, nowMs);
    /* in memory: nothing to save */
    xvPolicyStateSeen(engine->dryState, uuids, n, nowMs);
    xvPolicyStatePrune(engine->dryState, nowMs, retentionMs, NULL);
    free(uuids);
}

static int
engineCompareRestart(const void *a, const void *b)
{
    const xvPolicyReportRestart *x = a, *y = b;
    int c = strcmp(x->domain, y->domain);

    return c ? c : strcmp(x->uuidstr, y->uuidstr);
}

static xvPolicyReport *
engineReport(const xvPolicyEngine *engine, uint64_t nowMs)
{
    xvPolicyReport *r = xvAlloc(sizeof(*r));
    const xvPolicyCounter *counters = xvActuatorCounters(engine->actuator, &r->ncounters);
    const xvPolicyState *st = engine->state;
    size_t i;

    r->counters = xvAllocN(r->ncounters, sizeof(*r->counters));
    for (i = 0; i < r->ncounters; i++) {
        r->counters[i] = counters[i];
        r->counters[i].policy = xvStrdup(counters[i].policy);
    }
    r->restarts = xvAllocN(st ? st->n : 0, sizeof(*r->restarts));
    for (i = 0; st && i < st->n; i++) {
        const xvRestartEntry *e = &st->entries[i];
        xvPolicyReportRestart *x;

        if (e->total == 0 && !e->gaveUp)
            continue;
        x = &r->restarts[r->nrestarts++];
        x->domain = xvStrdup(e->name ? e->name : "");
        memcpy(x->uuidstr, e->uuidstr, sizeof(x->uuidstr));
        x->total = e->total;
        x->backoffMs = !e->gaveUp && e->retryAtMs > nowMs ? e->retryAtMs - nowMs : 0;
        x->gaveUp = e->gaveUp;
    }
    qsort(r->restarts, r->nrestarts, sizeof(*r->restarts), engineCompareRestart);
    r->haveState = st != NULL;
    r->stateSaveErrors = st ? st->saveErrorsTotal : 0;
    xvPolicyReportAddTargets(r, engine->actuator);
    return r;
}

void
xvPolicyEngineRunAt(xvPolicyEngine *engine, struct _virConnect *ro, xvSnapshot *snap,
                    uint64_t nowMs)
{
    size_t i, ncounters = 0;

    engineTakePending(engine, nowMs);
    if (xvPolicySetCount(engine->set) > 0) {
        xvPolicyInput in = { .snap = snap, .prev = engine->prev, .nowMs = nowMs };

        engineLoadState(engine);
        /* decisions need a complete picture: never act on a failed sample */
        for (i = 0; snap->connected && i < engine->set->n; i++) {
            const enginePolicy *p = &engine->set->policies[i];
            xvPolicyActionList actions = { 0 };
            xvPolicyState *st;

            if (!p->common.enabled)
                continue;
            in.state = st = enginePolicyState(engine, p);
            p->type->decide(&in, &p->common, p->config, &actions);
            xvActuatorApply(engine->actuator, ro, p->name, &p->common, &actions, st, nowMs);
            xvPolicyActionListClear(&actions);
        }
        engineTidyState(engine, snap, nowMs);
        xvSnapshotUnref(engine->prev);
        engine->prev = snap->connected ? xvSnapshotRef(snap) : NULL;
    }
    xvActuatorPruneTargets(engine->actuator, snap);
    xvActuatorCounters(engine->actuator, &ncounters);
    if (!engine->state && ncounters == 0)
        return;
    snap->policyReport = engineReport(engine, nowMs);
    snap->policyReportFree = xvPolicyReportFree;
}

void
xvPolicyEngineRun(struct _virConnect *ro, xvSnapshot *snap, void *opaque)
{
    xvPolicyEngineRunAt(opaque, ro, snap, xvClockRealMs());
}
