/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_node_test.c: white-box tests of the test driver's node model
 * (lib/test/test_node*.c): node XML loading, validation, clock and events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "test/test_node.h"
#include "util/xvclock.h"
#include "util/xvuuid.h"
#include "xvtest.h"

#define NODE_HEAD \
    "<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0' " \
    "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"

#define DOMAIN(name, uuidTail, extra) \
    "<domain type='test'><name>" name "</name>" \
    "<uuid>99999999-0000-4000-8000-" uuidTail "</uuid>" \
    "<memory>65536</memory><vcpu>2</vcpu><os><type>hvm</type></os>" extra "</domain>\n"

/* The last error must have @code and a message containing @substr. */
/* Loading @xml must fail with VIR_ERR_XML_ERROR naming @substr. */
static void
assertBadNode(const char *xml, const char *substr)
{
    xvTestNode *node;

    virResetLastError();
    node = xvTestNodeLoadString(xml, "bad.xml", NULL);
    if (node) {
        xvTestNodeFree(node);
        fail_msg("node loaded, but should fail with '%s'", substr);
    }
    xvTestAssertError(VIR_ERR_XML_ERROR, substr);
    assert_non_null(strstr(virGetLastError()->message, "bad.xml"));
}

static xvTestNode *
loadString(const char *xml)
{
    xvTestNode *node = xvTestNodeLoadString(xml, "inline.xml", NULL);

    if (!node)
        fail_msg("cannot load node: %s", virGetLastErrorMessage());
    return node;
}

/* The definition @xml of a domain of type 'test'; the test fails if it
 * does not parse. */
static xvDomainDef *
parseDef(const char *xml)
{
    xvDomainDef *def = xvDomainDefParseString(xml, (const char *const[]){ "test", NULL });

    if (!def)
        fail_msg("%s", virGetLastErrorMessage());
    return def;
}

/* Brings the node's clock to now and fires due events. */
static void
tick(xvTestNode *node)
{
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL), 0);
    xvTestNodeEnd(node);
}

static uint64_t
cpuTime(xvTestNode *node, const char *name)
{
    xvTestDom *dom;
    uint64_t t;

    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL), 0);
    dom = xvTestNodeFindByName(node, name);
    assert_non_null(dom);
    t = xvTestDomCpuTimeNs(node, dom);
    xvTestNodeEnd(node);
    return t;
}

/* ---- the built-in node -------------------------------------------------- */

static void
test_default_node_has_libvirt_host_values(void **state)
{
    xvTestNode *node = xvTestNodeLoadDefault();

    (void)state;
    assert_non_null(node);
    assert_string_equal(node->model, "i686");
    assert_int_equal(node->mhz, 1400);
    assert_int_equal(node->cpus, 16);
    assert_int_equal(node->nodes, 2);
    assert_int_equal(node->sockets, 2);
    assert_int_equal(node->cores, 2);
    assert_int_equal(node->threads, 2);
    assert_int_equal(node->memoryKiB, 3145728);
    assert_int_equal(node->maxCpus, 16);
    assert_int_equal(node->maplen, 2);
    assert_int_equal(node->hvVersion, 2);
    assert_null(node->path);
    xvTestNodeFree(node);
}

static void
test_default_node_runs_domain_test_with_id_1(void **state)
{
    xvTestNode *node = xvTestNodeLoadDefault();
    unsigned char uuid[16];
    xvTestDom *dom;

    (void)state;
    assert_non_null(node);
    assert_int_equal(node->ndomains, 1);
    assert_int_equal(node->nactive, 1);
    dom = xvTestNodeFindByID(node, 1);
    assert_non_null(dom);
    assert_ptr_equal(dom, xvTestNodeFindByName(node, "test"));
    assert_int_equal(xvUUIDParse("6695eb01-f6a4-8304-79aa-97f2502e193f", uuid), 0);
    assert_ptr_equal(dom, xvTestNodeFindByUUID(node, uuid));
    assert_true(dom->persistent);
    assert_int_equal(dom->state, VIR_DOMAIN_RUNNING);
    assert_int_equal(dom->def->maxMemKiB, 8388608);
    assert_int_equal(dom->def->memKiB, 2097152);
    assert_int_equal(dom->def->maxVcpus, 2);
    assert_int_equal(dom->def->vcpus, 2);
    assert_string_equal(dom->def->os.type, "hvm");
    assert_int_equal(dom->def->ndisks, 1);
    assert_string_equal(dom->def->disks[0].source, "/guest/diskimage1");
    assert_string_equal(dom->def->disks[0].target, "vda");
    assert_int_equal(dom->def->nnets, 1);
    assert_string_equal(dom->def->nets[0].mac, "aa:bb:cc:dd:ee:ff");
    assert_string_equal(dom->def->nets[0].source, "default");
    assert_string_equal(dom->def->nets[0].target, "testnet0");
    assert_int_equal(node->nextID, 2);
    xvTestNodeFree(node);
}

/* ---- node files ----------------------------------------------------------- */

static void
test_file_node_reads_cpu_memory_and_hypervisor(void **state)
{
    xvTestNode *node = xvTestNodeLoadFile(xvTestDataPath("test_driver/node-basic.xml"));

    (void)state;
    if (!node)
        fail_msg("%s", virGetLastErrorMessage());
    assert_string_equal(node->model, "x86_64");
    assert_int_equal(node->mhz, 2400);
    assert_int_equal(node->cpus, 6);
    assert_int_equal(node->maxCpus, 8);
    assert_int_equal(node->maplen, 1);
    assert_int_equal(node->memoryKiB, 8388608);
    assert_int_equal(node->hvVersion, 4017000);
    assert_string_equal(node->hvType, "Xen");
    assert_string_equal(node->path, xvTestDataPath("test_driver/node-basic.xml"));
    xvTestNodeFree(node);
}

