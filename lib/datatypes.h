/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* datatypes.h: the private contents of virConnect and virDomain. */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "internal.h"

typedef struct _xvHypervisorDriver xvHypervisorDriver;
typedef struct _xvDomainEventState xvDomainEventState;

#define XV_CONNECT_MAGIC 0x4358564Eu /* tells live objects from freed ones */
#define XV_DOMAIN_MAGIC 0x44585644u

struct _virConnect {
    unsigned int magic;
    pthread_mutex_t lock;      /* guards refs, err, handler, userData */
    int refs;                  /* 1 for the user, 1 per live virDomain */
    bool closed;               /* virConnectClose() was called */
    bool readOnly;             /* immutable */
    char *uri;                 /* immutable, as given to virConnectOpen() */
    const xvHypervisorDriver *driver; /* immutable once open */
    void *privateData;         /* the driver's; it does its own locking */
    virError err;              /* last error raised on this connection */
    virErrorFunc handler;
    void *userData;
    xvDomainEventState *events; /* created with the connection; own lock (domain_event.h) */
};

struct _virDomain {
    unsigned int magic;
    int refs;                  /* atomic access only */
    virConnectPtr conn;        /* immutable; holds a reference */
    char *name;                /* immutable (virDomainGetName's lifetime) */
    unsigned char uuid[16];    /* immutable */
    int id;                    /* atomic access only; -1 when inactive */
};

/* A new connection with one reference, not yet bound to a driver. */
virConnectPtr xvConnectNew(const char *uri, bool readOnly);
void xvConnectRef(virConnectPtr conn);
/* Drops a reference; the last one closes the driver and frees. */
void xvConnectUnref(virConnectPtr conn);

/* A new domain handle (one reference) of @conn; takes a connection ref. */
XV_PRIVATE virDomainPtr xvDomainNew(virConnectPtr conn, const char *name,
                                    const unsigned char *uuid, int id);
void xvDomainUnref(virDomainPtr dom);

XV_PRIVATE int xvDomainGetIDCached(virDomainPtr dom);
/* Drivers call this when an operation changes the domain's ID. */
XV_PRIVATE void xvDomainSetIDCached(virDomainPtr dom, int id);

/* Handle checks: a live object of the right type (and, for a connection,
 * not closed by the user). */
bool xvIsConnect(virConnectPtr conn);
bool xvIsDomain(virDomainPtr dom);
