/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt-domain_test.c: black-box tests of every virDomain* call
 * (lib/libvirt-domain.c) on the test driver, through the shared library. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "apitest.h"
#include "util/xvmacros.h"

/* ---- fixture: a private node with a read-write and a read-only connection */

typedef struct {
    apiNode node;
    virConnectPtr conn;  /* read-write */
    virConnectPtr ro;    /* read-only, same node */
} domTest;

static int
setup_domains(void **state)
{
    domTest *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    apiNodeCopy(&t->node, "api/node.xml");
    t->conn = virConnectOpen(t->node.uri);
    if (!t->conn)
        fail_msg("cannot open %s: %s", t->node.uri, virGetLastErrorMessage());
    t->ro = virConnectOpenReadOnly(t->node.uri);
    if (!t->ro)
        fail_msg("cannot open %s read-only: %s", t->node.uri, virGetLastErrorMessage());
    *state = t;
    return 0;
}

static int
teardown_domains(void **state)
{
    domTest *t = *state;

    assert_int_equal(virConnectClose(t->ro), 0);
    assert_int_equal(virConnectClose(t->conn), 0);
    apiNodeRemove(&t->node);
    free(t);
    return 0;
}

#define DOM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_domains, teardown_domains)

/* ---- helpers ----------------------------------------------------------- */

static virDomainPtr
lookup(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (!dom)
        fail_msg("no domain '%s': %s", name, virGetLastErrorMessage());
    assert_no_error();
    return dom;
}

static virDomainInfo
infoOf(virDomainPtr dom)
{
    virDomainInfo info;

    if (virDomainGetInfo(dom, &info) < 0)
        fail_msg("virDomainGetInfo: %s", virGetLastErrorMessage());
    return info;
}

/* The state of the domain called @name, looked up afresh. */
static int
stateOf(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = lookup(conn, name);
    int state = infoOf(dom).state;

    assert_int_equal(virDomainFree(dom), 0);
    return state;
}

/* Does a domain called @name exist? (NO_DOMAIN otherwise.) */
static bool
exists(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (!dom) {
        assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, name);
        return false;
    }
    assert_int_equal(virDomainFree(dom), 0);
    return true;
}

static bool
isDefinedInactive(virConnectPtr conn, const char *name)
{
    const char *names[16] = { NULL };
    bool found = false;
    int n, i;

    n = virConnectListDefinedDomains(conn, names, 16);
    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        found |= strcmp(names[i], name) == 0;
        free((char *)names[i]);
    }
    return found;
}

static int
numDefined(virConnectPtr conn)
{
    const char *names[16] = { NULL };
    int n, i;

    n = virConnectListDefinedDomains(conn, names, 16);
    assert_true(n >= 0);
    for (i = 0; i < n; i++)
        free((char *)names[i]);
    return n;
}

static bool
isListedActive(virConnectPtr conn, unsigned int id)
{
    int ids[16];
    int n, i;

    n = virConnectListDomains(conn, ids, 16);
    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        if ((unsigned int)ids[i] == id)
            return true;
    }
    return false;
}

/* A minimal domain description; @uuid may be NULL. To free(). */
static char *
domXML(const char *name, const char *uuid, unsigned long memKiB, unsigned int vcpus)
{
    char *xml = NULL;
    char *uuidElem = NULL;

    if (uuid)
        assert_true(asprintf(&uuidElem, "  <uuid>%s</uuid>\n", uuid) > 0);
    assert_true(asprintf(&xml,
                         "<domain type='test'>\n"
                         "  <name>%s</name>\n"
                         "%s"
                         "  <memory>%lu</memory>\n"
                         "  <vcpu>%u</vcpu>\n"
                         "  <os>\n"
                         "    <type>linux</type>\n"
                         "    <kernel>/boot/vmlinuz</kernel>\n"
                         "  </os>\n"
                         "</domain>\n",
                         name, uuidElem ? uuidElem : "", memKiB, vcpus) > 0);
    free(uuidElem);
    return xml;
}

static char *
tempPath(domTest *t, const char *file)
{
    char *path = NULL;

    assert_true(asprintf(&path, "%s/%s", t->node.dir, file) > 0);
    return path;
}

static void
sleepMs(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ---- virDomainDefineXML ------------------------------------------------- */

static void
test_define_xml_defines_an_inactive_domain(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", "f6f6f6f6-0000-4000-8000-000000000006", 262144, 2);
    virDomainPtr dom;
    virDomainInfo info;
    char uuid[37];

    dom = virDomainDefineXML(t->conn, xml);
    assert_non_null(dom);
    assert_no_error();
    assert_string_equal(virDomainGetName(dom), "zeta");
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_no_error();
    assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
    assert_string_equal(uuid, "f6f6f6f6-0000-4000-8000-000000000006");
    info = infoOf(dom);
    assert_int_equal(info.state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_true(isDefinedInactive(t->conn, "zeta"));
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_define_xml_is_seen_through_the_read_only_connection(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", NULL, 262144, 1);
    virDomainPtr dom, roDom;
    unsigned char a[16], b[16];

    dom = virDomainDefineXML(t->conn, xml);
    assert_non_null(dom);
    roDom = lookup(t->ro, "zeta");
    assert_int_equal(virDomainGetUUID(dom, a), 0);
    assert_int_equal(virDomainGetUUID(roDom, b), 0);
    assert_memory_equal(a, b, 16);
    assert_int_equal(infoOf(roDom).state, VIR_DOMAIN_SHUTOFF);
    assert_true(isDefinedInactive(t->ro, "zeta"));
    assert_int_equal(virDomainFree(roDom), 0);
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_define_xml_without_uuid_generates_one(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", NULL, 262144, 1);
    static const unsigned char zero[16];
    unsigned char uuid[16];
    virDomainPtr dom;

    dom = virDomainDefineXML(t->conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    assert_memory_not_equal(uuid, zero, 16);
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_define_xml_same_name_and_uuid_replaces_the_definition(void **state)
{
    domTest *t = *state;
    char *xml = domXML("delta", API_DELTA_UUID, 786432, 3);
    virDomainPtr dom, again;

    dom = virDomainDefineXML(t->conn, xml);
    assert_non_null(dom);
    assert_no_error();
    again = lookup(t->conn, "delta");
    assert_int_equal(virDomainGetMaxMemory(again), 786432);
    assert_int_equal(infoOf(again).nrVirtCpu, 3);
    assert_int_equal(infoOf(again).state, VIR_DOMAIN_SHUTOFF);
    /* still one domain called delta */
    assert_int_equal(numDefined(t->conn), 2);
    assert_true(isDefinedInactive(t->conn, "delta"));
    assert_int_equal(virDomainFree(again), 0);
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_define_xml_name_clash_is_dom_exist(void **state)
{
    domTest *t = *state;
    char *xml = domXML("alpha", "f6f6f6f6-0000-4000-8000-000000000006", 262144, 1);

    assert_null(virDomainDefineXML(t->conn, xml));
    assert_last_error(VIR_ERR_DOM_EXIST, VIR_FROM_TEST, "alpha");
    free(xml);
    xml = domXML("delta", "f6f6f6f6-0000-4000-8000-000000000006", 262144, 1);
    assert_null(virDomainDefineXML(t->conn, xml));
    assert_last_error(VIR_ERR_DOM_EXIST, VIR_FROM_TEST, "delta");
    /* nothing changed */
    assert_true(!exists(t->conn, "zeta"));
    assert_int_equal(stateOf(t->conn, "alpha"), VIR_DOMAIN_RUNNING);
    free(xml);
}

static void
test_define_xml_uuid_clash_under_another_name_is_refused(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", API_DELTA_UUID, 262144, 1);

    assert_null(virDomainDefineXML(t->conn, xml));
    assert_last_error2(VIR_ERR_DOM_EXIST, VIR_ERR_OPERATION_FAILED, VIR_FROM_TEST, "delta");
    assert_false(exists(t->conn, "zeta"));
    free(xml);
}

static void
test_define_xml_not_well_formed_is_xml_error(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn, "<domain type='test'><name>x</name>"));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "XML");
    assert_null(virDomainDefineXML(t->conn, ""));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "XML");
}

static void
test_define_xml_wrong_root_is_xml_error(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn, "<node><name>x</name></node>"));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<domain>");
}

static void
test_define_xml_missing_name_is_reported(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='test'><memory>1024</memory>"
                                   "<os><type>linux</type></os></domain>"));
    assert_last_error2(VIR_ERR_NO_NAME, VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<name>");
}

static void
test_define_xml_missing_os_is_reported(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='test'><name>zeta</name>"
                                   "<memory>1024</memory></domain>"));
    assert_last_error2(VIR_ERR_NO_OS, VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<os>");
}

static void
test_define_xml_unknown_os_type_is_reported(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='test'><name>zeta</name>"
                                   "<memory>1024</memory>"
                                   "<os><type>windows</type></os></domain>"));
    assert_last_error2(VIR_ERR_OS_TYPE, VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "'windows'");
}

static void
test_define_xml_bad_memory_is_xml_error(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='test'><name>zeta</name>"
                                   "<memory>lots</memory>"
                                   "<os><type>linux</type></os></domain>"));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<memory>");
}

static void
test_define_xml_zero_vcpus_is_xml_error(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='test'><name>zeta</name>"
                                   "<memory>1024</memory><vcpu>0</vcpu>"
                                   "<os><type>linux</type></os></domain>"));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<vcpu>");
}

static void
test_define_xml_bad_uuid_is_xml_error(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='test'><name>zeta</name>"
                                   "<uuid>not-a-uuid</uuid><memory>1024</memory>"
                                   "<os><type>linux</type></os></domain>"));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<uuid>");
}

static void
test_define_xml_unsupported_domain_type_is_xml_error(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn,
                                   "<domain type='kvm'><name>zeta</name>"
                                   "<memory>1024</memory>"
                                   "<os><type>hvm</type></os></domain>"));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "'kvm'");
}

static void
test_define_xml_failure_changes_nothing(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn, "<domain"));
    assert_int_equal(numDefined(t->conn), 2);
    assert_true(isDefinedInactive(t->conn, "delta"));
    assert_true(isDefinedInactive(t->conn, "epsilon"));
    assert_false(isDefinedInactive(t->conn, "zeta"));
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
}

static void
test_define_xml_null_xml_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainDefineXML(t->conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "xml");
}

static void
test_define_xml_null_conn_is_invalid_conn(void **state)
{
    (void)state;
    assert_null(virDomainDefineXML(NULL, "<domain/>"));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainDefineXML");
}

