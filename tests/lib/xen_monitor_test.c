/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_monitor_test.c: the lifecycle monitor of the Xen driver
 * (lib/xen/xen_monitor.c): the decision (shutdown reason + config ->
 * action), the watch loop on a simulated Xen (xen_sim.c), the per-domain
 * lock, and the start of the real xvirt-xen-monitor program.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "conf/domain_conf.h"
#include "util/xvuuid.h"
#include "xen/xen_monitor.h"
#include "xen_sim.h"
#include "xvtest.h"

#define MiB 1024ul
#define UUID_A "0a0a0a0a-0000-4000-8000-0000000000aa"
#define UUID_B "0b0b0b0b-0000-4000-8000-0000000000bb"

static const char *const xenTypes[] = { "xen", NULL };
static char *stateDir;

/* ---- helpers ------------------------------------------------------------- */

static void
removeTree(const char *dir)
{
    struct dirent *ent;
    DIR *dp;

    if ((dp = opendir(dir))) {
        while ((ent = readdir(dp))) {
            char path[512];
            struct stat st;

            if (XV_STREQ(ent->d_name, ".") || XV_STREQ(ent->d_name, ".."))
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                removeTree(path);
            else
                unlink(path);
        }
        closedir(dp);
    }
    rmdir(dir);
}

static int
setup(void **state)
{
    (void)state;
    virSetErrorFunc(NULL, xvTestQuietErrors);
    virResetLastError();
    stateDir = xvTestTempDir();
    xvSimReset();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    assert_int_equal(xvSimOpenHandles(), 0);
    removeTree(stateDir);
    free(stateDir);
    return 0;
}

/* A config parsed from XML: the lifecycle elements given (NULL: absent,
 * for the defaults of domain_conf). */
static xvDomainDef *
parseDef(const char *onPoweroff, const char *onReboot, const char *onCrash)
{
    char xml[1024];
    xvDomainDef *def;
    int n;

    n = snprintf(xml, sizeof(xml),
                 "<domain type='xen'><name>tmp</name><uuid>" UUID_A "</uuid>"
                 "<memory>131072</memory><os><type>linux</type>"
                 "<kernel>/xenlab/vmlinux</kernel></os>");
    if (onPoweroff)
        n += snprintf(xml + n, sizeof(xml) - (size_t)n, "<on_poweroff>%s</on_poweroff>",
                      onPoweroff);
    if (onReboot)
        n += snprintf(xml + n, sizeof(xml) - (size_t)n, "<on_reboot>%s</on_reboot>", onReboot);
    if (onCrash)
        n += snprintf(xml + n, sizeof(xml) - (size_t)n, "<on_crash>%s</on_crash>", onCrash);
    snprintf(xml + n, sizeof(xml) - (size_t)n, "</domain>");
    if (!(def = xvDomainDefParseString(xml, xenTypes)))
        fail_msg("cannot parse: %s", virGetLastErrorMessage());
    return def;
}

static xvXenMonitorAction
decide(unsigned int reason, const char *onPoweroff, const char *onReboot, const char *onCrash)
{
    xvDomainDef *def = parseDef(onPoweroff, onReboot, onCrash);
    xvXenMonitorAction act = xvXenMonitorDecide(reason, def);

    xvDomainDefFree(def);
    return act;
}

/* A domain as `xvirsh create` leaves it, and its monitor. */
static xvXenMonitor *
startMonitored(const char *onPoweroff, const char *onReboot, const char *onCrash,
               uint32_t *domid)
{
    xvDomainDef *def = parseDef(onPoweroff, onReboot, onCrash);
    const xvXenCtrlOps *ctrl = xvSimHypervisor.ctrl;
    xvXenMonitor *mon;
    void *xc;

    assert_non_null(xc = ctrl->open());
    assert_int_equal(ctrl->domainCreate(xc, def, domid), 0);
    ctrl->close(xc);
    if (!(mon = xvXenMonitorNew(&xvSimHypervisor, stateDir, def, *domid)))
        fail_msg("xvXenMonitorNew: %s", virGetLastErrorMessage());
    xvSimResetCounts();
    return mon;
}

