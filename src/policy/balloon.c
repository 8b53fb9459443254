/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * balloon.c: the balloon policy: keeps the host's free memory inside a band
 * by moving memory between running domains with virDomainSetMemory (see
 * balloon.h for the algorithm). Parsing and the pure decision; the
 * actuator carries the actions out.
 */
#include "balloon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvlog.h"

static const char *const balloonKeys[] = {
    "low_watermark", "high_watermark", "step", "guest_free", "min_memory", "max_memory",
    "priority", "overrides", NULL,
};

static const char *const balloonOverrideKeys[] = {
    "domains", "min_memory", "max_memory", "priority", NULL,
};

/* Longest user value quoted in a message, in bytes. */

/* ---- amounts: a size or a percent ------------------------------------------ */

uint64_t
xvBalloonAmountKiB(const xvBalloonAmount *amount, uint64_t baseKiB)
{
    if (!amount->percent)
        return amount->kib;
    /* split so that base * hundredths cannot overflow for any real base */
    return baseKiB / 10000 * amount->hundredths +
           baseKiB % 10000 * amount->hundredths / 10000;
}

/* "12.5%": hundredths of a percent. 0, -EINVAL (not a percent) or -ERANGE. */
static int
balloonParsePercent(const char *text, unsigned int *ret)
{
    const char *p = text;
    unsigned long whole = 0;
    unsigned int frac = 0, ndigits = 0;
    bool range = false;

    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (unsigned long)(*p - '0');
        if (whole > 1000000) {
            range = true;
            whole = 1000000;
        }
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, ndigits++) {
            if (ndigits < 2)
                frac = frac * 10 + (unsigned int)(*p - '0');
            else if (*p != '0')
                return -EINVAL;     /* finer than a hundredth */
        }
        if (ndigits == 0)
            return -EINVAL;
        if (ndigits == 1)
            frac *= 10;
    }
    if (strcmp(p, "%") != 0)
        return -EINVAL;
    if (range)
        return -ERANGE;
    *ret = (unsigned int)whole * 100 + frac;
    return 0;
}

static void
balloonFormatPercent(unsigned int hundredths, char *buf, size_t len)
{
    if (hundredths % 100 == 0)
        snprintf(buf, len, "%u%%", hundredths / 100);
    else if (hundredths % 10 == 0)
        snprintf(buf, len, "%u.%u%%", hundredths / 100, hundredths % 100 / 10);
    else
        snprintf(buf, len, "%u.%02u%%", hundredths / 100, hundredths % 100);
}

static void
balloonFormatAmount(const xvBalloonAmount *a, char *buf, size_t len)
{
    if (a->percent)
        balloonFormatPercent(a->hundredths, buf, len);
    else
        xvConfFormatSize(a->kib, buf, len);
}

static bool
balloonIsInteger(const char *text)
{
    if (*text == '+' || *text == '-')
        text++;
    if (!*text)
        return false;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return false;
    }
    return true;
}

/* What one key accepts. */
typedef struct {
    unsigned int minHundredths, maxHundredths;
    uint64_t minKiB, maxKiB;
} balloonAmountRange;

static int
balloonGetPercent(const xvConfNode *node, const char *file, const balloonAmountRange *range,
                  xvBalloonAmount *ret, xvConfError *err)
{
    unsigned int h = 0;
    char limit[32];
    char *q = NULL;
    int rc = balloonParsePercent(node->value, &h);

    if (rc == -EINVAL) {
        q = xvConfQuote(node->value);
        rc = xvConfErrorSetAt(err, file, node->line, node->column,
                              "expected a percent like 10%% or 12.5%%, got '%s'", q);
    } else if (rc == -ERANGE || h > range->maxHundredths) {
        q = xvConfQuote(node->value);
        balloonFormatPercent(range->maxHundredths, limit, sizeof(limit));
        rc = xvConfErrorSetAt(err, file, node->line, node->column,
                              "%s %s is above the maximum of %s", node->key, q, limit);
    } else if (h < range->minHundredths) {
        q = xvConfQuote(node->value);
        balloonFormatPercent(range->minHundredths, limit, sizeof(limit));
        rc = xvConfErrorSetAt(err, file, node->line, node->column,
                              "%s %s is below the minimum of %s", node->key, q, limit);
    } else {
        ret->percent = true;
        ret->hundredths = h;
        ret->kib = 0;
    }
    free(q);
    return rc;
}

