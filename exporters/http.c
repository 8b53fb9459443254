/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* http.c: routing, limits and headers of the agent's HTTP endpoint. */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "util/xvalloc.h"

/* How often released connections are reaped (and a paused listener
 * resumed). */
#define HTTP_SWEEP_MS 200

/* Most bytes handed to one writev(2) of a reply. */
#define HTTP_MAX_SINGLE_WRITE (4u * 1024 * 1024)

struct _xvHttpServer {
    struct event_base *base;
    struct evhttp *http;
    struct evconnlistener *listener;    /* owned by @bound once bound */
    struct evhttp_bound_socket *bound;
    xvHttpLimits limits;
    xvScrapeSource source;
    unsigned int port;
    /*
     * evhttp has no hook for "connection accepted/closed", so each
     * connection's bufferevent is made here (evhttp_set_bevcb) with one
     * extra reference: when evhttp lets go of it, its callbacks are
     * cleared, and the sweep drops the reference, which closes the socket.
     * That counts every open connection, idle ones included.
     */
    struct bufferevent **conns;
    size_t nconns;
    size_t capconns;
    bool paused;                        /* listener disabled at the cap */
    struct event *sweepTimer;
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

/* ---- connection accounting ------------------------------------------- */

static void
httpSweep(xvHttpServer *srv)
{
    size_t i = 0;

    while (i < srv->nconns) {
        struct bufferevent *bev = srv->conns[i];
        bufferevent_data_cb rcb, wcb;
        bufferevent_event_cb ecb;

        bufferevent_getcb(bev, &rcb, &wcb, &ecb, NULL);
        if (rcb || wcb || ecb) {
            i++;
            continue;
        }
        bufferevent_decref(bev);
        srv->conns[i] = srv->conns[--srv->nconns];
    }
    if (srv->paused && !srv->draining && srv->nconns < srv->limits.maxConnections) {
        evconnlistener_enable(srv->listener);
        srv->paused = false;
    }
}

static void
httpSweepTimer(evutil_socket_t fd, short what, void *opaque)
{
    (void)fd;
    (void)what;
    httpSweep(opaque);
}

static struct bufferevent *
httpNewConnection(struct event_base *base, void *opaque)
{
    xvHttpServer *srv = opaque;
    struct bufferevent *bev;

    httpSweep(srv);
    if (!(bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)))
        return NULL;
    /* A client cannot make the agent buffer more than a header's worth. */
    bufferevent_setwatermark(bev, EV_READ, 0, srv->limits.maxHeaderBytes + 4096);
    /* libevent writes at most 16 KiB per call by default: a 2.7 MB scrape
     * (1000 domains x 4 vcpus) took 164 writev + epoll_wait rounds; let the
     * socket buffer be the limit instead */
    bufferevent_set_max_single_write(bev, HTTP_MAX_SINGLE_WRITE);
    if (srv->nconns == srv->capconns) {
        srv->capconns = srv->capconns ? srv->capconns * 2 : 64;
        srv->conns = xvReallocN(srv->conns, srv->capconns, sizeof(*srv->conns));
    }
    bufferevent_incref(bev);
    srv->conns[srv->nconns++] = bev;
    if (srv->nconns >= srv->limits.maxConnections && !srv->paused) {
        evconnlistener_disable(srv->listener);
        srv->paused = true;
    }
    return bev;
}

/* ---- replies --------------------------------------------------------- */

static void
httpReplyDone(struct evhttp_request *req, void *opaque)
{
    xvHttpServer *srv = opaque;
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct timeval tv = httpTimeval(srv->limits.readTimeoutMs);

    /* back to the read timeout for the next request on this connection */
    if (evcon)
        evhttp_connection_set_timeout_tv(evcon, &tv);
    if (srv->inflight > 0)
        srv->inflight--;
    if (srv->draining && srv->inflight == 0 && srv->drainDone)
        event_active(srv->drainTimer, EV_TIMEOUT, 0);
}

/* Sends @buf (may be NULL) with @code; the reply is tracked until sent. */
static void
httpSend(xvHttpServer *srv, struct evhttp_request *req, int code,
         const char *reason, const char *contentType, struct evbuffer *buf)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct timeval tv = httpTimeval(srv->limits.writeTimeoutMs);

    if (contentType)
        evhttp_add_header(out, "Content-Type", contentType);
    /* evhttp (2.1) sends the body of a HEAD reply, with no length: a
     * keep-alive client would read it as the next reply. Announce the
     * length and send none. */
    if (buf && evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
        char len[32];

        snprintf(len, sizeof(len), "%zu", evbuffer_get_length(buf));
        evhttp_add_header(out, "Content-Length", len);
        buf = NULL;
    }
    if (srv->draining)
        evhttp_add_header(out, "Connection", "close");
    if (evcon)
        evhttp_connection_set_timeout_tv(evcon, &tv);
    srv->inflight++;
    evhttp_request_set_on_complete_cb(req, httpReplyDone, srv);
    evhttp_send_reply(req, code, reason, buf);
}

