/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvunits.c: numbers with a unit ("500ms", "2GiB"), read. */
#include "util/xvunits.h"

#include <errno.h>
#include <string.h>

#include "util/xvmacros.h"

int
xvParseUnits(const char *text, const xvUnit *units, size_t n, bool bareZero, uint64_t *ret)
{
    uint64_t value = 0;
    bool overflow = false;
    const char *p = text;
    size_t i;

    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned int digit = (unsigned int)(*p - '0');

        if (value > (UINT64_MAX - digit) / 10)
            overflow = true;
        else
            value = value * 10 + digit;
    }
    if (bareZero && *p == '\0' && value == 0 && !overflow) {
        *ret = 0;
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(p, units[i].name) != 0)
            continue;
        if (overflow || value > UINT64_MAX / units[i].factor)
            return -ERANGE;
        *ret = value * units[i].factor;
        return 0;
    }
    return -EINVAL;
}

int
xvParseDuration(const char *text, uint64_t *retMs)
{
    static const xvUnit units[] = {
        { "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 }, { "h", 60 * 60 * 1000 },
    };

    return xvParseUnits(text, units, XV_N_ELEMENTS(units), false, retMs);
}
