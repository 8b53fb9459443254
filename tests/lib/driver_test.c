/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver_test.c: the driver table contract (lib/driver.h) on fake drivers:
 * every slot may be NULL and is then VIR_ERR_NO_SUPPORT for its public call,
 * and a slot only ever sees the input the public layer promises it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "datatypes.h"
#include "driver.h"
#include "xvtest.h"

static xvDrvOpenStatus
fakeConnectOpen(virConnectPtr conn, const char *uri, bool readOnly)
{
    (void)conn;
    (void)uri;
    (void)readOnly;
    return XV_DRV_OPEN_DECLINED;
}

static int
fakeConnectClose(virConnectPtr conn)
{
    (void)conn;
    return 0;
}

/* Only the required slots. */
static const xvHypervisorDriver fakeBareDriver = {
    .name = "Fake",
    .typeName = "Fake",
    .connectOpen = fakeConnectOpen,
    .connectClose = fakeConnectClose,
};

/* What the fake memory slots were handed, and what they answer. */
static struct {
    int calls;
    unsigned int nrStats;
    unsigned int flags;
    bool zeroed;                /* every entry it may fill was 0 */
    unsigned long long freeBytes;
} fake;

static unsigned long long
fakeNodeGetFreeMemory(virConnectPtr conn)
{
    (void)conn;
    fake.calls++;
    return fake.freeBytes;      /* 0 without reporting: a forgetful driver */
}

static int
fakeDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                      unsigned int nr_stats, unsigned int flags)
{
    unsigned int i;

    (void)dom;
    fake.calls++;
    fake.nrStats = nr_stats;
    fake.flags = flags;
    fake.zeroed = true;
    for (i = 0; i < nr_stats; i++)
        fake.zeroed &= stats[i].tag == 0 && stats[i].val == 0;
    stats[0].tag = VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON;
    stats[0].val = 42;
    return 1;
}

static const xvHypervisorDriver fakeMemoryDriver = {
    .name = "Fake",
    .typeName = "Fake",
    .connectOpen = fakeConnectOpen,
    .connectClose = fakeConnectClose,
    .nodeGetFreeMemory = fakeNodeGetFreeMemory,
    .domainMemoryStats = fakeDomainMemoryStats,
};

typedef struct {
    virConnectPtr conn;
    virDomainPtr dom;
} fakeTest;

static int
fakeSetup(void **state, const xvHypervisorDriver *drv)
{
    static const unsigned char uuid[16] = { 1, 2, 3 };
    fakeTest *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    memset(&fake, 0, sizeof(fake));
    assert_int_equal(virInitialize(), 0);
    t->conn = xvConnectNew("fake:///", false);
    t->conn->driver = drv;
    t->dom = xvDomainNew(t->conn, "phantom", uuid, 7);
    *state = t;
    return 0;
}

static int
setup_bare(void **state)
{
    return fakeSetup(state, &fakeBareDriver);
}

static int
setup_memory(void **state)
{
    return fakeSetup(state, &fakeMemoryDriver);
}

static int
teardown_fake(void **state)
{
    fakeTest *t = *state;

    assert_int_equal(virDomainFree(t->dom), 0);
    assert_int_equal(virConnectClose(t->conn), 0);
    free(t);
    return 0;
}

static void
test_free_memory_without_slot_is_no_support_and_zero(void **state)
{
    fakeTest *t = *state;

    assert_int_equal(virNodeGetFreeMemory(t->conn), 0);
    xvTestAssertError(VIR_ERR_NO_SUPPORT, "virNodeGetFreeMemory is not supported by the Fake");
    /* recorded on the connection too */
    assert_non_null(virConnGetLastError(t->conn));
    assert_int_equal(virConnGetLastError(t->conn)->code, VIR_ERR_NO_SUPPORT);
}

static void
test_memory_stats_without_slot_is_no_support(void **state)
{
    fakeTest *t = *state;
    virDomainMemoryStatStruct stats[2];

    assert_int_equal(virDomainMemoryStats(t->dom, stats, 2, 0), -1);
    xvTestAssertError(VIR_ERR_NO_SUPPORT, "virDomainMemoryStats is not supported by the Fake");
    /* asking for nothing needs no driver, as in libvirt */
    assert_int_equal(virDomainMemoryStats(t->dom, NULL, 0, 0), 0);
    assert_null(virGetLastError());
}

