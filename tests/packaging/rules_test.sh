#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# rules_test.sh: xvirt's Prometheus rules (packaging/prometheus/), as TAP.
#
#   - xvirt-alerts.yml.in rendered with the default job selector and a test
#     runbook URL (as meson renders it, into $TMP): promtool check rules
#     accepts it and xvirt-recording.yml, and promtool test rules passes
#     their unit tests (packaging/prometheus/tests/); a unit test with a
#     wrong expectation fails, so the runner can fail;
#   - the build's xvirt-alerts.yml is the template rendered with the build's
#     options (prometheus_job_selector, prometheus_runbook_url); another
#     selector lands in both alerts on `up` and nowhere else;
#   - the unit tests cover every alert both firing and not firing, and every
#     recorded series (each state of the state counts); each alert's `for:`
#     is exercised (set to 0s, or doubled, it fails a case: rules_check.py);
#   - conventions: alerts carry severity warning|critical, a summary, a
#     description, a `for:` and a runbook_url whose section exists in
#     runbooks.md (the check fails on copies lacking one of them); recorded
#     names read level:metric:operations;
#   - every metric the rules read is one the live agent exports (the agent on
#     tests/data/packaging/node-monitoring.xml with restart, autopin and
#     balloon policies, which makes every family show up), every recorded
#     name read is recorded;
#   - a real Prometheus scraping that agent loads both files, evaluates
#     every rule without error, records the expected values of that host,
#     holds XvirtRestartGaveUp and XvirtDomainCrashed pending (their 1m and
#     2m have not passed) and nothing else.
# promtool and prometheus come from Debian's prometheus package (scripts/deps);
# a missing one is a failure.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR, XV_TEST_BUILDDIR
# (from meson).

WATCHDOG=200
# shellcheck source=../agent/agent_common.sh
. "$(dirname "$0")/../agent/agent_common.sh"
# shellcheck source=monitoring_common.sh
. "$(dirname "$0")/monitoring_common.sh"

