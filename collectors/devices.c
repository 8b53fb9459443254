/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devices.c: each domain's disks and interfaces, read from its XML and kept
 * across samples (devices.h). The collectors may use only the public API,
 * so the XML is read here by a small scanner that knows just enough of
 * XML for what virDomainGetXMLDesc writes: elements, attributes in single
 * or double quotes, the five predefined entities and character references,
 * comments, processing instructions and CDATA, which it skips.
 */
#include "devices.h"

#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "util/xvalloc.h"
#include "util/xvhash.h"

/* ---- the XML scanner ---- */

typedef struct {
    const char *p;           /* the next byte to read */
    int depth;               /* elements open before the tag being read */
    int devicesDepth;        /* depth of the open <devices>, -1 if none */
    int deviceDepth;         /* depth of the open <disk>/<interface>, -1 if none */
    bool deviceWanted;       /* the open device is of the kind asked for */
    xvDeviceKind kind;
    xvDevice cur;            /* the device being read */
    xvDevice *devs;
    size_t ndevs;
} devScan;

static bool
devIsNameChar(char c)
{
    return c != '\0' && !strchr(" \t\r\n/>=", c);
}

static bool
devIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Appends the UTF-8 encoding of @cp to @out; returns the bytes written. */
static size_t
devPutUtf8(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The attribute value @v (@len bytes, quotes excluded) with its entities
 * replaced, as a new string; NULL if an entity is malformed. */
static char *
devUnescape(const char *v, size_t len)
{
    static const struct { const char *name; char c; } ents[] = {
        { "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' }, { "apos;", '\'' },
    };
    /* an entity is never shorter than what it stands for (&#x10FFFF; is 4 bytes) */
    char *out = xvAlloc(len + 1);
    size_t i = 0, o = 0, e;

    while (i < len) {
        const char *semi;

        if (v[i] != '&') {
            out[o++] = v[i++];
            continue;
        }
        semi = memchr(v + i, ';', len - i);
        if (!semi)
            goto bad;
        if (v[i + 1] == '#') {
            bool hex = v[i + 2] == 'x';
            char *end;
            unsigned long cp = strtoul(v + i + (hex ? 3 : 2), &end, hex ? 16 : 10);

            if (end != semi || cp == 0 || cp > 0x10FFFF || end == v + i + (hex ? 3 : 2))
                goto bad;
            o += devPutUtf8(out + o, cp);
        } else {
            for (e = 0; e < XV_N_ELEMENTS(ents); e++) {
                if ((size_t)(semi - (v + i)) == strlen(ents[e].name) &&
                    strncmp(v + i + 1, ents[e].name, strlen(ents[e].name)) == 0)
                    break;
            }
            if (e == XV_N_ELEMENTS(ents))
                goto bad;
            out[o++] = ents[e].c;
        }
        i = (size_t)(semi - v) + 1;
    }
    out[o] = '\0';
    return out;
 bad:
    free(out);
    return NULL;
}

/* Skips past @end from s->p; false if it never comes. */
static bool
devSkipPast(devScan *s, const char *end)
{
    const char *q = strstr(s->p, end);

    if (!q)
        return false;
    s->p = q + strlen(end);
    return true;
}

/* Keeps @value (owned) in *@slot if none is there yet; frees it otherwise. */
static void
devKeep(char **slot, char *value)
{
    if (!*slot)
        *slot = value;
    else
        free(value);
}

/* What attribute @attr of element @elem, a direct child of the open device
 * element, tells about the device. Takes @value (owned). */
static void
devChildAttr(devScan *s, const char *elem, size_t elemlen, const char *attr, char *value)
{
    xvDevice *d = &s->cur;

#define DEV_IS(lit) (elemlen == sizeof(lit) - 1 && strncmp(elem, lit, elemlen) == 0)
    if (DEV_IS("target") && strcmp(attr, "dev") == 0) {
        devKeep(&d->target, value);
    } else if (DEV_IS("mac") && s->kind == XV_DEVICES_NICS && strcmp(attr, "address") == 0) {
        devKeep(&d->mac, value);
    } else if (DEV_IS("source") &&
               (s->kind == XV_DEVICES_DISKS
                    ? (strcmp(attr, "file") == 0 || strcmp(attr, "dev") == 0 ||
                       strcmp(attr, "name") == 0 || strcmp(attr, "volume") == 0)
                    : (strcmp(attr, "bridge") == 0 || strcmp(attr, "network") == 0 ||
                       strcmp(attr, "dev") == 0))) {
        devKeep(&d->source, value);
    } else {
        free(value);
    }
#undef DEV_IS
}

/* The device just closed joins the list if it can be asked for. */
static void
devFinish(devScan *s)
{
    xvDevice d = s->cur;

    memset(&s->cur, 0, sizeof(s->cur));
    if (s->kind == XV_DEVICES_DISKS && d.target && d.source)
        d.name = xvStrdup(d.target);
    else if (s->kind == XV_DEVICES_NICS && (d.target || d.mac))
        d.name = xvStrdup(d.target ? d.target : d.mac);
    if (!d.name) {
        xvDevicesFree(&d, 1);
        return;
    }
    s->devs = xvReallocN(s->devs, s->ndevs + 1, sizeof(*s->devs));
    s->devs[s->ndevs++] = d;
}

/* Reads the attributes of a start tag, from after its name to its '>'.
 * Returns 1 for an empty element ("/>"), 0 for a start tag, -1 if malformed. */
static int
devReadAttrs(devScan *s, const char *elem, size_t elemlen, bool child)
{
    for (;;) {
        const char *name, *val;
        size_t namelen;
        char quote, attr[32];

        while (devIsSpace(*s->p))
            s->p++;
        if (*s->p == '>') {
            s->p++;
            return 0;
        }
        if (s->p[0] == '/' && s->p[1] == '>') {
            s->p += 2;
            return 1;
        }
        name = s->p;
        while (devIsNameChar(*s->p))
            s->p++;
        namelen = (size_t)(s->p - name);
        while (devIsSpace(*s->p))
            s->p++;
        if (namelen == 0 || *s->p != '=')
            return -1;
        s->p++;
        while (devIsSpace(*s->p))
            s->p++;
        quote = *s->p;
        if (quote != '\'' && quote != '"')
            return -1;
        val = ++s->p;
        if (!(s->p = strchr(val, quote)))
            return -1;
        s->p++;
        if (!child || namelen >= sizeof(attr))
            continue;
        memcpy(attr, name, namelen);
        attr[namelen] = '\0';
        {
            char *value = devUnescape(val, (size_t)(s->p - 1 - val));

            if (!value)
                return -1;
            devChildAttr(s, elem, elemlen, attr, value);
        }
    }
}

/* A start tag (s->p after its '<'). Returns 0 or -1. */
static int
devStartTag(devScan *s)
{
    const char *elem = s->p;
    size_t elemlen;
    bool child;
    int empty;

    while (devIsNameChar(*s->p))
        s->p++;
    elemlen = (size_t)(s->p - elem);
    if (elemlen == 0)
        return -1;
#define DEV_IS(lit) (elemlen == sizeof(lit) - 1 && strncmp(elem, lit, elemlen) == 0)
    child = s->deviceDepth >= 0 && s->deviceWanted && s->depth == s->deviceDepth + 1;
    if (s->depth == 1 && s->devicesDepth < 0 && DEV_IS("devices")) {
        s->devicesDepth = s->depth;
    } else if (s->devicesDepth >= 0 && s->depth == s->devicesDepth + 1 &&
               (DEV_IS("disk") || DEV_IS("interface"))) {
        s->deviceDepth = s->depth;
        s->deviceWanted = DEV_IS("disk") ? s->kind == XV_DEVICES_DISKS
                                         : s->kind == XV_DEVICES_NICS;
    }
#undef DEV_IS
    if ((empty = devReadAttrs(s, elem, elemlen, child)) < 0)
        return -1;
    if (!empty) {
        s->depth++;
        return 0;
    }
    /* an empty element closes at once */
    if (s->deviceDepth == s->depth) {
        if (s->deviceWanted)
            devFinish(s);
        s->deviceDepth = -1;
    }
    if (s->devicesDepth == s->depth)
        s->devicesDepth = -1;
    return 0;
}

/* An end tag (s->p after its "</"). Returns 0 or -1. */
static int
devEndTag(devScan *s)
{
    if (!(s->p = strchr(s->p, '>')) || s->depth == 0)
        return -1;
    s->p++;
    s->depth--;
    if (s->deviceDepth == s->depth) {
        if (s->deviceWanted)
            devFinish(s);
        s->deviceDepth = -1;
    }
    if (s->devicesDepth == s->depth)
        s->devicesDepth = -1;
    return 0;
}

int
xvDevicesParse(const char *xml, xvDeviceKind kind, xvDevice **retdevs)
{
    devScan s = { .p = xml, .devicesDepth = -1, .deviceDepth = -1, .kind = kind };
    int rc = 0;

    *retdevs = NULL;
    while (rc == 0 && (s.p = strchr(s.p, '<'))) {
        s.p++;
        if (strncmp(s.p, "!--", 3) == 0)
            rc = devSkipPast(&s, "-->") ? 0 : -1;
        else if (strncmp(s.p, "![CDATA[", 8) == 0)
            rc = devSkipPast(&s, "]]>") ? 0 : -1;
        else if (*s.p == '?')
            rc = devSkipPast(&s, "?>") ? 0 : -1;
        else if (*s.p == '!')
            rc = devSkipPast(&s, ">") ? 0 : -1;
        else if (*s.p == '/')
            rc = devEndTag((s.p++, &s));
        else
            rc = devStartTag(&s);
    }
    xvDevicesFree(&s.cur, 1);
    if (rc < 0 || s.depth != 0) {
        /* a truncated or malformed document: nothing from it is trusted */
        while (s.ndevs > 0)
            xvDevicesFree(&s.devs[--s.ndevs], 1);
        free(s.devs);
        return -1;
    }
    *retdevs = s.devs;
    return (int)s.ndevs;
}

void
xvDevicesFree(xvDevice *devs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(devs[i].name);
        free(devs[i].target);
        free(devs[i].source);
        free(devs[i].mac);
        memset(&devs[i], 0, sizeof(devs[i]));
    }
}

/* ---- the cache ---- */

/* The key: the domain's UUID and id, as bytes. */
typedef struct {
    unsigned char uuid[16];
    int id;
} devKey;

typedef struct {
    devKey key;
    xvDevice *devs;
    size_t ndevs;
    uint64_t seenSeq;        /* last sample that asked for it */
    uint64_t readSeq;        /* sample of the last XML read */
    uint64_t dueSeq;         /* sample from which the slow refresh reads it again */
    unsigned int nreads;     /* XML reads of it so far */
    bool young;              /* seen starting, or had no devices: refreshed sooner */
} devEntry;

struct _xvDeviceCache {
    xvDeviceKind kind;
    xvHash *byKey;           /* devKey -> devEntry * */
    devEntry **entries;      /* the same entries, for pruning */
    size_t nentries;
    size_t cap;
    uint64_t added;          /* entries ever added: spreads their refreshes */
    uint64_t reads;          /* XML reads done */
    uint64_t firstSeq;       /* the first sample that used the cache */
    /* the scratch arrays xvDevicesCollect hands out, reused every call */
    bool *ok;
    int64_t *values;
    size_t scratchDevs, scratchValues;
};

xvDeviceCache *
xvDeviceCacheNew(xvDeviceKind kind)
{
    xvDeviceCache *c = xvAlloc(sizeof(*c));

    c->kind = kind;
    c->byKey = xvHashNew();
    return c;
}

static void
devEntryFree(devEntry *e)
{
    xvDevicesFree(e->devs, e->ndevs);
    free(e->devs);
    free(e);
}

void
xvDeviceCacheFree(void *opaque)
{
    xvDeviceCache *c = opaque;
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nentries; i++)
        devEntryFree(c->entries[i]);
    free(c->entries);
    xvHashFree(c->byKey);
    free(c->ok);
    free(c->values);
    free(c);
}

