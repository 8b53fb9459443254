/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvirsh.h: shared types and helpers of xvirsh, a virsh-style shell over the public API. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "src/apiutil/apiutil.h"
#include "util/xvalloc.h"
#include "util/xvmacros.h"

/*
 * libxvirt implements the 0.1-era contract in which a successful
 * virDomainDestroy() also releases the domain object; later libvirt leaves
 * that to virDomainFree(). The API version tells which contract we have.
 */
#define XVSH_DESTROY_RELEASES_DOMAIN (LIBVIR_VERSION_NUMBER < 1000000)
/* The same test: linked with libxvirt rather than the system libvirt. */
#define XVSH_WITH_LIBXVIRT (LIBVIR_VERSION_NUMBER < 1000000)

/* Per-process state: one lazily opened connection. */
typedef struct _xvshControl xvshControl;
struct _xvshControl {
    const char *uri;        /* NULL: the library's default */
    bool readonly;
    bool quiet;             /* -q: no informational messages (xvshPrintExtra) */
    bool lineEditor;        /* interactive lines come from the line editor */
    bool quit;              /* "quit", or no connection: run no more commands */
    virConnectPtr conn;
    /* Copy of the last error the library raised. Later successful calls
     * (virDomainFree...) clear the library's own last error before the
     * command fails, so the error callback keeps it here. */
    virErrorPtr lastError;
};

typedef enum {
    XVSH_OT_BOOL = 0,   /* --name */
    XVSH_OT_DATA,       /* positional, or --name VALUE */
    XVSH_OT_STRING,     /* only as --name VALUE */
    XVSH_OT_ARGV,       /* positional: this word and every one after it */
    XVSH_OT_LAST
} xvshOptType;

/* What completion offers for an option's value (complete.c). */
typedef enum {
    XVSH_COMPLETE_NONE = 0,     /* nothing: the shell falls back to file names */
    XVSH_COMPLETE_DOMAIN,       /* the connection's domain names */
    XVSH_COMPLETE_COMMAND,      /* command names and group keywords */
    /* the domains a command can act on, as virsh offers them: */
    XVSH_COMPLETE_DOMAIN_ACTIVE,    /* running, blocked or paused (shutdown, destroy...) */
    XVSH_COMPLETE_DOMAIN_INACTIVE,  /* defined, not running (start) */
    XVSH_COMPLETE_DOMAIN_RUNNING,   /* active and not paused (suspend) */
    XVSH_COMPLETE_DOMAIN_PAUSED,    /* paused (resume) */
    XVSH_COMPLETE_EVENT,            /* the event types of "event" */
} xvshCompleter;

typedef struct _xvshOptDef xvshOptDef;
struct _xvshOptDef {
    const char *name;
    xvshOptType type;
    bool required;
    const char *valueName;  /* shown in help: "string", "number" */
    const char *help;
    xvshCompleter completer;
};

#define XVSH_MAX_OPTS 8

/* The "domain" argument every per-domain command takes first; completion
 * offers the domains of @completer. */
#define XVSH_OPT_DOMAIN_OF(completer_) \
    { .name = "domain", .type = XVSH_OT_DATA, .required = true, \
      .valueName = "string", .help = "domain name, id or uuid", \
      .completer = (completer_) }
#define XVSH_OPT_DOMAIN XVSH_OPT_DOMAIN_OF(XVSH_COMPLETE_DOMAIN)

typedef struct _xvshCmd xvshCmd;
typedef struct _xvshCmdDef xvshCmdDef;
struct _xvshCmdDef {
    const char *name;
    const char *usage;          /* synopsis after the name */
    const char *help;           /* one-line summary */
    const char *desc;           /* longer description for "help NAME" */
    const xvshOptDef *opts;     /* terminated by { .name = NULL } */
    bool noConnect;             /* runs without a hypervisor connection */
    bool hidden;                /* left out of help and of completion */
    bool (*run)(xvshControl *ctl, const xvshCmd *cmd);
};

/* A parsed command: its definition and the option values. */
struct _xvshCmd {
    const xvshCmdDef *def;
    const char *values[XVSH_MAX_OPTS];  /* borrowed from argv; "" for bools set */
    char **argv;                        /* owned tokens */
    size_t argc;
    xvshCmd *next;
};

typedef struct _xvshCmdGroup xvshCmdGroup;
struct _xvshCmdGroup {
    const char *name;
    const char *keyword;
    const xvshCmdDef *const *cmds;  /* NULL-terminated */
};

/* cmd-event.c: registers the library's default event loop, as virsh does
 * at start-up, before any connection opens; false if the library fails. */
bool xvshEventLoopInit(void);
/* The event types "event" takes, NULL-terminated. */
const char *const *xvshEventTypes(void);

/* cmd-help.c: the grouped command list of "help" and --help. */
void xvshPrintCommandList(const xvshCmdGroup *only);

/* commands.c */
extern const xvshCmdGroup xvshCmdGroups[];  /* terminated by { .name = NULL } */
const xvshCmdDef *xvshCmdDefLookup(const char *name);
const xvshCmdGroup *xvshCmdGroupLookup(const char *keyword);

