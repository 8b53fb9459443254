/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node_xml.c: the node files of the test driver: the node XML (host,
 * clock, scripted events and faults, domains), the built-in node of
 * test:///default, and the <xvirt:*> settings of a domain definition.
 */
#include "config.h"

#include "test/test_node.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <libvirt/libvirt.h>

#include "conf/xml_read.h"
#include "test/test_node_private.h"
#include "util/xvclock.h"
#include "util/xvcpulist.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

/* Upper bound of any time given in a node file, in seconds (~31 years). */
#define TEST_MAX_SECONDS 1e9
/* How long a "hang" fault sleeps when its element gives no seconds. */
#define TEST_DEFAULT_HANG_SECONDS 10.0

static const char *const testEventNames[] = {
    [XV_TEST_EVENT_CRASH] = "crash",
    [XV_TEST_EVENT_SHUTDOWN] = "shutdown",
    [XV_TEST_EVENT_REBOOT] = "reboot",
    [XV_TEST_EVENT_START] = "start",
    [XV_TEST_EVENT_DESTROY] = "destroy",
    [XV_TEST_EVENT_VCPU_LOAD] = "vcpu-load",
    [XV_TEST_EVENT_MEMORY_DEMAND] = "memory-demand",
    [XV_TEST_EVENT_HOST_FREE] = "host-free",
    [XV_TEST_EVENT_HOST_USED] = "host-used",
    [XV_TEST_EVENT_IO] = "io",
    [XV_TEST_EVENT_FAULT] = "fault",
};
_Static_assert(XV_N_ELEMENTS(testEventNames) == XV_TEST_EVENT_LAST,
               "testEventNames must name every xvTestEventType");

/* ---- Numbers ----------------------------------------------------------- */

