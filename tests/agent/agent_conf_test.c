/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* agent_conf_test.c: unit tests of the agent's configuration loader (src/agent/agent_conf.c). */
#include "src/agent/agent_conf.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collectors/collector.h"
#include "util/xvlog.h"
#include "util/xvmacros.h"
#include "xvtest.h"

/* The index of the collector @name in the registry (and so in xvAgentConf). */
static size_t
collector(const char *name)
{
    int i = xvCollectorIndex(name);

    assert_true(i >= 0);
    return (size_t)i;
}

/* ---- helpers ----------------------------------------------------------- */

/* Loads @yaml as "agent.yaml"; fails the test unless it is valid. */
static xvAgentConf *
loadOk(const char *yaml)
{
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };
    int rc = xvAgentConfLoadString("agent.yaml", yaml, &conf, &err);

    if (rc != 0) {
        char *msg = xvConfErrorFormat(&err);

        print_error("unexpected error: %s\n", msg);
        free(msg);
        xvConfErrorClear(&err);
        fail_msg("loading failed with %d", rc);
    }
    assert_non_null(conf);
    assert_null(err.message);
    return conf;
}

static void
assertErrorIs(int rc, int expectedRc, xvAgentConf *conf, xvConfError *err, const char *expected)
{
    char *msg = xvConfErrorFormat(err);

    if (strcmp(msg, expected) != 0)
        print_error("expected: %s\nactual:   %s\n", expected, msg);
    assert_string_equal(msg, expected);
    assert_int_equal(rc, expectedRc);
    assert_ptr_equal(conf, (xvAgentConf *)0x1);  /* left untouched on failure */
    free(msg);
    xvConfErrorClear(err);
}

/* Loads @yaml as "agent.yaml" and expects exactly the error @expected. */
static void
assertLoadError(const char *yaml, const char *expected)
{
    xvAgentConf *conf = (xvAgentConf *)0x1;
    xvConfError err = { 0 };
    int rc = xvAgentConfLoadString("agent.yaml", yaml, &conf, &err);

    assertErrorIs(rc, -EINVAL, conf, &err, expected);
}

/* Loads tests/data/agent/conf/@rel and expects the error "<path>@suffix". */
static void
assertFileError(const char *rel, int expectedRc, const char *suffix)
{
    char *path = strdup(xvTestDataPath(rel));
    xvAgentConf *conf = (xvAgentConf *)0x1;
    xvConfError err = { 0 };
    char *expected;
    int rc;

    assert_non_null(path);
    assert_true(asprintf(&expected, "%s%s", path, suffix) > 0);
    rc = xvAgentConfLoadFile(path, &conf, &err);
    assertErrorIs(rc, expectedRc, conf, &err, expected);
    free(expected);
    free(path);
}

static void
assertDefaults(const xvAgentConf *conf)
{
    size_t i;

    assert_null(conf->uri);
    assert_string_equal(conf->listenAddress, "0.0.0.0");
    assert_int_equal(conf->listenPort, XV_AGENT_DEFAULT_PORT);
    assert_int_equal(conf->listenPort, XV_AGENT_DEFAULT_PORT);
    assert_int_equal(conf->maxConnections, 64);
    assert_int_equal(conf->maxHeaderBytes, 8192);
    assert_int_equal(conf->readTimeoutMs, 10000);
    assert_int_equal(conf->writeTimeoutMs, 10000);
    assert_int_equal(conf->headerTimeoutMs, 5000);
    assert_int_equal(conf->maxConnectionsPerAddress, 16);
    assert_int_equal(conf->intervalMs, 5000);
    for (i = 0; i < XV_COLLECTORS_MAX; i++)
        assert_false(conf->collectorSet[i]);
    assert_int_equal(conf->logLevel, 6);
    assert_int_equal(conf->npolicies, 0);
    assert_null(conf->policies);
    assert_null(conf->policiesDir);
}

static void
writeFile(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* A YAML text of exactly @len bytes: comment lines. To free(). */
static char *
commentText(size_t len)
{
    char *text = malloc(len + 1);
    size_t i;

    assert_non_null(text);
    for (i = 0; i < len; i++)
        text[i] = (i % 64 == 63) ? '\n' : (i % 64 == 0 ? '#' : 'x');
    text[len] = '\0';
    return text;
}

/* ---- defaults ---------------------------------------------------------- */

static void
test_new_holds_the_defaults(void **state)
{
    xvAgentConf *conf = xvAgentConfNew();

    assertDefaults(conf);
    assert_null(conf->file);
    xvAgentConfFree(conf);
    xvAgentConfFree(NULL);
}

static void
test_empty_string_gives_the_defaults(void **state)
{
    xvAgentConf *conf = loadOk("");

    assertDefaults(conf);
    assert_string_equal(conf->file, "agent.yaml");
    xvAgentConfFree(conf);
}

static void
test_comments_only_give_the_defaults(void **state)
{
    xvAgentConf *conf = loadOk("# nothing here\n\n   # still nothing\n");

    assertDefaults(conf);
    xvAgentConfFree(conf);
}

static void
test_null_document_gives_the_defaults(void **state)
{
    const char *docs[] = { "---\n", "~\n", "null\n", "--- ~\n...\n" };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(docs); i++) {
        xvAgentConf *conf = loadOk(docs[i]);

        assertDefaults(conf);
        xvAgentConfFree(conf);
    }
}

static void
test_empty_sections_and_values_keep_the_defaults(void **state)
{
    xvAgentConf *conf = loadOk("connection:\n"
                               "  uri:\n"
                               "listen:\n"
                               "  port: ~\n"
                               "  address: null\n"
                               "sampling:\n"
                               "  collectors:\n"
                               "logging: ~\n"
                               "policies:\n"
                               "policies_dir:\n");

    assertDefaults(conf);
    xvAgentConfFree(conf);
}

/* ---- valid files ------------------------------------------------------- */

static void
test_full_file_sets_every_key(void **state)
{
    char *path = strdup(xvTestDataPath("agent/conf/full.yaml"));
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };
    const xvConfNode *node;
    const xvConfNode *item;

    assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
    assert_null(err.message);
    assert_string_equal(conf->file, path);
    assert_string_equal(conf->uri, "test:///default");
    assert_string_equal(conf->listenAddress, "::1");
    assert_int_equal(conf->listenPort, 19913);
    assert_int_equal(conf->maxConnections, 10);
    assert_int_equal(conf->maxHeaderBytes, 4096);
    assert_int_equal(conf->readTimeoutMs, 1500);
    assert_int_equal(conf->writeTimeoutMs, 120000);
    assert_int_equal(conf->headerTimeoutMs, 3000);
    assert_int_equal(conf->maxConnectionsPerAddress, 4);
    assert_int_equal(conf->intervalMs, 250);
    assert_true(conf->collectorSet[collector("node")]);
    assert_true(conf->collectorEnabled[collector("node")]);
    assert_true(conf->collectorSet[collector("domain")]);
    assert_false(conf->collectorEnabled[collector("domain")]);
    assert_true(conf->collectorSet[collector("vcpu")]);
    assert_false(conf->collectorEnabled[collector("vcpu")]);
    assert_int_equal(conf->logLevel, 7);
    assert_string_equal(conf->policiesDir, "full.d");
    assert_int_equal(conf->stateRetentionMs, UINT64_C(720) * 60 * 60 * 1000);

    /* two from the file, one from full.d/ (the rest there is not a policy file) */
    assert_int_equal(conf->npolicies, 3);
    assert_string_equal(conf->policies[0].file, path);
    assert_string_equal(conf->policies[2].name, "grow");
    assert_ptr_equal(conf->policies[2].type, &xvPolicyBalloon);
    assert_true(strlen(conf->policies[2].file) > strlen(path));
    assert_string_equal(conf->policies[2].file + strlen(conf->policies[2].file) -
                        strlen("/full.d/10-more.yaml"), "/full.d/10-more.yaml");
    assert_int_equal(conf->policies[2].node->line, 3);
    assert_int_equal(conf->policies[2].node->column, 5);
    assert_string_equal(conf->policies[0].name, "pin-web");
    assert_ptr_equal(conf->policies[0].type, &xvPolicyAutopin);
    assert_string_equal(conf->policies[1].name, "restart-crashed");
    assert_ptr_equal(conf->policies[1].type, &xvPolicyRestart);

    /* The entries are kept whole, with their marks, for issue #5. */
    node = conf->policies[0].node;
    assert_int_equal(node->kind, XV_CONF_NODE_MAPPING);
    assert_int_equal(node->line, 22);
    assert_int_equal(node->column, 5);
    assert_int_equal(node->nchildren, 4);
    assert_string_equal(node->children[2].key, "domains");
    assert_int_equal(node->children[2].keyLine, 24);
    assert_int_equal(node->children[2].keyColumn, 5);
    item = xvConfNodeFind(node, "domains");
    assert_ptr_equal(item, &node->children[2]);
    assert_int_equal(item->kind, XV_CONF_NODE_SEQUENCE);
    assert_int_equal(item->line, 24);
    assert_int_equal(item->column, 14);
    assert_int_equal(item->nchildren, 2);
    assert_string_equal(item->children[1].value, "web2");
    assert_null(item->children[1].key);
    assert_int_equal(item->children[1].line, 24);
    assert_int_equal(item->children[1].column, 21);
    item = xvConfNodeFind(node, "spread");
    assert_string_equal(item->value, "true");
    assert_true(item->plain);
    assert_null(xvConfNodeFind(node, "nonexistent"));
    assert_null(xvConfNodeFind(item, "spread"));    /* not a mapping */

    node = xvConfNodeFind(conf->policies[1].node, "backoff");
    assert_non_null(node);
    assert_int_equal(node->kind, XV_CONF_NODE_MAPPING);
    item = xvConfNodeFind(node, "max");
    assert_string_equal(item->value, "10m");
    assert_int_equal(item->line, 28);
    assert_int_equal(item->column, 33);
    assert_int_equal(item->keyColumn, 28);

    xvAgentConfFree(conf);
    free(path);
}