static void
test_define_xml_success_clears_previous_error(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", NULL, 131072, 1);
    virDomainPtr dom;

    assert_null(virDomainDefineXML(t->conn, "<domain"));
    assert_non_null(virGetLastError());
    dom = virDomainDefineXML(t->conn, xml);
    assert_non_null(dom);
    assert_no_error();
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

/* ---- virDomainCreateLinux ----------------------------------------------- */

static void
test_create_linux_starts_a_transient_domain(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", "f6f6f6f6-0000-4000-8000-000000000006", 262144, 2);
    virDomainPtr dom, byId;
    virDomainInfo info;
    unsigned int id;

    dom = virDomainCreateLinux(t->conn, xml, VIR_DOMAIN_NONE);
    assert_non_null(dom);
    assert_no_error();
    id = virDomainGetID(dom);
    assert_true(id != (unsigned int)-1);
    assert_true(id != 0);
    info = infoOf(dom);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.memory, 262144);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(virConnectNumOfDomains(t->conn), 4);
    assert_true(isListedActive(t->conn, id));
    assert_false(isDefinedInactive(t->conn, "zeta"));
    byId = virDomainLookupByID(t->ro, (int)id);
    assert_non_null(byId);
    assert_string_equal(virDomainGetName(byId), "zeta");
    assert_int_equal(virDomainFree(byId), 0);
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_create_linux_domain_vanishes_when_destroyed(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", NULL, 262144, 1);
    virDomainPtr dom;

    dom = virDomainCreateLinux(t->conn, xml, 0);
    assert_non_null(dom);
    assert_int_equal(virDomainDestroy(dom), 0); /* frees dom */
    assert_no_error();
    assert_false(exists(t->conn, "zeta"));
    assert_false(isDefinedInactive(t->conn, "zeta"));
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    free(xml);
}

static void
test_create_linux_ids_are_unique(void **state)
{
    domTest *t = *state;
    char *x1 = domXML("zeta", NULL, 131072, 1);
    char *x2 = domXML("eta", NULL, 131072, 1);
    virDomainPtr d1, d2;
    unsigned int id1, id2;
    int ids[8], n, i;

    d1 = virDomainCreateLinux(t->conn, x1, 0);
    d2 = virDomainCreateLinux(t->conn, x2, 0);
    assert_non_null(d1);
    assert_non_null(d2);
    id1 = virDomainGetID(d1);
    id2 = virDomainGetID(d2);
    assert_true(id1 != id2);
    n = virConnectListDomains(t->conn, ids, 8);
    assert_int_equal(n, 5);
    for (i = 0; i < n; i++) {
        int j;

        for (j = i + 1; j < n; j++)
            assert_true(ids[i] != ids[j]);
    }
    assert_int_equal(virDomainFree(d1), 0);
    assert_int_equal(virDomainFree(d2), 0);
    free(x1);
    free(x2);
}

static void
test_create_linux_name_of_existing_domain_is_dom_exist(void **state)
{
    domTest *t = *state;
    char *xml = domXML("alpha", "f6f6f6f6-0000-4000-8000-000000000006", 262144, 1);

    assert_null(virDomainCreateLinux(t->conn, xml, 0));
    assert_last_error(VIR_ERR_DOM_EXIST, VIR_FROM_TEST, "'alpha'");
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    free(xml);
}

static void
test_create_linux_bad_xml_is_reported(void **state)
{
    domTest *t = *state;

    assert_null(virDomainCreateLinux(t->conn, "<domain type='test'>", 0));
    assert_last_error(VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "XML");
    assert_null(virDomainCreateLinux(t->conn,
                                     "<domain type='test'><memory>1024</memory>"
                                     "<os><type>linux</type></os></domain>", 0));
    assert_last_error2(VIR_ERR_NO_NAME, VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "<name>");
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
}

static void
test_create_linux_nonzero_flags_is_invalid_arg(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", NULL, 131072, 1);

    assert_null(virDomainCreateLinux(t->conn, xml, 1));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "flags");
    assert_null(virDomainCreateLinux(t->conn, xml, 0x80000000u));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "flags");
    assert_false(exists(t->conn, "zeta"));
    free(xml);
}

static void
test_create_linux_null_xml_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainCreateLinux(t->conn, NULL, 0));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "xmlDesc");
}

static void
test_create_linux_null_conn_is_invalid_conn(void **state)
{
    (void)state;
    assert_null(virDomainCreateLinux(NULL, "<domain/>", 0));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainCreateLinux");
}

/* ---- virDomainUndefine -------------------------------------------------- */

static void
test_undefine_removes_an_inactive_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");
    const char *name = virDomainGetName(dom);

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_no_error();
    assert_false(exists(t->conn, "delta"));
    assert_false(isDefinedInactive(t->conn, "delta"));
    /* the handle and its name outlive the domain */
    assert_string_equal(name, "delta");
    assert_ptr_equal(virDomainGetName(dom), name);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_undefine_running_domain_keeps_it_running_as_transient(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned int id = virDomainGetID(dom);

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_no_error();
    assert_int_equal(stateOf(t->conn, "alpha"), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), id);
    assert_true(isListedActive(t->conn, id));
    assert_false(isDefinedInactive(t->conn, "alpha"));
    /* now transient: gone once stopped */
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_false(exists(t->conn, "alpha"));
    assert_false(isDefinedInactive(t->conn, "alpha"));
}

static void
test_undefine_transient_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", NULL, 131072, 1);
    virDomainPtr dom = virDomainCreateLinux(t->conn, xml, 0);

    assert_non_null(dom);
    assert_int_equal(virDomainUndefine(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "transient domain 'zeta'");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_undefine_twice_is_no_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainUndefine(dom), -1);
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "'delta'");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_undefine_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainUndefine(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainUndefine");
}

/* ---- virDomainCreate ---------------------------------------------------- */

static void
test_create_starts_a_defined_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");
    unsigned int id;

    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_no_error();
    id = virDomainGetID(dom);
    assert_true(id != (unsigned int)-1);
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_true(isListedActive(t->conn, id));
    assert_false(isDefinedInactive(t->conn, "delta"));
    assert_int_equal(virConnectNumOfDomains(t->ro), 4);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_create_gives_a_new_id_each_start(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");
    unsigned int first, second, alpha;

    assert_int_equal(virDomainCreate(dom), 0);
    first = virDomainGetID(dom);
    assert_int_equal(virDomainDestroy(dom), 0);
    dom = lookup(t->conn, "delta");
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_int_equal(virDomainCreate(dom), 0);
    second = virDomainGetID(dom);
    assert_true(second != (unsigned int)-1);
    assert_true(second != first);
    assert_int_equal(virDomainFree(dom), 0);
    dom = lookup(t->conn, "alpha");
    alpha = virDomainGetID(dom);
    assert_true(second != alpha && first != alpha);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_create_running_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned int id = virDomainGetID(dom);

    assert_int_equal(virDomainCreate(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'alpha' is already running");
    assert_int_equal(virDomainGetID(dom), id);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_create_paused_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "gamma");

    assert_int_equal(virDomainCreate(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'gamma' is already running");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_create_undefined_domain_is_no_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainCreate(dom), -1);
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "'delta'");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_create_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainCreate(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainCreate");
}

/* ---- lookups ------------------------------------------------------------ */

static void
test_lookup_by_id_finds_a_running_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainPtr dom = virDomainLookupByID(t->conn, (int)virDomainGetID(alpha));
    char uuid[37];

    assert_non_null(dom);
    assert_no_error();
    assert_string_equal(virDomainGetName(dom), "alpha");
    assert_int_equal(virDomainGetID(dom), virDomainGetID(alpha));
    assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
    assert_string_equal(uuid, API_ALPHA_UUID);
    /* a new handle each time */
    assert_true(dom != alpha);
    assert_int_equal(virDomainFree(dom), 0);
    assert_string_equal(virDomainGetName(alpha), "alpha");
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_lookup_by_id_finds_a_paused_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr gamma = lookup(t->conn, "gamma");
    virDomainPtr dom = virDomainLookupByID(t->ro, (int)virDomainGetID(gamma));

    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), "gamma");
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virDomainFree(gamma), 0);
}

static void
test_lookup_by_id_unknown_is_no_domain(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByID(t->conn, 4242));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "4242");
}

static void
test_lookup_by_id_of_stopped_domain_is_no_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    int id = (int)virDomainGetID(dom);
    char idstr[16];

    assert_int_equal(virDomainDestroy(dom), 0);
    snprintf(idstr, sizeof(idstr), "%d", id);
    assert_null(virDomainLookupByID(t->conn, id));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, idstr);
}

static void
test_lookup_by_id_negative_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByID(t->conn, -1));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "id");
}

static void
test_lookup_by_id_null_conn_is_invalid_conn(void **state)
{
    (void)state;
    assert_null(virDomainLookupByID(NULL, 1));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainLookupByID");
}

static void
test_lookup_by_name_finds_an_inactive_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = virDomainLookupByName(t->conn, "delta");

    assert_non_null(dom);
    assert_no_error();
    assert_string_equal(virDomainGetName(dom), "delta");
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_no_error(); /* -1 for an inactive domain is not an error */
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_lookup_by_name_unknown_is_no_domain(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByName(t->conn, "nope"));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "'nope'");
    assert_null(virDomainLookupByName(t->ro, ""));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "''");
}

static void
test_lookup_by_name_is_case_sensitive(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByName(t->conn, "Alpha"));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "'Alpha'");
}

static void
test_lookup_by_name_null_name_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByName(t->conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "name");
}

static void
test_lookup_by_name_null_conn_is_invalid_conn(void **state)
{
    (void)state;
    assert_null(virDomainLookupByName(NULL, "alpha"));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainLookupByName");
}

static void
test_lookup_by_uuid_finds_the_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr beta = lookup(t->conn, "beta");
    unsigned char uuid[16];
    virDomainPtr dom;

    assert_int_equal(virDomainGetUUID(beta, uuid), 0);
    dom = virDomainLookupByUUID(t->ro, uuid);
    assert_non_null(dom);
    assert_no_error();
    assert_string_equal(virDomainGetName(dom), "beta");
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virDomainFree(beta), 0);
}

static void
test_lookup_by_uuid_unknown_is_no_domain(void **state)
{
    domTest *t = *state;
    static const unsigned char uuid[16] = {
        0x0f, 0x0f, 0x0f, 0x0f, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0x99
    };

    assert_null(virDomainLookupByUUID(t->conn, uuid));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "0f0f0f0f-0000-4000-8000-000000000099");
}

static void
test_lookup_by_uuid_null_uuid_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByUUID(t->conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "uuid");
}

static void
test_lookup_by_uuid_null_conn_is_invalid_conn(void **state)
{
    static const unsigned char uuid[16];

    (void)state;
    assert_null(virDomainLookupByUUID(NULL, uuid));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainLookupByUUID");
}

static void
test_lookup_by_uuid_string_accepts_dashed_plain_and_uppercase(void **state)
{
    domTest *t = *state;
    static const char *const forms[] = {
        API_GAMMA_UUID,
        "c3c3c3c3000040008000000000000003",
        "C3C3C3C3-0000-4000-8000-000000000003",
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(forms); i++) {
        virDomainPtr dom = virDomainLookupByUUIDString(t->conn, forms[i]);

        if (!dom)
            fail_msg("'%s': %s", forms[i], virGetLastErrorMessage());
        assert_no_error();
        assert_string_equal(virDomainGetName(dom), "gamma");
        assert_int_equal(virDomainFree(dom), 0);
    }
}

static void
test_lookup_by_uuid_string_invalid_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByUUIDString(t->conn, "not-a-uuid"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "'not-a-uuid'");
    assert_null(virDomainLookupByUUIDString(t->conn, "c3c3c3c3-0000-4000-8000-00000000000"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "c3c3c3c3");
    assert_null(virDomainLookupByUUIDString(t->conn, "c3c3c3c3-0000-4000-8000-0000000000033"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "c3c3c3c3");
    assert_null(virDomainLookupByUUIDString(t->conn, ""));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "virDomainLookupByUUIDString");
}

static void
test_lookup_by_uuid_string_unknown_is_no_domain(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByUUIDString(t->conn, "0f0f0f0f-0000-4000-8000-000000000099"));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "0f0f0f0f-0000-4000-8000-000000000099");
}

static void
test_lookup_by_uuid_string_null_is_invalid_arg(void **state)
{
    domTest *t = *state;

    assert_null(virDomainLookupByUUIDString(t->conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "uuidstr");
    assert_null(virDomainLookupByUUIDString(NULL, API_ALPHA_UUID));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainLookupByUUIDString");
}

/* ---- virDomainFree ------------------------------------------------------ */

static void
test_free_leaves_the_domain_running(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainFree(dom), 0);
    assert_no_error();
    assert_int_equal(stateOf(t->conn, "alpha"), VIR_DOMAIN_RUNNING);
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
}

static void
test_free_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainFree(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainFree");
}