/* A size ("512MiB") or a percent ("10%", "12.5%") within @range. */
static int
balloonGetAmount(const xvConfNode *node, const char *file, const balloonAmountRange *range,
                 xvBalloonAmount *ret, xvConfError *err)
{
    static const char what[] = "a size like 512MiB or a percent like 10%";
    uint64_t kib = 0;
    size_t len;
    char *q;
    int rc;

    if (node->kind != XV_CONF_NODE_SCALAR) {
        return xvConfErrorSetAt(err, file, node->line, node->column, "expected %s, got a %s",
                                what, xvConfNodeKindName(node->kind));
    }
    len = strlen(node->value);
    if (len > 0 && node->value[len - 1] == '%')
        return balloonGetPercent(node, file, range, ret, err);
    rc = xvConfParseSize(node->value, &kib);
    if (rc == 0 || rc == -ERANGE) {
        if ((rc = xvConfNodeGetSize(node, file, range->minKiB, range->maxKiB, &kib, err)) < 0)
            return rc;
        ret->percent = false;
        ret->kib = kib;
        ret->hundredths = 0;
        return 0;
    }
    q = xvConfQuote(node->value);
    if (balloonIsInteger(node->value)) {
        rc = xvConfErrorSetAt(err, file, node->line, node->column,
                              "expected %s, got '%s' (add a unit: KiB, MiB, GiB, TiB or %%)",
                              what, q);
    } else {
        rc = xvConfErrorSetAt(err, file, node->line, node->column, "expected %s, got '%s'",
                              what, q);
    }
    free(q);
    return rc;
}

/* The ranges of the keys (percents in hundredths). */
static const balloonAmountRange balloonWatermarkRange = {
    0, 9900, 0, XV_BALLOON_MAX_SIZE_KIB,
};
static const balloonAmountRange balloonStepRange = {
    1, 10000, XV_BALLOON_MIN_CHANGE_KIB, XV_BALLOON_MAX_SIZE_KIB,
};
static const balloonAmountRange balloonGuestFreeRange = {
    0, 9000, 0, XV_BALLOON_MAX_SIZE_KIB,
};
static const balloonAmountRange balloonMinRange = {
    0, 10000, 0, XV_BALLOON_MAX_SIZE_KIB,
};
static const balloonAmountRange balloonMaxRange = {
    1, 10000, XV_BALLOON_MIN_CHANGE_KIB, XV_BALLOON_MAX_SIZE_KIB,
};

static int
balloonGetPriority(const xvConfNode *node, const char *file, unsigned int *ret,
                   xvConfError *err)
{
    long long v;
    int rc;

    if ((rc = xvConfNodeGetInt(node, file, 1, XV_BALLOON_MAX_PRIORITY, &v, err)) < 0)
        return rc;
    *ret = (unsigned int)v;
    return 0;
}

/* Both sizes or both percents, and @a above @b. */
static bool
balloonAmountAbove(const xvBalloonAmount *a, const xvBalloonAmount *b)
{
    if (a->percent != b->percent)
        return false;
    return a->percent ? a->hundredths > b->hundredths : a->kib > b->kib;
}

/* "min_memory 1GiB is above max_memory 512MiB" at @where, when both are of one kind. */
static int
balloonCheckMinMax(const xvBalloonAmount *min, const xvBalloonAmount *max,
                   const xvConfNode *where, const char *file, xvConfError *err)
{
    char a[32], b[32];

    if (!where || !balloonAmountAbove(min, max))
        return 0;
    balloonFormatAmount(min, a, sizeof(a));
    balloonFormatAmount(max, b, sizeof(b));
    return xvConfErrorSetAt(err, file, where->line, where->column,
                            "min_memory %s is above max_memory %s", a, b);
}

/* ---- parsing ------------------------------------------------------------------ */

static void
balloonFree(void *opaque)
{
    xvBalloonConfig *cfg = opaque;
    size_t i;

    if (!cfg)
        return;
    for (i = 0; i < cfg->noverrides; i++)
        xvPolicyDomainsClear(&cfg->overrides[i].domains);
    free(cfg->overrides);
    free(cfg->policy);
    free(cfg);
}

