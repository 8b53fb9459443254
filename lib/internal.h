/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h: what every file of libxvirt includes: the util layer's macros and
 * allocation (util/), and the few definitions only the library needs (never installed). */
#pragma once

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"
#include "util/xvmacros.h"

/* A symbol the shared library exports (lib/libxvirt.syms keeps only vir*). */
#define XV_EXPORT __attribute__((visibility("default")))
/* A private function libxvirt.so exports to its driver modules only, under
 * the XVIRT_PRIVATE_0.1 version node (lib/libxvirt.syms, driver.h). Every
 * one is listed there and in debian/libxvirt0.symbols. */
#define XV_PRIVATE __attribute__((visibility("default")))
