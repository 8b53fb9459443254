/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * http.c: connections, limits, routing and replies of the agent's HTTP
 * endpoint. Each connection is a bufferevent that is either reading a
 * request head or writing one reply; the head is parsed by http_parse.c.
 */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "gzip.h"
#include "http_parse.h"
#include "web.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"
#include "util/xvlog.h"

/* Most bytes handed to one writev(2) of a reply. */
#define HTTP_MAX_SINGLE_WRITE (4u * 1024 * 1024)

/* How long the listener rests after accept(2) failed. */
#define HTTP_ACCEPT_BACKOFF_MS 250

/* At most one log line about accept(2) failures per this. */
#define HTTP_ACCEPT_LOG_EVERY_MS (60u * 1000)

/* How long a connection closed after an error reply still reads (and
 * drops) what the client sends, so the client gets the reply rather than a
 * reset (RFC 9112 9.6). */
#define HTTP_LINGER_MS 2000

/* A client address as counted for the per-address cap: a family byte,
 * then the IPv4 address or the IPv6 /64 prefix. */
#define HTTP_ADDR_KEY_LEN 9

typedef struct _httpConn httpConn;
struct _httpConn {
    xvHttpServer *srv;
    struct bufferevent *bev;
    unsigned char addr[HTTP_ADDR_KEY_LEN];
    httpConn *prev, *next;              /* every open connection */
    httpConn *waitPrev, *waitNext;      /* waiting for a head, oldest first */
    bool waiting;                       /* on the wait list */
    bool writing;                       /* a reply is being sent */
    bool closeAfterReply;
    bool saysKeepAlive;                 /* an HTTP/1.0 client asked to keep it */
    bool lingering;                     /* reply sent, write side shut */
    SSL *ssl;                           /* TLS: the bufferevent's (web.h); else NULL */
    bool local;                         /* the client is on the loopback interface */
    xvHttpPending *pending;             /* a reply the source gives later, or NULL */
    struct event *headTimer;            /* the head deadline, once armed */
    bool headArmed;
    size_t scanned;                     /* input bytes searched for the head's end */
};

struct _xvHttpPending {
    httpConn *c;                        /* NULL once the connection is gone */
    bool head;
};

/* One bound address. A server's listeners share its connections and limits:
 * they are enabled and paused together. */
typedef struct {
    struct evconnlistener *listener;
    unsigned int port;                  /* the port actually bound */
} httpListener;

struct _xvHttpServer {
    struct event_base *base;
    httpListener *listeners;
    size_t nlisteners;
    bool listening;                     /* the listeners are enabled */
    bool backoff;                       /* resting after accept(2) failed */
    struct event *backoffTimer;
    uint64_t acceptLogMs;               /* when the last accept error was logged */
    unsigned long acceptErrorsUnlogged;
    xvHttpLimits limits;
    xvScrapeSource source;
    char *telemetryPath;                /* where the metrics are served */
    xvWebConfig *web;                   /* NULL: plain HTTP, no auth */
    bool healthOpen;                    /* health endpoints skip basic auth */
    httpConn *conns;
    unsigned int nconns;
    httpConn *waitFirst, *waitLast;
    unsigned int inflight;              /* replies queued, not yet sent */
    bool draining;
    void (*drainDone)(void *opaque);
    void *drainOpaque;
    struct event *drainTimer;
};

static struct timeval
httpTimeval(uint64_t ms)
{
    struct timeval tv = { .tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000) * 1000 };

    return tv;
}

/* ---- the listener ------------------------------------------------------ */

/* Listens while nothing stops it: not draining, not resting after an
 * accept error, and either below the cap or with a connection to evict. */
static void
httpUpdateListener(xvHttpServer *srv)
{
    bool want;
    size_t i;

    if (srv->nlisteners == 0)
        return;
    want = !srv->draining && !srv->backoff &&
           (srv->nconns < srv->limits.maxConnections || srv->waitFirst);
    if (want == srv->listening)
        return;
    for (i = 0; i < srv->nlisteners; i++) {
        if (want)
            evconnlistener_enable(srv->listeners[i].listener);
        else
            evconnlistener_disable(srv->listeners[i].listener);
    }
    srv->listening = want;
}

/* Closes every listener. */
static void
httpCloseListeners(xvHttpServer *srv)
{
    size_t i;

    for (i = 0; i < srv->nlisteners; i++)
        evconnlistener_free(srv->listeners[i].listener);
    free(srv->listeners);
    srv->listeners = NULL;
    srv->nlisteners = 0;
}

/* ---- connections ------------------------------------------------------- */

static void
httpWaitRemove(httpConn *c)
{
    xvHttpServer *srv = c->srv;

    if (!c->waiting)
        return;
    if (c->waitPrev)
        c->waitPrev->waitNext = c->waitNext;
    else
        srv->waitFirst = c->waitNext;
    if (c->waitNext)
        c->waitNext->waitPrev = c->waitPrev;
    else
        srv->waitLast = c->waitPrev;
    c->waitPrev = c->waitNext = NULL;
    c->waiting = false;
}

