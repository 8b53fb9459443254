/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.c: the policies' bookkeeping, in a line-based text file replaced atomically. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
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
 *
 * Then one line per action in progress (state.h, xvPolicyIntent), after
 * the domains; a file without any (written before intents existed) loads
 * as before. policy and name are percent-encoded:
 *
 *   intent id=3 policy=restart kind=restart uuid=... vcpu=-1
 *          started=1700000000000 steps=destroy,create begun=2 done=1 name=web01
 */
#define STATE_HEADER "xvirt-policy-state 1"

xvPolicyState *
xvPolicyStateNew(const char *dir)
{
    xvPolicyState *st = xvAlloc(sizeof(*st));

    st->dir = dir ? xvStrdup(dir) : NULL;
    st->byUUID = xvHashNew();
    return st;
}

static void
stateEntryClear(xvRestartEntry *e)
{
    free(e->name);
    free(e->xml);
}

static void
stateIntentClear(xvPolicyIntent *in)
{
    free(in->policy);
    free(in->name);
}

static void
stateClearIntents(xvPolicyState *st)
{
    size_t i;

    for (i = 0; i < st->nintents; i++)
        stateIntentClear(&st->intents[i]);
    st->nintents = 0;
}

void
xvPolicyStateFree(xvPolicyState *st)
{
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n; i++)
        stateEntryClear(&st->entries[i]);
    stateClearIntents(st);
    free(st->entries);
    xvHashFree(st->byUUID);
    free(st->intents);
    free(st->dir);
    free(st);
}

xvRestartEntry *
xvPolicyStateFind(const xvPolicyState *st, const unsigned char *uuid)
{
    uintptr_t pos;

    if (!st || !(pos = (uintptr_t)xvHashLookup(st->byUUID, uuid, 16)))
        return NULL;
    return &st->entries[pos - 1];
}

/* Indexes every entry again, after entries moved or went. */
static void
stateReindex(xvPolicyState *st)
{
    size_t i;

    xvHashFree(st->byUUID);
    st->byUUID = xvHashNew();
    for (i = 0; i < st->n; i++)
        xvHashAdd(st->byUUID, st->entries[i].uuid, 16, (void *)(uintptr_t)(i + 1));
}

/* Appends @e (its uuid not there yet) and indexes it; returns the copy. */
static xvRestartEntry *
stateAppend(xvPolicyState *st, const xvRestartEntry *e)
{
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->entries = xvReallocN(st->entries, st->cap, sizeof(*st->entries));
    }
    st->entries[st->n] = *e;
    xvHashAdd(st->byUUID, e->uuid, 16, (void *)(uintptr_t)(st->n + 1));
    return &st->entries[st->n++];
}

