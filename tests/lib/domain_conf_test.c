/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* domain_conf_test.c: domain XML parsing, formatting and round-trips (lib/conf/domain_conf.c). */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "xvtest.h"

#include "conf/domain_conf.h"
#include "util/xvmacros.h"
#include "util/xvuuid.h"

static const char *const allowedTypes[] = { "xen", "test", NULL };

/* ---------------------------------------------------------------- helpers */

static char *
readData(const char *name)
{
    char rel[256];

    snprintf(rel, sizeof(rel), "domain_conf/%s", name);
    return xvTestReadFile(xvTestDataPath(rel));
}

static xvDomainDef *
parseOrFail(const char *xml, const char *what)
{
    xvDomainDef *def;

    virResetLastError();
    def = xvDomainDefParseString(xml, allowedTypes);
    if (!def) {
        virErrorPtr err = virGetLastError();

        fail_msg("cannot parse %s: %s", what, err && err->message ? err->message : "?");
    }
    return def;
}

static xvDomainDef *
parseData(const char *name)
{
    char *xml = readData(name);
    xvDomainDef *def = parseOrFail(xml, name);

    free(xml);
    return def;
}

/* Format(Parse(xml)) */
static char *
reformat(const char *xml, const char *what)
{
    xvDomainDef *def = parseOrFail(xml, what);
    char *out = xvDomainDefFormat(def, def->id);

    xvDomainDefFree(def);
    return out;
}

/* Asserts that parsing @xml fails with @code and a message containing @substr. */
static void
assertParseError(const char *xml, int code, const char *substr)
{
    xvDomainDef *def;
    virErrorPtr err;

    virResetLastError();
    def = xvDomainDefParseString(xml, allowedTypes);
    if (def) {
        xvDomainDefFree(def);
        fail_msg("parse unexpectedly succeeded on: %s", xml);
    }
    err = virGetLastError();
    assert_non_null(err);
    assert_non_null(err->message);
    if (err->code != code || !strstr(err->message, substr))
        fail_msg("expected code %d with '%s', got code %d: %s\n  input: %s",
                 code, substr, err->code, err->message, xml);
    assert_int_equal(err->domain, VIR_FROM_DOMAIN);
}

/*
 * A domain built from parts; NULL takes the default part and "" leaves it
 * out. Returns a static buffer (tests are single-threaded here).
 */
static const char *
buildXML(const char *attrs, const char *name, const char *memory, const char *os,
         const char *rest)
{
    static char buf[4096];

    snprintf(buf, sizeof(buf), "<domain %s>%s%s%s%s</domain>",
             attrs ? attrs : "type='xen'",
             name ? name : "<name>t1</name>",
             memory ? memory : "<memory>1024</memory>",
             os ? os : "<os><type>hvm</type></os>",
             rest ? rest : "");
    return buf;
}

static bool
isInputFile(const char *name)
{
    size_t len = strlen(name);

    return len > 4 && strcmp(name + len - 4, ".xml") == 0 &&
           !(len > 8 && strcmp(name + len - 8, ".out.xml") == 0);
}

/* Sorted names of the input files of tests/data/domain_conf (NULL-terminated). */
static char **
listInputs(size_t *count)
{
    DIR *dir = opendir(xvTestDataPath("domain_conf"));
    struct dirent *ent;
    char **names = NULL;
    size_t n = 0, i, j;

    assert_non_null(dir);
    while ((ent = readdir(dir))) {
        if (!isInputFile(ent->d_name))
            continue;
        names = realloc(names, (n + 2) * sizeof(*names));
        assert_non_null(names);
        names[n++] = strdup(ent->d_name);
        names[n] = NULL;
    }
    closedir(dir);
    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (strcmp(names[i], names[j]) > 0) {
                char *tmp = names[i];

                names[i] = names[j];
                names[j] = tmp;
            }
        }
    }
    *count = n;
    return names;
}

