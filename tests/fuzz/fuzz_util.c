/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_util.c: the helpers of fuzz.h. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util/xvalloc.h"

char *
xvFuzzString(const uint8_t *data, size_t size)
{
    char *text = xvAlloc(size + 1);

    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

static void
fuzzDiscardError(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

void
xvFuzzQuietErrors(void)
{
    virSetErrorFunc(NULL, fuzzDiscardError);
}

static char fuzzDir[4096];  /* "" until made */

static int
fuzzRemoveEntry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) < 0)
        fprintf(stderr, "fuzz: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

static void
fuzzCleanup(void)
{
    if (fuzzDir[0])
        nftw(fuzzDir, fuzzRemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
xvFuzzTempDir(void)
{
    const char *tmp;

    if (fuzzDir[0])
        return fuzzDir;
    tmp = getenv("TMPDIR");
    snprintf(fuzzDir, sizeof(fuzzDir), "%s/xvfuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzzDir)) {
        fprintf(stderr, "fuzz: cannot make a directory %s: %s\n", fuzzDir, strerror(errno));
        abort();
    }
    atexit(fuzzCleanup);
    return fuzzDir;
}

void
xvFuzzWriteFile(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t off = 0;

    if (fd < 0) {
        fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
    while (off < size) {
        ssize_t n = write(fd, data + off, size - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
            abort();
        }
        off += (size_t)n;
    }
    close(fd);
}
