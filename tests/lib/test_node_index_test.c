/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_node_index_test.c: white-box tests of the test driver's domain
 * indexes (lib/test/test_node.c): by name, by UUID, by ID, and the ordered
 * active IDs that virConnectListDomains copies. After every life-cycle step
 * (define, start, destroy, undefine, reboot, crash and restart, a transient
 * domain vanishing) each index must agree with the domain list. And the
 * vcpu placement, now computed a byte at a time, against the bit-by-bit
 * rule it replaced. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "test/test_node.h"
#include "util/xvhash.h"
#include "xvtest.h"

#define NODE_HEAD \
    "<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0' " \
    "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n" \
    "<cpu><active>12</active><nodes>1</nodes><sockets>1</sockets><cores>6</cores>" \
    "<threads>2</threads></cpu>\n"

static int
compareInt(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

/* Every index agrees with node->domains. */
static void
assertIndexesAgree(xvTestNode *node)
{
    size_t n = 0, active = 0, i;
    xvTestDom *dom;
    int id;

    for (dom = node->domains; dom; dom = dom->next) {
        n++;
        assert_ptr_equal(xvTestNodeFindByName(node, dom->def->name), dom);
        assert_ptr_equal(xvTestNodeFindByUUID(node, dom->def->uuid), dom);
        if (xvTestDomIsActive(dom)) {
            active++;
            assert_ptr_equal(xvTestNodeFindByID(node, dom->id), dom);
            assert_non_null(bsearch(&dom->id, node->activeIDs, node->nactive, sizeof(int),
                                    compareInt));
        }
    }
    assert_int_equal(n, node->ndomains);
    assert_int_equal(active, node->nactive);
    assert_int_equal(xvHashCount(node->byName), n);
    assert_int_equal(xvHashCount(node->byUUID), n);
    for (i = 0; i < node->nactive; i++) {
        if (i > 0)
            assert_true(node->activeIDs[i - 1] < node->activeIDs[i]);
        assert_ptr_equal(xvTestNodeFindByID(node, node->activeIDs[i]), node->activeDoms[i]);
        assert_int_equal(node->activeDoms[i]->id, node->activeIDs[i]);
    }
    /* and every ID not running is unknown, whatever the shortcuts remember */
    for (id = -1; id <= node->nextID; id++) {
        bool running = bsearch(&id, node->activeIDs, node->nactive, sizeof(int),
                               compareInt) != NULL;

        assert_int_equal(xvTestNodeFindByID(node, id) != NULL, running);
    }
}

static xvTestNode *
loadNode(const char *xml)
{
    xvTestNode *node = xvTestNodeLoadString(xml, "inline.xml", NULL);

    if (!node)
        fail_msg("cannot load node: %s", virGetLastErrorMessage());
    return node;
}

static xvDomainDef *
makeDef(int i, const char *onReboot)
{
    char xml[512];
    xvDomainDef *def;

    snprintf(xml, sizeof(xml),
             "<domain type='test'><name>d%d</name>"
             "<uuid>99999999-0000-4000-8000-%012d</uuid>"
             "<memory>65536</memory><vcpu>2</vcpu><os><type>hvm</type></os>"
             "<on_reboot>%s</on_reboot></domain>", i, i, onReboot);
    if (!(def = xvDomainDefParseString(xml, NULL)))
        fail_msg("cannot parse d%d: %s", i, virGetLastErrorMessage());
    return def;
}

static xvTestDom *
findNamed(xvTestNode *node, int i)
{
    char name[32];

    snprintf(name, sizeof(name), "d%d", i);
    return xvTestNodeFindByName(node, name);
}

static void
lockNode(xvTestNode *node)
{
    assert_int_equal(xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL), 0);
}

