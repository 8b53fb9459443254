/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvtestclock.c: steps simulated time for the end-to-end tests.
 *
 *   xvtestclock URI advance DURATION
 *       moves the clock of the test driver's node at URI (a shared node,
 *       test:///NODE.xml?journal=/ABS/PATH, whose <xvirt:clock rate='0'/>
 *       froze it) forward; the other processes on the journal replay it
 *   xvtestclock URI time
 *       prints the node's simulated time in ns
 *   xvtestclock URI step DURATION SOCKET
 *       moves the node and the agent whose test control listens on SOCKET
 *       (XVIRT_TEST_CONTROL) forward together, in steps that end at the
 *       agent's due times, so that each sample sees the node at its own
 *       time; prints the agent's last answer ("seq=N time_ns=T ...")
 *
 * DURATION is an integer with a unit: ns, us, ms, s, m or h ("0" alone is
 * allowed). The agent's control takes whole milliseconds. Exits 0, or 1
 * with the reason on stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "test/test_driverpriv.h"

#define NS_PER_MS 1000000ULL

static void
clockQuiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static int
clockFail(const char *what)
{
    fprintf(stderr, "xvtestclock: %s\n", what);
    return 1;
}

/* "250ms" -> ns; -1 if not a duration. */
static int
clockParseDuration(const char *text, uint64_t *retNs)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        { "ns", 1 }, { "us", 1000 }, { "ms", NS_PER_MS }, { "s", 1000 * NS_PER_MS },
        { "m", 60 * 1000 * NS_PER_MS }, { "h", 3600 * 1000 * NS_PER_MS },
    };
    char *end = NULL;
    unsigned long long v;
    size_t i;

    if (*text < '0' || *text > '9')
        return -1;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno)
        return -1;
    if (*end == '\0' && v == 0) {
        *retNs = 0;
        return 0;
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].name) == 0 && v <= UINT64_MAX / units[i].ns) {
            *retNs = v * units[i].ns;
            return 0;
        }
    }
    return -1;
}

/* GET @target on the control socket @path: the answer's body in @body. */
static int
clockControl(const char *path, const char *target, char *body, size_t bodylen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char req[256], resp[4096];
    size_t got = 0;
    char *sep;
    ssize_t n;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return clockFail("control socket path too long");
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "xvtestclock: cannot connect to '%s': %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: xvirt-agent\r\n\r\n", target);
    if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
        close(fd);
        return clockFail("cannot send to the control socket");
    }
    while (got < sizeof(resp) - 1 && (n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    resp[got] = '\0';
    if (strncmp(resp, "HTTP/1.", 7) != 0 || strncmp(resp + 8, " 200 ", 5) != 0 ||
        !(sep = strstr(resp, "\r\n\r\n"))) {
        fprintf(stderr, "xvtestclock: %s: unexpected answer: %.200s\n", target, resp);
        return 1;
    }
    snprintf(body, bodylen, "%s", sep + 4);
    return 0;
}

/* The agent's time and next due time (ns since it started) in @answer. */
static int
clockParseAnswer(const char *answer, uint64_t *timeNs, uint64_t *nextNs)
{
    unsigned long long seq, t, next;

    if (sscanf(answer, "seq=%llu time_ns=%llu next_ns=%llu", &seq, &t, &next) != 3) {
        fprintf(stderr, "xvtestclock: unexpected answer: %s", answer);
        return 1;
    }
    *timeNs = t;
    *nextNs = next;
    return 0;
}

static int
clockAdvanceNode(virConnectPtr conn, uint64_t ns)
{
    if (xvTestDriverAdvanceClock(conn, ns) < 0) {
        fprintf(stderr, "xvtestclock: cannot advance the node's clock: %s\n",
                virGetLastErrorMessage());
        return 1;
    }
    return 0;
}

/* The node and the agent at @sock forward by @ns, stopping at each of the
 * agent's due times. */
static int
clockStep(virConnectPtr conn, uint64_t ns, const char *sock)
{
    char answer[512], target[64];
    uint64_t left = ns / NS_PER_MS * NS_PER_MS;
    uint64_t now, next;

    if (left != ns)
        return clockFail("the agent steps in whole milliseconds");
    if (clockControl(sock, "/status", answer, sizeof(answer)) != 0 ||
        clockParseAnswer(answer, &now, &next) != 0)
        return 1;
    do {
        /* to the next due time at most: the node must be there when the
         * sample is taken; nothing due (next <= now) only while a sample
         * is in progress, which /advance waits for */
        uint64_t chunk = left;

        if (next > now && next - now < chunk)
            chunk = (next - now) / NS_PER_MS * NS_PER_MS;
        if (next <= now || chunk == 0)
            chunk = 0;
        if (chunk > 0 && clockAdvanceNode(conn, chunk) != 0)
            return 1;
        snprintf(target, sizeof(target), "/advance?by=%llums",
                 (unsigned long long)(chunk / NS_PER_MS));
        if (clockControl(sock, target, answer, sizeof(answer)) != 0 ||
            clockParseAnswer(answer, &now, &next) != 0)
            return 1;
        left -= chunk;
    } while (left > 0);
    fputs(answer, stdout);
    return 0;
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    uint64_t ns = 0;
    int ret;

    if (argc < 3 ||
        !((strcmp(argv[2], "advance") == 0 && argc == 4) ||
          (strcmp(argv[2], "time") == 0 && argc == 3) ||
          (strcmp(argv[2], "step") == 0 && argc == 5))) {
        fprintf(stderr, "usage: xvtestclock URI advance DURATION\n"
                        "       xvtestclock URI time\n"
                        "       xvtestclock URI step DURATION SOCKET\n");
        return 2;
    }
    if (argc > 3 && clockParseDuration(argv[3], &ns) < 0) {
        fprintf(stderr, "xvtestclock: '%s' is not a duration (like 200ms or 2s)\n", argv[3]);
        return 2;
    }
    virSetErrorFunc(NULL, clockQuiet);
    if (!(conn = virConnectOpen(argv[1]))) {
        fprintf(stderr, "xvtestclock: cannot open '%s': %s\n", argv[1],
                virGetLastErrorMessage());
        return 1;
    }
    if (strcmp(argv[2], "advance") == 0) {
        ret = ns > 0 ? clockAdvanceNode(conn, ns) : 0;
    } else if (strcmp(argv[2], "time") == 0) {
        unsigned long long t;

        if ((ret = xvTestDriverGetTimeNs(conn, &t) < 0 ? 1 : 0) == 0)
            printf("%llu\n", t);
        else
            fprintf(stderr, "xvtestclock: %s\n", virGetLastErrorMessage());
    } else {
        ret = clockStep(conn, ns, argv[4]);
    }
    virConnectClose(conn);
    return ret;
}
