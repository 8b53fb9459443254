/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prometheus.c: renders snapshots as Prometheus text 0.0.4 and OpenMetrics 1.0.0. */
#include "prometheus.h"

#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"
#include "util/xvcpulist.h"

/*
 * Speed: a 1000-domain, 4000-vcpu snapshot is ~28000 lines. Each line is
 * written with one reserve and memcpy's of precomputed pieces; each
 * domain's escaped `domain="..",uuid=".."` labels are built once per render
 * and reused by all its lines; numbers go through a digit-pair formatter.
 */

typedef enum {
    XV_PROM_TYPE_GAUGE = 0,
    XV_PROM_TYPE_COUNTER,
    XV_PROM_TYPE_INFO,       /* a gauge named *_info in 0.0.4 */
    XV_PROM_TYPE_LAST
} xvPromType;

typedef enum {
    XV_PROM_FAM_NODE_INFO = 0,
    XV_PROM_FAM_NODE_CPUS,
    XV_PROM_FAM_NODE_CPUS_MAX,
    XV_PROM_FAM_NODE_CPU_FREQUENCY,
    XV_PROM_FAM_NODE_NUMA_NODES,
    XV_PROM_FAM_NODE_SOCKETS,
    XV_PROM_FAM_NODE_CORES,
    XV_PROM_FAM_NODE_THREADS,
    XV_PROM_FAM_NODE_MEMORY,
    XV_PROM_FAM_NODE_MEMORY_FREE,
    XV_PROM_FAM_DOMAINS,
    XV_PROM_FAM_DOMAIN_INFO,
    XV_PROM_FAM_DOMAIN_ID,
    XV_PROM_FAM_DOMAIN_STATE,
    XV_PROM_FAM_DOMAIN_CPU_SECONDS,
    XV_PROM_FAM_DOMAIN_MEMORY,
    XV_PROM_FAM_DOMAIN_MEMORY_MAX,
    XV_PROM_FAM_DOMAIN_MEMORY_AVAILABLE,
    XV_PROM_FAM_DOMAIN_MEMORY_UNUSED,
    XV_PROM_FAM_DOMAIN_VCPUS,
    XV_PROM_FAM_VCPU_STATE,
    XV_PROM_FAM_VCPU_CPU_SECONDS,
    XV_PROM_FAM_VCPU_CPU,
    XV_PROM_FAM_VCPU_AFFINITY_CPUS,
    XV_PROM_FAM_VCPU_AFFINITY_INFO,
    XV_PROM_FAM_HYPERVISOR_UP,
    XV_PROM_FAM_SAMPLE_TIMESTAMP,
    XV_PROM_FAM_SAMPLE_DURATION,
    XV_PROM_FAM_SAMPLE_ERRORS,
    XV_PROM_FAM_COLLECTOR_DURATION,
    XV_PROM_FAM_COLLECTOR_SUCCESS,
    XV_PROM_FAM_BUILD_INFO,
    XV_PROM_FAM_SNAPSHOT_AGE,
    XV_PROM_FAM_SCRAPES,
    XV_PROM_FAM_RELOAD_SUCCESSFUL,
    XV_PROM_FAM_RELOAD_SUCCESS_TIMESTAMP,
    XV_PROM_FAM_RELOADS,
    XV_PROM_FAM_LAST
} xvPromFamily;

typedef struct _promFamilyDef promFamilyDef;
struct _promFamilyDef {
    const char *name;       /* the sample name: with _total (counter) or _info (info) */
    size_t namelen;
    xvPromType type;
    const char *unit;       /* OpenMetrics UNIT, a suffix of the name; NULL: none */
    const char *help;       /* no backslash, double quote or newline needed */
};

#define PROM_FAM(id, nm, ty, un, hp) [id] = { nm, sizeof(nm) - 1, ty, un, hp }

