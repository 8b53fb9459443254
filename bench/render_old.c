/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * render_old.c: exporters/prometheus.c as of commit 844d2f0 (before the
 * metrics writer, issue #9), its symbols renamed, so render_bench can time
 * the old and the new renderer side by side in one run and check that
 * their output is byte-identical. Not built into any program.
 */
#include "render_old.h"

#include <stdlib.h>
#include <string.h>

/*
 * Speed: a 1000-domain, 4000-vcpu snapshot is ~28000 lines. Each line is
 * written with one reserve and memcpy's of precomputed pieces; each
 * domain's escaped `domain="..",uuid=".."` labels are built once per render
 * and reused by all its lines; numbers go through a digit-pair formatter.
 */

typedef enum {
    OLD_PROM_TYPE_GAUGE = 0,
    OLD_PROM_TYPE_COUNTER,
    OLD_PROM_TYPE_INFO,       /* a gauge named *_info in 0.0.4 */
    OLD_PROM_TYPE_LAST
} oldPromType;

typedef enum {
    OLD_PROM_FAM_NODE_INFO = 0,
    OLD_PROM_FAM_NODE_CPUS,
    OLD_PROM_FAM_NODE_CPUS_MAX,
    OLD_PROM_FAM_NODE_CPU_FREQUENCY,
    OLD_PROM_FAM_NODE_NUMA_NODES,
    OLD_PROM_FAM_NODE_SOCKETS,
    OLD_PROM_FAM_NODE_CORES,
    OLD_PROM_FAM_NODE_THREADS,
    OLD_PROM_FAM_NODE_MEMORY,
    OLD_PROM_FAM_NODE_MEMORY_FREE,
    OLD_PROM_FAM_DOMAINS,
    OLD_PROM_FAM_DOMAIN_INFO,
    OLD_PROM_FAM_DOMAIN_ID,
    OLD_PROM_FAM_DOMAIN_STATE,
    OLD_PROM_FAM_DOMAIN_CPU_SECONDS,
    OLD_PROM_FAM_DOMAIN_MEMORY,
    OLD_PROM_FAM_DOMAIN_MEMORY_MAX,
    OLD_PROM_FAM_DOMAIN_MEMORY_AVAILABLE,
    OLD_PROM_FAM_DOMAIN_MEMORY_UNUSED,
    OLD_PROM_FAM_DOMAIN_VCPUS,
    OLD_PROM_FAM_VCPU_STATE,
    OLD_PROM_FAM_VCPU_CPU_SECONDS,
    OLD_PROM_FAM_VCPU_CPU,
    OLD_PROM_FAM_VCPU_AFFINITY_CPUS,
    OLD_PROM_FAM_VCPU_AFFINITY_INFO,
    OLD_PROM_FAM_HYPERVISOR_UP,
    OLD_PROM_FAM_SAMPLE_TIMESTAMP,
    OLD_PROM_FAM_SAMPLE_DURATION,
    OLD_PROM_FAM_SAMPLE_ERRORS,
    OLD_PROM_FAM_COLLECTOR_DURATION,
    OLD_PROM_FAM_COLLECTOR_SUCCESS,
    OLD_PROM_FAM_BUILD_INFO,
    OLD_PROM_FAM_SNAPSHOT_AGE,
    OLD_PROM_FAM_SCRAPES,
    OLD_PROM_FAM_RELOAD_SUCCESSFUL,
    OLD_PROM_FAM_RELOAD_SUCCESS_TIMESTAMP,
    OLD_PROM_FAM_RELOADS,
    OLD_PROM_FAM_LAST
} oldPromFamily;

typedef struct _promFamilyDef oldFamilyDef;
struct _promFamilyDef {
    const char *name;       /* the sample name: with _total (counter) or _info (info) */
    size_t namelen;
    oldPromType type;
    const char *unit;       /* OpenMetrics UNIT, a suffix of the name; NULL: none */
    const char *help;       /* no backslash, double quote or newline needed */
};

#define OLD_FAM(id, nm, ty, un, hp) [id] = { nm, sizeof(nm) - 1, ty, un, hp }

static const oldFamilyDef oldFamilies[] = {
    OLD_FAM(OLD_PROM_FAM_NODE_INFO, "xvirt_node_info", OLD_PROM_TYPE_INFO, NULL,
             "Node CPU model and hypervisor type and version, value 1."),
    OLD_FAM(OLD_PROM_FAM_NODE_CPUS, "xvirt_node_cpus", OLD_PROM_TYPE_GAUGE, NULL,
             "Active physical CPUs of the node."),
    OLD_FAM(OLD_PROM_FAM_NODE_CPUS_MAX, "xvirt_node_cpus_max", OLD_PROM_TYPE_GAUGE, NULL,
             "Physical CPUs the node supports: numa_nodes * sockets * cores * threads."),
    OLD_FAM(OLD_PROM_FAM_NODE_CPU_FREQUENCY, "xvirt_node_cpu_frequency_hertz",
             OLD_PROM_TYPE_GAUGE, "hertz", "Expected CPU frequency of the node in hertz."),
    OLD_FAM(OLD_PROM_FAM_NODE_NUMA_NODES, "xvirt_node_numa_nodes", OLD_PROM_TYPE_GAUGE, NULL,
             "NUMA cells of the node, 1 for uniform memory access."),
    OLD_FAM(OLD_PROM_FAM_NODE_SOCKETS, "xvirt_node_sockets", OLD_PROM_TYPE_GAUGE, NULL,
             "CPU sockets per NUMA cell."),
    OLD_FAM(OLD_PROM_FAM_NODE_CORES, "xvirt_node_cores", OLD_PROM_TYPE_GAUGE, NULL,
             "CPU cores per socket."),
    OLD_FAM(OLD_PROM_FAM_NODE_THREADS, "xvirt_node_threads", OLD_PROM_TYPE_GAUGE, NULL,
             "CPU threads per core."),
    OLD_FAM(OLD_PROM_FAM_NODE_MEMORY, "xvirt_node_memory_bytes", OLD_PROM_TYPE_GAUGE, "bytes",
             "Memory of the node in bytes."),
    OLD_FAM(OLD_PROM_FAM_NODE_MEMORY_FREE, "xvirt_node_memory_free_bytes", OLD_PROM_TYPE_GAUGE,
             "bytes", "Memory of the node not given to any domain, in bytes."),
    OLD_FAM(OLD_PROM_FAM_DOMAINS, "xvirt_domains", OLD_PROM_TYPE_GAUGE, NULL,
             "Domains on the node when the sample was taken."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_INFO, "xvirt_domain_info", OLD_PROM_TYPE_INFO, NULL,
             "Domain OS type, value 1."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_ID, "xvirt_domain_id", OLD_PROM_TYPE_GAUGE, NULL,
             "Hypervisor ID of the domain."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_STATE, "xvirt_domain_state", OLD_PROM_TYPE_GAUGE, NULL,
             "Domain state: 0 nostate, 1 running, 2 blocked, 3 paused, 4 shutdown, "
             "5 shutoff, 6 crashed."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_CPU_SECONDS, "xvirt_domain_cpu_seconds_total",
             OLD_PROM_TYPE_COUNTER, "seconds", "CPU time used by the domain in seconds."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_MEMORY, "xvirt_domain_memory_bytes", OLD_PROM_TYPE_GAUGE,
             "bytes", "Memory used by the domain in bytes."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_MEMORY_MAX, "xvirt_domain_memory_max_bytes",
             OLD_PROM_TYPE_GAUGE, "bytes", "Maximum memory allowed to the domain in bytes."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_MEMORY_AVAILABLE, "xvirt_domain_memory_available_bytes",
             OLD_PROM_TYPE_GAUGE, "bytes",
             "Memory the guest reports it has in bytes (domains whose guest reports it)."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_MEMORY_UNUSED, "xvirt_domain_memory_unused_bytes",
             OLD_PROM_TYPE_GAUGE, "bytes",
             "Memory the guest reports free in bytes (domains whose guest reports it)."),
    OLD_FAM(OLD_PROM_FAM_DOMAIN_VCPUS, "xvirt_domain_vcpus", OLD_PROM_TYPE_GAUGE, NULL,
             "Virtual CPUs of the domain."),
    OLD_FAM(OLD_PROM_FAM_VCPU_STATE, "xvirt_vcpu_state", OLD_PROM_TYPE_GAUGE, NULL,
             "Virtual CPU state: 0 offline, 1 running, 2 blocked."),
    OLD_FAM(OLD_PROM_FAM_VCPU_CPU_SECONDS, "xvirt_vcpu_cpu_seconds_total",
             OLD_PROM_TYPE_COUNTER, "seconds", "CPU time used by the virtual CPU in seconds."),
    OLD_FAM(OLD_PROM_FAM_VCPU_CPU, "xvirt_vcpu_cpu", OLD_PROM_TYPE_GAUGE, NULL,
             "Physical CPU the virtual CPU runs on, -1 if offline."),
    OLD_FAM(OLD_PROM_FAM_VCPU_AFFINITY_CPUS, "xvirt_vcpu_affinity_cpus", OLD_PROM_TYPE_GAUGE,
             NULL, "Physical CPUs the virtual CPU may run on."),
    OLD_FAM(OLD_PROM_FAM_VCPU_AFFINITY_INFO, "xvirt_vcpu_affinity_info", OLD_PROM_TYPE_INFO,
             NULL, "Physical CPUs the virtual CPU may run on as a CPU list, value 1."),
    OLD_FAM(OLD_PROM_FAM_HYPERVISOR_UP, "xvirt_hypervisor_up", OLD_PROM_TYPE_GAUGE, NULL,
             "1 if the last sample reached the hypervisor, 0 otherwise."),
    OLD_FAM(OLD_PROM_FAM_SAMPLE_TIMESTAMP, "xvirt_sample_timestamp_seconds",
             OLD_PROM_TYPE_GAUGE, "seconds",
             "End of the last sample in seconds since the epoch."),
    OLD_FAM(OLD_PROM_FAM_SAMPLE_DURATION, "xvirt_sample_duration_seconds", OLD_PROM_TYPE_GAUGE,
             "seconds", "Duration of the last sample in seconds."),
    OLD_FAM(OLD_PROM_FAM_SAMPLE_ERRORS, "xvirt_sample_errors_total", OLD_PROM_TYPE_COUNTER,
             NULL, "Failed API calls of the sampler since the agent started, by call."),
    OLD_FAM(OLD_PROM_FAM_COLLECTOR_DURATION, "xvirt_scrape_collector_duration_seconds",
             OLD_PROM_TYPE_GAUGE, "seconds",
             "Duration of each collector in the last sample in seconds."),
    OLD_FAM(OLD_PROM_FAM_COLLECTOR_SUCCESS, "xvirt_scrape_collector_success",
             OLD_PROM_TYPE_GAUGE, NULL,
             "1 if the collector succeeded in the last sample, 0 otherwise."),
    OLD_FAM(OLD_PROM_FAM_BUILD_INFO, "xvirt_build_info", OLD_PROM_TYPE_INFO, NULL,
             "Version of xvirt and of the virtualization library it calls, value 1."),
    OLD_FAM(OLD_PROM_FAM_SNAPSHOT_AGE, "xvirt_snapshot_age_seconds", OLD_PROM_TYPE_GAUGE,
             "seconds", "Time since the snapshot served was taken, in seconds."),
    OLD_FAM(OLD_PROM_FAM_SCRAPES, "xvirt_scrapes_total", OLD_PROM_TYPE_COUNTER, NULL,
             "Scrapes served since the agent started."),
    OLD_FAM(OLD_PROM_FAM_RELOAD_SUCCESSFUL, "xvirt_config_last_reload_successful",
             OLD_PROM_TYPE_GAUGE, NULL,
             "1 if the last configuration load succeeded, 0 otherwise."),
    OLD_FAM(OLD_PROM_FAM_RELOAD_SUCCESS_TIMESTAMP,
             "xvirt_config_last_reload_success_timestamp_seconds", OLD_PROM_TYPE_GAUGE,
             "seconds", "Time of the last successful configuration load in seconds since "
             "the epoch."),
    OLD_FAM(OLD_PROM_FAM_RELOADS, "xvirt_config_reloads_total", OLD_PROM_TYPE_COUNTER, NULL,
             "Configuration reloads since the agent started, by result."),
};
_Static_assert(sizeof(oldFamilies) / sizeof(oldFamilies[0]) == OLD_PROM_FAM_LAST,
               "oldFamilies must describe every oldPromFamily");

/* TYPE keywords: [format][type] */
static const char *const oldTypeNames[XV_PROM_FORMAT_LAST][OLD_PROM_TYPE_LAST] = {
    [XV_PROM_FORMAT_TEXT] = { "gauge", "counter", "gauge" },
    [XV_PROM_FORMAT_OPENMETRICS] = { "gauge", "counter", "info" },
};

/* ---- buffer ---- */

static void
oldBufInit(xvPromBuf *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

static void
oldBufFree(xvPromBuf *buf)
{
    if (!buf)
        return;
    free(buf->data);
    oldBufInit(buf);
}

static void
oldBufReserve(xvPromBuf *buf, size_t extra)
{
    size_t need;
    size_t cap;
    char *data;

    if (extra > SIZE_MAX - buf->len - 1)
        abort();
    need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    cap = buf->cap < 4096 ? 4096 : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    data = realloc(buf->data, cap);
    if (!data)
        abort();
    buf->data = data;
    buf->cap = cap;
    buf->data[buf->len] = '\0';
}

static char *
oldBufSteal(xvPromBuf *buf, size_t *retlen)
{
    char *ret;

    oldBufReserve(buf, 0);
    buf->data[buf->len] = '\0';
    ret = buf->data;
    if (retlen)
        *retlen = buf->len;
    oldBufInit(buf);
    return ret;
}

/* Room for @n bytes at the end; the caller writes them and calls oldCommit(). */
static inline char *
oldAt(xvPromBuf *buf, size_t n)
{
    if (buf->cap - buf->len < n + 1)
        oldBufReserve(buf, n);
    return buf->data + buf->len;
}

static inline void
oldCommit(xvPromBuf *buf, char *end)
{
    buf->len = (size_t)(end - buf->data);
    *end = '\0';
}

static inline void
oldPut(xvPromBuf *buf, const char *s, size_t n)
{
    char *p = oldAt(buf, n);

    memcpy(p, s, n);
    oldCommit(buf, p + n);
}

#define OLD_PUTS(buf, lit) oldPut(buf, lit, sizeof(lit) - 1)

/* ---- numbers ---- */

/* Longest number written: 20 digits, a sign, a dot and 9 decimals. */
#define OLD_NUM_MAX 32

static const char oldDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline unsigned int
oldDigits(uint64_t v)
{
    unsigned int n = 1;

    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    if (v >= 10)
        n++;
    if (v >= 100)
        n++;
    if (v >= 1000)
        n++;
    return n;
}

/* Writes @v zero-padded to @width digits (at least its own), back to front. */
static inline char *
oldFmtU64Width(char *p, uint64_t v, unsigned int width)
{
    unsigned int n = oldDigits(v);
    char *end;
    char *q;

    if (n < width)
        n = width;
    end = p + n;
    q = end;
    while (v >= 100) {
        unsigned int pair = (unsigned int)(v % 100) * 2;

        v /= 100;
        *--q = oldDigitPairs[pair + 1];
        *--q = oldDigitPairs[pair];
    }
    if (v >= 10) {
        *--q = oldDigitPairs[v * 2 + 1];
        *--q = oldDigitPairs[v * 2];
    } else {
        *--q = (char)('0' + v);
    }
    while (q > p)
        *--q = '0';
    return end;
}

static inline char *
oldFmtU64(char *p, uint64_t v)
{
    return oldFmtU64Width(p, v, 1);
}

static inline char *
oldFmtI64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return oldFmtU64(p, (uint64_t)0 - (uint64_t)v);
    }
    return oldFmtU64(p, (uint64_t)v);
}

