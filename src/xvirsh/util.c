/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.c: helpers shared by the xvirsh commands: output, lookup, parsing, tables. */
#include "config.h"

#include "xvirsh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xvcpulist.h"
#include "util/xvfile.h"

/* The largest XML file create/define accept, as virsh. */
#define XVSH_MAX_XML_FILE (10 * 1024 * 1024)
/* Inactive domains are listed with this many name slots first. */

/* -q: informational messages and table headers are left out. */
static bool utilQuiet;

void
xvshSetQuiet(bool quiet)
{
    utilQuiet = quiet;
}

void
xvshPrint(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void
xvshPrintExtra(const char *fmt, ...)
{
    va_list ap;

    if (utilQuiet)
        return;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void
xvshError(const char *fmt, ...)
{
    va_list ap;

    /* Keep stdout and stderr in order when both go to one place. */
    fflush(stdout);
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* A whole-string, non-negative decimal int. */
static bool
utilParseId(const char *s, int *ret)
{
    long val;
    char *end;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    val = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || val > INT_MAX)
        return false;
    *ret = val;
    return true;
}

virDomainPtr
xvshCommandOptDomain(xvshControl *ctl, const xvshCmd *cmd, unsigned int flags,
                     const char **retName)
{
    const char *name = xvshOptString(cmd, "domain");
    virDomainPtr dom = NULL;
    size_t len = strlen(name);
    int id;

    if (retName)
        *retName = name;
    if ((flags & XVSH_BY_ID) && utilParseId(name, &id))
        dom = virDomainLookupByID(ctl->conn, id);
    if (!dom && (flags & XVSH_BY_UUID) && (len == 36 || len == 32))
        dom = virDomainLookupByUUIDString(ctl->conn, name);
    if (!dom && (flags & XVSH_BY_NAME))
        dom = virDomainLookupByName(ctl->conn, name);

    if (dom) {
        /* An earlier miss (an ID that was a name) is no error. */
        xvshResetError(ctl);
        return dom;
    }
    xvshError("failed to get domain '%s'", name);
    return NULL;
}

static const char *const utilDomainStates[] = {
    [VIR_DOMAIN_NOSTATE] = "no state",
    [VIR_DOMAIN_RUNNING] = "running",
    [VIR_DOMAIN_BLOCKED] = "idle",
    [VIR_DOMAIN_PAUSED] = "paused",
    [VIR_DOMAIN_SHUTDOWN] = "in shutdown",
    [VIR_DOMAIN_SHUTOFF] = "shut off",
    [VIR_DOMAIN_CRASHED] = "crashed",
};
_Static_assert(XV_N_ELEMENTS(utilDomainStates) == VIR_DOMAIN_CRASHED + 1,
               "one name per virDomainState");

const char *
xvshDomainStateToString(int state)
{
    if (state < 0 || (size_t)state >= XV_N_ELEMENTS(utilDomainStates))
        return "no state";
    return utilDomainStates[state];
}

static const char *const utilVcpuStates[] = {
    [VIR_VCPU_OFFLINE] = "offline",
    [VIR_VCPU_RUNNING] = "running",
    [VIR_VCPU_BLOCKED] = "blocked",
};
_Static_assert(XV_N_ELEMENTS(utilVcpuStates) == VIR_VCPU_BLOCKED + 1,
               "one name per virVcpuState");

const char *
xvshVcpuStateToString(int state)
{
    if (state < 0 || (size_t)state >= XV_N_ELEMENTS(utilVcpuStates))
        return "no state";
    return utilVcpuStates[state];
}

char *
xvshReadFile(const char *path)
{
    char why[XV_FILE_WHY_LEN];
    char *buf = NULL;
    int fd, rc;

    /* a regular file only, opened without blocking (util/xvfile.h) */
    if ((fd = xvFileOpenRegular(path, O_RDONLY, why, sizeof(why))) < 0) {
        xvshError("Failed to open file '%s': %s", path, why);
        return NULL;
    }
    rc = xvFileReadFd(fd, XVSH_MAX_XML_FILE, &buf, NULL, why, sizeof(why));
    close(fd);
    if (rc == -EFBIG) {
        xvshError("File '%s' is too large", path);
        return NULL;
    }
    if (rc < 0) {
        xvshError("Failed to read file '%s': %s", path, why);
        return NULL;
    }
    return buf;
}

/* virsh's rules: "r" for all; else blanks around any token and "^N"
 * exclusions; each item is checked against @maxcpu once its syntax is
 * whole, before the next is read; an empty result is invalid. */
int
xvshParseCpulist(const char *cpulist, unsigned int maxcpu,
                 unsigned char *cpumap, size_t maplen)
{
    xvCpuListIter iter;
    xvCpuListItem item;
    int rc;

    memset(cpumap, 0, maplen);
    if (XV_STREQ(cpulist, "r")) {
        xvCpuListItem all = { .first = 0, .last = SIZE_MAX };

        xvCpuListItemApply(&all, cpumap, maxcpu);
        return 0;
    }
    /* numbers past INT_MAX are malformed, as virsh's int parsing makes them */
    xvCpuListIterInit(&iter, cpulist, XV_CPULIST_EXCLUDE | XV_CPULIST_BLANKS,
                      (size_t)INT_MAX + 1);
    while ((rc = xvCpuListIterNext(&iter, &item, NULL)) > 0) {
        if (item.last >= maxcpu) {
            xvshError("CPU %zu in cpulist '%s' exceed the maxcpu %u", item.last, cpulist,
                      maxcpu);
            return -1;
        }
        xvCpuListItemApply(&item, cpumap, maxcpu);
    }
    if (rc < 0 || xvCpuMapCount(cpumap, maxcpu) == 0) {
        xvshError("Invalid cpulist '%s'", cpulist);
        return -1;
    }
    return 0;
}

struct _xvshTable {
    size_t ncols;
    size_t nrows;       /* row 0 is the header */
    char ***rows;       /* nrows x ncols cells, control characters escaped */
    size_t **widths;    /* display width of each cell */
};

/* Copies @s with control characters as \xNN (virsh does the same), and
 * measures its width counting one column per UTF-8 character. */
static char *
utilTableCell(const char *s, size_t *width)
{
    char *out = xvAllocN(strlen(s) * 4 + 1, 1);
    char *o = out;

    *width = 0;
    for (; *s; s++) {
        unsigned char ch = *s;

        if (ch < 0x20 || ch == 0x7f || (ch == '\\' && s[1] == 'x')) {
            o += sprintf(o, "\\x%02x", ch);
            *width += 4;
            continue;
        }
        *o++ = ch;
        if ((ch & 0xc0) != 0x80)
            (*width)++;
    }
    *o = '\0';
    return out;
}

xvshTable *
xvshTableNew(size_t ncols, const char *const *headers)
{
    xvshTable *table = xvAllocN(1, sizeof(*table));

    table->ncols = ncols;
    xvshTableAddRow(table, headers);
    return table;
}

void
xvshTableAddRow(xvshTable *table, const char *const *cells)
{
    size_t i;

    table->rows = xvReallocN(table->rows, table->nrows + 1, sizeof(*table->rows));
    table->widths = xvReallocN(table->widths, table->nrows + 1, sizeof(*table->widths));
    table->rows[table->nrows] = xvAllocN(table->ncols, sizeof(char *));
    table->widths[table->nrows] = xvAllocN(table->ncols, sizeof(size_t));
    for (i = 0; i < table->ncols; i++) {
        table->rows[table->nrows][i] = utilTableCell(cells[i],
                                                     &table->widths[table->nrows][i]);
    }
    table->nrows++;
}

static void
utilTablePrintRow(const xvshTable *table, size_t row, const size_t *maxw)
{
    size_t i;
    size_t pad;

    for (i = 0; i < table->ncols; i++) {
        xvshPrint(" %s", table->rows[row][i]);
        if (i + 1 < table->ncols) {
            for (pad = table->widths[row][i]; pad < maxw[i] + 2; pad++)
                xvshPrint(" ");
        }
    }
    xvshPrint("\n");
}

/*
 * Layout of virsh's tables: every cell preceded by one space, columns as
 * wide as their widest cell plus two spaces (none after the last), and a
 * dashed line of (width + 3) per column under the header. Quiet, as virsh,
 * prints neither the header nor its line, and the header's cells do not
 * widen the columns.
 */
void
xvshTablePrint(const xvshTable *table)
{
    size_t *maxw = xvAllocN(table->ncols, sizeof(*maxw));
    size_t row;
    size_t i;
    size_t j;

    for (row = utilQuiet ? 1 : 0; row < table->nrows; row++) {
        for (i = 0; i < table->ncols; i++) {
            if (table->widths[row][i] > maxw[i])
                maxw[i] = table->widths[row][i];
        }
    }
    if (!utilQuiet) {
        utilTablePrintRow(table, 0, maxw);
        for (i = 0; i < table->ncols; i++) {
            for (j = 0; j < maxw[i] + 3; j++)
                xvshPrint("-");
        }
        xvshPrint("\n");
    }
    for (row = 1; row < table->nrows; row++)
        utilTablePrintRow(table, row, maxw);
    free(maxw);
}

void
xvshTableFree(xvshTable *table)
{
    size_t row;
    size_t i;

    if (!table)
        return;
    for (row = 0; row < table->nrows; row++) {
        for (i = 0; i < table->ncols; i++)
            free(table->rows[row][i]);
        free(table->rows[row]);
        free(table->widths[row]);
    }
    free(table->rows);
    free(table->widths);
    free(table);
}
