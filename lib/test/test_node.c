/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_node.c: the simulated node of the test driver (model, clock, events). */
#include "config.h"

#include "test/test_node.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlversion.h>

#include <libvirt/libvirt.h>

#include "util/xvbuf.h"
#include "util/xvclock.h"
#include "util/xvcpulist.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

/* Upper bound of any time given in a node file, in seconds (~31 years). */
#define TEST_MAX_SECONDS 1e9
/* Node and save files are small; refuse anything absurd. */
#define TEST_MAX_FILE_SIZE (64 * 1024 * 1024)
/* How long a "hang" fault sleeps when its element gives no seconds. */
#define TEST_DEFAULT_HANG_SECONDS 10.0

static const char *const testDomainTypes[] = { "test", "xen", NULL };

/* ---- Public call names ------------------------------------------------ */

static const char *const testCallNames[] = {
    [XV_TEST_CALL_CONNECT_OPEN] = "virConnectOpen",
    [XV_TEST_CALL_CONNECT_GET_VERSION] = "virConnectGetVersion",
    [XV_TEST_CALL_NODE_GET_INFO] = "virNodeGetInfo",
    [XV_TEST_CALL_CONNECT_NUM_OF_DOMAINS] = "virConnectNumOfDomains",
    [XV_TEST_CALL_CONNECT_LIST_DOMAINS] = "virConnectListDomains",
    [XV_TEST_CALL_CONNECT_LIST_DEFINED_DOMAINS] = "virConnectListDefinedDomains",
    [XV_TEST_CALL_DOMAIN_CREATE_LINUX] = "virDomainCreateLinux",
    [XV_TEST_CALL_DOMAIN_DEFINE_XML] = "virDomainDefineXML",
    [XV_TEST_CALL_DOMAIN_UNDEFINE] = "virDomainUndefine",
    [XV_TEST_CALL_DOMAIN_CREATE] = "virDomainCreate",
    [XV_TEST_CALL_DOMAIN_LOOKUP_BY_ID] = "virDomainLookupByID",
    [XV_TEST_CALL_DOMAIN_LOOKUP_BY_NAME] = "virDomainLookupByName",
    [XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID] = "virDomainLookupByUUID",
    [XV_TEST_CALL_DOMAIN_DESTROY] = "virDomainDestroy",
    [XV_TEST_CALL_DOMAIN_SUSPEND] = "virDomainSuspend",
    [XV_TEST_CALL_DOMAIN_RESUME] = "virDomainResume",
    [XV_TEST_CALL_DOMAIN_SHUTDOWN] = "virDomainShutdown",
    [XV_TEST_CALL_DOMAIN_REBOOT] = "virDomainReboot",
    [XV_TEST_CALL_DOMAIN_SAVE] = "virDomainSave",
    [XV_TEST_CALL_DOMAIN_RESTORE] = "virDomainRestore",
    [XV_TEST_CALL_DOMAIN_GET_OS_TYPE] = "virDomainGetOSType",
    [XV_TEST_CALL_DOMAIN_GET_MAX_MEMORY] = "virDomainGetMaxMemory",
    [XV_TEST_CALL_DOMAIN_SET_MAX_MEMORY] = "virDomainSetMaxMemory",
    [XV_TEST_CALL_DOMAIN_SET_MEMORY] = "virDomainSetMemory",
    [XV_TEST_CALL_DOMAIN_GET_INFO] = "virDomainGetInfo",
    [XV_TEST_CALL_DOMAIN_GET_XML_DESC] = "virDomainGetXMLDesc",
    [XV_TEST_CALL_DOMAIN_SET_VCPUS] = "virDomainSetVcpus",
    [XV_TEST_CALL_DOMAIN_PIN_VCPU] = "virDomainPinVcpu",
    [XV_TEST_CALL_DOMAIN_GET_VCPUS] = "virDomainGetVcpus",
    [XV_TEST_CALL_NODE_GET_FREE_MEMORY] = "virNodeGetFreeMemory",
    [XV_TEST_CALL_DOMAIN_MEMORY_STATS] = "virDomainMemoryStats",
};
_Static_assert(XV_N_ELEMENTS(testCallNames) == XV_TEST_CALL_LAST,
               "testCallNames must name every xvTestCall");

const char *
xvTestCallToString(xvTestCall call)
{
    if ((unsigned int)call >= XV_TEST_CALL_LAST)
        return NULL;
    return testCallNames[call];
}

int
xvTestCallFromString(const char *name)
{
    size_t i;

    for (i = 0; i < XV_TEST_CALL_LAST; i++) {
        if (XV_STREQ(name, testCallNames[i]))
            return (int)i;
    }
    if (XV_STREQ(name, "virConnectOpenReadOnly"))
        return XV_TEST_CALL_CONNECT_OPEN;
    if (XV_STREQ(name, "virDomainLookupByUUIDString"))
        return XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID;
    return -1;
}

/* ---- Events, timers, faults ------------------------------------------- */

typedef enum {
    XV_TEST_EVENT_CRASH = 0,
    XV_TEST_EVENT_SHUTDOWN,
    XV_TEST_EVENT_REBOOT,
    XV_TEST_EVENT_START,        /* the host starts a defined, inactive domain */
    XV_TEST_EVENT_DESTROY,      /* the host destroys a running domain */
    XV_TEST_EVENT_VCPU_LOAD,
    XV_TEST_EVENT_MEMORY_DEMAND,
    XV_TEST_EVENT_HOST_FREE,    /* sets hostUsedKiB so that free memory is kib */
    XV_TEST_EVENT_HOST_USED,    /* sets hostUsedKiB */
    XV_TEST_EVENT_FAULT,        /* not a timed event: parsed into node->faults */
    XV_TEST_EVENT_LAST
} xvTestEventType;

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
    [XV_TEST_EVENT_FAULT] = "fault",
};
_Static_assert(XV_N_ELEMENTS(testEventNames) == XV_TEST_EVENT_LAST,
               "testEventNames must name every xvTestEventType");

struct _xvTestEvent {
    xvTestEventType type;
    uint64_t atNs;
    size_t seq;                 /* document order, breaks ties */
    char *domain;               /* NULL for host-free, host-used */
    int vcpu;                   /* vcpu-load: -1 for all */
    double load;                /* vcpu-load */
    long long kib;              /* memory-demand, host-free, host-used */
};