/* Nanoseconds as exact decimal seconds: 1500000000 -> "1.5", 3 -> "0.000000003". */
static inline char *
oldFmtSeconds(char *p, uint64_t ns)
{
    uint64_t frac = ns % 1000000000u;
    unsigned int width = 9;

    p = oldFmtU64(p, ns / 1000000000u);
    if (frac == 0)
        return p;
    while (frac % 10 == 0) {
        frac /= 10;
        width--;
    }
    *p++ = '.';
    return oldFmtU64Width(p, frac, width);
}

typedef enum {
    OLD_PROM_VALUE_U64 = 0,
    OLD_PROM_VALUE_I64,
    OLD_PROM_VALUE_NS,         /* nanoseconds, printed as seconds */
} oldPromValueKind;

/* A per-domain or per-vcpu family and how its value is printed. */
typedef struct {
    oldPromFamily fam;
    oldPromValueKind kind;
} oldSeriesFamily;

static inline char *
oldFmtValue(char *p, oldPromValueKind kind, uint64_t v)
{
    switch (kind) {
    case OLD_PROM_VALUE_I64:
        return oldFmtI64(p, (int64_t)v);
    case OLD_PROM_VALUE_NS:
        return oldFmtSeconds(p, v);
    case OLD_PROM_VALUE_U64:
    default:
        return oldFmtU64(p, v);
    }
}

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static size_t
oldUtf8Len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len, i;

    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;        /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;        /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return len;
}