/* The guest stops, as Xen and xenstored make it known. */
static void
guestShutdown(uint32_t domid, unsigned int reason)
{
    xvSimDom *dom = xvSimGetDomain(domid);

    assert_non_null(dom);
    dom->shutdown = true;
    dom->shutdownReason = reason;
    dom->running = dom->blocked = false;
    xvSimFireWatch("@releaseDomain");
}

static char *
readLog(void)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", stateDir, XV_XEN_MONITOR_LOG);
    if (access(path, F_OK) < 0)
        return xvStrdup("");
    return xvTestReadFile(path);
}

static unsigned int
countOf(const char *haystack, const char *needle)
{
    unsigned int n = 0;

    while ((haystack = strstr(haystack, needle))) {
        n++;
        haystack += strlen(needle);
    }
    return n;
}

static void
assertLogHas(const char *substr)
{
    XV_AUTOFREE(char *) log = readLog();

    if (!strstr(log, substr))
        fail_msg("the monitor log lacks '%s'; it has:\n%s", substr, log);
}

/* The domain with @uuidstr, running under a name in xenstore. */
static uint32_t
domidOfUUID(const char *uuidstr)
{
    unsigned char uuid[XV_UUID_BUFLEN];
    uint32_t id;

    assert_int_equal(xvUUIDParse(uuidstr, uuid), 0);
    for (id = 1; id < 64; id++) {
        xvSimDom *dom = xvSimGetDomain(id);

        if (dom && memcmp(dom->uuid, uuid, XV_UUID_BUFLEN) == 0)
            return id;
    }
    return 0;
}

/* ---- the decision ------------------------------------------------------------ */

static void
test_decide_poweroff_with_the_default_on_poweroff_destroys(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_POWEROFF, NULL, NULL, NULL),
                     XV_XEN_MONITOR_ACTION_DESTROY);
}

static void
test_decide_poweroff_with_on_poweroff_restart_restarts(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_POWEROFF, "restart", "destroy", "destroy"),
                     XV_XEN_MONITOR_ACTION_RESTART);
}

static void
test_decide_poweroff_with_on_poweroff_preserve_preserves(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_POWEROFF, "preserve", "restart", "restart"),
                     XV_XEN_MONITOR_ACTION_PRESERVE);
}

static void
test_decide_reboot_with_the_default_on_reboot_restarts(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_REBOOT, NULL, NULL, NULL),
                     XV_XEN_MONITOR_ACTION_RESTART);
}

static void
test_decide_reboot_with_on_reboot_destroy_destroys(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_REBOOT, "restart", "destroy", "restart"),
                     XV_XEN_MONITOR_ACTION_DESTROY);
}

static void
test_decide_reboot_with_on_reboot_preserve_preserves(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_REBOOT, "destroy", "preserve", "destroy"),
                     XV_XEN_MONITOR_ACTION_PRESERVE);
}

static void
test_decide_crash_with_the_default_on_crash_destroys(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_CRASH, NULL, NULL, NULL),
                     XV_XEN_MONITOR_ACTION_DESTROY);
}

static void
test_decide_crash_with_on_crash_restart_restarts(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_CRASH, "destroy", "destroy", "restart"),
                     XV_XEN_MONITOR_ACTION_RESTART);
}

/* What the agent's restart policy expects: a crashed domain whose config
 * says preserve stays crashed for it to see. */
static void
test_decide_crash_with_on_crash_preserve_preserves(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_CRASH, "restart", "restart", "preserve"),
                     XV_XEN_MONITOR_ACTION_PRESERVE);
}

static void
test_decide_rename_restart_restarts_as_libvirt_does(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_CRASH, NULL, NULL, "rename-restart"),
                     XV_XEN_MONITOR_ACTION_RESTART);
    assert_int_equal(decide(XV_XEN_SHUTDOWN_REBOOT, NULL, "rename-restart", NULL),
                     XV_XEN_MONITOR_ACTION_RESTART);
}

