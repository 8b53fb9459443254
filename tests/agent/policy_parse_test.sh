#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_parse_test.sh: what issue 10 found in the policy files' checks,
# through xvirt-agent --check-config, as TAP.
#
# 1. the overlap check is near-linear: 2,000 disjoint restart policies
#    (exact names and prefixed globs; then UUIDs) are checked well within
#    2 s (wall time is the behaviour here: the quadratic check took ~6 s on
#    the names on this machine, the index takes ~20 ms: the bound leaves
#    both ~100x headroom and a clear failure); and an overlap between the
#    last policy and the first is still reported, with the message of old
# 2. a zero low_watermark (or high_watermark) given alone is named as the
#    key given, not as the other one
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

N=2000
MAX_MS=2000

# run_check FILE: runs --check-config FILE; sets RC, MS, OUT, ERR.
run_check() {
    local start end
    start=$(date +%s%N)
    "$XVIRT_AGENT" --check-config "$1" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
    end=$(date +%s%N)
    MS=$(((end - start) / 1000000))
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
}

# policies KIND [LAST-NAMES]: N restart policies of KIND (names: vm-I and
# tenant-I-*, alternately; uuids), the last one selecting LAST-NAMES if given.
policies() {
    bash "$(dirname "${BASH_SOURCE[0]}")/../../bench/gen-policies.sh" "$N" "$@"
}

# ---- 1. the overlap check --------------------------------------------------

for kind in names uuids; do
    policies "$kind" >"$TMP/$kind.yaml"
    run_check "$TMP/$kind.yaml"
    is "$N policies by $kind: valid" "$RC $OUT" "0 $TMP/$kind.yaml: configuration is valid ($N policies)"
    cmp_num "$N policies by $kind: checked within $MAX_MS ms" "$MS" "<=" "$MAX_MS"
done

# The last policy meets the first (vm-0) and a glob of the middle: the first is named.
policies names '"vm-0", "tenant-1*"' >"$TMP/late.yaml"
run_check "$TMP/late.yaml"
line=$((3 + 3 * (N - 1) + 3))
is "an overlap of the last policy: exit status" "$RC" 1
is "... the first policy it may meet, the first pair of selectors" "$ERR" \
    "$TMP/late.yaml:$line:14: policy 'p$((N - 1))' may act on the domains of the restart policy 'p0' ($TMP/late.yaml:4:11): name 'vm-0' of 'p$((N - 1))' and name 'vm-0' of 'p0' can be the same domain; enabled policies of one type must select disjoint domains (name globs no name matches both of, other uuids, or exclude), or they act against each other"
cmp_num "... within $MAX_MS ms" "$MS" "<=" "$MAX_MS"

# ---- 2. watermarks ---------------------------------------------------------

balloon() {
    printf 'connection:\n  uri: "test:///default"\npolicies:\n  - name: b\n    type: balloon\n'
    printf '    %s\n' "$@"
}
balloon "low_watermark: 0" >"$TMP/low0.yaml"
run_check "$TMP/low0.yaml"
is "a zero low_watermark alone is named as such" "$RC $ERR" \
    "1 $TMP/low0.yaml:6:20: low_watermark 0KiB must be above zero (high_watermark, not given, is twice it)"
balloon "high_watermark: 0%" >"$TMP/high0.yaml"
run_check "$TMP/high0.yaml"
is "a zero high_watermark alone is named as such" "$RC $ERR" \
    "1 $TMP/high0.yaml:6:21: high_watermark 0% must be above zero (low_watermark, not given, is half of it)"
balloon "low_watermark: 2GiB" "high_watermark: 1GiB" >"$TMP/both.yaml"
run_check "$TMP/both.yaml"
is "both given: the pair is named" "$RC $ERR" \
    "1 $TMP/both.yaml:7:21: high_watermark 1GiB is not above low_watermark 2GiB"

done_testing
