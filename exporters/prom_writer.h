/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * prom_writer.h: the metrics writer: metric families and their samples in
 * the Prometheus text format 0.0.4 and OpenMetrics 1.0.0.
 *
 * Every exposition of xvirt-agent goes through it: the snapshot's families
 * (prometheus.c), the per-scrape self families (self_metrics.c) and the
 * policies' report (src/policy/report.c). Each family is declared once, by
 * the code that owns it, as a const xvPromFamily:
 *
 *   static const xvPromFamily famScrapes =
 *       XV_PROM_FAMILY("xvirt_scrapes_total", XV_PROM_TYPE_COUNTER, NULL,
 *                      "Scrapes served since the agent started.");
 *
 * and written through an xvPromWriter bound to a buffer (an xvBuf,
 * util/xvbuf.h) and a format:
 *
 *   xvPromWriter w;
 *
 *   xvPromWriterInit(&w, buf, fmt);
 *   xvPromWriteSample(&w, &famScrapes, XV_PROM_VALUE_U64, scrapes);
 *
 * The writer writes a family's HELP and TYPE lines (and, in OpenMetrics, its
 * UNIT line) before the family's first sample, so a family without samples
 * is left out. A family's samples must be written one after another: writing
 * family A, then B, then A again writes A's header twice, which no parser
 * accepts.
 *
 * Naming, as the formats want it:
 *   - a counter's sample name ends in "_total"; OpenMetrics names its family
 *     without the suffix ("# TYPE xvirt_scrapes counter"), 0.0.4 with it;
 *   - an info family's sample name ends in "_info"; OpenMetrics names the
 *     family without it and types it "info", 0.0.4 types it "gauge";
 *   - the unit, if any, is a suffix of the family name ("seconds", "bytes")
 *     and appears only in OpenMetrics' UNIT line.
 * The writer asserts these rules when it writes a family's header. Label
 * names are written as given: they must be valid ([a-zA-Z_][a-zA-Z0-9_]*).
 *
 * Label values are escaped (backslash, double quote, newline) and invalid
 * UTF-8 is replaced by U+FFFD, so a strange domain name cannot break a
 * scrape. Seconds are written as exact decimals computed from integers
 * ("12.345678901"), never through floating point.
 *
 * Speed: a 1000-domain, 4000-vcpu snapshot is ~28000 lines. Series written
 * many times with the same labels (a domain's `domain="..",uuid=".."`) take
 * their labels from an xvPromLabels, escaped once per render;
 * xvPromWriteSeries() then writes a whole line with one reserve and memcpy's
 * of the pieces, and numbers go through a digit-pair formatter.
 *
 * Everything here is pure: no I/O, no global state, thread-safe on distinct
 * buffers. Allocation failures abort, as everywhere in xvirt.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/xvbuf.h"

/* ---- formats ---- */

typedef enum {
    XV_PROM_FORMAT_TEXT = 0,        /* text/plain; version=0.0.4 */
    XV_PROM_FORMAT_OPENMETRICS,     /* application/openmetrics-text; version=1.0.0 */
    XV_PROM_FORMAT_LAST
} xvPromFormat;

/* The Content-Type header value of @fmt (static string); NULL if out of range. */
const char *xvPromContentType(xvPromFormat fmt);

/* ---- output: the writer appends to an xvBuf (util/xvbuf.h) ---- */

/* Appends @v in decimal to @buf, through the writer's digit-pair formatter. */
void xvPromAddU64(xvBuf *buf, uint64_t v);

/*
 * Appends what ends an exposition to @buf: "# EOF\n" in OpenMetrics,
 * nothing in 0.0.4 (@buf is still made a valid, possibly empty, string).
 */
void xvPromRenderEnd(xvPromFormat fmt, xvBuf *buf);

/* ---- families ---- */

typedef enum {
    XV_PROM_TYPE_GAUGE = 0,
    XV_PROM_TYPE_COUNTER,      /* the sample name ends in _total */
    XV_PROM_TYPE_INFO,         /* the sample name ends in _info; a gauge in 0.0.4 */
    XV_PROM_TYPE_HISTOGRAM,    /* the family name; samples _bucket, _sum, _count */
    XV_PROM_TYPE_LAST
} xvPromType;

/* A metric family, declared once by its owner (XV_PROM_FAMILY). */
typedef struct _xvPromFamily xvPromFamily;
struct _xvPromFamily {
    const char *name;   /* the sample name: with _total (counter) or _info (info) */
    size_t namelen;     /* strlen(name) */
    xvPromType type;
    const char *unit;   /* OpenMetrics UNIT, a suffix of the family name; NULL: none */
    const char *help;   /* one line; escaped as each format wants */
};

/* A const xvPromFamily initializer; @name must be a string literal. */
#define XV_PROM_FAMILY(name, type, unit, help) { name, sizeof(name) - 1, type, unit, help }

/* How a sample's uint64_t value is written. */
typedef enum {
    XV_PROM_VALUE_U64 = 0,     /* an unsigned integer */
    XV_PROM_VALUE_I64,         /* a signed integer, stored as (uint64_t)(int64_t)v */
    XV_PROM_VALUE_NS,          /* nanoseconds as exact decimal seconds: 1500000000 -> "1.5",
                                * 3 -> "0.000000003", 2000000000 -> "2" */
    XV_PROM_VALUE_MS,          /* milliseconds as seconds with three decimals: 1500 -> "1.500",
                                * 0 -> "0.000" */
    XV_PROM_VALUE_LAST
} xvPromValueKind;

/* ---- label sets ---- */

/*
 * Label sets escaped once and reused by many samples: set i is the text
 * `a="..",b=".."` (without braces) of the labels added between the close of
 * set i - 1 and the close of set i. {0} (or xvPromLabelsInit) is empty.
 */
typedef struct _xvPromLabels xvPromLabels;
struct _xvPromLabels {
    xvBuf text;         /* the sets, one after another */
    size_t *ends;       /* ends[i]: where set i ends in text; set 0 starts at 0 */
    size_t count;       /* sets closed */
    size_t alloc;       /* elements of ends */
};

/* Empties @labels, with room for about @sets sets of @bytes bytes in all. */
void xvPromLabelsInit(xvPromLabels *labels, size_t sets, size_t bytes);
/* Frees the memory of @labels (NULL-safe) and leaves it empty. */
void xvPromLabelsFree(xvPromLabels *labels);
/*
 * Adds `name="value"` to the open set, @value escaped; @len bytes of
 * @value (@value may be NULL when @len is 0). @name is a valid label name.
 */
void xvPromLabelsAdd(xvPromLabels *labels, const char *name, const char *value, size_t len);
/* Closes the open set (possibly empty) and returns its index. */
size_t xvPromLabelsClose(xvPromLabels *labels);

/* The text of closed set @set and its length in *retlen. */
static inline const char *xvPromLabelsText(const xvPromLabels *labels, size_t set,
                                           size_t *retlen);

/* ---- writer ---- */

/* Writes families and samples to a buffer in one format. */
typedef struct _xvPromWriter xvPromWriter;
struct _xvPromWriter {
    /* private: set by xvPromWriterInit */
    xvBuf *buf;
    xvPromFormat fmt;
    const xvPromFamily *family;  /* whose header was written last; NULL: none yet */
    bool labelled;               /* the open sample has a label */
};

/*
 * Binds @w to @buf (appending to what it holds) and @fmt (an out-of-range
 * @fmt means XV_PROM_FORMAT_TEXT). @buf must outlive the writer's use; the
 * writer holds no memory of its own and needs no free.
 */
void xvPromWriterInit(xvPromWriter *w, xvBuf *buf, xvPromFormat fmt);

/*
 * A sample in steps: xvPromSampleBegin(), then any number of
 * xvPromSampleLabel*() calls, then xvPromSampleEnd(). Begin writes @family's
 * header first if the previous sample was of another family.
 */
static inline void xvPromSampleBegin(xvPromWriter *w, const xvPromFamily *family);
/* Adds `name="value"` to the open sample, @value escaped (NULL: ""). */
void xvPromSampleLabel(xvPromWriter *w, const char *name, const char *value);
/* The same with @len bytes of @value (which need not be NUL-terminated). */
void xvPromSampleLabelN(xvPromWriter *w, const char *name, const char *value, size_t len);
/* Adds `name="v"`, @v in decimal, to the open sample. */
static inline void xvPromSampleLabelU64(xvPromWriter *w, const char *name, uint64_t v);
/*
 * Adds `name="<list>"`, the CPUs set in @map (@maplen bytes, CPU n being
 * bit n % 8 of byte n / 8, as in libvirt's cpumaps) as a compressed list
 * in increasing order: "0-3,8,10-11"; "" when none is set.
 */
void xvPromSampleLabelCpus(xvPromWriter *w, const char *name, const unsigned char *map,
                           size_t maplen);
/* Adds the labels of closed set @set of @labels to the open sample. */
static inline void xvPromSampleLabelSet(xvPromWriter *w, const xvPromLabels *labels,
                                        size_t set);
/* Ends the open sample with its value, written as @kind says. */
static inline void xvPromSampleEnd(xvPromWriter *w, xvPromValueKind kind, uint64_t v);

/* A whole sample without labels: `name value`. */
static inline void xvPromWriteSample(xvPromWriter *w, const xvPromFamily *family,
                                     xvPromValueKind kind, uint64_t v);
/*
 * A whole histogram without labels (@family of XV_PROM_TYPE_HISTOGRAM):
 * `name_bucket{le="B"} N` for each of the @n upper bounds @bounds (in
 * increasing order, @cumulative[i] the observations <= bounds[i]), then
 * le="+Inf" with @count, `name_sum` and `name_count`.
 */
void xvPromWriteHistogram(xvPromWriter *w, const xvPromFamily *family, const double *bounds,
                          const uint64_t *cumulative, size_t n, uint64_t count, double sum);
/* A whole sample with one label: `name{label="value"} v` (@value NULL: ""). */
void xvPromWriteSample1(xvPromWriter *w, const xvPromFamily *family, const char *label,
                        const char *value, xvPromValueKind kind, uint64_t v);

/*
 * The fast path, for series written many times with the same labels: a
 * whole sample `name{<set>} v` with one reserve, the labels being closed set
 * @set of @labels.
 */
static inline void xvPromWriteSeries(xvPromWriter *w, const xvPromFamily *family,
                                     const xvPromLabels *labels, size_t set,
                                     xvPromValueKind kind, uint64_t v);
/*
 * The same with one more label, named @num, whose value is the integer @n,
 * after the set: `name{<set>,num="N"} v` (as xvirt_vcpu_*'s vcpu="N"); @num
 * NULL: none, as xvPromWriteSeries().
 */
static inline void xvPromWriteSeriesNum(xvPromWriter *w, const xvPromFamily *family,
                                        const xvPromLabels *labels, size_t set,
                                        const char *num, uint64_t n, xvPromValueKind kind,
                                        uint64_t v);

/* The inline calls above (the hot path) and the helpers they use. */
#include "prom_writer_inline.h"
