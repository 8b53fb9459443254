/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* domain_conf.c: domain XML <-> xvDomainDef, through libxml2 (no shared mutable state). */
#include "config.h"

#include "conf/domain_conf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "conf/xml_read.h"
#include "util/xvbuf.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_DOMAIN

/* virDomainInfo.nrVirtCpu is an unsigned short. */
#define DOMAIN_DEF_MAX_VCPUS 65535ULL
/* As libvirt: a memory size must fit an off_t once in bytes. */
#define DOMAIN_DEF_MAX_MEMORY_BYTES ((unsigned long long)LLONG_MAX)

static const char *const domainLifecycleActionNames[] = {
    [XV_DOMAIN_LIFECYCLE_DESTROY] = "destroy",
    [XV_DOMAIN_LIFECYCLE_RESTART] = "restart",
    [XV_DOMAIN_LIFECYCLE_PRESERVE] = "preserve",
    [XV_DOMAIN_LIFECYCLE_RENAME_RESTART] = "rename-restart",
};
_Static_assert(XV_N_ELEMENTS(domainLifecycleActionNames) == XV_DOMAIN_LIFECYCLE_LAST,
               "one name per lifecycle action");

static const char *const domainDiskTypeNames[] = {
    [XV_DOMAIN_DISK_TYPE_FILE] = "file",
    [XV_DOMAIN_DISK_TYPE_BLOCK] = "block",
};
_Static_assert(XV_N_ELEMENTS(domainDiskTypeNames) == XV_DOMAIN_DISK_TYPE_LAST,
               "one name per disk type");

static const char *const domainDiskDeviceNames[] = {
    [XV_DOMAIN_DISK_DEVICE_DISK] = "disk",
    [XV_DOMAIN_DISK_DEVICE_CDROM] = "cdrom",
    [XV_DOMAIN_DISK_DEVICE_FLOPPY] = "floppy",
};
_Static_assert(XV_N_ELEMENTS(domainDiskDeviceNames) == XV_DOMAIN_DISK_DEVICE_LAST,
               "one name per disk device");

static const char *const domainNetTypeNames[] = {
    [XV_DOMAIN_NET_TYPE_BRIDGE] = "bridge",
    [XV_DOMAIN_NET_TYPE_NETWORK] = "network",
    [XV_DOMAIN_NET_TYPE_ETHERNET] = "ethernet",
};
_Static_assert(XV_N_ELEMENTS(domainNetTypeNames) == XV_DOMAIN_NET_TYPE_LAST,
               "one name per interface type");

static const char *const domainOSTypeNames[] = { "linux", "hvm", "xen" };
static const char *const domainBootDevNames[] = { "hd", "cdrom", "network", "fd" };
static const char *const domainGraphicsTypeNames[] = { "vnc", "sdl" };

static int
domainEnumFromString(const char *const *names, size_t nnames, const char *str)
{
    size_t i;

    if (!str)
        return -1;
    for (i = 0; i < nnames; i++) {
        if (XV_STREQ(names[i], str))
            return (int)i;
    }
    return -1;
}

const char *
xvDomainLifecycleActionToString(xvDomainLifecycleAction act)
{
    if ((int)act < 0 || act >= XV_DOMAIN_LIFECYCLE_LAST)
        return NULL;
    return domainLifecycleActionNames[act];
}

int
xvDomainLifecycleActionFromString(const char *str)
{
    return domainEnumFromString(domainLifecycleActionNames,
                                XV_N_ELEMENTS(domainLifecycleActionNames), str);
}

/* ---------------------------------------------------------------- parsing helpers */

/* A child element of the domain format: no namespace, local name @name. */
static bool
domainDefIsElement(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && !node->ns &&
           XV_STREQ((const char *)node->name, name);
}

static xmlNodePtr
domainDefChild(xmlNodePtr parent, const char *name)
{
    xmlNodePtr cur;

    if (!parent)
        return NULL;
    for (cur = parent->children; cur; cur = cur->next) {
        if (domainDefIsElement(cur, name))
            return cur;
    }
    return NULL;
}

/* Empty values count as absent (as libvirt's XPath string helpers), so
 * that Format never writes a value that parses back differently. */
static char *
domainDefTakeXMLString(xmlChar *val)
{
    char *ret = NULL;

    if (val && *val)
        ret = xvStrdup((const char *)val);
    xmlFree(val);
    return ret;
}

/* Attribute @name (no namespace) of @node, NULL if @node is NULL. */
static char *
domainDefProp(xmlNodePtr node, const char *name)
{
    if (!node)
        return NULL;
    return domainDefTakeXMLString(xmlGetNoNsProp(node, BAD_CAST name));
}

/* Text content of @node, NULL if @node is NULL. */
static char *
domainDefContent(xmlNodePtr node)
{
    if (!node)
        return NULL;
    return domainDefTakeXMLString(xmlNodeGetContent(node));
}

static char *
domainDefChildContent(xmlNodePtr parent, const char *name)
{
    return domainDefContent(domainDefChild(parent, name));
}

static bool
domainDefIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Parses a decimal integer, surrounding whitespace allowed, without sign.
 * Returns 0, -1 if @str is not such a number, -2 if it overflows.
 */
static int
domainDefStrToULL(const char *str, unsigned long long *ret)
{
    unsigned long long val;
    char *end;

    while (domainDefIsSpace(*str))
        str++;
    if (*str < '0' || *str > '9')
        return -1;
    errno = 0;
    val = strtoull(str, &end, 10);
    while (domainDefIsSpace(*end))
        end++;
    if (*end != '\0')
        return -1;
    if (errno == ERANGE)
        return -2;
    *ret = val;
    return 0;
}

/* Parses @str (NULL means empty) as an integer in 1..@max for @what, an
 * element or attribute description used in the error. */