static void
test_file_node_loads_inline_and_file_domains_in_order(void **state)
{
    xvTestNode *node = xvTestNodeLoadFile(xvTestDataPath("test_driver/node-basic.xml"));
    xvTestDom *alpha, *beta, *gamma, *delta;

    (void)state;
    if (!node)
        fail_msg("%s", virGetLastErrorMessage());
    assert_int_equal(node->ndomains, 4);
    assert_int_equal(node->nactive, 3);
    alpha = xvTestNodeFindByName(node, "alpha");
    beta = xvTestNodeFindByName(node, "beta");
    gamma = xvTestNodeFindByName(node, "gamma");
    delta = xvTestNodeFindByName(node, "delta");
    assert_non_null(alpha);
    assert_non_null(beta);
    assert_non_null(gamma);
    assert_non_null(delta);
    /* running ones numbered in document order; runstate 5 stays defined */
    assert_int_equal(alpha->id, 1);
    assert_int_equal(beta->id, 2);
    assert_int_equal(gamma->id, -1);
    assert_int_equal(gamma->state, VIR_DOMAIN_SHUTOFF);
    assert_true(gamma->persistent);
    assert_int_equal(delta->id, 3);
    assert_int_equal(delta->state, VIR_DOMAIN_PAUSED);
    assert_ptr_equal(node->domains, alpha);
    assert_string_equal(beta->def->os.cmdline, "console=hvc0");
    assert_int_equal(beta->def->memKiB, 786432);
    assert_int_equal(beta->nvcpus, 4);
    assert_int_equal(beta->def->vcpus, 2);
    xvTestNodeFree(node);
}

static void
test_file_domain_settings_come_from_its_xvirt_elements(void **state)
{
    xvTestNode *node = xvTestNodeLoadFile(xvTestDataPath("test_driver/node-basic.xml"));
    xvTestDom *beta;

    (void)state;
    if (!node)
        fail_msg("%s", virGetLastErrorMessage());
    beta = xvTestNodeFindByName(node, "beta");
    assert_non_null(beta);
    assert_true(beta->vcpus[0].load == 1.0);
    assert_true(beta->vcpus[1].load == 0.25);
    assert_int_equal(beta->memDemandKiB, 600000);
    assert_int_equal(beta->settings.shutdownDelayNs, 2500000000ULL);
    assert_false(beta->settings.ignoreShutdown);
    xvTestNodeFree(node);
}

static void
test_missing_node_file_is_open_failed_naming_the_path(void **state)
{
    (void)state;
    virResetLastError();
    assert_null(xvTestNodeLoadFile("/nonexistent/xvirt/node.xml"));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "'/nonexistent/xvirt/node.xml'");
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "No such file");
}

static void
test_node_file_that_is_not_a_regular_file_is_open_failed(void **state)
{
    char *dir = xvTestTempDir();
    char *fifo = xvTestPathIn(dir, "node.xml");

    (void)state;
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* a FIFO without a writer: refused, not waited on */
    assert_null(xvTestNodeLoadFile(fifo));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "not a regular file (a FIFO)");
    assert_null(xvTestNodeLoadFile(dir));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "not a regular file (a directory)");
    /* a device would be read without end */
    assert_null(xvTestNodeLoadFile("/dev/zero"));
    xvTestAssertError(VIR_ERR_OPEN_FAILED, "not a regular file (a character device)");
    free(fifo);
    xvTestRemoveTree(dir);
}

static void
test_malformed_node_file_is_xml_error_with_line(void **state)
{
    (void)state;
    virResetLastError();
    assert_null(xvTestNodeLoadFile(xvTestDataPath("test_driver/node-malformed.xml")));
    xvTestAssertError(VIR_ERR_XML_ERROR, "node-malformed.xml");
    xvTestAssertError(VIR_ERR_XML_ERROR, "line 6");
}

static void
test_missing_domain_file_names_it(void **state)
{
    (void)state;
    virResetLastError();
    assert_null(xvTestNodeLoadFile(xvTestDataPath("test_driver/node-missing-file.xml")));
    xvTestAssertError(VIR_ERR_XML_ERROR, "no-such-domain.xml");
    xvTestAssertError(VIR_ERR_XML_ERROR, "<domain>");
}

/* ---- validation ------------------------------------------------------------ */

static void
test_wrong_root_element_is_rejected(void **state)
{
    (void)state;
    assertBadNode("<host/>", "<node>");
}

static void
test_zero_cpu_value_names_its_element(void **state)
{
    (void)state;
    assertBadNode("<node><cpu><mhz>0</mhz></cpu></node>", "<mhz>");
    assertBadNode("<node><cpu><sockets>two</sockets></cpu></node>", "<sockets>");
    assertBadNode("<node><memory>-5</memory></node>", "<memory>");
}

static void
test_more_active_cpus_than_topology_is_rejected(void **state)
{
    (void)state;
    assertBadNode("<node><cpu><active>9</active><nodes>1</nodes><sockets>1</sockets>"
                  "<cores>4</cores><threads>2</threads></cpu></node>",
                  "9 active CPUs are more than the 8");
}

static void
test_long_cpu_model_is_rejected(void **state)
{
    (void)state;
    assertBadNode("<node><cpu><model>0123456789012345678901234567890123</model></cpu></node>",
                  "<model>");
}

static void
test_duplicate_domain_name_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD DOMAIN("twin", "000000000001", "")
                  DOMAIN("twin", "000000000002", "") "</node>",
                  "duplicate domain name 'twin'");
}

static void
test_duplicate_domain_uuid_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD DOMAIN("one", "000000000001", "")
                  DOMAIN("two", "000000000001", "") "</node>",
                  "duplicate domain uuid '99999999-0000-4000-8000-000000000001'");
}

static void
test_bad_domain_reports_node_line_and_conf_reason(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD "<domain type='test'><memory>1024</memory></domain></node>",
                  "line 2");
    assertBadNode(NODE_HEAD "<domain type='kvm'><name>k</name><memory>1024</memory>"
                  "<os><type>hvm</type></os></domain></node>", "kvm");
}

static void
test_bad_runstate_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD DOMAIN("r", "000000000001", "<test:runstate>9</test:runstate>")
                  "</node>", "<test:runstate>");
}

static void
test_relative_domain_file_needs_a_node_file(void **state)
{
    (void)state;
    assertBadNode("<node><domain file='x.xml'/></node>", "needs a node file");
}

static void
test_unknown_xvirt_node_element_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD "<xvirt:weather/></node>", "<xvirt:weather>");
}

static void
test_undeclared_xvirt_prefix_is_an_xml_error(void **state)
{
    (void)state;
    assertBadNode("<node><xvirt:clock rate='0'/></node>", "xvirt");
}

