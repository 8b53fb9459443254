/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node_io.c: the simulated I/O counters of the test node's domains
 * (virDomainBlockStats, virDomainInterfaceStats) and the time its physical
 * CPUs spend running vcpus (virNodeGetCPUStats).
 *
 * I/O: every disk and every interface with a target dev of an active domain
 * has counters that integrate their rates (<xvirt:io>, io events) over the
 * simulated time the domain runs (running or shutting down; not paused,
 * crashed or shut off). They start from 0 at every boot, as Xen's backends
 * are new devices then. The integral is kept in integers, whole units plus
 * billionths, so a counter is exact and never goes back however the time is
 * cut into folds.
 *
 * Physical CPUs: between two changes of what runs where, pCPU c is busy at
 * min(1, the sum of the loads of the running vcpus placed on it) of the
 * time (xvTestDomVcpuPlacement); busy time is folded into pcpuBusyNs before
 * every such change and computed, without folding, when read.
 */
#include "config.h"

#include "test/test_node.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test/test_node_private.h"
#include "util/xvclock.h"

#define TEST_BILLION 1000000000ULL

static const char *const testIoDiskFields[XV_TEST_IO_DISK_FIELDS] = {
    "rd-req", "rd-bytes", "wr-req", "wr-bytes", "errs",
};
static const char *const testIoNetFields[XV_TEST_IO_NET_FIELDS] = {
    "rx-bytes", "rx-packets", "rx-errs", "rx-drop",
    "tx-bytes", "tx-packets", "tx-errs", "tx-drop",
};

const char *
xvTestIoFieldName(xvTestIoKind kind, unsigned int f)
{
    if (kind == XV_TEST_IO_DISK && f < XV_TEST_IO_DISK_FIELDS)
        return testIoDiskFields[f];
    if (kind == XV_TEST_IO_NET && f < XV_TEST_IO_NET_FIELDS)
        return testIoNetFields[f];
    return NULL;
}

void
xvTestIoRatesClear(xvTestIoRates *rates)
{
    free(rates->device);
    memset(rates, 0, sizeof(*rates));
}

/* ---- Integer integrals ------------------------------------------------- */

static unsigned long long
testAddSat(unsigned long long a, unsigned long long b)
{
    return a > ULLONG_MAX - b ? ULLONG_MAX : a + b;
}

static unsigned long long
testMulSat(unsigned long long a, unsigned long long b)
{
    return a != 0 && b > ULLONG_MAX / a ? ULLONG_MAX : a * b;
}

/* rate * ns / 1e9 = *whole + *billionths / 1e9, exactly (saturated). With
 * ns = s * 1e9 + n and rate = q * 1e9 + m: rate * s + q * n + m * n / 1e9,
 * where m * n < 1e18 fits. */
static void
testIoIntegral(unsigned long long rate, uint64_t ns, unsigned long long *whole,
               unsigned long long *billionths)
{
    unsigned long long s = ns / TEST_BILLION, n = ns % TEST_BILLION;
    unsigned long long q = rate / TEST_BILLION, m = rate % TEST_BILLION;

    *whole = testAddSat(testAddSat(testMulSat(rate, s), testMulSat(q, n)),
                        m * n / TEST_BILLION);
    *billionths = m * n % TEST_BILLION;
}

/* The simulated time @dev has counted since its last fold. */
static uint64_t
testIoDevElapsed(const xvTestNode *node, const xvTestDom *dom, const xvTestIoDev *dev)
{
    if (!xvTestDomVcpusRun(dom) || node->nowNs <= dev->sinceNs)
        return 0;
    return node->nowNs - dev->sinceNs;
}

/* Field @f of @dev at now: base + the integral since the last fold; the
 * fraction left in *@rem. */
static unsigned long long
testIoDevValue(const xvTestIoDev *dev, unsigned int f, uint64_t elapsed,
               uint32_t *rem)
{
    unsigned long long whole, billionths;

    testIoIntegral(dev->rates[f], elapsed, &whole, &billionths);
    billionths += dev->rem[f];
    if (billionths >= TEST_BILLION) {
        billionths -= TEST_BILLION;
        whole = testAddSat(whole, 1);
    }
    *rem = (uint32_t)billionths;
    return testAddSat(dev->base[f], whole);
}

static void
testIoDevFold(const xvTestNode *node, const xvTestDom *dom, xvTestIoDev *dev)
{
    uint64_t elapsed = testIoDevElapsed(node, dom, dev);
    unsigned int f;

    for (f = 0; f < XV_TEST_IO_MAX_FIELDS; f++)
        dev->base[f] = testIoDevValue(dev, f, elapsed, &dev->rem[f]);
    dev->sinceNs = node->nowNs;
}

