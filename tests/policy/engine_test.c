/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_test.c: the policy engine: policy files, one policy per type, dry runs, pruning, saves. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "policytest.h"
#include "src/agent/agent_conf.h"
#include "src/policy/engine.h"
#include "src/policy/policy.h"
#include "src/policy/report.h"
#include "src/policy/state.h"
#include "src/snapshot/snapshot.h"
#include "util/xvalloc.h"
#include "util/xvmacros.h"
#include "xvtest.h"

#define NOW UINT64_C(1800000000000)     /* a fake realtime clock, in ms */
#define HOUR_MS (UINT64_C(60) * 60 * 1000)
#define DAY_MS (24 * HOUR_MS)

/* Every real action fails (no such node file), so none is ever "ok". */
#define BAD_URI "connection:\n  uri: \"test:///nonexistent/x.xml\"\n"

/* ---- helpers ----------------------------------------------------------- */

static bool
existsIn(const char *dir, const char *name)
{
    char *path = xvTestPathIn(dir, name);
    bool there = access(path, F_OK) == 0;

    free(path);
    return there;
}

/* Domain @last (uuid ab..@last, named @name) in @state. */
static void
addDomain(xvSnapshot *snap, const char *name, unsigned char last, unsigned char state)
{
    xvSnapDomain *d = xvSnapshotAddDomain(snap);

    d->name = strdup(name);
    d->id = state == VIR_DOMAIN_SHUTOFF ? -1 : last;
    d->state = state;
    d->uuid[0] = 0xab;
    d->uuid[15] = last;
    snprintf(d->uuidstr, sizeof(d->uuidstr), "ab000000-0000-0000-0000-0000000000%02x", last);
}

/*
 * A snapshot of the domains @names (uuid ...@first, the next ones after),
 * all in @state; @domainOk is what the domain collector reported.
 */
static xvSnapshot *
snapshotOf(const char *const *names, unsigned char first, unsigned char state, bool domainOk)
{
    xvSnapshot *snap = xvSnapshotNew();
    unsigned char i;

    snap->connected = true;
    for (i = 0; names && names[i]; i++)
        addDomain(snap, names[i], (unsigned char)(first + i), state);
    snap->domainsComplete = domainOk;
    xvSnapshotFinish(snap);
    return snap;
}

/* Parses @yaml (a string, or @dir/agent.yaml when @dir is set); the error, or NULL. */
static char *
parseError(const char *dir, const char *yaml)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvPolicySet *set = NULL;
    char *msg = NULL;
    char *path;

    if (dir) {
        path = xvTestPathIn(dir, "agent.yaml");
        assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
        free(path);
    } else {
        assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    }
    if (xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs, &set, &err) < 0) {
        msg = xvConfErrorFormat(&err);
        xvConfErrorClear(&err);
    }
    assert_int_equal(xvPolicyEngineValidate(conf->policies, conf->npolicies, &err),
                     msg ? -EINVAL : 0);
    xvConfErrorClear(&err);
    xvPolicySetFree(set);
    xvAgentConfFree(conf);
    return msg;
}

static void
assertParseError(const char *yaml, const char *expected)
{
    char *msg = parseError(NULL, yaml);

    if (!msg || strcmp(msg, expected) != 0)
        print_error("expected: %s\nactual:   %s\n", expected, msg ? msg : "(valid)");
    assert_non_null(msg);
    assert_string_equal(msg, expected);
    free(msg);
}

/* Applies the policies of @yaml to @engine (@reload: as SIGHUP does). */
static void
configure(xvPolicyEngine *engine, const char *yaml, bool reload)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvPolicySet *set = NULL;

    assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    assert_int_equal(xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs,
                                      &set, &err), 0);
    xvPolicyEngineConfigure(engine, set, conf->uri, reload);
    xvAgentConfFree(conf);
}

/* The report of the last run (there must be one). */
static const xvPolicyReport *
lastReport(void)
{
    assert_non_null(xvPolicyTestReport());
    return xvPolicyTestReport();
}

/* The restart counter of @result in the last run's report (0: none). */
static uint64_t
counterOf(xvPolicyResult result)
{
    const xvPolicyReport *r = lastReport();
    size_t i;

    for (i = 0; i < r->ncounters; i++) {
        if (r->counters[i].result == result && r->counters[i].action == XV_POLICY_ACTION_RESTART)
            return r->counters[i].count;
    }
    return 0;
}

/* Runs @engine on a fresh snapshot of "web01" in @state at @nowMs; returns it. */
static xvSnapshot *
runOne(xvPolicyEngine *engine, unsigned char state, uint64_t nowMs)
{
    static const char *const names[] = { "web01", NULL };
    xvSnapshot *snap = snapshotOf(names, 1, state, true);

    xvPolicyTestRun(engine, snap, nowMs);
    return snap;
}

/* ---- configuration ----------------------------------------------------- */