static void
test_bad_hypervisor_version_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD "<xvirt:hypervisor version='4.x'/></node>", "<xvirt:hypervisor>");
    assertBadNode(NODE_HEAD "<xvirt:hypervisor version='4.1000.0'/></node>", "4.1000.0");
}

static void
test_unknown_domain_xvirt_element_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD DOMAIN("d", "000000000001", "<xvirt:turbo/>") "</node>",
                  "domain 'd': <xvirt:turbo>: unknown element");
}

static void
test_domain_vcpu_load_out_of_range_is_rejected(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD DOMAIN("d", "000000000001",
                                   "<xvirt:vcpu-load vcpu='2' load='0.5'/>") "</node>",
                  "vcpu '2'");
    assertBadNode(NODE_HEAD DOMAIN("d", "000000000001",
                                   "<xvirt:vcpu-load vcpu='all' load='1.5'/>") "</node>",
                  "load '1.5'");
    assertBadNode(NODE_HEAD DOMAIN("d", "000000000001",
                                   "<xvirt:shutdown-delay seconds='-1'/>") "</node>",
                  "<xvirt:shutdown-delay>");
}

static void
test_bad_events_name_their_element(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:explode at='1' domain='x'/>"
                  "</xvirt:events></node>", "<xvirt:explode>");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:crash at='1'/></xvirt:events></node>",
                  "<xvirt:crash>: missing attribute 'domain'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:crash at='soon' domain='x'/>"
                  "</xvirt:events></node>", "attribute 'at'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:host-free at='1' domain='x' kib='5'/>"
                  "</xvirt:events></node>", "no 'domain' attribute");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:host-used at='1' domain='x' kib='5'/>"
                  "</xvirt:events></node>", "<xvirt:host-used>: a host event takes no 'domain'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:host-used at='1' kib='-5'/>"
                  "</xvirt:events></node>", "<xvirt:host-used>: attribute 'kib'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:host-free at='1'/>"
                  "</xvirt:events></node>", "<xvirt:host-free>: attribute 'kib'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:memory-demand domain='x'/>"
                  "</xvirt:events></node>", "attribute 'kib'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:vcpu-load domain='x' vcpu='one' "
                  "load='1'/></xvirt:events></node>", "vcpu 'one'");
}

static void
test_bad_faults_name_their_element(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:fault call='virDomainExplode' "
                  "mode='fail'/></xvirt:events></node>", "virDomainExplode");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:fault call='virDomainGetInfo' "
                  "mode='crash'/></xvirt:events></node>", "'mode'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:fault at='5' until='5' "
                  "call='virDomainGetInfo' mode='fail'/></xvirt:events></node>",
                  "'until' must come after 'at'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:fault call='virDomainGetInfo' "
                  "mode='fail' count='0'/></xvirt:events></node>", "count '0'");
}

static void
test_call_names_map_both_ways(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < XV_TEST_CALL_LAST; i++)
        assert_int_equal(xvTestCallFromString(xvTestCallToString((xvTestCall)i)), i);
    assert_int_equal(xvTestCallFromString("virDomainLookupByUUIDString"),
                     XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID);
    assert_int_equal(xvTestCallFromString("virConnectOpenReadOnly"),
                     XV_TEST_CALL_CONNECT_OPEN);
    assert_int_equal(xvTestCallFromString("virDomainFree"), -1);
}

/* ---- clock and events -------------------------------------------------------- */