CHECK=$(dirname "$0")/rules_check.py
RUNBOOKS=$RULESDIR/runbooks.md
TEST_URL=https://runbooks.example/xvirt/runbooks.md
RECORDING=$RULESDIR/xvirt-recording.yml
# The unit tests expect ../xvirt-alerts.yml: the rendered rules and copies
# of the tests, side by side in $TMP/prometheus.
mkdir -p "$TMP/prometheus/tests"
ALERTS=$TMP/prometheus/xvirt-alerts.yml
render_alerts 'job="xvirt"' "$TEST_URL" >"$ALERTS"
cp "$RECORDING" "$TMP/prometheus/"
cp "$RULESDIR"/tests/*.yml "$TMP/prometheus/tests/"
ALERTS_TEST=$TMP/prometheus/tests/xvirt-alerts_test.yml
RECORDING_TEST=$TMP/prometheus/tests/xvirt-recording_test.yml

need_tool promtool "$PROMTOOL"
need_tool prometheus "$PROMETHEUS"

# pycheck NAME PYTHON-SCRIPT ARGS...: ok if the script exits 0; what it
# prints is the diagnostic (or, on success, appended to the name).
pycheck() {
    local name=$1 script=$2 out
    shift 2
    if out=$(python3 -c "$script" "$@" 2>&1); then
        ok "$name${out:+ ($out)}"
    else
        not_ok "$name" "$out"
    fi
}

# ---- promtool ------------------------------------------------------------------

for f in "$ALERTS" "$RECORDING"; do
    if "$PROMTOOL" check rules "$f" >"$TMP/check.out" 2>&1; then
        ok "promtool check rules $(basename "$f") ($(grep -o '[0-9]* rules found' "$TMP/check.out"))"
    else
        not_ok "promtool check rules $(basename "$f")" "$TMP/check.out"
    fi
done
for f in "$ALERTS_TEST" "$RECORDING_TEST"; do
    if "$PROMTOOL" test rules "$f" >"$TMP/unit.out" 2>&1; then
        ok "promtool test rules $(basename "$f")"
    else
        not_ok "promtool test rules $(basename "$f")" "$TMP/unit.out"
    fi
done

# break_test NAME TEST-FILE SED-EXPR: a copy of TEST-FILE (rule_files made
# absolute) with one expectation changed by SED-EXPR must fail.
break_test() {
    local name=$1 file=$2 expr=$3
    sed -e "s|\.\./xvirt-|$TMP/prometheus/xvirt-|" -e "$expr" "$file" >"$TMP/broken_test.yml"
    if cmp -s "$file" "$TMP/broken_test.yml"; then
        not_ok "$name" "the sed expression changed nothing: $expr"
    elif "$PROMTOOL" test rules "$TMP/broken_test.yml" >"$TMP/broken.out" 2>&1; then
        not_ok "$name" "promtool test rules passed a wrong expectation"
    elif grep -q FAILED "$TMP/broken.out"; then
        ok "$name"
    else
        not_ok "$name" "promtool failed for another reason:" "$TMP/broken.out"
    fi
}
break_test "a wrong annotation fails the alert unit tests" "$ALERTS_TEST" 's/is 7m 10s old/is 7m 11s old/'
break_test "a wrong value fails the recording unit tests" "$RECORDING_TEST" 's/value: 0\.6875}/value: 0.6876}/'

# ---- the template, as the build renders it ------------------------------------

# build_option NAME: the value of a build option of $XV_TEST_BUILDDIR.
build_option() {
    meson introspect --buildoptions "$XV_TEST_BUILDDIR" | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
built=$XV_TEST_BUILDDIR/packaging/xvirt-alerts.yml
selector=$(build_option prometheus_job_selector)
url=$(build_option prometheus_runbook_url)
if [ -z "$url" ]; then
    url=file://$(build_option prefix)/$(build_option datadir)/doc/xvirt-agent/runbooks.md
fi
render_alerts "$selector" "$url" >"$TMP/expected-alerts.yml"
if cmp -s "$built" "$TMP/expected-alerts.yml"; then
    ok "the build's xvirt-alerts.yml is the template with selector $selector, runbooks at $url"
else
    not_ok "the build's xvirt-alerts.yml is the template with the build's options" \
        "$(diff -u "$TMP/expected-alerts.yml" "$built" 2>&1)"
fi
# Another selector: in the two alerts on `up`, and no job matcher left anywhere.
render_alerts 'job=~"xen-.*",env="prod"' "$TEST_URL" >"$TMP/other-alerts.yml"
if "$PROMTOOL" check rules "$TMP/other-alerts.yml" >"$TMP/check.out" 2>&1; then
    ok "promtool check rules accepts the alerts with another job selector"
else
    not_ok "promtool check rules accepts the alerts with another job selector" "$TMP/check.out"
fi
is "another selector: the alerts on up use it" "$(python3 -c '
import sys, yaml
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        if "up{" in r["expr"]:
            print(r["alert"], r["expr"])' "$TMP/other-alerts.yml")" \
    'XvirtAgentDown up{job=~"xen-.*",env="prod"} == 0
XvirtAgentAbsent absent(up{job=~"xen-.*",env="prod"})'
grep -v '^ *#' "$TMP/other-alerts.yml" >"$TMP/other-alerts.rules"
unlike "another selector: no job=\"xvirt\" left in its rules" "$TMP/other-alerts.rules" 'job="xvirt"'

# ---- the example Prometheus configurations ---------------------------------

EXAMPLES=$RULESDIR/examples
# file_sd: the rule files and the targets glob moved into $TMP.
mkdir -p "$TMP/targets"
sed -e "s|/usr/share/xvirt/prometheus/|$TMP/prometheus/|" \
    -e "s|/etc/prometheus/targets/|$TMP/targets/|" \
    "$EXAMPLES/prometheus-file-sd.yml" >"$TMP/prometheus-file-sd.yml"
cp "$EXAMPLES/xvirt-targets.yml" "$TMP/targets/xvirt-dc1.yml"
if "$PROMTOOL" check config "$TMP/prometheus-file-sd.yml" >"$TMP/config.out" 2>&1; then
    ok "promtool check config: prometheus-file-sd.yml with xvirt-targets.yml and both rule files"
else
    not_ok "promtool check config: prometheus-file-sd.yml" "$TMP/config.out"
fi
like "the check read both rule files" "$TMP/config.out" 'SUCCESS: 2 rule files found'
# The targets files are checked too: a malformed one fails the check.
printf -- '- targets: xen04.example.org:10077\n' >"$TMP/targets/xvirt-bad.yml"
if "$PROMTOOL" check config "$TMP/prometheus-file-sd.yml" >"$TMP/config.out" 2>&1; then
    not_ok "a malformed targets file fails promtool check config" "$TMP/config.out"
else
    like "a malformed targets file fails promtool check config" "$TMP/config.out" \
        'checking SD file .*xvirt-\*\.yml'
fi
rm -f "$TMP/targets/xvirt-bad.yml"
if "$PROMTOOL" check config "$EXAMPLES/prometheus-federate.yml" >"$TMP/config.out" 2>&1; then
    ok "promtool check config: prometheus-federate.yml"
else
    not_ok "promtool check config: prometheus-federate.yml" "$TMP/config.out"
fi

# ---- coverage and conventions ----------------------------------------------

pycheck "every alert is tested firing and not firing" '
import sys, yaml
alerts = [r["alert"] for g in yaml.safe_load(open(sys.argv[1]))["groups"]
          for r in g["rules"] if "alert" in r]
fires, quiet = set(), set()
for t in yaml.safe_load(open(sys.argv[2]))["tests"]:
    for a in t.get("alert_rule_test", []):
        (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
bad = [f"{a}: no firing case" for a in alerts if a not in fires]
bad += [f"{a}: no case where it does not fire" for a in alerts if a not in quiet]
bad += [f"{a}: tested but not in the rules" for a in (fires | quiet) - set(alerts)]
if bad:
    sys.exit("\n".join(bad))
print(f"{len(alerts)} alerts")' "$ALERTS" "$ALERTS_TEST"

pycheck "every recorded series is tested with samples" '
import re, sys, yaml
want = set()
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        if "record" in r:
            want.add(r["record"])
            if "state" in r.get("labels", {}):
                want.add(r["record"] + "{state=" + r["labels"]["state"] + "}")
got = set()
for t in yaml.safe_load(open(sys.argv[2]))["tests"]:
    for e in t.get("promql_expr_test", []):
        for s in e.get("exp_samples", []):
            name = re.match(r"[a-zA-Z0-9_:]+", s["labels"]).group(0)
            got.add(name)
            st = re.search(r"state=\"([a-z]+)\"", s["labels"])
            if st:
                got.add(name + "{state=" + st.group(1) + "}")
if want - got:
    sys.exit("not tested: " + ", ".join(sorted(want - got)))
print(f"{len(want)} series")' "$RECORDING" "$RECORDING_TEST"

pycheck "alerts have severity warning|critical, a summary and a description" '
import sys, yaml
bad = []
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        name = r["alert"]
        if r.get("labels", {}).get("severity") not in ("warning", "critical"):
            bad.append(f"{name}: severity")
        for a in ("summary", "description"):
            if not r.get("annotations", {}).get(a):
                bad.append(f"{name}: no {a}")
sys.exit("\n".join(bad) if bad else None)' "$ALERTS"

# rules_conventions NAME FILE: rules_check.py conventions on FILE.
rules_conventions() {
    local out
    if out=$(python3 "$CHECK" conventions "$2" "$RUNBOOKS" "$TEST_URL" 2>&1); then
        ok "$1"
    else
        not_ok "$1" "$out"
    fi
}
rules_conventions "every alert has a for: and a runbook_url to a section of runbooks.md" \
    "$ALERTS"
# The check fails without a for:, a runbook_url or its section.
sed '0,/^        for: .*/{/^        for: /d}' "$ALERTS" >"$TMP/no-for.yml"
sed '0,/runbook_url: .*/{/runbook_url: /d}' "$ALERTS" >"$TMP/no-url.yml"
sed 's/#xvirtsamplesstale"/#xvirtsamplestale"/' "$ALERTS" >"$TMP/no-section.yml"
for broken in no-for:XvirtAgentDown:no\ for: no-url:XvirtAgentDown:no\ runbook_url \
    no-section:XvirtSamplesStale:no\ section; do
    IFS=: read -r file alert why <<<"$broken"
    is "an alert with $why is caught" \
        "$(python3 "$CHECK" conventions "$TMP/$file.yml" "$RUNBOOKS" "$TEST_URL" |
            grep -c "^$alert: .*$why")" 1
