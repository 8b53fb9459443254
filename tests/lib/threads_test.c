/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* threads_test.c: several threads sharing one read-only and one read-write
 * connection to the same test node: errors stay per-thread, state stays
 * consistent, nothing crashes (run it under ASan and TSan too). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "apitest.h"

#define NTHREADS 8
#define ITERATIONS 150

/* cmocka's assertions longjmp: only the main thread may use them. Worker
 * threads record what went wrong here and the main thread asserts on it. */
typedef struct {
    int index;
    virConnectPtr rw;
    virConnectPtr ro;
    const char *uri;
    pthread_barrier_t *barrier;
    long calls;
    int failures;
    char firstFailure[512];
} thrCtx;

static void
thrFail(thrCtx *ctx, int line, const char *fmt, ...)
{
    va_list ap;

    if (ctx->failures++ > 0)
        return;
    snprintf(ctx->firstFailure, sizeof(ctx->firstFailure), "thread %d, line %d: ",
             ctx->index, line);
    va_start(ap, fmt);
    vsnprintf(ctx->firstFailure + strlen(ctx->firstFailure),
              sizeof(ctx->firstFailure) - strlen(ctx->firstFailure), fmt, ap);
    va_end(ap);
}

#define THR_CHECK(ctx, cond) \
    do { \
        (ctx)->calls++; \
        if (!(cond)) \
            thrFail((ctx), __LINE__, "%s failed (last error: %s)", #cond, \
                    virGetLastErrorMessage()); \
    } while (0)

/* After a successful call: this thread has no error. */
#define THR_NO_ERROR(ctx) \
    do { \
        if (virGetLastError()) \
            thrFail((ctx), __LINE__, "unexpected error: %s", virGetLastErrorMessage()); \
    } while (0)

/* After a failing call: this thread's own error, @code, naming @substr. */
#define THR_OWN_ERROR(ctx, xcode_, xsubstr_) \
    do { \
        virErrorPtr e_ = virGetLastError(); \
        if (!e_ || e_->code != (xcode_) || !e_->message || !strstr(e_->message, (xsubstr_))) \
            thrFail((ctx), __LINE__, "expected error %d naming '%s', got %d: %s", (xcode_), \
                    (xsubstr_), e_ ? e_->code : 0, virGetLastErrorMessage()); \
    } while (0)

static void
assertThreadsClean(thrCtx *ctx, int n, long minCalls)
{
    long calls = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (ctx[i].failures)
            fail_msg("%d failure(s); first: %s", ctx[i].failures, ctx[i].firstFailure);
        calls += ctx[i].calls;
    }
    if (calls < minCalls)
        fail_msg("only %ld calls made, expected at least %ld", calls, minCalls);
}

static void
runThreads(void *(*fn)(void *), thrCtx *ctx, int n)
{
    pthread_t tids[NTHREADS * 2];
    int i;

    assert_true(n <= NTHREADS * 2);
    for (i = 0; i < n; i++)
        assert_int_equal(pthread_create(&tids[i], NULL, fn, &ctx[i]), 0);
    for (i = 0; i < n; i++)
        assert_int_equal(pthread_join(tids[i], NULL), 0);
}

/* ---- fixture ------------------------------------------------------------- */

typedef struct {
    apiNode node;
    virConnectPtr rw;
    virConnectPtr ro;
    thrCtx ctx[NTHREADS * 2];
} thrTest;

static int
setup_shared(void **state)
{
    thrTest *t = calloc(1, sizeof(*t));
    int i;

    assert_non_null(t);
    apiNodeCopy(&t->node, "api/node.xml");
    t->rw = virConnectOpen(t->node.uri);
    t->ro = virConnectOpenReadOnly(t->node.uri);
    if (!t->rw || !t->ro)
        fail_msg("cannot open %s: %s", t->node.uri, virGetLastErrorMessage());
    for (i = 0; i < NTHREADS * 2; i++) {
        t->ctx[i].index = i;
        t->ctx[i].rw = t->rw;
        t->ctx[i].ro = t->ro;
        t->ctx[i].uri = t->node.uri;
    }
    *state = t;
    return 0;
}

static int
teardown_shared(void **state)
{
    thrTest *t = *state;

    assert_int_equal(virConnectClose(t->ro), 0);
    assert_int_equal(virConnectClose(t->rw), 0);
    apiNodeRemove(&t->node);
    free(t);
    return 0;
}

/* ---- concurrent initialization ------------------------------------------- */

