/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_events_test.c: the Xen driver's lifecycle events (lib/xen/xen_events.c
 * and their loop side in xen_driver.c): the comparison of successive domain
 * lists on its own, then through the public API on the simulated Xen
 * (xen_sim.c): a crash, a start, a stop and a shutdown seen through the
 * xenstore watches, the driver's own calls reported once, and the cost:
 * no hypercall and no xenstore read while nothing happens.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util/xvmacros.h"
#include "xen/xen_driverpriv.h"
#include "xen/xen_events.h"
#include "xen_sim.h"
#include "xvtest.h"
#include "xen_test.h"

/* ---- what the events said ---------------------------------------------------- */

static char seen[4096];

static void
seenAdd(const char *name, int id, int event, int detail)
{
    size_t len = strlen(seen);

    snprintf(seen + len, sizeof(seen) - len, "%s%s/%d:%d.%d", len ? " " : "", name, id,
             event, detail);
}

/* ---- the comparison alone (xen_events.h) ------------------------------------- */

static void
viewEmit(void *opaque, const char *name, const unsigned char *uuid, int id, int event,
         int detail)
{
    (void)opaque;
    (void)uuid;
    seenAdd(name, id, event, detail);
}

static const char *
viewName(void *opaque, uint32_t domid)
{
    static char name[32];

    (void)opaque;
    snprintf(name, sizeof(name), "d%u", domid);
    return name;
}

static xvXenDomInfo
info(uint32_t domid, unsigned char uuidByte)
{
    xvXenDomInfo di;

    memset(&di, 0, sizeof(di));
    di.domid = domid;
    di.handle[0] = uuidByte;
    di.running = true;
    return di;
}

/* The monotonic time of the next update (ns). */
static uint64_t testNow = 1000;

/* Compares @batch with the view; returns what it said. */
static const char *
update(xvXenEventView *view, const xvXenDomInfo *batch, size_t n)
{
    seen[0] = '\0';
    xvXenEventViewUpdate(view, batch, n, testNow, viewName, viewEmit, NULL);
    return seen;
}

static void
test_view_baseline_gives_nothing_then_a_start(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[3] = { info(0, 0), info(3, 3), info(5, 5) };

    (void)state;
    seen[0] = '\0';
    xvXenEventViewUpdate(view, b, 2, testNow, viewName, NULL, NULL);
    assert_string_equal(seen, "");
    assert_int_equal(xvXenEventViewCount(view), 2);
    assert_string_equal(update(view, b, 2), "");
    /* 2 = STARTED, 0 = BOOTED */
    assert_string_equal(update(view, b, 3), "d5/5:2.0");
    assert_int_equal(xvXenEventViewCount(view), 3);
    xvXenEventViewFree(view);
}

static void
test_view_crash_kept_then_gone(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[2] = { info(0, 0), info(7, 7) };

    (void)state;
    update(view, b, 2);
    b[1].shutdown = true;
    b[1].shutdownReason = XV_XEN_SHUTDOWN_CRASH;
    /* 8 = CRASHED, 0 = PANICKED: still there, with its id */
    assert_string_equal(update(view, b, 2), "d7/7:8.0");
    assert_string_equal(update(view, b, 2), "");
    /* then destroyed by someone else: 5 = STOPPED, 2 = CRASHED */
    assert_string_equal(update(view, b, 1), "d7/-1:5.2");
    assert_int_equal(xvXenEventViewCount(view), 1);
    xvXenEventViewFree(view);
}

static void
test_view_crash_seen_only_as_dying(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[2] = { info(0, 0), info(7, 7) };

    (void)state;
    update(view, b, 2);
    /* on_crash=destroy: the first list after the crash has it dying */
    b[1].shutdown = true;
    b[1].shutdownReason = XV_XEN_SHUTDOWN_CRASH;
    b[1].dying = true;
    assert_string_equal(update(view, b, 2), "d7/-1:5.2");
    assert_string_equal(update(view, b, 1), "");
    xvXenEventViewFree(view);
}

