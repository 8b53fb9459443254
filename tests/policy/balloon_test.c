/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* balloon_test.c: the balloon policy's decisions, parsing and engine runs on built snapshots. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "policytest.h"
#include "src/agent/agent_conf.h"
#include "src/policy/balloon.h"
#include "src/policy/engine.h"
#include "src/policy/policy.h"
#include "src/policy/report.h"
#include "src/snapshot/snapshot.h"
#include "util/xvmacros.h"
#include "xvtest.h"

#define NOW UINT64_C(1800000000000)     /* a fixed realtime clock, in ms */
#define MIB(n) ((uint64_t)(n) * 1024)   /* in KiB */
#define GIB(n) ((uint64_t)(n) * 1024 * 1024)
#define NODE_KIB GIB(16)
#define NO_GUEST_DATA (-1)

static xvBalloonAmount
size(uint64_t kib)
{
    return (xvBalloonAmount){ .kib = kib };
}

static xvBalloonAmount
pct(unsigned int hundredths)
{
    return (xvBalloonAmount){ .percent = true, .hundredths = hundredths };
}

/* band 1..2 GiB, step 128 MiB, no guest_free, floor 256 MiB, max = maxMem */
static xvBalloonConfig
baseConfig(void)
{
    xvBalloonConfig cfg = {
        .policy = (char *)"bal",
        .lowWatermark = size(GIB(1)),
        .highWatermark = size(GIB(2)),
        .step = size(MIB(128)),
        .guestFree = size(0),
        .min = size(MIB(256)),
        .max = pct(10000),
        .priority = 10,
    };

    return cfg;
}

/* A connected snapshot of a 16 GiB host with @freeMiB free. */
static xvSnapshot *
hostWith(uint64_t freeMiB)
{
    xvSnapshot *snap = xvSnapshotNew();

    snap->connected = true;
    snap->nodeOk = true;
    snap->node.memory = NODE_KIB;
    snap->nodeFreeOk = true;
    snap->nodeFreeBytes = MIB(freeMiB) * 1024;
    return snap;
}

/*
 * Adds a running domain (uuid ...@last, id @last) of @memMiB of @maxMiB;
 * @demandMiB >= 0: the guest reports it as the test driver does (total =
 * current size, free = what the demand leaves of it).
 */
static xvSnapDomain *
addDomain(xvSnapshot *snap, const char *name, unsigned char last, uint64_t memMiB,
          uint64_t maxMiB, long long demandMiB)
{
    xvSnapDomain *d = xvSnapshotAddDomain(snap);

    d->name = strdup(name);
    d->id = last;
    d->state = VIR_DOMAIN_RUNNING;
    d->uuid[0] = 0xab;
    d->uuid[15] = last;
    snprintf(d->uuidstr, sizeof(d->uuidstr), "ab000000-0000-0000-0000-0000000000%02x", last);
    d->memKiB = MIB(memMiB);
    d->maxMemKiB = MIB(maxMiB);
    if (demandMiB >= 0) {
        d->guestMemOk = true;
        d->guestTotalKiB = d->memKiB;
        d->guestFreeKiB = d->memKiB > MIB(demandMiB) ? d->memKiB - MIB(demandMiB) : 0;
    }
    return d;
}

static void
decideWith(const xvSnapshot *snap, const xvSnapshot *prev, const xvPolicyCommon *common,
           const xvBalloonConfig *cfg, xvPolicyActionList *out, xvBalloonNotes *notes)
{
    static const xvPolicyCommon all = { .enabled = true };
    xvPolicyInput in = { .snap = snap, .prev = prev, .nowMs = NOW };
    xvBalloonNotes ignored = { 0 };

    xvBalloonDecide(&in, common ? common : &all, cfg, out, notes ? notes : &ignored);
    xvBalloonNotesClear(&ignored);
}

static void
decide(const xvSnapshot *snap, const xvBalloonConfig *cfg, xvPolicyActionList *out)
{
    decideWith(snap, NULL, NULL, cfg, out, NULL);
}

/* The action on @name, or NULL. */
static const xvPolicyAction *
actionOn(const xvPolicyActionList *out, const char *name)
{
    size_t i;

    for (i = 0; i < out->n; i++) {
        if (strcmp(out->actions[i].domain, name) == 0)
            return &out->actions[i];
    }
    return NULL;
}

static void
assertSetmem(const xvPolicyAction *act, const char *name, uint64_t oldKiB, uint64_t newKiB,
             const char *reason)
{
    assert_non_null(act);
    assert_int_equal(act->kind, XV_POLICY_ACTION_SETMEM);
    assert_string_equal(act->domain, name);
    assert_int_equal(act->oldKiB, oldKiB);
    assert_int_equal(act->newKiB, newKiB);
    assert_string_equal(act->reason, reason);
    assert_int_equal(act->vcpu, -1);
}

/* ---- resolution ------------------------------------------------------------- */

static void
test_amounts_are_sizes_or_percents_of_a_base(void **state)
{
    xvBalloonAmount a = size(MIB(300)), p = pct(1250), big = pct(9999);

    (void)state;
    assert_int_equal(xvBalloonAmountKiB(&a, GIB(4)), MIB(300));
    assert_int_equal(xvBalloonAmountKiB(&p, GIB(4)), MIB(512));
    assert_int_equal(xvBalloonAmountKiB(&p, 10), 1);           /* rounded down */
    /* no overflow on a huge base */
    assert_int_equal(xvBalloonAmountKiB(&big, UINT64_MAX / 2),
                     (UINT64_MAX / 2) / 10000 * 9999 + (UINT64_MAX / 2) % 10000 * 9999 / 10000);
}

