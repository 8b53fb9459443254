/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virerror.h: how libxvirt code reports errors (internal). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>

#include "internal.h"

/*
 * Report once, where the cause is known. Each .c file defines XV_FROM_THIS
 * (a virErrorDomain) before using these. The message is
 * "<generic text of code>: <formatted detail>", as libvirt's. @file, @func
 * and @line (filled in by the macros) go to the debug trace (debug.h).
 */
XV_PRIVATE void xvReportErrorFull(int domain, int code, const char *file,
                                  const char *func, size_t line, const char *fmt, ...)
    XV_PRINTF(6, 7);
XV_PRIVATE void xvReportSystemErrorFull(int domain, int errnum, const char *file,
                                        const char *func, size_t line, const char *fmt, ...)
    XV_PRINTF(6, 7);

#define xvReportError(code, ...) \
    xvReportErrorFull(XV_FROM_THIS, (code), __FILE__, __func__, __LINE__, __VA_ARGS__)
/* VIR_ERR_SYSTEM_ERROR with ": strerror(errnum)" appended. */
#define xvReportSystemError(errnum, ...) \
    xvReportSystemErrorFull(XV_FROM_THIS, (errnum), __FILE__, __func__, __LINE__, __VA_ARGS__)
#define xvReportOOMError() \
    xvReportError(VIR_ERR_NO_MEMORY, "%s", "cannot allocate memory")

/* True if the calling thread has an error recorded. */
XV_PRIVATE bool xvErrorIsSet(void);

/*
 * The last step of every failing public call: makes sure an error is set
 * (a generic one if a driver forgot), copies it to @conn (may be NULL) and
 * runs the error callback. errno is preserved.
 */
void xvDispatchError(virConnectPtr conn);

/* Keep the first error across cleanup code that may report again. */
XV_PRIVATE virErrorPtr xvErrorPreserveLast(void);
XV_PRIVATE void xvErrorRestore(virErrorPtr *saved);

/* Called once by virInitialize(). */
int xvErrorInitialize(void);

/* virInitialize() without its trace line, for the library's own use
 * (libvirt.c): 0, or -1 if the library cannot work. */
int xvInitialize(void);