static int
balloonParseOverride(const xvConfNode *map, const char *file, xvBalloonOverride *o,
                     xvConfError *err)
{
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(map, file, XV_CONF_NODE_MAPPING, err)) < 0)
        return rc;
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (strcmp(child->key, "domains") != 0 && strcmp(child->key, "min_memory") != 0 &&
            strcmp(child->key, "max_memory") != 0 && strcmp(child->key, "priority") != 0)
            return xvConfNodeUnknownKey(child, file, "overrides", balloonOverrideKeys, err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "domains") == 0) {
            rc = xvPolicyDomainsParse(child, file, &o->domains, err);
        } else if (strcmp(child->key, "min_memory") == 0) {
            rc = balloonGetAmount(child, file, &balloonMinRange, &o->min, err);
            o->hasMin = true;
        } else if (strcmp(child->key, "max_memory") == 0) {
            rc = balloonGetAmount(child, file, &balloonMaxRange, &o->max, err);
            o->hasMax = true;
        } else {
            rc = balloonGetPriority(child, file, &o->priority, err);
            o->hasPriority = true;
        }
        if (rc < 0)
            return rc;
    }
    if (!xvConfNodeFind(map, "domains") || xvConfNodeIsNull(xvConfNodeFind(map, "domains")))
        return xvConfErrorSetAt(err, file, map->line, map->column,
                                "an override needs 'domains' (names, uuids or exclude)");
    return 0;
}

static int
balloonParseOverrides(const xvConfNode *seq, const char *file, xvBalloonConfig *cfg,
                      xvConfError *err)
{
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(seq, file, XV_CONF_NODE_SEQUENCE, err)) < 0)
        return rc;
    cfg->overrides = xvAllocN(seq->nchildren, sizeof(*cfg->overrides));
    for (i = 0; i < seq->nchildren; i++) {
        cfg->noverrides++;
        if ((rc = balloonParseOverride(&seq->children[i], file, &cfg->overrides[i], err)) < 0)
            return rc;
    }
    return 0;
}

/* Each override's limits, with the policy's for what it leaves out: min <= max. */
static int
balloonCheckOverrides(const xvBalloonConfig *cfg, const xvConfNode *seq, const char *file,
                      xvConfError *err)
{
    size_t i;
    int rc;

    for (i = 0; seq && i < cfg->noverrides; i++) {
        const xvBalloonOverride *o = &cfg->overrides[i];
        const xvConfNode *min = xvConfNodeFind(&seq->children[i], "min_memory");
        const xvConfNode *max = xvConfNodeFind(&seq->children[i], "max_memory");

        if ((rc = balloonCheckMinMax(o->hasMin ? &o->min : &cfg->min,
                                     o->hasMax ? &o->max : &cfg->max,
                                     o->hasMin ? min : (o->hasMax ? max : NULL), file,
                                     err)) < 0)
            return rc;
    }
    return 0;
}

/*
 * low_watermark and high_watermark: one given alone sets the other (twice
 * the low one, half the high one, of the same kind); both given must be of
 * one kind, high above low.
 */
static int
balloonCheckWatermarks(xvBalloonConfig *cfg, const xvConfNode *lowNode,
                       const xvConfNode *highNode, const char *file, xvConfError *err)
{
    const xvConfNode *where = highNode ? highNode : lowNode;
    xvBalloonAmount *low = &cfg->lowWatermark, *high = &cfg->highWatermark;
    char a[32], b[32];

    if (!where)
        return 0;
    if (lowNode && !highNode) {
        *high = *low;
        high->kib = low->kib < XV_BALLOON_MAX_SIZE_KIB / 2 ? low->kib * 2 :
                    XV_BALLOON_MAX_SIZE_KIB;
        high->hundredths = low->hundredths < balloonWatermarkRange.maxHundredths / 2 ?
                           low->hundredths * 2 : balloonWatermarkRange.maxHundredths;
    } else if (highNode && !lowNode) {
        *low = *high;
        low->kib = high->kib / 2;
        low->hundredths = high->hundredths / 2;
    }
    if (low->percent != high->percent) {
        return xvConfErrorSetAt(err, file, where->line, where->column,
                                "low_watermark and high_watermark must both be sizes or both "
                                "percents");
    }
    if (balloonAmountAbove(high, low))
        return 0;
    balloonFormatAmount(high, a, sizeof(a));
    balloonFormatAmount(low, b, sizeof(b));
    /* one given alone is zero (the other follows it): name the one given */
    if (!highNode)
        return xvConfErrorSetAt(err, file, where->line, where->column,
                                "low_watermark %s must be above zero (high_watermark, not "
                                "given, is twice it)", b);
    if (!lowNode)
        return xvConfErrorSetAt(err, file, where->line, where->column,
                                "high_watermark %s must be above zero (low_watermark, not "
                                "given, is half of it)", a);
    return xvConfErrorSetAt(err, file, where->line, where->column,
                            "high_watermark %s is not above low_watermark %s", a, b);
}