/*
 * Appends @s escaped: backslash and newline always, double quote if
 * @quote (label values; OpenMetrics HELP). Invalid UTF-8 becomes U+FFFD.
 */
static void
oldPutEscaped(xvPromBuf *buf, const char *s, size_t n, bool quote)
{
    const unsigned char *u = (const unsigned char *)s;
    char *p = oldAt(buf, n * 3);
    size_t i = 0;

    while (i < n) {
        unsigned char c = u[i];

        if (c < 0x80) {
            if (c == '\\') {
                *p++ = '\\';
                *p++ = '\\';
            } else if (c == '\n') {
                *p++ = '\\';
                *p++ = 'n';
            } else if (c == '"' && quote) {
                *p++ = '\\';
                *p++ = '"';
            } else {
                *p++ = (char)c;
            }
            i++;
        } else {
            size_t len = oldUtf8Len(u + i, n - i);

            if (len == 0) {
                memcpy(p, "\xEF\xBF\xBD", 3);
                p += 3;
                i++;
            } else {
                memcpy(p, u + i, len);
                p += len;
                i += len;
            }
        }
    }
    oldCommit(buf, p);
}

/* Appends `name="value"` (with a leading comma if @comma). */
static void
oldPutLabel(xvPromBuf *buf, bool comma, const char *name, const char *value, size_t valuelen)
{
    if (comma)
        OLD_PUTS(buf, ",");
    oldPut(buf, name, strlen(name));
    OLD_PUTS(buf, "=\"");
    oldPutEscaped(buf, value, valuelen, true);
    OLD_PUTS(buf, "\"");
}

