/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_event_test.c: the event loop (lib/event.c) and the lifecycle event
 * callbacks of a connection (lib/domain_event.c) on a fake driver that
 * queues what the test tells it to: registration rules and errors, the
 * driver's events turned on at the first callback and off after the last,
 * delivery in queue order from the loop only, per-domain filters, free
 * callbacks run once and never from inside a removal, a callback that
 * deregisters itself, and a connection closed with callbacks left.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "datatypes.h"
#include "domain_event.h"
#include "driver.h"
#include "virerror.h"
#include "xvtest.h"

#define XV_FROM_THIS VIR_FROM_NONE

/* ---- the fake driver ------------------------------------------------------- */

static struct {
    int on, off;                /* connectEvents(true / false) calls */
    bool failOn;                /* connectEvents(true) fails */
} drv;

static xvDrvOpenStatus
fakeOpen(virConnectPtr conn, const char *uri, bool readOnly)
{
    (void)conn;
    (void)uri;
    (void)readOnly;
    return XV_DRV_OPEN_DECLINED;
}

static int
fakeClose(virConnectPtr conn)
{
    (void)conn;
    return 0;
}

static int
fakeEvents(virConnectPtr conn, bool on)
{
    (void)conn;
    if (on && drv.failOn) {
        xvReportError(VIR_ERR_OPERATION_FAILED, "%s", "the fake driver refused");
        return -1;
    }
    *(on ? &drv.on : &drv.off) += 1;
    return 0;
}

static const xvHypervisorDriver fakeDriver = {
    .name = "Fake", .typeName = "Fake",
    .connectOpen = fakeOpen, .connectClose = fakeClose, .connectEvents = fakeEvents,
};

static const xvHypervisorDriver fakeNoEvents = {
    .name = "Fake", .typeName = "Fake",
    .connectOpen = fakeOpen, .connectClose = fakeClose,
};

static const unsigned char uuidA[16] = { 0xa };
static const unsigned char uuidB[16] = { 0xb };

/* ---- what the callbacks saw ------------------------------------------------- */

static char seen[4096];
static int freed;
static bool inRemoval;          /* a free callback must not run in a removal */

static void
record(const char *who, virDomainPtr dom, int event, int detail)
{
    char line[256];

    snprintf(line, sizeof(line), "%s %s %s %s %d;", who, virDomainGetName(dom),
             xvDomainEventTypeName(event), xvDomainEventDetailName(event, detail),
             virDomainGetID(dom));
    strncat(seen, line, sizeof(seen) - strlen(seen) - 1);
}

static int
cbOne(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    record("one", dom, event, detail);
    return 0;
}

static int
cbTwo(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    record("two", dom, event, detail);
    return 0;
}

static void
freeOpaque(void *opaque)
{
    assert_false(inRemoval);
    freed++;
    (void)opaque;
}

/* ---- the loop ----------------------------------------------------------------- */

static int ticks;

static void
tick(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    ticks++;
}

/* Runs the default loop @n times; a timer of period 0 keeps poll() from
 * blocking when nothing else is due. */
static void
runLoop(int n)
{
    int keep = virEventAddTimeout(0, tick, NULL, NULL);
    int i;

    assert_true(keep > 0);
    for (i = 0; i < n; i++)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(virEventRemoveTimeout(keep), 0);   /* purged by the next run */
}

static int handleCalls, handleEvents, handleFreed;

static void
handleFreeCb(void *opaque)
{
    (void)opaque;
    assert_false(inRemoval);
    handleFreed++;
}

static void
onReadable(int watch, int fd, int events, void *opaque)
{
    char c;

    (void)opaque;
    handleCalls++;
    handleEvents = events;
    assert_int_equal(read(fd, &c, 1), 1);
    /* removing itself from its own callback is allowed; the free comes later */
    inRemoval = true;
    assert_int_equal(virEventRemoveHandle(watch), 0);
    inRemoval = false;
    assert_int_equal(handleFreed, 0);
}

static void
test_loop_handle(void **state)
{
    int fds[2], watch;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    watch = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, onReadable, NULL,
                              handleFreeCb);
    assert_true(watch > 0);
    runLoop(1);
    assert_int_equal(handleCalls, 0);           /* nothing to read yet */
    assert_int_equal(write(fds[1], "x", 1), 1);
    runLoop(1);
    assert_int_equal(handleCalls, 1);
    assert_int_equal(handleEvents, VIR_EVENT_HANDLE_READABLE);
    assert_int_equal(handleFreed, 1);
    assert_int_equal(write(fds[1], "y", 1), 1);
    runLoop(2);
    assert_int_equal(handleCalls, 1);           /* removed: not called again */
    assert_int_equal(virEventRemoveHandle(watch), -1);
    close(fds[0]);
    close(fds[1]);
}

