/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * signatures.c: assigns every public function to a pointer of the type the
 * seed documents (for the calls beyond the seed: the type libvirt declares);
 * built with -Werror, a prototype that differs fails to compile.
 * public_headers_test.sh builds it against libxvirt's header (everything
 * must match) and against the system libvirt's, where the two prototypes
 * libvirt later changed are left out (SKIP_LIBVIRT_CHANGED):
 * virConnectListDefinedDomains (names became "char **const") and
 * virDomainGetXMLDesc (flags became unsigned int).
 */
#include <stddef.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define SIG(ret, name, args) ret (*p_##name) args = name; (void)p_##name

int main(void);

int
main(void)
{
    SIG(int, virConnectClose, (virConnectPtr));
    SIG(const char *, virConnectGetType, (virConnectPtr));
    SIG(int, virConnectGetVersion, (virConnectPtr, unsigned long *));
#ifndef SKIP_LIBVIRT_CHANGED
    SIG(int, virConnectListDefinedDomains, (virConnectPtr, const char **, int));
#endif
    SIG(int, virConnectListDomains, (virConnectPtr, int *, int));
    SIG(int, virConnectNumOfDomains, (virConnectPtr));
    SIG(virConnectPtr, virConnectOpen, (const char *));
    SIG(virConnectPtr, virConnectOpenReadOnly, (const char *));
    SIG(int, virDomainCreate, (virDomainPtr));
    SIG(virDomainPtr, virDomainCreateLinux, (virConnectPtr, const char *, unsigned int));
    SIG(virDomainPtr, virDomainDefineXML, (virConnectPtr, const char *));
    SIG(int, virDomainDestroy, (virDomainPtr));
    SIG(int, virDomainFree, (virDomainPtr));
    SIG(unsigned int, virDomainGetID, (virDomainPtr));
    SIG(int, virDomainGetInfo, (virDomainPtr, virDomainInfoPtr));
    SIG(unsigned long, virDomainGetMaxMemory, (virDomainPtr));
    SIG(const char *, virDomainGetName, (virDomainPtr));
    SIG(char *, virDomainGetOSType, (virDomainPtr));
    SIG(int, virDomainGetUUID, (virDomainPtr, unsigned char *));
    SIG(int, virDomainGetUUIDString, (virDomainPtr, char *));
    SIG(int, virDomainGetVcpus, (virDomainPtr, virVcpuInfoPtr, int, unsigned char *, int));
#ifndef SKIP_LIBVIRT_CHANGED
    SIG(char *, virDomainGetXMLDesc, (virDomainPtr, int));
#endif
    SIG(virDomainPtr, virDomainLookupByID, (virConnectPtr, int));
    SIG(virDomainPtr, virDomainLookupByName, (virConnectPtr, const char *));
    SIG(virDomainPtr, virDomainLookupByUUID, (virConnectPtr, const unsigned char *));
    SIG(virDomainPtr, virDomainLookupByUUIDString, (virConnectPtr, const char *));
    SIG(int, virDomainPinVcpu, (virDomainPtr, unsigned int, unsigned char *, int));
    SIG(int, virDomainReboot, (virDomainPtr, unsigned int));
    SIG(int, virDomainRestore, (virConnectPtr, const char *));
    SIG(int, virDomainResume, (virDomainPtr));
    SIG(int, virDomainSave, (virDomainPtr, const char *));
    SIG(int, virDomainSetMaxMemory, (virDomainPtr, unsigned long));
    SIG(int, virDomainSetMemory, (virDomainPtr, unsigned long));
    SIG(int, virDomainSetVcpus, (virDomainPtr, unsigned int));
    SIG(int, virDomainShutdown, (virDomainPtr));
    SIG(int, virDomainSuspend, (virDomainPtr));
    SIG(int, virDomainUndefine, (virDomainPtr));
    SIG(int, virGetVersion, (unsigned long *, const char *, unsigned long *));
    SIG(int, virInitialize, (void));
    SIG(int, virNodeGetInfo, (virConnectPtr, virNodeInfoPtr));

    /* beyond the seed: later calls, declared as libvirt declares them */
    SIG(unsigned long long, virNodeGetFreeMemory, (virConnectPtr));
    SIG(int, virDomainMemoryStats,
        (virDomainPtr, virDomainMemoryStatPtr, unsigned int, unsigned int));
    SIG(int, virDomainBlockStats,
        (virDomainPtr, const char *, virDomainBlockStatsPtr, size_t));
    SIG(int, virDomainInterfaceStats,
        (virDomainPtr, const char *, virDomainInterfaceStatsPtr, size_t));
    SIG(int, virNodeGetCPUStats,
        (virConnectPtr, int, virNodeCPUStatsPtr, int *, unsigned int));

    /* the error API (virterror.h), as libvirt declares it */
    SIG(virErrorPtr, virGetLastError, (void));
    SIG(const char *, virGetLastErrorMessage, (void));
    SIG(int, virGetLastErrorCode, (void));
    SIG(int, virGetLastErrorDomain, (void));
    SIG(int, virCopyLastError, (virErrorPtr));
    SIG(virErrorPtr, virSaveLastError, (void));
    SIG(void, virResetLastError, (void));
    SIG(void, virResetError, (virErrorPtr));
    SIG(void, virFreeError, (virErrorPtr));
    SIG(virErrorPtr, virConnGetLastError, (virConnectPtr));
    SIG(int, virConnCopyLastError, (virConnectPtr, virErrorPtr));
    SIG(void, virConnResetLastError, (virConnectPtr));
    SIG(void, virSetErrorFunc, (void *, virErrorFunc));
    SIG(void, virConnSetErrorFunc, (virConnectPtr, void *, virErrorFunc));
    SIG(void, virDefaultErrorFunc, (virErrorPtr));
    return 0;
}