static void
test_policy_errors_point_into_the_policy_file(void **state)
{
    char *dir = xvTestTempDir();
    char *expected = NULL;
    char *msg;

    (void)state;
    xvTestWriteText(dir, "agent.yaml", "policies:\n  - name: main\n    type: restart\n"
              "    enabled: false\n");
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "policies.d/10-r.yaml", "# restart, spelt wrong\npolicies:\n"
              "  - name: r\n    type: restart\n    bakoff: 5s\n");
    msg = parseError(dir, NULL);
    assert_true(asprintf(&expected, "%s/policies.d/10-r.yaml:5:5: unknown key 'bakoff' in "
                         "'policies' (expected one of: name, type, enabled, dry_run, domains, "
                         "max_actions_per_interval, min_action_interval, backoff, backoff_max, "
                         "burst, burst_interval)", dir) > 0);
    assert_non_null(msg);
    assert_string_equal(msg, expected);
    free(msg);
    free(expected);

    xvTestWriteText(dir, "policies.d/10-r.yaml", "policies:\n  - name: r\n    type: restart\n"
              "    backoff: 1m\n    backoff_max: 30s\n");
    msg = parseError(dir, NULL);
    assert_true(asprintf(&expected, "%s/policies.d/10-r.yaml:5:18: backoff_max 30s is below "
                         "backoff 1m", dir) > 0);
    assert_string_equal(msg, expected);
    free(msg);
    free(expected);

    xvTestWriteText(dir, "policies.d/10-r.yaml", "policies:\n  - name: r\n    type: restart\n");
    assert_null(parseError(dir, NULL));
    xvTestRemoveTree(dir);
}

#define DISJOINT "enabled policies of one type must select disjoint domains (name globs no " \
    "name matches both of, other uuids, or exclude), or they act against each other"
#define U1 "ab000000-0000-0000-0000-000000000001"
#define U2 "ab000000-0000-0000-0000-000000000002"

static void
test_policies_of_one_type_on_overlapping_domains_are_rejected(void **state)
{
    static const struct {
        const char *a;          /* the first policy's keys after name and type */
        const char *b;          /* the second one's */
        const char *why;        /* NULL: valid */
    } cases[] = {
        /* every domain, twice */
        { "", "", "every domain of 'b' and every domain of 'a' can be the same domain" },
        { "domains: {names: [web*]}", "",
          "every domain of 'b' and name 'web*' of 'a' can be the same domain" },
        /* globs that one name can match */
        { "domains: {names: [web*]}", "domains: {names: [db*, w*]}",
          "name 'w*' of 'b' and name 'web*' of 'a' can be the same domain" },
        { "domains: {names: [web*]}", "domains: {names: [db*, '*.db']}",
          "name '*.db' of 'b' and name 'web*' of 'a' can be the same domain" },
        { "domains: {names: [web?]}", "domains: {names: ['*1']}",
          "name '*1' of 'b' and name 'web?' of 'a' can be the same domain" },
        { "domains: {names: ['[!a]x']}", "domains: {names: [bx]}",
          "name 'bx' of 'b' and name '[!a]x' of 'a' can be the same domain" },
        { "domains: {names: ['web[0-4]*']}", "domains: {names: ['web[3-9]*']}",
          "name 'web[3-9]*' of 'b' and name 'web[0-4]*' of 'a' can be the same domain" },
        /* a UUID may be any name */
        { "domains: {names: [web01]}", "domains: {uuids: [" U1 "]}",
          "uuid " U1 " of 'b' and name 'web01' of 'a' can be the same domain" },
        { "domains: {uuids: [" U2 ", " U1 "]}", "domains: {uuids: [" U1 "]}",
          "uuid " U1 " of 'b' and uuid " U1 " of 'a' can be the same domain" },
        /* an exclude that leaves out a glob: not provably */
        { "domains: {exclude: ['web*']}", "domains: {names: ['web*']}",
          "name 'web*' of 'b' and every domain of 'a' can be the same domain" },
        /* disjoint: the lab's two restart policies, and the like */
        { "domains: {names: ['domu*', stay]}", "domains: {names: [loop]}", NULL },
        { "domains: {names: [web*]}", "domains: {names: [db*, 'mail?']}", NULL },
        { "domains: {names: ['web[0-4]*']}", "domains: {names: ['web[5-9]*']}", NULL },
        { "domains: {names: ['[!a]x']}", "domains: {names: [ax, 'a?', 'a\\*']}", NULL },
        { "domains: {names: ['web\\*']}", "domains: {names: [webx]}", NULL },
        { "domains: {uuids: [" U1 "]}", "domains: {uuids: [" U2 "]}", NULL },
        /* disjoint by exclude: a literal name, or a UUID */
        { "domains: {exclude: [loop, other]}", "domains: {names: [loop]}", NULL },
        { "domains: {names: [loop]}", "domains: {exclude: ['l*']}", NULL },
        { "domains: {exclude: [" U1 "]}", "domains: {uuids: [" U1 "]}", NULL },
        /* a disabled policy is no rival */
        { "enabled: false", "", NULL },
        { "", "enabled: false", NULL },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        bool domains = strncmp(cases[i].b, "domains: ", 9) == 0;
        char *yaml = NULL, *expected = NULL, *msg;

        assert_true(asprintf(&yaml, "policies:\n  - name: a\n    type: restart\n    %s\n"
                             "  - name: b\n    type: restart\n    %s\n", cases[i].a,
                             cases[i].b) > 0);
        msg = parseError(NULL, yaml);
        if (cases[i].why) {
            assert_true(asprintf(&expected, "agent.yaml:%d:%d: policy 'b' may act on the "
                                 "domains of the restart policy 'a' (agent.yaml:2:11): %s; "
                                 DISJOINT, domains ? 7 : 6, domains ? 14 : 11,
                                 cases[i].why) > 0);
            if (!msg || strcmp(msg, expected) != 0)
                print_error("case %zu\nexpected: %s\nactual:   %s\n", i, expected,
                            msg ? msg : "(valid)");
            assert_non_null(msg);
            assert_string_equal(msg, expected);
        } else {
            if (msg)
                print_error("case %zu: %s\n", i, msg);
            assert_null(msg);
        }
        free(expected);
        free(msg);
        free(yaml);
    }
}

