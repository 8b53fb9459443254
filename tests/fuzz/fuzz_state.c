/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_state.c: the policies' state file (src/policy/state.c), loaded from
 * a directory as the agent loads it at start. Checks that what a load
 * kept is saved and loads back whole, without a warning.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/policy/state.h"
#include "util/xvalloc.h"

/* Empties @dir: the state file, its temporary and what was moved aside. */
static void
fuzzEmptyDir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *ent;

    if (!d)
        abort();
    while ((ent = readdir(d))) {
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
            unlinkat(dirfd(d), ent->d_name, 0);
    }
    closedir(d);
}

static void
fuzzCheckRoundTrip(const xvPolicyState *st)
{
    char *warning = NULL;
    xvPolicyState *again;
    int rc;

    if ((rc = xvPolicyStateSave(st)) < 0) {
        fprintf(stderr, "cannot save what was loaded: %s\n", strerror(-rc));
        abort();
    }
    again = xvPolicyStateLoad(st->dir, &warning);
    if (warning || again->n != st->n) {
        fprintf(stderr, "saved state of %zu entries loads back as %zu: %s\n", st->n, again->n,
                warning ? warning : "no warning");
        abort();
    }
    xvPolicyStateFree(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    const char *dir = xvFuzzTempDir();
    char *warning = NULL;
    xvPolicyState *st;

    if (!path)
        path = xvAsprintf("%s/%s", dir, XV_POLICY_STATE_FILE);
    xvFuzzWriteFile(path, data, size);
    st = xvPolicyStateLoad(dir, &warning);
    if (st->n > 0)
        fuzzCheckRoundTrip(st);
    xvPolicyStateFree(st);
    free(warning);
    fuzzEmptyDir(dir);
    return 0;
}