static void
test_shipped_example_loads_and_states_the_defaults(void **state)
{
    const char *srcdir = getenv("XV_TEST_SRCDIR");
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };
    char *path;
    int rc;

    assert_non_null(srcdir);
    assert_true(asprintf(&path, "%s/config/xvirt-agent.yaml", srcdir) > 0);
    rc = xvAgentConfLoadFile(path, &conf, &err);
    if (rc < 0) {
        char *msg = xvConfErrorFormat(&err);

        print_error("%s\n", msg);
        free(msg);
    }
    assert_int_equal(rc, 0);
    /* Every value the example writes out is the built-in default. */
    assert_null(conf->uri);
    assert_string_equal(conf->listenAddress, XV_AGENT_DEFAULT_ADDRESS);
    assert_int_equal(conf->listenPort, XV_AGENT_DEFAULT_PORT);
    assert_int_equal(conf->maxConnections, XV_AGENT_DEFAULT_MAX_CONNECTIONS);
    assert_int_equal(conf->maxHeaderBytes, XV_AGENT_DEFAULT_MAX_HEADER_BYTES);
    assert_int_equal(conf->readTimeoutMs, XV_AGENT_DEFAULT_TIMEOUT_MS);
    assert_int_equal(conf->writeTimeoutMs, XV_AGENT_DEFAULT_TIMEOUT_MS);
    assert_int_equal(conf->intervalMs, XV_AGENT_DEFAULT_INTERVAL_MS);
    assert_int_equal(conf->logLevel, XV_AGENT_DEFAULT_LOG_LEVEL);
    assert_int_equal(conf->npolicies, 0);
    assert_null(conf->policiesDir);
    assert_true(xvAgentConfCollectorEnabled(conf, "node", false));
    assert_true(xvAgentConfCollectorEnabled(conf, "domain", false));
    assert_true(xvAgentConfCollectorEnabled(conf, "vcpu", false));
    xvAgentConfFree(conf);
    free(path);
}

static void
test_utf8_bom_and_crlf_are_accepted(void **state)
{
    char *path = strdup(xvTestDataPath("agent/conf/utf8-bom.yaml"));
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };

    assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
    assert_int_equal(conf->listenPort, 1234);
    xvAgentConfFree(conf);
    free(path);

    /* The BOM takes no column. */
    assertLoadError("\xEF\xBB\xBF" "bogus: 1\n",
                    "agent.yaml:1:1: unknown key 'bogus' at the top level (expected one of: "
                    "connection, listen, sampling, logging, policies, policies_dir, state_dir, "
                    "state_retention)");
    assertLoadError("\xEF\xBB\xBF" "a: \xFF\n",
                    "agent.yaml:1:4: invalid leading UTF-8 octet (0xFF): "
                    "the file must be UTF-8 text");

    conf = loadOk("listen:\r\n  port: 4321\r\n");
    assert_int_equal(conf->listenPort, 4321);
    xvAgentConfFree(conf);
    /* Lines count CRLF once. */
    assertFileError("agent/conf/crlf.yaml", -EINVAL,
                    ":4:10: unknown logging level 'loud' "
                    "(expected one of: debug, info, notice, warning, error)");
}

static void
test_flow_style_is_accepted(void **state)
{
    xvAgentConf *conf = loadOk("{listen: {port: 80, address: localhost}, "
                               "sampling: {collectors: {vcpu: off}}}");

    assert_int_equal(conf->listenPort, 80);
    assert_string_equal(conf->listenAddress, "localhost");
    assert_false(xvAgentConfCollectorEnabled(conf, "vcpu", true));
    xvAgentConfFree(conf);
}

/* ---- files ------------------------------------------------------------- */

static void
test_missing_file_reports_strerror(void **state)
{
    char *dir = xvTestTempDir();
    xvAgentConf *conf = (xvAgentConf *)0x1;
    xvConfError err = { 0 };
    char *path;
    char *expected;
    int rc;

    assert_true(asprintf(&path, "%s/absent.yaml", dir) > 0);
    assert_true(asprintf(&expected, "%s: cannot open the configuration file: "
                         "No such file or directory", path) > 0);
    rc = xvAgentConfLoadFile(path, &conf, &err);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, 0);
    assertErrorIs(rc, -ENOENT, conf, &err, expected);
    free(expected);

    /* A directory is not a file either. */
    assert_true(asprintf(&expected, "%s: cannot read the configuration file: "
                         "not a regular file (a directory)", dir) > 0);
    rc = xvAgentConfLoadFile(dir, &conf, &err);
    assertErrorIs(rc, -EISDIR, conf, &err, expected);
    free(expected);
    free(path);
    assert_int_equal(rmdir(dir), 0);
    free(dir);
}

static void
test_file_over_one_mib_is_rejected(void **state)
{
    char *dir = xvTestTempDir();
    char *text = commentText(XV_CONF_MAX_BYTES + 1);
    xvAgentConf *conf = (xvAgentConf *)0x1;
    xvConfError err = { 0 };
    char *path;
    char *expected;
    int rc;

    assert_true(asprintf(&path, "%s/huge.yaml", dir) > 0);
    writeFile(path, text, XV_CONF_MAX_BYTES + 1);
    assert_true(asprintf(&expected, "%s: file is too large (1048577 bytes; "
                         "the limit is 1048576)", path) > 0);
    rc = xvAgentConfLoadFile(path, &conf, &err);
    assertErrorIs(rc, -EFBIG, conf, &err, expected);

    /* Exactly the limit is fine. */
    writeFile(path, text, XV_CONF_MAX_BYTES);
    conf = NULL;
    assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
    assertDefaults(conf);
    xvAgentConfFree(conf);

    /* The same limit holds for strings. */
    conf = (xvAgentConf *)0x1;
    rc = xvAgentConfLoadString("big.yaml", text, &conf, &err);
    assertErrorIs(rc, -EFBIG, conf, &err,
                  "big.yaml: file is too large (1048577 bytes; the limit is 1048576)");

    free(expected);
    free(text);
    assert_int_equal(unlink(path), 0);
    free(path);
    assert_int_equal(rmdir(dir), 0);
    free(dir);
}

static void
test_error_points_at_the_offending_value_in_a_file(void **state)
{
    assertFileError("agent/conf/bad-interval.yaml", -EINVAL,
                    ":7:13: expected a duration like 15s or 500ms, got 'fast'");
}

/* ---- encoding ---------------------------------------------------------- */

static void
test_invalid_utf8_is_rejected_with_its_position(void **state)
{
    assertFileError("agent/conf/latin1.yaml", -EINVAL,
                    ":2:14: invalid trailing UTF-8 octet (0x74): the file must be UTF-8 text");
}

static void
test_utf16_is_rejected(void **state)
{
    assertFileError("agent/conf/utf16.yaml", -EINVAL,
                    ":1:1: found a UTF-16 byte order mark: the file must be UTF-8 text");
}

static void
test_invalid_utf8_is_reported_at_the_bad_byte(void **state)
{
    /* after valid multi-byte characters on the same line */
    assertLoadError("# x\nlisten: {address: \"\xC3\xA9\xC3\xA9\x80\"}\n",
                    "agent.yaml:2:22: invalid leading UTF-8 octet (0x80): "
                    "the file must be UTF-8 text");
    assertLoadError("listen:\r\n  port: \xC3\n",
                    "agent.yaml:2:10: invalid trailing UTF-8 octet (0x0A): "
                    "the file must be UTF-8 text");
}

static void
test_nul_bytes_are_rejected(void **state)
{
    assertFileError("agent/conf/nul-byte.yaml", -EINVAL,
                    ":3:10: control characters are not allowed (U+0000)");
    assertLoadError("connection:\n  uri: \"xen\\0///\"\n",
                    "agent.yaml:2:8: NUL characters are not allowed in values");
    assertLoadError("\"a\\0b\": 1\n",
                    "agent.yaml:1:1: NUL characters are not allowed in keys");
}

static void
test_columns_count_characters_not_bytes(void **state)
{
    /* "é" is two bytes but one column. */
    assertLoadError("{ \"éé\": 1 , listen: 5 }",
                    "agent.yaml:1:3: unknown key 'éé' at the top level (expected one of: "
                    "connection, listen, sampling, logging, policies, policies_dir, state_dir, "
                    "state_retention)");
    assertLoadError("# ééé\nconnection: {uri: \"ééé\", bogus: 1}\n",
                    "agent.yaml:2:26: unknown key 'bogus' in 'connection' (expected one of: uri)");
}

/* ---- YAML features refused --------------------------------------------- */

static void
test_anchors_and_aliases_are_rejected(void **state)
{
    assertLoadError("listen:\n  port: &p 80\n",
                    "agent.yaml:2:9: YAML anchors are not supported ('&p')");
    assertLoadError("listen: &l\n  port: 80\n",
                    "agent.yaml:1:9: YAML anchors are not supported ('&l')");
    assertLoadError("listen:\n  port: *p\n",
                    "agent.yaml:2:9: YAML aliases are not supported ('*p')");
    /* billion laughs stops at the first anchor */
    assertLoadError("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n",
                    "agent.yaml:1:4: YAML anchors are not supported ('&a')");
    assertLoadError("*a : 1\n",
                    "agent.yaml:1:1: YAML aliases are not supported ('*a')");
}

static void
test_tags_are_rejected(void **state)
{
    assertLoadError("listen:\n  port: !!int 80\n",
                    "agent.yaml:2:9: YAML tags are not supported ('!!int')");
    assertLoadError("listen: !custom\n  port: 80\n",
                    "agent.yaml:1:9: YAML tags are not supported ('!custom')");
}

static void
test_second_document_is_rejected(void **state)
{
    assertLoadError("listen:\n  port: 80\n---\nlisten:\n  port: 81\n",
                    "agent.yaml:3:1: expected a single YAML document, found a second one");
}

