/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prom_writer.c: the metrics writer (families, samples, escaping, numbers). */
#include "prom_writer.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"
#include "util/xvcpulist.h"
#include "util/xvmacros.h"

/* TYPE keywords: [format][type] */
static const char *const promTypeNames[XV_PROM_FORMAT_LAST][XV_PROM_TYPE_LAST] = {
    [XV_PROM_FORMAT_TEXT] = { "gauge", "counter", "gauge", "histogram" },
    [XV_PROM_FORMAT_OPENMETRICS] = { "gauge", "counter", "info", "histogram" },
};

/* What OpenMetrics strips from a sample name to name its family: [type] */
static const char *const promTypeSuffixes[] = {
    [XV_PROM_TYPE_GAUGE] = "",
    [XV_PROM_TYPE_COUNTER] = "_total",
    [XV_PROM_TYPE_INFO] = "_info",
    [XV_PROM_TYPE_HISTOGRAM] = "",
};
_Static_assert(XV_N_ELEMENTS(promTypeSuffixes) == XV_PROM_TYPE_LAST,
               "promTypeSuffixes must name every xvPromType");

static const char *const promContentTypes[] = {
    [XV_PROM_FORMAT_TEXT] = "text/plain; version=0.0.4; charset=utf-8",
    [XV_PROM_FORMAT_OPENMETRICS] = "application/openmetrics-text; version=1.0.0; charset=utf-8",
};
_Static_assert(XV_N_ELEMENTS(promContentTypes) == XV_PROM_FORMAT_LAST,
               "promContentTypes must name every xvPromFormat");

const char *
xvPromContentType(xvPromFormat fmt)
{
    if ((unsigned int)fmt >= XV_PROM_FORMAT_LAST)
        return NULL;
    return promContentTypes[fmt];
}

/* ---- output ---- */

#define PROM_PUTS(buf, lit) xvBufAdd(buf, lit, sizeof(lit) - 1)

void
xvPromRenderEnd(xvPromFormat fmt, xvBuf *buf)
{
    if (fmt == XV_PROM_FORMAT_OPENMETRICS)
        PROM_PUTS(buf, "# EOF\n");
    else
        xvBufReserve(buf, 0);     /* still a valid (empty) string */
}

/* ---- numbers ---- */

const char xvPromDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

void
xvPromAddU64(xvBuf *buf, uint64_t v)
{
    xvBufCommit(buf, xvPromFmtU64(xvBufAt(buf, XV_PROM_NUM_MAX), v));
}

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static size_t
promUtf8Len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len, i;

    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;        /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;        /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return len;
}

#define PROM_PLAIN8 1, 1, 1, 1, 1, 1, 1, 1
/* 1 for the bytes written as they are in a label value: ASCII but for
 * newline (0x0A), double quote (0x22) and backslash (0x5C) */
static const unsigned char promPlain[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1,       /* 0x00 */
    PROM_PLAIN8, PROM_PLAIN8,                             /* 0x10 */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x20 */
    PROM_PLAIN8, PROM_PLAIN8, PROM_PLAIN8, PROM_PLAIN8,   /* 0x30, 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,       /* 0x50 */
    PROM_PLAIN8, PROM_PLAIN8, PROM_PLAIN8, PROM_PLAIN8,   /* 0x60, 0x70 */
};
#undef PROM_PLAIN8

/*
 * Writes @s (@n bytes) escaped at @p, which has room for 3 * @n bytes:
 * backslash and newline always, double quote if @quote (label values;
 * OpenMetrics HELP). Invalid UTF-8 becomes U+FFFD. Returns the end.
 */
static inline char *
promEscapeTo(char *p, const char *s, size_t n, bool quote)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned char c = u[i];

        if (promPlain[c]) {
            *p++ = (char)c;
            i++;
        } else if (c < 0x80) {
            if (c == '\\') {
                *p++ = '\\';
                *p++ = '\\';
            } else if (c == '\n') {
                *p++ = '\\';
                *p++ = 'n';
            } else if (quote) {
                *p++ = '\\';
                *p++ = '"';
            } else {
                *p++ = '"';
            }
            i++;
        } else {
            size_t len = promUtf8Len(u + i, n - i);

            if (len == 0) {
                memcpy(p, "\xEF\xBF\xBD", 3);
                p += 3;
                i++;
            } else {
                memcpy(p, u + i, len);
                p += len;
                i += len;
            }
        }
    }
    return p;
}