static void
test_handles_of_one_domain_are_independent(void **state)
{
    domTest *t = *state;
    virDomainPtr a = lookup(t->conn, "beta");
    virDomainPtr b = lookup(t->conn, "beta");
    virDomainPtr c = lookup(t->ro, "beta");

    assert_int_equal(virDomainFree(a), 0);
    assert_string_equal(virDomainGetName(b), "beta");
    assert_int_equal(infoOf(c).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(b), 0);
    assert_int_equal(virDomainFree(c), 0);
}

/* ---- virDomainDestroy --------------------------------------------------- */

static void
test_destroy_stops_a_running_domain_and_frees_the_handle(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned int id = virDomainGetID(dom);
    virDomainInfo info;

    assert_int_equal(virDomainDestroy(dom), 0); /* dom is gone now */
    assert_no_error();
    assert_false(isListedActive(t->conn, id));
    assert_true(isDefinedInactive(t->conn, "alpha"));
    assert_int_equal(virConnectNumOfDomains(t->conn), 2);
    dom = lookup(t->conn, "alpha");
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    info = infoOf(dom);
    assert_int_equal(info.state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_destroy_stops_a_paused_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "gamma");

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(stateOf(t->conn, "gamma"), VIR_DOMAIN_SHUTOFF);
}

