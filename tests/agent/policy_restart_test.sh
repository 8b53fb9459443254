#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_restart_test.sh: the restart policy of xvirt-agent on the test
# driver, as TAP. Every outcome is read from the agent's /metrics and log,
# and from its bookkeeping file; parts 1, 2, 3b and 4 also read it with
# xvirsh in another process. Each agent shares its node through a journal
# (test:///NODE?journal=PATH), and both run on the stepped clock: times are
# simulated, each outcome is checked in the very sample it must show in.
# Part 3 gives the second agent a fresh journal on purpose: the node
# restarts with the agent, so the new agent meets the crash again; the new
# agent's clock goes on from the killed one's (XVIRT_TEST_CLOCK_START), as
# a real clock would.
#
# 1. a crash is restarted within one interval; domains shut down or
#    destroyed on purpose are left alone (node-restart.xml)
# 2. a crash loop: back-off respected, give-up after the burst, metric and
#    log; SIGHUP clears the give-up (node-crashloop.xml)
# 3. SIGKILL mid-back-off, then a new agent: counters and the back-off
#    deadline kept, no double restart (node-kill.xml); 3b the same while the
#    hypervisor lives on (a shared node): the new agent meets the same crash
# 4. dry_run: nothing touched, actions counted as dry_run; a corrupt
#    bookkeeping file is moved aside
# 5. a state_dir that cannot be written: the policy goes on, one error
#    line, xvirt_policy_state_save_errors_total rises
# 6. dry_run switched off (by SIGHUP, or by a new agent): the dry run's
#    simulated attempts and back-off neither hold back nor count against
#    the real policy (node-crashloop.xml)
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

PDATA=$DATA/policy
U=f0000000-0000-4000-8000-0000000000
lbl() {
    echo "domain=\"$1\",uuid=\"$U$2\""
}
OK_SERIES='xvirt_policy_actions_total{policy="restart",action="restart",result="ok"}'

STEP_BY=200ms

# start_policy_agent NAME NODE STATE-DIR [POLICY-LINES...]: on the node
# shared through $TMP/journal-$JOURNAL (JOURNAL defaults to NAME: a node of
# its own).
start_policy_agent() {
    local name=$1 node=$2 sdir=$3 uri
    shift 3
    port=$(free_port)
    uri="test://$PDATA/$node?journal=$TMP/journal-${JOURNAL:-$name}"
    write_config "$TMP/$name.yaml" "$port" "$uri" \
        "sampling:" "  interval: 200ms" "  events: false" "state_dir: $sdir" "policies:" \
        "  - name: restart" "    type: restart" "$@"
    if ! start_stepped_agent "$name" "$uri" --config "$TMP/$name.yaml" ||
        ! wait_http "$port" /-/ready 200 10; then
        not_ok "$name: agent becomes ready" "$AGENT_LOG"
        done_testing
    fi
}

# reload_agent N: SIGHUP, until the Nth "config: reloaded" or "reload
# rejected" line, then the sample the reload asks for.
reload_agent() {
    kill -HUP "$AGENT_PID"
    wait_log_count "$AGENT_LOG" '^<[35]>config: (reloaded|reload rejected)' "$1" 10
    step 0s
}

stop_agent() {
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    is "$1: exit status 0" "$EXIT_STATUS" 0
}

# value SERIES: from the last scrape ($TMP/last.prom)
value() {
    metric "$TMP/last.prom" "$1"
}

