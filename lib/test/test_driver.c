/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_driver.c: the test driver, an in-process simulated hypervisor. */
#include "config.h"

#include "test/test_driverpriv.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libvirt/libvirt.h>

#include "conf/domain_conf.h"
#include "datatypes.h"
#include "driver.h"
#include "test/test_node.h"
#include "test/test_save.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

static const char *const testDomainTypes[] = { "test", "xen", NULL };

static void testReplayEntry(xvTestNode *node, const xvTestJournalEntry *entry);

/* ---- Node registry: one node per URI target, shared by connections ------- */

typedef struct _testNodeRef testNodeRef;
struct _testNodeRef {
    testNodeRef *next;
    char *key;                  /* canonical node file path, or "default" */
    xvTestNode *node;
    int refs;                   /* connections using the node */
};

static pthread_mutex_t testRegistryLock = PTHREAD_MUTEX_INITIALIZER;
static testNodeRef *testRegistry;   /* guarded by testRegistryLock */

/* Takes a reference on the node of @key, loading it if needed. */
static xvTestNode *
testRegistryAcquire(const char *key, const char *path)
{
    testNodeRef *ref;
    xvTestNode *node = NULL;

    pthread_mutex_lock(&testRegistryLock);
    for (ref = testRegistry; ref; ref = ref->next) {
        if (XV_STREQ(ref->key, key)) {
            ref->refs++;
            node = ref->node;
            goto cleanup;
        }
    }
    node = path ? xvTestNodeLoadFile(path) : xvTestNodeLoadDefault();
    if (!node)
        goto cleanup;
    ref = xvAlloc(sizeof(*ref));
    ref->key = xvStrdup(key);
    ref->node = node;
    ref->refs = 1;
    ref->next = testRegistry;
    testRegistry = ref;

 cleanup:
    pthread_mutex_unlock(&testRegistryLock);
    return node;
}

/* Drops a reference; the last one frees the node, so that the next open
 * reads the file again. */
static void
testRegistryRelease(xvTestNode *node)
{
    testNodeRef **pref;

    pthread_mutex_lock(&testRegistryLock);
    for (pref = &testRegistry; *pref; pref = &(*pref)->next) {
        testNodeRef *ref = *pref;

        if (ref->node != node)
            continue;
        if (--ref->refs == 0) {
            *pref = ref->next;
            xvTestNodeFree(ref->node);
            free(ref->key);
            free(ref);
        }
        break;
    }
    pthread_mutex_unlock(&testRegistryLock);
}

/* ---- Connections ----------------------------------------------------------- */

/* Splits "test:TARGET[?journal=/ABS/PATH]" (@uri starts with "test:") into
 * TARGET and the journal path (NULL without one). The only parameter is
 * journal, whose value is taken as it is (no %-escapes). */
static int
testURIParse(const char *uri, char **retTarget, char **retJournal)
{
    const char *query = strchr(uri, '?');
    XV_AUTOFREE(char *) params = NULL;
    XV_AUTOFREE(char *) journal = NULL;
    char *param, *save = NULL;

    params = xvStrdup(query ? query + 1 : "");
    for (param = strtok_r(params, "&", &save); param; param = strtok_r(NULL, "&", &save)) {
        if (strncmp(param, "journal=", 8) != 0) {
            xvReportError(VIR_ERR_INVALID_ARG, "unknown parameter '%s' in test driver URI '%s'",
                          param, uri);
            return -1;
        }
        if (param[8] != '/') {
            xvReportError(VIR_ERR_INVALID_ARG, "journal path '%s' must be absolute",
                          param + 8);
            return -1;
        }
        free(journal);
        journal = xvStrdup(param + 8);
    }
    *retTarget = query ? xvAsprintf("%.*s", (int)(query - uri - 5), uri + 5)
                       : xvStrdup(uri + 5);
    *retJournal = XV_STEAL_PTR(journal);
    return 0;
}

/* A node of its own for a shared-mode connection, as another process would
 * have: connections to one journal see each other only through it. */
static xvTestNode *
testNodeOpenShared(const char *path, const char *journal)
{
    xvTestNode *node = path ? xvTestNodeLoadFile(path) : xvTestNodeLoadDefault();

    if (node && xvTestNodeShare(node, journal, testReplayEntry) < 0) {
        xvTestNodeFree(node);
        return NULL;
    }
    return node;
}

static void
testNodeClose(xvTestNode *node)
{
    if (node->journal)
        xvTestNodeFree(node);
    else
        testRegistryRelease(node);
}

static xvDrvOpenStatus
testConnectOpen(virConnectPtr conn, const char *uri, bool readOnly XV_UNUSED)
{
    XV_AUTOFREE(char *) target = NULL;
    XV_AUTOFREE(char *) journal = NULL;
    XV_AUTOFREE(char *) path = NULL;
    xvTestNode *node;

    if (strncasecmp(uri, "test:", 5) != 0)
        return XV_DRV_OPEN_DECLINED;

    /* From this point on, the URI is ours. (virInitialize() set up libxml2.) */
    if (testURIParse(uri, &target, &journal) < 0)
        return XV_DRV_OPEN_ERROR;
    if (!XV_STREQ(target, "///default")) {
        char errbuf[128];

        if (strncmp(target, "///", 3) != 0 || target[3] == '\0') {
            xvReportError(VIR_ERR_INVALID_ARG,
                          "test driver URI '%s' must be test:///default or "
                          "test:///ABSOLUTE/PATH.xml", uri);
            return XV_DRV_OPEN_ERROR;
        }
        if (!(path = realpath(target + 2, NULL))) {
            xvReportError(VIR_ERR_OPEN_FAILED, "cannot open node file '%s': %s", target + 2,
                          strerror_r(errno, errbuf, sizeof(errbuf)));
            return XV_DRV_OPEN_ERROR;
        }
    }
    node = journal ? testNodeOpenShared(path, journal)
                   : testRegistryAcquire(path ? path : "default", path);
    if (!node)
        return XV_DRV_OPEN_ERROR;
    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_OPEN, NULL) < 0) {
        testNodeClose(node);
        return XV_DRV_OPEN_ERROR;
    }
    xvTestNodeEnd(node);
    conn->privateData = node;
    return XV_DRV_OPEN_SUCCESS;
}