static void
test_view_pause_resume_poweroff(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[1] = { info(4, 4) };

    (void)state;
    update(view, b, 1);
    b[0].paused = true;
    assert_string_equal(update(view, b, 1), "d4/4:3.0");      /* SUSPENDED PAUSED */
    b[0].paused = false;
    assert_string_equal(update(view, b, 1), "d4/4:4.0");      /* RESUMED UNPAUSED */
    b[0].shutdown = true;
    b[0].shutdownReason = XV_XEN_SHUTDOWN_POWEROFF;
    assert_string_equal(update(view, b, 1), "d4/-1:5.0");     /* STOPPED SHUTDOWN */
    /* the toolstack then destroys it: it said STOPPED already */
    assert_string_equal(update(view, b, 0), "");
    xvXenEventViewFree(view);
}

static void
test_view_other_reasons(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[3] = { info(1, 1), info(2, 2), info(3, 3) };

    (void)state;
    update(view, b, 3);
    b[0].shutdown = b[1].shutdown = b[2].shutdown = true;
    b[0].shutdownReason = XV_XEN_SHUTDOWN_SUSPEND;
    b[1].shutdownReason = XV_XEN_SHUTDOWN_WATCHDOG;
    b[2].shutdownReason = XV_XEN_SHUTDOWN_SOFT_RESET;
    /* saved, failed, and a soft reset is no stop */
    assert_string_equal(update(view, b, 3), "d1/-1:5.4 d2/-1:5.5");
    xvXenEventViewFree(view);
}

static void
test_view_a_domain_being_built_starts_when_unpaused(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[1] = { info(9, 9) };

    (void)state;
    update(view, NULL, 0);
    b[0].paused = true;
    /* libxl builds it paused: nothing yet, and the driver is told to look */
    assert_string_equal(update(view, b, 1), "");
    assert_true(xvXenEventViewStarting(view));
    testNow += 2000000000ull;
    assert_string_equal(update(view, b, 1), "");
    b[0].paused = false;
    assert_string_equal(update(view, b, 1), "d9/9:2.0");       /* STARTED BOOTED, once */
    assert_false(xvXenEventViewStarting(view));
    assert_string_equal(update(view, b, 1), "");
    xvXenEventViewFree(view);
}

static void
test_view_created_paused_is_started_then_suspended(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[1] = { info(9, 9) };

    (void)state;
    update(view, NULL, 0);
    b[0].paused = true;
    assert_string_equal(update(view, b, 1), "");
    /* `xl create -p`: still paused when the wait is over */
    testNow += XV_XEN_EV_START_WAIT_NS;
    assert_string_equal(update(view, b, 1), "d9/9:2.0 d9/9:3.0");
    assert_false(xvXenEventViewStarting(view));
    /* another domain under the same id: the old one went */
    b[0] = info(9, 0x99);
    assert_string_equal(update(view, b, 1), "d9/-1:5.1 d9/9:2.0");
    xvXenEventViewFree(view);
}

static void
test_view_a_build_that_fails_never_started(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[1] = { info(9, 9) };

    (void)state;
    update(view, NULL, 0);
    b[0].paused = true;
    assert_string_equal(update(view, b, 1), "");
    b[0].dying = true;
    assert_string_equal(update(view, b, 1), "");
    assert_string_equal(update(view, NULL, 0), "");
    assert_false(xvXenEventViewStarting(view));
    xvXenEventViewFree(view);
}

static void
test_view_reboot_is_a_stop_and_a_start(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[2] = { info(5, 5), info(6, 5) };

    (void)state;
    update(view, b, 1);
    b[0].shutdown = true;
    b[0].shutdownReason = XV_XEN_SHUTDOWN_REBOOT;
    assert_string_equal(update(view, b, 1), "d5/-1:5.0");
    /* xl destroys it and creates it again under a new id, same UUID */
    assert_string_equal(update(view, &b[1], 1), "d6/6:2.0");
    xvXenEventViewFree(view);
}

