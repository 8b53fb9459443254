/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvuuid_test.c: UUID parsing, formatting and generation (util/xvuuid.c). */
#include <stdio.h>
#include <string.h>

#include "xvtest.h"

#include "util/xvuuid.h"

static const unsigned char sampleUUID[XV_UUID_BUFLEN] = {
    0x8f, 0x1c, 0x2a, 0x3e, 0x5b, 0x6d, 0x4e, 0x7f,
    0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0x01
};
#define SAMPLE_DASHED "8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e601"

static void
assertParses(const char *str)
{
    unsigned char uuid[XV_UUID_BUFLEN];

    memset(uuid, 0, sizeof(uuid));
    if (xvUUIDParse(str, uuid) != 0)
        fail_msg("'%s' should parse", str);
    assert_memory_equal(uuid, sampleUUID, XV_UUID_BUFLEN);
}

static void
assertRejected(const char *str)
{
    unsigned char uuid[XV_UUID_BUFLEN];

    if (xvUUIDParse(str, uuid) != -1)
        fail_msg("'%s' should be rejected", str);
}

static void
test_parse_dashed_form(void **state)
{
    (void)state;
    assertParses(SAMPLE_DASHED);
}

static void
test_parse_plain_32_hex_digits(void **state)
{
    (void)state;
    assertParses("8f1c2a3e5b6d4e7f8091a2b3c4d5e601");
}

static void
test_parse_is_case_insensitive(void **state)
{
    (void)state;
    assertParses("8F1C2A3E-5B6D-4E7F-8091-A2B3C4D5E601");
    assertParses("8f1C2a3E5B6d4E7f8091A2b3C4d5E601");
}

static void
test_parse_accepts_dashes_between_byte_pairs(void **state)
{
    (void)state;
    assertParses("8f-1c-2a-3e-5b-6d-4e-7f-80-91-a2-b3-c4-d5-e6-01");
    assertParses("8f1c2a3e5b6d-4e7f8091a2b3c4d5e601");
}

static void
test_parse_accepts_surrounding_whitespace(void **state)
{
    (void)state;
    assertParses("  " SAMPLE_DASHED);
    assertParses(SAMPLE_DASHED "\n");
    assertParses("\t " SAMPLE_DASHED " \t\n");
}

static void
test_parse_rejects_wrong_lengths(void **state)
{
    (void)state;
    assertRejected("");
    assertRejected("   ");
    assertRejected("8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e60");   /* 31 digits */
    assertRejected("8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e6011");  /* 33 digits */
    assertRejected("8f1c2a3e5b6d4e7f8091a2b3c4d5e6");         /* 30 digits */
    assertRejected(SAMPLE_DASHED SAMPLE_DASHED);
}

static void
test_parse_rejects_non_hex_and_junk(void **state)
{
    (void)state;
    assertRejected("8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e6g1");
    assertRejected("not-a-uuid");
    assertRejected("{8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e601}");
    assertRejected(SAMPLE_DASHED " x");
    assertRejected("x" SAMPLE_DASHED);
    assertRejected("8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e601-");
}

static void
test_parse_rejects_a_dash_inside_a_byte(void **state)
{
    (void)state;
    assertRejected("8-f1c2a3e5b6d4e7f8091a2b3c4d5e601");
    assertRejected("8f1c2a3e5b6d4e7f8091a2b3c4d5e60-1");
}

static void
test_parse_failure_leaves_no_partial_promise(void **state)
{
    unsigned char uuid[XV_UUID_BUFLEN];

    (void)state;
    /* only the return value counts; the call must not read past the string */
    assert_int_equal(xvUUIDParse("8f", uuid), -1);
    assert_int_equal(xvUUIDParse("8", uuid), -1);
}

static void
test_format_is_lowercase_dashed_36_chars(void **state)
{
    char buf[XV_UUID_STRING_BUFLEN + 8];

    (void)state;
    memset(buf, 'x', sizeof(buf));
    xvUUIDFormat(sampleUUID, buf);
    assert_string_equal(buf, SAMPLE_DASHED);
    assert_int_equal(strlen(buf), 36);
    assert_int_equal(buf[XV_UUID_STRING_BUFLEN], 'x'); /* 37 bytes, no more */
}

static void
test_format_then_parse_round_trips(void **state)
{
    unsigned char in[XV_UUID_BUFLEN], out[XV_UUID_BUFLEN];
    char buf[XV_UUID_STRING_BUFLEN];
    int i, j;

    (void)state;
    for (i = 0; i < 64; i++) {
        for (j = 0; j < XV_UUID_BUFLEN; j++)
            in[j] = (unsigned char)(i * 37 + j * 101);
        xvUUIDFormat(in, buf);
        assert_int_equal(xvUUIDParse(buf, out), 0);
        assert_memory_equal(in, out, XV_UUID_BUFLEN);
    }
}

static void
test_generate_makes_random_version_4_uuids(void **state)
{
    unsigned char a[XV_UUID_BUFLEN], b[XV_UUID_BUFLEN];
    char buf[XV_UUID_STRING_BUFLEN];
    int i;

    (void)state;
    for (i = 0; i < 32; i++) {
        assert_int_equal(xvUUIDGenerate(a), 0);
        assert_int_equal(xvUUIDGenerate(b), 0);
        assert_memory_not_equal(a, b, XV_UUID_BUFLEN);
        assert_int_equal(a[6] >> 4, 4);        /* version 4 */
        assert_int_equal(a[8] & 0xc0, 0x80);   /* RFC 4122 variant */
        assert_false(xvUUIDIsNull(a));
        xvUUIDFormat(a, buf);
        assert_int_equal(buf[14], '4');
        assert_non_null(strchr("89ab", buf[19]));
    }
}

static void
test_is_null_only_for_all_zero(void **state)
{
    unsigned char uuid[XV_UUID_BUFLEN];
    int i;

    (void)state;
    memset(uuid, 0, sizeof(uuid));
    assert_true(xvUUIDIsNull(uuid));
    for (i = 0; i < XV_UUID_BUFLEN; i++) {
        memset(uuid, 0, sizeof(uuid));
        uuid[i] = 1;
        assert_false(xvUUIDIsNull(uuid));
    }
    assert_int_equal(xvUUIDParse("00000000-0000-0000-0000-000000000000", uuid), 0);
    assert_true(xvUUIDIsNull(uuid));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_dashed_form),
    cmocka_unit_test(test_parse_plain_32_hex_digits),
    cmocka_unit_test(test_parse_is_case_insensitive),
    cmocka_unit_test(test_parse_accepts_dashes_between_byte_pairs),
    cmocka_unit_test(test_parse_accepts_surrounding_whitespace),
    cmocka_unit_test(test_parse_rejects_wrong_lengths),
    cmocka_unit_test(test_parse_rejects_non_hex_and_junk),
    cmocka_unit_test(test_parse_rejects_a_dash_inside_a_byte),
    cmocka_unit_test(test_parse_failure_leaves_no_partial_promise),
    cmocka_unit_test(test_format_is_lowercase_dashed_36_chars),
    cmocka_unit_test(test_format_then_parse_round_trips),
    cmocka_unit_test(test_generate_makes_random_version_4_uuids),
    cmocka_unit_test(test_is_null_only_for_all_zero),
};

XV_TEST_MAIN(tests)