static void
test_indexes_follow_each_life_cycle_step(void **state)
{
    xvTestNode *node = loadNode(NODE_HEAD "</node>");
    xvTestDom *dom, *transient;
    int i, firstID;

    (void)state;
    lockNode(node);
    assertIndexesAgree(node);
    /* define five, start them */
    for (i = 1; i <= 5; i++) {
        assert_int_equal(xvTestNodeDomainAdd(node, makeDef(i, "restart"), true, &dom), 0);
        assertIndexesAgree(node);
        assert_int_equal(xvTestNodeDomainStart(node, dom, NULL), 0);
        assertIndexesAgree(node);
    }
    assert_int_equal(node->nactive, 5);
    firstID = node->activeIDs[0];
    /* destroy one in the middle: its ID leaves the ordered list */
    dom = findNamed(node, 3);
    assert_false(xvTestNodeDomainStop(node, dom));
    assertIndexesAgree(node);
    assert_int_equal(node->nactive, 4);
    assert_null(xvTestNodeFindByID(node, 3));
    /* start it again: a new, larger ID, at the end */
    assert_int_equal(xvTestNodeDomainStart(node, dom, NULL), 0);
    assertIndexesAgree(node);
    assert_int_equal(node->activeIDs[node->nactive - 1], dom->id);
    /* the first one destroyed and undefined */
    dom = findNamed(node, 1);
    assert_false(xvTestNodeDomainStop(node, dom));
    xvTestNodeDomainRemove(node, dom);
    assertIndexesAgree(node);
    assert_null(findNamed(node, 1));
    assert_true(node->activeIDs[0] > firstID);
    /* a reboot with on_reboot restart: new ID, same domain */
    dom = findNamed(node, 2);
    i = dom->id;
    assert_false(xvTestNodeDomainRequestShutdown(node, dom, true));
    assertIndexesAgree(node);
    assert_true(dom->id > i);
    /* a transient domain that stops vanishes from every index */
    assert_int_equal(xvTestNodeDomainAdd(node, makeDef(9, "destroy"), false, &transient), 0);
    assert_int_equal(xvTestNodeDomainStart(node, transient, NULL), 0);
    assertIndexesAgree(node);
    assert_true(xvTestNodeDomainStop(node, transient));
    assertIndexesAgree(node);
    assert_null(findNamed(node, 9));
    xvTestNodeEnd(node);
    xvTestNodeFree(node);
}

/* Crashes with on_crash restart and reboots, scripted: the indexes after
 * the clock ran through them. */
static void
test_indexes_follow_scripted_crashes_and_reboots(void **state)
{
    xvTestNode *node = loadNode(
        NODE_HEAD
        "<xvirt:clock rate='0' start='0'/>"
        "<xvirt:events>"
        "<xvirt:crash at='1' domain='a'/><xvirt:reboot at='2' domain='b'/>"
        "<xvirt:crash at='3' domain='a'/><xvirt:crash at='4' domain='c'/>"
        "</xvirt:events>"
        "<domain type='test'><name>a</name><uuid>99999999-0000-4000-8000-00000000000a</uuid>"
        "<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
        "<on_crash>restart</on_crash></domain>"
        "<domain type='test'><name>b</name><uuid>99999999-0000-4000-8000-00000000000b</uuid>"
        "<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
        "<on_reboot>restart</on_reboot></domain>"
        "<domain type='test'><name>c</name><uuid>99999999-0000-4000-8000-00000000000c</uuid>"
        "<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
        "<on_crash>destroy</on_crash></domain>"
        "</node>");
    int step;

    (void)state;
    for (step = 0; step < 5; step++) {
        xvTestNodeAdvanceClock(node, 1000000000ull);
        lockNode(node);
        assertIndexesAgree(node);
        xvTestNodeEnd(node);
    }
    lockNode(node);
    /* a crashed twice (restarted: IDs 4, then 6), b rebooted (5), c stopped */
    assert_int_equal(node->nactive, 2);
    assert_int_equal(node->activeIDs[0], 5);
    assert_int_equal(node->activeIDs[1], 6);
    assert_ptr_equal(xvTestNodeFindByID(node, 6), xvTestNodeFindByName(node, "a"));
    xvTestNodeEnd(node);
    xvTestNodeFree(node);
}

