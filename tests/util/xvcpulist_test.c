/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvcpulist_test.c: CPU lists (util/xvcpulist.c) in each dialect its
 * callers use: autopin's reserved_cpus (strict), xvirsh vcpupin (blanks,
 * exclusions, checked item by item), the library's <vcpu cpuset=...>
 * (libvirt's syntax, CPUs past the host ignored), and the formatter the
 * exporters and xvirsh print with.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvtest.h"

#include "util/xvcpulist.h"
#include "util/xvmacros.h"

#define MAP_BYTES 512           /* 4096 CPUs */

typedef struct {
    const char *text;
    xvCpuListFault fault;
    size_t offset;
    size_t len;
} faultCase;

/* Parses @text and checks the fault, its place and the token it names. */
static void
assertFaults(const char *text, unsigned int flags, size_t ncpus, xvCpuListFault fault,
             size_t offset, size_t len)
{
    unsigned char map[MAP_BYTES];
    xvCpuListError err = { .fault = XV_CPULIST_FAULT_NONE };

    assert_int_equal(xvCpuListParse(text, flags, ncpus, map, &err), -1);
    if (err.fault != fault || err.offset != offset || err.len != len)
        fail_msg("'%s': fault %d at %zu (+%zu), expected %d at %zu (+%zu)", text,
                 err.fault, err.offset, err.len, fault, offset, len);
}

/* Parses @text and checks the map against the list @expect (a plain "0-3,8"). */
static void
assertParses(const char *text, unsigned int flags, size_t ncpus, const char *expect)
{
    unsigned char map[MAP_BYTES];
    char out[4 * MAP_BYTES * 8];
    xvCpuListError err;
    int n;

    memset(map, 0xa5, sizeof(map));
    n = xvCpuListParse(text, flags, ncpus, map, &err);
    if (n < 0)
        fail_msg("'%s': fault %d at %zu", text, err.fault, err.offset);
    xvCpuListWrite(out, map, ncpus);
    if (strcmp(out, expect) != 0)
        fail_msg("'%s' gave '%s', expected '%s'", text, out, expect);
    assert_int_equal((size_t)n, xvCpuMapCount(map, ncpus));
}

/* ---- the strict dialect (autopin's reserved_cpus) ------------------------- */

static void
test_strict_lists_take_numbers_and_ascending_ranges(void **state)
{
    unsigned char map[MAP_BYTES];

    (void)state;
    assert_int_equal(xvCpuListParse("0-2,5,4095", 0, 4096, map, NULL), 5);
    assert_int_equal(map[0], 0x27);
    assert_int_equal(map[511], 0x80);
    assert_int_equal(map[1], 0);
    assertParses("7", 0, 4096, "7");
    assertParses("3-3", 0, 4096, "3");
    assertParses("007,8", 0, 4096, "7-8");
    assertParses("5,1-2,0", 0, 4096, "0-2,5");
    assertParses("0-4095", 0, 4096, "0-4095");
}

static void
test_strict_lists_fault_at_the_first_byte_in_error(void **state)
{
    static const faultCase cases[] = {
        { "", XV_CPULIST_FAULT_SYNTAX, 0, 0 },
        { "0-1,,4", XV_CPULIST_FAULT_SYNTAX, 4, 0 },
        { "0-1,", XV_CPULIST_FAULT_SYNTAX, 4, 0 },
        { "0 ,1", XV_CPULIST_FAULT_SYNTAX, 1, 0 },
        { " 0", XV_CPULIST_FAULT_SYNTAX, 0, 0 },
        { "^2", XV_CPULIST_FAULT_SYNTAX, 0, 0 },
        { "1-", XV_CPULIST_FAULT_SYNTAX, 2, 0 },
        { "1--2", XV_CPULIST_FAULT_SYNTAX, 2, 0 },
        { "1-2-3", XV_CPULIST_FAULT_SYNTAX, 3, 0 },
        { "x", XV_CPULIST_FAULT_SYNTAX, 0, 0 },
        { "+1", XV_CPULIST_FAULT_SYNTAX, 0, 0 },
        { "4096", XV_CPULIST_FAULT_RANGE, 0, 4 },
        { "1,2-99999999999999999999", XV_CPULIST_FAULT_RANGE, 4, 20 },
        { "5-3", XV_CPULIST_FAULT_BACKWARDS, 0, 3 },
        /* the leftmost fault wins: the number before the junk after it */
        { "4096x", XV_CPULIST_FAULT_RANGE, 0, 4 },
        { "4096-1", XV_CPULIST_FAULT_RANGE, 0, 4 },
        { "0-4096,x", XV_CPULIST_FAULT_RANGE, 2, 4 },
        { "9-3x", XV_CPULIST_FAULT_BACKWARDS, 0, 3 },
        { "1,10-3", XV_CPULIST_FAULT_BACKWARDS, 2, 4 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++)
        assertFaults(cases[i].text, 0, 4096, cases[i].fault, cases[i].offset, cases[i].len);
}

/* ---- blanks and exclusions (xvirsh vcpupin) ------------------------------- */

#define XVSH_FLAGS (XV_CPULIST_EXCLUDE | XV_CPULIST_BLANKS)

static void
test_exclusions_apply_left_to_right(void **state)
{
    (void)state;
    assertParses("0-3,^2", XVSH_FLAGS, 16, "0-1,3");
    assertParses("^2,0-3", XVSH_FLAGS, 16, "0-3");
    assertParses("0-7,^0,^7,^3", XVSH_FLAGS, 16, "1-2,4-6");
    assertParses("1,^1", XVSH_FLAGS, 16, "");
}

static void
test_blanks_go_around_every_token(void **state)
{
    (void)state;
    assertParses(" 0 - 3 , ^ 2 ", XVSH_FLAGS, 16, "0-1,3");
    assertParses("\t1\t,\t4", XVSH_FLAGS, 16, "1,4");
    assertParses("0, 1", XVSH_FLAGS, 16, "0-1");
    assertFaults(" ", XVSH_FLAGS, 16, XV_CPULIST_FAULT_SYNTAX, 1, 0);
    assertFaults("0 1", XVSH_FLAGS, 16, XV_CPULIST_FAULT_SYNTAX, 2, 0);
    /* a newline is no blank */
    assertFaults("0,\n1", XVSH_FLAGS, 16, XV_CPULIST_FAULT_SYNTAX, 2, 0);
}

static void
test_an_exclusion_is_one_cpu(void **state)
{
    (void)state;
    assertFaults("0-3,^1-2", XVSH_FLAGS, 16, XV_CPULIST_FAULT_SYNTAX, 6, 0);
    assertFaults("^^1", XVSH_FLAGS, 16, XV_CPULIST_FAULT_SYNTAX, 1, 0);
    assertFaults("^", XVSH_FLAGS, 16, XV_CPULIST_FAULT_SYNTAX, 1, 0);
}

/*
 * xvirsh checks each item against the host once the item's syntax is
 * whole, separator included, then reads the next: a list whose first item
 * is past the host and whose second is junk is "too big", not "invalid".
 */
static void
test_the_iterator_hands_over_an_item_once_its_separator_is_read(void **state)
{
    xvCpuListIter iter;
    xvCpuListItem item;
    xvCpuListError err;

    (void)state;
    xvCpuListIterInit(&iter, "99,x", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 1);
    assert_false(item.exclude);
    assert_int_equal(item.first, 99);
    assert_int_equal(item.last, 99);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), -1);
    assert_int_equal(err.fault, XV_CPULIST_FAULT_SYNTAX);
    assert_int_equal(err.offset, 3);

    /* junk right after the item: no item */
    xvCpuListIterInit(&iter, "99x", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), -1);
    assert_int_equal(err.offset, 2);

    /* a comma ending the text is wrong before the item counts; one
     * followed by blanks is wrong only when the next item is read */
    xvCpuListIterInit(&iter, "99,", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), -1);
    assert_int_equal(err.offset, 3);
    xvCpuListIterInit(&iter, "99, ", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), -1);
    assert_int_equal(err.offset, 4);

    xvCpuListIterInit(&iter, "^ 5 ", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 1);
    assert_true(item.exclude);
    assert_int_equal(item.first, 5);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 0);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 0);
}

