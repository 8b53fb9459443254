/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvfile.c: regular files opened without blocking, and the trust check of xvfile.h. */
#include "util/xvfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xvalloc.h"
#include "util/xvmacros.h"

static void XV_PRINTF(3, 4)
fileWhy(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    if (!why || whylen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

static void
fileWhyErrno(char *why, size_t whylen, int err)
{
    char buf[128];

    /* the GNU strerror_r returns its message, not always in buf */
    fileWhy(why, whylen, "%s", strerror_r(err, buf, sizeof(buf)));
}

const char *
xvFileTypeName(unsigned int mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFLNK: return "a symbolic link";
    default: return "of an unknown type";
    }
}

int
xvFileOpenRegular(const char *path, int flags, char *why, size_t whylen)
{
    struct stat sb;
    int fd, fl, rc;

    if (flags & O_CREAT) {
        fileWhyErrno(why, whylen, EINVAL);
        return -EINVAL;
    }
    /* non-blocking, so that opening a FIFO without a writer (or a device
     * that waits for carrier) returns at once and fstat can refuse it */
    if ((fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
        rc = -errno;
        fileWhyErrno(why, whylen, -rc);
        return rc;
    }
    if (fstat(fd, &sb) < 0) {
        rc = -errno;
        fileWhyErrno(why, whylen, -rc);
        goto error;
    }
    if (!S_ISREG(sb.st_mode)) {
        rc = S_ISDIR(sb.st_mode) ? -EISDIR : -EINVAL;
        fileWhy(why, whylen, "not a regular file (%s)", xvFileTypeName(sb.st_mode));
        goto error;
    }
    /* a regular file never blocks, but the descriptor may be handed on */
    if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        rc = -errno;
        fileWhyErrno(why, whylen, -rc);
        goto error;
    }
    return fd;

 error:
    close(fd);
    return rc;
}

int
xvFileReadFd(int fd, size_t maxBytes, char **retData, size_t *retLen, char *why,
             size_t whylen)
{
    struct stat sb;
    char *data;
    size_t len = 0, cap;

    /* sized from the file (plus one byte to see its end), so that a small
     * file costs a small buffer; one that grows makes the buffer grow */
    cap = fstat(fd, &sb) == 0 && sb.st_size >= 0 && (size_t)sb.st_size < maxBytes ?
          (size_t)sb.st_size + 1 : 4096;
    data = xvAllocN(cap + 1, 1);
    for (;;) {
        ssize_t n;

        if (len == cap) {
            if (len > maxBytes) {
                free(data);
                fileWhy(why, whylen, "larger than %zu bytes", maxBytes);
                return -EFBIG;
            }
            cap = cap * 2 > maxBytes + 1 ? maxBytes + 1 : cap * 2;
            data = xvReallocN(data, cap + 1, 1);
        }
        n = read(fd, data + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;

            free(data);
            fileWhyErrno(why, whylen, err);
            return -err;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > maxBytes) {
        free(data);
        fileWhy(why, whylen, "larger than %zu bytes", maxBytes);
        return -EFBIG;
    }
    data[len] = '\0';
    *retData = data;
    if (retLen)
        *retLen = len;
    return 0;
}

int
xvFileRead(const char *path, size_t maxBytes, char **retData, size_t *retLen, char *why,
           size_t whylen)
{
    int fd, rc;

    if ((fd = xvFileOpenRegular(path, O_RDONLY, why, whylen)) < 0)
        return fd;
    rc = xvFileReadFd(fd, maxBytes, retData, retLen, why, whylen);
    close(fd);
    return rc;
}

/* ---- writing ----------------------------------------------------------- */

/* Writes all @len bytes at @data to @fd: 0 or -errno. */
static int
fileWriteAll(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync()s the directory @dir, so that a rename in it lasts; best effort:
 * some file systems cannot sync a directory, and the file is in place. */
static void
fileSyncDir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return;
    (void)fsync(fd);
    close(fd);
}

/* "@what @name: REASON" of errno @err into @why; returns -@err. */
static int
fileWhyFailed(char *why, size_t whylen, int err, const char *what, const char *name)
{
    char buf[128];

    fileWhy(why, whylen, "%s %s: %s", what, name, strerror_r(err, buf, sizeof(buf)));
    return -err;
}

/* Fills the temporary file @fd (@tmp; closed here) and puts it in place
 * of @path. */
static int
fileReplaceWith(int fd, const char *tmp, const char *path, const void *data, size_t len,
                unsigned int mode, char *why, size_t whylen)
{
    int rc = fileWriteAll(fd, data, len);

    if (rc == 0 && (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0))
        rc = -errno;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc < 0)
        return fileWhyFailed(why, whylen, -rc, "cannot write", tmp);
    if (rename(tmp, path) < 0)
        return fileWhyFailed(why, whylen, errno, "cannot rename", tmp);
    return 0;
}

int
xvFileWriteAtomic(const char *path, const void *data, size_t len, unsigned int mode,
                  char *why, size_t whylen)
{
    const char *slash = strrchr(path, '/');
    XV_AUTOFREE(char *) dir = slash ? xvStrndup(path, (size_t)(slash - path) + 1) : NULL;
    XV_AUTOFREE(char *) tmp = NULL;
    int fd, rc;

    tmp = xvAsprintf("%s.%s.XXXXXX", dir ? dir : "", slash ? slash + 1 : path);
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        return fileWhyFailed(why, whylen, errno, "cannot create a file in", dir ? dir : ".");
    if ((rc = fileReplaceWith(fd, tmp, path, data, len, mode, why, whylen)) < 0) {
        unlink(tmp);
        return rc;
    }
    fileSyncDir(dir ? dir : ".");
    return 0;
}

/* ---- trust ------------------------------------------------------------- */

/*
 * Judges one stat of the walk. @dir is the path of a directory above the
 * file, or NULL for the file itself. Returns 0, XV_FILE_TRUST_WARNING with
 * @why filled (unless a warning is already there: *warned), or -EPERM.
 */
static int
fileJudge(const struct stat *sb, const char *dir, unsigned int flags, bool *warned,
          char *why, size_t whylen)
{
    uid_t euid = geteuid();
    char subject[PATH_MAX + 32] = "";
    unsigned int mode = sb->st_mode & 07777;

    if (dir)
        snprintf(subject, sizeof(subject), "its directory '%s' is ", dir);
    if (sb->st_uid != 0 && sb->st_uid != euid) {
        if (euid == 0)
            fileWhy(why, whylen, "%sowned by uid %u, not by root", subject,
                    (unsigned int)sb->st_uid);
        else
            fileWhy(why, whylen, "%sowned by uid %u, not by root or uid %u", subject,
                    (unsigned int)sb->st_uid, (unsigned int)euid);
        return -EPERM;
    }
    /* a sticky directory of root's (/tmp): only an entry's owner may
     * rename or remove it, so the others' write access swaps nothing */
    if (S_ISDIR(sb->st_mode) && (mode & S_ISVTX) && sb->st_uid == 0)
        return 0;
    if (mode & S_IWOTH) {
        fileWhy(why, whylen, "%swritable by any user (mode %04o)", subject, mode);
        return -EPERM;
    }
    if (mode & S_IWGRP) {
        if (flags & XV_FILE_TRUST_STRICT) {
            fileWhy(why, whylen, "%swritable by group %u (mode %04o)", subject,
                    (unsigned int)sb->st_gid, mode);
            return -EPERM;
        }
        if (!*warned) {
            fileWhy(why, whylen, "%swritable by group %u (mode %04o): other users may "
                    "change it", subject, (unsigned int)sb->st_gid, mode);
            *warned = true;
        }
    }
    return 0;
}

int
xvFileCheckTrust(const char *path, int fd, unsigned int flags, char *why, size_t whylen)
{
    char *real, *slash;
    struct stat sb;
    bool warned = false;
    int rc;

    if (!(real = realpath(path, NULL))) {
        rc = -errno;
        fileWhyErrno(why, whylen, -rc);
        return rc;
    }
    if ((fd >= 0 ? fstat(fd, &sb) : stat(real, &sb)) < 0) {
        rc = -errno;
        fileWhyErrno(why, whylen, -rc);
        goto cleanup;
    }
    if ((rc = fileJudge(&sb, NULL, flags, &warned, why, whylen)) < 0)
        goto cleanup;
    /* up the canonical path: "/a/b/f" examines "/a/b", "/a", then "/" */
    while ((slash = strrchr(real, '/'))) {
        if (slash == real) {
            if (real[1] == '\0')
                break;
            real[1] = '\0';
        } else {
            *slash = '\0';
        }
        if (stat(real, &sb) < 0) {
            char buf[128];

            rc = -errno;
            fileWhy(why, whylen, "cannot examine its directory '%s': %s", real,
                    strerror_r(-rc, buf, sizeof(buf)));
            goto cleanup;
        }
        if ((rc = fileJudge(&sb, real, flags, &warned, why, whylen)) < 0)
            goto cleanup;
    }
    rc = warned ? XV_FILE_TRUST_WARNING : 0;

 cleanup:
    free(real);
    return rc;
}

int
xvFileCheckModule(const char *path, char *why, size_t whylen)
{
    int fd = xvFileOpenRegular(path, O_RDONLY, why, whylen);
    int rc;

    if (fd < 0)
        return fd == -ENOENT ? -ENOENT : -1;
    rc = xvFileCheckTrust(path, fd, XV_FILE_TRUST_STRICT, why, whylen);
    close(fd);
    return rc >= 0 ? 0 : -1;
}
