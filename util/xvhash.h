/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xvhash.h: one hash table, keyed by byte strings (a name, a UUID's 16
 * bytes, an int) or by C strings, mapping each key to a pointer. Keys are
 * copied in; values are borrowed (the table never frees them). Lookups,
 * adds and removes cost O(1) on average (FNV-1a, chained buckets, doubled
 * when there are more entries than buckets). Not thread-safe: the owner
 * locks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/xvmacros.h"

typedef struct _xvHash xvHash;

/* An empty table, to xvHashFree(). */
xvHash *xvHashNew(void);
/* Frees the table and its copies of the keys, never the values; NULL is a no-op. */
void xvHashFree(xvHash *hash);
/* The number of entries. */
size_t xvHashCount(const xvHash *hash) XV_NONNULL(1);

/* Whether @key (@keylen bytes) is in the table. */
bool xvHashHas(const xvHash *hash, const void *key, size_t keylen) XV_NONNULL(1);
/* The value of @key, or NULL if it is absent (or NULL was added). */
void *xvHashLookup(const xvHash *hash, const void *key, size_t keylen) XV_NONNULL(1);
/* Adds @key -> @value. Returns true; false (and changes nothing) if @key is
 * there already. */
bool xvHashAdd(xvHash *hash, const void *key, size_t keylen, void *value) XV_NONNULL(1);
/* Removes @key. Returns whether it was there. */
bool xvHashRemove(xvHash *hash, const void *key, size_t keylen) XV_NONNULL(1);

/* The same for a NUL-terminated key (the NUL is not part of it). */
bool xvHashHasStr(const xvHash *hash, const char *key) XV_NONNULL(1, 2);
void *xvHashLookupStr(const xvHash *hash, const char *key) XV_NONNULL(1, 2);
bool xvHashAddStr(xvHash *hash, const char *key, void *value) XV_NONNULL(1, 2);
bool xvHashRemoveStr(xvHash *hash, const char *key) XV_NONNULL(1, 2);