static void
promPutEscaped(xvBuf *buf, const char *s, size_t n, bool quote)
{
    xvBufCommit(buf, promEscapeTo(xvBufAt(buf, n * 3), s, n, quote));
}

/* Appends `name="value"` (with a leading comma if @comma), @value escaped. */
static void
promPutLabel(xvBuf *buf, bool comma, const char *name, const char *value, size_t valuelen)
{
    size_t namelen = strlen(name);
    char *p = xvBufAt(buf, namelen + 4 + valuelen * 3);

    if (comma)
        *p++ = ',';
    memcpy(p, name, namelen);
    p += namelen;
    *p++ = '=';
    *p++ = '"';
    p = promEscapeTo(p, value, valuelen, true);
    *p++ = '"';
    xvBufCommit(buf, p);
}

/* ---- label sets ---- */

void
xvPromLabelsInit(xvPromLabels *labels, size_t sets, size_t bytes)
{
    xvBufInit(&labels->text);
    labels->count = 0;
    labels->alloc = sets ? sets : 16;
    labels->ends = xvAllocN(labels->alloc, sizeof(*labels->ends));
    xvBufReserve(&labels->text, bytes);
}

void
xvPromLabelsFree(xvPromLabels *labels)
{
    if (!labels)
        return;
    xvBufFree(&labels->text);
    free(labels->ends);
    labels->ends = NULL;
    labels->count = 0;
    labels->alloc = 0;
}

void
xvPromLabelsAdd(xvPromLabels *labels, const char *name, const char *value, size_t len)
{
    size_t start = labels->count ? labels->ends[labels->count - 1] : 0;

    promPutLabel(&labels->text, labels->text.len > start, name, value, len);
}

size_t
xvPromLabelsClose(xvPromLabels *labels)
{
    if (labels->count == labels->alloc) {
        size_t alloc = labels->alloc ? labels->alloc * 2 : 16;

        labels->ends = xvReallocN(labels->ends, alloc, sizeof(*labels->ends));
        labels->alloc = alloc;
    }
    labels->ends[labels->count] = labels->text.len;
    return labels->count++;
}

/* ---- families and samples ---- */

void
xvPromWriterInit(xvPromWriter *w, xvBuf *buf, xvPromFormat fmt)
{
    w->buf = buf;
    w->fmt = (unsigned int)fmt < XV_PROM_FORMAT_LAST ? fmt : XV_PROM_FORMAT_TEXT;
    w->family = NULL;
    w->labelled = false;
}

/* True if @s (@n bytes) ends in @suffix. */
static bool
promEndsWith(const char *s, size_t n, const char *suffix)
{
    size_t len = strlen(suffix);

    return n >= len && memcmp(s + n - len, suffix, len) == 0;
}

void
xvPromWriterHeader(xvPromWriter *w, const xvPromFamily *family)
{
    xvBuf *buf = w->buf;
    const char *suffix = promTypeSuffixes[family->type];
    size_t famlen = family->namelen;
    bool om = w->fmt == XV_PROM_FORMAT_OPENMETRICS;
    const char *type = promTypeNames[w->fmt][family->type];

    /* the naming rules of prom_writer.h: a broken descriptor is a bug */
    assert(promEndsWith(family->name, famlen, suffix));
    assert(!family->unit ||
           promEndsWith(family->name, famlen - strlen(suffix), family->unit));
    /* OpenMetrics names the family without the sample suffix */
    if (om)
        famlen -= strlen(suffix);

    PROM_PUTS(buf, "# HELP ");
    xvBufAdd(buf, family->name, famlen);
    PROM_PUTS(buf, " ");
    promPutEscaped(buf, family->help, strlen(family->help), om);
    PROM_PUTS(buf, "\n# TYPE ");
    xvBufAdd(buf, family->name, famlen);
    PROM_PUTS(buf, " ");
    xvBufAdd(buf, type, strlen(type));
    PROM_PUTS(buf, "\n");
    if (om && family->unit) {
        PROM_PUTS(buf, "# UNIT ");
        xvBufAdd(buf, family->name, famlen);
        PROM_PUTS(buf, " ");
        xvBufAdd(buf, family->unit, strlen(family->unit));
        PROM_PUTS(buf, "\n");
    }
    w->family = family;
}