static void
test_decide_suspend_is_left_to_whoever_suspended_it(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_SUSPEND, "restart", "restart", "restart"),
                     XV_XEN_MONITOR_ACTION_NONE);
    assert_int_equal(decide(XV_XEN_SHUTDOWN_SUSPEND, "destroy", "destroy", "destroy"),
                     XV_XEN_MONITOR_ACTION_NONE);
}

static void
test_decide_watchdog_destroys(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_WATCHDOG, "restart", "restart", "restart"),
                     XV_XEN_MONITOR_ACTION_DESTROY);
}

static void
test_decide_soft_reset_restarts(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_SOFT_RESET, "destroy", "destroy", "destroy"),
                     XV_XEN_MONITOR_ACTION_RESTART);
}

static void
test_decide_unknown_reason_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(decide(XV_XEN_SHUTDOWN_LAST, "destroy", "destroy", "destroy"),
                     XV_XEN_MONITOR_ACTION_NONE);
    assert_int_equal(decide(255, "restart", "restart", "restart"),
                     XV_XEN_MONITOR_ACTION_NONE);
}

static void
test_action_names(void **state)
{
    (void)state;
    assert_string_equal(xvXenMonitorActionToString(XV_XEN_MONITOR_ACTION_NONE), "none");
    assert_string_equal(xvXenMonitorActionToString(XV_XEN_MONITOR_ACTION_DESTROY), "destroy");
    assert_string_equal(xvXenMonitorActionToString(XV_XEN_MONITOR_ACTION_RESTART), "restart");
    assert_string_equal(xvXenMonitorActionToString(XV_XEN_MONITOR_ACTION_PRESERVE),
                        "preserve");
    assert_string_equal(xvXenMonitorActionToString(XV_XEN_MONITOR_ACTION_LAST), "unknown");
}

/* ---- the monitor on the simulated Xen ------------------------------------------------ */

static void
test_new_watches_release_domain_and_free_closes_everything(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    assert_int_equal(xvSimOpenHandles(), 2);
    assert_int_equal(xvXenMonitorDomid(mon), id);
    xvXenMonitorFree(mon);
    assert_int_equal(xvSimCount(XV_SIM_CALL_STORE_UNWATCH), 1);
    assert_int_equal(xvSimOpenHandles(), 0);
    xvXenMonitorFree(NULL);
}

static void
test_new_fails_when_xen_cannot_be_opened(void **state)
{
    (void)state;
    xvSimSetOpenErrno(EACCES, 0);
    assert_null(xvXenMonitorNew(&xvSimHypervisor, stateDir, parseDef(NULL, NULL, NULL), 1));
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_interface_open failed: Permission denied");
    xvSimSetOpenErrno(0, ECONNREFUSED);
    assert_null(xvXenMonitorNew(&xvSimHypervisor, stateDir, parseDef(NULL, NULL, NULL), 1));
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_open failed: Connection refused");
    xvSimSetOpenErrno(0, 0);
    xvSimFail(XV_SIM_CALL_STORE_WATCH, ENOSPC, 1);
    assert_null(xvXenMonitorNew(&xvSimHypervisor, stateDir, parseDef(NULL, NULL, NULL), 1));
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_watch of '@releaseDomain' failed");
}

static void
test_no_descriptor_to_poll_when_xs_fileno_fails(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    xvSimFail(XV_SIM_CALL_STORE_FILENO, ENOSYS, 1);
    assert_int_equal(xvXenMonitorFd(mon), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_fileno failed");
    xvXenMonitorFree(mon);
}

static void
test_step_on_a_running_domain_does_nothing(void **state)
{
    XV_AUTOFREE(char *) log = NULL;
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvSimPendingEvents(), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_GETINFOLIST), 2);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    assert_non_null(xvSimGetDomain(id));
    log = readLog();
    assert_string_equal(log, "");
    xvXenMonitorFree(mon);
}

