/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvunits.h: quantities written as an unsigned decimal immediately
 * followed by a unit ("500ms", "2GiB"), as the agent's configuration and
 * xvirsh's options take them. No sign, no blank, no fraction.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A unit: its name and how many of the base unit it is. */
typedef struct _xvUnit xvUnit;
struct _xvUnit {
    const char *name;
    uint64_t factor;
};

/*
 * Reads @text, an unsigned decimal immediately followed by the name of one
 * of the @n @units (a bare 0 too when @bareZero), into the base unit.
 * Returns 0, -EINVAL if @text is not that, or -ERANGE if the value does
 * not fit in 64 bits.
 */
int xvParseUnits(const char *text, const xvUnit *units, size_t n, bool bareZero,
                 uint64_t *ret);

/* A duration with a unit, ms, s, m or h ("500ms", "15s", "2m", "1h"; a bare
 * number is -EINVAL), in milliseconds: as xvParseUnits(). */
int xvParseDuration(const char *text, uint64_t *retMs);