static void
test_demand_comes_from_the_guest_plus_guest_free(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(1500);
    xvSnapDomain *d = addDomain(snap, "a", 1, 1024, 2048, 400);
    xvBalloonDomain r;

    (void)state;
    cfg.guestFree = size(MIB(100));
    xvBalloonDomainResolve(&cfg, d, &r);
    assert_int_equal(r.status, XV_BALLOON_DOMAIN_OK);
    assert_true(r.guestData);
    assert_int_equal(r.demandKiB, MIB(400));
    assert_int_equal(r.wantKiB, MIB(500));
    assert_int_equal(r.floorKiB, MIB(256));
    assert_int_equal(r.ceilingKiB, MIB(2048));
    assert_int_equal(r.stepKiB, MIB(128));
    assert_int_equal(xvBalloonSlackKiB(&r), MIB(524));
    assert_int_equal(xvBalloonPressureKiB(&r), 0);

    /* 20% free at the target: 400 MiB / 0.8 = 500 MiB */
    cfg.guestFree = pct(2000);
    xvBalloonDomainResolve(&cfg, d, &r);
    assert_int_equal(r.wantKiB, MIB(500));
    /* percents of maxMem for the floor, max and step */
    cfg.min = pct(5000);
    cfg.max = pct(7500);
    cfg.step = pct(1000);
    xvBalloonDomainResolve(&cfg, d, &r);
    assert_int_equal(r.floorKiB, MIB(1024));
    assert_int_equal(r.ceilingKiB, MIB(1536));
    assert_int_equal(r.stepKiB, 209715);
    assert_int_equal(xvBalloonSlackKiB(&r), 0);
    xvSnapshotUnref(snap);
}

static void
test_without_guest_data_a_domain_has_no_slack_and_no_pressure(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(100);
    xvSnapDomain *d = addDomain(snap, "a", 1, 1024, 2048, NO_GUEST_DATA);
    xvPolicyActionList out = { 0 };
    xvBalloonDomain r;

    (void)state;
    cfg.guestFree = pct(2000);
    xvBalloonDomainResolve(&cfg, d, &r);
    assert_false(r.guestData);
    assert_int_equal(r.demandKiB, MIB(1024));
    assert_int_equal(r.wantKiB, MIB(1024));
    assert_int_equal(xvBalloonSlackKiB(&r), 0);
    assert_int_equal(xvBalloonPressureKiB(&r), 0);
    /* the host is starved, yet nothing is taken from it */
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 0);
    xvSnapshotUnref(snap);

    /* nor is it grown when the host has plenty */
    snap = hostWith(8000);
    addDomain(snap, "a", 1, 1024, 2048, NO_GUEST_DATA);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 0);
    xvSnapshotUnref(snap);

    /* inconsistent guest figures count as none */
    snap = hostWith(100);
    d = addDomain(snap, "a", 1, 1024, 2048, 100);
    d->guestFreeKiB = d->guestTotalKiB + 1;
    xvBalloonDomainResolve(&cfg, d, &r);
    assert_false(r.guestData);
    xvSnapshotUnref(snap);
}

static void
test_only_running_or_blocked_domains_are_considered(void **state)
{
    static const unsigned char states[] = {
        VIR_DOMAIN_PAUSED, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_CRASHED,
        VIR_DOMAIN_NOSTATE,
    };
    xvBalloonConfig cfg = baseConfig();
    xvPolicyActionList out = { 0 };
    xvBalloonDomain r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(states); i++) {
        xvSnapshot *snap = hostWith(100);
        xvSnapDomain *d = addDomain(snap, "a", 1, 1024, 2048, 10);

        d->state = states[i];
        xvBalloonDomainResolve(&cfg, d, &r);
        assert_int_equal(r.status, XV_BALLOON_DOMAIN_SKIP);
        decide(snap, &cfg, &out);
        assert_int_equal(out.n, 0);
        xvSnapshotUnref(snap);
    }
    {
        xvSnapshot *snap = hostWith(100);
        xvSnapDomain *d = addDomain(snap, "a", 1, 1024, 2048, 10);

        d->state = VIR_DOMAIN_BLOCKED;
        decide(snap, &cfg, &out);
        assert_int_equal(out.n, 1);
        xvPolicyActionListClear(&out);
        /* sizes unknown: left alone */
        d->maxMemKiB = 0;
        decide(snap, &cfg, &out);
        assert_int_equal(out.n, 0);
        xvSnapshotUnref(snap);
    }
}

/* ---- reclaim ------------------------------------------------------------------ */

