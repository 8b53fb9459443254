/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * report.h: the policies' metrics of one snapshot, built by the engine in
 * the sampler thread, published beside the snapshot (never changed
 * afterwards) and rendered, purely, after the snapshot's own families. The
 * families are declared here and written with the metrics writer
 * (exporters/prom_writer.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actuator.h"
#include "history.h"
#include "exporters/prom_writer.h"

typedef struct _xvPolicyReportRestart xvPolicyReportRestart;
struct _xvPolicyReportRestart {
    char *domain;
    char uuidstr[37];
    uint64_t total;             /* restart attempts */
    uint64_t backoffMs;         /* until the next attempt is allowed; 0: now */
    bool gaveUp;
};

/* A policy in force when the report was made (landing page). */
typedef struct _xvPolicyReportPolicy xvPolicyReportPolicy;
struct _xvPolicyReportPolicy {
    char *name;
    const char *type;           /* static: the type's name */
    char *selection;            /* its `domains:` in words ("all domains", "names: web*; ...") */
    bool enabled;
    bool dryRun;
    bool haveLast;              /* it acted (or was refused) since the agent started */
    xvPolicyRecord last;        /* its last outcome, when haveLast */
};

typedef struct _xvPolicyReport xvPolicyReport;
struct _xvPolicyReport {
    xvPolicyCounter *counters;  /* xvirt_policy_actions_total */
    size_t ncounters;
    xvPolicyReportRestart *restarts;   /* sorted by domain name, then uuid */
    size_t nrestarts;
    xvPolicyTarget *targets;    /* balloon targets, sorted by policy, domain, uuid */
    size_t ntargets;
    bool haveState;             /* the bookkeeping is loaded: the next field counts */
    uint64_t stateSaveErrors;   /* xvirt_policy_state_save_errors_total */
    /* for the landing page, not the metrics: */
    xvPolicyReportPolicy *policies;     /* configuration order */
    size_t npolicies;
    xvPolicyRecord *recent;     /* the last outcomes, newest first (history.h) */
    size_t nrecent;
};

/* Copies the actuator's balloon targets into @report, sorted. */
void xvPolicyReportAddTargets(xvPolicyReport *report, const xvActuator *a);

/*
 * Writes the families xvirt_policy_actions_total,
 * xvirt_policy_restart_attempts, xvirt_policy_restart_backoff_seconds,
 * xvirt_policy_restart_gave_up, xvirt_policy_balloon_target_bytes and
 * xvirt_policy_state_save_errors_total (with haveState) through @w (HELP,
 * TYPE and, in OpenMetrics, UNIT each; a family without samples is left
 * out). Pure.
 */
void xvPolicyReportWrite(const xvPolicyReport *report, xvPromWriter *w);
/* The same, appended to @buf in @fmt. */
void xvPolicyReportRender(const xvPolicyReport *report, xvPromFormat fmt, xvBuf *buf);
/* Frees a report; NULL is fine. */
void xvPolicyReportFree(xvPolicyReport *report);
