/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prometheus.c: the snapshot's metric families, written with the metrics writer. */
#include "prometheus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvmacros.h"

/*
 * Speed: a 1000-domain, 4000-vcpu snapshot is ~28000 lines. Each domain's
 * escaped `domain="..",uuid=".."` labels are built once per render (an
 * xvPromLabels set per domain) and reused by all its lines, which
 * xvPromWriteSeries() writes with one reserve each (prom_writer.h).
 */

/* ---- the families, in the order they are written ---- */

static const xvPromFamily promFamNodeInfo =
    XV_PROM_FAMILY("xvirt_node_info", XV_PROM_TYPE_INFO, NULL,
                   "Node CPU model and hypervisor type and version, value 1.");

static const xvPromFamily promFamNodeCpus =
    XV_PROM_FAMILY("xvirt_node_cpus", XV_PROM_TYPE_GAUGE, NULL,
                   "Active physical CPUs of the node.");

static const xvPromFamily promFamNodeCpusMax =
    XV_PROM_FAMILY("xvirt_node_cpus_max", XV_PROM_TYPE_GAUGE, NULL,
                   "Physical CPUs the node supports: numa_nodes * sockets * cores * threads.");

static const xvPromFamily promFamNodeCpuFrequency =
    XV_PROM_FAMILY("xvirt_node_cpu_frequency_hertz", XV_PROM_TYPE_GAUGE, "hertz",
                   "Expected CPU frequency of the node in hertz.");

static const xvPromFamily promFamNodeNumaNodes =
    XV_PROM_FAMILY("xvirt_node_numa_nodes", XV_PROM_TYPE_GAUGE, NULL,
                   "NUMA cells of the node, 1 for uniform memory access.");

static const xvPromFamily promFamNodeSockets =
    XV_PROM_FAMILY("xvirt_node_sockets", XV_PROM_TYPE_GAUGE, NULL,
                   "CPU sockets per NUMA cell.");

static const xvPromFamily promFamNodeCores =
    XV_PROM_FAMILY("xvirt_node_cores", XV_PROM_TYPE_GAUGE, NULL,
                   "CPU cores per socket.");

static const xvPromFamily promFamNodeThreads =
    XV_PROM_FAMILY("xvirt_node_threads", XV_PROM_TYPE_GAUGE, NULL,
                   "CPU threads per core.");

static const xvPromFamily promFamNodeMemory =
    XV_PROM_FAMILY("xvirt_node_memory_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Memory of the node in bytes.");

static const xvPromFamily promFamNodeMemoryFree =
    XV_PROM_FAMILY("xvirt_node_memory_free_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Memory of the node not given to any domain, in bytes.");

static const xvPromFamily promFamDomains =
    XV_PROM_FAMILY("xvirt_domains", XV_PROM_TYPE_GAUGE, NULL,
                   "Domains on the node when the sample was taken.");

static const xvPromFamily promFamDomainInfo =
    XV_PROM_FAMILY("xvirt_domain_info", XV_PROM_TYPE_INFO, NULL,
                   "Domain OS type, value 1.");

static const xvPromFamily promFamDomainId =
    XV_PROM_FAMILY("xvirt_domain_id", XV_PROM_TYPE_GAUGE, NULL,
                   "Hypervisor ID of the domain.");

static const xvPromFamily promFamDomainState =
    XV_PROM_FAMILY("xvirt_domain_state", XV_PROM_TYPE_GAUGE, NULL,
                   "Domain state: 0 nostate, 1 running, 2 blocked, 3 paused, 4 shutdown, 5 "
                   "shutoff, 6 crashed.");

static const xvPromFamily promFamDomainCpuSeconds =
    XV_PROM_FAMILY("xvirt_domain_cpu_seconds_total", XV_PROM_TYPE_COUNTER, "seconds",
                   "CPU time used by the domain in seconds.");

static const xvPromFamily promFamDomainMemory =
    XV_PROM_FAMILY("xvirt_domain_memory_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Memory used by the domain in bytes.");

