#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_interrupted_test.sh: a restart (destroy, then create) interrupted
# by a stop of xvirt-agent is finished by the next start, exactly once; and
# the back-off after a restart counts from its end. As TAP.
#
# The node's create is slow: an injected fault makes virDomainCreate sleep
# (wall time) in the window 1 s to 1.5 s of node time, where the restart of
# web01 (crashed at 1 s) falls. Each agent shares its node through a
# journal, so the hypervisor outlives the agent, and every write call the
# node took is a line of that journal (the creates are counted there). The
# clocks are stepped; the node is moved past the fault's window while no
# agent runs, and the next agent's clock goes on from the first one's.
#
# 1. SIGTERM during a create that outlasts the agent's wait (30 s): the
#    agent waits its 5 s, exits 0 leaving the domain shut off and the
#    intent saved; the next start creates it once (rolled_forward), counts
#    the attempt once.
# 2. SIGKILL during the create: the same.
# 3. SIGTERM during a create shorter than the wait (1.5 s): the agent waits
#    for it; the next start has nothing left to do.
# 4. the back-off counts from the end of the action: simulated time passes
#    during a slow create (the test control's pass), and the next attempt
#    comes a whole back-off after it ended.
#
# Parts 1 and 3 bound wall time (the agent's wait): the bounds hold on a
# loaded machine (at least 1 s below and 3 s above what is needed).
WATCHDOG=180
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

U=f0000000-0000-4000-8000-000000000001
LBL="domain=\"web01\",uuid=\"$U\""
STATE="xvirt_domain_state{$LBL}"
ATTEMPTS="xvirt_policy_restart_attempts{$LBL}"
ROLLED='xvirt_policy_actions_total{policy="restart",action="restart",result="rolled_forward"}'
OK_SERIES='xvirt_policy_actions_total{policy="restart",action="restart",result="ok"}'
CLOCK0=1800000000000
STEP_BY=200ms

# slow_node FILE SECONDS [EVENTS...]: web01 crashes at 1 s; a create in
# [1 s, 1.5 s) of node time sleeps SECONDS first.
slow_node() {
    local file=$1 seconds=$2
    shift 2
    cat >"$file" <<EOF
<?xml version="1.0"?>
<node xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">
  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>2</threads></cpu>
  <memory>8388608</memory>
  <xvirt:clock rate='0'/>
  <xvirt:events>
    <xvirt:crash at='1' domain='web01'/>
    <xvirt:fault call='virDomainCreate' mode='hang' seconds='$seconds' at='1' until='1.5' domain='web01' count='1'/>
    $*
  </xvirt:events>
  <domain type='xen'>
    <name>web01</name>
    <uuid>$U</uuid>
    <memory>262144</memory>
    <vcpu>1</vcpu>
    <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>
    <on_crash>preserve</on_crash>
  </domain>
</node>
EOF
}

# start_restart_agent NAME URI STATE-DIR [POLICY-LINES...]
start_restart_agent() {
    local name=$1 uri=$2 sdir=$3
    shift 3
    port=$(free_port)
    write_config "$TMP/$name.yaml" "$port" "$uri" \
        "sampling:" "  interval: 200ms" "  events: false" "state_dir: $sdir" "policies:" \
        "  - name: restart" "    type: restart" "    backoff: 2s" "$@"
    if ! start_stepped_agent "$name" "$uri" --config "$TMP/$name.yaml" ||
        ! wait_http "$port" /-/ready 200 10; then
        not_ok "$name: agent becomes ready" "$AGENT_LOG"
        done_testing
    fi
}

value() {
    metric "$TMP/last.prom" "$1"
}

creates() {
    grep -c ' virDomainCreate ' "$1"
}

destroyed() {
    grep -q ' virDomainDestroy ' "$1"
}

# create_begun STATE-DIR: the intent says the destroy is done and the create
# begun (saved before the create call, so after the destroy is journalled).
create_begun() {
    grep -q ' steps=destroy,create begun=2 done=1 ' "$1/policy-state" 2>/dev/null
}

