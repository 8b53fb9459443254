/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt_test.c: black-box tests of the library, connection and node calls
 * (lib/libvirt.c) on the test driver, through the shared library only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "apitest.h"
#include "util/xvmacros.h"

/* ---- fixture: a private copy of tests/data/api/node.xml --------------- */

typedef struct {
    apiNode node;
    virConnectPtr conn;
} conTest;

static int
setup_node(void **state)
{
    conTest *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    apiNodeCopy(&t->node, "api/node.xml");
    t->conn = virConnectOpen(t->node.uri);
    if (!t->conn)
        fail_msg("cannot open %s: %s", t->node.uri, virGetLastErrorMessage());
    *state = t;
    return 0;
}

static int
teardown_node(void **state)
{
    conTest *t = *state;

    if (t->conn)
        assert_int_equal(virConnectClose(t->conn), 0);
    apiNodeRemove(&t->node);
    free(t);
    return 0;
}

/* Is the Xen driver part of this build? (virGetVersion tells.) */
static bool
xenDriverBuilt(void)
{
    unsigned long lib = 0, ver = 0;

    return virGetVersion(&lib, "Xen", &ver) == 0;
}

/* ---- virInitialize ------------------------------------------------------ */

static void
test_initialize_succeeds_and_can_be_repeated(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 5; i++)
        assert_int_equal(virInitialize(), 0);
    assert_no_error();
}

static void
test_initialize_leaves_a_working_library(void **state)
{
    virConnectPtr conn;

    (void)state;
    assert_int_equal(virInitialize(), 0);
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    assert_int_equal(virInitialize(), 0);
    assert_true(virConnectNumOfDomains(conn) >= 0);
    assert_int_equal(virConnectClose(conn), 0);
}

/* ---- virGetVersion ------------------------------------------------------ */

/* The "x.y.z" of project() in meson.build, encoded as the API does. */
static unsigned long
projectVersionNumber(void)
{
    const char *srcdir = getenv("XV_TEST_SRCDIR");
    char *path = NULL;
    char *build;
    const char *p;
    unsigned int major, minor, micro;

    assert_non_null(srcdir);
    assert_true(asprintf(&path, "%s/meson.build", srcdir) > 0);
    build = xvTestReadFile(path);
    p = strstr(build, "version: '");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "version: '%u.%u.%u'", &major, &minor, &micro), 3);
    free(build);
    free(path);
    return major * 1000000UL + minor * 1000UL + micro;
}

static void
test_version_number_encodes_the_project_version(void **state)
{
    (void)state;
    assert_int_equal(LIBVIR_VERSION_NUMBER, projectVersionNumber());
}

static void
test_get_version_reports_the_library_version(void **state)
{
    unsigned long lib = 0, ver = 0;

    (void)state;
    assert_int_equal(virGetVersion(&lib, "Test", &ver), 0);
    assert_no_error();
    assert_int_equal(lib, LIBVIR_VERSION_NUMBER);
}

static void
test_get_version_test_type_is_case_insensitive(void **state)
{
    static const char *const names[] = { "Test", "test", "TEST", "tEsT" };
    unsigned long first = 0;
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(names); i++) {
        unsigned long lib = 0, ver = 0;

        assert_int_equal(virGetVersion(&lib, names[i], &ver), 0);
        assert_no_error();
        assert_int_equal(lib, LIBVIR_VERSION_NUMBER);
        assert_true(ver > 0);
        if (i == 0)
            first = ver;
        assert_int_equal(ver, first);
    }
}

static void
test_get_version_unknown_type_is_no_support_and_zeroes_type_version(void **state)
{
    unsigned long lib = 0, ver = 12345;

    (void)state;
    assert_int_equal(virGetVersion(&lib, "Bogus", &ver), -1);
    assert_int_equal(ver, 0);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, "Bogus");
}

static void
test_get_version_null_type_means_xen(void **state)
{
    unsigned long lib = 0, verNull = 777, verXen = 888;
    int rcNull, rcXen;

    (void)state;
    rcNull = virGetVersion(&lib, NULL, &verNull);
    rcXen = virGetVersion(&lib, "Xen", &verXen);
    assert_int_equal(rcNull, rcXen);
    assert_int_equal(verNull, verXen);
    if (rcNull == 0) {
        assert_true(verNull > 0);
        assert_no_error();
    } else {
        assert_int_equal(verNull, 0);
        assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, "Xen");
    }
}

