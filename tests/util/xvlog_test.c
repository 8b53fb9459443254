/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvlog_test.c: the programs' log on stderr (util/xvlog.c). */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
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

/* ---- rate limits ------------------------------------------------------- */

#define SEC UINT64_C(1000000000)

/* The rate limits' clock: moved by the tests alone. */
static uint64_t fakeNowNs;

static uint64_t
fakeClock(void *opaque)
{
    (void)opaque;
    return __atomic_load_n(&fakeNowNs, __ATOMIC_RELAXED);
}

static int
resetLimits(void **state)
{
    resetLog(state);
    fakeNowNs = 1000 * SEC;
    xvLogSetClock(fakeClock, NULL);
    xvLogLimitReset();
    return 0;
}

static int
restoreClock(void **state)
{
    (void)state;
    xvLogSetClock(NULL, NULL);
    xvLogLimitReset();
    return 0;
}

/* One failing domain, as the sampler would report it every 2 s from
 * @fromSec for @forSec (clock moved to each message), into a string. */
static char *
repeatEvery2s(const char *key, uint64_t fromSec, uint64_t forSec)
{
    xvTestStderrBegin();
    for (uint64_t t = fromSec; t < fromSec + forSec; t += 2) {
        fakeNowNs = 1000 * SEC + t * SEC;
        xvLogLimited(key, XV_LOG_WARNING, "sample %llu: domain web1 failed",
                     (unsigned long long)(t / 2 + 1));
    }
    return xvTestStderrEnd();
}

static void
test_a_repeated_message_is_logged_once_per_window_with_a_count(void **state)
{
    char *out;

    (void)state;
    /* 0 .. 58 s: 30 messages inside the first minute: the first is logged */
    out = repeatEvery2s("web1", 0, 60);
    assert_string_equal(out, "<4>sample 1: domain web1 failed\n");
    free(out);
    /* 60 s: the window is over, 29 were suppressed */
    out = repeatEvery2s("web1", 60, 2);
    assert_string_equal(out, "<4>sample 31: domain web1 failed "
                        "(29 similar messages suppressed)\n");
    free(out);
}

static void
test_the_window_doubles_while_it_keeps_coming_up_to_an_hour(void **state)
{
    char *out;
    const char *p;
    uint64_t expect[] = { 0, 60, 180, 420, 900, 1860, 3780, 7380, 10980, 14580 };
    size_t n = 0;

    (void)state;
    /* every 2 s for 4.5 h: logged at 0, 60 s, then 120, 240 ... 1920 s
     * later, then every 3600 s (3840 capped) */
    out = repeatEvery2s("web1", 0, 4 * 3600 + 1800);
    for (p = out; (p = strstr(p, "<4>sample ")); p++) {
        unsigned long long seq = strtoull(p + 10, NULL, 10);

        assert_true(n < sizeof(expect) / sizeof(expect[0]));
        assert_int_equal((seq - 1) * 2, expect[n]);
        n++;
    }
    assert_int_equal(n, sizeof(expect) / sizeof(expect[0]));
    /* the last one counts what came in the hour before it */
    assert_non_null(strstr(out, "sample 7291: domain web1 failed "
                            "(1799 similar messages suppressed)"));
    free(out);
}

static void
test_a_key_quiet_for_its_window_starts_over(void **state)
{
    char *out;

    (void)state;
    out = repeatEvery2s("web1", 0, 62);         /* logged at 0 and 60 s */
    free(out);
    /* quiet from 60 s; 3 min later (past the 120 s window) it is back:
     * logged at once, and its window is the first again */
    out = repeatEvery2s("web1", 240, 62);
    assert_string_equal(out, "<4>sample 121: domain web1 failed\n"
                        "<4>sample 151: domain web1 failed "
                        "(29 similar messages suppressed)\n");
    free(out);
}

static void
test_keys_are_limited_apart_and_the_level_first(void **state)
{
    char *out;

    (void)state;
    xvTestStderrBegin();
    xvLogLimited("a", XV_LOG_WARNING, "same text");
    xvLogLimited("b", XV_LOG_WARNING, "same text");
    xvLogLimited("a", XV_LOG_WARNING, "same text");
    /* below the level: dropped, and counts for nothing */
    xvLogLimited("c", XV_LOG_DEBUG, "debug");
    xvLogSetLevel(XV_LOG_DEBUG);
    xvLogLimited("c", XV_LOG_DEBUG, "debug");
    fakeNowNs += 60 * SEC;
    xvLogLimited("a", XV_LOG_WARNING, "same text");
    xvLogLimited("b", XV_LOG_WARNING, "same text");
    out = xvTestStderrEnd();
    assert_string_equal(out, "<4>same text\n<4>same text\n<7>debug\n"
                        "<4>same text (1 similar messages suppressed)\n<4>same text\n");
    free(out);
}