static const promFamilyDef promFamilies[] = {
    PROM_FAM(XV_PROM_FAM_NODE_INFO, "xvirt_node_info", XV_PROM_TYPE_INFO, NULL,
             "Node CPU model and hypervisor type and version, value 1."),
    PROM_FAM(XV_PROM_FAM_NODE_CPUS, "xvirt_node_cpus", XV_PROM_TYPE_GAUGE, NULL,
             "Active physical CPUs of the node."),
    PROM_FAM(XV_PROM_FAM_NODE_CPUS_MAX, "xvirt_node_cpus_max", XV_PROM_TYPE_GAUGE, NULL,
             "Physical CPUs the node supports: numa_nodes * sockets * cores * threads."),
    PROM_FAM(XV_PROM_FAM_NODE_CPU_FREQUENCY, "xvirt_node_cpu_frequency_hertz",
             XV_PROM_TYPE_GAUGE, "hertz", "Expected CPU frequency of the node in hertz."),
    PROM_FAM(XV_PROM_FAM_NODE_NUMA_NODES, "xvirt_node_numa_nodes", XV_PROM_TYPE_GAUGE, NULL,
             "NUMA cells of the node, 1 for uniform memory access."),
    PROM_FAM(XV_PROM_FAM_NODE_SOCKETS, "xvirt_node_sockets", XV_PROM_TYPE_GAUGE, NULL,
             "CPU sockets per NUMA cell."),
    PROM_FAM(XV_PROM_FAM_NODE_CORES, "xvirt_node_cores", XV_PROM_TYPE_GAUGE, NULL,
             "CPU cores per socket."),
    PROM_FAM(XV_PROM_FAM_NODE_THREADS, "xvirt_node_threads", XV_PROM_TYPE_GAUGE, NULL,
             "CPU threads per core."),
    PROM_FAM(XV_PROM_FAM_NODE_MEMORY, "xvirt_node_memory_bytes", XV_PROM_TYPE_GAUGE, "bytes",
             "Memory of the node in bytes."),
    PROM_FAM(XV_PROM_FAM_NODE_MEMORY_FREE, "xvirt_node_memory_free_bytes", XV_PROM_TYPE_GAUGE,
             "bytes", "Memory of the node not given to any domain, in bytes."),
    PROM_FAM(XV_PROM_FAM_DOMAINS, "xvirt_domains", XV_PROM_TYPE_GAUGE, NULL,
             "Domains on the node when the sample was taken."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_INFO, "xvirt_domain_info", XV_PROM_TYPE_INFO, NULL,
             "Domain OS type, value 1."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_ID, "xvirt_domain_id", XV_PROM_TYPE_GAUGE, NULL,
             "Hypervisor ID of the domain."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_STATE, "xvirt_domain_state", XV_PROM_TYPE_GAUGE, NULL,
             "Domain state: 0 nostate, 1 running, 2 blocked, 3 paused, 4 shutdown, "
             "5 shutoff, 6 crashed."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_CPU_SECONDS, "xvirt_domain_cpu_seconds_total",
             XV_PROM_TYPE_COUNTER, "seconds", "CPU time used by the domain in seconds."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_MEMORY, "xvirt_domain_memory_bytes", XV_PROM_TYPE_GAUGE,
             "bytes", "Memory used by the domain in bytes."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_MEMORY_MAX, "xvirt_domain_memory_max_bytes",
             XV_PROM_TYPE_GAUGE, "bytes", "Maximum memory allowed to the domain in bytes."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_MEMORY_AVAILABLE, "xvirt_domain_memory_available_bytes",
             XV_PROM_TYPE_GAUGE, "bytes",
             "Memory the guest reports it has in bytes (domains whose guest reports it)."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_MEMORY_UNUSED, "xvirt_domain_memory_unused_bytes",
             XV_PROM_TYPE_GAUGE, "bytes",
             "Memory the guest reports free in bytes (domains whose guest reports it)."),
    PROM_FAM(XV_PROM_FAM_DOMAIN_VCPUS, "xvirt_domain_vcpus", XV_PROM_TYPE_GAUGE, NULL,
             "Virtual CPUs of the domain."),
    PROM_FAM(XV_PROM_FAM_VCPU_STATE, "xvirt_vcpu_state", XV_PROM_TYPE_GAUGE, NULL,
             "Virtual CPU state: 0 offline, 1 running, 2 blocked."),
    PROM_FAM(XV_PROM_FAM_VCPU_CPU_SECONDS, "xvirt_vcpu_cpu_seconds_total",
             XV_PROM_TYPE_COUNTER, "seconds", "CPU time used by the virtual CPU in seconds."),
    PROM_FAM(XV_PROM_FAM_VCPU_CPU, "xvirt_vcpu_cpu", XV_PROM_TYPE_GAUGE, NULL,
             "Physical CPU the virtual CPU runs on, -1 if offline."),
    PROM_FAM(XV_PROM_FAM_VCPU_AFFINITY_CPUS, "xvirt_vcpu_affinity_cpus", XV_PROM_TYPE_GAUGE,
             NULL, "Physical CPUs the virtual CPU may run on."),
    PROM_FAM(XV_PROM_FAM_VCPU_AFFINITY_INFO, "xvirt_vcpu_affinity_info", XV_PROM_TYPE_INFO,
             NULL, "Physical CPUs the virtual CPU may run on as a CPU list, value 1."),
    PROM_FAM(XV_PROM_FAM_HYPERVISOR_UP, "xvirt_hypervisor_up", XV_PROM_TYPE_GAUGE, NULL,
             "1 if the last sample reached the hypervisor, 0 otherwise."),
    PROM_FAM(XV_PROM_FAM_SAMPLE_TIMESTAMP, "xvirt_sample_timestamp_seconds",
             XV_PROM_TYPE_GAUGE, "seconds",
             "End of the last sample in seconds since the epoch."),
    PROM_FAM(XV_PROM_FAM_SAMPLE_DURATION, "xvirt_sample_duration_seconds", XV_PROM_TYPE_GAUGE,
             "seconds", "Duration of the last sample in seconds."),
    PROM_FAM(XV_PROM_FAM_SAMPLE_ERRORS, "xvirt_sample_errors_total", XV_PROM_TYPE_COUNTER,
             NULL, "Failed API calls of the sampler since the agent started, by call."),
    PROM_FAM(XV_PROM_FAM_COLLECTOR_DURATION, "xvirt_scrape_collector_duration_seconds",
             XV_PROM_TYPE_GAUGE, "seconds",
             "Duration of each collector in the last sample in seconds."),
    PROM_FAM(XV_PROM_FAM_COLLECTOR_SUCCESS, "xvirt_scrape_collector_success",
             XV_PROM_TYPE_GAUGE, NULL,
             "1 if the collector succeeded in the last sample, 0 otherwise."),
    PROM_FAM(XV_PROM_FAM_BUILD_INFO, "xvirt_build_info", XV_PROM_TYPE_INFO, NULL,
             "Version of xvirt and of the virtualization library it calls, value 1."),
    PROM_FAM(XV_PROM_FAM_SNAPSHOT_AGE, "xvirt_snapshot_age_seconds", XV_PROM_TYPE_GAUGE,
             "seconds", "Time since the snapshot served was taken, in seconds."),
    PROM_FAM(XV_PROM_FAM_SCRAPES, "xvirt_scrapes_total", XV_PROM_TYPE_COUNTER, NULL,
             "Scrapes served since the agent started."),
    PROM_FAM(XV_PROM_FAM_RELOAD_SUCCESSFUL, "xvirt_config_last_reload_successful",
             XV_PROM_TYPE_GAUGE, NULL,
             "1 if the last configuration load succeeded, 0 otherwise."),
    PROM_FAM(XV_PROM_FAM_RELOAD_SUCCESS_TIMESTAMP,
             "xvirt_config_last_reload_success_timestamp_seconds", XV_PROM_TYPE_GAUGE,
             "seconds", "Time of the last successful configuration load in seconds since "
             "the epoch."),
    PROM_FAM(XV_PROM_FAM_RELOADS, "xvirt_config_reloads_total", XV_PROM_TYPE_COUNTER, NULL,
             "Configuration reloads since the agent started, by result."),
};
_Static_assert(XV_N_ELEMENTS(promFamilies) == XV_PROM_FAM_LAST,
               "promFamilies must describe every xvPromFamily");

