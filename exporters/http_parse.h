/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * http_parse.h: the request head of the agent's HTTP server, parsed by pure
 * functions (no libevent, no allocation, no global state), so that each can
 * be fed arbitrary bytes by a fuzzer.
 *
 * Every function takes a buffer and its length (the bytes need not be
 * NUL-terminated, and may hold any byte) and fills a struct the caller
 * owns. Spans in the results point into the caller's buffer: they live as
 * long as it does. Nothing reads outside [data, data + len).
 *
 * What is accepted (RFC 9112, strictly, for a metrics endpoint):
 *   request-line = method SP origin-form SP ( "HTTP/1.0" / "HTTP/1.1" )
 *   method       = token
 *   origin-form  = "/" then visible ASCII but "#" (routes are exact: "//x"
 *                  parses, and routes nowhere)
 *   field-line   = token ":" OWS value OWS    (no obs-fold, no NUL/CR/LF)
 *   lines end in CRLF (a bare LF is tolerated, a bare CR is not), and the
 *   head ends with an empty line. HTTP/1.1 requires one Host field.
 * Anything else is an error with the status the server answers: 400, or
 * 505 for a well-formed version other than 1.0 and 1.1, or 431 for more
 * fields than XV_HTTP_MAX_FIELDS.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Most header fields in one request head. */
#define XV_HTTP_MAX_FIELDS 64

/* A run of bytes inside the caller's buffer; not NUL-terminated. */
typedef struct _xvHttpSpan xvHttpSpan;
struct _xvHttpSpan {
    const char *ptr;
    size_t len;
};

typedef enum {
    XV_HTTP_METHOD_GET,
    XV_HTTP_METHOD_HEAD,
    XV_HTTP_METHOD_OTHER,       /* a known method we do not serve (POST, ...) */
    XV_HTTP_METHOD_UNKNOWN,     /* a valid token no RFC defines */
} xvHttpMethod;

typedef struct _xvHttpField xvHttpField;
struct _xvHttpField {
    xvHttpSpan name;
    xvHttpSpan value;           /* without leading or trailing OWS */
};

typedef struct _xvHttpRequest xvHttpRequest;
struct _xvHttpRequest {
    xvHttpMethod method;
    xvHttpSpan methodName;
    xvHttpSpan target;          /* the whole origin-form */
    xvHttpSpan path;            /* the target up to '?' */
    int minorVersion;           /* 0 or 1 (HTTP/1.x) */
    size_t nfields;
    xvHttpField fields[XV_HTTP_MAX_FIELDS];
    bool keepAlive;             /* from the version and Connection */
    bool hasBody;               /* Content-Length other than 0, or Transfer-Encoding */
};

/*
 * The length of the request head at the start of @data, through its empty
 * line, or 0 when @len bytes hold no complete head yet. Only looks at the
 * first @len bytes.
 */
size_t xvHttpFindHeadEnd(const char *data, size_t len);

/*
 * Parses the request head in @data (@len bytes, as found by
 * xvHttpFindHeadEnd; a head without its empty line is an error) into
 * *@req. Returns 0, or the HTTP status to answer (400, 431, 505); *@req is
 * then partly filled and must not be used.
 */
int xvHttpParseRequest(const char *data, size_t len, xvHttpRequest *req);

/* The value of the first field named @name (case-insensitive), or false. */
bool xvHttpRequestField(const xvHttpRequest *req, const char *name, xvHttpSpan *value);

typedef enum {
    XV_HTTP_ROUTE_NOT_FOUND,
    XV_HTTP_ROUTE_ROOT,         /* "/" */
    XV_HTTP_ROUTE_METRICS,      /* "/metrics" */
    XV_HTTP_ROUTE_HEALTHY,      /* "/-/healthy" */
    XV_HTTP_ROUTE_READY,        /* "/-/ready" */
    XV_HTTP_ROUTE_NODEDUMP,     /* "/debug/nodedump" */
} xvHttpRoute;

/* The route of @path (exact bytes: no decoding, no slash folding). */
xvHttpRoute xvHttpRoutePath(const char *path, size_t len);

/*
 * The query of a request target (what follows the first '?', up to the
 * end): "a=1&b=2". Parameters are split on '&' and named by the bytes
 * before their first '='; a parameter without '=' has an empty value.
 * Nothing is decoded: a name or value holding '%' or '+' is the caller's
 * to refuse.
 */
/* The value of the first parameter named @name in @target's query, or false. */
bool xvHttpQueryParam(xvHttpSpan target, const char *name, xvHttpSpan *value);
/* True when every parameter of @target's query is named in @names
 * (NULL-terminated); else false with the first other one in @unknown. An
 * empty parameter ("a=1&&b=2", a trailing '&') counts as unknown. */
bool xvHttpQueryOnly(xvHttpSpan target, const char *const *names, xvHttpSpan *unknown);

/* q-values are kept in thousandths: 0..1000. */
#define XV_HTTP_Q_MAX 1000

/* Most elements of an Accept or Accept-Encoding list looked at. */
#define XV_HTTP_MAX_RANGES 32

typedef struct _xvHttpMediaRange xvHttpMediaRange;
struct _xvHttpMediaRange {
    xvHttpSpan type;            /* "text", or "*" */
    xvHttpSpan subtype;         /* "plain", or "*" */
    xvHttpSpan version;         /* the "version" parameter, unquoted; empty: none */
    int q;                      /* 0..1000; 1000 when not given */
};

/*
 * Parses an Accept value into @ranges (at most @max, in the order given).
 * Malformed elements (no "/", bad token, bad q, "*" type with a
 * subtype other than "*") are skipped. Returns how many were stored.
 */
size_t xvHttpParseAccept(const char *data, size_t len, xvHttpMediaRange *ranges, size_t max);

/*
 * Which metrics format an Accept value (NULL or empty: none sent) asks for:
 * true for OpenMetrics 1.0.0, false for the Prometheus text format 0.0.4.
 * OpenMetrics when application/openmetrics-text (version 1.0.0, or 0.0.1
 * as older Prometheus servers ask, or none) is acceptable (q > 0) and
 * ranked at least as high as text/plain (version 0.0.4 or none, or text/ *,
 * or * / *); else text, the default. (1.0.0 is served for 0.0.1: nothing we
 * write differs between the two.)
 */
bool xvHttpWantsOpenMetrics(const char *data, size_t len);

/*
 * The q-value (0..1000) an Accept-Encoding value gives the content coding
 * @coding (e.g. "gzip"; "x-gzip" counts as "gzip"), through "*" when it
 * is not named; -1 when neither is named (or the list is empty).
 */
int xvHttpEncodingQuality(const char *data, size_t len, const char *coding);