static void *
initThread(void *opaque)
{
    thrCtx *ctx = opaque;
    virConnectPtr conn;

    pthread_barrier_wait(ctx->barrier);
    THR_CHECK(ctx, virInitialize() == 0);
    conn = virConnectOpenReadOnly(ctx->uri);
    THR_CHECK(ctx, conn != NULL);
    THR_NO_ERROR(ctx);
    if (conn) {
        THR_CHECK(ctx, virConnectNumOfDomains(conn) == 3);
        THR_CHECK(ctx, virConnectClose(conn) == 0);
    }
    return NULL;
}

/* Runs first in this binary, without a fixture: no library call has been
 * made yet (virSetErrorFunc() does not initialize), so the threads race to
 * initialize the library. */
static void
test_concurrent_first_calls_initialize_once(void **state)
{
    thrCtx ctx[NTHREADS];
    pthread_barrier_t barrier;
    apiNode node;
    int i;

    (void)state;
    apiNodeCopy(&node, "api/node.xml");
    memset(ctx, 0, sizeof(ctx));
    assert_int_equal(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
    for (i = 0; i < NTHREADS; i++) {
        ctx[i].index = i;
        ctx[i].uri = node.uri;
        ctx[i].barrier = &barrier;
    }
    runThreads(initThread, ctx, NTHREADS);
    pthread_barrier_destroy(&barrier);
    assertThreadsClean(ctx, NTHREADS, NTHREADS * 3);
    apiNodeRemove(&node);
}

/* ---- errors are per thread ----------------------------------------------- */

static void *
handoffThreadA(void *opaque)
{
    thrCtx *ctx = opaque;

    THR_CHECK(ctx, virDomainLookupByName(ctx->ro, "only-in-thread-a") == NULL);
    THR_OWN_ERROR(ctx, VIR_ERR_NO_DOMAIN, "only-in-thread-a");
    pthread_barrier_wait(ctx->barrier); /* 1: B looks at its own error */
    pthread_barrier_wait(ctx->barrier); /* 2: B fails on its own */
    pthread_barrier_wait(ctx->barrier); /* 3 */
    THR_OWN_ERROR(ctx, VIR_ERR_NO_DOMAIN, "only-in-thread-a");
    return NULL;
}

static void *
handoffThreadB(void *opaque)
{
    thrCtx *ctx = opaque;

    THR_CHECK(ctx, virConnectNumOfDomains(ctx->ro) == 3);
    pthread_barrier_wait(ctx->barrier); /* 1: A has failed */
    THR_NO_ERROR(ctx);
    THR_CHECK(ctx, virGetLastErrorCode() == VIR_ERR_OK);
    THR_CHECK(ctx, strcmp(virGetLastErrorMessage(), "no error") == 0);
    pthread_barrier_wait(ctx->barrier); /* 2 */
    THR_CHECK(ctx, virDomainLookupByName(ctx->rw, "only-in-thread-b") == NULL);
    THR_OWN_ERROR(ctx, VIR_ERR_NO_DOMAIN, "only-in-thread-b");
    pthread_barrier_wait(ctx->barrier); /* 3: A checks it still has its own */
    return NULL;
}

static void
test_error_of_one_thread_is_not_seen_by_another(void **state)
{
    thrTest *t = *state;
    pthread_barrier_t barrier;
    pthread_t a, b;

    assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
    t->ctx[0].barrier = t->ctx[1].barrier = &barrier;
    assert_int_equal(pthread_create(&a, NULL, handoffThreadA, &t->ctx[0]), 0);
    assert_int_equal(pthread_create(&b, NULL, handoffThreadB, &t->ctx[1]), 0);
    assert_int_equal(pthread_join(a, NULL), 0);
    assert_int_equal(pthread_join(b, NULL), 0);
    pthread_barrier_destroy(&barrier);
    assertThreadsClean(t->ctx, 2, 4);
}

static void *
freshThread(void *opaque)
{
    thrCtx *ctx = opaque;

    /* the main thread failed just before: not visible here */
    THR_NO_ERROR(ctx);
    THR_CHECK(ctx, virGetLastErrorCode() == VIR_ERR_OK);
    THR_CHECK(ctx, virGetLastErrorDomain() == VIR_FROM_NONE);
    /* fail here; the main thread keeps its own error */
    THR_CHECK(ctx, virConnectOpen("foo:///") == NULL);
    THR_OWN_ERROR(ctx, VIR_ERR_NO_CONNECT, "foo:///");
    return NULL;
}

static void
test_new_thread_starts_without_error(void **state)
{
    thrTest *t = *state;
    pthread_t tid;

    assert_null(virDomainLookupByName(t->rw, "main-thread-only"));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "main-thread-only");
    assert_int_equal(pthread_create(&tid, NULL, freshThread, &t->ctx[0]), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
    assertThreadsClean(t->ctx, 1, 2);
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST, "main-thread-only");
}

