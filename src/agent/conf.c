/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf.c: reads the agent's YAML configuration with libyaml and validates it. */
#include "conf.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "util/xvalloc.h"
#include "util/xvhash.h"

/*
 * The file is read in two steps: confRead*() turns the libyaml event stream
 * into an xvConfNode tree (rejecting what a configuration never needs:
 * anchors, aliases, tags, several documents, duplicate keys, NUL bytes), then
 * confParse*() walks the tree in file order, so the first error reported is
 * the first one in the file. Everything is owned by the call: no globals.
 */

#define CONF_QUOTE_MAX 64       /* bytes of a user value quoted in a message */

static const char *const confNodeKindNames[] = {
    [XV_CONF_NODE_SCALAR] = "scalar",
    [XV_CONF_NODE_SEQUENCE] = "sequence",
    [XV_CONF_NODE_MAPPING] = "mapping",
};
_Static_assert(XV_N_ELEMENTS(confNodeKindNames) == XV_CONF_NODE_LAST,
               "confNodeKindNames must name every xvConfNodeKind");

static const char *const confCollectorNames[] = {
    [XV_AGENT_COLLECTOR_NODE] = "node",
    [XV_AGENT_COLLECTOR_DOMAIN] = "domain",
    [XV_AGENT_COLLECTOR_VCPU] = "vcpu",
    [XV_AGENT_COLLECTOR_MEMORY] = "memory",
    NULL,
};
_Static_assert(XV_N_ELEMENTS(confCollectorNames) ==
               XV_AGENT_COLLECTOR_LAST + 1,
               "confCollectorNames must name every xvAgentCollector");

static const char *const confPolicyTypeNames[] = {
    [XV_AGENT_POLICY_AUTOPIN] = "autopin",
    [XV_AGENT_POLICY_BALLOON] = "balloon",
    [XV_AGENT_POLICY_RESTART] = "restart",
    NULL,
};
_Static_assert(XV_N_ELEMENTS(confPolicyTypeNames) ==
               XV_AGENT_POLICY_LAST + 1,
               "confPolicyTypeNames must name every xvAgentPolicyType");

/* Indexed by syslog priority; 0..2 (emerg, alert, crit) are not levels. */
static const char *const confLogLevelNames[] = {
    NULL, NULL, NULL, "error", "warning", "notice", "info", "debug",
};

/* ---- small helpers ----------------------------------------------------- */

/*
 * @text made safe to quote in a message: control bytes become '?', and a
 * long text is cut (at a UTF-8 boundary) and ends with "...". To free().
 */
