/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf.h: the agent's YAML configuration file, loaded and validated into an xvAgentConf. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Conventions of this module
 *
 * - Functions return 0 (or a value >= 0) on success and a negative errno on
 *   failure: -EINVAL for an invalid configuration, -EFBIG for a file over
 *   XV_AGENT_CONF_MAX_BYTES, -ENOMEM if libyaml runs out of memory, and the
 *   negated errno of open()/read() for I/O failures. Other allocation failures
 *   abort, as in the rest of xvirt.
 * - On failure, the xvConfError passed in (if not NULL) says where and why.
 *   It must have been initialized ({0}, or filled by an earlier call); it is
 *   cleared before being filled, and left untouched on success.
 * - ret* output parameters are written only on success.
 * - There is no global state: every call is reentrant and thread-safe.
 *
 * Values in the file (see config/xvirt-agent.yaml for the commented example)
 *
 * - Every key is optional; a key with an empty value (`key:`, `~`, `null`)
 *   keeps its default, so does a section left empty. Unknown keys are errors
 *   at every level, except inside policy entries (below).
 * - Booleans: true/false, yes/no, on/off, in any letter case.
 * - Integers: decimal digits with an optional sign, nothing else; each key
 *   has a range.
 * - Durations: an unsigned integer immediately followed by a unit, one of
 *   ms, s, m, h ("500ms", "15s", "2m", "1h"); a bare number is an error.
 * - Strings: any scalar, quoted or not, but not empty.
 * - Quoting never changes how a value is read (port: "80" is the integer 80),
 *   except that a quoted "" or "~" is an empty string, not null.
 * - YAML anchors, aliases and tags are rejected; the file holds at most one
 *   YAML document, of at most XV_AGENT_CONF_MAX_BYTES bytes of UTF-8 text.
 */

/*
 * Default TCP port of the HTTP exporter. Prometheus' list of default port
 * allocations has no free port left in the exporters' 9100-9999 range, so
 * newer exporters take ports above 10000; 10077 is used by no exporter we
 * know of (9177 is prometheus-libvirt-exporter's).
 */
#define XV_AGENT_DEFAULT_PORT 10077

/* Largest configuration file accepted, in bytes. */
#define XV_AGENT_CONF_MAX_BYTES (1024 * 1024)
/* Deepest nesting of YAML collections accepted. */
#define XV_AGENT_CONF_MAX_DEPTH 64
/* Most YAML nodes (scalars and collections) accepted in one file. */
#define XV_AGENT_CONF_MAX_NODES 100000

/* Defaults and limits of the keys (durations in milliseconds). */
#define XV_AGENT_DEFAULT_ADDRESS "0.0.0.0"
#define XV_AGENT_DEFAULT_MAX_CONNECTIONS 64
#define XV_AGENT_MAX_CONNECTIONS_MIN 1
#define XV_AGENT_MAX_CONNECTIONS_MAX 10000
#define XV_AGENT_DEFAULT_MAX_HEADER_BYTES 8192
#define XV_AGENT_MAX_HEADER_BYTES_MIN 512
#define XV_AGENT_MAX_HEADER_BYTES_MAX 1048576
#define XV_AGENT_DEFAULT_TIMEOUT_MS 10000           /* read_timeout, write_timeout */
#define XV_AGENT_TIMEOUT_MIN_MS 100
#define XV_AGENT_TIMEOUT_MAX_MS (60 * 60 * 1000)    /* 1h */
#define XV_AGENT_DEFAULT_INTERVAL_MS 5000
#define XV_AGENT_INTERVAL_MIN_MS 100
#define XV_AGENT_INTERVAL_MAX_MS (24 * 60 * 60 * 1000)  /* 24h */
#define XV_AGENT_DEFAULT_LOG_LEVEL 6                /* LOG_INFO */
#define XV_AGENT_DEFAULT_STATE_DIR "/var/lib/xvirt"
/* state_retention: how long the bookkeeping of a domain no longer seen is kept */
#define XV_AGENT_DEFAULT_STATE_RETENTION_MS (UINT64_C(7) * 24 * 60 * 60 * 1000)  /* 168h */
#define XV_AGENT_STATE_RETENTION_MIN_MS (UINT64_C(60) * 60 * 1000)             /* 1h */
#define XV_AGENT_STATE_RETENTION_MAX_MS (UINT64_C(87600) * 60 * 60 * 1000)     /* 10 years */
/* The policy directory read when policies_dir is not set, next to the file. */
#define XV_AGENT_DEFAULT_POLICIES_DIR "policies.d"

