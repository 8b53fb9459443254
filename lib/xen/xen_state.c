/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen_state.c: the store of defined Xen domains (xen_state.h). */
#include "config.h"

#include "xen/xen_state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "util/xvclock.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_XEN

static const char *const xenStateTypes[] = { "xen", NULL };

char *
xvXenStateDir(void)
{
    const char *dir = getenv("XVIRT_XEN_STATE_DIR");

    return xvStrdup(dir && *dir ? dir : XV_XEN_STATE_DIR_DEFAULT);
}

static char *
xenStatePath(const char *dir, const unsigned char *uuid)
{
    char uuidstr[XV_UUID_STRING_BUFLEN];

    xvUUIDFormat(uuid, uuidstr);
    return xvAsprintf("%s/%s.xml", dir, uuidstr);
}

/* The whole file, NUL-terminated; NULL with errno set. */
static char *
xenStateReadFile(const char *path)
{
    XV_AUTOFREE(char *) buf = NULL;
    size_t len = 0, cap = 4096;
    FILE *fp;
    int err;

    if (!(fp = fopen(path, "re")))
        return NULL;
    buf = xvAlloc(cap + 1);
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, fp);

        len += n;
        if (len < cap)
            break;
        cap *= 2;
        buf = xvReallocN(buf, cap + 1, 1);
    }
    err = ferror(fp) ? EIO : 0;
    fclose(fp);
    if (err) {
        errno = err;
        return NULL;
    }
    buf[len] = '\0';
    return XV_STEAL_PTR(buf);
}

static xvDomainDef *
xenStateLoadPath(const char *path, bool *missing)
{
    XV_AUTOFREE(char *) xml = NULL;
    xvDomainDef *def;

    *missing = false;
    if (!(xml = xenStateReadFile(path))) {
        if (errno == ENOENT) {
            *missing = true;
            return NULL;
        }
        xvReportSystemError(errno, "cannot read domain config '%s'", path);
        return NULL;
    }
    if (!(def = xvDomainDefParseString(xml, xenStateTypes)))
        return NULL;
    return def;
}

int
xvXenStateLoad(const char *dir, const unsigned char *uuid, xvDomainDef **def)
{
    XV_AUTOFREE(char *) path = xenStatePath(dir, uuid);
    bool missing;

    if ((*def = xenStateLoadPath(path, &missing)))
        return 1;
    return missing ? 0 : -1;
}

void
xvXenStateFreeAll(xvDomainDef **defs, size_t ndefs)
{
    size_t i;

    for (i = 0; i < ndefs; i++)
        xvDomainDefFree(defs[i]);
    free(defs);
}

static int
xenStateCompareName(const void *a, const void *b)
{
    return strcmp((*(xvDomainDef *const *)a)->name, (*(xvDomainDef *const *)b)->name);
}

int
xvXenStateLoadAll(const char *dir, xvDomainDef ***defs, size_t *ndefs)
{
    xvDomainDef **list = NULL;
    struct dirent *ent;
    size_t n = 0;
    DIR *dp;

    *defs = NULL;
    *ndefs = 0;
    if (!(dp = opendir(dir))) {
        if (errno == ENOENT)
            return 0;
        xvReportSystemError(errno, "cannot read the state directory '%s'", dir);
        return -1;
    }
    while ((ent = readdir(dp))) {
        size_t len = strlen(ent->d_name);
        XV_AUTOFREE(char *) path = NULL;
        xvDomainDef *def;
        bool missing;

        /* "<36-character uuid>.xml" only: not the temporary files */
        if (len != XV_UUID_STRING_BUFLEN - 1 + 4 || !XV_STREQ(ent->d_name + len - 4, ".xml"))
            continue;
        path = xvAsprintf("%s/%s", dir, ent->d_name);
        if (!(def = xenStateLoadPath(path, &missing))) {
            if (missing)
                continue;
            closedir(dp);
            xvXenStateFreeAll(list, n);
            return -1;
        }
        list = xvReallocN(list, n + 1, sizeof(*list));
        list[n++] = def;
    }
    closedir(dp);
    if (n > 1)
        qsort(list, n, sizeof(*list), xenStateCompareName);
    *defs = list;
    *ndefs = n;
    return 0;
}