static void
freeList(char **names)
{
    size_t i;

    for (i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

/* ---------------------------------------------------------------- goldens and round-trips */

static void
test_format_matches_golden_for_every_input(void **state)
{
    size_t n, i;
    char **names = listInputs(&n);

    (void)state;
    assert_true(n >= 8);
    for (i = 0; i < n; i++) {
        char *xml = readData(names[i]);
        char *out = reformat(xml, names[i]);
        char golden[256];

        snprintf(golden, sizeof(golden), "domain_conf/%.*s.out.xml",
                 (int)(strlen(names[i]) - 4), names[i]);
        xvTestCompareGolden(out, golden);
        free(out);
        free(xml);
    }
    freeList(names);
}

static void
test_format_is_fixed_point_for_every_input(void **state)
{
    size_t n, i;
    char **names = listInputs(&n);

    (void)state;
    assert_true(n >= 8);
    for (i = 0; i < n; i++) {
        char *xml = readData(names[i]);
        char *once = reformat(xml, names[i]);
        char *twice = reformat(once, names[i]);
        char *thrice = reformat(twice, names[i]);

        if (strcmp(once, twice) != 0)
            fail_msg("%s: Format(Parse(Format(Parse(x)))) differs:\n%s\n---\n%s",
                     names[i], once, twice);
        assert_string_equal(twice, thrice);
        free(thrice);
        free(twice);
        free(once);
        free(xml);
    }
    freeList(names);
}

static void
test_copy_formats_identically_for_every_input(void **state)
{
    size_t n, i;
    char **names = listInputs(&n);

    (void)state;
    for (i = 0; i < n; i++) {
        xvDomainDef *def = parseData(names[i]);
        xvDomainDef *copy = xvDomainDefCopy(def);
        char *expected = xvDomainDefFormat(def, 3);
        char *actual;

        /* deep: nothing of the copy may point into the original */
        xvDomainDefFree(def);
        actual = xvDomainDefFormat(copy, 3);
        assert_string_equal(actual, expected);
        free(actual);
        free(expected);
        xvDomainDefFree(copy);
    }
    freeList(names);
}

/* ---------------------------------------------------------------- field values */

static void
test_parse_xen_pv_domain(void **state)
{
    xvDomainDef *def = parseData("xen-pv.xml");
    char uuid[XV_UUID_STRING_BUFLEN];

    (void)state;
    assert_string_equal(def->type, "xen");
    assert_int_equal(def->id, 7);
    assert_string_equal(def->name, "pv-guest");
    xvUUIDFormat(def->uuid, uuid);
    assert_string_equal(uuid, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    assert_int_equal(def->maxMemKiB, 524288);
    assert_int_equal(def->memKiB, 262144);
    assert_int_equal(def->maxVcpus, 2);
    assert_int_equal(def->vcpus, 2);
    assert_null(def->cpuset);
    assert_string_equal(def->os.type, "linux");
    assert_string_equal(def->os.kernel, "/boot/vmlinuz-2.6.18-xenU");
    assert_string_equal(def->os.initrd, "/boot/initrd-2.6.18-xenU.img");
    assert_string_equal(def->os.root, "/dev/xvda1");
    assert_string_equal(def->os.cmdline, " ro console=xvc0 3");
    assert_null(def->os.loader);
    assert_null(def->os.boot);
    assert_int_equal(def->onPoweroff, XV_DOMAIN_LIFECYCLE_DESTROY);
    assert_int_equal(def->onReboot, XV_DOMAIN_LIFECYCLE_RESTART);
    assert_int_equal(def->onCrash, XV_DOMAIN_LIFECYCLE_RESTART);
    assert_int_equal(def->ndisks, 2);
    assert_int_equal(def->disks[0].type, XV_DOMAIN_DISK_TYPE_FILE);
    assert_int_equal(def->disks[0].device, XV_DOMAIN_DISK_DEVICE_DISK);
    assert_string_equal(def->disks[0].source, "/var/lib/xen/images/pv-guest.img");
    assert_string_equal(def->disks[0].target, "xvda1");
    assert_null(def->disks[0].driverName);
    assert_int_equal(def->disks[1].type, XV_DOMAIN_DISK_TYPE_BLOCK);
    assert_string_equal(def->disks[1].source, "/dev/vg0/pv-guest-swap");
    assert_string_equal(def->disks[1].driverName, "phy");
    assert_null(def->disks[1].driverType);
    assert_int_equal(def->nnets, 1);
    assert_int_equal(def->nets[0].type, XV_DOMAIN_NET_TYPE_BRIDGE);
    assert_string_equal(def->nets[0].source, "xenbr0");
    assert_string_equal(def->nets[0].mac, "00:16:3e:2a:0b:7f");
    assert_string_equal(def->nets[0].script, "/etc/xen/scripts/vif-bridge");
    assert_null(def->nets[0].target);
    assert_true(def->hasConsole);
    assert_null(def->consoleType);
    assert_string_equal(def->consoleTty, "/dev/pts/4");
    assert_null(def->graphicsType);
    assert_int_equal(def->graphicsPort, -1);
    assert_null(def->testExtra);
    xvDomainDefFree(def);
}

static void
test_parse_xen_hvm_domain(void **state)
{
    xvDomainDef *def = parseData("xen-hvm.xml");

    (void)state;
    assert_int_equal(def->id, -1);
    assert_int_equal(def->maxMemKiB, 1024 * 1024);
    assert_int_equal(def->memKiB, 768 * 1024);
    assert_int_equal(def->maxVcpus, 4);
    assert_int_equal(def->vcpus, 2);
    assert_string_equal(def->cpuset, "0-3,^2");
    assert_string_equal(def->os.type, "hvm");
    assert_string_equal(def->os.arch, "x86_64");
    assert_string_equal(def->os.machine, "xenfv");
    assert_string_equal(def->os.loader, "/usr/lib/xen/boot/hvmloader");
    assert_null(def->os.kernel);
    assert_non_null(def->os.boot);
    assert_string_equal(def->os.boot[0], "cdrom");
    assert_string_equal(def->os.boot[1], "hd");
    assert_null(def->os.boot[2]);
    assert_true(def->pae);
    assert_true(def->acpi);
    assert_true(def->apic);
    assert_int_equal(def->onCrash, XV_DOMAIN_LIFECYCLE_PRESERVE);
    assert_int_equal(def->ndisks, 3);
    assert_int_equal(def->disks[1].device, XV_DOMAIN_DISK_DEVICE_CDROM);
    assert_string_equal(def->disks[1].driverType, "raw");
    assert_string_equal(def->disks[1].bus, "ide");
    assert_true(def->disks[1].readonly);
    assert_false(def->disks[0].readonly);
    assert_int_equal(def->disks[2].device, XV_DOMAIN_DISK_DEVICE_FLOPPY);
    assert_string_equal(def->nets[0].target, "vif5.0");
    assert_false(def->hasConsole);
    assert_string_equal(def->graphicsType, "vnc");
    assert_int_equal(def->graphicsPort, 5901);
    assert_string_equal(def->graphicsListen, "127.0.0.1");
    xvDomainDefFree(def);
}

static void
test_parse_libvirt_test_node_style_domain(void **state)
{
    xvDomainDef *def = parseData("test-node-domain.xml");

    (void)state;
    assert_string_equal(def->type, "test");
    assert_int_equal(def->maxMemKiB, 8388608);
    assert_int_equal(def->memKiB, 2097152);
    assert_int_equal(def->maxVcpus, 2);
    assert_int_equal(def->vcpus, 2);
    assert_string_equal(def->os.type, "hvm");
    assert_string_equal(def->os.arch, "i686");
    assert_int_equal(def->ndisks, 1);
    assert_string_equal(def->disks[0].target, "vda");
    assert_string_equal(def->disks[0].bus, "virtio");
    assert_int_equal(def->nnets, 1);
    assert_int_equal(def->nets[0].type, XV_DOMAIN_NET_TYPE_NETWORK);
    assert_string_equal(def->nets[0].source, "default");
    assert_null(def->testExtra);
    xvDomainDefFree(def);
}

static void
test_parse_bootloader_domain_without_kernel(void **state)
{
    xvDomainDef *def = parseData("pv-bootloader.xml");

    (void)state;
    assert_int_equal(def->id, 0);
    assert_string_equal(def->os.type, "xen");
    assert_null(def->os.kernel);
    assert_string_equal(def->bootloader, "/usr/bin/pygrub");
    assert_string_equal(def->bootloaderArgs, "--entry=xvda1:/boot/grub/menu.lst");
    assert_int_equal(def->maxMemKiB, 2UL * 1024 * 1024);
    assert_int_equal(def->onReboot, XV_DOMAIN_LIFECYCLE_RENAME_RESTART);
    assert_int_equal(def->onPoweroff, XV_DOMAIN_LIFECYCLE_DESTROY);
    assert_int_equal(def->onCrash, XV_DOMAIN_LIFECYCLE_DESTROY);
    assert_int_equal(def->ndisks, 2);
    assert_int_equal(def->disks[1].device, XV_DOMAIN_DISK_DEVICE_CDROM);
    assert_null(def->disks[1].source);
    assert_int_equal(def->nnets, 2);
    assert_int_equal(def->nets[0].type, XV_DOMAIN_NET_TYPE_ETHERNET);
    assert_string_equal(def->nets[0].mac, "00:16:3e:0a:0b:0c");
    assert_null(def->nets[0].source);
    assert_int_equal(def->nets[1].type, XV_DOMAIN_NET_TYPE_ETHERNET);
    assert_null(def->nets[1].mac);
    assert_string_equal(def->consoleType, "pty");
    assert_string_equal(def->graphicsType, "sdl");
    assert_int_equal(def->graphicsPort, -1);
    xvDomainDefFree(def);
}

static void
test_parse_escaped_values(void **state)
{
    xvDomainDef *def = parseData("escaping.xml");
    char *out;

    (void)state;
    assert_string_equal(def->name, "a&b \"quoted\" <x> it's");
    assert_string_equal(def->os.kernel, "/boot/vmlinuz-'x'&\"y\"");
    assert_string_equal(def->os.cmdline, "root=/dev/xvda1 ro quiet\rx=\"a b\" <>");
    assert_string_equal(def->disks[0].source, "/img/it's \"odd\"\nname\ttab.img");
    /* 1048577 bytes round up to 1025 KiB */
    assert_int_equal(def->maxMemKiB, 1025);
    assert_int_equal(def->graphicsPort, -1);
    out = xvDomainDefFormat(def, -1);
    assert_non_null(strstr(out, "<name>a&amp;b &quot;quoted&quot; &lt;x&gt; it&apos;s</name>"));
    assert_non_null(strstr(out, "quiet&#13;x="));
    assert_non_null(strstr(out, "&quot;odd&quot;&#10;name&#9;tab.img'"));
    free(out);
    xvDomainDefFree(def);
}

/* ---------------------------------------------------------------- test-driver extras */

static void
test_parse_keeps_test_namespace_extras_in_order(void **state)
{
    xvDomainDef *def = parseData("test-extras.xml");
    const char *state1, *runstate, *vcpus, *note;

    (void)state;
    assert_non_null(def->testExtra);
    state1 = strstr(def->testExtra, "<xvirt:state xmlns:xvirt=\"" XV_TEST_NS "\" reason=\"booted\">"
                                    "running</xvirt:state>");
    runstate = strstr(def->testExtra, "<test:runstate xmlns:test=\"" XV_LIBVIRT_TEST_NS "\">"
                                      "3</test:runstate>");
    vcpus = strstr(def->testExtra, "<xvirt:vcpus xmlns:xvirt=");
    /* a prefix declared on <domain> and used by an attribute moves along too */
    note = strstr(def->testExtra, "<xvirt:note xmlns:xvirt=\"" XV_TEST_NS "\" xmlns:test=\""
                                  XV_LIBVIRT_TEST_NS "\" test:lang=\"en\">a &amp; b &lt; c"
                                  "</xvirt:note>");
    assert_non_null(state1);
    assert_non_null(runstate);
    assert_non_null(vcpus);
    assert_non_null(note);
    assert_true(state1 < runstate && runstate < vcpus && vcpus < note);
    assert_non_null(strstr(def->testExtra,
                           "<xvirt:vcpu id=\"1\" cpu=\"3\" cputime=\"750000000\"/>"));
    assert_non_null(strstr(def->testExtra, "<!-- a comment inside an extra is kept -->"));
    /* elements of other namespaces are not the test driver's */
    assert_null(strstr(def->testExtra, "dropped"));
    assert_null(strstr(def->testExtra, "meta"));
    /* the test domain type waives the kernel of a paravirtualized os */
    assert_string_equal(def->os.type, "linux");
    assert_null(def->os.kernel);
    xvDomainDefFree(def);
}

static void
test_test_extras_parse_alone(void **state)
{
    xvDomainDef *def = parseData("test-extras.xml");
    char *wrapped;
    xmlDocPtr doc;

    (void)state;
    /* each piece declares its own namespace: wrapped in any element, the
     * whole string is well-formed XML */
    assert_true(asprintf(&wrapped, "<extras>%s</extras>", def->testExtra) > 0);
    doc = xmlReadMemory(wrapped, (int)strlen(wrapped), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlFreeDoc(doc);
    free(wrapped);
    xvDomainDefFree(def);
}

static void
test_parse_node_nested_domain_keeps_extras_like_standalone(void **state)
{
    const char *nodeXML =
        "<node xmlns:xvirt='" XV_TEST_NS "'>\n"
        "  <cpu><mhz>2000</mhz></cpu>\n"
        "      <domain type='test'>\n"
        "        <name>nested</name>\n"
        "        <uuid>00112233-4455-6677-8899-aabbccddeeff</uuid>\n"
        "        <memory>1024</memory>\n"
        "        <os><type>hvm</type></os>\n"
        "        <xvirt:vcpus>\n"
        "              <xvirt:vcpu id='0' cpu='1'/>\n"
        "        </xvirt:vcpus>\n"
        "      </domain>\n"
        "</node>\n";
    const char *standalone =
        "<domain type='test'><name>nested</name>"
        "<uuid>00112233-4455-6677-8899-aabbccddeeff</uuid><memory>1024</memory>"
        "<os><type>hvm</type></os>"
        "<xvirt:vcpus xmlns:xvirt='" XV_TEST_NS "'><xvirt:vcpu id='0' cpu='1'/></xvirt:vcpus>"
        "</domain>";
    xmlDocPtr doc = xmlReadMemory(nodeXML, (int)strlen(nodeXML), NULL, NULL, XML_PARSE_NONET);
    xmlNodePtr root, cur;
    xvDomainDef *nested, *alone;
    char *a, *b;

    (void)state;
    assert_non_null(doc);
    root = xmlDocGetRootElement(doc);
    for (cur = root->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && strcmp((const char *)cur->name, "domain") == 0)
            break;
    }
    assert_non_null(cur);
    virResetLastError();
    nested = xvDomainDefParseNode(doc, cur, allowedTypes);
    assert_non_null(nested);
    xmlFreeDoc(doc);
    alone = parseOrFail(standalone, "standalone");
    assert_string_equal(nested->testExtra, alone->testExtra);
    assert_string_equal(nested->testExtra,
                        "  <xvirt:vcpus xmlns:xvirt=\"" XV_TEST_NS "\">\n"
                        "    <xvirt:vcpu id=\"0\" cpu=\"1\"/>\n"
                        "  </xvirt:vcpus>\n");
    a = xvDomainDefFormat(nested, -1);
    b = xvDomainDefFormat(alone, -1);
    assert_string_equal(a, b);
    free(a);
    free(b);
    xvDomainDefFree(nested);
    xvDomainDefFree(alone);
}

static void
test_parse_node_rejects_non_domain_element(void **state)
{
    const char *xml = "<node><domain type='test'/></node>";
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);

    (void)state;
    assert_non_null(doc);
    virResetLastError();
    assert_null(xvDomainDefParseNode(doc, xmlDocGetRootElement(doc), allowedTypes));
    assert_int_equal(virGetLastError()->code, VIR_ERR_XML_ERROR);
    assert_non_null(strstr(virGetLastError()->message, "unexpected root element <node>"));
    xmlFreeDoc(doc);
}

/* ---------------------------------------------------------------- format details */

static void
test_format_writes_id_only_when_non_negative(void **state)
{
    xvDomainDef *def = parseData("minimal.xml");
    char *inactive = xvDomainDefFormat(def, -1);
    char *active = xvDomainDefFormat(def, 12);

    (void)state;
    assert_non_null(strstr(inactive, "<domain type='xen'>\n"));
    assert_non_null(strstr(active, "<domain type='xen' id='12'>\n"));
    free(inactive);
    free(active);
    xvDomainDefFree(def);
}

static void
test_format_writes_current_values_only_when_different(void **state)
{
    xvDomainDef *def = parseData("minimal.xml");
    char *out;

    (void)state;
    assert_int_equal(def->memKiB, 65536);
    assert_int_equal(def->maxVcpus, 1);
    out = xvDomainDefFormat(def, -1);
    assert_null(strstr(out, "currentMemory"));
    assert_non_null(strstr(out, "  <vcpu>1</vcpu>\n"));
    free(out);

    def->memKiB = 32768;
    def->maxVcpus = 4;
    def->vcpus = 3;
    out = xvDomainDefFormat(def, -1);
    assert_non_null(strstr(out, "  <memory unit='KiB'>65536</memory>\n"
                                "  <currentMemory unit='KiB'>32768</currentMemory>\n"
                                "  <vcpu current='3'>4</vcpu>\n"));
    free(out);
    xvDomainDefFree(def);
}

static void
test_format_minimal_domain_exactly(void **state)
{
    xvDomainDef *def = parseData("minimal.xml");
    char *out = xvDomainDefFormat(def, -1);

    (void)state;
    assert_string_equal(out,
                        "<domain type='xen'>\n"
                        "  <name>min</name>\n"
                        "  <uuid>11111111-2222-3333-4444-555555555555</uuid>\n"
                        "  <memory unit='KiB'>65536</memory>\n"
                        "  <vcpu>1</vcpu>\n"
                        "  <os>\n"
                        "    <type>hvm</type>\n"
                        "  </os>\n"
                        "  <on_poweroff>destroy</on_poweroff>\n"
                        "  <on_reboot>restart</on_reboot>\n"
                        "  <on_crash>destroy</on_crash>\n"
                        "</domain>\n");
    free(out);
    xvDomainDefFree(def);
}

/* ---------------------------------------------------------------- numbers and units */

static void
test_memory_units_convert_to_kib(void **state)
{
    static const struct {
        const char *value;
        const char *unit;   /* NULL: no unit attribute */
        unsigned long kib;
    } cases[] = {
        { "1024", NULL, 1024 },
        { " 42\n", NULL, 42 },
        { "1", "b", 1 },
        { "1024", "bytes", 1 },
        { "1025", "B", 2 },
        { "2048", "byte", 2 },
        { "1", "KB", 1 },          /* 1000 bytes, rounded up */
        { "1024", "KB", 1000 },
        { "3", "k", 3 },
        { "3", "KiB", 3 },
        { "1", "MB", 977 },        /* 1000000 / 1024 = 976.56 */
        { "1", "M", 1024 },
        { "1", "MiB", 1024 },
        { "2", "mib", 2048 },
        { "1", "GB", 976563 },     /* 976562.5 */
        { "1", "G", 1048576 },
        { "4", "GiB", 4194304 },
        { "1", "TB", 976562500 },
        { "1", "T", 1073741824 },
        { "1", "TiB", 1073741824 },
        { "1", "PiB", 1099511627776UL },
        { "7", "EiB", 7UL << 50 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char mem[128];
        xvDomainDef *def;

        if (cases[i].unit)
            snprintf(mem, sizeof(mem), "<memory unit='%s'>%s</memory>", cases[i].unit,
                     cases[i].value);
        else
            snprintf(mem, sizeof(mem), "<memory>%s</memory>", cases[i].value);
        def = parseOrFail(buildXML(NULL, NULL, mem, NULL, NULL), mem);
        if (def->maxMemKiB != cases[i].kib)
            fail_msg("%s: got %lu KiB, expected %lu", mem, def->maxMemKiB, cases[i].kib);
        assert_int_equal(def->memKiB, def->maxMemKiB);
        xvDomainDefFree(def);
    }
}

static void
test_memory_overflow_is_rejected(void **state)
{
    static const struct {
        const char *mem;
        const char *substr;
    } cases[] = {
        { "<memory>18446744073709551616</memory>",
          "invalid value '18446744073709551616' for <memory> in unit 'KiB': larger than" },
        { "<memory>99999999999999999999999999</memory>", "for <memory> in unit 'KiB'" },
        { "<memory>9007199254740992</memory>", "for <memory> in unit 'KiB'" },   /* 2^53 KiB */
        { "<memory unit='EiB'>16</memory>", "invalid value '16' for <memory> in unit 'EiB'" },
        { "<memory unit='EiB'>8</memory>", "in unit 'EiB'" },     /* exactly 2^63 bytes */
        { "<memory unit='GiB'>8589934592</memory>", "in unit 'GiB'" },
        { "<memory unit='TiB'>9000000</memory>", "in unit 'TiB'" },
        { "<memory unit='b'>18446744073709551615</memory>", "in unit 'b'" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++)
        assertParseError(buildXML(NULL, NULL, cases[i].mem, NULL, NULL),
                         VIR_ERR_XML_ERROR, cases[i].substr);

    /* the largest accepted value: 2^63 - 1 bytes */
    {
        xvDomainDef *def = parseOrFail(buildXML(NULL, NULL,
                                                "<memory unit='b'>9223372036854775807</memory>",
                                                NULL, NULL), "max");

        assert_int_equal(def->maxMemKiB, 9007199254740992UL);
        xvDomainDefFree(def);
    }
}

static void
test_memory_garbage_is_rejected(void **state)
{
    static const char *const values[] = {
        "abc", "-5", "0", "+5", "0x10", "12abc", "1.5", "", "   ", "1 2", "- 1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(values); i++) {
        char mem[128], substr[128];

        snprintf(mem, sizeof(mem), "<memory>%s</memory>", values[i]);
        snprintf(substr, sizeof(substr),
                 "invalid value '%s' for <memory>: expected a positive integer",
                 values[i][0] == ' ' ? "" : values[i]);
        if (values[i][0] == ' ')
            snprintf(substr, sizeof(substr), "for <memory>: expected a positive integer");
        assertParseError(buildXML(NULL, NULL, mem, NULL, NULL), VIR_ERR_XML_ERROR, substr);
    }
    assertParseError(buildXML(NULL, NULL, "<memory unit='XB'>1</memory>", NULL, NULL),
                     VIR_ERR_XML_ERROR, "unknown unit 'XB' for <memory>");
    assertParseError(buildXML(NULL, NULL, "<memory unit='kilobytes'>1</memory>", NULL, NULL),
                     VIR_ERR_XML_ERROR, "unknown unit 'kilobytes' for <memory>");
    assertParseError(buildXML(NULL, NULL, "", NULL, NULL),
                     VIR_ERR_XML_ERROR, "missing <memory> element");
}

static void
test_current_memory_is_checked(void **state)
{
    (void)state;
    assertParseError(buildXML(NULL, NULL,
                              "<memory>1024</memory><currentMemory>2048</currentMemory>",
                              NULL, NULL),
                     VIR_ERR_XML_ERROR,
                     "<currentMemory> of 2048 KiB is larger than <memory> of 1024 KiB");
    assertParseError(buildXML(NULL, NULL,
                              "<memory>1024</memory><currentMemory>x</currentMemory>",
                              NULL, NULL),
                     VIR_ERR_XML_ERROR, "invalid value 'x' for <currentMemory>");
    assertParseError(buildXML(NULL, NULL,
                              "<memory>1024</memory><currentMemory unit='Q'>1</currentMemory>",
                              NULL, NULL),
                     VIR_ERR_XML_ERROR, "unknown unit 'Q' for <currentMemory>");
}

static void
test_vcpu_values_are_checked(void **state)
{
    xvDomainDef *def;

    (void)state;
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu>0</vcpu>"),
                     VIR_ERR_XML_ERROR,
                     "invalid value '0' for <vcpu>: expected a positive integer");
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu>two</vcpu>"),
                     VIR_ERR_XML_ERROR, "invalid value 'two' for <vcpu>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu/>"),
                     VIR_ERR_XML_ERROR, "invalid value '' for <vcpu>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu>99999999999999999999</vcpu>"),
                     VIR_ERR_XML_ERROR, "no larger than 65535");
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu>65536</vcpu>"),
                     VIR_ERR_XML_ERROR, "invalid value '65536' for <vcpu>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu current='3'>2</vcpu>"),
                     VIR_ERR_XML_ERROR,
                     "invalid value '3' for <vcpu current>: larger than the vcpu count 2");
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<vcpu current='0'>2</vcpu>"),
                     VIR_ERR_XML_ERROR, "invalid value '0' for <vcpu current>");

    def = parseOrFail(buildXML(NULL, NULL, NULL, NULL, ""), "no vcpu");
    assert_int_equal(def->maxVcpus, 1);
    assert_int_equal(def->vcpus, 1);
    xvDomainDefFree(def);
    def = parseOrFail(buildXML(NULL, NULL, NULL, NULL,
                               "<vcpu placement='static' current='1'>65535</vcpu>"), "max");
    assert_int_equal(def->maxVcpus, 65535);
    assert_int_equal(def->vcpus, 1);
    xvDomainDefFree(def);
}