static const xvPromFamily promFamDomainMemoryMax =
    XV_PROM_FAMILY("xvirt_domain_memory_max_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Maximum memory allowed to the domain in bytes.");

static const xvPromFamily promFamDomainMemoryAvailable =
    XV_PROM_FAMILY("xvirt_domain_memory_available_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Memory the guest reports it has in bytes (domains whose guest reports it).");

static const xvPromFamily promFamDomainMemoryUnused =
    XV_PROM_FAMILY("xvirt_domain_memory_unused_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Memory the guest reports free in bytes (domains whose guest reports it).");

static const xvPromFamily promFamDomainVcpus =
    XV_PROM_FAMILY("xvirt_domain_vcpus", XV_PROM_TYPE_GAUGE, NULL,
                   "Virtual CPUs of the domain.");

static const xvPromFamily promFamVcpuState =
    XV_PROM_FAMILY("xvirt_vcpu_state", XV_PROM_TYPE_GAUGE, NULL,
                   "Virtual CPU state: 0 offline, 1 running, 2 blocked.");

static const xvPromFamily promFamVcpuCpuSeconds =
    XV_PROM_FAMILY("xvirt_vcpu_cpu_seconds_total", XV_PROM_TYPE_COUNTER, "seconds",
                   "CPU time used by the virtual CPU in seconds.");

static const xvPromFamily promFamVcpuCpu =
    XV_PROM_FAMILY("xvirt_vcpu_cpu", XV_PROM_TYPE_GAUGE, NULL,
                   "Physical CPU the virtual CPU runs on, -1 if offline.");

static const xvPromFamily promFamVcpuAffinityCpus =
    XV_PROM_FAMILY("xvirt_vcpu_affinity_cpus", XV_PROM_TYPE_GAUGE, NULL,
                   "Physical CPUs the virtual CPU may run on.");

static const xvPromFamily promFamVcpuAffinityInfo =
    XV_PROM_FAMILY("xvirt_vcpu_affinity_info", XV_PROM_TYPE_INFO, NULL,
                   "Physical CPUs the virtual CPU may run on as a CPU list, value 1.");

static const xvPromFamily promFamHypervisorUp =
    XV_PROM_FAMILY("xvirt_hypervisor_up", XV_PROM_TYPE_GAUGE, NULL,
                   "1 if the last sample reached the hypervisor, 0 otherwise.");

static const xvPromFamily promFamSampleTimestamp =
    XV_PROM_FAMILY("xvirt_sample_timestamp_seconds", XV_PROM_TYPE_GAUGE, "seconds",
                   "End of the last sample in seconds since the epoch.");

static const xvPromFamily promFamSampleDuration =
    XV_PROM_FAMILY("xvirt_sample_duration_seconds", XV_PROM_TYPE_GAUGE, "seconds",
                   "Duration of the last sample in seconds.");

static const xvPromFamily promFamSampleErrors =
    XV_PROM_FAMILY("xvirt_sample_errors_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Failed API calls of the sampler since the agent started, by call.");

static const xvPromFamily promFamCollectorDuration =
    XV_PROM_FAMILY("xvirt_scrape_collector_duration_seconds", XV_PROM_TYPE_GAUGE, "seconds",
                   "Duration of each collector in the last sample in seconds.");

static const xvPromFamily promFamCollectorSuccess =
    XV_PROM_FAMILY("xvirt_scrape_collector_success", XV_PROM_TYPE_GAUGE, NULL,
                   "1 if the collector succeeded in the last sample, 0 otherwise.");

static const xvPromFamily promFamBlockReadBytes =
    XV_PROM_FAMILY("xvirt_domain_block_read_bytes_total", XV_PROM_TYPE_COUNTER, "bytes",
                   "Bytes read from the disk since the domain started.");

static const xvPromFamily promFamBlockWriteBytes =
    XV_PROM_FAMILY("xvirt_domain_block_write_bytes_total", XV_PROM_TYPE_COUNTER, "bytes",
                   "Bytes written to the disk since the domain started.");

