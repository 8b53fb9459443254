/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopin.c: the autopin policy: keeps the vcpus of the selected domains on
 * physical CPUs (pCPUs) so that the load is balanced (spread), gathered on
 * few pCPUs (pack), kept inside one NUMA node per domain (numa) or given
 * pCPUs of their own (dedicated). reserved_cpus are never given to them.
 *
 * Each decision builds a model of the host from two snapshots: the load of
 * a vcpu is its CPU time since the previous snapshot over the time between
 * them; a vcpu allowed on several pCPUs counts an equal share on each.
 * Every vcpu counts, selected or not, but only vcpus of selected domains
 * measured in both snapshots move. The strategy then changes the model one
 * step at a time and the actions are the vcpus whose affinity differs at
 * the end. Every step is chosen by a total order (load, then domain name,
 * vcpu number and pCPU number), so the same snapshots give the same
 * actions, and a placement where no step is worth more than the hysteresis
 * gives none.
 *
 * This file reads the configuration and makes the decision (refusals,
 * give-ups, the pins); the model is autopin_model.c, each strategy its own
 * autopin_<strategy>.c, sharing autopinpriv.h.
 */
#include "autopin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autopinpriv.h"
#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvcpulist.h"

static const char *const autopinKeys[] = {
    "strategy", "reserved_cpus", "hysteresis", "pack_limit", NULL,
};
static const char *const autopinStrategyNames[] = { "spread", "pack", "numa", "dedicated" };
_Static_assert(XV_N_ELEMENTS(autopinStrategyNames) ==
               XV_AUTOPIN_LAST, "one name per strategy");

const char *
xvAutopinStrategyName(xvAutopinStrategy strategy)
{
    return (unsigned int)strategy < XV_AUTOPIN_LAST ? autopinStrategyNames[strategy] : NULL;
}

/* ---- parsing ----------------------------------------------------------------- */

int
xvAutopinParseCpuList(const char *text, unsigned char *map, size_t *retOffset,
                      char **retMessage)
{
    xvCpuListError err;
    char *q;

    if (xvCpuListParse(text, 0, XV_AUTOPIN_MAX_CPUS, map, &err) >= 0)
        return 0;
    *retOffset = err.offset;
    switch (err.fault) {
    case XV_CPULIST_FAULT_RANGE:
        *retMessage = xvAsprintf("CPU %.*s is out of range 0..%d", (int)err.len,
                                 text + err.offset, XV_AUTOPIN_MAX_CPUS - 1);
        break;
    case XV_CPULIST_FAULT_BACKWARDS:
        *retMessage = xvAsprintf("CPU range %.*s goes backwards", (int)err.len,
                                 text + err.offset);
        break;
    default:
        q = xvConfQuote(text);
        *retMessage = xvAsprintf("expected a CPU list like 0-1,4, got '%s'", q);
        free(q);
        break;
    }
    return -EINVAL;
}

int
xvAutopinParsePercent(const char *text, unsigned int *retPermille)
{
    unsigned int value = 0, digits = 0;
    const char *p = text;

    for (; *p >= '0' && *p <= '9'; p++) {
        if (++digits > 3)
            return -EINVAL;
        value = value * 10 + (unsigned int)(*p - '0');
    }
    if (digits == 0)
        return -EINVAL;
    value *= 10;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -EINVAL;
        value += (unsigned int)(*p++ - '0');
    }
    if (p[0] != '%' || p[1] != '\0')
        return -EINVAL;
    *retPermille = value;
    return 0;
}

/* "10%" or "12.5%" for @permille. */
static void
autopinFormatPercent(unsigned int permille, char *buf, size_t size)
{
    if (permille % 10 == 0)
        snprintf(buf, size, "%u%%", permille / 10);
    else
        snprintf(buf, size, "%u.%u%%", permille / 10, permille % 10);
}