void
xvTestIoDevRead(const xvTestNode *node, const xvTestDom *dom, const xvTestIoDev *dev,
                long long out[XV_TEST_IO_MAX_FIELDS])
{
    uint64_t elapsed = testIoDevElapsed(node, dom, dev);
    unsigned int f, n = dev->kind == XV_TEST_IO_DISK ? XV_TEST_IO_DISK_FIELDS
                                                     : XV_TEST_IO_NET_FIELDS;
    uint32_t rem;

    for (f = 0; f < n; f++) {
        unsigned long long v = testIoDevValue(dev, f, elapsed, &rem);

        out[f] = v > LLONG_MAX ? LLONG_MAX : (long long)v;
    }
}

void
xvTestIoDevSetRates(const xvTestNode *node, const xvTestDom *dom, xvTestIoDev *dev,
                    const xvTestIoRates *from)
{
    unsigned int f;

    testIoDevFold(node, dom, dev);
    for (f = 0; f < XV_TEST_IO_MAX_FIELDS; f++) {
        if (from->given & (1U << f))
            dev->rates[f] = from->rates[f];
    }
}

/* ---- Devices of a domain ----------------------------------------------- */

void
xvTestDomIoLaunch(const xvTestNode *node, xvTestDom *dom)
{
    const xvDomainDef *def = dom->def;
    size_t i, j, n = 0;

    dom->io = def->ndisks + def->nnets ? xvAllocN(def->ndisks + def->nnets, sizeof(*dom->io))
                                       : NULL;
    for (i = 0; i < def->ndisks; i++) {
        dom->io[n].device = def->disks[i].target;
        dom->io[n++].kind = XV_TEST_IO_DISK;
    }
    for (i = 0; i < def->nnets; i++) {
        dom->io[n].device = def->nets[i].target; /* maybe NULL: by MAC only */
        dom->io[n++].kind = XV_TEST_IO_NET;
    }
    dom->nio = n;
    for (i = 0; i < n; i++)
        dom->io[i].sinceNs = node->nowNs;
    for (j = 0; j < dom->settings.nio; j++) {
        xvTestIoDev *dev = xvTestDomFindIoDev(dom, dom->settings.io[j].device);

        if (dev)
            xvTestIoDevSetRates(node, dom, dev, &dom->settings.io[j]);
    }
}

void
xvTestDomIoRelease(xvTestDom *dom)
{
    free(dom->io);
    dom->io = NULL;
    dom->nio = 0;
}

void
xvTestDomIoFold(const xvTestNode *node, xvTestDom *dom)
{
    size_t i;

    for (i = 0; i < dom->nio; i++)
        testIoDevFold(node, dom, &dom->io[i]);
}

xvTestIoDev *
xvTestDomFindIoDev(xvTestDom *dom, const char *device)
{
    size_t i;

    for (i = 0; i < dom->nio; i++) {
        if (XV_STREQ_NULLABLE(dom->io[i].device, device))
            return &dom->io[i];
    }
    return NULL;
}

/* The devices of disk @i / interface @i of dom->def (xvTestDomIoLaunch's
 * order), or NULL if the domain is not active. */
static const xvTestIoDev *
testDomDiskDev(const xvTestDom *dom, size_t i)
{
    return i < dom->nio ? &dom->io[i] : NULL;
}

static const xvTestIoDev *
testDomNetDev(const xvTestDom *dom, size_t i)
{
    return dom->def->ndisks + i < dom->nio ? &dom->io[dom->def->ndisks + i] : NULL;
}

const xvTestIoDev *
xvTestDomFindDisk(const xvTestDom *dom, const char *name)
{
    const xvDomainDef *def = dom->def;
    const xvTestIoDev *found = NULL;
    size_t i;

    /* libvirt: a name without a leading '/' is a target dev; one with it, a
     * source path, which must name one disk only */
    for (i = 0; i < def->ndisks; i++) {
        if (name[0] != '/') {
            if (XV_STREQ(def->disks[i].target, name))
                return testDomDiskDev(dom, i);
        } else if (XV_STREQ_NULLABLE(def->disks[i].source, name)) {
            if (found)
                return NULL;
            found = testDomDiskDev(dom, i);
        }
    }
    return found;
}

/* Whether @s is a MAC address "xx:xx:xx:xx:xx:xx" (hex digits of any case,
 * one or two per byte, as libvirt's parser takes them). */
