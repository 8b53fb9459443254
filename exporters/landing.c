/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* landing.c: the landing page of the agent, rendered from a given state (pure). */
#include "landing.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xvalloc.h"

/* What replaces a masked credential. */
#define LANDING_MASK "xxxxx"

/* Phone first: one column, tables that scroll sideways on their own rather
 * than widen the page. */
static const char landingHead[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>xvirt agent</title>\n"
    "<style>\n"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;line-height:1.4;"
    "color:#1b1b1b;background:#fff;margin:0 auto;max-width:64em;padding:.5em 1em 2em}\n"
    "h1{font-size:1.4em;margin:.4em 0}h2{font-size:1.1em;margin:1.4em 0 .3em}\n"
    "nav a{display:inline-block;margin:0 1em .3em 0}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse}\n"
    "th,td{text-align:left;vertical-align:top;padding:.25em .6em;"
    "border-bottom:1px solid #ddd}\n"
    "thead th{background:#f2f2f2;white-space:nowrap}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.t{white-space:nowrap}td.d{min-width:14em}\n"
    "table.kv th{white-space:nowrap}\n"
    "code{word-break:break-all}\n"
    ".ok{color:#176f2c}.bad{color:#b00020;font-weight:bold}.dry{color:#8a5a00}\n"
    ".muted{color:#666}\n"
    /* a narrow screen: a stacked table's rows become blocks, each cell a
     * line labelled with its column's head */
    "@media (max-width:40em){\n"
    "table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}\n"
    "table.stack thead{display:none}\n"
    "table.stack tr{border-bottom:1px solid #ccc;padding:.3em 0}\n"
    "table.stack td{border:0;padding:.05em .3em;white-space:normal;min-width:0}\n"
    "table.stack td::before{content:attr(data-label) \": \";color:#666}\n"
    "table.stack td.name{font-weight:600}\n"
    "}\n"
    "</style></head>\n"
    "<body>\n<h1>xvirt agent</h1>\n";

/* ---- the URI, masked ---- */

static bool
landingSecretName(const char *name, size_t len)
{
    static const char *const words[] = { "pass", "secret", "token", "cred" };
    char lower[64];
    size_t i;

    if (len >= sizeof(lower))
        return true;                    /* an odd name: better masked */
    for (i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[len] = '\0';
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strstr(lower, words[i]))
            return true;
    }
    return false;
}

/* Appends the query @q (after the '?', up to a '#' or the end) with the
 * values of secret-sounding parameters masked. */
static void
landingMaskQuery(xvBuf *out, const char *q, size_t len)
{
    size_t at = 0;

    while (at < len) {
        const char *param = q + at;
        size_t plen = strcspn(param, "&#");
        const char *eq;

        if (at + plen > len)
            plen = len - at;
        eq = memchr(param, '=', plen);
        if (eq && landingSecretName(param, (size_t)(eq - param))) {
            xvBufAdd(out, param, (size_t)(eq - param) + 1);
            xvBufAddStr(out, LANDING_MASK);
        } else {
            xvBufAdd(out, param, plen);
        }
        at += plen;
        if (at < len && q[at] == '&')
            xvBufAdd(out, &q[at++], 1);
        else
            break;
    }
}

char *
xvLandingRedactURI(const char *uri)
{
    xvBuf out = XV_BUF_INIT;
    const char *authority, *end, *at, *colon, *query;

    if (!uri || !*uri)
        return xvStrdup("xen:///");
    authority = strstr(uri, "://");
    authority = authority ? authority + 3 : uri;
    end = authority + strcspn(authority, "/?#");
    /* the user information ends at the authority's last '@' */
    at = NULL;
    for (const char *p = authority; p < end; p++) {
        if (*p == '@')
            at = p;
    }
    colon = at ? memchr(authority, ':', (size_t)(at - authority)) : NULL;
    if (colon) {
        xvBufAdd(&out, uri, (size_t)(colon + 1 - uri));
        xvBufAddStr(&out, LANDING_MASK);
        xvBufAddStr(&out, at);
    } else {
        xvBufAddStr(&out, uri);
    }
    /* the query of what was kept: mask in a second pass */
    if ((query = strchr(out.data, '?'))) {
        char *copy = xvStrdup(query + 1);
        size_t qlen = strcspn(copy, "#");

        out.len = (size_t)(query + 1 - out.data);
        out.data[out.len] = '\0';
        landingMaskQuery(&out, copy, qlen);
        xvBufAddStr(&out, copy + qlen);
        free(copy);
    }
    return xvBufSteal(&out, NULL);
}