/* Where the keys checked against each other were given (NULL: not given). */
typedef struct {
    const xvConfNode *low, *high, *min, *max, *overrides;
} balloonSeen;

/* One of the type's own keys of the entry (the common ones are the engine's). */
static int
balloonParseKey(const xvConfNode *child, const char *file, xvBalloonConfig *cfg,
                balloonSeen *seen, xvConfError *err)
{
    const char *key = child->key;

    if (strcmp(key, "low_watermark") == 0) {
        seen->low = child;
        return balloonGetAmount(child, file, &balloonWatermarkRange, &cfg->lowWatermark, err);
    }
    if (strcmp(key, "high_watermark") == 0) {
        seen->high = child;
        return balloonGetAmount(child, file, &balloonWatermarkRange, &cfg->highWatermark, err);
    }
    if (strcmp(key, "step") == 0)
        return balloonGetAmount(child, file, &balloonStepRange, &cfg->step, err);
    if (strcmp(key, "guest_free") == 0)
        return balloonGetAmount(child, file, &balloonGuestFreeRange, &cfg->guestFree, err);
    if (strcmp(key, "min_memory") == 0) {
        seen->min = child;
        return balloonGetAmount(child, file, &balloonMinRange, &cfg->min, err);
    }
    if (strcmp(key, "max_memory") == 0) {
        seen->max = child;
        return balloonGetAmount(child, file, &balloonMaxRange, &cfg->max, err);
    }
    if (strcmp(key, "priority") == 0)
        return balloonGetPriority(child, file, &cfg->priority, err);
    if (strcmp(key, "overrides") == 0) {
        seen->overrides = child;
        return balloonParseOverrides(child, file, cfg, err);
    }
    return 0;
}

/*
 * The keys in file order (so the first error in the file is the one
 * reported), then the checks between keys.
 */
static int
balloonParse(const xvConfNode *entry, const char *file, void **retConfig, xvConfError *err)
{
    xvBalloonConfig *cfg = xvAlloc(sizeof(*cfg));
    const xvConfNode *name = xvConfNodeFind(entry, "name");
    balloonSeen seen = { 0 };
    size_t i;
    int rc = 0;

    cfg->policy = xvStrdup(name && name->value ? name->value : xvPolicyBalloon.name);
    cfg->lowWatermark = (xvBalloonAmount){ .percent = true,
                                           .hundredths = XV_BALLOON_DEFAULT_LOW_WATERMARK };
    cfg->highWatermark = (xvBalloonAmount){ .percent = true,
                                            .hundredths = XV_BALLOON_DEFAULT_HIGH_WATERMARK };
    cfg->step = (xvBalloonAmount){ .percent = true, .hundredths = XV_BALLOON_DEFAULT_STEP };
    cfg->guestFree = (xvBalloonAmount){ .percent = true,
                                        .hundredths = XV_BALLOON_DEFAULT_GUEST_FREE };
    cfg->min = (xvBalloonAmount){ .percent = true, .hundredths = XV_BALLOON_DEFAULT_MIN };
    cfg->max = (xvBalloonAmount){ .percent = true, .hundredths = XV_BALLOON_DEFAULT_MAX };
    cfg->priority = XV_BALLOON_DEFAULT_PRIORITY;

    for (i = 0; i < entry->nchildren && rc == 0; i++) {
        if (!xvConfNodeIsNull(&entry->children[i]))
            rc = balloonParseKey(&entry->children[i], file, cfg, &seen, err);
    }
    if (rc < 0 ||
        (rc = balloonCheckWatermarks(cfg, seen.low, seen.high, file, err)) < 0 ||
        (rc = balloonCheckMinMax(&cfg->min, &cfg->max, seen.min ? seen.min : seen.max, file,
                                 err)) < 0 ||
        (rc = balloonCheckOverrides(cfg, seen.overrides, file, err)) < 0) {
        balloonFree(cfg);
        return rc;
    }
    *retConfig = cfg;
    return 0;
}

