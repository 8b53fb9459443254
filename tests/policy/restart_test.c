/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* restart_test.c: the restart policy's decisions, parsing and engine runs on hand-built snapshots. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policytest.h"
#include "src/agent/agent_conf.h"
#include "src/policy/engine.h"
#include "src/policy/policy.h"
#include "src/policy/report.h"
#include "src/policy/restart.h"
#include "src/policy/state.h"
#include "src/snapshot/snapshot.h"
#include "util/xvmacros.h"
#include "xvtest.h"

#define NOW UINT64_C(1800000000000)     /* a fixed realtime clock, in ms */

static const xvRestartConfig defaultCfg = {
    .backoffMs = 5000,
    .backoffMaxMs = 60000,
    .burst = 3,
    .burstIntervalMs = 600000,
};

static void
addDomain(xvSnapshot *snap, const char *name, unsigned char last, int id, unsigned char state)
{
    xvSnapDomain *d = xvSnapshotAddDomain(snap);

    d->name = strdup(name);
    d->id = id;
    d->state = state;
    d->uuid[0] = 0xab;
    d->uuid[15] = last;
    snprintf(d->uuidstr, sizeof(d->uuidstr), "ab000000-0000-0000-0000-0000000000%02x", last);
}

/* One domain "web01" (uuid ...01) in @state, id 7 unless shut off. */
static xvSnapshot *
oneDomain(unsigned char state)
{
    xvSnapshot *snap = xvSnapshotNew();

    snap->connected = true;
    addDomain(snap, "web01", 1, state == VIR_DOMAIN_SHUTOFF ? -1 : 7, state);
    xvSnapshotFinish(snap);
    return snap;
}

static void
decide(const xvSnapshot *snap, const xvPolicyState *st, const xvPolicyCommon *common,
       const xvRestartConfig *cfg, uint64_t now, xvPolicyActionList *out)
{
    static const xvPolicyCommon all = { .enabled = true };
    xvPolicyInput in = { .snap = snap, .state = st, .nowMs = now };

    xvPolicyRestart.decide(&in, common ? common : &all, cfg ? cfg : &defaultCfg, out);
}

static xvRestartEntry *
entryOf(xvPolicyState *st, const xvSnapshot *snap)
{
    return xvPolicyStateGet(st, snap->domains[0].uuid, snap->domains[0].name);
}

static void
test_crashed_domain_gets_a_restart_action(void **state)
{
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyActionList out = { 0 };

    (void)state;
    decide(snap, NULL, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.actions[0].kind, XV_POLICY_ACTION_RESTART);
    assert_false(out.actions[0].giveUp);
    assert_string_equal(out.actions[0].domain, "web01");
    assert_string_equal(out.actions[0].reason, "crashed");
    assert_int_equal(out.actions[0].id, 7);
    assert_int_equal(out.actions[0].retryAtMs, NOW + 5000);
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_running_domain_is_captured_once_per_boot(void **state)
{
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_RUNNING);
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvPolicyActionList out = { 0 };
    xvRestartEntry *e;

    (void)state;
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.actions[0].kind, XV_POLICY_ACTION_CAPTURE);
    xvPolicyActionListClear(&out);

    e = entryOf(st, snap);
    e->xml = strdup("<domain/>");
    e->xmlId = 7;
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 0);

    e->xmlId = 6;       /* captured in an earlier boot */
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.actions[0].kind, XV_POLICY_ACTION_CAPTURE);
    xvPolicyActionListClear(&out);
    xvPolicyStateFree(st);
    xvSnapshotUnref(snap);
}

static void
test_paused_domain_is_not_captured_until_it_runs(void **state)
{
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_PAUSED);
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvPolicyActionList out = { 0 };

    (void)state;
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 0);
    xvSnapshotUnref(snap);
    snap = oneDomain(VIR_DOMAIN_BLOCKED);
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.actions[0].kind, XV_POLICY_ACTION_CAPTURE);
    xvPolicyActionListClear(&out);
    xvPolicyStateFree(st);
    xvSnapshotUnref(snap);
}

