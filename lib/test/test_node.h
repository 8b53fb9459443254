/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node.h: the simulated node of the test driver: node XML loading
 * (test_node_xml.c), the simulated clock, scripted events and faults
 * (test_node_clock.c), the domains and their life-cycle primitives
 * (test_node.c). The save-file format is test_save.h. Used by
 * test_driver.c only.
 *
 * Locking: every field marked "locked" is read and written with node->lock
 * held, which xvTestNodeBegin() takes and xvTestNodeEnd() releases. Fields
 * marked "immutable" are set by the loader and never change afterwards.
 *
 * Time: the node keeps a simulated clock in nanoseconds. It reads
 * clockStartNs when the node is loaded and then runs clockRate times as fast
 * as the real monotonic clock (plus whatever the test hook adds). Domains of
 * the node file that are running at load time were started at simulated time
 * 0, so with start='S' they already have S seconds of CPU time per busy vcpu,
 * and the scripted events with at < S are due at the first call.
 *
 * Shared mode (xvTestNodeShare): the node follows a journal (test_journal.h)
 * that every process simulating it appends its write calls to. The clock
 * then runs from the journal's CLOCK_MONOTONIC epoch instead of the load
 * time, so all processes share it; each call first replays, under the
 * journal's flock, the entries appended since its last call, each at its
 * own simulated time, and the flock is held until xvTestNodeEnd(). Faults
 * stay per process: a call failed by a fault is not journaled, and fault
 * counters and windows are not shared.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "conf/domain_conf.h"
#include "internal.h"
#include "test/test_journal.h"
#include "util/xvhash.h"

/* The public calls a <xvirt:fault call='...'/> can target. */
typedef enum {
    XV_TEST_CALL_CONNECT_OPEN = 0,
    XV_TEST_CALL_CONNECT_GET_VERSION,
    XV_TEST_CALL_NODE_GET_INFO,
    XV_TEST_CALL_CONNECT_NUM_OF_DOMAINS,
    XV_TEST_CALL_CONNECT_LIST_DOMAINS,
    XV_TEST_CALL_CONNECT_LIST_DEFINED_DOMAINS,
    XV_TEST_CALL_DOMAIN_CREATE_LINUX,
    XV_TEST_CALL_DOMAIN_DEFINE_XML,
    XV_TEST_CALL_DOMAIN_UNDEFINE,
    XV_TEST_CALL_DOMAIN_CREATE,
    XV_TEST_CALL_DOMAIN_LOOKUP_BY_ID,
    XV_TEST_CALL_DOMAIN_LOOKUP_BY_NAME,
    XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID,
    XV_TEST_CALL_DOMAIN_DESTROY,
    XV_TEST_CALL_DOMAIN_SUSPEND,
    XV_TEST_CALL_DOMAIN_RESUME,
    XV_TEST_CALL_DOMAIN_SHUTDOWN,
    XV_TEST_CALL_DOMAIN_REBOOT,
    XV_TEST_CALL_DOMAIN_SAVE,
    XV_TEST_CALL_DOMAIN_RESTORE,
    XV_TEST_CALL_DOMAIN_GET_OS_TYPE,
    XV_TEST_CALL_DOMAIN_GET_MAX_MEMORY,
    XV_TEST_CALL_DOMAIN_SET_MAX_MEMORY,
    XV_TEST_CALL_DOMAIN_SET_MEMORY,
    XV_TEST_CALL_DOMAIN_GET_INFO,
    XV_TEST_CALL_DOMAIN_GET_XML_DESC,
    XV_TEST_CALL_DOMAIN_SET_VCPUS,
    XV_TEST_CALL_DOMAIN_PIN_VCPU,
    XV_TEST_CALL_DOMAIN_GET_VCPUS,
    /* beyond the seed */
    XV_TEST_CALL_NODE_GET_FREE_MEMORY,
    XV_TEST_CALL_DOMAIN_MEMORY_STATS,
    XV_TEST_CALL_DOMAIN_BLOCK_STATS,
    XV_TEST_CALL_DOMAIN_INTERFACE_STATS,
    XV_TEST_CALL_NODE_GET_CPU_STATS,
    XV_TEST_CALL_LAST
} xvTestCall;

