#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# collectors_bench.sh: CPU per full sample with the block, net, cpu and
# process collectors off and on, side by side in one run, on a test node of
# N domains x 4 vcpus x 1 disk x 1 NIC with scripted I/O (gen-node.py --io).
# The two alternate for ROUNDS rounds so that load on the machine hits both
# alike; the table shows the median of the rounds' medians.
#
#   bench/collectors_bench.sh [BUILDDIR [N [ROUNDS [RUNS]]]]
#
# Build with -Dbuildtype=release for figures worth quoting.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-1000}
rounds=${3:-5}
runs=${4:-100}
bench=${SAMPLE_BENCH:-$build/bench/sample_bench}
new=block,net,cpu,process

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen-node.py -n "$n" -v 4 --nics 1 --io -o "$tmp/node.xml"
uri=test://$tmp/node.xml

for r in $(seq 1 "$rounds"); do
    SAMPLE_BENCH_OFF=$new "$bench" "$uri" "$runs" "$n" $((n * 4)) >"$tmp/off.$r.out"
    "$bench" "$uri" "$runs" "$n" $((n * 4)) >"$tmp/on.$r.out"
    grep '^RESULT ' "$tmp/off.$r.out" >>"$tmp/off.results"
    grep '^RESULT ' "$tmp/on.$r.out" >>"$tmp/on.results"
done

median() {   # median KEY FILE
    awk -v k="$1" '$2 == k { print $3 }' "$2" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
echo "collectors_bench.sh: $rounds alternating rounds of $runs samples, $n domains x 4 vcpus x 1 disk x 1 NIC"
printf '%-24s %12s %12s %8s\n' "median of round medians" "$new off" "on" ratio
for key in sample_median_ms sample_p99_ms render_text_median_ms render_om_median_ms bytes_text \
           disks nics pcpus sample_errors; do
    off=$(median "$key" "$tmp/off.results")
    on=$(median "$key" "$tmp/on.results")
    ratio=$(awk -v a="${on:-0}" -v b="${off:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    printf '%-24s %12s %12s %8s\n' "$key" "${off:--}" "${on:--}" "$ratio"
    echo "RESULT $key ${off:--} ${on:--} $ratio" >>"$tmp/table"
done
cat "$tmp/table"
