/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_store.c: the real xenstore side of the seam: thin wrappers, one
 * libxenstore call each, errno turned into one reported error. */
#include "config.h"

#include "xen/xen_store.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "internal.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_XENSTORE

_Static_assert(XS_WATCH_PATH == 0 && XS_WATCH_TOKEN == 1,
               "checkWatch returns { path, token }");
_Static_assert(XV_XEN_XBT_NULL == XBT_NULL, "no transaction");

static pthread_mutex_t xenStoreOpenMutex = PTHREAD_MUTEX_INITIALIZER;

void
xvXenStoreOpenLock(void)
{
    pthread_mutex_lock(&xenStoreOpenMutex);
}

void
xvXenStoreOpenUnlock(void)
{
    pthread_mutex_unlock(&xenStoreOpenMutex);
}

static void *
xenStoreOpen(void)
{
    struct xs_handle *xsh = NULL;
    int err = 0;

    xvXenStoreOpenLock();
    /*
     * Without xenstored's socket, xs_open falls back to the kernel's
     * /dev/xen/xenbus, whose requests in dom0 wait for a xenstored that is
     * not there: refuse instead of hanging. (A xenstore stub domain, which
     * has no socket, is not supported.)
     */
    if (access(xs_daemon_socket(), F_OK) < 0) {
        err = errno;
    } else {
        errno = 0;
        if (!(xsh = xs_open(0)))
            err = errno ? errno : ECONNREFUSED;
    }
    xvXenStoreOpenUnlock();
    if (!xsh)
        errno = err;
    return xsh;
}

static void
xenStoreClose(void *xs)
{
    xs_close(xs);
}

static char *
xenStoreRead(void *xs, xvXenXbt t, const char *path)
{
    unsigned int len;
    char *value;

    if (!(value = xs_read(xs, t, path, &len)) && errno != ENOENT)
        xvReportSystemError(errno, "xs_read of '%s' failed", path);
    return value;
}

static int
xenStoreWrite(void *xs, xvXenXbt t, const char *path, const char *value)
{
    if (!xs_write(xs, t, path, value, (unsigned int)strlen(value))) {
        xvReportSystemError(errno, "xs_write of '%s' failed", path);
        return -1;
    }
    return 0;
}

static char **
xenStoreDirectory(void *xs, xvXenXbt t, const char *path, unsigned int *num)
{
    char **list;

    if (!(list = xs_directory(xs, t, path, num)) && errno != ENOENT)
        xvReportSystemError(errno, "xs_directory of '%s' failed", path);
    return list;
}

static int
xenStoreWatch(void *xs, const char *path, const char *token)
{
    if (!xs_watch(xs, path, token)) {
        xvReportSystemError(errno, "xs_watch of '%s' failed", path);
        return -1;
    }
    return 0;
}

static int
xenStoreUnwatch(void *xs, const char *path, const char *token)
{
    if (!xs_unwatch(xs, path, token)) {
        xvReportSystemError(errno, "xs_unwatch of '%s' failed", path);
        return -1;
    }
    return 0;
}

static char **
xenStoreCheckWatch(void *xs)
{
    char **event;

    if (!(event = xs_check_watch(xs)) && errno != EAGAIN)
        xvReportSystemError(errno, "%s", "xs_check_watch failed");
    return event;
}

static int
xenStoreFileno(void *xs)
{
    int fd;

    if ((fd = xs_fileno(xs)) < 0)
        xvReportSystemError(errno, "%s", "xs_fileno failed");
    return fd;
}

static int
xenStoreTransactionStart(void *xs, xvXenXbt *t)
{
    if ((*t = xs_transaction_start(xs)) == XBT_NULL) {
        xvReportSystemError(errno, "%s", "xs_transaction_start failed");
        return -1;
    }
    return 0;
}

static int
xenStoreTransactionEnd(void *xs, xvXenXbt t, bool abort)
{
    if (xs_transaction_end(xs, t, abort))
        return 0;
    if (errno == EAGAIN && !abort)
        return 1;
    xvReportSystemError(errno, "%s", "xs_transaction_end failed");
    return -1;
}

const xvXenStoreOps xvXenStoreReal = {
    .open = xenStoreOpen,
    .close = xenStoreClose,
    .read = xenStoreRead,
    .write = xenStoreWrite,
    .directory = xenStoreDirectory,
    .watch = xenStoreWatch,
    .unwatch = xenStoreUnwatch,
    .checkWatch = xenStoreCheckWatch,
    .fileno = xenStoreFileno,
    .transactionStart = xenStoreTransactionStart,
    .transactionEnd = xenStoreTransactionEnd,
};