static int
autopinParsePercentKey(const xvConfNode *node, const char *file, unsigned int min,
                       unsigned int max, unsigned int *ret, xvConfError *err)
{
    char a[16], b[16], c[16];
    unsigned int value;
    char *q;
    int rc;

    if (node->kind != XV_CONF_NODE_SCALAR)
        return xvConfErrorSetAt(err, file, node->line, node->column,
                                "expected a percentage like 10%%, got a %s",
                                xvConfNodeKindName(node->kind));
    if (xvAutopinParsePercent(node->value, &value) < 0) {
        q = xvConfQuote(node->value);
        rc = xvConfErrorSetAt(err, file, node->line, node->column,
                              "expected a percentage like 10%%, got '%s'", q);
        free(q);
        return rc;
    }
    if (value < min || value > max) {
        autopinFormatPercent(value, a, sizeof(a));
        autopinFormatPercent(min, b, sizeof(b));
        autopinFormatPercent(max, c, sizeof(c));
        return xvConfErrorSetAt(err, file, node->line, node->column,
                                "%s %s is out of range %s..%s", node->key, a, b, c);
    }
    *ret = value;
    return 0;
}

static int
autopinParseStrategy(const xvConfNode *node, const char *file, xvAutopinStrategy *ret,
                     xvConfError *err)
{
    char *name = NULL, *q;
    int rc, i;

    if ((rc = xvConfNodeGetString(node, file, &name, err)) < 0)
        return rc;
    for (i = 0; i < XV_AUTOPIN_LAST; i++) {
        if (strcmp(name, autopinStrategyNames[i]) == 0) {
            *ret = (xvAutopinStrategy)i;
            free(name);
            return 0;
        }
    }
    q = xvConfQuote(name);
    rc = xvConfErrorSetAt(err, file, node->line, node->column,
                          "unknown strategy '%s' (expected one of: spread, pack, numa, "
                          "dedicated)", q);
    free(q);
    free(name);
    return rc;
}

static int
autopinParseReserved(const xvConfNode *node, const char *file, unsigned char *map,
                     xvConfError *err)
{
    char *text = NULL, *msg = NULL;
    size_t offset = 0;
    int rc;

    if ((rc = xvConfNodeGetString(node, file, &text, err)) < 0)
        return rc;
    if (xvAutopinParseCpuList(text, map, &offset, &msg) < 0) {
        /* the column of the character at fault (past the quote of a quoted value) */
        rc = xvConfErrorSetAt(err, file, node->line,
                              node->column + (node->plain ? 0 : 1) + (int)offset, "%s", msg);
        free(msg);
    }
    free(text);
    return rc;
}

/* The value of @key in @entry, NULL if missing or null (default). */
static const xvConfNode *
autopinKey(const xvConfNode *entry, const char *key)
{
    const xvConfNode *node = xvConfNodeFind(entry, key);

    return node && !xvConfNodeIsNull(node) ? node : NULL;
}

static int
autopinParse(const xvConfNode *entry, const char *file, void **retConfig, xvConfError *err)
{
    xvAutopinConfig *cfg = xvAlloc(sizeof(*cfg));
    const xvConfNode *node, *hysteresis, *packLimit;
    int rc = 0;

    cfg->strategy = XV_AUTOPIN_SPREAD;
    cfg->hysteresis = XV_AUTOPIN_DEFAULT_HYSTERESIS;
    cfg->packLimit = XV_AUTOPIN_DEFAULT_PACK_LIMIT;
    hysteresis = autopinKey(entry, "hysteresis");
    packLimit = autopinKey(entry, "pack_limit");
    if ((node = autopinKey(entry, "strategy")))
        rc = autopinParseStrategy(node, file, &cfg->strategy, err);
    if (rc == 0 && (node = autopinKey(entry, "reserved_cpus")))
        rc = autopinParseReserved(node, file, cfg->reserved, err);
    if (rc == 0 && hysteresis)
        rc = autopinParsePercentKey(hysteresis, file, 0, 1000, &cfg->hysteresis, err);
    if (rc == 0 && packLimit)
        rc = autopinParsePercentKey(packLimit, file, 10, 1000, &cfg->packLimit, err);
    /* a key the strategy ignores is a mistake worth saying */
    if (rc == 0 && packLimit && cfg->strategy != XV_AUTOPIN_PACK)
        rc = xvConfErrorSetAt(err, file, packLimit->keyLine, packLimit->keyColumn,
                              "pack_limit is only used by strategy pack, not %s",
                              autopinStrategyNames[cfg->strategy]);
    if (rc == 0 && hysteresis && cfg->strategy == XV_AUTOPIN_DEDICATED)
        rc = xvConfErrorSetAt(err, file, hysteresis->keyLine, hysteresis->keyColumn,
                              "hysteresis is not used by strategy dedicated");
    if (rc < 0) {
        free(cfg);
        return rc;
    }
    *retConfig = cfg;
    return 0;
}