static void
test_host_below_low_watermark_reclaims_from_the_most_slack_first(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(1024 - 100);
    xvPolicyActionList out = { 0 };

    (void)state;
    addDomain(snap, "a", 1, 1024, 2048, 700);      /* slack 324 MiB */
    addDomain(snap, "b", 2, 1024, 2048, 300);      /* slack 724 MiB */
    addDomain(snap, "c", 3, 1024, 2048, 900);      /* slack 124 MiB */
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    /* 100 MiB are missing: b alone gives them */
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "b", MIB(1024), MIB(924), "host_low");
    assert_int_equal(out.actions[0].id, 2);
    assert_string_equal(out.actions[0].uuidstr, "ab000000-0000-0000-0000-000000000002");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_reclaim_levels_the_slack_and_is_step_limited(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(1024 - 300);
    xvPolicyActionList out = { 0 };

    (void)state;
    addDomain(snap, "a", 1, 1024, 2048, 500);      /* slack 524 */
    addDomain(snap, "b", 2, 1024, 2048, 300);      /* slack 724 */
    addDomain(snap, "c", 3, 1024, 2048, 600);      /* slack 424 */
    addDomain(snap, "d", 4, 1024, 2048, 700);      /* slack 324 */
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    /* 300 MiB: b comes down to a's 524 (200), then both by 50: c and d keep
     * theirs; b's 250 are 128 (its step) this interval */
    assert_int_equal(out.n, 2);
    assertSetmem(&out.actions[0], "b", MIB(1024), MIB(896), "host_low");
    assertSetmem(&out.actions[1], "a", MIB(1024), MIB(974), "host_low");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* the next interval, 122 MiB short: b gives its remaining share */
    snap = hostWith(1024 - 122);
    addDomain(snap, "a", 1, 974, 2048, 500);
    addDomain(snap, "b", 2, 896, 2048, 300);
    addDomain(snap, "c", 3, 1024, 2048, 600);
    addDomain(snap, "d", 4, 1024, 2048, 700);
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "b", MIB(896), MIB(774), "host_low");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* shares need not be whole MiB: they add up to the need exactly */
    snap = hostWith(1024 - 100);
    addDomain(snap, "a", 1, 1024, 2048, 500);
    addDomain(snap, "b", 2, 1024, 2048, 500);
    addDomain(snap, "c", 3, 1024, 2048, 500);
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.actions[0].oldKiB - out.actions[0].newKiB +
                     out.actions[1].oldKiB - out.actions[1].newKiB +
                     out.actions[2].oldKiB - out.actions[2].newKiB, MIB(100));
    assert_in_range(out.actions[0].oldKiB - out.actions[0].newKiB, 34133, 34134);
    assert_in_range(out.actions[2].oldKiB - out.actions[2].newKiB, 34133, 34134);
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* a shortfall under 1 MiB still takes 1 MiB, not a few pages */
    snap = hostWith(1024);
    snap->nodeFreeBytes -= 4096 * 3;
    addDomain(snap, "a", 1, 1024, 2048, 500);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "a", MIB(1024), MIB(1023), "host_low");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_reclaim_never_goes_below_the_floor(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(0);
    xvPolicyActionList out = { 0 };
    xvSnapDomain *d;

    (void)state;
    cfg.step = size(GIB(1));
    cfg.min = size(MIB(600));
    addDomain(snap, "a", 1, 1024, 2048, 10);       /* wants 10 MiB; floor 600 */
    addDomain(snap, "b", 2, 600, 2048, 10);        /* at its floor */
    d = addDomain(snap, "c", 3, 600, 2048, 10);    /* half a MiB of slack: not worth it */
    d->memKiB += 512;
    d->guestTotalKiB += 512;
    d->guestFreeKiB += 512;
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "a", MIB(1024), MIB(600), "host_low");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_floor_above_current_size_never_shrinks_and_grows_back_when_room(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(100);
    xvPolicyActionList out = { 0 };

    (void)state;
    cfg.min = size(MIB(512));
    addDomain(snap, "a", 1, 300, 2048, 10);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 0);        /* starved host, but a is under its floor */
    xvSnapshotUnref(snap);

    /* inside the band: back to the floor, a step at a time */
    snap = hostWith(1500);
    addDomain(snap, "a", 1, 300, 2048, 10);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "a", MIB(300), MIB(428), "below_floor");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* the last bit completes the floor, never more */
    snap = hostWith(1500);
    addDomain(snap, "a", 1, 428, 2048, 10);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "a", MIB(428), MIB(512), "below_floor");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* but never taking the host below the low watermark */
    snap = hostWith(1024 + 50);
    addDomain(snap, "a", 1, 300, 2048, 10);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "a", MIB(300), MIB(350), "below_floor");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_priority_weights_the_reclaim_and_grow_order(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvBalloonOverride o = { .hasPriority = true, .priority = 30 };
    char *names[] = { "vip" };
    xvSnapshot *snap = hostWith(1024 - 50);
    xvPolicyActionList out = { 0 };

    (void)state;
    o.domains.names = names;
    o.domains.nnames = 1;
    cfg.overrides = &o;
    cfg.noverrides = 1;
    /* vip has twice the slack of a, but three times the priority */
    addDomain(snap, "a", 1, 1024, 2048, 724);      /* slack 300 */
    addDomain(snap, "vip", 2, 1024, 2048, 424);    /* slack 600 */
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "a", MIB(1024), MIB(974), "host_low");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* growing: equal pressure, vip first; the budget runs out after it */
    cfg.guestFree = size(MIB(100));
    snap = hostWith(2048 + 100);
    addDomain(snap, "a", 1, 1024, 2048, 2000);
    addDomain(snap, "vip", 2, 1024, 2048, 2000);
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    assertSetmem(&out.actions[0], "vip", MIB(1024), MIB(1124), "host_high_guest_pressure");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

/* ---- grow and the band ------------------------------------------------------------- */

static void
test_host_above_high_watermark_grows_pressed_domains_never_above_max(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvBalloonOverride o = { .hasMax = true, .max = size(MIB(1100)) };
    char *names[] = { "capped" };
    xvSnapshot *snap = hostWith(8000);
    xvPolicyActionList out = { 0 };

    (void)state;
    o.domains.names = names;
    o.domains.nnames = 1;
    cfg.overrides = &o;
    cfg.noverrides = 1;
    cfg.guestFree = pct(2000);
    addDomain(snap, "a", 1, 1024, 2048, 1024);     /* full: wants 1280 */
    addDomain(snap, "b", 2, 2000, 2048, 2000);     /* full, 48 MiB under its maxMem */
    addDomain(snap, "capped", 3, 1024, 2048, 1024);    /* max_memory 1100 MiB */
    addDomain(snap, "calm", 4, 1024, 2048, 500);   /* not pressed */
    addDomain(snap, "full", 5, 2048, 2048, 2048);  /* at maxMem already */
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 3);
    assertSetmem(actionOn(&out, "a"), "a", MIB(1024), MIB(1152), "host_high_guest_pressure");
    assertSetmem(actionOn(&out, "b"), "b", MIB(2000), MIB(2048), "host_high_guest_pressure");
    assertSetmem(actionOn(&out, "capped"), "capped", MIB(1024), MIB(1100),
                 "host_high_guest_pressure");
    assert_null(actionOn(&out, "calm"));
    assert_null(actionOn(&out, "full"));
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);

    /* the gifts never take the host below the high watermark */
    snap = hostWith(2048 + 150);
    addDomain(snap, "a", 1, 1024, 2048, 1024);
    addDomain(snap, "b", 2, 1024, 2048, 1024);
    xvSnapshotFinish(snap);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 2);
    assertSetmem(&out.actions[0], "a", MIB(1024), MIB(1152), "host_high_guest_pressure");
    assertSetmem(&out.actions[1], "b", MIB(1024), MIB(1046), "host_high_guest_pressure");
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_inside_the_band_nothing_moves(void **state)
{
    static const uint64_t frees[] = { 1024, 1500, 2048 };
    xvBalloonConfig cfg = baseConfig();
    xvPolicyActionList out = { 0 };
    size_t i;

    (void)state;
    cfg.guestFree = size(MIB(64));
    for (i = 0; i < XV_N_ELEMENTS(frees); i++) {
        xvSnapshot *snap = hostWith(frees[i]);

        addDomain(snap, "slack", 1, 1024, 2048, 100);
        addDomain(snap, "pressed", 2, 1024, 2048, 1024);
        xvSnapshotFinish(snap);
        decide(snap, &cfg, &out);
        assert_int_equal(out.n, 0);
        xvSnapshotUnref(snap);
    }
}

