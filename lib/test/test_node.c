/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_node.c: the simulated node of the test driver: the node object, its
 * domains (lookups, CPU time, memory) and their life-cycle primitives.
 * The clock and what it drives are in test_node_clock.c, the node files in
 * test_node_xml.c, the save files in test_save.c.
 */
#include "config.h"

#include "test/test_node.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "test/test_node_private.h"
#include "util/xvcpulist.h"
#include "util/xvfile.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

/* Node and save files are small; refuse anything absurd. */
#define TEST_MAX_FILE_SIZE (64 * 1024 * 1024)

const char *const xvTestDomainTypes[] = { "test", "xen", NULL };

/* ---- Public call names ------------------------------------------------- */

static const char *const testCallNames[] = {
    [XV_TEST_CALL_CONNECT_OPEN] = "virConnectOpen",
    [XV_TEST_CALL_CONNECT_GET_VERSION] = "virConnectGetVersion",
    [XV_TEST_CALL_NODE_GET_INFO] = "virNodeGetInfo",
    [XV_TEST_CALL_CONNECT_NUM_OF_DOMAINS] = "virConnectNumOfDomains",
    [XV_TEST_CALL_CONNECT_LIST_DOMAINS] = "virConnectListDomains",
    [XV_TEST_CALL_CONNECT_LIST_DEFINED_DOMAINS] = "virConnectListDefinedDomains",
    [XV_TEST_CALL_DOMAIN_CREATE_LINUX] = "virDomainCreateLinux",
    [XV_TEST_CALL_DOMAIN_DEFINE_XML] = "virDomainDefineXML",
    [XV_TEST_CALL_DOMAIN_UNDEFINE] = "virDomainUndefine",
    [XV_TEST_CALL_DOMAIN_CREATE] = "virDomainCreate",
    [XV_TEST_CALL_DOMAIN_LOOKUP_BY_ID] = "virDomainLookupByID",
    [XV_TEST_CALL_DOMAIN_LOOKUP_BY_NAME] = "virDomainLookupByName",
    [XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID] = "virDomainLookupByUUID",
    [XV_TEST_CALL_DOMAIN_DESTROY] = "virDomainDestroy",
    [XV_TEST_CALL_DOMAIN_SUSPEND] = "virDomainSuspend",
    [XV_TEST_CALL_DOMAIN_RESUME] = "virDomainResume",
    [XV_TEST_CALL_DOMAIN_SHUTDOWN] = "virDomainShutdown",
    [XV_TEST_CALL_DOMAIN_REBOOT] = "virDomainReboot",
    [XV_TEST_CALL_DOMAIN_SAVE] = "virDomainSave",
    [XV_TEST_CALL_DOMAIN_RESTORE] = "virDomainRestore",
    [XV_TEST_CALL_DOMAIN_GET_OS_TYPE] = "virDomainGetOSType",
    [XV_TEST_CALL_DOMAIN_GET_MAX_MEMORY] = "virDomainGetMaxMemory",
    [XV_TEST_CALL_DOMAIN_SET_MAX_MEMORY] = "virDomainSetMaxMemory",
    [XV_TEST_CALL_DOMAIN_SET_MEMORY] = "virDomainSetMemory",
    [XV_TEST_CALL_DOMAIN_GET_INFO] = "virDomainGetInfo",
    [XV_TEST_CALL_DOMAIN_GET_XML_DESC] = "virDomainGetXMLDesc",
    [XV_TEST_CALL_DOMAIN_SET_VCPUS] = "virDomainSetVcpus",
    [XV_TEST_CALL_DOMAIN_PIN_VCPU] = "virDomainPinVcpu",
    [XV_TEST_CALL_DOMAIN_GET_VCPUS] = "virDomainGetVcpus",
    [XV_TEST_CALL_NODE_GET_FREE_MEMORY] = "virNodeGetFreeMemory",
    [XV_TEST_CALL_DOMAIN_MEMORY_STATS] = "virDomainMemoryStats",
    [XV_TEST_CALL_DOMAIN_BLOCK_STATS] = "virDomainBlockStats",
    [XV_TEST_CALL_DOMAIN_INTERFACE_STATS] = "virDomainInterfaceStats",
    [XV_TEST_CALL_NODE_GET_CPU_STATS] = "virNodeGetCPUStats",
};
_Static_assert(XV_N_ELEMENTS(testCallNames) == XV_TEST_CALL_LAST,
               "testCallNames must name every xvTestCall");