# crash_into_slow_create JOURNAL STATE-DIR: steps to 1 s in the background
# (the sample there restarts web01 and hangs in the create), until the
# destroy is in the journal and the intent says the create has begun.
crash_into_slow_create() {
    step 800ms
    scrape "$port" "$TMP/last.prom" >/dev/null
    is "$PART: web01 running before the crash" "$(value "$STATE")" 1
    step_bg 200ms
    if wait_for 20 destroyed "$1" && wait_for 20 create_begun "$2"; then
        ok "$PART: the restart destroyed the crashed domain, the create hangs"
    else
        not_ok "$PART: the restart destroyed the crashed domain" "$AGENT_LOG"
    fi
}

# next_start NAME URI STATE-DIR JOURNAL: the node moves past the fault's
# window while no agent runs, then a new agent starts on the same node and
# bookkeeping, its clock 3 s on from the first one's start.
next_start() {
    "$XVTESTCLOCK" "$2" advance 1s
    CLOCK_START=$((CLOCK0 + 3000)) start_restart_agent "$1" "$2" "$3"
}

# check_rolled_forward JOURNAL STATE-DIR: what the new agent must show.
check_rolled_forward() {
    like "$PART: the new agent says it finishes the interrupted action" "$AGENT_LOG" \
        '^<5>policy: 1 action was interrupted by a stop of the agent: finishing it$'
    step 200ms
    scrape "$port" "$TMP/last.prom" >/dev/null
    is "$PART: web01 running after the next start" "$(value "$STATE")" 1
    is "$PART: exactly one create on the hypervisor" "$(creates "$1")" 1
    is "$PART: counted as rolled_forward" "$(value "$ROLLED")" 1
    is "$PART: the attempt counted once" "$(value "$ATTEMPTS")" 1
    like "$PART: logged with before -> after" "$AGENT_LOG" \
        "^<5>policy=restart domain=web01 uuid=$U action=restart reason=interrupted result=rolled_forward shutoff\\(id -1\\)->running\\(id [0-9]+\\)$"
    unlike "$PART: no intent left in the bookkeeping" "$2/policy-state" '^intent '
    step 2s
    is "$PART: still one create 2 s later" "$(creates "$1")" 1
    is "$PART: no new attempt" "$(scrape_value "$port" "$ATTEMPTS")" 1
}

# finished_by_next_start NAME URI STATE-DIR JOURNAL: after a stop cut the
# create short, nothing was created; the next agent finishes the restart
# (check_rolled_forward), then stops.
finished_by_next_start() {
    is "$PART: no create yet" "$(creates "$4")" 0
    next_start "$1" "$2" "$3"
    check_rolled_forward "$4" "$3"
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
}

# ---- 1. SIGTERM during a create longer than the wait ---------------------------

: "${XVTESTCLOCK:?XVTESTCLOCK must name the xvtestclock binary}"
PART=term
slow_node "$TMP/slow30.xml" 30
URI1="test://$TMP/slow30.xml?journal=$TMP/journal1"
CLOCK_START=$CLOCK0 start_restart_agent term1 "$URI1" "$TMP/state1"
crash_into_slow_create "$TMP/journal1" "$TMP/state1"
like "term: the intent is saved, destroy done and create begun" "$TMP/state1/policy-state" \
    "^intent id=1 policy=restart kind=restart uuid=$U vcpu=-1 started=$((CLOCK0 + 1000)) steps=destroy,create begun=2 done=1 name=web01$"
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 20
is "term: exit status 0" "$EXIT_STATUS" 0
cmp_num "term: waited for the action ($EXIT_AFTER s)" "$EXIT_AFTER" ">=" 4
cmp_num "term: but not for long ($EXIT_AFTER s)" "$EXIT_AFTER" "<" 10
like "term: says it waits for the action" "$AGENT_LOG" \
    '^<5>policy: an action is in progress: waiting up to 5 s for it to finish$'
like "term: says it exits without it" "$AGENT_LOG" \
    '^<4>policy: the action in progress did not finish within 5 s; exiting without it \(the next start finishes it\)$'
wait_exit "$STEP_BG_PID" 10
finished_by_next_start term2 "$URI1" "$TMP/state1" "$TMP/journal1"

# ---- 2. SIGKILL during the create -----------------------------------------------

