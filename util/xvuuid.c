/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvuuid.c: RFC 4122 UUID parsing, formatting and generation. */
#include "util/xvuuid.h"

#include "util/xvmacros.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

int
xvUUIDParse(const char *str, unsigned char *uuid)
{
    size_t i = 0;

    while (isspace((unsigned char)*str))
        str++;
    while (i < XV_UUID_BUFLEN) {
        int hi, lo;

        if (*str == '-') {
            str++;
            continue;
        }
        hi = xvHexDigit(str[0]);
        lo = hi < 0 ? -1 : xvHexDigit(str[1]);
        if (lo < 0)
            return -1;
        uuid[i++] = (unsigned char)(hi << 4 | lo);
        str += 2;
    }
    while (isspace((unsigned char)*str))
        str++;
    return *str == '\0' ? 0 : -1;
}

void
xvUUIDFormat(const unsigned char *u, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    /* by hand, not snprintf: the agent formats one per domain per sample */
    for (i = 0; i < XV_UUID_BUFLEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *buf++ = '-';
        *buf++ = hex[u[i] >> 4];
        *buf++ = hex[u[i] & 0x0f];
    }
    *buf = '\0';
}

int
xvUUIDGenerate(unsigned char *uuid)
{
    size_t got = 0;

    while (got < XV_UUID_BUFLEN) {
        ssize_t n = getrandom(uuid + got, XV_UUID_BUFLEN - got, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
    return 0;
}

bool
xvUUIDIsNull(const unsigned char *uuid)
{
    static const unsigned char zero[XV_UUID_BUFLEN];

    return memcmp(uuid, zero, XV_UUID_BUFLEN) == 0;
}
