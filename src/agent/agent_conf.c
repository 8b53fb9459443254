/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* agent_conf.c: the agent's configuration file: its keys, defaults and policy directory. */
#include "agent_conf.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "collectors/collector.h"
#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvfile.h"
#include "util/xvhash.h"
#include "util/xvlog.h"
#include "util/xvmacros.h"

/*
 * The file is read in two steps: src/conf/ turns it into an xvConfNode
 * tree, then confParse*() walks the tree in file order, so the first error
 * reported is the first one in the file. Everything is owned by the call:
 * no globals.
 */

/* Indexed by syslog priority; 0..2 (emerg, alert, crit) are not levels. */
static const char *const confLogLevelNames[] = {
    NULL, NULL, NULL, "error", "warning", "notice", "info", "debug",
};

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
        q = xvConfQuote(text);
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
    q = xvConfQuote(text);
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
            q = xvConfQuote(text);
            message = xvAsprintf("expected [ipv6]:port, got '%s'", q);
            free(q);
            goto error;
        }
    } else {
        colon = strchr(text, ':');
        if (!colon || strchr(colon + 1, ':')) {
            q = xvConfQuote(text);
            message = xvAsprintf("expected host:port, [ipv6]:port or :port, got '%s'", q);
            free(q);
            goto error;
        }
    }
    if (colon[1] == '+' || colon[1] == '-' || xvConfParseInt(colon + 1, &port) < 0 ||
        port < 1 || port > 65535) {
        q = xvConfQuote(colon + 1);
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

/* Sets *retMessage (if not NULL) to @message, else frees it; -EINVAL. */
static int
confFail(char **retMessage, char *message)
{
    if (retMessage)
        *retMessage = message;
    else
        free(message);
    return -EINVAL;
}

int
xvAgentConfCheckTelemetryPath(const char *path, char **retMessage)
{
    static const char *const taken[] = { "/", "/-/healthy", "/-/ready", NULL };
    char *q = xvConfQuote(path);
    char *message = NULL;
    size_t i;

    if (path[0] != '/') {
        message = xvAsprintf("telemetry path '%s' does not start with '/'", q);
    } else if (path[1] == '/') {
        /* the landing page's relative link would read as another host */
        message = xvAsprintf("telemetry path '%s' starts with '//'", q);
    } else if (strcspn(path, "?#") < strlen(path)) {
        message = xvAsprintf("telemetry path '%s' has a query or fragment ('?', '#')", q);
    } else {
        for (i = 0; path[i]; i++) {
            if ((unsigned char)path[i] <= ' ' || (unsigned char)path[i] >= 0x7f) {
                message = xvAsprintf("telemetry path '%s' has a space, control or "
                                     "non-ASCII character", q);
                break;
            }
        }
        for (i = 0; !message && taken[i]; i++) {
            if (strcmp(path, taken[i]) == 0)
                message = xvAsprintf("telemetry path '%s' is taken by another endpoint "
                                     "(/, /-/healthy, /-/ready)", q);
        }
    }
    free(q);
    return message ? confFail(retMessage, message) : 0;
}

int
xvAgentConfCheckWebConfigFile(const char *path, char **retMessage)
{
    if (!*path)
        return confFail(retMessage, xvStrdup("web configuration file: expected a path, "
                                             "got an empty string"));
    return 0;
}

int
xvAgentConfLogLevelFromName(const char *name)
{
    int level;

    if (strcasecmp(name, "warn") == 0)
        return XV_LOG_WARNING;
    for (level = 3; level <= 7; level++) {
        if (strcasecmp(confLogLevelNames[level], name) == 0)
            return level;
    }
    return -1;
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

/* A string checked by @check (an xvAgentConfCheck* function) into *@field. */
static int
confParseChecked(confParser *p, const xvConfNode *node,
                 int (*check)(const char *value, char **retMessage), char **field)
{
    char *value = NULL;
    char *message = NULL;
    int rc;

    if ((rc = xvConfNodeGetString(node, p->file, &value, p->err)) < 0)
        return rc;
    if (check(value, &message) < 0) {
        rc = xvConfErrorAtNode(p->err, p->file, node, "%s", message);
        free(message);
        free(value);
        return rc;
    }
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
        return xvConfErrorExpected(p->err, p->file, node, "an IP address or a host name");
    if (confCheckAddress(node->value, &address, &message) < 0) {
        rc = xvConfErrorAtNode(p->err, p->file, node, "%s", message);
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
        "read_timeout", "write_timeout", "header_timeout",
        "max_connections_per_address", "telemetry_path", "web_config_file",
        "health_without_auth", NULL,
    };
    xvAgentConf *conf = p->conf;
    size_t i;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];
        const char *key = child->key;
        int rc;

        if (xvConfLookupName(keys, key, false) < 0)
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
        } else if (strcmp(key, "header_timeout") == 0) {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_TIMEOUT_MIN_MS,
                                       XV_AGENT_TIMEOUT_MAX_MS, &conf->headerTimeoutMs, p->err);
        } else if (strcmp(key, "web_config_file") == 0) {
            rc = confParseReplaceString(p, child, &conf->webConfigFile);
        } else if (strcmp(key, "health_without_auth") == 0) {
            rc = xvConfNodeGetBool(child, p->file, &conf->healthWithoutAuth, p->err);
        } else if (strcmp(key, "max_connections_per_address") == 0) {
            rc = confParseUInt(p, child, XV_AGENT_MAX_CONNECTIONS_MIN,
                               XV_AGENT_MAX_CONNECTIONS_MAX, &conf->maxConnectionsPerAddress);
        } else if (strcmp(key, "telemetry_path") == 0) {
            rc = confParseChecked(p, child, xvAgentConfCheckTelemetryPath, &conf->telemetryPath);
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
        int id = xvCollectorIndex(child->key);
        bool enabled;

        if (id < 0) {
            const char *names[XV_COLLECTORS_MAX + 1] = { NULL };
            size_t k;

            for (k = 0; xvCollectors[k]; k++)
                names[k] = xvCollectors[k]->name;
            return xvConfNodeUnknownKey(child, p->file, "sampling.collectors", names, p->err);
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
    static const char *const keys[] = { "interval", "collectors", "events",
                                        "event_min_gap", NULL };
    size_t i;
    int rc;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (xvConfLookupName(keys, child->key, false) < 0)
            return xvConfNodeUnknownKey(child, p->file, "sampling", keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "interval") == 0) {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_INTERVAL_MIN_MS,
                                       XV_AGENT_INTERVAL_MAX_MS, &p->conf->intervalMs, p->err);
        } else if (strcmp(child->key, "events") == 0) {
            rc = xvConfNodeGetBool(child, p->file, &p->conf->events, p->err);
        } else if (strcmp(child->key, "event_min_gap") == 0) {
            rc = xvConfNodeGetDuration(child, p->file, XV_AGENT_EVENT_GAP_MIN_MS,
                                       XV_AGENT_EVENT_GAP_MAX_MS, &p->conf->eventMinGapMs,
                                       p->err);
        } else {
            rc = confParseCollectors(p, child);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int
confParseLogLevel(confParser *p, const xvConfNode *node)
{
    static const char *const levels[] = { "debug", "info", "notice", "warning", "error", NULL };
    char *list;
    char *q;
    int level;

    if (node->kind != XV_CONF_NODE_SCALAR)
        return xvConfErrorExpected(p->err, p->file, node, "a logging level");
    if ((level = xvAgentConfLogLevelFromName(node->value)) < 0) {
        q = xvConfQuote(node->value);
        list = xvConfJoin(levels);
        xvConfErrorAtNode(p->err, p->file, node,
                          "unknown logging level '%s' (expected one of: %s)", q, list);
        free(q);
        free(list);
        return -EINVAL;
    }
    p->conf->logLevel = level;
    return 0;
}

static int
confParseLogFormat(confParser *p, const xvConfNode *node)
{
    static const char *const formats[] = { "syslog", "logfmt", "json", NULL };
    char *list;
    char *q;
    int format;

    if (node->kind != XV_CONF_NODE_SCALAR)
        return xvConfErrorExpected(p->err, p->file, node, "a log format");
    if ((format = xvLogFormatFromName(node->value)) < 0) {
        q = xvConfQuote(node->value);
        list = xvConfJoin(formats);
        xvConfErrorAtNode(p->err, p->file, node,
                          "unknown log format '%s' (expected one of: %s)", q, list);
        free(q);
        free(list);
        return -EINVAL;
    }
    p->conf->logFormat = format;
    return 0;
}

static int
confParseLogging(confParser *p, const xvConfNode *map)
{
    static const char *const keys[] = { "level", "format", NULL };
    size_t i;
    int rc;

    for (i = 0; i < map->nchildren; i++) {
        const xvConfNode *child = &map->children[i];

        if (xvConfLookupName(keys, child->key, false) < 0)
            return xvConfNodeUnknownKey(child, p->file, "logging", keys, p->err);
        if (xvConfNodeIsNull(child))
            continue;
        if (strcmp(child->key, "level") == 0)
            rc = confParseLogLevel(p, child);
        else
            rc = confParseLogFormat(p, child);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Reads `name` or `type` of a policy entry: a required non-empty string. */
static const xvConfNode *
confPolicyRequired(confParser *p, const xvConfNode *entry, const char *key)
{
    const xvConfNode *node = xvConfNodeFind(entry, key);

    if (!node) {
        xvConfErrorAtNode(p->err, p->file, entry,
                          "policy entry is missing the required key '%s'", key);
        return NULL;
    }
    if (node->kind != XV_CONF_NODE_SCALAR || node->value[0] == '\0' || xvConfNodeIsNull(node)) {
        xvConfErrorExpected(p->err, p->file, node, "a non-empty string");
        return NULL;
    }
    return node;
}

/* "autopin, balloon, restart": the names of the registry of policy types. To free(). */
static char *
confPolicyTypeList(void)
{
    const char **names;
    size_t n = 0, i;
    char *list;

    while (xvPolicyTypes[n])
        n++;
    names = xvAllocN(n + 1, sizeof(*names));
    for (i = 0; i < n; i++)
        names[i] = xvPolicyTypes[i]->name;
    list = xvConfJoin(names);
    free(names);
    return list;
}

/* "policy 'x' is already defined at FILE:LINE:COL", at the second one's name. */
static int
confPolicyDuplicate(confParser *p, const xvConfNode *name, const xvPolicyEntry *first)
{
    const xvConfNode *firstName = xvConfNodeFind(first->node, "name");
    char *q = xvConfQuote(name->value);
    int rc;

    rc = xvConfErrorAtNode(p->err, p->file, name, "policy '%s' is already defined at %s:%d:%d",
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
        xvPolicyEntry *policy;
        size_t first;
        char *list;
        char *q;

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
        if (!(policy->type = xvPolicyTypeFind(type->value))) {
            q = xvConfQuote(type->value);
            list = confPolicyTypeList();
            rc = xvConfErrorAtNode(p->err, p->file, type,
                                   "unknown policy type '%s' (expected one of: %s)", q, list);
            free(q);
            free(list);
            return rc;
        }
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

        if (xvConfLookupName(keys, key, false) < 0)
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
    conf->headerTimeoutMs = XV_AGENT_DEFAULT_HEADER_TIMEOUT_MS;
    conf->maxConnectionsPerAddress = XV_AGENT_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    conf->intervalMs = XV_AGENT_DEFAULT_INTERVAL_MS;
    conf->events = true;
    conf->eventMinGapMs = XV_AGENT_DEFAULT_EVENT_GAP_MS;
    conf->logLevel = XV_AGENT_DEFAULT_LOG_LEVEL;
    conf->logFormat = XV_LOG_FORMAT_SYSLOG;
    conf->telemetryPath = xvStrdup(XV_AGENT_DEFAULT_TELEMETRY_PATH);
    conf->stateRetentionMs = XV_AGENT_DEFAULT_STATE_RETENTION_MS;
    return conf;
}

void
xvAgentConfFree(xvAgentConf *conf)
{
    size_t i;

    if (!conf)
        return;
    for (i = 0; i < conf->npolicies; i++)
        xvPolicyEntryClear(&conf->policies[i]);
    free(conf->policies);
    for (i = 0; i < conf->nwarnings; i++)
        free(conf->warnings[i]);
    free(conf->warnings);
    free(conf->policiesDir);
    free(conf->stateDir);
    free(conf->listenAddress);
    free(conf->telemetryPath);
    free(conf->webConfigFile);
    free(conf->uri);
    free(conf->file);
    free(conf);
}

/*
 * Keeps the warning "@file: @why" (@why to free(), taken) in @conf. A
 * warning about a directory above the file ("its directory 'D' is ...")
 * is about D, and said once however many files are below it.
 */
static void
confAddWarning(xvAgentConf *conf, const char *file, char *why)
{
    static const char dirPrefix[] = "its directory '";
    const char *end;
    char *msg;
    size_t i;

    if (strncmp(why, dirPrefix, sizeof(dirPrefix) - 1) == 0 &&
        (end = strstr(why, "' is "))) {
        const char *dir = why + sizeof(dirPrefix) - 1;

        msg = xvAsprintf("%.*s: %s", (int)(end - dir), dir, end + 5);
    } else {
        msg = xvAsprintf("%s: %s", file, why);
    }
    free(why);
    for (i = 0; i < conf->nwarnings; i++) {
        if (strcmp(conf->warnings[i], msg) == 0) {
            free(msg);
            return;
        }
    }
    conf->warnings = xvReallocN(conf->warnings, conf->nwarnings + 1, sizeof(*conf->warnings));
    conf->warnings[conf->nwarnings++] = msg;
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
            char *q = xvConfQuote(child->key);

            xvConfErrorAtKey(p->err, p->file, child, "unknown key '%s' in a policy file "
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
    xvConfNode *root = NULL;
    unsigned char *data = NULL;
    char *warning = NULL;
    const char *mainFile = p->file;
    size_t len = 0;
    int rc;

    if ((rc = xvConfReadFile(path, &data, &len, &warning, p->err)) < 0)
        return rc;
    if (warning)
        confAddWarning(p->conf, path, warning);
    if ((rc = xvConfParse(path, data, len, &root, p->err)) == 0) {
        p->file = path;
        rc = confParsePolicyFile(p, root);
        p->file = mainFile;
    }
    xvConfNodeFree(root);
    free(data);
    return rc;
}

/* The directory @dir, open as @d, must be trusted (util/xvfile.h). */
static int
confCheckPolicyDir(confParser *p, DIR *d, const char *dir)
{
    char why[XV_FILE_WHY_LEN];
    int rc = xvFileCheckTrust(dir, dirfd(d), 0, why, sizeof(why));

    if (rc == XV_FILE_TRUST_WARNING) {
        confAddWarning(p->conf, dir, xvStrdup(why));
        return 0;
    }
    if (rc < 0) {
        xvConfErrorSetAt(p->err, dir, 0, 0, "untrusted policy directory, refused: %s "
                         "(see TRUSTED FILES in xvirt-agent(8))", why);
    }
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
            xvConfErrorAtNode(p->err, p->file, p->dirNode, "cannot read policies_dir '%s': %s",
                              dir, strerror_r(-rc, ebuf, sizeof(ebuf)));
        } else {
            xvConfErrorSetAt(p->err, dir, 0, 0, "cannot read the policy directory: %s",
                             strerror_r(-rc, ebuf, sizeof(ebuf)));
        }
        return rc;
    }
    if ((rc = confCheckPolicyDir(p, d, dir)) < 0) {
        closedir(d);
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
             char *warning, xvAgentConf **ret, xvConfError *err)
{
    xvConfNode *root = NULL;
    confParser p = { .file = name, .err = err, .names = xvHashNew() };
    int rc;

    if ((rc = xvConfParse(name, data, len, &root, err)) == 0) {
        p.conf = xvAgentConfNew();
        p.conf->file = xvStrdup(name);
        if (warning)
            confAddWarning(p.conf, name, XV_STEAL_PTR(warning));
        rc = confParseRoot(&p, root);
        /* while the tree lives: p.dirNode points into it */
        if (rc == 0 && readDir)
            rc = confLoadPolicyDir(&p, name);
        /* a relative web_config_file is next to the file, as policies_dir */
        if (rc == 0 && readDir && p.conf->webConfigFile && p.conf->webConfigFile[0] != '/') {
            char *next = confPathNextTo(name, p.conf->webConfigFile);

            free(p.conf->webConfigFile);
            p.conf->webConfigFile = next;
        }
    }
    xvConfNodeFree(root);
    xvHashFree(p.names);
    free(warning);
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
    return confLoadData(name, (const unsigned char *)yaml, strlen(yaml), false, NULL, ret,
                        err);
}

int
xvAgentConfLoadFile(const char *path, xvAgentConf **ret, xvConfError *err)
{
    unsigned char *data = NULL;
    char *warning = NULL;
    size_t len = 0;
    int rc;

    if ((rc = xvConfReadFile(path, &data, &len, &warning, err)) < 0)
        return rc;
    rc = confLoadData(path, data, len, true, warning, ret, err);
    free(data);
    return rc;
}

/* ---- queries ----------------------------------------------------------- */

bool
xvAgentConfCollectorEnabled(const xvAgentConf *conf, const char *name, bool defaultEnabled)
{
    int id = xvCollectorIndex(name);

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