xvRestartEntry *
xvPolicyStateGet(xvPolicyState *st, const unsigned char *uuid, const char *name)
{
    xvRestartEntry *e = xvPolicyStateFind(st, uuid);

    if (!e) {
        xvRestartEntry fresh = { .xmlId = -1 };

        memcpy(fresh.uuid, uuid, 16);
        xvUUIDFormat(uuid, fresh.uuidstr);
        e = stateAppend(st, &fresh);
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

/* ---- intents --------------------------------------------------------------- */

static const char *const stateStepNames[] = { "destroy", "create", "pin", "setmem" };

const char *
xvPolicyStepName(xvPolicyStep step)
{
    _Static_assert(XV_N_ELEMENTS(stateStepNames) == XV_POLICY_STEP_LAST, "names");
    return (unsigned int)step < XV_POLICY_STEP_LAST ? stateStepNames[step] : NULL;
}

/* The steps an action of @kind takes; 0 for a kind that makes no write call. */
static size_t
stateStepsOf(xvPolicyActionKind kind, xvPolicyStep *steps)
{
    switch (kind) {
    case XV_POLICY_ACTION_RESTART:
        steps[0] = XV_POLICY_STEP_DESTROY;
        steps[1] = XV_POLICY_STEP_CREATE;
        return 2;
    case XV_POLICY_ACTION_PIN:
        steps[0] = XV_POLICY_STEP_PIN;
        return 1;
    case XV_POLICY_ACTION_SETMEM:
        steps[0] = XV_POLICY_STEP_SETMEM;
        return 1;
    case XV_POLICY_ACTION_CAPTURE:
    case XV_POLICY_ACTION_LAST:
    default:
        return 0;
    }
}

uint64_t
xvPolicyStateAddIntent(xvPolicyState *st, const char *policy, xvPolicyActionKind kind,
                       const unsigned char *uuid, const char *name, int vcpu, uint64_t nowMs)
{
    xvPolicyIntent *in;

    st->intents = xvReallocN(st->intents, st->nintents + 1, sizeof(*st->intents));
    in = &st->intents[st->nintents++];
    memset(in, 0, sizeof(*in));
    in->id = ++st->lastIntentId;
    in->policy = xvStrdup(policy);
    in->kind = kind;
    memcpy(in->uuid, uuid, 16);
    xvUUIDFormat(uuid, in->uuidstr);
    in->name = name ? xvStrdup(name) : NULL;
    in->vcpu = vcpu;
    in->startedMs = nowMs;
    in->nsteps = stateStepsOf(kind, in->steps);
    return in->id;
}

xvPolicyIntent *
xvPolicyStateFindIntent(const xvPolicyState *st, uint64_t id)
{
    size_t i;

    for (i = 0; st && i < st->nintents; i++) {
        if (st->intents[i].id == id)
            return &st->intents[i];
    }
    return NULL;
}

bool
xvPolicyStateEndIntent(xvPolicyState *st, uint64_t id)
{
    xvPolicyIntent *in = xvPolicyStateFindIntent(st, id);
    size_t i;

    if (!in)
        return false;
    i = (size_t)(in - st->intents);
    stateIntentClear(in);
    memmove(in, in + 1, (st->nintents - i - 1) * sizeof(*in));
    st->nintents--;
    return true;
}

xvPolicyStep
xvPolicyIntentBeginStep(xvPolicyIntent *in)
{
    if (in->begun > in->done)
        in->done = in->begun;
    if (in->begun >= in->nsteps)
        return XV_POLICY_STEP_LAST;
    return in->steps[in->begun++];
}

/* ---- encoding ------------------------------------------------------------ */

static void
stateWriteEscaped(FILE *f, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s, *run = u;

    /* plain runs in one write each: a captured XML is kilobytes, and the
     * file holds one per domain */
    for (; *u; u++) {
        if (*u <= ' ' || *u >= 0x7f || *u == '%') {
            char esc[3] = { '%', hex[*u >> 4], hex[*u & 0x0f] };

            fwrite(run, 1, (size_t)(u - run), f);
            fwrite(esc, 1, sizeof(esc), f);
            run = u + 1;
        }
    }
    fwrite(run, 1, (size_t)(u - run), f);
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

/* ---- intent lines ---------------------------------------------------------- */

/* The fields an intent line must have, a bit each. */
enum {
    INTENT_ID = 1 << 0, INTENT_POLICY = 1 << 1, INTENT_KIND = 1 << 2, INTENT_UUID = 1 << 3,
    INTENT_STARTED = 1 << 4, INTENT_STEPS = 1 << 5, INTENT_BEGUN = 1 << 6, INTENT_DONE = 1 << 7,
    INTENT_REQUIRED = (1 << 8) - 1,
};

static const char *const intentRequiredNames[] = {
    "id", "policy", "kind", "uuid", "started", "steps", "begun", "done",
};

static int
intentParseKind(const char *value, xvPolicyActionKind *ret)
{
    int k;

    for (k = 0; k < XV_POLICY_ACTION_LAST; k++) {
        xvPolicyStep steps[XV_POLICY_INTENT_MAX_STEPS];

        if (strcmp(value, xvPolicyActionKindName((xvPolicyActionKind)k)) == 0 &&
            stateStepsOf((xvPolicyActionKind)k, steps) > 0) {
            *ret = (xvPolicyActionKind)k;
            return 0;
        }
    }
    return -1;
}

/* "destroy,create" into @in's steps; -1 if a name is unknown or too many. */
static int
intentParseSteps(char *value, xvPolicyIntent *in)
{
    char *save = NULL, *tok;
    int k;

    in->nsteps = 0;
    for (tok = strtok_r(value, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        for (k = 0; k < XV_POLICY_STEP_LAST && strcmp(tok, stateStepNames[k]) != 0; k++) {
        }
        if (k == XV_POLICY_STEP_LAST || in->nsteps == XV_POLICY_INTENT_MAX_STEPS)
            return -1;
        in->steps[in->nsteps++] = (xvPolicyStep)k;
    }
    return in->nsteps > 0 ? 0 : -1;
}

/* One key=value of an intent line; -1 with *why set if wrong. */
static int
intentParseField(xvPolicyIntent *in, const char *key, char *value, unsigned int *have,
                 char *why, size_t whysize)
{
    uint64_t v;

#define INTENT_BAD(...) (snprintf(why, whysize, __VA_ARGS__), -1)
    if (strcmp(key, "policy") == 0 || strcmp(key, "name") == 0) {
        if (stateUnescape(value) < 0 || !*value)
            return INTENT_BAD("%s: not a percent-encoded, non-empty text", key);
        if (key[0] == 'p') {
            free(in->policy);
            in->policy = xvStrdup(value);
            *have |= INTENT_POLICY;
        } else {
            free(in->name);
            in->name = xvStrdup(value);
        }
        return 0;
    }
    if (strcmp(key, "uuid") == 0) {
        if (value[strcspn(value, " \t\n\v\f\r")] != '\0' || xvUUIDParse(value, in->uuid) < 0)
            return INTENT_BAD("uuid: '%s' is not a UUID", value);
        xvUUIDFormat(in->uuid, in->uuidstr);
        *have |= INTENT_UUID;
        return 0;
    }
    if (strcmp(key, "kind") == 0) {
        if (intentParseKind(value, &in->kind) < 0)
            return INTENT_BAD("kind: '%s' is not restart, pin or setmem", value);
        *have |= INTENT_KIND;
        return 0;
    }
    if (strcmp(key, "steps") == 0) {
        if (intentParseSteps(value, in) < 0)
            return INTENT_BAD("steps: expected up to %d of destroy, create, pin, setmem, "
                              "comma-separated", XV_POLICY_INTENT_MAX_STEPS);
        *have |= INTENT_STEPS;
        return 0;
    }
    if (strcmp(key, "vcpu") == 0) {
        if (strcmp(value, "-1") == 0) {
            in->vcpu = -1;
            return 0;
        }
        if (stateParseU64(value, &v) < 0 || v > INT32_MAX)
            return INTENT_BAD("vcpu: '%s' is not -1 or a vcpu number", value);
        in->vcpu = (int)v;
        return 0;
    }
    if (stateParseU64(value, &v) < 0) {
        if (strcmp(key, "id") && strcmp(key, "started") && strcmp(key, "begun") &&
            strcmp(key, "done"))
            return INTENT_BAD("unknown field '%s'", key);
        return INTENT_BAD("%s: '%s' is not a number", key, value);
    }
    if (strcmp(key, "id") == 0 && v > 0) {
        in->id = v;
        *have |= INTENT_ID;
    } else if (strcmp(key, "started") == 0) {
        in->startedMs = v;
        *have |= INTENT_STARTED;
    } else if (strcmp(key, "begun") == 0 && v <= XV_POLICY_INTENT_MAX_STEPS) {
        in->begun = (size_t)v;
        *have |= INTENT_BEGUN;
    } else if (strcmp(key, "done") == 0 && v <= XV_POLICY_INTENT_MAX_STEPS) {
        in->done = (size_t)v;
        *have |= INTENT_DONE;
    } else if (strcmp(key, "id") == 0 || strcmp(key, "begun") == 0 ||
               strcmp(key, "done") == 0) {
        return INTENT_BAD("%s: %" PRIu64 " is out of range", key, v);
    } else {
        return INTENT_BAD("unknown field '%s'", key);
    }
    return 0;
#undef INTENT_BAD
}

/* Whether a parsed intent holds together as a whole; if not, *why says why. */
static bool
intentCheck(const xvPolicyState *st, const xvPolicyIntent *in, unsigned int have,
            char *why, size_t whysize)
{
    xvPolicyStep steps[XV_POLICY_INTENT_MAX_STEPS];
    size_t i, n;

    for (i = 0; i < XV_N_ELEMENTS(intentRequiredNames); i++) {
        if (!(have & (1u << i))) {
            snprintf(why, whysize, "field '%s' missing", intentRequiredNames[i]);
            return false;
        }
    }
    n = stateStepsOf(in->kind, steps);
    if (n != in->nsteps || memcmp(steps, in->steps, n * sizeof(steps[0])) != 0) {
        snprintf(why, whysize, "steps: not those of a %s", xvPolicyActionKindName(in->kind));
        return false;
    }
    if (in->done > in->begun || in->begun > in->done + 1 || in->begun > in->nsteps) {
        snprintf(why, whysize, "begun=%zu done=%zu: not a point in %zu steps run in order",
                 in->begun, in->done, in->nsteps);
        return false;
    }
    if (xvPolicyStateFindIntent(st, in->id)) {
        snprintf(why, whysize, "id %" PRIu64 " given twice", in->id);
        return false;
    }
    return true;
}

/* Parses the fields of an "intent ..." line (after its first word) into a
 * new intent of @st; -1 with *why set if malformed. */
static int
stateParseIntent(xvPolicyState *st, char **save, char *why, size_t whysize)
{
    xvPolicyIntent in = { .vcpu = -1 };
    unsigned int have = 0;
    char *tok;

    while ((tok = strtok_r(NULL, " ", save))) {
        char *eq = strchr(tok, '=');

        if (!eq) {
            snprintf(why, whysize, "'%.40s' is not key=value", tok);
            goto error;
        }
        *eq = '\0';
        if (intentParseField(&in, tok, eq + 1, &have, why, whysize) < 0)
            goto error;
    }
    if (!intentCheck(st, &in, have, why, whysize))
        goto error;
    st->intents = xvReallocN(st->intents, st->nintents + 1, sizeof(*st->intents));
    st->intents[st->nintents++] = in;
    if (in.id > st->lastIntentId)
        st->lastIntentId = in.id;
    return 0;

 error:
    stateIntentClear(&in);
    return -1;
}

/* ---- domain lines ------------------------------------------------------------ */

/* Parses one "restart ..." or "intent ..." line into @st; -1 if
 * malformed, with *why set when there is more to say than the line. */
static int
stateParseLine(xvPolicyState *st, char *line, char *why, size_t whysize)
{
    xvRestartEntry e = { .xmlId = -1 };
    char *save = NULL, *tok;
    bool haveUUID = false;

    tok = strtok_r(line, " ", &save);
    if (tok && strcmp(tok, "intent") == 0) {
        if (stateParseIntent(st, &save, why, whysize) == 0)
            return 0;
        return -1;
    }
    if (!tok || strcmp(tok, "restart") != 0)
        return -1;
    /* the domains come first */
    if (st->nintents > 0) {
        snprintf(why, whysize, "a restart line after the intents");
        return -1;
    }
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
    stateAppend(st, &e);
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
 * in *retLine, and what is wrong with it in @why if known, else ""). */
static int
stateRead(xvPolicyState *st, const char *path, size_t *retLine, char *why, size_t whysize)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    FILE *f;

    why[0] = '\0';
    if (!(f = stateOpen(path, &rc, why, whysize)))
        return rc;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len == 0 || line[len - 1] != '\n') {
            /* a truncated file */
            snprintf(why, whysize, "the line is cut short (no newline)");
            rc = -EINVAL;
            break;
        }
        line[len - 1] = '\0';
        if (lineno == 1 ? strcmp(line, STATE_HEADER) != 0 :
            stateParseLine(st, line, why, whysize) < 0) {
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

static bool
stateHasIntent(const xvPolicyState *st, const unsigned char *uuid, xvPolicyActionKind kind)
{
    size_t i;

    for (i = 0; i < st->nintents; i++) {
        if (st->intents[i].kind == kind && memcmp(st->intents[i].uuid, uuid, 16) == 0)
            return true;
    }
    return false;
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
        char reason[256];
        char *aside;

        /* line 0: the file could not even be opened */
        if (line == 0)
            snprintf(reason, sizeof(reason), "%s", why[0] ? why : strerror(-rc));
        else
            snprintf(reason, sizeof(reason), "%s at line %zu%s%s",
                     rc == -EINVAL ? "malformed" : strerror(-rc), line, why[0] ? ": " : "",
                     why);
        snprintf(suffix, sizeof(suffix), ".corrupt-%lld", (long long)time(NULL));
        aside = statePath(dir, suffix);
        for (i = 0; i < st->n; i++)
            stateEntryClear(&st->entries[i]);
        st->n = 0;
        stateReindex(st);
        stateClearIntents(st);
        st->lastIntentId = 0;
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
         * it stays counted, so it is never repeated at once; with an
         * intent, the actuator finishes it */
        if (e->inProgressMs && !stateHasIntent(st, e->uuid, XV_POLICY_ACTION_RESTART)) {
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

static void
stateWriteIntent(FILE *f, const xvPolicyIntent *in)
{
    size_t i;

    fprintf(f, "intent id=%" PRIu64 " policy=", in->id);
    stateWriteEscaped(f, in->policy);
    fprintf(f, " kind=%s uuid=%s vcpu=%d started=%" PRIu64 " steps=",
            xvPolicyActionKindName(in->kind), in->uuidstr, in->vcpu, in->startedMs);
    for (i = 0; i < in->nsteps; i++)
        fprintf(f, "%s%s", i ? "," : "", xvPolicyStepName(in->steps[i]));
    fprintf(f, " begun=%zu done=%zu", in->begun, in->done);
    if (in->name) {
        fputs(" name=", f);
        stateWriteEscaped(f, in->name);
    }
    fputc('\n', f);
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
    for (i = 0; i < st->nintents; i++)
        stateWriteIntent(f, &st->intents[i]);
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
    if (st && kept != st->n) {
        st->n = kept;
        stateReindex(st);
    }
    if (retChanged && changed)
        *retChanged = true;
    return dropped;
}
