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

static int
testSaveParseState(const char *line, unsigned long *mem, unsigned int *vcpus,
                   unsigned long long *cpuTime, int *paused)
{
    int end = 0;

    if (sscanf(line, "memory=%lu vcpus=%u cputime=%llu paused=%d%n",
               mem, vcpus, cpuTime, paused, &end) != 4 || line[end] != '\n' ||
        (*paused != 0 && *paused != 1))
        return -1;
    return 0;
}

int
xvTestSaveRead(const char *path, xvTestSaveImage *image, char **retdata)
{
    XV_AUTOFREE(char *) data = NULL;

    memset(image, 0, sizeof(*image));
    if (!(data = xvTestNodeReadFile(path, "save file", VIR_ERR_READ_FAILED, NULL)) ||
        xvTestSaveParse(data, path, image) < 0)
        return -1;
    if (retdata)
        *retdata = XV_STEAL_PTR(data);
    return 0;
}

int
xvTestSaveParse(const char *data, const char *path, xvTestSaveImage *image)
{
    XV_AUTOFREE(char *) msg = NULL;
    unsigned long long cpuTime;
    unsigned long mem;
    unsigned int vcpus;
    const char *xml;
    int paused;

    memset(image, 0, sizeof(*image));
    if (strncmp(data, TEST_SAVE_MAGIC, strlen(TEST_SAVE_MAGIC)) != 0) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "'%s' is not a test driver save file (bad magic)", path);
        return -1;
    }
    xml = data + strlen(TEST_SAVE_MAGIC);
    if (testSaveParseState(xml, &mem, &vcpus, &cpuTime, &paused) < 0) {
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "save file '%s': bad state line", path);
        return -1;
    }
    xml = strchr(xml, '\n') + 1;
    if (!(image->def = xvDomainDefParseString(xml, xvTestDomainTypes))) {
        msg = xvStrdup(virGetLastErrorMessage());
        xvReportError(VIR_ERR_OPERATION_FAILED,
                      "save file '%s': bad domain description: %s", path, msg);
        return -1;
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