static void
test_free_memory_zero_from_a_forgetful_driver_still_reports_an_error(void **state)
{
    fakeTest *t = *state;

    assert_int_equal(virNodeGetFreeMemory(t->conn), 0);
    assert_int_equal(fake.calls, 1);
    assert_non_null(virGetLastError());
    fake.freeBytes = 1ULL << 40;
    assert_true(virNodeGetFreeMemory(t->conn) == 1ULL << 40);
    assert_null(virGetLastError());
}

static void
test_memory_stats_slot_sees_clamped_zeroed_input_only(void **state)
{
    fakeTest *t = *state;
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR + 3];

    memset(stats, 0xff, sizeof(stats));
    assert_int_equal(virDomainMemoryStats(t->dom, stats, VIR_DOMAIN_MEMORY_STAT_NR + 3, 0), 1);
    assert_int_equal(fake.nrStats, VIR_DOMAIN_MEMORY_STAT_NR);
    assert_int_equal(fake.flags, 0);
    assert_true(fake.zeroed);
    assert_int_equal(stats[0].val, 42);
    /* refused arguments never reach the driver */
    assert_int_equal(virDomainMemoryStats(t->dom, stats, 2, 4), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "unsupported flags (0x4)");
    assert_int_equal(virDomainMemoryStats(t->dom, stats, 0, 0), 0);
    assert_int_equal(fake.calls, 1);
}

/* The last error, on the thread and on the connection, is NO_SUPPORT for
 * @call, from @origin, naming the call and the driver. */
static void
assertNoSupport(virConnectPtr conn, const char *call, int origin)
{
    char *want = NULL;
    virErrorPtr err = virGetLastError();
    virErrorPtr connErr = virConnGetLastError(conn);

    assert_true(asprintf(&want, "%s is not supported by the Fake driver", call) > 0);
    if (!err)
        fail_msg("%s: no error", call);
    if (err->code != VIR_ERR_NO_SUPPORT || err->domain != origin ||
        !err->message || !strstr(err->message, want))
        fail_msg("%s: expected NO_SUPPORT from %d saying '%s', got %d from %d: %s", call,
                 origin, want, err->code, err->domain, err->message ? err->message : "");
    /* the one error tail dispatched it on the connection */
    if (!connErr || connErr->code != VIR_ERR_NO_SUPPORT || !strstr(connErr->message, want))
        fail_msg("%s: the connection did not record the error", call);
    virConnResetLastError(conn);
    free(want);
}

