/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_driver.c: the test driver, an in-process simulated hypervisor. */
#include "config.h"

#include "test/test_driverpriv.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libvirt/libvirt.h>

#include "conf/domain_conf.h"
#include "datatypes.h"
#include "driver.h"
#include "test/test_node.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

static const char *const testDomainTypes[] = { "test", "xen", NULL };

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

static xvDrvOpenStatus
testConnectOpen(virConnectPtr conn, const char *uri, bool readOnly XV_UNUSED)
{
    XV_AUTOFREE(char *) path = NULL;
    xvTestNode *node;

    if (strncasecmp(uri, "test:", 5) != 0)
        return XV_DRV_OPEN_DECLINED;

    /* From this point on, the URI is ours. (virInitialize() set up libxml2.) */
    if (!XV_STREQ(uri + 5, "///default")) {
        char errbuf[128];

        if (strncmp(uri + 5, "///", 3) != 0 || uri[8] == '\0') {
            xvReportError(VIR_ERR_INVALID_ARG,
                          "test driver URI '%s' must be test:///default or "
                          "test:///ABSOLUTE/PATH.xml", uri);
            return XV_DRV_OPEN_ERROR;
        }
        if (!(path = realpath(uri + 7, NULL))) {
            xvReportError(VIR_ERR_OPEN_FAILED, "cannot open node file '%s': %s", uri + 7,
                          strerror_r(errno, errbuf, sizeof(errbuf)));
            return XV_DRV_OPEN_ERROR;
        }
    }
    if (!(node = testRegistryAcquire(path ? path : "default", path)))
        return XV_DRV_OPEN_ERROR;
    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_OPEN, NULL) < 0) {
        testRegistryRelease(node);
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
        testRegistryRelease(conn->privateData);
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
testCompareInt(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static int
testConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    xvTestNode *node = conn->privateData;
    XV_AUTOFREE(int *) all = NULL;
    xvTestDom *dom;
    size_t n = 0;

    if (xvTestNodeBegin(node, XV_TEST_CALL_CONNECT_LIST_DOMAINS, NULL) < 0)
        return -1;
    all = xvAllocN(node->nactive + 1, sizeof(int));
    for (dom = node->domains; dom; dom = dom->next) {
        if (xvTestDomIsActive(dom))
            all[n++] = dom->id;
    }
    xvTestNodeEnd(node);
    qsort(all, n, sizeof(int), testCompareInt);
    if (n > (size_t)maxids)
        n = (size_t)maxids;
    if (n > 0)
        memcpy(ids, all, n * sizeof(int));
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
    for (dom = node->domains; dom; dom = dom->next) {
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

/* ---- Creating and defining ----------------------------------------------------- */

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
testDomainStartDef(xvTestNode *node, xvDomainDef *def)
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

static virDomainPtr
testDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags XV_UNUSED)
{
    xvTestNode *node = conn->privateData;
    virDomainPtr ret = NULL;
    xvDomainDef *def;
    xvTestDom *dom;

    if (!(def = xvDomainDefParseString(xmlDesc, testDomainTypes)))
        return NULL;
    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_CREATE_LINUX, def->name) < 0) {
        xvDomainDefFree(def);
        return NULL;
    }
    if ((dom = testDomainStartDef(node, def)))
        ret = testDomainNew(conn, dom);
    else
        xvDomainDefFree(def);
    xvTestNodeEnd(node);
    return ret;
}

static virDomainPtr
testDomainDefineXML(virConnectPtr conn, const char *xml)
{
    xvTestNode *node = conn->privateData;
    virDomainPtr ret = NULL;
    xvDomainDef *def;
    xvTestDom *dom;

    if (!(def = xvDomainDefParseString(xml, testDomainTypes)))
        return NULL;
    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_DEFINE_XML, def->name) < 0) {
        xvDomainDefFree(def);
        return NULL;
    }
    dom = xvTestNodeFindByName(node, def->name);
    if (testDomainCheckClash(def, dom, xvTestNodeFindByUUID(node, def->uuid)) < 0)
        goto cleanup;
    if (dom) {
        if (xvTestNodeDomainRedefine(node, dom, def) < 0)
            goto cleanup;
    } else if (xvTestNodeDomainAdd(node, def, true, &dom) < 0) {
        goto cleanup;
    }
    def = NULL;
    ret = testDomainNew(conn, dom);

 cleanup:
    xvDomainDefFree(def);
    xvTestNodeEnd(node);
    return ret;
}

static int
testDomainUndefine(virDomainPtr domain)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_UNDEFINE)))
        return -1;
    if (!dom->persistent) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                      dom->def->name);
        goto cleanup;
    }
    if (xvTestDomIsActive(dom)) {
        dom->persistent = false;
        xvDomainDefFree(dom->newDef);
        dom->newDef = NULL;
    } else {
        xvTestNodeDomainRemove(domain->conn->privateData, dom);
    }
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainCreate(virDomainPtr domain)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_CREATE)))
        return -1;
    if (xvTestDomIsActive(dom)) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already running",
                      dom->def->name);
        goto cleanup;
    }
    ret = xvTestNodeDomainStart(domain->conn->privateData, dom, NULL);

 cleanup:
    testDomainEnd(domain);
    return ret;
}

/* ---- Life cycle ------------------------------------------------------------------ */