static int
testConnectClose(virConnectPtr conn)
{
    if (conn->privateData)
        testNodeClose(conn->privateData);
    conn->privateData = NULL;
    return 0;
}

static int
testConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    xvTestNode *node = conn->privateData;

    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_GET_VERSION, NULL) < 0)
        return -1;
    *hvVer = node->hvVersion;
    xvTestNodeEnd(node);
    return 0;
}

static int
testNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    xvTestNode *node = conn->privateData;

    if (xvTestNodeBegin(node, XV_TEST_CALL_NODE_GET_INFO, NULL) < 0)
        return -1;
    memcpy(info->model, node->model, sizeof(info->model));
    info->memory = node->memoryKiB;
    info->cpus = node->cpus;
    info->mhz = node->mhz;
    info->nodes = node->nodes;
    info->sockets = node->sockets;
    info->cores = node->cores;
    info->threads = node->threads;
    xvTestNodeEnd(node);
    return 0;
}

static int
testConnectNumOfDomains(virConnectPtr conn)
{
    xvTestNode *node = conn->privateData;
    int ret;

    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_NUM_OF_DOMAINS, NULL) < 0)
        return -1;
    ret = (int)node->nactive;
    xvTestNodeEnd(node);
    return ret;
}

static int
testConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    xvTestNode *node = conn->privateData;
    size_t n;

    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_LIST_DOMAINS, NULL) < 0)
        return -1;
    /* ascending already: the node keeps the active IDs in order */
    n = node->nactive < (size_t)maxids ? node->nactive : (size_t)maxids;
    if (n > 0)
        memcpy(ids, node->activeIDs, n * sizeof(int));
    xvTestNodeEnd(node);
    return (int)n;
}

static int
testCompareName(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
testConnectListDefinedDomains(virConnectPtr conn, char **names, int maxnames)
{
    xvTestNode *node = conn->privateData;
    XV_AUTOFREE(const char **) all = NULL;
    xvTestDom *dom;
    size_t n = 0, i;

    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_LIST_DEFINED_DOMAINS, NULL) < 0)
        return -1;
    all = xvAllocN(node->ndomains - node->nactive + 1, sizeof(char *));
    /* (none inactive: no need to walk every running one) */
    for (dom = node->ndomains > node->nactive ? node->domains : NULL; dom; dom = dom->next) {
        if (!xvTestDomIsActive(dom))
            all[n++] = dom->def->name;
    }
    qsort(all, n, sizeof(char *), testCompareName);
    if (n > (size_t)maxnames)
        n = (size_t)maxnames;
    for (i = 0; i < n; i++)
        names[i] = xvStrdup(all[i]);
    xvTestNodeEnd(node);
    return (int)n;
}

/* ---- Domain lookups ---------------------------------------------------------- */

static virDomainPtr
testDomainNew(virConnectPtr conn, const xvTestDom *dom)
{
    return xvDomainNew(conn, dom->def->name, dom->def->uuid, dom->id);
}

static virDomainPtr
testDomainLookupByID(virConnectPtr conn, int id)
{
    xvTestNode *node = conn->privateData;
    virDomainPtr ret = NULL;
    xvTestDom *dom;

    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_LOOKUP_BY_ID, NULL) < 0)
        return NULL;
    if ((dom = xvTestNodeFindByID(node, id)))
        ret = testDomainNew(conn, dom);
    else
        xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    xvTestNodeEnd(node);
    return ret;
}

static virDomainPtr
testDomainLookupByName(virConnectPtr conn, const char *name)
{
    xvTestNode *node = conn->privateData;
    virDomainPtr ret = NULL;
    xvTestDom *dom;

    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_LOOKUP_BY_NAME, name) < 0)
        return NULL;
    if ((dom = xvTestNodeFindByName(node, name)))
        ret = testDomainNew(conn, dom);
    else
        xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    xvTestNodeEnd(node);
    return ret;
}

static virDomainPtr
testDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    xvTestNode *node = conn->privateData;
    virDomainPtr ret = NULL;
    xvTestDom *dom;

    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_LOOKUP_BY_UUID, NULL) < 0)
        return NULL;
    if ((dom = xvTestNodeFindByUUID(node, uuid))) {
        ret = testDomainNew(conn, dom);
    } else {
        char uuidstr[XV_UUID_STRING_BUFLEN];

        xvUUIDFormat(uuid, uuidstr);
        xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", uuidstr);
    }
    xvTestNodeEnd(node);
    return ret;
}

/* Starts a call on the domain of @domain: locks the node (see
 * xvTestNodeBegin) and finds the domain, or reports VIR_ERR_NO_DOMAIN. */
static xvTestDom *
testDomainBegin(virDomainPtr domain, xvTestCall call)
{
    xvTestNode *node = domain->conn->privateData;
    xvTestDom *dom;
    char uuidstr[XV_UUID_STRING_BUFLEN];

    if (xvTestNodeBegin(node, call, domain->name) < 0)
        return NULL;
    dom = xvTestNodeFindByUUID(node, domain->uuid);
    if (dom && XV_STREQ(dom->def->name, domain->name))
        return dom;
    xvUUIDFormat(domain->uuid, uuidstr);
    xvReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' ('%s')",
                  uuidstr, domain->name);
    xvDomainSetIDCached(domain, -1);
    xvTestNodeEnd(node);
    return NULL;
}

/* Ends the call: refreshes the handle's ID (the domain may have stopped,
 * restarted or vanished meanwhile) and unlocks the node. */
static void
testDomainEnd(virDomainPtr domain)
{
    xvTestNode *node = domain->conn->privateData;
    xvTestDom *dom = xvTestNodeFindByUUID(node, domain->uuid);

    xvDomainSetIDCached(domain, dom ? dom->id : -1);
    xvTestNodeEnd(node);
}

static int
testDomainRequireActive(const xvTestDom *dom)
{
    if (xvTestDomIsActive(dom))
        return 0;
    xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->def->name);
    return -1;
}

/* ---- Write calls ------------------------------------------------------------------ */

