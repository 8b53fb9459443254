/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prometheus.h: pure renderer of snapshots to the Prometheus text formats. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/*
 * A scrape answer is three parts, concatenated by the HTTP layer:
 *
 *   [body]  xvPromRender()/xvPromRenderBody(): the snapshot's metrics,
 *           rendered ONCE per snapshot and format, then cached and shared
 *   [self]  xvPromRenderSelf(): the few per-scrape metrics (snapshot age,
 *           scrapes served, reload status, build info)
 *   [end]   xvPromRenderEnd(): "# EOF\n" for OpenMetrics, nothing for 0.0.4
 *
 * No family appears in two parts, so the concatenation is a valid
 * exposition. Families are written in a fixed order, each with its HELP and
 * TYPE (and, in OpenMetrics, UNIT) lines before its samples; a family with
 * no sample is left out. Series are ordered by domain name, then vcpu
 * number (the snapshot's order). Label values are escaped (backslash,
 * double quote, newline) and invalid UTF-8 is replaced by U+FFFD, so a
 * strange domain name cannot break a scrape. Seconds are printed as exact
 * decimals computed from nanoseconds ("12.345678901"), never through
 * floating point.
 *
 * The functions are pure: no I/O, no global state, thread-safe on distinct
 * buffers. Allocation failures abort, as everywhere in xvirt.
 */

typedef enum {
    XV_PROM_FORMAT_TEXT = 0,        /* text/plain; version=0.0.4 */
    XV_PROM_FORMAT_OPENMETRICS,     /* application/openmetrics-text; version=1.0.0 */
    XV_PROM_FORMAT_LAST
} xvPromFormat;

/* The Content-Type header value of @fmt (static string); NULL if out of range. */
const char *xvPromContentType(xvPromFormat fmt);

/* A growable byte buffer; {0} (or xvPromBufInit) is an empty buffer. */
typedef struct _xvPromBuf xvPromBuf;
struct _xvPromBuf {
    char *data;     /* NUL-terminated once anything was written; NULL while empty */
    size_t len;     /* bytes written, without the NUL */
    size_t cap;     /* bytes allocated */
};

void xvPromBufInit(xvPromBuf *buf);
/* Empties @buf, keeping its memory for the next render. */
void xvPromBufReset(xvPromBuf *buf);
/* Frees the memory of @buf (NULL-safe) and leaves it empty. */
void xvPromBufFree(xvPromBuf *buf);
/* Makes room for @extra more bytes (plus the NUL) at once. */
void xvPromBufReserve(xvPromBuf *buf, size_t extra);
/*
 * Returns the contents (a NUL-terminated string, never NULL, to free()) and
 * their length in *retlen (if not NULL); @buf is left empty.
 */
char *xvPromBufSteal(xvPromBuf *buf, size_t *retlen);

/* Appends @s (@n bytes) escaped as a label value (backslash, double quote,
 * newline; invalid UTF-8 becomes U+FFFD), for renderers of other parts. */
void xvPromPutLabelValue(xvPromBuf *buf, const char *s, size_t n);

/* Appends the snapshot's families to @buf. */
void xvPromRenderBody(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf);
/*
 * The snapshot's families as a new string (to free()), its length in *retlen
 * if not NULL. Same output as xvPromRenderBody().
 */
char *xvPromRender(const xvSnapshot *snap, xvPromFormat fmt, size_t *retlen);

/* The per-scrape metrics, filled by the HTTP layer for each scrape. */
typedef struct _xvPromSelf xvPromSelf;
struct _xvPromSelf {
    const char *version;          /* xvirt's version ("0.1.0"); NULL: "" */
    const char *api;              /* "libxvirt 0.1.0" or "libvirt 9.0.0"; NULL: "" */
    bool haveSnapshot;            /* false: no snapshot yet, age left out */
    uint64_t snapshotAgeNs;       /* now - the snapshot's end, monotonic */
    uint64_t scrapes;             /* scrapes served, this one included */
    bool reloadOk;                /* the last configuration (re)load succeeded */
    uint64_t reloadSuccessNs;     /* CLOCK_REALTIME of the last successful load; 0: none */
    uint64_t reloadsSucceeded;    /* SIGHUP reloads since start, by result */
    uint64_t reloadsFailed;
};

/* Appends the per-scrape families to @buf (a few hundred bytes). */
void xvPromRenderSelf(const xvPromSelf *self, xvPromFormat fmt, xvPromBuf *buf);
/* Appends what ends an exposition: "# EOF\n" in OpenMetrics, nothing in 0.0.4. */
void xvPromRenderEnd(xvPromFormat fmt, xvPromBuf *buf);