/* XV_LOG_LIMIT_KEYS keys active at once, then @extra keys more. */
static char *
fillKeys(size_t extra)
{
    char key[32];

    xvTestStderrBegin();
    for (size_t i = 0; i < XV_LOG_LIMIT_KEYS + extra; i++) {
        snprintf(key, sizeof(key), "dom-%zu", i);
        xvLogLimited(key, XV_LOG_WARNING, "%s failed", key);
    }
    return xvTestStderrEnd();
}

static size_t
countLines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void
test_memory_is_bounded_and_new_keys_share_a_window(void **state)
{
    char *out;

    (void)state;
    /* every tracked key active: the 10 new ones share one window */
    out = fillKeys(10);
    assert_int_equal(countLines(out), XV_LOG_LIMIT_KEYS + 1);
    assert_non_null(strstr(out, "<4>dom-256 failed\n"));
    assert_null(strstr(out, "dom-257"));
    free(out);
    /* 30 s on, the tracked ones come again (suppressed) and stay active */
    fakeNowNs += 30 * SEC;
    out = fillKeys(0);
    assert_string_equal(out, "");
    free(out);
    /* 60 s on, a new key still finds no slot: the shared window is over */
    fakeNowNs += 30 * SEC;
    xvTestStderrBegin();
    xvLogLimited("dom-new", XV_LOG_WARNING, "new");
    out = xvTestStderrEnd();
    assert_string_equal(out, "<4>new (9 messages suppressed: more than 256 kinds "
                        "of message repeat)\n");
    free(out);
    /* 120 s on, the tracked keys are quiet for their window: a new key
     * takes the slot of one of them, which is over */
    fakeNowNs += 60 * SEC;
    xvTestStderrBegin();
    xvLogLimited("dom-fresh", XV_LOG_WARNING, "fresh");
    xvLogLimited("dom-fresh", XV_LOG_WARNING, "fresh");
    out = xvTestStderrEnd();
    assert_string_equal(out, "<4>fresh\n");
    free(out);
}

typedef struct {
    int n;
} limitThreadArg;

static void *
limitThread(void *opaque)
{
    limitThreadArg *arg = opaque;

    for (int i = 0; i < arg->n; i++)
        xvLogLimited("shared", XV_LOG_WARNING, "from a thread");
    return NULL;
}

static void
test_threads_share_the_count(void **state)
{
    limitThreadArg arg = { .n = 2000 };
    pthread_t t[4];
    char *out;

    (void)state;
    xvTestStderrBegin();
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, limitThread, &arg), 0);
    for (size_t i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    __atomic_store_n(&fakeNowNs, fakeNowNs + 60 * SEC, __ATOMIC_RELAXED);
    xvLogLimited("shared", XV_LOG_WARNING, "from a thread");
    out = xvTestStderrEnd();
    assert_string_equal(out, "<4>from a thread\n<4>from a thread "
                        "(7999 similar messages suppressed)\n");
    free(out);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_lines_carry_their_syslog_priority, resetLog),
    cmocka_unit_test_setup(test_the_level_drops_what_is_less_important, resetLog),
    cmocka_unit_test_setup(test_plain_mode_names_the_level, resetLog),
    cmocka_unit_test_setup(test_a_message_is_one_line_of_at_most_2_kib, resetLog),
    cmocka_unit_test_setup_teardown(test_a_repeated_message_is_logged_once_per_window_with_a_count,
                                    resetLimits, restoreClock),
    cmocka_unit_test_setup_teardown(test_the_window_doubles_while_it_keeps_coming_up_to_an_hour,
                                    resetLimits, restoreClock),
    cmocka_unit_test_setup_teardown(test_a_key_quiet_for_its_window_starts_over,
                                    resetLimits, restoreClock),
    cmocka_unit_test_setup_teardown(test_keys_are_limited_apart_and_the_level_first,
                                    resetLimits, restoreClock),
    cmocka_unit_test_setup_teardown(test_memory_is_bounded_and_new_keys_share_a_window,
                                    resetLimits, restoreClock),
    cmocka_unit_test_setup_teardown(test_threads_share_the_count, resetLimits, restoreClock),
};

XV_TEST_MAIN(tests)
