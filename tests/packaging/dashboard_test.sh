#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dashboard_test.sh: the Grafana dashboard packaging/grafana/xvirt-host.json,
# as TAP.
#
#   - valid JSON (python3 and jq); schemaVersion >= 36; uid and title;
#     template variables datasource (Prometheus), job, instance and domain;
#   - every panel and target uses the $datasource variable; refIds unique
#     per panel, panel ids unique; panels within the 24-column grid and not
#     overlapping;
#   - the panels the operators need are there (by the metrics they show);
#   - the panels of the policies: balloon (memory, targets, guest memory,
#     setmem actions) and autopin (pin actions, placement, affinity), each
#     action panel on an action the live agent counts;
#   - every metric an expression or variable query selects is one the live
#     agent exports (the agent on tests/data/packaging/node-monitoring.xml
#     with restart, autopin and balloon policies, which makes every family
#     show up);
#   - a real Prometheus scraping that agent evaluates every panel
#     expression, with the variables set to the live host, and each returns
#     at least one series; each variable query finds the live values.
# There is no Grafana in Debian 12 to render the dashboard itself.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR (from meson).

WATCHDOG=120
# shellcheck source=../agent/agent_common.sh
. "$(dirname "$0")/../agent/agent_common.sh"
# shellcheck source=monitoring_common.sh
. "$(dirname "$0")/monitoring_common.sh"

DASH=$SRCDIR/packaging/grafana/xvirt-host.json

need_tool prometheus "$PROMETHEUS"

# pycheck NAME PYTHON-SCRIPT: runs the script on the dashboard (argv[1]);
# ok if it exits 0, and what it prints is the diagnostic (or, on success,
# appended to the name).
pycheck() {
    local name=$1 out
    if out=$(python3 -c "$2" "$DASH" 2>&1); then
        ok "$name${out:+ ($out)}"
    else
        not_ok "$name" "$out"
    fi
}

# ---- the JSON ------------------------------------------------------------

if python3 -m json.tool "$DASH" >/dev/null 2>"$TMP/json.err"; then
    ok "xvirt-host.json is valid JSON (python3 -m json.tool)"
else
    not_ok "xvirt-host.json is valid JSON (python3 -m json.tool)" "$TMP/json.err"
    done_testing
fi
if jq -e . "$DASH" >/dev/null 2>"$TMP/jq.err"; then
    ok "jq reads it too"
else
    not_ok "jq reads it too" "$TMP/jq.err"
fi

pycheck "schemaVersion >= 36, a uid and a title" '
import json, sys
d = json.load(open(sys.argv[1]))
sv, uid, title = d.get("schemaVersion", 0), d.get("uid"), d.get("title")
if sv < 36 or not uid or not title:
    sys.exit(f"schemaVersion {sv}, uid {uid!r}, title {title!r}")
print(f"schemaVersion {sv}")'

pycheck "variables: datasource (Prometheus), job, instance and domain" '
import json, sys
v = {x["name"]: x for x in json.load(open(sys.argv[1]))["templating"]["list"]}
bad = []
if v.get("datasource", {}).get("type") != "datasource" or v["datasource"].get("query") != "prometheus":
    bad.append("no datasource variable of type prometheus")
for n in ("job", "instance", "domain"):
    if v.get(n, {}).get("type") != "query":
        bad.append(f"no query variable {n}")
    elif v[n]["datasource"].get("uid") != "${datasource}":
        bad.append(f"variable {n} does not query $datasource")
if v.get("domain", {}).get("includeAll") is not True:
    bad.append("domain has no All")
sys.exit("\n".join(bad) if bad else None)'

