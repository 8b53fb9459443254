#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# prometheus_test.sh: a real Prometheus server scrapes the agent (TAP).
#
# Starts xvirt-agent on config/test-node.xml (sampling every 250 ms) and
# Debian's Prometheus (/usr/bin/prometheus, package prometheus) with a 1 s
# scrape interval and one job, "xvirt", on the agent; waits until it has
# scraped, then asks Prometheus's HTTP API what it stored:
#   up, the target's health and last error, known domain and vcpu values,
#   xvirt_build_info, the number of samples ingested per scrape, the
#   rate of a vcpu's CPU counter and of web01's disk and interface
#   counters, a pCPU idle series per CPU and the process_* families.
# Prometheus asks for OpenMetrics first, so this checks our OpenMetrics
# output end to end; the metadata it keeps (a counter family named without
# _total, with unit "seconds") shows that it did parse OpenMetrics.
# Everything listens on 127.0.0.1 only; the script ends within 60 s and
# stops what it started (agent_common.sh). Skipped when prometheus is not
# installed.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR (from meson).

WATCHDOG=60
# shellcheck source=agent_common.sh
. "$(dirname "$0")/agent_common.sh"

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
WEB01='domain="web01",uuid="5b1c2a7e-3f4d-4c8a-9e21-0d6f8a1b2c01"'

if [ ! -x "$PROMETHEUS" ]; then
    echo "1..0 # SKIP $PROMETHEUS not installed (Debian package prometheus)"
    exit 0
fi

# promql QUERY: the values of the instant vector QUERY, one per line
# (sorted), or "error: ..." when the API call fails.
promql() {
    curl -s --max-time 5 -G "http://127.0.0.1:$PPORT/api/v1/query" \
        --data-urlencode "query=$1" >"$TMP/q.json" 2>/dev/null
    python3 - "$TMP/q.json" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    sys.exit(print(f"error: {e}"))
if r.get("status") != "success":
    sys.exit(print(f"error: {r.get('error')}"))
for v in sorted(s["value"][1] for s in r["data"]["result"]):
    print(v)
EOF
}

# api PATH PYTHON-EXPR: evaluates EXPR over the JSON answer of GET PATH
# ("r" is the parsed answer).
api() {
    curl -s --max-time 5 "http://127.0.0.1:$PPORT$1" >"$TMP/api.json" 2>/dev/null
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$TMP/api.json" "$2" 2>&1
}

# wait_value QUERY VALUE SECONDS: until promql QUERY prints VALUE.
wait_value() {
    local start
    start=$(now)
    until [ "$(promql "$1")" = "$2" ]; do
        awk -v e="$(elapsed_since "$start")" -v l="$3" 'BEGIN { exit !(e > l) }' && return 1
        sleep 0.2
    done
}

# ---- the agent ----------------------------------------------------------------

APORT=$(free_port)
write_config "$TMP/agent.yaml" "$APORT" "test://$SRCDIR/config/test-node.xml" \
    "sampling:" "  interval: 250ms"
start_agent agent --config "$TMP/agent.yaml"
if wait_http "$APORT" /-/ready 200 15; then
    ok "the agent is ready"
else
    not_ok "the agent is ready" "$AGENT_LOG"
    done_testing
fi

# ---- Prometheus -----------------------------------------------------------

PPORT=$(free_port)
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: xvirt
    static_configs:
      - targets: ['127.0.0.1:$APORT']
EOF
"$PROMETHEUS" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PPORT" </dev/null >"$TMP/prometheus.log" 2>&1 &
HELPER_PIDS+=("$!")
if wait_http "$PPORT" /-/ready 200 20; then
    ok "prometheus is ready"
else
    not_ok "prometheus is ready" "$TMP/prometheus.log"
    done_testing
fi

# Static targets reach the scrape manager after up to 5 s, then one
# scrape per second.
if wait_value 'up{job="xvirt"}' 1 25; then
    ok 'up{job="xvirt"} is 1'
else
    not_ok 'up{job="xvirt"} is 1' "got: $(promql 'up{job="xvirt"}')" "$TMP/prometheus.log"
    done_testing
fi

is "the target's health is up" \
    "$(api /api/v1/targets 'r["data"]["activeTargets"][0]["health"]')" up
is "the target's last error is empty" \
    "$(api /api/v1/targets 'repr(r["data"]["activeTargets"][0]["lastError"])')" "''"
is "web01 is running (xvirt_domain_state 1)" "$(promql "xvirt_domain_state{$WEB01}")" 1
is "build01 is shut off (xvirt_domain_state 5)" \
    "$(promql 'xvirt_domain_state{domain="build01"}')" 5
