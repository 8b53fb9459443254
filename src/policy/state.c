/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.c: the policies' bookkeeping, in a line-based text file replaced atomically. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"
#include "src/conf/conf_value.h"
#include "util/xvalloc.h"
#include "util/xvfile.h"
#include "util/xvlog.h"
#include "util/xvuuid.h"

/*
 * The file: a header line, then one line per domain of space-separated
 * key=value fields; name and xml are percent-encoded (%, controls, space
 * and bytes >= 0x7f become %XX), so a line never holds a newline:
 *
 *   xvirt-policy-state 1
 *   restart uuid=... total=2 retry_at=1700000000000 gave_up=0 in_progress=0
 *           last_seen=1700000000000 xml_id=7 attempts=1699999990000,1699999995000
 *           name=web01 xml=%3Cdomain...
 *
 * last_seen came later: a line without it loads with lastSeenMs 0.
 */
#define STATE_HEADER "xvirt-policy-state 1"

xvPolicyState *
xvPolicyStateNew(const char *dir)
{
    xvPolicyState *st = xvAlloc(sizeof(*st));

    st->dir = dir ? xvStrdup(dir) : NULL;
    return st;
}

static void
stateEntryClear(xvRestartEntry *e)
{
    free(e->name);
    free(e->xml);
}

void
xvPolicyStateFree(xvPolicyState *st)
{
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n; i++)
        stateEntryClear(&st->entries[i]);
    free(st->entries);
    free(st->dir);
    free(st);
}

xvRestartEntry *
xvPolicyStateFind(const xvPolicyState *st, const unsigned char *uuid)
{
    size_t i;

    for (i = 0; st && i < st->n; i++) {
        if (memcmp(st->entries[i].uuid, uuid, 16) == 0)
            return &st->entries[i];
    }
    return NULL;
}

xvRestartEntry *
xvPolicyStateGet(xvPolicyState *st, const unsigned char *uuid, const char *name)
{
    xvRestartEntry *e = xvPolicyStateFind(st, uuid);

    if (!e) {
        st->entries = xvReallocN(st->entries, st->n + 1, sizeof(*st->entries));
        e = &st->entries[st->n++];
        memset(e, 0, sizeof(*e));
        memcpy(e->uuid, uuid, 16);
        xvUUIDFormat(uuid, e->uuidstr);
        e->xmlId = -1;
    }
    if (name && (!e->name || strcmp(e->name, name) != 0)) {
        free(e->name);
        e->name = xvStrdup(name);
    }
    return e;
}

void
xvRestartEntryAddAttempt(xvRestartEntry *e, uint64_t nowMs)
{
    if (e->nattempts == XV_POLICY_MAX_BURST) {
        memmove(e->attemptsMs, e->attemptsMs + 1,
                (XV_POLICY_MAX_BURST - 1) * sizeof(e->attemptsMs[0]));
        e->nattempts--;
    }
    e->attemptsMs[e->nattempts++] = nowMs;
    e->total++;
}

size_t
xvRestartEntryAttemptsSince(const xvRestartEntry *e, uint64_t sinceMs)
{
    size_t i, n = 0;

    for (i = 0; i < e->nattempts; i++) {
        if (e->attemptsMs[i] > sinceMs)
            n++;
    }
    return n;
}

bool
xvPolicyStateClearGiveUps(xvPolicyState *st)
{
    bool any = false;
    size_t i;

    for (i = 0; st && i < st->n; i++) {
        xvRestartEntry *e = &st->entries[i];

        if (e->gaveUp || e->nattempts || e->retryAtMs)
            any = true;
        e->gaveUp = false;
        e->nattempts = 0;
        e->retryAtMs = 0;
    }
    return any;
}

/* ---- encoding ------------------------------------------------------------ */

static void
stateWriteEscaped(FILE *f, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    for (; *u; u++) {
        if (*u <= ' ' || *u >= 0x7f || *u == '%')
            fprintf(f, "%%%02X", *u);
        else
            fputc(*u, f);
    }
}

/* Decodes @s in place; -1 if malformed (or decodes to a NUL). */
static int
stateUnescape(char *s)
{
    char *out = s;

    while (*s) {
        if (*s == '%') {
            int hi = xvHexDigit(s[1]);
            int lo = hi < 0 ? -1 : xvHexDigit(s[2]);

            if (lo < 0 || (hi == 0 && lo == 0))
                return -1;
            *out++ = (char)(hi * 16 + lo);
            s += 3;
        } else {
            *out++ = *s++;
        }
    }
    *out = '\0';
    return 0;
}

static int
stateParseU64(const char *s, uint64_t *ret)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *ret = v;
    return 0;
}