/* TYPE keywords: [format][type] */
static const char *const promTypeNames[XV_PROM_FORMAT_LAST][XV_PROM_TYPE_LAST] = {
    [XV_PROM_FORMAT_TEXT] = { "gauge", "counter", "gauge" },
    [XV_PROM_FORMAT_OPENMETRICS] = { "gauge", "counter", "info" },
};

static const char *const promContentTypes[] = {
    [XV_PROM_FORMAT_TEXT] = "text/plain; version=0.0.4; charset=utf-8",
    [XV_PROM_FORMAT_OPENMETRICS] = "application/openmetrics-text; version=1.0.0; charset=utf-8",
};
_Static_assert(XV_N_ELEMENTS(promContentTypes) == XV_PROM_FORMAT_LAST,
               "promContentTypes must name every xvPromFormat");

const char *
xvPromContentType(xvPromFormat fmt)
{
    if ((unsigned int)fmt >= XV_PROM_FORMAT_LAST)
        return NULL;
    return promContentTypes[fmt];
}

/* ---- buffer ---- */

void
xvPromBufInit(xvPromBuf *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void
xvPromBufReset(xvPromBuf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void
xvPromBufFree(xvPromBuf *buf)
{
    if (!buf)
        return;
    free(buf->data);
    xvPromBufInit(buf);
}

void
xvPromBufReserve(xvPromBuf *buf, size_t extra)
{
    size_t need;
    size_t cap;

    if (extra > SIZE_MAX - buf->len - 1)
        xvAllocFailed();
    need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    cap = buf->cap < 4096 ? 4096 : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    buf->data = xvReallocN(buf->data, cap, 1);
    buf->cap = cap;
    buf->data[buf->len] = '\0';
}

char *
xvPromBufSteal(xvPromBuf *buf, size_t *retlen)
{
    char *ret;

    xvPromBufReserve(buf, 0);
    buf->data[buf->len] = '\0';
    ret = buf->data;
    if (retlen)
        *retlen = buf->len;
    xvPromBufInit(buf);
    return ret;
}

/* Room for @n bytes at the end; the caller writes them and calls promCommit(). */
static inline char *
promAt(xvPromBuf *buf, size_t n)
{
    if (buf->cap - buf->len < n + 1)
        xvPromBufReserve(buf, n);
    return buf->data + buf->len;
}

static inline void
promCommit(xvPromBuf *buf, char *end)
{
    buf->len = (size_t)(end - buf->data);
    *end = '\0';
}

static inline void
promPut(xvPromBuf *buf, const char *s, size_t n)
{
    char *p = promAt(buf, n);

    memcpy(p, s, n);
    promCommit(buf, p + n);
}

#define PROM_PUTS(buf, lit) promPut(buf, lit, sizeof(lit) - 1)

/* ---- numbers ---- */

/* Longest number written: 20 digits, a sign, a dot and 9 decimals. */
#define PROM_NUM_MAX 32

static const char promDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline unsigned int
promDigits(uint64_t v)
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
promFmtU64Width(char *p, uint64_t v, unsigned int width)
{
    unsigned int n = promDigits(v);
    char *end;
    char *q;

    if (n < width)
        n = width;
    end = p + n;
    q = end;
    while (v >= 100) {
        unsigned int pair = (unsigned int)(v % 100) * 2;

        v /= 100;
        *--q = promDigitPairs[pair + 1];
        *--q = promDigitPairs[pair];
    }
    if (v >= 10) {
        *--q = promDigitPairs[v * 2 + 1];
        *--q = promDigitPairs[v * 2];
    } else {
        *--q = (char)('0' + v);
    }
    while (q > p)
        *--q = '0';
    return end;
}

static inline char *
promFmtU64(char *p, uint64_t v)
{
    return promFmtU64Width(p, v, 1);
}

static inline char *
promFmtI64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return promFmtU64(p, (uint64_t)0 - (uint64_t)v);
    }
    return promFmtU64(p, (uint64_t)v);
}

