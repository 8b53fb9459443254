/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prometheus.h: the snapshot's metric families, for the Prometheus text formats. */
#pragma once

#include <stddef.h>

#include "prom_writer.h"
#include "src/snapshot/snapshot.h"

/*
 * A scrape answer is three parts, concatenated by the HTTP layer:
 *
 *   [body]  xvPromRender()/xvPromRenderBody(): the snapshot's metrics (the
 *           families declared in prometheus.c), then the policies' report
 *           (src/policy/report.h); rendered ONCE per snapshot and format,
 *           then cached and shared
 *   [self]  xvPromRenderSelf() (self_metrics.h): the few per-scrape metrics
 *           (snapshot age, scrapes served, reload status, build info)
 *   [end]   xvPromRenderEnd() (prom_writer.h): "# EOF\n" for OpenMetrics,
 *           nothing for 0.0.4
 *
 * No family appears in two parts, so the concatenation is a valid
 * exposition. Families are written in a fixed order through the metrics
 * writer (prom_writer.h: HELP, TYPE and UNIT lines, escaping, numbers); a
 * family with no sample is left out. Series are ordered by domain name, then
 * vcpu number (the snapshot's order).
 *
 * The functions are pure: no I/O, no global state, thread-safe on distinct
 * buffers. Allocation failures abort, as everywhere in xvirt.
 */

/* Writes the snapshot's families through @w. */
void xvPromWriteSnapshot(xvPromWriter *w, const xvSnapshot *snap);
/* Appends the snapshot's families to @buf in @fmt (out of range: text). */
void xvPromRenderBody(const xvSnapshot *snap, xvPromFormat fmt, xvBuf *buf);
/*
 * The snapshot's families as a new string (to free()), its length in *retlen
 * if not NULL. Same output as xvPromRenderBody().
 */
char *xvPromRender(const xvSnapshot *snap, xvPromFormat fmt, size_t *retlen);
