/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf.h: a YAML configuration file read into a small tree of nodes, each
 * with its file:line:column, and the configuration error that points there.
 * Generic: it knows no key of any program. The typed readers of a node
 * (booleans, integers, durations, sizes, strings) are in conf_value.h; the
 * agent's schema is src/agent/agent_conf.c, the policies' own keys are read
 * by src/policy/.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Conventions of this module (and of the readers built on it)
 *
 * - Functions return 0 (or a value >= 0) on success and a negative errno on
 *   failure: -EINVAL for an invalid configuration, -EFBIG for a file over
 *   XV_CONF_MAX_BYTES, -ENOMEM if libyaml runs out of memory, and the
 *   negated errno of open()/read() for I/O failures. Other allocation
 *   failures abort, as in the rest of xvirt.
 * - On failure, the xvConfError passed in (if not NULL) says where and why.
 *   It must have been initialized ({0}, or filled by an earlier call); it is
 *   cleared before being filled, and left untouched on success.
 * - ret* output parameters are written only on success.
 * - There is no global state: every call is reentrant and thread-safe.
 *
 * What the reader accepts
 *
 * - At most one YAML document, of at most XV_CONF_MAX_BYTES bytes of UTF-8
 *   text (a UTF-8 byte order mark is skipped; UTF-16 is refused). No
 *   document, or a null one, is an empty mapping.
 * - YAML anchors, aliases and tags are rejected, so are NUL characters,
 *   duplicate keys in a mapping and keys that are not scalars.
 * - At most XV_CONF_MAX_DEPTH nested collections and XV_CONF_MAX_NODES
 *   nodes.
 * - Quoting never changes how a value is read (port: "80" is the integer
 *   80), except that a quoted "" or "~" is an empty string, not null.
 */

/* Largest configuration file accepted, in bytes. */
#define XV_CONF_MAX_BYTES (1024 * 1024)
/* Deepest nesting of YAML collections accepted. */
#define XV_CONF_MAX_DEPTH 64
/* Most YAML nodes (scalars and collections) accepted in one file. */
#define XV_CONF_MAX_NODES 100000

/* A configuration error. file is the file it is in: the name given to the reader, or
 * another file the program read (policies_dir); line and column are 1-based (libyaml
 * marks + 1), or 0 when the error is about the whole file. */
typedef struct _xvConfError xvConfError;
struct _xvConfError {
    char *file;
    int line;
    int column;
    char *message;       /* lowercase, no final period, user values quoted */
};

/* Frees the strings of @err (NULL is fine) and zeroes it. */
void xvConfErrorClear(xvConfError *err);

/*
 * "file:line:column: message", "file: message" when line is 0, or just the
 * message when there is no file name. Returns a string to free(), never NULL
 * (an empty error gives "unknown configuration error").
 */
char *xvConfErrorFormat(const xvConfError *err);

/*
 * Fills @err (cleared first; NULL is fine) and returns -EINVAL, so that a
 * parser can `return xvConfErrorSetAt(...)`. A line of 0 means "the whole file".
 */
int xvConfErrorSetAt(xvConfError *err, const char *file, int line, int column,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * A YAML node, kept as a small generic tree with its position, so that
 * each stage (the agent's schema, then the policy types) can validate its
 * own keys with precise marks after the file was read.
 */
typedef enum {
    XV_CONF_NODE_SCALAR = 0,
    XV_CONF_NODE_SEQUENCE,
    XV_CONF_NODE_MAPPING,
    XV_CONF_NODE_LAST
} xvConfNodeKind;

typedef struct _xvConfNode xvConfNode;
struct _xvConfNode {
    xvConfNodeKind kind;
    int line;                   /* 1-based start of the node */
    int column;
    char *value;                /* SCALAR: the text (never contains NUL); else NULL */
    bool plain;                 /* SCALAR: written without quotes (so `~` is null) */
    char *key;                  /* value of a mapping: its key; else NULL */
    int keyLine;                /* value of a mapping: 1-based position of its key */
    int keyColumn;
    xvConfNode *children;       /* SEQUENCE: the items; MAPPING: the values, */
    size_t nchildren;           /* each with its key, in file order, keys unique */
};

/* "scalar", "sequence", "mapping". */
const char *xvConfNodeKindName(xvConfNodeKind kind);
/* True for a plain empty, "~" or "null"/"Null"/"NULL" scalar: "use the default". */
bool xvConfNodeIsNull(const xvConfNode *node);
/* The value of @key in the mapping @map, or NULL (borrowed from @map). */
const xvConfNode *xvConfNodeFind(const xvConfNode *map, const char *key);
/* A deep copy, to free with xvConfNodeFree(). */
xvConfNode *xvConfNodeCopy(const xvConfNode *node);
/* Frees @node and its subtree; NULL is fine. */
void xvConfNodeFree(xvConfNode *node);

/*
 * Reads the YAML text @data of @len bytes (need not be NUL-terminated) into
 * a tree: *ret is its root (a mapping, empty when the text has no document),
 * to free with xvConfNodeFree(). @name stands for the file in errors. See the
 * conventions above.
 */
int xvConfParse(const char *name, const unsigned char *data, size_t len, xvConfNode **ret,
                xvConfError *err);

/*
 * Reads the file at @path into *retData (*retLen bytes, NUL-terminated, to
 * free()). It must be a regular file (util/xvfile.h: opened non-blocking,
 * a FIFO, device, socket or directory is refused at once) of at most
 * XV_CONF_MAX_BYTES (-EFBIG), and trusted (xvFileCheckTrust(): refused
 * with -EPERM when it or a directory above it can be changed by other
 * users). A group-writable file or directory is read, and *retWarning (if
 * not NULL) says why it should not be, without the file name (to free();
 * set to NULL when there is nothing to say). Errors are about the whole
 * file (line 0).
 */
int xvConfReadFile(const char *path, unsigned char **retData, size_t *retLen,
                   char **retWarning, xvConfError *err);

/* ---- for the readers of a tree ------------------------------------------ */

/* An error at the position of @node (its value). Returns -EINVAL. */
int xvConfErrorAtNode(xvConfError *err, const char *file, const xvConfNode *node,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* An error at the position of @node's key. Returns -EINVAL. */
int xvConfErrorAtKey(xvConfError *err, const char *file, const xvConfNode *node,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "expected <what>, got <node>" at @node ("got 'fast'", "got a sequence",
 * "got an empty value"). Returns -EINVAL. */
int xvConfErrorExpected(xvConfError *err, const char *file, const xvConfNode *node,
                        const char *what);

/*
 * @text made safe to quote in a message: control bytes become '?', and a
 * text over 64 bytes is cut (at a UTF-8 boundary) and ends with "...".
 * To free().
 */
char *xvConfQuote(const char *text);
/* "a, b, c" from the NULL-terminated @names. To free(). */
char *xvConfJoin(const char *const *names);
/* The index of @name in the NULL-terminated @names (@nocase: ASCII case
 * ignored), or -1. */
int xvConfLookupName(const char *const *names, const char *name, bool nocase);