# ---- 1. crash -> restarted within one interval; deliberate stops left alone ----

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
# The agent's node is shared with xvirsh through the journal (shared mode).
URI1="test://$PDATA/node-restart.xml?journal=$TMP/journal-restart"
start_policy_agent restart node-restart.xml "$TMP/state1" "    backoff: 5s"
# The crash is at 1 s. Scraping every sample: the restart must come in the
# very sample that first sees the domain crashed (that snapshot shows it
# crashed AND the ok action), so no scrape may show it crashed with no
# action taken.
late=0
seen=
: >"$TMP/p1.seqs"
while [ "$NOW_NS" -lt 4000000000 ]; do
    step 200ms
    scrape "$port" "$TMP/p1.prom" >/dev/null
    echo "$SEQ" >>"$TMP/p1.seqs"
    st=$(metric "$TMP/p1.prom" "xvirt_domain_state{$(lbl web01 01)}")
    acted=$(metric "$TMP/p1.prom" "$OK_SERIES")
    [ "$st" = 6 ] && [ "${acted:-0}" = 0 ] && late=$((late + 1))
    [ "$st" = 6 ] && [ -z "$seen" ] && seen=$NOW
    [ "$acted" = 1 ] && [ "$st" = 1 ] && break
done
if [ "$acted" = 1 ] && [ "$st" = 1 ]; then
    ok "crash: restarted (running again in the sample at $NOW s, crash at 1 s)"
else
    not_ok "crash: restarted" "$AGENT_LOG"
fi
is "crash: restarted in the sample that saw the crash (at 1 s), running in the next" \
    "$late $seen $NOW" "0 1.000 1.200"
is "crash: every sample scraped" "$(tr '\n' ' ' <"$TMP/p1.seqs")" "2 3 4 5 6 7 "
scrape "$port" "$TMP/last.prom" >/dev/null
is "crash: running again" "$(value "xvirt_domain_state{$(lbl web01 01)}")" 1
is "crash: with a new ID" "$(value "xvirt_domain_id{$(lbl web01 01)}")" 4
"$XVIRSH" -c "$URI1" dominfo web01 >"$TMP/xvirsh1.out" 2>&1
like "crash: xvirsh in another process shows it running" "$TMP/xvirsh1.out" '^State: +running$'
like "crash: xvirsh in another process shows the new ID" "$TMP/xvirsh1.out" '^Id: +4$'
is "crash: one restart counted" "$(value "xvirt_policy_restart_attempts{$(lbl web01 01)}")" 1
is "crash: not given up" "$(value "xvirt_policy_restart_gave_up{$(lbl web01 01)}")" 0
cmp_num "crash: in back-off for the next attempt" \
    "$(value "xvirt_policy_restart_backoff_seconds{$(lbl web01 01)}")" ">" 3
like "crash: the action is logged with before -> after" "$AGENT_LOG" \
    "^<5>policy=restart domain=web01 uuid=${U}01 action=restart reason=crashed result=ok crashed\\(id 1\\)->running\\(id 4\\)$"
is "crash: exactly one restart in the log" "$(grep -c 'action=restart' "$AGENT_LOG")" 1
step 600ms
scrape "$port" "$TMP/last.prom" >/dev/null
is "shutdown on purpose: shut off" "$(value "xvirt_domain_state{$(lbl calm 02)}")" 5
is "destroyed on purpose: shut off" "$(value "xvirt_domain_state{$(lbl gone 03)}")" 5
"$XVIRSH" -c "$URI1" list --all >"$TMP/xvirsh1.out" 2>&1
like "deliberate stops: xvirsh shows calm shut off" "$TMP/xvirsh1.out" '^ -  +calm +shut off$'
like "deliberate stops: xvirsh shows gone shut off" "$TMP/xvirsh1.out" '^ -  +gone +shut off$'
like "crash: xvirsh lists web01 running with its new ID" "$TMP/xvirsh1.out" \
    '^ 4  +web01 +running$'
is "deliberate stops: never restarted" "$(grep -c 'domain=calm\|domain=gone' "$AGENT_LOG")" 0
is "deliberate stops: no restart series" \
    "$(count_series "$TMP/last.prom" 'xvirt_policy_restart_attempts\{domain="(calm|gone)"')" 0
is "still one restart in all" "$(value "$OK_SERIES")" 1
grep -q '^restart uuid='"${U}01"' total=1 ' "$TMP/state1/policy-state"
check "bookkeeping persisted with the restart" test $? -eq 0
if ! command -v promtool >/dev/null ||
    promtool_out=$(promtool check metrics <"$TMP/last.prom" 2>&1); then
    ok "promtool accepts the policy families"