static void
test_numbers_past_the_limit_are_range_faults(void **state)
{
    xvCpuListIter iter;
    xvCpuListItem item;
    xvCpuListError err;

    (void)state;
    xvCpuListIterInit(&iter, "2147483647", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 1);
    assert_int_equal(item.last, INT_MAX);
    xvCpuListIterInit(&iter, "1,2147483648", XVSH_FLAGS, (size_t)INT_MAX + 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 1);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), -1);
    assert_int_equal(err.fault, XV_CPULIST_FAULT_RANGE);
    assert_int_equal(err.offset, 2);
    assert_int_equal(err.len, 10);
    /* an exclusion is checked too */
    assertFaults("0,^16", XVSH_FLAGS, 16, XV_CPULIST_FAULT_RANGE, 3, 2);
    /* a number too long for any integer reads as the largest */
    xvCpuListIterInit(&iter, "123456789012345678901234567890", 0, SIZE_MAX);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), -1);
    assert_int_equal(err.fault, XV_CPULIST_FAULT_RANGE);
    xvCpuListIterInit(&iter, "123456789012345678901234567890", XV_CPULIST_CLIP, 0);
    assert_int_equal(xvCpuListIterNext(&iter, &item, &err), 1);
    assert_int_equal(item.first, SIZE_MAX);
}

