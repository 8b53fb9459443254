/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_test.h: what the Xen driver's cmocka tests share, on the simulated
 * Xen of xen_sim.c. Include after xvtest.h (cmocka).
 */
#ifndef XV_TESTS_XEN_TEST_H
#define XV_TESTS_XEN_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/*
 * The fixture of a test on the simulated Xen (include xen_sim.h and
 * xen/xen_driverpriv.h first): errors kept quiet, a new state directory as
 * XVIRT_XEN_STATE_DIR (returned), the simulation reset and in use with the
 * default batching.
 */
static inline char *
xenSimSetUp(void)
{
    char *stateDir;

    virSetErrorFunc(NULL, xvTestQuietErrors);
    stateDir = xvTestTempDir();
    setenv("XVIRT_XEN_STATE_DIR", stateDir, 1);
    xvSimReset();
    xvXenDriverSetHypervisor(&xvSimHypervisor);
    xvXenDriverSetBatchTuning(0, -1);
    return stateDir;
}

/* Its end: the test closed every handle it opened; the real Xen again;
 * @stateDir removed (if the test left it) and freed. */
static inline void
xenSimTearDown(char *stateDir)
{
    assert_int_equal(xvSimOpenHandles(), 0);
    xvXenDriverSetHypervisor(NULL);
    if (access(stateDir, F_OK) == 0)
        xvTestRemoveTree(stateDir);
    else
        free(stateDir);
}

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
