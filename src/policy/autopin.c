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
 */
#include "autopin.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvcpulist.h"

static const char *const autopinKeys[] = {
    "strategy", "reserved_cpus", "hysteresis", "pack_limit", NULL,
};

static const char *const autopinStrategyNames[] = { "spread", "pack", "numa", "dedicated" };
_Static_assert(XV_N_ELEMENTS(autopinStrategyNames) ==
               XV_AUTOPIN_LAST, "one name per strategy");

/* The reasons of the actions (the reason= of the log lines). */
#define AUTOPIN_REASON_RESERVED "reserved"        /* it may run on a reserved pCPU */
#define AUTOPIN_REASON_UNPINNED "unpinned"        /* spread/pack: not on one pCPU yet */
#define AUTOPIN_REASON_NO_CPU "no_allowed_cpu"    /* give-up: every pCPU reserved or offline */
#define AUTOPIN_REASON_NO_FIT "no_fit"            /* give-up: not enough pCPUs for it */

const char *
xvAutopinStrategyName(xvAutopinStrategy strategy)
{
    return (unsigned int)strategy < XV_AUTOPIN_LAST ? autopinStrategyNames[strategy] : NULL;
}

/* ---- parsing ----------------------------------------------------------------- */

/* @text for a message: control characters as '?', cut after 64 bytes. To free(). */
static char *
autopinQuote(const char *text)
{
    size_t n = strnlen(text, 64), i;
    char *q = xvAllocN(n + 4, 1);

    for (i = 0; i < n; i++)
        q[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? '?' : text[i];
    if (text[n])
        memcpy(q + n, "...", 3);
    return q;
}

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
        q = autopinQuote(text);
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
        q = autopinQuote(node->value);
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
    q = autopinQuote(name);
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

/* ---- topology and loads -------------------------------------------------------- */

void
xvAutopinCpuTopology(const virNodeInfo *node, unsigned int cpu, xvAutopinCpuTopo *ret)
{
    unsigned int nodes = node->nodes ? node->nodes : 1;
    unsigned int sockets = node->sockets ? node->sockets : 1;
    unsigned int cores = node->cores ? node->cores : 1;
    unsigned int threads = node->threads ? node->threads : 1;
    uint64_t perNode = (uint64_t)sockets * cores * threads;
    uint64_t n = cpu / perNode;

    ret->thread = cpu % threads;
    ret->core = (cpu / threads) % cores;
    ret->socket = (unsigned int)((cpu / ((uint64_t)threads * cores)) % sockets);
    ret->node = n < nodes ? (unsigned int)n : nodes - 1;
    ret->coreId = cpu / threads;
}

unsigned int
xvAutopinUsableCpus(const xvSnapshot *snap)
{
    uint64_t n;

    if (!snap->nodeOk || snap->maplen <= 0)
        return 0;
    n = snap->node.cpus;
    if (n > (uint64_t)snap->maplen * 8)
        n = (uint64_t)snap->maplen * 8;
    return n > XV_AUTOPIN_MAX_CPUS ? XV_AUTOPIN_MAX_CPUS : (unsigned int)n;
}

bool
xvAutopinVcpuLoad(const xvPolicyInput *in, const xvSnapDomain *dom, size_t k, int64_t *retLoad)
{
    const xvSnapshot *snap = in->snap;
    const xvSnapVcpu *v = &snap->vcpus[dom->firstVcpu + k];
    const xvSnapDomain *old = xvPolicyPrevDomain(in, dom);
    uint64_t dt, used;
    size_t i;

    if (!old || !old->vcpusOk || snap->timestampNs <= in->prev->timestampNs)
        return false;
    dt = snap->timestampNs - in->prev->timestampNs;
    for (i = 0; i < old->nvcpus; i++) {
        const xvSnapVcpu *o = &in->prev->vcpus[old->firstVcpu + i];

        if (o->number != v->number)
            continue;
        used = v->cpuTimeNs > o->cpuTimeNs ? v->cpuTimeNs - o->cpuTimeNs : 0;
        if (used >= dt)
            *retLoad = XV_AUTOPIN_LOAD_ONE;
        else
            *retLoad = (int64_t)(((unsigned __int128)used * XV_AUTOPIN_LOAD_ONE + dt / 2) / dt);
        return true;
    }
    return false;
}

/* ---- the model ------------------------------------------------------------------- */

typedef struct {
    const xvSnapDomain *dom;
    bool ours;                  /* selected, running, vcpus known, one online at least */
    bool measured;              /* ours, and the load of each online vcpu is known */
    const char *refusal;        /* why it cannot be placed (a give-up reason), or NULL */
    unsigned int nonline;
} autopinDom;

typedef struct {
    size_t dom;                 /* index in the snapshot's (and the model's) domains */
    unsigned int number;
    bool online;
    bool known;                 /* its load was measured */
    bool movable;               /* online, of a measured domain of ours */
    bool touched;               /* the decision changed its set */
    int64_t load;
    int pos;                    /* the allowed pCPU its set holds alone, else -1 */
    const unsigned char *map;   /* the affinity in the snapshot */
    unsigned char *set;         /* the affinity in the model */
} autopinVcpu;

typedef struct {
    const xvSnapshot *snap;
    const xvAutopinConfig *cfg;
    size_t maplen;
    unsigned int ncpus;         /* the pCPUs considered: 0 .. ncpus-1 */
    unsigned int nnodes;
    unsigned int threads;       /* per core: the threads of a core are adjacent */
    unsigned int *cpuNode;
    bool *allowed;              /* neither reserved nor past ncpus */
    unsigned int nallowed;
    int64_t *load;              /* per pCPU */
    autopinDom *doms;           /* parallel to snap->domains (name order) */
    size_t ndoms;
    autopinVcpu *vcpus;         /* parallel to snap->vcpus */
    size_t nvcpus;
    unsigned char *sets;
    size_t nmovable;
    uint64_t budget;            /* vcpus it may change this interval */
    uint64_t taken;
    int64_t hysteresis;         /* in load units */
} autopinModel;

static bool
autopinIsActive(unsigned char state)
{
    return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED ||
           state == VIR_DOMAIN_PAUSED;
}

static bool
autopinMapHas(const unsigned char *map, unsigned int cpu)
{
    return map[cpu / 8] & (1u << (cpu % 8));
}

/* The only CPU of @map (any bit of maplen bytes), or -1 if it has none or several. */
static int
autopinMapSingle(const autopinModel *m, const unsigned char *map)
{
    int cpu = -1;
    size_t i;

    for (i = 0; i < m->maplen; i++) {
        if (!map[i])
            continue;
        if (cpu >= 0 || (map[i] & (map[i] - 1)))
            return -1;
        cpu = (int)(i * 8) + __builtin_ctz(map[i]);
    }
    return cpu;
}

static int
autopinPosOf(const autopinModel *m, const unsigned char *map)
{
    int cpu = autopinMapSingle(m, map);

    return cpu >= 0 && (unsigned int)cpu < m->ncpus && m->allowed[cpu] ? cpu : -1;
}

/* Adds (@sign 1) or removes (-1) @v's load: an equal share on each pCPU of its set. */
static void
autopinContribute(autopinModel *m, const autopinVcpu *v, int sign)
{
    int64_t count = 0, share, rem;
    unsigned int cpu;

    if (!v->online || !v->known || v->load == 0)
        return;
    for (cpu = 0; cpu < m->ncpus; cpu++)
        count += autopinMapHas(v->set, cpu);
    if (count == 0)
        return;
    share = v->load / count;
    rem = v->load % count;
    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (!autopinMapHas(v->set, cpu))
            continue;
        m->load[cpu] += sign * (share + (rem > 0 ? 1 : 0));
        rem--;
    }
}

