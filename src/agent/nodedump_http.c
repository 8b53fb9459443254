/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodedump_http.c: GET /debug/nodedump, a node dump taken in a thread of its own. */
#include "config.h"

#include "nodedump_http.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "exporters/http_parse.h"
#include "src/nodedump/nodedump.h"
#include "util/xvalloc.h"
#include "util/xvbuf.h"
#include "util/xvclock.h"
#include "util/xvlog.h"
#include "util/xvunits.h"

#define ND_DEFAULT_SAMPLES 5
#define ND_MAX_SAMPLES 60
#define ND_DEFAULT_INTERVAL_MS 1000
#define ND_MIN_INTERVAL_MS 100
#define ND_MAX_INTERVAL_MS 60000
/* a dump holds a connection and a client: minutes, not hours */
#define ND_MAX_SPAN_MS (5 * 60 * 1000)

/* One dump, shared by its thread and the loop (two references while the
 * thread runs). */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;        /* the sleep between samples ends early */
    int refs;
    bool stopping;              /* the agent stops: no reply, no more sleep */
    char *uri;
    unsigned int samples;
    uint64_t intervalMs;
    char *text;                 /* the node file, once done */
    char *error;                /* or why there is none */
    struct event *done;         /* loop: fired by the thread when it ends */
    xvHttpPending *pending;     /* loop only */
} ndJob;

struct _xvNodeDumpHttp {
    struct event_base *base;
    ndJob *job;                 /* the dump in progress, or NULL */
};

static void
ndJobUnref(ndJob *job)
{
    bool last;

    pthread_mutex_lock(&job->lock);
    last = --job->refs == 0;
    pthread_mutex_unlock(&job->lock);
    if (!last)
        return;
    pthread_mutex_destroy(&job->lock);
    pthread_cond_destroy(&job->wake);
    free(job->uri);
    free(job->text);
    free(job->error);
    free(job);
}

/* The dump's sleep between samples: until @monoNs, or until the agent stops. */
static bool
ndJobSleepUntil(uint64_t monoNs, void *opaque)
{
    ndJob *job = opaque;
    struct timespec ts = xvClockTimespec(monoNs);
    bool go;

    pthread_mutex_lock(&job->lock);
    while (!job->stopping && xvClockMonoNs() < monoNs)
        pthread_cond_timedwait(&job->wake, &job->lock, &ts);
    go = !job->stopping;
    pthread_mutex_unlock(&job->lock);
    return go;
}

/* The thread: its own read-only connection, the dump, then the loop told. */
static void *
ndJobMain(void *opaque)
{
    ndJob *job = opaque;
    xvNodeDumpHooks hooks = {
        .program = "xvirt-agent (/debug/nodedump)", .sleepUntil = ndJobSleepUntil,
        .opaque = job,
    };
    virConnectPtr conn = virConnectOpenReadOnly(job->uri);
    char *text = NULL, *failed = NULL, *error = NULL;

    if (!conn)
        error = xvAsprintf("cannot connect to '%s': %s", job->uri ? job->uri : "xen:///",
                           virGetLastErrorMessage());
    else if (!(text = xvNodeDumpTake(conn, job->uri, job->samples, job->intervalMs, &hooks,
                                     &failed)))
        error = xvAsprintf("%s: %s", failed, virGetLastErrorMessage());
    if (conn)
        virConnectClose(conn);
    free(failed);
    pthread_mutex_lock(&job->lock);
    job->text = text;
    job->error = error;
    if (!job->stopping)
        event_active(job->done, EV_TIMEOUT, 0);
    pthread_mutex_unlock(&job->lock);
    ndJobUnref(job);
    return NULL;
}

/* Loop thread: the dump ended; the reply goes out (if the client stayed). */
static void
ndJobDone(evutil_socket_t fd, short what, void *opaque)
{
    xvNodeDumpHttp *nd = opaque;
    ndJob *job = nd->job;
    xvBuf body = XV_BUF_INIT;

    (void)fd;
    (void)what;
    nd->job = NULL;
    pthread_mutex_lock(&job->lock);
    if (job->text) {
        xvBufAddStr(&body, job->text);
        xvHttpPendingFinish(job->pending, 200, "application/xml; charset=utf-8", NULL, &body);
    } else {
        xvLogWarning("http: /debug/nodedump: %s", job->error);
        xvBufAsprintf(&body, "the node dump failed: %s\n", job->error);
        xvHttpPendingFinish(job->pending, 500, "text/plain; charset=utf-8", NULL, &body);
    }
    pthread_mutex_unlock(&job->lock);
    xvBufFree(&body);
    event_free(job->done);
    ndJobUnref(job);
}

