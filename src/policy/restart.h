/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* restart.h: the restart policy's configuration (exposed for the unit tests). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define XV_RESTART_DEFAULT_BACKOFF_MS 5000                  /* backoff: 5s */
#define XV_RESTART_DEFAULT_BACKOFF_MAX_MS (5 * 60 * 1000)   /* backoff_max: 5m */
#define XV_RESTART_DEFAULT_BURST 5                          /* burst: 5 */
#define XV_RESTART_DEFAULT_BURST_INTERVAL_MS (10 * 60 * 1000)  /* burst_interval: 10m */
#define XV_RESTART_MAX_DURATION_MS (7ULL * 24 * 60 * 60 * 1000)  /* 1 week */

typedef struct _xvRestartConfig xvRestartConfig;
struct _xvRestartConfig {
    uint64_t backoffMs;         /* wait after the first attempt, doubled after each */
    uint64_t backoffMaxMs;      /* the longest wait */
    unsigned int burst;         /* attempts allowed within burstIntervalMs... */
    uint64_t burstIntervalMs;   /* ...before the policy gives up on the domain */
};

/*
 * The wait after the @attempts-th attempt within the burst window (1: the
 * first): backoff * 2^(attempts-1), at most backoff_max.
 */
uint64_t xvRestartBackoffMs(const xvRestartConfig *cfg, size_t attempts);
