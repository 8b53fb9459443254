/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xvhash.c: a chained hash table from byte-string keys to pointers. */
#include "util/xvhash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

#define HASH_MIN_BUCKETS 16     /* a power of two */

typedef struct _hashEntry hashEntry;
struct _hashEntry {
    hashEntry *next;
    void *value;
    uint64_t code;              /* hashBytes() of the key */
    size_t keylen;
    unsigned char key[];
};

struct _xvHash {
    hashEntry **buckets;
    size_t nbuckets;            /* a power of two */
    size_t count;
};

/* FNV-1a, 64 bits. */
static uint64_t
hashBytes(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

xvHash *
xvHashNew(void)
{
    xvHash *hash = xvAlloc(sizeof(*hash));

    hash->nbuckets = HASH_MIN_BUCKETS;
    hash->buckets = xvAllocN(hash->nbuckets, sizeof(*hash->buckets));
    return hash;
}

void
xvHashFree(xvHash *hash)
{
    size_t i;

    if (!hash)
        return;
    for (i = 0; i < hash->nbuckets; i++) {
        hashEntry *e = hash->buckets[i];

        while (e) {
            hashEntry *next = e->next;

            free(e);
            e = next;
        }
    }
    free(hash->buckets);
    free(hash);
}

size_t
xvHashCount(const xvHash *hash)
{
    return hash->count;
}

/* The link that points at the entry of @key (to *NULL if there is none). */
static hashEntry **
hashFind(const xvHash *hash, const void *key, size_t keylen, uint64_t code)
{
    hashEntry **pe = &hash->buckets[code & (hash->nbuckets - 1)];

    for (; *pe; pe = &(*pe)->next) {
        if ((*pe)->code == code && (*pe)->keylen == keylen &&
            memcmp((*pe)->key, key, keylen) == 0)
            break;
    }
    return pe;
}

static void
hashGrow(xvHash *hash)
{
    size_t nbuckets = hash->nbuckets * 2;
    hashEntry **buckets = xvAllocN(nbuckets, sizeof(*buckets));
    size_t i;

    for (i = 0; i < hash->nbuckets; i++) {
        hashEntry *e = hash->buckets[i];

        while (e) {
            hashEntry *next = e->next;
            size_t b = e->code & (nbuckets - 1);

            e->next = buckets[b];
            buckets[b] = e;
            e = next;
        }
    }
    free(hash->buckets);
    hash->buckets = buckets;
    hash->nbuckets = nbuckets;
}

bool
xvHashHas(const xvHash *hash, const void *key, size_t keylen)
{
    return *hashFind(hash, key, keylen, hashBytes(key, keylen)) != NULL;
}

void *
xvHashLookup(const xvHash *hash, const void *key, size_t keylen)
{
    hashEntry *e = *hashFind(hash, key, keylen, hashBytes(key, keylen));

    return e ? e->value : NULL;
}

bool
xvHashAdd(xvHash *hash, const void *key, size_t keylen, void *value)
{
    uint64_t code = hashBytes(key, keylen);
    hashEntry **pe = hashFind(hash, key, keylen, code);
    hashEntry *e;

    if (*pe)
        return false;
    if (hash->count >= hash->nbuckets) {
        hashGrow(hash);
        pe = &hash->buckets[code & (hash->nbuckets - 1)];
    }
    e = xvAlloc(sizeof(*e) + keylen);
    e->value = value;
    e->code = code;
    e->keylen = keylen;
    if (keylen > 0)
        memcpy(e->key, key, keylen);
    e->next = *pe;
    *pe = e;
    hash->count++;
    return true;
}

bool
xvHashRemove(xvHash *hash, const void *key, size_t keylen)
{
    hashEntry **pe = hashFind(hash, key, keylen, hashBytes(key, keylen));
    hashEntry *e = *pe;

    if (!e)
        return false;
    *pe = e->next;
    free(e);
    hash->count--;
    return true;
}

bool
xvHashHasStr(const xvHash *hash, const char *key)
{
    return xvHashHas(hash, key, strlen(key));
}

void *
xvHashLookupStr(const xvHash *hash, const char *key)
{
    return xvHashLookup(hash, key, strlen(key));
}

bool
xvHashAddStr(xvHash *hash, const char *key, void *value)
{
    return xvHashAdd(hash, key, strlen(key), value);
}

bool
xvHashRemoveStr(xvHash *hash, const char *key)
{
    return xvHashRemove(hash, key, strlen(key));
}