struct _xvTestTimer {
    uint64_t atNs;
    uint64_t seq;
    unsigned char uuid[16];
    uint64_t token;             /* must still be the domain's shutdownToken */
    bool reboot;
};

typedef enum {
    XV_TEST_FAULT_FAIL = 0,
    XV_TEST_FAULT_HANG,
    XV_TEST_FAULT_LAST
} xvTestFaultMode;

struct _xvTestFault {
    xvTestFaultMode mode;
    char *domain;               /* NULL: any call */
    uint64_t fromNs, untilNs;   /* simulated window [from, until) */
    double hangSeconds;         /* real seconds */
    long long remaining;        /* -1: unlimited */
};

/* ---- Small helpers ------------------------------------------------------ */

static const char *
testStrerror(int errnum, char *buf, size_t len)
{
    return strerror_r(errnum, buf, len);
}

/* Digits only, surrounding blanks allowed. */
static int
testParseULL(const char *str, unsigned long long *ret)
{
    char *end;
    unsigned long long val;

    while (*str == ' ' || *str == '\t' || *str == '\n' || *str == '\r')
        str++;
    if (*str < '0' || *str > '9')
        return -1;
    errno = 0;
    val = strtoull(str, &end, 10);
    if (errno != 0)
        return -1;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (*end != '\0')
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
    if (errno != 0 || end == str || !isfinite(val))
        return -1;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (*end != '\0')
        return -1;
    *ret = val;
    return 0;
}

static uint64_t
testSecondsToNs(double seconds)
{
    return (uint64_t)(seconds * (double)XV_NS_PER_SEC + 0.5); /* seconds >= 0 */
}

/* Reads a whole file. Reports "cannot open|read @what '@path': reason" with
 * @openCode when the file cannot be opened, else VIR_ERR_READ_FAILED. */
static char *
testReadFile(const char *path, const char *what, int openCode, size_t *retlen)
{
    char errbuf[128];
    XV_AUTOFREE(char *) data = NULL;
    size_t len = 0, cap = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        xvReportError(openCode, "cannot open %s '%s': %s", what, path,
                      testStrerror(errno, errbuf, sizeof(errbuf)));
        return NULL;
    }
    for (;;) {
        ssize_t n;

        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            data = xvReallocN(data, cap, 1);
        }
        n = read(fd, data + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || len + (size_t)n > TEST_MAX_FILE_SIZE) {
            xvReportError(VIR_ERR_READ_FAILED, "cannot read %s '%s': %s", what, path,
                          n < 0 ? testStrerror(errno, errbuf, sizeof(errbuf))
                                : "file too large");
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    data[len] = '\0';
    if (retlen)
        *retlen = len;
    return XV_STEAL_PTR(data);
}

#if LIBXML_VERSION >= 21200
# define TEST_XML_ERROR_CONST const
#else
# define TEST_XML_ERROR_CONST
#endif

/* Keeps the first error of a parse (libxml2 would only give the last). */
static void
testXMLErrorHandler(void *data, TEST_XML_ERROR_CONST xmlError *err)
{
    xmlParserCtxtPtr ctxt = data;
    char **first = ctxt ? ctxt->_private : NULL;
    size_t n;

    if (!first || *first || !err || err->level < XML_ERR_ERROR)
        return;
    n = err->message ? strlen(err->message) : 0;
    while (n > 0 && (err->message[n - 1] == '\n' || err->message[n - 1] == ' '))
        n--;
    *first = xvAsprintf("line %d: %.*s", err->line, (int)n,
                        err->message ? err->message : "");
}

/* Parses XML without printing anything; on failure (also a namespace
 * error) returns NULL and a description of the first error in *@errmsg. */
static xmlDocPtr
testXMLParse(const char *data, size_t len, const char *url, char **errmsg)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    char *first = NULL;
    xmlDocPtr doc;

    if (!ctxt) {
        *errmsg = xvStrdup("cannot create an XML parser");
        return NULL;
    }
    ctxt->_private = &first;
    ctxt->sax->serror = testXMLErrorHandler;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || first || !ctxt->wellFormed || !ctxt->nsWellFormed) {
        *errmsg = first ? first : xvStrdup("not well-formed XML");
        first = NULL;
        xmlFreeDoc(doc);
        doc = NULL;
    }
    free(first);
    xmlFreeParserCtxt(ctxt);
    return doc;
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

/* ---- Domain settings (the <xvirt:*> children of <domain>) --------------- */

void
xvTestDomSettingsClear(xvTestDomSettings *settings)
{
    free(settings->loads);
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

static int
testSettingsParseElement(const xvDomainDef *def, xmlNodePtr el, xvTestDomSettings *settings)
{
    const char *name = (const char *)el->name;
    XV_AUTOFREE(char *) errmsg = NULL;

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
    } else {
        testSettingsError(def, el, "unknown element");
        return -1;
    }
    return 0;
}

static void
testSettingsInit(xvTestDomSettings *settings, unsigned int maxVcpus)
{
    size_t i;

    memset(settings, 0, sizeof(*settings));
    settings->memDemandKiB = -1;
    settings->nloads = maxVcpus;
    settings->loads = xvAllocN(maxVcpus ? maxVcpus : 1, sizeof(double));
    for (i = 0; i < settings->nloads; i++)
        settings->loads[i] = 1.0;
}

int
xvTestDomSettingsParse(const xvDomainDef *def, xvTestDomSettings *settings)
{
    XV_AUTOFREE(char *) wrapped = NULL;
    XV_AUTOFREE(char *) errmsg = NULL;
    xmlDocPtr doc;
    xmlNodePtr el;
    int ret = -1;

    testSettingsInit(settings, def->maxVcpus);
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
        if (testSettingsParseElement(def, el, settings) < 0)
            goto cleanup;
    }
    ret = 0;

 cleanup:
    xmlFreeDoc(doc);
    if (ret < 0)
        xvTestDomSettingsClear(settings);
    return ret;
}

/* ---- cpusets ------------------------------------------------------------ */

/* The CPUs <vcpu cpuset=...> lets a vcpu use, in libvirt's syntax ("0-3,^2,6";
 * CPUs beyond the node are ignored): all of the node's when it is absent,
 * malformed or leaves none. */
