#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# hang_test.sh: a hung hypervisor call stalls the sampler only, as TAP.
#
# tests/data/agent/node-hang.xml makes one virDomainGetInfo call hang for
# 6 s of real time, from 2 s of simulated time on. The agent and its node
# run on the stepped clock: the script steps to 1.8 s, then into the
# sample at 2 s, which hangs. While it hangs, the script moves the agent's
# clock on (time passes during the hung call) and scrapes: every scrape
# must answer as fast as before, from the last snapshot, whose age follows
# the clock past 3 s; once the call returns, a new sample is taken at once
# and the age drops back to 0.
#
# Wall time is the behaviour under test in two places, bounded for a
# loaded machine: the scrapes' latency (each under 0.5 s, the median within
# 5x + 50 ms of the median before the hang) and the hang itself, which
# must last long enough for the script's 20 scrapes (checked: the sampler
# is still stuck after them) and end within 12 s.
WATCHDOG=90
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

port=$(free_port)
URI="test://$DATA/node-hang.xml?journal=$TMP/journal"
write_config "$TMP/agent.yaml" "$port" "$URI" "sampling:" "  interval: 200ms" "  events: false"

# one_scrape FILE: scrapes into FILE; sets CODE, SECS, AGE, STAMP.
one_scrape() {
    read -r CODE SECS < <(scrape "$port" "$1")
    AGE=$(metric "$1" xvirt_snapshot_age_seconds)
    STAMP=$(metric "$1" xvirt_sample_timestamp_seconds)
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

if ! start_stepped_agent hang "$URI" --config "$TMP/agent.yaml" ||
    ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent becomes ready"

# ---- before the hang (up to 1.8 s) ----------------------------------------------

step 1800ms
is "before: the samples of 0 to 1.8 s taken (seq at 1.8 s)" "$SEQ $NOW" "10 1.800"
: >"$TMP/pre.times"
for i in 1 2 3 4 5 6 7 8; do
    one_scrape "$TMP/pre.prom"
    [ "$CODE" = 200 ] && echo "$SECS" >>"$TMP/pre.times"
done
is "before: 8 scrapes answered 200" "$(wc -l <"$TMP/pre.times")" 8
pre_median=$(median <"$TMP/pre.times")
cmp_num "before: snapshot younger than 1 s" "$AGE" "<" 1
is "before: 3 domains" "$(metric "$TMP/pre.prom" xvirt_domains)" 3
diag "median scrape before the hang: $pre_median s"
hang_stamp=$STAMP

# ---- during the hang ----------------------------------------------------------------

# the sample at 2 s hangs: its step answers once the call returns
t_hang=$(now)
step_bg 200ms
stuck() {
    ctl status && [ "$BUSY" = 1 ] && [ "$SEQ" = 10 ]
}
if wait_for 10 stuck; then
    ok "the hang begins: the sampler is stuck in the sample at 2 s"
else
    not_ok "the hang begins: the sampler is stuck in the sample at 2 s" "$CTL_ERROR" "$AGENT_LOG"
fi
# 1.2 s pass during the hung call: the snapshot of 1.8 s is 1.4 s old
ctl "pass?by=1200ms"
one_scrape "$TMP/wait.prom"
cmp_num "the hang begins: snapshot age passes 1 s ($AGE s at $NOW s)" "$AGE" ">" 1

# 20 scrapes while the sampler hangs, the clock 1 s further every 5.
: >"$TMP/during.times"
: >"$TMP/during.codes"
: >"$TMP/during.stamps"
: >"$TMP/during.ages"
: >"$TMP/health.codes"
for i in $(seq 20); do
    [ $((i % 5)) = 1 ] && [ "$i" -gt 1 ] && ctl "pass?by=1s"
    one_scrape "$TMP/during.prom"
    echo "$SECS" >>"$TMP/during.times"
    echo "$CODE" >>"$TMP/during.codes"
    echo "$STAMP" >>"$TMP/during.stamps"
    echo "$AGE" >>"$TMP/during.ages"
    http_code "$port" /-/healthy >>"$TMP/health.codes"
    echo >>"$TMP/health.codes"
done
ctl status
is "during: the sampler was stuck through all the scrapes" "$BUSY $SEQ" "1 10"
max_age=$(sort -g "$TMP/during.ages" | tail -n 1)

n=$(wc -l <"$TMP/during.times")
cmp_num "during: scraped all along the hang ($n scrapes)" "$n" ">=" 20
is "during: every scrape answered 200" "$(sort -u "$TMP/during.codes")" 200
slowest=$(sort -g "$TMP/during.times" | tail -n 1)
cmp_num "during: every scrape under 0.5 s (slowest $slowest s)" "$slowest" "<" 0.5
during_median=$(median <"$TMP/during.times")
diag "median scrape during the hang: $during_median s"
limit=$(awk -v m="$pre_median" 'BEGIN { print m * 5 + 0.05 }')
cmp_num "during: median scrape as fast as before (x5 + 50 ms)" "$during_median" "<" "$limit"
is "during: every scrape served the last snapshot" "$(sort -u "$TMP/during.stamps")" "$hang_stamp"
is "during: the age followed the clock (1.4 s, then 1 s more every 5 scrapes)" \
    "$(uniq "$TMP/during.ages" | tr '\n' ' ')" "1.4 2.4 3.4 4.4 "
cmp_num "during: snapshot age grew past 3 s (max $max_age s)" "$max_age" ">" 3
cmp_num "during: snapshot age stayed under 8 s (a 6 s hang)" "$max_age" "<" 8
is "during: /-/healthy stayed 200" "$(sort -u "$TMP/health.codes" | grep -v '^$')" 200

# ---- after the hang -------------------------------------------------------------------

if step_bg_wait 15; then
    ok "after: the hung sample ends"
else
    not_ok "after: the hung sample ends" "$(cat "$TMP/step_bg.out")" "$AGENT_LOG"
fi
hang_secs=$(elapsed_since "$t_hang")
cmp_num "after: the hang ends within 12 s ($hang_secs s)" "$hang_secs" "<" 12
# the hung sample ends at 6.2 s (4.2 s passed during it), overdue since
# 2.2 s: the next is taken at once
is "after: the overdue sample taken at once (seq at 6.2 s)" "$SEQ $NOW" "12 6.200"
one_scrape "$TMP/after.prom"
cmp_num "after: snapshot age back under 1 s" "$AGE" "<" 1
cmp_num "after: a new snapshot" "$STAMP" ">" "$hang_stamp"
is "after: 3 domains" "$(metric "$TMP/after.prom" xvirt_domains)" 3
is "after: hypervisor up" "$(metric "$TMP/after.prom" xvirt_hypervisor_up)" 1
is "after: a hang is no sample error" "$(sample_errors "$TMP/after.prom")" 0
step 200ms
one_scrape "$TMP/later.prom"
is "after: sampling every 200ms again (seq at 6.4 s)" "$SEQ $NOW" "13 6.400"
cmp_num "after: sampling every 200ms again" "$AGE" "<" 0.5

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
unlike "no warnings or errors logged" "$AGENT_LOG" '^<[0-4]>'

done_testing
