/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodedump.h: the host as a test-driver node file, for `xvirsh nodedump`
 * and the agent's /debug/nodedump: xvNodeDumpTake() reads the host N
 * times (sample.c) and writes what it saw as a node file (format.c).
 * Public API only (<libvirt/libvirt.h>).
 *
 * The dump reads the host N times and writes it as a test-driver node
 * file. Every domain is one record, found by UUID (a hash table: one
 * lookup per domain and sample, whatever the number of domains). A record
 * follows one incarnation of its domain, the ID it runs with: a new ID
 * (a restart) starts the record's measures afresh.
 *
 * Measures are counters read once per sample (a vcpu's CPU time, a
 * device's I/O counters), each paired with the time of its reading. Time
 * is read on two clocks: the hypervisor's, when it has one (the sum of
 * pCPU 0's user, kernel, idle and iowait times is the node's uptime), and
 * CLOCK_MONOTONIC. Each call that reads counters is bracketed by two
 * readings of the clocks, and its counters get the middle of the bracket:
 * a sample of 1,000 domains takes a while, and a loaded machine may stall
 * anywhere, but a call and its bracket follow one another. A counter's rate is the
 * sum of its increases over consecutive readings of one incarnation while
 * the domain ran, divided by the time they took (hypervisor clock if every
 * reading of it worked, else the monotonic one).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libvirt/libvirt.h>

#include "util/xvhash.h"
#include "util/xvmacros.h"
#include "util/xvuuid.h"

/* What the program taking a dump decides. */
typedef struct _xvNodeDumpHooks xvNodeDumpHooks;
struct _xvNodeDumpHooks {
    /* "xvirsh nodedump"...: who took it, for the file's comment */
    const char *program;
    /* Forgets the library error of a call whose failure costs a measure
     * only (a program keeping its own copy of the last error clears that
     * too); NULL: virResetLastError(). */
    void (*resetError)(void *opaque);
    /* Waits until CLOCK_MONOTONIC reads @monoNs; false stops the dump
     * (the program is stopping). NULL: sleeps. */
    bool (*sleepUntil)(uint64_t monoNs, void *opaque);
    void *opaque;
};

/*
 * Reads the host of @conn (@uri names it in the file's comment; NULL: the
 * default) @samples times (at least 2), @intervalMs apart, and returns its
 * node file (to free()). NULL on failure with *@errmsg (to free()) saying
 * what failed ("failed to read domain 'web'"); the library's last error
 * then says why.
 */
char *xvNodeDumpTake(virConnectPtr conn, const char *uri, unsigned int samples,
                     uint64_t intervalMs, const xvNodeDumpHooks *hooks, char **errmsg);

/* ---- the parts (sample.c, format.c) ---------------------------------------- */

/* The time of a reading on the two clocks, in ns. */
typedef struct _ndTime ndTime;
struct _ndTime {
    uint64_t node;      /* the hypervisor's uptime (when nodedumpState.nodeClock) */
    uint64_t mono;      /* CLOCK_MONOTONIC */
};

/* A counter followed over the samples: two readings add up only when they
 * come from consecutive samples (the domain ran, with one ID, and the
 * call worked each time). */
typedef struct _ndTrack ndTrack;
struct _ndTrack {
    unsigned int sample;    /* of the last reading (@at, @value); 0: none */
    ndTime at;
    uint64_t value;
    uint64_t sumValue;      /* increases over consecutive readings ... */
    ndTime sumTime;         /* ... and the time they took */
};

/* The counters of a disk, or of an interface (virDomain*Stats' order). */
#define ND_DISK_FIELDS 5
#define ND_NET_FIELDS 8

/* A disk or an interface of a domain, by its <target dev>. */
typedef struct _ndDev ndDev;
struct _ndDev {
    char *target;
    bool net;
    ndTrack fields[ND_NET_FIELDS];  /* ND_DISK_FIELDS of them for a disk */
};

