/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agent.c: the event loop side of the agent. The sampler thread publishes
 * each snapshot with its rendered bodies; the loop swaps it in and serves
 * scrapes from it; signals stop or reload the agent in loop context.
 */
#include "config.h"

#include "agent.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "collectors/collector.h"
#include "events.h"
#include "nodedump_http.h"
#include "exporters/gzip.h"
#include "exporters/http.h"
#include "exporters/landing.h"
#include "exporters/prometheus.h"
#include "sdnotify.h"
#include "src/policy/engine.h"
#include "src/policy/report.h"
#include "test_control.h"
#include "util/xvalloc.h"
#include "util/xvclock.h"
#include "util/xvlog.h"
#include "worker.h"

/* How long shutdown waits for a sample in progress (a hung hypervisor call
 * must not keep the agent from exiting). */
#define AGENT_STOP_TIMEOUT_MS 3000

/* How long shutdown waits instead when a policy action (a restart's
 * destroy and create) is in progress: long enough for a create to finish,
 * bounded all the same; an action cut short is finished by the next start
 * (src/policy/state.h, intents). */
#define AGENT_ACTION_STOP_TIMEOUT_MS 5000

/* After how many publications in a row that scrapes asked for a format and
 * coding the sampler makes it ahead of them: scrapes come at least once
 * per sample then, so none of its work is wasted; with rarer scrapes (a
 * 15 s scrape of a 5 s interval) the first scrape of a publication makes
 * it, so only publications that are scraped are compressed. */
#define AGENT_AHEAD_AFTER 2

/* zlib's level for gzip bodies: level 1 already shrinks a scrape 14-fold,
 * at half the CPU of level 6 (bench/RESULTS.md, gzip). */
#define AGENT_GZIP_LEVEL 1

/* One rendered body of a publication. */
typedef struct {
    char *data;                   /* NULL: not made (yet) */
    size_t len;
    size_t cap;                   /* bytes allocated at data */
    uint32_t gzipCrc;             /* gzip: CRC-32 and length of what it holds */
    size_t gzipInLen;
} agentBody;

/*
 * What the sampler thread publishes beside a snapshot: the policies' report
 * made of it and, when there was no connection, why (for /-/ready and the
 * landing page).
 */
typedef struct {
    xvPolicyReport *report;       /* NULL: no policy has anything to report */
    char *openError;              /* the hypervisor could not be reached: why; else NULL */
} agentNotes;

/*
 * A publication: a snapshot, the policies' report made of it (beside it,
 * never inside it) and their rendered bodies, shared by the loop and the
 * replies still being sent. The sampler renders the OpenMetrics body (what
 * Prometheus asks for), and what scrapes asked for of each of the last
 * AGENT_AHEAD_AFTER publications; the loop makes what is still missing
 * when first asked for. Either way a body is made once per publication,
 * and a host scraped by Prometheus alone holds the OpenMetrics body and its
 * gzip. Nothing in it changes once published, except that a body is made
 * once, and that the sampler takes back the OpenMetrics body of the
 * publication it replaces when no reply holds it (agentReuseBody); the
 * body pointers are read and written under pubLock.
 */
typedef struct {
    atomic_int refs;
    const xvSnapshot *snap;
    agentNotes *notes;            /* made by the sampler beside the snapshot */
    agentBody body[XV_PROM_FORMAT_LAST][XV_HTTP_CODING_LAST];
    /* a scrape asked for the body (set by the loop, read by the sampler) */
    atomic_bool asked[XV_PROM_FORMAT_LAST][XV_HTTP_CODING_LAST];
    uint64_t endMonoNs;
} agentPublication;

/* An address the HTTP server listens on. */
typedef struct {
    char *address;
    unsigned int port;
} agentAddr;

/* A list of them; in xvAgent, in the order of the server's listeners. */
typedef struct {
    agentAddr *addrs;
    size_t n;
} agentAddrs;

struct _xvAgent {
    struct event_base *base;
    xvAgentOptions opts;
    xvAgentClock *clock;          /* NULL: the real clocks */
    xvTestControl *control;       /* with a stepped clock only */
    xvAgentConf *conf;
    char *apiVersion;             /* "libxvirt 0.1.0" / "libvirt 9.0.0" */
    xvWorker *worker;
    xvPolicyEngine *policy;       /* used by the sampler thread once started */
    xvHttpServer *http;
    xvNodeDumpHttp *nodedump;     /* GET /debug/nodedump */
    agentAddrs listen;            /* where http listens, as its listeners */
    /* guards pending, current (written by the loop, read by the sampler)
     * and the publications' body pointers */
    pthread_mutex_t pubLock;
    agentPublication *pending;    /* from the sampler, not yet taken */
    struct event *pubEvent;
    agentPublication *current;    /* what the loop serves */
    uint64_t lastErrors;          /* sum of errorsTotal last logged */
    bool everUp;                  /* a sample has reached the hypervisor (/-/ready) */
    struct event *sigterm, *sigint, *sighup;
    bool stopping;
    uint64_t scrapes;
    bool reloadOk;
    uint64_t reloadSuccessNs;
    uint64_t reloadsSucceeded;
    uint64_t reloadsFailed;
    /* sampler thread: how many publications in a row scrapes asked for
     * each format and coding of */
    unsigned int askedStreak[XV_PROM_FORMAT_LAST][XV_HTTP_CODING_LAST];
    bool notifiedReady;           /* READY=1 sent for the first sample */
    struct event *watchdog;       /* WATCHDOG=1 timer (systemd's WatchdogSec) */
    uint64_t watchdogUsec;        /* 0: no watchdog */
    bool watchdogWithheld;        /* the sampler looks dead: pings stopped */
    /* lifecycle events: the listener (NULL: sampling.events off) and its
     * figures, which outlive listeners across reloads */
    xvAgentEvents *events;
    xvEventStats *eventStats;
    _Atomic uint64_t eventGapNs;  /* sampling.event_min_gap, read by the listener */
};

/* ---- publications ---------------------------------------------------- */

/*
 * Sampler thread: an empty buffer on the memory of the OpenMetrics body of
 * the publication about to be replaced (the one pending, else the one
 * served), when no reply holds that publication; else a new buffer. Writing
 * into pages already mapped spares the kernel zeroing fresh ones for each
 * sample, which cost as much as the rendering itself at 10,000 domains,
 * and only one body is kept, not a spare beside the one served (RSS,
 * bench/RESULTS.md, 2026-12-05). A scrape of the old publication in the
 * moment between this and the new one being taken renders its own body.
 */
