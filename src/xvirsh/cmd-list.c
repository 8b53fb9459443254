/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-list.c: the "list" command: a table of active and/or inactive domains. */
#include "config.h"

#include "xvirsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct _listDomains listDomains;
struct _listDomains {
    virDomainPtr *doms;
    size_t ndoms;
};

static void
listDomainsClear(listDomains *list)
{
    size_t i;

    for (i = 0; i < list->ndoms; i++)
        virDomainFree(list->doms[i]);
    free(list->doms);
    list->doms = NULL;
    list->ndoms = 0;
}

static void
listAppend(listDomains *list, virDomainPtr dom)
{
    list->doms = xvReallocN(list->doms, list->ndoms + 1, sizeof(*list->doms));
    list->doms[list->ndoms++] = dom;
}

static bool
listCollect(xvshControl *ctl, bool active, bool inactive, listDomains *list)
{
    virConnectPtr conn = ctl->conn;
    virDomainPtr dom;
    int n;
    int i;

    if (active) {
        int *ids = NULL;

        if ((n = xvApiListActiveIds(conn, &ids)) < 0) {
            xvshError("Failed to list active domains");
            return false;
        }
        for (i = 0; i < n; i++) {
            /* A domain may go away between the listing and the lookup. */
            if ((dom = virDomainLookupByID(conn, ids[i])))
                listAppend(list, dom);
        }
        free(ids);
    }
    if (inactive) {
        char **names = NULL;

        if ((n = xvApiListInactiveNames(conn, &names)) < 0) {
            xvshError("Failed to list inactive domains");
            return false;
        }
        for (i = 0; i < n; i++) {
            if ((dom = virDomainLookupByName(conn, names[i])))
                listAppend(list, dom);
            free(names[i]);
        }
        free(names);
    }
    /* Domains that vanished meanwhile are no error. */
    xvshResetError(ctl);
    return true;
}

/* Active domains first by ID, then inactive ones by name, as virsh sorts. */
static int
listSorter(const void *a, const void *b)
{
    virDomainPtr da = *(virDomainPtr const *)a;
    virDomainPtr db = *(virDomainPtr const *)b;
    unsigned int ida = virDomainGetID(da);
    unsigned int idb = virDomainGetID(db);
    unsigned int inactive = (unsigned int)-1;

    if (ida == inactive && idb == inactive)
        return strcasecmp(virDomainGetName(da), virDomainGetName(db));
    if (ida == inactive)
        return 1;
    if (idb == inactive)
        return -1;
    return (ida > idb) - (ida < idb);
}

static bool
cmdList(xvshControl *ctl, const xvshCmd *cmd)
{
    static const char *const headers[] = { "Id", "Name", "State" };
    bool all = xvshOptBool(cmd, "all");
    bool inactive = xvshOptBool(cmd, "inactive");
    listDomains list = { 0 };
    xvshTable *table;
    size_t i;

    if (!listCollect(ctl, all || !inactive, all || inactive, &list)) {
        listDomainsClear(&list);
        return false;
    }
    if (list.ndoms > 0)
        qsort(list.doms, list.ndoms, sizeof(*list.doms), listSorter);

    table = xvshTableNew(3, headers);
    for (i = 0; i < list.ndoms; i++) {
        virDomainPtr dom = list.doms[i];
        unsigned int id = virDomainGetID(dom);
        virDomainInfo info;
        char idbuf[16];
        const char *cells[3];

        /* Gone since the listing: leave it out. */
        if (virDomainGetInfo(dom, &info) < 0) {
            xvshResetError(ctl);
            continue;
        }
        if (id == (unsigned int)-1)
            snprintf(idbuf, sizeof(idbuf), "-");
        else
            snprintf(idbuf, sizeof(idbuf), "%u", id);
        cells[0] = idbuf;
        cells[1] = virDomainGetName(dom);
        cells[2] = xvshDomainStateToString(info.state);
        xvshTableAddRow(table, cells);
    }
    xvshTablePrint(table);
    xvshTableFree(table);
    listDomainsClear(&list);
    return true;
}

static const xvshOptDef listOpts[] = {
    { .name = "inactive", .type = XVSH_OT_BOOL, .help = "only the inactive domains" },
    { .name = "all", .type = XVSH_OT_BOOL, .help = "both active and inactive domains" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdList = {
    .name = "list",
    .usage = "[--inactive] [--all]",
    .help = "list domains",
    .desc = "Lists the active domains by ID; --inactive lists the defined, inactive "
            "ones and --all both.",
    .opts = listOpts,
    .run = cmdList,
};
