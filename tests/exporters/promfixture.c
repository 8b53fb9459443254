/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* promfixture.c: hand-built snapshots for the exporter tests and goldens. */
#include "promfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"
#include "util/xvuuid.h"

static void
fixtureUuid(xvSnapDomain *dom, unsigned int n)
{
    size_t i;

    for (i = 0; i < sizeof(dom->uuid); i++)
        dom->uuid[i] = (unsigned char)(n * 16 + i);
    xvUUIDFormat(dom->uuid, dom->uuidstr);
}

static xvSnapDomain *
fixtureDomain(xvSnapshot *snap, unsigned int n, int id, const char *name, const char *os,
              unsigned char state, uint64_t memKiB, unsigned int nrVirtCpu, uint64_t cpuTimeNs)
{
    xvSnapDomain *dom = xvSnapshotAddDomain(snap);

    dom->id = id;
    dom->name = xvStrdup(name);
    dom->osType = xvStrdup(os);
    dom->state = state;
    dom->memKiB = memKiB;
    dom->maxMemKiB = memKiB * 2;
    dom->nrVirtCpu = nrVirtCpu;
    dom->cpuTimeNs = cpuTimeNs;
    dom->vcpusOk = true;
    fixtureUuid(dom, n);
    return dom;
}

/* Fills vcpu @idx of the snapshot; @cpus is a -1 terminated affinity list. */
static void
fixtureVcpu(xvSnapshot *snap, xvSnapVcpu *v, unsigned int number, int state, int cpu,
            uint64_t cpuTimeNs, const int *cpus)
{
    unsigned char *map = xvSnapshotVcpuMap(snap, (size_t)(v - snap->vcpus));

    v->number = number;
    v->state = state;
    v->cpu = cpu;
    v->cpuTimeNs = cpuTimeNs;
    for (; *cpus >= 0; cpus++) {
        VIR_USE_CPU(map, *cpus);
        v->affinityCount++;
    }
}

static void
fixtureNode(xvSnapshot *snap, unsigned int cores, unsigned int threads)
{
    snap->connected = true;
    snap->nodeOk = true;
    strcpy(snap->node.model, "x86_64");
    snap->node.memory = 16777216;
    snap->node.cpus = cores * threads;
    snap->node.mhz = 2400;
    snap->node.nodes = 1;
    snap->node.sockets = 1;
    snap->node.cores = cores;
    snap->node.threads = threads;
    snap->hvType = xvStrdup("Xen");
    snap->hvVersion = 4017000;
    snap->maplen = VIR_CPU_MAPLEN(VIR_NODEINFO_MAXCPUS(snap->node));
}

/* A disk of @dom (the domain last added), counters from @base: base+0 ... */
static void
fixtureDisk(xvSnapshot *snap, xvSnapDomain *dom, const char *device, const char *source,
            int64_t base)
{
    xvSnapDisk *d = xvSnapshotAddDisks(snap, dom, 1);
    size_t f;

    d->device = xvStrdup(device);
    d->source = source ? xvStrdup(source) : NULL;
    for (f = 0; f < XV_SNAP_DISK_LAST; f++)
        d->stats[f] = base + (int64_t)f;
}

static void
fixtureNic(xvSnapshot *snap, xvSnapDomain *dom, const char *device, const char *source,
           const char *mac, int64_t base)
{
    xvSnapNic *n = xvSnapshotAddNics(snap, dom, 1);
    size_t f;

    n->device = xvStrdup(device);
    n->source = source ? xvStrdup(source) : NULL;
    n->mac = mac ? xvStrdup(mac) : NULL;
    for (f = 0; f < XV_SNAP_NIC_LAST; f++)
        n->stats[f] = base + (int64_t)f;
}

/* Two physical CPUs: cpu 0 with the test driver's fields, cpu 1 with Xen's idle only. */
static void
fixturePcpus(xvSnapshot *snap)
{
    xvSnapPcpu *p = xvSnapshotAddPcpus(snap, 2);
    int mode;

    p[0].cpu = 0;
    p[0].ns[XV_SNAP_CPU_USER] = 1500000000;
    p[0].ns[XV_SNAP_CPU_KERNEL] = 250000000;
    p[0].ns[XV_SNAP_CPU_IDLE] = 98000000001LL;
    p[0].ns[XV_SNAP_CPU_IOWAIT] = 0;
    p[0].ns[XV_SNAP_CPU_INTR] = -1;
    p[1].cpu = 1;
    for (mode = 0; mode < XV_SNAP_CPU_MODE_LAST; mode++)
        p[1].ns[mode] = -1;
    p[1].ns[XV_SNAP_CPU_IDLE] = 99750000000LL;
}