/*
 * Each write call is an apply function, run on the locked node by the live
 * call and by the replay of a journal entry (shared mode), so both compute
 * the same states, IDs, CPU times, affinities and memory. The live call
 * then journals the entry (xvTestNodeRecord); the replay does not.
 */

/* DOM_EXIST unless @def may reuse @byName / @byUUID. */
static int
testDomainCheckClash(const xvDomainDef *def, const xvTestDom *byName,
                     const xvTestDom *byUUID)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];

    if (byName && memcmp(byName->def->uuid, def->uuid, XV_UUID_BUFLEN) != 0) {
        xvUUIDFormat(byName->def->uuid, uuidstr);
        xvReportError(VIR_ERR_DOM_EXIST, "domain '%s' already exists with uuid '%s'",
                      def->name, uuidstr);
        return -1;
    }
    if (!byName && byUUID) {
        xvUUIDFormat(def->uuid, uuidstr);
        xvReportError(VIR_ERR_DOM_EXIST, "domain with uuid '%s' already exists as '%s'",
                      uuidstr, byUUID->def->name);
        return -1;
    }
    return 0;
}

/* Starts @def (taken on success) as a new transient domain, or as the live
 * config of the inactive domain of the same name and uuid. */
static xvTestDom *
testApplyLaunchDef(xvTestNode *node, xvDomainDef *def)
{
    xvTestDom *byName = xvTestNodeFindByName(node, def->name);
    xvTestDom *byUUID = xvTestNodeFindByUUID(node, def->uuid);
    xvTestDom *dom;

    if (testDomainCheckClash(def, byName, byUUID) < 0)
        return NULL;
    if (byName) {
        if (xvTestDomIsActive(byName)) {
            xvReportError(VIR_ERR_DOM_EXIST, "domain '%s' is already active", def->name);
            return NULL;
        }
        if (xvTestNodeDomainStart(node, byName, def) < 0)
            return NULL;
        return byName;
    }
    if (xvTestNodeDomainAdd(node, def, false, &dom) < 0)
        return NULL;
    xvTestNodeDomainStart(node, dom, NULL);
    return dom;
}

/* The event of a call on a domain, with its ID after the call. */
static void
testEmit(xvTestNode *node, const xvTestDom *dom, int event, int detail)
{
    xvTestNodeEmit(node, dom, dom->id, event, detail);
}

/* virDomainCreateLinux: libvirt emits STARTED/BOOTED (no DEFINED, even for
 * a new domain). */
static xvTestDom *
testApplyCreateLinux(xvTestNode *node, xvDomainDef *def)
{
    xvTestDom *dom = testApplyLaunchDef(node, def);

    if (dom)
        testEmit(node, dom, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    return dom;
}

/* virDomainDefineXML: takes @def on success. */
static xvTestDom *
testApplyDefineXML(xvTestNode *node, xvDomainDef *def)
{
    xvTestDom *dom = xvTestNodeFindByName(node, def->name);
    /* UPDATED when there was a persistent config to replace (libvirt) */
    int detail = dom && dom->persistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
                                        : VIR_DOMAIN_EVENT_DEFINED_ADDED;

    if (testDomainCheckClash(def, dom, xvTestNodeFindByUUID(node, def->uuid)) < 0)
        return NULL;
    if (dom) {
        if (xvTestNodeDomainRedefine(node, dom, def) < 0)
            return NULL;
    } else if (xvTestNodeDomainAdd(node, def, true, &dom) < 0) {
        return NULL;
    }
    testEmit(node, dom, VIR_DOMAIN_EVENT_DEFINED, detail);
    return dom;
}

/* virDomainRestore: takes @image->def on success. */
static xvTestDom *
testApplyRestore(xvTestNode *node, xvTestSaveImage *image)
{
    xvTestDom *dom;

    if (!(dom = testApplyLaunchDef(node, image->def)))
        return NULL;
    image->def = NULL;
    xvTestNodeDomainRestoreState(node, dom, image->cpuTimeNs, image->paused);
    testEmit(node, dom, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    /* libvirt's test driver restores every image running; libxvirt keeps
     * a paused one paused, and says so as libvirt's QEMU driver does */
    if (image->paused)
        testEmit(node, dom, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_RESTORED);
    return dom;
}

/* The apply functions of the calls on one domain: @entry gives the number
 * and the document of the call. */
typedef int (*testDomainApplyFn)(xvTestNode *node, xvTestDom *dom,
                                  const xvTestJournalEntry *entry);

static int
testApplyUndefine(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry XV_UNUSED)
{
    if (!dom->persistent) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                      dom->def->name);
        return -1;
    }
    testEmit(node, dom, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (xvTestDomIsActive(dom)) {
        dom->persistent = false;
        xvDomainDefFree(dom->newDef);
        dom->newDef = NULL;
    } else {
        xvTestNodeDomainRemove(node, dom);
    }
    return 0;
}

static int
testApplyCreate(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry XV_UNUSED)
{
    if (xvTestDomIsActive(dom)) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already running",
                      dom->def->name);
        return -1;
    }
    if (xvTestNodeDomainStart(node, dom, NULL) < 0)
        return -1;
    testEmit(node, dom, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    return 0;
}

static int
testApplyDestroy(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry XV_UNUSED)
{
    if (testDomainRequireActive(dom) < 0)
        return -1;
    xvTestNodeEmitStopped(node, dom, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    xvTestNodeDomainStop(node, dom);
    return 0;
}

static int
testApplySuspend(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry XV_UNUSED)
{
    if (dom->state == VIR_DOMAIN_PAUSED) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already paused",
                      dom->def->name);
        return -1;
    }
    if (dom->state != VIR_DOMAIN_RUNNING) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                      dom->def->name);
        return -1;
    }
    xvTestNodeDomainSetState(node, dom, VIR_DOMAIN_PAUSED);
    testEmit(node, dom, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;
}

static int
testApplyResume(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry XV_UNUSED)
{
    if (dom->state != VIR_DOMAIN_PAUSED) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not paused",
                      dom->def->name);
        return -1;
    }
    xvTestNodeDomainSetState(node, dom, VIR_DOMAIN_RUNNING);
    testEmit(node, dom, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return 0;
}