static void
test_deep_nesting_is_rejected(void **state)
{
    char text[200];

    memset(text, '[', 100);
    memset(text + 100, ']', 99);
    text[199] = '\0';
    assertLoadError(text, "agent.yaml:1:65: collections are nested too deeply (the limit is 64)");
}

static void
test_too_many_nodes_are_rejected(void **state)
{
    size_t n = XV_CONF_MAX_NODES + 1;
    char *text = malloc(2 * n + 16);
    char expected[128];
    char *p = text;
    size_t i;

    assert_non_null(text);
    p += sprintf(p, "x: [1");
    for (i = 1; i < n; i++)
        p += sprintf(p, ",1");
    strcpy(p, "]");
    /* the root, the key's value and 99998 items fit */
    snprintf(expected, sizeof(expected),
             "agent.yaml:1:%d: too many YAML nodes (the limit is 100000)", 4 + 2 * 99998 + 1);
    assertLoadError(text, expected);
    free(text);
}

/* ---- syntax errors ----------------------------------------------------- */

static void
test_syntax_errors_carry_libyaml_marks(void **state)
{
    assertLoadError("listen:\n  port: 1\n   address: x\n",
                    "agent.yaml:3:11: YAML syntax error: "
                    "mapping values are not allowed in this context");
    assertLoadError("connection:\n  uri: \"xen:///\n",
                    "agent.yaml:3:1: YAML syntax error: found unexpected end of stream "
                    "(while scanning a quoted scalar at line 2, column 8)");
    assertLoadError("listen:\n\tport: 1\n",
                    "agent.yaml:2:1: YAML syntax error: found character that cannot "
                    "start any token (while scanning for the next token at line 2, column 1)");
    assertLoadError("listen: {port: 1\n",
                    "agent.yaml:2:1: YAML syntax error: did not find expected ',' or '}' "
                    "(while parsing a flow mapping at line 1, column 9)");
    assertLoadError("listen:\n  - a\n  b: 1\n",
                    "agent.yaml:3:3: YAML syntax error: did not find expected '-' indicator "
                    "(while parsing a block collection at line 2, column 3)");
}

/* ---- shapes ------------------------------------------------------------ */

static void
test_wrong_shapes_are_reported(void **state)
{
    assertLoadError("- listen\n", "agent.yaml:1:1: expected a mapping, got a sequence");
    assertLoadError("listen\n", "agent.yaml:1:1: expected a mapping, got 'listen'");
    assertLoadError("listen: [1]\n", "agent.yaml:1:9: expected a mapping, got a sequence");
    assertLoadError("sampling: 5s\n", "agent.yaml:1:11: expected a mapping, got '5s'");
    assertLoadError("sampling:\n  collectors: [node]\n",
                    "agent.yaml:2:15: expected a mapping, got a sequence");
    assertLoadError("logging:\n  level: [info]\n",
                    "agent.yaml:2:10: expected a logging level, got a sequence");
    assertLoadError("listen:\n  port: {a: 1}\n",
                    "agent.yaml:2:9: expected an integer, got a mapping");
    assertLoadError("listen:\n  address: [a]\n",
                    "agent.yaml:2:12: expected an IP address or a host name, got a sequence");
    assertLoadError("connection:\n  uri: {a: 1}\n",
                    "agent.yaml:2:8: expected a non-empty string, got a mapping");
    assertLoadError("? [a, b]\n: 1\n", "agent.yaml:1:3: expected a scalar key, got a sequence");
    assertLoadError("? {a: b}\n: 1\n", "agent.yaml:1:3: expected a scalar key, got a mapping");
}

static void
test_unknown_keys_are_rejected_at_every_level(void **state)
{
    assertLoadError("listen:\n  port: 1\nlisen:\n  port: 2\n",
                    "agent.yaml:3:1: unknown key 'lisen' at the top level (expected one of: "
                    "connection, listen, sampling, logging, policies, policies_dir, state_dir, "
                    "state_retention)");
    assertLoadError("connection:\n  url: xen:///\n",
                    "agent.yaml:2:3: unknown key 'url' in 'connection' (expected one of: uri)");
    assertLoadError("listen:\n  host: localhost\n",
                    "agent.yaml:2:3: unknown key 'host' in 'listen' (expected one of: address, "
                    "port, max_connections, max_header_bytes, read_timeout, write_timeout, "
                    "header_timeout, max_connections_per_address, telemetry_path, "
                    "web_config_file, health_without_auth)");
    assertLoadError("sampling:\n  interval: 5s\n  intervall: 5s\n",
                    "agent.yaml:3:3: unknown key 'intervall' in 'sampling' "
                    "(expected one of: interval, collectors, events, event_min_gap)");
    assertLoadError("sampling:\n  collectors:\n    node: on\n    gpu: on\n",
                    "agent.yaml:4:5: unknown key 'gpu' in 'sampling.collectors' "
                    "(expected one of: node, domain, vcpu, memory, block, net, cpu, process)");
    assertLoadError("logging:\n  lvl: info\n",
                    "agent.yaml:2:3: unknown key 'lvl' in 'logging' (expected one of: level, format)");
    /* even with an empty value */
    assertLoadError("listen:\n  prot:\n",
                    "agent.yaml:2:3: unknown key 'prot' in 'listen' (expected one of: address, "
                    "port, max_connections, max_header_bytes, read_timeout, write_timeout, "
                    "header_timeout, max_connections_per_address, telemetry_path, "
                    "web_config_file, health_without_auth)");
    /* quoted and odd keys are quoted safely */
    assertLoadError("\"\": 1\n",
                    "agent.yaml:1:1: unknown key '' at the top level (expected one of: "
                    "connection, listen, sampling, logging, policies, policies_dir, state_dir, "
                    "state_retention)");
    assertLoadError("\"a\\tb\": 1\n",
                    "agent.yaml:1:1: unknown key 'a?b' at the top level (expected one of: "
                    "connection, listen, sampling, logging, policies, policies_dir, state_dir, "
                    "state_retention)");
}

static void
test_first_error_in_file_order_wins(void **state)
{
    assertLoadError("listen:\n  port: 0\nbogus: 1\n",
                    "agent.yaml:2:9: port 0 is out of range 1..65535");
    assertLoadError("bogus: 1\nlisten:\n  port: 0\n",
                    "agent.yaml:1:1: unknown key 'bogus' at the top level (expected one of: "
                    "connection, listen, sampling, logging, policies, policies_dir, state_dir, "
                    "state_retention)");
}

static void
test_duplicate_keys_are_rejected_at_every_level(void **state)
{
    assertLoadError("listen:\n  port: 1\nlisten:\n  port: 2\n",
                    "agent.yaml:3:1: duplicate key 'listen' (first defined at line 1)");
    assertLoadError("listen:\n  port: 1\n  address: x\n  port: 2\n",
                    "agent.yaml:4:3: duplicate key 'port' (first defined at line 2)");
    assertLoadError("listen: {port: 1, \"port\": 2}\n",
                    "agent.yaml:1:19: duplicate key 'port' (first defined at line 1)");
    assertLoadError("bogus: 1\nbogus: 2\n",
                    "agent.yaml:2:1: duplicate key 'bogus' (first defined at line 1)");
    /* inside policy entries too, although their other keys are not validated */
    assertLoadError("policies:\n  - name: a\n    type: balloon\n    x: 1\n    x: 2\n",
                    "agent.yaml:5:5: duplicate key 'x' (first defined at line 4)");
}

static void
test_many_keys_are_checked_for_duplicates(void **state)
{
    char *text = malloc(20 * 3000 + 64);
    char expected[128];
    size_t len = 0;
    int i;

    assert_non_null(text);
    len += (size_t)sprintf(text + len, "policies:\n  - name: a\n    type: restart\n");
    for (i = 0; i < 3000; i++)
        len += (size_t)sprintf(text + len, "    k%d: %d\n", i, i);
    /* all distinct: fine, all kept */
    {
        xvAgentConf *conf = loadOk(text);

        assert_int_equal(conf->policies[0].node->nchildren, 3002);
        assert_string_equal(xvConfNodeFind(conf->policies[0].node, "k2999")->value, "2999");
        xvAgentConfFree(conf);
    }
    sprintf(text + len, "    k1234: again\n");
    snprintf(expected, sizeof(expected),
             "agent.yaml:%d:5: duplicate key 'k1234' (first defined at line %d)",
             3000 + 4, 1234 + 4);
    assertLoadError(text, expected);
    free(text);
}

/* ---- scalars ----------------------------------------------------------- */

static void
test_durations_accept_each_unit(void **state)
{
    static const struct {
        const char *text;
        uint64_t ms;
    } cases[] = {
        { "500ms", 500 }, { "15s", 15000 }, { "2m", 120000 }, { "1h", 3600000 },
        { "100ms", 100 }, { "24h", 86400000 }, { "0100ms", 100 }, { "\"15s\"", 15000 },
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char yaml[64];
        xvAgentConf *conf;

        snprintf(yaml, sizeof(yaml), "sampling:\n  interval: %s\n", cases[i].text);
        conf = loadOk(yaml);
        assert_int_equal(conf->intervalMs, cases[i].ms);
        xvAgentConfFree(conf);
    }
}

static void
test_bad_durations_are_rejected(void **state)
{
    assertLoadError("sampling:\n  interval: fast\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got 'fast'");
    assertLoadError("sampling:\n  interval: 15\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got '15' "
                    "(add a unit: ms, s, m or h)");
    assertLoadError("sampling:\n  interval: 1.5s\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got '1.5s'");
    assertLoadError("sampling:\n  interval: 1m30s\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got '1m30s'");
    assertLoadError("sampling:\n  interval: 15 s\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got '15 s'");
    assertLoadError("sampling:\n  interval: 15S\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got '15S'");
    assertLoadError("sampling:\n  interval: -1s\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got '-1s'");
    assertLoadError("sampling:\n  interval: \"\"\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got ''");
    assertLoadError("sampling:\n  interval: [5s]\n",
                    "agent.yaml:2:13: expected a duration like 15s or 500ms, got a sequence");
}