/* ---- pieces ---- */

/* A duration for people: "850 us", "12.3 ms", "4.2 s", "3 min 05 s", "2 h 04 min". */
static void
landingDuration(xvBuf *out, uint64_t ns)
{
    uint64_t s = ns / 1000000000u;

    if (ns < 1000000u)
        xvBufAsprintf(out, "%llu &micro;s", (unsigned long long)(ns / 1000u));
    else if (ns < 1000000000u)
        xvBufAsprintf(out, "%.1f ms", (double)ns / 1e6);
    else if (s < 60)
        xvBufAsprintf(out, "%.1f s", (double)ns / 1e9);
    else if (s < 3600)
        xvBufAsprintf(out, "%llu min %02llu s", (unsigned long long)(s / 60),
                      (unsigned long long)(s % 60));
    else
        xvBufAsprintf(out, "%llu h %02llu min", (unsigned long long)(s / 3600),
                      (unsigned long long)(s / 60 % 60));
}

/* A time of day in UTC, "2026-12-06 03:05:37Z"; "-" for 0. */
static void
landingTime(xvBuf *out, uint64_t ms)
{
    time_t t = (time_t)(ms / 1000u);
    struct tm tm;
    char text[32];

    if (ms == 0 || !gmtime_r(&t, &tm) ||
        strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%SZ", &tm) == 0) {
        xvBufAddStr(out, "-");
        return;
    }
    xvBufAddStr(out, text);
}

/* <td class="CLS" data-label="LABEL"> (each when not NULL); the label is
 * the column's head, shown beside the value when a narrow screen stacks
 * the table's cells. */
static void
landingTd(xvBuf *out, const char *cls, const char *label)
{
    xvBufAddStr(out, "<td");
    if (cls)
        xvBufAsprintf(out, " class=\"%s\"", cls);
    if (label)
        xvBufAsprintf(out, " data-label=\"%s\"", label);
    xvBufAddStr(out, ">");
}

/* landingTd, then @text escaped, then </td> */
static void
landingCell(xvBuf *out, const char *cls, const char *label, const char *text)
{
    landingTd(out, cls, label);
    xvBufEscapeHTML(out, text ? text : "");
    xvBufAddStr(out, "</td>");
}

/* The class a result is shown with. */
static const char *
landingResultClass(const char *result)
{
    if (!result)
        return NULL;
    if (strcmp(result, "ok") == 0 || strcmp(result, "rolled_forward") == 0)
        return "ok";
    if (strcmp(result, "dry_run") == 0)
        return "dry";
    if (strcmp(result, "failed") == 0 || strcmp(result, "gave_up") == 0)
        return "bad";
    return NULL;
}

/* A table with a row of @heads (NULL-terminated); @stack: its cells are
 * stacked on a narrow screen. */
static void
landingTableBegin(xvBuf *out, const char *id, bool stack, const char *const *heads)
{
    xvBufAsprintf(out, "<div class=\"scroll\"><table id=\"%s\"%s><thead><tr>", id,
                  stack ? " class=\"stack\"" : "");
    for (; *heads; heads++)
        xvBufAsprintf(out, "<th>%s</th>", *heads);
    xvBufAddStr(out, "</tr></thead><tbody>\n");
}

static void
landingTableEnd(xvBuf *out)
{
    xvBufAddStr(out, "</tbody></table></div>\n");
}

/* ---- sections ---- */

