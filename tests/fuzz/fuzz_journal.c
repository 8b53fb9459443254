/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_journal.c: the test driver's shared-mode journal
 * (lib/test/test_journal.c), replayed as a connection to
 * test:///default?journal=PATH replays it (its header must name the node
 * "default" to get past the header check, as the seeds do); then every
 * domain the replay left is looked at through the public API.
 */
#include "fuzz.h"

#include <stdlib.h>

#include <libvirt/libvirt.h>

#include "util/xvalloc.h"

/* Reads what a replay left: each domain's info and XML. */
static void
fuzzLookAtDomains(virConnectPtr conn)
{
    int ids[64];
    int n = virConnectListDomains(conn, ids, 64);

    for (int i = 0; i < n; i++) {
        virDomainPtr dom = virDomainLookupByID(conn, ids[i]);
        virDomainInfo info;

        if (!dom)
            continue;
        virDomainGetInfo(dom, &info);
        free(virDomainGetXMLDesc(dom, 0));
        virDomainFree(dom);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path, *uri;
    virConnectPtr conn;

    if (!path) {
        path = xvAsprintf("%s/journal", xvFuzzTempDir());
        uri = xvAsprintf("test:///default?journal=%s", path);
        xvFuzzQuietErrors();
    }
    xvFuzzWriteFile(path, data, size);
    if (!(conn = virConnectOpenReadOnly(uri)))
        return 0;
    if (virConnectNumOfDomains(conn) >= 0)
        fuzzLookAtDomains(conn);
    virConnectClose(conn);
    return 0;
}