static const xvPromFamily promFamBlockReadRequests =
    XV_PROM_FAMILY("xvirt_domain_block_read_requests_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Read requests completed by the disk since the domain started.");

static const xvPromFamily promFamBlockWriteRequests =
    XV_PROM_FAMILY("xvirt_domain_block_write_requests_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Write requests completed by the disk since the domain started.");

static const xvPromFamily promFamBlockErrors =
    XV_PROM_FAMILY("xvirt_domain_block_errors_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Failed requests of the disk since the domain started (Xen: requests "
                   "that waited for a free ring slot).");

static const xvPromFamily promFamNetRxBytes =
    XV_PROM_FAMILY("xvirt_domain_interface_receive_bytes_total", XV_PROM_TYPE_COUNTER, "bytes",
                   "Bytes the guest received on the interface since the domain started.");

static const xvPromFamily promFamNetRxPackets =
    XV_PROM_FAMILY("xvirt_domain_interface_receive_packets_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Packets the guest received on the interface since the domain started.");

static const xvPromFamily promFamNetRxErrors =
    XV_PROM_FAMILY("xvirt_domain_interface_receive_errors_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Receive errors of the interface since the domain started.");

static const xvPromFamily promFamNetRxDrops =
    XV_PROM_FAMILY("xvirt_domain_interface_receive_drops_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Packets to the guest dropped on the interface since the domain started.");

static const xvPromFamily promFamNetTxBytes =
    XV_PROM_FAMILY("xvirt_domain_interface_transmit_bytes_total", XV_PROM_TYPE_COUNTER,
                   "bytes",
                   "Bytes the guest sent on the interface since the domain started.");

static const xvPromFamily promFamNetTxPackets =
    XV_PROM_FAMILY("xvirt_domain_interface_transmit_packets_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Packets the guest sent on the interface since the domain started.");

static const xvPromFamily promFamNetTxErrors =
    XV_PROM_FAMILY("xvirt_domain_interface_transmit_errors_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Transmit errors of the interface since the domain started.");

static const xvPromFamily promFamNetTxDrops =
    XV_PROM_FAMILY("xvirt_domain_interface_transmit_drops_total", XV_PROM_TYPE_COUNTER, NULL,
                   "Packets from the guest dropped on the interface since the domain "
                   "started.");

static const xvPromFamily promFamNodeCpuSeconds =
    XV_PROM_FAMILY("xvirt_node_cpu_seconds_total", XV_PROM_TYPE_COUNTER, "seconds",
                   "Time each physical CPU spent in each mode since the node booted, in "
                   "seconds.");

static const xvPromFamily promFamProcessCpu =
    XV_PROM_FAMILY("process_cpu_seconds_total", XV_PROM_TYPE_COUNTER, "seconds",
                   "CPU time of the agent in user and system mode, in seconds.");

static const xvPromFamily promFamProcessResident =
    XV_PROM_FAMILY("process_resident_memory_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Memory of the agent resident in RAM, in bytes.");

static const xvPromFamily promFamProcessVirtual =
    XV_PROM_FAMILY("process_virtual_memory_bytes", XV_PROM_TYPE_GAUGE, "bytes",
                   "Address space of the agent, in bytes.");

static const xvPromFamily promFamProcessOpenFds =
    XV_PROM_FAMILY("process_open_fds", XV_PROM_TYPE_GAUGE, NULL,
                   "File descriptors the agent has open.");

static const xvPromFamily promFamProcessMaxFds =
    XV_PROM_FAMILY("process_max_fds", XV_PROM_TYPE_GAUGE, NULL,
                   "File descriptors the agent may open (soft RLIMIT_NOFILE).");

static const xvPromFamily promFamProcessStartTime =
    XV_PROM_FAMILY("process_start_time_seconds", XV_PROM_TYPE_GAUGE, "seconds",
                   "When the agent started, in seconds since the epoch.");

