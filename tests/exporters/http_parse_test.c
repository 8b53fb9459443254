/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* http_parse_test.c: unit tests of the request-head parsers (exporters/http_parse.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/http_parse.h"
#include "xvtest.h"

/* Parses @head (a C string) and returns the status (0: parsed). The
 * bytes are copied to an exact-size heap block, so ASan sees any read past
 * the end; the block lives until the next call (the spans point into it). */
static int
parse(const char *head, xvHttpRequest *req)
{
    static char *copy;
    size_t len = strlen(head);

    free(copy);
    copy = malloc(len ? len : 1);
    memcpy(copy, head, len);
    return xvHttpParseRequest(copy, len, req);
}

static bool
spanIs(xvHttpSpan s, const char *text)
{
    return s.len == strlen(text) && memcmp(s.ptr, text, s.len) == 0;
}

/* ---- the end of the head ---- */

static void
test_head_end_is_the_first_empty_line(void **state)
{
    (void)state;
    assert_int_equal(xvHttpFindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n\r\nrest", 31), 27);
    assert_int_equal(xvHttpFindHeadEnd("GET / HTTP/1.0\n\n", 16), 16);
    assert_int_equal(xvHttpFindHeadEnd("GET / HTTP/1.0\r\nHost: x\r\n", 25), 0);
    assert_int_equal(xvHttpFindHeadEnd("GET / HTTP/1.0\r\n\r", 17), 0);
    assert_int_equal(xvHttpFindHeadEnd("", 0), 0);
    /* only the given length is looked at */
    assert_int_equal(xvHttpFindHeadEnd("GET / HTTP/1.0\n\n", 15), 0);
}

/* ---- request lines ---- */

static void
test_a_plain_get_is_parsed_into_spans(void **state)
{
    xvHttpRequest req;
    xvHttpSpan v;

    (void)state;
    assert_int_equal(parse("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n"
                           "Accept:  text/plain ;q=0.5 \r\n\r\n", &req), 0);
    assert_int_equal(req.method, XV_HTTP_METHOD_GET);
    assert_true(spanIs(req.methodName, "GET"));
    assert_true(spanIs(req.target, "/metrics?x=1"));
    assert_true(spanIs(req.path, "/metrics"));
    assert_int_equal(req.minorVersion, 1);
    assert_int_equal(req.nfields, 2);
    assert_true(xvHttpRequestField(&req, "accept", &v));
    assert_true(spanIs(v, "text/plain ;q=0.5"));
    assert_false(xvHttpRequestField(&req, "Connection", &v));
    assert_true(req.keepAlive);
    assert_false(req.hasBody);
}

static void
test_versions_other_than_1_0_and_1_1_are_refused(void **state)
{
    xvHttpRequest req;

    (void)state;
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &req), 0);
    assert_int_equal(req.minorVersion, 0);
    assert_false(req.keepAlive);
    /* well-formed but another version: 505 */
    assert_int_equal(parse("GET / HTTP/99999999999999999999.1\r\nHost: x\r\n\r\n", &req), 505);
    assert_int_equal(parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n", &req), 505);
    assert_int_equal(parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n", &req), 505);
    assert_int_equal(parse("GET / HTTP/0.9\r\n\r\n", &req), 505);
    /* malformed: 400 */
    assert_int_equal(parse("GET / HTTP/1\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.1.1\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/-1.1\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / http/1.1\r\nHost: x\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET /\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET\r\n\r\n", &req), 400);
}

static void
test_targets_are_origin_form_only(void **state)
{
    xvHttpRequest req;

    (void)state;
    assert_int_equal(parse("GET //metrics HTTP/1.0\r\n\r\n", &req), 0);
    assert_int_equal(xvHttpRoutePath(req.path.ptr, req.path.len), XV_HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(parse("GET http://x/metrics HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET * HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET metrics HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET /a#b HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET /a\x01 HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET /\xc3\xa9 HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET  / HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / x HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET /?a=//b HTTP/1.0\r\n\r\n", &req), 0);
    assert_true(spanIs(req.path, "/"));
}

static void
test_methods_are_tokens_and_case_sensitive(void **state)
{
    xvHttpRequest req;

    (void)state;
    assert_int_equal(parse("HEAD / HTTP/1.0\r\n\r\n", &req), 0);
    assert_int_equal(req.method, XV_HTTP_METHOD_HEAD);
    assert_int_equal(parse("POST / HTTP/1.0\r\n\r\n", &req), 0);
    assert_int_equal(req.method, XV_HTTP_METHOD_OTHER);
    assert_int_equal(parse("get / HTTP/1.0\r\n\r\n", &req), 0);
    assert_int_equal(req.method, XV_HTTP_METHOD_UNKNOWN);
    assert_int_equal(parse("G(T / HTTP/1.0\r\n\r\n", &req), 400);
    assert_int_equal(parse(" GET / HTTP/1.0\r\n\r\n", &req), 400);
}

/* ---- header fields ---- */

static void
test_fields_are_strict(void **state)
{
    xvHttpRequest req;

    (void)state;
    /* HTTP/1.1 needs exactly one Host */
    assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &req), 400);
    /* no space before the colon, no obs-fold, no bare CR, no NUL */
    assert_int_equal(parse("GET / HTTP/1.0\r\nHost : a\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.0\r\nA: b\r\n c\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.0\r\nA: b\rc\r\n\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.0\r\nNoColon\r\n\r\n", &req), 400);
    assert_int_equal(xvHttpParseRequest("GET / HTTP/1.0\r\nA: \0\r\n\r\n", 23, &req), 400);
    /* a head without its empty line, or with bytes after it */
    assert_int_equal(parse("GET / HTTP/1.0\r\nA: b\r\n", &req), 400);
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\nX", &req), 400);
    /* bare LF line ends are tolerated */
    assert_int_equal(parse("GET / HTTP/1.1\nHost: a\n\n", &req), 0);
}

static void
test_too_many_fields_is_431(void **state)
{
    char head[4096];
    xvHttpRequest req;
    size_t i, n;

    (void)state;
    n = (size_t)snprintf(head, sizeof(head), "GET / HTTP/1.0\r\n");
    for (i = 0; i <= XV_HTTP_MAX_FIELDS; i++)
        n += (size_t)snprintf(head + n, sizeof(head) - n, "X-%zu: y\r\n", i);
    snprintf(head + n, sizeof(head) - n, "\r\n");
    assert_int_equal(parse(head, &req), 431);
}

static void
test_connection_and_body_fields(void **state)
{
    xvHttpRequest req;

    (void)state;
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n", &req), 0);
    assert_false(req.keepAlive);
    assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &req), 0);
    assert_true(req.keepAlive);
    assert_int_equal(parse("GET / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", &req), 0);
    assert_false(req.hasBody);
    assert_int_equal(parse("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n", &req), 0);
    assert_true(req.hasBody);
    assert_int_equal(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", &req), 0);
    assert_true(req.hasBody);
}

