/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodedump.c: a node dump from start to end: the samples, then the node file. */
#include "config.h"

#include "nodedump.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "util/xvalloc.h"
#include "util/xvclock.h"

/* Sleeps until CLOCK_MONOTONIC reads @deadlineNs. */
static bool
ndSleepUntil(uint64_t deadlineNs, void *opaque)
{
    struct timespec ts = xvClockTimespec(deadlineNs);

    (void)opaque;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
    return true;
}

/* Takes the samples, each st->intervalMs after the start of the one before. */
static bool
ndSampleAll(nodedumpState *st)
{
    const xvNodeDumpHooks *h = st->hooks;
    uint64_t start = xvClockMonoNs();

    for (st->sample = 1; st->sample <= st->samples; st->sample++) {
        uint64_t due = start + (st->sample - 1) * st->intervalMs * XV_NS_PER_MS;

        if (st->sample > 1 &&
            !(h && h->sleepUntil ? h->sleepUntil(due, h->opaque) : ndSleepUntil(due, NULL))) {
            ndFail(st, "the node dump was stopped");
            return false;
        }
        if (!ndSample(st))
            return false;
    }
    st->sample = st->samples;
    return true;
}

char *
xvNodeDumpTake(virConnectPtr conn, const char *uri, unsigned int samples,
               uint64_t intervalMs, const xvNodeDumpHooks *hooks, char **errmsg)
{
    nodedumpState st;
    char *text = NULL;

    *errmsg = NULL;
    if (ndStateInit(&st, conn, hooks, samples, intervalMs) && ndSampleAll(&st))
        text = ndFormatNode(&st, uri, time(NULL));
    if (!text)
        *errmsg = xvStrdup(st.error ? st.error : "the node dump failed");
    ndStateFree(&st);
    return text;
}
