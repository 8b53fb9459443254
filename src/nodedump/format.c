/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodedump-format.c: the node file "nodedump" writes (nodedump.h): the
 * host, then each domain's XML with the test driver's settings of what the
 * samples measured (config/test-node.xml describes them).
 */
#include "config.h"

#include "nodedump.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvcpulist.h"

/* The test driver's namespaces: its own, and libvirt's (<test:runstate>). */
#define ND_XVIRT_NS "http://xvirt.dev/schemas/test/1.0"
#define ND_TEST_NS "http://libvirt.org/schemas/domain/test/1.0"

/* The attribute names of the counters of a disk, then of an interface
 * (<xvirt:io>), in the order of virDomain*Stats. */
static const char *const ndDiskFields[ND_DISK_FIELDS] = {
    "rd-req", "rd-bytes", "wr-req", "wr-bytes", "errs",
};
static const char *const ndNetFields[ND_NET_FIELDS] = {
    "rx-bytes", "rx-packets", "rx-errs", "rx-drop",
    "tx-bytes", "tx-packets", "tx-errs", "tx-drop",
};

/* ---- Domain XML ---------------------------------------------------------- */

static xmlDocPtr
ndParse(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Whether @node is the element @name without a namespace. */
static bool
ndIsElement(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && !node->ns &&
           XV_STREQ((const char *)node->name, name);
}

/* The dev attribute of the <target> of @dev, to free(); NULL if none. */
static char *
ndTargetDev(xmlNodePtr dev)
{
    xmlNodePtr child;

    for (child = dev->children; child; child = child->next) {
        if (ndIsElement(child, "target")) {
            xmlChar *val = xmlGetNoNsProp(child, (const xmlChar *)"dev");
            char *ret = val && val[0] ? xvStrdup((const char *)val) : NULL;

            xmlFree(val);
            return ret;
        }
    }
    return NULL;
}

/* Appends the <@what> devices of <devices> @devices that have a target. */
static void
ndAddDevices(xmlNodePtr devices, const char *what, bool net, ndDev **devs, size_t *n)
{
    xmlNodePtr child;
    char *target;

    for (child = devices->children; child; child = child->next) {
        if (!ndIsElement(child, what) || !(target = ndTargetDev(child)))
            continue;
        *devs = xvReallocN(*devs, *n + 1, sizeof(**devs));
        memset(&(*devs)[*n], 0, sizeof(**devs));
        (*devs)[*n].target = target;
        (*devs)[(*n)++].net = net;
    }
}

int
ndDomainDevices(const char *xml, ndDev **retDevs)
{
    xmlDocPtr doc = ndParse(xml);
    xmlNodePtr root, child;
    ndDev *devs = NULL;
    size_t n = 0;

    if (!doc || !(root = xmlDocGetRootElement(doc))) {
        xmlFreeDoc(doc);
        return -1;
    }
    for (child = root->children; child; child = child->next) {
        if (ndIsElement(child, "devices")) {
            ndAddDevices(child, "disk", false, &devs, &n);
            ndAddDevices(child, "interface", true, &devs, &n);
        }
    }
    xmlFreeDoc(doc);
    *retDevs = devs;
    return (int)n;
}

void
ndDevsFree(ndDev *devs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(devs[i].target);
    free(devs);
}

/* The kinds of settings the samples can measure, as bits. */
typedef enum {
    ND_SET_LOADS = 1 << 0,      /* <xvirt:vcpu-load> */
    ND_SET_PINS = 1 << 1,       /* <xvirt:vcpupin> */
    ND_SET_DEMAND = 1 << 2,     /* <xvirt:memory-demand> */
    ND_SET_IO = 1 << 3,         /* <xvirt:io> */
    ND_SET_RUNSTATE = 1 << 4,   /* <test:runstate> */
} ndSetting;

/* The ndSetting @node is, or 0 for anything else (the guest's behaviour:
 * shutdown-delay, ignore-shutdown). */
static unsigned int
ndSettingOf(xmlNodePtr node)
{
    static const struct {
        const char *name;
        ndSetting setting;
    } xvirt[] = {
        { "vcpu-load", ND_SET_LOADS }, { "vcpupin", ND_SET_PINS },
        { "memory-demand", ND_SET_DEMAND }, { "io", ND_SET_IO },
    };
    const char *href = node->ns ? (const char *)node->ns->href : NULL;
    const char *name = (const char *)node->name;
    size_t i;

    if (node->type != XML_ELEMENT_NODE || !href)
        return 0;
    if (XV_STREQ(href, ND_TEST_NS))
        return XV_STREQ(name, "runstate") ? ND_SET_RUNSTATE : 0;
    for (i = 0; XV_STREQ(href, ND_XVIRT_NS) && i < XV_N_ELEMENTS(xvirt); i++) {
        if (XV_STREQ(name, xvirt[i].name))
            return xvirt[i].setting;
    }
    return 0;
}

/* Takes the settings of the kinds @measured (the samples' figures replace
 * them) out of <domain> @root, each with the blanks before it. */
static void
ndStripMeasured(xmlNodePtr root, unsigned int measured)
{
    xmlNodePtr child = root->children, next;

    for (; child; child = next) {
        next = child->next;
        if (!(ndSettingOf(child) & measured))
            continue;
        if (child->prev && xmlIsBlankNode(child->prev)) {
            xmlNodePtr blank = child->prev;

            xmlUnlinkNode(blank);
            xmlFreeNode(blank);
        }
        xmlUnlinkNode(child);
        xmlFreeNode(child);
    }
}

/* <memory> @el in KiB (no unit, or unit='KiB'); 0 when it is not that. */
static unsigned long
ndMemoryKiB(xmlNodePtr el)
{
    xmlChar *unit = xmlGetProp(el, BAD_CAST "unit");
    xmlChar *text = xmlNodeGetContent(el);
    unsigned long kib = 0;

    if ((!unit || XV_STREQ((const char *)unit, "KiB")) && text)
        kib = strtoul((const char *)text, NULL, 10);
    xmlFree(unit);
    xmlFree(text);
    return kib;
}

/*
 * The active domain's memory as virDomainGetInfo reads it (@memKiB) in
 * <currentMemory>: the copy has one figure for dominfo, dommemstat and
 * the free memory, and Xen's XML may give the balloon target, a few KiB
 * off what the domain holds (Domain-0 in the lab: 524287 against 524288).
 */
static void
ndSetCurrentMemory(xmlNodePtr root, unsigned long memKiB)
{
    xmlNodePtr child, memory = NULL, current = NULL;
    char text[32];

    for (child = root->children; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE || child->ns)
            continue;
        if (XV_STREQ((const char *)child->name, "memory"))
            memory = child;
        else if (XV_STREQ((const char *)child->name, "currentMemory"))
            current = child;
    }
    /* a current memory above <memory> would not load; none is <memory> */
    if (!memory || ndMemoryKiB(memory) < memKiB || (!current && ndMemoryKiB(memory) == memKiB))
        return;
    snprintf(text, sizeof(text), "%lu", memKiB);
    if (!current) {
        current = xmlNewNode(NULL, BAD_CAST "currentMemory");
        xmlAddNextSibling(memory, current);
    }
    xmlNodeSetContent(current, BAD_CAST text);
    xmlSetProp(current, BAD_CAST "unit", BAD_CAST "KiB");
}