/* sampling.events and sampling.event_min_gap: defaults, values, bounds */
static void
test_event_keys(void **state)
{
    xvAgentConf *conf = loadOk("sampling:\n  interval: 1s\n");

    (void)state;
    assert_true(conf->events);
    assert_int_equal(conf->eventMinGapMs, 100);
    xvAgentConfFree(conf);
    conf = loadOk("sampling:\n  events: false\n  event_min_gap: 0s\n");
    assert_false(conf->events);
    assert_int_equal(conf->eventMinGapMs, 0);
    xvAgentConfFree(conf);
    conf = loadOk("sampling:\n  event_min_gap: 1m\n");
    assert_int_equal(conf->eventMinGapMs, 60000);
    xvAgentConfFree(conf);
    assertLoadError("sampling:\n  event_min_gap: 61s\n",
                    "agent.yaml:2:18: event_min_gap 61s is above the maximum of 1m");
    assertLoadError("sampling:\n  events: maybe\n",
                    "agent.yaml:2:11: expected a boolean (true/false, yes/no, on/off), got 'maybe'");
}

static void
test_interval_must_be_at_least_100ms(void **state)
{
    assertLoadError("sampling:\n  interval: 0s\n",
                    "agent.yaml:2:13: interval 0s is below the minimum of 100ms");
    assertLoadError("sampling:\n  interval: 99ms\n",
                    "agent.yaml:2:13: interval 99ms is below the minimum of 100ms");
    assertLoadError("sampling:\n  interval: 1441m\n",
                    "agent.yaml:2:13: interval 1441m is above the maximum of 24h");
    assertLoadError("sampling:\n  interval: 99999999999999999999999h\n",
                    "agent.yaml:2:13: interval 99999999999999999999999h is above the "
                    "maximum of 24h");
    assertLoadError("listen:\n  read_timeout: 50ms\n",
                    "agent.yaml:2:17: read_timeout 50ms is below the minimum of 100ms");
    assertLoadError("listen:\n  header_timeout: 50ms\n",
                    "agent.yaml:2:19: header_timeout 50ms is below the minimum of 100ms");
    assertLoadError("listen:\n  max_connections_per_address: 0\n",
                    "agent.yaml:2:32: max_connections_per_address 0 is out of range 1..10000");
    assertLoadError("listen:\n  write_timeout: 61m\n",
                    "agent.yaml:2:18: write_timeout 61m is above the maximum of 1h");
}

static void
test_integers_are_strict_and_range_checked(void **state)
{
    xvAgentConf *conf;

    conf = loadOk("listen:\n  port: 65535\n  max_connections: 1\n"
                  "  max_header_bytes: 1048576\n");
    assert_int_equal(conf->listenPort, 65535);
    assert_int_equal(conf->maxConnections, 1);
    assert_int_equal(conf->maxHeaderBytes, 1048576);
    xvAgentConfFree(conf);
    conf = loadOk("listen:\n  port: \"8080\"\n  max_connections: +10000\n"
                  "  max_header_bytes: 512\n");
    assert_int_equal(conf->listenPort, 8080);
    assert_int_equal(conf->maxConnections, 10000);
    assert_int_equal(conf->maxHeaderBytes, 512);
    xvAgentConfFree(conf);

    assertLoadError("listen:\n  port: 70000\n",
                    "agent.yaml:2:9: port 70000 is out of range 1..65535");
    assertLoadError("listen:\n  port: 0\n", "agent.yaml:2:9: port 0 is out of range 1..65535");
    assertLoadError("listen:\n  port: -1\n", "agent.yaml:2:9: port -1 is out of range 1..65535");
    assertLoadError("listen:\n  port: 99999999999999999999\n",
                    "agent.yaml:2:9: port 99999999999999999999 is out of range 1..65535");
    assertLoadError("listen:\n  port: 80a\n", "agent.yaml:2:9: expected an integer, got '80a'");
    assertLoadError("listen:\n  port: 0x50\n", "agent.yaml:2:9: expected an integer, got '0x50'");
    assertLoadError("listen:\n  port: 8e1\n", "agent.yaml:2:9: expected an integer, got '8e1'");
    assertLoadError("listen:\n  port: 80.0\n", "agent.yaml:2:9: expected an integer, got '80.0'");
    assertLoadError("listen:\n  port: 1_000\n",
                    "agent.yaml:2:9: expected an integer, got '1_000'");
    assertLoadError("listen:\n  port: \" 80\"\n", "agent.yaml:2:9: expected an integer, got ' 80'");
    assertLoadError("listen:\n  port: \"\"\n", "agent.yaml:2:9: expected an integer, got ''");
    assertLoadError("listen:\n  max_connections: 10001\n",
                    "agent.yaml:2:20: max_connections 10001 is out of range 1..10000");
    assertLoadError("listen:\n  max_header_bytes: 511\n",
                    "agent.yaml:2:21: max_header_bytes 511 is out of range 512..1048576");
}

static void
test_booleans_accept_three_spellings_in_any_case(void **state)
{
    static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", "ON" };
    static const char *const no[] = { "false", "False", "no", "NO", "off", "Off" };
    char yaml[64];
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(yes); i++) {
        xvAgentConf *conf;

        snprintf(yaml, sizeof(yaml), "sampling:\n  collectors:\n    vcpu: %s\n", yes[i]);
        conf = loadOk(yaml);
        assert_true(conf->collectorSet[collector("vcpu")]);
        assert_true(conf->collectorEnabled[collector("vcpu")]);
        assert_false(xvAgentConfCollectorEnabled(conf, "node", false));
        xvAgentConfFree(conf);
    }
    for (i = 0; i < XV_N_ELEMENTS(no); i++) {
        xvAgentConf *conf;

        snprintf(yaml, sizeof(yaml), "sampling:\n  collectors:\n    vcpu: %s\n", no[i]);
        conf = loadOk(yaml);
        assert_true(conf->collectorSet[collector("vcpu")]);
        assert_false(conf->collectorEnabled[collector("vcpu")]);
        assert_false(xvAgentConfCollectorEnabled(conf, "vcpu", true));
        xvAgentConfFree(conf);
    }
    assertLoadError("sampling:\n  collectors:\n    node: maybe\n",
                    "agent.yaml:3:11: expected a boolean (true/false, yes/no, on/off), "
                    "got 'maybe'");
    assertLoadError("sampling:\n  collectors:\n    node: 1\n",
                    "agent.yaml:3:11: expected a boolean (true/false, yes/no, on/off), got '1'");
    assertLoadError("sampling:\n  collectors:\n    node: y\n",
                    "agent.yaml:3:11: expected a boolean (true/false, yes/no, on/off), got 'y'");
}

static void
test_strings_accept_any_scalar_but_not_empty(void **state)
{
    xvAgentConf *conf = loadOk("connection:\n  uri: 12\npolicies_dir: 'a dir'\n");

    assert_string_equal(conf->uri, "12");
    assert_string_equal(conf->policiesDir, "a dir");
    xvAgentConfFree(conf);
    assertLoadError("connection:\n  uri: \"\"\n",
                    "agent.yaml:2:8: expected a non-empty string, got ''");
    assertLoadError("policies_dir: [a]\n",
                    "agent.yaml:1:15: expected a non-empty string, got a sequence");
}

static void
test_long_values_are_cut_in_messages(void **state)
{
    char yaml[256];
    char expected[256];

    char nines[101];

    memset(nines, '9', 100);
    nines[100] = '\0';
    snprintf(yaml, sizeof(yaml), "listen:\n  port: %s\n", nines);
    snprintf(expected, sizeof(expected),
             "agent.yaml:2:9: port %.64s... is out of range 1..65535", nines);
    assertLoadError(yaml, expected);
}

static void
test_logging_levels_map_to_syslog_priorities(void **state)
{
    static const struct {
        const char *name;
        int level;
    } cases[] = {
        { "debug", 7 }, { "info", 6 }, { "notice", 5 }, { "warning", 4 }, { "error", 3 },
        { "DEBUG", 7 }, { "Warning", 4 },
        /* node_exporter's name (--log.level) */
        { "warn", 4 },
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char yaml[64];
        xvAgentConf *conf;

        snprintf(yaml, sizeof(yaml), "logging:\n  level: %s\n", cases[i].name);
        conf = loadOk(yaml);
        assert_int_equal(conf->logLevel, cases[i].level);
        xvAgentConfFree(conf);
    }
    assertLoadError("logging:\n  level: verbose\n",
                    "agent.yaml:2:10: unknown logging level 'verbose' "
                    "(expected one of: debug, info, notice, warning, error)");
    assertLoadError("logging:\n  level: warnings\n",
                    "agent.yaml:2:10: unknown logging level 'warnings' "
                    "(expected one of: debug, info, notice, warning, error)");
    assert_int_equal(xvAgentConfLogLevelFromName("warn"), 4);
    assert_int_equal(xvAgentConfLogLevelFromName("notice"), 5);
    assert_int_equal(xvAgentConfLogLevelFromName("trace"), -1);
    assert_string_equal(xvAgentConfLogLevelName(3), "error");
    assert_string_equal(xvAgentConfLogLevelName(6), "info");
    assert_string_equal(xvAgentConfLogLevelName(7), "debug");
    assert_null(xvAgentConfLogLevelName(2));
    assert_null(xvAgentConfLogLevelName(8));
}

static void
test_listen_address_accepts_ips_and_host_names(void **state)
{
    static const struct {
        const char *yaml;
        const char *address;
    } cases[] = {
        { "127.0.0.1", "127.0.0.1" }, { "\"::\"", "::" }, { "\"fe80::1\"", "fe80::1" },
        { "\"[::1]\"", "::1" }, { "localhost", "localhost" },
        { "metrics-01.example.org", "metrics-01.example.org" },
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char yaml[128];
        xvAgentConf *conf;

        snprintf(yaml, sizeof(yaml), "listen:\n  address: %s\n", cases[i].yaml);
        conf = loadOk(yaml);
        assert_string_equal(conf->listenAddress, cases[i].address);
        xvAgentConfFree(conf);
    }
}