static void
agentReuseBody(xvAgent *agent, xvBuf *buf)
{
    agentPublication *old;
    agentBody *body;

    xvBufInit(buf);
    pthread_mutex_lock(&agent->pubLock);
    old = agent->pending ? agent->pending : agent->current;
    body = old ? &old->body[XV_PROM_FORMAT_OPENMETRICS][XV_HTTP_CODING_IDENTITY] : NULL;
    /* refs 1: only the agent's own reference; replies take theirs under
     * the lock, so none can start sending this body once it is taken */
    if (body && body->data && atomic_load(&old->refs) == 1) {
        buf->data = body->data;
        buf->cap = body->cap;
        buf->data[0] = '\0';
        memset(body, 0, sizeof(*body));
    }
    pthread_mutex_unlock(&agent->pubLock);
}

static void
agentNotesFree(void *opaque)
{
    agentNotes *notes = opaque;

    if (!notes)
        return;
    xvPolicyReportFree(notes->report);
    free(notes->openError);
    free(notes);
}

static void
agentPublicationUnref(agentPublication *pub)
{
    size_t i, j;

    if (!pub || atomic_fetch_sub(&pub->refs, 1) > 1)
        return;
    for (i = 0; i < XV_PROM_FORMAT_LAST; i++)
        for (j = 0; j < XV_HTTP_CODING_LAST; j++)
            free(pub->body[i][j].data);
    xvSnapshotUnref(pub->snap);
    agentNotesFree(pub->notes);
    free(pub);
}

static void
agentReleaseBody(void *opaque)
{
    agentPublicationUnref(opaque);
}

/* The snapshot's families, then those of the policies' report, into @buf
 * (empty), which becomes *@body. */
static void
agentRender(const agentPublication *pub, xvPromFormat fmt, xvBuf *buf, agentBody *body)
{
    xvPromRenderBody(pub->snap, fmt, buf);
    if (pub->notes && pub->notes->report)
        xvPolicyReportRender(pub->notes->report, fmt, buf);
    /* taken whole, not stolen: xvBufSteal cuts the slack off, and the next
     * render into this memory (agentReuseBody) would regrow it */
    body->data = buf->data;
    body->len = buf->len;
    body->cap = buf->cap;
    xvBufInit(buf);
}

/* The gzip body of @identity into *@body; left empty if zlib refused. */
static void
agentCompress(const agentBody *identity, agentBody *body)
{
    xvGzipOpen gz;

    memset(body, 0, sizeof(*body));
    if (xvGzipOpenCompress(identity->data, identity->len, AGENT_GZIP_LEVEL, &gz) < 0) {
        xvLogWarning("http: cannot compress a body; scrapes get it uncompressed");
        return;
    }
    body->data = gz.data;
    body->len = body->cap = gz.len;
    body->gzipCrc = gz.crc;
    body->gzipInLen = gz.inLen;
}

/* Sampler thread: counts the streaks of what scrapes asked for, as of the
 * publication about to be replaced (one the loop never took was not
 * scraped). */
static void
agentCountAsked(xvAgent *agent)
{
    agentPublication *old;
    size_t fmt, coding;

    pthread_mutex_lock(&agent->pubLock);
    old = agent->pending ? NULL : agent->current;
    for (fmt = 0; fmt < XV_PROM_FORMAT_LAST; fmt++) {
        for (coding = 0; coding < XV_HTTP_CODING_LAST; coding++) {
            unsigned int *streak = &agent->askedStreak[fmt][coding];

            if (old && atomic_load(&old->asked[fmt][coding]))
                *streak += *streak < AGENT_AHEAD_AFTER;
            else
                *streak = 0;
        }
    }
    pthread_mutex_unlock(&agent->pubLock);
}

/* Sampler thread, before publishing: makes what scrapes asked for of each
 * of the last publications (the OpenMetrics identity body is there). */
static void
agentMakeAhead(xvAgent *agent, agentPublication *pub)
{
    xvPromFormat fmt;
    xvBuf buf;

    for (fmt = 0; fmt < XV_PROM_FORMAT_LAST; fmt++) {
        agentBody *identity = &pub->body[fmt][XV_HTTP_CODING_IDENTITY];
        bool gzip = agent->askedStreak[fmt][XV_HTTP_CODING_GZIP] >= AGENT_AHEAD_AFTER;

        if (!gzip && agent->askedStreak[fmt][XV_HTTP_CODING_IDENTITY] < AGENT_AHEAD_AFTER)
            continue;
        if (!identity->data) {
            xvBufInit(&buf);
            agentRender(pub, fmt, &buf, identity);
        }
        if (gzip)
            agentCompress(identity, &pub->body[fmt][XV_HTTP_CODING_GZIP]);
    }
}

/* Sampler thread: renders the publication once and hands it over. */
static void
agentPublish(const xvSnapshot *snap, void *notes, void *opaque)
{
    xvAgent *agent = opaque;
    agentPublication *pub = xvAlloc(sizeof(*pub));
    agentPublication *old;
    xvBuf buf;

    atomic_init(&pub->refs, 1);
    pub->snap = snap;
    pub->notes = notes;
    pub->endMonoNs = snap->startedMonoNs + snap->durationNs;
    agentReuseBody(agent, &buf);
    agentRender(pub, XV_PROM_FORMAT_OPENMETRICS, &buf,
                &pub->body[XV_PROM_FORMAT_OPENMETRICS][XV_HTTP_CODING_IDENTITY]);
    agentCountAsked(agent);
    agentMakeAhead(agent, pub);

    pthread_mutex_lock(&agent->pubLock);
    old = agent->pending;
    agent->pending = pub;
    pthread_mutex_unlock(&agent->pubLock);
    agentPublicationUnref(old);
    event_active(agent->pubEvent, EV_READ, 0);
}

/* ---- systemd ---------------------------------------------------------- */

/* "2 s", "200 ms": an interval for the status line. */
static void
agentFormatInterval(uint64_t ms, char *buf, size_t size)
{
    if (ms % 1000 == 0)
        snprintf(buf, size, "%llu s", (unsigned long long)(ms / 1000));
    else
        snprintf(buf, size, "%llu ms", (unsigned long long)ms);
}

/*
 * STATUS= of what the agent serves, sent when it changes (a change of the
 * domain count, of the connection, a rejected reload, a sample overdue),
 * not at every sample. @lateSec: how long the sampler has been behind its
 * schedule (0: on time).
 */