/* virDomainShutdown and virDomainReboot. */
static int
testApplyShutdown(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry)
{
    /* A guest already shutting down has the request: nothing more to do.
     * The events come when the guest stops (xvTestDomGuestStopped). */
    if (dom->state != VIR_DOMAIN_RUNNING && dom->state != VIR_DOMAIN_SHUTDOWN) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                      dom->def->name);
        return -1;
    }
    xvTestNodeDomainRequestShutdown(node, dom, entry->op == XV_TEST_OP_REBOOT);
    return 0;
}

static int
testDomainCheckSave(const xvTestDom *dom)
{
    if (testDomainRequireActive(dom) < 0)
        return -1;
    if (dom->state == VIR_DOMAIN_CRASHED) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' has crashed", dom->def->name);
        return -1;
    }
    return 0;
}

/* The live call has written the save file: the domain stops. */
static int
testApplySave(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry XV_UNUSED)
{
    if (testDomainCheckSave(dom) < 0)
        return -1;
    xvTestNodeEmitStopped(node, dom, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    xvTestNodeDomainStop(node, dom);
    return 0;
}

static int
testApplySetMaxMemory(xvTestNode *node XV_UNUSED, xvTestDom *dom,
                      const xvTestJournalEntry *entry)
{
    if (entry->num == 0 || entry->num > ULONG_MAX) {
        xvReportError(VIR_ERR_INVALID_ARG, "maximum memory of domain '%s' must be positive",
                      dom->def->name);
        return -1;
    }
    xvTestNodeDomainKeepPersistentDef(dom);
    dom->def->maxMemKiB = (unsigned long)entry->num;
    if (dom->def->memKiB > dom->def->maxMemKiB)
        dom->def->memKiB = dom->def->maxMemKiB;
    return 0;
}

static int
testApplySetMemory(xvTestNode *node XV_UNUSED, xvTestDom *dom, const xvTestJournalEntry *entry)
{
    if (entry->num == 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "memory of domain '%s' must be positive",
                      dom->def->name);
        return -1;
    }
    if (entry->num > dom->def->maxMemKiB) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "memory %llu KiB is above the maximum %lu KiB of domain '%s'",
                      entry->num, dom->def->maxMemKiB, dom->def->name);
        return -1;
    }
    xvTestNodeDomainKeepPersistentDef(dom);
    dom->def->memKiB = (unsigned long)entry->num;
    return 0;
}

static int
testApplySetVcpus(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry)
{
    if (entry->num == 0 || entry->num > dom->def->maxVcpus) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "%llu vcpus are not within 1 to the %u vcpus of domain '%s'",
                      entry->num, dom->def->maxVcpus, dom->def->name);
        return -1;
    }
    xvTestNodeDomainKeepPersistentDef(dom);
    xvTestNodeDomainSetVcpus(node, dom, (unsigned int)entry->num);
    return 0;
}

static int
testApplyPinVcpu(xvTestNode *node, xvTestDom *dom, const xvTestJournalEntry *entry)
{
    size_t maplen = (size_t)node->maplen;

    if (testDomainRequireActive(dom) < 0)
        return -1;
    if (entry->num >= dom->nvcpus) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "vcpu %llu is not within the %zu vcpus of domain '%s'",
                      entry->num, dom->nvcpus, dom->def->name);
        return -1;
    }
    xvTestNodePcpuFold(node); /* the vcpu may move to another pCPU */
    memset(dom->vcpus[entry->num].affinity, 0, maplen);
    memcpy(dom->vcpus[entry->num].affinity, entry->data,
           entry->datalen < maplen ? entry->datalen : maplen);
    return 0;
}

static const testDomainApplyFn testDomainApplyFns[XV_TEST_OP_LAST] = {
    [XV_TEST_OP_UNDEFINE] = testApplyUndefine,
    [XV_TEST_OP_CREATE] = testApplyCreate,
    [XV_TEST_OP_DESTROY] = testApplyDestroy,
    [XV_TEST_OP_SUSPEND] = testApplySuspend,
    [XV_TEST_OP_RESUME] = testApplyResume,
    [XV_TEST_OP_SHUTDOWN] = testApplyShutdown,
    [XV_TEST_OP_REBOOT] = testApplyShutdown,
    [XV_TEST_OP_SAVE] = testApplySave,
    [XV_TEST_OP_SET_MAX_MEMORY] = testApplySetMaxMemory,
    [XV_TEST_OP_SET_MEMORY] = testApplySetMemory,
    [XV_TEST_OP_SET_VCPUS] = testApplySetVcpus,
    [XV_TEST_OP_PIN_VCPU] = testApplyPinVcpu,
};

/* ---- Journal replay (shared mode) ---------------------------------------------------- */

/* A domain definition or save image of another process: parsed the way the
 * live call parsed it, then applied. */
static void
testReplayDocument(xvTestNode *node, const xvTestJournalEntry *entry)
{
    const char *doc = (const char *)entry->data;
    xvTestSaveImage image;
    xvDomainDef *def;

    if (entry->op == XV_TEST_OP_RESTORE) {
        if (xvTestSaveParse(doc, "journal", &image) == 0)
            testApplyRestore(node, &image);
        xvTestSaveImageClear(&image);
        return;
    }
    if (!(def = xvDomainDefParseString(doc, testDomainTypes)))
        return;
    if (!(entry->op == XV_TEST_OP_CREATE_LINUX ? testApplyCreateLinux(node, def)
                                              : testApplyDefineXML(node, def)))
        xvDomainDefFree(def);
}

/* xvTestNodeApplyFn: entries are replayed as they were applied live, so
 * they succeed again; one that fails (on every process alike) is skipped. */
static void
testReplayEntry(xvTestNode *node, const xvTestJournalEntry *entry)
{
    xvTestDom *dom;

    switch (entry->op) {
    case XV_TEST_OP_CREATE_LINUX:
    case XV_TEST_OP_DEFINE_XML:
    case XV_TEST_OP_RESTORE:
        testReplayDocument(node, entry);
        break;
    case XV_TEST_OP_ADVANCE_CLOCK:
        xvTestNodeAddClockOffset(node, entry->num);
        break;
    case XV_TEST_OP_LAST:
        break;
    default:
        if ((dom = xvTestNodeFindByUUID(node, entry->uuid)))
            testDomainApplyFns[entry->op](node, dom, entry);
        break;
    }
}