static void
test_frozen_clock_only_moves_with_the_hook(void **state)
{
    xvTestNode *node = loadString(NODE_HEAD "<xvirt:clock rate='0' start='100'/>"
                                  DOMAIN("d", "000000000001", "") "</node>");
    struct timespec ts = { 0, 20 * 1000 * 1000 };

    (void)state;
    tick(node);
    assert_int_equal(node->nowNs, 100 * XV_NS_PER_SEC);
    nanosleep(&ts, NULL);
    tick(node);
    assert_int_equal(node->nowNs, 100 * XV_NS_PER_SEC);
    xvTestNodeAdvanceClock(node, 5 * XV_NS_PER_SEC);
    assert_int_equal(node->nowNs, 105 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_start_counts_as_time_already_run(void **state)
{
    xvTestNode *node = loadString(NODE_HEAD "<xvirt:clock rate='0' start='100'/>"
                                  DOMAIN("d", "000000000001", "") "</node>");

    (void)state;
    /* started at time 0 with 2 busy vcpus: 2 x 100 s */
    assert_int_equal(cpuTime(node, "d"), 200 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_fast_clock_runs_rate_times_real_time(void **state)
{
    xvTestNode *node = loadString(NODE_HEAD "<xvirt:clock rate='1000'/></node>");
    struct timespec ts = { 0, 20 * 1000 * 1000 };

    (void)state;
    nanosleep(&ts, NULL);
    tick(node);
    /* 20 ms of real time is at least 20 s here */
    assert_true(node->nowNs >= 20 * XV_NS_PER_SEC);
    assert_true(node->nowNs < 3600 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_real_time_clock_is_the_default(void **state)
{
    xvTestNode *node = loadString(NODE_HEAD "</node>");
    struct timespec ts = { 0, 10 * 1000 * 1000 };

    (void)state;
    assert_true(node->clockRate == 1.0);
    nanosleep(&ts, NULL);
    tick(node);
    assert_true(node->nowNs >= 10 * 1000 * 1000);
    assert_true(node->nowNs < 10 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_events_fire_in_time_order_not_document_order(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:vcpu-load at='20' domain='d' load='1'/>"
        "<xvirt:vcpu-load at='10' domain='d' load='0'/>"
        "</xvirt:events>" DOMAIN("d", "000000000001", "") "</node>");

    (void)state;
    xvTestNodeAdvanceClock(node, 30 * XV_NS_PER_SEC);
    /* busy 0-10 and 20-30, idle in between: 2 vcpus x 20 s */
    assert_int_equal(cpuTime(node, "d"), 40 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_simultaneous_events_keep_document_order(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:vcpu-load at='10' domain='d' load='0.5'/>"
        "<xvirt:vcpu-load at='10' domain='d' vcpu='1' load='0'/>"
        "</xvirt:events>" DOMAIN("d", "000000000001", "") "</node>");

    (void)state;
    xvTestNodeAdvanceClock(node, 20 * XV_NS_PER_SEC);
    /* 0-10: 2 x 10 s; 10-20: vcpu 0 at 0.5 (5 s), vcpu 1 idle */
    assert_int_equal(cpuTime(node, "d"), 25 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_events_fire_at_their_own_time_between_calls(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:crash at='4' domain='d'/>"
        "</xvirt:events>" DOMAIN("d", "000000000001", "<on_crash>preserve</on_crash>")
        "</node>");
    xvTestDom *dom;

    (void)state;
    xvTestNodeAdvanceClock(node, 60 * XV_NS_PER_SEC);
    /* crashed at 4 s, not at the 60 s of the next call */
    assert_int_equal(cpuTime(node, "d"), 8 * XV_NS_PER_SEC);
    dom = xvTestNodeFindByName(node, "d");
    assert_int_equal(dom->state, VIR_DOMAIN_CRASHED);
    assert_int_equal(dom->id, 1);
    xvTestNodeFree(node);
}

static void
test_events_for_unknown_domains_are_ignored(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:crash at='1' domain='ghost'/>"
        "<xvirt:host-free at='2' kib='4096'/>"
        "</xvirt:events></node>");

    (void)state;
    assert_int_equal(node->hostUsedKiB, 0);
    xvTestNodeAdvanceClock(node, 3 * XV_NS_PER_SEC);
    /* the built-in 3145728 KiB, no domain: the host keeps all but 4096 */
    assert_int_equal(node->hostUsedKiB, 3145728 - 4096);
    xvTestNodeFree(node);
}

/* The free memory of @node now (events fired). */
static unsigned long long
freeKiB(xvTestNode *node)
{
    unsigned long long kib;

    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL), 0);
    kib = xvTestNodeFreeKiB(node);
    xvTestNodeEnd(node);
    return kib;
}

static void
test_free_memory_is_node_minus_active_domains_minus_host_use(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<memory>1048576</memory><xvirt:clock rate='0'/>"
        DOMAIN("a", "000000000001", "") DOMAIN("b", "000000000002", "")
        DOMAIN("off", "000000000003", "<test:runstate>5</test:runstate>")
        "<xvirt:events><xvirt:host-used at='1' kib='100000'/></xvirt:events></node>");

    (void)state;
    /* a and b run with 65536 KiB each; off holds nothing */
    assert_int_equal(freeKiB(node), 1048576 - 2 * 65536);
    xvTestNodeAdvanceClock(node, 1 * XV_NS_PER_SEC);
    assert_int_equal(node->hostUsedKiB, 100000);
    assert_int_equal(freeKiB(node), 1048576 - 2 * 65536 - 100000);
    xvTestNodeFree(node);
}

static void
test_host_free_event_sizes_host_use_against_the_domains_of_its_time(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<memory>1048576</memory><xvirt:clock rate='0'/>"
        DOMAIN("a", "000000000001", "") DOMAIN("b", "000000000002", "")
        "<xvirt:events>"
        "<xvirt:host-free at='1' kib='500000'/>"
        "<xvirt:destroy at='2' domain='b'/>"
        "<xvirt:host-free at='3' kib='2000000'/>"
        "<xvirt:host-used at='4' kib='2000000'/>"
        "</xvirt:events></node>");

    (void)state;
    xvTestNodeAdvanceClock(node, 1 * XV_NS_PER_SEC);
    assert_int_equal(freeKiB(node), 500000);
    assert_int_equal(node->hostUsedKiB, 1048576 - 2 * 65536 - 500000);
    /* the host keeps its use: b's memory comes back as free memory */
    xvTestNodeAdvanceClock(node, 1 * XV_NS_PER_SEC);
    assert_int_equal(freeKiB(node), 500000 + 65536);
    /* more free memory than the domains leave: the host uses nothing */
    xvTestNodeAdvanceClock(node, 1 * XV_NS_PER_SEC);
    assert_int_equal(node->hostUsedKiB, 0);
    assert_int_equal(freeKiB(node), 1048576 - 65536);
    /* a host using more than the node has leaves no free memory */
    xvTestNodeAdvanceClock(node, 1 * XV_NS_PER_SEC);
    assert_int_equal(node->hostUsedKiB, 2000000);
    assert_int_equal(freeKiB(node), 0);
    xvTestNodeFree(node);
}

static void
test_largest_host_use_and_host_free_are_clamped(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<memory>1048576</memory><xvirt:clock rate='0'/>"
        DOMAIN("a", "000000000001", "")
        "<xvirt:events><xvirt:host-used kib='9223372036854775807'/>"
        "<xvirt:host-free at='1' kib='9223372036854775807'/></xvirt:events></node>");

    (void)state;
    assert_int_equal(freeKiB(node), 0);
    xvTestNodeAdvanceClock(node, 1 * XV_NS_PER_SEC);
    assert_int_equal(node->hostUsedKiB, 0);
    assert_int_equal(freeKiB(node), 1048576 - 65536);
    xvTestNodeFree(node);
}

static void
test_start_event_of_unknown_domain_is_rejected_at_load(void **state)
{
    (void)state;
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:start at='1' domain='ghost'/>"
                  "</xvirt:events>" DOMAIN("d", "000000000001", "") "</node>",
                  "bad.xml' line 2: <xvirt:start>: no domain named 'ghost' in the node");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:start at='1'/></xvirt:events></node>",
                  "<xvirt:start>: missing attribute 'domain'");
    assertBadNode(NODE_HEAD "<xvirt:events><xvirt:destroy at='1'/></xvirt:events></node>",
                  "<xvirt:destroy>: missing attribute 'domain'");
}

static void
test_start_and_destroy_events_only_touch_domains_in_the_right_state(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:start at='1' domain='d'/>"
        "<xvirt:destroy at='2' domain='e'/>"
        "<xvirt:start at='3' domain='e'/>"
        "<xvirt:destroy at='4' domain='d'/>"
        "<xvirt:destroy at='5' domain='ghost'/>"
        "</xvirt:events>"
        DOMAIN("d", "000000000001", "")
        DOMAIN("e", "000000000002", "<test:runstate>5</test:runstate>") "</node>");
    xvTestDom *d = xvTestNodeFindByName(node, "d");
    xvTestDom *e = xvTestNodeFindByName(node, "e");

    (void)state;
    xvTestNodeAdvanceClock(node, 2 * XV_NS_PER_SEC);
    /* starting a running domain and destroying an inactive one do nothing */
    assert_int_equal(d->id, 1);
    assert_int_equal(d->state, VIR_DOMAIN_RUNNING);
    assert_int_equal(e->id, -1);
    assert_int_equal(e->state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(node->nactive, 1);
    xvTestNodeAdvanceClock(node, XV_NS_PER_SEC);
    assert_int_equal(e->id, 2);
    assert_int_equal(e->state, VIR_DOMAIN_RUNNING);
    assert_int_equal(node->nactive, 2);
    /* a fresh start: no CPU time yet, then 2 busy vcpus */
    assert_int_equal(cpuTime(node, "e"), 0);
    xvTestNodeAdvanceClock(node, XV_NS_PER_SEC);
    assert_int_equal(cpuTime(node, "e"), 2 * XV_NS_PER_SEC);
    /* destroyed at 4 s: a persistent domain stays defined */
    assert_int_equal(d->id, -1);
    assert_int_equal(d->state, VIR_DOMAIN_SHUTOFF);
    assert_ptr_equal(xvTestNodeFindByName(node, "d"), d);
    assert_null(xvTestNodeFindByID(node, 1));
    assert_int_equal(node->nactive, 1);
    assert_int_equal(node->ndomains, 2);
    xvTestNodeAdvanceClock(node, 5 * XV_NS_PER_SEC);
    assert_int_equal(node->ndomains, 2);
    xvTestNodeFree(node);
}

static void
test_destroy_event_cancels_a_pending_shutdown(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:shutdown at='1' domain='d'/>"
        "<xvirt:destroy at='2' domain='d'/>"
        "<xvirt:start at='3' domain='d'/>"
        "</xvirt:events>"
        DOMAIN("d", "000000000001", "<xvirt:shutdown-delay seconds='5'/>") "</node>");
    xvTestDom *d = xvTestNodeFindByName(node, "d");

    (void)state;
    xvTestNodeAdvanceClock(node, XV_NS_PER_SEC);
    assert_int_equal(d->state, VIR_DOMAIN_SHUTDOWN);
    xvTestNodeAdvanceClock(node, XV_NS_PER_SEC);
    assert_int_equal(d->state, VIR_DOMAIN_SHUTOFF);
    xvTestNodeAdvanceClock(node, XV_NS_PER_SEC);
    assert_int_equal(d->state, VIR_DOMAIN_RUNNING);
    assert_int_equal(d->id, 2);
    /* the shutdown begun at 1 s would end at 6 s: it no longer applies */
    xvTestNodeAdvanceClock(node, 7 * XV_NS_PER_SEC);
    assert_int_equal(d->state, VIR_DOMAIN_RUNNING);
    assert_int_equal(d->id, 2);
    assert_int_equal(cpuTime(node, "d"), 14 * XV_NS_PER_SEC);
    xvTestNodeFree(node);
}