static void
test_dry_run_policies_must_be_disjoint_too(void **state)
{
    (void)state;
    /* a dry run is enabled: it would pace the same domains */
    assertParseError("policies:\n  - name: a\n    type: restart\n    enabled: false\n"
                     "  - {name: b, type: restart, dry_run: true}\n"
                     "  - {name: c, type: restart}\n",
                     "agent.yaml:6:21: policy 'c' may act on the domains of the restart "
                     "policy 'b' (agent.yaml:5:12): every domain of 'c' and every domain of "
                     "'b' can be the same domain; " DISJOINT);
    /* other types are no rivals */
    assert_null(parseError(NULL, "policies:\n  - {name: a, type: restart}\n"
                           "  - {name: b, type: balloon}\n"));
}

static void
test_overlapping_policy_in_a_policy_file_names_both_files(void **state)
{
    char *dir = xvTestTempDir();
    char *expected = NULL;
    char *msg;

    (void)state;
    xvTestWriteText(dir, "agent.yaml", "policies:\n  - name: main\n    type: restart\n");
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "policies.d/10-r.yaml", "policies:\n  - name: more\n    type: restart\n"
              "    domains:\n      names: [web01]\n");
    msg = parseError(dir, NULL);
    assert_true(asprintf(&expected, "%s/policies.d/10-r.yaml:5:7: policy 'more' may act on "
                         "the domains of the restart policy 'main' (%s/agent.yaml:2:11): name "
                         "'web01' of 'more' and every domain of 'main' can be the same "
                         "domain; " DISJOINT, dir, dir) > 0);
    assert_non_null(msg);
    assert_string_equal(msg, expected);
    free(msg);
    free(expected);
    xvTestRemoveTree(dir);
}

/* ---- dry run ----------------------------------------------------------- */

static void
test_dry_run_paces_itself_without_touching_the_bookkeeping(void **state)
{
    char *dir = xvTestTempDir();
    char *sdir = xvTestPathIn(dir, "state");
    xvPolicyEngine *engine = xvPolicyEngineNew(sdir);
    xvSnapshot *snap;
    char *log;

    (void)state;
    configure(engine, BAD_URI "policies:\n  - name: r\n    type: restart\n    dry_run: true\n"
              "    backoff: 2s\n    burst: 2\n", false);
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    /* the real bookkeeping is untouched: no attempt, no back-off shown */
    assert_int_equal(lastReport()->nrestarts, 0);
    xvSnapshotUnref(snap);
    /* but the dry run waits out its own back-off, like the real one would */
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 1999);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    xvSnapshotUnref(snap);
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 2000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 2);
    xvSnapshotUnref(snap);
    /* and "would give up" after its burst: counted as dry_run and logged
     * as a warning, never gave_up (no gave-up alert for what never acted),
     * and the restart gauges show nothing */
    xvTestStderrBegin();
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 60000);
    log = xvTestStderrEnd();
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 3);
    assert_int_equal(counterOf(XV_POLICY_RESULT_GAVE_UP), 0);
    assert_non_null(strstr(log, "<4>policy=r domain=web01 "));
    assert_non_null(strstr(log, " result=dry_run crashed(id 1)->crashed: would give up: "
                                "burst limit reached; cleared by SIGHUP\n"));
    assert_null(strstr(log, "gave_up"));
    free(log);
    assert_int_equal(lastReport()->nrestarts, 0);
    xvSnapshotUnref(snap);
    /* once */
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 120000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 3);
    assert_int_equal(counterOf(XV_POLICY_RESULT_GAVE_UP), 0);
    xvSnapshotUnref(snap);
    /* nothing of it was written */
    assert_false(existsIn(sdir, XV_POLICY_STATE_FILE));

    /* dry_run off (a restart of the agent): the real policy acts at once */
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    engine = xvPolicyEngineNew(sdir);
    configure(engine, BAD_URI "policies:\n  - name: r\n    type: restart\n    backoff: 2s\n",
              false);
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 121000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(lastReport()->nrestarts, 1);
    assert_int_equal(lastReport()->restarts[0].total, 1);
    assert_int_equal(lastReport()->restarts[0].backoffMs, 2000);
    xvSnapshotUnref(snap);
    assert_true(existsIn(sdir, XV_POLICY_STATE_FILE));
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    free(sdir);
    xvTestRemoveTree(dir);
}

