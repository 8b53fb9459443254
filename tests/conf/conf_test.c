/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* conf_test.c: unit tests of the configuration reader (src/conf/conf.c). */
#include "src/conf/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conftest.h"
#include "util/xvmacros.h"
#include "xvtest.h"

static void
test_parse_keeps_the_positions_of_keys_and_values(void **state)
{
    xvConfNode *root = xvConfTestParse("# a comment\n"
                                       "listen:\n"
                                       "  port: \"80\"\n"
                                       "  address: ~\n"
                                       "names: [a, 'b']\n");
    const xvConfNode *listen = xvConfNodeFind(root, "listen");
    const xvConfNode *port = xvConfNodeFind(listen, "port");
    const xvConfNode *names = xvConfNodeFind(root, "names");

    assert_int_equal(root->kind, XV_CONF_NODE_MAPPING);
    assert_int_equal(root->nchildren, 2);
    assert_int_equal(listen->kind, XV_CONF_NODE_MAPPING);
    assert_int_equal(listen->keyLine, 2);
    assert_int_equal(listen->keyColumn, 1);
    assert_string_equal(port->value, "80");
    assert_false(port->plain);
    assert_int_equal(port->line, 3);
    assert_int_equal(port->column, 9);
    assert_true(xvConfNodeIsNull(xvConfNodeFind(listen, "address")));
    assert_int_equal(names->kind, XV_CONF_NODE_SEQUENCE);
    assert_int_equal(names->nchildren, 2);
    assert_string_equal(names->children[1].value, "b");
    assert_null(names->children[1].key);
    assert_null(xvConfNodeFind(root, "missing"));
    assert_null(xvConfNodeFind(port, "port"));     /* not a mapping */
    xvConfNodeFree(root);
}

static void
test_parse_of_no_document_is_an_empty_mapping(void **state)
{
    static const char *const empty[] = { "", "# only a comment\n", "---\n", "~\n" };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(empty); i++) {
        xvConfNode *root = xvConfTestParse(empty[i]);

        assert_int_equal(root->kind, XV_CONF_NODE_MAPPING);
        assert_int_equal(root->nchildren, 0);
        assert_int_equal(root->line, 1);
        xvConfNodeFree(root);
    }
}

static void
test_parse_failure_leaves_ret_alone_and_says_where(void **state)
{
    static const char yaml[] = "a: 1\nb: [1, 2\n";
    xvConfNode *root = (xvConfNode *)0x1;
    xvConfError err = { 0 };
    char *msg;

    assert_int_equal(xvConfParse("f.yaml", (const unsigned char *)yaml, strlen(yaml), &root,
                                 &err), -EINVAL);
    assert_ptr_equal(root, (xvConfNode *)0x1);
    assert_string_equal(err.file, "f.yaml");
    assert_true(err.line > 0);
    msg = xvConfErrorFormat(&err);
    assert_non_null(strstr(msg, "YAML syntax error"));
    free(msg);
    xvConfErrorClear(&err);
    /* a duplicate key, found by the tree builder rather than libyaml */
    assert_int_equal(xvConfParse("f.yaml", (const unsigned char *)"a: 1\na: 2\n", 10, &root,
                                 &err), -EINVAL);
    msg = xvConfErrorFormat(&err);
    assert_string_equal(msg, "f.yaml:2:1: duplicate key 'a' (first defined at line 1)");
    free(msg);
    xvConfErrorClear(&err);
    assert_ptr_equal(root, (xvConfNode *)0x1);
}

