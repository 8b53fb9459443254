#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# soak.sh: xvirt-agent serving N domains (default 1,000 x 4 vcpus) under
# `wrk` (64 connections, 60 s) while its configuration is reloaded every
# second (SIGHUP) and 50 slow clients trickle request heads a byte a second
# (tests/agent/http_abuse.py). Prints:
#   scrapes done, failed scrapes (non-2xx replies and socket errors),
#   latency p50 / p99, agent RSS at start, after 10 s, at the end and its
#   peak (VmHWM), reloads
#   done, and the agent's log lines per second.
# Exit status 1 when a scrape failed or a reload was rejected.
#
# Needs wrk (Debian: apt-get install wrk; scripts/deps installs it as a
# bench-only tool). Environment: XVIRT_AGENT (the binary; meson sets it),
#   N=1000 V=4 DURATION=60 CONNECTIONS=64 SLOW=50 THREADS=2 OUT=<dir>
# Only 127.0.0.1 (and 127.0.0.2 as the slow clients' source) is used; every
# loop is bounded by DURATION; only processes started here are stopped, by
# PID.
set -u

: "${XVIRT_AGENT:?XVIRT_AGENT must name the xvirt-agent binary}"
N=${N:-1000}
V=${V:-4}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-64}
SLOW=${SLOW:-50}
THREADS=${THREADS:-2}
BENCH_NAME=soak.sh
. "$(dirname "$0")/bench_common.sh"
ABUSE=$HERE/../tests/agent/http_abuse.py

command -v wrk >/dev/null || die "needs wrk (apt-get install wrk)"

log "machine: $(nproc) cpus, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
NODE=$TMP/node-$N.xml
"$PY" "$HERE/gen-node.py" -n "$N" -v "$V" -o "$NODE" || die "gen-node.py failed"

PORT=$(free_port)
cat >"$TMP/agent.yaml" <<EOF
connection:
  uri: "test://$NODE"
listen:
  address: 127.0.0.1
  port: $PORT
  max_connections: 128
  max_connections_per_address: 100
sampling:
  interval: 5s
logging:
  level: info
EOF
"$XVIRT_AGENT" --config "$TMP/agent.yaml" </dev/null >/dev/null 2>"$OUT/agent.log" &
APID=$!
PIDS+=("$APID")
URL=http://127.0.0.1:$PORT/metrics
wait_ready "http://127.0.0.1:$PORT/-/ready" 120 || die "the agent is not ready (see $OUT/agent.log)"
ndom=$(curl -s --max-time 30 "$URL" | grep -c '^xvirt_domain_state{')
[ "$ndom" = "$N" ] || die "exported $ndom domains, want $N"
rss_start=$(kib "$APID" VmRSS)
lines_start=$(wc -l <"$OUT/agent.log")
log "agent ready: $N domains x $V vcpus, RSS $rss_start KiB"

# the slow clients, from another source address (the per-address cap is
# theirs alone), for the whole run
"$PY" "$ABUSE" slow "$PORT" "$SLOW" "$DURATION" --source 127.0.0.2 >"$OUT/slow.txt" &
PIDS+=($!)
SLOWPID=$!

# a reload every second, and the agent's RSS then (one line a second)
(
    end=$((SECONDS + DURATION))
    while [ "$SECONDS" -lt "$end" ]; do
        kill -HUP "$APID" 2>/dev/null || break
        kib "$APID" VmRSS >>"$OUT/rss.txt"
        sleep 1
    done
) &
PIDS+=($!)
HUPPID=$!

# wrk: count non-2xx replies, keep a latency distribution
cat >"$TMP/report.lua" <<'EOF'
done = function(summary, latency, requests)
    io.write(string.format("REQUESTS %d\n", summary.requests))
    io.write(string.format("NON2XX %d\n", summary.errors.status))
    io.write(string.format("SOCKERR %d\n", summary.errors.connect + summary.errors.read +
        summary.errors.write + summary.errors.timeout))
    io.write(string.format("P50MS %.2f\n", latency:percentile(50) / 1000))
    io.write(string.format("P99MS %.2f\n", latency:percentile(99) / 1000))
    io.write(string.format("MAXMS %.2f\n", latency.max / 1000))
end
EOF
t0=$SECONDS
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s \
    -s "$TMP/report.lua" "$URL" >"$OUT/wrk.txt" 2>&1
elapsed=$((SECONDS - t0))
wait "$HUPPID" 2>/dev/null
wait "$SLOWPID" 2>/dev/null

kill -0 "$APID" 2>/dev/null || die "the agent died (see $OUT/agent.log)"
rss_end=$(kib "$APID" VmRSS)
rss_peak=$(kib "$APID" VmHWM)
lines_end=$(wc -l <"$OUT/agent.log")
reloads=$(grep -c 'config: reloading' "$OUT/agent.log")
rejected=$(grep -c 'reload rejected' "$OUT/agent.log")
w() { awk -v k="$1" '$1 == k { print $2 }' "$OUT/wrk.txt"; }
requests=$(w REQUESTS)
non2xx=$(w NON2XX)
sockerr=$(w SOCKERR)
[ -n "$requests" ] || { cat "$OUT/wrk.txt" >&2; die "wrk printed no summary"; }
failed=$((non2xx + sockerr))
lps=$(awk -v n=$((lines_end - lines_start)) -v s="$elapsed" 'BEGIN { printf "%.2f", n / (s ? s : 1) }')

echo "soak: $N domains x $V vcpus, wrk $CONNECTIONS connections for ${DURATION}s," \
    "$SLOW slow clients, SIGHUP every second"
echo "scrapes done:        $requests ($(awk -v r="$requests" -v s="$elapsed" \
    'BEGIN { printf "%.0f", r / (s ? s : 1) }')/s)"
echo "failed scrapes:      $failed (non-2xx $non2xx, socket errors $sockerr)"
echo "latency:             p50 $(w P50MS) ms, p99 $(w P99MS) ms, max $(w MAXMS) ms"
echo "RSS:                 start $rss_start KiB, after 10 s $(sed -n 10p "$OUT/rss.txt") KiB," \
    "end $rss_end KiB, peak $rss_peak KiB"
echo "reloads:             $reloads done, $rejected rejected"
echo "log lines:           $((lines_end - lines_start)) in ${elapsed}s ($lps/s)"
echo "slow clients:        $(cat "$OUT/slow.txt")"
[ "$failed" -eq 0 ] && [ "$rejected" -eq 0 ]