/* ---- Write calls: the live side ---------------------------------------------------------- */

/* A write call on one domain: applies @entry (its op and arguments) and
 * journals it. */
static int
testDomainWrite(virDomainPtr domain, xvTestCall call, xvTestJournalEntry *entry)
{
    xvTestNode *node = domain->conn->privateData;
    xvTestDom *dom;
    int ret;

    if (!(dom = testDomainBegin(domain, call)))
        return -1;
    entry->hasUUID = true;
    memcpy(entry->uuid, domain->uuid, XV_UUID_BUFLEN);
    if ((ret = testDomainApplyFns[entry->op](node, dom, entry)) == 0)
        ret = xvTestNodeRecord(node, entry);
    testDomainEnd(domain);
    return ret;
}

/* virDomainCreateLinux and virDomainDefineXML. */
static virDomainPtr
testDomainWriteDef(virConnectPtr conn, xvTestCall call, xvTestOp op, const char *xml)
{
    xvTestNode *node = conn->privateData;
    xvTestJournalEntry entry = { .op = op, .data = (const unsigned char *)xml,
                                 .datalen = strlen(xml) };
    virDomainPtr ret = NULL;
    xvDomainDef *def;
    xvTestDom *dom;

    if (!(def = xvDomainDefParseString(xml, testDomainTypes)))
        return NULL;
    if (xvTestNodeBegin(node, call, def->name) < 0) {
        xvDomainDefFree(def);
        return NULL;
    }
    dom = op == XV_TEST_OP_CREATE_LINUX ? testApplyCreateLinux(node, def)
                                        : testApplyDefineXML(node, def);
    if (!dom)
        xvDomainDefFree(def);
    else if (xvTestNodeRecord(node, &entry) == 0)
        ret = testDomainNew(conn, dom);
    xvTestNodeEnd(node);
    return ret;
}

static virDomainPtr
testDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags XV_UNUSED)
{
    return testDomainWriteDef(conn, XV_TEST_CALL_DOMAIN_CREATE_LINUX,
                              XV_TEST_OP_CREATE_LINUX, xmlDesc);
}

static virDomainPtr
testDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return testDomainWriteDef(conn, XV_TEST_CALL_DOMAIN_DEFINE_XML, XV_TEST_OP_DEFINE_XML, xml);
}

static int
testDomainUndefine(virDomainPtr domain)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_UNDEFINE };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_UNDEFINE, &entry);
}

static int
testDomainCreate(virDomainPtr domain)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_CREATE };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_CREATE, &entry);
}

static int
testDomainDestroy(virDomainPtr domain)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_DESTROY };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_DESTROY, &entry);
}

static int
testDomainSuspend(virDomainPtr domain)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_SUSPEND };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_SUSPEND, &entry);
}

static int
testDomainResume(virDomainPtr domain)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_RESUME };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_RESUME, &entry);
}

static int
testDomainShutdown(virDomainPtr domain)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_SHUTDOWN };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_SHUTDOWN, &entry);
}

static int
testDomainReboot(virDomainPtr domain, unsigned int flags XV_UNUSED)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_REBOOT };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_REBOOT, &entry);
}

/* Writes the save file, then applies; the journal has no file name, as a
 * replay does not write the file again. */
static int
testDomainSave(virDomainPtr domain, const char *to)
{
    xvTestNode *node = domain->conn->privateData;
    xvTestJournalEntry entry = { .op = XV_TEST_OP_SAVE, .hasUUID = true };
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_SAVE)))
        return -1;
    memcpy(entry.uuid, domain->uuid, XV_UUID_BUFLEN);
    if (testDomainCheckSave(dom) == 0 && xvTestSaveWrite(node, dom, to) == 0 &&
        testApplySave(node, dom, &entry) == 0)
        ret = xvTestNodeRecord(node, &entry);
    testDomainEnd(domain);
    return ret;
}

/* The journal carries the whole save file. */
static int
testDomainRestore(virConnectPtr conn, const char *from)
{
    xvTestNode *node = conn->privateData;
    XV_AUTOFREE(char *) data = NULL;
    xvTestJournalEntry entry = { .op = XV_TEST_OP_RESTORE };
    xvTestSaveImage image;
    int ret = -1;

    if (xvTestSaveRead(from, &image, &data) < 0)
        return -1;
    entry.data = (const unsigned char *)data;
    entry.datalen = strlen(data);
    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_RESTORE, image.def->name) < 0)
        goto cleanup;
    if (testApplyRestore(node, &image))
        ret = xvTestNodeRecord(node, &entry);
    xvTestNodeEnd(node);

 cleanup:
    xvTestSaveImageClear(&image);
    return ret;
}

static int
testDomainSetMaxMemory(virDomainPtr domain, unsigned long memKiB)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_SET_MAX_MEMORY, .num = memKiB };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_SET_MAX_MEMORY, &entry);
}

static int
testDomainSetMemory(virDomainPtr domain, unsigned long memKiB)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_SET_MEMORY, .num = memKiB };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_SET_MEMORY, &entry);
}

static int
testDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_SET_VCPUS, .num = nvcpus };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_SET_VCPUS, &entry);
}

static int
testDomainPinVcpu(virDomainPtr domain, unsigned int vcpu, const unsigned char *cpumap,
                  int maplen)
{
    xvTestJournalEntry entry = { .op = XV_TEST_OP_PIN_VCPU, .num = vcpu, .data = cpumap,
                                 .datalen = (size_t)maplen };

    return testDomainWrite(domain, XV_TEST_CALL_DOMAIN_PIN_VCPU, &entry);
}

/* ---- Reading and tuning ----------------------------------------------------------- */

static char *
testDomainGetOSType(virDomainPtr domain)
{
    xvTestDom *dom;
    char *ret;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_GET_OS_TYPE)))
        return NULL;
    ret = xvStrdup(dom->def->os.type ? dom->def->os.type : "linux");
    testDomainEnd(domain);
    return ret;
}

static unsigned long
testDomainGetMaxMemory(virDomainPtr domain)
{
    xvTestDom *dom;
    unsigned long ret;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_GET_MAX_MEMORY)))
        return 0;
    ret = dom->def->maxMemKiB;
    testDomainEnd(domain);
    return ret;
}