/* ---- node ---- */

static void
promRenderNode(const xvSnapshot *snap, xvPromWriter *w)
{
    const virNodeInfo *node = &snap->node;
    unsigned long v = snap->hvVersion;
    char version[64] = "";

    if (!snap->connected)
        return;
    /* virConnectGetVersion: major * 1000000 + minor * 1000 + release */
    if (v != 0)
        snprintf(version, sizeof(version), "%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000,
                 v % 1000);
    xvPromSampleBegin(w, &promFamNodeInfo);
    xvPromSampleLabelN(w, "model", node->model,
                       snap->nodeOk ? strnlen(node->model, sizeof(node->model)) : 0);
    xvPromSampleLabel(w, "hypervisor", snap->hvType);
    xvPromSampleLabel(w, "hypervisor_version", version);
    xvPromSampleEnd(w, XV_PROM_VALUE_U64, 1);

    if (!snap->nodeOk)
        return;
    xvPromWriteSample(w, &promFamNodeCpus, XV_PROM_VALUE_U64, node->cpus);
    xvPromWriteSample(w, &promFamNodeCpusMax, XV_PROM_VALUE_U64,
                      (uint64_t)node->nodes * node->sockets * node->cores * node->threads);
    xvPromWriteSample(w, &promFamNodeCpuFrequency, XV_PROM_VALUE_U64,
                      (uint64_t)node->mhz * 1000000);
    xvPromWriteSample(w, &promFamNodeNumaNodes, XV_PROM_VALUE_U64, node->nodes);
    xvPromWriteSample(w, &promFamNodeSockets, XV_PROM_VALUE_U64, node->sockets);
    xvPromWriteSample(w, &promFamNodeCores, XV_PROM_VALUE_U64, node->cores);
    xvPromWriteSample(w, &promFamNodeThreads, XV_PROM_VALUE_U64, node->threads);
    xvPromWriteSample(w, &promFamNodeMemory, XV_PROM_VALUE_U64, (uint64_t)node->memory * 1024);
    if (snap->nodeFreeOk)
        xvPromWriteSample(w, &promFamNodeMemoryFree, XV_PROM_VALUE_U64, snap->nodeFreeBytes);
}

/* ---- domains ---- */

/* What a per-domain or per-vcpu family reads. */
typedef enum {
    PROM_FIELD_DOMAIN_ID = 0,
    PROM_FIELD_DOMAIN_STATE,
    PROM_FIELD_DOMAIN_CPU_TIME,
    PROM_FIELD_DOMAIN_MEMORY,
    PROM_FIELD_DOMAIN_MEMORY_MAX,
    PROM_FIELD_DOMAIN_GUEST_TOTAL,
    PROM_FIELD_DOMAIN_GUEST_FREE,
    PROM_FIELD_DOMAIN_VCPUS,
    PROM_FIELD_VCPU_STATE,
    PROM_FIELD_VCPU_CPU_TIME,
    PROM_FIELD_VCPU_CPU,
    PROM_FIELD_VCPU_AFFINITY_COUNT,
} promField;

/* A per-domain or per-vcpu family, what it reads and how it is written. */
typedef struct _promSeriesFamily promSeriesFamily;
struct _promSeriesFamily {
    const xvPromFamily *family;
    promField field;
    xvPromValueKind kind;
};

static uint64_t
promDomainValue(const xvSnapDomain *dom, promField field)
{
    switch (field) {
    case PROM_FIELD_DOMAIN_ID:
        return (uint64_t)(int64_t)dom->id;
    case PROM_FIELD_DOMAIN_STATE:
        return dom->state;
    case PROM_FIELD_DOMAIN_CPU_TIME:
        return dom->cpuTimeNs;
    case PROM_FIELD_DOMAIN_MEMORY:
        return dom->memKiB * 1024;
    case PROM_FIELD_DOMAIN_MEMORY_MAX:
        return dom->maxMemKiB * 1024;
    case PROM_FIELD_DOMAIN_GUEST_TOTAL:
        return dom->guestTotalKiB * 1024;
    case PROM_FIELD_DOMAIN_GUEST_FREE:
        return dom->guestFreeKiB * 1024;
    case PROM_FIELD_DOMAIN_VCPUS:
        return dom->nrVirtCpu;
    default:
        return 0;
    }
}