static void
test_loop_timer(void **state)
{
    int timer, before;

    (void)state;
    ticks = 0;
    timer = virEventAddTimeout(-1, tick, NULL, handleFreeCb);
    handleFreed = 0;
    assert_true(timer > 0);
    runLoop(3);
    before = ticks;                             /* only the keep-alive timer's */
    assert_int_equal(before, 3);
    virEventUpdateTimeout(timer, 0);
    runLoop(3);
    assert_int_equal(ticks - before, 6);        /* both, every iteration */
    virEventUpdateTimeout(timer, -1);
    runLoop(2);
    assert_int_equal(ticks - before, 8);
    inRemoval = true;
    assert_int_equal(virEventRemoveTimeout(timer), 0);
    inRemoval = false;
    assert_int_equal(handleFreed, 0);
    runLoop(1);
    assert_int_equal(handleFreed, 1);
}

/* ---- registration ------------------------------------------------------------------ */

static virConnectPtr
fakeConnect(const xvHypervisorDriver *d)
{
    virConnectPtr conn = xvConnectNew("fake:///", false);

    conn->driver = d;
    return conn;
}

static void
test_register_errors(void **state)
{
    virConnectPtr conn = fakeConnect(&fakeDriver), bare = fakeConnect(&fakeNoEvents);

    (void)state;
    assert_int_equal(virConnectDomainEventRegister(conn, NULL, NULL, NULL), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "cb");
    assert_int_equal(virConnectDomainEventRegister(bare, cbOne, NULL, NULL), -1);
    xvTestAssertError(VIR_ERR_NO_SUPPORT, "virConnectDomainEventRegister is not supported by the Fake driver");
    assert_int_equal(virConnectDomainEventRegisterAny(conn, NULL, 1,
                                                      VIR_DOMAIN_EVENT_CALLBACK(cbTwo),
                                                      NULL, NULL), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "unsupported event ID 1");
    assert_int_equal(virConnectDomainEventDeregister(conn, cbOne), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "not registered");
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, 5), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "no callback with ID 5");

    assert_int_equal(virConnectDomainEventRegister(conn, cbOne, NULL, freeOpaque), 0);
    assert_int_equal(virConnectDomainEventRegister(conn, cbOne, NULL, freeOpaque), -1);
    xvTestAssertError(VIR_ERR_INVALID_ARG, "already registered");
    assert_int_equal(drv.on, 1);
    assert_int_equal(virConnectDomainEventDeregister(conn, cbOne), 0);
    assert_int_equal(drv.off, 1);
    assert_int_equal(freed, 1);                 /* no dispatch held it */

    /* the driver refusing: the registration fails, nothing kept */
    drv.failOn = true;
    assert_int_equal(virConnectDomainEventRegister(conn, cbOne, NULL, freeOpaque), -1);
    xvTestAssertError(VIR_ERR_OPERATION_FAILED, "refused");
    assert_false(xvDomainEventWanted(conn));
    assert_int_equal(freed, 1);                 /* libvirt: no free on failure */
    drv.failOn = false;

    /* no event loop: the registration says so */
    virEventRegisterImpl(NULL, NULL, NULL, NULL, NULL, NULL);
    {
        virConnectPtr fresh = fakeConnect(&fakeDriver);

        assert_int_equal(virConnectDomainEventRegister(fresh, cbOne, NULL, NULL), -1);
        xvTestAssertError(VIR_ERR_INTERNAL_ERROR, "no event loop");
        assert_int_equal(virConnectClose(fresh), 0);
    }
    assert_int_equal(virEventRegisterDefaultImpl(), 0);
    assert_int_equal(virConnectClose(bare), 0);
    assert_int_equal(virConnectClose(conn), 0);
    runLoop(1);
}

