/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devices_test.c: the domain XML scan and the per-domain device cache of
 * the block and net collectors (collectors/devices.h), on test:///default. */
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "collectors/devices.h"
#include "util/xvmacros.h"
#include "xvtest.h"

/* What libvirt 9 writes for a running domain, trimmed. */
static const char libvirtXML[] =
    "<?xml version='1.0'?>\n"
    "<!-- a comment with <disk> inside -->\n"
    "<domain type='xen' id='3'>\n"
    "  <name>web</name>\n"
    "  <description><![CDATA[<disk><target dev='fake'/></disk>]]></description>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='/var/lib/a&amp;b &#x263A;.img' index='2'/>\n"
    "      <backingStore type='file' index='3'>\n"
    "        <source file='/var/lib/base.img'/>\n"
    "        <target dev='nope'/>\n"
    "      </backingStore>\n"
    "      <target dev=\"xvda\" bus='xen'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <target dev='hdc' bus='ide'/>\n"
    "      <readonly/>\n"
    "    </disk>\n"
    "    <disk type='block' device='disk'><source dev='/dev/vg/x'/><target dev='xvdb'/></disk>\n"
    "    <interface type='bridge'>\n"
    "      <mac address='00:16:3e:00:00:01'/>\n"
    "      <source bridge='xenbr0'/>\n"
    "      <target dev='vif3.0'/>\n"
    "    </interface>\n"
    "    <interface type='network'>\n"
    "      <mac address='00:16:3e:00:00:02'/>\n"
    "      <source network='default'/>\n"
    "    </interface>\n"
    "    <interface type='ethernet'/>\n"
    "  </devices>\n"
    "  <seclabel><disk/></seclabel>\n"
    "</domain>\n";

static void
test_disks_are_direct_children_with_target_and_source(void **state)
{
    xvDevice *d;
    int n = xvDevicesParse(libvirtXML, XV_DEVICES_DISKS, &d);

    (void)state;
    /* the empty CD-ROM has no counters; the backing store is not a disk */
    assert_int_equal(n, 2);
    assert_string_equal(d[0].name, "xvda");
    assert_string_equal(d[0].source, "/var/lib/a&b \xe2\x98\xba.img");
    assert_null(d[0].mac);
    assert_string_equal(d[1].name, "xvdb");
    assert_string_equal(d[1].source, "/dev/vg/x");
    xvDevicesFree(d, (size_t)n);
    free(d);
}

static void
test_interfaces_are_named_by_target_else_mac(void **state)
{
    xvDevice *d;
    int n = xvDevicesParse(libvirtXML, XV_DEVICES_NICS, &d);

    (void)state;
    /* the one with neither a target nor a MAC cannot be asked for */
    assert_int_equal(n, 2);
    assert_string_equal(d[0].name, "vif3.0");
    assert_string_equal(d[0].source, "xenbr0");
    assert_string_equal(d[0].mac, "00:16:3e:00:00:01");
    assert_string_equal(d[1].name, "00:16:3e:00:00:02");
    assert_null(d[1].target);
    assert_string_equal(d[1].source, "default");
    xvDevicesFree(d, (size_t)n);
    free(d);
}

static void
test_malformed_xml_gives_nothing(void **state)
{
    static const char *const bad[] = {
        "<domain><devices><disk><source file='a'/><target dev='x'/></disk>",   /* truncated */
        "<domain><devices><disk><source file='a/><target dev='x'/></disk></devices></domain>",
        "<domain><devices><disk><source file=a/></disk></devices></domain>",
        "<domain><devices><disk><source file='&bogus;'/></disk></devices></domain>",
        "<domain><devices><disk><source file='&#0;'/></disk></devices></domain>",
        "</domain>",
        "<domain><!-- never closed </domain>",
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        xvDevice *d = (xvDevice *)&d;

        assert_int_equal(xvDevicesParse(bad[i], XV_DEVICES_DISKS, &d), -1);
        assert_null(d);
    }
}

static void
test_no_devices_is_an_empty_list(void **state)
{
    xvDevice *d;

    (void)state;
    assert_int_equal(xvDevicesParse("<domain><name>x</name></domain>", XV_DEVICES_NICS, &d), 0);
    free(d);
}

/* ---- the cache, on test:///default's domain "test" (disk vda, interface testnet0) ---- */

typedef struct {
    virConnectPtr conn;
    virDomainPtr dom;
    xvSnapshot *snap;
    xvCollectContext ctx;
    xvSnapDomain sd;
    xvDeviceCache *cache;
} cacheFixture;

static int statsCalls;
static const char *failDevice;       /* the stats call fails for it ... */
static int failCode;                 /* ... with this error */