/* Skips the blanks (spaces, tabs, line ends) at @s. */
static const char *
testSkipBlanks(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

/* Digits only, surrounding blanks allowed. */
static int
testParseULL(const char *str, unsigned long long *ret)
{
    char *end;
    unsigned long long val;

    str = testSkipBlanks(str);
    if (*str < '0' || *str > '9')
        return -1;
    errno = 0;
    val = strtoull(str, &end, 10);
    if (errno != 0 || *testSkipBlanks(end) != '\0')
        return -1;
    *ret = val;
    return 0;
}

static int
testParseDouble(const char *str, double *ret)
{
    char *end;
    double val;

    errno = 0;
    val = strtod(str, &end);
    if (errno != 0 || end == str || !isfinite(val) || *testSkipBlanks(end) != '\0')
        return -1;
    *ret = val;
    return 0;
}

static uint64_t
testSecondsToNs(double seconds)
{
    return (uint64_t)(seconds * (double)XV_NS_PER_SEC + 0.5); /* seconds >= 0 */
}

/* ---- XML helpers ------------------------------------------------------- */

/* Parses XML without printing anything (conf/xml_read.h: no DOCTYPE, no
 * entity, no network); on failure returns NULL and a description of the
 * first error in *@errmsg. */
static xmlDocPtr
testXMLParse(const char *data, size_t len, const char *url, char **errmsg)
{
    return xvXMLReadMemory(data, len, url, errmsg);
}

/* Property @name of @el as a malloc'ed string, or NULL. */
static char *
testXMLProp(xmlNodePtr el, const char *name)
{
    xmlChar *val = xmlGetNoNsProp(el, (const xmlChar *)name);
    char *ret;

    if (!val)
        return NULL;
    ret = xvStrdup((const char *)val);
    xmlFree(val);
    return ret;
}

static char *
testXMLContent(xmlNodePtr el)
{
    xmlChar *val = xmlNodeGetContent(el);
    char *ret;

    if (!val)
        return xvStrdup("");
    ret = xvStrdup((const char *)val);
    xmlFree(val);
    return ret;
}

static bool
testXMLIsNS(xmlNodePtr el, const char *href)
{
    if (href)
        return el->ns && el->ns->href && XV_STREQ((const char *)el->ns->href, href);
    return !el->ns;
}

/* "<prefix:name>" of @el, for messages. */
static char *
testXMLElName(xmlNodePtr el)
{
    if (el->ns && el->ns->prefix)
        return xvAsprintf("<%s:%s>", (const char *)el->ns->prefix, (const char *)el->name);
    return xvAsprintf("<%s>", (const char *)el->name);
}

/* ---- Domain settings (the <xvirt:*> children of <domain>) -------------- */

void
xvTestDomSettingsClear(xvTestDomSettings *settings)
{
    size_t i;

    for (i = 0; i < settings->nio; i++)
        xvTestIoRatesClear(&settings->io[i]);
    for (i = 0; settings->pins && i < settings->nloads; i++)
        free(settings->pins[i]);
    free(settings->io);
    free(settings->loads);
    free(settings->pins);
    memset(settings, 0, sizeof(*settings));
    settings->memDemandKiB = -1;
}

static void XV_PRINTF(3, 4)
testSettingsError(const xvDomainDef *def, xmlNodePtr el, const char *fmt, ...)
{
    XV_AUTOFREE(char *) elname = testXMLElName(el);
    XV_AUTOFREE(char *) detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = xvVasprintf(fmt, ap);
    va_end(ap);
    xvReportError(VIR_ERR_XML_ERROR, "domain '%s': %s: %s", def->name, elname, detail);
}

/* vcpu='N|all' load='x', as in domains and in events. Returns the vcpu
 * (-1 for all) or -2 with *@errmsg set. */
static int
testParseVcpuLoad(xmlNodePtr el, unsigned int maxVcpus, double *load, char **errmsg)
{
    XV_AUTOFREE(char *) vcpu = testXMLProp(el, "vcpu");
    XV_AUTOFREE(char *) loadstr = testXMLProp(el, "load");
    unsigned long long n;

    if (!loadstr) {
        *errmsg = xvStrdup("missing attribute 'load'");
        return -2;
    }
    if (testParseDouble(loadstr, load) < 0 || *load < 0.0 || *load > 1.0) {
        *errmsg = xvAsprintf("load '%s' is not a number from 0.0 to 1.0", loadstr);
        return -2;
    }
    if (!vcpu || XV_STREQ(vcpu, "all"))
        return -1;
    if (testParseULL(vcpu, &n) < 0 || n >= maxVcpus) {
        *errmsg = maxVcpus == UINT32_MAX
            ? xvAsprintf("vcpu '%s' is neither a number nor 'all'", vcpu)
            : xvAsprintf("vcpu '%s' is not 'all' nor a number from 0 to %u",
                         vcpu, maxVcpus - 1);
        return -2;
    }
    return (int)n;
}

/* The field of the I/O attribute @name: its index, and its kind in *@kind;
 * -1 if it is none. */
static int
testIoFieldFromName(const char *name, xvTestIoKind *kind)
{
    static const xvTestIoKind kinds[] = { XV_TEST_IO_DISK, XV_TEST_IO_NET };
    unsigned int k, f;

    for (k = 0; k < XV_N_ELEMENTS(kinds); k++) {
        const char *field;

        for (f = 0; (field = xvTestIoFieldName(kinds[k], f)); f++) {
            if (XV_STREQ(field, name)) {
                *kind = kinds[k];
                return (int)f;
            }
        }
    }
    return -1;
}

/* device='D' and rates per simulated second (<xvirt:io>, io events): the
 * attribute names tell a disk from an interface; @extra lists the other
 * attributes allowed (NULL-terminated). Returns 0, or -1 with *@errmsg set. */
static int
testParseIoRates(xmlNodePtr el, const char *const *extra, xvTestIoRates *rates,
                 char **errmsg)
{
    xmlAttrPtr attr;

    memset(rates, 0, sizeof(*rates));
    if (!(rates->device = testXMLProp(el, "device")) || !rates->device[0]) {
        *errmsg = xvStrdup("missing attribute 'device' (a disk's or an interface's "
                           "target dev)");
        return -1;
    }
    for (attr = el->properties; attr; attr = attr->next) {
        const char *name = (const char *)attr->name;
        XV_AUTOFREE(char *) value = NULL;
        unsigned long long val;
        xvTestIoKind kind;
        const char *const *ok;
        int f;

        if (attr->ns || XV_STREQ(name, "device"))
            continue;
        for (ok = extra; ok && *ok && !XV_STREQ(*ok, name); ok++) {
        }
        if (ok && *ok)
            continue;
        if ((f = testIoFieldFromName(name, &kind)) < 0) {
            *errmsg = xvAsprintf("unknown attribute '%s' (expected device, rd-req, "
                                 "rd-bytes, wr-req, wr-bytes, errs for a disk or "
                                 "rx-bytes, rx-packets, rx-errs, rx-drop, tx-bytes, "
                                 "tx-packets, tx-errs, tx-drop for an interface)", name);
            return -1;
        }
        if (rates->kind != XV_TEST_IO_ANY && rates->kind != kind) {
            *errmsg = xvAsprintf("attribute '%s' is an interface's and a disk's rate at "
                                 "once: a device is one or the other", name);
            return -1;
        }
        rates->kind = kind;
        value = testXMLProp(el, name);
        if (testParseULL(value, &val) < 0 || val > LLONG_MAX) {
            *errmsg = xvAsprintf("attribute '%s' ('%s') must be a number from 0 to %lld "
                                 "per second", name, value, LLONG_MAX);
            return -1;
        }
        rates->rates[f] = val;
        rates->given |= 1U << f;
    }
    return 0;
}

/* Whether @def has a disk (@kind DISK), an interface (NET) or either (ANY)
 * with target dev @device. */
static bool
testDefHasIoDevice(const xvDomainDef *def, const char *device, xvTestIoKind kind)
{
    size_t i;

    for (i = 0; kind != XV_TEST_IO_NET && i < def->ndisks; i++) {
        if (XV_STREQ(def->disks[i].target, device))
            return true;
    }
    for (i = 0; kind != XV_TEST_IO_DISK && i < def->nnets; i++) {
        if (XV_STREQ_NULLABLE(def->nets[i].target, device))
            return true;
    }
    return false;
}

/* <xvirt:io device='D' .../>: D must be a disk or interface of @def, of the
 * kind its rates are, and have one <xvirt:io> only. */
static int
testSettingsParseIo(const xvDomainDef *def, xmlNodePtr el, xvTestDomSettings *settings)
{
    XV_AUTOFREE(char *) errmsg = NULL;
    xvTestIoRates rates;
    size_t i;

    if (testParseIoRates(el, NULL, &rates, &errmsg) < 0) {
        testSettingsError(def, el, "%s", errmsg);
        goto error;
    }
    if (!testDefHasIoDevice(def, rates.device, rates.kind)) {
        testSettingsError(def, el, "device '%s' is not the target dev of %s of the domain",
                          rates.device,
                          rates.kind == XV_TEST_IO_DISK ? "a disk"
                          : rates.kind == XV_TEST_IO_NET ? "an interface"
                                                         : "a disk or an interface");
        goto error;
    }
    for (i = 0; i < settings->nio; i++) {
        if (XV_STREQ(settings->io[i].device, rates.device)) {
            testSettingsError(def, el, "device '%s' already has its rates", rates.device);
            goto error;
        }
    }
    settings->io = xvReallocN(settings->io, settings->nio + 1, sizeof(*settings->io));
    settings->io[settings->nio++] = rates;
    return 0;

 error:
    xvTestIoRatesClear(&rates);
    return -1;
}

/* A vcpu='N' attribute: N below @maxVcpus into *@ret, or -1 with *@errmsg set. */
static int
testParseVcpuNumber(xmlNodePtr el, unsigned int maxVcpus, unsigned int *ret, char **errmsg)
{
    XV_AUTOFREE(char *) vcpu = testXMLProp(el, "vcpu");
    unsigned long long n;

    if (!vcpu) {
        *errmsg = xvStrdup("missing attribute 'vcpu'");
        return -1;
    }
    if (testParseULL(vcpu, &n) < 0 || n >= maxVcpus) {
        *errmsg = maxVcpus == 0
            ? xvAsprintf("vcpu '%s': the domain has no vcpu", vcpu)
            : xvAsprintf("vcpu '%s' is not a number from 0 to %u", vcpu, maxVcpus - 1);
        return -1;
    }
    *ret = (unsigned int)n;
    return 0;
}

/* A cpuset='LIST' of the node's @maxCpus CPUs, in libvirt's syntax, that
 * leaves at least one. Returns 0, or -1 with *@errmsg set. */
static int
testParseNodeCpuset(xmlNodePtr el, unsigned int maxCpus, char **ret, char **errmsg)
{
    XV_AUTOFREE(char *) cpuset = testXMLProp(el, "cpuset");
    XV_AUTOFREE(unsigned char *) map = NULL;
    xvCpuListError err;
    int n;

    if (!cpuset) {
        *errmsg = xvStrdup("missing attribute 'cpuset'");
        return -1;
    }
    map = xvAllocN((maxCpus + 7) / 8 + 1, 1);
    if ((n = xvCpuListParse(cpuset, XV_CPULIST_LIBVIRT, maxCpus, map, &err)) < 0) {
        *errmsg = err.fault == XV_CPULIST_FAULT_RANGE
            ? xvAsprintf("cpuset '%s' names a CPU past the node's %u (0 to %u)", cpuset,
                         maxCpus, maxCpus - 1)
            : xvAsprintf("cpuset '%s' is not a CPU list such as '0-3,^2,6'", cpuset);
        return -1;
    }
    if (n == 0) {
        *errmsg = xvAsprintf("cpuset '%s' leaves no CPU", cpuset);
        return -1;
    }
    *ret = XV_STEAL_PTR(cpuset);
    return 0;
}

/* <xvirt:vcpupin vcpu='N' cpuset='LIST'/>: the initial affinity of vcpu N,
 * once per vcpu. */
static int
testSettingsParsePin(const xvDomainDef *def, xmlNodePtr el, unsigned int maxCpus,
                     xvTestDomSettings *settings)
{
    XV_AUTOFREE(char *) errmsg = NULL;
    unsigned int vcpu;
    char *cpuset;

    if (testParseVcpuNumber(el, def->maxVcpus, &vcpu, &errmsg) < 0 ||
        testParseNodeCpuset(el, maxCpus, &cpuset, &errmsg) < 0) {
        testSettingsError(def, el, "%s", errmsg);
        return -1;
    }
    if (settings->pins[vcpu]) {
        free(cpuset);
        testSettingsError(def, el, "vcpu %u is already pinned", vcpu);
        return -1;
    }
    settings->pins[vcpu] = cpuset;
    return 0;
}

static int
testSettingsParseElement(const xvDomainDef *def, xmlNodePtr el, unsigned int maxCpus,
                         xvTestDomSettings *settings)
{
    const char *name = (const char *)el->name;
    XV_AUTOFREE(char *) errmsg = NULL;

    if (XV_STREQ(name, "vcpupin"))
        return testSettingsParsePin(def, el, maxCpus, settings);
    if (XV_STREQ(name, "vcpu-load")) {
        double load;
        int vcpu = testParseVcpuLoad(el, def->maxVcpus, &load, &errmsg);
        size_t i;

        if (vcpu == -2) {
            testSettingsError(def, el, "%s", errmsg);
            return -1;
        }
        for (i = 0; i < settings->nloads; i++) {
            if (vcpu < 0 || (size_t)vcpu == i)
                settings->loads[i] = load;
        }
    } else if (XV_STREQ(name, "memory-demand")) {
        XV_AUTOFREE(char *) kib = testXMLProp(el, "kib");
        unsigned long long val;

        if (!kib || testParseULL(kib, &val) < 0 || val > LLONG_MAX) {
            testSettingsError(def, el, "attribute 'kib' must be a number of KiB");
            return -1;
        }
        settings->memDemandKiB = (long long)val;
    } else if (XV_STREQ(name, "shutdown-delay")) {
        XV_AUTOFREE(char *) secs = testXMLProp(el, "seconds");
        double val;

        if (!secs || testParseDouble(secs, &val) < 0 || val < 0 || val > TEST_MAX_SECONDS) {
            testSettingsError(def, el, "attribute 'seconds' must be a number of seconds");
            return -1;
        }
        settings->shutdownDelayNs = testSecondsToNs(val);
    } else if (XV_STREQ(name, "ignore-shutdown")) {
        settings->ignoreShutdown = true;
    } else if (XV_STREQ(name, "io")) {
        return testSettingsParseIo(def, el, settings);
    } else {
        testSettingsError(def, el, "unknown element");
        return -1;
    }
    return 0;
}

void
xvTestDomSettingsInit(xvTestDomSettings *settings, unsigned int maxVcpus)
{
    size_t i;

    memset(settings, 0, sizeof(*settings));
    settings->memDemandKiB = -1;
    settings->nloads = maxVcpus;
    settings->loads = xvAllocN(maxVcpus ? maxVcpus : 1, sizeof(double));
    settings->pins = xvAllocN(maxVcpus ? maxVcpus : 1, sizeof(char *));
    for (i = 0; i < settings->nloads; i++)
        settings->loads[i] = 1.0;
}

/*
 * xvTestDomSettingsParse(), telling which element was wrong: *@badAt is
 * its position among the xvirt elements of @def (0 for the first), in
 * document order, or SIZE_MAX when the elements do not parse at all.
 */
static int
testSettingsParse(const xvDomainDef *def, unsigned int maxCpus, xvTestDomSettings *settings,
                  size_t *badAt)
{
    XV_AUTOFREE(char *) wrapped = NULL;
    XV_AUTOFREE(char *) errmsg = NULL;
    xmlDocPtr doc;
    xmlNodePtr el;
    size_t at = 0;
    int ret = -1;

    *badAt = SIZE_MAX;
    xvTestDomSettingsInit(settings, def->maxVcpus);
    if (!def->testExtra || !def->testExtra[0])
        return 0;

    /* testExtra holds the serialized elements; declare the usual prefixes
     * in case the serializer left their declarations on <domain>. */
    wrapped = xvAsprintf("<xvirt-extra xmlns:xvirt='%s' xmlns:test='%s'>%s</xvirt-extra>",
                         XV_TEST_NS, XV_LIBVIRT_TEST_NS, def->testExtra);
    if (!(doc = testXMLParse(wrapped, strlen(wrapped), "domain.xml", &errmsg))) {
        xvReportError(VIR_ERR_XML_ERROR, "domain '%s': bad xvirt elements: %s",
                      def->name, errmsg);
        goto cleanup;
    }
    for (el = xmlDocGetRootElement(doc)->children; el; el = el->next) {
        if (el->type != XML_ELEMENT_NODE || !testXMLIsNS(el, XV_TEST_NS))
            continue;
        if (testSettingsParseElement(def, el, maxCpus, settings) < 0) {
            *badAt = at;
            goto cleanup;
        }
        at++;
    }
    ret = 0;

 cleanup:
    xmlFreeDoc(doc);
    if (ret < 0)
        xvTestDomSettingsClear(settings);
    return ret;
}

int
xvTestDomSettingsParse(const xvDomainDef *def, unsigned int maxCpus,
                       xvTestDomSettings *settings)
{
    size_t badAt;

    return testSettingsParse(def, maxCpus, settings, &badAt);
}

/* ---- Node XML ---------------------------------------------------------- */

typedef struct {
    const char *kind;           /* "node" or "events": what the messages name */
    const char *label;          /* names the node in messages */
    const char *dir;            /* resolves <domain file>, or NULL */
    uint64_t baseNs;            /* what an event's at='T' counts from */
    xvTestNode *node;
    size_t eventsCap;
    size_t seq;
    xmlNodePtr *starts;         /* <xvirt:start> elements, checked once the */
    size_t nstarts;             /* domains are loaded */
} testNodeLoader;

static const char *
testLoadKind(const testNodeLoader *ld)
{
    return ld->kind ? ld->kind : "node";
}

/* "node 'LABEL' line N: <el>: @detail", N the line of @lineEl (an element
 * inside @el, or @el itself); "node 'LABEL': @detail" without @el ("events"
 * instead of "node" for an events file). */
static void
testLoadErrorAt(const testNodeLoader *ld, xmlNodePtr el, xmlNodePtr lineEl,
                const char *detail)
{
    XV_AUTOFREE(char *) elname = el ? testXMLElName(el) : NULL;

    if (el)
        xvReportError(VIR_ERR_XML_ERROR, "%s '%s' line %ld: %s: %s", testLoadKind(ld),
                      ld->label, xmlGetLineNo(lineEl), elname, detail);
    else
        xvReportError(VIR_ERR_XML_ERROR, "%s '%s': %s", testLoadKind(ld), ld->label, detail);
}

static void XV_PRINTF(3, 4)
testLoadError(const testNodeLoader *ld, xmlNodePtr el, const char *fmt, ...)
{
    XV_AUTOFREE(char *) detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = xvVasprintf(fmt, ap);
    va_end(ap);
    testLoadErrorAt(ld, el, el, detail);
}

/* Re-reports the error raised by a callee with the node and element. */
static void
testLoadErrorWrap(const testNodeLoader *ld, xmlNodePtr el)
{
    XV_AUTOFREE(char *) msg = xvStrdup(virGetLastErrorMessage());

    testLoadErrorAt(ld, el, el, msg);
}

static int
testLoadPositive(const testNodeLoader *ld, xmlNodePtr el, unsigned long long max,
                 unsigned long long *ret)
{
    XV_AUTOFREE(char *) text = testXMLContent(el);

    if (testParseULL(text, ret) < 0 || *ret == 0 || *ret > max) {
        testLoadError(ld, el, "'%s' is not a number from 1 to %llu", text, max);
        return -1;
    }
    return 0;
}

static int
testLoadCpu(const testNodeLoader *ld, xmlNodePtr cpu, bool *activeSet)
{
    xvTestNode *node = ld->node;
    xmlNodePtr el;

    for (el = cpu->children; el; el = el->next) {
        const char *name = (const char *)el->name;
        unsigned int *field = NULL;
        unsigned long long val;

        if (el->type != XML_ELEMENT_NODE || !testXMLIsNS(el, NULL))
            continue;
        if (XV_STREQ(name, "model")) {
            XV_AUTOFREE(char *) text = testXMLContent(el);

            if (!text[0] || strlen(text) >= sizeof(node->model)) {
                testLoadError(ld, el, "the model must have 1 to %zu characters",
                              sizeof(node->model) - 1);
                return -1;
            }
            memcpy(node->model, text, strlen(text) + 1);
            continue;
        }
        if (XV_STREQ(name, "mhz"))
            field = &node->mhz;
        else if (XV_STREQ(name, "active"))
            field = &node->cpus;
        else if (XV_STREQ(name, "nodes"))
            field = &node->nodes;
        else if (XV_STREQ(name, "sockets"))
            field = &node->sockets;
        else if (XV_STREQ(name, "cores"))
            field = &node->cores;
        else if (XV_STREQ(name, "threads"))
            field = &node->threads;
        else
            continue;
        if (testLoadPositive(ld, el, 65536, &val) < 0)
            return -1;
        *field = (unsigned int)val;
        if (field == &node->cpus)
            *activeSet = true;
    }
    return 0;
}

static int
testLoadHypervisor(const testNodeLoader *ld, xmlNodePtr el)
{
    XV_AUTOFREE(char *) version = testXMLProp(el, "version");
    unsigned long major = 0, minor = 0, micro = 0;
    int end = 0;

    if (version) {
        if ((sscanf(version, "%lu.%lu.%lu%n", &major, &minor, &micro, &end) != 3 &&
             sscanf(version, "%lu.%lu%n", &major, &minor, &end) != 2) ||
            version[end] != '\0' || minor >= 1000 || micro >= 1000 || major >= 1000000) {
            testLoadError(ld, el, "version '%s' is not of the form MAJOR.MINOR.MICRO",
                          version);
            return -1;
        }
        ld->node->hvVersion = major * 1000000 + minor * 1000 + micro;
    }
    free(ld->node->hvType);
    ld->node->hvType = testXMLProp(el, "type");
    return 0;
}

/* "H:MM" or "H:MM:SS[.frac]" (a time of day on the simulated clock, or
 * since the start of an events file) in seconds; -1 if it is not one. */
static int
testParseClockTime(const char *text, double *ret)
{
    unsigned long long h, m;
    double sec = 0;
    char *end;

    if (*text < '0' || *text > '9')
        return -1;
    errno = 0;
    h = strtoull(text, &end, 10);
    if (errno || *end != ':' || end[1] < '0' || end[1] > '5' || end[2] < '0' || end[2] > '9')
        return -1;
    m = (unsigned long long)(end[1] - '0') * 10 + (unsigned long long)(end[2] - '0');
    end += 3;
    if (*end == ':') {
        if (end[1] < '0' || end[1] > '5' || end[2] < '0' || end[2] > '9' ||
            (end[3] != '\0' && end[3] != '.') || testParseDouble(end + 1, &sec) < 0)
            return -1;
    } else if (*end != '\0') {
        return -1;
    }
    if (h > (unsigned long long)(TEST_MAX_SECONDS / 3600))
        return -1;
    *ret = (double)h * 3600 + (double)m * 60 + sec;
    return 0;
}

/* An optional attribute of seconds ("90", "1.5") or of H:MM[:SS] ("0:10",
 * "01:00:30"); *@ret unchanged when absent. */
static int
testLoadSeconds(const testNodeLoader *ld, xmlNodePtr el, const char *attr, double *ret)
{
    XV_AUTOFREE(char *) text = testXMLProp(el, attr);
    double val;

    if (!text)
        return 0;
    if ((strchr(text, ':') ? testParseClockTime(text, &val)
                           : testParseDouble(text, &val)) < 0 ||
        val < 0 || val > TEST_MAX_SECONDS) {
        testLoadError(ld, el, "attribute '%s' ('%s') must be a number of seconds or "
                      "H:MM[:SS]", attr, text);
        return -1;
    }
    *ret = val;
    return 0;
}

static int
testLoadClock(const testNodeLoader *ld, xmlNodePtr el)
{
    XV_AUTOFREE(char *) rate = testXMLProp(el, "rate");
    double start = 0;

    if (rate) {
        double val;

        if (testParseDouble(rate, &val) < 0 || val < 0 || val > XV_TEST_MAX_RATE) {
            testLoadError(ld, el, "rate '%s' must be a number from 0 to 1000000", rate);
            return -1;
        }
        ld->node->clockRate = val;
    }
    if (testLoadSeconds(ld, el, "start", &start) < 0)
        return -1;
    ld->node->clockStartNs = testSecondsToNs(start);
    return 0;
}

static int
testLoadKiB(const testNodeLoader *ld, xmlNodePtr el, const char *attr, long long *ret)
{
    XV_AUTOFREE(char *) kib = testXMLProp(el, attr);
    unsigned long long val;

    if (!kib || testParseULL(kib, &val) < 0 || val > LLONG_MAX) {
        testLoadError(ld, el, "attribute '%s' must be a number of KiB", attr);
        return -1;
    }
    *ret = (long long)val;
    return 0;
}

/* <xvirt:host-free kib='N'/> (the free memory becomes N KiB) or
 * drop-kib='N' (it falls by N KiB): one of the two. */
static int
testLoadHostFree(const testNodeLoader *ld, xmlNodePtr el, xvTestEvent *ev)
{
    bool hasKib = xmlHasProp(el, BAD_CAST "kib") != NULL;
    bool hasDrop = xmlHasProp(el, BAD_CAST "drop-kib") != NULL;

    if (hasKib && hasDrop) {
        testLoadError(ld, el, "give 'kib' (the free memory then) or 'drop-kib' (how much "
                      "it falls), not both");
        return -1;
    }
    ev->drop = hasDrop;
    return testLoadKiB(ld, el, hasDrop ? "drop-kib" : "kib", &ev->kib);
}

static int
testLoadFault(const testNodeLoader *ld, xmlNodePtr el, double at, char **domain)
{
    XV_AUTOFREE(char *) call = testXMLProp(el, "call");
    XV_AUTOFREE(char *) mode = testXMLProp(el, "mode");
    XV_AUTOFREE(char *) count = testXMLProp(el, "count");
    xvTestFault fault = { 0 };
    double until = -1;
    unsigned long long n;
    int c;

    if (!call || (c = xvTestCallFromString(call)) < 0) {
        testLoadError(ld, el, "attribute 'call' must name a public call, not '%s'",
                      call ? call : "");
        return -1;
    }
    if (mode && XV_STREQ(mode, "fail")) {
        fault.mode = XV_TEST_FAULT_FAIL;
    } else if (mode && XV_STREQ(mode, "hang")) {
        fault.mode = XV_TEST_FAULT_HANG;
    } else {
        testLoadError(ld, el, "attribute 'mode' must be 'fail' or 'hang'");
        return -1;
    }
    fault.hangSeconds = TEST_DEFAULT_HANG_SECONDS;
    if (testLoadSeconds(ld, el, "seconds", &fault.hangSeconds) < 0 ||
        testLoadSeconds(ld, el, "until", &until) < 0)
        return -1;
    if (until >= 0 && until <= at) {
        testLoadError(ld, el, "'until' must come after 'at'");
        return -1;
    }
    fault.remaining = -1;
    if (count) {
        if (testParseULL(count, &n) < 0 || n == 0 || n > LLONG_MAX) {
            testLoadError(ld, el, "count '%s' must be a positive number", count);
            return -1;
        }
        fault.remaining = (long long)n;
    }
    fault.fromNs = ld->baseNs + testSecondsToNs(at);
    fault.untilNs = until >= 0 ? ld->baseNs + testSecondsToNs(until) : UINT64_MAX;
    fault.domain = XV_STEAL_PTR(*domain);
    ld->node->faults[c] = xvReallocN(ld->node->faults[c], ld->node->nfaults[c] + 1,
                                     sizeof(xvTestFault));
    ld->node->faults[c][ld->node->nfaults[c]++] = fault;
    return 0;
}

/* An event is named by its element (<xvirt:crash .../>) or, spelled
 * <event type='crash' .../> (in the xvirt namespace or none), by its type. */
static int
testLoadEventType(const testNodeLoader *ld, xmlNodePtr el)
{
    XV_AUTOFREE(char *) type = NULL;
    const char *name = NULL;
    size_t i;

    if (XV_STREQ((const char *)el->name, "event") &&
        (testXMLIsNS(el, XV_TEST_NS) || testXMLIsNS(el, NULL))) {
        if (!(type = testXMLProp(el, "type"))) {
            testLoadError(ld, el, "missing attribute 'type'");
            return -1;
        }
        name = type;
    } else if (testXMLIsNS(el, XV_TEST_NS)) {
        name = (const char *)el->name;
    }
    for (i = 0; name && i < XV_TEST_EVENT_LAST; i++) {
        if (XV_STREQ(name, testEventNames[i]))
            return (int)i;
    }
    testLoadError(ld, el, "unknown event%s%s%s (expected crash, shutdown, reboot, start, "
                  "destroy, vcpu-load, memory-demand, host-free, host-used, io or fault "
                  "in the xvirt namespace, or <event type='...'/>)",
                  type ? " type '" : "", type ? type : "", type ? "'" : "");
    return -1;
}

static int
testLoadEvent(testNodeLoader *ld, xmlNodePtr el)
{
    XV_AUTOFREE(char *) domain = testXMLProp(el, "domain");
    XV_AUTOFREE(char *) errmsg = NULL;
    xvTestEvent ev = { 0 };
    bool hostEvent;
    double at = 0;
    int type;

    if ((type = testLoadEventType(ld, el)) < 0 || testLoadSeconds(ld, el, "at", &at) < 0)
        return -1;
    ev.type = (xvTestEventType)type;
    if (ev.type == XV_TEST_EVENT_FAULT)
        return testLoadFault(ld, el, at, &domain);
    hostEvent = ev.type == XV_TEST_EVENT_HOST_FREE || ev.type == XV_TEST_EVENT_HOST_USED;
    if (hostEvent && domain) {
        testLoadError(ld, el, "a host event takes no 'domain' attribute");
        return -1;
    }
    if (!hostEvent && !domain) {
        testLoadError(ld, el, "missing attribute 'domain'");
        return -1;
    }
    if (ev.type == XV_TEST_EVENT_VCPU_LOAD &&
        (ev.vcpu = testParseVcpuLoad(el, UINT32_MAX, &ev.load, &errmsg)) == -2) {
        testLoadError(ld, el, "%s", errmsg);
        return -1;
    }
    if (ev.type == XV_TEST_EVENT_HOST_FREE) {
        if (testLoadHostFree(ld, el, &ev) < 0)
            return -1;
    } else if ((ev.type == XV_TEST_EVENT_MEMORY_DEMAND || hostEvent) &&
               testLoadKiB(ld, el, "kib", &ev.kib) < 0) {
        return -1;
    }
    if (ev.type == XV_TEST_EVENT_IO) {
        static const char *const eventAttrs[] = { "at", "domain", "type", NULL };

        if (testParseIoRates(el, eventAttrs, &ev.io, &errmsg) < 0) {
            testLoadError(ld, el, "%s", errmsg);
            xvTestIoRatesClear(&ev.io);
            return -1;
        }
    }
    if (ev.type == XV_TEST_EVENT_START) {
        ld->starts = xvReallocN(ld->starts, ld->nstarts + 1, sizeof(*ld->starts));
        ld->starts[ld->nstarts++] = el;
    }
    ev.atNs = ld->baseNs + testSecondsToNs(at);
    ev.seq = ld->seq++;
    ev.domain = XV_STEAL_PTR(domain);
    if (ld->node->nevents == ld->eventsCap) {
        ld->eventsCap = ld->eventsCap ? ld->eventsCap * 2 : 16;
        ld->node->events = xvReallocN(ld->node->events, ld->eventsCap, sizeof(xvTestEvent));
    }
    ld->node->events[ld->node->nevents++] = ev;
    return 0;
}

static int
testEventCompare(const void *a, const void *b)
{
    const xvTestEvent *ea = a, *eb = b;

    if (ea->atNs != eb->atNs)
        return ea->atNs < eb->atNs ? -1 : 1;
    return ea->seq < eb->seq ? -1 : (ea->seq > eb->seq);
}

static int
testLoadEvents(testNodeLoader *ld, xmlNodePtr events)
{
    xmlNodePtr el;

    for (el = events->children; el; el = el->next) {
        if (el->type == XML_ELEMENT_NODE && testLoadEvent(ld, el) < 0)
            return -1;
    }
    return 0;
}

/* <test:runstate> of a node-file domain; SHUTOFF means defined, inactive. */
static int
testLoadRunstate(const testNodeLoader *ld, xmlNodePtr domEl, virDomainState *ret)
{
    xmlNodePtr el;

    *ret = VIR_DOMAIN_RUNNING;
    for (el = domEl->children; el; el = el->next) {
        XV_AUTOFREE(char *) text = NULL;
        unsigned long long val;

        if (el->type != XML_ELEMENT_NODE || !testXMLIsNS(el, XV_LIBVIRT_TEST_NS) ||
            !XV_STREQ((const char *)el->name, "runstate"))
            continue;
        text = testXMLContent(el);
        if (testParseULL(text, &val) < 0 || val < VIR_DOMAIN_RUNNING ||
            val > VIR_DOMAIN_CRASHED) {
            testLoadError(ld, el, "'%s' is not a domain state from 1 to 6", text);
            return -1;
        }
        *ret = (virDomainState)val;
    }
    return 0;
}

/* Brings a just-added node-file domain into its initial state at time 0,
 * an active one with ID @id (-1: the next free one). */
static void
testLoadDomainState(xvTestNode *node, xvTestDom *dom, virDomainState state, int id)
{
    if (state == VIR_DOMAIN_SHUTOFF)
        return;
    xvTestNodeDomainStartAs(node, dom, id);
    if (state == VIR_DOMAIN_PAUSED || state == VIR_DOMAIN_CRASHED)
        xvTestNodeDomainSetState(node, dom, state);
    else if (state == VIR_DOMAIN_SHUTDOWN)
        xvTestDomShutdown(node, dom, false, true);
}

/* The @at-th child element of @domEl in the xvirt namespace, or @domEl. */
static xmlNodePtr
testLoadNthSetting(xmlNodePtr domEl, size_t at)
{
    xmlNodePtr el;

    for (el = domEl->children; el; el = el->next) {
        if (el->type == XML_ELEMENT_NODE && testXMLIsNS(el, XV_TEST_NS) && at-- == 0)
            return el;
    }
    return domEl;
}

/* Reports why xvTestNodeDomainAdd() refused @def (its xvirt settings) at
 * the line of the element at fault when @domEl, the inline <domain>, has
 * it, else at that of @el. */
static void
testLoadSettingsError(const testNodeLoader *ld, xmlNodePtr el, xmlNodePtr domEl,
                      const xvDomainDef *def)
{
    XV_AUTOFREE(char *) msg = xvStrdup(virGetLastErrorMessage());
    xvTestDomSettings settings;
    xmlNodePtr lineEl = el;
    size_t badAt;

    if (domEl) {
        /* the same parse fails the same way, and tells where */
        if (testSettingsParse(def, ld->node->maxCpus, &settings, &badAt) == 0)
            xvTestDomSettingsClear(&settings);
        else if (badAt != SIZE_MAX)
            lineEl = testLoadNthSetting(domEl, badAt);
    }
    testLoadErrorAt(ld, el, lineEl, msg);
}

/*
 * The ID of a node-file domain that runs (paused or crashed too): its id
 * attribute must be above the IDs of the running domains before it, so
 * that the node's IDs stay in ascending order, and leave room for later
 * starts. Returns the ID (-1: none given), or -2 with the error reported.
 */
static int
testLoadDomainID(const testNodeLoader *ld, xmlNodePtr el, const xvDomainDef *def)
{
    const xvTestNode *node = ld->node;
    int last = node->nactive > 0 ? node->activeIDs[node->nactive - 1] : -1;

    if (def->id < 0)
        return -1;
    if (def->id <= last) {
        testLoadError(ld, el, "id %d is not above %d, the ID of a running domain before it "
                      "(running domains with an id come in ascending ID order)", def->id,
                      last);
        return -2;
    }
    if (def->id == INT_MAX) {
        testLoadError(ld, el, "id %d leaves no ID for later starts", def->id);
        return -2;
    }
    return def->id;
}

static int
testLoadDomainDef(const testNodeLoader *ld, xmlNodePtr el, xmlNodePtr domEl,
                  xvDomainDef *def, virDomainState state)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];
    xvTestDom *dom;
    int id = -1;

    if (xvTestNodeFindByName(ld->node, def->name)) {
        testLoadError(ld, el, "duplicate domain name '%s'", def->name);
        return -1;
    }
    if (xvTestNodeFindByUUID(ld->node, def->uuid)) {
        xvUUIDFormat(def->uuid, uuidstr);
        testLoadError(ld, el, "duplicate domain uuid '%s'", uuidstr);
        return -1;
    }
    if (state != VIR_DOMAIN_SHUTOFF && (id = testLoadDomainID(ld, el, def)) == -2)
        return -1;
    if (xvTestNodeDomainAdd(ld->node, def, true, &dom) < 0) {
        testLoadSettingsError(ld, el, domEl, def);
        return -1;
    }
    testLoadDomainState(ld->node, dom, state, id);
    return 0;
}