static void
test_step_restarts_a_rebooted_domain_under_a_new_id_with_the_same_uuid(void **state)
{
    xvXenMonitor *mon;
    uint32_t id, newid;
    char want[200];

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_REBOOT);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 1);
    assert_null(xvSimGetDomain(id));
    newid = domidOfUUID(UUID_A);
    assert_true(newid > id);
    assert_int_equal(xvXenMonitorDomid(mon), newid);
    assert_false(xvSimGetDomain(newid)->shutdown);
    assert_string_equal(xvSimGetDomain(newid)->config->name, "tmp");
    snprintf(want, sizeof(want), "domain 'tmp' (id %u) rebooted; on_reboot is restart: "
             "restarted as id %u (restart 1)\n", id, newid);
    assertLogHas(want);
    /* the new run is watched: nothing more while it runs */
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 1);
    xvXenMonitorFree(mon);
}

static void
test_a_restarted_domain_is_handled_again_on_its_next_shutdown(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_REBOOT);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    guestShutdown(xvXenMonitorDomid(mon), XV_XEN_SHUTDOWN_REBOOT);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 2);
    assert_int_equal(xvXenMonitorDomid(mon), id + 2);
    assertLogHas("(restart 2)");
    /* then it powers off: on_poweroff destroy, and the monitor is done */
    guestShutdown(xvXenMonitorDomid(mon), XV_XEN_SHUTDOWN_POWEROFF);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(domidOfUUID(UUID_A), 0);
    xvXenMonitorFree(mon);
}

static void
test_step_destroys_a_powered_off_domain_and_is_done(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;
    char want[200];

    (void)state;
    mon = startMonitored("destroy", "restart", "preserve", &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_POWEROFF);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    assert_null(xvSimGetDomain(id));
    snprintf(want, sizeof(want), "domain 'tmp' (id %u) powered off; on_poweroff is destroy: "
             "destroyed\n", id);
    assertLogHas(want);
    xvXenMonitorFree(mon);
}

static void
test_step_restarts_a_crashed_domain_with_on_crash_restart(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored("destroy", "restart", "restart", &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_CRASH);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_null(xvSimGetDomain(id));
    assert_int_equal(domidOfUUID(UUID_A), xvXenMonitorDomid(mon));
    assert_true(xvXenMonitorDomid(mon) > id);
    assertLogHas("crashed; on_crash is restart: restarted as id");
    xvXenMonitorFree(mon);
}

static void
test_step_destroys_a_crashed_domain_with_the_default_on_crash(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_CRASH);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_null(xvSimGetDomain(id));
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    assertLogHas("crashed; on_crash is destroy: destroyed");
    xvXenMonitorFree(mon);
}

/* The agent's restart policy sees it crashed; its destroy (and create)
 * ends this monitor, and the driver starts one for the new run. */
static void
test_step_preserves_a_crashed_domain_once_and_keeps_watching(void **state)
{
    XV_AUTOFREE(char *) log = NULL;
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored("destroy", "restart", "preserve", &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_CRASH);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_non_null(xvSimGetDomain(id));
    assert_true(xvSimGetDomain(id)->shutdown);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    log = readLog();
    assert_int_equal(countOf(log, "crashed; on_crash is preserve: left as it is"), 1);
    xvSimRemoveDomain(id);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    assertLogHas("is gone: the monitor exits");
    xvXenMonitorFree(mon);
}

static void
test_step_never_restarts_a_domain_destroyed_by_someone_else(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    /* xl destroy of a running domain */
    mon = startMonitored("restart", "restart", "restart", &id);
    xvSimRemoveDomain(id);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    xvXenMonitorFree(mon);
    /* destroyed (dying) right after the guest asked for a reboot */
    mon = startMonitored("restart", "restart", "restart", &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_REBOOT);
    xvSimGetDomain(id)->dying = true;
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    assertLogHas("is being destroyed: the monitor exits");
    xvSimRemoveDomain(id);
    xvXenMonitorFree(mon);
}

