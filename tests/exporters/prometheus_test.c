/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prometheus_test.c: unit tests of the Prometheus/OpenMetrics renderer. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promfixture.h"
#include "util/xvmacros.h"
#include "xvtest.h"

/* ---- helpers ---- */

static char *
renderFull(const xvSnapshot *snap, xvPromFormat fmt)
{
    xvPromSelf self;

    promFixtureSelf(&self);
    return promFixtureExposition(snap, &self, fmt, NULL);
}

static size_t
countLines(const char *text)
{
    size_t n = 0;

    for (; *text; text++) {
        if (*text == '\n')
            n++;
    }
    return n;
}

/* Fails unless @line (without its newline) is a whole line of @text. */
static void
assertHasLine(const char *text, const char *line)
{
    size_t len = strlen(line);
    const char *p = text;

    while ((p = strstr(p, line))) {
        if ((p == text || p[-1] == '\n') && p[len] == '\n')
            return;
        p++;
    }
    fail_msg("no line '%s' in the output", line);
}

static bool
hasPrefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
hasSuffix(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

typedef struct {
    const char *key;    /* a sample line up to its value: name{labels} */
    size_t len;
} seriesKey;

static int
compareSeriesKeys(const void *a, const void *b)
{
    const seriesKey *ka = a;
    const seriesKey *kb = b;
    int cmp = memcmp(ka->key, kb->key, ka->len < kb->len ? ka->len : kb->len);

    if (cmp != 0)
        return cmp;
    return (ka->len > kb->len) - (ka->len < kb->len);
}

typedef struct {
    size_t families;
    size_t samples;
    size_t units;
} structureCounts;

/* What checkStructure() has seen so far. */
typedef struct {
    bool om;
    structureCounts counts;
    char *seen[128];          /* family names declared */
    size_t nseen;
    char family[256];         /* the current family and its type */
    char type[32];
    seriesKey *keys;
    size_t nkeys, capkeys;
} structureState;

/* Reads the line at *@line ("# HELP ..."), its TYPE and UNIT; moves *@line past them. */
static void
checkHeader(structureState *st, const char **line)
{
    const char *name = *line + strlen("# HELP ");
    size_t namelen = strcspn(name, " \n");
    const char *nl = strchr(*line, '\n');
    char prefix[300];
    size_t i, len;

    assert_true(namelen < sizeof(st->family));
    memcpy(st->family, name, namelen);
    st->family[namelen] = '\0';
    for (i = 0; i < st->nseen; i++) {
        if (strcmp(st->seen[i], st->family) == 0)
            fail_msg("family %s declared twice", st->family);
    }
    assert_true(st->nseen < XV_N_ELEMENTS(st->seen));
    st->seen[st->nseen++] = strdup(st->family);
    st->counts.families++;

    /* TYPE right after HELP */
    *line = nl + 1;
    nl = strchr(*line, '\n');
    assert_non_null(nl);
    snprintf(prefix, sizeof(prefix), "# TYPE %s ", st->family);
    if (!hasPrefix(*line, prefix))
        fail_msg("HELP of %s not followed by its TYPE", st->family);
    len = (size_t)(nl - *line) - strlen(prefix);
    assert_true(len < sizeof(st->type));
    memcpy(st->type, *line + strlen(prefix), len);
    st->type[len] = '\0';
    if (st->om) {
        assert_true(strcmp(st->type, "gauge") == 0 || strcmp(st->type, "counter") == 0 ||
                    strcmp(st->type, "info") == 0);
        /* OpenMetrics families carry no sample suffix */
        assert_false(hasSuffix(st->family, namelen, "_total"));
        assert_false(hasSuffix(st->family, namelen, "_info"));
    } else {
        assert_true(strcmp(st->type, "gauge") == 0 || strcmp(st->type, "counter") == 0);
        if (strcmp(st->type, "counter") == 0)
            assert_true(hasSuffix(st->family, namelen, "_total"));
    }

    if (st->om && hasPrefix(nl + 1, "# UNIT ")) {
        const char *unit;
        size_t unitlen;

        *line = nl + 1;
        nl = strchr(*line, '\n');
        snprintf(prefix, sizeof(prefix), "# UNIT %s ", st->family);
        assert_true(hasPrefix(*line, prefix));
        unit = *line + strlen(prefix);
        unitlen = (size_t)(nl - unit);
        /* the unit is a suffix of the family name */
        assert_true(namelen > unitlen);
        assert_memory_equal(st->family + namelen - unitlen, unit, unitlen);
        assert_int_equal(st->family[namelen - unitlen - 1], '_');
        st->counts.units++;
    }
    *line = nl;
}

/* Checks the sample line @line (@len bytes) against the current family. */
static void
checkSample(structureState *st, const char *line, size_t len)
{
    size_t namelen = strcspn(line, "{ ");
    const char *space = memrchr(line, ' ', len);
    char expect[300];

    assert_true(st->family[0] != '\0');    /* a sample before any HELP */
    if (st->om && strcmp(st->type, "counter") == 0)
        snprintf(expect, sizeof(expect), "%s_total", st->family);
    else if (st->om && strcmp(st->type, "info") == 0)
        snprintf(expect, sizeof(expect), "%s_info", st->family);
    else
        snprintf(expect, sizeof(expect), "%s", st->family);
    if (namelen != strlen(expect) || memcmp(line, expect, namelen) != 0)
        fail_msg("sample %.*s under family %s", (int)namelen, line, st->family);
    if (hasSuffix(expect, strlen(expect), "_info"))
        assert_true(hasSuffix(line, len, "} 1"));
    assert_non_null(space);
    if (st->nkeys == st->capkeys) {
        st->capkeys = st->capkeys ? st->capkeys * 2 : 1024;
        st->keys = realloc(st->keys, st->capkeys * sizeof(*st->keys));
        assert_non_null(st->keys);
    }
    st->keys[st->nkeys].key = line;
    st->keys[st->nkeys].len = (size_t)(space - line);
    st->nkeys++;
    st->counts.samples++;
}

/*
 * Checks the exposition rules on @text: HELP then TYPE (then UNIT) once per
 * family and before its samples, families never interleaved or repeated,
 * sample names matching their family (the _total/_info rules of each
 * format), no series twice, OpenMetrics ending with exactly one "# EOF".
 */
static structureCounts
checkStructure(const char *text, xvPromFormat fmt)
{
    structureState st = { .om = fmt == XV_PROM_FORMAT_OPENMETRICS };
    const char *line = text;
    bool eof = false;
    size_t i;

    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len;

        assert_non_null(nl);
        len = (size_t)(nl - line);
        assert_true(len > 0);
        assert_false(eof);     /* nothing after # EOF */
        if (st.om && len == 5 && memcmp(line, "# EOF", 5) == 0) {
            eof = true;
        } else if (hasPrefix(line, "# HELP ")) {
            checkHeader(&st, &line);
            nl = line;
        } else if (line[0] == '#') {
            fail_msg("unexpected comment line: %.*s", (int)len, line);
        } else {
            checkSample(&st, line, len);
        }
        line = nl + 1;
    }
    assert_int_equal(eof, st.om);
    if (st.nkeys > 1)
        qsort(st.keys, st.nkeys, sizeof(*st.keys), compareSeriesKeys);
    for (i = 1; i < st.nkeys; i++) {
        if (compareSeriesKeys(&st.keys[i - 1], &st.keys[i]) == 0)
            fail_msg("series %.*s twice", (int)st.keys[i].len, st.keys[i].key);
    }
    free(st.keys);
    for (i = 0; i < st.nseen; i++)
        free(st.seen[i]);
    return st.counts;
}