/* ---- routes ---- */

static void
test_routes_are_exact(void **state)
{
    (void)state;
    assert_int_equal(xvHttpRoutePath("/metrics", 8), XV_HTTP_ROUTE_METRICS);
    assert_int_equal(xvHttpRoutePath("/", 1), XV_HTTP_ROUTE_ROOT);
    assert_int_equal(xvHttpRoutePath("/-/healthy", 10), XV_HTTP_ROUTE_HEALTHY);
    assert_int_equal(xvHttpRoutePath("/-/ready", 8), XV_HTTP_ROUTE_READY);
    assert_int_equal(xvHttpRoutePath("//metrics", 9), XV_HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(xvHttpRoutePath("/metrics/", 9), XV_HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(xvHttpRoutePath("/Metrics", 8), XV_HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(xvHttpRoutePath("/metricsx", 9), XV_HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(xvHttpRoutePath("", 0), XV_HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(xvHttpRoutePath("/debug/nodedump", 15), XV_HTTP_ROUTE_NODEDUMP);
    assert_int_equal(xvHttpRoutePath("/debug/nodedump/", 16), XV_HTTP_ROUTE_NOT_FOUND);
}

/* ---- query parameters ---- */

static xvHttpSpan
span(const char *s)
{
    return (xvHttpSpan){ s, strlen(s) };
}

/* The value of @name in @target, "(none)" when absent (static buffer). */
static const char *
param(const char *target, const char *name)
{
    static char out[64];
    xvHttpSpan v;

    if (!xvHttpQueryParam(span(target), name, &v))
        return "(none)";
    snprintf(out, sizeof(out), "%.*s", (int)v.len, v.ptr);
    return out;
}

static void
test_query_params_are_split_on_ampersands_and_equals(void **state)
{
    (void)state;
    assert_string_equal(param("/d?samples=3&interval=2s", "samples"), "3");
    assert_string_equal(param("/d?samples=3&interval=2s", "interval"), "2s");
    assert_string_equal(param("/d?samples=3&samples=4", "samples"), "3");     /* the first */
    assert_string_equal(param("/d?a=b=c", "a"), "b=c");
    assert_string_equal(param("/d?flag&x=1", "flag"), "");
    assert_string_equal(param("/d?x=", "x"), "");
    assert_string_equal(param("/d?samples=3", "sample"), "(none)");
    assert_string_equal(param("/d?xsamples=3", "samples"), "(none)");
    assert_string_equal(param("/d", "samples"), "(none)");
    assert_string_equal(param("/d?", "samples"), "(none)");
    assert_string_equal(param("/d?&&samples=9&", "samples"), "9");
    /* nothing is decoded */
    assert_string_equal(param("/d?samples=%33", "samples"), "%33");
    assert_string_equal(param("/d?s%61mples=3", "samples"), "(none)");
    /* only the first '?' starts the query */
    assert_string_equal(param("/d?a=1?b=2", "a"), "1?b=2");
}

static void
test_query_only_names_the_first_unknown_parameter(void **state)
{
    static const char *const known[] = { "samples", "interval", NULL };
    xvHttpSpan bad = { NULL, 0 };

    (void)state;
    assert_true(xvHttpQueryOnly(span("/d"), known, &bad));
    assert_true(xvHttpQueryOnly(span("/d?"), known, &bad));
    assert_true(xvHttpQueryOnly(span("/d?samples=2&interval=1s"), known, &bad));
    assert_false(xvHttpQueryOnly(span("/d?samples=2&secret=1&x=2"), known, &bad));
    assert_true(bad.len == 6 && memcmp(bad.ptr, "secret", 6) == 0);
    /* empty parameters are not known names */
    assert_false(xvHttpQueryOnly(span("/d?samples=2&"), known, &bad));
    assert_int_equal(bad.len, 0);
    assert_false(xvHttpQueryOnly(span("/d?&samples=2"), known, &bad));
    assert_false(xvHttpQueryOnly(span("/d?=2"), known, &bad));
}

/* ---- Accept ---- */

static bool
wantsOpen(const char *accept)
{
    return xvHttpWantsOpenMetrics(accept, accept ? strlen(accept) : 0);
}

static void
test_accept_is_parsed_into_ranges(void **state)
{
    const char *a = "text/plain;version=0.0.4;q=0.3, application/openmetrics-text; "
                    "version=\"1.0.0\" ; q=0.5,bogus, */*;q=0.1,*/plain,a/b;q=2";
    xvHttpMediaRange r[XV_HTTP_MAX_RANGES];
    size_t n;

    (void)state;
    n = xvHttpParseAccept(a, strlen(a), r, XV_HTTP_MAX_RANGES);
    assert_int_equal(n, 3);
    assert_true(spanIs(r[0].type, "text"));
    assert_true(spanIs(r[0].subtype, "plain"));
    assert_true(spanIs(r[0].version, "0.0.4"));
    assert_int_equal(r[0].q, 300);
    assert_true(spanIs(r[1].subtype, "openmetrics-text"));
    assert_true(spanIs(r[1].version, "1.0.0"));
    assert_int_equal(r[1].q, 500);
    assert_true(spanIs(r[2].type, "*"));
    assert_int_equal(r[2].q, 100);
    assert_int_equal(xvHttpParseAccept(a, strlen(a), r, 1), 1);
    assert_int_equal(xvHttpParseAccept(NULL, 0, r, XV_HTTP_MAX_RANGES), 0);
}

/* Blanks before a parameter's '=' are not counted into its value (the
 * value once ran past the end of the field: fuzz_http_head found it). */
static void
test_accept_blanks_before_equals(void **state)
{
    const char *a = "text/plain;version  =0.0.4;q \t=0.5";
    xvHttpMediaRange r[XV_HTTP_MAX_RANGES];

    (void)state;
    assert_int_equal(xvHttpParseAccept(a, strlen(a), r, XV_HTTP_MAX_RANGES), 1);
    assert_true(spanIs(r[0].version, "0.0.4"));
    assert_int_equal(r[0].q, 500);
}

static void
test_openmetrics_only_when_ranked_at_least_as_high_as_text(void **state)
{
    (void)state;
    /* what Prometheus sends */
    assert_true(wantsOpen("application/openmetrics-text;version=1.0.0;q=0.5,"
                          "application/openmetrics-text;version=0.0.1;q=0.4,"
                          "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"));
    assert_true(wantsOpen("application/openmetrics-text;version=1.0.0,text/plain;q=0.5"));
    assert_true(wantsOpen("application/openmetrics-text"));
    /* what older Prometheus servers send */
    assert_true(wantsOpen("application/openmetrics-text; version=0.0.1,"
                          "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
    assert_true(wantsOpen("text/plain;q=0.5, application/openmetrics-text"));
    /* a tie goes to OpenMetrics */
    assert_true(wantsOpen("text/plain, application/openmetrics-text"));
    /* ranked lower, excluded, or another version */
    assert_false(wantsOpen("application/openmetrics-text;q=0.2,text/plain;q=0.9"));
    assert_false(wantsOpen("application/openmetrics-text;q=0.2,*/*"));
    assert_false(wantsOpen("application/openmetrics-text;q=0,text/plain"));
    assert_false(wantsOpen("application/openmetrics-text;q=0"));
    assert_false(wantsOpen("application/openmetrics-text;q=0.000"));
    assert_false(wantsOpen("application/openmetrics-text;version=2.0.0"));
    /* no prefix matching, and a malformed q drops the range */
    assert_false(wantsOpen("application/openmetrics-textual"));
    assert_false(wantsOpen("application/openmetrics"));
    assert_false(wantsOpen("application/openmetrics-text;q=1.5"));
    assert_false(wantsOpen("application/openmetrics-text;q=abc"));
    /* nothing, or only wildcards */
    assert_false(wantsOpen(NULL));
    assert_false(wantsOpen(""));
    assert_false(wantsOpen("*/*"));
    assert_false(wantsOpen("text/html"));
}

/* ---- Accept-Encoding ---- */

static void
test_accept_encoding_quality(void **state)
{
    (void)state;
#define Q(s) xvHttpEncodingQuality(s, strlen(s), "gzip")
    assert_int_equal(Q("gzip"), 1000);
    assert_int_equal(Q("deflate, gzip;q=0.8"), 800);
    assert_int_equal(Q("x-gzip;q=0.5"), 500);
    assert_int_equal(Q("gzip;q=0"), 0);
    assert_int_equal(Q("*;q=0.3"), 300);
    assert_int_equal(Q("gzip;q=0, *"), 0);
    assert_int_equal(Q("identity"), -1);
    assert_int_equal(Q(""), -1);
    assert_int_equal(Q("gzip;q=7"), -1);
#undef Q
    assert_int_equal(xvHttpEncodingQuality(NULL, 0, "gzip"), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_query_params_are_split_on_ampersands_and_equals),
    cmocka_unit_test(test_query_only_names_the_first_unknown_parameter),
    cmocka_unit_test(test_head_end_is_the_first_empty_line),
    cmocka_unit_test(test_a_plain_get_is_parsed_into_spans),
    cmocka_unit_test(test_versions_other_than_1_0_and_1_1_are_refused),
    cmocka_unit_test(test_targets_are_origin_form_only),
    cmocka_unit_test(test_methods_are_tokens_and_case_sensitive),
    cmocka_unit_test(test_fields_are_strict),
    cmocka_unit_test(test_too_many_fields_is_431),
    cmocka_unit_test(test_connection_and_body_fields),
    cmocka_unit_test(test_routes_are_exact),
    cmocka_unit_test(test_accept_is_parsed_into_ranges),
    cmocka_unit_test(test_accept_blanks_before_equals),
    cmocka_unit_test(test_openmetrics_only_when_ranked_at_least_as_high_as_text),
    cmocka_unit_test(test_accept_encoding_quality),
};

XV_TEST_MAIN(tests)
