/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvfile_test.c: regular files only, read whole, and the trust check (util/xvfile.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xvtest.h"

#include "util/xvalloc.h"
#include "util/xvfile.h"

typedef struct {
    char *dir;
    char why[XV_FILE_WHY_LEN];
} fileFixture;

static int
setupDir(void **state)
{
    fileFixture *f = calloc(1, sizeof(*f));

    f->dir = xvTestTempDir();
    *state = f;
    return 0;
}

static int
teardownDir(void **state)
{
    fileFixture *f = *state;

    xvTestRemoveTree(f->dir);
    free(f);
    return 0;
}

static char *
fixturePath(fileFixture *f, const char *name)
{
    return xvTestPathIn(f->dir, name);
}

static void
chmodIn(fileFixture *f, const char *name, mode_t mode)
{
    char *path = fixturePath(f, name);

    assert_int_equal(chmod(path, mode), 0);
    free(path);
}

static void
assertWhyContains(const fileFixture *f, const char *text)
{
    if (!strstr(f->why, text))
        fail_msg("reason '%s' should contain '%s'", f->why, text);
}

/* ---- opening ----------------------------------------------------------- */

static void
test_open_regular_file_gives_a_blocking_descriptor(void **state)
{
    fileFixture *f = *state;
    char *path;
    int fd;

    xvTestWriteText(f->dir, "a", "x\n");
    path = fixturePath(f, "a");
    fd = xvFileOpenRegular(path, O_RDONLY, f->why, sizeof(f->why));
    assert_true(fd >= 0);
    assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    assert_int_not_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    close(fd);
    free(path);
}

static void
test_open_fifo_without_writer_is_refused_at_once(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "fifo");

    assert_int_equal(mkfifo(path, 0600), 0);
    /* a blocking open would wait here for a writer forever */
    assert_int_equal(xvFileOpenRegular(path, O_RDONLY, f->why, sizeof(f->why)), -EINVAL);
    assertWhyContains(f, "not a regular file (a FIFO)");
    assert_int_equal(xvFileOpenRegular(path, O_RDWR | O_APPEND, f->why, sizeof(f->why)),
                     -EINVAL);
    free(path);
}

static void
test_open_directory_is_refused_with_eisdir(void **state)
{
    fileFixture *f = *state;

    assert_int_equal(xvFileOpenRegular(f->dir, O_RDONLY, f->why, sizeof(f->why)), -EISDIR);
    assertWhyContains(f, "not a regular file (a directory)");
}

static void
test_open_character_device_is_refused(void **state)
{
    fileFixture *f = *state;

    assert_int_equal(xvFileOpenRegular("/dev/null", O_RDONLY, f->why, sizeof(f->why)),
                     -EINVAL);
    assertWhyContains(f, "a character device");
}

static void
test_open_socket_is_refused(void **state)
{
    fileFixture *f = *state;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char *path = fixturePath(f, "sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);

    assert_true(strlen(path) < sizeof(sa.sun_path));
    strcpy(sa.sun_path, path);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_true(xvFileOpenRegular(path, O_RDONLY, f->why, sizeof(f->why)) < 0);
    close(s);
    free(path);
}

static void
test_open_missing_file_gives_its_errno(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "none");

    assert_int_equal(xvFileOpenRegular(path, O_RDONLY, f->why, sizeof(f->why)), -ENOENT);
    assertWhyContains(f, "No such file");
    free(path);
}

static void
test_open_refuses_to_create(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "new");

    assert_int_equal(xvFileOpenRegular(path, O_RDWR | O_CREAT, f->why, sizeof(f->why)),
                     -EINVAL);
    assert_int_equal(access(path, F_OK), -1);
    free(path);
}

/* ---- reading ----------------------------------------------------------- */

/* Writes @text as @name and expects xvFileRead() to give it back whole. */
static void
assertReadsBack(fileFixture *f, const char *name, const char *text)
{
    char *path = fixturePath(f, name), *data = NULL;
    size_t len = 99;

    xvTestWriteText(f->dir, name, text);
    assert_int_equal(xvFileRead(path, 100, &data, &len, f->why, sizeof(f->why)), 0);
    assert_string_equal(data, text);
    assert_int_equal(len, strlen(text));
    free(data);
    free(path);
}

