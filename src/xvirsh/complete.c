/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * complete.c: completion of xvirsh command lines, for the shell's completion
 * script (the hidden "complete" command) and the interactive line editor:
 * command names, options and domain names.
 */
#include "config.h"

#include "xvirsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The candidates found so far. */
typedef struct _completeList completeList;
struct _completeList {
    char **v;       /* NULL-terminated once anything is added */
    size_t n;
};

/* Adds @cand if it starts with @prefix and is not there yet. */
static void
completeAdd(completeList *list, const char *cand, const char *prefix)
{
    size_t i;

    if (strncmp(cand, prefix, strlen(prefix)) != 0)
        return;
    for (i = 0; i < list->n; i++) {
        if (XV_STREQ(list->v[i], cand))
            return;
    }
    list->v = xvReallocN(list->v, list->n + 2, sizeof(*list->v));
    list->v[list->n++] = xvStrdup(cand);
    list->v[list->n] = NULL;
}

void
xvshStringListFree(char **list)
{
    size_t i;

    for (i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

static void
completeCommands(completeList *list, const char *prefix, bool groups)
{
    const xvshCmdGroup *grp;
    size_t i;

    for (grp = xvshCmdGroups; grp->name; grp++) {
        for (i = 0; grp->cmds[i]; i++) {
            if (!grp->cmds[i]->hidden)
                completeAdd(list, grp->cmds[i]->name, prefix);
        }
    }
    for (grp = xvshCmdGroups; groups && grp->name; grp++)
        completeAdd(list, grp->keyword, prefix);
}

/*
 * The connection to ask for domain names: the session's, opened now if it
 * is not yet. A failure is not reported: completion then offers no names.
 */
static virConnectPtr
completeConnection(xvshControl *ctl)
{
    if (!ctl->conn) {
        if (ctl->readonly)
            ctl->conn = virConnectOpenReadOnly(ctl->uri);
        else
            ctl->conn = virConnectOpen(ctl->uri);
    }
    xvshResetError(ctl);
    return ctl->conn;
}

/* Whether an active domain in @state is one @which offers. */
static bool
completeStateWanted(xvshCompleter which, unsigned char state)
{
    switch (which) {
    case XVSH_COMPLETE_DOMAIN_RUNNING:
        return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED;
    case XVSH_COMPLETE_DOMAIN_PAUSED:
        return state == VIR_DOMAIN_PAUSED;
    default:
        return true;
    }
}

/* The names of the active domains, then of the inactive ones, that @which
 * offers (as virsh: start offers the inactive ones, resume the paused...). */
static void
completeDomains(xvshControl *ctl, completeList *list, const char *prefix,
                xvshCompleter which)
{
    virConnectPtr conn = completeConnection(ctl);
    bool active = which != XVSH_COMPLETE_DOMAIN_INACTIVE;
    bool inactive = which == XVSH_COMPLETE_DOMAIN || which == XVSH_COMPLETE_DOMAIN_INACTIVE;
    char **names = NULL;
    int *ids = NULL;
    int n = 0;
    int i;

    if (!conn)
        return;
    if (active)
        n = xvApiListActiveIds(conn, &ids);
    for (i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByID(conn, ids[i]);
        virDomainInfo info;

        if (dom && (which == XVSH_COMPLETE_DOMAIN || which == XVSH_COMPLETE_DOMAIN_ACTIVE ||
                    (virDomainGetInfo(dom, &info) == 0 &&
                     completeStateWanted(which, info.state))))
            completeAdd(list, virDomainGetName(dom), prefix);
        if (dom)
            virDomainFree(dom);
    }
    free(ids);
    n = inactive ? xvApiListInactiveNames(conn, &names) : 0;
    for (i = 0; i < n; i++) {
        completeAdd(list, names[i], prefix);
        free(names[i]);
    }
    free(names);
    xvshResetError(ctl);
}

static void
completeValue(xvshControl *ctl, completeList *list, const xvshOptDef *opt,
              const char *prefix)
{
    switch (opt->completer) {
    case XVSH_COMPLETE_DOMAIN:
    case XVSH_COMPLETE_DOMAIN_ACTIVE:
    case XVSH_COMPLETE_DOMAIN_INACTIVE:
    case XVSH_COMPLETE_DOMAIN_RUNNING:
    case XVSH_COMPLETE_DOMAIN_PAUSED:
        completeDomains(ctl, list, prefix, opt->completer);
        break;
    case XVSH_COMPLETE_COMMAND:
        completeCommands(list, prefix, true);
        break;
    case XVSH_COMPLETE_EVENT:
        for (const char *const *type = xvshEventTypes(); *type; type++)
            completeAdd(list, *type, prefix);
        break;
    case XVSH_COMPLETE_NONE:
    default:
        break;
    }
}

/* "--name" of every option of @def not given yet. */
static void
completeOptions(completeList *list, const xvshCmdDef *def, const bool *given,
                const char *prefix)
{
    size_t i;

    for (i = 0; def->opts && def->opts[i].name; i++) {
        char *word;

        if (given[i])
            continue;
        word = xvAsprintf("--%s", def->opts[i].name);
        completeAdd(list, word, prefix);
        free(word);
    }
}

/* The first positional option not given yet, or -1. */
static int
completeNextPositional(const xvshCmdDef *def, const bool *given)
{
    int i;

    for (i = 0; def->opts && def->opts[i].name; i++) {
        if ((def->opts[i].type == XVSH_OT_DATA || def->opts[i].type == XVSH_OT_ARGV) &&
            !given[i])
            return i;
    }
    return -1;
}

/*
 * Walks the complete words after the command name as the parser binds them
 * (parse.c), without reporting anything: @given gets the options seen, and
 * the result is the option whose value the next word is, or -1.
 * *@dataOnly: "--" was seen, so options are no longer offered.
 */
static int
completeWalk(const xvshCmdDef *def, const char *const *words, size_t nwords,
             bool *given, bool *dataOnly)
{
    int pending = -1;
    size_t i;

    for (i = 0; i < nwords; i++) {
        const char *word = words[i];
        const char *eq;
        int idx;

        if (pending >= 0) {
            pending = -1;
        } else if (!*dataOnly && strncmp(word, "--", 2) == 0) {
            if (word[2] == '\0') {
                *dataOnly = true;
                continue;
            }
            eq = strchr(word + 2, '=');
            idx = xvshOptIndex(def, word + 2, eq ? (size_t)(eq - word - 2) : strlen(word + 2));
            if (idx < 0)
                continue;
            given[idx] = true;
            if (def->opts[idx].type != XVSH_OT_BOOL && !eq)
                pending = idx;
        } else if ((idx = completeNextPositional(def, given)) >= 0 &&
                   def->opts[idx].type != XVSH_OT_ARGV) {
            given[idx] = true;
        }
    }
    return pending;
}

/*
 * "--name=PREFIX": the values of option --name as "--name=VALUE". Returns
 * false if @cur is not of that form.
 */
static bool
completeInlineValue(xvshControl *ctl, completeList *list, const xvshCmdDef *def,
                    const char *cur)
{
    const char *eq = strchr(cur, '=');
    completeList values = { 0 };
    size_t i;
    int idx;

    if (strncmp(cur, "--", 2) != 0 || !eq)
        return false;
    idx = xvshOptIndex(def, cur + 2, eq - cur - 2);
    if (idx < 0 || def->opts[idx].type == XVSH_OT_BOOL)
        return true;
    completeValue(ctl, &values, &def->opts[idx], eq + 1);
    for (i = 0; i < values.n; i++) {
        char *word = xvAsprintf("%.*s%s", (int)(eq + 1 - cur), cur, values.v[i]);

        completeAdd(list, word, "");
        free(word);
    }
    xvshStringListFree(values.v);
    return true;
}

static void
completeArguments(xvshControl *ctl, completeList *list, const xvshCmdDef *def,
                  const char *const *words, size_t nwords, const char *cur)
{
    bool given[XVSH_MAX_OPTS] = { false };
    bool dataOnly = false;
    int pending = completeWalk(def, words, nwords, given, &dataOnly);
    int idx;

    if (pending >= 0) {
        completeValue(ctl, list, &def->opts[pending], cur);
        return;
    }
    if (!dataOnly && completeInlineValue(ctl, list, def, cur))
        return;
    if (!dataOnly && cur[0] == '-') {
        completeOptions(list, def, given, cur);
        return;
    }
    if ((idx = completeNextPositional(def, given)) >= 0)
        completeValue(ctl, list, &def->opts[idx], cur);
    /* A new word may also be an option, as virsh offers. */
    if (!dataOnly && cur[0] == '\0')
        completeOptions(list, def, given, cur);
}

char **
xvshComplete(xvshControl *ctl, const char *const *words, size_t nwords)
{
    completeList list = { 0 };
    const char *cur = nwords ? words[nwords - 1] : "";
    const xvshCmdDef *def;

    if (nwords <= 1) {
        completeCommands(&list, cur, false);
    } else if ((def = xvshCmdDefLookup(words[0])) && !def->hidden) {
        completeArguments(ctl, &list, def, words + 1, nwords - 2, cur);
    }
    if (!list.v)
        list.v = xvAllocN(1, sizeof(*list.v));
    return list.v;
}

/* "complete -- WORDS...": the candidates for the last word, one a line. */
static bool
cmdComplete(xvshControl *ctl, const xvshCmd *cmd)
{
    size_t nwords;
    char *const *words = xvshOptArgv(cmd, "words", &nwords);
    char **cands = xvshComplete(ctl, (const char *const *)words, nwords);
    size_t i;

    for (i = 0; cands[i]; i++)
        xvshPrint("%s\n", cands[i]);
    xvshStringListFree(cands);
    return true;
}

static const xvshOptDef completeOpts[] = {
    { .name = "words", .type = XVSH_OT_ARGV, .valueName = "string",
      .help = "the words typed so far, the last one the word to complete" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdComplete = {
    .name = "complete",
    .usage = "[--] <words>...",
    .help = "complete a command line (for the shell's completion script)",
    .desc = "Prints what may stand in place of the last word, one a line: "
            "command names, options, or domain names from the connection.",
    .opts = completeOpts,
    .noConnect = true,
    .hidden = true,
    .run = cmdComplete,
};
