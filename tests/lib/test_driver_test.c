/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_driver_test.c: the test driver (lib/test/test_driver.c) through the
 * public API, with the test-only clock hook for deterministic time. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "test/test_driverpriv.h"
#include "test/test_save.h"
#include "util/xvclock.h"
#include "util/xvmacros.h"
#include "xvtest.h"

#define SIM "test_driver/node-sim.xml"
#define EVENTS "test_driver/node-events.xml"
#define FAULTS "test_driver/node-faults.xml"
#define STARTSTOP "test_driver/node-startstop.xml"
#define MEMORY "test_driver/node-memory.xml"
#define IO "test_driver/node-io.xml"

#define WEB_UUID "0a0a0a0a-0000-4000-8000-000000000001"
#define SPARE_UUID "0a0a0a0a-0000-4000-8000-000000000006"

#define PV_XML(name, uuid, mem) \
    "<domain type='xen'><name>" name "</name><uuid>" uuid "</uuid>" \
    "<memory>" mem "</memory><vcpu>1</vcpu>" \
    "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>"

/* ---- helpers ------------------------------------------------------------ */

static virConnectPtr
openNode(const char *rel)
{
    virConnectPtr conn = virConnectOpen(xvTestNodeURI(rel));

    if (!conn)
        fail_msg("cannot open %s: %s", rel, virGetLastErrorMessage());
    return conn;
}

static virDomainPtr
getDom(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (!dom)
        fail_msg("no domain '%s': %s", name, virGetLastErrorMessage());
    return dom;
}

static virDomainInfo
getInfo(virDomainPtr dom)
{
    virDomainInfo info;

    if (virDomainGetInfo(dom, &info) < 0)
        fail_msg("virDomainGetInfo: %s", virGetLastErrorMessage());
    return info;
}

/* State of the domain named @name, fetched afresh. */
static int
stateOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);
    int state = getInfo(dom).state;

    virDomainFree(dom);
    return state;
}

static unsigned long long
cpuOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);
    unsigned long long t = getInfo(dom).cpuTime;

    virDomainFree(dom);
    return t;
}

static int
idOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);
    int id = (int)virDomainGetID(dom);

    virDomainFree(dom);
    return id;
}

static void
advance(virConnectPtr conn, double seconds)
{
    assert_int_equal(xvTestDriverAdvanceClock(conn, (unsigned long long)(seconds * 1e9)), 0);
}

static bool
definedHas(virConnectPtr conn, const char *name)
{
    const char *names[64];
    int n = virConnectListDefinedDomains(conn, names, 64);
    bool found = false;
    int i;

    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            found = true;
        free((char *)names[i]);
    }
    return found;
}

static void
writeFile(const char *path, const char *data)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_true(fputs(data, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

static char *
tempFile(char **dir, const char *name)
{
    char *path;

    *dir = xvTestTempDir();
    assert_true(asprintf(&path, "%s/%s", *dir, name) > 0);
    return path;
}

static void
removeTemp(char *dir, char *path)
{
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* Seconds since @startNs (xvClockMonoNs). */
static double
elapsedSince(uint64_t startNs)
{
    return (double)(xvClockMonoNs() - startNs) / 1e9;
}

/* ---- URIs and connections -------------------------------------------------- */

static void
test_default_uri_is_libvirts_default_node(void **state)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    unsigned long ver = 0;
    virNodeInfo node;
    virDomainPtr dom;
    virDomainInfo info;
    int ids[4];
    char *os;

    (void)state;
    assert_non_null(conn);
    assert_string_equal(virConnectGetType(conn), "TEST");
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 2);
    assert_int_equal(virNodeGetInfo(conn, &node), 0);
    assert_string_equal(node.model, "i686");
    assert_int_equal(node.memory, 3145728);
    assert_int_equal(node.cpus, 16);
    assert_int_equal(node.mhz, 1400);
    assert_int_equal(node.nodes, 2);
    assert_int_equal(node.sockets, 2);
    assert_int_equal(node.cores, 2);
    assert_int_equal(node.threads, 2);
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    assert_int_equal(virConnectListDomains(conn, ids, 4), 1);
    assert_int_equal(ids[0], 1);
    dom = getDom(conn, "test");
    assert_int_equal(virDomainGetID(dom), 1);
    info = getInfo(dom);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.maxMem, 8388608);
    assert_int_equal(info.memory, 2097152);
    assert_int_equal(info.nrVirtCpu, 2);
    os = virDomainGetOSType(dom);
    assert_string_equal(os, "hvm");
    free(os);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_node_file_reports_its_hypervisor_version(void **state)
{
    virConnectPtr conn = openNode(SIM);
    unsigned long ver = 0;

    (void)state;
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 4017000);
    virConnectClose(conn);
}

static void
test_missing_node_file_is_open_failed(void **state)
{
    (void)state;
    assert_null(virConnectOpen("test:///nonexistent/xvirt-node.xml"));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "/nonexistent/xvirt-node.xml");
}

static void
test_malformed_node_file_is_xml_error(void **state)
{
    (void)state;
    assert_null(virConnectOpen(xvTestNodeURI("test_driver/node-malformed.xml")));
    xvTestAssertError(VIR_ERR_XML_ERROR, "node-malformed.xml");
}

static void
test_test_uri_with_host_or_relative_path_is_rejected(void **state)
{
    (void)state;
    assert_null(virConnectOpen("test://somehost/tmp/node.xml"));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "test://somehost/tmp/node.xml");
    assert_null(virConnectOpen("test:node.xml"));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "test:node.xml");
    assert_null(virConnectOpen("test:///"));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "test:///");
}

static void
test_other_scheme_is_left_to_other_drivers(void **state)
{
    (void)state;
    assert_null(virConnectOpen("bogus:///system"));
    xvTestAssertError(VIR_ERR_NO_CONNECT, "bogus:///system");
}

static void
test_connections_to_one_uri_share_the_node(void **state)
{
    virConnectPtr a = openNode(SIM), b = openNode(SIM);
    virDomainPtr dom;

    (void)state;
    dom = virDomainDefineXML(a, PV_XML("shared", "0a0a0a0a-0000-4000-8000-0000000000aa",
                                       "65536"));
    assert_non_null(dom);
    virDomainFree(dom);
    assert_true(definedHas(b, "shared"));
    advance(a, 10);
    /* one clock too */
    assert_int_equal(cpuOf(b, "db"), 20 * XV_NS_PER_SEC);
    virConnectClose(a);
    assert_true(definedHas(b, "shared"));
    virConnectClose(b);
    /* the last close dropped the node: a new open reads the file again */
    a = openNode(SIM);
    assert_false(definedHas(a, "shared"));
    assert_int_equal(cpuOf(a, "db"), 0);
    virConnectClose(a);
}

static void
test_paths_naming_one_file_share_the_node(void **state)
{
    virConnectPtr a = openNode(SIM);
    virConnectPtr b = openNode("test_driver/../test_driver/node-sim.xml");
    virDomainPtr dom = getDom(a, "web");

    (void)state;
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(stateOf(b, "web"), VIR_DOMAIN_PAUSED);
    virDomainFree(dom);
    virConnectClose(a);
    virConnectClose(b);
}

static void
test_domain_handles_keep_the_node_after_close(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    virDomainFree(dom);
}

static void
test_read_only_connection_refuses_changes(void **state)
{
    virConnectPtr conn = virConnectOpenReadOnly(xvTestNodeURI(SIM));
    virDomainPtr dom;

    (void)state;
    assert_non_null(conn);
    dom = getDom(conn, "web");
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "");
    assert_int_equal(virDomainSetMemory(dom, 300000), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "");
    assert_null(virDomainDefineXML(conn, PV_XML("ro", "0a0a0a0a-0000-4000-8000-0000000000ab",
                                                "65536")));
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "");
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(getInfo(dom).memory, 524288);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- lookups and lists --------------------------------------------------------- */

static void
test_lookups_by_id_name_and_uuid_agree(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr byId = virDomainLookupByID(conn, 3);
    virDomainPtr byUUID = virDomainLookupByUUIDString(conn, SPARE_UUID);
    char uuid[37];

    (void)state;
    assert_non_null(byId);
    assert_string_equal(virDomainGetName(byId), "cache");
    assert_non_null(byUUID);
    assert_string_equal(virDomainGetName(byUUID), "spare");
    assert_int_equal(virDomainGetID(byUUID), (unsigned int)-1);
    assert_int_equal(virDomainGetUUIDString(byId, uuid), 0);
    assert_string_equal(uuid, "0a0a0a0a-0000-4000-8000-000000000003");
    virDomainFree(byId);
    virDomainFree(byUUID);
    virConnectClose(conn);
}

