/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * web_config_test.c: unit tests of the web configuration
 * (exporters/web_config.h): the file format and its errors, basic auth
 * with real bcrypt hashes (crypt_r), the login cache and check limit, the
 * rate limit, and reading the files again when they change. The
 * certificates are tests/data/web/ (a CA, a server and two clients).
 */
#include <crypt.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/ssl.h>

#include "exporters/web_config.h"
#include "xvtest.h"

/* ---- helpers ---- */

/* A bcrypt hash of @password at cost 4 (the lowest: tests stay fast). */
static char *
hashOf(const char *password)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data data;
    char *out;

    memset(&data, 0, sizeof(data));
    assert_non_null(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof(salt)));
    out = crypt_rn(password, salt, &data, (int)sizeof(data));
    assert_non_null(out);
    assert_int_equal(strlen(out), 60);
    return strdup(out);
}

/* "Basic " + base64(@userpass). */
static char *
basic(const char *userpass)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(userpass), i, o = 6;
    char *out = malloc(6 + (n + 2) / 3 * 4 + 1);
    const unsigned char *s = (const unsigned char *)userpass;

    memcpy(out, "Basic ", 6);
    for (i = 0; i < n; i += 3) {
        unsigned int v = s[i] << 16 | (i + 1 < n ? s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);

        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static xvWebAuthResult
authorize(xvWebConfig *wc, const char *userpass, uint64_t nowMs)
{
    char *value = userpass ? basic(userpass) : NULL;
    xvWebAuthResult r = xvWebConfigAuthorize(wc, value, value ? strlen(value) : 0, nowMs);

    free(value);
    return r;
}

/* Writes @text as web.yml in a new directory that also holds copies of the
 * test certificates; returns the directory (xvTestRemoveTree). */
static char *
webDir(const char *text)
{
    static const char *const files[] = {
        "ca.crt", "server.crt", "server.key", "client.crt", "client.key", "other-ca.crt", NULL,
    };
    char *dir = xvTestTempDir();
    size_t i;

    for (i = 0; files[i]; i++) {
        char rel[64];
        char *pem;

        snprintf(rel, sizeof(rel), "web/%s", files[i]);
        pem = xvTestReadFile(xvTestDataPath(rel));
        xvTestWriteText(dir, files[i], pem);
        free(pem);
        if (strstr(files[i], ".key")) {
            char *path = xvTestPathIn(dir, files[i]);

            assert_int_equal(chmod(path, 0600), 0);
            free(path);
        }
    }
    xvTestWriteText(dir, "web.yml", text);
    return dir;
}

/* Opens @text as a web configuration; NULL with *errmsg set on failure. */
static xvWebConfig *
openText(const char *text, char **dirOut, char **errmsg)
{
    char *dir = webDir(text);
    char *path = xvTestPathIn(dir, "web.yml");
    xvWebConfig *wc = xvWebConfigOpen(path, errmsg);

    free(path);
    *dirOut = dir;
    return wc;
}

/* Asserts that @text is refused with a message holding @where (":LINE:COL:")
 * and @what. */
static void
assertRefused(const char *text, const char *where, const char *what)
{
    char *dir, *msg = NULL;
    xvWebConfig *wc = openText(text, &dir, &msg);

    if (wc)
        fail_msg("accepted: %s", text);
    assert_non_null(msg);
    if (!strstr(msg, where) || !strstr(msg, what))
        fail_msg("message '%s' lacks '%s' or '%s'", msg, where, what);
    free(msg);
    xvTestRemoveTree(dir);
}

/* ---- base64 ---- */

static void
test_base64(void **state)
{
    unsigned char out[64];

    (void)state;
    assert_int_equal(xvWebBase64Decode("", 0, out), 0);
    assert_int_equal(xvWebBase64Decode("Zm9v", 4, out), 3);
    assert_memory_equal(out, "foo", 3);
    assert_int_equal(xvWebBase64Decode("Zm8=", 4, out), 2);
    assert_memory_equal(out, "fo", 2);
    assert_int_equal(xvWebBase64Decode("Zg==", 4, out), 1);
    assert_memory_equal(out, "f", 1);
    assert_int_equal(xvWebBase64Decode("cHJvbTpzM2NyZXQ=", 16, out), 11);
    assert_memory_equal(out, "prom:s3cret", 11);
    /* not base64: length, alphabet, padding in the middle, blanks */
    assert_int_equal(xvWebBase64Decode("Zm9", 3, out), -1);
    assert_int_equal(xvWebBase64Decode("Zm9*", 4, out), -1);
    assert_int_equal(xvWebBase64Decode("Z=9v", 4, out), -1);
    assert_int_equal(xvWebBase64Decode("Zm=v", 4, out), -1);
    assert_int_equal(xvWebBase64Decode("Z===", 4, out), -1);
    assert_int_equal(xvWebBase64Decode("Zm9v Zm9v", 9, out), -1);
    assert_int_equal(xvWebBase64Decode("Zm9vZm9v\n", 9, out), -1);
}

/* ---- the file ---- */

static void
test_empty_file_is_plain_http_without_auth(void **state)
{
    char *dir, *msg = NULL;
    xvWebConfig *wc = openText("# nothing\n", &dir, &msg);

    (void)state;
    assert_non_null(wc);
    assert_null(xvWebConfigTLS(wc));
    assert_false(xvWebConfigNeedsAuth(wc));
    assert_string_equal(xvWebConfigHeaders(wc), "");
    assert_int_equal(authorize(wc, NULL, 0), XV_WEB_AUTH_OK);
    assert_true(xvWebConfigAdmit(wc, 0));
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
}

static void
test_every_key_of_exporter_toolkit(void **state)
{
    char *hash = hashOf("pw");
    char text[2048];
    char *dir, *msg = NULL;
    xvWebConfig *wc;

    (void)state;
    snprintf(text, sizeof(text),
             "tls_server_config:\n"
             "  cert_file: server.crt\n"
             "  key_file: server.key\n"
             "  client_auth_type: RequireAndVerifyClientCert\n"
             "  client_ca_file: ca.crt\n"
             "  client_allowed_sans: [prometheus.example, ops@example.org]\n"
             "  min_version: TLS12\n"
             "  max_version: TLS13\n"
             "  cipher_suites:\n"
             "    - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n"
             "    - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n"
             "    - TLS_AES_128_GCM_SHA256\n"
             "  prefer_server_cipher_suites: false\n"
             "  curve_preferences: [X25519, CurveP256]\n"
             "http_server_config:\n"
             "  http2: false\n"
             "  headers:\n"
             "    X-Frame-Options: deny\n"
             "    X-Content-Type-Options: nosniff\n"
             "    Strict-Transport-Security: max-age=31536000; includeSubDomains\n"
             "    Content-Security-Policy: \"default-src 'self'\"\n"
             "    X-XSS-Protection: 1\n"
             "basic_auth_users:\n"
             "  prom: '%s'\n"
             "rate_limit:\n"
             "  interval: 100ms\n"
             "  burst: 2\n", hash);
    wc = openText(text, &dir, &msg);
    if (!wc)
        fail_msg("refused: %s", msg);
    assert_non_null(xvWebConfigTLS(wc));
    assert_int_equal(SSL_CTX_get_min_proto_version(xvWebConfigTLS(wc)), TLS1_2_VERSION);
    assert_int_equal(SSL_CTX_get_verify_mode(xvWebConfigTLS(wc)),
                     SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    assert_true(xvWebConfigNeedsAuth(wc));
    assert_string_equal(xvWebConfigHeaders(wc),
                        "X-Frame-Options: deny\r\n"
                        "X-Content-Type-Options: nosniff\r\n"
                        "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
                        "Content-Security-Policy: default-src 'self'\r\n"
                        "X-XSS-Protection: 1\r\n");
    /* rate limit: a burst of 2, then one per 100 ms */
    assert_true(xvWebConfigAdmit(wc, 1000));
    assert_true(xvWebConfigAdmit(wc, 1000));
    assert_false(xvWebConfigAdmit(wc, 1000));
    assert_false(xvWebConfigAdmit(wc, 1050));
    assert_true(xvWebConfigAdmit(wc, 1100));
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
    free(hash);
}

static void
test_inline_pem_and_relative_paths(void **state)
{
    char *cert = xvTestReadFile(xvTestDataPath("web/server.crt"));
    char *key = xvTestReadFile(xvTestDataPath("web/server.key"));
    size_t n = strlen(cert) * 2 + strlen(key) * 2 + 256;
    char *text = malloc(n);
    char *dir, *msg = NULL, *p;
    xvWebConfig *wc;

    (void)state;
    /* YAML literal blocks, indented */
    p = text + sprintf(text, "tls_server_config:\n  cert: |\n");
    for (char *line = strtok(cert, "\n"); line; line = strtok(NULL, "\n"))
        p += sprintf(p, "    %s\n", line);
    p += sprintf(p, "  key: |\n");
    for (char *line = strtok(key, "\n"); line; line = strtok(NULL, "\n"))
        p += sprintf(p, "    %s\n", line);
    wc = openText(text, &dir, &msg);
    if (!wc)
        fail_msg("refused: %s", msg);
    assert_non_null(xvWebConfigTLS(wc));
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
    free(text);
    free(cert);
    free(key);
}

static void
test_errors_point_at_the_key(void **state)
{
    (void)state;
    assertRefused("tls_server_confg:\n  cert_file: x\n", ":1:1:",
                  "unknown key 'tls_server_confg' at the top level");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  client_auth: x\n", ":4:3:", "unknown key 'client_auth'");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  client_auth_type: Require\n", ":4:21:", "unknown client_auth_type 'Require'");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  min_version: TLS14\n", ":4:16:", "unknown TLS version 'TLS14'");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  min_version: TLS13\n  max_version: TLS12\n", ":4:16:",
                  "min_version TLS13 is above max_version TLS12");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", ":4:19:",
                  "unknown cipher suite 'TLS_RSA_WITH_RC4_128_SHA'");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  curve_preferences: [CurveP255]\n", ":4:23:", "unknown curve 'CurveP255'");
    assertRefused("tls_server_config:\n  key_file: server.key\n", ":1:1:",
                  "missing one of cert or cert_file");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n", ":1:1:",
                  "missing one of key or key_file");
    assertRefused("tls_server_config:\n  cert_file: nothere.crt\n  key_file: server.key\n",
                  ":2:14:", "cannot read cert_file");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n",
                  ":3:13:", "the private key does not match the certificate");
    assertRefused("tls_server_config:\n  cert_file: ca.crt\n  key_file: web.yml\n",
                  ":3:13:", "no usable private key");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  cert: x\n  key_file: server.key\n",
                  ":2:3:", "give cert or cert_file, not both");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  client_ca_file: ca.crt\n", ":4:3:",
                  "a client CA is given without a client_auth_type");
    assertRefused("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "  client_auth_type: RequireAndVerifyClientCert\n", ":4:3:",
                  "needs client_ca_file or client_ca");
    assertRefused("http_server_config:\n  headers:\n    Server: xvirt\n", ":3:5:",
                  "unknown key 'Server' in 'http_server_config.headers'");
    assertRefused("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", ":3:22:",
                  "invalid value 'allow' for X-Frame-Options (expected one of: deny, sameorigin)");
    assertRefused("basic_auth_users:\n  prom: s3cret\n", ":2:9:", "expected a bcrypt hash");
    assertRefused("basic_auth_users:\n  'a:b': '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi'\n",
                  ":2:3:", "without ':'");
    assertRefused("basic_auth_users:\n  prom: '$2y$17$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi'\n",
                  ":2:9:", "bcrypt cost 17 is over 16");
    assertRefused("rate_limit:\n  interval: fast\n", ":2:13:", "");
    assertRefused("basic_auth_users: [prom]\n", ":1:19:", "expected a mapping");
}

