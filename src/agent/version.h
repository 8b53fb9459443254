/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * version.h: how this xvirt-agent was built, for --version. The values are
 * written by src/agent/meson.build into the program's generated sources
 * (version.c.in, version_branch.c.in, version_revision.c.in).
 */
#pragma once

#include <stdbool.h>

/* The git branch and revision built; "unknown" outside a git checkout (a
 * release tarball, the Debian build). Read again at every build. */
extern const char xvBuildBranch[];
extern const char xvBuildRevision[];
/* The build's date, 20261206-03:04:05 UTC (SOURCE_DATE_EPOCH's when set,
 * so a rebuild gives the same binary). */
extern const char xvBuildDate[];
/* The compiler: "gcc 12.2.0". */
extern const char xvBuildCompiler[];

/* Features compiled in: the Xen driver module, sd_notify (spoken
 * without libsystemd), TLS
 * (OpenSSL), gzip (zlib). */
extern const bool xvBuildXen;
extern const bool xvBuildSystemd;
extern const bool xvBuildTLS;
extern const bool xvBuildZlib;