static void
test_failed_lookups_are_no_domain(void **state)
{
    virConnectPtr conn = openNode(SIM);

    (void)state;
    assert_null(virDomainLookupByID(conn, 99));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching id 99");
    assert_null(virDomainLookupByID(conn, 6));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "id 6");
    assert_null(virDomainLookupByName(conn, "nope"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching name 'nope'");
    assert_null(virDomainLookupByUUIDString(conn, "0a0a0a0a-0000-4000-8000-0000000000ff"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'0a0a0a0a-0000-4000-8000-0000000000ff'");
    virConnectClose(conn);
}

static void
test_lists_give_ascending_ids_and_sorted_names(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom;
    const char *names[8];
    int ids[8];

    (void)state;
    dom = virDomainDefineXML(conn, PV_XML("aardvark", "0a0a0a0a-0000-4000-8000-0000000000ac",
                                          "65536"));
    assert_non_null(dom);
    virDomainFree(dom);
    assert_int_equal(virConnectNumOfDomains(conn), 5);
    assert_int_equal(virConnectListDomains(conn, ids, 8), 5);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[4], 5);
    assert_int_equal(virConnectListDomains(conn, ids, 2), 2);
    assert_int_equal(ids[1], 2);
    assert_int_equal(virConnectListDefinedDomains(conn, names, 8), 2);
    assert_string_equal(names[0], "aardvark");
    assert_string_equal(names[1], "spare");
    free((char *)names[0]);
    free((char *)names[1]);
    assert_int_equal(virConnectListDefinedDomains(conn, names, 1), 1);
    assert_string_equal(names[0], "aardvark");
    free((char *)names[0]);
    virConnectClose(conn);
}

/* ---- life cycle ------------------------------------------------------------------- */

static void
test_define_create_destroy_undefine_cycle(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom;
    virDomainInfo info;

    (void)state;
    dom = virDomainDefineXML(conn, PV_XML("fresh", "0a0a0a0a-0000-4000-8000-0000000000ad",
                                          "131072"));
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    info = getInfo(dom);
    assert_int_equal(info.state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(info.cpuTime, 0);
    assert_true(definedHas(conn, "fresh"));
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainGetID(dom), 6);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_false(definedHas(conn, "fresh"));
    assert_int_equal(virConnectNumOfDomains(conn), 6);
    assert_int_equal(virDomainDestroy(dom), 0); /* releases the handle */
    assert_int_equal(stateOf(conn, "fresh"), VIR_DOMAIN_SHUTOFF);
    assert_true(definedHas(conn, "fresh"));
    dom = getDom(conn, "fresh");
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainGetInfo(dom, &info), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "fresh");
    virDomainFree(dom);
    assert_null(virDomainLookupByName(conn, "fresh"));
    virConnectClose(conn);
}

static void
test_ids_are_never_reused(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "spare");

    (void)state;
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainGetID(dom), 6);
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainGetID(dom), 7);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_create_of_running_domain_is_operation_invalid(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virDomainCreate(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is already running");
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_destroy_of_inactive_domain_is_operation_invalid(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "spare");

    (void)state;
    assert_int_equal(virDomainDestroy(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'spare' is not running");
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_suspend_and_resume_check_the_state(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr web = getDom(conn, "web"), spare = getDom(conn, "spare");

    (void)state;
    assert_int_equal(virDomainSuspend(web), 0);
    assert_int_equal(getInfo(web).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainSuspend(web), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is already paused");
    assert_int_equal(virDomainResume(web), 0);
    assert_int_equal(getInfo(web).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainResume(web), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is not paused");
    assert_int_equal(virDomainSuspend(spare), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "not running");
    assert_int_equal(virDomainResume(spare), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "not paused");
    virDomainFree(web);
    virDomainFree(spare);
    virConnectClose(conn);
}

static void
test_undefine_of_running_domain_makes_it_transient(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainUndefine(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain 'web'");
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(virDomainLookupByName(conn, "web"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'web'");
    assert_false(definedHas(conn, "web"));
    virConnectClose(conn);
}

static void
test_create_linux_starts_a_transient_domain(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom;

    (void)state;
    dom = virDomainCreateLinux(conn, PV_XML("temp", "0a0a0a0a-0000-4000-8000-0000000000ae",
                                            "65536"), 0);
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 6);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_false(definedHas(conn, "temp"));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(virDomainLookupByName(conn, "temp"));
    assert_int_equal(virConnectNumOfDomains(conn), 5);
    virConnectClose(conn);
}

static void
test_create_linux_clashes_are_dom_exist(void **state)
{
    virConnectPtr conn = openNode(SIM);

    (void)state;
    assert_null(virDomainCreateLinux(conn, PV_XML("web", WEB_UUID, "65536"), 0));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'web' is already active");
    assert_null(virDomainCreateLinux(
        conn, PV_XML("spare", "0a0a0a0a-0000-4000-8000-0000000000af", "65536"), 0));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'spare' already exists with uuid '" SPARE_UUID);
    assert_null(virDomainCreateLinux(conn, PV_XML("impostor", WEB_UUID, "65536"), 0));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "already exists as 'web'");
    assert_null(virDomainCreateLinux(conn, "<domain type='xen'><name>x</name></domain>", 0));
    assert_true(virGetLastErrorCode() != VIR_ERR_OK);
    assert_int_equal(virConnectNumOfDomains(conn), 5);
    virConnectClose(conn);
}

static void
test_create_linux_of_defined_domain_runs_the_given_config_once(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom;

    (void)state;
    dom = virDomainCreateLinux(conn, PV_XML("spare", SPARE_UUID, "524288"), 0);
    assert_non_null(dom);
    assert_int_equal(virDomainGetMaxMemory(dom), 524288);
    assert_int_equal(getInfo(dom).nrVirtCpu, 1);
    assert_int_equal(virDomainDestroy(dom), 0);
    /* still defined, with its own config */
    dom = getDom(conn, "spare");
    assert_int_equal(virDomainGetMaxMemory(dom), 262144);
    assert_int_equal(getInfo(dom).nrVirtCpu, 2);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_define_clashes_are_dom_exist(void **state)
{
    virConnectPtr conn = openNode(SIM);

    (void)state;
    assert_null(virDomainDefineXML(
        conn, PV_XML("web", "0a0a0a0a-0000-4000-8000-0000000000af", "65536")));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'web' already exists with uuid '" WEB_UUID);
    assert_null(virDomainDefineXML(conn, PV_XML("other", SPARE_UUID, "65536")));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "already exists as 'spare'");
    assert_null(virDomainDefineXML(conn, "<domain"));
    xvTestAssertError(VIR_ERR_XML_ERROR, "");
    virConnectClose(conn);
}

static void
test_define_of_inactive_domain_replaces_its_config(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = virDomainDefineXML(conn, PV_XML("spare", SPARE_UUID, "393216"));

    (void)state;
    assert_non_null(dom);
    assert_int_equal(virDomainGetMaxMemory(dom), 393216);
    assert_int_equal(getInfo(dom).nrVirtCpu, 1);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_define_of_running_domain_applies_at_next_start(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = virDomainDefineXML(conn, PV_XML("web", WEB_UUID, "2097152"));

    (void)state;
    assert_non_null(dom);
    assert_int_equal(virDomainGetMaxMemory(dom), 1048576);
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = getDom(conn, "web");
    assert_int_equal(virDomainGetMaxMemory(dom), 2097152);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainGetMaxMemory(dom), 2097152);
    assert_int_equal(getInfo(dom).nrVirtCpu, 1);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_define_makes_a_transient_domain_persistent(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom;

    (void)state;
    dom = virDomainCreateLinux(conn, PV_XML("temp", "0a0a0a0a-0000-4000-8000-0000000000ae",
                                            "65536"), 0);
    assert_non_null(dom);
    virDomainFree(dom);
    dom = virDomainDefineXML(conn, PV_XML("temp", "0a0a0a0a-0000-4000-8000-0000000000ae",
                                          "65536"));
    assert_non_null(dom);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(definedHas(conn, "temp"));
    virConnectClose(conn);
}

/* ---- shutdown and reboot --------------------------------------------------------- */

static void
test_shutdown_without_delay_powers_off_at_once(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_true(definedHas(conn, "web"));
    assert_int_equal(virDomainShutdown(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "not running");
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_shutdown_delay_keeps_the_domain_shutting_down(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "db");

    (void)state;
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTDOWN);
    /* asking again changes nothing */
    assert_int_equal(virDomainShutdown(dom), 0);
    advance(conn, 29);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTDOWN);
    /* the guest keeps running while it shuts down */
    assert_int_equal(getInfo(dom).cpuTime, 58 * XV_NS_PER_SEC);
    assert_int_equal(virDomainGetID(dom), 2);
    advance(conn, 1);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_destroy_during_shutdown_delay_cancels_it(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "db");

    (void)state;
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = getDom(conn, "db");
    assert_int_equal(virDomainCreate(dom), 0);
    advance(conn, 31);
    /* the old timer does not stop the new run */
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_ignore_shutdown_keeps_the_guest_running(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "cache");

    (void)state;
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(virDomainReboot(dom, 0), 0);
    advance(conn, 100);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), 3);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(stateOf(conn, "cache"), VIR_DOMAIN_SHUTOFF);
    virConnectClose(conn);
}

static void
test_poweroff_restart_action_gives_a_new_id(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "batch");

    (void)state;
    advance(conn, 10);
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), 6);
    assert_int_equal(getInfo(dom).cpuTime, 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_reboot_restarts_with_new_id_and_fresh_cpu_time(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    advance(conn, 10);
    /* 2 online vcpus at load 0.5 */
    assert_int_equal(getInfo(dom).cpuTime, 10 * XV_NS_PER_SEC);
    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_int_equal(virDomainGetID(dom), 6);
    assert_int_equal(getInfo(dom).cpuTime, 0);
    advance(conn, 2);
    assert_int_equal(getInfo(dom).cpuTime, 2 * XV_NS_PER_SEC);
    assert_null(virDomainLookupByID(conn, 1));
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_reboot_destroy_action_powers_off(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "batch");

    (void)state;
    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_shutdown_of_paused_domain_is_operation_invalid(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "frozen");

    (void)state;
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainShutdown(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'frozen' is not running");
    assert_int_equal(virDomainReboot(dom, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'frozen' is not running");
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- scripted events ----------------------------------------------------------------- */

static void
test_crash_with_destroy_stops_the_domain(void **state)
{
    virConnectPtr conn = openNode(EVENTS);

    (void)state;
    advance(conn, 9.999);
    assert_int_equal(stateOf(conn, "destroyer"), VIR_DOMAIN_RUNNING);
    advance(conn, 0.001);
    assert_int_equal(stateOf(conn, "destroyer"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(idOf(conn, "destroyer"), -1);
    assert_true(definedHas(conn, "destroyer"));
    virConnectClose(conn);
}

static void
test_crash_with_restart_gives_new_id_and_fresh_cpu_time(void **state)
{
    virConnectPtr conn = openNode(EVENTS);
    virDomainPtr dom = getDom(conn, "restarter");

    (void)state;
    assert_int_equal(virDomainGetID(dom), 2);
    advance(conn, 15);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    /* ids 6 went to the rebooter at 7 s */
    assert_int_equal(virDomainGetID(dom), 7);
    assert_int_equal(getInfo(dom).cpuTime, 5 * XV_NS_PER_SEC);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_crash_with_preserve_keeps_a_crashed_domain_until_destroyed(void **state)
{
    virConnectPtr conn = openNode(EVENTS);
    virDomainPtr dom = getDom(conn, "preserver");
    virVcpuInfo vcpu;

    (void)state;
    advance(conn, 15);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_CRASHED);
    assert_int_equal(virDomainGetID(dom), 3);
    /* frozen at the crash */
    assert_int_equal(getInfo(dom).cpuTime, 10 * XV_NS_PER_SEC);
    advance(conn, 5);
    assert_int_equal(getInfo(dom).cpuTime, 10 * XV_NS_PER_SEC);
    assert_int_equal(virDomainGetVcpus(dom, &vcpu, 1, NULL, 0), 1);
    assert_int_equal(vcpu.state, VIR_VCPU_BLOCKED);
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "not running");
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(stateOf(conn, "preserver"), VIR_DOMAIN_SHUTOFF);
    virConnectClose(conn);
}

static void
test_crash_of_transient_domain_makes_it_vanish(void **state)
{
    virConnectPtr conn = openNode(EVENTS);
    virDomainPtr dom;

    (void)state;
    /* 'destroyer' is undefined while running: transient, on_crash destroy */
    dom = getDom(conn, "destroyer");
    assert_int_equal(virDomainUndefine(dom), 0);
    advance(conn, 10);
    assert_int_equal(virDomainGetInfo(dom, &(virDomainInfo){ 0 }), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "destroyer");
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    virDomainFree(dom);
    assert_null(virDomainLookupByName(conn, "destroyer"));
    virConnectClose(conn);
}

static void
test_vcpu_load_events_change_cpu_time(void **state)
{
    virConnectPtr conn = openNode(EVENTS);
    virDomainPtr dom = getDom(conn, "worker");
    virVcpuInfo vcpus[2];

    (void)state;
    advance(conn, 10);
    /* 0-5 s: both busy; then vcpu 0 idle, vcpu 1 at 0.75 */
    assert_int_equal(getInfo(dom).cpuTime, 13750000000ULL);
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 2, NULL, 0), 2);
    assert_int_equal(vcpus[0].cpuTime, 5 * XV_NS_PER_SEC);
    assert_int_equal(vcpus[0].state, VIR_VCPU_BLOCKED);
    assert_int_equal(vcpus[1].cpuTime, 8750000000ULL);
    assert_int_equal(vcpus[1].state, VIR_VCPU_RUNNING);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_guest_shutdown_event_goes_through_the_shutdown_delay(void **state)
{
    virConnectPtr conn = openNode(EVENTS);

    (void)state;
    advance(conn, 22);
    assert_int_equal(stateOf(conn, "worker"), VIR_DOMAIN_SHUTDOWN);
    advance(conn, 3);
    assert_int_equal(stateOf(conn, "worker"), VIR_DOMAIN_SHUTOFF);
    virConnectClose(conn);
}

static void
test_guest_reboot_event_restarts_the_domain(void **state)
{
    virConnectPtr conn = openNode(EVENTS);

    (void)state;
    advance(conn, 10);
    assert_int_equal(idOf(conn, "rebooter"), 6);
    assert_int_equal(cpuOf(conn, "rebooter"), 3 * XV_NS_PER_SEC);
    virConnectClose(conn);
}

static void
test_start_event_runs_a_defined_domain_from_its_time(void **state)
{
    virConnectPtr conn = openNode(STARTSTOP);
    virDomainPtr dom;

    (void)state;
    assert_int_equal(stateOf(conn, "spare"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(idOf(conn, "spare"), -1);
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    advance(conn, 4.999);
    assert_int_equal(stateOf(conn, "spare"), VIR_DOMAIN_SHUTOFF);
    assert_true(definedHas(conn, "spare"));
    advance(conn, 0.001);
    assert_int_equal(stateOf(conn, "spare"), VIR_DOMAIN_RUNNING);
    assert_int_equal(idOf(conn, "spare"), 2);
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_false(definedHas(conn, "spare"));
    dom = virDomainLookupByID(conn, 2);
    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), "spare");
    virDomainFree(dom);
    /* CPU time counts from the start: 2 busy vcpus for 3 s */
    advance(conn, 3);
    assert_int_equal(cpuOf(conn, "spare"), 6 * XV_NS_PER_SEC);
    virConnectClose(conn);
}

static void
test_destroy_event_stops_a_domain_and_a_later_start_gives_a_new_id(void **state)
{
    virConnectPtr conn = openNode(STARTSTOP);
    virDomainPtr dom = getDom(conn, "steady");

    (void)state;
    advance(conn, 10);
    assert_int_equal(stateOf(conn, "spare"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(idOf(conn, "spare"), -1);
    assert_true(definedHas(conn, "spare"));
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    advance(conn, 2);
    assert_int_equal(idOf(conn, "spare"), 3);
    assert_int_equal(cpuOf(conn, "spare"), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    advance(conn, 8);
    /* the handle follows: a destroyed persistent domain is shut off */
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_true(definedHas(conn, "steady"));
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_destroy_event_of_a_transient_domain_makes_it_vanish(void **state)
{
    virConnectPtr conn = openNode(STARTSTOP);
    virDomainPtr dom;

    (void)state;
    dom = virDomainCreateLinux(conn, PV_XML("temp", "0c0c0c0c-0000-4000-8000-0000000000ff",
                                            "65536"), 0);
    if (!dom)
        fail_msg("virDomainCreateLinux: %s", virGetLastErrorMessage());
    advance(conn, 14.999);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    advance(conn, 0.001);
    virResetLastError();
    assert_int_equal(virDomainGetInfo(dom, &(virDomainInfo){ 0 }), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "temp");
    virDomainFree(dom);
    assert_null(virDomainLookupByName(conn, "temp"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "temp");
    assert_false(definedHas(conn, "temp"));
    /* steady and the restarted spare run on */
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    virConnectClose(conn);
}

/* ---- lifecycle events ------------------------------------------------------------ */

static char eventsSeen[1024];

static int
recordEvent(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    char line[128];

    (void)conn;
    (void)opaque;
    snprintf(line, sizeof(line), "%s %d %d/%d;", virDomainGetName(dom),
             (int)virDomainGetID(dom), event, detail);
    strncat(eventsSeen, line, sizeof(eventsSeen) - strlen(eventsSeen) - 1);
    return 0;
}

static void
keepLoopAwake(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
}

/* Delivers the queued events (the dispatch timer has period 0); a timer of
 * period 0 keeps poll() from blocking once nothing else is due. */
static void
deliverEvents(void)
{
    int keep = virEventAddTimeout(0, keepLoopAwake, NULL, NULL);
    int i;

    assert_true(keep > 0);
    for (i = 0; i < 3; i++)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(virEventRemoveTimeout(keep), 0);
}

static void
destroyByName(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = getDom(conn, name);

    if (virDomainDestroy(dom) < 0)
        fail_msg("virDomainDestroy(%s): %s", name, virGetLastErrorMessage());
}

/* The ID of a Stopped event is libvirt 9's test driver's: -1 for a domain
 * that had a persistent config while running (undefined since or not),
 * the ID it ran with for a transient one. Last of the tests: the node's
 * next ID moves on. */
static void
test_stopped_event_id_is_libvirts(void **state)
{
    virConnectPtr conn = openNode(SIM);
    const char *tempXML = PV_XML("temp", "0a0a0a0a-0000-4000-8000-0000000000ae", "65536");
    virDomainPtr dom;

    (void)state;
    assert_int_equal(virEventRegisterDefaultImpl(), 0);
    assert_int_equal(virConnectDomainEventRegister(conn, recordEvent, NULL, NULL), 0);
    eventsSeen[0] = '\0';

    assert_non_null(dom = virDomainCreateLinux(conn, tempXML, 0));
    virDomainFree(dom);
    destroyByName(conn, "temp");                        /* transient */
    assert_non_null(dom = virDomainCreateLinux(conn, tempXML, 0));
    virDomainFree(dom);
    assert_non_null(dom = virDomainDefineXML(conn, tempXML));
    virDomainFree(dom);
    destroyByName(conn, "temp");                        /* made persistent */
    assert_non_null(dom = virDomainDefineXML(conn, tempXML));
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    destroyByName(conn, "temp");                        /* undefined while running */
    deliverEvents();
    assert_string_equal(eventsSeen, "temp 6 2/0;temp 6 5/1;"
                                    "temp 7 2/0;temp 7 0/0;temp -1 5/1;"
                                    "temp -1 0/1;temp 8 2/0;temp 8 1/0;temp -1 5/1;");
    assert_int_equal(virConnectDomainEventDeregister(conn, recordEvent), 0);
    virConnectClose(conn);
}

static void
test_memory_demand_and_host_use_are_visible_through_hooks(void **state)
{
    virConnectPtr conn = openNode(EVENTS);
    virDomainPtr dom = getDom(conn, "worker");
    unsigned long long used = 1;
    long long kib = 0;

    (void)state;
    assert_int_equal(xvTestDriverGetMemoryDemand(dom, &kib), 0);
    assert_int_equal(kib, -1);
    assert_int_equal(xvTestDriverGetHostUsed(conn, &used), 0);
    assert_int_equal(used, 0);
    advance(conn, 4);
    assert_int_equal(xvTestDriverGetMemoryDemand(dom, &kib), 0);
    assert_int_equal(kib, 123456);
    /* host-free 1048576 at 4 s: 8388608 KiB, five domains hold 786432 */
    assert_int_equal(xvTestDriverGetHostUsed(conn, &used), 0);
    assert_int_equal(used, 8388608 - 786432 - 1048576);
    assert_int_equal(virNodeGetFreeMemory(conn), 1048576ULL * 1024);
    /* at 10 s destroyer crashes and is destroyed: its 131072 KiB come back */
    advance(conn, 6);
    assert_int_equal(virNodeGetFreeMemory(conn), (1048576ULL + 131072) * 1024);
    assert_int_equal(xvTestDriverGetHostUsed(NULL, &used), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "not a test driver connection");
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_initial_memory_demand_comes_from_the_domain(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    unsigned long long now = 1;
    long long kib = 0;

    (void)state;
    assert_int_equal(xvTestDriverGetMemoryDemand(dom, &kib), 0);
    assert_int_equal(kib, 400000);
    assert_int_equal(xvTestDriverGetTimeNs(conn, &now), 0);
    assert_int_equal(now, 0);
    assert_int_equal(xvTestDriverAdvanceClock(NULL, 1), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "not a test driver connection");
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- CPU time ------------------------------------------------------------------------ */

static void
test_paused_domain_does_not_accumulate_cpu_time(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    advance(conn, 10);
    assert_int_equal(virDomainSuspend(dom), 0);
    advance(conn, 10);
    assert_int_equal(getInfo(dom).cpuTime, 10 * XV_NS_PER_SEC);
    assert_int_equal(virDomainResume(dom), 0);
    advance(conn, 10);
    assert_int_equal(getInfo(dom).cpuTime, 20 * XV_NS_PER_SEC);
    assert_int_equal(cpuOf(conn, "frozen"), 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_inactive_domain_info_is_shutoff_with_zero_cpu_time(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "spare");
    virDomainInfo info;

    (void)state;
    advance(conn, 10);
    info = getInfo(dom);
    assert_int_equal(info.state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(info.cpuTime, 0);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.memory, 262144);
    assert_int_equal(info.nrVirtCpu, 2);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- memory and vcpus ---------------------------------------------------------------- */

static void
test_set_memory_changes_current_memory_up_to_the_maximum(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    char *xml;

    (void)state;
    assert_int_equal(virDomainSetMemory(dom, 600000), 0);
    assert_int_equal(getInfo(dom).memory, 600000);
    xml = virDomainGetXMLDesc(dom, 0);
    assert_non_null(strstr(xml, "<currentMemory unit='KiB'>600000</currentMemory>"));
    free(xml);
    assert_int_equal(virDomainSetMemory(dom, 2000000), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG,
                "memory 2000000 KiB is above the maximum 1048576 KiB of domain 'web'");
    assert_int_equal(getInfo(dom).memory, 600000);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_live_changes_leave_the_persistent_config_alone(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virDomainSetMemory(dom, 600000), 0);
    assert_int_equal(virDomainSetVcpus(dom, 4), 0);
    assert_int_equal(virDomainSetMaxMemory(dom, 900000), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = getDom(conn, "web");
    assert_int_equal(getInfo(dom).memory, 524288);
    assert_int_equal(getInfo(dom).maxMem, 1048576);
    assert_int_equal(getInfo(dom).nrVirtCpu, 2);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_set_memory_of_inactive_domain_changes_its_config(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "spare");

    (void)state;
    assert_int_equal(virDomainSetMemory(dom, 131072), 0);
    assert_int_equal(virDomainSetVcpus(dom, 1), 0);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(getInfo(dom).memory, 131072);
    assert_int_equal(getInfo(dom).nrVirtCpu, 1);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_set_max_memory_lowers_current_memory(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virDomainSetMaxMemory(dom, 262144), 0);
    assert_int_equal(virDomainGetMaxMemory(dom), 262144);
    assert_int_equal(getInfo(dom).memory, 262144);
    assert_int_equal(virDomainSetMaxMemory(dom, 2097152), 0);
    assert_int_equal(getInfo(dom).memory, 262144);
    assert_int_equal(virDomainSetMemory(dom, 2000000), 0);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_set_vcpus_range_and_offline_vcpus(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    virVcpuInfo vcpus[4];

    (void)state;
    assert_int_equal(virDomainSetVcpus(dom, 5), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "5 vcpus are not within 1 to the 4 vcpus of domain 'web'");
    assert_int_equal(virDomainSetVcpus(dom, 4), 0);
    assert_int_equal(getInfo(dom).nrVirtCpu, 4);
    advance(conn, 10);
    assert_int_equal(virDomainSetVcpus(dom, 1), 0);
    advance(conn, 10);
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 4, NULL, 0), 4);
    assert_int_equal(vcpus[0].state, VIR_VCPU_RUNNING);
    assert_int_equal(vcpus[0].cpuTime, 10 * XV_NS_PER_SEC);
    assert_int_equal(vcpus[1].state, VIR_VCPU_OFFLINE);
    assert_int_equal(vcpus[1].cpu, -1);
    /* an offline vcpu keeps the time it had */
    assert_int_equal(vcpus[1].cpuTime, 5 * XV_NS_PER_SEC);
    assert_int_equal(vcpus[3].number, 3);
    assert_int_equal(getInfo(dom).cpuTime, 25 * XV_NS_PER_SEC);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- vcpus and pinning -------------------------------------------------------------- */

static void
test_get_vcpus_reports_every_vcpu_with_placement_and_affinity(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    virVcpuInfo vcpus[8];
    unsigned char maps[8 * 2];

    (void)state;
    memset(maps, 0x5a, sizeof(maps));
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 8, maps, 2), 4);
    /* id 1: vcpu n runs on the (1 + n)-th of the 8 allowed CPUs */
    assert_int_equal(vcpus[0].cpu, 1);
    assert_int_equal(vcpus[1].cpu, 2);
    assert_int_equal(vcpus[2].state, VIR_VCPU_OFFLINE);
    assert_int_equal(maps[0], 0xff);
    assert_int_equal(maps[1], 0x00);
    assert_int_equal(maps[3 * 2], 0xff);
    assert_true(VIR_CPU_USABLE(maps, 2, 3, 7));
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 1, NULL, 0), 1);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_pinning_shows_in_cpumaps_and_placement(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    unsigned char map = 0x30; /* CPUs 4 and 5 */
    virVcpuInfo vcpus[4];
    unsigned char maps[4];

    (void)state;
    assert_int_equal(virDomainPinVcpu(dom, 1, &map, 1), 0);
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 4, maps, 1), 4);
    assert_int_equal(maps[0], 0xff);
    assert_int_equal(maps[1], 0x30);
    /* (id 1 + vcpu 1) % 2 allowed -> first allowed CPU */
    assert_int_equal(vcpus[1].cpu, 4);
    assert_true(VIR_CPU_USABLE(maps, 1, 1, 5));
    assert_false(VIR_CPU_USABLE(maps, 1, 1, 3));
    /* offline vcpus can be pinned too */
    map = 0x01;
    assert_int_equal(virDomainPinVcpu(dom, 3, &map, 1), 0);
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 4, maps, 1), 4);
    assert_int_equal(maps[3], 0x01);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_pin_vcpu_beyond_the_domain_is_invalid_arg(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    unsigned char map = 0x01;

    (void)state;
    assert_int_equal(virDomainPinVcpu(dom, 4, &map, 1), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "vcpu 4 is not within the 4 vcpus of domain 'web'");
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_vcpu_calls_on_inactive_domain_are_operation_invalid(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "spare");
    unsigned char map = 0x01;
    virVcpuInfo vcpu;

    (void)state;
    assert_int_equal(virDomainGetVcpus(dom, &vcpu, 1, NULL, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'spare' is not running");
    assert_int_equal(virDomainPinVcpu(dom, 0, &map, 1), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'spare' is not running");
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- descriptions ---------------------------------------------------------------------- */

static void
test_xml_desc_has_the_live_id_only_when_active(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr web = getDom(conn, "web"), spare = getDom(conn, "spare");
    char *xml = virDomainGetXMLDesc(web, 0);
    char *os;

    (void)state;
    assert_non_null(xml);
    assert_true(strncmp(xml, "<domain type='xen' id='1'>", 26) == 0);
    assert_non_null(strstr(xml, "<vcpu current='2'>4</vcpu>"));
    assert_non_null(strstr(xml, "xvirt"));
    free(xml);
    xml = virDomainGetXMLDesc(spare, 0);
    assert_non_null(xml);
    assert_null(strstr(xml, " id="));
    free(xml);
    os = virDomainGetOSType(web);
    assert_string_equal(os, "linux");
    free(os);
    assert_int_equal(virDomainGetMaxMemory(web), 1048576);
    virDomainFree(web);
    virDomainFree(spare);
    virConnectClose(conn);
}

/* ---- save and restore ----------------------------------------------------------------- */

static void
test_save_writes_our_format_and_stops_the_domain(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    char *dir, *path = tempFile(&dir, "web.save");
    const char *expect = "XvirtTestSave 1\n"
                         "memory=524288 vcpus=2 cputime=10000000000 paused=0\n"
                         "<domain type='xen'>\n";
    char *data;

    (void)state;
    advance(conn, 10);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    data = xvTestReadFile(path);
    if (strncmp(data, expect, strlen(expect)) != 0)
        fail_msg("save file starts with:\n%.120s", data);
    free(data);
    assert_int_equal(virDomainSave(dom, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "not running");
    virDomainFree(dom);
    removeTemp(dir, path);
    virConnectClose(conn);
}

static void
test_restore_brings_back_memory_cpu_time_with_a_new_id(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    char *dir, *path = tempFile(&dir, "web.save");
    virDomainInfo info;

    (void)state;
    advance(conn, 10);
    assert_int_equal(virDomainSetMemory(dom, 600000), 0);
    assert_int_equal(virDomainSave(dom, path), 0);
    advance(conn, 5);
    assert_int_equal(virDomainRestore(conn, path), 0);
    info = getInfo(dom);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.memory, 600000);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(info.cpuTime, 10 * XV_NS_PER_SEC);
    assert_int_equal(virDomainGetID(dom), 6);
    advance(conn, 2);
    assert_int_equal(getInfo(dom).cpuTime, 12 * XV_NS_PER_SEC);
    /* still persistent, with the config it was defined with */
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = getDom(conn, "web");
    assert_int_equal(getInfo(dom).memory, 524288);
    virDomainFree(dom);
    removeTemp(dir, path);
    virConnectClose(conn);
}

static void
test_restore_keeps_a_paused_domain_paused(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "frozen");
    char *dir, *path = tempFile(&dir, "frozen.save");

    (void)state;
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(virDomainRestore(conn, path), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_PAUSED);
    advance(conn, 10);
    assert_int_equal(getInfo(dom).cpuTime, 0);
    assert_int_equal(virDomainResume(dom), 0);
    virDomainFree(dom);
    removeTemp(dir, path);
    virConnectClose(conn);
}

static void
test_restore_over_an_active_domain_is_dom_exist(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");
    char *dir, *path = tempFile(&dir, "web.save");

    (void)state;
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainRestore(conn, path), -1);
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'web' is already active");
    virDomainFree(dom);
    removeTemp(dir, path);
    virConnectClose(conn);
}

static void
test_saved_transient_domain_vanishes_and_comes_back(void **state)
{
    virConnectPtr conn = openNode(SIM);
    char *dir, *path = tempFile(&dir, "temp.save");
    virDomainPtr dom;

    (void)state;
    dom = virDomainCreateLinux(conn, PV_XML("temp", "0a0a0a0a-0000-4000-8000-0000000000ae",
                                            "65536"), 0);
    assert_non_null(dom);
    assert_int_equal(virDomainSave(dom, path), 0);
    virDomainFree(dom);
    assert_null(virDomainLookupByName(conn, "temp"));
    assert_int_equal(virDomainRestore(conn, path), 0);
    dom = getDom(conn, "temp");
    assert_int_equal(virDomainGetID(dom), 7);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(virDomainLookupByName(conn, "temp"));
    removeTemp(dir, path);
    virConnectClose(conn);
}

/* The state line is read strictly: digits only, no overflow, in range. */
static void
test_restore_reads_the_state_line_strictly(void **state)
{
    static const char *const bad[] = {
        "memory=-1 vcpus=1 cputime=0 paused=0\n",
        "memory= 65536 vcpus=1 cputime=0 paused=0\n",
        "memory=+65536 vcpus=1 cputime=0 paused=0\n",
        "memory=65536  vcpus=1 cputime=0 paused=0\n",
        "memory=65536 vcpus=70000 cputime=0 paused=0\n",
        "memory=65536 vcpus=1 cputime=18446744073709551616 paused=0\n",
        "memory=65536 vcpus=1 cputime=0 paused=2\n",
        "memory=65536 vcpus=1 cputime=0 paused=0 \n",
        "memory=65536 vcpus=1 cputime=0 paused=0",
        "memory=65536 vcpus=1 cputime=0x10 paused=0\n",
    };
    virConnectPtr conn = openNode(SIM);
    char *dir, *path = tempFile(&dir, "strict.save");
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        char *data;

        assert_true(asprintf(&data, "XvirtTestSave 1\n%s%s", bad[i],
                             PV_XML("st", "0a0a0a0a-0000-4000-8000-0000000000c1", "65536")) > 0);
        writeFile(path, data);
        free(data);
        if (virDomainRestore(conn, path) != -1)
            fail_msg("accepted: %s", bad[i]);
        if (!strstr(virGetLastErrorMessage(), "bad state line"))
            fail_msg("%s: %s", bad[i], virGetLastErrorMessage());
    }
    /* the same file with a good line restores */
    writeFile(path, "XvirtTestSave 1\nmemory=65536 vcpus=1 cputime=18446744073709551615 "
              "paused=1\n" PV_XML("st", "0a0a0a0a-0000-4000-8000-0000000000c1", "65536"));
    assert_int_equal(virDomainRestore(conn, path), 0);
    removeTemp(dir, path);
    virConnectClose(conn);
}

/* xvTestSaveParseBuffer, the fuzz target's entry: lengths, NUL bytes,
 * size cap, and a DOCTYPE in the domain part. */
static void
test_save_parse_buffer_bounds(void **state)
{
    static const char good[] = "XvirtTestSave 1\nmemory=65536 vcpus=1 cputime=7 paused=0\n"
                               PV_XML("b", "0a0a0a0a-0000-4000-8000-0000000000c2", "65536");
    static const char nul[] = "XvirtTestSave 1\nmemory=65536 vcpus=1 cputime=7 paused=0\n"
                              "<domain\0";
    static const char dtd[] = "XvirtTestSave 1\nmemory=65536 vcpus=1 cputime=7 paused=0\n"
                              "<!DOCTYPE domain [<!ENTITY a 'b'>]><domain/>";
    xvTestSaveImage image;
    char *big;
    size_t bigLen = 4 * 1024 * 1024 + 1;

    (void)state;
    virSetErrorFunc(NULL, xvTestQuietErrors);
    assert_int_equal(xvTestSaveParseBuffer(good, sizeof(good) - 1, "good", &image), 0);
    assert_true(image.cpuTimeNs == 7 && !image.paused);
    assert_string_equal(image.def->name, "b");
    xvTestSaveImageClear(&image);
    /* a buffer cut short, not NUL-terminated: read within its length */
    assert_int_equal(xvTestSaveParseBuffer(good, 30, "cut", &image), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "save file 'cut': bad state line");
    assert_int_equal(xvTestSaveParseBuffer(good, 10, "short", &image), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "bad magic");
    assert_int_equal(xvTestSaveParseBuffer(nul, sizeof(nul) - 1, "nul", &image), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "save file 'nul': a NUL byte");
    assert_int_equal(xvTestSaveParseBuffer(dtd, sizeof(dtd) - 1, "dtd", &image), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "document type declaration");
    assert_null(image.def);
    big = malloc(bigLen);
    assert_non_null(big);
    memset(big, ' ', bigLen);
    memcpy(big, good, sizeof(good) - 1);
    assert_int_equal(xvTestSaveParseBuffer(big, bigLen, "big", &image), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "save file 'big': larger than 4 MiB");
    free(big);
}

static void
test_restore_of_bad_files_names_file_and_problem(void **state)
{
    virConnectPtr conn = openNode(SIM);
    char *dir, *path = tempFile(&dir, "bad.save");

    (void)state;
    assert_int_equal(virDomainRestore(conn, "/nonexistent/xvirt.save"), -1);
    xvTestAssertError(VIR_ERR_READ_FAILED, "'/nonexistent/xvirt.save'");
    writeFile(path, "LinuxGuestRecord\n");
    assert_int_equal(virDomainRestore(conn, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "bad magic");
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, path);
    writeFile(path, "XvirtTestSave 1\nmemory=lots\n<domain/>");
    assert_int_equal(virDomainRestore(conn, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "bad state line");
    writeFile(path, "XvirtTestSave 1\nmemory=1 vcpus=1 cputime=0 paused=0\n<domain");
    assert_int_equal(virDomainRestore(conn, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "bad domain description");
    writeFile(path, "XvirtTestSave 1\nmemory=999999 vcpus=1 cputime=0 paused=0\n"
              PV_XML("big", "0a0a0a0a-0000-4000-8000-0000000000b0", "65536"));
    assert_int_equal(virDomainRestore(conn, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "do not fit");
    assert_int_equal(virConnectNumOfDomains(conn), 5);
    removeTemp(dir, path);
    virConnectClose(conn);
}

static void
test_save_to_an_unwritable_place_keeps_the_domain_running(void **state)
{
    virConnectPtr conn = openNode(SIM);
    virDomainPtr dom = getDom(conn, "web");

    (void)state;
    assert_int_equal(virDomainSave(dom, "/nonexistent/dir/web.save"), -1);
    xvTestAssertError(VIR_ERR_WRITE_FAILED, "'/nonexistent/dir/web.save'");
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* ---- free memory and memory statistics (beyond the seed) ------------------------------ */

#define MEMORY_NODE_KIB 4194304ULL

static unsigned long long
freeKiBOf(virConnectPtr conn)
{
    unsigned long long bytes = virNodeGetFreeMemory(conn);

    if (bytes == 0)
        fail_msg("virNodeGetFreeMemory: %s", virGetLastErrorMessage());
    assert_int_equal(bytes % 1024, 0);
    return bytes / 1024;
}

/* The statistics of @name as "tag=val tag=val ..." (tags in the order given). */
static char *
memStatsOf(virConnectPtr conn, const char *name, unsigned int nr)
{
    virDomainPtr dom = getDom(conn, name);
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    int n, i;

    assert_non_null(fp);
    n = virDomainMemoryStats(dom, stats, nr, 0);
    if (n < 0)
        fail_msg("virDomainMemoryStats(%s): %s", name, virGetLastErrorMessage());
    assert_true((unsigned int)n <= nr);
    for (i = 0; i < n; i++)
        fprintf(fp, "%s%d=%llu", i ? " " : "", stats[i].tag, stats[i].val);
    fclose(fp);
    virDomainFree(dom);
    return out;
}

#define assert_mem_stats(conn, name, nr, want) \
    do { \
        char *got_ = memStatsOf((conn), (name), (nr)); \
        assert_string_equal(got_, (want)); \
        free(got_); \
    } while (0)

/* Tags: 4 UNUSED, 5 AVAILABLE, 6 ACTUAL_BALLOON, 8 USABLE. */

static void
test_free_memory_is_node_memory_less_active_domains(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virNodeInfo node;

    (void)state;
    assert_int_equal(virNodeGetInfo(conn, &node), 0);
    assert_int_equal(node.memory, MEMORY_NODE_KIB);
    /* big 1048576 (current, not max) + small 524288; idle is shut off */
    assert_int_equal(freeKiBOf(conn), MEMORY_NODE_KIB - 1048576 - 524288);
    assert_null(virGetLastError());
    virConnectClose(conn);
}

static void
test_set_memory_moves_free_memory_both_ways(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr big = getDom(conn, "big");
    unsigned long long before = freeKiBOf(conn);

    (void)state;
    assert_int_equal(virDomainSetMemory(big, 524288), 0);
    assert_int_equal(freeKiBOf(conn), before + 524288);
    assert_int_equal(virDomainSetMemory(big, 2097152), 0);
    assert_int_equal(freeKiBOf(conn), before - 1048576);
    /* a shrinking maximum shrinks the current memory with it */
    assert_int_equal(virDomainSetMaxMemory(big, 262144), 0);
    assert_int_equal(freeKiBOf(conn), before + 1048576 - 262144);
    virDomainFree(big);
    virConnectClose(conn);
}

static void
test_starting_and_stopping_domains_moves_free_memory(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr idle = getDom(conn, "idle"), small = getDom(conn, "small");
    unsigned long long before = freeKiBOf(conn);

    (void)state;
    assert_int_equal(virDomainCreate(idle), 0);
    assert_int_equal(freeKiBOf(conn), before - 1048576);
    assert_int_equal(virDomainDestroy(small), 0);   /* releases the handle */
    assert_int_equal(freeKiBOf(conn), before - 1048576 + 524288);
    assert_int_equal(virDomainSetMemory(idle, 524288), 0);
    assert_int_equal(freeKiBOf(conn), before);
    /* an inactive domain holds nothing, whatever its config says */
    small = getDom(conn, "small");
    assert_int_equal(virDomainSetMemory(small, 262144), 0);
    assert_int_equal(freeKiBOf(conn), before);
    virDomainFree(small);
    virDomainFree(idle);
    virConnectClose(conn);
}

static void
test_host_free_and_host_used_events_script_free_memory_over_time(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr big = getDom(conn, "big");
    unsigned long long used = 0;

    (void)state;
    advance(conn, 20);
    assert_int_equal(freeKiBOf(conn), 1048576);
    assert_int_equal(xvTestDriverGetHostUsed(conn, &used), 0);
    assert_int_equal(used, MEMORY_NODE_KIB - 1048576 - 524288 - 1048576);
    /* the host keeps what it took: ballooning big down frees memory */
    assert_int_equal(virDomainSetMemory(big, 262144), 0);
    assert_int_equal(freeKiBOf(conn), 1048576 + 786432);
    advance(conn, 10);
    assert_int_equal(freeKiBOf(conn), MEMORY_NODE_KIB - 262144 - 524288);
    virDomainFree(big);
    virConnectClose(conn);
}

static void
test_no_free_memory_is_operation_failed(void **state)
{
    virConnectPtr conn = openNode(MEMORY);

    (void)state;
    advance(conn, 40);
    assert_int_equal(virNodeGetFreeMemory(conn), 0);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "no free memory");
    virConnectClose(conn);
}

static void
test_memory_stats_without_demand_is_the_balloon_only(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr small = getDom(conn, "small");

    (void)state;
    assert_mem_stats(conn, "small", VIR_DOMAIN_MEMORY_STAT_NR, "6=524288");
    assert_int_equal(virDomainSetMemory(small, 400000), 0);
    assert_mem_stats(conn, "small", VIR_DOMAIN_MEMORY_STAT_NR, "6=400000");
    virDomainFree(small);
    virConnectClose(conn);
}

static void
test_memory_stats_with_demand_report_what_the_guest_leaves(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr big = getDom(conn, "big");

    (void)state;
    /* 1048576 KiB, demand 600000: 448576 unused, in increasing tag order */
    assert_mem_stats(conn, "big", VIR_DOMAIN_MEMORY_STAT_NR,
                     "4=448576 5=1048576 6=1048576 8=448576");
    assert_int_equal(virDomainSetMemory(big, 700000), 0);
    assert_mem_stats(conn, "big", VIR_DOMAIN_MEMORY_STAT_NR,
                     "4=100000 5=700000 6=700000 8=100000");
    /* below the demand: nothing is unused */
    assert_int_equal(virDomainSetMemory(big, 500000), 0);
    assert_mem_stats(conn, "big", VIR_DOMAIN_MEMORY_STAT_NR, "4=0 5=500000 6=500000 8=0");
    virDomainFree(big);
    virConnectClose(conn);
}

static void
test_memory_stats_follow_memory_demand_events(void **state)
{
    virConnectPtr conn = openNode(MEMORY);

    (void)state;
    assert_mem_stats(conn, "small", VIR_DOMAIN_MEMORY_STAT_NR, "6=524288");
    advance(conn, 10);
    /* small now asks for 700000 KiB, more than its 524288 */
    assert_mem_stats(conn, "small", VIR_DOMAIN_MEMORY_STAT_NR, "4=0 5=524288 6=524288 8=0");
    virConnectClose(conn);
}

static void
test_memory_stats_truncate_to_nr_stats_keeping_the_lowest_tags(void **state)
{
    virConnectPtr conn = openNode(MEMORY);

    (void)state;
    assert_mem_stats(conn, "big", 1, "4=448576");
    assert_mem_stats(conn, "big", 3, "4=448576 5=1048576 6=1048576");
    assert_mem_stats(conn, "small", 1, "6=524288");
    virConnectClose(conn);
}

static void
test_memory_stats_of_inactive_domain_is_operation_invalid(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr idle = getDom(conn, "idle");
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    (void)state;
    assert_int_equal(virDomainMemoryStats(idle, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'idle' is not running");
    /* a restart gives it a balloon again, and no demand */
    assert_int_equal(virDomainCreate(idle), 0);
    assert_int_equal(virDomainMemoryStats(idle, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), 1);
    assert_int_equal(stats[0].tag, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON);
    assert_int_equal(stats[0].val, 1048576);
    virDomainFree(idle);
    virConnectClose(conn);
}

static void
test_memory_calls_work_on_read_only_connections(void **state)
{
    virConnectPtr conn = virConnectOpenReadOnly(xvTestNodeURI(MEMORY));

    (void)state;
    assert_non_null(conn);
    assert_int_equal(freeKiBOf(conn), MEMORY_NODE_KIB - 1048576 - 524288);
    assert_mem_stats(conn, "small", VIR_DOMAIN_MEMORY_STAT_NR, "6=524288");
    virConnectClose(conn);
}

static void
test_memory_calls_honour_injected_faults(void **state)
{
    virConnectPtr conn = openNode(MEMORY);
    virDomainPtr big = getDom(conn, "big"), small = getDom(conn, "small");
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    (void)state;
    advance(conn, 5);
    assert_int_equal(virNodeGetFreeMemory(conn), 0);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "injected fault: virNodeGetFreeMemory");
    assert_int_equal(virDomainMemoryStats(small, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), 1);
    assert_int_equal(virDomainMemoryStats(big, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "injected fault: virDomainMemoryStats");
    /* count='1': both work again */
    assert_true(virNodeGetFreeMemory(conn) > 0);
    assert_int_equal(virDomainMemoryStats(big, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), 4);
    virDomainFree(big);
    virDomainFree(small);
    virConnectClose(conn);
}


/* ---- I/O counters and pCPU times (node-io.xml) ------------------------------------------ */

static virDomainBlockStatsStruct
blockStats(virDomainPtr dom, const char *disk)
{
    virDomainBlockStatsStruct st;

    if (virDomainBlockStats(dom, disk, &st, sizeof(st)) < 0)
        fail_msg("virDomainBlockStats(%s): %s", disk, virGetLastErrorMessage());
    return st;
}

static virDomainInterfaceStatsStruct
ifStats(virDomainPtr dom, const char *device)
{
    virDomainInterfaceStatsStruct st;

    if (virDomainInterfaceStats(dom, device, &st, sizeof(st)) < 0)
        fail_msg("virDomainInterfaceStats(%s): %s", device, virGetLastErrorMessage());
    return st;
}

/* user, kernel, idle, iowait of @cpu, in ns, checking the names and order. */
static void
cpuStats(virConnectPtr conn, int cpu, unsigned long long out[4])
{
    static const char *const names[4] = { "user", "kernel", "idle", "iowait" };
    virNodeCPUStats params[4];
    int n = 4, i;

    if (virNodeGetCPUStats(conn, cpu, params, &n, 0) < 0)
        fail_msg("virNodeGetCPUStats(%d): %s", cpu, virGetLastErrorMessage());
    assert_int_equal(n, 4);
    for (i = 0; i < 4; i++) {
        assert_string_equal(params[i].field, names[i]);
        out[i] = params[i].value;
    }
}

static void
test_block_stats_integrate_the_scripted_rates(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy");
    virDomainBlockStatsStruct st;

    (void)state;
    st = blockStats(busy, "xvda");
    assert_true(st.rd_req == 0 && st.rd_bytes == 0 && st.wr_req == 0 && st.wr_bytes == 0 &&
                st.errs == 0);
    advance(conn, 4);
    st = blockStats(busy, "xvda");
    assert_int_equal(st.rd_req, 12);
    assert_int_equal(st.rd_bytes, 4 * 1536);
    assert_int_equal(st.wr_req, 4);
    assert_int_equal(st.wr_bytes, 4 * 512);
    assert_int_equal(st.errs, 0);
    /* the event at 10 stops the reads only */
    advance(conn, 26);
    st = blockStats(busy, "xvda");
    assert_int_equal(st.rd_req, 30);
    assert_int_equal(st.rd_bytes, 10 * 1536);
    assert_int_equal(st.wr_req, 30);
    assert_int_equal(st.wr_bytes, 30 * 512);
    /* a disk without rates counts nothing, but exists */
    st = blockStats(busy, "xvdb");
    assert_int_equal(st.rd_bytes, 0);
    virDomainFree(busy);
    virConnectClose(conn);
}

static void
test_block_stats_find_a_disk_by_target_or_unambiguous_source(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy");
    virDomainBlockStatsStruct st;

    (void)state;
    advance(conn, 2);
    st = blockStats(busy, "/images/busy-xvda.img");
    assert_int_equal(st.rd_bytes, 2 * 1536);
    assert_int_equal(virDomainBlockStats(busy, "xvdz", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: xvdz");
    /* two disks share this source: libvirt refuses to guess */
    assert_int_equal(virDomainBlockStats(busy, "/images/shared.img", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: /images/shared.img");
    /* a target dev is never matched as a path, nor a path as a target */
    assert_int_equal(virDomainBlockStats(busy, "/xvda", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: /xvda");
    assert_int_equal(virDomainBlockStats(busy, "vif1.0", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: vif1.0");
    /* libvirt's test driver has no summary over all disks */
    assert_int_equal(virDomainBlockStats(busy, "", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_UNSUPPORTED, "summary statistics are not supported yet");
    virDomainFree(busy);
    virConnectClose(conn);
}

static void
test_interface_stats_are_the_guests_view_by_target_or_mac(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy");
    virDomainInterfaceStatsStruct st, bymac;

    (void)state;
    advance(conn, 30);
    st = ifStats(busy, "vif1.0");
    assert_int_equal(st.rx_bytes, 30000);
    assert_int_equal(st.rx_packets, 90);
    assert_int_equal(st.rx_errs, 0);
    assert_int_equal(st.rx_drop, 30);
    /* 500 B/s until the event at 20, 3000 B/s after */
    assert_int_equal(st.tx_bytes, 20 * 500 + 10 * 3000);
    assert_int_equal(st.tx_packets, 60);
    assert_int_equal(st.tx_errs, 0);
    assert_int_equal(st.tx_drop, 0);
    bymac = ifStats(busy, "00:16:3E:00:00:01");
    assert_memory_equal(&st, &bymac, sizeof(st));
    /* an interface without a target dev is found by its MAC */
    st = ifStats(busy, "00:16:3e:00:00:02");
    assert_int_equal(st.rx_bytes, 0);
    assert_int_equal(virDomainInterfaceStats(busy, "vif9.0", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'vif9.0' is not a known interface");
    assert_int_equal(virDomainInterfaceStats(busy, "00:16:3e:00:00:09", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'00:16:3e:00:00:09' is not a known interface");
    assert_int_equal(virDomainInterfaceStats(busy, "xvda", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'xvda' is not a known interface");
    virDomainFree(busy);
    virConnectClose(conn);
}

static void
test_io_counters_keep_fractions_and_stop_while_paused(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy"), paused = getDom(conn, "paused");

    (void)state;
    advance(conn, 0.5);
    assert_int_equal(blockStats(busy, "xvda").rd_req, 1); /* 1.5 so far */
    assert_int_equal(virDomainSuspend(busy), 0);
    advance(conn, 3);
    assert_int_equal(blockStats(busy, "xvda").rd_req, 1);
    assert_int_equal(virDomainResume(busy), 0);
    advance(conn, 0.5);
    /* the half request of the first half second is not lost at the fold */
    assert_int_equal(blockStats(busy, "xvda").rd_req, 3);
    /* paused since the load: nothing */
    assert_int_equal(blockStats(paused, "xvda").rd_bytes, 0);
    assert_int_equal(virDomainResume(paused), 0);
    advance(conn, 2);
    assert_int_equal(blockStats(paused, "/dev/vg/paused").rd_bytes, 14);
    virDomainFree(busy);
    virDomainFree(paused);
    virConnectClose(conn);
}

static void
test_io_counters_restart_from_zero_on_every_boot(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy");
    char *dir = NULL, *path = tempFile(&dir, "busy.save");

    (void)state;
    advance(conn, 12);
    assert_int_equal(blockStats(busy, "xvda").wr_req, 12);
    /* a reboot: a new incarnation, the rates of the config (not the event's) */
    assert_int_equal(virDomainReboot(busy, 0), 0);
    assert_int_equal(blockStats(busy, "xvda").wr_req, 0);
    advance(conn, 2);
    assert_int_equal(blockStats(busy, "xvda").rd_req, 6);
    assert_int_equal(ifStats(busy, "vif1.0").tx_bytes, 1000);
    /* save and restore: a new boot too, as on Xen */
    assert_int_equal(virDomainSave(busy, path), 0);
    virDomainFree(busy);
    assert_int_equal(virDomainRestore(conn, path), 0);
    busy = getDom(conn, "busy");
    assert_int_equal(blockStats(busy, "xvda").rd_req, 0);
    advance(conn, 1);
    assert_int_equal(blockStats(busy, "xvda").rd_req, 3);
    /* destroy and start again */
    assert_int_equal(virDomainDestroy(busy), 0);
    busy = getDom(conn, "busy");
    assert_int_equal(virDomainCreate(busy), 0);
    assert_int_equal(blockStats(busy, "xvda").rd_req, 0);
    virDomainFree(busy);
    virConnectClose(conn);
    removeTemp(dir, path);
}

static void
test_stats_of_inactive_domain_are_operation_invalid(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr off = getDom(conn, "off");
    virDomainBlockStatsStruct bst;
    virDomainInterfaceStatsStruct ist;

    (void)state;
    assert_int_equal(virDomainBlockStats(off, "xvda", &bst, sizeof(bst)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    /* the state is checked before the device, as libvirt does */
    assert_int_equal(virDomainBlockStats(off, "nosuchdisk", &bst, sizeof(bst)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    assert_int_equal(virDomainInterfaceStats(off, "vif1.0", &ist, sizeof(ist)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    virDomainFree(off);
    virConnectClose(conn);
}

static void
test_short_stats_structures_get_their_size_only(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy");
    virDomainBlockStatsStruct bst;
    virDomainInterfaceStatsStruct ist;

    (void)state;
    advance(conn, 1);
    memset(&bst, 0x5a, sizeof(bst));
    assert_int_equal(virDomainBlockStats(busy, "xvda", &bst, 2 * sizeof(long long)), 0);
    assert_int_equal(bst.rd_req, 3);
    assert_int_equal(bst.rd_bytes, 1536);
    assert_int_equal(bst.wr_req, 0x5a5a5a5a5a5a5a5aLL);
    memset(&ist, 0x5a, sizeof(ist));
    assert_int_equal(virDomainInterfaceStats(busy, "vif1.0", &ist, sizeof(long long)), 0);
    assert_int_equal(ist.rx_bytes, 1000);
    assert_int_equal(ist.rx_packets, 0x5a5a5a5a5a5a5a5aLL);
    virDomainFree(busy);
    virConnectClose(conn);
}

static void
test_cpu_stats_split_each_pcpus_uptime(void **state)
{
    virConnectPtr conn = openNode(IO);
    unsigned long long c0[4], c1[4], c2[4], c3[4], all[4];
    const unsigned long long s = XV_NS_PER_SEC;

    (void)state;
    advance(conn, 10);
    cpuStats(conn, 0, c0);
    cpuStats(conn, 1, c1);
    cpuStats(conn, 2, c2);
    cpuStats(conn, 3, c3);
    cpuStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, all);
    /* pCPU 0 runs 1.5 vcpus' worth: busy all the time, a tenth of it kernel */
    assert_int_equal(c0[0], 9 * s);
    assert_int_equal(c0[1], 1 * s);
    assert_int_equal(c0[2], 0);
    assert_int_equal(c0[3], 0);
    /* pCPU 1: nothing placed there; pCPU 3: a paused domain's vcpu */
    assert_int_equal(c1[2], 10 * s);
    assert_int_equal(c3[2], 10 * s);
    assert_int_equal(c1[0] + c1[1] + c3[0] + c3[1], 0);
    /* pCPU 2: one vcpu at 0.25 */
    assert_int_equal(c2[0], 2250000000ULL);
    assert_int_equal(c2[1], 250000000ULL);
    assert_int_equal(c2[2], 7500000000ULL);
    assert_int_equal(all[0], c0[0] + c1[0] + c2[0] + c3[0]);
    assert_int_equal(all[1], c0[1] + c1[1] + c2[1] + c3[1]);
    assert_int_equal(all[2], c0[2] + c1[2] + c2[2] + c3[2]);
    assert_int_equal(all[0] + all[1] + all[2] + all[3], 4 * 10 * s);
    virConnectClose(conn);
}

static void
test_cpu_stats_follow_pauses_and_pinning_without_going_back(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr light = getDom(conn, "light");
    unsigned long long before[4], after[4], c1[4];
    unsigned char map = 1 << 1;
    int i;

    (void)state;
    advance(conn, 4);
    cpuStats(conn, 2, before);
    assert_int_equal(virDomainSuspend(light), 0);
    advance(conn, 4);
    cpuStats(conn, 2, after);
    /* paused: pCPU 2 only idles */
    assert_int_equal(after[0], before[0]);
    assert_int_equal(after[2], before[2] + 4 * XV_NS_PER_SEC);
    assert_int_equal(virDomainResume(light), 0);
    /* moved to pCPU 1: pCPU 2 keeps what it had, pCPU 1 starts counting */
    assert_int_equal(virDomainPinVcpu(light, 0, &map, 1), 0);
    advance(conn, 4);
    cpuStats(conn, 2, after);
    cpuStats(conn, 1, c1);
    assert_int_equal(after[0], before[0]);
    assert_int_equal(c1[0] + c1[1], XV_NS_PER_SEC);
    for (i = 0; i < 4; i++)
        assert_true(after[i] >= before[i]);
    virDomainFree(light);
    virConnectClose(conn);
}

static void
test_cpu_stats_count_query_and_short_arrays(void **state)
{
    virConnectPtr conn = openNode(IO);
    virNodeCPUStats params[4];
    int n = 0;

    (void)state;
    assert_int_equal(virNodeGetCPUStats(conn, 0, NULL, &n, 0), 0);
    assert_int_equal(n, 4);
    /* an array of none gets none, as from libvirt's test driver */
    n = 0;
    assert_int_equal(virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0), 0);
    assert_int_equal(n, 0);
    n = 2;
    advance(conn, 1);
    assert_int_equal(virNodeGetCPUStats(conn, 0, params, &n, 0), 0);
    assert_int_equal(n, 2);
    assert_string_equal(params[0].field, "user");
    assert_string_equal(params[1].field, "kernel");
    n = 4;
    assert_int_equal(virNodeGetCPUStats(conn, 4, params, &n, 0), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "cpuNum 4 in virNodeGetCPUStats is past the "
                      "node's 4 CPUs");
    assert_int_equal(virNodeGetCPUStats(conn, 0, params, &n, 1), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "unsupported flags (0x1)");
    virConnectClose(conn);
}

static void
test_stats_calls_honour_injected_faults(void **state)
{
    virConnectPtr conn = openNode(IO);
    virDomainPtr busy = getDom(conn, "busy"), light = getDom(conn, "light");
    virDomainBlockStatsStruct bst;
    virDomainInterfaceStatsStruct ist;
    virNodeCPUStats params[4];
    int n = 4;

    (void)state;
    /* before their window, the faults do nothing */
    assert_int_equal(virDomainBlockStats(busy, "xvda", &bst, sizeof(bst)), 0);
    advance(conn, 100);
    /* the block fault names 'busy': 'light' fails for want of a disk only */
    assert_int_equal(virDomainBlockStats(light, "xvda", &bst, sizeof(bst)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: xvda");
    assert_int_equal(virDomainBlockStats(busy, "xvda", &bst, sizeof(bst)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED,
                      "injected fault: virDomainBlockStats failed for domain 'busy'");
    assert_int_equal(virDomainInterfaceStats(busy, "vif1.0", &ist, sizeof(ist)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "injected fault: virDomainInterfaceStats");
    assert_int_equal(virNodeGetCPUStats(conn, 0, params, &n, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "injected fault: virNodeGetCPUStats");
    /* count='1': all work again */
    assert_int_equal(virDomainBlockStats(busy, "xvda", &bst, sizeof(bst)), 0);
    assert_int_equal(virDomainInterfaceStats(busy, "vif1.0", &ist, sizeof(ist)), 0);
    assert_int_equal(virNodeGetCPUStats(conn, 0, params, &n, 0), 0);
    virDomainFree(busy);
    virDomainFree(light);
    virConnectClose(conn);
}

static void
test_default_node_does_steady_io_on_libvirts_devices(void **state)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr dom;
    virDomainBlockStatsStruct a, b;
    virDomainInterfaceStatsStruct ia, ib;

    (void)state;
    assert_non_null(conn);
    dom = getDom(conn, "test");
    a = blockStats(dom, "vda");
    ia = ifStats(dom, "testnet0");
    advance(conn, 1);
    b = blockStats(dom, "vda");
    ib = ifStats(dom, "aa:bb:cc:dd:ee:ff");
    assert_true(b.rd_bytes > a.rd_bytes && b.wr_bytes > a.wr_bytes);
    assert_true(ib.rx_bytes > ia.rx_bytes && ib.tx_packets > ia.tx_packets);
    assert_int_equal(blockStats(dom, "/guest/diskimage1").rd_req, b.rd_req);
    virDomainFree(dom);
    virConnectClose(conn);
}

static void
test_io_settings_and_events_are_checked_precisely(void **state)
{
    static const struct {
        const char *xml;
        const char *error;
    } cases[] = {
        { "<xvirt:io rd-bytes='1'/>", "<xvirt:io>: missing attribute 'device'" },
        { "<xvirt:io device='xvdq' rd-bytes='1'/>",
          "<xvirt:io>: device 'xvdq' is not the target dev of a disk of the domain" },
        { "<xvirt:io device='xvda' rx-bytes='1'/>",
          "device 'xvda' is not the target dev of an interface of the domain" },
        { "<xvirt:io device='xvda' rd_bytes='1'/>", "unknown attribute 'rd_bytes'" },
        { "<xvirt:io device='xvda' rd-bytes='-1'/>",
          "attribute 'rd-bytes' ('-1') must be a number from 0 to 9223372036854775807" },
        { "<xvirt:io device='xvda' rd-bytes='1' tx-bytes='2'/>",
          "attribute 'tx-bytes' is an interface's and a disk's rate at once" },
        { "<xvirt:io device='xvda'/><xvirt:io device='xvda' errs='1'/>",
          "device 'xvda' already has its rates" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *node, *uri;
        virConnectPtr conn;
        char *dir = NULL, *path = tempFile(&dir, "node.xml");

        assert_true(asprintf(&node,
                             "<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'>"
                             "<domain type='xen'><name>d</name><memory>1024</memory>"
                             "<os><type>linux</type><kernel>/k</kernel></os><devices>"
                             "<disk type='file'><source file='/f'/><target dev='xvda'/></disk>"
                             "</devices>%s</domain></node>", cases[i].xml) > 0);
        writeFile(path, node);
        assert_true(asprintf(&uri, "test://%s", path) > 0);
        conn = virConnectOpen(uri);
        if (conn)
            fail_msg("case %zu was accepted", i);
        xvTestAssertError(VIR_ERR_XML_ERROR, cases[i].error);
        free(uri);
        free(node);
        removeTemp(dir, path);
    }
}

static void
test_io_events_are_checked_precisely(void **state)
{
    static const struct {
        const char *xml;
        const char *error;
    } cases[] = {
        { "<xvirt:io at='1' domain='d' rd-bytes='1'/>", "line 1: <xvirt:io>: missing "
          "attribute 'device'" },
        { "<xvirt:io at='1' domain='d' device='x' bogus='1'/>", "unknown attribute 'bogus'" },
        { "<xvirt:io at='1' device='x' rd-bytes='1'/>", "missing attribute 'domain'" },
        { "<event at='1' domain='d' device='x'/>", "<event>: missing attribute 'type'" },
        { "<event at='1' type='iox' domain='d'/>", "unknown event type 'iox'" },
        { "<xvirt:event at='1' type='io' domain='d' device='x' wr-req='z'/>",
          "attribute 'wr-req' ('z') must be a number" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *node, *uri;
        virConnectPtr conn;
        char *dir = NULL, *path = tempFile(&dir, "node.xml");

        assert_true(asprintf(&node,
                             "<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'>"
                             "<xvirt:events>%s</xvirt:events></node>", cases[i].xml) > 0);
        writeFile(path, node);
        assert_true(asprintf(&uri, "test://%s", path) > 0);
        conn = virConnectOpen(uri);
        if (conn)
            fail_msg("case %zu was accepted", i);
        xvTestAssertError(VIR_ERR_XML_ERROR, cases[i].error);
        free(uri);
        free(node);
        removeTemp(dir, path);
    }
}

/* ---- injected faults -------------------------------------------------------------------- */

static void
test_fault_fail_hits_the_named_domain_count_times(void **state)
{
    virConnectPtr conn = openNode(FAULTS);
    virDomainPtr flaky = getDom(conn, "flaky"), slow = getDom(conn, "slow");
    virDomainInfo info;

    (void)state;
    assert_int_equal(virDomainGetInfo(slow, &info), 0);
    assert_int_equal(virDomainGetInfo(flaky, &info), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "injected fault: virDomainGetInfo");
    assert_int_equal(virDomainGetInfo(flaky, &info), -1);
    assert_int_equal(virDomainGetInfo(flaky, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    virDomainFree(flaky);
    virDomainFree(slow);
    virConnectClose(conn);
}

static void
test_fault_fail_holds_only_inside_its_window(void **state)
{
    virConnectPtr conn = openNode(FAULTS);
    int ids[4];

    (void)state;
    assert_int_equal(virConnectListDomains(conn, ids, 4), 2);
    advance(conn, 10);
    assert_int_equal(virConnectListDomains(conn, ids, 4), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "virConnectListDomains");
    advance(conn, 9.5);
    assert_int_equal(virConnectListDomains(conn, ids, 4), -1);
    advance(conn, 0.5);
    assert_int_equal(virConnectListDomains(conn, ids, 4), 2);
    virConnectClose(conn);
}

typedef struct {
    virDomainPtr dom;
    double seconds;
    int ret;
} hangCall;

static void *
hangThread(void *opaque)
{
    hangCall *call = opaque;
    virVcpuInfo vcpus[2];
    uint64_t start;

    start = xvClockMonoNs();
    call->ret = virDomainGetVcpus(call->dom, vcpus, 2, NULL, 0);
    call->seconds = elapsedSince(start);
    return NULL;
}

static void
test_fault_hang_delays_the_call_without_blocking_the_node(void **state)
{
    virConnectPtr conn = openNode(FAULTS);
    hangCall call = { .dom = getDom(conn, "slow") };
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    uint64_t start;
    virVcpuInfo vcpus[2];
    pthread_t thread;

    (void)state;
    assert_int_equal(pthread_create(&thread, NULL, hangThread, &call), 0);
    nanosleep(&pause, NULL);
    start = xvClockMonoNs();
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_true(elapsedSince(start) < 0.2);
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_int_equal(call.ret, 2);
    assert_true(call.seconds >= 0.29);
    /* count='1': the next call is quick */
    start = xvClockMonoNs();
    assert_int_equal(virDomainGetVcpus(call.dom, vcpus, 2, NULL, 0), 2);
    assert_true(elapsedSince(start) < 0.2);
    virDomainFree(call.dom);
    virConnectClose(conn);
}

/* ---- scale ---------------------------------------------------------------------------------- */

static void
test_thousand_domain_node_lookups_stay_fast(void **state)
{
    char *dir, *path = tempFile(&dir, "big.xml");
    FILE *fp = fopen(path, "w");
    char uri[4200], name[32], uuid[40];
    uint64_t start;
    virConnectPtr conn;
    int *ids = calloc(1000, sizeof(int));
    int i, round;

    (void)state;
    assert_non_null(fp);
    assert_non_null(ids);
    fputs("<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'>"
          "<xvirt:clock rate='0'/>\n", fp);
    for (i = 0; i < 1000; i++)
        fprintf(fp, "<domain type='xen'><name>vm%04d</name>"
                "<uuid>00000000-0000-4000-8000-%012d</uuid><memory>65536</memory>"
                "<vcpu>2</vcpu><os><type>hvm</type></os></domain>\n", i, i);
    fputs("</node>\n", fp);
    assert_int_equal(fclose(fp), 0);
    snprintf(uri, sizeof(uri), "test://%s", path);
    conn = virConnectOpen(uri);
    assert_non_null(conn);
    assert_int_equal(virConnectNumOfDomains(conn), 1000);
    assert_int_equal(virConnectListDomains(conn, ids, 1000), 1000);
    for (i = 0; i < 1000; i++)
        assert_int_equal(ids[i], i + 1);

    start = xvClockMonoNs();
    for (round = 0; round < 5; round++) {
        for (i = 0; i < 1000; i++) {
            virDomainPtr a, b, c;
            virDomainInfo info;

            snprintf(name, sizeof(name), "vm%04d", i);
            snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012d", i);
            a = virDomainLookupByName(conn, name);
            b = virDomainLookupByID(conn, i + 1);
            c = virDomainLookupByUUIDString(conn, uuid);
            assert_non_null(a);
            assert_non_null(b);
            assert_non_null(c);
            assert_int_equal(virDomainGetID(a), (unsigned int)(i + 1));
            assert_string_equal(virDomainGetName(b), name);
            assert_int_equal(virDomainGetInfo(c, &info), 0);
            virDomainFree(a);
            virDomainFree(b);
            virDomainFree(c);
        }
    }
    /* 15000 lookups + 5000 GetInfo: far below a second when O(1) */
    assert_true(elapsedSince(start) < 2.0);
    free(ids);
    virConnectClose(conn);
    removeTemp(dir, path);
}

/* ---- what-if hooks: a stopped clock, the next instant, events files ------ */

#define WHATIF_NODE(rate, start, events) \
    "<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'>" \
    "<memory>8388608</memory>" \
    "<xvirt:clock rate='" rate "' start='" start "'/>" \
    "<xvirt:events>" events "</xvirt:events>" \
    "<domain type='xen'><name>db</name><uuid>0a0a0a0a-0000-4000-8000-0000000000d1</uuid>" \
    "<memory>1048576</memory><vcpu>2</vcpu><on_crash>preserve</on_crash>" \
    "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>" \
    "<domain type='xen'><name>spare</name><uuid>0a0a0a0a-0000-4000-8000-0000000000d2</uuid>" \
    "<memory>524288</memory><vcpu>1</vcpu>" \
    "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>" \
    "<test:runstate xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>5</test:runstate>" \
    "</domain></node>"

#define EVENTS_DOC(body) \
    "<xvirt:events xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'>" body "</xvirt:events>"

/* A connection to the node @xml written in @dir. */
static virConnectPtr
openTempNode(const char *dir, const char *xml)
{
    char *path = xvTestPathIn(dir, "node.xml");
    char *uri;
    virConnectPtr conn;

    xvTestWriteText(dir, "node.xml", xml);
    assert_true(asprintf(&uri, "test://%s", path) > 0);
    if (!(conn = virConnectOpen(uri)))
        fail_msg("cannot open %s: %s", uri, virGetLastErrorMessage());
    free(uri);
    free(path);
    return conn;
}

static unsigned long long
nowNs(virConnectPtr conn)
{
    unsigned long long ns;

    assert_int_equal(xvTestDriverGetTimeNs(conn, &ns), 0);
    return ns;
}

static void
test_frozen_clock_moves_only_with_the_hook(void **state)
{
    char *dir = xvTestTempDir();
    virConnectPtr conn = openTempNode(dir, WHATIF_NODE("1000", "100",
        "<xvirt:host-used at='150' kib='1024'/><xvirt:crash at='0:03:20' domain='db'/>"));
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    unsigned long long t, due = 0;

    (void)state;
    assert_int_equal(xvTestDriverFreezeClock(conn), 0);
    t = nowNs(conn);
    assert_true(t >= 100000000000ULL && t < 150000000000ULL);
    nanosleep(&pause, NULL);            /* 20 s of the node's time, had it run */
    assert_int_equal(nowNs(conn), t);
    assert_int_equal(xvTestDriverFreezeClock(conn), 0);    /* again: nothing changes */
    assert_int_equal(nowNs(conn), t);
    /* the next instant: host-used at 150 s, then the crash at 0:03:20 */
    assert_int_equal(xvTestDriverNextDueNs(conn, &due), 1);
    assert_int_equal(due, 150000000000ULL);
    advance(conn, (double)(due - t) / 1e9);
    assert_int_equal(nowNs(conn), 150000000000ULL);
    assert_int_equal(xvTestDriverNextDueNs(conn, &due), 1);
    assert_int_equal(due, 200000000000ULL);
    advance(conn, 50);
    assert_int_equal(stateOf(conn, "db"), VIR_DOMAIN_CRASHED);
    /* nothing left */
    due = 7;
    assert_int_equal(xvTestDriverNextDueNs(conn, &due), 0);
    assert_int_equal(due, 7);
    assert_int_equal(xvTestDriverFreezeClock(NULL), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "not a test driver connection");
    virConnectClose(conn);
    xvTestRemoveTree(dir);
}

static void
test_shared_running_clock_cannot_be_frozen(void **state)
{
    char *dir = xvTestTempDir();
    char *node = xvTestPathIn(dir, "node.xml");
    char *journal = xvTestPathIn(dir, "journal");
    char *uri;
    virConnectPtr conn;

    (void)state;
    xvTestWriteText(dir, "node.xml", WHATIF_NODE("1", "0", ""));
    assert_true(asprintf(&uri, "test://%s?journal=%s", node, journal) > 0);
    assert_non_null(conn = virConnectOpen(uri));
    assert_int_equal(xvTestDriverFreezeClock(conn), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "runs at its journal's rate");
    virConnectClose(conn);
    free(uri);
    free(journal);
    free(node);
    xvTestRemoveTree(dir);
}

static void
test_events_file_counts_from_the_nodes_time(void **state)
{
    char *dir = xvTestTempDir();
    virConnectPtr conn = openTempNode(dir, WHATIF_NODE("0", "100", ""));
    char *events = xvTestPathIn(dir, "events.xml");
    unsigned long long free0, due = 0;

    (void)state;
    advance(conn, 50);                  /* the node reads 150 s */
    free0 = virNodeGetFreeMemory(conn);
    assert_int_equal(xvTestDriverNextDueNs(conn, &due), 0);
    xvTestWriteText(dir, "events.xml", EVENTS_DOC(
        "<xvirt:crash at='0:01' domain='db'/>"
        "<xvirt:host-free at='90' drop-kib='1048576'/>"
        "<xvirt:start at='00:00:30.5' domain='spare'/>"));
    assert_int_equal(xvTestDriverAddEvents(conn, events), 0);
    assert_int_equal(xvTestDriverNextDueNs(conn, &due), 1);
    assert_int_equal(due, 180500000000ULL);
    advance(conn, 30.5);
    assert_int_equal(stateOf(conn, "spare"), VIR_DOMAIN_RUNNING);
    assert_int_equal(virNodeGetFreeMemory(conn), free0 - 524288ULL * 1024);
    advance(conn, 29.5);                /* 210 s: 0:01 after the file came */
    assert_int_equal(stateOf(conn, "db"), VIR_DOMAIN_CRASHED);
    advance(conn, 30);                  /* 240 s: the host takes 1 GiB more */
    assert_int_equal(virNodeGetFreeMemory(conn), free0 - (524288ULL + 1048576) * 1024);
    /* events at 0 are due at once */
    xvTestWriteText(dir, "events.xml", EVENTS_DOC("<xvirt:destroy domain='spare'/>"));
    assert_int_equal(xvTestDriverAddEvents(conn, events), 0);
    assert_int_equal(stateOf(conn, "spare"), VIR_DOMAIN_SHUTOFF);
    free(events);
    virConnectClose(conn);
    xvTestRemoveTree(dir);
}

static void
test_bad_events_file_adds_nothing_and_names_the_line(void **state)
{
    static const struct {
        const char *doc;
        int code;
        const char *message;
    } bad[] = {
        { "<events/>", VIR_ERR_XML_ERROR, "the root element must be <events> in the namespace" },
        { EVENTS_DOC("<xvirt:crash at='60' domain='db'/>\n<xvirt:crash at='1:60' domain='db'/>"),
          VIR_ERR_XML_ERROR, "line 2: <xvirt:crash>: attribute 'at' ('1:60') must be a number "
          "of seconds or H:MM[:SS]" },
        { EVENTS_DOC("<xvirt:start at='1' domain='nosuch'/>"), VIR_ERR_XML_ERROR,
          "<xvirt:start>: no domain named 'nosuch' in the node" },
        { EVENTS_DOC("<xvirt:host-free kib='1' drop-kib='2'/>"), VIR_ERR_XML_ERROR,
          "give 'kib' (the free memory then) or 'drop-kib' (how much it falls), not both" },
        { EVENTS_DOC("<xvirt:host-free drop-kib='-2'/>"), VIR_ERR_XML_ERROR,
          "attribute 'drop-kib' must be a number of KiB" },
        { EVENTS_DOC("<xvirt:crash at='1' domain='db'/><xvirt:fault call='virNoSuchCall' "
                     "mode='fail'/>"), VIR_ERR_XML_ERROR, "must name a public call" },
        { "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", VIR_ERR_XML_ERROR, "document type" },
    };
    char *dir = xvTestTempDir();
    virConnectPtr conn = openTempNode(dir, WHATIF_NODE("0", "0", ""));
    char *events = xvTestPathIn(dir, "events.xml");
    unsigned long long due;
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        xvTestWriteText(dir, "events.xml", bad[i].doc);
        if (xvTestDriverAddEvents(conn, events) != -1)
            fail_msg("accepted: %s", bad[i].doc);
        xvTestAssertError(bad[i].code, bad[i].message);
        if (!strstr(virGetLastErrorMessage(), "events '"))
            fail_msg("%s: %s", bad[i].doc, virGetLastErrorMessage());
        assert_int_equal(xvTestDriverNextDueNs(conn, &due), 0);    /* nothing added */
    }
    assert_int_equal(xvTestDriverAddEvents(conn, "events.xml"), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "absolute path");
    free(events);
    events = xvTestPathIn(dir, "none.xml");
    assert_int_equal(xvTestDriverAddEvents(conn, events), -1);
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "none.xml");
    free(events);
    virConnectClose(conn);
    xvTestRemoveTree(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_uri_is_libvirts_default_node),
    cmocka_unit_test(test_node_file_reports_its_hypervisor_version),
    cmocka_unit_test(test_missing_node_file_is_open_failed),
    cmocka_unit_test(test_malformed_node_file_is_xml_error),
    cmocka_unit_test(test_test_uri_with_host_or_relative_path_is_rejected),
    cmocka_unit_test(test_other_scheme_is_left_to_other_drivers),
    cmocka_unit_test(test_connections_to_one_uri_share_the_node),
    cmocka_unit_test(test_paths_naming_one_file_share_the_node),
    cmocka_unit_test(test_domain_handles_keep_the_node_after_close),
    cmocka_unit_test(test_read_only_connection_refuses_changes),
    cmocka_unit_test(test_lookups_by_id_name_and_uuid_agree),
    cmocka_unit_test(test_failed_lookups_are_no_domain),
    cmocka_unit_test(test_lists_give_ascending_ids_and_sorted_names),
    cmocka_unit_test(test_define_create_destroy_undefine_cycle),
    cmocka_unit_test(test_ids_are_never_reused),
    cmocka_unit_test(test_create_of_running_domain_is_operation_invalid),
    cmocka_unit_test(test_destroy_of_inactive_domain_is_operation_invalid),
    cmocka_unit_test(test_suspend_and_resume_check_the_state),
    cmocka_unit_test(test_undefine_of_running_domain_makes_it_transient),
    cmocka_unit_test(test_create_linux_starts_a_transient_domain),
    cmocka_unit_test(test_create_linux_clashes_are_dom_exist),
    cmocka_unit_test(test_create_linux_of_defined_domain_runs_the_given_config_once),
    cmocka_unit_test(test_define_clashes_are_dom_exist),
    cmocka_unit_test(test_define_of_inactive_domain_replaces_its_config),
    cmocka_unit_test(test_define_of_running_domain_applies_at_next_start),
    cmocka_unit_test(test_define_makes_a_transient_domain_persistent),
    cmocka_unit_test(test_shutdown_without_delay_powers_off_at_once),
    cmocka_unit_test(test_shutdown_delay_keeps_the_domain_shutting_down),
    cmocka_unit_test(test_destroy_during_shutdown_delay_cancels_it),
    cmocka_unit_test(test_ignore_shutdown_keeps_the_guest_running),
    cmocka_unit_test(test_poweroff_restart_action_gives_a_new_id),
    cmocka_unit_test(test_reboot_restarts_with_new_id_and_fresh_cpu_time),
    cmocka_unit_test(test_reboot_destroy_action_powers_off),
    cmocka_unit_test(test_shutdown_of_paused_domain_is_operation_invalid),
    cmocka_unit_test(test_crash_with_destroy_stops_the_domain),
    cmocka_unit_test(test_crash_with_restart_gives_new_id_and_fresh_cpu_time),
    cmocka_unit_test(test_crash_with_preserve_keeps_a_crashed_domain_until_destroyed),
    cmocka_unit_test(test_crash_of_transient_domain_makes_it_vanish),
    cmocka_unit_test(test_vcpu_load_events_change_cpu_time),
    cmocka_unit_test(test_guest_shutdown_event_goes_through_the_shutdown_delay),
    cmocka_unit_test(test_guest_reboot_event_restarts_the_domain),
    cmocka_unit_test(test_start_event_runs_a_defined_domain_from_its_time),
    cmocka_unit_test(test_destroy_event_stops_a_domain_and_a_later_start_gives_a_new_id),
    cmocka_unit_test(test_destroy_event_of_a_transient_domain_makes_it_vanish),
    cmocka_unit_test(test_memory_demand_and_host_use_are_visible_through_hooks),
    cmocka_unit_test(test_initial_memory_demand_comes_from_the_domain),
    cmocka_unit_test(test_paused_domain_does_not_accumulate_cpu_time),
    cmocka_unit_test(test_inactive_domain_info_is_shutoff_with_zero_cpu_time),
    cmocka_unit_test(test_set_memory_changes_current_memory_up_to_the_maximum),
    cmocka_unit_test(test_live_changes_leave_the_persistent_config_alone),
    cmocka_unit_test(test_set_memory_of_inactive_domain_changes_its_config),
    cmocka_unit_test(test_set_max_memory_lowers_current_memory),
    cmocka_unit_test(test_set_vcpus_range_and_offline_vcpus),
    cmocka_unit_test(test_get_vcpus_reports_every_vcpu_with_placement_and_affinity),
    cmocka_unit_test(test_pinning_shows_in_cpumaps_and_placement),
    cmocka_unit_test(test_pin_vcpu_beyond_the_domain_is_invalid_arg),
    cmocka_unit_test(test_vcpu_calls_on_inactive_domain_are_operation_invalid),
    cmocka_unit_test(test_xml_desc_has_the_live_id_only_when_active),
    cmocka_unit_test(test_save_writes_our_format_and_stops_the_domain),
    cmocka_unit_test(test_restore_brings_back_memory_cpu_time_with_a_new_id),
    cmocka_unit_test(test_restore_keeps_a_paused_domain_paused),
    cmocka_unit_test(test_restore_over_an_active_domain_is_dom_exist),
    cmocka_unit_test(test_saved_transient_domain_vanishes_and_comes_back),
    cmocka_unit_test(test_restore_of_bad_files_names_file_and_problem),
    cmocka_unit_test(test_restore_reads_the_state_line_strictly),
    cmocka_unit_test(test_save_parse_buffer_bounds),
    cmocka_unit_test(test_save_to_an_unwritable_place_keeps_the_domain_running),
    cmocka_unit_test(test_free_memory_is_node_memory_less_active_domains),
    cmocka_unit_test(test_set_memory_moves_free_memory_both_ways),
    cmocka_unit_test(test_starting_and_stopping_domains_moves_free_memory),
    cmocka_unit_test(test_host_free_and_host_used_events_script_free_memory_over_time),
    cmocka_unit_test(test_no_free_memory_is_operation_failed),
    cmocka_unit_test(test_memory_stats_without_demand_is_the_balloon_only),
    cmocka_unit_test(test_memory_stats_with_demand_report_what_the_guest_leaves),
    cmocka_unit_test(test_memory_stats_follow_memory_demand_events),
    cmocka_unit_test(test_memory_stats_truncate_to_nr_stats_keeping_the_lowest_tags),
    cmocka_unit_test(test_memory_stats_of_inactive_domain_is_operation_invalid),
    cmocka_unit_test(test_memory_calls_work_on_read_only_connections),
    cmocka_unit_test(test_memory_calls_honour_injected_faults),
    cmocka_unit_test(test_block_stats_integrate_the_scripted_rates),
    cmocka_unit_test(test_block_stats_find_a_disk_by_target_or_unambiguous_source),
    cmocka_unit_test(test_interface_stats_are_the_guests_view_by_target_or_mac),
    cmocka_unit_test(test_io_counters_keep_fractions_and_stop_while_paused),
    cmocka_unit_test(test_io_counters_restart_from_zero_on_every_boot),
    cmocka_unit_test(test_stats_of_inactive_domain_are_operation_invalid),
    cmocka_unit_test(test_short_stats_structures_get_their_size_only),
    cmocka_unit_test(test_cpu_stats_split_each_pcpus_uptime),
    cmocka_unit_test(test_cpu_stats_follow_pauses_and_pinning_without_going_back),
    cmocka_unit_test(test_cpu_stats_count_query_and_short_arrays),
    cmocka_unit_test(test_stats_calls_honour_injected_faults),
    cmocka_unit_test(test_default_node_does_steady_io_on_libvirts_devices),
    cmocka_unit_test(test_io_settings_and_events_are_checked_precisely),
    cmocka_unit_test(test_io_events_are_checked_precisely),
    cmocka_unit_test(test_fault_fail_hits_the_named_domain_count_times),
    cmocka_unit_test(test_fault_fail_holds_only_inside_its_window),
    cmocka_unit_test(test_fault_hang_delays_the_call_without_blocking_the_node),
    cmocka_unit_test(test_thousand_domain_node_lookups_stay_fast),
    cmocka_unit_test(test_stopped_event_id_is_libvirts),
    cmocka_unit_test(test_frozen_clock_moves_only_with_the_hook),
    cmocka_unit_test(test_shared_running_clock_cannot_be_frozen),
    cmocka_unit_test(test_events_file_counts_from_the_nodes_time),
    cmocka_unit_test(test_bad_events_file_adds_nothing_and_names_the_line),
};

int
main(void)
{
    xvTestApplyFilter();
    virSetErrorFunc(NULL, xvTestQuietErrors);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
