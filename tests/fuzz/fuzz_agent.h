/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_agent.h: what the agent configuration harnesses share. */
#pragma once

#include "src/agent/agent_conf.h"

/*
 * After a load that returned @rc: validates the policies of @conf as
 * --check-config and a reload do (each type's schema, the overlap check),
 * and aborts if a refusal (of the load or of the policies) came without a
 * message. Frees @conf and clears @err.
 */
void xvFuzzCheckAgentConf(int rc, xvAgentConf *conf, xvConfError *err);