/* The same UUID under another id is another run, not ours. */
static void
test_step_is_done_when_its_id_holds_another_domain(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    xvSimUUID(99, xvSimGetDomain(id)->uuid);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 0);
    xvXenMonitorFree(mon);
}

static void
test_step_leaves_a_suspended_domain_to_its_saver(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored("restart", "restart", "restart", &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_SUSPEND);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 0);
    assertLogHas("suspended: left to whoever did it");
    /* a failed save resumes it */
    xvSimGetDomain(id)->shutdown = false;
    assert_int_equal(xvXenMonitorStep(mon), 1);
    /* a save destroys it */
    guestShutdown(id, XV_XEN_SHUTDOWN_SUSPEND);
    assert_int_equal(xvXenMonitorStep(mon), 1);
    xvSimRemoveDomain(id);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    xvXenMonitorFree(mon);
}

static void
test_step_handles_a_shutdown_that_came_before_the_monitor(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    xvXenMonitorFree(mon);
    guestShutdown(id, XV_XEN_SHUTDOWN_POWEROFF);
    assert_non_null(mon = xvXenMonitorNew(&xvSimHypervisor, stateDir,
                                          xvDomainDefCopy(xvSimGetDomain(id)->config), id));
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_null(xvSimGetDomain(id));
    xvXenMonitorFree(mon);
}

static void
test_a_restart_that_cannot_create_is_logged_and_done(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_REBOOT);
    xvSimFail(XV_SIM_CALL_CREATE, ENOMEM, 1);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_null(xvSimGetDomain(id));
    assert_int_equal(domidOfUUID(UUID_A), 0);
    assertLogHas("rebooted; on_reboot is restart: destroyed, but it cannot be started again: "
                 "operation failed: libxl_domain_create_new failed (libxl error -3): "
                 "Cannot allocate memory");
    xvXenMonitorFree(mon);
}

static void
test_an_action_that_cannot_destroy_is_logged_and_done(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_REBOOT);
    xvSimFail(XV_SIM_CALL_DESTROY, EBUSY, 1);
    assert_int_equal(xvXenMonitorStep(mon), 0);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 0);
    assertLogHas("rebooted; on_reboot is restart, but it cannot be destroyed: "
                 "operation failed: libxl_domain_destroy failed");
    xvSimRemoveDomain(id);
    xvXenMonitorFree(mon);
}