static void
httpWaitAppend(httpConn *c)
{
    xvHttpServer *srv = c->srv;

    c->waitPrev = srv->waitLast;
    c->waitNext = NULL;
    if (srv->waitLast)
        srv->waitLast->waitNext = c;
    else
        srv->waitFirst = c;
    srv->waitLast = c;
    c->waiting = true;
}

static void
httpDrainCheck(xvHttpServer *srv)
{
    if (srv->draining && srv->inflight == 0 && srv->drainDone)
        event_active(srv->drainTimer, EV_TIMEOUT, 0);
}

static void
httpConnFree(httpConn *c)
{
    xvHttpServer *srv = c->srv;

    httpWaitRemove(c);
    if (c->pending)
        c->pending->c = NULL;           /* the source's reply is dropped */
    else if (c->writing && srv->inflight > 0)
        srv->inflight--;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->nconns--;
    event_free(c->headTimer);
    bufferevent_free(c->bev);
    free(c);
    httpUpdateListener(srv);
    httpDrainCheck(srv);
}

static void
httpHeadExpired(evutil_socket_t fd, short what, void *opaque)
{
    (void)fd;
    (void)what;
    /* the head did not arrive in time: no answer, a trickling client
     * would not read it anyway */
    httpConnFree(opaque);
}

static void
httpArmHead(httpConn *c)
{
    struct timeval tv = httpTimeval(c->srv->limits.headerTimeoutMs);

    event_add(c->headTimer, &tv);
    c->headArmed = true;
}

/* The connection waits for a (next) request head. */
static void
httpStartWaiting(httpConn *c)
{
    httpWaitAppend(c);
    c->headArmed = false;
    bufferevent_enable(c->bev, EV_READ);
}

/* The head is complete: the connection is no longer evictable. */
static void
httpStopWaiting(httpConn *c)
{
    httpWaitRemove(c);
    event_del(c->headTimer);
    c->headArmed = false;
}

/* ---- replies ----------------------------------------------------------- */

