/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvclock.h: the clocks, as integers. Monotonic time measures intervals
 * (it never jumps, and does not count while the machine is suspended);
 * real time (CLOCK_REALTIME) is what timestamps are made of.
 */
#pragma once

#include <stdint.h>
#include <time.h>

#define XV_NS_PER_SEC UINT64_C(1000000000)
#define XV_NS_PER_MS UINT64_C(1000000)

/* CLOCK_MONOTONIC, in nanoseconds. */
uint64_t xvClockMonoNs(void);
/* CLOCK_MONOTONIC, in milliseconds. */
uint64_t xvClockMonoMs(void);
/* CLOCK_REALTIME, in nanoseconds since the epoch. */
uint64_t xvClockRealNs(void);
/* CLOCK_REALTIME, in milliseconds since the epoch. */
uint64_t xvClockRealMs(void);
/* @ns (e.g. a deadline on one of the clocks above) as a struct timespec,
 * for pthread_cond_timedwait() and the like. */
struct timespec xvClockTimespec(uint64_t ns);
/* CPU time used by the process (CLOCK_PROCESS_CPUTIME_ID), in nanoseconds:
 * for benchmarks. */
uint64_t xvClockProcessCpuNs(void);