void
xvDeviceCachePrune(xvDeviceCache *c, uint64_t seq)
{
    size_t i, kept = 0;

    for (i = 0; i < c->nentries; i++) {
        devEntry *e = c->entries[i];

        if (e->seenSeq == seq) {
            c->entries[kept++] = e;
            continue;
        }
        xvHashRemove(c->byKey, &e->key, sizeof(e->key));
        devEntryFree(e);
    }
    c->nentries = kept;
}

size_t
xvDeviceCacheCount(const xvDeviceCache *c)
{
    return c->nentries;
}

uint64_t
xvDeviceCacheReads(const xvDeviceCache *c)
{
    return c->reads;
}

/*
 * Samples until @e's list is read again. A domain that starts while the
 * agent runs describes its devices only as its backends come up (on Xen,
 * seconds after it is listed), and a list read empty may be such a one:
 * those are read again after 1, 2, 4, ... samples, up to the slow period.
 */
static uint64_t
devRefreshStep(const devEntry *e)
{
    uint64_t step;

    if (!e->young && e->ndevs > 0)
        return XV_DEVICES_REFRESH_SAMPLES;
    step = (uint64_t)1 << (e->nreads < 7 ? e->nreads - 1 : 6);
    return step < XV_DEVICES_REFRESH_SAMPLES ? step : XV_DEVICES_REFRESH_SAMPLES;
}

