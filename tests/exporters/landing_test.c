/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * landing_test.c: unit tests of the landing page's renderer
 * (exporters/landing.h) and of the ring of the last actions it shows
 * (src/policy/history.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/landing.h"
#include "src/policy/history.h"
#include "util/xvalloc.h"
#include "xvtest.h"

/* Names as an operator or a hypervisor could give them. */
#define HOSTILE_DOMAIN "<script>alert(1)</script>"
#define HOSTILE_POLICY "\"&'<b>x"

static char *
render(const xvLandingState *st)
{
    xvBuf buf = XV_BUF_INIT;

    xvLandingRender(st, &buf);
    return xvBufSteal(&buf, NULL);
}

static size_t
countOf(const char *haystack, const char *needle)
{
    size_t n = 0;

    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void
addDomain(xvSnapshot *snap, const char *name, unsigned char state)
{
    xvSnapDomain *dom = xvSnapshotAddDomain(snap);

    dom->name = xvStrdup(name);
    dom->state = state;
}

/* A connected snapshot: 2 running, 1 paused, 1 shutoff, 1 crashed (the
 * hostile name), 1 in a state the page has no name for. */
static xvSnapshot *
fixture(void)
{
    xvSnapshot *snap = xvSnapshotNew();

    snap->seq = 7;
    snap->connected = true;
    snap->durationNs = 2500000;
    snap->timestampNs = 1796526000000000000ull;     /* 2026-12-06 03:00:00Z */
    addDomain(snap, "web01", VIR_DOMAIN_RUNNING);
    addDomain(snap, "web02", VIR_DOMAIN_RUNNING);
    addDomain(snap, "db", VIR_DOMAIN_PAUSED);
    addDomain(snap, "old", VIR_DOMAIN_SHUTOFF);
    addDomain(snap, HOSTILE_DOMAIN, VIR_DOMAIN_CRASHED);
    addDomain(snap, "odd", 42);
    xvSnapshotAddCollector(snap, "domain", 40000, true);
    xvSnapshotAddCollector(snap, "block", 9000, false);
    snap->errorsTotal[XV_CALL_BLOCK_STATS] = 3;
    xvSnapshotFinish(snap);
    return snap;
}

/* ---- escaping ---- */

static void
test_hostile_names_are_escaped(void **state)
{
    xvSnapshot *snap = fixture();
    xvLandingAction action = {
        .atMs = 1796526000000ull, .policy = HOSTILE_POLICY, .domain = HOSTILE_DOMAIN,
        .action = "restart", .result = "dry_run",
        .detail = "reason=crashed <img src=x onerror=alert(1)>\x01",
    };
    xvLandingPolicy policy = {
        .name = HOSTILE_POLICY, .type = "restart", .selection = "names: <i>*</i>",
        .enabled = true, .dryRun = true, .last = &action,
    };
    xvLandingState st = {
        .version = "0.1.0", .uri = "test:///a\"b<c>.xml", .metricsPath = "/metrics",
        .snap = snap, .ready = true, .policies = &policy, .npolicies = 1,
        .actions = &action, .nactions = 1,
    };
    char *page;

    (void)state;
    page = render(&st);
    assert_null(strstr(page, "<script>"));
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "<i>"));
    assert_null(strstr(page, "<b>"));
    assert_null(strstr(page, "\"&'"));
    assert_null(strchr(page, '\x01'));
    /* the domain in the actions table and in the policy's last action */
    assert_int_equal(countOf(page, "&lt;script&gt;alert(1)&lt;/script&gt;"), 2);
    assert_int_equal(countOf(page, "&quot;&amp;&#39;&lt;b&gt;x"), 2);
    assert_non_null(strstr(page, "test:///a&quot;b&lt;c&gt;.xml"));
    assert_non_null(strstr(page, "onerror=alert(1)&gt;\xef\xbf\xbd</td>"));
    free(page);
    xvSnapshotUnref(snap);
}