/* Each domain's escaped `domain="..",uuid=".."`, set i for domain i. */
static void
promDomainLabels(const xvSnapshot *snap, xvPromLabels *labels)
{
    size_t i;

    xvPromLabelsInit(labels, snap->ndomains + 1, snap->ndomains * 64);
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        xvPromLabelsAdd(labels, "domain", dom->name, dom->name ? strlen(dom->name) : 0);
        xvPromLabelsAdd(labels, "uuid", dom->uuidstr,
                        strnlen(dom->uuidstr, sizeof(dom->uuidstr)));
        xvPromLabelsClose(labels);
    }
}

/* One per-domain family; with @guestOnly, only the domains whose guest
 * reports its memory. */
static void
promRenderDomainFamily(const xvSnapshot *snap, xvPromWriter *w, const xvPromLabels *dl,
                       const promSeriesFamily *sf, bool guestOnly)
{
    size_t i;

    for (i = 0; i < snap->ndomains; i++) {
        if (guestOnly && !snap->domains[i].guestMemOk)
            continue;
        xvPromWriteSeries(w, sf->family, dl, i, sf->kind,
                          promDomainValue(&snap->domains[i], sf->field));
    }
}

static void
promRenderDomains(const xvSnapshot *snap, xvPromWriter *w, const xvPromLabels *dl)
{
    static const promSeriesFamily families[] = {
        { &promFamDomainId, PROM_FIELD_DOMAIN_ID, XV_PROM_VALUE_I64 },
        { &promFamDomainState, PROM_FIELD_DOMAIN_STATE, XV_PROM_VALUE_U64 },
        { &promFamDomainCpuSeconds, PROM_FIELD_DOMAIN_CPU_TIME, XV_PROM_VALUE_NS },
        { &promFamDomainMemory, PROM_FIELD_DOMAIN_MEMORY, XV_PROM_VALUE_U64 },
        { &promFamDomainMemoryMax, PROM_FIELD_DOMAIN_MEMORY_MAX, XV_PROM_VALUE_U64 },
        { &promFamDomainVcpus, PROM_FIELD_DOMAIN_VCPUS, XV_PROM_VALUE_U64 },
    };
    static const promSeriesFamily guestFamilies[] = {
        { &promFamDomainMemoryAvailable, PROM_FIELD_DOMAIN_GUEST_TOTAL, XV_PROM_VALUE_U64 },
        { &promFamDomainMemoryUnused, PROM_FIELD_DOMAIN_GUEST_FREE, XV_PROM_VALUE_U64 },
    };
    size_t f, i;

    if (!snap->connected)
        return;
    xvPromWriteSample(w, &promFamDomains, XV_PROM_VALUE_U64, snap->ndomains);
    for (i = 0; i < snap->ndomains; i++) {
        xvPromSampleBegin(w, &promFamDomainInfo);
        xvPromSampleLabelSet(w, dl, i);
        xvPromSampleLabel(w, "os_type", snap->domains[i].osType);
        xvPromSampleEnd(w, XV_PROM_VALUE_U64, 1);
    }
    for (f = 0; f < XV_N_ELEMENTS(families); f++)
        promRenderDomainFamily(snap, w, dl, &families[f], false);
    for (f = 0; f < XV_N_ELEMENTS(guestFamilies); f++)
        promRenderDomainFamily(snap, w, dl, &guestFamilies[f], true);
}

/* ---- vcpus ---- */

