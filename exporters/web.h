/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * web.h: the web configuration (TLS, basic auth, headers, rate limit;
 * web_config.h says what it means) as the agent uses it: through the web
 * module libxvirt_agent_web.so (web_module.h), loaded by xvWebOpen() the
 * first time a web configuration file is read, and never unloaded. An
 * agent without a web configuration maps none of OpenSSL, libcrypt and
 * libevent_openssl.
 *
 * Where the module is looked for: $XVIRT_AGENT_MODULE_DIR when set (ignored
 * in set-uid programs); the build tree's exporters/ when the agent running
 * is the build tree's (tests, benchmarks); else the installed directory,
 * $libdir/xvirt/agent. As for the Xen driver module (lib/driver.c), only a
 * regular file that util/xvfile.h trusts strictly is loaded (it and every
 * directory above it writable by no one but root or this user), and only a
 * module from this very build (version and layout).
 *
 * Every call but xvWebOpen() takes a configuration xvWebOpen() returned, so
 * the module is loaded then. Loop thread only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web_module.h"

/*
 * Reads the web configuration file @path (loading the module first if need
 * be). Returns NULL with a message in *errmsg (to free()) if the module
 * cannot be loaded or the file cannot be used; a module that failed to
 * load is tried again at the next call (it may be installed by then).
 */
xvWebConfig *xvWebOpen(const char *path, char **errmsg);

/* Frees @wc; NULL-safe. Connections may still use its TLS context. */
void xvWebFree(xvWebConfig *wc);

/* Reads the files again if one of them changed (web_config.h); true if a
 * new configuration took over. */
bool xvWebRefresh(xvWebConfig *wc);

/* Whether new connections speak TLS. */
bool xvWebUsesTLS(const xvWebConfig *wc);

/* The configured header lines, each "Name: value\r\n" ("" for none). */
const char *xvWebHeaders(const xvWebConfig *wc);

/* Whether requests must carry basic auth credentials. */
bool xvWebNeedsAuth(const xvWebConfig *wc);

/* Checks the Authorization field value @value (@len bytes; NULL: none
 * sent) at monotonic time @nowMs. */
xvWebAuthResult xvWebAuthorize(xvWebConfig *wc, const char *value, size_t len,
                               uint64_t nowMs);

/* Whether the request rate limit lets one more request in at @nowMs. */
bool xvWebAdmit(xvWebConfig *wc, uint64_t nowMs);

/* A TLS bufferevent for the accepted socket @fd (xvWebUsesTLS(@wc) must be
 * true), closing @fd when freed; its SSL into *@ssl. NULL on failure, @fd
 * then still the caller's. */
struct bufferevent *xvWebTLSBufferevent(const xvWebConfig *wc, struct event_base *base,
                                        int fd, SSL **ssl);

/* Sends the close_notify alert on @ssl (from xvWebTLSBufferevent()). */
void xvWebTLSShutdown(SSL *ssl);

/* Whether the TLS peer of @ssl passes client_allowed_sans (true when none
 * are configured). */
bool xvWebPeerAllowed(const xvWebConfig *wc, SSL *ssl);