done
printf '\n## XvirtNoSuchAlert\n' | cat "$RUNBOOKS" - >"$TMP/runbooks-extra.md"
is "a runbook section for no alert is caught" \
    "$(python3 "$CHECK" conventions "$ALERTS" "$TMP/runbooks-extra.md" "$TEST_URL")" \
    "runbooks-extra.md: section XvirtNoSuchAlert is no alert"

if out=$(python3 "$CHECK" for-timing "$ALERTS" "$ALERTS_TEST" 2>&1); then
    ok "each alert's for: is exercised: set to 0s or doubled, it fails a unit test case"
else
    not_ok "each alert's for: is exercised by the unit tests" "$out"
fi
is "for-timing left the rules as they were" \
    "$(render_alerts 'job="xvirt"' "$TEST_URL" | cmp - "$ALERTS" && echo same)" same

pycheck "recorded names read level:metric:operations" '
import re, sys, yaml
bad = [r["record"] for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"]
       if not re.fullmatch(r"(instance|job):xvirt_[a-z0-9_]+:[a-z0-9_]+", r["record"])]
sys.exit("bad names: " + ", ".join(bad) if bad else None)' "$RECORDING"

# ---- the metrics exist ------------------------------------------------------------

start_live_agent
python3 -c '
import sys, yaml
for f in sys.argv[1:]:
    for g in yaml.safe_load(open(f))["groups"]:
        for r in g["rules"]:
            print(" ".join(r["expr"].split()))' "$ALERTS" "$RECORDING" | metric_names >"$TMP/used.names"
