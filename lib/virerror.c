/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virerror.c: per-thread and per-connection error records, the public
 * error API, and the callbacks that errors are dispatched to. */
#include "config.h"

#include "virerror.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "datatypes.h"
#include "debug.h"

#define XV_ERR_LAST (VIR_ERR_OPERATION_UNSUPPORTED + 1)

/* Generic text of each code; the detail given by the reporter follows it. */
static const char *const xvErrorTexts[] = {
    [VIR_ERR_OK] = "no error",
    [VIR_ERR_INTERNAL_ERROR] = "internal error",
    [VIR_ERR_NO_MEMORY] = "out of memory",
    [VIR_ERR_NO_SUPPORT] = "not supported",
    [VIR_ERR_UNKNOWN_HOST] = "unknown host",
    [VIR_ERR_NO_CONNECT] = "cannot connect",
    [VIR_ERR_INVALID_CONN] = "invalid connection",
    [VIR_ERR_INVALID_DOMAIN] = "invalid domain",
    [VIR_ERR_INVALID_ARG] = "invalid argument",
    [VIR_ERR_OPERATION_FAILED] = "operation failed",
    [VIR_ERR_GET_FAILED] = "GET request failed",
    [VIR_ERR_POST_FAILED] = "POST request failed",
    [VIR_ERR_HTTP_ERROR] = "HTTP error",
    [VIR_ERR_SEXPR_SERIAL] = "S-expression error",
    [VIR_ERR_NO_XEN] = "cannot open the Xen hypervisor",
    [VIR_ERR_XEN_CALL] = "Xen call failed",
    [VIR_ERR_OS_TYPE] = "unknown OS type",
    [VIR_ERR_NO_KERNEL] = "missing kernel",
    [VIR_ERR_NO_ROOT] = "missing root device",
    [VIR_ERR_NO_SOURCE] = "missing source",
    [VIR_ERR_NO_TARGET] = "missing target",
    [VIR_ERR_NO_NAME] = "missing name",
    [VIR_ERR_NO_OS] = "missing OS description",
    [VIR_ERR_NO_DEVICE] = "missing device description",
    [VIR_ERR_NO_XENSTORE] = "cannot open xenstore",
    [VIR_ERR_DRIVER_FULL] = "too many drivers",
    [VIR_ERR_CALL_FAILED] = "call not supported",
    [VIR_ERR_XML_ERROR] = "XML error",
    [VIR_ERR_DOM_EXIST] = "domain already exists",
    [VIR_ERR_OPERATION_DENIED] = "operation forbidden",
    [VIR_ERR_OPEN_FAILED] = "cannot open file",
    [VIR_ERR_READ_FAILED] = "cannot read file",
    [VIR_ERR_PARSE_FAILED] = "cannot parse file",
    [VIR_ERR_CONF_SYNTAX] = "configuration syntax error",
    [VIR_ERR_WRITE_FAILED] = "cannot write file",
    [VIR_ERR_XML_DETAIL] = "XML detail",
    [VIR_ERR_INVALID_NETWORK] = "invalid network",
    [VIR_ERR_NETWORK_EXIST] = "network already exists",
    [VIR_ERR_SYSTEM_ERROR] = "system error",
    [VIR_ERR_RPC] = "RPC error",
    [VIR_ERR_GNUTLS_ERROR] = "TLS error",
    [VIR_WAR_NO_NETWORK] = "network unavailable",
    [VIR_ERR_NO_DOMAIN] = "domain not found",
    [VIR_ERR_NO_NETWORK] = "network not found",
    [VIR_ERR_INVALID_MAC] = "invalid MAC address",
    [VIR_ERR_AUTH_FAILED] = "authentication failed",
    [VIR_ERR_INVALID_STORAGE_POOL] = "invalid storage pool",
    [VIR_ERR_INVALID_STORAGE_VOL] = "invalid storage volume",
    [VIR_WAR_NO_STORAGE] = "storage unavailable",
    [VIR_ERR_NO_STORAGE_POOL] = "storage pool not found",
    [VIR_ERR_NO_STORAGE_VOL] = "storage volume not found",
    [VIR_WAR_NO_NODE] = "node device driver unavailable",
    [VIR_ERR_INVALID_NODE_DEVICE] = "invalid node device",
    [VIR_ERR_NO_NODE_DEVICE] = "node device not found",
    [VIR_ERR_NO_SECURITY_MODEL] = "security model not found",
    [VIR_ERR_OPERATION_INVALID] = "operation not valid now",
    [VIR_WAR_NO_INTERFACE] = "interface driver unavailable",
    [VIR_ERR_NO_INTERFACE] = "interface not found",
    [VIR_ERR_INVALID_INTERFACE] = "invalid interface",
    [VIR_ERR_MULTIPLE_INTERFACES] = "several matching interfaces",
    [VIR_WAR_NO_NWFILTER] = "network filter driver unavailable",
    [VIR_ERR_INVALID_NWFILTER] = "invalid network filter",
    [VIR_ERR_NO_NWFILTER] = "network filter not found",
    [VIR_ERR_BUILD_FIREWALL] = "firewall error",
    [VIR_WAR_NO_SECRET] = "secret driver unavailable",
    [VIR_ERR_INVALID_SECRET] = "invalid secret",
    [VIR_ERR_NO_SECRET] = "secret not found",
    [VIR_ERR_CONFIG_UNSUPPORTED] = "unsupported configuration",
    [VIR_ERR_OPERATION_TIMEOUT] = "operation timed out",
    [VIR_ERR_MIGRATE_PERSIST_FAILED] = "could not keep the migrated domain's definition",
    [VIR_ERR_HOOK_SCRIPT_FAILED] = "hook script failed",
    [VIR_ERR_INVALID_DOMAIN_SNAPSHOT] = "invalid domain snapshot",
    [VIR_ERR_NO_DOMAIN_SNAPSHOT] = "domain snapshot not found",
    [VIR_ERR_INVALID_STREAM] = "invalid stream",
    [VIR_ERR_ARGUMENT_UNSUPPORTED] = "argument not supported",
    [VIR_ERR_STORAGE_PROBE_FAILED] = "storage probe failed",
    [VIR_ERR_STORAGE_POOL_BUILT] = "storage pool already built",
    [VIR_ERR_SNAPSHOT_REVERT_RISKY] = "snapshot revert is risky",
    [VIR_ERR_OPERATION_ABORTED] = "operation aborted",
    [VIR_ERR_AUTH_CANCELLED] = "authentication cancelled",
    [VIR_ERR_NO_DOMAIN_METADATA] = "metadata not found",
    [VIR_ERR_MIGRATE_UNSAFE] = "migration is not safe",
    [VIR_ERR_OVERFLOW] = "value too large",
    [VIR_ERR_BLOCK_COPY_ACTIVE] = "a block copy is running",
    [VIR_ERR_OPERATION_UNSUPPORTED] = "operation not supported",
};
_Static_assert(XV_N_ELEMENTS(xvErrorTexts) == XV_ERR_LAST,
               "every virErrorNumber needs a text");

