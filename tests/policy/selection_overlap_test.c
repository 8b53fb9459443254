/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* selection_overlap_test.c: unit tests of the domain-selection overlap analyser. */
#include "src/policy/selection_overlap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvmacros.h"
#include "xvtest.h"

#define U1 "ab000000-0000-0000-0000-000000000001"
#define U2 "ab000000-0000-0000-0000-000000000002"

/* Whether a selection of the names @a meets one of the names @b (both
 * NULL-terminated, no uuids, no excludes), checked both ways round. */
static bool
namesMeet(const char *const *a, const char *const *b)
{
    xvPolicyDomains p = { .names = (char **)a }, q = { .names = (char **)b };
    char *pq, *qp;
    bool meet;

    for (; a[p.nnames]; p.nnames++)
        ;
    for (; b[q.nnames]; q.nnames++)
        ;
    pq = xvPolicyDomainsOverlap(&p, "p", &q, "q");
    qp = xvPolicyDomainsOverlap(&q, "q", &p, "p");
    assert_int_equal(pq != NULL, qp != NULL);     /* the question is symmetric */
    meet = pq != NULL;
    free(pq);
    free(qp);
    return meet;
}

static void
test_globs_meet_when_one_name_can_match_both(void **state)
{
    static const struct {
        const char *a, *b;
        bool meet;
    } cases[] = {
        { "web*", "w*", true },
        { "web*", "*.db", true },
        { "web*", "db*", false },
        { "web?", "web", false },
        { "web?", "*1", true },
        { "*a*", "*b*", true },
        { "a*b", "*c", false },
        { "[!a]x", "ax", false },
        { "[!a]x", "bx", true },
        { "web[0-4]*", "web[5-9]*", false },
        { "web[0-4]*", "web[3-9]*", true },
        { "[[:alpha:]]1", "x1", true },             /* a class: any character */
        { "web\\*", "webx", false },                /* an escaped star is a star */
        { "web\\*", "web*", true },
        { "[ab", "[ab", true },                     /* unclosed: ordinary characters */
        { "[ab", "a", false },
        { "", "*", true },
        { "", "?", false },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        const char *a[] = { cases[i].a, NULL }, *b[] = { cases[i].b, NULL };

        if (namesMeet(a, b) != cases[i].meet)
            fail_msg("'%s' and '%s': expected %s", cases[i].a, cases[i].b,
                     cases[i].meet ? "a meeting" : "none");
    }
}

static void
test_the_reason_names_the_first_pair_that_meets(void **state)
{
    char *p_names[] = { (char *)"db*", (char *)"web*" };
    char *q_uuids[] = { (char *)U1 };
    char *excl[] = { (char *)U1 };
    xvPolicyDomains p = { .names = p_names, .nnames = 2 };
    xvPolicyDomains q = { .uuids = q_uuids, .nuuids = 1 };
    xvPolicyDomains every = { 0 };
    char *why;

    (void)state;
    why = xvPolicyDomainsOverlap(&p, "a", &q, "b");
    assert_string_equal(why, "name 'db*' of 'a' and uuid " U1 " of 'b' can be the same domain");
    free(why);
    why = xvPolicyDomainsOverlap(&every, "a", &every, "b");
    assert_string_equal(why, "every domain of 'a' and every domain of 'b' can be the same "
                        "domain");
    free(why);
    /* an exclude of the UUID settles it, whatever the case of its letters */
    every.exclude = excl;
    every.nexclude = 1;
    assert_null(xvPolicyDomainsOverlap(&every, "a", &q, "b"));
    q_uuids[0] = (char *)U2;
    why = xvPolicyDomainsOverlap(&every, "a", &q, "b");
    assert_string_equal(why, "every domain of 'a' and uuid " U2 " of 'b' can be the same domain");
    free(why);
}

/* ---- the index ---------------------------------------------------------- */

#define RANDOM_SETS 60
#define RANDOM_POLICIES 40

/* A small world, so that random selections often meet and often do not. */
static const char *const randomNames[] = {
    "a", "b", "ab", "ba", "a-1", "a-2", "b-1", "*", "a*", "b*", "*1", "a-?", "?-1",
    "[ab]-1", "[!a]*", "a\\*", "ab*", "a-[0-1]", "", "*-*",
};
static const char *const randomUUIDs[] = { U1, U2, "ab000000-0000-0000-0000-000000000003" };
static const char *const randomExcludes[] = { "a", "b-1", "a*", U1, U2, "*" };

static size_t
pick(size_t n)
{
    return (size_t)rand() % n;
}

/* 0 to 2 of @pool (with repeats) into @out. */
static size_t
randomList(const char *const *pool, size_t npool, char **out)
{
    size_t n = pick(3), i;

    for (i = 0; i < n; i++)
        out[i] = (char *)pool[pick(npool)];
    return n;
}

typedef struct {
    char *names[2], *uuids[2], *exclude[2];
    xvPolicyDomains d;
    char label[16];
} randomPolicy;

