/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver.c: the list of drivers, the URI -> driver choice, and (in
 * libxvirt.so) the loading of the Xen driver module (driver.h). */
#include "config.h"

#include "driver.h"

#include <strings.h>

#include "conf/domain_conf.h"
#include "datatypes.h"
#include "virerror.h"

#ifdef XV_DRIVER_MODULES
# include <dlfcn.h>
# include <errno.h>
# include <fcntl.h>
# include <libgen.h>
# include <limits.h>
# include <pthread.h>
# include <unistd.h>

# include "util/xvfile.h"
#endif

#define XV_FROM_THIS VIR_FROM_NONE

#if defined(WITH_XEN) && !defined(XV_DRIVER_MODULES)
# define XV_XEN_BUILT_IN 1
#endif

static const xvHypervisorDriver *const xvDrivers[] = {
    &xvTestDriver,
#ifdef XV_XEN_BUILT_IN
    &xvXenDriver,
#endif
};

#ifndef XV_XEN_BUILT_IN
static bool
xvURIIsXen(const char *uri)
{
    return strcasecmp(uri, "xen") == 0 || strncasecmp(uri, "xen:", 4) == 0;
}
#endif

#ifdef XV_DRIVER_MODULES

/* The module once loaded; never unloaded (the Xen libraries keep threads
 * and handlers of their own), as libvirt never unloads its modules. A
 * failed load is tried again next time: the package may be installed by
 * then. */
static pthread_mutex_t xvModuleLock = PTHREAD_MUTEX_INITIALIZER;
static const xvHypervisorDriver *xvModuleDriver;

/* The directory libxvirt.so was loaded from, into @dir; false if unknown. */
static bool
xvModuleSelfDir(char *dir, size_t size)
{
    Dl_info info;
    char path[PATH_MAX];

    if (!dladdr((void *)xvDriverOpen, &info) || !info.dli_fname ||
        !realpath(info.dli_fname, path))
        return false;
    return (size_t)snprintf(dir, size, "%s", dirname(path)) < size;
}

/* Where the module is looked for: $XVIRT_DRIVER_DIR when set (ignored in
 * set-uid programs), the build tree when this libxvirt.so is the build
 * tree's (the tests), else the installed directory. */
static const char *
xvModuleDir(void)
{
    const char *env = secure_getenv("XVIRT_DRIVER_DIR");
    char self[PATH_MAX];

    if (env && *env)
        return env;
    if (xvModuleSelfDir(self, sizeof(self)) && strcmp(self, XV_LIB_BUILD_DIR) == 0)
        return XV_DRIVER_BUILD_DIR;
    return XV_DRIVER_MODULE_DIR;
}

/* The module file is code the library runs as the caller (root, for the
 * agent): only a regular file that passes util/xvfile.h's trust rule,
 * strictly (it and every directory above it writable by no one else), is
 * loaded. */
static int
xvModuleCheckFile(int code, const char *path)
{
    char why[XV_FILE_WHY_LEN];
    int rc = xvFileCheckModule(path, why, sizeof(why));

    if (rc == 0)
        return 0;
    if (rc == -ENOENT) {
        xvReportError(code,
                      "the Xen driver module %s is not installed (it comes with "
                      "libxvirt0; XVIRT_DRIVER_DIR names another directory)", path);
        return -1;
    }
    xvReportError(code, "refusing the Xen driver module %s: %s (it must be a regular file "
                  "owned by root or this user, writable by no one else)", path, why);
    return -1;
}

/* The module's driver from @handle if it comes from this very build;
 * NULL with an error reported otherwise. */
static const xvHypervisorDriver *
xvModuleAccept(int code, void *handle, const char *path)
{
    static const unsigned int layout[] = XV_DRIVER_MODULE_LAYOUT;
    const xvDriverModule *mod = dlsym(handle, XV_DRIVER_MODULE_SYMBOL);

    if (!mod) {
        xvReportError(code, "%s is not an xvirt driver module (no %s)",
                      path, XV_DRIVER_MODULE_SYMBOL);
        return NULL;
    }
    if (!mod->version || strcmp(mod->version, PACKAGE_VERSION) != 0 ||
        memcmp(mod->layout, layout, sizeof(layout)) != 0 || !mod->driver) {
        xvReportError(code,
                      "the Xen driver module %s was built for libxvirt %s, not for this "
                      "libxvirt %s: install the two from the same build", path,
                      mod->version ? mod->version : "(unknown)", PACKAGE_VERSION);
        return NULL;
    }
    return mod->driver;
}

