/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apiutil.h: helpers over the public API that the programs share (xvirsh,
 * the node dump): the list calls of the seed API take caller-sized arrays,
 * and these grow them until the answer fits.
 */
#pragma once

#include <libvirt/libvirt.h>

/*
 * IDs of the active domains (*@retIds to free()), or names of the defined,
 * inactive ones (*@retNames, each and the array to free()). Return the
 * count, or -1 if the library fails (its error stays as the last error).
 */
int xvApiListActiveIds(virConnectPtr conn, int **retIds);
int xvApiListInactiveNames(virConnectPtr conn, char ***retNames);

/*
 * Every vCPU of an active domain with its CPU map (@maplen bytes each),
 * starting with @nrVirtCpu entries (virDomainInfo.nrVirtCpu). Returns the
 * count, *@retInfo and *@retMaps to free(); -1 if virDomainGetVcpus fails.
 */
int xvApiDomainGetVcpus(virDomainPtr dom, unsigned int nrVirtCpu, int maplen,
                        virVcpuInfoPtr *retInfo, unsigned char **retMaps);
