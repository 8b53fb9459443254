/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt-domain.c: public entry points for domains: the seed's argument
 * rules are settled here, once, and the call is dispatched to the driver. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "util/xvuuid.h"

#define XV_FROM_THIS VIR_FROM_DOM

/*
 * The head of every call on a domain handle: a sound handle and, for calls
 * that change the domain, a read-write connection. Reports the error (naming
 * @func) and returns false otherwise.
 */
static bool
xvDomainEnter(virDomainPtr domain, bool write, const char *func)
{
    if (!xvIsDomain(domain)) {
        xvReportError(VIR_ERR_INVALID_DOMAIN, "invalid domain pointer in %s", func);
        return false;
    }
    if (write && domain->conn->readOnly) {
        xvReportError(VIR_ERR_OPERATION_DENIED,
                      "%s is forbidden on a read-only connection", func);
        return false;
    }
    return true;
}

static bool
xvDriverHas(virConnectPtr conn, bool present, const char *func)
{
    if (present)
        return true;
    xvReportError(VIR_ERR_NO_SUPPORT, "%s is not supported by the %s driver",
                  func, conn->driver->name);
    return false;
}

/* Calls that take only the domain and change it share one body; @slot is
 * the offset of their xvDrvDomainOp member in the driver table. */
static int
xvDomainRunWriteOp(virDomainPtr domain, const char *func, size_t slot)
{
    xvDrvDomainOp op;

    virResetLastError();
    if (!xvDomainEnter(domain, true, func))
        goto error;
    memcpy(&op, (const char *)domain->conn->driver + slot, sizeof(op));
    if (!xvDriverHas(domain->conn, op != NULL, func) || op(domain) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

#define XV_DOMAIN_WRITE_OP(domain, member) \
    xvDomainRunWriteOp((domain), __func__, offsetof(xvHypervisorDriver, member))

/* ---- creation, definition, lookup ------------------------------------ */

XV_EXPORT virDomainPtr
virDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    virDomainPtr dom;

    virResetLastError();
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckReadOnlyGoto(conn, error);
    xvCheckNonNullArgGoto(xmlDesc, error);
    xvCheckFlagsGoto(flags, VIR_DOMAIN_NONE, error);
    xvCheckDriverSlotGoto(conn, domainCreateLinux, error);
    if (!(dom = conn->driver->domainCreateLinux(conn, xmlDesc, flags)))
        goto error;
    return dom;

 error:
    xvDispatchError(conn);
    return NULL;
 error_noconn:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainDefineXML(virConnectPtr conn, const char *xml)
{
    virDomainPtr dom;

    virResetLastError();
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckReadOnlyGoto(conn, error);
    xvCheckNonNullArgGoto(xml, error);
    xvCheckDriverSlotGoto(conn, domainDefineXML, error);
    if (!(dom = conn->driver->domainDefineXML(conn, xml)))
        goto error;
    return dom;

 error:
    xvDispatchError(conn);
    return NULL;
 error_noconn:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT int
virDomainUndefine(virDomainPtr domain)
{
    return XV_DOMAIN_WRITE_OP(domain, domainUndefine);
}

XV_EXPORT int
virDomainCreate(virDomainPtr domain)
{
    return XV_DOMAIN_WRITE_OP(domain, domainCreate);
}

XV_EXPORT virDomainPtr
virDomainLookupByID(virConnectPtr conn, int id)
{
    virDomainPtr dom;

    virResetLastError();
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckNonNegativeArgGoto(id, error);
    xvCheckDriverSlotGoto(conn, domainLookupByID, error);
    if (!(dom = conn->driver->domainLookupByID(conn, id)))
        goto error;
    return dom;

 error:
    xvDispatchError(conn);
    return NULL;
 error_noconn:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainLookupByName(virConnectPtr conn, const char *name)
{
    virDomainPtr dom;

    virResetLastError();
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckNonNullArgGoto(name, error);
    xvCheckDriverSlotGoto(conn, domainLookupByName, error);
    if (!(dom = conn->driver->domainLookupByName(conn, name)))
        goto error;
    return dom;

 error:
    xvDispatchError(conn);
    return NULL;
 error_noconn:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virDomainPtr dom;

    virResetLastError();
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckNonNullArgGoto(uuid, error);
    xvCheckDriverSlotGoto(conn, domainLookupByUUID, error);
    if (!(dom = conn->driver->domainLookupByUUID(conn, uuid)))
        goto error;
    return dom;

 error:
    xvDispatchError(conn);
    return NULL;
 error_noconn:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT virDomainPtr
virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[XV_UUID_BUFLEN];

    virResetLastError();
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckNonNullArgGoto(uuidstr, error);
    if (xvUUIDParse(uuidstr, uuid) < 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "invalid UUID string '%s' in %s",
                      uuidstr, __func__);
        goto error;
    }
    return virDomainLookupByUUID(conn, uuid);

 error:
    xvDispatchError(conn);
    return NULL;
 error_noconn:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT int
virDomainFree(virDomainPtr domain)
{
    virResetLastError();
    if (!xvDomainEnter(domain, false, __func__)) {
        xvDispatchError(NULL);
        return -1;
    }
    xvDomainUnref(domain);
    return 0;
}

/* ---- life cycle ------------------------------------------------------ */

XV_EXPORT int
virDomainDestroy(virDomainPtr domain)
{
    if (XV_DOMAIN_WRITE_OP(domain, domainDestroy) < 0)
        return -1;
    /* The seed frees the handle of a destroyed domain. */
    xvDomainUnref(domain);
    return 0;
}

XV_EXPORT int
virDomainSuspend(virDomainPtr domain)
{
    return XV_DOMAIN_WRITE_OP(domain, domainSuspend);
}

XV_EXPORT int
virDomainResume(virDomainPtr domain)
{
    return XV_DOMAIN_WRITE_OP(domain, domainResume);
}

XV_EXPORT int
virDomainShutdown(virDomainPtr domain)
{
    return XV_DOMAIN_WRITE_OP(domain, domainShutdown);
}

XV_EXPORT int
virDomainReboot(virDomainPtr domain, unsigned int flags)
{
    virResetLastError();
    if (!xvDomainEnter(domain, true, __func__))
        goto error;
    xvCheckFlagsGoto(flags, 0, error);
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainReboot != NULL,
                     __func__) ||
        domain->conn->driver->domainReboot(domain, flags) < 0)
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
    if (!xvDomainEnter(domain, true, __func__))
        goto error;
    xvCheckNonNullArgGoto(to, error);
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainSave != NULL,
                     __func__) ||
        domain->conn->driver->domainSave(domain, to) < 0)
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
    xvCheckConnectGoto(conn, error_noconn);
    xvCheckReadOnlyGoto(conn, error);
    xvCheckNonNullArgGoto(from, error);
    xvCheckDriverSlotGoto(conn, domainRestore, error);
    if (conn->driver->domainRestore(conn, from) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(conn);
    return -1;
 error_noconn:
    xvDispatchError(NULL);
    return -1;
}

/* ---- identity -------------------------------------------------------- */

XV_EXPORT const char *
virDomainGetName(virDomainPtr domain)
{
    virResetLastError();
    if (!xvDomainEnter(domain, false, __func__)) {
        xvDispatchError(NULL);
        return NULL;
    }
    return domain->name;
}

XV_EXPORT unsigned int
virDomainGetID(virDomainPtr domain)
{
    virResetLastError();
    if (!xvDomainEnter(domain, false, __func__)) {
        xvDispatchError(NULL);
        return (unsigned int)-1;
    }
    return (unsigned int)xvDomainGetIDCached(domain);
}

XV_EXPORT int
virDomainGetUUID(virDomainPtr domain, unsigned char *uuid)
{
    virResetLastError();
    if (!xvDomainEnter(domain, false, __func__))
        goto error;
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
    if (!xvDomainEnter(domain, false, __func__))
        goto error;
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
    if (!xvDomainEnter(domain, false, __func__) ||
        !xvDriverHas(domain->conn, domain->conn->driver->domainGetOSType != NULL,
                     __func__) ||
        !(ret = domain->conn->driver->domainGetOSType(domain))) {
        xvDispatchError(xvDomainConnOrNull(domain));
        return NULL;
    }
    return ret;
}

XV_EXPORT char *
virDomainGetXMLDesc(virDomainPtr domain, int flags)
{
    char *ret;

    virResetLastError();
    if (!xvDomainEnter(domain, false, __func__))
        goto error;
    xvCheckFlagsGoto(flags, 0, error);
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainGetXMLDesc != NULL,
                     __func__) ||
        !(ret = domain->conn->driver->domainGetXMLDesc(domain, flags)))
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
    if (!xvDomainEnter(domain, false, __func__))
        goto error;
    xvCheckNonNullArgGoto(info, error);
    memset(info, 0, sizeof(*info));
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainGetInfo != NULL,
                     __func__) ||
        domain->conn->driver->domainGetInfo(domain, info) < 0)
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
    if (!xvDomainEnter(domain, false, __func__) ||
        !xvDriverHas(domain->conn,
                     domain->conn->driver->domainGetMaxMemory != NULL, __func__) ||
        (ret = domain->conn->driver->domainGetMaxMemory(domain)) == 0) {
        xvDispatchError(xvDomainConnOrNull(domain));
        return 0;
    }
    return ret;
}

