/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvlog_test.c: the programs' log on stderr (util/xvlog.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xvtest.h"

#include "util/xvlog.h"

/* What @fn writes to stderr (to free()). */
static char *
captureStderr(void (*fn)(void))
{
    xvTestStderrBegin();
    fn();
    return xvTestStderrEnd();
}

static int
resetLog(void **state)
{
    (void)state;
    xvLogSetLevel(XV_LOG_INFO);
    xvLogSetPlain(0);
    return 0;
}

static void
logEveryLevel(void)
{
    xvLogError("e %d", 1);
    xvLogWarning("w");
    xvLogNotice("n");
    xvLogInfo("i");
    xvLogDebug("d");
}

static void
test_lines_carry_their_syslog_priority(void **state)
{
    char *out = captureStderr(logEveryLevel);

    (void)state;
    assert_string_equal(out, "<3>e 1\n<4>w\n<5>n\n<6>i\n");
    free(out);
}

static void
test_the_level_drops_what_is_less_important(void **state)
{
    char *out;

    (void)state;
    xvLogSetLevel(XV_LOG_WARNING);
    assert_int_equal(xvLogGetLevel(), XV_LOG_WARNING);
    out = captureStderr(logEveryLevel);
    assert_string_equal(out, "<3>e 1\n<4>w\n");
    free(out);
    xvLogSetLevel(XV_LOG_DEBUG);
    out = captureStderr(logEveryLevel);
    assert_string_equal(out, "<3>e 1\n<4>w\n<5>n\n<6>i\n<7>d\n");
    free(out);
}

static void
test_plain_mode_names_the_level(void **state)
{
    char *out;

    (void)state;
    xvLogSetPlain(1);
    xvLogSetLevel(XV_LOG_DEBUG);
    out = captureStderr(logEveryLevel);
    assert_string_equal(out, "error: e 1\nwarning: w\nnotice: n\ninfo: i\ndebug: d\n");
    free(out);
}

static void
logMultiline(void)
{
    xvLogInfo("one\ntwo\n");
}

static void
logHuge(void)
{
    char big[4096];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    xvLogInfo("%s", big);
}

static void
test_a_message_is_one_line_of_at_most_2_kib(void **state)
{
    char *out;

    (void)state;
    out = captureStderr(logMultiline);
    assert_string_equal(out, "<6>one two \n");
    free(out);
    out = captureStderr(logHuge);
    assert_int_equal(strlen(out), 2047);
    assert_int_equal(out[2046], '\n');
    assert_ptr_equal(strchr(out, '\n'), out + 2046);
    free(out);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_lines_carry_their_syslog_priority, resetLog),
    cmocka_unit_test_setup(test_the_level_drops_what_is_less_important, resetLog),
    cmocka_unit_test_setup(test_plain_mode_names_the_level, resetLog),
    cmocka_unit_test_setup(test_a_message_is_one_line_of_at_most_2_kib, resetLog),
};

XV_TEST_MAIN(tests)
