/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io-probe.c: the Xen lab's window on the I/O and pCPU calls of libxvirt,
 * through the public API only (xen:///), for tests/xen/io-in-dom0.sh; and
 * the side-by-side cost of libxenstat (what xentop uses) reading the same
 * backend counters. run-lab-suite builds it on the host against the lab
 * build's libxvirt and libxenstat (libxen-dev).
 *
 *   io-probe blk DOM DISK        rd_req rd_bytes wr_req wr_bytes errs
 *   io-probe if DOM DEVICE       rx_bytes rx_packets rx_errs rx_drop
 *                                tx_bytes tx_packets tx_errs tx_drop
 *   io-probe cpu CPU             the idle time in ns (CPU -1: all CPUs)
 *   io-probe loop N DOM...       N samples of each DOM's xvda and vifD.0 on
 *                                one connection; per sample (after the first):
 *                                "sample I reads R" (read(2)-family calls of
 *                                this process, from /proc/self/io syscr)
 *   io-probe compare N           N samples of every running domU's disks
 *                                and vifs, through libxvirt and through
 *                                xenstat_get_node(VBD | NETWORK), CPU and
 *                                syscr of each
 *
 * Exit status: 0, 1 when a call failed (libvirt's message on stderr),
 * 2 for a usage error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <xenstat.h>

static void
quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static int
failed(const char *what)
{
    virErrorPtr err = virGetLastError();

    fprintf(stderr, "io-probe: %s: %s\n", what, err && err->message ? err->message : "?");
    return 1;
}

static virDomainPtr
domain(virConnectPtr conn, const char *name)
{
    return virDomainLookupByName(conn, name);
}

/* read(2)-family system calls of this process so far. */
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

static double
cpuMs(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int
cmdBlk(virConnectPtr conn, const char *name, const char *disk)
{
    virDomainBlockStatsStruct st;
    virDomainPtr dom = domain(conn, name);

    if (!dom || virDomainBlockStats(dom, disk, &st, sizeof(st)) < 0)
        return failed("virDomainBlockStats");
    printf("%lld %lld %lld %lld %lld\n", st.rd_req, st.rd_bytes, st.wr_req, st.wr_bytes,
           st.errs);
    virDomainFree(dom);
    return 0;
}

static int
cmdIf(virConnectPtr conn, const char *name, const char *device)
{
    virDomainInterfaceStatsStruct st;
    virDomainPtr dom = domain(conn, name);

    if (!dom || virDomainInterfaceStats(dom, device, &st, sizeof(st)) < 0)
        return failed("virDomainInterfaceStats");
    printf("%lld %lld %lld %lld %lld %lld %lld %lld\n", st.rx_bytes, st.rx_packets,
           st.rx_errs, st.rx_drop, st.tx_bytes, st.tx_packets, st.tx_errs, st.tx_drop);
    virDomainFree(dom);
    return 0;
}

static int
cmdCpu(virConnectPtr conn, int cpu)
{
    virNodeCPUStats params[4];
    int nparams = 0, i;

    if (virNodeGetCPUStats(conn, cpu, NULL, &nparams, 0) < 0 || nparams < 1 || nparams > 4)
        return failed("virNodeGetCPUStats");
    if (virNodeGetCPUStats(conn, cpu, params, &nparams, 0) < 0)
        return failed("virNodeGetCPUStats");
    for (i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, VIR_NODE_CPU_STATS_IDLE) == 0)
            printf("%llu\n", params[i].value);
    }
    return 0;
}

/* One sample of the block and interface counters of @doms. */
static int
sampleDomains(virDomainPtr *doms, int n)
{
    virDomainBlockStatsStruct bs;
    virDomainInterfaceStatsStruct is;
    char vif[32];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(vif, sizeof(vif), "vif%d.0", virDomainGetID(doms[i]));
        if (virDomainBlockStats(doms[i], "xvda", &bs, sizeof(bs)) < 0)
            return failed("virDomainBlockStats");
        if (virDomainInterfaceStats(doms[i], vif, &is, sizeof(is)) < 0)
            return failed("virDomainInterfaceStats");
    }
    return 0;
}