static const char *
httpReason(int code)
{
    switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/*
 * Queues a reply with @body (moved out; NULL: none) on @c. For HEAD the
 * length of @body is announced and the body dropped. @extra: more header
 * lines, each ending in CRLF, or NULL.
 */
static void
httpSend(httpConn *c, bool head, int code, const char *contentType,
         const char *extra, struct evbuffer *body)
{
    xvHttpServer *srv = c->srv;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    size_t len = body ? evbuffer_get_length(body) : 0;

    char date[64];
    struct tm tm;
    time_t now = time(NULL);

    if (srv->draining)
        c->closeAfterReply = true;
    /* RFC 9110 6.6.1: an origin server with a clock sends Date */
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\n", code, httpReason(code), date);
    if (contentType)
        evbuffer_add_printf(out, "Content-Type: %s\r\n", contentType);
    evbuffer_add_printf(out, "Content-Length: %zu\r\n%s%s%s\r\n", len, extra ? extra : "",
                        srv->web ? xvWebHeaders(srv->web) : "",
                        c->closeAfterReply ? "Connection: close\r\n" :
                        c->saysKeepAlive ? "Connection: keep-alive\r\n" : "");
    if (body && !head)
        evbuffer_add_buffer(out, body);
    c->writing = true;
    srv->inflight++;
    /* nothing more is read until the reply is out (pipelined requests
     * wait in the input buffer) */
    bufferevent_disable(c->bev, EV_READ);
}

static void
httpSendText(httpConn *c, bool head, int code, const char *extra, const char *text)
{
    struct evbuffer *buf = evbuffer_new();

    evbuffer_add(buf, text, strlen(text));
    httpSend(c, head, code, "text/plain; charset=utf-8", extra, buf);
    evbuffer_free(buf);
}

/* An error reply, after which the connection closes. */
static void
httpSendError(httpConn *c, int code, const char *extra, const char *text)
{
    c->closeAfterReply = true;
    httpSendText(c, false, code, extra, text);
}

static void
httpReleaseBody(const void *data, size_t len, void *opaque)
{
    xvScrapeBody *body = opaque;

    (void)data;
    (void)len;
    body->release(body->opaque);
    free(body);
}

/*
 * The coding a scrape gets: gzip when Accept-Encoding gives it a q-value
 * above 0 and at least identity's (RFC 9110 12.5.3: identity is
 * acceptable unless "identity;q=0", or "*;q=0" without naming it).
 */
static xvHttpCoding
httpChooseCoding(const xvHttpRequest *req)
{
    xvHttpSpan ae = { NULL, 0 };
    int gzip, identity;

    if (!xvHttpRequestField(req, "Accept-Encoding", &ae))
        return XV_HTTP_CODING_IDENTITY;
    gzip = xvHttpEncodingQuality(ae.ptr, ae.len, "gzip");
    identity = xvHttpEncodingQuality(ae.ptr, ae.len, "identity");
    if (identity < 0)
        identity = XV_HTTP_Q_MAX;
    return gzip > 0 && gzip >= identity ? XV_HTTP_CODING_GZIP : XV_HTTP_CODING_IDENTITY;
}

/* The per-scrape part of a reply: the self metrics and, for OpenMetrics,
 * its end; for gzip, stored blocks and the trailer ending the stream. */
static void
httpRenderTail(xvHttpServer *srv, xvPromFormat fmt, const xvScrapeBody *body, xvBuf *out)
{
    xvBuf self = XV_BUF_INIT;
    xvPromSelf stats;
    xvGzipOpen gz;

    memset(&stats, 0, sizeof(stats));
    srv->source.self(srv->source.opaque, &stats);
    /* the self families are a few hundred bytes: one allocation per scrape */
    xvBufReserve(&self, 2048);
    xvPromRenderSelf(&stats, fmt, &self);
    xvPromRenderEnd(fmt, &self);
    if (body->coding == XV_HTTP_CODING_IDENTITY) {
        *out = self;
        return;
    }
    gz = (xvGzipOpen){ .data = (char *)body->data, .len = body->len,
                       .crc = body->gzipCrc, .inLen = body->gzipInLen };
    xvBufReserve(out, xvGzipCloseBound(self.len));
    xvGzipClose(&gz, self.data, self.len, out);
    xvBufFree(&self);
}

static void
httpFreeTail(const void *data, size_t len, void *opaque)
{
    (void)len;
    (void)opaque;
    free((void *)data);
}

static void
httpServeMetrics(httpConn *c, const xvHttpRequest *req, bool head)
{
    xvHttpServer *srv = c->srv;
    xvHttpSpan accept = { NULL, 0 };
    xvPromFormat fmt;
    xvScrapeBody *body = xvAlloc(sizeof(*body));
    xvBuf tail = XV_BUF_INIT;
    struct evbuffer *buf;
    char *tailData;
    size_t tailLen;
    bool gzip;

    xvHttpRequestField(req, "Accept", &accept);
    fmt = xvHttpWantsOpenMetrics(accept.ptr, accept.len) ?
          XV_PROM_FORMAT_OPENMETRICS : XV_PROM_FORMAT_TEXT;
    if (!srv->source.body(srv->source.opaque, fmt, httpChooseCoding(req), body)) {
        free(body);
        httpSendText(c, head, 503, NULL, "no sample taken yet: try again in a moment\n");
        return;
    }
    gzip = body->coding == XV_HTTP_CODING_GZIP;
    httpRenderTail(srv, fmt, body, &tail);

    buf = evbuffer_new();
    /* the snapshot's bytes go out as they are: no copy per scrape */
    evbuffer_add_reference(buf, body->data, body->len, httpReleaseBody, body);
    /* the tail too: evbuffer_add() after a big chain would allocate a chain
     * as big as that one for a few hundred bytes (an mmap and munmap of
     * half a megabyte per scrape at 100 domains) */
    tailLen = tail.len;
    tailData = xvBufSteal(&tail, NULL);
    evbuffer_add_reference(buf, tailData, tailLen, httpFreeTail, NULL);
    /* caches must key on both negotiated fields (RFC 9110 12.5.5) */
    httpSend(c, head, 200, xvPromContentType(fmt),
             gzip ? "Content-Encoding: gzip\r\nVary: Accept, Accept-Encoding\r\n"
                  : "Vary: Accept, Accept-Encoding\r\n", buf);
    evbuffer_free(buf);
}

/* The route of @req's path: the telemetry path serves the metrics, and
 * "/metrics" is no route when the telemetry path is another. */
static xvHttpRoute
httpRoute(const xvHttpServer *srv, const xvHttpRequest *req)
{
    xvHttpRoute route;

    if (req->path.len == strlen(srv->telemetryPath) &&
        memcmp(req->path.ptr, srv->telemetryPath, req->path.len) == 0)
        return XV_HTTP_ROUTE_METRICS;
    route = xvHttpRoutePath(req->path.ptr, req->path.len);
    return route == XV_HTTP_ROUTE_METRICS ? XV_HTTP_ROUTE_NOT_FOUND : route;
}

/* Replies with what the source rendered into @text, a page, a line or a
 * node dump, with the header lines @extra (NULL: none). */
static void
httpSendRendered(httpConn *c, bool head, int code, const char *contentType,
                 const char *extra, xvBuf *text)
{
    struct evbuffer *buf = evbuffer_new();

    evbuffer_add(buf, text->data ? text->data : "", text->len);
    httpSend(c, head, code, contentType, extra, buf);
    evbuffer_free(buf);
}

/* The landing page, rendered per request from the source's state. */
static void
httpServeLanding(httpConn *c, bool head)
{
    xvBuf page = XV_BUF_INIT;

    c->srv->source.landing(c->srv->source.opaque, c->srv->telemetryPath, &page);
    httpSendRendered(c, head, 200, "text/html; charset=utf-8", NULL, &page);
    xvBufFree(&page);
}

static void
httpServeReady(httpConn *c, bool head)
{
    xvBuf reason = XV_BUF_INIT;

    if (c->srv->source.ready(c->srv->source.opaque, &reason)) {
        httpSendText(c, head, 200, NULL, "xvirt-agent is ready.\n");
    } else {
        xvBufAddStr(&reason, "\n");
        httpSendRendered(c, head, 503, "text/plain; charset=utf-8", NULL, &reason);
    }
    xvBufFree(&reason);
}

/*
 * /debug/nodedump: the whole host, so only for a client on this host or
 * one that proved who it is (basic auth, checked before). The connection
 * then waits for the source's reply, reading nothing more.
 */
static void
httpServeNodeDump(httpConn *c, const xvHttpRequest *req, bool head)
{
    xvHttpServer *srv = c->srv;
    xvHttpPending *p;

    if (!srv->source.nodedump) {
        httpSendText(c, head, 404, NULL, "not found: no node dump here\n");
        return;
    }
    if (!c->local && !(srv->web && xvWebNeedsAuth(srv->web))) {
        httpSendText(c, head, 403, NULL, "forbidden: the node dump is served to clients on "
                     "this host, or to any with basic auth (listen.web_config_file)\n");
        return;
    }
    p = xvAlloc(sizeof(*p));
    p->c = c;
    p->head = head;
    c->pending = p;
    c->writing = true;                  /* nothing else is read meanwhile */
    bufferevent_disable(c->bev, EV_READ);
    srv->source.nodedump(srv->source.opaque, req->target.ptr, req->target.len, head, p);
}

bool
xvHttpPendingAlive(const xvHttpPending *p)
{
    return p->c != NULL;
}

void
xvHttpPendingFinish(xvHttpPending *p, int code, const char *contentType, const char *extra,
                    xvBuf *body)
{
    httpConn *c = p->c;

    if (c) {
        c->pending = NULL;
        c->writing = false;
        if (code != 200)
            c->closeAfterReply = true;
        httpSendRendered(c, p->head, code, contentType, extra, body);
    }
    xvBufClear(body);
    free(p);
}

/*
 * What the web configuration asks of a request before it is answered:
 * under the rate limit (429), and with basic auth credentials that match
 * (401, the same whichever part was wrong), except for the health
 * endpoints when they are left open. False when an answer was sent.
 */
static bool
httpAdmitted(httpConn *c, const xvHttpRequest *req, xvHttpRoute route)
{
    xvHttpServer *srv = c->srv;
    xvHttpSpan auth = { NULL, 0 };
    uint64_t now = xvClockMonoMs();

    if (!srv->web)
        return true;
    if (!xvWebAdmit(srv->web, now)) {
        httpSendText(c, false, 429, "Retry-After: 1\r\n", "too many requests\n");
        return false;
    }
    if (!xvWebNeedsAuth(srv->web) ||
        (srv->healthOpen && (route == XV_HTTP_ROUTE_HEALTHY || route == XV_HTTP_ROUTE_READY)))
        return true;
    xvHttpRequestField(req, "Authorization", &auth);
    switch (xvWebAuthorize(srv->web, auth.ptr, auth.len, now)) {
    case XV_WEB_AUTH_OK:
        return true;
    case XV_WEB_AUTH_BUSY:
        httpSendText(c, false, 429, "Retry-After: 1\r\n", "too many logins: try again\n");
        return false;
    case XV_WEB_AUTH_DENIED:
    default:
        httpSendText(c, false, 401, "WWW-Authenticate: Basic realm=\"xvirt-agent\", "
                     "charset=\"UTF-8\"\r\n", "unauthorized\n");
        return false;
    }
}

/* Answers a well-formed request. */
static void
httpHandle(httpConn *c, const xvHttpRequest *req)
{
    const xvHttpServer *srv = c->srv;
    bool head = req->method == XV_HTTP_METHOD_HEAD;
    xvHttpRoute route;

    if (!req->keepAlive || req->hasBody)
        c->closeAfterReply = true;      /* a body is never read */
    /* HTTP/1.0 closes by default: a kept connection is said so */
    c->saysKeepAlive = req->minorVersion == 0 && req->keepAlive;
    if (req->method == XV_HTTP_METHOD_UNKNOWN) {
        httpSendError(c, 501, NULL, "not implemented: only GET and HEAD\n");
        return;
    }
    if (req->method == XV_HTTP_METHOD_OTHER) {
        /* RFC 9110 15.5.6: 405 names the methods that would work */
        httpSendText(c, false, 405, "Allow: GET, HEAD\r\n",
                     "method not allowed: only GET and HEAD\n");
        return;
    }
    if (req->hasBody) {
        httpSendError(c, 413, NULL, "request bodies are not accepted\n");
        return;
    }
    route = httpRoute(srv, req);
    if (!httpAdmitted(c, req, route))
        return;
    switch (route) {
    case XV_HTTP_ROUTE_METRICS:
        httpServeMetrics(c, req, head);
        break;
    case XV_HTTP_ROUTE_ROOT:
        httpServeLanding(c, head);
        break;
    case XV_HTTP_ROUTE_HEALTHY:
        httpSendText(c, head, 200, NULL, "xvirt-agent is healthy.\n");
        break;
    case XV_HTTP_ROUTE_READY:
        httpServeReady(c, head);
        break;
    case XV_HTTP_ROUTE_NODEDUMP:
        httpServeNodeDump(c, req, head);
        break;
    case XV_HTTP_ROUTE_NOT_FOUND:
    default: {
        char *text = xvAsprintf("not found: try %s\n", srv->telemetryPath);

        httpSendText(c, head, 404, NULL, text);
        free(text);
        break;
    }
    }
}

static const char *
httpErrorText(int code)
{
    switch (code) {
    case 431: return "request header too large\n";
    case 505: return "HTTP version not supported: only HTTP/1.0 and HTTP/1.1\n";
    default: return "bad request\n";
    }
}

/* Reads a request head from the input, if a whole one is there. */
static void
httpConnProcess(httpConn *c)
{
    size_t maxHead = c->srv->limits.maxHeaderBytes;
    struct evbuffer *in = bufferevent_get_input(c->bev);
    size_t len = evbuffer_get_length(in);
    size_t n = len < maxHead ? len : maxHead;
    size_t from, headLen;
    const char *data;
    xvHttpRequest req;
    int rc;

    if (c->writing || len == 0)
        return;
    /* a kept-alive connection's deadline starts with its first byte */
    if (!c->headArmed)
        httpArmHead(c);
    data = (const char *)evbuffer_pullup(in, (ev_ssize_t)n);
    /* a head arriving in small pieces is searched once, not once per
     * piece: only from just before where the last search stopped (the
     * empty line is at most 3 bytes) */
    from = c->scanned > 3 ? c->scanned - 3 : 0;
    headLen = xvHttpFindHeadEnd(data + from, n - from);
    c->scanned = n;
    if (headLen > 0)
        headLen += from;
    if (headLen == 0) {
        if (len >= maxHead) {
            httpStopWaiting(c);
            httpSendError(c, 431, NULL, httpErrorText(431));
        }
        return;
    }
    httpStopWaiting(c);
    if ((rc = xvHttpParseRequest(data, headLen, &req)) != 0)
        httpSendError(c, rc, NULL, httpErrorText(rc));
    else
        httpHandle(c, &req);
    /* @req points into the input: dropped only now */
    evbuffer_drain(in, headLen);
    c->scanned = 0;
    httpUpdateListener(c->srv);
}

static void
httpConnRead(struct bufferevent *bev, void *opaque)
{
    httpConn *c = opaque;

    if (c->lingering)
        evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
    else
        httpConnProcess(c);
}

/*
 * Closes after a reply the client may still be sending into: shuts the
 * write side, then drops what arrives until the client closes, for
 * HTTP_LINGER_MS at most. The connection stays evictable meanwhile.
 */
static void
httpLinger(httpConn *c)
{
    struct timeval tv = httpTimeval(HTTP_LINGER_MS);
    struct evbuffer *in = bufferevent_get_input(c->bev);

    c->lingering = true;
    evbuffer_drain(in, evbuffer_get_length(in));
    /* TLS: the close_notify alert first, so the client sees a clean end */
    if (c->ssl)
        xvWebTLSShutdown(c->ssl);
    shutdown(bufferevent_getfd(c->bev), SHUT_WR);
    bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
    bufferevent_set_timeouts(c->bev, &tv, NULL);
    httpWaitAppend(c);
    event_add(c->headTimer, &tv);
    bufferevent_enable(c->bev, EV_READ);
}

/* The output buffer is empty: the reply has been sent. */
static void
httpConnWritten(struct bufferevent *bev, void *opaque)
{
    httpConn *c = opaque;
    xvHttpServer *srv = c->srv;

    (void)bev;
    if (!c->writing)
        return;
    c->writing = false;
    if (srv->inflight > 0)
        srv->inflight--;
    if (srv->draining) {
        httpConnFree(c);                /* counts toward the drain */
        return;
    }
    if (c->closeAfterReply) {
        httpLinger(c);
        return;
    }
    httpStartWaiting(c);
    httpUpdateListener(srv);
    httpDrainCheck(srv);
    httpConnProcess(c);                 /* a pipelined request may wait */
}

static void
httpConnEvent(struct bufferevent *bev, short what, void *opaque)
{
    httpConn *c = opaque;

    (void)bev;
    /* the TLS handshake is done: a client certificate must also carry an
     * allowed name, when the web configuration lists some */
    if (what == BEV_EVENT_CONNECTED &&
        (!c->srv->web || xvWebPeerAllowed(c->srv->web, c->ssl)))
        return;
    /* end of file, an error (a failed handshake among them), or the read
     * (idle) or write timeout */
    httpConnFree(c);
}

/* A bufferevent for @fd: TLS when the web configuration says so. */
static struct bufferevent *
httpConnBufferevent(xvHttpServer *srv, httpConn *c, evutil_socket_t fd)
{
    int one = 1;

    /* a reply goes out in several writes (TLS: a record each); without
     * this, Nagle holds the last small one until the client's delayed ACK,
     * 40 ms (bench/RESULTS.md, gzip and TLS) */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (srv->web)
        xvWebRefresh(srv->web);             /* changed files count from now */
    if (!srv->web || !xvWebUsesTLS(srv->web))
        return bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    return xvWebTLSBufferevent(srv->web, srv->base, fd, &c->ssl);
}

/* The key of the per-address cap: IPv4 address, or IPv6 /64 prefix
 * (an IPv4-mapped IPv6 address counts as its IPv4 one). */
static void
httpAddrKey(const struct sockaddr *sa, unsigned char key[HTTP_ADDR_KEY_LEN])
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

    memset(key, 0, HTTP_ADDR_KEY_LEN);
    if (sa->sa_family == AF_INET) {
        key[0] = 4;
        memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;

        if (memcmp(a, mapped, sizeof(mapped)) == 0) {
            key[0] = 4;
            memcpy(key + 1, a + 12, 4);
        } else {
            key[0] = 6;
            memcpy(key + 1, a, 8);
        }
    }
}