static void
test_step_reports_a_failed_hypercall_and_recovers(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    guestShutdown(id, XV_XEN_SHUTDOWN_REBOOT);
    xvSimFail(XV_SIM_CALL_GETINFOLIST, EIO, 1);
    assert_int_equal(xvXenMonitorStep(mon), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xc_domain_getinfolist failed");
    assert_int_equal(xvSimCount(XV_SIM_CALL_DESTROY), 0);
    xvSimFail(XV_SIM_CALL_STORE_CHECK_WATCH, EIO, 1);
    assert_int_equal(xvXenMonitorStep(mon), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "xs_check_watch failed");
    /* the next step sees the reboot all the same */
    assert_int_equal(xvXenMonitorStep(mon), 1);
    assert_int_equal(xvSimCount(XV_SIM_CALL_CREATE), 1);
    xvXenMonitorFree(mon);
}

static void
test_free_keeps_no_error_of_its_own(void **state)
{
    xvXenMonitor *mon;
    uint32_t id;

    (void)state;
    mon = startMonitored(NULL, NULL, NULL, &id);
    xvSimFail(XV_SIM_CALL_STORE_UNWATCH, EIO, 1);
    xvXenMonitorFree(mon);
    assert_null(virGetLastError());
    assert_int_equal(xvSimOpenHandles(), 0);
}

/* ---- the log ------------------------------------------------------------------- */

static void
test_log_makes_the_state_dir_and_appends_one_line_per_call(void **state)
{
    XV_AUTOFREE(char *) log = NULL;
    char dir[512], path[600];
    struct stat st;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/a/b", stateDir);
    xvXenMonitorLog(dir, "first %d", 1);
    xvXenMonitorLog(dir, "second '%s'", "x");
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/" XV_XEN_MONITOR_LOG, dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    log = xvTestReadFile(path);
    assert_int_equal(countOf(log, "\n"), 2);
    assert_non_null(strstr(log, " lib_xen_monitor["));
    assert_non_null(strstr(log, "]: first 1\n"));
    assert_non_null(strstr(log, "]: second 'x'\n"));
    assert_null(virGetLastError());
}

/* A log that cannot be written is skipped, and no error is left. */
static void
test_log_in_an_unusable_place_is_skipped_quietly(void **state)
{
    xvDomainDef *def = parseDef(NULL, NULL, NULL);
    char notADir[512], dir[600];
    FILE *fp;

    (void)state;
    snprintf(notADir, sizeof(notADir), "%s/file", stateDir);
    assert_non_null(fp = fopen(notADir, "w"));
    fclose(fp);
    snprintf(dir, sizeof(dir), "%s/state", notADir);
    errno = EINTR;
    xvXenMonitorLog(dir, "lost");
    assert_int_equal(errno, EINTR);
    assert_null(virGetLastError());
    setenv(XV_XEN_MONITOR_ENV, "/nonexistent/monitor", 1);
    assert_false(xvXenMonitorSpawn(dir, def, 7));
    assert_null(virGetLastError());
    unsetenv(XV_XEN_MONITOR_ENV);
    xvDomainDefFree(def);
}

/* ---- the lock ------------------------------------------------------------------ */

static int
lockOf(const char *uuidstr, unsigned int waitMs, int *fd)
{
    unsigned char uuid[XV_UUID_BUFLEN];

    assert_int_equal(xvUUIDParse(uuidstr, uuid), 0);
    return xvXenMonitorLock(stateDir, uuid, waitMs, fd);
}

static void
unlockOf(const char *uuidstr, int fd)
{
    unsigned char uuid[XV_UUID_BUFLEN];

    assert_int_equal(xvUUIDParse(uuidstr, uuid), 0);
    xvXenMonitorUnlock(stateDir, uuid, fd);
}

/* Another process's attempt (flock is per open file): its result. */
static int
lockInChild(const char *uuidstr, unsigned int waitMs)
{
    int status, fd = -1;
    pid_t pid;

    if ((pid = fork()) == 0)
        _exit(lockOf(uuidstr, waitMs, &fd) + 10);
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status) - 10;
}

static void
test_lock_is_exclusive_per_uuid_and_unlock_removes_it(void **state)
{
    char path[512];
    int fdA = -1, fdB = -1;

    (void)state;
    snprintf(path, sizeof(path), "%s/monitor/" UUID_A ".lock", stateDir);
    assert_int_equal(lockOf(UUID_A, 0, &fdA), 1);
    assert_true(fdA >= 0);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(lockInChild(UUID_A, 0), 0);
    assert_int_equal(lockInChild(UUID_A, 300), 0);
    assert_int_equal(lockOf(UUID_B, 0, &fdB), 1);
    unlockOf(UUID_A, fdA);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(lockInChild(UUID_A, 0), 1);
    unlockOf(UUID_B, fdB);
}

static void
test_lock_waits_for_the_monitor_of_the_last_run_to_let_go(void **state)
{
    struct timespec pause = { 0, 200 * 1000000L };
    int status, fd = -1;
    pid_t pid;

    (void)state;
    assert_int_equal(lockOf(UUID_A, 0, &fd), 1);
    if ((pid = fork()) == 0) {
        int fd2 = -1;

        _exit(lockOf(UUID_A, 5000, &fd2) + 10);
    }
    assert_true(pid > 0);
    nanosleep(&pause, NULL);
    assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
    unlockOf(UUID_A, fd);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 11);
}