/* One domain. */
typedef struct _ndDom ndDom;
struct _ndDom {
    unsigned char uuid[XV_UUID_BUFLEN];
    char *name;
    int id;                 /* the incarnation followed; -1: inactive */
    unsigned int sample;    /* the last sample that saw it (from 1) */
    int state;              /* virDomainState of the last reading */
    unsigned long memKiB;   /* its current memory, last reading */
    char *xml;              /* virDomainGetXMLDesc(0), last reading */
    ndTrack *vcpus;         /* CPU time of each vcpu, by number */
    size_t nvcpus;
    unsigned char *maps;    /* the affinity of each of the @nmaps vcpus of the
                             * last reading, nodedumpState.maplen bytes each */
    unsigned int *mapVcpus; /* the vcpu number of each map */
    size_t nmaps;
    long long demandKiB;    /* largest ACTUAL_BALLOON - UNUSED seen; -1: none */
    ndDev *devs;
    size_t ndevs;
};

/* The command's state: the host and every domain seen. */
typedef struct _nodedumpState nodedumpState;
struct _nodedumpState {
    const xvNodeDumpHooks *hooks;   /* may be NULL */
    virConnectPtr conn;
    char *error;            /* the first failure, "failed to ..." */
    virNodeInfo info;
    unsigned long hvVersion;    /* virConnectGetVersion() */
    char *hvType;               /* virConnectGetType() */
    unsigned int maxcpu;    /* VIR_NODEINFO_MAXCPUS(info) */
    int maplen;
    bool nodeClock;         /* the hypervisor's clock is read, and every
                             * reading of it worked */
    virNodeCPUStatsPtr cpuStats;    /* room for pCPU 0's fields */
    int ncpuStats;
    unsigned int sample;    /* the sample being taken, from 1 */
    unsigned int samples;
    uint64_t intervalMs;
    xvHash *byUUID;         /* ndDom by UUID */
    ndDom **doms;           /* every record, in the order first seen */
    size_t ndoms;
    ndDom **active;         /* the active domains of the last sample, by ID */
    size_t nactive;
    ndDom **inactive;       /* the defined, inactive ones, by name */
    size_t ninactive;
    unsigned long long freeKiB; /* the host's free memory, last sample */
};

/* ---- sample.c ------------------------------------------------------- */

/*
 * Reads the host's CPUs, memory, hypervisor type and version, and probes
 * the hypervisor's clock (virNodeGetCPUStats of pCPU 0 must have user,
 * kernel and idle times; Xen has idle only, and is timed by the monotonic
 * clock). Returns false with st->error set.
 */
bool ndStateInit(nodedumpState *st, virConnectPtr conn, const xvNodeDumpHooks *hooks,
                 unsigned int samples, uint64_t intervalMs);
void ndStateFree(nodedumpState *st);

/*
 * Takes sample st->sample: reads every active domain (ascending IDs); the
 * last sample (st->sample == st->samples) also keeps their list in
 * st->active, reads the defined, inactive domains into st->inactive and
 * the free memory. Domains that vanish meanwhile are skipped. Returns
 * false with st->error set.
 */
bool ndSample(nodedumpState *st);

/* The rate of @track per second, on the clock st->nodeClock says; false
 * when it has none (fewer than two readings while the domain ran, or a
 * clock that did not move). */
bool ndTrackRate(const nodedumpState *st, const ndTrack *track, double *perSec);

/* ---- format.c ------------------------------------------------------- */

/*
 * The <target dev> of each disk (then each interface; those without one
 * are skipped) of the domain XML @xml, into *@retDevs (counters empty).
 * Returns the count, or -1 if @xml does not parse.
 */
int ndDomainDevices(const char *xml, ndDev **retDevs);
void ndDevsFree(ndDev *devs, size_t n);

/*
 * The node file of the host @st has sampled, to free(); NULL with the
 * st->error set when a domain's XML does not parse. @uri (NULL: the
 * default) and @when (UTC, seconds since the epoch) go into its comment.
 */
char *ndFormatNode(nodedumpState *st, const char *uri, time_t when);

/* Keeps the first failure in st->error (later ones follow from it). */
void ndFail(nodedumpState *st, const char *fmt, ...) XV_PRINTF(2, 3);