static int
domainDefParsePositive(const char *str, const char *what, unsigned long long max,
                       unsigned long long *ret)
{
    unsigned long long val = 0;
    int rc;

    if (!str)
        str = "";
    rc = domainDefStrToULL(str, &val);
    if (rc == -1 || (rc == 0 && val == 0)) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for %s: expected a positive integer", str, what);
        return -1;
    }
    if (rc == -2 || val > max) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for %s: expected a positive integer no larger than %llu",
                      str, what, max);
        return -1;
    }
    *ret = val;
    return 0;
}

/* Parses @str as an integer in -1..@max (-1: unset) for @what. */
static int
domainDefParseOptionalInt(const char *str, const char *what, int max, int *ret)
{
    const char *digits = str;
    unsigned long long val = 0;

    while (domainDefIsSpace(*digits))
        digits++;
    if (digits[0] == '-') {
        if (domainDefStrToULL(digits + 1, &val) == 0 && val == 1 &&
            digits[1] >= '0' && digits[1] <= '9') {
            *ret = -1;
            return 0;
        }
    } else if (domainDefStrToULL(digits, &val) == 0 && val <= (unsigned long long)max) {
        *ret = (int)val;
        return 0;
    }
    xvReportError(VIR_ERR_XML_ERROR,
                  "invalid value '%s' for %s: expected an integer between -1 and %d",
                  str, what, max);
    return -1;
}

/* ASCII-only case-insensitive comparison: units must not depend on the locale. */
static bool
domainDefStrCaseEq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;

        if (ca != cb)
            return false;
    }
    return *a == *b;
}

/*
 * Bytes per @unit, libvirt's rules (case-insensitive): "b", "byte", "bytes";
 * k/m/g/t/p/e alone or followed by "iB" are powers of 1024, followed by "B"
 * powers of 1000. Returns 0 for an unknown unit.
 */
static unsigned long long
domainDefMemoryUnitScale(const char *unit)
{
    static const char prefixes[] = "kmgtpe";
    const char *pos;
    unsigned long long base, scale = 1;
    char first;

    if (domainDefStrCaseEq(unit, "b") || domainDefStrCaseEq(unit, "byte") ||
        domainDefStrCaseEq(unit, "bytes"))
        return 1;
    first = (unit[0] >= 'A' && unit[0] <= 'Z') ? (char)(unit[0] - 'A' + 'a') : unit[0];
    if (first == '\0' || !(pos = strchr(prefixes, first)))
        return 0;
    if (unit[1] == '\0' || domainDefStrCaseEq(unit + 1, "iB"))
        base = 1024;
    else if (domainDefStrCaseEq(unit + 1, "B"))
        base = 1000;
    else
        return 0;
    for (; pos >= prefixes; pos--)
        scale *= base;
    return scale;
}

/* <memory> or <currentMemory> (@elem) with its unit, rounded up to KiB. */
static int
domainDefParseMemoryElem(xmlNodePtr node, const char *elem, unsigned long *retKiB)
{
    XV_AUTOFREE(char *) val = domainDefContent(node);
    XV_AUTOFREE(char *) unit = domainDefProp(node, "unit");
    unsigned long long num = 0, scale = 1024, bytes, kib;
    int rc;

    if (unit && (scale = domainDefMemoryUnitScale(unit)) == 0) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "unknown unit '%s' for <%s>: expected b, bytes, KB, k, KiB, MB, M, MiB, "
                      "GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E or EiB", unit, elem);
        return -1;
    }
    rc = domainDefStrToULL(val ? val : "", &num);
    if (rc == -1 || (rc == 0 && num == 0)) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for <%s>: expected a positive integer",
                      val ? val : "", elem);
        return -1;
    }
    if (rc == -2 || num > DOMAIN_DEF_MAX_MEMORY_BYTES / scale) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for <%s> in unit '%s': larger than %llu bytes",
                      val, elem, unit ? unit : "KiB", DOMAIN_DEF_MAX_MEMORY_BYTES);
        return -1;
    }
    bytes = num * scale;
    kib = bytes / 1024 + (bytes % 1024 != 0);
    if (kib > ULONG_MAX) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for <%s> in unit '%s': larger than %lu KiB",
                      val, elem, unit ? unit : "KiB", ULONG_MAX);
        return -1;
    }
    *retKiB = (unsigned long)kib;
    return 0;
}

/* ---------------------------------------------------------------- domain sections */

/* NULL @allowedTypes accepts any type. */
static bool
domainDefTypeAllowed(const char *const *allowedTypes, const char *type)
{
    size_t i;

    if (!allowedTypes)
        return true;
    for (i = 0; allowedTypes[i]; i++) {
        if (XV_STREQ(allowedTypes[i], type))
            return true;
    }
    return false;
}

static int
domainDefParseHeader(xmlNodePtr root, const char *const *allowedTypes, xvDomainDef *def)
{
    XV_AUTOFREE(char *) id = NULL;

    if (!(def->type = domainDefProp(root, "type"))) {
        xvReportError(VIR_ERR_XML_ERROR, "%s", "missing attribute 'type' of <domain>");
        return -1;
    }
    if (!domainDefTypeAllowed(allowedTypes, def->type)) {
        xvReportError(VIR_ERR_XML_ERROR, "unsupported domain type '%s'", def->type);
        return -1;
    }
    def->id = -1;
    if ((id = domainDefProp(root, "id")) &&
        domainDefParseOptionalInt(id, "<domain id>", INT_MAX, &def->id) < 0)
        return -1;
    return 0;
}

static int
domainDefParseIdentity(xmlNodePtr root, xvDomainDef *def)
{
    XV_AUTOFREE(char *) uuid = NULL;

    if (!(def->name = domainDefChildContent(root, "name"))) {
        xvReportError(VIR_ERR_NO_NAME, "%s", "missing <name> element in domain XML");
        return -1;
    }
    if (strchr(def->name, '/')) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for <name>: must not contain '/'", def->name);
        return -1;
    }
    if ((uuid = domainDefChildContent(root, "uuid"))) {
        if (xvUUIDParse(uuid, def->uuid) < 0) {
            xvReportError(VIR_ERR_XML_ERROR,
                          "invalid value '%s' for <uuid>: expected 32 hexadecimal digits",
                          uuid);
            return -1;
        }
    } else if (xvUUIDGenerate(def->uuid) < 0) {
        xvReportSystemError(errno, "cannot generate a uuid for domain '%s'", def->name);
        return -1;
    }
    return 0;
}