static void
testCpusetParse(const xvTestNode *node, const char *cpuset, unsigned char *map)
{
    xvCpuListItem all = { .first = 0, .last = SIZE_MAX };

    if (cpuset && xvCpuListParse(cpuset, XV_CPULIST_LIBVIRT | XV_CPULIST_CLIP,
                                 node->maxCpus, map, NULL) > 0)
        return;
    memset(map, 0, (size_t)node->maplen);
    xvCpuListItemApply(&all, map, node->maxCpus);
}

/* ---- Node object ------------------------------------------------------- */

static xvTestNode *
testNodeNew(void)
{
    xvTestNode *node = xvAlloc(sizeof(*node));

    pthread_mutex_init(&node->lock, NULL);
    snprintf(node->model, sizeof(node->model), "%s", "i686");
    node->memoryKiB = 3145728;
    node->mhz = 1400;
    node->nodes = 2;
    node->sockets = 2;
    node->cores = 2;
    node->threads = 2;
    node->hvVersion = 2;
    node->clockRate = 1.0;
    node->byName = xvHashNew();
    node->byUUID = xvHashNew();
    node->byID = xvHashNew();
    node->nextID = 1;
    return node;
}

static void
testDomFree(xvTestDom *dom)
{
    size_t i;

    if (!dom)
        return;
    for (i = 0; i < dom->nvcpus; i++)
        free(dom->vcpus[i].affinity);
    free(dom->vcpus);
    xvTestDomSettingsClear(&dom->settings);
    xvDomainDefFree(dom->def);
    xvDomainDefFree(dom->newDef);
    free(dom);
}

void
xvTestNodeFree(xvTestNode *node)
{
    size_t i, j;

    if (!node)
        return;
    while (node->domains) {
        xvTestDom *dom = node->domains;

        node->domains = dom->next;
        testDomFree(dom);
    }
    xvHashFree(node->byName);
    xvHashFree(node->byUUID);
    xvHashFree(node->byID);
    for (i = 0; i < node->nevents; i++)
        free(node->events[i].domain);
    free(node->events);
    free(node->timers);
    for (i = 0; i < XV_TEST_CALL_LAST; i++) {
        for (j = 0; j < node->nfaults[i]; j++)
            free(node->faults[i][j].domain);
        free(node->faults[i]);
    }
    free(node->hvType);
    free(node->path);
    xvTestJournalFree(node->journal);
    pthread_mutex_destroy(&node->lock);
    free(node);
}

/* ---- Domain lookups ------------------------------------------------------ */

xvTestDom *
xvTestNodeFindByName(xvTestNode *node, const char *name)
{
    return xvHashLookupStr(node->byName, name);
}

xvTestDom *
xvTestNodeFindByUUID(xvTestNode *node, const unsigned char *uuid)
{
    return xvHashLookup(node->byUUID, uuid, XV_UUID_BUFLEN);
}

xvTestDom *
xvTestNodeFindByID(xvTestNode *node, int id)
{
    return xvHashLookup(node->byID, &id, sizeof(id));
}

/* ---- CPU time ------------------------------------------------------------ */

static bool
testDomVcpusRun(const xvTestDom *dom)
{
    return dom->state == VIR_DOMAIN_RUNNING || dom->state == VIR_DOMAIN_SHUTDOWN;
}

static uint64_t
testVcpuTimeAt(const xvTestDom *dom, size_t i, uint64_t now)
{
    const xvTestVcpu *v = &dom->vcpus[i];
    uint64_t t = v->baseNs;

    if (testDomVcpusRun(dom) && i < dom->def->vcpus && now > v->sinceNs)
        t += (uint64_t)(v->load * (double)(now - v->sinceNs));
    return t;
}

uint64_t
xvTestDomVcpuTimeNs(const xvTestNode *node, const xvTestDom *dom, size_t vcpu)
{
    if (!xvTestDomIsActive(dom) || vcpu >= dom->nvcpus)
        return 0;
    return testVcpuTimeAt(dom, vcpu, node->nowNs);
}

uint64_t
xvTestDomCpuTimeNs(const xvTestNode *node, const xvTestDom *dom)
{
    uint64_t sum = 0;
    size_t i;

    if (!xvTestDomIsActive(dom))
        return 0;
    for (i = 0; i < dom->nvcpus; i++)
        sum += testVcpuTimeAt(dom, i, node->nowNs);
    return sum;
}

/* Accounts the CPU time burnt so far; call before anything that changes
 * whether or how fast vcpus run. */
static void
testDomFold(const xvTestNode *node, xvTestDom *dom)
{
    size_t i;

    for (i = 0; i < dom->nvcpus; i++) {
        dom->vcpus[i].baseNs = testVcpuTimeAt(dom, i, node->nowNs);
        dom->vcpus[i].sinceNs = node->nowNs;
    }
}

int
xvTestDomVcpuPlacement(const xvTestNode *node, const xvTestDom *dom, size_t vcpu)
{
    const unsigned char *map = dom->vcpus[vcpu].affinity;
    unsigned int cpu, count = 0, k;

    for (cpu = 0; cpu < node->maxCpus; cpu++) {
        if (VIR_CPU_USABLE(map, 0, 0, cpu))
            count++;
    }
    if (count == 0)
        return -1;
    k = (unsigned int)(((unsigned long)dom->id + vcpu) % count);
    for (cpu = 0; cpu < node->maxCpus; cpu++) {
        if (VIR_CPU_USABLE(map, 0, 0, cpu) && k-- == 0)
            return (int)cpu;
    }
    return -1;
}

/* ---- Life cycle primitives ---------------------------------------------- */

/* Gives @dom (without an ID) a new ID and fresh vcpus, running. */
static void
testDomLaunch(xvTestNode *node, xvTestDom *dom)
{
    size_t i;

    xvTestDomSettingsClear(&dom->settings);
    /* Checked when the def was given to us; defaults if that ever changes. */
    if (xvTestDomSettingsParse(dom->def, &dom->settings) < 0)
        testSettingsInit(&dom->settings, dom->def->maxVcpus);
    dom->id = node->nextID++;
    xvHashAdd(node->byID, &dom->id, sizeof(dom->id), dom);
    node->nactive++;
    dom->state = VIR_DOMAIN_RUNNING;
    dom->nvcpus = dom->def->maxVcpus;
    dom->vcpus = xvAllocN(dom->nvcpus ? dom->nvcpus : 1, sizeof(*dom->vcpus));
    for (i = 0; i < dom->nvcpus; i++) {
        xvTestVcpu *v = &dom->vcpus[i];

        v->sinceNs = node->nowNs;
        v->load = i < dom->settings.nloads ? dom->settings.loads[i] : 1.0;
        v->affinity = xvAlloc((size_t)node->maplen);
        testCpusetParse(node, dom->def->cpuset, v->affinity);
    }
    dom->memDemandKiB = dom->settings.memDemandKiB;
    dom->shutdownToken = 0;
}

