/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.c: the agent's clock: real, or stepped by the test control. */
#include "clock.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "util/xvalloc.h"
#include "util/xvclock.h"

struct _xvAgentClock {
    _Atomic uint64_t monoNs;    /* the stepped monotonic time */
    uint64_t startNs;           /* immutable: where it started */
    int64_t realOffsetNs;       /* immutable: real = mono + offset */
};

xvAgentClock *
xvAgentClockNewStepped(uint64_t realStartNs)
{
    xvAgentClock *clock = xvAlloc(sizeof(*clock));

    clock->startNs = xvClockMonoNs();
    if (realStartNs == 0)
        realStartNs = xvClockRealNs();
    clock->realOffsetNs = (int64_t)(realStartNs - clock->startNs);
    atomic_init(&clock->monoNs, clock->startNs);
    return clock;
}

void
xvAgentClockFree(xvAgentClock *clock)
{
    free(clock);
}

uint64_t
xvAgentClockMonoNs(const xvAgentClock *clock)
{
    if (!clock)
        return xvClockMonoNs();
    return atomic_load(&clock->monoNs);
}

uint64_t
xvAgentClockRealNs(const xvAgentClock *clock)
{
    if (!clock)
        return xvClockRealNs();
    return atomic_load(&clock->monoNs) + (uint64_t)clock->realOffsetNs;
}

uint64_t
xvAgentClockStartNs(const xvAgentClock *clock)
{
    return clock->startNs;
}

void
xvAgentClockSetMono(xvAgentClock *clock, uint64_t monoNs)
{
    if (monoNs > atomic_load(&clock->monoNs))
        atomic_store(&clock->monoNs, monoNs);
}
