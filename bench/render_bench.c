/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * render_bench.c: times xvPromRender on a 1000-domain x 4-vcpu snapshot,
 * against a naive renderer (snprintf per line, a malloc per escaped label)
 * run in the same invocation, and prints the ratio.
 * Usage: render_bench [RUNS [DOMAINS [VCPUS]]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prometheus.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvclock.h"
#include "util/xvcpulist.h"

static xvSnapshot *
benchSnapshot(size_t ndomains, size_t nvcpus)
{
    xvSnapshot *snap = xvSnapshotNew();
    size_t d, j;

    snap->connected = true;
    snap->nodeOk = true;
    strcpy(snap->node.model, "x86_64");
    snap->node.memory = 268435456;
    snap->node.cpus = 64;
    snap->node.mhz = 2400;
    snap->node.nodes = 2;
    snap->node.sockets = 1;
    snap->node.cores = 16;
    snap->node.threads = 2;
    snap->hvType = xvStrdup("Xen");
    snap->hvVersion = 4017000;
    snap->maplen = 8;
    snap->timestampNs = 1700000000123456789ULL;
    snap->durationNs = 8765432;
    for (d = 0; d < ndomains; d++) {
        xvSnapDomain *dom = xvSnapshotAddDomain(snap);
        xvSnapVcpu *v;
        char name[32];

        snprintf(name, sizeof(name), "guest-%05zu", d);
        dom->name = xvStrdup(name);
        dom->osType = xvStrdup("linux");
        dom->id = (int)d + 1;
        snprintf(dom->uuidstr, sizeof(dom->uuidstr),
                 "%08x-1234-5678-9abc-def012345678", (unsigned int)d);
        dom->state = VIR_DOMAIN_RUNNING;
        dom->memKiB = 1048576 + d;
        dom->maxMemKiB = 2097152;
        dom->nrVirtCpu = (unsigned int)nvcpus;
        dom->cpuTimeNs = 123456789012ULL * (d + 1);
        dom->vcpusOk = true;
        v = xvSnapshotAddVcpus(snap, dom, nvcpus);
        for (j = 0; j < nvcpus; j++) {
            unsigned char *map = xvSnapshotVcpuMap(snap, (size_t)(&v[j] - snap->vcpus));

            v[j].number = (unsigned int)j;
            v[j].state = VIR_VCPU_RUNNING;
            v[j].cpu = (int)((d + j) % 64);
            v[j].cpuTimeNs = 30864197253ULL * (d + 1) + j;
            /* half the vcpus pinned to one socket */
            memset(map, 0xff, (d % 2) ? 4 : 8);
            v[j].affinityCount = (d % 2) ? 32 : 64;
        }
    }
    xvSnapshotAddCollector(snap, "node", 10000, true);
    xvSnapshotAddCollector(snap, "domain", 5000000, true);
    xvSnapshotAddCollector(snap, "vcpu", 3000000, true);
    xvSnapshotFinish(snap);
    return snap;
}

/* ---- the baseline: what a straightforward renderer would do ---- */

static char *
naiveEscape(const char *s)
{
    char *out = xvAlloc(strlen(s) * 2 + 1);
    char *p = out;

    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            *p++ = '\\';
            *p++ = *s;
        } else if (*s == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else {
            *p++ = *s;
        }
    }
    *p = '\0';
    return out;
}

static void
naiveHeader(xvBuf *b, const char *name, const char *type, const char *help)
{
    xvBufAsprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
naiveDomainFamily(xvBuf *b, const xvSnapshot *snap, const char *name, const char *type,
                  int which)
{
    size_t i;

    naiveHeader(b, name, type, "Some help text for the family.");
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *d = &snap->domains[i];
        char *esc = naiveEscape(d->name);

        if (which == 0) {
            xvBufAsprintf(b, "%s{domain=\"%s\",uuid=\"%s\"} %d\n", name, esc, d->uuidstr, d->id);
        } else if (which == 1) {
            xvBufAsprintf(b, "%s{domain=\"%s\",uuid=\"%s\"} %.9f\n", name, esc, d->uuidstr,
                          (double)d->cpuTimeNs / 1e9);
        } else {
            xvBufAsprintf(b, "%s{domain=\"%s\",uuid=\"%s\"} %llu\n", name, esc, d->uuidstr,
                          (unsigned long long)d->memKiB * 1024);
        }
        free(esc);
    }
}

static void
naiveVcpuFamily(xvBuf *b, const xvSnapshot *snap, const char *name, const char *type,
                int which)
{
    size_t i, j;

    naiveHeader(b, name, type, "Some help text for the family.");
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *d = &snap->domains[i];
        char *esc = naiveEscape(d->name);

        for (j = 0; j < d->nvcpus; j++) {
            const xvSnapVcpu *v = &snap->vcpus[d->firstVcpu + j];

            if (which == 1) {
                xvBufAsprintf(b, "%s{domain=\"%s\",uuid=\"%s\",vcpu=\"%u\"} %.9f\n", name, esc,
                              d->uuidstr, v->number, (double)v->cpuTimeNs / 1e9);
            } else {
                xvBufAsprintf(b, "%s{domain=\"%s\",uuid=\"%s\",vcpu=\"%u\"} %d\n", name, esc,
                              d->uuidstr, v->number, which == 0 ? v->state : v->cpu);
            }
        }
        free(esc);
    }
}

