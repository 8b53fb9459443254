/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render_old.h: the renderer of commit 844d2f0, kept for render_bench's side-by-side run. */
#pragma once

#include <stddef.h>

#include "prometheus.h"

/* What xvPromRender() returned at commit 844d2f0: the snapshot's families
 * as a new string (to free()), its length in *retlen if not NULL. */
char *benchOldPromRender(const xvSnapshot *snap, xvPromFormat fmt, size_t *retlen);