static void
test_read_file_returns_the_bytes_and_refuses_a_directory(void **state)
{
    char dir[] = "/tmp/xvconf-XXXXXX";
    unsigned char *data = NULL;
    xvConfError err = { 0 };
    size_t len = 0;
    char *path;
    FILE *fp;

    assert_non_null(mkdtemp(dir));
    assert_true(asprintf(&path, "%s/x.yaml", dir) > 0);
    assert_non_null(fp = fopen(path, "w"));
    assert_int_equal(fputs("a: 1\n", fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(xvConfReadFile(path, &data, &len, NULL, &err), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "a: 1\n", 5);
    free(data);
    data = NULL;
    assert_int_equal(xvConfReadFile(dir, &data, &len, NULL, &err), -EISDIR);
    assert_null(data);
    assert_string_equal(err.file, dir);
    assert_int_equal(err.line, 0);
    xvConfErrorClear(&err);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(xvConfReadFile(path, &data, &len, NULL, &err), -ENOENT);
    xvConfErrorClear(&err);
    assert_int_equal(rmdir(dir), 0);
    free(path);
}

static void
test_quote_and_join_make_message_parts(void **state)
{
    static const char *const names[] = { "node", "domain", NULL };
    static const char *const none[] = { NULL };
    char *s;

    s = xvConfQuote("a\tb\x7f");
    assert_string_equal(s, "a?b?");
    free(s);
    /* 64 bytes at most, cut before a character split in two */
    s = xvConfQuote("0123456789012345678901234567890123456789012345678901234567890123\xc3\xa9x");
    assert_string_equal(s, "0123456789012345678901234567890123456789012345678901234567890123...");
    free(s);
    s = xvConfQuote("012345678901234567890123456789012345678901234567890123456789012\xc3\xa9x");
    assert_string_equal(s, "012345678901234567890123456789012345678901234567890123456789012...");
    free(s);
    s = xvConfJoin(names);
    assert_string_equal(s, "node, domain");
    free(s);
    s = xvConfJoin(none);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(xvConfLookupName(names, "domain", false), 1);
    assert_int_equal(xvConfLookupName(names, "DOMAIN", false), -1);
    assert_int_equal(xvConfLookupName(names, "DOMAIN", true), 1);
    assert_int_equal(xvConfLookupName(names, "vcpu", true), -1);
}

static void
test_error_format_variants(void **state)
{
    xvConfError err = { 0 };
    char *s;

    s = xvConfErrorFormat(&err);
    assert_string_equal(s, "unknown configuration error");
    free(s);
    s = xvConfErrorFormat(NULL);
    assert_string_equal(s, "unknown configuration error");
    free(s);

    assert_int_equal(xvConfErrorSetAt(&err, "f.yaml", 3, 7, "bad %s", "thing"), -EINVAL);
    s = xvConfErrorFormat(&err);
    assert_string_equal(s, "f.yaml:3:7: bad thing");
    free(s);
    /* Setting again replaces (and frees) the previous error. */
    assert_int_equal(xvConfErrorSetAt(&err, "f.yaml", 0, 7, "whole file"), -EINVAL);
    assert_int_equal(err.column, 0);
    s = xvConfErrorFormat(&err);
    assert_string_equal(s, "f.yaml: whole file");
    free(s);
    assert_int_equal(xvConfErrorSetAt(&err, NULL, 1, 1, "no file"), -EINVAL);
    s = xvConfErrorFormat(&err);
    assert_string_equal(s, "no file");
    free(s);
    xvConfErrorClear(&err);
    assert_null(err.file);
    assert_null(err.message);
    assert_int_equal(err.line, 0);
    xvConfErrorClear(&err);
    xvConfErrorClear(NULL);
    assert_int_equal(xvConfErrorSetAt(NULL, "f", 1, 1, "dropped"), -EINVAL);
}

static void
test_node_copy_is_deep(void **state)
{
    xvConfNode *root = xvConfTestParse("policies:\n"
                                       "  - name: a\n"
                                       "    type: restart\n"
                                       "    x: {y: [1, {z: ~}]}\n");
    xvConfNode *copy = xvConfNodeCopy(xvConfTestFirstEntry(root));
    const xvConfNode *z;

    xvConfNodeFree(root);   /* the copy outlives the tree */
    z = xvConfNodeFind(&xvConfNodeFind(xvConfNodeFind(copy, "x"), "y")->children[1], "z");
    assert_non_null(z);
    assert_true(xvConfNodeIsNull(z));
    assert_int_equal(z->line, 4);
    assert_int_equal(z->column, 20);
    assert_string_equal(xvConfNodeFind(copy, "name")->value, "a");
    xvConfNodeFree(copy);
    xvConfNodeFree(NULL);
    assert_null(xvConfNodeCopy(NULL));
}

static void
test_null_detection_follows_yaml(void **state)
{
    xvConfNode node = { .kind = XV_CONF_NODE_SCALAR, .plain = true };
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
    static const char *const values[] = { "nUll", "none", "0", "false" };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(nulls); i++) {
        node.value = (char *)nulls[i];
        assert_true(xvConfNodeIsNull(&node));
    }
    for (i = 0; i < XV_N_ELEMENTS(values); i++) {
        node.value = (char *)values[i];
        assert_false(xvConfNodeIsNull(&node));
    }
    node.value = (char *)"~";
    node.plain = false;     /* "~" quoted is a string */
    assert_false(xvConfNodeIsNull(&node));
    assert_false(xvConfNodeIsNull(NULL));
    assert_string_equal(xvConfNodeKindName(XV_CONF_NODE_SCALAR), "scalar");
    assert_string_equal(xvConfNodeKindName(XV_CONF_NODE_MAPPING), "mapping");
    assert_string_equal(xvConfNodeKindName(XV_CONF_NODE_LAST), "unknown");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_keeps_the_positions_of_keys_and_values),
    cmocka_unit_test(test_parse_of_no_document_is_an_empty_mapping),
    cmocka_unit_test(test_parse_failure_leaves_ret_alone_and_says_where),
    cmocka_unit_test(test_read_file_returns_the_bytes_and_refuses_a_directory),
    cmocka_unit_test(test_quote_and_join_make_message_parts),
    cmocka_unit_test(test_error_format_variants),
    cmocka_unit_test(test_node_copy_is_deep),
    cmocka_unit_test(test_null_detection_follows_yaml),
};

XV_TEST_MAIN(tests)
