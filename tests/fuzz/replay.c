/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * replay.c: the main() of a harness built without libFuzzer (gcc, the plain
 * and ASan test runs): feeds it every file of the directories given (the
 * seed corpus and the regressions), in name order, hidden files excepted,
 * and prints TAP, one test per file. A file that breaks the code under
 * test aborts the harness, so the TAP stream ends early and the test fails
 * after naming the file ("# replaying PATH").
 *   fuzz_TARGET-replay DIR|FILE...
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/xvalloc.h"

typedef struct {
    char **paths;
    size_t n;
} replayList;

static void
replayAdd(replayList *list, char *path)
{
    list->paths = xvReallocN(list->paths, list->n + 1, sizeof(*list->paths));
    list->paths[list->n++] = path;
}

static int
replayCompareNames(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int
replayNotHidden(const struct dirent *ent)
{
    return ent->d_name[0] != '.';
}

/* Adds @arg, or the files of the directory @arg; -1 if it cannot be read. */
static int
replayCollect(replayList *list, const char *arg)
{
    struct dirent **ents;
    struct stat st;
    int n;

    if (stat(arg, &st) < 0) {
        fprintf(stderr, "replay: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        replayAdd(list, xvStrdup(arg));
        return 0;
    }
    if ((n = scandir(arg, &ents, replayNotHidden, replayCompareNames)) < 0) {
        fprintf(stderr, "replay: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        replayAdd(list, xvAsprintf("%s/%s", arg, ents[i]->d_name));
        free(ents[i]);
    }
    free(ents);
    return 0;
}

/* The contents of @path, to free(); NULL (reported) if unreadable. */
static uint8_t *
replayRead(const char *path, size_t *retSize)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t cap = 0, len = 0, n;

    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            data = xvReallocN(data, cap, 1);
        }
        n = fread(data + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(data);
        data = NULL;
    }
    fclose(f);
    *retSize = len;
    return data;
}

int
main(int argc, char **argv)
{
    replayList list = { NULL, 0 };
    int failed = 0;

    for (int i = 1; i < argc; i++) {
        if (replayCollect(&list, argv[i]) < 0)
            return 2;
    }
    if (list.n == 0) {
        fprintf(stderr, "replay: no input files\n");
        return 2;
    }
    printf("1..%zu\n", list.n);
    for (size_t i = 0; i < list.n; i++) {
        size_t size = 0;
        uint8_t *data;

        printf("# replaying %s\n", list.paths[i]);
        fflush(stdout);
        if (!(data = replayRead(list.paths[i], &size))) {
            printf("not ok %zu - %s (unreadable)\n", i + 1, list.paths[i]);
            failed++;
        } else {
            /* in a buffer of exactly its size, as libFuzzer gives it, so
             * that ASan sees a read past the end */
            uint8_t *exact = xvAlloc(size ? size : 1);

            memcpy(exact, data, size);
            LLVMFuzzerTestOneInput(exact, size);
            free(exact);
            printf("ok %zu - %s\n", i + 1, list.paths[i]);
            free(data);
        }
        free(list.paths[i]);
    }
    free(list.paths);
    return failed ? 1 : 0;
}