static void
autopinTouch(autopinModel *m, autopinVcpu *v)
{
    if (!v->touched) {
        v->touched = true;
        m->taken++;
    }
}

/* Whether @n more vcpus may change this interval. */
static bool
autopinAffords(const autopinModel *m, uint64_t n)
{
    return m->taken + n <= m->budget;
}

/* Gives @v the set @set (maplen bytes). */
static void
autopinSetTo(autopinModel *m, autopinVcpu *v, const unsigned char *set)
{
    autopinContribute(m, v, -1);
    memcpy(v->set, set, m->maplen);
    v->pos = autopinPosOf(m, v->set);
    autopinContribute(m, v, 1);
    autopinTouch(m, v);
}

/* Pins @v to @cpu alone. */
static void
autopinSetSingle(autopinModel *m, autopinVcpu *v, unsigned int cpu)
{
    unsigned char *set = xvAllocN(m->maplen, 1);

    set[cpu / 8] = (unsigned char)(1u << (cpu % 8));
    autopinSetTo(m, v, set);
    free(set);
}

static void
autopinModelFree(autopinModel *m)
{
    free(m->cpuNode);
    free(m->allowed);
    free(m->load);
    free(m->doms);
    free(m->vcpus);
    free(m->sets);
}

static void
autopinModelVcpus(autopinModel *m, const xvPolicyInput *in, const xvPolicyCommon *common)
{
    const xvSnapshot *snap = m->snap;
    size_t i, k;

    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];
        autopinDom *d = &m->doms[i];

        d->dom = dom;
        if (!dom->vcpusOk)
            continue;
        for (k = 0; k < dom->nvcpus; k++) {
            const xvSnapVcpu *sv = &snap->vcpus[dom->firstVcpu + k];
            autopinVcpu *v = &m->vcpus[dom->firstVcpu + k];

            v->dom = i;
            v->number = sv->number;
            v->online = sv->state != VIR_VCPU_OFFLINE && sv->cpu >= 0;
            v->map = xvSnapshotVcpuMap(snap, dom->firstVcpu + k);
            memcpy(v->set, v->map, m->maplen);
            v->pos = autopinPosOf(m, v->set);
            if (v->online) {
                d->nonline++;
                v->known = xvAutopinVcpuLoad(in, dom, k, &v->load);
            }
        }
        d->ours = d->nonline > 0 && autopinIsActive(dom->state) &&
                  xvPolicyDomainsMatch(&common->domains, dom);
        d->measured = d->ours;
        for (k = 0; k < dom->nvcpus; k++) {
            const autopinVcpu *v = &m->vcpus[dom->firstVcpu + k];

            if (v->online && !v->known)
                d->measured = false;
        }
    }
    for (i = 0; i < m->nvcpus; i++) {
        autopinVcpu *v = &m->vcpus[i];

        if (!v->map)
            continue;
        v->movable = v->online && m->doms[v->dom].measured;
        m->nmovable += v->movable;
        autopinContribute(m, v, 1);
    }
}