static void
test_shutdown_runstate_finishes_after_the_delay(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/>"
        DOMAIN("d", "000000000001",
               "<xvirt:shutdown-delay seconds='3'/><test:runstate>4</test:runstate>")
        "</node>");
    xvTestDom *dom = xvTestNodeFindByName(node, "d");

    (void)state;
    tick(node);
    assert_int_equal(dom->state, VIR_DOMAIN_SHUTDOWN);
    xvTestNodeAdvanceClock(node, 3 * XV_NS_PER_SEC);
    assert_int_equal(dom->state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(dom->id, -1);
    assert_int_equal(node->nactive, 0);
    xvTestNodeFree(node);
}

static void
test_cpuset_sets_the_initial_affinity(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores>"
        "<threads>4</threads></cpu>"
        "<domain type='test'><name>p</name><memory>65536</memory>"
        "<vcpu cpuset='1-3,^2,9'>2</vcpu><os><type>hvm</type></os></domain></node>");
    xvTestDom *dom = xvTestNodeFindByName(node, "p");

    (void)state;
    assert_int_equal(node->maplen, 2);
    assert_int_equal(dom->vcpus[0].affinity[0], 0x0a);
    assert_int_equal(dom->vcpus[0].affinity[1], 0x02);
    /* id 1: vcpu 0 -> 2nd allowed CPU (3), vcpu 1 -> 3rd (9) */
    assert_int_equal(xvTestDomVcpuPlacement(node, dom, 0), 3);
    assert_int_equal(xvTestDomVcpuPlacement(node, dom, 1), 9);
    xvTestNodeFree(node);
}

/* libvirt's cpuset syntax, blanks and a trailing comma included; CPUs past
 * the node are ignored; a cpuset that is malformed or leaves no CPU of the
 * node lets the vcpus use all of them. */
static void
test_cpuset_past_the_node_malformed_or_empty_allows_what_it_can(void **state)
{
    static const struct {
        const char *cpuset;
        unsigned char map0, map1;
    } cases[] = {
        { " 0 - 2 ,^1 ,", 0x05, 0x00 },
        { "15-40", 0x00, 0x80 },
        { "16-40", 0xff, 0xff },     /* nothing on the node: all */
        { "1,^1", 0xff, 0xff },      /* nothing left: all */
        { "^3", 0xff, 0xff },
        { "1-x", 0xff, 0xff },       /* malformed: all */
        { "3-1", 0xff, 0xff },
        { "", 0xff, 0xff },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *xml = xvAsprintf(NODE_HEAD "<cpu><nodes>1</nodes><sockets>1</sockets>"
                               "<cores>4</cores><threads>4</threads></cpu>"
                               "<domain type='test'><name>p</name><memory>65536</memory>"
                               "<vcpu cpuset='%s'>1</vcpu><os><type>hvm</type></os>"
                               "</domain></node>", cases[i].cpuset);
        xvTestNode *node = loadString(xml);
        xvTestDom *dom = xvTestNodeFindByName(node, "p");

        if (dom->vcpus[0].affinity[0] != cases[i].map0 ||
            dom->vcpus[0].affinity[1] != cases[i].map1)
            fail_msg("cpuset '%s': %02x %02x, expected %02x %02x", cases[i].cpuset,
                     dom->vcpus[0].affinity[0], dom->vcpus[0].affinity[1],
                     cases[i].map0, cases[i].map1);
        xvTestNodeFree(node);
        free(xml);
    }
}

/* A node of 16 CPUs (lines 1 and 2), then @domains from line 3. */
#define NODE16(domains) \
    NODE_HEAD "<cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores>" \
    "<threads>4</threads></cpu>\n" domains "</node>"