static void
test_read_gives_the_whole_file_nul_terminated(void **state)
{
    assertReadsBack(*state, "a", "hello\nworld\n");
}

static void
test_read_empty_file_gives_an_empty_string(void **state)
{
    assertReadsBack(*state, "empty", "");
}

static void
test_read_holds_the_size_cap_exactly(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "big"), *data = NULL;
    char text[10001];

    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    xvTestWriteText(f->dir, "big", text);
    assert_int_equal(xvFileRead(path, 10000, &data, NULL, f->why, sizeof(f->why)), 0);
    assert_int_equal(strlen(data), 10000);
    free(data);
    data = NULL;
    assert_int_equal(xvFileRead(path, 9999, &data, NULL, f->why, sizeof(f->why)), -EFBIG);
    assert_null(data);
    assertWhyContains(f, "larger than 9999 bytes");
    free(path);
}

static void
test_read_fifo_is_refused_not_waited_on(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "fifo"), *data = NULL;

    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(xvFileRead(path, 100, &data, NULL, f->why, sizeof(f->why)), -EINVAL);
    assert_null(data);
    free(path);
}

/* ---- trust ------------------------------------------------------------- */

static int
checkTrust(fileFixture *f, const char *name, unsigned int flags)
{
    char *path = name ? fixturePath(f, name) : strdup(f->dir);
    int rc;

    f->why[0] = '\0';
    rc = xvFileCheckTrust(path, -1, flags, f->why, sizeof(f->why));
    free(path);
    return rc;
}

/* The fixture's directory (mkdtemp: 0700, ours) below /tmp or $TMPDIR: the
 * other checks build on it being trusted. */
static void
test_trust_private_file_in_private_directory(void **state)
{
    fileFixture *f = *state;

    xvTestWriteText(f->dir, "conf", "x");
    chmodIn(f, "conf", 0644);
    if (checkTrust(f, "conf", XV_FILE_TRUST_STRICT) != 0)
        fail_msg("a 0644 file in %s should be trusted: %s", f->dir, f->why);
}

static void
test_trust_refuses_a_world_writable_file(void **state)
{
    fileFixture *f = *state;

    xvTestWriteText(f->dir, "conf", "x");
    chmodIn(f, "conf", 0646);
    assert_int_equal(checkTrust(f, "conf", 0), -EPERM);
    assertWhyContains(f, "writable by any user (mode 0646)");
}

static void
test_trust_warns_about_a_group_writable_file(void **state)
{
    fileFixture *f = *state;

    xvTestWriteText(f->dir, "conf", "x");
    chmodIn(f, "conf", 0664);
    assert_int_equal(checkTrust(f, "conf", 0), XV_FILE_TRUST_WARNING);
    assertWhyContains(f, "writable by group");
    assertWhyContains(f, "(mode 0664)");
}

static void
test_trust_strict_refuses_a_group_writable_file(void **state)
{
    fileFixture *f = *state;

    xvTestWriteText(f->dir, "journal", "x");
    chmodIn(f, "journal", 0620);
    assert_int_equal(checkTrust(f, "journal", XV_FILE_TRUST_STRICT), -EPERM);
    assertWhyContains(f, "writable by group");
}

static void
test_trust_refuses_a_world_writable_directory_above(void **state)
{
    fileFixture *f = *state;
    char *sub = fixturePath(f, "d");

    xvTestMakeDir(f->dir, "d");
    xvTestWriteText(sub, "conf", "x");
    chmodIn(f, "d", 0777);
    assert_int_equal(checkTrust(f, "d/conf", 0), -EPERM);
    assertWhyContains(f, "its directory '");
    assertWhyContains(f, "/d' is writable by any user (mode 0777)");
    /* the directory itself, as the state directory is checked */
    assert_int_equal(checkTrust(f, "d", 0), -EPERM);
    free(sub);
}

static void
test_trust_warns_about_a_group_writable_directory_above(void **state)
{
    fileFixture *f = *state;
    char *sub = fixturePath(f, "d");

    xvTestMakeDir(f->dir, "d");
    xvTestWriteText(sub, "conf", "x");
    chmodIn(f, "d", 0775);
    assert_int_equal(checkTrust(f, "d/conf", 0), XV_FILE_TRUST_WARNING);
    assertWhyContains(f, "/d' is writable by group");
    assert_int_equal(checkTrust(f, "d/conf", XV_FILE_TRUST_STRICT), -EPERM);
    free(sub);
}