/* ---- families and samples ---- */

static void
oldWriteHeader(xvPromBuf *buf, xvPromFormat fmt, oldPromFamily fam)
{
    const oldFamilyDef *def = &oldFamilies[fam];
    size_t famlen = def->namelen;
    bool om = fmt == XV_PROM_FORMAT_OPENMETRICS;
    const char *type = oldTypeNames[fmt][def->type];

    /* OpenMetrics names the family without the sample suffix */
    if (om && def->type == OLD_PROM_TYPE_COUNTER)
        famlen -= sizeof("_total") - 1;
    else if (om && def->type == OLD_PROM_TYPE_INFO)
        famlen -= sizeof("_info") - 1;

    OLD_PUTS(buf, "# HELP ");
    oldPut(buf, def->name, famlen);
    OLD_PUTS(buf, " ");
    oldPutEscaped(buf, def->help, strlen(def->help), om);
    OLD_PUTS(buf, "\n# TYPE ");
    oldPut(buf, def->name, famlen);
    OLD_PUTS(buf, " ");
    oldPut(buf, type, strlen(type));
    OLD_PUTS(buf, "\n");
    if (om && def->unit) {
        OLD_PUTS(buf, "# UNIT ");
        oldPut(buf, def->name, famlen);
        OLD_PUTS(buf, " ");
        oldPut(buf, def->unit, strlen(def->unit));
        OLD_PUTS(buf, "\n");
    }
}