/* "virDomainGetInfo"... */
const char *xvTestCallToString(xvTestCall call);
/* Also accepts the aliases virConnectOpenReadOnly and
 * virDomainLookupByUUIDString. Returns -1 if unknown. */
int xvTestCallFromString(const char *name);

typedef struct _xvTestEvent xvTestEvent;
typedef struct _xvTestTimer xvTestTimer;
typedef struct _xvTestFault xvTestFault;
typedef struct _xvTestNodeListen xvTestNodeListen;

/*
 * I/O counters of one disk or interface, in the order of the public
 * structures: a disk uses the first XV_TEST_IO_DISK_FIELDS (rd_req,
 * rd_bytes, wr_req, wr_bytes, errs), an interface all XV_TEST_IO_NET_FIELDS
 * (rx_bytes, rx_packets, rx_errs, rx_drop, tx_bytes, tx_packets, tx_errs,
 * tx_drop).
 */
#define XV_TEST_IO_DISK_FIELDS 5
#define XV_TEST_IO_NET_FIELDS 8
#define XV_TEST_IO_MAX_FIELDS 8

typedef enum {
    XV_TEST_IO_ANY = 0,         /* no rate given: whatever the device is */
    XV_TEST_IO_DISK,
    XV_TEST_IO_NET,
} xvTestIoKind;

/* Rates per simulated second of one device (<xvirt:io>, io events). */
typedef struct _xvTestIoRates xvTestIoRates;
struct _xvTestIoRates {
    char *device;               /* <target dev> of a disk or an interface */
    xvTestIoKind kind;          /* told by the attribute names */
    unsigned int given;         /* bit f: rates[f] was given */
    unsigned long long rates[XV_TEST_IO_MAX_FIELDS];
};

/* The running counters of one device of an active domain. The value of
 * field f at time t >= sinceNs is base[f] + (rem[f] + rates[f] * (t -
 * sinceNs)) / 1e9, computed in integers so that it never goes back. */
typedef struct _xvTestIoDev xvTestIoDev;
struct _xvTestIoDev {
    const char *device;         /* the target dev in dom->def, or NULL (an
                                 * interface without one) */
    xvTestIoKind kind;          /* XV_TEST_IO_DISK or XV_TEST_IO_NET */
    unsigned long long rates[XV_TEST_IO_MAX_FIELDS];
    unsigned long long base[XV_TEST_IO_MAX_FIELDS];
    uint32_t rem[XV_TEST_IO_MAX_FIELDS]; /* < 1e9: billionths carried */
    uint64_t sinceNs;
};

/* Per-domain settings read from the <xvirt:*> elements of a definition. */
typedef struct _xvTestDomSettings xvTestDomSettings;
struct _xvTestDomSettings {
    double *loads;              /* def->maxVcpus entries, 1.0 by default */
    size_t nloads;
    char **pins;                /* nloads entries: the cpuset of the vcpu's
                                 * <xvirt:vcpupin>, checked against the
                                 * node's CPUs; NULL: none (<vcpu cpuset>) */
    xvTestIoRates *io;          /* one per <xvirt:io>, document order */
    size_t nio;
    long long memDemandKiB;     /* -1: none */
    uint64_t shutdownDelayNs;   /* simulated time spent in SHUTDOWN */
    bool ignoreShutdown;        /* the guest ignores shutdown/reboot requests */
};

typedef struct _xvTestVcpu xvTestVcpu;
struct _xvTestVcpu {
    uint64_t baseNs;            /* CPU time accumulated up to sinceNs */
    uint64_t sinceNs;           /* simulated time of the last fold */
    double load;                /* fraction of a pCPU burnt while running */
    unsigned char *affinity;    /* node->maplen bytes */
};