/* Nanoseconds as exact decimal seconds: 1500000000 -> "1.5", 3 -> "0.000000003". */
static inline char *
promFmtSeconds(char *p, uint64_t ns)
{
    uint64_t frac = ns % 1000000000u;
    unsigned int width = 9;

    p = promFmtU64(p, ns / 1000000000u);
    if (frac == 0)
        return p;
    while (frac % 10 == 0) {
        frac /= 10;
        width--;
    }
    *p++ = '.';
    return promFmtU64Width(p, frac, width);
}

typedef enum {
    XV_PROM_VALUE_U64 = 0,
    XV_PROM_VALUE_I64,
    XV_PROM_VALUE_NS,         /* nanoseconds, printed as seconds */
} xvPromValueKind;

/* A per-domain or per-vcpu family and how its value is printed. */
typedef struct {
    xvPromFamily fam;
    xvPromValueKind kind;
} promSeriesFamily;

static inline char *
promFmtValue(char *p, xvPromValueKind kind, uint64_t v)
{
    switch (kind) {
    case XV_PROM_VALUE_I64:
        return promFmtI64(p, (int64_t)v);
    case XV_PROM_VALUE_NS:
        return promFmtSeconds(p, v);
    case XV_PROM_VALUE_U64:
    default:
        return promFmtU64(p, v);
    }
}

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static size_t
promUtf8Len(const unsigned char *s, size_t n)
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
promPutEscaped(xvPromBuf *buf, const char *s, size_t n, bool quote)
{
    const unsigned char *u = (const unsigned char *)s;
    char *p = promAt(buf, n * 3);
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
            size_t len = promUtf8Len(u + i, n - i);

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
    promCommit(buf, p);
}

void
xvPromPutLabelValue(xvPromBuf *buf, const char *s, size_t n)
{
    promPutEscaped(buf, s, n, true);
}

/* Appends `name="value"` (with a leading comma if @comma). */
static void
promPutLabel(xvPromBuf *buf, bool comma, const char *name, const char *value, size_t valuelen)
{
    if (comma)
        PROM_PUTS(buf, ",");
    promPut(buf, name, strlen(name));
    PROM_PUTS(buf, "=\"");
    promPutEscaped(buf, value, valuelen, true);
    PROM_PUTS(buf, "\"");
}

/* ---- families and samples ---- */

static void
promWriteHeader(xvPromBuf *buf, xvPromFormat fmt, xvPromFamily fam)
{
    const promFamilyDef *def = &promFamilies[fam];
    size_t famlen = def->namelen;
    bool om = fmt == XV_PROM_FORMAT_OPENMETRICS;
    const char *type = promTypeNames[fmt][def->type];

    /* OpenMetrics names the family without the sample suffix */
    if (om && def->type == XV_PROM_TYPE_COUNTER)
        famlen -= sizeof("_total") - 1;
    else if (om && def->type == XV_PROM_TYPE_INFO)
        famlen -= sizeof("_info") - 1;

    PROM_PUTS(buf, "# HELP ");
    promPut(buf, def->name, famlen);
    PROM_PUTS(buf, " ");
    promPutEscaped(buf, def->help, strlen(def->help), om);
    PROM_PUTS(buf, "\n# TYPE ");
    promPut(buf, def->name, famlen);
    PROM_PUTS(buf, " ");
    promPut(buf, type, strlen(type));
    PROM_PUTS(buf, "\n");
    if (om && def->unit) {
        PROM_PUTS(buf, "# UNIT ");
        promPut(buf, def->name, famlen);
        PROM_PUTS(buf, " ");
        promPut(buf, def->unit, strlen(def->unit));
        PROM_PUTS(buf, "\n");
    }
}

