/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snapshot_test.c: unit tests of the immutable, refcounted snapshot. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/snapshot/snapshot.h"
#include "util/xvmacros.h"
#include "xvtest.h"

static xvSnapDomain *
addDomain(xvSnapshot *snap, const char *name, int id)
{
    xvSnapDomain *dom = xvSnapshotAddDomain(snap);

    dom->name = strdup(name);
    assert_non_null(dom->name);
    dom->id = id;
    dom->vcpusOk = true;
    return dom;
}

/* Adds @n vcpus numbered by @numbers, each with map byte @numbers[i] | 0x80. */
static void
addVcpus(xvSnapshot *snap, xvSnapDomain *dom, const unsigned int *numbers, size_t n)
{
    xvSnapVcpu *v = xvSnapshotAddVcpus(snap, dom, n);
    size_t first = (size_t)(v - snap->vcpus);
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char *map = xvSnapshotVcpuMap(snap, first + i);

        assert_int_equal(v[i].number, 0);     /* zeroed */
        assert_int_equal(map[0], 0);
        v[i].number = numbers[i];
        v[i].cpuTimeNs = numbers[i] * 1000u + (unsigned int)dom->id;
        map[0] = (unsigned char)(numbers[i] | 0x80);
        map[1] = (unsigned char)dom->id;
    }
}

static void
test_new_snapshot_is_empty_with_one_reference(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();

    (void)state;
    assert_int_equal(atomic_load(&snap->refs), 1);
    assert_int_equal(snap->ndomains, 0);
    assert_int_equal(snap->nvcpus, 0);
    assert_int_equal(snap->ncollectors, 0);
    assert_false(snap->finished);
    assert_false(snap->connected);
    assert_null(snap->domains);
    assert_null(xvSnapshotVcpuMap(snap, 0));
    assert_null(xvSnapshotUnref(snap));
}

static void
test_ref_and_unref_count_references(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();

    (void)state;
    assert_ptr_equal(xvSnapshotRef(snap), snap);
    assert_ptr_equal(xvSnapshotRef(snap), snap);
    assert_int_equal(atomic_load(&snap->refs), 3);
    assert_null(xvSnapshotUnref(snap));
    assert_null(xvSnapshotUnref(snap));
    assert_int_equal(atomic_load(&snap->refs), 1);
    xvSnapshotUnref(snap);
    /* NULL-safe */
    assert_null(xvSnapshotRef(NULL));
    assert_null(xvSnapshotUnref(NULL));
}

typedef struct {
    xvSnapshot *snap;
    int rounds;
} refThreadArg;

static void *
refThread(void *opaque)
{
    refThreadArg *arg = opaque;
    int i;

    for (i = 0; i < arg->rounds; i++) {
        xvSnapshotRef(arg->snap);
        xvSnapshotUnref(arg->snap);
    }
    /* each thread drops the reference main took for it */
    xvSnapshotUnref(arg->snap);
    return NULL;
}

static void
test_references_are_atomic_across_threads(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();
    pthread_t threads[4];
    refThreadArg arg = { snap, 200000 };
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++) {
        xvSnapshotRef(snap);
        assert_int_equal(pthread_create(&threads[i], NULL, refThread, &arg), 0);
    }
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    assert_int_equal(atomic_load(&snap->refs), 1);
    xvSnapshotUnref(snap);
}

static void
test_finish_sorts_domains_by_name_keeping_their_vcpus(void **state)
{
    static const unsigned int two[] = { 0, 1 };
    static const unsigned int one[] = { 0 };
    xvSnapshot *snap = xvSnapshotNew();
    const xvSnapDomain *d;

    (void)state;
    snap->maplen = 2;
    addVcpus(snap, addDomain(snap, "web", 3), two, 2);
    addVcpus(snap, addDomain(snap, "Domain-0", 0), one, 1);
    addDomain(snap, "db", 5)->vcpusOk = false;
    addVcpus(snap, addDomain(snap, "apache", 7), two, 2);
    xvSnapshotFinish(snap);
    assert_true(snap->finished);
    assert_int_equal(snap->ndomains, 4);
    assert_string_equal(snap->domains[0].name, "Domain-0");
    assert_string_equal(snap->domains[1].name, "apache");
    assert_string_equal(snap->domains[2].name, "db");
    assert_string_equal(snap->domains[3].name, "web");
    /* each domain still points at its own vcpus and maps */
    d = &snap->domains[3];
    assert_int_equal(d->nvcpus, 2);
    assert_int_equal(snap->vcpus[d->firstVcpu + 1].cpuTimeNs, 1003);
    assert_int_equal(xvSnapshotVcpuMap(snap, d->firstVcpu + 1)[1], 3);
    d = &snap->domains[1];
    assert_int_equal(snap->vcpus[d->firstVcpu].cpuTimeNs, 7);
    assert_int_equal(snap->domains[2].nvcpus, 0);
    xvSnapshotUnref(snap);
}