static void
test_view_note_is_said_once(void **state)
{
    xvXenEventView *view = xvXenEventViewNew();
    xvXenDomInfo b[2] = { info(0, 0), info(3, 3) };

    (void)state;
    update(view, b, 1);
    seen[0] = '\0';
    /* a restore: the caller's detail, and the list says nothing more */
    xvXenEventViewNote(view, 3, b[1].handle, "d3", XV_XEN_EV_RUNNING,
                       VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED,
                       viewEmit, NULL);
    assert_string_equal(seen, "d3/3:2.2");
    assert_string_equal(update(view, b, 2), "");
    seen[0] = '\0';
    xvXenEventViewNote(view, 3, b[1].handle, "d3", XV_XEN_EV_PAUSED,
                       VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED,
                       viewEmit, NULL);
    assert_string_equal(seen, "d3/3:3.0");
    b[1].paused = true;
    assert_string_equal(update(view, b, 2), "");
    seen[0] = '\0';
    xvXenEventViewNote(view, 3, b[1].handle, "d3", XV_XEN_EV_GONE, VIR_DOMAIN_EVENT_STOPPED,
                       VIR_DOMAIN_EVENT_STOPPED_SAVED, viewEmit, NULL);
    assert_string_equal(seen, "d3/-1:5.4");
    assert_int_equal(xvXenEventViewCount(view), 1);
    /* dying in the next list: nothing more */
    b[1].dying = true;
    assert_string_equal(update(view, b, 2), "");
    xvXenEventViewFree(view);
}

/* ---- through the API, on the simulated Xen ------------------------------------- */

static char *stateDir;

static void
apiCallback(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    seenAdd(virDomainGetName(dom), virDomainGetID(dom), event, detail);
}

static int
setup(void **state)
{
    (void)state;
    stateDir = xenSimSetUp();
    setenv("XVIRT_XEN_MONITOR", "/bin/true", 1);
    seen[0] = '\0';
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    xenSimTearDown(stateDir);
    return 0;
}

static bool loopTimedOut;

static void
loopTimeout(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    loopTimedOut = true;
}

/* Runs the loop until @want has been seen (the test fails after 200
 * iterations or 10 s of nothing), or, with @want NULL, for 50 ms. */
static void
runLoop(const char *want)
{
    int timer = virEventAddTimeout(want ? 10000 : 50, loopTimeout, NULL, NULL);
    int i;

    assert_true(timer >= 0);
    loopTimedOut = false;
    for (i = 0; i < 200 && !loopTimedOut; i++) {
        if (want && strcmp(seen, want) == 0)
            break;
        assert_int_equal(virEventRunDefaultImpl(), 0);
    }
    virEventRemoveTimeout(timer);
    if (want)
        assert_string_equal(seen, want);
}

/* A connection with a lifecycle callback on the simulated host. */
static virConnectPtr
startListening(int *id)
{
    virConnectPtr conn;

    assert_int_equal(virEventRegisterDefaultImpl(), 0);
    conn = openXen();
    *id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           VIR_DOMAIN_EVENT_CALLBACK(apiCallback), NULL,
                                           NULL);
    assert_true(*id >= 0);
    return conn;
}

static void
stopListening(virConnectPtr conn, int id)
{
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    assert_int_equal(virConnectClose(conn), 0);
    /* the loop lets go of the connection (its last reference) */
    runLoop(NULL);
}

static void
crash(uint32_t domid)
{
    xvSimDom *dom = xvSimGetDomain(domid);

    dom->shutdown = true;
    dom->shutdownReason = XV_XEN_SHUTDOWN_CRASH;
    /* xenstored fires @releaseDomain when a domain shuts down */
    xvSimFireWatch("@releaseDomain");
}

static void
test_crash_reaches_the_callback(void **state)
{
    uint32_t a = xvSimAddDomain("domu1", 2, 131072);
    char want[64];
    virConnectPtr conn;
    int id;

    (void)state;
    conn = startListening(&id);
    runLoop(NULL);
    assert_string_equal(seen, "");          /* what runs already says nothing */
    crash(a);
    snprintf(want, sizeof(want), "domu1/%u:8.0", a);
    runLoop(want);                          /* CRASHED PANICKED */
    stopListening(conn, id);
}