static void
test_backoff_is_respected(void **state)
{
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvPolicyActionList out = { 0 };
    xvRestartEntry *e = entryOf(st, snap);

    (void)state;
    xvRestartEntryAddAttempt(e, NOW - 1000);
    e->retryAtMs = NOW + 4000;
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 0);
    decide(snap, st, NULL, NULL, NOW + 3999, &out);
    assert_int_equal(out.n, 0);
    decide(snap, st, NULL, NULL, NOW + 4000, &out);
    assert_int_equal(out.n, 1);
    /* the second attempt in the window doubles the wait */
    assert_int_equal(out.actions[0].retryAtMs, NOW + 4000 + 10000);
    xvPolicyActionListClear(&out);
    xvPolicyStateFree(st);
    xvSnapshotUnref(snap);
}

static void
test_backoff_doubles_up_to_the_max(void **state)
{
    (void)state;
    assert_int_equal(xvRestartBackoffMs(&defaultCfg, 1), 5000);
    assert_int_equal(xvRestartBackoffMs(&defaultCfg, 2), 10000);
    assert_int_equal(xvRestartBackoffMs(&defaultCfg, 3), 20000);
    assert_int_equal(xvRestartBackoffMs(&defaultCfg, 4), 40000);
    assert_int_equal(xvRestartBackoffMs(&defaultCfg, 5), 60000);
    assert_int_equal(xvRestartBackoffMs(&defaultCfg, 100), 60000);
}

static void
test_spent_burst_gives_up(void **state)
{
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvPolicyActionList out = { 0 };
    xvRestartEntry *e = entryOf(st, snap);

    (void)state;
    xvRestartEntryAddAttempt(e, NOW - 300000);
    xvRestartEntryAddAttempt(e, NOW - 200000);
    xvRestartEntryAddAttempt(e, NOW - 100000);
    decide(snap, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.actions[0].kind, XV_POLICY_ACTION_RESTART);
    assert_true(out.actions[0].giveUp);
    xvPolicyActionListClear(&out);

    /* the oldest attempt leaves the 10 min window: one more is allowed */
    decide(snap, st, NULL, NULL, NOW + 300001, &out);
    assert_int_equal(out.n, 1);
    assert_false(out.actions[0].giveUp);
    xvPolicyActionListClear(&out);

    e->gaveUp = true;
    decide(snap, st, NULL, NULL, NOW + 300001, &out);
    assert_int_equal(out.n, 0);
    xvPolicyStateFree(st);
    xvSnapshotUnref(snap);
}

static void
test_domain_shut_off_or_shutting_down_is_never_restarted(void **state)
{
    static const unsigned char states[] = {
        VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_NOSTATE,
    };
    xvPolicyActionList out = { 0 };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(states); i++) {
        xvSnapshot *snap = oneDomain(states[i]);

        decide(snap, NULL, NULL, NULL, NOW, &out);
        assert_int_equal(out.n, 0);
        xvSnapshotUnref(snap);
    }
}

static void
test_vanished_domain_gets_nothing(void **state)
{
    xvSnapshot *gone = xvSnapshotNew();
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvPolicyActionList out = { 0 };

    (void)state;
    entryOf(st, snap)->xml = strdup("<domain/>");
    gone->connected = true;
    xvSnapshotFinish(gone);
    decide(gone, st, NULL, NULL, NOW, &out);
    assert_int_equal(out.n, 0);
    xvPolicyStateFree(st);
    xvSnapshotUnref(snap);
    xvSnapshotUnref(gone);
}

