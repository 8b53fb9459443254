/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_conf.c: the YAML reader (src/conf/conf.c) under every configuration
 * and policy file, on raw bytes (it takes a length, NULs included). Checks
 * that a failure always says where (file:line:col) and that a tree it
 * returns can be copied and freed.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "src/conf/conf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xvConfError err = { 0 };
    xvConfNode *root = NULL;
    char *message;

    if (xvConfParse("fuzz.yaml", data, size, &root, &err) < 0) {
        message = xvConfErrorFormat(&err);
        if (!message || !*message) {
            fprintf(stderr, "a parse error without a message\n");
            abort();
        }
        free(message);
        xvConfErrorClear(&err);
        return 0;
    }
    xvConfNodeFree(xvConfNodeCopy(root));
    xvConfNodeFree(root);
    xvConfErrorClear(&err);
    return 0;
}
