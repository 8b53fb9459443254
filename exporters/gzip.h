/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gzip.h: gzip bodies (RFC 1952) made of a part compressed once and a small
 * part added per reply, so a scrape asking for gzip costs no compression.
 *
 * A snapshot's rendered body is compressed once (xvGzipOpen): the gzip
 * header, then deflate blocks (RFC 1951) ended by a sync flush, so the
 * stream stops on a byte boundary without its last block. Each reply then
 * ends that stream its own way (xvGzipClose): the per-scrape text (the
 * agent's self metrics, a few hundred bytes) as stored deflate blocks, the
 * last one marked final, and the gzip trailer (the CRC-32 of everything,
 * combined from the two parts' CRCs, and the length). The result is one
 * ordinary gzip member, which every decoder reads.
 *
 * Pure: no global state; allocation failures abort (util/xvalloc.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util/xvbuf.h"

/* The compressed part of a gzip body. */
typedef struct _xvGzipOpen xvGzipOpen;
struct _xvGzipOpen {
    char *data;         /* gzip header + deflate blocks, unfinished; to free() */
    size_t len;
    uint32_t crc;       /* CRC-32 of the uncompressed bytes */
    size_t inLen;       /* how many uncompressed bytes */
};

/* Most bytes xvGzipClose() appends for @tailLen bytes of tail. */
size_t xvGzipCloseBound(size_t tailLen);

/*
 * Compresses @len bytes at @data (zlib compression @level, 1..9) into
 * *@out, unfinished: xvGzipClose() must follow before the bytes are a gzip
 * stream. Returns 0, or -1 if zlib refused (then *@out is left empty).
 */
int xvGzipOpenCompress(const char *data, size_t len, int level, xvGzipOpen *out);

/* Frees what xvGzipOpenCompress() allocated; NULL-safe. */
void xvGzipOpenFree(xvGzipOpen *gz);

/*
 * Appends to @buf what ends the stream of @gz with the @tailLen bytes at
 * @tail (may be 0) uncompressed: stored blocks, then the trailer. The body
 * served is gz->data followed by what was appended.
 */
void xvGzipClose(const xvGzipOpen *gz, const char *tail, size_t tailLen, xvBuf *buf);
