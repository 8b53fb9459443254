/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvuuid.h: RFC 4122 UUIDs as 16 raw bytes and as strings. */
#pragma once

#include <stdbool.h>

#define XV_UUID_BUFLEN 16           /* raw bytes */
#define XV_UUID_STRING_BUFLEN 37    /* the dashed form and its NUL */

/* Parses 32 hex digits, with or without dashes anywhere between byte pairs
 * (libvirt accepts both); surrounding whitespace allowed. Returns 0 or -1
 * (no error reported). */
int xvUUIDParse(const char *str, unsigned char *uuid);
/* Writes the lowercase dashed form into @buf (37 bytes). */
void xvUUIDFormat(const unsigned char *uuid, char *buf);
/* A random version-4 UUID from getrandom(). Returns 0 or -1. */
int xvUUIDGenerate(unsigned char *uuid);
/* Whether all 16 bytes of @uuid are zero. */
bool xvUUIDIsNull(const unsigned char *uuid);