static void
test_untrusted_file_is_refused(void **state)
{
    char *dir, *msg = NULL, *path;
    xvWebConfig *wc;

    (void)state;
    wc = openText("basic_auth_users:\n", &dir, &msg);
    assert_non_null(wc);
    xvWebConfigFree(wc);
    path = xvTestPathIn(dir, "web.yml");
    assert_int_equal(chmod(path, 0666), 0);
    wc = xvWebConfigOpen(path, &msg);
    assert_null(wc);
    assert_non_null(strstr(msg, "writable"));
    free(msg);
    free(path);
    xvTestRemoveTree(dir);
}

/* ---- basic auth ---- */

static xvWebConfig *
usersConfig(char **dir)
{
    char *a = hashOf("alpha-pw"), *b = hashOf("beta-pw");
    char text[512], *msg = NULL;
    xvWebConfig *wc;

    snprintf(text, sizeof(text), "basic_auth_users:\n  alpha: '%s'\n  beta: '%s'\n", a, b);
    wc = openText(text, dir, &msg);
    if (!wc)
        fail_msg("refused: %s", msg);
    free(a);
    free(b);
    return wc;
}

static void
test_basic_auth(void **state)
{
    char *dir;
    xvWebConfig *wc = usersConfig(&dir);
    const char *v;

    (void)state;
    assert_true(xvWebConfigNeedsAuth(wc));
    assert_int_equal(authorize(wc, "alpha:alpha-pw", 0), XV_WEB_AUTH_OK);
    assert_int_equal(authorize(wc, "beta:beta-pw", 0), XV_WEB_AUTH_OK);
    /* another user's password, a wrong one, an unknown user, none */
    assert_int_equal(authorize(wc, "alpha:beta-pw", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, "alpha:alpha-p", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, "alpha:alpha-pwx", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, "gamma:alpha-pw", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, "alph:alpha-pw", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, "alpha", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, ":alpha-pw", 0), XV_WEB_AUTH_DENIED);
    assert_int_equal(authorize(wc, NULL, 0), XV_WEB_AUTH_DENIED);
    /* malformed values */
    v = "Bearer YWxwaGE6YWxwaGEtcHc=";
    assert_int_equal(xvWebConfigAuthorize(wc, v, strlen(v), 0), XV_WEB_AUTH_DENIED);
    v = "Basic YWxwaGE6YWxwaGEtcHc";
    assert_int_equal(xvWebConfigAuthorize(wc, v, strlen(v), 0), XV_WEB_AUTH_DENIED);
    /* the scheme is case-insensitive (RFC 9110 11.1) */
    v = "basic YWxwaGE6YWxwaGEtcHc=";
    assert_int_equal(xvWebConfigAuthorize(wc, v, strlen(v), 0), XV_WEB_AUTH_OK);
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
}

