/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h: macros shared by every file of libxvirt (never installed). */
#pragma once

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define XV_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define XV_PRINTF(fmtpos, argpos) __attribute__((format(printf, fmtpos, argpos)))
#define XV_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define XV_UNUSED __attribute__((unused))
#define XV_EXPORT __attribute__((visibility("default")))

#define XV_STREQ(a, b) (strcmp((a), (b)) == 0)
#define XV_STREQ_NULLABLE(a, b) \
    ((a) == (b) || ((a) && (b) && strcmp((a), (b)) == 0))
#define XV_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* The value of hex digit @c, or -1 if it is none. */
static inline int
xvHexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Scope-bound cleanup: XV_AUTOFREE(char *) s = NULL; is free()d on exit. */
static inline void
xvFreep(void *p)
{
    free(*(void **)p);
}
#define XV_AUTOFREE(type) __attribute__((cleanup(xvFreep))) type

/* XV_STEAL_PTR(p): evaluates to p and leaves NULL behind. */
#define XV_STEAL_PTR(p) \
    __extension__({ __typeof__(p) _xv_stolen = (p); (p) = NULL; _xv_stolen; })

/* Allocation that never returns NULL: a failed allocation aborts, like
 * libvirt since 5.x and GLib; callers need no NULL checks. */
void *xvAlloc(size_t size);                     /* zeroed */
void *xvAllocN(size_t count, size_t size);      /* zeroed, overflow-checked */
void *xvReallocN(void *ptr, size_t count, size_t size);
char *xvStrdup(const char *s);                  /* NULL in, NULL out */
char *xvStrndup(const char *s, size_t n);
char *xvAsprintf(const char *fmt, ...) XV_PRINTF(1, 2);
