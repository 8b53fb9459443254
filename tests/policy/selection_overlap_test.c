/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* selection_overlap_test.c: unit tests of the domain-selection overlap analyser. */
#include "src/policy/selection_overlap.h"

#include <stdbool.h>
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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_globs_meet_when_one_name_can_match_both),
    cmocka_unit_test(test_the_reason_names_the_first_pair_that_meets),
};

XV_TEST_MAIN(tests)