/* Drops the ID and vcpus of an active @dom. */
static void
testDomRelease(xvTestNode *node, xvTestDom *dom)
{
    size_t i;

    xvHashRemove(node->byID, &dom->id, sizeof(dom->id));
    node->nactive--;
    dom->id = -1;
    for (i = 0; i < dom->nvcpus; i++)
        free(dom->vcpus[i].affinity);
    free(dom->vcpus);
    dom->vcpus = NULL;
    dom->nvcpus = 0;
    dom->shutdownToken = 0;
    dom->memDemandKiB = -1;
}

/* A new incarnation, as Xen does on restart: new ID, CPU time from zero,
 * the persistent config if it changed meanwhile. */
static void
testDomRestart(xvTestNode *node, xvTestDom *dom)
{
    testDomRelease(node, dom);
    if (dom->newDef) {
        xvDomainDefFree(dom->def);
        dom->def = XV_STEAL_PTR(dom->newDef);
    }
    testDomLaunch(node, dom);
}

bool
xvTestNodeDomainStop(xvTestNode *node, xvTestDom *dom)
{
    testDomRelease(node, dom);
    dom->state = VIR_DOMAIN_SHUTOFF;
    if (!dom->persistent) {
        xvTestNodeDomainRemove(node, dom);
        return true;
    }
    if (dom->newDef) {
        xvDomainDefFree(dom->def);
        dom->def = XV_STEAL_PTR(dom->newDef);
    }
    return false;
}

/* Applies on_poweroff (@reboot: on_reboot) once the guest has stopped. */
static bool
testDomGuestStopped(xvTestNode *node, xvTestDom *dom, bool reboot)
{
    xvDomainLifecycleAction act = reboot ? dom->def->onReboot : dom->def->onPoweroff;

    if (act == XV_DOMAIN_LIFECYCLE_RESTART || act == XV_DOMAIN_LIFECYCLE_RENAME_RESTART) {
        testDomRestart(node, dom);
        return false;
    }
    return xvTestNodeDomainStop(node, dom);
}

static bool
testDomCrash(xvTestNode *node, xvTestDom *dom)
{
    switch (dom->def->onCrash) {
    case XV_DOMAIN_LIFECYCLE_RESTART:
    case XV_DOMAIN_LIFECYCLE_RENAME_RESTART:
        testDomRestart(node, dom);
        return false;
    case XV_DOMAIN_LIFECYCLE_PRESERVE:
        testDomFold(node, dom);
        dom->state = VIR_DOMAIN_CRASHED;
        dom->shutdownToken = 0;
        return false;
    case XV_DOMAIN_LIFECYCLE_DESTROY:
    case XV_DOMAIN_LIFECYCLE_LAST:
    default:
        return xvTestNodeDomainStop(node, dom);
    }
}

static void
testTimerPush(xvTestNode *node, const xvTestTimer *timer)
{
    size_t i;

    if (node->ntimers == node->timersCap) {
        node->timersCap = node->timersCap ? node->timersCap * 2 : 16;
        node->timers = xvReallocN(node->timers, node->timersCap, sizeof(*node->timers));
    }
    i = node->ntimers++;
    node->timers[i] = *timer;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        xvTestTimer tmp;

        if (node->timers[parent].atNs < node->timers[i].atNs ||
            (node->timers[parent].atNs == node->timers[i].atNs &&
             node->timers[parent].seq < node->timers[i].seq))
            break;
        tmp = node->timers[parent];
        node->timers[parent] = node->timers[i];
        node->timers[i] = tmp;
        i = parent;
    }
}

static bool
testTimerLess(const xvTestTimer *a, const xvTestTimer *b)
{
    return a->atNs < b->atNs || (a->atNs == b->atNs && a->seq < b->seq);
}

static xvTestTimer
testTimerPop(xvTestNode *node)
{
    xvTestTimer top = node->timers[0];
    size_t i = 0;

    node->timers[0] = node->timers[--node->ntimers];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        xvTestTimer tmp;

        if (l < node->ntimers && testTimerLess(&node->timers[l], &node->timers[m]))
            m = l;
        if (r < node->ntimers && testTimerLess(&node->timers[r], &node->timers[m]))
            m = r;
        if (m == i)
            break;
        tmp = node->timers[m];
        node->timers[m] = node->timers[i];
        node->timers[i] = tmp;
        i = m;
    }
    return top;
}

/* A shutdown or reboot, asked by the host (@guest false) or decided by the
 * guest itself. Returns true if @dom vanished. */
static bool
testDomShutdown(xvTestNode *node, xvTestDom *dom, bool reboot, bool guest)
{
    xvTestTimer timer = { 0 };

    if (!guest && dom->settings.ignoreShutdown)
        return false;
    if (dom->state == VIR_DOMAIN_SHUTDOWN)
        return false;
    if (dom->settings.shutdownDelayNs == 0)
        return testDomGuestStopped(node, dom, reboot);
    dom->state = VIR_DOMAIN_SHUTDOWN;
    dom->shutdownToken = ++node->nextToken;
    timer.atNs = node->nowNs + dom->settings.shutdownDelayNs;
    timer.seq = node->timerSeq++;
    memcpy(timer.uuid, dom->def->uuid, sizeof(timer.uuid));
    timer.token = dom->shutdownToken;
    timer.reboot = reboot;
    testTimerPush(node, &timer);
    return false;
}

bool
xvTestNodeDomainRequestShutdown(xvTestNode *node, xvTestDom *dom, bool reboot)
{
    return testDomShutdown(node, dom, reboot, false);
}

void
xvTestNodeDomainSetState(xvTestNode *node, xvTestDom *dom, virDomainState state)
{
    testDomFold(node, dom);
    dom->state = state;
}

void
xvTestNodeDomainSetVcpus(xvTestNode *node, xvTestDom *dom, unsigned int nvcpus)
{
    if (xvTestDomIsActive(dom))
        testDomFold(node, dom);
    dom->def->vcpus = nvcpus;
}