static void
test_without_host_free_memory_nothing_happens(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(0);
    xvPolicyActionList out = { 0 };

    (void)state;
    addDomain(snap, "a", 1, 1024, 2048, 10);
    snap->nodeFreeOk = false;
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 0);
    /* percent watermarks need the node's size too */
    snap->nodeFreeOk = true;
    snap->nodeOk = false;
    cfg.lowWatermark = pct(1000);
    cfg.highWatermark = pct(2000);
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 0);
    snap->nodeOk = true;
    decide(snap, &cfg, &out);
    assert_int_equal(out.n, 1);
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

static void
test_domain_selection_and_first_matching_override(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvBalloonOverride o[2] = {
        { .hasMin = true, .min = size(MIB(900)) },
        { .hasMin = true, .min = size(MIB(100)), .hasPriority = true, .priority = 50 },
    };
    char *first[] = { "db*" };
    char *second[] = { "db01", "web*" };
    char *only[] = { "db*", "web*" };
    xvPolicyCommon common = { .enabled = true };
    xvSnapshot *snap = hostWith(0);
    xvPolicyActionList out = { 0 };
    xvBalloonDomain r;

    (void)state;
    o[0].domains.names = first;
    o[0].domains.nnames = 1;
    o[1].domains.names = second;
    o[1].domains.nnames = 2;
    cfg.overrides = o;
    cfg.noverrides = 2;
    cfg.step = size(GIB(1));
    cfg.lowWatermark = size(GIB(4));
    cfg.highWatermark = size(GIB(5));
    addDomain(snap, "db01", 1, 1024, 2048, 10);
    addDomain(snap, "web01", 2, 1024, 2048, 10);
    addDomain(snap, "mail", 3, 1024, 2048, 10);
    xvSnapshotFinish(snap);
    xvBalloonDomainResolve(&cfg, &snap->domains[0], &r);     /* db01: first wins */
    assert_int_equal(r.floorKiB, MIB(900));
    assert_int_equal(r.priority, 10);
    xvBalloonDomainResolve(&cfg, &snap->domains[2], &r);     /* web01 */
    assert_int_equal(r.floorKiB, MIB(100));
    assert_int_equal(r.priority, 50);
    xvBalloonDomainResolve(&cfg, &snap->domains[1], &r);     /* mail: the policy's */
    assert_int_equal(r.floorKiB, MIB(256));

    common.domains.names = only;
    common.domains.nnames = 2;
    decideWith(snap, NULL, &common, &cfg, &out, NULL);
    assert_int_equal(out.n, 2);
    assertSetmem(actionOn(&out, "db01"), "db01", MIB(1024), MIB(900), "host_low");
    assertSetmem(actionOn(&out, "web01"), "web01", MIB(1024), MIB(100), "host_low");
    assert_null(actionOn(&out, "mail"));
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
}

/* ---- conflicts ------------------------------------------------------------------------ */

static void
test_maxmem_below_floor_is_a_conflict_noted_once(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *prev = hostWith(0), *snap = hostWith(0), *reboot = hostWith(0);
    xvPolicyActionList out = { 0 };
    xvBalloonNotes notes = { 0 };
    xvBalloonDomain r;

    (void)state;
    cfg.min = size(MIB(384));
    addDomain(prev, "small", 1, 256, 256, 10);
    addDomain(snap, "small", 1, 256, 256, 10);
    addDomain(reboot, "small", 1, 256, 256, 10)->id = 9;
    addDomain(snap, "big", 2, 1024, 2048, 10);
    xvSnapshotFinish(prev);
    xvSnapshotFinish(snap);
    xvSnapshotFinish(reboot);
    xvBalloonDomainResolve(&cfg, &snap->domains[1], &r);
    assert_int_equal(r.status, XV_BALLOON_DOMAIN_CONFLICT);

    /* first seen: noted; never acted on, even with the host starved */
    decideWith(snap, NULL, NULL, &cfg, &out, &notes);
    assert_int_equal(notes.n, 1);
    assert_string_equal(notes.notes[0].dom->name, "small");
    assert_int_equal(notes.notes[0].floorKiB, MIB(384));
    assert_int_equal(notes.notes[0].maxMemKiB, MIB(256));
    assert_null(actionOn(&out, "small"));
    assert_non_null(actionOn(&out, "big"));
    xvPolicyActionListClear(&out);
    xvBalloonNotesClear(&notes);

    /* already so in the previous picture: not noted again */
    decideWith(snap, prev, NULL, &cfg, &out, &notes);
    assert_int_equal(notes.n, 0);
    xvPolicyActionListClear(&out);
    /* a new boot is a new domain: noted again */
    decideWith(snap, reboot, NULL, &cfg, &out, &notes);
    assert_int_equal(notes.n, 1);
    xvPolicyActionListClear(&out);
    xvBalloonNotesClear(&notes);
    xvSnapshotUnref(prev);
    xvSnapshotUnref(snap);
    xvSnapshotUnref(reboot);
}

static void
test_floor_above_max_memory_of_another_kind_is_a_conflict(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    xvSnapshot *snap = hostWith(8000);
    xvPolicyActionList out = { 0 };
    xvBalloonNotes notes = { 0 };

    (void)state;
    cfg.min = size(MIB(1200));
    cfg.max = pct(5000);
    cfg.guestFree = size(MIB(500));
    addDomain(snap, "a", 1, 1000, 2048, 1000);     /* max_memory 1 GiB < floor */
    decideWith(snap, NULL, NULL, &cfg, &out, &notes);
    assert_int_equal(out.n, 0);
    assert_int_equal(notes.n, 1);
    assert_int_equal(notes.notes[0].maxKiB, MIB(1024));
    xvBalloonNotesClear(&notes);
    xvSnapshotUnref(snap);
}

/* ---- a simulated host over many intervals ---------------------------------------------- */

typedef struct {
    uint64_t nodeKiB, hostUsedKiB;
    uint64_t curKiB[3], demandKiB[3];
} simHost;