static void
test_bad_listen_addresses_are_rejected(void **state)
{
    char yaml[400];
    char expected[400];

    assertLoadError("listen:\n  address: 999.1.1.1\n",
                    "agent.yaml:2:12: '999.1.1.1' is not a valid IPv4 address");
    assertLoadError("listen:\n  address: 10.0.0\n",
                    "agent.yaml:2:12: '10.0.0' is not a valid IPv4 address");
    assertLoadError("listen:\n  address: \"[1.2.3.4]\"\n",
                    "agent.yaml:2:12: '[1.2.3.4]' is not a valid IPv6 address");
    assertLoadError("listen:\n  address: \"bad host\"\n",
                    "agent.yaml:2:12: expected an IP address or a host name, got 'bad host'");
    assertLoadError("listen:\n  address: \"a..b\"\n",
                    "agent.yaml:2:12: expected an IP address or a host name, got 'a..b'");
    assertLoadError("listen:\n  address: \"-a\"\n",
                    "agent.yaml:2:12: expected an IP address or a host name, got '-a'");
    assertLoadError("listen:\n  address: \"host:80\"\n",
                    "agent.yaml:2:12: expected an IP address or a host name, got 'host:80'");
    assertLoadError("listen:\n  address: \"\"\n",
                    "agent.yaml:2:12: expected an IP address or a host name, got ''");
    memset(yaml, 0, sizeof(yaml));
    strcpy(yaml, "listen:\n  address: ");
    memset(yaml + strlen(yaml), 'a', 254);
    strcat(yaml, "\n");
    snprintf(expected, sizeof(expected),
             "agent.yaml:2:12: host name '%.64s...' is longer than 253 characters", yaml + 19);
    assertLoadError(yaml, expected);
}

/* ---- policies ---------------------------------------------------------- */

static void
test_policies_keep_their_entries(void **state)
{
    xvAgentConf *conf = loadOk("policies:\n"
                               "  - {name: b1, type: balloon, target: 50%}\n"
                               "  - name: p1\n"
                               "    type: autopin\n");
    const xvConfNode *node;

    assert_int_equal(conf->npolicies, 2);
    assert_string_equal(conf->policies[0].name, "b1");
    assert_ptr_equal(conf->policies[0].type, &xvPolicyBalloon);
    node = xvConfNodeFind(conf->policies[0].node, "target");
    assert_string_equal(node->value, "50%");
    assert_int_equal(node->line, 2);
    assert_int_equal(node->column, 39);
    assert_string_equal(conf->policies[1].name, "p1");
    assert_ptr_equal(conf->policies[1].type, &xvPolicyAutopin);
    assert_int_equal(conf->policies[1].node->line, 3);
    assert_int_equal(conf->policies[1].node->column, 5);
    xvAgentConfFree(conf);

    conf = loadOk("policies: []\n");
    assert_int_equal(conf->npolicies, 0);
    xvAgentConfFree(conf);
}

static void
test_policy_shape_errors_are_reported(void **state)
{
    assertLoadError("policies:\n  name: a\n",
                    "agent.yaml:2:3: expected a sequence, got a mapping");
    assertLoadError("policies: autopin\n",
                    "agent.yaml:1:11: expected a sequence, got 'autopin'");
    assertLoadError("policies:\n  - autopin\n",
                    "agent.yaml:2:5: expected a mapping, got 'autopin'");
    assertLoadError("policies:\n  -\n",
                    "agent.yaml:2:4: expected a mapping, got an empty value");
    assertLoadError("policies:\n  - type: autopin\n",
                    "agent.yaml:2:5: policy entry is missing the required key 'name'");
    assertLoadError("policies:\n  - name: a\n    target: 1\n",
                    "agent.yaml:2:5: policy entry is missing the required key 'type'");
    assertLoadError("policies:\n  - name: \"\"\n    type: autopin\n",
                    "agent.yaml:2:11: expected a non-empty string, got ''");
    assertLoadError("policies:\n  - name:\n    type: autopin\n",
                    "agent.yaml:2:10: expected a non-empty string, got an empty value");
    assertLoadError("policies:\n  - name: [a]\n    type: autopin\n",
                    "agent.yaml:2:11: expected a non-empty string, got a sequence");
    assertLoadError("policies:\n  - name: a\n    type: autopn\n",
                    "agent.yaml:3:11: unknown policy type 'autopn' "
                    "(expected one of: autopin, balloon, restart)");
    assertLoadError("policies:\n  - name: a\n    type: AUTOPIN\n",
                    "agent.yaml:3:11: unknown policy type 'AUTOPIN' "
                    "(expected one of: autopin, balloon, restart)");
    assertLoadError("policies:\n  - name: a\n    type: {x: 1}\n",
                    "agent.yaml:3:11: expected a non-empty string, got a mapping");
}

static void
test_duplicate_policy_names_point_at_the_second(void **state)
{
    assertLoadError("policies:\n"
                    "  - name: web\n"
                    "    type: autopin\n"
                    "  - name: other\n"
                    "    type: restart\n"
                    "  - type: balloon\n"
                    "    name: web\n",
                    "agent.yaml:7:11: policy 'web' is already defined at agent.yaml:2:11");
}

/* ---- policies_dir ------------------------------------------------------ */

/* @text with every "@D" replaced by @dir. To free(). */
static char *
expandDir(const char *text, const char *dir)
{
    char *out = calloc(1, strlen(text) * (strlen(dir) + 1) + 1);
    const char *at;
    size_t len = 0;

    assert_non_null(out);
    while ((at = strstr(text, "@D"))) {
        memcpy(out + len, text, (size_t)(at - text));
        len += (size_t)(at - text);
        strcpy(out + len, dir);
        len += strlen(dir);
        text = at + 2;
    }
    strcpy(out + len, text);
    return out;
}

/* Loads @dir/agent.yaml; fails the test unless it is valid. */
static xvAgentConf *
loadDirOk(const char *dir)
{
    char *path = xvTestPathIn(dir, "agent.yaml");
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };
    int rc = xvAgentConfLoadFile(path, &conf, &err);

    if (rc != 0) {
        char *msg = xvConfErrorFormat(&err);

        print_error("unexpected error: %s\n", msg);
        free(msg);
        xvConfErrorClear(&err);
        fail_msg("loading failed with %d", rc);
    }
    free(path);
    return conf;
}

/* Loads @dir/agent.yaml and expects @expected, where "@D" stands for @dir. */
static void
assertDirError(const char *dir, int expectedRc, const char *expected)
{
    char *path = xvTestPathIn(dir, "agent.yaml");
    char *want = expandDir(expected, dir);
    xvAgentConf *conf = (xvAgentConf *)0x1;
    xvConfError err = { 0 };
    int rc = xvAgentConfLoadFile(path, &conf, &err);

    assertErrorIs(rc, expectedRc, conf, &err, want);
    free(want);
    free(path);
}

static void
test_policy_files_are_merged_in_name_order_after_the_main_file(void **state)
{
    char *dir = xvTestTempDir();
    xvAgentConf *conf;
    char *file;
    size_t i;
    static const char *const names[] = { "main", "a1", "a2", "b1", "B0", "e1" };

    xvTestWriteText(dir, "agent.yaml", "policies:\n  - name: main\n    type: restart\n");
    xvTestMakeDir(dir, "policies.d");
    /* strcmp order: "10-a" < "20-b" < "9-B" < "C-empty" < "e" */
    xvTestWriteText(dir, "policies.d/20-b.yaml", "policies:\n  - name: b1\n    type: balloon\n");
    xvTestWriteText(dir, "policies.d/10-a.yaml", "# two\npolicies:\n"
              "  - {name: a1, type: autopin}\n  - name: a2\n    type: restart\n");
    xvTestWriteText(dir, "policies.d/9-B.yaml", "policies:\n  - name: B0\n    type: autopin\n");
    xvTestWriteText(dir, "policies.d/C-empty.yaml", "");
    xvTestWriteText(dir, "policies.d/D-null.yaml", "policies:\n");
    xvTestWriteText(dir, "policies.d/e.yaml", "---\npolicies:\n  - name: e1\n    type: balloon\n");
    /* not policy files: ignored, even when they would not load */
    xvTestWriteText(dir, "policies.d/README", "bogus: [");
    xvTestWriteText(dir, "policies.d/30-x.yaml~", "bogus: [");
    xvTestWriteText(dir, "policies.d/.30-x.yaml.swp", "bogus: [");
    xvTestWriteText(dir, "policies.d/.hidden.yaml", "bogus: [");
    xvTestWriteText(dir, "policies.d/40-x.yml", "bogus: [");
    xvTestWriteText(dir, "policies.d/40-x.yaml.dpkg-old", "bogus: [");
    xvTestMakeDir(dir, "policies.d/50-dir.yaml");
    xvTestWriteText(dir, "policies.d/50-dir.yaml/x.yaml", "bogus: [");
    assert_int_equal(mkfifo(file = xvTestPathIn(dir, "policies.d/60-fifo.yaml"), 0600), 0);
    free(file);
    /* a symbolic link to a policy file is read */
    xvTestWriteText(dir, "elsewhere.yaml", "policies:\n  - name: linked\n    type: restart\n"
              "    enabled: false\n");
    assert_int_equal(symlink("../elsewhere.yaml", file = xvTestPathIn(dir, "policies.d/f.yaml")), 0);
    free(file);

    conf = loadDirOk(dir);
    assert_int_equal(conf->npolicies, 7);
    for (i = 0; i < XV_N_ELEMENTS(names); i++)
        assert_string_equal(conf->policies[i].name, names[i]);
    assert_string_equal(conf->policies[6].name, "linked");
    file = xvTestPathIn(dir, "agent.yaml");
    assert_string_equal(conf->policies[0].file, file);
    assert_string_equal(conf->file, file);
    free(file);
    file = xvTestPathIn(dir, "policies.d/10-a.yaml");
    assert_string_equal(conf->policies[1].file, file);
    assert_string_equal(conf->policies[2].file, file);
    free(file);
    file = xvTestPathIn(dir, "policies.d/f.yaml");
    assert_string_equal(conf->policies[6].file, file);
    free(file);
    /* the marks point into the policy's own file */
    assert_ptr_equal(conf->policies[1].type, &xvPolicyAutopin);
    assert_int_equal(conf->policies[1].node->line, 3);
    assert_int_equal(conf->policies[1].node->column, 5);
    assert_int_equal(conf->policies[2].node->line, 4);
    assert_int_equal(xvConfNodeFind(conf->policies[5].node, "type")->line, 4);
    assert_null(conf->policiesDir);
    xvAgentConfFree(conf);
    xvTestRemoveTree(dir);
}

