/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_conf.c: domain XML (xvDomainDef) <-> libxl_domain_config. */
#include "config.h"

#include "xen/xen_conf.h"

#include <stdio.h>
#include <string.h>

/* The Xen headers refuse strict ISO C for their anonymous unions, which C11
 * has; __align8__ and friends need the GNU spelling too. */
#undef __STRICT_ANSI__
#include <libxl.h>
#include <libxl_utils.h>

#include "internal.h"
#include "util/xvcpulist.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_XEN

static const libxl_action_on_shutdown xenConfActions[] = {
    [XV_DOMAIN_LIFECYCLE_DESTROY] = LIBXL_ACTION_ON_SHUTDOWN_DESTROY,
    [XV_DOMAIN_LIFECYCLE_RESTART] = LIBXL_ACTION_ON_SHUTDOWN_RESTART,
    [XV_DOMAIN_LIFECYCLE_PRESERVE] = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE,
    [XV_DOMAIN_LIFECYCLE_RENAME_RESTART] = LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME,
};
_Static_assert(XV_N_ELEMENTS(xenConfActions) == XV_DOMAIN_LIFECYCLE_LAST,
               "one libxl action per lifecycle action");

static xvDomainLifecycleAction
xenConfActionFromLibxl(libxl_action_on_shutdown act)
{
    switch (act) {
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
    case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
    case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
        return XV_DOMAIN_LIFECYCLE_RESTART;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
        return XV_DOMAIN_LIFECYCLE_RENAME_RESTART;
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
        return XV_DOMAIN_LIFECYCLE_PRESERVE;
    case LIBXL_ACTION_ON_SHUTDOWN_DESTROY:
    case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY:
    default:
        return XV_DOMAIN_LIFECYCLE_DESTROY;
    }
}

static const struct {
    const char *name;
    libxl_disk_format format;
} xenConfFormats[] = {
    { "raw", LIBXL_DISK_FORMAT_RAW },
    { "qcow", LIBXL_DISK_FORMAT_QCOW },
    { "qcow2", LIBXL_DISK_FORMAT_QCOW2 },
    { "vhd", LIBXL_DISK_FORMAT_VHD },
    { "qed", LIBXL_DISK_FORMAT_QED },
};

static const struct {
    const char *name;
    libxl_disk_backend backend;
} xenConfBackends[] = {
    { "phy", LIBXL_DISK_BACKEND_PHY },
    { "tap", LIBXL_DISK_BACKEND_TAP },
    { "tap2", LIBXL_DISK_BACKEND_TAP },
    { "qemu", LIBXL_DISK_BACKEND_QDISK },
    { "qdisk", LIBXL_DISK_BACKEND_QDISK },
};

static int
xenConfDisk(const xvDomainDiskDef *disk, libxl_device_disk *d)
{
    size_t i;

    libxl_device_disk_init(d);
    if (disk->device == XV_DOMAIN_DISK_DEVICE_FLOPPY) {
        xvReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "floppy disk '%s' is not supported by libxl", disk->target);
        return -1;
    }
    d->vdev = xvStrdup(disk->target);
    d->pdev_path = xvStrdup(disk->source);
    d->readwrite = !disk->readonly;
    d->is_cdrom = disk->device == XV_DOMAIN_DISK_DEVICE_CDROM;
    d->removable = d->is_cdrom;
    d->format = disk->source ? LIBXL_DISK_FORMAT_RAW : LIBXL_DISK_FORMAT_EMPTY;
    if (disk->driverType) {
        for (i = 0; i < XV_N_ELEMENTS(xenConfFormats); i++) {
            if (XV_STREQ(disk->driverType, xenConfFormats[i].name))
                break;
        }
        if (i == XV_N_ELEMENTS(xenConfFormats)) {
            xvReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "unsupported disk format '%s' for disk '%s'",
                          disk->driverType, disk->target);
            return -1;
        }
        d->format = xenConfFormats[i].format;
    }
    d->backend = disk->type == XV_DOMAIN_DISK_TYPE_BLOCK ? LIBXL_DISK_BACKEND_PHY
                                                         : LIBXL_DISK_BACKEND_UNKNOWN;
    for (i = 0; disk->driverName && i < XV_N_ELEMENTS(xenConfBackends); i++) {
        if (XV_STREQ(disk->driverName, xenConfBackends[i].name))
            d->backend = xenConfBackends[i].backend;
    }
    return 0;
}