/* One interval: decide on the host's picture, apply the actions; returns how many. */
static size_t
simStep(simHost *h, const xvBalloonConfig *cfg, bool *shrunk, bool *grew)
{
    static const char *const names[] = { "a", "b", "c" };
    xvSnapshot *snap = hostWith(0);
    xvPolicyActionList out = { 0 };
    uint64_t used = h->hostUsedKiB;
    size_t i, n;

    for (i = 0; i < 3; i++) {
        xvSnapDomain *d = addDomain(snap, names[i], (unsigned char)(i + 1), 0, 2048, 0);

        d->memKiB = h->curKiB[i];
        d->guestTotalKiB = h->curKiB[i];
        d->guestFreeKiB = h->curKiB[i] > h->demandKiB[i] ? h->curKiB[i] - h->demandKiB[i] : 0;
        used += h->curKiB[i];
    }
    xvSnapshotFinish(snap);
    snap->nodeFreeBytes = used < h->nodeKiB ? (h->nodeKiB - used) * 1024 : 0;
    decide(snap, cfg, &out);
    for (i = 0; i < out.n; i++) {
        const xvPolicyAction *act = &out.actions[i];
        size_t k = (size_t)(act->uuid[15] - 1);
        size_t j;

        for (j = 0; j < i; j++)     /* one action per domain and interval */
            assert_memory_not_equal(out.actions[j].uuid, act->uuid, 16);
        assert_int_equal(act->oldKiB, h->curKiB[k]);
        assert_true(act->newKiB >= MIB(512));       /* the floor */
        assert_true(act->newKiB <= MIB(2048));      /* maxMem */
        if (strcmp(act->reason, "host_low") == 0)
            *shrunk = true;
        else
            *grew = true;
        h->curKiB[k] = act->newKiB;
    }
    n = out.n;
    xvPolicyActionListClear(&out);
    xvSnapshotUnref(snap);
    return n;
}

/* Runs @intervals at a steady host; returns the last interval with an action (0: none). */
static size_t
simHold(simHost *h, const xvBalloonConfig *cfg, size_t intervals, bool *shrunk, bool *grew)
{
    size_t i, last = 0;

    for (i = 1; i <= intervals; i++) {
        if (simStep(h, cfg, shrunk, grew) > 0)
            last = i;
    }
    return last;
}

static uint64_t
simFreeKiB(const simHost *h)
{
    uint64_t used = h->hostUsedKiB + h->curKiB[0] + h->curKiB[1] + h->curKiB[2];

    return used < h->nodeKiB ? h->nodeKiB - used : 0;
}

static void
test_simulated_pressure_shrinks_to_floors_then_grows_back_and_settles(void **state)
{
    xvBalloonConfig cfg = baseConfig();
    simHost h = { .nodeKiB = NODE_KIB, .hostUsedKiB = GIB(8) };
    bool shrunk = false, grew = false;
    size_t i, last;

    (void)state;
    cfg.min = size(MIB(512));
    cfg.guestFree = size(MIB(64));
    for (i = 0; i < 3; i++) {
        h.curKiB[i] = GIB(2);
        h.demandKiB[i] = MIB(300);
    }
    /* free 2 GiB: at the top of the band, nothing to do */
    assert_int_equal(simHold(&h, &cfg, 5, &shrunk, &grew), 0);

    /* pressure rising: 10.5 GiB used by the host, free must come back to 1 GiB */
    h.hostUsedKiB = GIB(10) + MIB(512);
    last = simHold(&h, &cfg, 40, &shrunk, &grew);
    assert_true(shrunk);
    assert_false(grew);
    assert_in_range(last, 1, 20);                   /* then settled */
    assert_int_equal(simFreeKiB(&h), GIB(1));

    /* more pressure than the floors allow: they stop at the floors */
    shrunk = false;
    h.hostUsedKiB = GIB(14);
    last = simHold(&h, &cfg, 40, &shrunk, &grew);
    assert_true(shrunk);
    assert_false(grew);
    assert_in_range(last, 1, 20);
    for (i = 0; i < 3; i++)
        assert_int_equal(h.curKiB[i], MIB(512));
    assert_true(simFreeKiB(&h) < GIB(1));

    /* pressure easing, the guests at their floors are content: nothing */
    shrunk = false;
    h.hostUsedKiB = GIB(6);
    assert_int_equal(simHold(&h, &cfg, 10, &shrunk, &grew), 0);

    /* their demand grows past their size: they grow back, never above maxMem */
    for (i = 0; i < 3; i++)
        h.demandKiB[i] = GIB(3);
    last = simHold(&h, &cfg, 200, &shrunk, &grew);
    assert_true(grew);
    assert_false(shrunk);
    assert_in_range(last, 1, 100);
    for (i = 0; i < 3; i++)
        assert_int_equal(h.curKiB[i], GIB(2));

    /* the host fills up a little, staying inside the band: no ping-pong */
    grew = false;
    h.hostUsedKiB = NODE_KIB - GIB(6) - MIB(1500);
    assert_int_equal(simHold(&h, &cfg, 20, &shrunk, &grew), 0);
}

/* ---- parsing ---------------------------------------------------------------------------- */

#define HEAD "policies:\n  - name: b\n    type: balloon\n"