/* ---- mixed load on shared connections ------------------------------------ */

/* Read-only traffic, with a failing lookup of a name only this thread uses
 * every few calls. */
static void *
readerThread(void *opaque)
{
    thrCtx *ctx = opaque;
    int i;

    for (i = 0; i < ITERATIONS; i++) {
        virDomainPtr dom;
        virDomainInfo info;
        virVcpuInfo vinfo[4];
        unsigned char maps[4 * API_NODE_MAPLEN];
        int ids[16];
        char missing[64];
        char *xml;
        int n;

        n = virConnectListDomains(ctx->ro, ids, 16);
        THR_CHECK(ctx, n >= 3);
        THR_NO_ERROR(ctx);
        THR_CHECK(ctx, virConnectNumOfDomains(ctx->ro) >= 3);
        dom = virDomainLookupByName(ctx->ro, "beta");
        THR_CHECK(ctx, dom != NULL);
        if (!dom)
            continue;
        THR_CHECK(ctx, virDomainGetInfo(dom, &info) == 0);
        THR_CHECK(ctx, info.state == VIR_DOMAIN_RUNNING);
        THR_CHECK(ctx, virDomainGetVcpus(dom, vinfo, 4, maps, API_NODE_MAPLEN) == 2);
        xml = virDomainGetXMLDesc(dom, 0);
        THR_CHECK(ctx, xml && strstr(xml, "<name>beta</name>"));
        free(xml);
        THR_NO_ERROR(ctx);

        snprintf(missing, sizeof(missing), "missing-r%d-%d", ctx->index, i);
        THR_CHECK(ctx, virDomainLookupByName(ctx->ro, missing) == NULL);
        THR_OWN_ERROR(ctx, VIR_ERR_NO_DOMAIN, missing);
        /* a shared domain that a writer keeps pausing and resuming */
        THR_CHECK(ctx, virDomainFree(dom) == 0);
        THR_NO_ERROR(ctx);
        dom = virDomainLookupByName(ctx->ro, "alpha");
        THR_CHECK(ctx, dom != NULL);
        if (dom) {
            THR_CHECK(ctx, virDomainGetInfo(dom, &info) == 0);
            THR_CHECK(ctx, info.state == VIR_DOMAIN_RUNNING ||
                           info.state == VIR_DOMAIN_PAUSED);
            /* writes are refused, per thread */
            THR_CHECK(ctx, virDomainSuspend(dom) == -1);
            THR_OWN_ERROR(ctx, VIR_ERR_OPERATION_DENIED, "virDomainSuspend");
            THR_CHECK(ctx, virDomainFree(dom) == 0);
            THR_NO_ERROR(ctx);
        }
    }
    return NULL;
}

/* Read-write traffic on a domain only this thread touches. */
static void *
writerThread(void *opaque)
{
    thrCtx *ctx = opaque;
    char name[32], *xml = NULL;
    virDomainPtr dom;
    int i;

    snprintf(name, sizeof(name), "thr-%d", ctx->index);
    if (asprintf(&xml,
                 "<domain type='test'><name>%s</name><memory>524288</memory>"
                 "<vcpu>2</vcpu><os><type>linux</type><kernel>/boot/vmlinuz</kernel>"
                 "</os></domain>", name) < 0)
        return NULL;
    dom = virDomainDefineXML(ctx->rw, xml);
    free(xml);
    THR_CHECK(ctx, dom != NULL);
    if (!dom)
        return NULL;
    THR_CHECK(ctx, virDomainCreate(dom) == 0);
    for (i = 0; i < ITERATIONS; i++) {
        unsigned char map[API_NODE_MAPLEN] = { 0, 0 };
        unsigned char maps[2 * API_NODE_MAPLEN];
        virVcpuInfo vinfo[2];
        virDomainInfo info;
        int cpu = (i + ctx->index) % API_NODE_CPUS;
        unsigned long mem = 262144 + (unsigned long)i;

        THR_CHECK(ctx, virDomainSuspend(dom) == 0);
        THR_CHECK(ctx, virDomainGetInfo(dom, &info) == 0);
        THR_CHECK(ctx, info.state == VIR_DOMAIN_PAUSED);
        THR_CHECK(ctx, virDomainSuspend(dom) == -1);
        THR_OWN_ERROR(ctx, VIR_ERR_OPERATION_INVALID, name);
        THR_CHECK(ctx, virDomainResume(dom) == 0);
        THR_NO_ERROR(ctx);
        THR_CHECK(ctx, virDomainSetMemory(dom, mem) == 0);
        THR_CHECK(ctx, virDomainGetInfo(dom, &info) == 0);
        THR_CHECK(ctx, info.memory == mem && info.state == VIR_DOMAIN_RUNNING);
        VIR_USE_CPU(map, cpu);
        THR_CHECK(ctx, virDomainPinVcpu(dom, 0, map, API_NODE_MAPLEN) == 0);
        THR_CHECK(ctx, virDomainGetVcpus(dom, vinfo, 2, maps, API_NODE_MAPLEN) == 2);
        THR_CHECK(ctx, vinfo[0].cpu == cpu);
        THR_CHECK(ctx, memcmp(maps, map, API_NODE_MAPLEN) == 0);
        THR_CHECK(ctx, virDomainSetMemory(dom, 524289) == -1);
        THR_OWN_ERROR(ctx, VIR_ERR_INVALID_ARG, name);
    }
    THR_CHECK(ctx, virDomainUndefine(dom) == 0);
    THR_CHECK(ctx, virDomainDestroy(dom) == 0);
    THR_NO_ERROR(ctx);
    return NULL;
}

