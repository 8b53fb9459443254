/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * selection_overlap.h: whether two policies' `domains:` selections may pick
 * the same domain, for the engine's rule that enabled policies of one type
 * select disjoint domains.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/*
 * Why the selections @p (of the policy @pName) and @q (of @qName) may pick
 * one domain ("name 'web-*' of 'a' and name 'web-1' of 'b' can be the same
 * domain"), or NULL if they provably cannot: name globs no name matches
 * both of, distinct UUIDs, or what one picks left out by the other's
 * exclude (a literal name or a UUID). Every domain, or a UUID against a
 * name, may overlap. To free().
 */
char *xvPolicyDomainsOverlap(const xvPolicyDomains *p, const char *pName,
                             const xvPolicyDomains *q, const char *qName);

/*
 * An index of selections, so that checking each of n policies against the
 * ones before it costs about n comparisons, not n * n / 2: exact names and
 * UUIDs are hashed, globs grouped by their literal prefix (the bytes before
 * the first *, ?, [ or \), and a new selection is compared, with
 * xvPolicyDomainsOverlap(), only with the earlier ones it may meet: those
 * sharing a name or UUID, globs whose prefix fits its names, and any that
 * select by UUID against its names (or by name against its UUIDs) or that
 * select every domain. Its answers are xvPolicyDomainsOverlap()'s, in the
 * order the selections were added. A glob starting with a wildcard is
 * compared with every earlier name selector.
 */
typedef struct _xvOverlapIndex xvOverlapIndex;

xvOverlapIndex *xvOverlapIndexNew(void);
/* NULL is a no-op. */
void xvOverlapIndexFree(xvOverlapIndex *idx);
/* Adds the selection @d of the policy @name as @id. Both are borrowed and
 * must outlive the index. */
void xvOverlapIndexAdd(xvOverlapIndex *idx, const xvPolicyDomains *d, const char *name,
                       size_t id);
/* The first added selection that may pick a domain @d (of the policy
 * @name) picks: true with its @id in *@retId and why in *@retWhy (as
 * xvPolicyDomainsOverlap(@d, @name, it, its name); to free()); false if
 * none may. */
bool xvOverlapIndexFind(xvOverlapIndex *idx, const xvPolicyDomains *d, const char *name,
                        size_t *retId, char **retWhy);
/* How many pairs of selections Find compared so far: the index's cost. */
size_t xvOverlapIndexComparisons(const xvOverlapIndex *idx);