/* ---------------------------------------------------------------- one test per error class */

static void
test_parse_malformed_xml_reports_libxml2_message_and_line(void **state)
{
    (void)state;
    assertParseError("<domain type='xen'>\n  <name>a</name>\n  <memory>1</memry>\n</domain>",
                     VIR_ERR_XML_ERROR, "malformed domain XML: line 3: ");
    assertParseError("<domain type='xen'>\n  <name>a</name>\n  <memory>1</memry>\n</domain>",
                     VIR_ERR_XML_ERROR, "mismatch");
    assertParseError("", VIR_ERR_XML_ERROR, "malformed domain XML: line 1: ");
    assertParseError("<domain type='xen'><name>a & b</name></domain>",
                     VIR_ERR_XML_ERROR, "malformed domain XML");
    assertParseError("<domain type='xen'/><domain type='xen'/>",
                     VIR_ERR_XML_ERROR, "malformed domain XML");
    assertParseError(NULL, VIR_ERR_XML_ERROR, "missing domain XML");
}

static void
test_parse_undeclared_namespace_prefix_is_an_error(void **state)
{
    (void)state;
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<xvirt:state>running</xvirt:state>"),
                     VIR_ERR_XML_ERROR, "malformed domain XML: line 1: ");
}

static void
test_parse_does_not_print_to_stderr(void **state)
{
    char *dir = xvTestTempDir();
    char path[512];
    int saved, fd;
    char *written;

    (void)state;
    snprintf(path, sizeof(path), "%s/stderr", dir);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    assert_null(xvDomainDefParseString("<domain><name>x</nam></domain>", allowedTypes));
    assert_null(xvDomainDefParseString(buildXML(NULL, NULL, NULL, NULL, "<a:b/>"),
                                       allowedTypes));
    assert_null(xvDomainDefParseString("<domain type='xen'>&undefined;</domain>", allowedTypes));
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    written = xvTestReadFile(path);
    assert_string_equal(written, "");
    free(written);
    unlink(path);
    rmdir(dir);
    free(dir);
}

