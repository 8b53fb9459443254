/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_memory_test.c: the Xen driver's calls beyond the seed (lib/xen/
 * xen_memory.c) through the public API on a simulated Xen (xen_sim.c):
 * virNodeGetFreeMemory and virDomainMemoryStats, their values, errors and
 * their cost in hypercalls and xenstore operations (xenstore is read only
 * when a watch says a key changed).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "xen/xen_driverpriv.h"
#include "xen_sim.h"
#include "xvtest.h"
#include "xen_test.h"

#define KiB_PER_MiB 1024ul
/* The driver's own watches (@introduceDomain, @releaseDomain). */
#define DRIVER_WATCHES 2u
/* Ours per domain: memory/target, data/meminfo_total, data/meminfo_free. */
#define MEM_WATCHES 3u

static char *stateDir;

/* ---- fixture ---------------------------------------------------------------- */

static int
setup(void **state)
{
    (void)state;
    stateDir = xenSimSetUp();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    xenSimTearDown(stateDir);
    return 0;
}

#define XEN_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- helpers ---------------------------------------------------------------- */

static void
storeSet(uint32_t domid, const char *key, const char *value)
{
    char path[128];

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    xvSimStoreSet(path, value);
}

/* The statistics of @dom as "tag=val tag=val ..." (UNUSED 4, AVAILABLE 5,
 * ACTUAL_BALLOON 6, USABLE 8), at most @nr. To free(). */
static char *
statsOf(virDomainPtr dom, unsigned int nr)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    char *out = NULL;
    size_t len = 0;
    FILE *fp;
    int n, i;

    n = virDomainMemoryStats(dom, stats, nr, 0);
    if (n < 0)
        fail_msg("virDomainMemoryStats: %s", virGetLastErrorMessage());
    assert_null(virGetLastError());
    assert_true((unsigned int)n <= nr);
    assert_non_null(fp = open_memstream(&out, &len));
    for (i = 0; i < n; i++)
        fprintf(fp, "%s%d=%llu", i ? " " : "", stats[i].tag, stats[i].val);
    fclose(fp);
    return out;
}

#define assert_stats(dom, want) \
    do { \
        char *got_ = statsOf((dom), VIR_DOMAIN_MEMORY_STAT_NR); \
        assert_string_equal(got_, (want)); \
        free(got_); \
    } while (0)

/* ---- virNodeGetFreeMemory ------------------------------------------------------ */

