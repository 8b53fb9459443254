/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * landing.h: the agent's landing page ("/"), a plain HTML page (inline
 * CSS, no script, readable on a phone) saying what the agent sees: its
 * version, the hypervisor URI (credentials masked), whether the last
 * sample reached the hypervisor, the snapshot's age and duration, the
 * domains by state, the collectors, the policies in force and their last
 * actions, and links to the other endpoints.
 *
 * The renderer is pure: it reads only the state it is given, which the
 * agent fills in the loop thread from the published snapshot and what was
 * published beside it, so a page never waits on the hypervisor. Every
 * string from outside (domain and policy names, URIs, error messages) is
 * HTML-escaped. The page's size is bounded by its inputs: the actions are
 * the bounded ring of src/policy/history.h, the policies those configured.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/snapshot/snapshot.h"
#include "util/xvbuf.h"

/* One outcome of a policy (an action, or a refusal). */
typedef struct _xvLandingAction xvLandingAction;
struct _xvLandingAction {
    uint64_t atMs;              /* realtime ms since the epoch; 0: unknown */
    const char *policy;
    const char *domain;
    const char *action;         /* "restart", "pin"... */
    const char *result;         /* "ok", "dry_run"... */
    const char *detail;         /* NULL: none */
};

/* A policy in force. */
typedef struct _xvLandingPolicy xvLandingPolicy;
struct _xvLandingPolicy {
    const char *name;
    const char *type;
    const char *selection;      /* its domains in words */
    bool enabled;
    bool dryRun;
    const xvLandingAction *last;    /* NULL: no action yet */
};

/* Everything the page shows; the strings are borrowed. */
typedef struct _xvLandingState xvLandingState;
struct _xvLandingState {
    const char *version;        /* xvirt's version */
    const char *api;            /* "libxvirt 0.1.0"; NULL: not shown */
    const char *uri;            /* as configured (masked here); NULL: the default */
    const char *metricsPath;    /* the telemetry path, "/metrics" */
    /* the newest snapshot; NULL: none taken yet */
    const xvSnapshot *snap;
    uint64_t snapAgeNs;         /* now - the snapshot's end, on the agent's clock */
    bool ready;                 /* /-/ready answers 200 */
    const char *lastError;      /* why the hypervisor could not be reached; NULL: none */
    const xvLandingPolicy *policies;
    size_t npolicies;
    const xvLandingAction *actions;     /* newest first */
    size_t nactions;
};

/* Appends the page for @st to @out (UTF-8, text/html). Pure. */
void xvLandingRender(const xvLandingState *st, xvBuf *out);

/*
 * @uri with what could be a credential masked, to free(): the password of
 * its user information ("xen+ssh://root:secret@host/" becomes
 * "xen+ssh://root:xxxxx@host/") and the value of every query parameter
 * whose name speaks of one (it contains "pass", "secret", "token" or
 * "cred", in any case). NULL gives "xen:///" (the library's default).
 */
char *xvLandingRedactURI(const char *uri);