static char *
confQuote(const char *text)
{
    size_t len = strlen(text);
    size_t n = len;
    char *s;
    size_t i;

    if (n > CONF_QUOTE_MAX) {
        n = CONF_QUOTE_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    s = xvAllocN(n + 4, 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        s[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (n < len)
        memcpy(s + n, "...", 3);
    return s;
}

/* "a, b, c" from a NULL-terminated list. To free(). */
static char *
confJoin(const char *const *names)
{
    size_t len = 1;
    size_t i;
    char *s;

    for (i = 0; names[i]; i++)
        len += strlen(names[i]) + 2;
    s = xvAllocN(len, 1);
    for (i = 0; names[i]; i++) {
        if (i > 0)
            strcat(s, ", ");
        strcat(s, names[i]);
    }
    return s;
}

static int
confLookupName(const char *const *names, const char *name, bool nocase)
{
    int i;

    for (i = 0; names[i]; i++) {
        if (nocase ? strcasecmp(names[i], name) == 0 : strcmp(names[i], name) == 0)
            return i;
    }
    return -1;
}

/* ---- errors ------------------------------------------------------------ */

void
xvConfErrorClear(xvConfError *err)
{
    if (!err)
        return;
    free(err->file);
    free(err->message);
    memset(err, 0, sizeof(*err));
}

char *
xvConfErrorFormat(const xvConfError *err)
{
    const char *msg = err && err->message ? err->message : "unknown configuration error";

    if (!err || !err->file)
        return xvStrdup(msg);
    if (err->line <= 0)
        return xvAsprintf("%s: %s", err->file, msg);
    return xvAsprintf("%s:%d:%d: %s", err->file, err->line, err->column, msg);
}

static int
confErrorSetV(xvConfError *err, const char *file, int line, int column,
              const char *fmt, va_list ap)
{
    if (!err)
        return -EINVAL;
    xvConfErrorClear(err);
    err->file = xvStrdup(file);
    err->line = line;
    err->column = line > 0 ? column : 0;
    err->message = xvVasprintf(fmt, ap);
    return -EINVAL;
}

int
xvConfErrorSetAt(xvConfError *err, const char *file, int line, int column,
                 const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    confErrorSetV(err, file, line, column, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* An error at the position of @node. Returns -EINVAL. */
static int
confErrorNode(xvConfError *err, const char *file, const xvConfNode *node,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
confErrorNode(xvConfError *err, const char *file, const xvConfNode *node,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    confErrorSetV(err, file, node->line, node->column, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* An error at the position of @node's key. Returns -EINVAL. */
static int
confErrorKey(xvConfError *err, const char *file, const xvConfNode *node,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
confErrorKey(xvConfError *err, const char *file, const xvConfNode *node,
             const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    confErrorSetV(err, file, node->keyLine, node->keyColumn, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* What a node is, for "got ...": "'fast'", "a sequence", "an empty value". To free(). */
static char *
confDescribe(const xvConfNode *node)
{
    if (node->kind == XV_CONF_NODE_SCALAR) {
        char *q;
        char *s;

        if (xvConfNodeIsNull(node))
            return xvStrdup("an empty value");
        q = confQuote(node->value);
        s = xvAsprintf("'%s'", q);
        free(q);
        return s;
    }
    return xvAsprintf("a %s", xvConfNodeKindName(node->kind));
}

/* "expected <what>, got <node>" at @node. Returns -EINVAL. */
static int
confErrorExpected(xvConfError *err, const char *file, const xvConfNode *node, const char *what)
{
    char *got = confDescribe(node);

    confErrorNode(err, file, node, "expected %s, got %s", what, got);
    free(got);
    return -EINVAL;
}

/* ---- nodes ------------------------------------------------------------- */

const char *
xvConfNodeKindName(xvConfNodeKind kind)
{
    if ((int)kind < 0 || kind >= XV_CONF_NODE_LAST)
        return "unknown";
    return confNodeKindNames[kind];
}

bool
xvConfNodeIsNull(const xvConfNode *node)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };

    return node && node->kind == XV_CONF_NODE_SCALAR && node->plain &&
        confLookupName(nulls, node->value, false) >= 0;
}

const xvConfNode *
xvConfNodeFind(const xvConfNode *map, const char *key)
{
    size_t i;

    if (!map || map->kind != XV_CONF_NODE_MAPPING)
        return NULL;
    for (i = 0; i < map->nchildren; i++) {
        if (strcmp(map->children[i].key, key) == 0)
            return &map->children[i];
    }
    return NULL;
}

/* Frees what @node holds, not @node itself, and zeroes it. */
static void
confNodeClear(xvConfNode *node)
{
    size_t i;

    for (i = 0; i < node->nchildren; i++)
        confNodeClear(&node->children[i]);
    free(node->children);
    free(node->value);
    free(node->key);
    memset(node, 0, sizeof(*node));
}

void
xvConfNodeFree(xvConfNode *node)
{
    if (!node)
        return;
    confNodeClear(node);
    free(node);
}

static void
confNodeCopyInto(xvConfNode *dst, const xvConfNode *src)
{
    size_t i;

    *dst = *src;
    dst->value = xvStrdup(src->value);
    dst->key = xvStrdup(src->key);
    dst->children = NULL;
    if (src->nchildren > 0) {
        dst->children = xvAllocN(src->nchildren, sizeof(*dst->children));
        for (i = 0; i < src->nchildren; i++)
            confNodeCopyInto(&dst->children[i], &src->children[i]);
    }
}

xvConfNode *
xvConfNodeCopy(const xvConfNode *node)
{
    xvConfNode *copy;

    if (!node)
        return NULL;
    copy = xvAllocN(1, sizeof(*copy));
    confNodeCopyInto(copy, node);
    return copy;
}

/* ---- YAML events -> node tree ------------------------------------------ */

typedef struct {
    const char *file;
    const unsigned char *data;
    size_t len;
    yaml_parser_t parser;
    size_t nnodes;
    xvConfError *err;
} confReader;

/* 1-based line and column of byte @offset of the input, for reader errors. */
static void
confReaderOffsetMark(const confReader *r, size_t offset, int *line, int *column)
{
    size_t i;

    *line = 1;
    *column = 1;
    i = (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;    /* BOM */
    for (; i < offset && i < r->len; i++) {
        unsigned char c = r->data[i];

        if (c == '\n' || (c == '\r' && (i + 1 >= r->len || r->data[i + 1] != '\n'))) {
            (*line)++;
            *column = 1;
        } else if ((c & 0xC0) != 0x80 && c != '\r') {
            (*column)++;
        }
    }
}

static int
confReaderSyntaxError(confReader *r)
{
    yaml_parser_t *p = &r->parser;
    const char *problem = p->problem ? p->problem : "unknown error";
    int line;
    int column;

    switch (p->error) {
    case YAML_MEMORY_ERROR:
        xvConfErrorSetAt(r->err, r->file, 0, 0, "out of memory while reading YAML");
        return -ENOMEM;
    case YAML_READER_ERROR:
        confReaderOffsetMark(r, p->problem_offset, &line, &column);
        if (p->problem_value >= 0 && strstr(problem, "control character")) {
            return xvConfErrorSetAt(r->err, r->file, line, column, "%s (U+%04X)",
                                    problem, (unsigned int)p->problem_value);
        }
        if (p->problem_value >= 0) {
            return xvConfErrorSetAt(r->err, r->file, line, column,
                                    "%s (0x%02X): the file must be UTF-8 text",
                                    problem, (unsigned int)p->problem_value);
        }
        return xvConfErrorSetAt(r->err, r->file, line, column,
                                "%s: the file must be UTF-8 text", problem);
    default:
        line = (int)p->problem_mark.line + 1;
        column = (int)p->problem_mark.column + 1;
        if (p->context) {
            return xvConfErrorSetAt(r->err, r->file, line, column,
                                    "YAML syntax error: %s (%s at line %d, column %d)",
                                    problem, p->context, (int)p->context_mark.line + 1,
                                    (int)p->context_mark.column + 1);
        }
        return xvConfErrorSetAt(r->err, r->file, line, column,
                                "YAML syntax error: %s", problem);
    }
}

static int
confReaderNext(confReader *r, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&r->parser, ev))
        return confReaderSyntaxError(r);
    return 0;
}

static int
confReaderError(confReader *r, const yaml_mark_t *mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
confReaderError(confReader *r, const yaml_mark_t *mark, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    confErrorSetV(r->err, r->file, (int)mark->line + 1, (int)mark->column + 1, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Refuses anchors and tags on the node started by @ev. */
static int
confReaderCheckProperties(confReader *r, const yaml_event_t *ev)
{
    const yaml_char_t *anchor = NULL;
    const yaml_char_t *tag = NULL;
    char *q;

    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        break;
    case YAML_ALIAS_EVENT:
        q = confQuote((const char *)ev->data.alias.anchor);
        confReaderError(r, &ev->start_mark, "YAML aliases are not supported ('*%s')", q);
        free(q);
        return -EINVAL;
    default:
        return 0;
    }
    if (anchor) {
        q = confQuote((const char *)anchor);
        confReaderError(r, &ev->start_mark, "YAML anchors are not supported ('&%s')", q);
        free(q);
        return -EINVAL;
    }
    if (tag) {
        /* Show the usual short form that was written: !!str, not tag:yaml.org,2002:str. */
        const char *core = "tag:yaml.org,2002:";
        bool isCore = strncmp((const char *)tag, core, strlen(core)) == 0;

        q = confQuote((const char *)tag + (isCore ? strlen(core) : 0));
        confReaderError(r, &ev->start_mark, "YAML tags are not supported ('%s%s')",
                        isCore ? "!!" : "", q);
        free(q);
        return -EINVAL;
    }
    return 0;
}

static int confReadNode(confReader *r, const yaml_event_t *ev, int depth, xvConfNode *node);

/* Appends a zeroed child to @node and returns it. */
static xvConfNode *
confNodeAppend(xvConfNode *node, size_t *alloc)
{
    if (node->nchildren == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 4;
        node->children = xvReallocN(node->children, *alloc, sizeof(*node->children));
    }
    memset(&node->children[node->nchildren], 0, sizeof(*node->children));
    return &node->children[node->nchildren++];
}

/* Reads the items of a sequence whose start event was consumed. */
static int
confReadSequence(confReader *r, int depth, xvConfNode *node)
{
    size_t alloc = 0;
    int rc;

    for (;;) {
        yaml_event_t ev;

        if ((rc = confReaderNext(r, &ev)) < 0)
            return rc;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        rc = confReadNode(r, &ev, depth + 1, confNodeAppend(node, &alloc));
        yaml_event_delete(&ev);
        if (rc < 0)
            return rc;
    }
}

/* Reads a key (a scalar) and its value into a new child of the mapping @node. */
static int
confReadPair(confReader *r, const yaml_event_t *kev, int depth, xvConfNode *node,
             size_t *alloc, xvHash *keys)
{
    xvConfNode *child;
    yaml_event_t vev;
    char *key;
    int rc;

    if ((rc = confReaderCheckProperties(r, kev)) < 0)
        return rc;
    if (kev->type != YAML_SCALAR_EVENT) {
        return confReaderError(r, &kev->start_mark, "expected a scalar key, got a %s",
                               kev->type == YAML_MAPPING_START_EVENT ? "mapping" : "sequence");
    }
    if (memchr(kev->data.scalar.value, '\0', kev->data.scalar.length))
        return confReaderError(r, &kev->start_mark, "NUL characters are not allowed in keys");
    key = xvStrdup((const char *)kev->data.scalar.value);
    if (!xvHashAddStr(keys, key, NULL)) {
        char *q = confQuote(key);

        confReaderError(r, &kev->start_mark, "duplicate key '%s' (first defined at line %d)",
                        q, xvConfNodeFind(node, key)->keyLine);
        free(q);
        free(key);
        return -EINVAL;
    }
    child = confNodeAppend(node, alloc);
    child->key = key;
    child->keyLine = (int)kev->start_mark.line + 1;
    child->keyColumn = (int)kev->start_mark.column + 1;
    if ((rc = confReaderNext(r, &vev)) < 0)
        return rc;
    rc = confReadNode(r, &vev, depth + 1, child);
    yaml_event_delete(&vev);
    return rc;
}

/* Reads the pairs of a mapping whose start event was consumed. */
static int
confReadMapping(confReader *r, int depth, xvConfNode *node)
{
    xvHash *keys = xvHashNew();
    size_t alloc = 0;
    int rc;

    for (;;) {
        yaml_event_t kev;

        if ((rc = confReaderNext(r, &kev)) < 0)
            break;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        rc = confReadPair(r, &kev, depth, node, &alloc, keys);
        yaml_event_delete(&kev);
        if (rc < 0)
            break;
    }
    xvHashFree(keys);
    return rc;
}

/*
 * Fills @node (zeroed, or holding only its key) from the node starting with
 * @ev, which the caller deletes. On error @node may be half-filled: the
 * caller frees the whole tree.
 */
static int
confReadNode(confReader *r, const yaml_event_t *ev, int depth, xvConfNode *node)
{
    int rc;

    if ((rc = confReaderCheckProperties(r, ev)) < 0)
        return rc;
    if (++r->nnodes > XV_AGENT_CONF_MAX_NODES) {
        return confReaderError(r, &ev->start_mark, "too many YAML nodes (the limit is %d)",
                               XV_AGENT_CONF_MAX_NODES);
    }
    node->line = (int)ev->start_mark.line + 1;
    node->column = (int)ev->start_mark.column + 1;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
            return confReaderError(r, &ev->start_mark,
                                   "NUL characters are not allowed in values");
        }
        node->kind = XV_CONF_NODE_SCALAR;
        node->value = xvStrdup((const char *)ev->data.scalar.value);
        node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return 0;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (depth >= XV_AGENT_CONF_MAX_DEPTH) {
            return confReaderError(r, &ev->start_mark,
                                   "collections are nested too deeply (the limit is %d)",
                                   XV_AGENT_CONF_MAX_DEPTH);
        }
        if (ev->type == YAML_SEQUENCE_START_EVENT) {
            node->kind = XV_CONF_NODE_SEQUENCE;
            return confReadSequence(r, depth, node);
        }
        node->kind = XV_CONF_NODE_MAPPING;
        return confReadMapping(r, depth, node);
    default:
        /* libyaml only starts a node with the events above. */
        return confReaderError(r, &ev->start_mark, "unexpected YAML event %d", (int)ev->type);
    }
}

/*
 * Reads the stream into @root. No document, or a null one, leaves @root an
 * empty mapping. A second document is an error.
 */
static int
confReadStream(confReader *r, xvConfNode *root)
{
    yaml_event_t ev;
    bool seenDocument = false;
    int rc;

    root->kind = XV_CONF_NODE_MAPPING;
    root->line = 1;
    root->column = 1;
    for (;;) {
        if ((rc = confReaderNext(r, &ev)) < 0)
            return rc;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            yaml_event_delete(&ev);
            return 0;
        case YAML_DOCUMENT_START_EVENT:
            if (seenDocument) {
                rc = confReaderError(r, &ev.start_mark,
                                     "expected a single YAML document, found a second one");
                yaml_event_delete(&ev);
                return rc;
            }
            seenDocument = true;
            yaml_event_delete(&ev);
            if ((rc = confReaderNext(r, &ev)) < 0)
                return rc;
            rc = confReadNode(r, &ev, 0, root);
            yaml_event_delete(&ev);
            if (rc < 0)
                return rc;
            if (xvConfNodeIsNull(root)) {
                confNodeClear(root);
                root->kind = XV_CONF_NODE_MAPPING;
                root->line = 1;
                root->column = 1;
            }
            break;
        default:
            /* STREAM_START, DOCUMENT_END */
            yaml_event_delete(&ev);
            break;
        }
    }
}

/* ---- typed values ------------------------------------------------------ */

static const char *
confNodeName(const xvConfNode *node)
{
    return node->key ? node->key : "value";
}

int
xvConfNodeCheckKind(const xvConfNode *node, const char *file, xvConfNodeKind kind,
                    xvConfError *err)
{
    char *what;
    int rc;

    if (node->kind == kind)
        return 0;
    what = xvAsprintf("a %s", xvConfNodeKindName(kind));
    rc = confErrorExpected(err, file, node, what);
    free(what);
    return rc;
}

int
xvConfNodeGetBool(const xvConfNode *node, const char *file, bool *ret, xvConfError *err)
{
    static const char *const yes[] = { "true", "yes", "on", NULL };
    static const char *const no[] = { "false", "no", "off", NULL };
    const char *what = "a boolean (true/false, yes/no, on/off)";

    if (node->kind != XV_CONF_NODE_SCALAR || xvConfNodeIsNull(node))
        return confErrorExpected(err, file, node, what);
    if (confLookupName(yes, node->value, true) >= 0) {
        *ret = true;
        return 0;
    }
    if (confLookupName(no, node->value, true) >= 0) {
        *ret = false;
        return 0;
    }
    return confErrorExpected(err, file, node, what);
}

/* Strict decimal: [+-]?[0-9]+. Returns 0, -EINVAL, or -ERANGE (*ret clamped). */
static int
confParseInt(const char *text, long long *ret)
{
    const char *p = text;
    char *end = NULL;

    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
    }
    errno = 0;
    *ret = strtoll(text, &end, 10);
    if (errno == ERANGE)
        return -ERANGE;
    return 0;
}

int
xvConfNodeGetInt(const xvConfNode *node, const char *file, long long min, long long max,
                 long long *ret, xvConfError *err)
{
    long long value = 0;
    char *q;
    int rc;

    if (node->kind != XV_CONF_NODE_SCALAR || xvConfNodeIsNull(node))
        return confErrorExpected(err, file, node, "an integer");
    rc = confParseInt(node->value, &value);
    if (rc == -EINVAL)
        return confErrorExpected(err, file, node, "an integer");
    if (rc < 0 || value < min || value > max) {
        q = confQuote(node->value);
        confErrorNode(err, file, node, "%s %s is out of range %lld..%lld",
                      confNodeName(node), q, min, max);
        free(q);
        return -EINVAL;
    }
    *ret = value;
    return 0;
}

int
xvConfParseDuration(const char *text, uint64_t *retMs)
{
    static const struct {
        const char *name;
        uint64_t ms;
    } units[] = {
        { "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 }, { "h", 60 * 60 * 1000 },
    };
    uint64_t value = 0;
    bool overflow = false;
    const char *p = text;
    size_t i;

    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned int digit = (unsigned int)(*p - '0');

        if (value > (UINT64_MAX - digit) / 10)
            overflow = true;
        else
            value = value * 10 + digit;
    }
    for (i = 0; i < XV_N_ELEMENTS(units); i++) {
        if (strcmp(p, units[i].name) != 0)
            continue;
        if (overflow || value > UINT64_MAX / units[i].ms)
            return -ERANGE;
        *retMs = value * units[i].ms;
        return 0;
    }
    return -EINVAL;
}

void
xvConfFormatDuration(uint64_t ms, char *buf, size_t buflen)
{
    static const struct {
        const char *name;
        uint64_t ms;
    } units[] = {
        { "h", 60 * 60 * 1000 }, { "m", 60 * 1000 }, { "s", 1000 },
    };
    size_t i;

    for (i = 0; ms > 0 && i < XV_N_ELEMENTS(units); i++) {
        if (ms % units[i].ms == 0) {
            snprintf(buf, buflen, "%llu%s", (unsigned long long)(ms / units[i].ms),
                     units[i].name);
            return;
        }
    }
    snprintf(buf, buflen, "%llums", (unsigned long long)ms);
}

/* A quantity with a unit: its reader and writer, and the units for a hint. */
typedef struct {
    const char *what;           /* "a duration like 15s or 500ms" */
    const char *units;          /* "ms, s, m or h" */
    int (*parse)(const char *text, uint64_t *ret);
    void (*format)(uint64_t value, char *buf, size_t buflen);
} confQuantity;

/* Reads @node as a @kind within [@min, @max]; a bare number gets a hint to
 * add a unit. */
static int
confNodeGetQuantity(const xvConfNode *node, const char *file, const confQuantity *kind,
                    uint64_t min, uint64_t max, uint64_t *ret, xvConfError *err)
{
    char limit[32];
    uint64_t value = 0;
    long long dummy;
    char *q;
    int rc;

    if (node->kind != XV_CONF_NODE_SCALAR || xvConfNodeIsNull(node))
        return confErrorExpected(err, file, node, kind->what);
    rc = kind->parse(node->value, &value);
    if (rc == -EINVAL) {
        if (confParseInt(node->value, &dummy) != -EINVAL) {
            q = confQuote(node->value);
            confErrorNode(err, file, node, "expected %s, got '%s' (add a unit: %s)",
                          kind->what, q, kind->units);
            free(q);
            return -EINVAL;
        }
        return confErrorExpected(err, file, node, kind->what);
    }
    q = confQuote(node->value);
    if (rc < 0 || value > max) {
        kind->format(max, limit, sizeof(limit));
        confErrorNode(err, file, node, "%s %s is above the maximum of %s",
                      confNodeName(node), q, limit);
    } else if (value < min) {
        kind->format(min, limit, sizeof(limit));
        confErrorNode(err, file, node, "%s %s is below the minimum of %s",
                      confNodeName(node), q, limit);
    } else {
        *ret = value;
    }
    free(q);
    return (rc < 0 || value > max || value < min) ? -EINVAL : 0;
}

int
xvConfNodeGetDuration(const xvConfNode *node, const char *file, uint64_t minMs,
                      uint64_t maxMs, uint64_t *retMs, xvConfError *err)
{
    static const confQuantity duration = {
        "a duration like 15s or 500ms", "ms, s, m or h",
        xvConfParseDuration, xvConfFormatDuration,
    };

    return confNodeGetQuantity(node, file, &duration, minMs, maxMs, retMs, err);
}

static const struct {
    const char *name;
    uint64_t kib;
} confSizeUnits[] = {
    { "KiB", 1 }, { "K", 1 }, { "MiB", 1024 }, { "M", 1024 },
    { "GiB", 1024 * 1024 }, { "G", 1024 * 1024 },
    { "TiB", UINT64_C(1024) * 1024 * 1024 }, { "T", UINT64_C(1024) * 1024 * 1024 },
};

int
xvConfParseSize(const char *text, uint64_t *retKiB)
{
    uint64_t value = 0;
    bool overflow = false;
    const char *p = text;
    size_t i;

    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned int digit = (unsigned int)(*p - '0');

        if (value > (UINT64_MAX - digit) / 10)
            overflow = true;
        else
            value = value * 10 + digit;
    }
    if (*p == '\0' && value == 0 && !overflow) {
        *retKiB = 0;
        return 0;
    }
    for (i = 0; i < XV_N_ELEMENTS(confSizeUnits); i++) {
        if (strcmp(p, confSizeUnits[i].name) != 0)
            continue;
        if (overflow || value > UINT64_MAX / confSizeUnits[i].kib)
            return -ERANGE;
        *retKiB = value * confSizeUnits[i].kib;
        return 0;
    }
    return -EINVAL;
}

void
xvConfFormatSize(uint64_t kib, char *buf, size_t buflen)
{
    static const struct {
        const char *name;
        uint64_t kib;
    } units[] = {
        { "TiB", UINT64_C(1024) * 1024 * 1024 }, { "GiB", 1024 * 1024 }, { "MiB", 1024 },
    };
    size_t i;

    for (i = 0; kib && i < XV_N_ELEMENTS(units); i++) {
        if (kib % units[i].kib == 0) {
            snprintf(buf, buflen, "%" PRIu64 "%s", kib / units[i].kib, units[i].name);
            return;
        }
    }
    snprintf(buf, buflen, "%" PRIu64 "KiB", kib);
}

int
xvConfNodeGetSize(const xvConfNode *node, const char *file, uint64_t minKiB, uint64_t maxKiB,
                  uint64_t *retKiB, xvConfError *err)
{
    static const confQuantity size = {
        "a size like 512MiB or 2GiB", "KiB, MiB, GiB or TiB",
        xvConfParseSize, xvConfFormatSize,
    };

    return confNodeGetQuantity(node, file, &size, minKiB, maxKiB, retKiB, err);
}

int
xvConfNodeGetString(const xvConfNode *node, const char *file, char **ret, xvConfError *err)
{
    if (node->kind != XV_CONF_NODE_SCALAR || node->value[0] == '\0' ||
        xvConfNodeIsNull(node))
        return confErrorExpected(err, file, node, "a non-empty string");
    *ret = xvStrdup(node->value);
    return 0;
}

int
xvConfNodeUnknownKey(const xvConfNode *child, const char *file, const char *where,
                     const char *const *allowed, xvConfError *err)
{
    char *q = confQuote(child->key ? child->key : "");
    char *list = confJoin(allowed);

    if (where) {
        confErrorKey(err, file, child, "unknown key '%s' in '%s' (expected one of: %s)",
                     q, where, list);
    } else {
        confErrorKey(err, file, child, "unknown key '%s' at the top level (expected one of: %s)",
                     q, list);
    }
    free(q);
    free(list);
    return -EINVAL;
}

/* ---- addresses --------------------------------------------------------- */

/*
 * Checks a listen address: an IPv4 or IPv6 literal (an IPv6 one may be in
 * brackets, which are dropped) or a host name of [A-Za-z0-9.-]. On success
 * *retAddress is a copy to free(); else *retMessage explains, to free().
 */
static int
confCheckAddress(const char *text, char **retAddress, char **retMessage)
{
    unsigned char buf[sizeof(struct in6_addr)];
    size_t len = strlen(text);
    bool digitsAndDots = true;
    char *q;
    size_t i;

    if (len > 2 && text[0] == '[' && text[len - 1] == ']') {
        char *inner = xvAllocN(len - 1, 1);

        memcpy(inner, text + 1, len - 2);
        if (inet_pton(AF_INET6, inner, buf) == 1) {
            *retAddress = inner;
            return 0;
        }
        free(inner);
        q = confQuote(text);
        *retMessage = xvAsprintf("'%s' is not a valid IPv6 address", q);
        free(q);
        return -EINVAL;
    }
    if (inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1) {
        *retAddress = xvStrdup(text);
        return 0;
    }
    for (i = 0; i < len; i++) {
        char c = text[i];

        if (c != '.' && (c < '0' || c > '9'))
            digitsAndDots = false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-'))
            break;
    }
    q = confQuote(text);
    if (len > 0 && digitsAndDots)
        *retMessage = xvAsprintf("'%s' is not a valid IPv4 address", q);
    else if (len == 0 || i < len || text[0] == '.' || text[0] == '-' || strstr(text, ".."))
        *retMessage = xvAsprintf("expected an IP address or a host name, got '%s'", q);
    else if (len > 253)
        *retMessage = xvAsprintf("host name '%s' is longer than 253 characters", q);
    else
        *retMessage = NULL;
    free(q);
    if (*retMessage)
        return -EINVAL;
    *retAddress = xvStrdup(text);
    return 0;
}

int
xvAgentConfParseListen(const char *text, char **retAddress, unsigned int *retPort,
                       char **retMessage)
{
    const char *colon;
    char *host = NULL;
    char *address = NULL;
    char *message = NULL;
    long long port = 0;
    char *q;

    if (text[0] == '[') {
        /* "[v6]:port": the host keeps its brackets for confCheckAddress() */
        const char *close = strchr(text, ']');

        colon = close ? close + 1 : NULL;
        if (!colon || *colon != ':') {
            q = confQuote(text);
            message = xvAsprintf("expected [ipv6]:port, got '%s'", q);
            free(q);
            goto error;
        }
    } else {
        colon = strchr(text, ':');
        if (!colon || strchr(colon + 1, ':')) {
            q = confQuote(text);
            message = xvAsprintf("expected host:port, [ipv6]:port or :port, got '%s'", q);
            free(q);
            goto error;
        }
    }
    if (colon[1] == '+' || colon[1] == '-' || confParseInt(colon + 1, &port) < 0 ||
        port < 1 || port > 65535) {
        q = confQuote(colon + 1);
        message = xvAsprintf("port '%s' is not a number in 1..65535", q);
        free(q);
        goto error;
    }
    if (colon == text) {
        address = xvStrdup(XV_AGENT_DEFAULT_ADDRESS);
    } else {
        host = xvAllocN((size_t)(colon - text) + 1, 1);
        memcpy(host, text, (size_t)(colon - text));
        if (confCheckAddress(host, &address, &message) < 0)
            goto error;
    }
    free(host);
    *retAddress = address;
    *retPort = (unsigned int)port;
    return 0;

 error:
    free(host);
    if (retMessage)
        *retMessage = message;
    else
        free(message);
    return -EINVAL;
}

/* ---- sections ---------------------------------------------------------- */

typedef struct {
    const char *file;           /* the file being parsed: the main one or a policy file */
    xvConfError *err;
    xvAgentConf *conf;
    xvHash *names;              /* policy names, all files */
    const xvConfNode *dirNode;  /* policies_dir in the main file; NULL: not set */
} confParser;

/* A section's value: a mapping, or null for "all defaults" (returns 1). */
static int
confParseSectionKind(confParser *p, const xvConfNode *node)
{
    if (xvConfNodeIsNull(node))
        return 1;
    return xvConfNodeCheckKind(node, p->file, XV_CONF_NODE_MAPPING, p->err);
}

static int
confParseUInt(confParser *p, const xvConfNode *node, long long min, long long max,
              unsigned int *ret)
{
    long long value;
    int rc;

    if ((rc = xvConfNodeGetInt(node, p->file, min, max, &value, p->err)) < 0)
        return rc;
    *ret = (unsigned int)value;
    return 0;
}

static int
confParseReplaceString(confParser *p, const xvConfNode *node, char **field)
{
    char *value = NULL;
    int rc;

    if ((rc = xvConfNodeGetString(node, p->file, &value, p->err)) < 0)
        return rc;
    free(*field);
    *field = value;
    return 0;
}

static int
confParseConnection(confParser *p, const xvConfNode *map)
{
    static const char *const keys[] = { "uri", NULL };
    size_t i;
    int rc;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (strcmp(child->key, "uri") != 0)
            return xvConfNodeUnknownKey(child, p->file, "connection", keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if ((rc = confParseReplaceString(p, child, &p->conf->uri)) < 0)
            return rc;
    }
    return 0;
}

static int
confParseAddress(confParser *p, const xvConfNode *node)
{
    char *address = NULL;
    char *message = NULL;
    int rc;

    if (node->kind != XV_CONF_NODE_SCALAR)
        return confErrorExpected(p->err, p->file, node, "an IP address or a host name");
    if (confCheckAddress(node->value, &address, &message) < 0) {
        rc = confErrorNode(p->err, p->file, node, "%s", message);
        free(message);
        return rc;
    }
    free(p->conf->listenAddress);
    p->conf->listenAddress = address;
    return 0;
}

static int
confParseListenSection(confParser *p, const xvConfNode *map)
{
    static const char *const keys[] = {
        "address", "port", "max_connections", "max_header_bytes",
        "read_timeout", "write_timeout", NULL,
    };
    xvAgentConf *conf = p->conf;
    size_t i;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];
        const char *key = child->key;
        int rc;

        if (confLookupName(keys, key, false) < 0)
            return xvConfNodeUnknownKey(child, p->file, "listen", keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(key, "address") == 0) {
            rc = confParseAddress(p, child);
        } else if (strcmp(key, "port") == 0) {
            rc = confParseUInt(p, child, 1, 65535, &conf->listenPort);
        } else if (strcmp(key, "max_connections") == 0) {
            rc = confParseUInt(p, child, XV_AGENT_MAX_CONNECTIONS_MIN,
                               XV_AGENT_MAX_CONNECTIONS_MAX, &conf->maxConnections);
        } else if (strcmp(key, "max_header_bytes") == 0) {
            rc = confParseUInt(p, child, XV_AGENT_MAX_HEADER_BYTES_MIN,
                               XV_AGENT_MAX_HEADER_BYTES_MAX, &conf->maxHeaderBytes);
        } else if (strcmp(key, "read_timeout") == 0) {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_TIMEOUT_MIN_MS,
                                       XV_AGENT_TIMEOUT_MAX_MS, &conf->readTimeoutMs, p->err);
        } else {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_TIMEOUT_MIN_MS,
                                       XV_AGENT_TIMEOUT_MAX_MS, &conf->writeTimeoutMs, p->err);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int
confParseCollectors(confParser *p, const xvConfNode *map)
{
    size_t i;
    int rc;

    if ((rc = confParseSectionKind(p, map)) != 0)
        return rc < 0 ? rc : 0;
    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];
        int id = confLookupName(confCollectorNames, child->key, false);
        bool enabled;

        if (id < 0) {
            return xvConfNodeUnknownKey(child, p->file, "sampling.collectors",
                                        confCollectorNames, p->err);
        }
        if (xvConfNodeIsNull(child))
            continue;
        if ((rc = xvConfNodeGetBool(child, p->file, &enabled, p->err)) < 0)
            return rc;
        p->conf->collectorSet[id] = true;
        p->conf->collectorEnabled[id] = enabled;
    }
    return 0;
}

static int
confParseSampling(confParser *p, const xvConfNode *map)
{
    static const char *const keys[] = { "interval", "collectors", NULL };
    size_t i;
    int rc;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (confLookupName(keys, child->key, false) < 0)
            return xvConfNodeUnknownKey(child, p->file, "sampling", keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "interval") == 0) {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_INTERVAL_MIN_MS,
                                       XV_AGENT_INTERVAL_MAX_MS, &p->conf->intervalMs, p->err);
        } else {
            rc = confParseCollectors(p, child);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int
confParseLogging(confParser *p, const xvConfNode *map)
{
    static const char *const keys[] = { "level", NULL };
    static const char *const levels[] = { "debug", "info", "notice", "warning", "error", NULL };
    size_t i;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];
        char *list;
        char *q;
        int level;

        if (strcmp(child->key, "level") != 0)
            return xvConfNodeUnknownKey(child, p->file, "logging", keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (child->kind != XV_CONF_NODE_SCALAR)
            return confErrorExpected(p->err, p->file, child, "a logging level");
        for (level = 3; level <= 7; level++) {
            if (strcasecmp(confLogLevelNames[level], child->value) == 0)
                break;
        }
        if (level > 7) {
            q = confQuote(child->value);
            list = confJoin(levels);
            confErrorNode(p->err, p->file, child,
                          "unknown logging level '%s' (expected one of: %s)", q, list);
            free(q);
            free(list);
            return -EINVAL;
        }
        p->conf->logLevel = level;
    }
    return 0;
}

/* Reads `name` or `type` of a policy entry: a required non-empty string. */
static const xvConfNode *
confPolicyRequired(confParser *p, const xvConfNode *entry, const char *key)
{
    const xvConfNode *node = xvConfNodeFind(entry, key);

    if (!node) {
        confErrorNode(p->err, p->file, entry,
                      "policy entry is missing the required key '%s'", key);
        return NULL;
    }
    if (node->kind != XV_CONF_NODE_SCALAR || node->value[0] == '\0' || xvConfNodeIsNull(node)) {
        confErrorExpected(p->err, p->file, node, "a non-empty string");
        return NULL;
    }
    return node;
}

/* "policy 'x' is already defined at FILE:LINE:COL", at the second one's name. */
static int
confPolicyDuplicate(confParser *p, const xvConfNode *name, const xvAgentConfPolicy *first)
{
    const xvConfNode *firstName = xvConfNodeFind(first->node, "name");
    char *q = confQuote(name->value);
    int rc;

    rc = confErrorNode(p->err, p->file, name, "policy '%s' is already defined at %s:%d:%d",
                       q, first->file, firstName->line, firstName->column);
    free(q);
    return rc;
}

/* Appends the entries of the sequence @seq, read from p->file, to conf->policies. */
static int
confParsePolicies(confParser *p, xvConfNode *seq)
{
    xvAgentConf *conf = p->conf;
    size_t i;
    int rc = 0;

    if ((rc = xvConfNodeCheckKind(seq, p->file, XV_CONF_NODE_SEQUENCE, p->err)) < 0)
        return rc;
    if (seq->nchildren > 0) {
        conf->policies = xvReallocN(conf->policies, conf->npolicies + seq->nchildren,
                                      sizeof(*conf->policies));
    }
    for (i = 0; i < seq->nchildren; i++) {
        xvConfNode *entry = &seq->children[i];
        const xvConfNode *name;
        const xvConfNode *type;
        xvAgentConfPolicy *policy;
        size_t first;
        char *list;
        char *q;
        int id;

        if ((rc = xvConfNodeCheckKind(entry, p->file, XV_CONF_NODE_MAPPING, p->err)) < 0)
            return rc;
        if (!(name = confPolicyRequired(p, entry, "name")) ||
            !(type = confPolicyRequired(p, entry, "type")))
            return -EINVAL;
        if (!xvHashAddStr(p->names, name->value, NULL)) {
            for (first = 0; strcmp(conf->policies[first].name, name->value) != 0; first++)
                ;
            return confPolicyDuplicate(p, name, &conf->policies[first]);
        }
        policy = &conf->policies[conf->npolicies];
        memset(policy, 0, sizeof(*policy));
        policy->name = xvStrdup(name->value);
        conf->npolicies++;
        policy->file = xvStrdup(p->file);
        if ((id = confLookupName(confPolicyTypeNames, type->value, false)) < 0) {
            q = confQuote(type->value);
            list = confJoin(confPolicyTypeNames);
            rc = confErrorNode(p->err, p->file, type,
                               "unknown policy type '%s' (expected one of: %s)", q, list);
            free(q);
            free(list);
            return rc;
        }
        policy->type = (xvAgentPolicyType)id;
        policy->node = xvConfNodeCopy(entry);
    }
    return 0;
}

static int
confParseRoot(confParser *p, xvConfNode *root)
{
    static const char *const keys[] = {
        "connection", "listen", "sampling", "logging", "policies", "policies_dir", "state_dir",
        "state_retention", NULL,
    };
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(root, p->file, XV_CONF_NODE_MAPPING, p->err)) < 0)
        return rc;
    for (i = 0; i < root->nchildren; i++) {
        xvConfNode *child = &root->children[i];
        const char *key = child->key;

        if (confLookupName(keys, key, false) < 0)
            return xvConfNodeUnknownKey(child, p->file, NULL, keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(key, "policies") == 0) {
            rc = confParsePolicies(p, child);
        } else if (strcmp(key, "policies_dir") == 0) {
            rc = confParseReplaceString(p, child, &p->conf->policiesDir);
            p->dirNode = child;
        } else if (strcmp(key, "state_dir") == 0) {
            rc = confParseReplaceString(p, child, &p->conf->stateDir);
        } else if (strcmp(key, "state_retention") == 0) {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_STATE_RETENTION_MIN_MS,
                                       XV_AGENT_STATE_RETENTION_MAX_MS,
                                       &p->conf->stateRetentionMs, p->err);
        } else if ((rc = confParseSectionKind(p, child)) == 0) {
            if (strcmp(key, "connection") == 0)
                rc = confParseConnection(p, child);
            else if (strcmp(key, "listen") == 0)
                rc = confParseListenSection(p, child);
            else if (strcmp(key, "sampling") == 0)
                rc = confParseSampling(p, child);
            else
                rc = confParseLogging(p, child);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- loading ----------------------------------------------------------- */

xvAgentConf *
xvAgentConfNew(void)
{
    xvAgentConf *conf = xvAllocN(1, sizeof(*conf));

    conf->listenAddress = xvStrdup(XV_AGENT_DEFAULT_ADDRESS);
    conf->listenPort = XV_AGENT_DEFAULT_PORT;
    conf->maxConnections = XV_AGENT_DEFAULT_MAX_CONNECTIONS;
    conf->maxHeaderBytes = XV_AGENT_DEFAULT_MAX_HEADER_BYTES;
    conf->readTimeoutMs = XV_AGENT_DEFAULT_TIMEOUT_MS;
    conf->writeTimeoutMs = XV_AGENT_DEFAULT_TIMEOUT_MS;
    conf->intervalMs = XV_AGENT_DEFAULT_INTERVAL_MS;
    conf->logLevel = XV_AGENT_DEFAULT_LOG_LEVEL;
    conf->stateRetentionMs = XV_AGENT_DEFAULT_STATE_RETENTION_MS;
    return conf;
}

void
xvAgentConfFree(xvAgentConf *conf)
{
    size_t i;

    if (!conf)
        return;
    for (i = 0; i < conf->npolicies; i++) {
        free(conf->policies[i].name);
        free(conf->policies[i].file);
        xvConfNodeFree(conf->policies[i].node);
    }
    free(conf->policies);
    free(conf->policiesDir);
    free(conf->stateDir);
    free(conf->listenAddress);
    free(conf->uri);
    free(conf->file);
    free(conf);
}

/* Reads the YAML text @data of @len bytes (not NUL-terminated) into @root. */
static int
confReadTree(const char *name, const unsigned char *data, size_t len, xvConfNode *root,
             xvConfError *err)
{
    confReader r = { .file = name, .data = data, .len = len, .err = err };
    int rc;

    if (len > XV_AGENT_CONF_MAX_BYTES) {
        xvConfErrorSetAt(err, name, 0, 0, "file is too large (%zu bytes; the limit is %d)",
                         len, XV_AGENT_CONF_MAX_BYTES);
        return -EFBIG;
    }
    /* libyaml would read UTF-16 too; the files are UTF-8 (with or without a BOM). */
    if (len >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) ||
                     (data[0] == 0xFE && data[1] == 0xFF))) {
        return xvConfErrorSetAt(err, name, 1, 1,
                                "found a UTF-16 byte order mark: the file must be UTF-8 text");
    }
    if (!yaml_parser_initialize(&r.parser)) {
        xvConfErrorSetAt(err, name, 0, 0, "out of memory while reading YAML");
        return -ENOMEM;
    }
    /* Left to detect the encoding, libyaml skips a UTF-8 BOM without counting
     * it in the columns. */
    yaml_parser_set_input_string(&r.parser, data, len);
    rc = confReadStream(&r, root);
    yaml_parser_delete(&r.parser);
    return rc;
}

