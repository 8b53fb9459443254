/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvbuf_test.c: the growable byte buffer (util/xvbuf.c). */
#include <malloc.h>
#include <stdint.h>
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
    s = xvBufSteal(&buf, NULL);
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
    s = xvBufSteal(&buf, NULL);
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
    s = xvBufSteal(&buf, NULL);
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
    assert_true(buf.cap >= 16384);
    s = xvBufSteal(&buf, NULL);
    for (i = 0; i < 10000; i++)
        assert_int_equal(s[i], 'a' + i % 26);
    /* stolen strings are kept: cut to their length, not the doubled block */
    assert_true(malloc_usable_size(s) < 10001 + 64);
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
    s = xvBufSteal(&buf, NULL);
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
        s = xvBufSteal(&buf, NULL);
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
    s = xvBufSteal(&buf, NULL);
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
    s = xvBufSteal(&buf, NULL);
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
    s = xvBufSteal(&buf, NULL);
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
    s = xvBufSteal(&buf, NULL);
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
    first = xvBufSteal(&buf, NULL);
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
    assert_int_equal(buf.cap, 0);
    /* reusable afterwards */
    xvBufAddStr(&buf, "two");
    second = xvBufSteal(&buf, NULL);
    assert_string_equal(first, "one");
    assert_string_equal(second, "two");
    free(first);
    free(second);
}

static void
test_free_releases_the_memory_and_the_buffer_is_usable_again(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *s;

    (void)state;
    xvBufAddStr(&buf, "discard me");
    buf.indent = 4;
    xvBufFree(&buf);
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
    assert_int_equal(buf.cap, 0);
    assert_int_equal(buf.indent, 0);
    xvBufFree(&buf); /* twice is fine */
    xvBufFree(NULL);
    xvBufAddStr(&buf, "keep");
    s = xvBufSteal(&buf, NULL);
    assert_string_equal(s, "keep");
    free(s);
}

static void
test_init_makes_an_empty_buffer_without_memory(void **state)
{
    xvBuf buf;

    (void)state;
    memset(&buf, 0x5a, sizeof(buf));
    xvBufInit(&buf);
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
    assert_int_equal(buf.cap, 0);
    assert_int_equal(buf.indent, 0);
}

static void
test_steal_returns_the_length_and_keeps_embedded_nuls(void **state)
{
    xvBuf buf;
    size_t len = 99;
    char *s;

    (void)state;
    xvBufInit(&buf);
    s = xvBufSteal(&buf, &len);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    assert_null(buf.data);
    free(s);
    buf.indent = 2;
    xvBufAdd(&buf, "a\0b", 3);
    s = xvBufSteal(&buf, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 4);   /* and the NUL after them */
    assert_null(buf.data);
    assert_int_equal(buf.len, 0);
    assert_int_equal(buf.cap, 0);
    assert_int_equal(buf.indent, 2);    /* a setting, not contents */
    free(s);
}

static void
test_clear_keeps_the_memory_and_the_indent(void **state)
{
    xvBuf buf;
    size_t len = 99;
    char *data;
    size_t cap;
    char *s;

    (void)state;
    xvBufInit(&buf);
    xvBufClear(&buf);       /* nothing to clear: still no memory */
    assert_null(buf.data);
    xvBufAddStr(&buf, "# EOF\n");
    buf.indent = 2;
    data = buf.data;
    cap = buf.cap;
    xvBufClear(&buf);
    assert_int_equal(buf.len, 0);
    assert_string_equal(buf.data, "");
    assert_true(buf.cap > 0);
    assert_ptr_equal(buf.data, data);
    assert_int_equal(buf.cap, cap);
    assert_int_equal(buf.indent, 2);
    /* an emptied buffer with memory steals as "" too (cut to one byte,
     * so maybe moved: realloc decides) */
    s = xvBufSteal(&buf, &len);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    xvBufFree(&buf);
    assert_null(buf.data);
    assert_int_equal(buf.cap, 0);
}

static void
test_reserve_makes_room_up_front_for_what_follows(void **state)
{
    const size_t big = 3u << 20;     /* a 1000-domain render */
    xvBuf buf = XV_BUF_INIT;
    char *data;
    size_t cap, i;

    (void)state;
    xvBufReserve(&buf, 0);
    assert_non_null(buf.data);
    assert_string_equal(buf.data, "");
    assert_true(buf.cap >= 1);
    xvBufAddStr(&buf, "head ");
    xvBufReserve(&buf, big);
    assert_true(buf.cap >= 5 + big + 1);
    assert_string_equal(buf.data, "head ");
    data = buf.data;
    cap = buf.cap;
    /* filling the reserved room costs no allocation */
    for (i = 0; i < big / 8; i++)
        xvBufAdd(&buf, "01234567", 8);
    assert_ptr_equal(buf.data, data);
    assert_int_equal(buf.cap, cap);
    assert_int_equal(buf.len, 5 + big);
    assert_int_equal(buf.data[buf.len], '\0');
    /* a smaller reserve than the spare room changes nothing */
    xvBufClear(&buf);
    xvBufReserve(&buf, big);
    assert_ptr_equal(buf.data, data);
    assert_int_equal(buf.cap, cap);
    xvBufFree(&buf);
}

