/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_save.h: the save files of the test driver (virDomainSave and
 * virDomainRestore on the simulated node). Used by test_driver.c only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/domain_conf.h"
#include "test/test_node.h"

typedef struct _xvTestSaveImage xvTestSaveImage;
struct _xvTestSaveImage {
    xvDomainDef *def;           /* memKiB and vcpus are the saved ones */
    uint64_t cpuTimeNs;
    bool paused;
};

/* Writes the state of the active @dom to @path atomically. */
int xvTestSaveWrite(const xvTestNode *node, const xvTestDom *dom, const char *path);
/* Reads and checks a save file; reports VIR_ERR_READ_FAILED or
 * VIR_ERR_OPERATION_FAILED naming @path and the problem. With @retdata,
 * also returns the file's contents (free()). */
int xvTestSaveRead(const char *path, xvTestSaveImage *image, char **retdata);
/* Checks the contents of a save file (named @path in errors). */
int xvTestSaveParse(const char *data, const char *path, xvTestSaveImage *image);
/*
 * The same from the @len bytes at @data, file-free (the save-state fuzz
 * target's entry point). Strict: the magic line; then "memory=KiB vcpus=N
 * cputime=NS paused=0|1" and a newline, decimal digits only (no sign or
 * blank, no overflow), vcpus at most 65535; then the
 * domain XML (xvDomainDefParseBuffer()), whose memory and vcpus bound the
 * saved ones. At most 4 MiB, no NUL byte. Returns 0, or -1 with
 * VIR_ERR_OPERATION_FAILED "save file '@path': what" (@image then empty).
 */
int xvTestSaveParseBuffer(const char *data, size_t len, const char *path,
                          xvTestSaveImage *image);
/* Frees what @image holds and zeroes it. */
void xvTestSaveImageClear(xvTestSaveImage *image);
