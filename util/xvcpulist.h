/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvcpulist.h: CPU lists, libvirt's cpuset syntax ("0-3,^2,8"), to and
 * from CPU maps (bit N of byte N / 8 is CPU N, as in VIR_USE_CPU).
 *
 * A list is items separated by commas; an item is a CPU number N or an
 * ascending range N-M (N <= M). Flags allow more:
 *   XV_CPULIST_EXCLUDE         "^N" clears CPU N again (items apply left to right)
 *   XV_CPULIST_BLANKS          spaces and tabs around every number, '^', '-' and ','
 *   XV_CPULIST_TRAILING_COMMA  one comma may end the list ("0-3,")
 *   XV_CPULIST_CLIP            CPUs at or past the limit are ignored, not a fault
 * An empty text is always a syntax fault. Every fault tells its kind and
 * where it is, so a caller can word its own message; faults are found left
 * to right, the first one in the text wins.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/xvmacros.h"

typedef enum {
    XV_CPULIST_EXCLUDE = 1 << 0,
    XV_CPULIST_BLANKS = 1 << 1,
    XV_CPULIST_TRAILING_COMMA = 1 << 2,
    XV_CPULIST_CLIP = 1 << 3,
} xvCpuListFlags;

/* libvirt's <vcpu cpuset=...> syntax: exclusions, blanks, a trailing comma. */
#define XV_CPULIST_LIBVIRT \
    (XV_CPULIST_EXCLUDE | XV_CPULIST_BLANKS | XV_CPULIST_TRAILING_COMMA)

typedef enum {
    XV_CPULIST_FAULT_NONE = 0,
    XV_CPULIST_FAULT_SYNTAX,    /* an unexpected character, or the end of the text */
    XV_CPULIST_FAULT_RANGE,     /* a CPU number at or past the limit */
    XV_CPULIST_FAULT_BACKWARDS, /* a range N-M with M < N */
    XV_CPULIST_FAULT_LAST
} xvCpuListFault;

typedef struct _xvCpuListError xvCpuListError;
struct _xvCpuListError {
    xvCpuListFault fault;
    size_t offset;              /* byte of the text at fault (its length: at the end) */
    size_t len;                 /* RANGE: the digits of the number; BACKWARDS: from
                                 * N to the end of M; SYNTAX: 0 */
};

/* One item of a list. */
typedef struct _xvCpuListItem xvCpuListItem;
struct _xvCpuListItem {
    bool exclude;               /* "^N" (then last == first) */
    size_t first;
    size_t last;                /* numbers past SIZE_MAX read as SIZE_MAX */
};

/* Walks a list item by item, for a caller with rules of its own between
 * items; xvCpuListParse() does the common case. */
typedef struct _xvCpuListIter xvCpuListIter;
struct _xvCpuListIter {
    const char *text;
    size_t pos;
    unsigned int flags;
    size_t limit;
    bool done;                  /* the last item was read */
};

/* Starts walking @text (borrowed for the walk) with @flags; CPU numbers
 * >= @limit are RANGE faults unless XV_CPULIST_CLIP. */
void xvCpuListIterInit(xvCpuListIter *iter, const char *text, unsigned int flags,
                       size_t limit) XV_NONNULL(1, 2);
/*
 * Reads the next item, its separator included. Returns 1 and fills *@ret;
 * 0 at the end of the list; -1 and fills *@err (if not NULL) on a fault.
 * An item is returned only once the text up to the next item is valid.
 */
int xvCpuListIterNext(xvCpuListIter *iter, xvCpuListItem *ret,
                      xvCpuListError *err) XV_NONNULL(1, 2);
/* Sets (or, for "^N", clears) the CPUs of @item below @ncpus in @map. */
void xvCpuListItemApply(const xvCpuListItem *item, unsigned char *map,
                        size_t ncpus) XV_NONNULL(1, 2);

/*
 * Parses @text into @map, which holds @ncpus CPUs ((@ncpus + 7) / 8 bytes,
 * cleared first); CPU numbers >= @ncpus are RANGE faults unless
 * XV_CPULIST_CLIP. Returns the number of CPUs set in the result (0 when
 * exclusions cleared them all), or -1 and fills *@err (if not NULL); @map
 * is then undefined.
 */
int xvCpuListParse(const char *text, unsigned int flags, size_t ncpus,
                   unsigned char *map, xvCpuListError *err) XV_NONNULL(1, 4);

/* The number of CPUs set among the first @ncpus of @map. */
size_t xvCpuMapCount(const unsigned char *map, size_t ncpus) XV_NONNULL(1);

/* The most bytes xvCpuListWrite() writes for @ncpus CPUs, NUL not counted. */
size_t xvCpuListFormatMax(size_t ncpus);
/*
 * Writes the CPUs set among the first @ncpus of @map as a list, ascending
 * and compressed ("0-3,8"; "" when none), at @dst, which has room for
 * xvCpuListFormatMax(@ncpus) + 1 bytes. Returns the end of what it wrote,
 * where it put a NUL. Allocates nothing: for hot paths.
 */
char *xvCpuListWrite(char *dst, const unsigned char *map, size_t ncpus) XV_NONNULL(1, 2);
/* The same list as a new string, to free(). */
char *xvCpuListFormat(const unsigned char *map, size_t ncpus) XV_NONNULL(1);