/* Replies @code with the one-line @text and the header lines @extra. */
static void
ndReply(xvHttpPending *pending, int code, const char *extra, const char *text)
{
    xvBuf body = XV_BUF_INIT;

    xvBufAddStr(&body, text);
    xvHttpPendingFinish(pending, code, "text/plain; charset=utf-8", extra, &body);
    xvBufFree(&body);
}

/* samples and interval of @target's query; false with why in @why. */
static bool
ndParseQuery(const char *target, size_t len, unsigned int *samples, uint64_t *intervalMs,
             xvBuf *why)
{
    static const char *const names[] = { "samples", "interval", NULL };
    xvHttpSpan t = { target, len }, v;
    char text[32];

    *samples = ND_DEFAULT_SAMPLES;
    *intervalMs = ND_DEFAULT_INTERVAL_MS;
    if (!xvHttpQueryOnly(t, names, &v)) {
        xvBufAsprintf(why, "unknown parameter '%.*s': samples and interval are known\n",
                      (int)(v.len < 64 ? v.len : 64), v.ptr);
        return false;
    }
    if (xvHttpQueryParam(t, "samples", &v)) {
        unsigned long n = 0;
        size_t i;

        for (i = 0; i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9' && n <= ND_MAX_SAMPLES; i++)
            n = n * 10 + (unsigned long)(v.ptr[i] - '0');
        if (v.len == 0 || i < v.len || n < 2 || n > ND_MAX_SAMPLES) {
            xvBufAsprintf(why, "samples must be a number from 2 to %d\n", ND_MAX_SAMPLES);
            return false;
        }
        *samples = (unsigned int)n;
    }
    if (xvHttpQueryParam(t, "interval", &v)) {
        if (v.len >= sizeof(text) || (memcpy(text, v.ptr, v.len), text[v.len] = '\0',
                                       xvParseDuration(text, intervalMs) < 0) ||
            *intervalMs < ND_MIN_INTERVAL_MS || *intervalMs > ND_MAX_INTERVAL_MS) {
            xvBufAddStr(why, "interval must be a duration from 100ms to 60s, such as 500ms "
                        "or 2s\n");
            return false;
        }
    }
    if ((*samples - 1) * *intervalMs > ND_MAX_SPAN_MS) {
        xvBufAddStr(why, "(samples - 1) x interval must be at most 5m\n");
        return false;
    }
    return true;
}

xvNodeDumpHttp *
xvNodeDumpHttpNew(struct event_base *base)
{
    xvNodeDumpHttp *nd = xvAlloc(sizeof(*nd));

    nd->base = base;
    return nd;
}

void
xvNodeDumpHttpServe(xvNodeDumpHttp *nd, const char *uri, const char *target,
                    size_t targetLen, xvHttpPending *pending)
{
    xvBuf why = XV_BUF_INIT;
    unsigned int samples;
    uint64_t intervalMs;
    pthread_attr_t attr;
    pthread_t thread;
    ndJob *job;
    int rc;

    if (!ndParseQuery(target, targetLen, &samples, &intervalMs, &why)) {
        xvHttpPendingFinish(pending, 400, "text/plain; charset=utf-8", NULL, &why);
        xvBufFree(&why);
        return;
    }
    if (nd->job) {
        ndReply(pending, 503, "Retry-After: 5\r\n",
                "a node dump is in progress: try again when it is done\n");
        return;
    }
    job = xvAlloc(sizeof(*job));
    pthread_mutex_init(&job->lock, NULL);
    pthread_cond_init(&job->wake, NULL);
    job->refs = 2;
    job->uri = xvStrdup(uri);
    job->samples = samples;
    job->intervalMs = intervalMs;
    job->pending = pending;
    job->done = event_new(nd->base, -1, 0, ndJobDone, nd);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&thread, &attr, ndJobMain, job);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        xvBufAsprintf(&why, "cannot start the node dump: %s\n", strerror(rc));
        xvHttpPendingFinish(pending, 500, "text/plain; charset=utf-8", NULL, &why);
        xvBufFree(&why);
        event_free(job->done);
        job->refs = 1;
        ndJobUnref(job);
        return;
    }
    xvLogInfo("http: /debug/nodedump: %u samples %llu ms apart", samples,
              (unsigned long long)intervalMs);
    nd->job = job;
}

void
xvNodeDumpHttpFree(xvNodeDumpHttp *nd)
{
    ndJob *job;

    if (!nd)
        return;
    if ((job = nd->job)) {
        pthread_mutex_lock(&job->lock);
        job->stopping = true;
        pthread_cond_broadcast(&job->wake);
        pthread_mutex_unlock(&job->lock);
        /* the thread no longer fires it; a firing already queued is lost
         * with the loop */
        event_free(job->done);
        ndReply(job->pending, 503, NULL, "the agent is stopping\n");
        ndJobUnref(job);
    }
    free(nd);
}