/* ---- libvirt's cpuset syntax (the library's drivers) ---------------------- */

static void
test_libvirt_syntax_takes_a_trailing_comma(void **state)
{
    (void)state;
    assertParses("0-3,^2,8", XV_CPULIST_LIBVIRT, 16, "0-1,3,8");
    assertParses("0,", XV_CPULIST_LIBVIRT, 16, "0");
    assertParses("0, ", XV_CPULIST_LIBVIRT, 16, "0");
    assertFaults("0,,", XV_CPULIST_LIBVIRT, 16, XV_CPULIST_FAULT_SYNTAX, 2, 0);
    assertFaults(",0", XV_CPULIST_LIBVIRT, 16, XV_CPULIST_FAULT_SYNTAX, 0, 0);
    assertFaults("", XV_CPULIST_LIBVIRT, 16, XV_CPULIST_FAULT_SYNTAX, 0, 0);
    assertFaults("3-1", XV_CPULIST_LIBVIRT, 16, XV_CPULIST_FAULT_BACKWARDS, 0, 3);
    assertFaults("4096", XV_CPULIST_LIBVIRT, 4096, XV_CPULIST_FAULT_RANGE, 0, 4);
}

static void
test_clip_ignores_cpus_past_the_map(void **state)
{
    (void)state;
    assertParses("2-5,9", XV_CPULIST_LIBVIRT | XV_CPULIST_CLIP, 4, "2-3");
    assertParses("6-9", XV_CPULIST_LIBVIRT | XV_CPULIST_CLIP, 4, "");
    assertParses("0-99999999999999999999999", XV_CPULIST_LIBVIRT | XV_CPULIST_CLIP, 12,
                 "0-11");
    assertParses("0-3,^99", XV_CPULIST_LIBVIRT | XV_CPULIST_CLIP, 4, "0-3");
}

static void
test_parse_clears_the_map_and_counts_what_is_set(void **state)
{
    unsigned char map[2] = { 0xff, 0xff };

    (void)state;
    assert_int_equal(xvCpuListParse("1,3", 0, 12, map, NULL), 2);
    assert_int_equal(map[0], 0x0a);
    assert_int_equal(map[1], 0);
    assert_int_equal(xvCpuListParse("0-3,^0,^1,^2,^3", XV_CPULIST_EXCLUDE, 12, map, NULL), 0);
}

static void
test_item_apply_stays_inside_the_map(void **state)
{
    unsigned char map[2] = { 0, 0 };
    xvCpuListItem all = { .first = 0, .last = SIZE_MAX };
    xvCpuListItem none = { .exclude = true, .first = 4, .last = 4 };

    (void)state;
    xvCpuListItemApply(&all, map, 10);
    assert_int_equal(map[0], 0xff);
    assert_int_equal(map[1], 0x03);
    xvCpuListItemApply(&none, map, 10);
    assert_int_equal(map[0], 0xef);
    assert_int_equal(xvCpuMapCount(map, 10), 9);
    /* bits past @ncpus do not count */
    map[1] = 0xff;
    assert_int_equal(xvCpuMapCount(map, 10), 9);
    assert_int_equal(xvCpuMapCount(map, 16), 15);
    assert_int_equal(xvCpuMapCount(map, 0), 0);
}

/* ---- the formatter -------------------------------------------------------- */