/* Appends ` <value>\n` after a sample's name and labels. */
static void
oldPutValue(xvPromBuf *buf, oldPromValueKind kind, uint64_t v)
{
    char *p = oldAt(buf, OLD_NUM_MAX + 2);

    *p++ = ' ';
    p = oldFmtValue(p, kind, v);
    *p++ = '\n';
    oldCommit(buf, p);
}

/* A whole sample without labels. */
static void
oldSample(xvPromBuf *buf, oldPromFamily fam, oldPromValueKind kind, uint64_t v)
{
    const oldFamilyDef *def = &oldFamilies[fam];

    oldPut(buf, def->name, def->namelen);
    oldPutValue(buf, kind, v);
}

/* A family with one unlabelled sample. */
static void
oldFamily1(xvPromBuf *buf, xvPromFormat fmt, oldPromFamily fam, oldPromValueKind kind,
            uint64_t v)
{
    oldWriteHeader(buf, fmt, fam);
    oldSample(buf, fam, kind, v);
}

/* A sample with one label, name{label="value"} v. */
static void
oldSampleLabel(xvPromBuf *buf, oldPromFamily fam, const char *label, const char *value,
                oldPromValueKind kind, uint64_t v)
{
    const oldFamilyDef *def = &oldFamilies[fam];

    oldPut(buf, def->name, def->namelen);
    OLD_PUTS(buf, "{");
    oldPutLabel(buf, false, label, value ? value : "", value ? strlen(value) : 0);
    OLD_PUTS(buf, "}");
    oldPutValue(buf, kind, v);
}

/*
 * The hot path: name{<labels>[,vcpu="N"]} value\n with one reserve.
 * @labels is a domain's precomputed, escaped label text.
 */
static inline void
oldSampleFast(xvPromBuf *buf, const oldFamilyDef *def, const char *labels, size_t labelslen,
               const unsigned int *vcpu, oldPromValueKind kind, uint64_t v)
{
    char *p = oldAt(buf, def->namelen + labelslen + 2 * OLD_NUM_MAX + 16);

    memcpy(p, def->name, def->namelen);
    p += def->namelen;
    *p++ = '{';
    memcpy(p, labels, labelslen);
    p += labelslen;
    if (vcpu) {
        memcpy(p, ",vcpu=\"", 7);
        p = oldFmtU64(p + 7, *vcpu);
        *p++ = '"';
    }
    *p++ = '}';
    *p++ = ' ';
    p = oldFmtValue(p, kind, v);
    *p++ = '\n';
    oldCommit(buf, p);
}

/* ---- body ---- */

/* Each domain's escaped `domain="..",uuid=".."`, built once per render. */
typedef struct _promDomLabels oldDomLabels;
struct _promDomLabels {
    xvPromBuf text;
    size_t *offsets;          /* ndomains + 1 */
};

static void
oldDomLabelsBuild(oldDomLabels *dl, const xvSnapshot *snap)
{
    size_t i;

    oldBufInit(&dl->text);
    dl->offsets = malloc((snap->ndomains + 1) * sizeof(size_t));
    if (!dl->offsets)
        abort();
    oldBufReserve(&dl->text, snap->ndomains * 64);
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        dl->offsets[i] = dl->text.len;
        oldPutLabel(&dl->text, false, "domain", dom->name ? dom->name : "",
                     dom->name ? strlen(dom->name) : 0);
        oldPutLabel(&dl->text, true, "uuid", dom->uuidstr,
                     strnlen(dom->uuidstr, sizeof(dom->uuidstr)));
    }
    dl->offsets[snap->ndomains] = dl->text.len;
}