static int
domainDefParseMemory(xmlNodePtr root, xvDomainDef *def)
{
    xmlNodePtr node;

    if (!(node = domainDefChild(root, "memory"))) {
        xvReportError(VIR_ERR_XML_ERROR, "%s", "missing <memory> element in domain XML");
        return -1;
    }
    if (domainDefParseMemoryElem(node, "memory", &def->maxMemKiB) < 0)
        return -1;
    def->memKiB = def->maxMemKiB;
    if ((node = domainDefChild(root, "currentMemory"))) {
        if (domainDefParseMemoryElem(node, "currentMemory", &def->memKiB) < 0)
            return -1;
        if (def->memKiB > def->maxMemKiB) {
            xvReportError(VIR_ERR_XML_ERROR,
                          "<currentMemory> of %lu KiB is larger than <memory> of %lu KiB",
                          def->memKiB, def->maxMemKiB);
            return -1;
        }
    }
    return 0;
}

static int
domainDefParseVcpu(xmlNodePtr root, xvDomainDef *def)
{
    xmlNodePtr node = domainDefChild(root, "vcpu");
    XV_AUTOFREE(char *) count = NULL;
    XV_AUTOFREE(char *) current = NULL;
    unsigned long long val;

    def->maxVcpus = def->vcpus = 1;
    if (!node)
        return 0;
    count = domainDefContent(node);
    if (domainDefParsePositive(count, "<vcpu>", DOMAIN_DEF_MAX_VCPUS, &val) < 0)
        return -1;
    def->maxVcpus = def->vcpus = (unsigned int)val;
    if ((current = domainDefProp(node, "current"))) {
        if (domainDefParsePositive(current, "<vcpu current>",
                                   DOMAIN_DEF_MAX_VCPUS, &val) < 0)
            return -1;
        if (val > def->maxVcpus) {
            xvReportError(VIR_ERR_XML_ERROR,
                          "invalid value '%s' for <vcpu current>: larger than the vcpu count %u",
                          current, def->maxVcpus);
            return -1;
        }
        def->vcpus = (unsigned int)val;
    }
    def->cpuset = domainDefProp(node, "cpuset");
    return 0;
}

static int
domainDefParseBoot(xmlNodePtr os, xvDomainDef *def)
{
    xmlNodePtr cur;
    size_t nboot = 0;

    for (cur = os->children; cur; cur = cur->next) {
        char *dev;

        if (!domainDefIsElement(cur, "boot"))
            continue;
        if (!(dev = domainDefProp(cur, "dev"))) {
            xvReportError(VIR_ERR_XML_ERROR, "%s", "missing attribute 'dev' of <boot>");
            return -1;
        }
        def->os.boot = xvReallocN(def->os.boot, nboot + 2, sizeof(char *));
        def->os.boot[nboot++] = dev;
        def->os.boot[nboot] = NULL;
        if (domainEnumFromString(domainBootDevNames, XV_N_ELEMENTS(domainBootDevNames),
                                 dev) < 0) {
            xvReportError(VIR_ERR_XML_ERROR,
                          "unknown value '%s' for <boot dev>: expected hd, cdrom, network or fd",
                          dev);
            return -1;
        }
    }
    return 0;
}

static int
domainDefParseOS(xmlNodePtr root, xvDomainDef *def)
{
    xmlNodePtr os = domainDefChild(root, "os");
    xmlNodePtr type;

    if (!os) {
        xvReportError(VIR_ERR_NO_OS, "%s", "missing <os> element in domain XML");
        return -1;
    }
    type = domainDefChild(os, "type");
    if (!(def->os.type = domainDefContent(type))) {
        xvReportError(VIR_ERR_NO_OS, "%s", "missing <type> element in <os>");
        return -1;
    }
    if (domainEnumFromString(domainOSTypeNames, XV_N_ELEMENTS(domainOSTypeNames),
                             def->os.type) < 0) {
        xvReportError(VIR_ERR_OS_TYPE,
                      "unknown value '%s' for <type> in <os>: expected linux, hvm or xen",
                      def->os.type);
        return -1;
    }
    def->os.arch = domainDefProp(type, "arch");
    def->os.machine = domainDefProp(type, "machine");
    def->os.loader = domainDefChildContent(os, "loader");
    def->os.kernel = domainDefChildContent(os, "kernel");
    def->os.initrd = domainDefChildContent(os, "initrd");
    def->os.cmdline = domainDefChildContent(os, "cmdline");
    def->os.root = domainDefChildContent(os, "root");
    return domainDefParseBoot(os, def);
}

/* A paravirtualized guest boots a kernel or a bootloader; the test driver
 * boots nothing, so its domains (as in libvirt's node files) need neither,
 * nor do those of a node file (xvDomainDefParseNode): a captured Xen host's
 * Domain-0 has none. */
static int
domainDefCheckKernel(const xvDomainDef *def)
{
    if (XV_STREQ(def->os.type, "hvm") || XV_STREQ(def->type, "test"))
        return 0;
    if (!def->os.kernel && !def->bootloader) {
        xvReportError(VIR_ERR_NO_KERNEL,
                      "missing <kernel> in <os> (or <bootloader>) for os type '%s'",
                      def->os.type);
        return -1;
    }
    return 0;
}

static void
domainDefParseFeatures(xmlNodePtr root, xvDomainDef *def)
{
    xmlNodePtr features = domainDefChild(root, "features");

    def->pae = domainDefChild(features, "pae") != NULL;
    def->acpi = domainDefChild(features, "acpi") != NULL;
    def->apic = domainDefChild(features, "apic") != NULL;
}