static void
agentNotifyStatus(xvAgent *agent, uint64_t lateSec)
{
    const xvSnapshot *snap = agent->current ? agent->current->snap : NULL;
    char status[512], every[32];
    int n;

    if (agent->stopping) {
        xvNotifyStatus("stopping: finishing replies in progress");
        return;
    }
    if (!snap)
        return;
    agentFormatInterval(agent->conf->intervalMs, every, sizeof(every));
    if (!snap->connected)
        n = snprintf(status, sizeof(status), "cannot connect to %s: trying again every %s",
                     agent->conf->uri ? agent->conf->uri : "xen:///", every);
    else
        n = snprintf(status, sizeof(status), "serving %zu domain%s, %zu vcpu%s; sampling every %s",
                     snap->ndomains, snap->ndomains == 1 ? "" : "s", snap->nvcpus,
                     snap->nvcpus == 1 ? "" : "s", every);
    if (lateSec > 0 && n > 0 && (size_t)n < sizeof(status))
        n += snprintf(status + n, sizeof(status) - (size_t)n,
                      "; the sample in progress started over %llu s ago (a hypervisor "
                      "call hangs?): serving the last one", (unsigned long long)lateSec);
    if (!agent->reloadOk && n > 0 && (size_t)n < sizeof(status))
        snprintf(status + n, sizeof(status) - (size_t)n,
                 "; the last reload was rejected");
    xvNotifyStatus(status);
}

/* A publication was taken: READY=1 the first time (/metrics serves, and
 * /-/ready answers 200 from now on), the status when it changed. */
static void
agentNotifyServing(xvAgent *agent)
{
    agentNotifyStatus(agent, 0);
    if (!agent->notifiedReady) {
        agent->notifiedReady = true;
        xvNotifyReady();
    }
}

/*
 * The watchdog: WATCHDOG=1 every half WatchdogSec, sent by the event loop
 * (so a loop that stops turning, and with it every scrape, is caught) once
 * it has checked that the sampler is alive: either waiting for its next
 * sample, not past it by more than the watchdog interval, or in a sample.
 * A sample that hangs in a hypervisor call keeps the pings going: a restart
 * would not unhang Xen, and the scrapes keep answering from the last sample
 * meanwhile; the status line and xvirt_snapshot_age_seconds show it. A
 * sampler wedged while waiting (its lock or its schedule broken), or an
 * event loop that blocks, is what the watchdog restarts.
 */
static void
agentWatchdog(evutil_socket_t fd, short what, void *opaque)
{
    xvAgent *agent = opaque;
    uint64_t now = xvAgentClockMonoNs(agent->clock);
    uint64_t graceNs = agent->watchdogUsec * 1000u;
    uint64_t lateSec = 0;
    xvWorkerProgress p;

    (void)fd;
    (void)what;
    xvWorkerGetProgress(agent->worker, &p);
    if (!p.sampling && now > p.nextNs + graceNs) {
        if (!agent->watchdogWithheld)
            xvLogError("sampler: no sample started %llu s after one was due: no longer "
                       "telling systemd's watchdog that the agent is alive",
                       (unsigned long long)((now - p.nextNs) / XV_NS_PER_SEC));
        agent->watchdogWithheld = true;
        return;
    }
    agent->watchdogWithheld = false;
    /* a sample due at nextNs - interval began then, and runs on */
    if (p.sampling && now > p.nextNs + graceNs)
        lateSec = (now - p.nextNs + agent->conf->intervalMs * XV_NS_PER_MS) / XV_NS_PER_SEC;
    agentNotifyStatus(agent, lateSec);
    xvNotifyWatchdog();
}

/* Starts the watchdog timer when systemd asked for one (WatchdogSec=). */
static int
agentStartWatchdog(xvAgent *agent)
{
    struct timeval tv;
    uint64_t every;

    if (!(agent->watchdogUsec = xvNotifyWatchdogUsec()))
        return 0;
    every = agent->watchdogUsec / 2;
    tv.tv_sec = (time_t)(every / 1000000u);
    tv.tv_usec = (suseconds_t)(every % 1000000u);
    agent->watchdog = event_new(agent->base, -1, EV_PERSIST, agentWatchdog, agent);
    if (!agent->watchdog || event_add(agent->watchdog, &tv) < 0) {
        xvLogError("cannot start the watchdog timer");
        return -1;
    }
    xvLogInfo("watchdog: telling systemd every %llu ms that the agent is alive",
              (unsigned long long)(every / 1000u));
    return 0;
}

static void
agentLogSample(xvAgent *agent, const xvSnapshot *snap)
{
    uint64_t total = 0;
    size_t i;

    for (i = 0; i < XV_CALL_LAST; i++)
        total += snap->errorsTotal[i];
    if (!snap->connected)
        xvLogDebug("sample %llu: no hypervisor connection",
                   (unsigned long long)snap->seq);
    else if (total > agent->lastErrors)
        /* a domain that fails at every sample would say so every interval */
        xvLogLimited("sample-errors", XV_LOG_WARNING, "sample %llu: %llu hypervisor calls "
                     "failed (see xvirt_sample_errors_total)", (unsigned long long)snap->seq,
                     (unsigned long long)(total - agent->lastErrors));
    else
        xvLogDebug("sample %llu: %zu domains, %zu vcpus in %.3f ms",
                   (unsigned long long)snap->seq, snap->ndomains, snap->nvcpus,
                   (double)snap->durationNs / 1e6);
    agent->lastErrors = total;
}

/* Loop thread: takes the newest publication, if any. */
static void
agentTakePublication(xvAgent *agent)
{
    agentPublication *pub;

    agentPublication *old;

    pthread_mutex_lock(&agent->pubLock);
    pub = agent->pending;
    agent->pending = NULL;
    old = pub ? agent->current : NULL;
    if (pub)
        agent->current = pub;
    pthread_mutex_unlock(&agent->pubLock);
    if (!pub)
        return;
    if (pub->snap->connected)
        agent->everUp = true;
    agentLogSample(agent, pub->snap);
    agentPublicationUnref(old);
    agentNotifyServing(agent);
}

static void
agentOnPublication(evutil_socket_t fd, short what, void *opaque)
{
    (void)fd;
    (void)what;
    agentTakePublication(opaque);
}

/* The test control: what /metrics serves, brought up to date. */
static uint64_t
agentServedSeq(void *opaque)
{
    xvAgent *agent = opaque;

    agentTakePublication(agent);
    return agent->current ? agent->current->snap->seq : 0;
}

/* ---- scrape source --------------------------------------------------- */

/*
 * Loop thread, holding a reference to @pub: makes its body in @fmt and
 * @coding if missing. Only this thread makes bodies of a published
 * publication, and the sampler takes none back while a reference is held,
 * so what is read here outside the lock stays put.
 */
static void
agentMakeBody(xvAgent *agent, agentPublication *pub, xvPromFormat fmt, xvHttpCoding coding)
{
    agentBody *identity = &pub->body[fmt][XV_HTTP_CODING_IDENTITY];
    agentBody made;
    xvBuf buf;

    if (!identity->data) {
        xvBufInit(&buf);
        agentRender(pub, fmt, &buf, &made);
        pthread_mutex_lock(&agent->pubLock);
        *identity = made;
        pthread_mutex_unlock(&agent->pubLock);
    }
    if (coding == XV_HTTP_CODING_IDENTITY || pub->body[fmt][coding].data)
        return;
    agentCompress(identity, &made);
    pthread_mutex_lock(&agent->pubLock);
    pub->body[fmt][coding] = made;
    pthread_mutex_unlock(&agent->pubLock);
}