static void
oldDomLabelsFree(oldDomLabels *dl)
{
    oldBufFree(&dl->text);
    free(dl->offsets);
}

static void
oldRenderNode(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf)
{
    const virNodeInfo *node = &snap->node;
    unsigned long v = snap->hvVersion;
    char version[3 * OLD_NUM_MAX];
    char *p = version;

    if (!snap->connected)
        return;
    /* virConnectGetVersion: major * 1000000 + minor * 1000 + release */
    if (v != 0) {
        p = oldFmtU64(p, v / 1000000);
        *p++ = '.';
        p = oldFmtU64(p, (v / 1000) % 1000);
        *p++ = '.';
        p = oldFmtU64(p, v % 1000);
    }
    oldWriteHeader(buf, fmt, OLD_PROM_FAM_NODE_INFO);
    OLD_PUTS(buf, "xvirt_node_info{");
    oldPutLabel(buf, false, "model", node->model,
                 snap->nodeOk ? strnlen(node->model, sizeof(node->model)) : 0);
    oldPutLabel(buf, true, "hypervisor", snap->hvType ? snap->hvType : "",
                 snap->hvType ? strlen(snap->hvType) : 0);
    oldPutLabel(buf, true, "hypervisor_version", version, (size_t)(p - version));
    OLD_PUTS(buf, "}");
    oldPutValue(buf, OLD_PROM_VALUE_U64, 1);

    if (!snap->nodeOk)
        return;
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_CPUS, OLD_PROM_VALUE_U64, node->cpus);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_CPUS_MAX, OLD_PROM_VALUE_U64,
                (uint64_t)node->nodes * node->sockets * node->cores * node->threads);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_CPU_FREQUENCY, OLD_PROM_VALUE_U64,
                (uint64_t)node->mhz * 1000000);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_NUMA_NODES, OLD_PROM_VALUE_U64, node->nodes);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_SOCKETS, OLD_PROM_VALUE_U64, node->sockets);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_CORES, OLD_PROM_VALUE_U64, node->cores);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_THREADS, OLD_PROM_VALUE_U64, node->threads);
    oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_MEMORY, OLD_PROM_VALUE_U64,
                (uint64_t)node->memory * 1024);
    if (snap->nodeFreeOk)
        oldFamily1(buf, fmt, OLD_PROM_FAM_NODE_MEMORY_FREE, OLD_PROM_VALUE_U64,
                    snap->nodeFreeBytes);
}

/* The value of per-domain family @fam for @dom. */
static uint64_t
oldDomainValue(const xvSnapDomain *dom, oldPromFamily fam)
{
    switch (fam) {
    case OLD_PROM_FAM_DOMAIN_ID:
        return (uint64_t)(int64_t)dom->id;
    case OLD_PROM_FAM_DOMAIN_STATE:
        return dom->state;
    case OLD_PROM_FAM_DOMAIN_CPU_SECONDS:
        return dom->cpuTimeNs;
    case OLD_PROM_FAM_DOMAIN_MEMORY:
        return dom->memKiB * 1024;
    case OLD_PROM_FAM_DOMAIN_MEMORY_MAX:
        return dom->maxMemKiB * 1024;
    case OLD_PROM_FAM_DOMAIN_MEMORY_AVAILABLE:
        return dom->guestTotalKiB * 1024;
    case OLD_PROM_FAM_DOMAIN_MEMORY_UNUSED:
        return dom->guestFreeKiB * 1024;
    case OLD_PROM_FAM_DOMAIN_VCPUS:
        return dom->nrVirtCpu;
    default:
        return 0;
    }
}

/* One per-domain family; with @guestOnly, only the domains whose guest
 * reports its memory. */
static void
oldRenderDomainFamily(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf,
                       const oldDomLabels *dl, const oldSeriesFamily *family,
                       bool guestOnly)
{
    const oldFamilyDef *def = &oldFamilies[family->fam];
    size_t i;

    oldWriteHeader(buf, fmt, family->fam);
    for (i = 0; i < snap->ndomains; i++) {
        if (guestOnly && !snap->domains[i].guestMemOk)
            continue;
        oldSampleFast(buf, def, dl->text.data + dl->offsets[i],
                       dl->offsets[i + 1] - dl->offsets[i], NULL, family->kind,
                       oldDomainValue(&snap->domains[i], family->fam));
    }
}