static void
test_policies_dir_is_taken_from_the_directory_of_the_file(void **state)
{
    char *dir = xvTestTempDir();
    char *abs = xvTestPathIn(dir, "abs.d");
    char *yaml = NULL;
    xvAgentConf *conf;

    /* relative: next to the file, whatever the working directory */
    xvTestWriteText(dir, "agent.yaml", "policies_dir: mine.d\n");
    xvTestMakeDir(dir, "mine.d");
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "mine.d/a.yaml", "policies:\n  - name: mine\n    type: restart\n");
    xvTestWriteText(dir, "policies.d/a.yaml", "policies:\n  - name: default\n    type: restart\n");
    conf = loadDirOk(dir);
    assert_int_equal(conf->npolicies, 1);
    assert_string_equal(conf->policies[0].name, "mine");
    assert_string_equal(conf->policiesDir, "mine.d");
    xvAgentConfFree(conf);

    /* absolute */
    xvTestMakeDir(dir, "abs.d");
    xvTestWriteText(dir, "abs.d/a.yaml", "policies:\n  - name: abs\n    type: restart\n");
    assert_true(asprintf(&yaml, "policies_dir: \"%s\"\n", abs) > 0);
    xvTestWriteText(dir, "agent.yaml", yaml);
    conf = loadDirOk(dir);
    assert_int_equal(conf->npolicies, 1);
    assert_string_equal(conf->policies[0].name, "abs");
    xvAgentConfFree(conf);

    /* a null value keeps the default */
    xvTestWriteText(dir, "agent.yaml", "policies_dir: ~\n");
    conf = loadDirOk(dir);
    assert_int_equal(conf->npolicies, 1);
    assert_string_equal(conf->policies[0].name, "default");
    xvAgentConfFree(conf);

    /* from a string, no directory is read at all */
    conf = loadOk("policies_dir: /nonexistent/policies.d\n");
    assert_int_equal(conf->npolicies, 0);
    assert_string_equal(conf->policiesDir, "/nonexistent/policies.d");
    xvAgentConfFree(conf);
    free(yaml);
    free(abs);
    xvTestRemoveTree(dir);
}

static void
test_policies_dir_that_cannot_be_read_is_an_error(void **state)
{
    char *dir = xvTestTempDir();
    xvAgentConf *conf;

    /* the default one may be missing */
    xvTestWriteText(dir, "agent.yaml", "policies:\n  - name: a\n    type: restart\n");
    conf = loadDirOk(dir);
    assert_int_equal(conf->npolicies, 1);
    xvAgentConfFree(conf);

    /* one set explicitly may not: the error is at its value */
    xvTestWriteText(dir, "agent.yaml", "# x\npolicies_dir: gone.d\n");
    assertDirError(dir, -ENOENT, "@D/agent.yaml:2:15: cannot read policies_dir "
                   "'@D/gone.d': No such file or directory");
    xvTestWriteText(dir, "agent.yaml", "policies_dir: /nonexistent/policies.d\n");
    assertDirError(dir, -ENOENT, "@D/agent.yaml:1:15: cannot read policies_dir "
                   "'/nonexistent/policies.d': No such file or directory");
    xvTestWriteText(dir, "file.d", "policies: []\n");
    xvTestWriteText(dir, "agent.yaml", "policies_dir: file.d\n");
    assertDirError(dir, -ENOTDIR, "@D/agent.yaml:1:15: cannot read policies_dir "
                   "'@D/file.d': Not a directory");

    /* the default one, when it is there but not a directory */
    xvTestWriteText(dir, "agent.yaml", "");
    xvTestWriteText(dir, "policies.d", "policies: []\n");
    assertDirError(dir, -ENOTDIR, "@D/policies.d: cannot read the policy directory: "
                   "Not a directory");
    xvTestRemoveTree(dir);
}

static void
test_policy_file_that_cannot_be_read_is_an_error(void **state)
{
    char *dir = xvTestTempDir();
    char *link;

    xvTestWriteText(dir, "agent.yaml", "");
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "policies.d/a.yaml", "policies:\n  - name: a\n    type: restart\n");
    /* a dangling link named like a policy file: nothing to read, an error */
    assert_int_equal(symlink("nonexistent", link = xvTestPathIn(dir, "policies.d/b.yaml")), 0);
    assertDirError(dir, -ENOENT, "@D/policies.d/b.yaml: cannot open the configuration file: "
                   "No such file or directory");
    assert_int_equal(unlink(link), 0);
    free(link);

    /* too large */
    {
        char *text = commentText(XV_CONF_MAX_BYTES + 1);

        xvTestWriteText(dir, "policies.d/b.yaml", text);
        free(text);
    }
    assertDirError(dir, -EFBIG, "@D/policies.d/b.yaml: file is too large (1048577 bytes; "
                   "the limit is 1048576)");
    xvTestRemoveTree(dir);
}

/* chmod @dir/@name to @mode. */
static void
chmodIn(const char *dir, const char *name, mode_t mode)
{
    char *path = xvTestPathIn(dir, name);

    assert_int_equal(chmod(path, mode), 0);
    free(path);
}

static void
test_fifo_as_the_configuration_is_refused_without_blocking(void **state)
{
    char *dir = xvTestTempDir();
    char *fifo = xvTestPathIn(dir, "agent.yaml");

    (void)state;
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* a blocking open would wait for a writer forever */
    assertDirError(dir, -EINVAL, "@D/agent.yaml: cannot read the configuration file: "
                   "not a regular file (a FIFO)");
    free(fifo);
    xvTestRemoveTree(dir);
}

static void
test_files_writable_by_any_user_are_refused(void **state)
{
    char *dir = xvTestTempDir();

    (void)state;
    xvTestWriteText(dir, "agent.yaml", "");
    chmodIn(dir, "agent.yaml", 0666);
    assertDirError(dir, -EPERM, "@D/agent.yaml: untrusted configuration file, refused: "
                   "writable by any user (mode 0666) (see TRUSTED FILES in xvirt-agent(8))");
    chmodIn(dir, "agent.yaml", 0644);
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "policies.d/a.yaml", "policies: []\n");
    chmodIn(dir, "policies.d/a.yaml", 0602);
    assertDirError(dir, -EPERM, "@D/policies.d/a.yaml: untrusted configuration file, "
                   "refused: writable by any user (mode 0602) (see TRUSTED FILES in "
                   "xvirt-agent(8))");
    chmodIn(dir, "policies.d/a.yaml", 0600);
    /* the directory, where anyone could add a policy file */
    chmodIn(dir, "policies.d", 0777);
    assertDirError(dir, -EPERM, "@D/policies.d: untrusted policy directory, refused: "
                   "writable by any user (mode 0777) (see TRUSTED FILES in xvirt-agent(8))");
    xvTestRemoveTree(dir);
}

static void
test_files_writable_by_the_group_are_read_with_a_warning(void **state)
{
    char *dir = xvTestTempDir();
    char *path = xvTestPathIn(dir, "agent.yaml");
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };
    char *want;

    (void)state;
    xvTestWriteText(dir, "agent.yaml", "policies:\n  - name: a\n    type: restart\n");
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "policies.d/b.yaml", "policies:\n  - name: b\n    type: balloon\n");
    xvTestWriteText(dir, "policies.d/c.yaml", "policies: []\n");
    chmodIn(dir, "agent.yaml", 0664);
    chmodIn(dir, "policies.d", 0770);
    assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
    assert_int_equal(conf->npolicies, 2);
    /* the main file, then the directory once (not again for each file) */
    assert_int_equal(conf->nwarnings, 2);
    want = expandDir("@D/agent.yaml: writable by group", dir);
    assert_true(strncmp(conf->warnings[0], want, strlen(want)) == 0);
    free(want);
    want = expandDir("@D/policies.d: writable by group", dir);
    assert_true(strncmp(conf->warnings[1], want, strlen(want)) == 0);
    free(want);
    xvAgentConfFree(conf);

    /* trusted files say nothing */
    chmodIn(dir, "agent.yaml", 0644);
    chmodIn(dir, "policies.d", 0755);
    assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
    assert_int_equal(conf->nwarnings, 0);
    xvAgentConfFree(conf);
    free(path);
    xvTestRemoveTree(dir);
}

static void
test_fifo_in_the_policy_directory_is_skipped(void **state)
{
    char *dir = xvTestTempDir();
    char *path = xvTestPathIn(dir, "agent.yaml");
    char *fifo = xvTestPathIn(dir, "policies.d/f.yaml");
    xvAgentConf *conf = NULL;
    xvConfError err = { 0 };

    (void)state;
    xvTestWriteText(dir, "agent.yaml", "");
    xvTestMakeDir(dir, "policies.d");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(xvAgentConfLoadFile(path, &conf, &err), 0);
    assert_int_equal(conf->npolicies, 0);
    xvAgentConfFree(conf);
    free(fifo);
    free(path);
    xvTestRemoveTree(dir);
}