static void
test_escape_keeps_utf8_and_replaces_controls(void **state)
{
    xvBuf buf = XV_BUF_INIT;

    (void)state;
    xvBufEscapeHTML(&buf, "d\xc3\xa9j\xc3\xa0\tvu\x7f&");
    assert_string_equal(buf.data, "d\xc3\xa9j\xc3\xa0\xef\xbf\xbdvu\xef\xbf\xbd&amp;");
    xvBufFree(&buf);
}

/* ---- content ---- */

static void
test_domains_are_counted_by_state(void **state)
{
    xvSnapshot *snap = fixture();
    xvLandingState st = { .version = "0.1.0", .snap = snap, .ready = true };
    char *page;

    (void)state;
    page = render(&st);
    assert_non_null(strstr(page, "<p id=\"domains-total\">6 domains.</p>"));
    assert_non_null(strstr(page, "id=\"domains-running\">2<"));
    assert_non_null(strstr(page, "id=\"domains-blocked\">0<"));
    assert_non_null(strstr(page, "id=\"domains-paused\">1<"));
    assert_non_null(strstr(page, "id=\"domains-shutdown\">0<"));
    assert_non_null(strstr(page, "id=\"domains-shutoff\">1<"));
    assert_non_null(strstr(page, "id=\"domains-crashed\">1<"));
    assert_non_null(strstr(page, "id=\"domains-other\">1<"));
    /* states never seen stay out, except the six named ones */
    assert_null(strstr(page, "domains-pmsuspended"));
    assert_null(strstr(page, "domains-nostate"));
    /* the collectors and the calls that failed */
    assert_non_null(strstr(page, "<td>block</td><td class=\"bad\">failed</td>"));
    assert_non_null(strstr(page, "<td>domain</td><td class=\"ok\">succeeded</td>"));
    assert_non_null(strstr(page, "since the agent started: 3 (virDomainBlockStats 3)."));
    assert_non_null(strstr(page, "sample 7, "));
    assert_non_null(strstr(page, "took 2.5 ms (taken 2026-12-06 03:00:00Z)"));
    free(page);
    xvSnapshotUnref(snap);
}

static void
test_snapshot_age_is_the_given_one(void **state)
{
    xvSnapshot *snap = fixture();
    xvLandingState st = { .version = "0.1.0", .snap = snap, .ready = true,
                          .snapAgeNs = 185000000000ull };
    char *page;

    (void)state;
    page = render(&st);
    assert_non_null(strstr(page, "sample 7, 3 min 05 s old, took 2.5 ms"));
    free(page);
    xvSnapshotUnref(snap);
}