is "count(xvirt_vcpu_cpu_seconds_total) is 9" "$(promql 'count(xvirt_vcpu_cpu_seconds_total)')" 9
is "xvirt_domains is 5" "$(promql 'xvirt_domains{job="xvirt"}')" 5
is "xvirt_build_info is there, once" "$(promql 'count(xvirt_build_info)')" 1
is "xvirt_hypervisor_up is 1" "$(promql 'xvirt_hypervisor_up')" 1

# Parsed as OpenMetrics: the metadata of a counter is keyed by its family
# name (no _total) and carries the UNIT line's unit.
is "Prometheus parsed OpenMetrics (counter family with unit seconds)" \
    "$(api '/api/v1/metadata?metric=xvirt_vcpu_cpu_seconds' \
        '[(m["type"], m["unit"]) for m in r["data"].get("xvirt_vcpu_cpu_seconds", [])]')" \
    "[('counter', 'seconds')]"

# Every sample of a scrape was ingested.
scrape "$APORT" "$TMP/scrape.om" -H 'Accept: application/openmetrics-text' >/dev/null
is "Prometheus ingested every sample of a scrape" \
    "$(promql 'scrape_samples_scraped{job="xvirt"}')" "$(grep -vc '^#' "$TMP/scrape.om")"

# Counters work across samples: web01's vcpus burn 0.4 of a CPU each
# (config/test-node.xml) and the simulated clock runs at real speed. With
# a sample every 250 ms, a scrape's value lags by at most 0.1 s of CPU, so
# over the 6 s between 7 scrapes the slope is within 0.02 of 0.4. deriv()
# (least squares) rather than rate(), which extrapolates to the window's
# edges and so reads low while the series is younger than the window.
SERIES="xvirt_vcpu_cpu_seconds_total{$WEB01,vcpu=\"0\"}"
start=$(now)
until [ -n "$(promql "count_over_time(${SERIES}[8s]) >= 7")" ]; do
    awk -v e="$(elapsed_since "$start")" 'BEGIN { exit !(e > 15) }' && break
    sleep 0.5
done
r=$(promql "deriv(${SERIES}[8s])")
cmp_num "web01's vcpu 0 CPU seconds grow at 0.4 per second (got $r)" \
    "$(awk -v r="$r" 'BEGIN { d = r - 0.4; print (d < 0 ? -d : d) }')" '<' 0.05

# The device counters advance at config/test-node.xml's <xvirt:io> rates
# for web01 (per simulated second, the clock at real speed): deriv() over
# the same 8 s as the vcpu's, within 10 % (a sample's lag of up to 250 ms
# moves single points, not the slope).
rate_near() {   # rate_near NAME SERIES EXPECTED
    local r
    r=$(promql "deriv(${2}[8s])")
    cmp_num "$1 (expected $3, got $r)" \
        "$(awk -v r="$r" -v x="$3" 'BEGIN { d = (r - x) / x; print (d < 0 ? -d : d) }')" '<' 0.1
}
rate_near "web01's xvda1 reads 1638400 bytes per second" \
    "xvirt_domain_block_read_bytes_total{$WEB01,device=\"xvda1\"}" 1638400
rate_near "web01's xvda1 writes 20 requests per second" \
    "xvirt_domain_block_write_requests_total{$WEB01,device=\"xvda1\"}" 20
rate_near "web01's vif1.0 receives 125000 bytes per second (the guest's view)" \
    "xvirt_domain_interface_receive_bytes_total{$WEB01,device=\"vif1.0\"}" 125000
rate_near "web01's vif1.0 sends 180 packets per second" \
    "xvirt_domain_interface_transmit_packets_total{$WEB01,device=\"vif1.0\"}" 180
is "the interface carries its bridge as source" \
    "$(promql "count(xvirt_domain_interface_receive_bytes_total{$WEB01,device=\"vif1.0\",source=\"xenbr0\"})")" 1
is "Prometheus parsed the block family as a counter in bytes" \
    "$(api '/api/v1/metadata?metric=xvirt_domain_block_read_bytes' \
        '[(m["type"], m["unit"]) for m in r["data"].get("xvirt_domain_block_read_bytes", [])]')" \
    "[('counter', 'bytes')]"
is "an idle series for every physical CPU" \
    "$(promql 'count(xvirt_node_cpu_seconds_total{mode="idle"})')" "$(promql 'xvirt_node_cpus_max')"
is "the agent's process_start_time_seconds is one series" \
    "$(promql 'count(process_start_time_seconds{job="xvirt"})')" 1
cmp_num "process_resident_memory_bytes is above 1 MiB" \
    "$(promql 'process_resident_memory_bytes{job="xvirt"}')" '>' 1048576
cmp_num "process_open_fds is at most process_max_fds" \
    "$(promql 'process_max_fds{job="xvirt"} - process_open_fds{job="xvirt"}')" '>=' 0

unlike "Prometheus logged no error" "$TMP/prometheus.log" 'level=error'

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "the agent exits 0 on SIGTERM" "$EXIT_STATUS" 0

done_testing