static bool
agentScrapeBody(void *opaque, xvPromFormat fmt, xvHttpCoding coding, xvScrapeBody *body)
{
    xvAgent *agent = opaque;
    agentPublication *pub = agent->current;
    const agentBody *b;

    if (!pub)
        return false;
    atomic_store(&pub->asked[fmt][coding], true);
    pthread_mutex_lock(&agent->pubLock);
    atomic_fetch_add(&pub->refs, 1);
    pthread_mutex_unlock(&agent->pubLock);
    agentMakeBody(agent, pub, fmt, coding);
    if (!pub->body[fmt][coding].data)
        coding = XV_HTTP_CODING_IDENTITY;     /* zlib refused */
    b = &pub->body[fmt][coding];
    body->data = b->data;
    body->len = b->len;
    body->coding = coding;
    body->gzipCrc = b->gzipCrc;
    body->gzipInLen = b->gzipInLen;
    body->release = agentReleaseBody;
    body->opaque = pub;
    return true;
}

/* Why the newest sample did not reach the hypervisor; NULL: it did, or none. */
static const char *
agentOpenError(const xvAgent *agent)
{
    const agentPublication *pub = agent->current;

    return pub && pub->notes && !pub->snap->connected ? pub->notes->openError : NULL;
}

/*
 * Ready once a sample has reached the hypervisor, and from then on, as
 * Prometheus's own /-/ready: the agent can serve. A hypervisor lost later
 * shows in xvirt_hypervisor_up and on the landing page, not here.
 */
static bool
agentScrapeReady(void *opaque, xvBuf *reason)
{
    xvAgent *agent = opaque;
    const char *err;

    agentTakePublication(agent);
    if (agent->everUp)
        return true;
    if (!agent->current) {
        xvBufAddStr(reason, "xvirt-agent is not ready: no sample yet (connecting to the "
                    "hypervisor)");
        return false;
    }
    xvBufAddStr(reason, "xvirt-agent is not ready: the hypervisor has never answered");
    if ((err = agentOpenError(agent))) {
        size_t from = reason->len;

        xvBufAsprintf(reason, ": %s", err);
        /* one line */
        for (size_t i = from; i < reason->len; i++) {
            if (reason->data[i] == '\n' || reason->data[i] == '\r')
                reason->data[i] = ' ';
        }
    }
    return false;
}

/* The policies and last actions of @report as the landing page takes them
 * (arrays to free(), pointing into @report). */
static void
agentLandingPolicies(const xvPolicyReport *r, xvLandingState *st, xvLandingPolicy **policies,
                     xvLandingAction **actions)
{
    size_t n = r ? r->npolicies : 0, m = r ? r->nrecent : 0, i;
    xvLandingAction *lasts = xvAllocN(n + m + 1, sizeof(*lasts));

    *policies = xvAllocN(n + 1, sizeof(**policies));
    for (i = 0; i < n + m; i++) {
        const xvPolicyRecord *rec = i < n ? &r->policies[i].last : &r->recent[i - n];

        lasts[i] = (xvLandingAction){
            .atMs = rec->atMs,
            .policy = rec->policy,
            .domain = rec->domain,
            .action = xvPolicyActionKindName(rec->action),
            .result = xvPolicyResultName(rec->result),
            .detail = rec->detail,
        };
    }
    for (i = 0; i < n; i++) {
        const xvPolicyReportPolicy *p = &r->policies[i];

        (*policies)[i] = (xvLandingPolicy){
            .name = p->name,
            .type = p->type,
            .selection = p->selection,
            .enabled = p->enabled,
            .dryRun = p->dryRun,
            .last = p->haveLast ? &lasts[i] : NULL,
        };
    }
    st->policies = *policies;
    st->npolicies = n;
    st->actions = lasts + n;
    st->nactions = m;
    *actions = lasts;
}

/* The landing page, from the publication served and the agent's state. */
static void
agentLanding(void *opaque, const char *metricsPath, xvBuf *page)
{
    xvAgent *agent = opaque;
    const agentPublication *pub;
    xvLandingPolicy *policies;
    xvLandingAction *actions;
    xvBuf reason = XV_BUF_INIT;
    xvLandingState st = {
        .version = PACKAGE_VERSION,
        .api = agent->apiVersion,
        .uri = agent->conf->uri,
        .metricsPath = metricsPath,
    };

    st.ready = agentScrapeReady(agent, &reason);
    xvBufFree(&reason);
    pub = agent->current;
    if (pub) {
        uint64_t now = xvAgentClockMonoNs(agent->clock);

        st.snap = pub->snap;
        st.snapAgeNs = now > pub->endMonoNs ? now - pub->endMonoNs : 0;
    }
    st.lastError = agentOpenError(agent);
    agentLandingPolicies(pub && pub->notes ? pub->notes->report : NULL, &st, &policies,
                         &actions);
    xvLandingRender(&st, page);
    free(policies);
    free(actions);
}

/* The event figures of a scrape; they live in the agent until the next one
 * (the scrape renders them at once). */
static void
agentScrapeEvents(xvAgent *agent, xvPromSelf *self)
{
    static const char *labels[XV_EVENT_TYPES];
    static xvEventStatsView view;   /* loop thread only */
    xvWorkerProgress progress;
    int i;

    if (!agent->eventStats || !agent->worker)
        return;
    xvWorkerGetProgress(agent->worker, &progress);
    for (i = 0; i < XV_EVENT_TYPES; i++)
        labels[i] = xvEventTypeLabel(i);
    xvEventStatsGet(agent->eventStats, &view);
    self->haveEvents = true;
    self->eventsListening = view.listening;
    self->eventTypes = XV_EVENT_TYPES;
    self->eventNames = labels;
    self->eventCounts = view.byType;
    self->eventSamples = progress.soonSamples;
    self->latencyBuckets = XV_EVENT_LATENCY_BUCKETS;
    self->latencyBounds = xvEventLatencyBounds;
    self->latencyCumulative = view.latencyBuckets;
    self->latencyCount = view.latencyCount;
    self->latencySum = view.latencySum;
}

