/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* promrender.c: prints a fixture's whole exposition, for the promtool check. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "promfixture.h"

int
main(int argc, char **argv)
{
    xvPromFormat fmt;
    xvSnapshot *snap;
    xvPromSelf self;
    char *text;
    size_t len;

    if (argc != 3) {
        fprintf(stderr, "usage: promrender text|openmetrics golden|down|large\n");
        return 2;
    }
    if (strcmp(argv[1], "text") == 0) {
        fmt = XV_PROM_FORMAT_TEXT;
    } else if (strcmp(argv[1], "openmetrics") == 0) {
        fmt = XV_PROM_FORMAT_OPENMETRICS;
    } else {
        fprintf(stderr, "promrender: unknown format '%s'\n", argv[1]);
        return 2;
    }
    if (strcmp(argv[2], "golden") == 0) {
        snap = promFixtureGolden();
    } else if (strcmp(argv[2], "down") == 0) {
        snap = promFixtureDown();
    } else if (strcmp(argv[2], "large") == 0) {
        snap = promFixtureLarge(1000, 4);
    } else {
        fprintf(stderr, "promrender: unknown fixture '%s'\n", argv[2]);
        return 2;
    }
    promFixtureSelf(&self);
    text = promFixtureExposition(snap, &self, fmt, &len);
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        perror("promrender");
        return 1;
    }
    free(text);
    xvSnapshotUnref(snap);
    return 0;
}
