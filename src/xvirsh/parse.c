/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse.c: xvirsh command lines into commands with bound options, as virsh parses them. */
#include "config.h"

#include "xvirsh.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growable list of tokens: the words of one command. */
typedef struct _parseWords parseWords;
struct _parseWords {
    char **v;
    size_t n;
    size_t cap;
};

/* A growable character buffer: the word being read. */
typedef struct _parseChars parseChars;
struct _parseChars {
    char *s;
    size_t n;
    size_t cap;
};

static void
parseCharsAdd(parseChars *c, char ch)
{
    if (c->n + 2 > c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->s = xvReallocN(c->s, c->cap, 1);
    }
    c->s[c->n++] = ch;
    c->s[c->n] = '\0';
}

static void
parseWordsAdd(parseWords *w, char *word)
{
    if (w->n + 1 > w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->v = xvReallocN(w->v, w->cap, sizeof(*w->v));
    }
    w->v[w->n++] = word;
}

static void
parseWordsClear(parseWords *w)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}

void
xvshCmdFree(xvshCmd *cmd)
{
    while (cmd) {
        xvshCmd *next = cmd->next;
        size_t i;

        for (i = 0; i < cmd->argc; i++)
            free(cmd->argv[i]);
        free(cmd->argv);
        free(cmd);
        cmd = next;
    }
}

