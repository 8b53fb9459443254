/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf.c: a YAML file read with libyaml into a tree of nodes with their positions. */
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "util/xvalloc.h"
#include "util/xvfile.h"
#include "util/xvhash.h"
#include "util/xvmacros.h"

/*
 * confRead*() turns the libyaml event stream into an xvConfNode tree,
 * rejecting what a configuration never needs: anchors, aliases, tags,
 * several documents, duplicate keys, NUL bytes. Everything is owned by the
 * call: no globals.
 */

#define CONF_QUOTE_MAX 64       /* bytes of a user value quoted in a message */

static const char *const confNodeKindNames[] = {
    [XV_CONF_NODE_SCALAR] = "scalar",
    [XV_CONF_NODE_SEQUENCE] = "sequence",
    [XV_CONF_NODE_MAPPING] = "mapping",
};
_Static_assert(XV_N_ELEMENTS(confNodeKindNames) == XV_CONF_NODE_LAST,
               "confNodeKindNames must name every xvConfNodeKind");

/* ---- small helpers ----------------------------------------------------- */

char *
xvConfQuote(const char *text)
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

char *
xvConfJoin(const char *const *names)
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

int
xvConfLookupName(const char *const *names, const char *name, bool nocase)
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

static int XV_PRINTF(5, 0)
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

int
xvConfErrorAtNode(xvConfError *err, const char *file, const xvConfNode *node,
                  const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    confErrorSetV(err, file, node->line, node->column, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

int
xvConfErrorAtKey(xvConfError *err, const char *file, const xvConfNode *node,
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
        q = xvConfQuote(node->value);
        s = xvAsprintf("'%s'", q);
        free(q);
        return s;
    }
    return xvAsprintf("a %s", xvConfNodeKindName(node->kind));
}

int
xvConfErrorExpected(xvConfError *err, const char *file, const xvConfNode *node,
                    const char *what)
{
    char *got = confDescribe(node);

    xvConfErrorAtNode(err, file, node, "expected %s, got %s", what, got);
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
        xvConfLookupName(nulls, node->value, false) >= 0;
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
        q = xvConfQuote((const char *)ev->data.alias.anchor);
        confReaderError(r, &ev->start_mark, "YAML aliases are not supported ('*%s')", q);
        free(q);
        return -EINVAL;
    default:
        return 0;
    }
    if (anchor) {
        q = xvConfQuote((const char *)anchor);
        confReaderError(r, &ev->start_mark, "YAML anchors are not supported ('&%s')", q);
        free(q);
        return -EINVAL;
    }
    if (tag) {
        /* Show the usual short form that was written: !!str, not tag:yaml.org,2002:str. */
        const char *core = "tag:yaml.org,2002:";
        bool isCore = strncmp((const char *)tag, core, strlen(core)) == 0;

        q = xvConfQuote((const char *)tag + (isCore ? strlen(core) : 0));
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
        char *q = xvConfQuote(key);

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
    if (++r->nnodes > XV_CONF_MAX_NODES) {
        return confReaderError(r, &ev->start_mark, "too many YAML nodes (the limit is %d)",
                               XV_CONF_MAX_NODES);
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
        if (depth >= XV_CONF_MAX_DEPTH) {
            return confReaderError(r, &ev->start_mark,
                                   "collections are nested too deeply (the limit is %d)",
                                   XV_CONF_MAX_DEPTH);
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

/* ---- reading -------------------------------------------------------------- */

int
xvConfParse(const char *name, const unsigned char *data, size_t len, xvConfNode **ret,
            xvConfError *err)
{
    confReader r = { .file = name, .data = data, .len = len, .err = err };
    xvConfNode *root;
    int rc;

    if (len > XV_CONF_MAX_BYTES) {
        xvConfErrorSetAt(err, name, 0, 0, "file is too large (%zu bytes; the limit is %d)",
                         len, XV_CONF_MAX_BYTES);
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
    root = xvAllocN(1, sizeof(*root));
    rc = confReadStream(&r, root);
    yaml_parser_delete(&r.parser);
    if (rc < 0) {
        /* a half-built tree: everything it holds is owned */
        xvConfNodeFree(root);
        return rc;
    }
    *ret = root;
    return 0;
}

/* Opens @path as a trusted regular file (util/xvfile.h): the descriptor, or
 * -errno with @err filled. A warning of the trust check goes to *retWarning. */
static int
confOpenTrusted(const char *path, char **retWarning, xvConfError *err)
{
    char why[XV_FILE_WHY_LEN];
    int fd, rc;

    if ((fd = xvFileOpenRegular(path, O_RDONLY, why, sizeof(why))) < 0) {
        /* the open itself, or what it found: not a regular file */
        xvConfErrorSetAt(err, path, 0, 0, fd == -EISDIR || fd == -EINVAL ?
                         "cannot read the configuration file: %s" :
                         "cannot open the configuration file: %s", why);
        return fd;
    }
    rc = xvFileCheckTrust(path, fd, 0, why, sizeof(why));
    if (rc < 0) {
        xvConfErrorSetAt(err, path, 0, 0, "untrusted configuration file, refused: %s "
                         "(see TRUSTED FILES in xvirt-agent(8))", why);
        close(fd);
        return rc;
    }
    if (rc == XV_FILE_TRUST_WARNING && retWarning)
        *retWarning = xvStrdup(why);
    return fd;
}

int
xvConfReadFile(const char *path, unsigned char **retData, size_t *retLen, char **retWarning,
               xvConfError *err)
{
    char *data = NULL, *warning = NULL;
    char why[XV_FILE_WHY_LEN];
    struct stat sb;
    size_t len = 0;
    int fd, rc;

    if ((fd = confOpenTrusted(path, &warning, err)) < 0)
        return fd;
    /* the size first, for a message that says how large the file is */
    if (fstat(fd, &sb) == 0 && sb.st_size > XV_CONF_MAX_BYTES) {
        rc = -EFBIG;
        xvConfErrorSetAt(err, path, 0, 0, "file is too large (%lld bytes; the limit is %d)",
                         (long long)sb.st_size, XV_CONF_MAX_BYTES);
        goto cleanup;
    }
    if ((rc = xvFileReadFd(fd, XV_CONF_MAX_BYTES, &data, &len, why, sizeof(why))) < 0) {
        /* -EFBIG: a file that grew while it was read */
        if (rc == -EFBIG)
            xvConfErrorSetAt(err, path, 0, 0, "file is too large (more than %d bytes)",
                             XV_CONF_MAX_BYTES);
        else
            xvConfErrorSetAt(err, path, 0, 0, "cannot read the configuration file: %s", why);
        goto cleanup;
    }
    *retData = (unsigned char *)data;
    *retLen = len;
    if (retWarning)
        *retWarning = XV_STEAL_PTR(warning);
    rc = 0;

 cleanup:
    free(warning);
    close(fd);
    return rc;
}
