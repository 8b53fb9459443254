/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * http.h: the agent's HTTP endpoint: a small HTTP/1.x server on libevent
 * bufferevents, whose request heads are parsed by http_parse.h.
 *
 *   GET /metrics     the newest snapshot, Prometheus text 0.0.4, or
 *                    OpenMetrics 1.0.0 when the scraper's Accept asks for it;
 *                    gzip-compressed when Accept-Encoding ranks gzip at least
 *                    as high as identity (the snapshot part is compressed
 *                    once per snapshot by the source, gzip.h); at the
 *                    telemetry path, /metrics unless set otherwise
 *   GET /            the landing page (HTML, source->landing): what the
 *                    agent sees, links to the other endpoints
 *   GET /-/healthy   200 while the process serves
 *   GET /-/ready     200 once the hypervisor has answered, else 503 with
 *                    the reason (source->ready)
 *
 * Scrapes never call the hypervisor: the body is the snapshot's, rendered
 * once when the snapshot was made, and is sent without copying; only the
 * few per-scrape self metrics are rendered per request.
 *
 * A server may listen on several addresses; its listeners share one table of
 * connections and the limits below (the caps are the server's, whichever
 * address a client came through).
 *
 * Limits, so a slow or hostile client cannot tie the agent up:
 *  - a deadline for each whole request head (headerTimeoutMs, counted from
 *    the connection's start, or from the first byte of a later request on a
 *    kept-alive connection): a client trickling bytes is cut there;
 *  - at most maxConnections open connections, and maxConnectionsPerAddress
 *    from one client address (IPv6: one /64). A new connection over either
 *    cap evicts the connection that has waited longest for its request head
 *    (among that address's, for the per-address cap); only when every
 *    connection is busy sending a reply does the listener pause, leaving new
 *    clients in the kernel's backlog;
 *  - accept(2) failing (EMFILE, ENFILE, ...) pauses the listener for 250 ms,
 *    with at most one log line a minute;
 *  - with a web configuration (web.h, web_config.h): TLS, basic auth, a request
 *    rate limit and extra headers; its files are looked at for changes at
 *    every new connection, and read again when they changed;
 *  - a cap on request header bytes, no request bodies, GET and HEAD only,
 *    strict request lines (http_parse.h), an idle read timeout and a write
 *    timeout on every connection.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "self_metrics.h"
#include "web.h"
#include "util/xvbuf.h"

struct event_base;

typedef struct _xvHttpServer xvHttpServer;

typedef struct _xvHttpLimits xvHttpLimits;
struct _xvHttpLimits {
    unsigned int maxConnections;
    size_t maxHeaderBytes;
    uint64_t readTimeoutMs;
    uint64_t writeTimeoutMs;
    uint64_t headerTimeoutMs;
    unsigned int maxConnectionsPerAddress;
};

/* File descriptors kept for the agent's own files when fitting
 * maxConnections under RLIMIT_NOFILE. */
#define XV_HTTP_FD_RESERVE 32

/*
 * Makes room for @want connections under RLIMIT_NOFILE, keeping
 * XV_HTTP_FD_RESERVE descriptors for everything else: raises the soft limit
 * toward the hard one if needed. Returns how many connections fit (@want,
 * or fewer, at least 1); when fewer, or when the soft limit was raised,
 * *@note (to free()) says so, else it is NULL.
 */
unsigned int xvHttpFitFileLimit(unsigned int want, char **note);

/* The content codings a scrape's body can have (RFC 9110 8.4.1). */
typedef enum {
    XV_HTTP_CODING_IDENTITY,
    XV_HTTP_CODING_GZIP,        /* unfinished: see gzip.h */
    XV_HTTP_CODING_LAST
} xvHttpCoding;

/* A rendered body lent to the server until it calls release(opaque). */
typedef struct _xvScrapeBody xvScrapeBody;
struct _xvScrapeBody {
    const char *data;
    size_t len;
    /* XV_HTTP_CODING_GZIP: data is an xvGzipOpen's (gzip.h), compressed
     * from gzipInLen bytes whose CRC-32 is gzipCrc; the server ends the
     * stream after the per-scrape metrics */
    xvHttpCoding coding;
    uint32_t gzipCrc;
    size_t gzipInLen;
    void (*release)(void *opaque);
    void *opaque;
};

/*
 * A reply given later: the connection waits (reading nothing more) until
 * the source calls xvHttpPendingFinish(), from the loop thread. If the
 * connection went meanwhile (the client left, the server stopped), the
 * reply is dropped; the pending reply is freed either way.
 */
typedef struct _xvHttpPending xvHttpPending;

/* Sends the reply of @p: @code with @body (text, taken: emptied) of
 * @contentType, and the header lines @extra (each ending in CRLF; NULL:
 * none). Loop thread. */
void xvHttpPendingFinish(xvHttpPending *p, int code, const char *contentType,
                         const char *extra, xvBuf *body);

/* Whether the client of @p is still there to be answered (loop thread). */
bool xvHttpPendingAlive(const xvHttpPending *p);

/* Where scrapes come from; every callback runs in the loop thread. */
typedef struct _xvScrapeSource xvScrapeSource;
struct _xvScrapeSource {
    /* The newest snapshot rendered in @fmt, in @coding if it can (else
     * identity: body->coding says); false if there is none yet. */
    bool (*body)(void *opaque, xvPromFormat fmt, xvHttpCoding coding, xvScrapeBody *body);
    /* The per-scrape self metrics of this scrape (counts it). */
    void (*self)(void *opaque, xvPromSelf *self);
    /* True when ready to serve (/-/ready); if not, why in @reason
     * (one line, no newline). */
    bool (*ready)(void *opaque, xvBuf *reason);
    /* The landing page (HTML) into @page; @metricsPath is the path that
     * serves the metrics, for its link. */
    void (*landing)(void *opaque, const char *metricsPath, xvBuf *page);
    /*
     * GET /debug/nodedump?QUERY (NULL: 404): the host as a test-driver
     * node file. Asked only for a client on the loopback interface, or
     * one that passed basic auth (others get 403). @target is the request
     * target, whose query the source reads (xvHttpQueryParam(),
     * http_parse.h). The source answers through @pending, now or later.
     */
    void (*nodedump)(void *opaque, const char *target, size_t targetLen, bool head,
                     xvHttpPending *pending);
    void *opaque;
};

/*
 * Listens on @address:@port (an IPv4/IPv6 literal or host name; NULL or ""
 * for every address). On failure returns NULL with a message in *errmsg
 * (to free()).
 */
xvHttpServer *xvHttpServerNew(struct event_base *base, const char *address,
                              unsigned int port, const xvHttpLimits *limits,
                              const xvScrapeSource *source, char **errmsg);

/*
 * Puts the web configuration @web (web_config.h; NULL: plain HTTP, no
 * auth) in force for the connections accepted and requests read from now
 * on; the server owns it from here and frees the one it replaces.
 * @healthOpen: /-/healthy and /-/ready answer without basic auth (local
 * health checks), still over TLS when TLS is on.
 */
void xvHttpServerSetWeb(xvHttpServer *srv, xvWebConfig *web, bool healthOpen);

/* The web configuration in force, or NULL. */
xvWebConfig *xvHttpServerWeb(const xvHttpServer *srv);

/* New limits for connections accepted from now on. */
void xvHttpServerSetLimits(xvHttpServer *srv, const xvHttpLimits *limits);

/*
 * Listens on one more address (as xvHttpServerNew() does), sharing the
 * server's connections and limits. Returns 0, or -1 with a message in
 * *errmsg (to free()); the server is unchanged then.
 */
int xvHttpServerAddListener(xvHttpServer *srv, const char *address, unsigned int port,
                            char **errmsg);

/*
 * Stops listening on the address of listener @i (see xvHttpServerPortAt);
 * the connections accepted through it stay. The later listeners move down
 * by one.
 */
void xvHttpServerRemoveListener(xvHttpServer *srv, size_t i);

/* How many addresses the server listens on (0 once draining). */
size_t xvHttpServerListenerCount(const xvHttpServer *srv);

/* The port actually bound by listener @i, in the order they were added
 * (useful with port 0 in tests); 0 if there is no such listener. */
unsigned int xvHttpServerPortAt(const xvHttpServer *srv, size_t i);

/* The port of the first listener: xvHttpServerPortAt(srv, 0). */
unsigned int xvHttpServerPort(const xvHttpServer *srv);

/*
 * Serves the metrics at @path (default "/metrics"), which the caller has
 * checked (xvAgentConfCheckTelemetryPath: starts with '/', no query, not
 * another endpoint); "/metrics" is then no longer served.
 */
void xvHttpServerSetTelemetryPath(xvHttpServer *srv, const char *path);

/* Where the metrics are served ("/metrics"), for the landing page and logs. */
const char *xvHttpServerTelemetryPath(const xvHttpServer *srv);

/*
 * Stops accepting connections and calls @done(opaque) from the loop once
 * every reply in progress has been sent, or the write timeout passed.
 */
void xvHttpServerDrain(xvHttpServer *srv, void (*done)(void *opaque), void *opaque);

/* Open connections (tests, metrics). */
unsigned int xvHttpServerConnections(const xvHttpServer *srv);

/* Closes everything; NULL-safe. */
void xvHttpServerFree(xvHttpServer *srv);