static void
test_bad_values_are_rejected_with_their_position(void **state)
{
    static const struct {
        const char *yaml;
        const char *msg;
    } cases[] = {
        { HEAD "    low_watermark: 10\n",
          "agent.yaml:4:20: expected a size like 512MiB or a percent like 10%, got '10' (add a "
          "unit: KiB, MiB, GiB, TiB or %)" },
        { HEAD "    low_watermark: lots\n",
          "agent.yaml:4:20: expected a size like 512MiB or a percent like 10%, got 'lots'" },
        { HEAD "    low_watermark: 150%\n",
          "agent.yaml:4:20: low_watermark 150% is above the maximum of 99%" },
        { HEAD "    low_watermark: 2PiB\n",
          "agent.yaml:4:20: expected a size like 512MiB or a percent like 10%, got '2PiB'" },
        { HEAD "    high_watermark: 2048TiB\n",
          "agent.yaml:4:21: high_watermark 2048TiB is above the maximum of 1024TiB" },
        { HEAD "    step: 1.234%\n",
          "agent.yaml:4:11: expected a percent like 10% or 12.5%, got '1.234%'" },
        { HEAD "    step: 512KiB\n",
          "agent.yaml:4:11: step 512KiB is below the minimum of 1MiB" },
        { HEAD "    step: 0%\n",
          "agent.yaml:4:11: step 0% is below the minimum of 0.01%" },
        { HEAD "    step: [1]\n",
          "agent.yaml:4:11: expected a size like 512MiB or a percent like 10%, got a sequence" },
        { HEAD "    guest_free: 95%\n",
          "agent.yaml:4:17: guest_free 95% is above the maximum of 90%" },
        { HEAD "    low_watermark: 2GiB\n    high_watermark: 1GiB\n",
          "agent.yaml:5:21: high_watermark 1GiB is not above low_watermark 2GiB" },
        { HEAD "    low_watermark: 1GiB\n    high_watermark: 20%\n",
          "agent.yaml:5:21: low_watermark and high_watermark must both be sizes or both "
          "percents" },
        { HEAD "    high_watermark: 0%\n",
          "agent.yaml:4:21: high_watermark 0% must be above zero (low_watermark, not given, "
          "is half of it)" },
        { HEAD "    low_watermark: 0\n",
          "agent.yaml:4:20: low_watermark 0KiB must be above zero (high_watermark, not given, "
          "is twice it)" },
        { HEAD "    low_watermark: 0%\n",
          "agent.yaml:4:20: low_watermark 0% must be above zero (high_watermark, not given, "
          "is twice it)" },
        { HEAD "    low_watermark: 0\n    high_watermark: 0\n",
          "agent.yaml:5:21: high_watermark 0KiB is not above low_watermark 0KiB" },
        { HEAD "    min_memory: 2GiB\n    max_memory: 1GiB\n",
          "agent.yaml:4:17: min_memory 2GiB is above max_memory 1GiB" },
        { HEAD "    min_memory: 120%\n",
          "agent.yaml:4:17: min_memory 120% is above the maximum of 100%" },
        { HEAD "    max_memory: 0\n",
          "agent.yaml:4:17: max_memory 0 is below the minimum of 1MiB" },
        { HEAD "    priority: 0\n",
          "agent.yaml:4:15: priority 0 is out of range 1..100" },
        { HEAD "    overrides: {a: 1}\n",
          "agent.yaml:4:16: expected a sequence, got a mapping" },
        { HEAD "    overrides:\n      - min_memory: 1GiB\n",
          "agent.yaml:5:9: an override needs 'domains' (names, uuids or exclude)" },
        { HEAD "    overrides:\n      - domains: {names: [a]}\n        prio: 3\n",
          "agent.yaml:6:9: unknown key 'prio' in 'overrides' (expected one of: domains, "
          "min_memory, max_memory, priority)" },
        { HEAD "    overrides:\n      - domains: {uuids: [nope]}\n",
          "agent.yaml:5:27: expected a UUID, got 'nope'" },
        { HEAD "    overrides:\n      - domains: {name: [a]}\n",
          "agent.yaml:5:19: unknown key 'name' in 'domains' (expected one of: names, uuids, "
          "exclude)" },
        { HEAD "    max_memory: 1GiB\n    overrides:\n      - domains: {names: [db]}\n"
          "        min_memory: 2GiB\n",
          "agent.yaml:7:21: min_memory 2GiB is above max_memory 1GiB" },
        { HEAD "    overrides:\n      - domains: {names: [db]}\n        priority: 101\n",
          "agent.yaml:6:19: priority 101 is out of range 1..100" },
        /* the first error in the file wins */
        { HEAD "    step: 1\n    low_watermark: x\n",
          "agent.yaml:4:11: expected a size like 512MiB or a percent like 10%, got '1' (add a "
          "unit: KiB, MiB, GiB, TiB or %)" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *msg = xvPolicyTestParseError(cases[i].yaml);

        if (!msg || strcmp(msg, cases[i].msg) != 0)
            print_error("case %zu:\n%s", i, cases[i].yaml);
        assert_non_null(msg);
        assert_string_equal(msg, cases[i].msg);
        free(msg);
    }
}

static void
test_unknown_key_lists_the_balloon_keys(void **state)
{
    char *msg = xvPolicyTestParseError(HEAD "    low_water: 1GiB\n");

    (void)state;
    assert_non_null(msg);
    assert_non_null(strstr(msg, "agent.yaml:4:5: unknown key 'low_water' in 'policies' "
                           "(expected one of: name, type, "));
    assert_non_null(strstr(msg, ", low_watermark, high_watermark, step, guest_free, "
                           "min_memory, max_memory, priority, overrides)"));
    free(msg);
}

/* The balloon configuration parsed from @yaml (its first policy). */
static xvBalloonConfig *
parseConfig(const char *yaml)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    void *cfg = NULL;

    assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    assert_int_equal(xvPolicyBalloon.parse(conf->policies[0].node, "agent.yaml", &cfg, &err),
                     0);
    xvAgentConfFree(conf);
    return cfg;
}

static void
test_defaults_and_watermark_pairing(void **state)
{
    xvBalloonConfig *cfg = parseConfig(HEAD);

    (void)state;
    assert_string_equal(cfg->policy, "b");
    assert_true(cfg->lowWatermark.percent);
    assert_int_equal(cfg->lowWatermark.hundredths, 1000);
    assert_int_equal(cfg->highWatermark.hundredths, 2000);
    assert_int_equal(cfg->step.hundredths, 1000);
    assert_int_equal(cfg->guestFree.hundredths, 2000);
    assert_int_equal(cfg->min.hundredths, 2500);
    assert_int_equal(cfg->max.hundredths, 10000);
    assert_int_equal(cfg->priority, 10);
    assert_int_equal(cfg->noverrides, 0);
    xvPolicyBalloon.free(cfg);

    /* empty values keep the defaults */
    cfg = parseConfig(HEAD "    step:\n    min_memory: ~\n    overrides:\n");
    assert_int_equal(cfg->step.hundredths, 1000);
    assert_int_equal(cfg->min.hundredths, 2500);
    assert_int_equal(cfg->noverrides, 0);
    xvPolicyBalloon.free(cfg);

    /* one watermark alone sets the other: twice the low, half the high */
    cfg = parseConfig(HEAD "    low_watermark: 16GiB\n");
    assert_false(cfg->highWatermark.percent);
    assert_int_equal(cfg->highWatermark.kib, GIB(32));
    xvPolicyBalloon.free(cfg);
    cfg = parseConfig(HEAD "    high_watermark: 12.5%\n");
    assert_int_equal(cfg->lowWatermark.hundredths, 625);
    xvPolicyBalloon.free(cfg);
    cfg = parseConfig(HEAD "    low_watermark: 60%\n");
    assert_int_equal(cfg->highWatermark.hundredths, 9900);
    xvPolicyBalloon.free(cfg);

    cfg = parseConfig(HEAD "    low_watermark: 1GiB\n    high_watermark: 3GiB\n"
                      "    step: 64MiB\n    guest_free: 128MiB\n    min_memory: 12.5%\n"
                      "    max_memory: 7680MiB\n    priority: 20\n    overrides:\n"
                      "      - domains: {names: [\"db*\"], exclude: [db-test]}\n"
                      "        min_memory: 2GiB\n        priority: 90\n"
                      "      - domains: {uuids: [AB000000000000000000000000000001]}\n"
                      "        max_memory: 50%\n      - domains: {names: [x]}\n");
    assert_int_equal(cfg->lowWatermark.kib, GIB(1));
    assert_int_equal(cfg->highWatermark.kib, GIB(3));
    assert_int_equal(cfg->step.kib, MIB(64));
    assert_int_equal(cfg->guestFree.kib, MIB(128));
    assert_int_equal(cfg->min.hundredths, 1250);
    assert_int_equal(cfg->max.kib, MIB(7680));
    assert_int_equal(cfg->priority, 20);
    assert_int_equal(cfg->noverrides, 3);
    assert_true(cfg->overrides[0].hasMin);
    assert_false(cfg->overrides[0].hasMax);
    assert_int_equal(cfg->overrides[0].priority, 90);
    assert_string_equal(cfg->overrides[0].domains.exclude[0], "db-test");
    assert_string_equal(cfg->overrides[1].domains.uuids[0],
                        "ab000000-0000-0000-0000-000000000001");
    assert_int_equal(cfg->overrides[1].max.hundredths, 5000);
    assert_false(cfg->overrides[2].hasMin || cfg->overrides[2].hasMax ||
                 cfg->overrides[2].hasPriority);
    xvPolicyBalloon.free(cfg);
}

