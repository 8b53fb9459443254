/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt.c: public entry points for the library, connections and the node:
 * argument checks, then dispatch to the connection's driver. */
#include "config.h"

#include <pthread.h>

#include <libxml/parser.h>

#include "checks.h"
#include "domain_event.h"

#define XV_FROM_THIS VIR_FROM_NONE

static pthread_once_t xvInitOnce = PTHREAD_ONCE_INIT;
static int xvInitResult = -1;

static void
xvInitializeOnce(void)
{
    if (xvErrorInitialize() < 0)
        return;
    xmlInitParser();
    xvInitResult = 0;
}

int
xvInitialize(void)
{
    if (pthread_once(&xvInitOnce, xvInitializeOnce) != 0)
        return -1;
    return xvInitResult;
}

/* The one entry point without the five beats: there is no error to reset
 * before the library is initialized, and nothing it could report. */
XV_EXPORT int
virInitialize(void)
{
    int ret = xvInitialize();

    XV_TRACE_CALL("%s", "");
    return ret;
}

XV_EXPORT int
virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer)
{
    const xvHypervisorDriver *drv;

    virResetLastError();
    XV_TRACE_CALL("libVer=%p, type=%s, typeVer=%p", (void *)libVer,
                  XV_TRACE_STR(type), (void *)typeVer);
    xvCheckInitializedGoto(error);
    if (typeVer)
        *typeVer = 0;
    xvCheckNonNullArgGoto(libVer, error);
    *libVer = LIBVIR_VERSION_NUMBER;
    if (!typeVer)
        return 0;
    if (!type)
        type = "Xen";
    if (!(drv = xvDriverFindByType(type)))
        goto error;
    *typeVer = drv->version;
    return 0;

 error:
    xvDispatchError(NULL);
    return -1;
}

/* A new connection bound to the driver accepting @name (NULL: xen:///),
 * or NULL (error reported). */
static virConnectPtr
xvConnectOpenURI(const char *name, bool readOnly)
{
    virConnectPtr conn;

    if (!name)
        name = "xen:///";
    conn = xvConnectNew(name, readOnly);
    if (xvDriverOpen(conn, name, readOnly) < 0) {
        xvConnectUnref(conn);
        return NULL;
    }
    return conn;
}

XV_EXPORT virConnectPtr
virConnectOpen(const char *name)
{
    virConnectPtr conn;

    virResetLastError();
    XV_TRACE_CALL("name=%s", XV_TRACE_STR(name));
    xvCheckInitializedGoto(error);
    if (!(conn = xvConnectOpenURI(name, false)))
        goto error;
    return conn;

 error:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT virConnectPtr
virConnectOpenReadOnly(const char *name)
{
    virConnectPtr conn;

    virResetLastError();
    XV_TRACE_CALL("name=%s", XV_TRACE_STR(name));
    xvCheckInitializedGoto(error);
    if (!(conn = xvConnectOpenURI(name, true)))
        goto error;
    return conn;

 error:
    xvDispatchError(NULL);
    return NULL;
}

XV_EXPORT int
virConnectClose(virConnectPtr conn)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s", XV_TRACE_CONN(conn));
    xvCheckConnectGoto(conn, error);
    /* Domains still referencing the connection keep it alive: only the
     * user's reference goes here. */
    if (__atomic_exchange_n(&conn->closed, true, __ATOMIC_ACQ_REL)) {
        xvReportError(VIR_ERR_INVALID_CONN, "connection already closed in %s", __func__);
        goto error;
    }
    xvDomainEventCloseConnect(conn);
    xvConnectUnref(conn);
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT const char *
virConnectGetType(virConnectPtr conn)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s", XV_TRACE_CONN(conn));
    xvCheckConnectGoto(conn, error);
    return conn->driver->name;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return NULL;
}