static void
test_trust_allows_a_sticky_directory_of_roots(void **state)
{
    fileFixture *f = *state;
    char *sub = fixturePath(f, "t");

    if (geteuid() != 0)
        skip();
    xvTestMakeDir(f->dir, "t");
    xvTestWriteText(sub, "conf", "x");
    chmodIn(f, "t", 01777);
    assert_int_equal(checkTrust(f, "t/conf", XV_FILE_TRUST_STRICT), 0);
    free(sub);
}

static void
test_trust_refuses_a_file_of_another_user(void **state)
{
    fileFixture *f = *state;
    struct passwd *nobody = getpwnam("nobody");
    char *path = fixturePath(f, "conf");

    if (geteuid() != 0 || !nobody)
        skip();
    xvTestWriteText(f->dir, "conf", "x");
    chmodIn(f, "conf", 0600);
    assert_int_equal(chown(path, nobody->pw_uid, 0), 0);
    assert_int_equal(checkTrust(f, "conf", 0), -EPERM);
    assertWhyContains(f, "not by root");
    free(path);
}

static void
test_trust_follows_symbolic_links_to_the_real_file(void **state)
{
    fileFixture *f = *state;
    char *target = fixturePath(f, "real"), *link = fixturePath(f, "d/link");

    xvTestWriteText(f->dir, "real", "x");
    chmodIn(f, "real", 0666);
    xvTestMakeDir(f->dir, "d");
    assert_int_equal(symlink(target, link), 0);
    /* judged by what the link points to */
    assert_int_equal(checkTrust(f, "d/link", 0), -EPERM);
    assertWhyContains(f, "writable by any user (mode 0666)");
    free(target);
    free(link);
}

static void
test_trust_judges_the_opened_descriptor(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "conf");
    int fd;

    xvTestWriteText(f->dir, "conf", "x");
    chmodIn(f, "conf", 0600);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(xvFileCheckTrust(path, fd, 0, f->why, sizeof(f->why)), 0);
    assert_int_equal(fchmod(fd, 0666), 0);
    assert_int_equal(xvFileCheckTrust(path, fd, 0, f->why, sizeof(f->why)), -EPERM);
    close(fd);
    free(path);
}

static void
test_trust_of_a_missing_path_gives_enoent(void **state)
{
    fileFixture *f = *state;

    assert_int_equal(checkTrust(f, "none", 0), -ENOENT);
}

static void
test_type_names_for_messages(void **state)
{
    (void)state;
    assert_string_equal(xvFileTypeName(S_IFIFO), "a FIFO");
    assert_string_equal(xvFileTypeName(S_IFBLK | 0644), "a block device");
    assert_string_equal(xvFileTypeName(S_IFSOCK), "a socket");
}

/* ---- modules ----------------------------------------------------------- */

static int
checkModule(fileFixture *f, const char *name)
{
    char *path = fixturePath(f, name);
    int rc;

    f->why[0] = '\0';
    rc = xvFileCheckModule(path, f->why, sizeof(f->why));
    free(path);
    return rc;
}

static void
test_module_missing_is_not_installed(void **state)
{
    fileFixture *f = *state;

    assert_int_equal(checkModule(f, "libmod.so"), -ENOENT);
}

static void
test_module_trusted_strictly(void **state)
{
    fileFixture *f = *state;

    xvTestWriteText(f->dir, "libmod.so", "x");
    chmodIn(f, "libmod.so", 0644);
    if (checkModule(f, "libmod.so") != 0)
        fail_msg("a 0644 module in %s should be trusted: %s", f->dir, f->why);
    /* a group-writable one, only warned about for a configuration, is refused */
    chmodIn(f, "libmod.so", 0664);
    assert_int_equal(checkModule(f, "libmod.so"), -1);
    assertWhyContains(f, "writable by group");
}

static void
test_module_must_be_a_regular_file(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "libmod.so");

    assert_int_equal(mkdir(path, 0755), 0);
    free(path);
    assert_int_equal(checkModule(f, "libmod.so"), -1);
    assert_true(f->why[0] != '\0');
}