static void
test_parse_does_not_load_external_entities(void **state)
{
    const char *xml =
        "<!DOCTYPE domain [<!ENTITY secret SYSTEM 'file:///etc/passwd'>]>\n"
        "<domain type='xen'><name>n&secret;</name><memory>1024</memory>"
        "<os><type>hvm</type></os></domain>";
    xvDomainDef *def;

    (void)state;
    virResetLastError();
    def = xvDomainDefParseString(xml, allowedTypes);
    if (def) {
        assert_null(strstr(def->name, "root:"));
        assert_string_equal(def->name, "n");
        xvDomainDefFree(def);
    } else {
        assert_int_equal(virGetLastError()->code, VIR_ERR_XML_ERROR);
    }
}

static void
test_parse_root_and_type_errors(void **state)
{
    (void)state;
    assertParseError("<node/>", VIR_ERR_XML_ERROR, "unexpected root element <node>");
    assertParseError("<domain xmlns='http://example.org/' type='xen'/>",
                     VIR_ERR_XML_ERROR, "unexpected namespace 'http://example.org/' on <domain>");
    assertParseError(buildXML("type='kvm'", NULL, NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "unsupported domain type 'kvm'");
    assertParseError(buildXML("id='1'", NULL, NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "missing attribute 'type' of <domain>");
    assertParseError(buildXML("type='xen' id='abc'", NULL, NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "invalid value 'abc' for <domain id>");
    assertParseError(buildXML("type='xen' id='-5'", NULL, NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "invalid value '-5' for <domain id>");
    assertParseError(buildXML("type='xen' id='2147483648'", NULL, NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "invalid value '2147483648' for <domain id>");
}

static void
test_allowed_types_restrict_and_null_accepts_any(void **state)
{
    static const char *const onlyTest[] = { "test", NULL };
    xvDomainDef *def;

    (void)state;
    virResetLastError();
    assert_null(xvDomainDefParseString(buildXML(NULL, NULL, NULL, NULL, NULL), onlyTest));
    assert_int_equal(virGetLastError()->code, VIR_ERR_XML_ERROR);
    assert_non_null(strstr(virGetLastError()->message, "unsupported domain type 'xen'"));
    def = xvDomainDefParseString(buildXML("type='kvm' id='-1'", NULL, NULL, NULL, NULL), NULL);
    assert_non_null(def);
    assert_string_equal(def->type, "kvm");
    assert_int_equal(def->id, -1);
    xvDomainDefFree(def);
}

static void
test_parse_name_errors(void **state)
{
    (void)state;
    assertParseError(buildXML(NULL, "", NULL, NULL, NULL),
                     VIR_ERR_NO_NAME, "missing <name> element in domain XML");
    assertParseError(buildXML(NULL, "<name></name>", NULL, NULL, NULL),
                     VIR_ERR_NO_NAME, "missing <name> element");
    assertParseError(buildXML(NULL, "<name>a/b</name>", NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "invalid value 'a/b' for <name>: must not contain '/'");
}

static void
test_parse_uuid_errors_and_generation(void **state)
{
    xvDomainDef *a, *b;
    char ua[XV_UUID_STRING_BUFLEN], ub[XV_UUID_STRING_BUFLEN];

    (void)state;
    assertParseError(buildXML(NULL, "<name>u</name><uuid>not-a-uuid</uuid>", NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "invalid value 'not-a-uuid' for <uuid>");
    assertParseError(buildXML(NULL, "<name>u</name><uuid>0011223344556677889900aabbccddeeff</uuid>",
                              NULL, NULL, NULL),
                     VIR_ERR_XML_ERROR, "for <uuid>: expected 32 hexadecimal digits");

    a = parseOrFail(buildXML(NULL, NULL, NULL, NULL, NULL), "no uuid");
    b = parseOrFail(buildXML(NULL, NULL, NULL, NULL, NULL), "no uuid");
    assert_false(xvUUIDIsNull(a->uuid));
    assert_memory_not_equal(a->uuid, b->uuid, 16);
    xvUUIDFormat(a->uuid, ua);
    xvUUIDFormat(b->uuid, ub);
    assert_string_not_equal(ua, ub);
    xvDomainDefFree(a);
    xvDomainDefFree(b);

    a = parseOrFail(buildXML(NULL, "<name>u</name><uuid> 00112233-4455-6677-8899-AABBCCDDEEFF "
                                   "</uuid>", NULL, NULL, NULL), "dashed");
    b = parseOrFail(buildXML(NULL, "<name>u</name><uuid>00112233445566778899aabbccddeeff</uuid>",
                             NULL, NULL, NULL), "plain");
    assert_memory_equal(a->uuid, b->uuid, 16);
    xvUUIDFormat(a->uuid, ua);
    assert_string_equal(ua, "00112233-4455-6677-8899-aabbccddeeff");
    xvDomainDefFree(a);
    xvDomainDefFree(b);
}

static void
test_parse_os_errors(void **state)
{
    xvDomainDef *def;

    (void)state;
    assertParseError(buildXML(NULL, NULL, NULL, "", NULL),
                     VIR_ERR_NO_OS, "missing <os> element in domain XML");
    assertParseError(buildXML(NULL, NULL, NULL, "<os><kernel>/k</kernel></os>", NULL),
                     VIR_ERR_NO_OS, "missing <type> element in <os>");
    assertParseError(buildXML(NULL, NULL, NULL, "<os><type>windows</type></os>", NULL),
                     VIR_ERR_OS_TYPE,
                     "unknown value 'windows' for <type> in <os>: expected linux, hvm or xen");
    assertParseError(buildXML(NULL, NULL, NULL, "<os><type>linux</type></os>", NULL),
                     VIR_ERR_NO_KERNEL,
                     "missing <kernel> in <os> (or <bootloader>) for os type 'linux'");
    assertParseError(buildXML(NULL, NULL, NULL, "<os><type>xen</type><initrd>/i</initrd></os>",
                              NULL),
                     VIR_ERR_NO_KERNEL, "for os type 'xen'");
    assertParseError(buildXML(NULL, NULL, NULL,
                              "<os><type>hvm</type><boot dev='usb'/></os>", NULL),
                     VIR_ERR_XML_ERROR,
                     "unknown value 'usb' for <boot dev>: expected hd, cdrom, network or fd");
    assertParseError(buildXML(NULL, NULL, NULL, "<os><type>hvm</type><boot/></os>", NULL),
                     VIR_ERR_XML_ERROR, "missing attribute 'dev' of <boot>");

    /* hvm never needs a kernel; test domains don't either; a bootloader will do */
    def = parseOrFail(buildXML("type='test'", NULL, NULL, "<os><type>xen</type></os>", NULL),
                      "test pv");
    xvDomainDefFree(def);
    def = parseOrFail(buildXML(NULL, "<name>b</name><bootloader>/usr/bin/pygrub</bootloader>",
                               NULL, "<os><type>linux</type></os>", NULL), "bootloader");
    xvDomainDefFree(def);
}

static void
test_parse_lifecycle_errors_name_the_element(void **state)
{
    static const char *const elems[] = { "on_poweroff", "on_reboot", "on_crash" };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(elems); i++) {
        char rest[128], substr[160];

        snprintf(rest, sizeof(rest), "<%s>reboot</%s>", elems[i], elems[i]);
        snprintf(substr, sizeof(substr),
                 "unknown value 'reboot' for <%s>: expected destroy, restart, preserve or "
                 "rename-restart", elems[i]);
        assertParseError(buildXML(NULL, NULL, NULL, NULL, rest), VIR_ERR_XML_ERROR, substr);
    }
}

static void
test_parse_disk_errors(void **state)
{
    (void)state;
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk type='file'><source file='/a'/></disk></devices>"),
                     VIR_ERR_NO_TARGET, "missing <target dev='...'> in <disk>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk><source file='/a'/><target bus='ide'/></disk>"
                              "</devices>"),
                     VIR_ERR_NO_TARGET, "<target dev=");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk type='file'><target dev='hda'/></disk></devices>"),
                     VIR_ERR_NO_SOURCE, "missing <source file='...'> in <disk> with target 'hda'");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk type='block'><source file='/dev/sda'/>"
                              "<target dev='hdb'/></disk></devices>"),
                     VIR_ERR_NO_SOURCE, "missing <source dev='...'> in <disk> with target 'hdb'");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk device='floppy'><target dev='fda'/></disk>"
                              "</devices>"),
                     VIR_ERR_NO_SOURCE, "with target 'fda'");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk type='network'><target dev='a'/></disk></devices>"),
                     VIR_ERR_XML_ERROR,
                     "unknown value 'network' for <disk type>: expected file or block");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><disk device='lun'><target dev='a'/></disk></devices>"),
                     VIR_ERR_XML_ERROR, "unknown value 'lun' for <disk device>");
}