else
    not_ok "promtool accepts the policy families" "$promtool_out"
fi
scrape "$port" "$TMP/om.prom" -H 'Accept: application/openmetrics-text; version=1.0.0' >/dev/null
like "OpenMetrics: counter family named without _total" "$TMP/om.prom" \
    '^# TYPE xvirt_policy_actions counter$'
stop_agent "part 1"

# ---- 2. crash loop: back-off, give-up, SIGHUP clears it -------------------------

URI2="test://$PDATA/node-crashloop.xml?journal=$TMP/journal-loop"
start_policy_agent loop node-crashloop.xml "$TMP/state2" \
    "    backoff: 1s" "    backoff_max: 2s" "    burst: 3" "    burst_interval: 1m"
: >"$TMP/loop.rows"
LOOPCOUNT="xvirt_policy_restart_attempts{$(lbl loop 04)}"
LOOPGAVE="xvirt_policy_restart_gave_up{$(lbl loop 04)}"
# every sample up to 7.6 s
loop_row() {
    scrape "$port" "$TMP/last.prom" >/dev/null
    echo "$NOW $(value "$LOOPCOUNT") $(value "$LOOPGAVE")" >>"$TMP/loop.rows"
}
loop_row
step_for 7.6 loop_row
# the times at which the count went up
awk '$2 != "" && $2 != prev { print $1, $2; prev = $2 }' "$TMP/loop.rows" >"$TMP/loop.steps"
is "crash loop: three restarts, then no more" "$(awk '{ print $2 }' "$TMP/loop.steps" | tr '\n' ' ')" \
    "1 2 3 "
is "crash loop: restarted at 1 s, 2 s and 4 s" "$(awk '{ print $1 }' "$TMP/loop.steps" | tr '\n' ' ')" \
    "1.000 2.000 4.000 "
gap1=$(awk 'NR == 1 { a = $1 } NR == 2 { printf "%.3f", $1 - a }' "$TMP/loop.steps")
gap2=$(awk 'NR == 2 { a = $1 } NR == 3 { printf "%.3f", $1 - a }' "$TMP/loop.steps")
cmp_num "crash loop: 1 s back-off after the first restart ($gap1 s)" "$gap1" ">=" 1
cmp_num "crash loop: doubled to 2 s after the second ($gap2 s)" "$gap2" ">=" 2
cmp_num "crash loop: but not later ($gap2 s)" "$gap2" "<=" 2
is "crash loop: gave up" "$(value "$LOOPGAVE")" 1
is "crash loop: left crashed" "$(value "xvirt_domain_state{$(lbl loop 04)}")" 6
is "crash loop: no back-off shown once given up" \
    "$(value "xvirt_policy_restart_backoff_seconds{$(lbl loop 04)}")" 0.000
is "crash loop: three ok actions" "$(value "$OK_SERIES")" 3
is "crash loop: one give-up counted" \
    "$(value 'xvirt_policy_actions_total{policy="restart",action="restart",result="gave_up"}')" 1
like "crash loop: the give-up is logged as an error" "$AGENT_LOG" \
    "^<3>policy=restart domain=loop uuid=${U}04 action=restart reason=crashed result=gave_up .*burst limit reached"
is "crash loop: given up once" "$(grep -c 'result=gave_up' "$AGENT_LOG")" 1
"$XVIRSH" -c "$URI2" dominfo loop >"$TMP/xvirsh2.out" 2>&1
like "crash loop: xvirsh in another process shows it left crashed" "$TMP/xvirsh2.out" \
    '^State: +crashed$'
# a reload with a wrong policy is rejected: the give-up stays
cp "$TMP/loop.yaml" "$TMP/loop.good"
echo "    max_actions_per_interval: many" >>"$TMP/loop.yaml"
kill -HUP "$AGENT_PID"
if wait_log "$AGENT_LOG" 'reload rejected' 5; then
    ok "bad reload: rejected"
