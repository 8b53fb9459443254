/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_conf.h: xvDomainDef <-> libxl_domain_config, for the toolstack calls
 * of xen_ctrl.c (only lib/xen/ sees libxl). */
#pragma once

#include "conf/domain_conf.h"

struct libxl_domain_config;

/*
 * Fills @cfg (initialized by the caller, disposed by the caller) from
 * @def: PV (os type linux or xen) or HVM, memory, vcpus and their cpuset,
 * kernel/initrd/cmdline/root or bootloader, HVM features, loader and boot
 * order, lifecycle actions, disks, bridged or routed network interfaces,
 * VNC or SDL graphics. What libxl cannot take (an interface on a libvirt
 * network, an unknown disk format) is refused with
 * VIR_ERR_CONFIG_UNSUPPORTED naming it. Returns 0 or -1.
 */
int xvXenConfFromDef(const xvDomainDef *def, struct libxl_domain_config *cfg);

/* The description of a libxl configuration (type "xen"); never NULL. */
xvDomainDef *xvXenConfToDef(const struct libxl_domain_config *cfg);

/*
 * Whether the toolstack can take @def (xvXenConfFromDef, error reported if
 * not); when @ret is not NULL, *@ret (new) is what libxl keeps of it: @def
 * through libxl_domain_config and back. Returns 0 or -1.
 */
int xvXenConfCheck(const xvDomainDef *def, xvDomainDef **ret);