static void
test_destroy_leaves_other_handles_usable(void **state)
{
    domTest *t = *state;
    virDomainPtr a = lookup(t->conn, "beta");
    virDomainPtr b = lookup(t->conn, "beta");
    virDomainPtr c = lookup(t->ro, "beta");

    assert_int_equal(virDomainDestroy(a), 0);
    assert_string_equal(virDomainGetName(b), "beta");
    assert_int_equal(infoOf(b).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(infoOf(c).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainFree(b), 0);
    assert_int_equal(virDomainFree(c), 0);
}

static void
test_destroy_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainDestroy(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    /* failure: the handle is still ours */
    assert_string_equal(virDomainGetName(dom), "delta");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_destroy_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainDestroy(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainDestroy");
}

/* ---- virDomainSuspend / virDomainResume --------------------------------- */

static void
test_suspend_then_resume_round_trip(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned int id = virDomainGetID(dom);

    assert_int_equal(virDomainSuspend(dom), 0);
    assert_no_error();
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(stateOf(t->ro, "alpha"), VIR_DOMAIN_PAUSED);
    /* a paused domain stays active, with its ID */
    assert_int_equal(virDomainGetID(dom), id);
    assert_true(isListedActive(t->conn, id));
    assert_int_equal(virDomainResume(dom), 0);
    assert_no_error();
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), id);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_paused_domain_uses_no_cpu_time(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned long long t1, t2, t3;

    t1 = infoOf(dom).cpuTime;
    sleepMs(20);
    t2 = infoOf(dom).cpuTime;
    assert_true(t2 >= t1); /* running: never goes backwards */
    assert_int_equal(virDomainSuspend(dom), 0);
    t2 = infoOf(dom).cpuTime;
    sleepMs(30);
    t3 = infoOf(dom).cpuTime;
    assert_true(t3 == t2);
    assert_int_equal(virDomainResume(dom), 0);
    assert_true(infoOf(dom).cpuTime >= t3);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_suspend_paused_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "gamma");

    assert_int_equal(virDomainSuspend(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'gamma' is already paused");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_suspend_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainSuspend(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_resume_running_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainResume(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'alpha' is not paused");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_resume_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainResume(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_resume_paused_domain_from_node_file(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "gamma");

    assert_int_equal(virDomainResume(dom), 0);
    assert_no_error();
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_suspend_and_resume_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainSuspend(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainSuspend");
    assert_int_equal(virDomainResume(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainResume");
}

/* ---- virDomainShutdown / virDomainReboot -------------------------------- */

static void
test_shutdown_stops_a_running_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    int st, i;

    assert_int_equal(virDomainShutdown(dom), 0);
    assert_no_error();
    /* the guest may take a while: SHUTDOWN until it is SHUTOFF */
    for (i = 0; i < 200; i++) {
        st = infoOf(dom).state;
        if (st == VIR_DOMAIN_SHUTOFF)
            break;
        assert_int_equal(st, VIR_DOMAIN_SHUTDOWN);
        sleepMs(10);
    }
    assert_int_equal(st, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    /* persistent: still defined */
    assert_true(isDefinedInactive(t->conn, "beta"));
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_shutdown_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainShutdown(dom), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_shutdown_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainShutdown(NULL), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainShutdown");
}

static void
test_reboot_keeps_the_domain_active(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virDomainInfo info;

    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_no_error();
    info = infoOf(dom);
    assert_true(info.state == VIR_DOMAIN_RUNNING || info.state == VIR_DOMAIN_SHUTDOWN);
    assert_true(virDomainGetID(dom) != (unsigned int)-1);
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_reboot_nonzero_flags_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainReboot(dom, 1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "flags");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_reboot_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainReboot(dom, 0), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_reboot_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainReboot(NULL, 0), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainReboot");
}

/* ---- virDomainSave / virDomainRestore ----------------------------------- */

static void
test_save_then_restore_round_trip(void **state)
{
    domTest *t = *state;
    char *path = tempPath(t, "alpha.save");
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char uuid[16], uuid2[16];
    virDomainInfo info;
    struct stat st;

    assert_int_equal(virDomainSetMemory(dom, 400000), 0);
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_no_error();
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 0);
    /* saved: stopped, still defined */
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virConnectNumOfDomains(t->conn), 2);
    assert_true(isDefinedInactive(t->conn, "alpha"));
    assert_int_equal(virDomainFree(dom), 0);

    assert_int_equal(virDomainRestore(t->conn, path), 0);
    assert_no_error();
    dom = lookup(t->ro, "alpha");
    assert_true(virDomainGetID(dom) != (unsigned int)-1);
    info = infoOf(dom);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.memory, 400000);
    assert_int_equal(info.maxMem, 1048576);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(virDomainGetUUID(dom, uuid2), 0);
    assert_memory_equal(uuid, uuid2, 16);
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    assert_false(isDefinedInactive(t->conn, "alpha"));
    assert_int_equal(virDomainFree(dom), 0);
    free(path);
}

static void
test_save_transient_domain_vanishes_and_restore_brings_it_back(void **state)
{
    domTest *t = *state;
    char *path = tempPath(t, "zeta.save");
    char *xml = domXML("zeta", "f6f6f6f6-0000-4000-8000-000000000006", 262144, 2);
    virDomainPtr dom = virDomainCreateLinux(t->conn, xml, 0);

    assert_non_null(dom);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(virDomainFree(dom), 0);
    assert_false(exists(t->conn, "zeta"));
    assert_int_equal(virDomainRestore(t->conn, path), 0);
    dom = lookup(t->conn, "zeta");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(infoOf(dom).nrVirtCpu, 2);
    /* still transient */
    assert_false(isDefinedInactive(t->conn, "zeta"));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_false(exists(t->conn, "zeta"));
    free(xml);
    free(path);
}

static void
test_save_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    char *path = tempPath(t, "delta.save");
    virDomainPtr dom = lookup(t->conn, "delta");
    struct stat st;

    assert_int_equal(virDomainSave(dom, path), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(virDomainFree(dom), 0);
    free(path);
}

static void
test_save_to_unwritable_path_fails_and_keeps_domain_running(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virErrorPtr err;

    assert_int_equal(virDomainSave(dom, "/nonexistent/xvirt-api-test/alpha.save"), -1);
    err = virGetLastError();
    assert_non_null(err);
    assert_true(err->code == VIR_ERR_WRITE_FAILED || err->code == VIR_ERR_OPEN_FAILED ||
                err->code == VIR_ERR_SYSTEM_ERROR || err->code == VIR_ERR_OPERATION_FAILED);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_non_null(strstr(err->message, "/nonexistent/xvirt-api-test/alpha.save"));
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_save_null_path_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSave(dom, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "to");
    assert_int_equal(infoOf(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_save_null_domain_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainSave(NULL, "/tmp/x"), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainSave");
}

static void
test_restore_missing_file_is_reported(void **state)
{
    domTest *t = *state;
    char *path = tempPath(t, "missing.save");
    virErrorPtr err;

    assert_int_equal(virDomainRestore(t->conn, path), -1);
    err = virGetLastError();
    assert_non_null(err);
    assert_true(err->code == VIR_ERR_READ_FAILED || err->code == VIR_ERR_OPEN_FAILED ||
                err->code == VIR_ERR_SYSTEM_ERROR);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_non_null(strstr(err->message, path));
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    free(path);
}

static void
test_restore_garbage_file_is_reported(void **state)
{
    domTest *t = *state;
    char *path = tempPath(t, "garbage.save");
    FILE *fp = fopen(path, "w");
    virErrorPtr err;

    assert_non_null(fp);
    fputs("this is not a save image\n", fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(virDomainRestore(t->conn, path), -1);
    err = virGetLastError();
    assert_non_null(err);
    assert_true(err->code == VIR_ERR_READ_FAILED || err->code == VIR_ERR_OPERATION_FAILED);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_non_null(strstr(err->message, path));
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    free(path);
}

static void
test_restore_while_the_domain_runs_again_is_refused(void **state)
{
    domTest *t = *state;
    char *path = tempPath(t, "beta.save");
    virDomainPtr dom = lookup(t->conn, "beta");
    virErrorPtr err;

    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainRestore(t->conn, path), -1);
    err = virGetLastError();
    assert_non_null(err);
    assert_true(err->code == VIR_ERR_OPERATION_INVALID || err->code == VIR_ERR_DOM_EXIST);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_non_null(strstr(err->message, "beta"));
    assert_int_equal(virConnectNumOfDomains(t->conn), 3);
    assert_int_equal(virDomainFree(dom), 0);
    free(path);
}

static void
test_restore_null_arguments_are_refused(void **state)
{
    domTest *t = *state;

    assert_int_equal(virDomainRestore(t->conn, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "from");
    assert_int_equal(virDomainRestore(NULL, "/tmp/x"), -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, "virDomainRestore");
}

/* ---- identity ----------------------------------------------------------- */

static void
test_get_name_lives_as_long_as_the_handle(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    const char *name = virDomainGetName(dom);

    assert_non_null(name);
    assert_no_error();
    assert_string_equal(name, "beta");
    /* the domain changes and goes away; the borrowed name stays */
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_ptr_equal(virDomainGetName(dom), name);
    assert_string_equal(name, "beta");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_name_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_null(virDomainGetName(NULL));
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetName");
}

static void
test_get_id_matches_list_domains(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->ro, "beta");
    unsigned int id = virDomainGetID(dom);

    assert_no_error();
    assert_true(id != (unsigned int)-1);
    assert_true(isListedActive(t->ro, id));
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_id_of_inactive_domain_is_minus_one_without_error(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "epsilon");

    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    assert_no_error();
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_id_follows_the_handle_through_create_and_suspend(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "epsilon");
    unsigned int id;

    assert_int_equal(virDomainCreate(dom), 0);
    id = virDomainGetID(dom);
    assert_true(id != (unsigned int)-1);
    assert_true(isListedActive(t->conn, id));
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainGetID(dom), id);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_id_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainGetID(NULL), (unsigned int)-1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetID");
}

static void
test_get_uuid_returns_the_raw_bytes(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    static const unsigned char expected[16] = {
        0xa1, 0xa1, 0xa1, 0xa1, 0x00, 0x00, 0x40, 0x00,
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01
    };
    unsigned char uuid[16];

    memset(uuid, 0, sizeof(uuid));
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    assert_no_error();
    assert_memory_equal(uuid, expected, 16);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_uuid_null_arguments_are_refused(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char uuid[16];

    assert_int_equal(virDomainGetUUID(dom, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "uuid");
    assert_int_equal(virDomainGetUUID(NULL, uuid), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetUUID");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_uuid_string_is_lowercase_dashed(void **state)
{
    domTest *t = *state;
    char *xml = domXML("zeta", "F6F6F6F6000040008000ABCDEF000006", 131072, 1);
    virDomainPtr dom = virDomainDefineXML(t->conn, xml);
    char buf[64];

    assert_non_null(dom);
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(virDomainGetUUIDString(dom, buf), 0);
    assert_no_error();
    assert_string_equal(buf, "f6f6f6f6-0000-4000-8000-abcdef000006");
    assert_int_equal(buf[37], 'x'); /* 37 bytes written, no more */
    assert_int_equal(virDomainFree(dom), 0);
    free(xml);
}

static void
test_get_uuid_string_null_arguments_are_refused(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    char buf[37];

    assert_int_equal(virDomainGetUUIDString(dom, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "buf");
    assert_int_equal(virDomainGetUUIDString(NULL, buf), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetUUIDString");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_os_type_returns_a_new_string(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainPtr beta = lookup(t->conn, "beta");
    virDomainPtr delta = lookup(t->ro, "delta");
    char *a = virDomainGetOSType(alpha);
    char *b = virDomainGetOSType(beta);
    char *d = virDomainGetOSType(delta);

    assert_no_error();
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(d);
    assert_string_equal(a, "linux");
    assert_string_equal(b, "hvm");
    assert_string_equal(d, "linux");
    free(a); /* the caller's: ASan checks it was malloc'd */
    free(b);
    free(d);
    assert_int_equal(virDomainFree(alpha), 0);
    assert_int_equal(virDomainFree(beta), 0);
    assert_int_equal(virDomainFree(delta), 0);
}

static void
test_get_os_type_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_null(virDomainGetOSType(NULL));
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetOSType");
}

/* ---- memory ------------------------------------------------------------- */

static void
test_get_max_memory_reports_the_definition(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainPtr delta = lookup(t->ro, "delta");

    assert_int_equal(virDomainGetMaxMemory(alpha), 1048576);
    assert_no_error();
    assert_int_equal(virDomainGetMaxMemory(delta), 524288);
    assert_no_error();
    assert_int_equal(virDomainFree(alpha), 0);
    assert_int_equal(virDomainFree(delta), 0);
}

static void
test_get_max_memory_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainGetMaxMemory(NULL), 0);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetMaxMemory");
}

static void
test_set_max_memory_raises_the_limit(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virDomainInfo info;

    assert_int_equal(virDomainSetMaxMemory(dom, 2097152), 0);
    assert_no_error();
    assert_int_equal(virDomainGetMaxMemory(dom), 2097152);
    info = infoOf(dom);
    assert_int_equal(info.maxMem, 2097152);
    assert_int_equal(info.memory, 524288);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_max_memory_below_current_lowers_current(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virDomainInfo info;

    assert_int_equal(virDomainSetMaxMemory(dom, 262144), 0);
    assert_no_error();
    info = infoOf(dom);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.memory, 262144);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_max_memory_of_inactive_domain_changes_its_definition(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");

    assert_int_equal(virDomainSetMaxMemory(dom, 1000000), 0);
    assert_no_error();
    assert_int_equal(virDomainGetMaxMemory(dom), 1000000);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(infoOf(dom).maxMem, 1000000);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_max_memory_zero_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSetMaxMemory(dom, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "memory");
    assert_int_equal(virDomainGetMaxMemory(dom), 1048576);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_max_memory_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainSetMaxMemory(NULL, 1024), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainSetMaxMemory");
}

static void
test_set_memory_changes_the_target(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSetMemory(dom, 300000), 0);
    assert_no_error();
    assert_int_equal(infoOf(dom).memory, 300000);
    assert_int_equal(virDomainGetMaxMemory(dom), 1048576);
    /* up to the maximum, inclusive */
    assert_int_equal(virDomainSetMemory(dom, 1048576), 0);
    assert_int_equal(infoOf(dom).memory, 1048576);
    assert_int_equal(virDomainSetMemory(dom, 1), 0);
    assert_int_equal(infoOf(dom).memory, 1);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_memory_above_max_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSetMemory(dom, 1048577), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "1048577");
    assert_int_equal(virDomainSetMemory(dom, (unsigned long)-1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "memory");
    assert_int_equal(infoOf(dom).memory, 524288);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_memory_zero_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSetMemory(dom, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "memory");
    assert_int_equal(infoOf(dom).memory, 524288);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_memory_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainSetMemory(NULL, 1024), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainSetMemory");
}

/* ---- virDomainGetInfo --------------------------------------------------- */

static void
test_get_info_running_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virDomainInfo info;
    unsigned long long before;

    memset(&info, 0xA5, sizeof(info));
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_no_error();
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.maxMem, 1048576);
    assert_int_equal(info.memory, 524288);
    assert_int_equal(info.nrVirtCpu, 2);
    before = info.cpuTime;
    sleepMs(20);
    assert_true(infoOf(dom).cpuTime >= before);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_info_paused_and_inactive_domains(void **state)
{
    domTest *t = *state;
    virDomainPtr gamma = lookup(t->conn, "gamma");
    virDomainPtr delta = lookup(t->conn, "delta");
    virDomainInfo info;

    info = infoOf(gamma);
    assert_int_equal(info.state, VIR_DOMAIN_PAUSED);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.nrVirtCpu, 1);
    info = infoOf(delta);
    assert_int_equal(info.state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(info.maxMem, 524288);
    assert_int_equal(info.memory, 524288);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(info.cpuTime, 0);
    assert_int_equal(virDomainFree(gamma), 0);
    assert_int_equal(virDomainFree(delta), 0);
}

static void
test_get_info_null_arguments_are_refused(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virDomainInfo info;

    assert_int_equal(virDomainGetInfo(dom, NULL), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "info");
    assert_int_equal(virDomainGetInfo(NULL, &info), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetInfo");
    assert_int_equal(virDomainFree(dom), 0);
}

/* ---- virDomainGetXMLDesc ------------------------------------------------ */

static void
test_get_xml_desc_describes_the_domain(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    char *xml = virDomainGetXMLDesc(dom, 0);
    char idattr[32];

    assert_non_null(xml);
    assert_no_error();
    assert_non_null(strstr(xml, "<domain"));
    assert_non_null(strstr(xml, "<name>alpha</name>"));
    assert_non_null(strstr(xml, API_ALPHA_UUID));
    assert_non_null(strstr(xml, "1048576"));
    assert_non_null(strstr(xml, "linux"));
    /* a running domain carries its ID */
    snprintf(idattr, sizeof(idattr), "id='%u'", virDomainGetID(dom));
    if (!strstr(xml, idattr)) {
        snprintf(idattr, sizeof(idattr), "id=\"%u\"", virDomainGetID(dom));
        assert_non_null(strstr(xml, idattr));
    }
    free(xml);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_xml_desc_of_inactive_domain_has_no_id(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->ro, "delta");
    char *xml = virDomainGetXMLDesc(dom, 0);

    assert_non_null(xml);
    assert_no_error();
    assert_non_null(strstr(xml, "<name>delta</name>"));
    assert_null(strstr(xml, " id="));
    free(xml);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_xml_desc_define_round_trip_is_byte_identical(void **state)
{
    domTest *t = *state;
    static const char *const names[] = { "delta", "epsilon" };
    size_t i;

    for (i = 0; i < 2; i++) {
        virDomainPtr dom = lookup(t->conn, names[i]);
        virDomainPtr again;
        char *first = virDomainGetXMLDesc(dom, 0);
        char *second;

        assert_non_null(first);
        again = virDomainDefineXML(t->conn, first);
        if (!again)
            fail_msg("redefining %s: %s", names[i], virGetLastErrorMessage());
        second = virDomainGetXMLDesc(again, 0);
        assert_non_null(second);
        assert_string_equal(first, second);
        assert_string_equal(virDomainGetName(again), names[i]);
        free(first);
        free(second);
        assert_int_equal(virDomainFree(again), 0);
        assert_int_equal(virDomainFree(dom), 0);
    }
}

static void
test_get_xml_desc_can_relaunch_the_domain_with_create_linux(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");
    char *xml = virDomainGetXMLDesc(dom, 0);
    virDomainPtr started;
    char uuid[37];

    assert_non_null(xml);
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainFree(dom), 0);
    started = virDomainCreateLinux(t->conn, xml, 0);
    if (!started)
        fail_msg("virDomainCreateLinux: %s", virGetLastErrorMessage());
    assert_string_equal(virDomainGetName(started), "delta");
    assert_int_equal(virDomainGetUUIDString(started, uuid), 0);
    assert_string_equal(uuid, API_DELTA_UUID);
    assert_int_equal(infoOf(started).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(infoOf(started).maxMem, 524288);
    assert_int_equal(virDomainFree(started), 0);
    free(xml);
}

static void
test_get_xml_desc_nonzero_flags_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_null(virDomainGetXMLDesc(dom, 1));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "flags");
    assert_null(virDomainGetXMLDesc(dom, -1));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "flags");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_xml_desc_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_null(virDomainGetXMLDesc(NULL, 0));
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetXMLDesc");
}

/* ---- virDomainSetVcpus -------------------------------------------------- */

static int
countOnline(const virVcpuInfo *info, int n)
{
    int i, online = 0;

    for (i = 0; i < n; i++) {
        if (info[i].state == VIR_VCPU_OFFLINE) {
            assert_int_equal(info[i].cpu, -1);
        } else {
            assert_int_equal(info[i].state, VIR_VCPU_RUNNING);
            assert_true(info[i].cpu >= 0 && info[i].cpu < API_NODE_CPUS);
            online++;
        }
    }
    return online;
}

static void
test_set_vcpus_grows_up_to_the_maximum(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virVcpuInfo info[8];

    assert_int_equal(virDomainSetVcpus(dom, 4), 0);
    assert_no_error();
    assert_int_equal(infoOf(dom).nrVirtCpu, 4);
    assert_int_equal(virDomainGetVcpus(dom, info, 8, NULL, 0), 4);
    assert_int_equal(countOnline(info, 4), 4);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_vcpus_shrinks_and_reports_offline_vcpus(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virVcpuInfo info[8];
    int i;

    assert_int_equal(virDomainSetVcpus(dom, 1), 0);
    assert_no_error();
    assert_int_equal(infoOf(dom).nrVirtCpu, 1);
    /* every vcpu up to the maximum is reported */
    assert_int_equal(virDomainGetVcpus(dom, info, 8, NULL, 0), 4);
    for (i = 0; i < 4; i++)
        assert_int_equal(info[i].number, (unsigned int)i);
    assert_int_equal(countOnline(info, 4), 1);
    assert_int_equal(info[0].state, VIR_VCPU_RUNNING);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_vcpus_zero_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSetVcpus(dom, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "nvcpus");
    assert_int_equal(infoOf(dom).nrVirtCpu, 2);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_vcpus_above_maximum_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");

    assert_int_equal(virDomainSetVcpus(dom, 5), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "5");
    assert_int_equal(virDomainSetVcpus(dom, 100000), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "100000");
    assert_int_equal(infoOf(dom).nrVirtCpu, 2);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_set_vcpus_null_is_invalid_domain(void **state)
{
    (void)state;
    assert_int_equal(virDomainSetVcpus(NULL, 1), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainSetVcpus");
}

/* ---- virDomainPinVcpu / virDomainGetVcpus -------------------------------- */

/* Maps of the first @nvcpus vcpus of @dom, API_NODE_MAPLEN bytes each. */
static void
readMaps(virDomainPtr dom, int nvcpus, virVcpuInfo *info, unsigned char *maps)
{
    int n = virDomainGetVcpus(dom, info, nvcpus, maps, API_NODE_MAPLEN);

    if (n < 0)
        fail_msg("virDomainGetVcpus: %s", virGetLastErrorMessage());
    assert_int_equal(n, nvcpus);
    assert_no_error();
}

static void
test_cpumap_macros_use_the_documented_bit_order(void **state)
{
    unsigned char map[API_NODE_MAPLEN] = { 0 };
    unsigned char maps[3 * API_NODE_MAPLEN] = { 0 };
    unsigned char copy[API_NODE_MAPLEN];

    (void)state;
    VIR_USE_CPU(map, 0);
    VIR_USE_CPU(map, 9);
    VIR_USE_CPU(map, 11);
    assert_int_equal(map[0], 0x01);
    assert_int_equal(map[1], 0x0A);
    VIR_UNUSE_CPU(map, 9);
    assert_int_equal(map[1], 0x08);
    assert_int_equal(VIR_CPU_MAPLEN(1), 1);
    assert_int_equal(VIR_CPU_MAPLEN(8), 1);
    assert_int_equal(VIR_CPU_MAPLEN(9), 2);
    assert_int_equal(VIR_CPU_MAPLEN(API_NODE_CPUS), API_NODE_MAPLEN);
    /* vcpu 2's map is the third */
    maps[2 * API_NODE_MAPLEN] = 0x80;
    maps[2 * API_NODE_MAPLEN + 1] = 0x04;
    assert_ptr_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 2), &maps[4]);
    assert_true(VIR_CPU_USABLE(maps, API_NODE_MAPLEN, 2, 7));
    assert_true(VIR_CPU_USABLE(maps, API_NODE_MAPLEN, 2, 10));
    assert_false(VIR_CPU_USABLE(maps, API_NODE_MAPLEN, 2, 6));
    assert_false(VIR_CPU_USABLE(maps, API_NODE_MAPLEN, 1, 7));
    VIR_COPY_CPUMAP(maps, API_NODE_MAPLEN, 2, copy);
    assert_int_equal(copy[0], 0x80);
    assert_int_equal(copy[1], 0x04);
}

static void
test_get_vcpus_default_affinity_is_every_node_cpu(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    virVcpuInfo info[2];
    unsigned char maps[2 * API_NODE_MAPLEN];
    int v, cpu;

    readMaps(dom, 2, info, maps);
    for (v = 0; v < 2; v++) {
        assert_int_equal(info[v].number, (unsigned int)v);
        assert_int_equal(info[v].state, VIR_VCPU_RUNNING);
        for (cpu = 0; cpu < API_NODE_CPUS; cpu++)
            assert_true(VIR_CPU_USABLE(maps, API_NODE_MAPLEN, v, cpu));
        assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, v)[0], 0xFF);
        assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, v)[1], 0x0F);
        /* the vcpu runs on a CPU it may use */
        assert_true(info[v].cpu >= 0 && info[v].cpu < API_NODE_CPUS);
    }
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_round_trips_through_get_vcpus(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char map[API_NODE_MAPLEN] = { 0 };
    unsigned char maps[2 * API_NODE_MAPLEN];
    unsigned char copy[API_NODE_MAPLEN];
    virVcpuInfo info[2];
    int cpu;

    VIR_USE_CPU(map, 0);
    VIR_USE_CPU(map, 9);
    VIR_USE_CPU(map, 11);
    assert_int_equal(virDomainPinVcpu(dom, 1, map, API_NODE_MAPLEN), 0);
    assert_no_error();
    readMaps(dom, 2, info, maps);
    /* raw bytes: byte 0 holds CPUs 0-7, LSB = lowest CPU */
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 1)[0], 0x01);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 1)[1], 0x0A);
    for (cpu = 0; cpu < API_NODE_CPUS; cpu++) {
        bool want = cpu == 0 || cpu == 9 || cpu == 11;

        assert_int_equal(!!VIR_CPU_USABLE(maps, API_NODE_MAPLEN, 1, cpu), want);
    }
    assert_true(info[1].cpu == 0 || info[1].cpu == 9 || info[1].cpu == 11);
    /* vcpu 0 untouched */
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[0], 0xFF);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[1], 0x0F);

    /* copy vcpu 1's map onto vcpu 0 */
    VIR_COPY_CPUMAP(maps, API_NODE_MAPLEN, 1, copy);
    assert_int_equal(virDomainPinVcpu(dom, 0, copy, API_NODE_MAPLEN), 0);
    readMaps(dom, 2, info, maps);
    assert_memory_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0),
                        VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 1), API_NODE_MAPLEN);

    /* a single CPU: the vcpu must run there */
    memset(map, 0, sizeof(map));
    VIR_USE_CPU(map, 5);
    assert_int_equal(virDomainPinVcpu(dom, 0, map, API_NODE_MAPLEN), 0);
    readMaps(dom, 2, info, maps);
    assert_int_equal(info[0].cpu, 5);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[0], 0x20);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[1], 0x00);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_is_seen_through_the_read_only_connection(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    virDomainPtr roDom = lookup(t->ro, "beta");
    unsigned char map[API_NODE_MAPLEN] = { 0x00, 0x04 };
    unsigned char maps[2 * API_NODE_MAPLEN];
    virVcpuInfo info[2];

    assert_int_equal(virDomainPinVcpu(dom, 1, map, API_NODE_MAPLEN), 0);
    readMaps(roDom, 2, info, maps);
    assert_int_equal(info[1].cpu, 10);
    assert_memory_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 1), map, API_NODE_MAPLEN);
    assert_int_equal(virDomainFree(roDom), 0);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_shorter_maplen_is_zero_filled(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char map[1] = { 0x30 };
    unsigned char maps[2 * API_NODE_MAPLEN];
    virVcpuInfo info[2];

    /* before: every CPU, byte 1 = 0x0F */
    assert_int_equal(virDomainPinVcpu(dom, 0, map, 1), 0);
    assert_no_error();
    readMaps(dom, 2, info, maps);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[0], 0x30);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[1], 0x00);
    assert_true(info[0].cpu == 4 || info[0].cpu == 5);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_longer_maplen_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char map[4] = { 0x01, 0x00, 0x00, 0x00 };
    unsigned char maps[2 * API_NODE_MAPLEN];
    virVcpuInfo info[2];

    /* VIR_CPU_MAPLEN(12) = 2: a third byte is too much, even a zero one */
    assert_int_equal(virDomainPinVcpu(dom, 0, map, API_NODE_MAPLEN + 1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "cpumap");
    assert_int_equal(virDomainPinVcpu(dom, 0, map, 4), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "cpumap");
    readMaps(dom, 2, info, maps);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[0], 0xFF);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_empty_map_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char empty[API_NODE_MAPLEN] = { 0, 0 };
    unsigned char outside[API_NODE_MAPLEN] = { 0x00, 0xF0 }; /* CPUs 12-15 */
    unsigned char maps[2 * API_NODE_MAPLEN];
    virVcpuInfo info[2];

    assert_int_equal(virDomainPinVcpu(dom, 0, empty, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "cpumap");
    assert_int_equal(virDomainPinVcpu(dom, 0, empty, 1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "cpumap");
    /* bits, but none for a CPU of the node */
    assert_int_equal(virDomainPinVcpu(dom, 0, outside, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "cpumap");
    readMaps(dom, 2, info, maps);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[0], 0xFF);
    assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, 0)[1], 0x0F);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_out_of_range_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char map[API_NODE_MAPLEN] = { 0x01, 0x00 };

    /* alpha has <vcpu current='2'>4</vcpu>: vcpus 0-3 exist */
    assert_int_equal(virDomainPinVcpu(dom, 4, map, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "4");
    assert_int_equal(virDomainPinVcpu(dom, 1000, map, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "1000");
    assert_int_equal(virDomainPinVcpu(dom, (unsigned int)-1, map, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "vcpu");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_bad_maplen_and_null_map_are_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char map[API_NODE_MAPLEN] = { 0x01, 0x00 };

    assert_int_equal(virDomainPinVcpu(dom, 0, map, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "maplen");
    assert_int_equal(virDomainPinVcpu(dom, 0, map, -1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "maplen");
    assert_int_equal(virDomainPinVcpu(dom, 0, NULL, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "cpumap");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");
    unsigned char map[API_NODE_MAPLEN] = { 0x01, 0x00 };

    assert_int_equal(virDomainPinVcpu(dom, 0, map, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_pin_vcpu_null_is_invalid_domain(void **state)
{
    unsigned char map[API_NODE_MAPLEN] = { 0x01, 0x00 };

    (void)state;
    /* the seed's "NULL for Domain0" has no connection to ask */
    assert_int_equal(virDomainPinVcpu(NULL, 0, map, API_NODE_MAPLEN), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainPinVcpu");
}

static void
test_get_vcpus_larger_maplen_is_zero_padded(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    enum { MAPLEN = API_NODE_MAPLEN + 3 };
    unsigned char maps[2 * MAPLEN + 4];
    virVcpuInfo info[2];
    int v;

    memset(maps, 0xEE, sizeof(maps));
    assert_int_equal(virDomainGetVcpus(dom, info, 2, maps, MAPLEN), 2);
    assert_no_error();
    for (v = 0; v < 2; v++) {
        unsigned char *m = VIR_GET_CPUMAP(maps, MAPLEN, v);

        assert_int_equal(m[0], 0xFF);
        assert_int_equal(m[1], 0x0F);
        assert_int_equal(m[2], 0x00);
        assert_int_equal(m[3], 0x00);
        assert_int_equal(m[4], 0x00);
    }
    /* nothing written past maxinfo * maplen */
    assert_int_equal(maps[2 * MAPLEN], 0xEE);
    assert_int_equal(maps[2 * MAPLEN + 3], 0xEE);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_vcpus_shorter_maplen_gets_the_first_bytes(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    unsigned char map[API_NODE_MAPLEN] = { 0x00, 0x02 }; /* CPU 9 */
    unsigned char maps[2 + 2];
    virVcpuInfo info[2];

    assert_int_equal(virDomainPinVcpu(dom, 0, map, API_NODE_MAPLEN), 0);
    memset(maps, 0xEE, sizeof(maps));
    assert_int_equal(virDomainGetVcpus(dom, info, 2, maps, 1), 2);
    assert_no_error();
    assert_int_equal(maps[0], 0x00); /* vcpu 0: CPUs 0-7 none */
    assert_int_equal(maps[1], 0xFF); /* vcpu 1: CPUs 0-7 all */
    assert_int_equal(maps[2], 0xEE);
    assert_int_equal(info[0].cpu, 9);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_vcpus_smaller_maxinfo_is_filled_up_to_maxinfo(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virVcpuInfo info[3];

    memset(info, 0x5A, sizeof(info));
    assert_int_equal(virDomainGetVcpus(dom, info, 1, NULL, 0), 1);
    assert_no_error();
    assert_int_equal(info[0].number, 0);
    assert_int_equal(info[0].state, VIR_VCPU_RUNNING);
    /* info[1] untouched */
    assert_int_equal(info[1].number, 0x5A5A5A5A);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_vcpus_cpu_time_never_goes_backwards(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "beta");
    virVcpuInfo a[2], b[2];

    assert_int_equal(virDomainGetVcpus(dom, a, 2, NULL, 0), 2);
    sleepMs(20);
    assert_int_equal(virDomainGetVcpus(dom, b, 2, NULL, 0), 2);
    assert_true(b[0].cpuTime >= a[0].cpuTime);
    assert_true(b[1].cpuTime >= a[1].cpuTime);
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_vcpus_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "delta");
    virVcpuInfo info[2];

    assert_int_equal(virDomainGetVcpus(dom, info, 2, NULL, 0), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "'delta' is not running");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_vcpus_bad_arguments_are_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    unsigned char maps[4 * API_NODE_MAPLEN];
    virVcpuInfo info[4];

    assert_int_equal(virDomainGetVcpus(dom, NULL, 4, NULL, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "info");
    assert_int_equal(virDomainGetVcpus(dom, info, 0, NULL, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "maxinfo");
    assert_int_equal(virDomainGetVcpus(dom, info, -2, NULL, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "maxinfo");
    assert_int_equal(virDomainGetVcpus(dom, info, 4, maps, 0), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "maplen");
    assert_int_equal(virDomainGetVcpus(dom, info, 4, maps, -1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "maplen");
    assert_int_equal(virDomainFree(dom), 0);
}

static void
test_get_vcpus_null_is_invalid_domain(void **state)
{
    virVcpuInfo info[1];

    (void)state;
    assert_int_equal(virDomainGetVcpus(NULL, info, 1, NULL, 0), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetVcpus");
}

/* ---- read-only connections ----------------------------------------------- */

#define assert_denied(call, fname) \
    do { \
        int before_ = apiQuietCalls; \
        assert_true(call); \
        assert_last_error(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOM, fname); \
        assert_int_equal(apiQuietCalls, before_ + 1); \
    } while (0)

static void
test_read_only_connection_refuses_every_write_call(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->ro, "alpha");
    virDomainPtr gamma = lookup(t->ro, "gamma");
    virDomainPtr delta = lookup(t->ro, "delta");
    virDomainPtr beta = lookup(t->conn, "beta");
    unsigned char map[API_NODE_MAPLEN] = { 0x01, 0x00 };
    char *xml = domXML("zeta", NULL, 131072, 1);
    char *savePath = tempPath(t, "beta.save");
    char *roSavePath = tempPath(t, "alpha.save");
    struct stat st;
    int i;

    /* a real save image for virDomainRestore */
    assert_int_equal(virDomainSave(beta, savePath), 0);

    assert_denied(virDomainCreateLinux(t->ro, xml, 0) == NULL, "virDomainCreateLinux");
    assert_denied(virDomainDefineXML(t->ro, xml) == NULL, "virDomainDefineXML");
    assert_denied(virDomainUndefine(delta) == -1, "virDomainUndefine");
    assert_denied(virDomainCreate(delta) == -1, "virDomainCreate");
    assert_denied(virDomainDestroy(alpha) == -1, "virDomainDestroy");
    assert_denied(virDomainSuspend(alpha) == -1, "virDomainSuspend");
    assert_denied(virDomainResume(gamma) == -1, "virDomainResume");
    assert_denied(virDomainShutdown(alpha) == -1, "virDomainShutdown");
    assert_denied(virDomainReboot(alpha, 0) == -1, "virDomainReboot");
    assert_denied(virDomainSave(alpha, roSavePath) == -1, "virDomainSave");
    assert_denied(virDomainRestore(t->ro, savePath) == -1, "virDomainRestore");
    assert_denied(virDomainSetMaxMemory(alpha, 2097152) == -1, "virDomainSetMaxMemory");
    assert_denied(virDomainSetMemory(alpha, 262144) == -1, "virDomainSetMemory");
    assert_denied(virDomainSetVcpus(alpha, 1) == -1, "virDomainSetVcpus");
    assert_denied(virDomainPinVcpu(alpha, 0, map, API_NODE_MAPLEN) == -1, "virDomainPinVcpu");

    /* ... and nothing changed */
    assert_false(exists(t->conn, "zeta"));
    assert_true(isDefinedInactive(t->conn, "delta"));
    assert_true(isDefinedInactive(t->conn, "beta"));
    assert_int_equal(infoOf(alpha).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(infoOf(alpha).memory, 524288);
    assert_int_equal(infoOf(alpha).maxMem, 1048576);
    assert_int_equal(infoOf(alpha).nrVirtCpu, 2);
    assert_int_equal(infoOf(gamma).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(stat(roSavePath, &st), -1);
    {
        virVcpuInfo info[2];
        unsigned char maps[2 * API_NODE_MAPLEN];

        readMaps(alpha, 2, info, maps);
        for (i = 0; i < 2; i++)
            assert_int_equal(VIR_GET_CPUMAP(maps, API_NODE_MAPLEN, i)[0], 0xFF);
    }
    assert_int_equal(virDomainFree(alpha), 0);
    assert_int_equal(virDomainFree(gamma), 0);
    assert_int_equal(virDomainFree(delta), 0);
    assert_int_equal(virDomainFree(beta), 0);
    free(xml);
    free(savePath);
    free(roSavePath);
}

static void
test_read_only_denial_comes_before_argument_checks(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->ro, "alpha");

    assert_denied(virDomainDefineXML(t->ro, NULL) == NULL, "virDomainDefineXML");
    assert_denied(virDomainSetMemory(alpha, 0) == -1, "virDomainSetMemory");
    assert_denied(virDomainPinVcpu(alpha, 0, NULL, 0) == -1, "virDomainPinVcpu");
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_read_only_connection_allows_every_read_call(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha, dom;
    unsigned char uuid[16];
    char uuidstr[37];
    virDomainInfo info;
    virVcpuInfo vinfo[4];
    unsigned char maps[4 * API_NODE_MAPLEN];
    virDomainMemoryStatStruct mstats[VIR_DOMAIN_MEMORY_STAT_NR];
    virNodeInfo node;
    unsigned long ver;
    const char *names[4];
    int ids[4], n, i;
    char *s;

    alpha = virDomainLookupByName(t->ro, "alpha");
    assert_non_null(alpha);
    assert_no_error();
    dom = virDomainLookupByID(t->ro, (int)virDomainGetID(alpha));
    assert_non_null(dom);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virDomainGetUUID(alpha, uuid), 0);
    dom = virDomainLookupByUUID(t->ro, uuid);
    assert_non_null(dom);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(virDomainGetUUIDString(alpha, uuidstr), 0);
    dom = virDomainLookupByUUIDString(t->ro, uuidstr);
    assert_non_null(dom);
    assert_int_equal(virDomainFree(dom), 0);
    assert_string_equal(virDomainGetName(alpha), "alpha");
    assert_true(virDomainGetID(alpha) != (unsigned int)-1);
    s = virDomainGetOSType(alpha);
    assert_non_null(s);
    free(s);
    assert_int_equal(virDomainGetMaxMemory(alpha), 1048576);
    assert_int_equal(virDomainGetInfo(alpha, &info), 0);
    s = virDomainGetXMLDesc(alpha, 0);
    assert_non_null(s);
    free(s);
    assert_int_equal(virDomainGetVcpus(alpha, vinfo, 4, maps, API_NODE_MAPLEN), 4);
    assert_int_equal(virDomainMemoryStats(alpha, mstats, VIR_DOMAIN_MEMORY_STAT_NR, 0), 1);
    assert_no_error();
    assert_int_equal(virNodeGetInfo(t->ro, &node), 0);
    assert_true(virNodeGetFreeMemory(t->ro) > 0);
    assert_int_equal(virConnectGetVersion(t->ro, &ver), 0);
    assert_string_equal(virConnectGetType(t->ro), "TEST");
    assert_int_equal(virConnectNumOfDomains(t->ro), 3);
    assert_int_equal(virConnectListDomains(t->ro, ids, 4), 3);
    n = virConnectListDefinedDomains(t->ro, names, 4);
    assert_int_equal(n, 2);
    for (i = 0; i < n; i++)
        free((char *)names[i]);
    assert_no_error();
    assert_int_equal(virDomainFree(alpha), 0);
    assert_no_error();
}

static void
test_state_changes_through_rw_are_seen_through_ro_handles(void **state)
{
    domTest *t = *state;
    virDomainPtr rw = lookup(t->conn, "alpha");
    virDomainPtr ro = lookup(t->ro, "alpha");

    assert_int_equal(virDomainSuspend(rw), 0);
    assert_int_equal(infoOf(ro).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainSetMemory(rw, 333333), 0);
    assert_int_equal(infoOf(ro).memory, 333333);
    assert_int_equal(virDomainResume(rw), 0);
    assert_int_equal(infoOf(ro).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainFree(ro), 0);
    assert_int_equal(virDomainFree(rw), 0);
}

/* ---- virDomainMemoryStats (beyond the seed) ------------------------------ */

#define STAT_SENTINEL 0x5a5a5a5a5a5a5a5aULL

static void
fillSentinel(virDomainMemoryStatPtr stats, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        stats[i].tag = -7;
        stats[i].val = STAT_SENTINEL;
    }
}

static void
test_memory_stats_running_domain_reports_its_balloon(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    assert_int_equal(virDomainMemoryStats(alpha, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), 1);
    assert_no_error();
    assert_int_equal(stats[0].tag, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON);
    assert_int_equal(stats[0].val, 524288);
    assert_int_equal(virDomainSetMemory(alpha, 300000), 0);
    assert_int_equal(virDomainMemoryStats(alpha, stats, 1, 0), 1);
    assert_int_equal(stats[0].val, 300000);
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_memory_stats_paused_domain_still_has_its_balloon(void **state)
{
    domTest *t = *state;
    virDomainPtr gamma = lookup(t->conn, "gamma");
    virDomainMemoryStatStruct stats[2];

    assert_int_equal(virDomainMemoryStats(gamma, stats, 2, 0), 1);
    assert_int_equal(stats[0].tag, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON);
    assert_int_equal(stats[0].val, 262144);
    assert_int_equal(virDomainFree(gamma), 0);
}

static void
test_memory_stats_null_stats_or_zero_nr_asks_for_nothing(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainMemoryStatStruct stats[2];

    fillSentinel(stats, 2);
    assert_int_equal(virDomainMemoryStats(alpha, NULL, 5, 0), 0);
    assert_no_error();
    assert_int_equal(virDomainMemoryStats(alpha, stats, 0, 0), 0);
    assert_no_error();
    assert_int_equal(stats[0].tag, -7);
    assert_true(stats[0].val == STAT_SENTINEL);
    /* as in libvirt, the shortcut comes before the flags are looked at */
    assert_int_equal(virDomainMemoryStats(alpha, NULL, 0, 1), 0);
    assert_no_error();
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_memory_stats_nonzero_flags_is_invalid_arg(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    assert_int_equal(virDomainMemoryStats(alpha, stats, VIR_DOMAIN_MEMORY_STAT_NR, 1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "virDomainMemoryStats");
    assert_int_equal(virDomainMemoryStats(alpha, stats, 1, 0x80000000u), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "0x80000000");
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_memory_stats_nr_above_the_tag_count_fills_at_most_that(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR + 7];
    size_t i;

    fillSentinel(stats, XV_N_ELEMENTS(stats));
    assert_int_equal(virDomainMemoryStats(alpha, stats, XV_N_ELEMENTS(stats), 0), 1);
    assert_int_equal(stats[0].tag, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON);
    /* the entries it may fill are zeroed first, the others never touched */
    for (i = 1; i < VIR_DOMAIN_MEMORY_STAT_NR; i++) {
        assert_int_equal(stats[i].tag, 0);
        assert_true(stats[i].val == 0);
    }
    for (; i < XV_N_ELEMENTS(stats); i++) {
        assert_int_equal(stats[i].tag, -7);
        assert_true(stats[i].val == STAT_SENTINEL);
    }
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_memory_stats_inactive_domain_is_operation_invalid(void **state)
{
    domTest *t = *state;
    virDomainPtr delta = lookup(t->conn, "delta");
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    assert_int_equal(virDomainMemoryStats(delta, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "not running");
    assert_int_equal(virDomainFree(delta), 0);
}

static void
test_memory_stats_tags_have_libvirt_9_values(void **state)
{
    (void)state;
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_SWAP_IN, 0);
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_UNUSED, 4);
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_AVAILABLE, 5);
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, 6);
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_USABLE, 8);
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, 12);
    assert_int_equal(VIR_DOMAIN_MEMORY_STAT_NR, 13);
    assert_int_equal(sizeof(virDomainMemoryStatStruct), 16);
}

/* ---- invalid handles ----------------------------------------------------- */


/* ---- virDomainBlockStats, virDomainInterfaceStats (beyond the seed) ------- */

#define STATS_SENTINEL 0x5a5a5a5a5a5a5a5aLL

static void
test_block_stats_of_a_running_domain_without_rates_are_zero(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->ro, "alpha");
    virDomainBlockStatsStruct st;

    memset(&st, 0x5a, sizeof(st));
    assert_int_equal(virDomainBlockStats(alpha, "xvda", &st, sizeof(st)), 0);
    assert_no_error();
    assert_true(st.rd_req == 0 && st.rd_bytes == 0 && st.wr_req == 0 && st.wr_bytes == 0 &&
                st.errs == 0);
    assert_int_equal(virDomainBlockStats(alpha, "/var/lib/xen/alpha.img", &st, sizeof(st)), 0);
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_block_stats_checks_its_arguments(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha"), delta = lookup(t->conn, "delta");
    virDomainBlockStatsStruct st[2];

    assert_int_equal(virDomainBlockStats(NULL, "xvda", st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainBlockStats");
    assert_int_equal(virDomainBlockStats(alpha, NULL, st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "virDomainBlockStats");
    assert_int_equal(virDomainBlockStats(alpha, "xvda", NULL, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "virDomainBlockStats");
    /* a structure larger than ours is a caller built against another one */
    assert_int_equal(virDomainBlockStats(alpha, "xvda", st, sizeof(st[0]) + 1), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "must not exceed");
    assert_int_equal(virDomainBlockStats(alpha, "xvdq", st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "invalid path: xvdq");
    assert_int_equal(virDomainBlockStats(delta, "xvda", st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, VIR_FROM_TEST, "domain is not running");
    assert_int_equal(virDomainFree(delta), 0);
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_block_stats_shorter_size_writes_only_that_many_bytes(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virDomainBlockStatsStruct st;

    memset(&st, 0x5a, sizeof(st));
    assert_int_equal(virDomainBlockStats(alpha, "xvda", &st, sizeof(long long)), 0);
    assert_int_equal(st.rd_req, 0);
    assert_int_equal(st.rd_bytes, STATS_SENTINEL);
    assert_int_equal(st.errs, STATS_SENTINEL);
    memset(&st, 0x5a, sizeof(st));
    assert_int_equal(virDomainBlockStats(alpha, "xvda", &st, 0), 0);
    assert_int_equal(st.rd_req, STATS_SENTINEL);
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_interface_stats_checks_its_arguments_and_size(void **state)
{
    domTest *t = *state;
    virDomainPtr alpha = lookup(t->conn, "alpha");
    virConnectPtr def = virConnectOpenReadOnly("test:///default");
    virDomainPtr test;
    virDomainInterfaceStatsStruct st[2];

    assert_non_null(def);
    test = lookup(def, "test");
    assert_int_equal(virDomainInterfaceStats(NULL, "vif1.0", st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainInterfaceStats");
    assert_int_equal(virDomainInterfaceStats(alpha, NULL, st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "virDomainInterfaceStats");
    assert_int_equal(virDomainInterfaceStats(alpha, "vif1.0", NULL, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "virDomainInterfaceStats");
    assert_int_equal(virDomainInterfaceStats(alpha, "vif1.0", st, sizeof(st[0]) + 8), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOM, "must not exceed");
    assert_int_equal(virDomainInterfaceStats(alpha, "vif1.0", st, sizeof(st[0])), -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_TEST, "'vif1.0' is not a known interface");
    memset(st, 0x5a, sizeof(st));
    assert_int_equal(virDomainInterfaceStats(test, "testnet0", st, 4 * sizeof(long long)), 0);
    assert_no_error();
    assert_true(st[0].rx_bytes >= 0 && st[0].rx_drop >= 0);
    assert_int_equal(st[0].tx_bytes, STATS_SENTINEL);
    assert_int_equal(st[0].tx_drop, STATS_SENTINEL);
    assert_int_equal(virDomainFree(test), 0);
    assert_int_equal(virConnectClose(def), 0);
    assert_int_equal(virDomainFree(alpha), 0);
}

static void
test_every_domain_call_refuses_a_null_handle(void **state)
{
    unsigned char uuid[16];
    char buf[37];
    virDomainInfo info;
    virVcpuInfo vinfo[1];
    unsigned char map[1] = { 1 };
    virDomainMemoryStatStruct mstats[1];

    (void)state;
#define NULL_DOM(call, fname) \
    do { \
        assert_true(call); \
        assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, fname); \
    } while (0)
    NULL_DOM(virDomainUndefine(NULL) == -1, "virDomainUndefine");
    NULL_DOM(virDomainCreate(NULL) == -1, "virDomainCreate");
    NULL_DOM(virDomainFree(NULL) == -1, "virDomainFree");
    NULL_DOM(virDomainDestroy(NULL) == -1, "virDomainDestroy");
    NULL_DOM(virDomainSuspend(NULL) == -1, "virDomainSuspend");
    NULL_DOM(virDomainResume(NULL) == -1, "virDomainResume");
    NULL_DOM(virDomainShutdown(NULL) == -1, "virDomainShutdown");
    NULL_DOM(virDomainReboot(NULL, 0) == -1, "virDomainReboot");
    NULL_DOM(virDomainSave(NULL, "/tmp/x") == -1, "virDomainSave");
    NULL_DOM(virDomainGetName(NULL) == NULL, "virDomainGetName");
    NULL_DOM(virDomainGetID(NULL) == (unsigned int)-1, "virDomainGetID");
    NULL_DOM(virDomainGetUUID(NULL, uuid) == -1, "virDomainGetUUID");
    NULL_DOM(virDomainGetUUIDString(NULL, buf) == -1, "virDomainGetUUIDString");
    NULL_DOM(virDomainGetOSType(NULL) == NULL, "virDomainGetOSType");
    NULL_DOM(virDomainGetMaxMemory(NULL) == 0, "virDomainGetMaxMemory");
    NULL_DOM(virDomainSetMaxMemory(NULL, 1024) == -1, "virDomainSetMaxMemory");
    NULL_DOM(virDomainSetMemory(NULL, 1024) == -1, "virDomainSetMemory");
    NULL_DOM(virDomainGetInfo(NULL, &info) == -1, "virDomainGetInfo");
    NULL_DOM(virDomainGetXMLDesc(NULL, 0) == NULL, "virDomainGetXMLDesc");
    NULL_DOM(virDomainSetVcpus(NULL, 1) == -1, "virDomainSetVcpus");
    NULL_DOM(virDomainPinVcpu(NULL, 0, map, 1) == -1, "virDomainPinVcpu");
    NULL_DOM(virDomainGetVcpus(NULL, vinfo, 1, NULL, 0) == -1, "virDomainGetVcpus");
    /* the handle is checked before the "nothing asked" shortcut */
    NULL_DOM(virDomainMemoryStats(NULL, mstats, 1, 0) == -1, "virDomainMemoryStats");
    NULL_DOM(virDomainMemoryStats(NULL, NULL, 0, 0) == -1, "virDomainMemoryStats");
#undef NULL_DOM
}

static void
test_every_connection_call_of_domains_refuses_a_null_connection(void **state)
{
    static const unsigned char uuid[16];

    (void)state;
#define NULL_CONN(call, fname) \
    do { \
        assert_true(call); \
        assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_DOM, fname); \
    } while (0)
    NULL_CONN(virDomainCreateLinux(NULL, "<domain/>", 0) == NULL, "virDomainCreateLinux");
    NULL_CONN(virDomainDefineXML(NULL, "<domain/>") == NULL, "virDomainDefineXML");
    NULL_CONN(virDomainLookupByID(NULL, 1) == NULL, "virDomainLookupByID");
    NULL_CONN(virDomainLookupByName(NULL, "a") == NULL, "virDomainLookupByName");
    NULL_CONN(virDomainLookupByUUID(NULL, uuid) == NULL, "virDomainLookupByUUID");
    NULL_CONN(virDomainLookupByUUIDString(NULL, API_ALPHA_UUID) == NULL,
              "virDomainLookupByUUIDString");
    NULL_CONN(virDomainRestore(NULL, "/tmp/x") == -1, "virDomainRestore");
#undef NULL_CONN
}

static void
test_fake_domain_object_is_invalid_domain(void **state)
{
    unsigned long long fake[64];
    virDomainPtr dom = (virDomainPtr)(void *)fake;
    virDomainInfo info;

    (void)state;
    memset(fake, 0, sizeof(fake));
    assert_null(virDomainGetName(dom));
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetName");
    assert_int_equal(virDomainGetInfo(dom, &info), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainGetInfo");
    assert_int_equal(virDomainSuspend(dom), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainSuspend");
    assert_int_equal(virDomainFree(dom), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainFree");
    assert_int_equal(virDomainDestroy(dom), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainDestroy");
    assert_int_equal(virDomainMemoryStats(dom, NULL, 0, 0), -1);
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM, "virDomainMemoryStats");
}

/* ---- error dispatch ------------------------------------------------------ */

static void
test_failing_call_dispatches_once_and_records_on_the_connection(void **state)
{
    domTest *t = *state;
    int before = apiQuietCalls;
    virErrorPtr connErr;
    virDomainPtr dom;

    assert_null(virDomainLookupByName(t->conn, "nope"));
    assert_int_equal(apiQuietCalls, before + 1);
    assert_int_equal(apiQuietLastCode, VIR_ERR_NO_DOMAIN);
    connErr = virConnGetLastError(t->conn);
    assert_non_null(connErr);
    assert_int_equal(connErr->code, VIR_ERR_NO_DOMAIN);
    assert_non_null(strstr(connErr->message, "nope"));
    /* only the failing connection records it */
    assert_null(virConnGetLastError(t->ro));
    /* a successful call dispatches nothing */
    dom = lookup(t->conn, "alpha");
    assert_int_equal(apiQuietCalls, before + 1);
    assert_int_equal(virDomainFree(dom), 0);
    assert_int_equal(apiQuietCalls, before + 1);
}

static void
test_domain_call_failure_is_recorded_on_its_connection(void **state)
{
    domTest *t = *state;
    virDomainPtr dom = lookup(t->conn, "alpha");
    virErrorPtr connErr;

    virConnResetLastError(t->conn);
    assert_int_equal(virDomainResume(dom), -1);
    connErr = virConnGetLastError(t->conn);
    assert_non_null(connErr);
    assert_int_equal(connErr->code, VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virDomainFree(dom), 0);
}

static const struct CMUnitTest tests[] = {
    DOM_TEST(test_define_xml_defines_an_inactive_domain),
    DOM_TEST(test_define_xml_is_seen_through_the_read_only_connection),
    DOM_TEST(test_define_xml_without_uuid_generates_one),
    DOM_TEST(test_define_xml_same_name_and_uuid_replaces_the_definition),
    DOM_TEST(test_define_xml_name_clash_is_dom_exist),
    DOM_TEST(test_define_xml_uuid_clash_under_another_name_is_refused),
    DOM_TEST(test_define_xml_not_well_formed_is_xml_error),
    DOM_TEST(test_define_xml_wrong_root_is_xml_error),
    DOM_TEST(test_define_xml_missing_name_is_reported),
    DOM_TEST(test_define_xml_missing_os_is_reported),
    DOM_TEST(test_define_xml_unknown_os_type_is_reported),
    DOM_TEST(test_define_xml_bad_memory_is_xml_error),
    DOM_TEST(test_define_xml_zero_vcpus_is_xml_error),
    DOM_TEST(test_define_xml_bad_uuid_is_xml_error),
    DOM_TEST(test_define_xml_unsupported_domain_type_is_xml_error),
    DOM_TEST(test_define_xml_failure_changes_nothing),
    DOM_TEST(test_define_xml_null_xml_is_invalid_arg),
    cmocka_unit_test(test_define_xml_null_conn_is_invalid_conn),
    DOM_TEST(test_define_xml_success_clears_previous_error),
    DOM_TEST(test_create_linux_starts_a_transient_domain),
    DOM_TEST(test_create_linux_domain_vanishes_when_destroyed),
    DOM_TEST(test_create_linux_ids_are_unique),
    DOM_TEST(test_create_linux_name_of_existing_domain_is_dom_exist),
    DOM_TEST(test_create_linux_bad_xml_is_reported),
    DOM_TEST(test_create_linux_nonzero_flags_is_invalid_arg),
    DOM_TEST(test_create_linux_null_xml_is_invalid_arg),
    cmocka_unit_test(test_create_linux_null_conn_is_invalid_conn),
    DOM_TEST(test_undefine_removes_an_inactive_domain),
    DOM_TEST(test_undefine_running_domain_keeps_it_running_as_transient),
    DOM_TEST(test_undefine_transient_domain_is_operation_invalid),
    DOM_TEST(test_undefine_twice_is_no_domain),
    cmocka_unit_test(test_undefine_null_is_invalid_domain),
    DOM_TEST(test_create_starts_a_defined_domain),
    DOM_TEST(test_create_gives_a_new_id_each_start),
    DOM_TEST(test_create_running_domain_is_operation_invalid),
    DOM_TEST(test_create_paused_domain_is_operation_invalid),
    DOM_TEST(test_create_undefined_domain_is_no_domain),
    cmocka_unit_test(test_create_null_is_invalid_domain),
    DOM_TEST(test_lookup_by_id_finds_a_running_domain),
    DOM_TEST(test_lookup_by_id_finds_a_paused_domain),
    DOM_TEST(test_lookup_by_id_unknown_is_no_domain),
    DOM_TEST(test_lookup_by_id_of_stopped_domain_is_no_domain),
    DOM_TEST(test_lookup_by_id_negative_is_invalid_arg),
    cmocka_unit_test(test_lookup_by_id_null_conn_is_invalid_conn),
    DOM_TEST(test_lookup_by_name_finds_an_inactive_domain),
    DOM_TEST(test_lookup_by_name_unknown_is_no_domain),
    DOM_TEST(test_lookup_by_name_is_case_sensitive),
    DOM_TEST(test_lookup_by_name_null_name_is_invalid_arg),
    cmocka_unit_test(test_lookup_by_name_null_conn_is_invalid_conn),
    DOM_TEST(test_lookup_by_uuid_finds_the_domain),
    DOM_TEST(test_lookup_by_uuid_unknown_is_no_domain),
    DOM_TEST(test_lookup_by_uuid_null_uuid_is_invalid_arg),
    cmocka_unit_test(test_lookup_by_uuid_null_conn_is_invalid_conn),
    DOM_TEST(test_lookup_by_uuid_string_accepts_dashed_plain_and_uppercase),
    DOM_TEST(test_lookup_by_uuid_string_invalid_is_invalid_arg),
    DOM_TEST(test_lookup_by_uuid_string_unknown_is_no_domain),
    DOM_TEST(test_lookup_by_uuid_string_null_is_invalid_arg),
    DOM_TEST(test_free_leaves_the_domain_running),
    cmocka_unit_test(test_free_null_is_invalid_domain),
    DOM_TEST(test_handles_of_one_domain_are_independent),
    DOM_TEST(test_destroy_stops_a_running_domain_and_frees_the_handle),
    DOM_TEST(test_destroy_stops_a_paused_domain),
    DOM_TEST(test_destroy_leaves_other_handles_usable),
    DOM_TEST(test_destroy_inactive_domain_is_operation_invalid),
    cmocka_unit_test(test_destroy_null_is_invalid_domain),
    DOM_TEST(test_suspend_then_resume_round_trip),
    DOM_TEST(test_paused_domain_uses_no_cpu_time),
    DOM_TEST(test_suspend_paused_domain_is_operation_invalid),
    DOM_TEST(test_suspend_inactive_domain_is_operation_invalid),
    DOM_TEST(test_resume_running_domain_is_operation_invalid),
    DOM_TEST(test_resume_inactive_domain_is_operation_invalid),
    DOM_TEST(test_resume_paused_domain_from_node_file),
    cmocka_unit_test(test_suspend_and_resume_null_is_invalid_domain),
    DOM_TEST(test_shutdown_stops_a_running_domain),
    DOM_TEST(test_shutdown_inactive_domain_is_operation_invalid),
    cmocka_unit_test(test_shutdown_null_is_invalid_domain),
    DOM_TEST(test_reboot_keeps_the_domain_active),
    DOM_TEST(test_reboot_nonzero_flags_is_invalid_arg),
    DOM_TEST(test_reboot_inactive_domain_is_operation_invalid),
    cmocka_unit_test(test_reboot_null_is_invalid_domain),
    DOM_TEST(test_save_then_restore_round_trip),
    DOM_TEST(test_save_transient_domain_vanishes_and_restore_brings_it_back),
    DOM_TEST(test_save_inactive_domain_is_operation_invalid),
    DOM_TEST(test_save_to_unwritable_path_fails_and_keeps_domain_running),
    DOM_TEST(test_save_null_path_is_invalid_arg),
    cmocka_unit_test(test_save_null_domain_is_invalid_domain),
    DOM_TEST(test_restore_missing_file_is_reported),
    DOM_TEST(test_restore_garbage_file_is_reported),
    DOM_TEST(test_restore_while_the_domain_runs_again_is_refused),
    DOM_TEST(test_restore_null_arguments_are_refused),
    DOM_TEST(test_get_name_lives_as_long_as_the_handle),
    cmocka_unit_test(test_get_name_null_is_invalid_domain),
    DOM_TEST(test_get_id_matches_list_domains),
    DOM_TEST(test_get_id_of_inactive_domain_is_minus_one_without_error),
    DOM_TEST(test_get_id_follows_the_handle_through_create_and_suspend),
    cmocka_unit_test(test_get_id_null_is_invalid_domain),
    DOM_TEST(test_get_uuid_returns_the_raw_bytes),
    DOM_TEST(test_get_uuid_null_arguments_are_refused),
    DOM_TEST(test_get_uuid_string_is_lowercase_dashed),
    DOM_TEST(test_get_uuid_string_null_arguments_are_refused),
    DOM_TEST(test_get_os_type_returns_a_new_string),
    cmocka_unit_test(test_get_os_type_null_is_invalid_domain),
    DOM_TEST(test_get_max_memory_reports_the_definition),
    cmocka_unit_test(test_get_max_memory_null_is_invalid_domain),
    DOM_TEST(test_set_max_memory_raises_the_limit),
    DOM_TEST(test_set_max_memory_below_current_lowers_current),
    DOM_TEST(test_set_max_memory_of_inactive_domain_changes_its_definition),
    DOM_TEST(test_set_max_memory_zero_is_invalid_arg),
    cmocka_unit_test(test_set_max_memory_null_is_invalid_domain),
    DOM_TEST(test_set_memory_changes_the_target),
    DOM_TEST(test_set_memory_above_max_is_invalid_arg),
    DOM_TEST(test_set_memory_zero_is_invalid_arg),
    cmocka_unit_test(test_set_memory_null_is_invalid_domain),
    DOM_TEST(test_get_info_running_domain),
    DOM_TEST(test_get_info_paused_and_inactive_domains),
    DOM_TEST(test_get_info_null_arguments_are_refused),
    DOM_TEST(test_get_xml_desc_describes_the_domain),
    DOM_TEST(test_get_xml_desc_of_inactive_domain_has_no_id),
    DOM_TEST(test_get_xml_desc_define_round_trip_is_byte_identical),
    DOM_TEST(test_get_xml_desc_can_relaunch_the_domain_with_create_linux),
    DOM_TEST(test_get_xml_desc_nonzero_flags_is_invalid_arg),
    cmocka_unit_test(test_get_xml_desc_null_is_invalid_domain),
    DOM_TEST(test_set_vcpus_grows_up_to_the_maximum),
    DOM_TEST(test_set_vcpus_shrinks_and_reports_offline_vcpus),
    DOM_TEST(test_set_vcpus_zero_is_invalid_arg),
    DOM_TEST(test_set_vcpus_above_maximum_is_invalid_arg),
    cmocka_unit_test(test_set_vcpus_null_is_invalid_domain),
    cmocka_unit_test(test_cpumap_macros_use_the_documented_bit_order),
    DOM_TEST(test_get_vcpus_default_affinity_is_every_node_cpu),
    DOM_TEST(test_pin_vcpu_round_trips_through_get_vcpus),
    DOM_TEST(test_pin_vcpu_is_seen_through_the_read_only_connection),
    DOM_TEST(test_pin_vcpu_shorter_maplen_is_zero_filled),
    DOM_TEST(test_pin_vcpu_longer_maplen_is_invalid_arg),
    DOM_TEST(test_pin_vcpu_empty_map_is_invalid_arg),
    DOM_TEST(test_pin_vcpu_out_of_range_is_invalid_arg),
    DOM_TEST(test_pin_vcpu_bad_maplen_and_null_map_are_invalid_arg),
    DOM_TEST(test_pin_vcpu_inactive_domain_is_operation_invalid),
    cmocka_unit_test(test_pin_vcpu_null_is_invalid_domain),
    DOM_TEST(test_get_vcpus_larger_maplen_is_zero_padded),
    DOM_TEST(test_get_vcpus_shorter_maplen_gets_the_first_bytes),
    DOM_TEST(test_get_vcpus_smaller_maxinfo_is_filled_up_to_maxinfo),
    DOM_TEST(test_get_vcpus_cpu_time_never_goes_backwards),
    DOM_TEST(test_get_vcpus_inactive_domain_is_operation_invalid),
    DOM_TEST(test_get_vcpus_bad_arguments_are_invalid_arg),
    cmocka_unit_test(test_get_vcpus_null_is_invalid_domain),
    DOM_TEST(test_read_only_connection_refuses_every_write_call),
    DOM_TEST(test_read_only_denial_comes_before_argument_checks),
    DOM_TEST(test_read_only_connection_allows_every_read_call),
    DOM_TEST(test_state_changes_through_rw_are_seen_through_ro_handles),
    DOM_TEST(test_memory_stats_running_domain_reports_its_balloon),
    DOM_TEST(test_memory_stats_paused_domain_still_has_its_balloon),
    DOM_TEST(test_memory_stats_null_stats_or_zero_nr_asks_for_nothing),
    DOM_TEST(test_memory_stats_nonzero_flags_is_invalid_arg),
    DOM_TEST(test_memory_stats_nr_above_the_tag_count_fills_at_most_that),
    DOM_TEST(test_memory_stats_inactive_domain_is_operation_invalid),
    DOM_TEST(test_block_stats_of_a_running_domain_without_rates_are_zero),
    DOM_TEST(test_block_stats_checks_its_arguments),
    DOM_TEST(test_block_stats_shorter_size_writes_only_that_many_bytes),
    DOM_TEST(test_interface_stats_checks_its_arguments_and_size),
    cmocka_unit_test(test_memory_stats_tags_have_libvirt_9_values),
    cmocka_unit_test(test_every_domain_call_refuses_a_null_handle),
    cmocka_unit_test(test_every_connection_call_of_domains_refuses_a_null_connection),
    cmocka_unit_test(test_fake_domain_object_is_invalid_domain),
    DOM_TEST(test_failing_call_dispatches_once_and_records_on_the_connection),
    DOM_TEST(test_domain_call_failure_is_recorded_on_its_connection),
};

API_TEST_MAIN(tests)
