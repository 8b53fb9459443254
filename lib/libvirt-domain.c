/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt-domain.c: public entry points for domains: the seed's argument
 * rules are settled here, once, and the call is dispatched to the driver. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "util/xvuuid.h"

#define XV_FROM_THIS VIR_FROM_DOM

/* ---- creation, definition, lookup ------------------------------------ */

XV_EXPORT virDomainPtr
virDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    virDomainPtr dom;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, xmlDesc=%s, flags=0x%x", XV_TRACE_CONN(conn),
                  XV_TRACE_XML(xmlDesc), flags);
    xvCheckConnectGoto(conn, error);
    xvCheckReadOnlyGoto(conn, error);
    xvCheckNonNullArgGoto(xmlDesc, error);
    xvCheckFlagsGoto(flags, VIR_DOMAIN_NONE, error);
    xvCheckDriverSlotGoto(conn, domainCreateLinux, error);
    if (!(dom = conn->driver->domainCreateLinux(conn, xmlDesc, flags)))
        goto error;
    return dom;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainDefineXML(virConnectPtr conn, const char *xml)
{
    virDomainPtr dom;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, xml=%s", XV_TRACE_CONN(conn), XV_TRACE_XML(xml));
    xvCheckConnectGoto(conn, error);
    xvCheckReadOnlyGoto(conn, error);
    xvCheckNonNullArgGoto(xml, error);
    xvCheckDriverSlotGoto(conn, domainDefineXML, error);
    if (!(dom = conn->driver->domainDefineXML(conn, xml)))
        goto error;
    return dom;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT int
virDomainUndefine(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckDriverSlotGoto(domain->conn, domainUndefine, error);
    if (domain->conn->driver->domainUndefine(domain) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainCreate(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckDriverSlotGoto(domain->conn, domainCreate, error);
    if (domain->conn->driver->domainCreate(domain) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT virDomainPtr
virDomainLookupByID(virConnectPtr conn, int id)
{
    virDomainPtr dom;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, id=%d", XV_TRACE_CONN(conn), id);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNegativeArgGoto(id, error);
    xvCheckDriverSlotGoto(conn, domainLookupByID, error);
    if (!(dom = conn->driver->domainLookupByID(conn, id)))
        goto error;
    return dom;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainLookupByName(virConnectPtr conn, const char *name)
{
    virDomainPtr dom;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, name=%s", XV_TRACE_CONN(conn), XV_TRACE_STR(name));
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(name, error);
    xvCheckDriverSlotGoto(conn, domainLookupByName, error);
    if (!(dom = conn->driver->domainLookupByName(conn, name)))
        goto error;
    return dom;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virDomainPtr dom;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, uuid=%s", XV_TRACE_CONN(conn), XV_TRACE_UUID(uuid));
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(uuid, error);
    xvCheckDriverSlotGoto(conn, domainLookupByUUID, error);
    if (!(dom = conn->driver->domainLookupByUUID(conn, uuid)))
        goto error;
    return dom;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[XV_UUID_BUFLEN];
    virDomainPtr dom;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, uuidstr=%s", XV_TRACE_CONN(conn), XV_TRACE_STR(uuidstr));
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(uuidstr, error);
    if (xvUUIDParse(uuidstr, uuid) < 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "invalid UUID string '%s' in %s",
                      uuidstr, __func__);
        goto error;
    }
    xvCheckDriverSlotGoto(conn, domainLookupByUUID, error);
    if (!(dom = conn->driver->domainLookupByUUID(conn, uuid)))
        goto error;
    return dom;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT int
virDomainFree(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvDomainUnref(domain);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainRef(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    __atomic_add_fetch(&domain->refs, 1, __ATOMIC_ACQ_REL);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

/* ---- life cycle ------------------------------------------------------ */

XV_EXPORT int
virDomainDestroy(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckDriverSlotGoto(domain->conn, domainDestroy, error);
    if (domain->conn->driver->domainDestroy(domain) < 0)
        goto error;
    /* The seed frees the handle of a destroyed domain. */
    xvDomainUnref(domain);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainSuspend(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckDriverSlotGoto(domain->conn, domainSuspend, error);
    if (domain->conn->driver->domainSuspend(domain) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainResume(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckDriverSlotGoto(domain->conn, domainResume, error);
    if (domain->conn->driver->domainResume(domain) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainShutdown(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckDriverSlotGoto(domain->conn, domainShutdown, error);
    if (domain->conn->driver->domainShutdown(domain) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainReboot(virDomainPtr domain, unsigned int flags)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, flags=0x%x", XV_TRACE_DOMAIN(domain), flags);
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckFlagsGoto(flags, 0, error);
    xvCheckDriverSlotGoto(domain->conn, domainReboot, error);
    if (domain->conn->driver->domainReboot(domain, flags) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainSave(virDomainPtr domain, const char *to)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, to=%s", XV_TRACE_DOMAIN(domain), XV_TRACE_STR(to));
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckNonNullArgGoto(to, error);
    xvCheckDriverSlotGoto(domain->conn, domainSave, error);
    if (domain->conn->driver->domainSave(domain, to) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainRestore(virConnectPtr conn, const char *from)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s, from=%s", XV_TRACE_CONN(conn), XV_TRACE_STR(from));
    xvCheckConnectGoto(conn, error);
    xvCheckReadOnlyGoto(conn, error);
    xvCheckNonNullArgGoto(from, error);
    xvCheckDriverSlotGoto(conn, domainRestore, error);
    if (conn->driver->domainRestore(conn, from) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

/* ---- identity -------------------------------------------------------- */

XV_EXPORT const char *
virDomainGetName(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    return domain->name;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return NULL;
}

XV_EXPORT unsigned int
virDomainGetID(virDomainPtr domain)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    return (unsigned int)xvDomainGetIDCached(domain);

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return (unsigned int)-1;
}

XV_EXPORT int
virDomainGetUUID(virDomainPtr domain, unsigned char *uuid)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, uuid=%p", XV_TRACE_DOMAIN(domain), (void *)uuid);
    xvCheckDomainGoto(domain, error);
    xvCheckNonNullArgGoto(uuid, error);
    memcpy(uuid, domain->uuid, XV_UUID_BUFLEN);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainGetUUIDString(virDomainPtr domain, char *buf)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, buf=%p", XV_TRACE_DOMAIN(domain), (void *)buf);
    xvCheckDomainGoto(domain, error);
    xvCheckNonNullArgGoto(buf, error);
    xvUUIDFormat(domain->uuid, buf);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT char *
virDomainGetOSType(virDomainPtr domain)
{
    char *ret;

    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckDriverSlotGoto(domain->conn, domainGetOSType, error);
    if (!(ret = domain->conn->driver->domainGetOSType(domain)))
        goto error;
    return ret;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return NULL;
}

XV_EXPORT char *
virDomainGetXMLDesc(virDomainPtr domain, int flags)
{
    char *ret;

    virResetLastError();
    XV_TRACE_CALL("domain=%s, flags=0x%x", XV_TRACE_DOMAIN(domain), (unsigned int)flags);
    xvCheckDomainGoto(domain, error);
    xvCheckFlagsGoto(flags, 0, error);
    xvCheckDriverSlotGoto(domain->conn, domainGetXMLDesc, error);
    if (!(ret = domain->conn->driver->domainGetXMLDesc(domain, flags)))
        goto error;
    return ret;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return NULL;
}

/* ---- resources ------------------------------------------------------- */

XV_EXPORT int
virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, info=%p", XV_TRACE_DOMAIN(domain), (void *)info);
    xvCheckDomainGoto(domain, error);
    xvCheckNonNullArgGoto(info, error);
    memset(info, 0, sizeof(*info));
    xvCheckDriverSlotGoto(domain->conn, domainGetInfo, error);
    if (domain->conn->driver->domainGetInfo(domain, info) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT unsigned long
virDomainGetMaxMemory(virDomainPtr domain)
{
    unsigned long ret;

    virResetLastError();
    XV_TRACE_CALL("domain=%s", XV_TRACE_DOMAIN(domain));
    xvCheckDomainGoto(domain, error);
    xvCheckDriverSlotGoto(domain->conn, domainGetMaxMemory, error);
    if ((ret = domain->conn->driver->domainGetMaxMemory(domain)) == 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return 0;
}

XV_EXPORT int
virDomainSetMaxMemory(virDomainPtr domain, unsigned long memory)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, memory=%lu", XV_TRACE_DOMAIN(domain), memory);
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckPositiveArgGoto(memory, error);
    xvCheckDriverSlotGoto(domain->conn, domainSetMaxMemory, error);
    if (domain->conn->driver->domainSetMaxMemory(domain, memory) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainSetMemory(virDomainPtr domain, unsigned long memory)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, memory=%lu", XV_TRACE_DOMAIN(domain), memory);
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckPositiveArgGoto(memory, error);
    xvCheckDriverSlotGoto(domain->conn, domainSetMemory, error);
    if (domain->conn->driver->domainSetMemory(domain, memory) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

/* ---- virtual CPUs ---------------------------------------------------- */

XV_EXPORT int
virDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus)
{
    virResetLastError();
    XV_TRACE_CALL("domain=%s, nvcpus=%u", XV_TRACE_DOMAIN(domain), nvcpus);
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckPositiveArgGoto(nvcpus, error);
    xvCheckDriverSlotGoto(domain->conn, domainSetVcpus, error);
    if (domain->conn->driver->domainSetVcpus(domain, nvcpus) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

/*
 * The seed's cpumap rules, settled once: @maplen may be shorter than the
 * map of the node @conn runs on (missing bytes are zero) but not longer;
 * bits past the node's CPUs are ignored; the result must name at least one
 * CPU. Returns a new map of exactly the node's length, or NULL (error
 * reported). The caller checked that the driver has nodeGetInfo.
 */
static unsigned char *
xvCpumapNormalize(virConnectPtr conn, const unsigned char *cpumap, int maplen,
                  int *retlen)
{
    virNodeInfo node;
    unsigned int maxcpus;
    int hostlen;
    unsigned char *map;
    bool any = false;
    int i;

    memset(&node, 0, sizeof(node));
    if (conn->driver->nodeGetInfo(conn, &node) < 0)
        return NULL;
    if ((maxcpus = VIR_NODEINFO_MAXCPUS(node)) == 0)
        return NULL;
    hostlen = VIR_CPU_MAPLEN((int)maxcpus);
    if (maplen > hostlen) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "cpumap of %d bytes is longer than the %d bytes that the "
                      "node's %u CPUs need", maplen, hostlen, maxcpus);
        return NULL;
    }
    map = xvAllocN((size_t)hostlen, 1);
    memcpy(map, cpumap, (size_t)maplen);
    if (maxcpus % 8)
        map[hostlen - 1] &= (unsigned char)((1u << (maxcpus % 8)) - 1);
    for (i = 0; i < hostlen; i++)
        any |= map[i] != 0;
    if (!any) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "cpumap names none of the node's %u CPUs", maxcpus);
        free(map);
        return NULL;
    }
    *retlen = hostlen;
    return map;
}

XV_EXPORT int
virDomainPinVcpu(virDomainPtr domain, unsigned int vcpu, unsigned char *cpumap,
                 int maplen)
{
    XV_AUTOFREE(unsigned char *) map = NULL;
    int hostlen = 0;

    virResetLastError();
    XV_TRACE_CALL("domain=%s, vcpu=%u, cpumap=%p, maplen=%d", XV_TRACE_DOMAIN(domain),
                  vcpu, (void *)cpumap, maplen);
    xvCheckDomainGoto(domain, error);
    xvCheckReadOnlyGoto(domain->conn, error);
    xvCheckNonNullArgGoto(cpumap, error);
    xvCheckPositiveArgGoto(maplen, error);
    xvCheckDriverSlotGoto(domain->conn, domainPinVcpu, error);
    xvCheckDriverSlotGoto(domain->conn, nodeGetInfo, error);
    if (!(map = xvCpumapNormalize(domain->conn, cpumap, maplen, &hostlen)))
        goto error;
    if (domain->conn->driver->domainPinVcpu(domain, vcpu, map, hostlen) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                  unsigned char *cpumaps, int maplen)
{
    int ret;

    virResetLastError();
    XV_TRACE_CALL("domain=%s, info=%p, maxinfo=%d, cpumaps=%p, maplen=%d",
                  XV_TRACE_DOMAIN(domain), (void *)info, maxinfo, (void *)cpumaps,
                  maplen);
    xvCheckDomainGoto(domain, error);
    xvCheckNonNullArgGoto(info, error);
    xvCheckPositiveArgGoto(maxinfo, error);
    if (cpumaps) {
        xvCheckPositiveArgGoto(maplen, error);
        if ((size_t)maxinfo > SIZE_MAX / (size_t)maplen) {
            xvReportError(VIR_ERR_INVALID_ARG, "maxinfo %d x maplen %d overflows in %s",
                          maxinfo, maplen, __func__);
            goto error;
        }
        memset(cpumaps, 0, (size_t)maxinfo * (size_t)maplen);
    }
    memset(info, 0, sizeof(*info) * (size_t)maxinfo);
    xvCheckDriverSlotGoto(domain->conn, domainGetVcpus, error);
    if ((ret = domain->conn->driver->domainGetVcpus(domain, info, maxinfo, cpumaps,
                                                    cpumaps ? maplen : 0)) < 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

/* ---- beyond the seed ------------------------------------------------- */

/* libvirt 0.7.5: see libvirt.h. As libvirt's, a NULL @stats or a
 * @nr_stats of 0 asks for nothing and gets 0, before the flags are looked
 * at; more than VIR_DOMAIN_MEMORY_STAT_NR entries are never filled. */
XV_EXPORT int
virDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                     unsigned int nr_stats, unsigned int flags)
{
    int ret;

    virResetLastError();
    XV_TRACE_CALL("dom=%s, stats=%p, nr_stats=%u, flags=0x%x", XV_TRACE_DOMAIN(dom),
                  (void *)stats, nr_stats, flags);
    xvCheckDomainGoto(dom, error);
    if (!stats || nr_stats == 0)
        return 0;
    if (nr_stats > VIR_DOMAIN_MEMORY_STAT_NR)
        nr_stats = VIR_DOMAIN_MEMORY_STAT_NR;
    memset(stats, 0, sizeof(*stats) * nr_stats);
    xvCheckFlagsGoto(flags, 0, error);
    xvCheckDriverSlotGoto(dom->conn, domainMemoryStats, error);
    if ((ret = dom->conn->driver->domainMemoryStats(dom, stats, nr_stats, flags)) < 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvDomainConnOrNull(dom));
    return -1;
}

/* libvirt 0.3.2: see libvirt.h. As libvirt's, the driver fills a full
 * structure preset to -1 and the caller gets its first @size bytes, so a
 * program built against a shorter, older structure still works. */
XV_EXPORT int
virDomainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats,
                    size_t size)
{
    virDomainBlockStatsStruct full = { -1, -1, -1, -1, -1 };

    virResetLastError();
    XV_TRACE_CALL("dom=%s, disk=%s, stats=%p, size=%zu", XV_TRACE_DOMAIN(dom),
                  XV_TRACE_STR(disk), (void *)stats, size);
    xvCheckDomainGoto(dom, error);
    xvCheckNonNullArgGoto(disk, error);
    xvCheckNonNullArgGoto(stats, error);
    if (size > sizeof(full)) {
        xvReportError(VIR_ERR_INVALID_ARG, "size in %s must not exceed %zu",
                      __func__, sizeof(full));
        goto error;
    }
    xvCheckDriverSlotGoto(dom->conn, domainBlockStats, error);
    if (dom->conn->driver->domainBlockStats(dom, disk, &full) < 0)
        goto error;
    memcpy(stats, &full, size);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(dom));
    return -1;
}

/* libvirt 0.3.2: see libvirt.h and virDomainBlockStats() above. */
XV_EXPORT int
virDomainInterfaceStats(virDomainPtr dom, const char *device,
                        virDomainInterfaceStatsPtr stats, size_t size)
{
    virDomainInterfaceStatsStruct full = { -1, -1, -1, -1, -1, -1, -1, -1 };

    virResetLastError();
    XV_TRACE_CALL("dom=%s, device=%s, stats=%p, size=%zu", XV_TRACE_DOMAIN(dom),
                  XV_TRACE_STR(device), (void *)stats, size);
    xvCheckDomainGoto(dom, error);
    xvCheckNonNullArgGoto(device, error);
    xvCheckNonNullArgGoto(stats, error);
    if (size > sizeof(full)) {
        xvReportError(VIR_ERR_INVALID_ARG, "size in %s must not exceed %zu",
                      __func__, sizeof(full));
        goto error;
    }
    xvCheckDriverSlotGoto(dom->conn, domainInterfaceStats, error);
    if (dom->conn->driver->domainInterfaceStats(dom, device, &full) < 0)
        goto error;
    memcpy(stats, &full, size);
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(dom));
    return -1;
}