static void
test_finish_sorts_vcpus_by_number_with_their_maps(void **state)
{
    static const unsigned int shuffled[] = { 3, 0, 5, 1, 4, 2 };
    xvSnapshot *snap = xvSnapshotNew();
    xvSnapDomain *dom;
    size_t i;

    (void)state;
    snap->maplen = 2;
    dom = addDomain(snap, "a", 9);
    addVcpus(snap, dom, shuffled, 6);
    xvSnapshotFinish(snap);
    for (i = 0; i < 6; i++) {
        const unsigned char *map = xvSnapshotVcpuMap(snap, i);

        assert_int_equal(snap->vcpus[i].number, i);
        assert_int_equal(snap->vcpus[i].cpuTimeNs, i * 1000 + 9);
        assert_int_equal(map[0], i | 0x80);
        assert_int_equal(map[1], 9);
    }
    xvSnapshotUnref(snap);
}

static void
test_add_vcpus_extends_the_last_domain(void **state)
{
    static const unsigned int first[] = { 0, 1 };
    static const unsigned int more[] = { 2 };
    xvSnapshot *snap = xvSnapshotNew();
    xvSnapDomain *dom;

    (void)state;
    snap->maplen = 2;
    dom = addDomain(snap, "a", 1);
    addVcpus(snap, dom, first, 2);
    addVcpus(snap, dom, more, 1);
    assert_int_equal(dom->firstVcpu, 0);
    assert_int_equal(dom->nvcpus, 3);
    dom = addDomain(snap, "b", 2);
    addVcpus(snap, dom, more, 1);
    assert_int_equal(dom->firstVcpu, 3);
    assert_int_equal(snap->nvcpus, 4);
    assert_int_equal(xvSnapshotVcpuMap(snap, 3)[0], 0x82);
    assert_null(xvSnapshotVcpuMap(snap, 4));
    xvSnapshotUnref(snap);
}

static void
test_drop_last_domain_removes_its_vcpus(void **state)
{
    static const unsigned int two[] = { 0, 1 };
    xvSnapshot *snap = xvSnapshotNew();
    xvSnapDomain *dom;

    (void)state;
    snap->maplen = 2;
    addVcpus(snap, addDomain(snap, "stays", 1), two, 2);
    dom = addDomain(snap, "gone", 2);
    dom->osType = strdup("linux");
    addVcpus(snap, dom, two, 2);
    assert_int_equal(snap->nvcpus, 4);
    xvSnapshotDropLastDomain(snap);
    assert_int_equal(snap->ndomains, 1);
    assert_int_equal(snap->nvcpus, 2);
    /* the next domain reuses the slots */
    dom = addDomain(snap, "next", 3);
    assert_null(dom->osType);
    assert_int_equal(dom->firstVcpu, 2);
    xvSnapshotDropLastDomain(snap);
    xvSnapshotDropLastDomain(snap);
    assert_int_equal(snap->ndomains, 0);
    assert_int_equal(snap->nvcpus, 0);
    xvSnapshotDropLastDomain(snap);     /* empty: no-op */
    assert_int_equal(snap->ndomains, 0);
    xvSnapshotUnref(snap);
}

static void
test_vcpu_maps_are_absent_without_maplen(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();
    xvSnapVcpu *v;

    (void)state;
    v = xvSnapshotAddVcpus(snap, addDomain(snap, "a", 1), 2);
    assert_non_null(v);
    assert_int_equal(snap->nvcpus, 2);
    assert_null(snap->cpumaps);
    assert_null(xvSnapshotVcpuMap(snap, 0));
    xvSnapshotFinish(snap);
    xvSnapshotUnref(snap);
}

static void
test_find_domain_before_and_after_finish(void **state)
{
    static const char *const names[] = { "m", "c", "x", "a", "q", "b", "z" };
    xvSnapshot *snap = xvSnapshotNew();
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(names); i++)
        addDomain(snap, names[i], (int)i);
    assert_int_equal(xvSnapshotFindDomain(snap, "q")->id, 4);
    assert_null(xvSnapshotFindDomain(snap, "nope"));
    xvSnapshotFinish(snap);
    for (i = 0; i < XV_N_ELEMENTS(names); i++) {
        const xvSnapDomain *d = xvSnapshotFindDomain(snap, names[i]);

        assert_non_null(d);
        assert_string_equal(d->name, names[i]);
        assert_int_equal(d->id, (int)i);
    }
    assert_null(xvSnapshotFindDomain(snap, ""));
    assert_null(xvSnapshotFindDomain(snap, "n"));
    assert_null(xvSnapshotFindDomain(snap, "zz"));
    assert_null(xvSnapshotFindDomain(snap, NULL));
    xvSnapshotUnref(snap);
}