const char *
xvTestCallToString(xvTestCall call)
{
    if ((unsigned int)call >= XV_TEST_CALL_LAST)
        return NULL;
    return testCallNames[call];
}

int
xvTestCallFromString(const char *name)
{
    size_t i;

    for (i = 0; i < XV_TEST_CALL_LAST; i++) {
        if (XV_STREQ(name, testCallNames[i]))
            return (int)i;
    }
    if (XV_STREQ(name, "virConnectOpenReadOnly"))
        return XV_TEST_CALL_CONNECT_OPEN;
    if (XV_STREQ(name, "virDomainLookupByUUIDString"))
        return XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID;
    return -1;
}

/* ---- Files ------------------------------------------------------------- */

const char *
xvTestNodeStrerror(int errnum, char *buf, size_t len)
{
    return strerror_r(errnum, buf, len);
}

char *
xvTestNodeReadFile(const char *path, const char *what, int openCode, size_t *retlen)
{
    char why[XV_FILE_WHY_LEN];
    char *data = NULL;
    int fd, rc;

    /* a regular file only, opened without blocking: a FIFO or a device
     * named as a node or domain file is refused at once */
    if ((fd = xvFileOpenRegular(path, O_RDONLY, why, sizeof(why))) < 0) {
        xvReportError(openCode, "cannot open %s '%s': %s", what, path, why);
        return NULL;
    }
    rc = xvFileReadFd(fd, TEST_MAX_FILE_SIZE, &data, retlen, why, sizeof(why));
    close(fd);
    if (rc < 0) {
        xvReportError(VIR_ERR_READ_FAILED, "cannot read %s '%s': %s", what, path,
                      rc == -EFBIG ? "file too large" : why);
        return NULL;
    }
    return data;
}

/* ---- cpusets ----------------------------------------------------------- */

/* The CPUs <vcpu cpuset=...> lets a vcpu use, in libvirt's syntax ("0-3,^2,6";
 * CPUs beyond the node are ignored): all of the node's when it is absent,
 * malformed or leaves none. */
static void
testCpusetParse(const xvTestNode *node, const char *cpuset, unsigned char *map)
{
    xvCpuListItem all = { .first = 0, .last = SIZE_MAX };

    if (cpuset && xvCpuListParse(cpuset, XV_CPULIST_LIBVIRT | XV_CPULIST_CLIP,
                                 node->maxCpus, map, NULL) > 0)
        return;
    memset(map, 0, (size_t)node->maplen);
    xvCpuListItemApply(&all, map, node->maxCpus);
}

/* ---- Node object ------------------------------------------------------- */

xvTestNode *
xvTestNodeNew(void)
{
    xvTestNode *node = xvAlloc(sizeof(*node));

    pthread_mutex_init(&node->lock, NULL);
    snprintf(node->model, sizeof(node->model), "%s", "i686");
    node->memoryKiB = 3145728;
    node->mhz = 1400;
    node->nodes = 2;
    node->sockets = 2;
    node->cores = 2;
    node->threads = 2;
    node->hvVersion = 2;
    node->clockRate = 1.0;
    node->byName = xvHashNew();
    node->byUUID = xvHashNew();
    node->nextID = 1;
    return node;
}

static void
testDomFree(xvTestDom *dom)
{
    if (!dom)
        return;
    free(dom->vcpus);           /* the affinity maps with it */
    xvTestDomIoRelease(dom);
    xvTestDomSettingsClear(&dom->settings);
    xvDomainDefFree(dom->def);
    xvDomainDefFree(dom->newDef);
    free(dom);
}