#ifndef XV_TEST_WITH_XEN
static void
test_get_version_xen_without_xen_driver_is_no_support(void **state)
{
    unsigned long lib = 0, ver = 99;

    (void)state;
    assert_false(xenDriverBuilt());
    assert_int_equal(virGetVersion(&lib, "Xen", &ver), -1);
    assert_int_equal(ver, 0);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, "Xen driver");
    ver = 99;
    assert_int_equal(virGetVersion(&lib, "xen", &ver), -1);
    assert_int_equal(ver, 0);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE, "Xen driver");
}
#endif

#ifdef XV_TEST_WITH_XEN
static void
test_get_version_xen_with_xen_driver_reports_header_version(void **state)
{
    unsigned long lib = 0, ver = 0;

    (void)state;
    assert_true(xenDriverBuilt());
    assert_int_equal(virGetVersion(&lib, "Xen", &ver), 0);
    assert_no_error();
    /* Xen 3.0 or later: major * 1,000,000 + minor * 1,000 + release */
    assert_true(ver >= 3000000UL);
    assert_true(ver < 100000000UL);
}
#endif

static void
test_get_version_null_type_version_only_reports_library(void **state)
{
    unsigned long lib = 0;

    (void)state;
    /* No @typeVer: nothing about the type is asked, even an unknown one. */
    assert_int_equal(virGetVersion(&lib, "Bogus", NULL), 0);
    assert_no_error();
    assert_int_equal(lib, LIBVIR_VERSION_NUMBER);
}

static void
test_get_version_null_lib_version_is_invalid_arg(void **state)
{
    unsigned long ver = 7;

    (void)state;
    /* libvirt.h: "@libVer: where to store the library version (OUT); required,
     * as in libvirt" */
    assert_int_equal(virGetVersion(NULL, "Test", &ver), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "libVer");
    assert_int_equal(ver, 0);
}

static void
test_get_version_success_clears_previous_error(void **state)
{
    unsigned long lib = 0, ver = 0;

    (void)state;
    assert_int_equal(virGetVersion(&lib, "Bogus", &ver), -1);
    assert_non_null(virGetLastError());
    assert_int_equal(virGetVersion(&lib, "Test", &ver), 0);
    assert_no_error();
}

/* ---- virConnectOpen / virConnectOpenReadOnly / virConnectClose --------- */

static void
test_open_default_succeeds_read_write_and_read_only(void **state)
{
    virConnectPtr rw, ro;

    (void)state;
    rw = virConnectOpen("test:///default");
    assert_non_null(rw);
    assert_no_error();
    ro = virConnectOpenReadOnly("test:///default");
    assert_non_null(ro);
    assert_no_error();
    assert_true(rw != ro);
    assert_true(virConnectNumOfDomains(rw) >= 1);
    assert_int_equal(virConnectNumOfDomains(rw), virConnectNumOfDomains(ro));
    assert_int_equal(virConnectClose(ro), 0);
    assert_no_error();
    assert_int_equal(virConnectClose(rw), 0);
    assert_no_error();
}

