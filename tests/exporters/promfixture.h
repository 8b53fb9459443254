/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* promfixture.h: hand-built snapshots for the exporter tests and goldens. */
#pragma once

#include <stddef.h>

#include "exporters/prometheus.h"
#include "exporters/self_metrics.h"

/*
 * The goldens' snapshot: a connected Xen node, seven domains added out of
 * order (names needing escaping, invalid UTF-8, paused/crashed/shutoff
 * states, an offline vcpu, vcpus added in reverse order, a domain whose
 * virDomainGetVcpus failed), cumulative errors and a failed collector.
 */
xvSnapshot *promFixtureGolden(void);
/* A sample that could not reach the hypervisor: no node, no domains. */
xvSnapshot *promFixtureDown(void);
/*
 * @ndomains running domains "dom-00000".. of @nvcpus vcpus each, on a
 * 64-CPU node, with three successful collectors.
 */
xvSnapshot *promFixtureLarge(size_t ndomains, size_t nvcpus);
/* The goldens' per-scrape values. */
void promFixtureSelf(xvPromSelf *self);
/* A whole exposition, [body][self][end], as a string to free(). */
char *promFixtureExposition(const xvSnapshot *snap, const xvPromSelf *self, xvPromFormat fmt,
                            size_t *retlen);
