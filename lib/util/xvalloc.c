/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvalloc.c: allocation helpers that abort instead of returning NULL. */
#include "internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static void __attribute__((noreturn))
xvAllocFailed(void)
{
    static const char msg[] = "libxvirt: out of memory\n";

    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing left to do */
    }
    abort();
}

void *
xvAlloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);

    if (!p)
        xvAllocFailed();
    return p;
}

void *
xvAllocN(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (!p)
        xvAllocFailed();
    return p;
}

void *
xvReallocN(void *ptr, size_t count, size_t size)
{
    void *p;

    if (size && count > SIZE_MAX / size)
        xvAllocFailed();
    p = realloc(ptr, (count && size) ? count * size : 1);
    if (!p)
        xvAllocFailed();
    return p;
}

char *
xvStrdup(const char *s)
{
    char *p;

    if (!s)
        return NULL;
    p = strdup(s);
    if (!p)
        xvAllocFailed();
    return p;
}

char *
xvStrndup(const char *s, size_t n)
{
    char *p;

    if (!s)
        return NULL;
    p = strndup(s, n);
    if (!p)
        xvAllocFailed();
    return p;
}

char *
xvAsprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        xvAllocFailed();
    return p;
}
