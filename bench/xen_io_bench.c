/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_io_bench.c: the Xen driver's disk and network counters at scale,
 * without 1,000 real domains: the driver runs on the simulated Xen
 * (tests/lib/xen_sim.c: hypercalls and xenstore in memory) and reads the
 * counter files of a generated sysfs-like tree (xvXenDriverSetSysRoot):
 * DOMAINS x (vbd-D-51712/statistics/{rd_req,wr_req,rd_sect,wr_sect,oo_req},
 * vifD.0/statistics/{rx,tx}_{bytes,packets,errors,dropped}) under DIR.
 *
 * Usage: xen_io_bench DIR [DOMAINS [RUNS]]   (defaults 1000, 100)
 *
 * One sample = virDomainBlockStats(xvda) + virDomainInterfaceStats(vifD.0)
 * of every domain, through the public API. Timed side by side in one run:
 *   kept      files kept open, re-read with pread (the driver's way)
 *   reopened  every counter opened, read and closed at each sample (how
 *             libxenstat reads blkback's files), forced with a descriptor
 *             limit that leaves the driver no budget for open files
 * Reports CPU per sample (user + system), read(2)-family calls per sample
 * (/proc/self/io syscr) and open(2) calls per sample (the driver's count).
 * The files are on tmpfs: a real sysfs read also runs the backend's show()
 * (measured in the Xen lab: tests/xen/io-in-dom0.sh, bench/RESULTS.md).
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "xen/xen_driverpriv.h"
#include "xen_sim.h"

static const char *const vbdFiles[] = { "rd_req", "wr_req", "rd_sect", "wr_sect", "oo_req" };
static const char *const vifFiles[] = { "rx_bytes", "rx_packets", "rx_errors", "rx_dropped",
                                        "tx_bytes", "tx_packets", "tx_errors", "tx_dropped" };

static void
quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static double
cpuMs(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static unsigned long long
syscr(void)
{
    unsigned long long n = 0;
    char line[128];
    FILE *fp = fopen("/proc/self/io", "r");

    if (!fp)
        return 0;
    while (fgets(line, sizeof(line), fp)) {
        if (sscanf(line, "syscr: %llu", &n) == 1)
            break;
    }
    fclose(fp);
    return n;
}

static void
mkdirs(const char *path)
{
    char buf[1024];
    char *p;

    snprintf(buf, sizeof(buf), "%s", path);
    for (p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static void
writeFiles(const char *dir, const char *const *files, size_t n, unsigned int seed)
{
    char path[1024];
    size_t i;

    mkdirs(dir);
    for (i = 0; i < n; i++) {
        FILE *fp;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (!(fp = fopen(path, "w"))) {
            perror(path);
            exit(1);
        }
        fprintf(fp, "%u\n", seed * 7919u + (unsigned int)i * 104729u);
        fclose(fp);
    }
}

/* A domain with one disk and one vif: backend keys and counter files. */
static uint32_t
addDomain(const char *root, unsigned int i)
{
    char name[32], path[1024], key[128];
    uint32_t domid;

    snprintf(name, sizeof(name), "dom%u", i);
    domid = xvSimAddDomain(name, 4, 128 * 1024);
    snprintf(key, sizeof(key), "/local/domain/0/backend/vbd/%u/51712/dev", domid);
    xvSimStoreSet(key, "xvda");
    snprintf(key, sizeof(key), "/local/domain/0/backend/vbd/%u/51712/params", domid);
    snprintf(path, sizeof(path), "/srv/disks/%s.img", name);
    xvSimStoreSet(key, path);
    snprintf(key, sizeof(key), "/local/domain/0/backend/vif/%u/0/mac", domid);
    snprintf(path, sizeof(path), "00:16:3e:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
    xvSimStoreSet(key, path);
    snprintf(path, sizeof(path), "%s/sys/bus/xen-backend/devices/vbd-%u-51712/statistics", root,
             domid);
    writeFiles(path, vbdFiles, 5, i);
    snprintf(path, sizeof(path), "%s/sys/class/net/vif%u.0/statistics", root, domid);
    writeFiles(path, vifFiles, 8, i);
    return domid;
}

/* One sample of every domain; returns the calls that failed. */
static int
sample(virDomainPtr *doms, int n)
{
    virDomainBlockStatsStruct bs;
    virDomainInterfaceStatsStruct is;
    char vif[32];
    int i, bad = 0;

    for (i = 0; i < n; i++) {
        snprintf(vif, sizeof(vif), "vif%d.0", virDomainGetID(doms[i]));
        bad += virDomainBlockStats(doms[i], "xvda", &bs, sizeof(bs)) < 0;
        bad += virDomainInterfaceStats(doms[i], vif, &is, sizeof(is)) < 0;
    }
    return bad;
}

/* Times @runs samples on a new connection; @fdLimit > 0 lowers the soft
 * descriptor limit while the connection's file cache is made. */
static int
run(const char *label, uint32_t *ids, int n, int runs, rlim_t fdLimit)
{
    virConnectPtr conn = virConnectOpenReadOnly("xen:///");
    virDomainPtr *doms = calloc((size_t)n, sizeof(*doms));
    unsigned long opens0, reads0, rescans0, opens1, reads1, rescans1;
    unsigned long long r0;
    struct rlimit saved, low;
    double c0, cold, warm;
    int i, bad;

    if (!conn || !doms) {
        fprintf(stderr, "xen_io_bench: open: %s\n", virGetLastErrorMessage());
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (!(doms[i] = virDomainLookupByID(conn, (int)ids[i])))
            return 1;
    }
    getrlimit(RLIMIT_NOFILE, &saved);
    if (fdLimit > 0) {
        low = saved;
        low.rlim_cur = fdLimit;
        setrlimit(RLIMIT_NOFILE, &low);
    }
    c0 = cpuMs();
    bad = sample(doms, n);
    cold = cpuMs() - c0;
    setrlimit(RLIMIT_NOFILE, &saved);
    xvXenDriverIoCounts(conn, &opens0, &reads0, &rescans0);
    r0 = syscr();
    c0 = cpuMs();
    for (i = 0; i < runs; i++)
        bad += sample(doms, n);
    warm = cpuMs() - c0;
    r0 = syscr() - r0;
    xvXenDriverIoCounts(conn, &opens1, &reads1, &rescans1);
    printf("%-9s %d domains: first sample %.2f ms CPU (%lu device lists read); then per "
           "sample %.3f ms CPU, %.1f us per domain, %.1f read calls and %.1f opens per domain, "
           "%lu device lists read in %d samples; %d failed calls\n",
           label, n, cold, rescans0, warm / runs, warm * 1e3 / runs / n,
           (double)r0 / runs / n,
           (double)(opens1 - opens0) / runs / n, rescans1 - rescans0, runs, bad);
    printf("RESULT %s_sample_ms %.4f\n", label, warm / runs);
    printf("RESULT %s_reads_per_domain %.2f\n", label, (double)r0 / runs / n);
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    virConnectClose(conn);
    return bad != 0;
}

static int
removeEntry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NULL;
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    int runs = argc > 3 ? atoi(argv[3]) : 100;
    char root[512];
    uint32_t *ids;
    int i, rc;

    if (!dir || n <= 0 || runs <= 0) {
        fprintf(stderr, "usage: xen_io_bench DIR [DOMAINS [RUNS]]\n");
        return 2;
    }
    snprintf(root, sizeof(root), "%s/xen_io_bench.%d", dir, (int)getpid());
    virSetErrorFunc(NULL, quiet);
    xvSimReset();
    xvXenDriverSetHypervisor(&xvSimHypervisor);
    xvXenDriverSetSysRoot(root);
    if (!(ids = calloc((size_t)n, sizeof(*ids))))
        return 1;
    for (i = 0; i < n; i++)
        ids[i] = addDomain(root, (unsigned int)i);
    rc = run("kept", ids, n, runs, 0);
    /* 16 descriptors: a budget of 8 files, the rest opened at each read */
    rc |= run("reopened", ids, n, runs, 16);
    nftw(root, removeEntry, 16, FTW_DEPTH | FTW_PHYS);
    free(ids);
    return rc;
}
