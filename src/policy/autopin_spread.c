/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopin_spread.c: the spread strategy: balances the load, moving (or
 * swapping) one vcpu at a time off the busiest pCPU while that lowers it by
 * more than the hysteresis, and keeps a domain's vcpus on different cores.
 * Its step search and placement of unpinned vcpus also serve pack.
 */
#include "autopinpriv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

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

        /* a step lowers @s by at most v's load (a swap by less): a vcpu
         * no heavier than the hysteresis has none worth making, and in a
         * balanced model that is most of them (the search is vcpus x
         * vcpus otherwise, at every sample) */
        if (v->load <= m->hysteresis)
            continue;
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

            /* (the swap leaves w's pCPU at least as loaded as it is now) */
            if (delta <= m->hysteresis || w->pos < 0 ||
                m->load[w->pos] >= m->load[s] - m->hysteresis || !w->movable ||
                (unsigned int)w->pos == s || !autopinAffords(m, (uint64_t)!v->touched + !w->touched))
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
bool
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

void
autopinApplyStep(autopinModel *m, const autopinStep *st)
{
    autopinSetSingle(m, st->v, st->to);
    if (st->w)
        autopinSetSingle(m, st->w, st->from);
}

/* The least load a step can leave on its target: the lowest of the
 * allowed pCPUs (a move's) and of those holding a movable vcpu (a swap's). */
static int64_t
autopinLowestTarget(const autopinModel *m)
{
    int64_t low = INT64_MAX;
    unsigned int cpu;
    size_t j;

    for (cpu = 0; cpu < m->ncpus; cpu++) {
        if (m->allowed[cpu] && m->load[cpu] < low)
            low = m->load[cpu];
    }
    for (j = 0; j < m->nvcpus; j++) {
        const autopinVcpu *w = &m->vcpus[j];

        if (w->movable && w->pos >= 0 && m->load[w->pos] < low)
            low = m->load[w->pos];
    }
    return low;
}

/* One step off the busiest pCPU that has one worth making. */
static bool
autopinSpreadStep(autopinModel *m)
{
    unsigned int n, i;
    unsigned int *order = autopinCpusByLoad(m, &n);
    int64_t low = autopinLowestTarget(m);
    autopinStep st;
    bool done = false;

    for (i = 0; i < n && !done; i++) {
        /* a step leaves its target above @low, so it lowers pCPU s by less
         * than load[s] - low: once that is within the hysteresis, no pCPU
         * from here on (less loaded) has a step worth making. In a
         * balanced host that is at once, instead of vcpus x vcpus pairs
         * per pCPU at every sample. */
        if (m->load[order[i]] - low <= m->hysteresis)
            break;
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
int
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
void
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

void
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
