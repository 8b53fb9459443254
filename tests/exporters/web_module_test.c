/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* web_module_test.c: the agent's side of its web module (exporters/web.h):
 * nothing of OpenSSL is mapped before a web configuration is opened; a
 * missing, foreign, writable or broken module is refused with a message
 * that names the configuration, the module and why; a failed load is tried
 * again; the real module then reads configurations through its table. The
 * cases run in this order in one process: the module, once loaded, stays. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exporters/web.h"
#include "xvtest.h"

#define MODULE_FILE "libxvirt_agent_web.so"

/* The directory of the web configurations the cases open. */
static char *confDir;

/* A module directory of our own for a case, XVIRT_AGENT_MODULE_DIR naming it. */
static int
setup_module_dir(void **state)
{
    char *dir = xvTestTempDir();

    assert_int_equal(setenv("XVIRT_AGENT_MODULE_DIR", dir, 1), 0);
    *state = dir;
    return 0;
}

static int
teardown_module_dir(void **state)
{
    assert_int_equal(unsetenv("XVIRT_AGENT_MODULE_DIR"), 0);
    xvTestRemoveTree(*state);
    return 0;
}

/* Copies the file at @from into @dir as the module, with @mode. */
static void
install_module(const char *dir, const char *from, mode_t mode)
{
    xvTestInstallFile(from, dir, MODULE_FILE, mode);
}

/* The configuration file @name of confDir, with @text. */
static char *
web_file(const char *name, const char *text)
{
    xvTestWriteText(confDir, name, text);
    return xvTestPathIn(confDir, name);
}

/* Opening a web configuration fails with a message holding @substr and
 * naming the file; nothing of the module or OpenSSL is mapped. */
static void
assert_refused(const char *substr)
{
    char *path = web_file("web.yml", "http_server_config:\n  headers:\n"
                          "    X-Frame-Options: deny\n");
    char *msg = NULL;

    assert_null(xvWebOpen(path, &msg));
    assert_non_null(msg);
    if (!strstr(msg, substr) || !strstr(msg, path))
        fail_msg("'%s' does not say '%s' and name %s", msg, substr, path);
    free(msg);
    free(path);
    assert_false(xvTestMapped(MODULE_FILE));
    assert_false(xvTestMapped("libssl"));
}

static void
test_nothing_of_openssl_is_mapped_before(void **state)
{
    (void)state;
    assert_false(xvTestMapped(MODULE_FILE));
    assert_false(xvTestMapped("libssl"));
    assert_false(xvTestMapped("libcrypto"));
    assert_false(xvTestMapped("libcrypt."));
    assert_false(xvTestMapped("libevent_openssl"));
}

static void
test_missing_module_is_not_installed(void **state)
{
    (void)state;
    assert_refused("which is not installed");
    assert_refused(MODULE_FILE);
}

static void
test_module_of_another_build_is_refused(void **state)
{
    install_module(*state, getenv("XV_TEST_FOREIGN_WEB_MODULE"), 0644);
    assert_refused("was built for xvirt-agent 0.0.0-elsewhere");
}

static void
test_module_others_may_write_is_refused(void **state)
{
    install_module(*state, getenv("XV_TEST_WEB_MODULE"), 0664);
    assert_refused("writable by no one else");
    install_module(*state, getenv("XV_TEST_WEB_MODULE"), 0646);
    assert_refused("writable by no one else");
}

static void
test_module_that_is_no_library_cannot_be_loaded(void **state)
{
    xvTestWriteText(*state, MODULE_FILE, "not an ELF file\n");
    assert_refused("cannot load the agent's web module");
}

static void
test_library_without_module_entry_is_refused(void **state)
{
    install_module(*state, getenv("XV_TEST_NOT_A_WEB_MODULE"), 0644);
    assert_refused("is not the agent's web module");
}

/* After the failures above, the real module loads, and its calls answer. */
static void
test_the_module_loads_and_reads_configurations(void **state)
{
    char *good = web_file("good.yml", "http_server_config:\n  headers:\n"
                          "    X-Frame-Options: deny\n");
    char *bad = web_file("bad.yml", "tls_server_config:\n  cert_fil: x.crt\n");
    char *msg = NULL;
    xvWebConfig *wc;

    install_module(*state, getenv("XV_TEST_WEB_MODULE"), 0644);
    wc = xvWebOpen(good, &msg);
    assert_null(msg);
    assert_non_null(wc);
    assert_true(xvTestMapped(MODULE_FILE));
    assert_false(xvWebUsesTLS(wc));
    assert_false(xvWebNeedsAuth(wc));
    assert_string_equal(xvWebHeaders(wc), "X-Frame-Options: deny\r\n");
    assert_true(xvWebAdmit(wc, 1000));
    assert_int_equal(xvWebAuthorize(wc, NULL, 0, 1000), XV_WEB_AUTH_OK);    /* no users */
    assert_false(xvWebRefresh(wc));
    xvWebFree(wc);
    xvWebFree(NULL);
    /* a bad file: the module's own message, file:line:col */
    assert_null(xvWebOpen(bad, &msg));
    assert_non_null(msg);
    assert_non_null(strstr(msg, "bad.yml:2:3: unknown key 'cert_fil'"));
    free(msg);
    free(good);
    free(bad);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_of_openssl_is_mapped_before),
        cmocka_unit_test_setup_teardown(test_missing_module_is_not_installed,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_module_of_another_build_is_refused,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_module_others_may_write_is_refused,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_module_that_is_no_library_cannot_be_loaded,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_library_without_module_entry_is_refused,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_the_module_loads_and_reads_configurations,
                                        setup_module_dir, teardown_module_dir),
    };
    int rc;

    confDir = xvTestTempDir();
    /* (a filter that leaves out a case changes what the later ones see:
     * the module, once loaded, stays) */
    xvTestApplyFilter();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    xvTestRemoveTree(confDir);
    return rc;
}
