/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver_module_test.c: the Xen driver as a loadable module (lib/driver.c), seen
 * through the shared library as a program sees it: test:/// never maps the
 * Xen libraries, a missing, foreign, writable or broken module is refused
 * with an error that says which and why, and the first xen: use loads the
 * real one. The cases run in this order in one process: the module, once
 * loaded, stays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "apitest.h"

#define MODULE_FILE "libxvirt_driver_xen.so"

/* A module directory of our own for a case, XVIRT_DRIVER_DIR pointing to it. */
static int
setup_module_dir(void **state)
{
    char *dir = xvTestTempDir();

    assert_int_equal(setenv("XVIRT_DRIVER_DIR", dir, 1), 0);
    *state = dir;
    return 0;
}

static int
teardown_module_dir(void **state)
{
    assert_int_equal(unsetenv("XVIRT_DRIVER_DIR"), 0);
    xvTestRemoveTree(*state);
    return 0;
}

/* Copies the file at @from into @dir as the module, with @mode. */
static void
install_module(const char *dir, const char *from, mode_t mode)
{
    xvTestInstallFile(from, dir, MODULE_FILE, mode);
}

/* Both ways into the Xen driver fail with @substr, and load nothing. */
static void
assert_xen_refused(const char *substr)
{
    unsigned long lib = 0, ver = 99;

    assert_null(virConnectOpen("xen:///"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, substr);
    assert_null(virConnectOpenReadOnly("xen:///"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, substr);
    assert_int_equal(virGetVersion(&lib, "Xen", &ver), -1);
    assert_int_equal(ver, 0);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, substr);
    assert_false(xvTestMapped(MODULE_FILE));
    assert_false(xvTestMapped("libxenctrl"));
}

static void
test_test_driver_maps_no_xen_library(void **state)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    unsigned long lib = 0, ver = 0;

    (void)state;
    assert_non_null(conn);
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    assert_int_equal(virGetVersion(&lib, "Test", &ver), 0);
    assert_int_equal(virConnectClose(conn), 0);
    assert_false(xvTestMapped(MODULE_FILE));
    assert_false(xvTestMapped("libxenctrl"));
    assert_false(xvTestMapped("libxenlight"));
}

static void
test_missing_module_is_not_installed(void **state)
{
    (void)state;
    assert_xen_refused("is not installed");
    assert_xen_refused(MODULE_FILE);
}

static void
test_module_of_another_build_is_refused(void **state)
{
    install_module(*state, getenv("XV_TEST_FOREIGN_MODULE"), 0644);
    assert_xen_refused("was built for libxvirt 0.0.0-elsewhere");
}

static void
test_module_others_may_write_is_refused(void **state)
{
    install_module(*state, getenv("XV_TEST_XEN_MODULE"), 0664);
    assert_xen_refused("writable by no one else");
    install_module(*state, getenv("XV_TEST_XEN_MODULE"), 0646);
    assert_xen_refused("writable by no one else");
}

static void
test_module_that_is_no_library_cannot_be_loaded(void **state)
{
    xvTestWriteText(*state, MODULE_FILE, "not an ELF file\n");
    assert_xen_refused("cannot load the Xen driver module");
}

static void
test_library_without_module_symbol_is_refused(void **state)
{
    /* a real shared object, but no driver module */
    install_module(*state, getenv("XV_TEST_NOT_A_MODULE"), 0644);
    assert_xen_refused("is not an xvirt driver module");
}

static void
test_first_xen_use_loads_the_module(void **state)
{
    unsigned long lib = 0, ver = 0;
    virConnectPtr conn;

    (void)state;
    assert_int_equal(virGetVersion(&lib, "Xen", &ver), 0);
    assert_no_error();
    assert_true(ver >= 3000000UL);
    assert_true(xvTestMapped(MODULE_FILE));
    assert_true(xvTestMapped("libxenctrl"));
    /* In dom0 the open succeeds; anywhere else it is the Xen driver that
     * answers, not the loader. */
    conn = virConnectOpenReadOnly("xen:///");
    if (conn) {
        assert_string_equal(virConnectGetType(conn), "Xen");
        assert_int_equal(virConnectClose(conn), 0);
    } else {
        assert_last_error2(VIR_ERR_NO_XEN, VIR_ERR_NO_CONNECT, VIR_FROM_XEN, "Xen");
    }
    /* the test driver is unaffected */
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    assert_int_equal(virConnectClose(conn), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_test_driver_maps_no_xen_library),
        cmocka_unit_test_setup_teardown(test_missing_module_is_not_installed,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_module_of_another_build_is_refused,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_module_others_may_write_is_refused,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_module_that_is_no_library_cannot_be_loaded,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test_setup_teardown(test_library_without_module_symbol_is_refused,
                                        setup_module_dir, teardown_module_dir),
        cmocka_unit_test(test_first_xen_use_loads_the_module),
    };

    virSetErrorFunc(NULL, apiQuietErrorFunc);
    /* (a filter that leaves out a case changes what the later ones see:
     * the module, once loaded, stays) */
    xvTestApplyFilter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