/*
 * parse.c: command strings ("cmd1 a b; cmd2 'c d'") and argument vectors
 * into xvshCmd lists. Both return 0 and set *@ret (NULL when there is no
 * command), or report the first syntax error and return -1.
 */
int xvshParseString(const char *line, xvshCmd **ret);
int xvshParseArgv(int argc, char *const *argv, xvshCmd **ret);
void xvshCmdFree(xvshCmd *cmd);   /* frees the whole list */
const char *xvshOptString(const xvshCmd *cmd, const char *name);
bool xvshOptBool(const xvshCmd *cmd, const char *name);
/* 1 and *ret set: parsed; 0: absent; -1: malformed (reported). */
int xvshOptUInt(const xvshCmd *cmd, const char *name, unsigned int *ret);
/* The same for a signed int ("-1" is fine). */
int xvshOptInt(const xvshCmd *cmd, const char *name, int *ret);
/* A scaled size ("512M", "1G"; bare numbers are KiB) in KiB, rounded up. */
int xvshOptScaledKiB(const xvshCmd *cmd, const char *name, unsigned long *retKiB);
/* The words of an XVSH_OT_ARGV option (borrowed; *@n of them), or NULL. */
char *const *xvshOptArgv(const xvshCmd *cmd, const char *name, size_t *n);
/* The index of the option --NAME (@len bytes of @name) of @def, or -1. */
int xvshOptIndex(const xvshCmdDef *def, const char *name, size_t len);

/*
 * complete.c: what may follow @words, the words of one command typed so far
 * (the last one being completed, "" for a new word): command names, the
 * options not given yet, or an option's values (domain names from the
 * connection, opened on demand without reporting a failure). Returns a
 * NULL-terminated array of new strings starting with the last word, each
 * once; free it with xvshStringListFree().
 */
char **xvshComplete(xvshControl *ctl, const char *const *words, size_t nwords);
void xvshStringListFree(char **list);

/*
 * interactive.c: the command lines of interactive mode. xvshLineInit picks
 * the line editor (libedit: editing, history, Tab completion) when @edit
 * (stdin is a terminal) and xvirsh was built with it, plain reading else.
 * xvshLineRead prints @prompt (NULL: none) and returns the next line without
 * its newline (to free()), or NULL at the end of input.
 */
void xvshLineInit(xvshControl *ctl, bool edit);
char *xvshLineRead(xvshControl *ctl, const char *prompt);
void xvshLineEnd(xvshControl *ctl);

/* xvirsh.c: error callback and connection */
/* The library's error callback: keeps a copy in ctl->lastError (@opaque). */
void xvshErrorHandler(void *opaque, virErrorPtr err);
/* Forgets the library's last error. */
void xvshResetError(xvshControl *ctl);
/* Prints the library's last error, if any, as "error: MESSAGE" and forgets it. */
void xvshReportLastError(xvshControl *ctl);

/* Opens the connection on first use; NULL (reported) if it cannot. */
virConnectPtr xvshConnection(xvshControl *ctl);

/* util.c */
void xvshPrint(const char *fmt, ...) XV_PRINTF(1, 2);
/* xvshPrint, but for informational messages, which -q (quiet) suppresses:
 * "Domain 'x' started", table headers, the empty line after a command. */
void xvshPrintExtra(const char *fmt, ...) XV_PRINTF(1, 2);
/* Turns quiet mode on or off for xvshPrintExtra and the tables. */
void xvshSetQuiet(bool quiet);
/* "error: MESSAGE" on stderr. */
void xvshError(const char *fmt, ...) XV_PRINTF(1, 2);
typedef enum {
    XVSH_BY_ID = 1 << 0,
    XVSH_BY_UUID = 1 << 1,
    XVSH_BY_NAME = 1 << 2,
    XVSH_BY_ANY = XVSH_BY_ID | XVSH_BY_UUID | XVSH_BY_NAME,
} xvshLookupFlags;

/*
 * Looks the "domain" option up as virsh does: as an ID when it is a
 * non-negative number, then as a UUID, then as a name. On failure reports
 * "failed to get domain 'X'" (the library's reason stays as last error).
 * @retName: the option as given, for messages; may be NULL.
 */
virDomainPtr xvshCommandOptDomain(xvshControl *ctl, const xvshCmd *cmd,
                                  unsigned int flags, const char **retName);


const char *xvshDomainStateToString(int state);
const char *xvshVcpuStateToString(int state);


/* Reads a whole (XML) regular file, to free(); NULL (reported) on error: a
 * FIFO, device or directory is refused without reading (util/xvfile.h). */
char *xvshReadFile(const char *path);

/*
 * Parses a host CPU list ("0-3,^2,5", or "r" for all) into @cpumap
 * (@maplen bytes, zeroed first) for @maxcpu host CPUs. Reports and returns
 * -1 on bad syntax, out-of-range CPUs or an empty result.
 */
int xvshParseCpulist(const char *cpulist, unsigned int maxcpu,
                     unsigned char *cpumap, size_t maplen);

/* A table printed the way virsh's tables are. */
typedef struct _xvshTable xvshTable;
xvshTable *xvshTableNew(size_t ncols, const char *const *headers);
void xvshTableAddRow(xvshTable *table, const char *const *cells);
void xvshTablePrint(const xvshTable *table);
void xvshTableFree(xvshTable *table);
