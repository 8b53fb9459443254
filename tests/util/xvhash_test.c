/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvhash_test.c: the hash table of byte-string and string keys (util/xvhash.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvtest.h"

#include "util/xvhash.h"

static void
test_an_empty_table_has_nothing(void **state)
{
    xvHash *h = xvHashNew();

    (void)state;
    assert_int_equal(xvHashCount(h), 0);
    assert_null(xvHashLookupStr(h, "a"));
    assert_false(xvHashHasStr(h, "a"));
    assert_false(xvHashRemoveStr(h, "a"));
    xvHashFree(h);
    xvHashFree(NULL);
}

static void
test_string_keys_map_to_their_values(void **state)
{
    xvHash *h = xvHashNew();
    int a = 1, b = 2;

    (void)state;
    assert_true(xvHashAddStr(h, "alpha", &a));
    assert_true(xvHashAddStr(h, "beta", &b));
    assert_int_equal(xvHashCount(h), 2);
    assert_ptr_equal(xvHashLookupStr(h, "alpha"), &a);
    assert_ptr_equal(xvHashLookupStr(h, "beta"), &b);
    assert_null(xvHashLookupStr(h, "alph"));
    assert_null(xvHashLookupStr(h, "alphabet"));
    assert_null(xvHashLookupStr(h, "Alpha"));
    xvHashFree(h);
}

static void
test_adding_a_key_twice_keeps_the_first_value(void **state)
{
    xvHash *h = xvHashNew();
    int a = 1, b = 2;

    (void)state;
    assert_true(xvHashAddStr(h, "k", &a));
    assert_false(xvHashAddStr(h, "k", &b));
    assert_int_equal(xvHashCount(h), 1);
    assert_ptr_equal(xvHashLookupStr(h, "k"), &a);
    xvHashFree(h);
}

static void
test_keys_are_copied_in(void **state)
{
    xvHash *h = xvHashNew();
    char key[] = "mutable";
    int v = 7;

    (void)state;
    assert_true(xvHashAddStr(h, key, &v));
    memcpy(key, "changed", sizeof(key));
    assert_ptr_equal(xvHashLookupStr(h, "mutable"), &v);
    assert_null(xvHashLookupStr(h, key));
    xvHashFree(h);
}

static void
test_byte_keys_may_hold_nuls_and_differ_by_length(void **state)
{
    static const unsigned char k1[] = { 0, 1, 2, 0 };
    static const unsigned char k2[] = { 0, 1, 2 };
    xvHash *h = xvHashNew();
    int id = 42, a = 1, b = 2, e = 3;

    (void)state;
    assert_true(xvHashAdd(h, k1, sizeof(k1), &a));
    assert_true(xvHashAdd(h, k2, sizeof(k2), &b));
    assert_true(xvHashAdd(h, &id, sizeof(id), &id));
    assert_true(xvHashAdd(h, "", 0, &e));
    assert_ptr_equal(xvHashLookup(h, k1, sizeof(k1)), &a);
    assert_ptr_equal(xvHashLookup(h, k2, sizeof(k2)), &b);
    assert_ptr_equal(xvHashLookup(h, &id, sizeof(id)), &id);
    assert_ptr_equal(xvHashLookupStr(h, ""), &e);
    assert_int_equal(xvHashCount(h), 4);
    xvHashFree(h);
}

static void
test_a_null_value_is_still_there(void **state)
{
    xvHash *h = xvHashNew();

    (void)state;
    assert_true(xvHashAddStr(h, "set-member", NULL));
    assert_true(xvHashHasStr(h, "set-member"));
    assert_null(xvHashLookupStr(h, "set-member"));
    assert_false(xvHashAddStr(h, "set-member", NULL));
    assert_true(xvHashRemoveStr(h, "set-member"));
    assert_false(xvHashHasStr(h, "set-member"));
    xvHashFree(h);
}

/* Thousands of keys: the table grows, and every key stays reachable
 * while others come and go. */
static void
test_many_keys_survive_growth_and_removal(void **state)
{
    enum { N = 20000 };
    static int values[N];
    xvHash *h = xvHashNew();
    char key[32];
    int i;

    (void)state;
    for (i = 0; i < N; i++) {
        snprintf(key, sizeof(key), "domain-%d", i);
        values[i] = i;
        assert_true(xvHashAddStr(h, key, &values[i]));
    }
    assert_int_equal(xvHashCount(h), N);
    for (i = 0; i < N; i += 2) {
        snprintf(key, sizeof(key), "domain-%d", i);
        assert_true(xvHashRemoveStr(h, key));
        assert_false(xvHashRemoveStr(h, key));
    }
    assert_int_equal(xvHashCount(h), N / 2);
    for (i = 0; i < N; i++) {
        int *v;

        snprintf(key, sizeof(key), "domain-%d", i);
        v = xvHashLookupStr(h, key);
        if (i % 2 == 0) {
            assert_null(v);
        } else {
            assert_non_null(v);
            assert_int_equal(*v, i);
        }
    }
    for (i = 0; i < N; i += 2) {
        snprintf(key, sizeof(key), "domain-%d", i);
        assert_true(xvHashAddStr(h, key, &values[i]));
    }
    assert_int_equal(xvHashCount(h), N);
    xvHashFree(h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_an_empty_table_has_nothing),
    cmocka_unit_test(test_string_keys_map_to_their_values),
    cmocka_unit_test(test_adding_a_key_twice_keeps_the_first_value),
    cmocka_unit_test(test_keys_are_copied_in),
    cmocka_unit_test(test_byte_keys_may_hold_nuls_and_differ_by_length),
    cmocka_unit_test(test_a_null_value_is_still_there),
    cmocka_unit_test(test_many_keys_survive_growth_and_removal),
};

XV_TEST_MAIN(tests)