static int
domainDefParseLifecycle(xmlNodePtr root, const char *elem, xvDomainLifecycleAction dflt,
                        xvDomainLifecycleAction *ret)
{
    XV_AUTOFREE(char *) val = domainDefChildContent(root, elem);
    int act;

    *ret = dflt;
    if (!val)
        return 0;
    if ((act = xvDomainLifecycleActionFromString(val)) < 0) {
        xvReportError(VIR_ERR_XML_ERROR,
            "unknown value '%s' for <%s>: expected destroy, restart, preserve or rename-restart",
            val, elem);
        return -1;
    }
    *ret = (xvDomainLifecycleAction)act;
    return 0;
}

/* ---------------------------------------------------------------- devices */

static int
domainDefParseDisk(xmlNodePtr node, xvDomainDiskDef *disk)
{
    XV_AUTOFREE(char *) type = domainDefProp(node, "type");
    XV_AUTOFREE(char *) device = domainDefProp(node, "device");
    xmlNodePtr driver = domainDefChild(node, "driver");
    xmlNodePtr target = domainDefChild(node, "target");
    xmlNodePtr source = domainDefChild(node, "source");
    int val;

    if (type) {
        if ((val = domainEnumFromString(domainDiskTypeNames,
                                        XV_N_ELEMENTS(domainDiskTypeNames), type)) < 0) {
            xvReportError(VIR_ERR_XML_ERROR,
                          "unknown value '%s' for <disk type>: expected file or block",
                          type);
            return -1;
        }
        disk->type = (xvDomainDiskType)val;
    }
    if (device) {
        if ((val = domainEnumFromString(domainDiskDeviceNames,
                                        XV_N_ELEMENTS(domainDiskDeviceNames), device)) < 0) {
            xvReportError(VIR_ERR_XML_ERROR,
                          "unknown value '%s' for <disk device>: expected disk, cdrom or floppy",
                          device);
            return -1;
        }
        disk->device = (xvDomainDiskDevice)val;
    }
    disk->driverName = domainDefProp(driver, "name");
    disk->driverType = domainDefProp(driver, "type");
    if (!(disk->target = domainDefProp(target, "dev"))) {
        xvReportError(VIR_ERR_NO_TARGET, "%s", "missing <target dev='...'> in <disk>");
        return -1;
    }
    disk->bus = domainDefProp(target, "bus");
    disk->readonly = domainDefChild(node, "readonly") != NULL;
    if (disk->type == XV_DOMAIN_DISK_TYPE_FILE)
        disk->source = domainDefProp(source, "file");
    else
        disk->source = domainDefProp(source, "dev");
    if (!disk->source && disk->device != XV_DOMAIN_DISK_DEVICE_CDROM) {
        if (disk->type == XV_DOMAIN_DISK_TYPE_FILE)
            xvReportError(VIR_ERR_NO_SOURCE,
                          "missing <source file='...'> in <disk> with target '%s'", disk->target);
        else
            xvReportError(VIR_ERR_NO_SOURCE,
                          "missing <source dev='...'> in <disk> with target '%s'", disk->target);
        return -1;
    }
    return 0;
}

/* Six ':'-separated bytes of one or two hex digits each, as libvirt accepts;
 * stored as lowercase two-digit pairs. */
static int
domainDefParseMAC(const char *str, char **ret)
{
    unsigned int bytes[6];
    const char *p = str;
    size_t i;

    for (i = 0; i < 6; i++) {
        int hi = xvHexDigit(p[0]);
        int lo;

        if (hi < 0)
            goto invalid;
        if ((lo = xvHexDigit(p[1])) >= 0) {
            bytes[i] = (unsigned int)(hi << 4 | lo);
            p += 2;
        } else {
            bytes[i] = (unsigned int)hi;
            p++;
        }
        if (*p != (i < 5 ? ':' : '\0'))
            goto invalid;
        p++;
    }
    if (bytes[0] & 1) {
        xvReportError(VIR_ERR_INVALID_MAC,
                      "invalid value '%s' for <mac address>: expected a unicast address",
                      str);
        return -1;
    }
    *ret = xvAsprintf("%02x:%02x:%02x:%02x:%02x:%02x",
                      bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
    return 0;

 invalid:
    xvReportError(VIR_ERR_INVALID_MAC,
                  "invalid value '%s' for <mac address>: expected six ':'-separated hex bytes",
                  str);
    return -1;
}

static int
domainDefParseNet(xmlNodePtr node, xvDomainNetDef *net)
{
    XV_AUTOFREE(char *) type = domainDefProp(node, "type");
    XV_AUTOFREE(char *) mac = NULL;
    xmlNodePtr macNode = domainDefChild(node, "mac");
    xmlNodePtr source = domainDefChild(node, "source");
    int val;

    /* no type: a plain vif, as early libvirt treated it */
    net->type = XV_DOMAIN_NET_TYPE_ETHERNET;
    if (type) {
        if ((val = domainEnumFromString(domainNetTypeNames,
                                        XV_N_ELEMENTS(domainNetTypeNames), type)) < 0) {
            xvReportError(VIR_ERR_XML_ERROR,
                "unknown value '%s' for <interface type>: expected bridge, network or ethernet",
                type);
            return -1;
        }
        net->type = (xvDomainNetType)val;
    }
    if (macNode) {
        if (!(mac = domainDefProp(macNode, "address"))) {
            xvReportError(VIR_ERR_INVALID_MAC, "%s", "missing attribute 'address' of <mac>");
            return -1;
        }
        if (domainDefParseMAC(mac, &net->mac) < 0)
            return -1;
    }
    if (net->type == XV_DOMAIN_NET_TYPE_BRIDGE)
        net->source = domainDefProp(source, "bridge");
    else if (net->type == XV_DOMAIN_NET_TYPE_NETWORK)
        net->source = domainDefProp(source, "network");
    net->script = domainDefProp(domainDefChild(node, "script"), "path");
    net->target = domainDefProp(domainDefChild(node, "target"), "dev");
    return 0;
}

static int
domainDefParseGraphics(xmlNodePtr node, xvDomainDef *def)
{
    XV_AUTOFREE(char *) type = domainDefProp(node, "type");
    XV_AUTOFREE(char *) port = domainDefProp(node, "port");

    if (!type) {
        xvReportError(VIR_ERR_XML_ERROR, "%s", "missing attribute 'type' of <graphics>");
        return -1;
    }
    if (domainEnumFromString(domainGraphicsTypeNames, XV_N_ELEMENTS(domainGraphicsTypeNames),
                             type) < 0) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "unknown value '%s' for <graphics type>: expected vnc or sdl",
                      type);
        return -1;
    }
    if (port && domainDefParseOptionalInt(port, "<graphics port>", 65535,
                                          &def->graphicsPort) < 0)
        return -1;
    def->graphicsType = XV_STEAL_PTR(type);
    def->graphicsListen = domainDefProp(node, "listen");
    return 0;
}