/* bcrypt runs at most XV_WEB_AUTH_CHECKS_BURST times at once, then
 * XV_WEB_AUTH_CHECKS_PER_SECOND a second; a login that succeeded before
 * is answered from the cache meanwhile, and guesses cannot push it out. */
static void
test_check_limit_and_cache(void **state)
{
    char *dir;
    xvWebConfig *wc = usersConfig(&dir);
    int i, busy = 0;

    (void)state;
    assert_int_equal(authorize(wc, "alpha:alpha-pw", 0), XV_WEB_AUTH_OK);
    for (i = 0; i < XV_WEB_AUTH_CHECKS_BURST + 5; i++) {
        char guess[32];

        snprintf(guess, sizeof(guess), "alpha:guess%d", i);
        busy += authorize(wc, guess, 0) == XV_WEB_AUTH_BUSY;
    }
    assert_int_equal(busy, 6);      /* the first login took one check */
    /* remembered: answered without bcrypt */
    assert_int_equal(authorize(wc, "alpha:alpha-pw", 0), XV_WEB_AUTH_OK);
    /* not remembered: must wait for the bucket */
    assert_int_equal(authorize(wc, "beta:beta-pw", 0), XV_WEB_AUTH_BUSY);
    assert_int_equal(authorize(wc, "beta:beta-pw", 1000 / XV_WEB_AUTH_CHECKS_PER_SECOND),
                     XV_WEB_AUTH_OK);
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
}

