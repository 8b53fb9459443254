/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvbuf.c: a growable string buffer. */
#include "util/xvbuf.h"

#include <stdio.h>
#include <string.h>

static void
xvBufGrow(xvBuf *buf, size_t extra)
{
    size_t need = buf->len + extra + 1;
    size_t cap;

    if (need <= buf->cap)
        return;
    cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap *= 2;
    buf->data = xvReallocN(buf->data, cap, 1);
    buf->cap = cap;
}

void
xvBufAdd(xvBuf *buf, const char *s, size_t len)
{
    xvBufGrow(buf, len);
    memcpy(buf->data + buf->len, s, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void
xvBufAddStr(xvBuf *buf, const char *s)
{
    xvBufAdd(buf, s, strlen(s));
}

void
xvBufVasprintf(xvBuf *buf, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    xvBufGrow(buf, 64);
    va_copy(copy, ap);
    n = vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, copy);
    va_end(copy);
    if (n < 0)
        abort();
    if ((size_t)n >= buf->cap - buf->len) {
        xvBufGrow(buf, (size_t)n);
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

    xvBufGrow(buf, (size_t)buf->indent);
    memset(buf->data + buf->len, ' ', (size_t)buf->indent);
    buf->len += (size_t)buf->indent;
    buf->data[buf->len] = '\0';
    va_start(ap, fmt);
    xvBufVasprintf(buf, fmt, ap);
    va_end(ap);
}

void
xvBufEscapeXML(xvBuf *buf, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        const char *esc;

        switch (*s) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '\'': esc = "&apos;"; break;
        case '"': esc = "&quot;"; break;
        default: continue;
        }
        xvBufAdd(buf, run, (size_t)(s - run));
        xvBufAddStr(buf, esc);
        run = s + 1;
    }
    xvBufAdd(buf, run, (size_t)(s - run));
}

char *
xvBufSteal(xvBuf *buf)
{
    char *ret = buf->data ? buf->data : xvStrdup("");

    buf->data = NULL;
    buf->len = buf->cap = 0;
    return ret;
}

void
xvBufReset(xvBuf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}
