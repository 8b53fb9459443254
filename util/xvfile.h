/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvfile.h: the files xvirt reads, opened safely. Every file a program or
 * the library reads from a path goes through here: it is opened
 * non-blocking and must be a regular file (a FIFO, a device, a socket or a
 * directory is refused before anything is read from it, so nothing ever
 * blocks on one), and the files xvirt trusts (the agent's configuration and
 * policies, its state, the test driver's journal) are checked against
 * other users' writes the way OpenSSH checks its keys and their directories.
 *
 * The trust rule (xvFileCheckTrust()), on the canonical path (symbolic
 * links resolved), for the file itself and every directory above it up
 * to "/":
 *
 * - its owner must be root or the effective user; anything else is
 *   refused (an owner can always chmod what it owns).
 * - writable by any user (S_IWOTH): refused.
 * - writable by its group (S_IWGRP): a warning, or refused with
 *   XV_FILE_TRUST_STRICT. (OpenSSH refuses; many sites give an admin group
 *   write access to /etc trees, and refusing would stop a running host on
 *   upgrade, so the agent warns and names the file to tighten.)
 * - except: a directory owned by root with the sticky bit (/tmp) may be
 *   writable by anyone: there only an entry's owner may rename or remove
 *   it, so nobody else can swap what is below. (OpenSSH refuses these too;
 *   xvirt allows them because its tests and many scratch setups live
 *   under /tmp, and the files there are still checked one by one.)
 *
 * Reasons are written into a caller's buffer (XV_FILE_WHY_LEN bytes is
 * always enough to hold them without truncating a short path); they are
 * lowercase, without a final period, and do not repeat the path of the
 * file itself (the caller's message names it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A reason buffer of this size holds every reason given here. */
#define XV_FILE_WHY_LEN 512

/*
 * Opens @path as a regular file with @flags (O_RDONLY or O_RDWR, plus
 * O_APPEND and the like; O_CREAT is not allowed). It is opened with
 * O_NONBLOCK|O_CLOEXEC|O_NOCTTY added, checked with fstat() and then
 * O_NONBLOCK is cleared again. Returns the descriptor, or -errno with
 * @why filled: the open()/fstat() error, or, for something that is not a
 * regular file, -EISDIR for a directory and -EINVAL for the rest ("not a
 * regular file (a FIFO)").
 */
int xvFileOpenRegular(const char *path, int flags, char *why, size_t whylen);

/*
 * Reads the descriptor @fd to its end (at most @maxBytes) into *retData,
 * NUL-terminated (to free()), its length in *retLen (NULL is fine).
 * Returns 0, -EFBIG when there is more than @maxBytes, or -errno of
 * read(), with @why filled. @fd stays open.
 */
int xvFileReadFd(int fd, size_t maxBytes, char **retData, size_t *retLen,
                 char *why, size_t whylen);

/*
 * xvFileOpenRegular(@path, O_RDONLY) then xvFileReadFd(): the whole
 * regular file @path of at most @maxBytes. Returns 0 or -errno with @why
 * filled.
 */
int xvFileRead(const char *path, size_t maxBytes, char **retData, size_t *retLen,
               char *why, size_t whylen);

/*
 * Replaces @path with the @len bytes at @data, all or nothing: they go to
 * a new file in the same directory (".NAME.XXXXXX"), which gets @mode,
 * is flushed to disk (fsync) and renamed over @path; the directory is
 * then synced (where the file system can). A reader sees the old file or
 * the whole new one, and a crash leaves one of the two. On failure @path
 * is untouched, the temporary file removed, and -errno returned with
 * @why filled ("cannot create a file in DIR: REASON", "cannot write
 * TMP: REASON", "cannot rename TMP: REASON"); 0 on success.
 */
int xvFileWriteAtomic(const char *path, const void *data, size_t len, unsigned int mode,
                      char *why, size_t whylen);

/* Flags of xvFileCheckTrust(). */
#define XV_FILE_TRUST_STRICT 0x1   /* writable by the group is refused too */

/* What xvFileCheckTrust() returns when the file is trusted with a warning. */
#define XV_FILE_TRUST_WARNING 1

/*
 * Applies the trust rule above to @path (a file or a directory) and every
 * directory above its canonical path. @fd, when >= 0, is @path already
 * opened: the file itself is then judged by fstat(@fd), the very file that
 * will be read. Returns 0 when trusted, XV_FILE_TRUST_WARNING when trusted
 * but @why holds a warning (the first one found), -EPERM when refused
 * with @why saying why, or -errno when a path cannot be resolved or
 * examined (@why says which).
 */
int xvFileCheckTrust(const char *path, int fd, unsigned int flags, char *why,
                     size_t whylen);

/*
 * May the shared object @path be loaded as code of this (root) process? A
 * regular file that passes the trust rule strictly, it and every directory
 * above it writable by no one else. Returns 0, -ENOENT when there is no
 * such file (not installed), or another negative value with @why filled.
 */
int xvFileCheckModule(const char *path, char *why, size_t whylen);

/* "a FIFO", "a directory", "a socket", "a character device"...: what the
 * file type of @mode is, for messages. */
const char *xvFileTypeName(unsigned int mode);
