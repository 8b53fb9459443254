/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* apitest.h: assertions and fixtures shared by the black-box tests of the
 * public API (libvirt_test.c, libvirt-domain_test.c, threads_test.c). */
#pragma once

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "xvtest.h"

/* The node of tests/data/api/node.xml, as the tests rely on it. */
#define API_NODE_CPUS 12
#define API_NODE_MAPLEN 2
#define API_NODE_MEMORY 16777216UL
#define API_NODE_MHZ 2600
#define API_ALPHA_UUID "a1a1a1a1-0000-4000-8000-000000000001"
#define API_BETA_UUID "b2b2b2b2-0000-4000-8000-000000000002"
#define API_GAMMA_UUID "c3c3c3c3-0000-4000-8000-000000000003"
#define API_DELTA_UUID "d4d4d4d4-0000-4000-8000-000000000004"

/* Error callback that keeps stderr clean; counts what it was handed. */
static int apiQuietCalls;
static int apiQuietLastCode;

static void
apiQuietErrorFunc(void *userData, virErrorPtr err)
{
    (void)userData;
    __atomic_fetch_add(&apiQuietCalls, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&apiQuietLastCode, err ? err->code : -1, __ATOMIC_RELAXED);
}

/* The calling thread's last error must be @code from @origin with a message
 * containing @substr. */
#define assert_last_error(xcode_, xorigin_, xsubstr_) \
    do { \
        virErrorPtr e_ = virGetLastError(); \
        if (!e_) \
            fail_msg("expected error %d, but virGetLastError() is NULL", (int)(xcode_)); \
        if (e_->code != (int)(xcode_)) \
            fail_msg("expected error code %d, got %d (%s)", (int)(xcode_), e_->code, \
                     e_->message ? e_->message : "(null)"); \
        if (e_->domain != (int)(xorigin_)) \
            fail_msg("expected error origin %d, got %d (%s)", (int)(xorigin_), e_->domain, \
                     e_->message ? e_->message : "(null)"); \
        assert_int_equal(e_->level, VIR_ERR_ERROR); \
        if (!e_->message || !strstr(e_->message, (xsubstr_))) \
            fail_msg("error message '%s' lacks '%s'", \
                     e_->message ? e_->message : "(null)", (xsubstr_)); \
    } while (0)

/* Like assert_last_error, for a code that may be one of two. */
#define assert_last_error2(xcode1_, xcode2_, xorigin_, xsubstr_) \
    do { \
        virErrorPtr e_ = virGetLastError(); \
        if (!e_) \
            fail_msg("expected an error, but virGetLastError() is NULL"); \
        if (e_->code != (int)(xcode1_) && e_->code != (int)(xcode2_)) \
            fail_msg("expected error code %d or %d, got %d (%s)", (int)(xcode1_), \
                     (int)(xcode2_), e_->code, e_->message ? e_->message : "(null)"); \
        if (e_->domain != (int)(xorigin_)) \
            fail_msg("expected error origin %d, got %d (%s)", (int)(xorigin_), e_->domain, \
                     e_->message ? e_->message : "(null)"); \
        if (!e_->message || !strstr(e_->message, (xsubstr_))) \
            fail_msg("error message '%s' lacks '%s'", \
                     e_->message ? e_->message : "(null)", (xsubstr_)); \
    } while (0)

/* A successful call leaves no error behind. */
#define assert_no_error() \
    do { \
        virErrorPtr e_ = virGetLastError(); \
        if (e_) \
            fail_msg("unexpected error %d: %s", e_->code, \
                     e_->message ? e_->message : "(null)"); \
    } while (0)

/* A private copy of tests/data/api/@rel in a fresh temporary directory, so
 * that every test gets its own simulated node (all connections to one test
 * URI share the node). */
typedef struct {
    char *dir;
    char *path;
    char *uri;
} apiNode;

static inline void
apiNodeCopy(apiNode *node, const char *rel)
{
    char *data = xvTestReadFile(xvTestDataPath(rel));
    FILE *fp;

    node->dir = xvTestTempDir();
    assert_true(asprintf(&node->path, "%s/node.xml", node->dir) > 0);
    assert_true(asprintf(&node->uri, "test://%s", node->path) > 0);
    fp = fopen(node->path, "w");
    assert_non_null(fp);
    assert_true(fputs(data, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    free(data);
}

/* Removes the directory and the files the test wrote in it (flat). */
static inline void
apiNodeRemove(apiNode *node)
{
    DIR *dir = node->dir ? opendir(node->dir) : NULL;
    struct dirent *ent;

    while (dir && (ent = readdir(dir))) {
        char *file;

        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        assert_true(asprintf(&file, "%s/%s", node->dir, ent->d_name) > 0);
        unlink(file);
        free(file);
    }
    if (dir)
        closedir(dir);
    if (node->dir)
        rmdir(node->dir);
    free(node->dir);
    free(node->path);
    free(node->uri);
    memset(node, 0, sizeof(*node));
}

/* Runs the group with the quiet error callback installed. */
#define API_TEST_MAIN(tests) \
    int main(void) \
    { \
        xvTestApplyFilter(); \
        virSetErrorFunc(NULL, apiQuietErrorFunc); \
        return cmocka_run_group_tests(tests, NULL, NULL); \
    }