void
xvTestNodeDomainKeepPersistentDef(xvTestDom *dom)
{
    if (dom->persistent && xvTestDomIsActive(dom) && !dom->newDef)
        dom->newDef = xvDomainDefCopy(dom->def);
}

int
xvTestNodeDomainAdd(xvTestNode *node, xvDomainDef *def, bool persistent, xvTestDom **ret)
{
    xvTestDomSettings settings;
    xvTestDom *dom;

    if (xvTestDomSettingsParse(def, &settings) < 0)
        return -1;
    xvTestDomSettingsClear(&settings);
    dom = xvAlloc(sizeof(*dom));
    dom->def = def;
    dom->persistent = persistent;
    dom->state = VIR_DOMAIN_SHUTOFF;
    dom->id = -1;
    dom->memDemandKiB = -1;
    xvTestDomSettingsClear(&dom->settings);
    dom->prev = node->lastDomain;
    if (node->lastDomain)
        node->lastDomain->next = dom;
    else
        node->domains = dom;
    node->lastDomain = dom;
    node->ndomains++;
    xvHashAddStr(node->byName, def->name, dom);
    xvHashAdd(node->byUUID, def->uuid, XV_UUID_BUFLEN, dom);
    *ret = dom;
    return 0;
}

void
xvTestNodeDomainRemove(xvTestNode *node, xvTestDom *dom)
{
    if (xvTestDomIsActive(dom))
        testDomRelease(node, dom);
    xvHashRemoveStr(node->byName, dom->def->name);
    xvHashRemove(node->byUUID, dom->def->uuid, XV_UUID_BUFLEN);
    if (dom->prev)
        dom->prev->next = dom->next;
    else
        node->domains = dom->next;
    if (dom->next)
        dom->next->prev = dom->prev;
    else
        node->lastDomain = dom->prev;
    node->ndomains--;
    testDomFree(dom);
}

int
xvTestNodeDomainRedefine(xvTestNode *node XV_UNUSED, xvTestDom *dom, xvDomainDef *def)
{
    xvTestDomSettings settings;

    if (xvTestDomSettingsParse(def, &settings) < 0)
        return -1;
    xvTestDomSettingsClear(&settings);
    if (xvTestDomIsActive(dom)) {
        xvDomainDefFree(dom->newDef);
        dom->newDef = def;
    } else {
        xvDomainDefFree(dom->def);
        dom->def = def;
    }
    dom->persistent = true;
    return 0;
}

int
xvTestNodeDomainStart(xvTestNode *node, xvTestDom *dom, xvDomainDef *liveDef)
{
    if (liveDef) {
        xvTestDomSettings settings;

        if (xvTestDomSettingsParse(liveDef, &settings) < 0)
            return -1;
        xvTestDomSettingsClear(&settings);
        if (dom->persistent) {
            xvDomainDefFree(dom->newDef);
            dom->newDef = dom->def;
        } else {
            xvDomainDefFree(dom->def);
        }
        dom->def = liveDef;
    }
    testDomLaunch(node, dom);
    return 0;
}

void
xvTestNodeDomainRestoreState(xvTestNode *node, xvTestDom *dom,
                             uint64_t cpuTimeNs, bool paused)
{
    size_t online = dom->def->vcpus ? dom->def->vcpus : 1;
    size_t i;

    if (online > dom->nvcpus)
        online = dom->nvcpus;
    for (i = 0; i < online; i++) {
        dom->vcpus[i].baseNs = cpuTimeNs / online;
        dom->vcpus[i].sinceNs = node->nowNs;
    }
    if (online > 0)
        dom->vcpus[0].baseNs += cpuTimeNs % online;
    if (paused)
        dom->state = VIR_DOMAIN_PAUSED;
}

/* ---- Clock, events, faults ---------------------------------------------- */

/* Real time elapsed since simulated time 0: since the load, or since the
 * journal's epoch when shared. */
static uint64_t
testNodeElapsedNs(const xvTestNode *node)
{
    uint64_t real;

    if (!node->journal)
        return xvClockMonoNs() - node->loadMonoNs;
    /* the monotonic clock is one for every process of the machine, and
     * unlike the wall clock never steps back */
    real = xvClockMonoNs();
    return real > node->epochNs ? real - node->epochNs : 0;
}

static uint64_t
testNodeClock(const xvTestNode *node)
{
    uint64_t elapsed = testNodeElapsedNs(node);

    if (node->clockRate != 1.0)
        elapsed = (uint64_t)(node->clockRate * (double)elapsed);
    return node->clockStartNs + elapsed + node->clockOffsetNs;
}

/* a + b, saturated: scripted sizes are bounded only by LLONG_MAX. */
static unsigned long long
testAddSat(unsigned long long a, unsigned long long b)
{
    return a > ULLONG_MAX - b ? ULLONG_MAX : a + b;
}

/* The current memory of the active domains, in KiB. */
static unsigned long long
testNodeDomainsKiB(const xvTestNode *node)
{
    unsigned long long sum = 0;
    const xvTestDom *dom;

    for (dom = node->domains; dom; dom = dom->next) {
        if (xvTestDomIsActive(dom))
            sum = testAddSat(sum, dom->def->memKiB);
    }
    return sum;
}

unsigned long long
xvTestNodeFreeKiB(const xvTestNode *node)
{
    unsigned long long held = testAddSat(testNodeDomainsKiB(node), node->hostUsedKiB);

    return held >= node->memoryKiB ? 0 : node->memoryKiB - held;
}

/* <xvirt:host-free>: the host takes (or gives back) what makes the free
 * memory @freeKiB with the domains' current sizes; it never uses less than
 * nothing, so a @freeKiB above what the domains leave gives all of that. */
static void
testNodeSetHostFree(xvTestNode *node, unsigned long long freeKiB)
{
    unsigned long long held = testAddSat(testNodeDomainsKiB(node), freeKiB);

    node->hostUsedKiB = held >= node->memoryKiB ? 0 : node->memoryKiB - held;
}

