/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_iostats_test.c: the Xen driver's I/O counters (lib/xen/xen_iostats.c)
 * and pCPU times through the public API on a simulated Xen (xen_sim.c)
 * with a fake sysfs (xvXenDriverSetSysRoot): virDomainBlockStats,
 * virDomainInterfaceStats and virNodeGetCPUStats, their values, errors and
 * cost (a sample is preads only: xenstore is read when a watch fired).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/domain_conf.h"
#include "util/xvalloc.h"
#include "xen/xen_driverpriv.h"
#include "xen_sim.h"
#include "xvtest.h"
#include "xen_test.h"

#define KiB_PER_MiB 1024ul
#define XVDA 51712u
#define XVDB 51728u

static char *stateDir;
static char *sysRoot;

/* ---- fixture ---------------------------------------------------------------- */

static int
setup(void **state)
{
    (void)state;
    stateDir = xenSimSetUp();
    sysRoot = xvTestTempDir();
    xvXenDriverSetSysRoot(sysRoot);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    xvXenDriverSetSysRoot(NULL);
    xvTestRemoveTree(sysRoot);
    xenSimTearDown(stateDir);
    return 0;
}

#define XEN_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- helpers ---------------------------------------------------------------- */

static void
mkdirs(const char *path)
{
    char buf[512];
    char *p;

    snprintf(buf, sizeof(buf), "%s", path);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(buf, 0755);
        *p = '/';
    }
    mkdir(buf, 0755);
}

/* Rewrites a counter file in place, as sysfs shows a new value on the
 * same open file. */
static void
writeCounter(const char *dir, const char *file, const char *value)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    assert_non_null(fp = fopen(path, "w"));
    fprintf(fp, "%s\n", value);
    assert_int_equal(fclose(fp), 0);
}

static char *
vbdDir(uint32_t domid, unsigned int devid)
{
    static char dir[512];

    snprintf(dir, sizeof(dir), "%s/sys/bus/xen-backend/devices/vbd-%u-%u/statistics", sysRoot,
             domid, devid);
    return dir;
}

static char *
vifDir(const char *name)
{
    static char dir[512];

    snprintf(dir, sizeof(dir), "%s/sys/class/net/%s/statistics", sysRoot, name);
    return dir;
}

static void
backendSet(const char *kind, uint32_t domid, unsigned int devid, const char *key,
           const char *value)
{
    char path[256];

    snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u/%u/%s", kind, domid, devid,
             key);
    xvSimStoreSet(path, value);
}

static void
backendRemove(const char *kind, uint32_t domid)
{
    char path[256];

    snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", kind, domid);
    xvSimStoreRemove(path);
}

/* blkback's files for rd_req wr_req rd_sect wr_sect oo_req. */
static void
setVbdFiles(uint32_t domid, unsigned int devid, const char *rdReq, const char *wrReq,
            const char *rdSect, const char *wrSect, const char *ooReq)
{
    const char *dir = vbdDir(domid, devid);

    mkdirs(dir);
    writeCounter(dir, "rd_req", rdReq);
    writeCounter(dir, "wr_req", wrReq);
    writeCounter(dir, "rd_sect", rdSect);
    writeCounter(dir, "wr_sect", wrSect);
    writeCounter(dir, "oo_req", ooReq);
    writeCounter(dir, "f_req", "0");
    writeCounter(dir, "ds_req", "0");
}

/* A vbd as libxl writes its backend: dev, params, state. */
static void
addVbd(uint32_t domid, unsigned int devid, const char *target, const char *params)
{
    backendSet("vbd", domid, devid, "params", params);
    backendSet("vbd", domid, devid, "dev", target);
    backendSet("vbd", domid, devid, "state", "4");
}