static int
xenConfNic(const xvDomainNetDef *net, libxl_device_nic *n)
{
    unsigned int mac[6];
    size_t i;

    libxl_device_nic_init(n);
    if (net->type == XV_DOMAIN_NET_TYPE_NETWORK) {
        xvReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "interface type 'network' ('%s') needs a network driver: use "
                      "type 'bridge'", net->source ? net->source : "");
        return -1;
    }
    if (net->mac) {
        if (sscanf(net->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &mac[0], &mac[1], &mac[2],
                   &mac[3], &mac[4], &mac[5]) != 6) {
            xvReportError(VIR_ERR_INVALID_MAC, "invalid MAC address '%s'", net->mac);
            return -1;
        }
        for (i = 0; i < 6; i++)
            n->mac[i] = (uint8_t)mac[i];
    }
    if (net->type == XV_DOMAIN_NET_TYPE_BRIDGE)
        n->bridge = xvStrdup(net->source);
    n->script = xvStrdup(net->script);
    n->ifname = xvStrdup(net->target);
    return 0;
}

/* libxl_bitmap_alloc without a context: a plain map libxl_bitmap_dispose
 * frees. */
static void
xenConfBitmapAlloc(libxl_bitmap *map, unsigned int bits)
{
    map->size = (bits + 7) / 8;
    map->map = xvAllocN(map->size ? map->size : 1, 1);
}

/* A cpuset in libvirt's syntax ("0-3,^2,8"; CPUs 0-4095) as a CPU bitmap. */
static int
xenConfCpuset(const char *cpuset, libxl_bitmap *map)
{
    enum { XEN_CONF_MAX_CPUS = 4096 };

    xenConfBitmapAlloc(map, XEN_CONF_MAX_CPUS);
    if (xvCpuListParse(cpuset, XV_CPULIST_LIBVIRT, XEN_CONF_MAX_CPUS, map->map, NULL) < 0) {
        xvReportError(VIR_ERR_XML_ERROR, "invalid cpuset '%s' in <vcpu>", cpuset);
        return -1;
    }
    return 0;
}

/* The CPUs of @map as a cpuset ("0-3,8"); NULL when it has none. */
static char *
xenConfCpusetFormat(const libxl_bitmap *map)
{
    size_t ncpus = (size_t)map->size * 8;

    if (xvCpuMapCount(map->map, ncpus) == 0)
        return NULL;
    return xvCpuListFormat(map->map, ncpus);
}

/* <graphics>: VNC or SDL, in the device model (HVM) or a vfb (PV). */
static void
xenConfGraphics(const xvDomainDef *def, libxl_vnc_info *vnc, libxl_sdl_info *sdl)
{
    if (XV_STREQ(def->graphicsType, "sdl")) {
        libxl_defbool_set(&sdl->enable, true);
        return;
    }
    libxl_defbool_set(&vnc->enable, true);
    vnc->listen = xvStrdup(def->graphicsListen);
    if (def->graphicsPort >= 5900) {
        vnc->display = def->graphicsPort - 5900;
        libxl_defbool_set(&vnc->findunused, false);
    } else {
        libxl_defbool_set(&vnc->findunused, true);
    }
}

static char *
xenConfCmdline(const xvDomainDef *def)
{
    if (def->os.root && def->os.cmdline)
        return xvAsprintf("root=%s %s", def->os.root, def->os.cmdline);
    if (def->os.root)
        return xvAsprintf("root=%s", def->os.root);
    return xvStrdup(def->os.cmdline);
}

