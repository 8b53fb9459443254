#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# events_test.sh: xvirt-agent acting on the hypervisor's lifecycle events
# (sampling.events), on the test driver, as TAP. The nodes are shared
# through a journal and frozen (<xvirt:clock rate='0'/>): the test steps the
# node and the agent together (xvtestclock), and the agent's listener sees
# the node's scripted events through the journal, in its own thread. Times
# are simulated: nothing here depends on how fast the machine is; the waits
# are for the agent to get somewhere, bounded only so that a broken agent
# fails instead of hanging.
#
# 1. sampling.interval 1h: web01 crashes at 1 s; the restart policy starts it
#    again without the clock moving on (0 ms of simulated time, the issue asks
#    for 50), counted in xvirt_events_total and the latency histogram; the
#    domains shut down or destroyed on purpose are left alone
# 2. the same with sampling.events: false: nothing happens until the 1 h tick
# 3. a storm: 20 domains destroyed at once cost one sample, taken one
#    event_min_gap after the sample before, none after it
WATCHDOG=180
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
: "${XVTESTCLOCK:?XVTESTCLOCK must name the xvtestclock binary}"
PDATA=$DATA/policy
U=f0000000-0000-4000-8000-0000000000
OK_SERIES='xvirt_policy_actions_total{policy="restart",action="restart",result="ok"}'

# start_events_agent NAME NODE-URI [YAML-LINES...]: a stepped agent with a
# restart policy, its interval 1 h; waits until it is ready.
start_events_agent() {
    local name=$1 uri=$2
    shift 2
    port=$(free_port)
    write_config "$TMP/$name.yaml" "$port" "$uri" "state_dir: $TMP/state-$name" \
        "policies:" "  - name: restart" "    type: restart" "    backoff: 5s" "$@"
    if ! start_stepped_agent "$name" "$uri" --config "$TMP/$name.yaml" ||
        ! wait_http "$port" /-/ready 200 20; then
        not_ok "$name: agent becomes ready" "$(cat "$AGENT_LOG")"
        done_testing
    fi
}

value() {
    metric "$TMP/last.prom" "$1"
}

# scraped SERIES VALUE: a new scrape has SERIES at VALUE
scraped() {
    scrape "$port" "$TMP/last.prom" >/dev/null && [ "$(value "$1")" = "$2" ]
}

stop_agent() {
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    is "$1: exit status 0" "$EXIT_STATUS" 0
}

node_time_ns() {
    "$XVTESTCLOCK" "$1" time
}

# ---- 1. a crash restarted at once with a 1 h interval ----------------------------

URI1="test://$PDATA/node-restart.xml?journal=$TMP/journal-ev1"
start_events_agent ev1 "$URI1" "sampling:" "  interval: 1h"
check "events on: the agent listens (xvirt_events_listening 1)" \
    wait_for 30 scraped xvirt_events_listening 1
step 900ms
scrape "$port" "$TMP/last.prom" >/dev/null
is "before the crash: no restart" "$(value "$OK_SERIES")" 0
seq0=$SEQ
# The node alone reaches 1 s (web01 crashes, calm and gone stop): the agent's
# clock stays at 0.9 s until the test moves it, so whatever the agent does
# about the crash, it does without time passing for it.
"$XVTESTCLOCK" "$URI1" advance 100ms
t_crash=$(node_time_ns "$URI1")
is "the node's clock is at the crash (1 s)" "$t_crash" 1000000000
if wait_for 60 scraped "$OK_SERIES" 1; then
    ok "crash: restarted without the clock moving on (interval 1h)"
else
    not_ok "crash: restarted without the clock moving on" "$(cat "$AGENT_LOG")"
fi
t_restart=$(node_time_ns "$URI1")
is "crash: restarted at the crash's simulated time (0 ms after it; at most 50 ms asked)" \
    "$((t_restart - t_crash))" 0
"$XVIRSH" -c "$URI1" dominfo web01 >"$TMP/dominfo1" 2>&1
like "crash: xvirsh in another process shows web01 running" "$TMP/dominfo1" '^State: +running$'
like "crash: with a new ID" "$TMP/dominfo1" '^Id: +4$'
# the restart's own events (the crashed remains destroyed, the new domain
# started) reach the listener through the journal, in its own time
check "events: the restart's destroy and start received" \
    wait_for 60 scraped 'xvirt_events_total{type="started"}' 1
ctl status
is "crash: acted on in a sample the events asked for, at 0.9 s (agent's clock)" \
    "$((SEQ - seq0)):$NOW" "1:0.900"