static void
test_start_and_stop_by_another_toolstack(void **state)
{
    char want[128];
    virConnectPtr conn;
    uint32_t b;
    int id;

    (void)state;
    conn = startListening(&id);
    b = xvSimAddDomain("web", 1, 65536);    /* fires @introduceDomain */
    snprintf(want, sizeof(want), "web/%u:2.0", b);
    runLoop(want);                          /* STARTED BOOTED */
    xvSimRemoveDomain(b);                   /* fires @releaseDomain */
    snprintf(want, sizeof(want), "web/%u:2.0 web/-1:5.1", b);
    runLoop(want);                          /* STOPPED DESTROYED */
    stopListening(conn, id);
}

static void
test_a_domain_built_paused_is_started_when_unpaused(void **state)
{
    char want[64];
    virConnectPtr conn;
    xvSimDom *dom;
    uint32_t b;
    int id;

    (void)state;
    conn = startListening(&id);
    b = xvSimAddDomain("web", 1, 65536);
    dom = xvSimGetDomain(b);
    dom->paused = true;                     /* as libxl builds it */
    runLoop(NULL);
    assert_string_equal(seen, "");
    dom->paused = false;                    /* no watch fires for this */
    snprintf(want, sizeof(want), "web/%u:2.0", b);
    runLoop(want);
    /* then no more looking: nothing is being built */
    runLoop(NULL);
    xvSimResetCounts();
    runLoop(NULL);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    stopListening(conn, id);
}

static void
test_nothing_happening_costs_nothing(void **state)
{
    virConnectPtr conn;
    int id, i;

    (void)state;
    xvSimAddDomain("domu1", 2, 131072);
    conn = startListening(&id);
    runLoop(NULL);
    xvSimResetCounts();
    for (i = 0; i < 5; i++)
        runLoop(NULL);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_READ), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_CHECK_WATCH), 0);
    /* an event: one drain and one batch */
    crash(xvSimAddDomain("domu2", 1, 65536));
    runLoop(NULL);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 1);
    stopListening(conn, id);
}

/* A call of the program drained the watch before the loop saw it: with a
 * batch of its own (@listing), or without (virDomainGetInfo asks Xen for
 * that one domain only). Either way the event comes, once. */
static void
drainedFirst(bool listing)
{
    uint32_t a = xvSimAddDomain("domu1", 2, 131072);
    virDomainInfo di;
    virDomainPtr dom;
    char want[64];
    virConnectPtr conn;
    int id;

    conn = startListening(&id);
    dom = byID(conn, a);
    runLoop(NULL);
    crash(a);
    if (listing) {
        assert_int_equal(virConnectNumOfDomains(conn), 2);
    } else {
        assert_int_equal(virDomainGetInfo(dom, &di), 0);
        assert_int_equal(di.state, VIR_DOMAIN_CRASHED);
    }
    assert_int_equal(xvSimPendingEvents(), 0);
    snprintf(want, sizeof(want), "domu1/%u:8.0", a);
    runLoop(want);
    runLoop(NULL);
    assert_string_equal(seen, want);        /* once */
    virDomainFree(dom);
    stopListening(conn, id);
}

static void
test_a_listing_that_drains_first_loses_nothing(void **state)
{
    (void)state;
    drainedFirst(true);
}

static void
test_a_domain_call_that_drains_first_loses_nothing(void **state)
{
    (void)state;
    drainedFirst(false);
}

static void
test_own_calls_are_reported_once(void **state)
{
    uint32_t a = xvSimAddDomain("domu1", 2, 131072);
    char want[128];
    virConnectPtr conn;
    virDomainPtr dom;
    int id;

    (void)state;
    conn = startListening(&id);
    dom = byID(conn, a);
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    snprintf(want, sizeof(want), "domu1/%u:3.0 domu1/%u:4.0 domu1/-1:5.1", a, a);
    runLoop(want);
    runLoop(NULL);
    assert_string_equal(seen, want);
    /* (virDomainDestroy released dom) */
    stopListening(conn, id);
}