static int
cmdLoop(virConnectPtr conn, int samples, char **names, int n)
{
    virDomainPtr doms[16];
    unsigned long long before;
    int i;

    if (n > 16)
        n = 16;
    for (i = 0; i < n; i++) {
        if (!(doms[i] = domain(conn, names[i])))
            return failed(names[i]);
    }
    if (sampleDomains(doms, n))
        return 1;
    for (i = 1; i <= samples; i++) {
        before = syscr();
        if (sampleDomains(doms, n))
            return 1;
        /* the syscr read itself costs one read: not counted */
        printf("sample %d reads %llu\n", i, syscr() - before - 1);
    }
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    return 0;
}

/* Every running domU (id > 0), up to @max. */
static int
domUs(virConnectPtr conn, virDomainPtr *doms, int max)
{
    int ids[64], n, i, k = 0;

    if ((n = virConnectListDomains(conn, ids, 64)) < 0)
        return -1;
    for (i = 0; i < n && k < max; i++) {
        if (ids[i] > 0 && (doms[k] = virDomainLookupByID(conn, ids[i])))
            k++;
    }
    return k;
}

static int
cmdCompare(virConnectPtr conn, int samples)
{
    virDomainPtr doms[64];
    xenstat_handle *xh;
    xenstat_node *node;
    unsigned long long r0, rOurs, rStat, sum = 0;
    double c0, cOurs, cStat;
    int n, i;

    if ((n = domUs(conn, doms, 64)) <= 0)
        return failed("no domU");
    if (!(xh = xenstat_init())) {
        fprintf(stderr, "io-probe: xenstat_init failed\n");
        return 1;
    }
    if (sampleDomains(doms, n))
        return 1;
    c0 = cpuMs();
    r0 = syscr();
    for (i = 0; i < samples; i++) {
        if (sampleDomains(doms, n))
            return 1;
    }
    cOurs = cpuMs() - c0;
    rOurs = syscr() - r0;
    c0 = cpuMs();
    r0 = syscr();
    for (i = 0; i < samples; i++) {
        unsigned int d, nd;

        if (!(node = xenstat_get_node(xh, XENSTAT_VBD | XENSTAT_NETWORK))) {
            fprintf(stderr, "io-probe: xenstat_get_node failed\n");
            return 1;
        }
        nd = xenstat_node_num_domains(node);
        for (d = 0; d < nd; d++) {
            xenstat_domain *xd = xenstat_node_domain_by_index(node, d);
            unsigned int v;

            for (v = 0; v < xenstat_domain_num_vbds(xd); v++)
                sum += xenstat_vbd_rd_reqs(xenstat_domain_vbd(xd, v));
            for (v = 0; v < xenstat_domain_num_networks(xd); v++)
                sum += xenstat_network_rbytes(xenstat_domain_network(xd, v));
        }
        xenstat_free_node(node);
    }
    cStat = cpuMs() - c0;
    rStat = syscr() - r0;
    xenstat_uninit(xh);
    printf("domains %d samples %d\n", n, samples);
    printf("libxvirt   cpu_us_per_domain_sample %.1f reads_per_domain_sample %.1f\n",
           cOurs * 1e3 / samples / n, (double)rOurs / samples / n);
    printf("libxenstat cpu_us_per_domain_sample %.1f reads_per_domain_sample %.1f\n",
           cStat * 1e3 / samples / n, (double)rStat / samples / n);
    (void)sum;
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    return 0;
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    int rc = 2;

    if (argc < 3) {
        fprintf(stderr, "usage: io-probe blk|if|cpu|loop|compare ARGS...\n");
        return 2;
    }
    virSetErrorFunc(NULL, quiet);
    if (!(conn = virConnectOpenReadOnly("xen:///")))
        return failed("virConnectOpenReadOnly");
    if (strcmp(argv[1], "blk") == 0 && argc == 4)
        rc = cmdBlk(conn, argv[2], argv[3]);
    else if (strcmp(argv[1], "if") == 0 && argc == 4)
        rc = cmdIf(conn, argv[2], argv[3]);
    else if (strcmp(argv[1], "cpu") == 0 && argc == 3)
        rc = cmdCpu(conn, atoi(argv[2]));
    else if (strcmp(argv[1], "loop") == 0 && argc >= 4)
        rc = cmdLoop(conn, atoi(argv[2]), argv + 3, argc - 3);
    else if (strcmp(argv[1], "compare") == 0 && argc == 3)
        rc = cmdCompare(conn, atoi(argv[2]));
    else
        fprintf(stderr, "io-probe: bad arguments\n");
    virConnectClose(conn);
    return rc;
}
