/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policytest.h: helpers shared by the policy unit tests. */
#pragma once

/*
 * Loads @yaml as the agent configuration "agent.yaml" (it must load) and
 * parses its policies: NULL if they are accepted, else the formatted error
 * ("agent.yaml:LINE:COL: ...", to free()).
 */
char *xvPolicyTestParseError(const char *yaml);