/* Only the first <console> and <graphics> are kept: the def holds one each. */
static int
domainDefParseDevices(xmlNodePtr root, xvDomainDef *def)
{
    xmlNodePtr devices = domainDefChild(root, "devices");
    xmlNodePtr cur;
    size_t ndisks = 0, nnets = 0;

    if (!devices)
        return 0;
    for (cur = devices->children; cur; cur = cur->next) {
        if (domainDefIsElement(cur, "disk"))
            ndisks++;
        else if (domainDefIsElement(cur, "interface"))
            nnets++;
    }
    if (ndisks > 0)
        def->disks = xvAllocN(ndisks, sizeof(*def->disks));
    if (nnets > 0)
        def->nets = xvAllocN(nnets, sizeof(*def->nets));

    for (cur = devices->children; cur; cur = cur->next) {
        if (domainDefIsElement(cur, "disk")) {
            if (domainDefParseDisk(cur, &def->disks[def->ndisks++]) < 0)
                return -1;
        } else if (domainDefIsElement(cur, "interface")) {
            if (domainDefParseNet(cur, &def->nets[def->nnets++]) < 0)
                return -1;
        } else if (domainDefIsElement(cur, "console") && !def->hasConsole) {
            def->hasConsole = true;
            def->consoleType = domainDefProp(cur, "type");
            def->consoleTty = domainDefProp(cur, "tty");
        } else if (domainDefIsElement(cur, "graphics") && !def->graphicsType) {
            if (domainDefParseGraphics(cur, def) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- test-driver extras */

static bool
domainDefIsTestExtra(xmlNodePtr node)
{
    const char *href;

    if (node->type != XML_ELEMENT_NODE || !node->ns || !node->ns->href)
        return false;
    href = (const char *)node->ns->href;
    return XV_STREQ(href, XV_TEST_NS) || XV_STREQ(href, XV_LIBVIRT_TEST_NS);
}

static bool
domainDefIsBlankText(xmlNodePtr node)
{
    const xmlChar *p;

    if (node->type != XML_TEXT_NODE)
        return false;
    for (p = node->content; p && *p; p++) {
        if (!domainDefIsSpace((char)*p))
            return false;
    }
    return true;
}

/* Drops the indentation of elements that hold no text but blanks, so that
 * the dump is re-indented the same way wherever the element came from.
 * Elements with real text keep all of it. */
static void
domainDefStripIndentation(xmlNodePtr node)
{
    xmlNodePtr cur, next;
    bool hasText = false;

    for (cur = node->children; cur; cur = cur->next) {
        if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE ||
             cur->type == XML_ENTITY_REF_NODE) && !domainDefIsBlankText(cur))
            hasText = true;
    }
    for (cur = node->children; cur; cur = next) {
        next = cur->next;
        if (!hasText && domainDefIsBlankText(cur)) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        } else if (cur->type == XML_ELEMENT_NODE) {
            domainDefStripIndentation(cur);
        }
    }
}

/* Appends @node, serialized alone (its namespaces declared on itself, so
 * that each piece parses on its own), indented as a child of <domain>. */
static int
domainDefDumpTestExtra(xmlNodePtr node, xvBuf *buf)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = NULL;
    xmlBufferPtr xbuf = xmlBufferCreate();
    int ret = -1;

    if (!doc || !xbuf || !(copy = xmlDocCopyNode(node, doc, 1))) {
        xvReportOOMError();
        goto cleanup;
    }
    xmlDocSetRootElement(doc, copy);
    domainDefStripIndentation(copy);
    if (xmlNodeDump(xbuf, doc, copy, 1, 1) < 0) {
        xvReportError(VIR_ERR_INTERNAL_ERROR, "cannot serialize element <%s> of <domain>",
                      (const char *)node->name);
        goto cleanup;
    }
    xvBufAddStr(buf, "  ");
    xvBufAdd(buf, (const char *)xmlBufferContent(xbuf), (size_t)xmlBufferLength(xbuf));
    xvBufAddStr(buf, "\n");
    ret = 0;

 cleanup:
    xmlBufferFree(xbuf);
    xmlFreeDoc(doc);
    return ret;
}

static int
domainDefParseTestExtra(xmlNodePtr root, xvDomainDef *def)
{
    xvBuf buf = XV_BUF_INIT;
    xmlNodePtr cur;

    for (cur = root->children; cur; cur = cur->next) {
        if (domainDefIsTestExtra(cur) && domainDefDumpTestExtra(cur, &buf) < 0) {
            xvBufFree(&buf);
            return -1;
        }
    }
    if (buf.len > 0)
        def->testExtra = xvBufSteal(&buf, NULL);
    return 0;
}

/* ---------------------------------------------------------------- entry points */

static int
domainDefCheckRoot(xmlNodePtr root)
{
    if (!root) {
        xvReportError(VIR_ERR_XML_ERROR, "%s", "missing root element in domain XML");
        return -1;
    }
    if (root->type != XML_ELEMENT_NODE || !XV_STREQ((const char *)root->name, "domain")) {
        xvReportError(VIR_ERR_XML_ERROR, "unexpected root element <%s>: expected <domain>",
                      (const char *)root->name);
        return -1;
    }
    if (root->ns) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "unexpected namespace '%s' on <domain>: expected none",
                      root->ns->href ? (const char *)root->ns->href : "");
        return -1;
    }
    return 0;
}

