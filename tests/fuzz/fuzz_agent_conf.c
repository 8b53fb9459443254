/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_agent_conf.c: the agent's configuration file (src/agent/agent_conf.c)
 * on top of the YAML reader, its policies validated as well.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "fuzz_agent.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *yaml = xvFuzzString(data, size);
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    int rc;

    rc = xvAgentConfLoadString("fuzz.yaml", yaml, &conf, &err);
    xvFuzzCheckAgentConf(rc, conf, &err);
    free(yaml);
    return 0;
}