PART=kill
URI2="test://$TMP/slow30.xml?journal=$TMP/journal2"
CLOCK_START=$CLOCK0 start_restart_agent kill1 "$URI2" "$TMP/state2"
crash_into_slow_create "$TMP/journal2" "$TMP/state2"
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
wait_exit "$STEP_BG_PID" 10
finished_by_next_start kill2 "$URI2" "$TMP/state2" "$TMP/journal2"

# ---- 3. SIGTERM during a create shorter than the wait ----------------------------

PART=short
slow_node "$TMP/slow1.xml" 1.5
URI3="test://$TMP/slow1.xml?journal=$TMP/journal3"
CLOCK_START=$CLOCK0 start_restart_agent short1 "$URI3" "$TMP/state3"
crash_into_slow_create "$TMP/journal3" "$TMP/state3"
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 20
is "short: exit status 0" "$EXIT_STATUS" 0
cmp_num "short: exits once the create is done ($EXIT_AFTER s)" "$EXIT_AFTER" "<" 4.5
like "short: the restart finished before the exit" "$AGENT_LOG" \
    "^<5>policy=restart domain=web01 uuid=$U action=restart reason=crashed result=ok crashed\\(id 1\\)->running\\(id [0-9]+\\)$"
unlike "short: no warning about an unfinished action" "$AGENT_LOG" 'did not finish'
is "short: one create" "$(creates "$TMP/journal3")" 1
unlike "short: no intent left in the bookkeeping" "$TMP/state3/policy-state" '^intent '
wait_exit "$STEP_BG_PID" 10
next_start short2 "$URI3" "$TMP/state3"
step 1s
scrape "$port" "$TMP/last.prom" >/dev/null
is "short: running after the next start" "$(value "$STATE")" 1
unlike "short: nothing to finish at the next start" "$AGENT_LOG" 'interrupted'
is "short: still one create" "$(creates "$TMP/journal3")" 1
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10

# ---- 4. the back-off counts from the end of the action --------------------------
# web01 crashes again at 2 s of node time. The first restart begins at 1 s;
# 1.5 s of simulated time pass during its create (the agent's clock alone),
# so it ends at 2.5 s, and the node stays 1.5 s behind: the second crash
# shows at 3.5 s. A back-off counted from the start (1 s + 2 s) would let
# the second attempt come at 3.5 s, 1 s after the first ended.

PART=backoff
slow_node "$TMP/slow3.xml" 3 "<xvirt:crash at='2' domain='web01'/>"
URI4="test://$TMP/slow3.xml?journal=$TMP/journal4"
CLOCK_START=$CLOCK0 start_restart_agent backoff "$URI4" "$TMP/state4"
crash_into_slow_create "$TMP/journal4" "$TMP/state4"
ctl "pass?by=1500ms" || not_ok "backoff: time passes during the create" "$CTL_ERROR"
if step_bg_wait 20; then
    ok "backoff: the slow restart ended (at $NOW s)"
else
    not_ok "backoff: the slow restart ended" "$AGENT_LOG"
fi
ended_ms=$((CLOCK0 + 2500))
scrape "$port" "$TMP/last.prom" >/dev/null
is "backoff: the first restart went through" "$(value "$OK_SERIES") $(value "$ATTEMPTS")" "1 1"
retry_at=$(sed -n 's/^restart .* retry_at=\([0-9]*\) .*/\1/p' "$TMP/state4/policy-state")
is "backoff: the next attempt is allowed 2 s after the end (at 2.5 s), not the start" \
    "$retry_at" "$((ended_ms + 2000))"
step_until 4 metric_is "$port" "$ATTEMPTS" 2
is "backoff: the second crash restarted" "$(scrape_value "$port" "$ATTEMPTS")" 2
gap_ms=$((REAL_MS - ended_ms))
cmp_num "backoff: the second attempt a whole back-off after the first ended ($gap_ms ms)" \
    "$gap_ms" ">=" 2000
cmp_num "backoff: in the first sample allowed ($gap_ms ms)" "$gap_ms" "<" 2200
is "backoff: two creates in all" "$(creates "$TMP/journal4")" 2
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10

done_testing
