/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_basic_auth.c: the Authorization header of a request, as the web
 * configuration reads it (exporters/web_config.h): base64 and the
 * "Basic user:password" split, on raw bytes from the network. Checks the
 * promises: the decoded length fits the room the header promises, the
 * user and password lie in the buffer and are NUL-terminated where said,
 * the user has no ':', and what decodes re-encodes to the same base64.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/web_config.h"

static void
fuzzFail(const char *what)
{
    fprintf(stderr, "web_config broke its promise: %s\n", what);
    abort();
}

/* Standard base64 of @n bytes of @in into @out (room for n / 3 * 4 + 5). */
static size_t
fuzzEncode(const unsigned char *in, size_t n, char *out)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;

    for (i = 0; i < n; i += 3) {
        unsigned int v = (unsigned int)in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) |
                         (i + 2 < n ? in[i + 2] : 0);

        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    return o;
}

static void
fuzzBase64(const char *data, size_t size)
{
    unsigned char *out = malloc(size / 4 * 3 + 1);
    char *again;
    long n = xvWebBase64Decode(data, size, out);

    if (n >= 0) {
        if ((size_t)n > size / 4 * 3)
            fuzzFail("decoded more than the room promised");
        size_t pad = size && data[size - 1] == '=' ? (data[size - 2] == '=' ? 2 : 1) : 0;
        /* the digit before the padding may carry bits no byte uses: it is
         * left out, the rest must be the same */
        size_t same = pad ? size - pad - 1 : size;

        again = malloc((size_t)n / 3 * 4 + 5);
        if (fuzzEncode(out, (size_t)n, again) != size || memcmp(again, data, same) != 0 ||
            memcmp(again + size - pad, data + size - pad, pad) != 0)
            fuzzFail("what decodes does not re-encode to the same base64");
        free(again);
    }
    free(out);
}

static void
fuzzBasic(const char *data, size_t size)
{
    unsigned char *buf = malloc(size / 4 * 3 + 1);
    char *user, *password;
    size_t plen;

    if (xvWebParseBasic(data, size, buf, &user, &password, &plen)) {
        if (user != (char *)buf || password <= user || password > (char *)buf + size / 4 * 3)
            fuzzFail("user or password outside the buffer");
        if (strchr(user, ':'))
            fuzzFail("a ':' in the user name");
        if (strlen(password) != plen)
            fuzzFail("the password's length is not where its NUL is");
    }
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzBase64((const char *)data, size);
    fuzzBasic((const char *)data, size);
    return 0;
}