xvDomainDef *
xvDomainDefParseNode(xmlDocPtr doc, xmlNodePtr root, const char *const *allowedTypes)
{
    xvDomainDef *def;

    (void)doc;
    if (domainDefCheckRoot(root) < 0)
        return NULL;
    def = xvAlloc(sizeof(*def));
    def->graphicsPort = -1;
    if (domainDefParseHeader(root, allowedTypes, def) < 0 ||
        domainDefParseIdentity(root, def) < 0 ||
        domainDefParseMemory(root, def) < 0 ||
        domainDefParseVcpu(root, def) < 0)
        goto error;
    def->bootloader = domainDefChildContent(root, "bootloader");
    def->bootloaderArgs = domainDefChildContent(root, "bootloader_args");
    if (domainDefParseOS(root, def) < 0)
        goto error;
    domainDefParseFeatures(root, def);
    if (domainDefParseLifecycle(root, "on_poweroff", XV_DOMAIN_LIFECYCLE_DESTROY,
                                &def->onPoweroff) < 0 ||
        domainDefParseLifecycle(root, "on_reboot", XV_DOMAIN_LIFECYCLE_RESTART,
                                &def->onReboot) < 0 ||
        domainDefParseLifecycle(root, "on_crash", XV_DOMAIN_LIFECYCLE_DESTROY,
                                &def->onCrash) < 0 ||
        domainDefParseDevices(root, def) < 0 ||
        domainDefParseTestExtra(root, def) < 0)
        goto error;
    return def;

 error:
    xvDomainDefFree(def);
    return NULL;
}

/* Parses @len bytes of domain XML (see conf/xml_read.h for what is refused). */
static xmlDocPtr
domainDefReadXML(const char *xml, size_t len)
{
    XV_AUTOFREE(char *) why = NULL;
    xmlDocPtr doc;

    if (!(doc = xvXMLReadMemory(xml, len, NULL, &why)))
        xvReportError(VIR_ERR_XML_ERROR, "malformed domain XML: %s", why);
    return doc;
}

xvDomainDef *
xvDomainDefParseBuffer(const char *xml, size_t len, const char *const *allowedTypes)
{
    xmlDocPtr doc;
    xvDomainDef *def;

    if (len > XV_DOMAIN_XML_MAX_SIZE) {
        xvReportError(VIR_ERR_XML_ERROR,
                      "malformed domain XML: a document of %zu bytes is larger than 16 MiB",
                      len);
        return NULL;
    }
    if (!(doc = domainDefReadXML(xml, len)))
        return NULL;
    def = xvDomainDefParseNode(doc, xmlDocGetRootElement(doc), allowedTypes);
    xmlFreeDoc(doc);
    if (def && domainDefCheckKernel(def) < 0) {
        xvDomainDefFree(def);
        return NULL;
    }
    return def;
}

xvDomainDef *
xvDomainDefParseString(const char *xml, const char *const *allowedTypes)
{
    if (!xml) {
        xvReportError(VIR_ERR_XML_ERROR, "%s", "missing domain XML");
        return NULL;
    }
    return xvDomainDefParseBuffer(xml, strlen(xml), allowedTypes);
}

/* ---------------------------------------------------------------- formatting */

/*
 * XML-escapes @s; also writes as character references what the parser
 * would otherwise normalize away (a carriage return anywhere; a newline or
 * tab in an attribute value), so that the value parses back unchanged.
 */
static void
domainDefEscape(xvBuf *buf, const char *s, bool attr)
{
    const char *special = attr ? "\r\n\t" : "\r";
    XV_AUTOFREE(char *) copy = NULL;
    char *run, *hit;

    if (!strpbrk(s, special)) {
        xvBufEscapeXML(buf, s);
        return;
    }
    copy = xvStrdup(s);
    for (run = copy; (hit = strpbrk(run, special)); run = hit + 1) {
        char c = *hit;

        *hit = '\0';
        xvBufEscapeXML(buf, run);
        xvBufAsprintf(buf, "&#%d;", c);
    }
    xvBufEscapeXML(buf, run);
}

/* " name='value'" if @val is set. */
static void
domainDefFormatAttr(xvBuf *buf, const char *name, const char *val)
{
    if (!val)
        return;
    xvBufAsprintf(buf, " %s='", name);
    domainDefEscape(buf, val, true);
    xvBufAddStr(buf, "'");
}

/* "<name>value</name>" on its own line if @val is set. */
static void
domainDefFormatText(xvBuf *buf, const char *name, const char *val)
{
    if (!val)
        return;
    xvBufIndentf(buf, "<%s>", name);
    domainDefEscape(buf, val, false);
    xvBufAsprintf(buf, "</%s>\n", name);
}

static void
domainDefFormatVcpu(xvBuf *buf, const xvDomainDef *def)
{
    xvBufIndentf(buf, "<vcpu");
    domainDefFormatAttr(buf, "cpuset", def->cpuset);
    if (def->vcpus != def->maxVcpus)
        xvBufAsprintf(buf, " current='%u'", def->vcpus);
    xvBufAsprintf(buf, ">%u</vcpu>\n", def->maxVcpus);
}

