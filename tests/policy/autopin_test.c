/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* autopin_test.c: the autopin policy's decisions on simulated hosts, parsing, engine runs. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "policytest.h"
#include "src/agent/agent_conf.h"
#include "src/policy/autopin.h"
#include "src/policy/engine.h"
#include "src/policy/policy.h"
#include "src/policy/report.h"
#include "src/snapshot/snapshot.h"
#include "util/xvmacros.h"
#include "xvtest.h"

#define NOW UINT64_C(1800000000000)         /* a fake realtime clock, in ms */
#define T0_NS UINT64_C(1000000000000)       /* the first snapshot, in ns */
#define STEP_NS UINT64_C(1000000000)        /* one interval: 1 s */
#define MAX_VCPUS 16

static const xvPolicyCommon all = { .enabled = true };

/* ---- a simulated host -------------------------------------------------------------- */

/*
 * Domains with fixed loads (per mille of a pCPU, with an optional jitter
 * per interval) whose affinities follow the pins decided, one interval
 * (STEP_NS) apart: what the agent would see on a host without noise.
 */
typedef struct {
    char name[16];
    int id;
    unsigned char state;
    bool vcpusOk;
    size_t nvcpus;
    unsigned int load[MAX_VCPUS];
    bool offline[MAX_VCPUS];
    unsigned char map[MAX_VCPUS][8];
    uint64_t cpuNs[MAX_VCPUS];
} simDom;

typedef struct {
    virNodeInfo node;
    int maplen;
    simDom doms[8];
    size_t ndoms;
    uint64_t nowNs;
    unsigned int jitter;        /* per mille: each interval's load is off by up to this */
    uint32_t rng;
    xvSnapshot *prev;
    xvPolicyCommon common;
    xvAutopinConfig cfg;
} sim;

static void
simInit(sim *s, unsigned int nodes, unsigned int sockets, unsigned int cores,
        unsigned int threads, xvAutopinStrategy strategy)
{
    memset(s, 0, sizeof(*s));
    s->node.nodes = nodes;
    s->node.sockets = sockets;
    s->node.cores = cores;
    s->node.threads = threads;
    s->node.cpus = nodes * sockets * cores * threads;
    s->maplen = VIR_CPU_MAPLEN(s->node.cpus);
    s->nowNs = T0_NS;
    s->rng = 12345;
    s->common.enabled = true;
    s->cfg.strategy = strategy;
    s->cfg.hysteresis = XV_AUTOPIN_DEFAULT_HYSTERESIS;
    s->cfg.packLimit = XV_AUTOPIN_DEFAULT_PACK_LIMIT;
}

static void
simFree(sim *s)
{
    xvSnapshotUnref(s->prev);
    s->prev = NULL;
}

static void
cpuList(const char *text, unsigned char *map, size_t len)
{
    unsigned char full[XV_AUTOPIN_MAX_CPUS / 8];
    size_t offset;
    char *msg = NULL;

    assert_int_equal(xvAutopinParseCpuList(text, full, &offset, &msg), 0);
    memcpy(map, full, len);
}

/* Adds a domain: @spec is "LOAD@CPUS ..." per vcpu (LOAD per mille, or "off"). */
static simDom *
simAdd(sim *s, const char *name, int id, const char *spec)
{
    simDom *d = &s->doms[s->ndoms++];
    char *copy = strdup(spec), *save = NULL, *tok;

    snprintf(d->name, sizeof(d->name), "%s", name);
    d->id = id;
    d->state = VIR_DOMAIN_RUNNING;
    d->vcpusOk = true;
    for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *at = strchr(tok, '@');

        assert_non_null(at);
        *at = '\0';
        assert_true(d->nvcpus < MAX_VCPUS);
        if (strcmp(tok, "off") == 0)
            d->offline[d->nvcpus] = true;
        else
            d->load[d->nvcpus] = (unsigned int)atoi(tok);
        cpuList(at + 1, d->map[d->nvcpus], sizeof(d->map[0]));
        d->cpuNs[d->nvcpus] = 5 * STEP_NS;
        d->nvcpus++;
    }
    free(copy);
    return d;
}

static simDom *
simFind(sim *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->ndoms; i++) {
        if (strcmp(s->doms[i].name, name) == 0)
            return &s->doms[i];
    }
    fail_msg("no simulated domain '%s'", name);
    return NULL;
}

/* The lowest pCPU of @map (@len bytes), -1 if none. */
static int
firstCpu(const unsigned char *map, size_t len)
{
    int cpu;

    for (cpu = 0; cpu < (int)len * 8; cpu++) {
        if (map[cpu / 8] & (1u << (cpu % 8)))
            return cpu;
    }
    return -1;
}

static int
mapCount(const unsigned char *map, size_t len)
{
    int cpu, n = 0;

    for (cpu = 0; cpu < (int)len * 8; cpu++)
        n += (map[cpu / 8] >> (cpu % 8)) & 1;
    return n;
}

/* The picture of the host now. */
static xvSnapshot *
simSnapshot(const sim *s)
{
    xvSnapshot *snap = xvSnapshotNew();
    size_t i, k;

    snap->connected = true;
    snap->nodeOk = true;
    snap->node = s->node;
    snap->maplen = s->maplen;
    snap->timestampNs = s->nowNs;
    for (i = 0; i < s->ndoms; i++) {
        const simDom *d = &s->doms[i];
        xvSnapDomain *sd = xvSnapshotAddDomain(snap);
        xvSnapVcpu *v;

        sd->name = strdup(d->name);
        sd->id = d->id;
        sd->state = d->state;
        sd->uuid[0] = 0xa0;
        sd->uuid[15] = (unsigned char)d->id;
        snprintf(sd->uuidstr, sizeof(sd->uuidstr), "a0000000-0000-0000-0000-0000000000%02x",
                 d->id);
        sd->nrVirtCpu = (unsigned int)d->nvcpus;
        if (!d->vcpusOk)
            continue;
        sd->vcpusOk = true;
        v = xvSnapshotAddVcpus(snap, sd, d->nvcpus);
        for (k = 0; k < d->nvcpus; k++) {
            v[k].number = (unsigned int)k;
            v[k].state = d->offline[k] ? VIR_VCPU_OFFLINE : VIR_VCPU_RUNNING;
            v[k].cpuTimeNs = d->cpuNs[k];
            v[k].cpu = d->offline[k] ? -1 : firstCpu(d->map[k], sizeof(d->map[k]));
            memcpy(xvSnapshotVcpuMap(snap, sd->firstVcpu + k), d->map[k], (size_t)s->maplen);
        }
    }
    xvSnapshotFinish(snap);
    return snap;
}

static void
decide(const xvSnapshot *prev, const xvSnapshot *snap, const xvPolicyCommon *common,
       const xvAutopinConfig *cfg, xvPolicyActionList *out)
{
    xvPolicyInput in = { .snap = snap, .prev = prev, .nowMs = NOW };

    xvPolicyAutopin.decide(&in, common, cfg, out);
}

/* Counts the pins (not the give-ups) of @out. */
static size_t
pins(const xvPolicyActionList *out)
{
    size_t i, n = 0;

    for (i = 0; i < out->n; i++)
        n += !out->actions[i].giveUp;
    return n;
}

/*
 * One interval: decides on the picture now (and the one before), applies
 * the pins, lets the time run. Returns the actions in @out (cleared first).
 */