/* mkdir -p; the last component 0700. */
int
xvXenStateMakeDir(const char *dir)
{
    XV_AUTOFREE(char *) path = xvStrdup(dir);
    char *p;

    for (p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            xvReportSystemError(errno, "cannot create directory '%s'", path);
            return -1;
        }
        *p = '/';
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST) {
        xvReportSystemError(errno, "cannot create the state directory '%s'", path);
        return -1;
    }
    return 0;
}

int
xvXenStateSave(const char *dir, const xvDomainDef *def)
{
    XV_AUTOFREE(char *) path = xenStatePath(dir, def->uuid);
    XV_AUTOFREE(char *) tmp = NULL;
    XV_AUTOFREE(char *) xml = NULL;
    size_t len, done = 0;
    int fd;

    if (xvXenStateMakeDir(dir) < 0)
        return -1;
    tmp = xvAsprintf("%s.new", path);
    xml = xvDomainDefFormat(def, -1);
    len = strlen(xml);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        xvReportSystemError(errno, "cannot write domain config '%s'", tmp);
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, xml + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto error;
        done += (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        goto error;
    }
    if (rename(tmp, path) < 0) {
        xvReportSystemError(errno, "cannot write domain config '%s'", path);
        unlink(tmp);
        return -1;
    }
    return 0;

 error:
    xvReportSystemError(errno ? errno : EIO, "cannot write domain config '%s'", tmp);
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return -1;
}

int
xvXenStateDelete(const char *dir, const unsigned char *uuid)
{
    XV_AUTOFREE(char *) path = xenStatePath(dir, uuid);

    if (unlink(path) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    xvReportSystemError(errno, "cannot remove domain config '%s'", path);
    return -1;
}

/* ---- The index ------------------------------------------------------------ */

struct _xvXenStateIndex {
    char *dir;
    bool valid;                 /* entries match the directory of mtime/ino */
    struct timespec mtime;
    ino_t ino;
    xvXenStateEntry *entries;
    size_t n;
};

xvXenStateIndex *
xvXenStateIndexNew(const char *dir)
{
    xvXenStateIndex *idx = xvAlloc(sizeof(*idx));

    idx->dir = xvStrdup(dir);
    return idx;
}

static void
xenStateIndexClear(xvXenStateIndex *idx)
{
    size_t i;

    for (i = 0; i < idx->n; i++)
        free(idx->entries[i].name);
    free(idx->entries);
    idx->entries = NULL;
    idx->n = 0;
    idx->valid = false;
}

void
xvXenStateIndexFree(xvXenStateIndex *idx)
{
    if (!idx)
        return;
    xenStateIndexClear(idx);
    free(idx->dir);
    free(idx);
}

void
xvXenStateIndexInvalidate(xvXenStateIndex *idx)
{
    idx->valid = false;
}

int
xvXenStateIndexGet(xvXenStateIndex *idx, const xvXenStateEntry **entries, size_t *n)
{
    xvDomainDef **defs;
    struct stat st;
    size_t ndefs, i;

    if (stat(idx->dir, &st) < 0) {
        if (errno != ENOENT) {
            xvReportSystemError(errno, "cannot read the state directory '%s'", idx->dir);
            return -1;
        }
        xenStateIndexClear(idx);
    } else if (!idx->valid || st.st_ino != idx->ino ||
               st.st_mtim.tv_sec != idx->mtime.tv_sec ||
               st.st_mtim.tv_nsec != idx->mtime.tv_nsec) {
        if (xvXenStateLoadAll(idx->dir, &defs, &ndefs) < 0)
            return -1;
        xenStateIndexClear(idx);
        idx->entries = xvAllocN(ndefs + 1, sizeof(*idx->entries));
        for (i = 0; i < ndefs; i++) {
            idx->entries[i].name = XV_STEAL_PTR(defs[i]->name);
            memcpy(idx->entries[i].uuid, defs[i]->uuid, sizeof(idx->entries[i].uuid));
        }
        idx->n = ndefs;
        xvXenStateFreeAll(defs, ndefs);
        /* A change within the same timestamp tick would keep the mtime:
         * trust it only once it is a second old (as git does). */
        idx->valid = (int64_t)(xvClockRealNs() / XV_NS_PER_SEC) > (int64_t)st.st_mtim.tv_sec + 1;
        idx->mtime = st.st_mtim;
        idx->ino = st.st_ino;
    }
    *entries = idx->entries;
    *n = idx->n;
    return 0;
}