static uint64_t
promVcpuValue(const xvSnapVcpu *v, promField field)
{
    switch (field) {
    case PROM_FIELD_VCPU_STATE:
        return (uint64_t)(int64_t)v->state;
    case PROM_FIELD_VCPU_CPU_TIME:
        return v->cpuTimeNs;
    case PROM_FIELD_VCPU_CPU:
        return (uint64_t)(int64_t)v->cpu;
    case PROM_FIELD_VCPU_AFFINITY_COUNT:
        return v->affinityCount;
    default:
        return 0;
    }
}

/* xvirt_vcpu_affinity_info: each vcpu's affinity as a CPU list label. */
static void
promRenderAffinity(const xvSnapshot *snap, xvPromWriter *w, const xvPromLabels *dl)
{
    size_t maplen = snap->maplen > 0 && snap->cpumaps ? (size_t)snap->maplen : 0;
    size_t i, j;

    if (maplen == 0)
        return;
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        if (!dom->vcpusOk)
            continue;
        for (j = 0; j < dom->nvcpus; j++) {
            size_t idx = dom->firstVcpu + j;

            xvPromSampleBegin(w, &promFamVcpuAffinityInfo);
            xvPromSampleLabelSet(w, dl, i);
            xvPromSampleLabelU64(w, "vcpu", snap->vcpus[idx].number);
            xvPromSampleLabelCpus(w, "cpus", snap->cpumaps + idx * maplen, maplen);
            xvPromSampleEnd(w, XV_PROM_VALUE_U64, 1);
        }
    }
}

static void
promRenderVcpus(const xvSnapshot *snap, xvPromWriter *w, const xvPromLabels *dl)
{
    static const promSeriesFamily families[] = {
        { &promFamVcpuState, PROM_FIELD_VCPU_STATE, XV_PROM_VALUE_I64 },
        { &promFamVcpuCpuSeconds, PROM_FIELD_VCPU_CPU_TIME, XV_PROM_VALUE_NS },
        { &promFamVcpuCpu, PROM_FIELD_VCPU_CPU, XV_PROM_VALUE_I64 },
        { &promFamVcpuAffinityCpus, PROM_FIELD_VCPU_AFFINITY_COUNT, XV_PROM_VALUE_U64 },
    };
    size_t f, i, j;

    for (f = 0; f < XV_N_ELEMENTS(families); f++) {
        const promSeriesFamily *sf = &families[f];

        for (i = 0; i < snap->ndomains; i++) {
            const xvSnapDomain *dom = &snap->domains[i];

            if (!dom->vcpusOk)
                continue;
            for (j = 0; j < dom->nvcpus; j++) {
                const xvSnapVcpu *v = &snap->vcpus[dom->firstVcpu + j];

                xvPromWriteSeriesNum(w, sf->family, dl, i, "vcpu", v->number, sf->kind,
                                     promVcpuValue(v, sf->field));
            }
        }
    }
    promRenderAffinity(snap, w, dl);
}

/* ---- devices: disks and interfaces ---- */

/* Each device's escaped `domain,uuid,device,source[,mac]` labels, one set
 * per device in the snapshot's domain order (the order they are written). */
static void
promDeviceLabels(const xvSnapshot *snap, bool nics, xvPromLabels *labels)
{
    size_t ndev = nics ? snap->nnics : snap->ndisks;
    size_t i, j;

    xvPromLabelsInit(labels, ndev + 1, ndev * 128);
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];
        size_t first = nics ? dom->firstNic : dom->firstDisk;
        size_t n = nics ? dom->nnics : dom->ndisks;

        for (j = first; j < first + n; j++) {
            const char *device = nics ? snap->nics[j].device : snap->disks[j].device;
            const char *source = nics ? snap->nics[j].source : snap->disks[j].source;

            xvPromLabelsAdd(labels, "domain", dom->name, dom->name ? strlen(dom->name) : 0);
            xvPromLabelsAdd(labels, "uuid", dom->uuidstr,
                            strnlen(dom->uuidstr, sizeof(dom->uuidstr)));
            xvPromLabelsAdd(labels, "device", device, device ? strlen(device) : 0);
            xvPromLabelsAdd(labels, "source", source, source ? strlen(source) : 0);
            if (nics) {
                const char *mac = snap->nics[j].mac;

                xvPromLabelsAdd(labels, "mac", mac, mac ? strlen(mac) : 0);
            }
            xvPromLabelsClose(labels);
        }
    }
}