XV_EXPORT int
virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s, hvVer=%p", XV_TRACE_CONN(conn), (void *)hvVer);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(hvVer, error);
    *hvVer = 0;
    xvCheckDriverSlotGoto(conn, connectGetVersion, error);
    if (conn->driver->connectGetVersion(conn, hvVer) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s, info=%p", XV_TRACE_CONN(conn), (void *)info);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(info, error);
    memset(info, 0, sizeof(*info));
    xvCheckDriverSlotGoto(conn, nodeGetInfo, error);
    if (conn->driver->nodeGetInfo(conn, info) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

/* Beyond the seed (libvirt 0.3.3): see libvirt.h. */
XV_EXPORT unsigned long long
virNodeGetFreeMemory(virConnectPtr conn)
{
    unsigned long long ret;

    virResetLastError();
    XV_TRACE_CALL("conn=%s", XV_TRACE_CONN(conn));
    xvCheckConnectGoto(conn, error);
    xvCheckDriverSlotGoto(conn, nodeGetFreeMemory, error);
    if ((ret = conn->driver->nodeGetFreeMemory(conn)) == 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return 0;
}

/* Beyond the seed (libvirt 0.9.3): see libvirt.h. As libvirt's, the
 * driver is asked even with a NULL @params: that is how the count is told. */
XV_EXPORT int
virNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                   int *nparams, unsigned int flags)
{
    virResetLastError();
    XV_TRACE_CALL("conn=%s, cpuNum=%d, params=%p, nparams=%d, flags=0x%x",
                  XV_TRACE_CONN(conn), cpuNum, (void *)params, nparams ? *nparams : -1,
                  flags);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNullArgGoto(nparams, error);
    xvCheckNonNegativeArgGoto(*nparams, error);
    if (cpuNum < 0 && cpuNum != VIR_NODE_CPU_STATS_ALL_CPUS) {
        xvReportError(VIR_ERR_INVALID_ARG, "cpuNum in %s must be a CPU number or %d",
                      __func__, VIR_NODE_CPU_STATS_ALL_CPUS);
        goto error;
    }
    if (params)
        memset(params, 0, sizeof(*params) * (size_t)*nparams);
    xvCheckDriverSlotGoto(conn, nodeGetCPUStats, error);
    if (conn->driver->nodeGetCPUStats(conn, cpuNum, params, nparams, flags) < 0)
        goto error;
    return 0;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virConnectNumOfDomains(virConnectPtr conn)
{
    int ret;

    virResetLastError();
    XV_TRACE_CALL("conn=%s", XV_TRACE_CONN(conn));
    xvCheckConnectGoto(conn, error);
    xvCheckDriverSlotGoto(conn, connectNumOfDomains, error);
    if ((ret = conn->driver->connectNumOfDomains(conn)) < 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    int ret;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, ids=%p, maxids=%d", XV_TRACE_CONN(conn), (void *)ids,
                  maxids);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNegativeArgGoto(maxids, error);
    if (maxids > 0)
        xvCheckNonNullArgGoto(ids, error);
    xvCheckDriverSlotGoto(conn, connectListDomains, error);
    if ((ret = conn->driver->connectListDomains(conn, ids, maxids)) < 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}

XV_EXPORT int
virConnectListDefinedDomains(virConnectPtr conn, const char **names, int maxnames)
{
    int ret;

    virResetLastError();
    XV_TRACE_CALL("conn=%s, names=%p, maxnames=%d", XV_TRACE_CONN(conn),
                  (void *)names, maxnames);
    xvCheckConnectGoto(conn, error);
    xvCheckNonNegativeArgGoto(maxnames, error);
    if (maxnames > 0)
        xvCheckNonNullArgGoto(names, error);
    xvCheckDriverSlotGoto(conn, connectListDefinedDomains, error);
    /* The seed types @names as const char **; the strings are new and the
     * caller frees them (as libvirt has always done). */
    if ((ret = conn->driver->connectListDefinedDomains(conn, (char **)names,
                                                       maxnames)) < 0)
        goto error;
    return ret;

 error:
    xvDispatchError(xvConnectOrNull(conn));
    return -1;
}