/* ---- decisions -------------------------------------------------------------------- */

/*
 * Why domains cannot be placed, from the picture alone (no loads), so the
 * previous snapshot can be judged the same way: no allowed pCPU at all; a
 * numa domain with more online vcpus than any node has allowed pCPUs; a
 * dedicated domain with too few free pCPUs (which places the others).
 */
static void
autopinRefuse(autopinModel *m)
{
    unsigned int maxCap = 0, n;
    autopinNodes nodes;
    size_t d;

    if (m->nallowed == 0) {
        for (d = 0; d < m->ndoms; d++) {
            if (m->doms[d].ours)
                m->doms[d].refusal = AUTOPIN_REASON_NO_CPU;
        }
        return;
    }
    if (m->cfg->strategy == XV_AUTOPIN_DEDICATED) {
        autopinDedicated(m);
        return;
    }
    if (m->cfg->strategy != XV_AUTOPIN_NUMA)
        return;
    autopinNodesInit(m, &nodes);
    for (n = 0; n < m->nnodes; n++)
        maxCap = nodes.cap[n] > maxCap ? nodes.cap[n] : maxCap;
    autopinNodesFree(m, &nodes);
    for (d = 0; d < m->ndoms; d++) {
        if (m->doms[d].ours && m->doms[d].nonline > maxCap)
            m->doms[d].refusal = AUTOPIN_REASON_NO_FIT;
    }
}

/* The union of the affinities of @d's online vcpus (maplen bytes, to free()). */
static unsigned char *
autopinDomUnion(const autopinModel *m, size_t d)
{
    unsigned char *set = xvAllocN(m->maplen, 1);
    size_t first, n = autopinDomVcpus(m, d, &first), k, i;

    for (k = 0; k < n; k++) {
        for (i = 0; m->vcpus[first + k].online && i < m->maplen; i++)
            set[i] |= m->vcpus[first + k].map[i];
    }
    return set;
}

static void
autopinActionInit(xvPolicyAction *act, const xvSnapDomain *dom, int maplen)
{
    memset(act, 0, sizeof(*act));
    act->kind = XV_POLICY_ACTION_PIN;
    act->domain = dom->name;
    memcpy(act->uuid, dom->uuid, 16);
    memcpy(act->uuidstr, dom->uuidstr, sizeof(act->uuidstr));
    act->id = dom->id;
    act->state = dom->state;
    act->maplen = maplen;
    act->loadPermille = -1;
}

/*
 * A give-up for each domain refused now and not for the same reason in the
 * previous snapshot (same boot): said once, not every interval; again after
 * a restart of the agent or a reload (no previous snapshot then).
 */
static void
autopinGiveUps(const autopinModel *m, const autopinModel *pm, const xvPolicyInput *in,
               xvPolicyActionList *out)
{
    size_t d;

    for (d = 0; d < m->ndoms; d++) {
        const xvSnapDomain *dom = m->doms[d].dom;
        const xvSnapDomain *old;
        xvPolicyAction act;
        unsigned char *set;

        if (!m->doms[d].refusal)
            continue;
        if (pm && (old = xvPolicyPrevDomain(in, dom))) {
            const char *was = pm->doms[old - in->prev->domains].refusal;

            if (was && strcmp(was, m->doms[d].refusal) == 0)
                continue;
        }
        autopinActionInit(&act, dom, (int)m->maplen);
        act.giveUp = true;
        act.vcpu = -1;
        act.reason = m->doms[d].refusal;
        set = autopinDomUnion(m, d);
        act.oldMap = set;
        act.newMap = set;
        xvPolicyActionListAdd(out, &act);
        free(set);
    }
}