/* The connection from @key that has waited longest for its head, or the
 * longest-waiting of all (@key NULL); NULL if none waits. */
static httpConn *
httpOldestWaiting(xvHttpServer *srv, const unsigned char *key)
{
    httpConn *c;

    for (c = srv->waitFirst; c; c = c->waitNext) {
        if (!key || memcmp(c->addr, key, HTTP_ADDR_KEY_LEN) == 0)
            return c;
    }
    return NULL;
}

static unsigned int
httpCountFrom(xvHttpServer *srv, const unsigned char *key)
{
    unsigned int n = 0;
    httpConn *c;

    for (c = srv->conns; c; c = c->next) {
        if (memcmp(c->addr, key, HTTP_ADDR_KEY_LEN) == 0)
            n++;
    }
    return n;
}

/*
 * Makes room for one more connection from @key under both caps, evicting
 * connections still waiting for their head; false when it cannot.
 */
static bool
httpMakeRoom(xvHttpServer *srv, const unsigned char *key)
{
    httpConn *victim;

    if (httpCountFrom(srv, key) >= srv->limits.maxConnectionsPerAddress) {
        if (!(victim = httpOldestWaiting(srv, key)))
            return false;
        httpConnFree(victim);
    }
    while (srv->nconns >= srv->limits.maxConnections) {
        if (!(victim = httpOldestWaiting(srv, NULL)))
            return false;
        httpConnFree(victim);
    }
    return true;
}

