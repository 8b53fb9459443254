/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_conf_test.c: domain XML -> libxl_domain_config -> domain XML
 * (lib/xen/xen_conf.c), through xvXenConfCheck: what the toolstack keeps of
 * a description, and what it refuses.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/domain_conf.h"
#include "xen/xen_conf.h"
#include "xvtest.h"

static const char *const types[] = { "xen", NULL };

static void
quietErrorFunc(void *userData, virErrorPtr err)
{
    (void)userData;
    (void)err;
}

static int
setup(void **state)
{
    (void)state;
    virInitialize();
    virSetErrorFunc(NULL, quietErrorFunc);
    virResetLastError();
    return 0;
}

static xvDomainDef *
parseFile(const char *rel)
{
    char *xml = xvTestReadFile(xvTestDataPath(rel));
    xvDomainDef *def = xvDomainDefParseString(xml, types);

    free(xml);
    if (!def)
        fail_msg("cannot parse %s: %s", rel, virGetLastErrorMessage());
    return def;
}

static xvDomainDef *
parse(const char *xml)
{
    xvDomainDef *def = xvDomainDefParseString(xml, types);

    if (!def)
        fail_msg("cannot parse: %s", virGetLastErrorMessage());
    return def;
}

/* @def through libxl and back; fails the test if libxl refuses it. */
static xvDomainDef *
throughLibxl(const xvDomainDef *def)
{
    xvDomainDef *back = NULL;

    if (xvXenConfCheck(def, &back) < 0)
        fail_msg("refused: %s", virGetLastErrorMessage());
    assert_non_null(back);
    return back;
}

static void
assertRefused(const char *xml, int code, const char *substr)
{
    xvDomainDef *def = parse(xml);
    xvDomainDef *back = NULL;
    virErrorPtr err;

    assert_int_equal(xvXenConfCheck(def, &back), -1);
    assert_null(back);
    assert_non_null(err = virGetLastError());
    assert_int_equal(err->code, code);
    if (!strstr(err->message, substr))
        fail_msg("message '%s' lacks '%s'", err->message, substr);
    xvDomainDefFree(def);
    virResetLastError();
}

#define PV_HEAD \
    "<domain type='xen'><name>g</name><memory>131072</memory><vcpu>1</vcpu>" \
    "<os><type>linux</type><kernel>/k</kernel></os><devices>"
#define PV_TAIL "</devices></domain>"

static void
test_pv_guest_keeps_kernel_memory_vcpus_lifecycle_disks_and_nics(void **state)
{
    xvDomainDef *def, *back;

    (void)state;
    def = parseFile("domain_conf/xen-pv.xml");
    back = throughLibxl(def);
    assert_string_equal(back->type, "xen");
    assert_string_equal(back->name, "pv-guest");
    assert_memory_equal(back->uuid, def->uuid, 16);
    assert_string_equal(back->os.type, "linux");
    assert_string_equal(back->os.kernel, "/boot/vmlinuz-2.6.18-xenU");
    assert_string_equal(back->os.initrd, "/boot/initrd-2.6.18-xenU.img");
    /* <root> goes into the kernel command line, as root= */
    assert_non_null(strstr(back->os.cmdline, "root=/dev/xvda1"));
    assert_non_null(strstr(back->os.cmdline, "console=xvc0 3"));
    assert_int_equal(back->maxMemKiB, 524288);
    assert_int_equal(back->memKiB, 262144);
    assert_int_equal(back->maxVcpus, 2);
    assert_int_equal(back->vcpus, 2);
    assert_int_equal(back->onPoweroff, XV_DOMAIN_LIFECYCLE_DESTROY);
    assert_int_equal(back->onReboot, XV_DOMAIN_LIFECYCLE_RESTART);
    assert_int_equal(back->onCrash, XV_DOMAIN_LIFECYCLE_RESTART);
    assert_int_equal(back->ndisks, 2);
    assert_int_equal(back->disks[0].type, XV_DOMAIN_DISK_TYPE_FILE);
    assert_string_equal(back->disks[0].source, "/var/lib/xen/images/pv-guest.img");
    assert_string_equal(back->disks[0].target, "xvda1");
    assert_string_equal(back->disks[0].driverType, "raw");
    assert_false(back->disks[0].readonly);
    assert_int_equal(back->disks[1].type, XV_DOMAIN_DISK_TYPE_BLOCK);
    assert_string_equal(back->disks[1].driverName, "phy");
    assert_string_equal(back->disks[1].source, "/dev/vg0/pv-guest-swap");
    assert_int_equal(back->nnets, 1);
    assert_int_equal(back->nets[0].type, XV_DOMAIN_NET_TYPE_BRIDGE);
    assert_string_equal(back->nets[0].source, "xenbr0");
    assert_string_equal(back->nets[0].mac, "00:16:3e:2a:0b:7f");
    assert_string_equal(back->nets[0].script, "/etc/xen/scripts/vif-bridge");
    assert_null(back->graphicsType);
    xvDomainDefFree(back);
    xvDomainDefFree(def);
}