typedef struct _xvTestDom xvTestDom;
struct _xvTestDom {
    xvTestDom *prev, *next;     /* node->domains list, creation order */
    xvDomainDef *def;           /* the live config while active, else the
                                 * persistent one; name and uuid immutable */
    xvDomainDef *newDef;        /* persistent config to use at the next start,
                                 * when it differs from the live one; or NULL */
    bool persistent;
    /* the running incarnation has had a persistent config (libvirt's
     * newDef), even if undefined since: see xvTestNodeEmitStopped */
    bool persistentLive;
    virDomainState state;       /* SHUTOFF when inactive */
    int id;                     /* -1 when inactive */
    xvTestVcpu *vcpus;          /* def->maxVcpus entries while active */
    size_t nvcpus;
    xvTestIoDev *io;            /* while active: one per disk, then one per
                                 * interface, of def */
    size_t nio;
    xvTestDomSettings settings; /* from def (re-read when def changes) */
    long long memDemandKiB;     /* guest-reported demand, -1: none */
    uint64_t shutdownToken;     /* names the pending shutdown timer, if any */
};

typedef struct _xvTestNode xvTestNode;
/* Applies a journal entry of another process (or connection) to the locked
 * @node: the same code as the live call, without journaling it again. */
typedef void (*xvTestNodeApplyFn)(xvTestNode *node, const xvTestJournalEntry *entry);

struct _xvTestNode {
    pthread_mutex_t lock;
    char *path;                 /* immutable: canonical node file, NULL built-in */
    /* immutable: the host */
    char model[32];
    unsigned long memoryKiB;
    unsigned int cpus, mhz, nodes, sockets, cores, threads;
    unsigned int maxCpus;       /* nodes * sockets * cores * threads */
    int maplen;                 /* VIR_CPU_MAPLEN(maxCpus) */
    unsigned long hvVersion;    /* virConnectGetVersion() */
    char *hvType;               /* <xvirt:hypervisor type>, informational */
    /* immutable: the clock */
    double clockRate;
    uint64_t clockStartNs;
    uint64_t loadMonoNs;        /* monotonic time at load */
    /* immutable once shared (xvTestNodeShare) */
    xvTestJournal *journal;     /* NULL: not shared */
    xvTestNodeApplyFn apply;
    uint64_t epochNs;           /* CLOCK_MONOTONIC of simulated time 0 */
    /* locked */
    uint64_t clockOffsetNs;     /* added by the test hook */
    uint64_t nowNs;             /* simulated time of the current call */
    xvTestEvent *events;        /* sorted by time, then document order */
    size_t nevents;
    size_t nextEvent;           /* first event not fired yet */
    xvTestTimer *timers;        /* min-heap of pending shutdown completions */
    size_t ntimers, timersCap;
    uint64_t timerSeq;
    xvTestFault *faults[XV_TEST_CALL_LAST]; /* per call, document order */
    size_t nfaults[XV_TEST_CALL_LAST];
    unsigned long long hostUsedKiB; /* memory the host uses outside the domains
                                 * (<xvirt:host-used>, <xvirt:host-free>) */
    uint64_t *pcpuBusyNs;       /* maxCpus entries: time spent running vcpus */
    double *pcpuDemand;         /* maxCpus entries: scratch of xvTestNodePcpuFold */
    uint64_t pcpuSinceNs;       /* simulated time pcpuBusyNs is folded to */
    bool pcpuDemandCurrent;     /* pcpuDemand holds the node's state now */
    xvTestDom *domains, *lastDomain;
    size_t ndomains, nactive;
    xvHash *byName, *byUUID;
    /* The index by ID: the IDs of the nactive active domains, ascending
     * (IDs only grow, so a start appends), searched by bisection;
     * activeDoms[i] is the domain running with activeIDs[i].
     * virConnectListDomains copies it, walking no list. */
    int *activeIDs;
    xvTestDom **activeDoms;
    size_t activeIDsCap;
    /* Lookup shortcuts, checked before the hash indexes: a sampler asks for
     * the IDs in the order listed (the next one is at idFinger), then makes
     * several calls on the domain it found (lastFound; NULL once removed).
     * At 10,000 domains the indexes' buckets are out of the CPU caches. */
    size_t idFinger;
    xvTestDom *lastFound;
    int nextID;
    uint64_t nextToken;
    xvTestNodeListen *listen;   /* locked: the connections with lifecycle
                                 * events on, NULL when none (then nothing
                                 * is queued, watched or timed) */
};

