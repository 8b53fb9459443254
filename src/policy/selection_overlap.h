/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * selection_overlap.h: whether two policies' `domains:` selections may pick
 * the same domain, for the engine's rule that enabled policies of one type
 * select disjoint domains.
 */
#pragma once

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
