/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvtest.c: helpers shared by the cmocka tests. */
#include "xvtest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
xvTestDataDir(void)
{
    const char *dir = getenv("XV_TEST_DATADIR");

    if (!dir)
        fail_msg("XV_TEST_DATADIR is not set: run the tests through meson test");
    return dir;
}

const char *
xvTestDataPath(const char *rel)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", xvTestDataDir(), rel);
    return path;
}

const char *
xvTestNodeURI(const char *rel)
{
    static char uri[PATH_MAX + 16];

    snprintf(uri, sizeof(uri), "test://%s/%s", xvTestDataDir(), rel);
    return uri;
}

char *
xvTestReadFile(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *data;
    long len;

    if (!fp)
        fail_msg("cannot open '%s': %s", path, strerror(errno));
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    data = malloc((size_t)len + 1);
    assert_non_null(data);
    if (len > 0 && fread(data, 1, (size_t)len, fp) != (size_t)len)
        fail_msg("cannot read '%s'", path);
    data[len] = '\0';
    fclose(fp);
    return data;
}

static void
xvTestWriteFile(const char *path, const char *data)
{
    FILE *fp = fopen(path, "wb");

    if (!fp || fputs(data, fp) < 0 || fclose(fp) != 0)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
}

void
xvTestCompareGolden(const char *actual, const char *rel)
{
    const char *path = xvTestDataPath(rel);
    const char *regen = getenv("XV_TEST_REGENERATE");
    char *expected;
    size_t line = 1, i;

    if (regen && strcmp(regen, "1") == 0) {
        xvTestWriteFile(path, actual);
        return;
    }
    expected = xvTestReadFile(path);
    for (i = 0; actual[i] && actual[i] == expected[i]; i++) {
        if (actual[i] == '\n')
            line++;
    }
    if (actual[i] != expected[i]) {
        print_error("golden %s differs at line %zu:\n--- expected\n%.200s\n--- actual\n%.200s\n",
                    rel, line, expected + i, actual + i);
        free(expected);
        fail_msg("output differs from %s (XV_TEST_REGENERATE=1 rewrites it)", rel);
    }
    free(expected);
}

char *
xvTestTempDir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir;

    if (asprintf(&dir, "%s/xvtest-XXXXXX", tmp ? tmp : "/tmp") < 0)
        fail_msg("out of memory");
    if (!mkdtemp(dir))
        fail_msg("mkdtemp: %s", strerror(errno));
    return dir;
}

static struct {
    char *dir;
    int saved;
} stderrCapture = { NULL, -1 };

void
xvTestStderrBegin(void)
{
    char *path;
    int fd;

    assert_null(stderrCapture.dir);
    stderrCapture.dir = xvTestTempDir();
    path = xvTestPathIn(stderrCapture.dir, "stderr");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    fflush(stderr);
    stderrCapture.saved = dup(STDERR_FILENO);
    assert_true(stderrCapture.saved >= 0);
    assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    close(fd);
    free(path);
}

char *
xvTestStderrEnd(void)
{
    char *path, *text;

    assert_non_null(stderrCapture.dir);
    fflush(stderr);
    assert_int_equal(dup2(stderrCapture.saved, STDERR_FILENO), STDERR_FILENO);
    close(stderrCapture.saved);
    stderrCapture.saved = -1;
    path = xvTestPathIn(stderrCapture.dir, "stderr");
    text = xvTestReadFile(path);
    free(path);
    xvTestRemoveTree(stderrCapture.dir);
    stderrCapture.dir = NULL;
    return text;
}

void
xvTestApplyFilter(void)
{
    const char *filter = getenv("XV_TEST_FILTER");

    /* TAP so meson can count every test case */
    cmocka_set_message_output(CM_OUTPUT_TAP);
    if (filter && *filter)
        cmocka_set_test_filter(filter);
}

char *
xvTestPathIn(const char *dir, const char *name)
{
    char *path = NULL;

    assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
    return path;
}

void
xvTestWriteText(const char *dir, const char *name, const char *text)
{
    char *path = xvTestPathIn(dir, name);
    FILE *f = fopen(path, "w");
    size_t len = strlen(text);

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(path);
}

void
xvTestMakeDir(const char *dir, const char *name)
{
    char *path = xvTestPathIn(dir, name);

    assert_int_equal(mkdir(path, 0700), 0);
    free(path);
}

static int
xvTestRemoveEntry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void
xvTestRemoveTree(char *dir)
{
    assert_int_equal(nftw(dir, xvTestRemoveEntry, 16, FTW_DEPTH | FTW_PHYS), 0);
    free(dir);
}

void
xvTestAssertAbortsOutOfMemory(void (*fn)(void))
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

void
xvTestInstallFile(const char *from, const char *dir, const char *name, unsigned int mode)
{
    char *path = xvTestPathIn(dir, name);
    FILE *in = fopen(from, "rb"), *out = fopen(path, "wb");
    char buf[65536];
    size_t n;

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(chmod(path, (mode_t)mode), 0);
    free(path);
}

int
xvTestMapped(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;

    assert_non_null(f);
    while (!found && fgets(line, sizeof(line), f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}
