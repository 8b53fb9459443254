/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * whatif.h: xvirt-agent --what-if: the configured policies run against a
 * simulated copy of a host (a test-driver node file, as `xvirsh nodedump`
 * writes one) with time fast-forwarded, and what they did printed as a
 * timeline and a summary.
 *
 * The run is the agent's own sampler and policy engine on a stepped clock
 * (the clock of the end-to-end tests, clock.h), the node's simulated clock
 * stopped and moved with it: nothing sleeps, nothing listens. Time stops at
 * each sample due and at each scripted event of the node, so a lifecycle
 * event asks for a sample at its own time (sampling.events), as on a real
 * clock. The policies keep their bookkeeping in memory (never in the
 * state_dir of a live agent), and dry-run policies act too: the copy is
 * there to be acted on.
 *
 * The test driver's clock and events are not public API: the run looks the
 * hooks up in libxvirt at run time (test/test_driverpriv.h), and an agent
 * built against another libvirt says it cannot do what-if runs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "agent_conf.h"

/* Exit statuses of a what-if run. */
#define XV_WHATIF_EXIT_OK 0         /* every action went through */
#define XV_WHATIF_EXIT_ACTED_BADLY 1  /* a policy gave up or an action failed */
#define XV_WHATIF_EXIT_USAGE 2      /* wrong flags, configuration or events file */
#define XV_WHATIF_EXIT_CANNOT_RUN 3 /* no copy to run on (connect, hooks) */

typedef struct _xvWhatIfOptions xvWhatIfOptions;
struct _xvWhatIfOptions {
    const xvAgentConf *conf;    /* the configuration, flags applied; its uri is the copy */
    uint64_t forMs;             /* how much simulated time to run */
    const char *eventsPath;     /* an events file (<xvirt:events>), or NULL */
    bool json;                  /* --output json */
    /* once the configuration is read, the simulated run's own log lines
     * (its actions; a give-up at error level too) are dropped: the
     * timeline says it all (no --log.level given) */
    bool quiet;
};

/*
 * Runs the what-if and prints its timeline and summary to @out (text, or
 * one JSON document). What goes wrong is said on stderr. Returns one of
 * the XV_WHATIF_EXIT_ statuses.
 */
int xvWhatIfRun(const xvWhatIfOptions *opts, FILE *out);