static void
simRound(sim *s, xvPolicyActionList *out)
{
    xvSnapshot *snap = simSnapshot(s);
    size_t i, k;

    xvPolicyActionListClear(out);
    decide(s->prev, snap, &s->common, &s->cfg, out);
    xvSnapshotUnref(s->prev);
    s->prev = snap;
    for (i = 0; i < out->n; i++) {
        const xvPolicyAction *a = &out->actions[i];
        simDom *d;

        assert_int_equal(a->kind, XV_POLICY_ACTION_PIN);
        if (a->giveUp)
            continue;
        d = simFind(s, a->domain);
        assert_int_equal(a->maplen, s->maplen);
        assert_memory_equal(a->oldMap, d->map[a->vcpu], (size_t)s->maplen);
        memcpy(d->map[a->vcpu], a->newMap, (size_t)s->maplen);
    }
    s->nowNs += STEP_NS;
    for (i = 0; i < s->ndoms; i++) {
        for (k = 0; k < s->doms[i].nvcpus; k++) {
            int64_t load = s->doms[i].load[k];

            if (s->jitter) {
                s->rng = s->rng * 1103515245u + 12345u;
                load += (int64_t)((s->rng >> 8) % (2 * s->jitter + 1)) - s->jitter;
                load = load < 0 ? 0 : load;
            }
            if (!s->doms[i].offline[k])
                s->doms[i].cpuNs[k] += (uint64_t)load * (STEP_NS / 1000);
        }
    }
}

/* Rounds until one decides nothing; returns how many made pins (at most @max). */
static unsigned int
simConverge(sim *s, unsigned int max)
{
    xvPolicyActionList out = { 0 };
    unsigned int rounds = 0, i;

    simRound(s, &out);          /* the first: nothing to compare with */
    assert_int_equal(pins(&out), 0);
    for (i = 0; i < max; i++) {
        simRound(s, &out);
        if (pins(&out) == 0)
            break;
        rounds++;
    }
    xvPolicyActionListClear(&out);
    return rounds;
}

/* Pins decided over @n more rounds. */
static size_t
simQuietRounds(sim *s, unsigned int n)
{
    xvPolicyActionList out = { 0 };
    size_t total = 0;
    unsigned int i;

    for (i = 0; i < n; i++) {
        simRound(s, &out);
        total += pins(&out);
    }
    xvPolicyActionListClear(&out);
    return total;
}

/* The load of @cpu (per mille): each vcpu's shared equally over its map. */
static unsigned int
simCpuLoad(const sim *s, int cpu)
{
    unsigned int sum = 0;
    size_t i, k;

    for (i = 0; i < s->ndoms; i++) {
        for (k = 0; k < s->doms[i].nvcpus; k++) {
            const unsigned char *map = s->doms[i].map[k];

            if (!s->doms[i].offline[k] && (map[cpu / 8] & (1u << (cpu % 8))))
                sum += s->doms[i].load[k] / (unsigned int)mapCount(map, 8);
        }
    }
    return sum;
}

static unsigned int
simMaxLoad(const sim *s, int from, int to)
{
    unsigned int max = 0;
    int cpu;

    for (cpu = from; cpu <= to; cpu++) {
        if (simCpuLoad(s, cpu) > max)
            max = simCpuLoad(s, cpu);
    }
    return max;
}

/* The only pCPU of the vcpu's map, -1 if several. */
static int
pinnedTo(const sim *s, const char *name, size_t vcpu)
{
    const unsigned char *map = simFind((sim *)s, name)->map[vcpu];

    return mapCount(map, 8) == 1 ? firstCpu(map, 8) : -1;
}

/* ---- spread ------------------------------------------------------------------------ */

static void
test_spread_balances_a_crowded_host_then_stays_still_for_100_intervals(void **state)
{
    sim s;
    int cores[4] = { 0 }, cpu;
    size_t k;

    (void)state;
    /* 8 pCPUs: 4 cores of 2 threads; everything crowded on pCPU 0 or unpinned */
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_SPREAD);
    simAdd(&s, "web", 1, "900@0 900@0 900@0 900@0");
    simAdd(&s, "db", 2, "600@0 600@0");
    simAdd(&s, "batch", 3, "200@0-7 200@0-7 200@0-7 200@0-7");
    assert_int_equal(simCpuLoad(&s, 0), 4900);   /* and 0.2 / 8 more on the others */
    assert_in_range(simConverge(&s, 5), 1, 2);
    /* 5.6 pCPUs of load on 8: nothing above one web vcpu's 0.9 plus one batch */
    assert_in_range(simMaxLoad(&s, 0, 7), 900, 1000);
    for (cpu = 0; cpu < 8; cpu++)
        assert_in_range(simCpuLoad(&s, cpu), 200, 1000);
    /* the four web vcpus on four different cores */
    for (k = 0; k < 4; k++) {
        assert_true(pinnedTo(&s, "web", k) >= 0);
        cores[pinnedTo(&s, "web", k) / 2]++;
    }
    for (k = 0; k < 4; k++)
        assert_int_equal(cores[k], 1);
    /* then still, even with loads off by up to 3% each interval */
    s.jitter = 30;
    assert_int_equal(simQuietRounds(&s, 100), 0);
    simFree(&s);
}

static void
test_balanced_placement_gives_no_action(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 2, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 1, "700@0 700@2");
    simAdd(&s, "b", 2, "650@1 720@3");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    s.cfg.hysteresis = 0;
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_moves_carry_maps_reason_and_domain_fields(void **state)
{
    xvPolicyActionList out = { 0 };
    const xvPolicyAction *a;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 2, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 7, "800@0 800@0");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    a = &out.actions[0];
    assert_string_equal(a->domain, "a");
    assert_string_equal(a->uuidstr, "a0000000-0000-0000-0000-000000000007");
    assert_int_equal(a->uuid[15], 7);
    assert_int_equal(a->id, 7);
    assert_int_equal(a->state, VIR_DOMAIN_RUNNING);
    assert_int_equal(a->vcpu, 0);
    assert_string_equal(a->reason, "imbalance");
    assert_int_equal(a->maplen, 1);
    assert_int_equal(a->oldMap[0], 0x01);
    /* the other core, not the sibling thread of vcpu 1 */
    assert_int_equal(a->newMap[0], 0x04);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_hysteresis_leaves_gains_not_above_it_alone(void **state)
{
    static const struct {
        unsigned int hysteresis;
        size_t pins;
    } cases[] = {
        { 100, 0 },     /* the move lowers pCPU 0 by 5%: not worth 10% */
        { 50, 0 },      /* exactly 5%: "more than" is strict */
        { 49, 1 },
        { 0, 1 },
    };
    xvPolicyActionList out = { 0 };
    size_t i;
    sim s;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        /* two cores: pCPU 0 at 580 (500 + 80), pCPU 1 at 450: moving the 80 gives 530 */
        simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
        simAdd(&s, "a", 1, "500@0 80@0");
        simAdd(&s, "c", 2, "450@1");
        s.cfg.hysteresis = cases[i].hysteresis;
        simRound(&s, &out);
        simRound(&s, &out);
        assert_int_equal(pins(&out), cases[i].pins);
        if (cases[i].pins) {
            assert_int_equal(out.actions[0].vcpu, 1);
            assert_int_equal(out.actions[0].newMap[0], 0x02);
        }
        simFree(&s);
    }
    xvPolicyActionListClear(&out);
}