static int
stateParseAttempts(char *s, xvRestartEntry *e)
{
    char *save = NULL, *tok;

    for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t v;

        if (stateParseU64(tok, &v) < 0 || e->nattempts == XV_POLICY_MAX_BURST)
            return -1;
        e->attemptsMs[e->nattempts++] = v;
    }
    return 0;
}

static int
stateParseField(xvRestartEntry *e, char *key, char *value, bool *haveUUID)
{
    uint64_t v;

    if (strcmp(key, "uuid") == 0) {
        /* the UUID, dashed or not, and nothing around it */
        if (value[strcspn(value, " \t\n\v\f\r")] != '\0' || xvUUIDParse(value, e->uuid) < 0)
            return -1;
        xvUUIDFormat(e->uuid, e->uuidstr);
        *haveUUID = true;
        return 0;
    }
    if (strcmp(key, "name") == 0 || strcmp(key, "xml") == 0) {
        if (stateUnescape(value) < 0 || !*value)
            return -1;
        if (key[0] == 'n') {
            free(e->name);
            e->name = xvStrdup(value);
        } else {
            free(e->xml);
            e->xml = xvStrdup(value);
        }
        return 0;
    }
    if (strcmp(key, "attempts") == 0)
        return stateParseAttempts(value, e);
    if (strcmp(key, "xml_id") == 0) {
        if (strcmp(value, "-1") == 0) {
            e->xmlId = -1;
            return 0;
        }
        if (stateParseU64(value, &v) < 0 || v > INT32_MAX)
            return -1;
        e->xmlId = (int)v;
        return 0;
    }
    if (stateParseU64(value, &v) < 0)
        return -1;
    if (strcmp(key, "total") == 0)
        e->total = v;
    else if (strcmp(key, "retry_at") == 0)
        e->retryAtMs = v;
    else if (strcmp(key, "in_progress") == 0)
        e->inProgressMs = v;
    else if (strcmp(key, "last_seen") == 0)
        e->lastSeenMs = v;
    else if (strcmp(key, "gave_up") == 0 && v <= 1)
        e->gaveUp = v == 1;
    else
        return -1;
    return 0;
}

/* Parses one "restart ..." line into a new entry of @st; -1 if malformed. */
static int
stateParseLine(xvPolicyState *st, char *line)
{
    xvRestartEntry e = { .xmlId = -1 };
    char *save = NULL, *tok;
    bool haveUUID = false;

    tok = strtok_r(line, " ", &save);
    if (!tok || strcmp(tok, "restart") != 0)
        return -1;
    while ((tok = strtok_r(NULL, " ", &save))) {
        char *eq = strchr(tok, '=');

        if (!eq)
            goto error;
        *eq = '\0';
        if (stateParseField(&e, tok, eq + 1, &haveUUID) < 0)
            goto error;
    }
    if (!haveUUID || xvPolicyStateFind(st, e.uuid))
        goto error;
    st->entries = xvReallocN(st->entries, st->n + 1, sizeof(*st->entries));
    st->entries[st->n++] = e;
    return 0;

 error:
    stateEntryClear(&e);
    return -1;
}

/* What stateRead() returns for a file without a byte: no bookkeeping yet. */
#define STATE_READ_EMPTY 1

/*
 * Opens the bookkeeping @path: a regular file (opened non-blocking, so a
 * FIFO there blocks nothing), trusted strictly (util/xvfile.h: its
 * entries hold domain XML the agent may start, so a file or directory
 * other users, its group included, can change is not read: -EPERM).
 * Returns the stream, or NULL with -errno in *retErr and @why filled.
 */
static FILE *
stateOpen(const char *path, int *retErr, char *why, size_t whylen)
{
    FILE *f;
    int fd, rc;

    if ((fd = xvFileOpenRegular(path, O_RDONLY, why, whylen)) < 0) {
        *retErr = fd;
        return NULL;
    }
    if ((rc = xvFileCheckTrust(path, fd, XV_FILE_TRUST_STRICT, why, whylen)) < 0 ||
        !(f = fdopen(fd, "re"))) {
        *retErr = rc < 0 ? rc : -errno;
        if (rc >= 0)
            snprintf(why, whylen, "%s", strerror(-*retErr));
        close(fd);
        return NULL;
    }
    return f;
}

/* Reads @path into @st: 0, STATE_READ_EMPTY, -ENOENT, -EPERM (untrusted),
 * another -errno of opening it (@why says why), or -EINVAL (malformed, line
 * in *retLine). */