static void
test_domain_selection_globs_uuids_exclude_and_domain_0(void **state)
{
    char *names[] = { "web*", "Domain-0" };
    char *uuids[] = { "ab000000-0000-0000-0000-000000000004" };
    char *exclude[] = { "web-test" };
    xvPolicyDomains sel = { 0 };
    xvSnapshot *snap = xvSnapshotNew();

    (void)state;
    addDomain(snap, "Domain-0", 0, 0, VIR_DOMAIN_RUNNING);
    addDomain(snap, "web01", 1, 1, VIR_DOMAIN_RUNNING);
    addDomain(snap, "web-test", 2, 2, VIR_DOMAIN_RUNNING);
    addDomain(snap, "db01", 3, 3, VIR_DOMAIN_RUNNING);
    addDomain(snap, "mail", 4, 4, VIR_DOMAIN_RUNNING);
    xvSnapshotFinish(snap);
    /* sorted: Domain-0 db01 mail web-test web01 */

    /* nothing listed: every domain but Domain-0 */
    assert_false(xvPolicyDomainsMatch(&sel, &snap->domains[0]));
    assert_true(xvPolicyDomainsMatch(&sel, &snap->domains[1]));
    assert_true(xvPolicyDomainsMatch(&sel, &snap->domains[4]));

    sel.names = names;
    sel.nnames = 1;
    sel.exclude = exclude;
    sel.nexclude = 1;
    assert_false(xvPolicyDomainsMatch(&sel, &snap->domains[0]));
    assert_false(xvPolicyDomainsMatch(&sel, &snap->domains[1]));
    assert_false(xvPolicyDomainsMatch(&sel, &snap->domains[3]));    /* excluded */
    assert_true(xvPolicyDomainsMatch(&sel, &snap->domains[4]));
    sel.uuids = uuids;
    sel.nuuids = 1;
    assert_true(xvPolicyDomainsMatch(&sel, &snap->domains[2]));     /* mail by uuid */
    /* Domain-0 only when named exactly */
    sel.nnames = 2;
    assert_true(xvPolicyDomainsMatch(&sel, &snap->domains[0]));
    names[1] = "Domain-*";
    assert_false(xvPolicyDomainsMatch(&sel, &snap->domains[0]));
    xvSnapshotUnref(snap);
}

/* ---- parsing ------------------------------------------------------------- */

static void
test_policy_keys_are_validated_with_positions(void **state)
{
    static const struct {
        const char *yaml;
        const char *msg;
    } cases[] = {
        { "policies:\n  - name: r\n    type: restart\n    bakoff: 5s\n",
          "agent.yaml:4:5: unknown key 'bakoff' in 'policies' (expected one of: name, type, "
          "enabled, dry_run, domains, max_actions_per_interval, min_action_interval, backoff, "
          "backoff_max, burst, burst_interval)" },
        { "policies:\n  - name: r\n    type: restart\n    backoff: 5\n",
          "agent.yaml:4:14: expected a duration like 15s or 500ms, got '5' (add a unit: "
          "ms, s, m or h)" },
        { "policies:\n  - name: r\n    type: restart\n    backoff: 1m\n    backoff_max: 30s\n",
          "agent.yaml:5:18: backoff_max 30s is below backoff 1m" },
        { "policies:\n  - name: r\n    type: restart\n    burst: 0\n",
          "agent.yaml:4:12: burst 0 is out of range 1..100" },
        { "policies:\n  - name: r\n    type: restart\n    domains:\n      uuids: [nope]\n",
          "agent.yaml:5:15: expected a UUID, got 'nope'" },
        { "policies:\n  - name: r\n    type: restart\n    domains:\n      name: [a]\n",
          "agent.yaml:5:7: unknown key 'name' in 'domains' (expected one of: names, uuids, "
          "exclude)" },
        /* the keys of one type are unknown to another */
        { "policies:\n  - name: p\n    type: autopin\n    backoff: 5s\n",
          "agent.yaml:4:5: unknown key 'backoff' in 'policies' (expected one of: name, type, "
          "enabled, dry_run, domains, max_actions_per_interval, min_action_interval, strategy, "
          "reserved_cpus, hysteresis, pack_limit)" },
        { "policies:\n  - name: r\n    type: restart\n    dry_run: maybe\n", NULL },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *msg = xvPolicyTestParseError(cases[i].yaml);

        assert_non_null(msg);
        if (cases[i].msg)
            assert_string_equal(msg, cases[i].msg);
        else
            assert_non_null(strstr(msg, "agent.yaml:4:14: "));
        free(msg);
    }
    assert_null(xvPolicyTestParseError("policies:\n  - name: r\n    type: restart\n    enabled: false\n"
                           "    dry_run: yes\n    domains:\n      names: [web*]\n"
                           "      uuids: [AB000000000000000000000000000001]\n"
                           "    max_actions_per_interval: 3\n    min_action_interval: 30s\n"
                           "    backoff: 1s\n    backoff_max: 1m\n    burst: 10\n"
                           "    burst_interval: 1h\n"));
}

