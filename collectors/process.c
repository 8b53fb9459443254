/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * process.c: the process collector: the agent's own CPU time, memory, file
 * descriptors and start time (process.h), the families every Prometheus
 * client library exports. Sampled with the rest, so they are as old as
 * the snapshot.
 */
#include "collector.h"
#include "process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Reads the small file @dir/@name into @buf (NUL-terminated). 0 or -1. */
static int
processReadFile(const char *dir, const char *name, char *buf, size_t size)
{
    char path[PATH_MAX];
    ssize_t n;
    size_t len = 0;
    int fd;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    /* procfs hands a file out in one read, but a short read is legal */
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return -1;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return 0;
}

/*
 * Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize) and 24 (rss)
 * of /proc/self/stat (proc(5)), counted after the command name, which
 * is in parentheses and may hold spaces and parentheses itself.
 */
static int
processParseStat(const char *text, uint64_t *utime, uint64_t *stime, uint64_t *start,
                 uint64_t *vsize, uint64_t *rss)
{
    const char *p = strrchr(text, ')');
    int field;

    if (!p)
        return -1;
    p++;
    for (field = 3; field <= 24; field++) {
        char *end;
        unsigned long long v;

        while (*p == ' ')
            p++;
        if (field == 3) {               /* the state, a letter */
            while (*p && *p != ' ')
                p++;
            continue;
        }
        /* some fields are signed; none of those wanted is */
        errno = 0;
        v = strtoull(p, &end, 10);
        if (end == p || errno)
            return -1;
        p = end;
        if (field == 14)
            *utime = v;
        else if (field == 15)
            *stime = v;
        else if (field == 22)
            *start = v;
        else if (field == 23)
            *vsize = v;
        else if (field == 24)
            *rss = v;
    }
    return 0;
}

/* The boot time, seconds since the epoch, from /proc/stat's btime line. */
static int
processBootTime(const char *proc, uint64_t *btime)
{
    char buf[16384];
    const char *line;

    if (processReadFile(proc, "stat", buf, sizeof(buf)) < 0)
        return -1;
    for (line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "btime ", 6) == 0) {
            *btime = strtoull(line + 6, NULL, 10);
            return 0;
        }
    }
    errno = EINVAL;
    return -1;
}

static int
processCountFds(const char *proc, uint64_t *count)
{
    char path[PATH_MAX];
    struct dirent *ent;
    DIR *dir;

    if ((size_t)snprintf(path, sizeof(path), "%s/self/fd", proc) >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!(dir = opendir(path)))
        return -1;
    *count = 0;
    while ((ent = readdir(dir))) {
        if (ent->d_name[0] != '.')
            (*count)++;
    }
    closedir(dir);
    return 0;
}

/* Nanoseconds in @ticks clock ticks of @hz. */
static uint64_t
processTicksNs(uint64_t ticks, uint64_t hz)
{
    return ticks / hz * 1000000000ULL + ticks % hz * 1000000000ULL / hz;
}

int
xvProcessRead(const char *proc, xvSnapProcess *out)
{
    char buf[4096];
    char self[PATH_MAX];
    uint64_t utime = 0, stime = 0, start = 0, vsize = 0, rss = 0, btime = 0;
    long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    struct rlimit rl;

    memset(out, 0, sizeof(*out));
    if (hz <= 0 || page <= 0) {
        errno = EINVAL;
        return -1;
    }
    if ((size_t)snprintf(self, sizeof(self), "%s/self", proc) >= sizeof(self)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (processReadFile(self, "stat", buf, sizeof(buf)) < 0)
        return -1;
    if (processParseStat(buf, &utime, &stime, &start, &vsize, &rss) < 0) {
        errno = EINVAL;
        return -1;
    }
    if (processBootTime(proc, &btime) < 0 || processCountFds(proc, &out->openFds) < 0 ||
        getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    out->cpuNs = processTicksNs(utime + stime, (uint64_t)hz);
    out->virtualBytes = vsize;
    out->residentBytes = rss * (uint64_t)page;
    out->maxFds = rl.rlim_cur;
    out->startTimeNs = btime * 1000000000ULL + processTicksNs(start, (uint64_t)hz);
    out->ok = true;
    return 0;
}

static int
processCollect(xvCollectContext *ctx)
{
    return xvProcessRead("/proc", &ctx->snap->process);
}

const xvCollector xvCollectorProcess = {
    .name = "process",
    .defaultEnabled = true,
    .collect = processCollect,
};