static void
test_collector_table_full_is_enospc(void **state)
{
    xvSnapshot *snap = xvSnapshotNew();
    size_t i;

    (void)state;
    for (i = 0; i < XV_COLLECTORS_MAX; i++)
        assert_int_equal(xvSnapshotAddCollector(snap, "c", i, i % 2 == 0), 0);
    assert_int_equal(xvSnapshotAddCollector(snap, "extra", 1, true), -ENOSPC);
    assert_int_equal(snap->ncollectors, XV_COLLECTORS_MAX);
    assert_int_equal(snap->collectors[3].durationNs, 3);
    assert_false(snap->collectors[3].success);
    assert_string_equal(snap->collectors[0].name, "c");
    xvSnapshotUnref(snap);
}

static void
test_carry_totals_copies_cumulative_errors(void **state)
{
    xvSnapshot *prev = xvSnapshotNew();
    xvSnapshot *next = xvSnapshotNew();

    (void)state;
    prev->errorsTotal[XV_CALL_GET_VCPUS] = 4;
    prev->errorsTotal[XV_CALL_OPEN] = 1;
    xvSnapshotFinish(prev);
    next->errorsTotal[XV_CALL_GET_INFO] = 99;
    xvSnapshotCarryTotals(next, prev);
    next->errorsTotal[XV_CALL_GET_VCPUS]++;
    assert_int_equal(next->errorsTotal[XV_CALL_GET_VCPUS], 5);
    assert_int_equal(next->errorsTotal[XV_CALL_OPEN], 1);
    assert_int_equal(next->errorsTotal[XV_CALL_GET_INFO], 0);
    assert_int_equal(prev->errorsTotal[XV_CALL_GET_VCPUS], 4);
    xvSnapshotCarryTotals(next, NULL);
    assert_int_equal(next->errorsTotal[XV_CALL_GET_VCPUS], 0);
    xvSnapshotUnref(prev);
    xvSnapshotUnref(next);
}

static void
test_sample_call_names_are_distinct_api_names(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < XV_CALL_LAST; i++) {
        const char *name = xvSampleCallName(i);

        assert_non_null(name);
        assert_true(strncmp(name, "vir", 3) == 0);
        for (j = 0; j < i; j++)
            assert_string_not_equal(name, xvSampleCallName(j));
    }
    assert_string_equal(xvSampleCallName(XV_CALL_GET_VCPUS), "virDomainGetVcpus");
    assert_null(xvSampleCallName(XV_CALL_LAST));
    assert_null(xvSampleCallName((xvSampleCall)-1));
}

/* Runs @fn on a fresh finished snapshot in a child; true if the child aborted. */
static bool
abortsAfterFinish(void (*fn)(xvSnapshot *))
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        xvSnapshot *snap = xvSnapshotNew();

        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        xvSnapshotFinish(snap);
        fn(snap);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
changeAddDomain(xvSnapshot *snap)
{
    xvSnapshotAddDomain(snap);
}

static void
changeFinish(xvSnapshot *snap)
{
    xvSnapshotFinish(snap);
}

static void
changeCollector(xvSnapshot *snap)
{
    xvSnapshotAddCollector(snap, "late", 1, true);
}

static void
readOnly(xvSnapshot *snap)
{
    xvSnapshotFindDomain(snap, "x");
    xvSnapshotRef(snap);
    xvSnapshotUnref(snap);
}

static void
test_changing_a_finished_snapshot_aborts(void **state)
{
    (void)state;
    assert_true(abortsAfterFinish(changeAddDomain));
    assert_true(abortsAfterFinish(changeFinish));
    assert_true(abortsAfterFinish(changeCollector));
    assert_false(abortsAfterFinish(readOnly));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_new_snapshot_is_empty_with_one_reference),
    cmocka_unit_test(test_ref_and_unref_count_references),
    cmocka_unit_test(test_references_are_atomic_across_threads),
    cmocka_unit_test(test_finish_sorts_domains_by_name_keeping_their_vcpus),
    cmocka_unit_test(test_finish_sorts_vcpus_by_number_with_their_maps),
    cmocka_unit_test(test_add_vcpus_extends_the_last_domain),
    cmocka_unit_test(test_drop_last_domain_removes_its_vcpus),
    cmocka_unit_test(test_vcpu_maps_are_absent_without_maplen),
    cmocka_unit_test(test_find_domain_before_and_after_finish),
    cmocka_unit_test(test_collector_table_full_is_enospc),
    cmocka_unit_test(test_carry_totals_copies_cumulative_errors),
    cmocka_unit_test(test_sample_call_names_are_distinct_api_names),
    cmocka_unit_test(test_changing_a_finished_snapshot_aborts),
};

XV_TEST_MAIN(tests)