static void
test_delivery(void **state)
{
    virConnectPtr conn = fakeConnect(&fakeDriver);
    virDomainPtr domB = xvDomainNew(conn, "b", uuidB, 3);
    int id;

    (void)state;
    /* nothing is queued before a callback asks */
    xvDomainEventQueue(conn, "a", uuidA, 1, VIR_DOMAIN_EVENT_STARTED,
                       VIR_DOMAIN_EVENT_STARTED_BOOTED);
    assert_false(xvDomainEventWanted(conn));
    assert_int_equal(virConnectDomainEventRegister(conn, cbOne, NULL, freeOpaque), 0);
    id = virConnectDomainEventRegisterAny(conn, domB, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(cbTwo), NULL, freeOpaque);
    assert_true(id >= 0);
    assert_int_equal(drv.on, 1);                /* once, for the first callback */
    assert_true(xvDomainEventWanted(conn));
    runLoop(1);
    assert_string_equal(seen, "");

    xvDomainEventQueue(conn, "a", uuidA, 1, VIR_DOMAIN_EVENT_STARTED,
                       VIR_DOMAIN_EVENT_STARTED_BOOTED);
    xvDomainEventQueue(conn, "b", uuidB, -1, VIR_DOMAIN_EVENT_STOPPED,
                       VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    xvDomainEventQueue(conn, "a", uuidA, 1, VIR_DOMAIN_EVENT_SUSPENDED,
                       VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    assert_string_equal(seen, "");              /* from the loop only */
    runLoop(1);
    assert_string_equal(seen, "one a Started Booted 1;"
                              "one b Stopped Crashed -1;two b Stopped Crashed -1;"
                              "one a Suspended Paused 1;");
    seen[0] = '\0';
    runLoop(2);
    assert_string_equal(seen, "");              /* each event once */

    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    assert_int_equal(drv.off, 0);
    assert_int_equal(virConnectDomainEventDeregister(conn, cbOne), 0);
    assert_int_equal(drv.off, 1);
    assert_int_equal(freed, 2);
    virDomainFree(domB);
    assert_int_equal(virConnectClose(conn), 0);
    runLoop(1);
}

static virConnectPtr selfConn;

static int
cbSelfRemoving(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)opaque;
    record("self", dom, event, detail);
    inRemoval = true;
    assert_int_equal(virConnectDomainEventDeregister(conn, cbSelfRemoving), 0);
    inRemoval = false;
    assert_int_equal(freed, 0);                 /* this dispatch still holds it */
    return 0;
}

static void
test_deregister_in_callback(void **state)
{
    (void)state;
    selfConn = fakeConnect(&fakeDriver);
    assert_int_equal(virConnectDomainEventRegister(selfConn, cbSelfRemoving, NULL,
                                                   freeOpaque), 0);
    assert_int_equal(virConnectDomainEventRegister(selfConn, cbTwo, NULL, freeOpaque), 0);
    xvDomainEventQueue(selfConn, "a", uuidA, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    xvDomainEventQueue(selfConn, "a", uuidA, -1, VIR_DOMAIN_EVENT_STOPPED, 1);
    runLoop(1);
    assert_string_equal(seen, "self a Started Booted 1;two a Started Booted 1;"
                              "two a Stopped Destroyed -1;");
    assert_int_equal(freed, 1);
    assert_int_equal(virConnectDomainEventDeregister(selfConn, cbTwo), 0);
    assert_int_equal(freed, 2);
    assert_int_equal(virConnectClose(selfConn), 0);
    runLoop(1);
}

/* A connection closed with callbacks and events left: the driver's events
 * go off, each free callback runs once, the queue is dropped (ASan: no leak,
 * no use after free of the connection the loop's timer still refers to). */
static void
test_close_with_callbacks(void **state)
{
    virConnectPtr conn = fakeConnect(&fakeDriver);

    (void)state;
    assert_int_equal(virConnectDomainEventRegister(conn, cbOne, NULL, freeOpaque), 0);
    assert_true(virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                 VIR_DOMAIN_EVENT_CALLBACK(cbTwo), NULL,
                                                 freeOpaque) >= 0);
    xvDomainEventQueue(conn, "a", uuidA, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(drv.off, 1);
    assert_int_equal(freed, 2);
    runLoop(2);
    assert_string_equal(seen, "");              /* closed: nothing delivered */
}

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(xvDomainEventTypeName(VIR_DOMAIN_EVENT_CRASHED), "Crashed");
    assert_string_equal(xvDomainEventTypeName(9), "unknown");
    assert_string_equal(xvDomainEventDetailName(VIR_DOMAIN_EVENT_STOPPED,
                                                VIR_DOMAIN_EVENT_STOPPED_SAVED), "Saved");
    assert_string_equal(xvDomainEventDetailName(VIR_DOMAIN_EVENT_SHUTDOWN,
                                                VIR_DOMAIN_EVENT_SHUTDOWN_GUEST),
                        "Finished after guest request");
    assert_string_equal(xvDomainEventDetailName(VIR_DOMAIN_EVENT_CRASHED, 2), "unknown");
    assert_string_equal(xvDomainEventDetailName(-1, 0), "unknown");
}

static int
setup(void **state)
{
    (void)state;
    memset(&drv, 0, sizeof(drv));
    seen[0] = '\0';
    freed = 0;
    assert_int_equal(virInitialize(), 0);
    assert_int_equal(virEventRegisterDefaultImpl(), 0);
    virSetErrorFunc(NULL, xvTestQuietErrors);
    return 0;
}

static int
groupMain(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_loop_handle, setup),
        cmocka_unit_test_setup(test_loop_timer, setup),
        cmocka_unit_test_setup(test_register_errors, setup),
        cmocka_unit_test_setup(test_delivery, setup),
        cmocka_unit_test_setup(test_deregister_in_callback, setup),
        cmocka_unit_test_setup(test_close_with_callbacks, setup),
        cmocka_unit_test_setup(test_names, setup),
    };

    xvTestApplyFilter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

int
main(void)
{
    return groupMain();
}