static int
testDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)
{
    xvTestNode *node = domain->conn->privateData;
    xvTestDom *dom;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_GET_INFO)))
        return -1;
    info->state = (unsigned char)dom->state;
    info->maxMem = dom->def->maxMemKiB;
    info->memory = dom->def->memKiB;
    info->nrVirtCpu = (unsigned short)dom->def->vcpus;
    info->cpuTime = xvTestDomCpuTimeNs(node, dom);
    testDomainEnd(domain);
    return 0;
}

static char *
testDomainGetXMLDesc(virDomainPtr domain, int flags XV_UNUSED)
{
    xvTestDom *dom;
    char *ret;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_GET_XML_DESC)))
        return NULL;
    ret = xvDomainDefFormat(dom->def, dom->id);
    testDomainEnd(domain);
    return ret;
}

static int
testDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                   unsigned char *cpumaps, int maplen)
{
    xvTestNode *node = domain->conn->privateData;
    size_t copylen = (size_t)(maplen < node->maplen ? maplen : node->maplen);
    xvTestDom *dom;
    size_t i, n;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_GET_VCPUS)))
        return -1;
    if (testDomainRequireActive(dom) < 0) {
        testDomainEnd(domain);
        return -1;
    }
    n = dom->nvcpus < (size_t)maxinfo ? dom->nvcpus : (size_t)maxinfo;
    for (i = 0; i < n; i++) {
        info[i].number = (unsigned int)i;
        info[i].cpuTime = xvTestDomVcpuTimeNs(node, dom, i);
        if (i >= dom->def->vcpus) {
            info[i].state = VIR_VCPU_OFFLINE;
            info[i].cpu = -1;
        } else {
            bool busy = dom->state == VIR_DOMAIN_RUNNING || dom->state == VIR_DOMAIN_SHUTDOWN;

            info[i].state = busy && dom->vcpus[i].load > 0 ? VIR_VCPU_RUNNING
                                                           : VIR_VCPU_BLOCKED;
            info[i].cpu = xvTestDomVcpuPlacement(node, dom, i);
        }
        if (cpumaps)
            memcpy(cpumaps + i * (size_t)maplen, dom->vcpus[i].affinity, copylen);
    }
    testDomainEnd(domain);
    return (int)n;
}

/* ---- Beyond the seed: memory for balloon policies ---------------------------------- */

/* node memory - active domains' current memory - host_used, in bytes. */
static unsigned long long
testNodeGetFreeMemory(virConnectPtr conn)
{
    xvTestNode *node = conn->privateData;
    unsigned long long freeKiB;

    if (xvTestNodeBegin(node, XV_TEST_CALL_NODE_GET_FREE_MEMORY, NULL) < 0)
        return 0;
    freeKiB = xvTestNodeFreeKiB(node);
    xvTestNodeEnd(node);
    if (freeKiB == 0) {
        /* 0 is the API's error value: a full node cannot be told apart. */
        xvReportError(VIR_ERR_OPERATION_FAILED, "%s", "the node has no free memory");
        return 0;
    }
    return freeKiB * 1024;
}

/* Appends one statistic if there is room; returns the new count. */
static unsigned int
testMemoryStatAdd(virDomainMemoryStatPtr stats, unsigned int n, unsigned int nr_stats,
                  int tag, unsigned long long val)
{
    if (n >= nr_stats)
        return n;
    stats[n].tag = tag;
    stats[n].val = val;
    return n + 1;
}

/* ACTUAL_BALLOON is the current memory; a guest that reported a demand
 * also has AVAILABLE (the current memory) and UNUSED = USABLE (what the
 * demand leaves of it). Increasing tag order. */
static int
testDomainMemoryStats(virDomainPtr domain, virDomainMemoryStatPtr stats,
                      unsigned int nr_stats, unsigned int flags XV_UNUSED)
{
    xvTestDom *dom;
    unsigned long long curKiB, unusedKiB = 0;
    unsigned int n = 0;
    bool demand;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_MEMORY_STATS)))
        return -1;
    if (testDomainRequireActive(dom) < 0) {
        testDomainEnd(domain);
        return -1;
    }
    curKiB = dom->def->memKiB;
    demand = dom->memDemandKiB >= 0;
    if (demand && (unsigned long long)dom->memDemandKiB < curKiB)
        unusedKiB = curKiB - (unsigned long long)dom->memDemandKiB;
    if (demand) {
        n = testMemoryStatAdd(stats, n, nr_stats, VIR_DOMAIN_MEMORY_STAT_UNUSED, unusedKiB);
        n = testMemoryStatAdd(stats, n, nr_stats, VIR_DOMAIN_MEMORY_STAT_AVAILABLE, curKiB);
    }
    n = testMemoryStatAdd(stats, n, nr_stats, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, curKiB);
    if (demand)
        n = testMemoryStatAdd(stats, n, nr_stats, VIR_DOMAIN_MEMORY_STAT_USABLE, unusedKiB);
    testDomainEnd(domain);
    return (int)n;
}

/* ---- Beyond the seed: I/O and pCPU statistics ------------------------------------- */

/* The domain of a statistics call, running; NULL with libvirt 9's error
 * (VIR_ERR_OPERATION_INVALID "domain is not running") and the node unlocked. */
static xvTestDom *
testDomainBeginRunning(virDomainPtr domain, xvTestCall call)
{
    xvTestDom *dom;

    if (!(dom = testDomainBegin(domain, call)))
        return NULL;
    if (!xvTestDomIsActive(dom)) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        testDomainEnd(domain);
        return NULL;
    }
    return dom;
}

