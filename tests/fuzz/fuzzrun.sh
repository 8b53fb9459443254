#!/bin/sh
# fuzzrun.sh: one short libFuzzer run of a target (the meson suite `fuzzrun`
# of a -Dfuzz=true build; bench/fuzz runs longer ones).
#   fuzzrun.sh FUZZER NAME DICT CORPUS [REGRESSIONS]
# Runs FUZZER for $XV_FUZZ_TIME seconds (20 by default) with the dictionary
# DICT on a copy of the seed corpus and the regressions, new inputs going to
# a work directory in the build tree, so the tree's corpus is left as it is.
# Fails if anything crashed, leaked, timed out (10 s on one input) or ran
# out of memory; the input that did is kept in
# $XV_TEST_BUILDDIR/fuzz-crashes/NAME/, to be added to
# tests/fuzz/regressions/NAME/ with the fix.
set -eu
fuzzer=$1 name=$2 dict=$3
shift 3
build=${XV_TEST_BUILDDIR:-.}
work=$build/fuzz-work/$name
crashes=$build/fuzz-crashes/$name
rm -rf "$work"
mkdir -p "$work" "$crashes"
# the harnesses' scratch files on tmpfs when there is one
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi
rc=0
"$fuzzer" -max_total_time="${XV_FUZZ_TIME:-20}" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -dict="$dict" -artifact_prefix="$crashes/" "$work" "$@" >"$work.log" 2>&1 || rc=$?
# the run's last status line (cov:, ft:, corp:, exec/s) and the final stats
grep -E '^#[0-9]+' "$work.log" | tail -1
grep -E '^stat::' "$work.log" || true
if [ "$rc" -ne 0 ]; then
  tail -60 "$work.log"
  echo "fuzzrun: $name failed (exit $rc); the input is in $crashes/"
  exit 1
fi
