/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clock.h: the agent's clock: the real clocks, or the stepped clock of the
 * test control (XVIRT_TEST_CONTROL, test_control.h).
 *
 * Everything the agent times reads it: the sampler's schedule, a sample's
 * start, duration and timestamp, the snapshot's age, the policies' nowMs
 * (back-offs, min_action_interval, rate limits, the persisted deadlines)
 * and the reload timestamp. (The collectors' own durations measure what a
 * collector cost, and stay on the real monotonic clock.)
 *
 * A NULL clock is the real one: CLOCK_MONOTONIC and CLOCK_REALTIME, at the
 * cost of one pointer test. A stepped clock starts at the real monotonic
 * time and at a given real time, and moves only when told to; its real
 * time is its monotonic time plus a fixed offset, so both move together.
 */
#pragma once

#include <stdint.h>

typedef struct _xvAgentClock xvAgentClock;

/* A stepped clock at the real monotonic time and at @realStartNs since the
 * epoch (0: the real time now). Free with xvAgentClockFree(). */
xvAgentClock *xvAgentClockNewStepped(uint64_t realStartNs);
void xvAgentClockFree(xvAgentClock *clock);

/* Monotonic ns (CLOCK_MONOTONIC's scale) and real ns since the epoch. Any
 * thread; @clock NULL reads the real clocks. */
uint64_t xvAgentClockMonoNs(const xvAgentClock *clock);
uint64_t xvAgentClockRealNs(const xvAgentClock *clock);

/* Stepped: the monotonic time the clock started at. */
uint64_t xvAgentClockStartNs(const xvAgentClock *clock);

/* Stepped: moves the clock to @monoNs, if that is ahead (never back). One
 * thread at a time (the sampler's lock serializes the callers). */
void xvAgentClockSetMono(xvAgentClock *clock, uint64_t monoNs);