/* Appends ` <value>\n` after a sample's name and labels. */
static void
promPutValue(xvPromBuf *buf, xvPromValueKind kind, uint64_t v)
{
    char *p = promAt(buf, PROM_NUM_MAX + 2);

    *p++ = ' ';
    p = promFmtValue(p, kind, v);
    *p++ = '\n';
    promCommit(buf, p);
}

/* A whole sample without labels. */
static void
promSample(xvPromBuf *buf, xvPromFamily fam, xvPromValueKind kind, uint64_t v)
{
    const promFamilyDef *def = &promFamilies[fam];

    promPut(buf, def->name, def->namelen);
    promPutValue(buf, kind, v);
}

/* A family with one unlabelled sample. */
static void
promFamily1(xvPromBuf *buf, xvPromFormat fmt, xvPromFamily fam, xvPromValueKind kind,
            uint64_t v)
{
    promWriteHeader(buf, fmt, fam);
    promSample(buf, fam, kind, v);
}

/* A sample with one label, name{label="value"} v. */
static void
promSampleLabel(xvPromBuf *buf, xvPromFamily fam, const char *label, const char *value,
                xvPromValueKind kind, uint64_t v)
{
    const promFamilyDef *def = &promFamilies[fam];

    promPut(buf, def->name, def->namelen);
    PROM_PUTS(buf, "{");
    promPutLabel(buf, false, label, value ? value : "", value ? strlen(value) : 0);
    PROM_PUTS(buf, "}");
    promPutValue(buf, kind, v);
}

/*
 * The hot path: name{<labels>[,vcpu="N"]} value\n with one reserve.
 * @labels is a domain's precomputed, escaped label text.
 */
static inline void
promSampleFast(xvPromBuf *buf, const promFamilyDef *def, const char *labels, size_t labelslen,
               const unsigned int *vcpu, xvPromValueKind kind, uint64_t v)
{
    char *p = promAt(buf, def->namelen + labelslen + 2 * PROM_NUM_MAX + 16);

    memcpy(p, def->name, def->namelen);
    p += def->namelen;
    *p++ = '{';
    memcpy(p, labels, labelslen);
    p += labelslen;
    if (vcpu) {
        memcpy(p, ",vcpu=\"", 7);
        p = promFmtU64(p + 7, *vcpu);
        *p++ = '"';
    }
    *p++ = '}';
    *p++ = ' ';
    p = promFmtValue(p, kind, v);
    *p++ = '\n';
    promCommit(buf, p);
}

/* ---- body ---- */

/* Each domain's escaped `domain="..",uuid=".."`, built once per render. */
typedef struct _promDomLabels promDomLabels;
struct _promDomLabels {
    xvPromBuf text;
    size_t *offsets;          /* ndomains + 1 */
};

static void
promDomLabelsBuild(promDomLabels *dl, const xvSnapshot *snap)
{
    size_t i;

    xvPromBufInit(&dl->text);
    dl->offsets = xvAllocN(snap->ndomains + 1, sizeof(size_t));
    xvPromBufReserve(&dl->text, snap->ndomains * 64);
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        dl->offsets[i] = dl->text.len;
        promPutLabel(&dl->text, false, "domain", dom->name ? dom->name : "",
                     dom->name ? strlen(dom->name) : 0);
        promPutLabel(&dl->text, true, "uuid", dom->uuidstr,
                     strnlen(dom->uuidstr, sizeof(dom->uuidstr)));
    }
    dl->offsets[snap->ndomains] = dl->text.len;
}

static void
promDomLabelsFree(promDomLabels *dl)
{
    xvPromBufFree(&dl->text);
    free(dl->offsets);
}