static int
stateRead(xvPolicyState *st, const char *path, size_t *retLine, char *why, size_t whylen)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    FILE *f = stateOpen(path, &rc, why, whylen);

    if (!f)
        return rc;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len == 0 || line[len - 1] != '\n') {
            rc = -EINVAL;       /* a truncated file */
            break;
        }
        line[len - 1] = '\0';
        if (lineno == 1 ? strcmp(line, STATE_HEADER) != 0 : stateParseLine(st, line) < 0) {
            rc = -EINVAL;
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = -EIO;
    else if (rc == 0 && lineno == 0)
        rc = STATE_READ_EMPTY;
    free(line);
    fclose(f);
    *retLine = lineno;
    return rc;
}

static char *
statePath(const char *dir, const char *suffix)
{
    char *path = NULL;

    path = xvAsprintf("%s/%s%s", dir, XV_POLICY_STATE_FILE, suffix);
    return path;
}

xvPolicyState *
xvPolicyStateLoad(const char *dir, char **retWarning)
{
    xvPolicyState *st = xvPolicyStateNew(dir);
    char *path = statePath(dir, "");
    char *warning = NULL;
    char why[XV_FILE_WHY_LEN] = "";
    size_t line = 0, i;
    int rc;

    rc = stateRead(st, path, &line, why, sizeof(why));
    if (rc == STATE_READ_EMPTY) {
        /* a crash between creating and filling it, or a file made by hand */
        warning = xvAsprintf("%s: empty, no bookkeeping yet; starting with empty "
                             "bookkeeping", path);
    } else if (rc == -EPERM) {
        /* not moved aside: the next save replaces it with the agent's own */
        warning = xvAsprintf("%s: untrusted, not read: %s (see TRUSTED FILES in "
                             "xvirt-agent(8)); starting with empty bookkeeping", path, why);
    } else if (rc < 0 && rc != -ENOENT) {
        char suffix[64];
        char reason[160];
        char *aside;

        /* line 0: the file could not even be opened */
        if (line == 0)
            snprintf(reason, sizeof(reason), "%s", why[0] ? why : strerror(-rc));
        else
            snprintf(reason, sizeof(reason), "%s at line %zu",
                     rc == -EINVAL ? "malformed" : strerror(-rc), line);
        snprintf(suffix, sizeof(suffix), ".corrupt-%lld", (long long)time(NULL));
        aside = statePath(dir, suffix);
        for (i = 0; i < st->n; i++)
            stateEntryClear(&st->entries[i]);
        st->n = 0;
        if (rename(path, aside) < 0) {
            warning = xvAsprintf("%s: unreadable (%s) and cannot be moved aside (%s); "
                                 "starting with empty bookkeeping", path, reason,
                                 strerror(errno));
        } else {
            warning = xvAsprintf("%s: unreadable (%s); moved to %s, starting with "
                                 "empty bookkeeping", path, reason, aside);
        }
        free(aside);
    }
    for (i = 0; i < st->n && !warning; i++) {
        xvRestartEntry *e = &st->entries[i];

        /* the attempt was recorded (and its back-off set) before acting:
         * it stays counted, so it is never repeated at once */
        if (e->inProgressMs) {
            warning = xvAsprintf("restart of domain '%s' (%s) was in progress when the "
                                 "agent stopped; counted as an attempt", e->name ? e->name : "?",
                                 e->uuidstr);
        }
    }
    for (i = 0; i < st->n; i++)
        st->entries[i].inProgressMs = 0;
    free(path);
    if (retWarning)
        *retWarning = warning;
    else
        free(warning);
    return st;
}

static void
stateWriteEntry(FILE *f, const xvRestartEntry *e)
{
    size_t i;

    fprintf(f, "restart uuid=%s total=%" PRIu64 " retry_at=%" PRIu64 " gave_up=%d "
            "in_progress=%" PRIu64 " last_seen=%" PRIu64 " xml_id=%d attempts=", e->uuidstr,
            e->total, e->retryAtMs, e->gaveUp ? 1 : 0, e->inProgressMs, e->lastSeenMs,
            e->xmlId);
    for (i = 0; i < e->nattempts; i++)
        fprintf(f, "%s%" PRIu64, i ? "," : "", e->attemptsMs[i]);
    if (e->name) {
        fputs(" name=", f);
        stateWriteEscaped(f, e->name);
    }
    if (e->xml) {
        fputs(" xml=", f);
        stateWriteEscaped(f, e->xml);
    }
    fputc('\n', f);
}