/* A configuration error. file is the file it is in: the name given to the loader, or
 * a file (or the directory) of policies_dir; line and column are 1-based (libyaml
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
 * A YAML node, kept as a small generic tree with its position, so that a
 * later stage (the policy types of issue #5) can validate its own keys with
 * precise marks after the file was loaded.
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
 * Typed readers of a node, used by this module and by later stages. @file
 * names the file in errors; each returns 0, or -EINVAL with @err filled at
 * the node's position. The messages name the node's key (or "value").
 * None accepts a null node: the caller decides whether null means default.
 */
int xvConfNodeGetBool(const xvConfNode *node, const char *file, bool *ret, xvConfError *err);
int xvConfNodeGetInt(const xvConfNode *node, const char *file, long long min, long long max,
                     long long *ret, xvConfError *err);
int xvConfNodeGetDuration(const xvConfNode *node, const char *file, uint64_t minMs,
                          uint64_t maxMs, uint64_t *retMs, xvConfError *err);
/*
 * A memory size with a binary unit ("512MiB", "2GiB", "65536KiB"; also
 * "KiB", "MiB", "GiB", "TiB" and the short K, M, G, T), in KiB. A bare
 * number is refused (add a unit), except 0.
 */
int xvConfNodeGetSize(const xvConfNode *node, const char *file, uint64_t minKiB,
                      uint64_t maxKiB, uint64_t *retKiB, xvConfError *err);
/* Parses a size as above into KiB: 0, -EINVAL (not a size) or -ERANGE. */
int xvConfParseSize(const char *text, uint64_t *retKiB);
/* Writes @kib with the largest binary unit that divides it exactly ("512MiB"). */
void xvConfFormatSize(uint64_t kib, char *buf, size_t buflen);
/* A non-empty string: *ret is a copy to free(). */
int xvConfNodeGetString(const xvConfNode *node, const char *file, char **ret, xvConfError *err);
/* -EINVAL unless @node is of @kind: "expected a mapping, got a sequence". */
int xvConfNodeCheckKind(const xvConfNode *node, const char *file, xvConfNodeKind kind,
                        xvConfError *err);
/*
 * Reports @child's key as unknown at the key's position:
 * "unknown key 'x' in 'where' (expected one of: a, b)", or "... at the top
 * level ..." when @where is NULL. @allowed is NULL-terminated. Returns -EINVAL.
 */
int xvConfNodeUnknownKey(const xvConfNode *child, const char *file, const char *where,
                         const char *const *allowed, xvConfError *err);

/*
 * Parses a duration ("500ms", "15s", "2m", "1h") into milliseconds.
 * Returns 0, -EINVAL if @text is not a duration, or -ERANGE if it does not
 * fit in 64 bits of milliseconds.
 */
int xvConfParseDuration(const char *text, uint64_t *retMs);
/* Writes @ms with the largest unit that divides it exactly ("24h", "1500ms"). */
void xvConfFormatDuration(uint64_t ms, char *buf, size_t buflen);


/* Collectors that sampling.collectors can switch (names as in collectors/). */
typedef enum {
    XV_AGENT_COLLECTOR_NODE = 0,
    XV_AGENT_COLLECTOR_DOMAIN,
    XV_AGENT_COLLECTOR_VCPU,
    XV_AGENT_COLLECTOR_MEMORY,
    XV_AGENT_COLLECTOR_LAST
} xvAgentCollector;

/* "node", "domain", "vcpu"; NULL out of range. */
const char *xvAgentCollectorName(xvAgentCollector collector);

/* The policy types accepted in `policies:` entries. */
typedef enum {
    XV_AGENT_POLICY_AUTOPIN = 0,
    XV_AGENT_POLICY_BALLOON,
    XV_AGENT_POLICY_RESTART,
    XV_AGENT_POLICY_LAST
} xvAgentPolicyType;

/* "autopin", "balloon", "restart"; NULL out of range. */
const char *xvAgentPolicyTypeName(xvAgentPolicyType type);

/*
 * One entry of `policies:`, from the main file or a file of policies_dir.
 * Only `name` (non-empty, unique across all the files) and `type` are
 * validated here; the other keys of the entry are kept, unvalidated, in
 * @node for the policy type to parse with xvConfNodeGet*(), and @file names
 * the file the marks of @node point into (src/policy/engine.c:
 * xvPolicySetParse()).
 */