static void
test_dry_run_turned_off_by_a_reload_acts_at_once_and_counts_from_zero(void **state)
{
    xvPolicyEngine *engine = xvPolicyEngineNew(NULL);
    xvSnapshot *snap;

    (void)state;
    configure(engine, BAD_URI "policies:\n  - name: r\n    type: restart\n    dry_run: true\n"
              "    backoff: 1h\n    backoff_max: 1h\n", false);
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    xvSnapshotUnref(snap);
    /* in the dry run's back-off (1h) ... */
    configure(engine, BAD_URI "policies:\n  - name: r\n    type: restart\n    backoff: 1h\n"
              "    backoff_max: 1h\n", true);
    /* ... the real policy is not held back by it, and counts its own attempts */
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 1000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(lastReport()->restarts[0].total, 1);
    xvSnapshotUnref(snap);

    /* back to a dry run: it starts afresh, not held back by the real attempt */
    configure(engine, BAD_URI "policies:\n  - name: r\n    type: restart\n    dry_run: true\n"
              "    backoff: 1h\n    backoff_max: 1h\n", true);
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 2000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 2);
    assert_int_equal(lastReport()->restarts[0].total, 1);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

/* ---- counters at zero -------------------------------------------------- */

/* The xvirt_policy_actions_total lines of the last run's report, in text format. */
static char *
actionLines(void)
{
    xvBuf buf = XV_BUF_INIT, out = XV_BUF_INIT;
    char *text, *line, *save = NULL;

    xvPolicyReportRender(lastReport(), XV_PROM_FORMAT_TEXT, &buf);
    text = xvBufSteal(&buf, NULL);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "xvirt_policy_actions_total{", 27) == 0)
            xvBufAsprintf(&out, "%s\n", line);
    }
    free(text);
    return xvBufSteal(&out, NULL);
}

#define ACTION_LINE(policy, action, result, n) \
    "xvirt_policy_actions_total{policy=\"" policy "\",action=\"" action "\",result=\"" \
    result "\"} " #n "\n"
/* Every result an action of each type can end with, dry_run and real both. */
#define RESTART_LINES(policy, ok, failed) \
    ACTION_LINE(policy, "restart", "ok", ok) ACTION_LINE(policy, "restart", "failed", failed) \
    ACTION_LINE(policy, "restart", "dry_run", 0) \
    ACTION_LINE(policy, "restart", "rate_limited", 0) \
    ACTION_LINE(policy, "restart", "gave_up", 0) ACTION_LINE(policy, "restart", "skipped", 0) \
    ACTION_LINE(policy, "restart", "rolled_forward", 0)
#define PIN_LINES(policy) \
    ACTION_LINE(policy, "pin", "ok", 0) ACTION_LINE(policy, "pin", "failed", 0) \
    ACTION_LINE(policy, "pin", "dry_run", 0) ACTION_LINE(policy, "pin", "rate_limited", 0) \
    ACTION_LINE(policy, "pin", "gave_up", 0) ACTION_LINE(policy, "pin", "skipped", 0)
/* balloon never gives up, and only a restart is rolled forward */
#define SETMEM_LINES(policy) \
    ACTION_LINE(policy, "setmem", "ok", 0) ACTION_LINE(policy, "setmem", "failed", 0) \
    ACTION_LINE(policy, "setmem", "dry_run", 0) ACTION_LINE(policy, "setmem", "rate_limited", 0) \
    ACTION_LINE(policy, "setmem", "skipped", 0)

static void
assertActionLines(const char *expected)
{
    char *lines = actionLines();

    if (strcmp(lines, expected) != 0)
        print_error("expected:\n%sactual:\n%s", expected, lines);
    assert_string_equal(lines, expected);
    free(lines);
}

static void
test_every_configured_policy_counts_from_zero_before_it_acts(void **state)
{
    xvPolicyEngine *engine = xvPolicyEngineNew(NULL);
    xvSnapshot *snap;

    (void)state;
    configure(engine, BAD_URI "policies:\n"
              "  - {name: r, type: restart}\n"
              "  - {name: pin, type: autopin, dry_run: true}\n"
              "  - {name: mem, type: balloon, dry_run: true}\n"
              "  - {name: off, type: restart, enabled: false}\n", false);
    /* nothing to do: every series is there, at 0, in the order of the policies */
    snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW);
    assertActionLines(RESTART_LINES("r", 0, 0) PIN_LINES("pin") SETMEM_LINES("mem")
                      RESTART_LINES("off", 0, 0));
    xvSnapshotUnref(snap);
    /* the first action counts into its series; the others stay at 0 */
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 1000);
    assertActionLines(RESTART_LINES("r", 0, 1) PIN_LINES("pin") SETMEM_LINES("mem")
                      RESTART_LINES("off", 0, 0));
    xvSnapshotUnref(snap);
    /* a reload keeps the counts, and a policy added by it shows at 0 at once */
    configure(engine, BAD_URI "policies:\n  - {name: r, type: restart}\n"
              "  - {name: new, type: balloon, dry_run: true}\n", true);
    snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW + 2000);
    assertActionLines(RESTART_LINES("r", 0, 1) PIN_LINES("pin") SETMEM_LINES("mem")
                      RESTART_LINES("off", 0, 0) SETMEM_LINES("new"));
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();

    /* no policy: no report, no series */
    engine = xvPolicyEngineNew(NULL);
    configure(engine, "policies: []\n", false);
    snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW);
    assert_null(xvPolicyTestReport());
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