/* Reads at most XV_AGENT_CONF_MAX_BYTES + 1 bytes of @path into *retData. */
static int
confReadFile(const char *path, unsigned char **retData, size_t *retLen, xvConfError *err)
{
    const size_t limit = XV_AGENT_CONF_MAX_BYTES + 1;
    unsigned char *data = NULL;
    size_t len = 0, size;
    struct stat sb;
    char ebuf[128];
    int fd;
    int rc;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
        rc = -errno;
        xvConfErrorSetAt(err, path, 0, 0, "cannot open the configuration file: %s",
                         strerror_r(-rc, ebuf, sizeof(ebuf)));
        return rc;
    }
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        rc = -EISDIR;
        xvConfErrorSetAt(err, path, 0, 0, "cannot read the configuration file: %s",
                         strerror_r(EISDIR, ebuf, sizeof(ebuf)));
        goto cleanup;
    }
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > XV_AGENT_CONF_MAX_BYTES) {
        rc = -EFBIG;
        xvConfErrorSetAt(err, path, 0, 0, "file is too large (%lld bytes; the limit is %d)",
                         (long long)sb.st_size, XV_AGENT_CONF_MAX_BYTES);
        goto cleanup;
    }
    /* sized from the file, so a reload does not hold a 1 MiB buffer; a pipe
     * or a file that grows makes the buffer grow, up to the limit + 1 */
    size = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 1 : 4096;
    data = xvAllocN(size, 1);
    while (len < limit) {
        ssize_t n;

        if (len == size) {
            size = size * 2 < limit ? size * 2 : limit;
            data = xvReallocN(data, size, 1);
        }
        n = read(fd, data + len, size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            xvConfErrorSetAt(err, path, 0, 0, "cannot read the configuration file: %s",
                             strerror_r(-rc, ebuf, sizeof(ebuf)));
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > XV_AGENT_CONF_MAX_BYTES) {
        /* a file that grew, or a pipe: the size was not known in advance */
        rc = -EFBIG;
        xvConfErrorSetAt(err, path, 0, 0, "file is too large (more than %d bytes)",
                         XV_AGENT_CONF_MAX_BYTES);
        goto cleanup;
    }
    *retData = data;
    *retLen = len;
    data = NULL;
    rc = 0;

 cleanup:
    free(data);
    close(fd);
    return rc;
}