/* A stats call that says the device is unknown or the domain stopped as
 * asked, else counts: reading it through a failing public call leaves the
 * real libvirt error behind. */
static int
fakeStats(virDomainPtr dom, const char *name, int64_t *values)
{
    virDomainBlockStatsStruct s;

    statsCalls++;
    if (failDevice && strcmp(name, failDevice) == 0) {
        if (failCode == VIR_ERR_INVALID_ARG) /* too large a size: refused by the wrapper */
            return virDomainBlockStats(dom, name, &s, sizeof(s) + 1);
        return virDomainBlockStats(NULL, name, &s, sizeof(s));
    }
    values[0] = statsCalls;
    return 0;
}

static void
cacheSample(cacheFixture *f, uint64_t seq)
{
    f->snap->seq = seq;
}

static int
cacheSetup(void **state)
{
    cacheFixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    assert_non_null(f->conn = virConnectOpenReadOnly("test:///default"));
    assert_non_null(f->dom = virDomainLookupByName(f->conn, "test"));
    f->snap = xvSnapshotNew();
    f->ctx.conn = f->conn;
    f->ctx.snap = f->snap;
    f->sd.id = (int)virDomainGetID(f->dom);
    assert_int_equal(virDomainGetUUID(f->dom, f->sd.uuid), 0);
    f->cache = xvDeviceCacheNew(XV_DEVICES_DISKS);
    statsCalls = 0;
    failDevice = NULL;
    *state = f;
    return 0;
}

static int
cacheTeardown(void **state)
{
    cacheFixture *f = *state;

    xvDeviceCacheFree(f->cache);
    xvSnapshotUnref(f->snap);
    virDomainFree(f->dom);
    virConnectClose(f->conn);
    free(f);
    return 0;
}

static int
collect(cacheFixture *f, xvDeviceSample *ds)
{
    return xvDevicesCollect(&f->ctx, f->cache, f->dom, &f->sd, XV_CALL_BLOCK_STATS, fakeStats,
                            2, ds);
}

static void
test_cache_reads_xml_once_then_on_the_slow_refresh(void **state)
{
    cacheFixture *f = *state;
    xvDeviceSample ds;
    uint64_t seq;

    cacheSample(f, 1);
    assert_int_equal(collect(f, &ds), 0);
    assert_int_equal(ds.ndevs, 1);
    assert_string_equal(ds.devs[0].name, "vda");
    assert_string_equal(ds.devs[0].source, "/guest/diskimage1");
    assert_true(ds.ok[0]);
    assert_int_equal(ds.values[0], 1);
    assert_int_equal(xvDeviceCacheReads(f->cache), 1);
    /* steady: no XML until the refresh is due */
    for (seq = 2; seq <= XV_DEVICES_REFRESH_SAMPLES; seq++) {
        cacheSample(f, seq);
        assert_int_equal(collect(f, &ds), 0);
        xvDeviceCachePrune(f->cache, seq);
    }
    assert_int_equal(xvDeviceCacheReads(f->cache), 1);
    assert_int_equal(statsCalls, XV_DEVICES_REFRESH_SAMPLES);
    cacheSample(f, XV_DEVICES_REFRESH_SAMPLES + 1);
    assert_int_equal(collect(f, &ds), 0);
    assert_int_equal(xvDeviceCacheReads(f->cache), 2);
    assert_int_equal(f->snap->errorsTotal[XV_CALL_GET_XML_DESC], 0);
}

static void
test_cache_refreshes_spread_over_the_period(void **state)
{
    cacheFixture *f = *state;
    xvDeviceSample ds;
    uint64_t seq;
    int d;

    /* 2 * period "domains" seen from sample 1 on: each later sample
     * re-reads about two of them, never all at once */
    cacheSample(f, 1);
    for (d = 0; d < 2 * XV_DEVICES_REFRESH_SAMPLES; d++) {
        f->sd.uuid[0] = (unsigned char)d;
        assert_int_equal(collect(f, &ds), 0);
    }
    for (seq = 2; seq <= 3 * XV_DEVICES_REFRESH_SAMPLES; seq++) {
        uint64_t before = xvDeviceCacheReads(f->cache);

        cacheSample(f, seq);
        for (d = 0; d < 2 * XV_DEVICES_REFRESH_SAMPLES; d++) {
            f->sd.uuid[0] = (unsigned char)d;
            assert_int_equal(collect(f, &ds), 0);
        }
        xvDeviceCachePrune(f->cache, seq);
        assert_true(xvDeviceCacheReads(f->cache) - before <= 2);
    }
    assert_int_equal(xvDeviceCacheCount(f->cache), 2 * XV_DEVICES_REFRESH_SAMPLES);
}

