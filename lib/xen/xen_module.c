/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_module.c: the one symbol libxvirt_driver_xen.so exports, what
 * libxvirt.so looks up after loading it (driver.h). */
#include "config.h"

#include "conf/domain_conf.h"
#include "datatypes.h"
#include "driver.h"

XV_EXPORT const xvDriverModule xvDriverModuleXen = {
    .version = PACKAGE_VERSION,
    .layout = XV_DRIVER_MODULE_LAYOUT,
    .driver = &xvXenDriver,
};