/* ---- reading again ---- */

/* Rewrites @dir/web.yml with @text and moves its mtime, so even a rewrite
 * within the same clock tick is seen. */
static void
rewrite(const char *dir, const char *text, int tick)
{
    char *path = xvTestPathIn(dir, "web.yml");
    struct timespec times[2] = { { .tv_sec = 1000000 + tick }, { .tv_sec = 1000000 + tick } };

    xvTestWriteText(dir, "web.yml", text);
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    free(path);
}

static void
test_refresh_takes_good_changes_only(void **state)
{
    char *h1 = hashOf("one"), *h2 = hashOf("two");
    char t1[256], t2[256], *dir, *msg = NULL, *err;
    xvWebConfig *wc;

    (void)state;
    snprintf(t1, sizeof(t1), "basic_auth_users:\n  u: '%s'\n", h1);
    snprintf(t2, sizeof(t2), "basic_auth_users:\n  u: '%s'\n", h2);
    wc = openText(t1, &dir, &msg);
    assert_non_null(wc);
    assert_false(xvWebConfigRefresh(wc));                   /* nothing changed */
    assert_int_equal(authorize(wc, "u:one", 0), XV_WEB_AUTH_OK);

    rewrite(dir, t2, 1);
    assert_true(xvWebConfigRefresh(wc));
    assert_int_equal(authorize(wc, "u:one", 0), XV_WEB_AUTH_DENIED);   /* cache dropped */
    assert_int_equal(authorize(wc, "u:two", 0), XV_WEB_AUTH_OK);

    /* a bad change: logged once, refused, the last good one stays */
    rewrite(dir, "basic_auth_users:\n  u: plain\n", 2);
    xvTestStderrBegin();
    assert_false(xvWebConfigRefresh(wc));
    assert_false(xvWebConfigRefresh(wc));
    err = xvTestStderrEnd();
    assert_non_null(strstr(err, "web.yml:2:6: expected a bcrypt hash"));
    assert_non_null(strstr(err, "stays in force"));
    assert_null(strstr(strstr(err, "stays in force") + 1, "stays in force"));   /* once */
    free(err);
    assert_int_equal(authorize(wc, "u:two", 0), XV_WEB_AUTH_OK);

    /* fixed: taken */
    rewrite(dir, t1, 3);
    assert_true(xvWebConfigRefresh(wc));
    assert_int_equal(authorize(wc, "u:one", 100), XV_WEB_AUTH_OK);
    /* a forced reload of a bad file says why */
    rewrite(dir, "nope: 1\n", 4);
    assert_int_equal(xvWebConfigReload(wc, &msg), -1);
    assert_non_null(strstr(msg, "unknown key 'nope'"));
    free(msg);
    assert_int_equal(authorize(wc, "u:one", 100), XV_WEB_AUTH_OK);
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
    free(h1);
    free(h2);
}

