/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_save.c: the test driver's save files (virDomainSave/Restore): a
 * magic line, the saved memory, vcpus, CPU time and pause state, then the
 * domain XML.
 */
#include "config.h"

#include "test/test_save.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "test/test_node_private.h"
#include "util/xvbuf.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

#define TEST_SAVE_MAGIC "XvirtTestSave 1\n"
/* What we write is the state line and one domain's XML: a few KiB. */
#define TEST_SAVE_MAX_SIZE (4 * 1024 * 1024)
/* As domain XML's <vcpu>. */
#define TEST_SAVE_MAX_VCPUS 65535

int
xvTestSaveWrite(const xvTestNode *node, const xvTestDom *dom, const char *path)
{
    XV_AUTOFREE(char *) xml = xvDomainDefFormat(dom->def, -1);
    XV_AUTOFREE(char *) tmp = xvAsprintf("%s.XXXXXX", path);
    xvBuf buf = XV_BUF_INIT;
    char errbuf[128];
    size_t off = 0;
    int fd;

    xvBufAddStr(&buf, TEST_SAVE_MAGIC);
    xvBufAsprintf(&buf, "memory=%lu vcpus=%u cputime=%llu paused=%d\n",
                  dom->def->memKiB, dom->def->vcpus,
                  (unsigned long long)xvTestDomCpuTimeNs(node, dom),
                  dom->state == VIR_DOMAIN_PAUSED);
    xvBufAddStr(&buf, xml);
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        goto error;
    while (off < buf.len) {
        ssize_t n = write(fd, buf.data + off, buf.len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;

            close(fd);
            unlink(tmp);
            errno = saved;
            goto error;
        }
        off += (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;

        unlink(tmp);
        errno = saved;
        goto error;
    }
    xvBufFree(&buf);
    return 0;

 error:
    xvReportError(VIR_ERR_WRITE_FAILED, "cannot write save file '%s': %s", path,
                  xvTestNodeStrerror(errno, errbuf, sizeof(errbuf)));
    xvBufFree(&buf);
    return -1;
}

void
xvTestSaveImageClear(xvTestSaveImage *image)
{
    xvDomainDefFree(image->def);
    memset(image, 0, sizeof(*image));
}

/* Reads "@key=N" at *@p, N decimal digits only (no sign, no blank) and at
 * most @max, then the byte @sep; moves *@p past them. */
static int
testSaveParseField(const char **p, const char *key, unsigned long long max, char sep,
                   unsigned long long *ret)
{
    size_t klen = strlen(key);
    const char *q = *p;
    unsigned long long val = 0;

    if (strncmp(q, key, klen) != 0 || q[klen] != '=')
        return -1;
    q += klen + 1;
    if (*q < '0' || *q > '9')
        return -1;
    for (; *q >= '0' && *q <= '9'; q++) {
        unsigned int digit = (unsigned int)(*q - '0');

        if (digit > max || val > (max - digit) / 10)
            return -1;
        val = val * 10 + digit;
    }
    if (*q != sep)
        return -1;
    *p = q + 1;
    *ret = val;
    return 0;
}

/* The state line, strictly: "memory=KiB vcpus=N cputime=NS paused=0|1\n",
 * each number within what the node can hold. Moves *@p past it. */
static int
testSaveParseState(const char **p, unsigned long *mem, unsigned int *vcpus,
                   unsigned long long *cpuTime, bool *paused)
{
    unsigned long long m, v, t, z;

    if (testSaveParseField(p, "memory", ULONG_MAX, ' ', &m) < 0 ||
        testSaveParseField(p, "vcpus", TEST_SAVE_MAX_VCPUS, ' ', &v) < 0 ||
        testSaveParseField(p, "cputime", ULLONG_MAX, ' ', &t) < 0 ||
        testSaveParseField(p, "paused", 1, '\n', &z) < 0)
        return -1;
    *mem = (unsigned long)m;
    *vcpus = (unsigned int)v;
    *cpuTime = t;
    *paused = z == 1;
    return 0;
}

int
xvTestSaveRead(const char *path, xvTestSaveImage *image, char **retdata)
{
    XV_AUTOFREE(char *) data = NULL;
    size_t len;

    memset(image, 0, sizeof(*image));
    if (!(data = xvTestNodeReadFile(path, "save file", VIR_ERR_READ_FAILED, &len)) ||
        xvTestSaveParseBuffer(data, len, path, image) < 0)
        return -1;
    if (retdata)
        *retdata = XV_STEAL_PTR(data);
    return 0;
}

static int
testSaveError(const char *path, const char *what)
{
    xvReportError(VIR_ERR_OPERATION_FAILED, "save file '%s': %s", path, what);
    return -1;
}

int
xvTestSaveParseBuffer(const char *data, size_t len, const char *path, xvTestSaveImage *image)
{
    XV_AUTOFREE(char *) msg = NULL;
    unsigned long long cpuTime;
    unsigned long mem;
    unsigned int vcpus;
    const char *p;
    bool paused;

    memset(image, 0, sizeof(*image));
    if (len < strlen(TEST_SAVE_MAGIC) || memcmp(data, TEST_SAVE_MAGIC, strlen(TEST_SAVE_MAGIC)) != 0) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "'%s' is not a test driver save file (bad magic)", path);
        return -1;
    }
    if (len > TEST_SAVE_MAX_SIZE)
        return testSaveError(path, "larger than 4 MiB");
    /* the line parser stops at a NUL; the rest must not hide one either */
    if (memchr(data, '\0', len))
        return testSaveError(path, "a NUL byte");
    p = data + strlen(TEST_SAVE_MAGIC);
    if (!memchr(p, '\n', len - (size_t)(p - data)) ||
        testSaveParseState(&p, &mem, &vcpus, &cpuTime, &paused) < 0)
        return testSaveError(path, "bad state line");
    if (!(image->def = xvDomainDefParseBuffer(p, len - (size_t)(p - data), xvTestDomainTypes))) {
        msg = xvAsprintf("bad domain description: %s", virGetLastErrorMessage());
        return testSaveError(path, msg);
    }
    if (mem == 0 || mem > image->def->maxMemKiB || vcpus == 0 ||
        vcpus > image->def->maxVcpus) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "save file '%s': saved memory %lu KiB or vcpus %u do not fit the domain",
                      path, mem, vcpus);
        xvTestSaveImageClear(image);
        return -1;
    }
    image->def->memKiB = mem;
    image->def->vcpus = vcpus;
    image->cpuTimeNs = cpuTime;
    image->paused = paused;
    return 0;
}

int
xvTestSaveParse(const char *data, const char *path, xvTestSaveImage *image)
{
    return xvTestSaveParseBuffer(data, strlen(data), path, image);
}

