/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * process.h: the agent's own process as the Prometheus client libraries
 * report it (process_* families), read from procfs.
 */
#pragma once

#include "src/snapshot/snapshot.h"

/*
 * Fills @out from @proc (normally "/proc"): @proc/self/stat (utime + stime
 * = CPU time, vsize, rss pages, starttime), @proc/stat's btime (boot time,
 * + starttime / clock ticks = start time), the entries of @proc/self/fd
 * (open descriptors, the one reading the directory included, as the
 * clients count them) and RLIMIT_NOFILE's soft limit (what
 * @proc/self/limits calls "Max open files"). Returns 0, or -1 (errno set)
 * if a file is missing or not as expected; @out->ok says which.
 */
int xvProcessRead(const char *proc, xvSnapProcess *out);
