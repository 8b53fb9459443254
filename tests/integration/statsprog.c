/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * statsprog.c: the statistics calls of issue 11 (virDomainBlockStats,
 * virDomainInterfaceStats, virNodeGetCPUStats), built twice (with libxvirt
 * and with the system libvirt) so that differential_test.sh can check that
 * both libraries agree on which devices exist and on every error. The
 * counters' values are never printed: libvirt's test driver makes them up.
 *
 * usage: statsprog URI STEP...
 *
 * Steps run in order on one connection (a node file is private to it):
 *   block DOM NAME        virDomainBlockStats(DOM, NAME, full size)
 *   block-size DOM NAME   the same with a size one byte past the structure
 *   block-null DOM        with a NULL disk
 *   iface DOM NAME        virDomainInterfaceStats(DOM, NAME, full size)
 *   iface-size DOM NAME   the same with a size one byte past the structure
 *   cpu N NPARAMS         virNodeGetCPUStats(N, an array of NPARAMS, or
 *                         NULL for "null"), printing the count and names
 *   cpu-flags N FLAGS     the same with 4 parameters and FLAGS
 *   cpu-nullcount N       with a NULL nparams
 *   destroy DOM, suspend DOM, resume DOM, create DOM
 * Each prints one line "STEP ARGS: ok[ ...]" or "STEP ARGS: error code=N".
 * Exit status: 0 when every step ran, 1 on a usage or connection error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static int statsCode; /* the error code of the last failed call, kept
                       * across the virDomainFree() that resets it */

static int
statsLastCode(void)
{
    return statsCode;
}

/* Keeps the code of the error of a call that returned @ret. */
static int
statsKeep(int ret)
{
    virErrorPtr err = virGetLastError();

    statsCode = ret < 0 && err ? err->code : 0;
    return ret;
}

static void
statsQuiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static void
statsPrintRet(const char *step, const char *a, const char *b, int ret)
{
    printf("%s %s%s%s: ", step, a, b ? " " : "", b ? b : "");
    if (ret < 0)
        printf("error code=%d\n", statsLastCode());
    else
        printf("ok\n");
}

static int
statsBlock(virConnectPtr conn, const char *dom, const char *name, size_t extra)
{
    virDomainBlockStatsStruct st[2];
    virDomainPtr d = virDomainLookupByName(conn, dom);

    int ret;

    if (!d)
        return statsKeep(-1);
    ret = statsKeep(virDomainBlockStats(d, name, st, sizeof(st[0]) + extra));
    virDomainFree(d);
    return ret;
}

static int
statsIface(virConnectPtr conn, const char *dom, const char *name, size_t extra)
{
    virDomainInterfaceStatsStruct st[2];
    virDomainPtr d = virDomainLookupByName(conn, dom);

    int ret;

    if (!d)
        return statsKeep(-1);
    ret = statsKeep(virDomainInterfaceStats(d, name, st, sizeof(st[0]) + extra));
    virDomainFree(d);
    return ret;
}

/* virNodeGetCPUStats with @nparams slots (@params NULL when @null) and
 * @flags; prints the count and the field names on success. */
static void
statsCpu(virConnectPtr conn, const char *step, const char *cpu, const char *nparams,
         int n, int null, unsigned int flags)
{
    virNodeCPUStats params[16];
    int count = n, i;

    memset(params, 0, sizeof(params));
    printf("%s %s %s: ", step, cpu, nparams);
    if (statsKeep(virNodeGetCPUStats(conn, atoi(cpu), null ? NULL : params, &count,
                                     flags)) < 0) {
        printf("error code=%d\n", statsLastCode());
        return;
    }
    printf("ok nparams=%d", count);
    for (i = 0; !null && i < count && i < 16; i++)
        printf("%s%s", i ? "," : " fields=", params[i].field);
    printf("\n");
}

static int
statsLifecycle(virConnectPtr conn, const char *step, const char *dom)
{
    virDomainPtr d = virDomainLookupByName(conn, dom);
    int ret;

    if (!d)
        return statsKeep(-1);
    if (strcmp(step, "destroy") == 0) {
        /* libxvirt frees the handle of a destroyed domain (seed semantics),
         * libvirt 9 does not: never touch it again (see seedprog.c) */
        if ((ret = virDomainDestroy(d)) == 0)
            return 0;
    } else if (strcmp(step, "suspend") == 0) {
        ret = virDomainSuspend(d);
    } else if (strcmp(step, "resume") == 0) {
        ret = virDomainResume(d);
    } else {
        ret = virDomainCreate(d);
    }
    statsKeep(ret);
    virDomainFree(d);
    return ret;
}

/* Runs the step at argv[*i], advancing *i past its arguments; -1 on a
 * usage error. */
static int
statsStep(virConnectPtr conn, int argc, char **argv, int *i)
{
    const char *step = argv[*i];
    const char *a = *i + 1 < argc ? argv[*i + 1] : NULL;
    const char *b = *i + 2 < argc ? argv[*i + 2] : NULL;
    int one = !strcmp(step, "block-null") || !strcmp(step, "cpu-nullcount") ||
              !strcmp(step, "destroy") || !strcmp(step, "suspend") ||
              !strcmp(step, "resume") || !strcmp(step, "create");

    if (!a || (!one && !b))
        return -1;
    *i += one ? 2 : 3;
    if (!strcmp(step, "block"))
        statsPrintRet(step, a, b, statsBlock(conn, a, b, 0));
    else if (!strcmp(step, "block-size"))
        statsPrintRet(step, a, b, statsBlock(conn, a, b, 1));
    else if (!strcmp(step, "block-null"))
        statsPrintRet(step, a, NULL, statsBlock(conn, a, NULL, 0));
    else if (!strcmp(step, "iface"))
        statsPrintRet(step, a, b, statsIface(conn, a, b, 0));
    else if (!strcmp(step, "iface-size"))
        statsPrintRet(step, a, b, statsIface(conn, a, b, 1));
    else if (!strcmp(step, "cpu"))
        statsCpu(conn, step, a, b, strcmp(b, "null") ? atoi(b) : 0, !strcmp(b, "null"), 0);
    else if (!strcmp(step, "cpu-flags"))
        statsCpu(conn, step, a, b, 4, 0, (unsigned int)strtoul(b, NULL, 0));
    else if (!strcmp(step, "cpu-nullcount")) {
        virNodeCPUStats params[4];

        statsPrintRet(step, a, NULL,
                      statsKeep(virNodeGetCPUStats(conn, atoi(a), params, NULL, 0)));
    } else if (one)
        statsPrintRet(step, a, NULL, statsLifecycle(conn, step, a));
    else
        return -1;
    return 0;
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    int i = 2;

    if (argc < 2) {
        fprintf(stderr, "usage: statsprog URI STEP...\n");
        return 1;
    }
    virSetErrorFunc(NULL, statsQuiet);
    if (!(conn = virConnectOpen(argv[1]))) {
        fprintf(stderr, "statsprog: cannot open %s\n", argv[1]);
        return 1;
    }
    while (i < argc) {
        if (statsStep(conn, argc, argv, &i) < 0) {
            fprintf(stderr, "statsprog: bad step at '%s'\n", argv[i]);
            virConnectClose(conn);
            return 1;
        }
        fflush(stdout);
    }
    virConnectClose(conn);
    return 0;
}