/* "a b c" -> { "a", "b", "c", NULL } */
static libxl_string_list
xenConfSplit(const char *s)
{
    XV_AUTOFREE(char *) copy = xvStrdup(s);
    char **list = xvAllocN(strlen(s) + 2, sizeof(char *));
    char *save = NULL, *tok;
    size_t n = 0;

    for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
        list[n++] = xvStrdup(tok);
    return list;
}

static void
xenConfHvm(const xvDomainDef *def, libxl_domain_build_info *b)
{
    char boot[8] = "";
    size_t i, n = 0;

    libxl_defbool_set(&b->u.hvm.pae, def->pae);
    libxl_defbool_set(&b->u.hvm.acpi, def->acpi);
    libxl_defbool_set(&b->u.hvm.apic, def->apic);
    for (i = 0; def->os.boot && def->os.boot[i] && n < sizeof(boot) - 1; i++) {
        if (XV_STREQ(def->os.boot[i], "hd"))
            boot[n++] = 'c';
        else if (XV_STREQ(def->os.boot[i], "cdrom"))
            boot[n++] = 'd';
        else if (XV_STREQ(def->os.boot[i], "network"))
            boot[n++] = 'n';
        else if (XV_STREQ(def->os.boot[i], "fd"))
            boot[n++] = 'a';
    }
    if (n > 0)
        b->u.hvm.boot = xvStrdup(boot);
    b->u.hvm.firmware = xvStrdup(def->os.loader);
}

int
xvXenConfFromDef(const xvDomainDef *def, libxl_domain_config *cfg)
{
    bool hvm = XV_STREQ_NULLABLE(def->os.type, "hvm");
    libxl_domain_build_info *b = &cfg->b_info;
    unsigned int i;

    cfg->c_info.type = hvm ? LIBXL_DOMAIN_TYPE_HVM : LIBXL_DOMAIN_TYPE_PV;
    cfg->c_info.name = xvStrdup(def->name);
    memcpy(libxl_uuid_bytearray(&cfg->c_info.uuid), def->uuid, XV_UUID_BUFLEN);
    libxl_domain_build_info_init_type(b, cfg->c_info.type);
    b->max_vcpus = (int)def->maxVcpus;
    xenConfBitmapAlloc(&b->avail_vcpus, def->maxVcpus);
    for (i = 0; i < def->vcpus; i++)
        libxl_bitmap_set(&b->avail_vcpus, (int)i);
    if (def->cpuset && xenConfCpuset(def->cpuset, &b->cpumap) < 0)
        return -1;
    b->max_memkb = def->maxMemKiB;
    b->target_memkb = def->memKiB;
    b->kernel = xvStrdup(def->os.kernel);
    b->ramdisk = xvStrdup(def->os.initrd);
    b->cmdline = xenConfCmdline(def);
    b->bootloader = xvStrdup(def->bootloader);
    if (def->bootloaderArgs)
        b->bootloader_args = xenConfSplit(def->bootloaderArgs);
    if (hvm)
        xenConfHvm(def, b);
    if (def->graphicsType && hvm) {
        xenConfGraphics(def, &b->u.hvm.vnc, &b->u.hvm.sdl);
    } else if (def->graphicsType) {
        cfg->vfbs = xvAlloc(sizeof(*cfg->vfbs));
        cfg->num_vfbs = 1;
        libxl_device_vfb_init(&cfg->vfbs[0]);
        xenConfGraphics(def, &cfg->vfbs[0].vnc, &cfg->vfbs[0].sdl);
        cfg->vkbs = xvAlloc(sizeof(*cfg->vkbs));
        cfg->num_vkbs = 1;
        libxl_device_vkb_init(&cfg->vkbs[0]);
    }
    cfg->on_poweroff = xenConfActions[def->onPoweroff];
    cfg->on_reboot = xenConfActions[def->onReboot];
    cfg->on_crash = xenConfActions[def->onCrash];
    cfg->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    cfg->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;

    if (def->ndisks) {
        cfg->disks = xvAllocN(def->ndisks, sizeof(*cfg->disks));
        for (i = 0; i < def->ndisks; i++) {
            cfg->num_disks++;
            if (xenConfDisk(&def->disks[i], &cfg->disks[i]) < 0)
                return -1;
        }
    }
    if (def->nnets) {
        cfg->nics = xvAllocN(def->nnets, sizeof(*cfg->nics));
        for (i = 0; i < def->nnets; i++) {
            cfg->num_nics++;
            if (xenConfNic(&def->nets[i], &cfg->nics[i]) < 0)
                return -1;
            cfg->nics[i].devid = (libxl_devid)i;
        }
    }
    return 0;
}

