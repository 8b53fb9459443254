#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# compare.sh: sample and render CPU of two builds of xvirt side by side, in one
# run, on the same 1,000-domain x 4-vcpu test node. Each build's
# bench/sample_bench runs ROUNDS times, the two alternating, so load on the
# machine hits both alike; the table shows the median over the rounds of each
# round's median, and the ratio after/before.
#
#   bench/compare.sh BEFORE-BUILDDIR AFTER-BUILDDIR [ROUNDS [RUNS]]
#   bench/compare.sh --rev REV [ROUNDS [RUNS]]   # REV (a worktree in /var/tmp,
#                                                # release build) against this tree
#
# Build both with -Dbuildtype=release (--rev does, for both) for figures
# worth quoting. Prints "RESULT <key> <before> <after> <ratio>" lines too.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

release_build() {   # release_build SRCDIR BUILDDIR
    if [ ! -d "$2" ]; then
        meson setup "$2" "$1" -Dbuildtype=release -Dxen=disabled -Dtests=false >/dev/null
    fi
    ninja -C "$2" bench/sample_bench >/dev/null
}

if [ "${1:-}" = --rev ]; then
    rev=$2
    shift 2
    wt=/var/tmp/xvirt-bench-$(git rev-parse --short "$rev")
    [ -d "$wt" ] || git worktree add -q --detach "$wt" "$rev"
    release_build "$wt" "$wt/build-bench"
    release_build "$top" "$top/build-bench"
    set -- "$wt/build-bench" "$top/build-bench" "$@"
fi
before=${1:?usage: compare.sh BEFORE-BUILDDIR AFTER-BUILDDIR [ROUNDS [RUNS]]}
after=${2:?usage: compare.sh BEFORE-BUILDDIR AFTER-BUILDDIR [ROUNDS [RUNS]]}
rounds=${3:-7}
runs=${4:-200}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen-node.py -n 1000 -v 4 -o "$tmp/node.xml"
uri=test://$tmp/node.xml

for r in $(seq 1 "$rounds"); do
    for side in before after; do
        dir=$before
        [ "$side" = after ] && dir=$after
        "$dir/bench/sample_bench" "$uri" "$runs" 1000 4000 >"$tmp/$side.$r.out"
        grep '^RESULT ' "$tmp/$side.$r.out" >>"$tmp/$side.results"
    done
done

echo "compare.sh: $rounds alternating rounds of $runs runs each, 1000 domains x 4 vcpus"
echo "  before: $before"
echo "  after:  $after"
printf '%-28s %12s %12s %8s\n' "median of round medians" before after ratio
for key in sample_median_ms render_text_median_ms render_om_median_ms baseline_median_ms \
           bytes_text bytes_om; do
    b=$(awk -v k="$key" '$2 == k { print $3 }' "$tmp/before.results" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
    a=$(awk -v k="$key" '$2 == k { print $3 }' "$tmp/after.results" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
    ratio=$(awk -v a="${a:-0}" -v b="${b:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    printf '%-28s %12s %12s %8s\n' "$key" "${b:--}" "${a:--}" "$ratio"
    echo "RESULT $key ${b:--} ${a:--} $ratio" >>"$tmp/table"
done
cat "$tmp/table"