else
    not_ok "bad reload: rejected" "$AGENT_LOG"
fi
step 0s
like "bad reload: the policy error has its position" "$AGENT_LOG" \
    "^<3>config: $TMP/loop.yaml:[0-9]+:31: expected an integer, got 'many'$"
is "bad reload: still given up" "$(scrape_value "$port" "$LOOPGAVE")" 1
cp "$TMP/loop.good" "$TMP/loop.yaml"
# a reload takes a sample at once (no time passes)
before=$SEQ
reload_agent 2
if [ "$SEQ $NOW" = "$((before + 1)) 7.600" ] && metric_is "$port" "$LOOPCOUNT" 4; then
    ok "SIGHUP: the give-up is cleared and the domain restarted (in the reload's sample)"
else
    not_ok "SIGHUP: the give-up is cleared and the domain restarted (in the reload's sample)" \
        "seq $SEQ (before $before) at $NOW s" "$AGENT_LOG"
fi
is "SIGHUP: gave_up back to 0" "$(scrape_value "$port" "$LOOPGAVE")" 0
"$XVIRSH" -c "$URI2" dominfo loop >"$TMP/xvirsh2.out" 2>&1
like "SIGHUP: xvirsh shows loop restarted (no longer crashed)" "$TMP/xvirsh2.out" \
    '^State: +(running|blocked)$'
like "SIGHUP: the clearing is logged" "$AGENT_LOG" '^<5>policy: give-ups and back-offs cleared'
stop_agent "part 2"

# ---- 3. SIGKILL mid-back-off, then a new agent --------------------------------

KILLCOUNT="xvirt_policy_restart_attempts{$(lbl web01 01)}"
start_policy_agent kill1 node-kill.xml "$TMP/state3" "    backoff: 8s"
step_until 4 metric_is "$port" "$KILLCOUNT" 1
check "kill: first crash restarted" metric_is "$port" "$KILLCOUNT" 1
step_until 2 metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 1
check "kill: running again" metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 1
# the second crash (3 s) falls in the 8 s back-off: left crashed
if step_until 4 metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 6 &&
    step 600ms && metric_is "$port" "$KILLCOUNT" 1; then
    ok "kill: second crash left alone during the back-off"
else
    not_ok "kill: second crash left alone during the back-off" "$AGENT_LOG"
fi
retry_at=$(sed -n 's/.* retry_at=\([0-9]*\) .*/\1/p' "$TMP/state3/policy-state")
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
diag "killed at $NOW s ($REAL_MS); next attempt allowed at $retry_at"

# The new agent's node starts over: web01 runs, and crashes again at 1 s.
# Its clock goes on from the killed agent's.
CLOCK_START=$REAL_MS start_policy_agent kill2 node-kill.xml "$TMP/state3" "    backoff: 8s"
like "kill: the new agent found the bookkeeping" "$AGENT_LOG" \
    "^<6>policy: bookkeeping in '$TMP/state3' \\(1 domain\\)$"
step_until 3 metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 6
scrape "$port" "$TMP/last.prom" >/dev/null
is "kill: crashed again, within the kept back-off" \
    "$(value "xvirt_domain_state{$(lbl web01 01)}")" 6
cmp_num "kill: the kept deadline is still ahead ($REAL_MS)" "$retry_at" ">" "$REAL_MS"
is "kill: the restart count was kept" "$(value "$KILLCOUNT")" 1
is "kill: no restart by the new agent yet" "$(value "$OK_SERIES")" 0
cmp_num "kill: back-off still shown" \
    "$(value "xvirt_policy_restart_backoff_seconds{$(lbl web01 01)}")" ">" 0
before_ms=$REAL_MS
if step_until 12 metric_is "$port" "$KILLCOUNT" 2; then
    ok "kill: restarted once the kept back-off ran out"
else
    not_ok "kill: restarted once the kept back-off ran out" "$AGENT_LOG"
