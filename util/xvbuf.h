/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvbuf.h: a growable string buffer for formatting XML and text. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util/xvalloc.h"

typedef struct _xvBuf xvBuf;
struct _xvBuf {
    char *data;     /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    int indent;     /* spaces put before each xvBufAddLit/xvBufAsprintf line start */
};
#define XV_BUF_INIT { NULL, 0, 0, 0 }

void xvBufAdd(xvBuf *buf, const char *s, size_t len);
void xvBufAddStr(xvBuf *buf, const char *s);
void xvBufAsprintf(xvBuf *buf, const char *fmt, ...) XV_PRINTF(2, 3);
void xvBufVasprintf(xvBuf *buf, const char *fmt, va_list ap) XV_PRINTF(2, 0);
/* Adds @indent spaces (buf->indent) then the formatted text. */
void xvBufIndentf(xvBuf *buf, const char *fmt, ...) XV_PRINTF(2, 3);
/* XML-escapes @s (&, <, >, ', ") into the buffer. */
void xvBufEscapeXML(xvBuf *buf, const char *s);
/* Hands the string (never NULL: "" for an empty buffer) to the caller. */
char *xvBufSteal(xvBuf *buf);
void xvBufReset(xvBuf *buf);
