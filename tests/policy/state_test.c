/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state_test.c: the policies' bookkeeping: atomic save, reload, corrupt and interrupted files. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "xvtest.h"

static const unsigned char uuid1[16] = { 0xab, [15] = 1 };
static const unsigned char uuid2[16] = { 0xab, [15] = 2 };

static char *
pathIn(const char *dir, const char *name)
{
    char *p = NULL;

    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

static void
writeFile(const char *dir, const char *name, const char *text)
{
    char *p = pathIn(dir, name);
    FILE *f = fopen(p, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

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
            char *p = pathIn(dir, ents[i]->d_name);

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
        "",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *dir = xvTestTempDir();
        char *warning = NULL;
        xvPolicyState *st;
        char *names;

        writeFile(dir, "policy-state", bad[i]);
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
test_attempt_in_progress_stays_counted_after_a_crash_of_the_agent(void **state)
{
    char *dir = xvTestTempDir();
    char *warning = NULL;
    xvPolicyState *st;
    xvRestartEntry *e;

    (void)state;
    writeFile(dir, "policy-state", "xvirt-policy-state 1\n"
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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_saved_bookkeeping_reloads_identically),
    cmocka_unit_test(test_missing_file_gives_empty_bookkeeping),
    cmocka_unit_test(test_corrupt_file_is_moved_aside_and_bookkeeping_starts_empty),
    cmocka_unit_test(test_attempt_in_progress_stays_counted_after_a_crash_of_the_agent),
    cmocka_unit_test(test_attempt_window_keeps_the_latest_attempts),
};

XV_TEST_MAIN(tests)