static void
test_free_memory_is_free_pages_in_bytes_from_one_physinfo(void **state)
{
    virConnectPtr conn = openXen();

    (void)state;
    xvSimResetCounts();
    /* the simulated 4 GiB host has half its pages free */
    assert_true(virNodeGetFreeMemory(conn) == 2ULL * 1024 * 1024 * 1024);
    assert_null(virGetLastError());
    assert_int_equal(xvSimCount(XV_SIM_CALL_PHYSINFO), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    xvSimPhysInfo()->freePages = 12345;
    assert_true(virNodeGetFreeMemory(conn) == 12345ULL * 4096);
    assert_int_equal(xvSimCount(XV_SIM_CALL_PHYSINFO), 2);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_free_memory_of_a_full_host_is_operation_failed(void **state)
{
    virConnectPtr conn = openXen();

    (void)state;
    xvSimPhysInfo()->freePages = 0;
    assert_int_equal(virNodeGetFreeMemory(conn), 0);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "Xen has no free memory");
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_free_memory_physinfo_failure_names_the_call(void **state)
{
    virConnectPtr conn = openXen();

    (void)state;
    xvSimFail(XV_SIM_CALL_PHYSINFO, EACCES, 1);
    assert_int_equal(virNodeGetFreeMemory(conn), 0);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_physinfo");
    assert_true(virNodeGetFreeMemory(conn) > 0);
    assert_int_equal(virConnectClose(conn), 0);
}

/* ---- virDomainMemoryStats: values ------------------------------------------------ */

static void
test_stats_without_a_guest_agent_are_the_balloon_only(void **state)
{
    uint32_t domid = xvSimAddDomain("plain", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    assert_stats(dom, "6=262144");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_report_the_guest_meminfo_keys(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    /* UNUSED and USABLE: meminfo_free; AVAILABLE: meminfo_total */
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_truncate_to_nr_stats_keeping_the_lowest_tags(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    char *got;

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    got = statsOf(dom, 2);
    assert_string_equal(got, "4=100000 5=250000");
    free(got);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_leave_out_what_the_guest_garbled(void **state)
{
    uint32_t domid = xvSimAddDomain("liar", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    storeSet(domid, "data/meminfo_total", "250000");
    storeSet(domid, "data/meminfo_free", "lots");
    assert_stats(dom, "5=250000 6=262144");
    storeSet(domid, "data/meminfo_free", "-5");
    storeSet(domid, "data/meminfo_total", "99999999999999999999999");
    assert_stats(dom, "6=262144");
    storeSet(domid, "data/meminfo_free", "1234");
    assert_stats(dom, "4=1234 6=262144 8=1234");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_balloon_counts_the_video_ram_as_set_memory_does(void **state)
{
    uint32_t domid = xvSimAddDomain("hvm", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    /* what libxl writes for an HVM guest: the target leaves out its VGA RAM */
    storeSet(domid, "memory/videoram", "8192");
    storeSet(domid, "memory/target", "253952");
    conn = openXen();
    dom = byID(conn, domid);
    assert_stats(dom, "6=262144");
    assert_int_equal(virDomainSetMemory(dom, 200000), 0);
    assert_stats(dom, "6=200000");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_of_dom0_without_memory_keys_are_empty(void **state)
{
    virConnectPtr conn = openXen();
    virDomainPtr dom0 = byID(conn, 0);

    (void)state;
    assert_stats(dom0, "");
    virDomainFree(dom0);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_of_a_defined_domain_that_is_not_running_is_operation_invalid(void **state)
{
    virConnectPtr conn = openXen();
    virDomainPtr dom;
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    (void)state;
    dom = virDomainDefineXML(conn,
                             "<domain type='xen'><name>idle</name>"
                             "<uuid>0a0a0a0a-0000-4000-8000-0000000000aa</uuid>"
                             "<memory>131072</memory><vcpu>1</vcpu>"
                             "<os><type>linux</type><kernel>/xenlab/vmlinux</kernel></os>"
                             "</domain>");
    if (!dom)
        fail_msg("define: %s", virGetLastErrorMessage());
    assert_int_equal(virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'idle' is not running");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_of_a_vanished_domain_is_no_domain(void **state)
{
    uint32_t domid = xvSimAddDomain("gone", 1, 128 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    (void)state;
    xvSimRemoveDomain(domid);
    assert_int_equal(virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "gone");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

/* ---- virDomainMemoryStats: xenstore only on change -------------------------------- */

static void
test_first_stats_set_three_watches_and_read_four_keys_without_hypercalls(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    xvSimResetCounts();
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), MEM_WATCHES);
    /* memory/target, memory/videoram, data/meminfo_total, data/meminfo_free */
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 4);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_PHYSINFO), 0);
    assert_int_equal(xvSimWatchCount(NULL), DRIVER_WATCHES + MEM_WATCHES);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_two_calls_with_nothing_changed_read_nothing(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    xvSimResetCounts();
    /* the setup events of the three new watches come now: expected, ignored */
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_int_equal(xvSimPendingEvents(), 0);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_a_changed_key_is_seen_with_one_read(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    xvSimResetCounts();
    storeSet(domid, "data/meminfo_free", "90000");
    assert_stats(dom, "4=90000 5=250000 6=262144 8=90000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 1);
    /* the guest agent's periodic report: both keys, one event each */
    xvSimResetCounts();
    xvSimSetMeminfo(domid, 250000, 80000);
    assert_stats(dom, "4=80000 5=250000 6=262144 8=80000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 2);
    /* a key the guest removes is left out again */
    xvSimResetCounts();
    xvSimStoreRemove("/local/domain/1/data");
    assert_stats(dom, "6=262144");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 2);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_set_memory_shows_in_the_balloon_through_its_watch(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    assert_stats(dom, "6=262144");
    assert_stats(dom, "6=262144");
    assert_int_equal(virDomainSetMemory(dom, 131072), 0);
    xvSimResetCounts();
    assert_stats(dom, "6=131072");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 1);
    /* `xl mem-set` from elsewhere is seen the same way */
    storeSet(domid, "memory/target", "200000");
    assert_stats(dom, "6=200000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 2);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_each_domain_reads_only_its_own_changes(void **state)
{
    uint32_t a = xvSimAddDomain("a", 1, 128 * KiB_PER_MiB);
    uint32_t b = xvSimAddDomain("b", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr da = byID(conn, a), db = byID(conn, b);

    (void)state;
    xvSimSetMeminfo(a, 120000, 60000);
    xvSimSetMeminfo(b, 250000, 50000);
    assert_stats(da, "4=60000 5=120000 6=131072 8=60000");
    assert_stats(db, "4=50000 5=250000 6=262144 8=50000");
    assert_int_equal(xvSimWatchCount(NULL), DRIVER_WATCHES + 2 * MEM_WATCHES);
    xvSimResetCounts();
    storeSet(b, "data/meminfo_free", "40000");
    assert_stats(da, "4=60000 5=120000 6=131072 8=60000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    assert_stats(db, "4=40000 5=250000 6=262144 8=40000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 1);
    virDomainFree(da);
    virDomainFree(db);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_a_gone_domain_loses_its_watches_at_the_next_call(void **state)
{
    uint32_t a = xvSimAddDomain("a", 1, 128 * KiB_PER_MiB);
    uint32_t b = xvSimAddDomain("b", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr da = byID(conn, a), db = byID(conn, b);

    (void)state;
    assert_stats(da, "6=131072");
    assert_stats(db, "6=262144");
    assert_int_equal(xvSimWatchCount(NULL), DRIVER_WATCHES + 2 * MEM_WATCHES);
    xvSimRemoveDomain(a);
    xvSimResetCounts();
    assert_stats(db, "6=262144");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_UNWATCH), MEM_WATCHES);
    assert_int_equal(xvSimWatchCount(NULL), DRIVER_WATCHES + MEM_WATCHES);
    /* b's own entry was kept: nothing of b was read again */
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    virDomainFree(da);
    virDomainFree(db);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_without_watches_every_call_reads_and_retries_the_watches(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    /* xenstored refuses the third watch (quota): none stays, no error */
    xvSimResetCounts();
    xvSimFailNth(XV_SIM_CALL_STORE_WATCH, ENOSPC, 3);
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_UNWATCH), 2);
    assert_int_equal(xvSimWatchCount(NULL), DRIVER_WATCHES);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 4);
    /* the next call sets them, and reads the three keys again */
    xvSimResetCounts();
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), MEM_WATCHES);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 3);
    xvSimResetCounts();
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_a_failed_read_is_reported_and_read_again_next_time(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    (void)state;
    xvSimSetMeminfo(domid, 250000, 100000);
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    storeSet(domid, "data/meminfo_free", "70000");
    xvSimFail(XV_SIM_CALL_STORE_READ, EACCES, 1);
    assert_int_equal(virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "data/meminfo_free");
    xvSimResetCounts();
    assert_stats(dom, "4=70000 5=250000 6=262144 8=70000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 1);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_memory_watches_leave_the_domain_cache_alone(void **state)
{
    uint32_t domid = xvSimAddDomain("agent", 1, 256 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainInfo info;

    (void)state;
    assert_stats(dom, "6=262144");
    xvSimSetMeminfo(domid, 250000, 100000);
    xvSimResetCounts();
    /* guest reports are not domain arrivals: no batch, no name read */
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    assert_stats(dom, "4=100000 5=250000 6=262144 8=100000");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 2);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static const struct CMUnitTest tests[] = {
    XEN_TEST(test_free_memory_is_free_pages_in_bytes_from_one_physinfo),
    XEN_TEST(test_free_memory_of_a_full_host_is_operation_failed),
    XEN_TEST(test_free_memory_physinfo_failure_names_the_call),
    XEN_TEST(test_stats_without_a_guest_agent_are_the_balloon_only),
    XEN_TEST(test_stats_report_the_guest_meminfo_keys),
    XEN_TEST(test_stats_truncate_to_nr_stats_keeping_the_lowest_tags),
    XEN_TEST(test_stats_leave_out_what_the_guest_garbled),
    XEN_TEST(test_stats_balloon_counts_the_video_ram_as_set_memory_does),
    XEN_TEST(test_stats_of_dom0_without_memory_keys_are_empty),
    XEN_TEST(test_stats_of_a_defined_domain_that_is_not_running_is_operation_invalid),
    XEN_TEST(test_stats_of_a_vanished_domain_is_no_domain),
    XEN_TEST(test_first_stats_set_three_watches_and_read_four_keys_without_hypercalls),
    XEN_TEST(test_two_calls_with_nothing_changed_read_nothing),
    XEN_TEST(test_a_changed_key_is_seen_with_one_read),
    XEN_TEST(test_set_memory_shows_in_the_balloon_through_its_watch),
    XEN_TEST(test_each_domain_reads_only_its_own_changes),
    XEN_TEST(test_a_gone_domain_loses_its_watches_at_the_next_call),
    XEN_TEST(test_without_watches_every_call_reads_and_retries_the_watches),
    XEN_TEST(test_a_failed_read_is_reported_and_read_again_next_time),
    XEN_TEST(test_memory_watches_leave_the_domain_cache_alone),
};

XV_TEST_MAIN(tests)