xvSnapshot *
promFixtureGolden(void)
{
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, 7, -1 };
    static const int low[] = { 0, 1, 2, 3, -1 };
    static const int odd[] = { 0, 1, 2, 3, 5, 7, -1 };
    static const int even[] = { 0, 2, 4, 6, -1 };
    static const int one[] = { 6, -1 };
    xvSnapshot *snap = xvSnapshotNew();
    xvSnapDomain *dom;
    xvSnapVcpu *v;
    int i;

    snap->seq = 42;
    snap->startedMonoNs = 1000000000;
    snap->durationNs = 12345678;
    snap->timestampNs = 1700000000123456789ULL;
    fixtureNode(snap, 4, 2);
    snap->nodeFreeOk = true;
    snap->nodeFreeBytes = 8589934592ULL;

    /* the guest of "web" reports its memory; the others do not */
    dom = fixtureDomain(snap, 1, 3, "web", "linux", VIR_DOMAIN_RUNNING, 1048576, 2,
                        12345678901ULL);
    dom->guestMemOk = true;
    dom->guestTotalKiB = 1000000;
    dom->guestFreeKiB = 250000;
    v = xvSnapshotAddVcpus(snap, dom, 2);
    fixtureVcpu(snap, &v[0], 0, VIR_VCPU_RUNNING, 2, 1500000000, low);
    fixtureVcpu(snap, &v[1], 1, VIR_VCPU_BLOCKED, 5, 10845678901ULL, odd);
    /* two disks (one whose errors the hypervisor cannot tell), one interface */
    fixtureDisk(snap, dom, "xvda", "/var/lib/xen/images/web.img", 1048576);
    fixtureDisk(snap, dom, "xvdb", "/dev/vg0/web-data", 4096);
    snap->disks[snap->ndisks - 1].stats[XV_SNAP_DISK_ERRS] = -1;
    fixtureNic(snap, dom, "vif3.0", "xenbr0", "00:16:3e:00:00:01", 2000000);

    /* Domain-0's vcpus come in reverse order: the snapshot sorts them */
    dom = fixtureDomain(snap, 0, 0, "Domain-0", "linux", VIR_DOMAIN_RUNNING, 4194304, 4,
                        987654321000ULL);
    v = xvSnapshotAddVcpus(snap, dom, 4);
    for (i = 0; i < 4; i++) {
        fixtureVcpu(snap, &v[i], (unsigned int)(3 - i), VIR_VCPU_RUNNING, 3 - i,
                    (uint64_t)(3 - i) * 1000000000 + 1, all);
    }

    dom = fixtureDomain(snap, 2, 7, "we\"ird\\name", "hvm", VIR_DOMAIN_PAUSED, 524288, 1, 1);
    v = xvSnapshotAddVcpus(snap, dom, 1);
    fixtureVcpu(snap, &v[0], 0, VIR_VCPU_OFFLINE, -1, 0, even);

    /* virDomainGetVcpus and virDomainGetOSType failed for this one */
    dom = fixtureDomain(snap, 3, 9, "new\nline", NULL, VIR_DOMAIN_CRASHED, 262144, 2,
                        5000000000ULL);
    dom->vcpusOk = false;

    dom = fixtureDomain(snap, 4, 12, "db", "linux", VIR_DOMAIN_SHUTOFF, 2097152, 1, 0);
    v = xvSnapshotAddVcpus(snap, dom, 1);
    fixtureVcpu(snap, &v[0], 0, VIR_VCPU_OFFLINE, -1, 42, one);

    dom = fixtureDomain(snap, 5, 14, "caf\xc3\xa9", "linux", VIR_DOMAIN_BLOCKED, 131072, 1,
                        999999999);
    v = xvSnapshotAddVcpus(snap, dom, 1);
    fixtureVcpu(snap, &v[0], 0, VIR_VCPU_BLOCKED, 7, 999999999, one);
    /* an interface named by its MAC, no source known; a disk path needing escaping */
    fixtureNic(snap, dom, "00:16:3e:00:00:0e", NULL, "00:16:3e:00:00:0e", 0);
    fixtureDisk(snap, dom, "hda", "/srv/\"q\"\\img", 0);

    /* not UTF-8: rendered with U+FFFD */
    dom = fixtureDomain(snap, 6, 15, "zz-bad-\xff\xc3", "linux", VIR_DOMAIN_SHUTDOWN, 65536, 1,
                        100);
    v = xvSnapshotAddVcpus(snap, dom, 1);
    fixtureVcpu(snap, &v[0], 0, VIR_VCPU_RUNNING, 0, 100, all);

    /* a domain that vanished mid-sample */
    dom = fixtureDomain(snap, 7, 16, "gone", "linux", VIR_DOMAIN_RUNNING, 1, 1, 1);
    xvSnapshotAddVcpus(snap, dom, 1);
    fixtureDisk(snap, dom, "xvda", "/gone.img", 7);
    fixtureNic(snap, dom, "vif16.0", "xenbr0", "00:16:3e:00:00:10", 7);
    xvSnapshotDropLastDomain(snap);

    fixturePcpus(snap);
    snap->process.ok = true;
    snap->process.cpuNs = 1230000000;
    snap->process.residentBytes = 14200000;
    snap->process.virtualBytes = 250000000;
    snap->process.openFds = 12;
    snap->process.maxFds = 1024;
    snap->process.startTimeNs = 1699999000550000000ULL;

    snap->errorsTotal[XV_CALL_GET_VCPUS] = 3;
    snap->errorsTotal[XV_CALL_GET_OS_TYPE] = 1;
    snap->errorsTotal[XV_CALL_BLOCK_STATS] = 2;
    xvSnapshotAddCollector(snap, "node", 123456, true);
    xvSnapshotAddCollector(snap, "domain", 4000000, true);
    xvSnapshotAddCollector(snap, "vcpu", 1500000, false);
    xvSnapshotAddCollector(snap, "block", 200000, false);
    xvSnapshotAddCollector(snap, "net", 150000, true);
    xvSnapshotAddCollector(snap, "cpu", 30000, true);
    xvSnapshotAddCollector(snap, "process", 20000, true);
    xvSnapshotFinish(snap);
    return snap;
}

