/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_save.h: the save files of the test driver (virDomainSave and
 * virDomainRestore on the simulated node). Used by test_driver.c only.
 */
#pragma once

#include <stdbool.h>
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
/* Frees what @image holds and zeroes it. */
void xvTestSaveImageClear(xvTestSaveImage *image);