static int
testLoadDomain(const testNodeLoader *ld, xmlDocPtr doc, xmlNodePtr el)
{
    XV_AUTOFREE(char *) file = testXMLProp(el, "file");
    XV_AUTOFREE(char *) path = NULL;
    XV_AUTOFREE(char *) data = NULL;
    XV_AUTOFREE(char *) errmsg = NULL;
    xmlDocPtr fdoc = NULL;
    xmlNodePtr domEl = el;
    xvDomainDef *def = NULL;
    virDomainState state;
    size_t len;
    int ret = -1;

    if (file) {
        if (file[0] != '/' && !ld->dir) {
            testLoadError(ld, el, "relative file '%s' needs a node file", file);
            return -1;
        }
        path = file[0] == '/' ? xvStrdup(file) : xvAsprintf("%s/%s", ld->dir, file);
        if (!(data = xvTestNodeReadFile(path, "domain file", VIR_ERR_OPEN_FAILED, &len))) {
            testLoadErrorWrap(ld, el);
            return -1;
        }
        if (!(fdoc = testXMLParse(data, len, path, &errmsg))) {
            testLoadError(ld, el, "domain file '%s': %s", path, errmsg);
            return -1;
        }
        domEl = xmlDocGetRootElement(fdoc);
    }
    if (!(def = xvDomainDefParseNode(fdoc ? fdoc : doc, domEl, xvTestDomainTypes))) {
        testLoadErrorWrap(ld, el);
        goto cleanup;
    }
    if (testLoadRunstate(ld, domEl, &state) < 0 ||
        testLoadDomainDef(ld, el, fdoc ? NULL : domEl, def, state) < 0)
        goto cleanup;
    def = NULL;
    ret = 0;

 cleanup:
    xvDomainDefFree(def);
    xmlFreeDoc(fdoc);
    return ret;
}

