/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_journal.c: the shared-mode journal of the test driver (file, lock, lines). */
#include "config.h"

#include "test/test_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "internal.h"
#include "util/xvbuf.h"
#include "util/xvclock.h"
#include "util/xvfile.h"
#include "util/xvuuid.h"
#include "virerror.h"

#define XV_FROM_THIS VIR_FROM_TEST

#define TEST_JOURNAL_MAGIC "XvirtTestJournal 1"
/* The header is four short lines and a path. */
#define TEST_JOURNAL_HEADER_MAX 8192

struct _xvTestJournal {
    int fd;
    char *path;
    off_t offset;               /* first byte not read yet */
    bool locked;
};

typedef struct {
    const char *name;
    bool uuid;                  /* names a domain */
    bool data;                  /* carries a document */
} testOpInfo;

static const testOpInfo testOps[] = {
    [XV_TEST_OP_CREATE_LINUX] = { "virDomainCreateLinux", false, true },
    [XV_TEST_OP_DEFINE_XML] = { "virDomainDefineXML", false, true },
    [XV_TEST_OP_UNDEFINE] = { "virDomainUndefine", true, false },
    [XV_TEST_OP_CREATE] = { "virDomainCreate", true, false },
    [XV_TEST_OP_DESTROY] = { "virDomainDestroy", true, false },
    [XV_TEST_OP_SUSPEND] = { "virDomainSuspend", true, false },
    [XV_TEST_OP_RESUME] = { "virDomainResume", true, false },
    [XV_TEST_OP_SHUTDOWN] = { "virDomainShutdown", true, false },
    [XV_TEST_OP_REBOOT] = { "virDomainReboot", true, false },
    [XV_TEST_OP_SAVE] = { "virDomainSave", true, false },
    [XV_TEST_OP_RESTORE] = { "virDomainRestore", false, true },
    [XV_TEST_OP_SET_MAX_MEMORY] = { "virDomainSetMaxMemory", true, false },
    [XV_TEST_OP_SET_MEMORY] = { "virDomainSetMemory", true, false },
    [XV_TEST_OP_SET_VCPUS] = { "virDomainSetVcpus", true, false },
    [XV_TEST_OP_PIN_VCPU] = { "virDomainPinVcpu", true, true },
    [XV_TEST_OP_ADVANCE_CLOCK] = { "xvTestDriverAdvanceClock", false, false },
};
_Static_assert(XV_N_ELEMENTS(testOps) == XV_TEST_OP_LAST, "testOps must name every xvTestOp");

const char *
xvTestOpToString(xvTestOp op)
{
    if ((unsigned int)op >= XV_TEST_OP_LAST)
        return NULL;
    return testOps[op].name;
}

static int
testOpFromString(const char *name)
{
    size_t i;

    for (i = 0; i < XV_TEST_OP_LAST; i++) {
        if (XV_STREQ(name, testOps[i].name))
            return (int)i;
    }
    return -1;
}

/* ---- Lines ---------------------------------------------------------------- */

static void
testHexEncode(xvBuf *buf, const unsigned char *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char pair[2];
    size_t i;

    for (i = 0; i < len; i++) {
        pair[0] = digits[data[i] >> 4];
        pair[1] = digits[data[i] & 0xf];
        xvBufAdd(buf, pair, 2);
    }
}

