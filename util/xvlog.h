/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvlog.h: the programs' log (xvirt-agent and its policies), to stderr,
 * one line per message. By default each line is prefixed with its syslog
 * priority ("<6>sampler: ...") so journald files it at the right level;
 * logfmt and JSON lines (xvLogSetFormat) are there for log pipelines that
 * parse node_exporter's. Thread-safe: each message is written with one
 * write(2). The library never logs.
 */
#pragma once

#include <stdarg.h>
#include <stdint.h>

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

/* How a line is written. */
typedef enum {
    XV_LOG_FORMAT_SYSLOG,   /* "<6>message" (the default; "info: message" when plain) */
    XV_LOG_FORMAT_LOGFMT,   /* ts=2026-12-06T03:04:05.123Z level=info msg="message" */
    XV_LOG_FORMAT_JSON,     /* {"ts":"2026-12-06T03:04:05.123Z","level":"info","msg":"message"} */
} xvLogFormat;

/*
 * Sets the line format; default XV_LOG_FORMAT_SYSLOG. In logfmt and JSON
 * the level is named as node_exporter (go-kit) names it: debug, info (also
 * for notice), warn, error; the time is UTC with milliseconds; the message
 * is quoted and escaped (a newline inside becomes \n, bytes that are not
 * UTF-8 become U+FFFD), so every line parses.
 */
void xvLogSetFormat(xvLogFormat format);
/* The current format. */
xvLogFormat xvLogGetFormat(void);
/* The format named @name ("logfmt", "json"; "syslog" for the default), or -1. */
int xvLogFormatFromName(const char *name);

/*
 * Hands each message that passes the level to @sink(level, message)
 * instead of writing it (NULL, the default: write it). For a loadable
 * module that carries its own copy of this file (the agent's web module,
 * exporters/web_module.h): with its copy's level at XV_LOG_DEBUG and the
 * host's logger as the sink, its messages come out in the host's level and
 * format. Set it before any message is logged.
 */
void xvLogSetSink(void (*sink)(int level, const char *msg));

/* Writes one message at @level (in the syslog format newlines inside become
 * spaces; a line is cut at 2 KiB). */
void xvLog(int level, const char *fmt, ...) XV_PRINTF(2, 3);
/* The same with a va_list. */
void xvLogV(int level, const char *fmt, va_list ap) XV_PRINTF(2, 0);

#define xvLogError(...) xvLog(XV_LOG_ERR, __VA_ARGS__)
#define xvLogWarning(...) xvLog(XV_LOG_WARNING, __VA_ARGS__)
#define xvLogNotice(...) xvLog(XV_LOG_NOTICE, __VA_ARGS__)
#define xvLogInfo(...) xvLog(XV_LOG_INFO, __VA_ARGS__)
#define xvLogDebug(...) xvLog(XV_LOG_DEBUG, __VA_ARGS__)

/*
 * Rate-limited messages, for what can repeat at every sample (a domain
 * whose collection fails, a hypervisor that cannot be reached): each
 * message names a @key, its call site and what it is about
 * ("sample-errors", "balloon-floor:POLICY:UUID"), which says what counts
 * as the same message (the text may differ, e.g. by a sequence number).
 *
 * The first message of a key is logged. The same key again within its
 * window is suppressed and counted; the first one after the window is
 * logged with " (N similar messages suppressed)" appended, and the window
 * doubles, from XV_LOG_LIMIT_FIRST_NS up to XV_LOG_LIMIT_MAX_NS, as long as
 * the message keeps coming. A key that stayed quiet for a whole window is
 * over: its next message is logged at once (with the count of what was
 * still suppressed, if any) and its window starts again from the first.
 *
 * At most XV_LOG_LIMIT_KEYS keys are tracked: a new key replaces the one
 * seen least recently when that one is over; when every key is active,
 * the messages of new keys share one more window, as if of one key.
 * Thread-safe. A message dropped by the level counts for nothing.
 */
#define XV_LOG_LIMIT_FIRST_NS (UINT64_C(60) * 1000000000u)
#define XV_LOG_LIMIT_MAX_NS (UINT64_C(3600) * 1000000000u)
#define XV_LOG_LIMIT_KEYS 256

/* Writes one message at @level, rate-limited per @key (cut at 159 bytes). */
void xvLogLimited(const char *key, int level, const char *fmt, ...) XV_PRINTF(3, 4);

/* The monotonic clock (ns) of the rate limits: @monoNs(@opaque); NULL, the
 * default: CLOCK_MONOTONIC. The agent passes its own (a stepped clock in
 * the end-to-end tests). The caller keeps @opaque valid until it sets
 * another clock. */
void xvLogSetClock(uint64_t (*monoNs)(void *opaque), void *opaque);

/* Forgets every key (tests). */
void xvLogLimitReset(void);