/* Everything but the domains, which need the CPU topology first. */
static int
testLoadNodeElement(testNodeLoader *ld, xmlNodePtr el, bool *activeSet)
{
    const char *name = (const char *)el->name;
    unsigned long long val;

    if (testXMLIsNS(el, NULL)) {
        if (XV_STREQ(name, "cpu"))
            return testLoadCpu(ld, el, activeSet);
        if (XV_STREQ(name, "memory")) {
            if (testLoadPositive(ld, el, ULONG_MAX, &val) < 0)
                return -1;
            ld->node->memoryKiB = (unsigned long)val;
        }
        return 0; /* <domain> later; networks, pools... are ignored */
    }
    if (!testXMLIsNS(el, XV_TEST_NS))
        return 0;
    if (XV_STREQ(name, "hypervisor"))
        return testLoadHypervisor(ld, el);
    if (XV_STREQ(name, "clock"))
        return testLoadClock(ld, el);
    if (XV_STREQ(name, "events"))
        return testLoadEvents(ld, el);
    testLoadError(ld, el, "unknown element (expected hypervisor, clock or events)");
    return -1;
}

static int
testLoadTopology(const testNodeLoader *ld, xmlNodePtr root, bool activeSet)
{
    xvTestNode *node = ld->node;
    unsigned long long max = (unsigned long long)node->nodes * node->sockets *
                             node->cores * node->threads;

    if (max > 65536) {
        testLoadError(ld, root, "%llu CPUs (nodes * sockets * cores * threads) are too many",
                      max);
        return -1;
    }
    node->maxCpus = (unsigned int)max;
    node->maplen = VIR_CPU_MAPLEN((int)node->maxCpus);
    if (!activeSet)
        node->cpus = node->maxCpus;
    if (node->cpus > node->maxCpus) {
        testLoadError(ld, root, "%u active CPUs are more than the %u of the topology",
                      node->cpus, node->maxCpus);
        return -1;
    }
    return 0;
}