static void
test_reserve_grows_the_capacity_geometrically(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    size_t prev, grows = 0;

    (void)state;
    xvBufReserve(&buf, 1);
    prev = buf.cap;
    /* one byte past the room each time: the capacity at least doubles */
    while (buf.cap < (1u << 20)) {
        xvBufReserve(&buf, buf.cap - buf.len);
        assert_true(buf.cap >= 2 * prev);
        prev = buf.cap;
        grows++;
    }
    assert_true(grows <= 20);
    xvBufFree(&buf);
}

static void
reserveOverflow(void)
{
    xvBuf buf = XV_BUF_INIT;

    xvBufAddStr(&buf, "x");
    xvBufReserve(&buf, SIZE_MAX - 1);
}

static void
atOverflow(void)
{
    xvBuf buf = XV_BUF_INIT;

    xvBufAt(&buf, SIZE_MAX);
}

static void
test_reserve_and_at_abort_when_the_size_overflows(void **state)
{
    (void)state;
    xvTestAssertAbortsOutOfMemory(reserveOverflow);
    xvTestAssertAbortsOutOfMemory(atOverflow);
}

static void
test_at_and_commit_write_in_place(void **state)
{
    xvBuf buf = XV_BUF_INIT;
    char *p;
    char *s;
    size_t len;

    (void)state;
    xvBufAddStr(&buf, "n=");
    p = xvBufAt(&buf, 32);
    assert_ptr_equal(p, buf.data + 2);
    assert_true(buf.cap - buf.len >= 32 + 1);
    /* fewer bytes than the room asked for */
    memcpy(p, "1234", 4);
    xvBufCommit(&buf, p + 4);
    assert_int_equal(buf.len, 6);
    assert_string_equal(buf.data, "n=1234");
    /* nothing written: only the NUL */
    p = xvBufAt(&buf, 8);
    xvBufCommit(&buf, p);
    assert_int_equal(buf.len, 6);
    /* room across a growth: the bytes before are kept */
    p = xvBufAt(&buf, 4096);
    memset(p, 'z', 4096);
    xvBufCommit(&buf, p + 4096);
    s = xvBufSteal(&buf, &len);
    assert_int_equal(len, 6 + 4096);
    assert_memory_equal(s, "n=1234zz", 8);
    assert_int_equal(strlen(s), len);
    free(s);
}

/* The JSON string of @in, through the escaper. */
static char *
jsonOf(const char *in)
{
    xvBuf buf = XV_BUF_INIT;

    xvBufEscapeJSON(&buf, in);
    return xvBufSteal(&buf, NULL);
}

static void
test_escape_json_quotes_backslashes_and_controls(void **state)
{
    char *out;

    (void)state;
    out = jsonOf("a\"b\\c\nd\te\x01\x1f" "f\x7f");
    assert_string_equal(out, "a\\\"b\\\\c\\nd\\te\\u0001\\u001ff\x7f");
    free(out);
    out = jsonOf("");
    assert_string_equal(out, "");
    free(out);
}

static void
test_escape_json_keeps_utf8_and_replaces_what_is_not(void **state)
{
    char *out;

    (void)state;
    out = jsonOf("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");   /* é € 😀 */
    assert_string_equal(out, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    free(out);
    /* a lone continuation byte, an overlong '/', a surrogate, a cut sequence */
    out = jsonOf("a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82");
    assert_string_equal(out, "a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd");
    free(out);
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
    cmocka_unit_test(test_free_releases_the_memory_and_the_buffer_is_usable_again),
    cmocka_unit_test(test_init_makes_an_empty_buffer_without_memory),
    cmocka_unit_test(test_steal_returns_the_length_and_keeps_embedded_nuls),
    cmocka_unit_test(test_clear_keeps_the_memory_and_the_indent),
    cmocka_unit_test(test_reserve_makes_room_up_front_for_what_follows),
    cmocka_unit_test(test_reserve_grows_the_capacity_geometrically),
    cmocka_unit_test(test_reserve_and_at_abort_when_the_size_overflows),
    cmocka_unit_test(test_at_and_commit_write_in_place),
    cmocka_unit_test(test_escape_json_quotes_backslashes_and_controls),
    cmocka_unit_test(test_escape_json_keeps_utf8_and_replaces_what_is_not),
};

XV_TEST_MAIN(tests)