/* Builds the model of in->snap (loads from in->prev); false if it has no
 * node picture or no maps to decide on. */
static bool
autopinModelInit(autopinModel *m, const xvPolicyInput *in, const xvPolicyCommon *common,
                 const xvAutopinConfig *cfg)
{
    const xvSnapshot *snap = in->snap;
    xvAutopinCpuTopo topo;
    unsigned int cpu;
    size_t i;

    memset(m, 0, sizeof(*m));
    if (!(m->ncpus = xvAutopinUsableCpus(snap)))
        return false;
    m->snap = snap;
    m->cfg = cfg;
    m->maplen = (size_t)snap->maplen;
    m->nnodes = snap->node.nodes ? snap->node.nodes : 1;
    m->threads = snap->node.threads ? snap->node.threads : 1;
    m->cpuNode = xvAllocN(m->ncpus, sizeof(*m->cpuNode));
    m->allowed = xvAllocN(m->ncpus, sizeof(*m->allowed));
    m->load = xvAllocN(m->ncpus, sizeof(*m->load));
    for (cpu = 0; cpu < m->ncpus; cpu++) {
        xvAutopinCpuTopology(&snap->node, cpu, &topo);
        m->cpuNode[cpu] = topo.node;
        m->allowed[cpu] = !autopinMapHas(cfg->reserved, cpu);
        m->nallowed += m->allowed[cpu];
    }
    m->ndoms = snap->ndomains;
    m->doms = xvAllocN(m->ndoms, sizeof(*m->doms));
    m->nvcpus = snap->nvcpus;
    m->vcpus = xvAllocN(m->nvcpus, sizeof(*m->vcpus));
    m->sets = xvAllocN(m->nvcpus, m->maplen);
    for (i = 0; i < m->nvcpus; i++)
        m->vcpus[i].set = m->sets + i * m->maplen;
    m->budget = common->maxActionsPerInterval ? common->maxActionsPerInterval : UINT64_MAX / 2;
    m->hysteresis = (int64_t)cfg->hysteresis * (XV_AUTOPIN_LOAD_ONE / 1000);
    autopinModelVcpus(m, in, common);
    return true;
}

/* The online vcpus of domain @d: m->vcpus[*first .. *first + n). */
static size_t
autopinDomVcpus(const autopinModel *m, size_t d, size_t *first)
{
    const xvSnapDomain *dom = m->doms[d].dom;

    *first = dom->firstVcpu;
    return dom->vcpusOk ? dom->nvcpus : 0;
}

/* @a before @b: domain name (snapshot order), then vcpu number. */
static bool
autopinVcpuBefore(const autopinVcpu *a, const autopinVcpu *b)
{
    return a->dom != b->dom ? a->dom < b->dom : a->number < b->number;
}

/* Heaviest first, then in domain and vcpu order. */
static int
autopinCompareLoad(const void *pa, const void *pb)
{
    const autopinVcpu *a = *(autopinVcpu *const *)pa, *b = *(autopinVcpu *const *)pb;

    if (a->load != b->load)
        return a->load > b->load ? -1 : 1;
    return autopinVcpuBefore(a, b) ? -1 : autopinVcpuBefore(b, a);
}

/* The movable vcpus on @cpu (@cpu < 0: those not on one allowed pCPU), heaviest
 * first. To free(); *n set. */
static autopinVcpu **
autopinVcpusOn(autopinModel *m, int cpu, size_t *n)
{
    autopinVcpu **list = xvAllocN(m->nvcpus, sizeof(*list));
    size_t i;

    *n = 0;
    for (i = 0; i < m->nvcpus; i++) {
        if (m->vcpus[i].movable && m->vcpus[i].pos == cpu)
            list[(*n)++] = &m->vcpus[i];
    }
    qsort(list, *n, sizeof(*list), autopinCompareLoad);
    return list;
}

/* The allowed pCPUs, busiest first (ties: lowest number). To free(). */
static unsigned int *
autopinCpusByLoad(const autopinModel *m, unsigned int *n)
{
    unsigned int *order = xvAllocN(m->ncpus, sizeof(*order));
    unsigned int cpu, i;

    *n = 0;
    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (!m->allowed[cpu])
            continue;
        /* insertion: stable, and the lists are short */
        for (i = (*n)++; i > 0 && m->load[order[i - 1]] < m->load[cpu]; i--)
            order[i] = order[i - 1];
        order[i] = cpu;
    }
    return order;
}

/*
 * Whether another online vcpu of @v's domain (neither @v nor @skip) sits
 * alone on a pCPU of the core of @cpu.
 */
static bool
autopinCoreShared(const autopinModel *m, const autopinVcpu *v, const autopinVcpu *skip,
                  unsigned int cpu)
{
    size_t first, n = autopinDomVcpus(m, v->dom, &first), k;

    for (k = 0; k < n; k++) {
        const autopinVcpu *u = &m->vcpus[first + k];

        if (u == v || u == skip || !u->online || u->pos < 0)
            continue;
        if ((unsigned int)u->pos / m->threads == cpu / m->threads)
            return true;
    }
    return false;
}

/* ---- spread ----------------------------------------------------------------------- */

/* A candidate step: move @v from @from to @to, or swap it with @w (on @to). */
typedef struct {
    autopinVcpu *v;
    autopinVcpu *w;
    unsigned int from;
    unsigned int to;
    int64_t newMax;             /* the busier of the two pCPUs after the step */
    unsigned int shared;        /* vcpus it puts on a core with another of their domain */
} autopinStep;

