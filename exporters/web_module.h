/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * web_module.h: the interface between xvirt-agent and its web module,
 * libxvirt_agent_web.so, which holds everything of the web configuration
 * (web_config.h: TLS, basic auth, headers, rate limit) that needs OpenSSL,
 * libcrypt or libevent's OpenSSL bufferevents.
 *
 * Why a module: those libraries, mapped from the start, cost the agent
 * ~1.8 MiB of RSS whether or not a web configuration is used
 * (bench/RESULTS.md, "RSS at 1,000 domains"). The agent loads the module
 * (web.h) only when listen.web_config_file / --web.config.file names a
 * file, the way libxvirt.so loads its Xen driver module (lib/driver.h).
 *
 * The module exports one symbol, XV_WEB_MODULE_SYMBOL, an xvWebModule.
 * The agent checks its version and layout (a module is only accepted from
 * the very same build), then calls init() with what it lends the module
 * (xvWebHost) and gets the module's calls (xvWebOps) back. The module
 * carries its own copy of util/ and src/conf/; it shares nothing else with
 * the agent but libevent's event base and the bufferevents it makes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bufferevent;
struct event_base;

typedef struct ssl_st SSL;

/* A web configuration, as the module reads it (web_config.h). */
typedef struct _xvWebConfig xvWebConfig;

typedef enum {
    XV_WEB_AUTH_OK,
    XV_WEB_AUTH_DENIED,         /* missing, malformed or wrong: 401 */
    XV_WEB_AUTH_BUSY,           /* too many bcrypt checks right now: 429 */
} xvWebAuthResult;

/* What the agent lends the module. */
typedef struct {
    /* Logs @msg (one line) at @level (util/xvlog.h's levels) in the
     * agent's level and format: the module's log goes here. */
    void (*log)(int level, const char *msg);
} xvWebHost;

/* The module's calls; web_config.h says what each does. Loop thread only. */
typedef struct {
    /* xvWebConfigOpen() */
    xvWebConfig *(*open)(const char *path, char **errmsg);
    /* xvWebConfigFree() */
    void (*free)(xvWebConfig *wc);
    /* xvWebConfigRefresh() */
    bool (*refresh)(xvWebConfig *wc);
    /* Whether new connections speak TLS (xvWebConfigTLS() is not NULL). */
    bool (*usesTLS)(const xvWebConfig *wc);
    /* xvWebConfigHeaders() */
    const char *(*headers)(const xvWebConfig *wc);
    /* xvWebConfigNeedsAuth() */
    bool (*needsAuth)(const xvWebConfig *wc);
    /* xvWebConfigAuthorize() */
    xvWebAuthResult (*authorize)(xvWebConfig *wc, const char *value, size_t len,
                                 uint64_t nowMs);
    /* xvWebConfigAdmit() */
    bool (*admit)(xvWebConfig *wc, uint64_t nowMs);
    /* A server-side TLS bufferevent on the accepted socket @fd (closed with
     * it), in @wc's TLS context (which usesTLS() said there is); its SSL
     * into *@ssl. NULL on failure (@fd is then still the caller's). */
    struct bufferevent *(*tlsBufferevent)(const xvWebConfig *wc, struct event_base *base,
                                          int fd, SSL **ssl);
    /* Sends @ssl's close_notify alert (a connection that ends cleanly). */
    void (*tlsShutdown)(SSL *ssl);
    /* xvWebConfigPeerAllowed() */
    bool (*peerAllowed)(const xvWebConfig *wc, SSL *ssl);
} xvWebOps;

typedef struct {
    const char *version;                /* PACKAGE_VERSION */
    unsigned int layout[3];             /* XV_WEB_MODULE_LAYOUT */
    /* Called once, before any other call; returns the module's calls. */
    const xvWebOps *(*init)(const xvWebHost *host);
} xvWebModule;

#define XV_WEB_MODULE_SYMBOL "xvWebModuleEntry"
#define XV_WEB_MODULE_FILE "libxvirt_agent_web.so"
#define XV_WEB_MODULE_LAYOUT \
    { sizeof(xvWebModule), sizeof(xvWebOps), sizeof(xvWebHost) }
