/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_control.c: the test control of the stepped clock, HTTP on a UNIX socket. */
#include "test_control.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "src/conf/conf_value.h"
#include "util/xvalloc.h"

/* The test decides how long an answer takes (a hung call): no timeout
 * that a test could meet. */
#define CTL_TIMEOUT_S 3600

/* A request answered once the sampler is idle with @minSeq published. */
typedef struct _ctlPending ctlPending;
struct _ctlPending {
    struct evhttp_request *req;
    uint64_t minSeq;
    ctlPending *next;
};

struct _xvTestControl {
    struct event_base *base;
    struct evhttp *http;
    char *path;
    xvAgentClock *clock;
    xvTestControlSource source;
    xvWorker *worker;
    struct event *idleEvent;    /* the sampler went idle */
    ctlPending *pending;
};

static void
ctlSend(struct evhttp_request *req, int code, const char *reason, const char *body)
{
    struct evbuffer *buf = evbuffer_new();

    if (!buf)
        abort();
    evbuffer_add(buf, body, strlen(body));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; charset=utf-8");
    evhttp_send_reply(req, code, reason, buf);
    evbuffer_free(buf);
}

/* Answers @req with where the sampler and the clock stand. */
static void
ctlAnswer(xvTestControl *ctl, struct evhttp_request *req, const xvWorkerProgress *p)
{
    uint64_t start = xvAgentClockStartNs(ctl->clock);
    uint64_t seq = ctl->source.served(ctl->source.opaque);
    char line[256];

    snprintf(line, sizeof(line), "seq=%llu time_ns=%llu next_ns=%llu real_ms=%llu busy=%d\n",
             (unsigned long long)seq,
             (unsigned long long)(xvAgentClockMonoNs(ctl->clock) - start),
             (unsigned long long)(p->nextNs > start ? p->nextNs - start : 0),
             (unsigned long long)(xvAgentClockRealNs(ctl->clock) / 1000000u),
             p->sampling ? 1 : 0);
    ctlSend(req, HTTP_OK, "OK", line);
}

/* Answers the pending requests whose samples are done, if the sampler is
 * idle. */
static void
ctlCheck(xvTestControl *ctl)
{
    ctlPending **pp = &ctl->pending;
    xvWorkerProgress p;

    if (!ctl->pending)
        return;
    xvWorkerGetProgress(ctl->worker, &p);
    if (!p.idle)
        return;
    while (*pp) {
        ctlPending *q = *pp;

        if (p.published < q->minSeq) {
            pp = &q->next;
            continue;
        }
        *pp = q->next;
        ctlAnswer(ctl, q->req, &p);
        free(q);
    }
}

static void
ctlOnIdle(evutil_socket_t fd, short what, void *opaque)
{
    (void)fd;
    (void)what;
    ctlCheck(opaque);
}

/* Sampler thread, its lock held: only wakes the loop. */
static void
ctlIdleHook(void *opaque)
{
    xvTestControl *ctl = opaque;

    event_active(ctl->idleEvent, EV_READ, 0);
}

static void
ctlDefer(xvTestControl *ctl, struct evhttp_request *req, uint64_t minSeq)
{
    ctlPending *q = xvAlloc(sizeof(*q));

    q->req = req;
    q->minSeq = minSeq;
    q->next = ctl->pending;
    ctl->pending = q;
    ctlCheck(ctl);
}

/* The by=DUR parameter of @uri, in ns; false (answered 400) if absent or
 * not a duration. */
static bool
ctlDuration(struct evhttp_request *req, const struct evhttp_uri *uri, uint64_t *retNs)
{
    struct evkeyvalq params;
    const char *query = evhttp_uri_get_query(uri);
    const char *by;
    uint64_t ms;
    bool ok = false;

    TAILQ_INIT(&params);
    if (query && evhttp_parse_query_str(query, &params) == 0 &&
        (by = evhttp_find_header(&params, "by")) && xvConfParseDuration(by, &ms) == 0 &&
        ms <= UINT64_MAX / 1000000u) {
        *retNs = ms * 1000000u;
        ok = true;
    }
    evhttp_clear_headers(&params);
    if (!ok)
        ctlSend(req, HTTP_BADREQUEST, "Bad Request",
                "expected by=DURATION (an integer and ms, s, m or h)\n");
    return ok;
}