/* The counters of a disk, by target dev or source path (test_node_io.c). */
static int
testDomainBlockStats(virDomainPtr domain, const char *disk, virDomainBlockStatsPtr stats)
{
    xvTestNode *node = domain->conn->privateData;
    long long v[XV_TEST_IO_MAX_FIELDS];
    const xvTestIoDev *dev;
    xvTestDom *dom;

    /* libvirt's test driver refuses the sum over all disks before anything */
    if (!disk[0]) {
        xvReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "summary statistics are not supported yet");
        return -1;
    }
    if (!(dom = testDomainBeginRunning(domain, XV_TEST_CALL_DOMAIN_BLOCK_STATS)))
        return -1;
    if (!(dev = xvTestDomFindDisk(dom, disk))) {
        xvReportError(VIR_ERR_INVALID_ARG, "invalid path: %s", disk);
        testDomainEnd(domain);
        return -1;
    }
    xvTestIoDevRead(node, dom, dev, v);
    stats->rd_req = v[0];
    stats->rd_bytes = v[1];
    stats->wr_req = v[2];
    stats->wr_bytes = v[3];
    stats->errs = v[4];
    testDomainEnd(domain);
    return 0;
}

/* The counters of an interface, by target dev or MAC, in the guest's view. */
static int
testDomainInterfaceStats(virDomainPtr domain, const char *device,
                         virDomainInterfaceStatsPtr stats)
{
    xvTestNode *node = domain->conn->privateData;
    long long v[XV_TEST_IO_MAX_FIELDS];
    const xvTestIoDev *dev;
    xvTestDom *dom;

    if (!(dom = testDomainBeginRunning(domain, XV_TEST_CALL_DOMAIN_INTERFACE_STATS)))
        return -1;
    if (!(dev = xvTestDomFindInterface(dom, device))) {
        xvReportError(VIR_ERR_INVALID_ARG, "'%s' is not a known interface", device);
        testDomainEnd(domain);
        return -1;
    }
    xvTestIoDevRead(node, dom, dev, v);
    stats->rx_bytes = v[0];
    stats->rx_packets = v[1];
    stats->rx_errs = v[2];
    stats->rx_drop = v[3];
    stats->tx_bytes = v[4];
    stats->tx_packets = v[5];
    stats->tx_errs = v[6];
    stats->tx_drop = v[7];
    testDomainEnd(domain);
    return 0;
}

/* The fields of virNodeGetCPUStats, in libvirt's test driver's order. */
enum { TEST_CPU_USER, TEST_CPU_KERNEL, TEST_CPU_IDLE, TEST_CPU_IOWAIT, TEST_CPU_NFIELDS };

/* Of the time a pCPU spends running vcpus, the share booked as "kernel"
 * (the hypervisor and the guests' kernels at work): one tenth; the rest is
 * "user". A made-up split, fixed so that both fields grow with the load. */
#define TEST_CPU_KERNEL_DIVISOR 10

/* Adds pCPU time as fields: busy split into user and kernel, the rest of
 * the node's uptime idle; iowait is not simulated (0). */
static void
testNodeCPUStatsAdd(unsigned long long sums[TEST_CPU_NFIELDS], uint64_t busyNs,
                    uint64_t uptimeNs)
{
    uint64_t kernel = busyNs / TEST_CPU_KERNEL_DIVISOR;

    sums[TEST_CPU_USER] += busyNs - kernel;
    sums[TEST_CPU_KERNEL] += kernel;
    sums[TEST_CPU_IDLE] += uptimeNs - busyNs;
}

static int
testNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                    int *nparams, unsigned int flags)
{
    static const char *const fields[TEST_CPU_NFIELDS] = {
        VIR_NODE_CPU_STATS_USER, VIR_NODE_CPU_STATS_KERNEL,
        VIR_NODE_CPU_STATS_IDLE, VIR_NODE_CPU_STATS_IOWAIT,
    };
    xvTestNode *node = conn->privateData;
    unsigned long long sums[TEST_CPU_NFIELDS] = { 0 };
    XV_AUTOFREE(uint64_t *) busy = NULL;
    unsigned int c;
    int i;

    if (flags != 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in %s", flags,
                      "virNodeGetCPUStats");
        return -1;
    }
    if (xvTestNodeBegin(node, XV_TEST_CALL_NODE_GET_CPU_STATS, NULL) < 0)
        return -1;
    if (cpuNum >= (int)node->maxCpus) {
        xvReportError(VIR_ERR_INVALID_ARG, "cpuNum %d in %s is past the node's %u CPUs",
                      cpuNum, "virNodeGetCPUStats", node->maxCpus);
        xvTestNodeEnd(node);
        return -1;
    }
    /* as libvirt's test driver: only a NULL @params asks for the count; an
     * array of 0 gets 0 fields */
    if (!params) {
        *nparams = TEST_CPU_NFIELDS;
        xvTestNodeEnd(node);
        return 0;
    }
    busy = xvAllocN(node->maxCpus ? node->maxCpus : 1, sizeof(uint64_t));
    xvTestNodePcpuTimes(node, busy);
    for (c = 0; c < node->maxCpus; c++) {
        if (cpuNum == VIR_NODE_CPU_STATS_ALL_CPUS || (unsigned int)cpuNum == c)
            testNodeCPUStatsAdd(sums, busy[c], node->nowNs);
    }
    xvTestNodeEnd(node);
    for (i = 0; i < *nparams && i < TEST_CPU_NFIELDS; i++) {
        snprintf(params[i].field, sizeof(params[i].field), "%s", fields[i]);
        params[i].value = sums[i];
    }
    *nparams = i;
    return 0;
}

/* ---- Lifecycle events -------------------------------------------------------------- */

/* The node queues the events of @conn while it listens (test_node.h). */
static int
testConnectEvents(virConnectPtr conn, bool on)
{
    xvTestNode *node = conn->privateData;

    if (!on) {
        xvTestNodeEventsRemove(node, conn);
        return 0;
    }
    return xvTestNodeEventsAdd(node, conn);
}

/* ---- Test hooks (test_driverpriv.h) ------------------------------------------------- */

static xvTestNode *
testHookNode(virConnectPtr conn)
{
    if (!conn || conn->driver != &xvTestDriver || !conn->privateData) {
        xvReportError(VIR_ERR_INVALID_ARG, "%s", "not a test driver connection");
        return NULL;
    }
    return conn->privateData;
}

