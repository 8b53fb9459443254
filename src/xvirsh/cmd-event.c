/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-event.c: the "event" command: waits for the lifecycle events of the
 * domains (or of one) and prints them as virsh 9 does, from the library's
 * default event loop (virEventRegisterDefaultImpl, registered at start-up
 * as virsh does, and virEventRunDefaultImpl run here). One event, or with
 * --loop every event until the timeout or SIGINT; then "events received: N".
 * The API has the lifecycle events only: "lifecycle" is the one type.
 */
#include "config.h"

#include "xvirsh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/xvevent.h"

/* The event types "event --list" shows and --event takes. */
static const char *const eventTypes[] = { "lifecycle", NULL };

/* ---- Waiting -------------------------------------------------------------- */

typedef enum {
    EVENT_WAITING = 0,
    EVENT_DONE,             /* one-shot: the event came */
    EVENT_TIMED_OUT,
    EVENT_INTERRUPTED,
} eventOutcome;

typedef struct _eventWait eventWait;
struct _eventWait {
    bool loop;
    bool timestamp;
    int count;
    eventOutcome outcome;
};

/* SIGINT writes to this pipe, which the loop watches: poll(2) may be
 * restarted after the signal, a readable descriptor always wakes it. */
static int eventSignalPipe[2] = { -1, -1 };