/* A changed certificate file is a change too. */
static void
test_refresh_sees_certificate_changes(void **state)
{
    char *dir, *msg = NULL, *path;
    struct timespec times[2] = { { .tv_sec = 2000000 }, { .tv_sec = 2000000 } };
    xvWebConfig *wc;
    SSL_CTX *before;

    (void)state;
    wc = openText("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n",
                  &dir, &msg);
    assert_non_null(wc);
    before = xvWebConfigTLS(wc);
    SSL_CTX_up_ref(before);         /* as a connection would hold it */
    path = xvTestPathIn(dir, "server.crt");
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    assert_true(xvWebConfigRefresh(wc));
    assert_ptr_not_equal(xvWebConfigTLS(wc), before);
    SSL_CTX_free(before);           /* still valid until here (ASan) */
    free(path);
    xvWebConfigFree(wc);
    xvTestRemoveTree(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_base64),
    cmocka_unit_test(test_empty_file_is_plain_http_without_auth),
    cmocka_unit_test(test_every_key_of_exporter_toolkit),
    cmocka_unit_test(test_inline_pem_and_relative_paths),
    cmocka_unit_test(test_errors_point_at_the_key),
    cmocka_unit_test(test_untrusted_file_is_refused),
    cmocka_unit_test(test_basic_auth),
    cmocka_unit_test(test_check_limit_and_cache),
    cmocka_unit_test(test_refresh_takes_good_changes_only),
    cmocka_unit_test(test_refresh_sees_certificate_changes),
};

XV_TEST_MAIN(tests)