/* ---- per-domain resolution ------------------------------------------------------ */

static bool
balloonIsRunning(unsigned char state)
{
    /* a paused guest cannot move its balloon; blocked is idle, still running */
    return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED;
}

static const xvBalloonOverride *
balloonOverrideFor(const xvBalloonConfig *cfg, const xvSnapDomain *dom)
{
    size_t i;

    for (i = 0; i < cfg->noverrides; i++) {
        if (xvPolicyDomainsMatch(&cfg->overrides[i].domains, dom))
            return &cfg->overrides[i];
    }
    return NULL;
}

/* The size at which a guest using @demandKiB keeps guest_free free. */
static uint64_t
balloonWantKiB(const xvBalloonConfig *cfg, uint64_t demandKiB)
{
    uint64_t keep;

    if (!cfg->guestFree.percent)
        return demandKiB + cfg->guestFree.kib;
    /* free is guest_free of the size: size = demand / (1 - p), rounded up */
    keep = 10000 - cfg->guestFree.hundredths;
    if (demandKiB > UINT64_MAX / 10000)
        return demandKiB / keep * 10000;
    return (demandKiB * 10000 + keep - 1) / keep;
}

void
xvBalloonDomainResolve(const xvBalloonConfig *cfg, const xvSnapDomain *dom,
                       xvBalloonDomain *ret)
{
    const xvBalloonOverride *o = balloonOverrideFor(cfg, dom);
    const xvBalloonAmount *min = o && o->hasMin ? &o->min : &cfg->min;
    const xvBalloonAmount *max = o && o->hasMax ? &o->max : &cfg->max;
    uint64_t step;

    memset(ret, 0, sizeof(*ret));
    ret->dom = dom;
    ret->curKiB = dom->memKiB;
    ret->priority = o && o->hasPriority ? o->priority : cfg->priority;
    if (!balloonIsRunning(dom->state) || dom->memKiB == 0 || dom->maxMemKiB == 0) {
        ret->status = XV_BALLOON_DOMAIN_SKIP;
        return;
    }
    ret->floorKiB = xvBalloonAmountKiB(min, dom->maxMemKiB);
    ret->maxKiB = xvBalloonAmountKiB(max, dom->maxMemKiB);
    ret->ceilingKiB = ret->maxKiB < dom->maxMemKiB ? ret->maxKiB : dom->maxMemKiB;
    step = xvBalloonAmountKiB(&cfg->step, dom->maxMemKiB);
    ret->stepKiB = step > XV_BALLOON_MIN_CHANGE_KIB ? step : XV_BALLOON_MIN_CHANGE_KIB;
    ret->guestData = dom->guestMemOk && dom->guestTotalKiB > 0 &&
                     dom->guestFreeKiB <= dom->guestTotalKiB;
    if (ret->guestData) {
        ret->demandKiB = dom->guestTotalKiB - dom->guestFreeKiB;
        ret->wantKiB = balloonWantKiB(cfg, ret->demandKiB);
    } else {
        /* nothing known: it needs what it has (no slack, no pressure) */
        ret->demandKiB = ret->wantKiB = dom->memKiB;
    }
    ret->status = ret->floorKiB > ret->ceilingKiB ? XV_BALLOON_DOMAIN_CONFLICT :
                  XV_BALLOON_DOMAIN_OK;
}

uint64_t
xvBalloonSlackKiB(const xvBalloonDomain *d)
{
    uint64_t keep = d->floorKiB > d->wantKiB ? d->floorKiB : d->wantKiB;

    if (d->status != XV_BALLOON_DOMAIN_OK)
        return 0;
    return d->curKiB > keep ? d->curKiB - keep : 0;
}