static void
ctlHandle(struct evhttp_request *req, void *opaque)
{
    xvTestControl *ctl = opaque;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    xvWorkerProgress p;
    uint64_t ns;

    if (!path || !ctl->worker) {
        ctlSend(req, HTTP_NOTFOUND, "Not Found", "no such control\n");
        return;
    }
    if (strcmp(path, "/status") == 0) {
        xvWorkerGetProgress(ctl->worker, &p);
        ctlAnswer(ctl, req, &p);
    } else if (strcmp(path, "/advance") == 0) {
        if (!ctlDuration(req, uri, &ns))
            return;
        xvWorkerAdvance(ctl->worker, ns);
        ctlDefer(ctl, req, 0);
    } else if (strcmp(path, "/sample") == 0) {
        ctlDefer(ctl, req, xvWorkerKick(ctl->worker));
    } else if (strcmp(path, "/pass") == 0) {
        if (!ctlDuration(req, uri, &ns))
            return;
        xvWorkerPass(ctl->worker, ns);
        xvWorkerGetProgress(ctl->worker, &p);
        ctlAnswer(ctl, req, &p);
    } else {
        ctlSend(req, HTTP_NOTFOUND, "Not Found",
                "no such control (status, advance, sample, pass)\n");
    }
}

/* A listening UNIX socket at @path, mode 0600, or -1 with *errmsg. */
static int
ctlListen(const char *path, char **errmsg)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    mode_t mask;
    int fd, rc;

    if (path[0] != '/') {
        *errmsg = xvAsprintf("'%s' is not an absolute path", path);
        return -1;
    }
    if (strlen(path) >= sizeof(sa.sun_path)) {
        *errmsg = xvAsprintf("'%s' is too long for a socket path", path);
        return -1;
    }
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *errmsg = xvAsprintf("'%s' exists and is not a socket", path);
            return -1;
        }
        unlink(path);
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        *errmsg = xvAsprintf("cannot create a socket for '%s': %s", path, strerror(errno));
        return -1;
    }
    /* no thread runs yet: the mask changes nobody else's files */
    mask = umask(0177);
    rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(mask);
    if (rc < 0 || listen(fd, 16) < 0) {
        *errmsg = xvAsprintf("cannot listen on '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

xvTestControl *
xvTestControlNew(struct event_base *base, const char *path, xvAgentClock *clock,
                 const xvTestControlSource *source, char **errmsg)
{
    xvTestControl *ctl = xvAlloc(sizeof(*ctl));
    int fd;

    ctl->path = xvStrdup(path);
    ctl->base = base;
    ctl->clock = clock;
    ctl->source = *source;
    if ((fd = ctlListen(path, errmsg)) < 0) {
        free(ctl->path);
        free(ctl);
        return NULL;
    }
    if (!(ctl->http = evhttp_new(base)) ||
        !(ctl->idleEvent = event_new(base, -1, 0, ctlOnIdle, ctl)) ||
        !evhttp_accept_socket_with_handle(ctl->http, fd)) {
        *errmsg = xvAsprintf("cannot serve '%s'", path);
        close(fd);
        xvTestControlFree(ctl);
        return NULL;
    }
    evhttp_set_timeout(ctl->http, CTL_TIMEOUT_S);
    evhttp_set_allowed_methods(ctl->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
    evhttp_set_gencb(ctl->http, ctlHandle, ctl);
    return ctl;
}

void
xvTestControlAttach(xvTestControl *ctl, xvWorker *worker)
{
    ctl->worker = worker;
    xvWorkerSetIdleHook(worker, ctlIdleHook, ctl);
}

void
xvTestControlFree(xvTestControl *ctl)
{
    if (!ctl)
        return;
    if (ctl->worker)
        xvWorkerSetIdleHook(ctl->worker, NULL, NULL);
    while (ctl->pending) {
        ctlPending *q = ctl->pending;

        ctl->pending = q->next;
        ctlSend(q->req, HTTP_SERVUNAVAIL, "Service Unavailable", "the agent is stopping\n");
        free(q);
    }
    if (ctl->http)
        evhttp_free(ctl->http);
    if (ctl->idleEvent)
        event_free(ctl->idleEvent);
    unlink(ctl->path);
    free(ctl->path);
    free(ctl);
}