/* 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address. */
static bool
httpIsLoopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) ==
               127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

static void
httpAccept(struct evconnlistener *listener, evutil_socket_t fd,
           struct sockaddr *sa, int salen, void *opaque)
{
    xvHttpServer *srv = opaque;
    struct timeval rtv = httpTimeval(srv->limits.readTimeoutMs);
    struct timeval wtv = httpTimeval(srv->limits.writeTimeoutMs);
    unsigned char key[HTTP_ADDR_KEY_LEN];
    httpConn *c;

    (void)listener;
    (void)salen;
    httpAddrKey(sa, key);
    if (srv->draining || !httpMakeRoom(srv, key)) {
        evutil_closesocket(fd);
        httpUpdateListener(srv);
        return;
    }
    c = xvAlloc(sizeof(*c));
    c->srv = srv;
    memcpy(c->addr, key, sizeof(key));
    c->local = httpIsLoopback(sa);
    if (!(c->bev = httpConnBufferevent(srv, c, fd))) {
        evutil_closesocket(fd);
        free(c);
        return;
    }
    c->headTimer = evtimer_new(srv->base, httpHeadExpired, c);
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->nconns++;
    /* a client cannot make the agent buffer more than a header's worth */
    bufferevent_setwatermark(c->bev, EV_READ, 0, srv->limits.maxHeaderBytes + 1);
    /* libevent writes at most 16 KiB per call by default: a 2.7 MB scrape
     * (1000 domains x 4 vcpus) took 164 writev + epoll_wait rounds; let the
     * socket buffer be the limit instead */
    bufferevent_set_max_single_write(c->bev, HTTP_MAX_SINGLE_WRITE);
    bufferevent_setcb(c->bev, httpConnRead, httpConnWritten, httpConnEvent, c);
    bufferevent_set_timeouts(c->bev, &rtv, &wtv);
    httpStartWaiting(c);
    /* the first head's deadline counts from the connection's start */
    httpArmHead(c);
    httpUpdateListener(srv);
}

