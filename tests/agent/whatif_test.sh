#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# whatif_test.sh: xvirt-agent --what-if, as TAP. The shipped example
# policies (config/policies, dry_run switched off) run for 30 simulated
# minutes on a small host (data/agent/whatif/node.xml) with a crash, a load
# change and an 8 GiB memory squeeze scripted (whatif/events.xml).
#
# 1. the what-if's timeline is exactly what the live agent does: both run on
#    the node with the events in the node file, each through a journal of
#    its own; the live agent on the stepped clock (xvtestclock), the
#    what-if on its own. Their journals hold the same write calls
#    (create, destroy, pin, setmem) at the same simulated times, and the
#    JSON timeline lists the same actions
# 2. the same events given as an events file (--events) give the same
#    timeline; the text output has the timeline and the summary
# 3. a crash loop: the restart policy gives up, the exit status says so
# 4. wrong input: exit status 2 and a precise message
# Nothing here sleeps on a clock: the live agent is stepped, the what-if
# steps itself.
WATCHDOG=240
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XVTESTCLOCK:?XVTESTCLOCK must name the xvtestclock binary}"
: "${XV_TEST_SRCDIR:?XV_TEST_SRCDIR must name the source tree}"
WDATA=$DATA/whatif
RUN_FOR=30m

# The shipped policies, made live (the what-if makes dry runs act; the live
# agent must do the same for the two to be compared).
mkdir -p "$TMP/policies"
for f in "$XV_TEST_SRCDIR"/config/policies/*.yaml; do
    sed 's/dry_run: true/dry_run: false/' "$f" >"$TMP/policies/${f##*/}"
done

# with_events OUT: node.xml with the events of events.xml inside it (their
# at= counts from 0, where the node's frozen clock starts).
with_events() {
    {
        sed -n '1,/<!-- EVENTS -->/p' "$WDATA/node.xml"
        echo '  <xvirt:events>'
        grep '<xvirt:[a-z-]* ' "$WDATA/events.xml" | grep -v '<xvirt:events'
        echo '  </xvirt:events>'
        sed -n '/<!-- EVENTS -->/,$p' "$WDATA/node.xml" | tail -n +2
    } >"$1"
}
with_events "$TMP/node-events.xml"

# config FILE URI [LINES...]: an agent configuration for URI, sampling every
# 5 s without the event listener (a stepped live agent takes its event
# samples when the test's steps end; the what-if at the event's own time).
config() {
    local file=$1 uri=$2
    shift 2
    write_config "$file" "$(free_port)" "$uri" "sampling:" "  interval: 5s" \
        "  events: false" "state_dir: $TMP/state-${file##*/}" \
        "policies_dir: $TMP/policies" "$@"
}

# writes JOURNAL: the policies' write calls of a journal, "NS CALL UUID NUM DOC".
writes() {
    awk '$2 ~ /^virDomain(Create|CreateLinux|Destroy|PinVcpu|SetMemory)$/' "$1"
}

# actions JSON: the actions of a what-if's JSON timeline, one per line.
actions() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["timeline"]:
    if e["kind"] == "action":
        print("%.3f %s %s %s %s %s %s -> %s" % (e["t"], e["policy"], e["domain"], e["action"],
              e["vcpu"], e["result"], e["before"], e["after"]))
' "$1"
}

# json_field JSON EXPR: a Python expression over the document d.
json_field() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$1" "$2"
}

# ---- 1. the what-if against the live agent ------------------------------------

WURI="test://$TMP/node-events.xml?journal=$TMP/journal-whatif"
config "$TMP/whatif.yaml" "$WURI"
"$XVIRT_AGENT" --what-if --config "$TMP/whatif.yaml" --for "$RUN_FOR" --output json \
    >"$TMP/whatif.json" 2>"$TMP/whatif.err"
is "what-if on a shared copy: exit status 0" "$?" 0
diag_file "$TMP/whatif.err"
check "its output is one JSON document" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
    "$TMP/whatif.json"

LURI="test://$TMP/node-events.xml?journal=$TMP/journal-live"
config "$TMP/live.yaml" "$LURI"
if ! start_stepped_agent live "$LURI" --config "$TMP/live.yaml"; then
    not_ok "the live agent starts" "$(cat "$AGENT_LOG")"
    done_testing
fi
step "$RUN_FOR"
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 20
is "the live agent ran $RUN_FOR and stopped" "$EXIT_STATUS" 0

