/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver_test.c: the driver table contract (lib/driver.h) for the calls
 * beyond the seed, on a fake driver: a NULL slot is VIR_ERR_NO_SUPPORT, and
 * a slot only ever sees the input the public layer promises it. */
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

static const struct CMUnitTest tests[] = {
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
