/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * autopinpriv.h: what the files of the autopin policy share: the model of
 * the host a decision works on (autopin_model.c) and the strategies that
 * change it (autopin_spread.c, autopin_pack.c, autopin_numa.c,
 * autopin_dedicated.c). Private to src/policy/autopin*.c.
 *
 * The model is built from two snapshots: the load of a vcpu is its CPU time
 * since the previous snapshot over the time between them; a vcpu allowed
 * on several pCPUs counts an equal share on each. Every vcpu counts,
 * selected or not, but only vcpus of selected domains measured in both
 * snapshots move. A strategy changes the model one step at a time, each
 * step chosen by a total order (load, then domain name, vcpu number and
 * pCPU number), within the budget of max_actions_per_interval; the actions
 * are the vcpus whose affinity differs at the end (autopin.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "autopin.h"

/* The reasons of the actions (the reason= of the log lines). */
#define AUTOPIN_REASON_RESERVED "reserved"        /* it may run on a reserved pCPU */
#define AUTOPIN_REASON_UNPINNED "unpinned"        /* spread/pack: not on one pCPU yet */
#define AUTOPIN_REASON_NO_CPU "no_allowed_cpu"    /* give-up: every pCPU reserved or offline */
#define AUTOPIN_REASON_NO_FIT "no_fit"            /* give-up: not enough pCPUs for it */

/* ---- the model (autopin_model.c) --------------------------------------------- */

typedef struct {
    const xvSnapDomain *dom;
    bool ours;                  /* selected, running, vcpus known, one online at least */
    bool measured;              /* ours, and the load of each online vcpu is known */
    const char *refusal;        /* why it cannot be placed (a give-up reason), or NULL */
    unsigned int nonline;
} autopinDom;

typedef struct {
    size_t dom;                 /* index in the snapshot's (and the model's) domains */
    unsigned int number;
    bool online;
    bool known;                 /* its load was measured */
    bool movable;               /* online, of a measured domain of ours */
    bool touched;               /* the decision changed its set */
    int64_t load;
    int pos;                    /* the allowed pCPU its set holds alone, else -1 */
    const unsigned char *map;   /* the affinity in the snapshot */
    unsigned char *set;         /* the affinity in the model */
} autopinVcpu;

typedef struct {
    const xvSnapshot *snap;
    const xvAutopinConfig *cfg;
    size_t maplen;
    unsigned int ncpus;         /* the pCPUs considered: 0 .. ncpus-1 */
    unsigned int nnodes;
    unsigned int threads;       /* per core: the threads of a core are adjacent */
    unsigned int *cpuNode;
    bool *allowed;              /* neither reserved nor past ncpus */
    unsigned int nallowed;
    int64_t *load;              /* per pCPU */
    autopinDom *doms;           /* parallel to snap->domains (name order) */
    size_t ndoms;
    autopinVcpu *vcpus;         /* parallel to snap->vcpus */
    size_t nvcpus;
    unsigned char *sets;
    size_t nmovable;
    uint64_t budget;            /* vcpus it may change this interval */
    uint64_t taken;
    int64_t hysteresis;         /* in load units */
} autopinModel;

static inline bool
autopinMapHas(const unsigned char *map, unsigned int cpu)
{
    return map[cpu / 8] & (1u << (cpu % 8));
}

/* Builds the model of in->snap (loads from in->prev); false if it has no
 * node picture or no maps to decide on. Free with autopinModelFree(). */
bool autopinModelInit(autopinModel *m, const xvPolicyInput *in, const xvPolicyCommon *common,
                      const xvAutopinConfig *cfg);
void autopinModelFree(autopinModel *m);

/* The allowed pCPU @map holds alone, or -1. */
int autopinPosOf(const autopinModel *m, const unsigned char *map);
/* Adds (@sign 1) or removes (-1) @v's load: an equal share on each pCPU of its set. */
void autopinContribute(autopinModel *m, const autopinVcpu *v, int sign);
/* Whether @n more vcpus may change this interval. */
bool autopinAffords(const autopinModel *m, uint64_t n);
/* Whether domain changes of @changes vcpus may be made (all of a domain's go together). */
bool autopinDomAffords(const autopinModel *m, unsigned int changes);
/* Gives @v the set @set (maplen bytes); pins @v to @cpu alone. */
void autopinSetTo(autopinModel *m, autopinVcpu *v, const unsigned char *set);
void autopinSetSingle(autopinModel *m, autopinVcpu *v, unsigned int cpu);

/* The online vcpus of domain @d: m->vcpus[*first .. *first + n). */
size_t autopinDomVcpus(const autopinModel *m, size_t d, size_t *first);
/* @a before @b: domain name (snapshot order), then vcpu number. */
bool autopinVcpuBefore(const autopinVcpu *a, const autopinVcpu *b);
/* The movable vcpus on @cpu (@cpu < 0: those not on one allowed pCPU),
 * heaviest first. To free(); *n set. */
autopinVcpu **autopinVcpusOn(autopinModel *m, int cpu, size_t *n);
/* The allowed pCPUs, busiest first (ties: lowest number). To free(). */
unsigned int *autopinCpusByLoad(const autopinModel *m, unsigned int *n);
/* Whether another online vcpu of @v's domain (neither @v nor @skip) sits
 * alone on a pCPU of the core of @cpu. */
bool autopinCoreShared(const autopinModel *m, const autopinVcpu *v, const autopinVcpu *skip,
                       unsigned int cpu);

/* ---- spread (autopin_spread.c), also used by pack ------------------------------ */

/* A candidate step: move @v from @from to @to, or swap it with @w (on @to). */
typedef struct {
    autopinVcpu *v;
    autopinVcpu *w;
    unsigned int from;
    unsigned int to;
    int64_t newMax;             /* the busier of the two pCPUs after the step */
    unsigned int shared;        /* vcpus it puts on a core with another of their domain */
} autopinStep;

/* The best step off pCPU @s worth more than the hysteresis, if there is one. */
bool autopinBestStepFrom(autopinModel *m, unsigned int s, autopinStep *ret);
void autopinApplyStep(autopinModel *m, const autopinStep *st);
/* The first allowed pCPU (lowest number, below @below) where @v fits under @limit, or -1. */
int autopinFirstFit(const autopinModel *m, const autopinVcpu *v, unsigned int below,
                    int64_t limit);
/* Pins every movable vcpu not alone on an allowed pCPU, heaviest first:
 * first fit under @limit (@pack), else on the least loaded pCPU. */
void autopinPlaceUnpinned(autopinModel *m, bool pack, int64_t limit);

/* ---- numa (autopin_numa.c) --------------------------------------------------- */

typedef struct {
    unsigned int *cap;          /* allowed pCPUs per node */
    unsigned int maxCap;
    unsigned char **sets;       /* the allowed pCPUs per node, as maps */
} autopinNodes;

/* The allowed pCPUs of each NUMA node; free with autopinNodesFree(). */
void autopinNodesInit(const autopinModel *m, autopinNodes *nodes);
void autopinNodesFree(const autopinModel *m, autopinNodes *nodes);

/* ---- the strategies ------------------------------------------------------------ */

/* Each changes the model towards its placement (autopin_<strategy>.c). */
void autopinSpread(autopinModel *m);
void autopinPack(autopinModel *m);
void autopinNuma(autopinModel *m);
/* Places the policy's vcpus on pCPUs of their own and refuses (no_fit) the
 * domains that do not fit: also how refusals are judged (autopin.c). */
void autopinDedicated(autopinModel *m);