/* ---- pruning ----------------------------------------------------------- */

/* A bookkeeping file with "gone" (...01, seen at @goneSeenMs) and "kept" (...02). */
static void
writeTwoEntries(const char *sdir, uint64_t goneSeenMs)
{
    char *text = NULL;

    assert_true(asprintf(&text, "xvirt-policy-state 1\n"
                         "restart uuid=ab000000-0000-0000-0000-000000000001 total=2 retry_at=0 "
                         "gave_up=0 in_progress=0 last_seen=%llu xml_id=-1 attempts= name=gone\n"
                         "restart uuid=ab000000-0000-0000-0000-000000000002 total=1 retry_at=0 "
                         "gave_up=0 in_progress=0 xml_id=-1 attempts= name=kept\n",
                         (unsigned long long)goneSeenMs) > 0);
    assert_int_equal(mkdir(sdir, 0700), 0);
    xvTestWriteText(sdir, XV_POLICY_STATE_FILE, text);
    free(text);
}

static void
test_engine_prunes_gone_domains_and_saves_only_on_change(void **state)
{
    static const char *const kept[] = { "kept", "other", NULL };     /* ...02, ...03 */
    char *dir = xvTestTempDir();
    char *sdir = xvTestPathIn(dir, "state");
    char *file = xvTestPathIn(sdir, XV_POLICY_STATE_FILE);
    xvPolicyEngine *engine = xvPolicyEngineNew(sdir);
    xvSnapshot *snap;
    char *text;

    (void)state;
    /* "gone" was last seen 2 hours before NOW + 5 s; the retention is 1h,
     * plus the 1h step of last_seen */
    writeTwoEntries(sdir, NOW + 5000 - 2 * HOUR_MS);
    configure(engine, "state_retention: 1h\npolicies:\n  - name: r\n    type: restart\n",
              false);
    snap = snapshotOf(kept, 2, VIR_DOMAIN_SHUTOFF, true);
    xvPolicyTestRun(engine, snap, NOW);
    xvSnapshotUnref(snap);
    text = xvTestReadFile(file);
    assert_non_null(strstr(text, " name=gone"));
    /* "kept" was seen: its last_seen was written */
    assert_non_null(strstr(text, "in_progress=0 last_seen=1800000000000 xml_id=-1 attempts= "
                           "name=kept"));
    free(text);

    /* nothing changed (and "gone" is not older than 2h yet): not written again */
    assert_int_equal(unlink(file), 0);
    snap = snapshotOf(kept, 2, VIR_DOMAIN_SHUTOFF, true);
    xvPolicyTestRun(engine, snap, NOW + 5000);
    xvSnapshotUnref(snap);
    assert_false(existsIn(sdir, XV_POLICY_STATE_FILE));

    /* a snapshot that may be missing domains prunes nothing, however late */
    snap = snapshotOf(NULL, 1, VIR_DOMAIN_SHUTOFF, false);
    xvPolicyTestRun(engine, snap, NOW + 30 * DAY_MS);
    xvSnapshotUnref(snap);
    snap = xvSnapshotNew();
    xvSnapshotFinish(snap);         /* not connected */
    xvPolicyTestRun(engine, snap, NOW + 30 * DAY_MS);
    xvSnapshotUnref(snap);
    assert_false(existsIn(sdir, XV_POLICY_STATE_FILE));

    /* just over 2h after it was last seen: "gone" is forgotten, "kept" stays */
    snap = snapshotOf(kept, 2, VIR_DOMAIN_SHUTOFF, true);
    xvPolicyTestRun(engine, snap, NOW + 5001);
    assert_int_equal(lastReport()->nrestarts, 1);
    assert_string_equal(lastReport()->restarts[0].domain, "kept");
    xvSnapshotUnref(snap);
    text = xvTestReadFile(file);
    assert_null(strstr(text, "name=gone"));
    assert_non_null(strstr(text, "name=kept"));
    free(text);

    /* the retention comes with the policies: a reload can change it */
    configure(engine, "state_retention: 720h\npolicies:\n  - name: r\n    type: restart\n",
              true);
    snap = snapshotOf(NULL, 1, VIR_DOMAIN_SHUTOFF, true);
    xvPolicyTestRun(engine, snap, NOW + 20 * DAY_MS);
    assert_int_equal(lastReport()->nrestarts, 1);
    xvSnapshotUnref(snap);
    snap = snapshotOf(NULL, 1, VIR_DOMAIN_SHUTOFF, true);
    xvPolicyTestRun(engine, snap, NOW + 32 * DAY_MS);
    assert_int_equal(lastReport()->nrestarts, 0);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    free(file);
    free(sdir);
    xvTestRemoveTree(dir);
}

