/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* agent_conf.h: the agent's YAML configuration file, loaded and validated into an xvAgentConf. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/conf/conf.h"
#include "src/policy/policy.h"
#include "src/snapshot/snapshot.h"

/*
 * Conventions: those of src/conf/conf.h (0 or a negative errno; the
 * xvConfError says where and why; ret* written only on success; no global
 * state).
 *
 * Keys of the file (see config/xvirt-agent.yaml for the commented example)
 *
 * - Every key is optional; a key with an empty value (`key:`, `~`, `null`)
 *   keeps its default, so does a section left empty. Unknown keys are errors
 *   at every level, except inside policy entries (below).
 * - Values are read as src/conf/conf_value.h says (booleans, integers,
 *   durations, strings).
 */

/*
 * Default TCP port of the HTTP exporter. Prometheus' list of default port
 * allocations has no free port left in the exporters' 9100-9999 range, so
 * newer exporters take ports above 10000; 10077 is used by no exporter we
 * know of (9177 is prometheus-libvirt-exporter's).
 */
#define XV_AGENT_DEFAULT_PORT 10077

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
#define XV_AGENT_DEFAULT_HEADER_TIMEOUT_MS 5000
#define XV_AGENT_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS 16
#define XV_AGENT_DEFAULT_INTERVAL_MS 5000
#define XV_AGENT_INTERVAL_MIN_MS 100
/* sampling.event_min_gap: default and bounds (ms) */
#define XV_AGENT_DEFAULT_EVENT_GAP_MS 100
#define XV_AGENT_EVENT_GAP_MIN_MS 0
#define XV_AGENT_EVENT_GAP_MAX_MS 60000
#define XV_AGENT_INTERVAL_MAX_MS (24 * 60 * 60 * 1000)  /* 24h */
#define XV_AGENT_DEFAULT_LOG_LEVEL 6                /* LOG_INFO */
#define XV_AGENT_DEFAULT_TELEMETRY_PATH "/metrics"
#define XV_AGENT_DEFAULT_STATE_DIR "/var/lib/xvirt"
/* state_retention: how long the bookkeeping of a domain no longer seen is kept */
#define XV_AGENT_DEFAULT_STATE_RETENTION_MS (UINT64_C(7) * 24 * 60 * 60 * 1000)  /* 168h */
#define XV_AGENT_STATE_RETENTION_MIN_MS (UINT64_C(60) * 60 * 1000)             /* 1h */
#define XV_AGENT_STATE_RETENTION_MAX_MS (UINT64_C(87600) * 60 * 60 * 1000)     /* 10 years */
/* The policy directory read when policies_dir is not set, next to the file. */
#define XV_AGENT_DEFAULT_POLICIES_DIR "policies.d"

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
    uint64_t headerTimeoutMs;   /* deadline for a whole request head */
    unsigned int maxConnectionsPerAddress;  /* per IPv4 address or IPv6 /64 */
    /* telemetry_path: where the metrics are served, checked by
     * xvAgentConfCheckTelemetryPath(); never NULL */
    char *telemetryPath;
    /* web_config_file: exporter-toolkit's web configuration (TLS, basic
     * auth; exporters/web_config.h); a relative one is taken next to the
     * file; NULL: plain HTTP, no auth */
    char *webConfigFile;
    bool healthWithoutAuth;     /* /-/healthy and /-/ready skip basic auth */

    /* sampling: */
    uint64_t intervalMs;
    /* sampling.events: a lifecycle event asks for a sample at once
     * (src/agent/events.h), at most once every eventMinGapMs */
    bool events;
    uint64_t eventMinGapMs;
    /* sampling.collectors, indexed as the registry xvCollectors
     * (collectors/collector.h); false: the file did not say, use the
     * collector's own default */
    bool collectorSet[XV_COLLECTORS_MAX];
    bool collectorEnabled[XV_COLLECTORS_MAX];

    /* logging: */
    int logLevel;               /* syslog priority: 3 (error) .. 7 (debug) */
    int logFormat;              /* xvLogFormat (util/xvlog.h): syslog, logfmt, json */

    /*
     * policies: then those of the files of policies_dir, in that order.
     * Only `name` (non-empty, unique across all the files) and `type` (a
     * type of the registry xvPolicyTypes) are validated here; the other
     * keys are kept, unvalidated, for xvPolicySetParse() (src/policy/).
     */
    xvPolicyEntry *policies;
    size_t npolicies;
    char *policiesDir;          /* policies_dir: NULL if not set; stored as written */

    /* state_dir: where the policies keep their bookkeeping (restart counts,
     * back-off deadlines); NULL: XV_AGENT_DEFAULT_STATE_DIR */
    char *stateDir;
    /* state_retention: the bookkeeping of a domain not seen for longer is dropped */
    uint64_t stateRetentionMs;

    /* What the load warns about without failing: "PATH: reason" for each
     * file read, policy directory or directory above them that is trusted
     * with a warning (writable by its group, see xvFileCheckTrust() in
     * util/xvfile.h), each said once. For --check-config and the log. */
    char **warnings;
    size_t nwarnings;
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
 *
 * Every file is read as xvConfReadFile() does: regular files only, opened
 * non-blocking, and trusted (util/xvfile.h): the main file, the policy
 * directory and each policy file are refused when other users can change
 * them (-EPERM), and kept in conf->warnings when their group can.
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
 * The syslog priority of the logging level @name (case-insensitive): debug
 * 7, info 6, notice 5, warn or warning 4, error 3; -1 if unknown. The
 * names of logging.level and of --log.level (node_exporter's debug, info,
 * warn, error, and the agent's notice and warning).
 */
int xvAgentConfLogLevelFromName(const char *name);

/*
 * Checks a telemetry path (listen.telemetry_path, --web.telemetry-path):
 * starts with one '/' (not "//"), only printable ASCII without spaces, no query ('?') or
 * fragment ('#'), and not one of the other endpoints ("/", "/-/healthy",
 * "/-/ready"). Returns 0, or -EINVAL with *retMessage (if not NULL) a
 * message to free().
 */
int xvAgentConfCheckTelemetryPath(const char *path, char **retMessage);

/* Checks a web configuration file's name: a non-empty path. Returns 0, or
 * -EINVAL with *retMessage (if not NULL) a message to free(). */
int xvAgentConfCheckWebConfigFile(const char *path, char **retMessage);

/*
 * Parses a listen address as given on the command line: "host:port",
 * "[v6addr]:port" or ":port" (any address: XV_AGENT_DEFAULT_ADDRESS),
 * validated like listen.address and listen.port. On success *retAddress is a
 * string to free() and *retPort the port; on -EINVAL *retMessage (if not
 * NULL) is a message to free().
 */
int xvAgentConfParseListen(const char *text, char **retAddress, unsigned int *retPort,
                           char **retMessage);