/* ---- policies_dir ------------------------------------------------------ */

/* A policy file: "*.yaml", not hidden (which also leaves out ".x.yaml.swp"). */
static bool
confIsPolicyFileName(const char *name)
{
    size_t len = strlen(name);

    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".yaml") == 0;
}

static int
confCompareNames(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * @name taken from the directory of @path: "dir/name", or @name itself when
 * it is absolute or @path has no directory part. To free().
 */
static char *
confPathNextTo(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');

    if (name[0] == '/' || !slash)
        return xvStrdup(name);
    return xvAsprintf("%.*s/%s", (int)(slash - path), path, name);
}

/* Parses one file of the policy directory: a mapping holding only `policies:`. */
static int
confParsePolicyFile(confParser *p, xvConfNode *root)
{
    size_t i;
    int rc;

    if ((rc = xvConfNodeCheckKind(root, p->file, XV_CONF_NODE_MAPPING, p->err)) < 0)
        return rc;
    for (i = 0; i < root->nchildren; i++) {
        xvConfNode *child = &root->children[i];

        if (strcmp(child->key, "policies") != 0) {
            char *q = confQuote(child->key);

            confErrorKey(p->err, p->file, child, "unknown key '%s' in a policy file "
                         "(a file of policies_dir holds only 'policies')", q);
            free(q);
            return -EINVAL;
        }
        if (xvConfNodeIsNull(child))
            continue;
        if ((rc = confParsePolicies(p, child)) < 0)
            return rc;
    }
    return 0;
}

static int
confLoadPolicyFile(confParser *p, const char *path)
{
    xvConfNode root = { 0 };
    unsigned char *data = NULL;
    const char *mainFile = p->file;
    size_t len = 0;
    int rc;

    if ((rc = confReadFile(path, &data, &len, p->err)) < 0)
        return rc;
    if ((rc = confReadTree(path, data, len, &root, p->err)) == 0) {
        p->file = path;
        rc = confParsePolicyFile(p, &root);
        p->file = mainFile;
    }
    confNodeClear(&root);
    free(data);
    return rc;
}

/*
 * The names of the policy files in @dir, sorted, in *retNames (each and the
 * array to free()). A missing directory gives none if @optional. Returns 0
 * or -errno with @err filled.
 */
static int
confListPolicyDir(confParser *p, const char *dir, bool optional, char ***retNames,
                  size_t *retCount)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    char **names = NULL;
    size_t n = 0, alloc = 0;
    char ebuf[128];
    int rc = 0;

    if (!d) {
        rc = -errno;
        if (rc == -ENOENT && optional) {
            rc = 0;
            goto done;
        }
        /* the path in full, as file names are in every message */
        if (p->dirNode) {
            confErrorNode(p->err, p->file, p->dirNode, "cannot read policies_dir '%s': %s",
                          dir, strerror_r(-rc, ebuf, sizeof(ebuf)));
        } else {
            xvConfErrorSetAt(p->err, dir, 0, 0, "cannot read the policy directory: %s",
                             strerror_r(-rc, ebuf, sizeof(ebuf)));
        }
        return rc;
    }
    for (errno = 0; (ent = readdir(d)); errno = 0) {
        if (!confIsPolicyFileName(ent->d_name))
            continue;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 16;
            names = xvReallocN(names, alloc, sizeof(*names));
        }
        names[n++] = xvStrdup(ent->d_name);
    }
    if (errno != 0) {
        rc = -errno;
        xvConfErrorSetAt(p->err, dir, 0, 0, "cannot read the policy directory: %s",
                         strerror_r(-rc, ebuf, sizeof(ebuf)));
        while (n > 0)
            free(names[--n]);
        free(names);
        names = NULL;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), confCompareNames);

 done:
    *retNames = names;
    *retCount = n;
    return rc;
}