static void
landingSummary(xvBuf *out, const xvLandingState *st)
{
    char *uri = xvLandingRedactURI(st->uri);
    const xvSnapshot *snap = st->snap;

    xvBufAddStr(out, "<div class=\"scroll\"><table class=\"kv\" id=\"summary\">\n");
    xvBufAddStr(out, "<tr><th>Version</th><td id=\"version\">");
    xvBufEscapeHTML(out, st->version ? st->version : "");
    if (st->api) {
        xvBufAddStr(out, " <span class=\"muted\">(");
        xvBufEscapeHTML(out, st->api);
        xvBufAddStr(out, ")</span>");
    }
    xvBufAddStr(out, "</td></tr>\n<tr><th>Hypervisor URI</th><td><code id=\"uri\">");
    xvBufEscapeHTML(out, uri);
    free(uri);
    xvBufAddStr(out, "</code></td></tr>\n<tr><th>Hypervisor</th><td id=\"hypervisor\">");
    if (!snap)
        xvBufAddStr(out, "<span class=\"muted\">no sample yet</span>");
    else if (snap->connected)
        xvBufAddStr(out, "<span class=\"ok\">up</span> (the last sample reached it)");
    else
        xvBufAddStr(out, "<span class=\"bad\">down</span> (the last sample did not reach it)");
    if (st->lastError && (!snap || !snap->connected)) {
        xvBufAddStr(out, ": ");
        xvBufEscapeHTML(out, st->lastError);
    }
    xvBufAsprintf(out, "</td></tr>\n<tr><th>Ready</th><td id=\"ready\">%s</td></tr>\n",
                  st->ready ? "<span class=\"ok\">yes</span>" :
                  "<span class=\"bad\">no</span>: the hypervisor has never answered");
    xvBufAddStr(out, "<tr><th>Snapshot</th><td id=\"snapshot\">");
    if (snap) {
        xvBufAsprintf(out, "sample %llu, ", (unsigned long long)snap->seq);
        landingDuration(out, st->snapAgeNs);
        xvBufAddStr(out, " old, took ");
        landingDuration(out, snap->durationNs);
        xvBufAddStr(out, " (taken ");
        landingTime(out, snap->timestampNs / 1000000u);
        xvBufAddStr(out, ")");
    } else {
        xvBufAddStr(out, "<span class=\"muted\">none yet</span>");
    }
    xvBufAddStr(out, "</td></tr>\n</table></div>\n");
}

static void
landingDomains(xvBuf *out, const xvSnapshot *snap)
{
    /* virDomainState order; nostate and pmsuspended shown only when seen */
    static const char *const names[] = {
        "no state", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
        "pmsuspended",
    };
    static const char *const ids[] = {
        "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
        "pmsuspended",
    };
    size_t counts[sizeof(names) / sizeof(names[0]) + 1] = { 0 };
    const size_t other = sizeof(names) / sizeof(names[0]);
    size_t i;

    xvBufAddStr(out, "<h2>Domains</h2>\n");
    if (!snap || !snap->connected) {
        xvBufAddStr(out, "<p class=\"muted\">Not known: the last sample did not reach the "
                    "hypervisor.</p>\n");
        return;
    }
    for (i = 0; i < snap->ndomains; i++)
        counts[snap->domains[i].state < other ? snap->domains[i].state : other]++;
    xvBufAsprintf(out, "<p id=\"domains-total\">%zu %s.</p>\n", snap->ndomains,
                  snap->ndomains == 1 ? "domain" : "domains");
    xvBufAddStr(out, "<div class=\"scroll\"><table class=\"kv\" id=\"domains\">\n");
    for (i = 0; i <= other; i++) {
        bool always = i >= 1 && i <= 6;

        if (!always && counts[i] == 0)
            continue;
        xvBufAsprintf(out, "<tr><th>%s</th><td class=\"n\" id=\"domains-%s\">%zu</td></tr>\n",
                      i < other ? names[i] : "other", i < other ? ids[i] : "other", counts[i]);
    }
    xvBufAddStr(out, "</table></div>\n");
}

static void
landingCollectors(xvBuf *out, const xvSnapshot *snap)
{
    static const char *const heads[] = { "Collector", "Last sample", "Took", NULL };
    uint64_t errors = 0;
    bool first;
    size_t i;

    xvBufAddStr(out, "<h2>Collectors</h2>\n");
    if (!snap) {
        xvBufAddStr(out, "<p class=\"muted\">No sample yet.</p>\n");
        return;
    }
    landingTableBegin(out, "collectors", false, heads);
    for (i = 0; i < snap->ncollectors; i++) {
        const xvCollectorResult *c = &snap->collectors[i];

        xvBufAddStr(out, "<tr>");
        landingCell(out, NULL, NULL, c->name);
        xvBufAsprintf(out, "<td class=\"%s\">%s</td><td class=\"n\">", c->success ? "ok" : "bad",
                      c->success ? "succeeded" : "failed");
        landingDuration(out, c->durationNs);
        xvBufAddStr(out, "</td></tr>\n");
    }
    landingTableEnd(out);
    for (i = 0; i < XV_CALL_LAST; i++)
        errors += snap->errorsTotal[i];
    xvBufAsprintf(out, "<p id=\"call-errors\">Failed hypervisor calls since the agent started: "
                  "%llu", (unsigned long long)errors);
    for (i = 0, first = true; errors && i < XV_CALL_LAST; i++) {
        if (!snap->errorsTotal[i])
            continue;
        xvBufAsprintf(out, "%s%s %llu", first ? " (" : ", ", xvSampleCallName((xvSampleCall)i),
                      (unsigned long long)snap->errorsTotal[i]);
        first = false;
    }
    xvBufAddStr(out, errors ? ").</p>\n" : ".</p>\n");
}