static void
domainDefFormatOS(xvBuf *buf, const xvDomainDef *def)
{
    size_t i;

    xvBufIndentf(buf, "<os>\n");
    buf->indent += 2;
    xvBufIndentf(buf, "<type");
    domainDefFormatAttr(buf, "arch", def->os.arch);
    domainDefFormatAttr(buf, "machine", def->os.machine);
    xvBufAddStr(buf, ">");
    domainDefEscape(buf, def->os.type ? def->os.type : "", false);
    xvBufAddStr(buf, "</type>\n");
    domainDefFormatText(buf, "loader", def->os.loader);
    domainDefFormatText(buf, "kernel", def->os.kernel);
    domainDefFormatText(buf, "initrd", def->os.initrd);
    domainDefFormatText(buf, "cmdline", def->os.cmdline);
    domainDefFormatText(buf, "root", def->os.root);
    for (i = 0; def->os.boot && def->os.boot[i]; i++) {
        xvBufIndentf(buf, "<boot");
        domainDefFormatAttr(buf, "dev", def->os.boot[i]);
        xvBufAddStr(buf, "/>\n");
    }
    buf->indent -= 2;
    xvBufIndentf(buf, "</os>\n");
}

/* libvirt's feature order */
static void
domainDefFormatFeatures(xvBuf *buf, const xvDomainDef *def)
{
    if (!def->acpi && !def->apic && !def->pae)
        return;
    xvBufIndentf(buf, "<features>\n");
    if (def->acpi)
        xvBufIndentf(buf, "  <acpi/>\n");
    if (def->apic)
        xvBufIndentf(buf, "  <apic/>\n");
    if (def->pae)
        xvBufIndentf(buf, "  <pae/>\n");
    xvBufIndentf(buf, "</features>\n");
}

static void
domainDefFormatLifecycle(xvBuf *buf, const char *elem, xvDomainLifecycleAction act)
{
    const char *str = xvDomainLifecycleActionToString(act);

    xvBufIndentf(buf, "<%s>%s</%s>\n", elem, str ? str : "destroy", elem);
}

static void
domainDefFormatDisk(xvBuf *buf, const xvDomainDiskDef *disk)
{
    xvBufIndentf(buf, "<disk");
    if (disk->type < XV_DOMAIN_DISK_TYPE_LAST)
        domainDefFormatAttr(buf, "type", domainDiskTypeNames[disk->type]);
    if (disk->device < XV_DOMAIN_DISK_DEVICE_LAST)
        domainDefFormatAttr(buf, "device", domainDiskDeviceNames[disk->device]);
    xvBufAddStr(buf, ">\n");
    buf->indent += 2;
    if (disk->driverName || disk->driverType) {
        xvBufIndentf(buf, "<driver");
        domainDefFormatAttr(buf, "name", disk->driverName);
        domainDefFormatAttr(buf, "type", disk->driverType);
        xvBufAddStr(buf, "/>\n");
    }
    if (disk->source) {
        xvBufIndentf(buf, "<source");
        domainDefFormatAttr(buf, disk->type == XV_DOMAIN_DISK_TYPE_BLOCK ? "dev" : "file",
                            disk->source);
        xvBufAddStr(buf, "/>\n");
    }
    xvBufIndentf(buf, "<target");
    domainDefFormatAttr(buf, "dev", disk->target);
    domainDefFormatAttr(buf, "bus", disk->bus);
    xvBufAddStr(buf, "/>\n");
    if (disk->readonly)
        xvBufIndentf(buf, "<readonly/>\n");
    buf->indent -= 2;
    xvBufIndentf(buf, "</disk>\n");
}

static void
domainDefFormatNet(xvBuf *buf, const xvDomainNetDef *net)
{
    xvBufIndentf(buf, "<interface");
    if (net->type < XV_DOMAIN_NET_TYPE_LAST)
        domainDefFormatAttr(buf, "type", domainNetTypeNames[net->type]);
    xvBufAddStr(buf, ">\n");
    buf->indent += 2;
    if (net->mac) {
        xvBufIndentf(buf, "<mac");
        domainDefFormatAttr(buf, "address", net->mac);
        xvBufAddStr(buf, "/>\n");
    }
    if (net->source && net->type != XV_DOMAIN_NET_TYPE_ETHERNET) {
        xvBufIndentf(buf, "<source");
        domainDefFormatAttr(buf, net->type == XV_DOMAIN_NET_TYPE_NETWORK ? "network" : "bridge",
                            net->source);
        xvBufAddStr(buf, "/>\n");
    }
    if (net->script) {
        xvBufIndentf(buf, "<script");
        domainDefFormatAttr(buf, "path", net->script);
        xvBufAddStr(buf, "/>\n");
    }
    if (net->target) {
        xvBufIndentf(buf, "<target");
        domainDefFormatAttr(buf, "dev", net->target);
        xvBufAddStr(buf, "/>\n");
    }
    buf->indent -= 2;
    xvBufIndentf(buf, "</interface>\n");
}

static void
domainDefFormatDevices(xvBuf *buf, const xvDomainDef *def)
{
    size_t i;

    if (def->ndisks == 0 && def->nnets == 0 && !def->hasConsole && !def->graphicsType)
        return;
    xvBufIndentf(buf, "<devices>\n");
    buf->indent += 2;
    for (i = 0; i < def->ndisks; i++)
        domainDefFormatDisk(buf, &def->disks[i]);
    for (i = 0; i < def->nnets; i++)
        domainDefFormatNet(buf, &def->nets[i]);
    if (def->hasConsole) {
        xvBufIndentf(buf, "<console");
        domainDefFormatAttr(buf, "type", def->consoleType);
        domainDefFormatAttr(buf, "tty", def->consoleTty);
        xvBufAddStr(buf, "/>\n");
    }
    if (def->graphicsType) {
        xvBufIndentf(buf, "<graphics");
        domainDefFormatAttr(buf, "type", def->graphicsType);
        if (def->graphicsPort >= 0)
            xvBufAsprintf(buf, " port='%d'", def->graphicsPort);
        domainDefFormatAttr(buf, "listen", def->graphicsListen);
        xvBufAddStr(buf, "/>\n");
    }
    buf->indent -= 2;
    xvBufIndentf(buf, "</devices>\n");
}