static void
test_every_call_of_a_bare_driver_is_no_support_naming_call_and_driver(void **state)
{
    static const unsigned char uuid[16] = { 9 };
    fakeTest *t = *state;
    virConnectPtr c = t->conn;
    virDomainPtr d = t->dom;
    unsigned long ver;
    virNodeInfo node;
    virDomainInfo info;
    virVcpuInfo vinfo[1];
    unsigned char map[1] = { 1 };
    int ids[4];
    const char *names[4];

#define NO_SUPPORT(call, fname, origin) \
    do { \
        assert_true(call); \
        assertNoSupport(c, fname, origin); \
    } while (0)
    NO_SUPPORT(virConnectGetVersion(c, &ver) == -1, "virConnectGetVersion", VIR_FROM_NONE);
    NO_SUPPORT(virNodeGetInfo(c, &node) == -1, "virNodeGetInfo", VIR_FROM_NONE);
    NO_SUPPORT(virNodeGetFreeMemory(c) == 0, "virNodeGetFreeMemory", VIR_FROM_NONE);
    NO_SUPPORT(virConnectNumOfDomains(c) == -1, "virConnectNumOfDomains", VIR_FROM_NONE);
    NO_SUPPORT(virConnectListDomains(c, ids, 4) == -1, "virConnectListDomains",
               VIR_FROM_NONE);
    NO_SUPPORT(virConnectListDefinedDomains(c, names, 4) == -1,
               "virConnectListDefinedDomains", VIR_FROM_NONE);
    NO_SUPPORT(!virDomainCreateLinux(c, "<domain/>", 0), "virDomainCreateLinux",
               VIR_FROM_DOM);
    NO_SUPPORT(!virDomainDefineXML(c, "<domain/>"), "virDomainDefineXML", VIR_FROM_DOM);
    NO_SUPPORT(!virDomainLookupByID(c, 1), "virDomainLookupByID", VIR_FROM_DOM);
    NO_SUPPORT(!virDomainLookupByName(c, "a"), "virDomainLookupByName", VIR_FROM_DOM);
    NO_SUPPORT(!virDomainLookupByUUID(c, uuid), "virDomainLookupByUUID", VIR_FROM_DOM);
    NO_SUPPORT(!virDomainLookupByUUIDString(c, "a1a1a1a1-0000-4000-8000-000000000001"),
               "virDomainLookupByUUIDString", VIR_FROM_DOM);
    NO_SUPPORT(virDomainRestore(c, "/nonexistent") == -1, "virDomainRestore", VIR_FROM_DOM);
    NO_SUPPORT(virDomainUndefine(d) == -1, "virDomainUndefine", VIR_FROM_DOM);
    NO_SUPPORT(virDomainCreate(d) == -1, "virDomainCreate", VIR_FROM_DOM);
    NO_SUPPORT(virDomainDestroy(d) == -1, "virDomainDestroy", VIR_FROM_DOM);
    NO_SUPPORT(virDomainSuspend(d) == -1, "virDomainSuspend", VIR_FROM_DOM);
    NO_SUPPORT(virDomainResume(d) == -1, "virDomainResume", VIR_FROM_DOM);
    NO_SUPPORT(virDomainShutdown(d) == -1, "virDomainShutdown", VIR_FROM_DOM);
    NO_SUPPORT(virDomainReboot(d, 0) == -1, "virDomainReboot", VIR_FROM_DOM);
    NO_SUPPORT(virDomainSave(d, "/nonexistent") == -1, "virDomainSave", VIR_FROM_DOM);
    NO_SUPPORT(!virDomainGetOSType(d), "virDomainGetOSType", VIR_FROM_DOM);
    NO_SUPPORT(!virDomainGetXMLDesc(d, 0), "virDomainGetXMLDesc", VIR_FROM_DOM);
    NO_SUPPORT(virDomainGetInfo(d, &info) == -1, "virDomainGetInfo", VIR_FROM_DOM);
    NO_SUPPORT(virDomainGetMaxMemory(d) == 0, "virDomainGetMaxMemory", VIR_FROM_DOM);
    NO_SUPPORT(virDomainSetMaxMemory(d, 1024) == -1, "virDomainSetMaxMemory", VIR_FROM_DOM);
    NO_SUPPORT(virDomainSetMemory(d, 1024) == -1, "virDomainSetMemory", VIR_FROM_DOM);
    NO_SUPPORT(virDomainSetVcpus(d, 1) == -1, "virDomainSetVcpus", VIR_FROM_DOM);
    NO_SUPPORT(virDomainPinVcpu(d, 0, map, 1) == -1, "virDomainPinVcpu", VIR_FROM_DOM);
    NO_SUPPORT(virDomainGetVcpus(d, vinfo, 1, NULL, 0) == -1, "virDomainGetVcpus",
               VIR_FROM_DOM);
#undef NO_SUPPORT
    /* calls that need no driver slot still work on the bare driver */
    assert_string_equal(virConnectGetType(c), "Fake");
    assert_string_equal(virDomainGetName(d), "phantom");
    assert_int_equal(virDomainGetID(d), 7);
    assert_null(virGetLastError());
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
        test_every_call_of_a_bare_driver_is_no_support_naming_call_and_driver,
        setup_bare, teardown_fake),
    cmocka_unit_test_setup_teardown(test_free_memory_without_slot_is_no_support_and_zero,
                                    setup_bare, teardown_fake),
    cmocka_unit_test_setup_teardown(test_memory_stats_without_slot_is_no_support,
                                    setup_bare, teardown_fake),
    cmocka_unit_test_setup_teardown(
        test_free_memory_zero_from_a_forgetful_driver_still_reports_an_error,
        setup_memory, teardown_fake),
    cmocka_unit_test_setup_teardown(test_memory_stats_slot_sees_clamped_zeroed_input_only,
                                    setup_memory, teardown_fake),
};

int
main(void)
{
    xvTestApplyFilter();
    virSetErrorFunc(NULL, xvTestQuietErrors);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
