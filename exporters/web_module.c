/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * web_module.c: the entry of the agent's web module, libxvirt_agent_web.so
 * (web_module.h): the web configuration's calls (web_config.c) and the TLS
 * side of a connection (an OpenSSL bufferevent), in one table.
 */
#include "config.h"

#include "web_module.h"

#include <openssl/ssl.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "web_config.h"
#include "util/xvlog.h"

static bool
webUsesTLS(const xvWebConfig *wc)
{
    return xvWebConfigTLS(wc) != NULL;
}

static struct bufferevent *
webTLSBufferevent(const xvWebConfig *wc, struct event_base *base, int fd, SSL **ssl)
{
    SSL_CTX *ctx = xvWebConfigTLS(wc);
    struct bufferevent *bev;

    *ssl = NULL;
    if (!ctx || !(*ssl = SSL_new(ctx)))
        return NULL;
    /* the SSL is the bufferevent's from here: freed with it */
    bev = bufferevent_openssl_socket_new(base, fd, *ssl, BUFFEREVENT_SSL_ACCEPTING,
                                         BEV_OPT_CLOSE_ON_FREE);
    if (!bev) {
        SSL_free(*ssl);
        *ssl = NULL;
        return NULL;
    }
    /* a client closing without close_notify has still said all it will */
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    return bev;
}

static void
webTLSShutdown(SSL *ssl)
{
    SSL_shutdown(ssl);
}

static const xvWebOps webOps = {
    .open = xvWebConfigOpen,
    .free = xvWebConfigFree,
    .refresh = xvWebConfigRefresh,
    .usesTLS = webUsesTLS,
    .headers = xvWebConfigHeaders,
    .needsAuth = xvWebConfigNeedsAuth,
    .authorize = xvWebConfigAuthorize,
    .admit = xvWebConfigAdmit,
    .tlsBufferevent = webTLSBufferevent,
    .tlsShutdown = webTLSShutdown,
    .peerAllowed = xvWebConfigPeerAllowed,
};

/* The module's copy of util/xvlog.c passes every message on to the agent,
 * which filters by its own level. */
static const xvWebOps *
webInit(const xvWebHost *host)
{
    xvLogSetLevel(XV_LOG_DEBUG);
    xvLogSetSink(host->log);
    return &webOps;
}

/* The only symbol the module exports (web_module.syms). */
extern const xvWebModule xvWebModuleEntry;
const xvWebModule xvWebModuleEntry = {
    .version = PACKAGE_VERSION,
    .layout = XV_WEB_MODULE_LAYOUT,
    .init = webInit,
};