void
xvTestNodeFree(xvTestNode *node)
{
    size_t i, j;

    if (!node)
        return;
    while (node->domains) {
        xvTestDom *dom = node->domains;

        node->domains = dom->next;
        testDomFree(dom);
    }
    xvHashFree(node->byName);
    xvHashFree(node->byUUID);
    free(node->activeIDs);
    free(node->activeDoms);
    for (i = 0; i < node->nevents; i++) {
        free(node->events[i].domain);
        xvTestIoRatesClear(&node->events[i].io);
    }
    free(node->events);
    free(node->timers);
    for (i = 0; i < XV_TEST_CALL_LAST; i++) {
        for (j = 0; j < node->nfaults[i]; j++)
            free(node->faults[i][j].domain);
        free(node->faults[i]);
    }
    free(node->pcpuBusyNs);
    free(node->pcpuDemand);
    free(node->hvType);
    free(node->path);
    xvTestJournalFree(node->journal);
    pthread_mutex_destroy(&node->lock);
    free(node);
}

/* ---- Domain lookups ---------------------------------------------------- */

static int
testCompareID(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static xvTestDom *
testFound(xvTestNode *node, xvTestDom *dom)
{
    if (dom)
        node->lastFound = dom;
    return dom;
}

xvTestDom *
xvTestNodeFindByName(xvTestNode *node, const char *name)
{
    if (node->lastFound && XV_STREQ(node->lastFound->def->name, name))
        return node->lastFound;
    return testFound(node, xvHashLookupStr(node->byName, name));
}

xvTestDom *
xvTestNodeFindByUUID(xvTestNode *node, const unsigned char *uuid)
{
    if (node->lastFound && memcmp(node->lastFound->def->uuid, uuid, XV_UUID_BUFLEN) == 0)
        return node->lastFound;
    return testFound(node, xvHashLookup(node->byUUID, uuid, XV_UUID_BUFLEN));
}

xvTestDom *
xvTestNodeFindByID(xvTestNode *node, int id)
{
    size_t at = node->idFinger;

    if (id < 0)
        return NULL;
    if (node->lastFound && node->lastFound->id == id)
        return node->lastFound;
    if (at >= node->nactive || node->activeIDs[at] != id) {
        const int *found = bsearch(&id, node->activeIDs, node->nactive, sizeof(int),
                                   testCompareID);

        if (!found)
            return NULL;
        at = (size_t)(found - node->activeIDs);
    }
    node->idFinger = at + 1;
    return testFound(node, node->activeDoms[at]);
}

/* ---- CPU time ---------------------------------------------------------- */

bool
xvTestDomVcpusRun(const xvTestDom *dom)
{
    return dom->state == VIR_DOMAIN_RUNNING || dom->state == VIR_DOMAIN_SHUTDOWN;
}

static uint64_t
testVcpuTimeAt(const xvTestDom *dom, size_t i, uint64_t now)
{
    const xvTestVcpu *v = &dom->vcpus[i];
    uint64_t t = v->baseNs;

    if (xvTestDomVcpusRun(dom) && i < dom->def->vcpus && now > v->sinceNs)
        t += (uint64_t)(v->load * (double)(now - v->sinceNs));
    return t;
}

uint64_t
xvTestDomVcpuTimeNs(const xvTestNode *node, const xvTestDom *dom, size_t vcpu)
{
    if (!xvTestDomIsActive(dom) || vcpu >= dom->nvcpus)
        return 0;
    return testVcpuTimeAt(dom, vcpu, node->nowNs);
}

uint64_t
xvTestDomCpuTimeNs(const xvTestNode *node, const xvTestDom *dom)
{
    uint64_t sum = 0;
    size_t i;

    if (!xvTestDomIsActive(dom))
        return 0;
    for (i = 0; i < dom->nvcpus; i++)
        sum += testVcpuTimeAt(dom, i, node->nowNs);
    return sum;
}

void
xvTestDomFold(xvTestNode *node, xvTestDom *dom)
{
    size_t i;

    xvTestNodePcpuFold(node);
    xvTestDomIoFold(node, dom);
    for (i = 0; i < dom->nvcpus; i++) {
        dom->vcpus[i].baseNs = testVcpuTimeAt(dom, i, node->nowNs);
        dom->vcpus[i].sinceNs = node->nowNs;
    }
}

/* The set bits of @b. */
static unsigned int
testBitsSet(unsigned int b)
{
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    return (b + (b >> 4)) & 0x0f;
}

/* Byte @i of @map, without bits at or past CPU @maxCpus. */
static unsigned int
testMapByte(const unsigned char *map, unsigned int i, unsigned int maxCpus)
{
    unsigned int b = map[i];

    if (maxCpus < (i + 1) * 8)
        b &= (1u << (maxCpus - i * 8)) - 1;
    return b;
}

int
xvTestDomVcpuPlacement(const xvTestNode *node, const xvTestDom *dom, size_t vcpu)
{
    const unsigned char *map = dom->vcpus[vcpu].affinity;
    unsigned int nbytes = (node->maxCpus + 7) / 8;
    unsigned int i, count = 0, k;

    /* the k-th usable CPU, k = (id + vcpu) mod their number; whole bytes
     * at a time (this runs for every vcpu of every sample) */
    for (i = 0; i < nbytes; i++)
        count += testBitsSet(testMapByte(map, i, node->maxCpus));
    if (count == 0)
        return -1;
    k = (unsigned int)(((unsigned long)dom->id + vcpu) % count);
    for (i = 0; i < nbytes; i++) {
        unsigned int b = testMapByte(map, i, node->maxCpus);
        unsigned int here = testBitsSet(b), bit;

        if (k >= here) {
            k -= here;
            continue;
        }
        for (bit = 0; bit < 8; bit++) {
            if ((b >> bit & 1) && k-- == 0)
                return (int)(i * 8 + bit);
        }
    }
    return -1;
}

/* ---- Memory ------------------------------------------------------------ */

/* a + b, saturated: scripted sizes are bounded only by LLONG_MAX. */
static unsigned long long
testAddSat(unsigned long long a, unsigned long long b)
{
    return a > ULLONG_MAX - b ? ULLONG_MAX : a + b;
}

/* The current memory of the active domains, in KiB. */
static unsigned long long
testNodeDomainsKiB(const xvTestNode *node)
{
    unsigned long long sum = 0;
    size_t i;

    /* the active ones from their array: no list to chase through memory */
    for (i = 0; i < node->nactive; i++)
        sum = testAddSat(sum, node->activeDoms[i]->def->memKiB);
    return sum;
}

unsigned long long
xvTestNodeFreeKiB(const xvTestNode *node)
{
    unsigned long long held = testAddSat(testNodeDomainsKiB(node), node->hostUsedKiB);

    return held >= node->memoryKiB ? 0 : node->memoryKiB - held;
}

void
xvTestNodeSetHostFree(xvTestNode *node, unsigned long long freeKiB)
{
    unsigned long long held = testAddSat(testNodeDomainsKiB(node), freeKiB);

    node->hostUsedKiB = held >= node->memoryKiB ? 0 : node->memoryKiB - held;
}

/* ---- Life cycle primitives --------------------------------------------- */

/* The ID of a domain that starts: @id (above every active ID) or, when
 * -1, the next one; later starts get IDs above it. */
static int
testNodeTakeID(xvTestNode *node, int id)
{
    if (id < 0)
        return node->nextID++;
    if (id >= node->nextID)
        node->nextID = id + 1;
    return id;
}

/* Gives @dom (without an ID) the ID @id (-1: a new one) and fresh vcpus,
 * running. */
static void
testDomLaunch(xvTestNode *node, xvTestDom *dom, int id)
{
    unsigned char *maps;
    size_t i;

    xvTestNodePcpuFold(node);
    xvTestDomSettingsClear(&dom->settings);
    /* Checked when the def was given to us; defaults if that ever changes. */
    if (xvTestDomSettingsParse(dom->def, node->maxCpus, &dom->settings) < 0)
        xvTestDomSettingsInit(&dom->settings, dom->def->maxVcpus);
    dom->id = testNodeTakeID(node, id);
    if (node->nactive == node->activeIDsCap) {
        node->activeIDsCap = node->activeIDsCap ? node->activeIDsCap * 2 : 64;
        node->activeIDs = xvReallocN(node->activeIDs, node->activeIDsCap, sizeof(int));
        node->activeDoms = xvReallocN(node->activeDoms, node->activeIDsCap, sizeof(dom));
    }
    node->activeDoms[node->nactive] = dom;
    node->activeIDs[node->nactive++] = dom->id;   /* the largest so far: a node
                                                   * file's ids come ascending */
    dom->state = VIR_DOMAIN_RUNNING;
    dom->persistentLive = dom->persistent;
    dom->nvcpus = dom->def->maxVcpus;
    /* the vcpus and their affinity maps in one block: a map is a few bytes,
     * a block of its own would cost more in malloc's header than in use */
    dom->vcpus = xvAllocN(dom->nvcpus ? dom->nvcpus : 1,
                          sizeof(*dom->vcpus) + (size_t)node->maplen);
    maps = (unsigned char *)(dom->vcpus + dom->nvcpus);
    for (i = 0; i < dom->nvcpus; i++) {
        xvTestVcpu *v = &dom->vcpus[i];

        v->sinceNs = node->nowNs;
        v->load = i < dom->settings.nloads ? dom->settings.loads[i] : 1.0;
        v->affinity = maps + i * (size_t)node->maplen;
        /* <xvirt:vcpupin> of the vcpu, else <vcpu cpuset> */
        testCpusetParse(node, i < dom->settings.nloads && dom->settings.pins[i]
                              ? dom->settings.pins[i] : dom->def->cpuset, v->affinity);
    }
    dom->memDemandKiB = dom->settings.memDemandKiB;
    dom->shutdownToken = 0;
    xvTestDomIoLaunch(node, dom);
}

/* Takes @id out of node->activeIDs (which holds it), keeping the order. */
static void
testActiveIDsRemove(xvTestNode *node, int id)
{
    int *at = bsearch(&id, node->activeIDs, node->nactive, sizeof(int), testCompareID);
    size_t i;

    if (!at)
        abort();            /* a running domain missing from the index: a bug */
    i = (size_t)(at - node->activeIDs);
    memmove(at, at + 1, (node->nactive - i - 1) * sizeof(int));
    memmove(&node->activeDoms[i], &node->activeDoms[i + 1],
            (node->nactive - i - 1) * sizeof(*node->activeDoms));
}

/* Drops the ID and vcpus of an active @dom. */
static void
testDomRelease(xvTestNode *node, xvTestDom *dom)
{
    xvTestNodePcpuFold(node);
    xvTestDomIoRelease(dom);
    testActiveIDsRemove(node, dom->id);
    node->nactive--;
    dom->id = -1;
    free(dom->vcpus);           /* the affinity maps with it */
    dom->vcpus = NULL;
    dom->nvcpus = 0;
    dom->shutdownToken = 0;
    dom->memDemandKiB = -1;
}

/* A new incarnation, as Xen does on restart: new ID, CPU time from zero,
 * the persistent config if it changed meanwhile. */
static void
testDomRestart(xvTestNode *node, xvTestDom *dom)
{
    testDomRelease(node, dom);
    if (dom->newDef) {
        xvDomainDefFree(dom->def);
        dom->def = XV_STEAL_PTR(dom->newDef);
    }
    testDomLaunch(node, dom, -1);
}

bool
xvTestNodeDomainStop(xvTestNode *node, xvTestDom *dom)
{
    testDomRelease(node, dom);
    dom->state = VIR_DOMAIN_SHUTOFF;
    if (!dom->persistent) {
        xvTestNodeDomainRemove(node, dom);
        return true;
    }
    if (dom->newDef) {
        xvDomainDefFree(dom->def);
        dom->def = XV_STEAL_PTR(dom->newDef);
    }
    return false;
}

/* A stop of the active @dom for @detail, its event first (@dom may vanish). */
static bool
testDomStopEmit(xvTestNode *node, xvTestDom *dom, int detail)
{
    xvTestNodeEmitStopped(node, dom, detail);
    return xvTestNodeDomainStop(node, dom);
}

/* A restart after the guest stopped (@detail), as libxl reports it: the old
 * domain stops, a new one boots. */
static void
testDomRestartEmit(xvTestNode *node, xvTestDom *dom, int detail)
{
    xvTestNodeEmitStopped(node, dom, detail);
    testDomRestart(node, dom);
    xvTestNodeEmit(node, dom, dom->id, VIR_DOMAIN_EVENT_STARTED,
                   VIR_DOMAIN_EVENT_STARTED_BOOTED);
}

bool
xvTestDomGuestStopped(xvTestNode *node, xvTestDom *dom, bool reboot, bool guest)
{
    xvDomainLifecycleAction act = reboot ? dom->def->onReboot : dom->def->onPoweroff;

    if (act == XV_DOMAIN_LIFECYCLE_RESTART || act == XV_DOMAIN_LIFECYCLE_RENAME_RESTART) {
        /* libvirt's test driver keeps a domain that the host shut down or
         * rebooted with restart running, and reports nothing */
        if (guest)
            testDomRestartEmit(node, dom, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        else
            testDomRestart(node, dom);
        return false;
    }
    return testDomStopEmit(node, dom, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
}

bool
xvTestDomCrash(xvTestNode *node, xvTestDom *dom)
{
    switch (dom->def->onCrash) {
    case XV_DOMAIN_LIFECYCLE_RESTART:
    case XV_DOMAIN_LIFECYCLE_RENAME_RESTART:
        testDomRestartEmit(node, dom, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        return false;
    case XV_DOMAIN_LIFECYCLE_PRESERVE:
        xvTestDomFold(node, dom);
        dom->state = VIR_DOMAIN_CRASHED;
        dom->shutdownToken = 0;
        xvTestNodeEmit(node, dom, dom->id, VIR_DOMAIN_EVENT_CRASHED,
                       VIR_DOMAIN_EVENT_CRASHED_PANICKED);
        return false;
    case XV_DOMAIN_LIFECYCLE_DESTROY:
    case XV_DOMAIN_LIFECYCLE_LAST:
    default:
        return testDomStopEmit(node, dom, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    }
}

bool
xvTestDomShutdown(xvTestNode *node, xvTestDom *dom, bool reboot, bool guest)
{
    xvTestTimer timer = { 0 };

    if (!guest && dom->settings.ignoreShutdown)
        return false;
    if (dom->state == VIR_DOMAIN_SHUTDOWN)
        return false;
    if (dom->settings.shutdownDelayNs == 0)
        return xvTestDomGuestStopped(node, dom, reboot, guest);
    dom->state = VIR_DOMAIN_SHUTDOWN;
    dom->shutdownToken = ++node->nextToken;
    timer.atNs = node->nowNs + dom->settings.shutdownDelayNs;
    timer.seq = node->timerSeq++;
    memcpy(timer.uuid, dom->def->uuid, sizeof(timer.uuid));
    timer.token = dom->shutdownToken;
    timer.reboot = reboot;
    timer.guest = guest;
    xvTestNodeTimerPush(node, &timer);
    return false;
}

bool
xvTestNodeDomainRequestShutdown(xvTestNode *node, xvTestDom *dom, bool reboot)
{
    return xvTestDomShutdown(node, dom, reboot, false);
}

void
xvTestNodeDomainSetState(xvTestNode *node, xvTestDom *dom, virDomainState state)
{
    xvTestDomFold(node, dom);
    dom->state = state;
}

void
xvTestNodeDomainSetVcpus(xvTestNode *node, xvTestDom *dom, unsigned int nvcpus)
{
    if (xvTestDomIsActive(dom))
        xvTestDomFold(node, dom);
    dom->def->vcpus = nvcpus;
}

void
xvTestNodeDomainKeepPersistentDef(xvTestDom *dom)
{
    if (dom->persistent && xvTestDomIsActive(dom) && !dom->newDef)
        dom->newDef = xvDomainDefCopy(dom->def);
}

int
xvTestNodeDomainAdd(xvTestNode *node, xvDomainDef *def, bool persistent, xvTestDom **ret)
{
    xvTestDomSettings settings;
    xvTestDom *dom;

    if (xvTestDomSettingsParse(def, node->maxCpus, &settings) < 0)
        return -1;
    xvTestDomSettingsClear(&settings);
    dom = xvAlloc(sizeof(*dom));
    dom->def = def;
    dom->persistent = persistent;
    dom->state = VIR_DOMAIN_SHUTOFF;
    dom->id = -1;
    dom->memDemandKiB = -1;
    xvTestDomSettingsClear(&dom->settings);
    dom->prev = node->lastDomain;
    if (node->lastDomain)
        node->lastDomain->next = dom;
    else
        node->domains = dom;
    node->lastDomain = dom;
    node->ndomains++;
    xvHashAddStr(node->byName, def->name, dom);
    xvHashAdd(node->byUUID, def->uuid, XV_UUID_BUFLEN, dom);
    *ret = dom;
    return 0;
}

void
xvTestNodeDomainRemove(xvTestNode *node, xvTestDom *dom)
{
    if (xvTestDomIsActive(dom))
        testDomRelease(node, dom);
    xvHashRemoveStr(node->byName, dom->def->name);
    xvHashRemove(node->byUUID, dom->def->uuid, XV_UUID_BUFLEN);
    if (dom->prev)
        dom->prev->next = dom->next;
    else
        node->domains = dom->next;
    if (dom->next)
        dom->next->prev = dom->prev;
    else
        node->lastDomain = dom->prev;
    node->ndomains--;
    if (node->lastFound == dom)
        node->lastFound = NULL;
    testDomFree(dom);
}

int
xvTestNodeDomainRedefine(xvTestNode *node, xvTestDom *dom, xvDomainDef *def)
{
    xvTestDomSettings settings;

    if (xvTestDomSettingsParse(def, node->maxCpus, &settings) < 0)
        return -1;
    xvTestDomSettingsClear(&settings);
    if (xvTestDomIsActive(dom)) {
        xvDomainDefFree(dom->newDef);
        dom->newDef = def;
        dom->persistentLive = true;
    } else {
        xvDomainDefFree(dom->def);
        dom->def = def;
    }
    dom->persistent = true;
    return 0;
}

int
xvTestNodeDomainStart(xvTestNode *node, xvTestDom *dom, xvDomainDef *liveDef)
{
    if (liveDef) {
        xvTestDomSettings settings;

        if (xvTestDomSettingsParse(liveDef, node->maxCpus, &settings) < 0)
            return -1;
        xvTestDomSettingsClear(&settings);
        if (dom->persistent) {
            xvDomainDefFree(dom->newDef);
            dom->newDef = dom->def;
        } else {
            xvDomainDefFree(dom->def);
        }
        dom->def = liveDef;
    }
    testDomLaunch(node, dom, -1);
    return 0;
}

void
xvTestNodeDomainStartAs(xvTestNode *node, xvTestDom *dom, int id)
{
    testDomLaunch(node, dom, id);
}

void
xvTestNodeDomainRestoreState(xvTestNode *node, xvTestDom *dom,
                             uint64_t cpuTimeNs, bool paused)
{
    size_t online = dom->def->vcpus ? dom->def->vcpus : 1;
    size_t i;

    if (online > dom->nvcpus)
        online = dom->nvcpus;
    for (i = 0; i < online; i++) {
        dom->vcpus[i].baseNs = cpuTimeNs / online;
        dom->vcpus[i].sinceNs = node->nowNs;
    }
    if (online > 0)
        dom->vcpus[0].baseNs += cpuTimeNs % online;
    if (paused)
        dom->state = VIR_DOMAIN_PAUSED;
}