char *
xvDomainDefFormat(const xvDomainDef *def, int id)
{
    xvBuf buf = XV_BUF_INIT;
    char uuid[XV_UUID_STRING_BUFLEN];

    xvBufAddStr(&buf, "<domain");
    domainDefFormatAttr(&buf, "type", def->type);
    if (id >= 0)
        xvBufAsprintf(&buf, " id='%d'", id);
    xvBufAddStr(&buf, ">\n");
    buf.indent = 2;
    domainDefFormatText(&buf, "name", def->name);
    xvUUIDFormat(def->uuid, uuid);
    xvBufIndentf(&buf, "<uuid>%s</uuid>\n", uuid);
    xvBufIndentf(&buf, "<memory unit='KiB'>%lu</memory>\n", def->maxMemKiB);
    if (def->memKiB != def->maxMemKiB)
        xvBufIndentf(&buf, "<currentMemory unit='KiB'>%lu</currentMemory>\n", def->memKiB);
    domainDefFormatVcpu(&buf, def);
    domainDefFormatText(&buf, "bootloader", def->bootloader);
    domainDefFormatText(&buf, "bootloader_args", def->bootloaderArgs);
    domainDefFormatOS(&buf, def);
    domainDefFormatFeatures(&buf, def);
    domainDefFormatLifecycle(&buf, "on_poweroff", def->onPoweroff);
    domainDefFormatLifecycle(&buf, "on_reboot", def->onReboot);
    domainDefFormatLifecycle(&buf, "on_crash", def->onCrash);
    domainDefFormatDevices(&buf, def);
    if (def->testExtra && *def->testExtra) {
        size_t len = strlen(def->testExtra);

        xvBufAdd(&buf, def->testExtra, len);
        if (def->testExtra[len - 1] != '\n')
            xvBufAddStr(&buf, "\n");
    }
    xvBufAddStr(&buf, "</domain>\n");
    return xvBufSteal(&buf, NULL);
}

/* ---------------------------------------------------------------- copy and free */

static char **
domainDefCopyStringList(char *const *list)
{
    char **ret;
    size_t n, i;

    if (!list)
        return NULL;
    for (n = 0; list[n]; n++)
        ;
    ret = xvAllocN(n + 1, sizeof(char *));
    for (i = 0; i < n; i++)
        ret[i] = xvStrdup(list[i]);
    return ret;
}

xvDomainDef *
xvDomainDefCopy(const xvDomainDef *def)
{
    xvDomainDef *ret;
    size_t i;

    if (!def)
        return NULL;
    ret = xvAlloc(sizeof(*ret));
    *ret = *def;
    ret->type = xvStrdup(def->type);
    ret->name = xvStrdup(def->name);
    ret->cpuset = xvStrdup(def->cpuset);
    ret->bootloader = xvStrdup(def->bootloader);
    ret->bootloaderArgs = xvStrdup(def->bootloaderArgs);
    ret->os.type = xvStrdup(def->os.type);
    ret->os.arch = xvStrdup(def->os.arch);
    ret->os.machine = xvStrdup(def->os.machine);
    ret->os.loader = xvStrdup(def->os.loader);
    ret->os.kernel = xvStrdup(def->os.kernel);
    ret->os.initrd = xvStrdup(def->os.initrd);
    ret->os.cmdline = xvStrdup(def->os.cmdline);
    ret->os.root = xvStrdup(def->os.root);
    ret->os.boot = domainDefCopyStringList(def->os.boot);
    ret->disks = def->ndisks > 0 ? xvAllocN(def->ndisks, sizeof(*ret->disks)) : NULL;
    for (i = 0; i < def->ndisks; i++) {
        ret->disks[i] = def->disks[i];
        ret->disks[i].driverName = xvStrdup(def->disks[i].driverName);
        ret->disks[i].driverType = xvStrdup(def->disks[i].driverType);
        ret->disks[i].source = xvStrdup(def->disks[i].source);
        ret->disks[i].target = xvStrdup(def->disks[i].target);
        ret->disks[i].bus = xvStrdup(def->disks[i].bus);
    }
    ret->nets = def->nnets > 0 ? xvAllocN(def->nnets, sizeof(*ret->nets)) : NULL;
    for (i = 0; i < def->nnets; i++) {
        ret->nets[i] = def->nets[i];
        ret->nets[i].mac = xvStrdup(def->nets[i].mac);
        ret->nets[i].source = xvStrdup(def->nets[i].source);
        ret->nets[i].script = xvStrdup(def->nets[i].script);
        ret->nets[i].target = xvStrdup(def->nets[i].target);
    }
    ret->consoleType = xvStrdup(def->consoleType);
    ret->consoleTty = xvStrdup(def->consoleTty);
    ret->graphicsType = xvStrdup(def->graphicsType);
    ret->graphicsListen = xvStrdup(def->graphicsListen);
    ret->testExtra = xvStrdup(def->testExtra);
    return ret;
}

void
xvDomainDefFree(xvDomainDef *def)
{
    size_t i;

    if (!def)
        return;
    free(def->type);
    free(def->name);
    free(def->cpuset);
    free(def->bootloader);
    free(def->bootloaderArgs);
    free(def->os.type);
    free(def->os.arch);
    free(def->os.machine);
    free(def->os.loader);
    free(def->os.kernel);
    free(def->os.initrd);
    free(def->os.cmdline);
    free(def->os.root);
    for (i = 0; def->os.boot && def->os.boot[i]; i++)
        free(def->os.boot[i]);
    free(def->os.boot);
    for (i = 0; def->disks && i < def->ndisks; i++) {
        free(def->disks[i].driverName);
        free(def->disks[i].driverType);
        free(def->disks[i].source);
        free(def->disks[i].target);
        free(def->disks[i].bus);
    }
    free(def->disks);
    for (i = 0; def->nets && i < def->nnets; i++) {
        free(def->nets[i].mac);
        free(def->nets[i].source);
        free(def->nets[i].script);
        free(def->nets[i].target);
    }
    free(def->nets);
    free(def->consoleType);
    free(def->consoleTty);
    free(def->graphicsType);
    free(def->graphicsListen);
    free(def->testExtra);
    free(def);
}
