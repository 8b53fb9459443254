/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopin_dedicated.c: the dedicated strategy: each vcpu of the policy a
 * pCPU of its own, a domain placed all or nothing.
 */
#include "autopinpriv.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

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
void
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
