/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * interactive.c: reading command lines in interactive mode. On a terminal,
 * and when built with libedit, lines are edited with history and Tab
 * completion (complete.c); otherwise they are read as they come.
 */
#include "config.h"

#include "xvirsh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if WITH_LIBEDIT
# include <editline/readline.h>
#endif

/* Plain reading: one line from stdin, without its newline. */
static char *
interactivePlainLine(const char *prompt)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    if (prompt) {
        xvshPrint("%s", prompt);
        fflush(stdout);
    }
    if ((len = getline(&line, &cap, stdin)) < 0) {
        free(line);
        return NULL;
    }
    if (len > 0 && line[len - 1] == '\n')
        line[len - 1] = '\0';
    return line;
}

#if WITH_LIBEDIT

/* Lines kept in the history, in memory and in its file. */
#define INTERACTIVE_HISTORY_SIZE 500

/* The session the completion callbacks complete for. */
static xvshControl *interactiveCtl;
/* The history file, or NULL when there is no place for one. */
static char *interactiveHistoryFile;
/* The candidates of the completion under way, and the next to hand out. */
static char **interactiveCands;
static size_t interactiveNext;

/* Splits @len bytes of @s at blanks, after its last ';'; appends @last. */
static char **
interactiveWords(const char *s, size_t len, const char *last, size_t *n)
{
    char **words = NULL;
    const char *end = s + len;
    const char *p;

    *n = 0;
    for (p = s; p < end; p++) {
        if (*p == ';')
            s = p + 1;
    }
    for (p = s; p < end;) {
        const char *w;

        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end)
            break;
        for (w = p; p < end && *p != ' ' && *p != '\t'; p++)
            ;
        words = xvReallocN(words, *n + 1, sizeof(*words));
        words[(*n)++] = xvStrndup(w, p - w);
    }
    words = xvReallocN(words, *n + 1, sizeof(*words));
    words[(*n)++] = xvStrdup(last);
    return words;
}

/* libedit's generator: the candidates one by one (state 0: a new round). */
static char *
interactiveGenerator(const char *text, int state)
{
    (void)text;
    if (state == 0)
        interactiveNext = 0;
    if (!interactiveCands || !interactiveCands[interactiveNext])
        return NULL;
    return xvStrdup(interactiveCands[interactiveNext++]);
}

/* libedit's completion hook: @text is the word at @start of the line. */
static char **
interactiveComplete(const char *text, int start, int end)
{
    char **words;
    size_t nwords;
    size_t i;
    char **matches;

    (void)end;
    words = interactiveWords(rl_line_buffer, start, text, &nwords);
    interactiveCands = xvshComplete(interactiveCtl, (const char *const *)words, nwords);
    for (i = 0; i < nwords; i++)
        free(words[i]);
    free(words);
    matches = rl_completion_matches(text, interactiveGenerator);
    xvshStringListFree(interactiveCands);
    interactiveCands = NULL;
    return matches;
}

/* mkdir @path (0700) unless it is there; false if it is not there after. */
static bool
interactiveMkdir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0700) == 0 || (errno == EEXIST && stat(path, &st) == 0 &&
                                   S_ISDIR(st.st_mode)))
        return true;
    return false;
}

/*
 * The history file, as virsh keeps its own: $XDG_CACHE_HOME/xvirsh/history,
 * or ~/.cache/xvirsh/history; the directories are made (0700) if need be.
 * NULL (no history kept across sessions) if there is no such place.
 */
static char *
interactiveHistoryPath(void)
{
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char *dir;
    char *path = NULL;

    if (cache && cache[0] == '/') {
        dir = xvStrdup(cache);
    } else if (home && home[0] == '/') {
        dir = xvAsprintf("%s/.cache", home);
    } else {
        return NULL;
    }
    if (interactiveMkdir(dir)) {
        char *sub = xvAsprintf("%s/xvirsh", dir);

        if (interactiveMkdir(sub))
            path = xvAsprintf("%s/history", sub);
        free(sub);
    }
    free(dir);
    return path;
}

#endif /* WITH_LIBEDIT */

void
xvshLineInit(xvshControl *ctl, bool edit)
{
#if WITH_LIBEDIT
    ctl->lineEditor = edit;
    if (!edit)
        return;
    interactiveCtl = ctl;
    rl_readline_name = "xvirsh";
    rl_attempted_completion_function = interactiveComplete;
    using_history();
    stifle_history(INTERACTIVE_HISTORY_SIZE);
    if ((interactiveHistoryFile = interactiveHistoryPath()))
        read_history(interactiveHistoryFile);   /* none yet is fine */
#else
    (void)edit;
    ctl->lineEditor = false;
#endif
}

char *
xvshLineRead(xvshControl *ctl, const char *prompt)
{
#if WITH_LIBEDIT
    if (ctl->lineEditor) {
        char *line = readline(prompt);

        if (line && line[strspn(line, " \t")] != '\0')
            add_history(line);
        return line;
    }
#else
    (void)ctl;
#endif
    return interactivePlainLine(prompt);
}

void
xvshLineEnd(xvshControl *ctl)
{
#if WITH_LIBEDIT
    if (ctl->lineEditor) {
        if (interactiveHistoryFile)
            write_history(interactiveHistoryFile);
        clear_history();
    }
    free(interactiveHistoryFile);
    interactiveHistoryFile = NULL;
    interactiveCtl = NULL;
#endif
    ctl->lineEditor = false;
}
