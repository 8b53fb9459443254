/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_driver_test.c: the Xen driver (lib/xen/) through the public API on a
 * simulated Xen (xen_sim.c): every call and its error paths, and the cost
 * of a sample in hypercalls and xenstore operations.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/domain_conf.h"
#include "util/xvmacros.h"
#include "xen/xen_driverpriv.h"
#include "xen_sim.h"
#include "xvtest.h"
#include "xen_test.h"

#define KiB_PER_MiB 1024ul

#define NEW_UUID "0a0a0a0a-0000-4000-8000-0000000000aa"
#define PV_XML(name, uuid, mem, vcpus) \
    "<domain type='xen'><name>" name "</name><uuid>" uuid "</uuid>" \
    "<memory>" mem "</memory><vcpu>" vcpus "</vcpu>" \
    "<os><type>linux</type><kernel>/xenlab/vmlinux</kernel>" \
    "<cmdline>console=hvc0</cmdline></os></domain>"

/* The state directory of the test (XVIRT_XEN_STATE_DIR). */
static char *stateDir;
/* Where the stand-in monitor records how the driver started it. */
static char *monitorDir;

/* ---- helpers ------------------------------------------------------------- */

/* A stand-in for xvirt-xen-monitor (XVIRT_XEN_MONITOR): it records its
 * arguments (one line per start) and the config on its stdin, and exits
 * with $XV_TEST_MONITOR_EXIT. */
static const char fakeMonitor[] =
    "#!/bin/sh\n"
    "printf '%s\\n' \"$*\" >>\"$XV_TEST_MONITOR_OUT/args\"\n"
    "cat >\"$XV_TEST_MONITOR_OUT/stdin\"\n"
    "exit \"${XV_TEST_MONITOR_EXIT:-0}\"\n";

static int
setup(void **state)
{
    char path[512];
    FILE *fp;

    (void)state;
    stateDir = xenSimSetUp();
    monitorDir = xvTestTempDir();
    snprintf(path, sizeof(path), "%s/fake-monitor", monitorDir);
    assert_non_null(fp = fopen(path, "w"));
    fputs(fakeMonitor, fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, 0755), 0);
    setenv("XVIRT_XEN_MONITOR", path, 1);
    setenv("XV_TEST_MONITOR_OUT", monitorDir, 1);
    unsetenv("XV_TEST_MONITOR_EXIT");
    return 0;
}

/* Every test closes what it opened: no handle of the simulated Xen leaks. */
static int
teardown(void **state)
{
    (void)state;
    xenSimTearDown(stateDir);
    xvTestRemoveTree(monitorDir);
    return 0;
}

/* A file of the stand-in monitor ("args", "stdin"), or NULL if absent. */
static char *
monitorFile(const char *name)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", monitorDir, name);
    if (access(path, F_OK) < 0)
        return NULL;
    return xvTestReadFile(path);
}

/* The monitor log of the state directory, or NULL if absent. */
static char *
monitorLog(void)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/monitor.log", stateDir);
    if (access(path, F_OK) < 0)
        return NULL;
    return xvTestReadFile(path);
}

static char *
statePath(const char *uuid)
{
    static char path[512];

    snprintf(path, sizeof(path), "%s/%s.xml", stateDir, uuid);
    return path;
}

static bool
definedHas(virConnectPtr conn, const char *name)
{
    const char *names[64];
    int n = virConnectListDefinedDomains(conn, names, 64);
    bool found = false;
    int i;

    if (n < 0)
        fail_msg("virConnectListDefinedDomains: %s", virGetLastErrorMessage());
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            found = true;
        free((char *)names[i]);
    }
    return found;
}

static void
closeConn(virConnectPtr conn)
{
    assert_int_equal(virConnectClose(conn), 0);
}

static virDomainPtr
byName(virConnectPtr conn, const char *name)
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

static void
uuidOf(uint32_t domid, char *buf)
{
    unsigned char uuid[16];
    static const char hex[] = "0123456789abcdef";
    size_t i, j = 0;

    xvSimUUID(domid, uuid);
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[j++] = '-';
        buf[j++] = hex[uuid[i] >> 4];
        buf[j++] = hex[uuid[i] & 0xf];
    }
    buf[j] = '\0';
}

/* What a monitoring agent does each interval: count, list, and for each
 * domain look it up, read its info and its vcpus with their maps. */
static void
sample(virConnectPtr conn, int expectDomains)
{
    virVcpuInfo vcpus[XV_SIM_MAX_VCPUS];
    unsigned char maps[XV_SIM_MAX_VCPUS];
    int ids[64];
    int n, got, i;

    n = virConnectNumOfDomains(conn);
    assert_int_equal(n, expectDomains);
    got = virConnectListDomains(conn, ids, 64);
    assert_int_equal(got, n);
    for (i = 0; i < got; i++) {
        virDomainPtr dom = virDomainLookupByID(conn, ids[i]);
        virDomainInfo info;

        if (!dom)
            fail_msg("lookup of %d: %s", ids[i], virGetLastErrorMessage());
        info = getInfo(dom);
        assert_true(virDomainGetVcpus(dom, vcpus, XV_SIM_MAX_VCPUS, maps, 1) >= 0);
        assert_true(info.nrVirtCpu > 0);
        virDomainFree(dom);
    }
}

static unsigned long
storeOps(void)
{
    return xvSimCount(XV_SIM_CALL_STORE_READ) + xvSimCount(XV_SIM_CALL_STORE_WRITE) +
           xvSimCount(XV_SIM_CALL_STORE_DIRECTORY);
}

static unsigned long
storeKiB(uint32_t domid, const char *key)
{
    char path[128];
    const char *value;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    if (!(value = xvSimStoreGet(path)))
        fail_msg("no %s in xenstore", path);
    return strtoul(value, NULL, 10);
}

static const char *
storeGetDom(uint32_t domid, const char *key)
{
    char path[128];

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    return xvSimStoreGet(path);
}

/* ---- opening and closing ----------------------------------------------------- */

static void
test_open_accepts_null_xen_and_xen_uri_read_write_and_read_only(void **state)
{
    static const char *const uris[] = { "xen:///", "xen", "Xen:///", "xen:///system" };
    virConnectPtr conn;
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(uris); i++) {
        assert_non_null(conn = virConnectOpen(uris[i]));
        assert_string_equal(virConnectGetType(conn), "Xen");
        closeConn(conn);
        assert_non_null(conn = virConnectOpenReadOnly(uris[i]));
        closeConn(conn);
    }
    assert_non_null(conn = virConnectOpen(NULL));
    assert_string_equal(virConnectGetType(conn), "Xen");
    closeConn(conn);
}

static void
test_open_remote_xen_uri_is_invalid_arg(void **state)
{
    (void)state;
    assert_null(virConnectOpen("xen://otherhost/"));
    xvTestAssertError(VIR_ERR_INVALID_ARG, "must be xen:///");
    assert_int_equal(xvSimCount(XV_SIM_CALL_CTRL_OPEN), 0);
}

static void
test_open_off_xen_says_not_running_on_xen(void **state)
{
    (void)state;
    xvSimSetHost(XV_XEN_HOST_NOT_XEN);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XEN, "not running on Xen: there is no /proc/xen");
    assert_null(virConnectOpenReadOnly(NULL));
    xvTestAssertError(VIR_ERR_NO_XEN, "not running on Xen");
    assert_int_equal(xvSimCount(XV_SIM_CALL_CTRL_OPEN), 0);
}

static void
test_open_in_domu_says_not_dom0(void **state)
{
    (void)state;
    xvSimSetHost(XV_XEN_HOST_DOMU);
    assert_null(virConnectOpenReadOnly("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XEN, "not running in Xen dom0");
    xvTestAssertError(VIR_ERR_NO_XEN, "this is a domU");
}

static void
test_open_refused_by_hypervisor_says_not_dom0(void **state)
{
    (void)state;
    /* privcmd exists but xenfs is not mounted: Xen itself refuses. */
    xvSimSetHost(XV_XEN_HOST_UNKNOWN);
    xvSimFail(XV_SIM_CALL_PHYSINFO, EPERM, -1);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XEN,
                "not running in Xen dom0: the hypervisor refused xc_physinfo "
                "(Operation not permitted)");
}

static void
test_open_without_privilege_says_run_as_root(void **state)
{
    (void)state;
    xvSimSetOpenErrno(EACCES, 0);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XEN, "no privilege to use the Xen control interface "
                "(xc_interface_open: Permission denied): run as root");
    assert_null(virConnectOpenReadOnly("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XEN, "run as root");
}

static void
test_open_without_xenstored_says_so(void **state)
{
    (void)state;
    xvSimSetOpenErrno(0, ENOENT);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XENSTORE, "xenstored is not running");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_XENSTORE);
    xvSimSetOpenErrno(0, EACCES);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_NO_XENSTORE, "no privilege to talk to xenstored");
}

static void
test_open_batch_failure_names_the_call(void **state)
{
    (void)state;
    xvSimFail(XV_SIM_CALL_GETINFOLIST, EFAULT, 1);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_domain_getinfolist failed: Bad address");
}

static void
test_open_watch_failure_names_the_call_and_unwinds(void **state)
{
    (void)state;
    xvSimFail(XV_SIM_CALL_STORE_WATCH, ENOSPC, 1);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR,
                "xs_watch of '@introduceDomain' failed: No space left on device");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_XENSTORE);
    /* the second registration failing removes the first */
    xvSimResetCounts();
    xvSimFailNth(XV_SIM_CALL_STORE_WATCH, ENOSPC, 2);
    assert_null(virConnectOpen("xen:///"));
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_watch of '@releaseDomain' failed");
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_UNWATCH), 1);
}