/*
 * Appends the domain XML @doc (parsed) without its settings of the kinds
 * @measured and without its closing tag ("...</devices>\n"), with @memKiB
 * as its current memory when not 0. Returns false if its root is not a
 * <domain> with content.
 */
static bool
ndAddDomainOpen(xvBuf *buf, xmlDocPtr doc, unsigned int measured, unsigned long memKiB)
{
    static const char close[] = "</domain>";
    xmlBufferPtr out = NULL;
    xmlNodePtr root;
    const char *text;
    size_t len;
    bool ok = false;

    if (!(root = xmlDocGetRootElement(doc)) || !ndIsElement(root, "domain"))
        goto cleanup;
    ndStripMeasured(root, measured);
    if (memKiB > 0)
        ndSetCurrentMemory(root, memKiB);
    out = xmlBufferCreate();
    if (xmlNodeDump(out, doc, root, 0, 0) < 0)
        goto cleanup;
    text = (const char *)xmlBufferContent(out);
    len = strlen(text);
    if (len < sizeof(close) - 1 || strcmp(text + len - (sizeof(close) - 1), close) != 0)
        goto cleanup;
    len -= sizeof(close) - 1;
    while (len > 0 && strchr(" \t\r\n", text[len - 1]))
        len--;
    xvBufAdd(buf, text, len);
    xvBufAddStr(buf, "\n");
    ok = true;

 cleanup:
    xmlBufferFree(out);
    return ok;
}

