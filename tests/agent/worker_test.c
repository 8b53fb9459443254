/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* worker_test.c: the sampler's schedule on the stepped clock of the test
 * control (src/agent/clock.h, worker.h), on test:///default. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "collectors/collector.h"
#include "src/agent/clock.h"
#include "src/agent/worker.h"
#include "xvtest.h"

#define MS 1000000ULL
#define MAX_SAMPLES 64

/* What the sampler published, in order. */
typedef struct {
    pthread_mutex_t lock;
    size_t n;
    uint64_t seq[MAX_SAMPLES];
    uint64_t startNs[MAX_SAMPLES];
    uint64_t durationNs[MAX_SAMPLES];
    uint64_t timestampNs[MAX_SAMPLES];
    uint64_t hookMs[MAX_SAMPLES];       /* the hook's realNowMs */
    uint64_t reportSeq[MAX_SAMPLES];    /* the seq in the report published beside it */
    bool complete[MAX_SAMPLES];         /* domainsComplete */
    unsigned int idles;
} published;

/* What the after-sample hook makes of a sample, published beside it. */
typedef struct {
    uint64_t seq;
} hookReport;

/* Reports made and not freed yet: 0 once the sampler stopped. */
static atomic_int liveReports;

typedef struct {
    xvAgentClock *clock;
    xvWorker *worker;
    uint64_t start;             /* the clock's start */
    published pub;
} fixture;

static void *
onHook(struct _virConnect *conn, const xvSnapshot *snap, uint64_t realNowMs, void *opaque)
{
    published *p = opaque;
    hookReport *r = malloc(sizeof(*r));

    (void)conn;
    assert_non_null(r);
    r->seq = snap->seq;
    atomic_fetch_add(&liveReports, 1);
    pthread_mutex_lock(&p->lock);
    if (p->n < MAX_SAMPLES)
        p->hookMs[p->n] = realNowMs;
    pthread_mutex_unlock(&p->lock);
    return r;
}

static void
onReportFree(void *report)
{
    if (report)
        atomic_fetch_sub(&liveReports, 1);
    free(report);
}

static void
onPublish(const xvSnapshot *snap, void *report, void *opaque)
{
    published *p = opaque;

    pthread_mutex_lock(&p->lock);
    if (p->n < MAX_SAMPLES) {
        p->reportSeq[p->n] = report ? ((hookReport *)report)->seq : 0;
        p->seq[p->n] = snap->seq;
        p->complete[p->n] = snap->domainsComplete;
        p->startNs[p->n] = snap->startedMonoNs;
        p->durationNs[p->n] = snap->durationNs;
        p->timestampNs[p->n] = snap->timestampNs;
        p->n++;
    }
    pthread_mutex_unlock(&p->lock);
    xvSnapshotUnref(snap);
    onReportFree(report);
}

static void
onIdle(void *opaque)
{
    published *p = opaque;

    p->idles++;     /* under the sampler's lock */
}

static void
settingsFor(published *p, uint64_t intervalMs, xvWorkerSettings *s)
{
    size_t i;

    memset(s, 0, sizeof(*s));
    s->uri = "test:///default";
    s->intervalMs = intervalMs;
    s->afterSample = onHook;
    s->afterSampleFree = onReportFree;
    s->afterSampleOpaque = p;
    for (i = 0; xvCollectors[i] && i < XV_COLLECTORS_MAX; i++)
        s->enabled[i] = xvCollectors[i]->defaultEnabled;
}

static size_t
publishedCount(published *p)
{
    size_t n;

    pthread_mutex_lock(&p->lock);
    n = p->n;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* Waits (10 s of real time at most) until the sampler is idle. */
static void
waitIdle(fixture *f, xvWorkerProgress *progress)
{
    int i;

    for (i = 0; i < 10000; i++) {
        xvWorkerGetProgress(f->worker, progress);
        if (progress->idle)
            return;
        usleep(1000);
    }
    fail_msg("the sampler never became idle");
}

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xvWorkerSettings s;
    xvWorkerProgress progress;

    assert_non_null(f);
    pthread_mutex_init(&f->pub.lock, NULL);
    f->clock = xvAgentClockNewStepped(1700000000000ULL * MS);
    f->start = xvAgentClockStartNs(f->clock);
    settingsFor(&f->pub, 200, &s);
    f->worker = xvWorkerStart(&s, f->clock, onPublish, &f->pub);
    assert_non_null(f->worker);
    xvWorkerSetIdleHook(f->worker, onIdle, &f->pub);
    waitIdle(f, &progress);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    assert_int_equal(xvWorkerStop(f->worker, 5000), 0);
    assert_int_equal(atomic_load(&liveReports), 0);
    xvAgentClockFree(f->clock);
    pthread_mutex_destroy(&f->pub.lock);
    free(f);
    return 0;
}