static void
httpBackoffOver(evutil_socket_t fd, short what, void *opaque)
{
    xvHttpServer *srv = opaque;

    (void)fd;
    (void)what;
    srv->backoff = false;
    httpUpdateListener(srv);
}

/* accept(2) failed for a reason other than a client gone (libevent
 * retries those itself): out of descriptors or memory, most likely. Rest
 * the listener a moment rather than spin on the same error, and free the
 * descriptor of the connection that has waited longest for its head, so
 * the next accept can succeed. */
static void
httpAcceptError(struct evconnlistener *listener, void *opaque)
{
    xvHttpServer *srv = opaque;
    int err = EVUTIL_SOCKET_ERROR();
    struct timeval tv = httpTimeval(HTTP_ACCEPT_BACKOFF_MS);
    uint64_t now = xvClockMonoMs();

    (void)listener;
    srv->backoff = true;
    httpUpdateListener(srv);
    if (srv->waitFirst)
        httpConnFree(srv->waitFirst);
    event_add(srv->backoffTimer, &tv);
    if (srv->acceptLogMs && now - srv->acceptLogMs < HTTP_ACCEPT_LOG_EVERY_MS) {
        srv->acceptErrorsUnlogged++;
        return;
    }
    xvLogWarning("http: cannot accept connections: %s (%u open); pausing %d ms at a time, "
                 "%lu more such errors since the last report",
                 evutil_socket_error_to_string(err), srv->nconns, HTTP_ACCEPT_BACKOFF_MS,
                 srv->acceptErrorsUnlogged);
    srv->acceptLogMs = now ? now : 1;
    srv->acceptErrorsUnlogged = 0;
}

