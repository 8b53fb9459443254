/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* balloon.h: the balloon policy's configuration and pure decision steps (for the unit tests). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/*
 * The balloon policy keeps the host's free memory (virNodeGetFreeMemory)
 * inside a band [low_watermark, high_watermark] by changing the balloon
 * targets of running domains (virDomainSetMemory), as oVirt MoM does:
 *
 * - below the low watermark it reclaims what is missing from the domains'
 *   slack (memory above both their floor min_memory and their demand plus
 *   guest_free): the slack per unit of priority is levelled from the top
 *   (water-filling), so the most slack gives first and a domain of higher
 *   priority only once the others are down to its level; each domain moves
 *   at most `step` per interval towards its share, and the shares add up
 *   to what brings the projected free memory back to the low watermark;
 * - above the high watermark it gives memory to the domains under
 *   pressure (demand plus guest_free above their size), most pressed times
 *   priority first, at most `step` each, never above min(max_memory,
 *   maxMem) and never taking the projected free memory below the high
 *   watermark;
 * - inside the band it does nothing, except giving a domain found under
 *   its floor memory back towards the floor while the projected free
 *   memory stays at or above the low watermark. That gap between the two
 *   watermarks is the hysteresis: a shrink ends at the low watermark, a
 *   grow at the high one, so neither triggers the other.
 *
 * The demand of a guest is what it reports (virDomainMemoryStats AVAILABLE
 * minus UNUSED); a guest reporting nothing is taken to need exactly its
 * current size, so it has neither slack nor pressure: it is only ever
 * grown back to its floor.
 */

/* Changes smaller than this are not worth a hypervisor call. */
#define XV_BALLOON_MIN_CHANGE_KIB 1024
/* The largest size accepted for any key: 1 PiB, in KiB. */
#define XV_BALLOON_MAX_SIZE_KIB (UINT64_C(1) << 40)

/* Defaults (percents in hundredths, as in xvBalloonAmount.hundredths). */
#define XV_BALLOON_DEFAULT_LOW_WATERMARK 1000       /* 10% of the node's memory */
#define XV_BALLOON_DEFAULT_HIGH_WATERMARK 2000      /* 20% of the node's memory */
#define XV_BALLOON_DEFAULT_STEP 1000                /* 10% of the domain's maxMem */
#define XV_BALLOON_DEFAULT_GUEST_FREE 2000          /* 20% of the guest's size */
#define XV_BALLOON_DEFAULT_MIN 2500                 /* 25% of the domain's maxMem */
#define XV_BALLOON_DEFAULT_MAX 10000                /* 100% of the domain's maxMem */
#define XV_BALLOON_DEFAULT_PRIORITY 10
#define XV_BALLOON_MAX_PRIORITY 100

/* A size, or a percent of some base (see each key). */
typedef struct _xvBalloonAmount xvBalloonAmount;
struct _xvBalloonAmount {
    bool percent;
    uint64_t kib;               /* !percent */
    unsigned int hundredths;    /* percent: in hundredths of a percent (1250 = 12.5%) */
};

/* The amount in KiB: the size, or the percent of @baseKiB (rounded down). */
uint64_t xvBalloonAmountKiB(const xvBalloonAmount *amount, uint64_t baseKiB);

/* Per-domain limits for the domains an override selects (first match wins). */
typedef struct _xvBalloonOverride xvBalloonOverride;
struct _xvBalloonOverride {
    xvPolicyDomains domains;
    bool hasMin, hasMax, hasPriority;   /* unset: the policy's own */
    xvBalloonAmount min, max;
    unsigned int priority;
};

typedef struct _xvBalloonConfig xvBalloonConfig;
struct _xvBalloonConfig {
    char *policy;                   /* the policy's name, for its log lines */
    xvBalloonAmount lowWatermark;   /* percent: of the node's memory */
    xvBalloonAmount highWatermark;  /* same kind as lowWatermark, above it */
    xvBalloonAmount step;           /* percent: of the domain's maxMem */
    xvBalloonAmount guestFree;      /* percent: of the guest's size once at the target */
    xvBalloonAmount min;            /* min_memory, the floor; percent: of the domain's maxMem */
    xvBalloonAmount max;            /* max_memory (capped by maxMem); same */
    unsigned int priority;          /* 1..100: higher keeps memory longer, gets it first */
    xvBalloonOverride *overrides;
    size_t noverrides;
};

/* What the policy makes of one domain. */
typedef enum {
    XV_BALLOON_DOMAIN_OK = 0,
    XV_BALLOON_DOMAIN_SKIP,         /* neither running nor blocked, or its sizes unknown */
    XV_BALLOON_DOMAIN_CONFLICT,     /* floor above ceiling: left alone */
    XV_BALLOON_DOMAIN_LAST
} xvBalloonDomainStatus;

typedef struct _xvBalloonDomain xvBalloonDomain;
struct _xvBalloonDomain {
    const xvSnapDomain *dom;
    xvBalloonDomainStatus status;
    uint64_t curKiB;
    uint64_t floorKiB;              /* never shrunk below */
    uint64_t maxKiB;                /* max_memory, resolved */
    uint64_t ceilingKiB;            /* min(max_memory, maxMem): never grown above */
    uint64_t stepKiB;               /* the largest change per interval */
    unsigned int priority;
    bool guestData;                 /* the guest reported its memory */
    uint64_t demandKiB;             /* what it uses; its size without guest data */
    uint64_t wantKiB;               /* demand + guest_free; its size without guest data */
};

/*
 * Resolves @cfg (and the first override selecting @dom) for @dom into
 * @ret. Pure.
 */
void xvBalloonDomainResolve(const xvBalloonConfig *cfg, const xvSnapDomain *dom,
                            xvBalloonDomain *ret);
/* Memory above max(floor, want): what may be reclaimed; 0 if none. */
uint64_t xvBalloonSlackKiB(const xvBalloonDomain *d);
/* min(want, ceiling) above the current size: what it asks for; 0 if none. */
uint64_t xvBalloonPressureKiB(const xvBalloonDomain *d);

/* A domain in conflict seen for the first time (not in the previous picture). */
typedef struct _xvBalloonNote xvBalloonNote;
struct _xvBalloonNote {
    const xvSnapDomain *dom;        /* borrowed from the input snapshot */
    uint64_t floorKiB;
    uint64_t maxKiB;
    uint64_t maxMemKiB;
};

typedef struct _xvBalloonNotes xvBalloonNotes;
struct _xvBalloonNotes {
    xvBalloonNote *notes;
    size_t n;
};

void xvBalloonNotesClear(xvBalloonNotes *notes);

/*
 * The whole decision: appends the SETMEM actions to @out, most urgent
 * first, and to @notes the conflicts that are new since in->prev (what
 * decide() logs, once). Pure.
 */
void xvBalloonDecide(const xvPolicyInput *in, const xvPolicyCommon *common,
                     const xvBalloonConfig *cfg, xvPolicyActionList *out,
                     xvBalloonNotes *notes);