/* SetMaxMemory and SetMemory differ only in the driver slot they call. */
static int
xvDomainSetMemoryCommon(virDomainPtr domain, unsigned long memory, bool maximum,
                        const char *func)
{
    xvDrvDomainSetMemory set;

    virResetLastError();
    if (!xvDomainEnter(domain, true, func))
        goto error;
    if (memory == 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "memory in %s must be greater than zero", func);
        goto error;
    }
    set = maximum ? domain->conn->driver->domainSetMaxMemory :
                    domain->conn->driver->domainSetMemory;
    if (!xvDriverHas(domain->conn, set != NULL, func) || set(domain, memory) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

XV_EXPORT int
virDomainSetMaxMemory(virDomainPtr domain, unsigned long memory)
{
    return xvDomainSetMemoryCommon(domain, memory, true, __func__);
}

XV_EXPORT int
virDomainSetMemory(virDomainPtr domain, unsigned long memory)
{
    return xvDomainSetMemoryCommon(domain, memory, false, __func__);
}

/* ---- virtual CPUs ---------------------------------------------------- */

XV_EXPORT int
virDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus)
{
    virResetLastError();
    if (!xvDomainEnter(domain, true, __func__))
        goto error;
    xvCheckPositiveArgGoto(nvcpus, error);
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainSetVcpus != NULL,
                     __func__) ||
        domain->conn->driver->domainSetVcpus(domain, nvcpus) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvDomainConnOrNull(domain));
    return -1;
}