python3 -c '
import sys, yaml
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        print(r["record"])' "$RECORDING" | sort -u >"$TMP/recorded.names"
grep -E '^(xvirt|process)_' "$TMP/used.names" >"$TMP/used.raw"
grep -E '^(instance|job):' "$TMP/used.names" >"$TMP/used.recorded"
cmp_num "the rules read $(wc -l <"$TMP/used.raw") metrics of the agent" \
    "$(wc -l <"$TMP/used.raw")" '>=' 10
missing=$(comm -23 "$TMP/used.raw" "$TMP/live.names")
is "every metric the rules read is exported by the live agent" "$missing" ""
# The check is not vacuous: a family under another name is caught.
is "a metric the agent does not export would be caught" \
    "$(echo 'rate(xvirt_domain_block_errors[5m]) + process_open_fd' | metric_names |
        comm -23 - "$TMP/live.names" | tr '\n' ' ')" "process_open_fd xvirt_domain_block_errors "
missing=$(comm -23 "$TMP/used.recorded" "$TMP/recorded.names")
is "every recorded name the rules read is recorded" "$missing" ""

# ---- a real Prometheus ---------------------------------------------------------------

start_prometheus "$ALERTS" "$RECORDING"

# rules_health: "N ok" when every rule was evaluated without error, else
# the rules that are not (yet) ok.
rules_health() {
    curl -s --max-time 5 "http://127.0.0.1:$PPORT/api/v1/rules" >"$TMP/rules.json"
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
rules = [x for g in r["data"]["groups"] for x in g["rules"]]
bad = [" ".join((x["name"] + ":", x["health"], x.get("lastError", ""))) for x in rules
       if x["health"] != "ok"]
print("\n".join(bad) if bad else f"{len(rules)} ok")' "$TMP/rules.json" 2>&1
}
health_ok() {
    rules_health | grep -qE '^[0-9]+ ok$'
}
nrules=$(($("$PROMTOOL" check rules "$ALERTS" | grep -o '[0-9]* rules' | cut -d' ' -f1) +
    $("$PROMTOOL" check rules "$RECORDING" | grep -o '[0-9]* rules' | cut -d' ' -f1)))
wait_for 20 health_ok
is "prometheus evaluates all $nrules rules without error" "$(rules_health)" "$nrules ok"

# Recorded values on the live host (node-monitoring.xml): 8 CPUs, 16 GiB;
# web01 running (2 vcpus at 0.5: 1 CPU, 2 GiB), db01 paused (4 GiB),
# build01 shut off, loop crashed (1 GiB): 7 of 16 GiB committed.
until_recorded() {
    [ -n "$(promql_value 'instance:xvirt_cpu_utilization:ratio_rate5m')" ] &&
        [ -n "$(promql_value 'job:xvirt_cpu_utilization:ratio_rate5m')" ]
}
wait_for 20 until_recorded
for st in running:1 paused:1 shutoff:1 crashed:1 blocked:0 shutdown:0 nostate:0; do
    is "instance:xvirt_domain_state:count{state=\"${st%:*}\"} is ${st#*:}" \
        "$(promql_value "instance:xvirt_domain_state:count{state=\"${st%:*}\"}")" "${st#*:}"
done
is "job:xvirt_domain_state:count{state=\"crashed\"} is 1" \
    "$(promql_value 'job:xvirt_domain_state:count{state="crashed"}')" 1
is "instance:xvirt_domain_memory_bytes:sum is 7 GiB" \
    "$(promql_value 'instance:xvirt_domain_memory_bytes:sum')" 7516192768
is "instance:xvirt_memory_committed:ratio is 7/16" \
    "$(promql_value 'instance:xvirt_memory_committed:ratio')" 0.4375
is "job:xvirt_memory_committed:ratio is 7/16" \
    "$(promql_value 'job:xvirt_memory_committed:ratio')" 0.4375
is "job:xvirt_node_cpus:sum is 8" "$(promql_value 'job:xvirt_node_cpus:sum')" 8
is "job:xvirt_hypervisor_up:sum and :count are 1" \
    "$(promql_value 'job:xvirt_hypervisor_up:sum') $(promql_value 'job:xvirt_hypervisor_up:count')" \
    "1 1"
# rate() over a series younger than its 5m window reads low (it divides by
# the whole window), so the CPU values are checked for what they must be at
# one evaluation: positive, and consistent across the rules of the group
# (promtool checked the steady values).
r=$(promql_value 'instance:xvirt_domain_cpu_seconds:rate5m')
cmp_num "instance:xvirt_domain_cpu_seconds:rate5m is positive (got $r)" "$r" '>' 0
is "instance:xvirt_cpu_utilization:ratio_rate5m is that over 8 CPUs" \
    "$(promql_value 'round(1e9 * (8 * instance:xvirt_cpu_utilization:ratio_rate5m
        - instance:xvirt_domain_cpu_seconds:rate5m))')" 0
