/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvalloc_test.c: allocation that aborts instead of failing (util/xvalloc.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xvtest.h"

#include "util/xvalloc.h"

static void
test_alloc_zeroes(void **state)
{
    unsigned char *p = xvAlloc(64);
    int *q = xvAllocN(16, sizeof(int));
    size_t i;

    (void)state;
    for (i = 0; i < 64; i++)
        assert_int_equal(p[i], 0);
    for (i = 0; i < 16; i++)
        assert_int_equal(q[i], 0);
    free(p);
    free(q);
    /* zero bytes is still a block to free() */
    p = xvAlloc(0);
    assert_non_null(p);
    free(p);
    p = xvAllocN(0, 8);
    assert_non_null(p);
    free(p);
}

static void
test_realloc_keeps_the_contents(void **state)
{
    int *p = NULL;
    int i;

    (void)state;
    for (i = 0; i < 1000; i++) {
        p = xvReallocN(p, (size_t)i + 1, sizeof(*p));
        p[i] = i;
    }
    for (i = 0; i < 1000; i++)
        assert_int_equal(p[i], i);
    p = xvReallocN(p, 0, sizeof(*p));
    assert_non_null(p);
    free(p);
}

static void
test_strings_are_copied_and_null_stays_null(void **state)
{
    char *s;

    (void)state;
    assert_null(xvStrdup(NULL));
    assert_null(xvStrndup(NULL, 3));
    s = xvStrdup("domain");
    assert_string_equal(s, "domain");
    free(s);
    s = xvStrndup("domain", 3);
    assert_string_equal(s, "dom");
    free(s);
    s = xvStrndup("do", 30);
    assert_string_equal(s, "do");
    free(s);
    s = xvAsprintf("%s-%03d", "vm", 7);
    assert_string_equal(s, "vm-007");
    free(s);
}

static void
allocOverflow(void)
{
    free(xvAllocN(SIZE_MAX / 2 + 2, 2));
}

static void
reallocOverflow(void)
{
    free(xvReallocN(NULL, SIZE_MAX / 8 + 1, 8));
}

static void
test_an_overflowing_size_aborts_with_the_program_name(void **state)
{
    (void)state;
    xvTestAssertAbortsOutOfMemory(allocOverflow);
    xvTestAssertAbortsOutOfMemory(reallocOverflow);
    xvTestAssertAbortsOutOfMemory(xvAllocFailed);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_alloc_zeroes),
    cmocka_unit_test(test_realloc_keeps_the_contents),
    cmocka_unit_test(test_strings_are_copied_and_null_stays_null),
    cmocka_unit_test(test_an_overflowing_size_aborts_with_the_program_name),
};

XV_TEST_MAIN(tests)
