/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_agent.c: the check of fuzz_agent.h. */
#include "fuzz_agent.h"

#include <stdio.h>
#include <stdlib.h>

#include "src/policy/engine.h"

void
xvFuzzCheckAgentConf(int rc, xvAgentConf *conf, xvConfError *err)
{
    if (rc == 0 && xvPolicyEngineValidate(conf->policies, conf->npolicies, err) == 0) {
        xvAgentConfFree(conf);
        return;
    }
    if (!err->message || !*err->message) {
        fprintf(stderr, "refused (%d) without a message\n", rc);
        abort();
    }
    xvAgentConfFree(conf);
    xvConfErrorClear(err);
}
