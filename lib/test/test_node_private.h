/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node_private.h: what the files of the simulated node share with one
 * another (test_node.c, test_node_clock.c, test_node_xml.c, test_save.c);
 * nothing else includes it. Their interface is test_node.h (test_save.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test/test_node.h"

/* The domain types a node file or a save file may hold: "test", "xen". */
extern const char *const xvTestDomainTypes[];

/* ---- Events, timers, faults: read from node files, run by the clock ---- */

typedef enum {
    XV_TEST_EVENT_CRASH = 0,
    XV_TEST_EVENT_SHUTDOWN,
    XV_TEST_EVENT_REBOOT,
    XV_TEST_EVENT_START,        /* the host starts a defined, inactive domain */
    XV_TEST_EVENT_DESTROY,      /* the host destroys a running domain */
    XV_TEST_EVENT_VCPU_LOAD,
    XV_TEST_EVENT_MEMORY_DEMAND,
    XV_TEST_EVENT_HOST_FREE,    /* sets hostUsedKiB so that free memory is kib, or
                                 * (drop) adds kib to hostUsedKiB */
    XV_TEST_EVENT_HOST_USED,    /* sets hostUsedKiB */
    XV_TEST_EVENT_IO,           /* changes the rates of one device */
    XV_TEST_EVENT_FAULT,        /* not a timed event: parsed into node->faults */
    XV_TEST_EVENT_LAST
} xvTestEventType;

struct _xvTestEvent {
    xvTestEventType type;
    uint64_t atNs;
    size_t seq;                 /* document order, breaks ties */
    char *domain;               /* NULL for host-free, host-used */
    int vcpu;                   /* vcpu-load: -1 for all */
    double load;                /* vcpu-load */
    long long kib;              /* memory-demand, host-free, host-used */
    bool drop;                  /* host-free drop-kib: free memory falls by kib */
    xvTestIoRates io;           /* io: the device and the rates given */
};

struct _xvTestTimer {
    uint64_t atNs;
    uint64_t seq;
    unsigned char uuid[16];
    uint64_t token;             /* must still be the domain's shutdownToken */
    bool reboot;
    bool guest;                 /* the guest's own shutdown, not the host's request */
};

typedef enum {
    XV_TEST_FAULT_FAIL = 0,
    XV_TEST_FAULT_HANG,
    XV_TEST_FAULT_LAST
} xvTestFaultMode;

struct _xvTestFault {
    xvTestFaultMode mode;
    char *domain;               /* NULL: any call */
    uint64_t fromNs, untilNs;   /* simulated window [from, until) */
    double hangSeconds;         /* real seconds */
    long long remaining;        /* -1: unlimited */
};

/* ---- test_node.c ------------------------------------------------------- */

/* A node with the defaults of libvirt's test node, no domain, no event. */
xvTestNode *xvTestNodeNew(void);
/* strerror_r() into @buf: the description of @errnum. */
const char *xvTestNodeStrerror(int errnum, char *buf, size_t len);
/* Reads a whole file (NUL-terminated, to free(); its length in *@retlen if
 * not NULL). Reports "cannot open|read @what '@path': reason" with
 * @openCode when the file cannot be opened, else VIR_ERR_READ_FAILED. */
char *xvTestNodeReadFile(const char *path, const char *what, int openCode, size_t *retlen);
/* Whether the vcpus of @dom burn CPU time (running, or shutting down). */
bool xvTestDomVcpusRun(const xvTestDom *dom);
/* Accounts the CPU time burnt so far; call before anything that changes
 * whether or how fast vcpus run. */
void xvTestDomFold(xvTestNode *node, xvTestDom *dom);
/* Applies on_poweroff (@reboot: on_reboot) once the guest has stopped, and
 * emits the events: a stop is STOPPED/SHUTDOWN; a restart is STOPPED/SHUTDOWN
 * then STARTED/BOOTED when the guest itself (@guest) shut down or rebooted
 * (libxl), nothing when the host asked (libvirt's test driver). Returns true
 * if @dom vanished. */
bool xvTestDomGuestStopped(xvTestNode *node, xvTestDom *dom, bool reboot, bool guest);
/* The guest crashed: applies on_crash, with libxl's events: destroy is
 * STOPPED/CRASHED, restart STOPPED/CRASHED then STARTED/BOOTED, preserve
 * CRASHED/PANICKED. Returns true if @dom vanished. */
bool xvTestDomCrash(xvTestNode *node, xvTestDom *dom);
/* A shutdown or reboot, asked by the host (@guest false) or decided by the
 * guest itself. Returns true if @dom vanished. */
bool xvTestDomShutdown(xvTestNode *node, xvTestDom *dom, bool reboot, bool guest);
/* Starts the inactive @dom as a node file's running domain starts at load:
 * with ID @id, above every active ID (the loader checked), or the next
 * free one when -1; later starts get IDs above it. */
void xvTestNodeDomainStartAs(xvTestNode *node, xvTestDom *dom, int id);
/* <xvirt:host-free>: the host takes (or gives back) what makes the free
 * memory @freeKiB with the domains' current sizes; it never uses less than
 * nothing, so a @freeKiB above what the domains leave gives all of that. */
void xvTestNodeSetHostFree(xvTestNode *node, unsigned long long freeKiB);

/* ---- test_node_clock.c ------------------------------------------------- */

/* Schedules @timer (a shutdown completing) on the node's timer heap. */
void xvTestNodeTimerPush(xvTestNode *node, const xvTestTimer *timer);
/* The node's clock now (what the next call will bring it to). */
uint64_t xvTestNodeClockNow(const xvTestNode *node);

/* ---- test_node_io.c ---------------------------------------------------- */

/* The name of I/O field @f of @kind as an attribute ("rd-bytes"). */
const char *xvTestIoFieldName(xvTestIoKind kind, unsigned int f);
/* The rates @given in @from replace those of @dev from now on (folds first). */
void xvTestIoDevSetRates(const xvTestNode *node, const xvTestDom *dom, xvTestIoDev *dev,
                         const xvTestIoRates *from);
/* The device of the active @dom whose target dev is @device, or NULL. */
xvTestIoDev *xvTestDomFindIoDev(xvTestDom *dom, const char *device);
void xvTestIoRatesClear(xvTestIoRates *rates);
/* Gives the just launched @dom its devices, counters at 0, with the rates
 * of its settings. */
void xvTestDomIoLaunch(const xvTestNode *node, xvTestDom *dom);
void xvTestDomIoRelease(xvTestDom *dom);
/* Accounts the I/O done so far; with xvTestDomFold. */
void xvTestDomIoFold(const xvTestNode *node, xvTestDom *dom);

/* ---- test_node_xml.c --------------------------------------------------- */

/* Default settings for @maxVcpus vcpus: every load 1.0, no memory demand,
 * no shutdown delay. */
void xvTestDomSettingsInit(xvTestDomSettings *settings, unsigned int maxVcpus);