static void
test_hvm_guest_keeps_features_boot_order_cpuset_cdrom_and_vnc(void **state)
{
    xvDomainDef *def, *back;

    (void)state;
    def = parse("<domain type='xen'><name>h</name><memory unit='MiB'>1024</memory>"
                "<currentMemory unit='MiB'>768</currentMemory>"
                "<vcpu current='2' cpuset='0-3,^2,8'>4</vcpu>"
                "<os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader>"
                "<boot dev='cdrom'/><boot dev='hd'/></os>"
                "<features><pae/><apic/></features><devices>"
                "<disk type='block'><driver name='phy'/><source dev='/dev/vg0/h'/>"
                "<target dev='hda'/></disk>"
                "<disk type='file' device='cdrom'><driver type='raw'/>"
                "<source file='/srv/install.iso'/><target dev='hdc'/><readonly/></disk>"
                "<graphics type='vnc' port='5901' listen='127.0.0.1'/>"
                "</devices></domain>");
    back = throughLibxl(def);
    assert_string_equal(back->os.type, "hvm");
    assert_string_equal(back->os.loader, "/usr/lib/xen/boot/hvmloader");
    assert_non_null(back->os.boot);
    assert_string_equal(back->os.boot[0], "cdrom");
    assert_string_equal(back->os.boot[1], "hd");
    assert_null(back->os.boot[2]);
    assert_true(back->pae);
    assert_true(back->apic);
    assert_false(back->acpi);
    assert_string_equal(back->cpuset, "0-1,3,8");
    assert_int_equal(back->maxVcpus, 4);
    assert_int_equal(back->vcpus, 2);
    assert_int_equal(back->maxMemKiB, 1048576);
    assert_int_equal(back->memKiB, 786432);
    assert_int_equal(back->disks[1].device, XV_DOMAIN_DISK_DEVICE_CDROM);
    assert_true(back->disks[1].readonly);
    assert_string_equal(back->disks[1].source, "/srv/install.iso");
    assert_string_equal(back->graphicsType, "vnc");
    assert_int_equal(back->graphicsPort, 5901);
    assert_string_equal(back->graphicsListen, "127.0.0.1");
    xvDomainDefFree(back);
    xvDomainDefFree(def);
}

static void
test_pv_graphics_and_bootloader_survive(void **state)
{
    xvDomainDef *def, *back;

    (void)state;
    def = parse("<domain type='xen'><name>g</name><memory>131072</memory><vcpu>1</vcpu>"
                "<bootloader>/usr/bin/pygrub</bootloader>"
                "<bootloader_args>-q --entry=1</bootloader_args>"
                "<os><type>linux</type></os><devices>"
                "<graphics type='vnc'/></devices></domain>");
    back = throughLibxl(def);
    assert_string_equal(back->bootloader, "/usr/bin/pygrub");
    assert_string_equal(back->bootloaderArgs, "-q --entry=1");
    assert_string_equal(back->graphicsType, "vnc");
    /* no port: any free display */
    assert_int_equal(back->graphicsPort, -1);
    xvDomainDefFree(back);
    xvDomainDefFree(def);
}

