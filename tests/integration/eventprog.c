/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eventprog.c: the lifecycle events a fixed script of write calls emits,
 * built twice (with libxvirt and with the system libvirt) so that
 * differential_test.sh can diff the events of the two test drivers.
 *
 * usage: eventprog MODE URI SCRATCH_DIR
 *   MODE legacy: one virConnectDomainEventRegister() callback
 *   MODE any:    one virConnectDomainEventRegisterAny() callback
 *   MODE both:   legacy, then any, then an any callback for one domain only;
 *                each event goes to the callbacks in that order
 *
 * After each call the default event loop runs until a quiet period passes
 * with nothing more delivered. Each step prints one line ("call: ok" or
 * "call: failed"), then one line per event a callback received:
 *   "  [TAG] NAME id=ID EVENT DETAIL"
 * IDs that legitimately differ are printed tagged "[mask:TAG]" (see
 * differential_test.sh and README, "Differences from libvirt"). Only error
 * outcomes are printed, not their codes: seedprog compares the codes.
 * Exit status: 0 when the script ran, 1 on a usage or connection error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define EV_NEW_NAME "evprog-new"
#define EV_NEW_UUID "4c0f2b7e-6a1d-4e9b-8c3a-2d5e7f9a1b01"
#define EV_TRANSIENT_NAME "evprog-transient"
#define EV_TRANSIENT_UUID "4c0f2b7e-6a1d-4e9b-8c3a-2d5e7f9a1b02"

/* How long the loop must stay quiet before a step's events are complete.
 * Both libraries queue a call's events before it returns and arm their
 * dispatch timer to fire at once, so the quiet timer, added after the
 * call, always fires later: its length is no race, only a margin. */
#define EV_QUIET_MS 10

/* A domain with the lifecycle actions @poweroff / @reboot. */
#define EV_DOMAIN_XML(name, uuid, mem, poweroff, reboot)                      \
    "<domain type='test'>\n"                                                 \
    "  <name>" name "</name>\n"                                              \
    "  <uuid>" uuid "</uuid>\n"                                              \
    "  <memory>" mem "</memory>\n"                                           \
    "  <vcpu>2</vcpu>\n"                                                     \
    "  <os><type>hvm</type></os>\n"                                          \
    "  <on_poweroff>" poweroff "</on_poweroff>\n"                            \
    "  <on_reboot>" reboot "</on_reboot>\n"                                  \
    "</domain>\n"

static const char evNewXML[] =
    EV_DOMAIN_XML(EV_NEW_NAME, EV_NEW_UUID, "131072", "destroy", "restart");
/* the same domain again, other memory: a redefinition */
static const char evNewXML2[] =
    EV_DOMAIN_XML(EV_NEW_NAME, EV_NEW_UUID, "262144", "destroy", "restart");
/* and with the actions swapped: reboot stops it, shutdown restarts it */
static const char evNewXMLSwapped[] =
    EV_DOMAIN_XML(EV_NEW_NAME, EV_NEW_UUID, "262144", "restart", "destroy");
static const char evTransientXML[] =
    EV_DOMAIN_XML(EV_TRANSIENT_NAME, EV_TRANSIENT_UUID, "65536", "destroy", "restart");

static const char *const evEventNames[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown",
    "PMSuspended", "Crashed",
};

/* Events are printed in the order the loop delivers them; the step that
 * caused them is the last one printed. evCount counts the compared ones. */
static int evCount;
static int evDelivered;         /* compared or not */

/* While set, the step's outcome and events differ on purpose: they are
 * tagged with it (see evStepMasked). */
static const char *evStepTag;

/* The domains of the node and their IDs when the program started. */
#define EV_MAX_DOMS 64
static char *evInitialNames[EV_MAX_DOMS];
static int evInitialIds[EV_MAX_DOMS];
static int evNinitial;