static void
test_policy_file_errors_name_the_policy_file(void **state)
{
    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        { "policies:\n  - name: x\n    type: restart\nlisten:\n  port: 1\n",
          "@D/policies.d/10-x.yaml:4:1: unknown key 'listen' in a policy file (a file of "
          "policies_dir holds only 'policies')" },
        { "policies_dir: other.d\n",
          "@D/policies.d/10-x.yaml:1:1: unknown key 'policies_dir' in a policy file (a file "
          "of policies_dir holds only 'policies')" },
        { "- name: x\n  type: restart\n",
          "@D/policies.d/10-x.yaml:1:1: expected a mapping, got a sequence" },
        { "policies:\n  name: x\n",
          "@D/policies.d/10-x.yaml:2:3: expected a sequence, got a mapping" },
        { "policies:\n  - name: x\n    type: migrate\n",
          "@D/policies.d/10-x.yaml:3:11: unknown policy type 'migrate' (expected one of: "
          "autopin, balloon, restart)" },
        { "policies:\n  - type: restart\n",
          "@D/policies.d/10-x.yaml:2:5: policy entry is missing the required key 'name'" },
        { "policies:\n  - name: 'x\n",
          "@D/policies.d/10-x.yaml:3:1: YAML syntax error: found unexpected end of stream "
          "(while scanning a quoted scalar at line 2, column 11)" },
        { "policies: &a []\n",
          "@D/policies.d/10-x.yaml:1:11: YAML anchors are not supported ('&a')" },
    };
    char *dir = xvTestTempDir();
    size_t i;

    xvTestWriteText(dir, "agent.yaml", "policies:\n  - name: main\n    type: restart\n");
    xvTestMakeDir(dir, "policies.d");
    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        xvTestWriteText(dir, "policies.d/10-x.yaml", cases[i].text);
        assertDirError(dir, -EINVAL, cases[i].error);
    }
    /* the main file is read first: its error wins */
    xvTestWriteText(dir, "agent.yaml", "bogus: 1\n");
    assertDirError(dir, -EINVAL, "@D/agent.yaml:1:1: unknown key 'bogus' at the top level "
                   "(expected one of: connection, listen, sampling, logging, policies, "
                   "policies_dir, state_dir, state_retention)");
    xvTestRemoveTree(dir);
}

static void
test_duplicate_policy_names_across_files_name_the_first_one(void **state)
{
    char *dir = xvTestTempDir();

    xvTestWriteText(dir, "agent.yaml", "logging:\n  level: info\npolicies:\n"
              "  - name: web\n    type: restart\n");
    xvTestMakeDir(dir, "policies.d");
    xvTestWriteText(dir, "policies.d/10-a.yaml", "policies:\n  - name: other\n    type: autopin\n"
              "  - type: balloon\n    name: web\n");
    assertDirError(dir, -EINVAL, "@D/policies.d/10-a.yaml:5:11: policy 'web' is already "
                   "defined at @D/agent.yaml:4:11");

    /* between two policy files: at the later one in name order */
    xvTestWriteText(dir, "agent.yaml", "");
    xvTestWriteText(dir, "policies.d/20-b.yaml", "policies:\n  - {type: restart, name: other}\n");
    xvTestWriteText(dir, "policies.d/10-a.yaml", "policies:\n  - name: other\n    type: autopin\n");
    assertDirError(dir, -EINVAL, "@D/policies.d/20-b.yaml:2:27: policy 'other' is already "
                   "defined at @D/policies.d/10-a.yaml:2:11");
    xvTestRemoveTree(dir);
}

static void
test_state_retention_is_a_duration_of_at_least_an_hour(void **state)
{
    xvAgentConf *conf = loadOk("state_retention: 720h\n");

    assert_int_equal(conf->stateRetentionMs, UINT64_C(720) * 3600 * 1000);
    xvAgentConfFree(conf);
    conf = loadOk("state_retention:\n");
    assert_int_equal(conf->stateRetentionMs, XV_AGENT_DEFAULT_STATE_RETENTION_MS);
    assert_int_equal(conf->stateRetentionMs, UINT64_C(168) * 3600 * 1000);
    xvAgentConfFree(conf);
    assertLoadError("state_retention: 59m\n",
                    "agent.yaml:1:18: state_retention 59m is below the minimum of 1h");
    assertLoadError("state_retention: 87601h\n",
                    "agent.yaml:1:18: state_retention 87601h is above the maximum of 87600h");
    assertLoadError("state_retention: 7\n",
                    "agent.yaml:1:18: expected a duration like 15s or 500ms, got '7' "
                    "(add a unit: ms, s, m or h)");
}

/* ---- error and node API ------------------------------------------------ */

static void
test_error_struct_is_reusable_and_optional(void **state)
{
    xvAgentConf *conf = (xvAgentConf *)0x1;
    xvConfError err = { 0 };
    char *s;

    assert_int_equal(xvAgentConfLoadString("a.yaml", "x: 1\n", &conf, &err), -EINVAL);
    assert_int_equal(xvAgentConfLoadString("b.yaml", "listen: 1\n", &conf, &err), -EINVAL);
    assert_string_equal(err.file, "b.yaml");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 9);
    s = xvConfErrorFormat(&err);
    assert_string_equal(s, "b.yaml:1:9: expected a mapping, got '1'");
    free(s);
    /* success leaves the error as it was */
    assert_int_equal(xvAgentConfLoadString("c.yaml", "", &conf, &err), 0);
    assert_string_equal(err.file, "b.yaml");
    xvAgentConfFree(conf);
    xvConfErrorClear(&err);

    conf = (xvAgentConf *)0x1;
    assert_int_equal(xvAgentConfLoadString("d.yaml", "x: [", &conf, NULL), -EINVAL);
    assert_ptr_equal(conf, (xvAgentConf *)0x1);
}

static void
test_names_of_collectors_and_policy_types_come_from_their_registries(void **state)
{
    /* the registries name them, in the order the messages list them */
    assert_string_equal(xvCollectors[0]->name, "node");
    assert_string_equal(xvCollectors[1]->name, "domain");
    assert_string_equal(xvCollectors[2]->name, "vcpu");
    assert_string_equal(xvCollectors[3]->name, "memory");
    assert_string_equal(xvCollectors[4]->name, "block");
    assert_string_equal(xvCollectors[5]->name, "net");
    assert_string_equal(xvCollectors[6]->name, "cpu");
    assert_string_equal(xvCollectors[7]->name, "process");
    assert_int_equal(xvCollectorCount(), 8);
    assert_null(xvCollectors[xvCollectorCount()]);
    assert_true(xvCollectorCount() <= XV_COLLECTORS_MAX);
    assert_int_equal(xvCollectorIndex("vcpu"), 2);
    assert_int_equal(xvCollectorIndex("gpu"), -1);
    assert_string_equal(xvPolicyTypes[0]->name, "autopin");
    assert_string_equal(xvPolicyTypes[1]->name, "balloon");
    assert_string_equal(xvPolicyTypes[2]->name, "restart");
    assert_null(xvPolicyTypes[3]);
    assert_ptr_equal(xvPolicyTypeFind("balloon"), &xvPolicyBalloon);
    assert_null(xvPolicyTypeFind("Balloon"));
    /* unknown names and a missing configuration fall back to the default */
    assert_true(xvAgentConfCollectorEnabled(NULL, "node", true));
    {
        xvAgentConf *conf = loadOk("sampling: {collectors: {node: off}}");

        assert_false(xvAgentConfCollectorEnabled(conf, "node", true));
        assert_true(xvAgentConfCollectorEnabled(conf, "domain", true));
        assert_false(xvAgentConfCollectorEnabled(conf, "domain", false));
        assert_true(xvAgentConfCollectorEnabled(conf, "gpu", true));
        xvAgentConfFree(conf);
    }
}

/* ---- --listen ---------------------------------------------------------- */

static void
test_parse_listen_accepts_the_three_forms(void **state)
{
    static const struct {
        const char *text;
        const char *address;
        unsigned int port;
    } cases[] = {
        { "127.0.0.1:9100", "127.0.0.1", 9100 }, { "[::1]:80", "::1", 80 },
        { ":9913", "0.0.0.0", 9913 }, { "localhost:65535", "localhost", 65535 },
        { "[::]:1", "::", 1 },
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *address = NULL;
        unsigned int port = 0;
        char *msg = NULL;

        assert_int_equal(xvAgentConfParseListen(cases[i].text, &address, &port, &msg), 0);
        assert_null(msg);
        assert_string_equal(address, cases[i].address);
        assert_int_equal(port, cases[i].port);
        free(address);
    }
}

static void
test_parse_listen_rejects_bad_input(void **state)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        { "9100", "expected host:port, [ipv6]:port or :port, got '9100'" },
        { "::1:80", "expected host:port, [ipv6]:port or :port, got '::1:80'" },
        { "", "expected host:port, [ipv6]:port or :port, got ''" },
        { "host:", "port '' is not a number in 1..65535" },
        { "host:0", "port '0' is not a number in 1..65535" },
        { "host:65536", "port '65536' is not a number in 1..65535" },
        { "host:+80", "port '+80' is not a number in 1..65535" },
        { "host:http", "port 'http' is not a number in 1..65535" },
        { "[::1]", "expected [ipv6]:port, got '[::1]'" },
        { "[::1:80", "expected [ipv6]:port, got '[::1:80'" },
        { "[::1]80", "expected [ipv6]:port, got '[::1]80'" },
        { "[]:80", "expected an IP address or a host name, got '[]'" },
        { "[::1]:", "port '' is not a number in 1..65535" },
        { "[1.2.3.4]:80", "'[1.2.3.4]' is not a valid IPv6 address" },
        { "bad host:80", "expected an IP address or a host name, got 'bad host'" },
        { "300.1.1.1:80", "'300.1.1.1' is not a valid IPv4 address" },
    };
    size_t i;

    for (i = 0; i < XV_N_ELEMENTS(cases); i++) {
        char *address = (char *)0x1;
        unsigned int port = 7;
        char *msg = NULL;

        assert_int_equal(xvAgentConfParseListen(cases[i].text, &address, &port, &msg), -EINVAL);
        assert_non_null(msg);
        if (strcmp(msg, cases[i].message) != 0)
            print_error("'%s': got '%s'\n", cases[i].text, msg);
        assert_string_equal(msg, cases[i].message);
        assert_ptr_equal(address, (char *)0x1);
        assert_int_equal(port, 7);
        free(msg);
    }
    assert_int_equal(xvAgentConfParseListen("x", NULL, NULL, NULL), -EINVAL);
}

