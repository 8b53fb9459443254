/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gzip.c: gzip bodies compressed once and finished per reply (gzip.h). */
#include "gzip.h"

#include <stdbool.h>
#include <string.h>

#include <zlib.h>

#include "util/xvalloc.h"

/* A stored deflate block holds at most this many bytes (RFC 1951 3.2.4). */
#define GZIP_STORED_MAX 65535u

/* zlib's window for gzip output: 15 bits plus 16 asks for the gzip wrapper. */
#define GZIP_WINDOW_BITS (15 + 16)

/* Deflate's memory level: zlib's default, about 256 KiB of state. */
#define GZIP_MEM_LEVEL 8

size_t
xvGzipCloseBound(size_t tailLen)
{
    size_t blocks = tailLen / GZIP_STORED_MAX + 1;

    /* 5 header bytes per stored block, 8 bytes of trailer */
    return tailLen + blocks * 5 + 8;
}

/* Grows @out's room so deflate can go on writing. */
static void
gzipMoreRoom(z_stream *zs, xvBuf *out)
{
    out->len = (size_t)((char *)zs->next_out - out->data);
    xvBufReserve(out, out->len + 4096);
    zs->next_out = (Bytef *)out->data + out->len;
    zs->avail_out = (uInt)(out->cap - out->len - 1 > UINT32_MAX ? UINT32_MAX
                           : out->cap - out->len - 1);
}

int
xvGzipOpenCompress(const char *data, size_t len, int level, xvGzipOpen *out)
{
    z_stream zs;
    xvBuf buf = XV_BUF_INIT;
    size_t done = 0;
    int rc = Z_OK;

    memset(out, 0, sizeof(*out));
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, level, Z_DEFLATED, GZIP_WINDOW_BITS, GZIP_MEM_LEVEL,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    /* metrics text compresses about tenfold: start there */
    xvBufReserve(&buf, len / 8 + 64);
    zs.next_out = (Bytef *)buf.data;
    zs.avail_out = (uInt)(buf.cap - 1 > UINT32_MAX ? UINT32_MAX : buf.cap - 1);
    /* a sync flush, not a finish: the stream ends on a byte boundary and
     * without a final block, so each reply can append its own */
    do {
        size_t chunk = len - done > UINT32_MAX ? UINT32_MAX : len - done;

        zs.next_in = (Bytef *)(data + done);
        zs.avail_in = (uInt)chunk;
        done += chunk;
        do {
            if (zs.avail_out == 0)
                gzipMoreRoom(&zs, &buf);
            rc = deflate(&zs, done == len ? Z_SYNC_FLUSH : Z_NO_FLUSH);
        } while (rc == Z_OK && (zs.avail_in > 0 || zs.avail_out == 0));
    } while (rc == Z_OK && done < len);
    buf.len = (size_t)((char *)zs.next_out - buf.data);
    deflateEnd(&zs);
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
        xvBufFree(&buf);
        return -1;
    }
    out->crc = (uint32_t)crc32_z(0, (const Bytef *)data, len);
    out->inLen = len;
    out->data = xvBufSteal(&buf, &out->len);
    return 0;
}

void
xvGzipOpenFree(xvGzipOpen *gz)
{
    if (!gz)
        return;
    free(gz->data);
    memset(gz, 0, sizeof(*gz));
}

static void
gzipPutLE32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

void
xvGzipClose(const xvGzipOpen *gz, const char *tail, size_t tailLen, xvBuf *buf)
{
    unsigned char *p = (unsigned char *)xvBufAt(buf, xvGzipCloseBound(tailLen));
    size_t done = 0;
    uint32_t crc;

    /* stored blocks: a header byte (BFINAL on the last, BTYPE 00; the
     * stream is byte-aligned after the sync flush), LEN and ~LEN */
    do {
        size_t n = tailLen - done > GZIP_STORED_MAX ? GZIP_STORED_MAX : tailLen - done;
        bool last = done + n == tailLen;

        *p++ = last ? 1 : 0;
        *p++ = (unsigned char)n;
        *p++ = (unsigned char)(n >> 8);
        *p++ = (unsigned char)~n;
        *p++ = (unsigned char)(~n >> 8);
        if (n)
            memcpy(p, tail + done, n);
        p += n;
        done += n;
    } while (done < tailLen);
    crc = (uint32_t)crc32_z(0, (const Bytef *)tail, tailLen);
    crc = (uint32_t)crc32_combine64(gz->crc, crc, (z_off64_t)tailLen);
    gzipPutLE32(p, crc);
    /* ISIZE: the length modulo 2^32 */
    gzipPutLE32(p + 4, (uint32_t)(gz->inLen + tailLen));
    p += 8;
    xvBufCommit(buf, (char *)p);
}
