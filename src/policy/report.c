/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* report.c: renders the policies' metrics (a pure function of the report). */
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

static void
reportPuts(xvPromBuf *buf, const char *s)
{
    size_t n = strlen(s);

    xvPromBufReserve(buf, n);
    memcpy(buf->data + buf->len, s, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
}

static void
reportPrintf(xvPromBuf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
reportPrintf(xvPromBuf *buf, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    reportPuts(buf, tmp);
}

/* HELP and TYPE of a family; @name is the sample name (with _total for a counter). */
static void
reportHeader(xvPromBuf *buf, xvPromFormat fmt, const char *name, const char *type,
             const char *help)
{
    size_t len = strlen(name);

    if (fmt == XV_PROM_FORMAT_OPENMETRICS && strcmp(type, "counter") == 0)
        len -= strlen("_total");
    reportPrintf(buf, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)len, name, help,
                 (int)len, name, type);
}

static void
reportLabel(xvPromBuf *buf, const char *name, const char *value, bool comma)
{
    reportPrintf(buf, "%s%s=\"", comma ? "," : "", name);
    xvPromPutLabelValue(buf, value, strlen(value));
    reportPuts(buf, "\"");
}

static void
reportRestartFamily(const xvPolicyReport *r, xvPromFormat fmt, xvPromBuf *buf,
                    const char *name, const char *help, int which)
{
    size_t i;

    if (r->nrestarts == 0)
        return;
    reportHeader(buf, fmt, name, "gauge", help);
    for (i = 0; i < r->nrestarts; i++) {
        const xvPolicyReportRestart *x = &r->restarts[i];

        reportPrintf(buf, "%s{", name);
        reportLabel(buf, "domain", x->domain, false);
        reportLabel(buf, "uuid", x->uuidstr, true);
        if (which == 0)
            reportPrintf(buf, "} %" PRIu64 "\n", x->total);
        else if (which == 1)
            reportPrintf(buf, "} %" PRIu64 ".%03u\n", x->backoffMs / 1000,
                         (unsigned int)(x->backoffMs % 1000));
        else
            reportPrintf(buf, "} %d\n", x->gaveUp ? 1 : 0);
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

static void
reportTargetFamily(const xvPolicyReport *r, xvPromFormat fmt, xvPromBuf *buf)
{
    size_t i;

    if (r->ntargets == 0)
        return;
    reportHeader(buf, fmt, "xvirt_policy_balloon_target_bytes", "gauge",
                 "Last balloon target a policy set on a running domain (dry_run too).");
    for (i = 0; i < r->ntargets; i++) {
        const xvPolicyTarget *t = &r->targets[i];

        reportPuts(buf, "xvirt_policy_balloon_target_bytes{");
        reportLabel(buf, "policy", t->policy, false);
        reportLabel(buf, "domain", t->domain, true);
        reportLabel(buf, "uuid", t->uuidstr, true);
        reportPrintf(buf, "} %" PRIu64 "\n", t->targetKiB * 1024);
    }
}

void
xvPolicyReportRender(const xvPolicyReport *r, xvPromFormat fmt, xvPromBuf *buf)
{
    size_t i;

    if (r->ncounters) {
        reportHeader(buf, fmt, "xvirt_policy_actions_total", "counter",
                     "Actions of the policies and refusals, by policy, action and result.");
        for (i = 0; i < r->ncounters; i++) {
            const xvPolicyCounter *c = &r->counters[i];

            reportPuts(buf, "xvirt_policy_actions_total{");
            reportLabel(buf, "policy", c->policy, false);
            reportLabel(buf, "action", xvPolicyActionKindName(c->action), true);
            reportLabel(buf, "result", xvPolicyResultName(c->result), true);
            reportPrintf(buf, "} %" PRIu64 "\n", c->count);
        }
    }
    reportRestartFamily(r, fmt, buf, "xvirt_policy_restart_attempts",
                        "Restart attempts made on a crashed domain (persisted).", 0);
    reportRestartFamily(r, fmt, buf, "xvirt_policy_restart_backoff_seconds",
                        "Time until the restart policy may try the domain again.", 1);
    reportRestartFamily(r, fmt, buf, "xvirt_policy_restart_gave_up",
                        "1 if the restart policy gave up on the domain (burst limit "
                        "reached) until an operator clears it with SIGHUP.", 2);
    reportTargetFamily(r, fmt, buf);
    if (r->haveState) {
        reportHeader(buf, fmt, "xvirt_policy_state_save_errors_total", "counter",
                     "Saves of the policies' bookkeeping in state_dir that failed.");
        reportPrintf(buf, "xvirt_policy_state_save_errors_total %" PRIu64 "\n",
                     r->stateSaveErrors);
    }
}

void
xvPolicyReportFree(void *opaque)
{
    xvPolicyReport *r = opaque;
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
    free(r->counters);
    free(r->restarts);
    free(r->targets);
    free(r);
}