static void
test_vcpupin_sets_the_initial_affinity_of_its_vcpu_at_each_start(void **state)
{
    xvTestNode *node = loadString(NODE16(
        "<domain type='test'><name>p</name><memory>65536</memory>"
        "<vcpu cpuset='0-7'>3</vcpu><os><type>hvm</type></os>"
        "<xvirt:vcpupin vcpu='1' cpuset='3,9-10'/>"
        "<xvirt:vcpupin vcpu='2' cpuset=' 12 - 15 ,^13,'/></domain>\n"));
    xvTestDom *dom = xvTestNodeFindByName(node, "p");

    (void)state;
    /* vcpu 0 has the domain's cpuset, 1 and 2 their own */
    assert_int_equal(dom->vcpus[0].affinity[0], 0xff);
    assert_int_equal(dom->vcpus[0].affinity[1], 0x00);
    assert_int_equal(dom->vcpus[1].affinity[0], 0x08);
    assert_int_equal(dom->vcpus[1].affinity[1], 0x06);
    assert_int_equal(dom->vcpus[2].affinity[0], 0x00);
    assert_int_equal(dom->vcpus[2].affinity[1], 0xd0);
    /* a live pin lasts until the domain stops; the next start pins again */
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL), 0);
    dom->vcpus[1].affinity[0] = 0x01;
    dom->vcpus[1].affinity[1] = 0x00;
    assert_false(xvTestNodeDomainStop(node, dom));
    assert_int_equal(xvTestNodeDomainStart(node, dom, NULL), 0);
    assert_int_equal(dom->vcpus[1].affinity[0], 0x08);
    assert_int_equal(dom->vcpus[1].affinity[1], 0x06);
    xvTestNodeEnd(node);
    xvTestNodeFree(node);
}

/* Each wrong <xvirt:vcpupin> is named with its own line (5), under the
 * <domain> it belongs to (the domain's error is wrapped, its code too). */
static void
test_bad_vcpupin_is_a_load_error_at_its_line(void **state)
{
    static const struct {
        const char *attrs;
        const char *error;
    } cases[] = {
        { "vcpu='2' cpuset='1'", "vcpu '2' is not a number from 0 to 1" },
        { "vcpu='all' cpuset='1'", "vcpu 'all' is not a number from 0 to 1" },
        { "cpuset='1'", "missing attribute 'vcpu'" },
        { "vcpu='0'", "missing attribute 'cpuset'" },
        { "vcpu='0' cpuset='4,16'", "cpuset '4,16' names a CPU past the node's 16 (0 to 15)" },
        { "vcpu='0' cpuset='3-1'", "cpuset '3-1' is not a CPU list" },
        { "vcpu='0' cpuset=''", "cpuset '' is not a CPU list" },
        { "vcpu='0' cpuset='1,^1'", "cpuset '1,^1' leaves no CPU" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *xml = xvAsprintf(NODE16("%s\n<xvirt:vcpu-load vcpu='all' load='0.5'/>\n"
                                      "<xvirt:vcpupin %s/>\n</domain>\n"),
                               "<domain type='test'><name>d</name><memory>65536</memory>"
                               "<vcpu>2</vcpu><os><type>hvm</type></os>", cases[i].attrs);
        char *want = xvAsprintf("bad.xml' line 5: <domain>: XML error: domain 'd': "
                                "<xvirt:vcpupin>: %s",
                                cases[i].error);

        assertBadNode(xml, want);
        free(want);
        free(xml);
    }
    /* twice for one vcpu */
    assertBadNode(NODE16(DOMAIN("d", "000000000001",
                                "\n<xvirt:vcpupin vcpu='1' cpuset='1'/>"
                                "\n<xvirt:vcpupin vcpu='1' cpuset='2'/>")),
                  "line 5: <domain>: XML error: domain 'd': <xvirt:vcpupin>: vcpu 1 is "
                  "already pinned");
    /* the other settings are named at their line too */
    assertBadNode(NODE16(DOMAIN("d", "000000000001",
                                "\n<xvirt:vcpupin vcpu='1' cpuset='1'/>"
                                "\n\n<xvirt:turbo/>")),
                  "line 6: <domain>: XML error: domain 'd': <xvirt:turbo>: unknown element");
}

/* Outside a node file (virDomainDefineXML...) the same checks apply. */
static void
test_vcpupin_of_a_definition_is_checked_against_the_node(void **state)
{
    xvDomainDef *def = parseDef(
        "<domain type='test' xmlns:x='http://xvirt.dev/schemas/test/1.0'>"
        "<name>s</name><memory>65536</memory><vcpu>2</vcpu><os><type>hvm</type></os>"
        "<x:vcpupin vcpu='1' cpuset='6-7'/></domain>");
    xvTestDomSettings settings;

    (void)state;
    assert_int_equal(xvTestDomSettingsParse(def, 8, &settings), 0);
    assert_null(settings.pins[0]);
    assert_string_equal(settings.pins[1], "6-7");
    xvTestDomSettingsClear(&settings);
    virResetLastError();
    assert_int_equal(xvTestDomSettingsParse(def, 7, &settings), -1);
    xvTestAssertError(VIR_ERR_XML_ERROR,
                      "domain 's': <x:vcpupin>: cpuset '6-7' names a CPU past the node's 7");
    xvDomainDefFree(def);
}

/* A domain's <domain id='N'>, as a dump of a host gives it. */
#define DOMAIN_ID(id, name, uuidTail, extra) \
    "<domain type='test' id='" id "'><name>" name "</name>" \
    "<uuid>99999999-0000-4000-8000-" uuidTail "</uuid>" \
    "<memory>65536</memory><vcpu>2</vcpu><os><type>hvm</type></os>" extra "</domain>\n"

static void
test_node_file_domains_keep_their_ids_and_the_others_take_the_next_free(void **state)
{
    xvTestNode *node = loadString(NODE16(
        DOMAIN_ID("0", "dom0", "000000000001", "")
        DOMAIN("plain", "000000000002", "")
        DOMAIN_ID("7", "paused", "000000000003", "<test:runstate>3</test:runstate>")
        DOMAIN_ID("3", "off", "000000000004", "<test:runstate>5</test:runstate>")
        DOMAIN("crashed", "000000000005", "<test:runstate>6</test:runstate>")
        DOMAIN_ID("20", "last", "000000000006", "")));
    static const struct {
        const char *name;
        int id;
    } want[] = {
        { "dom0", 0 }, { "plain", 1 }, { "paused", 7 }, { "off", -1 }, { "crashed", 8 },
        { "last", 20 },
    };
    static const int ids[] = { 0, 1, 7, 8, 20 };
    xvTestDom *off = xvTestNodeFindByName(node, "off");
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(want); i++) {
        xvTestDom *dom = xvTestNodeFindByName(node, want[i].name);

        assert_int_equal(dom->id, want[i].id);
        if (want[i].id >= 0)
            assert_ptr_equal(xvTestNodeFindByID(node, want[i].id), dom);
    }
    assert_int_equal(xvTestNodeFindByName(node, "paused")->state, VIR_DOMAIN_PAUSED);
    assert_int_equal(xvTestNodeFindByName(node, "crashed")->state, VIR_DOMAIN_CRASHED);
    /* the index stays sorted: virConnectListDomains lists ascending IDs */
    assert_int_equal(node->nactive, XV_N_ELEMENTS(ids));
    assert_memory_equal(node->activeIDs, ids, sizeof(ids));
    /* an inactive domain's id is ignored; later starts come above every ID */
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL), 0);
    assert_int_equal(xvTestNodeDomainStart(node, off, NULL), 0);
    xvTestNodeEnd(node);
    assert_int_equal(off->id, 21);
    assert_ptr_equal(xvTestNodeFindByID(node, 21), off);
    xvTestNodeFree(node);
}

