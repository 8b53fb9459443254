/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * web_config.h: the HTTP endpoint's security, from a web configuration file
 * in the Prometheus exporter-toolkit format (the file node_exporter and
 * the other exporters read with --web.config.file), with its meaning:
 *
 *   tls_server_config:        TLS for every connection, when a certificate
 *     cert_file / cert        and key are given (files, or PEM inline);
 *     key_file / key          relative paths are taken from the file's
 *     client_auth_type        directory. NoClientCert (default),
 *     client_ca_file / client_ca   RequestClientCert, RequireAnyClientCert,
 *     client_allowed_sans     VerifyClientCertIfGiven,
 *     min_version, max_version     RequireAndVerifyClientCert;
 *     cipher_suites           TLS10..TLS13 (default TLS12..TLS13); IANA
 *     prefer_server_cipher_suites  (Go) suite names for TLS <= 1.2 (TLS 1.3
 *     curve_preferences       suites are accepted and left to OpenSSL, as Go
 *                             does); CurveP256/P384/P521, X25519.
 *   http_server_config:
 *     http2                   accepted; the agent speaks HTTP/1.1 only
 *     headers                 Content-Security-Policy, X-Frame-Options
 *                             (deny, sameorigin), X-Content-Type-Options
 *                             (nosniff), X-XSS-Protection,
 *                             Strict-Transport-Security: on every reply
 *   basic_auth_users:         user: bcrypt hash ($2a$, $2b$, $2y$), checked
 *                             with libxcrypt's crypt_rn (its crypt_r
 *                             that fails with NULL)
 *   rate_limit:               interval, burst: a token bucket over all
 *                             requests (429 past it); interval 0: none
 *
 * Unknown keys and bad values are errors at file:line:column. Every file
 * read (the configuration, certificates, keys, CAs) must be trusted as
 * util/xvfile.h says (not writable by other users).
 *
 * Reloading: xvWebConfigRefresh() is cheap (a stat(2) of each file) and
 * is called for every new connection; when a file changed, the whole
 * configuration is read again, and a bad one is logged once and left
 * aside, the previous one staying in force (exporter-toolkit reads the file
 * for every request and fails requests while it is bad). A TLS context
 * lives as long as a connection uses it, so swapping one is safe.
 *
 * Basic auth: the user name is compared in constant time against every
 * user; an unknown user's password is checked against a fixed hash of the
 * same cost, so the time says nothing about which part was wrong. A
 * success is remembered (a SHA-256 of user, hash and password) so that a
 * scraper pays bcrypt once; failures are not, so guessing cannot push a
 * scraper's entry out. Checks that must run bcrypt are limited to
 * XV_WEB_AUTH_CHECKS_PER_SECOND, so a guesser cannot keep the event loop
 * busy: past it the answer is "busy" (429).
 *
 * Loop thread only: nothing here is thread-safe.
 *
 * This is built into the agent's web module (web_module.h), with OpenSSL
 * and libcrypt; the agent itself calls it through web.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web_module.h"

typedef struct ssl_ctx_st SSL_CTX;
/* (xvWebConfig, SSL and xvWebAuthResult: web_module.h) */

/* bcrypt checks (not answered from the cache) allowed per second, and in
 * one burst. */
#define XV_WEB_AUTH_CHECKS_PER_SECOND 10
#define XV_WEB_AUTH_CHECKS_BURST 20

/*
 * Reads the web configuration file @path. Returns NULL with a message in
 * *errmsg (to free(): "FILE:LINE:COL: ...") if it cannot be used.
 */
xvWebConfig *xvWebConfigOpen(const char *path, char **errmsg);

/* Frees @wc; NULL-safe. Connections may still use its TLS context. */
void xvWebConfigFree(xvWebConfig *wc);

/* The file's path, as given. */
const char *xvWebConfigPath(const xvWebConfig *wc);

/*
 * Reads the files again if one of them changed since they were last read
 * (or last failed). A bad change is logged (once) and the configuration in
 * force stays. Returns true if a new configuration took over.
 */
bool xvWebConfigRefresh(xvWebConfig *wc);

/* Reads the files again now; on failure returns -1 with *errmsg (to
 * free()) and the configuration in force stays. */
int xvWebConfigReload(xvWebConfig *wc, char **errmsg);

/* The TLS context new connections use, or NULL for plain HTTP. */
SSL_CTX *xvWebConfigTLS(const xvWebConfig *wc);

/* Whether the TLS peer of @ssl passes client_allowed_sans (true when
 * none are configured). */
bool xvWebConfigPeerAllowed(const xvWebConfig *wc, SSL *ssl);

/* The configured header lines, each "Name: value\r\n" ("" for none). */
const char *xvWebConfigHeaders(const xvWebConfig *wc);

/* Whether requests must carry basic auth credentials. */
bool xvWebConfigNeedsAuth(const xvWebConfig *wc);

/*
 * Checks the Authorization field value @value (@len bytes; NULL: none
 * sent) at monotonic time @nowMs (for the check limit).
 */
xvWebAuthResult xvWebConfigAuthorize(xvWebConfig *wc, const char *value, size_t len,
                                     uint64_t nowMs);

/* Whether the request rate limit lets one more request in at @nowMs
 * (always true without rate_limit). */
bool xvWebConfigAdmit(xvWebConfig *wc, uint64_t nowMs);

/*
 * Decodes standard base64 (RFC 4648 section 4, padding required, no blanks)
 * of @len bytes into @out (room for len / 4 * 3 bytes). Returns the decoded
 * length, or -1 if @data is not such base64. Pure (for tests and fuzzing).
 */
long xvWebBase64Decode(const char *data, size_t len, unsigned char *out);

/*
 * Splits an Authorization value "Basic BASE64(user:password)" (scheme in
 * any case) of @len bytes: decodes into @buf (room for len / 4 * 3 + 1
 * bytes), where *@user and *@password then point, NUL-terminated (the
 * password is *@plen bytes). False if it is no such value (another scheme,
 * bad base64, no ':', a NUL inside). Pure (for tests and fuzzing).
 */
bool xvWebParseBasic(const char *value, size_t len, unsigned char *buf, char **user,
                     char **password, size_t *plen);