/* Names of the origins, for virDefaultErrorFunc(). */
static const char *
xvErrorDomainName(int domain)
{
    switch ((virErrorDomain)domain) {
    case VIR_FROM_XEN: return "Xen ";
    case VIR_FROM_XENSTORE: return "Xen Store ";
    case VIR_FROM_XML: return "XML ";
    case VIR_FROM_DOM: return "Domain ";
    case VIR_FROM_CONF: return "Config ";
    case VIR_FROM_TEST: return "Test ";
    case VIR_FROM_DOMAIN: return "Domain Config ";
    default: return "";
    }
}

static pthread_key_t xvErrorKey;
static pthread_mutex_t xvGlobalHandlerLock = PTHREAD_MUTEX_INITIALIZER;
static virErrorFunc xvGlobalHandler;
static void *xvGlobalUserData;

static void
xvErrorFreeThreadRecord(void *err)
{
    virFreeError(err);
}

int
xvErrorInitialize(void)
{
    return pthread_key_create(&xvErrorKey, xvErrorFreeThreadRecord) == 0 ? 0 : -1;
}

/* The calling thread's record, created on first use when @create. */
static virErrorPtr
xvThreadError(bool create)
{
    virErrorPtr err;

    if (xvInitialize() < 0)
        return NULL;
    err = pthread_getspecific(xvErrorKey);
    if (!err && create) {
        err = xvAlloc(sizeof(*err));
        if (pthread_setspecific(xvErrorKey, err) != 0) {
            free(err);
            return NULL;
        }
    }
    return err;
}