/* ---- goldens ---- */

static void
test_text_exposition_matches_golden(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = renderFull(snap, XV_PROM_FORMAT_TEXT);

    (void)state;
    xvTestCompareGolden(text, "exporters/golden.prom");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_openmetrics_exposition_matches_golden(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = renderFull(snap, XV_PROM_FORMAT_OPENMETRICS);

    (void)state;
    xvTestCompareGolden(text, "exporters/golden.om");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_hypervisor_down_text_matches_golden(void **state)
{
    xvSnapshot *snap = promFixtureDown();
    char *text = renderFull(snap, XV_PROM_FORMAT_TEXT);

    (void)state;
    xvTestCompareGolden(text, "exporters/down.prom");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_hypervisor_down_openmetrics_matches_golden(void **state)
{
    xvSnapshot *snap = promFixtureDown();
    char *text = renderFull(snap, XV_PROM_FORMAT_OPENMETRICS);

    (void)state;
    xvTestCompareGolden(text, "exporters/down.om");
    free(text);
    xvSnapshotUnref(snap);
}

/* ---- structure ---- */

static void
test_text_families_have_help_and_type_once_before_samples(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = renderFull(snap, XV_PROM_FORMAT_TEXT);
    structureCounts c = checkStructure(text, XV_PROM_FORMAT_TEXT);

    (void)state;
    /* every family of the design is in the golden snapshot */
    assert_int_equal(c.families, 57);
    assert_int_equal(c.units, 0);
    assert_int_equal(countLines(text), 2 * c.families + c.samples);
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_openmetrics_families_have_help_type_and_unit_before_samples(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = renderFull(snap, XV_PROM_FORMAT_OPENMETRICS);
    structureCounts c = checkStructure(text, XV_PROM_FORMAT_OPENMETRICS);

    (void)state;
    assert_int_equal(c.families, 57);
    assert_int_equal(c.units, 23);
    assert_int_equal(countLines(text), 2 * c.families + c.units + c.samples + 1);
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_openmetrics_ends_with_one_eof_after_self_metrics(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = renderFull(snap, XV_PROM_FORMAT_OPENMETRICS);
    size_t len = strlen(text);
    char *body = xvPromRender(snap, XV_PROM_FORMAT_OPENMETRICS, NULL);

    (void)state;
    assert_true(len > 6);
    assert_string_equal(text + len - 6, "# EOF\n");
    assert_ptr_equal(strstr(text, "# EOF"), text + len - 6);
    /* the cached body has no EOF: [body][self][end] concatenate */
    assert_null(strstr(body, "# EOF"));
    assert_true(hasPrefix(text, body));
    free(body);
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_openmetrics_counters_are_declared_without_total(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *om = renderFull(snap, XV_PROM_FORMAT_OPENMETRICS);
    char *text = renderFull(snap, XV_PROM_FORMAT_TEXT);

    (void)state;
    assertHasLine(om, "# TYPE xvirt_domain_cpu_seconds counter");
    assertHasLine(om, "# UNIT xvirt_domain_cpu_seconds seconds");
    assertHasLine(om, "# TYPE xvirt_scrapes counter");
    assertHasLine(om, "xvirt_scrapes_total 7");
    assertHasLine(om, "# TYPE xvirt_config_reloads counter");
    assertHasLine(text, "# TYPE xvirt_domain_cpu_seconds_total counter");
    assertHasLine(text, "# TYPE xvirt_sample_errors_total counter");
    assertHasLine(text, "xvirt_scrapes_total 7");
    assert_null(strstr(text, "# UNIT"));
    free(om);
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_info_metrics_are_info_in_openmetrics_and_gauges_in_text(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *om = renderFull(snap, XV_PROM_FORMAT_OPENMETRICS);
    char *text = renderFull(snap, XV_PROM_FORMAT_TEXT);

    (void)state;
    assertHasLine(om, "# TYPE xvirt_node info");
    assertHasLine(om, "# TYPE xvirt_domain info");
    assertHasLine(om, "# TYPE xvirt_vcpu_affinity info");
    assertHasLine(om, "# TYPE xvirt_build info");
    assertHasLine(text, "# TYPE xvirt_node_info gauge");
    assertHasLine(text, "# TYPE xvirt_build_info gauge");
    assertHasLine(text, "xvirt_node_info{model=\"x86_64\",hypervisor=\"Xen\","
                  "hypervisor_version=\"4.17.0\"} 1");
    assertHasLine(om, "xvirt_build_info{version=\"0.1.0\",api=\"libxvirt 0.1.0\"} 1");
    free(om);
    free(text);
    xvSnapshotUnref(snap);
}

/* ---- contents ---- */

static void
test_label_values_escape_backslash_quote_and_newline(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);

    (void)state;
    assertHasLine(text, "xvirt_domain_state{domain=\"we\\\"ird\\\\name\","
                  "uuid=\"20212223-2425-2627-2829-2a2b2c2d2e2f\"} 3");
    assertHasLine(text, "xvirt_domain_state{domain=\"new\\nline\","
                  "uuid=\"30313233-3435-3637-3839-3a3b3c3d3e3f\"} 6");
    /* the raw newline never reaches the output */
    assert_null(strstr(text, "new\nline"));
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_invalid_utf8_in_names_becomes_replacement_characters(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);

    (void)state;
    /* \xff and the truncated \xc3 each become U+FFFD; valid UTF-8 is kept */
    assertHasLine(text, "xvirt_domain_id{domain=\"zz-bad-\xef\xbf\xbd\xef\xbf\xbd\","
                  "uuid=\"60616263-6465-6667-6869-6a6b6c6d6e6f\"} 15");
    assertHasLine(text, "xvirt_domain_id{domain=\"caf\xc3\xa9\","
                  "uuid=\"50515253-5455-5657-5859-5a5b5c5d5e5f\"} 14");
    assert_null(strstr(text, "\xff"));
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_series_are_ordered_by_domain_name_then_vcpu(void **state)
{
    static const char *const expected[] = {
        "Domain-0\",uuid=\"00010203-0405-0607-0809-0a0b0c0d0e0f\",vcpu=\"0\"",
        "Domain-0\",uuid=\"00010203-0405-0607-0809-0a0b0c0d0e0f\",vcpu=\"1\"",
        "Domain-0\",uuid=\"00010203-0405-0607-0809-0a0b0c0d0e0f\",vcpu=\"2\"",
        "Domain-0\",uuid=\"00010203-0405-0607-0809-0a0b0c0d0e0f\",vcpu=\"3\"",
        "caf\xc3\xa9\",uuid=\"50515253-5455-5657-5859-5a5b5c5d5e5f\",vcpu=\"0\"",
        "db\",uuid=\"40414243-4445-4647-4849-4a4b4c4d4e4f\",vcpu=\"0\"",
        "we\\\"ird\\\\name\",uuid=\"20212223-2425-2627-2829-2a2b2c2d2e2f\",vcpu=\"0\"",
        "web\",uuid=\"10111213-1415-1617-1819-1a1b1c1d1e1f\",vcpu=\"0\"",
        "web\",uuid=\"10111213-1415-1617-1819-1a1b1c1d1e1f\",vcpu=\"1\"",
        "zz-bad-\xef\xbf\xbd\xef\xbf\xbd\",uuid=\"60616263-6465-6667-6869-6a6b6c6d6e6f\","
        "vcpu=\"0\"",
    };
    xvSnapshot *snap = promFixtureGolden();
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
    const char *p = text;
    size_t i = 0;

    (void)state;
    while ((p = strstr(p, "\nxvirt_vcpu_cpu{domain=\""))) {
        p += strlen("\nxvirt_vcpu_cpu{domain=\"");
        assert_true(i < XV_N_ELEMENTS(expected));
        if (!hasPrefix(p, expected[i]))
            fail_msg("series %zu is %.60s, expected %s", i, p, expected[i]);
        i++;
    }
    assert_int_equal(i, XV_N_ELEMENTS(expected));
    /* Domain-0's vcpus were added in reverse order: their values moved with them */
    assertHasLine(text, "xvirt_vcpu_cpu{domain=\"Domain-0\","
                  "uuid=\"00010203-0405-0607-0809-0a0b0c0d0e0f\",vcpu=\"3\"} 3");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_domain_whose_getvcpus_failed_has_no_vcpu_series(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
    const char *p = text;
    size_t domainLines = 0;

    (void)state;
    while ((p = strstr(p, "{domain=\"new\\nline\""))) {
        const char *bol = p;

        while (bol > text && bol[-1] != '\n')
            bol--;
        assert_false(hasPrefix(bol, "xvirt_vcpu_"));
        domainLines++;
        p++;
    }
    /* info, id, state, cpu seconds, memory, max memory, vcpus */
    assert_int_equal(domainLines, 7);
    assertHasLine(text, "xvirt_domain_info{domain=\"new\\nline\","
                  "uuid=\"30313233-3435-3637-3839-3a3b3c3d3e3f\",os_type=\"\"} 1");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_offline_vcpu_reports_cpu_minus_one_and_state_zero(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);

    (void)state;
    assertHasLine(text, "xvirt_vcpu_cpu{domain=\"db\",uuid=\"40414243-4445-4647-4849-"
                  "4a4b4c4d4e4f\",vcpu=\"0\"} -1");
    assertHasLine(text, "xvirt_vcpu_state{domain=\"db\",uuid=\"40414243-4445-4647-4849-"
                  "4a4b4c4d4e4f\",vcpu=\"0\"} 0");
    assertHasLine(text, "xvirt_vcpu_affinity_info{domain=\"web\",uuid=\"10111213-1415-1617-"
                  "1819-1a1b1c1d1e1f\",vcpu=\"1\",cpus=\"0-3,5,7\"} 1");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_sample_errors_list_every_call_with_cumulative_counts(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
    size_t n = 0;
    const char *p = text;

    (void)state;
    while ((p = strstr(p, "\nxvirt_sample_errors_total{call=\""))) {
        n++;
        p++;
    }
    assert_int_equal(n, XV_CALL_LAST);
    assertHasLine(text, "xvirt_sample_errors_total{call=\"virDomainGetVcpus\"} 3");
    assertHasLine(text, "xvirt_sample_errors_total{call=\"virConnectOpenReadOnly\"} 0");
    assertHasLine(text, "xvirt_scrape_collector_success{collector=\"vcpu\"} 0");
    assertHasLine(text, "xvirt_scrape_collector_duration_seconds{collector=\"node\"} 0.000123456");
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_node_failure_keeps_node_info_and_drops_node_gauges(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();
    char *text;

    (void)state;
    snap->connected = true;
    snap->hvType = strdup("Xen");
    xvSnapshotFinish(snap);
    text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
    assertHasLine(text, "xvirt_node_info{model=\"\",hypervisor=\"Xen\",hypervisor_version=\"\"} 1");
    assert_null(strstr(text, "xvirt_node_cpus"));
    assertHasLine(text, "xvirt_domains 0");
    assertHasLine(text, "xvirt_hypervisor_up 1");
    /* no domain, no vcpu, no collector: those families are left out */
    assert_null(strstr(text, "xvirt_domain_"));
    assert_null(strstr(text, "xvirt_vcpu_"));
    assert_null(strstr(text, "xvirt_scrape_collector_"));
    checkStructure(text, XV_PROM_FORMAT_TEXT);
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_seconds_are_exact_decimals_from_nanoseconds(void **state)
{
    static const struct {
        uint64_t ns;
        const char *text;
    } cases[] = {
        { 0, "0" },
        { 1, "0.000000001" },
        { 10, "0.00000001" },
        { 999999999, "0.999999999" },
        { 1000000000, "1" },
        { 1500000000, "1.5" },
        { 12345678901ULL, "12.345678901" },
        { 1700000000123456789ULL, "1700000000.123456789" },
        { UINT64_MAX, "18446744073.709551615" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        xvSnapshot *snap = xvSnapshotNew();
        char line[128];
        char *text;

        snap->durationNs = cases[i].ns;
        xvSnapshotFinish(snap);
        text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
        snprintf(line, sizeof(line), "xvirt_sample_duration_seconds %s", cases[i].text);
        assertHasLine(text, line);
        free(text);
        xvSnapshotUnref(snap);
    }
}

static void
test_integers_cover_the_full_range(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();
    xvSnapDomain *dom;
    xvSnapVcpu *v;
    char *text;

    (void)state;
    snap->connected = true;
    dom = xvSnapshotAddDomain(snap);
    dom->name = strdup("big");
    dom->id = -1;
    dom->memKiB = UINT64_MAX / 1024;
    dom->maxMemKiB = 0;
    dom->nrVirtCpu = 4294967295u;
    dom->vcpusOk = true;
    v = xvSnapshotAddVcpus(snap, dom, 1);
    v->number = 4294967295u;
    v->cpu = -2147483647 - 1;
    v->state = 2;
    v->affinityCount = 100;
    xvSnapshotFinish(snap);
    text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
    assertHasLine(text, "xvirt_domain_id{domain=\"big\",uuid=\"\"} -1");
    assertHasLine(text, "xvirt_domain_memory_bytes{domain=\"big\",uuid=\"\"} 18446744073709550592");
    assertHasLine(text, "xvirt_domain_memory_max_bytes{domain=\"big\",uuid=\"\"} 0");
    assertHasLine(text, "xvirt_domain_vcpus{domain=\"big\",uuid=\"\"} 4294967295");
    assertHasLine(text, "xvirt_vcpu_cpu{domain=\"big\",uuid=\"\",vcpu=\"4294967295\"} -2147483648");
    assertHasLine(text, "xvirt_vcpu_state{domain=\"big\",uuid=\"\",vcpu=\"4294967295\"} 2");
    assertHasLine(text, "xvirt_vcpu_affinity_cpus{domain=\"big\",uuid=\"\","
                  "vcpu=\"4294967295\"} 100");
    /* maplen 0: the affinity is unknown, so no CPU list is claimed */
    assert_null(strstr(text, "xvirt_vcpu_affinity_info"));
    free(text);
    xvSnapshotUnref(snap);
}

static void
test_cpu_lists_compress_ranges_across_bytes(void **state)
{
    static const struct {
        unsigned char map[3];
        const char *cpus;
    } cases[] = {
        { { 0x0f, 0x01, 0x00 }, "0-3,8" },
        { { 0x00, 0x00, 0x00 }, "" },
        { { 0xff, 0xff, 0xff }, "0-23" },
        { { 0x2a, 0x00, 0x00 }, "1,3,5" },
        { { 0x80, 0x01, 0x00 }, "7-8" },
        { { 0x00, 0x00, 0x80 }, "23" },
        { { 0x01, 0x00, 0x80 }, "0,23" },
        { { 0xfe, 0xff, 0x7f }, "1-22" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        xvSnapshot *snap = xvSnapshotNew();
        xvSnapDomain *dom;
        char line[256];
        char *text;

        snap->connected = true;
        snap->maplen = 3;
        dom = xvSnapshotAddDomain(snap);
        dom->name = strdup("d");
        dom->vcpusOk = true;
        xvSnapshotAddVcpus(snap, dom, 1);
        memcpy(xvSnapshotVcpuMap(snap, 0), cases[i].map, 3);
        xvSnapshotFinish(snap);
        text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, NULL);
        snprintf(line, sizeof(line),
                 "xvirt_vcpu_affinity_info{domain=\"d\",uuid=\"\",vcpu=\"0\",cpus=\"%s\"} 1",
                 cases[i].cpus);
        assertHasLine(text, line);
        free(text);
        xvSnapshotUnref(snap);
    }
}

/* ---- API ---- */

static void
test_render_is_deterministic_and_appends(void **state)
{
    xvSnapshot *snap = promFixtureGolden();
    size_t len1, len2;
    char *a = xvPromRender(snap, XV_PROM_FORMAT_OPENMETRICS, &len1);
    char *b = xvPromRender(snap, XV_PROM_FORMAT_OPENMETRICS, &len2);
    xvBuf buf = XV_BUF_INIT;

    (void)state;
    assert_int_equal(len1, strlen(a));
    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1);
    /* RenderBody appends after what the buffer holds */
    xvBufReserve(&buf, 3);
    memcpy(buf.data, "xx\n", 3);
    buf.len = 3;
    xvPromRenderBody(snap, XV_PROM_FORMAT_OPENMETRICS, &buf);
    assert_int_equal(buf.len, len1 + 3);
    assert_memory_equal(buf.data + 3, a, len1);
    assert_int_equal(buf.data[buf.len], '\0');
    xvBufFree(&buf);
    free(a);
    free(b);
    xvSnapshotUnref(snap);
}

static void
test_self_metrics_leave_out_age_without_snapshot(void **state)
{
    xvPromSelf self;
    xvBuf buf = XV_BUF_INIT;
    structureCounts c;

    (void)state;
    promFixtureSelf(&self);
    self.haveSnapshot = false;
    self.reloadOk = false;
    self.version = NULL;
    self.api = "libvirt 9.0.0";
    xvPromRenderSelf(&self, XV_PROM_FORMAT_TEXT, &buf);
    xvPromRenderEnd(XV_PROM_FORMAT_TEXT, &buf);
    assert_null(strstr(buf.data, "xvirt_snapshot_age_seconds"));
    assertHasLine(buf.data, "xvirt_build_info{version=\"\",api=\"libvirt 9.0.0\"} 1");
    assertHasLine(buf.data, "xvirt_config_last_reload_successful 0");
    assertHasLine(buf.data, "xvirt_config_reloads_total{result=\"failure\"} 1");
    c = checkStructure(buf.data, XV_PROM_FORMAT_TEXT);
    assert_int_equal(c.families, 5);
    assert_int_equal(c.samples, 6);
    xvBufFree(&buf);
}

static void
test_end_is_eof_for_openmetrics_and_nothing_for_text(void **state)
{
    xvBuf buf = XV_BUF_INIT;

    (void)state;
    xvPromRenderEnd(XV_PROM_FORMAT_TEXT, &buf);
    assert_int_equal(buf.len, 0);
    assert_string_equal(buf.data, "");
    xvPromRenderEnd(XV_PROM_FORMAT_OPENMETRICS, &buf);
    assert_string_equal(buf.data, "# EOF\n");
    xvBufFree(&buf);
}

static void
test_content_types_name_the_format_versions(void **state)
{
    (void)state;
    assert_string_equal(xvPromContentType(XV_PROM_FORMAT_TEXT),
                        "text/plain; version=0.0.4; charset=utf-8");
    assert_string_equal(xvPromContentType(XV_PROM_FORMAT_OPENMETRICS),
                        "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assert_null(xvPromContentType(XV_PROM_FORMAT_LAST));
}

static void
test_thousand_domains_of_four_vcpus_render_every_line(void **state)
{
    xvSnapshot *snap = promFixtureLarge(1000, 4);
    size_t len;
    char *text = xvPromRender(snap, XV_PROM_FORMAT_TEXT, &len);
    xvBuf om = XV_BUF_INIT;
    structureCounts c;

    (void)state;
    /*
     * node: 9 families of 1 sample; domains: xvirt_domains plus 7 families
     * of 1000; vcpus: 5 families of 4000; sampler: 3 families of 1, the
     * errors of every call, 2 collector families of 3.
     */
    c = checkStructure(text, XV_PROM_FORMAT_TEXT);
    assert_int_equal(c.families, 9 + 8 + 5 + 6);
    assert_int_equal(c.samples, 9 + 1 + 7 * 1000 + 5 * 4000 + 3 + XV_CALL_LAST + 2 * 3);
    /* text: HELP and TYPE lines, then the samples */
    assert_int_equal(countLines(text), 2 * 28 + 27019 + XV_CALL_LAST);
    assert_int_equal(len, strlen(text));
    /* OpenMetrics: 9 UNIT lines more, and the EOF */
    xvPromRenderBody(snap, XV_PROM_FORMAT_OPENMETRICS, &om);
    xvPromRenderEnd(XV_PROM_FORMAT_OPENMETRICS, &om);
    c = checkStructure(om.data, XV_PROM_FORMAT_OPENMETRICS);
    assert_int_equal(c.families, 28);
    assert_int_equal(c.units, 9);
    assert_int_equal(countLines(om.data), 2 * 28 + 9 + 27019 + XV_CALL_LAST + 1);
    assertHasLine(text, "xvirt_domains 1000");
    assertHasLine(text, "xvirt_vcpu_affinity_info{domain=\"dom-00999\","
                  "uuid=\"70717273-7475-7677-7879-7a7b7c7d7e7f\",vcpu=\"3\",cpus=\"0-63\"} 1");
    xvBufFree(&om);
    free(text);
    xvSnapshotUnref(snap);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_text_exposition_matches_golden),
    cmocka_unit_test(test_openmetrics_exposition_matches_golden),
    cmocka_unit_test(test_hypervisor_down_text_matches_golden),
    cmocka_unit_test(test_hypervisor_down_openmetrics_matches_golden),
    cmocka_unit_test(test_text_families_have_help_and_type_once_before_samples),
    cmocka_unit_test(test_openmetrics_families_have_help_type_and_unit_before_samples),
    cmocka_unit_test(test_openmetrics_ends_with_one_eof_after_self_metrics),
    cmocka_unit_test(test_openmetrics_counters_are_declared_without_total),
    cmocka_unit_test(test_info_metrics_are_info_in_openmetrics_and_gauges_in_text),
    cmocka_unit_test(test_label_values_escape_backslash_quote_and_newline),
    cmocka_unit_test(test_invalid_utf8_in_names_becomes_replacement_characters),
    cmocka_unit_test(test_series_are_ordered_by_domain_name_then_vcpu),
    cmocka_unit_test(test_domain_whose_getvcpus_failed_has_no_vcpu_series),
    cmocka_unit_test(test_offline_vcpu_reports_cpu_minus_one_and_state_zero),
    cmocka_unit_test(test_sample_errors_list_every_call_with_cumulative_counts),
    cmocka_unit_test(test_node_failure_keeps_node_info_and_drops_node_gauges),
    cmocka_unit_test(test_seconds_are_exact_decimals_from_nanoseconds),
    cmocka_unit_test(test_integers_cover_the_full_range),
    cmocka_unit_test(test_cpu_lists_compress_ranges_across_bytes),
    cmocka_unit_test(test_render_is_deterministic_and_appends),
    cmocka_unit_test(test_self_metrics_leave_out_age_without_snapshot),
    cmocka_unit_test(test_end_is_eof_for_openmetrics_and_nothing_for_text),
    cmocka_unit_test(test_content_types_name_the_format_versions),
    cmocka_unit_test(test_thousand_domains_of_four_vcpus_render_every_line),
};

XV_TEST_MAIN(tests)