/* ---- life cycle -------------------------------------------------------- */

unsigned int
xvHttpFitFileLimit(unsigned int want, char **note)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)want + XV_HTTP_FD_RESERVE;
    rlim_t old;

    *note = NULL;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
        rl.rlim_cur >= need)
        return want;
    old = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
    if (rl.rlim_cur > old && setrlimit(RLIMIT_NOFILE, &rl) < 0)
        rl.rlim_cur = old;
    if (rl.rlim_cur >= need) {
        *note = xvAsprintf("raised the open-file limit from %llu to %llu for "
                           "max_connections %u", (unsigned long long)old,
                           (unsigned long long)rl.rlim_cur, want);
        return want;
    }
    {
        unsigned int fit = rl.rlim_cur > XV_HTTP_FD_RESERVE + 1 ?
                           (unsigned int)(rl.rlim_cur - XV_HTTP_FD_RESERVE) : 1;

        *note = xvAsprintf("max_connections %u does not fit the open-file limit %llu "
                           "(%d kept for the agent's files): serving at most %u",
                           want, (unsigned long long)rl.rlim_cur, XV_HTTP_FD_RESERVE, fit);
        return fit;
    }
}

static unsigned int httpBoundPort(struct evconnlistener *listener);

/* Binds one more listener on @address:@port; it starts as the others are
 * (enabled or paused). */
static int
httpListen(xvHttpServer *srv, const char *address, unsigned int port, char **errmsg)
{
    struct evutil_addrinfo hints, *res = NULL;
    struct evconnlistener *listener;
    char portstr[16];
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
    snprintf(portstr, sizeof(portstr), "%u", port);
    if ((rc = evutil_getaddrinfo(address && *address ? address : NULL, portstr,
                                 &hints, &res)) != 0) {
        *errmsg = xvAsprintf("cannot resolve listen address '%s': %s",
                             address ? address : "", evutil_gai_strerror(rc));
        return -1;
    }
    listener = evconnlistener_new_bind(srv->base, httpAccept, srv,
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
                                       LEV_OPT_CLOSE_ON_EXEC,
                                       128, res->ai_addr, (int)res->ai_addrlen);
    evutil_freeaddrinfo(res);
    if (!listener) {
        int err = EVUTIL_SOCKET_ERROR();

        *errmsg = xvAsprintf("cannot listen on %s:%u: %s",
                             address && *address ? address : "*", port,
                             evutil_socket_error_to_string(err));
        return -1;
    }
    evconnlistener_set_error_cb(listener, httpAcceptError);
    srv->listeners = xvReallocN(srv->listeners, srv->nlisteners + 1, sizeof(*srv->listeners));
    srv->listeners[srv->nlisteners].listener = listener;
    srv->listeners[srv->nlisteners].port = httpBoundPort(listener);
    srv->nlisteners++;
    if (srv->nlisteners == 1)
        srv->listening = true;
    else if (!srv->listening)
        evconnlistener_disable(listener);
    return 0;
}

