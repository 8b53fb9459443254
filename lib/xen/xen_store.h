/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_store.h: the real xenstore side of the seam (libxenstore). */
#pragma once

#include "xen/xen_hv.h"

extern const xvXenStoreOps xvXenStoreReal;

/*
 * libxenstore's opens are not thread-safe: the socket's path is built in a
 * static buffer at each call (xs_daemon_socket(), also inside xs_open), and
 * snprintf starts by emptying it, so two threads opening at once (the
 * agent's sampler and its event listener) could read "" and fail with
 * ENOENT. Every open of the process holds this lock: ours (xvXenStoreReal's
 * open) and libxl's (libxl_ctx_alloc opens xenstore too).
 */
void xvXenStoreOpenLock(void);
void xvXenStoreOpenUnlock(void);
