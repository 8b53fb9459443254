/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopin_model.c: the autopin policy's model of the host: where each pCPU
 * sits (topology), the load of each vcpu between two snapshots, and the
 * loads and affinities a strategy changes (autopinpriv.h).
 */
#include "autopinpriv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

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

static bool
autopinIsActive(unsigned char state)
{
    return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED ||
           state == VIR_DOMAIN_PAUSED;
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

int
autopinPosOf(const autopinModel *m, const unsigned char *map)
{
    int cpu = autopinMapSingle(m, map);

    return cpu >= 0 && (unsigned int)cpu < m->ncpus && m->allowed[cpu] ? cpu : -1;
}

/* Adds (@sign 1) or removes (-1) @v's load: an equal share on each pCPU of its set. */
void
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
bool
autopinAffords(const autopinModel *m, uint64_t n)
{
    return m->taken + n <= m->budget;
}

/* Gives @v the set @set (maplen bytes). */
void
autopinSetTo(autopinModel *m, autopinVcpu *v, const unsigned char *set)
{
    autopinContribute(m, v, -1);
    memcpy(v->set, set, m->maplen);
    v->pos = autopinPosOf(m, v->set);
    autopinContribute(m, v, 1);
    autopinTouch(m, v);
}

/* Pins @v to @cpu alone. */
void
autopinSetSingle(autopinModel *m, autopinVcpu *v, unsigned int cpu)
{
    unsigned char *set = xvAllocN(m->maplen, 1);

    set[cpu / 8] = (unsigned char)(1u << (cpu % 8));
    autopinSetTo(m, v, set);
    free(set);
}

void
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
bool
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
size_t
autopinDomVcpus(const autopinModel *m, size_t d, size_t *first)
{
    const xvSnapDomain *dom = m->doms[d].dom;

    *first = dom->firstVcpu;
    return dom->vcpusOk ? dom->nvcpus : 0;
}

/* @a before @b: domain name (snapshot order), then vcpu number. */
bool
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
autopinVcpu **
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
unsigned int *
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
bool
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

/* A domain's changes go together: it may change if nothing changed yet (so
 * a domain larger than the cap still moves; the actuator refuses the rest)
 * or if they all fit in the cap. */
bool
autopinDomAffords(const autopinModel *m, unsigned int changes)
{
    return changes == 0 || m->taken == 0 || autopinAffords(m, changes);
}
