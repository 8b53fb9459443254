/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_domain_xml.c: domain XML (lib/conf/domain_conf.c), as given to
 * virDomainDefineXML() and virDomainCreateLinux(). Besides not crashing,
 * checks the property domain_conf.h promises: what Format writes parses
 * back to a definition that formats to the same bytes.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_conf.h"

static const char *const fuzzDomainTypes[] = { "test", "xen", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = xvFuzzString(data, size);
    xvDomainDef *def, *again;
    char *first, *second;

    xvFuzzQuietErrors();
    if (!(def = xvDomainDefParseString(xml, fuzzDomainTypes))) {
        free(xml);
        return 0;
    }
    first = xvDomainDefFormat(def, -1);
    if (!(again = xvDomainDefParseString(first, fuzzDomainTypes))) {
        fprintf(stderr, "formatted definition does not parse back:\n%s", first);
        abort();
    }
    second = xvDomainDefFormat(again, -1);
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "format is not a fixed point:\n--- first\n%s--- second\n%s", first, second);
        abort();
    }
    free(second);
    free(first);
    xvDomainDefFree(again);
    xvDomainDefFree(def);
    free(xml);
    return 0;
}