static void
randomPolicyMake(randomPolicy *p, size_t i)
{
    memset(p, 0, sizeof(*p));
    p->d.names = p->names;
    p->d.uuids = p->uuids;
    p->d.exclude = p->exclude;
    p->d.nnames = randomList(randomNames, XV_N_ELEMENTS(randomNames), p->names);
    /* uuids less often: a UUID meets every name */
    p->d.nuuids = pick(4) == 0 ? randomList(randomUUIDs, XV_N_ELEMENTS(randomUUIDs), p->uuids) : 0;
    p->d.nexclude = randomList(randomExcludes, XV_N_ELEMENTS(randomExcludes), p->exclude);
    snprintf(p->label, sizeof(p->label), "p%zu", i);
}

/* The index answers as comparing each selection with every earlier one in
 * order did (the old check, kept here as the oracle): the same first
 * overlapping selection, the same reason. */
static void
test_index_answers_as_the_pairwise_check(void **state)
{
    randomPolicy *pol = calloc(RANDOM_POLICIES, sizeof(*pol));
    size_t set, i, j, meetings = 0;

    (void)state;
    srand(42);
    for (set = 0; set < RANDOM_SETS; set++) {
        xvOverlapIndex *idx = xvOverlapIndexNew();

        for (i = 0; i < RANDOM_POLICIES; i++) {
            char *want = NULL, *got = NULL;
            size_t wantId = SIZE_MAX, gotId = SIZE_MAX;
            bool found;

            randomPolicyMake(&pol[i], i);
            for (j = 0; j < i && !want; j++) {
                if ((want = xvPolicyDomainsOverlap(&pol[i].d, pol[i].label, &pol[j].d,
                                                   pol[j].label)))
                    wantId = j;
            }
            found = xvOverlapIndexFind(idx, &pol[i].d, pol[i].label, &gotId, &got);
            if (found != (want != NULL) || gotId != wantId ||
                (want && strcmp(want, got) != 0))
                fail_msg("set %zu policy %zu: pairwise says %zu (%s), the index %zu (%s)", set,
                         i, wantId, want ? want : "none", gotId, got ? got : "none");
            meetings += found;
            free(want);
            free(got);
            xvOverlapIndexAdd(idx, &pol[i].d, pol[i].label, i);
        }
        xvOverlapIndexFree(idx);
    }
    /* the sets exercised both answers */
    assert_true(meetings > RANDOM_SETS && meetings < RANDOM_SETS * (RANDOM_POLICIES - 1));
    free(pol);
}

#define MANY 2000

/* 2,000 disjoint policies (exact names, UUIDs, prefixed globs) cost about
 * one comparison each, where the pairwise check made ~2,000,000. */
static void
test_index_compares_disjoint_policies_about_once_each(void **state)
{
    static const char *const kinds[] = { "name", "uuid", "glob" };
    size_t k, i;

    (void)state;
    for (k = 0; k < XV_N_ELEMENTS(kinds); k++) {
        xvOverlapIndex *idx = xvOverlapIndexNew();
        xvPolicyDomains *d = calloc(MANY, sizeof(*d));
        char **strs = calloc(MANY, sizeof(*strs));
        size_t id;
        char *why;

        for (i = 0; i < MANY; i++) {
            if (k == 0)
                assert_true(asprintf(&strs[i], "vm-%zu", i) > 0);
            else if (k == 1)
                assert_true(asprintf(&strs[i], "ab000000-0000-0000-0000-%012zu", i) > 0);
            else
                assert_true(asprintf(&strs[i], "tenant-%zu-*", i) > 0);
            if (k == 1) {
                d[i].uuids = &strs[i];
                d[i].nuuids = 1;
            } else {
                d[i].names = &strs[i];
                d[i].nnames = 1;
            }
            if (xvOverlapIndexFind(idx, &d[i], strs[i], &id, &why))
                fail_msg("%s %zu: %s", kinds[k], i, why);
            xvOverlapIndexAdd(idx, &d[i], strs[i], i);
        }
        /* "tenant-1-*" and "tenant-10-*" differ at their prefixes' end: none compared */
        if (xvOverlapIndexComparisons(idx) > MANY)
            fail_msg("%s: %zu comparisons for %d policies", kinds[k],
                     xvOverlapIndexComparisons(idx), MANY);
        /* and an overlap is still found, with the first policy it meets */
        {
            xvPolicyDomains again = { .names = &strs[0], .nnames = 1 };
            xvPolicyDomains uuid = { .uuids = &strs[0], .nuuids = 1 };
            xvPolicyDomains glob = { .names = (char *[]){ (char *)"tenant-7*" }, .nnames = 1 };
            const xvPolicyDomains *late = k == 0 ? &again : k == 1 ? &uuid : &glob;

            assert_true(xvOverlapIndexFind(idx, late, "late", &id, &why));
            assert_int_equal(id, k == 2 ? 7 : 0);
            free(why);
        }
        xvOverlapIndexFree(idx);
        for (i = 0; i < MANY; i++)
            free(strs[i]);
        free(strs);
        free(d);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_globs_meet_when_one_name_can_match_both),
    cmocka_unit_test(test_the_reason_names_the_first_pair_that_meets),
    cmocka_unit_test(test_index_answers_as_the_pairwise_check),
    cmocka_unit_test(test_index_compares_disjoint_policies_about_once_each),
};

XV_TEST_MAIN(tests)