/* ---- libxl -> XML -------------------------------------------------------- */

static bool
xenConfDefboolTrue(libxl_defbool db)
{
    return !libxl_defbool_is_default(db) && libxl_defbool_val(db);
}

static void
xenConfGraphicsToDef(const libxl_vnc_info *vnc, const libxl_sdl_info *sdl, xvDomainDef *def)
{
    if (xenConfDefboolTrue(vnc->enable)) {
        def->graphicsType = xvStrdup("vnc");
        def->graphicsListen = xvStrdup(vnc->listen);
        if (!xenConfDefboolTrue(vnc->findunused))
            def->graphicsPort = 5900 + vnc->display;
    } else if (xenConfDefboolTrue(sdl->enable)) {
        def->graphicsType = xvStrdup("sdl");
    }
}

static void
xenConfDiskToDef(const libxl_device_disk *d, xvDomainDiskDef *disk)
{
    size_t i;

    disk->type = d->backend == LIBXL_DISK_BACKEND_PHY ? XV_DOMAIN_DISK_TYPE_BLOCK
                                                      : XV_DOMAIN_DISK_TYPE_FILE;
    disk->device = d->is_cdrom ? XV_DOMAIN_DISK_DEVICE_CDROM : XV_DOMAIN_DISK_DEVICE_DISK;
    disk->source = xvStrdup(d->pdev_path);
    disk->target = xvStrdup(d->vdev ? d->vdev : "xvda");
    disk->readonly = !d->readwrite;
    for (i = 0; i < XV_N_ELEMENTS(xenConfBackends); i++) {
        if (xenConfBackends[i].backend == d->backend) {
            disk->driverName = xvStrdup(xenConfBackends[i].name);
            break;
        }
    }
    for (i = 0; i < XV_N_ELEMENTS(xenConfFormats); i++) {
        if (xenConfFormats[i].format == d->format) {
            disk->driverType = xvStrdup(xenConfFormats[i].name);
            break;
        }
    }
}

static void
xenConfNicToDef(const libxl_device_nic *n, xvDomainNetDef *net)
{
    net->type = n->bridge ? XV_DOMAIN_NET_TYPE_BRIDGE : XV_DOMAIN_NET_TYPE_ETHERNET;
    net->mac = xvAsprintf("%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1], n->mac[2],
                          n->mac[3], n->mac[4], n->mac[5]);
    net->source = xvStrdup(n->bridge);
    net->script = xvStrdup(n->script);
    net->target = xvStrdup(n->ifname);
}

static void
xenConfHvmToDef(const libxl_domain_build_info *b, xvDomainDef *def)
{
    static const struct { char c; const char *dev; } devs[] = {
        { 'c', "hd" }, { 'd', "cdrom" }, { 'n', "network" }, { 'a', "fd" },
    };
    size_t i, j, n = 0;

    def->pae = xenConfDefboolTrue(b->u.hvm.pae);
    def->acpi = xenConfDefboolTrue(b->u.hvm.acpi);
    def->apic = xenConfDefboolTrue(b->u.hvm.apic);
    def->os.loader = xvStrdup(b->u.hvm.firmware);
    if (!b->u.hvm.boot)
        return;
    def->os.boot = xvAllocN(strlen(b->u.hvm.boot) + 1, sizeof(char *));
    for (i = 0; b->u.hvm.boot[i]; i++) {
        for (j = 0; j < XV_N_ELEMENTS(devs); j++) {
            if (devs[j].c == b->u.hvm.boot[i])
                def->os.boot[n++] = xvStrdup(devs[j].dev);
        }
    }
}