/* Many random steps on 40 domains, the indexes checked after each. */
static void
test_indexes_agree_after_random_steps(void **state)
{
    xvTestNode *node = loadNode(NODE_HEAD "</node>");
    unsigned int seed = 12345;
    int step, i;

    (void)state;
    lockNode(node);
    for (step = 0; step < 3000; step++) {
        xvTestDom *dom;

        seed = seed * 1103515245u + 12345u;
        i = (int)(seed >> 16) % 40;
        if (!(dom = findNamed(node, i))) {
            assert_int_equal(xvTestNodeDomainAdd(node, makeDef(i, "restart"), (seed & 1) == 0,
                                                 &dom), 0);
        } else if (!xvTestDomIsActive(dom)) {
            if ((seed >> 8) % 4 == 0)
                xvTestNodeDomainRemove(node, dom);
            else
                assert_int_equal(xvTestNodeDomainStart(node, dom, NULL), 0);
        } else if ((seed >> 8) % 3 == 0) {
            xvTestNodeDomainRequestShutdown(node, dom, true);
        } else {
            xvTestNodeDomainStop(node, dom);
        }
        assertIndexesAgree(node);
    }
    xvTestNodeEnd(node);
    xvTestNodeFree(node);
}

/* The placement rule, a bit at a time, as it was written first. */
static int
placementByBits(const xvTestNode *node, const xvTestDom *dom, size_t vcpu)
{
    const unsigned char *map = dom->vcpus[vcpu].affinity;
    unsigned int cpu, count = 0, k;

    for (cpu = 0; cpu < node->maxCpus; cpu++) {
        if (VIR_CPU_USABLE(map, 0, 0, cpu))
            count++;
    }
    if (count == 0)
        return -1;
    k = (unsigned int)(((unsigned long)dom->id + vcpu) % count);
    for (cpu = 0; cpu < node->maxCpus; cpu++) {
        if (VIR_CPU_USABLE(map, 0, 0, cpu) && k-- == 0)
            return (int)cpu;
    }
    return -1;
}

static void
test_vcpu_placement_is_the_bitwise_rule(void **state)
{
    /* 12 CPUs: the second map byte is partly past the last CPU */
    xvTestNode *node = loadNode(
        NODE_HEAD
        "<domain type='test'><name>p</name><uuid>99999999-0000-4000-8000-000000000001</uuid>"
        "<memory>65536</memory><vcpu>3</vcpu><os><type>hvm</type></os></domain></node>");
    xvTestDom *dom;
    unsigned int bits;
    size_t v;
    int id;

    (void)state;
    lockNode(node);
    dom = xvTestNodeFindByName(node, "p");
    assert_int_equal(node->maxCpus, 12);
    for (bits = 0; bits < 1u << 16; bits += 7) {
        for (v = 0; v < dom->nvcpus; v++) {
            dom->vcpus[v].affinity[0] = (unsigned char)bits;
            dom->vcpus[v].affinity[1] = (unsigned char)(bits >> 8);   /* bits 12..15 set too */
        }
        for (id = 1; id < 6; id++) {
            dom->id = id;
            for (v = 0; v < dom->nvcpus; v++)
                assert_int_equal(xvTestDomVcpuPlacement(node, dom, v),
                                 placementByBits(node, dom, v));
        }
    }
    dom->id = 1;
    xvTestNodeEnd(node);
    xvTestNodeFree(node);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_indexes_follow_each_life_cycle_step),
    cmocka_unit_test(test_indexes_follow_scripted_crashes_and_reboots),
    cmocka_unit_test(test_indexes_agree_after_random_steps),
    cmocka_unit_test(test_vcpu_placement_is_the_bitwise_rule),
};

XV_TEST_MAIN(tests)