static bool
autopinMapHasReserved(const autopinModel *m, const unsigned char *map)
{
    size_t i, n = m->maplen < XV_AUTOPIN_MAX_CPUS / 8 ? m->maplen : XV_AUTOPIN_MAX_CPUS / 8;

    for (i = 0; i < n; i++) {
        if (map[i] & m->cfg->reserved[i])
            return true;
    }
    return false;
}

static const char *
autopinReason(const autopinModel *m, const autopinVcpu *v)
{
    if (autopinMapHasReserved(m, v->map))
        return AUTOPIN_REASON_RESERVED;
    switch (m->cfg->strategy) {
    case XV_AUTOPIN_SPREAD:
    case XV_AUTOPIN_PACK:
        if (autopinPosOf(m, v->map) < 0)
            return AUTOPIN_REASON_UNPINNED;
        return m->cfg->strategy == XV_AUTOPIN_SPREAD ? "imbalance" : "pack";
    case XV_AUTOPIN_NUMA:
        return "numa";
    case XV_AUTOPIN_DEDICATED:
    case XV_AUTOPIN_LAST:
    default:
        return "dedicated";
    }
}

/* A pin for each vcpu whose set differs from its affinity, in domain and vcpu order. */
static void
autopinEmit(const autopinModel *m, xvPolicyActionList *out)
{
    size_t d, first, n, k;

    for (d = 0; d < m->ndoms; d++) {
        n = autopinDomVcpus(m, d, &first);
        for (k = 0; k < n; k++) {
            const autopinVcpu *v = &m->vcpus[first + k];
            xvPolicyAction act;

            if (!v->touched || memcmp(v->set, v->map, m->maplen) == 0)
                continue;
            autopinActionInit(&act, m->doms[d].dom, (int)m->maplen);
            act.vcpu = (int)v->number;
            if (v->known)
                act.loadPermille = (int)((v->load * 1000 + XV_AUTOPIN_LOAD_ONE / 2) /
                                         XV_AUTOPIN_LOAD_ONE);
            act.reason = autopinReason(m, v);
            act.oldMap = (unsigned char *)v->map;
            act.newMap = v->set;
            xvPolicyActionListAdd(out, &act);
        }
    }
}

static void
autopinDecide(const xvPolicyInput *in, const xvPolicyCommon *common, const void *config,
              xvPolicyActionList *out)
{
    const xvAutopinConfig *cfg = config;
    xvPolicyInput prevIn = { .snap = in->prev, .nowMs = in->nowMs };
    autopinModel m, pm;
    bool havePrev;

    if (!autopinModelInit(&m, in, common, cfg))
        return;
    autopinRefuse(&m);
    havePrev = in->prev && autopinModelInit(&pm, &prevIn, common, cfg);
    if (havePrev)
        autopinRefuse(&pm);
    autopinGiveUps(&m, havePrev ? &pm : NULL, in, out);
    if (havePrev)
        autopinModelFree(&pm);
    if (m.nallowed > 0) {
        switch (cfg->strategy) {
        case XV_AUTOPIN_SPREAD:
            autopinSpread(&m);
            break;
        case XV_AUTOPIN_PACK:
            autopinPack(&m);
            break;
        case XV_AUTOPIN_NUMA:
            autopinNuma(&m);
            break;
        case XV_AUTOPIN_DEDICATED:     /* placed with the refusals */
        case XV_AUTOPIN_LAST:
        default:
            break;
        }
        autopinEmit(&m, out);
    }
    autopinModelFree(&m);
}

const xvPolicyType xvPolicyAutopin = {
    .name = "autopin",
    .keys = autopinKeys,
    .parse = autopinParse,
    .decide = autopinDecide,
    .free = free,
    .action = XV_POLICY_ACTION_PIN,
    .givesUp = true,
};
