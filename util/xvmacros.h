/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvmacros.h: the small macros every part of xvirt shares (the library,
 * the programs, the tests). Plain C11 with GNU attributes; libc only.
 */
#pragma once

#include <stdlib.h>
#include <string.h>

/* Argument @... (1-based positions) must not be NULL. */
#define XV_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
/* printf-style checking: the format is argument @fmtpos, the values start at @argpos
 * (0 for a va_list). */
#define XV_PRINTF(fmtpos, argpos) __attribute__((format(printf, fmtpos, argpos)))
/* The caller must use the result (an error code, an owned pointer). */
#define XV_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
/* A parameter or variable that may go unused (no warning). */
#define XV_UNUSED __attribute__((unused))

/* Whether strings @a and @b are equal; neither may be NULL. */
#define XV_STREQ(a, b) (strcmp((a), (b)) == 0)
/* The same, with NULL equal only to NULL. */
#define XV_STREQ_NULLABLE(a, b) \
    ((a) == (b) || ((a) && (b) && strcmp((a), (b)) == 0))
/* The number of elements of array @a (an array, never a pointer). */
#define XV_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* The value of hex digit @c (0-9, a-f, A-F), or -1 if it is none. */
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

/* free()s *@p: the cleanup function of XV_AUTOFREE. */
static inline void
xvFreep(void *p)
{
    free(*(void **)p);
}
/* Scope-bound cleanup: XV_AUTOFREE(char *) s = NULL; is free()d when s goes
 * out of scope; hand the value out with XV_STEAL_PTR(s). */
#define XV_AUTOFREE(type) __attribute__((cleanup(xvFreep))) type

/* XV_STEAL_PTR(p): evaluates to p and leaves NULL behind. */
#define XV_STEAL_PTR(p) \
    __extension__({ __typeof__(p) _xv_stolen = (p); (p) = NULL; _xv_stolen; })