static void
test_swap_fixes_what_single_moves_cannot(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    /* 2 pCPUs: 600+600 against 3 x 200: no single move helps (a 600 makes
     * it 1200 the other way), swapping a 600 with a 200 gives 800 / 1000 */
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
    simAdd(&s, "big", 1, "600@0 600@0");
    simAdd(&s, "small", 2, "200@1 200@1 200@1");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(pins(&out), 2);
    assert_string_equal(out.actions[0].domain, "big");
    assert_string_equal(out.actions[1].domain, "small");
    assert_int_equal(simCpuLoad(&s, 0), 800);
    assert_int_equal(simCpuLoad(&s, 1), 1000);
    assert_int_equal(simQuietRounds(&s, 10), 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_more_vcpus_than_pcpus_still_balances(void **state)
{
    sim s;

    (void)state;
    simInit(&s, 1, 1, 1, 2, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 1, "300@0 300@0 300@0 300@0 300@0 300@0");
    simAdd(&s, "b", 2, "100@0-1 100@0-1 100@0-1");
    assert_in_range(simConverge(&s, 5), 1, 2);
    /* 2.1 pCPUs of load: within one vcpu's 0.3 of even, the swap that would
     * do better gains only the hysteresis */
    assert_int_equal(simCpuLoad(&s, 0) + simCpuLoad(&s, 1), 2100);
    assert_in_range(simCpuLoad(&s, 0), 900, 1200);
    assert_int_equal(simQuietRounds(&s, 20), 0);
    simFree(&s);
}

static void
test_reserved_cpus_are_vacated_and_never_used(void **state)
{
    xvPolicyActionList out = { 0 };
    size_t i;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_SPREAD);
    cpuList("0-1", s.cfg.reserved, sizeof(s.cfg.reserved));
    simAdd(&s, "a", 1, "500@0 500@1 500@0-7");
    simAdd(&s, "b", 2, "500@5 500@5");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(pins(&out), 4);
    for (i = 0; i < out.n; i++) {
        assert_int_equal(out.actions[i].newMap[0] & 0x03, 0);
        assert_int_equal(mapCount(out.actions[i].newMap, 1), 1);
    }
    assert_string_equal(out.actions[0].reason, "reserved");
    assert_string_equal(out.actions[1].reason, "reserved");
    assert_string_equal(out.actions[2].reason, "reserved");     /* 0-7 includes 0-1 */
    assert_string_equal(out.actions[3].reason, "imbalance");
    assert_int_equal(simCpuLoad(&s, 0) + simCpuLoad(&s, 1), 0);
    assert_int_equal(simQuietRounds(&s, 10), 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_unpinned_vcpus_are_placed_with_reason_unpinned(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 1, "100@0-1");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.actions[0].reason, "unpinned");
    assert_int_equal(mapCount(out.actions[0].newMap, 1), 1);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_no_allowed_cpu_gives_up_once_per_domain_and_boot(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 2, XV_AUTOPIN_SPREAD);
    cpuList("0-3", s.cfg.reserved, sizeof(s.cfg.reserved));
    simAdd(&s, "a", 1, "900@0 900@0");
    simAdd(&s, "b", 2, "900@0");
    /* said at the first run already (no previous snapshot needed) */
    simRound(&s, &out);
    assert_int_equal(out.n, 2);
    assert_true(out.actions[0].giveUp);
    assert_string_equal(out.actions[0].domain, "a");
    assert_string_equal(out.actions[0].reason, "no_allowed_cpu");
    assert_int_equal(out.actions[0].vcpu, -1);
    assert_int_equal(out.actions[0].newMap[0], 0x01);
    assert_string_equal(out.actions[1].domain, "b");
    /* not again */
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    /* a new boot of b (new ID) is a new domain to say it of */
    simFind(&s, "b")->id = 5;
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.actions[0].domain, "b");
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_cpus_past_the_active_ones_are_never_used(void **state)
{
    xvPolicyActionList out = { 0 };
    size_t i;
    sim s;

    (void)state;
    /* 8 pCPUs in the topology, 3 active: 0-2 only */
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_SPREAD);
    s.node.cpus = 3;
    simAdd(&s, "a", 1, "500@0 500@0 500@0 500@7");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(pins(&out), 2);
    assert_int_equal(out.actions[1].vcpu, 3);     /* on pCPU 7: inactive */
    assert_string_equal(out.actions[1].reason, "unpinned");
    for (i = 0; i < out.n; i++)
        assert_int_equal(out.actions[i].newMap[0] & 0xf8, 0);
    /* everything reserved but CPUs that are not active: nothing allowed */
    xvPolicyActionListClear(&out);
    simFree(&s);
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_SPREAD);
    s.node.cpus = 3;
    cpuList("0-2", s.cfg.reserved, sizeof(s.cfg.reserved));
    simAdd(&s, "a", 1, "500@0");
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.actions[0].reason, "no_allowed_cpu");
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_offline_vcpus_are_left_alone(void **state)
{
    xvPolicyActionList out = { 0 };
    size_t i;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 1, "800@0 off@0-1 800@0");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(pins(&out), 1);
    for (i = 0; i < out.n; i++)
        assert_int_not_equal(out.actions[i].vcpu, 1);
    assert_int_equal(mapCount(simFind(&s, "a")->map[1], 8), 2);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_domain_without_vcpu_data_or_not_running_is_skipped(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
    simAdd(&s, "nodata", 1, "900@0 900@0")->vcpusOk = false;
    simAdd(&s, "crashed", 2, "900@0 900@0 900@0")->state = VIR_DOMAIN_CRASHED;
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_unselected_domains_count_as_load_but_never_move(void **state)
{
    char *names[] = { "web*" };
    xvPolicyActionList out = { 0 };
    size_t i;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
    s.common.domains.names = names;
    s.common.domains.nnames = 1;
    simAdd(&s, "Domain-0", 0, "900@0");
    simAdd(&s, "other", 3, "900@1 900@1");
    simAdd(&s, "web1", 1, "500@0 500@1");
    simRound(&s, &out);
    simRound(&s, &out);
    /* pCPU 0 has Domain-0's 0.9 and 0.5; pCPU 1 has 1.8 and 0.5: web1 must
     * not join either side more, and nothing else moves */
    for (i = 0; i < out.n; i++)
        assert_string_equal(out.actions[i].domain, "web1");
    assert_int_equal(pins(&out), 1);
    assert_int_equal(out.actions[0].vcpu, 1);
    assert_int_equal(out.actions[0].newMap[0], 0x01);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_no_previous_snapshot_or_new_boot_means_no_decision(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 1, "900@0 900@0");
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    /* a restart between the two: no deltas for this boot */
    simFind(&s, "a")->id = 2;
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    /* two snapshots with the same time: no load to compare */
    xvPolicyActionListClear(&out);
    s.nowNs -= STEP_NS;
    simFind(&s, "a")->map[0][0] = 0x01;
    simFind(&s, "a")->map[1][0] = 0x01;
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_same_pictures_give_the_same_actions_in_domain_and_vcpu_order(void **state)
{
    xvPolicyActionList a = { 0 }, b = { 0 };
    xvSnapshot *prev, *snap;
    size_t i;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_SPREAD);
    simAdd(&s, "zeta", 1, "500@0 500@0 500@0");
    simAdd(&s, "alpha", 2, "500@0 500@0 500@0");
    prev = simSnapshot(&s);
    s.nowNs += STEP_NS;
    for (i = 0; i < 3; i++) {
        s.doms[0].cpuNs[i] += 500 * (STEP_NS / 1000);
        s.doms[1].cpuNs[i] += 500 * (STEP_NS / 1000);
    }
    snap = simSnapshot(&s);
    decide(prev, snap, &all, &s.cfg, &a);
    decide(prev, snap, &all, &s.cfg, &b);
    assert_int_equal(a.n, 5);
    assert_int_equal(a.n, b.n);
    for (i = 0; i < a.n; i++) {
        assert_string_equal(a.actions[i].domain, b.actions[i].domain);
        assert_int_equal(a.actions[i].vcpu, b.actions[i].vcpu);
        assert_memory_equal(a.actions[i].newMap, b.actions[i].newMap, 1);
    }
    /* ties between equal vcpus go to the first domain by name, lowest vcpu */
    assert_string_equal(a.actions[0].domain, "alpha");
    assert_int_equal(a.actions[0].vcpu, 0);
    assert_string_equal(a.actions[a.n - 1].domain, "zeta");
    for (i = 1; i < a.n; i++) {
        int c = strcmp(a.actions[i - 1].domain, a.actions[i].domain);

        assert_true(c < 0 || (c == 0 && a.actions[i - 1].vcpu < a.actions[i].vcpu));
    }
    xvPolicyActionListClear(&a);
    xvPolicyActionListClear(&b);
    xvSnapshotUnref(prev);
    xvSnapshotUnref(snap);
    simFree(&s);
}

static void
test_cap_per_interval_bounds_the_moves_and_it_still_converges(void **state)
{
    xvPolicyActionList out = { 0 };
    unsigned int rounds = 0;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_SPREAD);
    s.common.maxActionsPerInterval = 2;
    simAdd(&s, "a", 1, "700@0 700@0 700@0 700@0 700@0 700@0 700@0 700@0");
    simRound(&s, &out);
    do {
        simRound(&s, &out);
        assert_true(out.n <= 2);
        rounds++;
    } while (out.n > 0 && rounds < 20);
    assert_in_range(rounds, 4, 6);
    assert_int_equal(simMaxLoad(&s, 0, 7), 700);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

/* ---- pack -------------------------------------------------------------------------- */

static void
test_pack_fills_the_lowest_pcpus_up_to_the_limit_less_hysteresis(void **state)
{
    sim s;

    (void)state;
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_PACK);
    simAdd(&s, "a", 1, "200@0 200@1 200@2 200@3 200@4 200@5");
    simAdd(&s, "idle", 2, "0@7 0@6");
    assert_in_range(simConverge(&s, 5), 1, 2);
    /* 80% less 10% hysteresis: three 0.2 vcpus per pCPU; the idle ones first */
    assert_int_equal(simCpuLoad(&s, 0), 600);
    assert_int_equal(simCpuLoad(&s, 1), 600);
    assert_int_equal(simMaxLoad(&s, 2, 7), 0);
    assert_int_equal(pinnedTo(&s, "idle", 0), 0);
    assert_int_equal(pinnedTo(&s, "idle", 1), 0);
    s.jitter = 30;
    assert_int_equal(simQuietRounds(&s, 100), 0);
    simFree(&s);
}