/* One device family: value @field of every disk (@nics: interface) that
 * has it, in the order of promDeviceLabels. */
static void
promRenderDeviceFamily(const xvSnapshot *snap, xvPromWriter *w, const xvPromLabels *labels,
                       bool nics, const xvPromFamily *family, size_t field)
{
    size_t i, j, set = 0;

    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];
        size_t first = nics ? dom->firstNic : dom->firstDisk;
        size_t n = nics ? dom->nnics : dom->ndisks;

        for (j = first; j < first + n; j++, set++) {
            int64_t v = nics ? snap->nics[j].stats[field] : snap->disks[j].stats[field];

            if (v >= 0)
                xvPromWriteSeries(w, family, labels, set, XV_PROM_VALUE_U64, (uint64_t)v);
        }
    }
}

static void
promRenderDevices(const xvSnapshot *snap, xvPromWriter *w)
{
    static const xvPromFamily *const diskFamilies[XV_SNAP_DISK_LAST] = {
        [XV_SNAP_DISK_RD_BYTES] = &promFamBlockReadBytes,
        [XV_SNAP_DISK_WR_BYTES] = &promFamBlockWriteBytes,
        [XV_SNAP_DISK_RD_REQ] = &promFamBlockReadRequests,
        [XV_SNAP_DISK_WR_REQ] = &promFamBlockWriteRequests,
        [XV_SNAP_DISK_ERRS] = &promFamBlockErrors,
    };
    static const xvPromFamily *const nicFamilies[XV_SNAP_NIC_LAST] = {
        [XV_SNAP_NIC_RX_BYTES] = &promFamNetRxBytes,
        [XV_SNAP_NIC_RX_PACKETS] = &promFamNetRxPackets,
        [XV_SNAP_NIC_RX_ERRS] = &promFamNetRxErrors,
        [XV_SNAP_NIC_RX_DROP] = &promFamNetRxDrops,
        [XV_SNAP_NIC_TX_BYTES] = &promFamNetTxBytes,
        [XV_SNAP_NIC_TX_PACKETS] = &promFamNetTxPackets,
        [XV_SNAP_NIC_TX_ERRS] = &promFamNetTxErrors,
        [XV_SNAP_NIC_TX_DROP] = &promFamNetTxDrops,
    };
    xvPromLabels labels;
    size_t f;

    if (snap->ndisks > 0) {
        promDeviceLabels(snap, false, &labels);
        for (f = 0; f < XV_SNAP_DISK_LAST; f++)
            promRenderDeviceFamily(snap, w, &labels, false, diskFamilies[f], f);
        xvPromLabelsFree(&labels);
    }
    if (snap->nnics > 0) {
        promDeviceLabels(snap, true, &labels);
        for (f = 0; f < XV_SNAP_NIC_LAST; f++)
            promRenderDeviceFamily(snap, w, &labels, true, nicFamilies[f], f);
        xvPromLabelsFree(&labels);
    }
}

/* ---- physical CPUs and the agent's process ---- */

/* xvirt_node_cpu_seconds_total{cpu,mode}, as node_exporter's node_cpu_seconds_total. */
static void
promRenderPcpus(const xvSnapshot *snap, xvPromWriter *w)
{
    size_t i;
    int mode;

    for (i = 0; i < snap->npcpus; i++) {
        const xvSnapPcpu *p = &snap->pcpus[i];

        for (mode = 0; mode < XV_SNAP_CPU_MODE_LAST; mode++) {
            if (p->ns[mode] < 0)
                continue;
            xvPromSampleBegin(w, &promFamNodeCpuSeconds);
            xvPromSampleLabelU64(w, "cpu", p->cpu);
            xvPromSampleLabel(w, "mode", xvSnapCpuModeName(mode));
            xvPromSampleEnd(w, XV_PROM_VALUE_NS, (uint64_t)p->ns[mode]);
        }
    }
}