/* ---- Measured settings ---------------------------------------------------- */

/* <xvirt:vcpu-load> of each vcpu with a measured load, 3 decimals;
 * ND_SET_LOADS if there is one. */
static unsigned int
ndAddLoads(xvBuf *buf, const nodedumpState *st, const ndDom *rec, unsigned int maxVcpus)
{
    unsigned int measured = 0;
    double perSec;
    size_t v;

    for (v = 0; v < rec->nvcpus && v < maxVcpus; v++) {
        long milli;

        if (!ndTrackRate(st, &rec->vcpus[v], &perSec))
            continue;
        /* CPU ns per second, in thousandths of one pCPU: rounded, at most 1 */
        milli = perSec >= 1e9 ? 1000 : (long)(perSec / 1e6 + 0.5);
        xvBufAsprintf(buf, "  <xvirt:vcpu-load vcpu='%zu' load='%ld.%03ld'/>\n", v,
                      milli / 1000, milli % 1000);
        measured = ND_SET_LOADS;
    }
    return measured;
}

/* <xvirt:vcpupin> of each vcpu whose affinity is not every CPU of the node;
 * ND_SET_PINS if the affinities were read. */
static unsigned int
ndAddPins(xvBuf *buf, const nodedumpState *st, const ndDom *rec, unsigned int maxVcpus)
{
    size_t i, count;

    for (i = 0; i < rec->nmaps; i++) {
        const unsigned char *map = rec->maps + i * (size_t)st->maplen;
        char *cpus;

        if (rec->mapVcpus[i] >= maxVcpus)
            continue;
        count = xvCpuMapCount(map, st->maxcpu);
        if (count == st->maxcpu || count == 0)
            continue;
        cpus = xvCpuListFormat(map, st->maxcpu);
        xvBufAsprintf(buf, "  <xvirt:vcpupin vcpu='%u' cpuset='%s'/>\n", rec->mapVcpus[i],
                      cpus);
        free(cpus);
    }
    return rec->nmaps > 0 ? ND_SET_PINS : 0;
}

/* <xvirt:io> of @dev: the rate of each counter the samples measured,
 * rounded; nothing when none. Returns ND_SET_IO if it wrote it. */
static unsigned int
ndAddIo(xvBuf *buf, const nodedumpState *st, const ndDev *dev)
{
    const char *const *names = dev->net ? ndNetFields : ndDiskFields;
    size_t f, nfields = dev->net ? ND_NET_FIELDS : ND_DISK_FIELDS;
    xvBuf attrs = XV_BUF_INIT;
    unsigned int measured = 0;
    double perSec;

    for (f = 0; f < nfields; f++) {
        if (!ndTrackRate(st, &dev->fields[f], &perSec))
            continue;
        xvBufAsprintf(&attrs, " %s='%lld'", names[f],
                      perSec < (double)(LLONG_MAX / 2) ? (long long)(perSec + 0.5) : LLONG_MAX);
    }
    if (attrs.len > 0) {
        xvBufAddStr(buf, "  <xvirt:io device='");
        xvBufEscapeXML(buf, dev->target);
        xvBufAsprintf(buf, "'%s/>\n", attrs.data);
        measured = ND_SET_IO;
    }
    xvBufFree(&attrs);
    return measured;
}

