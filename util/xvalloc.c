/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvalloc.c: allocation helpers that abort instead of returning NULL. */
#include "util/xvalloc.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void
xvAllocFailed(void)
{
    /* No stdio: nothing here may allocate. The program's name, not the
     * library's: whoever aborts is the program the user ran. */
    const char *name = program_invocation_short_name;
    static const char msg[] = ": out of memory\n";

    if (!name || !*name)
        name = "xvirt";
    if (write(STDERR_FILENO, name, strlen(name)) < 0 ||
        write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
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
    void *p;

    if (size && count > SIZE_MAX / size)
        xvAllocFailed();
    p = calloc(count ? count : 1, size ? size : 1);
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
xvVasprintf(const char *fmt, va_list ap)
{
    char *p;

    if (vasprintf(&p, fmt, ap) < 0)
        xvAllocFailed();
    return p;
}

char *
xvAsprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = xvVasprintf(fmt, ap);
    va_end(ap);
    return p;
}

#if defined(__SANITIZE_ADDRESS__)
# define XV_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define XV_ASAN 1
# endif
#endif

void
xvMallocTrim(void)
{
#ifndef XV_ASAN
    malloc_trim(0);
#endif
}
