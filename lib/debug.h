/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * debug.h: the opt-in debug trace of libxvirt (XVIRT_DEBUG).
 *
 * Off unless the environment says otherwise, read once per process:
 *   XVIRT_DEBUG=1              trace (unset, empty or "0": off)
 *   XVIRT_DEBUG_FILE=PATH      append to PATH instead of standard error
 * When on, every public call writes one "call" line with its arguments and
 * every reported error one "error" line with its code, origin, message and
 * the file:line (function) that reported it. Each line is written with one
 * write(2), so lines of concurrent threads never mix. When off, a trace
 * point costs one load and one branch; its arguments are not evaluated.
 *
 * The library never logs otherwise.
 */
#pragma once

#include <stddef.h>

#include <libvirt/libvirt.h>

#include "internal.h"

/* -1 until the environment was read, then 0 (off) or 1 (on). Read it only
 * through XV_DEBUG_ON(); written once, by debug.c. */
extern int xvDebugState;

#define XV_DEBUG_ON() \
    __builtin_expect(__atomic_load_n(&xvDebugState, __ATOMIC_RELAXED) != 0, 0)

/*
 * XV_TRACE_CALL(fmt, ...): the trace beat of a public entry point, right
 * after virResetLastError(). @fmt formats the arguments as "name=value"
 * pairs joined by ", ": pointers with %p, flags as 0x%x, strings, handles
 * and XML through the helpers below.
 */
#define XV_TRACE_CALL(...) \
    do { \
        if (XV_DEBUG_ON()) \
            xvDebugCall(__func__, __VA_ARGS__); \
    } while (0)

/* Formatted argument helpers for XV_TRACE_CALL's "%s": each writes into a
 * buffer that lives as long as the trace statement. */
#define XV_DEBUG_STR_MAX 256  /* bytes of a string argument shown */
#define XV_DEBUG_XML_MAX 48   /* bytes of an XML document shown */
#define XV_DEBUG_ARG_BUFLEN (XV_DEBUG_STR_MAX + 64)

/* 'text' quoted, cut after XV_DEBUG_STR_MAX bytes; NULL as NULL. */
#define XV_TRACE_STR(s) \
    xvDebugQuote((char[XV_DEBUG_ARG_BUFLEN]){ 0 }, (s), XV_DEBUG_STR_MAX)
/* The first XV_DEBUG_XML_MAX bytes of a document and its length. */
#define XV_TRACE_XML(s) \
    xvDebugQuote((char[XV_DEBUG_ARG_BUFLEN]){ 0 }, (s), XV_DEBUG_XML_MAX)
/* The address, and the URI of a live connection. */
#define XV_TRACE_CONN(c) \
    xvDebugConnect((char[XV_DEBUG_ARG_BUFLEN]){ 0 }, (c))
/* A 16-byte UUID in its string form; NULL as NULL. */
#define XV_TRACE_UUID(u) \
    xvDebugUUID((char[XV_DEBUG_ARG_BUFLEN]){ 0 }, (u))
/* The address, and the name of a live domain handle. */
#define XV_TRACE_DOMAIN(d) \
    xvDebugDomain((char[XV_DEBUG_ARG_BUFLEN]){ 0 }, (d))

/* One "call FUNC(ARGS)" line. Use XV_TRACE_CALL. */
void xvDebugCall(const char *func, const char *fmt, ...) XV_PRINTF(2, 3);
/* One "error" line for an error just reported (virerror.c). */
void xvDebugError(const char *file, const char *func, size_t line, int domain,
                  int code, const char *message);

/* @buf has XV_DEBUG_ARG_BUFLEN bytes; each returns @buf. */
const char *xvDebugQuote(char *buf, const char *s, size_t max) XV_NONNULL(1);
const char *xvDebugConnect(char *buf, virConnectPtr conn) XV_NONNULL(1);
const char *xvDebugDomain(char *buf, virDomainPtr dom) XV_NONNULL(1);
const char *xvDebugUUID(char *buf, const unsigned char *uuid) XV_NONNULL(1);

/* @file as the build gave it, without leading "../" and "./". */
const char *xvDebugSourcePath(const char *file) XV_NONNULL(1);
