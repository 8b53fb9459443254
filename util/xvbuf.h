/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvbuf.h: the growable byte buffer of the library and the programs, for
 * XML and text formatting and for the metrics writer's hot path.
 *
 * An xvBuf is a plain struct that its user owns (usually on the stack):
 *
 *   xvBuf buf = XV_BUF_INIT;
 *
 *   xvBufAsprintf(&buf, "<vcpu>%u</vcpu>\n", n);
 *   return xvBufSteal(&buf, NULL);
 *
 * Memory: the buffer grows geometrically (doubling, from 256 bytes), so n
 * appends cost O(n) copies; a caller that knows its size reserves it once
 * up front (xvBufReserve). Allocation failures abort, as util/xvalloc.h
 * says, so no call here fails. The contents are bytes: they may hold NULs,
 * and a NUL always follows them once the buffer has memory.
 *
 * Ending a buffer's use, three ways:
 *   xvBufSteal()  hands the contents over (a string to free(), cut to its
 *                 length: what is stolen is usually kept),
 *   xvBufClear()  empties the buffer and keeps its memory, to render again,
 *   xvBufFree()   releases the memory.
 * After any of them the buffer is empty and usable again.
 *
 * The fast path, for code that writes a piece whose maximum length it
 * knows (a number, an escaped label): xvBufAt() makes room for it and
 * returns where to write, xvBufCommit() says where the writing ended. Both
 * are inline, so such a writer compiles to stores and memcpy's.
 *
 * Not thread-safe: a buffer is used by one thread at a time.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util/xvmacros.h"

typedef struct _xvBuf xvBuf;
struct _xvBuf {
    char *data;     /* the contents, NUL-terminated; NULL until the buffer has memory */
    size_t len;     /* bytes of contents, without the NUL */
    size_t cap;     /* bytes allocated at data (0 while data is NULL) */
    int indent;     /* spaces xvBufIndentf puts before its text */
};
/* An empty buffer, as xvBufInit leaves it. */
#define XV_BUF_INIT { NULL, 0, 0, 0 }

/* ---- life cycle ---- */

/* Makes @buf empty, with no memory and no indent (XV_BUF_INIT). What @buf
 * held before is not freed: use it on a new buffer. */
void xvBufInit(xvBuf *buf);

/* Empties @buf (len 0, data "" if it has memory) and keeps its memory and
 * indent, so the next contents of about the same size cost no allocation. */
void xvBufClear(xvBuf *buf);

/* Frees the memory of @buf and makes it XV_BUF_INIT again (indent 0);
 * @buf may be NULL. */
void xvBufFree(xvBuf *buf);

/*
 * Hands the contents over: returns them as a NUL-terminated string (never
 * NULL: "" for an empty buffer), to free(), and their length (without the
 * NUL, the string may hold NULs) in *retlen if @retlen is not NULL. @buf is
 * left empty, without memory; its indent is kept.
 */
char *xvBufSteal(xvBuf *buf, size_t *retlen);

/* ---- room ---- */

/*
 * Makes room for @extra more bytes after the contents, plus their NUL, so
 * that the next @extra bytes appended cost no allocation. The capacity
 * grows geometrically: to at least twice what it was. Afterwards data is
 * not NULL (even for @extra 0) and NUL-terminated. Aborts, as an allocation
 * failure does, if len + @extra + 1 does not fit in a size_t.
 */
void xvBufReserve(xvBuf *buf, size_t extra);

/*
 * The fast path: makes room for @n bytes (and a NUL) and returns where
 * they go, at data + len. The caller writes at most @n bytes there, then
 * calls xvBufCommit() with the end of what it wrote; nothing else may touch
 * @buf in between.
 */
static inline char *xvBufAt(xvBuf *buf, size_t n);

/* Ends what was written from xvBufAt() at @end (data + len <= @end <= that
 * pointer + n): len becomes @end - data and a NUL is put at @end. */
static inline void xvBufCommit(xvBuf *buf, char *end);

/* ---- appending ---- */

/* Appends @len bytes of @s (which may hold NULs; @s may be NULL if @len is 0). */
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
/* HTML-escapes @s (& < > " ', the apostrophe as &#39;; control characters
 * become U+FFFD) into the buffer: safe in element content and in quoted
 * attribute values. */
void xvBufEscapeHTML(xvBuf *buf, const char *s);
/* JSON-escapes @s into the buffer (the inside of a string: " and \ escaped,
 * control characters as \n, \t or \u00XX; a byte that is not part of
 * well-formed UTF-8 becomes \ufffd). */
void xvBufEscapeJSON(xvBuf *buf, const char *s);

/* The length of the well-formed UTF-8 sequence at @s (@n bytes left), or 0
 * (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF). */
size_t xvUtf8Length(const unsigned char *s, size_t n);

/* ---- inline definitions ---- */

static inline char *
xvBufAt(xvBuf *buf, size_t n)
{
    /* cap - len >= 1 whenever data is set: "<= n" is "< n + 1" without
     * overflowing for a huge @n */
    if (buf->cap - buf->len <= n)
        xvBufReserve(buf, n);
    return buf->data + buf->len;
}

static inline void
xvBufCommit(xvBuf *buf, char *end)
{
    buf->len = (size_t)(end - buf->data);
    *end = '\0';
}
