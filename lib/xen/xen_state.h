/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_state.h: the Xen driver's store of defined domains (Xen 4.17 keeps
 * none): one "<uuid>.xml" per domain, in the domain XML format, under a
 * state directory: $XVIRT_XEN_STATE_DIR, else /var/lib/xvirt/xen. The
 * directory is made (0700) by the first save, never by a reader.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/domain_conf.h"

#define XV_XEN_STATE_DIR_DEFAULT "/var/lib/xvirt/xen"

/* The state directory to use now, as a new string. */
char *xvXenStateDir(void);

/* The stored config of @uuid: 1 (*@def, new), 0 when there is none, or -1
 * (unreadable or invalid file: error reported). */
int xvXenStateLoad(const char *dir, const unsigned char *uuid, xvDomainDef **def);

/* Every stored config, sorted by name: *@defs (free with
 * xvXenStateFreeAll). A missing directory holds none. Returns 0 or -1. */
int xvXenStateLoadAll(const char *dir, xvDomainDef ***defs, size_t *ndefs);
void xvXenStateFreeAll(xvDomainDef **defs, size_t ndefs);

/* Makes @dir (mkdir -p, the last component 0700) for a writer: 0 or -1. */
int xvXenStateMakeDir(const char *dir);

/* Writes @def's config (new file or replacement, atomically). 0 or -1. */
int xvXenStateSave(const char *dir, const xvDomainDef *def);

/* Removes the config of @uuid: 1, 0 when there was none, or -1. */
int xvXenStateDelete(const char *dir, const unsigned char *uuid);

/*
 * An index of the names and UUIDs in the store, for the calls that look a
 * domain up by name or list the defined ones: read again only when the
 * directory changed (its mtime, trusted once it is a second old) or after
 * xvXenStateIndexInvalidate (our own writes).
 */
typedef struct _xvXenStateEntry xvXenStateEntry;
struct _xvXenStateEntry {
    char *name;
    unsigned char uuid[16];
};

typedef struct _xvXenStateIndex xvXenStateIndex;

xvXenStateIndex *xvXenStateIndexNew(const char *dir);
void xvXenStateIndexFree(xvXenStateIndex *idx);    /* NULL ok */
void xvXenStateIndexInvalidate(xvXenStateIndex *idx);
/* The entries, sorted by name, borrowed until the next call on @idx.
 * Returns 0 or -1. */
int xvXenStateIndexGet(xvXenStateIndex *idx, const xvXenStateEntry **entries, size_t *n);