static bool
autopinStepBetter(const autopinStep *a, const autopinStep *b)
{
    if (a->shared != b->shared)
        return a->shared < b->shared;
    if (!a->w != !b->w)
        return !a->w;           /* a move before a swap: one action instead of two */
    if (a->newMax != b->newMax)
        return a->newMax < b->newMax;
    if (a->v != b->v)
        return autopinVcpuBefore(a->v, b->v);
    if (a->to != b->to)
        return a->to < b->to;
    return a->w && b->w && autopinVcpuBefore(a->w, b->w);
}

static void
autopinStepAdd(autopinStep **steps, size_t *n, size_t *cap, const autopinStep *step)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *steps = xvReallocN(*steps, *cap, sizeof(**steps));
    }
    (*steps)[(*n)++] = *step;
}

/* The steps off @s that lower it by more than the hysteresis. To free(). */
static autopinStep *
autopinStepsFrom(autopinModel *m, unsigned int s, size_t *n)
{
    autopinStep *steps = NULL, st;
    size_t nv, cap = 0, i, j;
    autopinVcpu **on = autopinVcpusOn(m, (int)s, &nv);
    unsigned int d;

    *n = 0;
    for (i = 0; i < nv; i++) {
        autopinVcpu *v = on[i];

        for (d = 0; d < m->ncpus; d++) {
            if (d == s || !m->allowed[d] || !autopinAffords(m, !v->touched))
                continue;
            st = (autopinStep){ v, NULL, s, d, m->load[s] - v->load, 0 };
            if (m->load[d] + v->load > st.newMax)
                st.newMax = m->load[d] + v->load;
            if (m->load[s] - st.newMax > m->hysteresis)
                autopinStepAdd(&steps, n, &cap, &st);
        }
        for (j = 0; j < m->nvcpus; j++) {
            autopinVcpu *w = &m->vcpus[j];
            int64_t delta = v->load - w->load;

            if (!w->movable || w->pos < 0 || (unsigned int)w->pos == s || delta <= 0 ||
                !autopinAffords(m, (uint64_t)!v->touched + !w->touched))
                continue;
            st = (autopinStep){ v, w, s, (unsigned int)w->pos, m->load[s] - delta, 0 };
            if (m->load[st.to] + delta > st.newMax)
                st.newMax = m->load[st.to] + delta;
            if (m->load[s] - st.newMax > m->hysteresis)
                autopinStepAdd(&steps, n, &cap, &st);
        }
    }
    free(on);
    return steps;
}

/*
 * The best step off @s: among the steps whose result is within the
 * hysteresis of the best result (differences that small are noise), the
 * one sharing fewest cores with the domain's other vcpus, then a move
 * before a swap, then the lowest result, then the order of vcpus and pCPUs.
 */
static bool
autopinBestStepFrom(autopinModel *m, unsigned int s, autopinStep *ret)
{
    size_t n, i;
    autopinStep *steps = autopinStepsFrom(m, s, &n);
    int64_t best = INT64_MAX;
    bool found = false;

    for (i = 0; i < n; i++) {
        if (steps[i].newMax < best)
            best = steps[i].newMax;
    }
    for (i = 0; i < n; i++) {
        autopinStep *st = &steps[i];

        if (st->newMax != best && st->newMax - best >= m->hysteresis)
            continue;
        st->shared = autopinCoreShared(m, st->v, st->w, st->to);
        if (st->w)
            st->shared += autopinCoreShared(m, st->w, st->v, st->from);
        if (!found || autopinStepBetter(st, ret))
            *ret = *st;
        found = true;
    }
    free(steps);
    return found;
}

static void
autopinApplyStep(autopinModel *m, const autopinStep *st)
{
    autopinSetSingle(m, st->v, st->to);
    if (st->w)
        autopinSetSingle(m, st->w, st->from);
}

/* One step off the busiest pCPU that has one worth making. */
static bool
autopinSpreadStep(autopinModel *m)
{
    unsigned int n, i;
    unsigned int *order = autopinCpusByLoad(m, &n);
    autopinStep st;
    bool done = false;

    for (i = 0; i < n && !done; i++) {
        if ((done = autopinBestStepFrom(m, order[i], &st)))
            autopinApplyStep(m, &st);
    }
    free(order);
    return done;
}

/* The least loaded allowed pCPU for @v (out of the picture), preferring,
 * within the hysteresis, a core without another vcpu of its domain. */
static int
autopinLeastLoaded(const autopinModel *m, const autopinVcpu *v)
{
    int64_t best = INT64_MAX;
    bool bestShared = true;
    int chosen = -1;
    unsigned int cpu;

    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (m->allowed[cpu] && m->load[cpu] < best)
            best = m->load[cpu];
    }
    for (cpu = 0; cpu < m->ncpus; cpu++) {
        bool shared;

        if (!m->allowed[cpu] || (m->load[cpu] != best && m->load[cpu] - best >= m->hysteresis))
            continue;
        shared = autopinCoreShared(m, v, NULL, cpu);
        if (chosen < 0 || shared < bestShared ||
            (shared == bestShared && m->load[cpu] < m->load[chosen])) {
            chosen = (int)cpu;
            bestShared = shared;
        }
    }
    return chosen;
}

