/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state_test.c: the policies' bookkeeping: atomic save, reload, corrupt and interrupted files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/policy/state.h"
#include "util/xvalloc.h"
#include "util/xvlog.h"
#include "util/xvmacros.h"
#include "xvtest.h"

#define HOUR_MS (UINT64_C(60) * 60 * 1000)
#define DAY_MS (24 * HOUR_MS)
#define NOW (UINT64_C(1800000000000))   /* a fake realtime clock, in ms */

static const unsigned char uuid1[16] = { 0xab, [15] = 1 };
static const unsigned char uuid2[16] = { 0xab, [15] = 2 };

/* The names in @dir, sorted, space-separated. */
static char *
listDir(const char *dir)
{
    struct dirent **ents;
    char *out = calloc(1, 1024);
    int n, i;

    n = scandir(dir, &ents, NULL, alphasort);
    assert_true(n >= 0);
    for (i = 0; i < n; i++) {
        if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
            strncat(out, ents[i]->d_name, 1000 - strlen(out));
            strcat(out, " ");
        }
        free(ents[i]);
    }
    free(ents);
    return out;
}

static void
removeDir(char *dir)
{
    struct dirent **ents;
    int n, i;

    n = scandir(dir, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
            char *p = xvTestPathIn(dir, ents[i]->d_name);

            unlink(p);
            free(p);
        }
        free(ents[i]);
    }
    free(ents);
    rmdir(dir);
    free(dir);
}

static void
test_saved_bookkeeping_reloads_identically(void **state)
{
    char *dir = xvTestTempDir();
    xvPolicyState *st = xvPolicyStateNew(dir);
    xvRestartEntry *e = xvPolicyStateGet(st, uuid1, "web 01%");
    char *warning = (char *)"unset";
    char *names;

    (void)state;
    e->xml = strdup("<domain type='xen'>\n  <name>web 01%</name>\t\n</domain>");
    e->xmlId = 12;
    xvRestartEntryAddAttempt(e, 1000);
    xvRestartEntryAddAttempt(e, 2000);
    e->retryAtMs = 7000;
    e = xvPolicyStateGet(st, uuid2, "db");
    e->gaveUp = true;
    assert_int_equal(xvPolicyStateSave(st), 0);
    xvPolicyStateFree(st);

    /* only the file itself: the temporary one was renamed over it */
    names = listDir(dir);
    assert_string_equal(names, "policy-state ");
    free(names);

    st = xvPolicyStateLoad(dir, &warning);
    assert_null(warning);
    assert_int_equal(st->n, 2);
    e = xvPolicyStateFind(st, uuid1);
    assert_non_null(e);
    assert_string_equal(e->name, "web 01%");
    assert_string_equal(e->xml, "<domain type='xen'>\n  <name>web 01%</name>\t\n</domain>");
    assert_int_equal(e->xmlId, 12);
    assert_int_equal(e->nattempts, 2);
    assert_int_equal(e->attemptsMs[1], 2000);
    assert_int_equal(e->total, 2);
    assert_int_equal(e->retryAtMs, 7000);
    assert_false(e->gaveUp);
    e = xvPolicyStateFind(st, uuid2);
    assert_string_equal(e->uuidstr, "ab000000-0000-0000-0000-000000000002");
    assert_true(e->gaveUp);
    assert_null(e->xml);
    assert_int_equal(e->xmlId, -1);
    xvPolicyStateFree(st);
    removeDir(dir);
}

static void
test_missing_file_gives_empty_bookkeeping(void **state)
{
    char *dir = xvTestTempDir();
    char *warning = NULL;
    xvPolicyState *st;

    (void)state;
    st = xvPolicyStateLoad(dir, &warning);
    assert_null(warning);
    assert_int_equal(st->n, 0);
    xvPolicyStateFree(st);
    removeDir(dir);
}

