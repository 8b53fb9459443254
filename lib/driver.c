/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver.c: the list of built-in drivers and the URI -> driver choice. */
#include "config.h"

#include "driver.h"

#include <strings.h>

#include "datatypes.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_NONE

static const xvHypervisorDriver *const xvDrivers[] = {
    &xvTestDriver,
#ifdef WITH_XEN
    &xvXenDriver,
#endif
};

static bool
xvURIIsXen(const char *uri)
{
    return strcasecmp(uri, "xen") == 0 || strncasecmp(uri, "xen:", 4) == 0;
}

int
xvDriverOpen(virConnectPtr conn, const char *uri, bool readOnly)
{
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(xvDrivers); i++) {
        switch (xvDrivers[i]->connectOpen(conn, uri, readOnly)) {
        case XV_DRV_OPEN_SUCCESS:
            conn->driver = xvDrivers[i];
            return 0;
        case XV_DRV_OPEN_ERROR:
            if (!xvErrorIsSet())
                xvReportError(VIR_ERR_NO_CONNECT, "the %s driver failed to open '%s'",
                              xvDrivers[i]->name, uri);
            return -1;
        case XV_DRV_OPEN_DECLINED:
            break;
        }
    }
    if (xvURIIsXen(uri)) {
        xvReportError(VIR_ERR_NO_CONNECT,
                      "cannot open '%s': this libxvirt was built without the Xen "
                      "driver (rebuild with libxen-dev installed, -Dxen=enabled)", uri);
    } else {
        xvReportError(VIR_ERR_NO_CONNECT,
                      "no driver accepts the URI '%s' (known: xen:///, test:///default, "
                      "test:///ABSOLUTE/PATH.xml)", uri);
    }
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
    return NULL;
}
