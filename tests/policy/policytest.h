/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policytest.h: helpers shared by the policy unit tests. */
#pragma once

#include <stdint.h>

#include "src/policy/engine.h"

/*
 * Loads @yaml as the agent configuration "agent.yaml" (it must load) and
 * parses its policies: NULL if they are accepted, else the formatted error
 * ("agent.yaml:LINE:COL: ...", to free()).
 */
char *xvPolicyTestParseError(const char *yaml);

/*
 * Runs @engine on @snap at @nowMs without a connection, as the sampler
 * does, and keeps the report it returns (what the agent publishes beside
 * @snap) as xvPolicyTestReport(), freeing the one kept before. Returns it.
 */
const xvPolicyReport *xvPolicyTestRun(xvPolicyEngine *engine, const xvSnapshot *snap,
                                      uint64_t nowMs);
/* The report of the last xvPolicyTestRun(); NULL if that run made none. */
const xvPolicyReport *xvPolicyTestReport(void);
/* Frees the report kept (once a test is done with its engine). */
void xvPolicyTestReportFree(void);