/* ---- engine runs --------------------------------------------------------------------------- */

static xvPolicyEngine *
engineWith(const char *yaml)
{
    xvConfError err = { 0 };
    xvAgentConf *conf = NULL;
    xvPolicySet *set = NULL;
    xvPolicyEngine *engine = xvPolicyEngineNew(NULL);

    assert_int_equal(xvAgentConfLoadString("agent.yaml", yaml, &conf, &err), 0);
    assert_int_equal(xvPolicySetParse(conf->policies, conf->npolicies, conf->stateRetentionMs,
                                      &set, &err), 0);
    xvPolicyEngineConfigure(engine, set, conf->uri, false);
    xvAgentConfFree(conf);
    return engine;
}

/* An engine on tests/data/policy/balloon-fault.xml with policy "bal" and @extra lines. */
static xvPolicyEngine *
faultEngine(const char *extra)
{
    char yaml[2048];

    snprintf(yaml, sizeof(yaml), "connection:\n  uri: \"%s\"\npolicies:\n  - name: bal\n"
             "    type: balloon\n    low_watermark: 1GiB\n    step: 256MiB\n"
             "    min_memory: 256MiB\n%s", xvTestNodeURI("policy/balloon-fault.xml"), extra);
    return engineWith(yaml);
}

/* web01 as in balloon-fault.xml (1 GiB of 2 GiB, id 1), guest using 100 MiB; 512 MiB free. */
static xvSnapshot *
faultSnapshot(void)
{
    xvSnapshot *snap = hostWith(512);

    addDomain(snap, "web01", 1, 1024, 2048, 100);
    xvSnapshotFinish(snap);
    return snap;
}

/* The setmem counter of @result in the last run's report (0: none). */
static uint64_t
counterOf(xvPolicyResult result)
{
    const xvPolicyReport *r = xvPolicyTestReport();
    size_t i;

    for (i = 0; r && i < r->ncounters; i++) {
        if (r->counters[i].result == result && r->counters[i].action == XV_POLICY_ACTION_SETMEM)
            return r->counters[i].count;
    }
    return 0;
}

/* The target shown for @domain in the last run's report, or 0. */
static uint64_t
targetOf(const char *domain)
{
    const xvPolicyReport *r = xvPolicyTestReport();
    size_t i;

    for (i = 0; r && i < r->ntargets; i++) {
        if (strcmp(r->targets[i].domain, domain) == 0)
            return r->targets[i].targetKiB;
    }
    return 0;
}

/* web01's current memory on the simulated node, through the public API. */
static unsigned long
nodeMemoryOf(const char *name)
{
    virConnectPtr conn = virConnectOpenReadOnly(xvTestNodeURI("policy/balloon-fault.xml"));
    virDomainPtr dom;
    virDomainInfo info;

    assert_non_null(conn);
    dom = virDomainLookupByName(conn, name);
    assert_non_null(dom);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    virDomainFree(dom);
    virConnectClose(conn);
    return info.memory;
}

