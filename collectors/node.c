/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* node.c: the node collector: hardware, hypervisor type and version. */
#include "collector.h"

#include <stdlib.h>
#include <string.h>

#include "util/xvalloc.h"

static int
nodeCollect(xvCollectContext *ctx)
{
    xvSnapshot *snap = ctx->snap;
    const char *type;
    int ret = 0;

    if (virNodeGetInfo(ctx->conn, &snap->node) == 0) {
        snap->nodeOk = true;
        snap->maplen = VIR_CPU_MAPLEN(VIR_NODEINFO_MAXCPUS(snap->node));
    } else {
        xvCollectNoteFailure(ctx, XV_CALL_NODE_GET_INFO);
        ret = -1;
    }
    /* virConnectGetType cannot fail on a live connection */
    if ((type = virConnectGetType(ctx->conn)))
        snap->hvType = xvStrdup(type);
    if (virConnectGetVersion(ctx->conn, &snap->hvVersion) < 0) {
        xvCollectNoteFailure(ctx, XV_CALL_CONNECT_GET_VERSION);
        snap->hvVersion = 0;
        ret = -1;
    }
    return ret;
}

const xvCollector xvCollectorNode = {
    .name = "node",
    .defaultEnabled = true,
    .collect = nodeCollect,
};
