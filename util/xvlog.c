/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvlog.c: stderr logging with syslog priority prefixes. */
#include "util/xvlog.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/xvclock.h"

static int logLevel = XV_LOG_INFO;   /* atomic access only */
static int logPlain;                 /* atomic access only */

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

void
xvLogV(int level, const char *fmt, va_list ap)
{
    char line[2048];
    int n;
    int len;

    if (level > xvLogGetLevel())
        return;
    if (__atomic_load_n(&logPlain, __ATOMIC_RELAXED))
        n = snprintf(line, sizeof(line), "%s: ", logLevelName(level));
    else
        n = snprintf(line, sizeof(line), "<%d>", level);
    len = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    if (len < 0)
        return;
    len += n;
    if ((size_t)len > sizeof(line) - 2)
        len = (int)sizeof(line) - 2;
    /* one line per message: a newline inside would split it in journald */
    for (int i = n; i < len; i++) {
        if (line[i] == '\n')
            line[i] = ' ';
    }
    line[len++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)len) < 0) {
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
