/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvlog.c: stderr logging with syslog priority prefixes. */
#include "util/xvlog.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