static void
test_parse_mac_errors_and_normalization(void **state)
{
    static const char *const bad[] = {
        "00:16:3e:2a:0b", "00:16:3e:2a:0b:7f:00", "00:16:3e:2a:0b:7g", "00-16-3e-2a-0b-7f",
        "001:16:3e:2a:0b:7f", "00:16:3e:2a:0b:", ":00:16:3e:2a:0b", "zz",
    };
    size_t i;
    xvDomainDef *def;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        char rest[256], substr[128];

        snprintf(rest, sizeof(rest),
                 "<devices><interface type='bridge'><mac address='%s'/></interface></devices>",
                 bad[i]);
        snprintf(substr, sizeof(substr), "invalid value '%s' for <mac address>", bad[i]);
        assertParseError(buildXML(NULL, NULL, NULL, NULL, rest), VIR_ERR_INVALID_MAC, substr);
    }
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><interface><mac address='01:00:5e:00:00:01'/>"
                              "</interface></devices>"),
                     VIR_ERR_INVALID_MAC, "expected a unicast address");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><interface><mac/></interface></devices>"),
                     VIR_ERR_INVALID_MAC, "missing attribute 'address' of <mac>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><interface type='user'/></devices>"),
                     VIR_ERR_XML_ERROR,
                     "unknown value 'user' for <interface type>: expected bridge, network or "
                     "ethernet");

    def = parseOrFail(buildXML(NULL, NULL, NULL, NULL,
                               "<devices><interface type='network'>"
                               "<mac address='AA:BB:CC:0D:E:F'/><source network='net0'/>"
                               "<source bridge='ignored'/></interface></devices>"), "mac");
    assert_string_equal(def->nets[0].mac, "aa:bb:cc:0d:0e:0f");
    assert_string_equal(def->nets[0].source, "net0");
    xvDomainDefFree(def);
}