uint64_t
xvBalloonPressureKiB(const xvBalloonDomain *d)
{
    uint64_t top = d->wantKiB < d->ceilingKiB ? d->wantKiB : d->ceilingKiB;

    if (d->status != XV_BALLOON_DOMAIN_OK || !d->guestData)
        return 0;
    return top > d->curKiB ? top - d->curKiB : 0;
}

/* ---- the decision ------------------------------------------------------------------ */

void
xvBalloonNotesClear(xvBalloonNotes *notes)
{
    free(notes->notes);
    memset(notes, 0, sizeof(*notes));
}

static void
balloonAddAction(xvPolicyActionList *out, const xvBalloonDomain *d, uint64_t newKiB,
                 const char *reason)
{
    xvPolicyAction act = {
        .kind = XV_POLICY_ACTION_SETMEM,
        .domain = d->dom->name,
        .id = d->dom->id,
        .state = d->dom->state,
        .reason = reason,
        .vcpu = -1,
        .oldKiB = d->curKiB,
        .newKiB = newKiB,
    };

    memcpy(act.uuid, d->dom->uuid, sizeof(act.uuid));
    memcpy(act.uuidstr, d->dom->uuidstr, sizeof(act.uuidstr));
    xvPolicyActionListAdd(out, &act);
}

/* A candidate and its score for one ordering. */
typedef struct {
    const xvBalloonDomain *d;
    uint64_t amount;                /* slack, pressure or floor deficit */
} balloonCandidate;

static int
balloonCompareNames(const balloonCandidate *x, const balloonCandidate *y)
{
    int c = strcmp(x->d->dom->name, y->d->dom->name);

    return c ? c : strcmp(x->d->dom->uuidstr, y->d->dom->uuidstr);
}

/* Reclaim order: slack / priority, largest first (compared as cross products). */
static int
balloonCompareReclaim(const void *a, const void *b)
{
    const balloonCandidate *x = a, *y = b;
    uint64_t sx = x->amount * y->d->priority, sy = y->amount * x->d->priority;

    if (sx != sy)
        return sx > sy ? -1 : 1;
    return balloonCompareNames(x, y);
}

/* Grow order: pressure * priority, largest first. */
static int
balloonCompareGrow(const void *a, const void *b)
{
    const balloonCandidate *x = a, *y = b;
    uint64_t sx = x->amount * x->d->priority, sy = y->amount * y->d->priority;

    if (sx != sy)
        return sx > sy ? -1 : 1;
    return balloonCompareNames(x, y);
}

/* Floor order: priority, then the larger deficit, first. */
static int
balloonCompareFloor(const void *a, const void *b)
{
    const balloonCandidate *x = a, *y = b;

    if (x->d->priority != y->d->priority)
        return x->d->priority > y->d->priority ? -1 : 1;
    if (x->amount != y->amount)
        return x->amount > y->amount ? -1 : 1;
    return balloonCompareNames(x, y);
}

static uint64_t
balloonMin3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t m = a < b ? a : b;

    return m < c ? m : c;
}

/*
 * The shares of @needKiB (water-filling): the slack per unit of priority is
 * levelled from the top, so the domain with the most weighted slack gives
 * first, and one of higher priority gives only once the others are down to
 * its level. @c is sorted by weighted slack, largest first. Writes each
 * candidate's share into @share; the sum is @needKiB, or all the slack
 * when that is less.
 */
static void
balloonShares(const balloonCandidate *c, size_t n, uint64_t needKiB, uint64_t *share)
{
    uint64_t sumSlack = 0, sumPrio = 0, excess = 0, given = 0;
    size_t i, active = n;

    /* the first domains whose common level covers the need, the next one
     * being at or under it: level = (their slack - need) / their priority */
    for (i = 0; i < n; i++) {
        sumSlack += c[i].amount;
        sumPrio += c[i].d->priority;
        if (sumSlack <= needKiB)
            continue;
        excess = sumSlack - needKiB;
        if (i + 1 == n || c[i + 1].amount * sumPrio <= excess * c[i + 1].d->priority) {
            active = i + 1;
            break;
        }
    }
    for (i = 0; i < n; i++) {
        uint64_t keep = 0;

        if (i >= active) {
            share[i] = 0;
            continue;
        }
        if (excess > 0)     /* rounded up: the remainder is handed out below */
            keep = (excess * c[i].d->priority + sumPrio - 1) / sumPrio;
        share[i] = c[i].amount > keep ? c[i].amount - keep : 0;
        given += share[i];
    }
    for (i = 0; i < active && given < needKiB; i++) {
        if (share[i] < c[i].amount) {
            share[i]++;
            given++;
        }
    }
}

