/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_save.c: the test driver's save files (lib/test/test_save.c), read
 * back by virDomainRestore(): magic line, state line, domain XML.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "test/test_save.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xvFuzzString(data, size);
    xvTestSaveImage image;

    xvFuzzQuietErrors();
    if (xvTestSaveParse(text, "fuzz.save", &image) == 0)
        xvTestSaveImageClear(&image);
    free(text);
    return 0;
}
