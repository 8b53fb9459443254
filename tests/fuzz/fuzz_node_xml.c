/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_node_xml.c: the test driver's node files (lib/test/test_node_xml.c),
 * the document behind test:///PATH.xml, domains and all. <domain file=.../>
 * is refused here (no directory is given), as it names other files.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "test/test_node.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = xvFuzzString(data, size);

    xvFuzzQuietErrors();
    xvTestNodeFree(xvTestNodeLoadString(xml, "fuzz.xml", NULL));
    free(xml);
    return 0;
}