static void
test_open_default_has_the_test_domain(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;

    (void)state;
    /* libvirt's built-in node: one running domain named "test" */
    conn = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    dom = virDomainLookupByName(conn, "test");
    assert_non_null(dom);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_true(virDomainGetID(dom) != (unsigned int)-1);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_open_absolute_node_file_succeeds(void **state)
{
    virConnectPtr conn;

    (void)state;
    conn = virConnectOpen(xvTestNodeURI("api/node.xml"));
    assert_non_null(conn);
    assert_no_error();
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_open_missing_node_file_is_open_failed(void **state)
{
    const char *uri = "test:///nonexistent/xvirt-api-test/node.xml";

    (void)state;
    assert_null(virConnectOpen(uri));
    assert_last_error(VIR_ERR_OPEN_FAILED, VIR_FROM_TEST, "/nonexistent/xvirt-api-test/node.xml");
    assert_null(virConnectOpenReadOnly(uri));
    assert_last_error(VIR_ERR_OPEN_FAILED, VIR_FROM_TEST, "/nonexistent/xvirt-api-test/node.xml");
}

static void
test_open_malformed_node_file_is_xml_error(void **state)
{
    char *uri;

    (void)state;
    uri = strdup(xvTestNodeURI("api/bad-node.xml"));
    assert_non_null(uri);
    assert_null(virConnectOpen(uri));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_TEST, "bad-node.xml");
    free(uri);
}

static void
test_open_relative_node_path_is_refused(void **state)
{
    (void)state;
    /* "test://" + relative path: the test driver's URI, but no absolute file */
    assert_null(virConnectOpen("test://api/node.xml"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "'test://api/node.xml'");
    assert_null(virConnectOpenReadOnly("test:api/node.xml"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "'test:api/node.xml'");
    assert_null(virConnectOpen("test:///"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "'test:///'");
}

static void
test_open_unknown_scheme_is_no_connect(void **state)
{
    (void)state;
    assert_null(virConnectOpen("foo:///"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "'foo:///'");
    assert_null(virConnectOpenReadOnly("foo:///"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "'foo:///'");
}

static void
test_open_garbage_uri_is_no_connect(void **state)
{
    (void)state;
    assert_null(virConnectOpen(""));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "URI");
    assert_null(virConnectOpen("not a uri at all"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "'not a uri at all'");
}

#ifndef XV_TEST_WITH_XEN
static void
test_open_xen_without_xen_driver_says_so(void **state)
{
    static const char *const uris[] = { "xen:///", "xen", "Xen:///" };
    size_t i;

    (void)state;
    assert_false(xenDriverBuilt());
    for (i = 0; i < XV_N_ELEMENTS(uris); i++) {
        assert_null(virConnectOpen(uris[i]));
        assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "without the Xen driver");
        assert_null(virConnectOpenReadOnly(uris[i]));
        assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "without the Xen driver");
    }
    /* NULL means the local Xen hypervisor */
    assert_null(virConnectOpen(NULL));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "without the Xen driver");
}
#endif

static void
test_open_success_clears_previous_error(void **state)
{
    virConnectPtr conn;

    (void)state;
    assert_null(virConnectOpen("foo:///"));
    assert_non_null(virGetLastError());
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    assert_no_error();
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_failed_open_dispatches_error_once(void **state)
{
    int before = apiQuietCalls;

    (void)state;
    assert_null(virConnectOpen("foo:///"));
    assert_int_equal(apiQuietCalls, before + 1);
    assert_int_equal(apiQuietLastCode, VIR_ERR_NO_CONNECT);
}

static void
test_close_null_is_invalid_conn(void **state)
{
    (void)state;
    assert_int_equal(virConnectClose(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectClose");
}

static void
test_close_twice_while_a_domain_holds_it_is_invalid_conn(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    dom = virDomainLookupByName(conn, "test");
    assert_non_null(dom);
    assert_int_equal(virConnectClose(conn), 0);
    /* the domain keeps the object alive, so using it again is safe */
    assert_int_equal(virConnectClose(conn), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectClose");
    assert_int_equal(virConnectNumOfDomains(conn), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectNumOfDomains");
    assert_null(virConnectGetType(conn));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectGetType");
    assert_null(virDomainLookupByName(conn, "test"));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainLookupByName");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_domain_stays_usable_after_its_connection_is_closed(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;

    (void)state;
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    dom = virDomainLookupByName(conn, "test");
    assert_non_null(dom);
    assert_int_equal(virConnectClose(conn), 0);
    assert_string_equal(virDomainGetName(dom), "test");
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_no_error();
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_fake_connection_object_is_invalid_conn(void **state)
{
    /* a zeroed block is not a connection: the check must catch it */
    unsigned long long fake[64];
    virConnectPtr conn = (virConnectPtr)(void *)fake;
    virNodeInfo info;
    unsigned long ver;

    (void)state;
    memset(fake, 0, sizeof(fake));
    assert_null(virConnectGetType(conn));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectGetType");
    assert_int_equal(virConnectGetVersion(conn, &ver), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectGetVersion");
    assert_int_equal(virNodeGetInfo(conn, &info), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virNodeGetInfo");
    assert_int_equal(virConnectNumOfDomains(conn), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectNumOfDomains");
    assert_int_equal(virNodeGetFreeMemory(conn), 0);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virNodeGetFreeMemory");
    assert_int_equal(virConnectClose(conn), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectClose");
}

/* ---- virConnectGetType / virConnectGetVersion -------------------------- */

static void
test_get_type_names_the_test_driver(void **state)
{
    conTest *t = *state;
    const char *type;

    type = virConnectGetType(t->conn);
    assert_non_null(type);
    assert_no_error();
    /* libvirt.h: "the name of the hypervisor driver ("Xen", "TEST")" */
    assert_string_equal(type, "TEST");
    /* a static string: the same pointer every time */
    assert_ptr_equal(virConnectGetType(t->conn), type);
}

static void
test_get_type_null_is_invalid_conn(void **state)
{
    (void)state;
    assert_null(virConnectGetType(NULL));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectGetType");
}

static void
test_get_type_read_only_connection_succeeds(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);

    assert_non_null(ro);
    assert_string_equal(virConnectGetType(ro), "TEST");
    assert_no_error();
    assert_int_equal(virConnectClose(ro), 0);
}

static void
test_connect_get_version_succeeds(void **state)
{
    conTest *t = *state;
    unsigned long ver = 424242;

    assert_int_equal(virConnectGetVersion(t->conn, &ver), 0);
    assert_no_error();
    assert_true(ver != 424242);
    assert_true(ver < 1000000000UL);
}

static void
test_connect_get_version_read_only_succeeds(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);
    unsigned long rw = 1, rov = 2;

    assert_non_null(ro);
    assert_int_equal(virConnectGetVersion(t->conn, &rw), 0);
    assert_int_equal(virConnectGetVersion(ro, &rov), 0);
    assert_no_error();
    assert_int_equal(rw, rov);
    assert_int_equal(virConnectClose(ro), 0);
}

static void
test_connect_get_version_null_version_is_invalid_arg(void **state)
{
    conTest *t = *state;

    assert_int_equal(virConnectGetVersion(t->conn, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "hvVer");
}

static void
test_connect_get_version_null_conn_is_invalid_conn(void **state)
{
    unsigned long ver;

    (void)state;
    assert_int_equal(virConnectGetVersion(NULL, &ver), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectGetVersion");
}

/* ---- virNodeGetInfo ----------------------------------------------------- */

static void
test_node_get_info_reports_the_node_file(void **state)
{
    conTest *t = *state;
    virNodeInfo info;

    memset(&info, 0xA5, sizeof(info));
    assert_int_equal(virNodeGetInfo(t->conn, &info), 0);
    assert_no_error();
    assert_string_equal(info.model, "x86_64");
    assert_int_equal(info.memory, API_NODE_MEMORY);
    assert_int_equal(info.cpus, API_NODE_CPUS);
    assert_int_equal(info.mhz, API_NODE_MHZ);
    assert_int_equal(info.nodes, 1);
    assert_int_equal(info.sockets, 1);
    assert_int_equal(info.cores, 6);
    assert_int_equal(info.threads, 2);
    assert_int_equal(VIR_NODEINFO_MAXCPUS(info), API_NODE_CPUS);
    assert_int_equal(VIR_CPU_MAPLEN(VIR_NODEINFO_MAXCPUS(info)), API_NODE_MAPLEN);
}

static void
test_node_get_info_default_node_is_consistent(void **state)
{
    virConnectPtr conn;
    virNodeInfo info;

    (void)state;
    conn = virConnectOpenReadOnly("test:///default");
    assert_non_null(conn);
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    assert_no_error();
    assert_true(info.model[0] != '\0');
    assert_non_null(memchr(info.model, '\0', sizeof(info.model)));
    assert_true(info.memory > 0);
    assert_true(info.cpus > 0);
    assert_true(info.cpus <= VIR_NODEINFO_MAXCPUS(info));
    assert_true(info.nodes >= 1);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_node_get_info_null_info_is_invalid_arg(void **state)
{
    conTest *t = *state;

    assert_int_equal(virNodeGetInfo(t->conn, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "info");
}

static void
test_node_get_info_null_conn_is_invalid_conn(void **state)
{
    virNodeInfo info;

    (void)state;
    assert_int_equal(virNodeGetInfo(NULL, &info), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virNodeGetInfo");
}

static void
test_node_get_info_read_only_succeeds(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);
    virNodeInfo a, b;

    assert_non_null(ro);
    assert_int_equal(virNodeGetInfo(t->conn, &a), 0);
    assert_int_equal(virNodeGetInfo(ro, &b), 0);
    assert_no_error();
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(virConnectClose(ro), 0);
}

/* ---- virNodeGetFreeMemory (beyond the seed) ----------------------------- */

/* api/node.xml: alpha (524288 KiB current), beta (2097152) and the paused
 * gamma (262144) hold memory; the shut-off delta and epsilon do not. */
#define API_NODE_FREE_KIB (API_NODE_MEMORY - 524288 - 2097152 - 262144)

static void
test_node_free_memory_is_in_bytes_and_leaves_out_inactive_domains(void **state)
{
    conTest *t = *state;

    assert_true(virNodeGetFreeMemory(t->conn) == API_NODE_FREE_KIB * 1024ULL);
    assert_no_error();
}

static void
test_node_free_memory_follows_domains(void **state)
{
    conTest *t = *state;
    virDomainPtr alpha = virDomainLookupByName(t->conn, "alpha");
    virDomainPtr delta = virDomainLookupByName(t->conn, "delta");

    assert_non_null(alpha);
    assert_non_null(delta);
    assert_int_equal(virDomainSetMemory(alpha, 262144), 0);
    assert_true(virNodeGetFreeMemory(t->conn) == (API_NODE_FREE_KIB + 262144) * 1024ULL);
    assert_int_equal(virDomainCreate(delta), 0);
    assert_true(virNodeGetFreeMemory(t->conn) ==
                (API_NODE_FREE_KIB + 262144 - 524288) * 1024ULL);
    assert_int_equal(virDomainFree(delta), 0);
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_node_free_memory_read_only_succeeds(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);

    assert_non_null(ro);
    assert_true(virNodeGetFreeMemory(ro) == API_NODE_FREE_KIB * 1024ULL);
    assert_no_error();
    assert_int_equal(virConnectClose(ro), 0);
}

static void
test_node_free_memory_null_conn_is_invalid_conn_and_zero(void **state)
{
    (void)state;
    assert_int_equal(virNodeGetFreeMemory(NULL), 0);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virNodeGetFreeMemory");
}

static void
test_node_free_memory_default_node_is_below_its_memory(void **state)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    virNodeInfo info;
    unsigned long long freeBytes;

    (void)state;
    assert_non_null(conn);
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    freeBytes = virNodeGetFreeMemory(conn);
    assert_no_error();
    assert_true(freeBytes > 0);
    assert_true(freeBytes < (unsigned long long)info.memory * 1024);
    assert_int_equal(virConnectClose(conn), 0);
}

/* ---- virNodeGetCPUStats (beyond the seed) -------------------------------- */

static void
test_node_cpu_stats_count_query_then_fill(void **state)
{
    conTest *t = *state;
    virNodeCPUStats params[8];
    int n = 0;

    assert_int_equal(virNodeGetCPUStats(t->conn, 0, NULL, &n, 0), 0);
    assert_no_error();
    assert_int_equal(n, 4);
    n = 8;
    memset(params, 0x5a, sizeof(params));
    assert_int_equal(virNodeGetCPUStats(t->conn, API_NODE_CPUS - 1, params, &n, 0), 0);
    assert_int_equal(n, 4);
    assert_string_equal(params[0].field, VIR_NODE_CPU_STATS_USER);
    assert_string_equal(params[1].field, VIR_NODE_CPU_STATS_KERNEL);
    assert_string_equal(params[2].field, VIR_NODE_CPU_STATS_IDLE);
    assert_string_equal(params[3].field, VIR_NODE_CPU_STATS_IOWAIT);
    n = 4;
    assert_int_equal(virNodeGetCPUStats(t->conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0), 0);
    assert_int_equal(n, 4);
}

static void
test_node_cpu_stats_checks_its_arguments(void **state)
{
    conTest *t = *state;
    virNodeCPUStats params[4];
    int n = 4;

    assert_int_equal(virNodeGetCPUStats(NULL, 0, params, &n, 0), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virNodeGetCPUStats");
    assert_int_equal(virNodeGetCPUStats(t->conn, 0, params, NULL, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "virNodeGetCPUStats");
    n = -1;
    assert_int_equal(virNodeGetCPUStats(t->conn, 0, params, &n, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "virNodeGetCPUStats");
    n = 4;
    assert_int_equal(virNodeGetCPUStats(t->conn, -2, params, &n, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "cpuNum");
    /* libvirt's own test driver takes any cpuNum; ours has API_NODE_CPUS */
    assert_int_equal(virNodeGetCPUStats(t->conn, API_NODE_CPUS, params, &n, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "past the node's 12 CPUs");
    assert_int_equal(virNodeGetCPUStats(t->conn, 0, params, &n, 2), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "unsupported flags (0x2)");
}

static void
test_node_cpu_stats_fields_sum_to_the_node_uptime_on_every_cpu(void **state)
{
    conTest *t = *state;
    virNodeCPUStats params[4];
    unsigned long long sum0 = 0, sumAll = 0;
    int n = 4, i;

    assert_int_equal(virNodeGetCPUStats(t->conn, 0, params, &n, 0), 0);
    for (i = 0; i < n; i++)
        sum0 += params[i].value;
    n = 4;
    assert_int_equal(virNodeGetCPUStats(t->conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0), 0);
    for (i = 0; i < n; i++)
        sumAll += params[i].value;
    /* the clock runs between the two calls: ALL_CPUS is at least 12 x */
    assert_true(sumAll >= (unsigned long long)API_NODE_CPUS * sum0);
}

/* ---- virConnectNumOfDomains / virConnectListDomains -------------------- */

static void
test_num_of_domains_counts_running_and_paused(void **state)
{
    conTest *t = *state;

    /* alpha and beta run, gamma is paused; delta and epsilon are off */
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    assert_no_error();
}

static void
test_num_of_domains_null_conn_is_invalid_conn(void **state)
{
    (void)state;
    assert_int_equal(virConnectNumOfDomains(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectNumOfDomains");
}

static unsigned int
idOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);
    unsigned int id;

    if (!dom)
        fail_msg("no domain '%s': %s", name, virGetLastErrorMessage());
    id = virDomainGetID(dom);
    assert_int_equal(virDomainFree(dom), 0);
    return id;
}

static int
cmpInt(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static void
test_list_domains_returns_the_active_ids(void **state)
{
    conTest *t = *state;
    int ids[8] = { 0 };
    int expected[3];
    int n;

    expected[0] = (int)idOf(t->conn, "alpha");
    expected[1] = (int)idOf(t->conn, "beta");
    expected[2] = (int)idOf(t->conn, "gamma");
    qsort(expected, 3, sizeof(int), cmpInt);
    assert_true(expected[0] >= 0);
    n = virConnectListDomains(t->conn, ids, 8);
    assert_int_equal(n, 3);
    assert_no_error();
    qsort(ids, 3, sizeof(int), cmpInt);
    assert_memory_equal(ids, expected, sizeof(expected));
    /* distinct IDs */
    assert_true(ids[0] != ids[1] && ids[1] != ids[2]);
}

static void
test_list_domains_maxids_zero_with_null_ids_returns_zero(void **state)
{
    conTest *t = *state;

    assert_int_equal(virConnectListDomains(t->conn, NULL, 0), 0);
    assert_no_error();
}

static void
test_list_domains_smaller_array_is_filled_up_to_maxids(void **state)
{
    conTest *t = *state;
    int all[3], some[3] = { -7, -7, -7 };
    int i, j;

    assert_int_equal(virConnectListDomains(t->conn, all, 3), 3);
    assert_int_equal(virConnectListDomains(t->conn, some, 2), 2);
    assert_no_error();
    assert_int_equal(some[2], -7); /* untouched past maxids */
    for (i = 0; i < 2; i++) {
        bool found = false;

        for (j = 0; j < 3; j++)
            found |= some[i] == all[j];
        assert_true(found);
    }
    assert_true(some[0] != some[1]);
    assert_int_equal(virConnectListDomains(t->conn, some, 1), 1);
}

static void
test_list_domains_null_ids_is_invalid_arg(void **state)
{
    conTest *t = *state;

    assert_int_equal(virConnectListDomains(t->conn, NULL, 3), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "ids");
}

static void
test_list_domains_negative_maxids_is_invalid_arg(void **state)
{
    conTest *t = *state;
    int ids[3];

    assert_int_equal(virConnectListDomains(t->conn, ids, -1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "maxids");
}

static void
test_list_domains_null_conn_is_invalid_conn(void **state)
{
    int ids[3];

    (void)state;
    assert_int_equal(virConnectListDomains(NULL, ids, 3), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectListDomains");
}

static void
test_list_domains_read_only_sees_same_ids(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);
    int a[8], b[8];

    assert_non_null(ro);
    assert_int_equal(virConnectListDomains(t->conn, a, 8), 3);
    assert_int_equal(virConnectListDomains(ro, b, 8), 3);
    assert_no_error();
    qsort(a, 3, sizeof(int), cmpInt);
    qsort(b, 3, sizeof(int), cmpInt);
    assert_memory_equal(a, b, 3 * sizeof(int));
    assert_int_equal(virConnectNumOfDomains(ro), 3);
    assert_int_equal(virConnectClose(ro), 0);
}

/* ---- virConnectListDefinedDomains -------------------------------------- */

static int
cmpStr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
test_list_defined_domains_returns_new_names_of_inactive_domains(void **state)
{
    conTest *t = *state;
    const char *names[8] = { NULL };
    int n, i;

    n = virConnectListDefinedDomains(t->conn, names, 8);
    assert_int_equal(n, 2);
    assert_no_error();
    qsort(names, (size_t)n, sizeof(names[0]), cmpStr);
    assert_string_equal(names[0], "delta");
    assert_string_equal(names[1], "epsilon");
    for (i = 0; i < n; i++)
        free((char *)names[i]); /* caller frees; ASan checks ownership */
}

static void
test_list_defined_domains_names_are_independent_copies(void **state)
{
    conTest *t = *state;
    const char *a[2] = { NULL }, *b[2] = { NULL };

    assert_int_equal(virConnectListDefinedDomains(t->conn, a, 2), 2);
    assert_int_equal(virConnectListDefinedDomains(t->conn, b, 2), 2);
    assert_true(a[0] != b[0] && a[1] != b[1]);
    free((char *)a[0]);
    free((char *)a[1]);
    /* b survives freeing a */
    assert_true(strcmp(b[0], "delta") == 0 || strcmp(b[0], "epsilon") == 0);
    free((char *)b[0]);
    free((char *)b[1]);
}

static void
test_list_defined_domains_smaller_array_is_filled_up_to_maxnames(void **state)
{
    conTest *t = *state;
    const char *names[2] = { NULL, NULL };

    assert_int_equal(virConnectListDefinedDomains(t->conn, names, 1), 1);
    assert_no_error();
    assert_non_null(names[0]);
    assert_null(names[1]);
    assert_true(strcmp(names[0], "delta") == 0 || strcmp(names[0], "epsilon") == 0);
    free((char *)names[0]);
}

static void
test_list_defined_domains_maxnames_zero_with_null_names_returns_zero(void **state)
{
    conTest *t = *state;

    assert_int_equal(virConnectListDefinedDomains(t->conn, NULL, 0), 0);
    assert_no_error();
}

static void
test_list_defined_domains_null_names_is_invalid_arg(void **state)
{
    conTest *t = *state;

    assert_int_equal(virConnectListDefinedDomains(t->conn, NULL, 2), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "names");
}

static void
test_list_defined_domains_negative_maxnames_is_invalid_arg(void **state)
{
    conTest *t = *state;
    const char *names[2];

    assert_int_equal(virConnectListDefinedDomains(t->conn, names, -3), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "maxnames");
}

static void
test_list_defined_domains_null_conn_is_invalid_conn(void **state)
{
    const char *names[2];

    (void)state;
    assert_int_equal(virConnectListDefinedDomains(NULL, names, 2), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "virConnectListDefinedDomains");
}

static void
test_list_defined_domains_read_only_succeeds(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);
    const char *names[4] = { NULL };
    int n, i;

    assert_non_null(ro);
    n = virConnectListDefinedDomains(ro, names, 4);
    assert_int_equal(n, 2);
    assert_no_error();
    for (i = 0; i < n; i++)
        free((char *)names[i]);
    assert_int_equal(virConnectClose(ro), 0);
}

/* ---- node state shared between connections ----------------------------- */

static void
test_connections_to_one_uri_share_the_node(void **state)
{
    conTest *t = *state;
    virConnectPtr ro = virConnectOpenReadOnly(t->node.uri);
    virDomainPtr dom;
    const char *names[4] = { NULL };
    int n, i;

    assert_non_null(ro);
    dom = virDomainLookupByName(t->conn, "delta");
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    /* seen through the other connection at once */
    assert_int_equal(virConnectNumOfDomains(ro), 4);
    n = virConnectListDefinedDomains(ro, names, 4);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "epsilon");
    for (i = 0; i < n; i++)
        free((char *)names[i]);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virConnectClose(ro), 0);
}

static void
test_different_node_files_do_not_share_state(void **state)
{
    conTest *t = *state;
    apiNode other;
    virConnectPtr conn2;
    virDomainPtr dom;

    apiNodeCopy(&other, "api/node.xml");
    conn2 = virConnectOpen(other.uri);
    assert_non_null(conn2);
    dom = virDomainLookupByName(t->conn, "delta");
    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virConnectNumOfDomains(t->conn), 4);
    assert_int_equal(virConnectNumOfDomains(conn2), 3);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virConnectClose(conn2), 0);
    apiNodeRemove(&other);
}

#define NODE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_node, teardown_node)

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_initialize_succeeds_and_can_be_repeated),
    cmocka_unit_test(test_initialize_leaves_a_working_library),
    cmocka_unit_test(test_version_number_encodes_the_project_version),
    cmocka_unit_test(test_get_version_reports_the_library_version),
    cmocka_unit_test(test_get_version_test_type_is_case_insensitive),
    cmocka_unit_test(test_get_version_unknown_type_is_no_support_and_zeroes_type_version),
    cmocka_unit_test(test_get_version_null_type_means_xen),
#ifdef XV_TEST_WITH_XEN
    cmocka_unit_test(test_get_version_xen_with_xen_driver_reports_header_version),
#else
    cmocka_unit_test(test_get_version_xen_without_xen_driver_is_no_support),
#endif
    cmocka_unit_test(test_get_version_null_type_version_only_reports_library),
    cmocka_unit_test(test_get_version_null_lib_version_is_invalid_arg),
    cmocka_unit_test(test_get_version_success_clears_previous_error),
    cmocka_unit_test(test_open_default_succeeds_read_write_and_read_only),
    cmocka_unit_test(test_open_default_has_the_test_domain),
    cmocka_unit_test(test_open_absolute_node_file_succeeds),
    cmocka_unit_test(test_open_missing_node_file_is_open_failed),
    cmocka_unit_test(test_open_malformed_node_file_is_xml_error),
    cmocka_unit_test(test_open_relative_node_path_is_refused),
    cmocka_unit_test(test_open_unknown_scheme_is_no_connect),
    cmocka_unit_test(test_open_garbage_uri_is_no_connect),
#ifndef XV_TEST_WITH_XEN
    cmocka_unit_test(test_open_xen_without_xen_driver_says_so),
#endif
    cmocka_unit_test(test_open_success_clears_previous_error),
    cmocka_unit_test(test_failed_open_dispatches_error_once),
    cmocka_unit_test(test_close_null_is_invalid_conn),
    cmocka_unit_test(test_close_twice_while_a_domain_holds_it_is_invalid_conn),
    cmocka_unit_test(test_domain_stays_usable_after_its_connection_is_closed),
    cmocka_unit_test(test_fake_connection_object_is_invalid_conn),
    NODE_TEST(test_get_type_names_the_test_driver),
    cmocka_unit_test(test_get_type_null_is_invalid_conn),
    NODE_TEST(test_get_type_read_only_connection_succeeds),
    NODE_TEST(test_connect_get_version_succeeds),
    NODE_TEST(test_connect_get_version_read_only_succeeds),
    NODE_TEST(test_connect_get_version_null_version_is_invalid_arg),
    cmocka_unit_test(test_connect_get_version_null_conn_is_invalid_conn),
    NODE_TEST(test_node_get_info_reports_the_node_file),
    cmocka_unit_test(test_node_get_info_default_node_is_consistent),
    NODE_TEST(test_node_get_info_null_info_is_invalid_arg),
    cmocka_unit_test(test_node_get_info_null_conn_is_invalid_conn),
    NODE_TEST(test_node_get_info_read_only_succeeds),
    NODE_TEST(test_node_free_memory_is_in_bytes_and_leaves_out_inactive_domains),
    NODE_TEST(test_node_free_memory_follows_domains),
    NODE_TEST(test_node_free_memory_read_only_succeeds),
    cmocka_unit_test(test_node_free_memory_null_conn_is_invalid_conn_and_zero),
    cmocka_unit_test(test_node_free_memory_default_node_is_below_its_memory),
    NODE_TEST(test_node_cpu_stats_count_query_then_fill),
    NODE_TEST(test_node_cpu_stats_checks_its_arguments),
    NODE_TEST(test_node_cpu_stats_fields_sum_to_the_node_uptime_on_every_cpu),
    NODE_TEST(test_num_of_domains_counts_running_and_paused),
    cmocka_unit_test(test_num_of_domains_null_conn_is_invalid_conn),
    NODE_TEST(test_list_domains_returns_the_active_ids),
    NODE_TEST(test_list_domains_maxids_zero_with_null_ids_returns_zero),
    NODE_TEST(test_list_domains_smaller_array_is_filled_up_to_maxids),
    NODE_TEST(test_list_domains_null_ids_is_invalid_arg),
    NODE_TEST(test_list_domains_negative_maxids_is_invalid_arg),
    cmocka_unit_test(test_list_domains_null_conn_is_invalid_conn),
    NODE_TEST(test_list_domains_read_only_sees_same_ids),
    NODE_TEST(test_list_defined_domains_returns_new_names_of_inactive_domains),
    NODE_TEST(test_list_defined_domains_names_are_independent_copies),
    NODE_TEST(test_list_defined_domains_smaller_array_is_filled_up_to_maxnames),
    NODE_TEST(test_list_defined_domains_maxnames_zero_with_null_names_returns_zero),
    NODE_TEST(test_list_defined_domains_null_names_is_invalid_arg),
    NODE_TEST(test_list_defined_domains_negative_maxnames_is_invalid_arg),
    cmocka_unit_test(test_list_defined_domains_null_conn_is_invalid_conn),
    NODE_TEST(test_list_defined_domains_read_only_succeeds),
    NODE_TEST(test_connections_to_one_uri_share_the_node),
    NODE_TEST(test_different_node_files_do_not_share_state),
};

API_TEST_MAIN(tests)