static const xvHypervisorDriver *
xvModuleLoadLocked(int code)
{
    const char *dir = xvModuleDir();
    char *path = xvAsprintf("%s/%s", dir, XV_DRIVER_MODULE_FILE);
    const xvHypervisorDriver *drv = NULL;
    void *handle;

    if (xvModuleCheckFile(code, path) < 0)
        goto out;
    /* RTLD_NOW: a missing Xen library is an error here, not a crash at
     * the first call that needs it. */
    if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
        xvReportError(code, "cannot load the Xen driver module: %s",
                      dlerror());
        goto out;
    }
    if (!(drv = xvModuleAccept(code, handle, path)))
        dlclose(handle);
 out:
    free(path);
    return drv;
}

/* The Xen driver, loaded on first use; NULL with an error of @code
 * reported. */
static const xvHypervisorDriver *
xvModuleXen(int code)
{
    const xvHypervisorDriver *drv;

    pthread_mutex_lock(&xvModuleLock);
    if (!xvModuleDriver)
        xvModuleDriver = xvModuleLoadLocked(code);
    drv = xvModuleDriver;
    pthread_mutex_unlock(&xvModuleLock);
    return drv;
}

#elif !defined(XV_XEN_BUILT_IN)

/* No module to load: the library was built without the Xen driver. */
static const xvHypervisorDriver *
xvModuleXen(int code)
{
    xvReportError(code, "%s",
                  "this libxvirt was built without the Xen driver (rebuild with "
                  "libxen-dev installed, -Dxen=enabled)");
    return NULL;
}

#endif /* XV_DRIVER_MODULES */

/* @drv's answer to @uri, bound to @conn on success: 0, -1 (reported) or 1
 * (declined). */
static int
xvDriverTryOpen(const xvHypervisorDriver *drv, virConnectPtr conn, const char *uri,
                bool readOnly)
{
    switch (drv->connectOpen(conn, uri, readOnly)) {
    case XV_DRV_OPEN_SUCCESS:
        conn->driver = drv;
        return 0;
    case XV_DRV_OPEN_ERROR:
        if (!xvErrorIsSet())
            xvReportError(VIR_ERR_NO_CONNECT, "the %s driver failed to open '%s'",
                          drv->name, uri);
        return -1;
    case XV_DRV_OPEN_DECLINED:
        break;
    }
    return 1;
}

int
xvDriverOpen(virConnectPtr conn, const char *uri, bool readOnly)
{
    size_t i;
    int rc;

    for (i = 0; i < XV_N_ELEMENTS(xvDrivers); i++) {
        if ((rc = xvDriverTryOpen(xvDrivers[i], conn, uri, readOnly)) <= 0)
            return rc;
    }
#ifndef XV_XEN_BUILT_IN
    if (xvURIIsXen(uri)) {
        const xvHypervisorDriver *xen = xvModuleXen(VIR_ERR_NO_CONNECT);

        if (!xen)
            return -1;
        if ((rc = xvDriverTryOpen(xen, conn, uri, readOnly)) <= 0)
            return rc;
    }
#endif
    xvReportError(VIR_ERR_NO_CONNECT,
                  "no driver accepts the URI '%s' (known: xen:///, test:///default, "
                  "test:///ABSOLUTE/PATH.xml)", uri);
    return -1;
}

const xvHypervisorDriver *
xvDriverFindByType(const char *type)
{
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(xvDrivers); i++) {
        if (strcasecmp(xvDrivers[i]->typeName, type) == 0)
            return xvDrivers[i];
    }
#ifndef XV_XEN_BUILT_IN
    if (strcasecmp(type, "Xen") == 0)
        return xvModuleXen(VIR_ERR_NO_SUPPORT);
#endif
    xvReportError(VIR_ERR_NO_SUPPORT, "unknown hypervisor type '%s'", type);
    return NULL;
}