/* ---- failed saves ------------------------------------------------------ */

static void
test_failed_saves_are_counted_in_the_report_and_the_policy_goes_on(void **state)
{
    char *dir = xvTestTempDir();
    char *sdir = xvTestPathIn(dir, "file/state");
    xvPolicyEngine *engine = xvPolicyEngineNew(sdir);
    xvBuf buf = XV_BUF_INIT;
    xvSnapshot *snap;

    (void)state;
    xvTestWriteText(dir, "file", "");     /* state_dir under a file: ENOTDIR, even for root */
    configure(engine, BAD_URI "policies:\n  - name: r\n    type: restart\n    backoff: 1s\n",
              false);
    /* the error lines go to a file, not to the TAP stream */
    xvTestStderrBegin();
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW);
    /* saved before the attempt, after it, and for the domain's first
     * sighting (last_seen): three failed saves */
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_true(lastReport()->haveState);
    assert_int_equal(lastReport()->stateSaveErrors, 3);
    xvSnapshotUnref(snap);
    snap = runOne(engine, VIR_DOMAIN_CRASHED, NOW + 1000);
    free(xvTestStderrEnd());
    /* the policy went on, from its bookkeeping in memory */
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 2);
    assert_int_equal(lastReport()->restarts[0].total, 2);
    assert_int_equal(lastReport()->stateSaveErrors, 5);
    xvPolicyReportRender(lastReport(), XV_PROM_FORMAT_TEXT, &buf);
    assert_non_null(strstr(buf.data, "# TYPE xvirt_policy_state_save_errors_total counter\n"
                           "xvirt_policy_state_save_errors_total 5\n"));
    xvBufClear(&buf);
    xvPolicyReportRender(lastReport(), XV_PROM_FORMAT_OPENMETRICS, &buf);
    assert_non_null(strstr(buf.data, "# TYPE xvirt_policy_state_save_errors counter\n"
                           "xvirt_policy_state_save_errors_total 5\n"));
    xvBufFree(&buf);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    free(sdir);
    xvTestRemoveTree(dir);
}

/*
 * The first sample of a host captures the configuration of every running
 * domain: the bookkeeping is saved once for all of them, not once per
 * domain (N saves of a file holding up to N configurations: quadratic, and
 * minutes at 10,000 domains). Counted through failing saves.
 */
static void
test_captures_of_one_sample_are_saved_once(void **state)
{
    enum { NDOMS = 20 };
    const char *names[NDOMS + 1] = { NULL };
    char nameBuf[NDOMS][8];
    char *dir = xvTestTempDir();
    char *sdir = xvTestPathIn(dir, "file/state");
    char *uri, *nodePath;
    xvPolicyEngine *engine = xvPolicyEngineNew(sdir);
    xvBuf node = XV_BUF_INIT;
    virConnectPtr conn;
    xvSnapshot *snap;
    int i;

    (void)state;
    xvTestWriteText(dir, "file", "");     /* state_dir under a file: every save fails */
    xvBufAddStr(&node, "<node>\n");
    for (i = 0; i < NDOMS; i++) {
        snprintf(nameBuf[i], sizeof(nameBuf[i]), "d%02d", i + 1);
        names[i] = nameBuf[i];
        xvBufAsprintf(&node, "<domain type='test'><name>%s</name>"
                  "<uuid>ab000000-0000-0000-0000-0000000000%02x</uuid><memory>65536</memory>"
                  "<vcpu>1</vcpu><os><type>hvm</type></os></domain>\n", names[i], i + 1);
    }
    xvBufAddStr(&node, "</node>\n");
    xvTestWriteText(dir, "node.xml", node.data);
    nodePath = xvTestPathIn(dir, "node.xml");
    assert_true(asprintf(&uri, "test://%s", nodePath) > 0);
    assert_non_null(conn = virConnectOpenReadOnly(uri));
    configure(engine, "policies:\n  - name: r\n    type: restart\n", false);
    xvTestStderrBegin();
    /* running, with the node's IDs (1...) and UUIDs (ab...01...) */
    snap = snapshotOf(names, 1, VIR_DOMAIN_RUNNING, true);
    xvPolicyReportFree(xvPolicyEngineRunAt(engine, conn, snap, NOW));
    xvSnapshotUnref(snap);
    /* a second sample: nothing new to capture, nothing to save */
    snap = snapshotOf(names, 1, VIR_DOMAIN_RUNNING, true);
    xvPolicyTestRun(engine, snap, NOW + 1000);
    xvSnapshotUnref(snap);
    free(xvTestStderrEnd());
    /* one save for the captures, one for the domains' first sighting (1:
     * nothing captured; NDOMS + 1: a save per capture) */
    assert_int_equal(lastReport()->stateSaveErrors, 2);
    xvPolicyEngineFree(engine);

    /* the same with a state_dir that works: every configuration is in it */
    free(sdir);
    sdir = xvTestPathIn(dir, "state");
    engine = xvPolicyEngineNew(sdir);
    configure(engine, "policies:\n  - name: r\n    type: restart\n", false);
    snap = snapshotOf(names, 1, VIR_DOMAIN_RUNNING, true);
    xvPolicyReportFree(xvPolicyEngineRunAt(engine, conn, snap, NOW));
    xvSnapshotUnref(snap);
    {
        char *file = xvTestPathIn(sdir, XV_POLICY_STATE_FILE);
        char *text = xvTestReadFile(file);
        char want[64];

        for (i = 0; i < NDOMS; i++) {
            snprintf(want, sizeof(want), " xml_id=%d ", i + 1);
            assert_non_null(strstr(text, want));
        }
        free(text);
        free(file);
    }
    virConnectClose(conn);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    xvBufFree(&node);
    free(uri);
    free(nodePath);
    free(sdir);
    xvTestRemoveTree(dir);
}

