/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvtest.h: helpers shared by the cmocka tests. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Absolute path of tests/data/<rel> (static buffer, valid until next call). */
const char *xvTestDataPath(const char *rel);
/* A "test:///ABS/tests/data/<rel>" URI (static buffer). */
const char *xvTestNodeURI(const char *rel);
/* Whole file contents, NUL-terminated, to free(); fails the test if unreadable. */
char *xvTestReadFile(const char *path);
/*
 * Compares @actual with the golden file tests/data/<rel>; with
 * XV_TEST_REGENERATE=1 in the environment, rewrites the golden instead.
 * Fails the test with a unified-ish first-difference report.
 */
void xvTestCompareGolden(const char *actual, const char *rel);
/* Sends stderr (where xvLog writes) to a temporary file until
 * xvTestStderrEnd(), which puts it back and returns what was written (to
 * free()). One capture at a time. */
void xvTestStderrBegin(void);
char *xvTestStderrEnd(void);
/* A fresh temporary directory (mkdtemp) under $TMPDIR, to free(). */
char *xvTestTempDir(void);
/* "@dir/@name", to free(). */
char *xvTestPathIn(const char *dir, const char *name);
/* Copies the file @from to @dir/@name, then gives it @mode; fails the test
 * on error. */
void xvTestInstallFile(const char *from, const char *dir, const char *name,
                       unsigned int mode);
/* Does this process map a file whose path contains @needle (/proc/self/maps)? */
int xvTestMapped(const char *needle);
/* Writes @text to @dir/@name (created or truncated); fails the test on error. */
void xvTestWriteText(const char *dir, const char *name, const char *text);
/* Makes the directory @dir/@name (mode 0700); fails the test on error. */
void xvTestMakeDir(const char *dir, const char *name);
/* Removes @dir and all below it, then frees @dir; fails the test on error. */
void xvTestRemoveTree(char *dir);
/* Runs @fn in a child with stderr on a pipe; fails the test unless the
 * child aborts with "PROGRAM: out of memory" (util/xvalloc.h's message). */
void xvTestAssertAbortsOutOfMemory(void (*fn)(void));
/* Applies XV_TEST_FILTER (a glob) as cmocka's test filter, then runs the group. */
#define XV_TEST_MAIN(tests)                                          \
    int main(void)                                                   \
    {                                                                \
        xvTestApplyFilter();                                         \
        return cmocka_run_group_tests(tests, NULL, NULL);            \
    }
void xvTestApplyFilter(void);

/* Error helpers (tests/common/xvtest_api.c; the test must link libvirt). */
struct _virError;
/* A virErrorFunc that swallows errors (the default handler prints them). */
void xvTestQuietErrors(void *userData, struct _virError *err);
/* Fails unless the last error has @code and a message containing @substr. */
void xvTestAssertError(int code, const char *substr);