/* The <vcpu> count of the domain XML @doc (NULL: unread); UINT_MAX when it cannot be read
 * (then nothing is left out). */
static unsigned int
ndXmlVcpus(xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, child;
    unsigned int n = UINT_MAX;

    for (child = root ? root->children : NULL; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && !child->ns &&
            XV_STREQ((const char *)child->name, "vcpu")) {
            xmlChar *text = xmlNodeGetContent(child);
            unsigned long v = text ? strtoul((const char *)text, NULL, 10) : 0;

            if (v > 0 && v < UINT_MAX)
                n = (unsigned int)v;
            xmlFree(text);
            break;
        }
    }
    return n;
}

/* What the samples measured of the active @rec, as settings; returns the
 * ndSetting kinds measured. */
static unsigned int
ndAddMeasures(xvBuf *buf, const nodedumpState *st, const ndDom *rec, xmlDocPtr doc)
{
    /* a vcpu the XML does not have would make the copy refuse the file */
    unsigned int maxVcpus = ndXmlVcpus(doc);
    unsigned int measured = ndAddLoads(buf, st, rec, maxVcpus) |
                            ndAddPins(buf, st, rec, maxVcpus);
    size_t d;

    if (rec->demandKiB >= 0) {
        xvBufAsprintf(buf, "  <xvirt:memory-demand kib='%lld'/>\n", rec->demandKiB);
        measured |= ND_SET_DEMAND;
    }
    for (d = 0; d < rec->ndevs; d++)
        measured |= ndAddIo(buf, st, &rec->devs[d]);
    return measured;
}

/* The test driver's runstate of a domain in @state, or 0 when it is
 * running (the default): paused, crashed and shut off are kept. */
static int
ndRunstate(int state)
{
    switch (state) {
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_CRASHED:
    case VIR_DOMAIN_SHUTOFF:
        return state;
    default:
        return 0;
    }
}

/*
 * A domain: its XML, then what the samples measured, which replaces the
 * host's own settings of those kinds (a test-driver host has them). What
 * was not measured stays as the host has it: an inactive domain's whole
 * definition, a paused domain's loads (it did not run).
 */
static bool
ndAddDomain(xvBuf *buf, nodedumpState *st, const ndDom *rec)
{
    xvBuf settings = XV_BUF_INIT;
    unsigned int measured = ND_SET_RUNSTATE;
    xmlDocPtr doc = ndParse(rec->xml);      /* once, for the measures and the XML */
    bool ok;

    if (rec->id >= 0)
        measured |= ndAddMeasures(&settings, st, rec, doc);
    if (ndRunstate(rec->state))
        xvBufAsprintf(&settings, "  <test:runstate>%d</test:runstate>\n",
                      ndRunstate(rec->state));
    if ((ok = doc && ndAddDomainOpen(buf, doc, measured, rec->id >= 0 ? rec->memKiB : 0))) {
        xvBufAdd(buf, settings.data, settings.len);
        xvBufAddStr(buf, "</domain>\n");
    } else {
        ndFail(st, "failed to parse the XML description of domain '%s'", rec->name);
    }
    xmlFreeDoc(doc);
    xvBufFree(&settings);
    return ok;
}

/* ---- The node ------------------------------------------------------------- */

/* @s in an XML comment: a "--" would end it, so a blank splits each. */
static void
ndAddCommentText(xvBuf *buf, const char *s)
{
    for (; *s; s++) {
        if (*s == '-' && s[1] == '-')
            xvBufAddStr(buf, "- ");
        else
            xvBufAdd(buf, s, 1);
    }
}