static void
test_define_and_undefine(void **state)
{
    static const char xml[] =
        "<domain type='xen'><name>db</name><uuid>0a0a0a0a-0000-4000-8000-0000000000db</uuid>"
        "<memory>65536</memory><vcpu>1</vcpu><os><type>linux</type>"
        "<kernel>/xenlab/vmlinux</kernel></os></domain>";
    virConnectPtr conn;
    virDomainPtr dom;
    int id;

    (void)state;
    conn = startListening(&id);
    assert_non_null(dom = virDomainDefineXML(conn, xml));
    virDomainFree(dom);
    assert_non_null(dom = virDomainDefineXML(conn, xml));
    assert_int_equal(virDomainUndefine(dom), 0);
    /* DEFINED ADDED, DEFINED UPDATED, UNDEFINED REMOVED */
    runLoop("db/-1:0.0 db/-1:0.1 db/-1:1.0");
    virDomainFree(dom);
    stopListening(conn, id);
}

static void
test_without_a_descriptor_the_loop_polls(void **state)
{
    uint32_t a = xvSimAddDomain("domu1", 2, 131072);
    char want[64];
    virConnectPtr conn;
    int id;

    (void)state;
    xvSimFail(XV_SIM_CALL_STORE_FILENO, ENOSYS, -1);
    conn = startListening(&id);
    crash(a);
    snprintf(want, sizeof(want), "domu1/%u:8.0", a);
    runLoop(want);
    stopListening(conn, id);
    xvSimFail(XV_SIM_CALL_STORE_FILENO, 0, 0);
}

static void
test_events_off_stop_the_work(void **state)
{
    uint32_t a = xvSimAddDomain("domu1", 2, 131072);
    virConnectPtr conn;
    int id;

    (void)state;
    conn = startListening(&id);
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    runLoop(NULL);
    xvSimResetCounts();
    crash(a);
    runLoop(NULL);
    /* nobody listens: the watch waits for the next call, no batch now */
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 0);
    assert_string_equal(seen, "");
    assert_int_equal(virConnectClose(conn), 0);
    runLoop(NULL);
}

static void
test_closing_with_a_callback_left(void **state)
{
    virConnectPtr conn;
    int id;

    (void)state;
    conn = startListening(&id);
    (void)id;
    assert_int_equal(virConnectClose(conn), 0);
    runLoop(NULL);
    xvSimFireWatch("@releaseDomain");
    runLoop(NULL);
    assert_string_equal(seen, "");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_view_baseline_gives_nothing_then_a_start),
    cmocka_unit_test(test_view_crash_kept_then_gone),
    cmocka_unit_test(test_view_crash_seen_only_as_dying),
    cmocka_unit_test(test_view_pause_resume_poweroff),
    cmocka_unit_test(test_view_other_reasons),
    cmocka_unit_test(test_view_a_domain_being_built_starts_when_unpaused),
    cmocka_unit_test(test_view_created_paused_is_started_then_suspended),
    cmocka_unit_test(test_view_a_build_that_fails_never_started),
    cmocka_unit_test(test_view_reboot_is_a_stop_and_a_start),
    cmocka_unit_test(test_view_note_is_said_once),
    T(test_crash_reaches_the_callback),
    T(test_start_and_stop_by_another_toolstack),
    T(test_a_domain_built_paused_is_started_when_unpaused),
    T(test_nothing_happening_costs_nothing),
    T(test_a_listing_that_drains_first_loses_nothing),
    T(test_a_domain_call_that_drains_first_loses_nothing),
    T(test_own_calls_are_reported_once),
    T(test_define_and_undefine),
    T(test_without_a_descriptor_the_loop_polls),
    T(test_events_off_stop_the_work),
    T(test_closing_with_a_callback_left),
#undef T
};

XV_TEST_MAIN(tests)
