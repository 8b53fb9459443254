/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvbuf.h: a growable string buffer for formatting XML and text (allocation
 * aborts on failure, as util/xvalloc.h does). */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util/xvalloc.h"

typedef struct _xvBuf xvBuf;
struct _xvBuf {
    char *data;     /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    int indent;     /* spaces xvBufIndentf puts before its text */
};
#define XV_BUF_INIT { NULL, 0, 0, 0 }

/* Appends @len bytes of @s (which may hold NULs); the buffer grows as needed. */
void xvBufAdd(xvBuf *buf, const char *s, size_t len);
/* Appends the string @s. */
void xvBufAddStr(xvBuf *buf, const char *s);
/* Appends the formatted text. */
void xvBufAsprintf(xvBuf *buf, const char *fmt, ...) XV_PRINTF(2, 3);
/* The same with a va_list. */
void xvBufVasprintf(xvBuf *buf, const char *fmt, va_list ap) XV_PRINTF(2, 0);
/* Adds @indent spaces (buf->indent) then the formatted text. */
void xvBufIndentf(xvBuf *buf, const char *fmt, ...) XV_PRINTF(2, 3);
/* XML-escapes @s (&, <, >, ', ") into the buffer. */
void xvBufEscapeXML(xvBuf *buf, const char *s);
/* Hands the string (never NULL: "" for an empty buffer) to the caller. */
char *xvBufSteal(xvBuf *buf);
/* Frees the contents; the buffer is empty and usable again (indent kept). */
void xvBufReset(xvBuf *buf);