/* The comment: where, when and how the host was read. */
static void
ndAddComment(xvBuf *buf, const nodedumpState *st, const char *uri, time_t when)
{
    char host[256] = "";
    char stamp[32] = "";
    struct tm tm;

    if (gethostname(host, sizeof(host) - 1) < 0)
        snprintf(host, sizeof(host), "%s", "?");
    if (gmtime_r(&when, &tm))
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    xvBufAsprintf(buf, "<!--\n  Captured by %s on ",
                  st->hooks && st->hooks->program ? st->hooks->program : "xvirsh nodedump");
    ndAddCommentText(buf, host);
    xvBufAddStr(buf, " from ");
    ndAddCommentText(buf, uri ? uri : "the default URI");
    xvBufAsprintf(buf, "\n  at %s, from %u samples %llu ms apart.\n", stamp, st->samples,
                  (unsigned long long)st->intervalMs);
    xvBufAddStr(buf, "  Open it with: xvirsh -c test:///ABSOLUTE/PATH/OF/THIS/FILE\n-->\n");
}

/* The memory the host uses outside the domains: what makes the copy's free
 * memory the host's. */
static unsigned long long
ndHostUsedKiB(const nodedumpState *st)
{
    unsigned long long held = st->freeKiB;
    size_t i;

    for (i = 0; i < st->nactive; i++)
        held += st->active[i]->memKiB;
    return held >= st->info.memory ? 0 : st->info.memory - held;
}

/* <cpu>, <memory> and the simulation's settings. */
static void
ndAddHost(xvBuf *buf, const nodedumpState *st)
{
    const virNodeInfo *ni = &st->info;

    xvBufAsprintf(buf, "  <cpu>\n    <mhz>%u</mhz>\n    <model>", ni->mhz);
    xvBufEscapeXML(buf, ni->model);
    xvBufAsprintf(buf, "</model>\n    <active>%u</active>\n    <nodes>%u</nodes>\n"
                  "    <sockets>%u</sockets>\n    <cores>%u</cores>\n"
                  "    <threads>%u</threads>\n  </cpu>\n", ni->cpus, ni->nodes,
                  ni->sockets, ni->cores, ni->threads);
    xvBufAsprintf(buf, "  <memory>%lu</memory>\n", ni->memory);
    xvBufAsprintf(buf, "  <xvirt:hypervisor version='%lu.%lu.%lu' type='",
                  st->hvVersion / 1000000, st->hvVersion / 1000 % 1000, st->hvVersion % 1000);
    xvBufEscapeXML(buf, st->hvType);
    xvBufAddStr(buf, "'/>\n  <xvirt:clock rate='1' start='0'/>\n");
    xvBufAsprintf(buf, "  <xvirt:events>\n    <xvirt:host-used at='0' kib='%llu'/>\n"
                  "  </xvirt:events>\n", ndHostUsedKiB(st));
}

char *
ndFormatNode(nodedumpState *st, const char *uri, time_t when)
{
    xvBuf buf = XV_BUF_INIT;
    size_t i;

    xvBufAddStr(&buf, "<?xml version=\"1.0\"?>\n");
    ndAddComment(&buf, st, uri, when);
    xvBufAddStr(&buf, "<node xmlns:xvirt=\"" ND_XVIRT_NS "\" xmlns:test=\"" ND_TEST_NS "\">\n");
    ndAddHost(&buf, st);
    for (i = 0; i < st->nactive + st->ninactive; i++) {
        const ndDom *rec = i < st->nactive ? st->active[i] : st->inactive[i - st->nactive];

        if (!ndAddDomain(&buf, st, rec)) {
            xvBufFree(&buf);
            return NULL;
        }
    }
    xvBufAddStr(&buf, "</node>\n");
    return xvBufSteal(&buf, NULL);
}
