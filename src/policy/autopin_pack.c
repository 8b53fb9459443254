/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopin_pack.c: the pack strategy: fills the lowest pCPUs up to
 * pack_limit, relieving a pCPU past it and consolidating onto lower ones.
 */
#include "autopinpriv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

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

void
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