int
xvTestDriverAdvanceClock(virConnectPtr conn, unsigned long long ns)
{
    xvTestNode *node = testHookNode(conn);
    xvTestJournalEntry entry = { .op = XV_TEST_OP_ADVANCE_CLOCK };
    int ret;

    /* the clock saturates there anyway; a larger advance would not replay */
    if (ns > XV_TEST_MAX_NS)
        ns = XV_TEST_MAX_NS;
    entry.num = ns;

    if (!node || xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) < 0)
        return -1;
    /* journaled at the time the clock left; the replay only moves it */
    xvTestNodeAddClockOffset(node, ns);
    ret = xvTestNodeRecord(node, &entry);
    xvTestNodeRunToNow(node);
    xvTestNodeEnd(node);
    return ret;
}

int
xvTestDriverGetTimeNs(virConnectPtr conn, unsigned long long *ns)
{
    xvTestNode *node = testHookNode(conn);

    if (!node || xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) < 0)
        return -1;
    *ns = node->nowNs;
    xvTestNodeEnd(node);
    return 0;
}

int
xvTestDriverFreezeClock(virConnectPtr conn)
{
    xvTestNode *node = testHookNode(conn);
    int ret;

    if (!node || xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) < 0)
        return -1;
    if ((ret = xvTestNodeFreezeClock(node)) < 0)
        xvReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "the clock of a shared node runs at its journal's rate");
    xvTestNodeEnd(node);
    return ret;
}

int
xvTestDriverNextDueNs(virConnectPtr conn, unsigned long long *ns)
{
    xvTestNode *node = testHookNode(conn);
    uint64_t due;
    int ret;

    if (!node || xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) < 0)
        return -1;
    ret = xvTestNodeNextDue(node, &due) ? 1 : 0;
    if (ret)
        *ns = due;
    xvTestNodeEnd(node);
    return ret;
}

int
xvTestDriverAddEvents(virConnectPtr conn, const char *path)
{
    xvTestNode *node = testHookNode(conn);
    int ret;

    if (!node)
        return -1;
    if (!path || path[0] != '/') {
        xvReportError(VIR_ERR_INVALID_ARG, "%s", "the events file needs an absolute path");
        return -1;
    }
    if (xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) < 0)
        return -1;
    ret = xvTestNodeAddEventsFile(node, path, node->nowNs);
    if (ret == 0)
        xvTestNodeRunToNow(node);    /* what is due at once (at='0') */
    xvTestNodeEnd(node);
    return ret;
}

int
xvTestDriverGetMemoryDemand(virDomainPtr domain, long long *kib)
{
    xvTestDom *dom;

    if (!domain || !testHookNode(domain->conn) ||
        !(dom = testDomainBegin(domain, XV_TEST_CALL_LAST)))
        return -1;
    *kib = xvTestDomIsActive(dom) ? dom->memDemandKiB : -1;
    testDomainEnd(domain);
    return 0;
}

int
xvTestDriverGetHostUsed(virConnectPtr conn, unsigned long long *kib)
{
    xvTestNode *node = testHookNode(conn);

    if (!node || xvTestNodeBegin(node, XV_TEST_CALL_LAST, NULL) < 0)
        return -1;
    *kib = node->hostUsedKiB;
    xvTestNodeEnd(node);
    return 0;
}

/* ---- The driver table ----------------------------------------------------------------- */

const xvHypervisorDriver xvTestDriver = {
    .name = "TEST",
    .typeName = "Test",
    .version = LIBVIR_VERSION_NUMBER,
    .connectOpen = testConnectOpen,                             /* 0.1.0 */
    .connectClose = testConnectClose,                           /* 0.1.0 */
    .connectGetVersion = testConnectGetVersion,                 /* 0.1.0 */
    .nodeGetInfo = testNodeGetInfo,                             /* 0.1.0 */
    .connectNumOfDomains = testConnectNumOfDomains,             /* 0.1.0 */
    .connectListDomains = testConnectListDomains,               /* 0.1.0 */
    .connectListDefinedDomains = testConnectListDefinedDomains, /* 0.1.0 */
    .domainCreateLinux = testDomainCreateLinux,                 /* 0.1.0 */
    .domainDefineXML = testDomainDefineXML,                     /* 0.1.0 */
    .domainUndefine = testDomainUndefine,                       /* 0.1.0 */
    .domainCreate = testDomainCreate,                           /* 0.1.0 */
    .domainLookupByID = testDomainLookupByID,                   /* 0.1.0 */
    .domainLookupByName = testDomainLookupByName,               /* 0.1.0 */
    .domainLookupByUUID = testDomainLookupByUUID,               /* 0.1.0 */
    .domainDestroy = testDomainDestroy,                         /* 0.1.0 */
    .domainSuspend = testDomainSuspend,                         /* 0.1.0 */
    .domainResume = testDomainResume,                           /* 0.1.0 */
    .domainShutdown = testDomainShutdown,                       /* 0.1.0 */
    .domainReboot = testDomainReboot,                           /* 0.1.0 */
    .domainSave = testDomainSave,                               /* 0.1.0 */
    .domainRestore = testDomainRestore,                         /* 0.1.0 */
    .domainGetOSType = testDomainGetOSType,                     /* 0.1.0 */
    .domainGetMaxMemory = testDomainGetMaxMemory,               /* 0.1.0 */
    .domainSetMaxMemory = testDomainSetMaxMemory,               /* 0.1.0 */
    .domainSetMemory = testDomainSetMemory,                     /* 0.1.0 */
    .domainGetInfo = testDomainGetInfo,                         /* 0.1.0 */
    .domainGetXMLDesc = testDomainGetXMLDesc,                   /* 0.1.0 */
    .domainSetVcpus = testDomainSetVcpus,                       /* 0.1.0 */
    .domainPinVcpu = testDomainPinVcpu,                         /* 0.1.0 */
    .domainGetVcpus = testDomainGetVcpus,                       /* 0.1.0 */
    .nodeGetFreeMemory = testNodeGetFreeMemory,                 /* 0.1.0 */
    .domainMemoryStats = testDomainMemoryStats,                 /* 0.1.0 */
    .domainBlockStats = testDomainBlockStats,                   /* 0.1.0 */
    .domainInterfaceStats = testDomainInterfaceStats,           /* 0.1.0 */
    .nodeGetCPUStats = testNodeGetCPUStats,                     /* 0.1.0 */
    .connectEvents = testConnectEvents,                         /* 0.1.0 */
};
