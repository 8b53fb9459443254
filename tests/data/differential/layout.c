/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * layout.c: prints the size, alignment and field offsets of the public
 * structures; public_headers_test.sh builds it against libxvirt's header and
 * against the system libvirt's, and the outputs must be identical (binary
 * compatibility), those of the seed and the later ones libxvirt declares
 * (virDomainMemoryStatStruct, virDomainBlockStatsStruct,
 * virDomainInterfaceStatsStruct, virNodeCPUStats). libvirt dropped virDomainKernel long ago: when the header
 * lacks it (LAYOUT_SEED_KERNEL defined), the seed's documented layout is
 * declared here, so libxvirt's struct is compared with the seed instead.
 */
#include <stddef.h>
#include <stdio.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#ifdef LAYOUT_SEED_KERNEL
typedef struct {
    const char *kernel;
    const char *ramdisk;
    const char *root;
    const char *extra;
} virDomainKernel;
#endif

typedef struct { char c; virDomainInfo s; } alignvirDomainInfo;
typedef struct { char c; virNodeInfo s; } alignvirNodeInfo;
typedef struct { char c; virVcpuInfo s; } alignvirVcpuInfo;
typedef struct { char c; virDomainKernel s; } alignvirDomainKernel;
typedef struct { char c; virError s; } alignvirError;
typedef struct { char c; virDomainMemoryStatStruct s; } alignvirDomainMemoryStatStruct;
typedef struct { char c; virDomainBlockStatsStruct s; } alignvirDomainBlockStatsStruct;
typedef struct { char c; virDomainInterfaceStatsStruct s; } alignvirDomainInterfaceStatsStruct;
typedef struct { char c; virNodeCPUStats s; } alignvirNodeCPUStats;

#define SIZE(type) \
    printf("%s size=%u align=%u\n", #type, (unsigned int)sizeof(type), \
           (unsigned int)offsetof(align##type, s))
#define FIELD(type, field) \
    printf("  %s.%s offset=%u size=%u\n", #type, #field, \
           (unsigned int)offsetof(type, field), \
           (unsigned int)sizeof(((type *)0)->field))

int
main(void)
{
    SIZE(virDomainInfo);
    FIELD(virDomainInfo, state);
    FIELD(virDomainInfo, maxMem);
    FIELD(virDomainInfo, memory);
    FIELD(virDomainInfo, nrVirtCpu);
    FIELD(virDomainInfo, cpuTime);

    SIZE(virNodeInfo);
    FIELD(virNodeInfo, model);
    FIELD(virNodeInfo, memory);
    FIELD(virNodeInfo, cpus);
    FIELD(virNodeInfo, mhz);
    FIELD(virNodeInfo, nodes);
    FIELD(virNodeInfo, sockets);
    FIELD(virNodeInfo, cores);
    FIELD(virNodeInfo, threads);

    SIZE(virVcpuInfo);
    FIELD(virVcpuInfo, number);
    FIELD(virVcpuInfo, state);
    FIELD(virVcpuInfo, cpuTime);
    FIELD(virVcpuInfo, cpu);

    SIZE(virDomainKernel);
    FIELD(virDomainKernel, kernel);
    FIELD(virDomainKernel, ramdisk);
    FIELD(virDomainKernel, root);
    FIELD(virDomainKernel, extra);

    SIZE(virError);
    FIELD(virError, code);
    FIELD(virError, domain);
    FIELD(virError, message);
    FIELD(virError, level);
    FIELD(virError, conn);
    FIELD(virError, dom);
    FIELD(virError, str1);
    FIELD(virError, str2);
    FIELD(virError, str3);
    FIELD(virError, int1);
    FIELD(virError, int2);
    FIELD(virError, net);

    /* beyond the seed */
    SIZE(virDomainMemoryStatStruct);
    FIELD(virDomainMemoryStatStruct, tag);
    FIELD(virDomainMemoryStatStruct, val);
    printf("sizeof(virDomainMemoryStatPtr)=%u sizeof(virDomainMemoryStatTags)=%u\n",
           (unsigned int)sizeof(virDomainMemoryStatPtr),
           (unsigned int)sizeof(virDomainMemoryStatTags));
    SIZE(virDomainBlockStatsStruct);
    FIELD(virDomainBlockStatsStruct, rd_req);
    FIELD(virDomainBlockStatsStruct, rd_bytes);
    FIELD(virDomainBlockStatsStruct, wr_req);
    FIELD(virDomainBlockStatsStruct, wr_bytes);
    FIELD(virDomainBlockStatsStruct, errs);
    SIZE(virDomainInterfaceStatsStruct);
    FIELD(virDomainInterfaceStatsStruct, rx_bytes);
    FIELD(virDomainInterfaceStatsStruct, rx_packets);
    FIELD(virDomainInterfaceStatsStruct, rx_errs);
    FIELD(virDomainInterfaceStatsStruct, rx_drop);
    FIELD(virDomainInterfaceStatsStruct, tx_bytes);
    FIELD(virDomainInterfaceStatsStruct, tx_packets);
    FIELD(virDomainInterfaceStatsStruct, tx_errs);
    FIELD(virDomainInterfaceStatsStruct, tx_drop);
    SIZE(virNodeCPUStats);
    FIELD(virNodeCPUStats, field);
    FIELD(virNodeCPUStats, value);
    printf("sizeof(virDomainBlockStatsPtr)=%u sizeof(virDomainInterfaceStatsPtr)=%u "
           "sizeof(virNodeCPUStatsPtr)=%u\n",
           (unsigned int)sizeof(virDomainBlockStatsPtr),
           (unsigned int)sizeof(virDomainInterfaceStatsPtr),
           (unsigned int)sizeof(virNodeCPUStatsPtr));

    printf("sizeof(virDomainState)=%u sizeof(virErrorLevel)=%u\n",
           (unsigned int)sizeof(virDomainState), (unsigned int)sizeof(virErrorLevel));
    return 0;
}