static void
test_open_registers_domain_watches_and_close_removes_them(void **state)
{
    virConnectPtr conn;

    (void)state;
    conn = openXen();
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), 2);
    assert_int_equal(xvSimOpenHandles(), 2);
    closeConn(conn);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_UNWATCH), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CTRL_CLOSE), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_CLOSE), 1);
}

static void
test_close_keeps_no_error_from_unwatch(void **state)
{
    virConnectPtr conn;

    (void)state;
    conn = openXen();
    xvSimFail(XV_SIM_CALL_STORE_UNWATCH, EIO, -1);
    assert_int_equal(virConnectClose(conn), 0);
    assert_null(virGetLastError());
}

/* ---- versions and the node ------------------------------------------------------ */

static void
test_get_version_xen_is_the_headers_version(void **state)
{
    unsigned long lib = 0, ver = 0;

    (void)state;
    assert_int_equal(virGetVersion(&lib, "Xen", &ver), 0);
    assert_int_equal(ver, XV_XEN_HEADERS_VERSION);
    /* built against Xen 4.x headers */
    assert_true(ver >= 4000000 && ver < 5000000);
}

static void
test_connect_get_version_is_major_minor_micro(void **state)
{
    virConnectPtr conn;
    unsigned long ver = 0;

    (void)state;
    conn = openXen();
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 4017007);
    xvSimSetVersion(4, 18, "-rc");
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 4018000);
    xvSimSetVersion(4, 19, ".1-pre");
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 4019001);
    xvSimFail(XV_SIM_CALL_VERSION, EPERM, 1);
    assert_int_equal(virConnectGetVersion(conn, &ver), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_version failed: Operation not permitted");
    assert_int_equal(ver, 0);
    closeConn(conn);
}

static void
test_node_info_from_physinfo_and_topology(void **state)
{
    virConnectPtr conn;
    virNodeInfo info;
    struct utsname un;

    (void)state;
    conn = openXen();
    xvSimResetCounts();
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    assert_int_equal(uname(&un), 0);
    assert_string_equal(info.model, un.machine);
    assert_int_equal(info.memory, 4ul * 1024 * 1024);
    assert_int_equal(info.cpus, 4);
    assert_int_equal(info.mhz, 2400);
    assert_int_equal(info.nodes, 1);
    assert_int_equal(info.sockets, 1);
    assert_int_equal(info.cores, 2);
    assert_int_equal(info.threads, 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_PHYSINFO), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CPU_TOPOLOGY), 1);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_node_info_counts_nodes_and_sockets_per_node(void **state)
{
    virConnectPtr conn;
    virNodeInfo info;
    unsigned int cpu;

    (void)state;
    /* 2 nodes x 2 sockets x 2 cores x 1 thread */
    xvSimPhysInfo()->nrCpus = 8;
    xvSimPhysInfo()->maxCpuId = 7;
    xvSimPhysInfo()->threadsPerCore = 1;
    xvSimPhysInfo()->coresPerSocket = 2;
    xvSimPhysInfo()->nrNodes = 2;
    for (cpu = 0; cpu < 8; cpu++)
        xvSimSetCpuTopo(cpu, cpu % 2, cpu / 2, cpu / 4);
    conn = openXen();
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    assert_int_equal(info.cpus, 8);
    assert_int_equal(info.nodes, 2);
    assert_int_equal(info.sockets, 2);
    assert_int_equal(info.cores, 2);
    assert_int_equal(info.threads, 1);
    closeConn(conn);
}

static void
test_node_info_that_does_not_add_up_falls_back_to_one_core_per_cpu(void **state)
{
    virConnectPtr conn;
    virNodeInfo info;

    (void)state;
    /* CPU 3 went offline: 3 online CPUs in a 2x2 topology */
    xvSimPhysInfo()->nrCpus = 3;
    xvSimSetCpuTopo(3, XV_XEN_TOPO_INVALID, XV_XEN_TOPO_INVALID, XV_XEN_TOPO_INVALID);
    conn = openXen();
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    assert_int_equal(info.cpus, 3);
    assert_int_equal(info.nodes, 1);
    assert_int_equal(info.sockets, 1);
    assert_int_equal(info.cores, 3);
    assert_int_equal(info.threads, 1);
    assert_int_equal(VIR_NODEINFO_MAXCPUS(info), 3);
    closeConn(conn);
}

static void
test_node_info_failures_name_the_call(void **state)
{
    virConnectPtr conn;
    virNodeInfo info;

    (void)state;
    conn = openXen();
    xvSimFail(XV_SIM_CALL_PHYSINFO, EIO, 1);
    assert_int_equal(virNodeGetInfo(conn, &info), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_physinfo failed: Input/output error");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_XEN);
    xvSimFail(XV_SIM_CALL_CPU_TOPOLOGY, ENOMEM, 1);
    assert_int_equal(virNodeGetInfo(conn, &info), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_cputopoinfo failed: Cannot allocate memory");
    closeConn(conn);
}

/* ---- listing and looking up -------------------------------------------------------- */

static void
test_list_domains_has_dom0_and_domus_in_id_order(void **state)
{
    virConnectPtr conn;
    int ids[8] = { 0 };

    (void)state;
    xvSimAddDomain("web", 2, 256 * KiB_PER_MiB);
    xvSimAddDomain("db", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    assert_int_equal(virConnectNumOfDomains(conn), 3);
    assert_int_equal(virConnectListDomains(conn, ids, 8), 3);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 1);
    assert_int_equal(ids[2], 2);
    /* at most maxids */
    memset(ids, 0, sizeof(ids));
    assert_int_equal(virConnectListDomains(conn, ids, 2), 2);
    assert_int_equal(ids[1], 1);
    assert_int_equal(ids[2], 0);
    assert_int_equal(virConnectListDomains(conn, NULL, 0), 0);
    closeConn(conn);
}

static void
test_list_domains_has_no_cap_and_batches_in_chunks(void **state)
{
    virConnectPtr conn;
    int ids[64];
    int i;

    (void)state;
    xvXenDriverSetBatchTuning(4, -1);
    for (i = 0; i < 10; i++)
        xvSimAddDomain("d", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    xvSimResetCounts();
    /* 11 domains in chunks of 4: 4 + 4 + 3 */
    assert_int_equal(virConnectNumOfDomains(conn), 11);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 3);
    assert_int_equal(virConnectListDomains(conn, ids, 64), 11);
    for (i = 0; i < 11; i++)
        assert_int_equal(ids[i], i);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 3);
    /* 12 domains: 4 + 4 + 4 + an empty chunk that ends it */
    xvSimAddDomain("e", 1, 128 * KiB_PER_MiB);
    xvSimResetCounts();
    assert_int_equal(virConnectNumOfDomains(conn), 12);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 4);
    closeConn(conn);
}