static int
testDomainDestroy(virDomainPtr domain)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_DESTROY)))
        return -1;
    if (testDomainRequireActive(dom) < 0)
        goto cleanup;
    xvTestNodeDomainStop(domain->conn->privateData, dom);
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainSuspend(virDomainPtr domain)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_SUSPEND)))
        return -1;
    if (dom->state == VIR_DOMAIN_PAUSED) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already paused",
                      dom->def->name);
        goto cleanup;
    }
    if (dom->state != VIR_DOMAIN_RUNNING) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                      dom->def->name);
        goto cleanup;
    }
    xvTestNodeDomainSetState(domain->conn->privateData, dom, VIR_DOMAIN_PAUSED);
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainResume(virDomainPtr domain)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_RESUME)))
        return -1;
    if (dom->state != VIR_DOMAIN_PAUSED) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not paused",
                      dom->def->name);
        goto cleanup;
    }
    xvTestNodeDomainSetState(domain->conn->privateData, dom, VIR_DOMAIN_RUNNING);
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainShutdownOrReboot(virDomainPtr domain, xvTestCall call, bool reboot)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, call)))
        return -1;
    /* A guest already shutting down has the request: nothing more to do. */
    if (dom->state != VIR_DOMAIN_RUNNING && dom->state != VIR_DOMAIN_SHUTDOWN) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                      dom->def->name);
        goto cleanup;
    }
    xvTestNodeDomainRequestShutdown(domain->conn->privateData, dom, reboot);
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainShutdown(virDomainPtr domain)
{
    return testDomainShutdownOrReboot(domain, XV_TEST_CALL_DOMAIN_SHUTDOWN, false);
}

static int
testDomainReboot(virDomainPtr domain, unsigned int flags XV_UNUSED)
{
    return testDomainShutdownOrReboot(domain, XV_TEST_CALL_DOMAIN_REBOOT, true);
}

static int
testDomainSave(virDomainPtr domain, const char *to)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_SAVE)))
        return -1;
    if (testDomainRequireActive(dom) < 0)
        goto cleanup;
    if (dom->state == VIR_DOMAIN_CRASHED) {
        xvReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' has crashed", dom->def->name);
        goto cleanup;
    }
    if (xvTestSaveWrite(domain->conn->privateData, dom, to) < 0)
        goto cleanup;
    xvTestNodeDomainStop(domain->conn->privateData, dom);
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainRestore(virConnectPtr conn, const char *from)
{
    xvTestNode *node = conn->privateData;
    xvTestSaveImage image;
    xvTestDom *dom;
    int ret = -1;

    if (xvTestSaveRead(from, &image) < 0)
        return -1;
    if (xvTestNodeBegin(node, XV_TEST_CALL_DOMAIN_RESTORE, image.def->name) < 0)
        goto cleanup;
    if ((dom = testDomainStartDef(node, image.def))) {
        image.def = NULL;
        xvTestNodeDomainRestoreState(node, dom, image.cpuTimeNs, image.paused);
        ret = 0;
    }
    xvTestNodeEnd(node);

 cleanup:
    xvTestSaveImageClear(&image);
    return ret;
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
testDomainSetMaxMemory(virDomainPtr domain, unsigned long memKiB)
{
    xvTestDom *dom;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_SET_MAX_MEMORY)))
        return -1;
    if (memKiB == 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "maximum memory of domain '%s' must be positive",
                      dom->def->name);
        testDomainEnd(domain);
        return -1;
    }
    xvTestNodeDomainKeepPersistentDef(dom);
    dom->def->maxMemKiB = memKiB;
    if (dom->def->memKiB > memKiB)
        dom->def->memKiB = memKiB;
    testDomainEnd(domain);
    return 0;
}

static int
testDomainSetMemory(virDomainPtr domain, unsigned long memKiB)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_SET_MEMORY)))
        return -1;
    if (memKiB == 0) {
        xvReportError(VIR_ERR_INVALID_ARG, "memory of domain '%s' must be positive",
                      dom->def->name);
        goto cleanup;
    }
    if (memKiB > dom->def->maxMemKiB) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "memory %lu KiB is above the maximum %lu KiB of domain '%s'",
                      memKiB, dom->def->maxMemKiB, dom->def->name);
        goto cleanup;
    }
    xvTestNodeDomainKeepPersistentDef(dom);
    dom->def->memKiB = memKiB;
    ret = 0;

 cleanup:
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
testDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus)
{
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_SET_VCPUS)))
        return -1;
    if (nvcpus == 0 || nvcpus > dom->def->maxVcpus) {
        xvReportError(VIR_ERR_INVALID_ARG,
                      "%u vcpus are not within 1 to the %u vcpus of domain '%s'",
                      nvcpus, dom->def->maxVcpus, dom->def->name);
        goto cleanup;
    }
    xvTestNodeDomainKeepPersistentDef(dom);
    xvTestNodeDomainSetVcpus(domain->conn->privateData, dom, nvcpus);
    ret = 0;

 cleanup:
    testDomainEnd(domain);
    return ret;
}

static int
testDomainPinVcpu(virDomainPtr domain, unsigned int vcpu, const unsigned char *cpumap,
                  int maplen)
{
    xvTestNode *node = domain->conn->privateData;
    xvTestDom *dom;
    int ret = -1;

    if (!(dom = testDomainBegin(domain, XV_TEST_CALL_DOMAIN_PIN_VCPU)))
        return -1;
    if (testDomainRequireActive(dom) < 0)
        goto cleanup;
    if (vcpu >= dom->nvcpus) {
        xvReportError(VIR_ERR_INVALID_ARG, "vcpu %u is not within the %zu vcpus of domain '%s'",
                      vcpu, dom->nvcpus, dom->def->name);
        goto cleanup;
    }
    memset(dom->vcpus[vcpu].affinity, 0, (size_t)node->maplen);
    memcpy(dom->vcpus[vcpu].affinity, cpumap,
           (size_t)(maplen < node->maplen ? maplen : node->maplen));
    ret = 0;

 cleanup:
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

    if (!node)
        return -1;
    xvTestNodeAdvanceClock(node, ns);
    return 0;
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
};