static unsigned int
httpBoundPort(struct evconnlistener *listener)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void
httpDrainFinished(evutil_socket_t fd, short what, void *opaque)
{
    xvHttpServer *srv = opaque;
    void (*done)(void *) = srv->drainDone;

    (void)fd;
    (void)what;
    srv->drainDone = NULL;
    if (done)
        done(srv->drainOpaque);
}

xvHttpServer *
xvHttpServerNew(struct event_base *base, const char *address, unsigned int port,
                const xvHttpLimits *limits, const xvScrapeSource *source,
                char **errmsg)
{
    xvHttpServer *srv = xvAlloc(sizeof(*srv));

    *errmsg = NULL;
    srv->base = base;
    srv->limits = *limits;
    srv->source = *source;
    srv->telemetryPath = xvStrdup("/metrics");
    if (httpListen(srv, address, port, errmsg) < 0)
        goto error;
    srv->drainTimer = event_new(base, -1, 0, httpDrainFinished, srv);
    srv->backoffTimer = evtimer_new(base, httpBackoffOver, srv);
    return srv;

 error:
    xvHttpServerFree(srv);
    return NULL;
}

void
xvHttpServerSetWeb(xvHttpServer *srv, xvWebConfig *web, bool healthOpen)
{
    if (web != srv->web)
        xvWebFree(srv->web);
    srv->web = web;
    srv->healthOpen = healthOpen;
}

xvWebConfig *
xvHttpServerWeb(const xvHttpServer *srv)
{
    return srv->web;
}

void
xvHttpServerSetLimits(xvHttpServer *srv, const xvHttpLimits *limits)
{
    srv->limits = *limits;
    httpUpdateListener(srv);
}

int
xvHttpServerAddListener(xvHttpServer *srv, const char *address, unsigned int port,
                        char **errmsg)
{
    *errmsg = NULL;
    if (srv->draining) {
        *errmsg = xvStrdup("the server is shutting down");
        return -1;
    }
    return httpListen(srv, address, port, errmsg);
}

void
xvHttpServerRemoveListener(xvHttpServer *srv, size_t i)
{
    if (i >= srv->nlisteners)
        return;
    evconnlistener_free(srv->listeners[i].listener);
    memmove(&srv->listeners[i], &srv->listeners[i + 1],
            (srv->nlisteners - i - 1) * sizeof(*srv->listeners));
    srv->nlisteners--;
}

size_t
xvHttpServerListenerCount(const xvHttpServer *srv)
{
    return srv->nlisteners;
}

unsigned int
xvHttpServerPortAt(const xvHttpServer *srv, size_t i)
{
    return i < srv->nlisteners ? srv->listeners[i].port : 0;
}

unsigned int
xvHttpServerPort(const xvHttpServer *srv)
{
    return xvHttpServerPortAt(srv, 0);
}

void
xvHttpServerSetTelemetryPath(xvHttpServer *srv, const char *path)
{
    free(srv->telemetryPath);
    srv->telemetryPath = xvStrdup(path);
}

const char *
xvHttpServerTelemetryPath(const xvHttpServer *srv)
{
    return srv->telemetryPath;
}

unsigned int
xvHttpServerConnections(const xvHttpServer *srv)
{
    return srv->nconns;
}

void
xvHttpServerDrain(xvHttpServer *srv, void (*done)(void *opaque), void *opaque)
{
    struct timeval tv = httpTimeval(srv->limits.writeTimeoutMs);

    srv->draining = true;
    srv->drainDone = done;
    srv->drainOpaque = opaque;
    httpCloseListeners(srv);
    /* done at once when idle, else when the last reply is sent, at the
     * latest after the write timeout */
    event_add(srv->drainTimer, srv->inflight == 0 ? NULL : &tv);
    if (srv->inflight == 0)
        event_active(srv->drainTimer, EV_TIMEOUT, 0);
}

void
xvHttpServerFree(xvHttpServer *srv)
{
    if (!srv)
        return;
    srv->draining = true;               /* no listener updates from here */
    httpCloseListeners(srv);
    srv->drainDone = NULL;
    while (srv->conns)
        httpConnFree(srv->conns);
    if (srv->drainTimer)
        event_free(srv->drainTimer);
    if (srv->backoffTimer)
        event_free(srv->backoffTimer);
    free(srv->telemetryPath);
    xvWebFree(srv->web);
    free(srv);
}
