/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvlog.c: stderr logging with syslog priority prefixes, or as logfmt or JSON lines. */
#include "util/xvlog.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/xvbuf.h"
#include "util/xvclock.h"

static int logLevel = XV_LOG_INFO;   /* atomic access only */
static int logPlain;                 /* atomic access only */
static int logFormat;                /* xvLogFormat; atomic access only */

void
xvLogSetLevel(int level)
{
    __atomic_store_n(&logLevel, level, __ATOMIC_RELAXED);
}

int
xvLogGetLevel(void)
{
    return __atomic_load_n(&logLevel, __ATOMIC_RELAXED);
}

void
xvLogSetPlain(int plain)
{
    __atomic_store_n(&logPlain, plain, __ATOMIC_RELAXED);
}

void
xvLogSetFormat(xvLogFormat format)
{
    __atomic_store_n(&logFormat, (int)format, __ATOMIC_RELAXED);
}

xvLogFormat
xvLogGetFormat(void)
{
    return (xvLogFormat)__atomic_load_n(&logFormat, __ATOMIC_RELAXED);
}

int
xvLogFormatFromName(const char *name)
{
    if (strcmp(name, "syslog") == 0)
        return XV_LOG_FORMAT_SYSLOG;
    if (strcmp(name, "logfmt") == 0)
        return XV_LOG_FORMAT_LOGFMT;
    if (strcmp(name, "json") == 0)
        return XV_LOG_FORMAT_JSON;
    return -1;
}

static const char *
logLevelName(int level)
{
    switch (level) {
    case XV_LOG_ERR: return "error";
    case XV_LOG_WARNING: return "warning";
    case XV_LOG_NOTICE: return "notice";
    case XV_LOG_INFO: return "info";
    default: return "debug";
    }
}

/* ---- structured lines (logfmt, JSON) ----------------------------------- */

/* go-kit's level names, which log pipelines built for node_exporter know. */
static const char *
logKitLevelName(int level)
{
    switch (level) {
    case XV_LOG_ERR: return "error";
    case XV_LOG_WARNING: return "warn";
    case XV_LOG_DEBUG: return "debug";
    default: return "info";
    }
}

/*
 * Appends @msg to @out (at *@pos, @cap bytes) as the inside of a quoted
 * string that both logfmt and JSON read back: \" \\ \n \r \t, other
 * control characters as \u00XX, bytes that are not UTF-8 as U+FFFD. Stops
 * before an escape or character that would not fit whole.
 */
static void
logAppendEscaped(char *out, size_t cap, size_t *pos, const char *msg)
{
    const unsigned char *s = (const unsigned char *)msg;
    size_t n = strlen(msg);
    size_t i = 0;

    while (i < n) {
        char esc[8];
        const char *add = esc;
        size_t addLen, step = 1;

        if (s[i] == '"' || s[i] == '\\') {
            esc[0] = '\\';
            esc[1] = (char)s[i];
            addLen = 2;
        } else if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
            esc[0] = '\\';
            esc[1] = s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' : 't';
            addLen = 2;
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
            addLen = 6;
        } else if ((step = xvUtf8Length(s + i, n - i)) > 0) {
            add = msg + i;
            addLen = step;
        } else {
            add = "\xef\xbf\xbd";       /* U+FFFD REPLACEMENT CHARACTER */
            addLen = 3;
            step = 1;
        }
        if (*pos + addLen >= cap)
            return;
        memcpy(out + *pos, add, addLen);
        *pos += addLen;
        i += step;
    }
}

