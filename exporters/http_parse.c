/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* http_parse.c: pure parsers of an HTTP/1.x request head (http_parse.h). */
#include "http_parse.h"

#include <string.h>
#include <strings.h>

/* ---- characters (RFC 9110 5.6.2, 5.5) --------------------------------- */

static bool
httpIsTchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool
httpIsToken(const char *p, size_t len)
{
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        if (!httpIsTchar((unsigned char)p[i]))
            return false;
    }
    return true;
}

/* field-value characters: visible ASCII, obs-text, SP and HTAB */
static bool
httpIsFieldChar(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool
httpIsOws(char c)
{
    return c == ' ' || c == '\t';
}

static bool
httpSpanIs(xvHttpSpan s, const char *lit)
{
    size_t n = strlen(lit);

    return s.len == n && strncasecmp(s.ptr, lit, n) == 0;
}

static xvHttpSpan
httpTrim(const char *p, size_t len)
{
    xvHttpSpan s = { p, len };

    while (s.len && httpIsOws(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && httpIsOws(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

/* ---- the head --------------------------------------------------------- */

size_t
xvHttpFindHeadEnd(const char *data, size_t len)
{
    size_t i;

    /* an empty line: LF, then LF or CRLF */
    for (i = 0; i < len; i++) {
        if (data[i] != '\n')
            continue;
        if (i + 1 < len && data[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/*
 * The next line of @data[*pos..len) without its CRLF/LF; false when there
 * is no LF left or a CR stands anywhere but before the LF.
 */
static bool
httpNextLine(const char *data, size_t len, size_t *pos, xvHttpSpan *line)
{
    const char *start = data + *pos;
    const char *lf = memchr(start, '\n', len - *pos);
    size_t n;

    if (!lf)
        return false;
    n = (size_t)(lf - start);
    *pos += n + 1;
    if (n > 0 && start[n - 1] == '\r')
        n--;
    if (memchr(start, '\r', n))
        return false;
    line->ptr = start;
    line->len = n;
    return true;
}

static xvHttpMethod
httpMethodOf(xvHttpSpan m)
{
    static const char *const others[] = {
        "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", NULL,
    };
    size_t i;

    /* methods are case-sensitive (RFC 9110 9.1) */
    if (m.len == 3 && memcmp(m.ptr, "GET", 3) == 0)
        return XV_HTTP_METHOD_GET;
    if (m.len == 4 && memcmp(m.ptr, "HEAD", 4) == 0)
        return XV_HTTP_METHOD_HEAD;
    for (i = 0; others[i]; i++) {
        if (m.len == strlen(others[i]) && memcmp(m.ptr, others[i], m.len) == 0)
            return XV_HTTP_METHOD_OTHER;
    }
    return XV_HTTP_METHOD_UNKNOWN;
}

/* origin-form (RFC 9112 3.2.1): absolute-path [ "?" query ], here with
 * no "#", no controls, no spaces and no bytes above 0x7e ("//x" is a
 * valid absolute-path: routing, not parsing, refuses it) */
static int
httpParseTarget(xvHttpSpan t, xvHttpRequest *req)
{
    size_t i;

    if (t.len == 0 || t.ptr[0] != '/')
        return 400;
    req->target = t;
    req->path = t;
    for (i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char)t.ptr[i];

        if (c <= 0x20 || c >= 0x7f || c == '#')
            return 400;
        if (c == '?' && req->path.len == t.len)
            req->path.len = i;
    }
    return 0;
}

/* "HTTP/1.0" or "HTTP/1.1"; 505 for another well-formed "HTTP/d+.d+" */
static int
httpParseVersion(xvHttpSpan v, xvHttpRequest *req)
{
    size_t i, dots = 0, digitsBefore = 0, digitsAfter = 0;

    if (v.len == 8 && memcmp(v.ptr, "HTTP/1.", 7) == 0 &&
        (v.ptr[7] == '0' || v.ptr[7] == '1')) {
        req->minorVersion = v.ptr[7] - '0';
        return 0;
    }
    if (v.len < 5 || memcmp(v.ptr, "HTTP/", 5) != 0)
        return 400;
    for (i = 5; i < v.len; i++) {
        if (v.ptr[i] == '.')
            dots++;
        else if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return 400;
        else if (dots == 0)
            digitsBefore++;
        else
            digitsAfter++;
    }
    return dots == 1 && digitsBefore > 0 && digitsAfter > 0 ? 505 : 400;
}

static int
httpParseRequestLine(xvHttpSpan line, xvHttpRequest *req)
{
    const char *sp1 = memchr(line.ptr, ' ', line.len);
    const char *sp2;
    xvHttpSpan target, version;
    int rc;

    if (!sp1)
        return 400;
    req->methodName.ptr = line.ptr;
    req->methodName.len = (size_t)(sp1 - line.ptr);
    if (!httpIsToken(req->methodName.ptr, req->methodName.len))
        return 400;
    req->method = httpMethodOf(req->methodName);
    target.ptr = sp1 + 1;
    if (!(sp2 = memchr(target.ptr, ' ', line.len - (size_t)(target.ptr - line.ptr))))
        return 400;
    target.len = (size_t)(sp2 - target.ptr);
    version.ptr = sp2 + 1;
    version.len = line.len - (size_t)(version.ptr - line.ptr);
    /* the version is checked first: a 505 says more than a 400 */
    if ((rc = httpParseVersion(version, req)) != 0)
        return rc;
    return httpParseTarget(target, req);
}

static int
httpParseField(xvHttpSpan line, xvHttpField *f)
{
    const char *colon = memchr(line.ptr, ':', line.len);
    size_t i;

    /* no obs-fold, and no space between the name and its colon */
    if (!colon || !httpIsToken(line.ptr, (size_t)(colon - line.ptr)))
        return 400;
    f->name.ptr = line.ptr;
    f->name.len = (size_t)(colon - line.ptr);
    for (i = f->name.len + 1; i < line.len; i++) {
        if (!httpIsFieldChar((unsigned char)line.ptr[i]))
            return 400;
    }
    f->value = httpTrim(colon + 1, line.len - f->name.len - 1);
    return 0;
}

/* Does the comma list @v hold the token @tok (case-insensitive)? */
static bool
httpListHas(xvHttpSpan v, const char *tok)
{
    size_t start = 0, i;

    for (i = 0; i <= v.len; i++) {
        if (i == v.len || v.ptr[i] == ',') {
            if (httpSpanIs(httpTrim(v.ptr + start, i - start), tok))
                return true;
            start = i + 1;
        }
    }
    return false;
}

/* Host (required once in 1.1), Connection, and whether a body follows. */
static int
httpCheckFields(xvHttpRequest *req)
{
    size_t i, hosts = 0;

    req->keepAlive = req->minorVersion == 1;
    req->hasBody = false;
    for (i = 0; i < req->nfields; i++) {
        const xvHttpField *f = &req->fields[i];

        if (httpSpanIs(f->name, "Host")) {
            hosts++;
        } else if (httpSpanIs(f->name, "Connection")) {
            if (httpListHas(f->value, "close"))
                req->keepAlive = false;
            else if (httpListHas(f->value, "keep-alive"))
                req->keepAlive = true;
        } else if (httpSpanIs(f->name, "Transfer-Encoding")) {
            req->hasBody = true;
        } else if (httpSpanIs(f->name, "Content-Length")) {
            if (!(f->value.len == 1 && f->value.ptr[0] == '0'))
                req->hasBody = true;
        }
    }
    if (hosts > 1 || (req->minorVersion == 1 && hosts == 0))
        return 400;
    return 0;
}

int
xvHttpParseRequest(const char *data, size_t len, xvHttpRequest *req)
{
    size_t pos = 0;
    xvHttpSpan line;
    int rc;

    memset(req, 0, sizeof(*req));
    if (!httpNextLine(data, len, &pos, &line))
        return 400;
    if ((rc = httpParseRequestLine(line, req)) != 0)
        return rc;
    for (;;) {
        if (!httpNextLine(data, len, &pos, &line))
            return 400;
        if (line.len == 0)
            break;
        if (req->nfields == XV_HTTP_MAX_FIELDS)
            return 431;
        if ((rc = httpParseField(line, &req->fields[req->nfields])) != 0)
            return rc;
        req->nfields++;
    }
    if (pos != len)
        return 400;
    return httpCheckFields(req);
}

bool
xvHttpRequestField(const xvHttpRequest *req, const char *name, xvHttpSpan *value)
{
    size_t i;

    for (i = 0; i < req->nfields; i++) {
        if (httpSpanIs(req->fields[i].name, name)) {
            *value = req->fields[i].value;
            return true;
        }
    }
    return false;
}

xvHttpRoute
xvHttpRoutePath(const char *path, size_t len)
{
    static const struct {
        const char *path;
        xvHttpRoute route;
    } routes[] = {
        { "/", XV_HTTP_ROUTE_ROOT },
        { "/metrics", XV_HTTP_ROUTE_METRICS },
        { "/-/healthy", XV_HTTP_ROUTE_HEALTHY },
        { "/-/ready", XV_HTTP_ROUTE_READY },
        { "/debug/nodedump", XV_HTTP_ROUTE_NODEDUMP },
    };
    size_t i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (len == strlen(routes[i].path) && memcmp(path, routes[i].path, len) == 0)
            return routes[i].route;
    }
    return XV_HTTP_ROUTE_NOT_FOUND;
}

/* ---- query parameters ---------------------------------------------------- */

/* The query of @target (after its first '?'); false when it has none. */
static bool
httpQuery(xvHttpSpan target, xvHttpSpan *query)
{
    const char *q = target.len ? memchr(target.ptr, '?', target.len) : NULL;

    if (!q)
        return false;
    query->ptr = q + 1;
    query->len = target.len - (size_t)(query->ptr - target.ptr);
    return true;
}

/* The next parameter of @query from *@pos: its name and value; false at
 * the end. */
static bool
httpQueryNext(xvHttpSpan query, size_t *pos, xvHttpSpan *name, xvHttpSpan *value)
{
    const char *start, *end, *eq;

    if (*pos > query.len || (*pos == query.len && (query.len == 0 || query.ptr[*pos - 1] != '&')))
        return false;
    start = query.ptr + *pos;
    end = memchr(start, '&', query.len - *pos);
    if (!end)
        end = query.ptr + query.len;
    eq = memchr(start, '=', (size_t)(end - start));
    name->ptr = start;
    name->len = (size_t)((eq ? eq : end) - start);
    value->ptr = eq ? eq + 1 : end;
    value->len = eq ? (size_t)(end - eq - 1) : 0;
    *pos = (size_t)(end - query.ptr) + 1;
    return true;
}

bool
xvHttpQueryParam(xvHttpSpan target, const char *name, xvHttpSpan *value)
{
    xvHttpSpan query, n, v;
    size_t pos = 0;

    if (!httpQuery(target, &query))
        return false;
    while (httpQueryNext(query, &pos, &n, &v)) {
        if (n.len == strlen(name) && memcmp(n.ptr, name, n.len) == 0) {
            *value = v;
            return true;
        }
    }
    return false;
}

bool
xvHttpQueryOnly(xvHttpSpan target, const char *const *names, xvHttpSpan *unknown)
{
    xvHttpSpan query, n, v;
    size_t pos = 0, i;

    if (!httpQuery(target, &query))
        return true;
    while (httpQueryNext(query, &pos, &n, &v)) {
        for (i = 0; names[i]; i++) {
            if (n.len > 0 && n.len == strlen(names[i]) && memcmp(n.ptr, names[i], n.len) == 0)
                break;
        }
        if (!names[i]) {
            *unknown = n;
            return false;
        }
    }
    return true;
}

/* ---- lists with parameters (Accept, Accept-Encoding) ------------------ */

/* RFC 9110 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static bool
httpParseQ(xvHttpSpan v, int *q)
{
    size_t i;
    int value, scale = 100;

    if (v.len == 0 || v.len > 5 || (v.ptr[0] != '0' && v.ptr[0] != '1'))
        return false;
    value = (v.ptr[0] - '0') * 1000;
    if (v.len == 1) {
        *q = value;
        return true;
    }
    if (v.ptr[1] != '.')
        return false;
    for (i = 2; i < v.len; i++, scale /= 10) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return false;
        value += (v.ptr[i] - '0') * scale;
    }
    if (value > XV_HTTP_Q_MAX)
        return false;
    *q = value;
    return true;
}

/* A parameter value: a token, or a quoted-string given back without its
 * quotes (escapes are left as they are: the values we compare have none). */
static bool
httpParamValue(xvHttpSpan v, xvHttpSpan *out)
{
    if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"') {
        out->ptr = v.ptr + 1;
        out->len = v.len - 2;
        return true;
    }
    *out = v;
    return httpIsToken(v.ptr, v.len);
}

/*
 * One list element: "value *( OWS ';' OWS name=value )". Stores the first
 * part in @head, the q parameter in @q (1000 when absent) and the version
 * parameter in @version. False when the element is malformed.
 */
static bool
httpParseElement(xvHttpSpan e, xvHttpSpan *head, int *q, xvHttpSpan *version)
{
    size_t start = 0, i;
    bool first = true;

    *q = XV_HTTP_Q_MAX;
    version->ptr = e.ptr;
    version->len = 0;
    for (i = 0; i <= e.len; i++) {
        xvHttpSpan part, name, value;
        const char *eq;

        /* a ';' inside a quoted parameter value is not looked for: the
         * values that matter here (q, version) are never quoted with one */
        if (i < e.len && e.ptr[i] != ';')
            continue;
        part = httpTrim(e.ptr + start, i - start);
        start = i + 1;
        if (first) {
            *head = part;
            first = false;
            continue;
        }
        if (!(eq = memchr(part.ptr, '=', part.len)))
            return false;
        name = httpTrim(part.ptr, (size_t)(eq - part.ptr));
        if (!httpIsToken(name.ptr, name.len) ||
            !httpParamValue(httpTrim(eq + 1, part.len - (size_t)(eq - part.ptr) - 1), &value))
            return false;
        if (httpSpanIs(name, "q")) {
            if (!httpParseQ(value, q))
                return false;
        } else if (httpSpanIs(name, "version")) {
            *version = value;
        }
    }
    return head->len > 0;
}

/* Calls @fn for each comma-separated element of @data (empty ones are
 * skipped, RFC 9110 5.6.1), at most XV_HTTP_MAX_RANGES times. */
static void
httpForEachElement(const char *data, size_t len,
                   void (*fn)(xvHttpSpan e, void *opaque), void *opaque)
{
    size_t start = 0, i, seen = 0;
    bool quoted = false;

    for (i = 0; i <= len && seen < XV_HTTP_MAX_RANGES; i++) {
        xvHttpSpan e;

        if (i < len && data[i] == '"')
            quoted = !quoted;
        if (i < len && (quoted || data[i] != ','))
            continue;
        e = httpTrim(data + start, i - start);
        start = i + 1;
        if (e.len == 0)
            continue;
        seen++;
        fn(e, opaque);
    }
}

typedef struct {
    xvHttpMediaRange *ranges;
    size_t max;
    size_t n;
} httpAcceptCtx;

static void
httpAcceptElement(xvHttpSpan e, void *opaque)
{
    httpAcceptCtx *ctx = opaque;
    xvHttpMediaRange r;
    xvHttpSpan head;
    const char *slash;

    if (ctx->n == ctx->max || !httpParseElement(e, &head, &r.q, &r.version))
        return;
    if (!(slash = memchr(head.ptr, '/', head.len)))
        return;
    r.type.ptr = head.ptr;
    r.type.len = (size_t)(slash - head.ptr);
    r.subtype.ptr = slash + 1;
    r.subtype.len = head.len - r.type.len - 1;
    if (!httpIsToken(r.type.ptr, r.type.len) || !httpIsToken(r.subtype.ptr, r.subtype.len))
        return;
    if (httpSpanIs(r.type, "*") && !httpSpanIs(r.subtype, "*"))
        return;
    ctx->ranges[ctx->n++] = r;
}

size_t
xvHttpParseAccept(const char *data, size_t len, xvHttpMediaRange *ranges, size_t max)
{
    httpAcceptCtx ctx = { ranges, max, 0 };

    if (data)
        httpForEachElement(data, len, httpAcceptElement, &ctx);
    return ctx.n;
}

bool
xvHttpWantsOpenMetrics(const char *data, size_t len)
{
    xvHttpMediaRange ranges[XV_HTTP_MAX_RANGES];
    size_t n = xvHttpParseAccept(data, len, ranges, XV_HTTP_MAX_RANGES);
    int qOpen = 0, qText = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        const xvHttpMediaRange *r = &ranges[i];
        bool anyVersion = r->version.len == 0;

        if (httpSpanIs(r->type, "application") &&
            httpSpanIs(r->subtype, "openmetrics-text") &&
            (anyVersion || httpSpanIs(r->version, "1.0.0") ||
             httpSpanIs(r->version, "0.0.1"))) {
            if (r->q > qOpen)
                qOpen = r->q;
        } else if ((httpSpanIs(r->type, "text") && httpSpanIs(r->subtype, "plain") &&
                    (anyVersion || httpSpanIs(r->version, "0.0.4"))) ||
                   (httpSpanIs(r->type, "text") && httpSpanIs(r->subtype, "*")) ||
                   (httpSpanIs(r->type, "*") && httpSpanIs(r->subtype, "*"))) {
            if (r->q > qText)
                qText = r->q;
        }
    }
    return qOpen > 0 && qOpen >= qText;
}

typedef struct {
    const char *coding;
    int named;                  /* q of @coding; -1: not named */
    int star;                   /* q of "*"; -1: not named */
} httpEncodingCtx;

static void
httpEncodingElement(xvHttpSpan e, void *opaque)
{
    httpEncodingCtx *ctx = opaque;
    xvHttpSpan head, version;
    int q;

    if (!httpParseElement(e, &head, &q, &version) || !httpIsToken(head.ptr, head.len))
        return;
    if (httpSpanIs(head, ctx->coding) ||
        (strcasecmp(ctx->coding, "gzip") == 0 && httpSpanIs(head, "x-gzip"))) {
        if (q > ctx->named)
            ctx->named = q;
    } else if (httpSpanIs(head, "*")) {
        if (q > ctx->star)
            ctx->star = q;
    }
}

int
xvHttpEncodingQuality(const char *data, size_t len, const char *coding)
{
    httpEncodingCtx ctx = { coding, -1, -1 };

    if (data)
        httpForEachElement(data, len, httpEncodingElement, &ctx);
    return ctx.named >= 0 ? ctx.named : ctx.star;
}