static void
promRenderNode(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf)
{
    const virNodeInfo *node = &snap->node;
    unsigned long v = snap->hvVersion;
    char version[3 * PROM_NUM_MAX];
    char *p = version;

    if (!snap->connected)
        return;
    /* virConnectGetVersion: major * 1000000 + minor * 1000 + release */
    if (v != 0) {
        p = promFmtU64(p, v / 1000000);
        *p++ = '.';
        p = promFmtU64(p, (v / 1000) % 1000);
        *p++ = '.';
        p = promFmtU64(p, v % 1000);
    }
    promWriteHeader(buf, fmt, XV_PROM_FAM_NODE_INFO);
    PROM_PUTS(buf, "xvirt_node_info{");
    promPutLabel(buf, false, "model", node->model,
                 snap->nodeOk ? strnlen(node->model, sizeof(node->model)) : 0);
    promPutLabel(buf, true, "hypervisor", snap->hvType ? snap->hvType : "",
                 snap->hvType ? strlen(snap->hvType) : 0);
    promPutLabel(buf, true, "hypervisor_version", version, (size_t)(p - version));
    PROM_PUTS(buf, "}");
    promPutValue(buf, XV_PROM_VALUE_U64, 1);

    if (!snap->nodeOk)
        return;
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_CPUS, XV_PROM_VALUE_U64, node->cpus);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_CPUS_MAX, XV_PROM_VALUE_U64,
                (uint64_t)node->nodes * node->sockets * node->cores * node->threads);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_CPU_FREQUENCY, XV_PROM_VALUE_U64,
                (uint64_t)node->mhz * 1000000);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_NUMA_NODES, XV_PROM_VALUE_U64, node->nodes);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_SOCKETS, XV_PROM_VALUE_U64, node->sockets);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_CORES, XV_PROM_VALUE_U64, node->cores);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_THREADS, XV_PROM_VALUE_U64, node->threads);
    promFamily1(buf, fmt, XV_PROM_FAM_NODE_MEMORY, XV_PROM_VALUE_U64,
                (uint64_t)node->memory * 1024);
    if (snap->nodeFreeOk)
        promFamily1(buf, fmt, XV_PROM_FAM_NODE_MEMORY_FREE, XV_PROM_VALUE_U64,
                    snap->nodeFreeBytes);
}

/* The value of per-domain family @fam for @dom. */
static uint64_t
promDomainValue(const xvSnapDomain *dom, xvPromFamily fam)
{
    switch (fam) {
    case XV_PROM_FAM_DOMAIN_ID:
        return (uint64_t)(int64_t)dom->id;
    case XV_PROM_FAM_DOMAIN_STATE:
        return dom->state;
    case XV_PROM_FAM_DOMAIN_CPU_SECONDS:
        return dom->cpuTimeNs;
    case XV_PROM_FAM_DOMAIN_MEMORY:
        return dom->memKiB * 1024;
    case XV_PROM_FAM_DOMAIN_MEMORY_MAX:
        return dom->maxMemKiB * 1024;
    case XV_PROM_FAM_DOMAIN_MEMORY_AVAILABLE:
        return dom->guestTotalKiB * 1024;
    case XV_PROM_FAM_DOMAIN_MEMORY_UNUSED:
        return dom->guestFreeKiB * 1024;
    case XV_PROM_FAM_DOMAIN_VCPUS:
        return dom->nrVirtCpu;
    default:
        return 0;
    }
}

/* One per-domain family; with @guestOnly, only the domains whose guest
 * reports its memory. */
static void
promRenderDomainFamily(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf,
                       const promDomLabels *dl, const promSeriesFamily *family,
                       bool guestOnly)
{
    const promFamilyDef *def = &promFamilies[family->fam];
    size_t i;

    promWriteHeader(buf, fmt, family->fam);
    for (i = 0; i < snap->ndomains; i++) {
        if (guestOnly && !snap->domains[i].guestMemOk)
            continue;
        promSampleFast(buf, def, dl->text.data + dl->offsets[i],
                       dl->offsets[i + 1] - dl->offsets[i], NULL, family->kind,
                       promDomainValue(&snap->domains[i], family->fam));
    }
}

static void
promRenderDomains(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf,
                  const promDomLabels *dl)
{
    static const promSeriesFamily guestFamilies[] = {
        { XV_PROM_FAM_DOMAIN_MEMORY_AVAILABLE, XV_PROM_VALUE_U64 },
        { XV_PROM_FAM_DOMAIN_MEMORY_UNUSED, XV_PROM_VALUE_U64 },
    };
    static const promSeriesFamily families[] = {
        { XV_PROM_FAM_DOMAIN_ID, XV_PROM_VALUE_I64 },
        { XV_PROM_FAM_DOMAIN_STATE, XV_PROM_VALUE_U64 },
        { XV_PROM_FAM_DOMAIN_CPU_SECONDS, XV_PROM_VALUE_NS },
        { XV_PROM_FAM_DOMAIN_MEMORY, XV_PROM_VALUE_U64 },
        { XV_PROM_FAM_DOMAIN_MEMORY_MAX, XV_PROM_VALUE_U64 },
        { XV_PROM_FAM_DOMAIN_VCPUS, XV_PROM_VALUE_U64 },
    };
    const promFamilyDef *info = &promFamilies[XV_PROM_FAM_DOMAIN_INFO];
    size_t f, i;

    if (!snap->connected)
        return;
    promFamily1(buf, fmt, XV_PROM_FAM_DOMAINS, XV_PROM_VALUE_U64, snap->ndomains);
    if (snap->ndomains == 0)
        return;

    promWriteHeader(buf, fmt, XV_PROM_FAM_DOMAIN_INFO);
    for (i = 0; i < snap->ndomains; i++) {
        const char *os = snap->domains[i].osType;

        promPut(buf, info->name, info->namelen);
        PROM_PUTS(buf, "{");
        promPut(buf, dl->text.data + dl->offsets[i], dl->offsets[i + 1] - dl->offsets[i]);
        promPutLabel(buf, true, "os_type", os ? os : "", os ? strlen(os) : 0);
        PROM_PUTS(buf, "}");
        promPutValue(buf, XV_PROM_VALUE_U64, 1);
    }

    for (f = 0; f < XV_N_ELEMENTS(families); f++)
        promRenderDomainFamily(snap, fmt, buf, dl, &families[f], false);
    for (i = 0; i < snap->ndomains && !snap->domains[i].guestMemOk; i++)
        ;
    if (i == snap->ndomains)
        return;
    for (f = 0; f < XV_N_ELEMENTS(guestFamilies); f++)
        promRenderDomainFamily(snap, fmt, buf, dl, &guestFamilies[f], true);
}

