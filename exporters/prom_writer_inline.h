/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * prom_writer_inline.h: the metrics writer's hot path, inline, so that a
 * renderer's loop over ~28000 series compiles to straight stores and
 * memcpy's, as a hand-written one would. Included by prom_writer.h (which
 * documents every call); do not include it directly. The xvPromFmt* and
 * xvPromWriterHeader helpers here are the writer's own; the buffer calls
 * (xvBufAt, xvBufCommit) are util/xvbuf.h's, inline as well.
 */
#pragma once

#include <string.h>

/* Longest number written: 20 digits, a sign, a dot and 9 decimals. */
#define XV_PROM_NUM_MAX 32

/* "00".."99" */
extern const char xvPromDigitPairs[201];

/* Writes @family's HELP/TYPE(/UNIT) lines; @family becomes @w's family. */
void xvPromWriterHeader(xvPromWriter *w, const xvPromFamily *family);

/* ---- numbers: each writes at p (room for XV_PROM_NUM_MAX) and returns the end ---- */

static inline unsigned int
xvPromDigits(uint64_t v)
{
    unsigned int n = 1;

    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    if (v >= 10)
        n++;
    if (v >= 100)
        n++;
    if (v >= 1000)
        n++;
    return n;
}

/* @v zero-padded to @width digits (at least its own), written back to front. */
static inline char *
xvPromFmtU64Width(char *p, uint64_t v, unsigned int width)
{
    unsigned int n = xvPromDigits(v);
    char *end;
    char *q;

    if (n < width)
        n = width;
    end = p + n;
    q = end;
    while (v >= 100) {
        unsigned int pair = (unsigned int)(v % 100) * 2;

        v /= 100;
        *--q = xvPromDigitPairs[pair + 1];
        *--q = xvPromDigitPairs[pair];
    }
    if (v >= 10) {
        *--q = xvPromDigitPairs[v * 2 + 1];
        *--q = xvPromDigitPairs[v * 2];
    } else {
        *--q = (char)('0' + v);
    }
    while (q > p)
        *--q = '0';
    return end;
}

static inline char *
xvPromFmtU64(char *p, uint64_t v)
{
    return xvPromFmtU64Width(p, v, 1);
}

static inline char *
xvPromFmtI64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return xvPromFmtU64(p, (uint64_t)0 - (uint64_t)v);
    }
    return xvPromFmtU64(p, (uint64_t)v);
}

/* Nanoseconds as exact decimal seconds: 1500000000 -> "1.5", 3 -> "0.000000003". */
static inline char *
xvPromFmtSeconds(char *p, uint64_t ns)
{
    uint64_t frac = ns % 1000000000u;
    unsigned int width = 9;

    p = xvPromFmtU64(p, ns / 1000000000u);
    if (frac == 0)
        return p;
    while (frac % 10 == 0) {
        frac /= 10;
        width--;
    }
    *p++ = '.';
    return xvPromFmtU64Width(p, frac, width);
}

static inline char *
xvPromFmtValue(char *p, xvPromValueKind kind, uint64_t v)
{
    switch (kind) {
    case XV_PROM_VALUE_I64:
        return xvPromFmtI64(p, (int64_t)v);
    case XV_PROM_VALUE_NS:
        return xvPromFmtSeconds(p, v);
    case XV_PROM_VALUE_MS:
        p = xvPromFmtU64(p, v / 1000);
        *p++ = '.';
        return xvPromFmtU64Width(p, v % 1000, 3);
    case XV_PROM_VALUE_U64:
    case XV_PROM_VALUE_LAST:
    default:
        return xvPromFmtU64(p, v);
    }
}

/* ---- label sets ---- */

static inline const char *
xvPromLabelsText(const xvPromLabels *labels, size_t set, size_t *retlen)
{
    size_t start = set ? labels->ends[set - 1] : 0;

    *retlen = labels->ends[set] - start;
    return labels->text.data + start;
}

/* ---- samples ---- */

static inline void
xvPromSampleBegin(xvPromWriter *w, const xvPromFamily *family)
{
    char *p;

    if (w->family != family)
        xvPromWriterHeader(w, family);
    p = xvBufAt(w->buf, family->namelen);
    memcpy(p, family->name, family->namelen);
    xvBufCommit(w->buf, p + family->namelen);
    w->labelled = false;
}

static inline void
xvPromSampleLabelU64(xvPromWriter *w, const char *name, uint64_t v)
{
    size_t namelen = strlen(name);
    char *p = xvBufAt(w->buf, namelen + 4 + XV_PROM_NUM_MAX);

    *p++ = w->labelled ? ',' : '{';
    memcpy(p, name, namelen);
    p += namelen;
    *p++ = '=';
    *p++ = '"';
    p = xvPromFmtU64(p, v);
    *p++ = '"';
    xvBufCommit(w->buf, p);
    w->labelled = true;
}

static inline void
xvPromSampleLabelSet(xvPromWriter *w, const xvPromLabels *labels, size_t set)
{
    size_t len;
    const char *text = xvPromLabelsText(labels, set, &len);
    char *p;

    if (len == 0)
        return;
    p = xvBufAt(w->buf, len + 1);
    *p++ = w->labelled ? ',' : '{';
    memcpy(p, text, len);
    xvBufCommit(w->buf, p + len);
    w->labelled = true;
}

static inline void
xvPromSampleEnd(xvPromWriter *w, xvPromValueKind kind, uint64_t v)
{
    char *p = xvBufAt(w->buf, XV_PROM_NUM_MAX + 3);

    if (w->labelled)
        *p++ = '}';
    *p++ = ' ';
    p = xvPromFmtValue(p, kind, v);
    *p++ = '\n';
    xvBufCommit(w->buf, p);
    w->labelled = false;
}

static inline void
xvPromWriteSample(xvPromWriter *w, const xvPromFamily *family, xvPromValueKind kind,
                  uint64_t v)
{
    xvPromSampleBegin(w, family);
    xvPromSampleEnd(w, kind, v);
}

static inline void
xvPromWriteSeriesNum(xvPromWriter *w, const xvPromFamily *family, const xvPromLabels *labels,
                     size_t set, const char *num, uint64_t n, xvPromValueKind kind, uint64_t v)
{
    size_t labelslen;
    const char *text = xvPromLabelsText(labels, set, &labelslen);
    size_t numlen = num ? strlen(num) : 0;
    char *p;

    if (w->family != family)
        xvPromWriterHeader(w, family);
    p = xvBufAt(w->buf, family->namelen + labelslen + numlen + 2 * XV_PROM_NUM_MAX + 8);
    memcpy(p, family->name, family->namelen);
    p += family->namelen;
    if (labelslen > 0 || num) {
        *p++ = '{';
        memcpy(p, text, labelslen);
        p += labelslen;
        if (num) {
            if (labelslen > 0)
                *p++ = ',';
            memcpy(p, num, numlen);
            p += numlen;
            *p++ = '=';
            *p++ = '"';
            p = xvPromFmtU64(p, n);
            *p++ = '"';
        }
        *p++ = '}';
    }
    *p++ = ' ';
    p = xvPromFmtValue(p, kind, v);
    *p++ = '\n';
    xvBufCommit(w->buf, p);
}

static inline void
xvPromWriteSeries(xvPromWriter *w, const xvPromFamily *family, const xvPromLabels *labels,
                  size_t set, xvPromValueKind kind, uint64_t v)
{
    xvPromWriteSeriesNum(w, family, labels, set, NULL, 0, kind, v);
}
