/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policytest.c: helpers shared by the policy unit tests. */
#include "policytest.h"

#include <stddef.h>

#include "src/agent/agent_conf.h"
#include "src/policy/engine.h"
#include "xvtest.h"

char *
xvPolicyTestParseError(const char *yaml)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvPolicySet *set = NULL;
    char *msg;

    assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    if (xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs, &set,
                         &err) == 0) {
        xvPolicySetFree(set);
        xvAgentConfFree(conf);
        return NULL;
    }
    msg = xvConfErrorFormat(&err);
    xvConfErrorClear(&err);
    xvAgentConfFree(conf);
    return msg;
}

/* The report of the last run, kept for the test to read. */
static xvPolicyReport *policyTestReport;

const xvPolicyReport *
xvPolicyTestRun(xvPolicyEngine *engine, const xvSnapshot *snap, uint64_t nowMs)
{
    xvPolicyReportFree(policyTestReport);
    policyTestReport = xvPolicyEngineRunAt(engine, NULL, snap, nowMs);
    return policyTestReport;
}

const xvPolicyReport *
xvPolicyTestReport(void)
{
    return policyTestReport;
}

void
xvPolicyTestReportFree(void)
{
    xvPolicyReportFree(policyTestReport);
    policyTestReport = NULL;
}
