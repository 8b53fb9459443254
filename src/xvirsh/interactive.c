/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * interactive.c: reading command lines in interactive mode. On a terminal,
 * and when built with libedit, lines are edited with history and Tab
 * completion (complete.c); otherwise they are read as they come.
 */
#include "config.h"

#include "xvirsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The session the completion callbacks complete for. */
static xvshControl *interactiveCtl;
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
    if (ctl->lineEditor)
        clear_history();
    interactiveCtl = NULL;
#endif
    ctl->lineEditor = false;
}