pycheck "every panel and target queries \$datasource; refIds and ids unique" '
import json, sys
d = json.load(open(sys.argv[1]))
bad, ids = [], set()
for p in d["panels"]:
    t, pid = p.get("title"), p["id"]
    if pid in ids:
        bad.append(f"{t}: duplicate id {pid}")
    ids.add(pid)
    if p["type"] == "row":
        continue
    if p.get("datasource", {}).get("uid") != "${datasource}":
        bad.append(f"{t}: panel datasource")
    refs = [x["refId"] for x in p["targets"]]
    if len(refs) != len(set(refs)) or not refs:
        bad.append(f"{t}: refIds {refs}")
    for x in p["targets"]:
        ref = x["refId"]
        if x.get("datasource", {}).get("uid") != "${datasource}" or not x.get("expr"):
            bad.append(f"{t}: target {ref}")
sys.exit("\n".join(bad) if bad else None)'

pycheck "panels fit the 24-column grid and do not overlap" '
import json, sys
cells, bad, n = {}, [], 0
for p in json.load(open(sys.argv[1]))["panels"]:
    g, t = p["gridPos"], p["title"]
    n += p["type"] != "row"
    if g["x"] < 0 or g["w"] < 1 or g["x"] + g["w"] > 24 or g["h"] < 1:
        bad.append(f"{t}: {g}")
    for x in range(g["x"], g["x"] + g["w"]):
        for y in range(g["y"], g["y"] + g["h"]):
            if (x, y) in cells:
                bad.append(f"{t} overlaps {cells[(x, y)]}")
            cells[(x, y)] = t
sys.exit("\n".join(sorted(set(bad))) if bad else None)
print(f"{n} panels")'

# ---- the expressions and their metrics ----------------------------------------

# every panel expression, one per line: "TITLE<TAB>REFID<TAB>EXPR"
python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["panels"]:
    for t in p.get("targets", []):
        print(p["title"], t["refId"], " ".join(t["expr"].split()), sep="\t")' "$DASH" \
    >"$TMP/exprs.tsv"
# every variable query: "NAME<TAB>QUERY"
python3 -c '
import json, sys
for v in json.load(open(sys.argv[1]))["templating"]["list"]:
    if v["type"] == "query":
        print(v["name"], v["query"], sep="\t")' "$DASH" >"$TMP/vars.tsv"

cut -f3 "$TMP/exprs.tsv" | metric_names >"$TMP/used.names"
cut -f2 "$TMP/vars.tsv" | metric_names >>"$TMP/used.names"
sort -u -o "$TMP/used.names" "$TMP/used.names"

# The panels operators need, by the metrics they show.
missing=
for m in up xvirt_hypervisor_up xvirt_domain_state xvirt_domain_cpu_seconds_total \
    xvirt_node_cpus xvirt_domain_memory_bytes xvirt_node_memory_bytes \
    xvirt_vcpu_cpu_seconds_total xvirt_sample_duration_seconds xvirt_snapshot_age_seconds \
    xvirt_sample_errors_total xvirt_policy_actions_total xvirt_policy_restart_gave_up \
    xvirt_config_last_reload_successful xvirt_domain_block_read_bytes_total \
    xvirt_domain_block_write_bytes_total xvirt_domain_block_read_requests_total \
    xvirt_domain_block_write_requests_total xvirt_domain_block_errors_total \
    xvirt_domain_interface_receive_bytes_total xvirt_domain_interface_transmit_bytes_total \
    xvirt_domain_interface_receive_drops_total xvirt_domain_interface_transmit_drops_total \
    xvirt_node_cpu_seconds_total process_cpu_seconds_total process_resident_memory_bytes \
    process_open_fds process_max_fds xvirt_policy_balloon_target_bytes \
    xvirt_domain_memory_unused_bytes xvirt_domain_memory_available_bytes \
    xvirt_node_memory_free_bytes xvirt_vcpu_cpu xvirt_vcpu_affinity_cpus; do
    grep -qx "$m" "$TMP/used.names" || missing="$missing $m"
done
is "the dashboard shows every metric an operator needs" "$missing" ""
is "no expression uses a recording rule (the dashboard works without them)" \
    "$(grep -E '^(instance|job):' "$TMP/used.names")" ""

start_live_agent
missing=$(grep -vx up "$TMP/used.names" | comm -23 - "$TMP/live.names")
is "every metric the dashboard selects ($(wc -l <"$TMP/used.names")) is exported by the live agent" \
    "$missing" ""