static void
test_cache_reads_again_on_a_new_id_and_forgets_the_old(void **state)
{
    cacheFixture *f = *state;
    xvDeviceSample ds;

    cacheSample(f, 1);
    assert_int_equal(collect(f, &ds), 0);
    cacheSample(f, 2);
    f->sd.id += 100;      /* rebooted: a new id */
    assert_int_equal(collect(f, &ds), 0);
    assert_int_equal(xvDeviceCacheReads(f->cache), 2);
    xvDeviceCachePrune(f->cache, 2);
    assert_int_equal(xvDeviceCacheCount(f->cache), 1);
}

/* A domain first seen after the first sample (started while the agent
 * runs: on Xen its backends, and so its devices, come up seconds later) is
 * read again after 1, 2, 4, 8, 16 and 32 samples, then on the slow period. */
static void
test_cache_reads_a_domain_seen_starting_again_soon(void **state)
{
    static const uint64_t expect[] = { 2, 3, 5, 9, 17, 33, 65, 125 };
    cacheFixture *f = *state;
    xvDeviceSample ds;
    uint64_t seq, last = 0;
    size_t k = 0;

    cacheSample(f, 1);
    assert_int_equal(collect(f, &ds), 0);
    f->sd.id += 100;      /* a new incarnation, first seen at sample 2 */
    for (seq = 2; seq <= 130; seq++) {
        uint64_t before = xvDeviceCacheReads(f->cache);

        cacheSample(f, seq);
        assert_int_equal(collect(f, &ds), 0);
        assert_int_equal(ds.ndevs, 1);
        if (xvDeviceCacheReads(f->cache) != before) {
            assert_true(k < sizeof(expect) / sizeof(expect[0]));
            assert_int_equal(seq, expect[k]);
            k++;
            last = seq;
        }
    }
    assert_int_equal(k, sizeof(expect) / sizeof(expect[0]));
    assert_int_equal(last, 125);
}

static void
test_unknown_device_reads_xml_again_once_then_counts(void **state)
{
    cacheFixture *f = *state;
    xvDeviceSample ds;

    cacheSample(f, 1);
    assert_int_equal(collect(f, &ds), 0);
    cacheSample(f, 2);
    failDevice = "vda";
    failCode = VIR_ERR_INVALID_ARG;
    /* the list says vda still exists: one more read, then a failure */
    assert_int_equal(collect(f, &ds), -1);
    assert_int_equal(xvDeviceCacheReads(f->cache), 2);
    assert_int_equal(ds.ndevs, 1);
    assert_false(ds.ok[0]);
    assert_int_equal(f->snap->errorsTotal[XV_CALL_BLOCK_STATS], 1);
    /* within the same sample, a list just read is not read again */
    assert_int_equal(collect(f, &ds), -1);
    assert_int_equal(xvDeviceCacheReads(f->cache), 2);
    assert_int_equal(f->snap->errorsTotal[XV_CALL_BLOCK_STATS], 2);
}

static void
test_other_failures_are_counted_without_reading(void **state)
{
    cacheFixture *f = *state;
    xvDeviceSample ds;

    cacheSample(f, 1);
    assert_int_equal(collect(f, &ds), 0);
    cacheSample(f, 2);
    failDevice = "vda";
    failCode = VIR_ERR_INVALID_DOMAIN;
    assert_int_equal(collect(f, &ds), -1);
    assert_int_equal(xvDeviceCacheReads(f->cache), 1);
    assert_int_equal(f->snap->errorsTotal[XV_CALL_BLOCK_STATS], 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_disks_are_direct_children_with_target_and_source),
    cmocka_unit_test(test_interfaces_are_named_by_target_else_mac),
    cmocka_unit_test(test_malformed_xml_gives_nothing),
    cmocka_unit_test(test_no_devices_is_an_empty_list),
    cmocka_unit_test_setup_teardown(test_cache_reads_xml_once_then_on_the_slow_refresh,
                                    cacheSetup, cacheTeardown),
    cmocka_unit_test_setup_teardown(test_cache_refreshes_spread_over_the_period, cacheSetup,
                                    cacheTeardown),
    cmocka_unit_test_setup_teardown(test_cache_reads_a_domain_seen_starting_again_soon,
                                    cacheSetup, cacheTeardown),
    cmocka_unit_test_setup_teardown(test_cache_reads_again_on_a_new_id_and_forgets_the_old,
                                    cacheSetup, cacheTeardown),
    cmocka_unit_test_setup_teardown(test_unknown_device_reads_xml_again_once_then_counts,
                                    cacheSetup, cacheTeardown),
    cmocka_unit_test_setup_teardown(test_other_failures_are_counted_without_reading,
                                    cacheSetup, cacheTeardown),
};

XV_TEST_MAIN(tests)
