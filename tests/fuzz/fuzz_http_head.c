/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_http_head.c: the request head of the agent's HTTP server
 * (exporters/http_parse.c): framing, request line, fields, route, Accept
 * and Accept-Encoding, on raw bytes. Checks the promises of http_parse.h:
 * the statuses it may return, spans inside the buffer, versions 1.0/1.1,
 * q-values in 0..1000.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "exporters/http_parse.h"

static const char *fuzzBuf;
static size_t fuzzLen;

static void
fuzzFail(const char *what)
{
    fprintf(stderr, "http_parse broke its promise: %s\n", what);
    abort();
}

/* A span must lie in the input (an empty one may point anywhere). */
static void
fuzzCheckSpan(xvHttpSpan span, const char *what)
{
    if (span.len == 0)
        return;
    if (span.ptr < fuzzBuf || span.len > fuzzLen || span.ptr - fuzzBuf > (ptrdiff_t)(fuzzLen - span.len))
        fuzzFail(what);
}

/* The query parameters (/debug/nodedump's) lie in the target. */
static void
fuzzCheckQuery(xvHttpSpan target)
{
    static const char *const names[] = { "samples", "interval", NULL };
    xvHttpSpan v = { NULL, 0 };

    if (xvHttpQueryParam(target, "samples", &v))
        fuzzCheckSpan(v, "query value");
    if (!xvHttpQueryOnly(target, names, &v))
        fuzzCheckSpan(v, "unknown query parameter");
}

static void
fuzzCheckAccept(const char *data, size_t len)
{
    xvHttpMediaRange ranges[XV_HTTP_MAX_RANGES];
    size_t n = xvHttpParseAccept(data, len, ranges, XV_HTTP_MAX_RANGES);

    if (n > XV_HTTP_MAX_RANGES)
        fuzzFail("more media ranges than room");
    for (size_t i = 0; i < n; i++) {
        if (ranges[i].q < 0 || ranges[i].q > XV_HTTP_Q_MAX)
            fuzzFail("a q-value out of 0..1000");
        fuzzCheckSpan(ranges[i].type, "media type");
        fuzzCheckSpan(ranges[i].subtype, "media subtype");
        fuzzCheckSpan(ranges[i].version, "version parameter");
    }
    (void)xvHttpWantsOpenMetrics(data, len);
}

static void
fuzzCheckEncoding(const char *data, size_t len)
{
    int q = xvHttpEncodingQuality(data, len, "gzip");

    if (q < -1 || q > XV_HTTP_Q_MAX)
        fuzzFail("an encoding quality out of -1..1000");
}

static void
fuzzCheckRequest(const xvHttpRequest *req)
{
    xvHttpSpan value;

    if (req->minorVersion != 0 && req->minorVersion != 1)
        fuzzFail("a version other than 1.0 and 1.1 accepted");
    if (req->nfields > XV_HTTP_MAX_FIELDS)
        fuzzFail("more fields than room");
    fuzzCheckSpan(req->methodName, "method");
    fuzzCheckSpan(req->target, "target");
    fuzzCheckSpan(req->path, "path");
    if (req->path.len == 0 || req->path.len > req->target.len || req->path.ptr != req->target.ptr)
        fuzzFail("the path is not the start of the target");
    for (size_t i = 0; i < req->nfields; i++) {
        fuzzCheckSpan(req->fields[i].name, "field name");
        fuzzCheckSpan(req->fields[i].value, "field value");
    }
    (void)xvHttpRoutePath(req->path.ptr, req->path.len);
    fuzzCheckQuery(req->target);
    if (xvHttpRequestField(req, "Accept", &value)) {
        fuzzCheckSpan(value, "Accept");
        fuzzCheckAccept(value.ptr, value.len);
    }
    if (xvHttpRequestField(req, "Accept-Encoding", &value)) {
        fuzzCheckSpan(value, "Accept-Encoding");
        fuzzCheckEncoding(value.ptr, value.len);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    xvHttpRequest req;
    size_t head;
    int rc;

    fuzzBuf = text;
    fuzzLen = size;
    head = xvHttpFindHeadEnd(text, size);
    if (head > size)
        fuzzFail("a head longer than the input");
    rc = xvHttpParseRequest(text, head ? head : size, &req);
    if (rc == 0)
        fuzzCheckRequest(&req);
    else if (rc != 400 && rc != 431 && rc != 505)
        fuzzFail("a status other than 0, 400, 431 and 505");
    /* the value parsers, on the whole input as one field value */
    fuzzCheckAccept(text, size);
    fuzzCheckEncoding(text, size);
    (void)xvHttpRoutePath(text, size);
    return 0;
}