fi
cmp_num "kill: not before the deadline ($REAL_MS)" "$REAL_MS" ">=" "$retry_at"
cmp_num "kill: in the first sample after it" "$((REAL_MS - 200))" "<" "$retry_at"
is "kill: one restart by the new agent" "$(scrape_value "$port" "$OK_SERIES")" 1
is "kill: no double restart in its log" "$(grep -c 'result=ok' "$AGENT_LOG")" 1
stop_agent "part 3"

# ---- 3b. SIGKILL mid-back-off while the hypervisor lives on -------------------
# The same, on a node shared through a journal: the hypervisor outlives the
# agent, so the new agent meets the very crash the killed one left alone.

URI3="test://$PDATA/node-kill.xml?journal=$TMP/journal-kill3"
JOURNAL=kill3 start_policy_agent kill3 node-kill.xml "$TMP/state3b" "    backoff: 8s"
step_until 4 metric_is "$port" "$KILLCOUNT" 1
check "kill (shared node): first crash restarted" metric_is "$port" "$KILLCOUNT" 1
# (the sample that restarts it still shows it crashed: step to it running)
step_until 2 metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 1
check "kill (shared node): running again" metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 1
if step_until 4 metric_is "$port" "xvirt_domain_state{$(lbl web01 01)}" 6 &&
    step 600ms && metric_is "$port" "$KILLCOUNT" 1; then
    ok "kill (shared node): second crash left alone during the back-off"
else
    not_ok "kill (shared node): second crash left alone during the back-off" "$AGENT_LOG"
fi
crashed_id=$(scrape_value "$port" "xvirt_domain_id{$(lbl web01 01)}")
retry_at=$(sed -n 's/.* retry_at=\([0-9]*\) .*/\1/p' "$TMP/state3b/policy-state")
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null

"$XVIRSH" -c "$URI3" dominfo web01 >"$TMP/xvirsh3.out" 2>&1
like "kill (shared node): with no agent, xvirsh shows web01 still crashed" "$TMP/xvirsh3.out" \
    '^State: +crashed$'
# the hypervisor's node goes on where it was; the new agent's clock too
JOURNAL=kill3 CLOCK_START=$REAL_MS \
    start_policy_agent kill4 node-kill.xml "$TMP/state3b" "    backoff: 8s"
scrape "$port" "$TMP/last.prom" >/dev/null
is "kill (shared node): the new agent sees the same crashed boot" \
    "$(value "xvirt_domain_state{$(lbl web01 01)}") $(value "xvirt_domain_id{$(lbl web01 01)}")" \
    "6 $crashed_id"
is "kill (shared node): the restart count was kept" "$(value "$KILLCOUNT")" 1
is "kill (shared node): no restart by the new agent yet" "$(value "$OK_SERIES")" 0
if step_until 12 metric_is "$port" "$KILLCOUNT" 2; then
    ok "kill (shared node): restarted once the kept back-off ran out"
else
    not_ok "kill (shared node): restarted once the kept back-off ran out" "$AGENT_LOG"
fi
cmp_num "kill (shared node): not before the deadline ($REAL_MS)" "$REAL_MS" ">=" "$retry_at"
cmp_num "kill (shared node): in the first sample after it" "$((REAL_MS - 200))" "<" "$retry_at"
step 600ms
is "kill (shared node): one restart by the new agent" "$(scrape_value "$port" "$OK_SERIES")" 1
is "kill (shared node): two starts in all on the hypervisor, none twice" \
    "$(grep -c ' virDomainCreate ' "$TMP/journal-kill3")" 2
"$XVIRSH" -c "$URI3" dominfo web01 >"$TMP/xvirsh3.out" 2>&1
like "kill (shared node): xvirsh shows web01 running" "$TMP/xvirsh3.out" '^State: +running$'
stop_agent "part 3b"

# ---- 4. dry run; a corrupt bookkeeping file ----------------------------------

