/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvbuf_test.c: the growable string buffer (util/xvbuf.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvtest.h"

#include "util/xvbuf.h"

static void
test_empty_buffer_steals_an_empty_string(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    s = xvBufSteal(&buf);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
}

static void
test_add_appends_exactly_len_bytes(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufAdd(&buf, "hello world", 5);
    xvBufAdd(&buf, ", there", 7);
    xvBufAdd(&buf, "ignored", 0);
    assert_int_equal(buf.len, 12);
    assert_string_equal(buf.data, "hello, there");
    s = xvBufSteal(&buf);
    assert_string_equal(s, "hello, there");
    free(s);
}

static void
test_add_str_and_asprintf_append(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufAddStr(&buf, "<vcpu>");
    xvBufAsprintf(&buf, "%u", 4u);
    xvBufAddStr(&buf, "</vcpu>");
    xvBufAsprintf(&buf, "%s", "");
    assert_int_equal(buf.len, strlen("<vcpu>4</vcpu>"));
    s = xvBufSteal(&buf);
    assert_string_equal(s, "<vcpu>4</vcpu>");
    free(s);
}

static void
test_buffer_grows_across_many_small_appends(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;
    size_t i;

    (void)state;
    for (i = 0; i < 10000; i++)
        xvBufAsprintf(&buf, "%c", (char)('a' + i % 26));
    assert_int_equal(buf.len, 10000);
    assert_true(buf.cap > buf.len);
    assert_int_equal(strlen(buf.data), 10000);
    s = xvBufSteal(&buf);
    for (i = 0; i < 10000; i++)
        assert_int_equal(s[i], 'a' + i % 26);
    free(s);
}

static void
test_asprintf_longer_than_the_spare_room(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char big[5000];
    char *s;

    (void)state;
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    xvBufAddStr(&buf, "[");
    xvBufAsprintf(&buf, "%s|%d|%s", big, 12345, big);
    xvBufAddStr(&buf, "]");
    assert_int_equal(buf.len, 1 + 4999 + 7 + 4999 + 1);
    s = xvBufSteal(&buf);
    assert_int_equal(s[0], '[');
    assert_memory_equal(s + 1 + 4999, "|12345|", 7);
    assert_int_equal(strlen(s), 1 + 4999 + 7 + 4999 + 1);
    assert_int_equal(s[strlen(s) - 1], ']');
    free(s);
}

static void
test_asprintf_exactly_filling_the_room(void **state)
{
    size_t n;

    (void)state;
    /* lengths around the growth steps must all come out exact */
    for (n = 1; n < 700; n++) {
        xvBuf buf = XV_BUF_INIT;
        char *chunk = malloc(n + 1);
        char *s;

        assert_non_null(chunk);
        memset(chunk, 'q', n);
        chunk[n] = '\0';
        xvBufAddStr(&buf, "ab");
        xvBufAsprintf(&buf, "%s", chunk);
        xvBufAsprintf(&buf, "%s", chunk);
        s = xvBufSteal(&buf);
        assert_int_equal(strlen(s), 2 + 2 * n);
        assert_memory_equal(s, "ab", 2);
        free(s);
        free(chunk);
    }
}

static void
test_indentf_prefixes_the_indent(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufIndentf(&buf, "<domain>\n");
    buf.indent = 2;
    xvBufIndentf(&buf, "<name>%s</name>\n", "web01");
    buf.indent = 4;
    xvBufIndentf(&buf, "<x/>\n");
    buf.indent = 0;
    xvBufIndentf(&buf, "</domain>\n");
    s = xvBufSteal(&buf);
    assert_string_equal(s, "<domain>\n  <name>web01</name>\n    <x/>\n</domain>\n");
    free(s);
}

static void
test_escape_xml_escapes_the_five_special_characters(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufEscapeXML(&buf, "a&b<c>d'e\"f");
    s = xvBufSteal(&buf);
    assert_string_equal(s, "a&amp;b&lt;c&gt;d&apos;e&quot;f");
    free(s);
}

static void
test_escape_xml_passes_plain_text_and_utf8_through(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufEscapeXML(&buf, "");
    xvBufEscapeXML(&buf, "plain text");
    xvBufEscapeXML(&buf, " caf\xc3\xa9");
    s = xvBufSteal(&buf);
    assert_string_equal(s, "plain text caf\xc3\xa9");
    free(s);
}

static void
test_escape_xml_at_the_edges(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufEscapeXML(&buf, "&");
    xvBufEscapeXML(&buf, "<<>>");
    xvBufEscapeXML(&buf, "x&");
    xvBufEscapeXML(&buf, "&amp;");
    s = xvBufSteal(&buf);
    assert_string_equal(s, "&amp;&lt;&lt;&gt;&gt;x&amp;&amp;amp;");
    free(s);
}

static void
test_steal_hands_over_and_empties_the_buffer(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *first, *second;

    (void)state;
    xvBufAddStr(&buf, "one");
    first = xvBufSteal(&buf);
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
    assert_int_equal(buf.cap, 0);
    /* reusable afterwards */
    xvBufAddStr(&buf, "two");
    second = xvBufSteal(&buf);
    assert_string_equal(first, "one");
    assert_string_equal(second, "two");
    free(first);
    free(second);
}

static void
test_reset_frees_and_empties_the_buffer(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufAddStr(&buf, "discard me");
    xvBufReset(&buf);
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
    xvBufReset(&buf); /* twice is fine */
    xvBufAddStr(&buf, "keep");
    s = xvBufSteal(&buf);
    assert_string_equal(s, "keep");
    free(s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_empty_buffer_steals_an_empty_string),
    cmocka_unit_test(test_add_appends_exactly_len_bytes),
    cmocka_unit_test(test_add_str_and_asprintf_append),
    cmocka_unit_test(test_buffer_grows_across_many_small_appends),
    cmocka_unit_test(test_asprintf_longer_than_the_spare_room),
    cmocka_unit_test(test_asprintf_exactly_filling_the_room),
    cmocka_unit_test(test_indentf_prefixes_the_indent),
    cmocka_unit_test(test_escape_xml_escapes_the_five_special_characters),
    cmocka_unit_test(test_escape_xml_passes_plain_text_and_utf8_through),
    cmocka_unit_test(test_escape_xml_at_the_edges),
    cmocka_unit_test(test_steal_hands_over_and_empties_the_buffer),
    cmocka_unit_test(test_reset_frees_and_empties_the_buffer),
};

XV_TEST_MAIN(tests)
