/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * macros.c: uses every macro of the public header and prints what they
 * compute; public_headers_test.sh builds it as C89, C99, C11 and C++11
 * against libxvirt's header and against the system libvirt's, and the
 * outputs must be identical. Needs no library: macros only.
 */
#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

static void
printMap(const char *what, const unsigned char *map, int len)
{
    int i;

    printf("%s:", what);
    for (i = 0; i < len; i++)
        printf(" %02x", (unsigned int)map[i]);
    printf("\n");
}

int
main(void)
{
    virNodeInfo node;
    unsigned char cpumap[4];
    unsigned char cpumaps[3 * 4];
    unsigned char copy[4];
    unsigned char *got;
    int cpu, vcpu, n;

    printf("LIBVIR_VERSION_NUMBER>0: %d\n", LIBVIR_VERSION_NUMBER > 0);

    memset(&node, 0, sizeof(node));
    node.nodes = 2;
    node.sockets = 3;
    node.cores = 4;
    node.threads = 5;
    printf("VIR_NODEINFO_MAXCPUS(2,3,4,5): %u\n", (unsigned int)VIR_NODEINFO_MAXCPUS(node));

    printf("VIR_CPU_MAPLEN:");
    for (n = 0; n <= 33; n++)
        printf(" %d", (int)VIR_CPU_MAPLEN(n));
    printf(" %d %d\n", (int)VIR_CPU_MAPLEN(128), (int)VIR_CPU_MAPLEN(129));

    memset(cpumap, 0, sizeof(cpumap));
    for (cpu = 0; cpu < 32; cpu += 3)
        VIR_USE_CPU(cpumap, cpu);
    printMap("VIR_USE_CPU every 3rd", cpumap, 4);
    VIR_UNUSE_CPU(cpumap, 0);
    VIR_UNUSE_CPU(cpumap, 15);
    VIR_UNUSE_CPU(cpumap, 31);
    VIR_UNUSE_CPU(cpumap, 1); /* already clear */
    printMap("VIR_UNUSE_CPU 0,15,31,1", cpumap, 4);

    memset(cpumaps, 0, sizeof(cpumaps));
    for (vcpu = 0; vcpu < 3; vcpu++) {
        for (cpu = vcpu; cpu < 32; cpu += vcpu + 2)
            VIR_USE_CPU(VIR_GET_CPUMAP(cpumaps, 4, vcpu), cpu);
    }
    printMap("VIR_GET_CPUMAP/VIR_USE_CPU", cpumaps, 12);
    for (vcpu = 0; vcpu < 3; vcpu++) {
        printf("VIR_CPU_USABLE vcpu %d: ", vcpu);
        for (cpu = 0; cpu < 32; cpu++)
            printf("%c", VIR_CPU_USABLE(cpumaps, 4, vcpu, cpu) ? 'y' : '-');
        printf("\n");
    }
    memset(copy, 0xaa, sizeof(copy));
    VIR_COPY_CPUMAP(cpumaps, 4, 1, copy);
    printMap("VIR_COPY_CPUMAP vcpu 1", copy, 4);
    got = VIR_GET_CPUMAP(cpumaps, 4, 2);
    printf("VIR_GET_CPUMAP offset: %d\n", (int)(got - cpumaps));

    /* enum values used as plain ints */
    printf("states: %d %d %d %d %d %d %d\n", VIR_DOMAIN_NOSTATE, VIR_DOMAIN_RUNNING,
           VIR_DOMAIN_BLOCKED, VIR_DOMAIN_PAUSED, VIR_DOMAIN_SHUTDOWN,
           VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_CRASHED);
    printf("vcpu states: %d %d %d\n", VIR_VCPU_OFFLINE, VIR_VCPU_RUNNING,
           VIR_VCPU_BLOCKED);
    printf("create flags: %d\n", VIR_DOMAIN_NONE);
    return 0;
}