/* Reads the policy directory of the main file @path (see xvAgentConfLoadFile()). */
static int
confLoadPolicyDir(confParser *p, const char *path)
{
    const char *given = p->conf->policiesDir;
    char *dir = confPathNextTo(path, given ? given : XV_AGENT_DEFAULT_POLICIES_DIR);
    char **names = NULL;
    size_t n = 0, i;
    int rc;

    if ((rc = confListPolicyDir(p, dir, !given, &names, &n)) < 0)
        goto cleanup;
    for (i = 0; i < n && rc == 0; i++) {
        char *file = xvAsprintf("%s/%s", dir, names[i]);
        struct stat sb;

        /* not a regular file (a directory, a socket...): not a policy file;
         * one that cannot be stat'ed is reported by the read below */
        if (stat(file, &sb) < 0 || S_ISREG(sb.st_mode))
            rc = confLoadPolicyFile(p, file);
        free(file);
    }

 cleanup:
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dir);
    return rc;
}

/* ---- loading (continued) ----------------------------------------------- */

/* Loads the main file: @len bytes of @data, which need not be NUL-terminated. */
static int
confLoadData(const char *name, const unsigned char *data, size_t len, bool readDir,
             xvAgentConf **ret, xvConfError *err)
{
    xvConfNode root = { 0 };
    confParser p = { .file = name, .err = err, .names = xvHashNew() };
    int rc;

    if ((rc = confReadTree(name, data, len, &root, err)) == 0) {
        p.conf = xvAgentConfNew();
        p.conf->file = xvStrdup(name);
        rc = confParseRoot(&p, &root);
        /* while the tree lives: p.dirNode points into it */
        if (rc == 0 && readDir)
            rc = confLoadPolicyDir(&p, name);
    }
    confNodeClear(&root);
    xvHashFree(p.names);
    if (rc < 0) {
        xvAgentConfFree(p.conf);
        return rc;
    }
    *ret = p.conf;
    return 0;
}