/* A captured Xen host's Domain-0 is a PV domain without a kernel: a node
 * file takes it (the test driver boots nothing); the API still asks for one. */
static void
test_node_file_pv_domain_needs_no_kernel(void **state)
{
    xvTestNode *node = loadString(NODE16(
        "<domain type='xen' id='0'><name>Domain-0</name>"
        "<uuid>00000000-0000-0000-0000-000000000000</uuid>"
        "<memory>524288</memory><vcpu>2</vcpu><os><type>linux</type></os></domain>\n"));
    xvTestDom *dom0 = xvTestNodeFindByName(node, "Domain-0");

    (void)state;
    assert_non_null(dom0);
    assert_int_equal(dom0->id, 0);
    assert_int_equal(dom0->state, VIR_DOMAIN_RUNNING);
    xvTestNodeFree(node);
    assert_null(xvDomainDefParseString("<domain type='xen'><name>pv</name>"
                                       "<memory>65536</memory><vcpu>1</vcpu>"
                                       "<os><type>linux</type></os></domain>",
                                       (const char *const[]){ "xen", NULL }));
    xvTestAssertError(VIR_ERR_NO_KERNEL, "missing <kernel> in <os>");
}

static void
test_node_file_ids_out_of_order_are_a_load_error_at_the_domain(void **state)
{
    (void)state;
    assertBadNode(NODE16(DOMAIN_ID("5", "a", "000000000001", "")
                         DOMAIN_ID("3", "b", "000000000002", "")),
                  "bad.xml' line 4: <domain>: id 3 is not above 5, the ID of a running "
                  "domain before it");
    assertBadNode(NODE16(DOMAIN_ID("5", "a", "000000000001", "")
                         DOMAIN_ID("5", "b", "000000000002", "")),
                  "line 4: <domain>: id 5 is not above 5");
    /* a domain without an id took 1 */
    assertBadNode(NODE16(DOMAIN("a", "000000000001", "")
                         DOMAIN_ID("1", "b", "000000000002", "<test:runstate>3</test:runstate>")),
                  "line 4: <domain>: id 1 is not above 1");
    assertBadNode(NODE16(DOMAIN_ID("2147483647", "a", "000000000001", "")),
                  "line 3: <domain>: id 2147483647 leaves no ID for later starts");
    assertBadNode(NODE16(DOMAIN_ID("x", "a", "000000000001", "")), "<domain id>");
}

static void
test_fault_matches_call_domain_window_and_count(void **state)
{
    xvTestNode *node = loadString(
        NODE_HEAD "<xvirt:clock rate='0'/><xvirt:events>"
        "<xvirt:fault at='1' until='2' call='virDomainGetInfo' mode='fail' domain='d' "
        "count='1'/></xvirt:events></node>");

    (void)state;
    /* before the window */
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_GET_INFO, "d"), 0);
    xvTestNodeEnd(node);
    xvTestNodeAdvanceClock(node, XV_NS_PER_SEC);
    /* other domain, other call: no fault */
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_GET_INFO, "e"), 0);
    xvTestNodeEnd(node);
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_GET_XML_DESC, "d"), 0);
    xvTestNodeEnd(node);
    virResetLastError();
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_GET_INFO, "d"), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "injected fault: virDomainGetInfo");
    /* count exhausted */
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_GET_INFO, "d"), 0);
    xvTestNodeEnd(node);
    xvTestNodeFree(node);
}

static void
test_domain_settings_parse_from_test_extra(void **state)
{
    xvDomainDef *def = parseDef(
        "<domain type='test' xmlns:x='http://xvirt.dev/schemas/test/1.0'>"
        "<name>s</name><memory>65536</memory><vcpu>3</vcpu><os><type>hvm</type></os>"
        "<x:vcpu-load vcpu='all' load='0.5'/><x:vcpu-load vcpu='2' load='0.125'/>"
        "<x:memory-demand kib='777'/><x:shutdown-delay seconds='1.5'/>"
        "<x:ignore-shutdown/></domain>");
    xvTestDomSettings settings;

    (void)state;
    assert_int_equal(xvTestDomSettingsParse(def, 16, &settings), 0);
    assert_int_equal(settings.nloads, 3);
    assert_true(settings.loads[0] == 0.5);
    assert_true(settings.loads[1] == 0.5);
    assert_true(settings.loads[2] == 0.125);
    assert_int_equal(settings.memDemandKiB, 777);
    assert_int_equal(settings.shutdownDelayNs, 1500000000ULL);
    assert_true(settings.ignoreShutdown);
    xvTestDomSettingsClear(&settings);
    xvDomainDefFree(def);
}

