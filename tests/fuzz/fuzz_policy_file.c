/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_policy_file.c: a file of the policy directory (policies.d/NAME.yaml,
 * src/agent/agent_conf.c), read the way the agent reads it: an empty main
 * file next to policies.d/ holding the input, then the policies validated.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz_agent.h"
#include "util/xvalloc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *mainPath, *policyPath;
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    int rc;

    if (!mainPath) {
        const char *dir = xvFuzzTempDir();
        char *policies = xvAsprintf("%s/%s", dir, XV_AGENT_DEFAULT_POLICIES_DIR);

        mainPath = xvAsprintf("%s/agent.yaml", dir);
        policyPath = xvAsprintf("%s/50-fuzz.yaml", policies);
        if (mkdir(policies, 0700) < 0 && errno != EEXIST)
            abort();
        free(policies);
        xvFuzzWriteFile(mainPath, (const uint8_t *)"", 0);
    }
    xvFuzzWriteFile(policyPath, data, size);
    rc = xvAgentConfLoadFile(mainPath, &conf, &err);
    xvFuzzCheckAgentConf(rc, conf, &err);
    return 0;
}
