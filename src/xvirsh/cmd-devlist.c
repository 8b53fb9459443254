/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-devlist.c: the devices of a domain, read from its XML description:
 * "domblklist" (disks) and "domiflist" (network interfaces), as virsh's
 * tables. Their names are what domblkstat and domifstat take.
 */
#include "config.h"

#include "xvirsh.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* The domain's XML description, parsed; NULL (reported) on failure. */
static xmlDocPtr
devlistDomainXML(virDomainPtr dom)
{
    char *xml;
    xmlDocPtr doc;

    if (!(xml = virDomainGetXMLDesc(dom, 0)))
        return NULL;
    doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(xml);
    if (!doc)
        xvshError("Failed to parse domain description xml");
    return doc;
}

/* The string value of @expr evaluated at @node, to free(); NULL when empty. */
static char *
devlistString(xmlXPathContextPtr ctxt, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr obj;
    char *ret = NULL;

    ctxt->node = node;
    obj = xmlXPathEvalExpression((const xmlChar *)expr, ctxt);
    if (obj && obj->type == XPATH_STRING && obj->stringval && obj->stringval[0])
        ret = xvStrdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    return ret;
}

typedef bool (*devlistRowFunc)(xmlXPathContextPtr ctxt, xmlNodePtr node, xvshTable *table,
                               bool details);

/*
 * Looks @cmd's domain up, and adds one row to @table per element
 * @devicesPath selects in its XML (@addRow, told @details), then prints
 * the table.
 */
static bool
devlistRun(xvshControl *ctl, const xvshCmd *cmd, const char *devicesPath, xvshTable *table,
           devlistRowFunc addRow, bool details)
{
    virDomainPtr dom;
    xmlDocPtr doc = NULL;
    xmlXPathContextPtr ctxt = NULL;
    xmlXPathObjectPtr devices = NULL;
    bool ok = false;
    int i;

    if (!(dom = xvshCommandOptDomain(ctl, cmd, XVSH_BY_ANY, NULL)))
        return false;
    if (!(doc = devlistDomainXML(dom)))
        goto cleanup;
    ctxt = xmlXPathNewContext(doc);
    devices = xmlXPathEvalExpression((const xmlChar *)devicesPath, ctxt);
    if (!devices || devices->type != XPATH_NODESET) {
        xvshError("Failed to parse domain description xml");
        goto cleanup;
    }
    for (i = 0; devices->nodesetval && i < devices->nodesetval->nodeNr; i++) {
        if (!addRow(ctxt, devices->nodesetval->nodeTab[i], table, details))
            goto cleanup;
    }
    xvshTablePrint(table);
    ok = true;

 cleanup:
    xmlXPathFreeObject(devices);
    xmlXPathFreeContext(ctxt);
    xmlFreeDoc(doc);
    virDomainFree(dom);
    return ok;
}

/* A disk's source, as virsh names it: its file, device, directory, or
 * network or volume name; "-" when it has none (an empty CD-ROM). */
static bool
domblklistRow(xmlXPathContextPtr ctxt, xmlNodePtr disk, xvshTable *table, bool details)
{
    char *type = NULL;
    char *device = NULL;
    char *target = NULL;
    char *source = NULL;
    bool ok = false;

    if (details) {
        type = devlistString(ctxt, disk, "string(./@type)");
        device = devlistString(ctxt, disk, "string(./@device)");
        if (!type || !device) {
            xvshPrint("unable to query block list details");
            goto cleanup;
        }
    }
    if (!(target = devlistString(ctxt, disk, "string(./target/@dev)"))) {
        xvshError("unable to query block list");
        goto cleanup;
    }
    source = devlistString(ctxt, disk,
                           "string(./source/@file|./source/@dev|./source/@dir|"
                           "./source/@name|./source/@volume)");
    if (details) {
        const char *row[] = { type, device, target, source ? source : "-" };
        xvshTableAddRow(table, row);
    } else {
        const char *row[] = { target, source ? source : "-" };
        xvshTableAddRow(table, row);
    }
    ok = true;

 cleanup:
    free(type);
    free(device);
    free(target);
    free(source);
    return ok;
}

static bool
cmdDomblklist(xvshControl *ctl, const xvshCmd *cmd)
{
    static const char *const headers[] = { "Target", "Source" };
    static const char *const detailHeaders[] = { "Type", "Device", "Target", "Source" };
    xvshTable *table;
    bool ok;

    if (xvshOptBool(cmd, "details"))
        table = xvshTableNew(XV_N_ELEMENTS(detailHeaders), detailHeaders);
    else
        table = xvshTableNew(XV_N_ELEMENTS(headers), headers);
    ok = devlistRun(ctl, cmd, "/domain/devices/disk", table, domblklistRow,
                    xvshOptBool(cmd, "details"));
    xvshTableFree(table);
    return ok;
}

static const xvshOptDef domblklistOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = "details", .type = XVSH_OT_BOOL,
      .help = "additionally display the type and device value" },
    { .name = NULL }
};

const xvshCmdDef xvshCmdDomblklist = {
    .name = "domblklist",
    .usage = "<domain> [--details]",
    .help = "list all domain blocks",
    .desc = "Lists the disks of a domain from its XML description: the target each "
            "is known by (what domblkstat takes) and its source file or device; "
            "--details adds the disk's type and device kind. (virsh's --inactive "
            "needs an XML flag this API does not have.)",
    .opts = domblklistOpts,
    .run = cmdDomblklist,
};

static bool
domiflistRow(xmlXPathContextPtr ctxt, xmlNodePtr iface, xvshTable *table, bool details)
{
    char *type = devlistString(ctxt, iface, "string(./@type)");
    char *source = devlistString(ctxt, iface,
                                 "string(./source/@bridge|./source/@dev|./source/@network|"
                                 "./source/@name|./source/@path)");
    char *target = devlistString(ctxt, iface, "string(./target/@dev)");
    char *model = devlistString(ctxt, iface, "string(./model/@type)");
    char *mac = devlistString(ctxt, iface, "string(./mac/@address)");
    const char *row[] = {
        target ? target : "-", type ? type : "-", source ? source : "-",
        model ? model : "-", mac ? mac : "-",
    };

    (void)details;
    xvshTableAddRow(table, row);
    free(type);
    free(source);
    free(target);
    free(model);
    free(mac);
    return true;
}

static bool
cmdDomiflist(xvshControl *ctl, const xvshCmd *cmd)
{
    static const char *const headers[] = { "Interface", "Type", "Source", "Model", "MAC" };
    xvshTable *table = xvshTableNew(XV_N_ELEMENTS(headers), headers);
    bool ok;

    ok = devlistRun(ctl, cmd, "/domain/devices/interface", table, domiflistRow, false);
    xvshTableFree(table);
    return ok;
}

static const xvshOptDef domiflistOpts[] = {
    XVSH_OPT_DOMAIN,
    { .name = NULL }
};

const xvshCmdDef xvshCmdDomiflist = {
    .name = "domiflist",
    .usage = "<domain>",
    .help = "list all domain virtual interfaces",
    .desc = "Lists the network interfaces of a domain from its XML description: the "
            "host-side device each is known by (what domifstat takes; \"vif3.0\" on "
            "Xen, \"-\" for a domain that is not running), its type, the bridge or "
            "network it is plugged into, its model and its MAC address. (virsh's "
            "--inactive needs an XML flag this API does not have.)",
    .opts = domiflistOpts,
    .run = cmdDomiflist,
};