static int
stateSyncDir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return -errno;
    if (fsync(fd) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

int
xvPolicyStateSave(const xvPolicyState *st)
{
    char *path, *tmp;
    FILE *f = NULL;
    size_t i;
    int fd, rc = 0;

    if (!st->dir)
        return 0;
    if (mkdir(st->dir, 0700) < 0 && errno != EEXIST)
        return -errno;
    path = statePath(st->dir, "");
    tmp = statePath(st->dir, ".tmp.XXXXXX");
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
        rc = -errno;
        free(tmp);
        tmp = NULL;
        goto cleanup;
    }
    if (!(f = fdopen(fd, "w"))) {
        rc = -errno;
        close(fd);
        goto cleanup;
    }
    fprintf(f, "%s\n", STATE_HEADER);
    for (i = 0; i < st->n; i++)
        stateWriteEntry(f, &st->entries[i]);
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
        rc = errno ? -errno : -EIO;
        fclose(f);
        goto cleanup;
    }
    if (fclose(f) != 0 || rename(tmp, path) < 0) {
        rc = errno ? -errno : -EIO;
        goto cleanup;
    }
    /* renamed: nothing to remove any more */
    free(tmp);
    tmp = NULL;
    rc = stateSyncDir(st->dir);

 cleanup:
    if (tmp)
        unlink(tmp);
    free(path);
    free(tmp);
    return rc;
}

/* ---- the sampler thread's saves ------------------------------------------ */

int
xvPolicyStateCommit(xvPolicyState *st, uint64_t nowMs)
{
    int rc = xvPolicyStateSave(st);

    if (rc == 0) {
        if (st->saveFailures > 0) {
            xvLogNotice("policy: bookkeeping saved again in '%s' after %" PRIu64 " failed %s",
                        st->dir, st->saveFailures, st->saveFailures == 1 ? "save" : "saves");
        }
        st->saveFailures = 0;
        st->saveUnlogged = 0;
        return 0;
    }
    st->saveErrorsTotal++;
    if (st->saveFailures++ == 0) {
        xvLogError("policy: cannot save the bookkeeping in '%s': %s (the policies go on; "
                   "failures are counted in xvirt_policy_state_save_errors_total and logged "
                   "at most once a minute)", st->dir, strerror(-rc));
        st->saveLoggedMs = nowMs;
        return rc;
    }
    st->saveUnlogged++;
    /* a clock stepped back counts as time elapsed */
    if (nowMs < st->saveLoggedMs || nowMs - st->saveLoggedMs >= XV_POLICY_SAVE_LOG_INTERVAL_MS) {
        xvLogError("policy: still cannot save the bookkeeping in '%s': %s (%" PRIu64
                   " failed saves in a row, %" PRIu64 " since the last message)", st->dir,
                   strerror(-rc), st->saveFailures, st->saveUnlogged);
        st->saveUnlogged = 0;
        st->saveLoggedMs = nowMs;
    }
    return rc;
}

/* ---- seen and pruned ------------------------------------------------------ */

static int
stateCompareUUID(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

size_t
xvPolicyStateSeen(xvPolicyState *st, const unsigned char *uuids, size_t n, uint64_t nowMs)
{
    size_t i, changed = 0;

    for (i = 0; st && i < st->n; i++) {
        xvRestartEntry *e = &st->entries[i];

        if (n == 0 || !bsearch(e->uuid, uuids, n, 16, stateCompareUUID))
            continue;
        if (e->lastSeenMs != 0 && e->lastSeenMs <= nowMs &&
            nowMs - e->lastSeenMs < XV_POLICY_SEEN_STEP_MS)
            continue;
        e->lastSeenMs = nowMs;
        changed++;
    }
    return changed;
}

/* True while the entry still governs what a policy does: never pruned then. */
static bool
stateEntryBusy(const xvRestartEntry *e, uint64_t nowMs)
{
    return e->gaveUp || e->inProgressMs != 0 || e->retryAtMs > nowMs;
}

size_t
xvPolicyStatePrune(xvPolicyState *st, uint64_t nowMs, uint64_t retentionMs, bool *retChanged)
{
    size_t i, kept = 0, dropped = 0;
    bool changed = false;
    char limit[32];

    xvConfFormatDuration(retentionMs, limit, sizeof(limit));
    for (i = 0; st && i < st->n; i++) {
        xvRestartEntry *e = &st->entries[i];

        /* never seen (an older file), or seen "in the future" (the clock
         * was stepped back): the retention starts now */
        if (e->lastSeenMs == 0 || e->lastSeenMs > nowMs) {
            e->lastSeenMs = nowMs;
            changed = true;
        }
        if (stateEntryBusy(e, nowMs) ||
            nowMs - e->lastSeenMs <= retentionMs + XV_POLICY_SEEN_STEP_MS) {
            if (kept != i)
                st->entries[kept] = *e;
            kept++;
            continue;
        }
        xvLogInfo("policy: forgetting domain '%s' (%s): not seen for more than %s "
                  "(state_retention)", e->name ? e->name : "?", e->uuidstr, limit);
        stateEntryClear(e);
        dropped++;
        changed = true;
    }
    if (st)
        st->n = kept;
    if (retChanged && changed)
        *retChanged = true;
    return dropped;
}