static void
agentScrapeSelf(void *opaque, xvPromSelf *self)
{
    xvAgent *agent = opaque;

    self->version = PACKAGE_VERSION;
    self->api = agent->apiVersion;
    self->haveSnapshot = agent->current != NULL;
    if (agent->current) {
        uint64_t now = xvAgentClockMonoNs(agent->clock);

        self->snapshotAgeNs = now > agent->current->endMonoNs ?
                              now - agent->current->endMonoNs : 0;
    }
    self->scrapes = ++agent->scrapes;
    self->reloadOk = agent->reloadOk;
    self->reloadSuccessNs = agent->reloadSuccessNs;
    self->reloadsSucceeded = agent->reloadsSucceeded;
    self->reloadsFailed = agent->reloadsFailed;
    agentScrapeEvents(agent, self);
}

/* ---- configuration --------------------------------------------------- */

void
xvAgentOptionsInit(xvAgentOptions *opts)
{
    memset(opts, 0, sizeof(*opts));
    memset(opts->collector, -1, sizeof(opts->collector));
    opts->logFormat = -1;
    opts->whatIfJSON = -1;
}

/* Replaces the string *@field with a copy of @value. */
static void
agentSetString(char **field, const char *value)
{
    free(*field);
    *field = xvStrdup(value);
}

int
xvAgentApplyFlags(const xvAgentOptions *opts, xvAgentConf *conf, char **errmsg)
{
    char *msg = NULL;
    size_t i;

    *errmsg = NULL;
    if (opts->connectURI)
        agentSetString(&conf->uri, opts->connectURI);
    if (opts->nlisten > 0) {
        /* the first address stands for all of them in the configuration */
        char *addr = NULL;
        unsigned int port;

        if (xvAgentConfParseListen(opts->listen[0], &addr, &port, &msg) < 0)
            goto bad_listen;
        free(conf->listenAddress);
        conf->listenAddress = addr;
        conf->listenPort = port;
    }
    if (opts->webConfigFile) {
        if (xvAgentConfCheckWebConfigFile(opts->webConfigFile, &msg) < 0)
            goto bad;
        agentSetString(&conf->webConfigFile, opts->webConfigFile);
    }
    if (opts->telemetryPath) {
        if (xvAgentConfCheckTelemetryPath(opts->telemetryPath, &msg) < 0)
            goto bad;
        agentSetString(&conf->telemetryPath, opts->telemetryPath);
    }
    for (i = 0; i < XV_COLLECTORS_MAX; i++) {
        if (opts->collector[i] < 0)
            continue;
        conf->collectorSet[i] = true;
        conf->collectorEnabled[i] = opts->collector[i] > 0;
    }
    if (opts->logLevel > 0)
        conf->logLevel = opts->logLevel;
    if (opts->logFormat >= 0)
        conf->logFormat = opts->logFormat;
    return 0;

 bad_listen:
    *errmsg = xvAsprintf("--web.listen-address: %s", msg ? msg : "invalid address");
    free(msg);
    return -1;
 bad:
    *errmsg = xvAsprintf("command line: %s", msg);
    free(msg);
    return -1;
}

int
xvAgentLoadConf(const xvAgentOptions *opts, xvAgentConf **ret)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    char *bad = NULL;

    if (opts->configPath) {
        if (xvAgentConfLoadFile(opts->configPath, &conf, &err) < 0) {
            char *msg = xvConfErrorFormat(&err);

            xvLogError("config: %s", msg);
            free(msg);
            xvConfErrorClear(&err);
            return -1;
        }
        for (size_t i = 0; i < conf->nwarnings; i++)
            xvLogWarning("config: %s", conf->warnings[i]);
    } else {
        conf = xvAgentConfNew();
    }
    if (xvAgentApplyFlags(opts, conf, &bad) < 0) {
        xvLogError("%s", bad);
        free(bad);
        xvAgentConfFree(conf);
        return -1;
    }
    *ret = conf;
    return 0;
}

int
xvAgentParsePolicies(const xvAgentConf *conf, xvPolicySet **ret)
{
    xvConfError err = { 0 };

    if (xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs, ret, &err) < 0) {
        char *msg = xvConfErrorFormat(&err);

        xvLogError("config: %s", msg);
        free(msg);
        xvConfErrorClear(&err);
        return -1;
    }
    return 0;
}

/* Sampler thread: the policies, on the sampler's clock; their report is
 * published beside the snapshot, with why there was no connection, if there
 * was none. (@opaque is the engine, which outlives the agent when a hung
 * sampler is left behind.) */
static void *
agentRunPolicies(struct _virConnect *conn, const xvSnapshot *snap, uint64_t realNowMs,
                 void *opaque)
{
    agentNotes *notes = xvAlloc(sizeof(*notes));

    /* no connection: this thread's last library error is the failed open's
     * (a sample without a connection calls nothing: worker.c) */
    if (!conn)
        notes->openError = xvStrdup(virGetLastErrorMessage());
    notes->report = xvPolicyEngineRunAt(opaque, conn, snap, realNowMs);
    return notes;
}

static void
agentWorkerSettings(xvAgent *agent, const xvAgentConf *conf, xvWorkerSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->uri = conf->uri;
    s->afterSample = agentRunPolicies;
    s->afterSampleFree = agentNotesFree;
    s->afterSampleOpaque = agent->policy;
    s->intervalMs = conf->intervalMs;
    xvAgentCollectorsEnabled(conf, s->enabled);
}

void
xvAgentCollectorsEnabled(const xvAgentConf *conf, bool *enabled)
{
    size_t i;

    for (i = 0; xvCollectors[i] && i < XV_COLLECTORS_MAX; i++)
        enabled[i] = xvAgentConfCollectorEnabled(conf, xvCollectors[i]->name,
                                                 xvCollectors[i]->defaultEnabled);
}

static void
agentHttpLimits(const xvAgentConf *conf, xvHttpLimits *l)
{
    char *note = NULL;

    l->maxConnections = xvHttpFitFileLimit(conf->maxConnections, &note);
    if (note) {
        if (l->maxConnections < conf->maxConnections)
            xvLogWarning("http: %s", note);
        else
            xvLogInfo("http: %s", note);
        free(note);
    }
    l->maxHeaderBytes = conf->maxHeaderBytes;
    l->readTimeoutMs = conf->readTimeoutMs;
    l->writeTimeoutMs = conf->writeTimeoutMs;
    l->headerTimeoutMs = conf->headerTimeoutMs;
    l->maxConnectionsPerAddress = conf->maxConnectionsPerAddress;
}

static void
agentAddrsClear(agentAddrs *list)
{
    size_t i;

    for (i = 0; i < list->n; i++)
        free(list->addrs[i].address);
    free(list->addrs);
    list->addrs = NULL;
    list->n = 0;
}

static void
agentAddrsAppend(agentAddrs *list, const char *address, unsigned int port)
{
    list->addrs = xvReallocN(list->addrs, list->n + 1, sizeof(*list->addrs));
    list->addrs[list->n].address = xvStrdup(address);
    list->addrs[list->n].port = port;
    list->n++;
}