static void
oldRenderDomains(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf,
                  const oldDomLabels *dl)
{
    static const oldSeriesFamily guestFamilies[] = {
        { OLD_PROM_FAM_DOMAIN_MEMORY_AVAILABLE, OLD_PROM_VALUE_U64 },
        { OLD_PROM_FAM_DOMAIN_MEMORY_UNUSED, OLD_PROM_VALUE_U64 },
    };
    static const oldSeriesFamily families[] = {
        { OLD_PROM_FAM_DOMAIN_ID, OLD_PROM_VALUE_I64 },
        { OLD_PROM_FAM_DOMAIN_STATE, OLD_PROM_VALUE_U64 },
        { OLD_PROM_FAM_DOMAIN_CPU_SECONDS, OLD_PROM_VALUE_NS },
        { OLD_PROM_FAM_DOMAIN_MEMORY, OLD_PROM_VALUE_U64 },
        { OLD_PROM_FAM_DOMAIN_MEMORY_MAX, OLD_PROM_VALUE_U64 },
        { OLD_PROM_FAM_DOMAIN_VCPUS, OLD_PROM_VALUE_U64 },
    };
    const oldFamilyDef *info = &oldFamilies[OLD_PROM_FAM_DOMAIN_INFO];
    size_t f, i;

    if (!snap->connected)
        return;
    oldFamily1(buf, fmt, OLD_PROM_FAM_DOMAINS, OLD_PROM_VALUE_U64, snap->ndomains);
    if (snap->ndomains == 0)
        return;

    oldWriteHeader(buf, fmt, OLD_PROM_FAM_DOMAIN_INFO);
    for (i = 0; i < snap->ndomains; i++) {
        const char *os = snap->domains[i].osType;

        oldPut(buf, info->name, info->namelen);
        OLD_PUTS(buf, "{");
        oldPut(buf, dl->text.data + dl->offsets[i], dl->offsets[i + 1] - dl->offsets[i]);
        oldPutLabel(buf, true, "os_type", os ? os : "", os ? strlen(os) : 0);
        OLD_PUTS(buf, "}");
        oldPutValue(buf, OLD_PROM_VALUE_U64, 1);
    }

    for (f = 0; f < sizeof(families) / sizeof(families[0]); f++)
        oldRenderDomainFamily(snap, fmt, buf, dl, &families[f], false);
    for (i = 0; i < snap->ndomains && !snap->domains[i].guestMemOk; i++)
        ;
    if (i == snap->ndomains)
        return;
    for (f = 0; f < sizeof(guestFamilies) / sizeof(guestFamilies[0]); f++)
        oldRenderDomainFamily(snap, fmt, buf, dl, &guestFamilies[f], true);
}

/* Appends the CPUs set in @map as a compressed list: "0-3,8". */
static void
oldPutCpuList(xvPromBuf *buf, const unsigned char *map, size_t maplen)
{
    size_t ncpus = maplen * 8;
    size_t cpu = 0;
    bool first = true;

    while (cpu < ncpus) {
        size_t start, end;
        char *p;

        if (map[cpu / 8] == 0 && cpu % 8 == 0) {
            cpu += 8;
            continue;
        }
        if (!(map[cpu / 8] & (1u << (cpu % 8)))) {
            cpu++;
            continue;
        }
        start = cpu;
        while (cpu < ncpus && (map[cpu / 8] & (1u << (cpu % 8))))
            cpu++;
        end = cpu - 1;
        p = oldAt(buf, 2 * OLD_NUM_MAX + 2);
        if (!first)
            *p++ = ',';
        p = oldFmtU64(p, start);
        if (end > start) {
            *p++ = '-';
            p = oldFmtU64(p, end);
        }
        oldCommit(buf, p);
        first = false;
    }
}

/* The value of per-vcpu family @fam for @v. */
static uint64_t
oldVcpuValue(const xvSnapVcpu *v, oldPromFamily fam)
{
    switch (fam) {
    case OLD_PROM_FAM_VCPU_STATE:
        return (uint64_t)(int64_t)v->state;
    case OLD_PROM_FAM_VCPU_CPU_SECONDS:
        return v->cpuTimeNs;
    case OLD_PROM_FAM_VCPU_CPU:
        return (uint64_t)(int64_t)v->cpu;
    case OLD_PROM_FAM_VCPU_AFFINITY_CPUS:
        return v->affinityCount;
    default:
        return 0;
    }
}