/* A start names a domain of the node file: a typo would silently start
 * nothing. (The other events may name domains created later.) */
static int
testLoadCheckStarts(const testNodeLoader *ld)
{
    size_t i;

    for (i = 0; i < ld->nstarts; i++) {
        XV_AUTOFREE(char *) domain = testXMLProp(ld->starts[i], "domain");

        if (!xvTestNodeFindByName(ld->node, domain)) {
            testLoadError(ld, ld->starts[i], "no domain named '%s' in the node", domain);
            return -1;
        }
    }
    return 0;
}

static xvTestNode *
testLoadDoc(xmlDocPtr doc, const char *label, const char *dir)
{
    testNodeLoader ld = { .label = label, .dir = dir };
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr el;
    bool activeSet = false;

    if (!root || !testXMLIsNS(root, NULL) || !XV_STREQ((const char *)root->name, "node")) {
        testLoadError(&ld, root, "the root element must be <node>");
        return NULL;
    }
    ld.node = xvTestNodeNew();
    for (el = root->children; el; el = el->next) {
        if (el->type == XML_ELEMENT_NODE && testLoadNodeElement(&ld, el, &activeSet) < 0)
            goto error;
    }
    if (testLoadTopology(&ld, root, activeSet) < 0)
        goto error;
    for (el = root->children; el; el = el->next) {
        if (el->type == XML_ELEMENT_NODE && testXMLIsNS(el, NULL) &&
            XV_STREQ((const char *)el->name, "domain") &&
            testLoadDomain(&ld, doc, el) < 0)
            goto error;
    }
    if (testLoadCheckStarts(&ld) < 0)
        goto error;
    if (ld.node->nevents > 0)
        qsort(ld.node->events, ld.node->nevents, sizeof(xvTestEvent), testEventCompare);
    ld.node->loadMonoNs = xvClockMonoNs();
    free(ld.starts);
    return ld.node;

 error:
    free(ld.starts);
    xvTestNodeFree(ld.node);
    return NULL;
}