static void
agentAddrsRemove(agentAddrs *list, size_t i)
{
    free(list->addrs[i].address);
    memmove(&list->addrs[i], &list->addrs[i + 1], (list->n - i - 1) * sizeof(*list->addrs));
    list->n--;
}

static bool
agentAddrsHasAddr(const agentAddrs *list, const char *address, unsigned int port)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        if (list->addrs[i].port == port && strcmp(list->addrs[i].address, address) == 0)
            return true;
    }
    return false;
}

static bool
agentAddrsHas(const agentAddrs *list, const agentAddr *a)
{
    return agentAddrsHasAddr(list, a->address, a->port);
}

/*
 * Where to listen: every --web.listen-address, in order, else the file's
 * listen.address:port. The flags were checked by main() and again by
 * xvAgentApplyFlags() (which loaded @conf), so they parse.
 */
static void
agentWantedAddrs(const xvAgentOptions *opts, const xvAgentConf *conf, agentAddrs *ret)
{
    size_t i;

    memset(ret, 0, sizeof(*ret));
    if (opts->nlisten == 0) {
        agentAddrsAppend(ret, conf->listenAddress, conf->listenPort);
        return;
    }
    for (i = 0; i < opts->nlisten; i++) {
        char *addr = NULL;
        unsigned int port;

        if (xvAgentConfParseListen(opts->listen[i], &addr, &port, NULL) == 0) {
            if (!agentAddrsHasAddr(ret, addr, port))
                agentAddrsAppend(ret, addr, port);
            free(addr);
        }
    }
}

static void
agentLogServing(xvAgent *agent, size_t i, const char *what)
{
    const agentAddr *a = &agent->listen.addrs[i];
    bool v6 = strchr(a->address, ':') != NULL;

    xvLogInfo("http: %s %s on %s%s%s:%u", what, xvHttpServerTelemetryPath(agent->http),
              v6 ? "[" : "", a->address, v6 ? "]" : "", xvHttpServerPortAt(agent->http, i));
}

/*
 * Makes the server listen on exactly @want: binds the new addresses first,
 * and only when all of them are bound closes those no longer wanted (an
 * address kept stays bound throughout, so a reload never drops it). On
 * failure unbinds what it bound and returns -1 (logged).
 */
static int
agentRebind(xvAgent *agent, const agentAddrs *want)
{
    size_t have = agent->listen.n;
    size_t i;

    for (i = 0; i < want->n; i++) {
        const agentAddr *a = &want->addrs[i];
        char *msg = NULL;

        if (agentAddrsHas(&agent->listen, a))
            continue;
        if (xvHttpServerAddListener(agent->http, a->address, a->port, &msg) < 0) {
            xvLogError("http: %s", msg ? msg : "cannot listen");
            free(msg);
            while (agent->listen.n > have) {
                xvHttpServerRemoveListener(agent->http, agent->listen.n - 1);
                agentAddrsRemove(&agent->listen, agent->listen.n - 1);
            }
            return -1;
        }
        agentAddrsAppend(&agent->listen, a->address, a->port);
        agentLogServing(agent, agent->listen.n - 1, "serving");
    }
    for (i = agent->listen.n; i-- > 0;) {
        if (agentAddrsHas(want, &agent->listen.addrs[i]))
            continue;
        agentLogServing(agent, i, "no longer serving");
        xvHttpServerRemoveListener(agent->http, i);
        agentAddrsRemove(&agent->listen, i);
    }
    return 0;
}

/* The web configuration @conf names, read into *@web (NULL when it names
 * none). Returns 0, or -1 after logging why it cannot be used. */
static int
agentOpenWeb(const xvAgentConf *conf, xvWebConfig **web)
{
    char *msg = NULL;

    *web = NULL;
    if (!conf->webConfigFile)
        return 0;
    if (!(*web = xvWebOpen(conf->webConfigFile, &msg))) {
        xvLogError("web config: %s", msg);
        free(msg);
        return -1;
    }
    xvLogInfo("web config: %s: TLS %s, basic auth %s%s", conf->webConfigFile,
              xvWebUsesTLS(*web) ? "on" : "off",
              xvWebNeedsAuth(*web) ? "on" : "off",
              xvWebNeedsAuth(*web) && conf->healthWithoutAuth ?
              " (not for /-/healthy and /-/ready)" : "");
    return 0;
}

/* GET /debug/nodedump (local or authenticated clients): the host of the
 * configuration in force. */
static void
agentNodeDump(void *opaque, const char *target, size_t targetLen, bool head,
              xvHttpPending *pending)
{
    xvAgent *agent = opaque;

    (void)head;                 /* the server drops a HEAD reply's body */
    xvNodeDumpHttpServe(agent->nodedump, agent->conf->uri, target, targetLen, pending);
}

/* Starts the HTTP server on every wanted address. Returns 0 or -1 (logged). */
static int
agentListen(xvAgent *agent, const xvAgentConf *conf)
{
    xvScrapeSource source = {
        .body = agentScrapeBody,
        .self = agentScrapeSelf,
        .ready = agentScrapeReady,
        .landing = agentLanding,
        .nodedump = agentNodeDump,
        .opaque = agent,
    };
    xvHttpLimits limits;
    agentAddrs want;
    char *msg = NULL;
    int rc = -1;

    agentWantedAddrs(&agent->opts, conf, &want);
    agentHttpLimits(conf, &limits);
    if (!(agent->http = xvHttpServerNew(agent->base, want.addrs[0].address,
                                        want.addrs[0].port, &limits, &source, &msg))) {
        xvLogError("http: %s", msg ? msg : "cannot start the HTTP server");
        free(msg);
        goto cleanup;
    }
    xvHttpServerSetTelemetryPath(agent->http, conf->telemetryPath);
    agentAddrsAppend(&agent->listen, want.addrs[0].address, want.addrs[0].port);
    agentLogServing(agent, 0, "serving");
    rc = agentRebind(agent, &want);

 cleanup:
    agentAddrsClear(&want);
    return rc;
}

static bool
agentSameStateDir(const xvAgentConf *a, const xvAgentConf *b)
{
    const char *x = a->stateDir ? a->stateDir : XV_AGENT_DEFAULT_STATE_DIR;
    const char *y = b->stateDir ? b->stateDir : XV_AGENT_DEFAULT_STATE_DIR;

    return strcmp(x, y) == 0;
}

/* SIGHUP: all of the new file or none of it. */
/* ---- lifecycle events -------------------------------------------------- */

/* The listener's thread: a sample now (coalesced by the listener). */
static void
agentEventKick(void *opaque)
{
    xvAgent *agent = opaque;

    xvWorkerKickSoon(agent->worker, atomic_load(&agent->eventGapNs));
}