static bool
testParseMac(const char *s, unsigned char mac[6])
{
    size_t i;

    for (i = 0; i < 6; i++) {
        char *end;
        unsigned long byte;

        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
              (*s >= 'A' && *s <= 'F')))
            return false;
        byte = strtoul(s, &end, 16);
        if (end - s > 2 || byte > 0xff)
            return false;
        mac[i] = (unsigned char)byte;
        s = end;
        if (i < 5) {
            if (*s != ':')
                return false;
            s++;
        }
    }
    return *s == '\0';
}

const xvTestIoDev *
xvTestDomFindInterface(const xvTestDom *dom, const char *name)
{
    const xvDomainDef *def = dom->def;
    unsigned char mac[6], other[6];
    bool isMac = testParseMac(name, mac);
    size_t i;

    /* libvirt: a name that parses as a MAC is only matched as one */
    for (i = 0; i < def->nnets; i++) {
        const xvDomainNetDef *net = &def->nets[i];

        if (isMac ? net->mac && testParseMac(net->mac, other) && !memcmp(mac, other, 6)
                  : XV_STREQ_NULLABLE(net->target, name))
            return testDomNetDev(dom, i);
    }
    return NULL;
}

/* ---- Physical CPUs ----------------------------------------------------- */

/* The busy fraction of every pCPU now, into node->pcpuDemand (capped at 1). */
static void
testNodePcpuDemand(const xvTestNode *node)
{
    const xvTestDom *dom;
    unsigned int c;

    memset(node->pcpuDemand, 0, node->maxCpus * sizeof(double));
    for (dom = node->domains; dom; dom = dom->next) {
        size_t i, online = dom->def->vcpus < dom->nvcpus ? dom->def->vcpus : dom->nvcpus;

        if (!xvTestDomIsActive(dom) || !xvTestDomVcpusRun(dom))
            continue;
        for (i = 0; i < online; i++) {
            int cpu = xvTestDomVcpuPlacement(node, dom, i);

            if (cpu >= 0)
                node->pcpuDemand[cpu] += dom->vcpus[i].load;
        }
    }
    for (c = 0; c < node->maxCpus; c++) {
        if (node->pcpuDemand[c] > 1.0)
            node->pcpuDemand[c] = 1.0;
    }
}

static void
testNodePcpuAlloc(xvTestNode *node)
{
    if (node->pcpuBusyNs)
        return;
    node->pcpuBusyNs = xvAllocN(node->maxCpus ? node->maxCpus : 1, sizeof(uint64_t));
    node->pcpuDemand = xvAllocN(node->maxCpus ? node->maxCpus : 1, sizeof(double));
}

/* Busy time of pCPU @c over @elapsed ns at the demand computed last. */
static uint64_t
testNodePcpuBusySince(const xvTestNode *node, unsigned int c, uint64_t elapsed)
{
    if (node->pcpuDemand[c] >= 1.0)
        return elapsed;
    return (uint64_t)(node->pcpuDemand[c] * (double)elapsed); /* <= elapsed */
}

/*
 * Makes node->pcpuDemand current. Demand changes only where the callers of
 * xvTestNodePcpuFold change the node (each folds first), so it is computed
 * once per change, not once per read: a sample reads every pCPU.
 */
static void
testNodePcpuDemandCurrent(xvTestNode *node)
{
    if (node->pcpuDemandCurrent)
        return;
    testNodePcpuDemand(node);
    node->pcpuDemandCurrent = true;
}

void
xvTestNodePcpuFold(xvTestNode *node)
{
    uint64_t elapsed;
    unsigned int c;

    testNodePcpuAlloc(node);
    if (node->nowNs > node->pcpuSinceNs) {
        elapsed = node->nowNs - node->pcpuSinceNs;
        testNodePcpuDemandCurrent(node);
        for (c = 0; c < node->maxCpus; c++)
            node->pcpuBusyNs[c] += testNodePcpuBusySince(node, c, elapsed);
        node->pcpuSinceNs = node->nowNs;
    }
    node->pcpuDemandCurrent = false;    /* the caller is about to change it */
}

void
xvTestNodePcpuTimes(xvTestNode *node, uint64_t *busyNs)
{
    uint64_t elapsed = 0;
    unsigned int c;

    testNodePcpuAlloc(node);
    if (node->nowNs > node->pcpuSinceNs) {
        elapsed = node->nowNs - node->pcpuSinceNs;
        testNodePcpuDemandCurrent(node);
    }
    for (c = 0; c < node->maxCpus; c++)
        busyNs[c] = node->pcpuBusyNs[c] +
                    (elapsed ? testNodePcpuBusySince(node, c, elapsed) : 0);
}