static void
test_pack_relieves_an_overloaded_pcpu(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 1, XV_AUTOPIN_PACK);
    simAdd(&s, "a", 1, "400@0 400@0 400@0");
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(pins(&out), 1);
    assert_string_equal(out.actions[0].reason, "pack");
    assert_int_equal(simCpuLoad(&s, 0), 800);
    assert_int_equal(simCpuLoad(&s, 1), 400);
    assert_int_equal(simQuietRounds(&s, 10), 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

/* ---- numa -------------------------------------------------------------------------- */

/* The node of every vcpu of @name, -1 if they are not all on exactly one node's pCPUs. */
static int
simDomNode(const sim *s, const char *name, int cpusPerNode)
{
    const simDom *d = simFind((sim *)s, name);
    unsigned char want[8];
    int node = -1, cpu;
    size_t k;

    for (k = 0; k < d->nvcpus; k++) {
        int n = firstCpu(d->map[k], sizeof(d->map[k])) / cpusPerNode;

        if (node >= 0 && n != node)
            return -1;
        node = n;
    }
    memset(want, 0, sizeof(want));
    for (cpu = node * cpusPerNode; cpu < (node + 1) * cpusPerNode; cpu++)
        want[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
    for (k = 0; k < d->nvcpus; k++) {
        if (memcmp(d->map[k], want, (size_t)s->maplen) != 0)
            return -1;
    }
    return node;
}

static void
test_numa_keeps_each_domain_in_one_node_and_balances_the_nodes(void **state)
{
    unsigned int node0, node1;
    sim s;

    (void)state;
    /* 2 nodes of 4 pCPUs (2 cores of 2 threads) */
    simInit(&s, 2, 1, 2, 2, XV_AUTOPIN_NUMA);
    simAdd(&s, "a", 1, "900@0 900@0");
    simAdd(&s, "b", 2, "900@0 900@0");
    simAdd(&s, "c", 3, "500@0-7 500@0-7");
    simAdd(&s, "d", 4, "500@1 500@6");
    /* a and b stay in node 0 where they are, c and d go to node 1, then
     * a and c swap nodes: 2.8 pCPUs of load in each */
    assert_in_range(simConverge(&s, 6), 1, 3);
    assert_true(simDomNode(&s, "a", 4) >= 0);
    assert_true(simDomNode(&s, "b", 4) >= 0);
    assert_true(simDomNode(&s, "c", 4) >= 0);
    assert_true(simDomNode(&s, "d", 4) >= 0);
    node0 = simCpuLoad(&s, 0) + simCpuLoad(&s, 1) + simCpuLoad(&s, 2) + simCpuLoad(&s, 3);
    node1 = simCpuLoad(&s, 4) + simCpuLoad(&s, 5) + simCpuLoad(&s, 6) + simCpuLoad(&s, 7);
    assert_int_equal(node0, 2800);
    assert_int_equal(node1, 2800);
    assert_int_not_equal(simDomNode(&s, "a", 4), simDomNode(&s, "b", 4));
    s.jitter = 30;
    assert_int_equal(simQuietRounds(&s, 100), 0);
    simFree(&s);
}

static void
test_numa_moves_one_domain_per_interval_with_reason_numa(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 2, 1, 2, 1, XV_AUTOPIN_NUMA);
    simAdd(&s, "a", 1, "900@0-1 900@0-1");
    simAdd(&s, "b", 2, "900@0-1 900@0-1");
    simAdd(&s, "c", 3, "900@0-1 900@0-1");
    simRound(&s, &out);
    simRound(&s, &out);
    /* all three are homed on node 0 already: one moves to node 1 */
    assert_int_equal(out.n, 2);
    assert_string_equal(out.actions[0].domain, out.actions[1].domain);
    assert_string_equal(out.actions[0].reason, "numa");
    assert_int_equal(out.actions[0].newMap[0], 0x0c);
    simRound(&s, &out);
    assert_int_equal(out.n, 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_numa_domain_larger_than_any_node_is_refused_once(void **state)
{
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 2, 1, 1, 2, XV_AUTOPIN_NUMA);
    simAdd(&s, "huge", 1, "500@0-3 500@0-3 500@0-3");
    simAdd(&s, "small", 2, "500@0-3");
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    assert_true(out.actions[0].giveUp);
    assert_string_equal(out.actions[0].domain, "huge");
    assert_string_equal(out.actions[0].reason, "no_fit");
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    assert_false(out.actions[0].giveUp);
    assert_string_equal(out.actions[0].domain, "small");
    assert_int_equal(mapCount(simFind(&s, "huge")->map[0], 8), 4);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

/* ---- dedicated --------------------------------------------------------------------- */

static void
test_dedicated_gives_each_vcpu_its_own_pcpu_whole_cores_first(void **state)
{
    xvPolicyActionList out = { 0 };
    int used[8] = { 0 };
    size_t i, k;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 4, 2, XV_AUTOPIN_DEDICATED);
    cpuList("0-1", s.cfg.reserved, sizeof(s.cfg.reserved));
    simAdd(&s, "rt1", 1, "100@0-7 100@0-7");
    simAdd(&s, "rt2", 2, "100@0-7 100@0-7");
    simAdd(&s, "rt3", 3, "100@0-7 100@0-7");
    simAdd(&s, "rt4", 4, "100@0-7");
    simRound(&s, &out);
    /* 6 free pCPUs: rt4 (name order, last) does not fit: said once */
    assert_int_equal(out.n, 1);
    assert_string_equal(out.actions[0].domain, "rt4");
    assert_string_equal(out.actions[0].reason, "no_fit");
    simRound(&s, &out);
    assert_int_equal(pins(&out), 6);
    assert_int_equal(out.n, 6);
    assert_string_equal(out.actions[0].reason, "reserved");
    /* rt1 first: one thread of each of two free cores */
    assert_int_equal(pinnedTo(&s, "rt1", 0), 2);
    assert_int_equal(pinnedTo(&s, "rt1", 1), 4);
    for (i = 0; i < 3; i++) {
        for (k = 0; k < 2; k++) {
            char name[8];

            snprintf(name, sizeof(name), "rt%zu", i + 1);
            assert_true(pinnedTo(&s, name, k) >= 2);
            used[pinnedTo(&s, name, k)]++;
        }
    }
    for (i = 2; i < 8; i++)
        assert_int_equal(used[i], 1);
    assert_int_equal(mapCount(simFind(&s, "rt4")->map[0], 8), 8);
    assert_int_equal(simQuietRounds(&s, 20), 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

static void
test_dedicated_keeps_placements_and_avoids_pcpus_pinned_by_others(void **state)
{
    char *names[] = { "rt*" };
    xvPolicyActionList out = { 0 };
    sim s;

    (void)state;
    simInit(&s, 1, 1, 2, 2, XV_AUTOPIN_DEDICATED);
    s.common.domains.names = names;
    s.common.domains.nnames = 1;
    simAdd(&s, "other", 5, "900@0-1");      /* pinned by hand: 0 and 1 are taken */
    simAdd(&s, "rt1", 1, "100@3 100@3");    /* vcpu 0 keeps 3; vcpu 1 needs another */
    simAdd(&s, "web", 6, "900@0-3");        /* not pinned: takes nothing */
    simRound(&s, &out);
    simRound(&s, &out);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.actions[0].domain, "rt1");
    assert_int_equal(out.actions[0].vcpu, 1);
    assert_string_equal(out.actions[0].reason, "dedicated");
    assert_int_equal(out.actions[0].newMap[0], 0x04);
    assert_int_equal(pinnedTo(&s, "rt1", 0), 3);
    assert_int_equal(simQuietRounds(&s, 5), 0);
    xvPolicyActionListClear(&out);
    simFree(&s);
}

/* ---- helpers: parsing, topology, loads ------------------------------------------------- */

static void
test_cpu_list_parser_is_strict_with_offsets(void **state)
{
    static const struct {
        const char *text;
        size_t offset;
        const char *msg;
    } bad[] = {
        { "", 0, "expected a CPU list like 0-1,4, got ''" },
        { "0-1,,4", 4, "expected a CPU list like 0-1,4, got '0-1,,4'" },
        { "0-1,", 4, "expected a CPU list like 0-1,4, got '0-1,'" },
        { "0 ,1", 1, "expected a CPU list like 0-1,4, got '0 ,1'" },
        { "^2", 0, "expected a CPU list like 0-1,4, got '^2'" },
        { "1-", 2, "expected a CPU list like 0-1,4, got '1-'" },
        { "x", 0, "expected a CPU list like 0-1,4, got 'x'" },
        { "4096", 0, "CPU 4096 is out of range 0..4095" },
        { "1,2-99999999999999999999", 4,
          "CPU 99999999999999999999 is out of range 0..4095" },
        { "5-3", 0, "CPU range 5-3 goes backwards" },
    };
    unsigned char map[XV_AUTOPIN_MAX_CPUS / 8];
    size_t i, offset;
    char *msg;

    (void)state;
    assert_int_equal(xvAutopinParseCpuList("0-2,5,4095", map, &offset, &msg), 0);
    assert_int_equal(map[0], 0x27);
    assert_int_equal(map[511], 0x80);
    assert_int_equal(map[1], 0);
    assert_int_equal(xvAutopinParseCpuList("7", map, &offset, &msg), 0);
    assert_int_equal(map[0], 0x80);
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        msg = NULL;
        assert_int_equal(xvAutopinParseCpuList(bad[i].text, map, &offset, &msg), -EINVAL);
        assert_string_equal(msg, bad[i].msg);
        assert_int_equal(offset, bad[i].offset);
        free(msg);
    }
}

static void
test_percent_parser_takes_one_decimal_at_most(void **state)
{
    static const char *const bad[] = { "10", "%", "1000%", "1.25%", "1.%", "-1%", "10 %", "" };
    unsigned int v = 0;
    size_t i;

    (void)state;
    assert_int_equal(xvAutopinParsePercent("10%", &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(xvAutopinParsePercent("12.5%", &v), 0);
    assert_int_equal(v, 125);
    assert_int_equal(xvAutopinParsePercent("0%", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(xvAutopinParsePercent("100%", &v), 0);
    assert_int_equal(v, 1000);
    for (i = 0; i < XV_N_ELEMENTS(bad); i++)
        assert_int_equal(xvAutopinParsePercent(bad[i], &v), -EINVAL);
}

static void
test_cpu_numbering_is_nodes_sockets_cores_threads(void **state)
{
    virNodeInfo node = { .nodes = 2, .sockets = 2, .cores = 4, .threads = 2 };
    xvAutopinCpuTopo t;

    (void)state;
    xvAutopinCpuTopology(&node, 0, &t);
    assert_int_equal(t.node + t.socket + t.core + t.thread + t.coreId, 0);
    xvAutopinCpuTopology(&node, 1, &t);
    assert_int_equal(t.thread, 1);
    assert_int_equal(t.coreId, 0);
    xvAutopinCpuTopology(&node, 2, &t);
    assert_int_equal(t.core, 1);
    assert_int_equal(t.coreId, 1);
    xvAutopinCpuTopology(&node, 8, &t);
    assert_int_equal(t.socket, 1);
    assert_int_equal(t.node, 0);
    xvAutopinCpuTopology(&node, 17, &t);
    assert_int_equal(t.node, 1);
    assert_int_equal(t.socket, 0);
    assert_int_equal(t.core, 0);
    assert_int_equal(t.thread, 1);
    assert_int_equal(t.coreId, 8);
    /* past the topology: the last node; zeros count as one */
    xvAutopinCpuTopology(&node, 40, &t);
    assert_int_equal(t.node, 1);
    node = (virNodeInfo){ .cpus = 4 };
    xvAutopinCpuTopology(&node, 3, &t);
    assert_int_equal(t.node, 0);
    assert_int_equal(t.coreId, 3);
}

static void
test_usable_cpus_never_pass_the_active_cpus_or_the_maps(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();

    (void)state;
    assert_int_equal(xvAutopinUsableCpus(snap), 0);
    snap->nodeOk = true;
    snap->node.cpus = 12;
    assert_int_equal(xvAutopinUsableCpus(snap), 0);     /* no maps */
    snap->maplen = 2;
    assert_int_equal(xvAutopinUsableCpus(snap), 12);
    snap->maplen = 1;
    assert_int_equal(xvAutopinUsableCpus(snap), 8);
    snap->maplen = 1024;
    snap->node.cpus = 8192;
    assert_int_equal(xvAutopinUsableCpus(snap), 4096);
    xvSnapshotUnref(snap);
}

static void
test_vcpu_load_is_the_cpu_time_delta_over_the_interval(void **state)
{
    xvSnapshot *prev, *snap;
    xvPolicyInput in = { 0 };
    int64_t load = -1;
    sim s;

    (void)state;
    simInit(&s, 1, 1, 1, 1, XV_AUTOPIN_SPREAD);
    simAdd(&s, "a", 1, "0@0 0@0 0@0");
    prev = simSnapshot(&s);
    s.nowNs += 2 * STEP_NS;
    s.doms[0].cpuNs[0] += STEP_NS / 2;          /* a quarter of 2 s */
    s.doms[0].cpuNs[1] += 3 * STEP_NS;          /* more than the time: at most one */
    s.doms[0].cpuNs[2] -= 1;                    /* backwards: none */
    snap = simSnapshot(&s);
    in.snap = snap;
    assert_false(xvAutopinVcpuLoad(&in, &snap->domains[0], 0, &load));
    in.prev = prev;
    assert_true(xvAutopinVcpuLoad(&in, &snap->domains[0], 0, &load));
    assert_int_equal(load, 250000);
    assert_true(xvAutopinVcpuLoad(&in, &snap->domains[0], 1, &load));
    assert_int_equal(load, XV_AUTOPIN_LOAD_ONE);
    assert_true(xvAutopinVcpuLoad(&in, &snap->domains[0], 2, &load));
    assert_int_equal(load, 0);
    /* no time between the two */
    in.prev = snap;
    assert_false(xvAutopinVcpuLoad(&in, &snap->domains[0], 0, &load));
    xvSnapshotUnref(prev);
    xvSnapshotUnref(snap);
    simFree(&s);
}

#define HEAD "policies:\n  - name: p\n    type: autopin\n"

static void
test_keys_are_validated_with_file_line_and_column(void **state)
{
    static const struct {
        const char *yaml;
        const char *msg;
    } cases[] = {
        { HEAD "    strategy: balanced\n",
          "agent.yaml:4:15: unknown strategy 'balanced' (expected one of: spread, pack, "
          "numa, dedicated)" },
        { HEAD "    strategy: [spread]\n",
          "agent.yaml:4:15: expected a non-empty string, got a sequence" },
        { HEAD "    reserved_cpus: 0-1,,4\n",
          "agent.yaml:4:24: expected a CPU list like 0-1,4, got '0-1,,4'" },
        { HEAD "    reserved_cpus: \"0-3,8x\"\n",
          "agent.yaml:4:26: expected a CPU list like 0-1,4, got '0-3,8x'" },
        { HEAD "    reserved_cpus: 0-4096\n",
          "agent.yaml:4:22: CPU 4096 is out of range 0..4095" },
        { HEAD "    reserved_cpus: 7-3\n",
          "agent.yaml:4:20: CPU range 7-3 goes backwards" },
        { HEAD "    hysteresis: 10\n",
          "agent.yaml:4:17: expected a percentage like 10%, got '10'" },
        { HEAD "    hysteresis: 150%\n",
          "agent.yaml:4:17: hysteresis 150% is out of range 0%..100%" },
        { HEAD "    strategy: pack\n    pack_limit: 0%\n",
          "agent.yaml:5:17: pack_limit 0% is out of range 1%..100%" },
        { HEAD "    pack_limit: 70%\n",
          "agent.yaml:4:5: pack_limit is only used by strategy pack, not spread" },
        { HEAD "    strategy: dedicated\n    hysteresis: 5%\n",
          "agent.yaml:5:5: hysteresis is not used by strategy dedicated" },
        { HEAD "    strategy: spread\n    spread: true\n",
          "agent.yaml:5:5: unknown key 'spread' in 'policies' (expected one of: name, type, "
          "enabled, dry_run, domains, max_actions_per_interval, min_action_interval, "
          "strategy, reserved_cpus, hysteresis, pack_limit)" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *msg = xvPolicyTestParseError(cases[i].yaml);

        assert_non_null(msg);
        assert_string_equal(msg, cases[i].msg);
        free(msg);
    }
    assert_null(xvPolicyTestParseError(HEAD "    strategy: pack\n    reserved_cpus: \"0\"\n"
                           "    hysteresis: 2.5%\n    pack_limit: 100%\n"
                           "    max_actions_per_interval: 4\n    min_action_interval: 1m\n"));
    assert_null(xvPolicyTestParseError(HEAD "    strategy:\n    reserved_cpus: ~\n"));
}

static void
test_parsed_config_holds_the_values_and_defaults(void **state)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvAutopinConfig *cfg = NULL;
    const xvConfNode *entry;

    (void)state;
    assert_int_equal(xvAgentConfLoadString("agent.yaml", HEAD "    strategy: numa\n"
                                           "    reserved_cpus: 0-1,4\n    hysteresis: 12.5%\n",
                                           &conf, &err), 0);
    entry = conf->policies[0].node;
    assert_int_equal(xvPolicyAutopin.parse(entry, conf->file, (void **)&cfg, &err), 0);
    assert_int_equal(cfg->strategy, XV_AUTOPIN_NUMA);
    assert_int_equal(cfg->reserved[0], 0x13);
    assert_int_equal(cfg->hysteresis, 125);
    assert_int_equal(cfg->packLimit, XV_AUTOPIN_DEFAULT_PACK_LIMIT);
    xvPolicyAutopin.free(cfg);
    xvAgentConfFree(conf);
    assert_int_equal(xvAgentConfLoadString("agent.yaml", HEAD, &conf, &err), 0);
    assert_int_equal(xvPolicyAutopin.parse(conf->policies[0].node, conf->file, (void **)&cfg,
                                           &err), 0);
    assert_int_equal(cfg->strategy, XV_AUTOPIN_SPREAD);
    assert_int_equal(cfg->hysteresis, XV_AUTOPIN_DEFAULT_HYSTERESIS);
    assert_int_equal(cfg->reserved[0], 0);
    assert_string_equal(xvAutopinStrategyName(cfg->strategy), "spread");
    assert_null(xvAutopinStrategyName(XV_AUTOPIN_LAST));
    xvPolicyAutopin.free(cfg);
    xvAgentConfFree(conf);
}

/* ---- engine runs on the test driver (tests/data/policy/autopin-unit.xml) ------------------- */

/*
 * a (ID 1) and b (ID 2) of the node file and, with @ghost, "ghost" (ID 3),
 * which the node does not have: vcpu i (a0 a1 b0 b1 ghost0 ghost1) at
 * @loads[i] per mille of each second up to @t (s), on the pCPUs of @maps[i].
 */
static xvSnapshot *
unitSnapshot(unsigned int t, const unsigned int loads[6], const unsigned char maps[6],
             bool ghost)
{
    static const char *const names[] = { "a", "b", "ghost" };
    xvSnapshot *snap = xvSnapshotNew();
    size_t i, k;

    snap->connected = true;
    snap->nodeOk = true;
    snap->node = (virNodeInfo){ .cpus = 4, .nodes = 1, .sockets = 1, .cores = 2, .threads = 2 };
    snap->maplen = 1;
    snap->timestampNs = (uint64_t)t * STEP_NS;
    for (i = 0; i < (ghost ? 3u : 2u); i++) {
        xvSnapDomain *d = xvSnapshotAddDomain(snap);
        xvSnapVcpu *v;

        d->name = strdup(names[i]);
        d->id = (int)i + 1;
        d->state = VIR_DOMAIN_RUNNING;
        snprintf(d->uuidstr, sizeof(d->uuidstr), "a0000000-0000-4000-8000-00000000000%zu",
                 i + 1);
        memcpy(d->uuid, "\xa0\0\0\0\0\0\x40\0\x80\0\0\0\0\0\0", 15);
        d->uuid[15] = (unsigned char)(i + 1);
        d->vcpusOk = true;
        v = xvSnapshotAddVcpus(snap, d, 2);
        for (k = 0; k < 2; k++) {
            v[k].number = (unsigned int)k;
            v[k].state = VIR_VCPU_RUNNING;
            v[k].cpuTimeNs = (uint64_t)t * loads[i * 2 + k] * (STEP_NS / 1000);
            v[k].cpu = firstCpu(&maps[i * 2 + k], 1);
            *xvSnapshotVcpuMap(snap, d->firstVcpu + k) = maps[i * 2 + k];
        }
    }
    xvSnapshotFinish(snap);
    return snap;
}

/* The policy "pin" (autopin, @keys added) acting on the node file. */
static xvPolicySet *
unitSet(const char *keys, char **retURI)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvPolicySet *set = NULL;
    char *yaml = NULL;

    assert_true(asprintf(&yaml, "connection:\n  uri: \"%s\"\npolicies:\n  - name: pin\n"
                         "    type: autopin\n%s", xvTestNodeURI("policy/autopin-unit.xml"),
                         keys) > 0);
    assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    assert_int_equal(xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs,
                                      &set, &err), 0);
    *retURI = strdup(conf->uri);
    xvAgentConfFree(conf);
    free(yaml);
    return set;
}

static xvPolicyEngine *
engineWith(const char *keys)
{
    xvPolicyEngine *engine = xvPolicyEngineNew(NULL);
    char *uri = NULL;
    xvPolicySet *set = unitSet(keys, &uri);

    xvPolicyEngineConfigure(engine, set, uri, false);
    free(uri);
    return engine;
}

/* The pin counter of @result of the policy "pin" in the last run's report (0: none). */
static uint64_t
counterOf(xvPolicyResult result)
{
    const xvPolicyReport *r = xvPolicyTestReport();
    size_t i;

    for (i = 0; r && i < r->ncounters; i++) {
        if (r->counters[i].result == result && r->counters[i].action == XV_POLICY_ACTION_PIN &&
            strcmp(r->counters[i].policy, "pin") == 0)
            return r->counters[i].count;
    }
    return 0;
}

/* Runs the engine at @t (s) on a snapshot of it; returns the snapshot (to unref). */
static xvSnapshot *
runAt(xvPolicyEngine *engine, unsigned int t, const unsigned int loads[6],
      const unsigned char maps[6], bool ghost)
{
    xvSnapshot *snap = unitSnapshot(t, loads, maps, ghost);

    xvPolicyTestRun(engine, snap, NOW + (uint64_t)t * 1000);
    return snap;
}

/* The affinity of @name's @vcpu on the node, through a connection of our own
 * (the same simulated node while the actuator's connection is open). */
static unsigned char
nodeMap(const char *name, unsigned int vcpu)
{
    virConnectPtr conn = virConnectOpenReadOnly(xvTestNodeURI("policy/autopin-unit.xml"));
    virDomainPtr dom;
    virVcpuInfo info[2];
    unsigned char maps[2] = { 0 };

    assert_non_null(conn);
    assert_non_null(dom = virDomainLookupByName(conn, name));
    assert_int_equal(virDomainGetVcpus(dom, info, 2, maps, 1), 2);
    /* the vcpu runs inside its affinity */
    assert_int_equal(info[vcpu].cpu, firstCpu(&maps[vcpu], 1));
    virDomainFree(dom);
    virConnectClose(conn);
    return maps[vcpu];
}

static void
test_engine_pins_through_the_actuator_and_counts_ok(void **state)
{
    static const unsigned int loads[6] = { 900, 900, 100, 100 };
    static const unsigned char maps[6] = { 0x01, 0x01, 0x02, 0x02 };
    xvPolicyEngine *engine = engineWith("");
    xvSnapshot *snap;

    (void)state;
    snap = runAt(engine, 10, loads, maps, false);
    assert_non_null(xvPolicyTestReport());              /* a report, no counter yet */
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
    xvSnapshotUnref(snap);
    snap = runAt(engine, 11, loads, maps, false);
    /* a's vcpus split over both cores: vcpu 0 moves to pCPU 2 */
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 0);
    assert_int_equal(nodeMap("a", 0), 0x04);
    assert_int_equal(nodeMap("a", 1), 0x01);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

/* Runs the engine like runAt() with the log (stderr) captured; returns the
 * snapshot and, in *@log, what was logged (to free). */
static xvSnapshot *
runAtLogged(xvPolicyEngine *engine, unsigned int t, const unsigned int loads[6],
            const unsigned char maps[6], char **log)
{
    xvSnapshot *snap;

    xvTestStderrBegin();
    snap = runAt(engine, t, loads, maps, false);
    *log = xvTestStderrEnd();
    return snap;
}

static void
test_engine_counts_a_failed_pin_and_backs_off(void **state)
{
    static const unsigned int loads[6] = { 100, 100, 900, 900 };
    static const unsigned char maps[6] = { 0x04, 0x08, 0x01, 0x01 };
    xvPolicyEngine *engine = engineWith("");
    xvSnapshot *snap;
    char *log;

    (void)state;
    xvSnapshotUnref(runAt(engine, 10, loads, maps, false));
    /* b's pin fails (an injected fault): counted, the node unchanged, the
     * log says why (the call's own error, read before the handle goes) */
    snap = runAtLogged(engine, 11, loads, maps, &log);
    assert_non_null(strstr(log, "result=failed"));
    assert_non_null(strstr(log, ": virDomainPinVcpu: operation failed: injected fault: "
                                "virDomainPinVcpu failed "
                                "for domain 'b'\n"));
    free(log);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
    assert_int_equal(nodeMap("b", 0), 0x01);
    assert_int_equal(nodeMap("b", 1), 0x01);
    xvSnapshotUnref(snap);
    /* the same decision 5 s later: refused, backing off 10 s */
    snap = runAt(engine, 16, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_RATE_LIMITED), 1);
    xvSnapshotUnref(snap);
    /* tried again once the back-off is over; now 20 s */
    snap = runAt(engine, 21, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 2);
    xvSnapshotUnref(snap);
    snap = runAt(engine, 40, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 2);
    assert_int_equal(counterOf(XV_POLICY_RESULT_RATE_LIMITED), 2);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_sighup_clears_the_back_off_of_a_failed_pin(void **state)
{
    static const unsigned int loads[6] = { 100, 100, 900, 900 };
    static const unsigned char maps[6] = { 0x04, 0x08, 0x01, 0x01 };
    xvPolicyEngine *engine = engineWith("");
    xvSnapshot *snap;
    xvPolicySet *set;
    char *uri = NULL;

    (void)state;
    xvSnapshotUnref(runAt(engine, 10, loads, maps, false));
    snap = runAt(engine, 11, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    xvSnapshotUnref(snap);
    /* a reload that is not a SIGHUP keeps the 10 s back-off */
    set = unitSet("", &uri);
    xvPolicyEngineConfigure(engine, set, uri, false);
    free(uri);
    xvSnapshotUnref(runAt(engine, 12, loads, maps, false));
    snap = runAt(engine, 13, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_RATE_LIMITED), 1);
    xvSnapshotUnref(snap);
    /* the operator's SIGHUP clears it: tried again at once */
    set = unitSet("", &uri);
    xvPolicyEngineConfigure(engine, set, uri, true);
    free(uri);
    xvSnapshotUnref(runAt(engine, 14, loads, maps, false));
    snap = runAt(engine, 15, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 2);
    assert_int_equal(counterOf(XV_POLICY_RESULT_RATE_LIMITED), 1);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_counts_a_vanished_domain_as_skipped(void **state)
{
    static const unsigned int loads[6] = { 0, 0, 0, 0, 300, 300 };
    static const unsigned char maps[6] = { 0x01, 0x04, 0x02, 0x08, 0x0f, 0x0f };
    xvPolicyEngine *engine = engineWith("    domains:\n      names: [ghost]\n");
    xvSnapshot *snap;

    (void)state;
    /* ghost is in the pictures, not on the node: it vanished between the
     * decision and the action; its two unpinned vcpus are skipped */
    xvSnapshotUnref(runAt(engine, 10, loads, maps, true));
    snap = runAt(engine, 11, loads, maps, true);
    assert_int_equal(counterOf(XV_POLICY_RESULT_SKIPPED), 2);
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 0);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_dry_run_counts_dry_run_and_touches_nothing(void **state)
{
    static const unsigned int loads[6] = { 900, 900, 100, 100 };
    static const unsigned char maps[6] = { 0x01, 0x01, 0x02, 0x02 };
    xvPolicyEngine *engine = engineWith("    dry_run: true\n");
    xvSnapshot *snap;

    (void)state;
    xvSnapshotUnref(runAt(engine, 10, loads, maps, false));
    snap = runAt(engine, 11, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
    xvSnapshotUnref(snap);
    /* nothing changed, so the same is counted again */
    snap = runAt(engine, 12, loads, maps, false);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 2);
    assert_int_equal(nodeMap("a", 0), 0x01);
    assert_int_equal(nodeMap("a", 1), 0x01);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_counts_a_give_up_once_and_again_after_a_reload(void **state)
{
    static const unsigned int loads[6] = { 900, 900, 100, 100 };
    static const unsigned char maps[6] = { 0x01, 0x01, 0x02, 0x02 };
    xvPolicyEngine *engine = engineWith("    reserved_cpus: 0-3\n");
    xvSnapshot *snap;
    xvPolicySet *set;
    unsigned int t;
    char *uri = NULL;

    (void)state;
    for (t = 10; t < 15; t++) {
        snap = runAt(engine, t, loads, maps, false);
        assert_int_equal(counterOf(XV_POLICY_RESULT_GAVE_UP), 2);
        assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
        xvSnapshotUnref(snap);
    }
    set = unitSet("    reserved_cpus: 0-3\n", &uri);
    xvPolicyEngineConfigure(engine, set, uri, true);
    free(uri);
    for (; t < 18; t++) {
        snap = runAt(engine, t, loads, maps, false);
        assert_int_equal(counterOf(XV_POLICY_RESULT_GAVE_UP), 4);
        xvSnapshotUnref(snap);
    }
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_spread_balances_a_crowded_host_then_stays_still_for_100_intervals),
    cmocka_unit_test(test_balanced_placement_gives_no_action),
    cmocka_unit_test(test_moves_carry_maps_reason_and_domain_fields),
    cmocka_unit_test(test_hysteresis_leaves_gains_not_above_it_alone),
    cmocka_unit_test(test_swap_fixes_what_single_moves_cannot),
    cmocka_unit_test(test_more_vcpus_than_pcpus_still_balances),
    cmocka_unit_test(test_reserved_cpus_are_vacated_and_never_used),
    cmocka_unit_test(test_unpinned_vcpus_are_placed_with_reason_unpinned),
    cmocka_unit_test(test_no_allowed_cpu_gives_up_once_per_domain_and_boot),
    cmocka_unit_test(test_cpus_past_the_active_ones_are_never_used),
    cmocka_unit_test(test_offline_vcpus_are_left_alone),
    cmocka_unit_test(test_domain_without_vcpu_data_or_not_running_is_skipped),
    cmocka_unit_test(test_unselected_domains_count_as_load_but_never_move),
    cmocka_unit_test(test_no_previous_snapshot_or_new_boot_means_no_decision),
    cmocka_unit_test(test_same_pictures_give_the_same_actions_in_domain_and_vcpu_order),
    cmocka_unit_test(test_cap_per_interval_bounds_the_moves_and_it_still_converges),
    cmocka_unit_test(test_pack_fills_the_lowest_pcpus_up_to_the_limit_less_hysteresis),
    cmocka_unit_test(test_pack_relieves_an_overloaded_pcpu),
    cmocka_unit_test(test_numa_keeps_each_domain_in_one_node_and_balances_the_nodes),
    cmocka_unit_test(test_numa_moves_one_domain_per_interval_with_reason_numa),
    cmocka_unit_test(test_numa_domain_larger_than_any_node_is_refused_once),
    cmocka_unit_test(test_dedicated_gives_each_vcpu_its_own_pcpu_whole_cores_first),
    cmocka_unit_test(test_dedicated_keeps_placements_and_avoids_pcpus_pinned_by_others),
    cmocka_unit_test(test_cpu_list_parser_is_strict_with_offsets),
    cmocka_unit_test(test_percent_parser_takes_one_decimal_at_most),
    cmocka_unit_test(test_cpu_numbering_is_nodes_sockets_cores_threads),
    cmocka_unit_test(test_usable_cpus_never_pass_the_active_cpus_or_the_maps),
    cmocka_unit_test(test_vcpu_load_is_the_cpu_time_delta_over_the_interval),
    cmocka_unit_test(test_keys_are_validated_with_file_line_and_column),
    cmocka_unit_test(test_parsed_config_holds_the_values_and_defaults),
    cmocka_unit_test(test_engine_pins_through_the_actuator_and_counts_ok),
    cmocka_unit_test(test_engine_counts_a_failed_pin_and_backs_off),
    cmocka_unit_test(test_engine_sighup_clears_the_back_off_of_a_failed_pin),
    cmocka_unit_test(test_engine_counts_a_vanished_domain_as_skipped),
    cmocka_unit_test(test_engine_dry_run_counts_dry_run_and_touches_nothing),
    cmocka_unit_test(test_engine_counts_a_give_up_once_and_again_after_a_reload),
};

XV_TEST_MAIN(tests)
