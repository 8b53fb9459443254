/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * policy.c: the registry of policy types, and what every policy type
 * shares: the names of actions and results, action lists, domain
 * selections, and the keys every policy entry has.
 */
#include "policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvmacros.h"

const xvPolicyType *const xvPolicyTypes[] = {
    &xvPolicyAutopin,
    &xvPolicyBalloon,
    &xvPolicyRestart,
    NULL,
};

static const char *const policyCommonKeys[] = {
    "name", "type", "enabled", "dry_run", "domains", "max_actions_per_interval",
    "min_action_interval", NULL,
};

/* ---- the registry and entries ------------------------------------------------ */

const xvPolicyType *
xvPolicyTypeFind(const char *name)
{
    size_t i;

    for (i = 0; xvPolicyTypes[i]; i++) {
        if (strcmp(xvPolicyTypes[i]->name, name) == 0)
            return xvPolicyTypes[i];
    }
    return NULL;
}

void
xvPolicyEntryClear(xvPolicyEntry *entry)
{
    free(entry->name);
    free(entry->file);
    xvConfNodeFree(entry->node);
    memset(entry, 0, sizeof(*entry));
}

/* ---- actions ------------------------------------------------------------- */

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
        "ok", "failed", "dry_run", "rate_limited", "gave_up", "skipped", "rolled_forward",
    };

    _Static_assert(XV_N_ELEMENTS(names) == XV_POLICY_RESULT_LAST, "names");
    return (unsigned int)result < XV_POLICY_RESULT_LAST ? names[result] : NULL;
}

static unsigned char *
policyMapDup(const unsigned char *map, int maplen)
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
    copy->oldMap = policyMapDup(action->oldMap, action->maplen);
    copy->newMap = policyMapDup(action->newMap, action->maplen);
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

/* ---- domains -------------------------------------------------------------- */

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
policyCanonicalUUID(const char *text, char *out)
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
policyStringList(const xvConfNode *seq, const char *file, bool uuids, char ***ret,
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
            if (policyCanonicalUUID(s, uuid) < 0) {
                char *q = xvConfQuote(s);

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
            rc = policyStringList(child, file, false, &d->names, &d->nnames, err);
        else if (strcmp(child->key, "uuids") == 0)
            rc = policyStringList(child, file, true, &d->uuids, &d->nuuids, err);
        else if (strcmp(child->key, "exclude") == 0)
            rc = policyStringList(child, file, false, &d->exclude, &d->nexclude, err);
        else
            rc = xvConfNodeUnknownKey(child, file, "domains", keys, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- the common keys ------------------------------------------------------ */

static bool
policyKeyIn(const char *const *keys, const char *key)
{
    for (; keys && *keys; keys++) {
        if (strcmp(*keys, key) == 0)
            return true;
    }
    return false;
}

static int
policyUnknownKey(const xvConfNode *child, const char *file, const xvPolicyType *type,
                 xvConfError *err)
{
    const char *all[32];
    size_t n = 0, i;

    for (i = 0; policyCommonKeys[i] && n < 31; i++)
        all[n++] = policyCommonKeys[i];
    for (i = 0; type->keys && type->keys[i] && n < 31; i++)
        all[n++] = type->keys[i];
    all[n] = NULL;
    return xvConfNodeUnknownKey(child, file, "policies", all, err);
}

static int
policyParseCommonKey(const xvConfNode *child, const char *file, xvPolicyCommon *c,
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

int
xvPolicyCommonParse(const xvConfNode *entry, const char *file, const xvPolicyType *type,
                    xvPolicyCommon *common, xvConfError *err)
{
    size_t i;
    int rc;

    common->enabled = true;
    for (i = 0; i < entry->nchildren; i++) {
        const xvConfNode *child = &entry->children[i];

        if (policyKeyIn(type->keys, child->key))
            continue;
        if (!policyKeyIn(policyCommonKeys, child->key))
            return policyUnknownKey(child, file, type, err);
        if (strcmp(child->key, "name") == 0 || strcmp(child->key, "type") == 0 ||
            xvConfNodeIsNull(child))
            continue;
        if ((rc = policyParseCommonKey(child, file, common, err)) < 0)
            return rc;
    }
    return 0;
}