# Fixed label values the expressions match (action="pin", mode="idle"...):
# each one is on a series of the live agent, so no panel waits for a label
# value the agent never exports.
label_values_missing() {
    python3 -c '
import re, sys
live = open(sys.argv[2]).read()
missing = set()
for line in open(sys.argv[1]):
    expr = line.rstrip("\n").split("\t")[2]
    for label, value in re.findall(r"([a-z_]+)=\"([^\"$]*)\"", expr):
        if f"{label}=\"{value}\"" not in live:
            missing.add(f"{label}=\"{value}\"")
print(" ".join(sorted(missing)))' "$1" "$TMP/live.prom"
}
is "every fixed label value a panel matches is exported by the live agent" \
    "$(label_values_missing "$TMP/exprs.tsv")" ""
# The check is not vacuous: a value the agent never exports is caught.
printf 'T\tA\tincrease(xvirt_policy_actions_total{action="pins", result="ok"}[5m])\n' \
    >"$TMP/bad-exprs.tsv"
is "a label value the agent does not export would be caught" \
    "$(label_values_missing "$TMP/bad-exprs.tsv")" 'action="pins"'

# ---- every expression on a real Prometheus ---------------------------------------

start_prometheus
INSTANCE=127.0.0.1:$APORT

# expand EXPR: the expression with the variables of the live host; ranges
# of 1m hold a few samples at the 1 s scrape interval.
expand() {
    local e=$1
    e=${e//\$job/xvirt}
    e=${e//\$instance/$INSTANCE}
    e=${e//\$domain/.*}
    e=${e//\$__rate_interval/1m}
    e=${e//\$__interval/15s}
    printf '%s\n' "$e"
}

# Every counter needs two scrapes for rate() and increase().
wait_for 15 eval '[ -n "$(promql "rate(xvirt_scrapes_total{instance=\"$INSTANCE\"}[1m])")" ]'
nexprs=0
while IFS=$'\t' read -r title ref expr; do
    nexprs=$((nexprs + 1))
    q=$(expand "$expr")
    if [[ $q == *'$'* ]]; then
        not_ok "$title ($ref): every variable is known" "$q"
        continue
    fi
    out=$(promql "$q")
    if [[ $out == error:* ]]; then
        not_ok "$title ($ref): prometheus evaluates it" "$q" "$out"
    elif [ -z "$out" ]; then
        not_ok "$title ($ref): returns at least one series" "$q"
    else
        ok "$title ($ref): $(printf '%s\n' "$out" | wc -l) series"
    fi
done <"$TMP/exprs.tsv"
cmp_num "every panel has an expression evaluated ($nexprs)" "$nexprs" '>=' 20

# Variable queries: label_values(SELECTOR, LABEL) is the label's values
# among the series SELECTOR selects.
declare -A want=([job]=xvirt [instance]=$INSTANCE [domain]='loop web01')
while IFS=$'\t' read -r name query; do
    if [[ ! $query =~ ^label_values\((.*),\ *([a-z_]+)\)$ ]]; then
        not_ok "variable $name: a label_values() query" "$query"
        continue
    fi
    sel=$(expand "${BASH_REMATCH[1]}")
    label=${BASH_REMATCH[2]}
    got=$(promql "count by ($label) ($sel)" |
        sed -nE "s/.*'$label': '([^']*)'.*/\\1/p" | tr '\n' ' ')
    all=true
    for v in ${want[$name]}; do
        [[ " $got" == *" $v "* ]] || all=false
    done
    if $all && [ -n "$got" ]; then
        ok "variable $name finds ${want[$name]} (got: ${got% })"
    else
        not_ok "variable $name finds ${want[$name]}" "query: $query" "got: $got"
    fi
done <"$TMP/vars.tsv"

unlike "prometheus logged no error" "$TMP/prometheus.log" 'level=error'

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "the live agent exits 0 on SIGTERM" "$EXIT_STATUS" 0

done_testing