static void
test_corrupt_file_is_moved_aside_and_bookkeeping_starts_empty(void **state)
{
    static const char *const bad[] = {
        "garbage\n",
        "xvirt-policy-state 1\nrestart uuid=zz total=1\n",
        "xvirt-policy-state 1\nrestart uuid=ab000000-0000-0000-0000-000000000001 total=x\n",
        "xvirt-policy-state 1\nrestart uuid=ab000000-0000-0000-0000-000000000001 total=1",
        "xvirt-policy-state 1\nrestart total=1\n",
        "xvirt-policy-state 1\nrestart uuid=ab000000-0000-0000-0000-000000000001 name=%0\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        char *dir = xvTestTempDir();
        char *warning = NULL;
        xvPolicyState *st;
        char *names;

        xvTestWriteText(dir, "policy-state", bad[i]);
        st = xvPolicyStateLoad(dir, &warning);
        assert_non_null(st);
        assert_int_equal(st->n, 0);
        assert_non_null(warning);
        assert_non_null(strstr(warning, "starting with empty bookkeeping"));
        names = listDir(dir);
        assert_non_null(strstr(names, "policy-state.corrupt-"));
        assert_null(strstr(names, "policy-state "));
        free(names);
        free(warning);
        /* and it can be saved again */
        assert_int_equal(xvPolicyStateSave(st), 0);
        xvPolicyStateFree(st);
        removeDir(dir);
    }
}

static void
test_empty_file_is_no_bookkeeping_yet_with_a_warning(void **state)
{
    char *dir = xvTestTempDir();
    char *warning = NULL;
    xvPolicyState *st;
    char *names;

    (void)state;
    xvTestWriteText(dir, "policy-state", "");
    st = xvPolicyStateLoad(dir, &warning);
    assert_int_equal(st->n, 0);
    assert_non_null(warning);
    assert_non_null(strstr(warning, "policy-state: empty, no bookkeeping yet"));
    assert_null(strstr(warning, "Invalid argument"));
    /* left where it is: nothing in it to keep */
    names = listDir(dir);
    assert_null(strstr(names, "corrupt"));
    free(names);
    free(warning);
    xvPolicyStateFree(st);
    removeDir(dir);
}

/* A bookkeeping line that, read, would make the agent start a domain. */
#define FORGED_STATE "xvirt-policy-state 1\n" \
    "restart uuid=ab000000-0000-0000-0000-000000000001 total=1 retry_at=0 gave_up=0 " \
    "in_progress=0 xml_id=0 attempts=1 name=forged\n"

