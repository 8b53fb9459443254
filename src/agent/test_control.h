/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_control.h: the test control of the agent's stepped clock, for the
 * end-to-end tests only (XVIRT_TEST_CONTROL=/ABS/PATH.sock; see
 * xvirt-agent(8), ENVIRONMENT).
 *
 * HTTP over a UNIX socket (mode 0600), served by the agent's loop; every
 * answer is one line
 *
 *   seq=N time_ns=T next_ns=D real_ms=R busy=0|1
 *
 * seq: the sample /metrics serves now (0: none yet); time_ns: the stepped
 * time since the agent started; next_ns: when the next sample is due (same
 * scale); real_ms: the stepped real time (ms since the epoch); busy: a
 * sample is in progress (a hung hypervisor call).
 *
 *   GET /status           answers at once
 *   GET /advance?by=DUR   runs time forward by DUR (500ms, 2s...): every
 *                         sample falling due is taken at its own due time
 *                         (policies run, snapshot published); answers once
 *                         the sampler is idle at the end
 *   GET /sample           takes one sample now; answers once it is served
 *   GET /pass?by=DUR      moves the clock at once, during whatever the
 *                         sampler does (a hung call takes that long); a
 *                         sample falling due meanwhile is taken late, once;
 *                         answers at once
 *
 * Between two answers nothing samples unless the test asked (or reloaded
 * the agent, which takes a sample at once, as on the real clock): a scrape
 * after an answer shows the sample whose seq it gave.
 */
#pragma once

#include <stdint.h>

#include "clock.h"
#include "worker.h"

struct event_base;

typedef struct _xvTestControl xvTestControl;

/* What the control needs of the agent; called in the loop thread. */
typedef struct _xvTestControlSource xvTestControlSource;
struct _xvTestControlSource {
    /* Takes the newest published sample into service if there is one, and
     * returns the seq of the sample /metrics serves (0: none). */
    uint64_t (*served)(void *opaque);
    void *opaque;
};

/*
 * Binds the control socket at the absolute @path (a socket left there is
 * replaced; any other file is refused) with mode 0600, and serves it on
 * @base once xvTestControlAttach() gave it the sampler. Call before any
 * thread starts (the mode is set with umask). NULL with *errmsg (to free())
 * on failure.
 */
xvTestControl *xvTestControlNew(struct event_base *base, const char *path,
                                xvAgentClock *clock, const xvTestControlSource *source,
                                char **errmsg);

/* The sampler the control steps (running on the control's clock). */
void xvTestControlAttach(xvTestControl *ctl, xvWorker *worker);

/* Answers what is pending with 503, detaches from the sampler, closes and
 * removes the socket. NULL is a no-op. */
void xvTestControlFree(xvTestControl *ctl);
