/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gzip_test.c: unit tests of the gzip bodies compressed once and finished
 * per reply (exporters/gzip.h), read back by zlib's own gzip decoder. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "exporters/gzip.h"
#include "xvtest.h"

/* Inflates the gzip stream @data (@len bytes) with zlib, expecting exactly
 * one member and nothing after it; returns the bytes (to free()). */
static char *
gunzip(const char *data, size_t len, size_t *outLen)
{
    z_stream zs;
    size_t cap = 1024, have = 0;
    char *out = malloc(cap);
    int rc;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    do {
        if (have == cap)
            out = realloc(out, cap *= 2);
        zs.next_out = (Bytef *)out + have;
        zs.avail_out = (uInt)(cap - have);
        rc = inflate(&zs, Z_NO_FLUSH);
        have = cap - zs.avail_out;
    } while (rc == Z_OK);
    /* Z_STREAM_END checks the trailer's CRC-32 and length */
    assert_int_equal(rc, Z_STREAM_END);
    assert_int_equal(zs.avail_in, 0);
    inflateEnd(&zs);
    *outLen = have;
    return out;
}

/* Compresses @body, finishes it with @tail, inflates the whole and checks
 * that it is @body then @tail. */
static void
roundTrip(const char *body, size_t bodyLen, const char *tail, size_t tailLen, int level)
{
    xvGzipOpen gz;
    xvBuf end = XV_BUF_INIT;
    char *whole, *plain;
    size_t wholeLen, plainLen;

    assert_int_equal(xvGzipOpenCompress(body, bodyLen, level, &gz), 0);
    assert_int_equal(gz.inLen, bodyLen);
    assert_int_equal(gz.crc, (uint32_t)crc32(0, (const Bytef *)body, (uInt)bodyLen));
    xvGzipClose(&gz, tail, tailLen, &end);
    assert_true(end.len <= xvGzipCloseBound(tailLen));

    wholeLen = gz.len + end.len;
    whole = malloc(wholeLen);
    memcpy(whole, gz.data, gz.len);
    memcpy(whole + gz.len, end.data, end.len);
    plain = gunzip(whole, wholeLen, &plainLen);
    assert_int_equal(plainLen, bodyLen + tailLen);
    assert_memory_equal(plain, body, bodyLen);
    if (tailLen)
        assert_memory_equal(plain + bodyLen, tail, tailLen);
    free(plain);
    free(whole);
    xvBufFree(&end);
    xvGzipOpenFree(&gz);
}

/* Metrics-like text of about @n bytes, so compression has work to do. */
static char *
metricsText(size_t n, size_t *len)
{
    xvBuf buf = XV_BUF_INIT;
    unsigned int i = 0;

    while (buf.len < n)
        xvBufAsprintf(&buf, "xvirt_vcpu_time_seconds_total{domain=\"dom%u\",vcpu=\"%u\"} %u.%03u\n",
                      i / 4, i % 4, i * 7919u % 100000u, i % 1000u), i++;
    return xvBufSteal(&buf, len);
}

static void
test_body_then_tail_read_back_as_one_member(void **state)
{
    size_t len;
    char *text = metricsText(300 * 1000, &len);
    const char tail[] = "# TYPE xvirt_scrapes_total counter\nxvirt_scrapes_total 7\n# EOF\n";

    (void)state;
    roundTrip(text, len, tail, sizeof(tail) - 1, 1);
    roundTrip(text, len, tail, sizeof(tail) - 1, 6);
    roundTrip(text, len, tail, sizeof(tail) - 1, 9);
    free(text);
}

static void
test_empty_parts(void **state)
{
    (void)state;
    roundTrip("", 0, "", 0, 4);
    roundTrip("", 0, "tail only\n", 10, 4);
    roundTrip("body only\n", 10, "", 0, 4);
}

/* A tail longer than a stored block holds is split into several, only the
 * last one final. */
static void
test_tail_longer_than_a_stored_block(void **state)
{
    size_t tailLen;
    char *tail = metricsText(200 * 1000, &tailLen);

    (void)state;
    assert_true(tailLen > 3 * 65535);
    roundTrip("head\n", 5, tail, tailLen, 4);
    roundTrip("head\n", 5, tail, 65535, 4);
    roundTrip("head\n", 5, tail, 65536, 4);
    free(tail);
}

/* Random bytes (incompressible) grow a little, and still read back; the
 * open part is reusable: two replies finish it differently. */
static void
test_incompressible_and_two_tails(void **state)
{
    size_t len = 100 * 1000, i;
    char *noise = malloc(len);
    uint32_t x = 2463534242u;

    (void)state;
    for (i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        noise[i] = (char)x;
    }
    roundTrip(noise, len, "a\n", 2, 4);
    roundTrip(noise, len, "bb\n", 3, 4);
    free(noise);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_body_then_tail_read_back_as_one_member),
    cmocka_unit_test(test_empty_parts),
    cmocka_unit_test(test_tail_longer_than_a_stored_block),
    cmocka_unit_test(test_incompressible_and_two_tails),
};

XV_TEST_MAIN(tests)
