/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * restart.c: the restart policy: a domain found crashed is destroyed and
 * started again, with exponential back-off between attempts and a burst
 * limit (like systemd's StartLimitBurst/StartLimitIntervalSec) after which
 * it gives up on the domain until an operator clears it. Only the CRASHED
 * state triggers it: a domain shut off, destroyed or gone is never touched.
 */
#include "restart.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/conf/conf_value.h"
#include "state.h"
#include "util/xvalloc.h"

static const char *const restartKeys[] = {
    "backoff", "backoff_max", "burst", "burst_interval", NULL,
};

static int
restartDuration(const xvConfNode *entry, const char *file, const char *key, uint64_t minMs,
                uint64_t maxMs, uint64_t *ms, xvConfError *err)
{
    const xvConfNode *node = xvConfNodeFind(entry, key);

    if (!node || xvConfNodeIsNull(node))
        return 0;
    return xvConfNodeGetDuration(node, file, minMs, maxMs, ms, err);
}

static int
restartParse(const xvConfNode *entry, const char *file, void **retConfig, xvConfError *err)
{
    xvRestartConfig cfg = {
        .backoffMs = XV_RESTART_DEFAULT_BACKOFF_MS,
        .backoffMaxMs = XV_RESTART_DEFAULT_BACKOFF_MAX_MS,
        .burst = XV_RESTART_DEFAULT_BURST,
        .burstIntervalMs = XV_RESTART_DEFAULT_BURST_INTERVAL_MS,
    };
    const xvConfNode *node;
    xvRestartConfig *ret;
    long long burst;
    int rc;

    if ((rc = restartDuration(entry, file, "backoff", 1, XV_RESTART_MAX_DURATION_MS,
                              &cfg.backoffMs, err)) < 0 ||
        (rc = restartDuration(entry, file, "backoff_max", 1, XV_RESTART_MAX_DURATION_MS,
                              &cfg.backoffMaxMs, err)) < 0 ||
        (rc = restartDuration(entry, file, "burst_interval", 1, XV_RESTART_MAX_DURATION_MS,
                              &cfg.burstIntervalMs, err)) < 0)
        return rc;
    if ((node = xvConfNodeFind(entry, "burst")) && !xvConfNodeIsNull(node)) {
        if ((rc = xvConfNodeGetInt(node, file, 1, XV_POLICY_MAX_BURST, &burst, err)) < 0)
            return rc;
        cfg.burst = (unsigned int)burst;
    }
    if (cfg.backoffMaxMs < cfg.backoffMs) {
        char a[32], b[32];

        node = xvConfNodeFind(entry, "backoff_max");
        if (!node)
            node = xvConfNodeFind(entry, "backoff");
        xvConfFormatDuration(cfg.backoffMaxMs, a, sizeof(a));
        xvConfFormatDuration(cfg.backoffMs, b, sizeof(b));
        return xvConfErrorSetAt(err, file, node->line, node->column,
                                "backoff_max %s is below backoff %s", a, b);
    }
    ret = xvAlloc(sizeof(*ret));
    *ret = cfg;
    *retConfig = ret;
    return 0;
}

uint64_t
xvRestartBackoffMs(const xvRestartConfig *cfg, size_t attempts)
{
    uint64_t ms = cfg->backoffMs;
    size_t i;

    for (i = 1; i < attempts && ms < cfg->backoffMaxMs; i++)
        ms *= 2;
    return ms < cfg->backoffMaxMs ? ms : cfg->backoffMaxMs;
}

static bool
restartIsRunning(unsigned char state)
{
    return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED;
}

static void
restartDecideDomain(const xvSnapDomain *dom, const xvPolicyState *state,
                    const xvRestartConfig *cfg, uint64_t nowMs, xvPolicyActionList *out)
{
    const xvRestartEntry *e = xvPolicyStateFind(state, dom->uuid);
    xvPolicyAction act = {
        .domain = dom->name,
        .id = dom->id,
        .state = dom->state,
        .vcpu = -1,
    };
    size_t recent;

    memcpy(act.uuid, dom->uuid, 16);
    memcpy(act.uuidstr, dom->uuidstr, sizeof(act.uuidstr));
    if (restartIsRunning(dom->state)) {
        /* keep its configuration, once per boot (a new ID is a new boot);
         * not while paused: a domain being built (`xl create` builds it
         * paused) has no full configuration to read yet */
        if (!e || !e->xml || e->xmlId != dom->id) {
            act.kind = XV_POLICY_ACTION_CAPTURE;
            act.reason = "running";
            xvPolicyActionListAdd(out, &act);
        }
        return;
    }
    if (dom->state != VIR_DOMAIN_CRASHED)
        return;
    if (e && (e->gaveUp || nowMs < e->retryAtMs))
        return;
    act.kind = XV_POLICY_ACTION_RESTART;
    act.reason = "crashed";
    recent = e ? xvRestartEntryAttemptsSince(e, nowMs > cfg->burstIntervalMs ?
                                             nowMs - cfg->burstIntervalMs : 0) : 0;
    if (recent >= cfg->burst)
        act.giveUp = true;
    else
        act.retryAtMs = nowMs + xvRestartBackoffMs(cfg, recent + 1);
    xvPolicyActionListAdd(out, &act);
}

static void
restartDecide(const xvPolicyInput *in, const xvPolicyCommon *common, const void *config,
              xvPolicyActionList *out)
{
    const xvSnapshot *snap = in->snap;
    size_t i;

    for (i = 0; i < snap->ndomains; i++) {
        if (xvPolicyDomainsMatch(&common->domains, &snap->domains[i]))
            restartDecideDomain(&snap->domains[i], in->state, config, in->nowMs, out);
    }
}

const xvPolicyType xvPolicyRestart = {
    .name = "restart",
    .keys = restartKeys,
    .parse = restartParse,
    .decide = restartDecide,
    .free = free,
    .action = XV_POLICY_ACTION_RESTART,
    .givesUp = true,
};
