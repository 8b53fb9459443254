/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* web.c: the agent's side of the web module: finding, checking and loading
 * libxvirt_agent_web.so (web.h), then its calls. */
#include "config.h"

#include "web.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xvalloc.h"
#include "util/xvfile.h"
#include "util/xvlog.h"

/* The module's calls once it is loaded (it never is unloaded: connections
 * and their bufferevents run its code until they close). */
static const xvWebOps *webOps;

/* Where the module's log goes: the agent's log. */
static void
webHostLog(int level, const char *msg)
{
    xvLog(level, "%s", msg);
}

static const xvWebHost webHost = {
    .log = webHostLog,
};

/* Whether the agent running is the build tree's (its directory is
 * XV_AGENT_BUILD_DIR). */
static bool
webRunFromBuildTree(void)
{
    char path[PATH_MAX];

    if (!realpath("/proc/self/exe", path))
        return false;
    return strcmp(dirname(path), XV_AGENT_BUILD_DIR) == 0;
}

/* The directory the module is looked for in (web.h). */
static const char *
webModuleDir(void)
{
    const char *env = secure_getenv("XVIRT_AGENT_MODULE_DIR");

    if (env && *env)
        return env;
    if (webRunFromBuildTree())
        return XV_WEB_MODULE_BUILD_DIR;
    return XV_WEB_MODULE_DIR;
}

/* The module file is code the agent runs as root: 0 if @path may be
 * loaded, else -1 with *@errmsg. */
static int
webCheckFile(const char *path, const char *config, char **errmsg)
{
    char why[XV_FILE_WHY_LEN];
    int rc = xvFileCheckModule(path, why, sizeof(why));

    if (rc == 0)
        return 0;
    if (rc == -ENOENT) {
        *errmsg = xvAsprintf("%s: a web configuration needs the agent's web module %s, "
                             "which is not installed (it comes with xvirt-agent; "
                             "XVIRT_AGENT_MODULE_DIR names another directory)",
                             config, path);
        return -1;
    }
    *errmsg = xvAsprintf("%s: refusing the agent's web module %s: %s (it must be a regular "
                         "file owned by root or this user, writable by no one else)",
                         config, path, why);
    return -1;
}

/* The module's calls from @handle if it comes from this very build; NULL
 * with *@errmsg otherwise. */
static const xvWebOps *
webAccept(void *handle, const char *path, const char *config, char **errmsg)
{
    static const unsigned int layout[] = XV_WEB_MODULE_LAYOUT;
    const xvWebModule *mod = dlsym(handle, XV_WEB_MODULE_SYMBOL);
    const xvWebOps *ops;

    if (!mod) {
        *errmsg = xvAsprintf("%s: %s is not the agent's web module (no %s)", config, path,
                             XV_WEB_MODULE_SYMBOL);
        return NULL;
    }
    if (!mod->version || strcmp(mod->version, PACKAGE_VERSION) != 0 ||
        memcmp(mod->layout, layout, sizeof(layout)) != 0 || !mod->init) {
        *errmsg = xvAsprintf("%s: the web module %s was built for xvirt-agent %s, not for "
                             "this xvirt-agent %s: install the two from the same build",
                             config, path, mod->version ? mod->version : "(unknown)",
                             PACKAGE_VERSION);
        return NULL;
    }
    if (!(ops = mod->init(&webHost)))
        *errmsg = xvAsprintf("%s: the web module %s failed to start", config, path);
    return ops;
}

/* Loads the module unless it is loaded: 0, or -1 with *@errmsg (naming
 * the configuration file @config that asked for it). */
static int
webLoad(const char *config, char **errmsg)
{
    char *path;
    void *handle;

    if (webOps)
        return 0;
    path = xvAsprintf("%s/%s", webModuleDir(), XV_WEB_MODULE_FILE);
    if (webCheckFile(path, config, errmsg) < 0)
        goto out;
    /* RTLD_NOW: a missing library (libssl, libcrypt...) is an error here,
     * not a crash at the first call that needs it */
    if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
        *errmsg = xvAsprintf("%s: cannot load the agent's web module: %s", config, dlerror());
        goto out;
    }
    if (!(webOps = webAccept(handle, path, config, errmsg)))
        dlclose(handle);
    else
        xvLogDebug("web config: loaded %s", path);
 out:
    free(path);
    return webOps ? 0 : -1;
}

xvWebConfig *
xvWebOpen(const char *path, char **errmsg)
{
    *errmsg = NULL;
    if (webLoad(path, errmsg) < 0)
        return NULL;
    return webOps->open(path, errmsg);
}

void
xvWebFree(xvWebConfig *wc)
{
    if (wc)
        webOps->free(wc);
}

bool
xvWebRefresh(xvWebConfig *wc)
{
    return webOps->refresh(wc);
}

bool
xvWebUsesTLS(const xvWebConfig *wc)
{
    return webOps->usesTLS(wc);
}

const char *
xvWebHeaders(const xvWebConfig *wc)
{
    return webOps->headers(wc);
}

bool
xvWebNeedsAuth(const xvWebConfig *wc)
{
    return webOps->needsAuth(wc);
}

xvWebAuthResult
xvWebAuthorize(xvWebConfig *wc, const char *value, size_t len, uint64_t nowMs)
{
    return webOps->authorize(wc, value, len, nowMs);
}

bool
xvWebAdmit(xvWebConfig *wc, uint64_t nowMs)
{
    return webOps->admit(wc, nowMs);
}

struct bufferevent *
xvWebTLSBufferevent(const xvWebConfig *wc, struct event_base *base, int fd, SSL **ssl)
{
    return webOps->tlsBufferevent(wc, base, fd, ssl);
}

void
xvWebTLSShutdown(SSL *ssl)
{
    webOps->tlsShutdown(ssl);
}

bool
xvWebPeerAllowed(const xvWebConfig *wc, SSL *ssl)
{
    return webOps->peerAllowed(wc, ssl);
}