xvDomainDef *
xvXenConfToDef(const libxl_domain_config *cfg)
{
    const libxl_domain_build_info *b = &cfg->b_info;
    xvDomainDef *def = xvAlloc(sizeof(*def));
    int i;

    def->type = xvStrdup("xen");
    def->id = -1;
    def->graphicsPort = -1;
    def->name = xvStrdup(cfg->c_info.name ? cfg->c_info.name : "");
    memcpy(def->uuid, libxl_uuid_bytearray_const(&cfg->c_info.uuid), XV_UUID_BUFLEN);
    def->maxMemKiB = (unsigned long)b->max_memkb;
    def->memKiB = (unsigned long)b->target_memkb;
    def->maxVcpus = b->max_vcpus > 0 ? (unsigned int)b->max_vcpus : 1;
    def->vcpus = def->maxVcpus;
    if (b->avail_vcpus.size > 0 && libxl_bitmap_count_set(&b->avail_vcpus) > 0)
        def->vcpus = (unsigned int)libxl_bitmap_count_set(&b->avail_vcpus);
    def->os.type = xvStrdup(cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM ? "hvm" : "linux");
    def->os.kernel = xvStrdup(b->kernel);
    def->os.initrd = xvStrdup(b->ramdisk);
    def->os.cmdline = xvStrdup(b->cmdline);
    def->bootloader = xvStrdup(b->bootloader);
    if (b->bootloader_args && b->bootloader_args[0]) {
        XV_AUTOFREE(char *) args = xvStrdup(b->bootloader_args[0]);

        for (i = 1; b->bootloader_args[i]; i++) {
            char *more = xvAsprintf("%s %s", args, b->bootloader_args[i]);

            free(args);
            args = more;
        }
        def->bootloaderArgs = XV_STEAL_PTR(args);
    }
    if (b->cpumap.size > 0)
        def->cpuset = xenConfCpusetFormat(&b->cpumap);
    if (cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
        xenConfHvmToDef(b, def);
        xenConfGraphicsToDef(&b->u.hvm.vnc, &b->u.hvm.sdl, def);
    } else if (cfg->num_vfbs > 0) {
        xenConfGraphicsToDef(&cfg->vfbs[0].vnc, &cfg->vfbs[0].sdl, def);
    }
    def->onPoweroff = xenConfActionFromLibxl(cfg->on_poweroff);
    def->onReboot = xenConfActionFromLibxl(cfg->on_reboot);
    def->onCrash = xenConfActionFromLibxl(cfg->on_crash);
    if (cfg->num_disks > 0) {
        def->disks = xvAllocN((size_t)cfg->num_disks, sizeof(*def->disks));
        for (i = 0; i < cfg->num_disks; i++)
            xenConfDiskToDef(&cfg->disks[i], &def->disks[def->ndisks++]);
    }
    if (cfg->num_nics > 0) {
        def->nets = xvAllocN((size_t)cfg->num_nics, sizeof(*def->nets));
        for (i = 0; i < cfg->num_nics; i++)
            xenConfNicToDef(&cfg->nics[i], &def->nets[def->nnets++]);
    }
    return def;
}

int
xvXenConfCheck(const xvDomainDef *def, xvDomainDef **ret)
{
    libxl_domain_config cfg;
    int rc;

    libxl_domain_config_init(&cfg);
    if ((rc = xvXenConfFromDef(def, &cfg)) == 0 && ret)
        *ret = xvXenConfToDef(&cfg);
    libxl_domain_config_dispose(&cfg);
    return rc;
}