static void
naiveAffinity(xvBuf *b, const xvSnapshot *snap)
{
    size_t i, j;

    naiveHeader(b, "xvirt_vcpu_affinity_info", "gauge", "Some help text for the family.");
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *d = &snap->domains[i];
        char *esc = naiveEscape(d->name);

        for (j = 0; j < d->nvcpus; j++) {
            const unsigned char *map = xvSnapshotVcpuMap(snap, d->firstVcpu + j);
            char *list = xvCpuListFormat(map, (size_t)snap->maplen * 8);

            xvBufAsprintf(b, "xvirt_vcpu_affinity_info{domain=\"%s\",uuid=\"%s\",vcpu=\"%u\","
                          "cpus=\"%s\"} 1\n", esc, d->uuidstr,
                          snap->vcpus[d->firstVcpu + j].number, list);
            free(list);
        }
        free(esc);
    }
}

static char *
naiveRender(const xvSnapshot *snap, size_t *retlen)
{
    xvBuf b = XV_BUF_INIT;

    naiveDomainFamily(&b, snap, "xvirt_domain_info", "gauge", 0);
    naiveDomainFamily(&b, snap, "xvirt_domain_id", "gauge", 0);
    naiveDomainFamily(&b, snap, "xvirt_domain_state", "gauge", 0);
    naiveDomainFamily(&b, snap, "xvirt_domain_cpu_seconds_total", "counter", 1);
    naiveDomainFamily(&b, snap, "xvirt_domain_memory_bytes", "gauge", 2);
    naiveDomainFamily(&b, snap, "xvirt_domain_memory_max_bytes", "gauge", 2);
    naiveDomainFamily(&b, snap, "xvirt_domain_vcpus", "gauge", 0);
    naiveVcpuFamily(&b, snap, "xvirt_vcpu_state", "gauge", 0);
    naiveVcpuFamily(&b, snap, "xvirt_vcpu_cpu_seconds_total", "counter", 1);
    naiveVcpuFamily(&b, snap, "xvirt_vcpu_cpu", "gauge", 2);
    naiveVcpuFamily(&b, snap, "xvirt_vcpu_affinity_cpus", "gauge", 2);
    naiveAffinity(&b, snap);
    *retlen = b.len;
    return xvBufSteal(&b);
}

/* ---- timing ---- */

typedef struct {
    uint64_t minNs;
    uint64_t totalNs;
    size_t bytes;
} benchResult;

static benchResult
benchRun(const xvSnapshot *snap, int runs, int which)
{
    benchResult r = { UINT64_MAX, 0, 0 };
    int i;

    for (i = 0; i < runs; i++) {
        uint64_t t0 = xvClockMonoNs(), dt;
        size_t len;
        char *out;

        if (which == 2)
            out = naiveRender(snap, &len);
        else
            out = xvPromRender(snap, which ? XV_PROM_FORMAT_OPENMETRICS : XV_PROM_FORMAT_TEXT,
                               &len);
        dt = xvClockMonoNs() - t0;
        free(out);
        r.totalNs += dt;
        if (dt < r.minNs)
            r.minNs = dt;
        r.bytes = len;
    }
    return r;
}

static void
benchPrint(const char *what, benchResult r, int runs)
{
    printf("%-28s %9.3f ms/render (min %.3f ms), %zu bytes, %.0f MB/s\n", what,
           (double)r.totalNs / runs / 1e6, (double)r.minNs / 1e6, r.bytes,
           (double)r.bytes * runs / ((double)r.totalNs / 1e9) / 1e6);
}

int
main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    size_t ndomains = argc > 2 ? (size_t)atol(argv[2]) : 1000;
    size_t nvcpus = argc > 3 ? (size_t)atol(argv[3]) : 4;
    xvSnapshot *snap;
    benchResult text, om, naive;

    if (runs <= 0) {
        fprintf(stderr, "usage: render_bench [RUNS [DOMAINS [VCPUS]]]\n");
        return 2;
    }
    snap = benchSnapshot(ndomains, nvcpus);
    /* warm up caches and the allocator */
    benchRun(snap, 3, 0);
    benchRun(snap, 3, 2);
    text = benchRun(snap, runs, 0);
    om = benchRun(snap, runs, 1);
    naive = benchRun(snap, runs, 2);
    printf("render: %zu domains x %zu vcpus, %d runs each\n", ndomains, nvcpus, runs);
    benchPrint("xvPromRender text 0.0.4", text, runs);
    benchPrint("xvPromRender openmetrics", om, runs);
    benchPrint("baseline snprintf/line", naive, runs);
    printf("ratio baseline/xvPromRender (text, mean): %.2fx\n",
           (double)naive.totalNs / (double)text.totalNs);
    printf("ratio baseline/xvPromRender (text, min):  %.2fx\n",
           (double)naive.minNs / (double)text.minNs);
    xvSnapshotUnref(snap);
    return 0;
}
