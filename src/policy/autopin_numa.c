/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopin_numa.c: the numa strategy: each domain inside one NUMA node (its
 * vcpus allowed on that node's pCPUs), the nodes balanced by their load per
 * allowed pCPU.
 */
#include "autopinpriv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

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

void
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

void
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

void
autopinNuma(autopinModel *m)
{
    autopinNodes nodes;

    autopinNodesInit(m, &nodes);
    autopinNumaHome(m, &nodes);
    autopinNumaRebalance(m, &nodes);
    autopinNodesFree(m, &nodes);
}