int
xvshOptIndex(const xvshCmdDef *def, const char *name, size_t len)
{
    int i;

    for (i = 0; def->opts && def->opts[i].name; i++) {
        if (strlen(def->opts[i].name) == len &&
            strncmp(def->opts[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

/* "--name", "--name=value" or "--name value" at argv[*pos]. */
static int
parseBindNamed(xvshCmd *cmd, size_t *pos)
{
    const xvshCmdDef *def = cmd->def;
    const char *name = cmd->argv[*pos] + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int idx = xvshOptIndex(def, name, len);

    if (idx < 0) {
        xvshError("command '%s' doesn't support option --%.*s", def->name, (int)len, name);
        return -1;
    }
    if (cmd->values[idx]) {
        xvshError("option --%s already seen", def->opts[idx].name);
        return -1;
    }
    if (def->opts[idx].type == XVSH_OT_BOOL) {
        if (eq) {
            xvshError("invalid '=' after option --%s", def->opts[idx].name);
            return -1;
        }
        cmd->values[idx] = "";
        return 0;
    }
    if (eq) {
        cmd->values[idx] = eq + 1;
    } else if (*pos + 1 < cmd->argc) {
        cmd->values[idx] = cmd->argv[++*pos];
    } else {
        xvshError("expected syntax: --%s <%s>", def->opts[idx].name, def->opts[idx].valueName);
        return -1;
    }
    return 0;
}

/* Binds @word to the first free positional option; returns its index. */
static int
parseBindPositional(xvshCmd *cmd, const char *word)
{
    const xvshCmdDef *def = cmd->def;
    int i;

    for (i = 0; def->opts && def->opts[i].name; i++) {
        if ((def->opts[i].type == XVSH_OT_DATA || def->opts[i].type == XVSH_OT_ARGV) &&
            !cmd->values[i]) {
            cmd->values[i] = word;
            return i;
        }
    }
    xvshError("unexpected data '%s'", word);
    return -1;
}

/* Builds a command from @words (taken over, even on failure). */
static xvshCmd *
parseBuildCmd(parseWords *words)
{
    xvshCmd *cmd = xvAllocN(1, sizeof(*cmd));
    bool dataOnly = false;
    size_t i;

    cmd->argv = words->v;
    cmd->argc = words->n;
    words->v = NULL;
    words->n = words->cap = 0;

    if (!(cmd->def = xvshCmdDefLookup(cmd->argv[0]))) {
        xvshError("unknown command: '%s'", cmd->argv[0]);
        goto error;
    }

    for (i = 1; i < cmd->argc; i++) {
        const char *word = cmd->argv[i];
        int idx;

        if (!dataOnly && word[0] == '-' && word[1] == '-') {
            if (word[2] == '\0') {
                dataOnly = true;
                continue;
            }
            if (parseBindNamed(cmd, &i) < 0)
                goto error;
        } else if ((idx = parseBindPositional(cmd, word)) < 0) {
            goto error;
        } else if (cmd->def->opts[idx].type == XVSH_OT_ARGV) {
            break;      /* the rest of the words are its own */
        }
    }

    for (i = 0; cmd->def->opts && cmd->def->opts[i].name; i++) {
        if (cmd->def->opts[i].required && !cmd->values[i]) {
            xvshError("command '%s' requires <%s> option",
                      cmd->def->name, cmd->def->opts[i].name);
            goto error;
        }
    }
    return cmd;

 error:
    xvshCmdFree(cmd);
    return NULL;
}

/* Appends the command made of @words (if any) to the list ending at *@tail. */
static int
parseFinishCmd(parseWords *words, xvshCmd ***tail)
{
    xvshCmd *cmd;

    if (words->n == 0)
        return 0;
    if (!(cmd = parseBuildCmd(words)))
        return -1;
    **tail = cmd;
    *tail = &cmd->next;
    return 0;
}

/* Reads one quoted section starting after the opening quote at *@p. */
static int
parseQuoted(const char **p, char quote, parseChars *word)
{
    const char *s = *p;

    while (*s && *s != quote) {
        if (quote == '"' && *s == '\\' && s[1])
            s++;
        parseCharsAdd(word, *s++);
    }
    if (*s != quote) {
        xvshError("missing %c", quote);
        return -1;
    }
    *p = s + 1;
    return 0;
}

int
xvshParseString(const char *line, xvshCmd **ret)
{
    xvshCmd *head = NULL;
    xvshCmd **tail = &head;
    parseWords words = { 0 };
    parseChars word = { 0 };
    bool inWord = false;
    const char *p = line;

    *ret = NULL;
    while (true) {
        char ch = *p;

        if (ch == '\0' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ';') {
            if (inWord) {
                parseWordsAdd(&words, word.s ? word.s : xvStrdup(""));
                word.s = NULL;
                word.n = word.cap = 0;
                inWord = false;
            }
            if ((ch == '\0' || ch == '\n' || ch == ';') && parseFinishCmd(&words, &tail) < 0)
                goto error;
            if (ch == '\0')
                break;
            p++;
        } else if (ch == '#' && !inWord) {
            while (*p && *p != '\n')
                p++;
        } else if (ch == '\\') {
            if (!p[1]) {
                xvshError("dangling \\");
                goto error;
            }
            inWord = true;
            parseCharsAdd(&word, p[1]);
            p += 2;
        } else if (ch == '\'' || ch == '"') {
            inWord = true;
            p++;
            if (parseQuoted(&p, ch, &word) < 0)
                goto error;
        } else {
            inWord = true;
            parseCharsAdd(&word, ch);
            p++;
        }
    }

    *ret = head;
    return 0;

 error:
    free(word.s);
    parseWordsClear(&words);
    xvshCmdFree(head);
    return -1;
}

int
xvshParseArgv(int argc, char *const *argv, xvshCmd **ret)
{
    parseWords words = { 0 };
    xvshCmd *cmd;
    int i;

    *ret = NULL;
    if (argc <= 0)
        return 0;
    for (i = 0; i < argc; i++)
        parseWordsAdd(&words, xvStrdup(argv[i]));
    if (!(cmd = parseBuildCmd(&words)))
        return -1;
    *ret = cmd;
    return 0;
}

static int
parseCmdOptIndex(const xvshCmd *cmd, const char *name)
{
    int idx = xvshOptIndex(cmd->def, name, strlen(name));

    if (idx < 0) {
        /* A command asking for an option it does not declare is a bug. */
        fprintf(stderr, "xvirsh: command '%s' has no option '%s'\n", cmd->def->name, name);
        abort();
    }
    return idx;
}

const char *
xvshOptString(const xvshCmd *cmd, const char *name)
{
    return cmd->values[parseCmdOptIndex(cmd, name)];
}

char *const *
xvshOptArgv(const xvshCmd *cmd, const char *name, size_t *n)
{
    const char *first = cmd->values[parseCmdOptIndex(cmd, name)];
    size_t i;

    /* The value is the word itself, so its place in argv tells the rest. */
    for (i = 0; first && i < cmd->argc; i++) {
        if (cmd->argv[i] == first) {
            *n = cmd->argc - i;
            return cmd->argv + i;
        }
    }
    *n = 0;
    return NULL;
}

bool
xvshOptBool(const xvshCmd *cmd, const char *name)
{
    return cmd->values[parseCmdOptIndex(cmd, name)] != NULL;
}

/* Digits only, no sign, no blanks: "-1" and " 1" are malformed. */
static int
parseULLong(const char *s, unsigned long long *ret, const char **end)
{
    char *e;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *ret = strtoull(s, &e, 10);
    if (errno != 0)
        return -1;
    *end = e;
    return 0;
}

int
xvshOptUInt(const xvshCmd *cmd, const char *name, unsigned int *ret)
{
    const char *str = xvshOptString(cmd, name);
    unsigned long long val;
    const char *end;

    if (!str)
        return 0;
    if (parseULLong(str, &val, &end) < 0 || *end != '\0' || val > UINT_MAX) {
        xvshError("Numeric value '%s' for <%s> option is malformed or out of range", str, name);
        return -1;
    }
    *ret = val;
    return 1;
}

int
xvshOptInt(const xvshCmd *cmd, const char *name, int *ret)
{
    const char *str = xvshOptString(cmd, name);
    unsigned long long val;
    const char *end;
    bool negative;

    if (!str)
        return 0;
    negative = str[0] == '-';
    if (parseULLong(str + negative, &val, &end) < 0 || *end != '\0' ||
            val > (negative ? (unsigned long long)INT_MAX + 1 : (unsigned long long)INT_MAX)) {
        xvshError("Numeric value '%s' for <%s> option is malformed or out of range", str, name);
        return -1;
    }
    *ret = negative ? (int)(-(long long)val) : (int)val;
    return 1;
}

/*
 * The multiplier of a size suffix, as libvirt scales integers: "b"/"bytes"
 * is 1, "k"/"KiB" 1024 and "KB" 1000, and likewise up to "E"; an empty
 * suffix means @defScale. Returns 0, or -1 for an unknown suffix.
 */
static int
parseSizeScale(const char *suffix, unsigned long long defScale, unsigned long long *ret)
{
    static const char units[] = "kmgtpe";
    unsigned long long base;
    unsigned long long scale = 1;
    const char *u;

    if (!*suffix) {
        *ret = defScale;
        return 0;
    }
    if (strcasecmp(suffix, "b") == 0 || strcasecmp(suffix, "byte") == 0 ||
        strcasecmp(suffix, "bytes") == 0) {
        *ret = 1;
        return 0;
    }
    if (!suffix[1] || strcasecmp(suffix + 1, "iB") == 0)
        base = 1024;
    else if ((suffix[1] == 'b' || suffix[1] == 'B') && !suffix[2])
        base = 1000;
    else
        return -1;
    if (!(u = strchr(units, suffix[0] | 0x20)))
        return -1;
    for (; u >= units; u--)
        scale *= base;
    *ret = scale;
    return 0;
}

int
xvshOptScaledKiB(const xvshCmd *cmd, const char *name, unsigned long *retKiB)
{
    const char *str = xvshOptString(cmd, name);
    unsigned long long val;
    unsigned long long scale;
    unsigned long long kib;
    const char *end;

    if (!str)
        return 0;
    if (parseULLong(str, &val, &end) < 0 ||
        parseSizeScale(end, 1024, &scale) < 0 ||
        (val != 0 && scale > ULLONG_MAX / val))
        goto error;
    /* Bytes rounded up to whole KiB, as virsh does. */
    val *= scale;
    kib = val / 1024 + (val % 1024 != 0);
    if (kib > ULONG_MAX)
        goto error;
    *retKiB = kib;
    return 1;

 error:
    xvshError("Scaled numeric value '%s' for <%s> option is malformed or out of range",
              str, name);
    return -1;
}
