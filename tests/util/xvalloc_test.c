/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvalloc_test.c: allocation that aborts instead of failing (util/xvalloc.c). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Runs @fn in a child with stderr on a pipe: it must abort with the
 * program's own name in "NAME: out of memory". */
static void
assertAbortsOutOfMemory(void (*fn)(void))
{
    char expected[256], got[256] = "";
    size_t len = 0;
    int fds[2], status;
    ssize_t n;
    pid_t pid;

    snprintf(expected, sizeof(expected), "%s: out of memory\n", program_invocation_short_name);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        fn();
        _exit(0);
    }
    close(fds[1]);
    while ((n = read(fds[0], got + len, sizeof(got) - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_string_equal(got, expected);
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
    assertAbortsOutOfMemory(allocOverflow);
    assertAbortsOutOfMemory(reallocOverflow);
    assertAbortsOutOfMemory(xvAllocFailed);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_alloc_zeroes),
    cmocka_unit_test(test_realloc_keeps_the_contents),
    cmocka_unit_test(test_strings_are_copied_and_null_stays_null),
    cmocka_unit_test(test_an_overflowing_size_aborts_with_the_program_name),
};

XV_TEST_MAIN(tests)
