/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvcpulist.c: CPU lists ("0-3,^2,8") to and from CPU maps. */
#include "util/xvcpulist.h"

#include <stdint.h>
#include <string.h>

#include "util/xvalloc.h"

static int
cpuListFault(xvCpuListError *err, xvCpuListFault fault, size_t offset, size_t len)
{
    if (err) {
        err->fault = fault;
        err->offset = offset;
        err->len = len;
    }
    return -1;
}

static void
cpuListSkipBlanks(xvCpuListIter *iter)
{
    if (!(iter->flags & XV_CPULIST_BLANKS))
        return;
    while (iter->text[iter->pos] == ' ' || iter->text[iter->pos] == '\t')
        iter->pos++;
}

/* Reads a CPU number (after blanks) into *@ret; its digits are text[*@start, *@end). */
static int
cpuListNumber(xvCpuListIter *iter, size_t *ret, size_t *start, size_t *end,
              xvCpuListError *err)
{
    const char *t = iter->text;
    size_t n = 0;

    cpuListSkipBlanks(iter);
    if (t[iter->pos] < '0' || t[iter->pos] > '9')
        return cpuListFault(err, XV_CPULIST_FAULT_SYNTAX, iter->pos, 0);
    *start = iter->pos;
    for (; t[iter->pos] >= '0' && t[iter->pos] <= '9'; iter->pos++) {
        size_t digit = (size_t)(t[iter->pos] - '0');

        n = n > (SIZE_MAX - digit) / 10 ? SIZE_MAX : n * 10 + digit;
    }
    *end = iter->pos;
    if (!(iter->flags & XV_CPULIST_CLIP) && n >= iter->limit)
        return cpuListFault(err, XV_CPULIST_FAULT_RANGE, *start, *end - *start);
    *ret = n;
    cpuListSkipBlanks(iter);
    return 0;
}

void
xvCpuListIterInit(xvCpuListIter *iter, const char *text, unsigned int flags, size_t limit)
{
    iter->text = text;
    iter->pos = 0;
    iter->flags = flags;
    iter->limit = limit;
    iter->done = false;
}

int
xvCpuListIterNext(xvCpuListIter *iter, xvCpuListItem *ret, xvCpuListError *err)
{
    const char *t = iter->text;
    xvCpuListItem item = { 0 };
    size_t start, end, start2;

    if (iter->done)
        return 0;
    cpuListSkipBlanks(iter);
    if ((iter->flags & XV_CPULIST_EXCLUDE) && t[iter->pos] == '^') {
        item.exclude = true;
        iter->pos++;
    }
    if (cpuListNumber(iter, &item.first, &start, &end, err) < 0)
        return -1;
    item.last = item.first;
    if (!item.exclude && t[iter->pos] == '-') {
        iter->pos++;
        if (cpuListNumber(iter, &item.last, &start2, &end, err) < 0)
            return -1;
        if (item.last < item.first)
            return cpuListFault(err, XV_CPULIST_FAULT_BACKWARDS, start, end - start);
    }
    if (t[iter->pos] == ',') {
        iter->pos++;
        if (iter->flags & XV_CPULIST_TRAILING_COMMA)
            cpuListSkipBlanks(iter);
        else if (t[iter->pos] == '\0')
            return cpuListFault(err, XV_CPULIST_FAULT_SYNTAX, iter->pos, 0);
    } else if (t[iter->pos] != '\0') {
        return cpuListFault(err, XV_CPULIST_FAULT_SYNTAX, iter->pos, 0);
    }
    iter->done = t[iter->pos] == '\0';
    *ret = item;
    return 1;
}

void
xvCpuListItemApply(const xvCpuListItem *item, unsigned char *map, size_t ncpus)
{
    size_t cpu;

    for (cpu = item->first; cpu <= item->last && cpu < ncpus; cpu++) {
        if (item->exclude)
            map[cpu / 8] &= (unsigned char)~(1u << (cpu % 8));
        else
            map[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
    }
}

size_t
xvCpuMapCount(const unsigned char *map, size_t ncpus)
{
    size_t n = 0, i;

    for (i = 0; i < ncpus / 8; i++)
        n += (size_t)__builtin_popcount(map[i]);
    if (ncpus % 8)
        n += (size_t)__builtin_popcount(map[i] & ((1u << (ncpus % 8)) - 1));
    return n;
}

int
xvCpuListParse(const char *text, unsigned int flags, size_t ncpus, unsigned char *map,
               xvCpuListError *err)
{
    xvCpuListIter iter;
    xvCpuListItem item;
    int rc;

    memset(map, 0, (ncpus + 7) / 8);
    xvCpuListIterInit(&iter, text, flags, ncpus);
    while ((rc = xvCpuListIterNext(&iter, &item, err)) > 0)
        xvCpuListItemApply(&item, map, ncpus);
    if (rc < 0)
        return -1;
    return (int)xvCpuMapCount(map, ncpus);
}

/* The digits of the largest CPU number of @ncpus CPUs. */
static size_t
cpuListDigits(size_t ncpus)
{
    size_t digits = 1, n = ncpus > 0 ? ncpus - 1 : 0;

    for (; n >= 10; n /= 10)
        digits++;
    return digits;
}

size_t
xvCpuListFormatMax(size_t ncpus)
{
    /* A single CPU takes at most digits + 1 (a comma) for itself and the
     * gap after it; a range at most 2 * digits + 2 for two CPUs or more
     * and its gap: never more than digits + 1 per CPU. */
    return ncpus * (cpuListDigits(ncpus) + 1);
}

static char *
cpuListPutNumber(char *p, size_t n)
{
    char tmp[24];
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    memcpy(p, tmp + i, sizeof(tmp) - i);
    return p + (sizeof(tmp) - i);
}

#define CPU_SET(map, cpu) ((map)[(cpu) / 8] & (1u << ((cpu) % 8)))

char *
xvCpuListWrite(char *dst, const unsigned char *map, size_t ncpus)
{
    char *p = dst;
    size_t cpu = 0;

    while (cpu < ncpus) {
        size_t start;

        if (cpu % 8 == 0 && map[cpu / 8] == 0) {
            cpu += 8;
            continue;
        }
        if (!CPU_SET(map, cpu)) {
            cpu++;
            continue;
        }
        start = cpu;
        while (cpu < ncpus && CPU_SET(map, cpu)) {
            cpu++;
            /* whole bytes of set CPUs at once: affinities are mostly runs */
            while (cpu % 8 == 0 && cpu + 8 <= ncpus && map[cpu / 8] == 0xff)
                cpu += 8;
        }
        if (p != dst)
            *p++ = ',';
        p = cpuListPutNumber(p, start);
        if (cpu - 1 > start) {
            *p++ = '-';
            p = cpuListPutNumber(p, cpu - 1);
        }
    }
    *p = '\0';
    return p;
}

char *
xvCpuListFormat(const unsigned char *map, size_t ncpus)
{
    char *s = xvAlloc(xvCpuListFormatMax(ncpus) + 1);

    xvCpuListWrite(s, map, ncpus);
    return s;
}