/* Reads @dom's XML into @e's list. Returns 0, or -1 (counted; the old list stays). */
static int
devRead(xvCollectContext *ctx, xvDeviceCache *c, virDomainPtr dom, devEntry *e)
{
    uint64_t seq = ctx->snap->seq;
    xvDevice *devs;
    char *xml;
    int n;

    c->reads++;
    if (!(xml = virDomainGetXMLDesc(dom, 0))) {
        xvCollectNoteFailure(ctx, XV_CALL_GET_XML_DESC);
        return -1;
    }
    n = xvDevicesParse(xml, c->kind, &devs);
    free(xml);
    if (n < 0) {
        /* a document we cannot read is the hypervisor's failure to describe it */
        ctx->snap->errorsTotal[XV_CALL_GET_XML_DESC]++;
        return -1;
    }
    xvDevicesFree(e->devs, e->ndevs);
    free(e->devs);
    e->devs = devs;
    e->ndevs = (size_t)n;
    e->readSeq = seq;
    e->nreads++;
    e->dueSeq = seq + devRefreshStep(e);
    return 0;
}

/* The entry of @sd, new (and read) if there was none. NULL if a new one
 * could not be read. */
static devEntry *
devLookup(xvCollectContext *ctx, xvDeviceCache *c, virDomainPtr dom, const xvSnapDomain *sd)
{
    devKey key;
    devEntry *e;

    memset(&key, 0, sizeof(key));
    memcpy(key.uuid, sd->uuid, sizeof(key.uuid));
    key.id = sd->id;
    if ((e = xvHashLookup(c->byKey, &key, sizeof(key)))) {
        /* the slow refresh; a failed re-read keeps the list it had */
        if (ctx->snap->seq >= e->dueSeq)
            devRead(ctx, c, dom, e);
        e->seenSeq = ctx->snap->seq;
        return e;
    }
    if (c->added == 0)
        c->firstSeq = ctx->snap->seq;
    e = xvAlloc(sizeof(*e));
    e->key = key;
    e->young = ctx->snap->seq > c->firstSeq;
    if (devRead(ctx, c, dom, e) < 0) {
        free(e);
        return NULL;
    }
    /* spread the refreshes of domains seen together over the period */
    if (!e->young && e->ndevs > 0)
        e->dueSeq += c->added % XV_DEVICES_REFRESH_SAMPLES;
    c->added++;
    e->seenSeq = ctx->snap->seq;
    xvHashAdd(c->byKey, &key, sizeof(key), e);
    if (c->nentries == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->entries = xvReallocN(c->entries, c->cap, sizeof(*c->entries));
    }
    c->entries[c->nentries++] = e;
    return e;
}

