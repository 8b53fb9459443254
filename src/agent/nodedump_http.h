/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodedump_http.h: GET /debug/nodedump?samples=N&interval=D: the host as a
 * test-driver node file (src/nodedump/), what `xvirsh nodedump` writes,
 * for a what-if run on a copy of it (xvirt-agent --what-if).
 *
 * The HTTP server asks only for clients on the loopback interface or that
 * passed basic auth (exporters/http.h). The dump runs in a thread of its
 * own, on a read-only connection of its own, for (samples - 1) x interval
 * plus the calls: the loop, the sampler and the scrapes go on meanwhile,
 * and a hung hypervisor hangs only that thread. One dump at a time: a
 * second request meanwhile gets 503 with Retry-After. A stop of the agent
 * ends the wait between samples at once and drops the reply.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "exporters/http.h"

struct event_base;

typedef struct _xvNodeDumpHttp xvNodeDumpHttp;

/* Serves dumps from the loop of @base. */
xvNodeDumpHttp *xvNodeDumpHttpNew(struct event_base *base);

/*
 * Loop thread: answers GET /debug/nodedump of @target (its query: samples,
 * 2 to 60, default 5; interval, 100ms to 60s, default 1s; at most 5 minutes
 * in all) on the hypervisor @uri (NULL: the default), through @pending:
 * 200 with the node file, 400 for a wrong query, 503 while another dump
 * runs, 500 when the dump fails (the reason in the body).
 */
void xvNodeDumpHttpServe(xvNodeDumpHttp *nd, const char *uri, const char *target,
                         size_t targetLen, xvHttpPending *pending);

/* Loop thread: stops a dump in progress (its reply is dropped) and frees
 * @nd; a thread stuck in a hypervisor call is left to end on its own.
 * NULL is a no-op. */
void xvNodeDumpHttpFree(xvNodeDumpHttp *nd);
