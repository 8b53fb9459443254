/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf_value_test.c: unit tests of the typed readers of a node (src/conf/conf_value.c). */
#include "src/conf/conf_value.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conftest.h"
#include "util/xvmacros.h"
#include "xvtest.h"

/* The name the nodes' errors carry. */
#define FILE_NAME XV_CONF_TEST_FILE

static void
test_node_readers_work_on_any_node(void **state)
{
    xvConfNode *root = xvConfTestParse("policies:\n"
                                       "  - name: a\n"
                                       "    type: autopin\n"
                                       "    cpus: [1, 70000, x]\n"
                                       "    every: 30s\n"
                                       "    on: yes\n");
    const xvConfNode *entry = xvConfTestFirstEntry(root);
    const xvConfNode *cpus = xvConfNodeFind(entry, "cpus");
    xvConfError err = { 0 };
    long long n = -1;
    uint64_t ms = 0;
    bool b = false;
    char *s = NULL;
    char *msg;

    assert_int_equal(xvConfNodeGetInt(&cpus->children[0], FILE_NAME, 0, 63, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(xvConfNodeGetInt(&cpus->children[1], FILE_NAME, 0, 63, &n, &err),
                     -EINVAL);
    assert_int_equal(n, 1);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "agent.yaml:4:15: value 70000 is out of range 0..63");
    free(msg);
    assert_int_equal(xvConfNodeGetInt(&cpus->children[2], FILE_NAME, 0, 63, &n, &err),
                     -EINVAL);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "agent.yaml:4:22: expected an integer, got 'x'");
    free(msg);
    assert_int_equal(xvConfNodeGetDuration(xvConfNodeFind(entry, "every"), FILE_NAME,
                                           1000, 60000, &ms, &err), 0);
    assert_int_equal(ms, 30000);
    assert_int_equal(xvConfNodeGetBool(xvConfNodeFind(entry, "on"), FILE_NAME, &b, &err), 0);
    assert_true(b);
    assert_int_equal(xvConfNodeGetString(xvConfNodeFind(entry, "every"), FILE_NAME, &s,
                                         &err), 0);
    assert_string_equal(s, "30s");
    free(s);
    assert_int_equal(xvConfNodeCheckKind(cpus, FILE_NAME, XV_CONF_NODE_SEQUENCE, &err), 0);
    assert_int_equal(xvConfNodeCheckKind(cpus, FILE_NAME, XV_CONF_NODE_MAPPING, &err),
                     -EINVAL);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "agent.yaml:4:11: expected a mapping, got a sequence");
    free(msg);
    {
        static const char *const allowed[] = { "name", "type", "target", NULL };

        assert_int_equal(xvConfNodeUnknownKey(cpus, FILE_NAME, "policies[0]", allowed, &err),
                         -EINVAL);
        msg = xvConfErrorFormat(&err);
        assert_string_equal(msg, "agent.yaml:4:5: unknown key 'cpus' in 'policies[0]' "
                            "(expected one of: name, type, target)");
        free(msg);
    }
    xvConfErrorClear(&err);
    xvConfNodeFree(root);
}

static void
test_parse_duration_is_strict(void **state)
{
    static const char *const bad[] = {
        "", "s", "ms", "15", " 15s", "15s ", "+15s", "-15s", "15sec", "15 s", "1.5s",
        "1m30s", "0x10s", "15S", "15d", "1e3ms",
    };
    uint64_t ms = 42;
    size_t i;

    assert_int_equal(xvConfParseDuration("0ms", &ms), 0);
    assert_int_equal(ms, 0);
    assert_int_equal(xvConfParseDuration("18446744073709551615ms", &ms), 0);
    assert_true(ms == UINT64_MAX);
    assert_int_equal(xvConfParseDuration("18446744073709551616ms", &ms), -ERANGE);
    assert_int_equal(xvConfParseDuration("5124095576030h", &ms), 0);
    assert_true(ms == 5124095576030ULL * 3600000ULL);
    assert_int_equal(xvConfParseDuration("5124095576031h", &ms), -ERANGE);
    assert_true(ms == 5124095576030ULL * 3600000ULL);   /* untouched on failure */
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        if (xvConfParseDuration(bad[i], &ms) != -EINVAL)
            fail_msg("'%s' was accepted as a duration", bad[i]);
    }
}