static void
devScratch(xvDeviceCache *c, size_t ndevs, size_t nvalues)
{
    if (ndevs > c->scratchDevs) {
        c->ok = xvReallocN(c->ok, ndevs, sizeof(*c->ok));
        c->scratchDevs = ndevs;
    }
    if (ndevs * nvalues > c->scratchValues) {
        c->values = xvReallocN(c->values, ndevs * nvalues, sizeof(*c->values));
        c->scratchValues = ndevs * nvalues;
    }
}

/* The outcome of one pass over a domain's devices. */
typedef enum {
    DEV_PASS_OK = 0,
    DEV_PASS_FAILED,         /* a call failed (counted) */
    DEV_PASS_STOPPED,        /* the domain stopped or vanished: no devices */
    DEV_PASS_STALE,          /* a device is unknown: the list needs a new read */
} devPass;

static devPass
devReadAll(xvCollectContext *ctx, xvDeviceCache *c, virDomainPtr dom, const devEntry *e,
           xvSampleCall call, xvDeviceStatsFn stats, size_t nvalues)
{
    devPass ret = DEV_PASS_OK;
    size_t i;

    devScratch(c, e->ndevs, nvalues);
    for (i = 0; i < e->ndevs; i++) {
        int code;

        c->ok[i] = stats(dom, e->devs[i].name, &c->values[i * nvalues]) == 0;
        if (c->ok[i])
            continue;
        code = virGetLastErrorCode();
        if (code == VIR_ERR_OPERATION_INVALID || code == VIR_ERR_NO_DOMAIN)
            return DEV_PASS_STOPPED;
        if (code == VIR_ERR_INVALID_ARG && e->readSeq != ctx->snap->seq)
            return DEV_PASS_STALE;
        xvCollectNoteFailure(ctx, call);
        ret = DEV_PASS_FAILED;
    }
    return ret;
}