/* Decodes @hex in place (a NUL is kept after the bytes). */
static int
testHexDecode(char *hex, size_t *retlen)
{
    size_t len = strlen(hex), i;

    if (len % 2 != 0)
        return -1;
    for (i = 0; i < len / 2; i++) {
        int hi = xvHexDigit(hex[2 * i]), lo = xvHexDigit(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        hex[i] = (char)(hi << 4 | lo);
    }
    hex[len / 2] = '\0';
    *retlen = len / 2;
    return 0;
}

static char *
testEntryFormat(const xvTestJournalEntry *entry)
{
    xvBuf buf = XV_BUF_INIT;
    char uuidstr[XV_UUID_STRING_BUFLEN];

    xvBufAsprintf(&buf, "%" PRIu64 " %s ", entry->atNs, testOps[entry->op].name);
    if (entry->hasUUID) {
        xvUUIDFormat(entry->uuid, uuidstr);
        xvBufAddStr(&buf, uuidstr);
    } else {
        xvBufAddStr(&buf, "-");
    }
    xvBufAsprintf(&buf, " %llu ", entry->num);
    if (entry->data)
        testHexEncode(&buf, entry->data, entry->datalen);
    else
        xvBufAddStr(&buf, "-");
    xvBufAddStr(&buf, "\n");
    return xvBufSteal(&buf, NULL);
}

static int
testParseU64(const char *str, unsigned long long *ret)
{
    char *end;

    if (*str < '0' || *str > '9')
        return -1;
    errno = 0;
    *ret = strtoull(str, &end, 10);
    return errno != 0 || *end != '\0' ? -1 : 0;
}

/* Parses one line (without its newline, modified in place) into @entry,
 * whose data then points into @line. */
static int
testEntryParse(char *line, xvTestJournalEntry *entry)
{
    char *fields[5], *save = NULL;
    unsigned long long at;
    size_t n = 0;
    int op;

    for (char *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (n == XV_N_ELEMENTS(fields))
            return -1;
        fields[n++] = tok;
    }
    memset(entry, 0, sizeof(*entry));
    if (n != 5 || testParseU64(fields[0], &at) < 0 || (op = testOpFromString(fields[1])) < 0 ||
        testParseU64(fields[3], &entry->num) < 0)
        return -1;
    /* simulated time stays far from wrapping: see XV_TEST_MAX_NS */
    if (at > XV_TEST_MAX_NS || (op == XV_TEST_OP_ADVANCE_CLOCK && entry->num > XV_TEST_MAX_NS))
        return -1;
    entry->atNs = at;
    entry->op = (xvTestOp)op;
    entry->hasUUID = !XV_STREQ(fields[2], "-");
    if (entry->hasUUID != testOps[op].uuid ||
        (entry->hasUUID && xvUUIDParse(fields[2], entry->uuid) < 0))
        return -1;
    if (XV_STREQ(fields[4], "-"))
        return testOps[op].data ? -1 : 0;
    if (!testOps[op].data || testHexDecode(fields[4], &entry->datalen) < 0)
        return -1;
    entry->data = (const unsigned char *)fields[4];
    return 0;
}

/* ---- File ------------------------------------------------------------------ */

static int
testWriteAll(int fd, const char *data, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* Creates the journal with its header, atomically: written under a
 * temporary name, then linked to @path, which fails if it exists. So no
 * process ever sees a journal without its header. */
static int
testJournalCreate(const char *path, const char *nodeKey, double rate)
{
    XV_AUTOFREE(char *) tmp = xvAsprintf("%s.XXXXXX", path);
    XV_AUTOFREE(char *) header = xvAsprintf("%s\nnode %s\nepoch %" PRIu64 "\nrate %.17g\n",
                                            TEST_JOURNAL_MAGIC, nodeKey, xvClockMonoNs(),
                                            rate);
    int fd, ret = -1;

    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        return -1;
    if (testWriteAll(fd, header, strlen(header)) == 0 && close(fd) == 0) {
        fd = -1;
        ret = link(tmp, path) < 0 && errno != EEXIST ? -1 : 0;
    }
    if (fd >= 0)
        close(fd);
    if (ret < 0) {
        int saved = errno;

        unlink(tmp);
        errno = saved;
        return -1;
    }
    unlink(tmp);
    return 0;
}

/*
 * Opens (creating it if needed) the journal as a regular file, without
 * blocking on a FIFO or a device, and trusted strictly (util/xvfile.h):
 * its entries create and destroy domains, so one that another user, or
 * the group, could have written is refused. Returns the descriptor, or
 * -1 (cannot open) or -2 (untrusted) with @why filled.
 */
static int
testJournalOpenFd(const char *path, const char *nodeKey, double rate, char *why,
                  size_t whylen)
{
    int fd;

    fd = xvFileOpenRegular(path, O_RDWR | O_APPEND, why, whylen);
    if (fd == -ENOENT) {
        if (testJournalCreate(path, nodeKey, rate) < 0) {
            char buf[128];

            snprintf(why, whylen, "%s", strerror_r(errno, buf, sizeof(buf)));
            return -1;
        }
        fd = xvFileOpenRegular(path, O_RDWR | O_APPEND, why, whylen);
    }
    if (fd < 0)
        return -1;
    if (xvFileCheckTrust(path, fd, XV_FILE_TRUST_STRICT, why, whylen) < 0) {
        close(fd);
        return -2;
    }
    return fd;
}

/* The next line of the @len bytes at @p (which has no NUL): its length
 * without the newline, or -1 when there is no newline. */
static ssize_t
testLineLength(const char *p, size_t len)
{
    const char *nl = memchr(p, '\n', len);

    return nl ? nl - p : -1;
}

ssize_t
xvTestJournalParseHeader(const char *buf, size_t len, char **retKey, uint64_t *retEpochNs,
                         double *retRate, const char **retWhy)
{
    static const char *const keys[] = { TEST_JOURNAL_MAGIC, "node ", "epoch ", "rate " };
    char lines[XV_N_ELEMENTS(keys)][TEST_JOURNAL_HEADER_MAX + 1];
    unsigned long long epoch;
    size_t off = 0, i;
    char *end;

    *retWhy = "bad header";
    if (len > TEST_JOURNAL_HEADER_MAX)
        len = TEST_JOURNAL_HEADER_MAX;
    if (memchr(buf, '\0', len))
        len = (size_t)((const char *)memchr(buf, '\0', len) - buf);
    for (i = 0; i < XV_N_ELEMENTS(keys); i++) {
        ssize_t n = testLineLength(buf + off, len - off);

        if (n < 0 || strncmp(buf + off, keys[i], strlen(keys[i])) != 0)
            return -1;
        memcpy(lines[i], buf + off, (size_t)n);
        lines[i][n] = '\0';
        off += (size_t)n + 1;
    }
    if (!XV_STREQ(lines[0], TEST_JOURNAL_MAGIC) || testParseU64(lines[2] + 6, &epoch) < 0)
        return -1;
    errno = 0;
    *retRate = strtod(lines[3] + 5, &end);
    /* the rate of a node file's <clock>: finite, 0 to 1000000 */
    if (end == lines[3] + 5 || *end != '\0' || errno != 0 || !isfinite(*retRate) ||
        *retRate < 0 || *retRate > XV_TEST_MAX_RATE) {
        *retWhy = "bad header: the rate must be a number from 0 to 1000000";
        return -1;
    }
    *retKey = xvStrdup(lines[1] + 5);
    *retEpochNs = epoch;
    return (ssize_t)off;
}

static void
testJournalOpenError(const char *path, const char *reason)
{
    xvReportError(VIR_ERR_OPEN_FAILED, "cannot open journal '%s': %s", path, reason);
}

/* Reads the header of the journal @path; returns its length, or -1 with
 * VIR_ERR_OPEN_FAILED reported. */
static ssize_t
testJournalReadHeader(int fd, const char *path, char **retKey, uint64_t *retEpochNs,
                      double *retRate)
{
    XV_AUTOFREE(char *) reason = NULL;
    char buf[TEST_JOURNAL_HEADER_MAX];
    const char *why = "bad header";
    ssize_t n, hlen = -1;

    if ((n = pread(fd, buf, sizeof(buf), 0)) >= 0 &&
        (hlen = xvTestJournalParseHeader(buf, (size_t)n, retKey, retEpochNs, retRate,
                                         &why)) >= 0)
        return hlen;
    reason = xvAsprintf("not a test driver journal (%s)", why);
    testJournalOpenError(path, reason);
    return -1;
}

xvTestJournal *
xvTestJournalOpen(const char *path, const char *nodeKey, double rate,
                  uint64_t *retEpochNs, double *retRate)
{
    XV_AUTOFREE(char *) key = NULL;
    xvTestJournal *journal;
    char why[XV_FILE_WHY_LEN];
    ssize_t hlen;
    int fd;

    if (strchr(nodeKey, '\n')) {
        testJournalOpenError(path, "the node path has a newline");
        return NULL;
    }
    if ((fd = testJournalOpenFd(path, nodeKey, rate, why, sizeof(why))) == -2) {
        xvReportError(VIR_ERR_OPEN_FAILED, "journal '%s' is untrusted, not replayed: %s",
                      path, why);
        return NULL;
    }
    if (fd < 0) {
        testJournalOpenError(path, why);
        return NULL;
    }
    if ((hlen = testJournalReadHeader(fd, path, &key, retEpochNs, retRate)) < 0) {
        close(fd);
        return NULL;
    }
    if (!XV_STREQ(key, nodeKey)) {
        xvReportError(VIR_ERR_OPEN_FAILED, "journal '%s' belongs to node '%s', not '%s'",
                      path, key, nodeKey);
        close(fd);
        return NULL;
    }
    journal = xvAlloc(sizeof(*journal));
    journal->fd = fd;
    journal->path = xvStrdup(path);
    journal->offset = hlen;
    return journal;
}

void
xvTestJournalFree(xvTestJournal *journal)
{
    if (!journal)
        return;
    if (journal->locked)
        xvTestJournalUnlock(journal);
    close(journal->fd);
    free(journal->path);
    free(journal);
}

const char *
xvTestJournalPath(const xvTestJournal *journal)
{
    return journal->path;
}

int
xvTestJournalLock(xvTestJournal *journal)
{
    while (flock(journal->fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            xvReportSystemError(errno, "cannot lock journal '%s'", journal->path);
            return -1;
        }
    }
    journal->locked = true;
    return 0;
}

void
xvTestJournalUnlock(xvTestJournal *journal)
{
    journal->locked = false;
    flock(journal->fd, LOCK_UN);
}

/* The bytes from the read offset to the end of the file. */
static char *
testJournalReadNew(xvTestJournal *journal, size_t *retlen)
{
    XV_AUTOFREE(char *) data = NULL;
    struct stat st;
    size_t len, off = 0;

    if (fstat(journal->fd, &st) < 0) {
        xvReportSystemError(errno, "cannot read journal '%s'", journal->path);
        return NULL;
    }
    len = st.st_size > journal->offset ? (size_t)(st.st_size - journal->offset) : 0;
    data = xvAlloc(len + 1);
    while (off < len) {
        ssize_t n = pread(journal->fd, data + off, len - off, journal->offset + (off_t)off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            xvReportSystemError(n < 0 ? errno : EIO, "cannot read journal '%s'",
                                journal->path);
            return NULL;
        }
        off += (size_t)n;
    }
    data[len] = '\0';
    *retlen = len;
    return XV_STEAL_PTR(data);
}

int
xvTestJournalParseEntries(char *data, size_t len, const char *label, uint64_t base,
                          xvTestJournalApplyFn apply, void *opaque, size_t *retUsed)
{
    xvTestJournalEntry entry;
    size_t off = 0;
    ssize_t n;

    *retUsed = 0;
    /* Appends are whole lines under the lock: a line without its newline
     * can only be what a dying writer left, and is never applied. */
    while ((n = testLineLength(data + off, len - off)) >= 0) {
        char *line = data + off;

        line[n] = '\0';
        /* a NUL would hide the rest of the line from the parser */
        if (memchr(line, '\0', (size_t)n) || testEntryParse(line, &entry) < 0) {
            xvReportError(VIR_ERR_OPERATION_FAILED,
                          "journal '%s': malformed entry at byte %llu", label,
                          (unsigned long long)(base + off));
            return -1;
        }
        off += (size_t)n + 1;
        *retUsed = off;
        apply(opaque, &entry);
    }
    return 0;
}

int
xvTestJournalRead(xvTestJournal *journal, xvTestJournalApplyFn apply, void *opaque)
{
    XV_AUTOFREE(char *) data = NULL;
    size_t len, used;
    int rc;

    if (!(data = testJournalReadNew(journal, &len)))
        return -1;
    rc = xvTestJournalParseEntries(data, len, journal->path, (uint64_t)journal->offset, apply,
                                   opaque, &used);
    journal->offset += (off_t)used;
    return rc;
}

int
xvTestJournalAppend(xvTestJournal *journal, const xvTestJournalEntry *entry)
{
    XV_AUTOFREE(char *) line = testEntryFormat(entry);
    size_t len = strlen(line);

    if (testWriteAll(journal->fd, line, len) < 0) {
        xvReportSystemError(errno, "cannot write journal '%s'", journal->path);
        return -1;
    }
    journal->offset += (off_t)len;
    return 0;
}