/* Sampler thread: an action was tried on @uuid (event->action latency). */
static void
agentActionObserved(const unsigned char *uuid, xvPolicyResult result, void *opaque)
{
    (void)result;
    xvEventStatsActed(opaque, uuid);
}

#define AGENT_EVENTS_RETRY_MS 10000
#define AGENT_EVENTS_STOP_TIMEOUT_MS 2000

static void
agentStopEvents(xvAgent *agent)
{
    xvAgentEventsStop(agent->events, AGENT_EVENTS_STOP_TIMEOUT_MS);
    agent->events = NULL;
}

/* Starts the listener @conf asks for (none with sampling.events off). */
static void
agentStartEvents(xvAgent *agent, const xvAgentConf *conf)
{
    atomic_store(&agent->eventGapNs, conf->eventMinGapMs * 1000000u);
    if (!conf->events)
        return;
    agent->events = xvAgentEventsStart(conf->uri, AGENT_EVENTS_RETRY_MS, agent->eventStats,
                                       agentEventKick, agent);
    if (!agent->events)
        xvLogWarning("events: cannot start the listener: %s; sampling every interval only",
                     strerror(errno));
}

/* A reload: a new listener when what it listens to changed. */
static void
agentReloadEvents(xvAgent *agent, const xvAgentConf *old, const xvAgentConf *conf)
{
    bool sameUri = (!old->uri && !conf->uri) ||
                   (old->uri && conf->uri && strcmp(old->uri, conf->uri) == 0);

    atomic_store(&agent->eventGapNs, conf->eventMinGapMs * 1000000u);
    if (old->events == conf->events && sameUri)
        return;
    agentStopEvents(agent);
    agentStartEvents(agent, conf);
}

static void
agentApplyReload(xvAgent *agent)
{
    xvAgentConf *conf = NULL;
    xvPolicySet *policies = NULL;
    xvWebConfig *web = NULL;
    xvWorkerSettings settings;
    xvHttpLimits limits;
    agentAddrs want;
    int rc;

    xvLogInfo("config: reloading %s", agent->opts.configPath ?
              agent->opts.configPath : "(built-in defaults)");
    if (xvAgentLoadConf(&agent->opts, &conf) < 0 ||
        xvAgentParsePolicies(conf, &policies) < 0 ||
        agentOpenWeb(conf, &web) < 0) {
        xvAgentConfFree(conf);
        xvPolicySetFree(policies);
        agent->reloadOk = false;
        agent->reloadsFailed++;
        xvLogError("config: reload rejected, the running configuration stays in force");
        return;
    }
    agentWantedAddrs(&agent->opts, conf, &want);
    rc = agentRebind(agent, &want);
    agentAddrsClear(&want);
    if (rc < 0) {
        agent->reloadOk = false;
        agent->reloadsFailed++;
        xvWebFree(web);
        xvAgentConfFree(conf);
        xvPolicySetFree(policies);
        xvLogError("config: reload rejected, the running configuration stays in force");
        return;
    }
    if (strcmp(conf->telemetryPath, xvHttpServerTelemetryPath(agent->http)) != 0) {
        xvHttpServerSetTelemetryPath(agent->http, conf->telemetryPath);
        xvLogInfo("http: metrics now served at %s", conf->telemetryPath);
    }
    agentHttpLimits(conf, &limits);
    xvHttpServerSetLimits(agent->http, &limits);
    xvHttpServerSetWeb(agent->http, web, conf->healthWithoutAuth);
    if (!agentSameStateDir(conf, agent->conf))
        xvLogWarning("config: state_dir changes take effect when the agent restarts");
    /* the bookkeeping stays; a reload is also how an operator clears give-ups */
    xvPolicyEngineConfigure(agent->policy, policies, conf->uri, true);
    agentWorkerSettings(agent, conf, &settings);
    xvWorkerReconfigure(agent->worker, &settings);
    agentReloadEvents(agent, agent->conf, conf);
    xvLogSetLevel(conf->logLevel);
    xvLogSetFormat(conf->logFormat);
    xvAgentConfFree(agent->conf);
    agent->conf = conf;
    agent->reloadOk = true;
    agent->reloadsSucceeded++;
    agent->reloadSuccessNs = xvAgentClockRealNs(agent->clock);
    xvLogNotice("config: reloaded");
}

/* SIGHUP, told to systemd: RELOADING=1, then READY=1 once the reload is
 * over, accepted or rejected (the agent serves on either way). */
static void
agentReload(xvAgent *agent)
{
    xvNotifyReloading();
    agentApplyReload(agent);
    agentNotifyStatus(agent, 0);
    xvNotifyReady();
}

/* ---- signals and life cycle ------------------------------------------ */

static void
agentDrained(void *opaque)
{
    xvAgent *agent = opaque;

    event_base_loopexit(agent->base, NULL);
}