/* ---- Loading ---------------------------------------------------------- */

/* The built-in node of test:///default. */
xvTestNode *xvTestNodeLoadDefault(void);
/* A node file; @path should be absolute (relative <domain file='...'/> are
 * resolved against its directory). Reports VIR_ERR_OPEN_FAILED or
 * VIR_ERR_XML_ERROR naming the file and the element at fault. */
xvTestNode *xvTestNodeLoadFile(const char *path);

/*
 * Node locked: adds the events of an events document (@xml, @len bytes;
 * @label names it in messages): a root <xvirt:events> holding what a node
 * file's <xvirt:events> holds, each at='T' counting from @baseNs instead of
 * from 0. Every event is checked before any is added. Returns 0, or -1
 * with VIR_ERR_XML_ERROR reported ("events 'LABEL' line N: ...").
 */
int xvTestNodeAddEvents(xvTestNode *node, const char *xml, size_t len, const char *label,
                        uint64_t baseNs);
/* The same from the file at @path (VIR_ERR_OPEN_FAILED if it cannot be
 * read, as a node file). */
int xvTestNodeAddEventsFile(xvTestNode *node, const char *path, uint64_t baseNs);
/* A node document in memory; @label names it in errors; @dir resolves
 * <domain file='...'/> (NULL: such elements are an error). */
xvTestNode *xvTestNodeLoadString(const char *xml, const char *label,
                                 const char *dir);
/*
 * The same from the @len bytes at @xml (no NUL needed; a NUL byte inside
 * is an error): the entry point of the node XML fuzz target, which needs
 * no file (pass @dir NULL). The document is read by xvXMLReadMemory()
 * (conf/xml_read.h): a DOCTYPE is refused with VIR_ERR_XML_ERROR
 * "node '@label': line N: a document type declaration ...".
 */
xvTestNode *xvTestNodeLoadBuffer(const char *xml, size_t len, const char *label,
                                 const char *dir);
void xvTestNodeFree(xvTestNode *node);

/* Puts @node, just loaded, in shared mode on the journal at the absolute
 * @journalPath (created if needed): adopts the journal's epoch and clock
 * rate; @apply replays entries. Returns 0 or -1 (VIR_ERR_OPEN_FAILED). */
int xvTestNodeShare(xvTestNode *node, const char *journalPath, xvTestNodeApplyFn apply);

/* ---- Calls ------------------------------------------------------------ */

/* Locks the node, brings the simulated clock to now and fires the events
 * that are due, then applies the faults injected on @call (for the domain
 * named @domName, may be NULL). Returns 0 with the node locked, or -1 with
 * the injected error reported and the node unlocked. A "hang" fault sleeps
 * with the node unlocked, then proceeds. XV_TEST_CALL_LAST: no faults. */
int xvTestNodeBegin(xvTestNode *node, xvTestCall call, const char *domName);
void xvTestNodeEnd(xvTestNode *node);
/* The simulated time of the next scripted event or timer into *@due; false
 * when nothing is scheduled. */
bool xvTestNodeNextDue(const xvTestNode *node, uint64_t *due);
/* Node locked: stops the clock where it is (rate 0), so that only the test
 * hook moves it. Returns 0, or -1 for a shared node, whose rate is its
 * journal's (the other processes would run on). */
