/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* apiutil.c: the public API's list calls, asked until the arrays are big enough. */
#include "config.h"

#include "apiutil.h"

#include <stdbool.h>
#include <stdlib.h>

#include "util/xvalloc.h"

/* The first guess at the number of inactive domains (the API cannot tell). */
#define API_INITIAL_NAMES 16

/*
 * IDs of the active domains. The count may grow between the two calls;
 * a full array means we may have missed some, so ask again, bigger.
 */
int
xvApiListActiveIds(virConnectPtr conn, int **retIds)
{
    int *ids = NULL;
    int n;
    int got;

    if ((n = virConnectNumOfDomains(conn)) < 0)
        return -1;
    while (true) {
        n = n + 1;
        ids = xvReallocN(ids, n, sizeof(*ids));
        if ((got = virConnectListDomains(conn, ids, n)) < 0) {
            free(ids);
            return -1;
        }
        if (got < n)
            break;
        n *= 2;
    }
    *retIds = ids;
    return got;
}

/*
 * Names of the defined, inactive domains (new strings). The API has no
 * count call, so the array is doubled until it is not filled up.
 */
int
xvApiListInactiveNames(virConnectPtr conn, char ***retNames)
{
    char **names = NULL;
    int n = API_INITIAL_NAMES;
    int got;
    int i;

    while (true) {
        names = xvReallocN(names, n, sizeof(*names));
        /* The seed API declares the array const char **, later libvirt
         * char **const: a void * suits both. */
        if ((got = virConnectListDefinedDomains(conn, (void *)names, n)) < 0) {
            free(names);
            return -1;
        }
        if (got < n)
            break;
        for (i = 0; i < got; i++)
            free(names[i]);
        n *= 2;
    }
    *retNames = names;
    return got;
}

/* vCPU arrays start at the domain's vCPU count and double up to this. */
#define API_MAX_VCPUS 65536

/* The domain's maximum vCPU count may exceed its current one and the
 * early API cannot tell it, so the arrays grow until not filled up. */
int
xvApiDomainGetVcpus(virDomainPtr dom, unsigned int nrVirtCpu, int maplen,
                   virVcpuInfoPtr *retInfo, unsigned char **retMaps)
{
    virVcpuInfoPtr info = NULL;
    unsigned char *maps = NULL;
    int max = nrVirtCpu > 0 ? nrVirtCpu : 1;
    int got;

    while (true) {
        info = xvReallocN(info, max, sizeof(*info));
        maps = xvReallocN(maps, max, maplen);
        if ((got = virDomainGetVcpus(dom, info, max, maps, maplen)) < 0) {
            free(info);
            free(maps);
            return -1;
        }
        if (got < max || max >= API_MAX_VCPUS)
            break;
        max *= 2;
    }
    *retInfo = info;
    *retMaps = maps;
    return got;
}