/* ---- writing ------------------------------------------------------------ */

/* The names in the fixture's directory, sorted, joined by spaces. */
static char *
dirListing(const fileFixture *f)
{
    struct dirent **names;
    char *out = xvStrdup("");
    int n, i;

    n = scandir(f->dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
            char *next = xvAsprintf("%s%s%s", out, *out ? " " : "", names[i]->d_name);

            free(out);
            out = next;
        }
        free(names[i]);
    }
    free(names);
    return out;
}

static void
assertListing(const fileFixture *f, const char *want)
{
    char *got = dirListing(f);

    assert_string_equal(got, want);
    free(got);
}

static void
test_write_atomic_creates_the_file_with_its_mode_and_nothing_else(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "dump.xml");
    char *data;
    struct stat sb;

    assert_int_equal(xvFileWriteAtomic(path, "<node/>\n", 8, 0640, f->why, sizeof(f->why)), 0);
    data = xvTestReadFile(path);
    assert_string_equal(data, "<node/>\n");
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0640);
    assertListing(f, "dump.xml");
    free(data);
    free(path);
}

static void
test_write_atomic_replaces_an_existing_file(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "dump.xml");
    char *data;

    xvTestWriteText(f->dir, "dump.xml", "an old, longer content\n");
    assert_int_equal(xvFileWriteAtomic(path, "new", 3, 0644, f->why, sizeof(f->why)), 0);
    data = xvTestReadFile(path);
    assert_string_equal(data, "new");
    assertListing(f, "dump.xml");
    free(data);
    free(path);
}

static void
test_write_atomic_into_a_missing_directory_says_so(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "no/dump.xml");

    assert_int_equal(xvFileWriteAtomic(path, "x", 1, 0644, f->why, sizeof(f->why)), -ENOENT);
    assertWhyContains(f, "cannot create a file in ");
    assertWhyContains(f, "/no/: No such file or directory");
    assertListing(f, "");
    free(path);
}

/* The rename fails: the old entry is untouched and the new file gone. */
static void
test_write_atomic_over_a_directory_leaves_nothing_behind(void **state)
{
    fileFixture *f = *state;
    char *path = fixturePath(f, "sub");

    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(xvFileWriteAtomic(path, "x", 1, 0644, f->why, sizeof(f->why)), -EISDIR);
    assertWhyContains(f, "cannot rename ");
    assertWhyContains(f, "/.sub.");
    assertListing(f, "sub");
    free(path);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setupDir, teardownDir)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_open_regular_file_gives_a_blocking_descriptor),
        T(test_open_fifo_without_writer_is_refused_at_once),
        T(test_open_directory_is_refused_with_eisdir),
        T(test_open_character_device_is_refused),
        T(test_open_socket_is_refused),
        T(test_open_missing_file_gives_its_errno),
        T(test_open_refuses_to_create),
        T(test_read_gives_the_whole_file_nul_terminated),
        T(test_read_empty_file_gives_an_empty_string),
        T(test_read_holds_the_size_cap_exactly),
        T(test_read_fifo_is_refused_not_waited_on),
        T(test_write_atomic_creates_the_file_with_its_mode_and_nothing_else),
        T(test_write_atomic_replaces_an_existing_file),
        T(test_write_atomic_into_a_missing_directory_says_so),
        T(test_write_atomic_over_a_directory_leaves_nothing_behind),
        T(test_module_missing_is_not_installed),
        T(test_module_trusted_strictly),
        T(test_module_must_be_a_regular_file),
        T(test_trust_private_file_in_private_directory),
        T(test_trust_refuses_a_world_writable_file),
        T(test_trust_warns_about_a_group_writable_file),
        T(test_trust_strict_refuses_a_group_writable_file),
        T(test_trust_refuses_a_world_writable_directory_above),
        T(test_trust_warns_about_a_group_writable_directory_above),
        T(test_trust_allows_a_sticky_directory_of_roots),
        T(test_trust_refuses_a_file_of_another_user),
        T(test_trust_follows_symbolic_links_to_the_real_file),
        T(test_trust_judges_the_opened_descriptor),
        T(test_trust_of_a_missing_path_gives_enoent),
        T(test_type_names_for_messages),
    };

    xvTestApplyFilter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
