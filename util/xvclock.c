/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvclock.c: monotonic and real time as integer nanoseconds or milliseconds. */
#include "util/xvclock.h"

#include <time.h>

static uint64_t
clockNs(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * XV_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t
xvClockMonoNs(void)
{
    return clockNs(CLOCK_MONOTONIC);
}

uint64_t
xvClockMonoMs(void)
{
    return clockNs(CLOCK_MONOTONIC) / XV_NS_PER_MS;
}

struct timespec
xvClockTimespec(uint64_t ns)
{
    return (struct timespec){ (time_t)(ns / XV_NS_PER_SEC), (long)(ns % XV_NS_PER_SEC) };
}

uint64_t
xvClockRealNs(void)
{
    return clockNs(CLOCK_REALTIME);
}

uint64_t
xvClockRealMs(void)
{
    return clockNs(CLOCK_REALTIME) / XV_NS_PER_MS;
}

uint64_t
xvClockProcessCpuNs(void)
{
    return clockNs(CLOCK_PROCESS_CPUTIME_ID);
}