/* The first allowed pCPU (lowest number, below @below) where @v fits under @limit. */
static int
autopinFirstFit(const autopinModel *m, const autopinVcpu *v, unsigned int below, int64_t limit)
{
    unsigned int cpu;

    for (cpu = 0; cpu < below && cpu < m->ncpus; cpu++) {
        if (m->allowed[cpu] && m->load[cpu] + v->load <= limit)
            return (int)cpu;
    }
    return -1;
}

/* Pins every movable vcpu not alone on an allowed pCPU, heaviest first:
 * first fit under @limit (pack), else on the least loaded pCPU. */
static void
autopinPlaceUnpinned(autopinModel *m, bool pack, int64_t limit)
{
    size_t n, i;
    autopinVcpu **list = autopinVcpusOn(m, -1, &n);

    for (i = 0; i < n; i++) {
        autopinVcpu *v = list[i];
        int cpu = -1;

        if (!autopinAffords(m, !v->touched))
            continue;
        autopinContribute(m, v, -1);
        if (pack)
            cpu = autopinFirstFit(m, v, m->ncpus, limit);
        if (cpu < 0)
            cpu = autopinLeastLoaded(m, v);
        autopinContribute(m, v, 1);
        autopinSetSingle(m, v, (unsigned int)cpu);
    }
    free(list);
}

static void
autopinSpread(autopinModel *m)
{
    size_t steps;

    autopinPlaceUnpinned(m, false, 0);
    /* every step lowers the sorted loads: this ends; the bound is a guard */
    for (steps = 0; steps < 4 * m->nmovable + 8; steps++) {
        if (!autopinSpreadStep(m))
            break;
    }
}

/* ---- pack ------------------------------------------------------------------------- */

/* Off a pCPU loaded past the limit (by more than the hysteresis): first fit
 * elsewhere, else the best spread step. */
static bool
autopinPackRelieve(autopinModel *m, int64_t limit)
{
    unsigned int n, i;
    unsigned int *order = autopinCpusByLoad(m, &n);
    bool done = false;

    for (i = 0; i < n && !done && m->load[order[i]] > limit + m->hysteresis; i++) {
        unsigned int s = order[i];
        size_t nv, j;
        autopinVcpu **on = autopinVcpusOn(m, (int)s, &nv);
        autopinStep st;

        for (j = 0; j < nv && !done; j++) {
            int cpu;

            if (!autopinAffords(m, !on[j]->touched))
                continue;
            /* s is past the limit: first fit never picks it */
            if ((cpu = autopinFirstFit(m, on[j], m->ncpus, limit)) >= 0) {
                autopinSetSingle(m, on[j], (unsigned int)cpu);
                done = true;
            }
        }
        free(on);
        if (!done && (done = autopinBestStepFrom(m, s, &st)))
            autopinApplyStep(m, &st);
    }
    free(order);
    return done;
}

/* From the highest pCPU down: a vcpu onto a lower pCPU where it fits with
 * the hysteresis to spare. */
static bool
autopinPackConsolidate(autopinModel *m, int64_t limit)
{
    unsigned int s;

    for (s = m->ncpus; s-- > 0;) {
        size_t nv, j;
        autopinVcpu **on;
        bool done = false;

        if (!m->allowed[s])
            continue;
        on = autopinVcpusOn(m, (int)s, &nv);
        for (j = 0; j < nv && !done; j++) {
            int cpu;

            if (!autopinAffords(m, !on[j]->touched))
                continue;
            if ((cpu = autopinFirstFit(m, on[j], s, limit - m->hysteresis)) >= 0) {
                autopinSetSingle(m, on[j], (unsigned int)cpu);
                done = true;
            }
        }
        free(on);
        if (done)
            return true;
    }
    return false;
}

static void
autopinPack(autopinModel *m)
{
    int64_t limit = (int64_t)m->cfg->packLimit * (XV_AUTOPIN_LOAD_ONE / 1000);
    size_t steps;

    autopinPlaceUnpinned(m, true, limit);
    for (steps = 0; steps < 4 * m->nmovable + 8; steps++) {
        if (!autopinPackRelieve(m, limit) && !autopinPackConsolidate(m, limit))
            break;
    }
}

/* ---- numa ------------------------------------------------------------------------- */

/* The allowed pCPUs of NUMA node @n as a map (maplen bytes); returns how many. */
static unsigned int
autopinNodeSet(const autopinModel *m, unsigned int n, unsigned char *set)
{
    unsigned int cpu, count = 0;

    memset(set, 0, m->maplen);
    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (m->allowed[cpu] && m->cpuNode[cpu] == n) {
            set[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
            count++;
        }
    }
    return count;
}

static int64_t
autopinNodeLoad(const autopinModel *m, unsigned int n)
{
    int64_t sum = 0;
    unsigned int cpu;

    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (m->allowed[cpu] && m->cpuNode[cpu] == n)
            sum += m->load[cpu];
    }
    return sum;
}

/* The node holding every pCPU of @set (past ncpus ignored); -1 if none or several. */
static int
autopinSetNode(const autopinModel *m, const unsigned char *set)
{
    int node = -1;
    unsigned int cpu;

    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (!autopinMapHas(set, cpu))
            continue;
        if (node >= 0 && (unsigned int)node != m->cpuNode[cpu])
            return -1;
        node = (int)m->cpuNode[cpu];
    }
    return node;
}

