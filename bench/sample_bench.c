/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sample_bench.c: CPU cost of one full sample (xvWorkerSample: every
 * collector over every domain and vcpu) and of rendering it, against a
 * naive baseline run in the same invocation: a loop that only lists the
 * active domains and reads virDomainGetInfo of each.
 *
 * Usage: sample_bench URI [RUNS [DOMAINS VCPUS]]
 *   URI      e.g. test:///ABS/node-1000.xml
 *   RUNS     samples (and renders) timed, default 200
 *   DOMAINS VCPUS  the counts every sample must hold (else exit 1)
 * SAMPLE_BENCH_OFF=name,name... in the environment switches those
 * collectors off (bench/collectors_bench.sh times them off and on).
 *
 * Prints a readable report and "RESULT key value" lines for scripts.
 * CPU is process CPU time (user + system); the program is single-threaded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "collectors/collector.h"
#include "exporters/prometheus.h"
#include "src/agent/worker.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"

typedef struct {
    double *ms;        /* CPU ms of each run */
    int n;
} benchSeries;

/* user + system CPU of the process from getrusage, in ms */
static double
benchRusageMs(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int
benchCompare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* mean, median and p99 (nearest rank) of @s, in ms */
static void
benchStats(benchSeries *s, double *mean, double *median, double *p99)
{
    double sum = 0;
    int i, rank;

    for (i = 0; i < s->n; i++)
        sum += s->ms[i];
    qsort(s->ms, (size_t)s->n, sizeof(double), benchCompare);
    *mean = sum / s->n;
    *median = s->ms[(s->n - 1) / 2];
    rank = (99 * s->n + 99) / 100;
    *p99 = s->ms[rank > 0 ? rank - 1 : 0];
}

static void
benchReport(const char *key, const char *what, benchSeries *s)
{
    double mean, median, p99;

    benchStats(s, &mean, &median, &p99);
    printf("%-40s mean %8.3f  median %8.3f  p99 %8.3f  ms CPU\n", what, mean, median, p99);
    printf("RESULT %s_mean_ms %.4f\n", key, mean);
    printf("RESULT %s_median_ms %.4f\n", key, median);
    printf("RESULT %s_p99_ms %.4f\n", key, p99);
}

static void
benchQuiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

/* The baseline: what a minimal poller does per sample. Returns the number
 * of domains read, or -1. */
static int
benchBaselineOnce(virConnectPtr conn)
{
    int ids[65536];
    int n, i, read = 0;

    if ((n = virConnectListDomains(conn, ids, 65536)) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByID(conn, ids[i]);
        virDomainInfo info;

        if (!dom)
            continue;
        if (virDomainGetInfo(dom, &info) == 0)
            read++;
        virDomainFree(dom);
    }
    return read;
}

/* Whether @name is in the comma-separated @list (NULL: empty). */
static bool
benchListed(const char *list, const char *name)
{
    size_t len = strlen(name);

    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);

        if (n == len && strncmp(list, name, len) == 0)
            return true;
        list = end ? end + 1 : NULL;
    }
    return false;
}

