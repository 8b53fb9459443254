/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.c: the agent's clock: real, or stepped by the test control. */
#include "clock.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct _xvAgentClock {
    _Atomic uint64_t monoNs;    /* the stepped monotonic time */
    uint64_t startNs;           /* immutable: where it started */
    int64_t realOffsetNs;       /* immutable: real = mono + offset */
};

static uint64_t
clockRead(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

xvAgentClock *
xvAgentClockNewStepped(uint64_t realStartNs)
{
    xvAgentClock *clock = calloc(1, sizeof(*clock));

    if (!clock)
        abort();
    clock->startNs = clockRead(CLOCK_MONOTONIC);
    if (realStartNs == 0)
        realStartNs = clockRead(CLOCK_REALTIME);
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
        return clockRead(CLOCK_MONOTONIC);
    return atomic_load(&clock->monoNs);
}

uint64_t
xvAgentClockRealNs(const xvAgentClock *clock)
{
    if (!clock)
        return clockRead(CLOCK_REALTIME);
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