/* The number of physical CPUs of the node, or 0 (error reported). */
static unsigned int
xvNodeMaxCpus(virConnectPtr conn, const char *func)
{
    virNodeInfo node;

    memset(&node, 0, sizeof(node));
    if (!xvDriverHas(conn, conn->driver->nodeGetInfo != NULL, func) ||
        conn->driver->nodeGetInfo(conn, &node) < 0)
        return 0;
    return VIR_NODEINFO_MAXCPUS(node);
}

/*
 * The seed's cpumap rules, settled once: @maplen may be shorter than the
 * node's map (missing bytes are zero) but not longer; bits past the node's
 * CPUs are ignored; the result must name at least one CPU. Returns a new
 * map of exactly the node's length, or NULL (error reported).
 */
static unsigned char *
xvCpumapNormalize(const unsigned char *cpumap, int maplen, unsigned int maxcpus,
                  int *retlen)
{
    int hostlen = VIR_CPU_MAPLEN((int)maxcpus);
    unsigned char *map;
    bool any = false;
    int i;

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
    unsigned int maxcpus;
    int hostlen = 0;

    virResetLastError();
    if (!xvDomainEnter(domain, true, __func__))
        goto error;
    xvCheckNonNullArgGoto(cpumap, error);
    xvCheckPositiveArgGoto(maplen, error);
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainPinVcpu != NULL,
                     __func__) ||
        (maxcpus = xvNodeMaxCpus(domain->conn, __func__)) == 0 ||
        !(map = xvCpumapNormalize(cpumap, maplen, maxcpus, &hostlen)) ||
        domain->conn->driver->domainPinVcpu(domain, vcpu, map, hostlen) < 0)
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
    if (!xvDomainEnter(domain, false, __func__))
        goto error;
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
    if (!xvDriverHas(domain->conn, domain->conn->driver->domainGetVcpus != NULL,
                     __func__) ||
        (ret = domain->conn->driver->domainGetVcpus(domain, info, maxinfo, cpumaps,
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
    if (!xvDomainEnter(dom, false, __func__))
        goto error;
    if (!stats || nr_stats == 0)
        return 0;
    if (nr_stats > VIR_DOMAIN_MEMORY_STAT_NR)
        nr_stats = VIR_DOMAIN_MEMORY_STAT_NR;
    memset(stats, 0, sizeof(*stats) * nr_stats);
    xvCheckFlagsGoto(flags, 0, error);
    if (!xvDriverHas(dom->conn, dom->conn->driver->domainMemoryStats != NULL, __func__) ||
        (ret = dom->conn->driver->domainMemoryStats(dom, stats, nr_stats, flags)) < 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvDomainConnOrNull(dom));
    return -1;
}