bool
xvshEventLoopInit(void)
{
    if (virEventRegisterDefaultImpl() < 0)
        return false;
    if (pipe(eventSignalPipe) < 0) {
        eventSignalPipe[0] = eventSignalPipe[1] = -1;
        return true;    /* "event" will say so */
    }
    fcntl(eventSignalPipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(eventSignalPipe[1], F_SETFD, FD_CLOEXEC);
    fcntl(eventSignalPipe[0], F_SETFL, O_NONBLOCK);
    fcntl(eventSignalPipe[1], F_SETFL, O_NONBLOCK);
    return true;
}

static void
eventSigint(int sig XV_UNUSED)
{
    int saved = errno;
    ssize_t n = write(eventSignalPipe[1], "", 1);

    (void)n;
    errno = saved;
}

static void
eventSignalled(int watch XV_UNUSED, int fd, int events XV_UNUSED, void *opaque)
{
    eventWait *wait = opaque;
    char buf[64];

    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    if (wait->outcome == EVENT_WAITING)
        wait->outcome = EVENT_INTERRUPTED;
}

static void
eventTimedOut(int timer XV_UNUSED, void *opaque)
{
    eventWait *wait = opaque;

    if (wait->outcome == EVENT_WAITING)
        wait->outcome = EVENT_TIMED_OUT;
}

/* virsh's timestamp: UTC, milliseconds, "2026-12-06 07:40:01.123+0000". */
static void
eventPrintTimestamp(void)
{
    struct timeval tv;
    struct tm tm;
    char buf[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    xvshPrint("%s.%03d+0000: ", buf, (int)(tv.tv_usec / 1000));
}

static int
eventLifecycle(virConnectPtr conn XV_UNUSED, virDomainPtr dom, int event, int detail,
               void *opaque)
{
    eventWait *wait = opaque;

    /* one-shot: the events already queued behind the first are dropped */
    if (!wait->loop && wait->count > 0)
        return 0;
    if (wait->timestamp)
        eventPrintTimestamp();
    xvshPrint("event 'lifecycle' for domain '%s': %s %s\n", virDomainGetName(dom),
              xvEventName(event), xvEventDetailName(event, detail));
    fflush(stdout);
    wait->count++;
    if (!wait->loop)
        wait->outcome = EVENT_DONE;
    return 0;
}

/* VIR_DOMAIN_EVENT_CALLBACK() through void (*)(void), which gcc's
 * -Wcast-function-type accepts as "any function". */
#define EVENT_GENERIC_CALLBACK(cb) \
    ((virConnectDomainEventGenericCallback)(void (*)(void))(cb))

/* Runs the default loop until @wait has an outcome. */
static bool
eventRun(eventWait *wait)
{
    while (wait->outcome == EVENT_WAITING) {
        if (virEventRunDefaultImpl() < 0)
            return false;
    }
    return true;
}

/* ---- The command ---------------------------------------------------------- */

/* --timeout SECS in milliseconds (0: none), as virsh checks it: a positive
 * int whose milliseconds fit an int. */
static bool
eventTimeoutMs(const xvshCmd *cmd, int *ms)
{
    int secs = 0;
    int rc = xvshOptInt(cmd, "timeout", &secs);

    *ms = 0;
    if (rc < 0)
        return false;
    if (rc == 0)
        return true;
    if (secs < 1 || secs > INT_MAX / 1000) {
        xvshError("Numeric value '%s' for <timeout> option is malformed or out of range",
                  xvshOptString(cmd, "timeout"));
        return false;
    }
    *ms = secs * 1000;
    return true;
}

/* virsh's order: exclusive options, --list, the event type, the timeout. */
static bool
eventCheckOptions(const xvshCmd *cmd, int *timeoutMs)
{
    const char *type = xvshOptString(cmd, "event");
    bool all = xvshOptBool(cmd, "all");
    bool list = xvshOptBool(cmd, "list");
    size_t i;

    if (all && type) {
        xvshError("Options --all and --event are mutually exclusive");
        return false;
    }
    if (list && (all || type)) {
        xvshError("Options --list and --%s are mutually exclusive", all ? "all" : "event");
        return false;
    }
    if (list)
        return true;
    if (!type && !all) {
        xvshError("%s", "one of --list, --all, or --event <type> is required");
        return false;
    }
    for (i = 0; type && eventTypes[i]; i++) {
        if (XV_STREQ(type, eventTypes[i]))
            break;
    }
    if (type && !eventTypes[i]) {
        xvshError("unknown event type %s", type);
        return false;
    }
    return eventTimeoutMs(cmd, timeoutMs);
}

/* Waits with SIGINT caught (and the previous action restored). */
static bool
eventWaitFor(xvshControl *ctl, virDomainPtr dom, eventWait *wait, int timeoutMs)
{
    struct sigaction act = { .sa_handler = eventSigint }, old;
    int timer = -1, watch = -1, id;
    bool ok = false;

    if (eventSignalPipe[0] < 0) {
        xvshError("%s", "cannot catch SIGINT: no pipe");
        return false;
    }
    if ((watch = virEventAddHandle(eventSignalPipe[0], VIR_EVENT_HANDLE_READABLE,
                                   eventSignalled, wait, NULL)) < 0 ||
        (timeoutMs > 0 &&
         (timer = virEventAddTimeout(timeoutMs, eventTimedOut, wait, NULL)) < 0)) {
        xvshError("%s", "cannot start the event loop");
        goto cleanup;
    }
    sigemptyset(&act.sa_mask);
    sigaction(SIGINT, &act, &old);
    id = virConnectDomainEventRegisterAny(ctl->conn, dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          EVENT_GENERIC_CALLBACK(eventLifecycle), wait, NULL);
    if (id >= 0) {
        ok = eventRun(wait);
        if (virConnectDomainEventDeregisterAny(ctl->conn, id) < 0)
            ok = false;
    }
    sigaction(SIGINT, &old, NULL);

 cleanup:
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    if (watch >= 0)
        virEventRemoveHandle(watch);
    return ok;
}

static bool
cmdEvent(xvshControl *ctl, const xvshCmd *cmd)
{
    eventWait wait = { .loop = xvshOptBool(cmd, "loop"),
                       .timestamp = xvshOptBool(cmd, "timestamp") };
    virDomainPtr dom = NULL;
    int timeoutMs = 0;
    bool ok;
    size_t i;

    if (!eventCheckOptions(cmd, &timeoutMs))
        return false;
    if (xvshOptBool(cmd, "list")) {
        for (i = 0; eventTypes[i]; i++)
            xvshPrint("%s\n", eventTypes[i]);
        return true;
    }
    if (xvshOptString(cmd, "domain") &&
        !(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;

    ok = eventWaitFor(ctl, dom, &wait, timeoutMs);
    if (dom)
        virDomainFree(dom);
    if (!ok)
        return false;
    if (wait.outcome == EVENT_INTERRUPTED)
        xvshPrint("event loop interrupted\n");
    else if (wait.outcome == EVENT_TIMED_OUT)
        xvshPrint("event loop timed out\n");
    xvshPrint("events received: %d\n", wait.count);
    return wait.count > 0;
}

static const xvshOptDef eventOpts[] = {
    { .name = "domain", .type = XVSH_OT_DATA, .valueName = "string",
      .help = "filter by domain name, id or uuid", .completer = XVSH_COMPLETE_DOMAIN },
    { .name = "event", .type = XVSH_OT_DATA, .valueName = "string",
      .help = "which event type to wait for", .completer = XVSH_COMPLETE_EVENT },
    { .name = "all", .type = XVSH_OT_BOOL,
      .help = "wait for all events instead of just one type" },
    { .name = "loop", .type = XVSH_OT_BOOL,
      .help = "loop until timeout or interrupt, rather than one-shot" },
    { .name = "timeout", .type = XVSH_OT_DATA, .valueName = "number",
      .help = "timeout seconds" },
    { .name = "list", .type = XVSH_OT_BOOL, .help = "list valid event types" },
    { .name = "timestamp", .type = XVSH_OT_BOOL,
      .help = "show timestamp for each printed event" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdEvent = {
    .name = "event",
    .usage = "[--domain <string>] [--event <string>] [--all] [--loop] "
             "[--timeout <number>] [--list] [--timestamp]",
    .help = "Domain Events",
    .desc = "List event types, or wait for domain events to occur: one, or with "
            "--loop every one until the timeout or an interrupt (SIGINT). The "
            "API has one event type, lifecycle.",
    .opts = eventOpts,
    .run = cmdEvent,
};

/* Completion of --event (complete.c). */
const char *const *
xvshEventTypes(void)
{
    return eventTypes;
}