static void
httpSendText(xvHttpServer *srv, struct evhttp_request *req, int code,
             const char *reason, const char *text)
{
    struct evbuffer *buf = evbuffer_new();

    evbuffer_add(buf, text, strlen(text));
    httpSend(srv, req, code, reason, "text/plain; charset=utf-8", buf);
    evbuffer_free(buf);
}

/*
 * The format the scraper asked for: OpenMetrics when its Accept header
 * names application/openmetrics-text without q=0, else text 0.0.4.
 */
static xvPromFormat
httpNegotiate(struct evhttp_request *req)
{
    const char *accept = evhttp_find_header(evhttp_request_get_input_headers(req), "Accept");
    const char *p;

    if (!accept)
        return XV_PROM_FORMAT_TEXT;
    for (p = accept; (p = strcasestr(p, "application/openmetrics-text")); p++) {
        const char *end = strchr(p, ',');
        const char *q = strstr(p, "q=");

        if (q && (!end || q < end) && strtod(q + 2, NULL) <= 0.0)
            continue;
        return XV_PROM_FORMAT_OPENMETRICS;
    }
    return XV_PROM_FORMAT_TEXT;
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

static void
httpServeMetrics(xvHttpServer *srv, struct evhttp_request *req)
{
    xvPromFormat fmt = httpNegotiate(req);
    xvScrapeBody *body = xvAlloc(sizeof(*body));
    xvBuf self = XV_BUF_INIT;
    xvPromSelf stats;
    struct evbuffer *buf;

    if (!srv->source.body(srv->source.opaque, fmt, body)) {
        free(body);
        httpSendText(srv, req, 503, "Service Unavailable",
                     "no sample taken yet: try again in a moment\n");
        return;
    }
    memset(&stats, 0, sizeof(stats));
    srv->source.self(srv->source.opaque, &stats);
    /* the self families are a few hundred bytes: one allocation per scrape */
    xvBufReserve(&self, 2048);
    xvPromRenderSelf(&stats, fmt, &self);
    xvPromRenderEnd(fmt, &self);

    buf = evbuffer_new();
    /* the snapshot's bytes go out as they are: no copy per scrape */
    evbuffer_add_reference(buf, body->data, body->len, httpReleaseBody, body);
    evbuffer_add(buf, self.data ? self.data : "", self.len);
    xvBufFree(&self);
    httpSend(srv, req, 200, "OK", xvPromContentType(fmt), buf);
    evbuffer_free(buf);
}

static const char httpLanding[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>xvirt agent</title></head>\n"
    "<body><h1>xvirt agent</h1>\n"
    "<p>Xen dom0 monitoring and policy agent.</p>\n"
    "<ul><li><a href=\"metrics\">Metrics</a></li>\n"
    "<li><a href=\"-/healthy\">Health</a></li>\n"
    "<li><a href=\"-/ready\">Readiness</a></li></ul>\n"
    "</body></html>\n";

/* Methods served, and every method evhttp parses. */
#define HTTP_READ_METHODS (EVHTTP_REQ_GET | EVHTTP_REQ_HEAD)
#define HTTP_KNOWN_METHODS (EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | \
                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | \
                            EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH)

static void
httpHandle(struct evhttp_request *req, void *opaque)
{
    xvHttpServer *srv = opaque;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

    if (!path || !*path)
        path = "/";
    if (!(evhttp_request_get_command(req) & HTTP_READ_METHODS)) {
        /* RFC 9110 15.5.6: 405 names the methods that would work */
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
        httpSendText(srv, req, 405, "Method Not Allowed",
                     "method not allowed: only GET and HEAD\n");
    } else if (strcmp(path, "/metrics") == 0) {
        httpServeMetrics(srv, req);
    } else if (strcmp(path, "/") == 0) {
        struct evbuffer *buf = evbuffer_new();

        evbuffer_add(buf, httpLanding, sizeof(httpLanding) - 1);
        httpSend(srv, req, 200, "OK", "text/html; charset=utf-8", buf);
        evbuffer_free(buf);
    } else if (strcmp(path, "/-/healthy") == 0) {
        httpSendText(srv, req, 200, "OK", "xvirt-agent is healthy.\n");
    } else if (strcmp(path, "/-/ready") == 0) {
        if (srv->source.ready(srv->source.opaque)) {
            httpSendText(srv, req, 200, "OK", "xvirt-agent is ready.\n");
        } else {
            httpSendText(srv, req, 503, "Service Unavailable",
                         "xvirt-agent has no sample yet.\n");
        }
    } else {
        httpSendText(srv, req, 404, "Not Found", "not found: try /metrics\n");
    }
}

/* ---- life cycle ------------------------------------------------------ */

static void
httpApplyLimits(xvHttpServer *srv)
{
    struct timeval tv = httpTimeval(srv->limits.readTimeoutMs);

    evhttp_set_max_headers_size(srv->http, (ev_ssize_t)srv->limits.maxHeaderBytes);
    evhttp_set_max_body_size(srv->http, 0);
    evhttp_set_timeout_tv(srv->http, &tv);
}

static int
httpListen(xvHttpServer *srv, const char *address, unsigned int port, char **errmsg)
{
    struct evutil_addrinfo hints, *res = NULL;
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
    srv->listener = evconnlistener_new_bind(srv->base, NULL, NULL,
                                            LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
                                            LEV_OPT_CLOSE_ON_EXEC,
                                            128, res->ai_addr, (int)res->ai_addrlen);
    evutil_freeaddrinfo(res);
    if (!srv->listener) {
        int err = EVUTIL_SOCKET_ERROR();

        *errmsg = xvAsprintf("cannot listen on %s:%u: %s",
                             address && *address ? address : "*", port,
                             evutil_socket_error_to_string(err));
        return -1;
    }
    srv->bound = evhttp_bind_listener(srv->http, srv->listener);
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
    struct timeval sweep = httpTimeval(HTTP_SWEEP_MS);

    *errmsg = NULL;
    srv->base = base;
    srv->limits = *limits;
    srv->source = *source;
    if (!(srv->http = evhttp_new(base))) {
        *errmsg = xvStrdup("cannot create the HTTP server");
        goto error;
    }
    /* every method evhttp knows reaches httpHandle, which answers 405 to
     * all but GET and HEAD (evhttp's own refusal is a 501 with no Allow) */
    evhttp_set_allowed_methods(srv->http, HTTP_KNOWN_METHODS);
    evhttp_set_gencb(srv->http, httpHandle, srv);
    evhttp_set_bevcb(srv->http, httpNewConnection, srv);
    httpApplyLimits(srv);
    if (httpListen(srv, address, port, errmsg) < 0)
        goto error;
    srv->port = httpBoundPort(srv->listener);
    srv->sweepTimer = event_new(base, -1, EV_PERSIST, httpSweepTimer, srv);
    srv->drainTimer = event_new(base, -1, 0, httpDrainFinished, srv);
    event_add(srv->sweepTimer, &sweep);
    return srv;

 error:
    xvHttpServerFree(srv);
    return NULL;
}

void
xvHttpServerSetLimits(xvHttpServer *srv, const xvHttpLimits *limits)
{
    srv->limits = *limits;
    httpApplyLimits(srv);
    httpSweep(srv);
}

unsigned int
xvHttpServerPort(const xvHttpServer *srv)
{
    return srv->port;
}

unsigned int
xvHttpServerConnections(const xvHttpServer *srv)
{
    return (unsigned int)srv->nconns;
}

void
xvHttpServerDrain(xvHttpServer *srv, void (*done)(void *opaque), void *opaque)
{
    struct timeval tv = httpTimeval(srv->limits.writeTimeoutMs);

    srv->draining = true;
    srv->drainDone = done;
    srv->drainOpaque = opaque;
    if (srv->bound) {
        /* frees the listener too (LEV_OPT_CLOSE_ON_FREE): nothing new comes in */
        evhttp_del_accept_socket(srv->http, srv->bound);
        srv->bound = NULL;
        srv->listener = NULL;
    }
    /* done at once when idle, else when the last reply is sent, at the
     * latest after the write timeout */
    event_add(srv->drainTimer, srv->inflight == 0 ? NULL : &tv);
    if (srv->inflight == 0)
        event_active(srv->drainTimer, EV_TIMEOUT, 0);
}

void
xvHttpServerFree(xvHttpServer *srv)
{
    size_t i;

    if (!srv)
        return;
    if (srv->sweepTimer)
        event_free(srv->sweepTimer);
    if (srv->drainTimer)
        event_free(srv->drainTimer);
    if (srv->http)
        evhttp_free(srv->http);     /* frees bound listeners and connections */
    else if (srv->listener)
        evconnlistener_free(srv->listener);
    for (i = 0; i < srv->nconns; i++)
        bufferevent_decref(srv->conns[i]);
    free(srv->conns);
    free(srv);
}