/* netback's counters, in the vif's own view (rx = what the guest sent). */
static void
setVifFiles(const char *name, const char *rxBytes, const char *rxPackets,
            const char *txBytes, const char *txPackets)
{
    const char *dir = vifDir(name);

    mkdirs(dir);
    writeCounter(dir, "rx_bytes", rxBytes);
    writeCounter(dir, "rx_packets", rxPackets);
    writeCounter(dir, "rx_errors", "1");
    writeCounter(dir, "rx_dropped", "2");
    writeCounter(dir, "tx_bytes", txBytes);
    writeCounter(dir, "tx_packets", txPackets);
    writeCounter(dir, "tx_errors", "3");
    writeCounter(dir, "tx_dropped", "4");
}

static void
addVif(uint32_t domid, unsigned int devid, const char *mac)
{
    backendSet("vif", domid, devid, "mac", mac);
    backendSet("vif", domid, devid, "state", "4");
}

/* A domain with one disk (xvda) and one vif (vifD.0), files in place. */
static uint32_t
addIoDomain(const char *name)
{
    uint32_t domid = xvSimAddDomain(name, 1, 128 * KiB_PER_MiB);
    char vif[32];

    addVbd(domid, XVDA, "xvda", "/xenlab/disks/disk.img");
    setVbdFiles(domid, XVDA, "10", "5", "80", "16", "2");
    addVif(domid, 0, "00:16:3e:62:54:b2");
    snprintf(vif, sizeof(vif), "vif%u.0", domid);
    setVifFiles(vif, "100", "7", "200", "9");
    return domid;
}

/* A domain with one disk and one vif, and a connection that sees it. */
typedef struct {
    uint32_t domid;
    virConnectPtr conn;
    virDomainPtr dom;
} ioFix;

static ioFix
ioOpen(const char *name)
{
    ioFix f;

    f.domid = addIoDomain(name);
    f.conn = openXen();
    f.dom = byID(f.conn, f.domid);
    return f;
}

static void
ioClose(ioFix *f)
{
    virDomainFree(f->dom);
    assert_int_equal(virConnectClose(f->conn), 0);
}

static void
blockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsStruct *st)
{
    if (virDomainBlockStats(dom, disk, st, sizeof(*st)) < 0)
        fail_msg("virDomainBlockStats(%s): %s", disk, virGetLastErrorMessage());
}

static void
ifStats(virDomainPtr dom, const char *dev, virDomainInterfaceStatsStruct *st)
{
    if (virDomainInterfaceStats(dom, dev, st, sizeof(*st)) < 0)
        fail_msg("virDomainInterfaceStats(%s): %s", dev, virGetLastErrorMessage());
}

typedef enum { IO_OPENS, IO_READS, IO_RESCANS } ioWhat;

/* One of the driver's counter-file counts of @conn. */
static unsigned long
ioCount(virConnectPtr conn, ioWhat what)
{
    unsigned long n[3];

    xvXenDriverIoCounts(conn, &n[IO_OPENS], &n[IO_READS], &n[IO_RESCANS]);
    return n[what];
}

static unsigned int
openFds(void)
{
    unsigned int n = 0;
    struct dirent *ent;
    DIR *dp = opendir("/proc/self/fd");

    assert_non_null(dp);
    while ((ent = readdir(dp)))
        n += ent->d_name[0] != '.';
    closedir(dp);
    return n;
}

/* ---- values ------------------------------------------------------------------- */

static void
test_block_stats_are_blkback_requests_and_sectors_in_bytes(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;

    (void)state;
    blockStats(f.dom, "xvda", &st);
    assert_int_equal(st.rd_req, 10);
    assert_int_equal(st.wr_req, 5);
    assert_int_equal(st.rd_bytes, 80 * 512);
    assert_int_equal(st.wr_bytes, 16 * 512);
    assert_int_equal(st.errs, 2);    /* oo_req, as libvirt's Xen driver */
    ioClose(&f);
}

static void
test_a_disk_is_found_by_its_source_path_too(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;

    (void)state;
    blockStats(f.dom, "/xenlab/disks/disk.img", &st);
    assert_int_equal(st.rd_req, 10);
    ioClose(&f);
}