static void
oldRenderVcpus(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf,
                const oldDomLabels *dl)
{
    static const oldSeriesFamily families[] = {
        { OLD_PROM_FAM_VCPU_STATE, OLD_PROM_VALUE_I64 },
        { OLD_PROM_FAM_VCPU_CPU_SECONDS, OLD_PROM_VALUE_NS },
        { OLD_PROM_FAM_VCPU_CPU, OLD_PROM_VALUE_I64 },
        { OLD_PROM_FAM_VCPU_AFFINITY_CPUS, OLD_PROM_VALUE_U64 },
    };
    const oldFamilyDef *info = &oldFamilies[OLD_PROM_FAM_VCPU_AFFINITY_INFO];
    size_t maplen = snap->maplen > 0 && snap->cpumaps ? (size_t)snap->maplen : 0;
    size_t any = 0;
    size_t f, i, j;

    for (i = 0; i < snap->ndomains; i++) {
        if (snap->domains[i].vcpusOk)
            any += snap->domains[i].nvcpus;
    }
    if (any == 0)
        return;

    for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
        const oldFamilyDef *def = &oldFamilies[families[f].fam];

        oldWriteHeader(buf, fmt, families[f].fam);
        for (i = 0; i < snap->ndomains; i++) {
            const xvSnapDomain *dom = &snap->domains[i];

            if (!dom->vcpusOk)
                continue;
            for (j = 0; j < dom->nvcpus; j++) {
                const xvSnapVcpu *v = &snap->vcpus[dom->firstVcpu + j];

                oldSampleFast(buf, def, dl->text.data + dl->offsets[i],
                               dl->offsets[i + 1] - dl->offsets[i], &v->number,
                               families[f].kind, oldVcpuValue(v, families[f].fam));
            }
        }
    }

    if (maplen == 0)
        return;
    oldWriteHeader(buf, fmt, OLD_PROM_FAM_VCPU_AFFINITY_INFO);
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        if (!dom->vcpusOk)
            continue;
        for (j = 0; j < dom->nvcpus; j++) {
            size_t idx = dom->firstVcpu + j;
            char *p;

            p = oldAt(buf, info->namelen + dl->offsets[i + 1] - dl->offsets[i] + 64);
            memcpy(p, info->name, info->namelen);
            p += info->namelen;
            *p++ = '{';
            memcpy(p, dl->text.data + dl->offsets[i], dl->offsets[i + 1] - dl->offsets[i]);
            p += dl->offsets[i + 1] - dl->offsets[i];
            memcpy(p, ",vcpu=\"", 7);
            p = oldFmtU64(p + 7, snap->vcpus[idx].number);
            memcpy(p, "\",cpus=\"", 8);
            oldCommit(buf, p + 8);
            oldPutCpuList(buf, snap->cpumaps + idx * maplen, maplen);
            OLD_PUTS(buf, "\"} 1\n");
        }
    }
}

static void
oldRenderSampler(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf)
{
    size_t i;

    oldFamily1(buf, fmt, OLD_PROM_FAM_HYPERVISOR_UP, OLD_PROM_VALUE_U64, snap->connected);
    oldFamily1(buf, fmt, OLD_PROM_FAM_SAMPLE_TIMESTAMP, OLD_PROM_VALUE_NS, snap->timestampNs);
    oldFamily1(buf, fmt, OLD_PROM_FAM_SAMPLE_DURATION, OLD_PROM_VALUE_NS, snap->durationNs);

    oldWriteHeader(buf, fmt, OLD_PROM_FAM_SAMPLE_ERRORS);
    for (i = 0; i < XV_CALL_LAST; i++) {
        oldSampleLabel(buf, OLD_PROM_FAM_SAMPLE_ERRORS, "call", xvSampleCallName(i),
                        OLD_PROM_VALUE_U64, snap->errorsTotal[i]);
    }

    if (snap->ncollectors == 0)
        return;
    oldWriteHeader(buf, fmt, OLD_PROM_FAM_COLLECTOR_DURATION);
    for (i = 0; i < snap->ncollectors; i++) {
        oldSampleLabel(buf, OLD_PROM_FAM_COLLECTOR_DURATION, "collector",
                        snap->collectors[i].name, OLD_PROM_VALUE_NS,
                        snap->collectors[i].durationNs);
    }
    oldWriteHeader(buf, fmt, OLD_PROM_FAM_COLLECTOR_SUCCESS);
    for (i = 0; i < snap->ncollectors; i++) {
        oldSampleLabel(buf, OLD_PROM_FAM_COLLECTOR_SUCCESS, "collector",
                        snap->collectors[i].name, OLD_PROM_VALUE_U64,
                        snap->collectors[i].success);
    }
}

static void
oldRenderBody(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf)
{
    oldDomLabels dl;

    if ((unsigned int)fmt >= XV_PROM_FORMAT_LAST)
        fmt = XV_PROM_FORMAT_TEXT;
    /* about 110 bytes a line: 8 lines a domain, 5 a vcpu, plus the headers */
    oldBufReserve(buf, 16384 + snap->ndomains * 1024 + snap->nvcpus * 640);
    oldDomLabelsBuild(&dl, snap);
    oldRenderNode(snap, fmt, buf);
    oldRenderDomains(snap, fmt, buf, &dl);
    oldRenderVcpus(snap, fmt, buf, &dl);
    oldRenderSampler(snap, fmt, buf);
    oldDomLabelsFree(&dl);
}

char *
benchOldPromRender(const xvSnapshot *snap, xvPromFormat fmt, size_t *retlen)
{
    xvPromBuf buf;

    oldBufInit(&buf);
    oldRenderBody(snap, fmt, &buf);
    return oldBufSteal(&buf, retlen);
}