xvTestNode *
xvTestNodeLoadBuffer(const char *xml, size_t len, const char *label, const char *dir)
{
    XV_AUTOFREE(char *) errmsg = NULL;
    xvTestNode *node;
    xmlDocPtr doc;

    if (!(doc = testXMLParse(xml, len, label, &errmsg))) {
        xvReportError(VIR_ERR_XML_ERROR, "node '%s': %s", label, errmsg);
        return NULL;
    }
    node = testLoadDoc(doc, label, dir);
    xmlFreeDoc(doc);
    /* The document is gone, but glibc keeps its pages: the parse left the
     * node's few kept blocks scattered among them, so the heap cannot
     * shrink from the top. Hand them back, or a program holding a large
     * node (1000 domains: ~3.5 MB) pays for a parse it has finished. */
    xvMallocTrim();
    return node;
}

xvTestNode *
xvTestNodeLoadString(const char *xml, const char *label, const char *dir)
{
    return xvTestNodeLoadBuffer(xml, strlen(xml), label, dir);
}

xvTestNode *
xvTestNodeLoadFile(const char *path)
{
    XV_AUTOFREE(char *) data = NULL;
    XV_AUTOFREE(char *) dir = xvStrdup(path);
    char *slash = strrchr(dir, '/');
    xvTestNode *node;
    size_t len;

    if (!(data = xvTestNodeReadFile(path, "node file", VIR_ERR_OPEN_FAILED, &len)))
        return NULL;
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    if (!(node = xvTestNodeLoadBuffer(data, len, path, slash ? dir : ".")))
        return NULL;
    node->path = xvStrdup(path);
    return node;
}