static void
test_report_has_no_save_errors_family_without_bookkeeping(void **state)
{
    xvPolicyReport r = { 0 };
    xvBuf buf = XV_BUF_INIT;

    (void)state;
    xvPolicyReportRender(&r, XV_PROM_FORMAT_TEXT, &buf);
    assert_true(buf.data == NULL || strstr(buf.data, "save_errors") == NULL);
    r.haveState = true;
    xvPolicyReportRender(&r, XV_PROM_FORMAT_TEXT, &buf);
    assert_non_null(strstr(buf.data, "# HELP xvirt_policy_state_save_errors_total Saves of the "
                           "policies' bookkeeping in state_dir that failed.\n"
                           "# TYPE xvirt_policy_state_save_errors_total counter\n"
                           "xvirt_policy_state_save_errors_total 0\n"));
    xvBufFree(&buf);
}


/* ---- actions interrupted by a stop of the agent --------------------------- */

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"   /* "test" of test:///default */
#define DEFAULT_URI "connection:\n  uri: \"test:///default\"\n"

static uint64_t fakeClockMs;

static uint64_t
fakeClock(void *opaque)
{
    (void)opaque;
    return fakeClockMs;
}

/*
 * A state dir whose bookkeeping has the restart of "test" begun at NOW
 * (back-off 2 s) and interrupted with @begun steps begun, plus @more lines.
 */
static char *
interruptedStateDir(char *dir, int begun, const char *more)
{
    char *sdir = xvTestPathIn(dir, "state");
    char *text;

    xvTestMakeDir(dir, "state");
    text = xvAsprintf("xvirt-policy-state 1\n"
                      "restart uuid=" TEST_UUID " total=1 retry_at=%llu gave_up=0 "
                      "in_progress=%llu xml_id=-1 attempts=%llu name=test\n"
                      "intent id=4 policy=r kind=restart uuid=" TEST_UUID " vcpu=-1 "
                      "started=%llu steps=destroy,create begun=%d done=%d name=test\n%s",
                      (unsigned long long)(NOW + 2000), (unsigned long long)NOW,
                      (unsigned long long)NOW, (unsigned long long)NOW, begun,
                      begun > 0 ? begun - 1 : 0, more);
    xvTestWriteText(sdir, XV_POLICY_STATE_FILE, text);
    free(text);
    return sdir;
}

/* The engine of a restart policy "r" on test:///default, its clock at NOW + 600. */
static xvPolicyEngine *
interruptedEngine(const char *sdir)
{
    xvPolicyEngine *engine = xvPolicyEngineNew(sdir);

    fakeClockMs = NOW + 600;
    xvPolicyEngineSetClock(engine, fakeClock, NULL);
    configure(engine, DEFAULT_URI "policies:\n  - name: r\n    type: restart\n"
              "    backoff: 2s\n", false);
    return engine;
}

/* The bookkeeping of @sdir holds @n intents. */
static void
assertIntentsLeft(const char *sdir, size_t n)
{
    xvPolicyState *st = xvPolicyStateLoad(sdir, NULL);

    assert_int_equal(st->nintents, n);
    xvPolicyStateFree(st);
}

static unsigned char
domainState(virDomainPtr dom)
{
    virDomainInfo info;

    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    return info.state;
}

