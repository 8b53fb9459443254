/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* datatypes.c: life cycle of the private virConnect and virDomain objects. */
#include "config.h"

#include "datatypes.h"

#include "domain_event.h"
#include "driver.h"
#include "virerror.h"

virConnectPtr
xvConnectNew(const char *uri, bool readOnly)
{
    virConnectPtr conn = xvAlloc(sizeof(*conn));

    pthread_mutex_init(&conn->lock, NULL);
    conn->refs = 1;
    conn->readOnly = readOnly;
    conn->uri = xvStrdup(uri);
    conn->magic = XV_CONNECT_MAGIC;
    return conn;
}

void
xvConnectRef(virConnectPtr conn)
{
    pthread_mutex_lock(&conn->lock);
    conn->refs++;
    pthread_mutex_unlock(&conn->lock);
}

void
xvConnectUnref(virConnectPtr conn)
{
    int refs;

    if (!conn)
        return;
    pthread_mutex_lock(&conn->lock);
    refs = --conn->refs;
    pthread_mutex_unlock(&conn->lock);
    if (refs > 0)
        return;
    if (conn->driver)
        conn->driver->connectClose(conn);
    xvDomainEventFreeConnect(conn);
    conn->magic = 0;
    virResetError(&conn->err);
    pthread_mutex_destroy(&conn->lock);
    free(conn->uri);
    free(conn);
}

virDomainPtr
xvDomainNew(virConnectPtr conn, const char *name, const unsigned char *uuid,
            int id)
{
    virDomainPtr dom = xvAlloc(sizeof(*dom));

    xvConnectRef(conn);
    dom->conn = conn;
    dom->name = xvStrdup(name);
    memcpy(dom->uuid, uuid, sizeof(dom->uuid));
    dom->id = id;
    dom->refs = 1;
    dom->magic = XV_DOMAIN_MAGIC;
    return dom;
}

void
xvDomainUnref(virDomainPtr dom)
{
    if (!dom)
        return;
    if (__atomic_sub_fetch(&dom->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    dom->magic = 0;
    xvConnectUnref(dom->conn);
    free(dom->name);
    free(dom);
}

int
xvDomainGetIDCached(virDomainPtr dom)
{
    return __atomic_load_n(&dom->id, __ATOMIC_ACQUIRE);
}

void
xvDomainSetIDCached(virDomainPtr dom, int id)
{
    __atomic_store_n(&dom->id, id, __ATOMIC_RELEASE);
}

bool
xvIsConnect(virConnectPtr conn)
{
    return conn && conn->magic == XV_CONNECT_MAGIC && conn->driver &&
           !__atomic_load_n(&conn->closed, __ATOMIC_ACQUIRE);
}

bool
xvIsDomain(virDomainPtr dom)
{
    return dom && dom->magic == XV_DOMAIN_MAGIC && dom->conn &&
           dom->conn->magic == XV_CONNECT_MAGIC;
}