/* Appends the CPUs set in @map as a compressed list: "0-3,8". */
static void
promPutCpuList(xvPromBuf *buf, const unsigned char *map, size_t maplen)
{
    char *p = promAt(buf, xvCpuListFormatMax(maplen * 8));

    promCommit(buf, xvCpuListWrite(p, map, maplen * 8));
}

/* The value of per-vcpu family @fam for @v. */
static uint64_t
promVcpuValue(const xvSnapVcpu *v, xvPromFamily fam)
{
    switch (fam) {
    case XV_PROM_FAM_VCPU_STATE:
        return (uint64_t)(int64_t)v->state;
    case XV_PROM_FAM_VCPU_CPU_SECONDS:
        return v->cpuTimeNs;
    case XV_PROM_FAM_VCPU_CPU:
        return (uint64_t)(int64_t)v->cpu;
    case XV_PROM_FAM_VCPU_AFFINITY_CPUS:
        return v->affinityCount;
    default:
        return 0;
    }
}

static void
promRenderVcpus(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf,
                const promDomLabels *dl)
{
    static const promSeriesFamily families[] = {
        { XV_PROM_FAM_VCPU_STATE, XV_PROM_VALUE_I64 },
        { XV_PROM_FAM_VCPU_CPU_SECONDS, XV_PROM_VALUE_NS },
        { XV_PROM_FAM_VCPU_CPU, XV_PROM_VALUE_I64 },
        { XV_PROM_FAM_VCPU_AFFINITY_CPUS, XV_PROM_VALUE_U64 },
    };
    const promFamilyDef *info = &promFamilies[XV_PROM_FAM_VCPU_AFFINITY_INFO];
    size_t maplen = snap->maplen > 0 && snap->cpumaps ? (size_t)snap->maplen : 0;
    size_t any = 0;
    size_t f, i, j;

    for (i = 0; i < snap->ndomains; i++) {
        if (snap->domains[i].vcpusOk)
            any += snap->domains[i].nvcpus;
    }
    if (any == 0)
        return;

    for (f = 0; f < XV_N_ELEMENTS(families); f++) {
        const promFamilyDef *def = &promFamilies[families[f].fam];

        promWriteHeader(buf, fmt, families[f].fam);
        for (i = 0; i < snap->ndomains; i++) {
            const xvSnapDomain *dom = &snap->domains[i];

            if (!dom->vcpusOk)
                continue;
            for (j = 0; j < dom->nvcpus; j++) {
                const xvSnapVcpu *v = &snap->vcpus[dom->firstVcpu + j];

                promSampleFast(buf, def, dl->text.data + dl->offsets[i],
                               dl->offsets[i + 1] - dl->offsets[i], &v->number,
                               families[f].kind, promVcpuValue(v, families[f].fam));
            }
        }
    }

    if (maplen == 0)
        return;
    promWriteHeader(buf, fmt, XV_PROM_FAM_VCPU_AFFINITY_INFO);
    for (i = 0; i < snap->ndomains; i++) {
        const xvSnapDomain *dom = &snap->domains[i];

        if (!dom->vcpusOk)
            continue;
        for (j = 0; j < dom->nvcpus; j++) {
            size_t idx = dom->firstVcpu + j;
            char *p;

            p = promAt(buf, info->namelen + dl->offsets[i + 1] - dl->offsets[i] + 64);
            memcpy(p, info->name, info->namelen);
            p += info->namelen;
            *p++ = '{';
            memcpy(p, dl->text.data + dl->offsets[i], dl->offsets[i + 1] - dl->offsets[i]);
            p += dl->offsets[i + 1] - dl->offsets[i];
            memcpy(p, ",vcpu=\"", 7);
            p = promFmtU64(p + 7, snap->vcpus[idx].number);
            memcpy(p, "\",cpus=\"", 8);
            promCommit(buf, p + 8);
            promPutCpuList(buf, snap->cpumaps + idx * maplen, maplen);
            PROM_PUTS(buf, "\"} 1\n");
        }
    }
}

