#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_bench.sh: the cost of the policy-overlap check, as the time of
# `xvirt-agent --check-config` on a configuration of N enabled restart
# policies of disjoint domains, each checked against the ones before it:
# "names" (half exact names vm-N, half globs with their own prefix,
# tenant-N-*) and "uuids" (one UUID each; a UUID may meet any name, so the
# two kinds are not mixed in one file). The same file with one
# policy is the baseline (parsing and start-up); what is left over is the
# overlap check. With AGENT_BEFORE (e.g. a build of an older commit), both
# are timed and the ratio is printed.
#
# Environment: XVIRT_AGENT (the binary; meson sets it), AGENT_BEFORE
# (optional, the binary to compare with), N=2000, RUNS=3 (best of).
# Runs nothing but the agent's --check-config: no network, no daemon.
set -u

: "${XVIRT_AGENT:?XVIRT_AGENT must name the xvirt-agent binary}"
N=${N:-2000}
RUNS=${RUNS:-3}
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# config FILE COUNT KIND: COUNT disjoint restart policies of KIND (names, uuids).
config() {
    bash "$HERE/gen-policies.sh" "$2" "$3" >"$1"
}

# best_ms BINARY FILE: the best wall time of RUNS --check-config runs, in ms.
best_ms() {
    local bin=$1 file=$2 best= r start end ms
    for ((r = 0; r < RUNS; r++)); do
        start=$(date +%s%N)
        if ! "$bin" --check-config "$file" >/dev/null 2>"$TMP/err"; then
            echo "error: $bin --check-config $file failed:" >&2
            cat "$TMP/err" >&2
            return 1
        fi
        end=$(date +%s%N)
        ms=$(((end - start) / 1000000))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}

# measure LABEL BINARY KIND: prints one line; sets MS and ONE_MS.
measure() {
    local label=$1 bin=$2 kind=$3
    ONE_MS=$(best_ms "$bin" "$TMP/one-$kind.yaml") && MS=$(best_ms "$bin" "$TMP/$kind.yaml") ||
        exit 1
    printf '  %-6s %-7s %6d ms  (1 policy: %d ms)\n' "$kind" "$label" "$MS" "$ONE_MS"
}

echo "policy_bench: --check-config, $N disjoint restart policies (best of $RUNS)"
for kind in names uuids; do
    config "$TMP/one-$kind.yaml" 1 "$kind"
    config "$TMP/$kind.yaml" "$N" "$kind"
    measure after "$XVIRT_AGENT" "$kind"
    after=$MS after_one=$ONE_MS
    [ -n "${AGENT_BEFORE:-}" ] || continue
    measure before "$AGENT_BEFORE" "$kind"
    awk -v b="$MS" -v a="$after" -v bo="$ONE_MS" -v ao="$after_one" -v k="$kind" 'BEGIN {
        printf "  %-6s ratio before/after: %.1fx; the overlap check alone (less the 1-policy run): %d ms -> %d ms\n",
               k, b / (a > 0 ? a : 1), b - bo, a - ao
    }'
done