static void
test_shipped_example_node_loads(void **state)
{
    const char *srcdir = getenv("XV_TEST_SRCDIR");
    char path[4096];
    xvTestNode *node;
    xvTestDom *dom;

    (void)state;
    assert_non_null(srcdir);
    snprintf(path, sizeof(path), "%s/config/test-node.xml", srcdir);
    node = xvTestNodeLoadFile(path);
    if (!node)
        fail_msg("%s", virGetLastErrorMessage());
    assert_int_equal(node->ndomains, 5);
    assert_int_equal(node->nactive, 4);
    assert_int_equal(node->hvVersion, 4017000);
    dom = xvTestNodeFindByName(node, "build01");
    assert_non_null(dom);
    assert_int_equal(dom->id, -1);
    dom = xvTestNodeFindByName(node, "win01");
    assert_non_null(dom);
    assert_string_equal(dom->def->os.type, "hvm");
    /* db01 is confined to CPUs 4-7 by its cpuset */
    dom = xvTestNodeFindByName(node, "db01");
    assert_int_equal(dom->vcpus[0].affinity[0], 0xf0);
    xvTestNodeFree(node);
}

static void
test_node_documents_with_a_doctype_are_refused(void **state)
{
    static const char nul[] = "<node>\0</node>";
    xvTestNode *node;

    (void)state;
    assertBadNode("<!DOCTYPE node [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>\n<node>"
                  DOMAIN("&b;", "000000000001", "") "</node>",
                  "bad.xml': line 1: a document type declaration (<!DOCTYPE>) is not accepted");
    assertBadNode("<node>\n<!DOCTYPE x>\n</node>", "line 2");
    virResetLastError();
    assert_null(xvTestNodeLoadBuffer(nul, sizeof(nul) - 1, "nul.xml", NULL));
    xvTestAssertError(VIR_ERR_XML_ERROR, "node 'nul.xml': line 1: a NUL byte is not XML");
    /* the buffer is read to its length only */
    node = xvTestNodeLoadBuffer("<node/><garbage", 7, "cut.xml", NULL);
    assert_non_null(node);
    xvTestNodeFree(node);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_node_has_libvirt_host_values),
    cmocka_unit_test(test_default_node_runs_domain_test_with_id_1),
    cmocka_unit_test(test_file_node_reads_cpu_memory_and_hypervisor),
    cmocka_unit_test(test_file_node_loads_inline_and_file_domains_in_order),
    cmocka_unit_test(test_file_domain_settings_come_from_its_xvirt_elements),
    cmocka_unit_test(test_missing_node_file_is_open_failed_naming_the_path),
    cmocka_unit_test(test_node_file_that_is_not_a_regular_file_is_open_failed),
    cmocka_unit_test(test_malformed_node_file_is_xml_error_with_line),
    cmocka_unit_test(test_missing_domain_file_names_it),
    cmocka_unit_test(test_wrong_root_element_is_rejected),
    cmocka_unit_test(test_zero_cpu_value_names_its_element),
    cmocka_unit_test(test_more_active_cpus_than_topology_is_rejected),
    cmocka_unit_test(test_long_cpu_model_is_rejected),
    cmocka_unit_test(test_duplicate_domain_name_is_rejected),
    cmocka_unit_test(test_duplicate_domain_uuid_is_rejected),
    cmocka_unit_test(test_bad_domain_reports_node_line_and_conf_reason),
    cmocka_unit_test(test_bad_runstate_is_rejected),
    cmocka_unit_test(test_relative_domain_file_needs_a_node_file),
    cmocka_unit_test(test_unknown_xvirt_node_element_is_rejected),
    cmocka_unit_test(test_undeclared_xvirt_prefix_is_an_xml_error),
    cmocka_unit_test(test_bad_hypervisor_version_is_rejected),
    cmocka_unit_test(test_unknown_domain_xvirt_element_is_rejected),
    cmocka_unit_test(test_domain_vcpu_load_out_of_range_is_rejected),
    cmocka_unit_test(test_bad_events_name_their_element),
    cmocka_unit_test(test_bad_faults_name_their_element),
    cmocka_unit_test(test_call_names_map_both_ways),
    cmocka_unit_test(test_frozen_clock_only_moves_with_the_hook),
    cmocka_unit_test(test_start_counts_as_time_already_run),
    cmocka_unit_test(test_fast_clock_runs_rate_times_real_time),
    cmocka_unit_test(test_real_time_clock_is_the_default),
    cmocka_unit_test(test_events_fire_in_time_order_not_document_order),
    cmocka_unit_test(test_simultaneous_events_keep_document_order),
    cmocka_unit_test(test_events_fire_at_their_own_time_between_calls),
    cmocka_unit_test(test_events_for_unknown_domains_are_ignored),
    cmocka_unit_test(test_free_memory_is_node_minus_active_domains_minus_host_use),
    cmocka_unit_test(test_host_free_event_sizes_host_use_against_the_domains_of_its_time),
    cmocka_unit_test(test_largest_host_use_and_host_free_are_clamped),
    cmocka_unit_test(test_start_event_of_unknown_domain_is_rejected_at_load),
    cmocka_unit_test(test_start_and_destroy_events_only_touch_domains_in_the_right_state),
    cmocka_unit_test(test_destroy_event_cancels_a_pending_shutdown),
    cmocka_unit_test(test_shutdown_runstate_finishes_after_the_delay),
    cmocka_unit_test(test_cpuset_sets_the_initial_affinity),
    cmocka_unit_test(test_cpuset_past_the_node_malformed_or_empty_allows_what_it_can),
    cmocka_unit_test(test_vcpupin_sets_the_initial_affinity_of_its_vcpu_at_each_start),
    cmocka_unit_test(test_bad_vcpupin_is_a_load_error_at_its_line),
    cmocka_unit_test(test_vcpupin_of_a_definition_is_checked_against_the_node),
    cmocka_unit_test(test_node_file_domains_keep_their_ids_and_the_others_take_the_next_free),
    cmocka_unit_test(test_node_file_ids_out_of_order_are_a_load_error_at_the_domain),
    cmocka_unit_test(test_node_file_pv_domain_needs_no_kernel),
    cmocka_unit_test(test_fault_matches_call_domain_window_and_count),
    cmocka_unit_test(test_domain_settings_parse_from_test_extra),
    cmocka_unit_test(test_shipped_example_node_loads),
    cmocka_unit_test(test_node_documents_with_a_doctype_are_refused),
};

XV_TEST_MAIN(tests)