static const char *
evEventName(int event)
{
    if (event < 0 || (size_t)event >= sizeof(evEventNames) / sizeof(evEventNames[0]))
        return "unknown";
    return evEventNames[event];
}

static void
evRecordInitialIds(virConnectPtr conn)
{
    int ids[EV_MAX_DOMS];
    int n = virConnectListDomains(conn, ids, EV_MAX_DOMS);
    int i;

    for (i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByID(conn, ids[i]);

        if (!dom)
            continue;
        evInitialNames[evNinitial] = strdup(virDomainGetName(dom));
        evInitialIds[evNinitial++] = ids[i];
        virDomainFree(dom);
    }
}

static bool
evIsInitialId(const char *name, int id)
{
    int i;

    for (i = 0; i < evNinitial; i++) {
        if (evInitialIds[i] == id && evInitialNames[i] && strcmp(evInitialNames[i], name) == 0)
            return true;
    }
    return false;
}

/* The ID an event carries. IDs handed out while the script runs are masked:
 * the two drivers need not number new domains alike (libxvirt gives a
 * rebooted domain a new ID, as Xen does; README, "Differences from
 * libvirt", item 7). What is compared is -1, or a domain's ID from the
 * start, or that the ID is a new positive one. */
static void
evPrintId(virDomainPtr dom)
{
    int id = (int)virDomainGetID(dom);

    if (id == -1 || evIsInitialId(virDomainGetName(dom), id))
        printf("id=%d", id);
    else
        printf("id=%s [mask:new-id]", id > 0 ? "new" : "bad");
}

static int
evCallback(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    evDelivered++;
    printf("  [%s] %s ", (const char *)opaque, virDomainGetName(dom));
    evPrintId(dom);
    printf(" %s %d", evEventName(event), detail);
    if (evStepTag) {
        printf(" [drop:%s]\n", evStepTag);
    } else if (event == VIR_DOMAIN_EVENT_SUSPENDED &&
               detail == VIR_DOMAIN_EVENT_SUSPENDED_RESTORED) {
        /* libxvirt restores a domain saved paused as paused and says so,
         * as libvirt's QEMU driver does; libvirt's test driver restores
         * every image running (README, "Differences from libvirt") */
        printf(" [drop:paused-restore]\n");
    } else {
        printf("\n");
        evCount++;
    }
    return 0;
}

/* ---- Draining the loop ---------------------------------------------------- */

static bool evQuiet;

static void
evQuietFired(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    evQuiet = true;
}

/* Runs the loop until EV_QUIET_MS pass without an event. */
static void
evDrain(void)
{
    int before;

    do {
        int timer = virEventAddTimeout(EV_QUIET_MS, evQuietFired, NULL, NULL);

        if (timer < 0) {
            printf("  (cannot add a timeout)\n");
            return;
        }
        before = evDelivered;
        evQuiet = false;
        while (!evQuiet) {
            if (virEventRunDefaultImpl() < 0) {
                printf("  (event loop failed)\n");
                break;
            }
        }
        virEventRemoveTimeout(timer);
    } while (evDelivered != before);
}

/* ---- The script ----------------------------------------------------------- */

static void
evStep(const char *what, int ret)
{
    if (evStepTag)
        printf("%s: outcome=%s [mask:%s]\n", what, ret < 0 ? "failed" : "ok", evStepTag);
    else
        printf("%s: %s\n", what, ret < 0 ? "failed" : "ok");
    fflush(stdout);
    evDrain();
    fflush(stdout);
}

/* A step returning a domain: freed here, looked up again when needed. */
static void
evStepDomain(const char *what, virDomainPtr dom)
{
    evStep(what, dom ? 0 : -1);
    if (dom)
        virDomainFree(dom);
}

static virDomainPtr
evLookup(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (!dom)
        printf("lookup %s: failed\n", name);
    return dom;
}

