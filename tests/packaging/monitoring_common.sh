# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# monitoring_common.sh: shared by rules_test.sh and dashboard_test.sh,
# sourced after tests/agent/agent_common.sh: the alerts rendered from their
# template; the live agent on tests/data/packaging/node-monitoring.xml with
# restart, autopin and balloon policies (so that every family it can export
# shows up), the metric names it exports, the
# metric names a PromQL expression uses, and a real Prometheus scraping the
# agent with xvirt's rules loaded.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR (from meson);
# PROMETHEUS (default /usr/bin/prometheus).

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck disable=SC2034  # RULESDIR and PROMTOOL: for the scripts that source this
RULESDIR=$SRCDIR/packaging/prometheus
# shellcheck disable=SC2034
PROMTOOL=$(command -v promtool || true)
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
LOOP='domain="loop",uuid="e0000000-0000-4000-8000-000000000004"'
WEB01='domain="web01",uuid="e0000000-0000-4000-8000-000000000001"'

# need_tool NAME PATH: a TAP check that PATH is an executable; scripts/deps
# installs every tool these tests use, so a missing one is a failure.
need_tool() {
    if [ -n "$2" ] && [ -x "$2" ]; then
        ok "$1 is installed ($2)"
    else
        not_ok "$1 is installed" "not found: run scripts/deps (Debian package prometheus)"
        done_testing
    fi
}

# render_alerts SELECTOR URL: xvirt-alerts.yml.in with the job selector and
# the runbook URL put in, as meson's configure_file() does.
render_alerts() {
    python3 -c '
import sys
text = open(sys.argv[1]).read()
text = text.replace("@PROMETHEUS_JOB_SELECTOR@", sys.argv[2])
sys.stdout.write(text.replace("@PROMETHEUS_RUNBOOK_URL@", sys.argv[3]))' \
        "$RULESDIR/xvirt-alerts.yml.in" "$1" "$2"
}

# balloon_target_set: the live agent shows a balloon target for web01.
balloon_target_set() {
    [ -n "$(scrape_value "$APORT" "xvirt_policy_balloon_target_bytes{policy=\"balloon\",$WEB01}")" ]
}

# start_live_agent: starts the agent (port APORT) with a restart policy and
# dry-run autopin and balloon policies, waits until the restart policy has
# given up on "loop" and the balloon policy has set a target (web01's guest
# uses all its memory), and leaves a scrape in $TMP/live.prom and the
# sample names it holds, sorted, in $TMP/live.names.
start_live_agent() {
    APORT=$(free_port)
    write_config "$TMP/agent.yaml" "$APORT" \
        "test://$XV_TEST_DATADIR/packaging/node-monitoring.xml" \
        "sampling:" "  interval: 250ms" "state_dir: $TMP/state" "policies:" \
        "  - name: restart" "    type: restart" "    backoff: 100ms" \
        "    backoff_max: 100ms" "    burst: 1" "    burst_interval: 10m" \
        "  - name: autopin" "    type: autopin" "    dry_run: true" "    strategy: spread" \
        "  - name: balloon" "    type: balloon" "    dry_run: true" \
        "    low_watermark: 1GiB" "    high_watermark: 2GiB" "    step: 256MiB" \
        "    guest_free: 256MiB" "    min_memory: 1GiB" "    max_memory: 100%"
    start_agent agent --config "$TMP/agent.yaml"
    if ! wait_http "$APORT" /-/ready 200 15; then
        not_ok "the live agent is ready" "$AGENT_LOG"
        done_testing
    fi
    if ! wait_for 15 metric_is "$APORT" "xvirt_policy_restart_gave_up{$LOOP}" 1; then
        not_ok "the live agent's restart policy gave up on loop" "$AGENT_LOG"
        done_testing
    fi
    if ! wait_for 15 balloon_target_set; then
        not_ok "the live agent's balloon policy set a target for web01" "$AGENT_LOG"
        done_testing
    fi
    ok "the live agent is ready, its restart policy gave up on loop, its balloon set a target"
    scrape "$APORT" "$TMP/live.prom" >/dev/null
    grep -v '^#' "$TMP/live.prom" | sed -E 's/[{ ].*//' | sort -u >"$TMP/live.names"
}

# metric_names: reads PromQL expressions on stdin, one per line (a line
# may hold a whole expression); prints the metric names they select, sorted:
# xvirt_* names, the agent's process_* names, recorded names
# (instance:/job:xvirt_*) and "up". Strings are dropped first; label names
# never start with xvirt_ or process_ and no label here is called "up", so a
# word match is exact.
metric_names() {
    python3 -c '
import re, sys
name = re.compile(r"(?<![A-Za-z0-9_:])((?:instance|job):xvirt_[A-Za-z0-9_:]+|xvirt_[A-Za-z0-9_]+"
                  r"|process_[A-Za-z0-9_]+|up)"
                  r"(?![A-Za-z0-9_:(])")
found = set()
for line in sys.stdin:
    found.update(name.findall(re.sub(r"\"(?:[^\"\\]|\\.)*\"", "\"\"", line)))
for n in sorted(found):
    print(n)'
}

# start_prometheus RULE-FILE...: a real Prometheus (port PPORT) scraping the
# live agent every second as job "xvirt", evaluating RULE-FILEs every
# second; waits until up{job="xvirt"} is 1.
start_prometheus() {
    local f
    PPORT=$(free_port)
    {
        echo "global:"
        echo "  scrape_interval: 1s"
        echo "  scrape_timeout: 1s"
        echo "  evaluation_interval: 1s"
        echo "rule_files:"
        for f in "$@"; do
            echo "  - $f"
        done
        echo "scrape_configs:"
        echo "  - job_name: xvirt"
        echo "    static_configs:"
        echo "      - targets: ['127.0.0.1:$APORT']"
    } >"$TMP/prometheus.yml"
    "$PROMETHEUS" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
        --web.listen-address="127.0.0.1:$PPORT" </dev/null >"$TMP/prometheus.log" 2>&1 &
    HELPER_PIDS+=("$!")
    if ! wait_http "$PPORT" /-/ready 200 20; then
        not_ok "prometheus is ready" "$TMP/prometheus.log"
        done_testing
    fi
    # static targets reach the scrape manager after up to 5 s
    if ! wait_for 25 promql_is 'up{job="xvirt"}' 1; then
        not_ok "prometheus scrapes the live agent" "$(promql 'up{job="xvirt"}')" \
            "$TMP/prometheus.log"
        done_testing
    fi
    ok "prometheus is ready and scrapes the live agent"
}

# promql QUERY: runs the instant query; prints one line per series,
# "VALUE LABELS" (labels as Python dict, sorted), sorted; or "error: ...".
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
    sys.exit(print(f"error: {r.get('errorType')}: {r.get('error')}"))
d = r["data"]
if d["resultType"] != "vector":
    sys.exit(print(f"error: result type {d['resultType']}"))
for s in sorted(d["result"], key=lambda s: sorted(s["metric"].items())):
    print(s["value"][1], dict(sorted(s["metric"].items())))
EOF
}

# promql_is QUERY VALUE: the query gives one series, of value VALUE.
promql_is() {
    local out
    out=$(promql "$1")
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [ "${out%% *}" = "$2" ]
}

# promql_value QUERY: the value of the query's only series (else nothing).
promql_value() {
    local out
    out=$(promql "$1")
    [ -n "$out" ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && echo "${out%% *}"
}