static void
test_empty_state(void **state)
{
    xvLandingState st = { .version = "0.1.0", .metricsPath = "/metrics" };
    char *page;

    (void)state;
    page = render(&st);
    assert_true(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
    assert_non_null(strstr(page, "<meta name=\"viewport\""));
    assert_null(strstr(page, "<script"));
    assert_non_null(strstr(page, "<code id=\"uri\">xen:///</code>"));
    assert_non_null(strstr(page, "no sample yet"));
    assert_non_null(strstr(page, "<td id=\"ready\"><span class=\"bad\">no</span>"));
    assert_non_null(strstr(page, "id=\"no-policies\""));
    assert_non_null(strstr(page, "id=\"no-actions\""));
    assert_null(strstr(page, "<table id=\"actions\""));
    assert_non_null(strstr(page, "<a id=\"metrics-link\" href=\"./metrics\">"));
    assert_non_null(strstr(page, "href=\"-/healthy\""));
    assert_non_null(strstr(page, "href=\"-/ready\""));
    assert_int_equal(countOf(page, "<table"), countOf(page, "</table>"));
    assert_true(strlen(page) > 16 && strcmp(page + strlen(page) - 15, "</body></html>\n") == 0);
    free(page);
}

static void
test_down_shows_the_error(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();
    xvLandingState st = { .version = "0.1.0", .snap = snap, .lastError = "no <Xen> here" };
    char *page;

    (void)state;
    snap->seq = 1;
    xvSnapshotFinish(snap);
    page = render(&st);
    assert_non_null(strstr(page, "<span class=\"bad\">down</span>"));
    assert_non_null(strstr(page, ": no &lt;Xen&gt; here</td>"));
    assert_non_null(strstr(page, "Not known: the last sample did not reach"));
    free(page);
    xvSnapshotUnref(snap);
}

static void
test_metrics_link_follows_the_path(void **state)
{
    xvLandingState st = { .version = "0.1.0", .metricsPath = "/x/\"m" };
    char *page;

    (void)state;
    page = render(&st);
    assert_non_null(strstr(page, "href=\"./x/&quot;m\">Metrics (/x/&quot;m)</a>"));
    free(page);
}

/* ---- the URI ---- */

static void
test_uri_credentials_are_masked(void **state)
{
    static const struct { const char *in, *out; } cases[] = {
        { "xen+ssh://root:s3cret@host/system", "xen+ssh://root:xxxxx@host/system" },
        { "xen+ssh://root@host/", "xen+ssh://root@host/" },
        { "xen+tcp://u:p:q@h:16509/?password=a&no_verify=1&Auth_Token=b#f",
          "xen+tcp://u:xxxxx@h:16509/?password=xxxxx&no_verify=1&Auth_Token=xxxxx#f" },
        { "test:///tmp/node.xml?journal=/tmp/j", "test:///tmp/node.xml?journal=/tmp/j" },
        { "test:///a@b:c/node.xml", "test:///a@b:c/node.xml" },
        { "xen:///", "xen:///" },
        { "", "xen:///" },
        { NULL, "xen:///" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = xvLandingRedactURI(cases[i].in);

        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

/* ---- the ring of the last actions ---- */

static void
addRecord(xvPolicyHistory *h, const char *policy, unsigned int i)
{
    char domain[32];
    xvPolicyRecord rec = { .atMs = 1796526000000ull + i * 1000u, .policy = (char *)policy,
                           .domain = domain, .action = XV_POLICY_ACTION_RESTART,
                           .result = XV_POLICY_RESULT_DRY_RUN, .detail = (char *)"d" };

    snprintf(domain, sizeof(domain), "dom-%02u", i);
    xvPolicyHistoryAdd(h, &rec);
}

/* The records as the agent hands them to the page. */
static xvLandingAction *
asActions(const xvPolicyRecord *recs, size_t n)
{
    xvLandingAction *out = xvAllocN(n + 1, sizeof(*out));
    size_t i;

    for (i = 0; i < n; i++) {
        out[i].atMs = recs[i].atMs;
        out[i].policy = recs[i].policy;
        out[i].domain = recs[i].domain;
        out[i].action = xvPolicyActionKindName(recs[i].action);
        out[i].result = xvPolicyResultName(recs[i].result);
        out[i].detail = recs[i].detail;
    }
    return out;
}

static void
test_ring_wraps_around_newest_first(void **state)
{
    xvPolicyHistory h = XV_POLICY_HISTORY_INIT(3);
    xvPolicyRecord *recs;
    size_t n;
    unsigned int i;

    (void)state;
    recs = xvPolicyHistoryCopy(&h, &n);
    assert_null(recs);
    assert_int_equal(n, 0);
    for (i = 1; i <= 5; i++)
        addRecord(&h, i % 2 ? "odd" : "even", i);
    recs = xvPolicyHistoryCopy(&h, &n);
    assert_int_equal(n, 3);
    assert_string_equal(recs[0].domain, "dom-05");
    assert_string_equal(recs[1].domain, "dom-04");
    assert_string_equal(recs[2].domain, "dom-03");
    assert_int_equal(recs[0].atMs, 1796526005000ull);
    /* each policy's last, even once the ring has dropped it */
    assert_string_equal(xvPolicyHistoryLastOf(&h, "odd")->domain, "dom-05");
    assert_string_equal(xvPolicyHistoryLastOf(&h, "even")->domain, "dom-04");
    assert_null(xvPolicyHistoryLastOf(&h, "none"));
    xvPolicyRecordsFree(recs, n);
    xvPolicyHistoryClear(&h);
}

static void
test_page_shows_the_bounded_ring(void **state)
{
    xvPolicyHistory h = XV_POLICY_HISTORY_INIT(0);
    xvLandingState st = { .version = "0.1.0" };
    xvLandingAction *actions;
    xvPolicyRecord *recs;
    const char *p25, *p6;
    char *page;
    size_t n;
    unsigned int i;

    (void)state;
    for (i = 1; i <= XV_POLICY_HISTORY_MAX + 5; i++)
        addRecord(&h, "restart", i);
    recs = xvPolicyHistoryCopy(&h, &n);
    assert_int_equal(n, XV_POLICY_HISTORY_MAX);
    actions = asActions(recs, n);
    st.actions = actions;
    st.nactions = n;
    page = render(&st);
    assert_int_equal(countOf(page, "<tr><td class=\"t name\""), XV_POLICY_HISTORY_MAX);
    /* 25 added: 6..25 shown, newest first; 1..5 dropped */
    p25 = strstr(page, "<td data-label=\"Domain\">dom-25</td>");
    p6 = strstr(page, "<td data-label=\"Domain\">dom-06</td>");
    assert_non_null(p25);
    assert_non_null(p6);
    assert_true(p25 < p6);
    assert_null(strstr(page, "<td data-label=\"Domain\">dom-05</td>"));
    assert_null(strstr(page, "<td data-label=\"Domain\">dom-01</td>"));
    assert_non_null(strstr(page, "<tr><td class=\"t name\" data-label=\"Time\">"
                                 "2026-12-06 03:00:25Z</td>"
                                 "<td data-label=\"Policy\">restart</td>"
                                 "<td data-label=\"Domain\">dom-25</td>"
                                 "<td data-label=\"Action\">restart</td>"
                                 "<td class=\"dry\" data-label=\"Result\">dry_run</td>"
                                 "<td class=\"d\" data-label=\"Detail\">d</td></tr>"));
    free(page);
    free(actions);
    xvPolicyRecordsFree(recs, n);
    xvPolicyHistoryClear(&h);
}

static void
test_long_detail_is_cut_on_a_character(void **state)
{
    xvPolicyHistory h = XV_POLICY_HISTORY_INIT(2);
    char detail[XV_POLICY_RECORD_DETAIL_MAX + 10];
    xvPolicyRecord rec = { .policy = (char *)"p", .domain = (char *)"d", .detail = detail };
    xvPolicyRecord *recs;
    size_t n;

    (void)state;
    /* "a" then two-byte characters: the limit falls inside one */
    memset(detail, 0, sizeof(detail));
    detail[0] = 'a';
    for (size_t i = 1; i + 1 < sizeof(detail) - 1; i += 2) {
        detail[i] = '\xc3';
        detail[i + 1] = '\xa9';
    }
    xvPolicyHistoryAdd(&h, &rec);
    recs = xvPolicyHistoryCopy(&h, &n);
    assert_int_equal(n, 1);
    assert_int_equal(strlen(recs[0].detail), XV_POLICY_RECORD_DETAIL_MAX - 1);
    assert_int_equal((unsigned char)recs[0].detail[XV_POLICY_RECORD_DETAIL_MAX - 2], 0xa9);
    xvPolicyRecordsFree(recs, n);
    xvPolicyHistoryClear(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hostile_names_are_escaped),
    cmocka_unit_test(test_escape_keeps_utf8_and_replaces_controls),
    cmocka_unit_test(test_domains_are_counted_by_state),
    cmocka_unit_test(test_snapshot_age_is_the_given_one),
    cmocka_unit_test(test_empty_state),
    cmocka_unit_test(test_down_shows_the_error),
    cmocka_unit_test(test_metrics_link_follows_the_path),
    cmocka_unit_test(test_uri_credentials_are_masked),
    cmocka_unit_test(test_ring_wraps_around_newest_first),
    cmocka_unit_test(test_page_shows_the_bounded_ring),
    cmocka_unit_test(test_long_detail_is_cut_on_a_character),
};

XV_TEST_MAIN(tests)