/* ---- threads ----------------------------------------------------------- */

static void *
loadManyTimes(void *arg)
{
    const char *path = arg;
    int i;

    for (i = 0; i < 200; i++) {
        xvAgentConf *conf = NULL;
        xvConfError err = { 0 };

        if (xvAgentConfLoadFile(path, &conf, &err) != 0 || conf->listenPort != 19913 ||
            conf->npolicies != 3)
            return (void *)1;
        xvAgentConfFree(conf);
        if (xvAgentConfLoadString("t.yaml", "listen: {port: 0}", &conf, &err) != -EINVAL ||
            err.column != 16)
            return (void *)1;
        xvConfErrorClear(&err);
    }
    return NULL;
}

static void
test_loading_is_reentrant_across_threads(void **state)
{
    char *path = strdup(xvTestDataPath("agent/conf/full.yaml"));
    pthread_t threads[4];
    size_t i;

    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, loadManyTimes, path), 0);
    for (i = 0; i < 4; i++) {
        void *result = (void *)1;

        assert_int_equal(pthread_join(threads[i], &result), 0);
        assert_null(result);
    }
    free(path);
}

static void
test_logging_format_is_syslog_unless_set(void **state)
{
    xvAgentConf *conf = loadOk("logging:\n  level: info\n");

    (void)state;
    assert_int_equal(conf->logFormat, XV_LOG_FORMAT_SYSLOG);
    xvAgentConfFree(conf);
    conf = loadOk("logging:\n  format: json\n");
    assert_int_equal(conf->logFormat, XV_LOG_FORMAT_JSON);
    xvAgentConfFree(conf);
    conf = loadOk("logging:\n  format: logfmt\n");
    assert_int_equal(conf->logFormat, XV_LOG_FORMAT_LOGFMT);
    xvAgentConfFree(conf);
    assertLoadError("logging:\n  format: xml\n",
                    "agent.yaml:2:11: unknown log format 'xml' "
                    "(expected one of: syslog, logfmt, json)");
}

static void
test_telemetry_path_is_checked(void **state)
{
    static const char *const bad[] = {
        "metrics", "//evil.example/metrics", "/", "/-/healthy", "/-/ready", "/m?x=1", "/m#top", "/a b", "/\x01",
        "/caf\xc3\xa9", "",
    };
    xvAgentConf *conf = loadOk("listen:\n  port: 1\n");
    char *msg = NULL;
    size_t i;

    (void)state;
    assert_string_equal(conf->telemetryPath, "/metrics");
    xvAgentConfFree(conf);
    conf = loadOk("listen:\n  telemetry_path: /prom/metrics\n");
    assert_string_equal(conf->telemetryPath, "/prom/metrics");
    xvAgentConfFree(conf);
    assert_int_equal(xvAgentConfCheckTelemetryPath("/-/metrics", NULL), 0);
    for (i = 0; i < XV_N_ELEMENTS(bad); i++) {
        assert_int_equal(xvAgentConfCheckTelemetryPath(bad[i], &msg), -EINVAL);
        assert_non_null(msg);
        free(msg);
        msg = NULL;
    }
    assertLoadError("listen:\n  telemetry_path: /-/ready\n",
                    "agent.yaml:2:19: telemetry path '/-/ready' is taken by another endpoint "
                    "(/, /-/healthy, /-/ready)");
    assertLoadError("listen:\n  telemetry_path: metrics\n",
                    "agent.yaml:2:19: telemetry path 'metrics' does not start with '/'");
}

static void
test_web_config_file_is_a_non_empty_path(void **state)
{
    xvAgentConf *conf = loadOk("listen:\n  port: 1\n");

    (void)state;
    assert_null(conf->webConfigFile);
    xvAgentConfFree(conf);
    /* a string: kept as written (no file to be next to) */
    conf = loadOk("listen:\n  web_config_file: web.yml\n");
    assert_string_equal(conf->webConfigFile, "web.yml");
    xvAgentConfFree(conf);
    assertLoadError("listen:\n  web_config_file: \"\"\n",
                    "agent.yaml:2:20: expected a non-empty string, got ''");
    assert_int_equal(xvAgentConfCheckWebConfigFile("", NULL), -EINVAL);
    assert_int_equal(xvAgentConfCheckWebConfigFile("/etc/xvirt/web.yml", NULL), 0);
}

static void
test_web_config_file_relative_to_the_file_read(void **state)
{
    static const char relative[] = "listen:\n  web_config_file: web.yml\n";
    static const char absolute[] = "listen:\n  web_config_file: /etc/xvirt/web.yml\n";
    char *dir = xvTestTempDir();
    char *path = xvTestPathIn(dir, "agent.yaml");
    char *want = xvTestPathIn(dir, "web.yml");
    xvAgentConf *conf;

    (void)state;
    writeFile(path, relative, strlen(relative));
    conf = loadDirOk(dir);
    assert_string_equal(conf->webConfigFile, want);
    xvAgentConfFree(conf);
    writeFile(path, absolute, strlen(absolute));
    conf = loadDirOk(dir);
    assert_string_equal(conf->webConfigFile, "/etc/xvirt/web.yml");
    xvAgentConfFree(conf);
    free(want);
    free(path);
    xvTestRemoveTree(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_new_holds_the_defaults),
    cmocka_unit_test(test_empty_string_gives_the_defaults),
    cmocka_unit_test(test_comments_only_give_the_defaults),
    cmocka_unit_test(test_null_document_gives_the_defaults),
    cmocka_unit_test(test_empty_sections_and_values_keep_the_defaults),
    cmocka_unit_test(test_full_file_sets_every_key),
    cmocka_unit_test(test_shipped_example_loads_and_states_the_defaults),
    cmocka_unit_test(test_utf8_bom_and_crlf_are_accepted),
    cmocka_unit_test(test_flow_style_is_accepted),
    cmocka_unit_test(test_missing_file_reports_strerror),
    cmocka_unit_test(test_file_over_one_mib_is_rejected),
    cmocka_unit_test(test_error_points_at_the_offending_value_in_a_file),
    cmocka_unit_test(test_invalid_utf8_is_rejected_with_its_position),
    cmocka_unit_test(test_utf16_is_rejected),
    cmocka_unit_test(test_invalid_utf8_is_reported_at_the_bad_byte),
    cmocka_unit_test(test_nul_bytes_are_rejected),
    cmocka_unit_test(test_columns_count_characters_not_bytes),
    cmocka_unit_test(test_anchors_and_aliases_are_rejected),
    cmocka_unit_test(test_tags_are_rejected),
    cmocka_unit_test(test_second_document_is_rejected),
    cmocka_unit_test(test_deep_nesting_is_rejected),
    cmocka_unit_test(test_too_many_nodes_are_rejected),
    cmocka_unit_test(test_syntax_errors_carry_libyaml_marks),
    cmocka_unit_test(test_wrong_shapes_are_reported),
    cmocka_unit_test(test_unknown_keys_are_rejected_at_every_level),
    cmocka_unit_test(test_first_error_in_file_order_wins),
    cmocka_unit_test(test_duplicate_keys_are_rejected_at_every_level),
    cmocka_unit_test(test_many_keys_are_checked_for_duplicates),
    cmocka_unit_test(test_durations_accept_each_unit),
    cmocka_unit_test(test_bad_durations_are_rejected),
    cmocka_unit_test(test_interval_must_be_at_least_100ms),
    cmocka_unit_test(test_event_keys),
    cmocka_unit_test(test_integers_are_strict_and_range_checked),
    cmocka_unit_test(test_booleans_accept_three_spellings_in_any_case),
    cmocka_unit_test(test_strings_accept_any_scalar_but_not_empty),
    cmocka_unit_test(test_long_values_are_cut_in_messages),
    cmocka_unit_test(test_logging_levels_map_to_syslog_priorities),
    cmocka_unit_test(test_listen_address_accepts_ips_and_host_names),
    cmocka_unit_test(test_bad_listen_addresses_are_rejected),
    cmocka_unit_test(test_policies_keep_their_entries),
    cmocka_unit_test(test_policy_shape_errors_are_reported),
    cmocka_unit_test(test_duplicate_policy_names_point_at_the_second),
    cmocka_unit_test(test_policy_files_are_merged_in_name_order_after_the_main_file),
    cmocka_unit_test(test_policies_dir_is_taken_from_the_directory_of_the_file),
    cmocka_unit_test(test_policies_dir_that_cannot_be_read_is_an_error),
    cmocka_unit_test(test_policy_file_that_cannot_be_read_is_an_error),
    cmocka_unit_test(test_fifo_as_the_configuration_is_refused_without_blocking),
    cmocka_unit_test(test_files_writable_by_any_user_are_refused),
    cmocka_unit_test(test_files_writable_by_the_group_are_read_with_a_warning),
    cmocka_unit_test(test_fifo_in_the_policy_directory_is_skipped),
    cmocka_unit_test(test_policy_file_errors_name_the_policy_file),
    cmocka_unit_test(test_duplicate_policy_names_across_files_name_the_first_one),
    cmocka_unit_test(test_state_retention_is_a_duration_of_at_least_an_hour),
    cmocka_unit_test(test_error_struct_is_reusable_and_optional),
    cmocka_unit_test(test_names_of_collectors_and_policy_types_come_from_their_registries),
    cmocka_unit_test(test_parse_listen_accepts_the_three_forms),
    cmocka_unit_test(test_parse_listen_rejects_bad_input),
    cmocka_unit_test(test_loading_is_reentrant_across_threads),
    cmocka_unit_test(test_logging_format_is_syslog_unless_set),
    cmocka_unit_test(test_telemetry_path_is_checked),
    cmocka_unit_test(test_web_config_file_is_a_non_empty_path),
    cmocka_unit_test(test_web_config_file_relative_to_the_file_read),
};

XV_TEST_MAIN(tests)