static void
xvErrorSet(int domain, int code, char *message)
{
    virErrorPtr err = xvThreadError(true);

    if (!err) {
        free(message);
        return;
    }
    virResetError(err);
    err->domain = domain;
    err->code = code;
    err->level = VIR_ERR_ERROR;
    err->message = message;
}

static const char *
xvErrorText(int code)
{
    if (code < 0 || code >= XV_ERR_LAST)
        return "error";
    return xvErrorTexts[code];
}

/* Records the error (taking @message) and, when tracing, logs it with the
 * place that reported it. */
static void
xvErrorReport(int domain, int code, const char *file, const char *func,
              size_t line, char *message)
{
    if (XV_DEBUG_ON())
        xvDebugError(file, func, line, domain, code, message);
    xvErrorSet(domain, code, message);
}

void
xvReportErrorFull(int domain, int code, const char *file, const char *func,
                  size_t line, const char *fmt, ...)
{
    int saved = errno;
    char *detail = NULL;
    char *message;
    va_list ap;

    va_start(ap, fmt);
    detail = xvVasprintf(fmt, ap);
    va_end(ap);
    if (detail && *detail)
        message = xvAsprintf("%s: %s", xvErrorText(code), detail);
    else
        message = xvStrdup(xvErrorText(code));
    free(detail);
    xvErrorReport(domain, code, file, func, line, message);
    errno = saved;
}

void
xvReportSystemErrorFull(int domain, int errnum, const char *file,
                        const char *func, size_t line, const char *fmt, ...)
{
    int saved = errno;
    char *detail = NULL;
    char ebuf[256];
    va_list ap;

    va_start(ap, fmt);
    detail = xvVasprintf(fmt, ap);
    va_end(ap);
    xvErrorReport(domain, VIR_ERR_SYSTEM_ERROR, file, func, line,
                  xvAsprintf("%s: %s", detail ? detail : "system call failed",
                             strerror_r(errnum, ebuf, sizeof(ebuf))));
    free(detail);
    errno = saved;
}

bool
xvErrorIsSet(void)
{
    virErrorPtr err = xvThreadError(false);

    return err && err->code != VIR_ERR_OK;
}

static void
xvErrorCopy(virErrorPtr to, const virError *from)
{
    to->code = from->code;
    to->domain = from->domain;
    to->level = from->level;
    to->message = xvStrdup(from->message);
    to->str1 = xvStrdup(from->str1);
    to->str2 = xvStrdup(from->str2);
    to->str3 = xvStrdup(from->str3);
    to->int1 = from->int1;
    to->int2 = from->int2;
    to->conn = NULL;
    to->dom = NULL;
    to->net = NULL;
}

void
xvDispatchError(virConnectPtr conn)
{
    int saved = errno;
    virErrorPtr err;
    virErrorFunc handler = NULL;
    void *userData = NULL;

    if (!xvErrorIsSet())
        xvReportErrorFull(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, __FILE__,
                          __func__, __LINE__, "%s",
                          "a call failed without reporting why");
    err = xvThreadError(false);
    if (!err) {
        errno = saved;
        return;
    }
    if (conn && conn->magic == XV_CONNECT_MAGIC) {
        pthread_mutex_lock(&conn->lock);
        virResetError(&conn->err);
        xvErrorCopy(&conn->err, err);
        handler = conn->handler;
        userData = conn->userData;
        pthread_mutex_unlock(&conn->lock);
    }
    if (!handler) {
        pthread_mutex_lock(&xvGlobalHandlerLock);
        handler = xvGlobalHandler;
        userData = xvGlobalUserData;
        pthread_mutex_unlock(&xvGlobalHandlerLock);
    }
    if (handler)
        handler(userData, err);
    else
        virDefaultErrorFunc(err);
    errno = saved;
}

virErrorPtr
xvErrorPreserveLast(void)
{
    virErrorPtr err = xvThreadError(false);

    if (!err || err->code == VIR_ERR_OK)
        return NULL;
    return virSaveLastError();
}