int xvTestNodeFreezeClock(xvTestNode *node);
/* Test hook: moves the clock forward by @ns and fires what became due.
 * Locks the node itself; not journaled. */
void xvTestNodeAdvanceClock(xvTestNode *node, uint64_t ns);
/* Node locked: moves the clock forward by @ns without firing anything (the
 * clock hook's apply step; xvTestNodeRunToNow() then fires what is due). */
void xvTestNodeAddClockOffset(xvTestNode *node, uint64_t ns);
void xvTestNodeRunToNow(xvTestNode *node);
/* Node locked, after a successful write call: appends @entry at the current
 * simulated time to the journal of a shared node; nothing otherwise.
 * Returns 0 or -1 (error reported). */
int xvTestNodeRecord(xvTestNode *node, const xvTestJournalEntry *entry);

/* ---- Lifecycle events (test_node_events.c) ------------------------------ *
 *
 * A connection with events on (xvDrvConnectEvents) listens to its node: each
 * change of a domain is queued for every listening connection of the node
 * (a node of test:///default or of a node file is shared by the
 * connections of the process; a shared-mode node is its connection's own).
 * Write calls emit what libvirt 9's test driver emits for them (also when
 * replayed from the journal); the guest's own doings (scripted crashes,
 * shutdowns, reboots, and the host's scripted starts and destroys) what
 * libvirt's libxl driver emits when Xen reports them. While a connection
 * listens, a timer of the registered event loop brings the node to the next
 * scripted event or shutdown timer due (none with a frozen clock), and in
 * shared mode an inotify watch on the journal replays the entries other
 * processes append: events come without any call of this process. */

/* Locks the node (not the journal) and adds @conn to its listeners; the
 * first one sets up the loop's timer and journal watch. Returns 0, or -1
 * with the error reported (no event loop registered, inotify failed). */
int xvTestNodeEventsAdd(xvTestNode *node, virConnectPtr conn);
/* Locks the node and removes @conn; after the last one no loop callback
 * touches the node any more. */
void xvTestNodeEventsRemove(xvTestNode *node, virConnectPtr conn);
/* Node locked: queues @event/@detail of @dom (@id: its ID after the change,
 * -1 when inactive) for every listening connection; nothing when none. */
void xvTestNodeEmit(xvTestNode *node, const xvTestDom *dom, int id, int event, int detail);
/* Node locked: queues STOPPED/@detail of the active @dom, before it stops. */
void xvTestNodeEmitStopped(xvTestNode *node, const xvTestDom *dom, int detail);
/* Node locked: sets the loop's timer to the next due time (the node's end
 * does it for every call while a connection listens). */
void xvTestNodeEventsRearm(xvTestNode *node);

/* ---- Memory (node locked) --------------------------------------------- */

/* The node's free memory: its memory - the current memory of every active
 * domain - hostUsedKiB, at least 0. */
unsigned long long xvTestNodeFreeKiB(const xvTestNode *node);

/* ---- Domains (node locked) -------------------------------------------- */

xvTestDom *xvTestNodeFindByName(xvTestNode *node, const char *name);
xvTestDom *xvTestNodeFindByUUID(xvTestNode *node, const unsigned char *uuid);
xvTestDom *xvTestNodeFindByID(xvTestNode *node, int id);

static inline bool
xvTestDomIsActive(const xvTestDom *dom)
{
    return dom->id >= 0;
}

/* Reads the xvirt settings of @def for a node of @maxCpus CPUs (a
 * <xvirt:vcpupin> must name CPUs below it); reports VIR_ERR_XML_ERROR
 * naming the element when one is wrong. */
int xvTestDomSettingsParse(const xvDomainDef *def, unsigned int maxCpus,
                           xvTestDomSettings *settings);
void xvTestDomSettingsClear(xvTestDomSettings *settings);

/* Adds an inactive domain owning @def (the caller checked for clashes).
 * Returns 0, or -1 (error reported) when the settings of @def are wrong; then
 * @def is still the caller's. */