static void
testNodeFireEvent(xvTestNode *node, const xvTestEvent *ev)
{
    xvTestDom *dom = NULL;
    size_t i;

    if (ev->domain) {
        dom = xvTestNodeFindByName(node, ev->domain);
        if (!dom)
            return;
        /* a start only touches an inactive domain, the others running ones */
        if (xvTestDomIsActive(dom) != (ev->type != XV_TEST_EVENT_START))
            return;
    }
    switch (ev->type) {
    case XV_TEST_EVENT_START:
        xvTestNodeDomainStart(node, dom, NULL);
        break;
    case XV_TEST_EVENT_DESTROY:
        xvTestNodeDomainStop(node, dom);
        break;
    case XV_TEST_EVENT_CRASH:
        if (testDomVcpusRun(dom))
            testDomCrash(node, dom);
        break;
    case XV_TEST_EVENT_SHUTDOWN:
    case XV_TEST_EVENT_REBOOT:
        if (dom->state == VIR_DOMAIN_RUNNING)
            testDomShutdown(node, dom, ev->type == XV_TEST_EVENT_REBOOT, true);
        break;
    case XV_TEST_EVENT_VCPU_LOAD:
        testDomFold(node, dom);
        for (i = 0; i < dom->nvcpus; i++) {
            if (ev->vcpu < 0 || (size_t)ev->vcpu == i)
                dom->vcpus[i].load = ev->load;
        }
        break;
    case XV_TEST_EVENT_MEMORY_DEMAND:
        dom->memDemandKiB = ev->kib;
        break;
    case XV_TEST_EVENT_HOST_FREE:
        testNodeSetHostFree(node, (unsigned long long)ev->kib);
        break;
    case XV_TEST_EVENT_HOST_USED:
        node->hostUsedKiB = (unsigned long long)ev->kib;
        break;
    case XV_TEST_EVENT_FAULT:
    case XV_TEST_EVENT_LAST:
    default:
        break;
    }
}

static void
testNodeFireTimer(xvTestNode *node, const xvTestTimer *timer)
{
    xvTestDom *dom = xvTestNodeFindByUUID(node, timer->uuid);

    if (!dom || dom->state != VIR_DOMAIN_SHUTDOWN || dom->shutdownToken != timer->token)
        return;
    testDomGuestStopped(node, dom, timer->reboot);
}

/* Fires, in time order and each at its own time, what is due by @now. */
static void
testNodeRunUntil(xvTestNode *node, uint64_t now)
{
    for (;;) {
        uint64_t te = UINT64_MAX, tt = UINT64_MAX;

        if (node->nextEvent < node->nevents)
            te = node->events[node->nextEvent].atNs;
        if (node->ntimers > 0)
            tt = node->timers[0].atNs;
        if (te > now && tt > now)
            break;
        if (tt < te) {
            xvTestTimer timer = testTimerPop(node);

            if (timer.atNs > node->nowNs)
                node->nowNs = timer.atNs;
            testNodeFireTimer(node, &timer);
        } else {
            const xvTestEvent *ev = &node->events[node->nextEvent++];

            if (ev->atNs > node->nowNs)
                node->nowNs = ev->atNs;
            testNodeFireEvent(node, ev);
        }
    }
    if (now > node->nowNs)
        node->nowNs = now;
}

static const xvTestFault *
testNodeFaultMatch(xvTestNode *node, xvTestCall call, const char *domName)
{
    size_t i;

    for (i = 0; i < node->nfaults[call]; i++) {
        xvTestFault *f = &node->faults[call][i];

        if (node->nowNs < f->fromNs || node->nowNs >= f->untilNs || f->remaining == 0)
            continue;
        if (f->domain && !XV_STREQ_NULLABLE(f->domain, domName))
            continue;
        if (f->remaining > 0)
            f->remaining--;
        return f;
    }
    return NULL;
}