typedef struct {
    unsigned int *cap;          /* allowed pCPUs per node */
    unsigned int maxCap;
    unsigned char **sets;       /* the allowed pCPUs per node, as maps */
} autopinNodes;

static void
autopinNodesInit(const autopinModel *m, autopinNodes *nodes)
{
    unsigned int n;

    nodes->cap = xvAllocN(m->nnodes, sizeof(*nodes->cap));
    nodes->sets = xvAllocN(m->nnodes, sizeof(*nodes->sets));
    nodes->maxCap = 0;
    for (n = 0; n < m->nnodes; n++) {
        nodes->sets[n] = xvAllocN(m->maplen, 1);
        nodes->cap[n] = autopinNodeSet(m, n, nodes->sets[n]);
        if (nodes->cap[n] > nodes->maxCap)
            nodes->maxCap = nodes->cap[n];
    }
}

static void
autopinNodesFree(const autopinModel *m, autopinNodes *nodes)
{
    unsigned int n;

    for (n = 0; n < m->nnodes; n++)
        free(nodes->sets[n]);
    free(nodes->sets);
    free(nodes->cap);
}

/* The node whose allowed pCPUs are exactly the set of every online vcpu of @d, or -1. */
static int
autopinDomHome(const autopinModel *m, const autopinNodes *nodes, size_t d)
{
    size_t first, n = autopinDomVcpus(m, d, &first), k;
    int home = -1;

    for (k = 0; k < n; k++) {
        const autopinVcpu *v = &m->vcpus[first + k];

        if (!v->online)
            continue;
        if (home < 0 && (home = autopinSetNode(m, v->set)) < 0)
            return -1;
        if (memcmp(v->set, nodes->sets[home], m->maplen) != 0)
            return -1;
    }
    return home;
}

/* Load of the online vcpus of @d. */
static int64_t
autopinDomLoad(const autopinModel *m, size_t d)
{
    size_t first, n = autopinDomVcpus(m, d, &first), k;
    int64_t sum = 0;

    for (k = 0; k < n; k++)
        sum += m->vcpus[first + k].online ? m->vcpus[first + k].load : 0;
    return sum;
}

/* Adds (@sign 1) or removes (-1) the load of @d's online vcpus. */
static void
autopinDomContribute(autopinModel *m, size_t d, int sign)
{
    size_t first, n = autopinDomVcpus(m, d, &first), k;

    for (k = 0; k < n; k++)
        autopinContribute(m, &m->vcpus[first + k], sign);
}

/* Online vcpus of @d whose set differs from @set. */
static unsigned int
autopinDomChanges(const autopinModel *m, size_t d, const unsigned char *set)
{
    size_t first, n = autopinDomVcpus(m, d, &first), k;
    unsigned int count = 0;

    for (k = 0; k < n; k++) {
        const autopinVcpu *v = &m->vcpus[first + k];

        count += v->online && memcmp(v->set, set, m->maplen) != 0;
    }
    return count;
}

static void
autopinDomSetTo(autopinModel *m, size_t d, const unsigned char *set)
{
    size_t first, n = autopinDomVcpus(m, d, &first), k;

    for (k = 0; k < n; k++) {
        autopinVcpu *v = &m->vcpus[first + k];

        if (v->online && memcmp(v->set, set, m->maplen) != 0)
            autopinSetTo(m, v, set);
    }
}

/* A domain's changes go together: it may change if nothing changed yet (so
 * a domain larger than the cap still moves; the actuator refuses the rest)
 * or if they all fit in the cap. */
static bool
autopinDomAffords(const autopinModel *m, unsigned int changes)
{
    return changes == 0 || m->taken == 0 || autopinAffords(m, changes);
}

/*
 * The node for the domain @d, out of the picture: the node its vcpus
 * already use the most (all of them: the domain is contained there), then
 * the one least utilized once the domain is added, then the lowest.
 */
static int
autopinNumaChoose(const autopinModel *m, const autopinNodes *nodes, size_t d, int64_t load)
{
    size_t first, nv = autopinDomVcpus(m, d, &first), k;
    int chosen = -1;
    unsigned int n, bestCount = 0;
    int64_t bestUtil = 0;

    for (n = 0; n < m->nnodes; n++) {
        unsigned int count = 0;
        int64_t util;

        if (nodes->cap[n] < m->doms[d].nonline)
            continue;
        for (k = 0; k < nv; k++) {
            const autopinVcpu *v = &m->vcpus[first + k];

            count += v->online && autopinSetNode(m, v->set) == (int)n;
        }
        util = (autopinNodeLoad(m, n) + load) / nodes->cap[n];
        if (chosen < 0 || count > bestCount || (count == bestCount && util < bestUtil)) {
            chosen = (int)n;
            bestCount = count;
            bestUtil = util;
        }
    }
    return chosen;
}