static void
test_state_writable_by_others_is_not_read(void **state)
{
    static const struct {
        mode_t fileMode, dirMode;
        const char *why;
    } cases[] = {
        { 0666, 0700, "writable by any user (mode 0666)" },
        { 0620, 0700, "writable by group" },
        { 0600, 0770, "its directory '" },
        { 0600, 0707, "is writable by any user (mode 0707)" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *dir = xvTestTempDir();
        char *path = xvTestPathIn(dir, "policy-state");
        char *warning = NULL;
        xvPolicyState *st;

        xvTestWriteText(dir, "policy-state", FORGED_STATE);
        assert_int_equal(chmod(path, cases[i].fileMode), 0);
        assert_int_equal(chmod(dir, cases[i].dirMode), 0);
        st = xvPolicyStateLoad(dir, &warning);
        assert_int_equal(st->n, 0);
        assert_non_null(warning);
        if (!strstr(warning, "untrusted, not read") || !strstr(warning, cases[i].why))
            fail_msg("case %zu: warning '%s'", i, warning);
        free(warning);
        /* and the next save replaces it with the agent's own */
        assert_int_equal(chmod(dir, 0700), 0);
        assert_int_equal(xvPolicyStateSave(st), 0);
        xvPolicyStateFree(st);
        warning = NULL;
        st = xvPolicyStateLoad(dir, &warning);
        assert_null(warning);
        assert_int_equal(st->n, 0);
        xvPolicyStateFree(st);
        free(path);
        removeDir(dir);
    }
}

static void
test_trusted_state_is_read(void **state)
{
    char *dir = xvTestTempDir();
    char *warning = NULL;
    xvPolicyState *st;

    (void)state;
    xvTestWriteText(dir, "policy-state", FORGED_STATE);
    st = xvPolicyStateLoad(dir, &warning);
    assert_null(warning);
    assert_int_equal(st->n, 1);
    xvPolicyStateFree(st);
    removeDir(dir);
}

static void
test_fifo_as_state_file_is_moved_aside_without_blocking(void **state)
{
    char *dir = xvTestTempDir();
    char *path = xvTestPathIn(dir, "policy-state");
    char *warning = NULL;
    xvPolicyState *st;
    char *names;

    (void)state;
    assert_int_equal(mkfifo(path, 0600), 0);
    st = xvPolicyStateLoad(dir, &warning);
    assert_int_equal(st->n, 0);
    assert_non_null(warning);
    assert_non_null(strstr(warning, "not a regular file (a FIFO)"));
    names = listDir(dir);
    assert_non_null(strstr(names, "policy-state.corrupt-"));
    free(names);
    free(warning);
    xvPolicyStateFree(st);
    free(path);
    removeDir(dir);
}

static void
test_attempt_in_progress_stays_counted_after_a_crash_of_the_agent(void **state)
{
    char *dir = xvTestTempDir();
    char *warning = NULL;
    xvPolicyState *st;
    xvRestartEntry *e;

    (void)state;
    xvTestWriteText(dir, "policy-state", "xvirt-policy-state 1\n"
              "restart uuid=ab000000-0000-0000-0000-000000000001 total=3 retry_at=9000 "
              "gave_up=0 in_progress=5000 xml_id=4 attempts=4000,5000 name=web01\n");
    st = xvPolicyStateLoad(dir, &warning);
    assert_non_null(warning);
    assert_non_null(strstr(warning, "restart of domain 'web01'"));
    assert_non_null(strstr(warning, "counted as an attempt"));
    e = xvPolicyStateFind(st, uuid1);
    assert_int_equal(e->inProgressMs, 0);
    assert_int_equal(e->total, 3);
    assert_int_equal(e->nattempts, 2);
    assert_int_equal(e->retryAtMs, 9000);
    free(warning);
    xvPolicyStateFree(st);
    removeDir(dir);
}

static void
test_attempt_window_keeps_the_latest_attempts(void **state)
{
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvRestartEntry *e = xvPolicyStateGet(st, uuid1, "a");
    size_t i;

    (void)state;
    for (i = 1; i <= XV_POLICY_MAX_BURST + 5; i++)
        xvRestartEntryAddAttempt(e, i * 10);
    assert_int_equal(e->nattempts, XV_POLICY_MAX_BURST);
    assert_int_equal(e->total, XV_POLICY_MAX_BURST + 5);
    assert_int_equal(e->attemptsMs[0], 60);
    assert_int_equal(xvRestartEntryAttemptsSince(e, (XV_POLICY_MAX_BURST + 3) * 10), 2);
    assert_true(xvPolicyStateClearGiveUps(st));
    assert_int_equal(e->nattempts, 0);
    assert_int_equal(e->total, XV_POLICY_MAX_BURST + 5);
    assert_false(xvPolicyStateClearGiveUps(st));
    /* without a directory, saving is a no-op */
    assert_int_equal(xvPolicyStateSave(st), 0);
    xvPolicyStateFree(st);
}

/* ---- last seen, pruning ---------------------------------------------------- */

static void
test_last_seen_is_persisted_and_old_files_load_without_it(void **state)
{
    char *dir = xvTestTempDir();
    xvPolicyState *st = xvPolicyStateNew(dir);
    char *warning = NULL;
    char *text, *path;

    (void)state;
    xvPolicyStateGet(st, uuid1, "a")->lastSeenMs = NOW;
    assert_int_equal(xvPolicyStateSave(st), 0);
    xvPolicyStateFree(st);
    path = xvTestPathIn(dir, "policy-state");
    text = xvTestReadFile(path);
    assert_non_null(strstr(text, " last_seen=1800000000000 "));
    free(text);
    st = xvPolicyStateLoad(dir, &warning);
    assert_null(warning);
    assert_int_equal(xvPolicyStateFind(st, uuid1)->lastSeenMs, NOW);
    xvPolicyStateFree(st);

    /* a line written before last_seen existed */
    xvTestWriteText(dir, "policy-state", "xvirt-policy-state 1\n"
              "restart uuid=ab000000-0000-0000-0000-000000000001 total=1 retry_at=0 "
              "gave_up=0 in_progress=0 xml_id=-1 attempts=5 name=a\n");
    st = xvPolicyStateLoad(dir, &warning);
    assert_null(warning);
    assert_int_equal(st->n, 1);
    assert_int_equal(xvPolicyStateFind(st, uuid1)->lastSeenMs, 0);
    assert_int_equal(xvPolicyStateFind(st, uuid1)->total, 1);
    xvPolicyStateFree(st);
    free(path);
    removeDir(dir);
}

static void
test_seen_moves_on_in_steps_so_that_a_save_is_rarely_needed(void **state)
{
    xvPolicyState *st = xvPolicyStateNew(NULL);
    unsigned char uuids[32];
    xvRestartEntry *e;

    (void)state;
    memcpy(uuids, uuid1, 16);
    memcpy(uuids + 16, uuid2, 16);
    xvPolicyStateGet(st, uuid1, "a");
    xvPolicyStateGet(st, uuid2, "b");
    e = xvPolicyStateFind(st, uuid1);
    /* first sighting: a change */
    assert_int_equal(xvPolicyStateSeen(st, uuids, 2, NOW), 2);
    assert_int_equal(e->lastSeenMs, NOW);
    /* within the step: nothing to save */
    assert_int_equal(xvPolicyStateSeen(st, uuids, 2, NOW + XV_POLICY_SEEN_STEP_MS - 1), 0);
    assert_int_equal(e->lastSeenMs, NOW);
    /* only the domains shown count */
    assert_int_equal(xvPolicyStateSeen(st, uuids + 16, 1, NOW + XV_POLICY_SEEN_STEP_MS), 1);
    assert_int_equal(e->lastSeenMs, NOW);
    assert_int_equal(xvPolicyStateFind(st, uuid2)->lastSeenMs, NOW + XV_POLICY_SEEN_STEP_MS);
    /* a clock stepped back is followed */
    assert_int_equal(xvPolicyStateSeen(st, uuids, 1, NOW - 1000), 1);
    assert_int_equal(e->lastSeenMs, NOW - 1000);
    assert_int_equal(xvPolicyStateSeen(st, uuids, 0, NOW), 0);
    assert_int_equal(xvPolicyStateSeen(NULL, uuids, 2, NOW), 0);
    xvPolicyStateFree(st);
}

static void
test_prune_drops_domains_gone_longer_than_the_retention(void **state)
{
    xvPolicyState *st = xvPolicyStateNew(NULL);
    const uint64_t retention = 7 * DAY_MS;
    bool changed = false;

    (void)state;
    xvPolicyStateGet(st, uuid1, "gone")->lastSeenMs = NOW;
    xvPolicyStateGet(st, uuid2, "here")->lastSeenMs = NOW + 6 * DAY_MS;
    xvPolicyStateGet(st, uuid1, NULL)->xml = strdup("<domain/>");
    /* the retention plus one step of lastSeenMs, not a millisecond earlier */
    assert_int_equal(xvPolicyStatePrune(st, NOW + retention + XV_POLICY_SEEN_STEP_MS,
                                        retention, &changed), 0);
    assert_false(changed);
    assert_int_equal(st->n, 2);
    assert_int_equal(xvPolicyStatePrune(st, NOW + retention + XV_POLICY_SEEN_STEP_MS + 1,
                                        retention, &changed), 1);
    assert_true(changed);
    assert_int_equal(st->n, 1);
    assert_null(xvPolicyStateFind(st, uuid1));
    assert_string_equal(xvPolicyStateFind(st, uuid2)->name, "here");
    assert_int_equal(xvPolicyStatePrune(st, NOW + 15 * DAY_MS, retention, NULL), 1);
    assert_int_equal(st->n, 0);
    assert_int_equal(xvPolicyStatePrune(NULL, NOW, retention, NULL), 0);
    xvPolicyStateFree(st);
}

static void
test_prune_keeps_domains_given_up_in_backoff_or_in_progress(void **state)
{
    static const unsigned char uuid3[16] = { 0xab, [15] = 3 };
    static const unsigned char uuid4[16] = { 0xab, [15] = 4 };
    xvPolicyState *st = xvPolicyStateNew(NULL);
    const uint64_t later = NOW + 30 * DAY_MS;
    xvRestartEntry *e;

    (void)state;
    e = xvPolicyStateGet(st, uuid1, "given-up");
    e->lastSeenMs = NOW;
    e->gaveUp = true;
    e = xvPolicyStateGet(st, uuid2, "backing-off");
    e->lastSeenMs = NOW;
    e->retryAtMs = later + 1;
    e = xvPolicyStateGet(st, uuid3, "in-progress");
    e->lastSeenMs = NOW;
    e->inProgressMs = NOW;
    e = xvPolicyStateGet(st, uuid4, "backoff-over");
    e->lastSeenMs = NOW;
    e->retryAtMs = later;
    assert_int_equal(xvPolicyStatePrune(st, later, DAY_MS, NULL), 1);
    assert_int_equal(st->n, 3);
    assert_null(xvPolicyStateFind(st, uuid4));
    /* once that is over (a SIGHUP clears give-ups and back-offs), they go */
    xvPolicyStateFind(st, uuid3)->inProgressMs = 0;
    assert_true(xvPolicyStateClearGiveUps(st));
    assert_int_equal(xvPolicyStatePrune(st, later, DAY_MS, NULL), 3);
    assert_int_equal(st->n, 0);
    xvPolicyStateFree(st);
}

static void
test_prune_starts_the_retention_of_entries_never_seen(void **state)
{
    xvPolicyState *st = xvPolicyStateNew(NULL);
    bool changed = false;

    (void)state;
    xvPolicyStateGet(st, uuid1, "old-file");
    xvPolicyStateGet(st, uuid2, "future")->lastSeenMs = NOW + DAY_MS;
    assert_int_equal(xvPolicyStatePrune(st, NOW, HOUR_MS, &changed), 0);
    assert_true(changed);
    assert_int_equal(xvPolicyStateFind(st, uuid1)->lastSeenMs, NOW);
    assert_int_equal(xvPolicyStateFind(st, uuid2)->lastSeenMs, NOW);
    changed = false;
    assert_int_equal(xvPolicyStatePrune(st, NOW + 2 * HOUR_MS, HOUR_MS, &changed), 0);
    assert_false(changed);
    assert_int_equal(xvPolicyStatePrune(st, NOW + 2 * HOUR_MS + 1, HOUR_MS, &changed), 2);
    assert_true(changed);
    xvPolicyStateFree(st);
}

/* ---- failed saves ---------------------------------------------------------- */

static void
test_failed_saves_are_counted_and_logged_at_most_once_a_minute(void **state)
{
    char *dir = xvTestTempDir();
    char *blocker = xvTestPathIn(dir, "blocker");
    char *sdir = xvTestPathIn(dir, "blocker/state");
    xvPolicyState *st = xvPolicyStateNew(sdir);
    char *log, *expected = NULL;
    int i;

    (void)state;
    /* a file where the directory should be: ENOTDIR, even for root */
    xvTestWriteText(dir, "blocker", "");
    xvPolicyStateGet(st, uuid1, "a");
    xvTestStderrBegin();
    assert_int_equal(xvPolicyStateCommit(st, NOW), -ENOTDIR);
    for (i = 1; i <= 5; i++)
        assert_int_equal(xvPolicyStateCommit(st, NOW + (uint64_t)i * 10000), -ENOTDIR);
    /* a minute after the first line: one summary of the 6 since */
    assert_int_equal(xvPolicyStateCommit(st, NOW + 60000), -ENOTDIR);
    assert_int_equal(xvPolicyStateCommit(st, NOW + 70000), -ENOTDIR);
    assert_int_equal(st->saveErrorsTotal, 8);
    assert_int_equal(st->saveFailures, 8);
    assert_int_equal(st->saveUnlogged, 1);
    /* the directory can be written again */
    assert_int_equal(unlink(blocker), 0);
    assert_int_equal(mkdir(blocker, 0700), 0);
    assert_int_equal(xvPolicyStateCommit(st, NOW + 80000), 0);
    assert_int_equal(xvPolicyStateCommit(st, NOW + 90000), 0);
    log = xvTestStderrEnd();
    assert_true(asprintf(&expected,
        "<3>policy: cannot save the bookkeeping in '%s': Not a directory (the policies go on; "
        "failures are counted in xvirt_policy_state_save_errors_total and logged at most "
        "once a minute)\n"
        "<3>policy: still cannot save the bookkeeping in '%s': Not a directory (7 failed "
        "saves in a row, 6 since the last message)\n"
        "<5>policy: bookkeeping saved again in '%s' after 8 failed saves\n",
        sdir, sdir, sdir) > 0);
    assert_string_equal(log, expected);
    assert_int_equal(st->saveErrorsTotal, 8);
    assert_int_equal(st->saveFailures, 0);
    free(expected);
    free(log);

    /* a new run of failures starts with a full error line again */
    free(st->dir);
    st->dir = xvTestPathIn(sdir, "policy-state/sub");     /* under the file just saved */
    xvTestStderrBegin();
    assert_int_equal(xvPolicyStateCommit(st, NOW + 100000), -ENOTDIR);
    log = xvTestStderrEnd();
    assert_true(asprintf(&expected, "<3>policy: cannot save the bookkeeping in '%s': Not a "
                         "directory (the policies go on; failures are counted in "
                         "xvirt_policy_state_save_errors_total and logged at most once a "
                         "minute)\n", st->dir) > 0);
    assert_string_equal(log, expected);
    assert_int_equal(st->saveErrorsTotal, 9);
    free(expected);
    free(log);
    xvPolicyStateFree(st);
    removeDir(sdir);
    assert_int_equal(rmdir(blocker), 0);
    free(blocker);
    removeDir(dir);
}

static void
test_commit_without_a_directory_is_a_quiet_no_op(void **state)
{
    xvPolicyState *st = xvPolicyStateNew(NULL);

    (void)state;
    xvPolicyStateGet(st, uuid1, "a");
    assert_int_equal(xvPolicyStateCommit(st, NOW), 0);
    assert_int_equal(st->saveErrorsTotal, 0);
    xvPolicyStateFree(st);
}


/* ---- intents -------------------------------------------------------------- */

static void
test_intents_are_saved_and_reload_identically(void **state)
{
    char *dir = xvTestTempDir();
    xvPolicyState *st = xvPolicyStateNew(dir);
    char *warning = NULL;
    xvPolicyIntent *in;
    uint64_t a, b;

    (void)state;
    xvPolicyStateGet(st, uuid1, "web01")->inProgressMs = NOW;
    a = xvPolicyStateAddIntent(st, "restart", XV_POLICY_ACTION_RESTART, uuid1, "web01", -1, NOW);
    b = xvPolicyStateAddIntent(st, "pin it", XV_POLICY_ACTION_PIN, uuid2, "a b%", 3, NOW + 1);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    in = xvPolicyStateFindIntent(st, a);
    assert_int_equal(xvPolicyIntentBeginStep(in), XV_POLICY_STEP_DESTROY);
    assert_int_equal(xvPolicyIntentBeginStep(in), XV_POLICY_STEP_CREATE);
    assert_int_equal(xvPolicyStateSave(st), 0);
    xvPolicyStateFree(st);

    st = xvPolicyStateLoad(dir, &warning);
    /* the attempt in progress has its intent: no warning, the actuator finishes it */
    assert_null(warning);
    assert_int_equal(st->nintents, 2);
    in = xvPolicyStateFindIntent(st, a);
    assert_non_null(in);
    assert_string_equal(in->policy, "restart");
    assert_int_equal(in->kind, XV_POLICY_ACTION_RESTART);
    assert_memory_equal(in->uuid, uuid1, 16);
    assert_string_equal(in->uuidstr, "ab000000-0000-0000-0000-000000000001");
    assert_string_equal(in->name, "web01");
    assert_int_equal(in->vcpu, -1);
    assert_int_equal(in->startedMs, NOW);
    assert_int_equal(in->nsteps, 2);
    assert_int_equal(in->steps[0], XV_POLICY_STEP_DESTROY);
    assert_int_equal(in->steps[1], XV_POLICY_STEP_CREATE);
    assert_int_equal(in->begun, 2);
    assert_int_equal(in->done, 1);
    in = xvPolicyStateFindIntent(st, b);
    assert_string_equal(in->policy, "pin it");
    assert_string_equal(in->name, "a b%");
    assert_int_equal(in->kind, XV_POLICY_ACTION_PIN);
    assert_int_equal(in->vcpu, 3);
    assert_int_equal(in->nsteps, 1);
    assert_int_equal(in->steps[0], XV_POLICY_STEP_PIN);
    assert_int_equal(in->begun, 0);
    /* ids go on after the highest one loaded */
    assert_int_equal(xvPolicyStateAddIntent(st, "b", XV_POLICY_ACTION_SETMEM, uuid1, NULL, -1,
                                            NOW), 3);
    assert_true(xvPolicyStateEndIntent(st, a));
    assert_false(xvPolicyStateEndIntent(st, a));
    assert_int_equal(st->nintents, 2);
    assert_int_equal(st->intents[0].id, b);
    assert_int_equal(xvPolicyStateSave(st), 0);
    xvPolicyStateFree(st);

    st = xvPolicyStateLoad(dir, NULL);
    assert_int_equal(st->nintents, 2);
    assert_null(xvPolicyStateFindIntent(st, a));
    assert_null(xvPolicyStateFindIntent(st, 3)->name);
    xvPolicyStateFree(st);
    removeDir(dir);
}

static void
test_intent_steps_begin_in_order_and_end_after_the_last(void **state)
{
    xvPolicyState *st = xvPolicyStateNew(NULL);
    xvPolicyIntent *in;

    (void)state;
    in = xvPolicyStateFindIntent(st, xvPolicyStateAddIntent(st, "p", XV_POLICY_ACTION_SETMEM,
                                                             uuid1, "a", -1, NOW));
    assert_int_equal(in->begun, 0);
    assert_int_equal(xvPolicyIntentBeginStep(in), XV_POLICY_STEP_SETMEM);
    assert_int_equal(in->begun, 1);
    assert_int_equal(in->done, 0);
    assert_int_equal(xvPolicyIntentBeginStep(in), XV_POLICY_STEP_LAST);
    assert_int_equal(in->done, 1);
    assert_string_equal(xvPolicyStepName(XV_POLICY_STEP_CREATE), "create");
    assert_null(xvPolicyStepName(XV_POLICY_STEP_LAST));
    xvPolicyStateFree(st);
}

#define INTENT_OK "intent id=1 policy=restart kind=restart uuid=ab000000-0000-0000-0000-000000000001 " \
    "vcpu=-1 started=5000 steps=destroy,create"
#define RESTART_LINE "restart uuid=ab000000-0000-0000-0000-000000000001 total=1 retry_at=9000 " \
    "gave_up=0 in_progress=5000 xml_id=4 attempts=5000 name=web01\n"

static void
test_bad_intent_lines_are_rejected_saying_what_is_wrong(void **state)
{
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { INTENT_OK " begun=1 done=0", "line 2: the line is cut short (no newline)" },
        { INTENT_OK " begun=1\n", "line 2: field 'done' missing" },
        { "intent id=1 policy=restart kind=restart steps=destroy,create begun=0 done=0 "
          "started=1\n", "field 'uuid' missing" },
        { INTENT_OK " begun=3 done=2\n", "begun: 3 is out of range" },
        { INTENT_OK " begun=2 done=0\n", "begun=2 done=0: not a point in 2 steps" },
        { INTENT_OK " begun=0 done=1\n", "begun=0 done=1: not a point in 2 steps" },
        { "intent id=1 policy=restart kind=reboot uuid=ab000000-0000-0000-0000-000000000001 "
          "started=1 steps=destroy begun=0 done=0\n", "kind: 'reboot' is not restart, pin" },
        { "intent id=1 policy=restart kind=capture uuid=ab000000-0000-0000-0000-000000000001 "
          "started=1 steps=destroy begun=0 done=0\n", "kind: 'capture' is not restart" },
        { "intent id=1 policy=p kind=pin uuid=ab000000-0000-0000-0000-000000000001 "
          "started=1 steps=destroy,create begun=0 done=0\n", "steps: not those of a pin" },
        { "intent id=1 policy=p kind=pin uuid=ab000000-0000-0000-0000-000000000001 "
          "started=1 steps=reboot begun=0 done=0\n", "steps: expected up to 2 of destroy" },
        { INTENT_OK " begun=0 done=0 colour=red\n", "unknown field 'colour'" },
        { INTENT_OK " begun=0 done=0 vcpu=x\n", "vcpu: 'x' is not -1 or a vcpu number" },
        { INTENT_OK " begun=0 done=0 name=%zz\n", "name: not a percent-encoded" },
        { INTENT_OK " begun=0 done=0 oops\n", "'oops' is not key=value" },
        { "intent id=0 policy=p kind=pin uuid=ab000000-0000-0000-0000-000000000001 "
          "started=1 steps=pin begun=0 done=0\n", "id: 0 is out of range" },
        { INTENT_OK " begun=0 done=0\n" INTENT_OK " begun=0 done=0\n", "line 3: id 1 given twice" },
        { INTENT_OK " begun=0 done=0\n" RESTART_LINE, "line 3: a restart line after the intents" },
        { "intent id=1 policy=p kind=pin uuid=zz started=1 steps=pin begun=0 done=0\n",
          "uuid: 'zz' is not a UUID" },
        { INTENT_OK " begun=0 done=0 started=soon\n", "started: 'soon' is not a number" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        char *dir = xvTestTempDir();
        char *text = xvAsprintf("xvirt-policy-state 1\n%s", bad[i].line);
        char *warning = NULL;
        xvPolicyState *st;

        xvTestWriteText(dir, "policy-state", text);
        st = xvPolicyStateLoad(dir, &warning);
        assert_non_null(warning);
        if (!strstr(warning, bad[i].why))
            fail_msg("case %zu: '%s' does not say '%s'", i, warning, bad[i].why);
        assert_non_null(strstr(warning, "moved to"));
        assert_int_equal(st->n, 0);
        assert_int_equal(st->nintents, 0);
        /* and it starts afresh: ids from 1 */
        assert_int_equal(xvPolicyStateAddIntent(st, "p", XV_POLICY_ACTION_PIN, uuid1, NULL, 0,
                                                NOW), 1);
        free(warning);
        free(text);
        xvPolicyStateFree(st);
        removeDir(dir);
    }
}

static void
test_files_without_intents_still_load(void **state)
{
    char *dir = xvTestTempDir();
    char *warning = NULL;
    xvPolicyState *st;

    (void)state;
    /* as written before intents (and last_seen) existed */
    xvTestWriteText(dir, "policy-state", "xvirt-policy-state 1\n"
                    "restart uuid=ab000000-0000-0000-0000-000000000001 total=1 retry_at=9000 "
                    "gave_up=0 in_progress=0 xml_id=4 attempts=5000 name=web01\n");
    st = xvPolicyStateLoad(dir, &warning);
    assert_null(warning);
    assert_int_equal(st->n, 1);
    assert_int_equal(st->nintents, 0);
    assert_int_equal(xvPolicyStateAddIntent(st, "p", XV_POLICY_ACTION_PIN, uuid1, NULL, 0, NOW),
                     1);
    xvPolicyStateFree(st);
    removeDir(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_saved_bookkeeping_reloads_identically),
    cmocka_unit_test(test_missing_file_gives_empty_bookkeeping),
    cmocka_unit_test(test_corrupt_file_is_moved_aside_and_bookkeeping_starts_empty),
    cmocka_unit_test(test_empty_file_is_no_bookkeeping_yet_with_a_warning),
    cmocka_unit_test(test_state_writable_by_others_is_not_read),
    cmocka_unit_test(test_trusted_state_is_read),
    cmocka_unit_test(test_fifo_as_state_file_is_moved_aside_without_blocking),
    cmocka_unit_test(test_attempt_in_progress_stays_counted_after_a_crash_of_the_agent),
    cmocka_unit_test(test_attempt_window_keeps_the_latest_attempts),
    cmocka_unit_test(test_last_seen_is_persisted_and_old_files_load_without_it),
    cmocka_unit_test(test_seen_moves_on_in_steps_so_that_a_save_is_rarely_needed),
    cmocka_unit_test(test_prune_drops_domains_gone_longer_than_the_retention),
    cmocka_unit_test(test_prune_keeps_domains_given_up_in_backoff_or_in_progress),
    cmocka_unit_test(test_prune_starts_the_retention_of_entries_never_seen),
    cmocka_unit_test(test_failed_saves_are_counted_and_logged_at_most_once_a_minute),
    cmocka_unit_test(test_commit_without_a_directory_is_a_quiet_no_op),
    cmocka_unit_test(test_intents_are_saved_and_reload_identically),
    cmocka_unit_test(test_intent_steps_begin_in_order_and_end_after_the_last),
    cmocka_unit_test(test_bad_intent_lines_are_rejected_saying_what_is_wrong),
    cmocka_unit_test(test_files_without_intents_still_load),
};

XV_TEST_MAIN(tests)