int xvTestNodeDomainAdd(xvTestNode *node, xvDomainDef *def, bool persistent,
                        xvTestDom **ret);
/* Removes an inactive domain, or a domain that has not started. */
void xvTestNodeDomainRemove(xvTestNode *node, xvTestDom *dom);
/* Replaces the config: of an inactive domain at once; of an active one for
 * its next start. Takes @def. Returns -1 (error reported, @def still the
 * caller's) when its settings are wrong. */
int xvTestNodeDomainRedefine(xvTestNode *node, xvTestDom *dom, xvDomainDef *def);
/* Starts an inactive domain at the current time, with a new ID. With
 * @liveDef (taken), runs it with that config and keeps the current one as
 * the persistent config. Returns -1 (error reported, @liveDef still the
 * caller's) when the settings of @liveDef are wrong. */
int xvTestNodeDomainStart(xvTestNode *node, xvTestDom *dom, xvDomainDef *liveDef);
/* Stops an active domain; returns true if it vanished (transient), in which
 * case @dom is freed. */
bool xvTestNodeDomainStop(xvTestNode *node, xvTestDom *dom);
/* Sets the state of an active domain (RUNNING <-> PAUSED), folding CPU time. */
void xvTestNodeDomainSetState(xvTestNode *node, xvTestDom *dom, virDomainState state);
/* A shutdown (or reboot) request from the host: honours ignore-shutdown and
 * shutdown-delay, then on_poweroff (on_reboot). Returns true if @dom vanished. */
bool xvTestNodeDomainRequestShutdown(xvTestNode *node, xvTestDom *dom, bool reboot);
/* Changes the online vcpus of an active domain (config of an inactive one). */
void xvTestNodeDomainSetVcpus(xvTestNode *node, xvTestDom *dom, unsigned int nvcpus);
/* Before a live change of an active persistent domain: keeps the persistent
 * config aside. */
void xvTestNodeDomainKeepPersistentDef(xvTestDom *dom);

/* CPU time of one vcpu / of all vcpus of an active domain at the current time. */
uint64_t xvTestDomVcpuTimeNs(const xvTestNode *node, const xvTestDom *dom, size_t vcpu);
uint64_t xvTestDomCpuTimeNs(const xvTestNode *node, const xvTestDom *dom);

/* ---- I/O and physical CPUs (node locked) ------------------------------ */

/* The device of the active @dom that @name names: a disk by target dev or
 * by source path (unambiguous), an interface by target dev or MAC (any
 * case), as libvirt 9 matches them; NULL if none. */
const xvTestIoDev *xvTestDomFindDisk(const xvTestDom *dom, const char *name);
const xvTestIoDev *xvTestDomFindInterface(const xvTestDom *dom, const char *name);
/* The counters of @dev at the current time into @out (its kind's fields;
 * saturated at LLONG_MAX). */
void xvTestIoDevRead(const xvTestNode *node, const xvTestDom *dom, const xvTestIoDev *dev,
                     long long out[XV_TEST_IO_MAX_FIELDS]);
/* Accounts the time physical CPUs spent running vcpus up to now; call
 * before anything changes which vcpus run, where, or how busy. */
void xvTestNodePcpuFold(xvTestNode *node);
/* The time each of the node->maxCpus pCPUs spent running vcpus since the
 * node booted (simulated time 0), into @busyNs; each is at most nowNs. */
void xvTestNodePcpuTimes(xvTestNode *node, uint64_t *busyNs);

/* Physical CPU that @vcpu of the active @dom runs on (deterministic). */
int xvTestDomVcpuPlacement(const xvTestNode *node, const xvTestDom *dom, size_t vcpu);
/* Gives the just restored (started) @dom the saved CPU time and state. */
void xvTestNodeDomainRestoreState(xvTestNode *node, xvTestDom *dom,
                                  uint64_t cpuTimeNs, bool paused);