int
xvDevicesCollect(xvCollectContext *ctx, xvDeviceCache *c, virDomainPtr dom,
                 const xvSnapDomain *sd, xvSampleCall call, xvDeviceStatsFn stats,
                 size_t nvalues, xvDeviceSample *out)
{
    devEntry *e;
    devPass pass;

    memset(out, 0, sizeof(*out));
    if (!(e = devLookup(ctx, c, dom, sd)))
        return -1;
    pass = devReadAll(ctx, c, dom, e, call, stats, nvalues);
    if (pass == DEV_PASS_STALE) {
        /* unplugged: read the list again and the counters of what is left */
        if (devRead(ctx, c, dom, e) < 0)
            return -1;
        pass = devReadAll(ctx, c, dom, e, call, stats, nvalues);
    }
    if (pass == DEV_PASS_STOPPED)
        return 0;
    out->devs = e->devs;
    out->ndevs = e->ndevs;
    out->ok = c->ok;
    out->values = c->values;
    return pass == DEV_PASS_OK ? 0 : -1;
}

xvDeviceCache *
xvDeviceCacheOf(xvCollectContext *ctx, const xvCollector *self, xvDeviceKind kind)
{
    void **slot = xvCollectStateSlot(ctx, self);

    if (!*slot)
        *slot = xvDeviceCacheNew(kind);
    return *slot;
}

size_t
xvDeviceSampleCountOk(const xvDeviceSample *ds)
{
    size_t i, n = 0;

    for (i = 0; i < ds->ndevs; i++)
        n += ds->ok[i];
    return n;
}

void
xvDevicesPruneGone(xvCollectContext *ctx, const xvCollector *self, xvDeviceKind kind)
{
    xvDeviceCachePrune(xvDeviceCacheOf(ctx, self, kind), ctx->snap->seq);
}