/* The current time as 2026-12-06T03:04:05.123Z into @buf. */
static void
logTimestamp(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    char sec[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03ldZ", sec, ts.tv_nsec / 1000000L);
}

/* One logfmt or JSON line of @msg into @line (@cap bytes, newline included);
 * returns its length. */
static size_t
logFormatStructured(xvLogFormat format, int level, const char *msg, char *line, size_t cap)
{
    const bool json = format == XV_LOG_FORMAT_JSON;
    const char *tail = json ? "\"}\n" : "\"\n";
    char ts[48];
    size_t pos;
    int n;

    logTimestamp(ts, sizeof(ts));
    if (json)
        n = snprintf(line, cap, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts,
                     logKitLevelName(level));
    else
        n = snprintf(line, cap, "ts=%s level=%s msg=\"", ts, logKitLevelName(level));
    pos = (size_t)n;
    /* the message is cut, never the closing quote (and brace) */
    logAppendEscaped(line, cap - strlen(tail), &pos, msg);
    memcpy(line + pos, tail, strlen(tail));
    return pos + strlen(tail);
}

/* ---- writing ------------------------------------------------------------ */

/* The default line: "<6>msg" (or "info: msg" when plain), newlines inside
 * made spaces. Returns its length. */
static size_t
logFormatSyslog(int level, const char *msg, char *line, size_t cap)
{
    int n, len;

    if (__atomic_load_n(&logPlain, __ATOMIC_RELAXED))
        n = snprintf(line, cap, "%s: ", logLevelName(level));
    else
        n = snprintf(line, cap, "<%d>", level);
    len = snprintf(line + n, cap - (size_t)n - 1, "%s", msg) + n;
    if ((size_t)len > cap - 2)
        len = (int)cap - 2;
    /* one line per message: a newline inside would split it in journald */
    for (int i = n; i < len; i++) {
        if (line[i] == '\n')
            line[i] = ' ';
    }
    line[len++] = '\n';
    return (size_t)len;
}

/* Where messages go instead of stderr (xvLogSetSink), or NULL. */
static void (*logSink)(int level, const char *msg);

void
xvLogSetSink(void (*sink)(int level, const char *msg))
{
    logSink = sink;
}

void
xvLogV(int level, const char *fmt, va_list ap)
{
    char msg[2048];
    char line[2048];
    xvLogFormat format = xvLogGetFormat();
    size_t len;

    if (level > xvLogGetLevel())
        return;
    if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
        return;
    if (logSink) {
        logSink(level, msg);
        return;
    }
    if (format == XV_LOG_FORMAT_SYSLOG)
        len = logFormatSyslog(level, msg, line, sizeof(line));
    else
        len = logFormatStructured(format, level, msg, line, sizeof(line));
    if (write(STDERR_FILENO, line, len) < 0) {
        /* nowhere left to report */
    }
}

void
xvLog(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xvLogV(level, fmt, ap);
    va_end(ap);
}

/* ---- rate limits -------------------------------------------------------- */

#define LIMIT_KEY_MAX 160

typedef struct {
    uint64_t hash;              /* 0: a free slot */
    char key[LIMIT_KEY_MAX];
    uint64_t lastLoggedNs;
    uint64_t lastSeenNs;
    uint64_t windowNs;
    uint64_t suppressed;
} logLimit;

static pthread_mutex_t limitLock = PTHREAD_MUTEX_INITIALIZER;
/* guarded by limitLock */
static uint64_t (*limitClock)(void *opaque);
static void *limitClockOpaque;
static logLimit limits[XV_LOG_LIMIT_KEYS];
/* the messages of keys that found no slot, limited as one */
static logLimit limitOverflow;

void
xvLogSetClock(uint64_t (*monoNs)(void *opaque), void *opaque)
{
    pthread_mutex_lock(&limitLock);
    limitClock = monoNs;
    limitClockOpaque = opaque;
    pthread_mutex_unlock(&limitLock);
}

void
xvLogLimitReset(void)
{
    pthread_mutex_lock(&limitLock);
    memset(limits, 0, sizeof(limits));
    memset(&limitOverflow, 0, sizeof(limitOverflow));
    pthread_mutex_unlock(&limitLock);
}

/* FNV-1a, never 0 (0 marks a free slot). */
static uint64_t
limitHash(const char *key)
{
    uint64_t h = UINT64_C(14695981039346656037);

    for (; *key; key++) {
        h ^= (unsigned char)*key;
        h *= UINT64_C(1099511628211);
    }
    return h ? h : 1;
}

/* Whether @l went quiet for a whole window by @now: the problem it was
 * about is over. */
static bool
limitIsOver(const logLimit *l, uint64_t now)
{
    return now - l->lastSeenNs >= l->windowNs;
}

/* The slot of @key: its own, a free one, the least recently seen one if
 * that is over, else the shared overflow. Lock held. */
static logLimit *
limitFind(const char *key, uint64_t now)
{
    uint64_t h = limitHash(key);
    logLimit *oldest = NULL;
    size_t i;

    for (i = 0; i < XV_LOG_LIMIT_KEYS; i++) {
        logLimit *l = &limits[i];

        if (l->hash == h && strcmp(l->key, key) == 0)
            return l;
        if (!oldest || (oldest->hash && (!l->hash || l->lastSeenNs < oldest->lastSeenNs)))
            oldest = l;
    }
    if (oldest->hash && !limitIsOver(oldest, now))
        return &limitOverflow;
    memset(oldest, 0, sizeof(*oldest));
    oldest->hash = h;
    snprintf(oldest->key, sizeof(oldest->key), "%s", key);
    return oldest;
}

/*
 * Decides about one message of @key at @now: false to suppress it; true to
 * log it, with *@suppressed the count to append (0: none), *@overflow true
 * when that count is of the untracked keys. Lock held.
 */
static bool
limitAdmit(const char *key, uint64_t now, uint64_t *suppressed, bool *overflow)
{
    logLimit *l = limitFind(key, now);

    *overflow = l == &limitOverflow;
    *suppressed = 0;
    if (l->windowNs == 0 || limitIsOver(l, now)) {
        /* new, or back after a quiet window: from the first window again */
        l->windowNs = XV_LOG_LIMIT_FIRST_NS;
    } else if (now - l->lastLoggedNs < l->windowNs) {
        l->suppressed++;
        l->lastSeenNs = now;
        return false;
    } else {
        /* it kept coming through the window: the next one is longer */
        l->windowNs = l->windowNs * 2 < XV_LOG_LIMIT_MAX_NS ? l->windowNs * 2 :
                      XV_LOG_LIMIT_MAX_NS;
    }
    *suppressed = l->suppressed;
    l->suppressed = 0;
    l->lastLoggedNs = now;
    l->lastSeenNs = now;
    return true;
}

void
xvLogLimited(const char *key, int level, const char *fmt, ...)
{
    char msg[2048];
    uint64_t now, suppressed;
    bool admit, overflow;
    va_list ap;

    if (level > xvLogGetLevel())
        return;
    pthread_mutex_lock(&limitLock);
    now = limitClock ? limitClock(limitClockOpaque) : xvClockMonoNs();
    admit = limitAdmit(key, now, &suppressed, &overflow);
    pthread_mutex_unlock(&limitLock);
    if (!admit)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (suppressed && overflow)
        xvLog(level, "%s (%llu messages suppressed: more than %d kinds of message repeat)",
              msg, (unsigned long long)suppressed, XV_LOG_LIMIT_KEYS);
    else if (suppressed)
        xvLog(level, "%s (%llu similar messages suppressed)", msg,
              (unsigned long long)suppressed);
    else
        xvLog(level, "%s", msg);
}
