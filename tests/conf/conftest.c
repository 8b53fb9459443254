/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conftest.c: helpers shared by the unit tests of src/conf/. */
#include "conftest.h"

#include <stdlib.h>
#include <string.h>

#include "xvtest.h"

xvConfNode *
xvConfTestParse(const char *yaml)
{
    xvConfNode *root = NULL;
    xvConfError err = { 0 };
    int rc = xvConfParse(XV_CONF_TEST_FILE, (const unsigned char *)yaml, strlen(yaml), &root,
                         &err);

    if (rc != 0) {
        char *msg = xvConfErrorFormat(&err);

        print_error("unexpected error: %s\n", msg);
        free(msg);
        xvConfErrorClear(&err);
        fail_msg("reading failed with %d", rc);
    }
    assert_non_null(root);
    return root;
}

const xvConfNode *
xvConfTestFirstEntry(const xvConfNode *root)
{
    const xvConfNode *seq = xvConfNodeFind(root, "policies");

    assert_non_null(seq);
    assert_true(seq->nchildren > 0);
    return &seq->children[0];
}