static void
test_format_compresses_runs(void **state)
{
    static const struct {
        unsigned char map[3];
        size_t ncpus;
        const char *text;
    } cases[] = {
        { { 0x00, 0x00, 0x00 }, 24, "" },
        { { 0x01, 0x00, 0x00 }, 24, "0" },
        { { 0x0f, 0x01, 0x00 }, 24, "0-3,8" },
        { { 0x03, 0x00, 0x00 }, 24, "0-1" },
        { { 0x80, 0x01, 0x00 }, 24, "7-8" },
        { { 0x55, 0x00, 0x00 }, 24, "0,2,4,6" },
        { { 0xff, 0xff, 0xff }, 24, "0-23" },
        { { 0xff, 0xff, 0xff }, 20, "0-19" },
        { { 0x00, 0x00, 0x80 }, 24, "23" },
        { { 0x00, 0x00, 0x80 }, 23, "" },
        { { 0xf0, 0x00, 0xf0 }, 24, "4-7,20-23" },
    };
    char buf[128];
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *end = xvCpuListWrite(buf, cases[i].map, cases[i].ncpus);
        char *dup = xvCpuListFormat(cases[i].map, cases[i].ncpus);

        assert_string_equal(buf, cases[i].text);
        assert_ptr_equal(end, buf + strlen(cases[i].text));
        assert_string_equal(dup, cases[i].text);
        free(dup);
    }
}

static void
test_format_max_bounds_the_worst_maps(void **state)
{
    static const unsigned char patterns[] = { 0x55, 0xaa, 0xdb, 0x6d, 0xb6, 0xff, 0x01 };
    unsigned char map[MAP_BYTES];
    static char buf[8 * MAP_BYTES * 8];
    size_t ncpus[] = { 1, 7, 8, 9, 10, 11, 99, 100, 101, 1000, 1001, 4096 };
    size_t i, j;

    (void)state;
    assert_int_equal(xvCpuListFormatMax(0), 0);
    for (i = 0; i < XV_N_ELEMENTS(patterns); i++) {
        memset(map, patterns[i], sizeof(map));
        for (j = 0; j < XV_N_ELEMENTS(ncpus); j++) {
            size_t len = (size_t)(xvCpuListWrite(buf, map, ncpus[j]) - buf);

            if (len > xvCpuListFormatMax(ncpus[j]))
                fail_msg("pattern %#x, %zu CPUs: %zu bytes > %zu", patterns[i], ncpus[j],
                         len, xvCpuListFormatMax(ncpus[j]));
        }
    }
}

static void
test_format_then_parse_round_trips(void **state)
{
    unsigned char map[MAP_BYTES], back[MAP_BYTES];
    char *text;
    size_t i;

    (void)state;
    srand(9);
    for (i = 0; i < 200; i++) {
        size_t k;

        for (k = 0; k < sizeof(map); k++)
            map[k] = (unsigned char)(rand() % 3 == 0 ? 0 : rand());
        map[0] |= 1;            /* never empty */
        text = xvCpuListFormat(map, 4096);
        assert_true(xvCpuListParse(text, 0, 4096, back, NULL) > 0);
        assert_memory_equal(map, back, sizeof(map));
        free(text);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_strict_lists_take_numbers_and_ascending_ranges),
    cmocka_unit_test(test_strict_lists_fault_at_the_first_byte_in_error),
    cmocka_unit_test(test_exclusions_apply_left_to_right),
    cmocka_unit_test(test_blanks_go_around_every_token),
    cmocka_unit_test(test_an_exclusion_is_one_cpu),
    cmocka_unit_test(test_the_iterator_hands_over_an_item_once_its_separator_is_read),
    cmocka_unit_test(test_numbers_past_the_limit_are_range_faults),
    cmocka_unit_test(test_libvirt_syntax_takes_a_trailing_comma),
    cmocka_unit_test(test_clip_ignores_cpus_past_the_map),
    cmocka_unit_test(test_parse_clears_the_map_and_counts_what_is_set),
    cmocka_unit_test(test_item_apply_stays_inside_the_map),
    cmocka_unit_test(test_format_compresses_runs),
    cmocka_unit_test(test_format_max_bounds_the_worst_maps),
    cmocka_unit_test(test_format_then_parse_round_trips),
};

XV_TEST_MAIN(tests)