static void
test_parse_graphics_errors(void **state)
{
    (void)state;
    assertParseError(buildXML(NULL, NULL, NULL, NULL, "<devices><graphics/></devices>"),
                     VIR_ERR_XML_ERROR, "missing attribute 'type' of <graphics>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><graphics type='spice'/></devices>"),
                     VIR_ERR_XML_ERROR,
                     "unknown value 'spice' for <graphics type>: expected vnc or sdl");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><graphics type='vnc' port='70000'/></devices>"),
                     VIR_ERR_XML_ERROR,
                     "invalid value '70000' for <graphics port>: "
                     "expected an integer between -1 and 65535");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><graphics type='vnc' port='-2'/></devices>"),
                     VIR_ERR_XML_ERROR, "invalid value '-2' for <graphics port>");
    assertParseError(buildXML(NULL, NULL, NULL, NULL,
                              "<devices><graphics type='vnc' port='59o1'/></devices>"),
                     VIR_ERR_XML_ERROR, "invalid value '59o1' for <graphics port>");
}

/* ---------------------------------------------------------------- misc */

static void
test_unknown_elements_are_ignored_and_first_console_kept(void **state)
{
    xvDomainDef *def = parseOrFail(
        buildXML("type='xen' state='running' bogus='1'", NULL, NULL, NULL,
                 "<description>x</description><clock offset='utc'/>"
                 "<features><hap/><pae/></features>"
                 "<devices><emulator>/bin/qemu</emulator><sound model='es1370'/>"
                 "<console tty='/dev/pts/1'/><console tty='/dev/pts/2'/>"
                 "<graphics type='vnc' port='0'/><graphics type='sdl'/></devices>"),
        "unknown elements");
    char *out = xvDomainDefFormat(def, -1);

    (void)state;
    assert_true(def->pae);
    assert_false(def->acpi);
    assert_string_equal(def->consoleTty, "/dev/pts/1");
    assert_string_equal(def->graphicsType, "vnc");
    assert_int_equal(def->graphicsPort, 0);
    assert_null(strstr(out, "description"));
    assert_null(strstr(out, "emulator"));
    assert_null(strstr(out, "hap"));
    assert_null(strstr(out, "sdl"));
    assert_non_null(strstr(out, "    <graphics type='vnc' port='0'/>\n"));
    free(out);
    xvDomainDefFree(def);
}

