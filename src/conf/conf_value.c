/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf_value.c: typed readers of a configuration node, with their ranges and messages. */
#include "conf_value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"
#include "util/xvmacros.h"
#include "util/xvunits.h"

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
    rc = xvConfErrorExpected(err, file, node, what);
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
        return xvConfErrorExpected(err, file, node, what);
    if (xvConfLookupName(yes, node->value, true) >= 0) {
        *ret = true;
        return 0;
    }
    if (xvConfLookupName(no, node->value, true) >= 0) {
        *ret = false;
        return 0;
    }
    return xvConfErrorExpected(err, file, node, what);
}

int
xvConfParseInt(const char *text, long long *ret)
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
        return xvConfErrorExpected(err, file, node, "an integer");
    rc = xvConfParseInt(node->value, &value);
    if (rc == -EINVAL)
        return xvConfErrorExpected(err, file, node, "an integer");
    if (rc < 0 || value < min || value > max) {
        q = xvConfQuote(node->value);
        xvConfErrorAtNode(err, file, node, "%s %s is out of range %lld..%lld",
                          confNodeName(node), q, min, max);
        free(q);
        return -EINVAL;
    }
    *ret = value;
    return 0;
}

static const xvUnit confSizeUnits[] = {
    { "KiB", 1 }, { "K", 1 }, { "MiB", 1024 }, { "M", 1024 },
    { "GiB", 1024 * 1024 }, { "G", 1024 * 1024 },
    { "TiB", UINT64_C(1024) * 1024 * 1024 }, { "T", UINT64_C(1024) * 1024 * 1024 },
};

/* Writes @value with the largest of the @n @units (largest first) that
 * divides it exactly, else with @base, the name of the base unit. */
static void
confFormatUnits(uint64_t value, const xvUnit *units, size_t n, const char *base, char *buf,
                size_t buflen)
{
    size_t i;

    for (i = 0; value > 0 && i < n; i++) {
        if (value % units[i].factor == 0) {
            snprintf(buf, buflen, "%" PRIu64 "%s", value / units[i].factor, units[i].name);
            return;
        }
    }
    snprintf(buf, buflen, "%" PRIu64 "%s", value, base);
}

int
xvConfParseDuration(const char *text, uint64_t *retMs)
{
    return xvParseDuration(text, retMs);
}

void
xvConfFormatDuration(uint64_t ms, char *buf, size_t buflen)
{
    static const xvUnit units[] = {
        { "h", 60 * 60 * 1000 }, { "m", 60 * 1000 }, { "s", 1000 },
    };

    confFormatUnits(ms, units, XV_N_ELEMENTS(units), "ms", buf, buflen);
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
        return xvConfErrorExpected(err, file, node, kind->what);
    rc = kind->parse(node->value, &value);
    if (rc == -EINVAL) {
        if (xvConfParseInt(node->value, &dummy) != -EINVAL) {
            q = xvConfQuote(node->value);
            xvConfErrorAtNode(err, file, node, "expected %s, got '%s' (add a unit: %s)",
                              kind->what, q, kind->units);
            free(q);
            return -EINVAL;
        }
        return xvConfErrorExpected(err, file, node, kind->what);
    }
    q = xvConfQuote(node->value);
    if (rc < 0 || value > max) {
        kind->format(max, limit, sizeof(limit));
        xvConfErrorAtNode(err, file, node, "%s %s is above the maximum of %s",
                          confNodeName(node), q, limit);
    } else if (value < min) {
        kind->format(min, limit, sizeof(limit));
        xvConfErrorAtNode(err, file, node, "%s %s is below the minimum of %s",
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

int
xvConfParseSize(const char *text, uint64_t *retKiB)
{
    return xvParseUnits(text, confSizeUnits, XV_N_ELEMENTS(confSizeUnits), true, retKiB);
}

void
xvConfFormatSize(uint64_t kib, char *buf, size_t buflen)
{
    static const xvUnit units[] = {
        { "TiB", UINT64_C(1024) * 1024 * 1024 }, { "GiB", 1024 * 1024 }, { "MiB", 1024 },
    };

    confFormatUnits(kib, units, XV_N_ELEMENTS(units), "KiB", buf, buflen);
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
        return xvConfErrorExpected(err, file, node, "a non-empty string");
    *ret = xvStrdup(node->value);
    return 0;
}

int
xvConfNodeUnknownKey(const xvConfNode *child, const char *file, const char *where,
                     const char *const *allowed, xvConfError *err)
{
    char *q = xvConfQuote(child->key ? child->key : "");
    char *list = xvConfJoin(allowed);

    if (where) {
        xvConfErrorAtKey(err, file, child, "unknown key '%s' in '%s' (expected one of: %s)",
                         q, where, list);
    } else {
        xvConfErrorAtKey(err, file, child,
                         "unknown key '%s' at the top level (expected one of: %s)", q, list);
    }
    free(q);
    free(list);
    return -EINVAL;
}