static int
autopinCompareDomLoad(const void *pa, const void *pb, void *opaque)
{
    const autopinModel *m = opaque;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int64_t la = autopinDomLoad(m, a), lb = autopinDomLoad(m, b);

    if (la != lb)
        return la > lb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Homes each domain not inside one node yet, heaviest first. */
static void
autopinNumaHome(autopinModel *m, const autopinNodes *nodes)
{
    size_t *list = xvAllocN(m->ndoms, sizeof(*list));
    size_t n = 0, i;

    for (i = 0; i < m->ndoms; i++) {
        if (m->doms[i].measured && !m->doms[i].refusal && autopinDomHome(m, nodes, i) < 0)
            list[n++] = i;
    }
    qsort_r(list, n, sizeof(*list), autopinCompareDomLoad, m);
    for (i = 0; i < n; i++) {
        int node;

        autopinDomContribute(m, list[i], -1);
        node = autopinNumaChoose(m, nodes, list[i], autopinDomLoad(m, list[i]));
        autopinDomContribute(m, list[i], 1);
        if (node >= 0 &&
            autopinDomAffords(m, autopinDomChanges(m, list[i], nodes->sets[node])))
            autopinDomSetTo(m, list[i], nodes->sets[node]);
    }
    free(list);
}

/* A rebalancing step: domain @d from node @src to @dst, swapped with @d2 (on @dst) if set. */
typedef struct {
    size_t d;
    size_t d2;                  /* SIZE_MAX: a move */
    unsigned int src;
    unsigned int dst;
    int64_t newMax;             /* the more utilized of the two nodes after it */
} autopinNumaStep;

/* Considers moving @st->d (load @load) to @st->dst, swapped with @st->d2 (load @load2). */
static void
autopinNumaConsider(const autopinModel *m, const autopinNodes *nodes, autopinNumaStep *st,
                    int64_t load, int64_t load2, autopinNumaStep *best, bool *found)
{
    unsigned int src = st->src, dst = st->dst;
    int64_t srcUtil = autopinNodeLoad(m, src) / nodes->cap[src];
    int64_t a = (autopinNodeLoad(m, src) - load + load2) / nodes->cap[src];
    int64_t b = (autopinNodeLoad(m, dst) + load - load2) / nodes->cap[dst];
    unsigned int changes = autopinDomChanges(m, st->d, nodes->sets[dst]);

    st->newMax = a > b ? a : b;
    if (st->d2 != SIZE_MAX)
        changes += autopinDomChanges(m, st->d2, nodes->sets[src]);
    if (srcUtil - st->newMax <= m->hysteresis || !autopinDomAffords(m, changes))
        return;
    /* the lowest result; then a move before a swap, then domain and node order */
    if (!*found || st->newMax < best->newMax ||
        (st->newMax == best->newMax && st->d2 == SIZE_MAX && best->d2 != SIZE_MAX)) {
        *best = *st;
        *found = true;
    }
}

/* Whether domain @d (measured, not refused) has its home on node @n. */
static bool
autopinNumaMovable(const autopinModel *m, const autopinNodes *nodes, size_t d, unsigned int n)
{
    return m->doms[d].measured && !m->doms[d].refusal && autopinDomHome(m, nodes, d) == (int)n;
}

/*
 * One rebalancing step per interval (a domain's memory stays on its old
 * node, so these are rare, and measured again before the next): off the
 * most utilized node that has one, the move of a domain to another node, or
 * its swap with a lighter domain there, that leaves the two nodes least
 * utilized, if that lowers the source by more than the hysteresis.
 * Utilization is the load per allowed pCPU.
 */
static void
autopinNumaRebalance(autopinModel *m, const autopinNodes *nodes)
{
    unsigned int *order = xvAllocN(m->nnodes, sizeof(*order));
    unsigned int n, i, j;
    autopinNumaStep best = { 0 }, st;
    bool found = false;
    size_t d, d2;

    for (n = 0; n < m->nnodes; n++) {
        for (i = n; i > 0 && autopinNodeLoad(m, order[i - 1]) * nodes->cap[n] <
                             autopinNodeLoad(m, n) * nodes->cap[order[i - 1]]; i--)
            order[i] = order[i - 1];
        order[i] = n;
    }
    for (i = 0; i < m->nnodes && !found; i++) {
        st.src = order[i];
        if (nodes->cap[st.src] == 0)
            continue;
        for (d = 0; d < m->ndoms; d++) {
            if (!autopinNumaMovable(m, nodes, d, st.src))
                continue;
            st.d = d;
            for (j = 0; j < m->nnodes; j++) {
                st.dst = order[j];
                if (st.dst == st.src || nodes->cap[st.dst] < m->doms[d].nonline)
                    continue;
                st.d2 = SIZE_MAX;
                autopinNumaConsider(m, nodes, &st, autopinDomLoad(m, d), 0, &best, &found);
                for (d2 = 0; d2 < m->ndoms; d2++) {
                    if (!autopinNumaMovable(m, nodes, d2, st.dst) ||
                        nodes->cap[st.src] < m->doms[d2].nonline ||
                        autopinDomLoad(m, d2) >= autopinDomLoad(m, d))
                        continue;
                    st.d2 = d2;
                    autopinNumaConsider(m, nodes, &st, autopinDomLoad(m, d),
                                        autopinDomLoad(m, d2), &best, &found);
                }
            }
        }
    }
    free(order);
    if (!found)
        return;
    autopinDomSetTo(m, best.d, nodes->sets[best.dst]);
    if (best.d2 != SIZE_MAX)
        autopinDomSetTo(m, best.d2, nodes->sets[best.src]);
}

static void
autopinNuma(autopinModel *m)
{
    autopinNodes nodes;

    autopinNodesInit(m, &nodes);
    autopinNumaHome(m, &nodes);
    autopinNumaRebalance(m, &nodes);
    autopinNodesFree(m, &nodes);
}

/* ---- dedicated -------------------------------------------------------------------- */

/* Whether another thread of @cpu's core is taken (or reserved, or offline). */
static bool
autopinCoreBusy(const autopinModel *m, const bool *busy, unsigned int cpu)
{
    unsigned int t, base = cpu - cpu % m->threads;

    for (t = base; t < base + m->threads; t++) {
        if (t != cpu && (t >= m->ncpus || busy[t]))
            return true;
    }
    return false;
}

/* The node to place the rest of @d in: where its kept vcpus are, else the
 * lowest with @k free pCPUs, else the one with the most. */
static unsigned int
autopinDedicatedNode(const autopinModel *m, const bool *busy, const bool *kept, size_t d,
                     unsigned int k)
{
    size_t first, nv = autopinDomVcpus(m, d, &first), i;
    unsigned int n, cpu, best = 0, bestFree = 0;

    for (i = 0; i < nv; i++) {
        if (kept[first + i])
            return m->cpuNode[m->vcpus[first + i].pos];
    }
    for (n = 0; n < m->nnodes; n++) {
        unsigned int nfree = 0;

        for (cpu = 0; cpu < m->ncpus; cpu++)
            nfree += !busy[cpu] && m->cpuNode[cpu] == n;
        if (nfree >= k)
            return n;
        if (nfree > bestFree) {
            best = n;
            bestFree = nfree;
        }
    }
    return best;
}

/* A free pCPU: in @node first, then on a core with no other thread taken, then the lowest. */
static unsigned int
autopinDedicatedPick(const autopinModel *m, const bool *busy, unsigned int node)
{
    unsigned int cpu, best = UINT_MAX, bestScore = UINT_MAX;

    for (cpu = 0; cpu < m->ncpus; cpu++) {
        unsigned int score;

        if (busy[cpu])
            continue;
        score = (m->cpuNode[cpu] != node) * 2 + autopinCoreBusy(m, busy, cpu);
        if (score < bestScore) {
            best = cpu;
            bestScore = score;
        }
    }
    return best;
}

/* Places the rest of domain @d, or refuses it when too few pCPUs are free. */
static void
autopinDedicatedDomain(autopinModel *m, bool *busy, const bool *kept, size_t d)
{
    size_t first, nv = autopinDomVcpus(m, d, &first), i;
    unsigned int k = 0, nfree = 0, cpu, node;
    unsigned int *chosen;

    for (i = 0; i < nv; i++)
        k += m->vcpus[first + i].online && !kept[first + i];
    for (cpu = 0; cpu < m->ncpus; cpu++)
        nfree += !busy[cpu];
    if (k == 0)
        return;
    if (nfree < k) {
        m->doms[d].refusal = AUTOPIN_REASON_NO_FIT;
        return;
    }
    node = autopinDedicatedNode(m, busy, kept, d, k);
    chosen = xvAllocN(nv, sizeof(*chosen));
    for (i = 0; i < nv; i++) {
        if (!m->vcpus[first + i].online || kept[first + i])
            continue;
        chosen[i] = autopinDedicatedPick(m, busy, node);
        busy[chosen[i]] = true;
    }
    /* the pCPUs are taken either way, so the decision is the same next time */
    if (m->doms[d].measured && autopinDomAffords(m, k)) {
        for (i = 0; i < nv; i++) {
            if (m->vcpus[first + i].online && !kept[first + i])
                autopinSetSingle(m, &m->vcpus[first + i], chosen[i]);
        }
    }
    free(chosen);
}

/*
 * Each online vcpu of the domains of the policy gets a pCPU of its own: not
 * reserved, not in the affinity of a vcpu outside the policy that was
 * pinned (narrower than the host), not given to another vcpu of the policy.
 * A vcpu alone on such a pCPU keeps it (domain, then vcpu order); the
 * others are placed domain by domain, all or nothing: a domain without
 * enough free pCPUs is refused (no_fit), never overcommitted.
 */
static void
autopinDedicated(autopinModel *m)
{
    bool *busy = xvAllocN(m->ncpus, sizeof(*busy));
    bool *kept = xvAllocN(m->nvcpus, sizeof(*kept));
    unsigned int cpu;
    size_t i, d;

    for (cpu = 0; cpu < m->ncpus; cpu++)
        busy[cpu] = !m->allowed[cpu];
    for (i = 0; i < m->nvcpus; i++) {
        const autopinVcpu *u = &m->vcpus[i];
        bool narrowed = false;

        if (!u->map || !u->online || m->doms[u->dom].ours)
            continue;
        for (cpu = 0; cpu < m->ncpus; cpu++)
            narrowed = narrowed || !autopinMapHas(u->map, cpu);
        for (cpu = 0; narrowed && cpu < m->ncpus; cpu++)
            busy[cpu] = busy[cpu] || autopinMapHas(u->map, cpu);
    }
    for (d = 0; d < m->ndoms; d++) {
        size_t first, nv = autopinDomVcpus(m, d, &first), k;

        if (!m->doms[d].ours || m->doms[d].refusal)
            continue;
        for (k = 0; k < nv; k++) {
            autopinVcpu *v = &m->vcpus[first + k];

            if (v->online && v->pos >= 0 && !busy[v->pos]) {
                busy[v->pos] = true;
                kept[first + k] = true;
            }
        }
    }
    for (d = 0; d < m->ndoms; d++) {
        if (m->doms[d].ours && !m->doms[d].refusal)
            autopinDedicatedDomain(m, busy, kept, d);
    }
    free(kept);
    free(busy);
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
};