/* Define / look up / undefine domains with names only this thread uses. */
static void *
churnThread(void *opaque)
{
    thrCtx *ctx = opaque;
    int i;

    for (i = 0; i < ITERATIONS / 3; i++) {
        char name[48], *xml = NULL;
        virDomainPtr dom, seen;

        snprintf(name, sizeof(name), "churn-%d-%d", ctx->index, i);
        if (asprintf(&xml,
                     "<domain type='test'><name>%s</name><memory>65536</memory>"
                     "<os><type>hvm</type></os></domain>", name) < 0)
            return NULL;
        dom = virDomainDefineXML(ctx->rw, xml);
        free(xml);
        THR_CHECK(ctx, dom != NULL);
        if (!dom)
            continue;
        THR_NO_ERROR(ctx);
        seen = virDomainLookupByName(ctx->ro, name);
        THR_CHECK(ctx, seen != NULL);
        if (seen) {
            THR_CHECK(ctx, strcmp(virDomainGetName(seen), name) == 0);
            THR_CHECK(ctx, virDomainGetID(seen) == (unsigned int)-1);
            THR_CHECK(ctx, virDomainFree(seen) == 0);
        }
        THR_CHECK(ctx, virDomainUndefine(dom) == 0);
        THR_CHECK(ctx, virDomainFree(dom) == 0);
        THR_CHECK(ctx, virDomainLookupByName(ctx->ro, name) == NULL);
        THR_OWN_ERROR(ctx, VIR_ERR_NO_DOMAIN, name);
    }
    return NULL;
}

/* Pauses and resumes the shared domain alpha. */
static void *
toggleThread(void *opaque)
{
    thrCtx *ctx = opaque;
    virDomainPtr dom = virDomainLookupByName(ctx->rw, "alpha");
    int i;

    THR_CHECK(ctx, dom != NULL);
    if (!dom)
        return NULL;
    for (i = 0; i < ITERATIONS; i++) {
        THR_CHECK(ctx, virDomainSuspend(dom) == 0);
        THR_CHECK(ctx, virDomainResume(dom) == 0);
        THR_NO_ERROR(ctx);
    }
    THR_CHECK(ctx, virDomainFree(dom) == 0);
    return NULL;
}

static void *
mixedThread(void *opaque)
{
    thrCtx *ctx = opaque;

    switch (ctx->index % 4) {
    case 0:
        return ctx->index == 0 ? toggleThread(opaque) : readerThread(opaque);
    case 1:
        return readerThread(opaque);
    case 2:
        return writerThread(opaque);
    default:
        return churnThread(opaque);
    }
}