static void
test_free_accepts_null_and_copy_of_null_is_null(void **state)
{
    (void)state;
    xvDomainDefFree(NULL);
    assert_null(xvDomainDefCopy(NULL));
}

static void
test_lifecycle_action_strings(void **state)
{
    (void)state;
    assert_string_equal(xvDomainLifecycleActionToString(XV_DOMAIN_LIFECYCLE_DESTROY), "destroy");
    assert_string_equal(xvDomainLifecycleActionToString(XV_DOMAIN_LIFECYCLE_RENAME_RESTART),
                        "rename-restart");
    assert_null(xvDomainLifecycleActionToString(XV_DOMAIN_LIFECYCLE_LAST));
    assert_int_equal(xvDomainLifecycleActionFromString("restart"), XV_DOMAIN_LIFECYCLE_RESTART);
    assert_int_equal(xvDomainLifecycleActionFromString("preserve"), XV_DOMAIN_LIFECYCLE_PRESERVE);
    assert_int_equal(xvDomainLifecycleActionFromString("Restart"), -1);
    assert_int_equal(xvDomainLifecycleActionFromString(NULL), -1);
}

#define THREAD_COUNT 4
#define THREAD_ITERATIONS 200

static void *
parseThread(void *opaque)
{
    const char *good = opaque;
    long failures = 0;
    int i;

    for (i = 0; i < THREAD_ITERATIONS; i++) {
        xvDomainDef *def = xvDomainDefParseString(good, allowedTypes);
        char *out;

        if (!def) {
            failures++;
            continue;
        }
        out = xvDomainDefFormat(def, -1);
        if (!strstr(out, "<name>pv-guest</name>"))
            failures++;
        free(out);
        xvDomainDefFree(def);

        /* each thread sees its own error */
        if (xvDomainDefParseString("<domain><oops></domain>", allowedTypes) ||
            !virGetLastError() || virGetLastError()->code != VIR_ERR_XML_ERROR ||
            !strstr(virGetLastError()->message, "malformed domain XML"))
            failures++;
    }
    return (void *)failures;
}

