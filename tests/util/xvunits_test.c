/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvunits_test.c: numbers with a unit (util/xvunits.c). */
#include <errno.h>
#include <stdint.h>

#include "xvtest.h"

#include "util/xvmacros.h"
#include "util/xvunits.h"

static const xvUnit sizes[] = { { "K", 1 }, { "KiB", 1 }, { "M", 1024 } };

static void
test_a_number_and_a_unit_give_the_base_unit(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(xvParseUnits("3M", sizes, XV_N_ELEMENTS(sizes), false, &v), 0);
    assert_int_equal(v, 3072);
    /* the whole unit name, not a prefix of one */
    assert_int_equal(xvParseUnits("7KiB", sizes, XV_N_ELEMENTS(sizes), false, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(xvParseUnits("007K", sizes, XV_N_ELEMENTS(sizes), false, &v), 0);
    assert_int_equal(v, 7);
}

static void
test_anything_else_is_einval_and_leaves_the_value(void **state)
{
    static const char *const bad[] = {
        "", "K", "3", "3 M", " 3M", "-3M", "+3M", "3.5M", "3Mi", "3m", "3MM",
    };
    uint64_t v = 42;
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        if (xvParseUnits(bad[i], sizes, XV_N_ELEMENTS(sizes), false, &v) != -EINVAL)
            fail_msg("'%s' should be -EINVAL", bad[i]);
    }
    assert_int_equal(v, 42);
}

static void
test_a_bare_zero_only_when_allowed(void **state)
{
    uint64_t v = 42;

    (void)state;
    assert_int_equal(xvParseUnits("0", sizes, XV_N_ELEMENTS(sizes), false, &v), -EINVAL);
    assert_int_equal(xvParseUnits("0", sizes, XV_N_ELEMENTS(sizes), true, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(xvParseUnits("00", sizes, XV_N_ELEMENTS(sizes), true, &v), 0);
    assert_int_equal(xvParseUnits("5", sizes, XV_N_ELEMENTS(sizes), true, &v), -EINVAL);
}

static void
test_what_does_not_fit_in_64_bits_is_erange(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(xvParseUnits("18446744073709551615K", sizes, XV_N_ELEMENTS(sizes), false,
                                  &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(xvParseUnits("18446744073709551616K", sizes, XV_N_ELEMENTS(sizes), false,
                                  &v), -ERANGE);
    assert_int_equal(xvParseUnits("18014398509481984M", sizes, XV_N_ELEMENTS(sizes), false,
                                  &v), -ERANGE);
    /* overflowing digits with an unknown unit are not a number at all */
    assert_int_equal(xvParseUnits("99999999999999999999x", sizes, XV_N_ELEMENTS(sizes), false,
                                  &v), -EINVAL);
}

static void
test_durations_are_milliseconds(void **state)
{
    static const struct {
        const char *text;
        uint64_t ms;
    } good[] = {
        { "500ms", 500 }, { "2s", 2000 }, { "1m", 60000 }, { "1h", 3600000 }, { "0s", 0 },
    };
    uint64_t ms = 0;
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(good); i++) {
        assert_int_equal(xvParseDuration(good[i].text, &ms), 0);
        assert_int_equal(ms, good[i].ms);
    }
    assert_int_equal(xvParseDuration("1", &ms), -EINVAL);
    assert_int_equal(xvParseDuration("0", &ms), -EINVAL);
    assert_int_equal(xvParseDuration("1d", &ms), -EINVAL);
    assert_int_equal(xvParseDuration("1.5s", &ms), -EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_a_number_and_a_unit_give_the_base_unit),
    cmocka_unit_test(test_anything_else_is_einval_and_leaves_the_value),
    cmocka_unit_test(test_a_bare_zero_only_when_allowed),
    cmocka_unit_test(test_what_does_not_fit_in_64_bits_is_erange),
    cmocka_unit_test(test_durations_are_milliseconds),
};

XV_TEST_MAIN(tests)