mkdir -p "$TMP/state4"
echo "not a bookkeeping file" >"$TMP/state4/policy-state"
URI4="test://$PDATA/node-restart.xml?journal=$TMP/journal-dry"
start_policy_agent dry node-restart.xml "$TMP/state4" "    dry_run: true"
like "corrupt bookkeeping: logged and moved aside" "$AGENT_LOG" \
    "^<4>policy: $TMP/state4/policy-state: unreadable \\(malformed at line 1\\); moved to $TMP/state4/policy-state.corrupt-[0-9]+, starting with empty bookkeeping$"
DRY='xvirt_policy_actions_total{policy="restart",action="restart",result="dry_run"}'
if step_until 4 metric_is "$port" "$DRY" 1; then
    ok "dry run: the action is counted as dry_run (in the sample at $NOW s)"
else
    not_ok "dry run: the action is counted as dry_run" "$AGENT_LOG"
fi
step 600ms
scrape "$port" "$TMP/last.prom" >/dev/null
is "dry run: nothing touched (still crashed)" "$(value "xvirt_domain_state{$(lbl web01 01)}")" 6
is "dry run: same ID" "$(value "xvirt_domain_id{$(lbl web01 01)}")" 1
is "dry run: no ok action" "$(value "$OK_SERIES")" 0
"$XVIRSH" -c "$URI4" dominfo web01 >"$TMP/xvirsh4.out" 2>&1
like "dry run: xvirsh in another process shows web01 still crashed" "$TMP/xvirsh4.out" \
    '^State: +crashed$'
like "dry run: xvirsh shows its first ID" "$TMP/xvirsh4.out" '^Id: +1$'
like "dry run: logged" "$AGENT_LOG" \
    "^<5>policy=restart domain=web01 uuid=${U}01 action=restart reason=crashed result=dry_run crashed\\(id 1\\)->running\\(dry run\\)$"
stop_agent "part 4"

# ---- 5. a state_dir that cannot be written -------------------------------------

# at_least PORT SERIES N: the series has a value >= N
at_least() {
    local v
    v=$(scrape_value "$1" "$2")
    [ -n "$v" ] && awk -v a="$v" -v b="$3" 'BEGIN { exit !(a + 0 >= b + 0) }'
}
SAVE_ERRORS=xvirt_policy_state_save_errors_total
# A directory under a regular file: ENOTDIR, which root cannot bypass
# (chmod would not stop root).
: >"$TMP/blocker"
start_policy_agent unwritable node-crashloop.xml "$TMP/blocker/state" \
    "    backoff: 1s" "    backoff_max: 1s" "    burst: 100"
if step_until 6 at_least "$port" "$OK_SERIES" 3; then
    ok "unwritable state_dir: restarts still happen ($(scrape_value "$port" "$OK_SERIES"))"
else
    not_ok "unwritable state_dir: restarts still happen" "$AGENT_LOG"
fi
scrape "$port" "$TMP/last.prom" >/dev/null
cmp_num "unwritable state_dir: every failed save counted" "$(value "$SAVE_ERRORS")" ">=" 6
is "unwritable state_dir: attempts kept in memory" \
    "$(value "xvirt_policy_restart_attempts{$(lbl loop 04)}")" "$(value "$OK_SERIES")"
is "unwritable state_dir: one error line about it" \
    "$(grep -c '^<3>policy: cannot save the bookkeeping' "$AGENT_LOG")" 1
like "unwritable state_dir: the error says why" "$AGENT_LOG" \
    "^<3>policy: cannot save the bookkeeping in '$TMP/blocker/state': Not a directory \\(the policies go on; failures are counted in $SAVE_ERRORS and logged at most once a minute\\)$"
is "unwritable state_dir: no repeats within a minute" \
    "$(grep -c 'still cannot save' "$AGENT_LOG")" 0
like "unwritable state_dir: the unreadable file is a warning at start" "$AGENT_LOG" \
    "^<4>policy: $TMP/blocker/state/policy-state: unreadable \\(Not a directory\\) and cannot be moved aside"