is "job:xvirt_domain_cpu_seconds:rate5m is the one host's" \
    "$(promql_value 'round(1e9 * (job:xvirt_domain_cpu_seconds:rate5m
        - on (job) instance:xvirt_domain_cpu_seconds:rate5m))')" 0
is "job:xvirt_cpu_utilization:ratio_rate5m is the one host's" \
    "$(promql_value 'round(1e9 * (job:xvirt_cpu_utilization:ratio_rate5m
        - on (job) instance:xvirt_cpu_utilization:ratio_rate5m))')" 0

# alert_states: "NAME STATE" per active alert, sorted. The series here are
# seconds old: XvirtPhysicalCpuSaturated must not go pending on pCPUs that
# the node has at most half busy (with rate() over 5m it did).
alert_states() {
    curl -s --max-time 5 "http://127.0.0.1:$PPORT/api/v1/alerts" >"$TMP/alerts.json"
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for a in sorted(r["data"]["alerts"], key=lambda a: a["labels"]["alertname"]):
    print(a["labels"]["alertname"], a["labels"].get("domain", "-"), a["state"])' \
        "$TMP/alerts.json" 2>&1
}
expected_alerts='XvirtDomainCrashed loop pending
XvirtRestartGaveUp loop pending'
wait_for 10 eval '[ "$(alert_states)" = "$expected_alerts" ]'
is "live alerts: XvirtRestartGaveUp and XvirtDomainCrashed pending, no other" \
    "$(alert_states)" "$expected_alerts"

unlike "prometheus logged no error" "$TMP/prometheus.log" 'level=error'

# ---- federation: prometheus-federate.yml pulls the recorded series ---------------

FPORT=$(free_port)
sed -e "s|prometheus-dc1.example.org:9090|127.0.0.1:$PPORT|" -e '/prometheus-dc2/d' \
    -e 's/\(scrape_interval\|evaluation_interval\): 1m/\1: 1s/' \
    -e 's/scrape_timeout: 30s/scrape_timeout: 1s/' \
    "$RULESDIR/examples/prometheus-federate.yml" >"$TMP/federate.yml"
"$PROMETHEUS" --config.file="$TMP/federate.yml" --storage.tsdb.path="$TMP/tsdb-global" \
    --web.listen-address="127.0.0.1:$FPORT" </dev/null >"$TMP/federate.log" 2>&1 &
HELPER_PIDS+=("$!")
# federated QUERY: promql on the federating Prometheus
federated() {
    PPORT=$FPORT promql "$1"
}
if wait_http "$FPORT" /-/ready 200 20 &&
    wait_for 25 eval '[ -n "$(federated "job:xvirt_node_cpus:sum")" ]'; then
    ok "a Prometheus configured by prometheus-federate.yml federates the host's recorded series"
else
    not_ok "a Prometheus configured by prometheus-federate.yml federates the host's recorded series" \
        "$TMP/federate.log"
fi
is "federated: job:xvirt_node_cpus:sum{job=\"xvirt\"} is 8 (the leaf's labels kept)" \
    "$(federated 'job:xvirt_node_cpus:sum{job="xvirt"}' | cut -d' ' -f1)" 8
is "federated: instance:xvirt_domain_state:count{state=\"crashed\"} is 1" \
    "$(federated "instance:xvirt_domain_state:count{state=\"crashed\",instance=\"127.0.0.1:$APORT\"}" |
        cut -d' ' -f1)" 1
is "federated: no raw xvirt_ series" "$(federated '{__name__=~"xvirt_.*"}')" ""

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "the live agent exits 0 on SIGTERM" "$EXIT_STATUS" 0

done_testing
