/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conftest.h: helpers shared by the unit tests of src/conf/. */
#pragma once

#include "src/conf/conf.h"

/* The file name the trees' errors carry. */
#define XV_CONF_TEST_FILE "agent.yaml"

/* Reads @yaml as XV_CONF_TEST_FILE; fails the test unless it is valid YAML.
 * Free the tree with xvConfNodeFree(). */
xvConfNode *xvConfTestParse(const char *yaml);
/* The first entry of the sequence `policies:` of @root (there must be one). */
const xvConfNode *xvConfTestFirstEntry(const xvConfNode *root);