typedef struct _xvAgentConfPolicy xvAgentConfPolicy;
struct _xvAgentConfPolicy {
    char *name;
    xvAgentPolicyType type;
    xvConfNode *node;           /* the whole entry (a mapping, incl. name and type) */
    char *file;                 /* the file it was read from, as named in errors */
};

/* The loaded configuration. Read-only once loaded; all strings owned. */
typedef struct _xvAgentConf xvAgentConf;
struct _xvAgentConf {
    char *file;                 /* name given to the loader; NULL for xvAgentConfNew() */

    /* connection: */
    char *uri;                  /* NULL: the library's default (Xen) */

    /* listen: */
    char *listenAddress;        /* an IPv4/IPv6 literal (no brackets) or a host name */
    unsigned int listenPort;    /* 1..65535 */
    unsigned int maxConnections;
    unsigned int maxHeaderBytes;
    uint64_t readTimeoutMs;
    uint64_t writeTimeoutMs;

    /* sampling: */
    uint64_t intervalMs;
    /* false: the file did not say, use the collector's own default */
    bool collectorSet[XV_AGENT_COLLECTOR_LAST];
    bool collectorEnabled[XV_AGENT_COLLECTOR_LAST];

    /* logging: */
    int logLevel;               /* syslog priority: 3 (error) .. 7 (debug) */

    /* policies: then those of the files of policies_dir, in that order */
    xvAgentConfPolicy *policies;
    size_t npolicies;
    char *policiesDir;          /* policies_dir: NULL if not set; stored as written */

    /* state_dir: where the policies keep their bookkeeping (restart counts,
     * back-off deadlines); NULL: XV_AGENT_DEFAULT_STATE_DIR */
    char *stateDir;
    /* state_retention: the bookkeeping of a domain not seen for longer is dropped */
    uint64_t stateRetentionMs;
};

/* A configuration holding the defaults only, to free with xvAgentConfFree(). */
xvAgentConf *xvAgentConfNew(void);

/*
 * Loads and validates the file at @path. An empty file (or one with only
 * comments) gives the defaults. On success *ret is a new configuration to
 * free with xvAgentConfFree(). See the conventions above for errors.
 *
 * Then the policy directory is read: policies_dir (a relative one is taken
 * from the directory of @path), else XV_AGENT_DEFAULT_POLICIES_DIR next to
 * @path. A missing default directory is no error; a policies_dir that
 * cannot be read is one, at its value. Its files named *.yaml, not hidden
 * (".*"), that are regular files (symbolic links are followed) are read in
 * strcmp() order of their names; anything else there is ignored (editor
 * backups "x.yaml~" and ".x.yaml.swp", README...). Each file is a mapping
 * holding only `policies:` (a list, as in the main file), validated with the
 * same rules; its policies follow those read before. A policy name used
 * twice, in one file or across files, is an error at the second one,
 * naming the first one's file:line:column. A file that cannot be read
 * fails the load, named in @err.
 */
int xvAgentConfLoadFile(const char *path, xvAgentConf **ret, xvConfError *err);

/*
 * Same as xvAgentConfLoadFile() on the NUL-terminated text @yaml; @name
 * stands for the file name in errors and in conf->file. No policy
 * directory is read (policies_dir is only kept as written).
 */
int xvAgentConfLoadString(const char *name, const char *yaml, xvAgentConf **ret,
                          xvConfError *err);

/* Frees @conf; NULL is fine. */
void xvAgentConfFree(xvAgentConf *conf);

/*
 * Whether the collector @name runs: what the file said, else @defaultEnabled
 * (the collector's own default). An unknown name gives @defaultEnabled.
 */
bool xvAgentConfCollectorEnabled(const xvAgentConf *conf, const char *name, bool defaultEnabled);

/* The name of the syslog priority @level ("info"), NULL if not 3..7. */
const char *xvAgentConfLogLevelName(int level);

/*
 * Parses a listen address as given on the command line: "host:port",
 * "[v6addr]:port" or ":port" (any address: XV_AGENT_DEFAULT_ADDRESS),
 * validated like listen.address and listen.port. On success *retAddress is a
 * string to free() and *retPort the port; on -EINVAL *retMessage (if not
 * NULL) is a message to free().
 */
int xvAgentConfParseListen(const char *text, char **retAddress, unsigned int *retPort,
                           char **retMessage);