static void
test_shared_connections_survive_mixed_load(void **state)
{
    thrTest *t = *state;
    virDomainPtr dom;
    int ids[16];

    runThreads(mixedThread, t->ctx, NTHREADS);
    assertThreadsClean(t->ctx, NTHREADS, 3000);
    /* the node is as it was: writers and churners cleaned up */
    assert_int_equal(virConnectNumOfDomains(t->ro), 3);
    assert_int_equal(virConnectListDomains(t->ro, ids, 16), 3);
    {
        const char *names[16] = { NULL };
        int n = virConnectListDefinedDomains(t->ro, names, 16);

        assert_int_equal(n, 2); /* delta and epsilon */
        while (n-- > 0)
            free((char *)names[n]);
    }
    dom = virDomainLookupByName(t->ro, "alpha");
    assert_non_null(dom);
    {
        virDomainInfo info;

        assert_int_equal(virDomainGetInfo(dom, &info), 0);
        assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    }
    assert_int_equal(virDomainFree(dom), 0);
    assert_no_error();
}

/* ---- connections opened and closed concurrently -------------------------- */

static void *
openCloseThread(void *opaque)
{
    thrCtx *ctx = opaque;
    int i;

    for (i = 0; i < ITERATIONS / 3; i++) {
        virConnectPtr rw = virConnectOpen(ctx->uri);
        virConnectPtr ro = virConnectOpenReadOnly(ctx->uri);
        virDomainPtr dom;

        THR_CHECK(ctx, rw != NULL && ro != NULL);
        if (!rw || !ro)
            break;
        THR_NO_ERROR(ctx);
        THR_CHECK(ctx, virConnectNumOfDomains(ro) >= 3);
        dom = virDomainLookupByName(rw, "gamma");
        THR_CHECK(ctx, dom != NULL);
        /* close first: the domain keeps its connection alive */
        THR_CHECK(ctx, virConnectClose(rw) == 0);
        if (dom) {
            THR_CHECK(ctx, strcmp(virDomainGetName(dom), "gamma") == 0);
            THR_CHECK(ctx, virDomainFree(dom) == 0);
        }
        THR_CHECK(ctx, virConnectClose(ro) == 0);
        THR_NO_ERROR(ctx);
        THR_CHECK(ctx, virConnectOpen("test:///nonexistent/xvirt-thread.xml") == NULL);
        THR_OWN_ERROR(ctx, VIR_ERR_OPEN_FAILED, "xvirt-thread.xml");
    }
    return NULL;
}

static void
test_connections_opened_and_closed_concurrently(void **state)
{
    thrTest *t = *state;

    runThreads(openCloseThread, t->ctx, NTHREADS);
    assertThreadsClean(t->ctx, NTHREADS, NTHREADS * (ITERATIONS / 3) * 6);
    /* the fixture's connections still work */
    assert_int_equal(virConnectNumOfDomains(t->rw), 3);
    assert_int_equal(virConnectNumOfDomains(t->ro), 3);
}

/* ---- error callback from many threads ----------------------------------- */

static int threadCallbackCalls;

static void
countingErrorFunc(void *userData, virErrorPtr err)
{
    (void)userData;
    if (err && err->code == VIR_ERR_NO_DOMAIN)
        __atomic_fetch_add(&threadCallbackCalls, 1, __ATOMIC_RELAXED);
}

static void *
callbackThread(void *opaque)
{
    thrCtx *ctx = opaque;
    int i;

    for (i = 0; i < ITERATIONS; i++) {
        char name[48];

        snprintf(name, sizeof(name), "cb-%d-%d", ctx->index, i);
        THR_CHECK(ctx, virDomainLookupByName(i % 2 ? ctx->ro : ctx->rw, name) == NULL);
        THR_OWN_ERROR(ctx, VIR_ERR_NO_DOMAIN, name);
    }
    return NULL;
}

static void
test_error_callback_runs_once_per_failure_in_every_thread(void **state)
{
    thrTest *t = *state;

    __atomic_store_n(&threadCallbackCalls, 0, __ATOMIC_RELAXED);
    virSetErrorFunc(NULL, countingErrorFunc);
    runThreads(callbackThread, t->ctx, NTHREADS);
    virSetErrorFunc(NULL, apiQuietErrorFunc);
    assertThreadsClean(t->ctx, NTHREADS, NTHREADS * ITERATIONS);
    assert_int_equal(__atomic_load_n(&threadCallbackCalls, __ATOMIC_RELAXED),
                     NTHREADS * ITERATIONS);
}

#define THR_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_shared, teardown_shared)

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_concurrent_first_calls_initialize_once),
    THR_TEST(test_error_of_one_thread_is_not_seen_by_another),
    THR_TEST(test_new_thread_starts_without_error),
    THR_TEST(test_shared_connections_survive_mixed_load),
    THR_TEST(test_connections_opened_and_closed_concurrently),
    THR_TEST(test_error_callback_runs_once_per_failure_in_every_thread),
};

API_TEST_MAIN(tests)