/* Runs @call on a fresh handle of the domain @name, as evDom. */
#define EV_ON(conn, name, what, call)                                          \
    do {                                                                      \
        virDomainPtr evDom = evLookup(conn, name);                            \
        if (evDom) {                                                          \
            evStep(what, call);                                               \
            virDomainFree(evDom);                                             \
        }                                                                     \
    } while (0)

/* virDomainDestroy: libxvirt frees the handle of a successful destroy
 * (seed semantics), libvirt 9 does not; it is never touched again. */
static void
evDestroy(virConnectPtr conn, const char *name, const char *what)
{
    virDomainPtr dom = evLookup(conn, name);
    int ret;

    if (!dom)
        return;
    ret = virDomainDestroy(dom);
    evStep(what, ret);
    if (ret < 0)
        virDomainFree(dom);
}

/* The persistent domain: defined, redefined, started, paused, tuned,
 * rebooted, shut down, saved and restored, destroyed, undefined. */
static void
evScriptPersistent(virConnectPtr conn, const char *scratch)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/evprog-new.save", scratch);
    evStepDomain("define " EV_NEW_NAME, virDomainDefineXML(conn, evNewXML));
    evStepDomain("redefine " EV_NEW_NAME " (inactive)", virDomainDefineXML(conn, evNewXML2));
    EV_ON(conn, EV_NEW_NAME, "create", virDomainCreate(evDom));
    EV_ON(conn, EV_NEW_NAME, "create again", virDomainCreate(evDom));
    evStepDomain("redefine " EV_NEW_NAME " (running)", virDomainDefineXML(conn, evNewXML));
    EV_ON(conn, EV_NEW_NAME, "suspend", virDomainSuspend(evDom));
    EV_ON(conn, EV_NEW_NAME, "suspend again", virDomainSuspend(evDom));
    EV_ON(conn, EV_NEW_NAME, "resume", virDomainResume(evDom));
    EV_ON(conn, EV_NEW_NAME, "resume again", virDomainResume(evDom));
    EV_ON(conn, EV_NEW_NAME, "setmem 65536", virDomainSetMemory(evDom, 65536));
    EV_ON(conn, EV_NEW_NAME, "setvcpus 1", virDomainSetVcpus(evDom, 1));
    EV_ON(conn, EV_NEW_NAME, "reboot (on_reboot restart)", virDomainReboot(evDom, 0));
    EV_ON(conn, EV_NEW_NAME, "shutdown (on_poweroff destroy)", virDomainShutdown(evDom));
    EV_ON(conn, EV_NEW_NAME, "shutdown again", virDomainShutdown(evDom));
    EV_ON(conn, EV_NEW_NAME, "create", virDomainCreate(evDom));
    EV_ON(conn, EV_NEW_NAME, "save", virDomainSave(evDom, path));
    evStep("restore", virDomainRestore(conn, path));
    evDestroy(conn, EV_NEW_NAME, "destroy");
    evDestroy(conn, EV_NEW_NAME, "destroy again");
    /* libxvirt changes the config of the next start; libvirt's test driver
     * refuses (README, "Differences from libvirt") */
    evStepTag = "setmem-inactive";
    EV_ON(conn, EV_NEW_NAME, "setmem 65536 (inactive)", virDomainSetMemory(evDom, 65536));
    evStepTag = NULL;
    evStepDomain("redefine " EV_NEW_NAME " (actions swapped)",
                 virDomainDefineXML(conn, evNewXMLSwapped));
    EV_ON(conn, EV_NEW_NAME, "create", virDomainCreate(evDom));
    EV_ON(conn, EV_NEW_NAME, "shutdown (on_poweroff restart)", virDomainShutdown(evDom));
    EV_ON(conn, EV_NEW_NAME, "reboot (on_reboot destroy)", virDomainReboot(evDom, 0));
    EV_ON(conn, EV_NEW_NAME, "undefine", virDomainUndefine(evDom));
    EV_ON(conn, EV_NEW_NAME, "undefine again", virDomainUndefine(evDom));
}