void
xvErrorRestore(virErrorPtr *saved)
{
    virErrorPtr err;

    if (!*saved)
        return;
    err = xvThreadError(true);
    if (err) {
        virResetError(err);
        xvErrorCopy(err, *saved);
    }
    virFreeError(*saved);
    *saved = NULL;
}

/* ---- public API ------------------------------------------------------ */

XV_EXPORT virErrorPtr
virGetLastError(void)
{
    virErrorPtr err = xvThreadError(false);

    if (!err || err->code == VIR_ERR_OK)
        return NULL;
    return err;
}

XV_EXPORT const char *
virGetLastErrorMessage(void)
{
    virErrorPtr err = virGetLastError();

    if (!err)
        return "no error";
    return err->message ? err->message : "unknown error";
}

XV_EXPORT int
virGetLastErrorCode(void)
{
    virErrorPtr err = virGetLastError();

    return err ? err->code : VIR_ERR_OK;
}

XV_EXPORT int
virGetLastErrorDomain(void)
{
    virErrorPtr err = virGetLastError();

    return err ? err->domain : VIR_FROM_NONE;
}

XV_EXPORT int
virCopyLastError(virErrorPtr to)
{
    virErrorPtr err = virGetLastError();

    if (!to)
        return -1;
    memset(to, 0, sizeof(*to));
    if (!err)
        return 0;
    xvErrorCopy(to, err);
    return to->code;
}

XV_EXPORT virErrorPtr
virSaveLastError(void)
{
    virErrorPtr copy = xvAlloc(sizeof(*copy));

    virCopyLastError(copy);
    return copy;
}

XV_EXPORT void
virResetError(virErrorPtr err)
{
    if (!err)
        return;
    free(err->message);
    free(err->str1);
    free(err->str2);
    free(err->str3);
    memset(err, 0, sizeof(*err));
}

XV_EXPORT void
virResetLastError(void)
{
    virErrorPtr err = xvThreadError(false);

    virResetError(err);
}

XV_EXPORT void
virFreeError(virErrorPtr err)
{
    virResetError(err);
    free(err);
}

XV_EXPORT virErrorPtr
virConnGetLastError(virConnectPtr conn)
{
    if (!conn || conn->magic != XV_CONNECT_MAGIC)
        return NULL;
    /* Like libvirt, this hands out the connection's own record: it stays
     * valid until the next failing call on @conn. */
    return conn->err.code == VIR_ERR_OK ? NULL : &conn->err;
}

XV_EXPORT int
virConnCopyLastError(virConnectPtr conn, virErrorPtr to)
{
    if (!conn || conn->magic != XV_CONNECT_MAGIC || !to)
        return -1;
    memset(to, 0, sizeof(*to));
    pthread_mutex_lock(&conn->lock);
    if (conn->err.code != VIR_ERR_OK)
        xvErrorCopy(to, &conn->err);
    pthread_mutex_unlock(&conn->lock);
    return to->code;
}

XV_EXPORT void
virConnResetLastError(virConnectPtr conn)
{
    if (!conn || conn->magic != XV_CONNECT_MAGIC)
        return;
    pthread_mutex_lock(&conn->lock);
    virResetError(&conn->err);
    pthread_mutex_unlock(&conn->lock);
}

XV_EXPORT void
virSetErrorFunc(void *userData, virErrorFunc handler)
{
    pthread_mutex_lock(&xvGlobalHandlerLock);
    xvGlobalHandler = handler;
    xvGlobalUserData = userData;
    pthread_mutex_unlock(&xvGlobalHandlerLock);
}

XV_EXPORT void
virConnSetErrorFunc(virConnectPtr conn, void *userData, virErrorFunc handler)
{
    if (!conn || conn->magic != XV_CONNECT_MAGIC)
        return;
    pthread_mutex_lock(&conn->lock);
    conn->handler = handler;
    conn->userData = userData;
    pthread_mutex_unlock(&conn->lock);
}

XV_EXPORT void
virDefaultErrorFunc(virErrorPtr err)
{
    if (!err || err->code == VIR_ERR_OK)
        return;
    fprintf(stderr, "libvirt: %s%s : %s\n", xvErrorDomainName(err->domain),
            err->level == VIR_ERR_WARNING ? "warning" : "error",
            err->message ? err->message : "unknown error");
}
