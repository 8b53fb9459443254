/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agent.h: the agent's context: one libevent loop (signals, reloads, HTTP)
 * and the sampler thread, joined by the newest published snapshot.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "agent_conf.h"
#include "src/policy/engine.h"

typedef struct _xvAgent xvAgent;

/*
 * The command line. What it sets overrides the file's values, at the start
 * and again on every reload (xvAgentApplyFlags()).
 */
typedef struct _xvAgentOptions xvAgentOptions;
struct _xvAgentOptions {
    const char *configPath;     /* NULL: built-in defaults */
    const char *connectURI;     /* --connect: overrides connection.uri */
    /* --web.listen-address (--listen), in the order given: the agent
     * listens on each; none: listen.address/port of the file */
    const char **listen;
    size_t nlisten;
    const char *webConfigFile;  /* --web.config.file: listen.web_config_file */
    const char *telemetryPath;  /* --web.telemetry-path: listen.telemetry_path */
    /* --collector.NAME 1, --no-collector.NAME 0, not given -1; indexed as
     * the registry xvCollectors: sampling.collectors.NAME */
    signed char collector[XV_COLLECTORS_MAX];
    int logLevel;               /* --log.level: logging.level; 0: not given */
    int logFormat;              /* --log.format: logging.format; -1: not given */
    /* --what-if: run the policies on a simulated copy (whatif.h) instead */
    bool whatIf;
    uint64_t whatIfForMs;       /* --for; 0: not given */
    const char *whatIfEvents;   /* --events */
    int whatIfJSON;             /* --output: 1 json, 0 text, -1 not given */
    /* XVIRT_TEST_CONTROL: the test control's socket (NULL: real clocks) */
    const char *testControl;
    uint64_t testClockStartMs;  /* XVIRT_TEST_CLOCK_START; 0: real time */
};

/* Options that set nothing: every override "not given". */
void xvAgentOptionsInit(xvAgentOptions *opts);

/*
 * Applies the overrides of @opts to @conf (a file's values or the
 * defaults). Returns 0, or -1 with *errmsg (to free()) saying which flag
 * is wrong.
 */
int xvAgentApplyFlags(const xvAgentOptions *opts, xvAgentConf *conf, char **errmsg);

/* Loads the configuration the options name (built-in defaults without
 * one) and applies their overrides. Returns 0, or -1 after logging why. */
int xvAgentLoadConf(const xvAgentOptions *opts, xvAgentConf **ret);

/* Parses the policies of @conf. Returns 0, or -1 after logging why
 * (file:line:col). */
int xvAgentParsePolicies(const xvAgentConf *conf, xvPolicySet **ret);

/* Which collectors of the registry @conf enables (an array of
 * XV_COLLECTORS_MAX, indexed as xvCollectors). */
void xvAgentCollectorsEnabled(const xvAgentConf *conf, bool *enabled);

/*
 * Loads the configuration, binds the HTTP port and starts sampling. On
 * failure logs why and returns NULL.
 */
xvAgent *xvAgentNew(const xvAgentOptions *opts);

/* Runs until SIGTERM/SIGINT; returns the process exit status. */
int xvAgentRun(xvAgent *agent);

void xvAgentFree(xvAgent *agent);