is "unwritable state_dir: still healthy" "$(http_code "$port" /-/healthy)" 200
before=$(value "$SAVE_ERRORS")
step 1200ms
cmp_num "unwritable state_dir: the counter rises" "$(scrape_value "$port" "$SAVE_ERRORS")" ">" \
    "$before"
stop_agent "part 5"
grep -E '^<[0-4]>' "$AGENT_LOG" |
    grep -Ev "^<3>policy: cannot save the bookkeeping|^<4>policy: $TMP/blocker/state/policy-state: unreadable" \
    >"$TMP/unexpected.log"
if [ -s "$TMP/unexpected.log" ]; then
    not_ok "unwritable state_dir: no other warning or error" "$TMP/unexpected.log"
else
    ok "unwritable state_dir: no other warning or error"
fi

# ---- 6. dry_run switched off ------------------------------------------------------

LOOPOK=$OK_SERIES
LOOPDRY='xvirt_policy_actions_total{policy="restart",action="restart",result="dry_run"}'
DRYRUN=("    dry_run: true" "    backoff: 1h" "    backoff_max: 1h")
REAL=("    backoff: 1h" "    backoff_max: 1h")

# 6a. by SIGHUP
start_policy_agent dryflip node-crashloop.xml "$TMP/state6" "${DRYRUN[@]}"
if step_until 4 metric_is "$port" "$LOOPDRY" 1; then
    ok "dry run then SIGHUP: the crash is a dry_run action"
else
    not_ok "dry run then SIGHUP: the crash is a dry_run action" "$AGENT_LOG"
fi
step 600ms
scrape "$port" "$TMP/last.prom" >/dev/null
is "dry run: its own back-off (1h) holds the next dry run back" "$(value "$LOOPDRY")" 1
is "dry run: left crashed" "$(value "xvirt_domain_state{$(lbl loop 04)}")" 6
is "dry run: no restart attempt in the bookkeeping" "$(value "$LOOPCOUNT")" ""
if [ -e "$TMP/state6/policy-state" ] && grep -q '^restart ' "$TMP/state6/policy-state"; then
    not_ok "dry run: nothing written to the bookkeeping file" "$TMP/state6/policy-state"
else
    ok "dry run: nothing written to the bookkeeping file"
fi
write_policy_config() {
    write_config "$TMP/$1.yaml" "$port" "test://$PDATA/$2?journal=$TMP/journal-$1" \
        "sampling:" "  interval: 200ms" "  events: false" "state_dir: $3" "policies:" \
        "  - name: restart" "    type: restart" "${@:4}"
}
write_policy_config dryflip node-crashloop.xml "$TMP/state6" "${REAL[@]}"
reload_agent 1
if metric_is "$port" "$LOOPOK" 1; then
    ok "dry_run off by SIGHUP: restarted at once (in the reload's sample, at $NOW s)"
else
    not_ok "dry_run off by SIGHUP: restarted at once" "$AGENT_LOG"
fi
is "dry_run off by SIGHUP: the dry run is not counted as an attempt" \
    "$(scrape_value "$port" "$LOOPCOUNT")" 1
stop_agent "part 6a"

# 6b. by a new agent on the same state_dir
start_policy_agent dry2 node-crashloop.xml "$TMP/state7" "${DRYRUN[@]}"
step_until 4 metric_is "$port" "$LOOPDRY" 1
check "dry run then a new agent: the crash is a dry_run action" \
    metric_is "$port" "$LOOPDRY" 1
stop_agent "part 6b dry"
CLOCK_START=$REAL_MS start_policy_agent real2 node-crashloop.xml "$TMP/state7" "${REAL[@]}"
if step_until 4 metric_is "$port" "$LOOPOK" 1; then
    ok "dry_run off in a new agent: the crash is restarted, not held back by the dry run"
else
    not_ok "dry_run off in a new agent: the crash is restarted, not held back by the dry run" \
        "$AGENT_LOG"
fi
is "dry_run off in a new agent: one attempt counted" "$(scrape_value "$port" "$LOOPCOUNT")" 1
stop_agent "part 6b real"

done_testing
