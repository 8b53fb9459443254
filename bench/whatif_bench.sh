#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# whatif_bench.sh: how long `xvirt-agent --what-if` takes to run the
# shipped example policies (config/policies, dry runs acting, as a what-if
# makes them) for FOR of simulated time on an N-domain copy (gen-node.py
# --demand) with a crash, a load change and an 8 GiB squeeze scripted. The
# baseline, in the same invocation, is the same run without policies: the
# sampler stepping the copy alone; what is left over is the policies and
# their actions. Prints wall and CPU time, samples and actions, and how many
# times faster than real time the run is.
#
# Environment: XVIRT_AGENT (the binary; meson sets it), N=100, V=4,
# FOR=6h, INTERVAL=5s, RUNS=3 (best of).
set -u

: "${XVIRT_AGENT:?XVIRT_AGENT must name the xvirt-agent binary}"
N=${N:-100}
V=${V:-4}
FOR=${FOR:-6h}
INTERVAL=${INTERVAL:-5s}
RUNS=${RUNS:-3}
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python3 "$HERE/gen-node.py" -n "$N" -v "$V" --demand -o "$TMP/node.xml" || exit 1
cat >"$TMP/events.xml" <<XML
<xvirt:events xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">
  <xvirt:crash at='00:10' domain='dom-0007'/>
  <xvirt:vcpu-load at='02:00' domain='dom-0003' vcpu='all' load='0.95'/>
  <xvirt:host-free at='01:00' drop-kib='8388608'/>
</xvirt:events>
XML
mkdir -p "$TMP/policies" "$TMP/none"
cp "$SRC"/config/policies/*.yaml "$TMP/policies/"
for p in policies none; do
    printf '%s\n' "connection:" "  uri: test://$TMP/node.xml" "sampling:" \
        "  interval: $INTERVAL" "policies_dir: $TMP/$p" >"$TMP/$p.yaml"
done

# run CONFIG: the best of RUNS; prints "WALL_MS CPU_MS SAMPLES ACTIONS".
run() {
    local best= r out
    for ((r = 0; r < RUNS; r++)); do
        /usr/bin/time -f '%e %U %S' -o "$TMP/time" "$XVIRT_AGENT" --what-if \
            --config "$TMP/$1.yaml" --for "$FOR" --events "$TMP/events.xml" --output json \
            >"$TMP/$1.json" 2>"$TMP/$1.err"
        [ $? -le 1 ] || { echo "error: the what-if failed:" >&2; cat "$TMP/$1.err" >&2; exit 1; }
        out=$(python3 - "$TMP/time" "$TMP/$1.json" <<'PY'
import json, sys
wall, user, sys_ = map(float, open(sys.argv[1]).read().split()[-3:])
d = json.load(open(sys.argv[2]))
acts = sum(1 for e in d["timeline"] if e["kind"] == "action")
print("%d %d %d %d" % (wall * 1000, (user + sys_) * 1000, d["samples"], acts))
PY
)
        if [ -z "$best" ] || [ "${out%% *}" -lt "${best%% *}" ]; then best=$out; fi
    done
    echo "$best"
}

read -r bw bc bs ba <<<"$(run none)"
read -r pw pc ps pa <<<"$(run policies)"
secs=$(python3 -c "
import re, sys
m = re.fullmatch(r'(\d+)(ms|s|m|h|d)', '$FOR')
print(int(m.group(1)) * {'ms': 0.001, 's': 1, 'm': 60, 'h': 3600, 'd': 86400}[m.group(2)])")
echo "what-if of $FOR at $INTERVAL on $N domains x $V vcpus (best of $RUNS)"
printf '  %-22s %8s %8s %8s %8s\n' "" "wall ms" "cpu ms" samples actions
printf '  %-22s %8d %8d %8d %8d\n' "baseline (no policy)" "$bw" "$bc" "$bs" "$ba"
printf '  %-22s %8d %8d %8d %8d\n' "shipped policies" "$pw" "$pc" "$ps" "$pa"
python3 -c "
bw, pw, secs = $bw, $pw, $secs
print('  policies cost %.2fx the baseline; %.0fx faster than real time' %
      (pw / max(bw, 1), secs / max(pw / 1000, 0.001)))"