static void
testSleepSeconds(double seconds)
{
    struct timespec ts;

    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* Replays one journal entry: the node runs up to the entry's time, then
 * applies it. Errors of the replay are not the caller's. */
static void
testNodeReplay(void *opaque, const xvTestJournalEntry *entry)
{
    xvTestNode *node = opaque;

    testNodeRunUntil(node, entry->atNs);
    node->apply(node, entry);
    virResetLastError();
}

/* Locks the node and brings it to now: when shared, takes the journal's
 * flock and replays what other processes appended. On failure the node is
 * unlocked. */
static int
testNodeLock(xvTestNode *node)
{
    pthread_mutex_lock(&node->lock);
    if (node->journal) {
        if (xvTestJournalLock(node->journal) < 0) {
            pthread_mutex_unlock(&node->lock);
            return -1;
        }
        if (xvTestJournalRead(node->journal, testNodeReplay, node) < 0) {
            xvTestJournalUnlock(node->journal);
            pthread_mutex_unlock(&node->lock);
            return -1;
        }
    }
    testNodeRunUntil(node, testNodeClock(node));
    return 0;
}

static void
testNodeUnlock(xvTestNode *node)
{
    if (node->journal)
        xvTestJournalUnlock(node->journal);
    pthread_mutex_unlock(&node->lock);
}

int
xvTestNodeBegin(xvTestNode *node, xvTestCall call, const char *domName)
{
    const xvTestFault *fault;
    double hang;

    if (testNodeLock(node) < 0)
        return -1;
    if ((unsigned int)call >= XV_TEST_CALL_LAST || node->nfaults[call] == 0 ||
        !(fault = testNodeFaultMatch(node, call, domName)))
        return 0;
    if (fault->mode == XV_TEST_FAULT_FAIL) {
        if (domName)
            xvReportError(VIR_ERR_OPERATION_FAILED, "injected fault: %s failed for domain '%s'",
                          testCallNames[call], domName);
        else
            xvReportError(VIR_ERR_OPERATION_FAILED, "injected fault: %s failed",
                          testCallNames[call]);
        testNodeUnlock(node);
        return -1;
    }
    hang = fault->hangSeconds;
    testNodeUnlock(node);
    testSleepSeconds(hang);
    return testNodeLock(node);
}

void
xvTestNodeEnd(xvTestNode *node)
{
    testNodeUnlock(node);
}

int
xvTestNodeShare(xvTestNode *node, const char *journalPath, xvTestNodeApplyFn apply)
{
    double rate;

    node->journal = xvTestJournalOpen(journalPath, node->path ? node->path : "default",
                                      node->clockRate, &node->epochNs, &rate);
    if (!node->journal)
        return -1;
    node->clockRate = rate;
    node->apply = apply;
    return 0;
}

int
xvTestNodeRecord(xvTestNode *node, const xvTestJournalEntry *entry)
{
    xvTestJournalEntry timed;

    if (!node->journal)
        return 0;
    timed = *entry;
    timed.atNs = node->nowNs;
    return xvTestJournalAppend(node->journal, &timed);
}

void
xvTestNodeAddClockOffset(xvTestNode *node, uint64_t ns)
{
    node->clockOffsetNs += ns;
}

void
xvTestNodeRunToNow(xvTestNode *node)
{
    testNodeRunUntil(node, testNodeClock(node));
}

void
xvTestNodeAdvanceClock(xvTestNode *node, uint64_t ns)
{
    pthread_mutex_lock(&node->lock);
    node->clockOffsetNs += ns;
    testNodeRunUntil(node, testNodeClock(node));
    pthread_mutex_unlock(&node->lock);
}

/* ---- Node XML ------------------------------------------------------------ */

typedef struct {
    const char *label;          /* names the node in messages */
    const char *dir;            /* resolves <domain file>, or NULL */
    xvTestNode *node;
    size_t eventsCap;
    size_t seq;
    xmlNodePtr *starts;         /* <xvirt:start> elements, checked once the */
    size_t nstarts;             /* domains are loaded */
} testNodeLoader;

static void XV_PRINTF(3, 4)
testLoadError(const testNodeLoader *ld, xmlNodePtr el, const char *fmt, ...)
{
    XV_AUTOFREE(char *) elname = el ? testXMLElName(el) : NULL;
    XV_AUTOFREE(char *) detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = xvVasprintf(fmt, ap);
    va_end(ap);
    if (el)
        xvReportError(VIR_ERR_XML_ERROR, "node '%s' line %ld: %s: %s",
                      ld->label, xmlGetLineNo(el), elname, detail);
    else
        xvReportError(VIR_ERR_XML_ERROR, "node '%s': %s", ld->label, detail);
}

/* Re-reports the error raised by a callee with the node and element. */
static void
testLoadErrorWrap(const testNodeLoader *ld, xmlNodePtr el)
{
    XV_AUTOFREE(char *) msg = xvStrdup(virGetLastErrorMessage());

    testLoadError(ld, el, "%s", msg);
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

/* An optional attribute of seconds; *@ret unchanged when absent. */
static int
testLoadSeconds(const testNodeLoader *ld, xmlNodePtr el, const char *attr, double *ret)
{
    XV_AUTOFREE(char *) text = testXMLProp(el, attr);
    double val;

    if (!text)
        return 0;
    if (testParseDouble(text, &val) < 0 || val < 0 || val > TEST_MAX_SECONDS) {
        testLoadError(ld, el, "attribute '%s' ('%s') must be a number of seconds",
                      attr, text);
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

        if (testParseDouble(rate, &val) < 0 || val < 0 || val > 1e6) {
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
testLoadKiB(const testNodeLoader *ld, xmlNodePtr el, long long *ret)
{
    XV_AUTOFREE(char *) kib = testXMLProp(el, "kib");
    unsigned long long val;

    if (!kib || testParseULL(kib, &val) < 0 || val > LLONG_MAX) {
        testLoadError(ld, el, "attribute 'kib' must be a number of KiB");
        return -1;
    }
    *ret = (long long)val;
    return 0;
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
    fault.fromNs = testSecondsToNs(at);
    fault.untilNs = until >= 0 ? testSecondsToNs(until) : UINT64_MAX;
    fault.domain = XV_STEAL_PTR(*domain);
    ld->node->faults[c] = xvReallocN(ld->node->faults[c], ld->node->nfaults[c] + 1,
                                     sizeof(xvTestFault));
    ld->node->faults[c][ld->node->nfaults[c]++] = fault;
    return 0;
}

static int
testLoadEventType(const testNodeLoader *ld, xmlNodePtr el)
{
    size_t i;

    if (testXMLIsNS(el, XV_TEST_NS)) {
        for (i = 0; i < XV_TEST_EVENT_LAST; i++) {
            if (XV_STREQ((const char *)el->name, testEventNames[i]))
                return (int)i;
        }
    }
    testLoadError(ld, el, "unknown event (expected crash, shutdown, reboot, start, destroy, "
                  "vcpu-load, memory-demand, host-free, host-used or fault in the xvirt "
                  "namespace)");
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
    if ((ev.type == XV_TEST_EVENT_MEMORY_DEMAND || hostEvent) &&
        testLoadKiB(ld, el, &ev.kib) < 0)
        return -1;
    if (ev.type == XV_TEST_EVENT_START) {
        ld->starts = xvReallocN(ld->starts, ld->nstarts + 1, sizeof(*ld->starts));
        ld->starts[ld->nstarts++] = el;
    }
    ev.atNs = testSecondsToNs(at);
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

/* Brings a just-added node-file domain into its initial state at time 0. */
static void
testLoadDomainState(xvTestNode *node, xvTestDom *dom, virDomainState state)
{
    if (state == VIR_DOMAIN_SHUTOFF)
        return;
    xvTestNodeDomainStart(node, dom, NULL);
    if (state == VIR_DOMAIN_PAUSED || state == VIR_DOMAIN_CRASHED)
        xvTestNodeDomainSetState(node, dom, state);
    else if (state == VIR_DOMAIN_SHUTDOWN)
        testDomShutdown(node, dom, false, true);
}

static int
testLoadDomainDef(const testNodeLoader *ld, xmlNodePtr el, xvDomainDef *def,
                  virDomainState state)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];
    xvTestDom *dom;

    if (xvTestNodeFindByName(ld->node, def->name)) {
        testLoadError(ld, el, "duplicate domain name '%s'", def->name);
        return -1;
    }
    if (xvTestNodeFindByUUID(ld->node, def->uuid)) {
        xvUUIDFormat(def->uuid, uuidstr);
        testLoadError(ld, el, "duplicate domain uuid '%s'", uuidstr);
        return -1;
    }
    if (xvTestNodeDomainAdd(ld->node, def, true, &dom) < 0) {
        testLoadErrorWrap(ld, el);
        return -1;
    }
    testLoadDomainState(ld->node, dom, state);
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
        if (!(data = testReadFile(path, "domain file", VIR_ERR_OPEN_FAILED, &len))) {
            testLoadErrorWrap(ld, el);
            return -1;
        }
        if (!(fdoc = testXMLParse(data, len, path, &errmsg))) {
            testLoadError(ld, el, "domain file '%s': %s", path, errmsg);
            return -1;
        }
        domEl = xmlDocGetRootElement(fdoc);
    }
    if (!(def = xvDomainDefParseNode(fdoc ? fdoc : doc, domEl, testDomainTypes))) {
        testLoadErrorWrap(ld, el);
        goto cleanup;
    }
    if (testLoadRunstate(ld, domEl, &state) < 0 ||
        testLoadDomainDef(ld, el, def, state) < 0)
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
    ld.node = testNodeNew();
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
xvTestNodeLoadString(const char *xml, const char *label, const char *dir)
{
    XV_AUTOFREE(char *) errmsg = NULL;
    xvTestNode *node;
    xmlDocPtr doc;

    if (!(doc = testXMLParse(xml, strlen(xml), label, &errmsg))) {
        xvReportError(VIR_ERR_XML_ERROR, "node '%s': %s", label, errmsg);
        return NULL;
    }
    node = testLoadDoc(doc, label, dir);
    xmlFreeDoc(doc);
    /* The document is gone, but glibc keeps its pages: the parse left the
     * node's few kept blocks scattered among them, so the heap cannot
     * shrink from the top. Hand them back, or a program holding a large
     * node (1000 domains: ~3.5 MB) pays for a parse it has finished. */
    malloc_trim(0);
    return node;
}

xvTestNode *
xvTestNodeLoadFile(const char *path)
{
    XV_AUTOFREE(char *) data = NULL;
    XV_AUTOFREE(char *) dir = xvStrdup(path);
    char *slash = strrchr(dir, '/');
    xvTestNode *node;

    if (!(data = testReadFile(path, "node file", VIR_ERR_OPEN_FAILED, NULL)))
        return NULL;
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    if (!(node = xvTestNodeLoadString(data, path, slash ? dir : ".")))
        return NULL;
    node->path = xvStrdup(path);
    return node;
}

/* The node of test:///default: libvirt's default test node, in our words. */
static const char testDefaultNodeXML[] =
    "<node>\n"
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
    "  </domain>\n"
    "</node>\n";

xvTestNode *
xvTestNodeLoadDefault(void)
{
    return xvTestNodeLoadString(testDefaultNodeXML, "test:///default", NULL);
}

/* ---- Save files ---------------------------------------------------------- */

#define TEST_SAVE_MAGIC "XvirtTestSave 1\n"

int
xvTestSaveWrite(const xvTestNode *node, const xvTestDom *dom, const char *path)
{
    XV_AUTOFREE(char *) xml = xvDomainDefFormat(dom->def, -1);
    XV_AUTOFREE(char *) tmp = xvAsprintf("%s.XXXXXX", path);
    xvBuf buf = XV_BUF_INIT;
    char errbuf[128];
    size_t off = 0;
    int fd;

    xvBufAddStr(&buf, TEST_SAVE_MAGIC);
    xvBufAsprintf(&buf, "memory=%lu vcpus=%u cputime=%llu paused=%d\n",
                  dom->def->memKiB, dom->def->vcpus,
                  (unsigned long long)xvTestDomCpuTimeNs(node, dom),
                  dom->state == VIR_DOMAIN_PAUSED);
    xvBufAddStr(&buf, xml);
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        goto error;
    while (off < buf.len) {
        ssize_t n = write(fd, buf.data + off, buf.len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;

            close(fd);
            unlink(tmp);
            errno = saved;
            goto error;
        }
        off += (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;

        unlink(tmp);
        errno = saved;
        goto error;
    }
    xvBufReset(&buf);
    return 0;

 error:
    xvReportError(VIR_ERR_WRITE_FAILED, "cannot write save file '%s': %s", path,
                  testStrerror(errno, errbuf, sizeof(errbuf)));
    xvBufReset(&buf);
    return -1;
}

void
xvTestSaveImageClear(xvTestSaveImage *image)
{
    xvDomainDefFree(image->def);
    memset(image, 0, sizeof(*image));
}

static int
testSaveParseState(const char *line, unsigned long *mem, unsigned int *vcpus,
                   unsigned long long *cpuTime, int *paused)
{
    int end = 0;

    if (sscanf(line, "memory=%lu vcpus=%u cputime=%llu paused=%d%n",
               mem, vcpus, cpuTime, paused, &end) != 4 || line[end] != '\n' ||
        (*paused != 0 && *paused != 1))
        return -1;
    return 0;
}

int
xvTestSaveRead(const char *path, xvTestSaveImage *image, char **retdata)
{
    XV_AUTOFREE(char *) data = NULL;

    memset(image, 0, sizeof(*image));
    if (!(data = testReadFile(path, "save file", VIR_ERR_READ_FAILED, NULL)) ||
        xvTestSaveParse(data, path, image) < 0)
        return -1;
    if (retdata)
        *retdata = XV_STEAL_PTR(data);
    return 0;
}

int
xvTestSaveParse(const char *data, const char *path, xvTestSaveImage *image)
{
    XV_AUTOFREE(char *) msg = NULL;
    unsigned long long cpuTime;
    unsigned long mem;
    unsigned int vcpus;
    const char *xml;
    int paused;

    memset(image, 0, sizeof(*image));
    if (strncmp(data, TEST_SAVE_MAGIC, strlen(TEST_SAVE_MAGIC)) != 0) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "'%s' is not a test driver save file (bad magic)", path);
        return -1;
    }
    xml = data + strlen(TEST_SAVE_MAGIC);
    if (testSaveParseState(xml, &mem, &vcpus, &cpuTime, &paused) < 0) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "save file '%s': bad state line", path);
        return -1;
    }
    xml = strchr(xml, '\n') + 1;
    if (!(image->def = xvDomainDefParseString(xml, testDomainTypes))) {
        msg = xvStrdup(virGetLastErrorMessage());
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "save file '%s': bad domain description: %s", path, msg);
        return -1;
    }
    if (mem == 0 || mem > image->def->maxMemKiB || vcpus == 0 ||
        vcpus > image->def->maxVcpus) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "save file '%s': saved memory %lu KiB or vcpus %u do not fit the domain",
                      path, mem, vcpus);
        xvTestSaveImageClear(image);
        return -1;
    }
    image->def->memKiB = mem;
    image->def->vcpus = vcpus;
    image->cpuTimeNs = cpuTime;
    image->paused = paused;
    return 0;
}