void
xvPromSampleLabelN(xvPromWriter *w, const char *name, const char *value, size_t len)
{
    if (!w->labelled)
        PROM_PUTS(w->buf, "{");
    promPutLabel(w->buf, w->labelled, name, value, len);
    w->labelled = true;
}

void
xvPromSampleLabel(xvPromWriter *w, const char *name, const char *value)
{
    xvPromSampleLabelN(w, name, value, value ? strlen(value) : 0);
}

void
xvPromSampleLabelCpus(xvPromWriter *w, const char *name, const unsigned char *map,
                      size_t maplen)
{
    size_t namelen = strlen(name);
    char *p = xvBufAt(w->buf, namelen + 5 + xvCpuListFormatMax(maplen * 8));

    *p++ = w->labelled ? ',' : '{';
    memcpy(p, name, namelen);
    p += namelen;
    *p++ = '=';
    *p++ = '"';
    p = xvCpuListWrite(p, map, maplen * 8);
    *p++ = '"';
    xvBufCommit(w->buf, p);
    w->labelled = true;
}

/* @v as a float both formats read, with a fraction ("1.0", "0.0025", "+Inf"). */
static void
promPutFloat(xvBuf *buf, double v)
{
    char num[64];
    int n = snprintf(num, sizeof(num), "%.9g", v);

    if (n < 0 || (size_t)n >= sizeof(num))
        n = snprintf(num, sizeof(num), "0.0");
    else if (!strpbrk(num, ".en"))
        n += snprintf(num + n, sizeof(num) - (size_t)n, ".0");
    xvBufAdd(buf, num, (size_t)n);
}

/* `name<suffix>` then, with @le, `{le="..."}` (NULL @bound: +Inf), then " ". */
static void
promHistogramSample(xvPromWriter *w, const xvPromFamily *family, const char *suffix,
                    bool le, const double *bound)
{
    xvBufAdd(w->buf, family->name, family->namelen);
    xvBufAdd(w->buf, suffix, strlen(suffix));
    if (le) {
        PROM_PUTS(w->buf, "{le=\"");
        if (bound)
            promPutFloat(w->buf, *bound);
        else
            PROM_PUTS(w->buf, "+Inf");
        PROM_PUTS(w->buf, "\"}");
    }
    PROM_PUTS(w->buf, " ");
}

void
xvPromWriteHistogram(xvPromWriter *w, const xvPromFamily *family, const double *bounds,
                     const uint64_t *cumulative, size_t n, uint64_t count, double sum)
{
    size_t i;

    assert(family->type == XV_PROM_TYPE_HISTOGRAM);
    if (w->family != family)
        xvPromWriterHeader(w, family);
    for (i = 0; i < n; i++) {
        promHistogramSample(w, family, "_bucket", true, &bounds[i]);
        xvPromAddU64(w->buf, cumulative[i]);
        PROM_PUTS(w->buf, "\n");
    }
    promHistogramSample(w, family, "_bucket", true, NULL);
    xvPromAddU64(w->buf, count);
    PROM_PUTS(w->buf, "\n");
    promHistogramSample(w, family, "_sum", false, NULL);
    promPutFloat(w->buf, sum);
    PROM_PUTS(w->buf, "\n");
    promHistogramSample(w, family, "_count", false, NULL);
    xvPromAddU64(w->buf, count);
    PROM_PUTS(w->buf, "\n");
}

void
xvPromWriteSample1(xvPromWriter *w, const xvPromFamily *family, const char *label,
                   const char *value, xvPromValueKind kind, uint64_t v)
{
    xvPromSampleBegin(w, family);
    xvPromSampleLabel(w, label, value);
    xvPromSampleEnd(w, kind, v);
}