/* Moves the events and faults @from holds (just loaded) to the end of
 * @node's, leaving @from without them. */
static void
testMoveEvents(xvTestNode *node, xvTestNode *from)
{
    size_t c;

    if (from->nevents > 0) {
        node->events = xvReallocN(node->events, node->nevents + from->nevents,
                                  sizeof(xvTestEvent));
        memcpy(node->events + node->nevents, from->events, from->nevents * sizeof(xvTestEvent));
        node->nevents += from->nevents;
        from->nevents = 0;
    }
    for (c = 0; c < XV_TEST_CALL_LAST; c++) {
        if (from->nfaults[c] == 0)
            continue;
        node->faults[c] = xvReallocN(node->faults[c], node->nfaults[c] + from->nfaults[c],
                                     sizeof(xvTestFault));
        memcpy(node->faults[c] + node->nfaults[c], from->faults[c],
               from->nfaults[c] * sizeof(xvTestFault));
        node->nfaults[c] += from->nfaults[c];
        from->nfaults[c] = 0;
    }
}

int
xvTestNodeAddEvents(xvTestNode *node, const char *xml, size_t len, const char *label,
                    uint64_t baseNs)
{
    testNodeLoader ld = { .kind = "events", .label = label, .baseNs = baseNs };
    testNodeLoader check;
    XV_AUTOFREE(char *) errmsg = NULL;
    xmlNodePtr root;
    xmlDocPtr doc;
    int ret = -1;

    if (!(doc = testXMLParse(xml, len, label, &errmsg))) {
        xvReportError(VIR_ERR_XML_ERROR, "events '%s': %s", label, errmsg);
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !testXMLIsNS(root, XV_TEST_NS) ||
        !XV_STREQ((const char *)root->name, "events")) {
        testLoadError(&ld, root, "the root element must be <events> in the namespace %s",
                      XV_TEST_NS);
        goto cleanup;
    }
    /* into a scratch node first, so that a bad event adds nothing; ties
     * with the events there are broken after them */
    ld.node = xvTestNodeNew();
    ld.seq = node->nevents + node->nextEvent + 1;
    if (testLoadEvents(&ld, root) < 0)
        goto cleanup;
    /* a start names a domain of @node */
    check = ld;
    check.node = node;
    if (testLoadCheckStarts(&check) < 0)
        goto cleanup;
    ret = 0;
    testMoveEvents(node, ld.node);
    /* only what has not fired moves: everything new is due at @baseNs or later */
    qsort(node->events + node->nextEvent, node->nevents - node->nextEvent,
          sizeof(xvTestEvent), testEventCompare);

 cleanup:
    free(ld.starts);
    xvTestNodeFree(ld.node);
    xmlFreeDoc(doc);
    return ret;
}

