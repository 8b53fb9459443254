/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvbuf.c: the growable byte buffer. */
#include "util/xvbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

/* The first block: a line or a small XML document fits without a regrowth. */
#define XV_BUF_MIN_CAP 256

void
xvBufInit(xvBuf *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->indent = 0;
}

void
xvBufClear(xvBuf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void
xvBufFree(xvBuf *buf)
{
    if (!buf)
        return;
    free(buf->data);
    xvBufInit(buf);
}

char *
xvBufSteal(xvBuf *buf, size_t *retlen)
{
    char *ret;

    xvBufReserve(buf, 0);
    /* what is stolen is kept (a definition, a document): no slack with it */
    if (buf->cap > buf->len + 1)
        buf->data = xvReallocN(buf->data, buf->len + 1, 1);
    ret = buf->data;
    if (retlen)
        *retlen = buf->len;
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return ret;
}

void
xvBufReserve(xvBuf *buf, size_t extra)
{
    size_t need;
    size_t cap;

    if (extra > SIZE_MAX - 1 - buf->len)
        xvAllocFailed();
    need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    cap = buf->cap < XV_BUF_MIN_CAP ? XV_BUF_MIN_CAP : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    buf->data = xvReallocN(buf->data, cap, 1);
    buf->cap = cap;
    buf->data[buf->len] = '\0';
}

void
xvBufAdd(xvBuf *buf, const char *s, size_t len)
{
    char *p = xvBufAt(buf, len);

    if (len > 0)
        memcpy(p, s, len);
    xvBufCommit(buf, p + len);
}

void
xvBufAddStr(xvBuf *buf, const char *s)
{
    xvBufAdd(buf, s, strlen(s));
}

void
xvBufVasprintf(xvBuf *buf, const char *fmt, va_list ap)
{
    char *p = xvBufAt(buf, 64);     /* most pieces fit: one vsnprintf */
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(p, buf->cap - buf->len, fmt, copy);
    va_end(copy);
    if (n < 0)
        abort();
    if ((size_t)n >= buf->cap - buf->len) {
        xvBufReserve(buf, (size_t)n);
        n = vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, ap);
    }
    buf->len += (size_t)n;
}

void
xvBufAsprintf(xvBuf *buf, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xvBufVasprintf(buf, fmt, ap);
    va_end(ap);
}

void
xvBufIndentf(xvBuf *buf, const char *fmt, ...)
{
    va_list ap;
    char *p = xvBufAt(buf, (size_t)buf->indent);

    memset(p, ' ', (size_t)buf->indent);
    xvBufCommit(buf, p + buf->indent);
    va_start(ap, fmt);
    xvBufVasprintf(buf, fmt, ap);
    va_end(ap);
}

/* The markup escaping of xvBufEscapeXML (@html false) and xvBufEscapeHTML. */
static void
bufEscapeMarkup(xvBuf *buf, const char *s, bool html)
{
    const char *run = s;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc;

        switch (c) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '\'': esc = html ? "&#39;" : "&apos;"; break;
        case '"': esc = "&quot;"; break;
        default:
            if (!html || (c >= 0x20 && c != 0x7f))
                continue;
            esc = "\xef\xbf\xbd";       /* U+FFFD for a control character */
            break;
        }
        xvBufAdd(buf, run, (size_t)(s - run));
        xvBufAddStr(buf, esc);
        run = s + 1;
    }
    xvBufAdd(buf, run, (size_t)(s - run));
}

void
xvBufEscapeXML(xvBuf *buf, const char *s)
{
    bufEscapeMarkup(buf, s, false);
}

void
xvBufEscapeHTML(xvBuf *buf, const char *s)
{
    bufEscapeMarkup(buf, s, true);
}

size_t
xvUtf8Length(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    /* no overlong forms, no surrogates, nothing above U+10FFFF */
    if (s[0] == 0xe0)
        lo = 0xa0;
    else if (s[0] == 0xed)
        hi = 0x9f;
    else if (s[0] == 0xf0)
        lo = 0x90;
    else if (s[0] == 0xf4)
        hi = 0x8f;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    }
    return len;
}


void
xvBufEscapeJSON(xvBuf *buf, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    const unsigned char *end = s + strlen(str);
    const unsigned char *run = s;

    while (*s) {
        size_t len = xvUtf8Length(s, (size_t)(end - s));
        char esc[8];

        if (len > 1 || (len == 1 && *s >= 0x20 && *s != '"' && *s != '\\')) {
            s += len;
            continue;
        }
        xvBufAdd(buf, (const char *)run, (size_t)(s - run));
        if (len == 0)
            xvBufAddStr(buf, "\\ufffd");   /* not UTF-8: the replacement character */
        else if (*s == '"' || *s == '\\')
            xvBufAsprintf(buf, "\\%c", *s);
        else if (*s == '\n')
            xvBufAddStr(buf, "\\n");
        else if (*s == '\t')
            xvBufAddStr(buf, "\\t");
        else if (snprintf(esc, sizeof(esc), "\\u%04x", *s) > 0)
            xvBufAddStr(buf, esc);
        run = ++s;
    }
    xvBufAdd(buf, (const char *)run, (size_t)(s - run));
}
