/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agent.h: the agent's context: one libevent loop (signals, reloads, HTTP)
 * and the sampler thread, joined by the newest published snapshot.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "agent_conf.h"

typedef struct _xvAgent xvAgent;

typedef struct _xvAgentOptions xvAgentOptions;
struct _xvAgentOptions {
    const char *configPath;     /* NULL: built-in defaults */
    const char *connectURI;     /* --connect: overrides connection.uri */
    const char *listen;         /* --listen: overrides listen.address/port */
    /* XVIRT_TEST_CONTROL: the test control's socket (NULL: real clocks) */
    const char *testControl;
    uint64_t testClockStartMs;  /* XVIRT_TEST_CLOCK_START; 0: real time */
};

/*
 * Loads the configuration, binds the HTTP port and starts sampling. On
 * failure logs why and returns NULL.
 */
xvAgent *xvAgentNew(const xvAgentOptions *opts);

/* Runs until SIGTERM/SIGINT; returns the process exit status. */
int xvAgentRun(xvAgent *agent);

void xvAgentFree(xvAgent *agent);
