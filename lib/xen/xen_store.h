/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_store.h: the real xenstore side of the seam (libxenstore). */
#pragma once

#include "xen/xen_hv.h"

extern const xvXenStoreOps xvXenStoreReal;
