/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * checks.h: what every public entry point (libvirt.c, libvirt-domain.c) is
 * made of. Each has the same five beats, in this order:
 *
 *   virResetLastError();                            1. a clean error slate
 *   XV_TRACE_CALL("domain=%s, flags=0x%x",          2. the debug trace line
 *                 XV_TRACE_DOMAIN(domain), flags);     (debug.h)
 *   xvCheckDomainGoto(domain, error);               3. handle, read-only,
 *   xvCheckReadOnlyGoto(domain->conn, error);          arguments
 *   xvCheckFlagsGoto(flags, 0, error);
 *   xvCheckDriverSlotGoto(domain->conn, domainReboot, error);  4. the slot
 *   if (domain->conn->driver->domainReboot(domain, flags) < 0) 5. the typed
 *       goto error;                                    call through the table
 *   return 0;
 *
 *  error:                                           one tail: dispatch
 *   xvDispatchError(xvDomainConnOrNull(domain));
 *   return -1;
 *
 * Each check reports the error, naming the call (__func__), and jumps to
 * @label. The error origin is the including file's XV_FROM_THIS.
 */
#pragma once

#include "datatypes.h"
#include "debug.h"
#include "driver.h"
#include "virerror.h"

/* The library could not initialize: nothing can even be recorded. */
#define xvCheckInitializedGoto(label) \
    do { \
        if (xvInitialize() < 0) \
            goto label; \
    } while (0)

#define xvCheckConnectGoto(conn, label) \
    do { \
        if (!xvIsConnect(conn)) { \
            xvReportError(VIR_ERR_INVALID_CONN, "invalid connection pointer in %s", \
                          __func__); \
            goto label; \
        } \
    } while (0)

#define xvCheckDomainGoto(dom, label) \
    do { \
        if (!xvIsDomain(dom)) { \
            xvReportError(VIR_ERR_INVALID_DOMAIN, "invalid domain pointer in %s", \
                          __func__); \
            goto label; \
        } \
    } while (0)

#define xvCheckReadOnlyGoto(conn, label) \
    do { \
        if ((conn)->readOnly) { \
            xvReportError(VIR_ERR_OPERATION_DENIED, \
                          "%s is forbidden on a read-only connection", __func__); \
            goto label; \
        } \
    } while (0)

#define xvCheckNonNullArgGoto(arg, label) \
    do { \
        if (!(arg)) { \
            xvReportError(VIR_ERR_INVALID_ARG, "%s in %s must not be NULL", \
                          #arg, __func__); \
            goto label; \
        } \
    } while (0)

#define xvCheckPositiveArgGoto(arg, label) \
    do { \
        if ((arg) <= 0) { \
            xvReportError(VIR_ERR_INVALID_ARG, "%s in %s must be greater than zero", \
                          #arg, __func__); \
            goto label; \
        } \
    } while (0)

#define xvCheckNonNegativeArgGoto(arg, label) \
    do { \
        if ((arg) < 0) { \
            xvReportError(VIR_ERR_INVALID_ARG, "%s in %s must not be negative", \
                          #arg, __func__); \
            goto label; \
        } \
    } while (0)

#define xvCheckFlagsGoto(flags, supported, label) \
    do { \
        if ((unsigned int)(flags) & ~(unsigned int)(supported)) { \
            xvReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in %s", \
                          (unsigned int)(flags) & ~(unsigned int)(supported), __func__); \
            goto label; \
        } \
    } while (0)

/* The driver slot, or a VIR_ERR_NO_SUPPORT error naming the call and the
 * driver. A call may need more than one slot (virDomainPinVcpu). */
#define xvCheckDriverSlotGoto(conn, slot, label) \
    do { \
        if (!(conn)->driver->slot) { \
            xvReportError(VIR_ERR_NO_SUPPORT, "%s is not supported by the %s driver", \
                          __func__, (conn)->driver->name); \
            goto label; \
        } \
    } while (0)

/* The connection to dispatch an error on, when the handle is sound. */
static inline virConnectPtr
xvConnectOrNull(virConnectPtr conn)
{
    return xvIsConnect(conn) ? conn : NULL;
}

static inline virConnectPtr
xvDomainConnOrNull(virDomainPtr dom)
{
    return xvIsDomain(dom) ? dom->conn : NULL;
}