static void
test_interrupted_restart_is_finished_once_by_the_next_start(void **state)
{
    char *dir = xvTestTempDir();
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    xvPolicyEngine *engine;
    xvSnapshot *snap;
    char *sdir, *path, *file;
    int id;

    (void)state;
    /* the destroy took effect, the create did not */
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = virDomainLookupByName(conn, "test");
    sdir = interruptedStateDir(dir, 2, "");
    engine = interruptedEngine(sdir);
    snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW + 100);
    assert_int_equal(counterOf(XV_POLICY_RESULT_ROLLED_FORWARD), 1);
    assert_int_equal(domainState(dom), VIR_DOMAIN_RUNNING);
    id = (int)virDomainGetID(dom);
    /* counted once, when it began; the back-off counts from the end (NOW + 600) */
    assert_int_equal(lastReport()->nrestarts, 1);
    assert_int_equal(lastReport()->restarts[0].total, 1);
    assert_int_equal(lastReport()->restarts[0].backoffMs, 2500);
    path = xvTestPathIn(sdir, XV_POLICY_STATE_FILE);
    file = xvTestReadFile(path);
    assert_null(strstr(file, "intent "));
    assert_non_null(strstr(file, " in_progress=0 "));
    free(file);
    free(path);
    xvSnapshotUnref(snap);
    /* and only once */
    snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW + 300);
    assert_int_equal(counterOf(XV_POLICY_RESULT_ROLLED_FORWARD), 1);
    assert_int_equal((int)virDomainGetID(dom), id);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    virDomainFree(dom);
    virConnectClose(conn);
    free(sdir);
    xvTestRemoveTree(dir);
}

static void
test_interrupted_restart_leaves_a_domain_started_or_stopped_by_others_alone(void **state)
{
    static const struct {
        int begun;
        bool destroy;           /* shut off before the engine runs */
    } cases[] = {
        { 2, false },           /* someone started it (or our create went through) */
        { 0, true },            /* shut off by someone else before the restart began */
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *dir = xvTestTempDir();
        virConnectPtr conn = virConnectOpen("test:///default");
        virDomainPtr dom = virDomainLookupByName(conn, "test");
        int id = (int)virDomainGetID(dom);
        xvPolicyEngine *engine;
        xvSnapshot *snap;
        char *sdir;

        if (cases[i].destroy) {
            assert_int_equal(virDomainDestroy(dom), 0);
            dom = virDomainLookupByName(conn, "test");
            id = -1;
        }
        /* a pin interrupted too: dropped, its policy decides afresh */
        sdir = interruptedStateDir(dir, cases[i].begun,
                                   "intent id=5 policy=pinner kind=pin uuid=" TEST_UUID
                                   " vcpu=0 started=1 steps=pin begun=1 done=0\n");
        engine = interruptedEngine(sdir);
        snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW + 100);
        assert_int_equal(counterOf(XV_POLICY_RESULT_ROLLED_FORWARD), 0);
        assert_int_equal(counterOf(XV_POLICY_RESULT_SKIPPED), 1);
        assert_int_equal((int)virDomainGetID(dom), id);
        assert_int_equal(domainState(dom), cases[i].destroy ? VIR_DOMAIN_SHUTOFF :
                         VIR_DOMAIN_RUNNING);
        assert_int_equal(lastReport()->restarts[0].total, 1);
        xvSnapshotUnref(snap);
        xvPolicyEngineFree(engine);
        xvPolicyTestReportFree();
        assertIntentsLeft(sdir, 0);
        virDomainFree(dom);
        virConnectClose(conn);
        free(sdir);
        xvTestRemoveTree(dir);
    }
}

static void
test_a_stopped_engine_starts_no_action(void **state)
{
    char *dir = xvTestTempDir();
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    xvPolicyEngine *engine;
    xvSnapshot *snap;
    char *sdir;

    (void)state;
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = virDomainLookupByName(conn, "test");
    sdir = interruptedStateDir(dir, 2, "");
    engine = interruptedEngine(sdir);
    /* nothing in progress when the stop comes */
    assert_false(xvPolicyEngineStop(engine));
    snap = runOne(engine, VIR_DOMAIN_RUNNING, NOW + 100);
    assert_false(xvPolicyEngineActing(engine));
    assert_int_equal(domainState(dom), VIR_DOMAIN_SHUTOFF);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
    /* the intent is kept for the next start */
    assertIntentsLeft(sdir, 1);
    virDomainFree(dom);
    virConnectClose(conn);
    free(sdir);
    xvTestRemoveTree(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_policy_errors_point_into_the_policy_file),
    cmocka_unit_test(test_policies_of_one_type_on_overlapping_domains_are_rejected),
    cmocka_unit_test(test_dry_run_policies_must_be_disjoint_too),
    cmocka_unit_test(test_overlapping_policy_in_a_policy_file_names_both_files),
    cmocka_unit_test(test_dry_run_paces_itself_without_touching_the_bookkeeping),
    cmocka_unit_test(test_dry_run_turned_off_by_a_reload_acts_at_once_and_counts_from_zero),
    cmocka_unit_test(test_every_configured_policy_counts_from_zero_before_it_acts),
    cmocka_unit_test(test_engine_prunes_gone_domains_and_saves_only_on_change),
    cmocka_unit_test(test_failed_saves_are_counted_in_the_report_and_the_policy_goes_on),
    cmocka_unit_test(test_captures_of_one_sample_are_saved_once),
    cmocka_unit_test(test_report_has_no_save_errors_family_without_bookkeeping),
    cmocka_unit_test(test_interrupted_restart_is_finished_once_by_the_next_start),
    cmocka_unit_test(test_interrupted_restart_leaves_a_domain_started_or_stopped_by_others_alone),
    cmocka_unit_test(test_a_stopped_engine_starts_no_action),
};

XV_TEST_MAIN(tests)
