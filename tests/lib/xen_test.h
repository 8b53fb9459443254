/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_test.h: what the Xen driver's cmocka tests share, on the simulated
 * Xen of xen_sim.c. Include after xvtest.h (cmocka).
 */
#ifndef XV_TESTS_XEN_TEST_H
#define XV_TESTS_XEN_TEST_H

#include <stdint.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* A connection to xen:/// (the simulated Xen), or the test fails. */
static inline virConnectPtr
openXen(void)
{
    virConnectPtr conn = virConnectOpen("xen:///");

    if (!conn)
        fail_msg("cannot open xen:///: %s", virGetLastErrorMessage());
    return conn;
}

/* Domain @domid of @conn, or the test fails. */
static inline virDomainPtr
byID(virConnectPtr conn, uint32_t domid)
{
    virDomainPtr dom = virDomainLookupByID(conn, (int)domid);

    if (!dom)
        fail_msg("no domain %u: %s", domid, virGetLastErrorMessage());
    return dom;
}

#endif /* XV_TESTS_XEN_TEST_H */