/* Undefined while running: it lives on, transient, until destroyed. */
static void
evScriptUndefineRunning(virConnectPtr conn)
{
    evStepDomain("define " EV_NEW_NAME, virDomainDefineXML(conn, evNewXML));
    EV_ON(conn, EV_NEW_NAME, "create", virDomainCreate(evDom));
    EV_ON(conn, EV_NEW_NAME, "undefine (running)", virDomainUndefine(evDom));
    evDestroy(conn, EV_NEW_NAME, "destroy");
}

/* A transient domain: created, saved and restored running and paused,
 * destroyed, shut down; made persistent while running, then destroyed. */
static void
evScriptTransient(virConnectPtr conn, const char *scratch)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/evprog-transient.save", scratch);
    evStepDomain("createlinux " EV_TRANSIENT_NAME,
                 virDomainCreateLinux(conn, evTransientXML, VIR_DOMAIN_NONE));
    evStepDomain("createlinux again", virDomainCreateLinux(conn, evTransientXML,
                                                           VIR_DOMAIN_NONE));
    /* libvirt's test driver undefines a transient domain (an Undefined
     * event, nothing else changes); libxvirt refuses, as libxl does (README,
     * "Differences from libvirt") */
    evStepTag = "undefine-transient";
    EV_ON(conn, EV_TRANSIENT_NAME, "undefine (transient)", virDomainUndefine(evDom));
    evStepTag = NULL;
    EV_ON(conn, EV_TRANSIENT_NAME, "save", virDomainSave(evDom, path));
    evStep("restore", virDomainRestore(conn, path));
    EV_ON(conn, EV_TRANSIENT_NAME, "suspend", virDomainSuspend(evDom));
    EV_ON(conn, EV_TRANSIENT_NAME, "save (paused)", virDomainSave(evDom, path));
    /* running in libvirt's test driver, paused in libxvirt: destroyed next */
    evStep("restore (saved paused)", virDomainRestore(conn, path));
    evDestroy(conn, EV_TRANSIENT_NAME, "destroy");
    evStepDomain("createlinux " EV_TRANSIENT_NAME,
                 virDomainCreateLinux(conn, evTransientXML, VIR_DOMAIN_NONE));
    EV_ON(conn, EV_TRANSIENT_NAME, "suspend", virDomainSuspend(evDom));
    evDestroy(conn, EV_TRANSIENT_NAME, "destroy (paused)");
    evStepDomain("createlinux " EV_TRANSIENT_NAME,
                 virDomainCreateLinux(conn, evTransientXML, VIR_DOMAIN_NONE));
    EV_ON(conn, EV_TRANSIENT_NAME, "shutdown", virDomainShutdown(evDom));
    evStepDomain("createlinux " EV_TRANSIENT_NAME,
                 virDomainCreateLinux(conn, evTransientXML, VIR_DOMAIN_NONE));
    evStepDomain("define " EV_TRANSIENT_NAME " (running)",
                 virDomainDefineXML(conn, evTransientXML));
    evDestroy(conn, EV_TRANSIENT_NAME, "destroy (now persistent)");
    EV_ON(conn, EV_TRANSIENT_NAME, "undefine", virDomainUndefine(evDom));
}

/* A domain of the node itself (test:///default has "test"). */
static void
evScriptNodeDomain(virConnectPtr conn, const char *name)
{
    EV_ON(conn, name, "suspend", virDomainSuspend(evDom));
    EV_ON(conn, name, "resume", virDomainResume(evDom));
    evDestroy(conn, name, "destroy");
    EV_ON(conn, name, "create", virDomainCreate(evDom));
}