/* ---- engine runs ----------------------------------------------------------- */

static xvPolicyEngine *
engineWith(const char *yaml)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvPolicySet *set = NULL;
    xvPolicyEngine *engine = xvPolicyEngineNew(NULL);

    assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    assert_int_equal(xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs,
                                      &set, &err), 0);
    xvPolicyEngineConfigure(engine, set, conf->uri, false);
    xvAgentConfFree(conf);
    return engine;
}

/* The value of the counter (policy "r", action restart, @result) in the last run's report. */
static uint64_t
counterOf(xvPolicyResult result)
{
    const xvPolicyReport *r = xvPolicyTestReport();
    size_t i;

    for (i = 0; r && i < r->ncounters; i++) {
        if (r->counters[i].result == result && r->counters[i].action == XV_POLICY_ACTION_RESTART)
            return r->counters[i].count;
    }
    return 0;
}

static void
test_dry_run_counts_the_action_and_touches_nothing(void **state)
{
    /* an unreachable URI: any real action would fail, not be dry_run */
    xvPolicyEngine *engine = engineWith("connection:\n  uri: \"test:///nonexistent/x.xml\"\n"
                                        "policies:\n  - name: r\n    type: restart\n"
                                        "    dry_run: true\n    backoff: 2s\n");
    xvSnapshot *snap = oneDomain(VIR_DOMAIN_CRASHED);
    const xvPolicyReport *r;

    (void)state;
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 0);
    /* a dry run keeps its own bookkeeping: the real one shows no attempt
     * (tests/policy/engine_test.c checks how the dry run paces itself) */
    r = xvPolicyTestReport();
    assert_int_equal(r->nrestarts, 0);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_failed_action_is_retried_after_backoff(void **state)
{
    xvPolicyEngine *engine = engineWith("connection:\n  uri: \"test:///nonexistent/x.xml\"\n"
                                        "policies:\n  - name: r\n    type: restart\n"
                                        "    backoff: 2s\n    burst: 2\n");
    xvSnapshot *snap;
    const xvPolicyReport *r;

    (void)state;
    snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    xvSnapshotUnref(snap);

    /* no retry in a tight loop: nothing until the back-off is over */
    snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyTestRun(engine, snap, NOW + 1999);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    r = xvPolicyTestReport();
    assert_int_equal(r->restarts[0].backoffMs, 1);
    xvSnapshotUnref(snap);

    snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyTestRun(engine, snap, NOW + 2000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 2);
    xvSnapshotUnref(snap);

    /* burst 2 spent: it gives up, and says so in the report */
    snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyTestRun(engine, snap, NOW + 60000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_GAVE_UP), 1);
    r = xvPolicyTestReport();
    assert_true(r->restarts[0].gaveUp);
    assert_int_equal(r->restarts[0].total, 2);
    xvSnapshotUnref(snap);

    /* a reload clears the give-up */
    xvPolicyEngineConfigure(engine, NULL, NULL, true);
    snap = oneDomain(VIR_DOMAIN_CRASHED);
    xvPolicyTestRun(engine, snap, NOW + 61000);
    r = xvPolicyTestReport();
    assert_false(r->restarts[0].gaveUp);
    assert_int_equal(r->restarts[0].total, 2);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_cap_per_interval_refuses_as_rate_limited(void **state)
{
    xvPolicyEngine *engine = engineWith("policies:\n  - name: r\n    type: restart\n"
                                        "    dry_run: true\n    max_actions_per_interval: 1\n"
                                        "    min_action_interval: 1h\n");
    xvSnapshot *snap = xvSnapshotNew();

    (void)state;
    snap->connected = true;
    addDomain(snap, "a", 1, 1, VIR_DOMAIN_CRASHED);
    addDomain(snap, "b", 2, 2, VIR_DOMAIN_CRASHED);
    xvSnapshotFinish(snap);
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_RATE_LIMITED), 1);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_report_renders_every_family_with_help_and_type(void **state)
{
    xvPolicyCounter counters[] = {
        { .policy = "r", .action = XV_POLICY_ACTION_RESTART, .result = XV_POLICY_RESULT_OK,
          .count = 3 },
    };
    xvPolicyReportRestart restarts[] = {
        { .domain = "we\"b", .uuidstr = "ab000000-0000-0000-0000-000000000001", .total = 3,
          .backoffMs = 1500, .gaveUp = true },
    };
    xvPolicyReport r = { .counters = counters, .ncounters = 1, .restarts = restarts,
                         .nrestarts = 1 };
    xvBuf buf = XV_BUF_INIT;
    char *text;

    (void)state;
    xvPolicyReportRender(&r, XV_PROM_FORMAT_OPENMETRICS, &buf);
    text = xvBufSteal(&buf, NULL);
    assert_non_null(strstr(text, "# TYPE xvirt_policy_actions counter\n"
                           "xvirt_policy_actions_total{policy=\"r\",action=\"restart\","
                           "result=\"ok\"} 3\n"));
    assert_non_null(strstr(text, "xvirt_policy_restart_attempts{domain=\"we\\\"b\",uuid=\"ab0000"
                           "00-0000-0000-0000-000000000001\"} 3\n"));
    assert_non_null(strstr(text, "# TYPE xvirt_policy_restart_backoff_seconds gauge\n"));
    /* OpenMetrics names the unit of a _seconds family */
    assert_non_null(strstr(text, "# TYPE xvirt_policy_restart_backoff_seconds gauge\n"
                           "# UNIT xvirt_policy_restart_backoff_seconds seconds\n"
                           "xvirt_policy_restart_backoff_seconds{domain=\"we\\\"b\","));
    assert_null(strstr(strstr(text, "# UNIT ") + 1, "# UNIT "));
    assert_non_null(strstr(text, "} 1.500\n"));
    assert_non_null(strstr(text, "# HELP xvirt_policy_restart_gave_up "));
    assert_non_null(strstr(text, "xvirt_policy_restart_gave_up{domain=\"we\\\"b\",uuid=\"ab0000"
                           "00-0000-0000-0000-000000000001\"} 1\n"));
    free(text);
    xvPolicyReportRender(&r, XV_PROM_FORMAT_TEXT, &buf);
    text = xvBufSteal(&buf, NULL);
    assert_non_null(strstr(text, "# TYPE xvirt_policy_actions_total counter\n"));
    assert_null(strstr(text, "# UNIT"));
    assert_non_null(strstr(text, "# TYPE xvirt_policy_restart_backoff_seconds gauge\n"
                           "xvirt_policy_restart_backoff_seconds{"));
    free(text);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_crashed_domain_gets_a_restart_action),
    cmocka_unit_test(test_running_domain_is_captured_once_per_boot),
    cmocka_unit_test(test_paused_domain_is_not_captured_until_it_runs),
    cmocka_unit_test(test_backoff_is_respected),
    cmocka_unit_test(test_backoff_doubles_up_to_the_max),
    cmocka_unit_test(test_spent_burst_gives_up),
    cmocka_unit_test(test_domain_shut_off_or_shutting_down_is_never_restarted),
    cmocka_unit_test(test_vanished_domain_gets_nothing),
    cmocka_unit_test(test_domain_selection_globs_uuids_exclude_and_domain_0),
    cmocka_unit_test(test_policy_keys_are_validated_with_positions),
    cmocka_unit_test(test_dry_run_counts_the_action_and_touches_nothing),
    cmocka_unit_test(test_failed_action_is_retried_after_backoff),
    cmocka_unit_test(test_cap_per_interval_refuses_as_rate_limited),
    cmocka_unit_test(test_report_renders_every_family_with_help_and_type),
};

XV_TEST_MAIN(tests)