static void
test_stepped_clock_starts_at_the_real_monotonic_time_and_the_given_real_time(void **state)
{
    fixture *f = *state;
    struct timespec ts;
    uint64_t real;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    real = (uint64_t)ts.tv_sec * 1000 * MS + (uint64_t)ts.tv_nsec;
    assert_true(f->start <= real);
    assert_true(real - f->start < 60000 * MS);
    assert_int_equal(xvAgentClockRealNs(f->clock) - xvAgentClockMonoNs(f->clock),
                     1700000000000ULL * MS - f->start);
}

static void
test_stepped_clock_never_moves_back(void **state)
{
    fixture *f = *state;
    xvAgentClock *clock = xvAgentClockNewStepped(0);
    uint64_t t = xvAgentClockMonoNs(clock);

    (void)f;
    xvAgentClockSetMono(clock, t + 5 * MS);
    xvAgentClockSetMono(clock, t + 1 * MS);
    assert_int_equal(xvAgentClockMonoNs(clock), t + 5 * MS);
    usleep(2000);
    assert_int_equal(xvAgentClockMonoNs(clock), t + 5 * MS);
    xvAgentClockFree(clock);
}

static void
test_first_sample_is_taken_at_once_at_the_start(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;

    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 1);
    assert_int_equal(f->pub.seq[0], 1);
    assert_int_equal(f->pub.startNs[0], f->start);
    assert_int_equal(f->pub.durationNs[0], 0);
    assert_int_equal(f->pub.timestampNs[0], 1700000000000ULL * MS);
    assert_int_equal(f->pub.hookMs[0], 1700000000000ULL);
    assert_true(f->pub.complete[0]);    /* the domain collector listed them all */
    assert_int_equal(progress.published, 1);
    assert_int_equal(progress.nextNs, f->start + 200 * MS);
    assert_false(progress.sampling);
    assert_true(f->pub.idles >= 1);
}

static void
test_nothing_is_sampled_while_the_clock_stands_still(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;

    usleep(300000);     /* more than an interval of real time */
    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 1);
    assert_int_equal(xvAgentClockMonoNs(f->clock), f->start);
}

static void
test_advance_takes_each_due_sample_at_its_own_time(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;
    size_t i;

    xvWorkerAdvance(f->worker, 1000 * MS);
    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 6);
    for (i = 0; i < 6; i++) {
        assert_int_equal(f->pub.seq[i], i + 1);
        assert_int_equal(f->pub.startNs[i], f->start + i * 200 * MS);
        assert_int_equal(f->pub.timestampNs[i], 1700000000000ULL * MS + i * 200 * MS);
        assert_int_equal(f->pub.hookMs[i], 1700000000000ULL + i * 200);
    }
    assert_int_equal(xvAgentClockMonoNs(f->clock), f->start + 1000 * MS);
    assert_int_equal(progress.published, 6);
    assert_int_equal(progress.nextNs, f->start + 1200 * MS);
}

static void
test_advance_short_of_the_due_time_takes_no_sample(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;

    xvWorkerAdvance(f->worker, 150 * MS);
    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 1);
    assert_int_equal(xvAgentClockMonoNs(f->clock), f->start + 150 * MS);
    xvWorkerAdvance(f->worker, 50 * MS);
    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 2);
    assert_int_equal(f->pub.startNs[1], f->start + 200 * MS);
}

static void
test_pass_moves_the_clock_at_once_and_a_late_sample_is_taken_once(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;

    xvWorkerPass(f->worker, 700 * MS);
    assert_int_equal(xvAgentClockMonoNs(f->clock), f->start + 700 * MS);
    waitIdle(f, &progress);
    /* three due times went by (200, 400, 600 ms): one sample, late */
    assert_int_equal(publishedCount(&f->pub), 2);
    assert_int_equal(f->pub.startNs[1], f->start + 700 * MS);
    assert_int_equal(progress.nextNs, f->start + 900 * MS);
}

static void
test_new_settings_take_a_sample_at_once_without_moving_the_clock(void **state)
{
    fixture *f = *state;
    xvWorkerSettings s;
    xvWorkerProgress progress;

    xvWorkerAdvance(f->worker, 100 * MS);
    waitIdle(f, &progress);
    settingsFor(&f->pub, 1000, &s);
    xvWorkerReconfigure(f->worker, &s);
    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 2);
    assert_int_equal(f->pub.startNs[1], f->start + 100 * MS);
    assert_int_equal(progress.nextNs, f->start + 1100 * MS);
    assert_int_equal(xvAgentClockMonoNs(f->clock), f->start + 100 * MS);
}

static void
test_kick_samples_now_and_says_which_sample(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;

    assert_int_equal(xvWorkerKick(f->worker), 2);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 2);
    assert_int_equal(f->pub.startNs[1], f->start);
    assert_int_equal(xvAgentClockMonoNs(f->clock), f->start);
}