writes "$TMP/journal-whatif" >"$TMP/writes-whatif"
writes "$TMP/journal-live" >"$TMP/writes-live"
for call in Create Destroy PinVcpu SetMemory; do
    n=$(grep -c " virDomain$call " "$TMP/writes-live")
    cmp_num "the live agent made virDomain$call calls" "$n" -gt 0
done
if cmp -s "$TMP/writes-whatif" "$TMP/writes-live"; then
    ok "the what-if made the live agent's write calls, at the same times ($(wc -l <"$TMP/writes-live"))"
else
    not_ok "the what-if made the live agent's write calls, at the same times" \
        "$(diff "$TMP/writes-live" "$TMP/writes-whatif" | head -20)"
fi

# the timeline says what the journal shows
n_pin=$(grep -c ' virDomainPinVcpu ' "$TMP/writes-live")
n_mem=$(grep -c ' virDomainSetMemory ' "$TMP/writes-live")
actions "$TMP/whatif.json" >"$TMP/actions-whatif"
is "the timeline lists every pin" "$(grep -c ' pin [0-9]* ok ' "$TMP/actions-whatif")" "$n_pin"
is "the timeline lists every setmem" "$(grep -c ' setmem None ok ' "$TMP/actions-whatif")" "$n_mem"
like "db01's crash is restarted at 00:10:00" "$TMP/actions-whatif" \
    '^600\.000 restart-crashed db01 restart None ok crashed\(id 3\) -> running'
like "the squeeze at 00:20 makes the balloon policy act at once" "$TMP/actions-whatif" \
    '^1200\.000 balloon [a-z0-9]+ setmem None ok '
is "the crash is in the timeline as an event" \
    "$(json_field "$TMP/whatif.json" \
        '[(e["t"], e["event"], e["detail"]) for e in d["timeline"] if e["kind"] == "event"][0]')" \
    "(600.0, 'Crashed', 'Panicked')"
is "361 samples: every 5 s, both ends included" "$(json_field "$TMP/whatif.json" 'd["samples"]')" 361
is "exit_status 0 in the document" "$(json_field "$TMP/whatif.json" 'd["exit_status"]')" 0
is "the squeeze shows in the free memory" \
    "$(json_field "$TMP/whatif.json" 'd["free_memory"]["min_at"] >= 1200')" True

# ---- 2. the events from a file ------------------------------------------------------

config "$TMP/file.yaml" "test://$WDATA/node.xml"
"$XVIRT_AGENT" --what-if --config "$TMP/file.yaml" --for "$RUN_FOR" --output json \
    --events "$WDATA/events.xml" >"$TMP/file.json" 2>"$TMP/file.err"
is "what-if with --events: exit status 0" "$?" 0
actions "$TMP/file.json" >"$TMP/actions-file"
if cmp -s "$TMP/actions-whatif" "$TMP/actions-file"; then
    ok "--events gives the timeline of the same events in the node file"
else
    not_ok "--events gives the timeline of the same events in the node file" \
        "$(diff "$TMP/actions-whatif" "$TMP/actions-file" | head -20)"
fi
"$XVIRT_AGENT" --what-if --config "$TMP/file.yaml" --for "$RUN_FOR" \
    --events "$WDATA/events.xml" >"$TMP/file.txt" 2>&1
like "text: the header" "$TMP/file.txt" '^What-if on test://.*: 4 policies, 30m of simulated time, a sample every 5s; 361 samples'
like "text: the restart in the timeline" "$TMP/file.txt" \
    '^  00:10:00\.000  restart-crashed  db01 +restart ok: crashed\(id 3\) -> running\(id 5\) \(crashed\)$'
like "text: the crash event" "$TMP/file.txt" '^  00:10:00\.000  \(event\) +db01 +Crashed Panicked$'
like "text: actions per policy" "$TMP/file.txt" '^    restart-crashed \(restart\): 1 restart ok$'
like "text: the restarts" "$TMP/file.txt" '^  Restarts: db01 at 00:10:00\.000;$'
like "text: nothing gave up" "$TMP/file.txt" '^  Gave up or failed: none$'
like "text: memory per domain" "$TMP/file.txt" '^    batch01 +1048576 -> [0-9]+ \([0-9]+\.\.1048576\)$'
like "text: the placement" "$TMP/file.txt" '^    pCPU 2 +1: batch01/0$'

# ---- 3. a crash loop ------------------------------------------------------------------