/* Time, result and domain of @a in one cell. */
static void
landingLastAction(xvBuf *out, const char *label, const xvLandingAction *a)
{
    const char *cls = landingResultClass(a ? a->result : NULL);

    if (!a) {
        landingCell(out, "muted", label, "none yet");
        return;
    }
    landingTd(out, NULL, label);
    landingTime(out, a->atMs);
    xvBufAsprintf(out, " <span%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    xvBufEscapeHTML(out, a->action ? a->action : "");
    xvBufAddStr(out, " ");
    xvBufEscapeHTML(out, a->result ? a->result : "");
    xvBufAddStr(out, "</span> on ");
    xvBufEscapeHTML(out, a->domain ? a->domain : "");
    xvBufAddStr(out, "</td>");
}

static void
landingPolicies(xvBuf *out, const xvLandingState *st)
{
    static const char *const heads[] = { "Policy", "Type", "Domains", "Mode", "Last action",
                                         NULL };
    size_t i;

    xvBufAddStr(out, "<h2>Policies in force</h2>\n");
    if (st->npolicies == 0) {
        xvBufAddStr(out, "<p class=\"muted\" id=\"no-policies\">None configured.</p>\n");
        return;
    }
    landingTableBegin(out, "policies", true, heads);
    for (i = 0; i < st->npolicies; i++) {
        const xvLandingPolicy *p = &st->policies[i];

        xvBufAddStr(out, "<tr>");
        landingCell(out, "name", heads[0], p->name);
        landingCell(out, NULL, heads[1], p->type);
        landingCell(out, NULL, heads[2], p->selection);
        landingCell(out, !p->enabled ? "muted" : p->dryRun ? "dry" : NULL, heads[3],
                    !p->enabled ? "disabled" : p->dryRun ? "dry run" : "acting");
        landingLastAction(out, heads[4], p->last);
        xvBufAddStr(out, "</tr>\n");
    }
    landingTableEnd(out);
}

static void
landingActions(xvBuf *out, const xvLandingState *st)
{
    static const char *const heads[] = { "Time", "Policy", "Domain", "Action", "Result",
                                         "Detail", NULL };
    size_t i;

    xvBufAddStr(out, "<h2>Last actions</h2>\n");
    if (st->nactions == 0) {
        xvBufAddStr(out, "<p class=\"muted\" id=\"no-actions\">None since the agent "
                    "started.</p>\n");
        return;
    }
    landingTableBegin(out, "actions", true, heads);
    for (i = 0; i < st->nactions; i++) {
        const xvLandingAction *a = &st->actions[i];

        xvBufAddStr(out, "<tr>");
        landingTd(out, "t name", heads[0]);
        landingTime(out, a->atMs);
        xvBufAddStr(out, "</td>");
        landingCell(out, NULL, heads[1], a->policy);
        landingCell(out, NULL, heads[2], a->domain);
        landingCell(out, NULL, heads[3], a->action);
        landingCell(out, landingResultClass(a->result), heads[4], a->result);
        landingCell(out, "d", heads[5], a->detail);
        xvBufAddStr(out, "</tr>\n");
    }
    landingTableEnd(out);
}

static void
landingLinks(xvBuf *out, const char *metricsPath)
{
    const char *path = metricsPath && *metricsPath ? metricsPath : "/metrics";

    /* relative links: they still work behind a proxy that adds a prefix */
    xvBufAddStr(out, "<nav><a id=\"metrics-link\" href=\"./");
    xvBufEscapeHTML(out, path[0] == '/' ? path + 1 : path);
    xvBufAddStr(out, "\">Metrics (");
    xvBufEscapeHTML(out, path);
    xvBufAddStr(out, ")</a><a href=\"-/healthy\">Health (/-/healthy)</a>"
                "<a href=\"-/ready\">Readiness (/-/ready)</a></nav>\n");
}

void
xvLandingRender(const xvLandingState *st, xvBuf *out)
{
    xvBufAddStr(out, landingHead);
    landingLinks(out, st->metricsPath);
    landingSummary(out, st);
    landingDomains(out, st->snap);
    landingCollectors(out, st->snap);
    landingPolicies(out, st);
    landingActions(out, st);
    xvBufAddStr(out, "</body></html>\n");
}