static void
test_an_unknown_disk_is_invalid_path(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;

    (void)state;
    assert_int_equal(virDomainBlockStats(f.dom, "xvdz", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: xvdz");
    assert_int_equal(virDomainBlockStats(f.dom, "", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: ");
    /* a vif is no disk */
    assert_int_equal(virDomainBlockStats(f.dom, "vif1.0", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: vif1.0");
    ioClose(&f);
}

static void
test_interface_stats_are_the_guests_view_of_the_vif(void **state)
{
    ioFix f = ioOpen("io");
    virDomainInterfaceStatsStruct st;
    char vif[32];

    (void)state;
    snprintf(vif, sizeof(vif), "vif%u.0", f.domid);
    ifStats(f.dom, vif, &st);
    /* what the vif transmitted, the guest received */
    assert_int_equal(st.rx_bytes, 200);
    assert_int_equal(st.rx_packets, 9);
    assert_int_equal(st.rx_errs, 3);
    assert_int_equal(st.rx_drop, 4);
    assert_int_equal(st.tx_bytes, 100);
    assert_int_equal(st.tx_packets, 7);
    assert_int_equal(st.tx_errs, 1);
    assert_int_equal(st.tx_drop, 2);
    ioClose(&f);
}

static void
test_an_interface_is_found_by_its_mac_in_any_case(void **state)
{
    ioFix f = ioOpen("io");
    virDomainInterfaceStatsStruct st;

    (void)state;
    ifStats(f.dom, "00:16:3E:62:54:B2", &st);
    assert_int_equal(st.rx_bytes, 200);
    ioClose(&f);
}

static void
test_a_renamed_vif_goes_by_its_backend_vifname(void **state)
{
    uint32_t domid = xvSimAddDomain("io", 1, 128 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainInterfaceStatsStruct st;

    (void)state;
    addVif(domid, 0, "00:16:3e:00:00:01");
    backendSet("vif", domid, 0, "vifname", "web0");
    setVifFiles("web0", "1", "1", "2", "2");
    ifStats(dom, "web0", &st);
    assert_int_equal(st.rx_bytes, 2);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_an_unknown_interface_is_not_a_known_interface(void **state)
{
    ioFix f = ioOpen("io");
    virDomainInterfaceStatsStruct st;

    (void)state;
    assert_int_equal(virDomainInterfaceStats(f.dom, "vif99.0", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'vif99.0' is not a known interface");
    assert_int_equal(virDomainInterfaceStats(f.dom, "xvda", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'xvda' is not a known interface");
    ioClose(&f);
}

static void
test_a_domain_without_devices_has_no_disk_and_no_interface(void **state)
{
    virConnectPtr conn = openXen();
    virDomainPtr dom0 = byID(conn, 0);
    virDomainBlockStatsStruct bs;
    virDomainInterfaceStatsStruct is;

    (void)state;
    assert_int_equal(virDomainBlockStats(dom0, "xvda", &bs, sizeof(bs)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: xvda");
    assert_int_equal(virDomainInterfaceStats(dom0, "vif0.0", &is, sizeof(is)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "'vif0.0' is not a known interface");
    virDomainFree(dom0);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_stats_of_a_defined_domain_that_is_not_running_is_operation_invalid(void **state)
{
    virConnectPtr conn = openXen();
    virDomainPtr dom;
    virDomainBlockStatsStruct bs;
    virDomainInterfaceStatsStruct is;

    (void)state;
    dom = virDomainDefineXML(conn,
                             "<domain type='xen'><name>idle</name>"
                             "<uuid>0a0a0a0a-0000-4000-8000-0000000000aa</uuid>"
                             "<memory>131072</memory><vcpu>1</vcpu>"
                             "<os><type>linux</type><kernel>/xenlab/vmlinux</kernel></os>"
                             "</domain>");
    if (!dom)
        fail_msg("define: %s", virGetLastErrorMessage());
    assert_int_equal(virDomainBlockStats(dom, "xvda", &bs, sizeof(bs)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'idle' is not running");
    assert_int_equal(virDomainInterfaceStats(dom, "vif1.0", &is, sizeof(is)), -1);
    xvTestAssertError(VIR_ERR_OPERATION_INVALID, "domain 'idle' is not running");
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_a_short_struct_gets_only_its_size(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st = { 77, 77, 77, 77, 77 };

    (void)state;
    /* a program built when the structure ended after rd_bytes */
    assert_int_equal(virDomainBlockStats(f.dom, "xvda", &st, 2 * sizeof(long long)), 0);
    assert_int_equal(st.rd_req, 10);
    assert_int_equal(st.rd_bytes, 80 * 512);
    assert_int_equal(st.wr_req, 77);
    ioClose(&f);
}

static void
test_a_garbled_counter_is_an_internal_error_naming_the_file(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;
    virErrorPtr err;

    (void)state;
    writeCounter(vbdDir(f.domid, XVDA), "wr_req", "lots");
    assert_int_equal(virDomainBlockStats(f.dom, "xvda", &st, sizeof(st)), -1);
    assert_non_null(err = virGetLastError());
    assert_int_equal(err->code, VIR_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(err->message, "invalid counter 'lots'"));
    assert_non_null(strstr(err->message, "/statistics/wr_req"));
    ioClose(&f);
}

/* ---- cost: preads per sample, xenstore only on change ------------------------- */

static void
test_a_sample_is_one_pread_per_counter_without_xenstore_or_hypercall(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct bs;
    virDomainInterfaceStatsStruct is;
    char vif[32];
    int round;

    (void)state;
    snprintf(vif, sizeof(vif), "vif%u.0", f.domid);
    xvSimResetCounts();
    blockStats(f.dom, "xvda", &bs);
    ifStats(f.dom, vif, &is);
    /* first: two watches, one folder and two keys per device, 13 opens */
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_DIRECTORY), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 4);
    assert_int_equal(ioCount(f.conn, IO_OPENS), 5 + 8);
    assert_int_equal(ioCount(f.conn, IO_READS), 5 + 8);
    for (round = 1; round <= 3; round++) {
        xvSimResetCounts();
        writeCounter(vbdDir(f.domid, XVDA), "rd_req", round == 3 ? "1000" : "11");
        blockStats(f.dom, "xvda", &bs);
        ifStats(f.dom, vif, &is);
        assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
        assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_DIRECTORY), 0);
        assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
        assert_int_equal(xvSimCount(XV_SIM_CALL_VCPU_GETINFO), 0);
        assert_int_equal(ioCount(f.conn, IO_OPENS), 5 + 8);
        assert_int_equal(ioCount(f.conn, IO_READS), (5 + 8) * (round + 1));
    }
    /* the same open file shows the new value */
    assert_int_equal(bs.rd_req, 1000);
    assert_int_equal(ioCount(f.conn, IO_RESCANS), 2);
    ioClose(&f);
}

static void
test_a_new_disk_is_seen_after_its_backend_watch_fires(void **state)
{
    uint32_t domid = addIoDomain("io");
    uint32_t other = addIoDomain("other");
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainPtr dom2 = byID(conn, other);
    virDomainBlockStatsStruct st;

    (void)state;
    blockStats(dom, "xvda", &st);
    blockStats(dom2, "xvda", &st);
    assert_int_equal(virDomainBlockStats(dom, "xvdb", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: xvdb");
    setVbdFiles(domid, XVDB, "1", "2", "3", "4", "0");
    addVbd(domid, XVDB, "xvdb", "/dev/vg/data");
    xvSimResetCounts();
    blockStats(dom, "xvdb", &st);
    assert_int_equal(st.wr_bytes, 4 * 512);
    /* only this domain's list is read again: one folder, two keys per disk */
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_DIRECTORY), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 4);
    xvSimResetCounts();
    blockStats(dom2, "xvda", &st);
    blockStats(dom, "xvda", &st);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_DIRECTORY), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    virDomainFree(dom);
    virDomainFree(dom2);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_a_removed_disk_is_gone_after_its_watch_fires(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;

    (void)state;
    blockStats(f.dom, "xvda", &st);
    backendRemove("vbd", f.domid);
    assert_int_equal(virDomainBlockStats(f.dom, "xvda", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "invalid path: xvda");
    ioClose(&f);
}

static void
test_a_rebooted_domain_counts_from_zero_and_its_old_files_are_closed(void **state)
{
    uint32_t domid = addIoDomain("web");
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainBlockStatsStruct st;
    unsigned int fds;
    uint32_t newid;
    char vif[32];

    (void)state;
    fds = openFds();
    blockStats(dom, "xvda", &st);
    assert_int_equal(st.rd_req, 10);
    assert_int_equal(openFds(), fds + 5);
    /* `xl reboot`: the domain and its backends go, a new domid comes */
    backendRemove("vbd", domid);
    backendRemove("vif", domid);
    xvSimRemoveDomain(domid);
    newid = xvSimAddDomain("web", 1, 128 * KiB_PER_MiB);
    addVbd(newid, XVDA, "xvda", "/xenlab/disks/disk.img");
    setVbdFiles(newid, XVDA, "0", "0", "0", "0", "0");
    snprintf(vif, sizeof(vif), "vif%u.0", newid);
    addVif(newid, 0, "00:16:3e:62:54:b2");
    setVifFiles(vif, "0", "0", "0", "0");
    virDomainFree(dom);
    dom = virDomainLookupByName(conn, "web");
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), newid);
    blockStats(dom, "xvda", &st);
    assert_int_equal(st.rd_req, 0);
    assert_int_equal(st.wr_bytes, 0);
    /* the old domain's five files were closed when it went */
    assert_int_equal(openFds(), fds + 5);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(openFds(), fds);
}

static void
test_missing_counter_files_are_unknown_until_the_backend_changes(void **state)
{
    uint32_t domid = xvSimAddDomain("slow", 1, 128 * KiB_PER_MiB);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    virDomainBlockStatsStruct st;

    (void)state;
    addVbd(domid, XVDA, "xvda", "/xenlab/disks/slow.img");
    blockStats(dom, "xvda", &st);
    assert_int_equal(st.rd_req, -1);
    assert_int_equal(st.rd_bytes, -1);
    assert_int_equal(st.errs, -1);
    assert_int_equal(ioCount(conn, IO_OPENS), 1);
    blockStats(dom, "xvda", &st);
    assert_int_equal(ioCount(conn, IO_OPENS), 1);     /* not tried at every call */
    /* blkback connects: its files appear, the backend state changes */
    setVbdFiles(domid, XVDA, "3", "0", "24", "0", "0");
    backendSet("vbd", domid, XVDA, "state", "4");
    blockStats(dom, "xvda", &st);
    assert_int_equal(st.rd_req, 3);
    assert_int_equal(st.rd_bytes, 24 * 512);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_without_watches_every_call_reads_the_lists_and_retries_the_watches(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;

    (void)state;
    xvSimFail(XV_SIM_CALL_STORE_WATCH, ENOSPC, 2);
    blockStats(f.dom, "xvda", &st);
    assert_int_equal(st.rd_req, 10);
    assert_null(virGetLastError());
    xvSimResetCounts();
    blockStats(f.dom, "xvda", &st);
    /* watches set now; this call still reads, the next does not */
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_WATCH), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_DIRECTORY), 1);
    xvSimResetCounts();
    blockStats(f.dom, "xvda", &st);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_DIRECTORY), 0);
    ioClose(&f);
}

static void
test_a_failed_xenstore_read_is_reported_and_read_again_next_time(void **state)
{
    ioFix f = ioOpen("io");
    virDomainBlockStatsStruct st;

    (void)state;
    xvSimFail(XV_SIM_CALL_STORE_DIRECTORY, EIO, 1);
    assert_int_equal(virDomainBlockStats(f.dom, "xvda", &st, sizeof(st)), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR,
                      "xs_directory of '/local/domain/0/backend/vbd/1' failed: "
                      "Input/output error");
    blockStats(f.dom, "xvda", &st);
    assert_int_equal(st.rd_req, 10);
    ioClose(&f);
}

static void
test_files_past_the_descriptor_budget_are_opened_at_each_read(void **state)
{
    struct rlimit saved, low;
    virConnectPtr conn;
    virDomainPtr doms[8];
    virDomainBlockStatsStruct st;
    unsigned int fds, i;
    uint32_t ids[8];

    (void)state;
    for (i = 0; i < 8; i++) {
        char name[16];

        snprintf(name, sizeof(name), "d%u", i);
        ids[i] = addIoDomain(name);
    }
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
    low = saved;
    low.rlim_cur = 60;      /* 30 for counter files (6 disks of 5), set by the
                             * first call */
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    conn = openXen();
    fds = openFds();
    for (i = 0; i < 8; i++) {
        doms[i] = byID(conn, ids[i]);
        blockStats(doms[i], "xvda", &st);
        assert_int_equal(st.rd_req, 10);
    }
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
    assert_int_equal(openFds(), fds + 30);
    assert_int_equal(ioCount(conn, IO_OPENS), 40);
    for (i = 0; i < 8; i++)
        blockStats(doms[i], "xvda", &st);
    assert_int_equal(ioCount(conn, IO_OPENS), 50);    /* the two disks past the budget */
    assert_int_equal(ioCount(conn, IO_READS), 80);
    for (i = 0; i < 8; i++)
        virDomainFree(doms[i]);
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(openFds(), fds);
}

/* ---- the domain XML ------------------------------------------------------------------ */

static void
test_live_xml_names_each_vif_and_its_bridge_as_the_backend_does(void **state)
{
    uint32_t domid = xvSimAddDomain("net", 1, 128 * KiB_PER_MiB);
    xvSimDom *sd = xvSimGetDomain(domid);
    virConnectPtr conn = openXen();
    virDomainPtr dom = byID(conn, domid);
    char want[64];
    char *xml;

    (void)state;
    sd->config->nets = xvAllocN(2, sizeof(*sd->config->nets));
    sd->config->nnets = 2;
    sd->config->nets[0].type = XV_DOMAIN_NET_TYPE_BRIDGE;
    sd->config->nets[0].mac = xvStrdup("00:16:3e:00:00:01");
    sd->config->nets[0].source = xvStrdup("xenbr0");
    sd->config->nets[1].type = XV_DOMAIN_NET_TYPE_ETHERNET;
    sd->config->nets[1].mac = xvStrdup("00:16:3e:00:00:02");
    backendSet("vif", domid, 1, "bridge", "xenbr1");
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<mac address='00:16:3e:00:00:01'/>"));
    /* the second has its bridge from the backend only */
    assert_non_null(strstr(xml, "<source bridge='xenbr1'/>"));
    assert_non_null(strstr(xml, "<source bridge='xenbr0'/>"));
    snprintf(want, sizeof(want), "<target dev='vif%u.0'/>", domid);
    assert_non_null(strstr(xml, want));
    snprintf(want, sizeof(want), "<target dev='vif%u.1'/>", domid);
    assert_non_null(strstr(xml, want));
    free(xml);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

/* ---- virNodeGetCPUStats ----------------------------------------------------------- */

static void
test_cpu_stats_have_one_field_idle(void **state)
{
    virConnectPtr conn = openXen();
    int nparams = 0;

    (void)state;
    assert_int_equal(virNodeGetCPUStats(conn, 0, NULL, &nparams, 0), 0);
    assert_int_equal(nparams, 1);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_cpu_stats_are_xens_idle_time_per_cpu_and_their_sum(void **state)
{
    virConnectPtr conn = openXen();
    virNodeCPUStats params[2];
    int nparams = 2;

    (void)state;
    xvSimSetCpuIdle(0, 1000000000ull);
    xvSimSetCpuIdle(1, 2500000000ull);
    xvSimSetCpuIdle(3, 7ull);
    xvSimResetCounts();
    assert_int_equal(virNodeGetCPUStats(conn, 1, params, &nparams, 0), 0);
    assert_int_equal(nparams, 1);
    assert_string_equal(params[0].field, VIR_NODE_CPU_STATS_IDLE);
    assert_int_equal(params[0].value, 2500000000ull);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CPU_IDLE), 1);
    nparams = 1;
    assert_int_equal(virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &nparams,
                                        0), 0);
    assert_string_equal(params[0].field, "idle");
    assert_int_equal(params[0].value, 3500000007ull);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CPU_IDLE), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_PHYSINFO), 0);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_cpu_stats_past_the_hosts_cpus_is_invalid_arg(void **state)
{
    virConnectPtr conn = openXen();
    virNodeCPUStats params[1];
    int nparams = 1;

    (void)state;
    /* 8 CPU slots (max_cpu_id 7) */
    assert_int_equal(virNodeGetCPUStats(conn, 7, params, &nparams, 0), 0);
    nparams = 1;
    assert_int_equal(virNodeGetCPUStats(conn, 8, params, &nparams, 0), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG,
                      "Invalid cpuNum in xenNodeGetCPUStats: 8 (the host has 8 CPUs)");
    assert_int_equal(virConnectClose(conn), 0);
}

static void
test_cpu_stats_failure_names_the_call(void **state)
{
    virConnectPtr conn = openXen();
    virNodeCPUStats params[1];
    int nparams = 1;

    (void)state;
    xvSimFail(XV_SIM_CALL_CPU_IDLE, EPERM, 1);
    assert_int_equal(virNodeGetCPUStats(conn, 0, params, &nparams, 0), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_getcpuinfo failed: Operation not permitted");
    assert_int_equal(virConnectClose(conn), 0);
}

static const struct CMUnitTest tests[] = {
    XEN_TEST(test_block_stats_are_blkback_requests_and_sectors_in_bytes),
    XEN_TEST(test_a_disk_is_found_by_its_source_path_too),
    XEN_TEST(test_an_unknown_disk_is_invalid_path),
    XEN_TEST(test_interface_stats_are_the_guests_view_of_the_vif),
    XEN_TEST(test_an_interface_is_found_by_its_mac_in_any_case),
    XEN_TEST(test_a_renamed_vif_goes_by_its_backend_vifname),
    XEN_TEST(test_an_unknown_interface_is_not_a_known_interface),
    XEN_TEST(test_a_domain_without_devices_has_no_disk_and_no_interface),
    XEN_TEST(test_stats_of_a_defined_domain_that_is_not_running_is_operation_invalid),
    XEN_TEST(test_a_short_struct_gets_only_its_size),
    XEN_TEST(test_a_garbled_counter_is_an_internal_error_naming_the_file),
    XEN_TEST(test_a_sample_is_one_pread_per_counter_without_xenstore_or_hypercall),
    XEN_TEST(test_a_new_disk_is_seen_after_its_backend_watch_fires),
    XEN_TEST(test_a_removed_disk_is_gone_after_its_watch_fires),
    XEN_TEST(test_a_rebooted_domain_counts_from_zero_and_its_old_files_are_closed),
    XEN_TEST(test_missing_counter_files_are_unknown_until_the_backend_changes),
    XEN_TEST(test_without_watches_every_call_reads_the_lists_and_retries_the_watches),
    XEN_TEST(test_a_failed_xenstore_read_is_reported_and_read_again_next_time),
    XEN_TEST(test_files_past_the_descriptor_budget_are_opened_at_each_read),
    XEN_TEST(test_live_xml_names_each_vif_and_its_bridge_as_the_backend_does),
    XEN_TEST(test_cpu_stats_have_one_field_idle),
    XEN_TEST(test_cpu_stats_are_xens_idle_time_per_cpu_and_their_sum),
    XEN_TEST(test_cpu_stats_past_the_hosts_cpus_is_invalid_arg),
    XEN_TEST(test_cpu_stats_failure_names_the_call),
};

XV_TEST_MAIN(tests)