/* Events ask for samples soon: the first at once, the rest of a storm one
 * gap after the sample before, however many; a periodic tick serves them
 * too. The sampler runs at 200 ms here, the gap is 50 ms. */
static void
test_kick_soon_coalesces_a_storm_into_one_sample_per_gap(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;
    int i;

    xvWorkerAdvance(f->worker, 100 * MS);          /* 100 ms after sample 1 */
    waitIdle(f, &progress);
    xvWorkerKickSoon(f->worker, 50 * MS);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 2);        /* at once: the gap had passed */
    assert_int_equal(f->pub.startNs[1], f->start + 100 * MS);
    assert_int_equal(progress.soonSamples, 1);
    for (i = 0; i < 20; i++)                        /* a storm right after it */
        xvWorkerKickSoon(f->worker, 50 * MS);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 2);        /* waits for the gap */
    assert_int_equal(progress.nextNs, f->start + 150 * MS);
    xvWorkerAdvance(f->worker, 49 * MS);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 2);
    xvWorkerAdvance(f->worker, 1 * MS);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 3);        /* one sample for all twenty */
    assert_int_equal(f->pub.startNs[2], f->start + 150 * MS);
    assert_int_equal(progress.soonSamples, 2);
    assert_int_equal(progress.nextNs, f->start + 350 * MS);   /* the tick counts from it */
    xvWorkerAdvance(f->worker, 400 * MS);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 5);        /* ticks only: 350, 550 */
    assert_int_equal(progress.soonSamples, 2);
}

/* No gap: every event sample is taken at once, even right after another
 * (the one before may have read the hypervisor before the event). */
static void
test_kick_soon_without_gap_samples_at_once(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;

    xvWorkerAdvance(f->worker, 200 * MS);           /* sample 2 at 200 ms */
    waitIdle(f, &progress);
    xvWorkerKickSoon(f->worker, 0);
    waitIdle(f, &progress);
    assert_int_equal(progress.published, 3);
    assert_int_equal(f->pub.startNs[2], f->start + 200 * MS);
    assert_int_equal(progress.soonSamples, 1);
}

static void
test_what_the_hook_made_is_published_beside_its_snapshot(void **state)
{
    fixture *f = *state;
    xvWorkerProgress progress;
    size_t i;

    xvWorkerAdvance(f->worker, 600 * MS);
    waitIdle(f, &progress);
    assert_int_equal(publishedCount(&f->pub), 4);
    for (i = 0; i < 4; i++) {
        assert_int_equal(f->pub.seq[i], i + 1);
        assert_int_equal(f->pub.reportSeq[i], f->pub.seq[i]);
    }
    assert_int_equal(atomic_load(&liveReports), 0);   /* each freed by its publisher */
}

static void
test_real_clock_samples_by_itself(void **state)
{
    published pub = { .n = 0 };
    xvWorkerSettings s;
    xvWorker *w;
    int i;

    (void)state;
    pthread_mutex_init(&pub.lock, NULL);
    settingsFor(&pub, 100, &s);
    w = xvWorkerStart(&s, NULL, onPublish, &pub);
    assert_non_null(w);
    for (i = 0; i < 10000 && publishedCount(&pub) < 2; i++)
        usleep(1000);
    assert_int_equal(xvWorkerStop(w, 5000), 0);
    assert_int_equal(atomic_load(&liveReports), 0);
    assert_true(pub.n >= 2);
    /* (the first interval counts from before the connection was made) */
    assert_int_equal(pub.seq[1], 2);
    assert_true(pub.startNs[1] > pub.startNs[0]);
    pthread_mutex_destroy(&pub.lock);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
        test_stepped_clock_starts_at_the_real_monotonic_time_and_the_given_real_time,
        setup, teardown),
    cmocka_unit_test_setup_teardown(test_stepped_clock_never_moves_back, setup, teardown),
    cmocka_unit_test_setup_teardown(test_first_sample_is_taken_at_once_at_the_start,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_nothing_is_sampled_while_the_clock_stands_still,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_advance_takes_each_due_sample_at_its_own_time,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_advance_short_of_the_due_time_takes_no_sample,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(
        test_pass_moves_the_clock_at_once_and_a_late_sample_is_taken_once, setup, teardown),
    cmocka_unit_test_setup_teardown(
        test_new_settings_take_a_sample_at_once_without_moving_the_clock, setup, teardown),
    cmocka_unit_test_setup_teardown(test_kick_soon_coalesces_a_storm_into_one_sample_per_gap,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_kick_soon_without_gap_samples_at_once, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_kick_samples_now_and_says_which_sample,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_what_the_hook_made_is_published_beside_its_snapshot,
                                    setup, teardown),
    cmocka_unit_test(test_real_clock_samples_by_itself),
};

XV_TEST_MAIN(tests)