static void
test_minimal_pv_guest_is_a_fixed_point(void **state)
{
    static const char *const xml =
        "<domain type='xen'><name>m</name><uuid>0a0a0a0a-0000-4000-8000-0000000000aa</uuid>"
        "<memory>131072</memory><vcpu>1</vcpu>"
        "<os><type>linux</type><kernel>/xenlab/vmlinux</kernel>"
        "<cmdline>console=hvc0</cmdline></os></domain>";
    xvDomainDef *def, *back;
    char *a, *b;

    (void)state;
    def = parse(xml);
    back = throughLibxl(def);
    a = xvDomainDefFormat(def, -1);
    b = xvDomainDefFormat(back, -1);
    assert_string_equal(a, b);
    free(a);
    free(b);
    xvDomainDefFree(back);
    xvDomainDefFree(def);
}

static void
test_what_libxl_cannot_take_is_refused_naming_it(void **state)
{
    (void)state;
    assertRefused(PV_HEAD "<interface type='network'><source network='default'/></interface>"
                  PV_TAIL, VIR_ERR_CONFIG_UNSUPPORTED, "interface type 'network' ('default')");
    assertRefused(PV_HEAD "<disk type='file'><driver type='vmdk'/><source file='/x'/>"
                  "<target dev='xvda'/></disk>" PV_TAIL,
                  VIR_ERR_CONFIG_UNSUPPORTED, "unsupported disk format 'vmdk' for disk 'xvda'");
    assertRefused(PV_HEAD "<disk type='file' device='floppy'><source file='/f'/>"
                  "<target dev='fda'/></disk>" PV_TAIL,
                  VIR_ERR_CONFIG_UNSUPPORTED, "floppy disk 'fda'");
    assertRefused("<domain type='xen'><name>g</name><memory>131072</memory>"
                  "<vcpu cpuset='1-x'>1</vcpu><os><type>linux</type><kernel>/k</kernel>"
                  "</os></domain>", VIR_ERR_XML_ERROR, "invalid cpuset '1-x'");
    assertRefused("<domain type='xen'><name>g</name><memory>131072</memory>"
                  "<vcpu cpuset='3-1'>1</vcpu><os><type>linux</type><kernel>/k</kernel>"
                  "</os></domain>", VIR_ERR_XML_ERROR, "invalid cpuset '3-1'");
    /* libvirt's syntax: no empty item, no sign, CPUs below 4096 */
    assertRefused("<domain type='xen'><name>g</name><memory>131072</memory>"
                  "<vcpu cpuset='0,,1'>1</vcpu><os><type>linux</type><kernel>/k</kernel>"
                  "</os></domain>", VIR_ERR_XML_ERROR, "invalid cpuset '0,,1'");
    assertRefused("<domain type='xen'><name>g</name><memory>131072</memory>"
                  "<vcpu cpuset='+1'>1</vcpu><os><type>linux</type><kernel>/k</kernel>"
                  "</os></domain>", VIR_ERR_XML_ERROR, "invalid cpuset '+1'");
    assertRefused("<domain type='xen'><name>g</name><memory>131072</memory>"
                  "<vcpu cpuset='4096'>1</vcpu><os><type>linux</type><kernel>/k</kernel>"
                  "</os></domain>", VIR_ERR_XML_ERROR, "invalid cpuset '4096'");
}

static void
test_check_without_result_only_validates(void **state)
{
    xvDomainDef *def;

    (void)state;
    def = parseFile("domain_conf/xen-pv.xml");
    assert_int_equal(xvXenConfCheck(def, NULL), 0);
    assert_null(virGetLastError());
    xvDomainDefFree(def);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_pv_guest_keeps_kernel_memory_vcpus_lifecycle_disks_and_nics,
                           setup),
    cmocka_unit_test_setup(test_hvm_guest_keeps_features_boot_order_cpuset_cdrom_and_vnc,
                           setup),
    cmocka_unit_test_setup(test_pv_graphics_and_bootloader_survive, setup),
    cmocka_unit_test_setup(test_minimal_pv_guest_is_a_fixed_point, setup),
    cmocka_unit_test_setup(test_what_libxl_cannot_take_is_refused_naming_it, setup),
    cmocka_unit_test_setup(test_check_without_result_only_validates, setup),
};

XV_TEST_MAIN(tests)