/*
 * Below the low watermark: takes @needKiB from the domains' slack, shared
 * by balloonShares(), each at most its step this interval.
 */
static void
balloonReclaim(const xvBalloonDomain *doms, size_t n, uint64_t needKiB,
               xvPolicyActionList *out)
{
    balloonCandidate *c = xvAllocN(n, sizeof(*c));
    uint64_t *share = xvAllocN(n, sizeof(*share));
    size_t i, nc = 0;

    for (i = 0; i < n; i++) {
        uint64_t slack = xvBalloonSlackKiB(&doms[i]);

        if (slack >= XV_BALLOON_MIN_CHANGE_KIB)
            c[nc++] = (balloonCandidate){ &doms[i], slack };
    }
    qsort(c, nc, sizeof(*c), balloonCompareReclaim);
    balloonShares(c, nc, needKiB, share);
    for (i = 0; i < nc; i++) {
        uint64_t take;

        if (share[i] == 0)
            continue;
        /* at least the smallest change, if the slack allows it */
        take = share[i] > XV_BALLOON_MIN_CHANGE_KIB ? share[i] : XV_BALLOON_MIN_CHANGE_KIB;
        take = balloonMin3(take, c[i].amount, c[i].d->stepKiB);
        balloonAddAction(out, c[i].d, c[i].d->curKiB - take, "host_low");
    }
    free(share);
    free(c);
}

/*
 * Domains under their floor get back towards it while the projected free
 * memory stays at or above @lowKiB; returns the projected free memory.
 */
static uint64_t
balloonRestoreFloors(const xvBalloonDomain *doms, size_t n, uint64_t freeKiB, uint64_t lowKiB,
                     xvPolicyActionList *out)
{
    balloonCandidate *c = xvAllocN(n, sizeof(*c));
    size_t i, nc = 0;

    for (i = 0; i < n; i++) {
        if (doms[i].status == XV_BALLOON_DOMAIN_OK && doms[i].curKiB < doms[i].floorKiB)
            c[nc++] = (balloonCandidate){ &doms[i], doms[i].floorKiB - doms[i].curKiB };
    }
    qsort(c, nc, sizeof(*c), balloonCompareFloor);
    for (i = 0; i < nc && freeKiB > lowKiB; i++) {
        uint64_t give = balloonMin3(c[i].amount, c[i].d->stepKiB, freeKiB - lowKiB);

        /* a small change only when it completes the floor */
        if (give < XV_BALLOON_MIN_CHANGE_KIB && give < c[i].amount)
            continue;
        balloonAddAction(out, c[i].d, c[i].d->curKiB + give, "below_floor");
        freeKiB -= give;
    }
    free(c);
    return freeKiB;
}

/* Above the high watermark: give @budgetKiB to the domains under pressure. */
static void
balloonGrow(const xvBalloonDomain *doms, size_t n, uint64_t budgetKiB, xvPolicyActionList *out)
{
    balloonCandidate *c = xvAllocN(n, sizeof(*c));
    size_t i, nc = 0;

    for (i = 0; i < n; i++) {
        uint64_t pressure = xvBalloonPressureKiB(&doms[i]);

        /* one action per domain and interval: one under its floor had it */
        if (pressure >= XV_BALLOON_MIN_CHANGE_KIB && doms[i].curKiB >= doms[i].floorKiB)
            c[nc++] = (balloonCandidate){ &doms[i], pressure };
    }
    qsort(c, nc, sizeof(*c), balloonCompareGrow);
    for (i = 0; i < nc && budgetKiB >= XV_BALLOON_MIN_CHANGE_KIB; i++) {
        uint64_t give = balloonMin3(c[i].amount, c[i].d->stepKiB, budgetKiB);

        if (give < XV_BALLOON_MIN_CHANGE_KIB)
            continue;
        balloonAddAction(out, c[i].d, c[i].d->curKiB + give, "host_high_guest_pressure");
        budgetKiB -= give;
    }
    free(c);
}