static void
test_parse_and_format_from_several_threads(void **state)
{
    char *xml = readData("xen-pv.xml");
    pthread_t threads[THREAD_COUNT];
    size_t i;

    (void)state;
    for (i = 0; i < THREAD_COUNT; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, parseThread, xml), 0);
    for (i = 0; i < THREAD_COUNT; i++) {
        void *failures = NULL;

        assert_int_equal(pthread_join(threads[i], &failures), 0);
        assert_int_equal((long)failures, 0);
    }
    free(xml);
}

/* ---- what the XML reader refuses (conf/xml_read.h) ---------------------- */

#define MINIMAL "<domain type='xen'><name>d</name><memory>1024</memory><vcpu>1</vcpu>" \
                "<os><type>linux</type><kernel>/k</kernel></os></domain>"

static void
test_doctype_is_refused_before_its_entities(void **state)
{
    static const char *const docs[] = {
        "<!DOCTYPE domain [<!ENTITY a 'x'>]>" MINIMAL,
        "<?xml version='1.0'?>\n<!DOCTYPE domain SYSTEM 'file:///etc/passwd'>\n" MINIMAL,
        "<!DOCTYPE domain PUBLIC 'x' 'http://127.0.0.1:9/d.dtd'>" MINIMAL,
        "<!DOCTYPE domain>" MINIMAL,
        /* a parameter entity, an external entity: never reached */
        "<!DOCTYPE domain [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>" MINIMAL,
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(docs); i++) {
        xvDomainDef *def = xvDomainDefParseString(docs[i], allowedTypes);

        if (def)
            fail_msg("accepted: %s", docs[i]);
        xvTestAssertError(VIR_ERR_XML_ERROR, "malformed domain XML: line ");
        xvTestAssertError(VIR_ERR_XML_ERROR,
                          "a document type declaration (<!DOCTYPE>) is not accepted");
    }
    /* an undeclared entity is a well-formedness error, not an expansion */
    assert_null(xvDomainDefParseString("<domain type='xen'><name>&a;</name></domain>",
                                       allowedTypes));
    xvTestAssertError(VIR_ERR_XML_ERROR, "Entity 'a' not defined");
}

static void
test_parse_buffer_reads_only_its_length(void **state)
{
    static const char twice[] = MINIMAL MINIMAL;
    static const char nul[] = MINIMAL "\0";
    xvDomainDef *def;
    char *big;

    (void)state;
    def = xvDomainDefParseBuffer(twice, strlen(MINIMAL), allowedTypes);
    assert_non_null(def);
    assert_string_equal(def->name, "d");
    xvDomainDefFree(def);
    assert_null(xvDomainDefParseBuffer(twice, strlen(MINIMAL) - 1, allowedTypes));
    xvTestAssertError(VIR_ERR_XML_ERROR, "malformed domain XML");
    assert_null(xvDomainDefParseBuffer(nul, sizeof(nul) - 1, allowedTypes));
    xvTestAssertError(VIR_ERR_XML_ERROR, "a NUL byte is not XML");
    assert_null(xvDomainDefParseBuffer(twice, 0, allowedTypes));
    xvTestAssertError(VIR_ERR_XML_ERROR, "malformed domain XML");
    big = malloc(XV_DOMAIN_XML_MAX_SIZE + 1);
    assert_non_null(big);
    memset(big, ' ', XV_DOMAIN_XML_MAX_SIZE + 1);
    memcpy(big, MINIMAL, strlen(MINIMAL));
    assert_null(xvDomainDefParseBuffer(big, XV_DOMAIN_XML_MAX_SIZE + 1, allowedTypes));
    xvTestAssertError(VIR_ERR_XML_ERROR, "larger than 16 MiB");
    free(big);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_format_matches_golden_for_every_input),
    cmocka_unit_test(test_format_is_fixed_point_for_every_input),
    cmocka_unit_test(test_copy_formats_identically_for_every_input),
    cmocka_unit_test(test_parse_xen_pv_domain),
    cmocka_unit_test(test_parse_xen_hvm_domain),
    cmocka_unit_test(test_parse_libvirt_test_node_style_domain),
    cmocka_unit_test(test_parse_bootloader_domain_without_kernel),
    cmocka_unit_test(test_parse_escaped_values),
    cmocka_unit_test(test_parse_keeps_test_namespace_extras_in_order),
    cmocka_unit_test(test_test_extras_parse_alone),
    cmocka_unit_test(test_parse_node_nested_domain_keeps_extras_like_standalone),
    cmocka_unit_test(test_parse_node_rejects_non_domain_element),
    cmocka_unit_test(test_format_writes_id_only_when_non_negative),
    cmocka_unit_test(test_format_writes_current_values_only_when_different),
    cmocka_unit_test(test_format_minimal_domain_exactly),
    cmocka_unit_test(test_memory_units_convert_to_kib),
    cmocka_unit_test(test_memory_overflow_is_rejected),
    cmocka_unit_test(test_memory_garbage_is_rejected),
    cmocka_unit_test(test_current_memory_is_checked),
    cmocka_unit_test(test_vcpu_values_are_checked),
    cmocka_unit_test(test_parse_malformed_xml_reports_libxml2_message_and_line),
    cmocka_unit_test(test_parse_undeclared_namespace_prefix_is_an_error),
    cmocka_unit_test(test_parse_does_not_print_to_stderr),
    cmocka_unit_test(test_parse_does_not_load_external_entities),
    cmocka_unit_test(test_parse_root_and_type_errors),
    cmocka_unit_test(test_allowed_types_restrict_and_null_accepts_any),
    cmocka_unit_test(test_parse_name_errors),
    cmocka_unit_test(test_parse_uuid_errors_and_generation),
    cmocka_unit_test(test_parse_os_errors),
    cmocka_unit_test(test_parse_lifecycle_errors_name_the_element),
    cmocka_unit_test(test_parse_disk_errors),
    cmocka_unit_test(test_parse_mac_errors_and_normalization),
    cmocka_unit_test(test_parse_graphics_errors),
    cmocka_unit_test(test_unknown_elements_are_ignored_and_first_console_kept),
    cmocka_unit_test(test_free_accepts_null_and_copy_of_null_is_null),
    cmocka_unit_test(test_lifecycle_action_strings),
    cmocka_unit_test(test_parse_and_format_from_several_threads),
    cmocka_unit_test(test_doctype_is_refused_before_its_entities),
    cmocka_unit_test(test_parse_buffer_reads_only_its_length),
};

XV_TEST_MAIN(tests)
