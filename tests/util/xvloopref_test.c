/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvloopref_test.c: util/xvloopref: the target until cleared, the dispose
 * hook run once by the last release (not before), and a clear that waits
 * for a callback holding the lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "util/xvloopref.h"
#include "xvtest.h"

static int disposed;

static void
countDispose(void *arg)
{
    assert_ptr_equal(arg, &disposed);
    disposed++;
}

static void
test_target_until_cleared(void **state)
{
    int target = 7;
    xvLoopRef *ref = xvLoopRefNew(&target, NULL, NULL);

    (void)state;
    assert_ptr_equal(xvLoopRefLock(ref), &target);
    xvLoopRefUnlock(ref);
    xvLoopRefClear(ref);
    assert_null(xvLoopRefLock(ref));
    xvLoopRefUnlock(ref);
    xvLoopRefRelease(ref);
}

static void
test_last_release_disposes_once(void **state)
{
    int target = 0;
    xvLoopRef *ref = xvLoopRefNew(&target, countDispose, &disposed);

    (void)state;
    disposed = 0;
    assert_ptr_equal(xvLoopRefAcquire(ref), ref);  /* a timer's */
    xvLoopRefAcquire(ref);                          /* a handle's */
    xvLoopRefClear(ref);
    xvLoopRefRelease(ref);                          /* the owner's */
    xvLoopRefRelease(ref);
    assert_int_equal(disposed, 0);
    xvLoopRefRelease(ref);                          /* the loop's last */
    assert_int_equal(disposed, 1);
}

static atomic_bool inCallback, clearReturned, clearedUnderCallback;

/* A loop callback working on the target for a while. */
static void *
slowCallback(void *opaque)
{
    xvLoopRef *ref = opaque;

    if (xvLoopRefLock(ref)) {
        atomic_store(&inCallback, true);
        usleep(50 * 1000);
        /* the owner must still be waiting in Clear */
        atomic_store(&clearedUnderCallback, atomic_load(&clearReturned));
    }
    xvLoopRefUnlock(ref);
    return NULL;
}

static void
test_clear_waits_for_a_running_callback(void **state)
{
    int target = 1;
    xvLoopRef *ref = xvLoopRefNew(&target, NULL, NULL);
    pthread_t thread;

    (void)state;
    atomic_store(&inCallback, false);
    atomic_store(&clearReturned, false);
    atomic_store(&clearedUnderCallback, false);
    assert_int_equal(pthread_create(&thread, NULL, slowCallback, xvLoopRefAcquire(ref)), 0);
    while (!atomic_load(&inCallback))
        usleep(1000);
    xvLoopRefClear(ref);
    atomic_store(&clearReturned, true);
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_false(atomic_load(&clearedUnderCallback));
    xvLoopRefRelease(ref);
    xvLoopRefRelease(ref);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_target_until_cleared),
    cmocka_unit_test(test_last_release_disposes_once),
    cmocka_unit_test(test_clear_waits_for_a_running_callback),
};

XV_TEST_MAIN(tests)