{
    echo '<xvirt:events xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">'
    for m in 1 2 3 4 5 6 7 8 9; do
        echo "  <xvirt:crash at='00:0$m' domain='db01'/>"
    done
    echo '</xvirt:events>'
} >"$TMP/crashloop.xml"
"$XVIRT_AGENT" --what-if --config "$TMP/file.yaml" --for 15m --output json \
    --events "$TMP/crashloop.xml" >"$TMP/loop.json" 2>"$TMP/loop.err"
is "a policy gave up: exit status 1" "$?" 1
is "... and the document says so" "$(json_field "$TMP/loop.json" 'd["exit_status"]')" 1
is "the restart policy gave up on db01 after its burst of 5" \
    "$(json_field "$TMP/loop.json" \
        '[(e["domain"], e["result"]) for e in d["timeline"] if e["kind"] == "action" and e["action"] == "restart" and e["result"] != "ok"][:1]')" \
    "[('db01', 'gave_up')]"
is "5 restarts before that" \
    "$(json_field "$TMP/loop.json" 'd["policies"][3]["actions"].get("restart/ok")')" 5
is "the crash met during the back-off is in the timeline, with when the next attempt comes" \
    "$(json_field "$TMP/loop.json" \
        '[(e["t"], e["domain"], e["until"]) for e in d["timeline"] if e["kind"] == "wait"]')" \
    "[(360.0, 'db01', 380.0)]"
is "... and the give-up comes then" \
    "$(json_field "$TMP/loop.json" \
        '[e["t"] for e in d["timeline"] if e["kind"] == "action" and e["result"] == "gave_up"]')" \
    "[380.0]"
is "the simulated run's own log lines stay out of stderr (its give-up at error level too)" \
    "$(cat "$TMP/loop.err")" ""

# ---- 4. wrong input ----------------------------------------------------------------------

# expect_usage NAME REGEX ARGS...: exit status 2 and REGEX on stderr.
expect_usage() {
    local name=$1 regex=$2
    shift 2
    "$XVIRT_AGENT" "$@" >"$TMP/usage.out" 2>"$TMP/usage.err"
    is "$name: exit status 2" "$?" 2
    like "$name: says why" "$TMP/usage.err" "$regex"
}
expect_usage "--what-if without --for" '--what-if: needs --for' --what-if --config "$TMP/file.yaml"
expect_usage "--for alone" '--for: only goes with --what-if' --for 1h --config "$TMP/file.yaml"
expect_usage "--for 0" '--for: expected a duration' --what-if --for 0 --config "$TMP/file.yaml"
expect_usage "--output yaml" '--output: expected text or json' --what-if --for 1h --output yaml
expect_usage "a what-if on Xen" 'runs on a simulated copy of a host: --connect test:///' \
    --what-if --for 1h --config "$TMP/file.yaml" --connect xen:///
expect_usage "--events with a shared copy" 'cannot go with a shared copy' \
    --what-if --for 1h --config "$TMP/whatif.yaml" --events "$WDATA/events.xml"
printf '%s\n' '<xvirt:events xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">' \
    "  <xvirt:crash at='00:10' domain='db01'/>" "  <xvirt:crash at='soon' domain='db01'/>" \
    '</xvirt:events>' >"$TMP/bad-at.xml"
expect_usage "an events file with a bad time" \
    "events '.*bad-at.xml' line 3: <xvirt:crash>: attribute 'at' \('soon'\) must be a number of seconds or H:MM\[:SS\]" \
    --what-if --for 1h --config "$TMP/file.yaml" --events "$TMP/bad-at.xml"
printf '%s\n' '<xvirt:events xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">' \
    "  <xvirt:start at='1' domain='nosuch'/>" '</xvirt:events>' >"$TMP/bad-start.xml"
expect_usage "an events file starting a domain the copy lacks" \
    "line 2: <xvirt:start>: no domain named 'nosuch' in the node" \
    --what-if --for 1h --config "$TMP/file.yaml" --events "$TMP/bad-start.xml"
expect_usage "a missing events file" "--events: cannot read '$TMP/none.xml'" \
    --what-if --for 1h --config "$TMP/file.yaml" --events "$TMP/none.xml"
printf '%s\n' 'policies:' '  - name: p' '    type: restart' '    backof: 5s' >"$TMP/policies/zz-bad.yaml"
expect_usage "a bad policy" 'zz-bad.yaml:4:5: ' --what-if --for 1h --config "$TMP/file.yaml"
rm -f "$TMP/policies/zz-bad.yaml"

done_testing