static void
agentOnSignal(evutil_socket_t sig, short what, void *opaque)
{
    xvAgent *agent = opaque;

    (void)what;
    if (sig == SIGHUP) {
        if (!agent->stopping)
            agentReload(agent);
        return;
    }
    if (agent->stopping)
        return;
    agent->stopping = true;
    /* (the watchdog goes on pinging while the replies drain) */
    xvNotifyStopping();
    agentNotifyStatus(agent, 0);
    xvLogNotice("received %s: finishing replies in progress, then exiting",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
    if (xvPolicyEngineStop(agent->policy))
        xvLogNotice("policy: an action is in progress: waiting up to %d s for it to finish",
                    AGENT_ACTION_STOP_TIMEOUT_MS / 1000);
    xvHttpServerDrain(agent->http, agentDrained, agent);
}

static char *
agentAPIVersion(void)
{
    unsigned long ver = 0;

    if (virGetVersion(&ver, NULL, NULL) < 0)
        ver = 0;
    return xvAsprintf("%s %lu.%lu.%lu", XV_API_NAME, ver / 1000000,
                      (ver / 1000) % 1000, ver % 1000);
}

/* XVIRT_TEST_CONTROL: the control socket of the stepped clock, bound
 * before the sampler thread starts. Returns 0 or -1 (logged). */
static int
agentStartControl(xvAgent *agent)
{
    xvTestControlSource source = { .served = agentServedSeq, .opaque = agent };
    char *msg = NULL;

    if (!(agent->control = xvTestControlNew(agent->base, agent->opts.testControl,
                                            agent->clock, &source, &msg))) {
        xvLogError("XVIRT_TEST_CONTROL: %s", msg ? msg : "cannot start the test control");
        free(msg);
        return -1;
    }
    xvLogNotice("test control on '%s': the clock moves only when told to "
                "(stepped real time starts at %llu ms)", agent->opts.testControl,
                (unsigned long long)(xvAgentClockRealNs(agent->clock) / 1000000u));
    return 0;
}

/* The log's rate limits run on the agent's clock (stepped in the tests). */
static uint64_t
agentLogClock(void *opaque)
{
    return xvAgentClockMonoNs(opaque);
}

/* When a policy action ended: the agent's real time, in ms. */
static uint64_t
agentPolicyClockMs(void *opaque)
{
    return xvAgentClockRealNs(opaque) / 1000000u;
}

/* Stops the sampler, waiting longer for a policy action in progress. */
static void
agentStopWorker(xvAgent *agent)
{
    bool acting = agent->policy && xvPolicyEngineActing(agent->policy);
    uint64_t timeoutMs = acting ? AGENT_ACTION_STOP_TIMEOUT_MS : AGENT_STOP_TIMEOUT_MS;

    if (xvWorkerStop(agent->worker, timeoutMs) == 0)
        return;
    if (xvPolicyEngineActing(agent->policy))
        xvLogWarning("policy: the action in progress did not finish within %llu s; exiting "
                     "without it (the next start finishes it)",
                     (unsigned long long)(timeoutMs / 1000));
    else
        xvLogWarning("sampler: a hypervisor call is still hanging; exiting without it");
    /* the thread left behind may still run the policies and read the
     * clock: keep them (and the event figures its actions update) */
    agent->policy = NULL;
    agent->clock = NULL;
    agent->eventStats = NULL;
}

xvAgent *
xvAgentNew(const xvAgentOptions *opts)
{
    xvAgent *agent = xvAlloc(sizeof(*agent));
    xvPolicySet *policies = NULL;
    xvWebConfig *web = NULL;
    xvWorkerSettings settings;

    agent->opts = *opts;
    pthread_mutex_init(&agent->pubLock, NULL);
    if (xvAgentLoadConf(opts, &agent->conf) < 0 ||
        xvAgentParsePolicies(agent->conf, &policies) < 0)
        goto error;
    agent->policy = xvPolicyEngineNew(agent->conf->stateDir ? agent->conf->stateDir :
                                      XV_AGENT_DEFAULT_STATE_DIR);
    xvPolicyEngineConfigure(agent->policy, policies, agent->conf->uri, false);
    if (xvPolicySetCount(policies) > 0)
        xvLogInfo("policy: %zu %s configured", xvPolicySetCount(policies),
                  xvPolicySetCount(policies) == 1 ? "policy" : "policies");
    xvLogSetLevel(agent->conf->logLevel);
    xvLogSetFormat(agent->conf->logFormat);
    agent->reloadOk = true;
    if (opts->testControl)
        agent->clock = xvAgentClockNewStepped(opts->testClockStartMs * 1000000u);
    /* the clock, not the agent: it outlives the agent with a sampler left behind */
    xvPolicyEngineSetClock(agent->policy, agentPolicyClockMs, agent->clock);
    agent->eventStats = xvEventStatsNew(agent->clock);
    xvPolicyEngineSetObserver(agent->policy, agentActionObserved, agent->eventStats);
    xvLogSetClock(agentLogClock, agent->clock);
    agent->reloadSuccessNs = xvAgentClockRealNs(agent->clock);
    agent->apiVersion = agentAPIVersion();
    /* the sampler thread wakes the loop with event_active() */
    if (evthread_use_pthreads() < 0 || !(agent->base = event_base_new())) {
        xvLogError("cannot create the event loop");
        goto error;
    }
    agent->nodedump = xvNodeDumpHttpNew(agent->base);
    agent->pubEvent = event_new(agent->base, -1, 0, agentOnPublication, agent);
    agent->sigterm = evsignal_new(agent->base, SIGTERM, agentOnSignal, agent);
    agent->sigint = evsignal_new(agent->base, SIGINT, agentOnSignal, agent);
    agent->sighup = evsignal_new(agent->base, SIGHUP, agentOnSignal, agent);
    event_add(agent->sigterm, NULL);
    event_add(agent->sigint, NULL);
    event_add(agent->sighup, NULL);
    if (agentOpenWeb(agent->conf, &web) < 0 || agentListen(agent, agent->conf) < 0) {
        xvWebFree(web);
        goto error;
    }
    xvHttpServerSetWeb(agent->http, web, agent->conf->healthWithoutAuth);
    if (opts->testControl && agentStartControl(agent) < 0)
        goto error;
    agentWorkerSettings(agent, agent->conf, &settings);
    if (!(agent->worker = xvWorkerStart(&settings, agent->clock, agentPublish, agent))) {
        xvLogError("cannot start the sampler thread: %s", strerror(errno));
        goto error;
    }
    if (agent->control)
        xvTestControlAttach(agent->control, agent->worker);
    agentStartEvents(agent, agent->conf);
    if (agentStartWatchdog(agent) < 0)
        goto error;
    xvLogInfo("sampling %s every %llu ms", agent->conf->uri ? agent->conf->uri : "xen:///",
              (unsigned long long)agent->conf->intervalMs);
    return agent;

 error:
    xvAgentFree(agent);
    return NULL;
}

int
xvAgentRun(xvAgent *agent)
{
    if (event_base_dispatch(agent->base) < 0) {
        xvLogError("event loop failed");
        return 1;
    }
    return 0;
}

void
xvAgentFree(xvAgent *agent)
{
    if (!agent)
        return;
    xvTestControlFree(agent->control);
    agentStopEvents(agent);
    if (agent->worker) {
        /* no action starts during the wait (once stopping, for good) */
        if (agent->policy)
            xvPolicyEngineStop(agent->policy);
        agentStopWorker(agent);
    }
    agent->worker = NULL;
    xvPolicyEngineFree(agent->policy);
    xvNodeDumpHttpFree(agent->nodedump);
    xvHttpServerFree(agent->http);
    agentAddrsClear(&agent->listen);
    if (agent->pubEvent)
        event_free(agent->pubEvent);
    if (agent->sigterm)
        event_free(agent->sigterm);
    if (agent->sigint)
        event_free(agent->sigint);
    if (agent->sighup)
        event_free(agent->sighup);
    if (agent->watchdog)
        event_free(agent->watchdog);
    xvNotifyReset();
    agentPublicationUnref(agent->pending);
    agentPublicationUnref(agent->current);
    if (agent->base)
        event_base_free(agent->base);
    xvAgentConfFree(agent->conf);
    /* (a sampler left behind keeps the clock, and may still log) */
    if (agent->clock)
        xvLogSetClock(NULL, NULL);
    xvAgentClockFree(agent->clock);
    xvEventStatsFree(agent->eventStats);
    free(agent->apiVersion);
    pthread_mutex_destroy(&agent->pubLock);
    free(agent);
}