int
xvTestNodeAddEventsFile(xvTestNode *node, const char *path, uint64_t baseNs)
{
    XV_AUTOFREE(char *) data = NULL;
    size_t len;

    if (!(data = xvTestNodeReadFile(path, "events file", VIR_ERR_OPEN_FAILED, &len)))
        return -1;
    return xvTestNodeAddEvents(node, data, len, path, baseNs);
}

/* The node of test:///default: libvirt's default test node, in our words,
 * with the same devices; its disk and interface do steady I/O (<xvirt:io>)
 * so that a demo shows counters moving. */
static const char testDefaultNodeXML[] =
    "<node xmlns:xvirt='" XV_TEST_NS "'>\n"
    "  <cpu>\n"
    "    <mhz>1400</mhz>\n"
    "    <model>i686</model>\n"
    "    <active>16</active>\n"
    "    <nodes>2</nodes>\n"
    "    <sockets>2</sockets>\n"
    "    <cores>2</cores>\n"
    "    <threads>2</threads>\n"
    "  </cpu>\n"
    "  <memory>3145728</memory>\n"
    "  <domain type='test'>\n"
    "    <name>test</name>\n"
    "    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "    <memory>8388608</memory>\n"
    "    <currentMemory>2097152</currentMemory>\n"
    "    <vcpu>2</vcpu>\n"
    "    <os>\n"
    "      <type arch='i686'>hvm</type>\n"
    "      <boot dev='hd'/>\n"
    "    </os>\n"
    "    <on_poweroff>destroy</on_poweroff>\n"
    "    <on_reboot>restart</on_reboot>\n"
    "    <on_crash>destroy</on_crash>\n"
    "    <devices>\n"
    "      <disk type='file' device='disk'>\n"
    "        <source file='/guest/diskimage1'/>\n"
    "        <target dev='vda' bus='virtio'/>\n"
    "      </disk>\n"
    "      <interface type='network'>\n"
    "        <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "        <source network='default'/>\n"
    "        <target dev='testnet0'/>\n"
    "      </interface>\n"
    "    </devices>\n"
    "    <xvirt:io device='vda' rd-req='256' rd-bytes='1048576' wr-req='128'"
    " wr-bytes='524288' errs='0'/>\n"
    "    <xvirt:io device='testnet0' rx-bytes='262144' rx-packets='200' rx-errs='0'"
    " rx-drop='0' tx-bytes='131072' tx-packets='100' tx-errs='0' tx-drop='0'/>\n"
    "  </domain>\n"
    "</node>\n";

xvTestNode *
xvTestNodeLoadDefault(void)
{
    return xvTestNodeLoadString(testDefaultNodeXML, "test:///default", NULL);
}
