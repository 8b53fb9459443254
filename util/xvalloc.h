/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvalloc.h: allocation that never returns NULL. A failed allocation prints
 * "PROGRAM: out of memory" on stderr and aborts, as libvirt (since 5.x) and
 * GLib do, so callers need no NULL checks.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util/xvmacros.h"

/* @size zeroed bytes (at least one), to free(). */
void *xvAlloc(size_t size);
/* @count elements of @size zeroed bytes, to free(); aborts if the product overflows. */
void *xvAllocN(size_t count, size_t size);
/* Resizes @ptr (NULL: a new block) to @count * @size bytes, the new part not
 * zeroed; aborts if the product overflows. The old pointer is invalid after. */
void *xvReallocN(void *ptr, size_t count, size_t size);
/* A copy of @s, to free(); NULL in, NULL out. */
char *xvStrdup(const char *s);
/* A copy of at most @n bytes of @s, NUL-terminated, to free(); NULL in, NULL out. */
char *xvStrndup(const char *s, size_t n);
/* The formatted string, to free(). */
char *xvAsprintf(const char *fmt, ...) XV_PRINTF(1, 2);
/* The same with a va_list (@ap is consumed). */
char *xvVasprintf(const char *fmt, va_list ap) XV_PRINTF(1, 0);
/* Prints "PROGRAM: out of memory" and aborts: for an allocation made some
 * other way (a library that returns NULL). */
void xvAllocFailed(void) __attribute__((noreturn));
/* Gives the heap's free pages back to the kernel (glibc malloc_trim(0)), for
 * a program that just freed a large transient structure. Does nothing under
 * AddressSanitizer: its allocator replaces glibc's, whose never-used arenas
 * malloc_trim would walk (and crash in, when two threads trim at once). */
void xvMallocTrim(void);