/* True if @dom's conflict was not there in the previous picture (same boot). */
static bool
balloonConflictIsNew(const xvPolicyInput *in, const xvBalloonConfig *cfg,
                     const xvSnapDomain *dom)
{
    const xvSnapDomain *old = xvPolicyPrevDomain(in, dom);
    xvBalloonDomain before;

    if (!old)
        return true;
    xvBalloonDomainResolve(cfg, old, &before);
    return before.status != XV_BALLOON_DOMAIN_CONFLICT;
}

static void
balloonNote(xvBalloonNotes *notes, const xvBalloonDomain *d)
{
    xvBalloonNote *note;

    notes->notes = xvReallocN(notes->notes, notes->n + 1, sizeof(*notes->notes));
    note = &notes->notes[notes->n++];
    note->dom = d->dom;
    note->floorKiB = d->floorKiB;
    note->maxKiB = d->maxKiB;
    note->maxMemKiB = d->dom->maxMemKiB;
}

void
xvBalloonDecide(const xvPolicyInput *in, const xvPolicyCommon *common,
                const xvBalloonConfig *cfg, xvPolicyActionList *out, xvBalloonNotes *notes)
{
    const xvSnapshot *snap = in->snap;
    xvBalloonDomain *doms;
    uint64_t freeKiB, lowKiB, highKiB, nodeKiB;
    size_t i, n = 0;

    /* without the host's free memory there is no band to keep */
    if (!snap->nodeFreeOk || (cfg->lowWatermark.percent && !snap->nodeOk))
        return;
    nodeKiB = snap->nodeOk ? snap->node.memory : 0;
    freeKiB = snap->nodeFreeBytes / 1024;
    lowKiB = xvBalloonAmountKiB(&cfg->lowWatermark, nodeKiB);
    highKiB = xvBalloonAmountKiB(&cfg->highWatermark, nodeKiB);
    doms = xvAllocN(snap->ndomains, sizeof(*doms));
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        if (!xvPolicyDomainsMatch(&common->domains, dom))
            continue;
        xvBalloonDomainResolve(cfg, dom, &doms[n]);
        if (doms[n].status == XV_BALLOON_DOMAIN_CONFLICT && balloonConflictIsNew(in, cfg, dom))
            balloonNote(notes, &doms[n]);
        if (doms[n].status == XV_BALLOON_DOMAIN_OK)
            n++;
    }
    if (freeKiB < lowKiB) {
        balloonReclaim(doms, n, lowKiB - freeKiB, out);
    } else {
        freeKiB = balloonRestoreFloors(doms, n, freeKiB, lowKiB, out);
        if (freeKiB > highKiB)
            balloonGrow(doms, n, freeKiB - highKiB, out);
    }
    free(doms);
}

static void
balloonDecideAndLog(const xvPolicyInput *in, const xvPolicyCommon *common, const void *config,
                    xvPolicyActionList *out)
{
    const xvBalloonConfig *cfg = config;
    xvBalloonNotes notes = { 0 };
    size_t i;

    xvBalloonDecide(in, common, cfg, out, &notes);
    for (i = 0; i < notes.n; i++) {
        const xvBalloonNote *note = &notes.notes[i];
        char floor[32], limit[32];
        bool byMax = note->maxKiB < note->floorKiB;

        xvConfFormatSize(note->floorKiB, floor, sizeof(floor));
        xvConfFormatSize(byMax ? note->maxKiB : note->maxMemKiB, limit, sizeof(limit));
        char key[128];

        /* the same at every sample until the domain or the policy changes */
        snprintf(key, sizeof(key), "balloon-floor:%s:%s", cfg->policy, note->dom->uuidstr);
        xvLogLimited(key, XV_LOG_WARNING, "policy=%s domain=%s uuid=%s action=setmem: left "
                     "alone: its min_memory %s is above its %s %s", cfg->policy,
                     note->dom->name, note->dom->uuidstr, floor,
                     byMax ? "max_memory" : "maximum memory", limit);
    }
    xvBalloonNotesClear(&notes);
}

const xvPolicyType xvPolicyBalloon = {
    .name = "balloon",
    .keys = balloonKeys,
    .parse = balloonParse,
    .decide = balloonDecideAndLog,
    .free = balloonFree,
    .action = XV_POLICY_ACTION_SETMEM,
    .givesUp = false,
};
