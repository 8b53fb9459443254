/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-nodedump.c: the "nodedump" command: samples the connected host N
 * times and writes it as a test-driver node file (nodedump.h), so that a
 * policy can be tried on a simulated copy (test:///PATH).
 */
#include "config.h"

#include "xvirsh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "src/nodedump/nodedump.h"
#include "util/xvfile.h"
#include "util/xvunits.h"

#define NODEDUMP_DEFAULT_SAMPLES 5
#define NODEDUMP_DEFAULT_INTERVAL_MS 1000
/* Beyond these, surely a mistake; and samples * interval stays far below
 * 2^64 ns. */
#define NODEDUMP_MAX_SAMPLES 100000
#define NODEDUMP_MAX_INTERVAL_MS (UINT64_C(24) * 3600 * 1000)

static const xvshOptDef nodedumpOpts[] = {
    { .name = "samples", .type = XVSH_OT_STRING, .valueName = "number",
      .help = "how many times to read the host (default 5, at least 2)" },
    { .name = "interval", .type = XVSH_OT_STRING, .valueName = "duration",
      .help = "time between two samples (default 1s; 500ms, 2s, 1m...)" },
    { .name = "file", .type = XVSH_OT_STRING, .valueName = "path",
      .help = "write the node file there (atomically) instead of stdout" },
    { .name = NULL }
};

/* --samples and --interval into *@samples and *@intervalMs. */
static bool
nodedumpOptions(const xvshCmd *cmd, unsigned int *samples, uint64_t *intervalMs)
{
    const char *interval = xvshOptString(cmd, "interval");
    int rc;

    *samples = NODEDUMP_DEFAULT_SAMPLES;
    *intervalMs = NODEDUMP_DEFAULT_INTERVAL_MS;
    if ((rc = xvshOptUInt(cmd, "samples", samples)) < 0)
        return false;
    if (rc > 0 && *samples < 2) {
        xvshError("--samples %u: at least 2 samples are needed (loads and rates are "
                  "measured between two)", *samples);
        return false;
    }
    if (*samples > NODEDUMP_MAX_SAMPLES) {
        xvshError("--samples %u: at most %u samples", *samples, NODEDUMP_MAX_SAMPLES);
        return false;
    }
    if (interval && (xvParseDuration(interval, intervalMs) < 0 ||
                     *intervalMs > NODEDUMP_MAX_INTERVAL_MS)) {
        xvshError("--interval '%s' is not a duration from 0ms to 24h, such as 500ms, 2s "
                  "or 1m", interval);
        return false;
    }
    return true;
}

/* The directory of --file @path must exist before the samples take their
 * time. */
static bool
nodedumpCheckDir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xvStrndup(path, (size_t)(slash - path) + 1) : xvStrdup(".");
    struct stat sb;
    bool ok = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);

    if (!ok)
        xvshError("cannot write '%s': %s is not a directory", path, dir);
    free(dir);
    return ok;
}

/* The node file to stdout, or atomically to @path. */
static bool
nodedumpWrite(const char *text, const char *path)
{
    char why[XV_FILE_WHY_LEN];

    if (!path) {
        xvshPrint("%s", text);
        return true;
    }
    if (xvFileWriteAtomic(path, text, strlen(text), 0644, why, sizeof(why)) < 0) {
        xvshError("cannot write '%s': %s", path, why);
        return false;
    }
    return true;
}

/* xvirsh keeps its own copy of the last error: a call whose failure only
 * costs a measure must clear that too. */
static void
nodedumpResetError(void *opaque)
{
    xvshResetError(opaque);
}

static bool
cmdNodedump(xvshControl *ctl, const xvshCmd *cmd)
{
    const char *path = xvshOptString(cmd, "file");
    xvNodeDumpHooks hooks = {
        .program = "xvirsh nodedump", .resetError = nodedumpResetError, .opaque = ctl,
    };
    unsigned int samples;
    uint64_t intervalMs;
    char *text, *failed = NULL;
    bool ok;

    if (!nodedumpOptions(cmd, &samples, &intervalMs) || (path && !nodedumpCheckDir(path)))
        return false;
    if (!(text = xvNodeDumpTake(ctl->conn, ctl->uri, samples, intervalMs, &hooks, &failed))) {
        xvshError("%s", failed);
        free(failed);
        return false;
    }
    ok = nodedumpWrite(text, path);
    free(text);
    return ok;
}

const xvshCmdDef xvshCmdNodedump = {
    .name = "nodedump",
    .usage = "[--samples <number>] [--interval <duration>] [--file <path>]",
    .help = "capture the host as a test-driver node file",
    .desc = "Reads the host --samples times, --interval apart, and writes it as a node "
            "file of the test driver (test:///PATH opens it): the host's CPUs, memory "
            "and hypervisor, the memory it uses outside the domains (so that freecell "
            "reads the same), and every domain's XML with its state, each vcpu's load "
            "and affinity, its memory demand (actual - unused of its memory "
            "statistics, the largest seen) and its disks' and interfaces' I/O rates, "
            "measured between the samples. Loads and rates are timed on the "
            "hypervisor's clock when it has one. The copy's CPU times start from 0.",
    .opts = nodedumpOpts,
    .run = cmdNodedump,
};
