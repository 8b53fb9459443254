/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * render_bench.c: times xvPromRender on a 1000-domain x 4-vcpu snapshot,
 * in both formats, alternately, round by round, with a naive renderer
 * (snprintf per line, a malloc per escaped label) in the same invocation,
 * and prints CPU-time medians (CLOCK_PROCESS_CPUTIME_ID) and the ratio.
 * Usage: render_bench [--no-baseline] [--format=text|openmetrics]
 *                     [ROUNDS [DOMAINS [VCPUS]]]
 * --format runs only that format. Under callgrind, divide the inclusive
 * instruction count of xvPromRender by the renders printed. Commit b8213b3
 * also timed the renderer the metrics writer replaced, side by side
 * (bench/RESULTS.md).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/prometheus.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvclock.h"
#include "util/xvcpulist.h"
#include "util/xvmacros.h"

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
    return xvBufSteal(&b, NULL);
}

/* ---- timing ---- */

typedef enum {
    BENCH_TEXT = 0,
    BENCH_OM,
    BENCH_NAIVE,
    BENCH_LAST
} benchWhich;

static const char *const benchNames[] = {
    [BENCH_TEXT] = "xvPromRender, text",
    [BENCH_OM] = "xvPromRender, OpenMetrics",
    [BENCH_NAIVE] = "baseline snprintf/line",
};
_Static_assert(XV_N_ELEMENTS(benchNames) == BENCH_LAST,
               "benchNames must name every benchWhich");

/* Per-render figures of one renderer over all rounds. */
typedef struct {
    uint64_t *cpuNs;          /* CLOCK_PROCESS_CPUTIME_ID, one per round */
    uint64_t *wallNs;         /* CLOCK_MONOTONIC */
    size_t n;
    size_t bytes;
} benchSeries;

static char *
benchRender(const xvSnapshot *snap, benchWhich which, size_t *len)
{
    switch (which) {
    case BENCH_TEXT:
        return xvPromRender(snap, XV_PROM_FORMAT_TEXT, len);
    case BENCH_OM:
        return xvPromRender(snap, XV_PROM_FORMAT_OPENMETRICS, len);
    case BENCH_NAIVE:
    case BENCH_LAST:
    default:
        return naiveRender(snap, len);
    }
}

/* Whether this run times @which. */
static bool
benchWanted(benchWhich which, bool baseline, unsigned int formats)
{
    switch (which) {
    case BENCH_TEXT:
        return formats & 1;
    case BENCH_OM:
        return formats & 2;
    case BENCH_NAIVE:
    case BENCH_LAST:
    default:
        return baseline;
    }
}

static void
benchOnce(const xvSnapshot *snap, benchWhich which, benchSeries *s)
{
    uint64_t c0 = xvClockProcessCpuNs();
    uint64_t w0 = xvClockMonoNs();
    size_t len;
    char *out = benchRender(snap, which, &len);

    s->wallNs[s->n] = xvClockMonoNs() - w0;
    s->cpuNs[s->n] = xvClockProcessCpuNs() - c0;
    s->n++;
    s->bytes = len;
    free(out);
}

static int
benchCompareU64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Sorts @v (n > 0) and returns its median. */
static double
benchMedian(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof(*v), benchCompareU64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static void
benchPrint(benchWhich which, benchSeries *s, double *retmedian)
{
    double cpu = benchMedian(s->cpuNs, s->n);
    double wall = benchMedian(s->wallNs, s->n);

    printf("%-30s CPU median %7.3f ms (min %.3f), wall median %7.3f ms, %zu bytes\n",
           benchNames[which], cpu / 1e6, (double)s->cpuNs[0] / 1e6, wall / 1e6, s->bytes);
    *retmedian = cpu;
}

int
main(int argc, char **argv)
{
    bool baseline = true;
    unsigned int formats = 3;       /* bit 0: text, bit 1: OpenMetrics */
    int argi = 1;
    long rounds = 200;
    size_t ndomains, nvcpus;
    xvSnapshot *snap;
    benchSeries series[BENCH_LAST];
    double median[BENCH_LAST] = { 0 };
    long r;
    int w;

    for (; argi < argc && strncmp(argv[argi], "--", 2) == 0; argi++) {
        if (strcmp(argv[argi], "--no-baseline") == 0) {
            baseline = false;
        } else if (strcmp(argv[argi], "--format=text") == 0) {
            formats = 1;
        } else if (strcmp(argv[argi], "--format=openmetrics") == 0) {
            formats = 2;
        } else {
            rounds = 0;
            break;
        }
    }
    rounds = argi < argc && rounds != 0 ? atol(argv[argi]) : rounds;
    ndomains = argc > argi + 1 ? (size_t)atol(argv[argi + 1]) : 1000;
    nvcpus = argc > argi + 2 ? (size_t)atol(argv[argi + 2]) : 4;
    if (rounds <= 0) {
        fprintf(stderr, "usage: render_bench [--no-baseline] [--format=text|openmetrics] "
                "[ROUNDS [DOMAINS [VCPUS]]]\n");
        return 2;
    }
    snap = benchSnapshot(ndomains, nvcpus);
    for (w = 0; w < BENCH_LAST; w++) {
        series[w].cpuNs = xvAllocN((size_t)rounds, sizeof(uint64_t));
        series[w].wallNs = xvAllocN((size_t)rounds, sizeof(uint64_t));
        series[w].n = 0;
        series[w].bytes = 0;
    }
    /* warm up caches and the allocator */
    for (w = 0; w < BENCH_LAST; w++) {
        size_t len;

        if (benchWanted((benchWhich)w, baseline, formats))
            free(benchRender(snap, (benchWhich)w, &len));
    }
    for (r = 0; r < rounds; r++) {
        for (w = 0; w < BENCH_LAST; w++) {
            if (benchWanted((benchWhich)w, baseline, formats))
                benchOnce(snap, (benchWhich)w, &series[w]);
        }
    }
    printf("render: %zu domains x %zu vcpus, %ld rounds\n", ndomains, nvcpus, rounds);
    /* for callgrind: inclusive instructions of xvPromRender / its renders */
    printf("renders per format, warm-up included: %ld\n", rounds + 1);
    for (w = 0; w < BENCH_LAST; w++) {
        if (series[w].n > 0)
            benchPrint((benchWhich)w, &series[w], &median[w]);
    }
    if (baseline && (formats & 1)) {
        printf("ratio baseline/xvPromRender CPU median, text: %.2fx\n",
               median[BENCH_NAIVE] / median[BENCH_TEXT]);
    }
    for (w = 0; w < BENCH_LAST; w++) {
        free(series[w].cpuNs);
        free(series[w].wallNs);
    }
    xvSnapshotUnref(snap);
    return 0;
}