static void
test_list_domains_failure_names_the_call_and_errno(void **state)
{
    virConnectPtr conn;
    int ids[8];

    (void)state;
    conn = openXen();
    xvSimFail(XV_SIM_CALL_GETINFOLIST, EPERM, 1);
    assert_int_equal(virConnectNumOfDomains(conn), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_domain_getinfolist failed: Operation not permitted");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_XEN);
    xvSimFail(XV_SIM_CALL_GETINFOLIST, EPERM, 1);
    assert_int_equal(virConnectListDomains(conn, ids, 8), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_domain_getinfolist failed");
    /* and it recovers */
    assert_int_equal(virConnectListDomains(conn, ids, 8), 1);
    closeConn(conn);
}

static void
test_lookups_by_id_name_and_uuid_agree(void **state)
{
    virConnectPtr conn;
    virDomainPtr a, b, c;
    char uuid[40], got[40];
    uint32_t web;

    (void)state;
    web = xvSimAddDomain("web", 2, 256 * KiB_PER_MiB);
    conn = openXen();
    uuidOf(web, uuid);
    assert_non_null(a = virDomainLookupByID(conn, (int)web));
    assert_non_null(b = virDomainLookupByName(conn, "web"));
    assert_non_null(c = virDomainLookupByUUIDString(conn, uuid));
    assert_string_equal(virDomainGetName(a), "web");
    assert_string_equal(virDomainGetName(c), "web");
    assert_int_equal(virDomainGetID(b), web);
    assert_int_equal(virDomainGetID(c), web);
    assert_int_equal(virDomainGetUUIDString(a, got), 0);
    assert_string_equal(got, uuid);
    virDomainFree(a);
    virDomainFree(b);
    virDomainFree(c);
    /* dom0: Domain-0 with the null uuid */
    assert_non_null(a = virDomainLookupByName(conn, "Domain-0"));
    assert_int_equal(virDomainGetID(a), 0);
    assert_int_equal(virDomainGetUUIDString(a, got), 0);
    assert_string_equal(got, "00000000-0000-0000-0000-000000000000");
    virDomainFree(a);
    closeConn(conn);
}

static void
test_lookups_of_unknown_domains_are_no_domain(void **state)
{
    virConnectPtr conn;

    (void)state;
    conn = openXen();
    assert_null(virDomainLookupByID(conn, 7));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching id 7");
    assert_null(virDomainLookupByName(conn, "nope"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching name 'nope'");
    assert_null(virDomainLookupByUUIDString(conn, "5a170000-c0de-4000-8000-0000000000ff"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN,
                "no domain with matching uuid '5a170000-c0de-4000-8000-0000000000ff'");
    closeConn(conn);
}

static void
test_lookup_finds_a_domain_created_after_open(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    uint32_t id;

    (void)state;
    conn = openXen();
    id = xvSimAddDomain("late", 1, 128 * KiB_PER_MiB);
    assert_non_null(dom = virDomainLookupByName(conn, "late"));
    assert_int_equal(virDomainGetID(dom), id);
    virDomainFree(dom);
    assert_non_null(dom = virDomainLookupByID(conn, (int)id));
    assert_string_equal(virDomainGetName(dom), "late");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_lookup_by_name_prefers_the_newest_of_two_with_one_name(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    uint32_t old;

    (void)state;
    /* a dying domain lingers beside the one that replaced it */
    old = xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    xvSimGetDomain(old)->dying = true;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    assert_non_null(dom = virDomainLookupByName(conn, "web"));
    assert_int_equal(virDomainGetID(dom), old + 1);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_domain_without_a_name_yet_gets_a_stand_in_until_xenstore_has_one(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    uint32_t id;

    (void)state;
    id = xvSimAddDomain("early", 1, 128 * KiB_PER_MiB);
    xvSimStoreRemove("/local/domain/1/name");
    conn = openXen();
    assert_non_null(dom = virDomainLookupByID(conn, (int)id));
    assert_string_equal(virDomainGetName(dom), "Domain-1");
    virDomainFree(dom);
    /* the toolstack writes the name and introduces the domain */
    xvSimStoreSet("/local/domain/1/name", "early");
    xvSimFireWatch("@introduceDomain");
    xvSimResetCounts();
    assert_non_null(dom = virDomainLookupByName(conn, "early"));
    assert_int_equal(virDomainGetID(dom), id);
    /* one batch, one read: the missing name only */
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 1);
    virDomainFree(dom);
    closeConn(conn);
}

/* ---- reading a domain ----------------------------------------------------------------- */

static void
test_get_info_reports_kib_from_pages_and_ns(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;
    xvSimDom *sd;
    uint32_t id;

    (void)state;
    id = xvSimAddDomain("web", 4, 256 * KiB_PER_MiB);
    sd = xvSimGetDomain(id);
    sd->totPages = 60000;
    sd->cpuTimeNs = 123456789012ull;
    sd->vcpus[3].online = false;
    conn = openXen();
    dom = byName(conn, "web");
    info = getInfo(dom);
    assert_int_equal(info.state, VIR_DOMAIN_BLOCKED);
    assert_int_equal(info.memory, 240000);
    assert_int_equal(info.maxMem, 256 * KiB_PER_MiB);
    assert_int_equal(info.nrVirtCpu, 3);
    assert_int_equal(info.cpuTime, 123456789012ull);
    assert_int_equal(virDomainGetMaxMemory(dom), 256 * KiB_PER_MiB);
    virDomainFree(dom);
    /* dom0 has no memory/static-max: the hypervisor's limit */
    dom = byName(conn, "Domain-0");
    info = getInfo(dom);
    assert_int_equal(info.maxMem, 512 * KiB_PER_MiB);
    assert_int_equal(info.memory, 512 * KiB_PER_MiB);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetMaxMemory(dom), 512 * KiB_PER_MiB);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_info_state_comes_from_the_domain_flags(void **state)
{
    static const struct {
        bool dying, shutdown, paused, blocked, running;
        unsigned int reason;
        int state;
    } cases[] = {
        { false, false, false, false, true, 0, VIR_DOMAIN_RUNNING },
        { false, false, false, true, false, 0, VIR_DOMAIN_BLOCKED },
        { false, false, false, false, false, 0, VIR_DOMAIN_RUNNING },   /* runnable */
        { false, false, true, true, false, 0, VIR_DOMAIN_PAUSED },
        { false, true, false, false, false, XV_XEN_SHUTDOWN_POWEROFF, VIR_DOMAIN_SHUTOFF },
        { false, true, false, false, false, XV_XEN_SHUTDOWN_REBOOT, VIR_DOMAIN_SHUTOFF },
        { false, true, false, false, false, XV_XEN_SHUTDOWN_SUSPEND, VIR_DOMAIN_SHUTOFF },
        { false, true, true, false, false, XV_XEN_SHUTDOWN_CRASH, VIR_DOMAIN_CRASHED },
        { false, true, false, false, false, XV_XEN_SHUTDOWN_WATCHDOG, VIR_DOMAIN_SHUTOFF },
        { true, true, false, false, false, XV_XEN_SHUTDOWN_CRASH, VIR_DOMAIN_CRASHED },
        { true, true, false, false, false, XV_XEN_SHUTDOWN_POWEROFF, VIR_DOMAIN_SHUTDOWN },
        { true, false, false, false, false, 0, VIR_DOMAIN_SHUTDOWN },
    };
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;
    size_t i;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB));
    conn = openXen();
    dom = byName(conn, "web");
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        sd->dying = cases[i].dying;
        sd->shutdown = cases[i].shutdown;
        sd->shutdownReason = cases[i].reason;
        sd->paused = cases[i].paused;
        sd->blocked = cases[i].blocked;
        sd->running = cases[i].running;
        if (getInfo(dom).state != cases[i].state)
            fail_msg("case %zu: state %d, expected %d", i, getInfo(dom).state,
                     cases[i].state);
    }
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_info_reflects_changes_between_calls(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;
    int ids[8];

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB));
    conn = openXen();
    assert_int_equal(virConnectListDomains(conn, ids, 8), 2);
    dom = virDomainLookupByID(conn, 1);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    /* the batch served that one; the next GetInfo asks Xen */
    sd->paused = true;
    xvSimResetCounts();
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    sd->paused = false;
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 2);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_info_after_the_batch_expired_asks_xen(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvXenDriverSetBatchTuning(0, 0);
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    dom = virDomainLookupByID(conn, 1);
    xvSimGetDomain(1)->paused = true;
    xvSimResetCounts();
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_calls_on_a_vanished_domain_are_no_domain(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;
    virVcpuInfo vcpu;

    (void)state;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    xvSimRemoveDomain(1);
    assert_int_equal(virDomainGetInfo(dom, &info), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid");
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "('web')");
    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_int_equal(virDomainGetVcpus(dom, &vcpu, 1, NULL, 0), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'web'");
    assert_null(virDomainGetOSType(dom));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'web'");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_a_domain_that_changed_id_is_followed_by_uuid(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;
    unsigned char uuid[16];

    (void)state;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    /* `xl reboot`: a new domain, same name and uuid */
    xvSimRemoveDomain(1);
    xvSimUUID(1, uuid);
    sd = xvSimGetDomain(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB));
    memcpy(sd->uuid, uuid, 16);
    sd->running = true;
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), 2);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_os_type_is_linux_for_pv_and_hvm_for_hvm(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char *type;

    (void)state;
    xvSimAddDomain("pv", 1, 128 * KiB_PER_MiB);
    xvSimGetDomain(xvSimAddDomain("hvm", 1, 128 * KiB_PER_MiB))->hvm = true;
    conn = openXen();
    xvSimResetCounts();
    dom = byName(conn, "pv");
    assert_non_null(type = virDomainGetOSType(dom));
    assert_string_equal(type, "linux");
    free(type);
    virDomainFree(dom);
    dom = byName(conn, "hvm");
    assert_non_null(type = virDomainGetOSType(dom));
    assert_string_equal(type, "hvm");
    free(type);
    virDomainFree(dom);
    /* from the cache: no call at all */
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_get_max_memory_reads_static_max_afresh(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvSimAddDomain("web", 1, 256 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    /* `xl mem-max` from another program: no watch tells us */
    xvSimStoreSet("/local/domain/1/memory/static-max", "300000");
    xvSimResetCounts();
    assert_int_equal(virDomainGetMaxMemory(dom), 300000);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 1);
    /* and GetInfo's cache follows */
    assert_int_equal(getInfo(dom).maxMem, 300000);
    xvSimFail(XV_SIM_CALL_STORE_READ, EACCES, 1);
    assert_int_equal(virDomainGetMaxMemory(dom), 0);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR,
                "xs_read of '/local/domain/1/memory/static-max' failed: Permission denied");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_XENSTORE);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_vcpus_reports_state_time_cpu_and_the_nodes_part_of_the_map(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virVcpuInfo info[4];
    unsigned char maps[4 * 2];
    xvSimDom *sd;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 3, 256 * KiB_PER_MiB));
    sd->vcpus[0].running = true;
    sd->vcpus[0].blocked = false;
    sd->vcpus[0].cpu = 2;
    sd->vcpus[1].cpu = 1;
    sd->vcpus[2].online = false;
    memset(sd->vcpus[1].affinity, 0, XV_SIM_MAPLEN);
    sd->vcpus[1].affinity[0] = 0x02;
    conn = openXen();
    dom = byName(conn, "web");
    memset(maps, 0xee, sizeof(maps));
    assert_int_equal(virDomainGetVcpus(dom, info, 4, maps, 2), 3);
    assert_int_equal(info[0].number, 0);
    assert_int_equal(info[0].state, VIR_VCPU_RUNNING);
    assert_int_equal(info[0].cpu, 2);
    assert_int_equal(info[0].cpuTime, 500000000ull);
    assert_int_equal(info[1].state, VIR_VCPU_BLOCKED);
    assert_int_equal(info[1].cpu, 1);
    assert_int_equal(info[1].cpuTime, 1000000000ull);
    assert_int_equal(info[2].number, 2);
    assert_int_equal(info[2].state, VIR_VCPU_OFFLINE);
    assert_int_equal(info[2].cpu, -1);
    /* Xen's map spans the 8 CPU slots; the node has 4 CPUs */
    assert_int_equal(maps[0], 0x0f);
    assert_int_equal(maps[1], 0x00);
    assert_int_equal(maps[2], 0x02);
    assert_int_equal(maps[3], 0x00);
    assert_int_equal(maps[4], 0x0f);
    assert_int_equal(maps[6], 0x00);
    assert_true(VIR_CPU_USABLE(maps, 2, 1, 1));
    assert_false(VIR_CPU_USABLE(maps, 2, 1, 0));
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_vcpus_maxinfo_limits_and_no_maps_means_no_affinity_call(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virVcpuInfo info[2];

    (void)state;
    xvSimAddDomain("web", 4, 256 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    xvSimResetCounts();
    assert_int_equal(virDomainGetVcpus(dom, info, 2, NULL, 0), 2);
    assert_int_equal(info[1].number, 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_GETINFO), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_GETAFFINITY), 0);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_vcpus_failures_name_the_call(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virVcpuInfo info[2];
    unsigned char maps[2];

    (void)state;
    xvSimAddDomain("web", 2, 256 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    xvSimFail(XV_SIM_CALL_VCPU_GETINFO, ESRCH, 1);
    assert_int_equal(virDomainGetVcpus(dom, info, 2, maps, 1), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_vcpu_getinfo failed: No such process");
    xvSimFail(XV_SIM_CALL_VCPU_GETAFFINITY, EFAULT, 1);
    assert_int_equal(virDomainGetVcpus(dom, info, 2, maps, 1), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_vcpu_getaffinity failed: Bad address");
    virDomainFree(dom);
    closeConn(conn);
}

/* ---- the cost of a sample ------------------------------------------------------------- */

static void
test_sample_of_an_unchanged_host_is_one_batch_per_vcpu_calls_and_no_xenstore_read(
    void **state)
{
    virConnectPtr conn;
    int i;

    (void)state;
    /* dom0 (2 vcpus) + 5 domains of 3 vcpus */
    for (i = 0; i < 5; i++)
        xvSimAddDomain("d", 3, 128 * KiB_PER_MiB);
    conn = openXen();
    /* from the first sample on: the watches' first events change nothing */
    xvSimResetCounts();
    sample(conn, 6);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_GETINFO), 2 + 5 * 3);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_GETAFFINITY), 2 + 5 * 3);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    assert_int_equal(storeOps(), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_PHYSINFO), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), 0);
    /* and again: the floor holds sample after sample */
    xvSimResetCounts();
    sample(conn, 6);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_sample_with_an_expired_batch_asks_xen_once_per_domain_more(void **state)
{
    virConnectPtr conn;
    int i;

    (void)state;
    xvXenDriverSetBatchTuning(0, 0);
    for (i = 0; i < 3; i++)
        xvSimAddDomain("d", 2, 128 * KiB_PER_MiB);
    conn = openXen();
    xvSimResetCounts();
    sample(conn, 4);
    /* NumOfDomains, ListDomains, then one getinfolist(id, 1) per GetInfo
     * (LookupByID too, the batch being too old for it) */
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 2 + 4 + 4);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_sample_of_many_domains_takes_one_batch_per_chunk(void **state)
{
    virConnectPtr conn;
    int i;

    (void)state;
    xvXenDriverSetBatchTuning(8, -1);
    for (i = 0; i < 20; i++)
        xvSimAddDomain("d", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    sample(conn, 21);
    xvSimResetCounts();
    sample(conn, 21);
    /* floor(21 / 8) + 1 */
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 3);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_GETINFO), 2 + 20);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_an_introduced_domain_costs_two_xenstore_reads_once(void **state)
{
    virConnectPtr conn;

    (void)state;
    xvSimAddDomain("a", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    sample(conn, 2);
    xvSimAddDomain("b", 2, 128 * KiB_PER_MiB);
    xvSimResetCounts();
    sample(conn, 3);
    /* its name and memory/static-max, nothing of the others */
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    xvSimResetCounts();
    sample(conn, 3);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    closeConn(conn);
}

static void
test_a_released_domain_leaves_without_xenstore_reads(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvSimAddDomain("a", 1, 128 * KiB_PER_MiB);
    xvSimAddDomain("b", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    sample(conn, 3);
    xvSimRemoveDomain(1);
    xvSimResetCounts();
    sample(conn, 2);
    assert_int_equal(storeOps(), 0);
    assert_null(virDomainLookupByName(conn, "a"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'a'");
    assert_non_null(dom = virDomainLookupByName(conn, "b"));
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_lookups_on_an_unchanged_host_cost_nothing(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char uuid[40];

    (void)state;
    xvSimAddDomain("a", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    sample(conn, 2);
    uuidOf(1, uuid);
    xvSimResetCounts();
    assert_non_null(dom = virDomainLookupByName(conn, "a"));
    virDomainFree(dom);
    assert_non_null(dom = virDomainLookupByUUIDString(conn, uuid));
    virDomainFree(dom);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_a_second_list_takes_a_new_batch(void **state)
{
    virConnectPtr conn;
    int ids[8];

    (void)state;
    conn = openXen();
    sample(conn, 1);
    xvSimResetCounts();
    assert_int_equal(virConnectListDomains(conn, ids, 8), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    xvSimAddDomain("new", 1, 128 * KiB_PER_MiB);
    assert_int_equal(virConnectListDomains(conn, ids, 8), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 2);
    closeConn(conn);
}

static void
test_watch_and_sync_failures_fail_the_call_and_recover(void **state)
{
    virConnectPtr conn;
    int ids[8];

    (void)state;
    conn = openXen();
    xvSimFail(XV_SIM_CALL_STORE_CHECK_WATCH, EIO, 1);
    assert_int_equal(virConnectNumOfDomains(conn), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_check_watch failed: Input/output error");
    xvSimAddDomain("new", 1, 128 * KiB_PER_MiB);
    xvSimFail(XV_SIM_CALL_STORE_READ, EACCES, 1);
    assert_int_equal(virConnectListDomains(conn, ids, 8), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR,
                "xs_read of '/local/domain/1/name' failed: Permission denied");
    assert_int_equal(virConnectListDomains(conn, ids, 8), 2);
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    closeConn(conn);
}

/* ---- writing ----------------------------------------------------------------------- */

static void
test_pin_vcpu_sets_the_hard_affinity(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    unsigned char map = 0x04;
    xvSimDom *sd;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 2, 128 * KiB_PER_MiB));
    conn = openXen();
    dom = byName(conn, "web");
    assert_int_equal(virDomainPinVcpu(dom, 1, &map, 1), 0);
    assert_int_equal(sd->vcpus[1].affinity[0], 0x04);
    assert_int_equal(sd->vcpus[0].affinity[0], 0xff);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_SETAFFINITY), 1);
    assert_int_equal(virDomainPinVcpu(dom, 2, &map, 1), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "vcpu 2 is not within the 2 vcpus of domain 'web'");
    xvSimFail(XV_SIM_CALL_VCPU_SETAFFINITY, EINVAL, 1);
    assert_int_equal(virDomainPinVcpu(dom, 0, &map, 1), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_vcpu_setaffinity failed: Invalid argument");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_max_memory_sets_the_limit_with_slack_and_static_max(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB));
    conn = openXen();
    dom = byName(conn, "web");
    assert_int_equal(virDomainSetMaxMemory(dom, 256 * KiB_PER_MiB), 0);
    assert_int_equal(sd->maxPages * XV_XEN_PAGE_KIB, 256 * KiB_PER_MiB + 1024);
    assert_int_equal(storeKiB(1, "memory/static-max"), 256 * KiB_PER_MiB);
    assert_int_equal(storeKiB(1, "memory/target"), 128 * KiB_PER_MiB);
    assert_int_equal(virDomainGetMaxMemory(dom), 256 * KiB_PER_MiB);
    assert_int_equal(getInfo(dom).maxMem, 256 * KiB_PER_MiB);
    /* below the current target: the target comes down first */
    assert_int_equal(virDomainSetMaxMemory(dom, 96 * KiB_PER_MiB), 0);
    assert_int_equal(storeKiB(1, "memory/target"), 96 * KiB_PER_MiB);
    assert_int_equal(storeKiB(1, "memory/static-max"), 96 * KiB_PER_MiB);
    assert_int_equal(sd->maxPages * XV_XEN_PAGE_KIB, 96 * KiB_PER_MiB + 1024);
    xvSimFail(XV_SIM_CALL_SETMAXMEM, EPERM, 1);
    assert_int_equal(virDomainSetMaxMemory(dom, 128 * KiB_PER_MiB), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_domain_setmaxmem failed: Operation not permitted");
    assert_int_equal(storeKiB(1, "memory/static-max"), 96 * KiB_PER_MiB);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_memory_writes_the_balloon_target_and_the_limit_with_slack(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 1, 256 * KiB_PER_MiB));
    conn = openXen();
    dom = byName(conn, "web");
    xvSimResetCounts();
    assert_int_equal(virDomainSetMemory(dom, 96 * KiB_PER_MiB), 0);
    assert_int_equal(storeKiB(1, "memory/target"), 96 * KiB_PER_MiB);
    assert_int_equal(sd->maxPages * XV_XEN_PAGE_KIB, 96 * KiB_PER_MiB + 1024);
    /* static-max stays the maximum */
    assert_int_equal(storeKiB(1, "memory/static-max"), 256 * KiB_PER_MiB);
    assert_int_equal(virDomainGetMaxMemory(dom), 256 * KiB_PER_MiB);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_TXN_START), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_TXN_END), 1);
    /* back up to the maximum */
    assert_int_equal(virDomainSetMemory(dom, 256 * KiB_PER_MiB), 0);
    assert_int_equal(storeKiB(1, "memory/target"), 256 * KiB_PER_MiB);
    assert_int_equal(sd->maxPages * XV_XEN_PAGE_KIB, 256 * KiB_PER_MiB + 1024);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_memory_above_the_maximum_is_invalid_and_changes_nothing(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    uint64_t maxPages;

    (void)state;
    maxPages = xvSimGetDomain(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB))->maxPages;
    conn = openXen();
    dom = byName(conn, "web");
    xvSimResetCounts();
    assert_int_equal(virDomainSetMemory(dom, 129 * KiB_PER_MiB), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG,
                "memory 132096 KiB is above the maximum 131072 KiB of domain 'web'");
    assert_int_equal(xvSimCount(XV_SIM_CALL_SETMAXMEM), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WRITE), 0);
    assert_int_equal(storeKiB(1, "memory/target"), 128 * KiB_PER_MiB);
    assert_int_equal(xvSimGetDomain(1)->maxPages, maxPages);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_memory_leaves_room_for_video_ram(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("hvm", 1, 256 * KiB_PER_MiB));
    xvSimStoreSet("/local/domain/1/memory/videoram", "8192");
    conn = openXen();
    dom = byName(conn, "hvm");
    assert_int_equal(virDomainSetMemory(dom, 200 * KiB_PER_MiB), 0);
    assert_int_equal(storeKiB(1, "memory/target"), 200 * KiB_PER_MiB - 8192);
    assert_int_equal(sd->maxPages * XV_XEN_PAGE_KIB, 200 * KiB_PER_MiB + 1024);
    assert_int_equal(virDomainSetMemory(dom, 4096), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "is not above the 8192 KiB video RAM");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_memory_retries_a_conflicting_transaction(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvSimAddDomain("web", 1, 256 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    xvSimResetCounts();
    xvSimConflict(2);
    assert_int_equal(virDomainSetMemory(dom, 160 * KiB_PER_MiB), 0);
    assert_int_equal(storeKiB(1, "memory/target"), 160 * KiB_PER_MiB);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_TXN_START), 3);
    /* endless conflicts end in an error, and nothing is committed */
    xvSimConflict(1000);
    assert_int_equal(virDomainSetMemory(dom, 100 * KiB_PER_MiB), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "xenstore kept conflicting");
    assert_int_equal(storeKiB(1, "memory/target"), 160 * KiB_PER_MiB);
    xvSimConflict(0);
    /* a failing write aborts the transaction, keeping its own error */
    xvSimFail(XV_SIM_CALL_STORE_WRITE, EACCES, 1);
    assert_int_equal(virDomainSetMemory(dom, 100 * KiB_PER_MiB), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR,
                "xs_write of '/local/domain/1/memory/target' failed: Permission denied");
    assert_int_equal(storeKiB(1, "memory/target"), 160 * KiB_PER_MiB);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_memory_of_dom0_keeps_its_minimum(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    conn = openXen();
    dom = byName(conn, "Domain-0");
    assert_int_equal(virDomainSetMemory(dom, 64 * KiB_PER_MiB), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "below the 131072 KiB minimum of 'Domain-0'");
    assert_int_equal(virDomainSetMemory(dom, 384 * KiB_PER_MiB), 0);
    assert_int_equal(storeKiB(0, "memory/target"), 384 * KiB_PER_MiB);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_set_vcpus_writes_the_availability_of_every_vcpu(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvSimAddDomain("web", 4, 128 * KiB_PER_MiB);
    xvSimGetDomain(xvSimAddDomain("hvm", 2, 128 * KiB_PER_MiB))->hvm = true;
    conn = openXen();
    dom = byName(conn, "web");
    assert_int_equal(virDomainSetVcpus(dom, 2), 0);
    assert_string_equal(storeGetDom(1, "cpu/0/availability"), "online");
    assert_string_equal(storeGetDom(1, "cpu/1/availability"), "online");
    assert_string_equal(storeGetDom(1, "cpu/2/availability"), "offline");
    assert_string_equal(storeGetDom(1, "cpu/3/availability"), "offline");
    assert_int_equal(virDomainSetVcpus(dom, 4), 0);
    assert_string_equal(storeGetDom(1, "cpu/3/availability"), "online");
    assert_int_equal(virDomainSetVcpus(dom, 5), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "5 vcpus are not within 1 to the 4 vcpus of domain 'web'");
    xvSimFail(XV_SIM_CALL_STORE_WRITE, EIO, 1);
    assert_int_equal(virDomainSetVcpus(dom, 1), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_write of '/local/domain/1/cpu/0/availability'");
    assert_string_equal(storeGetDom(1, "cpu/1/availability"), "online");
    virDomainFree(dom);
    dom = byName(conn, "hvm");
    assert_int_equal(virDomainSetVcpus(dom, 1), -1);
    xvTestAssertError(VIR_ERR_NO_SUPPORT, "HVM domain 'hvm'");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_suspend_and_resume_pause_and_unpause(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    xvSimDom *sd;

    (void)state;
    sd = xvSimGetDomain(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB));
    conn = openXen();
    dom = byName(conn, "web");
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_true(sd->paused);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_PAUSED);
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is already paused");
    assert_int_equal(sd->pauseCount, 1);
    assert_int_equal(virDomainResume(dom), 0);
    assert_false(sd->paused);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    assert_int_equal(virDomainResume(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is not paused");
    xvSimFail(XV_SIM_CALL_PAUSE, EBUSY, 1);
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_domain_pause failed: Device or resource busy");
    sd->shutdown = true;
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is not running");
    virDomainFree(dom);
    dom = byName(conn, "Domain-0");
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "refusing to pause 'Domain-0'");
    assert_int_equal(xvSimCount(XV_SIM_CALL_PAUSE), 2);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_shutdown_and_reboot_use_the_pv_control_protocol(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_string_equal(storeGetDom(1, "control/shutdown"), "poweroff");
    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_string_equal(storeGetDom(1, "control/shutdown"), "reboot");
    xvSimGetDomain(1)->shutdown = true;
    assert_int_equal(virDomainShutdown(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' is not running");
    virDomainFree(dom);
    dom = byName(conn, "Domain-0");
    assert_int_equal(virDomainShutdown(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "refusing to shut down 'Domain-0'");
    assert_int_equal(virDomainReboot(dom, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "refusing to reboot 'Domain-0'");
    assert_null(storeGetDom(0, "control/shutdown"));
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_destroy_removes_the_domain(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    xvSimAddDomain("db", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    dom = byName(conn, "web");
    xvSimFail(XV_SIM_CALL_DESTROY, EBUSY, 1);
    assert_int_equal(virDomainDestroy(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "libxl_domain_destroy failed");
    assert_non_null(xvSimGetDomain(1));
    /* the handle survived the failure; success frees it */
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(xvSimGetDomain(1));
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_null(virDomainLookupByName(conn, "web"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'web'");
    dom = byName(conn, "Domain-0");
    assert_int_equal(virDomainDestroy(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "refusing to destroy 'Domain-0'");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_read_only_connection_reads_everything_and_writes_nothing(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virVcpuInfo vcpus[2];
    virNodeInfo node;
    unsigned char map = 1, maps[2];
    unsigned long ver;
    char *type;
    int ids[4];

    (void)state;
    xvSimAddDomain("web", 2, 128 * KiB_PER_MiB);
    assert_non_null(conn = virConnectOpenReadOnly("xen:///"));
    assert_int_equal(virNodeGetInfo(conn, &node), 0);
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_int_equal(virConnectListDomains(conn, ids, 4), 2);
    dom = byName(conn, "web");
    assert_int_equal(getInfo(dom).nrVirtCpu, 2);
    assert_int_equal(virDomainGetVcpus(dom, vcpus, 2, maps, 1), 2);
    assert_non_null(type = virDomainGetOSType(dom));
    free(type);
    assert_int_equal(virDomainGetMaxMemory(dom), 128 * KiB_PER_MiB);
    xvSimResetCounts();
    assert_int_equal(virDomainPinVcpu(dom, 0, &map, 1), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainSetMemory(dom, 1024), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainSetMaxMemory(dom, 1024), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainSetVcpus(dom, 1), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainResume(dom), -1);
    assert_int_equal(virDomainShutdown(dom), -1);
    assert_int_equal(virDomainReboot(dom, 0), -1);
    assert_int_equal(virDomainDestroy(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainSave(dom, "/tmp/never"), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainUndefine(dom), -1);
    assert_int_equal(virDomainCreate(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_null(virDomainDefineXML(conn, PV_XML("x", NEW_UUID, "131072", "1")));
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_null(virDomainCreateLinux(conn, PV_XML("x", NEW_UUID, "131072", "1"), 0));
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(virDomainRestore(conn, "/tmp/never"), -1);
    xvTestAssertError(VIR_ERR_OPERATION_DENIED, "read-only");
    assert_int_equal(access(statePath(NEW_UUID), F_OK), -1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE) + xvSimCount(XV_SIM_CALL_SAVE) +
                     xvSimCount(XV_SIM_CALL_RESTORE), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_SETAFFINITY) +
                     xvSimCount(XV_SIM_CALL_SETMAXMEM) + xvSimCount(XV_SIM_CALL_PAUSE) +
                     xvSimCount(XV_SIM_CALL_UNPAUSE) + xvSimCount(XV_SIM_CALL_DESTROY) +
                     xvSimCount(XV_SIM_CALL_STORE_WRITE) +
                     xvSimCount(XV_SIM_CALL_STORE_TXN_START), 0);
    virDomainFree(dom);
    closeConn(conn);
}

/* ---- defined domains, create, save, restore, XML ------------------------------------ */

static void
test_define_stores_the_config_and_the_domain_is_shut_off(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;
    char *xml, *type;
    struct stat st;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("newdom", NEW_UUID, "262144", "2")));
    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_int_equal(stat(statePath(NEW_UUID), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(stateDir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    virDomainFree(dom);
    assert_true(definedHas(conn, "newdom"));
    assert_int_equal(virConnectNumOfDomains(conn), 1);

    dom = byName(conn, "newdom");
    assert_int_equal((int)virDomainGetID(dom), -1);
    info = getInfo(dom);
    assert_int_equal(info.state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.memory, 262144);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(info.cpuTime, 0);
    assert_int_equal(virDomainGetMaxMemory(dom), 262144);
    assert_non_null(type = virDomainGetOSType(dom));
    assert_string_equal(type, "linux");
    free(type);
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<name>newdom</name>"));
    assert_non_null(strstr(xml, "<kernel>/xenlab/vmlinux</kernel>"));
    assert_null(strstr(xml, " id="));
    free(xml);
    virDomainFree(dom);
    assert_non_null(dom = virDomainLookupByUUIDString(conn, NEW_UUID));
    assert_string_equal(virDomainGetName(dom), "newdom");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_define_refuses_the_name_or_uuid_of_another_domain(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char webUUID[40];

    (void)state;
    uuidOf(xvSimAddDomain("web", 1, 128 * KiB_PER_MiB), webUUID);
    conn = openXen();
    assert_null(virDomainDefineXML(conn, PV_XML("web", NEW_UUID, "131072", "1")));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'web' already exists with uuid");
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("other", NEW_UUID, "131072", "1")));
    virDomainFree(dom);
    assert_null(virDomainDefineXML(conn, PV_XML("third", NEW_UUID, "131072", "1")));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "already exists as 'other'");
    /* the same name and uuid replace the definition */
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("other", NEW_UUID, "65536", "1")));
    assert_int_equal(getInfo(dom).maxMem, 65536);
    virDomainFree(dom);
    assert_null(virDomainDefineXML(conn, "<domain type='xen'><name>x</name>"
                                         "<memory>1024</memory><vcpu>1</vcpu></domain>"));
    xvTestAssertError(VIR_ERR_NO_OS, "missing <os>");
    assert_null(virDomainDefineXML(conn, "<domain type='test'><name>x</name></domain>"));
    assert_non_null(virGetLastError());
    /* what the toolstack could not start is refused at once */
    assert_null(virDomainDefineXML(conn,
        "<domain type='xen'><name>n</name><memory>1024</memory><vcpu>1</vcpu>"
        "<os><type>linux</type><kernel>/k</kernel></os><devices>"
        "<interface type='network'><source network='default'/></interface>"
        "</devices></domain>"));
    xvTestAssertError(VIR_ERR_CONFIG_UNSUPPORTED, "interface type 'network'");
    assert_false(definedHas(conn, "n"));
    closeConn(conn);
}

static void
test_define_of_a_running_domain_makes_it_persistent(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char xml[512], webUUID[40];
    uint32_t id;

    (void)state;
    id = xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    uuidOf(id, webUUID);
    conn = openXen();
    snprintf(xml, sizeof(xml),
             "<domain type='xen'><name>web</name><uuid>%s</uuid><memory>131072</memory>"
             "<vcpu>1</vcpu><os><type>linux</type><kernel>/k</kernel></os></domain>",
             webUUID);
    assert_non_null(dom = virDomainDefineXML(conn, xml));
    assert_int_equal(virDomainGetID(dom), id);
    /* running: not among the defined, inactive domains */
    assert_false(definedHas(conn, "web"));
    /* undefined, it keeps running */
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainUndefine(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain 'web'");
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_undefine_removes_the_config(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("newdom", NEW_UUID, "131072", "1")));
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(access(statePath(NEW_UUID), F_OK), -1);
    assert_false(definedHas(conn, "newdom"));
    assert_int_equal(virDomainUndefine(dom), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'newdom'");
    assert_int_equal(virDomainGetInfo(dom, &info), -1);
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'newdom'");
    virDomainFree(dom);
    assert_null(virDomainLookupByName(conn, "newdom"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching name 'newdom'");
    closeConn(conn);
}

static void
test_create_starts_a_defined_domain(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    unsigned char uuid[16];
    xvSimDom *sd;
    int id;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("newdom", NEW_UUID, "262144", "2")));
    xvSimResetCounts();
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 1);
    id = (int)virDomainGetID(dom);
    assert_true(id > 0);
    assert_non_null(sd = xvSimGetDomain((uint32_t)id));
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    assert_memory_equal(sd->uuid, uuid, 16);
    assert_int_equal(sd->nvcpus, 2);
    assert_string_equal(storeGetDom((uint32_t)id, "name"), "newdom");
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    assert_int_equal(getInfo(dom).memory, 262144);
    assert_false(definedHas(conn, "newdom"));
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_int_equal(virDomainCreate(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'newdom' is already running");
    /* destroyed, it is defined again */
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(definedHas(conn, "newdom"));
    dom = byName(conn, "newdom");
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    xvSimFail(XV_SIM_CALL_CREATE, ENOMEM, 1);
    assert_int_equal(virDomainCreate(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED,
                "libxl_domain_create_new failed (libxl error -3): Cannot allocate memory");
    assert_int_equal((int)virDomainGetID(dom), -1);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_destroyed_domain_still_dying_is_gone_for_lookups_and_starts_again(void **state)
{
    unsigned char uuid[16];
    virConnectPtr conn;
    virDomainPtr dom;
    uint32_t old;

    (void)state;
    xvSimSetDestroyLingers(true);
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("web", NEW_UUID, "131072", "1")));
    assert_int_equal(virDomainCreate(dom), 0);
    old = virDomainGetID(dom);
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    /* Xen still lists it (dying), but it is destroyed: shut off, not running */
    assert_non_null(xvSimGetDomain(old));
    assert_true(xvSimGetDomain(old)->dying);
    assert_non_null(dom = virDomainLookupByUUID(conn, uuid));
    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_true(virDomainGetID(dom) != old);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    virDomainFree(dom);
    assert_non_null(dom = virDomainLookupByName(conn, "web"));
    assert_true(virDomainGetID(dom) != old);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_transient_domain_created_again_while_its_destroyed_remains_are_dying(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char *xml;
    int old;

    (void)state;
    xvSimSetDestroyLingers(true);
    conn = openXen();
    assert_non_null(dom = virDomainCreateLinux(conn, PV_XML("loop", NEW_UUID, "131072", "1"),
                                               0));
    old = (int)virDomainGetID(dom);
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(xvSimGetDomain((uint32_t)old)->dying);
    assert_null(virDomainLookupByName(conn, "loop"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'loop'");
    /* what the restart policy does with the configuration it kept */
    assert_non_null(dom = virDomainCreateLinux(conn, xml, 0));
    assert_true((int)virDomainGetID(dom) > old);
    virDomainFree(dom);
    free(xml);
    closeConn(conn);
}

static void
test_create_of_a_defined_domain_whose_name_runs_is_dom_exist(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("web", NEW_UUID, "131072", "1")));
    /* meanwhile `xl create` started another "web" */
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    assert_int_equal(virDomainCreate(dom), -1);
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'web' is already active with id 1");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_create_linux_starts_a_transient_domain(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    int id;

    (void)state;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    assert_non_null(dom = virDomainCreateLinux(conn, PV_XML("tmp", NEW_UUID, "131072", "1"), 0));
    id = (int)virDomainGetID(dom);
    assert_true(id > 1);
    assert_string_equal(virDomainGetName(dom), "tmp");
    assert_false(definedHas(conn, "tmp"));
    assert_int_equal(access(statePath(NEW_UUID), F_OK), -1);
    assert_int_equal(virConnectNumOfDomains(conn), 3);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(virDomainLookupByName(conn, "tmp"));
    xvTestAssertError(VIR_ERR_NO_DOMAIN, "'tmp'");
    /* a running name or uuid is taken */
    assert_null(virDomainCreateLinux(conn, PV_XML("web", NEW_UUID, "131072", "1"), 0));
    xvTestAssertError(VIR_ERR_DOM_EXIST, "domain 'web' already exists with uuid");
    assert_null(virDomainCreateLinux(conn, "<domain type='xen'/>", 0));
    xvTestAssertError(VIR_ERR_NO_NAME, "");
    closeConn(conn);
}

static void
test_save_writes_the_file_and_destroys_and_restore_brings_it_back(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char path[512];
    struct stat st;

    (void)state;
    xvSimAddDomain("web", 2, 128 * KiB_PER_MiB);
    conn = openXen();
    snprintf(path, sizeof(path), "%s/web.save", stateDir);
    dom = byName(conn, "web");
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_null(xvSimGetDomain(1));
    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_null(virDomainLookupByName(conn, "web"));
    assert_int_equal(virDomainRestore(conn, path), 0);
    /* the same domain, under a new id */
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    assert_int_equal(virDomainGetID(dom), 2);
    assert_int_equal(getInfo(dom).nrVirtCpu, 2);
    /* restoring it again: its name is taken */
    assert_int_equal(virDomainRestore(conn, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "domain with name 'web' already exists");
    unlink(path);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_save_and_restore_errors(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char path[512];

    (void)state;
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    conn = openXen();
    snprintf(path, sizeof(path), "%s/web.save", stateDir);
    dom = byName(conn, "web");
    assert_int_equal(virDomainSave(dom, "/nonexistent-dir/x.save"), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR,
                "cannot create the save file '/nonexistent-dir/x.save': No such file");
    xvSimFail(XV_SIM_CALL_SAVE, EIO, 1);
    assert_int_equal(virDomainSave(dom, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "libxl_domain_suspend failed");
    assert_int_equal(access(path, F_OK), -1);
    assert_non_null(xvSimGetDomain(1));
    xvSimGetDomain(1)->shutdown = true;
    xvSimGetDomain(1)->shutdownReason = XV_XEN_SHUTDOWN_CRASH;
    assert_int_equal(virDomainSave(dom, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'web' has crashed");
    virDomainFree(dom);
    dom = byName(conn, "Domain-0");
    assert_int_equal(virDomainSave(dom, path), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "refusing to save 'Domain-0'");
    virDomainFree(dom);
    assert_int_equal(virDomainRestore(conn, "/nonexistent-dir/x.save"), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "cannot open the save file '/nonexistent-dir/x.save'");
    assert_int_equal(virDomainRestore(conn, "/dev/null"), -1);
    xvTestAssertError(VIR_ERR_READ_FAILED, "not a save file");
    closeConn(conn);
}

/* ---- the lifecycle monitor ------------------------------------------------- */

#define LIFECYCLE_XML(name, uuid) \
    "<domain type='xen'><name>" name "</name><uuid>" uuid "</uuid>" \
    "<memory>131072</memory><vcpu>1</vcpu>" \
    "<os><type>linux</type><kernel>/xenlab/vmlinux</kernel></os>" \
    "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>" \
    "<on_crash>preserve</on_crash></domain>"

/* No child of ours is left to reap: the monitor's first process was
 * waited for, and the monitor proper is not our child. */
static void
assertNoChildLeft(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static void
test_create_linux_starts_the_monitor_with_the_domain_and_its_config(void **state)
{
    static const char *const types[] = { "xen", NULL };
    XV_AUTOFREE(char *) args = NULL;
    XV_AUTOFREE(char *) xml = NULL;
    char want[700];
    virConnectPtr conn;
    virDomainPtr dom;
    xvDomainDef *def;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainCreateLinux(conn, LIFECYCLE_XML("tmp", NEW_UUID), 0));
    assert_non_null(args = monitorFile("args"));
    snprintf(want, sizeof(want), "--state-dir %s --domid %d --uuid %s\n", stateDir,
             (int)virDomainGetID(dom), NEW_UUID);
    assert_string_equal(args, want);
    /* the config reaches it on stdin: no file is left behind for it */
    assert_non_null(xml = monitorFile("stdin"));
    assert_non_null(def = xvDomainDefParseString(xml, types));
    assert_string_equal(def->name, "tmp");
    assert_int_equal(def->onPoweroff, XV_DOMAIN_LIFECYCLE_DESTROY);
    assert_int_equal(def->onReboot, XV_DOMAIN_LIFECYCLE_RESTART);
    assert_int_equal(def->onCrash, XV_DOMAIN_LIFECYCLE_PRESERVE);
    assert_string_equal(def->os.kernel, "/xenlab/vmlinux");
    xvDomainDefFree(def);
    assert_int_equal(access(statePath(NEW_UUID), F_OK), -1);
    assert_null(monitorLog());
    assertNoChildLeft();
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_create_of_a_defined_domain_and_restore_start_the_monitor(void **state)
{
    XV_AUTOFREE(char *) args = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    char path[512], want[1400];
    int id1, id2;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, LIFECYCLE_XML("keep", NEW_UUID)));
    assert_null(monitorFile("args"));
    assert_int_equal(virDomainCreate(dom), 0);
    id1 = (int)virDomainGetID(dom);
    snprintf(path, sizeof(path), "%s/keep.save", stateDir);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(virDomainRestore(conn, path), 0);
    assert_int_equal(getInfo(dom).state, VIR_DOMAIN_BLOCKED);
    id2 = (int)virDomainGetID(dom);
    assert_true(id2 > id1);
    assert_non_null(args = monitorFile("args"));
    snprintf(want, sizeof(want),
             "--state-dir %s --domid %d --uuid %s\n--state-dir %s --domid %d --uuid %s\n",
             stateDir, id1, NEW_UUID, stateDir, id2, NEW_UUID);
    assert_string_equal(args, want);
    assertNoChildLeft();
    unlink(path);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_a_failed_create_starts_no_monitor(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    conn = openXen();
    xvSimFail(XV_SIM_CALL_CREATE, ENOMEM, 1);
    assert_null(virDomainCreateLinux(conn, LIFECYCLE_XML("tmp", NEW_UUID), 0));
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "libxl_domain_create_new failed");
    assert_int_equal(virDomainRestore(conn, "/dev/null"), -1);
    assert_non_null(dom = virDomainDefineXML(conn, LIFECYCLE_XML("keep", NEW_UUID)));
    xvSimFail(XV_SIM_CALL_CREATE, ENOMEM, 1);
    assert_int_equal(virDomainCreate(dom), -1);
    assert_null(monitorFile("args"));
    assert_null(monitorLog());
    virDomainFree(dom);
    closeConn(conn);
}

/* As a libvirt warning would not fail it: the domain runs, the failure is
 * in the monitor log, and no error is left behind. */
static void
test_create_succeeds_when_the_monitor_cannot_be_started(void **state)
{
    XV_AUTOFREE(char *) log = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    char want[300];

    (void)state;
    setenv("XVIRT_XEN_MONITOR", "/nonexistent/xvirt-xen-monitor", 1);
    conn = openXen();
    assert_non_null(dom = virDomainCreateLinux(conn, LIFECYCLE_XML("tmp", NEW_UUID), 0));
    assert_null(virGetLastError());
    assert_true(virDomainGetID(dom) > 0);
    assert_non_null(xvSimGetDomain(virDomainGetID(dom)));
    assert_non_null(log = monitorLog());
    snprintf(want, sizeof(want), "cannot start the monitor '/nonexistent/xvirt-xen-monitor' of "
             "domain 'tmp' (id %u): No such file or directory; its on_poweroff, on_reboot and "
             "on_crash actions will not be applied\n", virDomainGetID(dom));
    assert_non_null(strstr(log, want));
    assert_non_null(strstr(log, "]: cannot start"));
    assertNoChildLeft();
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_create_logs_a_monitor_that_exits_with_an_error(void **state)
{
    XV_AUTOFREE(char *) log = NULL;
    virConnectPtr conn;
    virDomainPtr dom;

    (void)state;
    setenv("XV_TEST_MONITOR_EXIT", "3", 1);
    conn = openXen();
    assert_non_null(dom = virDomainCreateLinux(conn, LIFECYCLE_XML("tmp", NEW_UUID), 0));
    assert_null(virGetLastError());
    assert_non_null(log = monitorLog());
    assert_non_null(strstr(log, "of domain 'tmp' (id 1) exited with status 3; its on_poweroff"));
    assertNoChildLeft();
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_get_xml_desc_of_a_running_domain_is_its_live_config(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char *xml;

    (void)state;
    xvSimAddDomain("web", 2, 256 * KiB_PER_MiB);
    xvSimStoreSet("/local/domain/1/memory/target", "131072");
    conn = openXen();
    dom = byName(conn, "web");
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<domain type='xen' id='1'>"));
    assert_non_null(strstr(xml, "<name>web</name>"));
    assert_non_null(strstr(xml, "<memory unit='KiB'>262144</memory>"));
    assert_non_null(strstr(xml, "<currentMemory unit='KiB'>131072</currentMemory>"));
    assert_non_null(strstr(xml, "<kernel>/xenlab/vmlinux</kernel>"));
    free(xml);
    virDomainFree(dom);
    /* Domain-0: what Xen tells of it */
    dom = byName(conn, "Domain-0");
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_null(virGetLastError());
    assert_non_null(strstr(xml, "<domain type='xen' id='0'>"));
    assert_non_null(strstr(xml, "<name>Domain-0</name>"));
    assert_non_null(strstr(xml, "<uuid>00000000-0000-0000-0000-000000000000</uuid>"));
    assert_non_null(strstr(xml, "<memory unit='KiB'>524288</memory>"));
    assert_non_null(strstr(xml, "<vcpu>2</vcpu>"));
    free(xml);
    /* libxl's configuration of Domain-0 says one vcpu (Xen 4.17): the XML
     * says what Xen runs, as dominfo does */
    xvSimGetDomain(0)->config = xvDomainDefParseString(
        "<domain type='xen'><name>Domain-0</name><memory>524288</memory><vcpu>1</vcpu>"
        "<os><type>linux</type><kernel>/k</kernel></os></domain>",
        (const char *const[]){ "xen", NULL });
    assert_non_null(xvSimGetDomain(0)->config);
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<vcpu>2</vcpu>"));
    free(xml);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_setters_of_a_defined_domain_change_its_config(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virDomainInfo info;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("newdom", NEW_UUID, "262144", "4")));
    assert_int_equal(virDomainSetMemory(dom, 131072), 0);
    assert_int_equal(virDomainSetVcpus(dom, 2), 0);
    info = getInfo(dom);
    assert_int_equal(info.memory, 131072);
    assert_int_equal(info.maxMem, 262144);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(virDomainSetMaxMemory(dom, 65536), 0);
    info = getInfo(dom);
    assert_int_equal(info.maxMem, 65536);
    assert_int_equal(info.memory, 65536);
    assert_int_equal(virDomainSetMemory(dom, 131072), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "above the maximum 65536 KiB of domain 'newdom'");
    assert_int_equal(virDomainSetVcpus(dom, 5), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "5 vcpus are not within 1 to the 4 vcpus");
    /* a new connection reads the same from the store */
    virDomainFree(dom);
    closeConn(conn);
    conn = openXen();
    dom = byName(conn, "newdom");
    info = getInfo(dom);
    assert_int_equal(info.maxMem, 65536);
    assert_int_equal(info.nrVirtCpu, 2);
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_running_only_calls_on_a_defined_domain_say_it_is_not_running(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    virVcpuInfo vcpu;
    unsigned char map = 1;

    (void)state;
    conn = openXen();
    assert_non_null(dom = virDomainDefineXML(conn, PV_XML("newdom", NEW_UUID, "131072", "1")));
    assert_int_equal(virDomainGetVcpus(dom, &vcpu, 1, NULL, 0), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'newdom' is not running");
    assert_int_equal(virDomainPinVcpu(dom, 0, &map, 1), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "is not running");
    assert_int_equal(virDomainSuspend(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "is not running");
    assert_int_equal(virDomainShutdown(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "is not running");
    assert_int_equal(virDomainSave(dom, "/tmp/never"), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "is not running");
    assert_int_equal(virDomainDestroy(dom), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "is not running");
    virDomainFree(dom);
    closeConn(conn);
}

static void
test_a_bad_stored_config_is_reported_with_its_path(void **state)
{
    virConnectPtr conn;
    const char *names[4];
    FILE *fp;

    (void)state;
    assert_non_null(fp = fopen(statePath(NEW_UUID), "w"));
    fputs("<domain", fp);
    fclose(fp);
    conn = openXen();
    assert_int_equal(virConnectListDefinedDomains(conn, names, 4), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_XML_ERROR);
    closeConn(conn);
}

static void
test_defined_domains_add_no_hypercall_nor_xenstore_read_to_a_sample(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    const char *names[8];
    int n, i;

    (void)state;
    xvSimAddDomain("web", 2, 128 * KiB_PER_MiB);
    conn = openXen();
    dom = virDomainDefineXML(conn, PV_XML("spare1", NEW_UUID, "131072", "1"));
    virDomainFree(dom);
    dom = virDomainDefineXML(conn, PV_XML("spare2", "0a0a0a0a-0000-4000-8000-0000000000bb",
                                          "131072", "1"));
    virDomainFree(dom);
    sample(conn, 2);
    xvSimResetCounts();
    /* what the agent does each interval: the active domains, then the
     * defined ones by name */
    sample(conn, 2);
    assert_int_equal(n = virConnectListDefinedDomains(conn, names, 8), 2);
    for (i = 0; i < n; i++) {
        dom = byName(conn, names[i]);
        assert_int_equal(getInfo(dom).state, VIR_DOMAIN_SHUTOFF);
        free((char *)names[i]);
        virDomainFree(dom);
    }
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    assert_int_equal(storeOps(), 0);
    closeConn(conn);
}

static void
test_definitions_of_another_connection_are_seen(void **state)
{
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    virConnectPtr a, b;
    virDomainPtr dom;

    (void)state;
    a = openXen();
    b = openXen();
    assert_non_null(dom = virDomainDefineXML(a, PV_XML("x", NEW_UUID, "131072", "1")));
    assert_true(definedHas(b, "x"));
    /* an old directory: b trusts its index of it from now on */
    assert_int_equal(utimensat(AT_FDCWD, stateDir, old, 0), 0);
    assert_true(definedHas(b, "x"));
    assert_true(definedHas(b, "x"));
    /* a's change makes the directory new again */
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_false(definedHas(b, "x"));
    assert_null(virDomainLookupByName(b, "x"));
    virDomainFree(dom);
    closeConn(a);
    closeConn(b);
}

static void
test_readers_never_create_the_state_dir(void **state)
{
    virConnectPtr conn;
    virDomainPtr dom;
    const char *names[4];
    char *xml;

    (void)state;
    rmdir(stateDir);
    xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    assert_non_null(conn = virConnectOpenReadOnly("xen:///"));
    assert_int_equal(virConnectListDefinedDomains(conn, names, 4), 0);
    assert_null(virDomainLookupByName(conn, "nope"));
    dom = byName(conn, "web");
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    free(xml);
    virDomainFree(dom);
    closeConn(conn);
    assert_int_equal(access(stateDir, F_OK), -1);
}

static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    T(test_open_accepts_null_xen_and_xen_uri_read_write_and_read_only),
    T(test_open_remote_xen_uri_is_invalid_arg),
    T(test_open_off_xen_says_not_running_on_xen),
    T(test_open_in_domu_says_not_dom0),
    T(test_open_refused_by_hypervisor_says_not_dom0),
    T(test_open_without_privilege_says_run_as_root),
    T(test_open_without_xenstored_says_so),
    T(test_open_batch_failure_names_the_call),
    T(test_open_watch_failure_names_the_call_and_unwinds),
    T(test_open_registers_domain_watches_and_close_removes_them),
    T(test_close_keeps_no_error_from_unwatch),
    T(test_get_version_xen_is_the_headers_version),
    T(test_connect_get_version_is_major_minor_micro),
    T(test_node_info_from_physinfo_and_topology),
    T(test_node_info_counts_nodes_and_sockets_per_node),
    T(test_node_info_that_does_not_add_up_falls_back_to_one_core_per_cpu),
    T(test_node_info_failures_name_the_call),
    T(test_list_domains_has_dom0_and_domus_in_id_order),
    T(test_list_domains_has_no_cap_and_batches_in_chunks),
    T(test_list_domains_failure_names_the_call_and_errno),
    T(test_lookups_by_id_name_and_uuid_agree),
    T(test_lookups_of_unknown_domains_are_no_domain),
    T(test_lookup_finds_a_domain_created_after_open),
    T(test_lookup_by_name_prefers_the_newest_of_two_with_one_name),
    T(test_domain_without_a_name_yet_gets_a_stand_in_until_xenstore_has_one),
    T(test_get_info_reports_kib_from_pages_and_ns),
    T(test_get_info_state_comes_from_the_domain_flags),
    T(test_get_info_reflects_changes_between_calls),
    T(test_get_info_after_the_batch_expired_asks_xen),
    T(test_calls_on_a_vanished_domain_are_no_domain),
    T(test_a_domain_that_changed_id_is_followed_by_uuid),
    T(test_os_type_is_linux_for_pv_and_hvm_for_hvm),
    T(test_get_max_memory_reads_static_max_afresh),
    T(test_get_vcpus_reports_state_time_cpu_and_the_nodes_part_of_the_map),
    T(test_get_vcpus_maxinfo_limits_and_no_maps_means_no_affinity_call),
    T(test_get_vcpus_failures_name_the_call),
    T(test_sample_of_an_unchanged_host_is_one_batch_per_vcpu_calls_and_no_xenstore_read),
    T(test_sample_with_an_expired_batch_asks_xen_once_per_domain_more),
    T(test_sample_of_many_domains_takes_one_batch_per_chunk),
    T(test_an_introduced_domain_costs_two_xenstore_reads_once),
    T(test_a_released_domain_leaves_without_xenstore_reads),
    T(test_lookups_on_an_unchanged_host_cost_nothing),
    T(test_a_second_list_takes_a_new_batch),
    T(test_watch_and_sync_failures_fail_the_call_and_recover),
    T(test_pin_vcpu_sets_the_hard_affinity),
    T(test_set_max_memory_sets_the_limit_with_slack_and_static_max),
    T(test_set_memory_writes_the_balloon_target_and_the_limit_with_slack),
    T(test_set_memory_above_the_maximum_is_invalid_and_changes_nothing),
    T(test_set_memory_leaves_room_for_video_ram),
    T(test_set_memory_retries_a_conflicting_transaction),
    T(test_set_memory_of_dom0_keeps_its_minimum),
    T(test_set_vcpus_writes_the_availability_of_every_vcpu),
    T(test_suspend_and_resume_pause_and_unpause),
    T(test_shutdown_and_reboot_use_the_pv_control_protocol),
    T(test_destroy_removes_the_domain),
    T(test_read_only_connection_reads_everything_and_writes_nothing),
    T(test_define_stores_the_config_and_the_domain_is_shut_off),
    T(test_define_refuses_the_name_or_uuid_of_another_domain),
    T(test_define_of_a_running_domain_makes_it_persistent),
    T(test_undefine_removes_the_config),
    T(test_create_starts_a_defined_domain),
    T(test_destroyed_domain_still_dying_is_gone_for_lookups_and_starts_again),
    T(test_transient_domain_created_again_while_its_destroyed_remains_are_dying),
    T(test_create_of_a_defined_domain_whose_name_runs_is_dom_exist),
    T(test_create_linux_starts_a_transient_domain),
    T(test_save_writes_the_file_and_destroys_and_restore_brings_it_back),
    T(test_save_and_restore_errors),
    T(test_create_linux_starts_the_monitor_with_the_domain_and_its_config),
    T(test_create_of_a_defined_domain_and_restore_start_the_monitor),
    T(test_a_failed_create_starts_no_monitor),
    T(test_create_succeeds_when_the_monitor_cannot_be_started),
    T(test_create_logs_a_monitor_that_exits_with_an_error),
    T(test_get_xml_desc_of_a_running_domain_is_its_live_config),
    T(test_setters_of_a_defined_domain_change_its_config),
    T(test_running_only_calls_on_a_defined_domain_say_it_is_not_running),
    T(test_a_bad_stored_config_is_reported_with_its_path),
    T(test_defined_domains_add_no_hypercall_nor_xenstore_read_to_a_sample),
    T(test_definitions_of_another_connection_are_seen),
    T(test_readers_never_create_the_state_dir),
#undef T
};

XV_TEST_MAIN(tests)
