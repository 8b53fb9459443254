/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prom_writer_test.c: unit tests of the metrics writer (exporters/prom_writer.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/prom_writer.h"
#include "xvtest.h"

static const xvPromFamily famGauge =
    XV_PROM_FAMILY("t_temperature_celsius", XV_PROM_TYPE_GAUGE, "celsius",
                   "A gauge with a unit.");
static const xvPromFamily famCounter =
    XV_PROM_FAMILY("t_events_total", XV_PROM_TYPE_COUNTER, NULL, "A counter.");
static const xvPromFamily famCounterUnit =
    XV_PROM_FAMILY("t_busy_seconds_total", XV_PROM_TYPE_COUNTER, "seconds",
                   "A counter with a unit.");
static const xvPromFamily famInfo =
    XV_PROM_FAMILY("t_build_info", XV_PROM_TYPE_INFO, NULL, "An info family.");
static const xvPromFamily famHelp =
    XV_PROM_FAMILY("t_odd", XV_PROM_TYPE_GAUGE, NULL, "back\\slash \"quoted\"\nnext");

/* Writes with a fresh writer in @fmt through @write and returns the text (to free()). */
static char *
writeAll(xvPromFormat fmt, void (*write)(xvPromWriter *w))
{
    xvBuf buf = XV_BUF_INIT;
    xvPromWriter w;

    xvPromWriterInit(&w, &buf, fmt);
    write(&w);
    return xvBufSteal(&buf, NULL);
}

/* ---- families ---- */

static void
writeTwoFamilies(xvPromWriter *w)
{
    xvPromWriteSample(w, &famGauge, XV_PROM_VALUE_I64, (uint64_t)-3);
    xvPromWriteSample(w, &famGauge, XV_PROM_VALUE_U64, 4);
    xvPromWriteSample1(w, &famCounter, "kind", "a", XV_PROM_VALUE_U64, 1);
    xvPromWriteSample1(w, &famCounter, "kind", "b", XV_PROM_VALUE_U64, 2);
}

static void
test_header_is_written_once_before_the_first_sample(void **state)
{
    char *text = writeAll(XV_PROM_FORMAT_TEXT, writeTwoFamilies);
    char *om = writeAll(XV_PROM_FORMAT_OPENMETRICS, writeTwoFamilies);

    (void)state;
    assert_string_equal(text,
                        "# HELP t_temperature_celsius A gauge with a unit.\n"
                        "# TYPE t_temperature_celsius gauge\n"
                        "t_temperature_celsius -3\n"
                        "t_temperature_celsius 4\n"
                        "# HELP t_events_total A counter.\n"
                        "# TYPE t_events_total counter\n"
                        "t_events_total{kind=\"a\"} 1\n"
                        "t_events_total{kind=\"b\"} 2\n");
    assert_string_equal(om,
                        "# HELP t_temperature_celsius A gauge with a unit.\n"
                        "# TYPE t_temperature_celsius gauge\n"
                        "# UNIT t_temperature_celsius celsius\n"
                        "t_temperature_celsius -3\n"
                        "t_temperature_celsius 4\n"
                        "# HELP t_events A counter.\n"
                        "# TYPE t_events counter\n"
                        "t_events_total{kind=\"a\"} 1\n"
                        "t_events_total{kind=\"b\"} 2\n");
    free(text);
    free(om);
}

static void
writeNothing(xvPromWriter *w)
{
    (void)w;
}

static void
writeEmptyLoops(xvPromWriter *w)
{
    xvPromLabels labels = { 0 };
    size_t i;

    /* families whose loops find nothing to write */
    for (i = 0; i < labels.count; i++)
        xvPromWriteSeries(w, &famGauge, &labels, i, XV_PROM_VALUE_U64, i);
    xvPromWriteSample(w, &famInfo, XV_PROM_VALUE_U64, 1);
    for (i = 0; i < labels.count; i++)
        xvPromWriteSeries(w, &famCounter, &labels, i, XV_PROM_VALUE_U64, i);
    xvPromLabelsFree(&labels);
}

static void
test_family_without_samples_is_left_out(void **state)
{
    char *empty = writeAll(XV_PROM_FORMAT_OPENMETRICS, writeNothing);
    char *text = writeAll(XV_PROM_FORMAT_TEXT, writeEmptyLoops);

    (void)state;
    assert_string_equal(empty, "");
    assert_string_equal(text,
                        "# HELP t_build_info An info family.\n"
                        "# TYPE t_build_info gauge\n"
                        "t_build_info 1\n");
    free(empty);
    free(text);
}

static void
writeCounterAndInfo(xvPromWriter *w)
{
    xvPromWriteSample(w, &famCounterUnit, XV_PROM_VALUE_NS, 1500000000);
    xvPromSampleBegin(w, &famInfo);
    xvPromSampleLabel(w, "version", "1.2");
    xvPromSampleEnd(w, XV_PROM_VALUE_U64, 1);
}

static void
test_counter_and_info_are_named_as_each_format_wants(void **state)
{
    char *text = writeAll(XV_PROM_FORMAT_TEXT, writeCounterAndInfo);
    char *om = writeAll(XV_PROM_FORMAT_OPENMETRICS, writeCounterAndInfo);

    (void)state;
    /* 0.0.4: the sample names, an info family is a gauge, no UNIT */
    assert_string_equal(text,
                        "# HELP t_busy_seconds_total A counter with a unit.\n"
                        "# TYPE t_busy_seconds_total counter\n"
                        "t_busy_seconds_total 1.5\n"
                        "# HELP t_build_info An info family.\n"
                        "# TYPE t_build_info gauge\n"
                        "t_build_info{version=\"1.2\"} 1\n");
    /* OpenMetrics: families without _total/_info, type info, UNIT */
    assert_string_equal(om,
                        "# HELP t_busy_seconds A counter with a unit.\n"
                        "# TYPE t_busy_seconds counter\n"
                        "# UNIT t_busy_seconds seconds\n"
                        "t_busy_seconds_total 1.5\n"
                        "# HELP t_build An info family.\n"
                        "# TYPE t_build info\n"
                        "t_build_info{version=\"1.2\"} 1\n");
    free(text);
    free(om);
}

static void
writeOddHelp(xvPromWriter *w)
{
    xvPromWriteSample(w, &famHelp, XV_PROM_VALUE_U64, 0);
}

static void
test_help_is_escaped_as_each_format_wants(void **state)
{
    char *text = writeAll(XV_PROM_FORMAT_TEXT, writeOddHelp);
    char *om = writeAll(XV_PROM_FORMAT_OPENMETRICS, writeOddHelp);

    (void)state;
    /* 0.0.4 escapes backslash and newline in HELP, OpenMetrics the quote too */
    assert_string_equal(text, "# HELP t_odd back\\\\slash \"quoted\"\\nnext\n"
                        "# TYPE t_odd gauge\nt_odd 0\n");
    assert_string_equal(om, "# HELP t_odd back\\\\slash \\\"quoted\\\"\\nnext\n"
                        "# TYPE t_odd gauge\nt_odd 0\n");
    free(text);
    free(om);
}

/* ---- labels and values ---- */

static void
writeOddLabels(xvPromWriter *w)
{
    static const char bad[] = {
        'a', (char)0xff, 'b',                       /* never valid */
        (char)0xc3, (char)0xa9,                     /* é */
        (char)0xc0, (char)0xaf,                     /* overlong '/' */
        (char)0xed, (char)0xa0, (char)0x80,         /* a UTF-16 surrogate */
        (char)0xf0, (char)0x9f, (char)0x98, (char)0x80,   /* U+1F600 */
        (char)0xe2, (char)0x82,                     /* cut short */
    };

    xvPromSampleBegin(w, &famGauge);
    xvPromSampleLabel(w, "q", "a\"b\\c\nd");
    xvPromSampleLabelN(w, "bad", bad, sizeof(bad));
    xvPromSampleLabel(w, "none", NULL);
    xvPromSampleLabelU64(w, "n", UINT64_MAX);
    xvPromSampleEnd(w, XV_PROM_VALUE_U64, 7);
}

static void
test_label_values_are_escaped_and_invalid_utf8_replaced(void **state)
{
    char *text = writeAll(XV_PROM_FORMAT_TEXT, writeOddLabels);
    const char *line = strstr(text, "\nt_temperature_celsius{");

    (void)state;
    assert_non_null(line);
    assert_string_equal(line + 1,
                        "t_temperature_celsius{q=\"a\\\"b\\\\c\\nd\","
                        "bad=\"a\xEF\xBF\xBD" "b\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD"
                        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xF0\x9F\x98\x80"
                        "\xEF\xBF\xBD\xEF\xBF\xBD\","
                        "none=\"\",n=\"18446744073709551615\"} 7\n");
    free(text);
}

static void
test_values_are_exact_integers_and_decimal_seconds(void **state)
{
    static const struct {
        xvPromValueKind kind;
        uint64_t v;
        const char *text;
    } cases[] = {
        { XV_PROM_VALUE_U64, 0, "0" },
        { XV_PROM_VALUE_U64, UINT64_MAX, "18446744073709551615" },
        { XV_PROM_VALUE_I64, (uint64_t)INT64_MIN, "-9223372036854775808" },
        { XV_PROM_VALUE_I64, (uint64_t)-1, "-1" },
        { XV_PROM_VALUE_I64, INT64_MAX, "9223372036854775807" },
        { XV_PROM_VALUE_NS, 0, "0" },
        { XV_PROM_VALUE_NS, 3, "0.000000003" },
        { XV_PROM_VALUE_NS, 1500000000, "1.5" },
        { XV_PROM_VALUE_NS, 2000000000, "2" },
        { XV_PROM_VALUE_NS, 1700000000123456789ULL, "1700000000.123456789" },
        { XV_PROM_VALUE_NS, UINT64_MAX, "18446744073.709551615" },
        { XV_PROM_VALUE_MS, 0, "0.000" },
        { XV_PROM_VALUE_MS, 5, "0.005" },
        { XV_PROM_VALUE_MS, 1500, "1.500" },
        { XV_PROM_VALUE_MS, 1234567, "1234.567" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xvBuf buf = XV_BUF_INIT;
        xvPromWriter w;
        char want[128];

        xvPromWriterInit(&w, &buf, XV_PROM_FORMAT_TEXT);
        xvPromWriteSample(&w, &famGauge, cases[i].kind, cases[i].v);
        snprintf(want, sizeof(want), "\nt_temperature_celsius %s\n", cases[i].text);
        assert_non_null(strstr(buf.data, want));
        xvBufFree(&buf);
    }
}

/* ---- label sets and the fast path ---- */

static void
test_series_reuse_label_sets_as_the_step_calls_would_write_them(void **state)
{
    xvPromLabels labels;
    xvBuf fast = XV_BUF_INIT, steps = XV_BUF_INIT;
    xvPromWriter w;
    size_t set, len;
    const char *text;

    (void)state;
    xvPromLabelsInit(&labels, 1, 16);
    assert_int_equal(xvPromLabelsClose(&labels), 0);                 /* an empty set */
    xvPromLabelsAdd(&labels, "domain", "we\"b", 4);
    xvPromLabelsAdd(&labels, "uuid", "u-1", 3);
    assert_int_equal(xvPromLabelsClose(&labels), 1);
    xvPromLabelsAdd(&labels, "domain", NULL, 0);
    assert_int_equal(xvPromLabelsClose(&labels), 2);                 /* grows */
    text = xvPromLabelsText(&labels, 1, &len);
    assert_int_equal(len, strlen("domain=\"we\\\"b\",uuid=\"u-1\""));
    assert_memory_equal(text, "domain=\"we\\\"b\",uuid=\"u-1\"", len);
    text = xvPromLabelsText(&labels, 2, &len);
    assert_memory_equal(text, "domain=\"\"", len);

    xvPromWriterInit(&w, &fast, XV_PROM_FORMAT_OPENMETRICS);
    for (set = 0; set < 3; set++)
        xvPromWriteSeries(&w, &famCounterUnit, &labels, set, XV_PROM_VALUE_NS, set);
    for (set = 0; set < 3; set++)
        xvPromWriteSeriesNum(&w, &famGauge, &labels, set, "vcpu", 10 + set, XV_PROM_VALUE_I64,
                             (uint64_t)-1);

    xvPromWriterInit(&w, &steps, XV_PROM_FORMAT_OPENMETRICS);
    for (set = 0; set < 3; set++) {
        xvPromSampleBegin(&w, &famCounterUnit);
        xvPromSampleLabelSet(&w, &labels, set);
        xvPromSampleEnd(&w, XV_PROM_VALUE_NS, set);
    }
    for (set = 0; set < 3; set++) {
        xvPromSampleBegin(&w, &famGauge);
        xvPromSampleLabelSet(&w, &labels, set);
        xvPromSampleLabelU64(&w, "vcpu", 10 + set);
        xvPromSampleEnd(&w, XV_PROM_VALUE_I64, (uint64_t)-1);
    }
    assert_string_equal(fast.data, steps.data);
    assert_non_null(strstr(fast.data, "\nt_busy_seconds_total 0\n"));  /* no braces */
    assert_non_null(strstr(fast.data, "\nt_busy_seconds_total{domain=\"we\\\"b\","
                           "uuid=\"u-1\"} 0.000000001\n"));
    assert_non_null(strstr(fast.data, "\nt_temperature_celsius{vcpu=\"10\"} -1\n"));
    assert_non_null(strstr(fast.data, "\nt_temperature_celsius{domain=\"\",vcpu=\"12\"} -1\n"));
    xvBufFree(&fast);
    xvBufFree(&steps);
    xvPromLabelsFree(&labels);
    xvPromLabelsFree(&labels);
    xvPromLabelsFree(NULL);
}

/* The CPUs of @map as a list, the slow way. */
static void
naiveCpuList(const unsigned char *map, size_t maplen, char *out, size_t outlen)
{
    size_t ncpus = maplen * 8, cpu, len = 0;

    out[0] = '\0';
    for (cpu = 0; cpu < ncpus; cpu++) {
        size_t start = cpu;

        if (!(map[cpu / 8] & (1u << (cpu % 8))))
            continue;
        while (cpu + 1 < ncpus && (map[(cpu + 1) / 8] & (1u << ((cpu + 1) % 8))))
            cpu++;
        len += (size_t)snprintf(out + len, outlen - len, start == cpu ? "%s%zu" : "%s%zu-%zu",
                                len ? "," : "", start, cpu);
    }
}

static void
test_cpu_lists_compress_runs_of_any_length(void **state)
{
    static const unsigned char patterns[] = { 0x00, 0xff, 0xdb, 0x55, 0xfe, 0x7f, 0x81, 0x3c };
    unsigned char map[64];
    size_t p, q, maplen;

    (void)state;
    for (maplen = 1; maplen <= sizeof(map); maplen *= 4) {
        for (p = 0; p < sizeof(patterns); p++) {
            for (q = 0; q < sizeof(patterns); q++) {
                xvBuf buf = XV_BUF_INIT;
                xvPromWriter w;
                char want[4096], line[4200];
                size_t i;

                /* alternate two patterns, so that full bytes meet partial ones */
                for (i = 0; i < maplen; i++)
                    map[i] = i % 2 ? patterns[q] : patterns[p];
                naiveCpuList(map, maplen, want, sizeof(want));
                snprintf(line, sizeof(line), "t_build_info{cpus=\"%s\"} 1\n", want);
                xvPromWriterInit(&w, &buf, XV_PROM_FORMAT_TEXT);
                xvPromSampleBegin(&w, &famInfo);
                xvPromSampleLabelCpus(&w, "cpus", map, maplen);
                xvPromSampleEnd(&w, XV_PROM_VALUE_U64, 1);
                assert_string_equal(strstr(buf.data, "t_build_info{"), line);
                xvBufFree(&buf);
            }
        }
    }
}

/* ---- writer and buffer ---- */

static void
test_writer_appends_and_takes_an_unknown_format_as_text(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    xvPromWriter w;

    (void)state;
    xvBufAdd(&buf, "x ", 2);
    xvPromAddU64(&buf, 18446744073709551615ULL);
    xvBufAdd(&buf, "\n", 1);
    xvPromWriterInit(&w, &buf, XV_PROM_FORMAT_LAST);
    xvPromWriteSample(&w, &famInfo, XV_PROM_VALUE_U64, 1);
    assert_string_equal(buf.data, "x 18446744073709551615\n"
                        "# HELP t_build_info An info family.\n"
                        "# TYPE t_build_info gauge\n"
                        "t_build_info 1\n");
    xvPromRenderEnd(XV_PROM_FORMAT_OPENMETRICS, &buf);
    assert_non_null(strstr(buf.data, "t_build_info 1\n# EOF\n"));
    xvBufFree(&buf);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_header_is_written_once_before_the_first_sample),
    cmocka_unit_test(test_family_without_samples_is_left_out),
    cmocka_unit_test(test_counter_and_info_are_named_as_each_format_wants),
    cmocka_unit_test(test_help_is_escaped_as_each_format_wants),
    cmocka_unit_test(test_label_values_are_escaped_and_invalid_utf8_replaced),
    cmocka_unit_test(test_values_are_exact_integers_and_decimal_seconds),
    cmocka_unit_test(test_series_reuse_label_sets_as_the_step_calls_would_write_them),
    cmocka_unit_test(test_cpu_lists_compress_runs_of_any_length),
    cmocka_unit_test(test_writer_appends_and_takes_an_unknown_format_as_text),
};

XV_TEST_MAIN(tests)