xvSnapshot *
promFixtureDown(void)
{
    xvSnapshot *snap = xvSnapshotNew();

    snap->seq = 7;
    snap->durationNs = 2000000000;
    snap->timestampNs = 1700000100000000000ULL;
    snap->errorsTotal[XV_CALL_OPEN] = 5;
    xvSnapshotAddCollector(snap, "node", 0, false);
    xvSnapshotFinish(snap);
    return snap;
}

xvSnapshot *
promFixtureLarge(size_t ndomains, size_t nvcpus)
{
    xvSnapshot *snap = xvSnapshotNew();
    size_t d, j;

    snap->seq = 1;
    snap->durationNs = 8765432;
    snap->timestampNs = 1700000000000000000ULL;
    fixtureNode(snap, 32, 2);
    for (d = 0; d < ndomains; d++) {
        char name[32];
        xvSnapDomain *dom;
        xvSnapVcpu *v;

        snprintf(name, sizeof(name), "dom-%05zu", d);
        dom = fixtureDomain(snap, (unsigned int)d, (int)d + 1, name, "linux",
                            VIR_DOMAIN_RUNNING, 1048576 + d, (unsigned int)nvcpus,
                            123456789012ULL + d);
        v = xvSnapshotAddVcpus(snap, dom, nvcpus);
        for (j = 0; j < nvcpus; j++) {
            unsigned char *map = xvSnapshotVcpuMap(snap, (size_t)(&v[j] - snap->vcpus));

            v[j].number = (unsigned int)j;
            v[j].state = VIR_VCPU_RUNNING;
            v[j].cpu = (int)((d + j) % 64);
            v[j].cpuTimeNs = 1000000000ULL * d + j * 1234567;
            memset(map, 0xff, (size_t)snap->maplen);
            v[j].affinityCount = 64;
        }
    }
    xvSnapshotAddCollector(snap, "node", 10000, true);
    xvSnapshotAddCollector(snap, "domain", 5000000, true);
    xvSnapshotAddCollector(snap, "vcpu", 3000000, true);
    xvSnapshotFinish(snap);
    return snap;
}

void
promFixtureSelf(xvPromSelf *self)
{
    memset(self, 0, sizeof(*self));
    self->version = "0.1.0";
    self->api = "libxvirt 0.1.0";
    self->haveSnapshot = true;
    self->snapshotAgeNs = 1250000000;
    self->scrapes = 7;
    self->reloadOk = true;
    self->reloadSuccessNs = 1700000000000000000ULL;
    self->reloadsSucceeded = 2;
    self->reloadsFailed = 1;
}

char *
promFixtureExposition(const xvSnapshot *snap, const xvPromSelf *self, xvPromFormat fmt,
                      size_t *retlen)
{
    xvBuf buf = XV_BUF_INIT;

    xvPromRenderBody(snap, fmt, &buf);
    xvPromRenderSelf(self, fmt, &buf);
    xvPromRenderEnd(fmt, &buf);
    return xvBufSteal(&buf, retlen);
}
