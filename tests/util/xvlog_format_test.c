/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvlog_format_test.c: the logfmt and JSON lines of util/xvlog.c (--log.format). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvtest.h"

#include "util/xvlog.h"

static const char *logMessage;

static void
logOne(void)
{
    xvLogWarning("%s", logMessage);
}

/* The line @fn writes at level warning in @format, without its timestamp
 * (checked here), to free(). */
static char *
lineOf(xvLogFormat format, const char *msg)
{
    const char *prefix = format == XV_LOG_FORMAT_JSON ? "{\"ts\":\"" : "ts=";
    regex_t re;
    char *out, *rest;
    size_t plen = strlen(prefix);

    xvLogSetFormat(format);
    logMessage = msg;
    xvTestStderrBegin();
    logOne();
    out = xvTestStderrEnd();
    xvLogSetFormat(XV_LOG_FORMAT_SYSLOG);
    assert_true(strncmp(out, prefix, plen) == 0);
    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                             "\\.[0-9]{3}Z[\" ]", REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(regexec(&re, out + plen, 0, NULL, 0), 0);
    regfree(&re);
    rest = strdup(out + plen + 24);
    free(out);
    return rest;
}

static int
resetLog(void **state)
{
    (void)state;
    xvLogSetLevel(XV_LOG_INFO);
    xvLogSetPlain(0);
    xvLogSetFormat(XV_LOG_FORMAT_SYSLOG);
    return 0;
}

static void
test_format_names(void **state)
{
    (void)state;
    assert_int_equal(xvLogFormatFromName("logfmt"), XV_LOG_FORMAT_LOGFMT);
    assert_int_equal(xvLogFormatFromName("json"), XV_LOG_FORMAT_JSON);
    assert_int_equal(xvLogFormatFromName("syslog"), XV_LOG_FORMAT_SYSLOG);
    assert_int_equal(xvLogFormatFromName("JSON"), -1);
    assert_int_equal(xvLogFormatFromName(""), -1);
    assert_int_equal(xvLogGetFormat(), XV_LOG_FORMAT_SYSLOG);
}

static void
test_logfmt_line(void **state)
{
    char *rest;

    (void)state;
    rest = lineOf(XV_LOG_FORMAT_LOGFMT, "http: serving /metrics");
    assert_string_equal(rest, " level=warn msg=\"http: serving /metrics\"\n");
    free(rest);
}

static void
test_json_line(void **state)
{
    char *rest;

    (void)state;
    rest = lineOf(XV_LOG_FORMAT_JSON, "http: serving /metrics");
    assert_string_equal(rest, "\",\"level\":\"warn\",\"msg\":\"http: serving /metrics\"}\n");
    free(rest);
}

static void
test_messages_are_escaped(void **state)
{
    char *rest;

    (void)state;
    rest = lineOf(XV_LOG_FORMAT_JSON, "a \"q\" b\\c\nd\te\r\x01\x7f");
    assert_string_equal(rest, "\",\"level\":\"warn\",\"msg\":"
                        "\"a \\\"q\\\" b\\\\c\\nd\\te\\r\\u0001\\u007f\"}\n");
    free(rest);
    rest = lineOf(XV_LOG_FORMAT_LOGFMT, "say \"hi\"\n");
    assert_string_equal(rest, " level=warn msg=\"say \\\"hi\\\"\\n\"\n");
    free(rest);
}

static void
test_utf8_kept_and_invalid_bytes_replaced(void **state)
{
    char *rest;

    (void)state;
    /* é (2 bytes), € (3), 😀 (4) stay; a lone continuation byte, an
     * overlong '/' (c0 af) and a surrogate (ed a0 80) become U+FFFD each byte */
    rest = lineOf(XV_LOG_FORMAT_JSON, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\x80|\xc0\xaf|\xed\xa0\x80");
    assert_string_equal(rest, "\",\"level\":\"warn\",\"msg\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                        "|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}\n");
    free(rest);
}

static void
test_a_long_message_is_cut_but_the_line_closed(void **state)
{
    char big[4096];
    char *rest;
    size_t len;

    (void)state;
    /* every byte an escape: the cut must not split one */
    memset(big, '"', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    rest = lineOf(XV_LOG_FORMAT_JSON, big);
    len = strlen(rest);
    assert_true(len < 2048);
    assert_string_equal(rest + len - 5, "\\\"\"}\n");
    assert_ptr_equal(strchr(rest, '\n'), rest + len - 1);
    free(rest);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_format_names, resetLog),
    cmocka_unit_test_setup(test_logfmt_line, resetLog),
    cmocka_unit_test_setup(test_json_line, resetLog),
    cmocka_unit_test_setup(test_messages_are_escaped, resetLog),
    cmocka_unit_test_setup(test_utf8_kept_and_invalid_bytes_replaced, resetLog),
    cmocka_unit_test_setup(test_a_long_message_is_cut_but_the_line_closed, resetLog),
};

XV_TEST_MAIN(tests)
