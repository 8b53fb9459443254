/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* debug.c: the opt-in debug trace (XVIRT_DEBUG): reading the environment
 * once, formatting a line and writing it with one write(2). */
#include "config.h"

#include "debug.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datatypes.h"
#include "util/xvuuid.h"

int xvDebugState = -1;
static int xvDebugFd = STDERR_FILENO; /* immutable once xvDebugOnce ran */
static pthread_once_t xvDebugOnce = PTHREAD_ONCE_INIT;

static void xvDebugLine(const char *kind, const char *fmt, ...) XV_PRINTF(2, 3);

static void
xvDebugInitOnce(void)
{
    /* secure_getenv: a set-user-ID program is never traced (the file
     * variable would let its caller append to any file). */
    const char *level = secure_getenv("XVIRT_DEBUG");
    const char *path = secure_getenv("XVIRT_DEBUG_FILE");
    int openErrno = 0;
    int fd;

    if (!level || !*level || XV_STREQ(level, "0")) {
        __atomic_store_n(&xvDebugState, 0, __ATOMIC_RELEASE);
        return;
    }
    if (path && *path) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            xvDebugFd = fd;
        else
            openErrno = errno;
    }
    __atomic_store_n(&xvDebugState, 1, __ATOMIC_RELEASE);
    if (openErrno) {
        char ebuf[128];

        xvDebugLine("note", "cannot open XVIRT_DEBUG_FILE '%s': %s; tracing to standard error",
                    path, strerror_r(openErrno, ebuf, sizeof(ebuf)));
    }
}

/* True once the environment asked for the trace. */
static bool
xvDebugActive(void)
{
    int saved = errno;

    pthread_once(&xvDebugOnce, xvDebugInitOnce);
    errno = saved;
    return __atomic_load_n(&xvDebugState, __ATOMIC_ACQUIRE) == 1;
}

/* Control characters and backslashes as C escapes: a line stays one line. */
static size_t
xvDebugEscape(char *out, const char *in)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;

        if (c == '\\') {
            out[n++] = '\\';
            out[n++] = '\\';
        } else if (c == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else if (c == '\t') {
            out[n++] = '\\';
            out[n++] = 't';
        } else if (c < 0x20 || c == 0x7f) {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 0xf];
        } else {
            out[n++] = (char)c;
        }
    }
    return n;
}

/* Writes all of @buf, retrying short and interrupted writes; the trace
 * never fails its caller. */
static void
xvDebugWriteAll(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(xvDebugFd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* "2025-06-01 10:00:00.123+0000: 4711: KIND BODY\n" in one write(2). */
static void XV_PRINTF(2, 0)
xvDebugLineV(const char *kind, const char *fmt, va_list ap)
{
    char prefix[96];
    struct timespec ts;
    struct tm tm;
    char *body = NULL;
    char *line;
    size_t plen, len;
    int saved = errno;

    body = xvVasprintf(fmt, ap);
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    plen = strftime(prefix, sizeof(prefix), "%Y-%m-%d %H:%M:%S", &tm);
    plen += (size_t)snprintf(prefix + plen, sizeof(prefix) - plen,
                             ".%03ld+0000: %ld: %s ", ts.tv_nsec / 1000000L,
                             (long)gettid(), kind);
    /* every byte of the body escapes to at most 4 */
    line = xvAlloc(plen + 4 * strlen(body) + 2);
    memcpy(line, prefix, plen);
    len = plen + xvDebugEscape(line + plen, body);
    line[len++] = '\n';
    xvDebugWriteAll(line, len);
    free(line);
    free(body);
    errno = saved;
}

static void
xvDebugLine(const char *kind, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xvDebugLineV(kind, fmt, ap);
    va_end(ap);
}

void
xvDebugCall(const char *func, const char *fmt, ...)
{
    char *args = NULL;
    va_list ap;
    int saved = errno;

    if (!xvDebugActive())
        return;
    va_start(ap, fmt);
    args = xvVasprintf(fmt, ap);
    va_end(ap);
    xvDebugLine("call", "%s(%s)", func, args);
    free(args);
    errno = saved;
}

void
xvDebugError(const char *file, const char *func, size_t line, int domain,
             int code, const char *message)
{
    if (!xvDebugActive())
        return;
    xvDebugLine("error", "code=%d domain=%d at %s:%zu (%s): %s", code, domain,
                xvDebugSourcePath(file), line, func, message ? message : "");
}

const char *
xvDebugQuote(char *buf, const char *s, size_t max)
{
    size_t len, cut;

    if (!s) {
        snprintf(buf, XV_DEBUG_ARG_BUFLEN, "NULL");
        return buf;
    }
    len = strlen(s);
    if (len <= max) {
        snprintf(buf, XV_DEBUG_ARG_BUFLEN, "'%s'", s);
        return buf;
    }
    /* cut at a character boundary of UTF-8 text */
    cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    snprintf(buf, XV_DEBUG_ARG_BUFLEN, "'%.*s'... (%zu bytes)", (int)cut, s, len);
    return buf;
}

/* "ADDRESS 'LABEL'" for a live handle (@label set), else "ADDRESS". The
 * label is a tag, not the whole value: cut like an XML document. */
static const char *
xvDebugHandle(char *buf, const void *ptr, const char *label)
{
    char quoted[XV_DEBUG_ARG_BUFLEN];

    if (label)
        snprintf(buf, XV_DEBUG_ARG_BUFLEN, "%p %s", ptr,
                 xvDebugQuote(quoted, label, XV_DEBUG_XML_MAX));
    else
        snprintf(buf, XV_DEBUG_ARG_BUFLEN, "%p", ptr);
    return buf;
}

const char *
xvDebugConnect(char *buf, virConnectPtr conn)
{
    return xvDebugHandle(buf, conn,
                         conn && conn->magic == XV_CONNECT_MAGIC ? conn->uri : NULL);
}

const char *
xvDebugDomain(char *buf, virDomainPtr dom)
{
    return xvDebugHandle(buf, dom, xvIsDomain(dom) ? dom->name : NULL);
}

const char *
xvDebugUUID(char *buf, const unsigned char *uuid)
{
    char str[XV_UUID_STRING_BUFLEN];

    if (!uuid) {
        snprintf(buf, XV_DEBUG_ARG_BUFLEN, "NULL");
        return buf;
    }
    xvUUIDFormat(uuid, str);
    snprintf(buf, XV_DEBUG_ARG_BUFLEN, "'%s'", str);
    return buf;
}

const char *
xvDebugSourcePath(const char *file)
{
    for (;;) {
        if (strncmp(file, "../", 3) == 0)
            file += 3;
        else if (strncmp(file, "./", 2) == 0)
            file += 2;
        else
            return file;
    }
}