int
main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : NULL;
    int runs = argc > 2 ? atoi(argv[2]) : 200;
    long wantDomains = argc > 4 ? atol(argv[3]) : -1;
    long wantVcpus = argc > 4 ? atol(argv[4]) : -1;
    bool enabled[XV_COLLECTORS_MAX] = { false };
    void *state[XV_COLLECTORS_MAX] = { NULL };
    benchSeries sample, text, om, base;
    xvSnapshot *prev = NULL;
    virConnectPtr conn;
    size_t bytes[XV_PROM_FORMAT_LAST] = { 0 };
    double ru0, ru1, sampleRusage;
    uint64_t seq = 0;
    int i, status = 0;

    if (!uri || runs <= 0 || (argc > 3 && argc != 5)) {
        fprintf(stderr, "usage: sample_bench URI [RUNS [DOMAINS VCPUS]]\n");
        return 2;
    }
    virSetErrorFunc(NULL, benchQuiet);
    if (!(conn = virConnectOpenReadOnly(uri))) {
        fprintf(stderr, "sample_bench: cannot open '%s': %s\n", uri,
                virGetLastErrorMessage());
        return 1;
    }
    for (i = 0; xvCollectors[i] && i < XV_COLLECTORS_MAX; i++)
        enabled[i] = !benchListed(getenv("SAMPLE_BENCH_OFF"), xvCollectors[i]->name);
    sample.ms = xvAllocN((size_t)runs, sizeof(double));
    text.ms = xvAllocN((size_t)runs, sizeof(double));
    om.ms = xvAllocN((size_t)runs, sizeof(double));
    base.ms = xvAllocN((size_t)runs, sizeof(double));
    sample.n = text.n = om.n = base.n = runs;

    /* warm-up: caches, the allocator, the collectors' kept state */
    for (i = 0; i < 3; i++) {
        xvSnapshot *snap = xvWorkerSample(conn, enabled, prev, ++seq, state);

        xvSnapshotUnref(prev);
        prev = snap;
        benchBaselineOnce(conn);
    }

    ru0 = benchRusageMs();
    for (i = 0; i < runs; i++) {
        uint64_t t0 = xvClockProcessCpuNs();
        xvSnapshot *snap = xvWorkerSample(conn, enabled, prev, ++seq, state);

        /* the agent frees the previous snapshot once per sample too */
        xvSnapshotUnref(prev);
        prev = snap;
        sample.ms[i] = (double)(xvClockProcessCpuNs() - t0) / 1e6;
        if ((wantDomains >= 0 && (long)snap->ndomains != wantDomains) ||
            (wantVcpus >= 0 && (long)snap->nvcpus != wantVcpus)) {
            fprintf(stderr, "sample_bench: sample %d has %zu domains and %zu vcpus, "
                    "want %ld and %ld\n", i, snap->ndomains, snap->nvcpus,
                    wantDomains, wantVcpus);
            status = 1;
            break;
        }
    }
    ru1 = benchRusageMs();
    sampleRusage = (ru1 - ru0) / runs;

    for (i = 0; i < runs && status == 0; i++) {
        int fmt;

        for (fmt = 0; fmt < XV_PROM_FORMAT_LAST; fmt++) {
            uint64_t t0 = xvClockProcessCpuNs();
            char *body = xvPromRender(prev, (xvPromFormat)fmt, &bytes[fmt]);

            free(body);
            (fmt == XV_PROM_FORMAT_TEXT ? &text : &om)->ms[i] =
                (double)(xvClockProcessCpuNs() - t0) / 1e6;
        }
    }

    for (i = 0; i < runs && status == 0; i++) {
        uint64_t t0 = xvClockProcessCpuNs();
        int read = benchBaselineOnce(conn);

        base.ms[i] = (double)(xvClockProcessCpuNs() - t0) / 1e6;
        if (read < 0) {
            fprintf(stderr, "sample_bench: baseline: %s\n", virGetLastErrorMessage());
            status = 1;
            break;
        }
    }

    if (status == 0) {
        double mean, median, p99, baseMean;

        printf("sample_bench: %s, %zu domains, %zu vcpus, %d runs each\n", uri,
               prev->ndomains, prev->nvcpus, runs);
        printf("RESULT domains %zu\nRESULT vcpus %zu\n", prev->ndomains, prev->nvcpus);
        {
            uint64_t errors = 0;
            size_t c;

            for (c = 0; c < XV_CALL_LAST; c++)
                errors += prev->errorsTotal[c];
            /* what the device, pCPU and process collectors found, and the
             * failed calls of all the timed samples */
            printf("RESULT disks %zu\nRESULT nics %zu\nRESULT pcpus %zu\n"
                   "RESULT sample_errors %llu\n", prev->ndisks, prev->nnics, prev->npcpus,
                   (unsigned long long)errors);
        }
        benchReport("sample", "full sample (xvWorkerSample)", &sample);
        printf("%-40s %8.3f ms CPU per sample\n", "  same, by getrusage", sampleRusage);
        printf("RESULT sample_rusage_ms %.4f\n", sampleRusage);
        benchReport("render_text", "render text 0.0.4", &text);
        benchReport("render_om", "render OpenMetrics 1.0", &om);
        printf("RESULT bytes_text %zu\nRESULT bytes_om %zu\n", bytes[0], bytes[1]);
        benchReport("baseline", "baseline: list + GetInfo per domain", &base);
        benchStats(&sample, &mean, &median, &p99);
        baseMean = 0;
        for (i = 0; i < base.n; i++)
            baseMean += base.ms[i];
        baseMean /= base.n;
        printf("ratio full sample / baseline (mean): %.2fx\n", mean / baseMean);
        printf("RESULT ratio_sample_baseline %.3f\n", mean / baseMean);
    }
    xvSnapshotUnref(prev);
    xvWorkerFreeState(state);
    virConnectClose(conn);
    free(sample.ms);
    free(text.ms);
    free(om.ms);
    free(base.ms);
    return status;
}
