/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* report.c: the policies' metric families, written with the metrics writer (pure). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

/* ---- the families, in the order they are written ---- */

static const xvPromFamily reportFamActions =
    XV_PROM_FAMILY("xvirt_policy_actions_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Actions of the policies and refusals, by policy, action and result.");

static const xvPromFamily reportFamRestartAttempts =
    XV_PROM_FAMILY("xvirt_policy_restart_attempts", XV_PROM_TYPE_GAUGE, NULL,
                   "Restart attempts made on a crashed domain (persisted).");

static const xvPromFamily reportFamRestartBackoff =
    XV_PROM_FAMILY("xvirt_policy_restart_backoff_seconds", XV_PROM_TYPE_GAUGE, "seconds",
                   "Time until the restart policy may try the domain again.");

static const xvPromFamily reportFamRestartGaveUp =
    XV_PROM_FAMILY("xvirt_policy_restart_gave_up", XV_PROM_TYPE_GAUGE, NULL,
                   "1 if the restart policy gave up on the domain (burst limit reached) "
                   "until an operator clears it with SIGHUP.");

static const xvPromFamily reportFamBalloonTarget =
    XV_PROM_FAMILY("xvirt_policy_balloon_target_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Last balloon target a policy set on a running domain (dry_run too).");

static const xvPromFamily reportFamStateSaveErrors =
    XV_PROM_FAMILY("xvirt_policy_state_save_errors_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Saves of the policies' bookkeeping in state_dir that failed.");

/* What a restart family reads. */
typedef enum {
    REPORT_RESTART_ATTEMPTS = 0,
    REPORT_RESTART_BACKOFF,
    REPORT_RESTART_GAVE_UP,
} reportRestartField;

static void
reportRestartFamily(const xvPolicyReport *r, xvPromWriter *w, const xvPromFamily *family,
                    reportRestartField field)
{
    size_t i;

    for (i = 0; i < r->nrestarts; i++) {
        const xvPolicyReportRestart *x = &r->restarts[i];

        xvPromSampleBegin(w, family);
        xvPromSampleLabel(w, "domain", x->domain);
        xvPromSampleLabel(w, "uuid", x->uuidstr);
        switch (field) {
        case REPORT_RESTART_ATTEMPTS:
            xvPromSampleEnd(w, XV_PROM_VALUE_U64, x->total);
            break;
        case REPORT_RESTART_BACKOFF:
            xvPromSampleEnd(w, XV_PROM_VALUE_MS, x->backoffMs);
            break;
        case REPORT_RESTART_GAVE_UP:
        default:
            xvPromSampleEnd(w, XV_PROM_VALUE_U64, x->gaveUp ? 1 : 0);
            break;
        }
    }
}

static int
reportCompareTarget(const void *a, const void *b)
{
    const xvPolicyTarget *x = a, *y = b;
    int c = strcmp(x->policy, y->policy);

    if (c == 0)
        c = strcmp(x->domain, y->domain);
    return c ? c : strcmp(x->uuidstr, y->uuidstr);
}

void
xvPolicyReportAddTargets(xvPolicyReport *r, const xvActuator *a)
{
    const xvPolicyTarget *targets = xvActuatorTargets(a, &r->ntargets);
    size_t i;

    r->targets = xvAllocN(r->ntargets, sizeof(*r->targets));
    for (i = 0; i < r->ntargets; i++) {
        r->targets[i] = targets[i];
        r->targets[i].policy = xvStrdup(targets[i].policy);
        r->targets[i].domain = xvStrdup(targets[i].domain);
    }
    qsort(r->targets, r->ntargets, sizeof(*r->targets), reportCompareTarget);
}

void
xvPolicyReportWrite(const xvPolicyReport *r, xvPromWriter *w)
{
    size_t i;

    for (i = 0; i < r->ncounters; i++) {
        const xvPolicyCounter *c = &r->counters[i];

        xvPromSampleBegin(w, &reportFamActions);
        xvPromSampleLabel(w, "policy", c->policy);
        xvPromSampleLabel(w, "action", xvPolicyActionKindName(c->action));
        xvPromSampleLabel(w, "result", xvPolicyResultName(c->result));
        xvPromSampleEnd(w, XV_PROM_VALUE_U64, c->count);
    }
    reportRestartFamily(r, w, &reportFamRestartAttempts, REPORT_RESTART_ATTEMPTS);
    reportRestartFamily(r, w, &reportFamRestartBackoff, REPORT_RESTART_BACKOFF);
    reportRestartFamily(r, w, &reportFamRestartGaveUp, REPORT_RESTART_GAVE_UP);
    for (i = 0; i < r->ntargets; i++) {
        const xvPolicyTarget *t = &r->targets[i];

        xvPromSampleBegin(w, &reportFamBalloonTarget);
        xvPromSampleLabel(w, "policy", t->policy);
        xvPromSampleLabel(w, "domain", t->domain);
        xvPromSampleLabel(w, "uuid", t->uuidstr);
        xvPromSampleEnd(w, XV_PROM_VALUE_U64, t->targetKiB * 1024);
    }
    if (r->haveState)
        xvPromWriteSample(w, &reportFamStateSaveErrors, XV_PROM_VALUE_U64, r->stateSaveErrors);
}

void
xvPolicyReportRender(const xvPolicyReport *r, xvPromFormat fmt, xvBuf *buf)
{
    xvPromWriter w;

    xvPromWriterInit(&w, buf, fmt);
    xvPolicyReportWrite(r, &w);
}

void
xvPolicyReportFree(xvPolicyReport *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->ncounters; i++)
        free(r->counters[i].policy);
    for (i = 0; i < r->nrestarts; i++)
        free(r->restarts[i].domain);
    for (i = 0; i < r->ntargets; i++) {
        free(r->targets[i].policy);
        free(r->targets[i].domain);
    }
    for (i = 0; i < r->npolicies; i++) {
        free(r->policies[i].name);
        free(r->policies[i].selection);
        xvPolicyRecordClear(&r->policies[i].last);
    }
    free(r->policies);
    xvPolicyRecordsFree(r->recent, r->nrecent);
    free(r->counters);
    free(r->restarts);
    free(r->targets);
    free(r);
}