/* The paused and the shut-off domain of the differential node. */
static void
evScriptNodeStates(virConnectPtr conn)
{
    EV_ON(conn, "dom-0006", "resume dom-0006 (paused at load)", virDomainResume(evDom));
    EV_ON(conn, "dom-0006", "suspend dom-0006", virDomainSuspend(evDom));
    evDestroy(conn, "dom-0006", "destroy dom-0006 (paused)");
    EV_ON(conn, "dom-0005", "create dom-0005 (shut off at load)", virDomainCreate(evDom));
    EV_ON(conn, "dom-0005", "shutdown dom-0005", virDomainShutdown(evDom));
}

/* ---- Registration --------------------------------------------------------- */

static int
evRegister(virConnectPtr conn, const char *mode, const char *nodeDom, int *anyId, int *domId)
{
    bool legacy = strcmp(mode, "legacy") == 0 || strcmp(mode, "both") == 0;
    bool any = strcmp(mode, "any") == 0 || strcmp(mode, "both") == 0;
    virDomainPtr dom;

    if (!legacy && !any)
        return -1;
    *anyId = *domId = -1;
    if (legacy && virConnectDomainEventRegister(conn, evCallback, (void *)"legacy",
                                                NULL) < 0)
        return -1;
    if (any && (*anyId = virConnectDomainEventRegisterAny(
                    conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                    VIR_DOMAIN_EVENT_CALLBACK(evCallback), (void *)"any", NULL)) < 0)
        return -1;
    if (strcmp(mode, "both") != 0)
        return 0;
    /* a domain the script defines later cannot be named yet: the node's */
    if ((dom = virDomainLookupByName(conn, nodeDom))) {
        *domId = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                  VIR_DOMAIN_EVENT_CALLBACK(evCallback),
                                                  (void *)"one", NULL);
        virDomainFree(dom);
        if (*domId < 0)
            return -1;
    }
    return 0;
}

/* Deregistered: the next call delivers nothing. */
static void
evDeregister(virConnectPtr conn, const char *mode, int anyId, int domId)
{
    if (strcmp(mode, "any") != 0)
        evStep("deregister legacy", virConnectDomainEventDeregister(conn, evCallback));
    if (anyId >= 0)
        evStep("deregister any", virConnectDomainEventDeregisterAny(conn, anyId));
    if (domId >= 0)
        evStep("deregister one", virConnectDomainEventDeregisterAny(conn, domId));
    evStepDomain("define " EV_NEW_NAME " (nobody listening)",
                 virDomainDefineXML(conn, evNewXML));
    EV_ON(conn, EV_NEW_NAME, "undefine (nobody listening)", virDomainUndefine(evDom));
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    const char *nodeDom;
    int anyId, domId;

    if (argc != 4) {
        fprintf(stderr, "usage: %s legacy|any|both URI SCRATCH_DIR\n", argv[0]);
        return 1;
    }
    if (virEventRegisterDefaultImpl() < 0) {
        fprintf(stderr, "cannot register the default event loop\n");
        return 1;
    }
    if (!(conn = virConnectOpen(argv[2]))) {
        fprintf(stderr, "cannot open %s\n", argv[2]);
        return 1;
    }
    /* the node's domain the script changes too */
    nodeDom = strstr(argv[2], "default") ? "test" : "dom-0001";
    if (evRegister(conn, argv[1], nodeDom, &anyId, &domId) < 0) {
        fprintf(stderr, "cannot register the callbacks (mode %s)\n", argv[1]);
        virConnectClose(conn);
        return 1;
    }
    evRecordInitialIds(conn);
    evStep("registered", 0);
    evScriptPersistent(conn, argv[3]);
    evScriptUndefineRunning(conn);
    evScriptTransient(conn, argv[3]);
    evScriptNodeDomain(conn, nodeDom);
    if (strcmp(nodeDom, "dom-0001") == 0)
        evScriptNodeStates(conn);
    evDeregister(conn, argv[1], anyId, domId);
    printf("events: %d\n", evCount);
    virConnectClose(conn);
    while (evNinitial > 0)
        free(evInitialNames[--evNinitial]);
    return 0;
}