# they ask for one more sample, one gap (100 ms) after the one that acted
is "crash: the restart's own events ask for one sample more, a gap later" "$NEXT_NS" 1000000000
step 100ms
is "crash: taken at 1 s" "$((SEQ - seq0)):$NOW" "2:1.000"
is "crash: then the next tick is an hour after it" "$NEXT_NS" 3601000000000
scrape "$port" "$TMP/last.prom" >/dev/null
is "events: the crash counted" "$(value 'xvirt_events_total{type="crashed"}')" 1
is "events: stopped: calm's shutdown, gone's destroy, web01's remains destroyed by the restart" \
    "$(value 'xvirt_events_total{type="stopped"}')" 3
is "events: the restart's start counted" "$(value 'xvirt_events_total{type="started"}')" 1
cmp_num "events: samples taken for events" "$(value xvirt_event_samples_total)" ">=" 1
is "latency: one event acted on" "$(value xvirt_event_action_latency_seconds_count)" 1
is "latency: within 50 ms (simulated)" \
    "$(value 'xvirt_event_action_latency_seconds_bucket{le="0.05"}')" 1
is "calm and gone (stopped on purpose) left alone: one restart in all" \
    "$(value "$OK_SERIES")" 1
like "the agent logged the restart" "$AGENT_LOG" \
    "^<5>policy=restart domain=web01 uuid=${U}01 action=restart reason=crashed result=ok "
stop_agent "part 1"

# ---- 2. the same without events: the crash waits for the tick ------------------------

URI2="test://$PDATA/node-restart.xml?journal=$TMP/journal-ev2"
start_events_agent ev2 "$URI2" "sampling:" "  interval: 1h" "  events: false"
scrape "$port" "$TMP/last.prom" >/dev/null
is "events off: xvirt_events_listening 0" "$(value xvirt_events_listening)" 0
step 1s
ctl "advance?by=0s"
scrape "$port" "$TMP/last.prom" >/dev/null
is "events off: the crash is not seen before the tick" "$(value "$OK_SERIES")" 0
is "events off: web01 still shown running (the snapshot of 0 s)" \
    "$(value "xvirt_domain_state{domain=\"web01\",uuid=\"${U}01\"}")" 1
step 3599s
scrape "$port" "$TMP/last.prom" >/dev/null
is "events off: restarted at the tick, an hour later" "$(value "$OK_SERIES")" 1
stop_agent "part 2"

# ---- 3. a storm: one sample per gap ----------------------------------------------------

python3 - "$TMP/storm.xml" <<'PY'
import sys
n = 20
events = "\n".join(f"    <xvirt:destroy at='1' domain='s{i:02d}'/>" for i in range(n))
doms = "\n".join(f"""  <domain type='xen'>
    <name>s{i:02d}</name>
    <uuid>e0000000-0000-4000-8000-0000000000{i:02d}</uuid>
    <memory>131072</memory>
    <vcpu>1</vcpu>
    <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>
  </domain>""" for i in range(n))
open(sys.argv[1], "w").write(f"""<?xml version="1.0"?>
<node xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">
  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads></cpu>
  <memory>8388608</memory>
  <xvirt:clock rate='0'/>
  <xvirt:events>
{events}
  </xvirt:events>
{doms}
</node>
""")
PY
URI3="test://$TMP/storm.xml?journal=$TMP/journal-ev3"
start_events_agent ev3 "$URI3" "sampling:" "  interval: 1h" "  event_min_gap: 10s"
check "storm: the agent listens" wait_for 30 scraped xvirt_events_listening 1
ctl status
seq0=$SEQ
step 1s         # 20 domains destroyed at 1 s
check "storm: 20 stopped events received" \
    wait_for 60 scraped 'xvirt_events_total{type="stopped"}' 20
ctl status
is "storm: no sample yet (the gap runs 10 s from the sample at 0 s)" "$SEQ" "$seq0"
is "storm: the next sample is due at the gap's end" "$NEXT_NS" 10000000000
step 9s
is "storm: one sample for the 20 events, at 10 s" "$((SEQ - seq0)):$NOW" "1:10.000"
scrape "$port" "$TMP/last.prom" >/dev/null
is "storm: counted as one event sample" "$(value xvirt_event_samples_total)" 1
is "storm: the snapshot shows every domain shut off" \
    "$(grep -c '^xvirt_domain_state{domain="s[0-9]*",.*} 5$' "$TMP/last.prom")" 20
step 20s
is "storm: no further sample without events" "$((SEQ - seq0))" 1
stop_agent "part 3"

done_testing