static void
test_engine_dry_run_counts_and_shows_the_target_touching_nothing(void **state)
{
    xvPolicyEngine *engine = faultEngine("    dry_run: true\n");
    xvSnapshot *snap = faultSnapshot();

    (void)state;
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_DRY_RUN), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 0);
    assert_int_equal(targetOf("web01"), MIB(768));
    assert_int_equal(nodeMemoryOf("web01"), MIB(1024));
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_failed_setmem_is_retried_only_after_backoff(void **state)
{
    xvPolicyEngine *engine = faultEngine("");
    xvSnapshot *snap;

    (void)state;
    /* the node's first virDomainSetMemory fails */
    snap = faultSnapshot();
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(targetOf("web01"), 0);
    xvSnapshotUnref(snap);
    assert_int_equal(nodeMemoryOf("web01"), MIB(1024));

    /* 10 s of back-off: refused, not retried */
    snap = faultSnapshot();
    xvPolicyTestRun(engine, snap, NOW + 9999);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_RATE_LIMITED), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 0);
    xvSnapshotUnref(snap);

    snap = faultSnapshot();
    xvPolicyTestRun(engine, snap, NOW + 10000);
    assert_int_equal(counterOf(XV_POLICY_RESULT_OK), 1);
    assert_int_equal(targetOf("web01"), MIB(768));
    xvSnapshotUnref(snap);
    assert_int_equal(nodeMemoryOf("web01"), MIB(768));
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_vanished_domain_is_skipped_and_its_target_dropped(void **state)
{
    xvPolicyEngine *engine = faultEngine("    dry_run: false\n");
    xvSnapshot *snap = hostWith(512);
    xvSnapDomain *d;

    (void)state;
    /* seen in the sample, gone from the node when the action comes */
    d = addDomain(snap, "ghost", 7, 1024, 2048, 100);
    d->uuid[1] = 0x77;
    xvSnapshotFinish(snap);
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(counterOf(XV_POLICY_RESULT_SKIPPED), 1);
    assert_int_equal(counterOf(XV_POLICY_RESULT_FAILED), 0);
    assert_int_equal(targetOf("ghost"), 0);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_engine_forgets_targets_of_domains_gone_or_rebooted(void **state)
{
    xvPolicyEngine *engine = faultEngine("    dry_run: true\n");
    xvSnapshot *snap;

    (void)state;
    snap = faultSnapshot();
    xvPolicyTestRun(engine, snap, NOW);
    assert_int_equal(targetOf("web01"), MIB(768));
    xvSnapshotUnref(snap);

    /* the host is back inside the band: no action, the target stays shown */
    snap = hostWith(1500);
    addDomain(snap, "web01", 1, 1024, 2048, 100);
    xvSnapshotFinish(snap);
    xvPolicyTestRun(engine, snap, NOW + 1000);
    assert_int_equal(targetOf("web01"), MIB(768));
    xvSnapshotUnref(snap);

    /* a failed sample changes nothing */
    snap = xvSnapshotNew();
    xvSnapshotFinish(snap);
    xvPolicyTestRun(engine, snap, NOW + 2000);
    assert_int_equal(targetOf("web01"), MIB(768));
    xvSnapshotUnref(snap);

    /* rebooted (a new ID): its balloon starts over, the target goes */
    snap = hostWith(1500);
    addDomain(snap, "web01", 1, 1024, 2048, 100)->id = 2;
    xvSnapshotFinish(snap);
    xvPolicyTestRun(engine, snap, NOW + 3000);
    assert_int_equal(targetOf("web01"), 0);
    xvSnapshotUnref(snap);

    /* the same once the policy is removed by a reload */
    snap = faultSnapshot();
    xvPolicyTestRun(engine, snap, NOW + 4000);
    assert_int_equal(targetOf("web01"), MIB(768));
    xvSnapshotUnref(snap);
    xvPolicyEngineConfigure(engine, NULL, NULL, false);
    snap = faultSnapshot();
    xvPolicyTestRun(engine, snap, NOW + 5000);
    assert_int_equal(targetOf("web01"), 0);
    xvSnapshotUnref(snap);
    xvPolicyEngineFree(engine);
    xvPolicyTestReportFree();
}

static void
test_report_renders_the_balloon_target_family(void **state)
{
    xvPolicyTarget targets[] = {
        { .policy = "bal", .domain = "we\"b", .uuidstr = "ab000000-0000-0000-0000-000000000001",
          .id = 3, .targetKiB = MIB(768) },
    };
    xvPolicyReport r = { .targets = targets, .ntargets = 1 };
    xvBuf buf = XV_BUF_INIT;
    char *text;

    (void)state;
    xvPolicyReportRender(&r, XV_PROM_FORMAT_TEXT, &buf);
    text = xvBufSteal(&buf, NULL);
    assert_non_null(strstr(text, "# HELP xvirt_policy_balloon_target_bytes "));
    assert_non_null(strstr(text, "# TYPE xvirt_policy_balloon_target_bytes gauge\n"
                           "xvirt_policy_balloon_target_bytes{policy=\"bal\",domain=\"we\\\"b\","
                           "uuid=\"ab000000-0000-0000-0000-000000000001\"} 805306368\n"));
    assert_null(strstr(text, "xvirt_policy_actions_total"));
    assert_null(strstr(text, "# UNIT"));
    free(text);
    /* OpenMetrics names the unit of a _bytes family */
    xvPolicyReportRender(&r, XV_PROM_FORMAT_OPENMETRICS, &buf);
    text = xvBufSteal(&buf, NULL);
    assert_non_null(strstr(text, "# TYPE xvirt_policy_balloon_target_bytes gauge\n"
                           "# UNIT xvirt_policy_balloon_target_bytes bytes\n"
                           "xvirt_policy_balloon_target_bytes{policy=\"bal\","));
    free(text);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_amounts_are_sizes_or_percents_of_a_base),
    cmocka_unit_test(test_demand_comes_from_the_guest_plus_guest_free),
    cmocka_unit_test(test_without_guest_data_a_domain_has_no_slack_and_no_pressure),
    cmocka_unit_test(test_only_running_or_blocked_domains_are_considered),
    cmocka_unit_test(test_host_below_low_watermark_reclaims_from_the_most_slack_first),
    cmocka_unit_test(test_reclaim_levels_the_slack_and_is_step_limited),
    cmocka_unit_test(test_reclaim_never_goes_below_the_floor),
    cmocka_unit_test(test_floor_above_current_size_never_shrinks_and_grows_back_when_room),
    cmocka_unit_test(test_priority_weights_the_reclaim_and_grow_order),
    cmocka_unit_test(test_host_above_high_watermark_grows_pressed_domains_never_above_max),
    cmocka_unit_test(test_inside_the_band_nothing_moves),
    cmocka_unit_test(test_without_host_free_memory_nothing_happens),
    cmocka_unit_test(test_domain_selection_and_first_matching_override),
    cmocka_unit_test(test_maxmem_below_floor_is_a_conflict_noted_once),
    cmocka_unit_test(test_floor_above_max_memory_of_another_kind_is_a_conflict),
    cmocka_unit_test(test_simulated_pressure_shrinks_to_floors_then_grows_back_and_settles),
    cmocka_unit_test(test_bad_values_are_rejected_with_their_position),
    cmocka_unit_test(test_unknown_key_lists_the_balloon_keys),
    cmocka_unit_test(test_defaults_and_watermark_pairing),
    cmocka_unit_test(test_engine_dry_run_counts_and_shows_the_target_touching_nothing),
    cmocka_unit_test(test_engine_failed_setmem_is_retried_only_after_backoff),
    cmocka_unit_test(test_engine_vanished_domain_is_skipped_and_its_target_dropped),
    cmocka_unit_test(test_engine_forgets_targets_of_domains_gone_or_rebooted),
    cmocka_unit_test(test_report_renders_the_balloon_target_family),
};

XV_TEST_MAIN(tests)