static void
promRenderProcess(const xvSnapshot *snap, xvPromWriter *w)
{
    const xvSnapProcess *p = &snap->process;

    if (!p->ok)
        return;
    xvPromWriteSample(w, &promFamProcessCpu, XV_PROM_VALUE_NS, p->cpuNs);
    xvPromWriteSample(w, &promFamProcessResident, XV_PROM_VALUE_U64, p->residentBytes);
    xvPromWriteSample(w, &promFamProcessVirtual, XV_PROM_VALUE_U64, p->virtualBytes);
    xvPromWriteSample(w, &promFamProcessOpenFds, XV_PROM_VALUE_U64, p->openFds);
    xvPromWriteSample(w, &promFamProcessMaxFds, XV_PROM_VALUE_U64, p->maxFds);
    xvPromWriteSample(w, &promFamProcessStartTime, XV_PROM_VALUE_NS, p->startTimeNs);
}

/* ---- the sampler ---- */

static void
promRenderSampler(const xvSnapshot *snap, xvPromWriter *w)
{
    size_t i;

    xvPromWriteSample(w, &promFamHypervisorUp, XV_PROM_VALUE_U64, snap->connected);
    xvPromWriteSample(w, &promFamSampleTimestamp, XV_PROM_VALUE_NS, snap->timestampNs);
    xvPromWriteSample(w, &promFamSampleDuration, XV_PROM_VALUE_NS, snap->durationNs);
    for (i = 0; i < XV_CALL_LAST; i++) {
        xvPromWriteSample1(w, &promFamSampleErrors, "call", xvSampleCallName(i),
                           XV_PROM_VALUE_U64, snap->errorsTotal[i]);
    }
    for (i = 0; i < snap->ncollectors; i++) {
        xvPromWriteSample1(w, &promFamCollectorDuration, "collector", snap->collectors[i].name,
                           XV_PROM_VALUE_NS, snap->collectors[i].durationNs);
    }
    for (i = 0; i < snap->ncollectors; i++) {
        xvPromWriteSample1(w, &promFamCollectorSuccess, "collector", snap->collectors[i].name,
                           XV_PROM_VALUE_U64, snap->collectors[i].success);
    }
}

void
xvPromWriteSnapshot(xvPromWriter *w, const xvSnapshot *snap)
{
    xvPromLabels dl;

    promDomainLabels(snap, &dl);
    promRenderNode(snap, w);
    promRenderDomains(snap, w, &dl);
    promRenderVcpus(snap, w, &dl);
    promRenderDevices(snap, w);
    promRenderPcpus(snap, w);
    promRenderSampler(snap, w);
    promRenderProcess(snap, w);
    xvPromLabelsFree(&dl);
}

void
xvPromRenderBody(const xvSnapshot *snap, xvPromFormat fmt, xvBuf *buf)
{
    xvPromWriter w;

    /* about 110 bytes a line: 8 lines a domain, 5 a vcpu, plus the headers;
     * about 180 a device line: 5 a disk, 8 an interface; 5 a physical CPU */
    xvBufReserve(buf, 16384 + snap->ndomains * 1024 + snap->nvcpus * 640 +
                          snap->ndisks * 900 + snap->nnics * 1500 + snap->npcpus * 400);
    xvPromWriterInit(&w, buf, fmt);
    xvPromWriteSnapshot(&w, snap);
}

char *
xvPromRender(const xvSnapshot *snap, xvPromFormat fmt, size_t *retlen)
{
    xvBuf buf;

    xvBufInit(&buf);
    xvPromRenderBody(snap, fmt, &buf);
    return xvBufSteal(&buf, retlen);
}
