/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvlog.h: the programs' log (xvirt-agent and its policies), to stderr,
 * one line per message, each prefixed with its syslog priority
 * ("<6>sampler: ...") so journald files it at the right level. Thread-safe:
 * each message is written with one write(2). The library never logs.
 */
#pragma once

#include <stdarg.h>

#include "util/xvmacros.h"

typedef enum {
    XV_LOG_ERR = 3,
    XV_LOG_WARNING = 4,
    XV_LOG_NOTICE = 5,
    XV_LOG_INFO = 6,
    XV_LOG_DEBUG = 7,
} xvLogLevel;

/* Messages above @level (less important) are dropped; default XV_LOG_INFO. */
void xvLogSetLevel(int level);
/* The current level. */
int xvLogGetLevel(void);
/* Non-zero @plain: writes "LEVEL: message" without the <N> prefix (for a terminal). */
void xvLogSetPlain(int plain);

/* Writes one message at @level (newlines inside become spaces; cut at 2 KiB). */
void xvLog(int level, const char *fmt, ...) XV_PRINTF(2, 3);
/* The same with a va_list. */
void xvLogV(int level, const char *fmt, va_list ap) XV_PRINTF(2, 0);

#define xvLogError(...) xvLog(XV_LOG_ERR, __VA_ARGS__)
#define xvLogWarning(...) xvLog(XV_LOG_WARNING, __VA_ARGS__)
#define xvLogNotice(...) xvLog(XV_LOG_NOTICE, __VA_ARGS__)
#define xvLogInfo(...) xvLog(XV_LOG_INFO, __VA_ARGS__)
#define xvLogDebug(...) xvLog(XV_LOG_DEBUG, __VA_ARGS__)