static void
promRenderSampler(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf)
{
    size_t i;

    promFamily1(buf, fmt, XV_PROM_FAM_HYPERVISOR_UP, XV_PROM_VALUE_U64, snap->connected);
    promFamily1(buf, fmt, XV_PROM_FAM_SAMPLE_TIMESTAMP, XV_PROM_VALUE_NS, snap->timestampNs);
    promFamily1(buf, fmt, XV_PROM_FAM_SAMPLE_DURATION, XV_PROM_VALUE_NS, snap->durationNs);

    promWriteHeader(buf, fmt, XV_PROM_FAM_SAMPLE_ERRORS);
    for (i = 0; i < XV_CALL_LAST; i++) {
        promSampleLabel(buf, XV_PROM_FAM_SAMPLE_ERRORS, "call", xvSampleCallName(i),
                        XV_PROM_VALUE_U64, snap->errorsTotal[i]);
    }

    if (snap->ncollectors == 0)
        return;
    promWriteHeader(buf, fmt, XV_PROM_FAM_COLLECTOR_DURATION);
    for (i = 0; i < snap->ncollectors; i++) {
        promSampleLabel(buf, XV_PROM_FAM_COLLECTOR_DURATION, "collector",
                        snap->collectors[i].name, XV_PROM_VALUE_NS,
                        snap->collectors[i].durationNs);
    }
    promWriteHeader(buf, fmt, XV_PROM_FAM_COLLECTOR_SUCCESS);
    for (i = 0; i < snap->ncollectors; i++) {
        promSampleLabel(buf, XV_PROM_FAM_COLLECTOR_SUCCESS, "collector",
                        snap->collectors[i].name, XV_PROM_VALUE_U64,
                        snap->collectors[i].success);
    }
}

void
xvPromRenderBody(const xvSnapshot *snap, xvPromFormat fmt, xvPromBuf *buf)
{
    promDomLabels dl;

    if ((unsigned int)fmt >= XV_PROM_FORMAT_LAST)
        fmt = XV_PROM_FORMAT_TEXT;
    /* about 110 bytes a line: 8 lines a domain, 5 a vcpu, plus the headers */
    xvPromBufReserve(buf, 16384 + snap->ndomains * 1024 + snap->nvcpus * 640);
    promDomLabelsBuild(&dl, snap);
    promRenderNode(snap, fmt, buf);
    promRenderDomains(snap, fmt, buf, &dl);
    promRenderVcpus(snap, fmt, buf, &dl);
    promRenderSampler(snap, fmt, buf);
    promDomLabelsFree(&dl);
}

char *
xvPromRender(const xvSnapshot *snap, xvPromFormat fmt, size_t *retlen)
{
    xvPromBuf buf;

    xvPromBufInit(&buf);
    xvPromRenderBody(snap, fmt, &buf);
    return xvPromBufSteal(&buf, retlen);
}

/* ---- per scrape ---- */

void
xvPromRenderSelf(const xvPromSelf *self, xvPromFormat fmt, xvPromBuf *buf)
{
    const char *version = self->version ? self->version : "";
    const char *api = self->api ? self->api : "";

    if ((unsigned int)fmt >= XV_PROM_FORMAT_LAST)
        fmt = XV_PROM_FORMAT_TEXT;
    promWriteHeader(buf, fmt, XV_PROM_FAM_BUILD_INFO);
    PROM_PUTS(buf, "xvirt_build_info{");
    promPutLabel(buf, false, "version", version, strlen(version));
    promPutLabel(buf, true, "api", api, strlen(api));
    PROM_PUTS(buf, "}");
    promPutValue(buf, XV_PROM_VALUE_U64, 1);

    if (self->haveSnapshot) {
        promFamily1(buf, fmt, XV_PROM_FAM_SNAPSHOT_AGE, XV_PROM_VALUE_NS,
                    self->snapshotAgeNs);
    }
    promFamily1(buf, fmt, XV_PROM_FAM_SCRAPES, XV_PROM_VALUE_U64, self->scrapes);
    promFamily1(buf, fmt, XV_PROM_FAM_RELOAD_SUCCESSFUL, XV_PROM_VALUE_U64, self->reloadOk);
    promFamily1(buf, fmt, XV_PROM_FAM_RELOAD_SUCCESS_TIMESTAMP, XV_PROM_VALUE_NS,
                self->reloadSuccessNs);
    promWriteHeader(buf, fmt, XV_PROM_FAM_RELOADS);
    promSampleLabel(buf, XV_PROM_FAM_RELOADS, "result", "success", XV_PROM_VALUE_U64,
                    self->reloadsSucceeded);
    promSampleLabel(buf, XV_PROM_FAM_RELOADS, "result", "failure", XV_PROM_VALUE_U64,
                    self->reloadsFailed);
}

void
xvPromRenderEnd(xvPromFormat fmt, xvPromBuf *buf)
{
    if (fmt == XV_PROM_FORMAT_OPENMETRICS)
        PROM_PUTS(buf, "# EOF\n");
    else
        xvPromBufReserve(buf, 0);     /* still a valid (empty) string */
}
