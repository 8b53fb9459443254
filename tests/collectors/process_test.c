/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process_test.c: the process collector's procfs reader (collectors/process.h)
 * on a fake /proc and on the real one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "collectors/process.h"
#include "util/xvmacros.h"
#include "xvtest.h"

/* A fake /proc: self/stat with a command name full of traps, stat's btime,
 * three entries in self/fd. */
static char *
fakeProc(const char *stat)
{
    char *dir = xvTestTempDir();
    char *self = xvTestPathIn(dir, "self");
    char *fd;

    xvTestMakeDir(dir, "self");
    xvTestWriteText(self, "stat", stat);
    xvTestMakeDir(self, "fd");
    fd = xvTestPathIn(self, "fd");
    xvTestWriteText(fd, "0", "");
    xvTestWriteText(fd, "1", "");
    xvTestWriteText(fd, "7", "");
    xvTestWriteText(dir, "stat", "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5\nbtime 1700000000\n"
                                 "processes 9\n");
    free(fd);
    free(self);
    return dir;
}

static void
test_fake_proc_gives_the_client_libraries_values(void **state)
{
    /* fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt utime=14 stime=15 cutime cstime priority nice threads itreal
     * starttime=22 vsize=23 rss=24 rsslim ... */
    char *proc = fakeProc("42 (a) b (c) R 1 42 42 0 -1 4194560 100 0 0 0 250 150 3 4 20 0 3 "
                          "0 12345 104857600 3000 18446744073709551615 1 1 0 0 0\n");
    long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    struct rlimit rl;
    xvSnapProcess p;

    (void)state;
    assert_int_equal(xvProcessRead(proc, &p), 0);
    assert_true(p.ok);
    assert_int_equal(p.cpuNs, 400ULL * 1000000000ULL / (uint64_t)hz);
    assert_int_equal(p.virtualBytes, 104857600);
    assert_int_equal(p.residentBytes, 3000ULL * (uint64_t)page);
    assert_int_equal(p.openFds, 3);
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    assert_int_equal(p.maxFds, rl.rlim_cur);
    assert_int_equal(p.startTimeNs,
                     1700000000ULL * 1000000000ULL + 12345ULL * 1000000000ULL / (uint64_t)hz);
    xvTestRemoveTree(proc);
}

static void
test_bad_files_fail(void **state)
{
    static const char *const bad[] = {
        "42 no parenthesis R 1\n",
        "42 (a) R 1 2\n",                         /* too short */
        "42 (a) R 1 42 42 0 -1 4194560 100 0 0 0 x 150 3 4 20 0 3 0 1 2 3\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        char *proc = fakeProc(bad[i]);
        xvSnapProcess p;

        assert_int_equal(xvProcessRead(proc, &p), -1);
        assert_false(p.ok);
        xvTestRemoveTree(proc);
    }
    {
        xvSnapProcess p;

        assert_int_equal(xvProcessRead("/nonexistent", &p), -1);
        assert_false(p.ok);
    }
}

static void
test_real_proc_is_plausible(void **state)
{
    xvSnapProcess p;
    xvSnapProcess q;
    FILE *f;

    (void)state;
    assert_int_equal(xvProcessRead("/proc", &p), 0);
    assert_true(p.residentBytes > 0 && p.virtualBytes >= p.residentBytes);
    assert_true(p.openFds >= 3 && p.openFds <= p.maxFds);
    assert_true(p.startTimeNs / 1000000000ULL <= (uint64_t)time(NULL) + 1);
    assert_true(p.startTimeNs / 1000000000ULL + 3600 > (uint64_t)time(NULL));
    assert_non_null(f = tmpfile());     /* one more descriptor than before */
    assert_int_equal(xvProcessRead("/proc", &q), 0);
    assert_int_equal(q.openFds, p.openFds + 1);
    assert_true(q.cpuNs >= p.cpuNs);
    assert_int_equal(q.startTimeNs, p.startTimeNs);
    fclose(f);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fake_proc_gives_the_client_libraries_values),
    cmocka_unit_test(test_bad_files_fail),
    cmocka_unit_test(test_real_proc_is_plausible),
};

XV_TEST_MAIN(tests)