int
xvAgentConfLoadString(const char *name, const char *yaml, xvAgentConf **ret, xvConfError *err)
{
    return confLoadData(name, (const unsigned char *)yaml, strlen(yaml), false, ret, err);
}

int
xvAgentConfLoadFile(const char *path, xvAgentConf **ret, xvConfError *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    if ((rc = confReadFile(path, &data, &len, err)) < 0)
        return rc;
    rc = confLoadData(path, data, len, true, ret, err);
    free(data);
    return rc;
}

/* ---- queries ----------------------------------------------------------- */

const char *
xvAgentCollectorName(xvAgentCollector collector)
{
    if ((int)collector < 0 || collector >= XV_AGENT_COLLECTOR_LAST)
        return NULL;
    return confCollectorNames[collector];
}

const char *
xvAgentPolicyTypeName(xvAgentPolicyType type)
{
    if ((int)type < 0 || type >= XV_AGENT_POLICY_LAST)
        return NULL;
    return confPolicyTypeNames[type];
}

bool
xvAgentConfCollectorEnabled(const xvAgentConf *conf, const char *name, bool defaultEnabled)
{
    int id = confLookupName(confCollectorNames, name, false);

    if (!conf || id < 0 || !conf->collectorSet[id])
        return defaultEnabled;
    return conf->collectorEnabled[id];
}

const char *
xvAgentConfLogLevelName(int level)
{
    if (level < 3 || level > 7)
        return NULL;
    return confLogLevelNames[level];
}