static void
test_format_duration_uses_the_largest_exact_unit(void **state)
{
    static const struct {
        uint64_t ms;
        const char *text;
    } cases[] = {
        { 0, "0ms" }, { 1, "1ms" }, { 1500, "1500ms" }, { 1000, "1s" }, { 90000, "90s" },
        { 120000, "2m" }, { 3600000, "1h" }, { 86400000, "24h" },
    };
    char buf[32];
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        xvConfFormatDuration(cases[i].ms, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].text);
    }
}

static void
test_parse_size_needs_a_binary_unit(void **state)
{
    static const char *const bad[] = {
        "", "MiB", "15", " 1MiB", "1MiB ", "+1MiB", "-1MiB", "1.5GiB", "1mib", "1MB",
        "1 MiB", "1KB", "1Ki", "0x10MiB", "1e3K",
    };
    static const struct {
        const char *text;
        uint64_t kib;
    } good[] = {
        { "0", 0 }, { "0KiB", 0 }, { "1K", 1 }, { "65536KiB", 65536 }, { "512MiB", 524288 },
        { "512M", 524288 }, { "2GiB", 2097152 }, { "1T", 1073741824 },
    };
    uint64_t kib = 42;
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(good); i++) {
        assert_int_equal(xvConfParseSize(good[i].text, &kib), 0);
        assert_true(kib == good[i].kib);
    }
    assert_int_equal(xvConfParseSize("17179869183TiB", &kib), 0);
    assert_int_equal(xvConfParseSize("17179869184TiB", &kib), -ERANGE);
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        if (xvConfParseSize(bad[i], &kib) != -EINVAL)
            fail_msg("'%s' was accepted as a size", bad[i]);
    }
}

static void
test_format_size_uses_the_largest_exact_unit(void **state)
{
    static const struct {
        uint64_t kib;
        const char *text;
    } cases[] = {
        { 0, "0KiB" }, { 1, "1KiB" }, { 1536, "1536KiB" }, { 1024, "1MiB" },
        { 3145728, "3GiB" }, { 1073741824, "1TiB" },
    };
    char buf[32];
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        xvConfFormatSize(cases[i].kib, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].text);
    }
}

static void
test_size_reader_names_the_node_and_the_limits(void **state)
{
    xvConfNode *root = xvConfTestParse("policies:\n  - name: b\n    type: balloon\n"
                                       "    low: 512\n    high: 64MiB\n    max: 1x\n");
    const xvConfNode *entry = xvConfTestFirstEntry(root);
    xvConfError err = { 0 };
    uint64_t kib = 7;
    char *msg;

    assert_int_equal(xvConfNodeGetSize(xvConfNodeFind(entry, "low"), FILE_NAME, 0, 1 << 30,
                                       &kib, &err), -EINVAL);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "agent.yaml:4:10: expected a size like 512MiB or 2GiB, got '512' "
                        "(add a unit: KiB, MiB, GiB or TiB)");
    free(msg);
    assert_int_equal(xvConfNodeGetSize(xvConfNodeFind(entry, "high"), FILE_NAME, 131072,
                                       1 << 30, &kib, &err), -EINVAL);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "agent.yaml:5:11: high 64MiB is below the minimum of 128MiB");
    free(msg);
    assert_int_equal(kib, 7);
    assert_int_equal(xvConfNodeGetSize(xvConfNodeFind(entry, "high"), FILE_NAME, 0, 1 << 30,
                                       &kib, &err), 0);
    assert_int_equal(kib, 65536);
    assert_int_equal(xvConfNodeGetSize(xvConfNodeFind(entry, "max"), FILE_NAME, 0, 1 << 30,
                                       &kib, &err), -EINVAL);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "agent.yaml:6:10: expected a size like 512MiB or 2GiB, got '1x'");
    free(msg);
    xvConfErrorClear(&err);
    xvConfNodeFree(root);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_node_readers_work_on_any_node),
    cmocka_unit_test(test_parse_duration_is_strict),
    cmocka_unit_test(test_format_duration_uses_the_largest_exact_unit),
    cmocka_unit_test(test_parse_size_needs_a_binary_unit),
    cmocka_unit_test(test_format_size_uses_the_largest_exact_unit),
    cmocka_unit_test(test_size_reader_names_the_node_and_the_limits),
};

XV_TEST_MAIN(tests)