static void
test_lock_in_an_unusable_place_is_an_error(void **state)
{
    unsigned char uuid[XV_UUID_BUFLEN];
    char notADir[512];
    FILE *fp;
    int fd = -1;

    (void)state;
    snprintf(notADir, sizeof(notADir), "%s/file", stateDir);
    assert_non_null(fp = fopen(notADir, "w"));
    fclose(fp);
    assert_int_equal(xvUUIDParse(UUID_A, uuid), 0);
    assert_int_equal(xvXenMonitorLock(notADir, uuid, 0, &fd), -1);
    xvTestAssertError(VIR_ERR_SYSTEM_ERROR, "Not a directory");
    assert_int_equal(fd, -1);
}

/* ---- the program ---------------------------------------------------------------- */

static char *
monitorProgram(void)
{
    const char *build = getenv("XV_TEST_BUILDDIR");

    if (!build)
        fail_msg("XV_TEST_BUILDDIR is not set");
    return xvAsprintf("%s/lib/xvirt-xen-monitor", build);
}

static void
assertNoChildLeft(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* Waits up to 10 s for the log to have @substr. */
static bool
logGets(const char *substr)
{
    struct timespec pause = { 0, 50 * 1000000L };
    int i;

    for (i = 0; i < 200; i++) {
        XV_AUTOFREE(char *) log = readLog();

        if (strstr(log, substr))
            return true;
        nanosleep(&pause, NULL);
    }
    return false;
}

/* The real program, started the driver's way. Off Xen (or on a Xen host
 * without that domain) its monitor logs why it stops, and it leaves no
 * child and no lock behind. */
static void
test_the_monitor_program_detaches_and_logs_its_end(void **state)
{
    XV_AUTOFREE(char *) prog = monitorProgram();
    xvDomainDef *def = parseDef(NULL, NULL, NULL);
    struct timespec pause = { 0, 50 * 1000000L };
    char path[512];
    int i;

    (void)state;
    setenv(XV_XEN_MONITOR_ENV, prog, 1);
    assert_true(xvXenMonitorSpawn(stateDir, def, 4242));
    assertNoChildLeft();
    if (!logGets("domain 'tmp' (id 4242) cannot be monitored") &&
        !logGets("domain 'tmp' (id 4242) is gone"))
        fail_msg("the monitor did not log its end; log:\n%s", readLog());
    assertLogHas("xvirt-xen-monitor[");
    snprintf(path, sizeof(path), "%s/monitor/" UUID_A ".lock", stateDir);
    for (i = 0; i < 200 && access(path, F_OK) == 0; i++)
        nanosleep(&pause, NULL);
    assert_int_equal(access(path, F_OK), -1);
    assert_null(virGetLastError());
    unsetenv(XV_XEN_MONITOR_ENV);
    xvDomainDefFree(def);
}

static void
test_spawn_of_a_missing_program_is_logged_not_reported(void **state)
{
    xvDomainDef *def = parseDef(NULL, NULL, NULL);

    (void)state;
    setenv(XV_XEN_MONITOR_ENV, "/nonexistent/monitor", 1);
    assert_false(xvXenMonitorSpawn(stateDir, def, 7));
    assert_null(virGetLastError());
    assertLogHas("cannot start the monitor '/nonexistent/monitor' of domain 'tmp' (id 7): "
                 "No such file or directory");
    unsetenv(XV_XEN_MONITOR_ENV);
    xvDomainDefFree(def);
}

static void
test_spawn_path_defaults_to_the_installed_program(void **state)
{
    XV_AUTOFREE(char *) path = NULL;

    (void)state;
    unsetenv(XV_XEN_MONITOR_ENV);
    path = xvXenMonitorPath();
    assert_non_null(strstr(path, "/xvirt/xvirt-xen-monitor"));
    assert_int_equal(path[0], '/');
    setenv(XV_XEN_MONITOR_ENV, "", 1);
    free(path);
    path = xvXenMonitorPath();
    assert_non_null(strstr(path, "/xvirt/xvirt-xen-monitor"));
    unsetenv(XV_XEN_MONITOR_ENV);
}

static void
test_the_monitor_program_refuses_bad_usage_and_bad_configs(void **state)
{
    XV_AUTOFREE(char *) prog = monitorProgram();
    XV_AUTOFREE(char *) cmd = NULL;
    int status;

    (void)state;
    cmd = xvAsprintf("'%s' --domid 1 </dev/null 2>/dev/null", prog);
    status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    free(cmd);
    cmd = xvAsprintf("echo '<domain/>' | '%s' --state-dir '%s' --domid 1 --uuid " UUID_A,
                     prog, stateDir);
    status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assertLogHas("invalid domain config on stdin");
    free(cmd);
    cmd = xvAsprintf("echo \"<domain type='xen'><name>x</name><uuid>" UUID_B "</uuid>"
                     "<memory>1024</memory><os><type>linux</type><kernel>/k</kernel></os>"
                     "</domain>\" | '%s' --state-dir '%s' --domid 1 --uuid " UUID_A,
                     prog, stateDir);
    status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assertLogHas("the config of domain 'x' on stdin is not the one of --uuid");
}

static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    T(test_decide_poweroff_with_the_default_on_poweroff_destroys),
    T(test_decide_poweroff_with_on_poweroff_restart_restarts),
    T(test_decide_poweroff_with_on_poweroff_preserve_preserves),
    T(test_decide_reboot_with_the_default_on_reboot_restarts),
    T(test_decide_reboot_with_on_reboot_destroy_destroys),
    T(test_decide_reboot_with_on_reboot_preserve_preserves),
    T(test_decide_crash_with_the_default_on_crash_destroys),
    T(test_decide_crash_with_on_crash_restart_restarts),
    T(test_decide_crash_with_on_crash_preserve_preserves),
    T(test_decide_rename_restart_restarts_as_libvirt_does),
    T(test_decide_suspend_is_left_to_whoever_suspended_it),
    T(test_decide_watchdog_destroys),
    T(test_decide_soft_reset_restarts),
    T(test_decide_unknown_reason_changes_nothing),
    T(test_action_names),
    T(test_new_watches_release_domain_and_free_closes_everything),
    T(test_new_fails_when_xen_cannot_be_opened),
    T(test_no_descriptor_to_poll_when_xs_fileno_fails),
    T(test_step_on_a_running_domain_does_nothing),
    T(test_step_restarts_a_rebooted_domain_under_a_new_id_with_the_same_uuid),
    T(test_a_restarted_domain_is_handled_again_on_its_next_shutdown),
    T(test_step_destroys_a_powered_off_domain_and_is_done),
    T(test_step_restarts_a_crashed_domain_with_on_crash_restart),
    T(test_step_destroys_a_crashed_domain_with_the_default_on_crash),
    T(test_step_preserves_a_crashed_domain_once_and_keeps_watching),
    T(test_step_never_restarts_a_domain_destroyed_by_someone_else),
    T(test_step_is_done_when_its_id_holds_another_domain),
    T(test_step_leaves_a_suspended_domain_to_its_saver),
    T(test_step_handles_a_shutdown_that_came_before_the_monitor),
    T(test_a_restart_that_cannot_create_is_logged_and_done),
    T(test_an_action_that_cannot_destroy_is_logged_and_done),
    T(test_step_reports_a_failed_hypercall_and_recovers),
    T(test_free_keeps_no_error_of_its_own),
    T(test_log_makes_the_state_dir_and_appends_one_line_per_call),
    T(test_log_in_an_unusable_place_is_skipped_quietly),
    T(test_lock_is_exclusive_per_uuid_and_unlock_removes_it),
    T(test_lock_waits_for_the_monitor_of_the_last_run_to_let_go),
    T(test_lock_in_an_unusable_place_is_an_error),
    T(test_the_monitor_program_detaches_and_logs_its_end),
    T(test_spawn_of_a_missing_program_is_logged_not_reported),
    T(test_spawn_path_defaults_to_the_installed_program),
    T(test_the_monitor_program_refuses_bad_usage_and_bad_configs),
#undef T
};

XV_TEST_MAIN(tests)
