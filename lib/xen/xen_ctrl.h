/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_ctrl.h: the real privileged interface of the seam (xenctrl, libxl). */
#pragma once

#include "xen/xen_hv.h"

extern const xvXenCtrlOps xvXenCtrlReal;
