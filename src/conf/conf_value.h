/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_value.h: typed readers of a configuration node (conf.h): booleans,
 * integers, durations, sizes and strings, each with its range, and the
 * "unknown key" message. Same conventions as conf.h.
 *
 * How values are written
 *
 * - Booleans: true/false, yes/no, on/off, in any letter case.
 * - Integers: decimal digits with an optional sign, nothing else; each key
 *   has a range.
 * - Durations: an unsigned integer immediately followed by a unit, one of
 *   ms, s, m, h ("500ms", "15s", "2m", "1h"); a bare number is an error.
 * - Sizes: an unsigned integer and a binary unit ("512MiB"); a bare number
 *   is an error, except 0.
 * - Strings: any scalar, quoted or not, but not empty.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/*
 * Each reader returns 0, or -EINVAL with @err filled at the node's
 * position; @file names the file in errors. The messages name the node's
 * key (or "value"). None accepts a null node: the caller decides whether
 * null means default.
 */
int xvConfNodeGetBool(const xvConfNode *node, const char *file, bool *ret, xvConfError *err);
int xvConfNodeGetInt(const xvConfNode *node, const char *file, long long min, long long max,
                     long long *ret, xvConfError *err);
int xvConfNodeGetDuration(const xvConfNode *node, const char *file, uint64_t minMs,
                          uint64_t maxMs, uint64_t *retMs, xvConfError *err);
/*
 * A memory size with a binary unit ("512MiB", "2GiB", "65536KiB"; also
 * "KiB", "MiB", "GiB", "TiB" and the short K, M, G, T), in KiB. A bare
 * number is refused (add a unit), except 0.
 */
int xvConfNodeGetSize(const xvConfNode *node, const char *file, uint64_t minKiB,
                      uint64_t maxKiB, uint64_t *retKiB, xvConfError *err);
/* A non-empty string: *ret is a copy to free(). */
int xvConfNodeGetString(const xvConfNode *node, const char *file, char **ret, xvConfError *err);
/* -EINVAL unless @node is of @kind: "expected a mapping, got a sequence". */
int xvConfNodeCheckKind(const xvConfNode *node, const char *file, xvConfNodeKind kind,
                        xvConfError *err);
/*
 * Reports @child's key as unknown at the key's position:
 * "unknown key 'x' in 'where' (expected one of: a, b)", or "... at the top
 * level ..." when @where is NULL. @allowed is NULL-terminated. Returns -EINVAL.
 */
int xvConfNodeUnknownKey(const xvConfNode *child, const char *file, const char *where,
                         const char *const *allowed, xvConfError *err);

/* Strict decimal, [+-]?[0-9]+: 0, -EINVAL, or -ERANGE (*ret clamped). */
int xvConfParseInt(const char *text, long long *ret);
/*
 * Parses a duration ("500ms", "15s", "2m", "1h") into milliseconds.
 * Returns 0, -EINVAL if @text is not a duration, or -ERANGE if it does not
 * fit in 64 bits of milliseconds.
 */
int xvConfParseDuration(const char *text, uint64_t *retMs);
/* Writes @ms with the largest unit that divides it exactly ("24h", "1500ms"). */
void xvConfFormatDuration(uint64_t ms, char *buf, size_t buflen);
/* Parses a size as above into KiB: 0, -EINVAL (not a size) or -ERANGE. */
int xvConfParseSize(const char *text, uint64_t *retKiB);
/* Writes @kib with the largest binary unit that divides it exactly ("512MiB"). */
void xvConfFormatSize(uint64_t kib, char *buf, size_t buflen);
